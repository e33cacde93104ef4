#!/bin/bash
# t_lvsctl_json.sh - lvsctl --json read back against the real ipvsadm on the
# same kernel table: the table is built with /usr/sbin/ipvsadm, then every
# service and real server lvsctl -Ln --json reports must be what ipvsadm -Sn
# and -Ln --thresholds say (same order, same fields), and --timeout, --daemon and -c --json must
# say what ipvsadm -L --timeout, -L --daemon and -Lcn say. The sync daemon
# runs on an interface with a non-ASCII name: the JSON must carry the name
# as the UTF-8 text it is (docs/lvsctl-json.md).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

IPVSADM=/usr/sbin/ipvsadm
LVSCTL=$PWD/build/x86_64/bin/lvsctl
[ -r /proc/net/ip_vs ] || die_suite "lvsctl json: this kernel has no IPVS (run inside tests/vm/run.sh)"
[ -x "$LVSCTL" ] || die_suite "lvsctl json: no $LVSCTL (make)"
WORK=$(mktemp -d /tmp/lvsctl-json.XXXXXX)
syncif=$(printf 'sync-\303\274')  # "sync-u" with an umlaut: 7 bytes, 6 characters
cleanup() {
	"$IPVSADM" --stop-daemon master 2>/dev/null
	"$IPVSADM" -C
	ip link del "$syncif" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

"$IPVSADM" -C
"$IPVSADM" --set 900 120 300
while read -r line; do
	# shellcheck disable=SC2086  # one ipvsadm command line per line
	"$IPVSADM" $line || die_suite "lvsctl json: ipvsadm $line failed"
done <<'EOF'
-A -t 10.8.0.1:80 -s wrr
-a -t 10.8.0.1:80 -r 10.8.0.2:8080 -m -w 3
-a -t 10.8.0.1:80 -r 10.8.0.3:8080 -m -w 0 -x 100 -y 20
-A -u 10.8.0.1:53 -s sh -b sh-port,sh-fallback -p 120 -M 255.255.255.0
-a -u 10.8.0.1:53 -r 10.8.0.4:53 -g -w 1
-A -t 10.8.0.9:443 -s rr -p 600
-a -t 10.8.0.9:443 -r 10.8.0.5:443 -i --tun-type gue --tun-port 6080 --tun-remcsum
-a -t 10.8.0.9:443 -r 10.8.0.6:443 -i --tun-type gre --tun-csum
-a -t 10.8.0.9:443 -r 10.8.0.7:443 -i
-A -f 7 -s mh -b mh-port
-a -f 7 -r 10.8.0.8:0 -g -w 5
-A -t [2001:db8::1]:80 -s lc -p 300 -M 64
-a -t [2001:db8::1]:80 -r [2001:db8::2]:80 -m -w 2
-A --sctp-service 10.8.0.1:3868 -s wlc
-A -u 10.8.0.10:5060 -s rr -p 60 --pe sip -o
-a -u 10.8.0.10:5060 -r 10.8.0.11:5060 -m
--set 901 121 301
EOF
ip link add "$syncif" type dummy && ip link set "$syncif" up ||
	die_suite "lvsctl json: cannot create interface $syncif"
"$IPVSADM" --start-daemon master --mcast-interface "$syncif" --syncid 5 ||
	die_suite "lvsctl json: ipvsadm --start-daemon failed"

"$IPVSADM" -Sn >"$WORK/rules"
"$IPVSADM" -Ln --thresholds >"$WORK/thresholds"
"$IPVSADM" -L --timeout >"$WORK/timeout"
"$IPVSADM" -L --daemon >"$WORK/daemon"
"$IPVSADM" -Lcn >"$WORK/conns"
"$LVSCTL" -Ln --json >"$WORK/list.json"; echo $? >"$WORK/list.rc"
"$LVSCTL" -L --timeout --json >"$WORK/timeout.json"; echo $? >"$WORK/timeout.rc"
"$LVSCTL" -L --daemon --json >"$WORK/daemon.json"; echo $? >"$WORK/daemon.rc"
"$LVSCTL" -Lcn --json >"$WORK/conns.json"; echo $? >"$WORK/conns.rc"
"$LVSCTL" -Ln -t 10.8.0.9:443 --json >"$WORK/one.json"; echo $? >"$WORK/one.rc"

# Each line of the Python check is "ok|fail - what".
python3 - "$WORK" <<'PY' >"$WORK/verdicts"
import ipaddress, json, sys

work = sys.argv[1]
def read(name):
    with open(f"{work}/{name}", encoding="utf-8") as f:
        return f.read()

def verdict(good, what, detail=""):
    print(("ok" if good else "fail") + " - " + what + (f" ({detail})" if detail and not good else ""))

def addr_port(text):
    host, _, port = text.rpartition(":")
    return str(ipaddress.ip_address(host.strip("[]"))), int(port)

# ipvsadm -Sn, one record per line, fields named as docs/lvsctl-json.md does
def parse_rule(line):
    w = line.split()
    rec = {"kind": w[0]}
    i = 1
    fwd = {"-g": "route", "-m": "masq", "-i": "tunnel"}
    csum = {"--tun-csum": "csum", "--tun-nocsum": "nocsum", "--tun-remcsum": "remcsum"}
    while i < len(w):
        o = w[i]
        arg = w[i + 1] if i + 1 < len(w) else None
        if o in ("-t", "-u", "--sctp-service"):
            rec["protocol"] = {"-t": "tcp", "-u": "udp"}.get(o, "sctp")
            rec["address"], rec["port"] = addr_port(arg); i += 2
        elif o == "-f":
            rec["fwmark"] = int(arg); i += 2
        elif o == "-s":
            rec["scheduler"] = arg; i += 2
        elif o == "-b":
            rec["sched_flags"] = arg.split(","); i += 2
        elif o == "-p":
            rec["timeout"] = int(arg); i += 2
        elif o == "-M":
            rec["netmask"] = arg; i += 2
        elif o == "-o":
            rec["ops"] = True; i += 1
        elif o == "--pe":
            rec["pe"] = arg; i += 2
        elif o == "-r":
            rec["dest"] = addr_port(arg); i += 2
        elif o in fwd:
            rec["forward"] = fwd[o]; i += 1
        elif o == "-w":
            rec["weight"] = int(arg); i += 2
        elif o == "-x":
            rec["u_threshold"] = int(arg); i += 2
        elif o == "-y":
            rec["l_threshold"] = int(arg); i += 2
        elif o == "--tun-type":
            rec["tun_type"] = arg; i += 2
        elif o == "--tun-port":
            rec["tun_port"] = int(arg); i += 2
        elif o in csum:
            rec["tun_csum"] = csum[o]; i += 1
        else:
            raise SystemExit(f"fail - ipvsadm -Sn word not understood: {o} in {line!r}")
    return rec

def service_key(rec):
    if "fwmark" in rec:
        return ("fwmark", rec["fwmark"])
    return (rec["protocol"], rec["address"], rec["port"])

want = []  # [(service record, [dest records])]
for line in read("rules").splitlines():
    rec = parse_rule(line)
    if rec["kind"] == "-A":
        want.append((rec, []))
    else:
        want[-1][1].append(rec)

# -Sn has no thresholds: ipvsadm -Ln --thresholds lists them, with the
# connection counts, one "->" line per real server in the same order
counts = [tuple(int(x) for x in line.split()[2:6])
          for line in read("thresholds").splitlines() if line.split()[:1] == ["->"]
          and line.split()[1] != "RemoteAddress:Port"]
flat = [wd for _, wds in want for wd in wds]
if len(counts) != len(flat):
    raise SystemExit(f"fail - ipvsadm -Ln --thresholds lists {len(counts)} real servers, -Sn {len(flat)}")
for wd, c in zip(flat, counts):
    wd["counts"] = c

def check_service(ws, gs, where):
    errs = []
    if service_key(ws) != (("fwmark", gs.get("fwmark")) if "fwmark" in gs else
                           (gs.get("protocol"), gs.get("address"), gs.get("port"))):
        errs.append(f"service {gs.get('address')}:{gs.get('port')} fwmark {gs.get('fwmark')}")
    if gs["scheduler"] != ws["scheduler"]:
        errs.append(f"scheduler {gs['scheduler']}")
    if gs["sched_flags"] != ws.get("sched_flags", []):
        errs.append(f"sched_flags {gs['sched_flags']}")
    if gs["persistent"] != ("timeout" in ws):
        errs.append(f"persistent {gs['persistent']}")
    if "timeout" in ws and gs.get("timeout") != ws["timeout"]:
        errs.append(f"timeout {gs.get('timeout')}")
    if "netmask" in ws and str(gs.get("netmask")) != ws["netmask"]:
        errs.append(f"netmask {gs.get('netmask')}")
    if gs["ops"] != ws.get("ops", False):
        errs.append(f"ops {gs['ops']}")
    if gs["pe"] != ws.get("pe", ""):
        errs.append(f"pe {gs['pe']!r}")
    return [f"{where}: {e}" for e in errs]

def check_dest(wd, gd, where):
    errs = []
    if (gd["address"], gd["port"]) != wd["dest"]:
        errs.append(f"address {gd['address']}:{gd['port']}")
    for key in ("forward", "weight"):
        if gd[key] != wd[key]:
            errs.append(f"{key} {gd[key]}")
    if (gd["u_threshold"], gd["l_threshold"], gd["active_conns"], gd["inactive_conns"]) != wd["counts"]:
        errs.append(f"thresholds and counts {gd['u_threshold']} {gd['l_threshold']} "
                    f"{gd['active_conns']} {gd['inactive_conns']}")
    if wd["forward"] == "tunnel":
        t = gd.get("tunnel", {})
        if t.get("type") != wd.get("tun_type", "ipip") or t.get("port") != wd.get("tun_port", 0) \
           or t.get("checksum") != wd.get("tun_csum", "nocsum"):
            errs.append(f"tunnel {t}")
    elif "tunnel" in gd:
        errs.append("tunnel object on a non-tunnel server")
    for key in ("active_conns", "inactive_conns", "persistent_conns"):
        if not isinstance(gd[key], int):
            errs.append(f"{key} {gd[key]!r}")
    return [f"{where}: {e}" for e in errs]

def check_table(doc, wanted, what):
    errs = []
    services = doc.get("services", [])
    if len(services) != len(wanted):
        errs.append(f"{len(services)} services, ipvsadm lists {len(wanted)}")
    for (ws, wds), gs in zip(wanted, services):
        where = "/".join(str(x) for x in service_key(ws))
        errs += check_service(ws, gs, where)
        if len(gs["dests"]) != len(wds):
            errs.append(f"{where}: {len(gs['dests'])} real servers, ipvsadm lists {len(wds)}")
        for wd, gd in zip(wds, gs["dests"]):
            errs += check_dest(wd, gd, where)
    verdict(not errs, what, "; ".join(errs[:4]))

def load(name):
    try:
        return json.loads(read(name))
    except (ValueError, UnicodeDecodeError) as e:
        verdict(False, f"{name} is one JSON document", str(e))
        return None

for name in ("list", "timeout", "daemon", "conns", "one"):
    verdict(read(f"{name}.rc").strip() == "0", f"lvsctl {name} --json exits 0", read(f"{name}.rc").strip())

doc = load("list.json")
if doc is not None:
    check_table(doc, want, "-Ln --json: every service and real server as ipvsadm -Sn has them, in its order")
    major, minor, patch = (int(x) for x in doc["version"].split("."))
    head = open("/proc/net/ip_vs").readline()
    verdict(f"version {major}.{minor}.{patch}" in head and f"size={doc['conn_tab_size']}" in head,
            "-Ln --json: version and conn_tab_size as the kernel's /proc/net/ip_vs says", head.strip())
doc = load("one.json")
if doc is not None:
    check_table(doc, [x for x in want if service_key(x[0]) == ("tcp", "10.8.0.9", 443)],
                "-Ln -t SERVICE --json: that service alone, as ipvsadm -Sn has it")
doc = load("timeout.json")
if doc is not None:
    text = read("timeout").split(":")[1].split()
    verdict([doc["tcp"], doc["tcp_fin"], doc["udp"]] == [int(x) for x in text],
            "--timeout --json: the timeouts ipvsadm -L --timeout prints", str(doc))
doc = load("daemon.json")
if doc is not None:
    d = doc["daemons"]
    line = read("daemon").strip()
    verdict(len(d) == 1 and d[0]["state"] == "master" and d[0]["syncid"] == 5
            and f"mcast={d[0]['mcast_interface']}, syncid=5" in line,
            "--daemon --json: the master daemon ipvsadm -L --daemon lists", f"{d} vs {line!r}")
    verdict(len(d) == 1 and d[0]["mcast_interface"] == "sync-\u00fc",
            "--daemon --json: a non-ASCII interface name comes out as its UTF-8 text", str(d))
doc = load("conns.json")
if doc is not None:
    rows = len(read("conns").splitlines()) - 2  # ipvsadm -Lcn: two header lines
    verdict(len(doc["connections"]) == rows, "-Lcn --json: as many connections as ipvsadm -Lcn lists",
            f"{len(doc['connections'])} vs {rows}")
PY
[ -s "$WORK/verdicts" ] || fail "lvsctl json: the checker printed nothing"
while IFS= read -r v; do
	case $v in
	"ok - "*) ok "lvsctl json: ${v#ok - }" ;;
	*) fail "lvsctl json: ${v#fail - }" ;;
	esac
done <"$WORK/verdicts"
