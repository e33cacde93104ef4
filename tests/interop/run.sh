#!/bin/bash
# Interop suite: vrrpd against Debian's keepalived as its VRRP peer in
# network namespaces, and tshark's VRRP dissector as the judge of our packets.
# Runs every tests/interop/t_*.sh; each prints its own ok / not ok lines.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
[ "$(id -u)" = 0 ] || die_suite "interop: needs root for network namespaces"
toolchain/deps.sh interop || die_suite "interop: cannot install keepalived/tshark"
[ -n "$NET_NO_BUILD" ] || make -s -j2 all >/dev/null || die_suite "interop: make failed"
shopt -s nullglob
run_scripts 240 "" tests/interop/t_*.sh
