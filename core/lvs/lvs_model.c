/*
 * lvs_model.c - the model lvsd keeps (config x health) and the wanted IPVS
 * table built from it; apart from the daemon so it stays free of kernel
 * calls and event-loop state.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "log.h"
#include "lvs_model.h"
#include "strtab.h"

static size_t addr_len(int af)
{
	return af == AF_INET6 ? 16 : 4;
}

static uint16_t ipproto_of(int p)
{
	return p == CONF_PROTO_UDP ? IPPROTO_UDP : p == CONF_PROTO_SCTP ? IPPROTO_SCTP : IPPROTO_TCP;
}

bool rs_inhibit(const struct lvs *vs, const struct lrs *rs)
{
	return rs->conf->inhibit_on_failure || vs->conf->inhibit_on_failure;
}

/* The weight an up server gets: checkd's (misc_dynamic) unless the config
 * changed the server's weight since checkd said it. */
int lvs_rs_weight(const struct lrs *rs)
{
	if (rs->have_weight && rs->weight_conf_seen == rs->conf->weight)
		return rs->weight;
	return rs->conf->weight;
}

int lvs_rs_live_weight(const struct lrs *rs)
{
	return rs->ctl == LRS_CTL_DRAIN ? 0 : rs->ctl == LRS_CTL_WEIGHT ? rs->ctl_weight : lvs_rs_weight(rs);
}

/* keepalived's starting state: up, unless alpha and there is a checker. */
void rs_initial(const struct lvs *vs, struct lrs *rs)
{
	rs->up = !(vs->conf->alpha && rs->conf->ncheckers > 0);
	rs->have_weight = false;
}

long live_weight(const struct lvs *vs)
{
	long sum = 0;

	for (int r = 0; r < vs->nrs; r++)
		if (vs->rs[r].up)
			sum += lvs_rs_live_weight(&vs->rs[r]);
	return sum;
}

static uint32_t fwd_of(int lb_kind)
{
	return lb_kind == CONF_LB_DR ? IP_VS_CONN_F_DROUTE :
	       lb_kind == CONF_LB_TUN ? IP_VS_CONN_F_TUNNEL : IP_VS_CONN_F_MASQ;
}

static uint32_t v4_mask(unsigned bits)
{
	return htonl(bits >= 32 ? 0xffffffffu : bits == 0 ? 0 : ~((1u << (32 - bits)) - 1));
}

/* Scheduler, persistence and granularity: everything but the identity. */
static void svc_attrs(struct ipvs_service *s, const struct conf_virtual_server *cv)
{
	snprintf(s->sched_name, sizeof(s->sched_name), "%s", cv->lb_algo ? cv->lb_algo : "wlc");
	/* a host's mask, also without persistence, as keepalived and ipvsadm
	 * send it: the kernel refuses an IPv6 service whose mask is not 1..128 */
	s->netmask = s->af == AF_INET6 ? 128 : 0xffffffffu;
	if (!cv->persistence_timeout)
		return;
	s->flags |= IP_VS_SVC_F_PERSISTENT;
	s->timeout = cv->persistence_timeout;
	const char *g = cv->persistence_granularity;
	if (!g)
		return;
	struct in_addr m4;
	char *end;
	long bits = strtol(g, &end, 10);
	if (s->af == AF_INET && inet_pton(AF_INET, g, &m4) == 1)
		s->netmask = m4.s_addr;
	else if (*end == '\0' && bits >= 0 && bits <= 128)
		s->netmask = s->af == AF_INET6 ? (uint32_t)bits : v4_mask((unsigned)bits);
}

static int family_of_fwmark(const struct conf_virtual_server *cv)
{
	return cv->nreal_servers && cv->real_servers[0].addr.family == AF_INET6 ? AF_INET6 : AF_INET;
}

/* Only NAT rewrites the port: a DR or TUN dest is reached on the service's
 * own port (none for a fwmark service), whatever the real_server line says,
 * as keepalived and ipvsadm install it. A NAT server without a port takes
 * the service's. */
static void dest_from_conf(struct ipvs_dest *dst, const struct ipvs_service *svc,
			   const struct conf_virtual_server *cv, const struct conf_real_server *cr, int weight)
{
	memset(dst, 0, sizeof(*dst));
	dst->af = (uint16_t)cr->addr.family;
	memcpy(dst->addr.raw, cr->addr.addr, addr_len(cr->addr.family));
	dst->conn_flags = fwd_of(cr->lb_kind >= 0 ? cr->lb_kind : cv->lb_kind);
	if ((dst->conn_flags & IP_VS_CONN_F_FWD_MASK) != IP_VS_CONN_F_MASQ)
		dst->port = svc->fwmark ? 0 : svc->port;
	else
		dst->port = cr->port ? (uint16_t)cr->port : svc->port;
	dst->weight = weight;
	dst->u_threshold = cr->uthreshold;
	dst->l_threshold = cr->lthreshold;
}

/* The family of a group virtual server as keepalived 2.2.7 sets it: its
 * sorry server's, else its first real server's, leaving out servers
 * reached by tunnel (their family may differ); 0 when none sets it. */
static int group_vs_family(const struct conf_virtual_server *cv)
{
	const struct conf_real_server *s = cv->sorry_server;
	if (s && (s->lb_kind < 0 ? cv->lb_kind : s->lb_kind) != CONF_LB_TUN)
		return s->addr.family;
	for (int r = 0; r < cv->nreal_servers; r++) {
		const struct conf_real_server *rs = &cv->real_servers[r];
		if ((rs->lb_kind < 0 ? cv->lb_kind : rs->lb_kind) != CONF_LB_TUN)
			return rs->addr.family;
	}
	return 0;
}

/* Whether keepalived 2.2.7 drops a group virtual server at start
 * (link_vsg_to_vs): its group has IPv4 and IPv6 addresses and the virtual
 * server a family, or its group's only family is not the virtual
 * server's. lvsd then programs none of its services either. */
static bool group_family_mismatch(const struct conf_virtual_server *cv, const struct conf_vs_group *g)
{
	bool v4 = false, v6 = false;
	for (int e = 0; e < g->nentries; e++) {
		if (g->entries[e].fwmark)
			continue;
		if (g->entries[e].addr.family == AF_INET6)
			v6 = true;
		else
			v4 = true;
	}
	int af = group_vs_family(cv);
	if (!af)
		return false;
	return (v4 && v6) || (v4 && af == AF_INET6) || (v6 && af == AF_INET);
}

/* The kernel services one virtual_server stands for: one, or one per
 * address (and fwmark) of its virtual_server_group. */
/* The identity of the one service of a virtual_server that names no group. */
static void vs_identity(const struct conf_virtual_server *cv, struct ipvs_service *s)
{
	memset(s, 0, sizeof(*s));
	if (cv->kind == CONF_VS_ADDR) {
		s->af = (uint16_t)cv->addr.family;
		s->protocol = ipproto_of(cv->protocol);
		memcpy(s->addr.raw, cv->addr.addr, addr_len(cv->addr.family));
		s->port = (uint16_t)cv->port;
	} else if (cv->kind == CONF_VS_FWMARK) {
		s->af = (uint16_t)family_of_fwmark(cv);
		s->fwmark = cv->fwmark;
	}
}

static int vs_services(const struct conf_keepalived *conf, const struct lvs *vs, struct ipvs_service **out)
{
	const struct conf_virtual_server *cv = vs->conf;
	struct ipvs_service base, *v = NULL;
	int n = 0;

	vs_identity(cv, &base);
	if (cv->kind != CONF_VS_GROUP) {
		if (!(v = malloc(sizeof(*v))))
			return -1;
		svc_attrs(&base, cv);
		v[0] = base;
		*out = v;
		return 1;
	}
	const struct conf_vs_group *g = conf_vs_group(conf, cv->group);
	if (!g || group_family_mismatch(cv, g)) {
		*out = NULL;
		return 0;
	}
	for (int e = 0; e < g->nentries; e++) {
		const struct conf_vsg_entry *en = &g->entries[e];
		/* A range counts the low bits up from the address's: past ffff
		 * back to 0 when it wraps (IPv6, as keepalived counts) */
		unsigned first = 0, count = 1, low_mask = en->addr.family == AF_INET6 ? 0xffffu : 0xffu;
		const int ranged = !en->fwmark && (en->range_last || en->range_wraps);
		if (ranged) {
			first = en->addr.family == AF_INET6 ?
				(unsigned)en->addr.addr[14] << 8 | en->addr.addr[15] : en->addr.addr[3];
			count = ((en->range_last - first) & low_mask) + 1;
		}
		struct ipvs_service *nv = realloc(v, ((size_t)n + count) * sizeof(*v));
		if (!nv) {
			free(v);
			return -1;
		}
		v = nv;
		for (unsigned k = 0; k < count; k++) {
			unsigned i = (first + k) & low_mask;
			struct ipvs_service s;
			memset(&s, 0, sizeof(s));
			if (en->fwmark) {
				s.af = (uint16_t)family_of_fwmark(cv);
				s.fwmark = en->fwmark;
			} else {
				s.af = (uint16_t)en->addr.family;
				s.protocol = ipproto_of(cv->protocol);
				memcpy(s.addr.raw, en->addr.addr, addr_len(en->addr.family));
				if (ranged && s.af == AF_INET6) {
					s.addr.raw[14] = (uint8_t)(i >> 8);
					s.addr.raw[15] = (uint8_t)i;
				} else if (ranged) {
					s.addr.raw[3] = (uint8_t)i;
				}
				s.port = (uint16_t)en->port;
			}
			svc_attrs(&s, cv);
			v[n++] = s;
		}
	}
	*out = v;
	return n;
}

static bool same_dest(const struct kernel_dest *a, const struct ipvs_dest *b)
{
	return a->af == b->af && a->port == b->port && memcmp(a->addr.raw, b->addr.raw, addr_len(a->af)) == 0;
}

/* Whether dst is already among the n dests of v (every pass asks it of
 * every dest; above this many a hash index keeps that linear). */
#define DEST_SCAN_MAX 32
static int dest_seen(struct ipvs_keymap *seen, const struct want_svc *ws, const struct want_dest *v, int n,
		     const struct ipvs_dest *dst)
{
	if (!seen) {
		for (int i = 0; i < n; i++)
			if (same_dest(&v[i].dest, dst))
				return 1;
		return 0;
	}
	struct ipvs_key k = ipvs_dest_key(&ws->svc, dst);
	int r = ipvs_keymap_put(seen, &k, 0);
	return r < 0 ? -1 : r == 0;
}

/* What a virtual server's dests should be now (keepalived's rules):
 * an up server with its weight, a down one only with inhibit_on_failure
 * (weight 0); when quorum is lost and there is a sorry server, the sorry
 * server instead of the up ones. */
static int vs_dests(const struct lvs *vs, struct want_svc *ws)
{
	const struct conf_virtual_server *cv = vs->conf;
	bool sorry = !vs->quorum_up && cv->sorry_server;
	struct want_dest *v = calloc((size_t)vs->nrs + 1, sizeof(*v));
	struct ipvs_keymap index, *seen = vs->nrs + 1 > DEST_SCAN_MAX ? &index : NULL;

	if (!v)
		return -1;
	memset(&index, 0, sizeof(index));
	ws->dests = v;
	ws->ndests = 0;
	for (int pass = 0; pass < 2; pass++) {
		/* The sorry server first, so a real server with its address yields. */
		for (int r = pass ? 0 : -1; r < (pass ? vs->nrs : 0); r++) {
			struct ipvs_dest dst;
			if (r < 0) {
				if (!sorry)
					continue;
				dest_from_conf(&dst, &ws->svc, cv, cv->sorry_server, cv->sorry_server->weight);
			} else {
				const struct lrs *rs = &vs->rs[r];
				if (rs->up && !sorry)
					dest_from_conf(&dst, &ws->svc, cv, rs->conf, lvs_rs_live_weight(rs));
				else if (!rs->up && rs_inhibit(vs, rs))
					dest_from_conf(&dst, &ws->svc, cv, rs->conf, 0);
				else
					continue;
			}
			int dup = dest_seen(seen, ws, v, ws->ndests, &dst);
			if (dup < 0) {
				ipvs_keymap_free(&index);
				return -1;
			}
			if (dup)
				continue;
			v[ws->ndests].dest = kernel_dest_of(&dst);
			v[ws->ndests].rs = r;
			ws->ndests++;
		}
	}
	ipvs_keymap_free(&index);
	return 0;
}

static bool same_identity(const struct ipvs_service *a, const struct ipvs_service *b)
{
	if (a->fwmark || b->fwmark)
		return a->fwmark == b->fwmark && a->af == b->af;
	return a->af == b->af && a->protocol == b->protocol && a->port == b->port &&
	       memcmp(a->addr.raw, b->addr.raw, addr_len(a->af)) == 0;
}

/* A reload in pieces asks it of every virtual server: one without a group
 * is answered without building its service. */
bool lvs_serves(const struct conf_keepalived *conf, const struct lvs *vs, const struct ipvs_service *key)
{
	struct ipvs_service *svcs = NULL, one;

	if (vs->conf->kind != CONF_VS_GROUP) {
		vs_identity(vs->conf, &one);
		return same_identity(key, &one);
	}
	int n = vs_services(conf, vs, &svcs);
	bool found = false;
	for (int i = 0; i < n && !found; i++)
		found = same_identity(key, &svcs[i]);
	free(svcs);
	return found;
}

bool addr_is_local(const struct ifaddrs *ifs, int af, const void *addr)
{
	for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != af)
			continue;
		const void *a = af == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)i->ifa_addr)->sin6_addr
					       : (const void *)&((const struct sockaddr_in *)i->ifa_addr)->sin_addr;
		if (memcmp(a, addr, addr_len(af)) == 0)
			return true;
	}
	return false;
}

int build_want_vs(const struct conf_keepalived *conf, struct lvs *model, int v, struct want *w)
{
	struct lvs *vs = &model[v];
	struct ipvs_service *svcs = NULL;
	int n = vs_services(conf, vs, &svcs);
	if (n < 0)
		return -1;
	vs->nservices = vs->suspended ? 0 : n;
	for (int i = 0; i < vs->nservices; i++) {
		struct want_svc *ws = want_add(w, &svcs[i], v);
		if (!ws || vs_dests(vs, ws) != 0) {
			free(svcs);
			return -1;
		}
	}
	free(svcs);
	return 0;
}

int build_want(const struct conf_keepalived *conf, struct lvs *model, int nvs, struct want *w)
{
	memset(w, 0, sizeof(*w));
	for (int v = 0; v < nvs; v++)
		if (build_want_vs(conf, model, v, w) != 0)
			return -1;
	return 0;
}

void lvs_text_set(char **slot, const char *text, size_t len)
{
	if (len > LVS_TEXT_MAX)
		len = LVS_TEXT_MAX;
	if (!text || !len) {
		free(*slot);
		*slot = NULL;
		return;
	}
	if (*slot && strlen(*slot) == len && memcmp(*slot, text, len) == 0)
		return;
	char *s = malloc(len + 1);
	if (s) {
		memcpy(s, text, len);
		s[len] = '\0';
	}
	free(*slot);
	*slot = s;
}

const char *lvs_text(const char *slot)
{
	return slot ? slot : "";
}

/*
 * checkd's reasons name the server ("TCP_CHECK 172.16.0.1:8080: connect:
 * Network is unreachable"): with that name as one byte, a farm that is
 * down shares a handful of texts, where a copy each was 2.4 MiB at 37,294
 * servers. One table for every model: a reload carries reasons over.
 */
#define REASON_SELF '\001'
static struct strtab reasons;

void lrs_reason_set(struct lrs *rs, const char *text, size_t len)
{
	char name[LRS_NAME_MAX], shape[LVS_TEXT_MAX + 1];
	const char *kept = NULL;

	if (len > LVS_TEXT_MAX)
		len = LVS_TEXT_MAX;
	if (text && len) {
		size_t n = strlen(lrs_name(rs, name));
		const char *at = text;   /* a plain search: libc's memmem is larger than all of this */
		while (at + n <= text + len && memcmp(at, name, n) != 0)
			at++;
		if (at + n <= text + len && !memchr(text, REASON_SELF, len)) {
			size_t head = (size_t)(at - text);
			memcpy(shape, text, head);
			shape[head] = REASON_SELF;
			memcpy(shape + head + 1, at + n, len - head - n);
			text = shape;
			len -= n - 1;
		}
		if (!(kept = strtab_get(&reasons, text, len)))
			return;
	}
	strtab_put(&reasons, rs->reason);
	rs->reason = kept;
}

const char *lrs_reason(const struct lrs *rs, char *buf, size_t size)
{
	char name[LRS_NAME_MAX];

	const char *self = rs->reason ? strchr(rs->reason, REASON_SELF) : NULL;
	if (!self)
		return rs->reason;
	snprintf(buf, size, "%.*s%s%s", (int)(self - rs->reason), rs->reason, lrs_name(rs, name), self + 1);
	return buf;
}

const char *lrs_name(const struct lrs *rs, char buf[LRS_NAME_MAX])
{
	return conf_addr_port(&rs->conf->addr, rs->conf->port, buf, LRS_NAME_MAX);
}

long long lvs_decimal(const char *s, long long max)
{
	long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v;
}

bool lvs_addr_port(const char *text, struct conf_ip *ip, unsigned *port, bool *has_port)
{
	char host[64];
	const char *port_text = NULL;
	size_t len;

	*has_port = false;
	*port = 0;
	memset(ip, 0, sizeof(*ip));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close)
			return false;
		len = (size_t)(close - text - 1);
		if (close[1] == ':')
			port_text = close + 2;
		else if (close[1] != '\0')
			return false;
		if (len >= sizeof(host))
			return false;
		memcpy(host, text + 1, len);
		host[len] = '\0';
		if (inet_pton(AF_INET6, host, ip->addr) != 1)
			return false;
		ip->family = AF_INET6;
	} else {
		const char *colon = strchr(text, ':');
		if (colon && strchr(colon + 1, ':')) {
			if (inet_pton(AF_INET6, text, ip->addr) != 1)
				return false;
			ip->family = AF_INET6;
			return true;
		}
		len = colon ? (size_t)(colon - text) : strlen(text);
		if (len >= sizeof(host))
			return false;
		memcpy(host, text, len);
		host[len] = '\0';
		if (inet_pton(AF_INET, host, ip->addr) != 1)
			return false;
		ip->family = AF_INET;
		port_text = colon ? colon + 1 : NULL;
	}
	if (!port_text)
		return true;
	long long p = lvs_decimal(port_text, 65535);
	if (p < 0)
		return false;
	*port = (unsigned)p;
	*has_port = true;
	return true;
}

void model_free_vs(struct lvs *vs)
{
	for (int r = 0; r < vs->nrs; r++) {
		strtab_put(&reasons, vs->rs[r].reason);
		free(vs->rs[r].error);
	}
	free(vs->rs);
	free(vs->error);
}

void model_free(struct lvs *vs, int nvs)
{
	for (int v = 0; v < nvs; v++)
		model_free_vs(&vs[v]);
	free(vs);
}

/*
 * Names of the old model sorted, to find what a reload carries over: a
 * scan of the old model for each virtual server and each real server made
 * a reload quadratic in both (seconds at 2,284 virtual servers; a virtual
 * server with thousands of real servers did the same on its own). Among
 * equal names the first in config order wins, as the scan had it.
 */
struct named {
	const char *name;
	int at;
};

static int named_order(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* n names found at base + i * stride + name_at; NULL when n is 0 or out of memory. */
static struct named *names_sorted(const void *base, int n, size_t stride, size_t name_at)
{
	struct named *v = n > 0 ? malloc((size_t)n * sizeof(*v)) : NULL;

	if (!v)
		return NULL;
	for (int i = 0; i < n; i++)
		v[i] = (struct named){ (const char *)base + (size_t)i * stride + name_at, i };
	qsort(v, (size_t)n, sizeof(*v), named_order);
	return v;
}

/* A real server as its name says it: family, address, port. Two real
 * servers have one name exactly when these are equal, so the old ones are
 * sorted and found by them, without making a name for each. */
struct rs_addr {
	const struct conf_real_server *c;
	int at;
};

static int addr_port_cmp(const struct conf_ip *a, unsigned pa, const struct conf_ip *b, unsigned pb)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	int c = memcmp(a->addr, b->addr, a->family == AF_INET6 ? 16 : 4);
	if (c)
		return c;
	return (pa > pb) - (pa < pb);
}

static int rs_addr_cmp(const struct conf_real_server *x, const struct conf_real_server *y)
{
	return addr_port_cmp(&x->addr, x->port, &y->addr, y->port);
}

struct lrs *lvs_find_rs(struct lvs *model, int nvs, const char *vs_name, size_t vs_len, const char *rs_name,
			size_t rs_len, struct lvs **vsp)
{
	char text[LRS_NAME_MAX], name[LRS_NAME_MAX];
	struct conf_ip ip;
	unsigned port;
	bool has_port;

	if (rs_len >= sizeof(text))
		return NULL;
	memcpy(text, rs_name, rs_len);
	text[rs_len] = '\0';
	if (!lvs_addr_port(text, &ip, &port, &has_port) || !has_port)
		return NULL;
	for (int v = 0; v < nvs; v++) {
		if (strlen(model[v].name) != vs_len || memcmp(model[v].name, vs_name, vs_len) != 0)
			continue;
		for (int r = 0; r < model[v].nrs; r++) {
			struct lrs *rs = &model[v].rs[r];
			if (addr_port_cmp(&rs->conf->addr, rs->conf->port, &ip, port) != 0 ||
			    strcmp(lrs_name(rs, name), text) != 0)
				continue;
			if (vsp)
				*vsp = &model[v];
			return rs;
		}
	}
	return NULL;
}

static int rs_addr_order(const void *a, const void *b)
{
	const struct rs_addr *x = a, *y = b;
	int c = rs_addr_cmp(x->c, y->c);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* ovs's real servers sorted by address; NULL when it has none or memory ran out. */
static struct rs_addr *rs_sorted(const struct lvs *ovs)
{
	struct rs_addr *v = ovs->nrs > 0 ? malloc((size_t)ovs->nrs * sizeof(*v)) : NULL;

	if (!v)
		return NULL;
	for (int r = 0; r < ovs->nrs; r++)
		v[r] = (struct rs_addr){ ovs->rs[r].conf, r };
	qsort(v, (size_t)ovs->nrs, sizeof(*v), rs_addr_order);
	return v;
}

/* The first of n sorted entries of size bytes at base that cmp does not
 * put below key, or n: where the first entry equal to key is, if any. */
static int first_not_below(const void *base, int n, size_t size, const void *key,
			   int (*cmp)(const void *entry, const void *key))
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (cmp((const char *)base + (size_t)mid * size, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int rs_addr_to_key(const void *entry, const void *key)
{
	return rs_addr_cmp(((const struct rs_addr *)entry)->c, key);
}

static int named_to_key(const void *entry, const void *key)
{
	return strcmp(((const struct named *)entry)->name, key);
}

/* The position in the old virtual server of the first real server with c's
 * address and port, or -1. */
static int rs_find(const struct rs_addr *v, int n, const struct conf_real_server *c)
{
	int i = first_not_below(v, n, sizeof(*v), c, rs_addr_to_key);
	return i < n && rs_addr_cmp(v[i].c, c) == 0 ? v[i].at : -1;
}

/* The position of name's first entry in v, or -1. */
static int names_find(const struct named *v, int n, const char *name)
{
	int i = first_not_below(v, n, sizeof(*v), name, named_to_key);
	return i < n && strcmp(v[i].name, name) == 0 ? v[i].at : -1;
}

static void carry_health(struct lrs *rs, const struct lrs *ors)
{
	rs->up = ors->up;
	rs->weight = ors->weight;
	rs->weight_conf_seen = ors->weight_conf_seen;
	rs->have_weight = ors->have_weight;
	rs->transitions = ors->transitions;
	rs->changed_ms = ors->changed_ms;
	rs->changed_valid = ors->changed_valid;
	if (ors->reason)   /* out of memory leaves none, as any reason that cannot be kept */
		rs->reason = strtab_get(&reasons, ors->reason, strlen(ors->reason));
}

/* The model for conf; health and quorum carried over from old by name. */
int model_build(const struct conf_keepalived *conf, struct lvs *old, int nold,
		       struct lvs **out, int *nout)
{
	struct lvs *m = calloc((size_t)conf->nvirtual_servers + 1, sizeof(*m));
	struct named *old_vs = names_sorted(old, nold, sizeof(*old), offsetof(struct lvs, name));

	if (!m || (nold > 0 && !old_vs)) {
		free(m);
		free(old_vs);
		return -1;
	}
	for (int v = 0; v < conf->nvirtual_servers; v++) {
		const struct conf_virtual_server *cv = &conf->virtual_servers[v];
		struct lvs *vs = &m[v];
		vs->conf = cv;
		conf_vs_name(cv, vs->name, sizeof(vs->name));
		const struct conf_vs_group *g = cv->kind == CONF_VS_GROUP ? conf_vs_group(conf, cv->group) : NULL;
		if (g && group_family_mismatch(cv, g))
			log_warn("%s: the families of its group's addresses and of its real servers do not "
				 "match, so it is not programmed (keepalived 2.2.7 ignores it too)", vs->name);
		vs->rs = calloc((size_t)cv->nreal_servers + 1, sizeof(*vs->rs));
		int o = old_vs ? names_find(old_vs, nold, vs->name) : -1;
		struct lvs *ovs = o >= 0 ? &old[o] : NULL;
		struct rs_addr *old_rs = ovs ? rs_sorted(ovs) : NULL;
		if (!vs->rs || (ovs && ovs->nrs > 0 && !old_rs)) {
			free(old_rs);
			free(old_vs);
			model_free(m, v + 1);
			return -1;
		}
		vs->nrs = cv->nreal_servers;
		for (int r = 0; r < cv->nreal_servers; r++) {
			struct lrs *rs = &vs->rs[r];
			rs->conf = &cv->real_servers[r];
			rs_initial(vs, rs);
			int at = old_rs ? rs_find(old_rs, ovs->nrs, rs->conf) : -1;
			if (at >= 0)
				carry_health(rs, &ovs->rs[at]);
		}
		free(old_rs);
		vs->carried = ovs != NULL;
		if (ovs) {
			vs->quorum_up = ovs->quorum_up;
			vs->suspended = ovs->suspended;
		} else {
			vs->quorum_up = live_weight(vs) >= (long)cv->quorum + (long)cv->hysteresis;
		}
	}
	free(old_vs);
	*out = m;
	*nout = conf->nvirtual_servers;
	return 0;
}
