# lib.sh - shell helpers for test scripts: report lines tests/run.sh counts.
# Source it; then call ok/fail or the check_* helpers.

ok() { echo "ok - $*"; }
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

# die_suite REASON: a suite cannot run at all (missing qemu, not root): loud failure.
die_suite() {
	fail "$*"
	exit 1
}
