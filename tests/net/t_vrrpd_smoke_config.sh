#!/bin/bash
# t_vrrpd_smoke_config.sh - vrrpd -t against keepalived -t as the oracle:
# the same exit code for every user fixture and for a clean config (both
# checked inside a namespace whose interfaces are the ones the configs name),
# and a config with errors refused with its file:line.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
[ "$(id -u)" = 0 ] || die_suite "vrrpd config: needs root for network namespaces"
[ -x "$VRRPD" ] || die_suite "vrrpd config: $VRRPD not built (make)"
command -v keepalived >/dev/null || toolchain/deps.sh conf >/dev/null 2>&1
command -v keepalived >/dev/null || die_suite "vrrpd config: keepalived (the oracle) is not installed"

NS=lvt$$-cfg
WORK=$(mktemp -d "/tmp/lvt$$-cfg.XXXX")
trap 'ip netns del "$NS" 2>/dev/null; rm -rf "$WORK"' EXIT
ip netns add "$NS" || die_suite "vrrpd config: cannot create a namespace"
# The interfaces the fixtures name, so keepalived's existence check passes.
ip -n "$NS" link add eth0 type veth peer name ens160
ip -n "$NS" link set eth0 up
ip -n "$NS" link set ens160 up

ka_rc() { ip netns exec "$NS" keepalived -t -f "$1" >/dev/null 2>&1; echo $?; }
our_rc() { ip netns exec "$NS" "$VRRPD" -t -f "$1" >/dev/null 2>&1; echo $?; }

for f in tests/fixtures/keepalived/*.conf; do
	check_eq "vrrpd -t exits as keepalived -t on $(basename "$f")" "$(ka_rc "$f")" "$(our_rc "$f")"
done

cat >"$WORK/clean.conf" <<'EOF'
global_defs {
    router_id clean
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 7
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.7/24
    }
}
EOF
check_eq "keepalived finds the clean config clean" 0 "$(ka_rc "$WORK/clean.conf")"
check_eq "vrrpd -t: clean config exits 0" 0 "$(our_rc "$WORK/clean.conf")"

sed 's/priority 100/priority 0/' "$WORK/clean.conf" >"$WORK/bad.conf"
out=$("$VRRPD" -t -f "$WORK/bad.conf" 2>&1); rc=$?
check_eq "vrrpd -t: a value out of range cannot run (exit 3)" 3 "$rc"
case "$out" in *"$WORK/bad.conf:8:"*) ok "the error names file:line" ;;
*) fail "the error names file:line"; echo "#   got: $out" ;; esac
sed 's/^}$//' "$WORK/clean.conf" | head -n 13 >"$WORK/brace.conf"
check_eq "vrrpd -t: unbalanced braces exit 3" 3 "$(our_rc "$WORK/brace.conf")"
check_eq "vrrpd -t: missing file exits 3" 3 "$(our_rc "$WORK/none.conf")"
out=$("$VRRPD" -f "$WORK/bad.conf" -n -S "$WORK/s.sock" 2>&1 </dev/null); rc=$?
check_eq "vrrpd refuses to start on a config with errors" 3 "$rc"
