/*
 * ctl.h - the control socket the daemons share: a unix stream socket (by
 * default under /run/lvsbox/) where a client writes one command line
 * ("status", "json") and reads the answer until the daemon closes.
 *
 * The server side lives on the event loop and never blocks it: connections
 * are non-blocking, a request must arrive within CTL_REQUEST_TIMEOUT_MS and
 * fit in one line. The client side is a plain blocking call for the CLI.
 */
#ifndef LVSBOX_CTL_H
#define LVSBOX_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include "loop.h"
#include "strbuf.h"

#define CTL_DIR "/run/lvsbox"
#define CTL_MAX_REQUEST 128
#define CTL_MAX_CONNS 8
#define CTL_REQUEST_TIMEOUT_MS 2000
/* Room for checkd's JSON with 30,000 real servers; grown only as needed. */
#define CTL_MAX_REPLY (32u << 20)

/* The reply is built in a strbuf whose allocation the server holds to
 * CTL_MAX_REPLY. The applets still call it by its old names. */
#define ctl_buf strbuf
#define ctl_printf strbuf_printf
#define ctl_puts strbuf_puts
#define ctl_buf_free strbuf_free

/* s as a JSON string with its quotes (json_quote's rule); NULL as "". */
void ctl_json_str(struct strbuf *b, const char *s);

/* Fills reply for the command (without its newline); unknown commands are
 * the handler's to answer. */
typedef void ctl_handler_fn(const char *command, struct strbuf *reply, void *arg);

struct ctl_conn {
	struct loop_io io;
	struct loop_timer deadline;
	struct ctl_server *server;
	char request[CTL_MAX_REQUEST];
	size_t request_len;
	struct strbuf reply;
	size_t sent;
	bool in_use;
};

struct ctl_server {
	struct loop *loop;
	struct loop_io listen_io;
	char path[108];
	ctl_handler_fn *handler;
	void *arg;
	struct ctl_conn conns[CTL_MAX_CONNS];
};

/* Binds path (replacing a stale socket, creating /run/lvsbox when the path
 * is under it) and starts accepting. 0 or a negative errno: -EADDRINUSE
 * when a daemon answers on path, -ENOTSOCK when something other than a
 * socket is there (it is left alone). */
int ctl_listen(struct ctl_server *srv, struct loop *loop, const char *path,
	       ctl_handler_fn *handler, void *arg);
/* Stops, closes every connection and removes the socket file. */
void ctl_close(struct ctl_server *srv);

/* Client: sends command, copies the answer to out_fd. 0 or a negative errno. */
int ctl_request(const char *path, const char *command, int out_fd);

#endif
