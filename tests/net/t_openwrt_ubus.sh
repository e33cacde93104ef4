#!/bin/bash
# t_openwrt_ubus.sh - platform/openwrt/rpcd-keepalived, the rpcd exec
# plugin behind the ubus call luci-app-keepalived polls (keepalived dump),
# run against vrrpd in namespaces. The fields checked are the ones LuCI's
# status views read (luci-app-keepalived's view/keepalived/overview.js and
# view/status/include/35_keepalived.js): status[] and in each element
# data.iname, data.ifp_ifname, data.state (0 INIT, 1 BACKUP, 2 MASTER,
# 3 FAULT), data.last_transition (seconds; LuCI makes a Date of it times
# 1000), stats.advert_sent, stats.advert_rcvd, stats.become_master and
# stats.release_master. keepalived 2.2.7's own JSON dump (its SIGJSON
# file) of the same instance in a third namespace is the reference for the
# names and types: every key the plugin gives must be one keepalived gives,
# with the same JSON type.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require openwrt_ubus
command -v keepalived >/dev/null || die_suite "openwrt_ubus: keepalived not installed (the reference)"
PLUGIN=$NB_ROOT/platform/openwrt/rpcd-keepalived
nb_setup 3 || die_suite "openwrt_ubus: cannot build the namespace bed"
VIP=$NB_NET.100
for r in 1 2 3; do
	prio=$((200 - 50 * r))
	nb_instance VI_1 51 $prio "$VIP/24" >"$NB_WORK/r$r.conf"
done
start=$(date +%s)
nb_daemon r1 vrrpd "$NB_WORK/r1.conf"
nb_daemon r2 vrrpd "$NB_WORK/r2.conf"
# keepalived with its own /tmp (a directory of ours bound there), where it
# writes keepalived.json, and its own /run
mkdir "$NB_WORK/katmp" && cp "$NB_WORK/r3.conf" "$NB_WORK/katmp/"
nb_exec r3 unshare -m sh -c 'mount --bind "$1" /tmp && mount -t tmpfs lvt /run && exec keepalived -n -l -P \
	-f /tmp/r3.conf -p /tmp/ka.pid -r /tmp/vrrp.pid' keepalived "$NB_WORK/katmp" >"$NB_WORK/r3.log" 2>&1 &
disown $!
nb_wait_holders "$VIP" r1 8
sleep 2

plugin() { LVSBOX_VRRPD=$VRRPD LVSBOX_VRRPD_SOCK=$(nb_sock "$1") "$PLUGIN" call dump </dev/null; }
check_eq "ubus: list names dump" '{"dump":{}}' "$("$PLUGIN" list)"
plugin r1 >"$NB_WORK/r1.json"
plugin r2 >"$NB_WORK/r2.json"
check_eq "ubus: no vrrpd answering gives {}" "{}" "$(LVSBOX_VRRPD=$VRRPD LVSBOX_VRRPD_SOCK=$NB_WORK/none.sock "$PLUGIN" call dump </dev/null)"
vrrp_pid=$(cat "$NB_WORK/katmp/vrrp.pid" 2>/dev/null)
kill -"$(keepalived --signum=JSON)" "$vrrp_pid" 2>/dev/null
ka_json=$NB_WORK/katmp/keepalived.json
for _ in $(seq 40); do [ -s "$ka_json" ] && break; sleep 0.05; done
cp "$ka_json" "$NB_WORK/r3.json" 2>/dev/null || fail "ubus: keepalived wrote no JSON dump"
now=$(date +%s)

python3 - "$NB_WORK" "$start" "$now" <<'PY'
import json, sys
work, start, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def ok(c, what):
    print(("ok - " if c else "not ok - ") + "ubus: " + what)
def load(name):
    try:
        return json.load(open(f"{work}/{name}.json"))
    except Exception as e:
        print(f"# {name}.json: {e}")
        return None
r1, r2, ka = load("r1"), load("r2"), load("r3")
for name, dump, state in (("master r1", r1, 2), ("backup r2", r2, 1)):
    st = dump.get("status") if isinstance(dump, dict) else None
    ok(isinstance(st, list) and len(st) == 1, f"{name}: status is an array of one instance")
    if not (isinstance(st, list) and st):
        continue
    d, s = st[0].get("data", {}), st[0].get("stats", {})
    ok(d.get("iname") == "VI_1", f"{name}: data.iname is VI_1")
    ok(d.get("ifp_ifname") == "eth0", f"{name}: data.ifp_ifname is eth0")
    ok(d.get("state") == state, f"{name}: data.state is {state}")
    lt = d.get("last_transition")
    ok(isinstance(lt, (int, float)) and start - 1 <= lt <= now + 1, f"{name}: data.last_transition {lt} is a time in seconds during the test")
    for k in ("advert_sent", "advert_rcvd", "become_master", "release_master"):
        ok(isinstance(s.get(k), int), f"{name}: stats.{k} is a number")
    if state == 2:
        ok(s.get("advert_sent", 0) > 0 and s.get("become_master") == 1, f"{name}: sent adverts, became master once")
    else:
        ok(s.get("advert_rcvd", 0) > 0 and s.get("become_master") == 0, f"{name}: received adverts, never master")
ok(isinstance(ka, list) and len(ka) == 1, "keepalived's own dump: one instance")
if isinstance(ka, list) and ka and isinstance(r2, dict) and r2.get("status"):
    ok(ka[0]["data"]["state"] == 1, "keepalived (priority 50) is BACKUP, state 1, as vrrpd's backup says")
    for part in ("data", "stats"):
        ours, ref = r2["status"][0][part], ka[0][part]
        extra = [k for k in ours if k not in ref]
        ok(not extra, f"every {part} key is one keepalived's dump has ({extra or 'none extra'})")
        num = (int, float)
        bad = [k for k in ours if k in ref and not (type(ours[k]) == type(ref[k]) or
               (isinstance(ours[k], num) and isinstance(ref[k], num) and not isinstance(ref[k], bool)))]
        ok(not bad, f"every {part} value has keepalived's JSON type ({bad or 'all alike'})")
PY
