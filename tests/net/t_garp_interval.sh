#!/bin/bash
# t_garp_interval.sh - global vrrp_garp_interval / vrrp_gna_interval space
# the gratuitous ARPs / unsolicited NAs one interface sends, and the global
# vrrp_garp_master_repeat / vrrp_garp_master_delay reach an instance that
# sets neither. r1 owns (priority 255) an IPv4 instance with 3 VIPs and an
# IPv6 one with 2; with repeat 3 and delay 2 s, a takeover sends 3 x 3 ARPs
# and 3 x 2 NAs at once and again 2 s later. The capture on the bridge must
# show every frame, ARPs at least 100 ms apart and NAs at least 200 ms
# apart, and no gap inside a burst much longer than the interval.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require garp_interval
command -v tshark >/dev/null || die_suite "garp_interval: tshark missing"
nb_setup 1 || die_suite "garp_interval: cannot build the namespace bed"
{
	echo "global_defs {"
	echo "    vrrp_garp_interval 0.1"
	echo "    vrrp_gna_interval 0.2"
	echo "    vrrp_garp_master_repeat 3"
	echo "    vrrp_garp_master_delay 2"
	echo "}"
	NB_VERSION=3 nb_instance VI_4 51 255 "$NB_NET.100/24" "virtual_ipaddress {" \
		"    $NB_NET.101/24" "    $NB_NET.102/24" "}"
	NB_VERSION=3 nb_instance VI_6 52 255 "$NB_NET6::100/64" "virtual_ipaddress {" "    $NB_NET6::101/64" "}"
} >"$NB_WORK/r1.conf"
nb_capture "$NB_WORK/cap.pcap" 7 "arp or icmp6" || die_suite "garp_interval: tshark does not capture"
sleep 0.5   # tshark has said it captures; give it a moment to really do so
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_check_holders "$IMPL: r1 owns the IPv4 VIPs" "$NB_NET.102" r1 4
wait "$NB_CAPTURE_PID"

# times FILTER: relative timestamps of r1's matching frames, one per line.
times() {
	tshark -r "$NB_WORK/cap.pcap" -Y "eth.src == 02:00:00:00:00:01 && ($1)" -T fields -e frame.time_relative 2>/dev/null
}
# check_spacing WHAT EXPECTED_COUNT MIN_GAP MAX_GAP FILTER: the frames'
# count, the shortest gap, and exactly one gap above MAX_GAP (the pause
# between the two bursts).
check_spacing() {
	local what=$1 count=$2 min=$3 max=$4 t
	t=$(times "$5")
	check_eq "$IMPL: $what: $count frames in two bursts" "$count" "$(echo "$t" | grep -c .)"
	local stats
	stats=$(echo "$t" | awk -v max="$max" 'NR > 1 { g = $1 - prev; if (mn == "" || g < mn) mn = g; if (g > max) long++ }
		{ prev = $1 } END { printf "%.4f %d\n", mn, long }')
	echo "# $what: shortest gap and gaps above $max s: $stats"
	if awk -v s="${stats%% *}" -v min="$min" 'BEGIN { exit !(s != "" && s >= min) }'; then
		ok "$IMPL: $what: no two frames closer than $min s"
	else
		fail "$IMPL: $what: no two frames closer than $min s (shortest ${stats%% *})"
		echo "$t" | sed 's/^/#   /'
	fi
	check_eq "$IMPL: $what: paced, not stalled: one pause (between the bursts) above $max s" 1 "${stats##* }"
}
# vrrpd sends every round: 2 bursts x 3 rounds x 3 VIPs = 18 ARPs and
# 2 x 3 x 2 = 12 NAs. keepalived 2.2.7 with an interval set sends the first
# frame at once and queues one per VIP, dropping the other rounds: 2 x (1 + 3)
# ARPs and 2 x (1 + 2) NAs. Its timer may also fire up to 1 ms early.
if [ "$IMPL" = keepalived ]; then arps=8 nas=6 slack=0.001; else arps=18 nas=12 slack=0; fi
# A gratuitous ARP is a request whose sender and target address are the VIP.
check_spacing "gratuitous ARPs, vrrp_garp_interval 0.1" "$arps" "$(awk "BEGIN { print 0.1 - $slack }")" 0.3 \
	"arp.opcode == 1 && arp.src.proto_ipv4 == arp.dst.proto_ipv4 && arp.src.proto_ipv4 in {$NB_NET.100, $NB_NET.101, $NB_NET.102}"
check_spacing "unsolicited NAs, vrrp_gna_interval 0.2" "$nas" "$(awk "BEGIN { print 0.2 - $slack }")" 0.5 \
	"icmpv6.type == 136 && icmpv6.nd.na.target_address in {$NB_NET6::100, $NB_NET6::101}"
exit 0
