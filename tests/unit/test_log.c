/*
 * test_log.c - core/log: one-line escaping, the console format, level
 * filtering, and real syslog datagrams read from a private /dev/log,
 * including after the syslog daemon's socket is made again.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "log.h"
#include "unit.h"

static void test_escape(void)
{
	char buf[64];
	log_escape_line(buf, sizeof(buf), "two\nlines\r\tand\x01 bell\x7f");
	CHECK(strcmp(buf, "two\\nlines\\r\\tand\\x01 bell\\x7f") == 0,
	      "escape: newline, CR, tab and control bytes become visible escapes (got '%s')", buf);

	size_t n = log_escape_line(buf, 10, "abcdefghijklmnop");
	CHECK(n == 9 && strcmp(buf, "abcdef...") == 0, "escape: a cut line ends in '...' within the buffer (got '%s')", buf);

	n = log_escape_line(buf, 10, "abcdefghi");
	CHECK(n == 9 && strcmp(buf, "abcdefghi") == 0, "escape: a line that just fits is not cut (got '%s')", buf);

	log_escape_line(buf, 8, "abcdef\n");
	CHECK(strcmp(buf, "abcd...") == 0, "escape: an escape sequence is never split by the cut (got '%s')", buf);

	log_escape_line(buf, sizeof(buf), "");
	CHECK(buf[0] == '\0', "escape: empty message stays empty");
}

/* Runs fn with stderr going into a pipe; returns what it wrote. */
static char *capture_stderr(void (*fn)(void))
{
	static char out[8192];
	int fds[2];
	if (pipe(fds) != 0)
		return NULL;
	int saved = dup(STDERR_FILENO);
	dup2(fds[1], STDERR_FILENO);
	close(fds[1]);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	ssize_t len = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	out[len > 0 ? len : 0] = '\0';
	return out;
}

static void log_levels(void)
{
	log_init("testd", LOGF_CONSOLE);
	log_err("cannot open %s", "/etc/x.conf");
	log_warn("%d real servers down", 3);
	log_notice("reloaded");
	log_info("vip %s up", "10.0.0.1");
	log_debug("not shown without -D");
}

static void log_detail(void)
{
	log_init("testd", LOGF_CONSOLE | LOGF_DETAIL);
	log_debug("probe %u sent", 7u);
}

static void log_multiline(void)
{
	log_init("testd", LOGF_CONSOLE);
	log_info("reply was:\nHTTP/1.1 500\r\nServer: x");
}

static void log_huge(void)
{
	static char big[5000];
	memset(big, 'y', sizeof(big) - 1);
	log_init("testd", LOGF_CONSOLE);
	log_warn("%s", big);
}

static int count_char(const char *s, char c)
{
	int n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

static void test_console(void)
{
	static const char want[] =
		"testd: error: cannot open /etc/x.conf\n"
		"testd: warning: 3 real servers down\n"
		"testd: reloaded\n"
		"testd: vip 10.0.0.1 up\n";
	char *out = capture_stderr(log_levels);
	bool same = out && strcmp(out, want) == 0;
	CHECK(same, "console: ident, level word for error/warning, debug dropped without -D");
	for (char *line = out; !same && line && *line; ) {
		char *end = strchr(line, '\n');
		printf("#   got: %.*s\n", end ? (int)(end - line) : (int)strlen(line), line);
		line = end ? end + 1 : NULL;
	}

	out = capture_stderr(log_detail);
	CHECK(out && strcmp(out, "testd: debug: probe 7 sent\n") == 0, "console: -D lets debug through");

	out = capture_stderr(log_multiline);
	CHECK(out && strcmp(out, "testd: reply was:\\nHTTP/1.1 500\\r\\nServer: x\n") == 0,
	      "console: a message with newlines is one line");

	out = capture_stderr(log_huge);
	CHECK(out && count_char(out, '\n') == 1 && strlen(out) < LOG_LINE_MAX + 32 &&
	      strstr(out, "y...\n") != NULL, "console: a 5000-byte message is cut to one line ending in '...'");

	log_init("testd", LOGF_CONSOLE | LOGF_DETAIL);
	CHECK(log_debug_enabled(), "log_debug_enabled with -D");
	log_init("testd", LOGF_CONSOLE);
	CHECK(!log_debug_enabled(), "log_debug_enabled without -D");

	errno = ENOENT;
	log_init("testd", LOGF_CONSOLE);
	int fd = open("/dev/null", O_WRONLY);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	errno = ENOENT;
	log_err("x");
	int after = errno;
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	CHECK(after == ENOENT, "logging leaves errno as it was");
}

/*
 * In a private mount namespace, a tmpfs on /dev gets our own /dev/log; the
 * child logs through syslog() and passes each datagram it receives back
 * through a pipe. The priority prefix is checked against RFC 3164
 * (facility daemon 3, severity err 3: <27>).
 */
/* Each datagram sock receives within its timeout, as one line to report. */
static void pass_datagrams(int sock, int report)
{
	char msg[2048];
	for (int i = 0; i < 5; i++) {
		ssize_t n = recv(sock, msg, sizeof(msg) - 1, 0);
		if (n <= 0)
			break;
		while (n > 0 && msg[n - 1] == '\n')
			n--;
		msg[n] = '\n';
		if (write(report, msg, (size_t)n + 1) != n + 1)
			_exit(4);
	}
}

static void syslog_child(int report)
{
	if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("lvsbox-test", "/dev", "tmpfs", 0, NULL) != 0)
		_exit(2);
	int sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		_exit(3);
	struct timeval tv = { .tv_sec = 0, .tv_usec = 300000 };
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	log_init("testd", 0);
	log_err("boom %s", "a\nb");
	log_debug("hidden");
	log_init("testd", LOGF_DETAIL);
	log_debug("shown");
	pass_datagrams(sock, report);
	/* The syslog daemon restarts: a new socket at the same path. */
	close(sock);
	unlink("/dev/log");
	sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		_exit(3);
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	log_notice("after the restart");
	pass_datagrams(sock, report);
	_exit(0);
}

static void test_syslog(void)
{
	int fds[2];
	if (pipe(fds) != 0) {
		CHECK(0, "syslog: pipe");
		return;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		syslog_child(fds[1]);
	}
	close(fds[1]);
	char got[8192];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(got) - 1 && (n = read(fds[0], got + len, sizeof(got) - 1 - len)) > 0)
		len += (size_t)n;
	got[len] = '\0';
	close(fds[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "syslog: private /dev/log set up (needs root; child status %d)", status);

	char tag[64];
	snprintf(tag, sizeof(tag), "testd[%d]: ", (int)pid);
	char *first = got;
	char *second = strchr(got, '\n');
	if (second)
		*second++ = '\0';
	char *third = second ? strchr(second, '\n') : NULL;
	if (third)
		*third++ = '\0';
	char *end = third ? strchr(third, '\n') : NULL;
	if (end)
		*end = '\0';
	CHECK(strncmp(first, "<27>", 4) == 0, "syslog: error goes out as facility daemon, severity err (<27>): '%s'", first);
	CHECK(strstr(first, tag) && strstr(first, "boom a\\nb"), "syslog: tagged with ident and pid, newline escaped");
	CHECK(second && strncmp(second, "<31>", 4) == 0 && strstr(second, "shown") && !strstr(second, "hidden"),
	      "syslog: debug (<31>) only with detail on");
	CHECK(third && strncmp(third, "<29>", 4) == 0 && strstr(third, tag) && strstr(third, "after the restart"),
	      "syslog: a syslog daemon restarted on a new socket still gets the next line: '%s'", third ? third : "");
	CHECK(!strchr(first, '\n') && strncmp(first + 4, tag, strlen(tag)) == 0,
	      "syslog: the tag follows the priority; the syslog daemon stamps the time: '%s'", first);
}

int main(void)
{
	test_escape();
	test_console();
	test_syslog();
	return unit_exit();
}
