#!/bin/bash
# guest-suite.sh - inside the qemu guest: runs every tests/vm/t_*.sh in name
# order, each on a fresh IPVS table, and passes their ok/not ok lines on.
#
# Between tests the real ipvsadm (an independent tool) empties the table,
# stops the sync daemons and restores the kernel's default timeouts, and
# every network namespace a test left behind is deleted.
# VM_TESTS="t_a.sh t_b.sh" runs only those. T_TIMEOUT bounds each test (s).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

reset_ipvs() {
	/usr/sbin/ipvsadm -C
	/usr/sbin/ipvsadm --stop-daemon master 2>/dev/null
	/usr/sbin/ipvsadm --stop-daemon backup 2>/dev/null
	/usr/sbin/ipvsadm --set 900 120 300
	ip -all netns delete 2>/dev/null
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
	reported=0 failed=0 rc=
	while IFS= read -r line; do
		case $line in
		"#exit "*) rc=${line#\#exit }; continue ;;
		esac
		echo "$line"
		case $line in
		"ok"*) reported=$((reported + 1)) ;;
		"not ok"*) reported=$((reported + 1)); failed=1 ;;
		esac
	done < <(timeout --kill-after=5 "${T_TIMEOUT:-900}" bash "$t" </dev/null 2>&1; echo "#exit $?")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "$name: killed after ${T_TIMEOUT:-900}s"; failed=1
	elif [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
		fail "$name: exited $rc"; failed=1
	elif [ "$reported" = 0 ]; then
		fail "$name: reported no result"; failed=1
	fi
	[ "$failed" = 0 ] || status=1
done
reset_ipvs
exit $status
