# lvsd_lib.sh - shared pieces of the tests/vm/t_lvsd_*.sh tests (sourced,
# inside the qemu guest): real servers in network namespaces, lvsd and the
# real keepalived started and stopped, bounded waits on the IPVS table.
#
# The oracle for "what IPVS should hold" is keepalived 2.2.7 itself (Debian's
# package) run on the same config, read back with the real ipvsadm.
. tests/lib.sh
LVSBOX=$PWD/build/x86_64/lvsbox
BIN=$PWD/build/x86_64/bin
IPVSADM=/usr/sbin/ipvsadm
KEEPALIVED=/usr/sbin/keepalived
WORK=$(mktemp -d /tmp/lvsd-test.XXXXXX)
LVSD_SOCK=$WORK/lvsd.sock
LVSD_LOG=$WORK/lvsd.log
lvsd_pid=
rs_count=0
ka_pid=
bg_pids=()

[ -r /proc/net/ip_vs ] || die_suite "lvsd: this kernel has no IPVS (run inside tests/vm/run.sh)"
[ -x "$LVSBOX" ] || die_suite "lvsd: no $LVSBOX (make)"
[ -x "$KEEPALIVED" ] || die_suite "lvsd: no $KEEPALIVED (the oracle; apt-get install keepalived)"

lvsd_cleanup() {
	{
		[ -n "$lvsd_pid" ] && kill -KILL "$lvsd_pid"
		[ -n "$ka_pid" ] && kill -KILL "$ka_pid"
		[ ${#bg_pids[@]} -gt 0 ] && kill -KILL "${bg_pids[@]}"
		wait
	} 2>/dev/null
	# the host ends first: a veth that goes with its namespace goes later,
	# in the kernel's own time, and the next test may want its name
	for i in $(seq 0 $rs_count) $nat_rs; do ip link del "rs$i" 2>/dev/null; done
	ip link del eth0 2>/dev/null
	ip link del br-rs 2>/dev/null
	ip link del cl0 2>/dev/null
	ip -all netns delete 2>/dev/null
	rm -rf "$WORK"
}
trap lvsd_cleanup EXIT

# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds; 1 on timeout.
wait_for() {
	local limit=$(( $1 * 5 )) i; shift
	for ((i = 0; i < limit; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

# The table as ipvsadm saves it, numeric, sorted so order does not matter.
table() { "$IPVSADM" -S -n | sort; }
table_lines() { "$IPVSADM" -S -n | wc -l; }
table_is() { [ "$(table)" = "$1" ]; }
table_has_lines() { [ "$(table_lines)" = "$1" ]; }

# settle SECONDS: waits until two readings of the table SECONDS apart agree
# (at most 10 tries). Under TCG every ipvsadm costs about a second.
settle() {
	local prev cur
	prev=$(table)
	for _ in $(seq 10); do
		sleep "$1"
		cur=$(table)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
	done
	return 1
}

# A root address the real servers can answer to (the director's side).
director_address() {
	ip addr add 10.254.0.1/32 dev lo 2>/dev/null
	ip link set lo up
}

# add_rs ADDR: a network namespace rs-ADDR holding ADDR/32, reachable from
# the root namespace over a veth pair. Prints the namespace's name.
add_rs() {
	local addr=$1 ns=rs-$1 dev=rs$rs_count
	rs_count=$((rs_count + 1))
	director_address
	ip netns add "$ns" || return 1
	ip link add "$dev" type veth peer name eth0 netns "$ns" || return 1
	ip link set "$dev" up
	ip route add "$addr/32" dev "$dev"
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "$addr/32" dev eth0
	ip -n "$ns" route add default dev eth0
}

# nat_bed VIP N...: a NAT director's two sides, the client namespace "cl"
# (10.0.1.2, routed through VIP on cl0) and one namespace rs-10.0.2.N per N
# on the bridge br-rs (10.0.2.1 is the director), with forwarding on.
nat_bed() {
	local vip=$1 n ns
	shift
	ip netns add cl || return 1
	ip link add cl0 type veth peer name eth0 netns cl || return 1
	ip addr add "$vip/24" dev cl0 && ip link set cl0 up || return 1
	ip -n cl addr add 10.0.1.2/24 dev eth0 && ip -n cl link set eth0 up && ip -n cl link set lo up || return 1
	ip -n cl route add default via "$vip" || return 1
	ip link add br-rs type bridge && ip addr add 10.0.2.1/24 dev br-rs && ip link set br-rs up || return 1
	nat_rs="$*"
	for n in "$@"; do
		ns=rs-10.0.2.$n
		ip netns add "$ns" || return 1
		ip link add "rs$n" type veth peer name eth0 netns "$ns" || return 1
		ip link set "rs$n" master br-rs up || return 1
		ip -n "$ns" addr add "10.0.2.$n/24" dev eth0 && ip -n "$ns" link set eth0 up && ip -n "$ns" link set lo up || return 1
		ip -n "$ns" route add default via 10.0.2.1 || return 1
	done
	echo 1 >/proc/sys/net/ipv4/ip_forward
}

# serve ADDR PORT: a web server (busybox httpd) answering 200 with "ADDR" on
# ADDR:PORT in ADDR's namespace; its pid goes to $WORK/http-ADDR-PORT.pid.
serve() {
	local addr=$1 port=$2 dir=$WORK/www-$1
	mkdir -p "$dir"
	echo "$addr" >"$dir/index.html"
	ip netns exec "rs-$addr" busybox httpd -f -p "$addr:$port" -h "$dir" </dev/null >/dev/null 2>&1 &
	echo $! >"$WORK/http-$addr-$port.pid"
	bg_pids+=($!)
	wait_for 10 curl -s -o /dev/null --max-time 1 "http://$addr:$port/"
}

unserve() {
	local f=$WORK/http-$1-$2.pid
	[ -f "$f" ] && { kill "$(cat "$f")"; wait "$(cat "$f")"; } 2>/dev/null
	rm -f "$f"
	wait_for 10 bash -c "! curl -s -o /dev/null --max-time 1 http://$1:$2/"
}

# start_lvsd ARGS...: lvsd in the foreground, logging to $LVSD_LOG.
start_lvsd() {
	"$BIN/lvsd" -n -l -S "$LVSD_SOCK" "$@" </dev/null >>"$LVSD_LOG" 2>&1 &
	lvsd_pid=$!
	wait_for 10 test -S "$LVSD_SOCK"
}

# term_and_reap PID: SIGTERM, then wait (10 s at most) for PID to exit and
# reap it; 1 if it is still running.
term_and_reap() {
	kill -TERM "$1" 2>/dev/null
	wait_for 10 not_running "$1" || return 1
	wait "$1" 2>/dev/null
	return 0
}
not_running() { ! kill -0 "$1" 2>/dev/null; }

# stop_lvsd: SIGTERM and wait (bounded) for it to exit; 1 if it did not.
stop_lvsd() {
	[ -n "$lvsd_pid" ] || return 0
	term_and_reap "$lvsd_pid" || return 1
	lvsd_pid=
}

lvsd_json() { "$BIN/lvsd" -S "$LVSD_SOCK" --json; }
# child_pid NAME: the pid lvsd reports for its child NAME (empty when none).
child_pid() { lvsd_json | grep -o "\"name\":\"$1\",\"wanted\":[a-z]*,\"pid\":[0-9]*" | sed 's/.*://'; }

# start_keepalived CONF: the real keepalived, checker process only (no VRRP).
start_keepalived() {
	"$KEEPALIVED" -n -l -C -f "$1" -p "$WORK/ka.pid" -c "$WORK/ka-check.pid" </dev/null >>"$WORK/keepalived.log" 2>&1 &
	ka_pid=$!
}

# stop_keepalived: as stop_lvsd, but one that does not stop is killed.
stop_keepalived() {
	local rc=0
	[ -n "$ka_pid" ] || return 0
	term_and_reap "$ka_pid" || { kill -KILL "$ka_pid"; rc=1; }
	ka_pid=
	return $rc
}

# show_log FILE: the last lines of a daemon's log as commentary.
show_log() { tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/#   /'; }

# check_table WHAT EXPECTED: ok when the sorted saved table equals EXPECTED.
check_table() {
	local got
	got=$(table)
	if [ "$got" = "$2" ]; then ok "$1"; else
		fail "$1"
		echo "#   expected:"; printf '%s\n' "$2" | sed 's/^/#     /'
		echo "#   actual:"; printf '%s\n' "$got" | sed 's/^/#     /'
		show_log "$LVSD_LOG"
	fi
}
