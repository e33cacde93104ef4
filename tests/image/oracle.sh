#!/bin/bash
# oracle.sh - the expected table of the image boot test: runs
# tests/image/expected.cmds with the real ipvsadm and prints ipvsadm -Ln.
# Runs inside tests/vm/vm-run.sh (Debian's x86_64 kernel with IPVS).
# Usage: tests/image/oracle.sh CMDS
ipvsadm -C || exit 1
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	read -r -a words <<<"$line"
	ipvsadm "${words[@]}" || { echo "oracle.sh: ipvsadm $line failed" >&2; exit 1; }
done <"$1"
ipvsadm -Ln
