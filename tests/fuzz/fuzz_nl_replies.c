/*
 * fuzz_nl_replies.c - libFuzzer harness for how the answers to a netlink
 * request are trusted (nl_replies_walk), which is all nf_tables' batches
 * read of the kernel (core/nl/nft.c: acks and refusals, no data) and what
 * every other client reads before its data reaches a decoder.
 *
 * Input: a flags byte (bit 0: data and answer callbacks are set, as for
 * IPVS and batches; otherwise none, as for nf_tables), our port (4 bytes),
 * the first sequence number (4) and the number of further requests (2),
 * then datagrams, each a 2-byte length and its bytes, read until the walk
 * says the exchange is over, as nl_exchange_run reads them.
 *
 * Besides sanitizer reports it checks what the callers rely on: every data
 * message handed over lies inside its datagram and is no control message,
 * every answer carries one of our sequence numbers and an error <= 0, the
 * walk ends with 1 only on the answer to the last request, and the errors
 * it keeps are negative errnos.
 * Seeds (tests/fuzz/corpus/fuzz_nl_replies/) are nf_tables batch answers:
 * all acked, a refused table delete echoing the request, a refused BEGIN,
 * and an IPVS dump ended by NLMSG_DONE.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "nl_exchange.h"

struct walk {
	const unsigned char *dgram;
	size_t len;
	uint32_t first_seq, last_seq;
	uint32_t last_answer_seq;
	int answers;
};

static int on_data(const struct nlmsghdr *nlh, void *arg)
{
	const struct walk *w = arg;
	const unsigned char *at = (const unsigned char *)nlh;

	if (at < w->dgram || at + sizeof(*nlh) > w->dgram + w->len)
		abort();
	if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > (size_t)(w->dgram + w->len - at))
		abort();
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		abort();
	/* a decoder failing must stop the handing over, not the reading */
	return nlh->nlmsg_type == NLMSG_MIN_TYPE ? -22 : 0;
}

static int on_answer(uint32_t seq, int error, void *arg)
{
	struct walk *w = arg;

	if (seq - w->first_seq > w->last_seq - w->first_seq)
		abort();
	if (error > 0)
		abort();
	w->last_answer_seq = seq;
	w->answers++;
	return 0;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 11)
		return 0;
	bool callbacks = data[0] & 1;
	uint16_t span = (uint16_t)(data[9] | data[10] << 8);
	struct walk w = { .first_seq = get32(data + 5) };
	w.last_seq = w.first_seq + span;
	struct nl_exchange x = {
		.portid = get32(data + 1),
		.first_seq = w.first_seq,
		.last_seq = w.last_seq,
		.on_data = callbacks ? on_data : NULL,
		.on_answer = callbacks ? on_answer : NULL,
		.arg = &w,
	};
	struct nl_progress p = { x.first_seq, x.last_seq, 0, 0 };
	size_t at = 11;
	int rc = 0;

	/* both 0 means the request's own sequence number in nl_exchange_run */
	if (!p.first_seq && !p.last_seq)
		return 0;
	while (rc == 0 && at + 2 <= size) {
		size_t len = (size_t)(data[at] | data[at + 1] << 8);

		at += 2;
		if (len > size - at)
			len = size - at;
		/* Exactly the datagram plus the up-to-3 alignment bytes libmnl's
		 * tail arithmetic may touch, so AddressSanitizer sees any read
		 * beyond it. */
		unsigned char *buf = malloc(len + 4);
		if (!buf)
			return 0;
		memcpy(buf, data + at, len);
		memset(buf + len, 0, 4);
		at += len;
		w.dgram = buf;
		w.len = len;
		w.answers = 0;
		rc = nl_replies_walk(&x, &p, buf, len);
		free(buf);
		if (rc == 1 && callbacks && (w.answers == 0 || w.last_answer_seq != w.last_seq))
			abort();
	}
	if (rc > 1 || p.data_err > 0 || p.kernel_err > 0)
		abort();
	if (p.data_err && !callbacks)
		abort();
	return 0;
}
