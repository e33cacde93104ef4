#!/bin/bash
# conf_scale.sh - `make bench-conf`: `lvsd -t` beside `keepalived -t` on the
# large config of tests/bench/scale_conf.sh (2,284 virtual servers, 37,294
# real servers with TCP_CHECK, about 3.9 MB in one file), on the host: -t
# needs no IPVS. For each, RUNS runs (9) one after the other; printed are the
# median wall time (taken with bash's microsecond clock: /usr/bin/time's
# 10 ms steps are a sixth of lvsd's time), the median CPU time (user +
# system, in /usr/bin/time's 10 ms steps: steadier than the wall time on a
# busy machine), the peak resident memory (VmHWM, from /usr/bin/time) and
# lvsd's share of keepalived's. The issue's targets: at
# most 1/8 of keepalived's time and 1/3 of its memory. Figures only.
#
# Environment: RUNS (9), VS and RS (the counts, see scale_conf.sh),
# PARTS (0: one file; N: the virtual servers in N included files),
# LVSD (build/x86_64/bin/lvsd).
cd "$(dirname "$0")/../.." || exit 2
RUNS=${RUNS:-9}
PARTS=${PARTS:-0}
LVSD=${LVSD:-$PWD/build/x86_64/bin/lvsd}
command -v keepalived >/dev/null || toolchain/deps.sh conf >/dev/null || { echo "bench-conf: no keepalived"; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-conf: /usr/bin/time (GNU time) is missing"; exit 2; }
work=$(mktemp -d /tmp/bench_conf.XXXXXX) || exit 2
trap 'rm -rf "$work"' EXIT
conf=$work/keepalived.conf
tests/bench/scale_conf.sh "$conf" "$PARTS" || exit 2
echo "config: $(cat "$conf"* | grep -c '^virtual_server') virtual servers," \
	"$(cat "$conf"* | grep -c 'real_server') real servers," \
	"$(cat "$conf"* | wc -c) bytes in $((PARTS + 1)) file(s)"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure NAME CMD...: RUNS runs; sets WALL, CPU (s) and PEAK (KiB), the medians.
measure() {
	local name=$1 i rc t0 t1
	shift
	: >"$work/$name.times"
	for i in $(seq "$RUNS"); do
		t0=$EPOCHREALTIME
		/usr/bin/time -o "$work/$name.t" -f '%U %S %M' "$@" >/dev/null 2>"$work/$name.err"
		rc=$?
		t1=$EPOCHREALTIME
		if [ "$rc" != 0 ]; then
			echo "$name exited $rc:"; head -5 "$work/$name.err"
			return 1
		fi
		echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') $(tail -1 "$work/$name.t")" >>"$work/$name.times"
	done
	WALL=$(awk '{ print $1 }' "$work/$name.times" | median)
	CPU=$(awk '{ printf "%.2f\n", $2 + $3 }' "$work/$name.times" | median)
	PEAK=$(awk '{ print $4 }' "$work/$name.times" | median)
}

measure keepalived keepalived -t -f "$conf" || exit 1
ka_wall=$WALL ka_cpu=$CPU ka_peak=$PEAK
measure lvsd "$LVSD" -t -f "$conf" || exit 1
printf '%-14s %8s %8s %10s\n' "" "wall s" "cpu s" "peak MiB"
printf '%-14s %8s %8s %10.1f\n' "keepalived -t" "$ka_wall" "$ka_cpu" "$(awk -v k="$ka_peak" 'BEGIN { print k / 1024 }')"
printf '%-14s %8s %8s %10.1f\n' "lvsd -t" "$WALL" "$CPU" "$(awk -v k="$PEAK" 'BEGIN { print k / 1024 }')"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else printf "n/a" }'; }
echo "lvsd/keepalived: wall $(ratio "$WALL" "$ka_wall"), cpu $(ratio "$CPU" "$ka_cpu"), peak memory $(ratio "$PEAK" "$ka_peak")" \
	"(targets: time <= 0.125, memory <= 0.333)"
