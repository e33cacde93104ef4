#!/bin/bash
# t_daemon_safety.sh - what vrrpd, checkd and lvsd promise about their pid
# file, their single-instance lock and their control socket (docs/safety.md):
# a pid file that is a symlink or somebody else's is refused and left as it
# is; the pid file is replaced by rename, never written through; a second
# daemon on the same pid file or control socket refuses to start, naming the
# running one's pid, and leaves the first one's VIP, socket and pid file
# alone; -S never removes anything but a stale socket. All in namespaces
# made here; one case runs as nobody, where a writable directory lets an
# unprivileged daemon delete root's files.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require_vrrpd "daemon safety"
BIN=$(dirname "$VRRPD")
CHECKD=${CHECKD:-$BIN/checkd}
LVSD=${LVSD:-$BIN/lvsd}
[ -x "$CHECKD" ] && [ -x "$LVSD" ] || die_suite "daemon safety: checkd or lvsd not built (make)"
command -v setpriv >/dev/null || die_suite "daemon safety: setpriv missing"
command -v python3 >/dev/null || die_suite "daemon safety: python3 missing"
nb_setup 1 || die_suite "daemon safety: cannot build the test bed"
W=$NB_WORK
chmod 755 "$W"
VIP=$NB_NET.100

# A checker config for checkd and lvsd: a real server nobody listens on.
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
nb_instance VI_1 51 150 "$VIP/24" >"$W/vrrp.conf"
chmod 644 "$W/check.conf" "$W/vrrp.conf"

# start NAME CMD...: CMD in r1's namespace in the background, its output in
# $W/NAME.log; its pid (the daemon's own: every wrapper execs) in $LAST.
start() {
	local name=$1
	shift
	ip netns exec "$(nb_ns r1)" "$@" </dev/null >"$W/$name.log" 2>&1 &
	LAST=$!
}

# finish PID SECONDS: waits for PID to exit on its own; its exit code in RC,
# or RC=running when it had to be stopped (SIGTERM, then waited for).
finish() {
	local pid=$1 tries=$(($2 * 20))
	while [ "$tries" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.05
		tries=$((tries - 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		RC=running
	else
		wait "$pid" 2>/dev/null
		RC=$?
	fi
}

# stop PID: SIGTERM and wait; the exit code in RC.
stop() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null; RC=$?; }

# wait_file PATH CONTENT SECONDS: until PATH holds exactly CONTENT.
wait_file() {
	local tries=$(($3 * 20))
	while [ "$tries" -gt 0 ]; do
		[ "$(cat "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}

# refused WHAT RC LOG PATTERN: the daemon exited non-zero by itself, saying PATTERN.
refused() {
	case "$2" in
	running|0) fail "$1: refused to start (got: $2)"; sed 's/^/#   /' "$3" | head -5 ;;
	*) ok "$1: refused to start (exit $2)" ;;
	esac
	if grep -q -- "$4" "$3"; then ok "$1: says '$4'"; else fail "$1: says '$4'"; sed 's/^/#   /' "$3" | head -5; fi
}

# mark PATH: "type owner content" of PATH, not following a link.
mark() {
	if [ -L "$1" ]; then echo "link -> $(readlink "$1"), target: $(cat "$1" 2>/dev/null)"
	elif [ -e "$1" ]; then echo "$(stat -c '%F %U %i' "$1"): $(cat "$1" 2>/dev/null)"
	else echo absent; fi
}

# ---- the pid file ----
echo keep >"$W/target"
ln -s "$W/target" "$W/sym.pid"
start sym "$CHECKD" -n -l -f "$W/check.conf" -S "$W/sym.sock" -p "$W/sym.pid"
finish "$LAST" 3
refused "pid file that is a symlink" "$RC" "$W/sym.log" "symbolic link"
check_eq "pid file that is a symlink: its target is untouched" keep "$(cat "$W/target")"
check_eq "pid file that is a symlink: stays the link" "$W/target" "$(readlink "$W/sym.pid")"

echo 4242 >"$W/foreign.pid"
chown nobody "$W/foreign.pid"
before=$(mark "$W/foreign.pid")
start foreign "$CHECKD" -n -l -f "$W/check.conf" -S "$W/foreign.sock" -p "$W/foreign.pid"
finish "$LAST" 3
refused "pid file owned by nobody" "$RC" "$W/foreign.log" "belongs to uid"
check_eq "pid file owned by nobody: left as it was" "$before" "$(mark "$W/foreign.pid")"

# A stale pid file with a second name: writing through it would change the
# other name's content too; a rename replaces the name only.
echo "999999 a stale pid file" >"$W/atomic.pid"
ln "$W/atomic.pid" "$W/other-name"
old_inode=$(stat -c %i "$W/atomic.pid")
start atomic "$CHECKD" -n -l -f "$W/check.conf" -S "$W/atomic.sock" -p "$W/atomic.pid"
pid=$LAST
if wait_file "$W/atomic.pid" "$pid" 5; then ok "pid file holds the daemon's pid"
else fail "pid file holds the daemon's pid"; echo "#   got: $(cat "$W/atomic.pid")"; fi
check_eq "pid file content is exactly PID and a newline" "$(printf '%s\n' "$pid" | od -c)" "$(od -c <"$W/atomic.pid")"
[ "$(stat -c %i "$W/atomic.pid")" != "$old_inode" ] && ok "pid file is a new file renamed over the old one" ||
	fail "pid file is a new file renamed over the old one"
check_eq "pid file: its old file's other name is untouched" "999999 a stale pid file" "$(cat "$W/other-name")"
check_eq "pid file: no temporary file left beside it" "" "$(ls "$W" | grep '^atomic\.pid\.' | grep -v '\.lock$')"
stop "$pid"
check_eq "checkd stops cleanly" 0 "$RC"
check_eq "checkd removes its own pid file on exit" absent "$(mark "$W/atomic.pid")"

# ---- one instance per pid file and control socket ----
start vrrpd1 "$VRRPD" -n -l -D -f "$W/vrrp.conf" -p "$W/vrrpd.pid" -S "$W/vrrpd.sock"
v1=$LAST
nb_wait_vip r1 "$VIP" 10 && ok "first vrrpd becomes MASTER with the VIP" || fail "first vrrpd becomes MASTER with the VIP"
wait_file "$W/vrrpd.pid" "$v1" 5 || fail "first vrrpd wrote its pid file"
start vrrpd2 "$VRRPD" -n -l -D -f "$W/vrrp.conf" -p "$W/vrrpd.pid" -S "$W/vrrpd.sock"
finish "$LAST" 5
refused "second vrrpd on the same config, pid file and socket" "$RC" "$W/vrrpd2.log" "pid $v1"
start vrrpd3 "$VRRPD" -n -l -D -f "$W/vrrp.conf" -S "$W/vrrpd.sock"
finish "$LAST" 5
refused "second vrrpd on the same socket, without a pid file" "$RC" "$W/vrrpd3.log" "pid $v1"
sleep 0.5
nb_vip_on r1 "$VIP" && ok "first vrrpd keeps its VIP" || fail "first vrrpd keeps its VIP"
check_eq "first vrrpd is still MASTER" MASTER "$("$VRRPD" -S "$W/vrrpd.sock" --json 2>/dev/null | nb_pick VI_1 state)"
check_eq "first vrrpd keeps its pid file" "$v1" "$(cat "$W/vrrpd.pid" 2>/dev/null)"
kill -0 "$v1" 2>/dev/null && ok "first vrrpd still runs" || fail "first vrrpd still runs"
stop "$v1"
check_eq "first vrrpd stops cleanly" 0 "$RC"
nb_wait_vip r1 "$VIP" 3 absent && ok "first vrrpd takes its VIP down on exit" || fail "first vrrpd takes its VIP down on exit"

start checkd1 "$CHECKD" -n -l -f "$W/check.conf" -p "$W/checkd.pid" -S "$W/checkd.sock"
c1=$LAST
wait_file "$W/checkd.pid" "$c1" 5 || fail "first checkd wrote its pid file"
start checkd2 "$CHECKD" -n -l -f "$W/check.conf" -p "$W/checkd.pid" -S "$W/checkd.sock"
finish "$LAST" 5
refused "second checkd on the same config, pid file and socket" "$RC" "$W/checkd2.log" "pid $c1"
start checkd3 "$CHECKD" -n -l -f "$W/check.conf" -p "$W/checkd.pid" -S "$W/checkd-other.sock"
finish "$LAST" 5
refused "second checkd on the same pid file, another socket" "$RC" "$W/checkd3.log" "pid $c1"
check_eq "first checkd keeps its pid file" "$c1" "$(cat "$W/checkd.pid" 2>/dev/null)"
"$CHECKD" -S "$W/checkd.sock" -s >/dev/null 2>&1 && ok "first checkd's socket still answers" ||
	fail "first checkd's socket still answers"
stop "$c1"
check_eq "first checkd stops cleanly" 0 "$RC"

# lvsd runs here without IPVS (it retries), which is enough for its lock.
# Each gets a /run of its own: the checkd it starts uses the default socket.
start lvsd1 unshare -m sh -c 'mount -t tmpfs lvt /run && exec "$@"' lvsd \
	"$LVSD" -n -l -f "$W/check.conf" -p "$W/lvsd.pid" -S "$W/lvsd.sock"
l1=$LAST
wait_file "$W/lvsd.pid" "$l1" 5 || fail "first lvsd wrote its pid file"
start lvsd2 unshare -m sh -c 'mount -t tmpfs lvt /run && exec "$@"' lvsd \
	"$LVSD" -n -l -f "$W/check.conf" -p "$W/lvsd.pid" -S "$W/lvsd.sock"
finish "$LAST" 5
refused "second lvsd on the same config, pid file and socket" "$RC" "$W/lvsd2.log" "pid $l1"
check_eq "first lvsd keeps its pid file" "$l1" "$(cat "$W/lvsd.pid" 2>/dev/null)"
"$LVSD" -S "$W/lvsd.sock" -s >/dev/null 2>&1 && ok "first lvsd's socket still answers" ||
	fail "first lvsd's socket still answers"
stop "$l1"
check_eq "first lvsd stops cleanly" 0 "$RC"

# ---- -S: only a stale socket is replaced ----
# Something else there: the daemon runs on without a control socket.
echo precious >"$W/file.sock"
mkdir "$W/dir.sock"
ln -s "$W/target" "$W/link.sock"
for what in file dir link; do
	before=$(mark "$W/$what.sock")
	start "s$what" "$CHECKD" -n -l -f "$W/check.conf" -S "$W/$what.sock" -p "$W/s$what.pid"
	pid=$LAST
	wait_file "$W/s$what.pid" "$pid" 5 || fail "-S at a $what: checkd starts"
	stop "$pid"
	check_eq "-S at a $what: left as it was" "$before" "$(mark "$W/$what.sock")"
	grep -q "other than a socket" "$W/s$what.log" && ok "-S at a $what: says why there is no socket" ||
		fail "-S at a $what: says why there is no socket"
done
check_eq "-S at a link: its target is untouched" keep "$(cat "$W/target")"

python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$W/stale.sock"
[ -S "$W/stale.sock" ] || fail "a stale socket to replace"
start stale "$CHECKD" -n -l -f "$W/check.conf" -S "$W/stale.sock"
pid=$LAST
tries=100
until "$CHECKD" -S "$W/stale.sock" -s >/dev/null 2>&1 || [ $tries = 0 ]; do sleep 0.05; tries=$((tries - 1)); done
[ $tries -gt 0 ] && ok "-S at a stale socket: replaced, the daemon answers there" ||
	fail "-S at a stale socket: replaced, the daemon answers there"
stop "$pid"

# ---- as nobody, in a directory nobody may write ----
mkdir "$W/u" && chmod 777 "$W/u"
echo "root's" >"$W/u/root.pid"
echo "root's" >"$W/u/root.sock"
NOBODY=(setpriv --reuid nobody --regid "$(id -g nobody)" --clear-groups)
before=$(mark "$W/u/root.pid")
start nobody1 "${NOBODY[@]}" "$CHECKD" -n -l -f "$W/check.conf" -S "$W/u/n.sock" -p "$W/u/root.pid"
finish "$LAST" 3
refused "checkd as nobody on root's pid file" "$RC" "$W/nobody1.log" "belongs to uid 0"
check_eq "checkd as nobody: root's pid file is left as it was" "$before" "$(mark "$W/u/root.pid")"
before=$(mark "$W/u/root.sock")
start nobody2 "${NOBODY[@]}" "$CHECKD" -n -l -f "$W/check.conf" -S "$W/u/root.sock" -p "$W/u/n.pid"
pid=$LAST
wait_file "$W/u/n.pid" "$pid" 5 && ok "checkd as nobody starts with its own pid file" ||
	fail "checkd as nobody starts with its own pid file"
stop "$pid"
check_eq "checkd as nobody: root's file at -S is left as it was" "$before" "$(mark "$W/u/root.sock")"
