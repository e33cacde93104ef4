#!/bin/bash
# Net suite: every tests/net/t_*.sh on the host kernel in network namespaces
# (tests/net/netns.sh), against vrrpd (IMPL=keepalived runs the scenarios
# against keepalived for the reference behaviour). Each script prints its own
# ok / not ok lines; one that dies without a line counts as a failure.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
[ "$(id -u)" = 0 ] || die_suite "net: needs root for network namespaces"
toolchain/deps.sh net || die_suite "net: cannot install its packages"
[ -n "$NET_NO_BUILD" ] || make -s -j2 all >/dev/null || die_suite "net: make failed"
# The helpers the beds build on demand are built once, before scripts race to.
(. tests/net/netns.sh && nb_tools) || die_suite "net: cannot build tests/net helpers"
make -s stub >/dev/null 2>&1 || echo "# net: make stub failed; the stub farm's tests will say so"
shopt -s nullglob
SCRIPT_JOBS=${NET_JOBS:-3} run_scripts 120 "$NET_ONLY" tests/net/t_*.sh
