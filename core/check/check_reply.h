/*
 * check_reply.h - what SMTP_CHECK, PING_CHECK and UDP_CHECK make of the
 * bytes a server sends back, kept apart from their sockets so that unit
 * tests and fuzz harnesses can feed them any bytes.
 */
#ifndef LVSBOX_CHECK_REPLY_H
#define LVSBOX_CHECK_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "check.h"

#define SMTP_MAX_LINE 512
#define SMTP_MAX_LINES 64       /* lines of one multi-line reply */

/* An SMTP reply being read: the line so far and the continuation lines
 * ("250-...") before it. Starts zeroed. */
struct smtp_reply {
	char line[SMTP_MAX_LINE];
	size_t line_len;
	unsigned lines;
};

enum smtp_read {
	SMTP_READ_MORE,         /* no complete reply yet */
	SMTP_REPLY,             /* a reply is complete; what followed it is dropped */
	SMTP_MALFORMED,         /* a line without a 3-digit code, or too many lines */
	SMTP_LINE_TOO_LONG,     /* a line of SMTP_MAX_LINE bytes or more */
};

/* Feeds n bytes read from the server; with SMTP_REPLY, *code is the code
 * (100..599) of its last line. */
enum smtp_read smtp_reply_feed(struct smtp_reply *r, const char *buf, size_t n, int *code);

/* Whether one datagram read from a ping socket is the echo reply to our
 * request with sequence seq. raw: read on a raw socket, where the identifier
 * must be ident too and an IPv4 datagram starts with the IP header. */
bool ping_reply_matches(const unsigned char *buf, size_t len, bool v6, bool raw, uint16_t ident, uint16_t seq);

enum udp_reply_verdict {
	UDP_REPLY_OK,
	UDP_REPLY_LENGTH,       /* outside min_reply_length..max_reply_length */
	UDP_REPLY_DIFFERS,      /* a byte differs from require_reply, at *differs_at */
};

/* A reply of len bytes (the datagram's length, which may be more than was
 * read) to a UDP_CHECK with require_reply. Only the first
 * min(len, u->reply_len) bytes of buf are looked at. */
enum udp_reply_verdict udp_reply_check(const struct check_udp *u, const unsigned char *buf, size_t len,
				       size_t *differs_at);

#endif
