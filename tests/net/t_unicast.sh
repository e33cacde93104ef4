#!/bin/bash
# t_unicast.sh - unicast_src_ip / unicast_peer: the election works, the
# adverts on the wire go to the peer's address (none to 224.0.0.18), and a
# graceful stop still hands over at once.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require unicast
command -v tshark >/dev/null || die_suite "unicast: tshark missing"
nb_setup 2 || die_suite "unicast: cannot build the namespace bed"
VIP=$NB_NET.100
NB_ADVERT=1
nb_instance VI_1 51 150 "$VIP/24" "unicast_src_ip $NB_NET.11" "unicast_peer {" "    $NB_NET.12" "}" >"$NB_WORK/r1.conf"
nb_instance VI_1 51 100 "$VIP/24" "unicast_src_ip $NB_NET.12" "unicast_peer {" "    $NB_NET.11" "}" >"$NB_WORK/r2.conf"
nb_capture "$NB_WORK/uni.pcap" 6 "ip proto 112" || die_suite "unicast: tshark does not capture"
cap=$NB_CAPTURE_PID
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_check_holders "$IMPL: unicast peers elect priority 150" "$VIP" r1 6
wait "$cap"
pairs=$(tshark -n -r "$NB_WORK/uni.pcap" -Y vrrp -T fields -e ip.src -e ip.dst 2>/dev/null | sort | uniq -c | awk '{print $2 ">" $3}' | tr '\n' ' ')
case " $pairs " in
*" $NB_NET.11>$NB_NET.12 "*) ok "$IMPL: r1's adverts go to the peer's address ($pairs)" ;;
*) fail "$IMPL: r1's adverts go to the peer's address ($pairs)" ;;
esac
case "$pairs" in
*224.0.0.18*) fail "$IMPL: no multicast adverts ($pairs)" ;;
*) ok "$IMPL: no multicast adverts" ;;
esac
[ "$IMPL" = vrrpd ] && check_eq "r2 names r1 as master" "$NB_NET.11" "$(nb_get r2 VI_1 master)"
sleep 1
check_eq "$IMPL: r2 stays backup on unicast adverts" r1 "$(nb_holders "$VIP")"
nb_kill r1 TERM
nb_check_holders "$IMPL: graceful stop hands over to the unicast peer within 1 s" "$VIP" r2 1
