#!/bin/bash
# t_traffic_health.sh - health checks under traffic, on seed 004's VS/NAT
# network (tests/vm/traffic_lib.sh), lvsd beside the real keepalived 2.2.7:
#
#   2.2.2.1:80    wrr, A weight 2, B and C weight 1, quorum 3, hysteresis 1,
#                 quorum_up/quorum_down scripts, sorry_server S;
#   2.2.2.1:8080  rr, A and C, inhibit_on_failure.
#
# TCP_CHECK on every real server: delay_loop 1, connect_timeout 1, retry 1,
# delay_before_retry 1, and notify_up/notify_down scripts that tell the test
# when the checker has seen a change. The web servers are stopped and started
# in eight steps that walk the quorum down and up again; after each step the
# IPVS table (read with the real ipvsadm) must be what keepalived 2.2.7 made
# of the same step, and the quorum scripts must have run as keepalived ran
# them. With lvsd, requests through both virtual services after each step
# are answered by exactly the servers the table holds with a weight; a
# stopped server leaves the table within the configured check time
# (delay_loop + (retry + 1) x connect_timeout + retry x delay_before_retry),
# a client streaming requests meanwhile sees no failure once it has left,
# and it is answered by the server again once it is back.
# Already covered elsewhere, not repeated: the sorry server with seed 003's
# config and checkd restarts (t_lvsd_health.sh), inhibit_on_failure across a
# reload (t_lvsd_reload.sh), quorum scripts' users and security
# (tests/net/t_lvsd_quorum_scripts.sh).
cd "$(dirname "$0")/../.." || exit 2
t0=$SECONDS
. tests/vm/lvsd_lib.sh
. tests/vm/traffic_lib.sh

A=192.168.1.100 B=192.168.1.200 C=192.168.1.150 S=192.168.1.250
declare -A name=([$A]=A [$B]=B [$C]=C [$S]=S)
nat_network || die_suite "health: cannot build the NAT network"
for a in $A $B $C $S; do
	nat_rs $a && serve $a 80 || die_suite "health: web server $a does not answer"
done

events=$WORK/events
cat >"$WORK/event.sh" <<EOF
#!/bin/sh
echo "\$*" >>$events
EOF
chmod 755 "$WORK/event.sh"
chmod 755 "$WORK"

check_block() {
	cat <<EOF
        TCP_CHECK {
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
EOF
}
# rs PORT ADDR WEIGHT: a real server of the service on PORT.
rs() {
	echo "    real_server $2 80 {"
	echo "        weight $3"
	echo "        notify_up \"$WORK/event.sh up $1 $2\""
	echo "        notify_down \"$WORK/event.sh down $1 $2\""
	check_block
	echo "    }"
}
cfg=$WORK/health.conf
{
	echo "virtual_server $VIP 80 {"
	echo "    delay_loop 1"
	echo "    lb_algo wrr"
	echo "    lb_kind NAT"
	echo "    protocol TCP"
	echo "    quorum 3"
	echo "    hysteresis 1"
	echo "    quorum_up \"$WORK/event.sh quorum up\""
	echo "    quorum_down \"$WORK/event.sh quorum down\""
	echo "    sorry_server $S 80"
	rs 80 $A 2; rs 80 $B 1; rs 80 $C 1
	echo "}"
	echo "virtual_server $VIP 8080 {"
	echo "    delay_loop 1"
	echo "    lb_algo rr"
	echo "    lb_kind NAT"
	echo "    protocol TCP"
	echo "    inhibit_on_failure"
	rs 8080 $A 1; rs 8080 $C 1
	echo "}"
} >"$cfg"
# The configured time a stopped server may take to leave the table (s).
check_time=$((1 + (1 + 1) * 1 + 1 * 1))

# The steps: live weight on :80 after each, and what keepalived.conf(5)
# says of quorum 3 with hysteresis 1 (gained at >= 4, lost below 2).
steps=(
	"stop $C"  # live 3: quorum stays; C inhibited at weight 0 on :8080
	"start $C" # live 4
	"stop $B"  # live 3
	"stop $C"  # live 2, not below 3 - 1: quorum stays, A alone
	"stop $A"  # live 0: lost, quorum_down, the sorry server alone
	"start $A" # live 2, below 3 + 1: still lost
	"start $B" # live 3, below 3 + 1: still lost (3 would do without hysteresis)
	"start $C" # live 4: gained, quorum_up, all three back
)

# wait_event LINE BEFORE: until LINE is in the events file more than BEFORE times.
event_count() { grep -cx "$1" "$events" 2>/dev/null; }
wait_event() {
	local line=$1 times=$2
	wait_for 20 eval '[ "$(event_count "$line")" -gt "$times" ]'
}

# burst PORT N: N requests to the VIP on PORT; checks that they are answered
# by exactly the servers the kernel's table holds there with a weight. The
# streaming client shares the scheduler's turns, and can take every turn of
# a low-weight server during one burst: a burst that misses a server (and
# reaches none outside the table) is sent again, three times at most.
burst() {
	local port=$1 n=$2 what=$3 want got try
	want=$("$IPVSADM" -S -n | awk -v vs="$VIP:$port" '$1 == "-a" && $3 == vs && $NF != 0 { split($5, r, ":"); print r[1] }' | sort | paste -sd' ')
	for try in 1 2 3; do
		ip netns exec cl $TALLY get $VIP "$port" --count "$n" >>"$WORK/burst.$port"
		got=$(awk '{ print $2 }' "$WORK/burst.$port" | sort -u | paste -sd' ')
		[ "$got" = "$want" ] && break
		[ -n "$(comm -13 <(tr ' ' '\n' <<<"$want") <(tr ' ' '\n' <<<"$got"))" ] && break
	done
	rm -f "$WORK/burst.$port"
	check_eq "$what: $n requests to :$port are answered by the servers IPVS holds with a weight" "$want" "$got"
}

# settle_step N: under keepalived, a second after the notify script ran
# (keepalived changes IPVS, then forks the notify script, then acts on the
# quorum, all in one callback); under lvsd, until the table is keepalived's
# after step N (bounded: a table that never gets there fails the
# comparison below).
settle_step() {
	if [ "$who" = keepalived ]; then
		if [ "$1" = 0 ]; then wait_for 30 table_has_lines 7 && settle 1; else sleep 1; fi
	else
		wait_for 10 table_is "$(cat "$WORK/keepalived.$1")"
	fi
}

# scenario DAEMON: runs the steps under keepalived or lvsd; the table after
# each step goes to $WORK/DAEMON.N (0: before the first).
scenario() {
	local who=$1 i step act addr port before ports t_stop t_gone
	: >"$events"
	if [ "$who" = keepalived ]; then start_keepalived "$cfg"; else start_lvsd -f "$cfg" || return 1; fi
	settle_step 0
	table >"$WORK/$who.0"
	[ "$who" = lvsd ] && burst 80 8 "lvsd, all up"
	for i in "${!steps[@]}"; do
		step=${steps[i]} act=${step% *} addr=${step#* }
		ports=80
		[ "$addr" = "$A" ] || [ "$addr" = "$C" ] && ports="80 8080"
		[ "$act" = stop ] && ev=down || ev=up
		declare -A before=()
		for port in $ports; do before[$port]=$(event_count "$ev $port $addr"); done
		if [ "$who" = lvsd ] && [ "$i" = 0 ]; then
			ip netns exec cl $TALLY stream $VIP 80 --seconds 60 --stop-file "$WORK/stream.stop" \
				--timeout 1 --pause 50 >"$WORK/stream" 2>&1 &
			bg_pids+=($!)
			sleep 2
			t_stop=$(date +%s%3N)
		fi
		if [ "$act" = stop ]; then unserve "$addr" 80; else serve "$addr" 80; fi
		if [ "$who" = lvsd ] && [ "$i" = 0 ]; then
			wait_for 20 eval '! table | grep -q -- "-t $VIP:80 -r $C:80 "'
			t_gone=$(date +%s%3N)
			# the moment it left: a failure started later would be the table's fault
			echo "# $C left :80 $((t_gone - t_stop)) ms after its web server was stopped (configured check time ${check_time} s)"
			if [ $((t_gone - t_stop)) -le $(((check_time + 4) * 1000)) ]; then
				ok "lvsd: a stopped web server leaves the table within the configured check time (${check_time} s, +4 s for polling under TCG)"
			else
				fail "lvsd: a stopped web server leaves the table within the configured check time (${check_time} s, +4 s): took $((t_gone - t_stop)) ms"
			fi
		fi
		for port in $ports; do
			wait_event "$ev $port $addr" "${before[$port]}" ||
				echo "# $who, step $((i + 1)) ($step): no '$ev $port $addr' event within 20 s"
		done
		settle_step $((i + 1))
		table >"$WORK/$who.$((i + 1))"
		# Traffic after the steps that change who answers on :80 (3, 4, 6
		# and 7 only narrow or keep it; their tables are compared below).
		if [ "$who" = lvsd ]; then
			case $i in 0 | 1 | 4 | 7) burst 80 8 "lvsd, step $((i + 1)) ($act ${name[$addr]})" ;; esac
			[ "$i" -le 1 ] && burst 8080 4 "lvsd, step $((i + 1)) ($act ${name[$addr]})"
		fi
		if [ "$who" = lvsd ] && [ "$i" = 1 ]; then
			touch "$WORK/stream.stop"
			wait_for 10 eval '! kill -0 ${bg_pids[-1]} 2>/dev/null'
			stream_check "$t_gone" "$(date +%s%3N)"
		fi
	done
	if [ "$who" = keepalived ]; then stop_keepalived; else stop_lvsd; fi
	grep '^quorum' "$events" >"$WORK/$who.quorum"
}

# stream_check T_GONE T_END: the streaming client's requests that started
# after C left the table all succeeded without C; C answered again before
# the end (it was started again in between).
stream_check() {
	local after bad from_c_late
	after=$(awk -v t="$1" '$1 > t + 500' "$WORK/stream")
	bad=$(printf '%s\n' "$after" | awk -v c=$C 'NF && ($3 ~ /^ERR/) { n++ } END { print n + 0 }')
	echo "# streaming client: $(wc -l <"$WORK/stream") requests, $(awk '$3 ~ /^ERR/' "$WORK/stream" | wc -l) failed in all (while $C was down and not yet out: expected)"
	check_eq "streaming client: no request failed once $C had left the table" 0 "$bad"
	from_c_late=$(printf '%s\n' "$after" | awk -v c=$C '$3 == c' | wc -l)
	[ "$from_c_late" -gt 0 ] && ok "streaming client: $C answers again once it is back ($from_c_late requests)" ||
		fail "streaming client: $C answers again once it is back"
}

# ---- the oracle: keepalived 2.2.7 through the same steps
scenario keepalived
# step_name N: "step N (what it did)", or "before the steps" for 0.
step_name() { if [ "$1" = 0 ]; then echo "before the steps"; else echo "step $1 (${steps[$1 - 1]})"; fi; }
for i in $(seq 0 ${#steps[@]}); do
	echo "# keepalived, $(step_name "$i"):"
	sed 's/^/#   /' "$WORK/keepalived.$i"
done
echo "# keepalived's quorum scripts: $(paste -sd, "$WORK/keepalived.quorum")"
[ "$(grep -c . "$WORK/keepalived.0")" = 7 ] || die_suite "health: keepalived (the oracle) did not program both services"
"$IPVSADM" -C

# ---- lvsd through the same steps
scenario lvsd || die_suite "health: lvsd did not start"
for i in $(seq 0 ${#steps[@]}); do
	check_eq "$(step_name "$i"): lvsd's table is keepalived's" \
		"$(cat "$WORK/keepalived.$i")" "$(cat "$WORK/lvsd.$i")"
done
check_eq "quorum_up/quorum_down run as keepalived runs them" \
	"$(paste -sd, "$WORK/keepalived.quorum")" "$(paste -sd, "$WORK/lvsd.quorum")"
# keepalived.conf(5)'s arithmetic, on lvsd's tables: the steps where hysteresis decides.
vs80() { grep -- "-t $VIP:80 " "$WORK/lvsd.$1" | grep -- ' -r ' | awk '{ print $5 }' | paste -sd' '; }
check_eq "hysteresis: at live weight 2 (quorum 3 - 1) quorum stays, A alone serves" "$A:80" "$(vs80 4)"
check_eq "hysteresis: at live weight 3 (below quorum 3 + 1) quorum stays lost, the sorry server alone" "$S:80" "$(vs80 7)"
check_eq "inhibit_on_failure: C stopped stays on :8080 with weight 0" \
	"-a -t $VIP:8080 -r $C:80 -m -w 0" "$(grep -- "-t $VIP:8080 -r $C:80" "$WORK/lvsd.1")"
echo "# ($((SECONDS - t0)) s)"
