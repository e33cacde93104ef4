#!/bin/bash
# uci.sh - `lvsd --uci FILE`: OpenWrt's /etc/config/keepalived into the
# keepalived.conf OpenWrt's keepalived init script writes for it.
# The oracles: tests/fixtures/uci/NAME.conf is NAME.uci's setup written by
# hand as keepalived.conf, following what the init script prints for each
# section (its quirks are said in the .conf's comments); the translation
# must mean the same, which our canonical printer (`lvsd -t -v`) shows by
# printing both identically; and keepalived 2.2.7 itself (`keepalived -t`,
# in a namespace holding the interfaces the files name) must accept every
# translation as a config it runs (exit 0 or 5; 3 is errors). The printer
# shows what lvsbox models: blocks it ignores with a warning (static_routes,
# virtual_routes, ...) are held by keepalived's verdict alone.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
bin=$(dirname "$LVSBOX")/bin
toolchain/deps.sh conf || die_suite "uci: cannot install keepalived"
[ "$(id -u)" = 0 ] || die_suite "uci: needs root for a network namespace"
work=$(mktemp -d /tmp/uci_cli.XXXXXX)
ns=lvsbox-uci-$$
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$ns" || die_suite "uci: cannot create a network namespace"
i=0
for ifname in br-lan wan; do
	ip -n "$ns" link add "$ifname" type veth peer name "peer$i" || die_suite "uci: cannot add $ifname"
	i=$((i + 1))
done

for uci in tests/fixtures/uci/*.uci; do
	name=$(basename "$uci" .uci)
	conf=$work/$name.conf
	"$bin/lvsd" --uci "$uci" >"$conf" 2>"$work/err"
	rc=$?
	if [ "$rc" != 0 ]; then
		fail "uci $name: lvsd --uci exits $rc"; sed 's/^/#   /' "$work/err" | head -5; continue
	fi
	"$bin/lvsd" -t -f "$conf" >/dev/null 2>&1
	rc=$?
	case $rc in 0|5|6) ok "uci $name: lvsd -t accepts the translation (exit $rc)" ;;
	*) fail "uci $name: lvsd -t refuses the translation (exit $rc)" ;; esac
	timeout 20 ip netns exec "$ns" keepalived -t -f "$conf" >"$work/k.out" 2>&1
	rc=$?
	case $rc in 0|5) ok "uci $name: keepalived -t accepts the translation (exit $rc)" ;;
	*) fail "uci $name: keepalived -t exits $rc on the translation"; grep -i error "$work/k.out" | head -5 | sed 's/^/#   /' ;; esac
	[ -f "tests/fixtures/uci/$name.conf" ] || continue
	timeout 20 ip netns exec "$ns" keepalived -t -f "tests/fixtures/uci/$name.conf" >/dev/null 2>&1
	rc=$?
	case $rc in 0|5) ok "uci $name: keepalived -t accepts the hand-written config (exit $rc)" ;;
	*) fail "uci $name: keepalived -t exits $rc on the hand-written config" ;; esac
	"$bin/lvsd" -t -v -f "$conf" >"$work/ours" 2>/dev/null
	"$bin/lvsd" -t -v -f "tests/fixtures/uci/$name.conf" >"$work/hand" 2>/dev/null
	if [ -s "$work/hand" ] && cmp -s "$work/ours" "$work/hand"; then
		ok "uci $name: the translation means what the hand-written keepalived.conf means"
	else
		fail "uci $name: the translation differs from the hand-written keepalived.conf"
		diff "$work/hand" "$work/ours" | head -10 | sed 's/^/#   /'
	fi
done

# --hotplug-call: the program every notify line runs
"$bin/lvsd" --uci tests/fixtures/uci/gateway.uci --hotplug-call /opt/test/hotplug >"$work/hp.conf"
check_eq "uci: --hotplug-call names the program of every notify line" \
	"$(grep -c 'hotplug-call' "$work/hp.conf") $(grep -c '/opt/test/hotplug keepalived"' "$work/hp.conf")" "0 14"

# alt_config_file: the init script runs that file instead, when it exists
printf 'vrrp_instance X {\n}\n' >"$work/alt.conf"
printf "config globals 'globals'\n\toption alt_config_file '%s'\n" "$work/alt.conf" >"$work/alt.uci"
check_eq "uci: an existing alt_config_file is the config" "$(cat "$work/alt.conf")" "$("$bin/lvsd" --uci "$work/alt.uci")"
printf "config globals 'globals'\n\toption alt_config_file '%s'\n\toption router_id r\n" "$work/none.conf" >"$work/alt.uci"
check_eq "uci: a missing alt_config_file is ignored" "1" "$("$bin/lvsd" --uci "$work/alt.uci" | grep -c '^	router_id r$')"

# Refusals: file:line: reason, exit 3, nothing on stdout
refuse() {
	local what=$1 want=$2
	printf '%b' "$3" >"$work/bad.uci"
	out=$("$bin/lvsd" --uci "$work/bad.uci" 2>"$work/err")
	rc=$?
	check_eq "uci refuses $what" "3 | lvsd: $work/bad.uci:$want" "$rc |$out $(cat "$work/err")"
}
refuse "an unknown command" "3: invalid command" "config globals 'globals'\n\n\tfoo bar\n"
refuse "an unterminated quote" "2: EOF with unterminated '" "config route\n\toption name 'r\n"
refuse "a value with a double quote" "3: option 'script': a newline or a double quote cannot go into keepalived's config" \
	"config vrrp_script\n\toption name s\n\toption script 'a \"b'\n"
refuse "a real server port that is no number" "6: real_server 'w': port 'http' is not a number" \
	"config virtual_server\n\toption ipaddr 10.0.0.1\n\toption port 80\n\tlist real_server w\nconfig real_server\n\toption port http\n\toption name w\n\toption ipaddr 10.0.0.2\n\toption weight 1\n"
refuse "a route with a source and no device" "4: route 'r': src_addr without a device" \
	"config static_routes\n\tlist route r\nconfig route\n\toption src_addr 10.0.0.1\n\toption address 10.1.0.0/16\n\toption name r\n"
out=$("$bin/lvsd" --uci /nonexistent/keepalived 2>&1); rc=$?
check_eq "uci: a missing file is exit 3 with its name" "3 lvsd: /nonexistent/keepalived: No such file or directory" "$rc $out"
