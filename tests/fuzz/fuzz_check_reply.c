/*
 * fuzz_check_reply.c - libFuzzer harness for what SMTP_CHECK, PING_CHECK
 * and UDP_CHECK make of a server's reply (check_reply.h).
 *
 * The first byte picks the parser and its settings, the rest is the reply:
 *   0: SMTP, the bytes fed in reads of (byte 1 % 64 + 1) bytes, and fed
 *      again from the first byte in one read: the verdict must not depend
 *      on how the stream was cut, a code is 100..599 and the line held
 *      stays inside its buffer;
 *   1: ping, each of v4/v6 and datagram/raw socket, matching the
 *      identifier and sequence of the reply itself: a match must be the
 *      echo reply type at the offset the IP header says;
 *   2: UDP, with byte 1 giving min/max lengths and the next bytes the
 *      expected reply and its mask: a verdict of OK must hold the length
 *      bounds and every masked byte, a difference must really differ.
 * Seeds (tests/fuzz/corpus/fuzz_check_reply/) are a Postfix-like greeting
 * and multi-line EHLO/HELO answers, IPv4 raw and datagram echo replies, an
 * ICMPv6 echo reply and UDP replies with and without require_reply.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include "check_reply.h"

static enum smtp_read smtp_feed_all(const char *text, size_t len, size_t step, int *code)
{
	struct smtp_reply r;
	enum smtp_read v = SMTP_READ_MORE;

	memset(&r, 0, sizeof(r));
	for (size_t at = 0; at < len && v == SMTP_READ_MORE; at += step) {
		size_t n = len - at < step ? len - at : step;
		/* each read as its own allocation, as from a socket into a buffer */
		char *chunk = malloc(n);
		if (!chunk)
			abort();
		memcpy(chunk, text + at, n);
		v = smtp_reply_feed(&r, chunk, n, code);
		free(chunk);
		/* the line that goes over SMTP_MAX_LINES is counted, and refused */
		if (r.line_len >= sizeof(r.line) || (r.lines > SMTP_MAX_LINES && v != SMTP_MALFORMED))
			abort();
	}
	return v;
}

static void fuzz_smtp(const uint8_t *data, size_t size)
{
	if (size < 1)
		return;
	size_t step = (size_t)(data[0] % 64) + 1;
	int code_cut = -1, code_whole = -1;
	enum smtp_read cut = smtp_feed_all((const char *)data + 1, size - 1, step, &code_cut);
	enum smtp_read whole = smtp_feed_all((const char *)data + 1, size - 1, size, &code_whole);

	if (cut != whole)
		abort();
	if (cut == SMTP_REPLY && (code_cut != code_whole || code_cut < 100 || code_cut > 599))
		abort();
}

static void fuzz_ping(const uint8_t *data, size_t size)
{
	for (int v6 = 0; v6 < 2; v6++)
		for (int raw = 0; raw < 2; raw++) {
			size_t off = 0;
			if (raw && !v6)
				off = size ? (size_t)(data[0] & 0x0f) * 4 : 0;
			uint16_t ident = 0, seq = 0;
			if (off + 8 <= size) {
				ident = (uint16_t)(data[off + 4] << 8 | data[off + 5]);
				seq = (uint16_t)(data[off + 6] << 8 | data[off + 7]);
			}
			bool match = ping_reply_matches(data, size, v6, raw, ident, seq);
			unsigned type = v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
			if (match && (off + 8 > size || data[off] != type || (raw && !v6 && off < 20)))
				abort();
			/* another sequence number never matches */
			if (ping_reply_matches(data, size, v6, raw, ident, (uint16_t)(seq + 1)))
				abort();
		}
}

static void fuzz_udp(const uint8_t *data, size_t size)
{
	static struct check_udp u;
	if (size < 2)
		return;
	memset(&u, 0, sizeof(u));
	u.require_reply = true;
	u.min_reply_length = (unsigned)(data[0] & 0x0f) * 4;
	u.max_reply_length = data[0] >> 4 ? (unsigned)(data[0] >> 4) * 64 : 65535;
	u.reply_len = data[1] % 16;
	if (size < 2 + 2 * u.reply_len)
		return;
	for (size_t i = 0; i < u.reply_len; i++) {
		u.reply_mask[i] = data[2 + 2 * i];
		u.reply[i] = data[3 + 2 * i] & u.reply_mask[i];
	}
	const uint8_t *reply = data + 2 + 2 * u.reply_len;
	size_t len = size - 2 - 2 * u.reply_len;
	/* exactly the reply's bytes, so a read past them is seen */
	unsigned char *buf = malloc(len ? len : 1);
	if (!buf)
		abort();
	memcpy(buf, reply, len);
	size_t at = SIZE_MAX;
	switch (udp_reply_check(&u, buf, len, &at)) {
	case UDP_REPLY_OK:
		if (len < u.min_reply_length || len > u.max_reply_length)
			abort();
		for (size_t i = 0; i < len && i < u.reply_len; i++)
			if ((buf[i] & u.reply_mask[i]) != u.reply[i])
				abort();
		break;
	case UDP_REPLY_LENGTH:
		if (len >= u.min_reply_length && len <= u.max_reply_length)
			abort();
		break;
	case UDP_REPLY_DIFFERS:
		if (at >= len || at >= u.reply_len || (buf[at] & u.reply_mask[at]) == u.reply[at])
			abort();
		break;
	default:
		abort();
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_smtp(data + 1, size - 1);
		break;
	case 1: {
		/* exactly the datagram, so a read past it is seen */
		unsigned char *buf = malloc(size - 1 ? size - 1 : 1);
		if (!buf)
			abort();
		memcpy(buf, data + 1, size - 1);
		fuzz_ping(buf, size - 1);
		free(buf);
		break;
	}
	default:
		fuzz_udp(data + 1, size - 1);
		break;
	}
	return 0;
}
