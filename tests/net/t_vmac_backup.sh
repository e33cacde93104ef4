#!/bin/bash
# t_vmac_backup.sh - use_vmac: a backup never sends a frame with the virtual
# MAC as source. If it does (IGMP/MLD reports, IPv6 router solicitations from
# its macvlan), the switch learns the virtual MAC on the backup's port and
# the clients' traffic for the VIP goes there until the master's next advert.
# The master starts alone; the backup starts while its switch port is watched.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require vmac-backup
command -v tshark >/dev/null || die_suite "vmac-backup: tshark missing (toolchain/deps.sh dev)"
nb_setup 2 || die_suite "vmac-backup: cannot build the namespace bed"
VIP=$NB_NET.100
NB_VERSION=3 NB_ADVERT=0.5
VMAC=00:00:5e:00:01:33   # VRID 51
nb_vmac_pair 51 "$VIP"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_check_holders "$IMPL: the first router alone becomes master" "$VIP" r1 6

# What r2 sends enters the switch at its port pr2 ("inbound" there). 4 s covers the backup's
# start: IGMP/MLD joins and their repeats, IPv6 DAD and router solicitation.
cap=$NB_WORK/pr2.err
ip netns exec "$(nb_ns sw)" tshark -q -n -i pr2 -f "inbound and ether src $VMAC" -a duration:4 \
	-w "$NB_WORK/pr2.pcap" >/dev/null 2>"$cap" &
tpid=$!
for _ in $(seq 100); do grep -q "Capturing on" "$cap" 2>/dev/null && break; sleep 0.05; done
grep -q "Capturing on" "$cap" || die_suite "vmac-backup: tshark did not start on pr2"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
wait "$tpid"
nb_check_holders "$IMPL: the second router stays backup" "$VIP" r1 1
frames=$(tshark -r "$NB_WORK/pr2.pcap" -T fields -e frame.number 2>/dev/null | wc -l)
what=$(tshark -r "$NB_WORK/pr2.pcap" 2>/dev/null | head -n 3 | sed 's/^ */#   /')
check_eq "$IMPL: the backup sent no frame from the virtual MAC" 0 "$frames"
[ "$frames" = 0 ] || echo "$what"
ports=$(bridge -n "$(nb_ns sw)" fdb show br br0 | awk -v m="$VMAC" '$1 == m {print $3}' | sort -u | paste -sd' ')
check_eq "$IMPL: the switch knows the virtual MAC at the master's port only" pr1 "$ports"
nb_check_reach "$IMPL: the client reaches the VIP" "$VIP"
