#!/bin/bash
# lvsctl.sh - lvsctl against the real ipvsadm 1.31 on the host, no IPVS needed.
#
# 1. As built (static musl) vs /usr/sbin/ipvsadm as installed: on this kernel
#    without IPVS both must stop at start-up with the same words and status.
# 2. Parsing: the real ipvsadm with tests/cli/ipvsadm_preload.c (its IPVS
#    socket options answer as an empty IPVS 1.2.1 that refuses every change)
#    vs lvsctl built with tests/cli/fake_ipvs.c (refusing the same way). For
#    each argument list, stdout, stderr and exit status must be identical.
# Both programs run through PATH under the name ipvsadm, so messages that
# quote argv[0] match, and in a network namespace of their own, so words
# that go to the resolver as host names never reach a DNS server.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

toolchain/deps.sh cli build >/dev/null || die_suite "lvsctl cli: cannot install ipvsadm"
[ -x /usr/sbin/ipvsadm ] || die_suite "lvsctl cli: /usr/sbin/ipvsadm missing"
[ -x build/x86_64/lvsbox ] || make -s build/x86_64/lvsbox build/x86_64/bin/.links >/dev/null ||
	die_suite "lvsctl cli: cannot build lvsbox"

out=build/cli/lvsctl
rm -rf "$out"
mkdir -p "$out/real" "$out/fake" "$out/work"
gcc -shared -fPIC -O1 -o "$out/ipvsadm_preload.so" tests/cli/ipvsadm_preload.c -ldl ||
	die_suite "lvsctl cli: preload library does not build"
# Built like the shipped binary (static musl, same flags) so the C library's
# address and name parsing is the one users get.
musl-gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Os -static -isystem build/x86_64/kinc \
	$(core_includes) -o "$out/fake/ipvsadm" \
	applets/lvsctl.c core/lvs/lvsctl_*.c core/base/json.c core/base/strbuf.c platform/linux/ipvs_errors.c platform/linux/modprobe.c \
	tests/cli/fake_ipvs.c tests/cli/lvsctl_driver.c ||
	die_suite "lvsctl cli: lvsctl with the fake kernel does not build"
ln -s /usr/sbin/ipvsadm "$out/real/ipvsadm"
real=$(cd "$out/real" && pwd) fake=$(cd "$out/fake" && pwd) ship=$(cd build/x86_64/bin && pwd)
preload=$(cd "$out" && pwd)/ipvsadm_preload.so
work=$out/work

# run DIR PRELOAD STDIN ARGS... -> $work/{out,err,rc}.TAG
run() {
	local tag=$1 dir=$2 pre=$3 input=$4; shift 4
	( cd "$work" && printf '%s' "$input" | unshare -n env PATH="$dir:/usr/sbin:/usr/bin:/sbin:/bin" ${pre:+LD_PRELOAD=$pre} \
		ipvsadm "$@" >"out.$tag" 2>"err.$tag"; echo $? >"rc.$tag" )
}

# compare WHAT -> ok/fail on out/err/rc of tags a and b
compare() {
	local what=$1 f bad=
	for f in out err rc; do
		cmp -s "$work/$f.a" "$work/$f.b" || bad="$bad $f"
	done
	if [ -z "$bad" ]; then ok "$what"; return; fi
	fail "$what (differs in:$bad)"
	for f in $bad; do
		diff "$work/$f.a" "$work/$f.b" | head -8 | sed "s/^/#   $f: /"
	done
}

# Part 1: the shipped binary against the installed ipvsadm, no IPVS.
for line in "" "-Ln" "-h" "-v" "-A -t 10.0.0.1:80 -s rr" "--bogus" "-S -n"; do
	eval "args=($line)"
	run a "$real" "" "" "${args[@]}"
	run b "$ship" "" "" "${args[@]}"
	compare "no IPVS in kernel: ipvsadm $line"
done

# Part 2: argument lists, one per line; '#' lines are comments.
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	eval "args=($line)"
	run a "$real" "$preload" "" "${args[@]}"
	run b "$fake" "" "" "${args[@]}"
	compare "parse: ipvsadm $line"
done < tests/cli/lvsctl-args.txt

# -R: save-file text on stdin (\n separated in the table below).
while IFS= read -r input; do
	case "$input" in ''|'#'*) continue ;; esac
	text=$(printf '%b' "$input")
	run a "$real" "$preload" "$text" -R
	run b "$fake" "" "$text" -R
	# lvsctl adds a line naming the failing input line; ipvsadm's own words come first
	grep -v ': restore line [0-9]*: ' "$work/err.b" >"$work/err.b.tmp"; mv "$work/err.b.tmp" "$work/err.b"
	compare "restore: $input"
done <<'EOF_R'
-A -t 10.0.0.1:80 -s rr\n
\n\n-C\n
-A -t 10.0.0.1:80 -w 5\n
-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.0.0.2 -x\n-C\n
# comment line\n
-R\n
-A -t 10.0.0.1:80 -s rr\n-Q\n
ipvsadm -A -t 10.0.0.1:80 -s rr\n
-h\n
EOF_R

# -R streams its input: a save file larger than the memory it may use is
# read to its end (64 MiB of blank lines, then a line it refuses, under a
# 32 MiB address space limit) and answers as the short input does; a reader
# that loads the whole file first runs out of memory instead.
stream_run() {
	( cd "$work" && { [ "$2" = big ] && head -c $((64 << 20)) /dev/zero | tr '\0' '\n'; echo "-A -t 10.0.0.1:80 --bogus"; } |
		unshare -n env PATH="$fake:/usr/sbin:/usr/bin:/sbin:/bin" prlimit --as=$((32 << 20)) ipvsadm -R \
		2>&1 >/dev/null | grep -v ': restore line [0-9]*: ' >"err.$1"; echo "${PIPESTATUS[1]}" >"rc.$1" )
}
stream_run small small
stream_run big big
check_eq "restore: 64 MiB of input under a 32 MiB limit is streamed: the same exit status as a short input" \
	"$(cat "$work/rc.small")" "$(cat "$work/rc.big")"
check_eq "restore: 64 MiB of input under a 32 MiB limit is streamed: the same message as a short input" \
	"$(cat "$work/err.small")" "$(head -c 300 "$work/err.big")"
