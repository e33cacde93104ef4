#!/bin/bash
# t_lvsd_quorum_scripts.sh - lvsd runs quorum_up / quorum_down as keepalived
# does: as the script's user (its own USER [GROUP] words, else global_defs
# script_user), with every program the line would run judged by keepalived's
# script security first. A line that hides a user-writable script behind
# shell syntax ("/bin/true ; /path/evil.sh") must not run it as root under
# enable_script_security, and lvsd -t counts these scripts. lvsd runs here without IPVS (it retries), which is
# enough: its quorum follows checkd's reports all the same. Quorum is gained
# when the real server's TCP_CHECK first succeeds (alpha starts it down).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
. tests/net/checkd_bed.sh
ck_require "lvsd quorum scripts"
LVSD=${LVSD:-$NB_ROOT/build/x86_64/bin/lvsd}
[ -x "$LVSD" ] || die_suite "lvsd quorum scripts: $LVSD not built (make)"
ck_setup

S=$CK_SRV
W=$NB_WORK
ck_srv_bg socat TCP-LISTEN:9201,bind=$S,fork,reuseaddr SYSTEM:true >/dev/null
chmod 0755 "$W"         # the script user must reach the scripts
mkdir -m 0755 "$W/ok" "$W/out"
mkdir -m 0777 "$W/ww"          # anyone may write here: unsafe for root's scripts
chmod 0777 "$W/out"
printf '#!/bin/sh\nid -u >> %s/out/whoami\n' "$W" >"$W/ok/whoami.sh"
printf '#!/bin/sh\nid -u >> %s/out/evil\n' "$W" >"$W/ww/evil.sh"
chmod 0755 "$W/ok/whoami.sh" "$W/ww/evil.sh"
nobody_uid=$(id -u nobody)

# conf NAME GLOBALS QUORUM_UP_LINE
conf() {
	cat >"$W/$1.conf" <<EOF
global_defs {
$2
}
virtual_server 10.77.0.120 80 {
  delay_loop 1
  lb_algo rr
  lb_kind DR
  protocol TCP
  alpha
  quorum 1
  quorum_up $3
  real_server $S 9201 {
    TCP_CHECK {
      connect_port 9201
      connect_timeout 1
    }
  }
}
EOF
}

# run NAME: lvsd on NAME.conf in the director's namespace, with a private
# /run for its children's default sockets, until quorum is gained (or 8 s).
run() {
	local log=$W/$1.log
	ip netns exec "$(nb_ns c)" unshare -m sh -c 'mount -t tmpfs lvt /run && exec "$@"' lvsd \
		"$LVSD" -n -l -f "$W/$1.conf" -S "$W/$1.sock" >"$log" 2>&1 &
	local pid=$!
	local i
	for i in $(seq 80); do
		grep -q "gained quorum" "$log" && break
		sleep 0.1
	done
	sleep 1        # the script's own time to run
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	grep -q "gained quorum" "$log" || { fail "$1: lvsd never gained quorum"; sed 's/^/#   /' "$log" | tail -15; }
}

conf user "  script_user nobody" "\"$W/ok/whoami.sh\""
run user
check_eq "quorum_up runs as global_defs script_user, not root" "$nobody_uid" "$(cat "$W/out/whoami" 2>/dev/null)"
rm -f "$W/out/whoami"

conf own_user "  script_user nobody" "\"$W/ok/whoami.sh\" root"
run own_user
check_eq "quorum_up's own user word wins over script_user" 0 "$(cat "$W/out/whoami" 2>/dev/null)"
rm -f "$W/out/whoami"

conf hidden "  enable_script_security" "\"/bin/true ; $W/ww/evil.sh\" root"
run hidden
check_eq "enable_script_security: a user-writable script behind shell syntax does not run" "" \
	"$(cat "$W/out/evil" 2>/dev/null)"
check_cmd "enable_script_security: the log says why, naming the writable directory" \
	grep -q "not run: insecure: .*$W/ww" "$W/hidden.log"

conf hidden_open "" "\"/bin/true ; $W/ww/evil.sh\" root"
run hidden_open
check_eq "without enable_script_security the same line runs, as keepalived runs it" 0 \
	"$(cat "$W/out/evil" 2>/dev/null)"
check_cmd "without enable_script_security: the log warns that it is insecure" \
	grep -q "insecure: .*$W/ww" "$W/hidden_open.log"

# -t counts quorum scripts among the config's scripts, as keepalived -t does:
# without enable_script_security it exits 6 and says why.
conf test_only "  script_user nobody" "\"$W/ok/whoami.sh\""
"$LVSD" -t -f "$W/test_only.conf" >"$W/t.out" 2>&1
check_eq "lvsd -t: quorum_up without enable_script_security exits 6" 6 "$?"
check_cmd "lvsd -t: and says scripts are configured without enable_script_security" \
	grep -q "scripts are configured but enable_script_security is not set" "$W/t.out"
conf test_secure "  script_user nobody
  enable_script_security" "\"$W/ok/whoami.sh\""
"$LVSD" -t -f "$W/test_secure.conf" >"$W/t.out" 2>&1
rc=$?
# 5: the DR port mismatch of this config is still warned about
check_eq "lvsd -t: the same config with enable_script_security exits 5 (warnings), not 6" 5 "$rc"
check_cmd "lvsd -t: and no longer complains about script security" \
	sh -c '! grep -q enable_script_security "$1"' - "$W/t.out"
