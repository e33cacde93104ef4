#!/bin/bash
# t_demo.sh - `make demo` as a test: seed 004's VS/NAT experiment with
# traffic (tests/vm/demo-guest.sh); its PASS/FAIL lines become ok/not ok and
# everything else it prints is kept as commentary.
. tests/lib.sh
tests/vm/demo-guest.sh 2>&1 | while IFS= read -r line; do
	case $line in
	"PASS: "*) ok "demo: ${line#PASS: }" ;;
	"FAIL: "*) fail "demo: ${line#FAIL: }" ;;
	*) echo "#   $line" ;;
	esac
done
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "demo: demo-guest.sh exited $rc"
