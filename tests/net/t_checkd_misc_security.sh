#!/bin/bash
# t_checkd_misc_security.sh - checkd's MISC_CHECK under script security, as
# keepalived 2.2.7 has it (its check_misc.c and notify.c, read for behaviour):
# each misc_path is judged when the config is loaded or reloaded. A script
# that is missing or not executable never runs, with or without
# enable_script_security; one that root would run from a directory others
# can write to runs with a warning unless enable_script_security is set,
# then it is refused; under enable_script_security a script also needs a
# user (checker's user or global script_user): keepalived's default is a
# keepalived_script account, and without one it removes the checker, which
# keepalived -t shows here as the oracle (with such an account, the script runs
# as it). A refused checker is removed, so a
# real server with no other checker stays up; checkd -s and --json say
# which script and why.
# runs alone: it adds and removes the keepalived_script user, which other tests assume absent (tests/lib.sh run_scripts)
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
. tests/net/checkd_bed.sh
ck_require "checkd misc security"
ck_setup

S=$CK_SRV
VS=tcp/10.77.0.120:80
W=$NB_WORK
mkdir -m 0755 "$W/ok" "$W/out"
mkdir -m 0777 "$W/ww"     # writable by anyone, no sticky bit: unsafe for root's scripts

# Each run appends a line, so the runs can be counted.
cat >"$W/ww/insecure.sh" <<EOF
#!/bin/sh
echo ran >> $W/out/insecure.runs
exit 0
EOF
cat >"$W/ok/fails.sh" <<EOF
#!/bin/sh
echo ran >> $W/out/fails.runs
exit 1
EOF
chmod 0755 "$W/ww/insecure.sh" "$W/ok/fails.sh"

# conf SECURITY [USER]: the config, with enable_script_security when
# SECURITY is 1 and script_user USER when given
conf() {
	{
		echo "global_defs {"
		echo "    router_id checkd_misc_security"
		[ "$1" = 1 ] && echo "    enable_script_security"
		[ -n "$2" ] && echo "    script_user $2"
		echo "}"
		cat <<EOF
virtual_server 10.77.0.120 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server $S 9101 {
        weight 2
        MISC_CHECK {
            misc_path "$W/ww/insecure.sh"
            warmup 0
        }
    }
    real_server $S 9102 {
        MISC_CHECK {
            misc_path "$W/missing.sh --flag"
            warmup 0
        }
    }
    real_server $S 9103 {
        MISC_CHECK {
            misc_path $W/ok/fails.sh
            warmup 0
        }
    }
}
EOF
	} >"$W/misc.conf"
}

runs() { [ -f "$W/out/$1.runs" ] && wc -l <"$W/out/$1.runs" || echo 0; }
warnings() { grep -c "insecure.sh runs although insecure" "$W/checkd.log"; }

# ---- without enable_script_security: the unsafe script runs, with a warning
conf 0
ck_start "$W/misc.conf"
ck_wait_event " down $VS $S:9103 weight=1 reason=" 4 || ck_log_tail
sleep 2.2
n=$(runs insecure)
if [ "$n" -ge 2 ]; then ok "no enable_script_security: the unsafe script runs ($n runs)"; else
	fail "no enable_script_security: the unsafe script runs ($n runs)"; ck_log_tail; fi
check_cmd "no enable_script_security: the log warns, naming the world-writable directory" \
	grep -q "MISC_CHECK $W/ww/insecure.sh runs although insecure: script $W/ww/insecure.sh: $W/ww is writable by others" \
	"$W/checkd.log"
check_eq "the warning is given once at load, not at every run" 1 "$(warnings)"
check_eq "no enable_script_security: the unsafe script's server is up" up "$(ck_get "$VS" "$S:9101" state)"
check_eq "no enable_script_security: its checker ran and succeeded" ok \
	"$(ck_get "$VS" "$S:9101" checkers.0.last_result)"
check_eq "no enable_script_security: nothing is disabled for it" "" \
	"$(ck_get "$VS" "$S:9101" disabled_checker.error)"

# A missing script is refused with or without security: its checker is
# removed, so the server (which has no other checker) stays up.
check_eq "missing script: checker removed, the server stays up" up "$(ck_get "$VS" "$S:9102" state)"
check_eq "missing script: no checker left to run" 0 "$(ck_get "$VS" "$S:9102" checkers | python3 -c 'import sys, ast; print(len(ast.literal_eval(sys.stdin.read())))')"
check_eq "missing script: --json names the file and the reason" \
	"script $W/missing.sh: No such file or directory" "$(ck_get "$VS" "$S:9102" disabled_checker.error)"
check_eq "missing script: --json target is the script" "$W/missing.sh" "$(ck_get "$VS" "$S:9102" disabled_checker.target)"
check_cmd "missing script: the log says it is disabled" \
	grep -q "MISC_CHECK $W/missing.sh disabled: script $W/missing.sh: No such file or directory" "$W/checkd.log"
check_eq "missing script: no down event for its server" 0 "$(grep -c " down $VS $S:9102 " "$CK_EVENTS")"
check_eq "a safe script that fails: down" down "$(ck_get "$VS" "$S:9103" state)"

# ---- reload with enable_script_security: the unsafe script is refused
conf 1 root
kill -HUP "$CK_PID"
if ck_wait_count " $VS $S:9101 weight=2 initial" 2 3; then ok "reload with enable_script_security: taken"; else
	fail "reload with enable_script_security: taken"; ck_log_tail; fi
sleep 0.3                 # a run started just before the reload may still be writing
before=$(runs insecure)
fails_before=$(runs fails)
sleep 2.5
check_eq "enable_script_security: the unsafe script is not run any more" "$before" "$(runs insecure)"
n=$(($(runs fails) - fails_before))
if [ "$n" -ge 2 ]; then ok "enable_script_security: a safe script still runs ($n runs)"; else
	fail "enable_script_security: a safe script still runs ($n runs)"; fi
check_eq "enable_script_security: the refused script's server stays up (its checker is removed)" up \
	"$(ck_get "$VS" "$S:9101" state)"
check_eq "enable_script_security: and keeps its weight" 2 "$(ck_get "$VS" "$S:9101" weight)"
check_eq "enable_script_security: --json gives the file and the reason" \
	"insecure: script $W/ww/insecure.sh: $W/ww is writable by others (enable_script_security)" \
	"$(ck_get "$VS" "$S:9101" disabled_checker.error)"
out=$("$CHECKD" -S "$CK_SOCK" -s 2>&1)
line=$(echo "$out" | grep -F "MISC_CHECK" | grep -F "$W/ww/insecure.sh")
case "$line" in *"disabled: insecure: script $W/ww/insecure.sh: $W/ww is writable by others"*)
	ok "checkd -s: the disabled checker and its reason" ;;
*) fail "checkd -s: the disabled checker and its reason"; echo "$out" | sed 's/^/#   /' ;; esac
check_cmd "enable_script_security: the log says the script is disabled and why" \
	grep -q "MISC_CHECK $W/ww/insecure.sh disabled: insecure: script $W/ww/insecure.sh: $W/ww is writable by others" \
	"$W/checkd.log"
check_eq "enable_script_security: no down event for the refused script's server" 0 \
	"$(grep -v initial "$CK_EVENTS" | grep -c " down $VS $S:9101 ")"

# ---- a fresh start with enable_script_security: refused from the first moment
ck_stop
rm -f "$W/out/insecure.runs"
ck_start "$W/misc.conf"
ck_wait_event " down $VS $S:9103 weight=1 reason=" 4 || ck_log_tail
sleep 1.5
check_eq "start with enable_script_security: the unsafe script never runs" 0 "$(runs insecure)"
check_cmd "start with enable_script_security: its server starts up, with its weight" \
	grep -Eq "^0\.[0-9]{3} up $VS $S:9101 weight=2 initial$" "$CK_EVENTS"
ck_stop

# ---- enable_script_security and no script user at all: every MISC_CHECK goes
conf 1
if command -v keepalived >/dev/null; then
	kout=$(keepalived -t -l -f "$W/misc.conf" 2>&1)
	case $kout in *"misc script '$W/ok/fails.sh' - removing"*)
		ok "oracle: keepalived -t removes even a safe MISC_CHECK without a script user" ;;
	*) fail "oracle: keepalived -t removes even a safe MISC_CHECK without a script user"
	   echo "$kout" | sed 's/^/#   /' ;; esac
else
	fail "oracle: keepalived is not installed (toolchain/deps.sh checkd)"
fi
rm -f "$W/out/"*.runs
ck_start "$W/misc.conf"
ck_wait_event " up $VS $S:9103 weight=1 initial" 3 || ck_log_tail
sleep 2
check_eq "no script user: the safe failing script does not run either" 0 "$(runs fails)"
check_eq "no script user: its server stays up" up "$(ck_get "$VS" "$S:9103" state)"
case $(ck_get "$VS" "$S:9103" disabled_checker.error) in *"no script user"*)
	ok "no script user: --json says so" ;;
*) fail "no script user: --json says so" ;; esac
ck_stop

# ---- enable_script_security, no script_user, but a keepalived_script
# account: keepalived's default user, so the safe script runs as it
if id keepalived_script >/dev/null 2>&1; then
	fail "keepalived_script: the account exists already; the test needs to own it"
elif useradd --system --no-create-home --shell /usr/sbin/nologin keepalived_script; then
	trap 'userdel keepalived_script 2>/dev/null; nb_cleanup' EXIT
	chmod 0755 "$W"
	chmod 1777 "$W/out"
	printf '#!/bin/sh\nid -u >>%s/out/as_user.runs\nexit 1\n' "$W" >"$W/ok/fails.sh"
	rm -f "$W/out/"*.runs
	ck_start "$W/misc.conf"
	for i in $(seq 1 60); do [ -s "$W/out/as_user.runs" ] && break; sleep 0.1; done
	check_eq "keepalived_script account: the MISC_CHECK runs as it" "$(id -u keepalived_script)" \
		"$(head -n 1 "$W/out/as_user.runs" 2>/dev/null)"
	check_eq "keepalived_script account: no disabled checker" "" \
		"$(ck_get "$VS" "$S:9103" disabled_checker.error 2>/dev/null)"
	ck_stop
	userdel keepalived_script
	id keepalived_script >/dev/null 2>&1 && fail "keepalived_script removed" || ok "keepalived_script removed"
else
	fail "keepalived_script: useradd failed"
fi
