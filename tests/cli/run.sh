#!/bin/bash
# CLI suite: runs every tests/cli/*.sh but this one against the multi-call
# binary (LVSBOX, default build/x86_64/lvsbox, built with make if missing).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
toolchain/deps.sh cli || die_suite "cli: cannot install the real ipvsadm (the oracle)"
export LVSBOX=${LVSBOX:-build/x86_64/lvsbox}
if [ ! -x "$LVSBOX" ]; then
	make -j2 >/dev/null || die_suite "cli: make failed, no $LVSBOX"
fi
[ -x "$LVSBOX" ] || die_suite "cli: $LVSBOX missing"
rc=0
for script in tests/cli/*.sh; do
	[ "$script" = tests/cli/run.sh ] && continue
	echo "# $script"
	bash "$script" || { echo "# $script exited $?"; rc=1; }
done
exit $rc
