#!/bin/bash
# t_partition.sh - the switch stops forwarding between the two routers (the
# client still sees both): each becomes master; when the partition heals the
# lower priority gives way, one master remains, and the client reaches the VIP.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require partition
nb_setup 2 || die_suite "partition: cannot build the namespace bed"
VIP=$NB_NET.100
NB_VERSION=3 NB_ADVERT=0.5
nb_instance VI_1 51 150 "$VIP/24" >"$NB_WORK/r1.conf"
nb_instance VI_1 51 100 "$VIP/24" >"$NB_WORK/r2.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_check_holders "$IMPL: one master before the partition" "$VIP" r1 6

nb_isolate r1 on
nb_isolate r2 on
nb_check_holders "$IMPL: partitioned: both routers are master" "$VIP" "r1 r2" 5
[ "$IMPL" = vrrpd ] && check_eq "r2 reports MASTER while cut off" MASTER "$(nb_get r2 VI_1 state)"
nb_isolate r1 off
nb_isolate r2 off
nb_check_holders "$IMPL: healed: the two masters resolve to r1" "$VIP" r1 5
sleep 1
check_eq "$IMPL: one master stays" r1 "$(nb_holders "$VIP")"
[ "$IMPL" = vrrpd ] && check_eq "r2 names r1 as master again" "$NB_NET.11" "$(nb_get r2 VI_1 master)"
nb_check_reach "$IMPL: the client reaches the VIP after the heal" "$VIP"
check_eq "$IMPL: the client's ARP entry is r1's" 02:00:00:00:00:01 "$(nb_client_mac "$VIP")"
