#!/bin/bash
# demo.sh - `make demo`: seed 004's VS/NAT experiment (client, director, two
# web servers, lvsctl programming IPVS) inside a qemu guest whose kernel has
# IPVS. The guest side is tests/vm/demo-guest.sh; exit 0 when it all checks out.
cd "$(dirname "$0")/../.." || exit 2
[ -x build/x86_64/lvsbox ] || make -s -j2 all || exit 2
VM_ENV="REQUESTS" VM_TIMEOUT=${VM_TIMEOUT:-300} exec tests/vm/vm-run.sh tests/vm/demo-guest.sh
