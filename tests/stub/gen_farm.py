#!/usr/bin/env python3
"""gen_farm.py - writes a matching stub farm script and keepalived-style
config for the checkd scale test and benchmark, plus the state each real
server must end in.

usage: gen_farm.py DIR --servers N [--check tcp|http|mixed] [--mix healthy|faults]
                   [--delay-loop S] [--per-vs N] [--flip]

DIR/farm.script   behaviours for 10.201.0.1 onwards
DIR/checkd.conf   includes DIR/vs-K.conf: virtual servers 10.100.0.K:80,
                  --per-vs real servers each; with --check mixed, even
                  virtual servers use HTTP_GET and odd ones TCP_CHECK
DIR/expected      "ADDR:80 up|down" per real server
--flip writes the second phase of the scale test instead: a fifth of the
refusing servers healthy again and as many healthy ones refusing (one
each per 100 servers).
"""
import argparse
import os

# Behaviour by position in a cycle of 20 addresses (--mix faults): what the
# farm does there, and whether a TCP_CHECK and an HTTP_GET (status 200,
# connect_timeout 2 s) must find the server up.
FAULT_CYCLE = (
    [("healthy", True, True)] * 12
    + [("refuse", False, False)] * 2
    + [("blackhole", False, False)] * 2
    + [("status 500", True, False),
       ("slow", True, False),
       ("reset 10", True, False),
       ("lag 300ms", True, True)]
)


def address(i):
    n = 1 + i  # 10.201.0.1 is server 0
    return "10.201.%d.%d" % (n >> 8 & 255, n & 255) if n < 65536 else None


def behaviour(i, mix, flip):
    if mix == "healthy":
        return FAULT_CYCLE[0]
    b = FAULT_CYCLE[i % 20]
    # The flip: in every fifth cycle the refusing server at position 12
    # recovers and the healthy one at position 0 starts refusing.
    if flip and i % 20 == 12 and (i // 20) % 5 == 0:
        return FAULT_CYCLE[0]
    if flip and i % 20 == 0 and (i // 20) % 5 == 0:
        return ("refuse", False, False)
    return b


def checker(kind):
    # The timers are the virtual server's, inherited: 30,000 servers must
    # stay inside the config parser's size limits.
    if kind == "tcp":
        return [" TCP_CHECK {", " }"]
    return [" HTTP_GET {", "  url {", "   path /", "   status_code 200", "  }", " }"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--servers", type=int, required=True)
    ap.add_argument("--check", choices=("tcp", "http", "mixed"), default="mixed")
    ap.add_argument("--mix", choices=("healthy", "faults"), default="faults")
    ap.add_argument("--delay-loop", type=int, default=3)
    ap.add_argument("--timeout", type=int, default=2)
    ap.add_argument("--per-vs", type=int, default=1000)
    ap.add_argument("--flip", action="store_true")
    a = ap.parse_args()
    if a.servers > 65000 or a.per_vs < 1 or a.servers // a.per_vs > 250:
        ap.error("at most 65,000 servers (the farm's /16) in at most 250 virtual servers")
    os.makedirs(a.dir, exist_ok=True)
    script, expected = [], []
    conf = ["global_defs {", "    router_id farm", "}",
            "include %s/vs-*.conf" % os.path.abspath(a.dir)]
    for old in os.listdir(a.dir):
        if old.startswith("vs-") and old.endswith(".conf"):
            os.unlink(os.path.join(a.dir, old))
    vs_lines = []
    for i in range(a.servers):
        vs = i // a.per_vs
        kind = a.check if a.check != "mixed" else ("http" if vs % 2 == 0 else "tcp")
        if i % a.per_vs == 0:
            vs_lines = ["virtual_server 10.100.0.%d 80 {" % (vs + 1),
                        "    delay_loop %d" % a.delay_loop,
                        "    lb_algo rr",
                        "    lb_kind DR",
                        "    protocol TCP",
                        "    connect_timeout %d" % a.timeout,
                        "    retry 1",
                        "    delay_before_retry 1"]
        name, tcp_up, http_up = behaviour(i, a.mix, a.flip)
        if name == "slow":
            # well past the timeout, so no race between answer and timer
            name = "slow %ds" % (a.timeout + 2)
        script.append("%s %s" % (address(i), name))
        vs_lines.append("real_server %s 80 {" % address(i))
        vs_lines += checker(kind)
        vs_lines.append("}")
        if i % a.per_vs == a.per_vs - 1 or i == a.servers - 1:
            vs_lines.append("}")
            with open(os.path.join(a.dir, "vs-%03d.conf" % vs), "w") as f:
                f.write("\n".join(vs_lines) + "\n")
        up = tcp_up if kind == "tcp" else http_up
        expected.append("%s:80 %s" % (address(i), "up" if up else "down"))
    for name, lines in (("farm.script", script), ("checkd.conf", conf), ("expected", expected)):
        with open(os.path.join(a.dir, name), "w") as f:
            f.write("\n".join(lines) + "\n")


main()
