#!/usr/bin/python3
"""ns_tables.py - watches the IPVS tables of many network namespaces from one
process (tests/vm/t_conf_sweep.sh): under qemu's TCG a process per namespace
and reading costs seconds, this costs a setns(2) and a read of the kernel's
own listing, /proc/net/ip_vs (one line per service and per real server after
three header lines, so as many as `ipvsadm -S -n` prints).

  ns_tables.py wait SECONDS FARM_LOG SPEC...
      SPEC is NS=LINES=SRC=LISTENER,... . Polls every half second until every
      NS is settled or SECONDS have passed: its table has LINES lines and
      FARM_LOG (tests/vm/farm.py's) holds at least two probes from SRC of
      every LISTENER (ADDR:PORT); LINES "*": two readings a second apart
      agree on a non-zero count. Prints "NS settled after S s" per namespace
      and "NS not settled: N lines, probes ..." for each left; exit 0 when
      all settled.
  ns_tables.py count NS...
      "NS N" per namespace: the lines its table has now.
"""
import collections
import ctypes
import os
import sys
import time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def table_lines(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + ns)
    finally:
        os.close(fd)
    with open("/proc/self/net/ip_vs") as f:
        return max(0, len(f.readlines()) - 3)


def probes(path):
    seen = collections.Counter()
    try:
        with open(path) as f:
            for line in f:
                seen[line.strip()] += 1
    except OSError:
        pass
    return seen


def wait(seconds, farm_log, specs):
    start = time.monotonic()
    pending = {}
    for spec in specs:
        ns, lines, src, listeners = spec.split("=")
        pending[ns] = (lines, src, [l for l in listeners.split(",") if l])
    last = {}
    while pending and time.monotonic() - start < seconds:
        seen = probes(farm_log)
        for ns, (lines, src, listeners) in list(pending.items()):
            have = table_lines(ns)
            if lines == "*":
                done = have > 0 and last.get(ns) == have
                last[ns] = have
            else:
                done = have == int(lines) and all(seen["%s %s" % (src, l)] >= 2 for l in listeners)
            if done:
                print("%s settled after %.0f s" % (ns, time.monotonic() - start), flush=True)
                del pending[ns]
        if pending:
            time.sleep(1 if any(v[0] == "*" for v in pending.values()) else 0.5)
    seen = probes(farm_log)
    for ns, (lines, src, listeners) in pending.items():
        print("%s not settled: %d lines (want %s), probes from %s: %s" % (
            ns, table_lines(ns), lines, src,
            " ".join("%s=%d" % (l, seen["%s %s" % (src, l)]) for l in listeners) or "none"))
    return 0 if not pending else 1


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "wait":
        sys.exit(wait(float(sys.argv[2]), sys.argv[3], sys.argv[4:]))
    if len(sys.argv) >= 2 and sys.argv[1] == "count":
        for ns in sys.argv[2:]:
            print(ns, table_lines(ns))
        return
    sys.exit(__doc__)


if __name__ == "__main__":
    main()
