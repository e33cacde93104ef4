/*
 * check_ping.c - PING_CHECK: one ICMP (or ICMPv6) echo request; the server
 * is up when the matching echo reply arrives within connect_timeout.
 *
 * An unprivileged ICMP datagram socket is used where the system allows it
 * (net.ipv4.ping_group_range); the kernel then assigns the identifier,
 * fills the checksum and hands us only our replies. Otherwise a raw socket
 * (root): then every ICMP message on the host arrives and the reply is
 * matched by identifier and sequence; IPv4 raw reads include the IP header.
 */
#include "check_int.h"
#include "check_reply.h"
#include "inet_csum.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PING_MAX_OTHER 64       /* foreign ICMP messages read before giving up */

struct ping_attempt {
	struct check_attempt base;
	bool raw;
	uint16_t ident, seq;
	unsigned other;
};

static void on_readable(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)loop;
	(void)events;
	struct ping_attempt *pa = io->arg;
	struct check_attempt *a = &pa->base;
	bool v6 = a->probe->target.sa.sa_family == AF_INET6;
	unsigned char buf[1500];
	for (int round = 0; round < 8; round++) {
		ssize_t n = recv(a->fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				check_finish(a, false, "ping: %s", strerror(errno));
			return;
		}
		if (ping_reply_matches(buf, (size_t)n, v6, pa->raw, pa->ident, pa->seq)) {
			check_succeed(a);
			return;
		}
		if (++pa->other > PING_MAX_OTHER) {
			check_finish(a, false, "ping: too many unrelated ICMP messages");
			return;
		}
	}
}

static void ping_start(struct check_attempt *a)
{
	struct ping_attempt *pa = (struct ping_attempt *)a;
	const struct check_params *p = a->probe->params;
	const union check_addr *target = &a->probe->target;
	bool v6 = target->sa.sa_family == AF_INET6;
	int proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int fd = socket(target->sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EPROTONOSUPPORT)) {
		fd = socket(target->sa.sa_family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
		pa->raw = true;
	}
	if (fd < 0) {
		check_finish(a, false, "ping socket: %s", strerror(errno));
		return;
	}
	a->fd = fd;
	loop_io_init(&a->io, fd, on_readable, a);
	if (p->fwmark)
		setsockopt(fd, SOL_SOCKET, SO_MARK, &p->fwmark, sizeof(p->fwmark));
	if (p->bind_if[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->bind_if, (socklen_t)strlen(p->bind_if)) < 0) {
		check_finish(a, false, "bind_if %s: %s", p->bind_if, strerror(errno));
		return;
	}
	if (p->bind.sa.sa_family) {
		union check_addr b = p->bind;
		b.sin.sin_port = 0;     /* same offset in sockaddr_in6 */
		if (bind(fd, &b.sa, v6 ? sizeof(b.sin6) : sizeof(b.sin)) < 0) {
			check_finish(a, false, "bindto: %s", strerror(errno));
			return;
		}
	}
	union check_addr to = *target;
	to.sin.sin_port = 0;
	socklen_t tolen = v6 ? sizeof(to.sin6) : sizeof(to.sin);
	/* connect filters replies from other hosts on both socket kinds */
	if (connect(fd, &to.sa, tolen) < 0) {
		check_finish(a, false, "ping connect: %s", strerror(errno));
		return;
	}
	static uint16_t next_seq;
	pa->seq = ++next_seq;
	pa->ident = (uint16_t)getpid();
	unsigned char pkt[16] = { v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO, 0, 0, 0,
		(unsigned char)(pa->ident >> 8), (unsigned char)pa->ident,
		(unsigned char)(pa->seq >> 8), (unsigned char)pa->seq, 'l', 'v', 's', 'b', 'o', 'x', 0, 0 };
	if (!v6 && pa->raw) {
		uint16_t sum = (uint16_t)~inet_csum_fold(inet_csum_add(0, pkt, sizeof(pkt)));
		pkt[2] = (unsigned char)(sum >> 8);
		pkt[3] = (unsigned char)sum;
	}
	if (send(fd, pkt, sizeof(pkt), 0) < 0) {
		check_finish(a, false, "ping send: %s", strerror(errno));
		return;
	}
	a->phase = "echo reply";
	loop_io_watch(a->probe->ctx->loop, &a->io, LOOP_READ);
}

const struct check_ops check_ping_ops = {
	.attempt_size = sizeof(struct ping_attempt),
	.start = ping_start,
};
