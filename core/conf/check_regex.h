/*
 * check_regex.h - the url `regex` of HTTP_GET / SSL_GET. keepalived 2.2.7
 * matches the body with PCRE2; lvsbox has POSIX extended regular
 * expressions (<regex.h>, in musl too), so this file maps keepalived's
 * regex_options onto regcomp flags where POSIX has an equivalent and says
 * which it cannot honour, and matches a bounded window of the body.
 * Header-only: the config validator (conf_keepalived.c) and the checker
 * share it without a link dependency between them.
 */
#ifndef LVSBOX_CHECK_REGEX_H
#define LVSBOX_CHECK_REGEX_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* regcomp with REG_EXTENDED | cflags; 0, or -1 with regerror's text in err. */
static inline int check_regex_compile(regex_t *re, const char *pattern, int cflags, char *err, size_t errsize)
{
	int rc = regcomp(re, pattern, REG_EXTENDED | cflags);
	if (rc == 0)
		return 0;
	char why[96];
	regerror(rc, re, why, sizeof(why));
	snprintf(err, errsize, "%s", why);
	return -1;
}

/*
 * Does text (NUL-terminated: the body from offset base on) hold a match
 * that starts at body offset max_offset or before (SIZE_MAX: anywhere)?
 * A NUL byte in the body ends the text.
 */
static inline bool check_regex_match(const regex_t *re, const char *text, size_t base, size_t max_offset)
{
	regmatch_t m[1];
	/* Past regex_min_offset the text does not begin the subject: ^ must
	 * not match there, as with PCRE2's start offset. */
	if (regexec(re, text, 1, m, base ? REG_NOTBOL : 0) != 0)
		return false;
	/* POSIX reports the leftmost match: none can start earlier. */
	return max_offset == SIZE_MAX || base + (size_t)m[0].rm_so <= max_offset;
}

#endif
