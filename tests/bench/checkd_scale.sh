#!/bin/bash
# checkd_scale.sh - `make bench`: checkd at 30,000 real servers against the
# stub farm, TCP_CHECK then HTTP_GET, delay_loop 6, all servers healthy.
# For each: checkd's CPU (% of one core) and resident memory over a fixed
# window, and the checks the farm answered in it. First on the host (the
# issue's targets: < 25% of a core, < 16 MiB for TCP_CHECK), then inside the
# qemu guest, where the kernel has IPVS, checkd and keepalived's checker
# (keepalived -C) side by side on the same config, with the ratios.
# Prints figures; asserts nothing; stops by itself.
#
# Environment: SERVERS (30000), WINDOW seconds measured (30), WARM seconds
# before it (15), GUEST=0 skips the qemu half, GUEST_SERVERS (3000: the
# TCG-emulated guest saturates long before 30,000 checks per 6 s, and a
# saturated checker's CPU says nothing), VM_TIMEOUT (1500).
cd "$(dirname "$0")/../.." || exit 2
SERVERS=${SERVERS:-30000}
WINDOW=${WINDOW:-30}
WARM=${WARM:-15}
CHECKD=$PWD/build/x86_64/bin/checkd
. tests/lib.sh
. tests/stub/farm.sh
HZ=$(getconf CLK_TCK)

# ticks PID: user + system CPU ticks of PID so far ("" when gone).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# start IMPL CONF WORK: the checker in the farm's namespace; sets RUN_PID
# to the process measured (keepalived: its checker child).
start() {
	local impl=$1 conf=$2 work=$3 i
	RUN_PID=
	case "$impl" in
	checkd)
		ip netns exec "$SF_NS" "$CHECKD" -n -l -f "$conf" -S "$work/checkd.sock" \
			>"$work/events" 2>"$work/checkd.log" &
		RUN_PID=$!
		;;
	keepalived)
		rm -f "$work/ka.pid" "$work/ka-check.pid"
		ip netns exec "$SF_NS" keepalived -n -l -C -f "$conf" -p "$work/ka.pid" \
			-c "$work/ka-check.pid" >"$work/keepalived.log" 2>&1 &
		KA_PARENT=$!
		for i in $(seq 300); do
			[ -s "$work/ka-check.pid" ] && break
			sleep 0.1
		done
		RUN_PID=$(cat "$work/ka-check.pid" 2>/dev/null)
		;;
	esac
	[ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null
}

stop() {
	local p
	for p in "$RUN_PID" "${KA_PARENT:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
	sleep 1
	for p in "$RUN_PID" "${KA_PARENT:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done
	KA_PARENT=
}

# measure IMPL CHECK: one line "IMPL CHECK cpu% rss_kib checks/s farm_cpu%".
measure() {
	local impl=$1 check=$2 work
	work=$(mktemp -d "/tmp/lvf-bench-$impl-$check.XXXX")
	python3 tests/stub/gen_farm.py "$work" --servers "$SERVERS" --check "$check" \
		--mix healthy --delay-loop 6 --timeout 3 || return 1
	sf_setup "$work/farm.script" || { echo "# farm did not start"; return 1; }
	if ! start "$impl" "$work/checkd.conf" "$work"; then
		echo "# $impl did not start:"; tail -5 "$work"/*.log | sed 's/^/#   /'
		stop; sf_cleanup; rm -rf "$work"; return 1
	fi
	sleep "$WARM"
	local counter=accepted
	[ "$check" = http ] && counter=requests
	local c0 f0 n0 c1 f1 n1 rss
	c0=$(ticks "$RUN_PID"); f0=$(ticks "$SF_PID"); n0=$(sf_stat $counter)
	sleep "$WINDOW"
	c1=$(ticks "$RUN_PID"); f1=$(ticks "$SF_PID"); n1=$(sf_stat $counter)
	rss=$(rss_kib "$RUN_PID")
	if [ -z "$c1" ] || [ -z "$c0" ]; then
		echo "# $impl died during the window"; stop; sf_cleanup; rm -rf "$work"; return 1
	fi
	local downs=-
	[ "$impl" = checkd ] && downs=$(grep -c ' down ' "$work/events")
	[ "$impl" = keepalived ] && downs=$(grep -c 'Removing service' "$work/keepalived.log")
	echo "$impl $check $(awk -v a="$c0" -v b="$c1" -v hz="$HZ" -v w="$WINDOW" 'BEGIN { printf "%.1f", (b - a) * 100 / hz / w }') \
${rss:-0} $(( (n1 - n0) / WINDOW )) $(awk -v a="$f0" -v b="$f1" -v hz="$HZ" -v w="$WINDOW" 'BEGIN { printf "%.1f", (b - a) * 100 / hz / w }') $downs"
	stop
	sf_cleanup
	rm -rf "$work"
}

# report LINE...: the measured lines as a table.
report() {
	printf '%-11s %-5s %7s %9s %9s %8s %6s\n' checker check "cpu%" "rss MiB" "checks/s" "farm%" downs
	local l
	for l in "$@"; do
		set -- $l
		printf '%-11s %-5s %7s %9.1f %9s %8s %6s\n' "$1" "$2" "$3" "$(awk -v k="$4" 'BEGIN { print k / 1024 }')" "$5" "$6" "$7"
	done
}

if [ "${1:-}" = --guest ]; then
	# Inside the qemu guest: the farm needs a TAP, keepalived needs IPVS.
	modprobe tun 2>/dev/null
	modprobe ip_vs 2>/dev/null
	ulimit -n 65536
	[ -r /proc/net/ip_vs ] || { echo "# guest: no IPVS"; exit 1; }
	for check in tcp http; do
		for impl in checkd keepalived; do
			measure "$impl" "$check" || echo "$impl $check failed"
		done
	done
	exit 0
fi

[ "$(id -u)" = 0 ] || { echo "checkd bench: needs root"; exit 1; }
make -s stub all >/dev/null || exit 2
toolchain/deps.sh stub conf vm >/dev/null || exit 2
ulimit -n "$(ulimit -Hn)"
echo "checkd bench: $SERVERS real servers, delay_loop 6, all healthy; window ${WINDOW}s after ${WARM}s"
echo
echo "host (no IPVS: checkd alone, standalone mode):"
host=()
for check in tcp http; do
	out=$(measure checkd "$check")
	echo "$out" | grep '^#'
	line=$(echo "$out" | grep -E '^checkd (tcp|http) [0-9]')
	[ -n "$line" ] && host+=("$line")
done
report "${host[@]}"
for l in "${host[@]}"; do
	set -- $l
	[ "$2" = tcp ] || continue
	echo "target (TCP_CHECK): cpu $3% < 25%: $(awk -v c="$3" 'BEGIN { print (c < 25) ? "met" : "NOT met" }');" \
		"rss $(($4 / 1024)) MiB < 16 MiB: $( [ "$4" -lt 16384 ] && echo met || echo NOT met)"
done

[ "${GUEST:-1}" = 0 ] && exit 0
echo
GUEST_SERVERS=${GUEST_SERVERS:-3000}
echo "qemu guest, $GUEST_SERVERS real servers (TCG-emulated: absolute figures are inflated; compare the ratios):"
guest=$(SERVERS=$GUEST_SERVERS VM_ENV="SERVERS WINDOW WARM" VM_TIMEOUT=${VM_TIMEOUT:-1500} VM_MEM=${VM_MEM:-2G} \
	tests/vm/vm-run.sh tests/bench/checkd_scale.sh --guest 2>&1)
echo "$guest" | grep '^#'
mapfile -t lines < <(echo "$guest" | grep -E '^(checkd|keepalived) (tcp|http) [0-9]')
report "${lines[@]}"
for check in tcp http; do
	ours=$(printf '%s\n' "${lines[@]}" | awk -v c="$check" '$1 == "checkd" && $2 == c { print $3, $4, $5 }')
	theirs=$(printf '%s\n' "${lines[@]}" | awk -v c="$check" '$1 == "keepalived" && $2 == c { print $3, $4, $5 }')
	[ -n "$ours" ] && [ -n "$theirs" ] || { echo "$check: no ratio (a run failed)"; continue; }
	# Per check as well as per second: an emulated guest may not keep up
	# with the configured rate, and the two may then do different work.
	awk -v o="$ours" -v t="$theirs" -v c="$check" 'BEGIN {
		split(o, a, " "); split(t, b, " ")
		cpu = (b[1] > 0) ? a[1] / b[1] : 0
		per = (a[3] > 0 && b[3] > 0 && b[1] > 0) ? (a[1] / a[3]) / (b[1] / b[3]) : 0
		printf "%s: checkd/keepalived cpu %.2f, cpu per check %.2f (target <= 0.50: %s), rss %.2f\n", c,
			cpu, per, (per > 0 && per <= 0.5) ? "met" : "NOT met", (b[2] > 0) ? a[2] / b[2] : 0 }'
done
