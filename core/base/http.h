/*
 * http.h - the smallest HTTP/1.x server the daemons need: lvsd's metrics
 * scrape and status page. GET and HEAD only, one request per connection
 * (every answer says "Connection: close"), a whole request at most
 * HTTP_MAX_REQUEST bytes, on the event loop and never blocking it.
 *
 * The request parser is a pure function over the bytes read so far, so a
 * unit test and a fuzz harness reach it without a socket. What it refuses
 * is answered with a status and nothing else is read: 400 for anything
 * malformed (a request line that is not METHOD SP /PATH SP HTTP/1.x, a
 * header line without its colon or with a control byte, a folded header),
 * 431 for a request over the limit, 405 for a method other than GET/HEAD,
 * 505 for an HTTP version other than 1.0 and 1.1.
 */
#ifndef LVSBOX_HTTP_H
#define LVSBOX_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include "loop.h"
#include "strbuf.h"

#define HTTP_MAX_REQUEST 4096      /* request line and headers together */
#define HTTP_MAX_PATH 256
#define HTTP_MAX_HEADERS 64
#define HTTP_MAX_CONNS 8
#define HTTP_IDLE_TIMEOUT_MS 5000  /* for the whole request; then for each silence while answering */

struct http_request {
	bool head;                     /* HEAD: the answer has no body */
	int minor;                     /* HTTP/1.minor */
	char path[HTTP_MAX_PATH];      /* without its ?query */
};

/*
 * Reads the request in buf (len bytes so far). 0: not whole yet (no empty
 * line seen and len below HTTP_MAX_REQUEST); 200: whole and valid, req
 * filled; otherwise the status to refuse it with (400, 405, 431, 505) and
 * *why a short reason for the log.
 */
int http_parse_request(const char *buf, size_t len, struct http_request *req, const char **why);

/* The reason phrase of a status the server sends. */
const char *http_reason(int status);

/* What a handler fills in: status 200 unless it says otherwise. */
struct http_reply {
	int status;
	const char *content_type;
	struct strbuf body;
};

typedef void http_handler_fn(const struct http_request *req, struct http_reply *reply, void *arg);

struct http_conn {
	struct loop_io io;
	struct loop_timer deadline;
	struct http_server *server;
	char in[HTTP_MAX_REQUEST];
	size_t in_len;
	struct strbuf out;             /* the whole answer, head and body */
	size_t sent;
	bool in_use, writing;
};

struct http_server {
	struct loop *loop;
	struct loop_io listen_io;
	http_handler_fn *handler;
	void *arg;
	struct http_conn conns[HTTP_MAX_CONNS];
	unsigned long requests, refused, turned_away;
};

/*
 * Parses "ADDR:PORT" (IPv4, or an IPv6 address in brackets; numeric only)
 * into a socket address. 0, or -1 with why filled in.
 */
struct sockaddr_storage;
int http_parse_listen(const char *text, struct sockaddr_storage *sa, unsigned *salen, char *why, size_t whysize);

/* Binds and listens on text ("ADDR:PORT"); 0 or a negative errno
 * (-EINVAL when text does not parse). */
int http_listen(struct http_server *srv, struct loop *loop, const char *text, http_handler_fn *handler, void *arg);
/* Stops listening and closes every connection. */
void http_close(struct http_server *srv);

#endif
