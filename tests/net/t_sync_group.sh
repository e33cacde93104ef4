#!/bin/bash
# t_sync_group.sh - vrrp_sync_group: two instances move together. When a
# tracked interface fails on r1 only VI_2 is affected, yet both VIPs go to r2,
# and both return when it recovers; the group's notify gets GROUP NAME STATE 0
# (keepalived 2.2.7 passes priority 0 for groups).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require sync_group
nb_setup 2 || die_suite "sync_group: cannot build the namespace bed"
VIP1=$NB_NET.100
VIP2=$NB_NET.101
NB_VERSION=3 NB_ADVERT=0.5
ip -n "$(nb_ns r1)" link add eth1 type veth peer name eth1peer
ip -n "$(nb_ns r1)" link set eth1peer up
ip -n "$(nb_ns r1)" link set eth1 up
for r in r1 r2; do
	printf '#!/bin/sh\necho "$*" >>"%s/%s.notify"\n' "$NB_WORK" "$r" >"$NB_WORK/$r.sh"
	chmod 755 "$NB_WORK/$r.sh"
	: >"$NB_WORK/$r.notify"
done
conf() { # conf ROUTER PRIORITY [LINE for VI_2]
	echo "global_defs {"
	echo "    script_user root"
	echo "}"
	echo "vrrp_sync_group G1 {"
	echo "    group {"
	echo "        VI_1"
	echo "        VI_2"
	echo "    }"
	echo "    notify $NB_WORK/$1.sh"
	echo "}"
	nb_instance VI_1 51 "$2" "$VIP1/24"
	nb_instance VI_2 52 "$2" "$VIP2/24" "$3"
}
conf r1 150 "track_interface {
        eth1
    }" >"$NB_WORK/r1.conf"
conf r2 100 >"$NB_WORK/r2.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_check_holders "$IMPL: VI_1 on r1" "$VIP1" r1 6
nb_check_holders "$IMPL: VI_2 on r1" "$VIP2" r1 2
sleep 1
ip -n "$(nb_ns r1)" link set eth1 down
nb_check_holders "$IMPL: VI_2's tracked interface down: VI_2 moves to r2" "$VIP2" r2 4
nb_check_holders "$IMPL: ... and VI_1 moves with it" "$VIP1" r2 2
sleep 1
check_eq "$IMPL: VI_1 stays with its group on r2" r2 "$(nb_holders "$VIP1")"
if [ "$IMPL" = vrrpd ]; then
	check_eq "r1's VI_2 is FAULT" FAULT "$(nb_get r1 VI_2 state)"
	st=$(nb_get r1 VI_1 state)
	case "$st" in BACKUP|FAULT) ok "r1's VI_1 left MASTER ($st)" ;; *) fail "r1's VI_1 left MASTER ($st)" ;; esac
fi
if grep -qx "GROUP G1 MASTER 0" "$NB_WORK/r2.notify"; then ok "$IMPL: r2's group notify got 'GROUP G1 MASTER 0'"
else fail "$IMPL: r2's group notify got 'GROUP G1 MASTER 0'"; sed 's/^/#   /' "$NB_WORK/r2.notify"; fi
if grep -qx "GROUP G1 FAULT 0" "$NB_WORK/r1.notify"; then ok "$IMPL: r1's group notify got 'GROUP G1 FAULT 0'"
else fail "$IMPL: r1's group notify got 'GROUP G1 FAULT 0'"; sed 's/^/#   /' "$NB_WORK/r1.notify"; fi
ip -n "$(nb_ns r1)" link set eth1 up
nb_check_holders "$IMPL: interface back: VI_1 returns to r1" "$VIP1" r1 6
nb_check_holders "$IMPL: interface back: VI_2 returns to r1" "$VIP2" r1 2
