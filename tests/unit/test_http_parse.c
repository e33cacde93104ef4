/*
 * test_http_parse.c - MD5 against RFC 1321's test suite, and the HTTP
 * response parser: framing, limits, bad input, and digests. The expected
 * digests of the framed bodies were printed by keepalived's genhash 2.2.7
 * against a server sending exactly these responses; plain bodies are
 * checked against RFC 1321 vectors or coreutils md5sum.
 */
#include "http_parse.h"
#include "md5.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static void md5_hex(const char *msg, size_t len, char out[33])
{
	struct md5 m;
	unsigned char d[16];
	md5_init(&m);
	/* odd pieces, to cross block boundaries inside md5_update */
	for (size_t i = 0; i < len; i += 7)
		md5_update(&m, msg + i, len - i < 7 ? len - i : 7);
	md5_final(&m, d);
	http_digest_hex(d, out);
}

static void test_md5_rfc1321(void)
{
	static const struct { const char *msg, *hex; } v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char hex[33];
		md5_hex(v[i].msg, strlen(v[i].msg), hex);
		CHECK(strcmp(hex, v[i].hex) == 0, "md5: RFC 1321 vector %zu (\"%.12s\") = %s", i, v[i].msg, hex);
	}
}

/* Feeds resp in pieces of step bytes (0: all at once), then EOF if close. */
static int parse(struct http_parse *p, const char *resp, size_t len, size_t step, int close)
{
	http_parse_init(p, 1 << 20);
	int ret = HTTP_MORE;
	size_t pos = 0;
	while (ret == HTTP_MORE && pos < len) {
		size_t n = step && len - pos > step ? step : len - pos, used = 0;
		ret = http_parse_feed(p, resp + pos, n, &used);
		pos += used;
		if (ret == HTTP_MORE && used != n)
			return -100;   /* MORE must consume everything */
	}
	if (ret == HTTP_MORE && close)
		ret = http_parse_eof(p);
	return ret;
}

static const char *digest_of(const struct http_parse *p)
{
	static char hex[33];
	http_digest_hex(p->digest, hex);
	return hex;
}

struct framing_case {
	const char *what, *resp;
	int close, status;
	const char *digest;
};

static void test_framing(void)
{
	static const struct framing_case cases[] = {
		{ "Content-Length stops at its length (genhash: 'hello')",
		  "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", 0, 200,
		  "5d41402abc4b2a76b9719d911017c592" },
		{ "body delimited by close",
		  "HTTP/1.0 200 OK\r\n\r\nhello world", 1, 200,
		  "5eb63bbbe01eeed093cb22bb8f5acdc3" },
		{ "chunked body digested with its framing (as genhash)",
		  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
		  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 0, 200,
		  "fc3946cc674492e3e09d9e45c4c09023" },
		{ "chunked ends at the last chunk even with the connection open",
		  "HTTP/1.1 503 Busy\r\ntransfer-encoding: gzip, Chunked\r\n\r\n"
		  "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 0, 503,
		  "615aebe55c3d15ef4c65e0f65c662a8d" },
		{ "Content-Length: 0", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0, 404,
		  "d41d8cd98f00b204e9800998ecf8427e" },
		{ "204 has no body", "HTTP/1.1 204 No Content\r\n\r\n", 0, 204,
		  "d41d8cd98f00b204e9800998ecf8427e" },
		{ "100 Continue is skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 0, 200,
		  "900150983cd24fb0d6963f7d28e17f72" },
		{ "bare LF line ends, folded header",
		  "HTTP/1.1 301 Moved\nX-A: 1\n  folded\nContent-Length: 3\n\nabc", 0, 301,
		  "900150983cd24fb0d6963f7d28e17f72" },
		{ "status line without reason", "HTTP/1.1 200\r\nContent-Length: 1\r\n\r\na", 0, 200,
		  "0cc175b9c0f1b6a831c399e269772661" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct framing_case *c = &cases[i];
		size_t steps[] = { 0, 1, 3, 17 };
		for (size_t s = 0; s < 4; s++) {
			struct http_parse *p = malloc(sizeof(*p));
			int ret = parse(p, c->resp, strlen(c->resp), steps[s], c->close);
			CHECK(ret == HTTP_DONE && p->status == c->status && strcmp(digest_of(p), c->digest) == 0,
			      "http: %s, in pieces of %zu (ret %d status %d digest %s %s)", c->what, steps[s],
			      ret, p->status, digest_of(p), ret == HTTP_ERROR ? p->error : "");
			free(p);
		}
	}
}

static void test_chunked_digest_is_raw(void)
{
	/* The chunked case above used genhash's own output; cross-check its
	 * meaning: it is the MD5 of the bytes after the blank line. */
	const char *raw = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
	char hex[33];
	md5_hex(raw, strlen(raw), hex);
	CHECK(strcmp(hex, "615aebe55c3d15ef4c65e0f65c662a8d") == 0, "http: chunked digest is md5 of the raw chunked bytes (%s)", hex);
}

struct error_case { const char *what, *resp; int close; const char *error; };

static void test_errors(void)
{
	static const struct error_case cases[] = {
		{ "garbage", "SSH-2.0-OpenSSH_9.2\r\n", 0, "malformed HTTP status line" },
		{ "HTTP/2 status line", "HTTP/2 200\r\n\r\n", 0, "malformed HTTP status line" },
		{ "letters in status", "HTTP/1.1 2x0 OK\r\n", 0, "malformed HTTP status code" },
		{ "header without colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", 0, "malformed HTTP header line" },
		{ "bad Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", 0, "malformed HTTP Content-Length" },
		{ "huge Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", 0, "HTTP Content-Length too large" },
		{ "two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 0, "conflicting HTTP Content-Length headers" },
		{ "bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, "malformed HTTP chunk size" },
		{ "chunk longer than said", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", 0, "HTTP chunk longer than its size" },
		{ "huge chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 0, "HTTP chunk size too large" },
		{ "closed before a response", "", 1, "connection closed without an HTTP response" },
		{ "closed in headers", "HTTP/1.1 200 OK\r\nServer: x\r\n", 1, "connection closed in the HTTP headers" },
		{ "closed in body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 1, "connection closed before the end of the HTTP body" },
		{ "NUL in header", "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 0, "NUL byte in an HTTP header" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct error_case *c = &cases[i];
		size_t len = strlen(c->resp);
		if (strstr(c->what, "NUL"))
			len = 27;
		struct http_parse *p = malloc(sizeof(*p));
		int ret = parse(p, c->resp, len, 0, c->close);
		CHECK(ret == HTTP_ERROR && strcmp(p->error, c->error) == 0, "http: %s is rejected: \"%s\"", c->what,
		      ret == HTTP_ERROR ? p->error : "(accepted)");
		free(p);
	}
}

static void test_bounds(void)
{
	struct http_parse *p = malloc(sizeof(*p));
	/* an endless header: must fail once past HTTP_MAX_LINE, not grow */
	char chunk[1024];
	memset(chunk, 'x', sizeof(chunk));
	http_parse_init(p, 1 << 20);
	int ret = http_parse_feed(p, "HTTP/1.1 200 OK\r\nX-Long: ", 25, NULL);
	int rounds = 0;
	while (ret == HTTP_MORE && rounds++ < 1000)
		ret = http_parse_feed(p, chunk, sizeof(chunk), NULL);
	CHECK(ret == HTTP_ERROR && rounds <= HTTP_MAX_LINE / 1024 + 1 && strcmp(p->error, "HTTP header line too long") == 0,
	      "http: an endless header line stops at %d bytes: %s", HTTP_MAX_LINE, p->error);

	/* endless short headers: total head bound */
	http_parse_init(p, 1 << 20);
	ret = http_parse_feed(p, "HTTP/1.1 200 OK\r\n", 17, NULL);
	rounds = 0;
	while (ret == HTTP_MORE && rounds++ < 100000)
		ret = http_parse_feed(p, "X-A: b\r\n", 8, NULL);
	CHECK(ret == HTTP_ERROR && strcmp(p->error, "HTTP headers too long") == 0 && rounds * 8 <= HTTP_MAX_HEAD,
	      "http: endless headers stop at %d bytes (%d lines): %s", HTTP_MAX_HEAD, rounds, p->error);

	/* an endless body delimited by close: the body bound */
	http_parse_init(p, 100000);
	ret = http_parse_feed(p, "HTTP/1.0 200 OK\r\n\r\n", 19, NULL);
	rounds = 0;
	while (ret == HTTP_MORE && rounds++ < 1000)
		ret = http_parse_feed(p, chunk, sizeof(chunk), NULL);
	CHECK(ret == HTTP_ERROR && rounds == 98 && strcmp(p->error, "HTTP body larger than 100000 bytes") == 0,
	      "http: an endless body stops at the bound after %d KiB: %s", rounds, p->error);

	/* endless chunks: framing bytes count too */
	http_parse_init(p, 100000);
	ret = http_parse_feed(p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 47, NULL);
	rounds = 0;
	while (ret == HTTP_MORE && rounds++ < 100000)
		ret = http_parse_feed(p, "1\r\na\r\n", 6, NULL);
	CHECK(ret == HTTP_ERROR && rounds <= 100000 / 6 + 1, "http: endless tiny chunks stop at the body bound (%d chunks)", rounds);

	/* 1xx forever */
	http_parse_init(p, 1000);
	rounds = 0;
	ret = HTTP_MORE;
	while (ret == HTTP_MORE && rounds++ < 100)
		ret = http_parse_feed(p, "HTTP/1.1 100 Continue\r\n\r\n", 25, NULL);
	CHECK(ret == HTTP_ERROR && rounds == HTTP_MAX_INTERIM + 1, "http: at most %d interim responses (%s)", HTTP_MAX_INTERIM, p->error);

	/* after DONE nothing more is consumed */
	size_t used = 99;
	http_parse_init(p, 1000);
	http_parse_feed(p, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38, NULL);
	ret = http_parse_feed(p, "more", 4, &used);
	CHECK(ret == HTTP_DONE && used == 0, "http: bytes after the response are left alone");
	free(p);
}

int main(void)
{
	test_md5_rfc1321();
	test_framing();
	test_chunked_digest_is_raw();
	test_errors();
	test_bounds();
	return unit_exit();
}
