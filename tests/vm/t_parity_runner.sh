#!/bin/bash
# t_parity_runner.sh - the parity runner is itself tested: the real ipvsadm
# compared with itself passes, and each deliberate defect (tests/vm/selftest/
# mutant.sh) is caught by the report that should catch it.
. tests/lib.sh
dir=$(mktemp -d /tmp/parity-runner.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/same" "$dir/mutant"
ln -s /usr/sbin/ipvsadm "$dir/same/ipvsadm"
ln -s "$PWD/tests/vm/selftest/mutant.sh" "$dir/mutant/ipvsadm"
scenario=tests/vm/selftest/stdin.cmds

out=$(tests/vm/parity.sh -t "$dir/same" -o "$dir/out" $scenario)
rc=$?
check_eq "runner: ipvsadm against itself, 2 ok lines and exit 0" \
	"2 0 0" "$(grep -c '^ok' <<<"$out") $(grep -c '^not ok' <<<"$out") $rc"
# The here-document and the file both reached ipvsadm -R: the transcript
# shows the services they hold.
check_cmd "runner: here-document fed to -R" grep -q '^TCP  10.0.0.1:80 wlc' "$dir/out/stdin.ref"
check_cmd "runner: file fed to -R" grep -q '^UDP  10.0.0.2:53 rr' "$dir/out/stdin.ref"
check_cmd "runner: failing command's status recorded" grep -q '^--- exit [1-9]' "$dir/out/stdin.ref"

# mutant EXPECTED_OUTPUT EXPECTED_TABLE: runs the mutant, checks both reports.
mutant() {
	local kind=$1 want=$2 out got
	out=$(PARITY_MUTANT=$kind tests/vm/parity.sh -t "$dir/mutant" -o "$dir/out" $scenario)
	got=$(grep -o '^\(not \)\?ok' <<<"$out" | tr '\n' ' ')
	check_eq "runner catches mutant '$kind' (tool output, kernel table)" "$want" "${got% }"
	grep -q '^#   first difference under: ipvsadm ' <<<"$out" || [ "$want" = "ok ok" ] ||
		fail "runner names the command line for mutant '$kind'"
}
# A tool that is not there is not silently replaced by the real ipvsadm.
rm "$dir/same/ipvsadm"
ln -s "$dir/nonexistent" "$dir/same/ipvsadm"
out=$(tests/vm/parity.sh -t "$dir/same" -o "$dir/out" $scenario 2>&1)
check_cmd "runner: refuses a missing tool" grep -q '^not ok.*no runnable ipvsadm' <<<"$out"
mutant weight "not ok not ok"
mutant listing "not ok ok"
mutant status "not ok ok"
mutant stdin "not ok not ok"
