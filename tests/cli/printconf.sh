#!/bin/bash
# printconf.sh - `-t -v` prints the config back in canonical form (the
# printer's unit test checks the model; this checks the command line): for
# every fixture and example, the daemons' print is a config they accept, and
# printing that print again gives the same bytes. -v alone is the version,
# as keepalived's -v is.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh
bin=$(dirname "$LVSBOX")/bin
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for conf in tests/fixtures/keepalived/*.conf configs/*.conf; do
	name=$(basename "$conf")
	for daemon in lvsd vrrpd checkd; do
		"$bin/$daemon" -t -v -f "$conf" >"$tmp/a.conf" 2>/dev/null
		rc=$?
		if [ "$rc" != 0 ] && [ "$rc" != 5 ] && [ "$rc" != 6 ]; then
			fail "$daemon -t -v $name: exit $rc"; continue
		fi
		"$bin/$daemon" -t -v -f "$tmp/a.conf" >"$tmp/b.conf" 2>"$tmp/b.err"
		rc=$?
		if [ "$rc" = 3 ] || ! grep -q . "$tmp/a.conf"; then
			fail "$daemon -t -v $name: the print is refused or empty"; sed 's/^/#   /' "$tmp/b.err" | head -5
		elif cmp -s "$tmp/a.conf" "$tmp/b.conf"; then
			ok "$daemon -t -v $name: accepted, and printed again byte for byte"
		else
			fail "$daemon -t -v $name: a second print differs"; diff "$tmp/a.conf" "$tmp/b.conf" | head -10 | sed 's/^/#   /'
		fi
	done
done
for daemon in lvsd keepalived vrrpd checkd; do
	check_eq "$daemon -v prints the version" "$daemon (lvsbox) $("$LVSBOX" --version | cut -d' ' -f2)" "$("$bin/$daemon" -v)"
done
