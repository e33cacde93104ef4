#!/bin/bash
# t_traffic_nat.sh - lvsd as seed 004's VS/NAT director with real traffic: a
# client's requests through the VIP are answered by web servers in
# namespaces, each answering its own address (tests/vm/traffic_lib.sh), in
# the proportions of the scheduler lvsd programmed:
#   rr            exactly half each, alternating (sequential connections);
#   wrr 2:1       seed 004's weights, 2/3 and 1/3 of the requests, +-5%;
#   persistence   each client address stays on one server, the kernel's
#                 persistence templates (read with the real ipvsadm) agree
#                 with what the client saw, new addresses still alternate;
#   mh            100 client addresses map to the servers exactly as they do
#                 on the same table programmed with the real ipvsadm, and
#                 adding a third server moves few flows.
# The expected tables come from seed 004's own ipvsadm commands
# (tests/fixtures/ipvsadm/seed004-nat.cmds) run with the real ipvsadm; the
# expected shares from arithmetic on the weights; the mh mapping from traffic
# through the table the real ipvsadm programmed. Each change of config is a
# SIGHUP to the running lvsd.
cd "$(dirname "$0")/../.." || exit 2
t0=$SECONDS
. tests/vm/lvsd_lib.sh
. tests/vm/traffic_lib.sh

fx=tests/fixtures/ipvsadm/seed004-nat.cmds
A=192.168.1.100 B=192.168.1.200 C=192.168.1.150
grep -q '^ip_vs_mh ' /proc/modules || modprobe ip_vs_mh ||
	die_suite "traffic: the kernel's mh scheduler (ip_vs_mh) does not load"

nat_network || die_suite "traffic: cannot build the NAT network"
for a in $A $B $C; do
	nat_rs $a && serve $a 80 || die_suite "traffic: web server $a does not answer"
done
SRC100=$(client_sources 100) ||
	die_suite "traffic: cannot give the client its source addresses"
SRC9=$(echo "$SRC100" | cut -d, -f1-9)

# conf ALGO PERSISTENCE ADDR:WEIGHT...: seed 004's virtual service written as a
# keepalived.conf (rr with $A and $B at weight 1 is the seed's own table).
cfg=$WORK/lvsd.conf
conf() {
	local algo=$1 persist=$2 s; shift 2
	echo "virtual_server $VIP 80 {"
	echo "    lb_algo $algo"
	echo "    lb_kind NAT"
	[ "$persist" = 0 ] || echo "    persistence_timeout $persist"
	echo "    protocol TCP"
	for s in "$@"; do
		echo "    real_server ${s%:*} 80 {"
		echo "        weight ${s#*:}"
		echo "    }"
	done
	echo "}"
}

# ---- the oracle: seed 004's commands and the mh tables, with the real ipvsadm
run_ipvsadm() {
	local line
	while read -r line; do
		# shellcheck disable=SC2086
		"$IPVSADM" $line || return 1
	done
}
grep -E '^-(A|a) ' "$fx" | head -3 | run_ipvsadm || die_suite "traffic: seed 004's -A/-a fail with the real ipvsadm"
t_rr=$(table)
grep -E '^-(e|E) ' "$fx" | head -2 | run_ipvsadm || die_suite "traffic: seed 004's -e/-E fail with the real ipvsadm"
t_wrr=$(table)
"$IPVSADM" -E -t $VIP:80 -s rr -p 50 && "$IPVSADM" -e -t $VIP:80 -r $A:80 -m -w 1 || die_suite "traffic: ipvsadm -E -p"
t_persist=$(table)
"$IPVSADM" -C
"$IPVSADM" -A -t $VIP:80 -s mh && "$IPVSADM" -a -t $VIP:80 -r $A:80 -m -w 1 &&
	"$IPVSADM" -a -t $VIP:80 -r $B:80 -m -w 1 || die_suite "traffic: ipvsadm cannot program mh"
t_mh2=$(table)
client_get --src "$SRC100" >"$WORK/oracle-mh2"
"$IPVSADM" -a -t $VIP:80 -r $C:80 -m -w 1 || die_suite "traffic: ipvsadm -a $C"
t_mh3=$(table)
client_get --src "$SRC100" >"$WORK/oracle-mh3"
"$IPVSADM" -C
echo "# the real ipvsadm, mh with $A $B: $(tally "$WORK/oracle-mh2")"
echo "# the real ipvsadm, mh with $A $B $C: $(tally "$WORK/oracle-mh3")"
for f in oracle-mh2 oracle-mh3; do
	[ "$(grep -c " 192.168.1.[0-9]*$" "$WORK/$f")" = 100 ] ||
		die_suite "traffic: not all 100 requests through the real ipvsadm's mh table were answered ($f: $(tally "$WORK/$f"))"
done

# ---- rr: seed 004's table
conf rr 0 $A:1 $B:1 >"$cfg"
start_lvsd -f "$cfg" || die_suite "traffic: lvsd did not start"
wait_for 20 table_is "$t_rr"
check_table "rr: lvsd programs what seed 004's ipvsadm commands program" "$t_rr"
client_get --count 20 >"$WORK/rr"
echo "# rr, 20 requests: $(tally "$WORK/rr")"
check_eq "rr: 20 requests, 10 answered by each server" "10 10" \
	"$(count_answers "$WORK/rr" $A) $(count_answers "$WORK/rr" $B)"
check_eq "rr: the answers alternate" 0 "$(awk 'NR > 1 && $2 == prev { n++ } { prev = $2 } END { print n + 0 }' "$WORK/rr")"

# ---- wrr: seed 004's edit (-e -w 2, -E -s wrr), as a reload
conf wrr 0 $A:2 $B:1 >"$cfg"
kill -HUP "$lvsd_pid"
wait_for 20 table_is "$t_wrr"
check_table "wrr: after SIGHUP lvsd's table is seed 004's after its -e and -E" "$t_wrr"
client_get --count 60 >"$WORK/wrr"
echo "# wrr 2:1, 60 requests: $(tally "$WORK/wrr")"
na=$(count_answers "$WORK/wrr" $A) nb=$(count_answers "$WORK/wrr" $B)
# weight 2 of 3: 40 of 60, weight 1: 20; tolerance 5% of the requests (3).
if [ "$((na + nb))" = 60 ] && [ "$na" -ge 37 ] && [ "$na" -le 43 ] && [ "$nb" -ge 17 ] && [ "$nb" -le 23 ]; then
	ok "wrr: weights 2:1 give $na:$nb of 60 requests (40:20 +-3)"
else
	fail "wrr: weights 2:1 give $na:$nb of 60 requests (want 40:20 +-3, every request answered)"
fi

# ---- persistence: persistence_timeout 50 (seed 000's value) with rr
conf rr 50 $A:1 $B:1 >"$cfg"
kill -HUP "$lvsd_pid"
wait_for 20 table_is "$t_persist"
check_table "persistence: lvsd's table has -p 50, as ipvsadm -E -p 50 gives" "$t_persist"
client_get --src "$SRC9" --count 3 >"$WORK/persist"
echo "# persistence, 9 client addresses x 3 requests: $(tally "$WORK/persist")"
# Per client address, how many different servers answered it. Plain rr
# would move each of the 9 (an odd number) to the other server every round.
flappers=$(awk '{ seen[$1 " " $2] = 1 } END { for (k in seen) { split(k, f, " "); n[f[1]]++ } for (s in n) if (n[s] != 1) print s }' "$WORK/persist")
check_eq "persistence: each of 9 client addresses stays on one server for its 3 requests" "" "$flappers"
# New addresses still go round robin: 5 to one server, 4 to the other.
check_eq "persistence: the 9 addresses' templates go round robin (15 and 12 requests)" "12 15" \
	"$(printf '%s\n' "$(count_answers "$WORK/persist" $A)" "$(count_answers "$WORK/persist" $B)" | sort -n | paste -sd' ')"
# The kernel's persistence templates, read with the real ipvsadm (source
# port 0): client address -> real server, the pairs the client saw.
templates=$("$IPVSADM" -Lnc | awk '$1 == "TCP" && $4 ~ /:0$/ { split($4, s, ":"); split($6, d, ":"); print s[1], d[1] }' | sort)
seen=$(awk '{ print $1, $2 }' "$WORK/persist" | sort -u)
check_eq "persistence: ipvsadm -Lnc lists one template per client address, to the server that answered it" "$seen" "$templates"

# ---- mh: the same mapping as the real ipvsadm's table, before and after a server is added
conf mh 0 $A:1 $B:1 >"$cfg"
kill -HUP "$lvsd_pid"
wait_for 20 table_is "$t_mh2"
check_table "mh: lvsd's table is the one the real ipvsadm programmed" "$t_mh2"
client_get --src "$SRC100" >"$WORK/mh2"
echo "# mh with $A $B, 100 client addresses: $(tally "$WORK/mh2")"
if cmp -s "$WORK/oracle-mh2" "$WORK/mh2"; then
	ok "mh: 100 client addresses map to the servers as on the real ipvsadm's table"
else
	fail "mh: 100 client addresses map to the servers as on the real ipvsadm's table"
	diff "$WORK/oracle-mh2" "$WORK/mh2" | head -10 | sed 's/^/#   /'
fi
conf mh 0 $A:1 $B:1 $C:1 >"$cfg"
kill -HUP "$lvsd_pid"
wait_for 20 table_is "$t_mh3"
check_table "mh: after SIGHUP $C is added as the real ipvsadm adds it" "$t_mh3"
client_get --src "$SRC100" >"$WORK/mh3"
echo "# mh with $A $B $C, 100 client addresses: $(tally "$WORK/mh3")"
if cmp -s "$WORK/oracle-mh3" "$WORK/mh3"; then
	ok "mh: with $C added, the mapping is the real ipvsadm table's"
else
	fail "mh: with $C added, the mapping is the real ipvsadm table's"
	diff "$WORK/oracle-mh3" "$WORK/mh3" | head -10 | sed 's/^/#   /'
fi
# Flows that changed server: those now on $C are the ones that had to move
# (about a third); Maglev hashing moves few others (its 251-slot lookup
# table is rebuilt, so a handful may). Rehashing modulo the number of
# servers would move about two thirds.
read -r to_c moved_other < <(join <(sort "$WORK/mh2") <(sort "$WORK/mh3") |
	awk -v c=$C '$2 != $3 { if ($3 == c) tc++; else o++ } END { print tc + 0, o + 0 }')
echo "# mh: $to_c of 100 flows moved to $C, $moved_other moved between $A and $B"
if [ "$to_c" -ge 20 ] && [ "$to_c" -le 47 ] && [ "$moved_other" -le 10 ]; then
	ok "mh: adding a third server moves $to_c of 100 flows to it (a third is 33) and $moved_other between the others (at most 10)"
else
	fail "mh: adding a third server moves $to_c of 100 flows to it (want 20..47) and $moved_other between the others (want at most 10)"
fi
check_eq "mh: every request was answered" 0 "$(cat "$WORK/mh2" "$WORK/mh3" | grep -c ' ERR:')"

if stop_lvsd; then ok "SIGTERM stops lvsd"; else fail "SIGTERM stops lvsd"; fi
check_table "after SIGTERM the table is empty" ""
echo "# ($((SECONDS - t0)) s)"
