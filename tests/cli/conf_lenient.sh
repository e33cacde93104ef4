#!/bin/bash
# conf_lenient.sh - configs keepalived 2.2.7 runs with a warning
# (tests/unit/conf/lenient/) are accepted by the daemons too: `-t` exits 5
# (warnings) with the expected "file:line: reason", and `-t -v` shows the
# model meaning what keepalived makes of the line. Line 1 of each file is
# "# expect: LINE: reason"; each "# model: HEADER: LINE" says that the block
# printed as "HEADER {" holds LINE. The print loads clean and prints again
# byte for byte. keepalived's own verdict on the files is tests/cli/conf_oracle.sh.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
bin=$(dirname "$LVSBOX")/bin
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# The lines of the top-level block "HEADER {" of a canonical print, unindented.
block_of() {
	awk -v head="$1 {" '$0 == head { on = 1; next } on && /^}$/ { on = 0 } on { sub(/^ +/, ""); print }' "$2"
}

for conf in tests/unit/conf/lenient/*.conf; do
	name=$(basename "$conf")
	daemon=$(sed -n 's/^# daemon: //p' "$conf"); daemon=${daemon:-lvsd}
	"$bin/$daemon" -t -v -f "$conf" >"$tmp/a.conf" 2>"$tmp/a.err"
	check_eq "$daemon -t $name: accepted with warnings" 5 $?
	want="$conf:$(sed -n '1s/^# expect: //p' "$conf")"
	if grep -qxF -- "$want" "$tmp/a.err"; then ok "$daemon -t $name: warns '$want'"
	else fail "$daemon -t $name: no '$want'"; sed 's/^/#   /' "$tmp/a.err" | head -5; fi
	while IFS= read -r spec; do
		head=${spec%%: *} line=${spec#*: }
		if block_of "$head" "$tmp/a.conf" | grep -qxF -- "$line"; then ok "$daemon -t -v $name: '$head' has '$line'"
		else fail "$daemon -t -v $name: '$head' lacks '$line'"; block_of "$head" "$tmp/a.conf" | sed 's/^/#   /' | head -20; fi
	done < <(sed -n 's/^# model: //p' "$conf")
	"$bin/$daemon" -t -v -f "$tmp/a.conf" >"$tmp/b.conf" 2>"$tmp/b.err"
	check_eq "$daemon -t -v $name: the print loads clean" 0 $?
	if cmp -s "$tmp/a.conf" "$tmp/b.conf"; then ok "$daemon -t -v $name: printed again byte for byte"
	else fail "$daemon -t -v $name: a second print differs"; diff "$tmp/a.conf" "$tmp/b.conf" | head -10 | sed 's/^/#   /'; fi
done
