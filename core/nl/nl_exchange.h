/*
 * nl_exchange.h - one request (or a batch of them) sent to the kernel and its
 * answers read back, for every netlink client of lvsbox (generic netlink
 * family lookup, IPVS, rtnetlink, nf_tables).
 *
 * Every reply must come from the kernel to our port and carry a sequence
 * number of the request(s) sent, as libmnl's mnl_cb_run checks; anything else
 * means the stream is out of step with the requests. Data messages go to the
 * caller's callback; NLMSG_ERROR and NLMSG_DONE are the answers. The exchange
 * ends with the answer to its last request.
 *
 * It works on a plain file descriptor so unit tests can play the kernel over
 * a socketpair; send() on an unconnected netlink socket goes to the kernel.
 */
#ifndef LVSBOX_NL_EXCHANGE_H
#define LVSBOX_NL_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mnl.h"

/* A data message of the exchange: 0, or a negative errno that becomes the
 * exchange's result. After a failure the rest is read but not handed over. */
typedef int (*nl_data_fn)(const struct nlmsghdr *nlh, void *arg);

/* One answer of a batch: error is 0 (acknowledged) or the kernel's negative
 * errno. 0, or a negative errno when the answer cannot be right (the stream
 * is then out of step and the exchange ends). */
typedef int (*nl_answer_fn)(uint32_t seq, int error, void *arg);

enum {
	/* Read each datagram with a buffer of exactly its size (peeking at
	 * the length first), growing rx_buf with realloc: the kernel sizes a
	 * socket's dump datagrams by the largest read ever offered on it. */
	NL_RECV_EXACT = 1 << 0,
	/* The answers are queued before send() returns (nf_tables handles a
	 * batch inside it): never wait, an empty queue means answers missing. */
	NL_RECV_QUEUED = 1 << 1,
};

struct nl_exchange {
	int fd;
	unsigned portid;            /* our port; replies must be addressed to it */
	const void *req;            /* one request, or many back to back */
	size_t req_len;
	/* The sequence numbers the replies may carry; the answer to last_seq
	 * ends the exchange. Both 0: the single request's own. */
	uint32_t first_seq, last_seq;
	nl_data_fn on_data;         /* NULL: data messages are ignored */
	void *arg;
	nl_answer_fn on_answer;     /* NULL: the first kernel error is kept */
	unsigned flags;             /* NL_RECV_* */
	/* Receive buffer; NULL: one of NL_RECV_DEFAULT bytes for this exchange.
	 * With NL_RECV_EXACT it must come from malloc (it may be replaced). */
	char *rx_buf;
	size_t rx_size;

	/* Out: what broke the stream (bad reply, failed read, no answer),
	 * 0 when it stayed in step. The socket should then be reopened:
	 * replies of the abandoned exchange may still come. */
	int stream_err;
};

#define NL_RECV_DEFAULT 8192

/* Sends and reads to the end. 0, or the first data callback failure, else the
 * kernel's first error (-errno), else stream_err (-ETIMEDOUT for a read that
 * timed out, -EPROTO for a foreign sequence or missing answers, -ESRCH for a
 * foreign port, -EBADMSG for a mangled answer, -EINTR for a dump the kernel
 * interrupted). */
int nl_exchange_run(struct nl_exchange *x);

/* How far the answers of an exchange have come, from one datagram to the next. */
struct nl_progress {
	uint32_t first_seq, last_seq;   /* as in struct nl_exchange, never both 0 */
	int data_err;       /* the data callback's first failure */
	int kernel_err;     /* the kernel's first refusal */
};

/* Walks one datagram of replies as nl_exchange_run does (x's fd and buffer
 * are not used), so the rules for trusting a reply can be tried on bytes
 * alone: 1 when the answer to p->last_seq was in it, 0 to read on, or a
 * negative errno when the stream is out of step. */
int nl_replies_walk(struct nl_exchange *x, struct nl_progress *p, const void *buf, size_t n);

/* Walks one datagram of multicast events (no request, so no sequence or
 * port to check): each data message goes to on_data, control messages are
 * skipped. Returns on_data's first failure or 0. */
int nl_events_walk(const void *buf, size_t len, nl_data_fn on_data, void *arg);

#endif
