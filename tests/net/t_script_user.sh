#!/bin/bash
# t_script_user.sh - who runs a script that names no user, without
# global_defs script_user. keepalived's manual: the user keepalived_script
# if it exists, else root. keepalived 2.2.7 itself, with
# enable_script_security and no keepalived_script, drops such scripts
# ("Unable to set default user"); without enable_script_security they run
# as root. The test creates that user (useradd), removes it afterwards, and
# reads the uid a notify_master script and a vrrp_script write (`id -u`).
# Run it with IMPL=keepalived for the reference behaviour.
# runs alone: it adds and removes the keepalived_script user, which other tests assume absent (tests/lib.sh run_scripts)
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require script_user
command -v useradd >/dev/null || die_suite "script_user: useradd missing"
if id keepalived_script >/dev/null 2>&1; then
	die_suite "script_user: a user keepalived_script exists already; the test needs to own it"
fi
nb_setup 1 || die_suite "script_user: cannot build the namespace bed"
created=
trap '[ -n "$created" ] && userdel keepalived_script 2>/dev/null; nb_cleanup' EXIT
VIP=$NB_NET.100
# The scripts live where only root may write, reachable by the script user;
# they write into a directory anyone may write to.
chmod 0755 "$NB_WORK"
mkdir -m 0755 "$NB_WORK/bin"
mkdir -m 1777 "$NB_WORK/out"
for s in notify check; do
	printf '#!/bin/sh\nid -u >"%s/out/%s.$1"\nexit 0\n' "$NB_WORK" "$s" >"$NB_WORK/bin/$s.sh"
	chmod 0755 "$NB_WORK/bin/$s.sh"
done
# conf TAG [SECURITY]: r1 owns the VIP; both scripts get TAG as their argument.
conf() {
	echo "global_defs {"
	echo "    ${2-enable_script_security}"
	echo "}"
	echo "vrrp_script chk {"
	echo "    script \"$NB_WORK/bin/check.sh $1\""
	echo "    interval 1"
	echo "}"
	nb_instance VI_1 51 255 "$VIP/24" "track_script {" "    chk" "}" \
		"notify_master \"$NB_WORK/bin/notify.sh $1\""
}
# run TAG [SECURITY]: start, wait for mastership and the scripts, stop.
run() {
	conf "$@" >"$NB_WORK/r1.$1.conf"
	nb_daemon r1 "$IMPL" "$NB_WORK/r1.$1.conf" "$1"
	nb_check_holders "$IMPL ($1): r1 is master" "$VIP" r1 8
	sleep 2
	nb_kill r1 TERM "$1"
	nb_wait_gone r1 5 || nb_killall r1 KILL
}
# ran WHAT SCRIPT TAG EXPECTED: the uid the script wrote, or that it never ran ("").
ran() {
	local got=""
	[ -f "$NB_WORK/out/$2.$3" ] && got=$(cat "$NB_WORK/out/$2.$3")
	check_eq "$IMPL: $1" "$4" "$got"
	[ "$4" = "$got" ] || nb_log r1 "$3" 12
}

useradd --system --no-create-home --shell /usr/sbin/nologin keepalived_script ||
	die_suite "script_user: useradd keepalived_script failed"
created=1
ks_uid=$(id -u keepalived_script)
run user
ran "notify_master runs as keepalived_script ($ks_uid)" notify user "$ks_uid"
ran "vrrp_script runs as keepalived_script ($ks_uid)" check user "$ks_uid"
userdel keepalived_script && created=
id keepalived_script >/dev/null 2>&1 && fail "keepalived_script removed" || ok "keepalived_script removed"

run nouser
ran "security, no keepalived_script: notify_master never runs" notify nouser ""
ran "security, no keepalived_script: vrrp_script never runs" check nouser ""
if grep -q "no script user\|Unable to set default user" "$NB_WORK/r1.nouser.log"; then ok "$IMPL: the log says why"
else fail "$IMPL: the log says why"; nb_log r1 nouser; fi

run insecure "router_id r1"
ran "no enable_script_security, no keepalived_script: notify_master runs as root" notify insecure 0
ran "no enable_script_security, no keepalived_script: vrrp_script runs as root" check insecure 0
exit 0
