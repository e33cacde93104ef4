/*
 * supervise.h - a daemon's helper processes (lvsd's checkd and vrrpd): each
 * is our own binary run under the helper's applet name, restarted with
 * backoff when it dies, killed by the kernel when we die, and optionally
 * given a socketpair whose lines come back to the parent.
 */
#ifndef LVSBOX_SUPERVISE_H
#define LVSBOX_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "loop.h"

#define CHILD_BACKOFF_MIN_MS 500
#define CHILD_BACKOFF_MAX_MS 30000
#define CHILD_STABLE_MS 60000        /* a child that ran this long restarts without backoff */
#define EVENT_LINE_MAX 1024

/*
 * A child's channel cut into lines. What is read goes to the free room
 * at buf + len (sizeof(buf) - len bytes, never 0 between calls), then
 * line_reader_took hands each whole line to on_line without its newline.
 * A line that does not fit (EVENT_LINE_MAX bytes or more before its
 * newline) is dropped whole: nothing of it reaches on_line, its tail
 * included. Returns how many lines were dropped by this call's bytes.
 */
struct line_reader {
	char buf[EVENT_LINE_MAX];
	size_t len;
	bool skipping;               /* inside a dropped line, until its newline */
};
unsigned line_reader_took(struct line_reader *r, size_t n, void (*on_line)(char *line, void *arg), void *arg);

/* What every child of one daemon shares. */
struct supervisor {
	struct loop *loop;
	const char *self;            /* our own binary */
	const char *conf_path;       /* passed as -f */
	unsigned log_flags;          /* LOGF_CONSOLE, LOGF_DETAIL become -l, -D */
	const char *config_id;       /* passed as -i when set */
	bool no_respawn;             /* -R: a child that dies stays dead */
	bool stopping;               /* the daemon is on its way out: no restarts */
	/* A line from a child's channel, without its newline; NULL when one
	 * longer than EVENT_LINE_MAX was dropped. */
	void (*on_line)(char *line, void *arg);
	void *arg;
};

struct child {
	struct supervisor *sv;
	const char *name;            /* "checkd", "vrrpd" */
	bool wanted, events;         /* events: gets an -e FD socketpair */
	pid_t pid;
	int fd;                      /* our end of the socketpair, -1 */
	struct loop_io io;
	struct line_reader lines;
	struct loop_timer restart;
	unsigned backoff_ms;
	uint64_t started_ms;
	unsigned long starts;
};

void child_init(struct child *c, struct supervisor *sv, const char *name, bool events);
/* Wanted from now on: started now (unless running), restarted when it dies. */
void child_want(struct child *c);
/* Not wanted any more: SIGTERM, no restart. */
void child_stop(struct child *c);
/* After SIGCHLD: reaps it if it exited, and schedules its restart. */
void child_reap(struct child *c);
/* At the very end: one that did not stop in time is killed and waited for. */
void child_kill_left(struct child *c);

#endif
