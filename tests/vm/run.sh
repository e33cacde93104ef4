#!/bin/bash
# The vm suite: every tests/vm/t_*.sh inside ONE qemu guest running Debian's
# kernel (which has IPVS), via vm-run.sh and guest-suite.sh.
# VM_TESTS="t_parity.sh" picks tests; VM_TIMEOUT bounds the whole guest.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
mkdir -p build/vm
# Several runs may share the tree: every file here is this run's own.
log=$(mktemp build/vm/suite.XXXXXX) || exit 2
trap 'rm -f "$log"' EXIT

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

VM_ENV="VM_TESTS T_TIMEOUT ${VM_ENV:-}" VM_TIMEOUT=${VM_TIMEOUT:-2400} \
	tests/vm/vm-run.sh tests/vm/guest-suite.sh 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
case $rc in
124) die_suite "vm: guest killed after VM_TIMEOUT" ;;
125) die_suite "vm: guest did not report a status" ;;
esac
grep -q '^ok\|^not ok' "$log" || die_suite "vm: the guest ran no test (exit $rc)"
exit "$rc"
