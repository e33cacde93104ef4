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
run_scripts() {
	local seconds=$1 filter=$2 t out rc start
	shift 2
	for t in "$@"; do
		[ -n "$filter" ] && case "$t" in *"$filter"*) ;; *) continue ;; esac
		echo "# $t"
		start=$SECONDS
		out=$(timeout -s TERM "$seconds" bash "$t" 2>&1)
		rc=$?
		echo "$out"
		echo "#   ($((SECONDS - start)) s)"
		if [ $rc -ne 0 ] && ! grep -q '^not ok' <<<"$out"; then
			fail "$t exited $rc"
		fi
	done
}
