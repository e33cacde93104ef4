#!/bin/bash
# guest-suite.sh - inside the qemu guest: runs every tests/vm/t_*.sh in name
# order, each on a fresh IPVS table, and passes their ok/not ok lines on.
#
# Before each test every network namespace a test left behind is deleted and
# the IPVS modules are unloaded and loaded again: no service, no connection
# entry, no sync daemon, default timeouts. The real ipvsadm (an independent
# tool) confirms the table is empty and the timeouts are 900 120 300.
# VM_TESTS="t_a.sh t_b.sh" runs only those. T_TIMEOUT bounds each test (s).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

reset_ipvs() {
	ip -all netns delete 2>/dev/null
	/usr/sbin/ipvsadm -C
	/usr/sbin/ipvsadm --stop-daemon master 2>/dev/null
	/usr/sbin/ipvsadm --stop-daemon backup 2>/dev/null
	tests/vm/guest-modules.sh reload || return 1
	/usr/sbin/ipvsadm --set 900 120 300 || return 1
	[ -z "$(/usr/sbin/ipvsadm -S -n)" ] || return 1
	[ "$(/usr/sbin/ipvsadm -L --timeout)" = "Timeout (tcp tcpfin udp): 900 120 300" ] || return 1
	# Only the header line: no connection entry.
	[ "$(wc -l </proc/net/ip_vs_conn)" = 1 ]
}

if [ -n "${VM_TESTS:-}" ]; then
	tests=()
	for t in $VM_TESTS; do tests+=("tests/vm/${t##*/}"); done
else
	tests=(tests/vm/t_*.sh)
fi
[ -e "${tests[0]}" ] || die_suite "vm: no tests/vm/t_*.sh"

status=0
for t in "${tests[@]}"; do
	name=${t##*/}
	if ! reset_ipvs; then
		fail "$name: cannot reset the IPVS table before it"; status=1; continue
	fi
	echo "# $name"
	# The test runs in a session of its own, its output into a file that is
	# streamed while it runs: a process it leaves behind can neither hold the
	# stream open nor outlive it (the whole session is killed afterwards).
	log=/tmp/guest-suite.$name.log
	started=$(date +%s)
	: >"$log"
	setsid timeout --kill-after=5 "${T_TIMEOUT:-900}" bash "$t" </dev/null >"$log" 2>&1 &
	pid=$!
	reported=0 failed=0
	while IFS= read -r line; do
		echo "$line"
		case $line in
		"ok"*) reported=$((reported + 1)) ;;
		"not ok"*) reported=$((reported + 1)); failed=1 ;;
		esac
	done < <(tail -n +1 -s 0.2 -f --pid=$pid "$log")
	wait $pid
	rc=$?
	pkill -KILL -s $pid 2>/dev/null
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "$name: killed after ${T_TIMEOUT:-900}s"; failed=1
	elif [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
		fail "$name: exited $rc"; failed=1
	elif [ "$reported" = 0 ]; then
		fail "$name: reported no result"; failed=1
	fi
	echo "# $name: $(($(date +%s) - started)) s"
	[ "$failed" = 0 ] || status=1
done
reset_ipvs
exit $status
