/*
 * check_tcp.c - TCP_CHECK: the real server is up when a TCP connection to
 * it completes within connect_timeout. Nothing is sent, and the connection
 * is reset rather than closed: an orderly close costs two more segments
 * each way and leaves the checker a TIME_WAIT socket per check for a
 * minute (300,000 of them at 30,000 servers every 6 s).
 */
#include "check_int.h"

#include <string.h>
#include <sys/socket.h>

static void on_connected(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)loop;
	(void)events;
	struct check_attempt *a = io->arg;
	int e = check_socket_error(a->fd);
	if (e) {
		check_finish(a, false, "connect: %s", strerror(e));
		return;
	}
	const struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(a->fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
	check_succeed(a);
}

static void tcp_start(struct check_attempt *a)
{
	check_connect(a, SOCK_STREAM, 0, on_connected);
}

const struct check_ops check_tcp_ops = {
	.attempt_size = sizeof(struct check_attempt),
	.start = tcp_start,
};
