#!/bin/bash
# t_election.sh - three routers elect the highest priority; the client reaches
# the VIP at the master's MAC; when the master stops the next priority takes
# over and the returning master preempts; two masters of equal priority:
# the higher primary address wins (RFC 5798 6.4.3).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require election
nb_setup 3 || die_suite "election: cannot build the namespace bed"
VIP=$NB_NET.100
NB_VERSION=3 NB_ADVERT=0.5
nb_instance VI_1 51 100 "$VIP/24" >"$NB_WORK/r1.conf"
nb_instance VI_1 51 150 "$VIP/24" >"$NB_WORK/r2.conf"
nb_instance VI_1 51 120 "$VIP/24" >"$NB_WORK/r3.conf"
for r in r1 r2 r3; do nb_daemon "$r" "$IMPL" "$NB_WORK/$r.conf"; done

nb_check_holders "$IMPL: priority 150 of 100/150/120 holds the VIP" "$VIP" r2 8
sleep 1.5
check_eq "$IMPL: the VIP stays on r2 alone" r2 "$(nb_holders "$VIP")"
nb_check_reach "$IMPL: the client reaches the VIP" "$VIP"
check_eq "$IMPL: the client reaches it at r2's MAC" 02:00:00:00:00:02 "$(nb_client_mac "$VIP")"
if [ "$IMPL" = vrrpd ]; then
	check_eq "r1 names r2 as its master" "$NB_NET.12" "$(nb_get r1 VI_1 master)"
	check_eq "r3 reports BACKUP" BACKUP "$(nb_get r3 VI_1 state)"
fi

nb_kill r2 TERM
nb_check_holders "$IMPL: master stopped, priority 120 takes over" "$VIP" r3 4
nb_wait_gone r2 3
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_check_holders "$IMPL: returning priority 150 preempts" "$VIP" r2 6

# Ties (RFC 5798 6.4.3): a Backup accepts a master of equal priority, so the
# address only decides between two Masters. Make both master by cutting
# them apart at the switch, then heal: the lower address must step down.
for r in r1 r2 r3; do nb_killall "$r" TERM; done
for r in r1 r2 r3; do nb_wait_gone "$r" 3; done
nb_instance VI_1 51 100 "$VIP/24" >"$NB_WORK/r3.conf"
nb_isolate r1 on
nb_isolate r3 on
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r3 "$IMPL" "$NB_WORK/r3.conf"
nb_check_holders "$IMPL: cut apart, both equal-priority routers are master" "$VIP" "r1 r3" 6
nb_isolate r1 off
nb_isolate r3 off
nb_check_holders "$IMPL: equal priorities meet: the higher address stays master" "$VIP" r3 4
sleep 1.5
check_eq "$IMPL: the tie stays resolved" r3 "$(nb_holders "$VIP")"
