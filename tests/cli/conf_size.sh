#!/bin/bash
# conf_size.sh - how big a config may be (docs/config.md, "Bounds"): a file
# just over the old 1 MiB cap, a large keepalived.conf of real servers, is
# accepted by `lvsd -t` as by keepalived -t (the judge); a file over the
# per-file cap (64 MiB) and includes that add up to more than the whole
# config's cap (128 MiB) are refused at once with "file:line: reason" and
# exit 3, before anything is read (the big files are sparse: nothing to read).
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
toolchain/deps.sh conf || die_suite "conf size: cannot install keepalived"
bin=$(dirname "$LVSBOX")/bin
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# About 1.1 MB: 700 virtual servers, 11,000 real servers with TCP_CHECK.
VS=700 RS=11000 tests/bench/scale_conf.sh "$tmp/over1m.conf"
size=$(stat -c %s "$tmp/over1m.conf")
if [ "$size" -gt 1048576 ] && [ "$size" -lt 1300000 ]; then ok "conf size: the generated file is just over 1 MiB ($size bytes)"
else fail "conf size: the generated file is $size bytes, not just over 1 MiB"; fi
timeout 60 keepalived -t -f "$tmp/over1m.conf" >"$tmp/k.out" 2>&1
check_eq "conf size: keepalived -t accepts the $size-byte file" 0 $?
"$bin/lvsd" -t -f "$tmp/over1m.conf" >"$tmp/o.out" 2>&1
check_eq "conf size: lvsd -t accepts the $size-byte file" 0 $?
if [ ! -s "$tmp/o.out" ]; then ok "conf size: lvsd -t says nothing about it"
else fail "conf size: lvsd -t printed"; head -5 "$tmp/o.out" | sed 's/^/#   /'; fi

# One byte over the per-file cap.
truncate -s $((64 * 1024 * 1024 + 1)) "$tmp/huge.conf"
"$bin/lvsd" -t -f "$tmp/huge.conf" >"$tmp/o.out" 2>&1
check_eq "conf size: a file of 64 MiB + 1 byte is an error" 3 $?
check_eq "conf size: ... saying which file and the cap" \
	"$tmp/huge.conf:1: '$tmp/huge.conf' is too big: 67108865 bytes (max 67108864 bytes per file)" "$(cat "$tmp/o.out")"

# The same file included: the error is on the include line.
mkdir "$tmp/inc"
printf 'global_defs {\n  router_id a\n}\ninclude huge.conf\n' >"$tmp/inc/main.conf"
mv "$tmp/huge.conf" "$tmp/inc/huge.conf"
"$bin/lvsd" -t -f "$tmp/inc/main.conf" >"$tmp/o.out" 2>&1
check_eq "conf size: an included file over 64 MiB is an error" 3 $?
check_eq "conf size: ... on the include line" \
	"$tmp/inc/main.conf:4: '$tmp/inc/huge.conf' is too big: 67108865 bytes (max 67108864 bytes per file)" "$(cat "$tmp/o.out")"
rm "$tmp/inc/huge.conf"

# Three files of 50 MiB each: each within its cap, 150 MiB together.
for i in 1 2 3; do truncate -s $((50 * 1024 * 1024)) "$tmp/inc/part$i.conf"; done
printf 'include part*.conf\n' >"$tmp/inc/main.conf"
"$bin/lvsd" -t -f "$tmp/inc/main.conf" >"$tmp/o.out" 2>&1
check_eq "conf size: includes adding up to 150 MiB are an error" 3 $?
# the including file's own bytes count too
total=$((3 * 50 * 1024 * 1024 + $(stat -c %s "$tmp/inc/main.conf")))
check_eq "conf size: ... on the include line, before any is read" \
	"$tmp/inc/main.conf:1: configuration too big with 'part*.conf': $total bytes (max 134217728 bytes with includes)" "$(cat "$tmp/o.out")"
