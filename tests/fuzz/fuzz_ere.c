/*
 * fuzz_ere.c - libFuzzer harness for core/base/ere.c, differential: the
 * same pattern and text through glibc's regcomp/regexec (POSIX ERE, the C
 * locale, bytes) and through ours. Input: one byte of flags (ICASE,
 * NEWLINE, NOTBOL), the pattern up to a NUL, the text after it. Where both
 * compile the pattern they must agree on whether it matches and on where
 * the leftmost match starts (ours is asked with that offset as the latest
 * start, and with the one before); any difference aborts. Left out, as
 * the two differ there on purpose: backslash before a letter or digit
 * other than w W s S, or before < > ` ' (glibc's \b \< \> \` \' anchors,
 * our \d \D shorthands), and a ^ after a newline without REG_NEWLINE
 * (see below). Patterns that stack repetitions are run through ours alone.
 */
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ere.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char pattern[96], text[512];
	if (size < 2)
		return 0;
	unsigned flags = data[0];
	const uint8_t *nul = memchr(data + 1, 0, size - 1);
	size_t plen = nul ? (size_t)(nul - data - 1) : size - 1;
	if (plen >= sizeof(pattern))
		return 0;
	memcpy(pattern, data + 1, plen);
	pattern[plen] = '\0';
	for (size_t i = 0; i + 1 < plen; i++)
		if (pattern[i] == '\\') {
			char e = pattern[i + 1];
			if ((((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) && !strchr("wWsS", e)) ||
			    (e && strchr("<>`'", e)))
				return 0;
			i++;
		}
	size_t tlen = nul ? size - plen - 2 : 0;
	if (tlen >= sizeof(text))
		tlen = sizeof(text) - 1;
	if (tlen)
		memcpy(text, nul + 1, tlen);
	text[tlen] = '\0';

	/* glibc's compile time explodes on stacked repetitions (a+++++...,
	 * x{99}{99}) and large counts: those patterns go through ours alone,
	 * and only patterns ours compiles are compiled by glibc. */
	int run = 0, braces = 0, count = 0;
	bool compare = true;
	for (size_t i = 0; i < plen; i++) {
		run = strchr("*+?}", pattern[i]) ? run + 1 : 0;
		braces += pattern[i] == '{';
		count = pattern[i] >= '0' && pattern[i] <= '9' ? (count > 99 ? 100 : count * 10 + (pattern[i] - '0')) : 0;
		compare &= run <= 2 && braces <= 1 && count < 32;
	}

	/* glibc lets a ^ inside the pattern match after a newline the pattern
	 * consumed even without REG_NEWLINE (".^" finds "a\n"); POSIX, musl
	 * and ours do not. */
	if (!(flags & 2) && strchr(text, '\n') && plen > 1 && strchr(pattern + 1, '^'))
		compare = false;

	unsigned ours_flags = (flags & 1 ? ERE_ICASE : 0) | (flags & 2 ? ERE_NEWLINE : 0);
	int cflags = REG_EXTENDED | (flags & 1 ? REG_ICASE : 0) | (flags & 2 ? REG_NEWLINE : 0);
	unsigned notbol = flags & 4 ? ERE_NOTBOL : 0;
	struct ere ours;
	regex_t theirs;
	char err[96];
	int ours_rc = ere_compile(&ours, pattern, ours_flags, err, sizeof(err));
	int theirs_rc = compare && ours_rc == 0 ? regcomp(&theirs, pattern, cflags) : -1;
	if (ours_rc == 0 && theirs_rc != 0)
		ere_match(&ours, text, notbol, SIZE_MAX);
	if (ours_rc == 0 && theirs_rc == 0) {
		regmatch_t m[1];
		bool they_match = regexec(&theirs, text, 1, m, notbol ? REG_NOTBOL : 0) == 0;
		bool we_match = ere_match(&ours, text, notbol, SIZE_MAX);
		if (they_match != we_match)
			abort();
		if (they_match) {
			size_t start = (size_t)m[0].rm_so;
			if (!ere_match(&ours, text, notbol, start))
				abort();
			if (start > 0 && ere_match(&ours, text, notbol, start - 1))
				abort();
		}
	}
	if (ours_rc == 0)
		ere_free(&ours);
	if (theirs_rc == 0)
		regfree(&theirs);
	return 0;
}
