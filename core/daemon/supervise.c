/*
 * supervise.c - running, watching and restarting a daemon's helper
 * processes; apart from lvsd so the restart rules (backoff, -R, parent
 * death) live in one place a test or another daemon can reuse.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "log.h"
#include "supervise.h"

static void child_start(struct child *c);

static void child_close_fd(struct child *c)
{
	if (c->fd < 0)
		return;
	loop_io_stop(c->sv->loop, &c->io);
	close(c->fd);
	c->fd = -1;
}

/* Each channel a child is started with begins with no line half read. */
static void line_reader_reset(struct line_reader *r)
{
	r->len = 0;
	r->skipping = false;
}

unsigned line_reader_took(struct line_reader *r, size_t n, void (*on_line)(char *line, void *arg), void *arg)
{
	unsigned dropped = 0;
	char *start = r->buf, *end = r->buf + r->len + n, *nl;

	while ((nl = memchr(start, '\n', (size_t)(end - start)))) {
		*nl = '\0';
		if (r->skipping)
			r->skipping = false;    /* the dropped line's tail ends here */
		else
			on_line(start, arg);
		start = nl + 1;
	}
	size_t rest = (size_t)(end - start);
	if (rest == sizeof(r->buf) && !r->skipping) {
		dropped++;
		r->skipping = true;
	}
	if (r->skipping)
		rest = 0;
	memmove(r->buf, start, rest);
	r->len = rest;
	return dropped;
}

static void on_child_readable(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct child *c = io->arg;
	struct supervisor *sv = c->sv;
	(void)loop;
	(void)events;

	/* Bounded: at most a few buffers per wake-up, so nothing starves. */
	for (int round = 0; round < 16; round++) {
		struct line_reader *r = &c->lines;
		ssize_t n = read(c->fd, r->buf + r->len, sizeof(r->buf) - r->len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			log_warn("%s's event channel closed", c->name);
			child_close_fd(c);
			return;
		}
		if (line_reader_took(r, (size_t)n, sv->on_line, sv->arg)) {
			sv->on_line(NULL, sv->arg);
			log_warn("%s: event line longer than %zu bytes dropped", c->name, sizeof(r->buf) - 1);
		}
	}
}

static void on_child_restart(struct loop *loop, struct loop_timer *timer)
{
	struct child *c = timer->arg;
	(void)loop;

	if (c->wanted && !c->pid && !c->sv->stopping)
		child_start(c);
}

void child_init(struct child *c, struct supervisor *sv, const char *name, bool events)
{
	c->sv = sv;
	c->name = name;
	c->fd = -1;
	c->events = events;
	loop_timer_init(&c->restart, on_child_restart, c);
}

/* In the forked child: never returns. */
static void child_exec(const struct supervisor *sv, const struct child *c, pid_t parent, int fd)
{
	char fdtext[16], *argv[14];
	int n = 0;

	/* vrrpd has no channel to notice us gone; the kernel tells it. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);
	for (int signo = 1; signo < LOOP_MAX_SIGNAL; signo++)
		if (signo != SIGKILL && signo != SIGSTOP)
			signal(signo, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Our netlink and control sockets are not the child's business. */
	for (int i = STDERR_FILENO + 1; i < 1024; i++)
		if (i != fd)
			close(i);
	argv[n++] = (char *)c->name;
	argv[n++] = "-n";
	argv[n++] = "-f";
	argv[n++] = (char *)sv->conf_path;
	if (fd >= 0) {
		fcntl(fd, F_SETFD, 0);
		snprintf(fdtext, sizeof(fdtext), "%d", fd);
		argv[n++] = "-e";
		argv[n++] = fdtext;
	}
	if (sv->log_flags & LOGF_CONSOLE)
		argv[n++] = "-l";
	if (sv->log_flags & LOGF_DETAIL)
		argv[n++] = "-D";
	if (sv->config_id) {
		argv[n++] = "-i";
		argv[n++] = (char *)sv->config_id;
	}
	argv[n] = NULL;
	execv(sv->self, argv);
	log_err("cannot run %s (%s): %s", c->name, sv->self, strerror(errno));
	_exit(127);
}

static void child_start(struct child *c)
{
	struct supervisor *sv = c->sv;
	int pair[2] = { -1, -1 };

	if (c->events && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) != 0) {
		log_err("%s: socketpair: %s", c->name, strerror(errno));
		loop_timer_arm(sv->loop, &c->restart, CHILD_BACKOFF_MAX_MS);
		return;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		log_err("%s: fork: %s", c->name, strerror(errno));
		if (c->events) {
			close(pair[0]);
			close(pair[1]);
		}
		loop_timer_arm(sv->loop, &c->restart, CHILD_BACKOFF_MAX_MS);
		return;
	}
	if (pid == 0) {
		if (c->events) {
			close(pair[0]);
			/* checkd wants a blocking-agnostic fd; it sets O_NONBLOCK itself. */
			int fl = fcntl(pair[1], F_GETFL);
			fcntl(pair[1], F_SETFL, fl & ~O_NONBLOCK);
		}
		child_exec(sv, c, parent, c->events ? pair[1] : -1);
	}
	c->pid = pid;
	c->started_ms = loop_now_ms(sv->loop);
	c->starts++;
	if (c->events) {
		close(pair[1]);
		c->fd = pair[0];
		line_reader_reset(&c->lines);
		loop_io_init(&c->io, c->fd, on_child_readable, c);
		loop_io_watch(sv->loop, &c->io, LOOP_READ);
	}
	log_notice("started %s (pid %d)", c->name, (int)pid);
}

void child_want(struct child *c)
{
	c->wanted = true;
	c->backoff_ms = 0;
	if (!c->pid)
		child_start(c);
}

void child_stop(struct child *c)
{
	c->wanted = false;
	loop_timer_cancel(c->sv->loop, &c->restart);
	child_close_fd(c);
	if (c->pid)
		kill(c->pid, SIGTERM);
}

static void child_reaped(struct child *c, int status)
{
	struct supervisor *sv = c->sv;

	if (WIFSIGNALED(status))
		log_warn("%s (pid %d) killed by signal %d", c->name, (int)c->pid, WTERMSIG(status));
	else if (c->wanted && !sv->stopping)
		log_warn("%s (pid %d) exited with status %d", c->name, (int)c->pid, WEXITSTATUS(status));
	else
		log_info("%s (pid %d) exited with status %d", c->name, (int)c->pid, WEXITSTATUS(status));
	c->pid = 0;
	child_close_fd(c);
	if (!c->wanted || sv->stopping)
		return;
	if (sv->no_respawn) {
		log_warn("%s not restarted (-R)", c->name);
		c->wanted = false;
		return;
	}
	uint64_t ran = loop_now_ms(sv->loop) - c->started_ms;
	if (ran >= CHILD_STABLE_MS || c->backoff_ms == 0)
		c->backoff_ms = CHILD_BACKOFF_MIN_MS;
	else if ((c->backoff_ms *= 2) > CHILD_BACKOFF_MAX_MS)
		c->backoff_ms = CHILD_BACKOFF_MAX_MS;
	log_notice("restarting %s in %u ms", c->name, c->backoff_ms);
	loop_timer_arm(sv->loop, &c->restart, c->backoff_ms);
}

void child_reap(struct child *c)
{
	int status;

	if (c->pid && waitpid(c->pid, &status, WNOHANG) == c->pid)
		child_reaped(c, status);
}

void child_kill_left(struct child *c)
{
	if (!c->pid)
		return;
	log_warn("%s (pid %d) did not stop in time, killing it", c->name, (int)c->pid);
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
}
