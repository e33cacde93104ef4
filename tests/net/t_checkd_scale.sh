#!/bin/bash
# t_checkd_scale.sh - checkd against 10,000 real servers played by the stub
# farm, with mixed behaviours (healthy, refuse, blackhole, wrong status, slow,
# reset mid-answer, laggy link) under HTTP_GET and TCP_CHECK: every server
# ends in the state its behaviour implies, no healthy server is ever marked
# down, and after the farm changes 200 servers, exactly those move.
# The states come from checkd's event lines (docs/checkd.md): the last
# line about each real server is its state.
# runs alone: its 10,000 servers would starve the timers of tests beside it (tests/lib.sh run_scripts)
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/stub/farm.sh
CHECKD=${CHECKD:-build/x86_64/bin/checkd}
sf_require "checkd scale"
[ -x "$CHECKD" ] || die_suite "checkd scale: $CHECKD not built (make)"
ulimit -n "$(ulimit -Hn)"
N=10000

WORKDIR=$(mktemp -d /tmp/lvf-ckscale.XXXX)
CK_PID=
cleanup() {
	[ -n "$CK_PID" ] && kill "$CK_PID" 2>/dev/null
	sf_cleanup
	rm -rf "$WORKDIR"
}
trap cleanup EXIT
python3 tests/stub/gen_farm.py "$WORKDIR" --servers $N --check mixed --mix faults \
	--delay-loop 6 --timeout 3 || die_suite "checkd scale: cannot generate the config"
python3 tests/stub/gen_farm.py "$WORKDIR/flip" --servers $N --check mixed --mix faults \
	--delay-loop 6 --timeout 3 --flip || die_suite "checkd scale: cannot generate the config"
cp "$WORKDIR/farm.script" "$WORKDIR/live.script"
sf_setup "$WORKDIR/live.script" || die_suite "checkd scale: the farm did not start"
trap cleanup EXIT

EVENTS=$WORKDIR/events
ip netns exec "$SF_NS" "$CHECKD" -n -l -f "$WORKDIR/checkd.conf" -S "$WORKDIR/checkd.sock" \
	>"$EVENTS" 2>"$WORKDIR/checkd.log" &
CK_PID=$!

# final_states: "RS state" for every real server, from the event lines.
final_states() {
	awk '$2 == "up" || $2 == "down" { s[$4] = $2 } END { for (r in s) print r, s[r] }' "$EVENTS" | sort
}
# wait_states FILE SECONDS: until the final states equal FILE (polls 0.5 s).
wait_states() {
	local tries=$(($2 * 2))
	while [ "$tries" -gt 0 ]; do
		[ "$(final_states)" = "$(sort "$1")" ] && return 0
		kill -0 "$CK_PID" 2>/dev/null || return 1
		sleep 0.5
		tries=$((tries - 1))
	done
	return 1
}
# show_diff FILE: the first differences as commentary.
show_diff() {
	sort "$1" | diff - <(final_states) | head -8 | sed 's/^/#   /'
	echo "#   checkd log:"; tail -5 "$WORKDIR/checkd.log" | sed 's/^/#   /'
}

t0=$SECONDS
# The slowest verdict: a blackholed server first checked at the end of the
# 6 s warmup, then 3 s timeout + 1 s delay_before_retry + 3 s timeout = 13 s.
if wait_states "$WORKDIR/expected" 40; then
	ok "10,000 servers: every final state matches the farm's behaviour ($((SECONDS - t0)) s)"
else
	fail "10,000 servers: every final state matches the farm's behaviour"
	show_diff "$WORKDIR/expected"
fi
check_eq "initial lines: one per real server" $N "$(grep -c ' initial' "$EVENTS")"
# Per 20 servers: 2 refuse + 2 blackhole down under both checkers; wrong
# status, slow and reset down under HTTP_GET only (half the servers).
check_eq "2,750 down: 1,000 refuse + 1,000 blackhole + 750 HTTP-only faults" "2750 down|7250 up" \
	"$(final_states | awk '{print $2}' | sort | uniq -c | awk '{print $1, $2}' | paste -sd'|')"
# A healthy server (by the expected file) must never have had a down line.
false_downs=$(awk 'NR == FNR { if ($2 == "up") want[$1] = 1; next }
	$2 == "down" && ($4 in want) { n++ } END { print n + 0 }' "$WORKDIR/expected" "$EVENTS")
check_eq "no healthy server was ever reported down" 0 "$false_downs"
check_eq "each failing server went down exactly once" "2750 2750" \
	"$(awk '$2 == "down" { print $4 }' "$EVENTS" | wc -l) $(awk '$2 == "down" { print $4 }' "$EVENTS" | sort -u | wc -l)"

# Phase two: the farm changes 200 servers at once (script reload).
cp "$WORKDIR/flip/farm.script" "$WORKDIR/live.script"
before=$(wc -l <"$EVENTS")
sf_reload
t0=$SECONDS
# Recovery takes one delay_loop (6 s); a newly refusing server needs two
# failed attempts one delay_before_retry apart (7 s).
if wait_states "$WORKDIR/flip/expected" 30; then
	ok "after the farm changed 200 servers, every final state matches ($((SECONDS - t0)) s)"
else
	fail "after the farm changed 200 servers, every final state matches"
	show_diff "$WORKDIR/flip/expected"
fi
check_eq "phase two: exactly 100 up and 100 down lines" "100 down|100 up" \
	"$(tail -n +$((before + 1)) "$EVENTS" | awk '{print $2}' | sort | uniq -c | awk '{print $1, $2}' | paste -sd'|')"
check_eq "checkd is still running" 0 "$(kill -0 "$CK_PID" 2>/dev/null; echo $?)"
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$CK_PID/status" 2>/dev/null)
echo "# checkd resident memory with 10,000 real servers: ${rss:-?} kB"
