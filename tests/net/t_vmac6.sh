#!/bin/bash
# t_vmac6.sh - use_vmac on an IPv6 instance: the macvlan's only link-local
# address is the parent interface's own (keepalived 2.2.7 turns the
# kernel's EUI-64 address from the virtual MAC off and copies the parent's,
# so that adverts leave from an address that is not a VIP), and it carries
# the VIP while master; so does the backup's once it takes over (vrrpd
# keeps a backup's VMAC down, and link down flushes IPv6 addresses).
# Run it with IMPL=keepalived for the reference.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require vmac6
nb_setup 2 || die_suite "vmac6: cannot build the namespace bed"
VIP=$NB_NET6::100
NB_VERSION=3 nb_instance VI_6 51 150 "$VIP/64" use_vmac | sed 's/state BACKUP/state MASTER/' >"$NB_WORK/r1.conf"
NB_VERSION=3 nb_instance VI_6 51 100 "$VIP/64" use_vmac >"$NB_WORK/r2.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_check_holders "$IMPL: r1 holds the IPv6 VIP" "$VIP" r1 8
# check_vmac NAME: the VMAC carrying the VIP on NAME and its link-local address.
check_vmac() {
	local ns dev kind mac parent_ll vmac_ll
	ns=$(nb_ns "$1")
	dev=$(ip -n "$ns" -o -6 addr show | awk -v v="$VIP/64" '$4 == v {print $2}')
	dev=${dev%%@*}
	kind=$(ip -n "$ns" -d -o link show "$dev" 2>/dev/null | grep -o 'macvlan mode [a-z]*')
	check_eq "$IMPL: $1: the VIP sits on a macvlan ($dev)" "macvlan mode private" "$kind"
	mac=$(ip -n "$ns" -o link show "$dev" 2>/dev/null | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
	check_eq "$IMPL: $1: the macvlan has the IPv6 virtual MAC 00:00:5e:00:02:VRID" 00:00:5e:00:02:33 "$mac"
	parent_ll=$(ip -n "$ns" -o -6 addr show dev eth0 scope link | awk '{print $4}')
	sleep 1   # an address the kernel would generate appears once the link is up
	vmac_ll=$(ip -n "$ns" -o -6 addr show dev "$dev" scope link | awk '{print $4}' | paste -sd' ')
	echo "# $1: eth0: $parent_ll, $dev: $vmac_ll"
	check_eq "$IMPL: $1: the macvlan's link-local address is eth0's, and only that" "$parent_ll" "$vmac_ll"
}
check_vmac r1
nb_kill r1 TERM
nb_check_holders "$IMPL: r1 stops, r2 holds the IPv6 VIP" "$VIP" r2 4
check_vmac r2
exit 0
