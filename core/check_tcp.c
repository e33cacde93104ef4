/*
 * check_tcp.c - TCP_CHECK: the real server is up when a TCP connection to
 * it completes within connect_timeout. Nothing is sent.
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
	if (e)
		check_finish(a, false, "connect: %s", strerror(e));
	else
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
