/*
 * check_udp.c - UDP_CHECK: sends the payload (random bytes when none is
 * configured) on a connected UDP socket. With require_reply the server is
 * up when a reply of an acceptable length (and matching the reply pattern,
 * if one is set) arrives in time; without it, when no ICMP error (port or
 * host unreachable, reported by the kernel on the connected socket) comes
 * back before connect_timeout.
 */
#include "check_int.h"
#include "check_reply.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_readable(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)loop;
	(void)events;
	struct check_attempt *a = io->arg;
	const struct check_udp *u = a->probe->params->udp;
	unsigned char buf[CHECK_MAX_UDP_PAYLOAD + 1];
	ssize_t n = recv(a->fd, buf, sizeof(buf), MSG_TRUNC);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		check_finish(a, false, "UDP: %s", strerror(errno));
		return;
	}
	if (!u->require_reply) {
		check_succeed(a);
		return;
	}
	size_t at = 0;
	switch (udp_reply_check(u, buf, (size_t)n, &at)) {
	case UDP_REPLY_OK:
		break;
	case UDP_REPLY_LENGTH:
		check_finish(a, false, "UDP reply of %zd bytes, expected %u..%u", n, u->min_reply_length, u->max_reply_length);
		return;
	case UDP_REPLY_DIFFERS:
		check_finish(a, false, "UDP reply differs from require_reply at byte %zu", at);
		return;
	}
	check_succeed(a);
}

static void on_writable(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)events;
	struct check_attempt *a = io->arg;
	const struct check_udp *u = a->probe->params->udp;
	unsigned char random_payload[8];
	const unsigned char *payload = u->payload;
	size_t len = u->payload_len;
	if (len == 0) {
		if (getrandom(random_payload, sizeof(random_payload), GRND_NONBLOCK) != (ssize_t)sizeof(random_payload))
			memset(random_payload, 0x5a, sizeof(random_payload));
		payload = random_payload;
		len = sizeof(random_payload);
	}
	if (send(a->fd, payload, len, 0) < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		check_finish(a, false, "UDP send: %s", strerror(errno));
		return;
	}
	a->phase = "reply";
	io->cb = on_readable;     /* same registration, new callback */
	loop_io_watch(loop, io, LOOP_READ);
}

static void udp_start(struct check_attempt *a)
{
	check_connect(a, SOCK_DGRAM, 0, on_writable);
}

/* Silence is success unless a reply is required. */
static void udp_timeout(struct check_attempt *a)
{
	if (a->probe->params->udp->require_reply || a->io.cb != on_readable)
		check_finish(a, false, "timed out after %u ms (%s)", a->deadline_ms,
			     a->io.cb == on_readable ? "no UDP reply" : "send");
	else
		check_succeed(a);
}

const struct check_ops check_udp_ops = {
	.attempt_size = sizeof(struct check_attempt),
	.start = udp_start,
	.timeout = udp_timeout,
};
