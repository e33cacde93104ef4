#!/usr/bin/python3
"""http_tally.py - the client side of the vm traffic tests (tests/vm/t_traffic_*.sh).

Each web server behind a virtual IP answers GET / with its own identity (one
line). This client makes plain HTTP/1.0 requests, one TCP connection each,
and prints who answered, so that a test can count the scheduler's choices.
One process makes all the requests: under qemu's TCG a curl per request
costs far more than the request itself.

  http_tally.py get HOST PORT [--src ADDR,...] [--count N] [--timeout S]
      (S default 10)
      N rounds (default 1); in each round one request from every source
      address in turn (default: the kernel's choice). One line per request:
      "SRC ANSWER", ANSWER being the body's first line or ERR:reason.

  http_tally.py stream HOST PORT --seconds S [--stop-file F] [--timeout T]
                       [--pause MS]
      Requests one after another until S seconds have passed or file F
      exists. One line per request: "START_MS END_MS ANSWER", wall-clock
      milliseconds, so that the test can put them beside its own events.
"""
import argparse
import os
import socket
import sys
import time


def request(host, port, src, timeout):
    """One GET / on a fresh connection; the body's first line or ERR:reason.
    HOST and SRC may be IPv6 addresses."""
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    except OSError as e:
        return "ERR:socket:%s" % e.errno
    try:
        sock.settimeout(timeout)
        if src:
            sock.bind((src, 0))
        sock.connect((host, port))
        name = "[%s]" % host if ":" in host else host
        sock.sendall(b"GET / HTTP/1.0\r\nHost: %s\r\n\r\n" % name.encode())
        data = b""
        while len(data) < 65536:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        return "ERR:timeout"
    except OSError as e:
        return "ERR:%s" % (os.strerror(e.errno) if e.errno else type(e).__name__).replace(" ", "_")
    finally:
        sock.close()
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return "ERR:no_header_end"
    status = head.split(b"\r\n", 1)[0].split()
    if len(status) < 2 or status[1] != b"200":
        return "ERR:status_%s" % (status[1].decode(errors="replace") if len(status) > 1 else "none")
    line = body.decode(errors="replace").strip().split("\n", 1)[0].strip()
    return line if line else "ERR:empty_body"


def cmd_get(args):
    sources = args.src.split(",") if args.src else [""]
    for _ in range(args.count):
        for src in sources:
            print("%s %s" % (src or "-", request(args.host, args.port, src, args.timeout)), flush=False)
    sys.stdout.flush()


def cmd_stream(args):
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        if args.stop_file and os.path.exists(args.stop_file):
            break
        start = int(time.time() * 1000)
        answer = request(args.host, args.port, "", args.timeout)
        end = int(time.time() * 1000)
        print("%d %d %s" % (start, end, answer), flush=True)
        if args.pause:
            time.sleep(args.pause / 1000.0)


def main():
    p = argparse.ArgumentParser(description="HTTP requests through a virtual IP, one connection each")
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("get")
    g.add_argument("host")
    g.add_argument("port", type=int)
    g.add_argument("--src", default="")
    g.add_argument("--count", type=int, default=1)
    # Long enough for a SYN lost to a starved guest and sent again (TCP
    # retries after 1 s, then 3 s more): a request that counts must not
    # fail for the test bed's sake. Tests expecting no answer pass their own.
    g.add_argument("--timeout", type=float, default=10.0)
    s = sub.add_parser("stream")
    s.add_argument("host")
    s.add_argument("port", type=int)
    s.add_argument("--seconds", type=float, required=True)
    s.add_argument("--stop-file", default="")
    s.add_argument("--timeout", type=float, default=1.0)
    s.add_argument("--pause", type=int, default=0)
    args = p.parse_args()
    if args.cmd == "get":
        if args.count < 1 or args.count > 10000:
            p.error("--count must be 1..10000")
        cmd_get(args)
    else:
        if args.seconds <= 0 or args.seconds > 600:
            p.error("--seconds must be in (0, 600]")
        cmd_stream(args)


if __name__ == "__main__":
    main()
