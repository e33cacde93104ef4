#!/bin/bash
# run.sh - runs the test suites and totals them.
#
# Every suite is tests/<suite>/run.sh. It prints one line per test,
# "ok - what" or "not ok - what" (anything else is shown and not counted);
# a suite that exits non-zero without reporting a failure counts as one.
# SUITES="unit cli" picks suites; the default is all of them, in order.
#
# The suites named in BACKGROUND_SUITES (default: vm) that SUITES picks start
# at once, each into its own file: the qemu guest spends most of its time
# waiting on health-check and VRRP timers, so it overlaps the host suites
# instead of following them. Their lines are shown and counted in their turn.
# BACKGROUND_SUITES= runs everything one after another.
cd "$(dirname "$0")/.." || exit 2
SUITES=${SUITES:-"unit cli pkg fuzz net interop cross image vm"}
BACKGROUND_SUITES=${BACKGROUND_SUITES-vm}
passed=0
failed=0
failures=()
declare -A bg_pid
mkdir -p build
for suite in $BACKGROUND_SUITES; do
	case " $SUITES " in *" $suite "*) ;; *) continue ;; esac
	[ -x "tests/$suite/run.sh" ] || continue
	: >"build/suite-$suite.out"
	("tests/$suite/run.sh" >>"build/suite-$suite.out" 2>&1; echo "#exit $? $SECONDS" >>"build/suite-$suite.out") &
	bg_pid[$suite]=$!
done
# suite_lines SUITE: the suite's output, from its file when it runs in the background.
suite_lines() {
	if [ -n "${bg_pid[$1]:-}" ]; then
		tail -n +1 -s 1 -f --pid="${bg_pid[$1]}" "build/suite-$1.out"
	else
		"tests/$1/run.sh" 2>&1; echo "#exit $?"
	fi
}
for suite in $SUITES; do
	script=tests/$suite/run.sh
	if [ ! -x "$script" ]; then
		echo "not ok - suite $suite: $script missing"
		failed=$((failed + 1)); failures+=("suite $suite missing")
		continue
	fi
	echo "# suite $suite"
	suite_start=$SECONDS
	suite_failed=0
	rc= bg_done=
	while IFS= read -r line; do
		case "$line" in "#exit "*) read -r rc bg_done <<<"${line#\#exit }"; continue ;; esac
		echo "$line"
		case "$line" in
		"ok "*|"ok") passed=$((passed + 1)) ;;
		"not ok"*) failed=$((failed + 1)); suite_failed=$((suite_failed + 1)); failures+=("$suite: ${line#not ok - }") ;;
		esac
	done < <(suite_lines "$suite")
	# A background suite's time counts from the start of the run.
	if [ -n "${bg_pid[$suite]:-}" ]; then
		echo "# suite $suite done ${bg_done:-?} s after the start"
	else
		echo "# suite $suite took $((SECONDS - suite_start)) s"
	fi
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
