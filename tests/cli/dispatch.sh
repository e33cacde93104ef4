#!/bin/bash
# dispatch.sh - the multi-call binary's front door: --list, --install, calling
# by symlink name and as `lvsbox APPLET`, unknown names, --help and --version
# of every applet, and applets that are not built yet.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
LVSBOX=${LVSBOX:-build/x86_64/lvsbox}
lvsbox=$(readlink -f "$LVSBOX")
[ -x "$lvsbox" ] || die_suite "dispatch: $LVSBOX not built"

# The applets the project promises (DESIGN.md), in the table's order.
want_applets="lvsctl ipvsadm lvsd keepalived checkd vrrpd rsctl"
# These answer to ipvsadm's own -h/--help/-v/--version.
own_help="lvsctl ipvsadm"
real_ipvsadm=$(PATH=$PATH:/usr/sbin:/sbin command -v ipvsadm)
# The real one, not a symlink to us that someone put in PATH.
[ -n "$real_ipvsadm" ] && [ "$(readlink -f "$real_ipvsadm")" = "$lvsbox" ] && real_ipvsadm=
version=$(sed -n 's/^#define LVSBOX_VERSION "\(.*\)"$/\1/p' core/base/version.h)

tmp=$(mktemp -d /tmp/lvsbox-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# run CMD...: sets $out, $err (the command's stdout and stderr) and $rc.
run() {
	timeout 10 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# check WHAT CONDITION...: ok when the shell test holds; shows the command's output otherwise.
check() {
	local what=$1; shift
	if "$@"; then ok "$what"; else
		fail "$what"
		printf '#   exit %s\n' "$rc"
		[ -n "$out" ] && printf '%s\n' "$out" | head -5 | sed 's/^/#   stdout: /'
		[ -n "$err" ] && printf '%s\n' "$err" | head -5 | sed 's/^/#   stderr: /'
	fi
	return 0
}

is() { [ "$1" = "$2" ]; }
has() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }

# ---- lvsbox itself ----
run "$lvsbox" --list
check "--list exits 0" is "$rc" 0
check "--list prints the seven applets, one a line" is "$out" "$(printf '%s\n' $want_applets)"

run "$lvsbox"
check "no arguments: exits non-zero" [ "$rc" != 0 ]
check "no arguments: help on stderr, nothing on stdout" \
	eval '[ -z "$out" ] && has "$err" Usage && has "$err" --install'

run "$lvsbox" --help
check "--help exits 0 with the help on stdout" eval '[ "$rc" = 0 ] && has "$out" Usage && [ -z "$err" ]'
missing=""
for a in $want_applets; do
	printf '%s\n' "$out" | grep -q "^  $a " || missing="$missing $a"
done
check "--help lists every applet with its summary${missing:+ (missing:$missing)}" is "$missing" ""

run "$lvsbox" --version
check "--version prints 'lvsbox $version'" eval '[ "$rc" = 0 ] && [ "$out" = "lvsbox $version" ]'

# ---- unknown applets, both forms ----
run "$lvsbox" nosuchapplet -x
check "lvsbox nosuchapplet: exit 127" is "$rc" 127
check "lvsbox nosuchapplet: names it on stderr, stdout empty" eval '[ -z "$out" ] && has "$err" nosuchapplet'

ln -s "$lvsbox" "$tmp/nosuchapplet"
run "$tmp/nosuchapplet" -x
check "symlink nosuchapplet: exit 127" is "$rc" 127
check "symlink nosuchapplet: names it on stderr, stdout empty" eval '[ -z "$out" ] && has "$err" nosuchapplet'

# ---- --install ----
mkdir "$tmp/bin"
ln -s /nonexistent "$tmp/bin/lvsd"   # a stale link --install must replace
run "$lvsbox" --install "$tmp/bin"
check "--install DIR exits 0, says nothing on stdout" eval '[ "$rc" = 0 ] && [ -z "$out" ]'
bad=""
for a in $want_applets; do
	[ -L "$tmp/bin/$a" ] && [ "$(readlink -f "$tmp/bin/$a")" = "$lvsbox" ] || bad="$bad $a"
done
check "--install makes a symlink to lvsbox for every applet${bad:+ (wrong:$bad)}" is "$bad" ""
check "--install makes nothing else" is "$(ls "$tmp/bin" | sort | tr '\n' ' ')" "$(printf '%s\n' $want_applets | sort | tr '\n' ' ')"

run "$lvsbox" --install "$tmp/no/such/dir"
check "--install into a missing directory fails with a message" eval '[ "$rc" != 0 ] && [ -n "$err" ]'
run "$lvsbox" --install
check "--install without a directory fails with a message" eval '[ "$rc" != 0 ] && [ -n "$err" ]'

# The links make itself keeps in build/ARCH/bin.
bad=""
for a in $want_applets; do
	[ "$(readlink -f "$(dirname "$LVSBOX")/bin/$a")" = "$lvsbox" ] || bad="$bad $a"
done
check "make's $(dirname "$LVSBOX")/bin/ links every applet to lvsbox${bad:+ (wrong:$bad)}" is "$bad" ""

# ---- every applet: --help and --version, by symlink and as lvsbox APPLET ----
for a in $want_applets; do
	if has " $own_help " " $a "; then
		# ipvsadm opens IPVS before it reads any option, so even -h fails on a
		# kernel without IPVS (this host): the real one says which exit is right.
		if [ -z "$real_ipvsadm" ]; then
			fail "$a -h/--help/-v/--version: the real ipvsadm is needed as reference (apt-get install ipvsadm)"
			continue
		fi
		for flag in -h --help -v --version; do
			run "$real_ipvsadm" $flag
			want_rc=$rc
			run "$tmp/bin/$a" $flag
			check "$a $flag (symlink): exits $want_rc like ipvsadm here and prints something" \
				eval '[ "$rc" = "$want_rc" ] && [ -n "$out$err" ]'
		done
		run "$real_ipvsadm" --version
		want_rc=$rc
		run "$lvsbox" "$a" --version
		check "lvsbox $a --version: exits $want_rc like ipvsadm here and prints something" \
			eval '[ "$rc" = "$want_rc" ] && [ -n "$out$err" ]'
		continue
	fi
	run "$tmp/bin/$a" --help
	help_by_link=$out
	check "$a --help (symlink): exit 0, usage naming $a on stdout, stderr empty" \
		eval '[ "$rc" = 0 ] && has "$out" "Usage: $a" && [ -z "$err" ]'
	run "$lvsbox" "$a" --help
	check "lvsbox $a --help: same usage as by symlink" eval '[ "$rc" = 0 ] && [ -n "$out" ] && [ "$out" = "$help_by_link" ]'

	run "$tmp/bin/$a" --version
	check "$a --version (symlink): '$a (lvsbox) $version'" eval '[ "$rc" = 0 ] && [ "$out" = "$a (lvsbox) $version" ]'
	run "$lvsbox" "$a" --version
	check "lvsbox $a --version: '$a (lvsbox) $version'" eval '[ "$rc" = 0 ] && [ "$out" = "$a (lvsbox) $version" ]'
done

# ---- applets that are still placeholders ----
# An applet whose own help says it is not built yet must refuse to run, loudly.
stubs=""
for a in $want_applets; do
	run "$lvsbox" "$a" --help
	has "$out$err" "not built" && stubs="$stubs $a"
done
for a in $stubs; do
	run "$tmp/bin/$a"
	check "$a (not built yet): exits non-zero, says so on stderr, nothing on stdout" \
		eval '[ "$rc" != 0 ] && [ "$rc" != 124 ] && [ -z "$out" ] && has "$err" "$a" && has "$err" "not built"'
done
echo "# applets not built yet:${stubs:- none}"
