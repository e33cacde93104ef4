/*
 * check_regex.h - the url `regex` of HTTP_GET / SSL_GET. keepalived 2.2.7
 * matches the body with PCRE2; lvsbox has POSIX extended regular
 * expressions (core/base/ere.h), so this file maps keepalived's
 * regex_options onto POSIX's flags where POSIX has an equivalent and says
 * which it cannot honour, and matches a bounded window of the body.
 * Header-only: the config validator (conf_keepalived.c) and the checker
 * share it without a link dependency between them.
 */
#ifndef LVSBOX_CHECK_REGEX_H
#define LVSBOX_CHECK_REGEX_H

#include <regex.h>        /* REG_ICASE, REG_NEWLINE: the flags a url keeps */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "ere.h"

/* Body bytes kept for matching, counted from regex_min_offset: a match
 * must lie inside them. Allocated per attempt only for urls with a regex. */
#define CHECK_REGEX_WINDOW (64u << 10)

enum check_regex_option_kind {
	CHECK_REGEX_OPT_UNKNOWN = -1,   /* not a keepalived regex option */
	CHECK_REGEX_OPT_IGNORED = 0,    /* keepalived's (PCRE2) option, no POSIX equivalent */
	CHECK_REGEX_OPT_HONOURED = 1,   /* *cflags updated */
};
/* One word of regex_options. */
static inline enum check_regex_option_kind check_regex_option(const char *word, int *cflags)
{
	/* keepalived.conf(5) lists these as its PCRE2 options. POSIX can do
	 * caseless (REG_ICASE) and multiline (REG_NEWLINE: ^ and $ at line breaks;
	 * it also keeps '.' off newlines, which PCRE2 does by default). dotall is
	 * what POSIX '.' does anyway without REG_NEWLINE. The rest have no POSIX
	 * counterpart. */
	static const struct { const char *name; int cflag; bool honoured; } check_regex_options[] = {
		{ "caseless", REG_ICASE, true },
		{ "multiline", REG_NEWLINE, true },
		{ "dotall", 0, true },
		{ "allow_empty_class", 0, false }, { "alt_bsux", 0, false }, { "auto_callout", 0, false },
		{ "dollar_endonly", 0, false }, { "dupnames", 0, false }, { "extended", 0, false },
		{ "firstline", 0, false }, { "match_unset_backref", 0, false }, { "never_ucp", 0, false },
		{ "never_utf", 0, false }, { "no_auto_capture", 0, false }, { "no_auto_possess", 0, false },
		{ "no_dotstar_anchor", 0, false }, { "no_start_optimize", 0, false }, { "ucp", 0, false },
		{ "ungreedy", 0, false }, { "utf", 0, false }, { "never_backslash_c", 0, false },
		{ "alt_circumflex", 0, false }, { "alt_verbnames", 0, false }, { "use_offset_limit", 0, false },
	};
	for (size_t i = 0; i < sizeof(check_regex_options) / sizeof(check_regex_options[0]); i++) {
		if (strcmp(word, check_regex_options[i].name) != 0)
			continue;
		if (!check_regex_options[i].honoured)
			return CHECK_REGEX_OPT_IGNORED;
		*cflags |= check_regex_options[i].cflag;
		return CHECK_REGEX_OPT_HONOURED;
	}
	return CHECK_REGEX_OPT_UNKNOWN;
}

/* The pattern compiled with cflags (REG_ICASE, REG_NEWLINE); 0, or -1
 * with the reason in err. */
static inline int check_regex_compile(struct ere *re, const char *pattern, int cflags, char *err, size_t errsize)
{
	unsigned flags = (cflags & REG_ICASE ? ERE_ICASE : 0) | (cflags & REG_NEWLINE ? ERE_NEWLINE : 0);
	return ere_compile(re, pattern, flags, err, errsize);
}

/*
 * Does text (NUL-terminated: the body from offset base on) hold a match
 * that starts at body offset max_offset or before (SIZE_MAX: anywhere)?
 * A NUL byte in the body ends the text.
 */
static inline bool check_regex_match(const struct ere *re, const char *text, size_t base, size_t max_offset)
{
	if (max_offset != SIZE_MAX && max_offset < base)
		return false;
	/* Past regex_min_offset the text does not begin the subject: ^ must
	 * not match there, as with PCRE2's start offset. */
	return ere_match(re, text, base ? ERE_NOTBOL : 0, max_offset == SIZE_MAX ? SIZE_MAX : max_offset - base);
}

#endif
