#!/usr/bin/python3
"""metrics_vs_ipvsadm.py - reads a Prometheus scrape with Debian's
prometheus_client parser (an independent reader of the text format) and
compares its node_ipvs_* samples with the real ipvsadm's output.

  metrics_vs_ipvsadm.py SCRAPE IPVSADM_LN IPVSADM_LN_STATS_EXACT
      exit 0 when every backend of `ipvsadm -Ln` is in the scrape with its
      weight, active and inactive connections, no other backend is, and the
      node_ipvs_*_total counters equal the sum of the services' counters of
      `ipvsadm -Ln --stats --exact` (taken after `ipvsadm -Z`).
  metrics_vs_ipvsadm.py --sample SCRAPE NAME [LABEL=VALUE...]
      prints the value of each sample NAME whose labels match.

node_exporter labels a backend (collector/ipvs_linux.go, reading
/proc/net/ip_vs): local_address, local_port, remote_address, remote_port,
proto (TCP, UDP, SCTP or FWM), local_mark (a fwmark service's mark as the
kernel prints it there, %08X; empty otherwise; a fwmark service has an
empty local_address and local_port 0).
"""
import sys
from prometheus_client.parser import text_string_to_metric_families


def samples(path):
    out = {}
    with open(path) as f:
        for fam in text_string_to_metric_families(f.read()):
            for s in fam.samples:
                out.setdefault(s.name, []).append((s.labels, s.value))
    return out


def ipvsadm_backends(path):
    # "TCP  10.0.1.1:80 rr" / "FWM  7 wlc", then "  -> 10.0.2.11:80  Masq  2  0  5"
    res, svc = {}, None
    for line in open(path):
        w = line.split()
        if not w:
            continue
        if w[0] in ("TCP", "UDP", "SCTP"):
            a, p = w[1].rsplit(":", 1)
            svc = (a.strip("[]"), p, w[0], "")
        elif w[0] == "FWM":
            svc = ("", "0", "FWM", "%08X" % int(w[1]))
        elif w[0] == "->" and svc and w[1] != "RemoteAddress:Port":
            a, p = w[1].rsplit(":", 1)
            res[(svc[0], svc[1], a.strip("[]"), p, svc[2], svc[3])] = (int(w[3]), int(w[4]), int(w[5]))
    return res


def ipvsadm_service_totals(path):
    # "TCP  10.0.1.1:80  CONNS INPKTS OUTPKTS INBYTES OUTBYTES"
    tot = [0] * 5
    for line in open(path):
        w = line.split()
        if w and w[0] in ("TCP", "UDP", "SCTP", "FWM"):
            for i in range(5):
                tot[i] += int(w[2 + i])
    return tot


def compare(scrape, ln, stats):
    fams = samples(scrape)
    want = ipvsadm_backends(ln)
    got = {}
    names = ["node_ipvs_backend_weight", "node_ipvs_backend_connections_active",
             "node_ipvs_backend_connections_inactive"]
    for i, n in enumerate(names):
        for labels, v in fams.get(n, []):
            key = (labels["local_address"], labels["local_port"], labels["remote_address"],
                   labels["remote_port"], labels["proto"], labels["local_mark"])
            got.setdefault(key, [None] * 3)[i] = int(v)
    got = {k: tuple(v) for k, v in got.items()}
    bad = 0
    if got != want:
        print("# backends differ:\n#   ipvsadm: %r\n#   scrape:  %r" % (sorted(want.items()), sorted(got.items())))
        bad = 1
    tot = ipvsadm_service_totals(stats)
    names = ["node_ipvs_connections", "node_ipvs_incoming_packets", "node_ipvs_outgoing_packets",
             "node_ipvs_incoming_bytes", "node_ipvs_outgoing_bytes"]
    for i, n in enumerate(names):
        # the parser gives a counter's sample as NAME_total
        v = fams.get(n + "_total", [(None, None)])[0][1]
        if v is None or int(v) != tot[i]:
            print("# %s_total: scrape %r, ipvsadm's services sum to %d" % (n, v, tot[i]))
            bad = 1
    if tot[0] == 0:
        print("# no connections counted: the traffic did not go through IPVS")
        bad = 1
    print("# %d backends; totals %r" % (len(want), tot))
    return bad


def sample(scrape, name, pairs):
    want = dict(a.split("=", 1) for a in pairs)
    for labels, v in samples(scrape).get(name, []):
        if all(labels.get(k) == x for k, x in want.items()):
            print(int(v) if v == int(v) else v)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--sample":
        sys.exit(sample(sys.argv[2], sys.argv[3], sys.argv[4:]))
    sys.exit(compare(*sys.argv[1:4]))
