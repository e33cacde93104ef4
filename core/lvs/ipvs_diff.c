/*
 * ipvs_diff.c - the wanted IPVS table against the kernel's, as actions.
 *
 * Pure: no kernel calls, no logging. Every lookup goes through a hash of the
 * identity, so a pass over thousands of services and tens of thousands of
 * real servers stays linear (lvsd repeats it every two seconds).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "ipvs_diff.h"

unsigned long ipvs_keymap_probes;

static size_t addr_len(int af)
{
	return af == AF_INET6 ? 16 : 4;
}

struct ipvs_key ipvs_svc_key(const struct ipvs_service *s)
{
	struct ipvs_key k;

	memset(&k, 0, sizeof(k));
	k.svc_af = s->af;
	if (s->fwmark) {
		k.fwmark = s->fwmark;
	} else {
		k.protocol = s->protocol;
		memcpy(k.svc_addr, s->addr.raw, addr_len(s->af));
		k.svc_port = s->port;
	}
	return k;
}

static struct ipvs_key dest_key(const struct ipvs_service *s, uint16_t af, const union ipvs_addr *addr, uint16_t port)
{
	struct ipvs_key k = ipvs_svc_key(s);

	k.dest_af = af;
	memcpy(k.dest_addr, addr->raw, addr_len(af));
	k.dest_port = port;
	return k;
}

struct ipvs_key ipvs_dest_key(const struct ipvs_service *s, const struct ipvs_dest *d)
{
	return dest_key(s, d->af, &d->addr, d->port);
}

struct ipvs_key kernel_dest_key(const struct ipvs_service *s, const struct kernel_dest *d)
{
	return dest_key(s, d->af, &d->addr, d->port);
}

struct kernel_dest kernel_dest_of(const struct ipvs_dest *d)
{
	return (struct kernel_dest){
		.addr = d->addr, .conns = d->stats.conns, .conn_flags = (uint16_t)(d->conn_flags & IP_VS_CONN_F_FWD_MASK),
		.weight = d->weight, .u_threshold = d->u_threshold, .l_threshold = d->l_threshold,
		.activeconns = d->activeconns, .inactconns = d->inactconns, .af = d->af, .port = d->port,
		.tun_port = d->tun_port, .tun_flags = d->tun_flags, .tun_type = d->tun_type,
	};
}

struct ipvs_dest kernel_dest_request(const struct kernel_dest *d)
{
	return (struct ipvs_dest){
		.af = d->af, .addr = d->addr, .port = d->port, .conn_flags = d->conn_flags, .weight = d->weight,
		.u_threshold = d->u_threshold, .l_threshold = d->l_threshold, .tun_type = d->tun_type,
		.tun_port = d->tun_port, .tun_flags = d->tun_flags,
	};
}

struct ipvs_key ipvs_key_svc_part(const struct ipvs_key *dest_key)
{
	struct ipvs_key k = *dest_key;

	k.dest_af = 0;
	memset(k.dest_addr, 0, sizeof(k.dest_addr));
	k.dest_port = 0;
	k.dup = 0;
	return k;
}

/* ---- the hash index ---- */

/* Eight bytes a step: a pass hashes every key of both tables several
 * times, and a byte at a time this was most of a reload's diff. */
static uint64_t key_hash(const struct ipvs_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0x9e3779b97f4a7c15ull, word;

	_Static_assert(sizeof(*k) % sizeof(word) == 0, "ipvs_key is hashed in 64-bit words");
	for (size_t i = 0; i < sizeof(*k); i += sizeof(word)) {
		memcpy(&word, p + i, sizeof(word));
		h = (h ^ word) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* The slot holding k, or the empty slot where it would go. */
static size_t find_slot(const struct ipvs_keymap *m, const struct ipvs_key *k)
{
	size_t mask = m->nslots - 1;
	size_t i = (size_t)key_hash(k) & mask;

	for (;;) {
		ipvs_keymap_probes++;
		uint32_t s = m->slot[i];
		if (s == 0 || memcmp(&m->e[s - 1].key, k, sizeof(*k)) == 0)
			return i;
		i = (i + 1) & mask;
	}
}

static int grow(struct ipvs_keymap *m)
{
	size_t nslots = m->nslots ? m->nslots * 2 : 64;
	uint32_t *slot = calloc(nslots, sizeof(*slot));

	if (!slot)
		return -1;
	free(m->slot);
	m->slot = slot;
	m->nslots = nslots;
	for (size_t i = 0; i < m->n; i++)
		m->slot[find_slot(m, &m->e[i].key)] = (uint32_t)(i + 1);
	return 0;
}

int ipvs_keymap_put(struct ipvs_keymap *m, const struct ipvs_key *k, size_t val)
{
	if ((m->n + 1) * 2 > m->nslots && grow(m) != 0)
		return -1;
	size_t i = find_slot(m, k);
	if (m->slot[i])
		return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct ipvs_keymap_entry *e = realloc(m->e, cap * sizeof(*e));
		if (!e)
			return -1;
		m->e = e;
		m->cap = cap;
	}
	m->e[m->n].key = *k;
	m->e[m->n].val = val;
	m->slot[i] = (uint32_t)++m->n;
	return 1;
}

/* Linear probing: the slots after a freed one that hash at or before it
 * move back, so that no lookup stops early at the hole. */
int ipvs_keymap_del(struct ipvs_keymap *m, const struct ipvs_key *k)
{
	if (!m->n)
		return 0;
	size_t mask = m->nslots - 1, hole = find_slot(m, k);
	uint32_t gone = m->slot[hole];
	if (!gone)
		return 0;
	for (size_t i = (hole + 1) & mask; m->slot[i]; i = (i + 1) & mask) {
		size_t home = (size_t)key_hash(&m->e[m->slot[i] - 1].key) & mask;
		/* moves back unless its home lies in (hole, i] */
		if (hole <= i ? (home <= hole || home > i) : (home <= hole && home > i)) {
			m->slot[hole] = m->slot[i];
			hole = i;
		}
	}
	m->slot[hole] = 0;
	/* the last entry takes the freed one's place in e[] */
	size_t last = m->n - 1;
	if (gone - 1 != last) {
		m->slot[find_slot(m, &m->e[last].key)] = gone;
		m->e[gone - 1] = m->e[last];
	}
	m->n--;
	return 1;
}

const struct ipvs_keymap_entry *ipvs_keymap_get(const struct ipvs_keymap *m, const struct ipvs_key *k)
{
	if (!m->n)
		return NULL;
	uint32_t s = m->slot[find_slot(m, k)];
	return s ? &m->e[s - 1] : NULL;
}

bool ipvs_keymap_has(const struct ipvs_keymap *m, const struct ipvs_key *k)
{
	return ipvs_keymap_get(m, k) != NULL;
}

void ipvs_keymap_free(struct ipvs_keymap *m)
{
	free(m->e);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/* ---- the two tables ---- */

struct want_svc *want_add(struct want *w, const struct ipvs_service *s, int vs)
{
	if (w->n == w->cap) {
		int ncap = w->cap ? w->cap * 2 : 16;
		struct want_svc *v = realloc(w->v, (size_t)ncap * sizeof(*v));
		if (!v)
			return NULL;
		w->v = v;
		w->cap = ncap;
	}
	struct want_svc *ws = &w->v[w->n++];
	memset(ws, 0, sizeof(*ws));
	ws->svc = *s;
	ws->vs = vs;
	return ws;
}

void want_free(struct want *w)
{
	for (int i = 0; i < w->n; i++)
		free(w->v[i].dests);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

int kernel_table_add_svc(struct kernel_table *k, const struct ipvs_service *s)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 16;
		struct kernel_svc *v = realloc(k->v, cap * sizeof(*v));
		if (!v)
			return -1;
		k->v = v;
		k->cap = cap;
	}
	struct kernel_svc *ks = &k->v[k->n++];
	memset(ks, 0, sizeof(*ks));
	ks->svc = *s;
	return 0;
}

static int add_kernel_dest(struct kernel_svc *ks, const struct kernel_dest *d)
{
	if (ks->ndests == ks->dests_cap) {
		size_t cap = ks->dests_cap ? ks->dests_cap * 2 : 8;
		struct kernel_dest *v = realloc(ks->dests, cap * sizeof(*v));
		if (!v)
			return -1;
		ks->dests = v;
		ks->dests_cap = cap;
	}
	ks->dests[ks->ndests++] = *d;
	return 0;
}

int kernel_table_add_dest(struct kernel_svc *ks, const struct ipvs_dest *d)
{
	struct kernel_dest kd = kernel_dest_of(d);
	return add_kernel_dest(ks, &kd);
}

/* Room doubles as a table grows; a table that is kept (lvsd's known
 * table) gives the rest back: a service of 17 dests has room for 32. */
static void kernel_table_trim(struct kernel_table *k)
{
	for (size_t i = 0; i < k->n; i++) {
		struct kernel_svc *ks = &k->v[i];
		if (ks->dests_cap == ks->ndests)
			continue;
		struct kernel_dest *v = ks->ndests ? realloc(ks->dests, ks->ndests * sizeof(*v)) : NULL;
		if (ks->ndests && !v)
			continue;   /* the larger room stays; nothing is lost */
		if (!ks->ndests)
			free(ks->dests);
		ks->dests = v;
		ks->dests_cap = ks->ndests;
	}
	struct kernel_svc *v = k->n ? realloc(k->v, k->n * sizeof(*v)) : NULL;
	if (v) {
		k->v = v;
		k->cap = k->n;
	}
}

void kernel_table_free(struct kernel_table *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i].dests);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

/* ---- what counts as a change ---- */

#define SVC_FLAGS_COMPARED (IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET)

bool ipvs_svc_differs(const struct ipvs_service *want, const struct ipvs_service *have)
{
	if (strcmp(want->sched_name, have->sched_name) != 0 ||
	    (want->flags & SVC_FLAGS_COMPARED) != (have->flags & SVC_FLAGS_COMPARED))
		return true;
	if (want->flags & IP_VS_SVC_F_PERSISTENT)
		return want->timeout != have->timeout || want->netmask != have->netmask;
	return false;
}

bool ipvs_dest_differs(const struct kernel_dest *want, const struct kernel_dest *have)
{
	return want->weight != have->weight ||
	       (want->conn_flags & IP_VS_CONN_F_FWD_MASK) != (have->conn_flags & IP_VS_CONN_F_FWD_MASK) ||
	       want->u_threshold != have->u_threshold || want->l_threshold != have->l_threshold;
}

/* ---- the difference ---- */

static int emit(struct ipvs_actions *out, enum ipvs_action_kind kind, int want, int dest,
		const struct ipvs_service *svc, const struct kernel_dest *have, bool repair)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		struct ipvs_action *v = realloc(out->v, cap * sizeof(*v));
		if (!v)
			return -1;
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n++] = (struct ipvs_action){ kind, want, dest, svc, have, repair };
	return 0;
}

struct diff {
	struct ipvs_keymap kernel_svcs;    /* service key -> index in the kernel table */
	struct ipvs_keymap kernel_dests;   /* dest key -> its kernel_svc index (the dest found by position) */
	struct ipvs_keymap want_svcs;      /* service key -> first wanted service with it */
	struct ipvs_keymap want_dests;     /* dest key, dup = the service's rank among its twins */
	uint16_t *rank, *twins;            /* per wanted service: its rank, and its later twins */
};

static void diff_free(struct diff *x)
{
	ipvs_keymap_free(&x->kernel_svcs);
	ipvs_keymap_free(&x->kernel_dests);
	ipvs_keymap_free(&x->want_svcs);
	ipvs_keymap_free(&x->want_dests);
	free(x->rank);
	free(x->twins);
}

static int index_tables(struct diff *x, struct want *w, const struct kernel_table *k)
{
	for (size_t i = 0; i < k->n; i++) {
		struct ipvs_key key = ipvs_svc_key(&k->v[i].svc);
		if (ipvs_keymap_put(&x->kernel_svcs, &key, i) < 0)
			return -1;
		for (size_t j = 0; j < k->v[i].ndests; j++) {
			struct ipvs_key dk = kernel_dest_key(&k->v[i].svc, &k->v[i].dests[j]);
			if (ipvs_keymap_put(&x->kernel_dests, &dk, j) < 0)
				return -1;
		}
	}
	x->rank = calloc((size_t)w->n + 1, sizeof(*x->rank));
	x->twins = calloc((size_t)w->n + 1, sizeof(*x->twins));
	if (!x->rank || !x->twins)
		return -1;
	for (int i = 0; i < w->n; i++) {
		struct want_svc *ws = &w->v[i];
		struct ipvs_key key = ipvs_svc_key(&ws->svc);
		int added = ipvs_keymap_put(&x->want_svcs, &key, (size_t)i);
		if (added < 0)
			return -1;
		if (!added)   /* a twin: the same identity from another virtual server */
			x->rank[i] = ++x->twins[ipvs_keymap_get(&x->want_svcs, &key)->val];
		const struct ipvs_keymap_entry *e = ipvs_keymap_get(&x->kernel_svcs, &key);
		ws->have = e ? &k->v[e->val] : NULL;
		for (int j = 0; j < ws->ndests; j++) {
			struct ipvs_key dk = kernel_dest_key(&ws->svc, &ws->dests[j].dest);
			dk.dup = x->rank[i];
			if (ipvs_keymap_put(&x->want_dests, &dk, 0) < 0)
				return -1;
		}
	}
	return 0;
}

static int diff_dests(struct diff *x, int i, struct want_svc *ws, const struct ipvs_keymap *owned_dests,
		      struct ipvs_actions *out)
{
	const struct kernel_svc *ks = ws->have;

	for (int j = 0; j < ws->ndests; j++) {
		struct want_dest *wd = &ws->dests[j];
		struct ipvs_key dk = kernel_dest_key(&ws->svc, &wd->dest);
		const struct ipvs_keymap_entry *e = ks ? ipvs_keymap_get(&x->kernel_dests, &dk) : NULL;
		wd->have = e ? &ks->dests[e->val] : NULL;
		int r = 0;
		if (!wd->have)
			r = emit(out, IPVS_ADD_DEST, i, j, &ws->svc, NULL, ipvs_keymap_has(owned_dests, &dk));
		else if (ipvs_dest_differs(&wd->dest, wd->have))
			r = emit(out, IPVS_EDIT_DEST, i, j, &ws->svc, wd->have, false);
		if (r)
			return -1;
	}
	/* Ours but no longer wanted: health or config took it away. */
	for (size_t j = 0; ks && j < ks->ndests; j++) {
		struct ipvs_key dk = kernel_dest_key(&ws->svc, &ks->dests[j]);
		if (!ipvs_keymap_has(owned_dests, &dk))
			continue;
		dk.dup = x->rank[i];
		if (!ipvs_keymap_has(&x->want_dests, &dk) &&
		    emit(out, IPVS_DEL_DEST, i, -1, &ws->svc, &ks->dests[j], false))
			return -1;
	}
	return 0;
}

int ipvs_diff(struct want *w, const struct kernel_table *k, const struct ipvs_keymap *owned_svcs,
	      const struct ipvs_keymap *owned_dests, struct ipvs_actions *out)
{
	struct diff x;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	memset(out, 0, sizeof(*out));
	if (index_tables(&x, w, k) != 0)
		goto done;
	for (int i = 0; i < w->n; i++) {
		struct want_svc *ws = &w->v[i];
		if (!ws->have) {
			struct ipvs_key key = ipvs_svc_key(&ws->svc);
			if (emit(out, IPVS_ADD_SVC, i, -1, &ws->svc, NULL, ipvs_keymap_has(owned_svcs, &key)))
				goto done;
		} else if (ipvs_svc_differs(&ws->svc, &ws->have->svc)) {
			if (emit(out, IPVS_EDIT_SVC, i, -1, &ws->svc, NULL, false))
				goto done;
		}
		if (ws->have && ws->have->dests_err)
			continue;
		if (diff_dests(&x, i, ws, owned_dests, out) != 0)
			goto done;
	}
	/* Services we own that nothing wants any more. */
	for (size_t i = 0; i < k->n; i++) {
		struct ipvs_key key = ipvs_svc_key(&k->v[i].svc);
		if (ipvs_keymap_has(owned_svcs, &key) && !ipvs_keymap_has(&x.want_svcs, &key) &&
		    emit(out, IPVS_DEL_SVC, -1, -1, &k->v[i].svc, NULL, false))
			goto done;
	}
	rc = 0;
done:
	diff_free(&x);
	if (rc)
		ipvs_actions_free(out);
	return rc;
}

void ipvs_actions_free(struct ipvs_actions *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* ---- the table the actions leave ---- */

static size_t ksvc_index(const struct kernel_table *k, const struct ipvs_service *svc)
{
	const struct kernel_svc *ks = (const struct kernel_svc *)(const void *)((const char *)svc -
									    offsetof(struct kernel_svc, svc));
	return (size_t)(ks - k->v);
}

/* The dest as the kernel has it after an add or edit: wanted settings, the
 * kernel's counters. */
static struct kernel_dest dest_after(const struct want_dest *wd)
{
	struct kernel_dest d = wd->dest;

	if (wd->have) {
		d.activeconns = wd->have->activeconns;
		d.inactconns = wd->have->inactconns;
		d.conns = wd->have->conns;
	}
	return d;
}

static int wanted_after(const struct want_svc *ws, int i, const struct ipvs_actions *acts, struct kernel_table *out)
{
	const struct kernel_svc *have = ws->have;
	struct ipvs_service svc = ws->svc;
	bool *stays = NULL;
	int rc = -1;

	if (have)
		svc.stats = have->svc.stats;
	if (kernel_table_add_svc(out, &svc))
		return -1;
	struct kernel_svc *ks = &out->v[out->n - 1];
	ks->dests_known = true;
	for (int j = 0; j < ws->ndests; j++) {
		struct kernel_dest d = dest_after(&ws->dests[j]);
		if (add_kernel_dest(ks, &d))
			return -1;
	}
	if (!have || !have->ndests)
		return 0;
	/* The kernel's others stay unless removed: not ours, or not ours to judge. */
	stays = malloc(have->ndests * sizeof(*stays));
	if (!stays)
		return -1;
	for (size_t j = 0; j < have->ndests; j++)
		stays[j] = true;
	for (int j = 0; j < ws->ndests; j++)
		if (ws->dests[j].have)
			stays[ws->dests[j].have - have->dests] = false;
	for (size_t a = 0; a < acts->n; a++)
		if (acts->v[a].kind == IPVS_DEL_DEST && acts->v[a].want == i)
			stays[acts->v[a].have - have->dests] = false;
	for (size_t j = 0; j < have->ndests; j++)
		if (stays[j] && add_kernel_dest(ks, &have->dests[j]))
			goto out;
	rc = 0;
out:
	free(stays);
	return rc;
}

int kernel_table_after(const struct want *w, const struct kernel_table *k, const struct ipvs_actions *acts,
		       struct kernel_table *out)
{
	bool *taken = calloc(k->n + 1, sizeof(*taken));   /* wanted or removed */
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!taken)
		return -1;
	for (int i = 0; i < w->n; i++) {
		const struct kernel_svc *have = w->v[i].have;
		if (!have)
			continue;
		if (taken[have - k->v]) {
			rc = 1;
			goto out;
		}
		taken[have - k->v] = true;
	}
	for (size_t a = 0; a < acts->n; a++)
		if (acts->v[a].kind == IPVS_DEL_SVC)
			taken[ksvc_index(k, acts->v[a].svc)] = true;
	for (size_t i = 0; i < k->n; i++) {
		if (taken[i])
			continue;
		if (kernel_table_add_svc(out, &k->v[i].svc))
			goto out;
		struct kernel_svc *ks = &out->v[out->n - 1];
		ks->dests_known = k->v[i].dests_known;
		for (size_t j = 0; j < k->v[i].ndests; j++)
			if (add_kernel_dest(ks, &k->v[i].dests[j]))
				goto out;
	}
	for (int i = 0; i < w->n; i++)
		if (wanted_after(&w->v[i], i, acts, out))
			goto out;
	kernel_table_trim(out);
	rc = 0;
out:
	free(taken);
	if (rc)
		kernel_table_free(out);
	return rc;
}
