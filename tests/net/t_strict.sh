#!/bin/bash
# t_strict.sh - global_defs { vrrp_strict }, as keepalived 2.2.7 enforces it:
# an instance without virtual addresses stops the daemon from starting;
# unicast peers run all the same (2.2.7's check misses them); authentication is ignored (adverts go out without it, so
# a peer configured without authentication agrees on one master);
# preempt_delay is ignored; "state MASTER" without priority 255 starts as
# BACKUP. With vrrpd, adverts whose interval or address list differ are
# still dropped and counted. Strict mode's VIP filter is t_strict_filter.sh.
# IMPL=keepalived runs the same scenarios against keepalived.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require strict
nb_setup 2 || die_suite "strict: cannot build the namespace bed"
VIP=$NB_NET.100

strict_globals() { printf 'global_defs {\n    vrrp_strict\n}\n'; }

# plain_instance NAME VRID PRIO [LINE...]: a v2 instance without authentication.
plain_instance() {
	local name=$1 vrid=$2 prio=$3 line
	shift 3
	printf 'vrrp_instance %s {\n    state BACKUP\n    interface eth0\n    virtual_router_id %s\n' "$name" "$vrid"
	printf '    priority %s\n    advert_int 1\n    version 2\n' "$prio"
	printf '    virtual_ipaddress {\n        %s/24\n    }\n' "$VIP"
	for line in "$@"; do echo "    $line"; done
	echo "}"
}

# refused WHAT TAG: the daemon must not keep running, nor take the VIP.
refused() {
	local what=$1 tag=$2
	nb_daemon r1 "$IMPL" "$NB_WORK/r1.$tag.conf" "$tag"
	if nb_wait_gone r1 8; then ok "$IMPL: $what: the daemon does not run"
	else fail "$IMPL: $what: the daemon does not run"; nb_log r1 "$tag"; nb_killall r1 KILL; nb_wait_gone r1 3; fi
	check_eq "$IMPL: $what: no VIP taken" "" "$(nb_holders "$VIP")"
}

# stop_all: every daemon stopped, the VIP gone, before the next case.
stop_all() {
	nb_killall r1 TERM; nb_killall r2 TERM
	nb_wait_gone r1 5 || nb_killall r1 KILL
	nb_wait_gone r2 5 || nb_killall r2 KILL
	nb_wait_gone r1 3; nb_wait_gone r2 3
	ip -n "$(nb_ns r1)" addr del "$VIP/24" dev eth0 2>/dev/null
	ip -n "$(nb_ns r2)" addr del "$VIP/24" dev eth0 2>/dev/null
}

# Unicast peers: keepalived's manual forbids them in strict mode, but 2.2.7
# runs such an instance (its check comes before the instance is known to be
# unicast); vrrpd does the same, with an error line in the log.
{
	strict_globals
	plain_instance VI_1 51 150 "unicast_src_ip $NB_NET.11" "unicast_peer {" "    $NB_NET.12" "}"
} >"$NB_WORK/r1.unicast.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.unicast.conf" unicast
nb_check_holders "$IMPL: unicast peers with vrrp_strict still run (alone: master)" "$VIP" r1 8
if [ "$IMPL" = vrrpd ]; then
	if grep -q "vrrp_strict forbids unicast peers" "$NB_WORK/r1.unicast.log"; then ok "vrrpd logs that strict mode forbids unicast"
	else fail "vrrpd logs that strict mode forbids unicast"; nb_log r1 unicast; fi
fi
stop_all

{
	strict_globals
	printf 'vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n'
	printf '    priority 150\n    advert_int 1\n}\n'
} >"$NB_WORK/r1.novip.conf"
refused "no virtual_ipaddress with vrrp_strict" novip

# Authentication: r1 (strict, PASS configured) must send adverts without it;
# r2 has none configured. If r1 kept PASS, r2 would drop its adverts and
# both would hold the VIP.
{ strict_globals; nb_instance VI_1 51 150 "$VIP/24"; } >"$NB_WORK/r1.auth.conf"
plain_instance VI_1 51 100 >"$NB_WORK/r2.auth.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.auth.conf" auth
nb_daemon r2 "$IMPL" "$NB_WORK/r2.auth.conf" auth
nb_check_holders "$IMPL: strict r1 is master" "$VIP" r1 8
sleep 4
check_eq "$IMPL: authentication ignored: r2 accepts r1's adverts, one master" r1 "$(nb_holders "$VIP")"
if [ "$IMPL" = vrrpd ]; then
	check_eq "r2 counts no auth_type drops" 0 "$(nb_get r2 VI_1 drops.auth_type auth)"
	# Packet checks under strict mode: a different interval or address list is dropped.
	inject() { nb_exec r2 "$NB_TOOLS/vrrp_inject" -i eth0 -s "$NB_NET.12" -p 200 -n 3 -I 40 "$@"; }
	before=$(nb_get r1 VI_1 drops.interval auth)
	inject -a 3 "$VIP"
	sleep 0.3
	check_eq "strict: advert_int 3 against 1 dropped as 'interval'" "$((before + 3))" "$(nb_get r1 VI_1 drops.interval auth)"
	before=$(nb_get r1 VI_1 drops.addr_mismatch auth)
	inject "$NB_NET.99"
	sleep 0.3
	check_eq "strict: another address list dropped as 'addr_mismatch'" "$((before + 3))" "$(nb_get r1 VI_1 drops.addr_mismatch auth)"
	check_eq "strict: r1 still MASTER after the dropped adverts" MASTER "$(nb_get r1 VI_1 state auth)"
fi
stop_all

# preempt_delay 20 is ignored: r1 (150) preempts r2 (100) as soon as the
# master-down interval runs out, not 20 s later.
plain_instance VI_1 51 100 >"$NB_WORK/r2.pd.conf"
{ strict_globals; plain_instance VI_1 51 150 "preempt_delay 20"; } >"$NB_WORK/r1.pd.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.pd.conf" pd
nb_check_holders "$IMPL: r2 alone is master" "$VIP" r2 8
nb_daemon r1 "$IMPL" "$NB_WORK/r1.pd.conf" pd
nb_check_holders "$IMPL: preempt_delay ignored: r1 preempts within 8 s" "$VIP" r1 8
stop_all

# "state MASTER" with priority 150 starts as BACKUP: alone, with advert_int 3,
# it takes the VIP after the master-down interval (9.4 s), not after one
# interval as a MASTER start would (3.4 s).
{
	strict_globals
	plain_instance VI_1 51 150 | sed 's/state BACKUP/state MASTER/; s/advert_int 1/advert_int 3/'
} >"$NB_WORK/r1.st.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.st.conf" st
start=$SECONDS
sleep 6
check_eq "$IMPL: state MASTER corrected: no VIP 6 s after start" "" "$(nb_holders "$VIP")"
nb_check_holders "$IMPL: ... and master by 13 s (BACKUP's master-down interval)" "$VIP" r1 7
echo "# took the VIP after about $((SECONDS - start)) s"
exit 0
