/*
 * check_model.c - checkd's model (check_model.h): finding the check a
 * checker shares, the real servers using it, the verdict on a MISC_CHECK
 * script, and what a reload carries over.
 */
#include "check_model.h"
#include "fnv.h"
#include "log.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sockaddr_text(char *buf, size_t size, const union check_addr *a)
{
	char s[INET6_ADDRSTRLEN] = "?";

	if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->sin6.sin6_addr, s, sizeof(s));
		snprintf(buf, size, "[%s]:%u", s, ntohs(a->sin6.sin6_port));
	} else if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->sin.sin_addr, s, sizeof(s));
		snprintf(buf, size, "%s:%u", s, ntohs(a->sin.sin_port));
	} else {
		snprintf(buf, size, "-");
	}
}

char *strdup_or_null(const char *s, bool *failed)
{
	char *copy = s ? strdup(s) : NULL;

	if (s && !copy)
		*failed = true;
	return copy;
}

void cmd_free(struct cmd *cmd)
{
	for (int i = 0; i < cmd->argc; i++)
		free(cmd->argv[i]);
	free(cmd->argv);
	cmd->argv = NULL;
	cmd->argc = 0;
}

int cmd_copy(struct cmd *dst, const struct conf_cmd *src)
{
	dst->argv = NULL;
	dst->argc = 0;
	if (!src->argv || src->argc < 1)
		return 0;
	if (!(dst->argv = calloc((size_t)src->argc + 1, sizeof(*dst->argv))))
		return -1;
	for (int i = 0; i < src->argc; i++, dst->argc++)
		if (!(dst->argv[i] = strdup(src->argv[i]))) {
			cmd_free(dst);
			return -1;
		}
	return 0;
}

const struct check_params *check_params_of(const struct check *c)
{
	return check_probe_params(&c->probe);
}

struct sched_timing check_timing(const struct check *c)
{
	const struct check_params *p = check_params_of(c);
	struct sched_timing t = {
		.delay_loop_ms = p->delay_loop_ms,
		.delay_before_retry_ms = p->delay_before_retry_ms,
		.retry = p->retry,
		.warmup_ms = p->warmup_ms,
		.alpha = p->alpha,
	};
	return t;
}

int check_type(const struct check *c)
{
	return check_params_of(c)->type;
}

bool check_misc_dynamic(const struct check *c)
{
	const struct check_params *p = check_params_of(c);
	return p->type == CONF_CHECK_MISC && p->misc && p->misc->dynamic;
}

/* What the check probes, for people: "10.0.0.1:80", or the MISC script. */
const char *check_target(const struct check *c, char *buf, size_t size)
{
	const struct check_params *p = check_params_of(c);

	if (p->type == CONF_CHECK_MISC && p->misc && p->misc->argv && p->misc->argv[0])
		snprintf(buf, size, "%s", p->misc->argv[0]);
	else
		sockaddr_text(buf, size, check_probe_target(&c->probe));
	return buf;
}

const char *check_error(const struct check *c)
{
	return c->error ? c->error : "";
}

struct rserver *check_user(const struct check *c, unsigned i)
{
	return c->nusers > 1 ? c->users.many[i] : c->users.one;
}

struct check *rs_check(const struct rserver *rs, int i)
{
	return rs->nchecks > 1 ? rs->checks.many[i] : rs->checks.one;
}

const char *rs_name(const struct rserver *rs, char *buf, size_t size)
{
	conf_addr_port(&rs->addr, rs->port, buf, size);
	return buf;
}

/* Nothing looks a check up between reloads: the index exists while a
 * model is built or a reload carries state over (0.8 MiB at 37,294). */
int check_index_init(struct model *m, size_t expected)
{
	size_t n = 64;

	while (n < expected)
		n *= 2;
	m->chain_head = calloc(n, sizeof(*m->chain_head));
	m->chain_next = calloc(expected + 1, sizeof(*m->chain_next));
	m->nchains = n;
	if (m->chain_head && m->chain_next)
		return 0;
	check_index_free(m);
	return -1;
}

void check_index_add(struct model *m, struct check *c)
{
	uint32_t *head = &m->chain_head[check_probe_hash(&c->probe) & (m->nchains - 1)];
	m->chain_next[c - m->checks] = *head;
	*head = (uint32_t)(c - m->checks) + 1;
}

void check_index_free(struct model *m)
{
	free(m->chain_head);
	free(m->chain_next);
	m->chain_head = m->chain_next = NULL;
	m->nchains = 0;
}

/* The check of m that probes alike with probe (check_probe_alike), or NULL. */
struct check *check_find(const struct model *m, const struct check_probe *probe)
{
	for (uint32_t i = m->chain_head[check_probe_hash(probe) & (m->nchains - 1)]; i; i = m->chain_next[i - 1]) {
		struct check *c = &m->checks[i - 1];
		if (check_probe_alike(&c->probe, probe))
			return c;
	}
	return NULL;
}

int check_add_user(struct check *c, struct rserver *rs)
{
	if (c->nusers == 0) {
		c->users.one = rs;
	} else {
		struct rserver **u = c->nusers == 1 ? malloc(2 * sizeof(*u))
			: realloc(c->users.many, (size_t)(c->nusers + 1) * sizeof(*u));
		if (!u)
			return -1;
		if (c->nusers == 1)
			u[0] = c->users.one;
		u[c->nusers] = rs;
		c->users.many = u;
	}
	c->nusers++;
	return 0;
}

int rs_add_check(struct rserver *rs, struct check *c)
{
	if (rs->nchecks == 0) {
		rs->checks.one = c;
	} else {
		struct check **v = rs->nchecks == 1 ? malloc(2 * sizeof(*v))
			: realloc(rs->checks.many, (size_t)(rs->nchecks + 1) * sizeof(*v));
		if (!v)
			return -1;
		if (rs->nchecks == 1)
			v[0] = rs->checks.one;
		v[rs->nchecks] = c;
		rs->checks.many = v;
	}
	rs->nchecks++;
	return 0;
}

/* keepalived's verdict on a MISC_CHECK's script, judged and logged once a
 * build (load and reload), never per run. NULL when out of memory. */
const struct script_verdict *misc_verdict(struct model *m, const struct check_misc *misc,
						 bool script_security)
{
	const char *script = misc->argv[0];
	uint32_t hash = fnv1a_bytes(script, strlen(script));
	struct script_verdict *v;

	for (v = m->verdicts; v; v = v->next)
		if (v->hash == hash && v->uid == misc->uid && strcmp(v->script, script) == 0)
			return v;
	size_t len = strlen(script);
	if (!(v = malloc(sizeof(*v) + len + 1)))
		return NULL;
	memcpy(v->script, script, len + 1);
	v->hash = hash;
	v->uid = misc->uid;
	v->verdict = check_misc_vet(misc, script_security, v->why, sizeof(v->why));
	v->next = m->verdicts;
	m->verdicts = v;
	if (v->verdict == CHECK_MISC_DROP)
		log_err("MISC_CHECK %s disabled: %s", script, v->why);
	else if (v->verdict == CHECK_MISC_RUN_UNSAFE)
		log_warn("MISC_CHECK %s runs although %s; enable_script_security would refuse it", script, v->why);
	return v;
}

/* The real server of old that rs continues (same virtual server and
 * address:port), or NULL. Tried first at the same place: a reload seldom
 * reorders, and 30,000 servers must not be 30,000 searches. */
const struct rserver *rs_find_old(const struct model *old, int v, int r, const struct rserver *rs)
{
	for (int k = 0; k < old->nvs; k++) {
		int ov = (v + k) % old->nvs;
		const struct vserver *ovs = &old->vs[ov];
		if (strcmp(ovs->name, rs->vs->name))
			continue;
		for (int j = 0; j < ovs->nrs; j++) {
			const struct rserver *o = &ovs->rs[(r + j) % ovs->nrs];
			if (o->port == rs->port && o->addr.family == rs->addr.family &&
			    memcmp(o->addr.addr, rs->addr.addr, sizeof(rs->addr.addr)) == 0)
				return o;
		}
	}
	return NULL;
}
