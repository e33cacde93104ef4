#!/bin/bash
# t_track_file.sh - a vrrp_track_file's number times its weight is added to
# the priority (keepalived's rule): r1 (150) tracks a file with weight -10
# against r2 (100). 0 keeps r1 master; 2 gives 130, still above r2; 6
# gives 90 and hands over; 0 again and r1 preempts back. IMPL=keepalived
# runs the same against keepalived.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require track_file
nb_setup 2 || die_suite "track_file: cannot build the namespace bed"
VIP=$NB_NET.100
TF=$NB_WORK/prio
echo 0 >"$TF"
{
	echo "vrrp_track_file tf {"
	echo "    file \"$TF\""
	echo "    weight -10"
	echo "}"
	nb_instance VI_1 51 150 "$VIP/24" "track_file {" "    tf" "}"
} >"$NB_WORK/r1.conf"
nb_instance VI_1 51 100 "$VIP/24" >"$NB_WORK/r2.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_check_holders "$IMPL: file 0: r1 (150) is master" "$VIP" r1 8

echo 2 >"$TF"
sleep 3
check_eq "$IMPL: file 2 x weight -10 = 130, still above 100: r1 stays master" r1 "$(nb_holders "$VIP")"
[ "$IMPL" = vrrpd ] && check_eq "r1's effective priority is 130" 130 "$(nb_get r1 VI_1 effective_priority)"

echo 6 >"$TF"
nb_check_holders "$IMPL: file 6 x -10 = 90 < 100: r2 takes over" "$VIP" r2 8
[ "$IMPL" = vrrpd ] && check_eq "r1's effective priority is 90, state BACKUP" "90 BACKUP" \
	"$(nb_get r1 VI_1 effective_priority) $(nb_get r1 VI_1 state)"

echo 0 >"$TF"
nb_check_holders "$IMPL: file back to 0: r1 preempts" "$VIP" r1 8
[ "$IMPL" = vrrpd ] && check_eq "r1's effective priority is 150 again" 150 "$(nb_get r1 VI_1 effective_priority)"
exit 0
