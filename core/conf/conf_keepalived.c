/*
 * conf_keepalived.c - typed layer of the config: walks the generic tree
 * (conf.c) into the structs of conf.h, validating every value.
 *
 * Each block is described by a keyword table: name, value kind, where the
 * value goes (offsetof into the block's struct), range or choices. Keywords
 * keepalived knows but lvsbox does not act on are accepted as "known" and
 * stay readable in the tree; anything else draws a warning, never silence.
 */
#include "conf.h"
#include "conf_fingerprint.h"
#include "check_regex.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum kw_kind {
	KW_STR,        /* one word; choices restrict it */
	KW_CMD,        /* a command line: one or more words */
	KW_UINT,       /* unsigned in [min, max] */
	KW_INT,        /* int in [min, max] */
	KW_TIMER,      /* seconds with fraction, stored as ms in [min, max] ms */
	KW_FLAG,       /* no value, or a boolean */
	KW_IP,
	KW_ENUM,       /* one of choices, stored as its index */
	KW_STRLIST,    /* block of words */
	KW_IPLIST,     /* block of addresses */
	KW_TRACK,      /* block of NAME [weight N] */
	KW_KNOWN,      /* valid keepalived keyword lvsbox does not interpret */
	KW_OBSOLETE,   /* accepted with a warning, ignored */
	KW_UNSUPPORTED,/* valid in keepalived, not in lvsbox: warning */
	KW_CUSTOM,
	KW_FIRST = 0x100, /* or'ed into a kind: the first line of the keyword in its block counts */
	KW_LENIENT = 0x200, /* or'ed into KW_STR/KW_ENUM with choices, or KW_IP: a value not among
			     * them (not an address) is a warning and leaves the field as it
			     * was, as keepalived does */
	KW_DEPRECATED = 0x400, /* or'ed into a kind: an old spelling, warned about (renamed[]) */
};

struct walk;
typedef void custom_fn(struct walk *w, const struct conf_node *n, void *obj);

/* Narrow fields: some 300 of these are in the binary (the checkers'
 * common keywords stand in each checker's table), 24 bytes each on 32-bit
 * targets. A field offset or a bound that does not fit fails the build
 * (-Woverflow, -Werror). */
struct kw {
	const char *name;
	uint16_t kind;
	uint16_t off;               /* NO_STORE: validate only */
	int32_t min;
	uint32_t max;
	const char *const *choices;
	custom_fn *custom;
};

#define NO_STORE UINT16_MAX
#define UNSET ((unsigned)-1)        /* a default that waits for other keywords */
#define GARP_MASTER_DELAY_MS 5000   /* keepalived's built-in vrrp_garp_master_delay */
#define GARP_MASTER_REPEAT 5
#define END_KW { NULL, 0, 0, 0, 0, NULL, NULL }

struct walk {
	struct conf_keepalived *conf;
	struct conf_tree *tree;
	int oom;
	/* Keywords of a block that draw "unknown keyword" and yet have always
	 * been honoured there: stored quietly into honour_obj when valid. */
	const struct kw *honour;
	void *honour_obj;
	int quiet;
	/* the real servers of the virtual server being read, the checkers of
	 * its real server: gathered here, then kept in the tree's memory */
	struct scratch { void *v; int n, cap; } real_servers, checkers;
	conf_vs_fn *each_vs;        /* conf_keepalived_check_each, conf_keepalived_read_servers */
	void *each_ctx;
	bool keep_servers;          /* conf_keepalived_read_servers: the checkers go after each_vs */
};

#define warn_at(w, n, ...) do { if (!(w)->quiet) conf_diag((w)->tree, 0, (n)->file, (n)->line, __VA_ARGS__); } while (0)
#define error_at(w, n, ...) do { if (!(w)->quiet) conf_diag((w)->tree, 1, (n)->file, (n)->line, __VA_ARGS__); } while (0)

static void walk_block(struct walk *w, const struct conf_node *block, const struct kw *table, void *obj, const char *label);

/* A command line's words, in an array of the tree's memory rather than the
 * node's own: the typed view outlives the nodes (conf_tree_drop_nodes). */
static void set_cmd(struct walk *w, struct conf_cmd *cmd, const struct conf_node *n)
{
	char **argv = n->nargs ? conf_tree_alloc(w->tree, n->nargs * sizeof(*argv)) : NULL;
	if (n->nargs && !argv) {
		w->oom = 1;
		return;
	}
	if (argv)
		memcpy(argv, n->args, n->nargs * sizeof(*argv));
	cmd->argv = argv;
	cmd->argc = n->nargs;
}

/*
 * Appends a zeroed element to *arr (n elements of size) and returns it.
 * The room doubles when n reaches a power of two, so that thousands of
 * elements are not thousands of reallocations.
 */
static void *grow(struct walk *w, void *arr_ptr, int *n, size_t size)
{
	void **arr = arr_ptr;
	char *grown = *arr;
	if ((*n & (*n - 1)) == 0) {
		grown = realloc(*arr, (size_t)(*n ? *n * 2 : 1) * size);
		if (!grown) {
			w->oom = 1;
			return NULL;
		}
	}
	*arr = grown;
	memset(grown + (size_t)*n * size, 0, size);
	return grown + (size_t)(*n)++ * size;
}

/* Appends a zeroed element to a scratch list, reused block after block. */
static void *scratch_add(struct walk *w, struct scratch *s, size_t size)
{
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;
		void *grown = realloc(s->v, (size_t)cap * size);
		if (!grown) {
			w->oom = 1;
			return NULL;
		}
		s->v = grown;
		s->cap = cap;
	}
	char *slot = (char *)s->v + (size_t)s->n++ * size;
	memset(slot, 0, size);
	return slot;
}

/* The scratch list's elements, moved to the tree's memory (freed with it),
 * or with own to memory of their own (checkers that go before the tree,
 * keep_servers); the list emptied; NULL when it was empty. */
static void *scratch_keep(struct walk *w, struct scratch *s, size_t size, int *n, bool own)
{
	void *kept = NULL;
	*n = 0;
	if (!s->n)
		return NULL;
	if (!(kept = own ? malloc((size_t)s->n * size) : conf_tree_alloc(w->tree, (size_t)s->n * size)))
		w->oom = 1;
	else {
		memcpy(kept, s->v, (size_t)s->n * size);
		*n = s->n;
	}
	s->n = 0;
	return kept;
}

/* A decimal number in [min, max]; long long so that fwmarks fit on 32-bit boxes. */
static int parse_num(const char *s, long long min, long long max, long long *out)
{
	char *end;
	if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "2", "0.5", "1.25": milliseconds; finer digits are dropped. */
static int parse_timer_ms(const char *s, long long min, long long max, unsigned *out)
{
	unsigned long long ms = 0;
	int digits = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if ((ms = ms * 10 + (unsigned)(*s - '0')) > 4294967ull)
			return -1;
	ms *= 1000;
	if (*s == '.') {
		unsigned scale = 100;
		for (s++; *s >= '0' && *s <= '9'; s++, digits++, scale /= 10)
			ms += (unsigned)(*s - '0') * scale;
	}
	if (*s || !digits || ms < (unsigned long long)min || ms > (unsigned long long)max)
		return -1;
	*out = (unsigned)ms;
	return 0;
}

static int parse_ip(const char *s, struct conf_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, ip->addr) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, s, ip->addr) == 1)
		ip->family = AF_INET6;
	return ip->family ? 0 : -1;
}

static int parse_bool(const char *s)
{
	static const char *const yes[] = { "on", "true", "yes" }, *const no[] = { "off", "false", "no" };
	for (int i = 0; i < 3; i++) {
		if (strcmp(s, yes[i]) == 0)
			return 1;
		if (strcmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

static int choice_index(const char *const *choices, const char *s)
{
	for (int i = 0; choices[i]; i++)
		if (strcmp(choices[i], s) == 0)
			return i;
	return -1;
}

static void choices_text(const char *const *choices, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = 0;
	for (int i = 0; choices[i] && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "|" : "", choices[i]);
}

static int needs_block(int kind)
{
	return kind == KW_STRLIST || kind == KW_IPLIST || kind == KW_TRACK;
}

static void track_entry(struct walk *w, const struct conf_node *e, struct conf_track_list *list)
{
	struct conf_track *t = grow(w, &list->v, &list->n, sizeof(*t));
	if (!t)
		return;
	t->name = e->keyword;
	t->file = e->file;
	t->line = e->line;
	if (e->nargs == 0)
		return;
	long long weight;
	int reverse_ok = e->nargs == 3 && strcmp(e->args[2], "reverse") == 0;
	if ((e->nargs != 2 && !reverse_ok) || strcmp(e->args[0], "weight") ||
	    parse_num(e->args[1], -254, 254, &weight) < 0) {
		error_at(w, e, "track entry '%s': expected NAME [weight -254..254 [reverse]]", e->keyword);
		return;
	}
	t->weight = reverse_ok ? -(int)weight : (int)weight;
	t->has_weight = 1;
}

/* A value that is none of the keyword's choices: an error, or for a
 * KW_LENIENT keyword a warning that keeps the value set before. */
static void bad_choice(struct walk *w, const struct kw *kw, const struct conf_node *n, const char *v)
{
	char buf[128];
	choices_text(kw->choices, buf, sizeof(buf));
	if (kw->kind & KW_LENIENT)
		warn_at(w, n, "'%s' value '%s' is not one of %s, ignored", n->keyword, v, buf);
	else
		error_at(w, n, "'%s' value '%s' is not one of %s", n->keyword, v, buf);
}

/* KW_DEPRECATED keywords, each with the one to write instead: few, so kept
 * out of the table's entries. */
static const char *const renamed[] = { "nb_get_retry", "retry", NULL };

/* One keyword line against its table entry. */
static void apply_kw(struct walk *w, const struct kw *kw, const struct conf_node *n, void *obj)
{
	char *field = obj && kw->off != NO_STORE ? (char *)obj + kw->off : NULL;
	const char *v = n->nargs ? n->args[0] : "";
	long long num;
	const int kind = kw->kind & ~(KW_LENIENT | KW_DEPRECATED);

	for (int i = 0; (kw->kind & KW_DEPRECATED) && renamed[i]; i += 2)
		if (strcmp(n->keyword, renamed[i]) == 0)
			warn_at(w, n, "'%s' is deprecated, use '%s'", n->keyword, renamed[i + 1]);
	switch (kind) {
	case KW_KNOWN:
		return;
	case KW_OBSOLETE:
		warn_at(w, n, "'%s' is obsolete and ignored", n->keyword);
		return;
	case KW_UNSUPPORTED:
		warn_at(w, n, "'%s' is not supported by lvsbox and ignored", n->keyword);
		return;
	case KW_CUSTOM:
		kw->custom(w, n, obj);
		return;
	}
	if (needs_block(kind) && !n->has_block) {
		error_at(w, n, "'%s' needs a { } block", n->keyword);
		return;
	}
	if (!needs_block(kind) && n->has_block) {
		error_at(w, n, "'%s' does not take a { } block", n->keyword);
		return;
	}
	if (kind != KW_FLAG && kind != KW_CMD && !needs_block(kind) && n->nargs != 1) {
		error_at(w, n, "'%s' takes exactly one value", n->keyword);
		return;
	}
	switch (kind) {
	case KW_STR:
		if (kw->choices && choice_index(kw->choices, v) < 0) {
			bad_choice(w, kw, n, v);
		} else if (field) {
			*(const char **)field = v;
		}
		break;
	case KW_ENUM: {
		int i = choice_index(kw->choices, v);
		if (i < 0) {
			bad_choice(w, kw, n, v);
		} else if (field) {
			*(int *)field = i;
		}
		break;
	}
	case KW_CMD:
		if (n->nargs == 0)
			error_at(w, n, "'%s' needs a command", n->keyword);
		else if (field)
			set_cmd(w, (struct conf_cmd *)field, n);
		break;
	case KW_UINT:
	case KW_INT:
		if (parse_num(v, kw->min, kw->max, &num) < 0)
			error_at(w, n, "'%s' value '%s' is not a number in %lld..%lld", n->keyword, v, (long long)kw->min,
				 (long long)kw->max);
		else if (field && kind == KW_UINT)
			*(unsigned *)field = (unsigned)num;
		else if (field)
			*(int *)field = (int)num;
		break;
	case KW_TIMER: {
		unsigned ms;
		long long min = kw->min, max = kw->max;
		if (parse_timer_ms(v, min, max, &ms) < 0 && (kw->kind & KW_LENIENT))
			warn_at(w, n, "'%s' value '%s' is not a time in %lld.%03lld..%lld seconds, ignored", n->keyword, v,
				min / 1000, min % 1000, max / 1000);
		else if (parse_timer_ms(v, min, max, &ms) < 0)
			error_at(w, n, "'%s' value '%s' is not a time in %lld.%03lld..%lld seconds", n->keyword, v,
				min / 1000, min % 1000, max / 1000);
		else if (field)
			*(unsigned *)field = ms;
		break;
	}
	case KW_FLAG: {
		int on = n->nargs == 0 ? 1 : n->nargs == 1 ? parse_bool(v) : -1;
		if (on < 0)
			error_at(w, n, "'%s' takes no value or one of on|off|true|false|yes|no", n->keyword);
		else if (field)
			*(int *)field = on;
		break;
	}
	case KW_IP: {
		struct conf_ip ip;
		if (parse_ip(v, &ip) < 0 && (kw->kind & KW_LENIENT))
			warn_at(w, n, "'%s' value '%s' is not an IP address, ignored", n->keyword, v);
		else if (parse_ip(v, &ip) < 0)
			error_at(w, n, "'%s' value '%s' is not an IP address", n->keyword, v);
		else if (field)
			*(struct conf_ip *)field = ip;
		break;
	}
	case KW_STRLIST:
	case KW_IPLIST:
	case KW_TRACK:
		if (n->nargs)
			error_at(w, n, "'%s' takes its entries inside { }", n->keyword);
		for (const struct conf_node *e = n->child; e; e = e->next) {
			if (e->has_block) {
				error_at(w, e, "unexpected block in '%s'", n->keyword);
				continue;
			}
			if (kind == KW_TRACK) {
				if (field)
					track_entry(w, e, (struct conf_track_list *)field);
				continue;
			}
			if (kind == KW_IPLIST) {
				struct conf_ip ip;
				if (parse_ip(e->keyword, &ip) < 0) {
					error_at(w, e, "'%s' entry '%s' is not an IP address", n->keyword, e->keyword);
					continue;
				}
				if (e->nargs)
					warn_at(w, e, "'%s' entry options after '%s' are ignored", n->keyword, e->keyword);
				struct conf_ip_list *list = (struct conf_ip_list *)field;
				struct conf_ip *slot = list ? grow(w, &list->v, &list->n, sizeof(*slot)) : NULL;
				if (slot)
					*slot = ip;
				continue;
			}
			struct conf_str_list *list = (struct conf_str_list *)field;
			for (int i = -1; list && i < e->nargs; i++) {
				const char **slot = grow(w, &list->v, &list->n, sizeof(*slot));
				if (slot)
					*slot = i < 0 ? e->keyword : e->args[i];
			}
		}
		break;
	}
}

/* The first letters are compared before strcmp: every line of a config
 * comes through here, and most table entries differ at once. */
static const struct kw *find_kw(const struct kw *table, const char *keyword)
{
	while (table->name && (table->name[0] != keyword[0] || strcmp(table->name, keyword)))
		table++;
	return table->name ? table : NULL;
}

static void walk_block(struct walk *w, const struct conf_node *block, const struct kw *table, void *obj, const char *label)
{
	for (const struct conf_node *n = block->child; n; n = n->next) {
		const struct kw *kw = find_kw(table, n->keyword);
		if (kw && (kw->kind & KW_FIRST)) {
			/* a later line is validated, not stored */
			struct kw first = *kw;
			first.kind &= ~KW_FIRST;
			apply_kw(w, &first, n, conf_child(block, n->keyword) == n ? obj : NULL);
		} else if (kw) {
			apply_kw(w, kw, n, obj);
		} else {
			warn_at(w, n, "unknown keyword '%s' in %s", n->keyword, label);
			kw = w->honour ? find_kw(w->honour, n->keyword) : NULL;
			if (kw && conf_child(block, n->keyword) == n) {
				struct kw quiet = *kw;
				quiet.kind &= ~KW_FIRST;
				quiet.kind &= ~KW_DEPRECATED;
				w->quiet = 1;
				apply_kw(w, &quiet, n, w->honour_obj);
				w->quiet = 0;
			}
		}
	}
}

/* A keyword that names a block and takes a name: "vrrp_instance VI_1 {". */
static int named_block(struct walk *w, const struct conf_node *n)
{
	if (n->nargs != 1) {
		error_at(w, n, "'%s' takes exactly one name", n->keyword);
		return 0;
	}
	if (!n->has_block) {
		error_at(w, n, "'%s %s' needs a { } block", n->keyword, n->args[0]);
		return 0;
	}
	return 1;
}

static const char *const lb_kinds[] = { "NAT", "DR", "TUN", NULL };
static const char *const protocols[] = { "TCP", "UDP", "SCTP", NULL };
static const char *const schedulers[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos", NULL
};

/* ---- global_defs ---- */

/* The first address getaddrinfo gives for name, as keepalived takes it. */
static int resolve_host(const char *name, struct conf_ip *ip)
{
	struct addrinfo *res = NULL;
	memset(ip, 0, sizeof(*ip));
	if (getaddrinfo(name, NULL, NULL, &res) != 0 || !res)
		return -1;
	if (res->ai_family == AF_INET) {
		ip->family = AF_INET;
		memcpy(ip->addr, &((const struct sockaddr_in *)(const void *)res->ai_addr)->sin_addr, 4);
	} else if (res->ai_family == AF_INET6) {
		ip->family = AF_INET6;
		memcpy(ip->addr, &((const struct sockaddr_in6 *)(const void *)res->ai_addr)->sin6_addr, 16);
	}
	freeaddrinfo(res);
	return ip->family ? 0 : -1;
}

/* smtp_server ADDR|HOSTNAME [PORT]: keepalived 2.2.7 looks a host name up
 * when it reads the config, and only warns when that fails. */
static void smtp_server(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_global *g = obj;
	long long port = 25;
	if (n->nargs < 1 || n->nargs > 2 || n->has_block) {
		error_at(w, n, "'smtp_server' expects ADDRESS|HOSTNAME [PORT]");
		return;
	}
	if (n->nargs == 2 && parse_num(n->args[1], 1, 65535, &port) < 0) {
		warn_at(w, n, "'smtp_server' port '%s' is not a number in 1..65535, smtp_server ignored", n->args[1]);
		memset(&g->smtp_server, 0, sizeof(g->smtp_server));
		return;
	}
	g->smtp_port = (unsigned)port;
	if (parse_ip(n->args[0], &g->smtp_server) == 0)
		return;
	if (w->tree->flags & CONF_NO_RESOLVE)
		warn_at(w, n, "'smtp_server' host name '%s' not looked up here, ignored", n->args[0]);
	else if (resolve_host(n->args[0], &g->smtp_server) < 0)
		warn_at(w, n, "'smtp_server' '%s' is neither an IP address nor a host name that resolves, ignored", n->args[0]);
}

static void global_script_user(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_global *g = obj;
	if (n->nargs < 1 || n->nargs > 2 || n->has_block) {
		error_at(w, n, "'script_user' expects USER [GROUP]");
		return;
	}
	g->script_user = n->args[0];
	g->script_group = n->nargs == 2 ? n->args[1] : NULL;
}

/* nftables [TABLE]: keepalived's table name for the VIP filter */
static void global_nftables(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_global *g = obj;
	if (n->has_block) {
		error_at(w, n, "'nftables' does not take a { } block");
		return;
	}
	if (n->nargs > 1)
		warn_at(w, n, "'nftables' takes one table name, the rest is ignored");
	if (n->nargs && (!n->args[0][0] || strlen(n->args[0]) > 255)) {
		error_at(w, n, "'nftables' table name must be 1..255 characters");
		return;
	}
	if (n->nargs)
		g->nftables_table = n->args[0];
}

/* ---- global_defs: the IPVS side's own keywords (acted on by lvsd and vrrpd) ---- */

static const char *const syncd_options[] = { "id", "maxlen", "port", "ttl", "group", NULL };

/* One "NAME VALUE" option of lvs_sync_daemon; a bad value is a warning and
 * leaves the kernel's default, as keepalived does. */
static void syncd_option(struct walk *w, const struct conf_node *n, struct conf_lvs_syncd *sd,
			 const char *name, const char *value)
{
	static const long long max[] = { 255, 65507, 65535, 255 };
	long long v;
	int i = choice_index(syncd_options, name);

	if (i == 4) {
		struct conf_ip group;
		int multicast = 0;
		if (parse_ip(value, &group) == 0)
			multicast = group.family == AF_INET ? (group.addr[0] & 0xf0) == 0xe0 : group.addr[0] == 0xff;
		if (!multicast)
			warn_at(w, n, "lvs_sync_daemon group '%s' is not a multicast address, ignored", value);
		else
			sd->group = group;
		return;
	}
	if (parse_num(value, i == 0 ? 0 : 1, max[i], &v) < 0) {
		if (i == 0)
			warn_at(w, n, "lvs_sync_daemon id '%s' is not 0..255, the instance's VRID is used", value);
		else
			warn_at(w, n, "lvs_sync_daemon %s '%s' is not 1..%lld, ignored", name, value, max[i]);
		return;
	}
	switch (i) {
	case 0: sd->syncid = (int)v; break;
	case 1: sd->maxlen = (unsigned)v; break;
	case 2: sd->port = (unsigned)v; break;
	default: sd->ttl = (unsigned)v; break;
	}
}

/* lvs_sync_daemon IFACE [[inst] INSTANCE] [SYNCID] [id N] [maxlen N] [port N] [ttl N] [group IP] */
static void global_lvs_sync_daemon(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_global *g = obj;
	struct conf_lvs_syncd sd = { .syncid = -1, .file = n->file, .line = n->line };
	int i = 1;

	if (n->has_block) {
		error_at(w, n, "'lvs_sync_daemon' does not take a { } block");
		return;
	}
	if (n->nargs < 1) {
		warn_at(w, n, "'lvs_sync_daemon' needs an interface, ignored");
		return;
	}
	if (g->lvs_syncd.ifname) {
		warn_at(w, n, "'lvs_sync_daemon' is already set to %s%s%s, ignored", g->lvs_syncd.ifname,
			g->lvs_syncd.instance ? " " : "", g->lvs_syncd.instance ? g->lvs_syncd.instance : "");
		return;
	}
	if (strlen(n->args[0]) >= 16) {
		warn_at(w, n, "lvs_sync_daemon interface name '%s' is too long, ignored", n->args[0]);
		return;
	}
	sd.ifname = n->args[0];
	if (i < n->nargs && strcmp(n->args[i], "inst") == 0) {
		if (i + 1 >= n->nargs) {
			warn_at(w, n, "lvs_sync_daemon 'inst' needs an instance name, ignored");
			return;
		}
		sd.instance = n->args[i + 1];
		i += 2;
	} else if (i < n->nargs && choice_index(syncd_options, n->args[i]) < 0) {
		sd.instance = n->args[i++];
	}
	/* the old form: the sync id right after the instance */
	if (i < n->nargs && choice_index(syncd_options, n->args[i]) < 0) {
		long long v;
		if (parse_num(n->args[i], 0, 255, &v) == 0)
			warn_at(w, n, "lvs_sync_daemon: write 'id %s' for the sync id", n->args[i]);
		syncd_option(w, n, &sd, "id", n->args[i++]);
	}
	while (i < n->nargs) {
		const char *name = n->args[i];
		if (choice_index(syncd_options, name) < 0) {
			warn_at(w, n, "lvs_sync_daemon: unknown option '%s', ignored", name);
			i++;
		} else if (i + 1 >= n->nargs) {
			warn_at(w, n, "lvs_sync_daemon '%s' needs a value, ignored", name);
			i++;
		} else {
			syncd_option(w, n, &sd, name, n->args[i + 1]);
			i += 2;
		}
	}
	g->lvs_syncd = sd;
}

/* lvs_timeouts [tcp S] [tcpfin S] [udp S]: seconds, at most 31 days as keepalived allows */
static void global_lvs_timeouts(struct walk *w, const struct conf_node *n, void *obj)
{
	static const char *const names[] = { "tcp", "tcpfin", "udp", NULL };
	struct conf_lvs_timeouts *t = &((struct conf_global *)obj)->lvs_timeouts;
	unsigned *fields[] = { &t->tcp, &t->tcpfin, &t->udp };
	long long v;

	if (n->has_block) {
		error_at(w, n, "'lvs_timeouts' does not take a { } block");
		return;
	}
	if (n->nargs < 2) {
		warn_at(w, n, "'lvs_timeouts' needs at least one of tcp, tcpfin, udp with seconds, ignored");
		return;
	}
	for (int i = 0; i < n->nargs; i++) {
		int k = choice_index(names, n->args[i]);
		if (k < 0) {
			warn_at(w, n, "lvs_timeouts: unknown option '%s', ignored", n->args[i]);
		} else if (i + 1 >= n->nargs) {
			warn_at(w, n, "lvs_timeouts %s needs seconds, ignored", names[k]);
		} else if (parse_num(n->args[++i], 0, 2678400, &v) < 0) {
			warn_at(w, n, "lvs_timeouts %s '%s' is not 0..2678400 seconds, ignored", names[k], n->args[i]);
		} else {
			*fields[k] = (unsigned)v;
		}
	}
}

/* lvs_flush: any words after it are ignored, as keepalived ignores them */
static void global_lvs_flush(struct walk *w, const struct conf_node *n, void *obj)
{
	if (n->has_block) {
		error_at(w, n, "'lvs_flush' does not take a { } block");
		return;
	}
	((struct conf_global *)obj)->lvs_flush = 1;
}

/* lvs_flush_on_stop [VS] (also spelt lvs_flush_onstop) */
static void global_lvs_flush_on_stop(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_global *g = obj;

	if (n->has_block) {
		error_at(w, n, "'%s' does not take a { } block", n->keyword);
		return;
	}
	if (n->nargs && strcmp(n->args[0], "VS")) {
		warn_at(w, n, "'%s' type '%s' is not VS, ignored", n->keyword, n->args[0]);
		return;
	}
	g->lvs_flush_on_stop = n->nargs ? CONF_FLUSH_ON_STOP_VS : CONF_FLUSH_ON_STOP_FULL;
}

/* max_auto_priority [-1..99]: without a value the highest */
static void global_max_auto_priority(struct walk *w, const struct conf_node *n, void *obj)
{
	long long v = 99;

	if (n->has_block) {
		error_at(w, n, "'max_auto_priority' does not take a { } block");
		return;
	}
	if (n->nargs && parse_num(n->args[0], -1, 99, &v) < 0) {
		warn_at(w, n, "max_auto_priority '%s' is not 0..99 (or -1), ignored", n->args[0]);
		return;
	}
	((struct conf_global *)obj)->max_auto_priority = (int)v;
}

/* min_auto_priority_delay MICROSECONDS: 1..10000000, else a warning as keepalived's */
static void global_min_auto_priority_delay(struct walk *w, const struct conf_node *n, void *obj)
{
	long long v;

	if (n->has_block || n->nargs != 1) {
		error_at(w, n, "'min_auto_priority_delay' takes exactly one value");
		return;
	}
	if (parse_num(n->args[0], 1, 10000000, &v) < 0) {
		warn_at(w, n, "min_auto_priority_delay '%s' is not 1..10000000 microseconds, ignored", n->args[0]);
		return;
	}
	((struct conf_global *)obj)->min_auto_priority_delay_us = (unsigned)v;
}

#define G(f) offsetof(struct conf_global, f)
static const struct kw global_kws[] = {
	{ "router_id", KW_STR, G(router_id), 0, 0, NULL, NULL },
	{ "notification_email", KW_STRLIST, G(notification_email), 0, 0, NULL, NULL },
	{ "notification_email_from", KW_STR, G(notification_email_from), 0, 0, NULL, NULL },
	{ "smtp_server", KW_CUSTOM, 0, 0, 0, NULL, smtp_server },
	{ "smtp_connect_timeout", KW_TIMER, G(smtp_connect_timeout_ms), 1, 3600000, NULL, NULL },
	{ "smtp_helo_name", KW_STR, G(smtp_helo_name), 0, 0, NULL, NULL },
	{ "smtp_alert", KW_FLAG, G(smtp_alert), 0, 0, NULL, NULL },
	{ "smtp_alert_vrrp", KW_FLAG, G(smtp_alert_vrrp), 0, 0, NULL, NULL },
	{ "smtp_alert_checker", KW_FLAG, G(smtp_alert_checker), 0, 0, NULL, NULL },
	{ "script_user", KW_CUSTOM, 0, 0, 0, NULL, global_script_user },
	{ "enable_script_security", KW_FLAG, G(enable_script_security), 0, 0, NULL, NULL },
	{ "vrrp_version", KW_UINT, G(vrrp_version), 2, 3, NULL, NULL },
	{ "vrrp_strict", KW_FLAG, G(vrrp_strict), 0, 0, NULL, NULL },
	{ "vrrp_garp_master_delay", KW_TIMER, G(vrrp_garp_master_delay_ms), 0, 255000, NULL, NULL },
	{ "vrrp_garp_master_repeat", KW_UINT, G(vrrp_garp_master_repeat), 0, 255, NULL, NULL },
	{ "vrrp_garp_master_refresh", KW_TIMER, G(vrrp_garp_master_refresh_ms), 0, 86400000, NULL, NULL },
	{ "vrrp_garp_master_refresh_repeat", KW_UINT, G(vrrp_garp_master_refresh_repeat), 0, 255, NULL, NULL },
	/* keepalived 2.2.7: 0 (or more than 4294.967295 s) is invalid, a warning */
	{ "vrrp_garp_interval", KW_TIMER | KW_LENIENT, G(vrrp_garp_interval_ms), 1, 4294967, NULL, NULL },
	{ "vrrp_gna_interval", KW_TIMER | KW_LENIENT, G(vrrp_gna_interval_ms), 1, 4294967, NULL, NULL },
	{ "vrrp_mcast_group4", KW_IP, G(vrrp_mcast_group4), 0, 0, NULL, NULL },
	{ "vrrp_mcast_group6", KW_IP, G(vrrp_mcast_group6), 0, 0, NULL, NULL },
	{ "lvs_id", KW_STR, G(lvs_id), 0, 0, NULL, NULL },
	{ "default_interface", KW_STR, G(default_interface), 0, 0, NULL, NULL },
	{ "vrrp_garp_lower_prio_delay", KW_TIMER, G(vrrp_garp_lower_prio_delay_ms), 0, 255000, NULL, NULL },
	{ "vrrp_garp_lower_prio_repeat", KW_UINT, G(vrrp_garp_lower_prio_repeat), 0, 255, NULL, NULL },
	{ "vrrp_min_garp", KW_FLAG, G(vrrp_min_garp), 0, 0, NULL, NULL },
	{ "vrrp_lower_prio_no_advert", KW_FLAG, G(vrrp_lower_prio_no_advert), 0, 0, NULL, NULL },
	{ "vrrp_skip_check_adv_addr", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "vrrp_check_unicast_src", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "vrrp_iptables", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "nftables", KW_CUSTOM, 0, 0, 0, NULL, global_nftables },
	{ "nftables_priority", KW_INT, G(nftables_priority), INT32_MIN, INT32_MAX, NULL, NULL },
	{ "nftables_counters", KW_FLAG, G(nftables_counters), 0, 0, NULL, NULL },
	/* link-local sets keyed by interface index: the only kind lvsbox makes */
	{ "nftables_ifindex", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "vrrp_no_swap", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "checker_no_swap", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "vrrp_priority", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "checker_priority", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "lvs_flush", KW_CUSTOM, 0, 0, 0, NULL, global_lvs_flush },
	{ "lvs_flush_on_stop", KW_CUSTOM, 0, 0, 0, NULL, global_lvs_flush_on_stop },
	{ "lvs_flush_onstop", KW_CUSTOM, 0, 0, 0, NULL, global_lvs_flush_on_stop },
	{ "lvs_sync_daemon", KW_CUSTOM, 0, 0, 0, NULL, global_lvs_sync_daemon },
	{ "lvs_timeouts", KW_CUSTOM, 0, 0, 0, NULL, global_lvs_timeouts },
	{ "max_auto_priority", KW_CUSTOM, 0, 0, 0, NULL, global_max_auto_priority },
	{ "min_auto_priority_delay", KW_CUSTOM, 0, 0, 0, NULL, global_min_auto_priority_delay },
	{ "startup_script", KW_CMD, G(startup_script), 0, 0, NULL, NULL },
	{ "startup_script_timeout", KW_UINT, G(startup_script_timeout), 1, 1000, NULL, NULL },
	{ "shutdown_script", KW_CMD, G(shutdown_script), 0, 0, NULL, NULL },
	{ "shutdown_script_timeout", KW_UINT, G(shutdown_script_timeout), 1, 1000, NULL, NULL },
	/* each process already has its applet's name */
	{ "process_names", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "enable_traps", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	{ "enable_dbus", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	{ "enable_snmp_vrrp", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	{ "enable_snmp_checker", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	END_KW
};

/* ---- vrrp_script ---- */

static void script_weight(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_vrrp_script *s = obj;
	long long weight;
	int reverse = n->nargs == 2 && strcmp(n->args[1], "reverse") == 0;
	if ((n->nargs != 1 && !reverse) || parse_num(n->args[0], -253, 253, &weight) < 0) {
		error_at(w, n, "'weight' expects -253..253 [reverse]");
		return;
	}
	s->weight = reverse ? -(int)weight : (int)weight;
}

static void script_user(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_vrrp_script *s = obj;
	if (n->nargs < 1 || n->nargs > 2) {
		error_at(w, n, "'user' expects USER [GROUP]");
		return;
	}
	s->user = n->args[0];
	s->group = n->nargs == 2 ? n->args[1] : NULL;
}

#define S(f) offsetof(struct conf_vrrp_script, f)
static const struct kw script_kws[] = {
	{ "script", KW_CMD, S(script), 0, 0, NULL, NULL },
	{ "interval", KW_TIMER, S(interval_ms), 1, 86400000, NULL, NULL },
	{ "timeout", KW_TIMER, S(timeout_ms), 1, 86400000, NULL, NULL },
	{ "weight", KW_CUSTOM, 0, 0, 0, NULL, script_weight },
	{ "rise", KW_UINT, S(rise), 1, 1000000, NULL, NULL },
	{ "fall", KW_UINT, S(fall), 1, 1000000, NULL, NULL },
	{ "user", KW_CUSTOM, 0, 0, 0, NULL, script_user },
	{ "init_fail", KW_KNOWN, 0, 0, 0, NULL, NULL },
	END_KW
};

/* ---- vrrp_instance ---- */

static const char *const vrrp_states[] = { "BACKUP", "MASTER", NULL };
static const char *const auth_types[] = { "NONE", "PASS", "AH", NULL };

static void auth_pass(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_vrrp_instance *vi = obj;
	if (n->nargs != 1 || n->has_block) {
		error_at(w, n, "'auth_pass' takes exactly one value");
		return;
	}
	/* RFC 3768's authentication data is 8 bytes; keepalived truncates too */
	if (strlen(n->args[0]) > 8)
		warn_at(w, n, "auth_pass longer than 8 characters, truncated to '%.8s'", n->args[0]);
	snprintf(vi->auth_pass, sizeof(vi->auth_pass), "%.8s", n->args[0]);
}

#define V(f) offsetof(struct conf_vrrp_instance, f)
static const struct kw auth_kws[] = {
	{ "auth_type", KW_ENUM, V(auth_type), 0, 0, auth_types, NULL },
	{ "auth_pass", KW_CUSTOM, 0, 0, 0, NULL, auth_pass },
	END_KW
};

static void authentication(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_vrrp_instance *vi = obj;
	if (!n->has_block || n->nargs) {
		error_at(w, n, "'authentication' needs a { } block");
		return;
	}
	walk_block(w, n, auth_kws, obj, "authentication");
	if (vi->auth_type != CONF_AUTH_NONE && !vi->auth_pass[0])
		error_at(w, n, "authentication without auth_pass");
}

/* ADDR[/PFX] [dev X] [label Y] [scope Z] [brd B] */
static void vip_entry(struct walk *w, const struct conf_node *e, struct conf_vip_list *list)
{
	char addr[64];
	const char *slash = strchr(e->keyword, '/');
	struct conf_vip vip = { .prefix = -1, .file = e->file, .line = e->line };
	long long prefix;

	snprintf(addr, sizeof(addr), "%.*s", slash ? (int)(slash - e->keyword) : 63, e->keyword);
	if (parse_ip(addr, &vip.addr) < 0) {
		error_at(w, e, "virtual address '%s' is not an IP address", e->keyword);
		return;
	}
	if (slash) {
		if (parse_num(slash + 1, 0, vip.addr.family == AF_INET ? 32 : 128, &prefix) < 0) {
			error_at(w, e, "virtual address '%s' has a bad prefix length", e->keyword);
			return;
		}
		vip.prefix = (int)prefix;
	}
	for (int i = 0; i < e->nargs; i += 2) {
		const char *opt = e->args[i], *val = i + 1 < e->nargs ? e->args[i + 1] : NULL;
		if (!val) {
			error_at(w, e, "virtual address option '%s' needs a value", opt);
			return;
		}
		if (strcmp(opt, "dev") == 0)
			vip.dev = val;
		else if (strcmp(opt, "label") == 0)
			vip.label = val;
		else if (strcmp(opt, "scope") == 0)
			vip.scope = val;
		else if (strcmp(opt, "brd") == 0 || strcmp(opt, "broadcast") == 0) {
			if (parse_ip(val, &vip.brd) < 0 || vip.brd.family != vip.addr.family) {
				error_at(w, e, "virtual address broadcast '%s' is not an address of the same family", val);
				return;
			}
		} else {
			error_at(w, e, "unknown virtual address option '%s'", opt);
			return;
		}
	}
	struct conf_vip *slot = grow(w, &list->v, &list->n, sizeof(*slot));
	if (slot)
		*slot = vip;
}

static void vip_block(struct walk *w, const struct conf_node *n, struct conf_vip_list *list)
{
	if (!n->has_block || n->nargs) {
		error_at(w, n, "'%s' needs a { } block", n->keyword);
		return;
	}
	for (const struct conf_node *e = n->child; e; e = e->next)
		vip_entry(w, e, list);
}

static void vips(struct walk *w, const struct conf_node *n, void *obj)
{
	vip_block(w, n, &((struct conf_vrrp_instance *)obj)->vips);
}

static void vips_excluded(struct walk *w, const struct conf_node *n, void *obj)
{
	vip_block(w, n, &((struct conf_vrrp_instance *)obj)->vips_excluded);
}

/* accept / no_accept: the last one written counts, as in keepalived */
static void accept_mode(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_vrrp_instance *vi = obj;
	if (n->has_block) {
		error_at(w, n, "'%s' does not take a { } block", n->keyword);
		return;
	}
	if (n->nargs)
		warn_at(w, n, "'%s' takes no value, '%s' ignored", n->keyword, n->args[0]);
	vi->accept_mode = strcmp(n->keyword, "accept") == 0 ? CONF_ACCEPT_ON : CONF_ACCEPT_OFF;
}

static void use_vmac(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_vrrp_instance *vi = obj;
	if (n->nargs > 1 || n->has_block) {
		error_at(w, n, "'use_vmac' takes at most an interface name");
		return;
	}
	vi->use_vmac = 1;
	vi->vmac_name = n->nargs ? n->args[0] : NULL;
}

/* notify_deleted [COMMAND [USER [GROUP]]] */
static void notify_deleted(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_vrrp_instance *vi = obj;

	if (n->has_block) {
		error_at(w, n, "'notify_deleted' does not take a { } block");
		return;
	}
	vi->notify_deleted = 1;
	set_cmd(w, &vi->notify_deleted_cmd, n);
}

/* The old spelling of global lvs_sync_daemon IFACE INSTANCE, kept working. */
static void lvs_sync_daemon_interface(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_vrrp_instance *vi = obj;
	struct conf_lvs_syncd *sd = &w->conf->global.lvs_syncd;

	if (n->nargs != 1 || n->has_block) {
		error_at(w, n, "'lvs_sync_daemon_interface' takes exactly one interface");
		return;
	}
	warn_at(w, n, "'lvs_sync_daemon_interface' is deprecated, use global_defs lvs_sync_daemon %s %s",
		n->args[0], vi->name);
	if (sd->ifname) {
		warn_at(w, n, "lvs_sync_daemon is already set to %s, '%s' ignored", sd->ifname, n->args[0]);
		return;
	}
	if (strlen(n->args[0]) >= 16) {
		warn_at(w, n, "lvs_sync_daemon interface name '%s' is too long, ignored", n->args[0]);
		return;
	}
	*sd = (struct conf_lvs_syncd){ .ifname = n->args[0], .instance = vi->name, .syncid = -1,
				       .file = n->file, .line = n->line };
}

static const struct kw instance_kws[] = {
	{ "state", KW_ENUM, V(state), 0, 0, vrrp_states, NULL },
	{ "interface", KW_STR, V(interface), 0, 0, NULL, NULL },
	{ "virtual_router_id", KW_UINT, V(vrid), 1, 255, NULL, NULL },
	{ "priority", KW_UINT, V(priority), 1, 255, NULL, NULL },
	{ "advert_int", KW_TIMER, V(advert_int_ms), 10, 255000, NULL, NULL },
	{ "version", KW_UINT, V(version), 2, 3, NULL, NULL },
	{ "authentication", KW_CUSTOM, 0, 0, 0, NULL, authentication },
	{ "virtual_ipaddress", KW_CUSTOM, 0, 0, 0, NULL, vips },
	{ "virtual_ipaddress_excluded", KW_CUSTOM, 0, 0, 0, NULL, vips_excluded },
	{ "nopreempt", KW_FLAG, V(nopreempt), 0, 0, NULL, NULL },
	{ "preempt_delay", KW_TIMER, V(preempt_delay_ms), 0, 1000000, NULL, NULL },
	{ "unicast_src_ip", KW_IP, V(unicast_src_ip), 0, 0, NULL, NULL },
	{ "unicast_peer", KW_IPLIST, V(unicast_peers), 0, 0, NULL, NULL },
	{ "mcast_src_ip", KW_IP, V(mcast_src_ip), 0, 0, NULL, NULL },
	{ "track_interface", KW_TRACK, V(track_interface), 0, 0, NULL, NULL },
	{ "track_script", KW_TRACK, V(track_script), 0, 0, NULL, NULL },
	{ "track_file", KW_TRACK, V(track_file), 0, 0, NULL, NULL },
	{ "notify", KW_CMD, V(notify), 0, 0, NULL, NULL },
	{ "notify_master", KW_CMD, V(notify_master), 0, 0, NULL, NULL },
	{ "notify_backup", KW_CMD, V(notify_backup), 0, 0, NULL, NULL },
	{ "notify_fault", KW_CMD, V(notify_fault), 0, 0, NULL, NULL },
	{ "notify_stop", KW_CMD, V(notify_stop), 0, 0, NULL, NULL },
	{ "garp_master_delay", KW_TIMER, V(garp_master_delay_ms), 0, 255000, NULL, NULL },
	{ "garp_master_repeat", KW_UINT, V(garp_master_repeat), 0, 255, NULL, NULL },
	{ "garp_master_refresh", KW_TIMER, V(garp_master_refresh_ms), 0, 86400000, NULL, NULL },
	{ "garp_master_refresh_repeat", KW_UINT, V(garp_master_refresh_repeat), 0, 255, NULL, NULL },
	{ "use_vmac", KW_CUSTOM, 0, 0, 0, NULL, use_vmac },
	{ "smtp_alert", KW_FLAG, V(smtp_alert), 0, 0, NULL, NULL },
	{ "dont_track_primary", KW_FLAG, V(dont_track_primary), 0, 0, NULL, NULL },
	{ "native_ipv6", KW_FLAG, V(native_ipv6), 0, 0, NULL, NULL },
	{ "notify_deleted", KW_CUSTOM, 0, 0, 0, NULL, notify_deleted },
	{ "lvs_sync_daemon_interface", KW_CUSTOM, 0, 0, 0, NULL, lvs_sync_daemon_interface },
	{ "preempt", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "accept", KW_CUSTOM, 0, 0, 0, NULL, accept_mode },
	{ "no_accept", KW_CUSTOM, 0, 0, 0, NULL, accept_mode },
	{ "strict_mode", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "vmac_xmit_base", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "garp_lower_prio_delay", KW_TIMER, V(garp_lower_prio_delay_ms), 0, 255000, NULL, NULL },
	{ "garp_lower_prio_repeat", KW_UINT, V(garp_lower_prio_repeat), 0, 255, NULL, NULL },
	{ "lower_prio_no_advert", KW_FLAG, V(lower_prio_no_advert), 0, 0, NULL, NULL },
	{ "higher_prio_send_advert", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "skip_check_adv_addr", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "debug", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "virtual_routes", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	{ "virtual_rules", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	{ "track_process", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	{ "track_bfd", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	END_KW
};

/* ---- vrrp_sync_group ---- */

#define Y(f) offsetof(struct conf_sync_group, f)
static const struct kw sync_kws[] = {
	{ "group", KW_STRLIST, Y(instances), 0, 0, NULL, NULL },
	{ "notify", KW_CMD, Y(notify), 0, 0, NULL, NULL },
	{ "notify_master", KW_CMD, Y(notify_master), 0, 0, NULL, NULL },
	{ "notify_backup", KW_CMD, Y(notify_backup), 0, 0, NULL, NULL },
	{ "notify_fault", KW_CMD, Y(notify_fault), 0, 0, NULL, NULL },
	{ "notify_stop", KW_CMD, Y(notify_stop), 0, 0, NULL, NULL },
	{ "smtp_alert", KW_FLAG, Y(smtp_alert), 0, 0, NULL, NULL },
	{ "global_tracking", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "sync_group_tracking_weight", KW_KNOWN, 0, 0, 0, NULL, NULL },
	END_KW
};

/* ---- checkers: validated into struct conf_checker ---- */

static const char *const checker_names[] = {
	"TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "UDP_CHECK", "DNS_CHECK", "SMTP_CHECK", "PING_CHECK", NULL
};
static const char *const dns_types[] = { "A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", NULL };

static void check_opts_init(struct conf_check_opts *o)
{
	o->connect_timeout_ms = o->delay_loop_ms = o->delay_before_retry_ms = o->warmup_ms = CONF_UNSET;
	o->retry = o->nb_get_retry = CONF_UNSET;
	o->alpha = -1;
	o->virtualhost = NULL;
}

/* Validates n as kw; the first such line of a block (at not yet set) is
 * stored into obj and its place kept in at. obj NULL: validate only. */
static void store_first(struct walk *w, const struct conf_node *n, const struct kw *kw, void *obj, struct conf_at *at)
{
	int first = obj && at->line == 0;
	apply_kw(w, kw, n, first ? obj : NULL);
	if (first) {
		at->file = n->file;
		at->line = n->line;
	}
}

/* Lines kept as written (no value check here): the first one counts. */
static void keep_words(struct walk *w, const struct conf_node *n, struct conf_cmd *cmd, struct conf_at *at)
{
	if (at->line)
		return;
	set_cmd(w, cmd, n);
	at->file = n->file;
	at->line = n->line;
}

#define C(f) offsetof(struct conf_checker, f)
#define U(f) offsetof(struct conf_check_url, f)
#define LOCATED(fn, type, kind, off, min, max, at_field) \
	static void fn(struct walk *w, const struct conf_node *n, void *obj) \
	{ \
		static const struct kw kw = { NULL, kind, off, min, max, NULL, NULL }; \
		type *o = obj; \
		store_first(w, n, &kw, o, o ? &o->at_field : NULL); \
	}
/* keepalived 2.2.7 does not look checker addresses up: a host name is
 * ignored with a warning */
LOCATED(check_bindto, struct conf_checker, KW_IP | KW_LENIENT, C(bindto), 0, 0, bindto_at)
LOCATED(check_http_protocol, struct conf_checker, KW_STR, C(http_protocol), 0, 0, http_protocol_at)
LOCATED(check_misc_path, struct conf_checker, KW_CMD, C(misc_path), 0, 0, misc_path_at)
LOCATED(check_dns_name, struct conf_checker, KW_STR, C(dns_name), 0, 0, dns_name_at)
LOCATED(check_helo_name, struct conf_checker, KW_STR, C(helo_name), 0, 0, helo_name_at)
LOCATED(url_path, struct conf_check_url, KW_STR, U(path), 0, 0, path_at)
LOCATED(url_virtualhost, struct conf_check_url, KW_STR, U(virtualhost), 0, 0, virtualhost_at)
LOCATED(url_regex_max_offset, struct conf_check_url, KW_UINT, U(regex_max_offset), 0, 2147483647, regex_max_offset_at)

/* user, payload and require_reply: checkd reads their words */
static void checker_user(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_checker *c = obj;
	if (c)
		keep_words(w, n, &c->user, &c->user_at);
}

static void check_payload(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_checker *c = obj;
	if (c)
		keep_words(w, n, &c->payload, &c->payload_at);
}

static void check_require_reply(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_checker *c = obj;
	if (c)
		keep_words(w, n, &c->require_reply, &c->require_reply_at);
}

#define CHECK_COMMON \
	{ "connect_ip", KW_IP | KW_FIRST | KW_LENIENT, C(connect_ip), 0, 0, NULL, NULL }, \
	{ "connect_port", KW_UINT | KW_FIRST, C(connect_port), 1, 65535, NULL, NULL }, \
	{ "bindto", KW_CUSTOM, 0, 0, 0, NULL, check_bindto }, \
	{ "bind_port", KW_UINT | KW_FIRST, C(bind_port), 1, 65535, NULL, NULL }, \
	{ "bind_if", KW_STR | KW_FIRST, C(bind_if), 0, 0, NULL, NULL }, \
	{ "connect_timeout", KW_TIMER | KW_FIRST, C(opts.connect_timeout_ms), 1, 3600000, NULL, NULL }, \
	{ "retry", KW_UINT | KW_FIRST, C(opts.retry), 0, 1000000, NULL, NULL }, \
	{ "nb_get_retry", KW_UINT | KW_FIRST | KW_DEPRECATED, C(opts.nb_get_retry), 0, 1000000, NULL, NULL }, \
	{ "delay_before_retry", KW_TIMER | KW_FIRST, C(opts.delay_before_retry_ms), 0, 86400000, NULL, NULL }, \
	{ "delay_loop", KW_TIMER | KW_FIRST, C(opts.delay_loop_ms), 1, 86400000, NULL, NULL }, \
	{ "warmup", KW_TIMER | KW_FIRST, C(opts.warmup_ms), 0, 86400000, NULL, NULL }, \
	{ "fwmark", KW_UINT | KW_FIRST, C(fwmark), 1, 4294967295, NULL, NULL }, \
	{ "log_all_failures", KW_FLAG | KW_FIRST, C(log_all_failures), 0, 0, NULL, NULL }, \
	{ "alpha", KW_FLAG | KW_FIRST, C(opts.alpha), 0, 0, NULL, NULL }

static void status_code(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_check_url *u = obj;
	if (n->nargs == 0 || n->has_block)
		error_at(w, n, "'status_code' needs one or more codes");
	for (int i = 0; i < n->nargs; i++) {
		/* "200" or a range "200-299" */
		char first[8] = "", *dash = strchr(n->args[i], '-');
		long long lo, hi;
		snprintf(first, sizeof(first), "%.*s", dash ? (int)(dash - n->args[i]) : 7, n->args[i]);
		if (parse_num(first, 100, 599, &lo) < 0 ||
		    (dash && (parse_num(dash + 1, 100, 599, &hi) < 0 || hi < lo))) {
			error_at(w, n, "'status_code' value '%s' is not an HTTP status 100..599 or a range of them", n->args[i]);
			return;
		}
		struct conf_status_range *r = u ? grow(w, &u->status, &u->nstatus, sizeof(*r)) : NULL;
		if (r) {
			r->lo = (unsigned)lo;
			r->hi = dash ? (unsigned)hi : (unsigned)lo;
			r->at.file = n->file;
			r->at.line = n->line;
		}
	}
}

static void digest(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_check_url *u = obj;
	size_t len = n->nargs == 1 ? strlen(n->args[0]) : 0;
	if (len != 32 || strspn(n->args[0], "0123456789abcdefABCDEF") != 32)
		error_at(w, n, "'digest' expects 32 hex digits (an MD5 sum)");
	else if (u && !u->digest)
		u->digest = n->args[0];
}

/* url regex: a POSIX extended regular expression (core/check_regex.h) */
static void url_regex(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_check_url *u = obj;
	if (n->nargs != 1 || n->has_block) {
		error_at(w, n, "'regex' needs one pattern (quote it when it has blanks)");
		return;
	}
	struct ere re;
	char why[96];
	if (check_regex_compile(&re, n->args[0], 0, why, sizeof(why)) < 0) {
		error_at(w, n, "'regex' '%.60s' is not a POSIX extended regular expression: %s", n->args[0], why);
		return;
	}
	ere_free(&re);
	if (u && !u->regex_at.line) {
		u->regex = n->args[0];
		u->regex_at.file = n->file;
		u->regex_at.line = n->line;
	}
}

/* keepalived's options are PCRE2's; say which of them POSIX cannot honour. */
static void url_regex_options(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_check_url *u = obj;
	int cflags = 0;
	bool dotall = false;
	for (int i = 0; i < n->nargs; i++) {
		if (u)
			check_regex_option(n->args[i], &u->regex_cflags);
		switch (check_regex_option(n->args[i], &cflags)) {
		case CHECK_REGEX_OPT_UNKNOWN:
			warn_at(w, n, "unknown regex option '%s' ignored", n->args[i]);
			break;
		case CHECK_REGEX_OPT_IGNORED:
			warn_at(w, n, "regex option '%s' has no POSIX equivalent and is ignored", n->args[i]);
			break;
		case CHECK_REGEX_OPT_HONOURED:
			dotall |= strcmp(n->args[i], "dotall") == 0;
			break;
		}
	}
	if (dotall && (cflags & REG_NEWLINE))
		warn_at(w, n, "regex options 'dotall' and 'multiline' together: POSIX '.' then skips newlines");
}

static const struct kw url_kws[] = {
	{ "path", KW_CUSTOM, 0, 0, 0, NULL, url_path },
	{ "digest", KW_CUSTOM, 0, 0, 0, NULL, digest },
	{ "status_code", KW_CUSTOM, 0, 0, 0, NULL, status_code },
	{ "virtualhost", KW_CUSTOM, 0, 0, 0, NULL, url_virtualhost },
	{ "regex", KW_CUSTOM, 0, 0, 0, NULL, url_regex },
	{ "regex_no_match", KW_FLAG | KW_FIRST, U(regex_no_match), 0, 0, NULL, NULL },
	{ "regex_options", KW_CUSTOM, 0, 0, 0, NULL, url_regex_options },
	{ "regex_min_offset", KW_UINT | KW_FIRST, U(regex_min_offset), 0, 2147483647, NULL, NULL },
	{ "regex_max_offset", KW_CUSTOM, 0, 0, 0, NULL, url_regex_max_offset },
	{ "regex_stack", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	END_KW
};

static void url_block(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_checker *c = obj;
	if (!n->has_block || n->nargs) {
		error_at(w, n, "'url' needs a { } block");
		return;
	}
	struct conf_check_url *u = c ? grow(w, &c->urls, &c->nurls, sizeof(*u)) : NULL;
	if (u) {
		u->regex_min_offset = u->regex_max_offset = CONF_UNSET;
		u->at.file = n->file;
		u->at.line = n->line;
	}
	walk_block(w, n, url_kws, u, "url");
	if (!conf_child(n, "path"))
		error_at(w, n, "url without a path");
}

static const struct kw tcp_kws[] = { CHECK_COMMON, END_KW };
static const struct kw ping_kws[] = { CHECK_COMMON, END_KW };
static const struct kw http_kws[] = {
	CHECK_COMMON,
	{ "url", KW_CUSTOM, 0, 0, 0, NULL, url_block },
	{ "virtualhost", KW_STR | KW_FIRST, C(opts.virtualhost), 0, 0, NULL, NULL },
	{ "http_protocol", KW_CUSTOM, 0, 0, 0, NULL, check_http_protocol },
	{ "enable_sni", KW_FLAG | KW_FIRST, C(enable_sni), 0, 0, NULL, NULL },
	{ "fast_recovery", KW_FLAG | KW_FIRST, C(fast_recovery), 0, 0, NULL, NULL },
	END_KW
};
/* The connection options are not MISC_CHECK's: they draw "unknown keyword",
 * yet checkd has always honoured the ones written (tcp_kws, via w->honour). */
static const struct kw misc_kws[] = {
	{ "misc_path", KW_CUSTOM, 0, 0, 0, NULL, check_misc_path },
	{ "misc_timeout", KW_TIMER | KW_FIRST, C(misc_timeout_ms), 1, 86400000, NULL, NULL },
	{ "misc_dynamic", KW_FLAG | KW_FIRST, C(misc_dynamic), 0, 0, NULL, NULL },
	{ "user", KW_CUSTOM, 0, 0, 0, NULL, checker_user },
	{ "warmup", KW_TIMER | KW_FIRST, C(opts.warmup_ms), 0, 86400000, NULL, NULL },
	{ "delay_loop", KW_TIMER | KW_FIRST, C(opts.delay_loop_ms), 1, 86400000, NULL, NULL },
	END_KW
};
static const struct kw udp_kws[] = {
	CHECK_COMMON,
	{ "payload", KW_CUSTOM, 0, 0, 0, NULL, check_payload },   /* hex words, read by checkd */
	{ "require_reply", KW_CUSTOM, 0, 0, 0, NULL, check_require_reply },
	{ "min_reply_length", KW_UINT | KW_FIRST, C(min_reply_length), 0, 65535, NULL, NULL },
	{ "max_reply_length", KW_UINT | KW_FIRST, C(max_reply_length), 0, 65535, NULL, NULL },
	END_KW
};
static const struct kw dns_kws[] = {
	CHECK_COMMON,
	{ "type", KW_STR | KW_FIRST, C(dns_type), 0, 0, dns_types, NULL },
	{ "name", KW_CUSTOM, 0, 0, 0, NULL, check_dns_name },
	END_KW
};
static void smtp_host(struct walk *w, const struct conf_node *n, void *obj);
static const struct kw smtp_kws[] = {
	CHECK_COMMON,
	{ "helo_name", KW_CUSTOM, 0, 0, 0, NULL, check_helo_name },
	{ "host", KW_CUSTOM, 0, 0, 0, NULL, smtp_host },
	END_KW
};
/* checkd probes the checker's own address: a host block is validated only */
static void smtp_host(struct walk *w, const struct conf_node *n, void *obj)
{
	(void)obj;
	if (!n->has_block || n->nargs)
		error_at(w, n, "'host' needs a { } block");
	else
		walk_block(w, n, tcp_kws, NULL, "host");
}

static const struct kw *const checker_kws[] = {
	tcp_kws, http_kws, http_kws, misc_kws, udp_kws, dns_kws, smtp_kws, ping_kws
};

static void free_checker(struct conf_checker *c)
{
	if (c->type != CONF_CHECK_HTTP && c->type != CONF_CHECK_SSL)
		return;
	for (int i = 0; i < c->nurls; i++)
		free(c->urls[i].status);
	free(c->urls);
}

/* ---- real_server and virtual_server ---- */

/* A real_server as its block is read: what lvsd keeps, and what only the checker needs. */
struct rs_read {
	struct conf_real_server rs;
	struct conf_rs_checks checks;
};
#define R(f) offsetof(struct rs_read, f)
static void checker(struct walk *w, const struct conf_node *n, void *obj)
{
	(void)obj;
	int type = choice_index(checker_names, n->keyword);
	if (!n->has_block || n->nargs) {
		error_at(w, n, "'%s' needs a { } block", n->keyword);
		return;
	}
	struct conf_checker c = { .type = type, .node = n };
	check_opts_init(&c.opts);
	if (type == CONF_CHECK_MISC)
		c.misc_timeout_ms = CONF_UNSET;
	else if (type == CONF_CHECK_UDP)
		c.min_reply_length = c.max_reply_length = CONF_UNSET;
	const struct kw *honour = w->honour;
	void *honour_obj = w->honour_obj;
	w->honour = type == CONF_CHECK_MISC ? tcp_kws : NULL;
	w->honour_obj = &c;
	walk_block(w, n, checker_kws[type], &c, n->keyword);
	w->honour = honour;
	w->honour_obj = honour_obj;
	if (type == CONF_CHECK_MISC && !conf_child(n, "misc_path"))
		error_at(w, n, "MISC_CHECK without misc_path");
	struct conf_checker *slot = scratch_add(w, &w->checkers, sizeof(*slot));
	if (slot)
		*slot = c;
	else
		free_checker(&c);
}

/* alpha is the checkers' default here, read as it always was: no value,
 * or on/true/yes/1 in any case, is on; anything else off. */
static void rs_alpha(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_check_opts *opts = &((struct rs_read *)obj)->checks.check_opts;
	(void)w;
	if (opts->alpha >= 0)
		return;
	const char *v = n->nargs ? n->args[0] : NULL;
	opts->alpha = !v || strcasecmp(v, "on") == 0 || strcasecmp(v, "true") == 0 ||
		strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0;
}

static const struct kw rs_kws[] = {
	{ "weight", KW_INT, R(rs.weight), 0, 2147483647, NULL, NULL },
	{ "inhibit_on_failure", KW_FLAG, R(rs.inhibit_on_failure), 0, 0, NULL, NULL },
	{ "notify_up", KW_CMD, R(checks.notify_up), 0, 0, NULL, NULL },
	{ "notify_down", KW_CMD, R(checks.notify_down), 0, 0, NULL, NULL },
	{ "uthreshold", KW_UINT, R(rs.uthreshold), 0, 65535, NULL, NULL },
	{ "lthreshold", KW_UINT, R(rs.lthreshold), 0, 65535, NULL, NULL },
	{ "lb_kind", KW_ENUM | KW_LENIENT, R(rs.lb_kind), 0, 0, lb_kinds, NULL },
	{ "lvs_method", KW_ENUM | KW_LENIENT, R(rs.lb_kind), 0, 0, lb_kinds, NULL },
	{ "TCP_CHECK", KW_CUSTOM, 0, 0, 0, NULL, checker },
	{ "HTTP_GET", KW_CUSTOM, 0, 0, 0, NULL, checker },
	{ "SSL_GET", KW_CUSTOM, 0, 0, 0, NULL, checker },
	{ "MISC_CHECK", KW_CUSTOM, 0, 0, 0, NULL, checker },
	{ "UDP_CHECK", KW_CUSTOM, 0, 0, 0, NULL, checker },
	{ "DNS_CHECK", KW_CUSTOM, 0, 0, 0, NULL, checker },
	{ "SMTP_CHECK", KW_CUSTOM, 0, 0, 0, NULL, checker },
	{ "PING_CHECK", KW_CUSTOM, 0, 0, 0, NULL, checker },
	{ "smtp_alert", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "alpha", KW_CUSTOM, 0, 0, 0, NULL, rs_alpha },
	{ "delay_loop", KW_TIMER | KW_FIRST, R(checks.check_opts.delay_loop_ms), 1, 86400000, NULL, NULL },
	{ "retry", KW_UINT | KW_FIRST, R(checks.check_opts.retry), 0, 1000000, NULL, NULL },
	{ "delay_before_retry", KW_TIMER | KW_FIRST, R(checks.check_opts.delay_before_retry_ms), 0, 86400000, NULL, NULL },
	{ "connect_timeout", KW_TIMER | KW_FIRST, R(checks.check_opts.connect_timeout_ms), 1, 3600000, NULL, NULL },
	{ "warmup", KW_TIMER | KW_FIRST, R(checks.check_opts.warmup_ms), 0, 86400000, NULL, NULL },
	{ "virtualhost", KW_STR | KW_FIRST, R(checks.check_opts.virtualhost), 0, 0, NULL, NULL },
	{ "BFD_CHECK", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	{ "FILE_CHECK", KW_UNSUPPORTED, 0, 0, 0, NULL, NULL },
	END_KW
};
/* not a real_server keyword, yet honoured there (see struct walk) */
static const struct kw rs_honour[] = {
	{ "nb_get_retry", KW_UINT, R(checks.check_opts.nb_get_retry), 0, 1000000, NULL, NULL },
	END_KW
};

/* "IP [PORT]" of real_server and sorry_server into rs; 0 when fine. */
static int rs_address(struct walk *w, const struct conf_node *n, struct conf_real_server *rs, int port_required)
{
	long long port = 0;
	if (n->nargs < 1 + port_required || n->nargs > 2 || parse_ip(n->args[0], &rs->addr) < 0 ||
	    (n->nargs == 2 && parse_num(n->args[1], 0, 65535, &port) < 0)) {
		error_at(w, n, "'%s' expects IP%s", n->keyword, port_required ? " PORT" : " [PORT]");
		return -1;
	}
	rs->port = (unsigned)port;
	rs->weight = 1;
	rs->lb_kind = -1;
	rs->file = n->file;
	rs->line = n->line;
	return 0;
}

/* Only NAT rewrites the port: IPVS reaches a DR or TUN server on the
 * virtual server's port (none under a fwmark), so lvsd installs it there and
 * a different port on the line is worth a warning, as keepalived gives one.
 * The line keeps its port: keepalived's checkers probe the port as written. */
static void warn_rs_port(struct walk *w, const struct conf_virtual_server *vs, const struct conf_real_server *rs,
			 const char *what)
{
	int kind = rs->lb_kind >= 0 ? rs->lb_kind : vs->lb_kind;
	unsigned want = vs->kind == CONF_VS_FWMARK ? 0 : vs->port;
	if (vs->kind == CONF_VS_GROUP || kind == CONF_LB_NAT || rs->port == 0 || rs->port == want)
		return;
	if (vs->kind == CONF_VS_FWMARK)
		conf_diag(w->tree, 0, rs->file, rs->line, "%s port %u is ignored: a fwmark service's %s servers have none",
			  what, rs->port, kind == CONF_LB_DR ? "DR" : "TUN");
	else
		conf_diag(w->tree, 0, rs->file, rs->line, "%s port %u is not the virtual server's %u: %s uses %u",
			  what, rs->port, want, kind == CONF_LB_DR ? "DR" : "TUN", want);
}

static void free_real_server(struct conf_real_server *rs)
{
	if (!rs || !rs->checks || !rs->checks->checkers)
		return;
	for (int i = 0; i < rs->ncheckers; i++)
		free_checker(&rs->checks->checkers[i]);
}

/* conf_keepalived_read_servers: the checkers, and what holds them, were
 * taken into memory of their own */
static void drop_checkers(struct conf_real_server *rs)
{
	free_real_server(rs);
	if (rs->checks)
		free(rs->checks->checkers);
	free(rs->checks);
	rs->checks = NULL;
}

/* A real server read but not kept. */
static void discard_real_server(struct walk *w, struct conf_real_server *rs)
{
	if (w->keep_servers)
		drop_checkers(rs);
	else
		free_real_server(rs);
}

static void real_server(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_virtual_server *vs = obj;
	struct rs_read read = { 0 };
	struct conf_real_server rs;
	if (rs_address(w, n, &read.rs, 0) < 0)
		return;
	check_opts_init(&read.checks.check_opts);
	w->checkers.n = 0;
	if (!n->has_block)
		error_at(w, n, "'real_server' needs a { } block");
	else {
		const struct kw *honour = w->honour;
		void *honour_obj = w->honour_obj;
		w->honour = rs_honour;
		w->honour_obj = &read;
		walk_block(w, n, rs_kws, &read, "real_server");
		w->honour = honour;
		w->honour_obj = honour_obj;
	}
	rs = read.rs;
	read.checks.checkers = scratch_keep(w, &w->checkers, sizeof(*read.checks.checkers), &rs.ncheckers,
					    w->keep_servers);
	/* in the memory the checkers are in: lvsd's goes with them */
	rs.checks = w->keep_servers ? malloc(sizeof(*rs.checks)) : conf_tree_alloc(w->tree, sizeof(*rs.checks));
	if (!rs.checks) {
		w->oom = 1;
		rs.checks = &read.checks;
		free_real_server(&rs);
		if (w->keep_servers)
			free(read.checks.checkers);
		return;
	}
	*rs.checks = read.checks;
	(void)vs;
	/* keepalived 2.2.7 warns and drops the second of two real servers with
	 * one address and port; checkd would otherwise check it twice. */
	const struct conf_real_server *seen = w->real_servers.v;
	for (int i = 0; i < w->real_servers.n; i++)
		if (seen[i].port == rs.port && seen[i].addr.family == rs.addr.family &&
		    memcmp(seen[i].addr.addr, rs.addr.addr, sizeof(rs.addr.addr)) == 0) {
			char a[INET6_ADDRSTRLEN];
			warn_at(w, n, "real_server %s %u is already on line %d, removed (keepalived keeps the first)",
				conf_ip_str(&rs.addr, a, sizeof(a)), rs.port, seen[i].line);
			discard_real_server(w, &rs);
			return;
		}
	struct conf_real_server *slot = scratch_add(w, &w->real_servers, sizeof(*slot));
	if (slot)
		*slot = rs;
	else
		discard_real_server(w, &rs);
}

static void sorry_server(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_virtual_server *vs = obj;
	struct conf_real_server rs = { 0 };
	if (n->has_block) {
		error_at(w, n, "'sorry_server' does not take a { } block");
		return;
	}
	if (rs_address(w, n, &rs, 1) < 0)
		return;
	free(vs->sorry_server);
	if (!(vs->sorry_server = malloc(sizeof(rs))))
		w->oom = 1;
	else
		*vs->sorry_server = rs;
}

static void persistence_timeout(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_virtual_server *vs = obj;
	long long t;
	/* a missing value means keepalived's default of 6 minutes */
	if (n->nargs == 0 && !n->has_block) {
		vs->persistence_timeout = 360;
		return;
	}
	if (n->nargs != 1 || n->has_block || parse_num(n->args[0], 0, 2678400, &t) < 0) {
		error_at(w, n, "'persistence_timeout' value is not a number of seconds in 1..2678400");
		return;
	}
	/* seen in the wild meaning "no persistence"; keepalived rejects it too */
	if (t == 0)
		warn_at(w, n, "'persistence_timeout 0' is outside 1..2678400, ignored (no persistence)");
	vs->persistence_timeout = (unsigned)t;
}

static void persistence_granularity(struct walk *w, const struct conf_node *n, void *obj)
{
	struct conf_virtual_server *vs = obj;
	struct conf_ip mask;
	long long bits;
	if (n->nargs != 1 || n->has_block ||
	    (parse_ip(n->args[0], &mask) < 0 && parse_num(n->args[0], 1, 128, &bits) < 0)) {
		error_at(w, n, "'persistence_granularity' expects a netmask or a prefix length");
		return;
	}
	vs->persistence_granularity = n->args[0];
}

#define VS(f) offsetof(struct conf_virtual_server, f)

/* delay_loop and virtualhost: the virtual server's own value is the last
 * line's, its checkers' default the first line's, as each was always read. */
static void vs_delay_loop(struct walk *w, const struct conf_node *n, void *obj)
{
	static const struct kw own = { NULL, KW_TIMER, VS(delay_loop_ms), 1, 86400000, NULL, NULL };
	struct conf_virtual_server *vs = obj;
	apply_kw(w, &own, n, vs);
	if (vs->check_opts.delay_loop_ms == CONF_UNSET)
		vs->check_opts.delay_loop_ms = vs->delay_loop_ms;
}

static void vs_virtualhost(struct walk *w, const struct conf_node *n, void *obj)
{
	static const struct kw own = { NULL, KW_STR, VS(virtualhost), 0, 0, NULL, NULL };
	struct conf_virtual_server *vs = obj;
	apply_kw(w, &own, n, vs);
	if (!vs->check_opts.virtualhost)
		vs->check_opts.virtualhost = vs->virtualhost;
}

/* keepalived 2.2.7 reads a quorum that is not a number in 1..4294967295
 * ("0", "00", "-1", "1x") as 1 and says so; lvsbox does the same. */
static void vs_quorum(struct walk *w, const struct conf_node *n, void *obj)
{
	static const struct kw own = { NULL, KW_UINT, VS(quorum), 1, 4294967295, NULL, NULL };
	struct conf_virtual_server *vs = obj;
	long long num;
	if (n->nargs == 1 && !n->has_block && parse_num(n->args[0], 1, 4294967295, &num) < 0) {
		warn_at(w, n, "'quorum' value '%s' is not a number in 1..4294967295, using 1", n->args[0]);
		vs->quorum = 1;
		return;
	}
	apply_kw(w, &own, n, vs);
}

static const struct kw vs_honour[] = {
	{ "nb_get_retry", KW_UINT, VS(check_opts.nb_get_retry), 0, 1000000, NULL, NULL },
	END_KW
};

static const struct kw vs_kws[] = {
	{ "delay_loop", KW_CUSTOM, 0, 0, 0, NULL, vs_delay_loop },
	{ "lb_algo", KW_STR | KW_LENIENT, VS(lb_algo), 0, 0, schedulers, NULL },
	{ "lvs_sched", KW_STR | KW_LENIENT, VS(lb_algo), 0, 0, schedulers, NULL },
	{ "lb_kind", KW_ENUM | KW_LENIENT, VS(lb_kind), 0, 0, lb_kinds, NULL },
	{ "lvs_method", KW_ENUM | KW_LENIENT, VS(lb_kind), 0, 0, lb_kinds, NULL },
	{ "persistence_timeout", KW_CUSTOM, 0, 0, 0, NULL, persistence_timeout },
	{ "persistence_granularity", KW_CUSTOM, 0, 0, 0, NULL, persistence_granularity },
	{ "protocol", KW_ENUM, VS(protocol), 0, 0, protocols, NULL },
	{ "virtualhost", KW_CUSTOM, 0, 0, 0, NULL, vs_virtualhost },
	{ "sorry_server", KW_CUSTOM, 0, 0, 0, NULL, sorry_server },
	{ "quorum", KW_CUSTOM, 0, 0, 0, NULL, vs_quorum },
	{ "hysteresis", KW_UINT, VS(hysteresis), 0, 65535, NULL, NULL },
	{ "quorum_up", KW_CMD, VS(quorum_up), 0, 0, NULL, NULL },
	{ "quorum_down", KW_CMD, VS(quorum_down), 0, 0, NULL, NULL },
	{ "ha_suspend", KW_FLAG, VS(ha_suspend), 0, 0, NULL, NULL },
	{ "alpha", KW_FLAG, VS(alpha), 0, 0, NULL, NULL },
	{ "omega", KW_FLAG, VS(omega), 0, 0, NULL, NULL },
	{ "inhibit_on_failure", KW_FLAG, VS(inhibit_on_failure), 0, 0, NULL, NULL },
	{ "real_server", KW_CUSTOM, 0, 0, 0, NULL, real_server },
	{ "nat_mask", KW_OBSOLETE, 0, 0, 0, NULL, NULL },
	{ "sorry_server_inhibit", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "sorry_server_lvs_method", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "ops", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "one_packet", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "persistence_engine", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "smtp_alert", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "ip_family", KW_KNOWN, 0, 0, 0, NULL, NULL },
	{ "retry", KW_UINT | KW_FIRST, VS(check_opts.retry), 0, 1000000, NULL, NULL },
	{ "delay_before_retry", KW_TIMER | KW_FIRST, VS(check_opts.delay_before_retry_ms), 0, 86400000, NULL, NULL },
	{ "connect_timeout", KW_TIMER | KW_FIRST, VS(check_opts.connect_timeout_ms), 1, 3600000, NULL, NULL },
	{ "warmup", KW_TIMER | KW_FIRST, VS(check_opts.warmup_ms), 0, 86400000, NULL, NULL },
	END_KW
};

/* ---- top level ---- */

static void load_global(struct walk *w, const struct conf_node *n)
{
	struct conf_global *g = &w->conf->global;
	if (n->nargs || !n->has_block) {
		error_at(w, n, "'global_defs' takes no name and needs a { } block");
		return;
	}
	g->file = n->file;
	g->line = n->line;
	walk_block(w, n, global_kws, g, "global_defs");
}

static void load_script(struct walk *w, const struct conf_node *n)
{
	if (!named_block(w, n))
		return;
	struct conf_vrrp_script *s = grow(w, &w->conf->scripts, &w->conf->nscripts, sizeof(*s));
	if (!s)
		return;
	s->name = n->args[0];
	s->interval_ms = 1000;
	s->rise = s->fall = 1;
	s->file = n->file;
	s->line = n->line;
	walk_block(w, n, script_kws, s, "vrrp_script");
	if (!s->script.argc) {
		/* keepalived 2.2.7 drops it, naming the block's closing line */
		const char *end_file = n->file;
		int end_line = conf_block_end(w->tree, n, &end_file);
		if (!w->quiet)
			conf_diag(w->tree, 0, end_file, end_line ? end_line : n->line,
				  "vrrp_script %s has no script, removed", s->name);
		w->conf->nscripts--;
	}
}

/* The line of the last keyword of block, else the block's own line. */
static const struct conf_node *line_of(const struct conf_node *block, const char *keyword)
{
	const struct conf_node *found = block;
	for (const struct conf_node *k = block->child; k; k = k->next)
		if (strcmp(k->keyword, keyword) == 0)
			found = k;
	return found;
}

/*
 * What keepalived 2.2.7 settles when it reads an instance, in its order,
 * with its warnings (its -t exits 5; it names no line, here the keyword's):
 * no priority is 255 for state MASTER, else 100; under vrrp_strict state
 * MASTER goes with priority 255 only, and there is no authentication; VRRPv3
 * has no authentication; AH keeps a non-owner from starting as MASTER;
 * the owner (255) does not take nopreempt; state MASTER takes neither
 * nopreempt nor preempt_delay; vrrp_strict takes no preempt_delay.
 */
static void settle_instance(struct walk *w, const struct conf_node *n, struct conf_vrrp_instance *vi, int strict,
			    unsigned version)
{
	int master = vi->state == CONF_STATE_MASTER;
	if (!vi->priority)
		vi->priority = master ? 255 : 100;
	int owner = vi->priority == 255;
	if (strict && conf_child(n, "state") && master != owner) {
		warn_at(w, line_of(n, "state"), "vrrp_instance %s: vrrp_strict: state MASTER goes with priority 255 only, "
			"using %s", vi->name, owner ? "MASTER" : "BACKUP");
		vi->state = owner ? CONF_STATE_MASTER : CONF_STATE_BACKUP;
	}
	if (vi->auth_type != CONF_AUTH_NONE && (strict || version == 3)) {
		warn_at(w, line_of(n, "authentication"), "vrrp_instance %s: %s: authentication is not allowed, ignored",
			vi->name, strict ? "vrrp_strict" : "VRRPv3");
		vi->auth_type = CONF_AUTH_NONE;
		memset(vi->auth_pass, 0, sizeof(vi->auth_pass));
	} else if (vi->auth_type == CONF_AUTH_AH && vi->state == CONF_STATE_MASTER && !owner) {
		warn_at(w, line_of(n, "state"), "vrrp_instance %s: state MASTER does not go with AH authentication, using BACKUP",
			vi->name);
		vi->state = CONF_STATE_BACKUP;
	}
	if (owner && vi->nopreempt) {
		warn_at(w, line_of(n, "nopreempt"), "vrrp_instance %s: nopreempt does not go with priority 255, ignored",
			vi->name);
		vi->nopreempt = 0;
	}
	if (vi->state == CONF_STATE_MASTER && vi->nopreempt) {
		warn_at(w, line_of(n, "nopreempt"), "vrrp_instance %s: nopreempt does not work with state MASTER, ignored",
			vi->name);
		vi->nopreempt = 0;
	}
	if (vi->preempt_delay_ms && (vi->state == CONF_STATE_MASTER || strict)) {
		warn_at(w, line_of(n, "preempt_delay"), "vrrp_instance %s: preempt_delay does not work %s, ignored",
			vi->name, strict ? "under vrrp_strict" : "with state MASTER");
		vi->preempt_delay_ms = 0;
	}
}

static void load_instance(struct walk *w, const struct conf_node *n)
{
	struct conf_keepalived *c = w->conf;
	if (!named_block(w, n))
		return;
	for (int i = 0; i < c->ninstances; i++)
		if (strcmp(c->instances[i].name, n->args[0]) == 0) {
			error_at(w, n, "vrrp_instance %s is defined twice", n->args[0]);
			return;
		}
	struct conf_vrrp_instance *vi = grow(w, &c->instances, &c->ninstances, sizeof(*vi));
	if (!vi)
		return;
	vi->name = n->args[0];
	vi->priority = 0;       /* settle_instance: unset is 255 or 100 */
	vi->advert_int_ms = 1000;
	/* global_defs is loaded before any instance, so its values are the
	 * defaults even when the block comes later in the file */
	const struct conf_global *g = &c->global;
	vi->garp_master_delay_ms = g->vrrp_garp_master_delay_ms;
	vi->garp_master_repeat = g->vrrp_garp_master_repeat;
	vi->garp_master_refresh_ms = g->vrrp_garp_master_refresh_ms;
	vi->garp_master_refresh_repeat = g->vrrp_garp_master_refresh_repeat;
	vi->garp_lower_prio_delay_ms = g->vrrp_garp_lower_prio_delay_ms;
	vi->garp_lower_prio_repeat = g->vrrp_garp_lower_prio_repeat;
	vi->lower_prio_no_advert = g->vrrp_lower_prio_no_advert;
	vi->file = n->file;
	vi->line = n->line;
	walk_block(w, n, instance_kws, vi, "vrrp_instance");
	if (!vi->vrid)
		error_at(w, n, "vrrp_instance %s: virtual_router_id is not set", vi->name);
	const struct conf_node *mode = conf_child(n, "strict_mode");
	int strict = mode ? mode->nargs == 0 || parse_bool(mode->args[0]) == 1 : c->global.vrrp_strict;
	settle_instance(w, n, vi, strict, vi->version ? vi->version : c->global.vrrp_version);
	/* A warning for keepalived -t too (exit 5), though vrrp_strict keeps
	 * its VRRP process from starting */
	if (!vi->vips.n) {
		warn_at(w, n, "vrrp_instance %s: no virtual_ipaddress%s", vi->name,
			strict ? "; vrrp_strict needs one, the instance cannot run" : "");
	}
	unsigned version = vi->version ? vi->version : c->global.vrrp_version;
	const struct conf_node *adv = conf_child(n, "advert_int");
	if (version == 2 && vi->advert_int_ms % 1000 && adv) {
		unsigned rounded = (vi->advert_int_ms + 500) / 1000 * 1000;
		vi->advert_int_ms = rounded ? rounded : 1000;
		warn_at(w, adv, "VRRPv2 advert_int must be whole seconds, using %u", vi->advert_int_ms / 1000);
	}
}

static void load_sync_group(struct walk *w, const struct conf_node *n)
{
	if (!named_block(w, n))
		return;
	struct conf_sync_group *g = grow(w, &w->conf->sync_groups, &w->conf->nsync_groups, sizeof(*g));
	if (!g)
		return;
	g->name = n->args[0];
	g->file = n->file;
	g->line = n->line;
	walk_block(w, n, sync_kws, g, "vrrp_sync_group");
}

/* The low bits a range may vary: the last byte of an IPv4 address, the
 * last 16 bits of an IPv6 one, as keepalived programs ranges. */
static unsigned range_low(const struct conf_ip *ip)
{
	return ip->family == AF_INET6 ? (unsigned)ip->addr[14] << 8 | ip->addr[15] : ip->addr[3];
}

static unsigned range_width(const struct conf_ip *ip)
{
	return ip->family == AF_INET6 ? 16 : 8;
}

/* Whether ADDR has a bit set below the first MASK bits. */
static int host_bits_set(const struct conf_ip *ip, unsigned mask)
{
	const unsigned bytes = ip->family == AF_INET6 ? 16 : 4;
	for (unsigned i = mask / 8; i < bytes; i++) {
		unsigned keep = i == mask / 8 ? 0xffu << (8 - mask % 8) & 0xffu : 0;
		if (ip->addr[i] & ~keep & 0xffu)
			return 1;
	}
	return 0;
}

/* An IPv4 range past the last byte. keepalived 2.2.7 accepts it (-t exits
 * 0), but its checker adds one service per address by counting the last
 * byte up from ADDR's and stopping at the end address, which that byte
 * never reaches: it adds ADDR's /24 (past .255 back to .0), then loops
 * forever on "Service already exists" without a real server, and does not
 * stop on SIGTERM. lvsbox refuses the entry instead of programming half of
 * it. */
static void cross_byte(struct walk *w, const struct conf_node *e, const char *text, const struct conf_ip *ip)
{
	error_at(w, e, "virtual_server_group entry '%s' goes past the last byte of %u.%u.%u.x: keepalived 2.2.7 "
		 "programs %u.%u.%u.0/24 alone for it and then hangs; write one entry per /24",
		 text, ip->addr[0], ip->addr[1], ip->addr[2], ip->addr[0], ip->addr[1], ip->addr[2]);
}

/*
 * The address of a virtual_server_group entry, keepalived 2.2.7's forms:
 * ADDR, ADDR-LAST (LAST decimal for IPv4, hex for IPv6), ADDR-ENDADDR and
 * ADDR/MASK. What keepalived skips with a warning is skipped with one here
 * (returns 0); a range lvsbox cannot expand is an error (returns -1).
 */
static int vsg_range(struct walk *w, const struct conf_node *e, struct conf_vsg_entry *entry)
{
	char addr[64];
	const char *text = e->keyword, *slash = strchr(text, '/'), *dash = slash ? NULL : strchr(text, '-');
	const char *cut = slash ? slash : dash;

	snprintf(addr, sizeof(addr), "%.*s", cut ? (int)(cut - text) : 63, text);
	if (parse_ip(addr, &entry->addr) < 0) {
		warn_at(w, e, "virtual_server_group entry '%s' is not an IP address, skipped", text);
		return 0;
	}
	const int v6 = entry->addr.family == AF_INET6;
	const unsigned bits = v6 ? 128 : 32, width = range_width(&entry->addr), first = range_low(&entry->addr);
	if (slash) {
		long long mask;
		if (parse_num(slash + 1, 1, bits, &mask) < 0) {
			warn_at(w, e, "virtual_server_group entry '%s' has a bad netmask, skipped", text);
			return 0;
		}
		if (mask == bits)
			return 1;
		if (host_bits_set(&entry->addr, (unsigned)mask)) {
			warn_at(w, e, "virtual_server_group entry '%s' has host bits set under its mask, skipped", text);
			return 0;
		}
		if (mask < bits - width && !v6) {
			cross_byte(w, e, text, &entry->addr);
			return -1;
		}
		/* IPv6 wider than /112: keepalived counts the last 16 bits only,
		 * so ADDR/112 is what it programs */
		entry->range_last = mask < bits - width ? 0xffffu : first | ((1u << (bits - mask)) - 1);
		return 1;
	}
	if (!dash)
		return 1;
	if (strchr(dash + 1, v6 ? ':' : '.')) {
		struct conf_ip end;
		if (parse_ip(dash + 1, &end) < 0 || end.family != entry->addr.family) {
			warn_at(w, e, "virtual_server_group entry '%s': range end is not an address of the same family, skipped", text);
			return 0;
		}
		int cmp = memcmp(end.addr, entry->addr.addr, v6 ? 16 : 4);
		if (cmp < 0) {
			warn_at(w, e, "virtual_server_group entry '%s': range end is below its start, skipped", text);
			return 0;
		}
		if (memcmp(end.addr, entry->addr.addr, v6 ? 14 : 3)) {
			if (!v6) {
				cross_byte(w, e, text, &entry->addr);
				return -1;
			}
			/* keepalived counts the last 16 bits up from ADDR's, past
			 * ffff back to 0, until they equal the end's: ADDR's /112
			 * only, whatever the end's higher bits */
			unsigned last = range_low(&end);
			entry->range_last = last == first ? 0 : last;
			entry->range_wraps = last < first;
			return 1;
		}
		entry->range_last = cmp ? range_low(&end) : 0;
		return 1;
	}
	char *stop;
	errno = 0;
	unsigned long last = strtoul(dash + 1, &stop, v6 ? 16 : 10);
	if (!dash[1] || *stop || dash[1] == '-' || dash[1] == '+') {
		warn_at(w, e, "virtual_server_group entry '%s': range end is not a %s number, skipped", text,
			v6 ? "hexadecimal" : "decimal");
		return 0;
	}
	if (errno || last > (v6 ? 0xffffu : 255u)) {
		warn_at(w, e, "virtual_server_group entry '%s': range end is above %s, skipped", text, v6 ? "ffff" : "255");
		return 0;
	}
	if (last <= first) {
		warn_at(w, e, "virtual_server_group entry '%s': range end is not above its start, skipped", text);
		return 0;
	}
	entry->range_last = (unsigned)last;
	return 1;
}

/* Entries: "ADDR[range] PORT" (vsg_range) and "fwmark N". Words after them
 * are ignored, as keepalived ignores them. */
static void load_vs_group(struct walk *w, const struct conf_node *n)
{
	if (!named_block(w, n))
		return;
	struct conf_vs_group *g = grow(w, &w->conf->vs_groups, &w->conf->nvs_groups, sizeof(*g));
	if (!g)
		return;
	g->name = n->args[0];
	g->file = n->file;
	g->line = n->line;
	for (const struct conf_node *e = n->child; e; e = e->next) {
		struct conf_vsg_entry entry = { .line = e->line };
		long long num;
		if (e->has_block) {
			error_at(w, e, "virtual_server_group entry '%s' does not take a { } block", e->keyword);
			continue;
		}
		if (strcmp(e->keyword, "fwmark") == 0) {
			if (e->nargs != 1 || parse_num(e->args[0], 1, 4294967295, &num) < 0) {
				error_at(w, e, "'fwmark' expects a number 1..4294967295");
				continue;
			}
			entry.fwmark = (unsigned)num;
		} else {
			if (e->nargs < 1 || parse_num(e->args[0], 0, 65535, &num) < 0) {
				error_at(w, e, "virtual_server_group entry expects ADDR[-LAST|-ENDADDR|/MASK] PORT or fwmark N");
				continue;
			}
			if (vsg_range(w, e, &entry) <= 0)
				continue;
			entry.port = (unsigned)num;
		}
		struct conf_vsg_entry *slot = grow(w, &g->entries, &g->nentries, sizeof(*slot));
		if (slot)
			*slot = entry;
	}
}

/* keepalived 2.2.7 lowers a quorum the real servers' weights cannot reach
 * to their total, and a hysteresis not below the quorum to one less, each
 * with a warning; without it such a service would never come up. With no
 * weight at all nothing is changed: the quorum is out of reach either way. */
static void quorum_within_weight(struct walk *w, const struct conf_node *n, struct conf_virtual_server *vs)
{
	unsigned long long total = 0;
	for (int i = 0; i < vs->nreal_servers; i++)
		total += vs->real_servers[i].weight > 0 ? (unsigned)vs->real_servers[i].weight : 0;
	if (total == 0)
		return;
	if (vs->quorum > total) {
		warn_at(w, n, "quorum %u is more than the real servers' total weight %llu, using %llu, as keepalived does",
			vs->quorum, total, total);
		vs->quorum = (unsigned)total;
	}
	if (vs->hysteresis >= vs->quorum) {
		warn_at(w, n, "hysteresis %u is not below quorum %u, using %u, as keepalived does", vs->hysteresis,
			vs->quorum, vs->quorum - 1);
		vs->hysteresis = vs->quorum - 1;
	}
}

static void load_virtual_server(struct walk *w, const struct conf_node *n)
{
	struct conf_virtual_server vs = { .delay_loop_ms = 60000, .quorum = 1, .protocol = -1, .lb_kind = -1 };
	long long num;
	vs.file = n->file;
	vs.line = n->line;
	/* keepalived 2.2.7 reads two words and ignores the rest
	 * ("virtual_server 10.0.0.1 80 dev eth0.53"), without a warning */
	if (n->nargs >= 2 && strcmp(n->args[0], "fwmark") == 0) {
		vs.kind = CONF_VS_FWMARK;
		if (parse_num(n->args[1], 1, 4294967295, &num) < 0) {
			error_at(w, n, "virtual_server fwmark '%s' is not a number 1..4294967295", n->args[1]);
			return;
		}
		vs.fwmark = (unsigned)num;
	} else if (n->nargs >= 2 && strcmp(n->args[0], "group") == 0) {
		vs.kind = CONF_VS_GROUP;
		vs.group = n->args[1];
	} else if (n->nargs >= 2 && parse_ip(n->args[0], &vs.addr) == 0) {
		if (parse_num(n->args[1], 0, 65535, &num) < 0) {
			error_at(w, n, "virtual_server port '%s' is not a number 0..65535", n->args[1]);
			return;
		}
		vs.kind = CONF_VS_ADDR;
		vs.port = (unsigned)num;
	} else {
		error_at(w, n, "virtual_server expects IP PORT, fwmark N or group NAME");
		return;
	}
	if (!n->has_block) {
		error_at(w, n, "virtual_server needs a { } block");
		return;
	}
	check_opts_init(&vs.check_opts);
	struct conf_mark mark = conf_tree_mark(w->tree);
	w->real_servers.n = 0;
	w->honour = vs_honour;
	w->honour_obj = &vs;
	walk_block(w, n, vs_kws, &vs, "virtual_server");
	w->honour = NULL;
	/* keepalived 2.2.7 takes a service with no protocol line as UDP (a
	 * fwmark has no protocol); a config moved over must program the same
	 * table, so the default follows it, with its warning. */
	if (vs.protocol < 0 && vs.kind != CONF_VS_FWMARK)
		warn_at(w, n, "virtual_server has no protocol: UDP, as keepalived takes it; write 'protocol TCP' for TCP");
	if (vs.protocol < 0)
		vs.protocol = vs.kind == CONF_VS_FWMARK ? CONF_PROTO_TCP : CONF_PROTO_UDP;
	/* keepalived says so at start-up and in -t, an ignored value included */
	if (!vs.lb_algo) {
		warn_at(w, n, "virtual_server has no lb_algo: wlc, as keepalived sets it");
		vs.lb_algo = "wlc";
	}
	if (vs.lb_kind < 0) {
		warn_at(w, n, "virtual_server has no lb_kind: NAT, as keepalived sets it");
		vs.lb_kind = CONF_LB_NAT;
	}
	vs.real_servers = scratch_keep(w, &w->real_servers, sizeof(*vs.real_servers), &vs.nreal_servers, false);
	if (!vs.nreal_servers)
		warn_at(w, n, "virtual_server has no real_server");
	for (int i = 0; i < vs.nreal_servers; i++)
		warn_rs_port(w, &vs, &vs.real_servers[i], "real_server");
	quorum_within_weight(w, n, &vs);
	if (vs.sorry_server)
		warn_rs_port(w, &vs, vs.sorry_server, "sorry_server");
	if (w->each_vs && !w->oom)
		w->each_vs(w->conf, &vs, w->each_ctx);
	if (w->each_vs && w->keep_servers) {
		for (int i = 0; i < vs.nreal_servers; i++)
			drop_checkers(&vs.real_servers[i]);
	} else if (w->each_vs) {
		for (int i = 0; i < vs.nreal_servers; i++)
			free_real_server(&vs.real_servers[i]);
		conf_tree_release(w->tree, mark);
		vs.real_servers = NULL;
		vs.nreal_servers = 0;
		/* only a group's name is looked at later (check_references) */
		if (vs.kind != CONF_VS_GROUP) {
			free(vs.sorry_server);
			return;
		}
	}
	struct conf_virtual_server *slot = grow(w, &w->conf->virtual_servers, &w->conf->nvirtual_servers, sizeof(*slot));
	if (slot) {
		*slot = vs;
	} else {
		for (int i = 0; i < vs.nreal_servers; i++)
			free_real_server(&vs.real_servers[i]);
		free(vs.sorry_server);
	}
}

static const char *const unsupported_blocks[] = {
	"static_ipaddress", "static_routes", "static_rules", "linkbeat_interfaces", "bfd_instance",
	"vrrp_track_process", "track_file", "garp_group", "net_namespace", "vrrp_track_file", NULL
};

/* References between blocks: what keepalived warns about and skips. */
static void check_references(struct walk *w)
{
	struct conf_keepalived *c = w->conf;
	for (int i = 0; i < c->ninstances; i++) {
		struct conf_vrrp_instance *vi = &c->instances[i];
		/* as keepalived 2.2.7: a track_script naming no vrrp_script (or one
		 * removed for having no script) is dropped, with a warning on its line */
		int kept = 0;
		for (int t = 0; t < vi->track_script.n; t++) {
			const struct conf_track *tr = &vi->track_script.v[t];
			int found = 0;
			for (int s = 0; s < c->nscripts && !found; s++)
				found = strcmp(c->scripts[s].name, tr->name) == 0;
			if (found)
				vi->track_script.v[kept++] = *tr;
			else
				conf_diag(w->tree, 0, tr->file, tr->line, "vrrp_instance %s: track_script '%s' is not a vrrp_script, ignored",
					vi->name, tr->name);
		}
		vi->track_script.n = kept;
		for (int j = 0; j < i; j++) {
			struct conf_vrrp_instance *other = &c->instances[j];
			if (vi->vrid && vi->vrid == other->vrid && vi->interface && other->interface &&
			    strcmp(vi->interface, other->interface) == 0)
				conf_diag(w->tree, 1, vi->file, vi->line, "vrrp_instance %s: virtual_router_id %u is already used by %s on %s",
					vi->name, vi->vrid, other->name, vi->interface);
		}
	}
	/* keepalived 2.2.7 drops a sync group's unknown instances and a group
	 * left with none, with warnings (that name no line: here the group's) */
	int groups_kept = 0;
	for (int g = 0; g < c->nsync_groups; g++) {
		struct conf_sync_group *sg = &c->sync_groups[g];
		int kept = 0;
		for (int k = 0; k < sg->instances.n; k++) {
			const char *name = sg->instances.v[k];
			int found = 0;
			for (int i = 0; i < c->ninstances && !found; i++)
				found = strcmp(c->instances[i].name, name) == 0;
			if (found)
				sg->instances.v[kept++] = name;
			else
				conf_diag(w->tree, 0, sg->file, sg->line, "vrrp_sync_group %s: no vrrp_instance %s, ignored",
					sg->name, name);
		}
		sg->instances.n = kept;
		if (!kept) {
			conf_diag(w->tree, 0, sg->file, sg->line, "vrrp_sync_group %s has no vrrp_instance, removed", sg->name);
			free(sg->instances.v);
			continue;
		}
		if (kept == 1)
			conf_diag(w->tree, 0, sg->file, sg->line,
				"vrrp_sync_group %s has only one vrrp_instance, which a sync group does not need", sg->name);
		c->sync_groups[groups_kept++] = *sg;
	}
	c->nsync_groups = groups_kept;
	for (int v = 0; v < c->nvirtual_servers; v++) {
		struct conf_virtual_server *vs = &c->virtual_servers[v];
		if (vs->kind == CONF_VS_GROUP && !conf_vs_group(c, vs->group))
			conf_diag(w->tree, 1, vs->file, vs->line, "virtual_server group '%s' is not defined", vs->group);
	}
}

/* lvs_sync_daemon's instance must exist, else no sync daemon runs; keepalived
 * 2.2.7 says nothing and -t exits 0, so this is a note, not a warning. An
 * unset sync id becomes the instance's VRID, or 0. */
static void resolve_lvs_syncd(struct walk *w)
{
	struct conf_lvs_syncd *sd = &w->conf->global.lvs_syncd;
	const struct conf_vrrp_instance *vi = NULL;

	if (!sd->ifname)
		return;
	for (int i = 0; i < w->conf->ninstances && sd->instance && !vi; i++)
		if (strcmp(w->conf->instances[i].name, sd->instance) == 0)
			vi = &w->conf->instances[i];
	if (sd->instance && !vi) {
		conf_diag(w->tree, CONF_NOTE, sd->file, sd->line,
			  "lvs_sync_daemon: no vrrp_instance %s, no sync daemon is run", sd->instance);
		sd->ifname = NULL;
		sd->instance = NULL;
		return;
	}
	if (sd->syncid < 0)
		sd->syncid = vi ? (int)vi->vrid : 0;
}

/*
 * Global defaults that depend on other global keywords, as keepalived 2.2.7
 * settles them: vrrp_min_garp turns the built-in GARP defaults (not values
 * set on purpose) into one GARP with no delay; the lower-priority GARPs
 * follow the master ones unless set.
 */
static void finish_global(struct conf_global *g)
{
	if (g->vrrp_min_garp) {
		if (g->vrrp_garp_master_repeat == GARP_MASTER_REPEAT)
			g->vrrp_garp_master_repeat = 1;
		if (g->vrrp_garp_master_delay_ms == GARP_MASTER_DELAY_MS)
			g->vrrp_garp_master_delay_ms = 0;
	}
	if (g->vrrp_garp_lower_prio_repeat == UNSET)
		g->vrrp_garp_lower_prio_repeat = g->vrrp_garp_master_repeat;
	if (g->vrrp_garp_lower_prio_delay_ms == UNSET)
		g->vrrp_garp_lower_prio_delay_ms = g->vrrp_garp_master_delay_ms;
}

static struct conf_keepalived *load_tree(struct conf_tree *tree, conf_vs_fn *each_vs, void *each_ctx, bool keep_servers)
{
	struct conf_keepalived *c = calloc(1, sizeof(*c));
	if (!c) {
		conf_free(tree);
		return NULL;
	}
	c->tree = tree;
	c->global.smtp_port = 25;
	c->global.smtp_connect_timeout_ms = 30000;
	c->global.vrrp_version = 2;
	c->global.startup_script_timeout = 10;
	c->global.shutdown_script_timeout = 10;
	c->global.nftables_priority = -1;
	c->global.vrrp_garp_master_delay_ms = GARP_MASTER_DELAY_MS;
	c->global.vrrp_garp_master_repeat = GARP_MASTER_REPEAT;
	c->global.vrrp_garp_lower_prio_delay_ms = UNSET;
	c->global.vrrp_garp_lower_prio_repeat = UNSET;
	c->global.lvs_syncd.syncid = -1;
	c->global.min_auto_priority_delay_us = 1000000;
	if (tree->nerrors)
		return c;

	struct walk w = { .conf = c, .tree = tree, .each_vs = each_vs, .each_ctx = each_ctx, .keep_servers = keep_servers };
	/* global_defs first: instances read its vrrp_version */
	for (const struct conf_node *n = tree->root.child; n; n = n->next)
		if (strcmp(n->keyword, "global_defs") == 0)
			load_global(&w, n);
	finish_global(&c->global);
	for (const struct conf_node *n = tree->root.child; n && !w.oom; n = n->next) {
		const char *k = n->keyword;
		if (strcmp(k, "global_defs") == 0)
			continue;
		else if (strcmp(k, "vrrp_script") == 0)
			load_script(&w, n);
		else if (strcmp(k, "vrrp_instance") == 0)
			load_instance(&w, n);
		else if (strcmp(k, "vrrp_sync_group") == 0)
			load_sync_group(&w, n);
		else if (strcmp(k, "virtual_server_group") == 0)
			load_vs_group(&w, n);
		else if (strcmp(k, "virtual_server") == 0)
			load_virtual_server(&w, n);
		else if (choice_index(unsupported_blocks, k) >= 0)
			warn_at(&w, n, "'%s' is not supported by lvsbox and ignored", k);
		else
			warn_at(&w, n, "unknown keyword '%s' in top level", k);
	}
	free(w.real_servers.v);
	free(w.checkers.v);
	if (!w.oom) {
		check_references(&w);
		resolve_lvs_syncd(&w);
	}
	if (w.oom)
		conf_diag(tree, 1, tree->nfiles ? tree->files[0] : "config", 0, "out of memory");
	return c;
}

struct conf_keepalived *conf_keepalived_load(struct conf_tree *tree)
{
	return load_tree(tree, NULL, NULL, false);
}

struct conf_keepalived *conf_keepalived_read(const char *path)
{
	struct conf_tree *tree = conf_parse_file(path, 0);
	return tree ? conf_keepalived_load(tree) : NULL;
}

struct conf_keepalived *conf_keepalived_check_each(const char *path, conf_vs_fn *fn, void *ctx)
{
	struct conf_tree *tree = conf_parse_file(path, 0);
	return tree ? load_tree(tree, fn, ctx, false) : NULL;
}

struct conf_keepalived *conf_keepalived_read_servers(const char *path, conf_vs_fn *fn, void *ctx)
{
	struct conf_tree *tree = conf_parse_file(path, 0);
	return tree ? load_tree(tree, fn, ctx, true) : NULL;
}

static void free_virtual_servers(struct conf_keepalived *c)
{
	for (int i = 0; i < c->nvirtual_servers; i++) {
		struct conf_virtual_server *vs = &c->virtual_servers[i];
		for (int r = 0; r < vs->nreal_servers; r++)
			free_real_server(&vs->real_servers[r]);
		free_real_server(vs->sorry_server);
		free(vs->sorry_server);
	}
	free(c->virtual_servers);
}

void conf_keepalived_free(struct conf_keepalived *c)
{
	if (!c)
		return;
	free(c->global.notification_email.v);
	free(c->scripts);
	for (int i = 0; i < c->ninstances; i++) {
		struct conf_vrrp_instance *vi = &c->instances[i];
		free(vi->vips.v);
		free(vi->vips_excluded.v);
		free(vi->unicast_peers.v);
		free(vi->track_interface.v);
		free(vi->track_script.v);
		free(vi->track_file.v);
	}
	free(c->instances);
	for (int i = 0; i < c->nsync_groups; i++)
		free(c->sync_groups[i].instances.v);
	free(c->sync_groups);
	for (int i = 0; i < c->nvs_groups; i++)
		free(c->vs_groups[i].entries);
	free(c->vs_groups);
	free_virtual_servers(c);
	conf_free(c->tree);
	free(c);
}

/* ---- a reload's changed virtual servers (conf_fingerprint.h) ---- */

void conf_keepalived_patch_free(struct conf_keepalived *patch)
{
	if (!patch)
		return;
	free_virtual_servers(patch); /* base owns its global_defs and groups */
	conf_free(patch->tree);
	free(patch);
}

/* Whether the patch's tree is n whole virtual_server blocks where ch says. */
static bool patch_in_place(const struct conf_tree *t, const struct conf_change *ch, int n)
{
	if (t->nerrors || !t->spans_ok || t->nspans != n)
		return false;
	for (int i = 0; i < n; i++)
		if (!t->spans[i].is_vs || t->spans[i].first_line != ch[i].text.first_line ||
		    t->spans[i].off != ch[i].text.off || t->spans[i].end != ch[i].text.off + ch[i].text.len)
			return false;
	return true;
}

struct conf_keepalived *conf_keepalived_patch(const struct conf_keepalived *base, const char *name,
					      const struct conf_reread *r, conf_vs_fn *fn, void *ctx,
					      const char **why)
{
	struct conf_piece_text text[CONF_CHANGES_MAX];
	const struct conf_change *ch = r->ch;
	int n = r->n;
	char was[96], now[96];

	*why = "out of memory";
	for (int i = 0; i < n; i++)
		text[i] = ch[i].text;
	/* read as the base was: a base not resolving host names, a patch neither */
	struct conf_tree *tree = conf_parse_pieces(name, r->text, text, n, base->tree->flags);
	struct conf_keepalived *c = tree ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		conf_free(tree);
		return NULL;
	}
	c->tree = tree;
	if (!patch_in_place(tree, ch, n)) {
		*why = tree->nerrors ? "a changed virtual_server has errors" : "a change is not inside virtual_server blocks";
		conf_keepalived_patch_free(c);
		return NULL;
	}
	c->global = base->global;
	c->vs_groups = base->vs_groups;
	c->nvs_groups = base->nvs_groups;
	struct walk w = { .conf = c, .tree = tree, .each_vs = fn, .each_ctx = ctx, .keep_servers = true };
	for (const struct conf_node *node = tree->root.child; node && !w.oom; node = node->next)
		load_virtual_server(&w, node);
	free(w.real_servers.v);
	free(w.checkers.v);
	if (w.oom || c->nvirtual_servers != n || tree->nerrors) {
		*why = w.oom ? "out of memory" : "a changed virtual_server has errors";
		conf_keepalived_patch_free(c);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		const struct conf_virtual_server *vs = &c->virtual_servers[i];
		bool group_known = vs->kind != CONF_VS_GROUP || conf_vs_group(base, vs->group);
		if (!group_known || strcmp(conf_vs_name(vs, now, sizeof(now)),
					   conf_vs_name(&base->virtual_servers[ch[i].vs], was, sizeof(was))) != 0) {
			*why = group_known ? "a virtual_server changed its name" : "a virtual_server names an unknown group";
			conf_keepalived_patch_free(c);
			return NULL;
		}
	}
	*why = NULL;
	return c;
}

void conf_keepalived_patch_apply(struct conf_keepalived *base, struct conf_keepalived *patch,
				 const struct conf_reread *r)
{
	const struct conf_change *ch = r->ch;

	for (int i = 0; i < r->n; i++) {
		struct conf_virtual_server old = base->virtual_servers[ch[i].vs];
		base->virtual_servers[ch[i].vs] = patch->virtual_servers[i];
		patch->virtual_servers[i] = old;
	}
	free_virtual_servers(patch); /* now the replaced ones */
	patch->tree->older = base->tree->older;
	base->tree->older = patch->tree;
	free(patch);
}

const char *conf_checker_name(int type)
{
	return type >= 0 && type <= CONF_CHECK_PING ? checker_names[type] : "?";
}

const char *conf_ip_str(const struct conf_ip *ip, char *buf, size_t size)
{
	if (!ip->family || !inet_ntop(ip->family, ip->addr, buf, (socklen_t)size))
		snprintf(buf, size, "-");
	return buf;
}

const char *conf_addr_port(const struct conf_ip *ip, unsigned port, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	conf_ip_str(ip, a, sizeof(a));
	snprintf(buf, size, ip->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
	return buf;
}

const struct conf_vs_group *conf_vs_group(const struct conf_keepalived *conf, const char *name)
{
	for (int i = 0; i < conf->nvs_groups; i++)
		if (strcmp(conf->vs_groups[i].name, name) == 0)
			return &conf->vs_groups[i];
	return NULL;
}

const char *conf_vs_name(const struct conf_virtual_server *v, char *buf, size_t size)
{
	char ap[64];

	switch (v->kind) {
	case CONF_VS_FWMARK:
		snprintf(buf, size, "fwm/%u", v->fwmark);
		break;
	case CONF_VS_GROUP:
		snprintf(buf, size, "group/%s", v->group);
		break;
	default:
		snprintf(buf, size, "%s/%s",
			 v->protocol == CONF_PROTO_UDP ? "udp" : v->protocol == CONF_PROTO_SCTP ? "sctp" : "tcp",
			 conf_addr_port(&v->addr, v->port, ap, sizeof(ap)));
	}
	return buf;
}
