# traffic_lib.sh - the VS/NAT network of the vm traffic tests (sourced after
# tests/vm/lvsd_lib.sh, inside the qemu guest), built as seed 004 builds it:
#
#   client "cl" 2.2.2.2/8 --- cl0 2.2.2.1/8 [director] br-rs 192.168.1.1/24 --+-- rs-192.168.1.100
#   (+ extra source           (the root namespace,                           +-- rs-192.168.1.200
#    addresses 2.2.3.N/32)     ip_forward=1, IPVS)                           +-- ...
#
# Every real server is a namespace rs-ADDR with ADDR/24, default route via
# the director, and (serve, from lvsd_lib.sh) a busybox httpd answering its
# own address. The client side is tests/vm/http_tally.py.
VIP=2.2.2.1
TALLY="/usr/bin/python3 $PWD/tests/vm/http_tally.py"
[ -x /usr/bin/python3 ] || die_suite "traffic: no /usr/bin/python3 (toolchain/deps.sh vm)"

nat_network() {
	ip netns add cl || return 1
	ip link add cl0 type veth peer name eth0 netns cl || return 1
	ip addr add $VIP/8 dev cl0 && ip link set cl0 up || return 1
	ip -n cl addr add 2.2.2.2/8 dev eth0 && ip -n cl link set eth0 up && ip -n cl link set lo up || return 1
	ip -n cl route add default via $VIP || return 1
	ip link add br-rs type bridge && ip addr add 192.168.1.1/24 dev br-rs && ip link set br-rs up || return 1
	echo 1 >/proc/sys/net/ipv4/ip_forward
}

# nat_rs ADDR: a real server namespace on br-rs (lvsd_lib's naming: rs-ADDR).
nat_rs() {
	local addr=$1 ns=rs-$1 dev=rs$rs_count
	rs_count=$((rs_count + 1))
	ip netns add "$ns" || return 1
	ip link add "$dev" type veth peer name eth0 netns "$ns" || return 1
	ip link set "$dev" master br-rs up || return 1
	ip -n "$ns" addr add "$addr/24" dev eth0 && ip -n "$ns" link set eth0 up && ip -n "$ns" link set lo up || return 1
	ip -n "$ns" route add default via 192.168.1.1
}

# client_sources N: gives the client 2.2.3.1 .. 2.2.3.N as well (the
# director reaches them on cl0's /8) and prints them comma-separated.
client_sources() {
	local i
	for ((i = 1; i <= $1; i++)); do echo "addr add 2.2.3.$i/32 dev eth0"; done | ip -n cl -batch - || return 1
	seq -f '2.2.3.%g' 1 "$1" | paste -sd,
}

# client_get [ARGS...]: http_tally.py get through the VIP from the client.
client_get() { ip netns exec cl $TALLY get $VIP 80 "$@"; }

# count_answers FILE ANSWER: how many requests in FILE that ANSWER answered.
count_answers() { awk -v a="$2" '$2 == a { n++ } END { print n + 0 }' "$1"; }

# tally FILE: "ANSWER COUNT ..." sorted by answer, one line: what a log says in short.
tally() { awk '{ n[$2]++ } END { for (a in n) print a, n[a] }' "$1" | sort | tr '\n' ' '; }
