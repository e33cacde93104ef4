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
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "applets.h"
#include "check.h"
#include "check_sched.h"
#include "conf.h"
#include "ctl.h"
#include "log.h"
#include "loop.h"

#define CHECKD_DEFAULT_CONF "/etc/lvsbox/lvsbox.conf"
#define CHECKD_DEFAULT_SOCK CTL_DIR "/checkd.sock"
#define NOTIFY_TIMEOUT_MS 30000       /* a notify script that hangs is killed */
#define MAX_NOTIFIES 64               /* running at once; more are dropped, counted */
#define STOP_WAIT_MS 5000             /* omega's notify_down scripts before exiting */
#define EVENTS_MAX_QUEUED (4u << 20)  /* bytes waiting for a slow lvsd before we give up */
#define DIGEST_TIMEOUT_MS 5000

/* keepalived's -t exit codes, as vrrpd uses them. */
#define EXIT_CONF_OK 0
#define EXIT_CONF_FATAL 3
#define EXIT_CONF_WARNINGS 5

const char checkd_usage[] =
	"Usage: checkd [-n] [-l] [-D] [-f FILE] [-p PIDFILE] [-S SOCKET] [-e FD]\n"
	"       checkd -t [-f FILE]\n"
	"       checkd [-S SOCKET] -s | --json\n"
	"       checkd --digest URL [-V VIRTUALHOST] [-P 1.0|1.0C|1.1]\n"
	"Health checks of real servers (keepalived's checkers); prints one line per\n"
	"real server going up or down (docs/checkd.md) and runs notify scripts.\n"
	"\n"
	"  -f FILE     config file (default " CHECKD_DEFAULT_CONF ")\n"
	"  -n          stay in the foreground\n"
	"  -l          log to the console instead of syslog\n"
	"  -D          detailed log (every failed attempt)\n"
	"  -t          check the config and exit: 0 clean, 5 warnings, 3 errors\n"
	"  -p PIDFILE  write the daemon's pid there\n"
	"  -S SOCKET   control socket (default " CHECKD_DEFAULT_SOCK ")\n"
	"  -e FD       write the events to FD (lvsd's socketpair) instead of stdout;\n"
	"              checkd exits when the other end closes\n"
	"  -s          print the running daemon's real servers as a table\n"
	"  --json      the same as JSON\n"
	"  --digest URL  fetch http[s]://HOST[:PORT]/PATH and print the MD5 of the\n"
	"              body as keepalived's genhash does (for url { digest })\n"
	"\n"
	"Signals: TERM/INT stop (with omega, notify_down runs for servers that\n"
	"are up), HUP reloads the config, keeping the state of unchanged checks.\n";

struct checkd;
struct rserver;

/* One probe and its schedule, shared by every real server whose checker
 * has the same wire identity and timing. */
struct check {
	struct check *next, *hash_next;
	struct checkd *d;
	char *key;
	struct check_probe *probe;
	int type;
	char target[64];
	struct sched_timing timing;
	struct sched_state st;
	struct loop_timer timer;
	struct rserver **users;
	int nusers;
	bool misc_dynamic;
	int misc_status;             /* last MISC exit code kept for misc_dynamic; -1 none */

	unsigned long attempts, successes, failures, transitions;
	bool tried, last_ok;
	uint32_t latency_us;
	uint64_t last_ms, changed_ms;
	char error[CHECK_ERROR_MAX]; /* the last failure's text, kept after a success */
};

struct vserver;

struct rserver {
	struct vserver *vs;
	const struct conf_real_server *conf;
	char name[64];               /* "192.0.2.1:80", "[2001:db8::1]:80" */
	char addr[INET6_ADDRSTRLEN];
	struct check **checks;
	int nchecks;
	bool up, confirmed, inhibit;
	int weight;                  /* as last announced */
	unsigned long transitions;
	uint64_t changed_ms;
};

struct vserver {
	const struct conf_virtual_server *conf;
	char name[80];               /* "tcp/192.0.2.10:80", "fwm/5", "group/NAME" */
	struct rserver *rs;
	int nrs;
};

struct notify_child {
	struct loop_child child;
	struct checkd *d;
};

struct checkd {
	struct loop loop;
	const char *conf_path, *sock_path, *pid_path;
	struct conf_keepalived *conf;
	struct check_ctx ctx;
	struct vserver *vs;
	int nvs;
	struct check *checks;
	struct check **hash;
	size_t hash_size;
	unsigned long nchecks, nrs;
	struct ctl_server ctl;
	uint64_t start_ms;

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

static const char *protocol_name(int p)
{
	return p == CONF_PROTO_UDP ? "udp" : p == CONF_PROTO_SCTP ? "sctp" : "tcp";
}

static void addr_port(char *buf, size_t size, const struct conf_ip *ip, unsigned port)
{
	char a[INET6_ADDRSTRLEN];

	conf_ip_str(ip, a, sizeof(a));
	if (ip->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", a, port);
	else
		snprintf(buf, size, "%s:%u", a, port);
}

static void sockaddr_text(char *buf, size_t size, const union check_addr *a)
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

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
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
	char line[512], esc[256];
	uint64_t t = now_ms(d);
	int n;

	n = snprintf(line, sizeof(line), "%llu.%03llu %s %s %s weight=%d%s%s",
		     (unsigned long long)(t / 1000), (unsigned long long)(t % 1000), event,
		     rs->vs->name, rs->name, rs->weight,
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
static bool wants_shell(const char *line)
{
	return strpbrk(line, "|&;<>()$`\\\"'*?[#~\n") != NULL;
}

static int script_ids(const struct checkd *d, const struct conf_cmd *cmd, uid_t *uid, gid_t *gid)
{
	const char *user = cmd->argc >= 2 ? cmd->argv[1] : d->conf->global.script_user;
	const char *group = cmd->argc >= 3 ? cmd->argv[2] : cmd->argc >= 2 ? NULL : d->conf->global.script_group;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (!user)
		return 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		log_err("script user '%s' does not exist", user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group) {
		struct group *gr = getgrnam(group);
		if (!gr) {
			log_err("script group '%s' does not exist", group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	if (*uid == getuid())
		*uid = (uid_t)-1;
	if (*gid == getgid())
		*gid = (gid_t)-1;
	return 0;
}

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

static void run_notify(struct checkd *d, const struct conf_cmd *cmd)
{
	uid_t uid;
	gid_t gid;

	if (!cmd->argv || cmd->argc < 1)
		return;
	if (d->notifies_running >= MAX_NOTIFIES) {
		d->notifies_dropped++;
		log_warn("%d notify scripts still running, not starting '%s'", d->notifies_running, cmd->argv[0]);
		return;
	}
	if (script_ids(d, cmd, &uid, &gid) != 0)
		return;
	struct notify_child *nc = calloc(1, sizeof(*nc));
	char *copy = strdup(cmd->argv[0]);
	char **argv = calloc(strlen(cmd->argv[0]) / 2 + 4, sizeof(*argv));
	int rc = -1;

	if (nc && copy && argv) {
		nc->d = d;
		if (wants_shell(copy)) {
			argv[0] = "/bin/sh";
			argv[1] = "-c";
			argv[2] = copy;
		} else {
			int argc = 0;
			for (char *w = strtok(copy, " \t"); w; w = strtok(NULL, " \t"))
				argv[argc++] = w;
		}
		if (argv[0])
			rc = loop_spawn(&d->loop, &nc->child, argv, NOTIFY_TIMEOUT_MS, uid, gid, on_notify_done, nc);
	}
	free(copy);
	free(argv);
	if (rc != 0) {
		log_err("cannot run notify script '%s'", cmd->argv[0]);
		free(nc);
		return;
	}
	d->notifies_running++;
}

/* ---- real-server state ---- */

/* misc_dynamic: an exit code 2..255 sets the weight to code - 2 (keepalived:
 * each such checker adds code - 2 - the configured weight); 0 keeps it. */
static int rs_weight(const struct rserver *rs)
{
	long w = rs->conf->weight;

	for (int i = 0; i < rs->nchecks; i++) {
		const struct check *c = rs->checks[i];
		if (c->misc_dynamic && c->misc_status >= 2)
			w += c->misc_status - 2 - rs->conf->weight;
	}
	return w < 0 ? 0 : w > INT32_MAX ? INT32_MAX : (int)w;
}

static bool rs_all_up(const struct rserver *rs)
{
	for (int i = 0; i < rs->nchecks; i++)
		if (!rs->checks[i]->st.up)
			return false;
	return true;
}

/* Called after check c (one of rs's) reported a verdict or a weight;
 * confirm_down: c's verdict is down and must be announced even if rs was
 * already assumed down (alpha), once. */
static void rs_update(struct checkd *d, struct rserver *rs, const struct check *c, bool confirm_down)
{
	bool up = rs_all_up(rs);
	int weight = rs_weight(rs);
	char reason[CHECK_ERROR_MAX + 80];

	if (up == rs->up && !(confirm_down && !up && !rs->confirmed)) {
		if (up && weight != rs->weight) {
			rs->weight = weight;
			snprintf(reason, sizeof(reason), "%s %s exit status %d", conf_checker_name(c->type),
				 c->target, c->misc_status);
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
		snprintf(reason, sizeof(reason), "%s %s ok", conf_checker_name(c->type), c->target);
	else
		snprintf(reason, sizeof(reason), "%s %s: %s", conf_checker_name(c->type), c->target, c->error);
	log_notice("%s %s %s: %s", rs->vs->name, rs->name, up ? "up" : "down", reason);
	rs_event(d, rs, up ? "up" : "down", false, reason);
	run_notify(d, up ? &rs->conf->notify_up : &rs->conf->notify_down);
}

/* ---- checks: attempts on the loop ---- */

static void check_start(struct loop *loop, struct loop_timer *timer);

static void on_check_done(struct check_probe *probe, const struct check_result *r, void *arg)
{
	struct check *c = arg;
	struct checkd *d = c->d;
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
		snprintf(c->error, sizeof(c->error), "%s", r->error[0] ? r->error : "failed");
		if (c->st.up && log_debug_enabled())
			log_debug("%s %s failed (retry %u of %u): %s", conf_checker_name(c->type), c->target,
				  c->st.retry_it, c->timing.retry, c->error);
	}
	int old_status = c->misc_status;
	if (c->misc_dynamic && r->ok && r->misc_status >= 2)
		c->misc_status = r->misc_status;

	struct sched_step step = sched_result(&c->st, &c->timing, r->ok);
	if (step.changed) {
		c->transitions++;
		c->changed_ms = c->last_ms;
	}
	if (step.report || c->misc_status != old_status)
		for (int i = 0; i < c->nusers; i++)
			rs_update(d, c->users[i], c, step.report && !c->st.up);
	if (!d->stopping)
		loop_timer_arm(&d->loop, &c->timer, step.next_in_ms);
}

static void check_start(struct loop *loop, struct loop_timer *timer)
{
	struct check *c = timer->arg;

	if (check_probe_running(c->probe)) {
		/* Cannot happen with connect_timeout < delay_loop; never stack attempts. */
		loop_timer_arm(loop, timer, c->timing.delay_loop_ms);
		return;
	}
	if (check_probe_start(c->probe, -1, on_check_done, c) != 0) {
		struct check_result r = { .ok = false, .misc_status = -1 };
		snprintf(r.error, sizeof(r.error), "cannot start the attempt");
		on_check_done(c->probe, &r, c);
	}
}

/* Through c->d, never a copy of the daemon: the loop owns the armed timers. */
static void check_free(struct check *c)
{
	loop_timer_cancel(&c->d->loop, &c->timer);
	if (c->probe)
		check_probe_free(c->probe);
	free(c->users);
	free(c->key);
	free(c);
}

/* ---- config -> model ---- */

static int hash_init(struct checkd *d, size_t expected)
{
	size_t n = 64;

	while (n < expected * 2)
		n *= 2;
	d->hash = calloc(n, sizeof(*d->hash));
	d->hash_size = d->hash ? n : 0;
	return d->hash ? 0 : -1;
}

static struct check *check_find(struct checkd *d, const char *key)
{
	for (struct check *c = d->hash[fnv1a(key) & (d->hash_size - 1)]; c; c = c->hash_next)
		if (strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

/* The shared check for params p, created when new. NULL on error (logged). */
static struct check *check_get(struct checkd *d, const struct check_params *p)
{
	size_t n = check_params_key(p, NULL, 0);
	char *key = malloc(n + 96);

	if (!key)
		return NULL;
	check_params_key(p, key, n + 1);
	snprintf(key + n, 96, "|%u|%u|%u|%u|%d", p->delay_loop_ms, p->delay_before_retry_ms, p->retry,
		 p->warmup_ms, p->alpha);
	struct check *c = check_find(d, key);
	if (c) {
		free(key);
		return c;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		free(key);
		return NULL;
	}
	c->d = d;
	c->key = key;
	c->type = p->type;
	c->misc_status = -1;
	c->misc_dynamic = p->type == CONF_CHECK_MISC && p->misc && p->misc->dynamic;
	if (p->type == CONF_CHECK_MISC && p->misc && p->misc->argv && p->misc->argv[0])
		snprintf(c->target, sizeof(c->target), "%s", p->misc->argv[0]);
	else
		sockaddr_text(c->target, sizeof(c->target), &p->target);
	c->timing.delay_loop_ms = p->delay_loop_ms;
	c->timing.delay_before_retry_ms = p->delay_before_retry_ms;
	c->timing.retry = p->retry;
	c->timing.warmup_ms = p->warmup_ms;
	c->timing.alpha = p->alpha;
	sched_init(&c->st, &c->timing);
	loop_timer_init(&c->timer, check_start, c);
	c->probe = check_probe_new(&d->ctx, p);
	if (!c->probe) {
		check_free(c);
		return NULL;
	}
	size_t b = fnv1a(key) & (d->hash_size - 1);
	c->hash_next = d->hash[b];
	d->hash[b] = c;
	c->next = d->checks;
	d->checks = c;
	d->nchecks++;
	return c;
}

static int check_add_user(struct check *c, struct rserver *rs)
{
	struct rserver **u = realloc(c->users, (size_t)(c->nusers + 1) * sizeof(*u));

	if (!u)
		return -1;
	c->users = u;
	c->users[c->nusers++] = rs;
	return 0;
}

static void vs_name(char *buf, size_t size, const struct conf_virtual_server *v)
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
		addr_port(ap, sizeof(ap), &v->addr, v->port);
		snprintf(buf, size, "%s/%s", protocol_name(v->protocol), ap);
	}
}

/* Builds the model; 0, or -1 with every problem logged. */
static int build(struct checkd *d, int *errors)
{
	const struct conf_keepalived *conf = d->conf;
	unsigned long ncheckers = 0;
	char err[256];

	*errors = 0;
	for (int v = 0; v < conf->nvirtual_servers; v++)
		for (int r = 0; r < conf->virtual_servers[v].nreal_servers; r++)
			ncheckers += (unsigned long)conf->virtual_servers[v].real_servers[r].ncheckers;
	if (hash_init(d, ncheckers) != 0)
		return -1;
	d->vs = calloc((size_t)conf->nvirtual_servers + 1, sizeof(*d->vs));
	if (!d->vs)
		return -1;
	d->nvs = conf->nvirtual_servers;
	for (int v = 0; v < conf->nvirtual_servers; v++) {
		const struct conf_virtual_server *cv = &conf->virtual_servers[v];
		struct vserver *vs = &d->vs[v];
		vs->conf = cv;
		vs_name(vs->name, sizeof(vs->name), cv);
		vs->rs = calloc((size_t)cv->nreal_servers + 1, sizeof(*vs->rs));
		if (!vs->rs)
			return -1;
		vs->nrs = cv->nreal_servers;
		for (int r = 0; r < cv->nreal_servers; r++) {
			const struct conf_real_server *cr = &cv->real_servers[r];
			struct rserver *rs = &vs->rs[r];
			rs->vs = vs;
			rs->conf = cr;
			conf_ip_str(&cr->addr, rs->addr, sizeof(rs->addr));
			addr_port(rs->name, sizeof(rs->name), &cr->addr, cr->port);
			rs->inhibit = cr->inhibit_on_failure || cv->inhibit_on_failure;
			rs->checks = calloc((size_t)cr->ncheckers + 1, sizeof(*rs->checks));
			if (!rs->checks)
				return -1;
			for (int k = 0; k < cr->ncheckers; k++) {
				struct check_params p;
				memset(&p, 0, sizeof(p));
				if (check_params_from_conf(&p, conf, cv, cr, &cr->checkers[k], err, sizeof(err)) != 0) {
					log_err("%s", err);
					(*errors)++;
					continue;
				}
				struct check *c = check_get(d, &p);
				check_params_free(&p);
				if (!c || check_add_user(c, rs) != 0)
					return -1;
				rs->checks[rs->nchecks++] = c;
			}
			/* Starts as its checkers do: up, or down under alpha. */
			rs->up = rs->nchecks ? rs_all_up(rs) : true;
			rs->weight = rs->up ? rs_weight(rs) : rs->inhibit ? 0 : rs->conf->weight;
			d->nrs++;
		}
	}
	return 0;
}

static void model_free(struct checkd *d)
{
	while (d->checks) {
		struct check *c = d->checks;
		d->checks = c->next;
		check_free(c);
	}
	for (int v = 0; v < d->nvs; v++) {
		for (int r = 0; r < d->vs[v].nrs; r++)
			free(d->vs[v].rs[r].checks);
		free(d->vs[v].rs);
	}
	free(d->vs);
	free(d->hash);
	d->vs = NULL;
	d->nvs = 0;
	d->hash = NULL;
	d->hash_size = 0;
	d->nchecks = d->nrs = 0;
}

/* Every real server's starting state as an "initial" event, then the
 * first attempts staggered over each check's warmup. */
static void start_all(struct checkd *d)
{
	uint64_t index = 0;

	for (int v = 0; v < d->nvs; v++)
		for (int r = 0; r < d->vs[v].nrs; r++) {
			struct rserver *rs = &d->vs[v].rs[r];
			rs_event(d, rs, rs->up ? "up" : "down", true, NULL);
		}
	for (struct check *c = d->checks; c; c = c->next)
		loop_timer_arm(&d->loop, &c->timer, sched_first_delay(&c->timing, index++));
}

/* ---- control socket ---- */

static void fmt_ago(char *buf, size_t size, const struct checkd *d, uint64_t at, bool valid)
{
	if (!valid)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1fs", (double)(now_ms(d) - at) / 1000.0);
}

static void status_table(struct checkd *d, struct ctl_buf *b)
{
	char ago[24];

	ctl_printf(b, "%-26s %-24s %-5s %6s %6s %9s  %s\n", "VIRTUAL", "REAL", "STATE", "WEIGHT", "TRANS",
		   "CHANGED", "LAST ERROR");
	for (int v = 0; v < d->nvs; v++) {
		for (int r = 0; r < d->vs[v].nrs; r++) {
			const struct rserver *rs = &d->vs[v].rs[r];
			const char *error = "-";
			for (int i = 0; i < rs->nchecks; i++)
				if (!rs->checks[i]->st.up || (rs->checks[i]->tried && !rs->checks[i]->last_ok)) {
					error = rs->checks[i]->error;
					break;
				}
			fmt_ago(ago, sizeof(ago), d, rs->changed_ms, rs->transitions > 0);
			ctl_printf(b, "%-26s %-24s %-5s %6d %6lu %9s  %s\n", d->vs[v].name, rs->name,
				   rs->up ? "up" : "down", rs->weight, rs->transitions, ago, error);
			for (int i = 0; i < rs->nchecks; i++) {
				const struct check *c = rs->checks[i];
				ctl_printf(b, "  %-10s %-22s %-5s attempts %lu failures %lu retry %u/%u latency %.3fms%s%s\n",
					   conf_checker_name(c->type), c->target, c->st.up ? "up" : "down",
					   c->attempts, c->failures, c->st.retry_it, c->timing.retry,
					   (double)c->latency_us / 1000.0, c->tried && !c->last_ok ? " last: " : "",
					   c->tried && !c->last_ok ? c->error : "");
			}
		}
	}
	ctl_printf(b, "%lu real servers, %lu checks, %u attempts in flight, %lu events, %lu notify scripts dropped\n",
		   d->nrs, d->nchecks, d->ctx.running, d->events_sent, d->notifies_dropped);
}

static void check_json(struct ctl_buf *b, const struct checkd *d, const struct check *c)
{
	ctl_printf(b, "{\"type\":\"%s\",\"target\":", conf_checker_name(c->type));
	ctl_json_str(b, c->target);
	ctl_printf(b, ",\"up\":%s,\"last_result\":%s,\"error\":", c->st.up ? "true" : "false",
		   !c->tried ? "null" : c->last_ok ? "\"ok\"" : "\"fail\"");
	if (c->error[0])
		ctl_json_str(b, c->error);
	else
		ctl_puts(b, "null");
	ctl_printf(b, ",\"latency_us\":%u,\"attempts\":%lu,\"successes\":%lu,\"failures\":%lu"
		   ",\"transitions\":%lu,\"retry_count\":%u,\"retry\":%u,\"delay_loop_ms\":%u"
		   ",\"delay_before_retry_ms\":%u,\"last_attempt_ms\":%llu,\"shared_by\":%d",
		   c->latency_us, c->attempts, c->successes, c->failures, c->transitions, c->st.retry_it,
		   c->timing.retry, c->timing.delay_loop_ms, c->timing.delay_before_retry_ms,
		   (unsigned long long)c->last_ms, c->nusers);
	if (c->misc_dynamic)
		ctl_printf(b, ",\"misc_status\":%d", c->misc_status);
	(void)d;
	ctl_puts(b, "}");
}

static void status_json(struct checkd *d, struct ctl_buf *b)
{
	ctl_printf(b, "{\"uptime_ms\":%llu,\"real_servers\":%lu,\"checks\":%lu,\"running\":%u,"
		   "\"events\":%lu,\"notifies_dropped\":%lu,\"virtual_servers\":[",
		   (unsigned long long)now_ms(d), d->nrs, d->nchecks, d->ctx.running, d->events_sent,
		   d->notifies_dropped);
	for (int v = 0; v < d->nvs; v++) {
		ctl_printf(b, "%s{\"name\":", v ? "," : "");
		ctl_json_str(b, d->vs[v].name);
		ctl_puts(b, ",\"real_servers\":[");
		for (int r = 0; r < d->vs[v].nrs; r++) {
			const struct rserver *rs = &d->vs[v].rs[r];
			ctl_printf(b, "%s{\"name\":", r ? "," : "");
			ctl_json_str(b, rs->name);
			ctl_puts(b, ",\"address\":");
			ctl_json_str(b, rs->addr);
			ctl_printf(b, ",\"port\":%u,\"state\":\"%s\",\"weight\":%d,\"configured_weight\":%d"
				   ",\"inhibit_on_failure\":%s,\"transitions\":%lu,\"last_change_ms\":",
				   rs->conf->port, rs->up ? "up" : "down", rs->weight, rs->conf->weight,
				   rs->inhibit ? "true" : "false", rs->transitions);
			if (rs->transitions)
				ctl_printf(b, "%llu", (unsigned long long)rs->changed_ms);
			else
				ctl_puts(b, "null");
			ctl_puts(b, ",\"checkers\":[");
			for (int i = 0; i < rs->nchecks; i++) {
				if (i)
					ctl_puts(b, ",");
				check_json(b, d, rs->checks[i]);
			}
			ctl_puts(b, "]}");
		}
		ctl_puts(b, "]}");
	}
	ctl_puts(b, "]}\n");
}

static void on_ctl_request(const char *command, struct ctl_buf *reply, void *arg)
{
	struct checkd *d = arg;

	if (strcmp(command, "status") == 0)
		status_table(d, reply);
	else if (strcmp(command, "json") == 0)
		status_json(d, reply);
	else
		ctl_puts(reply, "error: commands are 'status' and 'json'\n");
}

/* ---- start, reload, stop ---- */

static void log_diags(const struct conf_tree *tree)
{
	for (int i = 0; i < tree->ndiags; i++) {
		if (tree->diags[i].is_error)
			log_err("%s", tree->diags[i].text);
		else
			log_warn("%s", tree->diags[i].text);
	}
}

static int ctx_setup(struct checkd *d)
{
	struct check_ssl_conf ssl;
	char err[256];

	if (check_ssl_from_conf(&ssl, d->conf, err, sizeof(err)) != 0 ||
	    check_ctx_init(&d->ctx, &d->loop, &ssl, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

/* A reloaded check keeps the state of the old one with the same key; a real
 * server keeps its own when its virtual server and address:port stay. */
static void carry_over(struct checkd *d, struct checkd *old)
{
	for (struct check *c = d->checks; c; c = c->next) {
		struct check *o = old->hash ? check_find(old, c->key) : NULL;
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
		memcpy(c->error, o->error, sizeof(c->error));
	}
	for (int v = 0; v < d->nvs; v++)
		for (int r = 0; r < d->vs[v].nrs; r++) {
			struct rserver *rs = &d->vs[v].rs[r];
			for (int ov = 0; ov < old->nvs; ov++) {
				if (strcmp(old->vs[ov].name, d->vs[v].name))
					continue;
				for (int orr = 0; orr < old->vs[ov].nrs; orr++) {
					const struct rserver *o = &old->vs[ov].rs[orr];
					if (strcmp(o->name, rs->name))
						continue;
					rs->transitions = o->transitions;
					rs->changed_ms = o->changed_ms;
					rs->confirmed = o->confirmed;
				}
			}
			rs->up = rs->nchecks ? rs_all_up(rs) : true;
			rs->weight = rs->up ? rs_weight(rs) : rs->inhibit ? 0 : rs->conf->weight;
		}
}

static void on_reload(struct loop *loop, int signo, void *arg)
{
	struct checkd *d = arg;
	struct checkd old;
	int errors;
	(void)loop;
	(void)signo;

	struct conf_keepalived *conf = conf_keepalived_read(d->conf_path);
	if (!conf) {
		log_err("reload: out of memory, keeping the running config");
		return;
	}
	log_diags(conf->tree);
	if (conf->tree->nerrors) {
		log_err("reload: %s has %d error(s), keeping the running config", d->conf_path, conf->tree->nerrors);
		release_conf(conf);
		return;
	}
	/* Build the new model beside the old one, then swap. */
	old = *d;
	d->conf = conf;
	d->vs = NULL;
	d->nvs = 0;
	d->checks = NULL;
	d->hash = NULL;
	d->nchecks = d->nrs = 0;
	if (build(d, &errors) != 0 || errors) {
		log_err("reload: cannot use %s, keeping the running config", d->conf_path);
		model_free(d);
		release_conf(d->conf);
		d->conf = old.conf;
		d->vs = old.vs;
		d->nvs = old.nvs;
		d->checks = old.checks;
		d->hash = old.hash;
		d->hash_size = old.hash_size;
		d->nchecks = old.nchecks;
		d->nrs = old.nrs;
		return;
	}
	carry_over(d, &old);
	model_free(&old);
	release_conf(old.conf);
	log_notice("reloaded %s: %lu real servers, %lu checks", d->conf_path, d->nrs, d->nchecks);
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
	(void)signo;

	if (d->stopping) {
		loop_break(loop);
		return;
	}
	d->stopping = true;
	log_notice("stopping");
	for (struct check *c = d->checks; c; c = c->next) {
		loop_timer_cancel(loop, &c->timer);
		check_probe_cancel(c->probe);
	}
	/* omega: the servers that are up go down as checkd leaves. */
	for (int v = 0; v < d->nvs; v++) {
		if (!d->vs[v].conf->omega)
			continue;
		for (int r = 0; r < d->vs[v].nrs; r++) {
			struct rserver *rs = &d->vs[v].rs[r];
			if (!rs->up)
				continue;
			rs->up = false;
			rs->weight = rs->inhibit ? 0 : rs->weight;
			rs_event(d, rs, "down", false, "checkd stopping (omega)");
			run_notify(d, &rs->conf->notify_down);
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

static int check_config(const char *path)
{
	struct conf_keepalived *conf = conf_keepalived_read(path);
	char err[256];
	int bad = 0;

	if (!conf) {
		fprintf(stderr, "checkd: out of memory\n");
		return EXIT_CONF_FATAL;
	}
	conf_print_diags(stderr, conf->tree);
	if (!conf->tree->nerrors) {
		for (int v = 0; v < conf->nvirtual_servers; v++) {
			const struct conf_virtual_server *cv = &conf->virtual_servers[v];
			for (int r = 0; r < cv->nreal_servers; r++)
				for (int k = 0; k < cv->real_servers[r].ncheckers; k++) {
					struct check_params p;
					memset(&p, 0, sizeof(p));
					if (check_params_from_conf(&p, conf, cv, &cv->real_servers[r],
								   &cv->real_servers[r].checkers[k], err, sizeof(err)) != 0) {
						fprintf(stderr, "%s\n", err);
						bad++;
						continue;
					}
					check_params_free(&p);
				}
		}
	}
	int rc = conf->tree->nerrors || bad ? EXIT_CONF_FATAL : conf->tree->nwarnings ? EXIT_CONF_WARNINGS : EXIT_CONF_OK;
	release_conf(conf);
	return rc;
}

static int write_pidfile(const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -1;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f) == 0 ? 0 : -1;
}

static int daemonize(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	setsid();
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return chdir("/");
}

static int run_daemon(struct checkd *d, bool foreground)
{
	int errors, rc;

	d->conf = conf_keepalived_read(d->conf_path);
	if (!d->conf) {
		log_err("out of memory");
		return 1;
	}
	log_diags(d->conf->tree);
	if (d->conf->tree->nerrors) {
		log_err("%s: %d error(s), not starting", d->conf_path, d->conf->tree->nerrors);
		return EXIT_CONF_FATAL;
	}
	if (loop_init(&d->loop) != 0) {
		log_err("cannot create the event loop: %s", strerror(errno));
		return 1;
	}
	if (ctx_setup(d) != 0)
		return EXIT_CONF_FATAL;
	if (build(d, &errors) != 0) {
		log_err("out of memory building %lu checks", d->nchecks);
		return 1;
	}
	if (errors) {
		log_err("%s: %d checker error(s), not starting", d->conf_path, errors);
		return EXIT_CONF_FATAL;
	}
	if (!foreground && daemonize() != 0) {
		log_err("cannot go to the background: %s", strerror(errno));
		return 1;
	}
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
	rc = ctl_listen(&d->ctl, &d->loop, d->sock_path, on_ctl_request, d);
	if (rc != 0)
		log_warn("control socket %s: %s", d->sock_path, strerror(-rc));
	if (d->pid_path && write_pidfile(d->pid_path) != 0)
		log_warn("cannot write %s: %s", d->pid_path, strerror(errno));
	loop_signal(&d->loop, SIGHUP, on_reload, d);
	loop_signal(&d->loop, SIGTERM, on_stop, d);
	loop_signal(&d->loop, SIGINT, on_stop, d);
	signal(SIGPIPE, SIG_IGN);
	loop_timer_init(&d->stop_timer, on_stop_waited, d);

	d->start_ms = loop_now_ms(&d->loop);
	log_notice("lvsbox %s checkd starting with %s: %lu real servers, %lu checks", LVSBOX_VERSION,
		   d->conf_path, d->nrs, d->nchecks);
	start_all(d);
	rc = loop_run(&d->loop);
	loop_timer_cancel(&d->loop, &d->stop_timer);
	if (d->pid_path)
		unlink(d->pid_path);
	ctl_close(&d->ctl);
	log_notice("stopped");
	return rc == 0 ? 0 : 1;
}

int checkd_main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "digest", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ "use-file", required_argument, NULL, 'f' },
		{ "dont-fork", no_argument, NULL, 'n' },
		{ "log-console", no_argument, NULL, 'l' },
		{ "log-detail", no_argument, NULL, 'D' },
		{ "config-test", no_argument, NULL, 't' },
		{ "pid", required_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 'S' },
		{ "status", no_argument, NULL, 's' },
		{ "events-fd", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct checkd *d;
	const char *conf_path = CHECKD_DEFAULT_CONF, *sock_path = CHECKD_DEFAULT_SOCK, *pid_path = NULL;
	const char *client_cmd = NULL, *digest_url = NULL, *vhost = NULL, *protocol = NULL;
	bool foreground = false, test = false;
	unsigned log_flags = 0;
	int events_fd = -1, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:nlDtp:S:se:V:P:h", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'f': conf_path = optarg; break;
		case 'n': foreground = true; break;
		case 'l': log_flags |= LOGF_CONSOLE; break;
		case 'D': log_flags |= LOGF_DETAIL; break;
		case 't': test = true; break;
		case 'p': pid_path = optarg; break;
		case 'S': sock_path = optarg; break;
		case 's': client_cmd = "status"; break;
		case 'J': client_cmd = "json"; break;
		case 'G': digest_url = optarg; break;
		case 'V': vhost = optarg; break;
		case 'P': protocol = optarg; break;
		case 'e': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 65535 || fcntl((int)v, F_GETFD) < 0) {
				fprintf(stderr, "checkd: -e wants an open file descriptor, not '%s'\n", optarg);
				return 2;
			}
			events_fd = (int)v;
			break;
		}
		case 'h': fputs(checkd_usage, stdout); return 0;
		default: fputs(checkd_usage, stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "checkd: unexpected argument '%s'\n", argv[optind]);
		fputs(checkd_usage, stderr);
		return 2;
	}
	if (digest_url)
		return digest_main(digest_url, vhost, protocol);
	if (test)
		return check_config(conf_path);
	if (client_cmd) {
		int rc = ctl_request(sock_path, client_cmd, STDOUT_FILENO);
		if (rc != 0) {
			fprintf(stderr, "checkd: %s: %s\n", sock_path, strerror(-rc));
			return 1;
		}
		return 0;
	}

	log_init("checkd", log_flags);
	d = calloc(1, sizeof(*d));
	if (!d)
		return 1;
	d->conf_path = conf_path;
	d->sock_path = sock_path;
	d->pid_path = pid_path;
	d->events_fd = events_fd;
	int rc = run_daemon(d, foreground);
	model_free(d);
	check_ctx_done(&d->ctx);
	if (d->conf)
		release_conf(d->conf);
	if (d->loop.epoll_fd > 0)
		loop_done(&d->loop);
	free(d->outq);
	free(d);
	return rc;
}
