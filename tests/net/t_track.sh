#!/bin/bash
# t_track.sh - trackers lower the master's priority into a handover and back:
# a failing track_script (weight -60), a tracked interface going down
# (weight -60); the VRRP interface itself losing its link puts the router in
# FAULT (VIP released, the backup takes over) until the link returns.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require track
nb_setup 2 || die_suite "track: cannot build the namespace bed"
VIP=$NB_NET.100
NB_VERSION=3 NB_ADVERT=0.5
# r1 gets a second interface to track.
ip -n "$(nb_ns r1)" link add eth1 type veth peer name eth1peer
ip -n "$(nb_ns r1)" link set eth1peer up
ip -n "$(nb_ns r1)" link set eth1 up
printf '#!/bin/sh\n[ ! -e "%s/down" ]\n' "$NB_WORK" >"$NB_WORK/check.sh"
chmod 755 "$NB_WORK/check.sh"
{
	echo "global_defs {"
	echo "    script_user root"
	echo "}"
	echo "vrrp_script chk {"
	echo "    script \"$NB_WORK/check.sh\""
	echo "    interval 0.5"
	echo "    weight -60"
	echo "    fall 1"
	echo "    rise 1"
	echo "}"
	nb_instance VI_1 51 150 "$VIP/24" "track_script {" "    chk" "}" \
		"track_interface {" "    eth1 weight -60" "}"
} >"$NB_WORK/r1.conf"
nb_instance VI_1 51 100 "$VIP/24" >"$NB_WORK/r2.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_check_holders "$IMPL: priority 150 with healthy trackers is master" "$VIP" r1 6

touch "$NB_WORK/down"
nb_check_holders "$IMPL: failing track_script (150-60 < 100) hands over" "$VIP" r2 6
if [ "$IMPL" = vrrpd ]; then
	check_eq "r1's effective priority is 90" 90 "$(nb_get r1 VI_1 effective_priority)"
	check_eq "r1 is BACKUP, not FAULT" BACKUP "$(nb_get r1 VI_1 state)"
fi
rm -f "$NB_WORK/down"
nb_check_holders "$IMPL: script passes again, r1 preempts" "$VIP" r1 6

ip -n "$(nb_ns r1)" link set eth1 down
nb_check_holders "$IMPL: tracked interface down hands over" "$VIP" r2 6
[ "$IMPL" = vrrpd ] && check_eq "r1's effective priority is 90 with eth1 down" 90 "$(nb_get r1 VI_1 effective_priority)"
ip -n "$(nb_ns r1)" link set eth1 up
nb_check_holders "$IMPL: tracked interface up, r1 preempts" "$VIP" r1 6

ip -n "$(nb_ns r1)" link set eth0 down
nb_check_holders "$IMPL: link down on the VRRP interface: r2 takes over" "$VIP" r2 6
if [ "$IMPL" = vrrpd ]; then
	check_eq "r1 reports FAULT" FAULT "$(nb_get r1 VI_1 state)"
elif grep -q "Entering FAULT STATE" "$NB_WORK/r1.d.log"; then
	ok "keepalived: r1 enters FAULT"
else
	fail "keepalived: r1 enters FAULT"
fi
ip -n "$(nb_ns r1)" link set eth0 up
nb_check_holders "$IMPL: link back: r1 leaves FAULT and preempts" "$VIP" r1 8
[ "$IMPL" = vrrpd ] && check_eq "r1 reports MASTER after the fault" MASTER "$(nb_get r1 VI_1 state)"
exit 0
