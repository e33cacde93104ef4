#!/bin/bash
# conf_oracle.sh - keepalived 2.2.7 ("keepalived -t -f FILE", Debian's
# package) as the independent judge of our config parser (build/dev/conf_check):
# for every fixture, example config and broken input both must agree on
# "clean" versus "has problems", and where keepalived names lines, on which
# lines. keepalived -t looks up interfaces, so it runs in a network namespace
# of our own holding the interfaces the configs name.
# Broken inputs that say "# keepalived accepts this: WHY" are where lvsbox is
# deliberately stricter; there keepalived must exit 0 and we must report an error.
# Lenient inputs are configs keepalived runs with a warning: both must warn,
# on the same lines, and neither may call them errors.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

toolchain/deps.sh conf || die_suite "conf oracle: cannot install keepalived"
[ "$(id -u)" = 0 ] || die_suite "conf oracle: needs root for a network namespace"
check=$PWD/build/dev/conf_check
make -j2 "$check" >/dev/null 2>&1 || die_suite "conf oracle: cannot build $check"

ns=lvsbox-conf-$$
work=$(mktemp -d /tmp/conf_oracle.XXXXXX)
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$ns" || die_suite "conf oracle: cannot create a network namespace"
i=0
for ifname in eth0 eth1 ens160; do
	ip -n "$ns" link add "$ifname" type veth peer name "peer$i" || die_suite "conf oracle: cannot add $ifname"
	ip -n "$ns" link set "$ifname" up
	i=$((i + 1))
done

# keepalived's verdict: exit status, and the sorted line numbers it names for this file
keepalived_check() {
	timeout 20 ip netns exec "$ns" keepalived -t -f "$1" >"$work/k.out" 2>&1
	echo $? >"$work/k.rc"
	grep -o "$(basename "$1"): Line [0-9]*" "$work/k.out" | grep -o '[0-9]*$' | sort -nu | tr '\n' ' '
}
# ours: exit status (0 clean, 1 warnings, 2 errors), and the lines we name.
# keepalived names no line when it gives a virtual server its default
# scheduler or forwarding method, or lowers its quorum or hysteresis, so
# ours for those are left out here and compared by count (unlined_count).
unlined_ours=': virtual_server has no lb_\(algo\|kind\):\|: quorum [0-9]* is more than\|: hysteresis [0-9]* is not below'
ours_check() {
	"$check" "$1" 2>"$work/o.out"
	echo $? >"$work/o.rc"
	grep -v "$unlined_ours" "$work/o.out" |
		grep -o "^$1:[0-9]*:" | grep -o '[0-9]*:$' | tr -d : | sort -nu | tr '\n' ' '
}
# unlined_count: by keepalived's word, then by ours, how many virtual
# servers got the default scheduler, the default forwarding method, a
# lower quorum and a lower hysteresis
unlined_count() {
	echo "$(grep -c 'no scheduler set, setting default' "$work/k.out")" \
		"$(grep -c 'no forwarding method set, setting default' "$work/k.out")" \
		"$(grep -c 'exceeds total weight of real servers' "$work/k.out")" \
		"$(grep -c 'hysteresis [0-9]* >= quorum' "$work/k.out")" \
		"$(grep -c ': virtual_server has no lb_algo:' "$work/o.out")" \
		"$(grep -c ': virtual_server has no lb_kind:' "$work/o.out")" \
		"$(grep -c ': quorum [0-9]* is more than' "$work/o.out")" \
		"$(grep -c ': hysteresis [0-9]* is not below' "$work/o.out")"
}

for f in tests/fixtures/keepalived/*.conf configs/*.conf tests/unit/conf/valid/*.conf tests/unit/conf/broken/*.conf \
	tests/unit/conf/lenient/*.conf; do
	[ -f "$f" ] || continue
	abs=$(readlink -f "$f")
	k_lines=$(keepalived_check "$abs"); k_rc=$(cat "$work/k.rc")
	o_lines=$(cd "$(dirname "$abs")" && ours_check "$(basename "$abs")"); o_rc=$(cat "$work/o.rc")
	[ "$k_rc" = 124 ] && { fail "oracle $f: keepalived -t timed out"; continue; }
	if grep -q '^# keepalived accepts this:' "$f"; then
		if [ "$k_rc" = 0 ] && [ "$o_rc" = 2 ]; then
			ok "oracle $f: deliberately stricter than keepalived (it exits 0, we report an error)"
		else
			fail "oracle $f: expected keepalived exit 0 and our error, got keepalived $k_rc, ours $o_rc"
		fi
		continue
	fi
	# lenient inputs: keepalived runs them with a warning (-t exits 5), we warn and accept
	case $f in
	tests/unit/conf/lenient/*)
		check_eq "oracle $f: keepalived -t warns (5) and lvsbox only warns (1)" "5 1" "$k_rc $o_rc" ;;
	esac
	k_valid=$([ "$k_rc" = 0 ] && echo clean || echo problems)
	o_valid=$([ "$o_rc" = 0 ] && echo clean || echo problems)
	check_eq "oracle $f: keepalived -t and lvsbox agree ($k_valid)" "$k_valid" "$o_valid"
	[ "$k_valid" = "$o_valid" ] || sed 's/^/#   keepalived: /' "$work/k.out" | head -5
	read -r k_algo k_kind k_quorum k_hyst o_algo o_kind o_quorum o_hyst < <(unlined_count)
	if [ "$k_algo$k_kind$k_quorum$k_hyst$o_algo$o_kind$o_quorum$o_hyst" != 00000000 ]; then
		check_eq "oracle $f: as many default schedulers, forwarding methods, lowered quorums, hystereses as keepalived" \
			"$k_algo $k_kind $k_quorum $k_hyst" "$o_algo $o_kind $o_quorum $o_hyst"
	fi
	# where keepalived names lines, we must name the same ones (fixtures and
	# examples) or at least report our first problem on one of them (broken inputs,
	# where keepalived often adds follow-on complaints)
	if [ -n "$k_lines" ]; then
		case $f in
		tests/unit/conf/broken/*)
			first=$(grep -o -m1 "^$(basename "$abs"):[0-9]*:" "$work/o.out" | grep -o '[0-9]*:$' | tr -d :)
			if [[ " $k_lines" == *" $first "* ]]; then ok "oracle $f: our line $first is one keepalived names ($k_lines)"
			else fail "oracle $f: our lines '$o_lines' not among keepalived's '$k_lines'"; fi ;;
		*)
			check_eq "oracle $f: same lines flagged as keepalived" "$k_lines" "$o_lines" ;;
		esac
	fi
done

# The daemons' -t exit codes against keepalived -t's (0 clean, 5 warnings,
# 6 scripts without enable_script_security, 3 errors) for configs the parser
# alone cannot judge: an instance without virtual_ipaddress, with and without
# vrrp_strict (with it keepalived's VRRP process will not start, yet -t says 5).
vrrpd=$PWD/build/x86_64/bin/vrrpd
make -s -j2 all >/dev/null 2>&1 || die_suite "conf oracle: cannot build $vrrpd"
novip='vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 150\n}\n'
printf "global_defs {\n    vrrp_strict\n}\n$novip" >"$work/strict-novip.conf"
printf "$novip" >"$work/novip.conf"
for f in "$work/strict-novip.conf" "$work/novip.conf"; do
	timeout 20 ip netns exec "$ns" keepalived -t -f "$f" >/dev/null 2>&1
	k_rc=$?
	"$vrrpd" -t -f "$f" 2>/dev/null
	o_rc=$?
	check_eq "oracle $(basename "$f"): vrrpd -t exits as keepalived -t ($k_rc)" "$k_rc" "$o_rc"
done

# lvs_sync_daemon naming an instance that is not there: keepalived runs no
# sync daemon and says nothing, so lvsd -t must not count it as a warning.
printf 'global_defs {\n    lvs_sync_daemon eth0 VI_MISSING\n}\n%b' \
	'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    virtual_ipaddress {\n        10.0.0.1\n    }\n}\n' \
	>"$work/sync-missing.conf"
timeout 20 ip netns exec "$ns" keepalived -t -f "$work/sync-missing.conf" >/dev/null 2>&1
k_rc=$?
"$PWD/build/x86_64/bin/lvsd" -t -f "$work/sync-missing.conf" 2>/dev/null
check_eq "oracle sync-missing.conf: lvsd -t exits as keepalived -t ($k_rc)" "$k_rc" "$?"

# keepalived's config id (-i): "@ID line" is read only with -i ID, "@^ID
# line" only without it. Unknown keywords on such lines show which lines each
# side read: the same lines must be flagged for every id.
cat >"$work/config-id.conf" <<'CONF'
virtual_server 10.0.0.1 80 {
 lb_algo rr
 lb_kind NAT
 protocol TCP
 @high bogus_high
   @low bogus_low
 @^high bogus_not_high
 @high
 real_server 10.0.0.2 80 {
  weight 1
 }
}
CONF
lvsd=$PWD/build/x86_64/bin/lvsd
for id in high low other; do
	timeout 20 ip netns exec "$ns" keepalived -t -i "$id" -f "$work/config-id.conf" >"$work/k.out" 2>&1
	k_rc=$?
	k_lines=$(grep -o "config-id.conf: Line [0-9]*" "$work/k.out" | grep -o '[0-9]*$' | sort -nu | tr '\n' ' ')
	"$lvsd" -t -i "$id" -f "$work/config-id.conf" 2>"$work/o.out" >/dev/null
	o_rc=$?
	o_lines=$(grep -o "config-id.conf:[0-9]*:" "$work/o.out" | grep -o '[0-9]*:$' | tr -d : | sort -nu | tr '\n' ' ')
	check_eq "oracle -i $id: lvsd -t exits as keepalived -t ($k_rc)" "$k_rc" "$o_rc"
	check_eq "oracle -i $id: the same @ lines read as keepalived's" "$k_lines" "$o_lines"
done
