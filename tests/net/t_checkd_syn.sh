#!/bin/bash
# t_checkd_syn.sh - TCP_CHECK's handshake on a shared raw socket: the
# server answers, the director's kernel resets the answer, and the server's
# application never sees a connection; IPv4 and IPv6; the source address
# follows a route change; a lost SYN is sent
# again after 1 s; ICMP errors end the check as they end a connect(). For
# the ICMP cases the verdict is compared with a real connect() from the
# director (python3's socket module) to the same port. Checks with bindto
# still connect() a socket of their own, and the server sees it.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
. tests/net/checkd_bed.sh
ck_require "checkd syn"
ck_setup

S=$CK_SRV
S6=$NB_NET6::11
ACCEPTS=$NB_WORK/accepts
: >"$ACCEPTS.80"; : >"$ACCEPTS.81"

# A dual-stack listener that writes a line per accepted connection.
listener() {
	ck_srv_bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(128)
while True:
    c, peer = s.accept()
    with open(sys.argv[2], "a") as f:
        f.write(peer[0] + "\n")
    c.close()
' "$1" "$2" >/dev/null
}
listener 80 "$ACCEPTS.80"
listener 81 "$ACCEPTS.81"
listener 86 /dev/null

ck_answer_counter synack80 80 accept
# A second subnet on the same link: its server must be checked from the
# director's address in that subnet, whatever the first check's source was.
ip -n "$(nb_ns r1)" addr add 10.78.0.11/24 dev "$NB_IFNAME"
ip -n "$(nb_ns c)" addr add 10.78.0.200/24 dev "$NB_IFNAME"
nb_exec r1 nft add counter inet ck from78
nb_exec r1 nft add rule inet ck in ip saddr 10.78.0.200 ip daddr 10.78.0.11 tcp dport 80 tcp flags '& (syn|ack) == syn' counter name from78
nb_exec r1 nft add counter inet ck from201
nb_exec r1 nft add rule inet ck in ip saddr "$NB_NET.201" tcp dport 80 tcp flags '& (syn|ack) == syn' counter name from201
ck_syn_counter syn86 86
nb_exec r1 nft add counter inet ck reset80
nb_exec r1 nft add rule inet ck in tcp dport 80 tcp flags '& rst == rst' counter name reset80
# The first SYN to 86 is lost (our SYN is 44 bytes; the quota lets one through the drop).
nb_exec r1 nft add rule inet ck in tcp dport 86 tcp flags '& (syn|ack) == syn' quota until 50 bytes drop
nb_exec r1 nft add rule inet ck in tcp dport 87 reject with icmp type port-unreachable
nb_exec r1 nft add rule inet ck in tcp dport 88 reject with icmp type host-unreachable
nb_exec r1 nft add rule inet ck in ip6 nexthdr tcp tcp dport 89 reject with icmpv6 type admin-prohibited
# Every ICMP error must go out, for checkd and for the connect() oracle alike.
nb_exec r1 sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
# port 89 over IPv4 has no rule and no listener: a plain refusal (RST)

# connect_oracle ADDR PORT TIMEOUT: what connect() from the director says:
# "up", "timeout", or the errno's name.
connect_oracle() {
	nb_exec c python3 -c '
import errno, socket, sys
addr, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
s.settimeout(timeout)
try:
    s.connect((addr, port))
    print("up")
except socket.timeout:
    print("timeout")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
' "$@"
}

rs() {
	printf '    real_server %s %s {\n        TCP_CHECK {\n' "$1" "$2"
	printf '            connect_timeout %s\n            warmup 0\n' "$3"
	shift 3
	for line in "$@"; do printf '            %s\n' "$line"; done
	printf '        }\n    }\n'
}
{
	printf 'global_defs {\n    router_id checkd_syn\n}\n'
	printf 'virtual_server 10.77.0.100 80 {\n    delay_loop 1\n    alpha\n    protocol TCP\n    lb_algo rr\n    lb_kind NAT\n'
	rs "$S" 80 1
	rs "$S" 81 1 "bindto $NB_NET.200"
	rs "$S" 86 3
	rs "$S" 87 3
	rs "$S" 88 1.5
	rs "$S" 89 3
	rs 10.78.0.11 80 1
	printf '}\n'
	printf 'virtual_server %s::100 80 {\n    delay_loop 1\n    alpha\n    protocol TCP\n    lb_algo rr\n    lb_kind NAT\n' "$NB_NET6"
	rs "$S6" 80 1
	rs "$S6" 89 3
	printf '}\n'
} >"$NB_WORK/syn.conf"

VS=tcp/10.77.0.100:80
VS6="tcp/[$NB_NET6::100]:80"
nb_capture "$NB_WORK/syn.pcap" 3 "tcp port 80" || die_suite "checkd syn: tshark does not capture"
ck_start "$NB_WORK/syn.conf"
ck_wait_event " up $VS $S:80 " 4 || ck_log_tail
ck_wait_event " up $VS6 \[$S6\]:80 " 4 || ck_log_tail
ck_sleep_until 3.5

# The healthy server: up over IPv4 and IPv6, and after three rounds its
# application has accepted nothing, while its kernel answered every SYN and
# got each answer reset by the director.
check_eq "IPv4 healthy server: up" up "$(ck_get "$VS" "$S:80" state)"
check_eq "IPv6 healthy server: up" up "$(ck_get "$VS6" "[$S6]:80" state)"
# The checks go on while the counters are read: the resets, read between
# two readings of the answers, lie between them.
n=$(ck_count synack80)
resets=$(ck_count reset80)
n_after=$(ck_count synack80)
if [ "$n" -ge 6 ]; then ok "the server answered every check's SYN (SYN-ACKs from :80 over both families: $n)"
else fail "the server answered every check's SYN (SYN-ACKs from :80 over both families: $n)"; fi
if [ "$resets" -ge "$n" ] && [ "$resets" -le "$n_after" ]; then
	ok "each answer was reset by the director's kernel ($resets resets, $n..$n_after answers)"
else fail "each answer was reset by the director's kernel ($resets resets, $n..$n_after answers)"; fi
check_eq "the server's application accepted no connection from the checks" 0 "$(wc -l <"$ACCEPTS.80")"
check_eq "no connection left on the server" 0 "$(nb_exec r1 ss -Htn state connected '( sport = :80 )' | wc -l)"

# Our SYNs as tshark decodes them, checksums verified: from the director,
# to the server (bindto's own connect() SYNs are to :81, not captured).
wait "$NB_CAPTURE_PID"
syns=$(tshark -r "$NB_WORK/syn.pcap" -n -o tcp.check_checksum:TRUE \
	-Y "tcp.flags.syn == 1 && tcp.flags.ack == 0" -T fields -e ip.src -e ipv6.src -e tcp.checksum.status \
	-e tcp.options.mss_val 2>/dev/null)
v4=$(echo "$syns" | awk -v a="$NB_NET.200" '$1 == a' | wc -l)
v6=$(echo "$syns" | awk -v a="$NB_NET6::200" '$1 == a' | wc -l)
if [ "$v4" -ge 2 ] && [ "$v6" -ge 2 ]; then ok "tshark sees our SYNs from the director over IPv4 ($v4) and IPv6 ($v6)"
else fail "tshark sees our SYNs from the director over IPv4 ($v4) and IPv6 ($v6)"; echo "$syns" | sed 's/^/#   /'; fi
check_eq "tshark: every SYN's TCP checksum is good" "" "$(echo "$syns" | awk 'NF && $2 != 1')"
check_eq "tshark: every SYN offers an MSS" "" "$(echo "$syns" | awk 'NF && $3 !~ /^14[0-9][0-9]$/')"

check_eq "second subnet: up" up "$(ck_get "$VS" "10.78.0.11:80" state)"
n=$(ck_count from78)
if [ "$n" -ge 3 ]; then ok "second subnet: its SYNs leave from the director's 10.78.0.200 ($n seen)"
else fail "second subnet: its SYNs leave from the director's 10.78.0.200 ($n seen)"; fi

# bindto: a socket of its own, bound to the director's address; the server sees it.
check_eq "bindto: up" up "$(ck_get "$VS" "$S:81" state)"
if [ "$(wc -l <"$ACCEPTS.81")" -ge 3 ] && ! grep -qv "$NB_NET.200\$" "$ACCEPTS.81"; then
	ok "bindto: each check connected from $NB_NET.200 ($(wc -l <"$ACCEPTS.81") accepted)"
else fail "bindto: each check connected from $NB_NET.200"; sed 's/^/#   /' "$ACCEPTS.81"; fi

# A lost SYN is sent again after 1 s (connect() does the same), so the check passes.
t=$(ck_event_time " up $VS $S:86 ")
if [ -n "$t" ] && ck_between 1.0 "$t" 0 0.4; then ok "first SYN lost: up at the second SYN, 1 s later (got $t)"
else fail "first SYN lost: up at the second SYN, 1 s later (got ${t:-never})"; ck_log_tail; fi
check_eq "first SYN lost: no down event" 0 "$(grep -v initial "$CK_EVENTS" | grep -c " down $VS $S:86 ")"

# ICMP errors, against connect()'s own verdict.
icmp_case() {   # WHAT VS RS ADDR PORT TIMEOUT
	local what=$1 vs=$2 rs=$3 want err
	want=$(connect_oracle "$4" "$5" "$6")
	err=$(ck_get "$vs" "$rs" checkers.0.error)
	case "$want" in
	up) fail "$what: connect() oracle unexpectedly connected" ;;
	timeout)
		case "$err" in *"timed out after"*) ok "$what: times out, as connect() does ($err)" ;;
		*) fail "$what: times out, as connect() does (checkd: '$err')" ;; esac ;;
	*)
		# checkd is linked with musl: its wording of the errno
		local text
		case "$want" in
		ECONNREFUSED) text="Connection refused" ;;
		EHOSTUNREACH) text="Host is unreachable" ;;
		EACCES) text="Permission denied" ;;
		*) text="(no wording known for $want)" ;;
		esac
		case "$err" in "connect: $text") ok "$what: fails at once with connect()'s error $want ($text)" ;;
		*) fail "$what: fails with connect()'s error $want (checkd: '$err')" ;; esac ;;
	esac
}
icmp_case "ICMP port unreachable" "$VS" "$S:87" "$S" 87 3
icmp_case "ICMP host unreachable" "$VS" "$S:88" "$S" 88 1.5
icmp_case "ICMPv6 administratively prohibited" "$VS6" "[$S6]:89" "$S6" 89 3
icmp_case "IPv4 closed port (RST)" "$VS" "$S:89" "$S" 89 3
lat=$(ck_get "$VS" "$S:87" checkers.0.latency_us)
if [ -n "$lat" ] && [ "$lat" -lt 500000 ]; then ok "ICMP port unreachable: the verdict came in ${lat} us, not at the 3 s timeout"
else fail "ICMP port unreachable: the verdict came before the 3 s timeout (latency_us ${lat:-none})"; fi

# A route change moves the source address: the next SYNs leave from the
# new source (the director's kernel would pick it for a connection too).
ip -n "$(nb_ns c)" addr add "$NB_NET.201/$NB_PREFIX" dev "$NB_IFNAME"
ip -n "$(nb_ns c)" route add "$S/32" dev "$NB_IFNAME" src "$NB_NET.201"
sleep 2.5
n=$(ck_count from201)
if [ "$n" -ge 2 ]; then ok "after a route change the SYNs leave from its source $NB_NET.201 ($n seen)"
else fail "after a route change the SYNs leave from its source $NB_NET.201 ($n seen)"; ck_log_tail; fi
check_eq "after the route change the server is still up" up "$(ck_get "$VS" "$S:80" state)"

ck_stop
