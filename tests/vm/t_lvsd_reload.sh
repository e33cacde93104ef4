#!/bin/bash
# t_lvsd_reload.sh - lvsd on a NAT director with traffic: a SIGHUP that adds,
# removes and re-weights one real server each changes only those (the others
# keep their connection counters and their open connections), a config that
# does not parse, is empty or is a directory keeps everything, a service lvsd did not create is never
# touched, inhibit_on_failure keeps a dead server at weight 0, and SIGTERM
# removes what lvsd added. A real server added by hand to lvsd's service
# stays through passes and reloads. Expected tables are written from keepalived.conf(5):
# NAT is ipvsadm's -m, lb_algo its -s, weight its -w.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh

vip=10.0.1.1
nat_bed $vip 11 12 13 14 || die_suite "reload: cannot build the client and real-server namespaces"
for n in 11 12 13 14; do serve 10.0.2.$n 80 || die_suite "reload: web server 10.0.2.$n does not answer"; done

# conf WEIGHT12 SERVERS...: the config, 10.0.2.12 with inhibit_on_failure.
conf() {
	local w12=$1 n; shift
	echo "virtual_server $vip 80 {"
	echo "    delay_loop 1"
	echo "    lb_algo rr"
	echo "    lb_kind NAT"
	echo "    protocol TCP"
	for n in "$@"; do
		echo "    real_server 10.0.2.$n 80 {"
		if [ "$n" = 12 ]; then echo "        weight $w12"; echo "        inhibit_on_failure"; else echo "        weight 1"; fi
		echo "        TCP_CHECK {"
		echo "            connect_timeout 1"
		echo "            retry 0"
		echo "            delay_before_retry 1"
		echo "        }"
		echo "    }"
	done
	echo "}"
}
cfg=$WORK/lvsd.conf
conf 1 11 12 13 >"$cfg"

# A service of someone else's, there before lvsd starts.
"$IPVSADM" -A -t 10.9.9.9:80 -s rr
"$IPVSADM" -a -t 10.9.9.9:80 -r 10.0.2.11:80 -m -w 5
foreign=$("$IPVSADM" -S -n | grep 10.9.9.9)

start_lvsd -f "$cfg" || die_suite "reload: lvsd did not start"
t1=$(printf '%s\n' "$foreign" "-A -t $vip:80 -s rr" \
	"-a -t $vip:80 -r 10.0.2.11:80 -m -w 1" "-a -t $vip:80 -r 10.0.2.12:80 -m -w 1" \
	"-a -t $vip:80 -r 10.0.2.13:80 -m -w 1" | sort)
wait_for 20 table_is "$t1"
check_table "lvsd programs the NAT service and leaves the foreign one as it was" "$t1"

# Traffic: six finished requests, then three connections held open.
for _ in 1 2 3 4 5 6; do ip netns exec cl curl -s -o /dev/null --max-time 3 "http://$vip/"; done
for _ in 1 2 3; do
	ip netns exec cl socat -u TCP:$vip:80 /dev/null </dev/null >/dev/null 2>&1 &
	bg_pids+=($!)
done
# The column col of real server rs under service vs (the foreign service lists 10.0.2.11 too).
in_vip='$1 == "TCP" || $1 == "UDP" || $1 == "FWM" { svc = $2 } svc == vs && $2 == rs { print $col }'
# Counts are read once all nine connections are in (under a loaded host the
# held ones can take seconds to open): 3 per server, one of them open.
all_in() {
	local rs
	for rs in 10.0.2.11 10.0.2.12 10.0.2.13; do
		[ "$("$IPVSADM" -Ln --stats | awk -v vs="$vip:80" -v rs="$rs:80" -v col=3 "$in_vip")" = 3 ] || return 1
		[ "$("$IPVSADM" -Ln | awk -v vs="$vip:80" -v rs="$rs:80" -v col=5 "$in_vip")" = 1 ] || return 1
	done
}
wait_for 20 all_in || echo "# not every connection arrived within 20 s"
# conns_active ADDR: "Conns ActiveConn" of that real server, from the real ipvsadm.
conns_active() {
	local c a
	c=$("$IPVSADM" -Ln --stats | awk -v vs="$vip:80" -v rs="$1:80" -v col=3 "$in_vip")
	a=$("$IPVSADM" -Ln | awk -v vs="$vip:80" -v rs="$1:80" -v col=5 "$in_vip")
	echo "$c $a"
}
before11=$(conns_active 10.0.2.11) before12=$(conns_active 10.0.2.12)
echo "# before the reload: 10.0.2.11 conns/active $before11, 10.0.2.12 $before12"
[ "${before11%% *}" -gt 0 ] 2>/dev/null && [ "${before11##* }" -gt 0 ] 2>/dev/null ||
	fail "traffic reached 10.0.2.11 (conns and an open connection)"

# A real server added by hand to lvsd's service (weight 0: no traffic goes
# there) is not lvsd's: the passes that dump the table every 2 s leave it.
hand="-a -t $vip:80 -r 10.0.2.99:80 -m -w 0"
$IPVSADM $hand
sleep 5
check_table "a real server added by hand to lvsd's service stays over the periodic passes" \
	"$(printf '%s\n' "$t1" "$hand" | sort)"

# Reload: 10.0.2.12 weight 3, 10.0.2.13 out, 10.0.2.14 in; the one added
# by hand stays until lvsd removes the whole service at its stop.
conf 3 11 12 14 >"$cfg"
kill -HUP "$lvsd_pid"
t2=$(printf '%s\n' "$foreign" "-A -t $vip:80 -s rr" \
	"-a -t $vip:80 -r 10.0.2.11:80 -m -w 1" "-a -t $vip:80 -r 10.0.2.12:80 -m -w 3" \
	"-a -t $vip:80 -r 10.0.2.14:80 -m -w 1" "$hand" | sort)
wait_for 20 table_is "$t2"
check_table "SIGHUP: 10.0.2.13 removed, 10.0.2.14 added, 10.0.2.12 re-weighted, the one added by hand kept" "$t2"
check_eq "10.0.2.11 untouched by the reload: same conns and open connections" "$before11" "$(conns_active 10.0.2.11)"
after12=$(conns_active 10.0.2.12)
check_eq "10.0.2.12 edited in place, not re-created: same conns and open connections" "$before12" "$after12"
grep -q "removed 10.0.2.13:80" "$LVSD_LOG" && ok "the removal is logged" || fail "the removal is logged"
# Only the virtual server's block changed, with as many lines: it alone is read again.
grep -q "1 of them changed (read alone)" "$LVSD_LOG" && ok "the changed virtual server alone is read again" ||
	{ fail "the changed virtual server alone is read again"; show_log "$LVSD_LOG"; }

# A config that does not parse: everything stays, the reason names file:line.
cp "$cfg" "$WORK/good.conf"
printf 'virtual_server %s 80 {\n    lb_algo rr\n    real_server 10.0.2.11 {\n' $vip >"$cfg"
kill -HUP "$lvsd_pid"
wait_for 10 grep -q "keeping the running config" "$LVSD_LOG"
check_table "a broken config on SIGHUP changes nothing" "$t2"
grep -q "$cfg:[0-9]" "$LVSD_LOG" && ok "the broken config's error names $cfg:LINE" ||
	{ fail "the broken config's error names $cfg:LINE"; show_log "$LVSD_LOG"; }
check_cmd "lvsd still runs after the broken config" kill -0 "$lvsd_pid"

# A config caught empty (a truncated write) or turned into a directory: the
# running config stays, the IPVS table with it, and the log says why.
: >"$cfg"
kill -HUP "$lvsd_pid"
wait_for 10 grep -q "reload: $cfg is empty" "$LVSD_LOG" && ok "an empty config on SIGHUP is refused, and the log says why" ||
	{ fail "an empty config on SIGHUP is refused, and the log says why"; show_log "$LVSD_LOG"; }
sleep 2
check_table "an empty config on SIGHUP leaves the IPVS table as it was" "$t2"
rm -f "$cfg" && mkdir "$cfg"
kill -HUP "$lvsd_pid"
wait_for 10 grep -q "reload: $cfg is a directory" "$LVSD_LOG" && ok "a directory as config on SIGHUP is refused, and the log says why" ||
	{ fail "a directory as config on SIGHUP is refused, and the log says why"; show_log "$LVSD_LOG"; }
check_table "a directory as config on SIGHUP leaves the IPVS table as it was" "$t2"
rmdir "$cfg"
cp "$WORK/good.conf" "$cfg"

# inhibit_on_failure: 10.0.2.12 stops serving and stays with weight 0.
ka_held=$(conns_active 10.0.2.11)
unserve 10.0.2.12 80
t3=$(printf '%s\n' "$t2" | sed "s/-r 10.0.2.12:80 -m -w 3/-r 10.0.2.12:80 -m -w 0/" | sort)
wait_for 20 table_is "$t3"
check_table "inhibit_on_failure: a dead 10.0.2.12 stays in IPVS with weight 0" "$t3"
serve 10.0.2.12 80
wait_for 20 table_is "$t2"
check_table "10.0.2.12 serves again: weight 3 again" "$t2"
check_eq "10.0.2.11 untouched meanwhile" "$ka_held" "$(conns_active 10.0.2.11)"

if stop_lvsd; then ok "SIGTERM stops lvsd"; else fail "SIGTERM stops lvsd"; fi
check_table "SIGTERM removes what lvsd added and only that" "$(printf '%s\n' "$foreign" | sort)"
