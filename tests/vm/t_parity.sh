#!/bin/bash
# t_parity.sh - lvsctl against the real ipvsadm on every scenario: the users'
# command sequences (tests/fixtures/ipvsadm) and ours (tests/vm/parity).
. tests/lib.sh
shopt -s nullglob
scenarios=(tests/fixtures/ipvsadm/*.cmds tests/vm/parity/*.cmds)
[ ${#scenarios[@]} -gt 0 ] || die_suite "parity: no scenarios"
tests/vm/parity.sh "${scenarios[@]}"
