#!/bin/bash
# run.sh - `make bench`: lvsctl against ipvsadm on a 10,000-service table
# inside a qemu guest (tests/bench/bench-guest.sh), then the binary sizes.
# Prints times and ratios; no timing is asserted.
cd "$(dirname "$0")/../.." || exit 2
make -s -j2 all || exit 2
VM_ENV="SERVICES AFTER_FLUSH" VM_TIMEOUT=${VM_TIMEOUT:-1800} tests/vm/vm-run.sh tests/bench/bench-guest.sh
rc=$?
echo
echo "make size:"
make -s --no-print-directory size
exit $rc
