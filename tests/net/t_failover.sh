#!/bin/bash
# t_failover.sh - what the client sees: a 1,000 packets/s ping stream to the
# VIP while the master dies (tests/net/netns.sh's nb_crash: frozen, link
# down, kill -9, as when a box fails) and while it stops gracefully (SIGTERM: priority-0 advert). VRRPv3
# at advert_int 0.1; the backup has priority 100, so by RFC 5798
# Skew_Time = (256-100) x 10 cs / 256 = 6 cs (integer centiseconds) and
# Master_Down_Interval = 3 x 10 + 6 cs = 360 ms. Targets from the issue:
# kill -9 gap <= Master_Down + 20 ms, graceful gap <= Skew + 20 ms.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require failover
nb_setup 2 || die_suite "failover: cannot build the namespace bed"
VIP=$NB_NET.100
NB_VERSION=3 NB_ADVERT=0.1
nb_instance VI_1 51 150 "$VIP/24" >"$NB_WORK/r1.conf"
nb_instance VI_1 51 100 "$VIP/24" >"$NB_WORK/r2.conf"
MASTER_DOWN_MS=360
SKEW_MS=60

# failover_gap ACTION: ping for 2.5 s, ACTION on r1 after 0.8 s; prints
# vipping's line and leaves r2 as the only daemon, holding the VIP.
failover_gap() {
	nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
	nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
	if ! nb_wait_holders "$VIP" r1 6; then
		echo "sent=0 recv=0 gap_ms=-1 late_ms=0 (r1 never became master)"
		return
	fi
	sleep 1
	# Real-time priority keeps the prober punctual on a busy machine.
	nb_exec c chrt -f 10 "$NB_TOOLS/vipping" -r 1000 -d 2.5 "$VIP" >"$NB_WORK/ping.out" &
	local ping=$!
	sleep 0.8
	case "$1" in
	kill) nb_crash r1 ;;
	stop) nb_kill r1 TERM ;;
	esac
	wait "$ping"
	cat "$NB_WORK/ping.out"
}
reset_bed() {
	nb_killall r1 KILL
	nb_killall r2 TERM
	nb_wait_gone r1 3
	nb_wait_gone r2 3
	ip -n "$(nb_ns r1)" link set eth0 up
	ip -n "$(nb_ns r1)" addr del "$VIP/24" dev eth0 2>/dev/null
	nb_wait_vip r2 "$VIP" 3 absent
}
value() { echo "$2" | sed -n "s/.*$1=\(-*[0-9]*\).*/\1/p"; }

# measure ACTION LIMIT_MS WHAT: up to three runs; a run in which the prober
# itself fell more than 20 ms behind measured the machine's load, not the
# failover, and is repeated. Three such runs fail: nothing was measured.
measure() {
	local action=$1 limit=$2 what=$3 try out gap late
	for try in 1 2 3; do
		out=$(failover_gap "$action")
		gap=$(value gap_ms "$out"); late=$(value late_ms "$out")
		if [ "${late:-999}" -le 20 ] || [ "${gap:--1}" -lt 0 ]; then break; fi
		echo "#   run $try disturbed, again: $out"
		[ $try = 3 ] || reset_bed
	done
	if [ "${late:-999}" -gt 20 ]; then
		fail "$IMPL: $what: the machine is too busy to measure ($out)"
	elif [ "${gap:--1}" -ge 0 ] && [ "$gap" -le "$limit" ]; then
		ok "$IMPL: $what: gap $gap ms <= $limit ($out)"
	else
		fail "$IMPL: $what: gap $gap ms <= $limit ($out)"
		nb_log r2
	fi
}

measure kill $((MASTER_DOWN_MS + 20)) "kill -9 of the master"
# The dead box keeps the VIP on its downed link; only r2 answers for it.
if nb_vip_on r2 "$VIP"; then ok "$IMPL: after the kill r2 holds the VIP"; else fail "$IMPL: after the kill r2 holds the VIP"; fi
check_eq "$IMPL: the client's ARP entry moved to r2" 02:00:00:00:00:02 "$(nb_client_mac "$VIP")"
reset_bed

measure stop $((SKEW_MS + 20)) "graceful stop of the master"
check_eq "$IMPL: after the stop r2 alone holds the VIP" r2 "$(nb_holders "$VIP")"
if nb_wait_gone r1 3; then ok "$IMPL: the stopped master exited"; else fail "$IMPL: the stopped master exited"; fi
