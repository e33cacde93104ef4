#!/bin/bash
# t_checkd_burst.sh - checkd keeps its attempts bounded: after its loop was
# held up (SIGSTOP, as on a starved CPU) the checks that fell due meanwhile
# do not all start at once, and under a low descriptor limit the attempts
# that do not fit wait instead of failing. Both against the stub farm,
# which drops SYNs beyond 2,000 live connections (tests/stub/README.md), so
# a burst shows in its counters and as healthy servers reported down.
# runs alone: its thousands of connections would starve the timers of tests beside it (tests/lib.sh run_scripts)
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/stub/farm.sh
CHECKD=${CHECKD:-build/x86_64/bin/checkd}
sf_require "checkd burst"
[ -x "$CHECKD" ] || die_suite "checkd burst: $CHECKD not built (make)"

WORKDIR=$(mktemp -d /tmp/lvf-ckburst.XXXX)
CK_PID=
cleanup() {
	[ -n "$CK_PID" ] && kill "$CK_PID" 2>/dev/null
	[ -n "$CK_PID" ] && kill -CONT "$CK_PID" 2>/dev/null
	sf_cleanup
	rm -rf "$WORKDIR"
}

# false_downs DIR: down lines about servers the farm keeps healthy.
false_downs() {
	awk 'NR == FNR { if ($2 == "up") want[$1] = 1; next }
		$2 == "down" && ($4 in want) { n++ } END { print n + 0 }' "$1/expected" "$1/events"
}
final_states() {
	awk '$2 == "up" || $2 == "down" { s[$4] = $2 } END { for (r in s) print r, s[r] }' "$1/events" | sort
}
# wait_states DIR SECONDS: until the final states equal DIR/expected (polls 0.5 s).
wait_states() {
	local tries=$(($2 * 2))
	while [ "$tries" -gt 0 ]; do
		[ "$(final_states "$1")" = "$(sort "$1/expected")" ] && return 0
		kill -0 "$CK_PID" 2>/dev/null || return 1
		sleep 0.5
		tries=$((tries - 1))
	done
	return 1
}
start_checkd() {
	ip netns exec "$SF_NS" "$CHECKD" -n -l -f "$1/checkd.conf" -S "$1/checkd.sock" \
		>"$1/events" 2>"$1/checkd.log" &
	CK_PID=$!
}
stop_checkd() {
	kill "$CK_PID" 2>/dev/null
	wait "$CK_PID" 2>/dev/null
	CK_PID=
}

# --- 1: a held-up loop: 10,000 healthy TCP_CHECKs every 6 s, checkd stopped
# for 3 s, so some 5,000 checks are overdue when it goes on.
N=10000
D=$WORKDIR/stall
python3 tests/stub/gen_farm.py "$D" --servers $N --check tcp --mix healthy \
	--delay-loop 6 --timeout 3 || die_suite "checkd burst: cannot generate the config"
sf_setup "$D/farm.script" || die_suite "checkd burst: the farm did not start"
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
start_checkd "$D"
sleep 8                       # past the 6 s warmup: every check has run once
shed0=$(sf_stat syns_shed)
kill -STOP "$CK_PID"
sleep 3
kill -CONT "$CK_PID"
sleep 10                      # the overdue checks and one more round
shed1=$(sf_stat syns_shed)
check_eq "after a 3 s stall: the farm dropped no SYN (no burst over 2,000 connections)" 0 $((shed1 - shed0))
check_eq "after a 3 s stall: no healthy server was reported down" 0 "$(false_downs "$D")"
kill -0 "$CK_PID" 2>/dev/null && ok "checkd still running after the stall" || fail "checkd still running after the stall"
stop_checkd
sf_cleanup

# --- 2: 2,000 servers with faults (blackholes hold their attempt for the
# whole 3 s timeout) under a limit of 128 descriptors: no attempt may fail
# for want of one, and every server still ends in its behaviour's state.
D=$WORKDIR/fds
python3 tests/stub/gen_farm.py "$D" --servers 2000 --check mixed --mix faults \
	--delay-loop 6 --timeout 3 || die_suite "checkd burst: cannot generate the config"
sf_setup "$D/farm.script" || die_suite "checkd burst: the farm did not start"
(
	ulimit -S -n 128 && ulimit -H -n 128 || exit 1
	exec ip netns exec "$SF_NS" "$CHECKD" -n -l -f "$D/checkd.conf" -S "$D/checkd.sock" \
		>"$D/events" 2>"$D/checkd.log"
) &
CK_PID=$!
if wait_states "$D" 120; then
	ok "128 descriptors, 2,000 servers: every final state matches the farm's behaviour"
else
	fail "128 descriptors, 2,000 servers: every final state matches the farm's behaviour"
	sort "$D/expected" | diff - <(final_states "$D") | head -6 | sed 's/^/#   /'
fi
check_eq "128 descriptors: no healthy server was reported down" 0 "$(false_downs "$D")"
check_eq "128 descriptors: no attempt ran out of descriptors" 0 \
	"$(grep -ciE 'file descriptors|too many open files' "$D/events" "$D/checkd.log" | awk -F: '{ n += $NF } END { print n + 0 }')"
stop_checkd
