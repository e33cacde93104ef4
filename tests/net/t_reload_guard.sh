#!/bin/bash
# t_reload_guard.sh - a reload must never take what runs down by mistake. A
# config caught empty (a truncated write, an editor that truncates first) or
# turned into a directory is refused with a logged reason and the running
# config stays: vrrpd keeps its VIP as master, checkd keeps checking its
# servers. A good reload after that is taken, and vrrpd says so in its log.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
. tests/net/checkd_bed.sh
ck_require "reload guard"
ck_setup

W=$NB_WORK
S=$CK_SRV
VIP=$NB_NET.100
ck_srv_bg socat TCP-LISTEN:9301,bind=$S,fork,reuseaddr SYSTEM:true >/dev/null

# ---- vrrpd in r1, alone, so master
nb_instance VI_1 51 150 "$VIP/24" >"$W/good.conf"
cp "$W/good.conf" "$W/v.conf"
nb_daemon r1 vrrpd "$W/v.conf"
vpid=$(cat "$W/r1.d.pid")
nb_wait_vip r1 "$VIP" 8 || { fail "vrrpd: r1 takes the VIP"; nb_log r1; }
# hup_and_see LOG TEXT: SIGHUP pid $1, then wait for TEXT in LOG (3 s)
hup_and_see() {
	kill -HUP "$1"
	local i
	for i in $(seq 30); do grep -qF -- "$3" "$2" && return 0; sleep 0.1; done
	return 1
}

: >"$W/v.conf"
if hup_and_see "$vpid" "$W/r1.d.log" "reload: $W/v.conf is empty"; then
	ok "vrrpd: an empty config on reload is refused, and the log says why"
else fail "vrrpd: an empty config on reload is refused, and the log says why"; nb_log r1; fi
sleep 1
if nb_vip_on r1 "$VIP"; then ok "vrrpd: the VIP stays after the empty reload"; else fail "vrrpd: the VIP stays after the empty reload"; fi
check_eq "vrrpd: still master" MASTER "$(nb_get r1 VI_1 state)"

rm -f "$W/v.conf"; mkdir "$W/v.conf"
if hup_and_see "$vpid" "$W/r1.d.log" "reload: $W/v.conf is a directory"; then
	ok "vrrpd: a directory as config on reload is refused, and the log says why"
else fail "vrrpd: a directory as config on reload is refused, and the log says why"; nb_log r1; fi
if nb_vip_on r1 "$VIP"; then ok "vrrpd: the VIP stays after the directory reload"; else fail "vrrpd: the VIP stays after the directory reload"; fi

rmdir "$W/v.conf"; cp "$W/good.conf" "$W/v.conf"
if hup_and_see "$vpid" "$W/r1.d.log" "reloaded $W/v.conf: 1 vrrp_instance(s)"; then
	ok "vrrpd: a good reload is taken and logged"
else fail "vrrpd: a good reload is taken and logged"; nb_log r1; fi

# ---- checkd in c
cat >"$W/c.good" <<EOF2
virtual_server 10.77.0.120 80 {
    delay_loop 1
    protocol TCP
    lb_algo rr
    lb_kind NAT
    real_server $S 9301 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
EOF2
cp "$W/c.good" "$W/c.conf"
ck_start "$W/c.conf"
ck_wait_event " up tcp/10.77.0.120:80 $S:9301 " 5 || { fail "checkd: the server comes up"; ck_log_tail; }
: >"$W/c.conf"
if hup_and_see "$CK_PID" "$NB_WORK/checkd.log" "reload: $W/c.conf is empty"; then
	ok "checkd: an empty config on reload is refused, and the log says why"
else fail "checkd: an empty config on reload is refused, and the log says why"; ck_log_tail; fi
sleep 1
check_eq "checkd: the server is still checked, and up" up "$(ck_get tcp/10.77.0.120:80 "$S:9301" state)"
check_eq "checkd: no down event came from the empty config" 0 "$(grep -c " down " "$CK_EVENTS")"
ck_stop

# ---- lvsd as keepalived in r1 beside vrrpd (VRRP only, -P: this host has no IPVS): a SIGHUP while
# startup_script runs must not start the children early; keepalived starts
# none before the script ends, and a reload is no reason to.
LVSD_BIN=$(dirname "$VRRPD")/keepalived
{
	echo "global_defs {"
	echo "    startup_script \"/bin/sh -c 'sleep 3; touch $W/startup.done'\""
	echo "    startup_script_timeout 20"
	echo "}"
	nb_instance VI_2 52 150 "$NB_NET.101/24"
} >"$W/l.conf"
rm -f "$W/startup.done"
ip netns exec "$NB_ID-r1" unshare -m sh -c 'mount -t tmpfs lvt /run && exec "$@"' lvsd \
	"$LVSD_BIN" -P -n -l -f "$W/l.conf" -p "$W/l.pid" >"$W/l.log" 2>&1 &
lpid=$!
disown $lpid
for _ in $(seq 30); do grep -q "starting with" "$W/l.log" && break; sleep 0.1; done
sleep 0.5
if hup_and_see "$lpid" "$W/l.log" "reload: the first pass and the children wait for startup_script"; then
	ok "lvsd: a SIGHUP during startup_script is taken, and the children wait for the script"
else fail "lvsd: a SIGHUP during startup_script is taken, and the children wait for the script"; sed 's/^/#   /' "$W/l.log" | tail; fi
sleep 0.5
check_eq "lvsd runs, and no child started while startup_script still runs" "running 0 no" \
	"$(kill -0 "$lpid" 2>/dev/null && echo running) $(grep -c 'started vrrpd' "$W/l.log") $([ -e "$W/startup.done" ] && echo yes || echo no)"
for _ in $(seq 100); do grep -q 'started vrrpd' "$W/l.log" && break; sleep 0.1; done
check_eq "lvsd: vrrpd starts once, after startup_script has ended" "1 yes" \
	"$(grep -c 'started vrrpd' "$W/l.log") $([ -e "$W/startup.done" ] && echo yes || echo no)"
kill -TERM "$lpid" 2>/dev/null
for _ in $(seq 50); do kill -0 "$lpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$lpid" 2>/dev/null && { fail "lvsd: stops on SIGTERM"; kill -KILL "$lpid"; } || ok "lvsd: stops on SIGTERM"
