#!/bin/bash
# bench-guest.sh - inside the qemu guest: restore and list a large IPVS table
# with the real ipvsadm and with lvsctl, print the times and the ratios.
# Not a pass/fail test: it fails only when a tool fails or the two restored
# tables differ.
#
# SERVICES: table sizes to measure (default "10000"; e.g. "1000 5000 10000"),
# each service with 4 real servers. AFTER_FLUSH=1 also times a second
# restore right after `ipvsadm -C` of the same table (see below).
#
# Each tool works in a network namespace of its own, created empty for it:
# IPVS state is per namespace, and the kernel keeps the real servers of a
# deleted service in a "trash" list for one to three minutes, which every
# later add of a real server searches from end to end. A restore right
# after flushing a big table (the previous tool's) therefore costs the
# kernel time proportional to the product of both tables, whatever the tool.
#
# Times: wall clock, and the CPU seconds of the tool itself, user and
# system (the kernel's work on its requests is system time). CPU time is
# what to compare on a loaded machine; wall time is what a user waits.
# LVSCTL: the lvsctl to measure (default: this tree's build).
set -u
cd "$(dirname "$0")/../.." || exit 2
ipvsadm=/usr/sbin/ipvsadm
lvsctl=${LVSCTL:-$PWD/build/x86_64/bin/lvsctl}
work=/tmp/lvsbox-bench

# timed OUT CMD...: runs CMD (stdin inherited, stdout to OUT, stderr
# appended to $work/stderr); prints "wall user sys status".
timed() {
	local out=$1 t TIMEFORMAT='%3R %3U %3S'
	shift
	t=$( { time { "$@" >"$out" 2>>"$work/stderr"; echo $? >"$work/status"; }; } 2>&1 )
	echo "$t $(cat "$work/status")"
}

# --one TOOL SIZE: the measurements of one tool, run inside its namespace.
# One line per step: "restore|list|flush-restore wall user sys status".
if [ "${1-}" = --one ]; then
	tool=$2 size=$3
	bin=${!tool}
	ip link set lo up
	echo "restore $(timed /dev/null "$bin" -R <"$work/table.$size")"
	echo "list $(timed "$work/$tool.list" "$bin" -Ln </dev/null)"
	$ipvsadm -S -n >"$work/$tool.save"
	if [ "${AFTER_FLUSH:-0}" = 1 ]; then
		$ipvsadm -C
		echo "flush-restore $(timed /dev/null "$bin" -R <"$work/table.$size")"
	fi
	exit 0
fi

[ -r /proc/net/ip_vs ] || { echo "bench: this kernel has no IPVS (run via make bench)"; exit 1; }
mkdir -p "$work"
: >"$work/stderr"

# Service n is 10.x.y.z:80 with x.y.z the three bytes of n, its real
# servers 172.(17..20).y.z:8080: deterministic and all distinct.
make_table() {
	awk -v n="$1" 'BEGIN {
		for (i = 1; i <= n; i++) {
			b = int(i / 65536) % 256 "." int(i / 256) % 256 "." i % 256
			printf "-A -t 10.%s:80 -s wlc\n", b
			for (k = 1; k <= 4; k++)
				printf "-a -t 10.%s:80 -r 172.%d.%s:8080 -m -w %d\n", b, 16 + k, substr(b, index(b, ".") + 1), k
		}
	}'
}

step_name() { case $1 in restore) echo -R ;; list) echo -Ln ;; *) echo "-R after -C" ;; esac; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
cpu() { awk -v u="$1" -v s="$2" 'BEGIN { printf "%.3f", u + s }'; }

failed=0
declare -A wall user sys
for size in ${SERVICES:-10000}; do
	make_table "$size" >"$work/table.$size"
	echo "bench: $size services x 4 real servers, $(wc -l <"$work/table.$size") lines to restore"
	printf '  %-22s %9s %9s %9s\n' "" "wall s" "user s" "sys s"
	for tool in ipvsadm lvsctl; do
		ns=lvsbox-bench-$tool
		ip netns del "$ns" 2>/dev/null
		ip netns add "$ns" || { echo "bench: cannot create namespace $ns"; exit 1; }
		while read -r step w u s rc; do
			[ -n "$rc" ] || { echo "bench: no measurement from $tool ($step)"; failed=1; continue; }
			wall[$tool.$step]=$w user[$tool.$step]=$u sys[$tool.$step]=$s
			printf '  %-22s %9s %9s %9s%s\n' "$tool $(step_name "$step")" "$w" "$u" "$s" \
				"$([ "$rc" = 0 ] || echo "  (exit $rc)")"
			[ "$rc" = 0 ] || failed=1
		done < <(ip netns exec "$ns" "$0" --one "$tool" "$size")
		# The table each restored, as the real ipvsadm saves it.
		echo "  $tool restored $(grep -c '^-A' "$work/$tool.save") services, $(grep -c '^-a' "$work/$tool.save") real servers"
		ip netns del "$ns"
	done

	for step in restore list; do
		a=ipvsadm.$step b=lvsctl.$step target=$([ $step = restore ] && echo 5x || echo 2x)
		[ -n "${wall[$a]-}" ] && [ -n "${wall[$b]-}" ] || continue
		printf '  %-8s speed-up wall %-6s cpu %-6s (ipvsadm %s s cpu, lvsctl %s s cpu; target >= %s)\n' \
			"$step:" "$(ratio "${wall[$a]}" "${wall[$b]}")" \
			"$(ratio "$(cpu "${user[$a]}" "${sys[$a]}")" "$(cpu "${user[$b]}" "${sys[$b]}")")" \
			"$(cpu "${user[$a]}" "${sys[$a]}")" "$(cpu "${user[$b]}" "${sys[$b]}")" "$target"
	done
	if cmp -s "$work/ipvsadm.save" "$work/lvsctl.save"; then
		echo "  restored tables: identical (ipvsadm -S -n)"
	else
		echo "  restored tables: DIFFER (ipvsadm -S -n)"; failed=1
		diff "$work/ipvsadm.save" "$work/lvsctl.save" | head -10
	fi
	if cmp -s "$work/ipvsadm.list" "$work/lvsctl.list"; then
		echo "  listings: identical (-Ln)"
	else
		echo "  listings: DIFFER (-Ln)"; failed=1
		diff "$work/ipvsadm.list" "$work/lvsctl.list" | head -10
	fi
	unset wall user sys
	declare -A wall user sys
done
if [ -s "$work/stderr" ]; then
	echo "bench: the tools wrote to stderr:"
	head -10 "$work/stderr"
	failed=1
fi
echo "(reference on the seed's hardware: ipvsadm restore 13.9 s, list 3.7 s)"
rm -rf "$work"
exit $failed
