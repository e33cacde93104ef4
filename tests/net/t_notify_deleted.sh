#!/bin/bash
# t_notify_deleted.sh - a vrrp_instance that a reload removes: with
# notify_deleted its script runs and "notify" gets INSTANCE NAME DELETED
# PRIORITY; without it "notify" gets FAULT and nothing else runs (neither
# notify_fault nor notify_stop), as keepalived 2.2.7 does; an instance that
# stays is not notified. IMPL=keepalived runs the same scenario on
# keepalived 2.2.7, the reference for the words its scripts get.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require notify_deleted
nb_setup 1 || die_suite "notify_deleted: cannot build the namespace bed"
printf '#!/bin/sh\necho "$*" >>"%s/r1.notify"\n' "$NB_WORK" >"$NB_WORK/r1.sh"
chmod 755 "$NB_WORK/r1.sh"
: >"$NB_WORK/r1.notify"
conf() { # conf WITH_VI_1 NOTIFY_DELETED_LINE
	echo "global_defs {"
	echo "    script_user root"
	echo "}"
	[ "$1" = yes ] && nb_instance VI_1 51 150 "$NB_NET.100/24" ${2:+"$2"} \
		"notify_stop \"$NB_WORK/r1.sh to-stop VI_1\"" \
		"notify_fault \"$NB_WORK/r1.sh to-fault VI_1\"" \
		"notify $NB_WORK/r1.sh"
	nb_instance VI_2 52 150 "$NB_NET.101/24" "notify $NB_WORK/r1.sh"
}

# one_case WHAT NOTIFY_DELETED_LINE EXPECTED_LINES...
one_case() {
	local what=$1 nd=$2 got line
	shift 2
	conf yes "$nd" >"$NB_WORK/r1.conf"
	nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf" "$what"
	nb_wait_vip r1 "$NB_NET.100" 8 || { fail "$IMPL: $what: r1 does not become master of VI_1"; nb_log r1 "$what"; }
	nb_wait_vip r1 "$NB_NET.101" 8 || fail "$IMPL: $what: r1 does not become master of VI_2"
	sleep 1
	: >"$NB_WORK/r1.notify"
	conf no >"$NB_WORK/r1.conf"
	nb_kill r1 HUP "$what"
	nb_wait_vip r1 "$NB_NET.100" 8 absent && ok "$IMPL: $what: reload without VI_1 removes its VIP" ||
		fail "$IMPL: $what: reload without VI_1 removes its VIP"
	sleep 2
	# the scripts run side by side: their lines come in either order
	got=$(sort "$NB_WORK/r1.notify")
	check_eq "$IMPL: $what: the notifies run" "$(printf '%s\n' "$@" | sort)" "$got"
	nb_vip_on r1 "$NB_NET.101" && ok "$IMPL: $what: VI_2 keeps its VIP" || fail "$IMPL: $what: VI_2 keeps its VIP"
	nb_kill r1 TERM "$what"
	nb_wait_vip r1 "$NB_NET.101" 8 absent || fail "$IMPL: $what: r1 does not stop"
}

one_case "notify_deleted" "notify_deleted \"$NB_WORK/r1.sh deleted-script VI_1\"" \
	"deleted-script VI_1" "INSTANCE VI_1 DELETED 150"
one_case "without notify_deleted" "" "INSTANCE VI_1 FAULT 150"
