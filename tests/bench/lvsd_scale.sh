#!/bin/bash
# lvsd_scale.sh - `make bench-lvsd`: lvsd beside keepalived 2.2.7 on the scale
# config of tests/bench/scale_conf.sh (2,284 virtual servers, 37,294 real
# servers with TCP_CHECK) inside the qemu guest, whose kernel has IPVS. One
# run measures both, one after the other, each in a fresh network namespace
# (IPVS state is per namespace; see bench-guest.sh on the kernel's trash list):
#
#   start-up  seconds from exec to the whole table in IPVS (polled: the last
#             real server of the last virtual server, then every count)
#   memory    VmRSS and VmHWM summed over the daemon's process tree (lvsd +
#             checkd; keepalived's parent + checker child), after the idle window
#   idle CPU  user + system seconds of the tree over IDLE seconds (60) once
#             the table is full, from /proc/PID/stat
#   reload    SIGHUP after the last real server's weight changed in the file:
#             wall time until /proc/net/ip_vs shows it, and the IPVS netlink requests
#             sent meanwhile (an nlmon capture, tests/bench/nl_count.py), with
#             the time from the SIGHUP to the last change request
#   -t        `lvsd -t` and `keepalived -t` on the same file (time, peak memory)
#
# and prints them side by side with lvsd/keepalived and the issue's targets.
# Fails only when a tool fails or the two final tables (ipvsadm -Sn, sorted)
# differ; times are figures, not verdicts.
#
# The real servers answer: 172.16.0.0/12 is routed over a veth to a second
# namespace where the whole range is local and one process accepts on port
# 8080. With delay_loop 6, 37,294 TCP checks are 6,216 connections a second,
# which a TCG-emulated guest cannot carry (keepalived's checker needs about a
# core per 900 checks/s there, docs/checkd.md); every server would time out
# and go, at a different moment for each daemon. So the bench config has
# delay_loop DELAY_LOOP (600): every server is checked and stays up, and the
# idle window measures the daemons rather than the emulated network.
# The checkers themselves are compared in `make bench-checkd`.
#
# Environment: IDLE (60), DELAY_LOOP (600), VS/RS (scale_conf.sh),
# DAEMONS ("keepalived lvsd"), START_MAX (420 s) and RELOAD_MAX (150 s) the
# longest waits for the table and for a reload, VM_TIMEOUT (1200),
# VM_MEM (2G), LVSD (this tree's build), DEBUG=1 (also the daemons' log
# lines around start-up and reload, and a capture check with ipvsadm).
set -u
cd "$(dirname "$0")/../.." || exit 2
IDLE=${IDLE:-60}
DELAY_LOOP=${DELAY_LOOP:-600}
START_MAX=${START_MAX:-420}
RELOAD_MAX=${RELOAD_MAX:-150}
DAEMONS=${DAEMONS:-keepalived lvsd}
LVSD=${LVSD:-$PWD/build/x86_64/bin/lvsd}
HZ=$(getconf CLK_TCK)
ipvsadm=/usr/sbin/ipvsadm
work=/tmp/lvsd-bench

if [ "${1-}" != --guest ]; then
	command -v keepalived >/dev/null || toolchain/deps.sh conf >/dev/null || { echo "bench-lvsd: no keepalived"; exit 2; }
	make -s -j2 all || exit 2
	VM_ENV="DEBUG IDLE DELAY_LOOP START_MAX DAEMONS VS RS LVSD RELOAD_MAX" VM_TIMEOUT=${VM_TIMEOUT:-1200} VM_MEM=${VM_MEM:-2G} \
		exec tests/vm/vm-run.sh tests/bench/lvsd_scale.sh --guest
fi

# ---- inside the guest ----
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
[ -r /proc/net/ip_vs ] || { echo "bench-lvsd: this kernel has no IPVS (run via make bench-lvsd)"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || exit 1
conf=$work/scale.conf
DELAY_LOOP=$DELAY_LOOP tests/bench/scale_conf.sh "$conf" || exit 1
nvs=$(grep -c '^virtual_server' "$conf")
nrs=$(grep -c 'real_server' "$conf")
# The last virtual server and its last real server: both daemons add in the
# config's order, so when that one is in, the rest should be (then counted).
last_vs=$(grep '^virtual_server' "$conf" | tail -1 | awk '{ print $2 ":" $3 }')
last_rs=$(grep 'real_server' "$conf" | tail -1 | awk '{ print $2 ":" $3 }')
last_w=$(grep -n 'weight' "$conf" | tail -1)
last_wline=${last_w%%:*} old_w=${last_w##* }
new_w=$((old_w % 5 + 1))
echo "bench-lvsd: $nvs virtual servers, $nrs real servers, $(wc -c <"$conf") bytes, delay_loop $DELAY_LOOP;" \
	"$(nproc) vCPUs, $(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo)"
failed=0
T0=$(now)
modprobe nlmon 2>/dev/null
ipvs_family=$(genl ctrl get name IPVS 2>/dev/null | awk '/ID:/ { print $2; exit }')
[ -n "$ipvs_family" ] || echo "bench-lvsd: no IPVS generic netlink family id; reload requests not counted"

# tree PID: PID and its descendants.
tree() {
	local p=$1 c
	echo "$p"
	for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree "$c"; done
}
# tree_ticks PID: user + system clock ticks of the tree, reaped children included.
tree_ticks() {
	local t=0 p v
	for p in $(tree "$1"); do
		v=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/"$p"/stat 2>/dev/null) && t=$((t + v))
	done
	echo "$t"
}
# tree_kib PID FIELD: a /proc/PID/status size summed over the tree.
tree_kib() {
	local t=0 p v
	for p in $(tree "$1"); do
		v=$(awk -v f="$2:" '$1 == f { print $2 }' /proc/"$p"/status 2>/dev/null) && t=$((t + ${v:-0}))
	done
	echo "$t"
}

# have_last NS: the last real server is in the last virtual server.
have_last() { ip netns exec "$1" $ipvsadm -Ln -t "$last_vs" 2>/dev/null | grep -q " $last_rs "; }
counts() { ip netns exec "$1" $ipvsadm -Sn 2>/dev/null | awk '/^-A/ { s++ } /^-a/ { d++ } END { print s + 0, d + 0 }'; }
# weight_is NS W: the last real server has weight W. Read from /proc/net/ip_vs
# (addresses and ports in hex), not over netlink, so that polling during the
# reload adds nothing to the request count of the capture.
hexaddr() { local ip=${1%:*}; printf '%02X%02X%02X%02X:%04X' ${ip//./ } "${1##*:}"; }
weight_is() {
	ip netns exec "$1" cat /proc/net/ip_vs 2>/dev/null | awk -v vs="$(hexaddr "$last_vs")" -v rs="$(hexaddr "$last_rs")" -v w="$2" '
		$1 != "->" { in_vs = ($2 == vs) }
		$1 == "->" && in_vs && $2 == rs && $4 == w { f = 1 }
		END { exit !f }'
}

# bed NAME: the daemon's namespace NAME, the real servers' NAME-rs behind a veth.
bed() {
	local ns=$1 rs=$1-rs
	ip netns del "$ns" 2>/dev/null; ip netns del "$rs" 2>/dev/null
	ip netns add "$ns" && ip netns add "$rs" || return 1
	ip -n "$ns" link set lo up && ip -n "$rs" link set lo up
	ip link add bv0 netns "$ns" type veth peer name bv1 netns "$rs" || return 1
	ip -n "$ns" addr add 192.168.99.1/30 dev bv0 && ip -n "$ns" link set bv0 up
	ip -n "$rs" addr add 192.168.99.2/30 dev bv1 && ip -n "$rs" link set bv1 up
	ip -n "$ns" route add 172.16.0.0/12 via 192.168.99.2 || return 1
	ip -n "$rs" route add local 172.16.0.0/12 dev lo || return 1
	ip netns exec "$rs" /usr/bin/python3 -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080))
s.listen(4096)
while True:
    c, _ = s.accept()
    c.close()
' &
	echo $! >"$work/$ns.listener"
	ip -n "$ns" link add nlmon0 type nlmon 2>/dev/null && ip -n "$ns" link set nlmon0 up
	return 0
}

unbed() {
	kill "$(cat "$work/$1.listener")" 2>/dev/null
	ip netns del "$1" 2>/dev/null; ip netns del "$1-rs" 2>/dev/null
}

# run DAEMON: start, memory, idle CPU, reload, the final table; sets R_* figures.
declare -A R
run() {
	local d=$1 ns=lb-$1 pid t0 t1 s n line cnt
	bed "$ns" || { echo "bench-lvsd: cannot build the namespaces for $d"; failed=1; return 1; }
	cp "$conf" "$work/$d.conf" || return 1
	if [ -n "${DEBUG:-}" ]; then
		ip netns exec "$ns" /usr/bin/python3 tests/bench/nl_count.py nlmon0 "$ipvs_family" >"$work/dbg.nl" &
		local np=$!; sleep 2
		ip netns exec "$ns" $ipvsadm -A -t 1.2.3.4:1; ip netns exec "$ns" $ipvsadm -D -t 1.2.3.4:1; sleep 0.5
		kill $np; wait $np; echo "debug nl: fam $ipvs_family $(cat "$work/dbg.nl")"
	fi
	echo "  [$(since "$T0") s] $d starts"
	t0=$(now)
	case $d in
	keepalived)
		ip netns exec "$ns" keepalived -n -l -f "$work/$d.conf" -p "$work/ka.pid" -c "$work/kc.pid" \
			-r "$work/kr.pid" >"$work/$d.log" 2>&1 &
		;;
	lvsd)
		ip netns exec "$ns" "$LVSD" -n -l -f "$work/$d.conf" -S "$work/lvsd.sock" -p "$work/lvsd.pid" \
			>"$work/$d.log" 2>&1 &
		;;
	esac
	pid=$!
	# start-up: poll the cheap probe, then the counts
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "bench-lvsd: $d exited during start-up:"; tail -5 "$work/$d.log"; failed=1; unbed "$ns"; return 1
		fi
		if [ "$(since "$t0" | cut -d. -f1)" -ge "$START_MAX" ]; then
			echo "bench-lvsd: $d: no full table after $START_MAX s ($(counts "$ns"))"; failed=1; break
		fi
		if have_last "$ns"; then
			t1=$(since "$t0")
			cnt=$(counts "$ns")
			[ "$cnt" = "$nvs $nrs" ] && break
		fi
		sleep 0.1
	done
	R[$d.start]=${t1:--}
	[ -n "${DEBUG:-}" ] && { head -3 "$work/$d.log"; tail -3 "$work/$d.log"; grep -v 'starting with\|added' "$work/$d.log" | head -20; }
	echo "  $d: full table ($cnt) after ${t1:--} s; $(tree "$pid" | wc -l) processes"
	# idle CPU over IDLE seconds, then memory
	local c0 c1
	c0=$(tree_ticks "$pid"); sleep "$IDLE"; c1=$(tree_ticks "$pid")
	R[$d.cpu]=$(awk -v t=$((c1 - c0)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')
	R[$d.rss]=$(tree_kib "$pid" VmRSS)
	R[$d.hwm]=$(tree_kib "$pid" VmHWM)
	echo "  $d: idle ${R[$d.cpu]} s CPU in $IDLE s; VmRSS $((R[$d.rss] / 1024)) MiB, VmHWM $((R[$d.hwm] / 1024)) MiB:" \
		$(for p in $(tree "$pid"); do awk '$1 == "Name:" { n = $2 } $1 == "VmRSS:" { r = $2 } $1 == "VmHWM:" { h = $2 }
			END { printf "%s %d/%d ", n, r / 1024, h / 1024 }' /proc/"$p"/status; done)
	ip netns exec "$ns" $ipvsadm -Sn | sort >"$work/$d.table0"
	# reload: one weight changes
	sed -i "${last_wline}s/weight $old_w\$/weight $new_w/" "$work/$d.conf"
	local nlout=$work/$d.nl
	if [ -n "$ipvs_family" ]; then
		ip netns exec "$ns" /usr/bin/python3 tests/bench/nl_count.py nlmon0 "$ipvs_family" "$pid" >"$nlout" &
		local nlpid=$!
		for n in $(seq 100); do grep -q ready "$nlout" 2>/dev/null && break; sleep 0.1; done
	else
		kill -HUP "$pid"
	fi
	t0=$(now)
	t1=
	while [ "$(since "$t0" | cut -d. -f1)" -lt "$RELOAD_MAX" ]; do
		weight_is "$ns" "$new_w" && { t1=$(since "$t0"); break; }
		sleep 0.05
	done
	[ -n "$t1" ] || echo "bench-lvsd: $d: the new weight not in IPVS after $RELOAD_MAX s"
	R[$d.reload]=${t1:->$RELOAD_MAX}
	[ -n "${DEBUG:-}" ] && { sed -n '/reloaded/,$p' "$work/$d.log" | head -20; echo "removed: $(grep -c 'removed\|Removing' "$work/$d.log")," \
		"down: $(grep -c ' down \|failed' "$work/$d.log")"; }
	if [ -n "$ipvs_family" ]; then
		kill "$nlpid"; wait "$nlpid"
		line=$(grep '^sends=' "$nlout" | tail -1)
		for s in sends requests changes reads last_change_ms; do
			R[$d.$s]=$(echo "$line" | tr ' ' '\n' | awk -F= -v k="$s" '$1 == k { print $2 }')
		done
		echo "  $d: reload seen after ${t1:--} s; $line"
	fi
	ip netns exec "$ns" $ipvsadm -Sn | sort >"$work/$d.table"
	kill -9 $(tree "$pid") 2>/dev/null
	wait "$pid" 2>/dev/null
	unbed "$ns"
}

for d in $DAEMONS; do
	run "$d"
done

# -t on the same file, once each (the steadier host figures: make bench-conf)
echo "  [$(since "$T0") s] -t"
for d in keepalived lvsd; do
	bin=keepalived; [ $d = lvsd ] && bin=$LVSD
	/usr/bin/time -o "$work/$d.t" -f '%e %U %S %M' "$bin" -t -f "$conf" >/dev/null 2>"$work/$d.terr"
	rc=$?
	[ "$rc" = 0 ] || { echo "bench-lvsd: $d -t exited $rc:"; head -3 "$work/$d.terr"; failed=1; }
	read -r w u s p <"$work/$d.t"
	R[$d.twall]=$w R[$d.tpeak]=$p
	echo "  [$(since "$T0") s] $d -t: $(cat "$work/$d.t")"
	R[$d.tcpu]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.3f", a / b; else printf "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { if (k ~ /^[0-9]+$/) printf "%.1f", k / 1024; else printf "-" }'; }
row() { printf '  %-34s %12s %12s %8s   %s\n' "$@"; }
echo
echo "  [$(since "$T0") s] done"
row "" keepalived lvsd ratio target
row "start-up to full table, s" "${R[keepalived.start]-}" "${R[lvsd.start]-}" "$(ratio "${R[lvsd.start]-}" "${R[keepalived.start]-}")" "<= 0.3"
row "VmRSS of the tree, MiB" "$(mib "${R[keepalived.rss]-}")" "$(mib "${R[lvsd.rss]-}")" "$(ratio "${R[lvsd.rss]-}" "${R[keepalived.rss]-}")" "<= 0.5"
row "VmHWM of the tree, MiB" "$(mib "${R[keepalived.hwm]-}")" "$(mib "${R[lvsd.hwm]-}")" "$(ratio "${R[lvsd.hwm]-}" "${R[keepalived.hwm]-}")" "<= 0.5"
row "idle CPU s in $IDLE s" "${R[keepalived.cpu]-}" "${R[lvsd.cpu]-}" "$(ratio "${R[lvsd.cpu]-}" "${R[keepalived.cpu]-}")" "<= 1"
row "reload: weight in IPVS after, s" "${R[keepalived.reload]-}" "${R[lvsd.reload]-}" "$(ratio "${R[lvsd.reload]-}" "${R[keepalived.reload]-}")" "< 0.05 s"
row "reload: HUP to last change, ms" "${R[keepalived.last_change_ms]-}" "${R[lvsd.last_change_ms]-}" "$(ratio "${R[lvsd.last_change_ms]-}" "${R[keepalived.last_change_ms]-}")" "< 50 ms"
row "reload: IPVS requests (changes)" "${R[keepalived.requests]-} (${R[keepalived.changes]-})" "${R[lvsd.requests]-} (${R[lvsd.changes]-})" "" "1"
row "reload: sendmsg calls" "${R[keepalived.sends]-}" "${R[lvsd.sends]-}" "" ""
row "-t wall s" "${R[keepalived.twall]-}" "${R[lvsd.twall]-}" "$(ratio "${R[lvsd.twall]-}" "${R[keepalived.twall]-}")" "<= 0.125"
row "-t cpu s" "${R[keepalived.tcpu]-}" "${R[lvsd.tcpu]-}" "$(ratio "${R[lvsd.tcpu]-}" "${R[keepalived.tcpu]-}")" "<= 0.125"
row "-t peak MiB" "$(mib "${R[keepalived.tpeak]-}")" "$(mib "${R[lvsd.tpeak]-}")" "$(ratio "${R[lvsd.tpeak]-}" "${R[keepalived.tpeak]-}")" "<= 0.333"

# compare WHEN SUFFIX: the two daemons' tables (ipvsadm -Sn, sorted).
compare() {
	[ -f "$work/keepalived.$2" ] && [ -f "$work/lvsd.$2" ] || return 0
	if cmp -s "$work/keepalived.$2" "$work/lvsd.$2"; then
		echo "  tables $1: identical (ipvsadm -Sn, sorted; $(grep -c '^-a' "$work/lvsd.$2") real servers)"
	else
		echo "  tables $1: DIFFER (ipvsadm -Sn, sorted)"; failed=1
		diff "$work/keepalived.$2" "$work/lvsd.$2" | head -10
	fi
}
compare "before the reload" table0
case "${R[keepalived.reload]-}${R[lvsd.reload]-}" in
*'>'*) echo "  tables after the reload: not compared (a reload did not finish)" ;;
*) compare "after the reload" table ;;
esac
exit $failed
