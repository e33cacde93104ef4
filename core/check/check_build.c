/*
 * check_build.c - checkd's model built from a config: the shared checks,
 * the real servers with their notify scripts judged once each, the pace the
 * config asks for, and the state a reload carries over.
 */
#include "check_runner.h"
#include "conf_script.h"
#include "fnv.h"
#include "log.h"
#include "script.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PACE_MIN_PER_S 1000           /* attempt starts a second that are never held back */
#define PACE_HEADROOM 1.5             /* x the most the config asks: a backlog drains */

/* The shared check for params p, created when new: checks whose probes
 * would be alike (same params, same target) are one. NULL on error. */
static struct check *check_get(struct check_runner *run, struct model *m, const struct check_params *p,
			       unsigned long capacity)
{
	struct check_probe probe;
	if (check_probe_init(&probe, &run->ctx, p) != 0)
		return NULL;
	struct check *c = check_find(m, &probe);
	if (c || m->nchecks >= capacity) {
		check_probe_release(&probe);
		return c;
	}
	c = &m->checks[m->nchecks];
	memset(c, 0, sizeof(*c));
	c->misc_status = -1;
	c->probe = probe;          /* nothing points at it yet: it may move */
	struct sched_timing timing = check_timing(c);
	sched_init(&c->st, &timing);
	loop_timer_init(&c->timer, check_on_due, c);
	check_index_add(m, c);
	m->nchecks++;
	return c;
}

/* A notify line's first word: the program named in its log lines and --json. */
static size_t notify_program(const char *line, char *buf, size_t size)
{
	line += strspn(line, " \t");
	size_t len = strcspn(line, " \t");
	if (len >= size)
		len = size - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	return len;
}

/*
 * keepalived 2.2.7's verdict on a real server's notify script, as its
 * checker was seen to judge them (docs/checkd.md): the user is the line's own, else the model's
 * default (conf_default_script_user); under enable_script_security a
 * script with neither is dropped, never run as root. Then, as for
 * MISC_CHECK, a program that is missing or not executable is dropped, and
 * one others could change while root runs it is dropped under
 * enable_script_security, else run with a warning. Fills v's uid, gid,
 * verdict and why.
 */
static void notify_vet(const struct model *m, const struct conf_cmd *cmd, bool script_security,
		       struct notify_verdict *v)
{
	v->uid = (uid_t)-1;
	v->gid = (gid_t)-1;
	v->why[0] = '\0';
	v->verdict = CHECK_MISC_DROP;
	if (cmd->argc < 2 && !m->script_user && script_security) {
		snprintf(v->why, sizeof(v->why), "no script user: enable_script_security wants a user after the "
			 "command, script_user or a keepalived_script account");
		return;
	}
	/* "script [user [group]]": the line's own user and group win over the defaults. */
	const char *user = cmd->argc >= 2 ? cmd->argv[1] : m->script_user;
	const char *group = cmd->argc >= 3 ? cmd->argv[2] : cmd->argc >= 2 ? NULL : m->script_group;
	if (script_ids(user, group, &v->uid, &v->gid) != 0) {
		if (cmd->argc >= 2 && !getpwnam(cmd->argv[1]))
			snprintf(v->why, sizeof(v->why), "no such user '%s'", cmd->argv[1]);
		else
			snprintf(v->why, sizeof(v->why), "no such script user or group");
		return;
	}
	v->verdict = check_script_line_vet(cmd->argv[0], v->uid, script_security, v->why, sizeof(v->why));
}

/* Where a real server's notify line is, for the log: the node whose
 * arguments are the command's words (KW_CMD copies the node's array of
 * them), else the real_server line. Only looked for when a verdict is
 * worth a log line. */
static void notify_where(const struct conf_keepalived *conf, const struct conf_virtual_server *cv,
			 const struct conf_real_server *cr, const struct conf_cmd *cmd, const char **file, int *line)
{
	*file = cr->file;
	*line = cr->line;
	for (const struct conf_node *vn = conf->tree->root.child; vn; vn = vn->next) {
		if (vn->line != cv->line || vn->file != cv->file)
			continue;
		for (const struct conf_node *rn = vn->child; rn; rn = rn->next) {
			if (rn->line != cr->line || rn->file != cr->file)
				continue;
			for (const struct conf_node *n = rn->child; n; n = n->next)
				if (n->nargs == cmd->argc &&
				    memcmp(n->args, cmd->argv, (size_t)cmd->argc * sizeof(*cmd->argv)) == 0) {
					*file = n->file;
					*line = n->line;
					return;
				}
		}
	}
}

/* Where a notify script is judged and said, once a build (load and reload)
 * for each program and user however many real servers name them. */
struct notify_site {
	struct model *m;
	const struct conf_keepalived *conf;
	const struct conf_virtual_server *cv;
	const struct conf_real_server *cr;
	const struct rserver *rs;
};

/* The verdict on cmd (one of cr's notify lines, named what), memoised in
 * m; *v NULL for a command not set. -1 when out of memory. */
static int notify_verdict(const struct notify_site *at, const struct conf_cmd *cmd, const char *what,
			  const struct notify_verdict **v)
{
	struct model *m = at->m;
	char key[512], name[64];

	*v = NULL;
	if (!cmd->argv || cmd->argc < 1)
		return 0;
	size_t len = notify_program(cmd->argv[0], key, sizeof(key) - 2) + 1;
	/* A plain line runs its first word only, so its arguments do not change
	 * the verdict; a shell line is judged whole, so it is keyed whole. */
	const char *judged = script_line_wants_shell(cmd->argv[0]) ? cmd->argv[0] : "";
	int n = snprintf(key + len, sizeof(key) - len, "%s%c%s%c%s", cmd->argc >= 2 ? cmd->argv[1] : "", '\0',
			 cmd->argc >= 3 ? cmd->argv[2] : "", '\0', judged);
	if (n < 0 || (size_t)n >= sizeof(key) - len)
		n = (int)(sizeof(key) - len - 1);
	len += (size_t)n + 1;
	uint32_t hash = fnv1a_bytes(key, len);     /* over the NULs between the parts too */
	for (struct notify_verdict *o = m->notify_verdicts; o; o = o->next)
		if (o->hash == hash && o->key_len == len && memcmp(o->key, key, len) == 0) {
			*v = o;
			return 0;
		}
	struct notify_verdict *nv = malloc(sizeof(*nv) + len);
	if (!nv)
		return -1;
	memcpy(nv->key, key, len);
	nv->key_len = len;
	nv->hash = hash;
	notify_vet(m, cmd, at->conf->global.enable_script_security > 0, nv);
	nv->next = m->notify_verdicts;
	m->notify_verdicts = nv;
	*v = nv;
	if (nv->verdict == CHECK_MISC_RUN)
		return 0;
	const char *file;
	int line;
	notify_where(at->conf, at->cv, at->cr, cmd, &file, &line);
	rs_name(at->rs, name, sizeof(name));
	if (nv->verdict == CHECK_MISC_DROP)
		log_err("%s:%d: %s %s of %s %s disabled: %s", file, line, what, nv->key, at->rs->vs->name, name,
			nv->why);
	else
		log_warn("%s:%d: %s %s of %s %s runs although %s; enable_script_security would refuse it", file,
			 line, what, nv->key, at->rs->vs->name, name, nv->why);
	return 0;
}

/* The notify commands, copied, with the build's verdict on each. */
static int rs_copy_notify(const struct notify_site *at, struct rserver *rs)
{
	const struct conf_rs_checks *cr = at->cr->checks;

	if (!cr || (!cr->notify_up.argv && !cr->notify_down.argv))
		return 0;
	if (!(rs->notify = calloc(1, sizeof(*rs->notify))))
		return -1;
	if (cmd_copy(&rs->notify->up, &cr->notify_up) || cmd_copy(&rs->notify->down, &cr->notify_down))
		return -1;
	if (notify_verdict(at, &cr->notify_up, "notify_up", &rs->notify->up_verdict) ||
	    notify_verdict(at, &cr->notify_down, "notify_down", &rs->notify->down_verdict))
		return -1;
	return 0;
}

/*
 * Builds model m from conf, copying all it keeps: the caller frees conf
 * right after (at scale the parsed tree is bigger than the model). 0, or
 * -1 when out of memory; *errors counts checker blocks that were refused.
 */
int check_model_build(struct check_runner *run, struct model *m, const struct conf_keepalived *conf,
			     int *errors)
{
	unsigned long ncheckers = 0;
	double per_second = 0;
	bool failed = false;
	char err[256];

	*errors = 0;
	memset(m, 0, sizeof(*m));
	const char *group, *user = conf_default_script_user(&conf->global, &group);
	m->script_user = strdup_or_null(user, &failed);
	m->script_group = strdup_or_null(group, &failed);
	for (int v = 0; v < conf->nvirtual_servers; v++)
		for (int r = 0; r < conf->virtual_servers[v].nreal_servers; r++)
			ncheckers += (unsigned long)conf->virtual_servers[v].real_servers[r].ncheckers;
	/* One array for all checks and one per virtual server for its real
	 * servers: large blocks of their own, which go back to the system
	 * whole, and none of them pins a freed piece of the parsed config. */
	m->checks = calloc(ncheckers + 1, sizeof(*m->checks));
	m->vs = calloc((size_t)conf->nvirtual_servers + 1, sizeof(*m->vs));
	if (failed || !m->checks || !m->vs || check_index_init(m, ncheckers) != 0)
		return -1;
	m->nvs = conf->nvirtual_servers;
	for (int v = 0; v < conf->nvirtual_servers; v++) {
		const struct conf_virtual_server *cv = &conf->virtual_servers[v];
		struct vserver *vs = &m->vs[v];
		conf_vs_name(cv, vs->name, sizeof(vs->name));
		vs->omega = cv->omega;
		vs->rs = calloc((size_t)cv->nreal_servers + 1, sizeof(*vs->rs));
		if (!vs->rs)
			return -1;
		for (int r = 0; r < cv->nreal_servers; r++) {
			const struct conf_real_server *cr = &cv->real_servers[r];
			struct rserver *rs = &vs->rs[vs->nrs++];
			rs->vs = vs;
			rs->addr = cr->addr;
			rs->port = cr->port;
			rs->conf_weight = cr->weight;
			rs->inhibit = cr->inhibit_on_failure || cv->inhibit_on_failure;
			struct notify_site site = { m, conf, cv, cr, rs };
			if (rs_copy_notify(&site, rs) != 0)
				return -1;
			for (int k = 0; cr->checks && k < cr->ncheckers; k++) {
				struct check_params p;
				memset(&p, 0, sizeof(p));
				if (check_params_from_conf(&p, conf, cv, cr, &cr->checks->checkers[k], err, sizeof(err)) != 0) {
					log_err("%s", err);
					(*errors)++;
					continue;
				}
				p.file = NULL;   /* points into the config, which goes */
				if (p.misc) {
					const struct script_verdict *sv =
						misc_verdict(m, p.misc, conf->global.enable_script_security > 0);
					if (!sv || sv->verdict == CHECK_MISC_DROP) {
						check_params_free(&p);
						if (!sv)
							return -1;
						/* as keepalived: the checker goes, the real server stays */
						if (!rs->disabled)
							rs->disabled = sv;
						continue;
					}
				}
				unsigned long before = m->nchecks;
				struct check *c = check_get(run, m, &p, ncheckers);
				if (c && m->nchecks > before)
					per_second += attempts_per_second(&p);
				check_params_free(&p);
				if (!c || check_add_user(c, rs) != 0 || rs_add_check(rs, c) != 0)
					return -1;
			}
			/* Starts as its checkers do: up, or down under alpha. */
			rs->up = rs->nchecks ? check_rs_all_up(rs) : true;
			rs->weight = rs->up ? check_rs_weight(rs) : rs->inhibit ? 0 : rs->conf_weight;
			m->nrs++;
		}
	}
	per_second *= PACE_HEADROOM;
	if (per_second < PACE_MIN_PER_S)
		per_second = PACE_MIN_PER_S;
	m->pace_interval_us = (uint64_t)(1e6 / per_second);
	if (m->pace_interval_us == 0)
		m->pace_interval_us = 1;
	check_index_free(m);
	return 0;
}

void check_model_free(struct model *m)
{
	for (unsigned long i = 0; i < m->nchecks; i++)
		check_release(&m->checks[i]);
	for (int v = 0; v < m->nvs; v++) {
		for (int r = 0; r < m->vs[v].nrs; r++) {
			struct rserver *rs = &m->vs[v].rs[r];
			if (rs->nchecks > 1)
				free(rs->checks.many);
			if (rs->notify) {
				cmd_free(&rs->notify->up);
				cmd_free(&rs->notify->down);
				free(rs->notify);
			}
		}
		free(m->vs[v].rs);
	}
	free(m->checks);
	free(m->vs);
	check_index_free(m);
	free(m->script_user);
	free(m->script_group);
	while (m->verdicts) {
		struct script_verdict *next = m->verdicts->next;
		free(m->verdicts);
		m->verdicts = next;
	}
	while (m->notify_verdicts) {
		struct notify_verdict *next = m->notify_verdicts->next;
		free(m->notify_verdicts);
		m->notify_verdicts = next;
	}
	memset(m, 0, sizeof(*m));
}

/* A reloaded check keeps the state of the old one that probes alike (both
 * models' probes share their params through one context); a real server
 * keeps its own when its virtual server and address:port stay. */
int check_model_carry_over(struct model *m, struct model *old)
{
	if (check_index_init(old, old->nchecks) != 0)
		return -1;
	for (unsigned long i = 0; i < old->nchecks; i++)
		check_index_add(old, &old->checks[i]);
	for (unsigned long i = 0; i < m->nchecks; i++) {
		struct check *c = &m->checks[i];
		struct check *o = check_find(old, &c->probe);
		if (!o)
			continue;
		c->st = o->st;
		c->attempts = o->attempts;
		c->successes = o->successes;
		c->failures = o->failures;
		c->transitions = o->transitions;
		c->tried = o->tried;
		c->last_ok = o->last_ok;
		c->latency_us = o->latency_us;
		c->last_ms = o->last_ms;
		c->changed_ms = o->changed_ms;
		c->misc_status = o->misc_status;
		c->error = o->error;
		o->error = NULL;
	}
	check_index_free(old);
	for (int v = 0; v < m->nvs; v++)
		for (int r = 0; r < m->vs[v].nrs; r++) {
			struct rserver *rs = &m->vs[v].rs[r];
			const struct rserver *o = rs_find_old(old, v, r, rs);
			if (o) {
				rs->transitions = o->transitions;
				rs->changed_ms = o->changed_ms;
				rs->confirmed = o->confirmed;
			}
			rs->up = rs->nchecks ? check_rs_all_up(rs) : true;
			rs->weight = rs->up ? check_rs_weight(rs) : rs->inhibit ? 0 : rs->conf_weight;
		}
	return 0;
}
