# netns.sh - network-namespace test bed for the VRRP tests and the benchmark.
#
# Source it, then:
#   nb_setup N            N routers r1..rN and a client c, each with eth0 on one
#                         bridge that lives in its own "switch" namespace sw.
#                         Router i: MAC 02:00:00:00:00:0i, $NB_NET.(10+i)/24 and
#                         $NB_NET6::(10+i)/64; client: .200 / ::200.
#   nb_ns NAME            the real namespace name of r1, c, sw...
#   nb_exec NAME CMD...   run CMD inside NAME
#   nb_daemon NAME IMPL CONF [TAG]
#                         start vrrpd or keepalived (IMPL) on CONF inside NAME in
#                         the background; its pid is in $NB_WORK/NAME.TAG.pid
#   nb_vip_on NAME ADDR   true when ADDR is configured on an interface of NAME
#   nb_wait_vip NAME ADDR SECONDS [absent]
#   nb_cleanup            kill what runs in the bed, delete its namespaces
# Names carry the caller's pid, so parallel runs never collide; every
# interface is created straight inside its namespace, nothing in the host's.
# nb_setup installs an EXIT trap that calls nb_cleanup.

NB_ROOT=${NB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NB_ID=${NB_ID:-lvt$$}
NB_NET=${NB_NET:-10.77.0}
NB_NET6=${NB_NET6:-fd00:77}
NB_PREFIX=${NB_PREFIX:-24}
NB_IFNAME=${NB_IFNAME:-eth0}
NB_NAMES=()
VRRPD=${VRRPD:-$NB_ROOT/build/x86_64/bin/vrrpd}
NB_TOOLS=$NB_ROOT/build/net

nb_ns() { echo "$NB_ID-$1"; }
nb_exec() { local n=$1; shift; ip netns exec "$NB_ID-$n" "$@"; }

# nb_tools: the test bed's own C helpers (VIP prober, advert injector).
nb_tools() {
	mkdir -p "$NB_TOOLS"
	local t
	for t in vipping vrrp_inject; do
		if [ ! -x "$NB_TOOLS/$t" ] || [ "$NB_ROOT/tests/net/$t.c" -nt "$NB_TOOLS/$t" ]; then
			gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
				-o "$NB_TOOLS/$t" "$NB_ROOT/tests/net/$t.c" -lm || return 1
		fi
	done
}

# nb_require WHAT: a test that cannot run fails loudly (tests/lib.sh's
# die_suite): root, the implementation under test ($IMPL: vrrpd, the
# default, or keepalived for the reference behaviour), the C helpers.
nb_require() {
	IMPL=${IMPL:-vrrpd}
	[ "$(id -u)" = 0 ] || die_suite "$1: needs root for network namespaces"
	case "$IMPL" in
	vrrpd) [ -x "$VRRPD" ] || die_suite "$1: $VRRPD not built (make)" ;;
	keepalived) command -v keepalived >/dev/null || die_suite "$1: keepalived not installed" ;;
	*) die_suite "$1: unknown IMPL=$IMPL" ;;
	esac
	command -v python3 >/dev/null || die_suite "$1: python3 missing"
	nb_tools || die_suite "$1: cannot build tests/net helpers"
}

# nb_require_vrrpd WHAT: root and a built vrrpd, for tests that run vrrpd
# alone (no $IMPL choice, no C helpers).
nb_require_vrrpd() {
	[ "$(id -u)" = 0 ] || die_suite "$1: needs root for network namespaces"
	[ -x "$VRRPD" ] || die_suite "$1: $VRRPD not built (make)"
}

nb_add_ns() {
	ip netns add "$NB_ID-$1" || return 1
	NB_NAMES+=("$1")
	ip -n "$NB_ID-$1" link set lo up
}

# nb_attach NAME MAC ADDR4 ADDR6: a veth from NAME's eth0 to a bridge port.
nb_attach() {
	local name=$1 mac=$2 port=p$1
	ip link add name "$NB_IFNAME" netns "$NB_ID-$name" address "$mac" type veth \
		peer name "$port" netns "$NB_ID-sw" || return 1
	ip -n "$NB_ID-sw" link set "$port" master br0 up
	ip -n "$NB_ID-$name" link set "$NB_IFNAME" up
	ip -n "$NB_ID-$name" addr add "$3/$NB_PREFIX" dev "$NB_IFNAME"
	ip -n "$NB_ID-$name" -6 addr add "$4/64" dev "$NB_IFNAME" nodad
	nb_exec "$name" sysctl -qw net.ipv6.conf.all.accept_dad=0 2>/dev/null
	return 0
}

nb_setup() {
	local n=$1 i
	NB_WORK=$(mktemp -d "/tmp/$NB_ID.XXXX") || return 1
	trap nb_cleanup EXIT
	trap 'exit 130' INT TERM
	nb_add_ns sw || return 1
	ip -n "$NB_ID-sw" link add br0 type bridge
	# No multicast snooping: VRRP multicast must flood like on a plain switch.
	ip -n "$NB_ID-sw" link set br0 type bridge mcast_snooping 0 forward_delay 0
	ip -n "$NB_ID-sw" link set br0 up
	for i in $(seq 1 "$n"); do
		nb_add_ns "r$i" || return 1
		nb_attach "r$i" "02:00:00:00:00:0$i" "$NB_NET.$((10 + i))" "$NB_NET6::$((10 + i))" || return 1
	done
	nb_add_ns c || return 1
	nb_attach c 02:00:00:00:00:c0 "$NB_NET.200" "$NB_NET6::200" || return 1
}

# nb_rename NAME NEWIF: the fixtures name their interface (eth0, ens160).
nb_rename() {
	ip -n "$NB_ID-$1" link set "$NB_IFNAME" down
	ip -n "$NB_ID-$1" link set "$NB_IFNAME" name "$2"
	ip -n "$NB_ID-$1" link set "$2" up
}

# nb_isolate NAME on|off: cut NAME off from the other routers (not from the
# client) at the switch, without touching NAME's own link state.
nb_isolate() { bridge -n "$NB_ID-sw" link set dev "p$1" isolated "$2"; }

nb_daemon() {
	local name=$1 impl=$2 conf=$3 tag=${4:-d} ns=$NB_ID-$1
	local pidf=$NB_WORK/$name.$tag.pid log=$NB_WORK/$name.$tag.log
	case "$impl" in
	vrrpd)
		ip netns exec "$ns" "$VRRPD" -n -l -D -f "$conf" -p "$NB_WORK/$name.$tag.vrrpd.pid" \
			-S "$NB_WORK/$name.$tag.sock" >"$log" 2>&1 &
		;;
	keepalived)
		# A private /run keeps several keepalived apart in one host.
		ip netns exec "$ns" unshare -m sh -c 'mount -t tmpfs lvt /run && exec "$@"' keepalived \
			keepalived -n -l -D -P -f "$conf" -p "$NB_WORK/$name.$tag.ka.pid" \
			-r "$NB_WORK/$name.$tag.vrrp.pid" >"$log" 2>&1 &
		;;
	*) echo "nb_daemon: unknown implementation $impl" >&2; return 1 ;;
	esac
	echo $! >"$pidf"
	# Out of the job table: a later kill -9 is the test's intent, not news.
	disown $!
}

# nb_capture FILE SECONDS [FILTER]: tshark on the bridge in the background
# (its pid in NB_CAPTURE_PID), returning once it is really capturing.
nb_capture() {
	local err=$1.err tries=200
	ip netns exec "$NB_ID-sw" tshark -q -n -i br0 ${3:+-f "$3"} -a "duration:$2" -w "$1" >/dev/null 2>"$err" &
	NB_CAPTURE_PID=$!
	while [ $tries -gt 0 ] && ! grep -q "Capturing on" "$err" 2>/dev/null; do
		kill -0 "$NB_CAPTURE_PID" 2>/dev/null || return 1
		sleep 0.05
		tries=$((tries - 1))
	done
	[ $tries -gt 0 ]
}

# nb_sock NAME [TAG]: vrrpd's control socket of that daemon.
nb_sock() { echo "$NB_WORK/$1.${2:-d}.sock"; }

# nb_json NAME [TAG]: vrrpd's state as JSON, from its control socket.
nb_json() { "$VRRPD" -S "$(nb_sock "$1" "$2")" --json 2>/dev/null; }

# nb_get NAME INSTANCE KEY[.KEY...] [TAG]: one value of one instance from
# nb_json ("" when absent), e.g. nb_get r1 VI_1 drops.ttl
nb_get() { nb_json "$1" "$4" | nb_pick "$2" "$3"; }

# nb_gets NAME INSTANCE KEY...: several values from one snapshot, space
# separated, "-" for an absent one.
nb_gets() {
	local name=$1 inst=$2
	shift 2
	nb_json "$name" | nb_pick "$inst" "$@" | paste -sd' '
}

# nb_pick INSTANCE KEY...: from vrrpd's JSON on stdin, one line per KEY.
nb_pick() {
	python3 -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except ValueError:
    doc = {}
inst = next((i for i in doc.get("instances", []) if i.get("name") == sys.argv[1]), None)
for key in sys.argv[2:]:
    v = inst
    for k in key.split("."):
        v = v.get(k) if isinstance(v, dict) else None
    if v is None:
        print("" if len(sys.argv) == 3 else "-")
    else:
        print(str(v).lower() if isinstance(v, bool) else v)
' "$@"
}

# nb_instance NAME VRID PRIORITY VIP [LINE...]: a vrrp_instance block on
# eth0 with PASS authentication, advert_int $NB_ADVERT (1) and version
# $NB_VERSION (2); each LINE is added inside the block.
nb_instance() {
	local name=$1 vrid=$2 prio=$3 vip=$4 line
	shift 4
	echo "vrrp_instance $name {"
	echo "    state BACKUP"
	echo "    interface ${NB_VRRP_IF:-eth0}"
	echo "    virtual_router_id $vrid"
	echo "    priority $prio"
	echo "    advert_int ${NB_ADVERT:-1}"
	echo "    version ${NB_VERSION:-2}"
	if [ "${NB_VERSION:-2}" = 2 ]; then
		echo "    authentication {"
		echo "        auth_type PASS"
		echo "        auth_pass lvt1"
		echo "    }"
	fi
	echo "    virtual_ipaddress {"
	echo "        $vip"
	echo "    }"
	for line in "$@"; do echo "    $line"; done
	echo "}"
}

# nb_vmac_pair VRID VIP: $NB_WORK/r1.conf (priority 150) and r2.conf (100),
# one use_vmac instance VI_1 holding VIP/24. The routers answer the client
# over eth0 with the VIP as source; without arp_announce 2 their ARP requests
# from eth0 would teach the client eth0's MAC for the VIP. A VMAC setup
# needs this on the parent interface.
nb_vmac_pair() {
	local r
	nb_instance VI_1 "$1" 150 "$2/24" use_vmac >"$NB_WORK/r1.conf"
	nb_instance VI_1 "$1" 100 "$2/24" use_vmac >"$NB_WORK/r2.conf"
	for r in r1 r2; do nb_exec "$r" sysctl -qw net.ipv4.conf.eth0.arp_announce=2; done
}

# nb_kill NAME SIGNAL [TAG]: signal the daemon and, for keepalived, its VRRP child.
nb_kill() {
	local name=$1 sig=$2 tag=${3:-d} p
	for p in "$NB_WORK/$name.$tag.pid" "$NB_WORK/$name.$tag.vrrp.pid"; do
		[ -s "$p" ] && kill "-$sig" "$(cat "$p")" 2>/dev/null
	done
	return 0
}

# nb_killall NAME SIGNAL: every process running in NAME (all started here).
nb_killall() {
	local p
	for p in $(ip netns pids "$NB_ID-$1" 2>/dev/null); do kill "-$2" "$p" 2>/dev/null; done
	return 0
}

# nb_crash NAME: the box dies: every process in NAME is frozen at once, its
# link goes down, then they are killed. Freezing first matters: keepalived's
# VRRP child would otherwise see its parent die and stop gracefully.
nb_crash() {
	nb_killall "$1" STOP
	ip -n "$NB_ID-$1" link set "$NB_IFNAME" down
	nb_killall "$1" KILL
}

# nb_wait_gone NAME SECONDS: wait until no process runs in NAME.
nb_wait_gone() {
	local end=$((SECONDS + $2))
	while [ $SECONDS -le $end ]; do
		[ -z "$(ip netns pids "$NB_ID-$1" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}

nb_vip_on() {
	ip -n "$NB_ID-$1" -o addr show 2>/dev/null | awk '{print $4}' | grep -q "^$2/"
}

# nb_wait_vip NAME ADDR SECONDS [absent]: polls every 50 ms, bounded.
nb_wait_vip() {
	local name=$1 addr=$2 tries=$(($3 * 20)) want=${4:-present}
	while [ "$tries" -gt 0 ]; do
		if nb_vip_on "$name" "$addr"; then
			[ "$want" = present ] && return 0
		else
			[ "$want" = absent ] && return 0
		fi
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}

# nb_wait_holders ADDR "NAMES" SECONDS: until exactly NAMES hold ADDR.
nb_wait_holders() {
	local tries=$(($3 * 20))
	while [ "$tries" -gt 0 ]; do
		[ "$(nb_holders "$1")" = "$2" ] && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}

# nb_check_holders WHAT ADDR "NAMES" SECONDS: one ok/not ok line; on
# failure the holders seen and the daemons' last log lines as commentary.
nb_check_holders() {
	if nb_wait_holders "$2" "$3" "$4"; then ok "$1"; return 0; fi
	fail "$1"
	echo "#   expected holders: '$3', actual: '$(nb_holders "$2")'"
	local n
	for n in "${NB_NAMES[@]}"; do
		[ -f "$NB_WORK/$n.d.log" ] && { echo "# $n:"; nb_log "$n" d 8; }
	done
	return 1
}

# nb_check_reach WHAT ADDR [-6]: one ok/not ok line: the client pings ADDR
# 100 times a second for half a second and at least 90% are answered. On a
# busy machine the prober may send fewer; the share is what counts.
nb_check_reach() {
	local out sent recv
	out=$(ip netns exec "$NB_ID-c" "$NB_TOOLS/vipping" $3 -r 100 -d 0.5 "$2")
	sent=$(echo "$out" | sed -n 's/.*sent=\([0-9]*\).*/\1/p')
	recv=$(echo "$out" | sed -n 's/.*recv=\([0-9]*\).*/\1/p')
	if [ "${sent:-0}" -gt 0 ] && [ $((${recv:-0} * 10)) -ge $((sent * 9)) ]; then ok "$1 ($out)"
	else fail "$1 ($out)"; fi
}

# nb_holders ADDR: the routers holding ADDR, space separated ("" if none).
nb_holders() {
	local n out=""
	for n in "${NB_NAMES[@]}"; do
		case "$n" in r*) nb_vip_on "$n" "$1" && out="$out $n" ;; esac
	done
	echo "${out# }"
}

# nb_client_mac ADDR: the MAC the client's neighbour table has for ADDR.
nb_client_mac() {
	ip -n "$NB_ID-c" neigh show "$1" 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}'
}

# nb_log NAME [TAG]: show a daemon's log as commentary (after a failure).
nb_log() { sed 's/^/#   /' "$NB_WORK/$1.${2:-d}.log" 2>/dev/null | tail -n "${3:-30}"; }

nb_cleanup() {
	local n
	for n in "${NB_NAMES[@]}"; do nb_killall "$n" TERM; done
	for n in "${NB_NAMES[@]}"; do
		nb_wait_gone "$n" 3 || nb_killall "$n" KILL
	done
	for n in "${NB_NAMES[@]}"; do ip netns del "$NB_ID-$n" 2>/dev/null; done
	NB_NAMES=()
	[ -n "$NB_WORK" ] && [ -z "$NB_KEEP" ] && rm -rf "$NB_WORK"
	NB_WORK=
}
