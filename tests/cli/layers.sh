#!/bin/bash
# layers.sh - the layer rule of core/, read from the #include lines.
#
# platform/* < core/base < core/nl, core/conf < core/vrrp, core/check, core/lvs
# < core/daemon < applets. A file may include headers of its own layer or of
# a layer below it; nl and conf are siblings, as are vrrp, check and lvs, and
# siblings may not include each other. Include cycles between files are
# refused too. No exceptions list: a new file is judged by its directory.
# The rule is first shown to fail on small trees made here, so a checker that
# passes everything cannot go unnoticed.
cd "$(dirname "$0")/../.." || exit 2
. tests/lib.sh

# check_layers ROOT: prints one line per violation, exits 1 if there is any.
check_layers() {
	python3 - "$1" <<'EOF'
import os, re, sys
root = sys.argv[1]
rank = {'platform': 0, 'base': 1, 'nl': 2, 'conf': 2, 'vrrp': 3, 'check': 3,
        'lvs': 3, 'daemon': 4, 'applets': 5}

def layer_of(path):
    parts = path.split('/')
    if parts[0] == 'core' and len(parts) > 2:
        return parts[1]
    if parts[0] in ('platform', 'applets'):
        return parts[0]
    return None

files = []
for top in ('core', 'platform', 'applets'):
    for d, _, names in os.walk(os.path.join(root, top)):
        for n in names:
            if n.endswith(('.c', '.h', '.def')):
                files.append(os.path.relpath(os.path.join(d, n), root))
by_name = {}
for f in files:
    by_name.setdefault(os.path.basename(f), []).append(f)

bad = []
for name, where in by_name.items():
    if name.endswith('.h') and len(where) > 1:
        bad.append('header %s exists twice: %s' % (name, ' '.join(sorted(where))))
edges = {}
inc_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
for f in sorted(files):
    mine = layer_of(f)
    if mine not in rank:
        bad.append('%s: not in a known layer directory' % f)
        continue
    with open(os.path.join(root, f), errors='replace') as fh:
        for lineno, text in enumerate(fh, 1):
            m = inc_re.match(text)
            if not m:
                continue
            target = os.path.basename(m.group(1))
            found = by_name.get(target)
            if not found:
                bad.append('%s:%d: includes "%s", which is in no layer' % (f, lineno, m.group(1)))
                continue
            dep = found[0]
            edges.setdefault(f, []).append(dep)
            theirs = layer_of(dep)
            if theirs == mine:
                continue
            if rank[theirs] >= rank[mine]:
                kind = 'sibling' if rank[theirs] == rank[mine] else 'upward'
                bad.append('%s:%d: %s include of %s (%s from %s)' % (f, lineno, kind, dep, theirs, mine))

# Cycles between files, depth-first over the include graph.
state = {}
def visit(node, stack):
    state[node] = 1
    stack.append(node)
    for nxt in edges.get(node, []):
        if state.get(nxt) == 1:
            cycle = stack[stack.index(nxt):] + [nxt]
            bad.append('include cycle: ' + ' -> '.join(cycle))
        elif nxt not in state:
            visit(nxt, stack)
    stack.pop()
    state[node] = 2
sys.setrecursionlimit(10000)
for f in sorted(edges):
    if f not in state:
        visit(f, [])
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF
}

# A tree of a few files in the layer directories, for the self-checks.
make_tree() {
	local t=$1
	mkdir -p "$t/core/base" "$t/core/nl" "$t/core/conf" "$t/core/daemon" "$t/applets" "$t/platform/linux"
	echo '#include <stdio.h>' >"$t/core/base/log.h"
	echo '#include "compat.h"' >"$t/core/base/loop.h"
	: >"$t/platform/linux/compat.h"
	echo '#include "log.h"' >"$t/core/nl/mnl.h"
	echo '#include "log.h"' >"$t/core/conf/conf.h"
	printf '#include "mnl.h"\n#include "conf.h"\n' >"$t/core/daemon/daemon.h"
	echo '#include "daemon.h"' >"$t/applets/main.c"
}

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

make_tree "$tmp/good"
check_cmd "layers: a tree that keeps the rule passes" check_layers "$tmp/good"

make_tree "$tmp/up"
echo '#include "daemon.h"' >>"$tmp/up/core/base/log.h"
out=$(check_layers "$tmp/up")
check_eq "layers: an upward include (base -> daemon) is refused" \
	'core/base/log.h:2: upward include of core/daemon/daemon.h (daemon from base)' \
	"$(grep upward <<<"$out")"

make_tree "$tmp/sib"
echo '#include "conf.h"' >>"$tmp/sib/core/nl/mnl.h"
out=$(check_layers "$tmp/sib")
check_eq "layers: a sibling include (nl -> conf) is refused" \
	'core/nl/mnl.h:2: sibling include of core/conf/conf.h (conf from nl)' "$out"

make_tree "$tmp/cyc"
echo '#include "loop.h"' >>"$tmp/cyc/core/base/log.h"
echo '#include "log.h"' >>"$tmp/cyc/core/base/loop.h"
out=$(check_layers "$tmp/cyc")
case "$out" in
*"include cycle: core/base/log.h -> core/base/loop.h -> core/base/log.h"*)
	ok "layers: an include cycle inside one layer is refused" ;;
*) fail "layers: an include cycle inside one layer is refused"; sed "s/^/#   /" <<<"$out" ;;
esac

if out=$(check_layers .); then
	ok "layers: every #include in core/, platform/ and applets/ keeps the layer rule"
else
	fail "layers: every #include in core/, platform/ and applets/ keeps the layer rule"
	sed "s/^/#   /" <<<"$out" | head -40
fi
