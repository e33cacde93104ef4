#!/bin/bash
# t_conf_sweep.sh - every keepalived config of the tree (the users' fixtures,
# the examples in configs/, the vm and lenient unit configs that have
# virtual servers): lvsbox's `keepalived -C` (lvsd with checkd) and the real
# keepalived 2.2.7 `-C` (its checker process, which programs IPVS) each run
# in a fresh network namespace of their own, all at once, and must leave the
# same IPVS table (`ipvsadm -S -n` sorted, and the timeouts).
#
# Each config runs with its real servers' health decided per run:
#   up    every address a checker probes is on the farm namespace's lo and
#         answers what its checker asks (tests/vm/farm.py: TCP, HTTP, TLS,
#         SMTP, DNS, UDP; ping by the kernel). One exception on purpose:
#         configs/checkers.conf's second url of 10.1.0.2 names a digest no
#         page has, so that server is down for both.
#   down  the namespace has no route at all (unreachable default): every
#         probe fails at once; MISC_CHECK /bin/true stays up; sorry servers
#         come in. Only for configs with a checker that can fail.
# Settled means: the table has the number of lines the row below names
# (keepalived and lvsd alike; a miss is reported, not waited for forever),
# and in "up" runs the farm has seen two probes of every listener from that
# namespace (the first probe's result has been acted on). One process
# watches every namespace (tests/vm/ns_tables.py); no fixed sleeps; the wait
# is bounded by SWEEP_WAIT seconds. A config with the same virtual servers
# as one before it (the seeds' director pairs) is named and not run twice.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh
[ -x /usr/bin/python3 ] || die_suite "sweep: no /usr/bin/python3 (toolchain/deps.sh vm)"
command -v openssl >/dev/null || die_suite "sweep: no openssl (toolchain/deps.sh vm)"
SWEEP_WAIT=${SWEEP_WAIT:-180}
t0=$(date +%s)

# name|config|listeners ADDR:PORT:KIND[:serve] (KIND ping: the address
# only; ":serve": served, its probes not waited for)|lines up|lines down (- no down run)
# Lines: services + real servers (+ sorry servers) in ipvsadm -S -n; "*" =
# no checker: settled once two readings a second apart agree.
rows=(
	"seed000-lvs01|tests/fixtures/keepalived/seed000-lvs01.conf|39.106.40.172:80:tcp 39.107.137.111:80:tcp|3|1"
	"seed000-lvs02|tests/fixtures/keepalived/seed000-lvs02.conf|39.106.40.172:80:tcp 39.107.137.111:80:tcp|3|1"
	"seed002-master|tests/fixtures/keepalived/seed002-master.conf|192.168.25.31:80:tcp 192.168.25.32:80:tcp|3|1"
	"seed002-slave|tests/fixtures/keepalived/seed002-slave.conf|192.168.25.31:80:tcp 192.168.25.32:80:tcp|3|1"
	"seed003-node1|tests/fixtures/keepalived/seed003-node1.conf|192.168.139.8:80:http 192.168.139.9:80:http|3|2"
	"seed003-node2|tests/fixtures/keepalived/seed003-node2.conf|192.168.139.8:80:http 192.168.139.9:80:http|3|2"
	"checkers|configs/checkers.conf|10.1.0.1:80:tcp 10.1.0.2:80:http 10.1.0.3:443:tls 10.1.0.5:25:smtp 10.1.0.6:0:ping 10.1.0.7:53:dns 10.1.0.8:53:udp|9|3"
	"dr-ha-master|configs/dr-ha-master.conf|192.0.2.11:80:tcp 192.0.2.12:80:tcp|3|1"
	# make demo's directors: seed 000's without persistence, checked on port 80
	"demo-lvs01|configs/demo-lvs01.conf|39.106.40.172:80:tcp 39.107.137.111:80:tcp|3|1"
	"demo-lvs02|configs/demo-lvs02.conf|39.106.40.172:80:tcp 39.107.137.111:80:tcp|3|1"
	"nat|configs/nat.conf|10.0.0.11:8080:http 10.0.0.12:8080:http|3|1"
	"tun|configs/tun.conf|192.0.2.21:80:tcp 203.0.113.22:80:tcp|3|1"
	"vrrp-gateway|configs/vrrp-gateway.conf||0|-"
	"lvsd-ports|tests/vm/conf/lvsd-ports.conf|10.9.1.11:8080:tcp 10.9.1.11:80:tcp 10.9.1.12:80:tcp|5|2"
	# delay_loop 60 (the default): a second probe can take two minutes, so
	# its listener is served and not waited on (":serve")
	"syntax|tests/unit/conf/valid/syntax.conf|198.51.100.11:80:tcp:serve|3|2"
	"vs-extra-words|tests/unit/conf/valid/vs-extra-words.conf||4|-"
	# keepalived never runs a check whose connect_ip is a host name (its
	# server stays as it is); lvsbox checks the server's own address
	# (docs/config.md), which answers: no probe from keepalived to wait for
	"host-names|tests/unit/conf/lenient/host-names.conf|10.0.0.2:80:tcp:serve|2|-"
	"lb-algo|tests/unit/conf/lenient/lb-algo.conf||4|-"
	"lb-kind|tests/unit/conf/lenient/lb-kind.conf||6|-"
	"lvs-timeouts|tests/unit/conf/lenient/lvs-timeouts.conf||2|-"
	"quorum-zero|tests/unit/conf/lenient/quorum-zero.conf||2|-"
	"rs-duplicate|tests/unit/conf/lenient/rs-duplicate.conf||3|-"
	# no protocol line: keepalived programs UDP (an address and a group)
	"vs-no-protocol|tests/unit/conf/lenient/vs-no-protocol.conf||6|-"
	"vsg-ipv6|tests/vm/conf/vsg-ipv6.conf||22|-"
	# its group mixes IPv4 and IPv6: keepalived programs none of it; a
	# table of 0 lines settles at once, so it is read after the others
	"vsg-ranges|tests/unit/conf/lenient/vsg-ranges.conf||0|-"
)

# Every config of the tree named above must be in the table; a new one
# without a row is a failure, not a silent gap.
declare -A listed=()
for row in "${rows[@]}"; do IFS='|' read -r _ conf _ <<<"$row"; listed[$conf]=1; done
for conf in tests/fixtures/keepalived/*.conf configs/*.conf tests/vm/conf/*.conf; do
	[ -n "${listed[$conf]:-}" ] || fail "sweep: $conf has no row in t_conf_sweep.sh"
done

# ---- the farm: one namespace holding every "up" address, one bridge to
# every "up" director namespace (100.64.0.0/16)
FARM_LOG=$WORK/farm.log
ip netns add farm || die_suite "sweep: cannot make the farm namespace"
declare -A farm_specs=() farm_addrs=()
for row in "${rows[@]}"; do
	IFS='|' read -r _ _ listeners _ <<<"$row"
	for l in $listeners; do
		l=${l%:serve}
		farm_addrs[${l%%:*}]=1
		[ "${l##*:}" = ping ] || farm_specs[$l]=1
	done
done
{
	echo "link set lo up"
	echo "link add br0 type bridge"
	echo "addr add 100.64.0.1/16 dev br0"
	echo "link set br0 up"
	for a in "${!farm_addrs[@]}"; do echo "addr add $a/32 dev lo"; done
} | ip -n farm -batch - || die_suite "sweep: cannot address the farm"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=farm -keyout "$WORK/farm.key" -out "$WORK/farm.crt" >/dev/null 2>&1 ||
	die_suite "sweep: openssl cannot make the farm's certificate"
: >"$FARM_LOG"
ip netns exec farm /usr/bin/python3 tests/vm/farm.py "$FARM_LOG" "$WORK/farm.crt" "$WORK/farm.key" \
	"${!farm_specs[@]}" >"$WORK/farm.out" 2>&1 &
bg_pids+=($!)
wait_for 20 grep -q ready "$WORK/farm.out" || { cat "$WORK/farm.out"; die_suite "sweep: the farm does not start"; }

# ---- one namespace per director and run: sw-N-ka (keepalived), sw-N-lb (lvsbox)
runs=()        # "N|name|mode|conf|listeners|lines"
declare -A seen_vs=()
n=0
for row in "${rows[@]}"; do
	IFS='|' read -r name conf listeners up down <<<"$row"
	[ -f "$conf" ] || { fail "sweep: $conf is missing"; continue; }
	# A config whose virtual_server blocks and IPVS-wide keywords equal one
	# already in the sweep adds nothing (the seeds' director pairs).
	vs_part=$( { grep -E '^[[:space:]]*lvs_' "$conf"; sed -n '/^virtual_server/,$p' "$conf"; } | md5sum)
	if [ -n "${seen_vs[$vs_part]:-}" ]; then
		echo "# $name: the same virtual servers as ${seen_vs[$vs_part]}, swept there"
		continue
	fi
	seen_vs[$vs_part]=$name
	runs+=("$n|$name|up|$conf|$listeners|$up")
	n=$((n + 1))
	if [ "$down" != - ]; then
		runs+=("$n|$name|down|$conf||$down")
		n=$((n + 1))
	fi
done

# src_of N WHO: the address of director namespace N's WHO (0 keepalived,
# 1 lvsbox) on the farm's bridge.
src_of() { echo "100.64.1.$(($1 * 2 + $2 + 10))"; }

# Three batches for all namespaces and links, then one per namespace: under
# TCG every ip(8) costs.
{
	for run in "${runs[@]}"; do
		IFS='|' read -r i _ mode _ <<<"$run"
		for who in 0 1; do
			ns=sw-$i-$([ $who = 0 ] && echo ka || echo lb)
			echo "netns add $ns"
			[ "$mode" = up ] && echo "link add v$i-$who netns farm type veth peer name eth0 netns $ns"
		done
	done
} | ip -batch - || die_suite "sweep: cannot make the director namespaces"
{
	for run in "${runs[@]}"; do
		IFS='|' read -r i _ mode _ <<<"$run"
		[ "$mode" = up ] || continue
		echo "link set v$i-0 master br0 up"
		echo "link set v$i-1 master br0 up"
	done
} | ip -n farm -batch - || die_suite "sweep: cannot plug the director namespaces into the farm"
for run in "${runs[@]}"; do
	IFS='|' read -r i _ mode _ <<<"$run"
	for who in 0 1; do
		ns=sw-$i-$([ $who = 0 ] && echo ka || echo lb)
		if [ "$mode" = up ]; then
			printf '%s\n' "link set lo up" "addr add $(src_of "$i" "$who")/16 dev eth0" \
				"link set eth0 up" "route add default via 100.64.0.1"
		else
			printf '%s\n' "link set lo up" "route add unreachable default" "route add unreachable ::/0"
		fi | ip -n "$ns" -batch - || die_suite "sweep: cannot set up $ns"
	done
done
echo "# $n runs in $((n * 2)) namespaces, set up after $(($(date +%s) - t0)) s"

# start NS LOG DAEMON ARGS...: the daemon in NS with a /run of its own (pid
# files, lvsd's control socket), in the background; its pid is $!.
start_in() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" unshare -m sh -c 'mount -t tmpfs run /run && mkdir -p /run/lvsbox && exec "$@"' sh "$@" \
		</dev/null >"$log" 2>&1 &
}
declare -A pid_of=()
for run in "${runs[@]}"; do
	IFS='|' read -r i name mode conf _ <<<"$run"
	start_in "sw-$i-ka" "$WORK/ka-$i.log" "$KEEPALIVED" -n -l -C -f "$PWD/$conf" -p /run/ka.pid -c /run/ka-c.pid
	pid_of[$i-ka]=$!; bg_pids+=($!)
	start_in "sw-$i-lb" "$WORK/lb-$i.log" "$BIN/keepalived" -n -l -C -f "$PWD/$conf" -p /run/lvsd.pid
	pid_of[$i-lb]=$!; bg_pids+=($!)
done
echo "# daemons started after $(($(date +%s) - t0)) s"

# ---- wait, all runs at once, until each namespace is settled
specs=()
for run in "${runs[@]}"; do
	IFS='|' read -r i name mode conf listeners lines <<<"$run"
	probed=
	if [ "$mode" = up ]; then
		for l in $listeners; do
			case $l in *:ping | *:serve) continue ;; esac
			probed+=${probed:+,}${l%:*}
		done
	fi
	specs+=("sw-$i-ka=$lines=$(src_of "$i" 0)=$probed" "sw-$i-lb=$lines=$(src_of "$i" 1)=$probed")
done
/usr/bin/python3 tests/vm/ns_tables.py wait "$SWEEP_WAIT" "$FARM_LOG" "${specs[@]}" >"$WORK/settle" 2>&1
declare -A settled=()
while read -r ns word _; do
	[ "$word" = settled ] && settled[$ns]=1
done <"$WORK/settle"
echo "# settled after $(($(date +%s) - t0)) s"

# ---- the verdicts, with the real ipvsadm
# saved NS CONF: ipvsadm -S -n sorted, and the timeouts when CONF sets them.
saved() {
	ip netns exec "$1" "$IPVSADM" -S -n 2>&1 | sort
	if grep -q '^[[:space:]]*lvs_timeouts' "$2"; then ip netns exec "$1" "$IPVSADM" -L --timeout 2>&1; fi
}
for run in "${runs[@]}"; do
	IFS='|' read -r i name mode conf listeners lines <<<"$run"
	what="$name ($mode)"
	for who in ka lb; do
		if [ -z "${settled[sw-$i-$who]:-}" ]; then
			fail "$what: the $([ $who = ka ] && echo 'keepalived 2.2.7' || echo lvsbox) table did not settle in ${SWEEP_WAIT} s"
			grep "^sw-$i-$who " "$WORK/settle" | sed 's/^/#   /'
			ip netns exec "sw-$i-$who" "$IPVSADM" -S -n | sed 's/^/#     /'
			show_log "$WORK/$who-$i.log" 8
		fi
	done
	want=$(saved "sw-$i-ka" "$conf")
	got=$(saved "sw-$i-lb" "$conf")
	if [ "$got" = "$want" ]; then
		ok "$what: lvsbox keepalived -C programs the table keepalived 2.2.7 -C programs ($(grep -c '^-a' <<<"$want") real servers)"
	else
		fail "$what: lvsbox keepalived -C programs a table other than keepalived 2.2.7 -C"
		diff <(echo "$want") <(echo "$got") | sed 's/^/#   /'
		show_log "$WORK/lb-$i.log" 8
	fi
done

# ---- SIGTERM: both take their services away again (the kernel's own
# listing, /proc/net/ip_vs, counted in each namespace)
for run in "${runs[@]}"; do
	IFS='|' read -r i _ <<<"$run"
	kill -TERM "${pid_of[$i-ka]}" "${pid_of[$i-lb]}" 2>/dev/null
done
all_ns=()
for run in "${runs[@]}"; do
	IFS='|' read -r i name mode _ <<<"$run"
	for who in ka lb; do
		wait_for 20 not_running "${pid_of[$i-$who]}" || fail "$name ($mode): $who does not stop on SIGTERM"
	done
	all_ns+=("sw-$i-ka" "sw-$i-lb")
done
declare -A left=()
while read -r ns count; do left[$ns]=$count; done < <(/usr/bin/python3 tests/vm/ns_tables.py count "${all_ns[@]}")
for run in "${runs[@]}"; do
	IFS='|' read -r i name mode _ <<<"$run"
	check_eq "$name ($mode): after SIGTERM as many lines left as keepalived 2.2.7 leaves" \
		"${left[sw-$i-ka]:-?}" "${left[sw-$i-lb]:-?}"
done
echo "# t_conf_sweep: $(($(date +%s) - t0)) s"
