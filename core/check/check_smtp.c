/*
 * check_smtp.c - SMTP_CHECK: connect, expect the 220 greeting, send HELO,
 * expect 250, then QUIT. Replies are read line by line into a bounded
 * buffer; multi-line replies ("250-...") are followed to their last line.
 */
#include "check_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SMTP_MAX_LINE 512
#define SMTP_MAX_LINES 64       /* lines of one multi-line reply */

enum smtp_step { SM_CONNECT, SM_GREETING, SM_HELO_SENT, SM_QUIT };

struct smtp_attempt {
	struct check_attempt base;
	int step;
	char out[300];
	size_t out_len, out_sent;
	char line[SMTP_MAX_LINE];
	size_t line_len;
	unsigned lines;
};

static void on_io(struct loop *loop, struct loop_io *io, unsigned events);

static void send_line(struct smtp_attempt *s, const char *text)
{
	int n = snprintf(s->out, sizeof(s->out), "%s\r\n", text);
	s->out_len = n > 0 && (size_t)n < sizeof(s->out) ? (size_t)n : 0;
	s->out_sent = 0;
	loop_io_watch(s->base.probe->ctx->loop, &s->base.io, LOOP_WRITE);
}

/* One complete reply line: 0 to read on, 1 when the reply is complete with code *code. */
static int reply_line(struct smtp_attempt *s, int *code)
{
	const char *l = s->line;
	if (s->line_len < 3 || l[0] < '1' || l[0] > '5' || l[1] < '0' || l[1] > '9' || l[2] < '0' || l[2] > '9')
		return -1;
	if (l[3] == '-')
		return ++s->lines > SMTP_MAX_LINES ? -1 : 0;
	*code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	s->lines = 0;
	return 1;
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
		snprintf(helo, sizeof(helo), "HELO %s", a->probe->params.smtp->helo_name);
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
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (s->line_len + 1 >= sizeof(s->line)) {
				check_finish(a, false, "SMTP reply line longer than %d bytes", SMTP_MAX_LINE);
				return;
			}
			s->line[s->line_len++] = buf[i];
			continue;
		}
		if (s->line_len && s->line[s->line_len - 1] == '\r')
			s->line_len--;
		s->line[s->line_len] = '\0';
		int code = 0, r = reply_line(s, &code);
		s->line_len = 0;
		if (r < 0) {
			check_finish(a, false, "malformed SMTP reply");
			return;
		}
		if (r == 1) {
			/* anything pipelined after a complete reply is a protocol error we ignore */
			got_reply(s, code);
			return;
		}
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
