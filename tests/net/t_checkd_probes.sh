#!/bin/bash
# t_checkd_probes.sh - checkd as a daemon with UDP_CHECK, DNS_CHECK (Debian's
# dnsmasq), SMTP_CHECK (a scripted SMTP peer) and PING_CHECK (IPv4 and IPv6,
# answered by the namespace's kernel): each comes up at its first success,
# goes down after exactly retry + 1 failed attempts once nftables drops its
# traffic, and comes back at the first answer. Attempts are counted on the
# server side (the drop rule's own counter, the server's answers), so the
# counts do not come from checkd. Then DNS_CHECK's verdict on each kind of
# answer, which is keepalived 2.2.7's (check_dns.c): only RCODE decides.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
. tests/net/checkd_bed.sh
ck_require "checkd probes"
command -v dnsmasq >/dev/null || die_suite "checkd probes: dnsmasq is not installed (toolchain/deps.sh checkd)"
ck_setup
# Every closed UDP port answers with ICMP port unreachable, not rate-limited.
nb_exec r1 sysctl -qw net.ipv4.icmp_ratelimit=0

S=$CK_SRV
S6=$NB_NET6::11
W=$NB_WORK
chmod 711 "$W"

# --- the servers in r1
dns_server() { # PORT
	ck_srv_bg dnsmasq --no-daemon --port="$1" --listen-address="$S" --bind-interfaces \
		--no-resolv --no-hosts --host-record="www.test,$S" --local=/test/ --pid-file="$W/dnsmasq.$1.pid"
}
dns_server 53 >/dev/null
dns_server 5353 >/dev/null
# A UDP service answering "pong" to anything; a scripted SMTP server that
# writes the HELO line it gets; one that turns clients away with 554.
cat >"$W/udp_pong.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(b'pong', peer)
PY
ck_srv_bg python3 "$W/udp_pong.py" "$S" 7000 >/dev/null
ck_srv_bg python3 "$W/udp_pong.py" "$S" 7001 >/dev/null
cat >"$W/smtpd.sh" <<SH
printf '220 mx.test ESMTP\r\n'
read -r helo
printf '%s\n' "\$helo" >>"$W/helo.log"
printf '250 mx.test\r\n'
read -r quit
printf '221 bye\r\n'
SH
ck_srv_bg socat TCP-LISTEN:25,bind="$S",fork,reuseaddr SYSTEM:"sh $W/smtpd.sh" >/dev/null
printf "printf '554 go away\\r\\n'\nsleep 1\n" >"$W/smtp554.sh"
ck_srv_bg socat TCP-LISTEN:2525,bind="$S",fork,reuseaddr SYSTEM:"sh $W/smtp554.sh" >/dev/null
# A DNS server whose NOERROR answers echo another question type (TXT) than asked.
cat >"$W/dns_othertype.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    q, peer = s.recvfrom(512)
    if len(q) < 17:
        continue
    # header: same id, QR RD RA, NOERROR, 1 question, no records; the
    # question's name copied, its type replaced by TXT (16)
    s.sendto(q[:2] + struct.pack('>HHHHH', 0x8180, 1, 0, 0, 0) + q[12:-4] + struct.pack('>HH', 16, 1), peer)
PY
ck_srv_bg python3 "$W/dns_othertype.py" "$S" 5354 >/dev/null

# Answers counted leaving r1: a probe that got one of these succeeded.
answers() {
	local name
	for name in a_udp a_dns a_smtp a_ping4 a_ping6; do nb_exec r1 nft add counter inet ck "$name"; done
	nb_exec r1 nft add rule inet ck out udp sport 7000 counter name a_udp
	nb_exec r1 nft add rule inet ck out udp sport 53 counter name a_dns
	nb_exec r1 nft add rule inet ck out tcp sport 25 tcp flags '& (syn|ack) == syn|ack' counter name a_smtp
	nb_exec r1 nft add rule inet ck out icmp type echo-reply counter name a_ping4
	nb_exec r1 nft add rule inet ck out icmpv6 type echo-reply counter name a_ping6
}
answers
nb_exec r1 nft add rule inet ck in udp dport 7002 drop   # a UDP service that never answers
# block: drop each service's requests, each drop rule with its own fresh
# counter (d_*) so it counts exactly the attempts that failed since.
block() {
	local name
	for name in d_udp d_dns d_smtp d_ping4 d_ping6; do
		nb_exec r1 nft delete counter inet ck "$name" 2>/dev/null
		nb_exec r1 nft add counter inet ck "$name"
	done
	nb_exec r1 nft add rule inet ck in udp dport 7000 counter name d_udp drop comment '"blk"'
	nb_exec r1 nft add rule inet ck in udp dport 53 counter name d_dns drop comment '"blk"'
	nb_exec r1 nft add rule inet ck in tcp dport 25 counter name d_smtp drop comment '"blk"'
	nb_exec r1 nft add rule inet ck in icmp type echo-request counter name d_ping4 drop comment '"blk"'
	nb_exec r1 nft add rule inet ck in icmpv6 type echo-request counter name d_ping6 drop comment '"blk"'
}
unblock() {
	local h
	for h in $(nb_exec r1 nft -a list chain inet ck in | sed -n 's/.*comment "blk" # handle \([0-9]*\)$/\1/p'); do
		nb_exec r1 nft delete rule inet ck in handle "$h"
	done
}

timing="connect_timeout 0.5
            retry 2
            delay_before_retry 0.3
            warmup 0"
vs() { # ADDRESS PORT PROTO RS-ADDRESS RS-PORT CHECKER [OPTION...]
	local addr=$1 port=$2 proto=$3 rsaddr=$4 rsport=$5 checker=$6
	shift 6
	printf 'virtual_server %s %s {\n    delay_loop 2\n    protocol %s\n    lb_algo rr\n    lb_kind NAT\n    alpha\n' "$addr" "$port" "$proto"
	printf '    real_server %s %s {\n        %s {\n' "$rsaddr" "$rsport" "$checker"
	printf '            %s\n' "$@" "$timing"
	printf '        }\n    }\n}\n'
}
{
	echo "global_defs {"
	echo "    router_id checkd_probes"
	echo "}"
	vs 10.77.0.100 7000 UDP "$S" 7000 UDP_CHECK "payload 70696e67" "require_reply 706f6e67"
	vs 10.77.0.101 53 UDP "$S" 53 DNS_CHECK "type A" "name www.test"
	vs 10.77.0.102 25 TCP "$S" 25 SMTP_CHECK "helo_name director.test"
	vs 10.77.0.103 80 TCP "$S" 80 PING_CHECK
	vs fd00:77::100 80 TCP "$S6" 80 PING_CHECK
	# UDP_CHECK details: another reply than required; a closed port (ICMP
	# port unreachable); silence without require_reply counts as up.
	vs 10.77.0.110 7001 UDP "$S" 7001 UDP_CHECK "require_reply 6f6b"
	vs 10.77.0.111 7009 UDP "$S" 7009 UDP_CHECK "require_reply"
	vs 10.77.0.112 7002 UDP "$S" 7002 UDP_CHECK
	# SMTP_CHECK: a greeting that is not 220.
	vs 10.77.0.113 2525 TCP "$S" 2525 SMTP_CHECK
	# DNS_CHECK verdicts against dnsmasq on 5353 and the other-type stub.
	vs 10.77.0.120 53 UDP "$S" 5353 DNS_CHECK "type TXT" "name www.test"
	vs 10.77.0.121 53 UDP "$S" 5353 DNS_CHECK "type A" "name nx.test"
	vs 10.77.0.122 53 UDP "$S" 5353 DNS_CHECK "type A" "name example.com"
	vs 10.77.0.123 53 UDP "$S" 5353 DNS_CHECK
	vs 10.77.0.124 53 UDP "$S" 5354 DNS_CHECK "type A" "name www.test"
} >"$W/probes.conf"
nb_exec c "$CHECKD" -t -f "$W/probes.conf" >"$W/t.out" 2>&1
check_eq "checkd -t accepts the config" 0 $?

# Wait until the UDP servers answer (a DNS query for www.test A) before starting checkd.
for port in 53 5353 5354 7000 7001; do
	for i in $(seq 1 50); do
		ck_srv python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(0.2); s.sendto(bytes.fromhex("abcd0100000100000000000003777777047465737400000100 01".replace(" ","")),(sys.argv[1],int(sys.argv[2]))); s.recv(512)' "$S" "$port" 2>/dev/null && break
		sleep 0.1
	done
done

ck_start "$W/probes.conf"
MAIN="udp/10.77.0.100:7000 $S:7000 UDP
udp/10.77.0.101:53 $S:53 DNS
tcp/10.77.0.102:25 $S:25 SMTP
tcp/10.77.0.103:80 $S:80 PING4
tcp/[fd00:77::100]:80 [$S6]:80 PING6"

# 1. Healthy: alpha starts them down; each comes up at its first success.
while read -r v r what; do
	if ck_wait_fixed " up $v $r weight=1 reason=" 4; then ok "$what: healthy server comes up (alpha)"; else
		fail "$what: healthy server comes up (alpha)"; ck_log_tail; fi
	check_eq "$what: --json state up" up "$(ck_get "$v" "$r" state)"
	check_eq "$what: --json last result ok" ok "$(ck_get "$v" "$r" checkers.0.last_result)"
done <<<"$MAIN"
check_cmd "SMTP: the server got our HELO with helo_name" grep -q "^HELO director.test"$'\r'"\?$" "$W/helo.log"

# 2. Blocked: down after exactly retry + 1 = 3 failed attempts.
block
# count_at PREFIX STATE NTH: for each server of $MAIN, the nft counter
# PREFIX_<type> read as its NTH STATE event appears, into seen[type]
count_at() {
	local i v r what
	seen=()
	for i in $(seq 1 160); do
		while read -r v r what; do
			[ -n "${seen[$what]:-}" ] && continue
			[ "$(grep -v initial "$CK_EVENTS" | grep -cF " $2 $v $r ")" -ge "$3" ] || continue
			seen[$what]=$(ck_count "$1_${what,,}")
		done <<<"$MAIN"
		[ "${#seen[@]}" = 5 ] && break
		sleep 0.05
	done
}
declare -A seen
count_at d down 1
while read -r v r what; do
	check_eq "$what: down after exactly retry+1 = 3 failed attempts (counted by r1's drop rule)" 3 "${seen[$what]}"
	line=$(grep -v initial "$CK_EVENTS" | grep -F " down $v $r " | head -n 1)
	type=${what%[46]}_CHECK
	case "$line" in *" weight=1 reason=${type} $r: timed out after 500 ms ("*")") ok "$what: down event names the checker and the timeout" ;;
	*) fail "$what: down event names the checker and the timeout"; echo "#   got: $line" ;; esac
	err=$(ck_get "$v" "$r" checkers.0.error)
	case "$err" in "timed out after 500 ms ("*")") ok "$what: --json error says what timed out ($err)" ;;
	*) fail "$what: --json error says what timed out"; echo "#   got: '$err'" ;; esac
	check_eq "$what: --json state down" down "$(ck_get "$v" "$r" state)"
done <<<"$MAIN"
out=$("$CHECKD" -S "$CK_SOCK" -s 2>&1)
case "$out" in *"udp/10.77.0.101:53"*"$S:53"*down*"timed out"*) ok "checkd -s shows the DNS server down and why" ;;
*) fail "checkd -s shows the DNS server down and why"; echo "$out" | sed 's/^/#   /' | head -n 20 ;; esac

# 3. Unblocked: up at the first answer (r1 answered exactly once by then).
for name in a_udp a_dns a_smtp a_ping4 a_ping6; do ck_reset "$name"; done
unblock
count_at a up 2
while read -r v r what; do
	check_eq "$what: back up at the first answered attempt" 1 "${seen[$what]}"
	check_eq "$what: transitions (up, down, up)" 3 "$(ck_get "$v" "$r" transitions)"
done <<<"$MAIN"

# 4. The fixed cases, by now decided.
reason() { grep -v initial "$CK_EVENTS" | grep -E " $1 $2 $3 " | head -n 1 | sed 's/.* reason=//'; }
expect() { # WHAT up|down VS RS REASON-GLOB
	local got
	got=$(reason "$2" "$3" "$4")
	case "$got" in $5) ok "$1" ;; *) fail "$1"; echo "#   got: ${got:-no $2 event}" ;; esac
}
expect "UDP_CHECK: a reply other than require_reply is a failure" down udp/10.77.0.110:7001 "$S:7001" \
	"UDP_CHECK $S:7001: UDP reply differs from require_reply at byte 0"
expect "UDP_CHECK: ICMP port unreachable is a failure" down udp/10.77.0.111:7009 "$S:7009" "UDP_CHECK $S:7009: *refused"
expect "UDP_CHECK: silence without require_reply is up (keepalived's meaning)" up udp/10.77.0.112:7002 "$S:7002" "UDP_CHECK $S:7002 ok"
expect "SMTP_CHECK: a 554 greeting is a failure" down tcp/10.77.0.113:2525 "$S:2525" "SMTP_CHECK $S:2525: SMTP greeting 554, expected 220"
expect "DNS_CHECK: NOERROR without records (TXT of an A-only name) is up, as in keepalived" up udp/10.77.0.120:53 "$S:5353" "DNS_CHECK $S:5353 ok"
expect "DNS_CHECK: NXDOMAIN is down" down udp/10.77.0.121:53 "$S:5353" "DNS_CHECK $S:5353: DNS reply code NXDOMAIN"
expect "DNS_CHECK: REFUSED is down" down udp/10.77.0.122:53 "$S:5353" "DNS_CHECK $S:5353: DNS reply code REFUSED"
expect "DNS_CHECK: the default query (SOA of the root) to a server without it is refused" down udp/10.77.0.123:53 "$S:5353" \
	"DNS_CHECK $S:5353: DNS reply code REFUSED"
expect "DNS_CHECK: a NOERROR answer echoing another type is up (keepalived reads only the header)" up udp/10.77.0.124:53 "$S:5354" "DNS_CHECK $S:5354 ok"
check_eq "DNS_CHECK: retry given in the block overrides the default 3" 2 "$(ck_get udp/10.77.0.101:53 "$S:53" checkers.0.retry)"

ck_stop
nb_wait_gone c 3
check_eq "nothing left running in the director namespace after stop" "" "$(ip netns pids "$(nb_ns c)")"
