#!/bin/bash
# t_metrics_page.sh - lvsd's status page in Debian's headless Chromium.
# lvsd runs in a network namespace of its own with a real checkd and vrrpd:
# two real servers on the namespace's loopback (one serving, one not), a
# VRRP instance on a veth. The host kernel has no IPVS, and nothing stands
# in for it here: lvsd keeps retrying its dump, so the page's IPVS columns
# say "not in IPVS"; health, check latency and VRRP state are the children's
# own (the scrape against the real ipvsadm is tests/vm/t_lvsd_metrics.sh).
# Chromium loads the page, runs its script (which fetches /status.json) and
# dumps the DOM; the rows must show each virtual and real server with its
# health and a latency, and the instance as MASTER. The screenshot is kept
# in build/metrics-page.png.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
LVSD=${LVSD:-$PWD/build/x86_64/bin/lvsd}
[ -x "$LVSD" ] || die_suite "metrics page: $LVSD not built (make)"
[ "$(id -u)" = 0 ] || die_suite "metrics page: needs root"
toolchain/deps.sh metrics || die_suite "metrics page: cannot install chromium"
CHROMIUM=/usr/bin/chromium
PY=/usr/bin/python3

W=$(mktemp -d /tmp/metrics-page.XXXXXX)
ns=mpage$$
lvsd_pid=
cleanup() {
	[ -n "$lvsd_pid" ] && { kill -TERM "$lvsd_pid"; wait "$lvsd_pid"; } 2>/dev/null
	ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

ip netns add "$ns" || die_suite "metrics page: ip netns add"
ip -n "$ns" link set lo up
ip -n "$ns" link add v0 type veth peer name v1 || die_suite "metrics page: veth"
ip -n "$ns" link set v0 up && ip -n "$ns" link set v1 up
ip -n "$ns" addr add 10.9.0.1/24 dev v0
mkdir -p "$W/www" && echo ok >"$W/www/index.html"
ip netns exec "$ns" "$PY" -m http.server --bind 127.0.0.1 --directory "$W/www" 8081 </dev/null >/dev/null 2>&1 &
disown

cat >"$W/lvsd.conf" <<CONF
vrrp_instance VI_PAGE {
    state MASTER
    interface v0
    virtual_router_id 71
    priority 120
    advert_int 1
    virtual_ipaddress {
        10.9.0.100/24
    }
}
virtual_server 10.9.0.100 80 {
    delay_loop 1
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server 127.0.0.1 8081 {
        weight 2
        TCP_CHECK {
            connect_timeout 1
            retry 0
            delay_before_retry 1
        }
    }
    real_server 127.0.0.1 8082 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 0
            delay_before_retry 1
        }
    }
}
CONF
port=19650
# A private /run: lvsd's children must not meet another director's sockets.
ip netns exec "$ns" unshare -m sh -c 'mount -t tmpfs mp /run && exec "$@"' lvsd \
	"$LVSD" -n -l -f "$W/lvsd.conf" -S "$W/lvsd.sock" --metrics-listen 127.0.0.1:$port \
	</dev/null >"$W/lvsd.log" 2>&1 &
lvsd_pid=$!

url=http://127.0.0.1:$port/
# ready: checkd has judged both servers and vrrpd is master, as /status.json says
ready() {
	ip netns exec "$ns" curl -s --max-time 2 "${url}status.json" >"$W/status.json" &&
		"$PY" - "$W/status.json" <<'PYEOF'
import json, sys
st = json.load(open(sys.argv[1]))
rs = {r["name"]: r for v in st["checkd"]["virtual_servers"] for r in v["real_servers"]}
ok = rs["127.0.0.1:8081"]["state"] == "up" and rs["127.0.0.1:8082"]["checkers"][0]["failures"] > 0
ok = ok and st["vrrpd"]["instances"][0]["state"] == "MASTER"
sys.exit(0 if ok else 1)
PYEOF
}
for _ in $(seq 40); do ready 2>/dev/null && break; sleep 0.5; done
ready 2>/dev/null || { sed 's/^/#   /' "$W/lvsd.log" | tail -20; die_suite "metrics page: lvsd's children did not settle in 20 s"; }

# Chromium in the same namespace; --virtual-time-budget lets the page's
# fetch of /status.json run before the DOM is dumped.
chrome() {
	timeout 60 ip netns exec "$ns" "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$W/profile" --virtual-time-budget=5000 "$@" 2>>"$W/chromium.log"
}
chrome --dump-dom "$url" >"$W/dom.html"
mkdir -p build
chrome --screenshot="$PWD/build/metrics-page.png" --window-size=1100,500 "$url" >/dev/null
if [ -s build/metrics-page.png ]; then ok "Chromium took a screenshot of the page (build/metrics-page.png)"; else
	fail "no screenshot"; tail -5 "$W/chromium.log" | sed 's/^/#   /'; fi

# The DOM read back with python's own HTML parser: the cells of each row.
rows() {
	"$PY" - "$W/dom.html" <<'PYEOF'
import sys
from html.parser import HTMLParser
class Rows(HTMLParser):
    def __init__(self):
        super().__init__(); self.rows = []; self.cur = None; self.cell = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and a.get("class") in ("vs", "rs", "vrrp"):
            self.cur = [a["class"]]; self.rows.append(self.cur)
        elif tag == "td" and self.cur is not None:
            self.cell = ""
    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.cur.append(self.cell.strip()); self.cell = None
        elif tag == "tr":
            self.cur = None
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
p = Rows(); p.feed(open(sys.argv[1]).read())
for r in p.rows: print("|".join(r))
PYEOF
}
rows >"$W/rows.txt"
sed 's/^/#   row: /' "$W/rows.txt"
row_of() { grep -F "$1" "$W/rows.txt" | head -n 1; }
field() { echo "$1" | cut -d'|' -f"$2"; }
vs=$(row_of 'vs|tcp/10.9.0.100:80')
check_eq "a virtual server row: tcp/10.9.0.100:80 (wrr, NAT)" "tcp/10.9.0.100:80 (wrr, NAT)" "$(field "$vs" 2)"
r1=$(row_of '127.0.0.1:8081|')
r2=$(row_of '127.0.0.1:8082|')
check_eq "127.0.0.1:8081 is up" up "$(field "$r1" 3)"
check_eq "127.0.0.1:8082 is down" down "$(field "$r2" 3)"
check_eq "127.0.0.1:8081's weight 2" 2 "$(field "$r1" 4)"
check_eq "no IPVS on the host: 'not in IPVS'" "not in IPVS" "$(field "$r1" 5)"
case $(field "$r1" 8) in *" ms") ok "127.0.0.1:8081's check latency is shown ($(field "$r1" 8))";;
	*) fail "no check latency on 127.0.0.1:8081's row";; esac
check_eq "127.0.0.1:8081's checker TCP_CHECK" TCP_CHECK "$(field "$r1" 9)"
v=$(row_of 'vrrp|VI_PAGE')
check_eq "the VRRP row: VI_PAGE MASTER on v0, VRID 71, priority 120" "MASTER|v0|71|120" \
	"$(field "$v" 3)|$(field "$v" 4)|$(field "$v" 5)|$(field "$v" 6)"
