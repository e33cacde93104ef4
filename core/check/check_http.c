/*
 * check_http.c - HTTP_GET and SSL_GET: for each url, a fresh connection
 * (TLS on top for SSL_GET), one GET request in keepalived's form, and the
 * response checked against status_code ranges, the digest and the regex
 * (a bounded window of the body, core/check_regex.h).
 *
 * The request matches what keepalived's checker and genhash send (same
 * User-Agent, Host, Connection lines), so access logs and server rules keyed
 * on them keep working. Each url gets its own connect_timeout deadline
 * covering connect, handshake, request and the whole answer: a peer that
 * trickles an endless or slow reply fails on time.
 */
#include "check_int.h"
#include "check_regex.h"
#include "http_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum http_phase { PH_CONNECT, PH_HANDSHAKE, PH_SEND, PH_REPLY };

struct http_attempt {
	struct check_attempt base;
	int url, last_url;
	int phase;                      /* enum http_phase */
	struct check_tls_conn *tls;
	char request[1024];
	size_t request_len, sent;
	struct http_parse parse;
	char *window;                   /* url regex: body bytes from regex_min_offset, NUL-terminated */
	size_t window_len;
	uint64_t body_seen;
};

/* Keeps the body bytes the url's regex looks at, at most CHECK_REGEX_WINDOW. */
static void keep_body(void *arg, const char *data, size_t len)
{
	struct http_attempt *h = arg;
	const struct check_url *u = &h->base.probe->params->http->urls[h->url];
	uint64_t at = h->body_seen;
	h->body_seen += len;
	if (h->body_seen <= u->regex_min_offset)
		return;
	if (at < u->regex_min_offset) {
		data += u->regex_min_offset - at;
		len -= (size_t)(u->regex_min_offset - at);
	}
	size_t room = CHECK_REGEX_WINDOW - h->window_len;
	if (len > room)
		len = room;
	memcpy(h->window + h->window_len, data, len);
	h->window_len += len;
}

static void drop_window(struct http_attempt *h)
{
	free(h->window);
	h->window = NULL;
	h->window_len = 0;
}

static void on_io(struct loop *loop, struct loop_io *io, unsigned events);

static const char *host_header(const union check_addr *target, const struct check_url *u, char *buf, size_t size)
{
	if (u->virtualhost)
		return u->virtualhost;
	return check_addr_str(target, buf, size);
}

static void close_conn(struct http_attempt *h, bool keep_session)
{
	struct check_attempt *a = &h->base;
	if (h->tls) {
		check_tls_close(h->tls, keep_session);
		h->tls = NULL;
	}
	if (a->fd >= 0) {
		loop_io_stop(a->probe->ctx->loop, &a->io);
		close(a->fd);
		a->fd = -1;
	}
}

static void start_url(struct http_attempt *h)
{
	struct check_attempt *a = &h->base;
	const struct check_params *p = a->probe->params;
	const struct check_url *u = &p->http->urls[h->url];
	char host[80];
	static const char *const versions[] = { "1.0", "1.0", "1.1" };
	int n = snprintf(h->request, sizeof(h->request),
		"GET %s HTTP/%s\r\nUser-Agent: KeepAliveClient\r\n%sHost: %s\r\n\r\n",
		u->path, versions[p->http->protocol],
		p->http->protocol == CHECK_HTTP_10 ? "" : "Connection: close\r\n",
		host_header(&a->probe->target, u, host, sizeof(host)));
	if (n < 0 || (size_t)n >= sizeof(h->request)) {
		check_finish(a, false, "url %s: request too long", u->path);
		return;
	}
	h->request_len = (size_t)n;
	h->sent = 0;
	h->phase = PH_CONNECT;
	a->phase = "connect";
	http_parse_init(&h->parse, CHECK_HTTP_MAX_BODY);
	drop_window(h);
	h->body_seen = 0;
	if (u->regex_compiled) {
		h->window = malloc(CHECK_REGEX_WINDOW + 1);
		if (!h->window) {
			check_finish(a, false, "url %s: out of memory for the regex", u->path);
			return;
		}
		h->parse.on_body = keep_body;
		h->parse.on_body_arg = h;
	}
	check_arm_deadline(a, p->connect_timeout_ms);
	check_connect(a, SOCK_STREAM, 0, on_io);
}

static void status_ranges(const struct check_url *u, char *buf, size_t size)
{
	if (u->nstatus == 0) {
		snprintf(buf, size, "200-299");
		return;
	}
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < u->nstatus && len < size; i++) {
		int n = u->status[i].lo == u->status[i].hi
			? snprintf(buf + len, size - len, "%s%u", i ? "," : "", u->status[i].lo)
			: snprintf(buf + len, size - len, "%s%u-%u", i ? "," : "", u->status[i].lo, u->status[i].hi);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

static bool status_ok(const struct check_url *u, int status)
{
	if (u->nstatus == 0)
		return status >= 200 && status <= 299;
	for (int i = 0; i < u->nstatus; i++)
		if (status >= u->status[i].lo && status <= u->status[i].hi)
			return true;
	return false;
}

/* The whole response is in: judge it, then go on to the next url or finish. */
static void judge(struct http_attempt *h)
{
	struct check_attempt *a = &h->base;
	const struct check_url *u = &a->probe->params->http->urls[h->url];
	close_conn(h, true);
	a->has_digest = true;
	memcpy(a->digest, h->parse.digest, sizeof(a->digest));
	if (!status_ok(u, h->parse.status)) {
		char ranges[96];
		status_ranges(u, ranges, sizeof(ranges));
		check_finish(a, false, "url %s: HTTP status %d not in %s", u->path, h->parse.status, ranges);
		return;
	}
	if (u->has_digest && memcmp(u->digest, h->parse.digest, 16) != 0) {
		char got[33], want[33];
		http_digest_hex(h->parse.digest, got);
		http_digest_hex(u->digest, want);
		check_finish(a, false, "url %s: digest %s, expected %s", u->path, got, want);
		return;
	}
	if (u->regex_compiled) {
		h->window[h->window_len] = '\0';
		bool matched = check_regex_match(u->regex_compiled, h->window, u->regex_min_offset, u->regex_max_offset);
		drop_window(h);
		if (matched == u->regex_no_match) {
			check_finish(a, false, "url %s: body %s regex '%.40s'", u->path,
				     matched ? "matches (regex_no_match)" : "does not match", u->regex);
			return;
		}
	}
	if (h->url < h->last_url) {
		h->url++;
		start_url(h);
		return;
	}
	check_succeed(a);
}

static void fail_url(struct http_attempt *h, const char *what, const char *detail)
{
	const struct check_url *u = &h->base.probe->params->http->urls[h->url];
	check_finish(&h->base, false, "url %s: %s%s%s", u->path, what, detail ? ": " : "", detail ? detail : "");
}

/* A plain read or send result in conn_read's terms. */
static long plain_result(ssize_t n, char *err, size_t errsize)
{
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR)
		return -1;
	snprintf(err, errsize, "%s", strerror(errno));
	return -2;
}

/* read or TLS read: >0 bytes, 0 end of stream, -1 would block, -2 error (err set). */
static long conn_read(struct http_attempt *h, void *buf, size_t len, char *err, size_t errsize)
{
	if (h->tls) {
		long n = check_tls_read(h->tls, buf, len, err, errsize);
		return n > 0 ? n : n == CHECK_TLS_EOF ? 0 : n == CHECK_TLS_ERROR ? -2 : -1;
	}
	return plain_result(read(h->base.fd, buf, len), err, errsize);
}

static long conn_write(struct http_attempt *h, const void *buf, size_t len, char *err, size_t errsize)
{
	if (h->tls) {
		long n = check_tls_write(h->tls, buf, len, err, errsize);
		return n > 0 ? n : n == CHECK_TLS_ERROR || n == CHECK_TLS_EOF ? -2 : -1;
	}
	return plain_result(send(h->base.fd, buf, len, MSG_NOSIGNAL), err, errsize);
}

static void watch(struct http_attempt *h, unsigned events)
{
	loop_io_watch(h->base.probe->ctx->loop, &h->base.io, events);
}

static void do_handshake(struct http_attempt *h)
{
	char err[96];
	int r = check_tls_handshake(h->tls, err, sizeof(err));
	if (r == CHECK_TLS_WANT_READ || r == CHECK_TLS_WANT_WRITE) {
		watch(h, r == CHECK_TLS_WANT_READ ? LOOP_READ : LOOP_WRITE);
		return;
	}
	if (r != CHECK_TLS_OK) {
		fail_url(h, "TLS handshake", err);
		return;
	}
	h->base.tls_resumed = check_tls_resumed(h->tls);
	h->phase = PH_SEND;
	h->base.phase = "send";
	watch(h, LOOP_WRITE);
}

/* True when the request can go out now; false when a TLS handshake is
 * under way or the attempt has finished (h is then freed). */
static bool connected(struct http_attempt *h)
{
	struct check_attempt *a = &h->base;
	const struct check_params *p = a->probe->params;
	if (!p->http->tls) {
		h->phase = PH_SEND;
		a->phase = "send";
		return true;
	}
	if (!check_tls_open) {
		check_finish(a, false, "SSL_GET: this build has no TLS support");
		return false;
	}
	const struct check_url *u = &p->http->urls[h->url];
	const char *sni = NULL;
	if (p->http->enable_sni)
		sni = u->virtualhost;
	char err[96];
	h->tls = check_tls_open(a->probe, a->fd, sni, err, sizeof(err));
	if (!h->tls) {
		fail_url(h, "TLS", err);
		return false;
	}
	h->phase = PH_HANDSHAKE;
	a->phase = "TLS handshake";
	do_handshake(h);
	return false;
}

static void on_io(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)loop;
	struct http_attempt *h = io->arg;
	struct check_attempt *a = &h->base;
	char err[96];

	if (h->phase == PH_CONNECT) {
		/* writable without an error or hang-up: connected */
		int e = events & LOOP_ERROR ? check_socket_error(a->fd) : 0;
		if (e) {
			fail_url(h, "connect", strerror(e));
			return;
		}
		if (!connected(h))
			return;
	}
	if (h->phase == PH_HANDSHAKE) {
		do_handshake(h);
		return;
	}
	if (h->phase == PH_SEND) {
		long n = conn_write(h, h->request + h->sent, h->request_len - h->sent, err, sizeof(err));
		if (n == -2) {
			fail_url(h, "sending request", err);
			return;
		}
		if (n > 0)
			h->sent += (size_t)n;
		if (h->sent < h->request_len) {
			watch(h, LOOP_WRITE);
			return;
		}
		h->phase = PH_REPLY;
		a->phase = "reply";
		watch(h, LOOP_READ);
		return;
	}
	/* PH_REPLY: a bounded number of reads per wake-up, so one fast peer
	 * cannot hold the loop */
	char buf[4096];
	for (int round = 0; round < 16; round++) {
		long n = conn_read(h, buf, sizeof(buf), err, sizeof(err));
		if (n == -1)
			return;
		if (n == -2) {
			fail_url(h, "reading reply", err);
			return;
		}
		int r = n == 0 ? http_parse_eof(&h->parse) : http_parse_feed(&h->parse, buf, (size_t)n, NULL);
		if (r == HTTP_ERROR) {
			fail_url(h, h->parse.error, NULL);
			return;
		}
		if (r == HTTP_DONE) {
			judge(h);
			return;
		}
	}
}

static void http_start(struct check_attempt *a)
{
	struct http_attempt *h = (struct http_attempt *)a;
	const struct check_http *hp = a->probe->params->http;
	if (!hp || hp->nurls == 0) {
		check_finish(a, false, "no url to check");
		return;
	}
	if (a->url_index >= hp->nurls) {
		check_finish(a, false, "no url number %d", a->url_index);
		return;
	}
	h->url = a->url_index < 0 ? 0 : a->url_index;
	h->last_url = a->url_index < 0 ? hp->nurls - 1 : a->url_index;
	start_url(h);
}

static void http_cleanup(struct check_attempt *a)
{
	struct http_attempt *h = (struct http_attempt *)a;
	if (h->tls) {
		check_tls_close(h->tls, false);
		h->tls = NULL;
	}
	drop_window(h);
}

const struct check_ops check_http_ops = {
	.attempt_size = sizeof(struct http_attempt),
	.start = http_start,
	.cleanup = http_cleanup,
};
