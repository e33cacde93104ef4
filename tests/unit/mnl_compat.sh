#!/bin/bash
# mnl_compat.sh - the in-tree core/mnl.c against Debian's libmnl: the same
# program (tests/unit/mnl_compat.c), built once on each by `make dev`, must
# print the same bytes and decisions.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
dir=build/dev/mnl_compat
for v in with-libmnl with-intree; do
	if [ ! -x "$dir/$v" ]; then
		fail "mnl compat: $dir/$v not built (make dev)"
		exit 0
	fi
	if ! timeout 20 "$dir/$v" >"$dir/$v.out" 2>&1; then
		fail "mnl compat: $v exited $?"
		tail -5 "$dir/$v.out" | sed 's/^/#   /'
		exit 0
	fi
done
lines=$(wc -l <"$dir/with-libmnl.out")
if [ "$lines" -lt 200 ]; then
	fail "mnl compat: the libmnl run printed only $lines lines"
elif diff "$dir/with-libmnl.out" "$dir/with-intree.out" >"$dir/diff"; then
	ok "mnl compat: in-tree mnl.c prints the same $lines lines as libmnl"
else
	fail "mnl compat: in-tree mnl.c differs from libmnl"
	head -20 "$dir/diff" | sed 's/^/#   /'
fi
