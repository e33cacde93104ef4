/*
 * lvs_metrics.c - lvsd's metrics of IPVS and of its model (see
 * lvs_metrics.h). node_exporter reads /proc/net/ip_vs; the same facts come
 * here from a netlink dump, printed the way that file's reader labels
 * them: proto TCP, UDP, SCTP or FWM; a fwmark service has an empty
 * local_address, local_port 0 and its mark as the kernel prints it there
 * (%08X); other services an empty local_mark.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ipvs_totals.h"
#include "lvs_metrics.h"
#include "prom.h"

struct backend {
	struct ipvs_service svc;
	struct ipvs_dest dest;
};

struct backends {
	struct backend *v;
	size_t n, cap;
	const struct ipvs_service *svc;   /* the one whose dests are being dumped */
	int err;
};

/* One more slot at the end of b->v, or NULL when memory ran out. */
static struct backend *backend_add(struct backends *b)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		struct backend *v = realloc(b->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		b->v = v;
		b->cap = cap;
	}
	return &b->v[b->n++];
}

static int collect_svc(const struct ipvs_service *svc, void *arg)
{
	/* services first, kept at the front; their dests come after */
	struct backend *slot = backend_add(arg);
	if (!slot)
		return -ENOMEM;
	slot->svc = *svc;
	return 0;
}

static int collect_dest(const struct ipvs_dest *d, void *arg)
{
	struct backends *b = arg;
	struct backend *slot = backend_add(b);
	if (!slot)
		return -ENOMEM;
	slot->svc = *b->svc;
	slot->dest = *d;
	return 0;
}

static const char *proto_name(const struct ipvs_service *s)
{
	if (s->fwmark)
		return "FWM";
	switch (s->protocol) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_SCTP: return "SCTP";
	default: return "";
	}
}

struct labels {
	char laddr[INET6_ADDRSTRLEN], lport[8], raddr[INET6_ADDRSTRLEN], rport[8], mark[12];
	const char *v[13];
};

static void backend_labels(const struct backend *be, struct labels *l)
{
	const struct ipvs_service *s = &be->svc;
	const struct ipvs_dest *d = &be->dest;

	l->laddr[0] = l->mark[0] = '\0';
	if (s->fwmark) {
		snprintf(l->mark, sizeof(l->mark), "%08X", (unsigned)s->fwmark);
		snprintf(l->lport, sizeof(l->lport), "0");
	} else {
		inet_ntop(s->af, &s->addr, l->laddr, sizeof(l->laddr));
		snprintf(l->lport, sizeof(l->lport), "%u", (unsigned)s->port);
	}
	inet_ntop(d->af ? d->af : s->af, &d->addr, l->raddr, sizeof(l->raddr));
	snprintf(l->rport, sizeof(l->rport), "%u", (unsigned)d->port);
	const char *v[13] = { "local_address", l->laddr, "local_port", l->lport, "remote_address", l->raddr,
			      "remote_port", l->rport, "proto", proto_name(s), "local_mark", l->mark, NULL };
	memcpy(l->v, v, sizeof(v));
}

static void totals(struct strbuf *b)
{
	struct ipvs_stats t;

	if (ipvs_totals_read(&t) != 0)
		return;
	static const struct { const char *name, *help; size_t off; } rows[] = {
		{ "node_ipvs_connections_total", "The total number of connections made.", offsetof(struct ipvs_stats, conns) },
		{ "node_ipvs_incoming_packets_total", "The total number of incoming packets.", offsetof(struct ipvs_stats, inpkts) },
		{ "node_ipvs_outgoing_packets_total", "The total number of outgoing packets.", offsetof(struct ipvs_stats, outpkts) },
		{ "node_ipvs_incoming_bytes_total", "The total amount of incoming data.", offsetof(struct ipvs_stats, inbytes) },
		{ "node_ipvs_outgoing_bytes_total", "The total amount of outgoing data.", offsetof(struct ipvs_stats, outbytes) },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v;
		memcpy(&v, (const char *)&t + rows[i].off, sizeof(v));
		prom_family(b, rows[i].name, "counter", rows[i].help);
		prom_u64(b, rows[i].name, NULL, v);
	}
}

int lvs_metrics_ipvs(struct strbuf *b, struct ipvs *h)
{
	struct backends all = { 0 };
	int rc;

	totals(b);
	if (!h)
		return -ENOENT;
	rc = ipvs_dump_services(h, collect_svc, &all);
	size_t nsvc = all.n;
	for (size_t i = 0; rc == 0 && i < nsvc; i++) {
		struct ipvs_service svc = all.v[i].svc;
		all.svc = &svc;
		rc = ipvs_dump_dests(h, &svc, collect_dest, &all);
	}
	if (rc != 0) {
		free(all.v);
		return rc;
	}
	static const struct { const char *name, *help; int what; } fams[] = {
		{ "node_ipvs_backend_connections_active", "The current active connections by local and remote address.", 0 },
		{ "node_ipvs_backend_connections_inactive", "The current inactive connections by local and remote address.", 1 },
		{ "node_ipvs_backend_weight", "The current backend weight by local and remote address.", 2 },
	};
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		prom_family(b, fams[f].name, "gauge", fams[f].help);
		for (size_t i = nsvc; i < all.n; i++) {
			const struct ipvs_dest *d = &all.v[i].dest;
			struct labels l;
			backend_labels(&all.v[i], &l);
			uint64_t v = fams[f].what == 0 ? d->activeconns : fams[f].what == 1 ? d->inactconns
				   : (uint64_t)(d->weight < 0 ? 0 : d->weight);
			prom_u64(b, fams[f].name, l.v, v);
		}
	}
	free(all.v);
	return 0;
}

void lvs_metrics_model(struct strbuf *b, const struct lvs *vs, int nvs)
{
	static const struct { const char *name, *type, *help; } rs_fams[] = {
		{ "keepalived_lvs_rs_up", "gauge", "1 when the real server's checkers find it up (or it has none), else 0." },
		{ "keepalived_lvs_rs_in_ipvs", "gauge", "1 when the real server is in the kernel's IPVS table." },
		{ "keepalived_lvs_rs_weight", "gauge", "The real server's weight as configured or as its checker last set it." },
		{ "keepalived_lvs_rs_transitions_total", "counter", "Times the real server went up or down." },
	};
	for (size_t f = 0; f < sizeof(rs_fams) / sizeof(rs_fams[0]); f++) {
		prom_family(b, rs_fams[f].name, rs_fams[f].type, rs_fams[f].help);
		for (int v = 0; v < nvs; v++)
			for (int r = 0; r < vs[v].nrs; r++) {
				const struct lrs *rs = &vs[v].rs[r];
				char name[LRS_NAME_MAX];
				const char *labels[] = { "virtual_server", vs[v].name, "real_server", lrs_name(rs, name), NULL };
				int64_t val = f == 0 ? rs->up : f == 1 ? rs->services_in > 0
					    : f == 2 ? lvs_rs_weight(rs) : (int64_t)rs->transitions;
				prom_i64(b, rs_fams[f].name, labels, val);
			}
	}
	prom_family(b, "keepalived_lvs_vs_quorum_up", "gauge", "1 while the virtual server has quorum, else 0.");
	for (int v = 0; v < nvs; v++) {
		const char *labels[] = { "virtual_server", vs[v].name, NULL };
		prom_i64(b, "keepalived_lvs_vs_quorum_up", labels, vs[v].quorum_up);
	}
	prom_family(b, "keepalived_lvs_vs_live_weight", "gauge", "The sum of the weights of the virtual server's live real servers.");
	for (int v = 0; v < nvs; v++) {
		const char *labels[] = { "virtual_server", vs[v].name, NULL };
		prom_i64(b, "keepalived_lvs_vs_live_weight", labels, live_weight(&vs[v]));
	}
}
