/*
 * loop.h - the single-threaded event loop of the daemons (lvsd, checkd, vrrpd).
 *
 * One epoll set for file descriptors, a binary heap of one-shot millisecond
 * timers on CLOCK_MONOTONIC, signals read from a signalfd, and child processes
 * forked with a timeout and reaped. The caller owns every struct (usually
 * embedded in its own); the loop only links them. Callbacks may start and stop
 * any watcher or timer, their own included, and may free a stopped one.
 *
 * Typical use:
 *	struct loop loop;
 *	loop_init(&loop);
 *	loop_io_init(&conn->io, fd, on_readable, conn);
 *	loop_io_watch(&loop, &conn->io, LOOP_READ);
 *	loop_timer_init(&probe->timer, on_probe_due, probe);
 *	loop_timer_arm(&loop, &probe->timer, 3000);
 *	loop_signal(&loop, SIGTERM, on_stop, NULL);
 *	loop_run(&loop);         returns after loop_break()
 *	loop_done(&loop);
 */
#ifndef LVSBOX_LOOP_H
#define LVSBOX_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/types.h>

struct loop;

/* ---- file descriptors (level-triggered) ---- */

#define LOOP_READ  1u
#define LOOP_WRITE 2u
#define LOOP_ERROR 4u   /* reported only: error or hang-up on the fd */

struct loop_io;
typedef void loop_io_fn(struct loop *loop, struct loop_io *io, unsigned events);

struct loop_io {
	int fd;
	loop_io_fn *cb;
	void *arg;
	unsigned events;       /* interest currently registered; 0 = not watched */
};

void loop_io_init(struct loop_io *io, int fd, loop_io_fn *cb, void *arg);
/* Sets the interest (LOOP_READ|LOOP_WRITE); 0 stops watching. -1 on error. */
int loop_io_watch(struct loop *loop, struct loop_io *io, unsigned events);
void loop_io_stop(struct loop *loop, struct loop_io *io);

/* ---- one-shot timers ---- */

struct loop_timer;
typedef void loop_timer_fn(struct loop *loop, struct loop_timer *timer);

struct loop_timer {
	loop_timer_fn *cb;
	void *arg;
	uint64_t due_ms;       /* on the loop's clock, see loop_now_ms() */
	uint64_t seq;          /* arming order: equal due times fire first-armed first */
	size_t slot;           /* heap index + 1; 0 when not armed */
};

void loop_timer_init(struct loop_timer *timer, loop_timer_fn *cb, void *arg);
/* (Re)arms to fire once, after_ms from now. -1 (ENOMEM) if the heap cannot grow. */
int loop_timer_arm(struct loop *loop, struct loop_timer *timer, uint64_t after_ms);
void loop_timer_cancel(struct loop *loop, struct loop_timer *timer);
static inline bool loop_timer_armed(const struct loop_timer *timer) { return timer->slot != 0; }

/* ---- signals ---- */

/* Standard signals only (1..31): all the daemons need. */
#define LOOP_MAX_SIGNAL 32

typedef void loop_signal_fn(struct loop *loop, int signo, void *arg);

/* Delivers signo through the loop from now on; cb NULL gives it back. -1 on error. */
int loop_signal(struct loop *loop, int signo, loop_signal_fn *cb, void *arg);

/* ---- child processes ---- */

struct loop_child;
/* status is waitpid()'s: use WIFEXITED/WEXITSTATUS/WIFSIGNALED/WTERMSIG. */
typedef void loop_child_fn(struct loop *loop, struct loop_child *child, int status);

struct loop_child {
	loop_child_fn *done;
	void *arg;
	pid_t pid;             /* 0 when not running */
	bool timed_out;        /* it overran its timeout and was killed */
	struct loop_timer deadline;
	struct loop_child *next;
};

/* Grace between SIGTERM and SIGKILL for a child that overruns its timeout. */
#define LOOP_KILL_GRACE_MS 1000

/* What every child starts with: the only environment variable, and the
 * file creation mask keepalived runs its scripts with (its default). */
#define LOOP_CHILD_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define LOOP_CHILD_UMASK 0177

/*
 * Forks and execs argv[0] (searched in LOOP_CHILD_PATH, no shell) in a
 * process group of its own, as a script should start whatever the daemon's
 * own state: signals at their defaults, none blocked; the environment just
 * PATH=LOOP_CHILD_PATH; cwd "/"; umask LOOP_CHILD_UMASK; stdin, stdout and
 * stderr on /dev/null; no other descriptor of ours. uid/gid, unless -1, are
 * set in the child before exec; the supplementary groups become that gid
 * alone (ours when gid is -1). timeout_ms 0 means no timeout; otherwise
 * the group
 * gets SIGTERM when it overruns, SIGKILL loop->kill_grace_ms later. done
 * (may be NULL) is called once, when the child has been reaped; an exec
 * failure shows as exit status 127. child must stay allocated until then.
 * Returns -1 if fork fails, with done never called.
 */
int loop_spawn(struct loop *loop, struct loop_child *child, char *const argv[],
	       uint64_t timeout_ms, uid_t uid, gid_t gid, loop_child_fn *done, void *arg);

/* ---- the loop ---- */

#define LOOP_BATCH 64

struct loop {
	int epoll_fd;
	int signal_fd;
	bool stopping;
	uint64_t now_ms;
	uint64_t next_seq;
	unsigned kill_grace_ms;
	/* A wait for a timer lasts this much longer, so timers due close
	 * together run in one wake-up (late, never early). 0: exact. */
	unsigned timer_slack_ms;

	struct loop_timer **heap;
	size_t heap_len, heap_cap;

	struct loop_io signal_io;
	sigset_t signals_caught;   /* blocked and read from signal_fd */
	sigset_t signals_before;   /* the mask to give back in loop_done */
	struct {
		loop_signal_fn *cb;
		void *arg;
	} signal_handlers[LOOP_MAX_SIGNAL];

	struct loop_child *children;

	/* The batch epoll_wait returned, so a watcher stopped mid-batch is skipped. */
	struct epoll_event batch[LOOP_BATCH];
	int batch_next, batch_len;
};

int loop_init(struct loop *loop);
/* Closes the loop's descriptors, frees the heap, gives signals back. Children keep running. */
void loop_done(struct loop *loop);
/* Runs until loop_break(); 0 then, -1 on an epoll error. */
int loop_run(struct loop *loop);
void loop_break(struct loop *loop);
/* A timer callback that calls loop_break: the deadline of a stop that
 * waits for children or scripts. */
void loop_break_timer(struct loop *loop, struct loop_timer *timer);
/* Milliseconds on CLOCK_MONOTONIC, as of the start of this loop iteration. */
uint64_t loop_now_ms(const struct loop *loop);

#endif
