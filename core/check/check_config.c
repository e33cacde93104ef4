/*
 * check_config.c - turns a checker block of the keepalived config into
 * struct check_params: the checker's own options, else the real server's,
 * else the virtual server's, else keepalived's defaults (keepalived.conf(5)).
 * The config layer has already validated every value's syntax; what is
 * left here is meaning (addresses, families, users, protocol names).
 */
#include "check_int.h"
#include "check_regex.h"
#include "conf_script.h"
#include "script.h"
#include "dns_parse.h"

#include <arpa/inet.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct cfg {
	const struct conf_node *checker, *rs, *vs;   /* rs, vs may be NULL */
	char *err;
	size_t errsize;
};

static int cfg_error(struct cfg *c, const struct conf_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int cfg_error(struct cfg *c, const struct conf_node *n, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errsize, "%s:%d: %s", n->file ? n->file : "?", n->line, msg);
	return -1;
}

/*
 * The block node (virtual_server / real_server) written at file:line. The
 * typed config keeps only file and line. Blocks are asked for in order, so
 * the search resumes after the previous hit: walking every real server in
 * turn stays linear. The hint belongs to one config (see
 * check_params_conf_done) and one parent block.
 */
static struct {
	const struct conf_keepalived *conf;
	const struct conf_node *vs_next, *rs_parent, *rs_next;
} hint;

void check_params_conf_done(const struct conf_keepalived *conf)
{
	if (!conf || hint.conf == conf)
		memset(&hint, 0, sizeof(hint));
}

static const struct conf_node *find_block(const struct conf_node *first, const char *keyword,
	const char *file, int line, const struct conf_node **next)
{
	for (int pass = 0; pass < 2; pass++) {
		const struct conf_node *n = pass == 0 && *next ? *next : first;
		for (; n; n = n->next)
			if (n->line == line && n->file == file && n->keyword && strcmp(n->keyword, keyword) == 0) {
				*next = n->next;
				return n;
			}
	}
	return NULL;
}

/* The option from the innermost level that has it. */
static const struct conf_node *option(const struct cfg *c, const char *kw, bool inherited)
{
	const struct conf_node *n = conf_child(c->checker, kw);
	if (!n && inherited && c->rs)
		n = conf_child(c->rs, kw);
	if (!n && inherited && c->vs)
		n = conf_child(c->vs, kw);
	return n;
}

/* "3" or "1.5" seconds, as the config layer validated them. */
static unsigned timer_ms(const char *s)
{
	unsigned long long ms = strtoull(s, (char **)&s, 10) * 1000;
	if (*s == '.')
		for (unsigned scale = 100; *++s >= '0' && *s <= '9' && scale; scale /= 10)
			ms += (unsigned)(*s - '0') * scale;
	return ms > UINT32_MAX ? UINT32_MAX : (unsigned)ms;
}

static bool get_timer(const struct cfg *c, const char *kw, unsigned *out)
{
	const struct conf_node *n = option(c, kw, true);
	if (!n || n->nargs < 1)
		return false;
	*out = timer_ms(n->args[0]);
	return true;
}

static bool get_uint(const struct cfg *c, const char *kw, bool inherited, unsigned *out)
{
	const struct conf_node *n = option(c, kw, inherited);
	if (!n || n->nargs < 1)
		return false;
	*out = (unsigned)strtoul(n->args[0], NULL, 10);
	return true;
}

/* A flag: present without a value, or with one of on/true/yes/1. */
static int flag_value(const struct conf_node *n)
{
	if (!n)
		return -1;
	if (n->nargs == 0)
		return 1;
	const char *v = n->args[0];
	return strcasecmp(v, "on") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0;
}

static int parse_ip_port(struct cfg *c, const struct conf_node *ipn, const struct conf_node *portn,
	union check_addr *out, const char *what)
{
	if (ipn) {
		struct in6_addr a6;
		struct in_addr a4;
		if (inet_pton(AF_INET, ipn->args[0], &a4) == 1) {
			out->sin.sin_family = AF_INET;
			out->sin.sin_addr = a4;
		} else if (inet_pton(AF_INET6, ipn->args[0], &a6) == 1) {
			out->sin6.sin6_family = AF_INET6;
			out->sin6.sin6_addr = a6;
		} else {
			return cfg_error(c, ipn, "%s '%s' is not an IP address", what, ipn->args[0]);
		}
	}
	if (portn) {
		uint16_t port = htons((uint16_t)strtoul(portn->args[0], NULL, 10));
		if (out->sa.sa_family == AF_INET6)
			out->sin6.sin6_port = port;
		else
			out->sin.sin_port = port;
	}
	return 0;
}

static void set_from_conf_ip(union check_addr *out, const struct conf_ip *ip, unsigned port)
{
	memset(out, 0, sizeof(*out));
	if (ip->family == AF_INET6) {
		out->sin6.sin6_family = AF_INET6;
		memcpy(&out->sin6.sin6_addr, ip->addr, 16);
		out->sin6.sin6_port = htons((uint16_t)port);
	} else if (ip->family == AF_INET) {
		out->sin.sin_family = AF_INET;
		memcpy(&out->sin.sin_addr, ip->addr, 4);
		out->sin.sin_port = htons((uint16_t)port);
	}
}

static int hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9') return ch - '0';
	if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
	return -1;
}

/*
 * keepalived's free-form HEX_STR: words of hex digits, read two digits a
 * byte; a word with an odd count ends in a byte of one digit ("3" = 03).
 * With mask, an x/X digit matches anything (mask nibble 0).
 */
static int parse_hex_str(struct cfg *c, const struct conf_node *n, unsigned char *out, unsigned char *mask, size_t *len)
{
	*len = 0;
	for (int w = 0; w < n->nargs; w++) {
		/* a quoted value holds several words too */
		for (const char *s = n->args[w]; *s; ) {
			if (*s == ' ' || *s == '\t') {
				s++;
				continue;
			}
			size_t slen = strcspn(s, " \t");
			for (size_t i = 0; i < slen; i += 2) {
				if (*len >= CHECK_MAX_UDP_PAYLOAD)
					return cfg_error(c, n, "'%s': more than %d bytes", n->keyword, CHECK_MAX_UDP_PAYLOAD);
				int hi = hex_digit(s[i]), lo = i + 1 < slen ? hex_digit(s[i + 1]) : 0;
				bool hi_any = mask && (s[i] == 'x' || s[i] == 'X');
				bool lo_any = mask && i + 1 < slen && (s[i + 1] == 'x' || s[i + 1] == 'X');
				if ((hi < 0 && !hi_any) || (lo < 0 && !lo_any))
					return cfg_error(c, n, "'%s': '%.*s' is not hexadecimal", n->keyword, (int)slen, s);
				if (i + 1 >= slen) {   /* lone digit: the low nibble */
					lo = hi;
					hi = 0;
					lo_any = hi_any;
					hi_any = false;
				}
				out[*len] = (unsigned char)(((hi_any ? 0 : hi) << 4) | (lo_any ? 0 : lo));
				if (mask)
					mask[*len] = (unsigned char)((hi_any ? 0 : 0xf0) | (lo_any ? 0 : 0x0f));
				(*len)++;
			}
			s += slen;
		}
	}
	return 0;
}

static int compile_url_regex(struct check_url *u, char *err, size_t errsize)
{
	regex_t *re = malloc(sizeof(*re));
	if (!re) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	if (check_regex_compile(re, u->regex, u->regex_cflags, err, errsize) < 0) {
		free(re);
		return -1;
	}
	u->regex_compiled = re;
	return 0;
}

static void free_url_regex(struct check_url *u)
{
	if (u->regex_compiled)
		regfree(u->regex_compiled);
	free(u->regex_compiled);
	free(u->regex);
	u->regex_compiled = NULL;
	u->regex = NULL;
}

/* regex, regex_no_match, regex_options, regex_min_offset, regex_max_offset
 * of one url block; the config layer has warned about options POSIX lacks. */
static int parse_url_regex(struct cfg *c, const struct conf_node *url, struct check_url *u)
{
	u->regex_max_offset = SIZE_MAX;
	const struct conf_node *o = conf_child(url, "regex");
	if (!o)
		return 0;
	u->regex_no_match = flag_value(conf_child(url, "regex_no_match")) == 1;
	const struct conf_node *opt;
	for (opt = url->child; opt; opt = opt->next)
		if (strcmp(opt->keyword, "regex_options") == 0)
			for (int i = 0; i < opt->nargs; i++)
				check_regex_option(opt->args[i], &u->regex_cflags);
	if ((opt = conf_child(url, "regex_min_offset")))
		u->regex_min_offset = strtoul(opt->args[0], NULL, 10);
	if ((opt = conf_child(url, "regex_max_offset")))
		u->regex_max_offset = strtoul(opt->args[0], NULL, 10);
	if (u->regex_max_offset < u->regex_min_offset)
		return cfg_error(c, opt, "regex_max_offset %zu is below regex_min_offset %zu",
				 u->regex_max_offset, u->regex_min_offset);
	u->regex = strdup(o->args[0]);
	if (!u->regex)
		return cfg_error(c, o, "out of memory");
	char why[96];
	if (compile_url_regex(u, why, sizeof(why)) < 0)
		return cfg_error(c, o, "regex '%.60s': %s", o->args[0], why);
	return 0;
}

static int parse_http(struct cfg *c, struct check_params *p, const struct conf_virtual_server *vs)
{
	struct check_http *h = calloc(1, sizeof(*h));
	if (!h)
		return cfg_error(c, c->checker, "out of memory");
	p->http = h;
	h->tls = p->type == CONF_CHECK_SSL;
	const struct conf_node *n;
	if ((n = conf_child(c->checker, "http_protocol"))) {
		const char *v = n->args[0];
		if (strcmp(v, "1.0") == 0) h->protocol = CHECK_HTTP_10;
		else if (strcasecmp(v, "1.0C") == 0) h->protocol = CHECK_HTTP_10C;
		else if (strcmp(v, "1.1") == 0) h->protocol = CHECK_HTTP_11;
		else return cfg_error(c, n, "http_protocol '%s' is not one of 1.0, 1.0C, 1.1", v);
	}
	h->enable_sni = flag_value(conf_child(c->checker, "enable_sni")) == 1;
	h->fast_recovery = flag_value(conf_child(c->checker, "fast_recovery")) == 1;

	/* virtualhost: url's, else the checker's, the real server's, the virtual server's */
	const char *vhost = NULL;
	if ((n = option(c, "virtualhost", true)))
		vhost = n->args[0];
	else if (vs && vs->virtualhost)
		vhost = vs->virtualhost;

	for (n = c->checker->child; n; n = n->next)
		if (strcmp(n->keyword, "url") == 0)
			h->nurls++;
	if (h->nurls == 0)
		return cfg_error(c, c->checker, "%s without a url", conf_checker_name(p->type));
	h->urls = calloc((size_t)h->nurls, sizeof(*h->urls));
	if (!h->urls)
		return cfg_error(c, c->checker, "out of memory");
	int i = 0;
	for (n = c->checker->child; n; n = n->next) {
		if (strcmp(n->keyword, "url") != 0)
			continue;
		struct check_url *u = &h->urls[i++];
		const struct conf_node *o = conf_child(n, "path");
		if (!o || o->nargs < 1)
			return cfg_error(c, n, "url without a path");
		if (strpbrk(o->args[0], " \r\n"))
			return cfg_error(c, o, "path '%s' has blanks or line breaks", o->args[0]);
		u->path = strdup(o->args[0]);
		o = conf_child(n, "virtualhost");
		const char *uv = o ? o->args[0] : vhost;
		if (uv && strpbrk(uv, " \r\n"))
			return cfg_error(c, o ? o : c->checker, "virtualhost '%s' has blanks or line breaks", uv);
		u->virtualhost = uv ? strdup(uv) : NULL;
		if (!u->path || (uv && !u->virtualhost))
			return cfg_error(c, n, "out of memory");
		if ((o = conf_child(n, "digest"))) {
			u->has_digest = true;
			for (int b = 0; b < 16; b++) {
				int hi = hex_digit(o->args[0][2 * b]), lo = hex_digit(o->args[0][2 * b + 1]);
				if (hi < 0 || lo < 0)
					return cfg_error(c, o, "digest expects 32 hex digits");
				u->digest[b] = (unsigned char)(hi << 4 | lo);
			}
		}
		for (o = n->child; o; o = o->next) {
			if (strcmp(o->keyword, "status_code") != 0)
				continue;
			for (int a = 0; a < o->nargs; a++) {
				if (u->nstatus >= CHECK_MAX_STATUS_RANGES)
					return cfg_error(c, o, "more than %d status codes", CHECK_MAX_STATUS_RANGES);
				char *end;
				unsigned long lo = strtoul(o->args[a], &end, 10), hi = lo;
				if (*end == '-')
					hi = strtoul(end + 1, &end, 10);
				if (*end || lo < 100 || hi > 599 || hi < lo)
					return cfg_error(c, o, "status_code '%s' is not a code 100..599 or a range", o->args[a]);
				u->status[u->nstatus].lo = (uint16_t)lo;
				u->status[u->nstatus].hi = (uint16_t)hi;
				u->nstatus++;
			}
		}
		if (parse_url_regex(c, n, u) < 0)
			return -1;
	}
	return 0;
}

static int parse_misc(struct cfg *c, struct check_params *p, const struct conf_keepalived *conf)
{
	struct check_misc *m = calloc(1, sizeof(*m));
	if (!m)
		return cfg_error(c, c->checker, "out of memory");
	p->misc = m;
	m->uid = (uid_t)-1;
	m->gid = (gid_t)-1;
	const struct conf_node *n = conf_child(c->checker, "misc_path");
	if (!n || n->nargs < 1)
		return cfg_error(c, c->checker, "MISC_CHECK without misc_path");
	if (n->nargs == 1) {
		/* keepalived's quoting, as every other command line */
		char why[128];
		if (script_split(n->args[0], &m->argv, why, sizeof(why)) < 0)
			return cfg_error(c, n, "misc_path: %s", why);
	} else {
		/* several words as written: one copy in argv[0]'s buffer, as script_split */
		size_t total = 0;
		for (int i = 0; i < n->nargs; i++)
			total += strlen(n->args[i]) + 1;
		m->argv = calloc((size_t)n->nargs + 1, sizeof(char *));
		char *buf = m->argv ? malloc(total) : NULL;
		if (buf) {
			for (int i = 0; i < n->nargs; i++) {
				m->argv[i] = buf;
				buf = stpcpy(buf, n->args[i]) + 1;
			}
		} else {
			free(m->argv);
			m->argv = NULL;
		}
	}
	if (!m->argv)
		return cfg_error(c, n, "misc_path is empty");
	m->timeout_ms = p->delay_loop_ms;
	if ((n = conf_child(c->checker, "misc_timeout")))
		m->timeout_ms = timer_ms(n->args[0]);
	m->dynamic = flag_value(conf_child(c->checker, "misc_dynamic")) == 1;

	const char *group, *user = conf_default_script_user(&conf->global, &group);
	if ((n = conf_child(c->checker, "user"))) {
		if (n->nargs < 1 || n->nargs > 2)
			return cfg_error(c, n, "'user' expects USERNAME [GROUPNAME]");
		user = n->args[0];
		group = n->nargs > 1 ? n->args[1] : NULL;
	}
	if (user) {
		struct passwd *pw = getpwnam(user);
		if (!pw)
			return cfg_error(c, n ? n : c->checker, "no such user '%s'", user);
		m->uid = pw->pw_uid;
		m->gid = pw->pw_gid;
	}
	if (user && group) {
		struct group *gr = getgrnam(group);
		if (!gr)
			return cfg_error(c, n ? n : c->checker, "no such group '%s'", group);
		m->gid = gr->gr_gid;
	}
	return 0;
}

static int parse_udp(struct cfg *c, struct check_params *p)
{
	struct check_udp *u = calloc(1, sizeof(*u));
	if (!u)
		return cfg_error(c, c->checker, "out of memory");
	p->udp = u;
	u->max_reply_length = 255;
	const struct conf_node *n;
	if ((n = conf_child(c->checker, "payload")) && parse_hex_str(c, n, u->payload, NULL, &u->payload_len) < 0)
		return -1;
	if ((n = conf_child(c->checker, "require_reply"))) {
		u->require_reply = true;
		if (parse_hex_str(c, n, u->reply, u->reply_mask, &u->reply_len) < 0)
			return -1;
	}
	get_uint(c, "min_reply_length", false, &u->min_reply_length);
	get_uint(c, "max_reply_length", false, &u->max_reply_length);
	if (u->min_reply_length > u->max_reply_length)
		return cfg_error(c, c->checker, "min_reply_length %u is above max_reply_length %u",
				 u->min_reply_length, u->max_reply_length);
	return 0;
}

static int parse_dns(struct cfg *c, struct check_params *p)
{
	struct check_dns *d = calloc(1, sizeof(*d));
	if (!d)
		return cfg_error(c, c->checker, "out of memory");
	p->dns = d;
	d->qtype = DNS_TYPE_SOA;
	strcpy(d->name, ".");
	const struct conf_node *n;
	if ((n = conf_child(c->checker, "type"))) {
		int t = dns_type_from_name(n->args[0]);
		if (t < 0)
			return cfg_error(c, n, "DNS type '%s' is not one of A NS CNAME SOA MX TXT AAAA", n->args[0]);
		d->qtype = (uint16_t)t;
	}
	if ((n = conf_child(c->checker, "name"))) {
		unsigned char wire[DNS_MAX_NAME_WIRE];
		if (dns_name_encode(n->args[0], wire, sizeof(wire)) < 0)
			return cfg_error(c, n, "DNS name '%s' is not a valid domain name", n->args[0]);
		snprintf(d->name, sizeof(d->name), "%s", n->args[0]);
	}
	return 0;
}

static int parse_smtp(struct cfg *c, struct check_params *p, const struct conf_keepalived *conf)
{
	struct check_smtp *s = calloc(1, sizeof(*s));
	if (!s)
		return cfg_error(c, c->checker, "out of memory");
	p->smtp = s;
	const struct conf_node *n = conf_child(c->checker, "helo_name");
	const char *helo = n ? n->args[0] : conf->global.smtp_helo_name;
	if (helo)
		snprintf(s->helo_name, sizeof(s->helo_name), "%s", helo);
	else if (gethostname(s->helo_name, sizeof(s->helo_name) - 1) < 0 || !s->helo_name[0])
		strcpy(s->helo_name, "localhost");
	if (strpbrk(s->helo_name, "\r\n"))
		return cfg_error(c, n ? n : c->checker, "helo_name has a line break");
	return 0;
}

int check_params_from_conf(struct check_params *p, const struct conf_keepalived *conf,
	const struct conf_virtual_server *vs, const struct conf_real_server *rs,
	const struct conf_checker *checker, char *err, size_t errsize)
{
	memset(p, 0, sizeof(*p));
	if (hint.conf != conf) {
		memset(&hint, 0, sizeof(hint));
		hint.conf = conf;
	}
	struct cfg c = { .checker = checker->node, .err = err, .errsize = errsize };
	p->type = checker->type;
	p->file = checker->node->file;
	p->line = checker->node->line;
	if (vs && conf->tree)
		c.vs = find_block(conf->tree->root.child, "virtual_server", vs->file, vs->line, &hint.vs_next);
	if (rs && c.vs) {
		if (hint.rs_parent != c.vs) {
			hint.rs_parent = c.vs;
			hint.rs_next = NULL;
		}
		c.rs = find_block(c.vs->child, "real_server", rs->file, rs->line, &hint.rs_next);
	}

	/* MISC_CHECK has no connection options in keepalived; the config layer
	 * rejects them there, so reading them is harmless. */
	set_from_conf_ip(&p->target, &rs->addr, rs->port);
	if (parse_ip_port(&c, conf_child(c.checker, "connect_ip"), conf_child(c.checker, "connect_port"),
			  &p->target, "connect_ip") < 0)
		goto fail;
	const struct conf_node *bindto = conf_child(c.checker, "bindto"), *bind_port = conf_child(c.checker, "bind_port");
	if (bindto || bind_port) {
		p->bind.sa.sa_family = p->target.sa.sa_family;
		if (parse_ip_port(&c, bindto, bind_port, &p->bind, "bindto") < 0)
			goto fail;
		if (p->bind.sa.sa_family != p->target.sa.sa_family) {
			cfg_error(&c, bindto, "bindto and the address checked are of different families");
			goto fail;
		}
	}
	const struct conf_node *n;
	if ((n = conf_child(c.checker, "bind_if")))
		snprintf(p->bind_if, sizeof(p->bind_if), "%s", n->args[0]);
	unsigned fwmark = 0;
	if (get_uint(&c, "fwmark", false, &fwmark))
		p->fwmark = fwmark;

	p->connect_timeout_ms = CHECK_DEFAULT_CONNECT_TIMEOUT_MS;
	get_timer(&c, "connect_timeout", &p->connect_timeout_ms);
	p->delay_loop_ms = vs ? vs->delay_loop_ms : CHECK_DEFAULT_DELAY_LOOP_MS;
	if (!p->delay_loop_ms)
		p->delay_loop_ms = CHECK_DEFAULT_DELAY_LOOP_MS;
	get_timer(&c, "delay_loop", &p->delay_loop_ms);
	p->retry = p->type == CONF_CHECK_DNS ? 3 : p->type == CONF_CHECK_MISC ? 0 : 1;
	/* nb_get_retry is the old spelling of retry, at each level */
	const struct conf_node *levels[] = { c.checker, c.rs, c.vs };
	for (int i = 0; i < 3; i++) {
		const struct conf_node *r = levels[i] ? conf_child(levels[i], "retry") : NULL;
		if (!r && levels[i])
			r = conf_child(levels[i], "nb_get_retry");
		if (r && r->nargs >= 1) {
			p->retry = (unsigned)strtoul(r->args[0], NULL, 10);
			break;
		}
	}
	p->delay_before_retry_ms = p->type == CONF_CHECK_DNS ? p->delay_loop_ms :
		p->type == CONF_CHECK_HTTP || p->type == CONF_CHECK_SSL ? 3000 : 1000;
	get_timer(&c, "delay_before_retry", &p->delay_before_retry_ms);
	p->warmup_ms = p->delay_loop_ms;
	get_timer(&c, "warmup", &p->warmup_ms);
	int alpha = flag_value(option(&c, "alpha", false));
	if (alpha < 0 && c.rs)
		alpha = flag_value(conf_child(c.rs, "alpha"));
	p->alpha = alpha < 0 ? vs && vs->alpha : alpha == 1;
	p->log_all_failures = flag_value(conf_child(c.checker, "log_all_failures")) == 1;

	if (p->type != CONF_CHECK_MISC && p->type != CONF_CHECK_PING && !p->target.sa.sa_family) {
		cfg_error(&c, c.checker, "no address to check");
		goto fail;
	}
	if ((p->type == CONF_CHECK_TCP || p->type == CONF_CHECK_HTTP || p->type == CONF_CHECK_SSL ||
	     p->type == CONF_CHECK_UDP || p->type == CONF_CHECK_SMTP) && check_addr_port(&p->target) == 0) {
		cfg_error(&c, c.checker, "%s needs a port: the real server has none, set connect_port",
			  conf_checker_name(p->type));
		goto fail;
	}
	if (p->type == CONF_CHECK_DNS && check_addr_port(&p->target) == 0) {
		if (p->target.sa.sa_family == AF_INET6)
			p->target.sin6.sin6_port = htons(53);
		else
			p->target.sin.sin_port = htons(53);
	}

	int rc = 0;
	switch (p->type) {
	case CONF_CHECK_HTTP:
	case CONF_CHECK_SSL: rc = parse_http(&c, p, vs); break;
	case CONF_CHECK_MISC: rc = parse_misc(&c, p, conf); break;
	case CONF_CHECK_UDP: rc = parse_udp(&c, p); break;
	case CONF_CHECK_DNS: rc = parse_dns(&c, p); break;
	case CONF_CHECK_SMTP: rc = parse_smtp(&c, p, conf); break;
	default: break;
	}
	if (rc == 0)
		return 0;
fail:
	check_params_free(p);
	return -1;
}

void check_params_free(struct check_params *p)
{
	if (p->http) {
		for (int i = 0; i < p->http->nurls; i++) {
			free(p->http->urls[i].path);
			free(p->http->urls[i].virtualhost);
			free_url_regex(&p->http->urls[i]);
		}
		free(p->http->urls);
		free(p->http);
	}
	if (p->misc) {
		if (p->misc->argv)
			free(p->misc->argv[0]);
		free(p->misc->argv);
		free(p->misc);
	}
	free(p->udp);
	free(p->dns);
	free(p->smtp);
	p->http = NULL;
	p->misc = NULL;
	p->udp = NULL;
	p->dns = NULL;
	p->smtp = NULL;
}

static void *dup_mem(const void *src, size_t size, bool *failed)
{
	if (!src)
		return NULL;
	void *d = malloc(size);
	if (d)
		memcpy(d, src, size);
	else
		*failed = true;
	return d;
}

int check_params_copy(struct check_params *dst, const struct check_params *src)
{
	bool failed = false;
	*dst = *src;
	dst->udp = dup_mem(src->udp, sizeof(*src->udp), &failed);
	dst->dns = dup_mem(src->dns, sizeof(*src->dns), &failed);
	dst->smtp = dup_mem(src->smtp, sizeof(*src->smtp), &failed);
	dst->http = NULL;
	dst->misc = NULL;
	if (src->http && (dst->http = dup_mem(src->http, sizeof(*src->http), &failed))) {
		dst->http->urls = calloc((size_t)src->http->nurls, sizeof(*dst->http->urls));
		if (!dst->http->urls) {
			dst->http->nurls = 0;
			failed = true;
		}
		for (int i = 0; dst->http->urls && i < src->http->nurls; i++) {
			struct check_url *u = &dst->http->urls[i];
			*u = src->http->urls[i];
			u->path = strdup(u->path);
			u->virtualhost = u->virtualhost ? strdup(u->virtualhost) : NULL;
			if (!u->path || (src->http->urls[i].virtualhost && !u->virtualhost))
				failed = true;
			/* a regex_t cannot be copied: compile the pattern again */
			u->regex_compiled = NULL;
			if (u->regex) {
				char why[96];
				u->regex = strdup(u->regex);
				if (!u->regex || compile_url_regex(u, why, sizeof(why)) < 0)
					failed = true;
			}
		}
	}
	if (src->misc && (dst->misc = dup_mem(src->misc, sizeof(*src->misc), &failed))) {
		int argc = 0;
		size_t total = 0;
		for (; src->misc->argv[argc]; argc++)
			total += strlen(src->misc->argv[argc]) + 1;
		char **argv = calloc((size_t)argc + 1, sizeof(*argv));
		char *buf = argv ? malloc(total) : NULL;
		if (buf) {
			for (int i = 0; i < argc; i++) {
				argv[i] = buf;
				buf = stpcpy(buf, src->misc->argv[i]) + 1;
			}
			dst->misc->argv = argv;
		} else {
			free(argv);
			/* a one-word placeholder keeps check_params_free's ownership rule simple */
			dst->misc->argv = NULL;
			free(dst->misc);
			dst->misc = NULL;
			failed = true;
		}
	}
	if (failed) {
		check_params_free(dst);
		return -1;
	}
	return 0;
}

size_t check_params_key(const struct check_params *p, char *buf, size_t size)
{
	char target[64], bind[64];
	size_t len = 0;
#define ADD(...) do { int n_ = snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, __VA_ARGS__); \
		if (n_ > 0) len += (size_t)n_; } while (0)
	ADD("%s %s", conf_checker_name(p->type), check_addr_str(&p->target, target, sizeof(target)));
	if (p->bind.sa.sa_family)
		ADD(" bind=%s", check_addr_str(&p->bind, bind, sizeof(bind)));
	if (p->bind_if[0])
		ADD(" if=%s", p->bind_if);
	if (p->fwmark)
		ADD(" mark=%u", (unsigned)p->fwmark);
	ADD(" timeout=%u", p->connect_timeout_ms);
	if (p->http) {
		ADD(" proto=%d sni=%d", p->http->protocol, p->http->enable_sni);
		for (int i = 0; i < p->http->nurls; i++) {
			const struct check_url *u = &p->http->urls[i];
			ADD(" url=%s host=%s", u->path, u->virtualhost ? u->virtualhost : "-");
			if (u->has_digest)
				for (int b = 0; b < 16; b++)
					ADD("%s%02x", b ? "" : " digest=", u->digest[b]);
			for (int s = 0; s < u->nstatus; s++)
				ADD(" %u-%u", u->status[s].lo, u->status[s].hi);
			if (u->regex)
				ADD(" regex%s/%d/%zu/%zu=%s", u->regex_no_match ? "!" : "", u->regex_cflags,
				    u->regex_min_offset, u->regex_max_offset, u->regex);
		}
	}
	if (p->misc) {
		ADD(" timeout=%u dyn=%d uid=%ld gid=%ld", p->misc->timeout_ms, p->misc->dynamic,
		    (long)(int)p->misc->uid, (long)(int)p->misc->gid);
		for (int i = 0; p->misc->argv[i]; i++)
			ADD(" \"%s\"", p->misc->argv[i]);
	}
	if (p->udp) {
		ADD(" req=%d min=%u max=%u payload=", p->udp->require_reply, p->udp->min_reply_length, p->udp->max_reply_length);
		for (size_t i = 0; i < p->udp->payload_len; i++)
			ADD("%02x", p->udp->payload[i]);
		ADD(" reply=");
		for (size_t i = 0; i < p->udp->reply_len; i++)
			ADD("%02x/%02x", p->udp->reply[i], p->udp->reply_mask[i]);
	}
	if (p->dns)
		ADD(" type=%u name=%s", p->dns->qtype, p->dns->name);
	if (p->smtp)
		ADD(" helo=%s", p->smtp->helo_name);
#undef ADD
	return len;
}

int check_ssl_from_conf(struct check_ssl_conf *ssl, const struct conf_keepalived *conf, char *err, size_t errsize)
{
	memset(ssl, 0, sizeof(*ssl));
	if (err && errsize)
		err[0] = '\0';
	const struct conf_node *block = conf->tree ? conf_child(&conf->tree->root, "SSL") : NULL;
	if (!block)
		return 0;
	for (const struct conf_node *n = block->child; n; n = n->next) {
		const char **field = strcmp(n->keyword, "ca") == 0 ? &ssl->ca :
			strcmp(n->keyword, "certificate") == 0 ? &ssl->certificate :
			strcmp(n->keyword, "key") == 0 ? &ssl->key :
			strcmp(n->keyword, "password") == 0 ? &ssl->password : NULL;
		if (!field) {
			snprintf(err, errsize, "%s:%d: unknown SSL option '%s'", n->file, n->line, n->keyword);
			return -1;
		}
		if (n->nargs != 1) {
			snprintf(err, errsize, "%s:%d: '%s' expects one value", n->file, n->line, n->keyword);
			return -1;
		}
		*field = n->args[0];
	}
	if (!ssl->certificate != !ssl->key) {
		snprintf(err, errsize, "%s:%d: SSL needs both certificate and key, or neither", block->file, block->line);
		return -1;
	}
	return 0;
}
