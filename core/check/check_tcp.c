/*
 * check_tcp.c - TCP_CHECK: the real server is up when it answers our SYN
 * (the TCP handshake completes) within connect_timeout. Nothing is sent.
 *
 * Most checks send the SYN on a raw socket shared by all of them
 * (check_syn.c). Checks bound to an address, port or interface, or marked,
 * and all checks when no raw socket can be had, connect() a socket of their
 * own. That connection is reset rather than closed: an orderly close costs
 * two more segments each way and leaves the checker a TIME_WAIT socket per
 * check for a minute (300,000 of them at 30,000 servers every 6 s).
 */
#include "check_int.h"

#include <string.h>
#include <sys/socket.h>

struct tcp_attempt {
	struct check_attempt base;
	struct check_syn_wait syn;
};

static void on_connected(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)loop;
	struct check_attempt *a = io->arg;
	/* writable without an error or hang-up: the connection is up */
	if (events & LOOP_ERROR) {
		int e = check_socket_error(a->fd);
		if (e) {
			check_finish(a, false, "connect: %s", strerror(e));
			return;
		}
	}
	const struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(a->fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
	check_succeed(a);
}

static void tcp_start(struct check_attempt *a)
{
	struct tcp_attempt *t = (struct tcp_attempt *)a;
	if (check_syn_start(a, &t->syn) < 0)
		check_connect(a, SOCK_STREAM, 0, on_connected);
}

static void tcp_cleanup(struct check_attempt *a)
{
	check_syn_cancel(a, &((struct tcp_attempt *)a)->syn);
}

const struct check_ops check_tcp_ops = {
	.attempt_size = sizeof(struct tcp_attempt),
	.start = tcp_start,
	.cleanup = tcp_cleanup,
};
