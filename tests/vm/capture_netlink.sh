#!/bin/bash
# capture_netlink.sh - regenerates the raw kernel replies the netlink tests
# use: tests/fuzz/corpus/fuzz_netlink/ (seeds) and tests/unit/netlink/
# (vectors for test_ipvs_parse). Run on the host:
#   make dev && tests/vm/vm-run.sh tests/vm/capture_netlink.sh
# Inside the guest it builds the t_ipvs_client.sh scenario table with the real
# ipvsadm, starts two sync daemons, and saves every datagram the kernel sends
# back to a few requests into build/vm/netlink-capture/; then copy them over.
cd "$(dirname "$0")/../.." || exit 2
IPVSADM=/usr/sbin/ipvsadm
out=build/vm/netlink-capture
rm -rf "$out" && mkdir -p "$out" || exit 1
eval "$(sed -n '/^scenario_ipvsadm() {/,/^}/p' tests/vm/t_ipvs_client.sh)"
# Sync daemons first: the kernel refuses them while mixed-family dests exist.
$IPVSADM -C
ip link add ipvssync0 type dummy && ip link set ipvssync0 multicast on up
$IPVSADM --start-daemon master --mcast-interface ipvssync0 --syncid 12 \
	--sync-maxlen 1400 --mcast-group 239.1.2.3 --mcast-port 8850 --mcast-ttl 3
$IPVSADM --start-daemon backup --mcast-interface ipvssync0 --syncid 13 \
	--mcast-group ff02::1:3 --mcast-port 8860
build/dev/vm/ipvs_client capture "$out" daemons
rc1=$?
$IPVSADM --stop-daemon master; $IPVSADM --stop-daemon backup
ip link del ipvssync0
scenario_ipvsadm || { echo "not ok - capture: scenario commands fail"; exit 1; }
build/dev/vm/ipvs_client capture "$out"
rc=$?
$IPVSADM -C
[ "$rc1" = 0 ] || rc=$rc1
ls -l "$out"
exit $rc
