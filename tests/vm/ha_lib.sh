# ha_lib.sh - one LAN of network namespaces for the two-director (LVS-DR
# high availability) setups: `make demo` (tests/vm/demo-guest.sh) and the vm
# tests t_traffic_ha.sh and t_ha_sync.sh. Sourced; POSIX sh (plus `local`)
# that needs nothing but busybox's applets (ip, unshare, nsenter, setsid,
# mount, sed, awk, cat), so the demo runs on the appliance image as it runs
# in the Debian guest; iproute2 and util-linux take the same commands.
#
#   NAME  eth0 ADDR/PFX --- haN --+
#   NAME2 eth0 ...      --- haM --+-- $HA_BR (a bridge in the caller's namespace)
#
# Namespaces are files under /run/netns, where iproute2 keeps its own, so
# `ip -n NAME` and `ip -all netns delete` see them too. Busybox's ip has no
# netns command: a namespace is made with `unshare --net=FILE` and entered
# with `nsenter --net=FILE`, and the veth is made inside it and its other
# end moved out (busybox's ip cannot name a veth's peer).
#
# The caller sets HA_WORK (a scratch directory for logs, pid files and
# sockets) and HA_BIN (the directory of lvsbox's applet links).
HA_NETNS=/run/netns
HA_BR=${HA_BR:-br-ha}
ha_ports=0
ha_names=
ha_pgids=

# ha_ns NAME CMD...: CMD in namespace NAME's network.
ha_ns() {
	local ns=$1
	shift
	nsenter -F --net="$HA_NETNS/$ns" "$@"
}

# ha_switch: the bridge, a plain switch: it floods multicast (the sync
# daemon's group too) instead of snooping for listeners.
ha_switch() {
	ip link add "$HA_BR" type bridge || return 1
	echo 0 >"/sys/class/net/$HA_BR/bridge/multicast_snooping" || return 1
	ip link set "$HA_BR" up
}

# ha_plug NAME ADDR/PFX: a new namespace NAME whose eth0 holds ADDR/PFX and
# is a port of the switch, lo up, everything on-link (default dev eth0). The
# switch end is haN; HA_DEV is set to its name.
ha_plug() {
	local ns=$1 addr=$2 dev=ha$ha_ports peer
	ha_ports=$((ha_ports + 1))
	mkdir -p "$HA_NETNS" && : >"$HA_NETNS/$ns" || return 1
	unshare --net="$HA_NETNS/$ns" true || return 1
	ha_names="$ha_names $ns"
	peer=$(ha_ns "$ns" sh -c 'ip link add eth0 type veth && ip link show' |
		sed -n 's/^[0-9]*: \([^@:]*\)@eth0:.*/\1/p')
	[ -n "$peer" ] || return 1
	ha_ns "$ns" sh -c "ip link set $peer name $dev && ip link set $dev netns $$ &&
		ip link set lo up && ip addr add $addr dev eth0 && ip link set eth0 up &&
		ip route add default dev eth0" || return 1
	ip link set "$dev" master "$HA_BR" && ip link set "$dev" up || return 1
	HA_DEV=$dev
}

# ha_spawn NAME CMD...: CMD in namespace NAME, in the background; HA_PID is
# set to its pid (nsenter -F execs CMD in the process the shell forked).
ha_spawn() {
	local ns=$1
	shift
	nsenter -F --net="$HA_NETNS/$ns" "$@" &
	HA_PID=$!
}

# ha_unplug DEV: the switch end of a namespace's cable deleted; its eth0 goes
# with it at once.
ha_unplug() { ip link del "$1"; }

# ha_drop NAME: namespace NAME forgotten; the kernel frees it once no
# process is left in it.
ha_drop() {
	umount "$HA_NETNS/$1" 2>/dev/null
	rm -f "$HA_NETNS/$1"
}

# ha_director NAME CONF: `lvsd -n -l -f CONF` in namespace NAME, its log in
# HA_WORK/NAME.log, its socket NAME.sock and pid file NAME.pid there. Two
# lvsd on one filesystem would share their children's default control
# sockets under /run/lvsbox, so each gets a mount namespace of its own with a
# tmpfs there. setsid, nsenter -F, unshare and sh all exec without forking:
# the pid started here is lvsd's, and its process group is lvsd, checkd and
# vrrpd alone. HA_PID is set to it (also the group's id).
ha_director() {
	mkdir -p /run/lvsbox
	setsid nsenter -F --net="$HA_NETNS/$1" unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=0755 lvsbox /run/lvsbox && exec "$@"' sh \
		"$HA_BIN/lvsd" -n -l -f "$2" -S "$HA_WORK/$1.sock" -p "$HA_WORK/$1.pid" \
		</dev/null >>"$HA_WORK/$1.log" 2>&1 &
	HA_PID=$!
	ha_pgids="$ha_pgids $HA_PID"
}

# ha_group PID: the process group of PID ("" when it is gone).
ha_group() { awk '{ print $5 }' "/proc/$1/stat" 2>/dev/null; }

# ha_members PGID: "PID NAME" of every live process in group PGID (a zombie,
# which only waits to be reaped, counts as gone).
ha_members() {
	local p
	for p in $(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$1" '$5 == g && $3 != "Z" { print $1 }'); do
		printf '%s %s\n' "$p" "$(tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | sed -n '1s,.*/,,;1p')"
	done
}

# ha_kill PGID: kill -9 to a director's whole process group.
ha_kill() { kill -9 -- "-$1" 2>/dev/null; }

# ha_has_vip NAME VIP: VIP is on NAME's eth0.
ha_has_vip() { ha_ns "$1" ip addr show dev eth0 | grep -q "inet $2/"; }

# ha_mac NAME: the MAC address of NAME's eth0.
ha_mac() { ha_ns "$1" ip link show dev eth0 | awk '$1 == "link/ether" { print $2 }'; }

# ha_neigh NAME ADDR: the MAC address NAME's neighbour table holds for ADDR.
ha_neigh() {
	ha_ns "$1" ip neigh show "$2" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}

# ha_cleanup: the directors killed, the switch ends and the switch deleted,
# every namespace made here forgotten.
ha_cleanup() {
	local g n i=0
	for g in $ha_pgids; do ha_kill "$g"; done
	while [ $i -lt $ha_ports ]; do
		ip link del "ha$i" 2>/dev/null
		i=$((i + 1))
	done
	ip link del "$HA_BR" 2>/dev/null
	for n in $ha_names; do ha_drop "$n"; done
	ha_names= ha_pgids= ha_ports=0
}
