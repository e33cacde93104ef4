/*
 * nl_exchange.c - the request/answer loop every netlink client shares (see
 * nl_exchange.h), so the rules for trusting a reply live in one place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "nl_exchange.h"

/* Reads one datagram into x->rx_buf; the length, or -1 with errno set. */
static ssize_t receive(struct nl_exchange *x)
{
	int flags = (x->flags & NL_RECV_QUEUED) ? MSG_DONTWAIT : 0;
	size_t size = x->rx_size;
	struct iovec iov;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (x->flags & NL_RECV_EXACT) {
		ssize_t len = recv(x->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | flags);

		if (len < 0)
			return -1;
		if ((size_t)len > x->rx_size) {
			char *grown = realloc(x->rx_buf, (size_t)len);

			if (!grown) {
				errno = ENOMEM;
				return -1;
			}
			x->rx_buf = grown;
			x->rx_size = (size_t)len;
		}
		/* An empty datagram is no netlink message; read it to drop it. */
		size = len ? (size_t)len : 1;
	}
	iov.iov_base = x->rx_buf;
	iov.iov_len = size;
	n = recvmsg(x->fd, &msg, flags);
	if (n >= 0 && (msg.msg_flags & MSG_TRUNC)) {
		errno = ENOSPC;   /* a reply cut short cannot be trusted */
		return -1;
	}
	return n;
}

/* NLMSG_ERROR: 0 acknowledges, anything else is the kernel's refusal (as a
 * negative errno whatever sign it came with). 1 when too short to tell. */
static int error_code(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return 1;
	return err->error < 0 ? err->error : -err->error;
}

/* NLMSG_DONE ends a dump; a negative code in it says the dump failed. */
static int done_code(const struct nlmsghdr *nlh)
{
	int32_t code = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(code))
		memcpy(&code, mnl_nlmsg_get_payload(nlh), sizeof(code));
	return code < 0 ? code : 0;
}

static void hand_over(struct nl_exchange *x, struct nl_progress *p, const struct nlmsghdr *nlh)
{
	int rc;

	/* After a failure the rest is still read, to leave the socket clean
	 * for the next request, but no longer looked at. */
	if (!x->on_data || p->data_err)
		return;
	rc = x->on_data(nlh, x->arg);
	if (rc)
		p->data_err = rc < 0 ? rc : -EBADMSG;
}

int nl_replies_walk(struct nl_exchange *x, struct nl_progress *p, const void *buf, size_t n)
{
	const struct nlmsghdr *nlh = buf;
	int len = (int)n;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		int code;

		if (!mnl_nlmsg_portid_ok(nlh, x->portid))
			return -ESRCH;
		/* Unsigned differences: a range that wraps past 2^32 works too. */
		if (nlh->nlmsg_seq - p->first_seq > p->last_seq - p->first_seq)
			return -EPROTO;
		/* The dumped table changed under the dump: its result is inconsistent. */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			return -EINTR;
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
			hand_over(x, p, nlh);
			continue;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR)
			code = error_code(nlh);
		else if (nlh->nlmsg_type == NLMSG_DONE)
			code = done_code(nlh);
		else
			continue;   /* NLMSG_NOOP, NLMSG_OVERRUN */
		if (code > 0)
			return -EBADMSG;
		if (x->on_answer) {
			int rc = x->on_answer(nlh->nlmsg_seq, code, x->arg);

			if (rc)
				return rc < 0 ? rc : -EPROTO;
		}
		if (code && !p->kernel_err)
			p->kernel_err = code;
		if (nlh->nlmsg_seq == p->last_seq)
			return 1;
	}
	return 0;
}

int nl_exchange_run(struct nl_exchange *x)
{
	struct nl_progress p = { x->first_seq, x->last_seq, 0, 0 };
	bool own_buffer = !x->rx_buf;
	int rc = 0;

	x->stream_err = 0;
	if (!p.first_seq && !p.last_seq)
		p.first_seq = p.last_seq = ((const struct nlmsghdr *)x->req)->nlmsg_seq;
	if (own_buffer) {
		x->rx_buf = malloc(NL_RECV_DEFAULT);
		if (!x->rx_buf)
			return -ENOMEM;
		x->rx_size = NL_RECV_DEFAULT;
	}
	/* Nothing went out: the stream is still in step. */
	if (send(x->fd, x->req, x->req_len, 0) < 0) {
		rc = -errno;
		goto out;
	}
	while (!rc) {
		ssize_t n = receive(x);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				rc = -errno;
			else
				rc = (x->flags & NL_RECV_QUEUED) ? -EPROTO : -ETIMEDOUT;
			break;
		}
		rc = nl_replies_walk(x, &p, x->rx_buf, (size_t)n);
	}
	if (rc < 0)
		x->stream_err = rc;
	rc = p.data_err ? p.data_err : p.kernel_err ? p.kernel_err : x->stream_err;
out:
	if (own_buffer) {
		free(x->rx_buf);
		x->rx_buf = NULL;
		x->rx_size = 0;
	}
	return rc;
}

int nl_events_walk(const void *buf, size_t len, nl_data_fn on_data, void *arg)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		int rc;

		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		rc = on_data(nlh, arg);
		if (rc)
			return rc;
	}
	return 0;
}
