#!/bin/bash
# t_lvsd_ctl.sh - `lvsd ctl` on a NAT director with real IPVS, the real
# ipvsadm as the oracle. Two real servers in namespaces answer each
# connection with their own address and then echo; a client holds one
# connection open to the server about to be drained. drain: ipvsadm shows
# weight 0, the held connection still echoes and is in ipvsadm -Lnc, every
# new connection goes to the other server; the drained server going down
# and coming back is still drained; enable: it takes new connections again;
# weight N: ipvsadm shows N; an unknown real server or a non-root client
# changes nothing; a reload drops the override, and keeps it under
# --keep-overrides (docs/lvsd.md says so).
cd "$(dirname "$0")/../.." || exit 2
. tests/vm/lvsd_lib.sh
command -v socat >/dev/null || die_suite "ctl: socat missing"
command -v setpriv >/dev/null || die_suite "ctl: setpriv missing"

vip=10.0.1.1
nat_bed $vip 11 12 || die_suite "ctl: cannot build the client and real-server namespaces"

# probe FROM_NS ADDR: one connection to ADDR:80 from namespace FROM_NS that
# sends nothing: the server's greeting, after which the client's EOF ends
# the exchange. -t 10 on both ends: after an EOF socat waits for the other
# direction up to 10 s (its default, 0.5 s, is shorter than a fork under TCG).
# Bounded by socat's own timeouts and by timeout(1).
probe() {
	timeout 20 ip netns exec "$1" socat -t 10 -T 10 - TCP:"$2":80,connect-timeout=5 </dev/null 2>/dev/null | head -n 1
}
# echo_serve ADDR: on ADDR:80, each connection gets "ADDR" and then its own
# bytes back; -t 10: a client's early EOF does not cut the greeting short.
echo_serve() {
	ip netns exec "rs-$1" socat -t 10 TCP-LISTEN:80,bind="$1",fork,reuseaddr SYSTEM:"echo $1; exec cat" \
		</dev/null >/dev/null 2>&1 &
	echo $! >"$WORK/echo-$1.pid"
	bg_pids+=($!)
	wait_for 10 probe_is "rs-$1" "$1" "$1"
}
probe_is() { [ "$(probe "$1" "$2")" = "$3" ]; }
echo_stop() {
	local pid
	pid=$(cat "$WORK/echo-$1.pid")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
for n in 11 12; do echo_serve 10.0.2.$n || die_suite "ctl: echo server 10.0.2.$n does not answer"; done

cfg=$WORK/lvsd.conf
cat >"$cfg" <<EOF
virtual_server $vip 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 10.0.2.11 80 {
        weight 2
        TCP_CHECK {
            connect_timeout 1
            retry 0
            delay_before_retry 1
        }
    }
    real_server 10.0.2.12 80 {
        weight 2
        TCP_CHECK {
            connect_timeout 1
            retry 0
            delay_before_retry 1
        }
    }
}
EOF
start_lvsd -f "$cfg" || die_suite "ctl: lvsd did not start"
# expected OTHER_WEIGHT DRAINED_WEIGHT: the table as ipvsadm saves it (keepalived.conf(5):
# NAT is -m, lb_algo -s, weight -w), with the drained server's line left out when its weight is "-".
expected() {
	{
		echo "-A -t $vip:80 -s rr"
		echo "-a -t $vip:80 -r $other:80 -m -w $1"
		[ "$2" = - ] || echo "-a -t $vip:80 -r $drained:80 -m -w $2"
	} | sort
}
t1=$(printf '%s\n' "-A -t $vip:80 -s rr" "-a -t $vip:80 -r 10.0.2.11:80 -m -w 2" \
	"-a -t $vip:80 -r 10.0.2.12:80 -m -w 2" | sort)
wait_for 20 table_is "$t1"
check_table "lvsd programs both real servers with weight 2" "$t1"

# The held connection: its input is a FIFO the test keeps open, its output a file.
mkfifo "$WORK/held.in"
exec 7<>"$WORK/held.in"
ip netns exec cl socat - TCP:$vip:80 <"$WORK/held.in" >"$WORK/held.out" 2>&1 7>&- &
held_pid=$!
bg_pids+=($held_pid)
wait_for 10 grep -q '^10\.0\.2\.1[12]$' "$WORK/held.out" || die_suite "ctl: the held connection got no answer"
drained=$(head -n 1 "$WORK/held.out")
other=10.0.2.11
[ "$drained" = 10.0.2.11 ] && other=10.0.2.12
echo "# the held connection is on $drained; $other is the other server"

# ask ARGS...: lvsd ctl as root; its stdout, stderr and exit code in $WORK/ctl.{out,err}, CTL_RC.
ask() {
	"$BIN/lvsd" -S "$LVSD_SOCK" ctl "$@" >"$WORK/ctl.out" 2>"$WORK/ctl.err"
	CTL_RC=$?
}
# new_conns N: N new connections from the client, the answering server of
# each ("none" when none answered), one a line.
new_conns() {
	local i a
	for ((i = 0; i < $1; i++)); do
		a=$(probe cl $vip)
		echo "${a:-none}"
	done
}
established_to() {
	"$IPVSADM" -Lnc | grep -Eq "ESTABLISHED +10\.0\.1\.2:[0-9]+ +$vip:80 +$1:80"
}

# ---- drain ----
ask drain -t $vip:80 $drained:80
check_eq "lvsd ctl drain exits 0" 0 "$CTL_RC"
wait_for 20 table_is "$(expected 2 0)"
check_table "drain: ipvsadm shows $drained with weight 0, $other unchanged" "$(expected 2 0)"
echo "still-there" >&7
wait_for 10 grep -q '^still-there$' "$WORK/held.out" && ok "the held connection to $drained still echoes after the drain" ||
	{ fail "the held connection to $drained still echoes after the drain"; sed 's/^/#   /' "$WORK/held.out"; }
established_to "$drained" && ok "ipvsadm -Lnc shows the held connection, ESTABLISHED to $drained" ||
	{ fail "ipvsadm -Lnc shows the held connection, ESTABLISHED to $drained"; "$IPVSADM" -Lnc | sed 's/^/#   /'; }
got=$(new_conns 6 | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')
check_eq "all six new connections go to $other" "$other=6 " "$got"
"$BIN/lvsd" -S "$LVSD_SOCK" -s | grep -E "^ +$drained:80 " | grep -q '\[ctl: drained\]' &&
	ok "lvsd -s marks $drained as drained by ctl" || fail "lvsd -s marks $drained as drained by ctl"
lvsd_json | grep -q "\"name\":\"$drained:80\",[^}]*\"ctl\":\"drained\"" &&
	ok "lvsd --json says ctl: drained for $drained" || fail "lvsd --json says ctl: drained for $drained"
grep -q "ctl: tcp/$vip:80 $drained:80: override drained" "$LVSD_LOG" && ok "the drain is logged" ||
	{ fail "the drain is logged"; show_log "$LVSD_LOG"; }

# ---- refused: an unknown real server, a non-root client ----
ask drain -t $vip:80 10.0.2.99:80
[ "$CTL_RC" != 0 ] && grep -q "no real server 10.0.2.99:80" "$WORK/ctl.err" &&
	ok "an unknown real server: exit $CTL_RC and a clear error" ||
	{ fail "an unknown real server: non-zero exit and a clear error"; cat "$WORK/ctl.err" | sed 's/^/#   /'; }
chmod 0755 "$WORK"
chmod 0666 "$LVSD_SOCK"     # as an admin would open it for monitoring: status stays readable
setpriv --reuid nobody --regid "$(id -g nobody)" --clear-groups "$BIN/lvsd" -S "$LVSD_SOCK" \
	ctl enable -t $vip:80 $drained:80 >/dev/null 2>"$WORK/nobody.err"
rc=$?
[ "$rc" != 0 ] && grep -q "permission denied" "$WORK/nobody.err" && ok "enable as nobody: refused (exit $rc)" ||
	{ fail "enable as nobody: refused with a non-zero exit"; sed 's/^/#   /' "$WORK/nobody.err"; }
sleep 2
check_table "the refused requests changed nothing" "$(expected 2 0)"

# ---- the drained server goes down and comes back: still drained ----
exec 7>&-                  # EOF: the echo server's side closes, and so does the client
wait_for 10 not_running "$held_pid" || kill "$held_pid" 2>/dev/null
wait "$held_pid" 2>/dev/null
echo_stop "$drained"
wait_for 20 table_is "$(expected 2 -)"
check_table "$drained down: its checker takes it out of IPVS" "$(expected 2 -)"
echo_serve "$drained"
wait_for 20 table_is "$(expected 2 0)"
check_table "$drained back up: still drained, weight 0" "$(expected 2 0)"

# ---- enable ----
ask enable -t $vip:80 $drained:80
check_eq "lvsd ctl enable exits 0" 0 "$CTL_RC"
wait_for 20 table_is "$t1"
check_table "enable: $drained has its configured weight 2 again" "$t1"
got=$(new_conns 6 | sort -u | tr '\n' ' ')
check_eq "new connections reach both servers again" "10.0.2.11 10.0.2.12 " "$got"

# ---- weight N, lvsd's own name for the virtual server ----
ask weight tcp/$vip:80 $drained:80 5
check_eq "lvsd ctl weight exits 0" 0 "$CTL_RC"
wait_for 20 table_is "$(expected 2 5)"
check_table "weight 5: ipvsadm shows $drained with weight 5" "$(expected 2 5)"
lvsd_json | grep -q "\"name\":\"$drained:80\",[^}]*\"ctl\":\"weight\",\"ctl_weight\":5" &&
	ok "lvsd --json says ctl: weight, ctl_weight 5" || fail "lvsd --json says ctl: weight, ctl_weight 5"

# ---- a reload drops the override ----
kill -HUP "$lvsd_pid"
wait_for 20 table_is "$t1"
check_table "a reload drops the override: weight 2 as configured" "$t1"
grep -q "reload: tcp/$vip:80 $drained:80: ctl override (weight 5) dropped" "$LVSD_LOG" &&
	ok "the dropped override is logged" || { fail "the dropped override is logged"; show_log "$LVSD_LOG"; }

if stop_lvsd; then ok "SIGTERM stops lvsd"; else fail "SIGTERM stops lvsd"; fi
check_table "SIGTERM removes what lvsd added" ""

# ---- --keep-overrides: a reload keeps the drain ----
start_lvsd --keep-overrides -f "$cfg" || die_suite "ctl: lvsd --keep-overrides did not start"
wait_for 20 table_is "$t1"
ask drain -t $vip:80 $drained:80
wait_for 20 table_is "$(expected 2 0)"
check_table "--keep-overrides: drained before the reload" "$(expected 2 0)"
kill -HUP "$lvsd_pid"
wait_for 20 grep -q "reload: tcp/$vip:80 $drained:80: ctl override (drained) kept" "$LVSD_LOG" &&
	ok "--keep-overrides: the kept override is logged" || { fail "--keep-overrides: the kept override is logged"; show_log "$LVSD_LOG"; }
sleep 3    # past a reconcile (every 2 s)
check_table "--keep-overrides: still weight 0 after the reload" "$(expected 2 0)"
if stop_lvsd; then ok "SIGTERM stops lvsd --keep-overrides"; else fail "SIGTERM stops lvsd --keep-overrides"; fi
