#!/bin/bash
# t_guest.sh - the test bed itself: the guest has what every other vm test
# relies on (kernel IPVS, the scheduler modules, a writable build/, tools).
. tests/lib.sh

check_cmd "guest kernel has IPVS (/proc/net/ip_vs)" test -r /proc/net/ip_vs
check_eq "IPVS table starts empty" \
	"0" "$(/usr/sbin/ipvsadm -Sn | wc -l)"
# t_demo.sh, before this test, leaves TIME_WAIT entries that -C keeps.
check_eq "no connection entry left by an earlier test" \
	"1" "$(wc -l </proc/net/ip_vs_conn)"
check_eq "default timeouts are reset between tests" \
	"Timeout (tcp tcpfin udp): 900 120 300" "$(/usr/sbin/ipvsadm -L --timeout)"
# Every scheduler the kernel ships must be usable by a service.
missing=
for f in /lib/modules/"$(uname -r)"/kernel/net/netfilter/ipvs/ip_vs_*.ko*; do
	m=${f##*/}; m=${m%%.ko*}; s=${m#ip_vs_}
	case $s in ftp|pe_sip) continue ;; esac
	if /usr/sbin/ipvsadm -A -t 10.9.9.9:1 -s "$s" 2>/dev/null; then
		/usr/sbin/ipvsadm -D -t 10.9.9.9:1
	else
		missing="$missing $s"
	fi
done
check_eq "every scheduler module loads and serves" "" "$missing"
check_cmd "SIP persistence engine loaded" grep -qw ip_vs_pe_sip /proc/modules
check_cmd "ipip and veth loaded" sh -c 'grep -qw ^ipip /proc/modules && grep -qw ^veth /proc/modules'
check_cmd "network namespaces with veth work" sh -c \
	'ip netns add tguest && ip link add tg0 type veth peer name tg1 netns tguest && ip netns del tguest'
check_cmd "build/ is writable from the guest" sh -c 'p=$(mktemp build/vm/probe.XXXXXX) && echo x >"$p" && rm "$p"'
check_cmd "the root is read-only" sh -c '! touch /usr/.lvsbox-probe 2>/dev/null'
check_cmd "/tmp is a fresh writable tmpfs" sh -c 'touch /tmp/probe && [ "$(stat -f -c %T /tmp)" = tmpfs ]'
check_cmd "static lvsbox present" test -x build/x86_64/lvsbox
