/*
 * test_loop.c - core/loop: timer order and timing, cancel and re-arm, 10,000
 * timers, fd readiness, watchers removed mid-dispatch, signals, and child
 * processes with exit statuses, timeouts, privilege drop and the clean
 * environment, cwd, umask and descriptors they start with.
 *
 * Every run is bounded by a guard timer; times are checked against the
 * monotonic clock with a lateness allowance wide enough for a loaded machine.
 * Timers may fire up to 1 ms early: the loop's clock counts whole milliseconds.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "loop.h"
#include "unit.h"

#define LATE_OK_MS 1500   /* how late a timer may be on a busy CI box */

static struct loop loop;
static bool guard_fired;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_guard(struct loop *l, struct loop_timer *t)
{
	(void)t;
	guard_fired = true;
	loop_break(l);
}

/* Runs the loop until a callback breaks it or limit_ms pass; true if a callback did. */
static bool run_for(uint64_t limit_ms)
{
	struct loop_timer guard;
	loop_timer_init(&guard, on_guard, NULL);
	loop_timer_arm(&loop, &guard, limit_ms);
	guard_fired = false;
	int rc = loop_run(&loop);
	loop_timer_cancel(&loop, &guard);
	return rc == 0 && !guard_fired;
}

/* ---- timers ---- */

struct stamped {
	struct loop_timer timer;
	int id;
	uint64_t armed_at, after_ms, fired_at;
	int fired;
};

static int fire_order[16], fire_count, fire_stop_at;

static void on_stamped(struct loop *l, struct loop_timer *t)
{
	struct stamped *s = t->arg;
	s->fired_at = now_ms();
	s->fired++;
	if (fire_count < 16)
		fire_order[fire_count] = s->id;
	if (++fire_count == fire_stop_at)
		loop_break(l);
}

static void arm_stamped(struct stamped *s, int id, uint64_t after_ms)
{
	loop_timer_init(&s->timer, on_stamped, s);
	s->id = id;
	s->after_ms = after_ms;
	s->armed_at = now_ms();
	s->fired = 0;
	loop_timer_arm(&loop, &s->timer, after_ms);
}

static void test_timer_order(void)
{
	static const uint64_t delays[] = { 250, 50, 150, 100, 200, 100 };
	struct stamped t[6];
	fire_count = 0;
	fire_stop_at = 6;
	for (int i = 0; i < 6; i++)
		arm_stamped(&t[i], i, delays[i]);
	bool done = run_for(5000);
	CHECK(done && fire_count == 6, "timers: all six fire");
	static const int want[] = { 1, 3, 5, 2, 4, 0 };
	CHECK(memcmp(fire_order, want, sizeof(want)) == 0,
	      "timers: fire by due time, equal due times in arming order (got %d %d %d %d %d %d)",
	      fire_order[0], fire_order[1], fire_order[2], fire_order[3], fire_order[4], fire_order[5]);
	bool on_time = true;
	for (int i = 0; i < 6; i++) {
		uint64_t took = t[i].fired_at - t[i].armed_at;
		if (took + 1 < t[i].after_ms || took > t[i].after_ms + LATE_OK_MS) {
			on_time = false;
			printf("#   timer %d: asked %llu ms, fired after %llu ms\n", i,
			       (unsigned long long)t[i].after_ms, (unsigned long long)took);
		}
	}
	CHECK(on_time, "timers: none early, none more than %d ms late", LATE_OK_MS);
}

/* Armed one after another with the same delay: due times never decrease,
 * so they must fire in arming order even where they share a millisecond. */
static void test_timer_fifo(void)
{
	enum { N = 12 };
	static struct stamped t[N];
	fire_count = 0;
	fire_stop_at = N;
	for (int i = 0; i < N; i++)
		arm_stamped(&t[i], i, 30);
	bool done = run_for(5000);
	bool in_order = true;
	for (int i = 0; i < N; i++)
		in_order = in_order && fire_order[i] == i;
	CHECK(done && in_order, "timers: %d with the same delay fire in arming order", N);
}

static struct stamped *victim;

static void on_cancel_victim(struct loop *l, struct loop_timer *t)
{
	(void)t;
	loop_timer_cancel(l, &victim->timer);
}

static void test_timer_cancel(void)
{
	struct stamped a, b, c;
	fire_count = 0;
	fire_stop_at = 1;
	arm_stamped(&a, 0, 30);
	arm_stamped(&b, 1, 80);
	loop_timer_cancel(&loop, &a.timer);
	CHECK(!loop_timer_armed(&a.timer) && loop_timer_armed(&b.timer), "cancel: armed flag follows cancel");
	bool done = run_for(5000);
	CHECK(done && a.fired == 0 && b.fired == 1, "cancel: a cancelled timer never fires, the other does");

	/* Same due time: the canceller comes first (armed first) and removes its neighbour. */
	struct loop_timer canceller;
	loop_timer_init(&canceller, on_cancel_victim, NULL);
	loop_timer_arm(&loop, &canceller, 0);
	arm_stamped(&c, 2, 0);
	victim = &c;
	struct stamped d;
	fire_count = 0;
	fire_stop_at = 1;
	arm_stamped(&d, 3, 100);
	usleep(20000);   /* both are overdue when the loop starts: one pass fires them */
	done = run_for(5000);
	CHECK(done && c.fired == 0 && d.fired == 1, "cancel: a callback cancels a timer due in the same pass");

	loop_timer_cancel(&loop, &a.timer);
	CHECK(!loop_timer_armed(&a.timer), "cancel: cancelling an idle timer is harmless");
}

static int rearm_count;
static uint64_t rearm_start;

static void on_rearm(struct loop *l, struct loop_timer *t)
{
	if (++rearm_count == 5) {
		loop_break(l);
		return;
	}
	loop_timer_arm(l, t, 20);
}

static void test_timer_rearm(void)
{
	struct loop_timer t;
	loop_timer_init(&t, on_rearm, NULL);
	rearm_count = 0;
	rearm_start = now_ms();
	loop_timer_arm(&loop, &t, 20);
	/* Re-arming an armed timer moves it instead of adding a second one. */
	loop_timer_arm(&loop, &t, 20);
	bool done = run_for(5000);
	uint64_t took = now_ms() - rearm_start;
	CHECK(done && rearm_count == 5 && took + 5 >= 100 && took < 100 + LATE_OK_MS,
	      "re-arm: a timer re-armed from its own callback fires 5 times in ~100 ms (%llu ms)",
	      (unsigned long long)took);
	CHECK(!loop_timer_armed(&t), "re-arm: a fired timer is no longer armed");
}

/* A 0 ms timer re-arming itself forever must not starve a readable fd. */
static long spin_count;

static void on_spin(struct loop *l, struct loop_timer *t)
{
	if (++spin_count > 1000000) {
		loop_break(l);
		return;
	}
	loop_timer_arm(l, t, 0);
}

static void on_readable_break(struct loop *l, struct loop_io *io, unsigned events)
{
	(void)events;
	*(bool *)io->arg = true;
	loop_break(l);
}

static void test_timer_no_starvation(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	bool seen = false;
	struct loop_io io;
	loop_io_init(&io, sv[0], on_readable_break, &seen);
	loop_io_watch(&loop, &io, LOOP_READ);
	struct loop_timer spin;
	loop_timer_init(&spin, on_spin, NULL);
	spin_count = 0;
	loop_timer_arm(&loop, &spin, 0);
	bool wrote = write(sv[1], "x", 1) == 1;
	CHECK(wrote, "starvation: write to socketpair");
	run_for(5000);
	CHECK(seen && spin_count < 1000000, "starvation: a 0 ms self-re-arming timer lets a readable fd through (%ld spins)",
	      spin_count);
	loop_timer_cancel(&loop, &spin);
	loop_io_stop(&loop, &io);
	close(sv[0]);
	close(sv[1]);
}

#define MANY 10000

struct many {
	struct loop_timer timer;
	uint64_t due;
	int fired;
};

static struct many many[MANY];
static uint64_t many_last_due;
static int many_fired, many_out_of_order, many_early, many_expected;

static void on_many(struct loop *l, struct loop_timer *t)
{
	struct many *m = t->arg;
	m->fired++;
	if (m->due < many_last_due)
		many_out_of_order++;
	many_last_due = m->due;
	if (now_ms() + 1 < m->due)
		many_early++;
	if (++many_fired == many_expected)
		loop_break(l);
}

static void test_many_timers(void)
{
	unsigned rng = 12345;
	uint64_t start = now_ms();
	for (int i = 0; i < MANY; i++) {
		rng = rng * 1103515245u + 12345u;
		loop_timer_init(&many[i].timer, on_many, &many[i]);
		loop_timer_arm(&loop, &many[i].timer, (rng >> 8) % 400);
	}
	/* Move every fifth to a new time and cancel every seventh: the heap must follow. */
	many_expected = 0;
	for (int i = 0; i < MANY; i++) {
		if (i % 5 == 0) {
			rng = rng * 1103515245u + 12345u;
			loop_timer_arm(&loop, &many[i].timer, (rng >> 8) % 400);
		}
		if (i % 7 == 0)
			loop_timer_cancel(&loop, &many[i].timer);
		else
			many_expected++;
		many[i].due = many[i].timer.due_ms;
	}
	many_fired = many_out_of_order = many_early = 0;
	many_last_due = 0;
	bool done = run_for(10000);
	int wrong = 0;
	for (int i = 0; i < MANY; i++)
		wrong += many[i].fired != (i % 7 ? 1 : 0);
	CHECK(done && many_fired == many_expected && wrong == 0,
	      "10,000 timers: each armed one fires once, no cancelled one fires (%d fired, %d wrong)", many_fired, wrong);
	CHECK(many_out_of_order == 0 && many_early == 0, "10,000 timers: in due order, none early");
	CHECK(now_ms() - start < 400 + LATE_OK_MS, "10,000 timers: done within %d ms of the last due time", LATE_OK_MS);
}

/* ---- file descriptors ---- */

struct counted_io {
	struct loop_io io;
	int calls;
	unsigned last_events;
	char data[16];
	int stop_after;
};

static void on_counted(struct loop *l, struct loop_io *io, unsigned events)
{
	struct counted_io *c = io->arg;
	c->calls++;
	c->last_events = events;
	if (events & LOOP_READ) {
		ssize_t n = read(io->fd, c->data, sizeof(c->data) - 1);
		c->data[n > 0 ? n : 0] = '\0';
	}
	if (c->calls == c->stop_after)
		loop_break(l);
}

static void test_fd_readiness(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv);
	struct counted_io r = { .stop_after = 1 };
	loop_io_init(&r.io, sv[0], on_counted, &r);
	int rc = loop_io_watch(&loop, &r.io, LOOP_READ);
	CHECK(rc == 0, "fd: watch for reading");
	bool wrote = write(sv[1], "hello", 5) == 5;
	CHECK(wrote, "fd: write to the peer");
	bool done = run_for(5000);
	CHECK(done && r.calls == 1 && r.last_events == LOOP_READ && strcmp(r.data, "hello") == 0,
	      "fd: readable reported with LOOP_READ and the data is there (%d calls, events %#x, '%s')", r.calls, r.last_events, r.data);

	/* Nothing written: the read watcher stays quiet until the guard. */
	r.calls = 0;
	done = run_for(100);
	CHECK(!done && r.calls == 0, "fd: no callback while nothing is readable");

	struct counted_io w = { .stop_after = 1 };
	loop_io_init(&w.io, sv[1], on_counted, &w);
	loop_io_watch(&loop, &w.io, LOOP_WRITE);
	done = run_for(5000);
	CHECK(done && w.calls == 1 && w.last_events == LOOP_WRITE, "fd: writable reported with LOOP_WRITE");

	/* Narrowed to reading only: the always-writable socket stops calling back. */
	loop_io_watch(&loop, &w.io, LOOP_READ);
	w.calls = 0;
	done = run_for(100);
	CHECK(!done && w.calls == 0 && w.io.events == LOOP_READ, "fd: interest changed from write to read");

	loop_io_stop(&loop, &w.io);
	CHECK(w.io.events == 0, "fd: stopped watcher shows no interest");
	close(sv[1]);
	r.calls = 0;
	r.stop_after = 1;
	done = run_for(5000);
	CHECK(done && r.calls == 1 && (r.last_events & LOOP_READ) && r.data[0] == '\0',
	      "fd: peer closing shows as readable with EOF");
	loop_io_stop(&loop, &r.io);
	close(sv[0]);
}

/* Two fds ready in the same batch: the first callback frees both watchers. */
struct pair_io {
	struct loop_io io;
	struct pair_io *other;
	int *calls;
};

static void on_pair(struct loop *l, struct loop_io *io, unsigned events)
{
	(void)events;
	struct pair_io *p = io->arg;
	(*p->calls)++;
	loop_io_stop(l, &p->other->io);
	free(p->other);
	loop_io_stop(l, io);
	free(p);
}

static void on_self_stop(struct loop *l, struct loop_io *io, unsigned events)
{
	(void)events;
	int *calls = io->arg;
	(*calls)++;
	loop_io_stop(l, io);
}

/* The first callback of a batch narrows the second watcher to reading only. */
static struct counted_io narrowed;

static void on_narrow_other(struct loop *l, struct loop_io *io, unsigned events)
{
	(void)events;
	loop_io_watch(l, &narrowed.io, LOOP_READ);
	loop_io_stop(l, io);
}

static void test_narrow_in_callback(void)
{
	int a[2], b[2];
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, a);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, b);
	struct loop_io first;
	memset(&narrowed, 0, sizeof(narrowed));
	loop_io_init(&first, a[0], on_narrow_other, NULL);
	loop_io_init(&narrowed.io, b[0], on_counted, &narrowed);
	/* Watched in this order, both writable: epoll reports them in one batch. */
	loop_io_watch(&loop, &first, LOOP_WRITE);
	loop_io_watch(&loop, &narrowed.io, LOOP_WRITE);
	run_for(100);
	CHECK(narrowed.calls == 0, "fd: interest narrowed by an earlier callback of the batch is respected (%d calls)",
	      narrowed.calls);
	loop_io_stop(&loop, &narrowed.io);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
}

static void test_remove_in_callback(void)
{
	int a[2], b[2];
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, a);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, b);
	int calls = 0;
	struct pair_io *pa = calloc(1, sizeof(*pa)), *pb = calloc(1, sizeof(*pb));
	pa->other = pb;
	pb->other = pa;
	pa->calls = pb->calls = &calls;
	loop_io_init(&pa->io, a[0], on_pair, pa);
	loop_io_init(&pb->io, b[0], on_pair, pb);
	loop_io_watch(&loop, &pa->io, LOOP_READ);
	loop_io_watch(&loop, &pb->io, LOOP_READ);
	bool wrote = write(a[1], "1", 1) == 1 && write(b[1], "2", 1) == 1;
	CHECK(wrote, "remove: both fds made readable");
	run_for(200);
	CHECK(calls == 1, "remove: a watcher freed by another callback in the same batch is not called (%d calls)", calls);

	int self_calls = 0;
	struct loop_io self;
	loop_io_init(&self, a[0], on_self_stop, &self_calls);
	loop_io_watch(&loop, &self, LOOP_READ);
	run_for(200);
	CHECK(self_calls == 1 && self.events == 0,
	      "remove: a watcher that stops itself is called once although its fd stays readable");
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
}

/* ---- child processes ---- */

struct finished {
	struct loop_child child;
	int calls;
	int status;
	uint64_t started, took;
	bool stop;
};

static int children_running;

static void on_child_done(struct loop *l, struct loop_child *child, int status)
{
	struct finished *f = child->arg;
	f->calls++;
	f->status = status;
	f->took = now_ms() - f->started;
	if (--children_running == 0)
		loop_break(l);
}

static void spawn(struct finished *f, char **argv, uint64_t timeout_ms, uid_t uid, gid_t gid)
{
	memset(f, 0, sizeof(*f));
	f->started = now_ms();
	if (loop_spawn(&loop, &f->child, argv, timeout_ms, uid, gid, on_child_done, f) == 0)
		children_running++;
	else
		f->status = -1;
}

static bool exited(const struct finished *f, int code)
{
	return f->calls == 1 && WIFEXITED(f->status) && WEXITSTATUS(f->status) == code;
}

/* ---- signals ---- */

static int signals_seen[LOOP_MAX_SIGNAL];

static void on_signal(struct loop *l, int signo, void *arg)
{
	signals_seen[signo]++;
	if (arg)
		loop_break(l);
}

static void on_raise(struct loop *l, struct loop_timer *t)
{
	(void)l;
	kill(getpid(), SIGHUP);
	kill(getpid(), (int)(intptr_t)t->arg);
}

static void test_signals(void)
{
	static int stop = 1;
	int rc_hup = loop_signal(&loop, SIGHUP, on_signal, NULL);
	int rc_term = loop_signal(&loop, SIGTERM, on_signal, &stop);
	int rc_kill = loop_signal(&loop, SIGKILL, on_signal, NULL);
	CHECK(rc_hup == 0 && rc_term == 0, "signal: catch SIGHUP and SIGTERM");
	CHECK(rc_kill == -1, "signal: SIGKILL cannot be caught");
	struct loop_timer t;
	loop_timer_init(&t, on_raise, (void *)(intptr_t)SIGTERM);
	loop_timer_arm(&loop, &t, 10);
	bool done = run_for(5000);
	CHECK(done && signals_seen[SIGHUP] == 1 && signals_seen[SIGTERM] == 1,
	      "signal: SIGHUP and SIGTERM arrive as callbacks, SIGTERM's breaks the loop");

	/* Sent by another process: kill(1) run through loop_spawn; SIGINT is
	 * pending before the kill process exits, so it is read before SIGCHLD. */
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	char *argv[] = { "kill", "-INT", pid, NULL };
	loop_signal(&loop, SIGINT, on_signal, NULL);
	struct finished fk;
	children_running = 0;
	spawn(&fk, argv, 5000, (uid_t)-1, (gid_t)-1);
	done = run_for(5000);
	CHECK(done && exited(&fk, 0) && signals_seen[SIGINT] == 1, "signal: SIGINT from another process arrives");
	int rc = loop_signal(&loop, SIGHUP, NULL, NULL);
	CHECK(rc == 0, "signal: SIGHUP given back");
}

static void test_spawn(void)
{
	char *t[] = { "/bin/true", NULL };
	char *f[] = { "/bin/false", NULL };
	char *missing[] = { "/nonexistent/lvsbox-test", NULL };
	char *path[] = { "true", NULL };
	struct finished ft, ff, fm, fp;
	children_running = 0;
	spawn(&ft, t, 5000, (uid_t)-1, (gid_t)-1);
	spawn(&ff, f, 5000, (uid_t)-1, (gid_t)-1);
	spawn(&fm, missing, 5000, (uid_t)-1, (gid_t)-1);
	spawn(&fp, path, 0, (uid_t)-1, (gid_t)-1);
	bool done = run_for(5000);
	CHECK(done, "spawn: four children reaped");
	CHECK(exited(&ft, 0) && !ft.child.timed_out && ft.child.pid == 0, "spawn: /bin/true exits 0, done called once");
	CHECK(exited(&ff, 1), "spawn: /bin/false exits 1 (status %#x)", ff.status);
	CHECK(exited(&fm, 127), "spawn: a program that cannot be run exits 127 (status %#x)", fm.status);
	CHECK(exited(&fp, 0), "spawn: argv[0] without a slash is searched in PATH");
	bool none_left = waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
	CHECK(none_left, "spawn: no child left unreaped");
}

static void test_spawn_timeout(void)
{
	char *sleeper[] = { "sleep", "5", NULL };
	struct finished fs;
	children_running = 0;
	spawn(&fs, sleeper, 200, (uid_t)-1, (gid_t)-1);
	pid_t pid = fs.child.pid;
	bool done = run_for(6000);
	CHECK(done && fs.calls == 1 && WIFSIGNALED(fs.status) && WTERMSIG(fs.status) == SIGTERM && fs.child.timed_out,
	      "timeout: 'sleep 5' with a 200 ms timeout is terminated (status %#x)", fs.status);
	CHECK(fs.took + 1 >= 200 && fs.took < 200 + LATE_OK_MS, "timeout: killed after ~200 ms (%llu ms)",
	      (unsigned long long)fs.took);
	bool reaped = waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD;
	CHECK(reaped, "timeout: the killed child was reaped");

	/* Ignores SIGTERM: SIGKILL follows after the grace period, for the whole group. */
	char *stubborn[] = { "sh", "-c", "trap '' TERM; sleep 5; sleep 5", NULL };
	loop.kill_grace_ms = 300;
	spawn(&fs, stubborn, 200, (uid_t)-1, (gid_t)-1);
	done = run_for(8000);
	CHECK(done && fs.calls == 1 && WIFSIGNALED(fs.status) && WTERMSIG(fs.status) == SIGKILL,
	      "timeout: a child ignoring SIGTERM gets SIGKILL (status %#x)", fs.status);
	CHECK(fs.took + 1 >= 500 && fs.took < 500 + LATE_OK_MS, "timeout: SIGKILL after timeout + grace, ~500 ms (%llu ms)",
	      (unsigned long long)fs.took);
	loop.kill_grace_ms = LOOP_KILL_GRACE_MS;
}

/* A script's own child is in the group and goes with it. */
static void test_spawn_group(void)
{
	char pidfile[] = "/tmp/lvsbox-test-loop-XXXXXX";
	int fd = mkstemp(pidfile);
	close(fd);
	char script[256];
	snprintf(script, sizeof(script), "sleep 7 & echo $! > %s; wait", pidfile);
	char *argv[] = { "sh", "-c", script, NULL };
	struct finished fs;
	children_running = 0;
	spawn(&fs, argv, 300, (uid_t)-1, (gid_t)-1);
	bool done = run_for(6000);
	FILE *f = fopen(pidfile, "r");
	int grandchild = 0;
	if (f) {
		if (fscanf(f, "%d", &grandchild) != 1)
			grandchild = 0;
		fclose(f);
	}
	unlink(pidfile);
	/* Gone, or a zombie waiting for init: either way no longer running. */
	bool gone = false;
	for (int i = 0; i < 50 && grandchild > 0 && !gone; i++) {
		char stat_path[64], stat[256] = "";
		snprintf(stat_path, sizeof(stat_path), "/proc/%d/stat", grandchild);
		FILE *s = fopen(stat_path, "r");
		if (!s) {
			gone = true;
			break;
		}
		size_t n = fread(stat, 1, sizeof(stat) - 1, s);
		stat[n] = '\0';
		fclose(s);
		char *state = strrchr(stat, ')');
		gone = state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X');
		if (!gone)
			usleep(20000);
	}
	CHECK(done && grandchild > 0 && gone, "timeout: the script's background child is killed with it (pid %d)",
	      grandchild);
}

static void test_spawn_env(void)
{
	/* Blocked and ignored signals of the daemon must not leak into scripts. */
	signal(SIGPIPE, SIG_IGN);
	gid_t extra[] = { 0, 100 };
	setgroups(2, extra);   /* so a child that kept ours would show them */
	/* grep reads its own status; no shell in between, shells reset masks. */
	char *unblocked[] = { "grep", "-q", "^SigBlk:[[:space:]]*0*$", "/proc/self/status", NULL };
	char *unignored[] = { "grep", "-q", "^SigIgn:[[:space:]]*0*$", "/proc/self/status", NULL };
	char *as_nobody[] = { "sh", "-c", "test \"$(id -u)\" = 65534 && test \"$(id -g)\" = 65534 && "
		"test \"$(id -G)\" = 65534", NULL };
	struct finished fb, fi, fn;
	children_running = 0;
	spawn(&fb, unblocked, 5000, (uid_t)-1, (gid_t)-1);
	spawn(&fi, unignored, 5000, (uid_t)-1, (gid_t)-1);
	spawn(&fn, as_nobody, 5000, 65534, 65534);
	bool done = run_for(6000);
	signal(SIGPIPE, SIG_DFL);
	CHECK(done && exited(&fb, 0), "spawn: the child starts with no blocked signals (status %#x)", fb.status);
	CHECK(done && exited(&fi, 0), "spawn: the child starts with no ignored signals (status %#x)", fi.status);
	CHECK(done && exited(&fn, 0), "spawn: uid and gid 65534 are set, supplementary groups dropped (status %#x; needs root)",
	      fn.status);
}

/*
 * Whatever the daemon's own state (environment with LD_PRELOAD, cwd, umask,
 * open descriptors, supplementary groups), a child starts from the same
 * clean one; each check runs a program that reads its own /proc entries.
 */
static void test_spawn_clean(void)
{
	int leak[2];
	bool piped = pipe(leak) == 0;   /* not close-on-exec, as lvsd's event channel */
	char leak_check[256];
	snprintf(leak_check, sizeof(leak_check),
		 "for f in 0 1 2; do test \"$(readlink /proc/$$/fd/$f)\" = /dev/null || exit 1; done; "
		 "test ! -e /proc/$$/fd/%d && test ! -e /proc/$$/fd/%d", leak[0], leak[1]);
	/* /proc/PID/environ is what exec gave the shell, not what it adds itself. */
	char *same_env[] = { "sh", "-c", "test \"$(tr '\\0' '\\n' </proc/$$/environ)\" = 'PATH=" LOOP_CHILD_PATH "'",
			     NULL };
	char *at_root[] = { "test", "/proc/self/cwd", "-ef", "/", NULL };
	char *umasked[] = { "grep", "-q", "^Umask:[[:space:]]*0177$", "/proc/self/status", NULL };
	char *no_fds[] = { "sh", "-c", leak_check, NULL };
	/* The user's primary group is ours (gid stays -1): only it is left. */
	char *groups[] = { "sh", "-c", "test \"$(id -u)\" = 65534 && test \"$(id -G)\" = \"$(id -g)\"", NULL };
	gid_t extra[] = { 0, 100 };
	setgroups(2, extra);
	setenv("LD_PRELOAD", "/nonexistent/lvsbox-preload.so", 1);
	setenv("LVSBOX_TEST_LEAK", "1", 1);
	mode_t mask = umask(0);
	bool moved = chdir("/tmp") == 0;

	struct finished fe, fc, fu, fd_, fg;
	children_running = 0;
	spawn(&fe, same_env, 5000, (uid_t)-1, (gid_t)-1);
	spawn(&fc, at_root, 5000, (uid_t)-1, (gid_t)-1);
	spawn(&fu, umasked, 5000, (uid_t)-1, (gid_t)-1);
	spawn(&fd_, no_fds, 5000, (uid_t)-1, (gid_t)-1);
	spawn(&fg, groups, 5000, 65534, (gid_t)-1);
	bool done = run_for(6000);

	if (chdir("/") != 0)
		moved = false;
	umask(mask);
	unsetenv("LD_PRELOAD");
	unsetenv("LVSBOX_TEST_LEAK");
	if (piped) {
		close(leak[0]);
		close(leak[1]);
	}
	CHECK(done && exited(&fe, 0), "spawn: the environment is PATH=" LOOP_CHILD_PATH
	      " alone, no LD_PRELOAD (status %#x)", fe.status);
	CHECK(moved && done && exited(&fc, 0), "spawn: the child starts in / (status %#x)", fc.status);
	CHECK(done && exited(&fu, 0), "spawn: the child's umask is 0177 (status %#x)", fu.status);
	CHECK(piped && done && exited(&fd_, 0),
	      "spawn: stdin, stdout, stderr are /dev/null, an inherited descriptor is closed (status %#x)",
	      fd_.status);
	CHECK(done && exited(&fg, 0),
	      "spawn: uid 65534 with our gid keeps no other supplementary group (status %#x; needs root)",
	      fg.status);
}

int main(void)
{
	if (loop_init(&loop) != 0) {
		CHECK(0, "loop_init");
		return 1;
	}
	test_timer_order();
	test_timer_fifo();
	test_timer_cancel();
	test_timer_rearm();
	test_timer_no_starvation();
	test_many_timers();
	test_fd_readiness();
	test_narrow_in_callback();
	test_remove_in_callback();
	test_spawn();
	test_spawn_timeout();
	test_spawn_group();
	test_spawn_env();
	test_spawn_clean();
	test_signals();
	loop_done(&loop);
	return unit_exit();
}
