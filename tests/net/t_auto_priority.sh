#!/bin/bash
# t_auto_priority.sh - max_auto_priority: a VRRP process whose timers run a
# second or more late (here: frozen with SIGSTOP for 2.5 s) switches to
# realtime round-robin scheduling at priority 1 (reset to normal for the
# scripts it forks), and one higher each time it is late again; without
# max_auto_priority it stays as it is. chrt reads the policy from the kernel. IMPL=keepalived runs it on keepalived 2.2.7's
# VRRP process, the reference.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require auto_priority
command -v chrt >/dev/null || die_suite "auto_priority: chrt (util-linux) missing"
nb_setup 1 || die_suite "auto_priority: cannot build the namespace bed"

policy() { chrt -p "$1" 2>/dev/null | sed -n 's/.*scheduling policy: //p;s/.*scheduling priority: //p' | paste -sd' '; }
policy_is() { [ "$(policy "$1")" = "$2" ]; }
# vrrp_pid TAG: the process that runs VRRP (keepalived's VRRP child)
vrrp_pid() {
	if [ "$IMPL" = keepalived ]; then cat "$NB_WORK/r1.$1.vrrp.pid" 2>/dev/null; else cat "$NB_WORK/r1.$1.pid"; fi
}
# freeze PID: stopped 2.5 s, then running again
freeze() { kill -STOP "$1"; sleep 2.5; kill -CONT "$1"; }
wait_policy() { # wait_policy PID WANT SECONDS
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do policy_is "$1" "$2" && return 0; sleep 0.2; done
	return 1
}

one_case() { # one_case TAG GLOBAL_LINE WANT_AFTER_FIRST WANT_AFTER_SECOND
	local tag=$1 pid
	{
		echo "global_defs {"
		[ -n "$2" ] && echo "    $2"
		echo "}"
		nb_instance VI_1 51 150 "$NB_NET.100/24"
	} >"$NB_WORK/r1.$tag.conf"
	nb_daemon r1 "$IMPL" "$NB_WORK/r1.$tag.conf" "$tag"
	nb_wait_vip r1 "$NB_NET.100" 8 || { fail "$IMPL: $tag: r1 does not become master"; nb_log r1 "$tag"; return; }
	sleep 1
	pid=$(vrrp_pid "$tag")
	check_eq "$IMPL: $tag: at start the VRRP process runs SCHED_OTHER" "SCHED_OTHER 0" "$(policy "$pid")"
	freeze "$pid"
	if wait_policy "$pid" "$3" 4; then ok "$IMPL: $tag: late once: $3"; else
		fail "$IMPL: $tag: late once: $3 (got '$(policy "$pid")')"; nb_log r1 "$tag" 5; fi
	sleep 1.5
	freeze "$pid"
	if wait_policy "$pid" "$4" 4; then ok "$IMPL: $tag: late again: $4"; else
		fail "$IMPL: $tag: late again: $4 (got '$(policy "$pid")')"; nb_log r1 "$tag" 5; fi
	nb_kill r1 TERM "$tag"
	nb_wait_vip r1 "$NB_NET.100" 8 absent || fail "$IMPL: $tag: r1 does not stop"
}

one_case max3 "max_auto_priority 3" "SCHED_RR|SCHED_RESET_ON_FORK 1" "SCHED_RR|SCHED_RESET_ON_FORK 2"
one_case unset "" "SCHED_OTHER 0" "SCHED_OTHER 0"
