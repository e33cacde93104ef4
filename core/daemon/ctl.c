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

static void conn_write(struct ctl_conn *c)
{
	while (c->sent < c->reply.len) {
		ssize_t n = send(c->io.fd, c->reply.data + c->sent, c->reply.len - c->sent,
				 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			break;
		}
		c->sent += (size_t)n;
	}
	conn_close(c);
}

static void conn_answer(struct ctl_conn *c)
{
	struct ctl_server *srv = c->server;

	c->request[c->request_len] = '\0';
	c->reply.max = CTL_MAX_REPLY;
	srv->handler(c->request, &c->reply, srv->arg);
	if (c->reply.oom) {
		strbuf_free(&c->reply);
		strbuf_puts(&c->reply, "error: out of memory\n");
	}
	c->sent = 0;
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
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
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
		if (c->request_len && c->request[c->request_len - 1] == '\r')
			c->request_len--;
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
		loop_io_init(&c->io, fd, on_conn_io, c);
		loop_timer_init(&c->deadline, on_conn_deadline, c);
		if (loop_io_watch(loop, &c->io, LOOP_READ) != 0 ||
		    loop_timer_arm(loop, &c->deadline, CTL_REQUEST_TIMEOUT_MS) != 0) {
			conn_close(c);
		}
	}
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
	if (strlen(path) >= sizeof(addr.sun_path) || strlen(path) >= sizeof(srv->path))
		return -ENAMETOOLONG;
	if (strncmp(path, CTL_DIR "/", sizeof(CTL_DIR)) == 0)
		mkdir(CTL_DIR, 0755);
	strcpy(srv->path, path);
	srv->loop = loop;
	srv->handler = handler;
	srv->arg = arg;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	strcpy(addr.sun_path, path);
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

int ctl_request(const char *path, const char *command, int out_fd)
{
	struct sockaddr_un addr;
	char buf[4096];
	int fd, err = 0;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	size_t len = strlen(command);
	if (send(fd, command, len, MSG_NOSIGNAL) != (ssize_t)len ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) != 1) {
		err = -errno;
		close(fd);
		return err;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ready = poll(&pfd, 1, CTL_REQUEST_TIMEOUT_MS * 2);
		if (ready <= 0) {
			err = ready == 0 ? -ETIMEDOUT : -errno;
			break;
		}
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out_fd, buf + off, (size_t)(n - off));
			if (w <= 0) {
				close(fd);
				return -EIO;
			}
			off += w;
		}
	}
	close(fd);
	return err;
}
