#!/bin/bash
# The vm suite: every tests/vm/t_*.sh inside qemu guests running Debian's
# kernel (which has IPVS), via vm-run.sh and guest-suite.sh.
#
# Two guests run side by side, each with its own kernel and so its own IPVS:
# one takes the tests in VM_LANE_HEAVY (the parity runs, the config sweep
# and the sync failover, half the suite's time, busy on the CPU), the other
# every other test (mostly waiting on health-check and VRRP timers). Their
# lines are shown one guest after the other. VM_LANE_HEAVY= runs everything
# in one guest.
# VM_TESTS="t_parity.sh" picks tests (one guest); VM_TIMEOUT bounds each guest.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
mkdir -p build/vm
# Several runs may share the tree: every file here is this run's own.
log=$(mktemp build/vm/suite.XXXXXX) || exit 2
trap 'rm -f "$log" "$log".lane*' EXIT

if ! make -s -j2 all >"$log" 2>&1; then
	sed 's/^/#   /' "$log" | tail -20
	die_suite "vm: make (static lvsbox) fails"
fi
# Tests that use the development build say so by naming build/dev.
if grep -q 'build/dev' tests/vm/t_*.sh 2>/dev/null; then
	if ! make -s -j2 dev >"$log" 2>&1; then
		sed 's/^/#   /' "$log" | tail -20
		fail "vm: make dev fails (a vm test needs it)"
	fi
fi

heavy=${VM_LANE_HEAVY-"t_conf_sweep.sh t_ha_sync.sh t_parity.sh t_parity_runner.sh"}
lanes=()
if [ -n "${VM_TESTS:-}" ] || [ -z "$heavy" ]; then
	lanes=("${VM_TESTS:-}")
else
	rest=
	for t in tests/vm/t_*.sh; do
		case " $heavy " in *" ${t##*/} "*) ;; *) rest+=" ${t##*/}" ;; esac
	done
	lanes=("$heavy" "${rest# }")
fi

# Two guests get one vCPU each: TCG then spends no host time on a guest
# kernel spinning for a lock that the other vCPU's descheduled thread holds
# (measured here: the same tests, the same wall time, an eighth less CPU).
smp=${VM_SMP:-$([ ${#lanes[@]} -gt 1 ] && echo 1 || echo 2)}

# run_lane N TESTS: one guest; its output into $log.laneN, its status into
# $log.laneN.rc.
run_lane() {
	VM_SMP=$smp VM_TESTS=$2 VM_ENV="VM_TESTS T_TIMEOUT ${VM_ENV:-}" VM_TIMEOUT=${VM_TIMEOUT:-2400} \
		tests/vm/vm-run.sh tests/vm/guest-suite.sh >"$log.lane$1" 2>&1
	echo $? >"$log.lane$1.rc"
}
for i in "${!lanes[@]}"; do
	run_lane "$i" "${lanes[i]}" &
done
wait

status=0
for i in "${!lanes[@]}"; do
	out=$log.lane$i
	read -r rc <"$out.rc"
	cat "$out"
	case $rc in
	0) ;;
	124) fail "vm: guest $((i + 1)) killed after VM_TIMEOUT"; status=1 ;;
	125) fail "vm: guest $((i + 1)) did not report a status"; status=1 ;;
	*) status=1 ;;
	esac
	grep -q '^ok\|^not ok' "$out" || { fail "vm: guest $((i + 1)) ran no test (exit $rc)"; status=1; }
done
exit "$status"
