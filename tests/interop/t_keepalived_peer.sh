#!/bin/bash
# t_keepalived_peer.sh - vrrpd and Debian's keepalived as VRRP peers on one
# bridge: VRRPv2 with PASS and with AH, VRRPv3 over IPv4 and IPv6, in both
# directions (vrrpd master with keepalived backup, and the reverse).
# Per case: the priorities decide the election (150 beats 100); the backup
# stays backup for several intervals (so it accepts the master's adverts);
# vrrpd counts the peer's adverts, names it as master and drops none; the
# keepalived log has no complaint about our packets; a graceful stop of the
# master hands over at once (the peer understands priority 0). tshark decodes
# every advert vrrpd sent with no malformed, expert-warning or bad-checksum flag.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
IMPL=vrrpd
nb_require interop
command -v keepalived >/dev/null || die_suite "interop: keepalived not installed"
command -v tshark >/dev/null || die_suite "interop: tshark not installed"
nb_setup 2 || die_suite "interop: cannot build the namespace bed"
for r in r1 r2; do nb_exec "$r" sysctl -qw net.ipv6.conf.eth0.accept_dad=0; done

# one_case NAME VERSION AUTH FAMILY ADVERT VRID MASTER_IMPL
# r1 (priority 150) runs MASTER_IMPL, r2 (priority 100) the other one.
one_case() {
	local name=$1 version=$2 auth=$3 family=$4 advert=$5 vrid=$6 mimpl=$7
	local bimpl vip vipspec r ours ours_addr peer_addr case_s=$SECONDS
	[ "$mimpl" = vrrpd ] && bimpl=keepalived || bimpl=vrrpd
	if [ "$family" = 6 ]; then vip=$NB_NET6::1$vrid; vipspec=$vip/64
	else vip=$NB_NET.$vrid; vipspec=$vip/24; fi
	for r in r1 r2; do
		local prio=100
		[ "$r" = r1 ] && prio=150
		{
			echo "global_defs {"
			echo "    router_id $r"
			echo "}"
			echo "vrrp_instance VI_$vrid {"
			echo "    state BACKUP"
			echo "    interface eth0"
			echo "    virtual_router_id $vrid"
			echo "    priority $prio"
			echo "    advert_int $advert"
			echo "    version $version"
			if [ "$auth" != none ]; then
				echo "    authentication {"
				echo "        auth_type $auth"
				echo "        auth_pass lvt$vrid"
				echo "    }"
			fi
			echo "    virtual_ipaddress {"
			echo "        $vipspec"
			echo "    }"
			echo "}"
		} >"$NB_WORK/$r.$vrid.conf"
	done
	local what="$name, vrrpd $([ "$mimpl" = vrrpd ] && echo master || echo backup)"
	[ "$mimpl" = vrrpd ] && ours=r1 || ours=r2
	if [ "$family" = 6 ]; then
		ours_addr=$(ip -n "$(nb_ns $ours)" -6 -o addr show dev eth0 scope link | awk '{sub("/.*", "", $4); print $4}')
		[ $ours = r1 ] && r=r2 || r=r1
		peer_addr=$(ip -n "$(nb_ns $r)" -6 -o addr show dev eth0 scope link | awk '{sub("/.*", "", $4); print $4}')
	else
		ours_addr=$NB_NET.$([ $ours = r1 ] && echo 11 || echo 12)
		peer_addr=$NB_NET.$([ $ours = r1 ] && echo 12 || echo 11)
	fi

	nb_capture "$NB_WORK/$vrid.pcap" 40 || fail "$what: tshark does not capture"
	local cap=$NB_CAPTURE_PID
	nb_daemon r1 "$mimpl" "$NB_WORK/r1.$vrid.conf" "$vrid"
	nb_daemon r2 "$bimpl" "$NB_WORK/r2.$vrid.conf" "$vrid"
	local logs=()
	if ! nb_wait_holders "$vip" r1 8; then
		fail "$what: priority 150 ($mimpl) wins the election (holders: '$(nb_holders "$vip")')"
		nb_log r1 "$vrid" 10; nb_log r2 "$vrid" 10
	else
		ok "$what: priority 150 ($mimpl) wins the election"
	fi
	# Four intervals more: a backup that ignored the adverts would take the VIP.
	sleep "$(awk -v a="$advert" 'BEGIN { print a * 4 + 0.5 }')"
	check_eq "$what: $bimpl stays backup" r1 "$(nb_holders "$vip")"
	local sock_tag=$vrid
	if [ "$ours" = r2 ]; then
		local got
		got=$(nb_get r2 "VI_$vrid" counters.adverts_received "$sock_tag")
		if [ "${got:-0}" -ge 3 ]; then ok "$what: vrrpd received keepalived's adverts ($got)"
		else fail "$what: vrrpd received keepalived's adverts (${got:-none})"; fi
		check_eq "$what: vrrpd names keepalived as master" "$peer_addr" "$(nb_get r2 "VI_$vrid" master "$sock_tag")"
		check_eq "$what: vrrpd reports BACKUP" BACKUP "$(nb_get r2 "VI_$vrid" state "$sock_tag")"
	else
		check_eq "$what: vrrpd reports MASTER" MASTER "$(nb_get r1 "VI_$vrid" state "$sock_tag")"
		if grep -q "Entering MASTER STATE" "$NB_WORK/r2.$vrid.log"; then
			fail "$what: keepalived never became master"; nb_log r2 "$vrid" 10
		else
			ok "$what: keepalived never became master"
		fi
	fi
	check_eq "$what: vrrpd dropped nothing" 0 "$(nb_get $ours "VI_$vrid" counters.dropped "$sock_tag")"
	local ka=r1
	[ "$ours" = r1 ] && ka=r2
	local complaints
	# A lower-priority advert is not a complaint: both start as backup, and
	# on a busy machine the lower one may time out first and be preempted.
	complaints=$(grep -iE "invalid|wrong|mismatch|bad |fail|error|discard|ignor" "$NB_WORK/$ka.$vrid.log" |
		grep -v -e "Running as user" -e "received lower priority" | head -3)
	if [ -z "$complaints" ]; then ok "$what: keepalived logged no complaint"
	else fail "$what: keepalived logged no complaint"; echo "$complaints" | sed 's/^/#   /'; fi

	nb_kill r1 TERM "$vrid"
	if nb_wait_holders "$vip" r2 2; then ok "$what: graceful stop of $mimpl: $bimpl takes over at once"
	else fail "$what: graceful stop of $mimpl: $bimpl takes over at once"; nb_log r2 "$vrid" 10; fi
	nb_wait_gone r1 3
	nb_killall r2 TERM
	nb_wait_gone r2 3
	kill "$cap" 2>/dev/null
	wait "$cap" 2>/dev/null

	# tshark's verdict on every advert vrrpd sent in this case.
	local sel
	[ "$family" = 6 ] && sel="ipv6.src == $ours_addr" || sel="ip.src == $ours_addr"
	local n_all n_bad n_good
	n_all=$(tshark -n -r "$NB_WORK/$vrid.pcap" -Y "vrrp && $sel" 2>/dev/null | wc -l)
	n_bad=$(tshark -n -r "$NB_WORK/$vrid.pcap" -Y "vrrp && $sel && (_ws.malformed || _ws.expert.severity >= 0x00600000)" 2>/dev/null | wc -l)
	n_good=$(tshark -n -r "$NB_WORK/$vrid.pcap" -Y "vrrp && $sel && vrrp.checksum.status == 1" 2>/dev/null | wc -l)
	if [ "$auth" = AH ]; then
		check_eq "$what: every vrrpd advert is inside IPsec AH" "$n_all" \
			"$(tshark -n -r "$NB_WORK/$vrid.pcap" -Y "vrrp && $sel && ah.spi" 2>/dev/null | wc -l)"
	fi
	if [ "$n_all" -ge 1 ] && [ "$n_bad" = 0 ] && [ "$n_good" = "$n_all" ]; then
		ok "$what: tshark: $n_all vrrpd adverts, none malformed, every checksum good"
	else
		fail "$what: tshark: $n_all vrrpd adverts, $n_bad flagged, $n_good with a good checksum"
		tshark -n -r "$NB_WORK/$vrid.pcap" -Y "vrrp && $sel" -V 2>/dev/null | grep -iE "expert|malformed|checksum" | sort | uniq -c | head -5 | sed 's/^/#   /'
	fi
	echo "#   ($name, $mimpl master: $((SECONDS - case_s)) s)"
}

vrid=60
for spec in "VRRPv2 PASS:2:PASS:4:1" "VRRPv2 AH:2:AH:4:1" "VRRPv3 IPv4:3:none:4:0.5" "VRRPv3 IPv6:3:none:6:0.5"; do
	IFS=: read -r name version auth family advert <<<"$spec"
	for mimpl in vrrpd keepalived; do
		vrid=$((vrid + 1))
		one_case "$name" "$version" "$auth" "$family" "$advert" "$vrid" "$mimpl"
	done
done
