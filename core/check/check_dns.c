/*
 * check_dns.c - DNS_CHECK: one query (type and name from the config, SOA
 * of the root by default) over UDP; the server is up when a well-formed
 * positive answer to that query arrives within connect_timeout. Datagrams
 * that are not the answer (another id, garbage) are counted and ignored,
 * as a resolver would; a bounded number of them ends the attempt.
 */
#include "check_int.h"
#include "dns_parse.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#define DNS_MAX_STRAY 16

struct dns_attempt {
	struct check_attempt base;
	uint16_t id;
	unsigned stray;
	char last_error[96];
};

static void on_readable(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)loop;
	(void)events;
	struct dns_attempt *d = io->arg;
	struct check_attempt *a = &d->base;
	unsigned char buf[4096];
	ssize_t n = recv(a->fd, buf, sizeof(buf), 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		check_finish(a, false, "DNS: %s", strerror(errno));
		return;
	}
	struct dns_reply r;
	switch (dns_check_verdict(buf, (size_t)n, d->id, &r)) {
	case DNS_REPLY_POSITIVE:
		check_succeed(a);
		return;
	case DNS_REPLY_NEGATIVE:
		check_finish(a, false, "%s", r.error);
		return;
	case DNS_REPLY_NOISE:
		break;
	}
	snprintf(d->last_error, sizeof(d->last_error), "%s", r.error);
	if (++d->stray >= DNS_MAX_STRAY)
		check_finish(a, false, "%u datagrams that are not the answer (last: %s)", d->stray, d->last_error);
}

static void on_writable(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)events;
	struct dns_attempt *d = io->arg;
	struct check_attempt *a = &d->base;
	const struct check_dns *q = a->probe->params->dns;
	unsigned char query[DNS_MAX_QUERY];
	if (getrandom(&d->id, sizeof(d->id), GRND_NONBLOCK) != (ssize_t)sizeof(d->id))
		d->id = (uint16_t)check_now_us();
	int len = dns_build_query(d->id, q->name, q->qtype, query, sizeof(query));
	if (len < 0) {
		check_finish(a, false, "DNS name %s cannot be encoded", q->name);
		return;
	}
	if (send(a->fd, query, (size_t)len, 0) < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		check_finish(a, false, "DNS send: %s", strerror(errno));
		return;
	}
	a->phase = "DNS reply";
	io->cb = on_readable;     /* same registration, new callback */
	loop_io_watch(loop, io, LOOP_READ);
}

static void dns_start(struct check_attempt *a)
{
	check_connect(a, SOCK_DGRAM, 0, on_writable);
}

const struct check_ops check_dns_ops = {
	.attempt_size = sizeof(struct dns_attempt),
	.start = dns_start,
};
