/*
 * log.h - the one logging interface of every applet and daemon.
 *
 * Syslog by default (facility daemon, tagged with the applet name), the
 * console with LOGF_CONSOLE (the daemons' -l), debug lines only with
 * LOGF_DETAIL (-D). Every message comes out as exactly one line.
 */
#ifndef LVSBOX_LOG_H
#define LVSBOX_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <syslog.h>

/* log_init flags */
#define LOGF_CONSOLE 1u  /* stderr instead of syslog */
#define LOGF_DETAIL  2u  /* let log_debug through */

/* Longest message kept; longer ones end in "..." */
#define LOG_LINE_MAX 1024

/* ident is copied; before log_init, messages go to stderr tagged "lvsbox". */
void log_init(const char *ident, unsigned flags);

/* prio is a syslog level: LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG. */
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#define log_err(...)    log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)   log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)  log_msg(LOG_DEBUG, __VA_ARGS__)

/* Whether log_debug would print: lets callers skip costly formatting. */
int log_debug_enabled(void);

/*
 * Copies src into dst (size bytes, NUL-terminated) as one printable line:
 * newline, CR, tab and other control bytes become \n, \r, \t, \xHH.
 * A message cut short ends in "...". Returns strlen(dst).
 */
size_t log_escape_line(char *dst, size_t size, const char *src);

#endif
