/*
 * checkd.c - the health-check daemon: decides which real servers get
 * traffic, from the checker blocks of a keepalived-style config.
 *
 * The probes themselves live in core/check*.c (one non-blocking attempt
 * each) and the retry arithmetic in core/check_sched.c. This file maps the
 * config onto shared checks and real servers, schedules attempts on the
 * event loop, turns verdicts into real-server events (one line each, on
 * stdout or on the fd lvsd gave it; docs/checkd.md), runs notify scripts,
 * answers the control socket, and implements genhash's --digest.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "applets.h"
#include "check.h"
#include "check_model.h"
#include "check_sched.h"
#include "conf.h"
#include "ctl.h"
#include "daemon.h"
#include "json.h"
#include "log.h"
#include "loop.h"

#define CHECKD_DEFAULT_CONF "/etc/lvsbox/lvsbox.conf"
#define CHECKD_DEFAULT_SOCK CTL_DIR "/checkd.sock"
#define NOTIFY_TIMEOUT_MS 30000       /* a notify script that hangs is killed */
#define MAX_NOTIFIES 64               /* running at once; more are dropped, counted */
#define STOP_WAIT_MS 5000             /* omega's notify_down scripts before exiting */
#define EVENTS_MAX_QUEUED (4u << 20)  /* bytes waiting for a slow lvsd before we give up */
#define DIGEST_TIMEOUT_MS 5000
#define FD_RESERVE 64                 /* descriptors kept for events, control clients, scripts */
#define MAX_IN_FLIGHT 4096            /* attempts at once whatever the fd limit: bounds memory */
#define PACE_MIN_PER_S 1000           /* attempt starts a second that are never held back */
#define PACE_HEADROOM 1.5             /* x the most the config asks: a backlog drains */
#define PACE_CATCH_UP_US 20000        /* how much a late loop may start at once */
/* Timers due within this many ms of each other run in one wake-up: at
 * 5,000 checks a second a wake-up per start and per timeout would cost
 * more than the checks. Checks start and time out up to this much late. */
#define TIMER_SLACK_MS 20

/* checkd: no script tests in -t, its own -D, and -e between -S and -s. */
static const struct opts_row checkd_rows[] = {
	OPTS_SHOW_SHORT('f', "config file (default " CHECKD_DEFAULT_CONF ")"),
	OPTS_SHOW_SHORT('n', NULL),
	OPTS_SHOW_SHORT('l', NULL),
	OPTS_SHOW_SHORT('D', "detailed log (every failed attempt)"),
	OPTS_SHOW_SHORT('t', "check the config and exit: 0 clean, 5 warnings, 3 errors"),
	OPTS_INCLUDE(daemon_keepalived_opts),
	OPTS_SHOW_SHORT('S', "control socket (default " CHECKD_DEFAULT_SOCK ")"),
	OPT('e', "events-fd", "FD", "write the events to FD (lvsd's socketpair) instead of stdout;\n"
				    "checkd exits when the other end closes"),
	OPTS_SHOW_SHORT('s', "print the running daemon's real servers as a table"),
	OPTS_INCLUDE(daemon_control_opts),
	OPT_LONG("digest", 'G', "URL", "fetch http[s]://HOST[:PORT]/PATH and print the MD5 of the\n"
				       "body as keepalived's genhash does (for url { digest })"),
	OPT('V', NULL, "VIRTUALHOST", NULL),
	OPT('P', NULL, "1.0|1.0C|1.1", NULL),
	OPT('v', NULL, NULL, NULL),    /* with -t the config printed back, alone the version */
	OPTS_END,
};

const struct opts_cmd checkd_cmd = {
	.usage = "Usage: checkd [-n] [-l] [-D] [-f FILE] [-p PIDFILE] [-S SOCKET] [-e FD]\n"
		 "       checkd -t [-v] [-f FILE]\n"
		 "       checkd [-S SOCKET] -s | --json\n"
		 "       checkd --digest URL [-V VIRTUALHOST] [-P 1.0|1.0C|1.1]\n"
		 "Health checks of real servers (keepalived's checkers); prints one line per\n"
		 "real server going up or down (docs/checkd.md) and runs notify scripts.\n"
		 "\n",
	.rows = checkd_rows,
	.footer = "\n"
		  "Signals: TERM/INT stop (with omega, notify_down runs for servers that\n"
		  "are up), HUP reloads the config, keeping the state of unchanged checks.\n",
};

struct notify_child {
	struct loop_child child;
	struct checkd *d;
};

struct checkd {
	struct loop loop;
	const char *conf_path, *sock_path, *pid_path;
	struct model m;
	struct check_ctx ctx;
	char *ssl_strings[4];        /* ca, certificate, key, password: copies for ctx.ssl */
	struct ctl_server ctl;
	uint64_t start_ms;

	/* Starting attempts: at most max_in_flight at once, one per
	 * m.pace_interval_us; the rest wait in m's queue. */
	unsigned max_in_flight;
	uint64_t next_start_us;
	struct loop_timer pace_timer;
	bool pumping;
	unsigned long queued_max, deferred;

	int events_fd;               /* -1: stdout */
	struct loop_io events_io;
	char *outq;
	size_t outq_len, outq_cap;

	int notifies_running;
	unsigned long notifies_dropped, events_sent;
	bool stopping;
	struct loop_timer stop_timer;
};

/* ---- small helpers ---- */


/* The checker parameters remember a position inside the config they were
 * read from; it must be forgotten before that config is freed. */
static void release_conf(struct conf_keepalived *conf)
{
	check_params_conf_done(conf);
	conf_keepalived_free(conf);
}

static uint64_t now_ms(const struct checkd *d)
{
	return loop_now_ms(&d->loop) - d->start_ms;
}

/* ---- events: one line each, to stdout or lvsd's fd ---- */

static void on_events_io(struct loop *loop, struct loop_io *io, unsigned events);

static void events_flush(struct checkd *d)
{
	while (d->outq_len) {
		ssize_t n = write(d->events_fd, d->outq, d->outq_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			loop_io_watch(&d->loop, &d->events_io, LOOP_READ | LOOP_WRITE);
			return;
		}
		if (n <= 0) {
			log_err("event channel: %s; stopping", n < 0 ? strerror(errno) : "closed");
			d->outq_len = 0;
			loop_break(&d->loop);
			return;
		}
		memmove(d->outq, d->outq + n, d->outq_len - (size_t)n);
		d->outq_len -= (size_t)n;
	}
	/* Nothing left to send: the burst of initial lines must not keep its buffer. */
	if (d->outq_cap > 4096) {
		free(d->outq);
		d->outq = NULL;
		d->outq_cap = 0;
	}
	loop_io_watch(&d->loop, &d->events_io, LOOP_READ);
}

/* The other end (lvsd) only ever closes: EOF or an error means it is gone. */
static void on_events_io(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct checkd *d = io->arg;
	char buf[256];

	if (events & LOOP_WRITE)
		events_flush(d);
	if (events & (LOOP_READ | LOOP_ERROR)) {
		ssize_t n = read(io->fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			log_notice("event channel closed by the other end; stopping");
			loop_io_stop(loop, io);
			loop_break(loop);
		}
	}
}

static void emit(struct checkd *d, const char *line, size_t len)
{
	d->events_sent++;
	if (d->events_fd < 0) {
		fwrite(line, 1, len, stdout);
		fflush(stdout);
		return;
	}
	if (d->outq_len + len > EVENTS_MAX_QUEUED) {
		log_err("event channel: %zu bytes not taken; stopping", d->outq_len);
		loop_break(&d->loop);
		return;
	}
	if (d->outq_len + len > d->outq_cap) {
		size_t cap = (d->outq_len + len) * 2;
		char *q = realloc(d->outq, cap);
		if (!q) {
			log_err("out of memory for events; stopping");
			loop_break(&d->loop);
			return;
		}
		d->outq = q;
		d->outq_cap = cap;
	}
	memcpy(d->outq + d->outq_len, line, len);
	d->outq_len += len;
	events_flush(d);
}

/* "T EVENT VS RS weight=W [inhibit] [initial] [reason=TEXT]" (docs/checkd.md) */
static void rs_event(struct checkd *d, const struct rserver *rs, const char *event, bool initial,
		     const char *reason)
{
	char line[512], esc[256], name[64];
	uint64_t t = now_ms(d);
	int n;

	n = snprintf(line, sizeof(line), "%llu.%03llu %s %s %s weight=%d%s%s",
		     (unsigned long long)(t / 1000), (unsigned long long)(t % 1000), event,
		     rs->vs->name, rs_name(rs, name, sizeof(name)), rs->weight,
		     !rs->up && rs->inhibit ? " inhibit" : "", initial ? " initial" : "");
	if (reason && *reason && n > 0 && (size_t)n < sizeof(line)) {
		log_escape_line(esc, sizeof(esc), reason);
		n += snprintf(line + n, sizeof(line) - (size_t)n, " reason=%s", esc);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	emit(d, line, (size_t)n);
}

/* ---- notify scripts ---- */

/* A line with shell syntax in it goes to /bin/sh -c; a plain one is split on blanks. */
static void on_notify_done(struct loop *loop, struct loop_child *child, int status)
{
	struct notify_child *nc = (struct notify_child *)child;
	struct checkd *d = nc->d;

	if (child->timed_out)
		log_warn("a notify script overran %d s and was killed", NOTIFY_TIMEOUT_MS / 1000);
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		log_info("a notify script exited %d", WEXITSTATUS(status));
	d->notifies_running--;
	if (d->stopping && d->notifies_running == 0)
		loop_break(loop);
	free(nc);
}

/* verdict: the build's judgement of cmd (notify_vet); a disabled script was
 * reported then, so it is skipped here without a word. */
static void run_notify(struct checkd *d, const struct cmd *cmd, const struct notify_verdict *verdict)
{
	if (!cmd->argv || cmd->argc < 1 || !verdict || verdict->verdict == CHECK_MISC_DROP)
		return;
	if (d->notifies_running >= MAX_NOTIFIES) {
		d->notifies_dropped++;
		log_warn("%d notify scripts still running, not starting '%s'", d->notifies_running, cmd->argv[0]);
		return;
	}
	struct notify_child *nc = calloc(1, sizeof(*nc));
	int rc = -1;

	if (nc) {
		nc->d = d;
		/* the one runner: keepalived's splitting, shell syntax through /bin/sh -c */
		rc = script_spawn_line(&d->loop, &nc->child, cmd->argv[0], NULL, 0, verdict->uid, verdict->gid,
				       NOTIFY_TIMEOUT_MS, on_notify_done, nc) < 0 ? -1 : 0;
	}
	if (rc != 0) {
		log_err("cannot run notify script '%s'", cmd->argv[0]);
		free(nc);
		return;
	}
	d->notifies_running++;
}

static void rs_notify(struct checkd *d, const struct rserver *rs, bool up)
{
	if (rs->notify && up)
		run_notify(d, &rs->notify->up, rs->notify->up_verdict);
	else if (rs->notify)
		run_notify(d, &rs->notify->down, rs->notify->down_verdict);
}

/* ---- real-server state ---- */

/* Called after check c (one of rs's) reported a verdict or a weight;
 * confirm_down: c's verdict is down and must be announced even if rs was
 * already assumed down (alpha), once. */
static void rs_update(struct checkd *d, struct rserver *rs, const struct check *c, bool confirm_down)
{
	bool up = check_rs_all_up(rs);
	int weight = check_rs_weight(rs);
	char reason[CHECK_ERROR_MAX + 80], target[64], name[64];

	check_target(c, target, sizeof(target));
	if (up == rs->up && !(confirm_down && !up && !rs->confirmed)) {
		if (up && weight != rs->weight) {
			rs->weight = weight;
			snprintf(reason, sizeof(reason), "%s %s exit status %d", conf_checker_name(check_type(c)),
				 target, c->misc_status);
			rs_event(d, rs, "weight", false, reason);
		}
		return;
	}
	if (up != rs->up) {
		rs->transitions++;
		rs->changed_ms = now_ms(d);
	}
	rs->up = up;
	rs->confirmed = true;
	rs->weight = up ? weight : rs->inhibit ? 0 : rs->weight;
	if (up)
		snprintf(reason, sizeof(reason), "%s %s ok", conf_checker_name(check_type(c)), target);
	else
		snprintf(reason, sizeof(reason), "%s %s: %s", conf_checker_name(check_type(c)), target,
			 check_error(c));
	log_notice("%s %s %s: %s", rs->vs->name, rs_name(rs, name, sizeof(name)), up ? "up" : "down", reason);
	rs_event(d, rs, up ? "up" : "down", false, reason);
	rs_notify(d, rs, up);
}

/* ---- checks: attempts on the loop ---- */

/*
 * When an attempt may start. A check whose timer fires joins a FIFO queue;
 * attempts leave it one per pace_interval_us (faster than the config ever
 * asks for, every check failing and retrying included, so the pacer only
 * flattens clumps: a reload, warmup 0, the timers that fell due while the
 * loop was held up all at once) and only while fewer than
 * max_in_flight attempts run, so descriptors never run out. The attempt,
 * and its connect_timeout, begins when it leaves the queue: waiting there
 * is never counted against the server.
 */
static void pump(struct checkd *d);

static void set_error(struct check *c, const char *text)
{
	if (c->error && strcmp(c->error, text) == 0)
		return;
	char *copy = strdup(text);
	if (!copy)
		return;          /* keeps the older text rather than none */
	free(c->error);
	c->error = copy;
}

static void on_check_done(struct check_probe *probe, const struct check_result *r, void *arg)
{
	struct check *c = arg;
	struct checkd *d = c->d;
	struct sched_timing timing = check_timing(c);
	(void)probe;

	c->attempts++;
	c->tried = true;
	c->last_ok = r->ok;
	c->latency_us = r->latency_us;
	c->last_ms = now_ms(d);
	if (r->ok) {
		c->successes++;
	} else {
		c->failures++;
		set_error(c, r->error[0] ? r->error : "failed");
		if (c->st.up && log_debug_enabled()) {
			char target[64];
			log_debug("%s %s failed (retry %u of %u): %s", conf_checker_name(check_type(c)),
				  check_target(c, target, sizeof(target)), c->st.retry_it, timing.retry, check_error(c));
		}
	}
	int old_status = c->misc_status;
	if (r->ok && r->misc_status >= 2 && check_misc_dynamic(c))
		c->misc_status = r->misc_status;

	struct sched_step step = sched_result(&c->st, &timing, r->ok);
	if (step.changed) {
		c->transitions++;
		c->changed_ms = c->last_ms;
	}
	if (step.report || c->misc_status != old_status)
		for (unsigned i = 0; i < c->nusers; i++)
			rs_update(d, check_user(c, i), c, step.report && !c->st.up);
	if (!d->stopping) {
		loop_timer_arm(&d->loop, &c->timer, step.next_in_ms);
		pump(d);         /* a slot is free */
	}
}

static void attempt_start(struct check *c)
{
	if (check_probe_start(c->probe, -1, on_check_done, c) != 0) {
		struct check_result r = { .ok = false, .misc_status = -1 };
		snprintf(r.error, sizeof(r.error), "cannot start the attempt");
		on_check_done(c->probe, &r, c);
	}
}

static void pump(struct checkd *d)
{
	struct model *m = &d->m;

	if (d->pumping)
		return;          /* an attempt that failed at once came back here */
	d->pumping = true;
	while (m->queue_head && !d->stopping && d->ctx.running < d->max_in_flight) {
		uint64_t now_us = loop_now_ms(&d->loop) * 1000;
		if (d->next_start_us > now_us) {
			loop_timer_arm(&d->loop, &d->pace_timer, (d->next_start_us - now_us + 999) / 1000);
			break;
		}
		/* A loop that fell behind may make up a little at once, not all. */
		if (d->next_start_us + PACE_CATCH_UP_US < now_us)
			d->next_start_us = now_us - PACE_CATCH_UP_US;
		d->next_start_us += m->pace_interval_us;
		attempt_start(queue_pop(m));
	}
	d->pumping = false;
}

static void on_pace_timer(struct loop *loop, struct loop_timer *timer)
{
	(void)loop;
	pump(timer->arg);
}

static void on_check_due(struct loop *loop, struct loop_timer *timer)
{
	struct check *c = timer->arg;
	struct checkd *d = c->d;

	if (c->queued)
		return;
	if (check_probe_running(c->probe)) {
		/* Cannot happen with connect_timeout < delay_loop; never stack attempts. */
		loop_timer_arm(loop, timer, check_params_of(c)->delay_loop_ms);
		return;
	}
	queue_push(&d->m, c);
	if (d->m.queued > d->queued_max)
		d->queued_max = d->m.queued;
	pump(d);
	if (c->queued)
		d->deferred++;
}

/* Through c->d, never a copy of the daemon: the loop owns the armed timers. */
static void check_release(struct check *c)
{
	loop_timer_cancel(&c->d->loop, &c->timer);
	if (c->probe)
		check_probe_free(c->probe);
	if (c->nusers > 1)
		free(c->users.many);
	free(c->error);
	c->probe = NULL;
	c->error = NULL;
}

/* ---- config -> model ---- */

/* The shared check for params p, created when new. NULL on error. */
static struct check *check_get(struct checkd *d, struct model *m, const struct check_params *p,
			       unsigned long capacity)
{
	char buf[256];
	char *key = check_key(p, buf, sizeof(buf));
	bool failed = false;

	if (!key)
		return NULL;
	uint32_t hash = fnv1a(key);
	struct check *c = check_find(m, key, hash, &failed);
	if (key != buf)
		free(key);
	if (c || failed || m->nchecks >= capacity)
		return c;
	c = &m->checks[m->nchecks];
	memset(c, 0, sizeof(*c));
	c->d = d;
	c->key_hash = hash;
	c->misc_status = -1;
	if (!(c->probe = check_probe_new(&d->ctx, p)))
		return NULL;
	struct sched_timing timing = check_timing(c);
	sched_init(&c->st, &timing);
	loop_timer_init(&c->timer, on_check_due, c);
	c->hash_next = m->hash[hash & (m->hash_size - 1)];
	m->hash[hash & (m->hash_size - 1)] = c;
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
 * default (daemon_default_script_user); under enable_script_security a
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
	if (daemon_script_ids(cmd->argc, cmd->argv, m->script_user, m->script_group, &v->uid, &v->gid) != 0) {
		if (cmd->argc >= 2 && !getpwnam(cmd->argv[1]))
			snprintf(v->why, sizeof(v->why), "no such user '%s'", cmd->argv[1]);
		else
			snprintf(v->why, sizeof(v->why), "no such script user or group");
		return;
	}
	v->verdict = check_script_line_vet(cmd->argv[0], v->uid, script_security, v->why, sizeof(v->why));
}

/* Where a real server's notify line is, for the log: the node whose
 * arguments the command points at (KW_CMD keeps them), else the
 * real_server line. Only looked for when a verdict is worth a log line. */
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
				if (n->args == cmd->argv) {
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
	uint32_t hash = 2166136261u;      /* fnv1a's, over the NULs between the parts too */
	for (size_t i = 0; i < len; i++)
		hash = (hash ^ (unsigned char)key[i]) * 16777619u;
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
	const struct conf_real_server *cr = at->cr;

	if (!cr->notify_up.argv && !cr->notify_down.argv)
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
static int build(struct checkd *d, struct model *m, const struct conf_keepalived *conf, int *errors)
{
	unsigned long ncheckers = 0;
	double per_second = 0;
	bool failed = false;
	char err[256];

	*errors = 0;
	memset(m, 0, sizeof(*m));
	const char *group, *user = daemon_default_script_user(&conf->global, &group);
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
	if (failed || !m->checks || !m->vs || hash_init(m, ncheckers) != 0)
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
			for (int k = 0; k < cr->ncheckers; k++) {
				struct check_params p;
				memset(&p, 0, sizeof(p));
				if (check_params_from_conf(&p, conf, cv, cr, &cr->checkers[k], err, sizeof(err)) != 0) {
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
				struct check *c = check_get(d, m, &p, ncheckers);
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
	return 0;
}

static void model_free(struct model *m)
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
	free(m->hash);
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

/* Every real server's starting state as an "initial" event, then the
 * first attempts staggered over each check's warmup. */
static void start_all(struct checkd *d)
{
	struct model *m = &d->m;

	for (int v = 0; v < m->nvs; v++)
		for (int r = 0; r < m->vs[v].nrs; r++) {
			struct rserver *rs = &m->vs[v].rs[r];
			rs_event(d, rs, rs->up ? "up" : "down", true, NULL);
		}
	for (unsigned long i = 0; i < m->nchecks; i++) {
		struct check *c = &m->checks[i];
		struct sched_timing timing = check_timing(c);
		loop_timer_arm(&d->loop, &c->timer, sched_first_delay(&timing, i));
	}
}

/* ---- control socket ---- */

static void fmt_ago(char *buf, size_t size, const struct checkd *d, uint64_t at, bool valid)
{
	if (!valid)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1fs", (double)(now_ms(d) - at) / 1000.0);
}

/* rs's notify scripts this build disabled, each NULL when it was not. */
static bool rs_notify_disabled(const struct rserver *rs, const struct notify_verdict **up,
			       const struct notify_verdict **down)
{
	*up = *down = NULL;
	if (!rs->notify)
		return false;
	if (rs->notify->up_verdict && rs->notify->up_verdict->verdict == CHECK_MISC_DROP)
		*up = rs->notify->up_verdict;
	if (rs->notify->down_verdict && rs->notify->down_verdict->verdict == CHECK_MISC_DROP)
		*down = rs->notify->down_verdict;
	return *up || *down;
}

static void status_table(void *arg, struct ctl_buf *b)
{
	struct checkd *d = arg;
	const struct model *m = &d->m;
	char ago[24], name[64], target[64];

	ctl_printf(b, "%-26s %-24s %-5s %6s %6s %9s  %s\n", "VIRTUAL", "REAL", "STATE", "WEIGHT", "TRANS",
		   "CHANGED", "LAST ERROR");
	for (int v = 0; v < m->nvs; v++) {
		for (int r = 0; r < m->vs[v].nrs; r++) {
			const struct rserver *rs = &m->vs[v].rs[r];
			const char *error = "-";
			for (int i = 0; i < rs->nchecks; i++) {
				const struct check *c = rs_check(rs, i);
				if (!c->st.up || (c->tried && !c->last_ok)) {
					error = check_error(c);
					break;
				}
			}
			if (strcmp(error, "-") == 0 && rs->disabled)
				error = rs->disabled->why;
			fmt_ago(ago, sizeof(ago), d, rs->changed_ms, rs->transitions > 0);
			ctl_printf(b, "%-26s %-24s %-5s %6d %6u %9s  %s\n", m->vs[v].name, rs_name(rs, name, sizeof(name)),
				   rs->up ? "up" : "down", rs->weight, rs->transitions, ago, error);
			if (rs->disabled)
				ctl_printf(b, "  %-10s %-22s disabled: %s\n", "MISC_CHECK", rs->disabled->script,
					   rs->disabled->why);
			const struct notify_verdict *up, *down;
			if (rs_notify_disabled(rs, &up, &down)) {
				if (up)
					ctl_printf(b, "  %-10s %-22s disabled: %s\n", "notify_up", up->key, up->why);
				if (down)
					ctl_printf(b, "  %-10s %-22s disabled: %s\n", "notify_down", down->key, down->why);
			}
			for (int i = 0; i < rs->nchecks; i++) {
				const struct check *c = rs_check(rs, i);
				ctl_printf(b, "  %-10s %-22s %-5s attempts %u failures %u retry %u/%u latency %.3fms%s%s\n",
					   conf_checker_name(check_type(c)), check_target(c, target, sizeof(target)),
					   c->st.up ? "up" : "down", c->attempts, c->failures, c->st.retry_it,
					   check_params_of(c)->retry, (double)c->latency_us / 1000.0,
					   c->tried && !c->last_ok ? " last: " : "", c->tried && !c->last_ok ? check_error(c) : "");
			}
		}
	}
	ctl_printf(b, "%lu real servers, %lu checks, %u attempts in flight (at most %u), %lu waiting to start,"
		   " %lu events, %lu notify scripts dropped\n",
		   m->nrs, m->nchecks, d->ctx.running, d->max_in_flight, m->queued, d->events_sent,
		   d->notifies_dropped);
}

static void check_json(struct json *j, const struct check *c)
{
	const struct check_params *p = check_params_of(c);
	char target[64];

	json_object_begin(j);
	json_key_string(j, "type", conf_checker_name(p->type));
	json_key_string(j, "target", check_target(c, target, sizeof(target)));
	json_key_bool(j, "up", c->st.up);
	json_key_string(j, "last_result", !c->tried ? NULL : c->last_ok ? "ok" : "fail");
	json_key_string(j, "error", c->error);
	json_key_uint(j, "latency_us", c->latency_us);
	json_key_uint(j, "attempts", c->attempts);
	json_key_uint(j, "successes", c->successes);
	json_key_uint(j, "failures", c->failures);
	json_key_uint(j, "transitions", c->transitions);
	json_key_uint(j, "retry_count", c->st.retry_it);
	json_key_uint(j, "retry", p->retry);
	json_key_uint(j, "delay_loop_ms", p->delay_loop_ms);
	json_key_uint(j, "delay_before_retry_ms", p->delay_before_retry_ms);
	json_key_uint(j, "last_attempt_ms", c->last_ms);
	json_key_uint(j, "shared_by", c->nusers);
	if (check_misc_dynamic(c))
		json_key_int(j, "misc_status", c->misc_status);
	json_object_end(j);
}

/* "NAME":{"target":PROGRAM,"error":WHY} */
static void verdict_json(struct json *j, const char *name, const struct notify_verdict *v)
{
	json_key_object(j, name);
	json_key_string(j, "target", v->key);
	json_key_string(j, "error", v->why);
	json_object_end(j);
}

static void rs_json(struct json *j, const struct rserver *rs)
{
	char name[64], addr[INET6_ADDRSTRLEN];

	json_object_begin(j);
	json_key_string(j, "name", rs_name(rs, name, sizeof(name)));
	json_key_string(j, "address", conf_ip_str(&rs->addr, addr, sizeof(addr)));
	json_key_uint(j, "port", rs->port);
	json_key_string(j, "state", rs->up ? "up" : "down");
	json_key_int(j, "weight", rs->weight);
	json_key_int(j, "configured_weight", rs->conf_weight);
	json_key_bool(j, "inhibit_on_failure", rs->inhibit);
	json_key_uint(j, "transitions", rs->transitions);
	if (rs->transitions)
		json_key_uint(j, "last_change_ms", rs->changed_ms);
	else
		json_key_null(j, "last_change_ms");
	json_key_array(j, "checkers");
	for (int i = 0; i < rs->nchecks; i++)
		check_json(j, rs_check(rs, i));
	json_array_end(j);
	if (rs->disabled) {
		json_key_object(j, "disabled_checker");
		json_key_string(j, "type", "MISC_CHECK");
		json_key_string(j, "target", rs->disabled->script);
		json_key_string(j, "error", rs->disabled->why);
		json_object_end(j);
	}
	const struct notify_verdict *up, *down;
	if (rs_notify_disabled(rs, &up, &down)) {
		json_key_object(j, "disabled_notify");
		if (up)
			verdict_json(j, "notify_up", up);
		if (down)
			verdict_json(j, "notify_down", down);
		json_object_end(j);
	}
	json_object_end(j);
}

static void status_json(void *arg, struct ctl_buf *b)
{
	struct checkd *d = arg;
	const struct model *m = &d->m;
	struct json j;

	json_init(&j, b);
	json_object_begin(&j);
	json_key_uint(&j, "uptime_ms", now_ms(d));
	json_key_uint(&j, "real_servers", m->nrs);
	json_key_uint(&j, "checks", m->nchecks);
	json_key_uint(&j, "running", d->ctx.running);
	json_key_uint(&j, "max_running", d->max_in_flight);
	json_key_uint(&j, "waiting", m->queued);
	json_key_uint(&j, "waiting_max", d->queued_max);
	json_key_uint(&j, "deferred", d->deferred);
	json_key_uint(&j, "events", d->events_sent);
	json_key_uint(&j, "notifies_dropped", d->notifies_dropped);
	json_key_array(&j, "virtual_servers");
	for (int v = 0; v < m->nvs; v++) {
		json_object_begin(&j);
		json_key_string(&j, "name", m->vs[v].name);
		json_key_array(&j, "real_servers");
		for (int r = 0; r < m->vs[v].nrs; r++)
			rs_json(&j, &m->vs[v].rs[r]);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	ctl_puts(b, "\n");
}

static void on_ctl_request(const char *command, struct ctl_buf *reply, void *arg)
{
	daemon_ctl_answer(command, reply, arg, status_table, status_json);
}

/* ---- start, reload, stop ---- */

/* The TLS side is set up by the first SSL_GET attempt, long after the
 * config is freed: ctx keeps copies of the SSL block's strings. */
static int ctx_setup(struct checkd *d, const struct conf_keepalived *conf)
{
	struct check_ssl_conf ssl;
	bool failed = false;
	char err[256];

	if (check_ssl_from_conf(&ssl, conf, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return -1;
	}
	d->ssl_strings[0] = strdup_or_null(ssl.ca, &failed);
	d->ssl_strings[1] = strdup_or_null(ssl.certificate, &failed);
	d->ssl_strings[2] = strdup_or_null(ssl.key, &failed);
	d->ssl_strings[3] = strdup_or_null(ssl.password, &failed);
	ssl.ca = d->ssl_strings[0];
	ssl.certificate = d->ssl_strings[1];
	ssl.key = d->ssl_strings[2];
	ssl.password = d->ssl_strings[3];
	if (failed) {
		log_err("out of memory");
		return -1;
	}
	if (check_ctx_init(&d->ctx, &d->loop, &ssl, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

/* The SSL block's strings, copied out of a config about to be freed. */
static int ssl_copy(const struct conf_keepalived *conf, char *strings[4], char *err, size_t errsize)
{
	struct check_ssl_conf ssl;
	bool failed = false;
	memset(strings, 0, 4 * sizeof(*strings));
	if (check_ssl_from_conf(&ssl, conf, err, errsize) != 0)
		return -1;
	strings[0] = strdup_or_null(ssl.ca, &failed);
	strings[1] = strdup_or_null(ssl.certificate, &failed);
	strings[2] = strdup_or_null(ssl.key, &failed);
	strings[3] = strdup_or_null(ssl.password, &failed);
	if (failed) {
		for (int i = 0; i < 4; i++)
			free(strings[i]);
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	return 0;
}

/* A reload re-reads the SSL block's files (a renewed CA or client
 * certificate takes effect); a block that does not load keeps the running
 * one. Either way the strings end up owned by d or freed. */
static void ssl_reload(struct checkd *d, char *strings[4])
{
	struct check_ssl_conf ssl = { strings[0], strings[1], strings[2], strings[3] };
	char err[256];
	if (check_ctx_set_ssl(&d->ctx, &ssl, err, sizeof(err)) != 0) {
		log_err("reload: SSL block: %s; keeping the running one", err);
		for (int i = 0; i < 4; i++)
			free(strings[i]);
		return;
	}
	for (int i = 0; i < 4; i++) {
		free(d->ssl_strings[i]);
		d->ssl_strings[i] = strings[i];
	}
}

/* A reloaded check keeps the state of the old one with the same key; a real
 * server keeps its own when its virtual server and address:port stay. */
static int carry_over(struct model *m, struct model *old)
{
	char buf[256];
	bool failed = false;

	for (unsigned long i = 0; i < m->nchecks; i++) {
		struct check *c = &m->checks[i];
		char *key = check_key(check_params_of(c), buf, sizeof(buf));
		if (!key)
			return -1;
		struct check *o = old->hash ? check_find(old, key, c->key_hash, &failed) : NULL;
		if (key != buf)
			free(key);
		if (failed)
			return -1;
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

static void on_reload(struct loop *loop, int signo, void *arg)
{
	struct checkd *d = arg;
	struct model old;
	int errors;
	(void)loop;
	(void)signo;

	struct conf_keepalived *conf = daemon_reload_read(d->conf_path);
	if (!conf)
		return;
	char *ssl_strings[4], err[256];
	if (ssl_copy(conf, ssl_strings, err, sizeof(err)) != 0) {
		log_err("reload: %s, keeping the running config", err);
		release_conf(conf);
		return;
	}
	/* Build the new model beside the old one, then swap. */
	old = d->m;
	int rc = build(d, &d->m, conf, &errors);
	release_conf(conf);
	if (rc != 0 || errors || carry_over(&d->m, &old) != 0) {
		log_err("reload: cannot use %s, keeping the running config", d->conf_path);
		model_free(&d->m);
		d->m = old;
		for (int i = 0; i < 4; i++)
			free(ssl_strings[i]);
		return;
	}
	model_free(&old);
	ssl_reload(d, ssl_strings);
	log_notice("reloaded %s: %lu real servers, %lu checks", d->conf_path, d->m.nrs, d->m.nchecks);
	start_all(d);
}

static void on_stop_waited(struct loop *loop, struct loop_timer *timer)
{
	(void)timer;
	loop_break(loop);
}

static void on_stop(struct loop *loop, int signo, void *arg)
{
	struct checkd *d = arg;
	struct model *m = &d->m;
	(void)signo;

	if (d->stopping) {
		loop_break(loop);
		return;
	}
	d->stopping = true;
	log_notice("stopping");
	loop_timer_cancel(loop, &d->pace_timer);
	while (m->queue_head)
		queue_pop(m);
	for (unsigned long i = 0; i < m->nchecks; i++) {
		loop_timer_cancel(loop, &m->checks[i].timer);
		check_probe_cancel(m->checks[i].probe);
	}
	/* omega: the servers that are up go down as checkd leaves. */
	for (int v = 0; v < m->nvs; v++) {
		if (!m->vs[v].omega)
			continue;
		for (int r = 0; r < m->vs[v].nrs; r++) {
			struct rserver *rs = &m->vs[v].rs[r];
			if (!rs->up)
				continue;
			rs->up = false;
			rs->weight = rs->inhibit ? 0 : rs->weight;
			rs_event(d, rs, "down", false, "checkd stopping (omega)");
			rs_notify(d, rs, false);
		}
	}
	if (d->notifies_running == 0) {
		loop_break(loop);
		return;
	}
	loop_timer_arm(loop, &d->stop_timer, STOP_WAIT_MS);
}

/* ---- --digest: genhash ---- */

struct digest_job {
	struct loop *loop;
	struct check_result result;
	bool done;
};

static void on_digest_done(struct check_probe *probe, const struct check_result *r, void *arg)
{
	struct digest_job *job = arg;
	(void)probe;

	job->result = *r;
	job->done = true;
	loop_break(job->loop);
}

/* Splits http[s]://HOST[:PORT][/PATH] into p; 0 or -1 with a message. */
static int parse_url(const char *url, struct check_params *p, struct check_url *u, char *host, size_t hostsize)
{
	bool tls = strncmp(url, "https://", 8) == 0;
	const char *s = url + (tls ? 8 : 7);
	const char *path, *port_sep;
	unsigned port = tls ? 443 : 80;

	if (!tls && strncmp(url, "http://", 7) != 0) {
		fprintf(stderr, "checkd: --digest wants an http:// or https:// URL\n");
		return -1;
	}
	path = strchr(s, '/');
	if (!path)
		path = s + strlen(s);
	if (*s == '[') {
		const char *end = memchr(s, ']', (size_t)(path - s));
		if (!end || (size_t)(end - s - 1) >= hostsize)
			return -1;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		port_sep = end[1] == ':' ? end + 1 : NULL;
	} else {
		port_sep = memchr(s, ':', (size_t)(path - s));
		size_t hl = (size_t)((port_sep ? port_sep : path) - s);
		if (hl == 0 || hl >= hostsize)
			return -1;
		memcpy(host, s, hl);
		host[hl] = '\0';
	}
	if (port_sep) {
		char *end;
		unsigned long v = strtoul(port_sep + 1, &end, 10);
		if (end != path || v == 0 || v > 65535) {
			fprintf(stderr, "checkd: bad port in %s\n", url);
			return -1;
		}
		port = (unsigned)v;
	}
	memset(&p->target, 0, sizeof(p->target));
	if (inet_pton(AF_INET, host, &p->target.sin.sin_addr) == 1) {
		p->target.sin.sin_family = AF_INET;
		p->target.sin.sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &p->target.sin6.sin6_addr) == 1) {
		p->target.sin6.sin6_family = AF_INET6;
		p->target.sin6.sin6_port = htons((uint16_t)port);
	} else {
		fprintf(stderr, "checkd: --digest wants an IP address, not '%s'\n", host);
		return -1;
	}
	u->path = (char *)(*path ? path : "/");
	p->type = tls ? CONF_CHECK_SSL : CONF_CHECK_HTTP;
	return 0;
}

static int digest_main(const char *url, const char *vhost, const char *protocol)
{
	struct check_params p;
	struct check_http http;
	struct check_url u;
	struct check_ctx ctx;
	struct digest_job job;
	char host[INET6_ADDRSTRLEN + 2], err[256];

	memset(&p, 0, sizeof(p));
	memset(&http, 0, sizeof(http));
	memset(&u, 0, sizeof(u));
	memset(&job, 0, sizeof(job));
	if (parse_url(url, &p, &u, host, sizeof(host)) != 0)
		return 2;
	u.virtualhost = (char *)vhost;
	/* genhash digests whatever page comes back, error pages included. */
	u.nstatus = 1;
	u.status[0].lo = 100;
	u.status[0].hi = 599;
	http.urls = &u;
	http.nurls = 1;
	http.tls = p.type == CONF_CHECK_SSL;
	http.enable_sni = vhost != NULL;
	http.protocol = CHECK_HTTP_10;
	if (protocol && strcmp(protocol, "1.1") == 0)
		http.protocol = CHECK_HTTP_11;
	else if (protocol && (strcmp(protocol, "1.0C") == 0 || strcmp(protocol, "1.0c") == 0))
		http.protocol = CHECK_HTTP_10C;
	else if (protocol && strcmp(protocol, "1.0") != 0) {
		fprintf(stderr, "checkd: -P wants 1.0, 1.0C or 1.1\n");
		return 2;
	}
	p.http = &http;
	p.connect_timeout_ms = DIGEST_TIMEOUT_MS;
	p.delay_loop_ms = DIGEST_TIMEOUT_MS;

	struct loop loop;
	if (loop_init(&loop) != 0 || check_ctx_init(&ctx, &loop, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "checkd: %s\n", err);
		return 1;
	}
	job.loop = &loop;
	struct check_probe *probe = check_probe_new(&ctx, &p);
	if (!probe || check_probe_start(probe, 0, on_digest_done, &job) != 0) {
		fprintf(stderr, "checkd: cannot start the request\n");
		return 1;
	}
	loop_run(&loop);
	check_probe_free(probe);
	check_ctx_done(&ctx);
	loop_done(&loop);
	if (!job.done || !job.result.ok) {
		fprintf(stderr, "checkd: %s: %s\n", url, job.done ? job.result.error : "no answer");
		return 1;
	}
	if (!job.result.has_digest) {
		fprintf(stderr, "checkd: %s: no digest in the answer\n", url);
		return 1;
	}
	for (int i = 0; i < 16; i++)
		printf("%02x", job.result.digest[i]);
	printf("\n");
	return 0;
}

/* ---- main ---- */

/*
 * How many attempts may run at once: a network attempt holds a descriptor,
 * so the soft RLIMIT_NOFILE is raised to the hard one and all but a
 * reserve of it is used, up to MAX_IN_FLIGHT.
 */
static unsigned in_flight_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 256;
	if (rl.rlim_cur != rl.rlim_max) {
		rlim_t want = rl.rlim_max;
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warn("cannot raise the descriptor limit to %llu: %s", (unsigned long long)want,
				 strerror(errno));
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= MAX_IN_FLIGHT + FD_RESERVE)
		return MAX_IN_FLIGHT;
	return rl.rlim_cur > 2 * FD_RESERVE ? (unsigned)(rl.rlim_cur - FD_RESERVE) : (unsigned)rl.rlim_cur / 2;
}

static int run_daemon(struct checkd *d, bool foreground)
{
	int errors, rc;

	struct conf_keepalived *conf = conf_keepalived_read(d->conf_path);
	if (!conf) {
		log_err("out of memory");
		return 1;
	}
	daemon_log_diags(conf->tree);
	if (conf->tree->nerrors) {
		log_err("%s: %d error(s), not starting", d->conf_path, conf->tree->nerrors);
		release_conf(conf);
		return EXIT_CONF_FATAL;
	}
	if (daemon_start_loop(&d->loop, foreground, true) != 0) {
		release_conf(conf);
		return 1;
	}
	d->loop.timer_slack_ms = TIMER_SLACK_MS;
	if (ctx_setup(d, conf) != 0) {
		release_conf(conf);
		return EXIT_CONF_FATAL;
	}
	rc = build(d, &d->m, conf, &errors);
	/* Everything needed is in the model now; at 30,000 real servers the
	 * parsed config is the larger of the two. */
	release_conf(conf);
	if (rc != 0) {
		log_err("out of memory building %lu checks", d->m.nchecks);
		return 1;
	}
	if (errors) {
		log_err("%s: %d checker error(s), not starting", d->conf_path, errors);
		return EXIT_CONF_FATAL;
	}
	d->max_in_flight = in_flight_limit();
	loop_timer_init(&d->pace_timer, on_pace_timer, d);
	if (d->events_fd >= 0) {
		int fl = fcntl(d->events_fd, F_GETFL);
		if (fl < 0 || fcntl(d->events_fd, F_SETFL, fl | O_NONBLOCK) < 0) {
			log_err("event fd %d: %s", d->events_fd, strerror(errno));
			return 1;
		}
		fcntl(d->events_fd, F_SETFD, FD_CLOEXEC);
		loop_io_init(&d->events_io, d->events_fd, on_events_io, d);
		loop_io_watch(&d->loop, &d->events_io, LOOP_READ);
	}
	static const struct daemon_hooks hooks = { on_ctl_request, on_reload, on_stop };
	daemon_serve(&d->loop, &d->ctl, d->sock_path, d->pid_path, &hooks, d);
	loop_timer_init(&d->stop_timer, on_stop_waited, d);

	d->start_ms = loop_now_ms(&d->loop);
	log_notice("lvsbox %s checkd starting with %s: %lu real servers, %lu checks, at most %u at once",
		   LVSBOX_VERSION, d->conf_path, d->m.nrs, d->m.nchecks, d->max_in_flight);
	start_all(d);
	rc = loop_run(&d->loop);
	loop_timer_cancel(&d->loop, &d->stop_timer);
	loop_timer_cancel(&d->loop, &d->pace_timer);
	daemon_unserve(&d->ctl, d->pid_path);
	log_notice("stopped");
	return rc == 0 ? 0 : 1;
}

int checkd_main(int argc, char **argv)
{
	struct checkd *d;
	struct daemon_args args = { .conf_path = CHECKD_DEFAULT_CONF, .sock_path = CHECKD_DEFAULT_SOCK };
	const char *digest_url = NULL, *vhost = NULL, *protocol = NULL;
	int events_fd = -1, opt;
	struct opts o;
	char *arg;

	if (opts_start(&o, &checkd_cmd, "checkd") != 0)
		return 1;
	while ((opt = opts_next(&o, argc, argv, &arg)) != -1) {
		if (daemon_parse_opt(&args, opt, arg))
			continue;
		switch (opt) {
		case 'G': digest_url = arg; break;
		case 'V': vhost = arg; break;
		case 'P': protocol = arg; break;
		case 'e': {
			char *end;
			long v = strtol(arg, &end, 10);
			if (*end || v < 0 || v > 65535 || fcntl((int)v, F_GETFD) < 0) {
				fprintf(stderr, "checkd: -e wants an open file descriptor, not '%s'\n", arg);
				return 2;
			}
			events_fd = (int)v;
			break;
		}
		case 'h': return opts_print_help(stdout, &checkd_cmd) == 0 ? 0 : 1;
		default: opts_print_help(stderr, &checkd_cmd); return 2;
		}
	}
	if (optind < argc)
		return daemon_bad_operand("checkd", &checkd_cmd, argv[optind]);
	if (args.verbose && !args.test) {
		printf("checkd (lvsbox) %s\n", LVSBOX_VERSION);
		return 0;
	}
	if (digest_url)
		return digest_main(digest_url, vhost, protocol);
	int rc = daemon_run_once("checkd", &args, DAEMON_TEST_CHECKERS);
	if (rc >= 0)
		return rc;

	log_init("checkd", args.log_flags);
	d = calloc(1, sizeof(*d));
	if (!d)
		return 1;
	d->conf_path = args.conf_path;
	d->sock_path = args.sock_path;
	d->pid_path = args.pid_path;
	d->events_fd = events_fd;
	rc = run_daemon(d, args.foreground);
	model_free(&d->m);
	check_ctx_done(&d->ctx);
	for (int i = 0; i < 4; i++)
		free(d->ssl_strings[i]);
	if (d->loop.epoll_fd > 0)
		loop_done(&d->loop);
	free(d->outq);
	free(d);
	return rc;
}
