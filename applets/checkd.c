/*
 * checkd.c - the health-check daemon: decides which real servers get
 * traffic, from the checker blocks of a keepalived-style config.
 *
 * The engine lives in core/check: the probes (one non-blocking attempt
 * each), the model built from the config, and the runner that schedules
 * attempts, turns verdicts into real-server events and runs notify scripts
 * (check_runner.h). This file reads the config, sends the event lines (on
 * stdout or on the fd lvsd gave it; docs/checkd.md), answers the control
 * socket, handles the signals, and implements genhash's --digest.
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
#include <sys/resource.h>
#include <sys/socket.h>
#include "applets.h"
#include "check.h"
#include "check_runner.h"
#include "conf.h"
#include "ctl.h"
#include "daemon.h"
#include "log.h"
#include "loop.h"

#define CHECKD_DEFAULT_CONF "/etc/lvsbox/lvsbox.conf"
#define CHECKD_DEFAULT_SOCK CTL_DIR "/checkd.sock"
#define STOP_WAIT_MS 5000             /* omega's notify_down scripts before exiting */
#define EVENTS_MAX_QUEUED (4u << 20)  /* bytes waiting for a slow lvsd before we give up */
#define DIGEST_TIMEOUT_MS 5000
#define FD_RESERVE 64                 /* descriptors kept for events, control clients, scripts */
#define MAX_IN_FLIGHT 4096            /* attempts at once whatever the fd limit: bounds memory */
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

struct checkd {
	struct loop loop;
	const char *conf_path, *sock_path, *pid_path;
	struct check_runner run;
	struct ctl_server ctl;

	int events_fd;               /* -1: stdout */
	struct loop_io events_io;
	char *outq;
	size_t outq_len, outq_cap;

	struct loop_timer stop_timer;
};

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

static void emit(void *arg, const char *line, size_t len)
{
	struct checkd *d = arg;

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

static void on_ctl_request(const char *command, struct ctl_buf *reply, void *arg)
{
	struct checkd *d = arg;
	if (strcmp(command, "metrics") == 0)
		check_status_metrics(&d->run, reply);
	else
		daemon_ctl_answer(command, reply, &d->run, check_status_table, check_status_json);
}

static void on_reload(struct loop *loop, int signo, void *arg)
{
	struct checkd *d = arg;
	(void)loop;
	(void)signo;

	struct conf_keepalived *conf = daemon_reload_read(d->conf_path, DAEMON_READ_ALL, NULL);
	if (conf)
		check_runner_reload(&d->run, conf, d->conf_path);
}

static void on_stop(struct loop *loop, int signo, void *arg)
{
	struct checkd *d = arg;
	(void)signo;

	if (d->run.stopping) {
		loop_break(loop);
		return;
	}
	log_notice("stopping");
	if (!check_runner_stop(&d->run)) {
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
		conf_keepalived_free(conf);
		return EXIT_CONF_FATAL;
	}
	if (daemon_start_loop(&d->loop, foreground, true) != 0) {
		conf_keepalived_free(conf);
		return 1;
	}
	d->loop.timer_slack_ms = TIMER_SLACK_MS;
	if (check_runner_init(&d->run, &d->loop, conf, emit, d) != 0) {
		conf_keepalived_free(conf);
		return EXIT_CONF_FATAL;
	}
	rc = check_runner_build(&d->run, conf, &errors);
	/* Everything needed is in the model now; at 30,000 real servers the
	 * parsed config is the larger of the two. */
	conf_keepalived_free(conf);
	if (rc != 0) {
		log_err("out of memory building %lu checks", d->run.m.nchecks);
		return 1;
	}
	if (errors) {
		log_err("%s: %d checker error(s), not starting", d->conf_path, errors);
		return EXIT_CONF_FATAL;
	}
	d->run.max_in_flight = in_flight_limit();
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
	loop_timer_init(&d->stop_timer, loop_break_timer, d);

	log_notice("lvsbox %s checkd starting with %s: %lu real servers, %lu checks, at most %u at once",
		   LVSBOX_VERSION, d->conf_path, d->run.m.nrs, d->run.m.nchecks, d->run.max_in_flight);
	check_runner_start(&d->run);
	rc = loop_run(&d->loop);
	loop_timer_cancel(&d->loop, &d->stop_timer);
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
		default: return daemon_opt_other(&checkd_cmd, opt);
		}
	}
	int end = daemon_args_end("checkd", &checkd_cmd, &args, argc, argv);
	if (end >= 0)
		return end;
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
	check_runner_free(&d->run);
	if (d->loop.epoll_fd > 0)
		loop_done(&d->loop);
	free(d->outq);
	free(d);
	return rc;
}
