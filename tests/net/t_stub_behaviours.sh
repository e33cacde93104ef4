#!/bin/bash
# t_stub_behaviours.sh - the stub farm does what its script says, checked
# with plain tools (curl, socat, ping) from the namespace routed to its TAP:
# one address per behaviour, the second port, the control socket's "set",
# and a reload that keeps the old script when the new one is broken.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/stub/farm.sh
sf_require "stub farm behaviours"

WORKDIR=$(mktemp -d /tmp/lvf-beh.XXXX)
trap 'sf_cleanup; rm -rf "$WORKDIR"' EXIT
SCRIPT=$WORKDIR/farm.script
cat >"$SCRIPT" <<'EOF'
# one address per behaviour
ports 80 8080
body hello from the farm\n
default blackhole
10.201.0.1 healthy
10.201.0.2 refuse
10.201.0.3 blackhole
10.201.0.4 slow 800ms
10.201.0.5 status 503
10.201.0.6 reset 20
10.201.0.7 flap 1s 1s
10.201.0.8 lag 300ms
10.201.0.9 garbage
10.201.0.10 endless
10.201.0.11 healthy
10.201.1.0/24 healthy
EOF
sf_setup "$SCRIPT" || die_suite "stub farm behaviours: the farm did not start"
trap 'sf_cleanup; rm -rf "$WORKDIR"' EXIT

# get ADDR[:PORT] [CURL ARGS...]: "exit code|http code|bytes|connect s|total s"
get() {
	local target=$1; shift
	local out
	out=$(sf_exec curl -s -o "$WORKDIR/body" -m 2 "$@" \
		-w '%{http_code}|%{size_download}|%{time_connect}|%{time_total}' "http://$target/")
	echo "$?|$out"
}
field() { echo "$1" | cut -d'|' -f"$2"; }
# at_least A B: A >= B for decimals
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

r=$(get 10.201.0.1)
check_eq "healthy: HTTP 200" "0 200" "$(field "$r" 1) $(field "$r" 2)"
check_eq "healthy: the script's body" "hello from the farm" "$(cat "$WORKDIR/body")"
# The digest a checker compares: MD5 of the body, computed here by md5sum.
check_eq "healthy: body bytes as scripted" "$(printf 'hello from the farm\n' | md5sum)" "$(md5sum <"$WORKDIR/body")"
check_cmd "healthy: answers ping" sf_exec ping -c 1 -W 2 10.201.0.1
r=$(get 10.201.0.1:8080)
check_eq "healthy: second scripted port answers" "0 200" "$(field "$r" 1) $(field "$r" 2)"
out=$(sf_exec socat -T 2 - TCP:10.201.0.1:8081 </dev/null 2>&1)
case "$out" in *refused*) ok "healthy: unscripted port refused" ;; *) fail "healthy: unscripted port refused"; echo "#   $out" ;; esac

r=$(get 10.201.0.2)
check_eq "refuse: curl cannot connect (exit 7)" 7 "$(field "$r" 1)"
out=$(sf_exec socat -T 2 - TCP:10.201.0.2:80 </dev/null 2>&1)
case "$out" in *"Connection refused"*) ok "refuse: socat sees Connection refused" ;; *) fail "refuse: socat sees Connection refused"; echo "#   $out" ;; esac

before=$(sf_stat blackholed)
r=$(get 10.201.0.3 -m 1)
check_eq "blackhole: curl times out (exit 28)" 28 "$(field "$r" 1)"
after=$(sf_stat blackholed)
if [ "$after" -gt "$before" ]; then ok "blackhole: the farm counted dropped packets"; else fail "blackhole: the farm counted dropped packets ($before -> $after)"; fi
if sf_exec ping -c 1 -W 1 10.201.0.3 >/dev/null 2>&1; then fail "blackhole: no ping answer"; else ok "blackhole: no ping answer"; fi

r=$(get 10.201.0.4)
check_eq "slow: answers 200" "0 200" "$(field "$r" 1) $(field "$r" 2)"
if at_least "$(field "$r" 5)" 0.8 && ! at_least "$(field "$r" 5)" 1.5; then ok "slow 800ms: answer after 0.8..1.5 s"
else fail "slow 800ms: answer after 0.8..1.5 s (took $(field "$r" 5) s)"; fi
if ! at_least "$(field "$r" 4)" 0.2; then ok "slow: connect itself is immediate"; else fail "slow: connect itself is immediate ($(field "$r" 4) s)"; fi

r=$(get 10.201.0.5)
check_eq "status 503: curl sees 503" "0 503" "$(field "$r" 1) $(field "$r" 2)"

# -d: socat reports the RST as a warning.
out=$(printf 'GET / HTTP/1.0\r\n\r\n' | sf_exec socat -d -T 2 - TCP:10.201.0.6:80 2>"$WORKDIR/err")
check_eq "reset 20: exactly the first 20 bytes of the answer arrive" "$(printf 'HTTP/1.1 200 OK\r\nSer')" "$out"
check_eq "reset 20: byte count" 20 "$(printf 'GET / HTTP/1.0\r\n\r\n' | sf_exec socat -T 2 - TCP:10.201.0.6:80 2>/dev/null | wc -c)"
case "$(cat "$WORKDIR/err")" in *"reset by peer"*) ok "reset: the connection ends with RST" ;; *) fail "reset: the connection ends with RST"; sed 's/^/#   /' "$WORKDIR/err" ;; esac
r=$(get 10.201.0.6)
check_eq "reset: curl reports the reset (exit 56)" 56 "$(field "$r" 1)"

# flap 1s/1s: 40 probes about 100 ms apart see both states, in runs of
# about 1 s. Each probe notes when it started, so a run is timed from its
# first probe to the next run's first, however long curl takes on a busy
# host.
probes=$(for i in $(seq 40); do
	t=$(date +%s.%N)
	sf_exec curl -s -o /dev/null -m 1 http://10.201.0.7/ && echo "$t U" || echo "$t D"
	sleep 0.1
done)
runs=$(echo "$probes" | awk '{ print $2 }' | uniq -c | awk '{ printf "%s%d ", $2, $1 }')
echo "# flap runs: $runs"
n_up=$(echo "$runs" | grep -o 'U' | wc -l)
n_down=$(echo "$runs" | grep -o 'D' | wc -l)
if [ "$n_up" -ge 2 ] && [ "$n_down" -ge 2 ]; then ok "flap 1s 1s: up and down alternate"; else fail "flap 1s 1s: up and down alternate ($runs)"; fi
# Interior runs (not the first or last, cut by the window) last about 1 s:
# 0.5..1.5 s between their first probe and the next run's, a probe's
# spacing either side.
durations=$(echo "$probes" | awk '$2 != last { starts[++n] = $1; last = $2 }
	END { for (i = 2; i < n; i++) printf "%.2f ", starts[i + 1] - starts[i] }')
echo "# flap interior runs, s: $durations"
bad=$(echo "$durations" | awk '{ for (i = 1; i <= NF; i++) if ($i < 0.5 || $i > 1.5) print $i }')
check_eq "flap 1s 1s: each interior run lasts about a second" "" "$bad"

r=$(get 10.201.0.8)
check_eq "lag 300ms: answers 200" "0 200" "$(field "$r" 1) $(field "$r" 2)"
if at_least "$(field "$r" 4)" 0.3; then ok "lag 300ms: connect takes at least 0.3 s"; else fail "lag 300ms: connect takes at least 0.3 s ($(field "$r" 4))"; fi

out=$(printf 'GET / HTTP/1.0\r\n\r\n' | sf_exec socat -T 2 - TCP:10.201.0.9:80 2>/dev/null | head -c 4)
if [ -n "$out" ] && [ "$out" != HTTP ]; then ok "garbage: an answer that is not HTTP"; else fail "garbage: an answer that is not HTTP ('$out')"; fi
r=$(get 10.201.0.9)
check_eq "garbage: curl rejects it (exit 1, HTTP/0.9)" 1 "$(field "$r" 1)"

r=$(get 10.201.0.10 -m 1)
check_eq "endless: curl runs into its own time limit (exit 28)" 28 "$(field "$r" 1)"
# It trickles at 16 KiB per 20 ms: 0.5 to 1 MB in that second.
got=$(field "$r" 3)
if [ "$got" -gt 300000 ] && [ "$got" -lt 1200000 ]; then ok "endless: a steady trickle of body (0.3..1.2 MB in 1 s)"; else fail "endless: a steady trickle of body (0.3..1.2 MB in 1 s: $got)"; fi

# Counters: five connects to a fresh address are five SYNs there.
for i in 1 2 3 4 5; do sf_exec curl -s -o /dev/null -m 1 http://10.201.1.200/; done
check_eq "show: counts SYNs and requests per address" "syns=5 requests=5" \
	"$(sf_ctl show 10.201.1.200 | grep -o 'syns=[0-9]* requests=[0-9]*')"
r=$(get 10.201.1.255)
check_eq "a /24 line covers its last address" "0 200" "$(field "$r" 1) $(field "$r" 2)"
r=$(get 10.201.2.1 -m 1)
check_eq "unnamed addresses follow 'default blackhole'" 28 "$(field "$r" 1)"

# Control socket: change a server while the farm runs.
check_eq "set: one address changed" "ok 1" "$(sf_ctl set 10.201.0.11 refuse)"
check_eq "set: refuse takes effect" 7 "$(field "$(get 10.201.0.11)" 1)"
check_eq "set: a range" "ok 3" "$(sf_ctl set 10.201.0.11-10.201.0.13 status 404)"
check_eq "set: status 404 takes effect" "0 404" "$(r=$(get 10.201.0.12); echo "$(field "$r" 1) $(field "$r" 2)")"
case "$(sf_ctl set 10.202.0.1 healthy)" in "error: "*outside*) ok "set: refuses an address outside the prefix" ;; *) fail "set: refuses an address outside the prefix" ;; esac
case "$(sf_ctl set 10.201.0.1 dance)" in "error: unknown behaviour"*) ok "set: refuses an unknown behaviour" ;; *) fail "set: refuses an unknown behaviour" ;; esac

# Reload: a broken script is refused and the running one stays.
cp "$SCRIPT" "$SCRIPT.good"
echo "10.201.0.1 sometimes" >>"$SCRIPT"
sf_reload
sleep 0.3
check_eq "reload: broken script keeps the old behaviour" "0 200" "$(r=$(get 10.201.0.1); echo "$(field "$r" 1) $(field "$r" 2)")"
if grep -q "reload refused.*farm.script:17: unknown behaviour 'sometimes'" "$SF_WORK/farm.log"; then ok "reload: the refusal names file:line and reason"
else fail "reload: the refusal names file:line and reason"; sf_log 5; fi
sed 's/^10.201.0.1 healthy/10.201.0.1 refuse/' "$SCRIPT.good" >"$SCRIPT"
sf_reload
sleep 0.3
check_eq "reload: a good script takes effect" 7 "$(field "$(get 10.201.0.1)" 1)"
check_eq "reload: set by the control socket is replaced by the script" "0 200" "$(r=$(get 10.201.0.11); echo "$(field "$r" 1) $(field "$r" 2)")"
check_eq "the farm is still running" 0 "$(kill -0 "$SF_PID" 2>/dev/null; echo $?)"
