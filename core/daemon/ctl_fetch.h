/*
 * ctl_fetch.h - asking another daemon's control socket from inside the
 * event loop, without blocking it: lvsd collects its children's metrics
 * and status this way. The request is "sized COMMAND" (ctl.h); the reply
 * counts only when it arrived whole, as announced, within the deadline.
 */
#ifndef LVSBOX_CTL_FETCH_H
#define LVSBOX_CTL_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include "loop.h"
#include "strbuf.h"

struct ctl_fetch;
/* ok: text (len bytes, NUL-terminated) is the daemon's whole reply. */
typedef void ctl_fetch_fn(struct ctl_fetch *f, bool ok, const char *text, size_t len);

struct ctl_fetch {
	struct loop *loop;
	struct loop_io io;
	struct loop_timer deadline;
	char request[128];
	size_t request_len, request_sent;
	struct strbuf in;
	ctl_fetch_fn *done;
	void *arg;
	bool busy;
};

/* Starts one request; false (done not called) when one is under way or
 * the socket cannot be reached now. in.max bounds the reply: max bytes. */
bool ctl_fetch_start(struct ctl_fetch *f, struct loop *loop, const char *path, const char *command,
		     size_t max, unsigned timeout_ms, ctl_fetch_fn *done, void *arg);
/* Drops a request under way (done not called) and frees the buffer. */
void ctl_fetch_cancel(struct ctl_fetch *f);

#endif
