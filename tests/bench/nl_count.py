#!/usr/bin/python3
# nl_count.py - counts the IPVS netlink requests a daemon sends, for the lvsd
# benchmark (tests/bench/lvsd_scale.sh). Reads every netlink message that goes
# to the kernel in this network namespace from an nlmon device, so the count
# is the kernel's view whatever library the daemon uses.
#
# Usage: nl_count.py IFACE FAMILY_ID [PID]
#   IFACE      an nlmon device that is up
#   FAMILY_ID  the generic netlink family number of IPVS (genl ctrl get name IPVS)
#   PID        when given, gets SIGHUP once the capture runs
# Prints "ready" when capturing; stops on SIGTERM or SIGINT and prints one line:
#   sends=N requests=N changes=N reads=N first_change_ms=X last_change_ms=X cmds=C:N,...
# sends: datagrams (sendmsg calls) with at least one IPVS message; requests:
# IPVS messages; changes: those that add, edit or delete; reads: the others
# (GET, dumps); cmds: the count of each IPVS command number (linux/ip_vs.h),
# which tells a daemon's changes from the reads of whoever polls the table.
# Times: from the SIGHUP (or the start) to the change's arrival.
import ctypes
import os
import signal
import socket
import struct
import sys
import time

# nlmon marks a message on its way to the kernel PACKET_OUTGOING (6.1) or
# PACKET_KERNEL (kernels that tell the direction that way). Debian's 6.1
# marks the kernel's answers PACKET_OUTGOING too, and IPVS answers a dump
# with NEW_SERVICE and NEW_DEST messages, so only a message flagged as a
# request counts.
TO_KERNEL = {4, 7}
NLM_F_REQUEST = 0x1
ETH_P_ALL = 0x0003
# IPVS_CMD_NEW_SERVICE, SET_SERVICE, DEL_SERVICE, NEW_DEST, SET_DEST,
# DEL_DEST, NEW_DAEMON, DEL_DAEMON, SET_CONFIG, ZERO, FLUSH (linux/ip_vs.h)
CHANGES = {1, 2, 3, 5, 6, 7, 9, 10, 12, 16, 17}


SO_ATTACH_FILTER = 26
SKF_AD_PKTTYPE = -0x1000 + 4


def to_kernel_filter():
    # classic BPF: load the packet type; accept 4 or 7, else drop
    code = [(0x20, 0, 0, SKF_AD_PKTTYPE & 0xffffffff),   # ld [pkttype]
            (0x15, 2, 0, 4),                              # jeq 4 -> accept
            (0x15, 1, 0, 7),                              # jeq 7 -> accept
            (0x06, 0, 0, 0),                              # ret 0
            (0x06, 0, 0, 0x40000)]                        # ret 256 KiB
    prog = b"".join(struct.pack("=HBBI", *c) for c in code)
    buf = ctypes.create_string_buffer(prog)
    fprog = struct.pack("=HxxxxxxQ", len(code), ctypes.addressof(buf))
    to_kernel_filter.keep = buf
    return fprog


def main():
    ifname, family = sys.argv[1], int(sys.argv[2], 0)
    pid = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    # Only what goes to the kernel reaches the socket: the dump answers
    # coming back would fill its buffer and push requests out.
    s.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, to_kernel_filter())
    s.bind((ifname, 0))
    s.settimeout(0.2)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    sends = requests = changes = 0
    first = last = None
    seen = {}
    cmds = {}
    print("ready", flush=True)
    t0 = time.monotonic()
    if pid:
        os.kill(pid, signal.SIGHUP)
    while not stop:
        try:
            data, addr = s.recvfrom(1 << 20)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        now = time.monotonic()
        seen[addr[2]] = seen.get(addr[2], 0) + 1
        if addr[2] not in TO_KERNEL:
            continue
        off, mine = 0, 0
        while off + 20 <= len(data):
            length, mtype, flags = struct.unpack_from("=IHH", data, off)
            if length < 16:
                break
            if mtype == family and flags & NLM_F_REQUEST:
                mine += 1
                cmds[data[off + 16]] = cmds.get(data[off + 16], 0) + 1
                if data[off + 16] in CHANGES:
                    changes += 1
                    first = now if first is None else first
                    last = now
            off += (length + 3) & ~3
        requests += mine
        sends += mine > 0

    def ms(t):
        return "%.1f" % ((t - t0) * 1000) if t is not None else "-"
    by_cmd = ",".join("%d:%d" % (c, n) for c, n in sorted(cmds.items())) or "-"
    print("sends=%d requests=%d changes=%d reads=%d first_change_ms=%s last_change_ms=%s cmds=%s"
          % (sends, requests, changes, requests - changes, ms(first), ms(last), by_cmd), flush=True)
    if os.environ.get("DEBUG"):
        print("frames by packet type:", seen, flush=True)


main()
