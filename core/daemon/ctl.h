/*
 * ctl.h - the control socket the daemons share: a unix stream socket (by
 * default under /run/lvsbox/) where a client writes one command line
 * ("status", "json") and reads the answer until the daemon closes.
 *
 * A reply can be megabytes (checkd's JSON with thousands of real servers),
 * so a client must be able to tell a whole reply from one cut short. A
 * request line "sized COMMAND" gets the reply's length first, as a decimal
 * line, then exactly that many bytes; a reply the daemon cannot give (over
 * CTL_MAX_REPLY, out of memory) is one "error: ..." line instead of the
 * length. A handler's reply that starts with "error:" is such a line too,
 * so that a client (lvsd ctl) can tell a refusal from an answer and exit
 * non-zero. A bare "COMMAND" gets the bare reply, for socat and nc users.
 *
 * Who asks: the server reads each client's credentials (SO_PEERCRED) when
 * it accepts, and a handler finds them in the server's peer fields while
 * it answers, to refuse state-changing commands to anyone but root.
 *
 * The server side lives on the event loop and never blocks it: connections
 * are non-blocking, a request must arrive whole, in one line, within
 * CTL_IDLE_TIMEOUT_MS, and then the reply is written as the client takes
 * it: a connection is dropped only when the client has taken nothing for
 * CTL_IDLE_TIMEOUT_MS, so a slow reader is served as long as it keeps
 * reading. The client side is a plain blocking call for the CLI.
 */
#ifndef LVSBOX_CTL_H
#define LVSBOX_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "loop.h"
#include "strbuf.h"

#define CTL_DIR "/run/lvsbox"
#define CTL_MAX_REQUEST 256
#define CTL_MAX_CONNS 8
#define CTL_IDLE_TIMEOUT_MS 2000
/* How long the client waits for a byte: longer, since a busy daemon
 * builds a big reply before it sends the first one. */
#define CTL_CLIENT_TIMEOUT_MS 10000
/* Room for the length line or the error line that replaces a reply. */
#define CTL_HEAD_MAX 256
/* The request prefix that asks for the length first. */
#define CTL_SIZED "sized "
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
	char head[CTL_HEAD_MAX];    /* sent before reply: its length line, or empty */
	size_t head_len;
	struct strbuf reply;
	size_t sent;                /* of head and reply together */
	bool in_use;
	bool peer_known;            /* SO_PEERCRED answered */
	uid_t peer_uid;
	pid_t peer_pid;
};

struct ctl_server {
	struct loop *loop;
	struct loop_io listen_io;
	char path[108];
	ctl_handler_fn *handler;
	void *arg;
	struct ctl_conn conns[CTL_MAX_CONNS];
	/* The client being answered, while the handler runs; peer_known is
	 * false at any other time (a dump signal asks without a client). */
	bool peer_known;
	uid_t peer_uid;
	pid_t peer_pid;
};

/* Fills addr for the socket at path; -ENAMETOOLONG when path does not fit
 * sun_path, so no caller truncates a name into somebody else's socket. */
struct sockaddr_un;
int ctl_unix_addr(struct sockaddr_un *addr, const char *path);
/* Binds path (replacing a stale socket, creating /run/lvsbox when the path
 * is under it) and starts accepting. 0 or a negative errno: -EADDRINUSE
 * when a daemon answers on path, -ENOTSOCK when something other than a
 * socket is there (it is left alone). */
int ctl_listen(struct ctl_server *srv, struct loop *loop, const char *path,
	       ctl_handler_fn *handler, void *arg);
/* Stops, closes every connection and removes the socket file. */
void ctl_close(struct ctl_server *srv);

/* What a request line asks: the command (pointing into the line) and
 * whether the reply is to be sized. line is NUL-terminated; a trailing
 * '\r' is cut off in place. */
struct ctl_request_line {
	const char *command;
	bool sized;
};
void ctl_parse_request(char *line, struct ctl_request_line *req);

/* Answers the request line (NUL-terminated, without its newline) with
 * handler: reply gets the text, head the length line of a sized request
 * (or "" for a bare one); returns the length of head. A reply that could
 * not be built whole becomes an "error: ..." line: in head for a sized
 * request (reply left empty), as the reply for a bare one. A reply the
 * handler starts with "error:" goes to head for a sized request too, its
 * first line only, cut to fit. */
size_t ctl_answer(char *line, ctl_handler_fn *handler, void *arg,
		  struct strbuf *reply, char head[CTL_HEAD_MAX]);

/* How a request went, for the client's message. */
struct ctl_result {
	size_t expected;            /* the length the daemon announced */
	size_t received;            /* reply bytes copied to out_fd */
	char error[CTL_HEAD_MAX];   /* the daemon's error line, without its newline */
};

/* Client: sends "sized COMMAND", copies the reply to out_fd as it arrives.
 * 0 only when the whole announced reply arrived and the daemon then
 * closed; otherwise a negative errno: -EREMOTEIO the daemon answered with
 * an error line (in res->error), -EPIPE it closed before the end (res
 * says how much came), -ETIMEDOUT it went silent, -EPROTO it answered
 * something else (an older daemon), -EIO out_fd failed. res may be NULL. */
int ctl_request(const char *path, const char *command, int out_fd, struct ctl_result *res);

#endif
