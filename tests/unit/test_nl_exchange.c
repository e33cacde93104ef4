/*
 * test_nl_exchange.c - core/nl/nl_exchange.c against canned kernel replies:
 * a socketpair plays the kernel, with the replies queued before the request
 * goes out (the exchange reads only after sending), so every rule for
 * trusting a reply is tried without a kernel: sequence and port checks,
 * acks, refusals, dumps, batches, exact-size and queued-only reads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include "nl_exchange.h"
#include "unit.h"

#define PORT 4242
#define DATA_TYPE 0x30

static int sock[2];   /* [0]: the exchange's end, [1]: the kernel's */

/* One datagram being put together from messages. */
struct dgram {
	unsigned char buf[65536];
	size_t len;
};

static void put(struct dgram *d, uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid,
		const void *payload, size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(d->buf + d->len);

	memset(nlh, 0, NLMSG_SPACE(len));
	nlh->nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	if (len)
		memcpy(NLMSG_DATA(nlh), payload, len);
	d->len += NLMSG_SPACE(len);
}

static void put_data(struct dgram *d, uint32_t seq, uint32_t value)
{
	put(d, DATA_TYPE, 0, seq, PORT, &value, sizeof(value));
}

static void put_error(struct dgram *d, uint32_t seq, int error)
{
	struct nlmsgerr e = { .error = error };

	put(d, NLMSG_ERROR, 0, seq, PORT, &e, sizeof(e));
}

static void put_done(struct dgram *d, uint32_t seq, int32_t code)
{
	put(d, NLMSG_DONE, NLM_F_MULTI, seq, PORT, &code, sizeof(code));
}

/* Queues the datagram for the exchange and starts a new one. */
static void queue(struct dgram *d)
{
	if (send(sock[1], d->buf, d->len, 0) != (ssize_t)d->len)
		perror("send");
	d->len = 0;
}

static void reopen(void)
{
	struct timeval timeout = { .tv_usec = 200 * 1000 };

	if (sock[0]) {
		close(sock[0]);
		close(sock[1]);
	}
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sock);
	setsockopt(sock[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
}

static bool drained(void)
{
	char c;

	return recv(sock[0], &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

struct seen {
	uint32_t values[8];
	int n;
	int fail_at;     /* fail the data message with this index + 1 (0: never) */
};

static int on_data(const struct nlmsghdr *nlh, void *arg)
{
	struct seen *s = arg;
	uint32_t v;

	memcpy(&v, NLMSG_DATA(nlh), sizeof(v));
	if (s->n < 8)
		s->values[s->n] = v;
	s->n++;
	return s->n == s->fail_at ? -EBADMSG : 0;
}

static struct nlmsghdr request = {
	.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = DATA_TYPE,
	.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 7,
};

static struct nl_exchange single(struct seen *s)
{
	struct nl_exchange x = {
		.fd = sock[0], .portid = PORT, .req = &request, .req_len = sizeof(request),
		.on_data = on_data, .arg = s,
	};
	return x;
}

static void test_ack_and_refusal(void)
{
	static struct dgram d;
	struct seen s = { .n = 0 };
	struct nl_exchange x = single(&s);
	struct nlmsghdr sent;

	put_data(&d, 7, 11);
	put_error(&d, 7, 0);
	queue(&d);
	CHECK(nl_exchange_run(&x) == 0 && s.n == 1 && s.values[0] == 11 && !x.stream_err,
	      "reply then ack: data handed over, 0");
	CHECK(recv(sock[1], &sent, sizeof(sent), 0) == sizeof(sent) && sent.nlmsg_seq == 7,
	      "the request went out as given");
	CHECK(drained() && x.rx_buf == NULL, "nothing left unread; no buffer kept");

	put_error(&d, 7, -ENOENT);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -ENOENT && !x.stream_err, "refusal: the kernel's -errno");
	put_error(&d, 7, EEXIST);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -EEXIST, "a positive code is still a refusal");
	put(&d, NLMSG_ERROR, 0, 7, PORT, "\0\0", 2);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -EBADMSG && x.stream_err == -EBADMSG, "a cut error message is mangled");
}

static void test_foreign_replies(void)
{
	static struct dgram d;
	struct seen s = { .n = 0 };
	struct nl_exchange x = single(&s);

	put_data(&d, 6, 1);
	put_error(&d, 6, 0);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -EPROTO && x.stream_err == -EPROTO && s.n == 0,
	      "another sequence: out of step, not handed over");
	reopen();
	x.fd = sock[0];
	put(&d, DATA_TYPE, 0, 7, PORT + 1, "\1\0\0\0", 4);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -ESRCH && x.stream_err == -ESRCH && s.n == 0,
	      "another port: out of step");
	reopen();
	x.fd = sock[0];
	put(&d, DATA_TYPE, NLM_F_MULTI | NLM_F_DUMP_INTR, 7, PORT, "\1\0\0\0", 4);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -EINTR && x.stream_err == -EINTR, "an interrupted dump");
	reopen();
	x.fd = sock[0];
	CHECK(nl_exchange_run(&x) == -ETIMEDOUT && x.stream_err == -ETIMEDOUT, "no answer: timed out");
}

static void test_dump(void)
{
	static struct dgram d;
	struct seen s = { .n = 0 };
	struct nl_exchange x = single(&s);

	put(&d, NLMSG_NOOP, 0, 7, PORT, NULL, 0);
	put_data(&d, 7, 1);
	put_data(&d, 7, 2);
	queue(&d);
	put_data(&d, 7, 3);
	put_done(&d, 7, 0);
	queue(&d);
	CHECK(nl_exchange_run(&x) == 0 && s.n == 3 && s.values[2] == 3, "dump over two datagrams, to NLMSG_DONE");

	s.n = 0;
	s.fail_at = 1;
	put_data(&d, 7, 1);
	put_data(&d, 7, 2);
	put_done(&d, 7, -ENOMEM);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -EBADMSG && s.n == 1 && !x.stream_err && drained(),
	      "callback failure wins, the rest is read but not handed over");
	s.n = 0;
	s.fail_at = 0;
	put_data(&d, 7, 1);
	put_done(&d, 7, -ENOMEM);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -ENOMEM && !x.stream_err, "negative NLMSG_DONE code: the dump failed");
}

static void test_buffers(void)
{
	static struct dgram d;
	static uint32_t big[3000];
	struct seen s = { .n = 0 };
	struct nl_exchange x = single(&s);

	put(&d, DATA_TYPE, 0, 7, PORT, big, sizeof(big));
	put_error(&d, 7, 0);
	queue(&d);
	x.flags = NL_RECV_EXACT;
	x.rx_buf = malloc(16);
	x.rx_size = 16;
	CHECK(nl_exchange_run(&x) == 0 && s.n == 1 &&
	      x.rx_size == NLMSG_SPACE(sizeof(big)) + NLMSG_SPACE(sizeof(struct nlmsgerr)),
	      "exact-size read: the buffer grows to the datagram");
	free(x.rx_buf);

	put(&d, DATA_TYPE, 0, 7, PORT, big, sizeof(big));
	put_error(&d, 7, 0);
	queue(&d);
	x = single(&s);
	CHECK(nl_exchange_run(&x) == -ENOSPC && x.stream_err == -ENOSPC, "a datagram larger than the buffer");
}

static int answers_seen;

static int on_answer(uint32_t seq, int error, void *arg)
{
	(void)arg;
	answers_seen++;
	return seq == 11 && error == 0 ? -EPROTO : 0;   /* only 12 asked for an ack */
}

static void test_batch(void)
{
	static struct dgram d;
	struct nlmsghdr batch[3] = { request, request, request };
	struct nl_exchange x = {
		.fd = sock[0], .portid = PORT, .req = batch, .req_len = sizeof(batch),
		.first_seq = 10, .last_seq = 12, .on_answer = on_answer,
	};

	put_error(&d, 10, -EEXIST);
	put_error(&d, 11, -ENOENT);
	queue(&d);
	put_error(&d, 12, 0);
	queue(&d);
	answers_seen = 0;
	CHECK(nl_exchange_run(&x) == -EEXIST && answers_seen == 3 && !x.stream_err && drained(),
	      "batch: every answer seen, the first refusal returned, ends at the last");

	put_error(&d, 11, 0);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -EPROTO && x.stream_err == -EPROTO, "an answer the caller rejects");

	reopen();
	x.fd = sock[0];
	x.on_answer = NULL;
	x.flags = NL_RECV_QUEUED;
	put_error(&d, 10, 0);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -EPROTO && x.stream_err == -EPROTO, "queued answers missing: -EPROTO at once");
	put_error(&d, 10, -EPERM);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -EPERM, "queued: a refusal before the missing answers is returned");
	put_error(&d, 13, 0);
	queue(&d);
	CHECK(nl_exchange_run(&x) == -EPROTO, "a sequence past the batch");
}

static int events;

static int on_event(const struct nlmsghdr *nlh, void *arg)
{
	(void)arg;
	events += nlh->nlmsg_type == DATA_TYPE;
	return 0;
}

static void test_events(void)
{
	static struct dgram d;

	put_data(&d, 0, 1);
	put_error(&d, 99, -EIO);
	put(&d, DATA_TYPE, 0, 1234, 777, "\1\0\0\0", 4);
	CHECK(nl_events_walk(d.buf, d.len, on_event, NULL) == 0 && events == 2,
	      "events: data messages from anyone handed over, control ones skipped");
	CHECK(nl_events_walk(d.buf, d.len - 2, on_event, NULL) == 0 && events == 3,
	      "events: a cut last message is not handed over");
	d.len = 0;
}

int main(void)
{
	reopen();
	test_ack_and_refusal();
	test_foreign_replies();
	test_dump();
	test_buffers();
	test_batch();
	test_events();
	close(sock[0]);
	close(sock[1]);
	return unit_exit();
}
