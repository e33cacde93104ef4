#!/bin/bash
# t_vrrpd_smoke_failover.sh - two vrrpd on a bridge: the election as the
# priorities say, the VIP with its label on the master only, the control
# socket's view, graceful stop (priority 0: the backup takes over within
# its skew time, the client's ARP entry moves by gratuitous ARP), preemption
# when the higher router returns, and kill -9 (takeover after 3 adverts + skew).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require_vrrpd "vrrpd smoke"
nb_setup 2 || die_suite "vrrpd smoke: cannot build the namespace bed"

VIP=$NB_NET.100
conf() { # conf PRIORITY STATE
	cat <<EOF
vrrp_instance VI_1 {
    state $2
    interface eth0
    virtual_router_id 51
    priority $1
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        $VIP/24 dev eth0 label eth0:vip
    }
}
EOF
}
conf 150 MASTER >"$NB_WORK/r1.conf"
conf 100 BACKUP >"$NB_WORK/r2.conf"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# wait_holder ROUTER MAX_MS: ms until ROUTER holds the VIP (or -1).
wait_holder() {
	local start end t
	start=$(now_ms); end=$((start + $2))
	while t=$(now_ms); [ "$t" -le "$end" ]; do
		nb_vip_on "$1" "$VIP" && { echo $((t - start)); return 0; }
		sleep 0.01
	done
	echo -1; return 1
}
field() { # field ROUTER KEY: first "KEY":value of the JSON
	nb_json "$1" | grep -o "\"$2\":[^,}]*" | head -1 | cut -d: -f2- | tr -d '"'
}

nb_daemon r1 vrrpd "$NB_WORK/r1.conf"
nb_daemon r2 vrrpd "$NB_WORK/r2.conf"
if nb_wait_vip r1 "$VIP" 6; then ok "priority 150 router takes the VIP"; else fail "priority 150 router takes the VIP"; nb_log r1; fi
sleep 1.5
check_eq "VIP on the master only" "r1" "$(nb_holders "$VIP")"
check_eq "VIP carries its label" "$VIP/24" \
	"$(ip -n "$(nb_ns r1)" -4 -o addr show label eth0:vip | awk '{print $4}')"
check_eq "r1 reports MASTER" "MASTER" "$(field r1 state)"
check_eq "r2 reports BACKUP" "BACKUP" "$(field r2 state)"
check_eq "r2 names r1 as master" "$NB_NET.11" "$(field r2 master)"
received=$(field r2 adverts_received)
if [ "${received:-0}" -ge 1 ]; then ok "r2 counts r1's adverts ($received)"; else fail "r2 counts r1's adverts"; fi
if "$VRRPD" -S "$(nb_sock r1)" -s | grep -q '^VI_1 .*MASTER'; then ok "status table lists the instance"; else fail "status table lists the instance"; fi

# The client learns the VIP at r1's MAC, then a graceful stop of r1.
# One UDP datagram to the discard port makes the client resolve the VIP.
poke_vip() { nb_exec c bash -c "echo x >/dev/udp/$VIP/9" 2>/dev/null; sleep 0.2; }
poke_vip
check_eq "client reaches the VIP at r1's MAC" "02:00:00:00:00:01" "$(nb_client_mac "$VIP")"
nb_kill r1 TERM
gap=$(wait_holder r2 3000)
# RFC 3768: after priority 0 the backup waits Skew_Time = (256-100)/256 s = 609 ms.
if [ "$gap" -ge 0 ] && [ "$gap" -le 900 ]; then ok "graceful stop: r2 holds the VIP after $gap ms (skew 609 ms)"
else fail "graceful stop: r2 holds the VIP after $gap ms (skew 609 ms)"; nb_log r2; fi
if nb_wait_vip r1 "$VIP" 2 absent; then ok "stopped r1 gave the VIP back"; else fail "stopped r1 gave the VIP back"; fi
sleep 0.3
check_eq "gratuitous ARP moved the client to r2's MAC" "02:00:00:00:00:02" "$(nb_client_mac "$VIP")"
nb_wait_gone r1 3; sleep 0.2

# r1 returns with the higher priority and preempts.
nb_daemon r1 vrrpd "$NB_WORK/r1.conf"
if nb_wait_vip r1 "$VIP" 6; then ok "returning r1 preempts"; else fail "returning r1 preempts"; nb_log r1; fi
if nb_wait_vip r2 "$VIP" 3 absent; then ok "r2 released the VIP on preemption"; else fail "r2 released the VIP on preemption"; fi
sleep 1.2

# kill -9: no priority 0, r2 waits Master_Down_Interval = 3 x 1 s + 609 ms
# from r1's last advert, which went out 0..1 s before the kill.
nb_killall r1 KILL
gap=$(wait_holder r2 6000)
if [ "$gap" -ge 2500 ] && [ "$gap" -le 3900 ]; then ok "kill -9: r2 takes over after $gap ms (2609..3609 expected)"
else fail "kill -9: r2 takes over after $gap ms (2609..3609 expected)"; nb_log r2; fi
check_eq "r2 reports MASTER after the kill" "MASTER" "$(field r2 state)"
nb_kill r2 TERM
if nb_wait_vip r2 "$VIP" 3 absent; then ok "SIGTERM removes the VIP"; else fail "SIGTERM removes the VIP"; fi
if nb_wait_gone r2 3; then ok "vrrpd exits on SIGTERM"; else fail "vrrpd exits on SIGTERM"; fi
if grep -q 'ERROR\|error' "$NB_WORK/r2.d.log"; then fail "no errors logged"; nb_log r2; else ok "no errors logged"; fi
