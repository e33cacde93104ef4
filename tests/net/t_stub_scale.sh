#!/bin/bash
# t_stub_scale.sh - one farm process answers for 10,000 addresses at once,
# each as its script says: probed with the kernel's own TCP (probe.py,
# python sockets), every address's outcome checked against its line.
# runs alone: its 10,000 addresses would starve the timers of tests beside it (tests/lib.sh run_scripts)
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
. tests/stub/farm.sh
sf_require "stub farm scale"
ulimit -n 8192

WORKDIR=$(mktemp -d /tmp/lvf-scale.XXXX)
trap 'sf_cleanup; rm -rf "$WORKDIR"' EXIT
# 10,000 addresses from 10.201.0.1: four groups, in blocks that cross /24s.
cat >"$WORKDIR/farm.script" <<'EOF2'
10.201.0.1+4000 healthy
10.201.15.161+2000 refuse
10.201.23.113+2000 blackhole
10.201.31.65+2000 status 500
EOF2
sf_setup "$WORKDIR/farm.script" || die_suite "stub farm scale: the farm did not start"
trap 'sf_cleanup; rm -rf "$WORKDIR"' EXIT

# The expected outcome of address i (0-based from 10.201.0.1), from the same
# blocks as the script: 4000 + 2000 + 2000 + 2000.
awk 'BEGIN { for (i = 0; i < 10000; i++) {
	n = 1 + i	# 10.201.0.0 + 1 + i
	e = i < 4000 ? "200" : i < 6000 ? "refused" : i < 8000 ? "timeout" : "500"
	printf "10.201.%d.%d %s\n", int(n / 256), n % 256, e } }' >"$WORKDIR/expected"
check_eq "the script's blocks are where the test expects them" \
	"10.201.15.161 refused|10.201.23.113 timeout|10.201.31.65 500|10.201.39.16 500" \
	"$(sed -n '4001p;6001p;8001p;10000p' "$WORKDIR/expected" | paste -sd'|')"

start=$SECONDS
cut -d' ' -f1 "$WORKDIR/expected" | sf_exec timeout 60 python3 tests/stub/probe.py \
	--timeout 2 --parallel 2000 | sort >"$WORKDIR/seen"
took=$((SECONDS - start))
echo "# probed 10,000 addresses over HTTP in ${took}s"
check_eq "every address answered as scripted (HTTP probe)" "" \
	"$(sort "$WORKDIR/expected" | diff - "$WORKDIR/seen" | head -5)"
check_eq "HTTP outcomes by kind" "4000 200|2000 500|2000 refused|2000 timeout" \
	"$(awk '{print $2}' "$WORKDIR/seen" | sort | uniq -c | awk '{print $1, $2}' | paste -sd'|')"
if [ "$took" -le 30 ]; then ok "10,000 HTTP probes within 30 s"; else fail "10,000 HTTP probes within 30 s (${took}s)"; fi
check_eq "the farm read 6,000 requests" 6000 "$(sf_stat requests)"

# The same from a TCP_CHECK's point of view: connect only.
cut -d' ' -f1 "$WORKDIR/expected" | sf_exec timeout 60 python3 tests/stub/probe.py \
	--tcp --timeout 2 --parallel 2000 | awk '{print $2}' | sort | uniq -c | awk '{print $1, $2}' | paste -sd'|' >"$WORKDIR/tcp"
check_eq "TCP connect outcomes by kind" "6000 open|2000 refused|2000 timeout" "$(cat "$WORKDIR/tcp")"
# Each probe makes one SYN; blackholed ones may be retransmitted by the kernel.
syns=$(sf_stat syns)
if [ "$syns" -ge 20000 ]; then ok "the farm saw a SYN from every probe ($syns)"; else fail "the farm saw a SYN from every probe ($syns < 20000)"; fi
sleep 1.5
check_eq "no connection left open in the farm" 0 "$(sf_stat connections)"
check_eq "the farm is still running" 0 "$(kill -0 "$SF_PID" 2>/dev/null; echo $?)"
