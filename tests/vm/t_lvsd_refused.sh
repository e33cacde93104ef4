#!/bin/bash
# t_lvsd_refused.sh - lvsd sends a pass of adds (its start, a reload that
# only adds) in batches; a request the kernel refuses part-way must cost only
# its own object, and the log must say what went in and what did not, as
# for requests sent one by one. Debian's 6.1 kernel has no ip_vs_twos, so a service with
# lb_algo twos is refused (a name keepalived.conf(5) and lvsd accept). The
# other services and their real servers, before and after it, must all be in
# the table, the refusal logged with what was refused, and lvsd running.
# Expected tables are written from the config: NAT is ipvsadm's -m, lb_algo
# its -s, weight its -w.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh

[ -e "/lib/modules/$(uname -r)/kernel/net/netfilter/ipvs/ip_vs_twos.ko" ] &&
	die_suite "refused: this kernel has ip_vs_twos; the test needs a scheduler it lacks"

# vs ADDR SCHED SERVERS...: a NAT service on port 80 without checkers
vs() {
	local addr=$1 sched=$2 n; shift 2
	echo "virtual_server $addr 80 {"
	echo "    lb_algo $sched"
	echo "    lb_kind NAT"
	echo "    protocol TCP"
	for n in "$@"; do
		echo "    real_server 10.254.1.$n 80 {"
		echo "        weight $n"
		echo "    }"
	done
	echo "}"
}
cfg=$WORK/refused.conf
{ vs 10.9.0.1 rr 1 2; vs 10.9.0.2 twos 3; vs 10.9.0.3 wrr 4; } >"$cfg"
start_lvsd -f "$cfg"
t1=$(printf '%s\n' "-A -t 10.9.0.1:80 -s rr" "-a -t 10.9.0.1:80 -r 10.254.1.1:80 -m -w 1" \
	"-a -t 10.9.0.1:80 -r 10.254.1.2:80 -m -w 2" "-A -t 10.9.0.3:80 -s wrr" \
	"-a -t 10.9.0.3:80 -r 10.254.1.4:80 -m -w 4" | sort)
wait_for 15 table_is "$t1"
check_table "start: the services before and after the refused one are in, with every real server" "$t1"
if grep -q "add service tcp/10.9.0.2:80: No such file or directory" "$LVSD_LOG"; then
	ok "start: the refused service is logged with the kernel's reason"
else fail "start: the refused service is logged with the kernel's reason"; show_log "$LVSD_LOG"; fi
if grep -q "added service tcp/10.9.0.1:80" "$LVSD_LOG" && grep -q "tcp/10.9.0.1:80: added real server 10.254.1.2:80" "$LVSD_LOG" &&
   grep -q "added service tcp/10.9.0.3:80" "$LVSD_LOG" && grep -q "tcp/10.9.0.3:80: added real server 10.254.1.4:80" "$LVSD_LOG" &&
   ! grep -q "added service tcp/10.9.0.2:80" "$LVSD_LOG"; then
	ok "start: each add is logged as it went, the refused one not as added"
else fail "start: each add is logged as it went, the refused one not as added"; show_log "$LVSD_LOG"; fi
check_cmd "start: lvsd runs on" kill -0 "$lvsd_pid"

# A reload that only adds: a new service with two real servers, in one batch.
{ vs 10.9.0.1 rr 1 2; vs 10.9.0.2 twos 3; vs 10.9.0.3 wrr 4; vs 10.9.0.4 rr 5 6; } >"$cfg"
kill -HUP "$lvsd_pid"
t2=$(printf '%s\n' "$t1" "-A -t 10.9.0.4:80 -s rr" "-a -t 10.9.0.4:80 -r 10.254.1.5:80 -m -w 5" \
	"-a -t 10.9.0.4:80 -r 10.254.1.6:80 -m -w 6" | sort)
wait_for 15 table_is "$t2"
check_table "reload: the added service and its real servers are in, the rest unchanged" "$t2"
if grep -q "added service tcp/10.9.0.4:80" "$LVSD_LOG" && grep -q "tcp/10.9.0.4:80: added real server 10.254.1.6:80" "$LVSD_LOG"; then
	ok "reload: each batched add is logged as one sent alone would be"
else fail "reload: each batched add is logged as one sent alone would be"; show_log "$LVSD_LOG"; fi

check_cmd "SIGTERM stops lvsd" stop_lvsd
check_eq "lvsd removed what it added" "" "$(table)"
