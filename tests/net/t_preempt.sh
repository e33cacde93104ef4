#!/bin/bash
# t_preempt.sh - nopreempt: a higher-priority router that joins late leaves
# the running master alone (and still takes over when that master stops);
# preempt_delay: it waits the delay, then preempts.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require preempt
nb_setup 2 || die_suite "preempt: cannot build the namespace bed"
VIP=$NB_NET.100
NB_VERSION=3 NB_ADVERT=0.5
nb_instance VI_1 51 100 "$VIP/24" >"$NB_WORK/low.conf"
nb_instance VI_1 51 150 "$VIP/24" nopreempt >"$NB_WORK/nopreempt.conf"
nb_instance VI_1 51 150 "$VIP/24" "preempt_delay 3" >"$NB_WORK/delay.conf"

nb_daemon r1 "$IMPL" "$NB_WORK/low.conf"
nb_check_holders "$IMPL: the only router becomes master" "$VIP" r1 6
nb_daemon r2 "$IMPL" "$NB_WORK/nopreempt.conf"
sleep 4
check_eq "$IMPL: nopreempt: priority 150 does not take the VIP from 100" r1 "$(nb_holders "$VIP")"
[ "$IMPL" = vrrpd ] && check_eq "nopreempt router reports BACKUP" BACKUP "$(nb_get r2 VI_1 state)"
nb_kill r1 TERM
nb_check_holders "$IMPL: nopreempt router takes over when the master stops" "$VIP" r2 3
nb_wait_gone r1 3
nb_killall r2 TERM
nb_wait_gone r2 3

nb_daemon r1 "$IMPL" "$NB_WORK/low.conf"
nb_check_holders "$IMPL: low priority master again" "$VIP" r1 6
start=$SECONDS
nb_daemon r2 "$IMPL" "$NB_WORK/delay.conf"
sleep 2
check_eq "$IMPL: preempt_delay 3: no preemption after 2 s" r1 "$(nb_holders "$VIP")"
nb_check_holders "$IMPL: preempt_delay 3: preempts within 5 s" "$VIP" r2 3
took=$((SECONDS - start))
if [ "$took" -ge 3 ]; then ok "$IMPL: preemption came after the delay (${took} s)"; else fail "$IMPL: preemption came after the delay (${took} s)"; fi
