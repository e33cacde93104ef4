/*
 * ere.h - POSIX extended regular expressions over bytes, for the url
 * `regex` of HTTP_GET and SSL_GET: does a body match, starting early
 * enough?
 *
 * Our own instead of libc's regcomp: a health check asks only whether a
 * match exists, and libc's engine with its wide-character tables was
 * 26 KiB of the mipsel binary. Matching simulates all paths at once, so
 * its time is the text's length times the pattern's size whatever either
 * holds: a server's body cannot make it backtrack.
 *
 * The syntax is POSIX ERE (regex(7)): . [] [^] with ranges and [:class:],
 * ^ $ ( ) | * + ? {m} {m,} {m,n} (at most 255), \ quoting a character;
 * and the shorthands \d \D \w \W \s \S. Bytes are characters: no locale,
 * no multibyte. No back-references (POSIX ERE has none).
 */
#ifndef LVSBOX_ERE_H
#define LVSBOX_ERE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ere_compile flags: the values of <regex.h>'s REG_ICASE and REG_NEWLINE
 * are not assumed; callers map theirs. */
#define ERE_ICASE   1u   /* letters match either case */
#define ERE_NEWLINE 2u   /* . and [^...] skip '\n'; ^ and $ also match at it */
/* ere_match flag */
#define ERE_NOTBOL  4u   /* the text's start is not a line start */

struct ere_op;

struct ere {
	struct ere_op *prog;
	int nprog;
	uint8_t (*sets)[32];   /* byte sets the SET ops name, 256 bits each */
	int nsets;
	unsigned flags;
};

/* 0, or -1 with the reason in err. */
int ere_compile(struct ere *re, const char *pattern, unsigned flags, char *err, size_t errsize);
/* Whether text (to its NUL) holds a match that starts at offset max_start
 * or before (SIZE_MAX: anywhere). False also when memory runs out. */
bool ere_match(const struct ere *re, const char *text, unsigned flags, size_t max_start);
void ere_free(struct ere *re);

#endif
