/*
 * ipvs_sync.c - applies ipvs_diff's actions to the kernel for lvsd: the
 * kernel calls, the log lines, the repairs counted and the ownership kept
 * are here, the decision of what to change is not.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "ipvs_sync.h"
#include "log.h"

static void addr_port(char *buf, size_t size, int af, const void *addr, unsigned port)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(af, addr, a, sizeof(a));
	if (af == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, port);
	else
		snprintf(buf, size, "%s:%u", a, port);
}

static void svc_text(char *buf, size_t size, const struct ipvs_service *s)
{
	char ap[64];

	if (s->fwmark) {
		snprintf(buf, size, "fwm/%u%s", s->fwmark, s->af == AF_INET6 ? " (IPv6)" : "");
		return;
	}
	addr_port(ap, sizeof(ap), s->af, s->addr.raw, s->port);
	snprintf(buf, size, "%s/%s", s->protocol == IPPROTO_UDP ? "udp" : s->protocol == IPPROTO_SCTP ? "sctp" : "tcp", ap);
}

static void dest_text(char *buf, size_t size, const struct ipvs_dest *dst)
{
	addr_port(buf, size, dst->af, dst->addr.raw, dst->port);
}

/* ha_suspend: a virtual server is in IPVS only while its address is on
 * this box (VRRP made it master); fwmark services have no address. */
static void update_suspended(struct ipvs_sync *d)
{
	struct ifaddrs *ifs = NULL;
	bool any = false;

	for (int v = 0; v < d->nvs; v++)
		any |= d->vs[v].conf->ha_suspend && d->vs[v].conf->kind == CONF_VS_ADDR;
	if (!any || getifaddrs(&ifs) != 0)
		return;
	for (int v = 0; v < d->nvs; v++) {
		struct lvs *vs = &d->vs[v];
		if (!vs->conf->ha_suspend || vs->conf->kind != CONF_VS_ADDR)
			continue;
		bool s = !addr_is_local(ifs, vs->conf->addr.family, vs->conf->addr.addr);
		if (s != vs->suspended)
			log_notice("%s: %s (ha_suspend)", vs->name,
				   s ? "its address left this box, suspended" : "its address is here, active");
		vs->suspended = s;
	}
	freeifaddrs(ifs);
}

/* ---- the reconciler ---- */

static int collect_service(const struct ipvs_service *svc, void *arg)
{
	return kernel_table_add_svc(arg, svc) ? -ENOMEM : 0;
}

static int collect_dest(const struct ipvs_dest *dst, void *arg)
{
	return kernel_table_add_dest(arg, dst) ? -ENOMEM : 0;
}

/* The dests of the kernel's services that the wanted table has; nothing
 * else of the others is compared. */
static int dump_wanted_dests(struct ipvs_sync *d, const struct want *w, struct kernel_table *k)
{
	struct ipvs_keymap wanted;

	memset(&wanted, 0, sizeof(wanted));
	for (int i = 0; i < w->n; i++) {
		struct ipvs_key key = ipvs_svc_key(&w->v[i].svc);
		if (ipvs_keymap_put(&wanted, &key, 0) < 0) {
			ipvs_keymap_free(&wanted);
			return -1;
		}
	}
	for (size_t i = 0; i < k->n; i++) {
		struct ipvs_key key = ipvs_svc_key(&k->v[i].svc);
		if (ipvs_keymap_has(&wanted, &key)) {
			k->v[i].dests_err = ipvs_dump_dests(d->ipvs, &k->v[i].svc, collect_dest, &k->v[i]);
			k->v[i].dests_known = !k->v[i].dests_err;
		}
	}
	ipvs_keymap_free(&wanted);
	return 0;
}

static const char *fwd_name(uint32_t flags)
{
	switch (flags & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_DROUTE: return "route";
	case IP_VS_CONN_F_TUNNEL: return "tunnel";
	case IP_VS_CONN_F_MASQ: return "masq";
	default: return "local";
	}
}

/* Logs a kernel error once per object until it changes or clears. */
static void kernel_error(struct ipvs_sync *d, char **slot, const char *what, int rc)
{
	char text[96];

	d->kernel_errors++;
	snprintf(text, sizeof(text), "%s: %s", what, strerror(-rc));
	if (strcmp(text, lvs_text(*slot)) != 0)
		log_err("%s", text);
	lvs_text_set(slot, text, strlen(text));
}

/* What lvsd owns after this pass, and the services whose pass failed. */
struct owned {
	struct ipvs_keymap svcs, dests, failed;
	/* The kernel's verdict on each add sent ahead in batches (0 or a
	 * negative errno), by index in the pass's actions; NULL: each add
	 * is sent when it is applied. */
	const int *sent;
	const struct ipvs_action *first;
};

/* An add's result: the batch's verdict when it went ahead, else sent now. */
static int add_verdict(struct ipvs_sync *d, const struct owned *o, const struct want_svc *ws,
		       const struct ipvs_action *a)
{
	if (o->sent)
		return o->sent[a - o->first];
	if (a->kind == IPVS_ADD_SVC)
		return ipvs_add_service(d->ipvs, &ws->svc);
	struct ipvs_dest req = kernel_dest_request(&ws->dests[a->dest].dest);
	return ipvs_add_dest(d->ipvs, &ws->svc, &req);
}

static void own(struct ipvs_keymap *m, const struct ipvs_key *k)
{
	if (ipvs_keymap_put(m, k, 0) < 0)
		log_err("out of memory noting what lvsd owns");
}

/* A wanted dest: its add or edit if it has one, then what the status shows. */
static void apply_dest(struct ipvs_sync *d, struct owned *o, struct want_svc *ws, int j,
		       const struct ipvs_action *a, const char *svcname)
{
	struct lvs *vs = &d->vs[ws->vs];
	struct want_dest *wd = &ws->dests[j];
	struct lrs *rs = wd->rs >= 0 ? &vs->rs[wd->rs] : NULL;
	char text[200], dn[64];
	int r = 0;

	/* Only a change or an error names the dest: most dests of a pass have neither. */
	struct ipvs_dest req;
	if (a) {
		req = kernel_dest_request(&wd->dest);
		dest_text(dn, sizeof(dn), &req);
	}
	if (a && a->kind == IPVS_ADD_DEST) {
		r = add_verdict(d, o, ws, a);
		snprintf(text, sizeof(text), "add %s to %s", dn, svcname);
		if (r == 0) {
			d->adds++;
			if (a->repair) {
				d->repairs++;
				log_warn("repaired: %s (%s) was missing from IPVS, added it again", dn, svcname);
			} else {
				log_notice("%s: added %s %s weight %d", svcname, rs ? "real server" : "sorry server",
					   dn, wd->dest.weight);
			}
		}
	} else if (a) {
		r = ipvs_edit_dest(d->ipvs, &ws->svc, &req);
		snprintf(text, sizeof(text), "edit %s in %s", dn, svcname);
		if (r == 0) {
			d->edits++;
			log_notice("%s: %s weight %d -> %d, %s -> %s", svcname, dn, a->have->weight,
				   wd->dest.weight, fwd_name(a->have->conn_flags), fwd_name(wd->dest.conn_flags));
		}
	}
	if (r != 0) {
		kernel_error(d, rs ? &rs->error : &vs->error, text, r);
		return;
	}
	struct ipvs_key k = kernel_dest_key(&ws->svc, &wd->dest);
	own(&o->dests, &k);
	if (!rs) {
		vs->sorry_in = true;
		return;
	}
	lvs_text_set(&rs->error, NULL, 0);
	rs->services_in++;
	rs->kernel_weight = wd->dest.weight;
	if (wd->have) {
		rs->active += wd->have->activeconns;
		rs->inactive += wd->have->inactconns;
		rs->conns += wd->have->conns;
	}
}

static void remove_dest(struct ipvs_sync *d, struct owned *o, struct want_svc *ws, const struct ipvs_action *a,
			const char *svcname)
{
	struct lvs *vs = &d->vs[ws->vs];
	char text[200], dn[64];

	struct ipvs_dest gone = kernel_dest_request(a->have);
	dest_text(dn, sizeof(dn), &gone);
	int r = ipvs_del_dest(d->ipvs, &ws->svc, &gone);
	if (r != 0 && r != -ENOENT) {
		snprintf(text, sizeof(text), "remove %s from %s", dn, svcname);
		kernel_error(d, &vs->error, text, r);
		struct ipvs_key k = kernel_dest_key(&ws->svc, a->have);
		own(&o->dests, &k);
		return;
	}
	d->dels++;
	log_notice("%s: removed %s", svcname, dn);
}

/* A wanted service's add or edit; text names it for an error. */
static int apply_service(struct ipvs_sync *d, const struct owned *o, struct want_svc *ws,
			 const struct ipvs_action *a, const char *name, char *text, size_t size)
{
	int r;

	if (a->kind == IPVS_ADD_SVC) {
		r = add_verdict(d, o, ws, a);
		if (r == 0) {
			d->adds++;
			if (a->repair) {
				d->repairs++;
				log_warn("repaired: service %s was missing from IPVS, added it again", name);
			} else {
				log_notice("added service %s (%s, scheduler %s)", name, d->vs[ws->vs].name,
					   ws->svc.sched_name);
			}
		}
		snprintf(text, size, "add service %s", name);
		return r;
	}
	r = ipvs_edit_service(d->ipvs, &ws->svc);
	if (r == 0) {
		d->edits++;
		log_notice("service %s: scheduler %s, persistence %u s", name, ws->svc.sched_name,
			   ws->svc.flags & IP_VS_SVC_F_PERSISTENT ? ws->svc.timeout : 0);
	}
	snprintf(text, size, "edit service %s", name);
	return r;
}

/* The actions of wanted service i, from *next on; returns past them. */
static size_t apply_wanted(struct ipvs_sync *d, struct owned *o, struct want *w, int i,
			   const struct ipvs_actions *acts, size_t next)
{
	struct want_svc *ws = &w->v[i];
	struct lvs *vs = &d->vs[ws->vs];
	struct ipvs_key key = ipvs_svc_key(&ws->svc);
	const struct ipvs_action *a = &acts->v[next];
	char name[80], text[128];
	int r = 0;

	svc_text(name, sizeof(name), &ws->svc);
	if (next < acts->n && a->want == i && (a->kind == IPVS_ADD_SVC || a->kind == IPVS_EDIT_SVC)) {
		r = apply_service(d, o, ws, a, name, text, sizeof(text));
		next++;
	}
	if (r == 0 && ws->have && ws->have->dests_err) {
		r = ws->have->dests_err;
		snprintf(text, sizeof(text), "service %s", name);
	}
	if (r != 0) {
		kernel_error(d, &vs->error, text, r);
		/* Still ours if it was, with its dests: the next pass tries again. */
		if (ipvs_keymap_has(&d->owned_svcs, &key))
			own(&o->svcs, &key);
		own(&o->failed, &key);
		while (next < acts->n && acts->v[next].want == i)
			next++;
		return next;
	}
	if (ws->have) {
		const struct ipvs_stats *s = &ws->have->svc.stats;
		vs->stats.conns += s->conns;
		vs->stats.inpkts += s->inpkts;
		vs->stats.outpkts += s->outpkts;
		vs->stats.inbytes += s->inbytes;
		vs->stats.outbytes += s->outbytes;
	}
	lvs_text_set(&vs->error, NULL, 0);
	own(&o->svcs, &key);
	vs->services_in++;
	for (int j = 0; j < ws->ndests; j++) {
		a = &acts->v[next];
		bool mine = next < acts->n && a->want == i && a->dest == j;
		apply_dest(d, o, ws, j, mine ? a : NULL, name);
		next += mine;
	}
	for (; next < acts->n && acts->v[next].want == i; next++)
		remove_dest(d, o, ws, &acts->v[next], name);
	return next;
}

static void remove_service(struct ipvs_sync *d, struct owned *o, const struct ipvs_action *a)
{
	char name[80];

	svc_text(name, sizeof(name), a->svc);
	int r = ipvs_del_service(d->ipvs, a->svc);
	if (r != 0 && r != -ENOENT) {
		log_err("remove service %s: %s", name, strerror(-r));
		d->kernel_errors++;
		struct ipvs_key key = ipvs_svc_key(a->svc);
		own(&o->svcs, &key);
		return;
	}
	d->dels++;
	log_notice("removed service %s", name);
}

static void reset_observed_vs(struct lvs *vs)
{
	vs->services_in = 0;
	vs->sorry_in = false;
	memset(&vs->stats, 0, sizeof(vs->stats));
	for (int r = 0; r < vs->nrs; r++) {
		struct lrs *rs = &vs->rs[r];
		rs->services_in = 0;
		rs->kernel_weight = 0;
		rs->active = rs->inactive = rs->conns = 0;
	}
}

static void reset_observed(struct ipvs_sync *d)
{
	for (int v = 0; v < d->nvs; v++)
		reset_observed_vs(&d->vs[v]);
}

static bool ipvs_ready(struct ipvs_sync *d)
{
	if (d->ipvs)
		return true;
	int r = ipvs_open(&d->ipvs);
	if (r != 0) {
		if (!d->ipvs_error_logged)
			log_err("cannot reach IPVS: %s (is ip_vs loaded?); retrying", strerror(-r));
		d->ipvs_error_logged = true;
		return false;
	}
	if (d->ipvs_error_logged)
		log_notice("IPVS is reachable again");
	d->ipvs_error_logged = false;
	return true;
}

static void apply_actions(struct ipvs_sync *d, struct want *w, const struct ipvs_actions *acts, const int *sent)
{
	struct owned o;
	size_t next = 0;

	memset(&o, 0, sizeof(o));
	o.sent = sent;
	o.first = acts->v;
	reset_observed(d);
	for (int i = 0; i < w->n; i++)
		next = apply_wanted(d, &o, w, i, acts, next);
	for (; next < acts->n; next++)
		remove_service(d, &o, &acts->v[next]);
	for (size_t i = 0; o.failed.n && i < d->owned_dests.n; i++) {
		struct ipvs_key svc = ipvs_key_svc_part(&d->owned_dests.e[i].key);
		if (ipvs_keymap_has(&o.failed, &svc))
			own(&o.dests, &d->owned_dests.e[i].key);
	}
	ipvs_keymap_free(&o.failed);
	ipvs_keymap_free(&d->owned_svcs);
	ipvs_keymap_free(&d->owned_dests);
	d->owned_svcs = o.svcs;
	d->owned_dests = o.dests;
}

/*
 * A pass of adds only (the start, a reload that adds services or servers)
 * goes to the kernel in batches, many requests per send, instead of one
 * request and one wait per object; apply_actions then takes each add's
 * verdict from *sent instead of sending it, so the logs, counters, errors
 * and ownership are those of requests sent one by one. 1 when sent (every
 * verdict known, *sent to be freed), 0 when the pass is not such or
 * batching is not possible, -1 when an answer was lost: what went in is
 * in, and the caller compares with a fresh dump and goes on one request
 * at a time.
 */
#define ADDS_AHEAD_MIN 2
static void note_refused(long tag, int err, void *arg)
{
	int *sent = arg;

	sent[tag] = err;
}

static int send_adds_ahead(struct ipvs_sync *d, const struct want *w, const struct ipvs_actions *acts, int **sent)
{
	*sent = NULL;
	if (acts->n < ADDS_AHEAD_MIN)
		return 0;
	for (size_t i = 0; i < acts->n; i++)
		if (acts->v[i].kind != IPVS_ADD_SVC && acts->v[i].kind != IPVS_ADD_DEST)
			return 0;
	int *verdicts = calloc(acts->n, sizeof(*verdicts));
	if (!verdicts)
		return 0;
	if (ipvs_batch_begin(d->ipvs) != 0) {
		free(verdicts);
		return 0;
	}
	ipvs_batch_keep_going(d->ipvs);
	ipvs_batch_on_failure(d->ipvs, note_refused, verdicts);
	for (size_t i = 0; i < acts->n; i++) {
		const struct ipvs_action *a = &acts->v[i];
		const struct want_svc *ws = &w->v[a->want];
		ipvs_batch_tag(d->ipvs, (long)i);
		if (a->kind == IPVS_ADD_SVC)
			ipvs_add_service(d->ipvs, &ws->svc);
		else {
			struct ipvs_dest req = kernel_dest_request(&ws->dests[a->dest].dest);
			ipvs_add_dest(d->ipvs, &ws->svc, &req);
		}
	}
	ipvs_batch_end(d->ipvs, NULL);
	ipvs_batch_on_failure(d->ipvs, NULL, NULL);
	if (!ipvs_batch_uncertain(d->ipvs)) {
		*sent = verdicts;
		return 1;
	}
	log_warn("IPVS lost answers to %zu batched adds; comparing with a fresh dump", acts->n);
	free(verdicts);
	return -1;
}

/*
 * Between passes the dests lvsd owns are a flag on the known table's
 * dests, which cost nothing (the flag fills padding); the keymap they are
 * unpacked into for a pass held 56 bytes and a slot a dest, 2.6 MiB at
 * 37,294 dests. A pass works on the keymap as before; only a known table
 * that holds every owned dest takes them back.
 */
/* Sets each dest's flag from the keymap; how many it set. */
static size_t owned_mark(struct kernel_table *k, const struct ipvs_keymap *owned)
{
	size_t n = 0;

	for (size_t i = 0; i < k->n; i++)
		for (size_t j = 0; j < k->v[i].ndests; j++) {
			struct kernel_dest *kd = &k->v[i].dests[j];
			struct ipvs_key key = kernel_dest_key(&k->v[i].svc, kd);
			kd->owned = ipvs_keymap_has(owned, &key);
			n += kd->owned;
		}
	return n;
}

/* Puts every flagged dest into the keymap: 0, or -1 when out of memory. */
static int owned_collect(const struct kernel_table *k, struct ipvs_keymap *into)
{
	for (size_t i = 0; i < k->n; i++)
		for (size_t j = 0; j < k->v[i].ndests; j++) {
			struct ipvs_key key = kernel_dest_key(&k->v[i].svc, &k->v[i].dests[j]);
			if (k->v[i].dests[j].owned && ipvs_keymap_put(into, &key, 0) < 0)
				return -1;
		}
	return 0;
}

static int owned_unpack(struct ipvs_sync *d)
{
	if (!d->owned_packed)
		return 0;
	if (owned_collect(&d->known, &d->owned_dests) != 0) {
		ipvs_keymap_free(&d->owned_dests);
		return -1;
	}
	d->owned_packed = false;
	return 0;
}

static void owned_pack(struct ipvs_sync *d)
{
	if (owned_mark(&d->known, &d->owned_dests) != d->owned_dests.n)
		return;   /* an owned dest the table does not hold: the keymap stays */
	ipvs_keymap_free(&d->owned_dests);
	d->owned_packed = true;
}

static void forget_known(struct ipvs_sync *d)
{
	if (owned_unpack(d) != 0)
		log_err("out of memory noting what lvsd owns");
	kernel_table_free(&d->known);
	d->known_valid = false;
	d->owned_packed = false;
}

/* The kernel's table, dumped: its services, and the dests of those wanted. */
static int dump_table(struct ipvs_sync *d, const struct want *w, struct kernel_table *k)
{
	memset(k, 0, sizeof(*k));
	int r = ipvs_dump_services(d->ipvs, collect_service, k);
	if (r != 0) {
		log_err("IPVS dump: %s", strerror(-r));
		kernel_table_free(k);
		ipvs_close(d->ipvs);
		d->ipvs = NULL;
		return -1;
	}
	if (dump_wanted_dests(d, w, k) != 0) {
		log_err("out of memory computing the IPVS table");
		kernel_table_free(k);
		return -1;
	}
	return 0;
}

/* The actions that make a fresh dump (into *dumped) the wanted table: 0;
 * -1 when the dump failed, -2 when out of memory. */
static int diff_with_dump(struct ipvs_sync *d, struct want *w, struct kernel_table *dumped,
			  struct ipvs_actions *acts)
{
	if (dump_table(d, w, dumped) != 0)
		return -1;
	return ipvs_diff(w, dumped, &d->owned_svcs, &d->owned_dests, acts) != 0 ? -2 : 0;
}

/* A pass without a dump can use the known table only if it holds the dests
 * of every service the wanted table has there. */
static bool known_covers(const struct want *w)
{
	for (int i = 0; i < w->n; i++)
		if (w->v[i].have && !w->v[i].have->dests_known)
			return false;
	return true;
}

/* One pass: dump (or take the known table), compare, apply the differences. */
void ipvs_sync_pass(struct ipvs_sync *d, bool dump)
{
	struct kernel_table dumped, *k = &dumped;
	struct ipvs_actions acts;
	struct want w;

	if (!ipvs_ready(d)) {
		forget_known(d);
		return;
	}
	d->reconciles++;
	update_suspended(d);
	if (build_want(d->conf, d->vs, d->nvs, &w) != 0) {
		log_err("out of memory computing the IPVS table");
		want_free(&w);
		return;
	}
	memset(&dumped, 0, sizeof(dumped));
	if (owned_unpack(d) != 0)
		goto oom;
	/* A pass that dumps replaces the known table whatever happens: gone
	 * before the dump, it does not add to the pass's peak (the periodic
	 * pass is lvsd's highest memory: 7 MiB of it at 37,294 servers). */
	if (dump) {
		forget_known(d);
	} else if (d->known_valid) {
		k = &d->known;
		if (ipvs_diff(&w, k, &d->owned_svcs, &d->owned_dests, &acts) != 0)
			goto oom;
		if (!known_covers(&w)) {
			ipvs_actions_free(&acts);
			k = &dumped;
		}
	}
	int r = k == &dumped ? diff_with_dump(d, &w, &dumped, &acts) : 0;
	int *sent = NULL;
	if (r == 0 && send_adds_ahead(d, &w, &acts, &sent) < 0) {
		ipvs_actions_free(&acts);
		kernel_table_free(&dumped);
		k = &dumped;
		r = diff_with_dump(d, &w, &dumped, &acts);
	}
	if (r == -1) {
		forget_known(d);
		want_free(&w);
		return;
	}
	if (r != 0)
		goto oom;
	unsigned long errors = d->kernel_errors;
	apply_actions(d, &w, &acts, sent);
	free(sent);
	struct kernel_table after;
	bool valid = d->kernel_errors == errors && kernel_table_after(&w, k, &acts, &after) == 0;
	forget_known(d);
	if (valid) {
		d->known = after;
		d->known_valid = true;
		owned_pack(d);
	}
	ipvs_actions_free(&acts);
	want_free(&w);
	kernel_table_free(&dumped);
	return;
oom:
	log_err("out of memory computing the IPVS table");
	forget_known(d);
	want_free(&w);
	kernel_table_free(&dumped);
}

/* ---- a pass over some virtual servers (a reload in pieces) ---- */

bool ipvs_sync_same_services(const struct want *a, const struct want *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++) {
		struct ipvs_key x = ipvs_svc_key(&a->v[i].svc), y = ipvs_svc_key(&b->v[i].svc);
		if (memcmp(&x, &y, sizeof(x)) != 0)
			return false;
	}
	return true;
}

bool ipvs_sync_among(const int *vs, int n, int v)
{
	for (int i = 0; i < n; i++)
		if (vs[i] == v)
			return true;
	return false;
}

/* Whether a virtual server other than those at vs[0..n) stands for one of
 * w's services: the dests of two virtual servers that are one kernel
 * service are sorted out only by a whole pass. */
static bool shared_with_others(const struct ipvs_sync *d, const struct want *w, const int *vs, int n)
{
	for (int v = 0; v < d->nvs; v++) {
		bool changed = ipvs_sync_among(vs, n, v);
		for (int i = 0; i < w->n && !changed; i++)
			if (lvs_serves(d->conf, &d->vs[v], &w->v[i].svc))
				return true;
	}
	return false;
}

/* The known table's entries for w's services, sharing their dests; at[i]
 * is where sub's i-th entry stands in the known table. */
static int known_part(const struct ipvs_sync *d, const struct want *w, struct kernel_table *sub, size_t **at)
{
	memset(sub, 0, sizeof(*sub));
	*at = NULL;
	for (int i = 0; i < w->n; i++) {
		struct ipvs_key key = ipvs_svc_key(&w->v[i].svc);
		for (size_t j = 0; j < d->known.n; j++) {
			struct ipvs_key have = ipvs_svc_key(&d->known.v[j].svc);
			if (memcmp(&key, &have, sizeof(key)) != 0)
				continue;
			if (sub->n == sub->cap) {
				size_t cap = sub->cap ? sub->cap * 2 : 8;
				struct kernel_svc *v = realloc(sub->v, cap * sizeof(*v));
				size_t *a = realloc(*at, cap * sizeof(*a));
				if (v)
					sub->v = v;
				if (a)
					*at = a;
				if (!v || !a)
					return -1;
				sub->cap = cap;
			}
			(*at)[sub->n] = j;
			sub->v[sub->n++] = d->known.v[j];
			break;
		}
	}
	return 0;
}

/* What lvsd owns of w's services becomes what o says; of their dests, the
 * flags of the table the pass leaves (after) say it. */
static int owned_merge(struct ipvs_sync *d, const struct want *w, const struct owned *o,
		       struct kernel_table *after)
{
	for (int i = 0; i < w->n; i++) {
		struct ipvs_key key = ipvs_svc_key(&w->v[i].svc);
		if (ipvs_keymap_has(&o->svcs, &key) ? ipvs_keymap_put(&d->owned_svcs, &key, 0) < 0
						    : (ipvs_keymap_del(&d->owned_svcs, &key), false))
			return -1;
	}
	return owned_mark(after, &o->dests) == o->dests.n ? 0 : -1;
}

/* The known table with sub's entries (at at[]) replaced by after's, whose
 * services are w's in order; a service added goes at the end. */
static int known_splice(struct ipvs_sync *d, const struct want *w, struct kernel_table *after,
			const struct kernel_table *sub, const size_t *at)
{
	if ((size_t)w->n != after->n)
		return -1;
	for (int i = 0; i < w->n; i++) {
		struct kernel_svc *now = &after->v[i];
		const struct kernel_svc *have = w->v[i].have;
		if (have) {
			struct kernel_svc *slot = &d->known.v[at[have - sub->v]];
			free(slot->dests);
			*slot = *now;
		} else {
			if (kernel_table_add_svc(&d->known, &now->svc))
				return -1;
			struct kernel_svc *slot = &d->known.v[d->known.n - 1];
			*slot = *now;
		}
		memset(now, 0, sizeof(*now));
	}
	return 0;
}

bool ipvs_sync_pass_some(struct ipvs_sync *d, const int *vs, int n, const struct want *before)
{
	struct kernel_table sub, after;
	struct ipvs_actions acts;
	struct ipvs_keymap owned_svcs, owned_dests;
	struct owned o;
	struct want w;
	size_t *at = NULL;
	int *sent = NULL;
	bool done = false;

	if (!d->known_valid || !d->owned_packed || !ipvs_ready(d))
		return false;
	memset(&w, 0, sizeof(w));
	memset(&sub, 0, sizeof(sub));
	memset(&owned_svcs, 0, sizeof(owned_svcs));
	memset(&owned_dests, 0, sizeof(owned_dests));
	memset(&acts, 0, sizeof(acts));
	for (int i = 0; i < n; i++)
		if (build_want_vs(d->conf, d->vs, vs[i], &w) != 0)
			goto out;
	/* Services that come or go change what the rest of the table means
	 * to lvsd (ownership, duplicates): a whole pass sorts them out. */
	if (!ipvs_sync_same_services(&w, before) || shared_with_others(d, &w, vs, n) ||
	    known_part(d, &w, &sub, &at) != 0)
		goto out;
	for (int i = 0; i < w.n; i++) {
		struct ipvs_key key = ipvs_svc_key(&w.v[i].svc);
		if (ipvs_keymap_has(&d->owned_svcs, &key) && ipvs_keymap_put(&owned_svcs, &key, 0) < 0)
			goto out;
	}
	if (owned_collect(&sub, &owned_dests) != 0 || ipvs_diff(&w, &sub, &owned_svcs, &owned_dests, &acts) != 0 || !known_covers(&w))
		goto out;
	if (send_adds_ahead(d, &w, &acts, &sent) < 0) {
		forget_known(d);
		goto out;
	}
	d->reconciles++;
	done = true;
	memset(&o, 0, sizeof(o));
	o.sent = sent;
	o.first = acts.v;
	for (int i = 0; i < n; i++)
		reset_observed_vs(&d->vs[vs[i]]);
	unsigned long errors = d->kernel_errors;
	size_t next = 0;
	for (int i = 0; i < w.n; i++)
		next = apply_wanted(d, &o, &w, i, &acts, next);
	/* A failure leaves ownership and the table to the next whole pass. */
	if (d->kernel_errors != errors || o.failed.n || kernel_table_after(&w, &sub, &acts, &after) != 0) {
		forget_known(d);
	} else if (owned_merge(d, &w, &o, &after) != 0) {
		forget_known(d);
		kernel_table_free(&after);
	} else if (known_splice(d, &w, &after, &sub, at) != 0) {
		forget_known(d);
		kernel_table_free(&after);
	} else {
		kernel_table_free(&after);
	}
	ipvs_keymap_free(&o.svcs);
	ipvs_keymap_free(&o.dests);
	ipvs_keymap_free(&o.failed);
out:
	free(sent);
	free(at);
	free(sub.v);
	ipvs_actions_free(&acts);
	ipvs_keymap_free(&owned_svcs);
	ipvs_keymap_free(&owned_dests);
	want_free(&w);
	return done;
}

/* On stop: every service lvsd owns goes, with its dests (keepalived's default). */
void ipvs_sync_release(struct ipvs_sync *d)
{
	struct kernel_table k;
	char name[80];

	if (!d->owned_svcs.n || !ipvs_ready(d))
		return;
	memset(&k, 0, sizeof(k));
	if (ipvs_dump_services(d->ipvs, collect_service, &k) != 0) {
		kernel_table_free(&k);
		return;
	}
	for (size_t i = 0; i < k.n; i++) {
		struct ipvs_key key = ipvs_svc_key(&k.v[i].svc);
		if (!ipvs_keymap_has(&d->owned_svcs, &key))
			continue;
		svc_text(name, sizeof(name), &k.v[i].svc);
		int r = ipvs_del_service(d->ipvs, &k.v[i].svc);
		if (r != 0)
			log_err("remove service %s: %s", name, strerror(-r));
		else
			log_notice("removed service %s", name);
	}
	kernel_table_free(&k);
}

void ipvs_sync_flush(struct ipvs_sync *d, const char *why)
{
	if (!ipvs_ready(d))
		return;
	int r = ipvs_flush(d->ipvs);
	if (r != 0) {
		log_err("%s: flushing IPVS: %s", why, strerror(-r));
		d->kernel_errors++;
		return;
	}
	forget_known(d);
	ipvs_keymap_free(&d->owned_svcs);
	ipvs_keymap_free(&d->owned_dests);
	log_notice("%s: flushed every IPVS virtual server", why);
}

void ipvs_sync_timeouts(struct ipvs_sync *d, const struct conf_lvs_timeouts *want)
{
	bool any = want->tcp || want->tcpfin || want->udp;

	if ((!any && !d->timeouts_saved) || !ipvs_ready(d))
		return;
	if (!d->timeouts_saved) {
		int r = ipvs_get_timeouts(d->ipvs, &d->timeouts_before);
		if (r != 0) {
			log_err("lvs_timeouts: reading the kernel's timeouts: %s", strerror(-r));
			d->kernel_errors++;
			return;
		}
		d->timeouts_saved = true;
	}
	struct ipvs_timeouts t = {
		.tcp = want->tcp ? want->tcp : d->timeouts_before.tcp,
		.tcp_fin = want->tcpfin ? want->tcpfin : d->timeouts_before.tcp_fin,
		.udp = want->udp ? want->udp : d->timeouts_before.udp,
	};
	int r = ipvs_set_timeouts(d->ipvs, &t);
	if (r != 0) {
		log_err("lvs_timeouts: %s", strerror(-r));
		d->kernel_errors++;
		return;
	}
	log_info("lvs_timeouts: tcp %u tcpfin %u udp %u", t.tcp, t.tcp_fin, t.udp);
}

void ipvs_sync_free(struct ipvs_sync *d)
{
	if (d->ipvs)
		ipvs_close(d->ipvs);
	d->ipvs = NULL;
	forget_known(d);
	ipvs_keymap_free(&d->owned_svcs);
	ipvs_keymap_free(&d->owned_dests);
}
