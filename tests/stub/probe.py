#!/usr/bin/env python3
"""probe.py - an independent prober for the stub farm's tests: connects to
many addresses at once with the kernel's TCP (python's own sockets, no lvsbox
code) and prints one line per address: "ADDR OUTCOME", where OUTCOME is the
HTTP status code, "refused", "timeout", "reset", "eof" or "nohttp".

usage: probe.py [--port N] [--timeout S] [--parallel N] [--tcp] < addresses
--tcp stops at the connect (what a TCP_CHECK sees): "open" instead of a status.
"""
import argparse
import errno
import selectors
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--parallel", type=int, default=1000)
    ap.add_argument("--tcp", action="store_true")
    args = ap.parse_args()
    pending = [line.split()[0] for line in sys.stdin if line.strip()]
    pending.reverse()
    sel = selectors.DefaultSelector()
    live = {}  # socket -> [addr, deadline, phase, received]
    results = {}

    def finish(sock, outcome):
        addr = live.pop(sock)[0]
        sel.unregister(sock)
        sock.close()
        results[addr] = outcome

    def start(addr):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        rc = s.connect_ex((addr, args.port))
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            results[addr] = "refused" if rc == errno.ECONNREFUSED else "error"
            return
        live[s] = [addr, time.monotonic() + args.timeout, "connect", b""]
        sel.register(s, selectors.EVENT_WRITE)

    # Bounded: every socket has a deadline, and no new work appears.
    while pending or live:
        while pending and len(live) < args.parallel:
            start(pending.pop())
        for key, _ in sel.select(timeout=0.05):
            s = key.fileobj
            st = live[s]
            if st[2] == "connect":
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    finish(s, "refused" if err == errno.ECONNREFUSED else "error")
                elif args.tcp:
                    finish(s, "open")
                else:
                    s.send(b"GET / HTTP/1.0\r\nHost: farm\r\n\r\n")
                    st[2] = "read"
                    sel.modify(s, selectors.EVENT_READ)
                continue
            try:
                data = s.recv(65536)
            except ConnectionResetError:
                finish(s, "reset")
                continue
            st[3] += data
            if b"\r\n" in st[3] or not data or len(st[3]) > 4096:
                line = st[3].split(b"\r\n", 1)[0].split()
                if len(line) >= 2 and line[0].startswith(b"HTTP/"):
                    finish(s, line[1].decode("ascii", "replace"))
                else:
                    finish(s, "eof" if not st[3] else "nohttp")
        now = time.monotonic()
        for s in [s for s, st in live.items() if st[1] < now]:
            finish(s, "timeout")
    for addr, outcome in results.items():
        print(addr, outcome)


main()
