#!/bin/bash
# t_garp_lower_prio.sh - a master that hears an advert of lower priority
# (the other router lost touch and made itself master) answers at once with
# its own advert and sends vrrp_garp_lower_prio_repeat rounds of gratuitous
# ARPs, then the same again vrrp_garp_lower_prio_delay later, so hosts that
# followed the other router's GARPs come back (keepalived.conf(5)).
# r1 owns two VRRPv3 instances: VI_A takes the globals (3 rounds, 2 s),
# VI_B sets garp_lower_prio_repeat 0 and sends none. Takeover GARPs are one
# round with no delayed round (vrrp_garp_master_repeat 1, _delay 0), over
# before the capture starts. r2 has no daemon: it injects one advert of
# priority 100 per instance (tests/net/vrrp_inject.c).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require garp_lower_prio
command -v tshark >/dev/null || die_suite "garp_lower_prio: tshark missing"
nb_setup 2 || die_suite "garp_lower_prio: cannot build the namespace bed"
VIP_A=$NB_NET.100 VIP_B=$NB_NET.101
{
	echo "global_defs {"
	echo "    vrrp_garp_master_repeat 1"
	echo "    vrrp_garp_master_delay 0"
	echo "    vrrp_garp_lower_prio_repeat 3"
	echo "    vrrp_garp_lower_prio_delay 2"
	echo "}"
	NB_VERSION=3 NB_ADVERT=5 nb_instance VI_A 51 255 "$VIP_A/24"
	NB_VERSION=3 NB_ADVERT=5 nb_instance VI_B 52 255 "$VIP_B/24" "garp_lower_prio_repeat 0"
} | sed 's/state BACKUP/state MASTER/' >"$NB_WORK/r1.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
# "state MASTER" listens one advert interval (5 s) before it takes over
nb_check_holders "$IMPL: r1 owns VI_A's address" "$VIP_A" r1 12
nb_check_holders "$IMPL: r1 owns VI_B's address" "$VIP_B" r1 2
sleep 1   # the takeover GARPs are behind us
nb_capture "$NB_WORK/cap.pcap" 5 "arp or ip proto 112" || die_suite "garp_lower_prio: tshark does not capture"
sleep 0.5
nb_exec r2 "$NB_TOOLS/vrrp_inject" -i eth0 -s "$NB_NET.12" -V 3 -r 51 -p 100 -a 500 "$VIP_A"
nb_exec r2 "$NB_TOOLS/vrrp_inject" -i eth0 -s "$NB_NET.12" -V 3 -r 52 -p 100 -a 500 "$VIP_B"
wait "$NB_CAPTURE_PID"

# frames FILTER: relative timestamps of the matching frames.
frames() { tshark -r "$NB_WORK/cap.pcap" -Y "$1" -T fields -e frame.time_relative 2>/dev/null; }
injected=$(frames "ip.src == $NB_NET.12 && vrrp.virt_rtr_id == 51" | head -n 1)
garp() { echo "eth.src == 02:00:00:00:00:01 && arp.opcode == 1 && arp.src.proto_ipv4 == $1 && arp.dst.proto_ipv4 == $1"; }
# after the injected advert: seconds from it to each of r1's GARPs for VI_A
offsets=$(frames "$(garp "$VIP_A")" | awk -v t0="${injected:-0}" '{ printf "%.3f\n", $1 - t0 }')
echo "# VI_A GARPs, seconds after the injected advert: $(echo $offsets)"
[ -n "$injected" ] && ok "$IMPL: the injected advert is on the wire" || fail "$IMPL: the injected advert is on the wire"
check_eq "$IMPL: VI_A: 3 GARPs at once, 3 more after the delay" 6 "$(echo "$offsets" | grep -c .)"
check_eq "$IMPL: VI_A: 3 GARPs within 0.3 s of the lower-priority advert" 3 \
	"$(echo "$offsets" | awk '$1 >= 0 && $1 < 0.3' | grep -c .)"
check_eq "$IMPL: VI_A: 3 GARPs 2 s (vrrp_garp_lower_prio_delay) later, +- 0.3 s" 3 \
	"$(echo "$offsets" | awk '$1 > 1.7 && $1 < 2.3' | grep -c .)"
check_eq "$IMPL: VI_B (garp_lower_prio_repeat 0): no GARP" 0 "$(frames "$(garp "$VIP_B")" | grep -c .)"
# r1's adverts come every 5 s; one within 50 ms of the injected advert is its answer.
answer=$(frames "ip.src == $NB_NET.11 && vrrp.virt_rtr_id == 51" |
	awk -v t0="${injected:-0}" '$1 - t0 >= 0 && $1 - t0 < 0.05' | grep -c .)
check_eq "$IMPL: VI_A answers the lower-priority advert with its own at once" 1 "$answer"
check_eq "$IMPL: r1 still holds VI_A's address" r1 "$(nb_holders "$VIP_A")"
exit 0
