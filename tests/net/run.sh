#!/bin/bash
# Net suite: every tests/net/t_*.sh on the host kernel in network namespaces
# (tests/net/netns.sh), against vrrpd (IMPL=keepalived runs the scenarios
# against keepalived for the reference behaviour). Each script prints its own
# ok / not ok lines; one that dies without a line counts as a failure.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
[ "$(id -u)" = 0 ] || die_suite "net: needs root for network namespaces"
toolchain/deps.sh net || die_suite "net: cannot install its packages"
[ -n "$NET_NO_BUILD" ] || make -s -j2 all >/dev/null || die_suite "net: make failed"
shopt -s nullglob
for t in tests/net/t_*.sh; do
	[ -n "$NET_ONLY" ] && case "$t" in *"$NET_ONLY"*) ;; *) continue ;; esac
	echo "# $t"
	start=$SECONDS
	# 120 s bounds a hung scenario; its EXIT trap still cleans up.
	out=$(timeout -s TERM 120 bash "$t" 2>&1)
	rc=$?
	echo "$out"
	echo "#   ($((SECONDS - start)) s)"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' <<<"$out"; then
		fail "$t exited $rc"
	fi
done
