#!/bin/bash
# vrrp_failover.sh - failover benchmark, vrrpd beside keepalived on the same
# namespace topology and config (tests/net/netns.sh): two routers (priority
# 150 and 100, VRRPv3) and a client pinging the VIP at 1,000 packets/s.
#   gap     longest interval between two consecutive replies the client saw
#           while the master died (nb_crash: frozen, link cut, kill -9, as
#           a dead box, right after one of its adverts: the worst phase, so
#           both implementations are measured at the same one) or stopped
#           gracefully, at advert_int 1, 0.1 and 0.05 s;
#           targets: kill <= 3 x advert + skew + 20 ms, stop <= skew + 20 ms
#   memory  resident set of the VRRP process with 10 instances
#   cpu     CPU time of master and backup with 100 instances at 0.05 s
# A figure, not a test: it prints, it does not pass or fail.
# BENCH_REPEAT=N repeats each gap measurement (default 1) and prints the worst.
# BENCH_ADVERTS="1 0.1 0.05" and BENCH_IMPLS="vrrpd keepalived" pick cases.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
[ "$(id -u)" = 0 ] || { echo "bench: needs root for network namespaces" >&2; exit 1; }
toolchain/deps.sh net >/dev/null || exit 1
[ -x "$VRRPD" ] || { echo "bench: $VRRPD not built (make)" >&2; exit 1; }
nb_tools || exit 1
if [ ! -x "$NB_TOOLS/after_advert" ] || [ tests/bench/after_advert.c -nt "$NB_TOOLS/after_advert" ]; then
	gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o "$NB_TOOLS/after_advert" tests/bench/after_advert.c || exit 1
fi
nb_setup 2 || exit 1
REPEAT=${BENCH_REPEAT:-1}
ADVERTS=${BENCH_ADVERTS:-"1 0.1 0.05"}
IMPLS=${BENCH_IMPLS:-"vrrpd keepalived"}
VIP=$NB_NET.100

write_confs() { # write_confs ADVERT INSTANCES
	local r prio i
	for r in r1 r2; do
		[ $r = r1 ] && prio=150 || prio=100
		for i in $(seq 1 "$2"); do
			NB_VERSION=3 NB_ADVERT=$1 nb_instance "VI_$i" "$i" "$prio" "$NB_NET.$((19 + i))/24"
		done >"$NB_WORK/$r.conf"
	done
}

stop_all() {
	nb_killall r1 TERM; nb_killall r2 TERM
	nb_wait_gone r1 3 || nb_killall r1 KILL
	nb_wait_gone r2 3 || nb_killall r2 KILL
	ip -n "$(nb_ns r1)" link set eth0 up
	ip -n "$(nb_ns r1)" addr flush dev eth0 to "$NB_NET.0/24" scope global 2>/dev/null
	ip -n "$(nb_ns r1)" addr add "$NB_NET.11/24" dev eth0
}

# gap IMPL ADVERT kill|stop: prints the gap in ms (or "-" when no master came up)
gap() {
	local impl=$1 adv=$2 action=$3 secs
	NB_VERSION=3 NB_ADVERT=$adv nb_instance VI_1 51 150 "$VIP/24" >"$NB_WORK/r1.conf"
	NB_VERSION=3 NB_ADVERT=$adv nb_instance VI_1 51 100 "$VIP/24" >"$NB_WORK/r2.conf"
	nb_daemon r1 "$impl" "$NB_WORK/r1.conf"
	nb_daemon r2 "$impl" "$NB_WORK/r2.conf"
	if ! nb_wait_holders "$VIP" r1 10; then stop_all; echo "-"; return; fi
	sleep "$(awk -v a="$adv" 'BEGIN { print a * 2 + 0.5 }')"
	secs=$(awk -v a="$adv" 'BEGIN { print a * 3 + 2.5 }')
	nb_exec c chrt -f 10 "$NB_TOOLS/vipping" -r 1000 -d "$secs" "$VIP" >"$NB_WORK/ping.out" &
	local ping=$!
	sleep 1
	case "$action" in
	kill)
		# freeze r1 right after one of its adverts: the worst phase, the
		# same for every implementation (see after_advert.c)
		nb_exec c "$NB_TOOLS/after_advert" -t 5 "$NB_IFNAME" "$NB_NET.11" $(ip netns pids "$(nb_ns r1)")
		nb_crash r1 ;;
	stop) nb_kill r1 TERM ;;
	esac
	wait "$ping"
	stop_all
	local g late
	g=$(sed -n 's/.*gap_ms=\([0-9]*\).*/\1/p' "$NB_WORK/ping.out")
	late=$(sed -n 's/.*late_ms=\([0-9]*\).*/\1/p' "$NB_WORK/ping.out")
	# "!" marks a run in which the prober itself fell behind: a busy machine.
	if [ "${late:-999}" -gt 20 ]; then echo "$g!"; else echo "$g"; fi
}

worst_gap() {
	local worst=- g n
	for n in $(seq 1 "$REPEAT"); do
		g=$(gap "$@")
		[ "$g" = - ] && { worst=-; break; }
		if [ "$worst" = - ] || [ "${g%!}" -gt "${worst%!}" ]; then worst=$g; fi
	done
	echo "$worst"
}

# vrrp_pid NAME IMPL: the process that runs VRRP (keepalived's VRRP child).
vrrp_pid() {
	if [ "$2" = keepalived ]; then cat "$NB_WORK/$1.d.vrrp.pid" 2>/dev/null; else cat "$NB_WORK/$1.d.pid"; fi
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }

echo "# VRRP failover benchmark: vrrpd ($VRRPD) vs keepalived $(keepalived -v 2>&1 | head -1 | awk '{print $2}')"
echo "# client ping stream 1000/s to the VIP; VRRPv3; backup priority 100; worst of $REPEAT"
printf '%-8s %-8s %10s' advert event target_ms
for impl in $IMPLS; do printf ' %12s' "${impl}_ms"; done
echo
for adv in $ADVERTS; do
	adv_ms=$(awk -v a="$adv" 'BEGIN { printf "%d", a * 1000 }')
	skew_ms=$(awk -v a="$adv_ms" 'BEGIN { printf "%d", (256 - 100) * a / 256 }')
	for action in kill stop; do
		if [ $action = kill ]; then target=$((3 * adv_ms + skew_ms + 20)); label="kill -9"
		else target=$((skew_ms + 20)); label="stop"; fi
		printf '%-8s %-8s %10s' "$adv" "$label" "$target"
		for impl in $IMPLS; do printf ' %12s' "$(worst_gap "$impl" "$adv" "$action")"; done
		echo
	done
done

echo "# (a gap marked ! was measured while the prober fell more than 20 ms behind)"
echo
echo "# resident memory of the VRRP process, 10 instances at advert_int 0.05 (master)"
write_confs 0.05 10
for impl in $IMPLS; do
	nb_daemon r1 "$impl" "$NB_WORK/r1.conf"
	nb_wait_holders "$NB_NET.29" r1 10
	sleep 1
	printf '%-12s RSS %6s kB\n' "$impl" "$(rss_kb "$(vrrp_pid r1 "$impl")")"
	stop_all
done

echo
echo "# CPU with 100 instances at advert_int 0.05 (2,000 adverts/s), 10 s after they settled"
write_confs 0.05 100
hz=$(getconf CLK_TCK)
for impl in $IMPLS; do
	nb_daemon r1 "$impl" "$NB_WORK/r1.conf"
	nb_daemon r2 "$impl" "$NB_WORK/r2.conf"
	nb_wait_holders "$NB_NET.119" r1 15
	sleep 2
	p1=$(vrrp_pid r1 "$impl"); p2=$(vrrp_pid r2 "$impl")
	a1=$(cpu_ticks "$p1"); a2=$(cpu_ticks "$p2")
	sleep 10
	b1=$(cpu_ticks "$p1"); b2=$(cpu_ticks "$p2")
	masters=$(ip -n "$(nb_ns r1)" -4 -o addr show dev eth0 | grep -c "$NB_NET\.\(2[0-9]\|[3-9][0-9]\|1[01][0-9]\)/")
	awk -v i="$impl" -v m1="$a1" -v m2="$b1" -v s1="$a2" -v s2="$b2" -v hz="$hz" -v n="$masters" -v r="$(rss_kb "$p1")" \
		'BEGIN { printf "%-12s master %5.1f%% CPU  backup %5.1f%% CPU  (%d of 100 VIPs on the master, master RSS %s kB)\n", i, (m2 - m1) * 100 / hz / 10, (s2 - s1) * 100 / hz / 10, n, r }'
	stop_all
done
