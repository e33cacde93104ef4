#!/bin/busybox sh
# demo-guest.sh - `make demo`: seed 000's LVS-DR high-availability cluster,
# run where the kernel has IPVS (tests/vm/demo.sh starts it in a qemu guest,
# tests/vm/t_demo.sh in the vm suite), told as a timeline.
#
#   lvs01 172.17.252.34/20  lvsd + vrrpd, MASTER, priority 150 --+
#   lvs02 172.17.252.35/20  lvsd + vrrpd, BACKUP, priority 100 --+-- switch
#   web03 39.106.40.172     busybox httpd, `rsctl up VIP --mode dr` --+
#   web04 39.107.137.111    the same                                   --+
#   client 172.17.252.100   one request after another to the VIP       --+
#
# VIP 172.17.252.38:8080, wrr, direct routing, TCP_CHECK on port 80: the
# directors run configs/demo-lvs01.conf and demo-lvs02.conf (seed 000's
# configs without persistence). Every machine is a network namespace on one
# bridge; every director has its own IPVS table.
#
# The story: requests alternate between web03 and web04; web03 stops and the
# health check takes it out of the table; it comes back; lvs01 loses power
# (kill -9 of lvsd, checkd and vrrpd, its cable pulled) and lvs02 takes the
# VIP, the client's gap printed in ms; lvs01 boots again and takes the VIP
# back, or not, as its config says. Each step is checked ("ok: ..."); the
# first one that does not behave stops the demo with "FAILED: ..." and the
# evidence, and the exit status is 1.
#
# POSIX sh with nothing but busybox applets and lvsbox's, so that it runs on
# the appliance image as it runs in the Debian guest (where PATH is cut down
# to busybox's applets and lvsbox's to make sure of it).
# Environment: DEMO_BIN (lvsbox's applet links; default build/x86_64/bin),
# DEMO_CONFIGS (default configs/).
set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 2
repo=${here%/tests/vm}
BIN=${DEMO_BIN:-$repo/build/x86_64/bin}
CONFIGS=${DEMO_CONFIGS:-$repo/configs}
nl='
'

VIP=172.17.252.38 PORT=8080
WEB03=39.106.40.172 WEB04=39.107.137.111
CLIENT=172.17.252.100

# now_ms: NOW = milliseconds since boot (/proc/uptime has hundredths).
now_ms() {
	local up rest
	read -r up rest </proc/uptime
	NOW=$((${up%.*}${up#*.}0))
}

# ---- the client: `demo-guest.sh client LOG STOPFILE T0`, inside the client's
# namespace. One GET after another (busybox nc, 2 s timeout each), a line per
# request: "START END ANSWER", in ms since T0; ANSWER is the page (the web
# server's name), "refused" or "no-answer". At most 3000 requests.
if [ "${1:-}" = client ]; then
	log=$2 stop=$3 t0=$4 n=0
	while [ ! -e "$stop" ] && [ $n -lt 3000 ]; do
		now_ms
		a=$NOW
		out=$(printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' $VIP | timeout 2 nc $VIP $PORT 2>&1)
		now_ms
		case $out in
		*" 200 OK"*) answer=${out##*"$nl"} ;;
		*refused*) answer=refused ;;
		"") answer=no-answer ;;
		*) answer=error ;;
		esac
		echo "$((a - t0)) $((NOW - t0)) $answer" >>"$log"
		n=$((n + 1))
		sleep 0.1
	done
	exit 0
fi

now_ms
T0=$NOW
passed=0
say() {
	local t
	now_ms
	t=$((NOW - T0))
	printf '%4d.%ds  %s\n' $((t / 1000)) $((t % 1000 / 100)) "$*"
}
# at MS: "12.3s"
at() { printf '%d.%ds' $(($1 / 1000)) $(($1 % 1000 / 100)); }
indent() { sed 's/^/            /'; }
pass() { say "ok: $*"; passed=$((passed + 1)); }
# die WHAT [LOG...]: the step that went wrong, the tail of each LOG, exit 1.
die() {
	local f
	say "FAILED: $1"
	shift
	for f in "$@"; do
		[ -s "$f" ] || continue
		case $f in
		"$CLOG") echo "            the client's last requests (start, end in ms since the start; answer):" ;;
		*) echo "            last lines of $f:" ;;
		esac
		tail -n 12 "$f" | indent
	done
	exit 1
}
# wait_for SECONDS CMD...: CMD every 0.1 s until it succeeds; 1 when it has
# not after SECONDS (by the clock: a try may take long on a busy machine).
wait_for() {
	local end
	now_ms
	end=$((NOW + $1 * 1000))
	shift
	while :; do
		"$@" && return 0
		now_ms
		[ $NOW -lt $end ] || return 1
		sleep 0.1
	done
}

[ -r /proc/net/ip_vs ] || die "this kernel has no IPVS (make demo runs this in a qemu guest that has it)"
[ -x "$BIN/lvsd" ] || die "no $BIN/lvsd (make)"
for c in demo-lvs01.conf demo-lvs02.conf; do
	[ -r "$CONFIGS/$c" ] || die "no $CONFIGS/$c"
done
WORK=$(mktemp -d /tmp/lvsbox-demo.XXXXXX) || die "cannot make a scratch directory"
mkdir "$WORK/bin" && busybox --install -s "$WORK/bin" || die "cannot list busybox's applets in $WORK/bin"
PATH=$WORK/bin:$BIN
HA_WORK=$WORK HA_BIN=$BIN
. "$here/ha_lib.sh"
CLOG=$WORK/client.log STOP=$WORK/client.stop
: >"$CLOG"
client_pid= web_pids=

cleanup() {
	local p
	: >"$STOP"
	for p in $client_pid $web_pids; do kill "$p" 2>/dev/null; done
	ha_cleanup
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the client's log, read by the steps
# answers_from MS N: the answers of the first N requests started at MS or later.
answers_from() { awk -v t="$1" -v n="$2" '$1 >= t && c < n { printf "%s%s", c ? " " : "", $3; c++ }' "$CLOG"; }
# count_from MS: how many requests started at MS or later are done.
count_from() { awk -v t="$1" '$1 >= t { c++ } END { print c + 0 }' "$CLOG"; }
has_answers() { [ "$(count_from "$1")" -ge "$2" ]; }
# alternate LIST: every answer is web03 or web04, each differs from the one before.
alternate() {
	echo "$1" | awk '{ for (i = 1; i <= NF; i++) { if ($i != "web03" && $i != "web04") exit 1; if (i > 1 && $i == $(i - 1)) exit 1 } exit NF < 2 }'
}
# tally FROM TO: "web03 7, refused 6" for the requests started in [FROM, TO).
tally() {
	awk -v f="$1" -v t="$2" '$1 >= f && $1 < t { n[$3]++ } END { for (a in n) print a, n[a] }' "$CLOG" |
		sort | awk '{ printf "%s%s %s", (NR > 1) ? ", " : "", $1, $2 }'
}
# gap FROM TO: "MS A B FAILED": the longest time between two answers, the
# later one after FROM and the earlier one before TO, its ends A and B, and
# how many requests started in [FROM, TO) got no page.
gap() {
	awk -v f="$1" -v t="$2" '
		$3 ~ /^web/ { if (last != "" && $2 > f && last < t && $2 - last > g) { g = $2 - last; a = last; b = $2 }
			last = $2; next }
		$1 >= f && $1 < t { failed++ }
		END { print g + 0, a + 0, b + 0, failed + 0 }' "$CLOG"
}

# ---- the directors' tables (lvsctl -Ln in each one's namespace)
table() { ha_ns "$1" lvsctl -Ln; }
# servers NAME: the real servers in NAME's table, "ADDR:PORT FORWARD WEIGHT" each.
servers() { table "$1" | awk '$1 == "->" && $2 != "RemoteAddress:Port" { printf "%s%s %s %s", n++ ? ", " : "", $2, $3, $4 }'; }
service() { table "$1" | awk '$1 == "TCP" { print $2, $3 }'; }
both_rs="$WEB03:$PORT Route 1, $WEB04:$PORT Route 1"
servers_are() { [ "$(servers "$1")" = "$2" ]; }
# connections NAME: entries of the client's connections in NAME's table.
connections() { ha_ns "$1" lvsctl -Lnc | awk -v c="$CLIENT:" 'index($4, c) == 1 { n++ } END { print n + 0 }'; }
# vrrp_of CONF: "STATE PRIORITY nopreempt|preempt" of CONF's vrrp_instance.
vrrp_of() {
	awk '$1 == "state" { s = $2 } $1 == "priority" { p = $2 } $1 == "nopreempt" { n = 1 }
		END { print s, p, n ? "nopreempt" : "preempt" }' "$1"
}
show_table() { say "$1# lvsctl -Ln"; table "$1" | indent; }
holds() { ha_has_vip "$1" $VIP && ! ha_has_vip "$2" $VIP; }

# ---- web servers
serve() {
	local name=$1 port
	for port in 80 $PORT; do
		ha_spawn "$name" httpd -f -p $port -h "$WORK/www-$name" </dev/null >/dev/null 2>&1
		web_pids="$web_pids $HA_PID"
		eval "pids_$name=\"\${pids_$name:-} $HA_PID\""
	done
}
unserve() {
	local p
	eval "p=\$pids_$1"
	kill $p
	wait $p 2>/dev/null
	eval "pids_$1="
}
# page ADDR: the page ADDR:8080 serves, fetched from the client directly.
page() {
	local out
	out=$(printf 'GET / HTTP/1.0\r\n\r\n' | ha_ns client timeout 1 nc "$1" $PORT 2>/dev/null)
	case $out in *" 200 OK"*) echo "${out##*"$nl"}" ;; esac
}
page_is() { [ "$(page "$1")" = "$2" ]; }

echo "lvsbox demo: seed 000's LVS-DR high-availability cluster, one network namespace per machine"
echo "  VIP $VIP:$PORT (wrr, direct routing), health check TCP_CHECK on port 80 ($CONFIGS/demo-lvs0[12].conf)"
echo "  lvs01 172.17.252.34: $(vrrp_of "$CONFIGS/demo-lvs01.conf" | awk '{ print $1, "priority", $2, $3 }')"
echo "  lvs02 172.17.252.35: $(vrrp_of "$CONFIGS/demo-lvs02.conf" | awk '{ print $1, "priority", $2, $3 }')"
echo "  web03 $WEB03, web04 $WEB04 (busybox httpd), client $CLIENT"
echo

# ---- step 1: the network, the web servers, the directors
say "start"
ha_switch || die "cannot make the switch (bridge $HA_BR)"
for m in lvs01:172.17.252.34/20 lvs02:172.17.252.35/20 web03:$WEB03/32 web04:$WEB04/32 client:$CLIENT/20; do
	ha_plug "${m%%:*}" "${m#*:}" || die "cannot plug ${m%%:*} into the switch"
	eval "dev_${m%%:*}=$HA_DEV"
	say "${m%%:*} plugged into the switch: eth0 ${m#*:}"
done
for w in web03:$WEB03 web04:$WEB04; do
	name=${w%%:*} addr=${w#*:}
	say "$name# rsctl up $VIP --mode dr"
	ha_ns "$name" rsctl --state "$WORK/$name.rsctl" up $VIP --mode dr >"$WORK/$name.rsctl.out" 2>&1 ||
		die "$name: rsctl up $VIP --mode dr failed" "$WORK/$name.rsctl.out"
	indent <"$WORK/$name.rsctl.out"
	mkdir -p "$WORK/www-$name" && echo "$name" >"$WORK/www-$name/index.html"
	serve "$name"
	wait_for 10 page_is "$addr" "$name" || die "$name: httpd does not answer on $addr:$PORT"
	say "$name: httpd serves its name on ports 80 and $PORT"
done
for d in lvs01 lvs02; do
	ha_director $d "$CONFIGS/demo-$d.conf"
	eval "pid_$d=$HA_PID"
	say "$d# lvsd -f $CONFIGS/demo-$d.conf  (pid $HA_PID)"
done
wait_for 30 servers_are lvs01 "$both_rs" && wait_for 10 servers_are lvs02 "$both_rs" ||
	die "both directors program $VIP:$PORT with web03 and web04" "$WORK/lvs01.log" "$WORK/lvs02.log"
show_table lvs01
[ "$(service lvs01) $(service lvs02)" = "$VIP:$PORT wrr $VIP:$PORT wrr" ] ||
	die "the virtual service is $VIP:$PORT wrr on both directors (lvs01: $(service lvs01); lvs02: $(service lvs02))"
pass "lvs01 and lvs02 each program $VIP:$PORT wrr -> web03, web04 (Route, weight 1) in their own IPVS table"
wait_for 20 holds lvs01 lvs02 || die "lvs01 (MASTER) holds the VIP and lvs02 does not" "$WORK/lvs01.log" "$WORK/lvs02.log"
pass "lvs01 holds the VIP $VIP (VRRP MASTER), lvs02 does not (BACKUP)"

# ---- step 2: requests alternate
echo
ha_spawn client sh "$0" client "$CLOG" "$STOP" "$T0" </dev/null 2>"$WORK/client.err"
client_pid=$HA_PID
now_ms
t_start=$((NOW - T0))
say "client: GET http://$VIP:$PORT/ again and again"
wait_for 20 has_answers $t_start 6 || die "the client gets 6 answers through the VIP" "$CLOG"
awk -v t=$t_start '$1 >= t && c++ < 6 { printf "%4d.%ds  client: %s (%d ms)\n", $1 / 1000, $1 % 1000 / 100, $3, $2 - $1 }' "$CLOG"
first=$(answers_from $t_start 6)
alternate "$first" || die "6 requests alternate between web03 and web04 (got: $first)" "$CLOG"
pass "6 requests alternate between web03 and web04"

# ---- step 3: web03 stops, the health check takes it out, it comes back
echo
unserve web03
now_ms
t_stop=$((NOW - T0))
say "web03: httpd stopped (ports 80 and $PORT)"
wait_for 45 servers_are lvs01 "$WEB04:$PORT Route 1" ||
	die "lvs01's health check takes web03 out of its table within 45 s" "$WORK/lvs01.log"
now_ms
t_out=$((NOW - T0))
say "lvs01: the health check took web03 out of the table, $(( (t_out - t_stop) / 1000 )) s after it stopped"
show_table lvs01
say "client meanwhile: $(tally $t_stop $t_out)  (refused: IPVS still sent them to web03)"
wait_for 20 servers_are lvs02 "$WEB04:$PORT Route 1" || die "lvs02's health check takes web03 out too" "$WORK/lvs02.log"
wait_for 20 has_answers $t_out 6 || die "the client gets answers after web03 left" "$CLOG"
after=$(answers_from $t_out 6)
[ "$after" = "web04 web04 web04 web04 web04 web04" ] ||
	die "every request after web03 left the table is answered by web04 (got: $after)" "$CLOG"
pass "web03 is out of both tables; the next 6 requests are all answered by web04"

serve web03
now_ms
t_back=$((NOW - T0))
say "web03: httpd started again"
wait_for 30 servers_are lvs01 "$both_rs" || die "lvs01's health check puts web03 back within 30 s" "$WORK/lvs01.log"
now_ms
t_in=$((NOW - T0))
say "lvs01: the health check put web03 back, $(( (t_in - t_back) / 1000 )) s after it started"
show_table lvs01
wait_for 20 servers_are lvs02 "$both_rs" || die "lvs02's health check puts web03 back too" "$WORK/lvs02.log"
wait_for 20 has_answers $t_in 6 || die "the client gets answers after web03 came back" "$CLOG"
after=$(answers_from $t_in 6)
alternate "$after" || die "requests alternate again after web03 came back (got: $after)" "$CLOG"
pass "web03 is back in both tables; requests alternate again ($after)"

# ---- step 4: lvs01 loses power
echo
mac_lvs02=$(ha_mac lvs02)
members=$(ha_members $pid_lvs01 | awk '{ printf "%s%s %s", (NR > 1) ? ", " : "", $2, $1 }')
now_ms
t_kill=$((NOW - T0))
ha_kill $pid_lvs01
ha_unplug $dev_lvs01
say "lvs01 loses power: kill -9 to $members; its cable out of the switch"
wait_for 10 eval '[ -z "$(ha_members $pid_lvs01)" ]' || die "no process of lvs01 is left: $(ha_members $pid_lvs01)"
wait $pid_lvs01 2>/dev/null
wait_for 20 ha_has_vip lvs02 $VIP || die "lvs02 takes the VIP within 20 s" "$WORK/lvs02.log"
now_ms
t_vip=$((NOW - T0))
say "lvs02 holds the VIP $VIP: MASTER after 3 missed adverts, $((t_vip - t_kill)) ms after the kill"
wait_for 10 eval '[ "$(ha_neigh client $VIP)" = "$mac_lvs02" ]' ||
	die "the client's ARP entry for the VIP moves to lvs02 ($mac_lvs02; it has $(ha_neigh client $VIP))"
say "client: its ARP entry for $VIP is lvs02's $mac_lvs02 (lvs02's gratuitous ARP)"
settled=$((t_vip + 1000))
wait_for 30 has_answers $settled 6 || die "the client gets answers through lvs02" "$CLOG"
set -- $(gap $t_kill $settled)
say "client: $1 ms without an answer, from $(at $2) to $(at $3); requests started since the kill: $(tally $t_kill $settled)"
after=$(answers_from $settled 6)
alternate "$after" || die "requests through lvs02 alternate between web03 and web04 (got: $after)" "$CLOG"
n=$(connections lvs02)
[ "$n" -ge 6 ] || die "lvs02's IPVS carries the client's connections (lvsctl -Lnc has $n of them)"
pass "traffic goes on through lvs02: requests alternate ($after), its lvsctl -Lnc lists $n of the client's connections"

# ---- step 5: lvs01 boots again
echo
ha_drop lvs01
ha_plug lvs01 172.17.252.34/20 || die "cannot plug lvs01 in again"
dev_lvs01=$HA_DEV
ha_director lvs01 "$CONFIGS/demo-lvs01.conf"
pid_lvs01=$HA_PID
now_ms
t_boot=$((NOW - T0))
say "lvs01 powers up: cable in, lvsd -f $CONFIGS/demo-lvs01.conf (pid $pid_lvs01)"
wait_for 30 servers_are lvs01 "$both_rs" || die "lvs01 programs its table again" "$WORK/lvs01.log"
# Who holds the VIP now, as the configs say: lvs01 takes it back when its
# priority is the higher, unless it has nopreempt (which keepalived, and
# lvsd, ignore with state MASTER).
set -- $(vrrp_of "$CONFIGS/demo-lvs01.conf") $(vrrp_of "$CONFIGS/demo-lvs02.conf")
if [ "$2" -le "$5" ]; then
	master=lvs02 backup=lvs01 why="lvs01's priority $2 is not above lvs02's $5: lvs02 keeps it"
elif [ "$3" = nopreempt ] && [ "$1" != MASTER ]; then
	master=lvs02 backup=lvs01 why="nopreempt in lvs01's config: lvs02 keeps it"
else
	master=lvs01 backup=lvs02 why="lvs01's priority $2 > $5 and it may preempt: lvs01 takes it back"
fi
# Kept: give lvs01's VRRP the time it would need to take the VIP (3 adverts
# and its skew) before believing that it does not.
[ $master = lvs02 ] && sleep 5
wait_for 20 holds $master $backup || die "$master holds the VIP and $backup does not ($why)" "$WORK/lvs01.log" "$WORK/lvs02.log"
now_ms
t_master=$((NOW - T0))
say "$master holds the VIP $VIP, $backup is BACKUP ($why)"
mac=$(ha_mac $master)
wait_for 10 eval '[ "$(ha_neigh client $VIP)" = "$mac" ]' ||
	die "the client's ARP entry for the VIP is $master's ($mac; it has $(ha_neigh client $VIP))"
settled=$((t_master + 1000))
wait_for 30 has_answers $settled 6 || die "the client gets answers through $master" "$CLOG"
set -- $(gap $t_boot $settled)
say "client: longest time without an answer $1 ms, from $(at $2) to $(at $3); requests started since lvs01 booted: $(tally $t_boot $settled)"
after=$(answers_from $settled 6)
alternate "$after" || die "requests through $master alternate between web03 and web04 (got: $after)" "$CLOG"
n=$(connections $master)
[ "$n" -ge 6 ] || die "$master's IPVS carries the client's connections (lvsctl -Lnc has $n of them)"
show_table $master
pass "all recovered: $master forwards (lvsctl -Lnc lists $n of the client's connections), requests alternate ($after)"

: >"$STOP"
wait $client_pid 2>/dev/null
client_pid=
now_ms
echo
echo "demo: all $passed checks passed in $(( (NOW - T0) / 1000 )) s ($(wc -l <"$CLOG") requests)"
