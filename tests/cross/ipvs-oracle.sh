#!/bin/bash
# ipvs-oracle.sh - runs tests/cross/ipvs-commands with the real ipvsadm and
# prints the same marked transcript as malta_init.c does in the mipsel guest.
# Runs inside tests/vm/vm-run.sh (x86_64 kernel with IPVS).
# Usage: tests/cross/ipvs-oracle.sh COMMANDS
mark=@@lvsbox@@
echo "$mark init started"
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	echo "$mark begin $line"
	read -r -a words <<<"$line"
	case "${words[0]}" in
	cat) cat "${words[1]}" 2>&1 ;;
	lvsctl) ipvsadm "${words[@]:1}" 2>&1 ;;
	*) echo "ipvs-oracle.sh: unknown command ${words[0]}"; false ;;
	esac
	echo "$mark end rc=$?"
done <"$1"
echo "$mark done"
