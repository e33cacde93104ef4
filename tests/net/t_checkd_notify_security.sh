#!/bin/bash
# t_checkd_notify_security.sh - checkd's real-server notify_up/notify_down
# scripts under script security, as keepalived 2.2.7 judges them (settled by
# running keepalived's checker in the qemu guest, docs/checkd.md): each
# script is judged once when the config is loaded or reloaded, as the user
# it runs as. A missing one is disabled; one that root would run from a
# world-writable directory runs with a warning, and is disabled under
# enable_script_security; under enable_script_security a script whose line
# names no user, with no script_user and no keepalived_script account, is
# disabled too, which keepalived -t reports with the line (the oracle here).
# The servers' ports have no listener, so every TCP_CHECK fails and each
# server's notify_down is due a few hundred ms after the start.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
. tests/net/checkd_bed.sh
ck_require "checkd notify security"
ck_setup

S=$CK_SRV
VS=tcp/10.77.0.120:80
W=$NB_WORK
mkdir -m 0755 "$W/ok"
mkdir -m 0777 "$W/ww"     # writable by anyone, no sticky bit: unsafe for root's scripts
mkdir -m 1777 "$W/out"
chmod 0755 "$W"

# Each run appends "UID ARGS", so runs and their user can be counted.
for s in ok/down ww/insecure; do
	printf '#!/bin/sh\necho "$(id -u) $*" >> %s/out/%s.runs\n' "$W" "${s#*/}" >"$W/$s.sh"
	chmod 0755 "$W/$s.sh"
done

# conf SECURITY [USER]: enable_script_security when SECURITY is 1,
# script_user USER when given. 9201: a safe script; 9202 and 9203: the same
# unsafe one (judged once); 9204: a missing one.
conf() {
	{
		echo "global_defs {"
		echo "    router_id checkd_notify_security"
		[ "$1" = 1 ] && echo "    enable_script_security"
		[ -n "$2" ] && echo "    script_user $2"
		echo "}"
		echo "virtual_server 10.77.0.120 80 {"
		echo "    delay_loop 1"
		echo "    protocol TCP"
		echo "    lb_algo rr"
		echo "    lb_kind NAT"
		local port line
		for port in 9201 9202 9203 9204; do
			case $port in
			9201) line="notify_down \"$W/ok/down.sh $port\"" ;;
			9204) line="notify_down $W/missing.sh" ;;
			*) line="notify_down \"$W/ww/insecure.sh $port\"" ;;
			esac
			cat <<EOF
    real_server $S $port {
        $line
        TCP_CHECK {
            connect_timeout 1
            retry 0
            warmup 0
        }
    }
EOF
		done
		echo "}"
	} >"$W/notify.conf"
}

runs() { [ -f "$W/out/$1.runs" ] && wc -l <"$W/out/$1.runs" || echo 0; }
# line_of TEXT: the config's line number holding TEXT, found apart from checkd
line_of() { grep -nF -- "$1" "$W/notify.conf" | head -n 1 | cut -d: -f1; }
# start_and_wait WHAT: checkd on the config until every server went down
# (so every notify_down was due) and the scripts had time to run
start_and_wait() {
	rm -f "$W/out/"*.runs
	ck_start "$W/notify.conf"
	if ck_wait_count " down $VS $S:920[1-4] weight=1 reason=" 4 5; then ok "$1: all four servers go down"; else
		fail "$1: all four servers go down"; ck_log_tail; fi
	sleep 0.5
}

id keepalived_script >/dev/null 2>&1 &&
	fail "keepalived_script exists: the cases below assume it does not (root is the default user)"

# ---- without enable_script_security: the unsafe script runs, with a warning
conf 0
start_and_wait "no enable_script_security"
check_eq "a safe notify_down runs on the down event, as root" "0 9201" "$(cat "$W/out/down.runs" 2>/dev/null)"
check_eq "no enable_script_security: the unsafe script runs for both its servers" 2 "$(runs insecure)"
n=$(line_of "insecure.sh 9202")
check_cmd "no enable_script_security: the log warns, naming file:line and the world-writable directory" \
	grep -qF "$W/notify.conf:$n: notify_down $W/ww/insecure.sh of $VS $S:9202 runs although insecure: script $W/ww/insecure.sh: $W/ww is writable by others" \
	"$W/checkd.log"
check_eq "the warning is given once for the script, not per server or run" 1 \
	"$(grep -c "insecure.sh .* runs although" "$W/checkd.log")"
n=$(line_of "missing.sh")
check_cmd "a missing script is reported at its line" \
	grep -qF "$W/notify.conf:$n: notify_down $W/missing.sh of $VS $S:9204 disabled: script $W/missing.sh: No such file or directory" \
	"$W/checkd.log"
check_eq "--json: the missing script is a disabled notify_down" \
	"script $W/missing.sh: No such file or directory" "$(ck_get "$VS" "$S:9204" disabled_notify.notify_down.error)"
check_eq "--json: its target is the script" "$W/missing.sh" "$(ck_get "$VS" "$S:9204" disabled_notify.notify_down.target)"
check_eq "--json: a script that runs is not listed as disabled" "" "$(ck_get "$VS" "$S:9202" disabled_notify)"
check_eq "the missing script's server still goes down" down "$(ck_get "$VS" "$S:9204" state)"

# ---- reload with enable_script_security (script_user root): judged again
conf 1 root
kill -HUP "$CK_PID"
if ck_wait_count " $VS $S:9201 weight=1 initial" 2 3; then ok "reload with enable_script_security: taken"; else
	fail "reload with enable_script_security: taken"; ck_log_tail; fi
n=$(line_of "insecure.sh 9202")
check_cmd "reload: the unsafe script is now disabled, the log says where and why" \
	grep -qF "$W/notify.conf:$n: notify_down $W/ww/insecure.sh of $VS $S:9202 disabled: insecure: script $W/ww/insecure.sh: $W/ww is writable by others (enable_script_security)" \
	"$W/checkd.log"
check_eq "reload: --json shows it for each server naming it" \
	"$W/ww/insecure.sh $W/ww/insecure.sh" \
	"$(ck_get "$VS" "$S:9202" disabled_notify.notify_down.target) $(ck_get "$VS" "$S:9203" disabled_notify.notify_down.target)"
out=$("$CHECKD" -S "$CK_SOCK" -s 2>&1)
case $(echo "$out" | grep -F "notify_down" | grep -F "$W/ww/insecure.sh") in
*"disabled: insecure: script $W/ww/insecure.sh: $W/ww is writable by others"*)
	ok "checkd -s: the disabled notify script and its reason" ;;
*) fail "checkd -s: the disabled notify script and its reason"; echo "$out" | sed 's/^/#   /' ;; esac
ck_stop

# ---- a fresh start with enable_script_security: it never runs
start_and_wait "enable_script_security"
check_eq "enable_script_security: the unsafe script is not run" 0 "$(runs insecure)"
check_eq "enable_script_security: the safe script still runs as root" "0 9201" "$(cat "$W/out/down.runs" 2>/dev/null)"
check_eq "enable_script_security: its server goes down all the same" down "$(ck_get "$VS" "$S:9202" state)"
ck_stop

# ---- enable_script_security and no script user at all: every notify line
# without its own user is disabled, even the safe one
conf 1
n=$(line_of "down.sh 9201")
if command -v keepalived >/dev/null; then
	kout=$(keepalived -t -l -f "$W/notify.conf" 2>&1)
	case $kout in *"($W/notify.conf: Line $n) Unable to set default user keepalived_script for script"*)
		ok "oracle: keepalived -t refuses the first notify line without a script user" ;;
	*) fail "oracle: keepalived -t refuses the first notify line without a script user"
	   echo "$kout" | sed 's/^/#   /' ;; esac
else
	fail "oracle: keepalived is not installed (toolchain/deps.sh checkd)"
fi
start_and_wait "no script user"
check_eq "no script user: the safe script does not run" 0 "$(runs down)"
check_cmd "no script user: the log says so at the same line as keepalived" \
	grep -qF "$W/notify.conf:$n: notify_down $W/ok/down.sh of $VS $S:9201 disabled: no script user" "$W/checkd.log"
case $(ck_get "$VS" "$S:9201" disabled_notify.notify_down.error) in *"no script user"*)
	ok "no script user: --json says so" ;;
*) fail "no script user: --json says so" ;; esac
ck_stop

# ---- a shell line whose first program is safe and whose second is not:
# every program the line would run is judged, so under
# enable_script_security the unsafe one never runs as root. Before, only the
# first word was judged and /bin/sh ran the rest.
cat >"$W/hidden.conf" <<EOF2
global_defs {
    enable_script_security
    script_user root
}
virtual_server 10.77.0.120 80 {
    delay_loop 1
    protocol TCP
    lb_algo rr
    lb_kind NAT
    real_server $S 9205 {
        notify_down "/bin/true ; $W/ww/insecure.sh hidden"
        TCP_CHECK {
            connect_timeout 1
            retry 0
            warmup 0
        }
    }
}
EOF2
rm -f "$W/out/"*.runs
ck_start "$W/hidden.conf"
if ck_wait_count " down $VS $S:9205 weight=1 reason=" 1 5; then ok "shell line: its server goes down"; else
	fail "shell line: its server goes down"; ck_log_tail; fi
sleep 0.5
check_eq "shell line: the unsafe script after '/bin/true ;' does not run" 0 "$(runs insecure)"
case $(ck_get "$VS" "$S:9205" disabled_notify.notify_down.error) in *"$W/ww is writable by others"*)
	ok "shell line: --json names the unsafe script's directory" ;;
*) fail "shell line: --json names the unsafe script's directory" ;; esac
ck_stop
