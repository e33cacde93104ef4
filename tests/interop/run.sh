#!/bin/bash
# Interop suite: vrrpd against Debian's keepalived as its VRRP peer in
# network namespaces, and tshark's VRRP dissector as the judge of our packets.
# Runs every tests/interop/t_*.sh; each prints its own ok / not ok lines.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
[ "$(id -u)" = 0 ] || die_suite "interop: needs root for network namespaces"
toolchain/deps.sh interop || die_suite "interop: cannot install keepalived/tshark"
[ -n "$NET_NO_BUILD" ] || make -s -j2 all >/dev/null || die_suite "interop: make failed"
shopt -s nullglob
for t in tests/interop/t_*.sh; do
	echo "# $t"
	start=$SECONDS
	out=$(timeout -s TERM 240 bash "$t" 2>&1)
	rc=$?
	echo "$out"
	echo "#   ($((SECONDS - start)) s)"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' <<<"$out"; then
		fail "$t exited $rc"
	fi
done
