#!/bin/bash
# t_traffic_dr_tun.sh - lvsd directs a client's HTTP requests by direct
# routing and by IP tunnelling to two real servers prepared with rsctl only,
# and the answers come in the scheduler's proportions: rr splits and
# alternates, wrr 2:1 gives 40:20 of 60 (+-3), persistence keeps each of 9
# client addresses on one server; then IPv6 by tunnel (IPv6 in IPv6 to
# ip6tnl0, where rsctl puts an IPv6 VIP). The guest's root namespace is the
# director, the client and the servers are namespaces; every server's page
# names it, so each answer shows who served (tests/vm/http_tally.py).
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh
. tests/vm/traffic_lib.sh
RSCTL=$BIN/rsctl
VIP=10.100.0.100 VIP6=fd00:900::100
RS1=10.101.0.1 RS2=10.101.0.2
RS1_6=fd00:101::1 RS2_6=fd00:101::2
t0=$SECONDS

for a in $RS1 $RS2; do
	add_rs $a || die_suite "dr/tun traffic: cannot make namespace for $a"
	# Replies go to the client through the director, the servers' router.
	ip -n "rs-$a" route replace default via 10.254.0.1 dev eth0 onlink
	mkdir -p "$WORK/www-$a"
	echo "$a" >"$WORK/www-$a/index.html"
	ip netns exec "rs-$a" busybox httpd -f -p 80 -h "$WORK/www-$a" </dev/null >/dev/null 2>&1 &
	bg_pids+=($!)
done
# IPv6 for the servers: an address each, the director at fe80::1 on each
# link and with an address of the servers' prefix there, which it takes as
# the tunnel's source (were that the VIP, which the servers hold too, their
# ip6tnl0 would refuse packets from one of their own addresses)
i=0
for a in $RS1 $RS2; do
	a6=$([ $a = $RS1 ] && echo $RS1_6 || echo $RS2_6)
	ip -6 addr add fe80::1/64 dev "rs$i" nodad
	ip -6 addr add "fd00:101::f$i/128" dev "rs$i" nodad
	ip -6 route add "$a6/128" dev "rs$i"
	ip -n "rs-$a" -6 addr add "$a6/128" dev eth0 nodad
	ip -n "rs-$a" -6 route add default via fe80::1 dev eth0
	i=$((i + 1))
done
ip netns add cl || die_suite "dr/tun traffic: cannot add the client"
ip link add cl0 type veth peer name eth0 netns cl
ip addr add 10.200.0.1/24 dev cl0
ip -6 addr add fd00:200::1/64 dev cl0 nodad
ip link set cl0 up
ip -n cl link set lo up
ip -n cl link set eth0 up
ip -n cl addr add 10.200.0.2/24 dev eth0
ip -n cl -6 addr add fd00:200::2/64 dev eth0 nodad
ip -n cl route add default via 10.200.0.1
ip -n cl -6 route add default via fd00:200::1
# Client addresses for persistence: two sets of 9, one per mode.
for n in $(seq 10 27); do echo "addr add 10.200.0.$n/32 dev eth0"; done | ip -n cl -batch - ||
	die_suite "dr/tun traffic: cannot give the client its source addresses"
SRC_DR=$(seq -f '10.200.0.%g' 10 18 | paste -sd,)
SRC_TUN=$(seq -f '10.200.0.%g' 19 27 | paste -sd,)
# The director: the VIPs are its own, it forwards the servers' replies,
# whose source (the VIP) is one of its addresses.
ip addr add $VIP/32 dev lo
ip -6 addr add $VIP6/128 dev lo nodad
sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.accept_local=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv6.conf.all.forwarding=1

cfg=$WORK/lvsd.conf
# conf KIND ALGO PERSISTENCE VIP RS:WEIGHT...
conf() {
	local kind=$1 algo=$2 persist=$3 vip=$4 s
	shift 4
	echo "virtual_server $vip 80 {"
	echo "    lb_algo $algo"
	echo "    lb_kind $kind"
	[ "$persist" = 0 ] || echo "    persistence_timeout $persist"
	echo "    protocol TCP"
	for s in "$@"; do
		echo "    real_server ${s%:*} 80 {"
		echo "        weight ${s##*:}"
		echo "    }"
	done
	echo "}"
}
# rsctl_all ARGS...: rsctl in every server's namespace.
rsctl_all() {
	local a
	for a in $RS1 $RS2; do
		ip netns exec "rs-$a" "$RSCTL" --state "$WORK/state-$a" "$@" >"$WORK/rsctl.log" 2>&1 ||
			{ fail "rsctl $* in rs-$a"; sed 's/^/#   /' "$WORK/rsctl.log"; }
	done
}
saved_has() { table | grep -q -- "$1"; }
get() { ip netns exec cl $TALLY get "$@"; }

# mode NAME KIND FLAG SOURCES: rr, wrr and persistence through lvsd.
mode() {
	local name=$1 kind=$2 flag=$3 sources=$4 na nb flappers
	conf "$kind" rr 0 $VIP $RS1:1 $RS2:1 >"$cfg"
	: >"$LVSD_LOG"
	start_lvsd -f "$cfg" || die_suite "$name: lvsd did not start"
	wait_for 20 saved_has "-r $RS2:80 $flag -w 1" ||
		{ fail "$name: lvsd did not program its table"; table | sed 's/^/#   /'; show_log "$LVSD_LOG"; }
	get $VIP 80 --count 20 >"$WORK/rr"
	echo "# $name rr, 20 requests: $(tally "$WORK/rr")"
	check_eq "$name rr: 20 requests, 10 answered by each server" "10 10" \
		"$(count_answers "$WORK/rr" $RS1) $(count_answers "$WORK/rr" $RS2)"
	check_eq "$name rr: the answers alternate" 0 \
		"$(awk 'NR > 1 && $2 == prev { n++ } { prev = $2 } END { print n + 0 }' "$WORK/rr")"

	conf "$kind" wrr 0 $VIP $RS1:2 $RS2:1 >"$cfg"
	kill -HUP "$lvsd_pid"
	wait_for 20 saved_has "-r $RS1:80 $flag -w 2" || fail "$name wrr: the reload did not reach the table"
	get $VIP 80 --count 60 >"$WORK/wrr"
	echo "# $name wrr 2:1, 60 requests: $(tally "$WORK/wrr")"
	na=$(count_answers "$WORK/wrr" $RS1) nb=$(count_answers "$WORK/wrr" $RS2)
	if [ "$((na + nb))" = 60 ] && [ "$na" -ge 37 ] && [ "$na" -le 43 ] && [ "$nb" -ge 17 ] && [ "$nb" -le 23 ]; then
		ok "$name wrr: weights 2:1 give $na:$nb of 60 requests (40:20 +-3)"
	else
		fail "$name wrr: weights 2:1 give $na:$nb of 60 requests (want 40:20 +-3, every request answered)"
	fi

	conf "$kind" rr 50 $VIP $RS1:1 $RS2:1 >"$cfg"
	kill -HUP "$lvsd_pid"
	wait_for 20 saved_has "-s rr -p 50" || fail "$name persistence: the reload did not reach the table"
	get $VIP 80 --src "$sources" --count 3 >"$WORK/persist"
	echo "# $name persistence, 9 client addresses x 3 requests: $(tally "$WORK/persist")"
	flappers=$(awk '{ seen[$1 " " $2] = 1 } END { for (k in seen) { split(k, f, " "); n[f[1]]++ } for (s in n) if (n[s] != 1) print s }' "$WORK/persist")
	check_eq "$name persistence: each of 9 client addresses stays on one server for its 3 requests" "" "$flappers"
	check_eq "$name persistence: every request answered, by both servers (9 addresses round robin: 15 and 12)" "12 15" \
		"$(printf '%s\n' "$(count_answers "$WORK/persist" $RS1)" "$(count_answers "$WORK/persist" $RS2)" | sort -n | paste -sd' ')"
	if stop_lvsd; then ok "$name: SIGTERM stops lvsd"; else fail "$name: SIGTERM stops lvsd"; fi
}

# Without rsctl the servers drop the VIP's packets: the test can fail.
conf DR rr 0 $VIP $RS1:1 $RS2:1 >"$cfg"
start_lvsd -f "$cfg" || die_suite "dr/tun traffic: lvsd did not start"
wait_for 20 saved_has "-r $RS2:80 -g -w 1" || fail "DR: lvsd did not program its table"
get $VIP 80 --count 2 --timeout 1 >"$WORK/none"
check_eq "DR without rsctl up: no request is answered" 0 "$(grep -vc ' ERR:' "$WORK/none")"
stop_lvsd

rsctl_all up $VIP
mode DR DR -g "$SRC_DR"
rsctl_all down
rsctl_all up $VIP --mode tun
mode TUN TUN -i "$SRC_TUN"
check_cmd "TUN: the servers received IPIP on tunl0 (its rx counter, ip -s link)" \
	eval "[ \"\$(ip -n rs-$RS1 -s -j link show tunl0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"stats64\"][\"rx\"][\"packets\"])')\" -gt 0 ]"

# ---- IPv6 by tunnel: IPv6 in IPv6 to each server's ip6tnl0
rsctl_all up $VIP6 --mode tun
conf TUN rr 0 $VIP6 $RS1_6:1 $RS2_6:1 >"$cfg"
: >"$LVSD_LOG"
start_lvsd -f "$cfg" || die_suite "TUN IPv6: lvsd did not start"
wait_for 20 saved_has "-r \[$RS2_6\]:80 -i -w 1" ||
	{ fail "TUN IPv6: lvsd did not program its table"; table | sed 's/^/#   /'; show_log "$LVSD_LOG"; }
get $VIP6 80 --count 10 >"$WORK/rr6"
echo "# TUN IPv6 rr, 10 requests: $(tally "$WORK/rr6")"
check_eq "TUN IPv6 rr: 10 requests through [$VIP6]:80, 5 answered by each server" "5 5" \
	"$(count_answers "$WORK/rr6" $RS1) $(count_answers "$WORK/rr6" $RS2)"
if [ "$(grep -vc ' ERR:' "$WORK/rr6")" != 10 ]; then
	{
		echo "director: ipvsadm -Lnc"; "$IPVSADM" -Lnc | head -5
		echo "director: ipvsadm -Ln --stats"; "$IPVSADM" -Ln --stats
		echo "director: nstat"; nstat -az 2>/dev/null | grep -E 'Ip6(InReceives|InNoRoutes|InDiscards|InAddrErrors|InDelivers|OutRequests|OutNoRoutes|OutDiscards|InTooBig)|Icmp6OutDestUnreachs|Icmp6InDestUnreachs'
		echo "client: nstat"; ip netns exec cl nstat -az 2>/dev/null | grep -E 'Ip6(InReceives|OutRequests|OutNoRoutes)|Icmp6In(DestUnreachs|Errors)'
		echo "client: ip -6 route get $VIP6"; ip -n cl -6 route get $VIP6
		echo "director: ip -6 neigh"; ip -6 neigh
		echo "director: ip -6 route get $RS1_6"; ip -6 route get $RS1_6
		echo "director: ip -s link rs0"; ip -s link show rs0
		echo "rs-$RS1: ip -6 addr"; ip -n "rs-$RS1" -6 addr
		echo "rs-$RS1: ip -s -d link ip6tnl0"; ip -n "rs-$RS1" -s -d link show ip6tnl0
		echo "rs-$RS1: nstat"; ip netns exec "rs-$RS1" nstat -az 2>/dev/null | grep -Ei 'Ip6(InReceives|InNoRoutes|InDiscards|InAddrErrors|InUnknownProtos|InDelivers)|Ip6OutRequests'
	} 2>&1 | sed 's/^/#   /'
fi
check_cmd "TUN IPv6: the servers received IPv6 in IPv6 on ip6tnl0 (its rx counter)" \
	eval "[ \"\$(ip -n rs-$RS1 -s -j link show ip6tnl0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"stats64\"][\"rx\"][\"packets\"])')\" -gt 0 ]"
if stop_lvsd; then ok "TUN IPv6: SIGTERM stops lvsd"; else fail "TUN IPv6: SIGTERM stops lvsd"; fi
rsctl_all down
echo "# ($((SECONDS - t0)) s)"
