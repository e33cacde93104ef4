#!/bin/bash
# bench-guest.sh - inside the qemu guest: restore and list a large IPVS table
# with the real ipvsadm and with lvsctl, print the times and the ratios.
# Not a pass/fail test: it fails only when a tool fails or the two restored
# tables differ. SERVICES (default 10000) x 4 real servers.
set -u
cd "$(dirname "$0")/../.." || exit 2
ipvsadm=/usr/sbin/ipvsadm
lvsctl=$PWD/build/x86_64/bin/lvsctl
services=${SERVICES:-10000}
work=/tmp/lvsbox-bench
mkdir -p "$work"
[ -r /proc/net/ip_vs ] || { echo "bench: this kernel has no IPVS (run via make bench)"; exit 1; }

# Service n is 10.x.y.z:80 with x.y.z the three bytes of n, its real
# servers 172.(17..20).y.z:8080: deterministic and all distinct.
awk -v n="$services" 'BEGIN {
	for (i = 1; i <= n; i++) {
		b = int(i / 65536) % 256 "." int(i / 256) % 256 "." i % 256
		printf "-A -t 10.%s:80 -s wlc\n", b
		for (k = 1; k <= 4; k++)
			printf "-a -t 10.%s:80 -r 172.%d.%s:8080 -m -w %d\n", b, 16 + k, substr(b, index(b, ".") + 1), k
	}
}' >"$work/table.save"
echo "bench: $services services x 4 real servers, $(wc -l <"$work/table.save") lines to restore"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# timed NAME CMD...: runs CMD, prints (on fd 3, the script's stdout, as the
# caller may redirect CMD's) and remembers its wall time in ms.
exec 3>&1
declare -A ms
timed() {
	local name=$1 start rc; shift
	start=$(now_ms)
	"$@"
	rc=$?
	ms[$name]=$(($(now_ms) - start))
	printf '  %-22s %8d ms%s\n' "$name" "${ms[$name]}" "$([ $rc = 0 ] || echo "  (exit $rc)")" >&3
	return $rc
}

failed=0
for tool in ipvsadm lvsctl; do
	bin=${!tool}
	$ipvsadm -C
	echo "$tool:"
	timed "$tool -R" "$bin" -R <"$work/table.save" || failed=1
	timed "$tool -Ln" "$bin" -Ln >"$work/$tool.list" || failed=1
	# The table each restored, as the real ipvsadm saves it.
	$ipvsadm -S -n >"$work/$tool.save"
	echo "  $(grep -c '^-A' "$work/$tool.save") services, $(grep -c '^-a' "$work/$tool.save") real servers in the table"
done
$ipvsadm -C

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
echo
echo "restore: ipvsadm ${ms[ipvsadm -R]} ms, lvsctl ${ms[lvsctl -R]} ms: speed-up $(ratio "${ms[ipvsadm -R]}" "${ms[lvsctl -R]}") (target >= 5x)"
echo "list:    ipvsadm ${ms[ipvsadm -Ln]} ms, lvsctl ${ms[lvsctl -Ln]} ms: speed-up $(ratio "${ms[ipvsadm -Ln]}" "${ms[lvsctl -Ln]}") (target >= 2x)"
echo "(reference on the seed's hardware: ipvsadm restore 13.9 s, list 3.7 s)"
if cmp -s "$work/ipvsadm.save" "$work/lvsctl.save"; then
	echo "restored tables: identical (ipvsadm -S -n)"
else
	echo "restored tables: DIFFER (ipvsadm -S -n)"; failed=1
	diff "$work/ipvsadm.save" "$work/lvsctl.save" | head -10
fi
if cmp -s "$work/ipvsadm.list" "$work/lvsctl.list"; then
	echo "listings: identical (-Ln)"
else
	echo "listings: DIFFER (-Ln)"; failed=1
	diff "$work/ipvsadm.list" "$work/lvsctl.list" | head -10
fi
rm -rf "$work"
exit $failed
