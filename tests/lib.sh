# lib.sh - shell helpers for test scripts: report lines tests/run.sh counts.
# Source it; then call ok/fail or the check_* helpers.

ok() { echo "ok - $*"; }

# The -I flags of core's layers and the platform, as the Makefile gives them
# (make print-includes), for scripts that compile sources themselves; and
# every core and applet source but main.c, for programs linked with it all.
core_includes() { make -s --no-print-directory print-includes; }
core_sources() { ls core/*/*.c platform/*/*.c applets/*.c 2>/dev/null | grep -v '^applets/main.c$'; }
fail() { echo "not ok - $*"; }

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		fail "$1"
		printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"
	fi
}

# check_cmd WHAT CMD...: passes when CMD exits 0.
check_cmd() {
	local what=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else fail "$what (exit $?)"; fi
}

# ipvs_sorted: an ipvsadm -Ln listing or /proc/net/ip_vs on stdin, its
# services sorted (each kept with its real servers), the header above and
# anything after them in place. The kernel lists services in hash order,
# which depends on where it allocated the namespace.
ipvs_sorted() {
	awk '/^(TCP|UDP|SCTP|FWM) / { if (b) print b | "sort"; b = $0; next }
		/^  ->/ && b { b = b "\x01" $0; next }
		{ if (b) { print b | "sort"; b = "" } close("sort"); print }
		END { if (b) print b | "sort"; close("sort") }' | tr '\001' '\n'
}

# die_suite REASON: a suite cannot run at all (missing qemu, not root): loud failure.
die_suite() {
	fail "$*"
	exit 1
}

# run_scripts SECONDS FILTER SCRIPT...: runs each SCRIPT under bash, bounded
# by SECONDS (TERM, so a hung scenario's EXIT trap still cleans up), and shows
# its lines and time. A non-empty FILTER keeps only the scripts whose path
# contains it. A script that exits non-zero without a "not ok" line of its
# own died before it could say why, so it counts as one failure.
# SCRIPT_JOBS (default 1) scripts run at once, each into a file of its own;
# their lines are shown in the order given. A script with a line
# "# runs alone: REASON" (it changes something the others share, such as
# the users on the machine) waits for the others and runs by itself.
run_scripts() {
	local seconds=$1 filter=$2 t dir i=0
	local jobs=${SCRIPT_JOBS:-1} together=() alone=() order=()
	shift 2
	for t in "$@"; do
		[ -n "$filter" ] && case "$t" in *"$filter"*) ;; *) continue ;; esac
		if grep -q '^# runs alone: ' "$t"; then alone+=("$t"); else together+=("$t"); fi
	done
	order=("${together[@]}" "${alone[@]}")
	dir=$(mktemp -d "${TMPDIR:-/tmp}/run_scripts.XXXXXX") || return 1
	# run_one N SCRIPT: the script's lines into $dir/N, then its status and time.
	run_one() {
		local start=$SECONDS
		timeout -s TERM "$seconds" bash "$2" </dev/null >"$dir/$1" 2>&1
		echo "$? $((SECONDS - start))" >"$dir/$1.status"
	}
	# show N: script N's lines, its time, and a failure when it died silently.
	show() {
		local rc took
		echo "# ${order[$1]}"
		sed '$a\' "$dir/$1"
		read -r rc took <"$dir/$1.status"
		echo "#   ($took s)"
		if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$dir/$1"; then
			fail "${order[$1]} exited $rc"
		fi
	}
	for t in "${together[@]}"; do
		if [ "$jobs" -le 1 ]; then
			run_one "$i" "$t" && show "$i"
		else
			while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
			run_one "$i" "$t" &
		fi
		i=$((i + 1))
	done
	wait
	if [ "$jobs" -gt 1 ]; then
		for ((i = 0; i < ${#together[@]}; i++)); do show "$i"; done
	fi
	for t in "${alone[@]}"; do
		run_one "$i" "$t" && show "$i"
		i=$((i + 1))
	done
	rm -rf "$dir"
}
