#!/bin/bash
# Unit tests: the ASan/UBSan glibc build of core/, one program per tests/unit/test_*.c.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
shopt -s nullglob
tests=(build/dev/tests/test_*)
[ ${#tests[@]} -gt 0 ] || die_suite "unit: no test programs built (make dev)"
for t in "${tests[@]}"; do
	"$t" || echo "# $t exited $?"
done
tests/unit/mnl_compat.sh
