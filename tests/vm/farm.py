#!/usr/bin/python3
"""farm.py - the real servers of tests/vm/t_conf_sweep.sh, all in one process.

Every health checker a config names gets an answer it takes for healthy, on
whatever address and port the config gives: the test puts the addresses on
the farm namespace's lo and starts this once, with one SPEC per listener:

  farm.py LOG CERT KEY SPEC...     SPEC is ADDR:PORT:KIND, KIND one of
    tcp    accepts; a request that comes is answered as http (TCP_CHECK)
    http   HTTP/1.0 200 with the body "ok" for any path (HTTP_GET)
    tls    the same inside TLS with CERT/KEY (SSL_GET)
    smtp   220 greeting, 250 to each command, 221 to QUIT (SMTP_CHECK)
    dns    a UDP DNS server answering every query for an A record (DNS_CHECK)
    udp    takes datagrams and says nothing (UDP_CHECK without a reply)

Each SYN to a TCP listener (seen on a raw socket: checkd's TCP_CHECK sends a
SYN and resets the connection at the SYN-ACK, so nothing is ever accepted)
and each datagram adds the line "SRC ADDR:PORT" to LOG, so that the test can
count the probes each director made of each listener.
"""
import socket
import ssl
import struct
import sys
import threading

log_lock = threading.Lock()
HTTP_OK = (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
           b"Content-Length: 3\r\nConnection: close\r\n\r\nok\n")


def note(log, src, addr, port):
    with log_lock:
        log.write("%s %s:%d\n" % (src, addr, port))
        log.flush()


def read_request(conn):
    """Reads up to the end of an HTTP request head; False on EOF before it."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            return False
        data += chunk
    return True


def serve_smtp(conn):
    conn.sendall(b"220 farm ESMTP\r\n")
    buf = b""
    while True:
        chunk = conn.recv(4096)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if line.strip().upper().startswith(b"QUIT"):
                conn.sendall(b"221 bye\r\n")
                return
            conn.sendall(b"250 farm\r\n")


def handle(conn, kind, tls_ctx):
    try:
        conn.settimeout(5)
        if kind == "tls":
            conn = tls_ctx.wrap_socket(conn, server_side=True)
        if kind == "smtp":
            serve_smtp(conn)
        elif read_request(conn):
            conn.sendall(HTTP_OK)
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


def tcp_listener(log, addr, port, kind, tls_ctx):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(64)

    def loop():
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=handle, args=(conn, kind, tls_ctx), daemon=True).start()
    return loop


def syn_watcher(log, listening):
    """Notes every SYN (without ACK) to a TCP listener."""
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)

    def loop():
        while True:
            pkt = raw.recv(65535)
            ihl = (pkt[0] & 0x0F) * 4
            if len(pkt) < ihl + 14:
                continue
            dst = socket.inet_ntoa(pkt[16:20])
            dport = struct.unpack("!H", pkt[ihl + 2:ihl + 4])[0]
            flags = pkt[ihl + 13]
            if flags & 0x12 == 0x02 and (dst, dport) in listening:
                note(log, socket.inet_ntoa(pkt[12:16]), dst, dport)
    return loop


def dns_answer(query):
    """An answer with one A record (192.0.2.1) to a one-question query; None
    for anything else."""
    if len(query) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", query[:6])
    if flags & 0x8000 or qdcount != 1:
        return None
    pos = 12
    while pos < len(query) and query[pos]:
        pos += 1 + query[pos]
    end = pos + 5
    if end > len(query):
        return None
    header = struct.pack("!HHHHHH", qid, 0x8180 | (flags & 0x0100), 1, 1, 0, 0)
    record = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + bytes([192, 0, 2, 1])
    return header + query[12:end] + record


def udp_listener(log, addr, port, kind):
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind((addr, port))

    def loop():
        while True:
            data, peer = srv.recvfrom(65535)
            note(log, peer[0], addr, port)
            reply = dns_answer(data) if kind == "dns" else None
            if reply:
                srv.sendto(reply, peer)
    return loop


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    log = open(sys.argv[1], "a")
    tls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls_ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    loops, listening = [], set()
    for spec in sys.argv[4:]:
        addr, port, kind = spec.split(":")
        port = int(port)
        if kind in ("dns", "udp"):
            loops.append(udp_listener(log, addr, port, kind))
        elif kind in ("tcp", "http", "tls", "smtp"):
            loops.append(tcp_listener(log, addr, port, kind, tls_ctx))
            listening.add((addr, port))
        else:
            sys.exit("farm.py: unknown kind in %s" % spec)
    loops.append(syn_watcher(log, listening))
    for loop in loops:
        threading.Thread(target=loop, daemon=True).start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
