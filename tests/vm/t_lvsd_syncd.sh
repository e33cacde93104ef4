#!/bin/bash
# t_lvsd_syncd.sh - global_defs lvs_sync_daemon: the kernel's IPVS connection
# sync daemon follows the VRRP instance it names (master while the instance
# is MASTER, backup otherwise, none once stopped); without an instance, master
# and backup both run while lvsd does. The real ipvsadm (-L --daemon) reads
# the kernel's state, and keepalived 2.2.7 run on the same config is the
# oracle for what that state must be.
#
# The instance runs on vr0, a veth pair whose other end is in the namespace
# lvt-peer, where the real keepalived (VRRP only) plays a router of higher
# priority to push our instance to BACKUP and, stopped, to give it back.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh

PEER=lvt-peer
ip netns add "$PEER" || die_suite "syncd: cannot make namespace $PEER"
ip link add vr0 type veth peer name eth0 netns "$PEER" || die_suite "syncd: cannot make veth vr0"
ip addr add 10.77.0.1/24 dev vr0
ip link set vr0 up
ip -n "$PEER" link set lo up
ip -n "$PEER" addr add 10.77.0.2/24 dev eth0
ip -n "$PEER" link set eth0 up

daemons() { "$IPVSADM" -L --daemon 2>&1; }
daemons_are() { [ "$(daemons)" = "$1" ]; }
daemons_match() { daemons | grep -q "$1"; }
no_daemon() { [ -z "$(daemons)" ]; }

# instance_conf FILE PRIORITY SYNCD_LINE
instance_conf() {
	cat >"$1" <<CONF
global_defs {
    router_id lvt-$2
    $3
}
vrrp_instance VI_1 {
    state MASTER
    interface ${4:-vr0}
    virtual_router_id 51
    priority $2
    advert_int 1
    virtual_ipaddress {
        10.77.0.100/24
    }
}
CONF
}

# --- the instance is MASTER: keepalived 2.2.7 first, then lvsd ---
conf=$WORK/syncd.conf
instance_conf "$conf" 150 "lvs_sync_daemon vr0 VI_1"
"$KEEPALIVED" -n -l -D -f "$conf" -p "$WORK/ka.pid" -c "$WORK/kac.pid" -r "$WORK/kav.pid" \
	</dev/null >>"$WORK/keepalived.log" 2>&1 &
ka_pid=$!
if wait_for 20 daemons_match "master sync daemon"; then
	sleep 2
	want_master=$(daemons)
else
	want_master=
	fail "keepalived 2.2.7 (the oracle) runs no master sync daemon for its MASTER instance"
	show_log "$WORK/keepalived.log"
fi
stop_keepalived
wait_for 10 no_daemon
ka_left=$(daemons)
check_eq "keepalived 2.2.7 (the oracle) stops its sync daemon when it stops" "" "$ka_left"
"$IPVSADM" --stop-daemon master 2>/dev/null; "$IPVSADM" --stop-daemon backup 2>/dev/null

# keepalived.conf(5): the sync id defaults to the instance's VRID
case $want_master in
"master sync daemon (mcast=vr0, syncid=51"*) ok "oracle: one master sync daemon on vr0 with syncid 51 (the VRID)" ;;
*) fail "oracle: one master sync daemon on vr0 with syncid 51 (the VRID)"; echo "#   got: $want_master" ;;
esac

start_lvsd -f "$conf" || { show_log "$LVSD_LOG"; die_suite "syncd: lvsd does not start"; }
if wait_for 20 daemons_are "$want_master"; then
	ok "instance MASTER: lvsd runs the master sync daemon keepalived runs, and no backup"
else
	fail "instance MASTER: lvsd runs the master sync daemon keepalived runs, and no backup"
	echo "#   expected: $want_master"; echo "#   actual:   $(daemons)"; show_log "$LVSD_LOG"
fi

# --- a router of higher priority: the instance goes BACKUP ---
peer_conf=$WORK/peer.conf
instance_conf "$peer_conf" 200 "" eth0
ip netns exec "$PEER" unshare -m sh -c 'mount -t tmpfs lvt /run && exec "$@"' keepalived \
	"$KEEPALIVED" -n -l -P -f "$peer_conf" -p "$WORK/peer.pid" -r "$WORK/peer-vrrp.pid" \
	</dev/null >"$WORK/peer.log" 2>&1 &
peer_pid=$!
bg_pids+=("$peer_pid")
if wait_for 30 daemons_match "^backup sync daemon (mcast=vr0, syncid=51"; then
	ok "instance BACKUP (peer of priority 200): the backup sync daemon runs on vr0 with syncid 51"
else
	fail "instance BACKUP (peer of priority 200): the backup sync daemon runs on vr0 with syncid 51"
	echo "#   actual: $(daemons)"; show_log "$LVSD_LOG"; show_log "$WORK/peer.log" 5
fi
check_eq "instance BACKUP: no master sync daemon is left" "0" "$(daemons | grep -c '^master')"
grep -q "VI_1.*MASTER -> BACKUP\|(VI_1) MASTER -> BACKUP" "$LVSD_LOG" &&
	ok "the log shows the instance went MASTER -> BACKUP" ||
	{ fail "the log shows the instance went MASTER -> BACKUP"; show_log "$LVSD_LOG"; }

# --- the peer stops (priority 0): MASTER again ---
term_and_reap "$peer_pid" || kill -KILL "$peer_pid"
if wait_for 20 daemons_are "$want_master"; then
	ok "the peer gone, the instance is MASTER again and so is the sync daemon"
else
	fail "the peer gone, the instance is MASTER again and so is the sync daemon"
	echo "#   actual: $(daemons)"; show_log "$LVSD_LOG"
fi

# --- a reload that changes the sync id ---
instance_conf "$conf" 150 "lvs_sync_daemon vr0 VI_1 id 9"
kill -HUP "$lvsd_pid"
if wait_for 20 daemons_match "^master sync daemon (mcast=vr0, syncid=9,"; then
	ok "reload with id 9: the master sync daemon runs with syncid 9"
else
	fail "reload with id 9: the master sync daemon runs with syncid 9"
	echo "#   actual: $(daemons)"; show_log "$LVSD_LOG"
fi
check_eq "reload with id 9: one sync daemon only" "1" "$(daemons | grep -c 'sync daemon')"

if stop_lvsd; then ok "SIGTERM stops lvsd"; else fail "SIGTERM stops lvsd"; fi
wait_for 10 no_daemon
check_eq "lvsd stopped: no sync daemon is left, as keepalived leaves none" "" "$(daemons)"

# --- no instance named: master and backup both while lvsd runs (keepalived's checker does it) ---
both=$WORK/both.conf
instance_conf "$both" 150 "lvs_sync_daemon vr0 id 7"
# keepalived's checker runs only for a config with a virtual server
cat >>"$both" <<'CONF'
virtual_server 10.9.9.9 80 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.254.1.1 80 {
        weight 1
    }
}
CONF
start_keepalived "$both"
if wait_for 20 daemons_match "backup sync daemon" && wait_for 10 daemons_match "master sync daemon"; then
	sleep 1
	want_both=$(daemons)
else
	want_both=
	fail "keepalived 2.2.7 -C (the oracle) runs master and backup for lvs_sync_daemon without an instance"
	show_log "$WORK/keepalived.log"
fi
stop_keepalived
"$IPVSADM" --stop-daemon master 2>/dev/null; "$IPVSADM" --stop-daemon backup 2>/dev/null
check_eq "oracle: master and backup on vr0 with syncid 7" "2" \
	"$(printf '%s\n' "$want_both" | grep -c '^\(master\|backup\) sync daemon (mcast=vr0, syncid=7,')"
: >"$LVSD_LOG"
start_lvsd -f "$both" || die_suite "syncd: lvsd does not start"
if wait_for 20 daemons_are "$want_both"; then
	ok "no instance named: lvsd runs master and backup as keepalived does"
else
	fail "no instance named: lvsd runs master and backup as keepalived does"
	echo "#   expected: $want_both"; echo "#   actual:   $(daemons)"; show_log "$LVSD_LOG"
fi
if stop_lvsd; then ok "SIGTERM stops lvsd"; else fail "SIGTERM stops lvsd"; fi
check_eq "lvsd stopped: no sync daemon is left" "" "$(daemons)"

# --- the interface comes up after lvsd: a failed start is tried again every 5 s ---
late=$WORK/late.conf
instance_conf "$late" 150 "lvs_sync_daemon sx0 id 7"
sed -n '/^virtual_server/,$p' "$both" >>"$late"
: >"$LVSD_LOG"
start_lvsd -f "$late" || die_suite "syncd: lvsd does not start with a missing sync interface"
sleep 2
check_eq "sync interface sx0 missing: no sync daemon runs" "" "$(daemons)"
grep -q "lvs_sync_daemon: trying again every 5 s" "$LVSD_LOG" &&
	ok "sync interface sx0 missing: lvsd says it will try again" ||
	{ fail "sync interface sx0 missing: lvsd says it will try again"; show_log "$LVSD_LOG"; }
ip link add sx0 type veth peer name sx1 && ip link set sx0 up && ip link set sx1 up
if wait_for 15 daemons_match "^master sync daemon (mcast=sx0, syncid=7" && wait_for 5 daemons_match "^backup sync daemon (mcast=sx0, syncid=7"; then
	ok "sx0 created: within one retry lvsd runs master and backup on it"
else
	fail "sx0 created: within one retry lvsd runs master and backup on it"
	echo "#   actual: $(daemons)"; show_log "$LVSD_LOG"
fi
if stop_lvsd; then ok "SIGTERM stops lvsd"; else fail "SIGTERM stops lvsd"; fi
check_eq "lvsd stopped: no sync daemon is left on sx0" "" "$(daemons)"
ip link del sx0 2>/dev/null
