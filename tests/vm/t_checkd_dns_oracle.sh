#!/bin/bash
# t_checkd_dns_oracle.sh - DNS_CHECK's verdict on each kind of answer, with
# keepalived 2.2.7 itself as the oracle (its checker needs IPVS, so this runs
# in the guest). A small UDP DNS stub answers per query name: an A record,
# NOERROR without records, another question type, the TC bit, NXDOMAIN,
# REFUSED, SERVFAIL. One real server per answer kind, each with a DNS_CHECK
# asking that name; keepalived's verdict is read from IPVS (a server that is
# down leaves the table), checkd's from its --json, and the two must agree,
# case by case, and be the expected one.
# The same config has MISC_CHECKs under enable_script_security: a script in
# a world-writable directory and a missing one are disabled by keepalived,
# which keeps their real servers in IPVS; checkd must do the same.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh

CASES="answer nodata othertype truncated nxdomain refused servfail"
expected() {
	case $1 in
	answer | nodata | othertype | truncated) echo up ;;
	*) echo down ;;
	esac
}
port_of() {
	local i=0 c
	for c in $CASES; do
		[ "$c" = "$1" ] && { echo $((5301 + i)); return; }
		i=$((i + 1))
	done
}

# ---- the stub: one UDP socket per case's port, answers by query name
QUERIES=$WORK/queries
cat >"$WORK/dns_stub.py" <<'EOF'
import selectors, socket, struct, sys

log_path, ports = sys.argv[1], [int(p) for p in sys.argv[2:]]
RCODE = {"nxdomain": 3, "refused": 5, "servfail": 2}

def answer(query):
    if len(query) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", query[:6])
    if flags & 0x8000 or qdcount != 1:
        return None
    pos, labels = 12, []
    while pos < len(query) and query[pos]:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += 1 + n
    question_end = pos + 5
    if question_end > len(query):
        return None
    name = ".".join(labels).lower()
    kind = labels[0].lower() if labels else ""
    qtype = struct.unpack("!H", query[pos + 1:pos + 3])[0]
    with open(log_path, "a") as log:
        log.write("%s %d\n" % (name, qtype))
    question = query[12:question_end]
    rflags = 0x8000 | (flags & 0x0100) | 0x0080          # QR, RD copied, RA
    ancount, records = 0, b""
    if kind == "answer":
        ancount = 1
        records = struct.pack("!HHHIH", 0xC00C, qtype, 1, 60, 4) + bytes([192, 0, 2, 53])
    elif kind == "othertype":
        question = question[:-4] + struct.pack("!HH", 28, 1)  # asks back for AAAA
    elif kind == "truncated":
        rflags |= 0x0200
    elif kind in RCODE:
        rflags |= RCODE[kind]
    header = struct.pack("!HHHHHH", qid, rflags, 1, ancount, 0, 0)
    return header + question + records

sel = selectors.DefaultSelector()
for p in ports:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", p))
    sel.register(s, selectors.EVENT_READ)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        data, peer = key.fileobj.recvfrom(512)
        reply = answer(data)
        if reply:
            key.fileobj.sendto(reply, peer)
EOF
ports=$(for c in $CASES; do port_of "$c"; done)
# shellcheck disable=SC2086
python3 "$WORK/dns_stub.py" "$QUERIES" $ports >"$WORK/stub.out" 2>&1 &
bg_pids+=($!)
wait_for 10 grep -q ready "$WORK/stub.out" || die_suite "dns oracle: the DNS stub did not start"

# ---- scripts for the MISC_CHECK part
mkdir -m 0755 "$WORK/ok" "$WORK/out"
mkdir -m 0777 "$WORK/ww"      # anyone may write here, no sticky bit
printf '#!/bin/sh\necho ran >> %s/out/insecure.runs\nexit 0\n' "$WORK" >"$WORK/ww/insecure.sh"
printf '#!/bin/sh\necho ran >> %s/out/fails.runs\nexit 1\n' "$WORK" >"$WORK/ok/fails.sh"
chmod 0755 "$WORK/ww/insecure.sh" "$WORK/ok/fails.sh"
chmod 0755 "$WORK"

# ---- one config for both. NAT: under DR keepalived gives every real server
# the virtual server's port, which would make the cases one IPVS destination.
{
	cat <<EOF
global_defs {
    router_id dns_oracle
    enable_script_security
    script_user root
}
virtual_server 10.99.0.100 53 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol UDP
EOF
	for c in $CASES; do
		cat <<EOF
    real_server 127.0.0.1 $(port_of "$c") {
        weight 1
        DNS_CHECK {
            connect_timeout 2
            retry 0
            type A
            name $c.test
        }
    }
EOF
	done
	cat <<EOF
}
virtual_server 10.99.0.101 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 127.0.0.1 8001 {
        weight 1
        MISC_CHECK {
            misc_path $WORK/ww/insecure.sh
        }
    }
    real_server 127.0.0.1 8002 {
        weight 1
        MISC_CHECK {
            misc_path $WORK/missing.sh
        }
    }
    real_server 127.0.0.1 8003 {
        weight 1
        MISC_CHECK {
            misc_path $WORK/ok/fails.sh
        }
    }
}
EOF
} >"$WORK/oracle.conf"

queries_of() { grep -c "^$1\.test " "$QUERIES" 2>/dev/null; }
# every case asked at least N times since the log was emptied: by then the
# verdicts of the first answers have long been applied (retry 0, delay_loop 1)
all_asked() {
	local c
	for c in $CASES; do
		[ "$(queries_of "$c")" -ge "$1" ] || return 1
	done
}
fails_ran() { [ -f "$WORK/out/fails.runs" ] && [ "$(wc -l <"$WORK/out/fails.runs")" -ge "$1" ]; }

# ---- keepalived: a server is up when IPVS has it
: >"$QUERIES"
start_keepalived "$WORK/oracle.conf"
if ! wait_for 60 all_asked 3 || ! wait_for 20 fails_ran 2; then
	fail "keepalived: every DNS case asked 3 times and the failing script run twice"
	grep -iE "misc|script|dns|error|removing" "$WORK/keepalived.log" | head -40 | sed 's/^/#   /'
	sort "$QUERIES" | uniq -c | sed 's/^/#   /'
fi
ka_table=$("$IPVSADM" -Ln)
ka_insecure_runs=$( [ -f "$WORK/out/insecure.runs" ] && wc -l <"$WORK/out/insecure.runs" || echo 0)
stop_keepalived
"$IPVSADM" -C
echo "# keepalived's table:"; printf '%s\n' "$ka_table" | sed 's/^/#   /'
printf '%s\n' "$ka_table" | grep -q "10.99.0.100:53" ||
	die_suite "dns oracle: keepalived did not program the virtual server"

# ka_verdict PORT: up when keepalived left 127.0.0.1:PORT in the table
ka_verdict() { printf '%s\n' "$ka_table" | grep -q " 127\.0\.0\.1:$1 " && echo up || echo down; }

# ---- checkd on the same config: its --json state
rm -f "$WORK/out/"*.runs
: >"$QUERIES"
"$BIN/checkd" -n -l -f "$WORK/oracle.conf" -S "$WORK/checkd.sock" >"$WORK/checkd.events" 2>"$WORK/checkd.log" &
ck_pid=$!
bg_pids+=($ck_pid)
if ! wait_for 60 all_asked 3 || ! wait_for 20 fails_ran 2; then
	fail "checkd: every DNS case asked 3 times and the failing script run twice"
	show_log "$WORK/checkd.log" 25
fi
ck_json=$("$BIN/checkd" -S "$WORK/checkd.sock" --json)
ck_insecure_runs=$( [ -f "$WORK/out/insecure.runs" ] && wc -l <"$WORK/out/insecure.runs" || echo 0)
term_and_reap "$ck_pid" || kill -KILL "$ck_pid" 2>/dev/null

# ck_field VS RS KEY: one field of a real server from checkd's --json
ck_field() {
	printf '%s' "$ck_json" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
for vs in doc["virtual_servers"]:
    for rs in vs["real_servers"]:
        if vs["name"] == sys.argv[1] and rs["name"] == sys.argv[2]:
            v = rs
            for k in sys.argv[3].split("."):
                v = v.get(k) if isinstance(v, dict) else None
            print("" if v is None else v)
' "$1" "$2" "$3"
}

for c in $CASES; do
	p=$(port_of "$c")
	ka=$(ka_verdict "$p")
	ck=$(ck_field udp/10.99.0.100:53 "127.0.0.1:$p" state)
	check_eq "DNS_CHECK $c: checkd agrees with keepalived (keepalived: $ka)" "$ka" "$ck"
	check_eq "DNS_CHECK $c: keepalived's verdict is the expected one" "$(expected "$c")" "$ka"
done

# MISC_CHECK under enable_script_security
VS2=tcp/10.99.0.101:80
check_eq "insecure MISC_CHECK: keepalived never ran it" 0 "$ka_insecure_runs"
check_eq "insecure MISC_CHECK: keepalived keeps its real server in IPVS" up "$(ka_verdict 8001)"
check_eq "missing MISC_CHECK script: keepalived keeps its real server in IPVS" up "$(ka_verdict 8002)"
check_eq "failing safe MISC_CHECK: keepalived removes its real server" down "$(ka_verdict 8003)"
check_eq "insecure MISC_CHECK: checkd never ran it" 0 "$ck_insecure_runs"
check_eq "insecure MISC_CHECK: checkd agrees with keepalived" "$(ka_verdict 8001)" "$(ck_field $VS2 127.0.0.1:8001 state)"
check_eq "missing MISC_CHECK script: checkd agrees with keepalived" "$(ka_verdict 8002)" "$(ck_field $VS2 127.0.0.1:8002 state)"
check_eq "failing safe MISC_CHECK: checkd agrees with keepalived" "$(ka_verdict 8003)" "$(ck_field $VS2 127.0.0.1:8003 state)"
case $(ck_field $VS2 127.0.0.1:8001 disabled_checker.error) in
*"$WORK/ww is writable by others"*) ok "insecure MISC_CHECK: checkd's --json says why" ;;
*) fail "insecure MISC_CHECK: checkd's --json says why" ;;
esac
check_cmd "keepalived disabled the insecure script (its log)" \
	grep -qF "Disabling misc script '$WORK/ww/insecure.sh' due to insecure" "$WORK/keepalived.log"
check_cmd "keepalived disabled the missing script (its log)" \
	grep -qF "Disabling misc script '$WORK/missing.sh' since not found" "$WORK/keepalived.log"
grep -iE "misc|script" "$WORK/keepalived.log" | sed 's/^/#   /'
