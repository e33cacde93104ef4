#!/bin/bash
# run.sh - runs the test suites and totals them.
#
# Every suite is tests/<suite>/run.sh. It prints one line per test,
# "ok - what" or "not ok - what" (anything else is shown and not counted);
# a suite that exits non-zero without reporting a failure counts as one.
# SUITES="unit cli" picks suites; the default is all of them, in order.
cd "$(dirname "$0")/.." || exit 2
SUITES=${SUITES:-"unit cli fuzz net interop vm cross"}
passed=0
failed=0
failures=()
for suite in $SUITES; do
	script=tests/$suite/run.sh
	if [ ! -x "$script" ]; then
		echo "not ok - suite $suite: $script missing"
		failed=$((failed + 1)); failures+=("suite $suite missing")
		continue
	fi
	echo "# suite $suite"
	suite_failed=0
	rc=
	while IFS= read -r line; do
		case "$line" in "#exit "*) rc=${line#\#exit }; continue ;; esac
		echo "$line"
		case "$line" in
		"ok "*|"ok") passed=$((passed + 1)) ;;
		"not ok"*) failed=$((failed + 1)); suite_failed=$((suite_failed + 1)); failures+=("$suite: ${line#not ok - }") ;;
		esac
	done < <("$script" 2>&1; echo "#exit $?")
	if [ "$rc" != 0 ] && [ "$suite_failed" = 0 ]; then
		echo "not ok - suite $suite exited $rc"
		failed=$((failed + 1)); failures+=("suite $suite exited $rc")
	fi
done
if [ ${#failures[@]} -gt 0 ]; then
	echo "# failures:"
	printf '#   %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
