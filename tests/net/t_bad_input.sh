#!/bin/bash
# t_bad_input.sh - hostile advertisements (tests/net/vrrp_inject.c) at a
# VRRPv2 master of priority 100, each claiming priority 200 with one defect:
# TTL != 255, bad checksum, unknown or wrong version, wrong type, address
# count not matching, wrong VRID, wrong password, wrong auth type, truncated,
# wrong interval; and at a VRRPv3 instance on the same router, a v3 advert
# with a bad checksum (its pseudo-header sum is wrong). Each must be dropped
# and counted under its reason in the control socket's JSON, with no state
# change and no crash. Last, the same adverts without a defect must make
# each master step down (the controls that show the injected packets would
# be obeyed if they were valid).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
IMPL=vrrpd
nb_require bad_input
nb_setup 2 || die_suite "bad_input: cannot build the namespace bed"
VIP=$NB_NET.100
VIP3=$NB_NET.110
{
	nb_instance VI_1 51 100 "$VIP/24"
	NB_VERSION=3 nb_instance VI_3 61 100 "$VIP3/24"
} >"$NB_WORK/r1.conf"
nb_daemon r1 vrrpd "$NB_WORK/r1.conf"
nb_check_holders "the target becomes master" "$VIP" r1 6 || exit 0
nb_check_holders "the VRRPv3 target becomes master" "$VIP3" r1 6 || exit 0
sleep 0.5

inject() { nb_exec r2 "$NB_TOOLS/vrrp_inject" -i eth0 -s "$NB_NET.12" -p 200 -n 5 -I 40 "$@" "$VIP"; }
# bad WHAT REASON INJECT_ARGS...
bad() {
	local what=$1 reason=$2 before after
	shift 2
	before=($(nb_gets r1 VI_1 "drops.$reason" counters.transitions))
	inject "$@"
	sleep 0.3
	after=($(nb_gets r1 VI_1 "drops.$reason" counters.transitions state))
	check_eq "$what: 5 dropped as '$reason'" "$((${before[0]:-0} + 5))" "${after[0]:-none}"
	check_eq "$what: still MASTER, no transition" "MASTER ${before[1]}" "${after[2]} ${after[1]}"
}
bad "TTL 64" ttl -A 1 -P lvt1 -t 64
bad "bad checksum" checksum -A 1 -P lvt1 -x
bad "version 4" version -A 1 -P lvt1 -V 4
bad "VRRPv3 advert to a v2 instance" version -V 3
bad "type 2" type -A 1 -P lvt1 -T 2
bad "count 3 with one address" addr_count -A 1 -P lvt1 -C 3
bad "VRID 52" vrid -A 1 -P lvt1 -r 52
bad "wrong password" auth -A 1 -P wrong
bad "no authentication" auth_type -A 0
bad "truncated to 6 bytes" truncated -A 1 -P lvt1 -L 6
bad "advert_int 2 against 1" interval -A 1 -P lvt1 -a 2

# VRRPv3: the checksum covers an IPv4 pseudo-header too (RFC 5798 5.2.8).
before=($(nb_gets r1 VI_3 drops.checksum counters.transitions))
nb_exec r2 "$NB_TOOLS/vrrp_inject" -i eth0 -s "$NB_NET.12" -p 200 -n 5 -I 40 -V 3 -r 61 -x "$VIP3"
sleep 0.3
after=($(nb_gets r1 VI_3 drops.checksum counters.transitions state))
check_eq "VRRPv3 bad checksum: 5 dropped as 'checksum'" "$((${before[0]:-0} + 5))" "${after[0]:-none}"
check_eq "VRRPv3 bad checksum: still MASTER, no transition" "MASTER ${before[1]}" "${after[2]} ${after[1]}"
check_eq "the VIP never moved" r1 "$(nb_holders "$VIP")"
check_eq "the VRRPv3 VIP never moved" r1 "$(nb_holders "$VIP3")"
if kill -0 "$(cat "$NB_WORK/r1.d.pid")" 2>/dev/null; then ok "vrrpd survived the bad input"; else fail "vrrpd survived the bad input"; nb_log r1; fi

nb_exec r2 "$NB_TOOLS/vrrp_inject" -i eth0 -s "$NB_NET.12" -p 200 -n 10 -I 200 -A 1 -P lvt1 "$VIP" &
inj=$!
nb_check_holders "control: a valid priority-200 advert makes the master step down" "$VIP" "" 2
check_eq "control: r1 is BACKUP with 10.77.0.12 as master" "BACKUP $NB_NET.12" \
	"$(nb_get r1 VI_1 state) $(nb_get r1 VI_1 master)"
wait "$inj"

nb_exec r2 "$NB_TOOLS/vrrp_inject" -i eth0 -s "$NB_NET.12" -p 200 -n 10 -I 200 -V 3 -r 61 "$VIP3" &
inj=$!
nb_check_holders "control: a valid VRRPv3 priority-200 advert makes the v3 master step down" "$VIP3" "" 2
check_eq "control: VI_3 is BACKUP with 10.77.0.12 as master" "BACKUP $NB_NET.12" \
	"$(nb_get r1 VI_3 state) $(nb_get r1 VI_3 master)"
wait "$inj"
