# farm.sh - starts the stub farm (build/stub/lvsfarm) inside a network
# namespace of its own and routes the farm's prefix to it.
#
# Source it, then:
#   sf_setup SCRIPT       namespace $SF_NS with the farm on TAP $SF_TAP, the
#                         namespace's side at $SF_GW/24, $SF_PREFIX routed via
#                         the farm's address $SF_OWN; installs an EXIT trap
#   sf_exec CMD...        run CMD in that namespace (where checkd and the
#                         probing tools run)
#   sf_ctl COMMAND        one control command (stats, show ADDR, set ...)
#   sf_stat KEY           one counter of "sf_ctl stats"
#   sf_addr N             the Nth address of the prefix (0 = the first)
#   sf_reload             SIGHUP: the farm re-reads its script
#   sf_cleanup            stop the farm, delete the namespace
# Names carry the caller's pid, so parallel runs never collide.

SF_ROOT=${SF_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SF_FARM=${SF_FARM:-$SF_ROOT/build/stub/lvsfarm}
SF_NS=${SF_NS:-lvf$$}
SF_TAP=${SF_TAP:-farm0}
SF_GW=${SF_GW:-10.200.0.1}
SF_OWN=${SF_OWN:-10.200.0.2}
SF_PREFIX=${SF_PREFIX:-10.201.0.0/16}
SF_PID=
SF_WORK=

sf_exec() { ip netns exec "$SF_NS" "$@"; }

# sf_require WHAT: root, the farm built, the probing tools; else a loud failure.
sf_require() {
	[ "$(id -u)" = 0 ] || die_suite "$1: needs root for network namespaces and TAP"
	[ -x "$SF_FARM" ] || make -s -C "$SF_ROOT" stub >/dev/null 2>&1
	[ -x "$SF_FARM" ] || die_suite "$1: $SF_FARM not built (make stub)"
	local t
	for t in curl socat python3 ip; do
		command -v "$t" >/dev/null || die_suite "$1: $t missing (toolchain/deps.sh stub)"
	done
}

sf_setup() {
	local script=$1 i
	SF_WORK=$(mktemp -d "/tmp/$SF_NS.XXXX") || return 1
	trap sf_cleanup EXIT
	trap 'exit 130' INT TERM
	ip netns add "$SF_NS" || return 1
	ip -n "$SF_NS" link set lo up
	# The farm stands for a whole network of servers: on a busy machine it
	# must not be the one starved, or every server looks slow.
	ip netns exec "$SF_NS" nice -n -10 "$SF_FARM" -t "$SF_TAP" -a "$SF_OWN/24" -g "$SF_GW" \
		-n "$SF_PREFIX" -f "$script" -c "$SF_WORK/ctl" >"$SF_WORK/farm.log" 2>&1 &
	SF_PID=$!
	# Bounded wait for the TAP and the control socket (5 s).
	for i in $(seq 50); do
		grep -qs ready "$SF_WORK/farm.log" && [ -S "$SF_WORK/ctl" ] && break
		kill -0 "$SF_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -qs ready "$SF_WORK/farm.log" || { sed 's/^/#   /' "$SF_WORK/farm.log"; return 1; }
	# A long queue: bursts of thousands of SYNs must wait, not be dropped.
	ip -n "$SF_NS" addr add "$SF_GW/24" dev "$SF_TAP" &&
		ip -n "$SF_NS" link set "$SF_TAP" txqueuelen 20000 up &&
		ip -n "$SF_NS" route add "$SF_PREFIX" via "$SF_OWN" dev "$SF_TAP"
}

sf_ctl() { echo "$*" | socat -t 2 - "UNIX-CONNECT:$SF_WORK/ctl" 2>/dev/null; }

sf_stat() { sf_ctl stats | awk -v k="$1" '$1 == k { print $2 }'; }

sf_reload() { kill -HUP "$SF_PID"; }

# sf_addr N: dotted address N places after the start of $SF_PREFIX.
sf_addr() {
	local base=${SF_PREFIX%/*} a b c d
	IFS=. read -r a b c d <<<"$base"
	local n=$(( (a << 24 | b << 16 | c << 8 | d) + $1 ))
	echo "$((n >> 24 & 255)).$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))"
}

# sf_log: the farm's output as commentary (after a failure).
sf_log() { sed 's/^/#   /' "$SF_WORK/farm.log" 2>/dev/null | tail -n "${1:-20}"; }

sf_cleanup() {
	local i
	if [ -n "$SF_PID" ]; then
		kill "$SF_PID" 2>/dev/null
		for i in $(seq 30); do kill -0 "$SF_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$SF_PID" 2>/dev/null
		wait "$SF_PID" 2>/dev/null
		SF_PID=
	fi
	# Whatever a test started in the namespace (checkd, probes) goes too.
	for i in $(ip netns pids "$SF_NS" 2>/dev/null); do kill -9 "$i" 2>/dev/null; done
	ip netns del "$SF_NS" 2>/dev/null
	[ -n "$SF_WORK" ] && [ -z "$SF_KEEP" ] && rm -rf "$SF_WORK"
	SF_WORK=
}
