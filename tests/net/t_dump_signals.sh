#!/bin/bash
# t_dump_signals.sh - SIGUSR1 and SIGUSR2, keepalived's dump signals, never
# kill a daemon (docs/safety.md, "Signals"): vrrpd as MASTER takes several
# of each and stays MASTER with its VIP, writing its status table to
# $TMPDIR/vrrpd.data and its JSON to $TMPDIR/vrrpd.stats; a symlink planted
# at a dump name is replaced, its target left untouched; a dump that cannot
# be written (a directory at its name) is logged and the daemon runs on.
# The same for a standalone checkd and for lvsd (which runs here without
# IPVS and retries). TMPDIR is a private sticky directory like /tmp, so
# parallel runs never meet and nothing is left behind.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require_vrrpd "dump signals"
BIN=$(dirname "$VRRPD")
CHECKD=${CHECKD:-$BIN/checkd}
LVSD=${LVSD:-$BIN/lvsd}
[ -x "$CHECKD" ] && [ -x "$LVSD" ] || die_suite "dump signals: checkd or lvsd not built (make)"
command -v python3 >/dev/null || die_suite "dump signals: python3 missing"
nb_setup 1 || die_suite "dump signals: cannot build the test bed"
W=$NB_WORK
D=$W/tmp
mkdir -m 1777 "$D"
export TMPDIR=$D
VIP=$NB_NET.100

# wait_until SECONDS CMD...: polls CMD every 50 ms until it succeeds.
wait_until() {
	local tries=$(($1 * 20))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}
regular() { [ -f "$1" ] && [ ! -L "$1" ]; }
# has FILE ERE: FILE is a regular file with a line matching ERE.
has() { regular "$1" && grep -Eq -- "$2" "$1"; }
# signals PID N: N times SIGUSR1 and SIGUSR2, some back to back.
signals() {
	local i
	for i in $(seq 1 "$2"); do
		kill -USR1 "$1"
		kill -USR2 "$1"
		[ $((i % 2)) = 0 ] && sleep 0.1
	done
	sleep 0.3
}
alive() { kill -0 "$1" 2>/dev/null; }
# leftovers: temporary files a dump left beside its target.
leftovers() { find "$D" -name '*.data.*' -o -name '*.stats.*' | wc -l; }
json_ok() { python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"; }

# ---- vrrpd, MASTER with a VIP ----
cat >"$W/vrrp.conf" <<EOF
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        $VIP/24
    }
}
EOF
echo keep >"$W/victim"
ln -s "$W/victim" "$D/vrrpd.data"
nb_daemon r1 vrrpd "$W/vrrp.conf"
vpid=$(cat "$W/r1.d.pid")
if nb_wait_vip r1 "$VIP" 6; then ok "vrrpd takes the VIP"; else fail "vrrpd takes the VIP"; nb_log r1; fi
check_eq "vrrpd is MASTER before the signals" MASTER "$(nb_get r1 VI_1 state)"

signals "$vpid" 5
if alive "$vpid"; then ok "vrrpd survives SIGUSR1 and SIGUSR2"; else fail "vrrpd survives SIGUSR1 and SIGUSR2"; nb_log r1; fi
check_eq "vrrpd is still MASTER" MASTER "$(nb_get r1 VI_1 state)"
if nb_vip_on r1 "$VIP"; then ok "vrrpd still holds its VIP"; else fail "vrrpd still holds its VIP"; fi
if wait_until 3 has "$D/vrrpd.data" '^VI_1 .*MASTER'; then ok "vrrpd.data holds the status table"
else fail "vrrpd.data holds the status table"; nb_log r1; fi
if wait_until 3 regular "$D/vrrpd.stats" && json_ok "$D/vrrpd.stats"; then ok "vrrpd.stats is JSON"
else fail "vrrpd.stats is JSON"; fi
check_eq "vrrpd.stats gives the instance's state" MASTER "$(nb_pick VI_1 state <"$D/vrrpd.stats")"
check_eq "the planted symlink's target is untouched" keep "$(cat "$W/victim")"
if regular "$D/vrrpd.data"; then ok "the symlink was replaced by a regular file"
else fail "the symlink was replaced by a regular file"; ls -l "$D" | sed 's/^/#   /'; fi
check_eq "dump files are mode 600" "600 600" \
	"$(stat -c %a "$D/vrrpd.data" 2>/dev/null) $(stat -c %a "$D/vrrpd.stats" 2>/dev/null)"
check_eq "no temporary files left" 0 "$(leftovers)"
if grep -q "SIGUSR1: .* written to $D/vrrpd.data" "$W/r1.d.log" &&
	grep -q "SIGUSR2: .* written to $D/vrrpd.stats" "$W/r1.d.log"; then
	ok "vrrpd logs the files it wrote"
else
	fail "vrrpd logs the files it wrote"; nb_log r1
fi
nb_kill r1 TERM
if nb_wait_vip r1 "$VIP" 3 absent; then ok "SIGTERM still removes the VIP"; else fail "SIGTERM still removes the VIP"; fi
if nb_wait_gone r1 3; then ok "vrrpd exits on SIGTERM"; else fail "vrrpd exits on SIGTERM"; fi

# ---- checkd, standalone ----
cat >"$W/check.conf" <<EOF
virtual_server $NB_NET.100 80 {
    protocol TCP
    lb_algo rr
    lb_kind NAT
    real_server $NB_NET.200 81 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
EOF
echo keep >"$W/victim2"
ln -s "$W/victim2" "$D/checkd.stats"
mkdir "$D/checkd.data"    # a dump that cannot be written
ip netns exec "$(nb_ns r1)" "$CHECKD" -n -l -f "$W/check.conf" -S "$W/checkd.sock" -p "$W/checkd.pid" \
	</dev/null >/dev/null 2>"$W/checkd.log" &
cpid=$!
wait_until 5 test -s "$W/checkd.pid" || fail "checkd wrote its pid file"
signals "$cpid" 3
if alive "$cpid"; then ok "checkd survives SIGUSR1 and SIGUSR2"; else fail "checkd survives SIGUSR1 and SIGUSR2"; fi
if grep -q "SIGUSR1: cannot write $D/checkd.data" "$W/checkd.log"; then ok "an unwritable dump is logged"
else fail "an unwritable dump is logged"; tail -5 "$W/checkd.log" | sed 's/^/#   /'; fi
if [ -d "$D/checkd.data" ]; then ok "the directory in the way is left alone"; else fail "the directory in the way is left alone"; fi
rmdir "$D/checkd.data"
kill -USR1 "$cpid"
if wait_until 3 has "$D/checkd.data" "$NB_NET.200"; then ok "checkd.data lists the real server"
else fail "checkd.data lists the real server"; tail -5 "$W/checkd.log" | sed 's/^/#   /'; fi
if regular "$D/checkd.stats" && json_ok "$D/checkd.stats" && grep -q virtual_servers "$D/checkd.stats"; then
	ok "checkd.stats is checkd's JSON"
else
	fail "checkd.stats is checkd's JSON"
fi
check_eq "checkd: the planted symlink's target is untouched" keep "$(cat "$W/victim2")"
"$CHECKD" -S "$W/checkd.sock" -s >/dev/null 2>&1 && ok "checkd's socket still answers" ||
	fail "checkd's socket still answers"
check_eq "checkd: no temporary files left" 0 "$(leftovers)"
kill -TERM "$cpid"
if wait_until 5 sh -c "! kill -0 $cpid"; then ok "checkd exits on SIGTERM"; else fail "checkd exits on SIGTERM"; fi

# ---- lvsd, without IPVS here; a /run of its own for its children ----
ip netns exec "$(nb_ns r1)" unshare -m sh -c 'mount -t tmpfs lvt /run && exec "$@"' lvsd \
	"$LVSD" -n -l -f "$W/check.conf" -p "$W/lvsd.pid" -S "$W/lvsd.sock" </dev/null >"$W/lvsd.log" 2>&1 &
lpid=$!
wait_until 5 test -s "$W/lvsd.pid" || fail "lvsd wrote its pid file"
signals "$lpid" 3
if alive "$lpid"; then ok "lvsd survives SIGUSR1 and SIGUSR2"; else fail "lvsd survives SIGUSR1 and SIGUSR2"; fi
if wait_until 3 regular "$D/lvsd.data" && [ -s "$D/lvsd.data" ]; then ok "lvsd.data written"
else fail "lvsd.data written"; tail -5 "$W/lvsd.log" | sed 's/^/#   /'; fi
if wait_until 3 regular "$D/lvsd.stats" && json_ok "$D/lvsd.stats"; then ok "lvsd.stats is JSON"
else fail "lvsd.stats is JSON"; fi
"$LVSD" -S "$W/lvsd.sock" -s >/dev/null 2>&1 && ok "lvsd's socket still answers" || fail "lvsd's socket still answers"
kill -TERM "$lpid"
if wait_until 10 sh -c "! kill -0 $lpid"; then ok "lvsd exits on SIGTERM"; else fail "lvsd exits on SIGTERM"; fi
check_eq "lvsd: no temporary files left" 0 "$(leftovers)"
