#!/bin/bash
# t_ctl_large.sh - the control socket's large replies (docs/safety.md):
# a standalone checkd with 20,000 real servers, whose TCP checks fail at
# once against a closed port on the namespace's own loopback, answers
# `--json` with megabytes that arrive whole (exit 0, python3 parses it, one
# entry per real server); a client killed mid-reply leaves checkd serving;
# a client that stops reading past the idle deadline, and one whose checkd
# is killed mid-reply, exit 1 saying the reply was cut. In a namespace made
# here; nothing touches the host's network.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
CHECKD=${CHECKD:-build/x86_64/bin/checkd}
[ "$(id -u)" = 0 ] || die_suite "ctl large: needs root for a network namespace"
[ -x "$CHECKD" ] || die_suite "ctl large: $CHECKD not built (make)"
command -v python3 >/dev/null || die_suite "ctl large: python3 missing"
ulimit -n "$(ulimit -Hn)"
N_VS=100
N_RS=200      # per virtual server: 20,000 in all

NS=lvctl$$
W=$(mktemp -d /tmp/lvs-ctllarge.XXXX)
CK_PID=
CLIENT_PID=
cleanup() {
	[ -n "$CLIENT_PID" ] && kill -9 "$CLIENT_PID" 2>/dev/null
	[ -n "$CK_PID" ] && kill "$CK_PID" 2>/dev/null && wait "$CK_PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
ip netns add "$NS" || die_suite "ctl large: cannot create a namespace"
ip -n "$NS" link set lo up || die_suite "ctl large: cannot bring lo up"

# Real servers 127.1.x.y port 9: on the namespace's lo, nobody listens, so
# every connect is refused at once. One file per virtual server, included,
# as users split large configs.
python3 - "$N_VS" "$N_RS" "$W" <<'PY' || die_suite "ctl large: cannot write the config"
import sys
vs, rs, w = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(w + "/checkd.conf", "w") as main:
    for v in range(vs):
        path = "%s/vs%03d.conf" % (w, v)
        main.write("include %s\n" % path)
        with open(path, "w") as f:
            f.write("virtual_server 10.9.%d.%d 80 {\n" % (v // 250, v % 250 + 1))
            f.write("    delay_loop 30\n    lb_algo rr\n    lb_kind DR\n    protocol TCP\n")
            for r in range(rs):
                f.write("    real_server 127.1.%d.%d 9 {\n" % (r // 250, r % 250 + 1))
                f.write("        TCP_CHECK {\n            connect_timeout 1\n        }\n    }\n")
            f.write("}\n")
PY

start_checkd() {
	ip netns exec "$NS" "$CHECKD" -n -l -f "$W/checkd.conf" -S "$W/checkd.sock" \
		>"$W/checkd.out" 2>"$W/checkd.log" &
	CK_PID=$!
	local tries=150
	until "$CHECKD" -S "$W/checkd.sock" -s >/dev/null 2>&1; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] && kill -0 "$CK_PID" 2>/dev/null || return 1
		sleep 0.2
	done
}
start_checkd || { tail -5 "$W/checkd.log" | sed 's/^/#   /'; die_suite "ctl large: checkd did not answer"; }

# --json whole: exit 0, several MB, valid JSON with every real server.
t0=$SECONDS
"$CHECKD" -S "$W/checkd.sock" --json >"$W/a.json" 2>"$W/a.err"
check_eq "--json with 20,000 real servers exits 0" 0 $?
size=$(stat -c %s "$W/a.json")
[ "$size" -gt 4000000 ] && ok "the reply is several MB ($size bytes, $((SECONDS - t0)) s)" ||
	fail "the reply is several MB (only $size bytes)"
python3 -m json.tool "$W/a.json" >/dev/null 2>"$W/parse.err" && ok "python3 -m json.tool parses it" ||
	{ fail "python3 -m json.tool parses it"; head -3 "$W/parse.err" | sed 's/^/#   /'; }
count=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(len(v["real_servers"]) for v in d["virtual_servers"]), d["real_servers"])
' "$W/a.json" 2>/dev/null)
check_eq "one entry per real server" "20000 20000" "$count"
"$CHECKD" -S "$W/checkd.sock" -s >"$W/a.table" 2>/dev/null
check_eq "-s (the table) exits 0 too" 0 $?

# read_then CMD...: a --json client writing into a fifo; 1 MB of it is
# read, then CMD runs while the client is stalled on the full pipe, then
# the rest is drained. The client's exit code is in $client_rc.
read_then() {
	rm -f "$W/fifo"
	mkfifo "$W/fifo"
	"$CHECKD" -S "$W/checkd.sock" --json >"$W/fifo" 2>"$W/client.err" &
	CLIENT_PID=$!
	exec 3<"$W/fifo"
	head -c 1000000 <&3 >/dev/null
	"$@"
	cat <&3 >/dev/null
	exec 3<&-
	{ wait "$CLIENT_PID"; } 2>/dev/null
	client_rc=$?
	CLIENT_PID=
}

kill_client() { kill -9 "$CLIENT_PID"; }
stall() { sleep 3; }
kill_checkd() { kill -9 "$CK_PID"; wait "$CK_PID" 2>/dev/null; CK_PID=; }

# A client killed mid-reply: non-zero, and checkd serves the next one whole.
read_then kill_client 2>/dev/null   # no "Killed" notice from bash
[ "$client_rc" -ne 0 ] && ok "a client killed mid-reply exits non-zero ($client_rc)" ||
	fail "a client killed mid-reply exits non-zero"
"$CHECKD" -S "$W/checkd.sock" --json >"$W/b.json" 2>/dev/null &&
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$W/b.json" 2>/dev/null && ok "checkd then answers the next --json whole" ||
	fail "checkd then answers the next --json whole"

# A client that stops reading for longer than the idle deadline (2 s) is
# dropped: it says the reply was cut and exits 1; checkd serves on.
read_then stall
check_eq "a client stalled past the idle deadline exits 1" 1 "$client_rc"
grep -q "reply cut short" "$W/client.err" && ok "it says the reply was cut short" ||
	{ fail "it says the reply was cut short"; sed 's/^/#   /' "$W/client.err"; }
"$CHECKD" -S "$W/checkd.sock" -s >/dev/null 2>&1 && ok "checkd serves on after dropping it" ||
	fail "checkd serves on after dropping it"

# checkd killed mid-reply: the client exits 1 naming how much it got.
read_then kill_checkd
check_eq "checkd killed mid-reply: the client exits 1" 1 "$client_rc"
grep -q "reply cut short: the daemon closed the connection after [0-9]* of [0-9]* bytes" "$W/client.err" &&
	ok "it says the reply was cut short, of how many bytes" ||
	{ fail "it says the reply was cut short, of how many bytes"; sed 's/^/#   /' "$W/client.err"; }

# No daemon at all: exit 1 too.
"$CHECKD" -S "$W/checkd.sock" --json >/dev/null 2>&1
check_eq "no daemon: the client exits 1" 1 $?
