#!/usr/bin/env python3
"""mapsum.py - where the bytes of a linked lvsbox go, from ld's map file.

Usage: toolchain/mapsum.py MAP [N]
  MAP  written by `make ARCH=... MAP=1` (build/<arch>/lvsbox.map)
  N    also list the N largest objects
Sums the allocated input sections per component: musl, libgcc, each mbedTLS
library, and our code by directory (applets, platform, core/<layer>).
text is .text/.init/.fini, bss is .bss/.sbss, data everything else that is
allocated (.rodata, .data, .data.rel.ro, .got, ...). docs/size.md has tables
made with it.
"""
import collections
import re
import sys

FILE_ONLY = ('.comment', '.debug', '.symtab', '.strtab', '.shstrtab', '.gnu.attributes',
             '.mdebug', '.pdr', '.note.GNU-stack', '.ARM.attributes', '/DISCARD/', '.reginfo')


def component(path):
    for lib, name in (('libmbedtls.a', 'mbedTLS ssl'), ('libmbedx509.a', 'mbedTLS x509'),
                      ('libmbedcrypto.a', 'mbedTLS crypto'), ('libc.a', 'musl libc'),
                      ('libgcc', 'libgcc'), ('softfp', 'libgcc')):
        if lib in path:
            return name
    m = re.search(r'/obj/(applets|platform|core/check/tls|core/\w+)/', path)
    return 'ours: ' + m.group(1) if m else 'crt files, linker'


def main():
    lines = open(sys.argv[1]).read().split('\n')
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    start = next(i for i, l in enumerate(lines) if l.startswith('Linker script and memory map'))
    sums, objs = collections.Counter(), collections.Counter()
    out = pending = None
    for line in lines[start:]:
        m = re.match(r'^(\.\S+|/DISCARD/)\s', line)
        if m:
            out = m.group(1)
            continue
        m = re.match(r'^ (\.\S+|COMMON)\s*$', line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r'^ (\.\S+|COMMON)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$', line)
        if not m or out is None or out.startswith(FILE_ONLY):
            continue
        pending, size, path = None, int(m.group(2), 16), m.group(3)
        if not size:
            continue
        kind = 'bss' if out in ('.bss', '.sbss', '.tbss') else 'text' if out in ('.text', '.init', '.fini') else 'data'
        comp = component(path)
        sums[comp, kind] += size
        if kind != 'bss':
            objs[comp, re.sub(r'^.*/', '', path)] += size
    comps = sorted({c for c, _ in sums}, key=lambda c: -(sums[c, 'text'] + sums[c, 'data']))
    print('%-22s %9s %9s %9s %9s' % ('component', 'text', 'data', 'total', 'bss'))
    for c in comps + ['all']:
        t = sum(v for (k, kind), v in sums.items() if kind == 'text' and c in (k, 'all'))
        d = sum(v for (k, kind), v in sums.items() if kind == 'data' and c in (k, 'all'))
        b = sum(v for (k, kind), v in sums.items() if kind == 'bss' and c in (k, 'all'))
        print('%-22s %9d %9d %9d %9d' % (c, t, d, t + d, b))
    for (c, o), v in objs.most_common(top):
        print('  %-20s %-36s %8d' % (c, o, v))


main()
