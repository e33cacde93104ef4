# checkd_bed.sh - test bed of the checkd tests (tests/net/t_checkd_*.sh).
#
# Source after tests/lib.sh and tests/net/netns.sh, then:
#   ck_require WHAT       root, checkd built, the servers installed; else a loud failure
#   ck_setup              netns.sh's bed with one router: r1 is the real-server host
#                         ($CK_SRV), c is the director where checkd runs
#   ck_srv CMD...         run CMD in the real-server namespace
#   ck_srv_bg CMD...      the same in the background, printing its pid
#   ck_start CONF         start checkd on CONF in c; events go to $CK_EVENTS
#   ck_stop               SIGTERM and wait (bounded)
#   ck_wait_event ERE SECONDS   until a line of $CK_EVENTS matches (polls 50 ms)
#   ck_wait_count ERE N SECONDS   until N lines match
#   ck_sleep_until T      until T seconds after ck_start
#   ck_event_time ERE     the time field of the first matching line
#   ck_get VS RS KEY      one field of a real server from checkd --json
#                         (KEY like state, weight, checkers.0.failures)
#   ck_syn_counter NAME PORT   count SYNs to PORT arriving in r1 (nft);
#   ck_answer_counter NAME PORT accept|refuse   count SYN-ACKs / RSTs r1 sends from PORT
#   ck_count NAME / ck_reset NAME   read / zero a counter
#   ck_drop PORT          drop SYNs to PORT in r1 (a server that never answers)

CHECKD=${CHECKD:-$NB_ROOT/build/x86_64/bin/checkd}
CK_SRV=$NB_NET.11

ck_require() {
	[ "$(id -u)" = 0 ] || die_suite "$1: needs root for network namespaces"
	[ -x "$CHECKD" ] || die_suite "$1: $CHECKD not built (make)"
	"$NB_ROOT/toolchain/deps.sh" checkd >/dev/null 2>&1
	local t
	for t in nginx openssl socat nft python3 genhash; do
		command -v "$t" >/dev/null || die_suite "$1: $t is not installed (toolchain/deps.sh checkd)"
	done
}

ck_setup() {
	nb_setup 1 || die_suite "cannot build the namespaces"
	CK_EVENTS=$NB_WORK/events
	CK_SOCK=$NB_WORK/checkd.sock
	nb_exec r1 nft add table inet ck
	nb_exec r1 nft add chain inet ck in '{ type filter hook input priority 0; }'
	nb_exec r1 nft add chain inet ck out '{ type filter hook output priority 0; }'
}

ck_srv() { nb_exec r1 "$@"; }
# ck_srv_bg CMD...: CMD in r1 in the background; prints its pid (the command's own,
# so killing it stops the server)
ck_srv_bg() {
	ip netns exec "$(nb_ns r1)" "$@" </dev/null >/dev/null 2>&1 &
	echo $!
	disown $!
}

ck_start() {
	: >"$CK_EVENTS"
	CK_T0=$(date +%s.%N)
	ip netns exec "$(nb_ns c)" "$CHECKD" -n -l -D -f "$1" -S "$CK_SOCK" -p "$NB_WORK/checkd.pid" \
		>"$CK_EVENTS" 2>"$NB_WORK/checkd.log" &
	CK_PID=$!
	disown "$CK_PID"
}

ck_stop() {
	kill -TERM "$CK_PID" 2>/dev/null
	local i
	for i in $(seq 1 100); do
		kill -0 "$CK_PID" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$CK_PID" 2>/dev/null
	return 1
}

ck_wait_event() { ck_wait_grep -E "$@"; }
# ck_wait_fixed TEXT SECONDS: until an event line holds TEXT (IPv6 brackets are no regex)
ck_wait_fixed() { ck_wait_grep -F "$@"; }
ck_wait_grep() {
	local how=$1 tries=$(($3 * 20))
	while [ "$tries" -gt 0 ]; do
		grep -q "$how" -- "$2" "$CK_EVENTS" && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}

# ck_wait_count ERE N SECONDS: until N lines match
ck_wait_count() {
	local tries=$(($3 * 20))
	while [ "$tries" -gt 0 ]; do
		[ "$(grep -Ec -- "$1" "$CK_EVENTS")" -ge "$2" ] && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}

# ck_sleep_until T: until T seconds after ck_start
ck_sleep_until() {
	local left
	left=$(python3 -c 'import sys, time; print(max(0.0, float(sys.argv[1]) + float(sys.argv[2]) - time.time()))' "$CK_T0" "$1")
	sleep "$left"
}

ck_event_time() { grep -E -- "$1" "$CK_EVENTS" | head -n 1 | cut -d' ' -f1; }

ck_json() { "$CHECKD" -S "$CK_SOCK" --json 2>/dev/null; }

ck_get() {
	ck_json | python3 -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for vs in doc.get("virtual_servers", []):
    if vs["name"] != sys.argv[1]:
        continue
    for rs in vs["real_servers"]:
        if rs["name"] != sys.argv[2]:
            continue
        v = rs
        for k in sys.argv[3].split("."):
            if isinstance(v, list):
                v = v[int(k)] if int(k) < len(v) else None
            elif isinstance(v, dict):
                v = v.get(k)
        if v is not None:
            print(str(v).lower() if isinstance(v, bool) else v)
' "$1" "$2" "$3"
}

ck_syn_counter() {
	nb_exec r1 nft add counter inet ck "$1"
	nb_exec r1 nft add rule inet ck in tcp dport "$2" tcp flags '& (syn|ack) == syn' counter name "$1"
}

# ck_answer_counter NAME PORT KIND: what r1 answers from PORT: KIND accept
# counts SYN-ACKs (attempts that connected), refuse counts RSTs
ck_answer_counter() {
	local flags='& (syn|ack) == syn|ack'
	[ "$3" = refuse ] && flags='& rst == rst'
	nb_exec r1 nft add counter inet ck "$1"
	nb_exec r1 nft add rule inet ck out tcp sport "$2" tcp flags "$flags" counter name "$1"
}

ck_count() { nb_exec r1 nft list counter inet ck "$1" | awk '$1 == "packets" { print $2 }'; }
ck_reset() { nb_exec r1 nft reset counter inet ck "$1" >/dev/null; }
ck_drop() { nb_exec r1 nft add rule inet ck in tcp dport "$1" drop; }

# ck_between T0 T1 LO HI: LO <= T1 - T0 <= HI (seconds, fractions allowed)
ck_between() { python3 -c 'import sys; a, b, lo, hi = map(float, sys.argv[1:]); sys.exit(0 if lo <= b - a <= hi else 1)' "$@"; }

# ck_log_tail: checkd's log and events as commentary after a failure
ck_log_tail() {
	echo "# events:"; sed 's/^/#   /' "$CK_EVENTS" | tail -n 20
	echo "# log:"; sed 's/^/#   /' "$NB_WORK/checkd.log" | tail -n 20
}
