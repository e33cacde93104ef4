#!/bin/bash
# t_lvsd_kernel_settings.sh - the IPVS-wide keywords of global_defs, with
# keepalived 2.2.7 on the same config as the oracle and the real ipvsadm
# reading the kernel: lvs_timeouts set at start and on reload (a value not
# written goes back to what the kernel had at start; timeouts changed by
# hand are put back by a reload), lvs_flush removing a
# service nobody configured at start, lvs_flush_on_stop removing everything
# on stop, and lvs_flush_on_stop VS removing only the configured services.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh

conf=$WORK/ks.conf
# write_conf GLOBAL_LINES...: a NAT service with one real server and no checker
write_conf() {
	{
		echo "global_defs {"
		for l in "$@"; do echo "    $l"; done
		echo "}"
		cat <<'CONF'
virtual_server 10.9.9.9 80 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.254.1.1 80 {
        weight 1
    }
}
CONF
	} >"$conf"
}
foreign() {
	"$IPVSADM" -A -t 10.99.0.1:81 -s rr && "$IPVSADM" -a -t 10.99.0.1:81 -r 10.99.0.2:81 -m
}
timeouts() { "$IPVSADM" -L --timeout; }
has_ours() { table | grep -q -- "-A -t 10.9.9.9:80"; }
has_foreign() { table | grep -q -- "-A -t 10.99.0.1:81"; }
timeouts_are() { [ "$(timeouts)" = "$1" ]; }
weight_is() { table | grep -q -- "-r 10.254.1.1:80 -m -w $1$"; }
start_ka_full() {
	"$KEEPALIVED" -n -l -C -f "$conf" -p "$WORK/ka.pid" -c "$WORK/kac.pid" </dev/null >>"$WORK/keepalived.log" 2>&1 &
	ka_pid=$!
}

# --- the oracle: keepalived 2.2.7 ---
write_conf lvs_flush "lvs_timeouts tcp 1000 tcpfin 30 udp 40" lvs_flush_on_stop
foreign || die_suite "cannot add the foreign service with ipvsadm"
start_ka_full
wait_for 20 has_ours && settle 2
ka_table=$(table)
ka_timeouts=$(timeouts)
write_conf lvs_flush "lvs_timeouts tcp 2000" lvs_flush_on_stop
kill -HUP "$ka_pid"
wait_for 15 bash -c "! $IPVSADM -L --timeout | grep -q ' 1000 '"
sleep 2
ka_reload_timeouts=$(timeouts)
# timeouts changed by hand, then a reload that changes only a weight
"$IPVSADM" --set 5 5 5
sed -i 's/weight 1$/weight 2/' "$conf"
kill -HUP "$ka_pid"
wait_for 15 weight_is 2
sleep 2
ka_hand_timeouts=$(timeouts)
stop_keepalived
ka_stop_table=$(table)
check_eq "oracle: keepalived's lvs_flush removed the foreign service" "0" "$(grep -c 10.99.0.1 <<<"$ka_table")"
check_eq "oracle: keepalived sets lvs_timeouts" "Timeout (tcp tcpfin udp): 1000 30 40" "$ka_timeouts"
check_eq "oracle: keepalived's lvs_flush_on_stop leaves an empty table" "" "$ka_stop_table"
echo "# keepalived after a reload to 'lvs_timeouts tcp 2000': $ka_reload_timeouts"
echo "# keepalived after 'ipvsadm --set 5 5 5' and a reload of a weight: $ka_hand_timeouts"
"$IPVSADM" -C
"$IPVSADM" --set 900 120 300

# --- lvsd on the same configs ---
write_conf lvs_flush "lvs_timeouts tcp 1000 tcpfin 30 udp 40" lvs_flush_on_stop
foreign || die_suite "cannot add the foreign service with ipvsadm"
start_lvsd -f "$conf" || { show_log "$LVSD_LOG"; die_suite "lvsd does not start"; }
wait_for 20 has_ours && settle 2
check_table "lvs_flush: lvsd's table at start is keepalived's (the foreign service flushed)" "$ka_table"
check_eq "lvs_timeouts: ipvsadm -L --timeout shows what keepalived sets" "$ka_timeouts" "$(timeouts)"

write_conf lvs_flush "lvs_timeouts tcp 2000" lvs_flush_on_stop
kill -HUP "$lvsd_pid"
if wait_for 15 timeouts_are "$ka_reload_timeouts"; then
	ok "reload to 'lvs_timeouts tcp 2000': the timeouts keepalived has after the same reload"
else
	fail "reload to 'lvs_timeouts tcp 2000': the timeouts keepalived has after the same reload"
	echo "#   expected: $ka_reload_timeouts"; echo "#   actual:   $(timeouts)"; show_log "$LVSD_LOG"
fi
"$IPVSADM" --set 5 5 5
sed -i 's/weight 1$/weight 2/' "$conf"
kill -HUP "$lvsd_pid"
wait_for 15 weight_is 2
check_cmd "a reload of a weight alone is read in pieces" grep -q "1 of them changed (read alone)" "$LVSD_LOG"
check_eq "timeouts set by hand, then a reload of a weight: the timeouts keepalived has after it" \
	"$ka_hand_timeouts" "$(timeouts)"
foreign
sleep 3
has_foreign && ok "while running, lvsd leaves a foreign service alone (lvs_flush acts at start only)" ||
	fail "while running, lvsd leaves a foreign service alone (lvs_flush acts at start only)"
if stop_lvsd; then ok "SIGTERM stops lvsd"; else fail "SIGTERM stops lvsd"; fi
check_table "lvs_flush_on_stop: the table is empty after lvsd stops, foreign service included" ""

# --- lvs_flush_on_stop VS: only the configured services go ---
write_conf "lvs_flush_on_stop VS"
foreign
: >"$LVSD_LOG"
start_lvsd -f "$conf" || die_suite "lvsd does not start"
wait_for 20 has_ours && settle 2
has_foreign && ok "without lvs_flush a foreign service stays at start" ||
	fail "without lvs_flush a foreign service stays at start"
if stop_lvsd; then ok "SIGTERM stops lvsd"; else fail "SIGTERM stops lvsd"; fi
check_eq "lvs_flush_on_stop VS: after stop only the foreign service is left" \
	"$(printf '%s\n' "-A -t 10.99.0.1:81 -s rr" "-a -t 10.99.0.1:81 -r 10.99.0.2:81 -m -w 1" | sort)" "$(table)"
