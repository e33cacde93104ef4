/*
 * test_ctl.c - core/ctl: a client process talks to the server on a real
 * event loop (answers, unknown commands, a request cut short, a reply
 * larger than a socket buffer, a silent client timed out while others are
 * served), JSON string escaping per RFC 8259, and a live socket's name not
 * being taken over. Large replies: tens of MB arrive byte-identical, also
 * to a reader that pauses and takes longer than the idle deadline in all;
 * a reply over the cap is an error line, not half a reply; a reader that
 * leaves mid-reply costs the server nothing; and the client fails, with
 * daemon_ctl_client exiting 1, when a server closes mid-reply, answers
 * with an error line or sends more than it announced. The handler sees the
 * client's uid as the kernel gives it (SO_PEERCRED), and a sized reply the
 * handler starts with "error:" reaches the client as an error (exit 1).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "ctl.h"
#include "ctl_fetch.h"
#include "daemon.h"
#include "loop.h"
#include "unit.h"

/* Numbered 100-byte lines: "huge" (28 MB) is under CTL_MAX_REPLY, "over"
 * (40 MB) is not. */
#define LINE_LEN 100
#define LINE_FMT "line %08d %.85s\n"
#define LINE_PAD "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz"
#define HUGE_LINES 280000
#define OVER_LINES 400000

static struct loop loop;
static char sock_path[108];
static int requests_seen;
static struct ctl_server *serving;

static void handler(const char *command, struct ctl_buf *reply, void *arg)
{
	(void)arg;
	requests_seen++;
	if (strcmp(command, "status") == 0) {
		ctl_puts(reply, "all good\n");
	} else if (strcmp(command, "big") == 0) {
		for (int i = 0; i < 20000; i++)
			ctl_printf(reply, "line %05d\n", i);
	} else if (strcmp(command, "huge") == 0 || strcmp(command, "over") == 0) {
		int lines = strcmp(command, "huge") == 0 ? HUGE_LINES : OVER_LINES;
		for (int i = 0; i < lines && !reply->oom; i++)
			ctl_printf(reply, LINE_FMT, i, LINE_PAD);
	} else if (strcmp(command, "whoami") == 0) {
		ctl_printf(reply, "known %d uid %u client pid %d\n", serving->peer_known, (unsigned)serving->peer_uid,
			   serving->peer_pid > 0 && serving->peer_pid != getpid());
	} else if (strcmp(command, "refuse") == 0) {
		ctl_puts(reply, "error: refused here\nnot part of the error line\n");
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

static char *slurp_len(const char *path, size_t *out_len)
{
	size_t len = 0, cap = 1 << 20;
	char *buf = malloc(cap + 1);
	ssize_t n = 0;
	int fd = open(path, O_RDONLY);
	while (buf && fd >= 0 && (n = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap) {
			char *more = realloc(buf, cap * 2 + 1);
			if (!more) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = '\0';
	if (fd >= 0)
		close(fd);
	unlink(path);
	if (out_len)
		*out_len = len;
	return buf;
}

static char *slurp(const char *path)
{
	return slurp_len(path, NULL);
}

/* What "huge" answers, built here to compare with what arrived. */
static bool is_huge_reply(const char *got, size_t len)
{
	char line[LINE_LEN + 16];
	if (!got || len != (size_t)HUGE_LINES * LINE_LEN)
		return false;
	for (int i = 0; i < HUGE_LINES; i++) {
		snprintf(line, sizeof(line), LINE_FMT, i, LINE_PAD);
		if (memcmp(got + (size_t)i * LINE_LEN, line, LINE_LEN) != 0)
			return false;
	}
	return true;
}

/* Serves until the client exits or 30 s pass; returns its wait status. */
static int serve(pid_t pid)
{
	struct loop_timer guard;
	int status = -1;
	loop_timer_init(&guard, on_guard, NULL);
	for (int round = 0; round < 1500; round++) {
		loop_timer_arm(&loop, &guard, 20);
		loop_run(&loop);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	loop_timer_cancel(&loop, &guard);
	return status;
}

static int ask_status(int out) { return ctl_request(sock_path, "status", out, NULL); }
static int ask_other(int out) { return ctl_request(sock_path, "frobnicate", out, NULL); }
static int ask_whoami(int out) { return ctl_request(sock_path, "whoami", out, NULL); }

/* A handler's "error:" reply: the client fails with its first line, prints nothing of it to out. */
static int ask_refused(int out)
{
	struct ctl_result res;
	int rc = ctl_request(sock_path, "refuse", out, &res);
	if (rc != -EREMOTEIO || res.received != 0)
		return 1;
	dprintf(out, "%s\n", res.error);
	return 0;
}

static int ask_big(int out) { return ctl_request(sock_path, "big", out, NULL); }
static int ask_huge(int out) { return ctl_request(sock_path, "huge", out, NULL); }

/* The cap: the client fails with the server's error line on out. */
static int ask_over(int out)
{
	struct ctl_result res;
	int rc = ctl_request(sock_path, "over", out, &res);
	if (rc != -EREMOTEIO || res.received != 0)
		return 1;
	dprintf(out, "%s\n", res.error);
	return 0;
}

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
	int rc = ctl_request(sock_path, "status", out, NULL);
	char c;
	/* The server gives up on the silent one: read sees end of file. */
	ssize_t n = read(fd, &c, 1);
	close(fd);
	return rc == 0 && n == 0 ? 0 : 1;
}

static int connect_raw(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	strcpy(addr.sun_path, sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* Speaks the protocol by hand and reads slowly: small reads, a pause
 * after every 2 MB and 1.5 s halfway; 3 s or more in all, longer than the
 * idle deadline, and never that long without reading. Writes what came
 * after the length line. */
static int slow_reader(int out)
{
	char buf[16384], head[32];
	size_t head_len = 0, got = 0, next_pause = 2u << 20;
	bool long_pause_done = false;
	ssize_t n;
	int fd = connect_raw();
	if (fd < 0 || write(fd, "sized huge\n", 11) != 11)
		return 1;
	/* The length line, a byte at a time so no body byte is taken with it. */
	while (head_len < sizeof(head) - 1 && read(fd, head + head_len, 1) == 1 && head[head_len++] != '\n')
		;
	head[head_len] = '\0';
	char want[32];
	snprintf(want, sizeof(want), "%zu\n", (size_t)HUGE_LINES * LINE_LEN);
	if (strcmp(head, want) != 0)
		return 2;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n)
			return 1;
		got += (size_t)n;
		if (got >= next_pause) {
			next_pause += 2u << 20;
			pause_ms(150);
		}
		if (!long_pause_done && got >= (size_t)HUGE_LINES * LINE_LEN / 2) {
			long_pause_done = true;
			pause_ms(1500);
		}
	}
	close(fd);
	return n == 0 ? 0 : 1;
}

/* Takes the length line and a little of a big reply, then leaves. */
static int leave_mid_reply(int out)
{
	char buf[4096];
	int fd = connect_raw();
	(void)out;
	if (fd < 0 || write(fd, "sized huge\n", 11) != 11)
		return 1;
	if (read(fd, buf, sizeof(buf)) <= 0)
		return 1;
	close(fd);
	return 0;
}

/* A bare request over the cap: the reply is the error line alone. */
static int bare_over(int out)
{
	char buf[4096];
	ssize_t n;
	int fd = connect_raw();
	if (fd < 0 || write(fd, "over\n", 5) != 5)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return 1;
	close(fd);
	return 0;
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

/* A fake daemon on its own path answers one request with head and then
 * body_len bytes of body, and closes; daemon_ctl_client runs against it in
 * a child. Returns the child's wait status; *out and *err get what it
 * printed. */
static int fake_daemon(const char *head, size_t body_len, char **out, char **err, size_t *out_len)
{
	char path[108], out_path[] = "/tmp/test_ctl.out.XXXXXX", err_path[] = "/tmp/test_ctl.err.XXXXXX";
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int status = -1;

	snprintf(path, sizeof(path), "/tmp/test_ctl.%d.fake", (int)getpid());
	unlink(path);
	strcpy(addr.sun_path, path);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(lfd, 1) != 0)
		return -1;
	int ofd = mkstemp(out_path), efd = mkstemp(err_path);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(ofd, STDOUT_FILENO);
		dup2(efd, STDERR_FILENO);
		_exit(daemon_ctl_client("test_ctl", path, "json"));
	}
	close(ofd);
	close(efd);
	int fd = accept(lfd, NULL, NULL);
	char request[64] = "";
	size_t got = 0;
	while (got < sizeof(request) - 1 && read(fd, request + got, 1) == 1 && request[got++] != '\n')
		;
	if (strcmp(request, "sized json\n") == 0 && write(fd, head, strlen(head)) >= 0) {
		char chunk[65536];
		memset(chunk, 'x', sizeof(chunk));
		for (size_t sent = 0; sent < body_len;) {
			size_t n = body_len - sent < sizeof(chunk) ? body_len - sent : sizeof(chunk);
			ssize_t w = write(fd, chunk, n);
			if (w <= 0)
				break;
			sent += (size_t)w;
		}
	}
	close(fd);
	close(lfd);
	unlink(path);
	waitpid(pid, &status, 0);
	*out = slurp_len(out_path, out_len);
	*err = slurp(err_path);
	return status;
}

static void test_client_verdicts(void)
{
	static const struct {
		const char *head;
		size_t body_len;
		int exit_code;
		size_t printed;
		const char *message;
		const char *what;
	} cases[] = {
		{ "1000\n", 1000, 0, 1000, "", "whole reply: exit 0, printed as sent" },
		{ "0\n", 0, 0, 0, "", "empty reply: exit 0" },
		{ "1000\n", 500, 1, 500, "reply cut short: the daemon closed the connection after 500 of 1000 bytes",
		  "server closes mid-reply" },
		{ "4000000\n", 3000000, 1, 3000000, "after 3000000 of 4000000 bytes",
		  "server closes mid-way through megabytes" },
		{ "", 0, 1, 0, "closed the connection without an answer", "server closes before answering" },
		{ "error: the reply is over the 32 MiB a control socket sends\n", 0, 1, 0,
		  "test_ctl: /tmp/", "error line instead of a length" },
		{ "5\n", 8, 1, 0, "not an answer", "more than announced" },
		{ "lots\n", 100, 1, 0, "not an answer", "not a length" },
		{ "99999999999999999999999\n", 100, 1, 0, "not an answer", "a length over the cap" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL, *err = NULL;
		size_t out_len = 0;
		int status = fake_daemon(cases[i].head, cases[i].body_len, &out, &err, &out_len);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == cases[i].exit_code,
		      "%s: daemon_ctl_client exits %d", cases[i].what, cases[i].exit_code);
		CHECK(out_len == cases[i].printed, "%s: %zu bytes printed", cases[i].what, cases[i].printed);
		CHECK(err && strstr(err, cases[i].message) && (cases[i].exit_code || !err[0]),
		      "%s: stderr says '%s'", cases[i].what, cases[i].message);
		if (err && strncmp(cases[i].head, "error:", 6) == 0)
			CHECK(strstr(err, "error: the reply is over the 32 MiB") != NULL, "%s: the daemon's line shown", cases[i].what);
		free(out);
		free(err);
	}
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

/* A path one byte over sun_path must be refused by every entry point, not
 * cut short into the name of another socket. */
static void test_long_paths(struct loop *loop)
{
	struct sockaddr_un addr;
	struct ctl_server srv;
	struct ctl_fetch fetch = { 0 };
	char fits[sizeof(addr.sun_path)], over[sizeof(addr.sun_path) + 1];

	memset(fits, 'a', sizeof(fits) - 1);
	fits[sizeof(fits) - 1] = '\0';
	fits[0] = '/';
	memcpy(over, fits, sizeof(fits) - 1);
	over[sizeof(over) - 2] = 'b';
	over[sizeof(over) - 1] = '\0';
	CHECK(ctl_unix_addr(&addr, fits) == 0 && addr.sun_family == AF_UNIX &&
	      memcmp(addr.sun_path, fits, sizeof(fits)) == 0, "a %zu-byte path fills sun_path", strlen(fits));
	CHECK(ctl_unix_addr(&addr, over) == -ENAMETOOLONG, "a %zu-byte path does not fit", strlen(over));
	CHECK(ctl_listen(&srv, loop, over, handler, NULL) == -ENAMETOOLONG, "listen refuses the long path");
	CHECK(ctl_request(over, "status", STDOUT_FILENO, NULL) == -ENAMETOOLONG, "request refuses the long path");
	CHECK(!ctl_fetch_start(&fetch, loop, over, "status", 4096, 1000, NULL, NULL),
	      "fetch refuses the long path");
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

	serving = &srv;
	run_case(ask_status, "status", "all good\n");
	char whoami[64];
	snprintf(whoami, sizeof(whoami), "known 1 uid %u client pid 1\n", (unsigned)getuid());
	run_case(ask_whoami, "the handler sees the client's uid and pid", whoami);
	CHECK(!srv.peer_known, "outside a request no peer is known");
	run_case(ask_refused, "a sized reply starting with error: is the client's error", "error: refused here\n");
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

	/* Tens of MB, well past what the socket holds and what one 2 s
	 * deadline used to allow for a slow reader. */
	size_t len = 0;
	char huge_out[] = "/tmp/test_ctl.out.XXXXXX";
	pid = client(ask_huge, huge_out);
	int status = serve(pid);
	got = slurp_len(huge_out, &len);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "28 MB reply: client succeeded");
	CHECK(is_huge_reply(got, len), "28 MB reply arrives byte-identical (%zu bytes)", len);
	free(got);

	struct timespec t0, t1;
	char slow_out[] = "/tmp/test_ctl.out.XXXXXX";
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = client(slow_reader, slow_out);
	status = serve(pid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long elapsed_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	got = slurp_len(slow_out, &len);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "slow reader: length line first, then served to the end");
	CHECK(is_huge_reply(got, len), "slow reader: 28 MB byte-identical");
	CHECK(elapsed_ms > CTL_IDLE_TIMEOUT_MS, "slow reader took %ld ms in all, more than the %d ms idle deadline",
	      elapsed_ms, CTL_IDLE_TIMEOUT_MS);
	free(got);

	char left_out[] = "/tmp/test_ctl.out.XXXXXX";
	pid = client(leave_mid_reply, left_out);
	status = serve(pid);
	free(slurp(left_out));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a reader took part of a reply and left");
	run_case(ask_status, "served after a reader left mid-reply", "all good\n");
	int busy = 0;
	for (int i = 0; i < CTL_MAX_CONNS; i++)
		busy += srv.conns[i].in_use;
	CHECK(busy == 0, "the connection of the reader that left is closed and freed");

	run_case(ask_over, "sized reply over the cap: the client fails with the server's line",
		 "error: the reply is over the 32 MiB a control socket sends\n");
	run_case(bare_over, "bare reply over the cap: the error line, not half a reply",
		 "error: the reply is over the 32 MiB a control socket sends\n");
	test_client_verdicts();
	test_long_paths(&loop);

	ctl_close(&srv);
	CHECK(access(sock_path, F_OK) != 0, "socket file removed on close");
	CHECK(ctl_request(sock_path, "status", STDOUT_FILENO, NULL) < 0, "client fails cleanly with no daemon");
	loop_done(&loop);
	return unit_exit();
}
