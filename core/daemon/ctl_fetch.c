/*
 * ctl_fetch.c - a control-socket request on the event loop (see ctl_fetch.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "ctl.h"
#include "ctl_fetch.h"

static void finish(struct ctl_fetch *f, bool ok, const char *text, size_t len)
{
	loop_io_stop(f->loop, &f->io);
	loop_timer_cancel(f->loop, &f->deadline);
	close(f->io.fd);
	f->busy = false;
	if (f->done)
		f->done(f, ok, text, len);
	strbuf_reset(&f->in);
}

/* "LENGTH\n" then exactly LENGTH bytes. */
static void judge(struct ctl_fetch *f)
{
	char *lf = f->in.data ? memchr(f->in.data, '\n', f->in.len) : NULL;
	char *end;

	if (!lf || f->in.oom) {
		finish(f, false, NULL, 0);
		return;
	}
	errno = 0;
	unsigned long long n = strtoull(f->in.data, &end, 10);
	size_t body = f->in.len - (size_t)(lf + 1 - f->in.data);
	if (end != lf || end == f->in.data || errno || n != body) {
		finish(f, false, NULL, 0);
		return;
	}
	finish(f, true, lf + 1, body);
}

static void on_io(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct ctl_fetch *f = io->arg;
	char buf[16384];
	(void)events;

	while (f->request_sent < f->request_len) {
		ssize_t n = send(io->fd, f->request + f->request_sent, f->request_len - f->request_sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			finish(f, false, NULL, 0);
			return;
		}
		f->request_sent += (size_t)n;
		if (f->request_sent == f->request_len)
			loop_io_watch(loop, io, LOOP_READ);
	}
	for (;;) {
		ssize_t n = recv(io->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			if (n == 0)
				judge(f);
			else
				finish(f, false, NULL, 0);
			return;
		}
		strbuf_append(&f->in, buf, (size_t)n);
		if (f->in.oom) {
			finish(f, false, NULL, 0);
			return;
		}
	}
}

static void on_deadline(struct loop *loop, struct loop_timer *timer)
{
	(void)loop;
	finish(timer->arg, false, NULL, 0);
}

bool ctl_fetch_start(struct ctl_fetch *f, struct loop *loop, const char *path, const char *command,
		     size_t max, unsigned timeout_ms, ctl_fetch_fn *done, void *arg)
{
	struct sockaddr_un sa;

	if (f->busy || ctl_unix_addr(&sa, path) != 0)
		return false;
	int len = snprintf(f->request, sizeof(f->request), "%s%s\n", CTL_SIZED, command);
	if (len < 0 || (size_t)len >= sizeof(f->request))
		return false;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS && errno != EAGAIN) {
		close(fd);
		return false;
	}
	f->loop = loop;
	f->request_len = (size_t)len;
	f->request_sent = 0;
	f->done = done;
	f->arg = arg;
	strbuf_reset(&f->in);
	f->in.max = max;
	loop_io_init(&f->io, fd, on_io, f);
	loop_timer_init(&f->deadline, on_deadline, f);
	if (loop_io_watch(loop, &f->io, LOOP_WRITE) != 0) {
		close(fd);
		return false;
	}
	loop_timer_arm(loop, &f->deadline, timeout_ms);
	f->busy = true;
	return true;
}

void ctl_fetch_cancel(struct ctl_fetch *f)
{
	if (f->busy) {
		loop_io_stop(f->loop, &f->io);
		loop_timer_cancel(f->loop, &f->deadline);
		close(f->io.fd);
		f->busy = false;
	}
	strbuf_free(&f->in);
}
