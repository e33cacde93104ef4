#!/bin/bash
# t_ha_sync.sh - two directors on seed 000's configs (lvs01 MASTER priority
# 150, lvs02 BACKUP priority 100, VRID 51, VIP 172.17.252.38/20, DR, wrr);
# the master is killed with -9 while a client holds one TCP connection
# through the VIP. With `lvs_sync_daemon eth0 VI_1` on both, the backup's
# IPVS already holds the connection (the kernel's sync daemon sent it) and
# the client's next line on the SAME connection is answered by the same real
# server. Without it (the control), the same line is not answered.
#
# Inside the guest, everything is a network namespace on one bridge (one
# LAN, 172.17.240.0/20): IPVS, the sync daemon and the VIP are per netns, so
# each director is a namespace (its LAN interface named eth0, as the seeds
# have it) running `lvsd -f` with its own /run/lvsbox; two DR real servers prepared
# with `rsctl up VIP` run a line-echo server that answers with its own
# address; the client is a namespace too. The real ipvsadm and ip read the
# kernel's state in each namespace.
#
# Changes from the seed configs, and why:
# - the real servers' public addresses become 172.17.252.11 and .12, on the
#   LAN, because DR needs the servers on the directors' segment;
# - persistence_timeout is dropped: persistence is off, so the backup's
#   table holds the connection itself, not only a persistence template;
# - lvs_sync_daemon eth0 VI_1 is added to global_defs (not in the control).
# TCP_CHECK stays as it is (connect_port 80): the servers listen on 80 too.
#
# Why the control cannot pass by chance: the new master gets a segment
# that is not a SYN for a connection its IPVS does not know; IPVS schedules
# only SYNs (net.ipv4.vs.sloppy_tcp is 0), so the segment goes to the
# director's own stack, which owns the VIP and has no socket on 8080, and
# answers RST. Which real server the scheduler would pick does not matter.
#
# A process killed with -9 leaves its kernel state (the VIP, the IPVS table,
# the sync thread) in its namespace, where a dead box would take it with it;
# so right after the kill the dead director's LAN link goes down too, and
# only the backup can answer for the VIP.
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh
RSCTL=$BIN/rsctl
PY=/usr/bin/python3
SEEDS=tests/fixtures/keepalived
VIP=172.17.252.38
PORT=8080
RS1=172.17.252.11 RS2=172.17.252.12
CL=172.17.252.50
HA_WORK=$WORK HA_BIN=$BIN
. tests/vm/ha_lib.sh

[ -x "$PY" ] || die_suite "ha sync: no $PY (the echo server and client)"

# The switch, the namespaces on it and the directors are tests/vm/ha_lib.sh's.
trap 'ha_cleanup 2>/dev/null; lvsd_cleanup' EXIT
ha_switch || die_suite "ha sync: cannot make the switch"
# lan_ns NS ADDR: a namespace NS whose eth0 (ADDR/20) is a port of the switch.
lan_ns() { ha_plug "$1" "$2/20"; }

# The echo server: every line it reads is answered by "ADDR LINE", on 8080
# (the service) and 80 (the seeds' TCP_CHECK port).
cat >"$WORK/echo.py" <<'PY'
import socket, sys, threading
ident = sys.argv[1].encode()
def answer(conn):
    with conn:
        for line in conn.makefile("rb"):
            conn.sendall(ident + b" " + line)
def listen(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        threading.Thread(target=answer, args=(c,), daemon=True).start()
threading.Thread(target=listen, args=(80,), daemon=True).start()
listen(int(sys.argv[2]))
PY

# The client: one connection to the VIP; "1 ANSWER" for the first line, then
# waits (60 s at most) for the file GO and prints "2 ANSWER", "2 reset",
# "2 closed" or "2 timeout" for the second line on the same connection.
cat >"$WORK/client.py" <<'PY'
import os, socket, sys, time
vip, port, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.create_connection((vip, port), timeout=10)
print("port", s.getsockname()[1], flush=True)
f = s.makefile("rb")
s.sendall(b"line 1\n")
print("1", f.readline().decode().strip(), flush=True)
deadline = time.time() + 60
while not os.path.exists(go):
    if time.time() > deadline:
        print("2 never sent", flush=True)
        sys.exit(1)
    time.sleep(0.05)
s.settimeout(15)
sent = time.time()
try:
    s.sendall(b"line 2\n")
    got = f.readline().decode().strip()
    print("2", got if got else "closed", flush=True)
except ConnectionResetError:
    print("2 reset", flush=True)
except (socket.timeout, TimeoutError):
    print("2 timeout", flush=True)
print("answer_ms", int((time.time() - sent) * 1000), flush=True)
PY

for a in $RS1 $RS2; do
	lan_ns "rs-$a" "$a" || die_suite "ha sync: cannot make real server $a"
	ip netns exec "rs-$a" "$RSCTL" --state "$WORK/state-$a" up $VIP >"$WORK/up.log" 2>&1 ||
		{ sed 's/^/#   /' "$WORK/up.log"; die_suite "ha sync: rsctl up $VIP in rs-$a"; }
	ip netns exec "rs-$a" "$PY" "$WORK/echo.py" "$a" $PORT </dev/null >"$WORK/echo-$a.log" 2>&1 &
	bg_pids+=($!)
done
lan_ns cl $CL || die_suite "ha sync: cannot make the client"
rs_listens() { ip netns exec cl timeout 2 bash -c "exec 3<>/dev/tcp/$1/$PORT" 2>/dev/null; }
for a in $RS1 $RS2; do
	wait_for 20 rs_listens $a || die_suite "ha sync: the echo server on $a does not answer"
done

# conf SEED OUT SYNC: seed 000's config SEED rewritten as said above; SYNC
# non-empty adds lvs_sync_daemon.
conf() {
	sed -e "s/39\.106\.40\.172/$RS1/; s/39\.107\.137\.111/$RS2/" \
		-e '/persistence_timeout/d' \
		-e "${3:+/router_id/a\\
   lvs_sync_daemon eth0 VI_1}" "$SEEDS/$1" >"$2"
}

# director NS CONF: ha_director's lvsd in NS, in a session of its own, so
# its process group is lvsd and its children only. DIR_PGID is set to it.
director() {
	ha_director "$1" "$2"
	local pid=$HA_PID
	# killed by its group id, not waited for: no "Killed" job notice
	disown "$pid"
	own_group() { [ "$(ha_group "$1")" = "$1" ]; }
	wait_for 5 own_group "$pid" || die_suite "ha sync: lvsd in $1 is not in a process group of its own"
	DIR_PGID=$pid
}
has_vip() { ip -n "$1" -o addr show dev eth0 | grep -q " $VIP/20 "; }
sync_state() { ip netns exec "$1" "$IPVSADM" -L --daemon 2>&1; }
sync_is() { sync_state "$1" | grep -q "^$2 sync daemon (mcast=eth0, syncid=51"; }
conns() { ip netns exec "$1" "$IPVSADM" -L -n -c 2>&1; }
# has_conn NS CPORT RS: NS's IPVS holds client:CPORT -> VIP -> RS, established.
has_conn() { conns "$1" | grep -q "ESTABLISHED *$CL:$2 *$VIP:$PORT *$3:$PORT"; }
# the service's InPkts (ipvsadm --stats: Prot, address, Conns, InPkts, ...)
in_pkts() { ip netns exec "$1" "$IPVSADM" -L -n -t $VIP:$PORT --stats --exact | awk '$1 == "TCP" {print $4}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# run_case NAME SYNC: both directors up, the client's first line, the master
# killed, the second line; the client's last answer goes to $WORK/NAME.client.
run_case() {
	local name=$1 sync=$2 d1=lvs01-$1 d2=lvs02-$1 out=$WORK/$1.client go=$WORK/$1.go
	local pg1 cport first rs t0 gap second after
	conf seed000-lvs01.conf "$WORK/$d1.conf" "$sync"
	conf seed000-lvs02.conf "$WORK/$d2.conf" "$sync"
	lan_ns "$d1" 172.17.252.1 && lan_ns "$d2" 172.17.252.2 || die_suite "ha sync: cannot make the directors"
	director "$d1" "$WORK/$d1.conf"
	pg1=$DIR_PGID
	if ! wait_for 20 has_vip "$d1"; then
		fail "$name: lvs01 (MASTER) takes the VIP"; show_log "$WORK/$d1.log"; return 1
	fi
	director "$d2" "$WORK/$d2.conf"
	if [ -n "$sync" ]; then
		wait_for 20 sync_is "$d2" backup && wait_for 5 sync_is "$d1" master ||
			{ fail "$name: master sync daemon on lvs01, backup on lvs02"
			  echo "#   lvs01: $(sync_state "$d1")"; echo "#   lvs02: $(sync_state "$d2")"; show_log "$WORK/$d2.log"; }
	else
		check_eq "$name: no sync daemon on lvs01" "" "$(sync_state "$d1")"
		# lvs02 must have its table (and its VRRP) up before the kill
		wait_for 20 eval "ip netns exec $d2 $IPVSADM -S -n | grep -q $RS2" || fail "$name: lvs02 programs IPVS"
	fi
	has_vip "$d2" && fail "$name: lvs02 (BACKUP) holds the VIP while lvs01 runs"

	ip -n cl neigh flush all
	ip netns exec cl "$PY" "$WORK/client.py" $VIP $PORT "$go" </dev/null >"$out" 2>&1 &
	bg_pids+=($!)
	wait_for 20 grep -q '^1 ' "$out"
	cport=$(sed -n 's/^port //p' "$out")
	first=$(sed -n 's/^1 //p' "$out")
	rs=${first%% *}
	case $rs in
	$RS1 | $RS2) ok "$name: the client's first line through the VIP is answered by a real server ($rs)" ;;
	*) fail "$name: the client's first line through the VIP is answered by a real server"
	   echo "#   client: $(tr '\n' ' ' <"$out")"; conns "$d1" | sed 's/^/#   /'; return 1 ;;
	esac
	check_cmd "$name: lvs01's IPVS holds the connection $CL:$cport -> $rs (ipvsadm -Lnc)" has_conn "$d1" "$cport" "$rs"
	if [ -n "$sync" ]; then
		# the kernel sends a connection after its 3rd packet, within 2 s
		if wait_for 15 has_conn "$d2" "$cport" "$rs"; then
			ok "$name: before the kill, lvs02's IPVS already holds the connection (ipvsadm -Lnc)"
		else
			fail "$name: before the kill, lvs02's IPVS already holds the connection (ipvsadm -Lnc)"
			conns "$d2" | sed 's/^/#   /'
		fi
	else
		sleep 3
		if has_conn "$d2" "$cport" "$rs"; then
			fail "$name: lvs02's IPVS does not know the connection"
		else
			ok "$name: lvs02's IPVS does not know the connection"
		fi
	fi
	local before
	before=$(in_pkts "$d2")

	t0=$(now_ms)
	kill -KILL -- "-$pg1"
	ip -n "$d1" link set eth0 down
	wait_for 5 eval "! pgrep -g $pg1 >/dev/null" ||
		fail "$name: kill -9 of lvs01's process group leaves no process"
	local i
	for ((i = 0; i < 400; i++)); do has_vip "$d2" && break; sleep 0.05; done
	if has_vip "$d2"; then
		gap=$(( $(now_ms) - t0 ))
		ok "$name: lvs02 holds the VIP after lvs01 is killed (ip addr)"
		echo "# $name: failover gap ${gap} ms (kill -9 to the VIP on lvs02; TCG, not asserted)"
	else
		fail "$name: lvs02 holds the VIP after lvs01 is killed (ip addr)"; show_log "$WORK/$d2.log"
	fi
	touch "$go"
	wait_for 30 grep -q '^answer_ms\|^2 never' "$out"
	echo "# $name: client: $(tr '\n' ' ' <"$out")"
	second=$(sed -n 's/^2 //p' "$out")
	# The totals ipvsadm reads are folded from per-CPU counters by the
	# kernel's rate estimator every 2 s: wait up to 6 s for them to move.
	for ((i = 0; i < 30; i++)); do
		after=$(in_pkts "$d2")
		[ "${after:-0}" -gt "${before:-0}" ] && break
		sleep 0.2
	done
	echo "# $name: lvs02 InPkts for the VIP before/after: $before/$after"
	RESULT_RS=$rs RESULT_SECOND=$second RESULT_FORWARDED=$(( ${after:-0} > ${before:-0} ))
	conns "$d2" | grep "$CL:$cport" | sed "s/^/# $name: lvs02: /"
}

# ---- with lvs_sync_daemon: the connection survives ----
run_case sync yes
check_eq "sync: the second line on the same connection, after the failover, is answered by the same real server" \
	"$RESULT_RS line 2" "$RESULT_SECOND"
check_eq "sync: lvs02's IPVS forwarded it (its InPkts grew)" "1" "$RESULT_FORWARDED"
for g in $ha_pgids; do ha_kill "$g"; done
ha_pgids=
ip netns delete lvs01-sync; ip netns delete lvs02-sync

# ---- the control: no lvs_sync_daemon, the connection does not survive ----
run_case nosync ""
case $RESULT_SECOND in
"$RESULT_RS line 2" | $RS1* | $RS2*)
	fail "control (no lvs_sync_daemon): the second line after the failover is not answered by a real server"
	echo "#   got: $RESULT_SECOND" ;;
*) ok "control (no lvs_sync_daemon): the second line after the failover is not answered by a real server ($RESULT_SECOND)" ;;
esac
echo "# t_ha_sync.sh took ${SECONDS} s in the guest"
