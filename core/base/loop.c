/*
 * loop.c - epoll, timer heap, signalfd and child processes for the daemons
 * (see loop.h for the contract).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "log.h"
#include "loop.h"

extern char **environ;

static uint64_t clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t loop_now_ms(const struct loop *loop)
{
	return loop->now_ms;
}

/* ---- timer heap: a binary min-heap on (due_ms, seq) ---- */

static bool fires_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->due_ms < b->due_ms || (a->due_ms == b->due_ms && a->seq < b->seq);
}

static void heap_place(struct loop *loop, size_t i, struct loop_timer *t)
{
	loop->heap[i] = t;
	t->slot = i + 1;
}

static void heap_sift_up(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!fires_before(t, loop->heap[parent]))
			break;
		heap_place(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_place(loop, i, t);
}

static void heap_sift_down(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i];
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= loop->heap_len)
			break;
		if (child + 1 < loop->heap_len && fires_before(loop->heap[child + 1], loop->heap[child]))
			child++;
		if (!fires_before(loop->heap[child], t))
			break;
		heap_place(loop, i, loop->heap[child]);
		i = child;
	}
	heap_place(loop, i, t);
}

static void heap_remove(struct loop *loop, struct loop_timer *t)
{
	size_t i = t->slot - 1;
	struct loop_timer *last = loop->heap[--loop->heap_len];
	t->slot = 0;
	if (last == t)
		return;
	heap_place(loop, i, last);
	heap_sift_up(loop, i);
	heap_sift_down(loop, last->slot - 1);
}

void loop_timer_init(struct loop_timer *timer, loop_timer_fn *cb, void *arg)
{
	memset(timer, 0, sizeof(*timer));
	timer->cb = cb;
	timer->arg = arg;
}

int loop_timer_arm(struct loop *loop, struct loop_timer *timer, uint64_t after_ms)
{
	if (!timer->slot && loop->heap_len == loop->heap_cap) {
		size_t cap = loop->heap_cap ? loop->heap_cap * 2 : 64;
		struct loop_timer **heap = realloc(loop->heap, cap * sizeof(*heap));
		if (!heap) {
			errno = ENOMEM;
			return -1;
		}
		loop->heap = heap;
		loop->heap_cap = cap;
	}
	/* A fresh clock: a slow callback must not make its timers fire early. */
	loop->now_ms = clock_ms();
	timer->due_ms = loop->now_ms + after_ms;
	timer->seq = loop->next_seq++;
	if (timer->slot) {
		size_t i = timer->slot - 1;
		heap_sift_up(loop, i);
		heap_sift_down(loop, timer->slot - 1);
	} else {
		heap_place(loop, loop->heap_len++, timer);
		heap_sift_up(loop, loop->heap_len - 1);
	}
	return 0;
}

void loop_timer_cancel(struct loop *loop, struct loop_timer *timer)
{
	if (timer->slot)
		heap_remove(loop, timer);
}

/*
 * Fires the timers due by now that were armed before this pass began: one
 * re-armed from its own callback with 0 ms waits for the next pass instead
 * of starving the file descriptors.
 */
static void run_timers(struct loop *loop)
{
	uint64_t now = loop->now_ms;
	uint64_t seq_limit = loop->next_seq;
	while (loop->heap_len && !loop->stopping) {
		struct loop_timer *t = loop->heap[0];
		if (t->due_ms > now || t->seq >= seq_limit)
			break;
		heap_remove(loop, t);
		t->cb(loop, t);
	}
}

/* epoll_wait's timeout: until the first timer, forever without one. */
static int wait_ms(const struct loop *loop)
{
	if (!loop->heap_len)
		return -1;
	uint64_t due = loop->heap[0]->due_ms;
	if (due <= loop->now_ms)
		return 0;
	due += loop->timer_slack_ms;
	return due - loop->now_ms > INT_MAX ? INT_MAX : (int)(due - loop->now_ms);
}

/* ---- file descriptors ---- */

void loop_io_init(struct loop_io *io, int fd, loop_io_fn *cb, void *arg)
{
	memset(io, 0, sizeof(*io));
	io->fd = fd;
	io->cb = cb;
	io->arg = arg;
}

int loop_io_watch(struct loop *loop, struct loop_io *io, unsigned events)
{
	events &= LOOP_READ | LOOP_WRITE;
	if (!events) {
		loop_io_stop(loop, io);
		return 0;
	}
	struct epoll_event ev = {
		.events = (events & LOOP_READ ? EPOLLIN | EPOLLRDHUP : 0) | (events & LOOP_WRITE ? EPOLLOUT : 0),
		.data.ptr = io,
	};
	if (epoll_ctl(loop->epoll_fd, io->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, io->fd, &ev) != 0)
		return -1;
	io->events = events;
	return 0;
}

void loop_io_stop(struct loop *loop, struct loop_io *io)
{
	if (!io->events)
		return;
	/* Fails harmlessly if the caller closed the fd first. */
	epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, io->fd, NULL);
	io->events = 0;
	/* The caller may free io now: forget it in what is left of this batch. */
	for (int i = loop->batch_next; i < loop->batch_len; i++)
		if (loop->batch[i].data.ptr == io)
			loop->batch[i].data.ptr = NULL;
}

static unsigned loop_events(uint32_t epoll_events)
{
	unsigned events = 0;
	if (epoll_events & (EPOLLIN | EPOLLPRI | EPOLLRDHUP))
		events |= LOOP_READ;
	if (epoll_events & EPOLLOUT)
		events |= LOOP_WRITE;
	if (epoll_events & (EPOLLERR | EPOLLHUP))
		events |= LOOP_ERROR;
	return events;
}

static void run_batch(struct loop *loop)
{
	while (loop->batch_next < loop->batch_len && !loop->stopping) {
		struct epoll_event *ev = &loop->batch[loop->batch_next++];
		struct loop_io *io = ev->data.ptr;
		if (!io)
			continue;
		/* Interest may have been narrowed by an earlier callback of this batch. */
		unsigned events = loop_events(ev->events) & (io->events | LOOP_ERROR);
		if (events)
			io->cb(loop, io, events);
	}
	loop->batch_next = loop->batch_len = 0;
}

/* ---- signals ---- */

static int catch_signal(struct loop *loop, int signo)
{
	if (sigismember(&loop->signals_caught, signo) == 1)
		return 0;
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, signo);
	sigaddset(&loop->signals_caught, signo);
	/* Blocked first, so none arrives between here and the signalfd. */
	if (sigprocmask(SIG_BLOCK, &one, NULL) != 0 ||
	    signalfd(loop->signal_fd, &loop->signals_caught, 0) < 0) {
		sigdelset(&loop->signals_caught, signo);
		return -1;
	}
	return 0;
}

static void release_signal(struct loop *loop, int signo)
{
	if (sigismember(&loop->signals_caught, signo) != 1)
		return;
	sigdelset(&loop->signals_caught, signo);
	signalfd(loop->signal_fd, &loop->signals_caught, 0);
	if (sigismember(&loop->signals_before, signo) != 1) {
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, signo);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
	}
}

int loop_signal(struct loop *loop, int signo, loop_signal_fn *cb, void *arg)
{
	if (signo <= 0 || signo >= LOOP_MAX_SIGNAL || signo == SIGKILL || signo == SIGSTOP) {
		errno = EINVAL;
		return -1;
	}
	loop->signal_handlers[signo].cb = cb;
	loop->signal_handlers[signo].arg = arg;
	if (cb)
		return catch_signal(loop, signo);
	/* The loop itself keeps SIGCHLD while it has children to reap. */
	if (signo != SIGCHLD || !loop->children)
		release_signal(loop, signo);
	return 0;
}

static void reap_children(struct loop *loop);

static void on_signal_fd(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)events;
	struct signalfd_siginfo info;
	/* Standard signals coalesce, so a handful of reads drains the queue. */
	for (int i = 0; i < 2 * LOOP_MAX_SIGNAL && !loop->stopping; i++) {
		if (read(io->fd, &info, sizeof(info)) != (ssize_t)sizeof(info))
			break;
		int signo = (int)info.ssi_signo;
		if (signo <= 0 || signo >= LOOP_MAX_SIGNAL)
			continue;
		if (signo == SIGCHLD)
			reap_children(loop);
		if (loop->signal_handlers[signo].cb)
			loop->signal_handlers[signo].cb(loop, signo, loop->signal_handlers[signo].arg);
	}
}

/* ---- child processes ---- */

static void reap_children(struct loop *loop)
{
	struct loop_child **link = &loop->children;
	while (*link) {
		struct loop_child *child = *link;
		int status;
		pid_t r = waitpid(child->pid, &status, WNOHANG);
		if (r == 0 || (r < 0 && errno != ECHILD)) {
			link = &child->next;
			continue;
		}
		/* ECHILD: someone else's waitpid took it; report it as lost (exit 127). */
		if (r < 0)
			status = 127 << 8;
		*link = child->next;
		child->next = NULL;
		child->pid = 0;
		loop_timer_cancel(loop, &child->deadline);
		if (child->done)
			child->done(loop, child, status);
	}
}

static void kill_group(pid_t pid, int signo)
{
	if (kill(-pid, signo) != 0)
		kill(pid, signo);
}

static void on_child_deadline(struct loop *loop, struct loop_timer *timer)
{
	struct loop_child *child = timer->arg;
	if (!child->timed_out) {
		child->timed_out = true;
		log_warn("pid %d overran its timeout, terminating it", (int)child->pid);
		kill_group(child->pid, SIGTERM);
		loop_timer_arm(loop, timer, loop->kill_grace_ms);
	} else {
		log_warn("pid %d ignored SIGTERM, killing it", (int)child->pid);
		kill_group(child->pid, SIGKILL);
	}
}

/*
 * libc keeps its own real-time signals (32, 33) away from sigaction(), yet a
 * parent may hand them down ignored (GNU make does), and an ignored signal
 * survives exec. The kernel's call takes them: an all-zero kernel sigaction
 * is SIG_DFL with no flags and an empty mask whatever the arch's layout.
 */
static void reset_signal(int signo)
{
	static const unsigned char default_action[64];

	if (signal(signo, SIG_DFL) == SIG_ERR)
		syscall(SYS_rt_sigaction, signo, default_action, NULL, (size_t)(_NSIG - 1) / 8);
}

/*
 * The supplementary groups become the script's gid alone, as keepalived
 * sets them for every script: otherwise a script run as another user keeps
 * root's (even when that user's primary group is ours and gid stays
 * (gid_t)-1), and a root script the groups the daemon was started with.
 * Only a daemon that is not root, running scripts as itself, may fail to.
 */
static void set_ids(const char *name, uid_t uid, gid_t gid)
{
	gid_t only = gid != (gid_t)-1 ? gid : getgid();
	if (setgroups(1, &only) != 0 && (errno != EPERM || uid != (uid_t)-1)) {
		log_err("%s: cannot set groups: %s", name, strerror(errno));
		_exit(126);
	}
	if (gid != (gid_t)-1 && setgid(gid) != 0) {
		log_err("%s: cannot set gid %u: %s", name, (unsigned)gid, strerror(errno));
		_exit(126);
	}
	if (uid != (uid_t)-1 && setuid(uid) != 0) {
		log_err("%s: cannot set uid %u: %s", name, (unsigned)uid, strerror(errno));
		_exit(126);
	}
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/*
 * Every descriptor above stderr closes at exec: the daemon's sockets, its
 * event channel to lvsd (deliberately not close-on-exec) and whatever it
 * inherited are none of a script's business. Marked rather than closed, so
 * syslog keeps working here until the exec.
 */
static void cloexec_above_stderr(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	DIR *dir = opendir("/proc/self/fd");
	if (dir) {
		struct dirent *e;
		while ((e = readdir(dir)) != NULL) {
			int fd = atoi(e->d_name);
			if (fd > STDERR_FILENO && fd != dirfd(dir))
				fcntl(fd, F_SETFD, FD_CLOEXEC);
		}
		closedir(dir);
		return;
	}
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = STDERR_FILENO + 1; fd < max; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* stdin, stdout and stderr on /dev/null: never the daemon's (checkd's
 * stdout is its event stream). */
static int stdio_to_null(void)
{
	int fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	for (int std = STDIN_FILENO; std <= STDERR_FILENO; std++)
		if (fd != std && dup2(fd, std) < 0)
			return -1;
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* In the forked child: never returns. */
static void exec_child(char *const argv[], uid_t uid, gid_t gid)
{
	static char *const clean_env[] = { "PATH=" LOOP_CHILD_PATH, NULL };

	setpgid(0, 0);
	/* Ignored signals and the blocked mask survive exec; scripts expect neither. */
	for (int signo = 1; signo < _NSIG; signo++)
		if (signo != SIGKILL && signo != SIGSTOP)
			reset_signal(signo);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	set_ids(argv[0], uid, gid);
	if (chdir("/") != 0) {
		log_err("%s: cannot change to /: %s", argv[0], strerror(errno));
		_exit(126);
	}
	umask(LOOP_CHILD_UMASK);
	cloexec_above_stderr();
	/* The log may be our stderr: kept aside to report a failed exec. */
	int log_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if (stdio_to_null() != 0) {
		if (log_fd >= 0)
			dup2(log_fd, STDERR_FILENO);
		log_err("%s: cannot open /dev/null: %s", argv[0], strerror(errno));
		_exit(126);
	}
	/* execvp searches the PATH of environ, so this is the PATH used too. */
	environ = (char **)clean_env;
	execvp(argv[0], argv);
	int err = errno;
	if (log_fd >= 0)
		dup2(log_fd, STDERR_FILENO);
	log_err("cannot run %s: %s", argv[0], strerror(err));
	_exit(127);
}

int loop_spawn(struct loop *loop, struct loop_child *child, char *const argv[],
	       uint64_t timeout_ms, uid_t uid, gid_t gid, loop_child_fn *done, void *arg)
{
	if (catch_signal(loop, SIGCHLD) != 0)
		return -1;
	memset(child, 0, sizeof(*child));
	child->done = done;
	child->arg = arg;
	loop_timer_init(&child->deadline, on_child_deadline, child);
	/* Armed before the fork: once a child runs, nothing may fail. */
	if (timeout_ms && loop_timer_arm(loop, &child->deadline, timeout_ms) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		loop_timer_cancel(loop, &child->deadline);
		return -1;
	}
	if (pid == 0)
		exec_child(argv, uid, gid);
	/* Also here, so a kill of the group cannot come before the child's own setpgid. */
	setpgid(pid, pid);
	child->pid = pid;
	child->next = loop->children;
	loop->children = child;
	return 0;
}

/* ---- the loop ---- */

int loop_init(struct loop *loop)
{
	memset(loop, 0, sizeof(*loop));
	loop->kill_grace_ms = LOOP_KILL_GRACE_MS;
	loop->now_ms = clock_ms();
	sigemptyset(&loop->signals_caught);
	sigprocmask(SIG_BLOCK, NULL, &loop->signals_before);
	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epoll_fd < 0)
		return -1;
	loop->signal_fd = signalfd(-1, &loop->signals_caught, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->signal_fd < 0) {
		close(loop->epoll_fd);
		return -1;
	}
	loop_io_init(&loop->signal_io, loop->signal_fd, on_signal_fd, NULL);
	if (loop_io_watch(loop, &loop->signal_io, LOOP_READ) != 0) {
		close(loop->signal_fd);
		close(loop->epoll_fd);
		return -1;
	}
	return 0;
}

void loop_done(struct loop *loop)
{
	for (size_t i = 0; i < loop->heap_len; i++)
		loop->heap[i]->slot = 0;
	free(loop->heap);
	loop->heap = NULL;
	loop->heap_len = loop->heap_cap = 0;
	while (loop->children) {
		struct loop_child *child = loop->children;
		loop->children = child->next;
		child->next = NULL;
	}
	close(loop->signal_fd);
	close(loop->epoll_fd);
	loop->signal_fd = loop->epoll_fd = -1;
	sigprocmask(SIG_SETMASK, &loop->signals_before, NULL);
}

void loop_break(struct loop *loop)
{
	loop->stopping = true;
}

void loop_break_timer(struct loop *loop, struct loop_timer *timer)
{
	(void)timer;
	loop_break(loop);
}

int loop_run(struct loop *loop)
{
	int rc = 0;
	while (!loop->stopping) {
		loop->now_ms = clock_ms();
		run_timers(loop);
		if (loop->stopping)
			break;
		int n = epoll_wait(loop->epoll_fd, loop->batch, LOOP_BATCH, wait_ms(loop));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		loop->now_ms = clock_ms();
		loop->batch_next = 0;
		loop->batch_len = n;
		run_batch(loop);
	}
	loop->batch_next = loop->batch_len = 0;
	loop->stopping = false;
	return rc;
}
