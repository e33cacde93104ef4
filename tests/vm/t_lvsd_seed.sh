#!/bin/bash
# t_lvsd_seed.sh - lvsd (under its keepalived name, -C: no VRRP) programs IPVS
# from each seed fixture (and tests/vm/conf/lvsd-ports.conf, the real server
# ports keepalived corrects) exactly as the real keepalived 2.2.7 does from the
# same file, with every real server in a network namespace at the fixture's
# address and serving what its checker probes; SIGTERM then removes it all.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh

# The real servers each fixture names, as ADDR:PORT-its-checker-probes.
declare -A servers=(
	[seed000-lvs01]="39.106.40.172:80 39.107.137.111:80"
	[seed000-lvs02]="39.106.40.172:80 39.107.137.111:80"
	[seed002-master]="192.168.25.31:80 192.168.25.32:80"
	[seed002-slave]="192.168.25.31:80 192.168.25.32:80"
	[seed003-node1]="192.168.139.8:80 192.168.139.9:80"
	[seed003-node2]="192.168.139.8:80 192.168.139.9:80"
	[lvsd-ports]="10.9.1.11:8080 10.9.1.11:80 10.9.1.12:80"
)
declare -A seen=()
for name in seed000-lvs01 seed000-lvs02 seed002-master seed002-slave seed003-node1 seed003-node2 lvsd-ports; do
	conf=tests/fixtures/keepalived/$name.conf
	[ -f "$conf" ] || conf=tests/vm/conf/$name.conf
	# A fixture whose virtual_server blocks equal one already checked adds nothing.
	vs_part=$(sed -n '/^virtual_server/,$p' "$conf" | md5sum)
	if [ -n "${seen[$vs_part]:-}" ]; then
		echo "# $name: same virtual_server blocks as ${seen[$vs_part]}, already checked"
		continue
	fi
	seen[$vs_part]=$name
	for s in ${servers[$name]}; do
		addr=${s%:*} port=${s##*:}
		ip netns list | grep -q "^rs-$addr\b" || add_rs "$addr" || die_suite "$name: cannot make namespace for $addr"
		[ -f "$WORK/http-$addr-$port.pid" ] || serve "$addr" "$port" || die_suite "$name: web server $addr:$port does not answer"
	done
	nrs=$(echo ${servers[$name]} | wc -w)
	[ "$name" = lvsd-ports ] && nrs=4 # its table: 2 services and 3 dests

	start_keepalived "$conf"
	if ! wait_for 20 table_has_lines $((nrs + 1)) || ! settle 2; then
		fail "$name: keepalived (the oracle) did not program $nrs real servers"
		show_log "$WORK/keepalived.log"
		stop_keepalived
		continue
	fi
	want=$(table)
	# every server answers its checker, so the oracle's table must stay whole
	check_eq "$name: keepalived 2.2.7 (the oracle) keeps every server in its table" "$((nrs + 1)) lines" "$(echo "$want" | grep -c .) lines"
	stop_keepalived
	wait_for 10 table_has_lines 0 || { fail "$name: keepalived left its table behind"; "$IPVSADM" -C; }

	: >"$LVSD_LOG"
	"$BIN/keepalived" -n -l -C -f "$conf" -S daemon -p "$WORK/lvsd.pid" </dev/null >>"$LVSD_LOG" 2>&1 &
	lvsd_pid=$!
	wait_for 20 table_has_lines $((nrs + 1)); settle 2
	check_table "$name: lvsbox keepalived -C programs IPVS exactly as keepalived 2.2.7 does" "$want"
	check_eq "$name: the pid file holds the daemon's pid" "$lvsd_pid" "$(cat "$WORK/lvsd.pid" 2>/dev/null)"
	if stop_lvsd; then ok "$name: SIGTERM stops it"; else fail "$name: SIGTERM does not stop it"; fi
	check_table "$name: after SIGTERM the table is empty again" ""
	"$IPVSADM" -C
done
