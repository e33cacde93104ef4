/*
 * strbuf.h - a growing string builder. Replies, JSON, shell lines and
 * fingerprints are built piece by piece; a failed allocation is remembered
 * (oom) instead of being checked after every append, so a builder is used
 * without error handling until the text is taken.
 *
 * A zeroed struct is an empty builder: struct strbuf b = { 0 };
 * data is NULL until something is appended, then always NUL-terminated.
 */
#ifndef LVSBOX_STRBUF_H
#define LVSBOX_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data;
	size_t len, cap;
	size_t max;    /* the most bytes the allocation may reach (text and NUL); 0: no limit */
	bool oom;      /* an append failed: the text is incomplete, later appends are dropped */
};

/* The n bytes at s (which may hold NULs). */
void strbuf_append(struct strbuf *b, const void *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_putc(struct strbuf *b, char c);
void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Empty again, oom cleared; keeps the memory (and max) for the next text. */
void strbuf_reset(struct strbuf *b);

/* The text, now the caller's to free ("" when nothing was appended); NULL
 * when an append failed. Either way b is left empty and owns nothing. */
char *strbuf_take(struct strbuf *b);

/* Frees the memory; b is a zeroed, empty builder again (max too). */
void strbuf_free(struct strbuf *b);

#endif
