#!/bin/bash
# t_lvsd_health.sh - lvsd on seed 003's config (HTTP_GET checks, sorry_server,
# a VRRP instance) with its two real servers in namespaces: a server whose web
# service stops leaves IPVS and comes back, with both gone the sorry server
# takes over exactly as keepalived 2.2.7 does it, a checkd killed with -9 is
# restarted, `ipvsadm -C` and a deleted dest behind lvsd's back are repaired,
# and when lvsd itself is killed its children exit.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh

conf=tests/fixtures/keepalived/seed003-node1.conf
rs8=192.168.139.8 rs9=192.168.139.9
for a in $rs8 $rs9; do
	add_rs $a || die_suite "health: cannot make namespace for $a"
done
# The fixture's VRRP instance runs on eth0; vrrpd needs it to exist.
ip link add eth0 type dummy && ip link set eth0 up || die_suite "health: cannot add eth0"

# ---- the oracle: keepalived's table with both servers up, and with both down
serve $rs8 80 && serve $rs9 80 || die_suite "health: web servers do not answer"
start_keepalived "$conf"
wait_for 20 table_has_lines 3 && settle 2
t_up=$(table)
stop_keepalived
unserve $rs8 80; unserve $rs9 80
start_keepalived "$conf"
# Both start up (no alpha) and fail their HTTP_GET after the retries.
wait_for 60 bash -c "$IPVSADM -S -n | grep -q 127.0.0.1" && settle 2
t_sorry=$(table)
stop_keepalived
"$IPVSADM" -C
echo "# keepalived, both up:"; printf '%s\n' "$t_up" | sed 's/^/#   /'
echo "# keepalived, both down:"; printf '%s\n' "$t_sorry" | sed 's/^/#   /'
[ "$(printf '%s\n' "$t_up" | wc -l)" = 3 ] && printf '%s\n' "$t_sorry" | grep -q 127.0.0.1 ||
	die_suite "health: keepalived (the oracle) did not give both tables"
t_no9=$(printf '%s\n' "$t_up" | grep -v " -r $rs9:")

# ---- lvsd
serve $rs8 80 && serve $rs9 80 || die_suite "health: web servers do not answer again"
start_lvsd -f "$conf" || die_suite "health: lvsd did not start"
wait_for 20 table_is "$t_up"
check_table "lvsd programs seed003's table as keepalived does" "$t_up"
c1=$(child_pid checkd) v1=$(child_pid vrrpd)
check_cmd "lvsd runs checkd and vrrpd as children" test -n "$c1" -a -n "$v1"

unserve $rs9 80
wait_for 40 table_is "$t_no9"
check_table "$rs9 stops serving: it leaves IPVS, $rs8 stays as it was" "$t_no9"
lvsd_json | grep -q "\"name\":\"$rs9:80\",[^}]*\"health\":\"down\"" && ok "lvsd --json says $rs9 is down" ||
	fail "lvsd --json says $rs9 is down"
serve $rs9 80
wait_for 40 table_is "$t_up"
check_table "$rs9 serves again: it is back in IPVS" "$t_up"

unserve $rs8 80; unserve $rs9 80
wait_for 40 table_is "$t_sorry"
check_table "both stop serving: the sorry server alone, as keepalived does" "$t_sorry"
serve $rs8 80; serve $rs9 80
wait_for 40 table_is "$t_up"
check_table "both serve again: the sorry server goes, both are back" "$t_up"

kill -KILL "$c1"
restarted() { c2=$(child_pid checkd); [ -n "$c2" ] && [ "$c2" != "$c1" ]; }
wait_for 15 restarted
if [ -n "$c2" ] && [ "$c2" != "$c1" ] && kill -0 "$c2" 2>/dev/null; then ok "checkd killed with -9 is restarted (pid $c1 -> $c2)"; else
	fail "checkd killed with -9 is restarted (pid $c1 -> '$c2')"; show_log "$LVSD_LOG"; lvsd_json | head -c 600; echo; fi
settle 2
check_table "after checkd's restart the table is as before" "$t_up"

"$IPVSADM" -C
wait_for 15 table_is "$t_up"
check_table "ipvsadm -C behind lvsd's back is repaired" "$t_up"
grep -q "repaired" "$LVSD_LOG" && ok "the repair is logged" || fail "the repair is logged"
"$IPVSADM" -d -t 192.168.139.100:80 -r $rs8:80
wait_for 15 table_is "$t_up"
check_table "a real server deleted with ipvsadm -d is put back" "$t_up"

c_now=$(child_pid checkd) v_now=$(child_pid vrrpd)
[ -n "$c_now" ] && [ -n "$v_now" ] || fail "lvsd reports both children before it is killed"
kill -KILL "$lvsd_pid"
wait "$lvsd_pid" 2>/dev/null
lvsd_pid=
# The children run the lvsbox binary, so their names say nothing: go by pid.
# An orphan may stay a zombie until the guest's init reaps it: that is gone too.
gone() { [ ! -e "/proc/$1" ] || grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
wait_for 10 eval 'gone "$c_now" && gone "$v_now"'
check_cmd "lvsd killed with -9: checkd (pid $c_now) exits, its event channel closed" gone "$c_now"
check_cmd "lvsd killed with -9: vrrpd (pid $v_now) exits on the parent-death signal" gone "$v_now"
