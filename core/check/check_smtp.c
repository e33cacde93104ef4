/*
 * check_smtp.c - SMTP_CHECK: connect, expect the 220 greeting, send HELO,
 * expect 250, then QUIT. Replies are read line by line into a bounded
 * buffer; multi-line replies ("250-...") are followed to their last line.
 */
#include "check_int.h"
#include "check_reply.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum smtp_step { SM_CONNECT, SM_GREETING, SM_HELO_SENT, SM_QUIT };

struct smtp_attempt {
	struct check_attempt base;
	int step;
	char out[300];
	size_t out_len, out_sent;
	struct smtp_reply reply;
};

static void on_io(struct loop *loop, struct loop_io *io, unsigned events);

static void send_line(struct smtp_attempt *s, const char *text)
{
	int n = snprintf(s->out, sizeof(s->out), "%s\r\n", text);
	s->out_len = n > 0 && (size_t)n < sizeof(s->out) ? (size_t)n : 0;
	s->out_sent = 0;
	loop_io_watch(s->base.probe->ctx->loop, &s->base.io, LOOP_WRITE);
}

static void got_reply(struct smtp_attempt *s, int code)
{
	struct check_attempt *a = &s->base;
	if (s->step == SM_GREETING) {
		if (code != 220) {
			check_finish(a, false, "SMTP greeting %d, expected 220", code);
			return;
		}
		char helo[280];
		snprintf(helo, sizeof(helo), "HELO %s", a->probe->params->smtp->helo_name);
		s->step = SM_HELO_SENT;
		a->phase = "HELO";
		send_line(s, helo);
		return;
	}
	if (code != 250) {
		check_finish(a, false, "SMTP HELO answered %d, expected 250", code);
		return;
	}
	/* Polite end; the verdict does not wait for the 221. */
	s->step = SM_QUIT;
	send_line(s, "QUIT");
}

static void on_io(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)events;
	struct smtp_attempt *s = io->arg;
	struct check_attempt *a = &s->base;
	if (s->step == SM_CONNECT) {
		int e = check_socket_error(a->fd);
		if (e) {
			check_finish(a, false, "connect: %s", strerror(e));
			return;
		}
		s->step = SM_GREETING;
		a->phase = "SMTP greeting";
		loop_io_watch(loop, io, LOOP_READ);
		return;
	}
	if (io->events & LOOP_WRITE) {
		ssize_t n = send(a->fd, s->out + s->out_sent, s->out_len - s->out_sent, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			check_finish(a, false, "SMTP send: %s", strerror(errno));
			return;
		}
		if (n > 0)
			s->out_sent += (size_t)n;
		if (s->out_sent < s->out_len)
			return;
		if (s->step == SM_QUIT) {
			check_succeed(a);
			return;
		}
		loop_io_watch(loop, io, LOOP_READ);
		return;
	}
	char buf[512];
	ssize_t n = read(a->fd, buf, sizeof(buf));
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			check_finish(a, false, "SMTP read: %s", strerror(errno));
		return;
	}
	if (n == 0) {
		check_finish(a, false, "connection closed by the SMTP server");
		return;
	}
	int code = 0;
	switch (smtp_reply_feed(&s->reply, buf, (size_t)n, &code)) {
	case SMTP_READ_MORE:
		return;
	case SMTP_LINE_TOO_LONG:
		check_finish(a, false, "SMTP reply line longer than %d bytes", SMTP_MAX_LINE);
		return;
	case SMTP_MALFORMED:
		check_finish(a, false, "malformed SMTP reply");
		return;
	case SMTP_REPLY:
		/* anything pipelined after a complete reply is a protocol error we ignore */
		got_reply(s, code);
		return;
	}
}

static void smtp_start(struct check_attempt *a)
{
	check_connect(a, SOCK_STREAM, 0, on_io);
}

const struct check_ops check_smtp_ops = {
	.attempt_size = sizeof(struct smtp_attempt),
	.start = smtp_start,
};
