#!/bin/bash
# t_demo.sh - `make demo` as a test (tests/vm/demo-guest.sh, seed 000's
# LVS-DR high-availability cluster): each of its "ok: ..." lines becomes an
# ok, a "FAILED: ..." line a not ok, everything else it prints is kept as
# commentary. Bounded to 240 s; the demo takes about 90 s under TCG.
. tests/lib.sh
timeout -s TERM 240 tests/vm/demo-guest.sh 2>&1 | while IFS= read -r line; do
	if [[ $line =~ ^\ *[0-9]+\.[0-9]s\ \ ok:\ (.*)$ ]]; then
		ok "demo: ${BASH_REMATCH[1]}"
	elif [[ $line =~ ^\ *[0-9]+\.[0-9]s\ \ FAILED:\ (.*)$ ]]; then
		fail "demo: ${BASH_REMATCH[1]}"
	else
		echo "#   $line"
	fi
done
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "demo: demo-guest.sh exited $rc"
