#!/bin/bash
# t_rsctl_traffic.sh - real IPVS in the guest forwards a client's HTTP
# requests for a VIP to two real servers prepared with rsctl only, first by
# direct routing (seed 001/004's setup: ipvsadm -g, VIP on the servers' lo),
# then by IP tunnelling (ipvsadm -i, VIP on tunl0, rp_filter off). The
# guest's root namespace is the director, the client and the real servers
# are namespaces (tests/vm/lvsd_lib.sh's add_rs); the table is the real
# ipvsadm's, and each server's page names it, so the answers show who
# served. Without rsctl up the servers drop the VIP's packets, which is
# checked first so the test can fail.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh
RSCTL=$BIN/rsctl
VIP=10.100.0.100
RS1=10.101.0.1 RS2=10.101.0.2
CL=10.200.0.2

for a in $RS1 $RS2; do
	add_rs $a || die_suite "rsctl traffic: cannot make namespace for $a"
	# Replies go to the client through the director, as on a LAN whose
	# router is the director; arp_announce keeps the VIP out of the ARP.
	ip -n "rs-$a" route replace default via 10.254.0.1 dev eth0 onlink
	mkdir -p "$WORK/www-$a"
	echo "$a" >"$WORK/www-$a/index.html"
	# A distribution's strict reverse-path filter, which TUN must turn off.
	ip netns exec "rs-$a" sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1
done
ip netns add cl || die_suite "rsctl traffic: cannot add the client"
ip link add cl0 type veth peer name eth0 netns cl
ip addr add 10.200.0.1/24 dev cl0
ip link set cl0 up
ip -n cl link set lo up
ip -n cl link set eth0 up
ip -n cl addr add $CL/24 dev eth0
ip -n cl route add default via 10.200.0.1
# The director: the VIP is its own, it forwards the servers' replies, whose
# source (the VIP) is one of its addresses.
ip addr add $VIP/32 dev lo
sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.accept_local=1 net.ipv4.conf.all.rp_filter=0

# serve_vip ADDR: busybox httpd on port 80 of every address in rs-ADDR.
serve_vip() {
	ip netns exec "rs-$1" busybox httpd -f -p 80 -h "$WORK/www-$1" </dev/null >/dev/null 2>&1 &
	bg_pids+=($!)
}
# answers N: the pages N requests to the VIP got, sorted and counted.
answers() {
	local i
	for i in $(seq "$1"); do
		ip netns exec cl curl -s --max-time 2 "http://$VIP/" || echo timeout
	done | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' '
}
serve_vip $RS1
serve_vip $RS2

"$IPVSADM" -A -t $VIP:80 -s rr || die_suite "rsctl traffic: ipvsadm -A failed"
"$IPVSADM" -a -t $VIP:80 -r $RS1 -g && "$IPVSADM" -a -t $VIP:80 -r $RS2 -g ||
	die_suite "rsctl traffic: ipvsadm -a failed"

got=$(answers 2)
check_eq "DR without rsctl up: the servers drop the VIP's packets" "timeout=2 " "$got"

for a in $RS1 $RS2; do
	ip netns exec "rs-$a" "$RSCTL" --state "$WORK/state-$a" up $VIP >"$WORK/up.log" 2>&1 ||
		fail "rsctl up $VIP in rs-$a"
	sed "s/^/#   rs-$a: /" "$WORK/up.log"
done
got=$(answers 10)
check_eq "DR: ten requests through the VIP, five answered by each server (rr)" \
	"$RS1=5 $RS2=5 " "$got"
check_cmd "DR: the director's connection table has the client's entries (ipvsadm -Lnc)" \
	eval "'$IPVSADM' -L -n -c | grep -q '$CL:.*$VIP:80'"

# ---- TUN: the same servers, rsctl down then up --mode tun, the table in -i ----
for a in $RS1 $RS2; do
	ip netns exec "rs-$a" "$RSCTL" --state "$WORK/state-$a" down >/dev/null ||
		fail "rsctl down in rs-$a"
done
"$IPVSADM" -e -t $VIP:80 -r $RS1 -i && "$IPVSADM" -e -t $VIP:80 -r $RS2 -i ||
	die_suite "rsctl traffic: ipvsadm -e -i failed"
got=$(answers 2)
check_eq "TUN after rsctl down: nothing answers" "timeout=2 " "$got"
for a in $RS1 $RS2; do
	ip netns exec "rs-$a" "$RSCTL" --state "$WORK/state-$a" up $VIP --mode tun >"$WORK/up.log" 2>&1 ||
		fail "rsctl up $VIP --mode tun in rs-$a"
	sed "s/^/#   rs-$a: /" "$WORK/up.log"
done
got=$(answers 10)
check_eq "TUN: ten requests through the VIP, five answered by each server" \
	"$RS1=5 $RS2=5 " "$got"
check_cmd "TUN: the servers received IPIP on tunl0 (its rx counter, ip -s link)" \
	eval "[ \"\$(ip -n rs-$RS1 -s -j link show tunl0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"stats64\"][\"rx\"][\"packets\"])')\" -gt 0 ]"
