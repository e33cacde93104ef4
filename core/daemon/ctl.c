/*
 * ctl.c - control socket server on the event loop and its blocking client
 * (see ctl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <poll.h>
#include <stdbool.h>
#include "ctl.h"
#include "json.h"
#include "log.h"

void ctl_json_str(struct strbuf *b, const char *s)
{
	if (!s)
		s = "";
	json_quote(b, s, strlen(s));
}

static void conn_close(struct ctl_conn *c)
{
	struct loop *loop = c->server->loop;

	loop_io_stop(loop, &c->io);
	loop_timer_cancel(loop, &c->deadline);
	close(c->io.fd);
	strbuf_free(&c->reply);
	c->in_use = false;
}

/* The next bytes to send: the head, then the reply. */
static const char *conn_pending(const struct ctl_conn *c, size_t *len)
{
	if (c->sent < c->head_len) {
		*len = c->head_len - c->sent;
		return c->head + c->sent;
	}
	*len = c->head_len + c->reply.len - c->sent;
	return c->reply.data + (c->sent - c->head_len);
}

/* Sends what the socket takes; the rest waits for LOOP_WRITE. Every call
 * that moves bytes re-arms the deadline: it counts silence, not the time
 * a big reply takes to a reader that keeps reading. */
static void conn_write(struct ctl_conn *c)
{
	bool progress = false;
	size_t len;
	const char *at;

	while ((at = conn_pending(c, &len)), len > 0) {
		ssize_t n = send(c->io.fd, at, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				break;
			if (progress)
				loop_timer_arm(c->server->loop, &c->deadline, CTL_IDLE_TIMEOUT_MS);
			return;
		}
		c->sent += (size_t)n;
		progress = true;
	}
	conn_close(c);
}

void ctl_parse_request(char *line, struct ctl_request_line *req)
{
	size_t len = strlen(line);
	size_t prefix = strlen(CTL_SIZED);

	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	req->sized = strncmp(line, CTL_SIZED, prefix) == 0;
	req->command = req->sized ? line + prefix : line;
}

size_t ctl_answer(char *line, ctl_handler_fn *handler, void *arg,
		  struct strbuf *reply, char head[CTL_HEAD_MAX])
{
	struct ctl_request_line req;
	char error[CTL_HEAD_MAX] = "";

	ctl_parse_request(line, &req);
	strbuf_free(reply);
	reply->max = CTL_MAX_REPLY;
	handler(req.command, reply, arg);
	if (!reply->oom && req.sized && reply->len >= 6 && memcmp(reply->data, "error:", 6) == 0) {
		size_t line = strcspn(reply->data, "\n");
		if (line > CTL_HEAD_MAX - 2)
			line = CTL_HEAD_MAX - 2;
		snprintf(error, sizeof(error), "%.*s\n", (int)line, reply->data);
		strbuf_free(reply);
	}
	if (reply->oom) {
		/* A reply grows a line at a time, so its allocation has reached the
		 * cap by the time an append is refused for going over it; short of
		 * the cap, the refusal was the allocator's. */
		if (reply->cap >= CTL_MAX_REPLY)
			snprintf(error, sizeof(error), "error: the reply is over the %u MiB a control socket sends\n",
				 CTL_MAX_REPLY >> 20);
		else
			snprintf(error, sizeof(error), "error: out of memory\n");
		strbuf_free(reply);
	}
	head[0] = '\0';
	if (!req.sized) {
		/* Bare: whatever it is, it is the reply. */
		if (error[0])
			strbuf_puts(reply, error);
		return 0;
	}
	int n = error[0] ? snprintf(head, CTL_HEAD_MAX, "%s", error)
			 : snprintf(head, CTL_HEAD_MAX, "%zu\n", reply->len);
	return n > 0 ? (size_t)n : 0;
}

static void conn_answer(struct ctl_conn *c)
{
	struct ctl_server *srv = c->server;

	c->request[c->request_len] = '\0';
	srv->peer_known = c->peer_known;
	srv->peer_uid = c->peer_uid;
	srv->peer_pid = c->peer_pid;
	c->head_len = ctl_answer(c->request, srv->handler, srv->arg, &c->reply, c->head);
	srv->peer_known = false;
	c->sent = 0;
	/* The reply's time starts now, however long the handler took. */
	loop_timer_arm(srv->loop, &c->deadline, CTL_IDLE_TIMEOUT_MS);
	loop_io_watch(srv->loop, &c->io, LOOP_WRITE);
	conn_write(c);
}

static void on_conn_io(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct ctl_conn *c = io->arg;
	(void)loop;

	if (c->io.events & LOOP_WRITE) {
		conn_write(c);
		return;
	}
	if (events & (LOOP_READ | LOOP_ERROR)) {
		size_t room = sizeof(c->request) - 1 - c->request_len;
		ssize_t n = recv(io->fd, c->request + c->request_len, room, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (n <= 0 && c->request_len == 0) {
			conn_close(c);
			return;
		}
		if (n > 0)
			c->request_len += (size_t)n;
		char *nl = memchr(c->request, '\n', c->request_len);
		if (nl) {
			c->request_len = (size_t)(nl - c->request);
		} else if (n > 0 && c->request_len < sizeof(c->request) - 1) {
			return;   /* more of the line to come */
		}
		/* A line, end of input, or a full buffer: answer what we have. */
		conn_answer(c);
	}
}

static void on_conn_deadline(struct loop *loop, struct loop_timer *timer)
{
	(void)loop;
	conn_close(timer->arg);
}

static void on_accept(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct ctl_server *srv = io->arg;
	(void)events;

	/* Bounded: at most as many as there are free slots, plus one to refuse. */
	for (int round = 0; round <= CTL_MAX_CONNS; round++) {
		int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct ctl_conn *c = NULL;
		for (int i = 0; i < CTL_MAX_CONNS && !c; i++)
			if (!srv->conns[i].in_use)
				c = &srv->conns[i];
		if (!c) {
			close(fd);
			continue;
		}
		memset(c, 0, sizeof(*c));
		c->in_use = true;
		c->server = srv;
		struct ucred cred;
		socklen_t cred_len = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len) == 0 && cred_len == sizeof(cred)) {
			c->peer_known = true;
			c->peer_uid = cred.uid;
			c->peer_pid = cred.pid;
		}
		loop_io_init(&c->io, fd, on_conn_io, c);
		loop_timer_init(&c->deadline, on_conn_deadline, c);
		if (loop_io_watch(loop, &c->io, LOOP_READ) != 0 ||
		    loop_timer_arm(loop, &c->deadline, CTL_IDLE_TIMEOUT_MS) != 0) {
			conn_close(c);
		}
	}
}

int ctl_unix_addr(struct sockaddr_un *addr, const char *path)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(addr->sun_path))
		return -ENAMETOOLONG;
	memcpy(addr->sun_path, path, strlen(path));
	return 0;
}

/*
 * A socket file left by a daemon that died holds the name and may go; a
 * live daemon answers a connect, and then the name is not ours to take.
 * Anything else at path (a regular file, a directory, a symlink) is
 * somebody's and stays: -ENOTSOCK. 0 when path is free.
 */
static int ctl_clear_stale(const char *path, const struct sockaddr_un *addr)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc = connect(fd, (const struct sockaddr *)addr, sizeof(*addr));
	int err = errno;
	close(fd);
	if (rc == 0 || err == EAGAIN)   /* EAGAIN: a live one with a full backlog */
		return -EADDRINUSE;
	if (err != ECONNREFUSED && err != ENOENT)
		return -err;
	if (unlink(path) != 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int ctl_listen(struct ctl_server *srv, struct loop *loop, const char *path,
	       ctl_handler_fn *handler, void *arg)
{
	struct sockaddr_un addr;
	int fd, err;

	memset(srv, 0, sizeof(*srv));
	srv->listen_io.fd = -1;
	if (ctl_unix_addr(&addr, path) != 0 || strlen(path) >= sizeof(srv->path))
		return -ENAMETOOLONG;
	if (strncmp(path, CTL_DIR "/", sizeof(CTL_DIR)) == 0)
		mkdir(CTL_DIR, 0755);
	strcpy(srv->path, path);
	srv->loop = loop;
	srv->handler = handler;
	srv->arg = arg;
	err = ctl_clear_stale(path, &addr);
	if (err != 0)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	mode_t old_mask = umask(0077);
	err = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old_mask);
	if (err != 0 || listen(fd, CTL_MAX_CONNS) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	loop_io_init(&srv->listen_io, fd, on_accept, srv);
	if (loop_io_watch(loop, &srv->listen_io, LOOP_READ) != 0) {
		err = -errno;
		close(fd);
		unlink(path);
		return err;
	}
	return 0;
}

void ctl_close(struct ctl_server *srv)
{
	if (srv->listen_io.fd < 0 || !srv->loop)
		return;
	for (int i = 0; i < CTL_MAX_CONNS; i++)
		if (srv->conns[i].in_use)
			conn_close(&srv->conns[i]);
	loop_io_stop(srv->loop, &srv->listen_io);
	close(srv->listen_io.fd);
	srv->listen_io.fd = -1;
	unlink(srv->path);
}

/* Writes all n bytes at buf to fd; false when fd fails. */
static bool write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		n -= (size_t)w;
	}
	return true;
}

/* The head line (without its newline) into res: the announced length, or
 * the daemon's error line. 0, -EREMOTEIO or -EPROTO. */
static int parse_head(const char *line, struct ctl_result *res)
{
	if (strncmp(line, "error:", 6) == 0) {
		snprintf(res->error, sizeof(res->error), "%s", line);
		return -EREMOTEIO;
	}
	size_t len = 0;
	const char *p = line;
	for (; *p >= '0' && *p <= '9' && len <= CTL_MAX_REPLY; p++)
		len = len * 10 + (size_t)(*p - '0');
	if (p == line || *p != '\0' || len > CTL_MAX_REPLY)
		return -EPROTO;
	res->expected = len;
	return 0;
}

int ctl_request(const char *path, const char *command, int out_fd, struct ctl_result *res)
{
	struct ctl_result ignored;
	struct sockaddr_un addr;
	char line[CTL_MAX_REQUEST + sizeof(CTL_SIZED)];
	char head[CTL_HEAD_MAX];
	size_t head_len = 0;
	bool have_head = false;
	char buf[65536];
	int fd, err = 0;

	if (!res)
		res = &ignored;
	memset(res, 0, sizeof(*res));
	if (ctl_unix_addr(&addr, path) != 0)
		return -ENAMETOOLONG;
	int line_len = snprintf(line, sizeof(line), CTL_SIZED "%s\n", command);
	if (line_len < 0 || (size_t)line_len >= sizeof(line))
		return -EINVAL;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (send(fd, line, (size_t)line_len, MSG_NOSIGNAL) != line_len) {
		err = -errno;
		close(fd);
		return err;
	}
	/* Until the daemon closes: a whole reply is followed by nothing else. */
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ready = poll(&pfd, 1, CTL_CLIENT_TIMEOUT_MS);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			err = ready == 0 ? -ETIMEDOUT : -errno;
			break;
		}
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno == ECONNRESET ? -EPIPE : -errno;
			break;
		}
		if (n == 0)
			break;
		const char *body = buf;
		size_t body_len = (size_t)n;
		if (!have_head) {
			const char *nl = memchr(buf, '\n', body_len);
			size_t take = nl ? (size_t)(nl - buf) + 1 : body_len;
			if (head_len + take > sizeof(head)) {
				err = -EPROTO;
				break;
			}
			memcpy(head + head_len, buf, take);
			head_len += take;
			body += take;
			body_len -= take;
			if (!nl)
				continue;
			head[head_len - 1] = '\0';
			have_head = true;
			err = parse_head(head, res);
			if (err != 0)
				break;
		}
		if (body_len > res->expected - res->received) {
			err = -EPROTO;   /* more than it announced */
			break;
		}
		if (!write_all(out_fd, body, body_len)) {
			err = -EIO;
			break;
		}
		res->received += body_len;
	}
	close(fd);
	if (err == 0 && (!have_head || res->received < res->expected))
		err = -EPIPE;
	return err;
}
