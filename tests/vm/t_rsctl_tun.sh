#!/bin/bash
# t_rsctl_tun.sh - rsctl up --mode tun inside the qemu guest, whose kernel
# has ipip and ip6_tunnel as modules (the host's has neither): with the
# modules unloaded, up loads them so that the fallback tunnels tunl0 and
# ip6tnl0 appear, sets them up with the VIP on them, rp_filter 0 on tunl0
# and all; down restores the non-default values set before. Checked with
# ip link / ip addr, sysctl(8) and /proc/modules, never with rsctl's word.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
RSCTL=$PWD/build/x86_64/bin/rsctl
[ -x "$RSCTL" ] || die_suite "rsctl tun: $RSCTL not built (make)"
[ -r /proc/net/ip_vs ] || die_suite "rsctl tun: run inside tests/vm/run.sh (the guest's kernel)"
ns=rsctl-tun
WORK=$(mktemp -d /tmp/rsctl-tun.XXXXXX)
chmod 700 "$WORK"
STATE=$WORK/state
trap 'ip netns delete $ns 2>/dev/null; rm -rf "$WORK"' EXIT

# Unloaded first, so that up has to load them (ip6_tunnel may be absent).
for m in ipip ip6_tunnel; do
	grep -q "^$m " /proc/modules && rmmod "$m"
done
grep -q "^ipip " /proc/modules && die_suite "rsctl tun: cannot unload ipip"
ip netns add $ns || die_suite "rsctl tun: cannot add a namespace"
ip -n $ns link set lo up
in_ns() { ip netns exec $ns "$@"; }
sys() { in_ns sysctl -n "net.ipv4.conf.$1.$2"; }
rs() { OUT=$(in_ns "$RSCTL" --state "$STATE" "$@" 2>&1); RC=$?; }

check_cmd "no tunl0 before up" eval "! ip -n $ns link show tunl0 >/dev/null 2>&1"
# Non-default values before up: tunl0 is born with the namespace's default.
in_ns sysctl -qw net.ipv4.conf.default.rp_filter=1
in_ns sysctl -qw net.ipv4.conf.all.rp_filter=2
in_ns sysctl -qw net.ipv4.conf.all.arp_ignore=2

VIP=10.99.0.100
rs up $VIP --mode tun
check_eq "up $VIP --mode tun: exit 0" 0 "$RC"
echo "$OUT" | sed 's/^/#   /'
check_cmd "ipip was loaded (/proc/modules)" grep -q "^ipip " /proc/modules
check_cmd "tunl0 exists and is up (ip link)" eval "ip -n $ns -o link show tunl0 | grep -q '[<,]UP[,>]'"
check_cmd "$VIP/32 on tunl0 (ip addr)" eval "ip -n $ns -o addr show dev tunl0 | grep -qw '$VIP/32'"
check_eq "rp_filter 0 on tunl0 and all, arp settings as for DR (sysctl)" "0 0 1 2 1 2" \
	"$(sys tunl0 rp_filter) $(sys all rp_filter) $(sys all arp_ignore) $(sys all arp_announce) $(sys lo arp_ignore) $(sys lo arp_announce)"
rs up $VIP --mode tun
check_eq "second up: nothing to change" "0 nothing to change: already up" "$RC $OUT"
rs up $VIP
check_eq "up of the same VIP in dr mode: refused while it is up in tun" 1 "$RC"
rs status --json
check_eq "status --json: the VIP on tunl0 in tun mode, nothing missing" "tunl0 tun True 0" \
	"$(python3 -c 'import json,sys; d=json.load(sys.stdin); v=d["vips"][0]; print(v["dev"], v["mode"], v["ok"], d["missing"])' <<<"$OUT")"

VIP6=fd00:99::100
rs up $VIP6 --mode tun
check_eq "up $VIP6 --mode tun: exit 0" 0 "$RC"
check_cmd "ip6_tunnel was loaded" grep -q "^ip6_tunnel " /proc/modules
check_cmd "ip6tnl0 exists and is up" eval "ip -n $ns -o link show ip6tnl0 | grep -q '[<,]UP[,>]'"
check_cmd "$VIP6/128 on ip6tnl0 (ip -6 addr)" eval "ip -n $ns -o -6 addr show dev ip6tnl0 | grep -qw '$VIP6/128'"

rs down
check_eq "down: exit 0" 0 "$RC"
echo "$OUT" | sed 's/^/#   /'
check_cmd "down: the VIPs are gone from the tunnels" \
	eval "! ip -n $ns -o addr show | grep -qw -e '$VIP/32' -e '$VIP6/128'"
check_eq "down: rp_filter back to 1 on tunl0 and 2 on all, arp_ignore 2 on all" "1 2 2" \
	"$(sys tunl0 rp_filter) $(sys all rp_filter) $(sys all arp_ignore)"
