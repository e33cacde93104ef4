#!/bin/bash
# t_traffic_dr_tun.sh - lvsd directs a client's HTTP requests by direct
# routing and by IP tunnelling to two real servers prepared with rsctl only,
# and the answers come in the scheduler's proportions: rr splits and
# alternates, wrr 2:1 gives 40:20 of 60 (+-3), persistence keeps each of 9
# client addresses on one server. The guest's root namespace is the
# director, the client and the servers are namespaces; every server's page
# names it, so each answer shows who served (tests/vm/http_tally.py).
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh
. tests/vm/traffic_lib.sh
RSCTL=$BIN/rsctl
VIP=10.100.0.100
RS1=10.101.0.1 RS2=10.101.0.2
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
ip netns add cl || die_suite "dr/tun traffic: cannot add the client"
ip link add cl0 type veth peer name eth0 netns cl
ip addr add 10.200.0.1/24 dev cl0
ip link set cl0 up
ip -n cl link set lo up
ip -n cl link set eth0 up
ip -n cl addr add 10.200.0.2/24 dev eth0
ip -n cl route add default via 10.200.0.1
# Client addresses for persistence: two sets of 9, one per mode.
for n in $(seq 10 27); do echo "addr add 10.200.0.$n/32 dev eth0"; done | ip -n cl -batch - ||
	die_suite "dr/tun traffic: cannot give the client its source addresses"
SRC_DR=$(seq -f '10.200.0.%g' 10 18 | paste -sd,)
SRC_TUN=$(seq -f '10.200.0.%g' 19 27 | paste -sd,)
# The director: the VIP is its own, it forwards the servers' replies,
# whose source (the VIP) is one of its addresses.
ip addr add $VIP/32 dev lo
sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.accept_local=1 net.ipv4.conf.all.rp_filter=0

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

echo "# ($((SECONDS - t0)) s)"
