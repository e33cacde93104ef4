#!/bin/bash
# t_ipvs_client.sh - core/ipvs.c against the guest's kernel, with the real
# ipvsadm as the oracle. Runs twice: the ASan glibc build on Debian's libmnl
# (build/dev/vm/ipvs_client) and the static musl build on the in-tree
# core/mnl.c (build/x86_64/vm/ipvs_client); both come from `make dev`.
#
# 1. The same table is built once with ipvsadm commands and once through our
#    client; ipvsadm's listings of the two must be identical.
# 2. A table built with ipvsadm must read back through our dump exactly as
#    the commands describe it (expected lines written from the commands).
# 3. Calls whose answers are known (errors, get/edit, info, timeouts, sync
#    daemons, zero, flush) check themselves; ipvsadm confirms the timeouts.
# 4. Batches: 10,000 services with a dest each; a batch whose middle request fails.
. tests/lib.sh
IPVSADM=/usr/sbin/ipvsadm
[ -x "$IPVSADM" ] || die_suite "ipvs_client: $IPVSADM missing"
[ -r /proc/net/ip_vs ] || die_suite "ipvs_client: kernel without IPVS"
work=$(mktemp -d /tmp/ipvs_client.XXXXXX)
trap 'rm -rf "$work"; ip link del ipvssync0 2>/dev/null' EXIT

# The scenario as ipvsadm commands; tests/vm/ipvs_client.c's `apply` builds
# the same table through core/ipvs.c.
scenario_ipvsadm() {
	$IPVSADM -A -t 10.0.0.1:80 -s wlc &&
	$IPVSADM -a -t 10.0.0.1:80 -r 192.168.10.1:80 -m -w 1 &&
	$IPVSADM -a -t 10.0.0.1:80 -r 192.168.10.2:8080 -m -w 3 -x 100 -y 10 &&
	$IPVSADM -A -u 10.0.0.2:53 -s rr -o &&
	$IPVSADM -a -u 10.0.0.2:53 -r 192.168.10.3:53 -g -w 2 &&
	$IPVSADM -A --sctp-service 10.0.0.3:5000 -s sh -b sh-fallback,sh-port &&
	$IPVSADM -a --sctp-service 10.0.0.3:5000 -r 192.168.10.4:5000 -i -w 1 &&
	$IPVSADM -A -t 10.0.0.4:443 -s rr -p 600 -M 255.255.255.0 &&
	$IPVSADM -a -t 10.0.0.4:443 -r 192.168.10.5:443 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum &&
	$IPVSADM -a -t 10.0.0.4:443 -r 192.168.10.6:443 -i -w 1 --tun-type gre --tun-csum &&
	$IPVSADM -A -f 7 -s wrr -p 300 &&
	$IPVSADM -a -f 7 -r 192.168.10.7 -g -w 5 &&
	$IPVSADM -A -t [2001:db8::1]:80 -s lc -p 120 -M 64 &&
	$IPVSADM -a -t [2001:db8::1]:80 -r [2001:db8:1::1]:80 -m -w 1 &&
	$IPVSADM -A -f 9 -6 -s rr &&
	$IPVSADM -a -f 9 -6 -r 2001:db8:1::2 -g -w 1 &&
	$IPVSADM -A -u 10.0.0.5:5060 -s rr -p 360 --pe sip &&
	$IPVSADM -a -u 10.0.0.5:5060 -r 192.168.10.8:5060 -m -w 1 &&
	$IPVSADM -A -t 10.0.0.6:80 -s rr &&
	$IPVSADM -a -t 10.0.0.6:80 -r [2001:db8:2::1]:80 -i -w 1
}

# What our dump must print for that table, field by field from the commands.
# flags: 0x2 is IP_VS_SVC_F_HASHED, which the kernel sets on every service in
# its table and reports back; 0x1 persistent, 0x4 one-packet, 0x8|0x10 the sh
# flags. Timeouts are seconds; IPv4 netmasks dotted, IPv6 prefix lengths.
expected_dump() {
	cat <<'EOF'
service inet tcp 10.0.0.1:80 sched=wlc flags=0x2 timeout=0 netmask=255.255.255.255 pe=
dest inet tcp 10.0.0.1:80 -> inet 192.168.10.1:80 fwd=masq weight=1 thresholds=0/0 tun=0,0,0
dest inet tcp 10.0.0.1:80 -> inet 192.168.10.2:8080 fwd=masq weight=3 thresholds=100/10 tun=0,0,0
service inet udp 10.0.0.2:53 sched=rr flags=0x6 timeout=0 netmask=255.255.255.255 pe=
dest inet udp 10.0.0.2:53 -> inet 192.168.10.3:53 fwd=route weight=2 thresholds=0/0 tun=0,0,0
service inet sctp 10.0.0.3:5000 sched=sh flags=0x1a timeout=0 netmask=255.255.255.255 pe=
dest inet sctp 10.0.0.3:5000 -> inet 192.168.10.4:5000 fwd=tunnel weight=1 thresholds=0/0 tun=0,0,0
service inet tcp 10.0.0.4:443 sched=rr flags=0x3 timeout=600 netmask=255.255.255.0 pe=
dest inet tcp 10.0.0.4:443 -> inet 192.168.10.5:443 fwd=tunnel weight=1 thresholds=0/0 tun=1,6080,0
dest inet tcp 10.0.0.4:443 -> inet 192.168.10.6:443 fwd=tunnel weight=1 thresholds=0/0 tun=2,0,1
service inet fwmark 7 sched=wrr flags=0x3 timeout=300 netmask=255.255.255.255 pe=
dest inet fwmark 7 -> inet 192.168.10.7:0 fwd=route weight=5 thresholds=0/0 tun=0,0,0
service inet6 tcp [2001:db8::1]:80 sched=lc flags=0x3 timeout=120 netmask=64 pe=
dest inet6 tcp [2001:db8::1]:80 -> inet6 [2001:db8:1::1]:80 fwd=masq weight=1 thresholds=0/0 tun=0,0,0
service inet6 fwmark 9 sched=rr flags=0x2 timeout=0 netmask=128 pe=
dest inet6 fwmark 9 -> inet6 [2001:db8:1::2]:0 fwd=route weight=1 thresholds=0/0 tun=0,0,0
service inet udp 10.0.0.5:5060 sched=rr flags=0x3 timeout=360 netmask=255.255.255.255 pe=sip
dest inet udp 10.0.0.5:5060 -> inet 192.168.10.8:5060 fwd=masq weight=1 thresholds=0/0 tun=0,0,0
service inet tcp 10.0.0.6:80 sched=rr flags=0x2 timeout=0 netmask=255.255.255.255 pe=
dest inet tcp 10.0.0.6:80 -> inet6 [2001:db8:2::1]:80 fwd=tunnel weight=1 thresholds=0/0 tun=0,0,0
EOF
}

# Every listing ipvsadm has that shows a field of the scenario.
listings() {
	$IPVSADM -S -n
	$IPVSADM -L -n --thresholds
	$IPVSADM -L -n --tun-info
	$IPVSADM -L -n --persistent-conn
}

fresh() { $IPVSADM -C; }

if ! scenario_ipvsadm >"$work/ipvsadm.err" 2>&1; then
	fail "ipvs_client: the scenario's ipvsadm commands fail"
	sed 's/^/#   /' "$work/ipvsadm.err"
fi
listings >"$work/want.listing"

for bin in build/dev/vm/ipvs_client build/x86_64/vm/ipvs_client; do
	case $bin in
	build/dev/*) impl="libmnl+ASan" ;;
	*) impl="in-tree mnl, static" ;;
	esac
	if [ ! -x "$bin" ]; then
		fail "ipvs_client ($impl): $bin not built (make dev)"
		continue
	fi

	# 1: our client builds the table; ipvsadm lists it as its own.
	fresh
	"$bin" apply | sed "s/^\(not \)\{0,1\}ok - /&[$impl] /"
	listings >"$work/got.listing"
	if cmp -s "$work/want.listing" "$work/got.listing"; then
		ok "[$impl] ipvsadm -S/-L of the table we built equals the one ipvsadm built"
	else
		fail "[$impl] ipvsadm -S/-L of the table we built equals the one ipvsadm built"
		diff "$work/want.listing" "$work/got.listing" | sed 's/^/#   /' | head -30
	fi

	# 2: ipvsadm builds the table; our dump reads every field back.
	fresh
	scenario_ipvsadm >/dev/null 2>&1
	if "$bin" dump >"$work/dump" 2>"$work/dump.err"; then
		if diff <(expected_dump | sort) <(sort "$work/dump") >"$work/dump.diff"; then
			ok "[$impl] dump of ipvsadm's table reads back every field"
		else
			fail "[$impl] dump of ipvsadm's table reads back every field"
			sed 's/^/#   /' "$work/dump.diff" | head -30
		fi
	else
		fail "[$impl] dump failed: $(cat "$work/dump.err")"
	fi

	# 3: known answers; the sync daemons need a multicast interface.
	fresh
	ip link del ipvssync0 2>/dev/null
	ip link add ipvssync0 type dummy && ip link set ipvssync0 multicast on up ||
		fail "[$impl] cannot create dummy interface ipvssync0"
	"$bin" checks | sed "s/^\(not \)\{0,1\}ok - /&[$impl] /"
	check_eq "[$impl] ipvsadm sees the timeouts we set" \
		"Timeout (tcp tcpfin udp): 1000 60 200" "$($IPVSADM -L --timeout)"
	$IPVSADM --set 900 120 300
	ip link del ipvssync0

	# 3b: counters after a real connection attempt, against ipvsadm --stats.
	fresh
	ip addr add 10.99.0.1/32 dev lo 2>/dev/null
	$IPVSADM -A -t 10.99.0.1:80 -s rr && $IPVSADM -a -t 10.99.0.1:80 -r 127.0.0.1:8080 -m
	# One SYN through IPVS; the client is gone before anything is read.
	timeout 1 bash -c 'exec 3<>/dev/tcp/10.99.0.1/80' 2>/dev/null
	# The kernel folds its per-CPU counters into what it reports every 2 s.
	sleep 3
	want=$($IPVSADM -L -n --stats --exact | awk '/^TCP/ {print "service", $3, $4, $5, $6, $7}
		/^  ->/ && NF == 7 {print "dest", $3, $4, $5, $6, $7}')
	got=$("$bin" stats)
	check_eq "[$impl] counters equal ipvsadm --stats --exact" "$want" "$got"
	conns=$(echo "$got" | awk '/^service/ {print $2}')
	if [ "${conns:-0}" -ge 1 ]; then ok "[$impl] the connection attempt was counted ($conns)"
	else fail "[$impl] the connection attempt was counted (conns ${conns:-none})"; fi
	"$bin" zero-first | sed "s/^\(not \)\{0,1\}ok - /&[$impl] /"
	check_eq "[$impl] ipvsadm sees the counters zeroed" "0 0" \
		"$($IPVSADM -L -n --stats --exact | awk '/^TCP/ {print $3, $4}')"
	ip addr del 10.99.0.1/32 dev lo

	# 4: batches.
	fresh
	"$bin" batch 10000 | sed "s/^\(not \)\{0,1\}ok - /&[$impl] /"
	check_eq "[$impl] ipvsadm counts 10000 services and 10000 dests after the batch" \
		"20000" "$($IPVSADM -S -n | wc -l)"
	fresh
	"$bin" batchfail 10000 5000 | sed "s/^\(not \)\{0,1\}ok - /&[$impl] /"
done
exit 0
