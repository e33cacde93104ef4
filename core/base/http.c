/*
 * http.c - request parser and the server on the event loop (see http.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/socket.h>
#include "http.h"
#include "log.h"

/* ---- the parser ---- */

/* RFC 9110 section 5.6.2: the characters of a token. */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* The line at buf[*at...] up to its LF (a CR before the LF is cut);
 * false when no LF has arrived yet. */
static bool next_line(const char *buf, size_t len, size_t *at, const char **line, size_t *n)
{
	const char *p = buf + *at;
	const char *lf = memchr(p, '\n', len - *at);

	if (!lf)
		return false;
	*line = p;
	*n = (size_t)(lf - p);
	if (*n && p[*n - 1] == '\r')
		(*n)--;
	*at = (size_t)(lf - buf) + 1;
	return true;
}

static int refuse(int status, const char *reason, const char **why)
{
	*why = reason;
	return status;
}

static int parse_request_line(const char *s, size_t n, struct http_request *req, const char **why)
{
	size_t i = 0, m;

	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	m = i;
	if (m == 0 || m > 16 || i >= n || s[i] != ' ')
		return refuse(400, "malformed request line", why);
	const char *method = s;
	size_t t0 = ++i;
	while (i < n && (unsigned char)s[i] > ' ' && (unsigned char)s[i] < 0x7f)
		i++;
	size_t tn = i - t0;
	if (tn == 0 || i >= n || s[i] != ' ' || s[t0] != '/')
		return refuse(400, "malformed request target", why);
	i++;
	if (n - i != 8 || memcmp(s + i, "HTTP/", 5) != 0 || s[i + 6] != '.' ||
	    s[i + 5] < '0' || s[i + 5] > '9' || s[i + 7] < '0' || s[i + 7] > '9')
		return refuse(400, "malformed HTTP version", why);
	if (s[i + 5] != '1' || (s[i + 7] != '0' && s[i + 7] != '1'))
		return refuse(505, "HTTP version not supported", why);
	req->minor = s[i + 7] - '0';
	const char *q = memchr(s + t0, '?', tn);
	size_t pn = q ? (size_t)(q - (s + t0)) : tn;
	if (pn >= sizeof(req->path))
		return refuse(414, "request target too long", why);
	memcpy(req->path, s + t0, pn);
	req->path[pn] = '\0';
	if (m == 3 && memcmp(method, "GET", 3) == 0)
		req->head = false;
	else if (m == 4 && memcmp(method, "HEAD", 4) == 0)
		req->head = true;
	else
		return refuse(405, "method not allowed", why);
	return 0;
}

/* name ":" OWS value OWS; value bytes are VCHAR, SP, HTAB or obs-text. */
static int parse_header(const char *s, size_t n, int *hosts, const char **why)
{
	size_t i = 0;

	if (n && (s[0] == ' ' || s[0] == '\t'))
		return refuse(400, "folded header line", why);
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != ':')
		return refuse(400, "malformed header line", why);
	if (i == 4 && strncasecmp(s, "host", 4) == 0)
		(*hosts)++;
	for (i++; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < ' ' && c != '\t') || c == 0x7f)
			return refuse(400, "control character in a header", why);
	}
	return 0;
}

int http_parse_request(const char *buf, size_t len, struct http_request *req, const char **why)
{
	size_t at = 0, n;
	const char *line;
	int rc, headers = 0, hosts = 0;

	*why = NULL;
	if (len > HTTP_MAX_REQUEST)
		return refuse(431, "request too long", why);
	memset(req, 0, sizeof(*req));
	/* RFC 9112 2.2: empty lines before the request line are skipped */
	while (at < len && (buf[at] == '\r' || buf[at] == '\n')) {
		if (buf[at] == '\r' && (at + 1 >= len || buf[at + 1] != '\n'))
			break;
		at++;
	}
	if (!next_line(buf, len, &at, &line, &n))
		goto incomplete;
	if (memchr(line, '\r', n) || memchr(line, '\0', n))
		return refuse(400, "stray CR or NUL in the request line", why);
	if ((rc = parse_request_line(line, n, req, why)) != 0)
		return rc;
	for (;;) {
		if (!next_line(buf, len, &at, &line, &n))
			goto incomplete;
		if (n == 0)
			break;
		if (++headers > HTTP_MAX_HEADERS)
			return refuse(431, "too many header lines", why);
		if ((rc = parse_header(line, n, &hosts, why)) != 0)
			return rc;
	}
	if (hosts > 1 || (req->minor == 1 && hosts == 0))
		return refuse(400, hosts ? "more than one Host header" : "HTTP/1.1 request without Host", why);
	return 200;
incomplete:
	if (len >= HTTP_MAX_REQUEST)
		return refuse(431, "request too long", why);
	return 0;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

/* ---- the listen address ---- */

int http_parse_listen(const char *text, struct sockaddr_storage *sa, unsigned *salen, char *why, size_t whysize)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *port_text;

	memset(sa, 0, sizeof(*sa));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':' || (size_t)(close - text - 1) >= sizeof(host))
			goto bad;
		memcpy(host, text + 1, (size_t)(close - text - 1));
		host[close - text - 1] = '\0';
		port_text = close + 2;
	} else {
		colon = strrchr(text, ':');
		if (!colon || (size_t)(colon - text) >= sizeof(host) || memchr(text, ':', (size_t)(colon - text)))
			goto bad;
		memcpy(host, text, (size_t)(colon - text));
		host[colon - text] = '\0';
		port_text = colon + 1;
	}
	char *end;
	errno = 0;
	unsigned long port = strtoul(port_text, &end, 10);
	if (!*port_text || *end || errno || port == 0 || port > 65535 || *port_text == '-' || *port_text == '+')
		goto bad;
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
	if (text[0] != '[' && inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*salen = sizeof(*s4);
		return 0;
	}
	if (text[0] == '[' && inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*salen = sizeof(*s6);
		return 0;
	}
bad:
	snprintf(why, whysize, "'%s': not ADDR:PORT (a numeric IPv4 address, or IPv6 in brackets, and a port 1-65535)", text);
	return -1;
}

/* ---- the server ---- */

static void conn_close(struct http_conn *c)
{
	struct loop *loop = c->server->loop;

	loop_io_stop(loop, &c->io);
	loop_timer_cancel(loop, &c->deadline);
	close(c->io.fd);
	strbuf_free(&c->out);
	c->in_use = false;
}

static void conn_write(struct http_conn *c)
{
	while (c->sent < c->out.len) {
		ssize_t n = send(c->io.fd, c->out.data + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				loop_io_watch(c->server->loop, &c->io, LOOP_WRITE);
				loop_timer_arm(c->server->loop, &c->deadline, HTTP_IDLE_TIMEOUT_MS);
				return;
			}
			break;
		}
		c->sent += (size_t)n;
	}
	/* what the client sent after its request is not read: shut down
	 * our side so the answer is not cut by a reset */
	shutdown(c->io.fd, SHUT_WR);
	conn_close(c);
}

static void conn_answer(struct http_conn *c, int status, const struct http_request *req, const char *why)
{
	struct http_server *srv = c->server;
	struct http_reply reply = { .status = 200, .content_type = "text/plain; charset=utf-8" };
	bool head = req && req->head;

	if (status == 200) {
		srv->requests++;
		srv->handler(req, &reply, srv->arg);
		if (reply.body.oom) {
			strbuf_free(&reply.body);
			reply.status = 500;
			reply.content_type = "text/plain; charset=utf-8";
			strbuf_puts(&reply.body, "out of memory\n");
		}
	} else {
		srv->refused++;
		log_debug("http: request refused (%d): %s", status, why ? why : "");
		reply.status = status;
		strbuf_printf(&reply.body, "%d %s\n", status, http_reason(status));
	}
	strbuf_printf(&c->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		      "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
		      reply.status, http_reason(reply.status), reply.content_type, reply.body.len);
	if (!head && reply.body.len)
		strbuf_append(&c->out, reply.body.data, reply.body.len);
	strbuf_free(&reply.body);
	if (c->out.oom) {
		conn_close(c);
		return;
	}
	c->writing = true;
	c->sent = 0;
	conn_write(c);
}

static void conn_read(struct http_conn *c)
{
	struct http_request req;
	const char *why;

	for (;;) {
		if (c->in_len == sizeof(c->in)) {
			conn_answer(c, 431, NULL, "request too long");
			return;
		}
		ssize_t n = recv(c->io.fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->in_len += (size_t)n;
		int rc = http_parse_request(c->in, c->in_len, &req, &why);
		if (rc != 0) {
			conn_answer(c, rc, rc == 200 ? &req : NULL, why);
			return;
		}
		/* the deadline armed at accept stands: the whole request
		 * must come within it, however slowly it trickles in */
	}
}

static void on_conn_io(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct http_conn *c = io->arg;
	(void)loop;

	if (c->writing)
		conn_write(c);
	else if (events & (LOOP_READ | LOOP_ERROR))
		conn_read(c);
}

static void on_conn_deadline(struct loop *loop, struct loop_timer *timer)
{
	(void)loop;
	conn_close(timer->arg);
}

static void on_accept(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct http_server *srv = io->arg;
	(void)events;

	for (;;) {
		int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct http_conn *c = NULL;
		for (int i = 0; i < HTTP_MAX_CONNS && !c; i++)
			if (!srv->conns[i].in_use)
				c = &srv->conns[i];
		if (!c) {
			srv->turned_away++;
			close(fd);
			continue;
		}
		memset(c, 0, sizeof(*c));
		c->server = srv;
		c->in_use = true;
		loop_io_init(&c->io, fd, on_conn_io, c);
		loop_timer_init(&c->deadline, on_conn_deadline, c);
		if (loop_io_watch(loop, &c->io, LOOP_READ) != 0) {
			close(fd);
			c->in_use = false;
			continue;
		}
		loop_timer_arm(loop, &c->deadline, HTTP_IDLE_TIMEOUT_MS);
	}
}

int http_listen(struct http_server *srv, struct loop *loop, const char *text, http_handler_fn *handler, void *arg)
{
	struct sockaddr_storage sa;
	unsigned salen;
	char why[160];
	int one = 1;

	memset(srv, 0, sizeof(*srv));
	srv->listen_io.fd = -1;
	if (http_parse_listen(text, &sa, &salen, why, sizeof(why)) != 0)
		return -EINVAL;
	int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sa.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, salen) != 0 || listen(fd, 16) != 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	srv->loop = loop;
	srv->handler = handler;
	srv->arg = arg;
	loop_io_init(&srv->listen_io, fd, on_accept, srv);
	if (loop_io_watch(loop, &srv->listen_io, LOOP_READ) != 0) {
		int err = errno;
		close(fd);
		srv->listen_io.fd = -1;
		return -err;
	}
	return 0;
}

void http_close(struct http_server *srv)
{
	if (!srv->loop)
		return;
	for (int i = 0; i < HTTP_MAX_CONNS; i++)
		if (srv->conns[i].in_use)
			conn_close(&srv->conns[i]);
	loop_io_stop(srv->loop, &srv->listen_io);
	if (srv->listen_io.fd >= 0)
		close(srv->listen_io.fd);
	srv->listen_io.fd = -1;
	srv->loop = NULL;
}
