/*
 * test_ctl.c - core/ctl: a client process talks to the server on a real
 * event loop (answers, unknown commands, a request cut short, a reply
 * larger than a socket buffer, a silent client timed out while others are
 * served), JSON string escaping per RFC 8259, and a live socket's name not
 * being taken over.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "ctl.h"
#include "loop.h"
#include "unit.h"

static struct loop loop;
static char sock_path[108];
static int requests_seen;

static void handler(const char *command, struct ctl_buf *reply, void *arg)
{
	(void)arg;
	requests_seen++;
	if (strcmp(command, "status") == 0) {
		ctl_puts(reply, "all good\n");
	} else if (strcmp(command, "big") == 0) {
		for (int i = 0; i < 20000; i++)
			ctl_printf(reply, "line %05d\n", i);
	} else {
		ctl_printf(reply, "unknown: %s\n", command);
	}
}

static void on_guard(struct loop *l, struct loop_timer *t)
{
	(void)t;
	loop_break(l);
}

/* Forks a client that runs fn writing what it gets to a file (a pipe
 * would fill up and stall a client the test is not yet reading). */
static pid_t client(int (*fn)(int out), char *out_path)
{
	int fd = mkstemp(out_path);
	if (fd < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(fd) == 0 ? 0 : 1);
	close(fd);
	return pid;
}

static char *slurp(const char *path)
{
	size_t len = 0, cap = 1 << 20;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd = open(path, O_RDONLY);
	while (buf && fd >= 0 && (n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	if (buf)
		buf[len] = '\0';
	if (fd >= 0)
		close(fd);
	unlink(path);
	return buf;
}

/* Serves until the client exits or 10 s pass; returns its wait status. */
static int serve(pid_t pid)
{
	struct loop_timer guard;
	int status = -1;
	loop_timer_init(&guard, on_guard, NULL);
	for (int round = 0; round < 500; round++) {
		loop_timer_arm(&loop, &guard, 20);
		loop_run(&loop);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	loop_timer_cancel(&loop, &guard);
	return status;
}

static int ask_status(int out) { return ctl_request(sock_path, "status", out); }
static int ask_other(int out) { return ctl_request(sock_path, "frobnicate", out); }
static int ask_big(int out) { return ctl_request(sock_path, "big", out); }

/* A request with no newline, then end of input: still answered. */
static int ask_unterminated(int out)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[256];
	ssize_t n;
	strcpy(addr.sun_path, sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		return 1;
	if (write(fd, "status", 6) != 6)
		return 1;
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return 1;
	return 0;
}

/* Connects and says nothing; then a second connection asks normally. */
static int silent_then_status(int out)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	strcpy(addr.sun_path, sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		return 1;
	int rc = ctl_request(sock_path, "status", out);
	char c;
	/* The server gives up on the silent one: read sees end of file. */
	ssize_t n = read(fd, &c, 1);
	close(fd);
	return rc == 0 && n == 0 ? 0 : 1;
}

static void run_case(int (*fn)(int out), const char *what, const char *expect)
{
	char out[] = "/tmp/test_ctl.out.XXXXXX";
	pid_t pid = client(fn, out);
	int status = serve(pid);
	char *got = slurp(out);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: client succeeded", what);
	CHECK(got && strcmp(got, expect) == 0, "%s: answer", what);
	free(got);
}

static void test_json(void)
{
	struct ctl_buf b = { 0 };
	ctl_json_str(&b, "a\"b\\c\nd\te\x01");
	CHECK(b.data && strcmp(b.data, "\"a\\\"b\\\\c\\nd\\te\\u0001\"") == 0,
	      "JSON escapes quote, backslash, controls (RFC 8259 section 7)");
	ctl_buf_free(&b);
	ctl_json_str(&b, "plain é");
	CHECK(b.data && strcmp(b.data, "\"plain é\"") == 0, "UTF-8 passes through");
	ctl_buf_free(&b);
}

int main(void)
{
	struct ctl_server srv, second;

	signal(SIGPIPE, SIG_IGN);
	snprintf(sock_path, sizeof(sock_path), "/tmp/test_ctl.%d.sock", (int)getpid());
	test_json();
	CHECK(loop_init(&loop) == 0, "loop");
	CHECK(ctl_listen(&srv, &loop, sock_path, handler, NULL) == 0, "listening on %s", sock_path);
	CHECK(ctl_listen(&second, &loop, sock_path, handler, NULL) == -EADDRINUSE,
	      "a live daemon's socket is not taken over");

	run_case(ask_status, "status", "all good\n");
	run_case(ask_other, "unknown command", "unknown: frobnicate\n");
	run_case(ask_unterminated, "request without newline", "all good\n");
	run_case(silent_then_status, "silent client timed out, others served", "all good\n");

	/* The reply (220 kB) exceeds the socket buffer: the server must keep
	 * writing from the loop as the client reads. */
	char out[] = "/tmp/test_ctl.out.XXXXXX";
	pid_t pid = client(ask_big, out);
	serve(pid);
	char *got = slurp(out);
	CHECK(got && strlen(got) == 20000 * 11 && strstr(got, "line 19999\n"), "large reply arrives whole");
	free(got);

	ctl_close(&srv);
	CHECK(access(sock_path, F_OK) != 0, "socket file removed on close");
	CHECK(ctl_request(sock_path, "status", STDOUT_FILENO) < 0, "client fails cleanly with no daemon");
	loop_done(&loop);
	return unit_exit();
}
