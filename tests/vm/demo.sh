#!/bin/bash
# demo.sh - `make demo`: seed 000's LVS-DR high-availability cluster (two
# directors with lvsd and vrrpd, two web servers prepared with rsctl, one
# client) inside a qemu guest whose kernel has IPVS, told as a timeline while
# a web server stops and the master director dies. The guest side is
# tests/vm/demo-guest.sh; exit 0 when every step behaved as it should.
cd "$(dirname "$0")/../.." || exit 2
echo "demo: building build/x86_64/lvsbox (make -j2 all)"
make -s -j2 all || exit 2
echo "demo: booting Debian's kernel in qemu, the cluster inside it"
VM_ENV="DEMO_BIN DEMO_CONFIGS" VM_TIMEOUT=${VM_TIMEOUT:-300} exec tests/vm/vm-run.sh tests/vm/demo-guest.sh
