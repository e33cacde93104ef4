#!/bin/bash
# t_script_security.sh - enable_script_security at run time, keepalived's
# rules: a script that would run as root from a directory anyone can write
# to is refused, with a log line naming the file. A refused vrrp_script is
# dropped from tracking (its weight never counts: the master keeps its
# priority); a refused notify script never runs. Scripts in a safe place
# (the control) do run. An unsafe script hidden behind shell syntax after a
# safe first word is refused too, in a notify line and in a vrrp_script. IMPL=keepalived runs the same against keepalived.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require script_security
nb_setup 2 || die_suite "script_security: cannot build the namespace bed"
VIP=$NB_NET.100
mkdir -m 0755 "$NB_WORK/safe"
mkdir "$NB_WORK/open"
chmod 0777 "$NB_WORK/open"
# script DIR NAME EXIT: writes a marker named after itself, exits EXIT.
script() {
	printf '#!/bin/sh\ntouch "%s/ran.%s"\nexit %s\n' "$NB_WORK" "$2" "$3" >"$NB_WORK/$1/$2.sh"
	chmod 0755 "$NB_WORK/$1/$2.sh"
}
script open check 1
script open notify_open 0
script safe notify_safe 0
script open hidden 0
script open hidden_check 1
{
	echo "global_defs {"
	echo "    enable_script_security"
	echo "    script_user root"
	echo "}"
	echo "vrrp_script chk {"
	echo "    script \"$NB_WORK/open/check.sh\""
	echo "    interval 0.5"
	echo "    weight -60"
	echo "}"
	echo "vrrp_script chk_shell {"
	echo "    script \"/bin/true ; $NB_WORK/open/hidden_check.sh\""
	echo "    interval 0.5"
	echo "    weight -60"
	echo "}"
	nb_instance VI_1 51 150 "$VIP/24" "track_script {" "    chk" "    chk_shell" "}" \
		"notify_master \"$NB_WORK/open/notify_open.sh\"" "notify_backup \"$NB_WORK/safe/notify_safe.sh\"" \
		"notify \"/bin/true ; $NB_WORK/open/hidden.sh\""
} >"$NB_WORK/r1.conf"
nb_instance VI_1 51 100 "$VIP/24" >"$NB_WORK/r2.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_check_holders "$IMPL: r1 is master: the failing insecure check never lowers it" "$VIP" r1 8
sleep 3
check_eq "$IMPL: r1 still master 3 s later" r1 "$(nb_holders "$VIP")"
if [ -e "$NB_WORK/ran.check" ]; then fail "$IMPL: the insecure vrrp_script never ran"; else ok "$IMPL: the insecure vrrp_script never ran"; fi
if [ -e "$NB_WORK/ran.notify_open" ]; then fail "$IMPL: the insecure notify_master never ran"; else ok "$IMPL: the insecure notify_master never ran"; fi
# The line's first program is safe; the one after the ';' is not. Every
# program a line would run is judged, so the unsafe one never runs as root.
if [ -e "$NB_WORK/ran.hidden" ]; then fail "$IMPL: an insecure script behind shell syntax (/bin/true ; ...) never ran"
else ok "$IMPL: an insecure script behind shell syntax (/bin/true ; ...) never ran"; fi
if [ -e "$NB_WORK/ran.hidden_check" ]; then fail "$IMPL: an insecure vrrp_script behind shell syntax never ran"
else ok "$IMPL: an insecure vrrp_script behind shell syntax never ran"; fi
if [ -e "$NB_WORK/ran.notify_safe" ]; then ok "$IMPL: control: notify_backup from a safe directory ran"
else fail "$IMPL: control: notify_backup from a safe directory ran"; fi
if grep -q "$NB_WORK/open.*\(writable\|disabling\)" "$NB_WORK/r1.d.log" ||
   grep -q "Unsafe permissions found for script '$NB_WORK/open/check.sh'" "$NB_WORK/r1.d.log"; then
	ok "$IMPL: the log names the insecure script and why"
else
	fail "$IMPL: the log names the insecure script and why"
	nb_log r1
fi
if [ "$IMPL" = vrrpd ]; then
	check_eq "r1's effective priority stays 150" 150 "$(nb_get r1 VI_1 effective_priority)"
	check_eq "the refused script is not among r1's trackers" 0 \
		"$(nb_json r1 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["instances"][0]["trackers"]))')"
	grep "disabled" "$NB_WORK/r1.d.log" | sed 's/^/# /'
fi
exit 0
