#!/bin/bash
# vrrp_capture.sh - regenerates the keepalived test vectors of test_vrrp_pkt.c.
# Runs Debian's keepalived as master in a network namespace on a veth pair,
# captures its adverts with tshark from the peer namespace, stops it (which
# sends the priority-0 advert) and prints the first and last packet of each
# capture as hex (IPv4: the IP packet; IPv6: the IPv6 packet). Needs root.
# Not part of any suite: the vectors it printed are kept in the test.
set -eu
cd "$(dirname "$0")/../.."
toolchain/deps.sh conf dev
work=$(mktemp -d /tmp/vrrp_capture.XXXXXX)
trap 'rm -rf "$work"' EXIT

instance() {  # NAME VRID PRIORITY ADVERT VERSION AUTH_LINES VIPS...
	local name=$1 vrid=$2 prio=$3 adv=$4 version=$5 auth=$6
	shift 6
	printf 'vrrp_instance %s {\n state MASTER\n interface eth0\n virtual_router_id %s\n' "$name" "$vrid"
	printf ' priority %s\n advert_int %s\n version %s\n%s\n virtual_ipaddress {\n' "$prio" "$adv" "$version" "$auth"
	printf '  %s\n' "$@"
	printf ' }\n}\n'
}

capture() {  # NAME CONFIG
	local name=$1 conf=$2 a=vcapa$$ b=vcapb$$
	ip netns add $a
	ip netns add $b
	ip link add vcap$$ netns $a type veth peer name vcpp$$ netns $b
	ip -n $a link set vcap$$ name eth0
	ip -n $b link set vcpp$$ name eth0
	ip -n $a link set eth0 address 02:00:00:00:aa:01
	ip -n $a addr add 10.99.0.1/24 dev eth0
	ip -n $b addr add 10.99.0.2/24 dev eth0
	ip -n $a link set eth0 up
	ip -n $b link set eth0 up
	ip -n $a link set lo up
	sleep 1
	ip netns exec $b timeout 20 tshark -q -i eth0 -F pcap -w "$work/$name.pcap" -a duration:7 \
		-f 'ip proto 112 or ip proto 51 or ip6 proto 112' >/dev/null 2>&1 &
	local cap=$!
	sleep 1.5
	ip netns exec $a timeout 20 keepalived -n -l -P -f "$conf" -p "$work/$name.pid" \
		-r "$work/$name.vrrp.pid" >"$work/$name.log" 2>&1 &
	local ka=$!
	sleep 4
	kill -TERM $ka
	wait $ka || true
	wait $cap || true
	ip netns del $a
	ip netns del $b
	echo "# $name"
	python3 - "$work/$name.pcap" <<'EOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
frames, off = [], 24
while off + 16 <= len(data):
    incl = struct.unpack('<I', data[off + 8:off + 12])[0]
    frames.append(data[off + 16:off + 16 + incl])
    off += 16 + incl
for frame in (frames[0], frames[-1]):
    print(frame[14:].hex())   # without the Ethernet header
EOF
}

instance VI_1 51 150 1 2 ' authentication {
  auth_type PASS
  auth_pass 1111
 }' 10.99.0.100 10.99.0.101 >"$work/v2pass.conf"
instance VI_1 52 150 1 2 ' authentication {
  auth_type AH
  auth_pass sEcReT99
 }' 10.99.0.100 10.99.0.101 >"$work/v2ah.conf"
instance VI_3 53 200 0.05 3 '' 10.99.0.100 >"$work/v3ip4.conf"
instance VI_6 54 100 1 3 '' fe80::54/64 fd00:99::100/64 >"$work/v3ip6.conf"
for name in v2pass v2ah v3ip4 v3ip6; do
	capture $name "$work/$name.conf"
done
