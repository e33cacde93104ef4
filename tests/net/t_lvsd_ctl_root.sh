#!/bin/bash
# t_lvsd_ctl_root.sh - `lvsd ctl` changes state for root only: lvsd reads
# each control client's uid from the kernel (SO_PEERCRED). A socket left
# as lvsd makes it (0700) does not let nobody in at all; one opened to
# everybody (chmod 0666, as an admin might for monitoring) still answers
# nobody's -s and --json, but refuses nobody's drain, enable and weight with
# a clear error and exit 1, changes nothing, and logs nobody's uid as `id`
# gives it. lvsd runs here without IPVS (it retries), which is enough: the
# overrides are in its model, and -s/--json show them.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
LVSD=${LVSD:-$PWD/build/x86_64/bin/lvsd}
[ -x "$LVSD" ] || die_suite "lvsd ctl root: $LVSD not built (make)"
[ "$(id -u)" = 0 ] || die_suite "lvsd ctl root: needs root"
command -v setpriv >/dev/null || die_suite "lvsd ctl root: setpriv missing"

W=$(mktemp -d /tmp/lvsd-ctl.XXXXXX)
chmod 0755 "$W"
lvsd_pid=
cleanup() {
	[ -n "$lvsd_pid" ] && { kill -TERM "$lvsd_pid"; wait "$lvsd_pid"; } 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

cat >"$W/lvsd.conf" <<EOF
virtual_server 192.0.2.10 80 {
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server 192.0.2.21 80 {
        weight 3
    }
    real_server 192.0.2.22 80 {
        weight 1
    }
}
EOF
chmod 0644 "$W/lvsd.conf"
sock=$W/lvsd.sock
# A private /run: lvsd must not meet a real director's sockets.
unshare -m sh -c 'mount -t tmpfs lvt /run && exec "$@"' lvsd \
	"$LVSD" -n -l -f "$W/lvsd.conf" -S "$sock" </dev/null >"$W/lvsd.log" 2>&1 &
lvsd_pid=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { sed 's/^/#   /' "$W/lvsd.log"; die_suite "lvsd ctl root: lvsd did not open $sock"; }

NOBODY=(setpriv --reuid nobody --regid "$(id -g nobody)" --clear-groups)
nobody_uid=$(id -u nobody)
json() { "$LVSD" -S "$sock" --json; }
# ctl_of RS: the "ctl" field of that real server in --json.
ctl_of() { json | grep -o "\"name\":\"$1\",[^}]*\"ctl\":[^,]*" | sed 's/.*"ctl"://'; }

"$LVSD" -S "$sock" ctl drain -t 192.0.2.10:80 192.0.2.21:80 >"$W/out" 2>&1
check_eq "root drains 192.0.2.21:80 (exit 0)" 0 "$?"
check_eq "--json: 192.0.2.21:80 drained" '"drained"' "$(ctl_of 192.0.2.21:80)"

check_eq "the socket is as lvsd made it: 0700" 700 "$(stat -c %a "$sock")"
"${NOBODY[@]}" "$LVSD" -S "$sock" ctl enable -t 192.0.2.10:80 192.0.2.21:80 >/dev/null 2>"$W/err"
rc=$?
[ "$rc" != 0 ] && ok "nobody cannot reach a 0700 socket (exit $rc: $(head -n 1 "$W/err"))" ||
	fail "nobody cannot reach a 0700 socket"

chmod 0666 "$sock"
"${NOBODY[@]}" "$LVSD" -S "$sock" -s >"$W/status" 2>"$W/err"
check_eq "a 0666 socket: nobody's -s is answered" 0 "$?"
grep -q '192.0.2.21:80 .*\[ctl: drained\]' "$W/status" && ok "nobody's -s shows the drain" ||
	fail "nobody's -s shows the drain"
"${NOBODY[@]}" "$LVSD" -S "$sock" --json >/dev/null 2>&1
check_eq "a 0666 socket: nobody's --json is answered" 0 "$?"

for req in "enable -t 192.0.2.10:80 192.0.2.21:80" "drain -t 192.0.2.10:80 192.0.2.22:80" \
	   "weight -t 192.0.2.10:80 192.0.2.22:80 9"; do
	# shellcheck disable=SC2086 # the request's words
	"${NOBODY[@]}" "$LVSD" -S "$sock" ctl $req >"$W/out" 2>"$W/err"
	rc=$?
	check_eq "nobody: '$req' exits 1" 1 "$rc"
	grep -q "error: permission denied: only root" "$W/err" && ok "nobody: '$req' says permission denied" ||
		{ fail "nobody: '$req' says permission denied"; sed 's/^/#   /' "$W/err"; }
	[ -s "$W/out" ] && fail "nobody: '$req' printed nothing on stdout" || ok "nobody: '$req' printed nothing on stdout"
done
check_eq "after nobody's requests: 192.0.2.21:80 still drained" '"drained"' "$(ctl_of 192.0.2.21:80)"
check_eq "after nobody's requests: 192.0.2.22:80 has no override" 'null' "$(ctl_of 192.0.2.22:80)"
check_eq "the log names nobody's uid for each refusal" 3 "$(grep -c "refused: uid $nobody_uid " "$W/lvsd.log")"

# A bare request over the socket, as socat or nc would send it, is refused the same way.
if command -v socat >/dev/null; then
	reply=$(echo "drain -t 192.0.2.10:80 192.0.2.22:80" | "${NOBODY[@]}" socat - UNIX-CONNECT:"$sock")
	check_eq "a bare request from nobody: the error line" \
		"error: permission denied: only root may drain, enable or weight a real server" "$reply"
fi

"$LVSD" -S "$sock" ctl enable -t 192.0.2.10:80 192.0.2.21:80 >/dev/null 2>&1
check_eq "root enables it again (exit 0)" 0 "$?"
check_eq "--json: no override on 192.0.2.21:80" 'null' "$(ctl_of 192.0.2.21:80)"

"$LVSD" -S "$sock" ctl >/dev/null 2>"$W/err"
check_eq "lvsd ctl without words: usage error, exit 2" 2 "$?"
"$LVSD" -S "$sock" ctl drain -t 192.0.2.10:80 "192.0.2.21:80 x" >/dev/null 2>"$W/err"
check_eq "a word with a blank in it is refused before it is sent (exit 2)" 2 "$?"
