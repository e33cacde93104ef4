/*
 * http_parse.h - incremental parser of one HTTP/1.0 or 1.1 response, as a
 * health check reads it: status line, headers, then a body framed by
 * Content-Length, chunked transfer coding or the end of the connection.
 *
 * Bytes may arrive split anywhere. Nothing is buffered beyond one line
 * (HTTP_MAX_LINE): the body is never stored, only counted and hashed
 * (and shown to on_body, whose owner bounds what it keeps).
 * The digest is the MD5 of the body bytes as they came off the wire after
 * the blank line, which is what keepalived's genhash prints: up to
 * Content-Length when there is one, and for a chunked body the chunk
 * framing included (genhash does not decode chunks).
 */
#ifndef LVSBOX_HTTP_PARSE_H
#define LVSBOX_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "md5.h"

#define HTTP_MAX_LINE 4096          /* one status, header or chunk-size line */
#define HTTP_MAX_HEAD 16384         /* status line and headers together */
#define HTTP_MAX_INTERIM 8          /* 1xx responses before the real one */

enum http_parse_ret { HTTP_MORE, HTTP_DONE, HTTP_ERROR };

struct http_parse {
	int state;                  /* private */
	int status;                 /* 0 until the status line is parsed */
	int version_minor;          /* HTTP/1.x */
	bool chunked;
	bool has_length;
	uint64_t content_length;
	uint64_t body_bytes;        /* body bytes seen (framing included when chunked) */
	uint64_t max_body;
	unsigned char digest[16];   /* valid once HTTP_DONE */
	char error[96];             /* why HTTP_ERROR */
	/* Optional, set after http_parse_init: sees every body byte that is
	 * digested (so chunk framing too), for a caller matching the body. */
	void (*on_body)(void *arg, const char *data, size_t len);
	void *on_body_arg;

	/* private */
	uint64_t remaining;
	size_t head_bytes;
	int interim;
	bool other_coding;          /* a Transfer-Encoding other than chunked: body runs to close */
	size_t line_len;
	struct md5 md5;
	char line[HTTP_MAX_LINE];
};

/* max_body: body bytes accepted before the response is an error. */
void http_parse_init(struct http_parse *p, uint64_t max_body);
/*
 * Feeds len bytes. *used (may be NULL) gets how many were consumed: all of
 * them unless the response ended (HTTP_DONE) or was rejected (HTTP_ERROR).
 * After DONE or ERROR further calls return the same without consuming.
 */
int http_parse_feed(struct http_parse *p, const void *data, size_t len, size_t *used);
/* The peer closed the connection: DONE for a body delimited by the close,
 * ERROR for a response cut short. */
int http_parse_eof(struct http_parse *p);

/* "5d41402abc4b2a76b9719d911017c592": out needs 33 bytes. */
void http_digest_hex(const unsigned char digest[16], char out[33]);

#endif
