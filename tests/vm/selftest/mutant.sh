#!/bin/bash
# mutant.sh - the real ipvsadm with one deliberate defect, chosen by
# PARITY_MUTANT, to prove the parity runner notices each kind of difference.
# Installed as "ipvsadm" in a directory put first in PATH.
real=/usr/sbin/ipvsadm
case ${PARITY_MUTANT:-} in
weight)	# programs a different weight than asked
	args=()
	for a in "$@"; do [ "$a" = 2 ] && a=3; args+=("$a"); done
	exec -a ipvsadm "$real" "${args[@]}" ;;
listing) # lists one word differently; the kernel table is right
	exec -a ipvsadm "$real" "$@" | sed 's/Masq/MASQ/' ;;
status) # exits 0 whatever happened
	(exec -a ipvsadm "$real" "$@"); exit 0 ;;
stdin)	# never reads its standard input
	exec -a ipvsadm "$real" "$@" </dev/null ;;
*)	exec -a ipvsadm "$real" "$@" ;;
esac
