#!/bin/bash
# checkd_scale.sh - `make bench-checkd`: checkd against the stub farm, all
# servers healthy, delay_loop 6, TCP_CHECK then HTTP_GET. For each: the
# checker's CPU (user + system, % of one core), resident memory now and at
# its peak (VmHWM: the config parse), and the checks the farm answered.
# First on the host at 30,000 servers (the issue's targets: < 25% of a core,
# < 16 MiB for TCP_CHECK), checkd and keepalived's checker side by side,
# keepalived's IPVS calls answered by a preloaded library (the host kernel
# has no IPVS), then inside the qemu guest, whose kernel has
# IPVS, checkd and keepalived's checker (keepalived -C) one after the other
# on the same config, with the CPU per answered check of each and the ratio.
# Prints figures; asserts nothing; stops by itself.
#
# Environment: SERVERS (30000), WINDOW seconds measured (30), WARM seconds
# before it (15) and then until the checks run at full rate (READY_MAX: 400), HOST=0 skips the host half, GUEST=0 the qemu half,
# HOST_IMPLS ("checkd keepalived") and HOST_CHECKS ("tcp http") pick what runs on the host,
# GUEST_SERVERS (1200, see below), VM_TIMEOUT (1500), VM_MEM (2G);
# in the guest also CG_SERVERS (300) and CG_WARM (30 s) for the callgrind
# counts, GUEST_PARTS ("cpu count": either may be left out), GUEST_CHECKS
# ("tcp http") for the cpu part, COUNT_IMPLS
# ("checkd keepalived") and COUNT_CHECKS ("tcp http") to count fewer.
#
# The guest is TCG-emulated: every guest instruction costs many host ones,
# and the guest charges a process for the time its vCPU was descheduled on
# the host. Its absolute figures are therefore inflated; only the ratio of
# two checkers measured the same way means something, and only while
# neither the checker nor the farm is saturated: a saturated checker
# answers fewer checks than delay_loop asks for and its CPU is capped. So
# the guest runs fewer servers, and a ratio is printed as valid only when
# both checkers had at least 90% of the expected checks answered, no SYN
# was shed by the farm and no server went down. Even then the guest's CPU
# figures move with the host's load (other guests, other builds), and
# almost all of it is kernel time; so the guest also counts, with callgrind,
# the user-space instructions each checker spends per answered check: a
# figure that is the same whatever else runs (see count below).
cd "$(dirname "$0")/../.." || exit 2
SERVERS=${SERVERS:-30000}
WINDOW=${WINDOW:-30}
WARM=${WARM:-15}
CG_WARM=${CG_WARM:-30}
DELAY_LOOP=6
CHECKD=${CHECKD:-$PWD/build/x86_64/bin/checkd}
. tests/lib.sh
. tests/stub/farm.sh
HZ=$(getconf CLK_TCK)

# cpu_ticks PID: "user system" CPU ticks of PID so far ("" when gone).
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$1/stat" 2>/dev/null; }
# status_kib PID FIELD: a size from /proc/PID/status (VmRSS, VmHWM) in KiB.
status_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null; }

# start IMPL CONF WORK: the checker in the farm's namespace, under $WRAP
# if set (valgrind); sets RUN_PID to the process measured (keepalived: its
# checker child).
start() {
	local impl=$1 conf=$2 work=$3 i
	RUN_PID=
	case "$impl" in
	checkd)
		ip netns exec "$SF_NS" $WRAP "$CHECKD" -n -l -f "$conf" -S "$work/checkd.sock" \
			>"$work/events" 2>"$work/checkd.log" &
		RUN_PID=$!
		;;
	keepalived)
		rm -f "$work/ka.pid" "$work/ka-check.pid"
		# The host kernel has no IPVS, without which keepalived's checker
		# will not start: there its IPVS socket options (and only those)
		# answer as an empty IPVS that refuses every change. Its probes, the
		# work measured, are real.
		local preload=
		[ -r /proc/net/ip_vs ] || preload=LD_PRELOAD=$IPVS_PRELOAD
		ip netns exec "$SF_NS" env $preload $WRAP keepalived -n -l -C -f "$conf" -p "$work/ka.pid" \
			-c "$work/ka-check.pid" >"$work/keepalived.log" 2>&1 &
		KA_PARENT=$!
		for i in $(seq 600); do
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

# percent T0 T1: CPU % of one core between two tick counts over WINDOW.
percent() { awk -v a="$1" -v b="$2" -v hz="$HZ" -v w="$WINDOW" 'BEGIN { printf "%.1f", (b - a) * 100 / hz / w }'; }

# ipvs_table CONF...: the IPVS table keepalived makes from gen_farm.py's
# virtual servers (lb_algo rr, lb_kind DR, weight 1), as ipvsadm -R input.
ipvs_table() {
	awk '$1 == "virtual_server" { vs = $2 ":" $3; print "-A -t " vs " -s rr" }
		$1 == "real_server" { print "-a -t " vs " -r " $2 ":" $3 " -g -w 1" }' "$@"
}

# measure IMPL CHECK: one line
#   IMPL CHECK cpu% user% sys% rss_kib hwm_kib checks/s expected/s farm% shed downs
# checks/s is what the farm answered in the window (TCP: handshakes
# answered, SYN-ACKs; HTTP: requests read), expected/s what delay_loop asks for;
# shed counts SYNs the farm dropped, downs the servers the checker took
# down (all are healthy: a down means someone did not keep up).
measure() {
	local impl=$1 check=$2 work
	work=$(mktemp -d "/tmp/lvf-bench-$impl-$check.XXXX")
	python3 tests/stub/gen_farm.py "$work" --servers "$SERVERS" --check "$check" \
		--mix healthy --delay-loop "$DELAY_LOOP" --timeout 3 || return 1
	sf_setup "$work/farm.script" || { echo "# farm did not start"; return 1; }
	# With IPVS services in a namespace the kernel hooks every packet there;
	# keepalived programs them, so checkd, in the guest, gets the same table
	# as lvsd would program from that config: both checkers then pay the same
	# kernel cost per packet, and the comparison is of the checkers alone.
	if [ "$impl" = checkd ] && [ -r /proc/net/ip_vs ]; then
		ipvs_table "$work"/vs-*.conf | ip netns exec "$SF_NS" ipvsadm -R ||
			{ echo "# cannot program IPVS for checkd"; sf_cleanup; rm -rf "$work"; return 1; }
	fi
	if ! start "$impl" "$work/checkd.conf" "$work"; then
		echo "# $impl did not start:"; tail -5 "$work"/*.log | sed 's/^/#   /'
		stop; sf_cleanup; rm -rf "$work"; return 1
	fi
	local counter=syn_acks
	[ "$check" = http ] && counter=requests
	# Measure the steady state: after WARM, wait (at most READY_MAX s) until
	# a 5 s sample answers 90% of the expected checks. keepalived's checker
	# needs minutes at 30,000 servers before it checks them all.
	sleep "$WARM"
	local t=$WARM a b
	while [ "$t" -lt "${READY_MAX:-400}" ]; do
		a=$(sf_stat $counter); sleep 5; b=$(sf_stat $counter); t=$((t + 5))
		[ -n "$a" ] && [ -n "$b" ] && [ $(( (b - a) * 10 )) -ge $(( 9 * 5 * SERVERS / DELAY_LOOP )) ] && break
	done
	echo "# $impl $check: checking at full rate after about ${t}s"
	local u0 s0 fu0 fs0 n0 shed0 u1 s1 fu1 fs1 n1 shed1 rss hwm
	read -r u0 s0 < <(cpu_ticks "$RUN_PID"); read -r fu0 fs0 < <(cpu_ticks "$SF_PID")
	n0=$(sf_stat $counter); shed0=$(sf_stat syns_shed)
	sleep "$WINDOW"
	read -r u1 s1 < <(cpu_ticks "$RUN_PID"); read -r fu1 fs1 < <(cpu_ticks "$SF_PID")
	n1=$(sf_stat $counter); shed1=$(sf_stat syns_shed)
	rss=$(status_kib "$RUN_PID" VmRSS); hwm=$(status_kib "$RUN_PID" VmHWM)
	if [ -z "$u0" ] || [ -z "$u1" ] || [ -z "$n0" ] || [ -z "$n1" ]; then
		echo "# $impl or the farm died during the window"; stop; sf_cleanup; rm -rf "$work"; return 1
	fi
	local downs=-
	[ "$impl" = checkd ] && downs=$(grep -c ' down ' "$work/events")
	[ "$impl" = keepalived ] && downs=$(grep -c 'Removing service' "$work/keepalived.log")
	echo "$impl $check $(percent $((u0 + s0)) $((u1 + s1))) $(percent "$u0" "$u1") $(percent "$s0" "$s1")" \
		"${rss:-0} ${hwm:-0} $(( (n1 - n0) / WINDOW )) $(( SERVERS / DELAY_LOOP ))" \
		"$(percent $((fu0 + fs0)) $((fu1 + fs1))) $((shed1 - shed0)) $downs"
	stop
	sf_cleanup
	rm -rf "$work"
}

# report LINE...: the measured lines as a table.
report() {
	printf '%-11s %-5s %6s %6s %6s %8s %8s %9s %9s %6s %5s %5s\n' checker check "cpu%" "user%" "sys%" \
		"rss MiB" "hwm MiB" "checks/s" "expected" "farm%" shed downs
	local l
	for l in "$@"; do
		set -- $l
		printf '%-11s %-5s %6s %6s %6s %8.1f %8.1f %9s %9s %6s %5s %5s\n' "$1" "$2" "$3" "$4" "$5" \
			"$(awk -v k="$6" 'BEGIN { print k / 1024 }')" "$(awk -v k="$7" 'BEGIN { print k / 1024 }')" \
			"$8" "$9" "${10}" "${11}" "${12}"
	done
}

# compare CHECK OURS THEIRS: the side-by-side line from two measured lines.
compare() {
	awk -v c="$1" -v o="$2" -v t="$3" 'BEGIN {
		split(o, a, " "); split(t, b, " ")
		why = ""
		for (i = 0; i < 2; i++) {
			split(i ? t : o, m, " ")
			if (m[8] < 0.9 * m[9]) why = why sprintf(" %s answered %d of %d checks/s;", m[1], m[8], m[9])
			if (m[11] > 0) why = why sprintf(" farm shed %d SYNs under %s;", m[11], m[1])
			if (m[12] != "-" && m[12] > 0) why = why sprintf(" %s took %d servers down;", m[1], m[12])
			if (m[8] <= 0 || m[3] <= 0) why = why sprintf(" %s measured nothing;", m[1])
		}
		printf "%s: checkd %.1f%% cpu for %d checks/s answered, keepalived %.1f%% for %d checks/s\n", c, a[3], a[8], b[3], b[8]
		if (a[8] > 0 && b[8] > 0 && a[3] > 0 && b[3] > 0) {
			per = (a[3] / a[8]) / (b[3] / b[8])
			user = (b[4] > 0) ? sprintf("%.2f", (a[4] / a[8]) / (b[4] / b[8])) : "n/a"
			printf "%s: cpu per answered check checkd/keepalived %.2f (user time alone %s); target <= 0.50: %s\n",
				c, per, user, (per <= 0.5) ? "met" : "NOT met"
		}
		if (why == "")
			printf "%s: valid: both unsaturated (>= 90%% of the expected checks answered, nothing shed, no server down)\n", c
		else
			printf "%s: NOT valid:%s\n", c, why
	}'
}

# compare_all SUFFIX LINE...: the side-by-side lines of every check measured
# for both checkers (SUFFIX names where, after the check).
compare_all() {
	local suffix=$1 check ours theirs
	shift
	for check in tcp http; do
		ours=$(printf '%s\n' "$@" | awk -v c="$check" '$1 == "checkd" && $2 == c')
		theirs=$(printf '%s\n' "$@" | awk -v c="$check" '$1 == "keepalived" && $2 == c')
		[ -n "$ours" ] && [ -n "$theirs" ] || { echo "$check$suffix: no ratio (a run failed)"; continue; }
		compare "$check$suffix" "$ours" "$theirs"
	done
}

# lifetime IMPL CHECK CONF WORK SECONDS: runs the checker under callgrind
# for SECONDS, stops it with SIGTERM; prints "instructions answered" for
# its whole life (keepalived: the checker child's).
lifetime() {
	local impl=$1 check=$2 conf=$3 work=$4 seconds=$5 counter=syn_acks n0 n1 i
	[ "$check" = http ] && counter=requests
	rm -f "$work"/cg.*
	n0=$(sf_stat $counter)
	WRAP="valgrind -q --tool=callgrind --callgrind-out-file=$work/cg.%p"
	if ! start "$impl" "$conf" "$work"; then
		WRAP=; echo "# $impl under callgrind did not start:"; tail -3 "$work"/*.log | sed 's/^/#   /'
		stop; return 1
	fi
	WRAP=
	sleep "$seconds"
	kill "$RUN_PID"
	for i in $(seq 100); do [ -s "$work/cg.$RUN_PID" ] && break; sleep 0.2; done
	n1=$(sf_stat $counter)
	stop
	local instr
	instr=$(awk '$1 == "summary:" { print $2 }' "$work/cg.$RUN_PID" 2>/dev/null)
	[ -n "$instr" ] && [ -n "$n0" ] && [ -n "$n1" ] || { echo "# $impl under callgrind: no count"; return 1; }
	echo "$instr $((n1 - n0))"
}

# count IMPL CHECK: user-space instructions of the checker per answered
# check, counted by callgrind. Two lives, CG_WARM and CG_WARM + WINDOW
# seconds long: the difference leaves start-up and shutdown out. One line
#   instr IMPL CHECK instructions checks/s expected/s
# Whatever else runs on the machine, the count stays the same; it leaves
# out the kernel's work, which the measured CPU above includes.
count() {
	local impl=$1 check=$2 work short long
	work=$(mktemp -d "/tmp/lvf-count-$impl-$check.XXXX")
	python3 tests/stub/gen_farm.py "$work" --servers "$SERVERS" --check "$check" \
		--mix healthy --delay-loop "$DELAY_LOOP" --timeout 3 || return 1
	sf_setup "$work/farm.script" || { echo "# farm did not start"; return 1; }
	if short=$(lifetime "$impl" "$check" "$work/checkd.conf" "$work" "$CG_WARM") &&
		long=$(lifetime "$impl" "$check" "$work/checkd.conf" "$work" $((CG_WARM + WINDOW))); then
		set -- $short $long
		echo "instr $impl $check $(($3 - $1)) $(( ($4 - $2) / WINDOW )) $(( SERVERS / DELAY_LOOP ))"
	else
		echo "$short$long" | grep '^#'
	fi
	sf_cleanup
	rm -rf "$work"
}

if [ "${1:-}" = --guest ]; then
	# Inside the qemu guest: the farm needs a TAP, keepalived needs IPVS.
	modprobe tun 2>/dev/null
	modprobe ip_vs 2>/dev/null
	ulimit -n 65536
	[ -r /proc/net/ip_vs ] || { echo "# guest: no IPVS"; exit 1; }
	case " ${GUEST_PARTS:-cpu count} " in *" cpu "*)
		for check in ${GUEST_CHECKS:-tcp http}; do
			for impl in checkd keepalived; do
				measure "$impl" "$check" || echo "$impl $check failed"
			done
		done
	esac
	case " ${GUEST_PARTS:-cpu count} " in *" count "*) ;; *) exit 0 ;; esac
	# Fewer servers under callgrind: it runs each checker some 50 times slower.
	SERVERS=${CG_SERVERS:-300}
	for check in ${COUNT_CHECKS:-tcp http}; do
		for impl in ${COUNT_IMPLS:-checkd keepalived}; do
			count "$impl" "$check" || echo "$impl $check count failed"
		done
	done
	exit 0
fi

[ "$(id -u)" = 0 ] || { echo "checkd bench: needs root"; exit 1; }
make -s stub all >/dev/null || exit 2
toolchain/deps.sh stub conf vm >/dev/null || exit 2
ulimit -n "$(ulimit -Hn)"
echo "checkd bench: delay_loop $DELAY_LOOP, all servers healthy; window ${WINDOW}s after ${WARM}s"

if [ "${HOST:-1}" != 0 ]; then
	echo
	echo "host, $SERVERS real servers, checkd standalone, keepalived -C with its IPVS calls answered by"
	echo "tests/cli/ipvsadm_preload.c (the host kernel has no IPVS; the checks themselves are real):"
	IPVS_PRELOAD=$(mktemp /tmp/lvf-ipvs-preload.XXXX.so)
	gcc -shared -fPIC -O2 -o "$IPVS_PRELOAD" tests/cli/ipvsadm_preload.c -ldl || exit 1
	host=()
	for check in ${HOST_CHECKS:-tcp http}; do
		for impl in ${HOST_IMPLS:-checkd keepalived}; do
			out=$(measure "$impl" "$check")
			echo "$out" | grep '^#'
			line=$(echo "$out" | grep -E "^$impl (tcp|http) [0-9]")
			[ -n "$line" ] && host+=("$line")
		done
	done
	rm -f "$IPVS_PRELOAD"
	[ ${#host[@]} -gt 0 ] && report "${host[@]}"
	case " ${HOST_IMPLS:-checkd keepalived} " in *" keepalived "*) compare_all " (host)" "${host[@]}" ;; esac
	for l in "${host[@]}"; do
		set -- $l
		[ "$1" = checkd ] && [ "$2" = tcp ] || continue
		echo "target (TCP_CHECK): cpu $3% < 25%: $(awk -v c="$3" 'BEGIN { print (c < 25) ? "met" : "NOT met" }');" \
			"rss $(($6 / 1024)) MiB < 16 MiB: $( [ "$6" -lt 16384 ] && echo met || echo NOT met);" \
			"peak (VmHWM) $(($7 / 1024)) MiB; $8 of $9 checks/s answered"
	done
fi

[ "${GUEST:-1}" = 0 ] && exit 0
echo
GUEST_SERVERS=${GUEST_SERVERS:-1200}
echo "qemu guest (TCG), $GUEST_SERVERS real servers, one checker at a time (absolute figures inflated; compare per check):"
guest=$(SERVERS=$GUEST_SERVERS VM_ENV="SERVERS WINDOW WARM CG_SERVERS CG_WARM GUEST_PARTS GUEST_CHECKS COUNT_IMPLS COUNT_CHECKS" VM_TIMEOUT=${VM_TIMEOUT:-1500} VM_MEM=${VM_MEM:-2G} \
	tests/vm/vm-run.sh tests/bench/checkd_scale.sh --guest 2>&1)
echo "$guest" | grep -E '^#|failed$|^vm-run'
mapfile -t lines < <(echo "$guest" | grep -E '^(checkd|keepalived) (tcp|http) [0-9]')
[ ${#lines[@]} -gt 0 ] && report "${lines[@]}"
compare_all "" "${lines[@]}"
mapfile -t counts < <(echo "$guest" | grep -E '^instr (checkd|keepalived) (tcp|http) [0-9]')
[ ${#counts[@]} -gt 0 ] && echo "callgrind, ${CG_SERVERS:-300} real servers: user-space instructions per answered check (repeatable; no kernel work):"
for check in tcp http; do
	ours=$(printf '%s\n' "${counts[@]}" | awk -v c="$check" '$2 == "checkd" && $3 == c')
	theirs=$(printf '%s\n' "${counts[@]}" | awk -v c="$check" '$2 == "keepalived" && $3 == c')
	[ -n "$ours" ] && [ -n "$theirs" ] || { echo "$check: no count (a run failed)"; continue; }
	awk -v c="$check" -v o="$ours" -v t="$theirs" -v w="$WINDOW" 'BEGIN {
		split(o, a, " "); split(t, b, " ")
		why = ""
		if (a[5] < 0.9 * a[6]) why = why sprintf(" checkd answered %d of %d checks/s;", a[5], a[6])
		if (b[5] < 0.9 * b[6]) why = why sprintf(" keepalived answered %d of %d checks/s;", b[5], b[6])
		pa = (a[5] > 0) ? a[4] / (a[5] * w) : 0; pb = (b[5] > 0) ? b[4] / (b[5] * w) : 0
		printf "%s: checkd %d instructions per check (%d checks/s), keepalived %d (%d checks/s): ratio %.2f (target <= 0.50: %s)%s\n",
			c, pa, a[5], pb, b[5], (pb > 0) ? pa / pb : 0, (pb > 0 && pa / pb <= 0.5) ? "met" : "NOT met",
			(why == "") ? "" : "; NOT valid:" why }'
done
