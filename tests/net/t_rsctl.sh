#!/bin/bash
# t_rsctl.sh - rsctl on a real server in a fresh network namespace (r1, with
# a client c on the same LAN), checked with sources independent of rsctl:
# `ip addr` for the VIPs, sysctl(8) and /proc/sys for the settings, the
# client's ARP cache for what the real server answers, python3's json for
# --json. DR with IPv4 and IPv6 VIPs: up sets what the seeds' rs.sh sets,
# a second up changes and records nothing, down puts back non-default
# values and removes only what up added, down VIP removes just that one;
# status's exit codes; a state file that is a symlink, writable by others,
# somebody else's or corrupt is refused with nothing changed.
# TUN needs the ipip module, which this host's kernel lacks: tests/vm/t_rsctl_tun.sh.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/net/netns.sh
RSCTL=${RSCTL:-$NB_ROOT/build/x86_64/bin/rsctl}
[ "$(id -u)" = 0 ] || die_suite "rsctl: needs root for network namespaces"
[ -x "$RSCTL" ] || die_suite "rsctl: $RSCTL not built (make)"
command -v python3 >/dev/null || die_suite "rsctl: python3 missing"
command -v sysctl >/dev/null || die_suite "rsctl: sysctl (procps) missing"
nb_setup 1 || die_suite "rsctl: cannot build the test bed"
W=$NB_WORK
chmod 700 "$W"
STATE=$W/rsctl.state
VIP=$NB_NET.100
VIP2=$NB_NET.101
VIP6=$NB_NET6::100
RS_MAC=02:00:00:00:00:01

# rs CMD...: rsctl in r1's namespace on the test's state file; output in OUT, exit code in RC.
rs() {
	OUT=$(nb_exec r1 "$RSCTL" --state "$STATE" "$@" 2>&1)
	RC=$?
}
sys() { nb_exec r1 sysctl -n "net.ipv4.conf.$1.$2"; }
proc() { nb_exec r1 cat "/proc/sys/net/ipv4/conf/$1/$2"; }
lo_has() { nb_exec r1 ip -o addr show dev lo | grep -qw "inet6\? $1"; }
# The four settings of the seeds' rs.sh, read by sysctl(8): "all.ignore all.announce lo.ignore lo.announce".
arp4() { echo "$(sys all arp_ignore) $(sys all arp_announce) $(sys lo arp_ignore) $(sys lo arp_announce)"; }
# Who answers ARP for $1 on the LAN: the MAC the client learns, or "none".
arp_answer() {
	nb_exec c ip neigh flush dev eth0 >/dev/null 2>&1
	nb_exec c ping -c 1 -W 1 "$1" >/dev/null 2>&1
	local mac
	mac=$(nb_exec c ip neigh show "$1" dev eth0 | grep -o 'lladdr [0-9a-f:]*' | cut -d' ' -f2)
	echo "${mac:-none}"
}
nd_answer() {
	nb_exec c ip -6 neigh flush dev eth0 >/dev/null 2>&1
	nb_exec c ping -6 -c 1 -W 1 "$1" >/dev/null 2>&1
	local mac
	mac=$(nb_exec c ip -6 neigh show "$1" dev eth0 | grep -o 'lladdr [0-9a-f:]*' | cut -d' ' -f2)
	echo "${mac:-none}"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# ---- the ARP check can see an answer: a bare VIP on lo is claimed on the LAN ----
nb_exec r1 ip addr add "$VIP/32" dev lo
check_eq "without rsctl, the VIP on r1's lo is answered by r1 on the LAN (the DR problem)" \
	"$RS_MAC" "$(arp_answer "$VIP")"
nb_exec r1 ip addr del "$VIP/32" dev lo

# ---- up, DR ----
nb_exec r1 sysctl -qw net.ipv4.conf.all.arp_ignore=2
nb_exec r1 sysctl -qw net.ipv4.conf.lo.arp_announce=1
before=$(arp4)
check_eq "starting values (arp_ignore 2 on all, arp_announce 1 on lo)" "2 0 0 1" "$before"
rs status
check_eq "status before up: exit 3 (nothing up)" 3 "$RC"
rs up "$VIP"
check_eq "up $VIP: exit 0" 0 "$RC"
check_cmd "up: $VIP/32 on lo (ip addr)" lo_has "$VIP/32"
check_eq "up: arp_ignore 1 / arp_announce 2 on all and lo (sysctl)" "1 2 1 2" "$(arp4)"
check_eq "up: the same in /proc/sys" "1 2 1 2" \
	"$(proc all arp_ignore) $(proc all arp_announce) $(proc lo arp_ignore) $(proc lo arp_announce)"
case $OUT in *"net.ipv4.conf.all.arp_ignore = 1 (was 2)"*"$VIP/32 added on lo"*) ok "up says what it set and added" ;;
*) fail "up says what it set and added"; echo "#   $OUT" ;; esac
check_eq "after up, the real server leaves ARP for the VIP unanswered" none "$(arp_answer "$VIP")"
check_eq "r1's own address is still answered" "$RS_MAC" "$(arp_answer "$NB_NET.11")"
check_eq "state file mode 0600" 600 "$(stat -c %a "$STATE")"

# ---- up again: nothing changes, nothing new recorded ----
cp "$STATE" "$W/state.1"
ino1=$(stat -c %i "$STATE")
rs up "$VIP"
check_eq "second up: exit 0" 0 "$RC"
check_cmd "second up: the state file is the same file with the same text" \
	eval "cmp -s '$STATE' '$W/state.1' && [ \"\$(stat -c %i '$STATE')\" = $ino1 ]"
check_eq "second up: still one $VIP on lo" 1 "$(nb_exec r1 ip -o addr show dev lo | grep -cw "$VIP/32")"
check_eq "second up says nothing changed" "nothing to change: already up" "$OUT"

# ---- status ----
rs status
check_eq "status with everything set: exit 0" 0 "$RC"
rs status --json
check_eq "status --json: exit 0" 0 "$RC"
check_eq "status --json: the VIP present on lo in dr mode, nothing missing" \
	"True lo dr True 0" \
	"$(json "d['up'], d['vips'][0]['dev'], d['vips'][0]['mode'], d['vips'][0]['present'], d['missing']" <<<"$OUT" | tr -d '(),' )"
check_eq "status --json: all.arp_ignore now 1, want 1, was 2 (the value sysctl read before up)" \
	"1 1 2" \
	"$(json "' '.join(str(s[k]) for s in d['sysctls'] if s['name']=='net.ipv4.conf.all.arp_ignore' for k in ('value','want','original'))" <<<"$OUT")"
nb_exec r1 sysctl -qw net.ipv4.conf.lo.arp_ignore=0
rs status
check_eq "status after someone reset lo.arp_ignore: exit 1" 1 "$RC"
case $OUT in *"net.ipv4.conf.lo.arp_ignore = 0: MISSING"*) ok "status names the missing setting" ;;
*) fail "status names the missing setting"; echo "#   $OUT" ;; esac
nb_exec r1 ip addr del "$VIP/32" dev lo
rs status --json
check_eq "status --json with the VIP removed behind rsctl's back: exit 1, present false, 2 missing" \
	"1 False 2" "$RC $(json "d['vips'][0]['present'], d['missing']" <<<"$OUT" | tr -d '(),')"
rs up "$VIP"
check_eq "up repairs both" "0 1" "$RC $(sys lo arp_ignore)"
check_cmd "up repairs: VIP back on lo" lo_has "$VIP/32"
rs status
check_eq "status after the repair: exit 0" 0 "$RC"

# ---- IPv6 and a second VIP ----
rs up "$VIP6" "$VIP2/32"
check_eq "up $VIP6 $VIP2/32: exit 0" 0 "$RC"
check_cmd "IPv6 VIP on lo as /128 (ip -6 addr)" lo_has "$VIP6/128"
check_cmd "second IPv4 VIP on lo" lo_has "$VIP2/32"
check_eq "the client gets no neighbour answer for the IPv6 VIP" none "$(nd_answer "$VIP6")"
check_eq "nor ARP for the second VIP" none "$(arp_answer "$VIP2")"

# ---- down VIP: just that one; sysctls stay while VIPs remain ----
rs down "$VIP2"
check_eq "down $VIP2: exit 0" 0 "$RC"
check_cmd "down $VIP2: it is gone from lo, $VIP and $VIP6 stay" \
	eval "! lo_has $VIP2/32 && lo_has $VIP/32 && lo_has $VIP6/128"
check_eq "down of one VIP leaves the sysctls set" "1 2 1 2" "$(arp4)"
rs down "$VIP2"
check_eq "down of a VIP that is not up: exit 1" 1 "$RC"
case $OUT in *"$VIP2/32 was not brought up by rsctl up"*) ok "and says so" ;;
*) fail "and says so"; echo "#   $OUT" ;; esac

# ---- down: everything back as it was ----
rs down
check_eq "down: exit 0" 0 "$RC"
check_eq "down: every sysctl back to its value before up (sysctl)" "$before" "$(arp4)"
check_cmd "down: no VIP left on lo" eval "! lo_has $VIP/32 && ! lo_has $VIP6/128"
case $OUT in *"net.ipv4.conf.all.arp_ignore = 2 restored (was 1)"*) ok "down says what it restored" ;;
*) fail "down says what it restored"; echo "#   $OUT" ;; esac
check_cmd "down removes the state file" test ! -e "$STATE"
rs status
check_eq "status after down: exit 3" 3 "$RC"
rs down
check_eq "down with nothing up: exit 0, nothing to restore" "0 nothing to restore" "$RC $OUT"

# ---- a VIP that was already there is left in place ----
nb_exec r1 ip addr add "$VIP/32" dev lo
rs up "$VIP"
check_eq "up of a VIP already on lo: exit 0, recorded as kept" "0 kept $VIP/32 lo" "$RC $(grep "^kept" "$STATE")"
rs down
check_cmd "down leaves a VIP that was there before up" lo_has "$VIP/32"
check_eq "and restores the sysctls" "$before" "$(arp4)"
nb_exec r1 ip addr del "$VIP/32" dev lo

# ---- a VIP on the LAN interface is refused ----
nb_exec r1 ip addr add "$VIP/32" dev eth0
rs up "$VIP"
check_eq "up of a VIP held on eth0: exit 1, nothing changed" "1 $before no-state" \
	"$RC $(arp4) $([ -e "$STATE" ] && echo state || echo no-state)"
nb_exec r1 ip addr del "$VIP/32" dev eth0

# ---- unsafe or corrupt state files: refused, nothing changed ----
# unchanged WHAT: the settings, lo's addresses and the state file as before.
snapshot() { echo "$(arp4) | $(nb_exec r1 ip -o addr show dev lo | awk '{print $4}' | tr '\n' ' ') | $(cat "$STATE" 2>/dev/null | md5sum)"; }
refused() {
	local what=$1 want=$2 snap
	snap=$(snapshot)
	rs up "$VIP"
	if [ "$RC" != 0 ] && [ "$(snapshot)" = "$snap" ] && [[ $OUT == *"$want"* ]]; then
		ok "$what: up refused, nothing changed"
	else
		fail "$what: up refused, nothing changed"; echo "#   rc $RC: $OUT"
	fi
	rs down
	if [ "$RC" != 0 ] && [ "$(snapshot)" = "$snap" ]; then ok "$what: down refused too"
	else fail "$what: down refused too"; echo "#   rc $RC: $OUT"; fi
}
printf 'sysctl net.ipv4.conf.all.arp_ignore 0\n' >"$W/target"
chmod 600 "$W/target"
ln -s "$W/target" "$STATE"
refused "a symlinked state file" "is a symbolic link"
check_eq "the symlink's target is untouched" "sysctl net.ipv4.conf.all.arp_ignore 0" "$(cat "$W/target")"
rm -f "$STATE"
printf 'sysctl net.ipv4.conf.all.arp_ignore 0\n' >"$STATE"
chmod 666 "$STATE"
refused "a world-writable state file" "writable by others"
chmod 620 "$STATE"
refused "a group-writable state file" "writable by its group"
chmod 600 "$STATE"
chown 65534 "$STATE"
refused "a state file of another user" "belongs to uid 65534"
rm -f "$STATE"
mkdir "$STATE"
refused "a state path that is a directory" "is not a regular file"
rmdir "$STATE"
printf '# written by hand\nsysctl net.ipv4.conf.all.arp_ignore 0\naddr 10.0.0.1/32\n' >"$STATE"
chmod 600 "$STATE"
refused "a corrupt state file" "$STATE:3: addr wants an address/prefix and a device"
printf 'sysctl net.ipv4.conf.all.arp_ignore 0\nsysctl kernel.modprobe 0\n' >"$STATE"
refused "a state file naming a sysctl outside net.ipv4.conf" "$STATE:2: not a net.ipv4.conf sysctl"
rs status
check_eq "status on a corrupt state file: exit 1" 1 "$RC"
rm -f "$STATE"

# ---- two runs at once: the second waits for the first's lock (at most 5 s) ----
if command -v flock >/dev/null; then
	flock "$STATE.lock" sleep 1 &
	holder=$!
	sleep 0.2
	rs up "$VIP"
	check_eq "up while another run holds the lock for 1 s: waits, then exit 0" 0 "$RC"
	wait $holder
	flock "$STATE.lock" sleep 8 &
	holder=$!
	sleep 0.2
	snap=$(snapshot)
	rs down
	check_eq "down while the lock stays held: gives up after 5 s, exit 1, nothing changed" \
		"1 $snap" "$RC $(snapshot)"
	case $OUT in *"$STATE.lock is locked"*) ok "and names the lock" ;;
	*) fail "and names the lock"; echo "#   $OUT" ;; esac
	pkill -P $holder 2>/dev/null; kill $holder 2>/dev/null
	wait $holder 2>/dev/null
	rs down
	check_eq "down once the lock is free: exit 0" 0 "$RC"
else
	fail "flock(1) missing: the lock is not tested"
fi

# ---- usage errors ----
rs up 10.0.0.0/24
check_eq "a network instead of a VIP: exit 2, nothing recorded" "2 no-state" \
	"$RC $([ -e "$STATE" ] && echo state || echo no-state)"
rs up "$VIP" --mode nat
check_eq "--mode nat: exit 2" 2 "$RC"
rs up
check_eq "up without a VIP: exit 2" 2 "$RC"
rs up "$VIP" --dev nosuchif0
check_eq "--dev of a missing interface: exit 1, nothing changed" "1 $before" "$RC $(arp4)"
rs up "$VIP" --dev eth0
check_eq "--dev eth0: its arp_ignore/arp_announce too" "0 1 2" "$RC $(sys eth0 arp_ignore) $(sys eth0 arp_announce)"
rs down
check_eq "down restores eth0's as well" "0 0 0" "$RC $(sys eth0 arp_ignore) $(sys eth0 arp_announce)"
