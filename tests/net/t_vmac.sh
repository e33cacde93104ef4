#!/bin/bash
# t_vmac.sh - use_vmac: the master carries the VIP on a macvlan whose MAC is
# the RFC's virtual MAC 00:00:5e:00:01:VRID; the client keeps that MAC across
# a failover and still reaches the VIP.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require vmac
nb_setup 2 || die_suite "vmac: cannot build the namespace bed"
VIP=$NB_NET.100
NB_VERSION=3 NB_ADVERT=0.5
VMAC=00:00:5e:00:01:33   # VRID 51
nb_vmac_pair 51 "$VIP"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_check_holders "$IMPL: VMAC election: priority 150 holds the VIP" "$VIP" r1 6
dev=$(ip -n "$(nb_ns r1)" -o -4 addr show | awk -v v="$VIP/24" '$4 == v {print $2}')
dev=${dev%%@*}
kind=$(ip -n "$(nb_ns r1)" -d -o link show "$dev" 2>/dev/null | grep -o 'macvlan mode [a-z]*')
check_eq "$IMPL: the VIP sits on a macvlan ($dev)" "macvlan mode private" "$kind"
mac=$(ip -n "$(nb_ns r1)" -o link show "$dev" 2>/dev/null | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
check_eq "$IMPL: the macvlan has the virtual MAC" "$VMAC" "$mac"
nb_check_reach "$IMPL: the client reaches the VIP" "$VIP"
check_eq "$IMPL: the client sees the virtual MAC" "$VMAC" "$(nb_client_mac "$VIP")"
nb_kill r1 TERM
nb_check_holders "$IMPL: VMAC graceful stop hands over" "$VIP" r2 2
nb_check_reach "$IMPL: the client reaches the VIP on r2" "$VIP"
check_eq "$IMPL: same virtual MAC after the failover" "$VMAC" "$(nb_client_mac "$VIP")"
