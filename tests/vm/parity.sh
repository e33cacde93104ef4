#!/bin/bash
# parity.sh - runs ipvsadm scenarios with the real ipvsadm and with lvsctl on
# the same kernel and compares what a user would see, line by line.
#
# Usage: tests/vm/parity.sh [-r REFDIR] [-t TESTDIR] [-o OUTDIR] SCENARIO.cmds...
#   REFDIR   directory whose `ipvsadm` is the reference
#            (default: a link to /usr/sbin/ipvsadm)
#   TESTDIR  directory whose `ipvsadm` is under test (default build/x86_64/bin,
#            where ipvsadm is a link to lvsbox)
#   OUTDIR   where the transcripts go (default: a new build/vm/parity.XXXXXX,
#            removed when every scenario passes)
# Needs root and a kernel with IPVS: run it inside the guest (vm-run.sh).
#
# Scenario format (tests/fixtures/ipvsadm/README.md, plus stdin): one ipvsadm
# command line per line without the leading "ipvsadm"; words are split on
# blanks, there is no quoting; a line starting with "#" and blank lines are
# skipped. A line may end with a redirection that becomes the command's stdin:
#   -R < restore.txt        the file, relative to the scenario's directory
#   -R <<END                the lines that follow, up to a line "END"
#   ...
#   END
# Every other command gets /dev/null as stdin.
#
# Each scenario runs twice in a network namespace of its own (IPVS keeps
# one table, one set of timeouts and one pair of sync daemons per
# namespace), emptied in between with /usr/sbin/ipvsadm: once with each
# tool, both invoked through PATH as plain `ipvsadm` so argv[0] is the same.
# Both runs share the namespace because the kernel's listing order follows
# a hash that differs from one namespace to the next.
# PARITY_JOBS scenarios (default 1) run side by side. Not more by default:
# the kernel keeps one service table for every namespace and dumps it a
# datagram at a time, walking it again from the start each time, so a
# service added or removed in another namespace between two datagrams
# shifts the walk and a listing shows a service twice or not at all. It
# happens to the real ipvsadm as much as to lvsctl; a run saw lvsctl's
# `-S -n` list one service twice while the other scenario changed its table.
# After every line the transcript records its stdout, stderr and exit
# status, then
# `ipvsadm -Ln` and, when that lists a service, `ipvsadm -S -n`, both by the
# same tool. Independently, /usr/sbin/ipvsadm's -S -n after every line forms
# an oracle transcript: it shows the kernel table each tool programmed.
# Two report lines per scenario: the tool transcripts, the oracle transcripts.
set -u
set +h  # look `ipvsadm` up in PATH each time: PATH changes between runs
repo=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
. "$repo/tests/lib.sh"

real=/usr/sbin/ipvsadm
refdir=
testdir=$repo/build/x86_64/bin
outdir=
one_run=0
while getopts r:t:o:x opt; do
	case $opt in
	r) refdir=$(realpath "$OPTARG") ;;
	t) testdir=$(realpath "$OPTARG") ;;
	o) outdir=$OPTARG ;;
	x) one_run=1 ;;  # internal: a scenario's runs, in the namespace made for them
	*) echo "usage: $0 [-r REFDIR] [-t TESTDIR] [-o OUTDIR] SCENARIO..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "$0: no scenario" >&2; exit 2; }
if [ $one_run = 0 ]; then
	[ -x "$testdir/ipvsadm" ] || die_suite "parity: no runnable ipvsadm in $testdir (make?)"
	[ -r /proc/net/ip_vs ] || die_suite "parity: this kernel has no IPVS (run inside vm-run.sh)"
	if [ -z "$outdir" ]; then
		outdir=$(mktemp -d "$repo/build/vm/parity.XXXXXX") || exit 2
		own_outdir=1
	else
		mkdir -p "$outdir" || exit 2
		own_outdir=0
	fi
	if [ -z "$refdir" ]; then
		refdir=$outdir/real-ipvsadm
		mkdir -p "$refdir" && ln -sfn "$real" "$refdir/ipvsadm"
	fi
	[ -x "$refdir/ipvsadm" ] || die_suite "parity: no runnable ipvsadm in $refdir"
fi

# load_scenario FILE: fills steps[] (the command lines) and step_stdin[]
# (a file or /dev/null). Here-document bodies are written to $work.
load_scenario() {
	local file=$1 dir line word body words n=0
	local heredoc_re='^(.*[^<])[<][<][[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*$'
	local redirect_re='^(.*[^<])[<][[:space:]]*([^[:space:]]+)[[:space:]]*$'
	dir=$(dirname "$file")
	steps=() step_stdin=()
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in ''|'#'*) continue ;; esac
		[[ $line =~ ^[[:space:]]*$ ]] && continue
		if [[ $line =~ $heredoc_re ]]; then
			word=${BASH_REMATCH[2]}
			line=${BASH_REMATCH[1]}
			body=$work/stdin.$n
			: >"$body"
			local closed=0
			while IFS= read -r l2; do
				[ "$l2" = "$word" ] && { closed=1; break; }
				printf '%s\n' "$l2" >>"$body"
			done
			[ $closed = 1 ] || { echo "$file: here-document $word not closed" >&2; return 1; }
			step_stdin[n]=$body
		elif [[ $line =~ $redirect_re ]]; then
			line=${BASH_REMATCH[1]}
			step_stdin[n]=$dir/${BASH_REMATCH[2]}
			[ -r "${step_stdin[n]}" ] || { echo "$file: cannot read ${step_stdin[n]}" >&2; return 1; }
		else
			step_stdin[n]=/dev/null
		fi
		read -ra words <<<"$line"
		steps[n]=${words[*]}
		n=$((n + 1))
	done <"$file"
	[ $n -gt 0 ] || { echo "$file: no command lines" >&2; return 1; }
}

# section TITLE FILE: one titled block of a transcript. Bash builtins only:
# under emulation every fork costs. Output without a final newline is marked.
section() {
	local text=
	IFS= read -r -d '' text <"$2"
	echo "--- $1"
	printf '%s' "$text"
	case $text in ''|*$'\n') ;; *) printf '\n\\ no newline at end\n' ;; esac
}

# lists_services FILE: whether an -Ln output lists more than its 3 headers.
lists_services() {
	local n=0 line
	while IFS= read -r line; do n=$((n + 1)); done <"$1"
	[ $n -gt 3 ]
}

# The tools run with TOOLDIR first in a PATH that has no other ipvsadm (the
# real one lives in /usr/sbin), so a missing tool cannot fall back on it.
tool_path=/usr/local/bin:/usr/bin:/bin

# run_scenario TOOLDIR TRANSCRIPT ORACLE
run_scenario() {
	local tooldir=$1 transcript=$2 oracle=$3 i words status tool_is_real=0
	: >"$transcript"; : >"$oracle"
	[ "$(realpath "$tooldir/ipvsadm")" = "$(realpath "$real")" ] && tool_is_real=1
	for i in "${!steps[@]}"; do
		read -ra words <<<"${steps[i]}"
		PATH="$tooldir:$tool_path" ipvsadm "${words[@]}" <"${step_stdin[i]}" >"$work/out" 2>"$work/err"
		status=$?
		# lvsctl follows each error in -R input with a line naming that input
		# line (its one addition to ipvsadm's words); leave that line out.
		if [ $tool_is_real = 0 ] && [[ " ${steps[i]} " == *" -R "* ]]; then
			grep -v '^ipvsadm: restore line [0-9]*: ' "$work/err" >"$work/err.f"
			mv "$work/err.f" "$work/err"
		fi
		PATH="$tooldir:$tool_path" ipvsadm -Ln </dev/null >"$work/list" 2>&1
		{
			echo "### ipvsadm ${steps[i]}"
			section stdout "$work/out"
			section stderr "$work/err"
			echo "--- exit $status"
			section "ipvsadm -Ln" "$work/list"
			if lists_services "$work/list"; then
				PATH="$tooldir:$tool_path" ipvsadm -S -n </dev/null >"$work/save" 2>&1
				section "ipvsadm -S -n" "$work/save"
			fi
		} >>"$transcript"
		# The oracle reads the table with -S -n alone: it names every
		# setting -Ln shows and more (thresholds, tunnel types), and under
		# emulation each run of the real ipvsadm costs a tenth of a second.
		# The real ipvsadm's own -S -n doubles as the oracle's.
		if [ $tool_is_real = 0 ] || ! lists_services "$work/list"; then
			"$real" -S -n >"$work/save" 2>&1
		fi
		{
			echo "### after: ipvsadm ${steps[i]}"
			section "$real -S -n" "$work/save"
		} >>"$oracle"
	done
}

# report WHAT REF TEST: ok when identical, else not ok and a readable diff
# naming the command line after which they first part.
report() {
	local what=$1 ref=$2 test=$3 first cmd
	if cmp -s "$ref" "$test"; then
		ok "$what"
		return 0
	fi
	fail "$what"
	first=$(cmp "$ref" "$test" 2>/dev/null | sed -n 's/.* line \([0-9]*\).*/\1/p')
	[ -n "$first" ] || first=$(($(wc -l <"$ref") + 1))
	cmd=$(head -n "$first" "$ref" | grep '^### ' | tail -n 1)
	echo "#   first difference under: ${cmd#\#\#\# }"
	diff -U2 --label "ipvsadm" --label "under test" "$ref" "$test" | head -n 60 | sed 's/^/#   /'
	echo "#   transcripts: $ref $test"
	return 1
}

work=$(mktemp -d /tmp/parity.XXXXXX) || exit 2
trap 'rm -rf "$work"' EXIT

# empty_table: what the first run of a scenario left, gone
empty_table() {
	"$real" -C
	"$real" --stop-daemon master 2>/dev/null
	"$real" --stop-daemon backup 2>/dev/null
	"$real" --set 900 120 300
	# Connection entries outlive -C; no scenario makes traffic, so none is expected.
	[ "$(wc -l </proc/net/ip_vs_conn)" = 1 ] || { echo "parity: connection entries left" >&2; return 1; }
}

if [ $one_run = 1 ]; then
	# -x REFDIR TESTDIR BASE SCENARIO, started by check_scenario in a
	# namespace of its own. Its loopback is up, as the sync daemons need it.
	[ $# = 4 ] || exit 2
	ip link set lo up || exit 2
	load_scenario "$4" || exit 2
	run_scenario "$1" "$3.ref" "$3.ref-oracle"
	empty_table || exit 1
	run_scenario "$2" "$3.test" "$3.test-oracle"
	exit 0
fi

# check_scenario FILE: both runs of a scenario, then its two report lines.
check_scenario() {
	local scenario=$1 name base
	name=$(basename "$scenario" .cmds)
	base=$outdir/$name
	if ! load_scenario "$scenario"; then
		fail "parity $name: scenario does not parse"; return
	fi
	if ! unshare -n "$BASH" "$repo/tests/vm/parity.sh" -x "$refdir" "$testdir" "$base" "$scenario"; then
		fail "parity $name: the runs did not finish"; return
	fi
	report "parity $name: same output and exit status as ipvsadm (${#steps[@]} commands)" \
		"$base.ref" "$base.test"
	report "parity $name: same kernel table, as ipvsadm lists it" \
		"$base.ref-oracle" "$base.test-oracle"
}

# Worker j takes scenarios j, j + jobs, ...; the reports are shown in order.
jobs=${PARITY_JOBS:-1}
scenarios=("$@")
for ((j = 0; j < jobs; j++)); do
	(
		work=$work/worker$j
		mkdir -p "$work" || exit 2
		for ((k = j; k < ${#scenarios[@]}; k += jobs)); do
			started=$SECONDS name=${scenarios[k]##*/}
			check_scenario "${scenarios[k]}" >"$work/report.$k"
			echo "# ${name%.cmds}: $((SECONDS - started)) s" >>"$work/report.$k"
			mv "$work/report.$k" "$outdir/report.$k"
		done
	) &
done
wait
status=0
for k in "${!scenarios[@]}"; do
	if [ -r "$outdir/report.$k" ]; then
		cat "$outdir/report.$k"
		grep -q '^not ok' "$outdir/report.$k" && status=1
	else
		fail "parity $(basename "${scenarios[k]}" .cmds): no report"; status=1
	fi
	rm -f "$outdir/report.$k"
done
if [ $own_outdir = 1 ] && [ $status = 0 ]; then
	rm -rf "$outdir"
fi
exit $status
