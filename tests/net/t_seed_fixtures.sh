#!/bin/bash
# t_seed_fixtures.sh - the users' keepalived MASTER/BACKUP pairs
# (tests/fixtures/keepalived/seed000, seed002, seed003) run unchanged: the
# routers' interface is renamed to what the config names and addressed in
# the VIP's subnet; the MASTER config holds the VIP, the client reaches it,
# a graceful stop moves it to the BACKUP config's router.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require seed_fixtures
FIX=tests/fixtures/keepalived
BASE_ID=$NB_ID

# pair TAG MASTER_CONF BACKUP_CONF IFNAME NET PREFIX VIP [LABEL]
pair() {
	local tag=$1 mconf=$FIX/$2 bconf=$FIX/$3 ifname=$4 vip=$7 label=$8
	NB_ID=$BASE_ID$tag NB_NET=$5 NB_PREFIX=$6
	nb_setup 2 || { fail "$tag: cannot build the namespace bed"; return; }
	nb_rename r1 "$ifname"
	nb_rename r2 "$ifname"
	nb_daemon r1 "$IMPL" "$mconf"
	nb_daemon r2 "$IMPL" "$bconf"
	nb_check_holders "$IMPL: $tag: $2 holds $vip" "$vip" r1 6
	sleep 1.2
	check_eq "$IMPL: $tag: $3 stays backup" r1 "$(nb_holders "$vip")"
	if [ -n "$label" ]; then
		check_eq "$IMPL: $tag: VIP labelled $label" "$vip" \
			"$(ip -n "$(nb_ns r1)" -4 -o addr show label "$label" | awk '{sub("/.*", "", $4); print $4}')"
	fi
	nb_check_reach "$IMPL: $tag: the client reaches $vip" "$vip"
	nb_kill r1 TERM
	nb_check_holders "$IMPL: $tag: graceful stop moves $vip to $3" "$vip" r2 2
	nb_cleanup
}
pair seed000 seed000-lvs01.conf seed000-lvs02.conf eth0 172.17.252 20 172.17.252.38
pair seed002 seed002-master.conf seed002-slave.conf ens160 192.168.25 24 192.168.25.100
pair seed003 seed003-node1.conf seed003-node2.conf eth0 192.168.139 24 192.168.139.100 eth0:0
