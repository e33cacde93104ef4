#!/bin/bash
# t_vmac_late.sh - use_vmac when the instance's interface does not exist
# yet as vrrpd starts (a USB NIC, a VLAN made by a later boot script): once
# it appears, the VMAC is created on it and the master carries the VIP there
# with the virtual MAC. Here r1's eth0 is renamed away before the start and
# back 2 s later. keepalived 2.2.7 does not do this ("Non-existent interface
# specified in configuration": its VRRP process never runs the instance);
# with IMPL=keepalived the script checks that it indeed does not.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require vmac_late
nb_setup 1 || die_suite "vmac_late: cannot build the namespace bed"
VIP=$NB_NET.100
VMAC=00:00:5e:00:01:33   # VRID 51
NB_VERSION=3 NB_ADVERT=0.5 nb_instance VI_1 51 150 "$VIP/24" use_vmac >"$NB_WORK/r1.conf"
nb_exec r1 sysctl -qw net.ipv4.conf.all.arp_announce=2
nb_rename r1 eth9
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
sleep 2
check_eq "$IMPL: no interface yet: nobody holds the VIP" "" "$(nb_holders "$VIP")"
nb_exec r1 ip link set eth9 down
nb_exec r1 ip link set eth9 name eth0
nb_exec r1 ip link set eth0 up
if [ "$IMPL" = keepalived ]; then
	sleep 6
	check_eq "keepalived: eth0 appears: still nobody holds the VIP" "" "$(nb_holders "$VIP")"
	if grep -q "Non-existent interface" "$NB_WORK/r1.d.log"; then ok "keepalived: it logged the missing interface"
	else fail "keepalived: it logged the missing interface"; nb_log r1; fi
	exit 0
fi
nb_check_holders "$IMPL: eth0 appears: r1 takes the VIP" "$VIP" r1 8
ns=$(nb_ns r1)
dev=$(ip -n "$ns" -o -4 addr show | awk -v v="$VIP/24" '$4 == v {print $2}')
dev=${dev%%@*}
kind=$(ip -n "$ns" -d -o link show "$dev" 2>/dev/null | grep -o 'macvlan mode [a-z]*')
check_eq "$IMPL: the VIP sits on a macvlan ($dev)" "macvlan mode private" "$kind"
parent=$(ip -n "$ns" -o link show "$dev" 2>/dev/null | sed -n 's/^[0-9]*: [^@]*@\([^:]*\):.*/\1/p')
check_eq "$IMPL: the macvlan sits on eth0" eth0 "$parent"
mac=$(ip -n "$ns" -o link show "$dev" 2>/dev/null | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
check_eq "$IMPL: the macvlan has the virtual MAC" "$VMAC" "$mac"
nb_check_reach "$IMPL: the client reaches the VIP" "$VIP"
check_eq "$IMPL: the client sees the virtual MAC" "$VMAC" "$(nb_client_mac "$VIP")"
exit 0
