/*
 * test_http_request.c - core/base/http.c's request parser on vectors
 * whose verdicts come from RFC 9112 (request line, section 3; field
 * lines, section 5; obs-fold, 5.2; Host, RFC 9112 3.2: a 1.1 request
 * without one, or with two, is answered 400) and RFC 9110 (405 for a
 * method the resource does not support, 505 for a major version the
 * server does not speak); and the listen-address parser.
 */
#include <string.h>
#include <sys/socket.h>
#include "http.h"
#include "unit.h"

struct vec {
	const char *what, *in;
	int status;
	const char *path;
};

static const struct vec vecs[] = {
	{ "a scrape", "GET /metrics HTTP/1.1\r\nHost: x:9650\r\nAccept: text/plain\r\n\r\n", 200, "/metrics" },
	{ "HTTP/1.0 needs no Host", "GET / HTTP/1.0\r\n\r\n", 200, "/" },
	{ "bare LF line ends", "GET /a HTTP/1.0\n\n", 200, "/a" },
	{ "query cut from the path", "HEAD /status.json?t=1 HTTP/1.0\r\n\r\n", 200, "/status.json" },
	{ "empty lines before the request line", "\r\n\r\nGET / HTTP/1.0\r\n\r\n", 200, "/" },
	{ "not whole yet", "GET /metrics HTTP/1.1\r\nHost: x\r\n", 0, NULL },
	{ "request line not whole yet", "GET /metr", 0, NULL },
	{ "POST", "POST / HTTP/1.1\r\nHost: x\r\n\r\n", 405, NULL },
	{ "HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505, NULL },
	{ "no version", "GET /\r\n\r\n", 400, NULL },
	{ "two spaces", "GET  / HTTP/1.1\r\n\r\n", 400, NULL },
	{ "absolute form", "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400, NULL },
	{ "lower-case version", "GET / http/1.1\r\n\r\n", 400, NULL },
	{ "1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400, NULL },
	{ "two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400, NULL },
	{ "folded header", "GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", 400, NULL },
	{ "header without colon", "GET / HTTP/1.0\r\nHost a\r\n\r\n", 400, NULL },
	{ "space before the colon", "GET / HTTP/1.0\r\nHost : a\r\n\r\n", 400, NULL },
	{ "control byte in a value", "GET / HTTP/1.0\r\nX: a\001b\r\n\r\n", 400, NULL },
	{ "stray CR in the request line", "GET /\r HTTP/1.0\r\n\r\n", 400, NULL },
	{ "bad request line answered before the headers end", "GARBAGE\r\n", 400, NULL },
};

static void test_vectors(void)
{
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		struct http_request req;
		const char *why;
		int rc = http_parse_request(vecs[i].in, strlen(vecs[i].in), &req, &why);
		CHECK(rc == vecs[i].status, "%s: %d, want %d", vecs[i].what, rc, vecs[i].status);
		if (rc == 200 && vecs[i].path)
			CHECK(strcmp(req.path, vecs[i].path) == 0, "%s: path '%s'", vecs[i].what, req.path);
	}
}

static void test_limits(void)
{
	static char big[HTTP_MAX_REQUEST + 1];
	struct http_request req;
	const char *why;

	memset(big, 'a', sizeof(big));
	memcpy(big, "GET / HTTP/1.0\r\nX: ", 19);
	CHECK(http_parse_request(big, HTTP_MAX_REQUEST, &req, &why) == 431, "a request that fills the buffer: 431");
	char path[400] = "GET /";
	memset(path + 5, 'p', 300);
	strcpy(path + 305, " HTTP/1.0\r\n\r\n");
	CHECK(http_parse_request(path, strlen(path), &req, &why) == 414, "a 300-byte path: 414");
}

static void test_listen(void)
{
	struct sockaddr_storage sa;
	unsigned len;
	char why[200];

	CHECK(http_parse_listen("127.0.0.1:9650", &sa, &len, why, sizeof(why)) == 0 && sa.ss_family == AF_INET, "IPv4");
	CHECK(http_parse_listen("[::1]:9650", &sa, &len, why, sizeof(why)) == 0 && sa.ss_family == AF_INET6, "IPv6");
	CHECK(http_parse_listen("0.0.0.0:0", &sa, &len, why, sizeof(why)) != 0, "port 0 refused");
	CHECK(http_parse_listen("::1:9650", &sa, &len, why, sizeof(why)) != 0, "IPv6 without brackets refused");
	CHECK(http_parse_listen("localhost:9650", &sa, &len, why, sizeof(why)) != 0, "a name refused");
	CHECK(http_parse_listen("1.2.3.4:65536", &sa, &len, why, sizeof(why)) != 0, "port 65536 refused");
}

int main(void)
{
	test_vectors();
	test_limits();
	test_listen();
	return unit_exit();
}
