#!/bin/bash
# t_ipv6.sh - VRRPv3 over IPv6: election, the client reaches the IPv6 VIP,
# failover on graceful stop moves the client's neighbour entry (unsolicited
# neighbour advertisement) to the new master.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require ipv6
nb_setup 2 || die_suite "ipv6: cannot build the namespace bed"
VIP=$NB_NET6::100
NB_VERSION=3 NB_ADVERT=0.5
nb_instance VI_6 61 150 "$VIP/64" >"$NB_WORK/r1.conf"
nb_instance VI_6 61 100 "$VIP/64" >"$NB_WORK/r2.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_check_holders "$IMPL: IPv6 election: priority 150 holds $VIP" "$VIP" r1 6
sleep 1
check_eq "$IMPL: IPv6 VIP on r1 only" r1 "$(nb_holders "$VIP")"
nb_check_reach "$IMPL: the client reaches the IPv6 VIP" "$VIP" -6
check_eq "$IMPL: client's neighbour entry is r1's MAC" 02:00:00:00:00:01 "$(nb_client_mac "$VIP")"
if [ "$IMPL" = vrrpd ]; then
	check_eq "r2 reports BACKUP" BACKUP "$(nb_get r2 VI_6 state)"
	master=$(nb_get r2 VI_6 master)
	case "$master" in fe80::*) ok "r2's master is r1's link-local address ($master)" ;;
	*) fail "r2's master is r1's link-local address ($master)" ;; esac
fi
nb_kill r1 TERM
nb_check_holders "$IMPL: IPv6 graceful stop hands over" "$VIP" r2 2
sleep 0.3
check_eq "$IMPL: unsolicited NA moved the client to r2's MAC" 02:00:00:00:00:02 "$(nb_client_mac "$VIP")"
nb_check_reach "$IMPL: the client reaches the VIP on r2" "$VIP" -6
