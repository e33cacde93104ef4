#!/bin/bash
# t_openwrt_hotplug.sh - a VRRP pair configured from OpenWrt's UCI file
# (/etc/config/keepalived, translated by `lvsd --uci`) runs hotplug-call on
# every state change with ACTION, TYPE and NAME in an otherwise empty
# environment, as OpenWrt's keepalived package does, so the scripts in
# /etc/hotplug.d/keepalived keep working. The program here is a test
# script standing in for OpenWrt's /sbin/hotplug-call (--hotplug-call
# names it): it records its arguments and those three variables.
# IMPL=keepalived runs keepalived 2.2.7 on the same translation.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
nb_require openwrt_hotplug
[ -x /bin/busybox ] || die_suite "openwrt_hotplug: /bin/busybox (busybox-static) is missing"
LVSD=${LVSD:-$NB_ROOT/build/x86_64/bin/lvsd}
nb_setup 2 || die_suite "openwrt_hotplug: cannot build the namespace bed"
VIP=$NB_NET.100
for r in r1 r2; do
	cat >"$NB_WORK/$r.hotplug" <<-EOS
	#!/bin/sh
	echo "\$* ACTION=\$ACTION TYPE=\$TYPE NAME=\$NAME HOME=\${HOME-unset}" >>"$NB_WORK/$r.calls"
	EOS
	chmod 755 "$NB_WORK/$r.hotplug"
	: >"$NB_WORK/$r.calls"
done
uci() { # uci PRIORITY
	cat <<-EOF2
	config globals 'globals'
		option router_id 'test'

	config ipaddress
		option name 'vip'
		option address '$VIP/24'

	config vrrp_sync_group
		option name 'G'
		list group 'VI_1'

	config vrrp_instance
		option name 'VI_1'
		option state 'BACKUP'
		option interface 'eth0'
		option virtual_router_id '51'
		option priority '$1'
		option advert_int '1'
		list virtual_ipaddress 'vip'
	EOF2
}
for r in r1 r2; do
	prio=150; [ $r = r2 ] && prio=100
	uci $prio >"$NB_WORK/$r.uci"
	"$LVSD" --uci "$NB_WORK/$r.uci" --hotplug-call "$NB_WORK/$r.hotplug" >"$NB_WORK/$r.conf" ||
		die_suite "openwrt_hotplug: lvsd --uci failed on $r.uci"
done

# expect_call WHAT ROUTER LINE: ROUTER's hotplug-call got LINE within
# $WAIT_S seconds (4).
expect_call() {
	local tries=$((${WAIT_S:-4} * 20))
	while [ $tries -gt 0 ]; do
		grep -qxF "$3" "$NB_WORK/$2.calls" && { ok "$IMPL: $1: $2 called hotplug-call $3"; return 0; }
		sleep 0.05; tries=$((tries - 1))
	done
	fail "$IMPL: $1: $2 called hotplug-call $3"
	sed 's/^/#   /' "$NB_WORK/$2.calls"
}
nb_daemon r1 "$IMPL" "$NB_WORK/r1.conf"
nb_daemon r2 "$IMPL" "$NB_WORK/r2.conf"
nb_wait_holders "$VIP" r1 8
expect_call election r1 "keepalived ACTION=NOTIFY_MASTER TYPE=INSTANCE NAME=VI_1 HOME=unset"
expect_call election r1 "keepalived ACTION=NOTIFY_MASTER TYPE=GROUP NAME=G HOME=unset"
expect_call election r1 "keepalived GROUP G MASTER 0 ACTION=NOTIFY TYPE=GROUP NAME=G HOME=unset"
expect_call election r2 "keepalived ACTION=NOTIFY_BACKUP TYPE=INSTANCE NAME=VI_1 HOME=unset"
expect_call election r2 "keepalived ACTION=NOTIFY_BACKUP TYPE=GROUP NAME=G HOME=unset"
if grep -q MASTER "$NB_WORK/r2.calls"; then fail "$IMPL: election: r2 never called MASTER"; else ok "$IMPL: election: r2 never called MASTER"; fi

: >"$NB_WORK/r2.calls"
ip -n "$(nb_ns r1)" link set eth0 down
expect_call "link down" r1 "keepalived ACTION=NOTIFY_FAULT TYPE=INSTANCE NAME=VI_1 HOME=unset"
expect_call "link down" r1 "keepalived ACTION=NOTIFY_FAULT TYPE=GROUP NAME=G HOME=unset"
expect_call "link down" r2 "keepalived ACTION=NOTIFY_MASTER TYPE=INSTANCE NAME=VI_1 HOME=unset"
ip -n "$(nb_ns r1)" link set eth0 up
nb_wait_holders "$VIP" r1 8
: >"$NB_WORK/r1.calls"
nb_kill r1 TERM
expect_call "graceful stop" r1 "keepalived ACTION=NOTIFY_STOP TYPE=INSTANCE NAME=VI_1 HOME=unset"

# The whole daemon, as OpenWrt's init script starts it, runs hotplug-call
# with ACTION=startup before its first pass and ACTION=shutdown after its
# children have stopped (startup_script / shutdown_script). This host has
# no IPVS: lvsbox's keepalived applet runs VRRP only (-P), like keepalived.
sleep 1
: >"$NB_WORK/r1.calls"
if [ "$IMPL" = vrrpd ]; then
	mkdir -p /run/lvsbox
	nb_exec r1 unshare -m sh -c 'mount -t tmpfs lvt /run/lvsbox && exec "$@"' lvsd \
		"$(dirname "$LVSD")/keepalived" -P -n -l -f "$NB_WORK/r1.conf" -p "$NB_WORK/r1.whole.pid" \
		>"$NB_WORK/r1.whole.log" 2>&1 &
else
	nb_exec r1 unshare -m sh -c 'mount -t tmpfs lvt /run && exec "$@"' keepalived \
		keepalived -P -n -l -f "$NB_WORK/r1.conf" -p "$NB_WORK/r1.whole.pid" -r "$NB_WORK/r1.whole.vrrp.pid" \
		>"$NB_WORK/r1.whole.log" 2>&1 &
fi
disown $!
expect_call "daemon start" r1 "keepalived ACTION=startup TYPE= NAME= HOME=unset"
expect_call "daemon start" r1 "keepalived ACTION=NOTIFY_MASTER TYPE=INSTANCE NAME=VI_1 HOME=unset"
for _ in $(seq 20); do [ -s "$NB_WORK/r1.whole.pid" ] && break; sleep 0.1; done
kill -TERM "$(cat "$NB_WORK/r1.whole.pid")"
expect_call "daemon stop" r1 "keepalived ACTION=NOTIFY_STOP TYPE=INSTANCE NAME=VI_1 HOME=unset"
WAIT_S=10 expect_call "daemon stop" r1 "keepalived ACTION=shutdown TYPE= NAME= HOME=unset"
if grep -n . "$NB_WORK/r1.calls" | grep -q "ACTION=shutdown" &&
   [ "$(grep -n 'ACTION=shutdown' "$NB_WORK/r1.calls" | cut -d: -f1)" -gt "$(grep -n 'ACTION=NOTIFY_STOP' "$NB_WORK/r1.calls" | cut -d: -f1)" ]; then
	ok "$IMPL: daemon stop: shutdown comes after the instance's stop"
else
	fail "$IMPL: daemon stop: shutdown comes after the instance's stop"; sed 's/^/#   /' "$NB_WORK/r1.calls"
fi
