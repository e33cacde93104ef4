#!/bin/bash
# t_strict_filter.sh - vrrp_strict's VIP filter (RFC 5798's Accept_Mode
# off), as keepalived 2.2.7 installs it with nftables: a master that is not
# the address owner drops traffic to and from its VIPs. The client's pings
# to the VIP go unanswered while the master's own address answers; with
# `accept` (VRRPv3) or priority 255 the VIP answers and no table is made;
# the table goes with the daemon; after a failover the new master's set
# holds the VIP and the old one's does not; an IPv6 VIP drops echoes while
# neighbour discovery still resolves it. `nft list` must show keepalived's
# layout (table name, chains, set contents: the expected text is what
# keepalived 2.2.7 lists). vrrpd alone: SIGHUP keeps the filter right.
# IMPL=keepalived runs the same scenarios against keepalived.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require strict_filter
command -v nft >/dev/null || die_suite "strict_filter: nft missing (toolchain/deps.sh net)"
nb_setup 2 || die_suite "strict_filter: cannot build the namespace bed"
VIP=$NB_NET.100
VIP6=$NB_NET6::100
VIP6_LL=fe80::77:100

# conf PRIO VERSION [LINE...]: vrrp_strict (plus the global line in
# $GLOBALS, if any) and one IPv4 instance VI_1 on eth0, VRID 61, holding
# the VIP; each LINE goes into the instance.
conf() {
	local prio=$1 version=$2 line
	shift 2
	printf 'global_defs {\n    vrrp_strict\n%s}\n' "${GLOBALS:+    $GLOBALS
}"
	printf 'vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 61\n'
	printf '    priority %s\n    advert_int 1\n    version %s\n' "$prio" "$version"
	printf '    virtual_ipaddress {\n        %s/24\n    }\n' "$VIP"
	for line in "$@"; do echo "    $line"; done
	echo "}"
}

# answered WHAT ADDR [-6]: most of the client's pings to ADDR are answered.
answered() { nb_check_reach "$1" "$2" "$3"; }

# unanswered WHAT ADDR [-6]: the client sends pings to ADDR, none is answered.
unanswered() {
	local out sent recv
	out=$(nb_exec c "$NB_TOOLS/vipping" $3 -r 50 -d 0.6 "$2")
	sent=$(echo "$out" | sed -n 's/.*sent=\([0-9]*\).*/\1/p')
	recv=$(echo "$out" | sed -n 's/.*recv=\([0-9]*\).*/\1/p')
	if [ "${sent:-0}" -gt 0 ] && [ "${recv:-x}" = 0 ]; then ok "$1 ($out)"
	else fail "$1 ($out)"; fi
}

# tables NAME: the nftables tables in NAME, one line ("" when none).
tables() { nb_exec "$1" nft list tables 2>/dev/null | paste -sd' '; }

# set_elems NAME FAMILY TABLE SET: the set's elements, space separated ("" when
# the set or its table is not there).
set_elems() {
	nb_exec "$1" nft -j list set "$2" "$3" "$4" 2>/dev/null | python3 -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except ValueError:
    doc = {}
for item in doc.get("nftables", []):
    if "set" in item:
        print(" ".join(sorted(str(e) for e in item["set"].get("elem", []))))
'
}

# stop_all: every daemon stopped, the VIPs gone, before the next case.
stop_all() {
	local r
	for r in r1 r2; do nb_killall "$r" TERM; done
	for r in r1 r2; do nb_wait_gone "$r" 5 || nb_killall "$r" KILL; nb_wait_gone "$r" 3; done
	for r in r1 r2; do
		ip -n "$(nb_ns "$r")" addr del "$VIP/24" dev eth0 2>/dev/null
		ip -n "$(nb_ns "$r")" addr del "$VIP6/64" dev eth0 2>/dev/null
	done
}

# The IPv4 table as keepalived 2.2.7 lists it with one VIP in the set.
expected4() {
	cat <<EOF
table ip $1 {
	set vips {
		type ipv4_addr
		elements = { $VIP }
	}

	chain out {
		type filter hook output priority filter - 1; policy accept;
		ip saddr @vips drop
	}

	chain in {
		type filter hook input priority filter - 1; policy accept;
		ip daddr @vips drop
	}
}
EOF
}

# -- A strict master (priority 150) filters its VIP, not its own address.
conf 150 2 >"$NB_WORK/r1.a.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.a.conf" a
nb_check_holders "$IMPL: strict r1 alone is master" "$VIP" r1 8
unanswered "$IMPL: the client's pings to the VIP of a strict master are dropped" "$VIP"
answered "$IMPL: ... while the master's own address answers" "$NB_NET.11"
check_eq "$IMPL: nft lists table ip keepalived as keepalived lays it out, the VIP in set vips" \
	"$(expected4 keepalived)" "$(nb_exec r1 nft list table ip keepalived 2>&1)"
stop_all
check_eq "$IMPL: the table is gone once the daemon stopped" "" "$(tables r1)"

# -- accept (VRRPv3): the VIP answers, no filter.
conf 150 3 accept >"$NB_WORK/r1.acc.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.acc.conf" acc
nb_check_holders "$IMPL: strict r1 with accept is master" "$VIP" r1 8
answered "$IMPL: with accept the VIP answers the client" "$VIP"
check_eq "$IMPL: with accept no table is installed" "" "$(tables r1)"
stop_all

# -- the address owner (priority 255): the VIP answers, no filter.
conf 255 2 | sed 's/state BACKUP/state MASTER/' >"$NB_WORK/r1.own.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.own.conf" own
nb_check_holders "$IMPL: owner r1 (priority 255) is master" "$VIP" r1 8
answered "$IMPL: the owner's VIP answers the client" "$VIP"
check_eq "$IMPL: the owner installs no table" "" "$(tables r1)"
stop_all

# -- Failover by preemption, table named by 'nftables': r2 (100) alone is
# master, then r1 (150) takes over. The client first learns r2's MAC for
# the VIP; after the takeover it must have r1's, so the silence is r1's filter.
GLOBALS="nftables lvt_vips" conf 100 2 >"$NB_WORK/r2.fo.conf"
GLOBALS="nftables lvt_vips" conf 150 2 >"$NB_WORK/r1.fo.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.fo.conf" fo
nb_check_holders "$IMPL: r2 alone is master" "$VIP" r2 8
unanswered "$IMPL: r2 as master drops the client's pings to the VIP" "$VIP"
check_eq "$IMPL: r2's set (table ip lvt_vips, from 'nftables') holds the VIP" "$VIP" \
	"$(set_elems r2 ip lvt_vips vips)"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.fo.conf" fo
nb_check_holders "$IMPL: r1 preempts r2" "$VIP" r1 10
sleep 1
check_eq "$IMPL: the client's neighbour entry for the VIP is r1's MAC" 02:00:00:00:00:01 "$(nb_client_mac "$VIP")"
unanswered "$IMPL: the new master r1 drops the client's pings to the VIP" "$VIP"
check_eq "$IMPL: r1's set holds the VIP" "$VIP" "$(set_elems r1 ip lvt_vips vips)"
check_eq "$IMPL: r2's set (now backup) no longer holds the VIP" "" "$(set_elems r2 ip lvt_vips vips)"
stop_all
check_eq "$IMPL: r1's table is gone once it stopped" "" "$(tables r1)"
check_eq "$IMPL: r2's table is gone once it stopped" "" "$(tables r2)"

# -- IPv6: a global VIP drops echoes, neighbour discovery still resolves it.
{
	printf 'global_defs {\n    vrrp_strict\n}\n'
	printf 'vrrp_instance VI_6 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 62\n'
	printf '    priority 150\n    advert_int 1\n    version 3\n'
	printf '    virtual_ipaddress {\n        %s\n        %s/64\n    }\n}\n' "$VIP6_LL" "$VIP6"
} >"$NB_WORK/r1.v6.conf"
nb_daemon r1 "$IMPL" "$NB_WORK/r1.v6.conf" v6
nb_check_holders "$IMPL: strict IPv6 r1 is master" "$VIP6" r1 8
nb_exec c ip -6 neigh flush dev eth0 2>/dev/null
unanswered "$IMPL: the client's pings to the IPv6 VIP are dropped" "$VIP6" -6
check_eq "$IMPL: ... yet the client resolved the VIP to r1's MAC (neighbour discovery passes)" \
	02:00:00:00:00:01 "$(nb_client_mac "$VIP6")"
answered "$IMPL: r1's own IPv6 address answers" "$NB_NET6::11" -6
check_eq "$IMPL: r1's ip6 set vips holds the global VIP" "$VIP6" "$(set_elems r1 ip6 keepalived vips)"
ll=$(nb_exec r1 nft list set ip6 keepalived vips_link_local 2>&1 | grep -c "$VIP6_LL . \"eth0\"")
check_eq "$IMPL: the link-local VIP is in vips_link_local with its interface" 1 "$ll"
rules=$(nb_exec r1 nft list table ip6 keepalived 2>&1 | grep -E 'drop|accept|goto|type ' | sed 's/^[[:space:]]*//' | paste -sd'|')
check_eq "$IMPL: the ip6 table's chains and rules are keepalived's" \
	"type ipv6_addr|type icmpv6_type|type ipv6_addr . iface_index|type filter hook output priority filter - 1; policy accept;|icmpv6 type @neighbor-discovery accept|ip6 saddr fe80::/10 goto out_link_local|ip6 saddr @vips drop|type filter hook input priority filter - 1; policy accept;|icmpv6 type @neighbor-discovery accept|ip6 daddr fe80::/10 goto in_link_local|ip6 daddr @vips drop|ip6 daddr . iif @vips_link_local drop|ip6 saddr . oif @vips_link_local drop" \
	"$rules"
stop_all
check_eq "$IMPL: the ip6 table is gone once the daemon stopped" "" "$(tables r1)"

[ "$IMPL" = vrrpd ] || exit 0

# -- vrrpd: SIGHUP. A broken config keeps the filter; an instance changed to
# accept lets the VIP answer and its table goes; changed back, it filters again.
conf 150 2 >"$NB_WORK/r1.hup.conf"
nb_daemon r1 vrrpd "$NB_WORK/r1.hup.conf" hup
nb_check_holders "vrrpd: strict r1 is master before the reloads" "$VIP" r1 8
echo "vrrp_instance {" >>"$NB_WORK/r1.hup.conf"
nb_kill r1 HUP hup
sleep 1
unanswered "vrrpd: after a broken reload the VIP is still filtered" "$VIP"
check_eq "vrrpd: ... and the set still holds it" "$VIP" "$(set_elems r1 ip keepalived vips)"
conf 150 3 accept >"$NB_WORK/r1.hup.conf"
nb_kill r1 HUP hup
sleep 1
nb_check_holders "vrrpd: the changed instance is master again" "$VIP" r1 8
answered "vrrpd: reloaded with accept, the VIP answers" "$VIP"
check_eq "vrrpd: ... and no table is left" "" "$(tables r1)"
conf 150 2 >"$NB_WORK/r1.hup.conf"
nb_kill r1 HUP hup
sleep 1
nb_check_holders "vrrpd: strict again, master again" "$VIP" r1 8
unanswered "vrrpd: reloaded to strict, the VIP is filtered again" "$VIP"
check_eq "vrrpd: ... its set holds the VIP" "$VIP" "$(set_elems r1 ip keepalived vips)"
stop_all
exit 0
