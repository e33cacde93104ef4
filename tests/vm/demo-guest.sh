#!/bin/bash
# demo-guest.sh - seed 004's VS/NAT experiment, run where the kernel has IPVS
# (inside the guest: tests/vm/demo.sh and tests/vm/t_demo.sh start it there).
#
#   client 2.2.2.2/8 --- 2.2.2.1/8 [director] 192.168.1.1/24 --+-- web_A 192.168.1.100
#   (netns "client")       (the root namespace)        br-lan  +-- web_B 192.168.1.200
#
# The director is programmed with lvsctl exactly as the seed does it with
# ipvsadm; the client fetches the page REQUESTS times (default 6) and each web
# server answers with its own address. Prints every command and its output,
# then PASS/FAIL lines; exits 0 only when the answers alternate between the
# two servers and `lvsctl -Ln --stats` counts, per real server, as many
# connections as it answered (and reads the same as the real ipvsadm).
set -u
cd "$(dirname "$0")/../.." || exit 2
lvsctl=$PWD/build/x86_64/bin/lvsctl
# lvsctl by its name, as a person would type it; the real ipvsadm by its path.
PATH=$PWD/build/x86_64/bin:$PATH
ipvsadm=/usr/sbin/ipvsadm
requests=${REQUESTS:-6}
vip=2.2.2.1
web_a=192.168.1.100
web_b=192.168.1.200
www=/tmp/lvsbox-demo
failures=0

pass() { echo "PASS: $*"; }
flunk() { echo "FAIL: $*"; failures=$((failures + 1)); }
# show PROMPT CMD...: prints the command the way a person would type it, runs it.
show() {
	local prompt=$1; shift
	echo "$prompt# $*"
	"$@"
}
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

[ -r /proc/net/ip_vs ] || { flunk "this kernel has no IPVS (run tests/vm/demo.sh)"; exit 1; }
[ -x "$lvsctl" ] || { flunk "no $lvsctl (make)"; exit 1; }

pids=()
cleanup() {
	[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	for ns in client web_A web_B; do ip netns del "$ns" 2>/dev/null; done
	ip link del br-lan 2>/dev/null
	ip link del d-client 2>/dev/null
	rm -rf "$www"
}
trap cleanup EXIT
cleanup

echo "== network: client, director, two web servers"
set -e
ip netns add client
ip link add d-client type veth peer name eth0 netns client
ip addr add $vip/8 dev d-client
ip link set d-client up
in_ns client ip addr add 2.2.2.2/8 dev eth0
in_ns client ip link set eth0 up
in_ns client ip link set lo up
in_ns client ip route add default via $vip

ip link add br-lan type bridge
ip addr add 192.168.1.1/24 dev br-lan
ip link set br-lan up
for web in web_A:$web_a web_B:$web_b; do
	ns=${web%%:*} addr=${web#*:}
	ip netns add "$ns"
	ip link add "d-$ns" type veth peer name eth0 netns "$ns"
	ip link set "d-$ns" master br-lan up
	in_ns "$ns" ip addr add "$addr/24" dev eth0
	in_ns "$ns" ip link set eth0 up
	in_ns "$ns" ip link set lo up
	in_ns "$ns" ip route add default via 192.168.1.1
	mkdir -p "$www/$ns"
	echo "$addr" >"$www/$ns/index.html"
done
echo 1 >/proc/sys/net/ipv4/ip_forward
set +e
echo "client:   2.2.2.2/8, default via $vip"
echo "director: $vip/8 (d-client), 192.168.1.1/24 (br-lan), ip_forward=1"
echo "web_A:    $web_a/24, default via 192.168.1.1, page says $web_a"
echo "web_B:    $web_b/24, default via 192.168.1.1, page says $web_b"

echo
echo "== web servers (busybox httpd)"
for ns in web_A web_B; do
	# ip netns exec execs httpd, so $! is the server's pid, killed on exit.
	ip netns exec "$ns" busybox httpd -f -p 80 -h "$www/$ns" </dev/null >/dev/null 2>&1 &
	pids+=($!)
done
# Up when the director itself can fetch each page directly (bounded wait).
for addr in $web_a $web_b; do
	up=0
	for _ in $(seq 50); do
		if [ "$(curl -s --max-time 2 "http://$addr/")" = "$addr" ]; then up=1; break; fi
		sleep 0.1
	done
	[ $up = 1 ] && echo "http://$addr/ answers $addr" || flunk "web server $addr does not answer"
done

echo
echo "== director: the seed's ipvsadm commands, typed to lvsctl"
show director lvsctl -A -t $vip:80 -s rr || flunk "lvsctl -A"
show director lvsctl -a -t $vip:80 -r $web_a -m || flunk "lvsctl -a $web_a"
show director lvsctl -a -t $vip:80 -r $web_b -m || flunk "lvsctl -a $web_b"
show director lvsctl -Ln

echo
echo "== client: $requests requests to http://$vip/"
answers=()
for i in $(seq "$requests"); do
	echo "client# curl -s http://$vip/"
	answer=$(in_ns client curl -s --max-time 5 "http://$vip/")
	echo "$answer"
	answers+=("$answer")
done

alternating=1 from_a=0 from_b=0
for i in "${!answers[@]}"; do
	case ${answers[i]} in
	"$web_a") from_a=$((from_a + 1)) ;;
	"$web_b") from_b=$((from_b + 1)) ;;
	*) alternating=0 ;;
	esac
	[ "$i" -gt 0 ] && [ "${answers[i]}" = "${answers[i - 1]}" ] && alternating=0
done
if [ $alternating = 1 ] && [ $((from_a + from_b)) = "$requests" ]; then
	pass "answers alternate: $from_a from $web_a, $from_b from $web_b"
else
	flunk "answers do not alternate between $web_a and $web_b: ${answers[*]}"
fi

echo
echo "== director: counters"
# The kernel publishes the counters every 2 s (when it estimates the
# rates), and the last ACKs may still be on their way: wait, bounded, until
# two readings 2 s apart agree.
previous=
for _ in 1 2 3 4 5 6 7 8; do
	sleep 2
	current=$($ipvsadm -Ln --stats)
	[ "$current" = "$previous" ] && break
	previous=$current
done
echo "director# lvsctl -Ln --stats"
lvsctl -Ln --stats | tee "$www/stats.lvsctl"
# conns_of ADDR:PORT: the Conns column of that line of the --stats listing.
conns_of() {
	awk -v what="$1" '$2 == what { print $3; exit }' "$www/stats.lvsctl"
}
got_a=$(conns_of $web_a:80) got_b=$(conns_of $web_b:80) got_vs=$(conns_of $vip:80)
if [ "$got_a" = "$from_a" ] && [ "$got_b" = "$from_b" ] && [ "$got_vs" = "$requests" ]; then
	pass "lvsctl --stats: $vip:80 $got_vs conns, $web_a:80 $got_a, $web_b:80 $got_b"
else
	flunk "lvsctl --stats conns: $vip:80 '$got_vs' (want $requests), $web_a:80 '$got_a' (want $from_a), $web_b:80 '$got_b' (want $from_b)"
fi
echo "director# ipvsadm -Ln --stats   (the real one, for comparison)"
$ipvsadm -Ln --stats | tee "$www/stats.ipvsadm"
if cmp -s "$www/stats.lvsctl" "$www/stats.ipvsadm"; then
	pass "lvsctl -Ln --stats prints exactly what ipvsadm -Ln --stats prints"
else
	flunk "lvsctl -Ln --stats differs from ipvsadm -Ln --stats:"
	diff -u --label ipvsadm --label lvsctl "$www/stats.ipvsadm" "$www/stats.lvsctl"
fi

echo
[ $failures = 0 ] && echo "demo: all checks passed" || echo "demo: $failures check(s) failed"
[ $failures = 0 ]
