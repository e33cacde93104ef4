/*
 * log.c - one-line log messages to syslog or the console (see log.h).
 *
 * The syslog datagram is written here rather than by libc's syslog(): the
 * libc one stamps each message with the local time, which pulls the time
 * zone code and strftime into the static binary (about 8 KiB on mipsel)
 * for a stamp every syslog daemon sets itself when the message has none
 * (RFC 3164 4.3.2).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "log.h"

static char log_ident[32] = "lvsbox";
static unsigned log_flags = LOGF_CONSOLE;
static int syslog_fd = -1;

static void syslog_close(void)
{
	if (syslog_fd >= 0)
		close(syslog_fd);
	syslog_fd = -1;
}

void log_init(const char *ident, unsigned flags)
{
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	log_flags = flags;
	syslog_close();
}

static int syslog_connect(void)
{
	static const struct sockaddr_un dev_log = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	if (syslog_fd >= 0)
		return 0;
	syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (syslog_fd < 0)
		return -1;
	if (connect(syslog_fd, (const struct sockaddr *)&dev_log, sizeof(dev_log)) != 0) {
		syslog_close();
		return -1;
	}
	return 0;
}

/* "<PRI>ident[pid]: line", facility daemon. The pid is asked each time:
 * children log through the descriptor their parent opened. A syslog
 * daemon that restarted has a new socket: the send fails and the line
 * goes out again on a new connection. With no syslog daemon the line is
 * lost, as libc's syslog() loses it. */
static void syslog_send(int prio, const char *line)
{
	char msg[sizeof(log_ident) + 32 + LOG_LINE_MAX];
	int n = snprintf(msg, sizeof(msg), "<%d>%s[%d]: %s", LOG_DAEMON | prio, log_ident, (int)getpid(), line);
	if (n > (int)sizeof(msg) - 1)
		n = (int)sizeof(msg) - 1;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (syslog_connect() != 0)
			return;
		ssize_t sent;
		do
			sent = send(syslog_fd, msg, (size_t)n, MSG_NOSIGNAL);
		while (sent < 0 && errno == EINTR);
		if (sent >= 0)
			return;
		syslog_close();
	}
}

int log_debug_enabled(void)
{
	return (log_flags & LOGF_DETAIL) != 0;
}

size_t log_escape_line(char *dst, size_t size, const char *src)
{
	static const char ellipsis[] = "...";
	if (size == 0)
		return 0;
	/* Longest prefix that still leaves room for "..." if the rest does not fit. */
	size_t cut_limit = size > sizeof(ellipsis) ? size - sizeof(ellipsis) : 0;
	size_t n = 0, cut = 0;
	for (const unsigned char *s = (const unsigned char *)src; *s; s++) {
		char esc[5];
		size_t len;
		if (*s == '\n')
			len = (size_t)snprintf(esc, sizeof(esc), "\\n");
		else if (*s == '\r')
			len = (size_t)snprintf(esc, sizeof(esc), "\\r");
		else if (*s == '\t')
			len = (size_t)snprintf(esc, sizeof(esc), "\\t");
		else if (*s < 0x20 || *s == 0x7f)
			len = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", *s);
		else {
			esc[0] = (char)*s;
			len = 1;
		}
		if (n + len > size - 1) {
			if (size > sizeof(ellipsis)) {
				memcpy(dst + cut, ellipsis, sizeof(ellipsis));
				return cut + sizeof(ellipsis) - 1;
			}
			break;
		}
		memcpy(dst + n, esc, len);
		n += len;
		if (n <= cut_limit)
			cut = n;
	}
	dst[n] = '\0';
	return n;
}

static const char *level_prefix(int prio)
{
	if (prio <= LOG_ERR)
		return "error: ";
	if (prio == LOG_WARNING)
		return "warning: ";
	if (prio == LOG_DEBUG)
		return "debug: ";
	return "";
}

void log_vmsg(int prio, const char *fmt, va_list ap)
{
	if (prio >= LOG_DEBUG && !(log_flags & LOGF_DETAIL))
		return;
	int saved_errno = errno;   /* callers log and then still look at errno */
	char raw[LOG_LINE_MAX + 1];
	char line[LOG_LINE_MAX];
	int len = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (len < 0)
		snprintf(raw, sizeof(raw), "(bad log format: %s)", fmt);
	/* A raw message over LOG_LINE_MAX is cut by log_escape_line too. */
	log_escape_line(line, sizeof(line), raw);

	if (log_flags & LOGF_CONSOLE) {
		char out[sizeof(log_ident) + 16 + sizeof(line)];
		int n = snprintf(out, sizeof(out), "%s: %s%s\n", log_ident, level_prefix(prio), line);
		if (n > (int)sizeof(out) - 1)
			n = (int)sizeof(out) - 1;
		/* One write, so lines from the daemon and its children do not interleave. */
		ssize_t ignored = write(STDERR_FILENO, out, (size_t)n);
		(void)ignored;
	} else {
		syslog_send(prio, line);
	}
	errno = saved_errno;
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(prio, fmt, ap);
	va_end(ap);
}
