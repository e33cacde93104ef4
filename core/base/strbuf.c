/*
 * strbuf.c - the growing string builder (see strbuf.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "strbuf.h"

#define STRBUF_FIRST_CAP 1024

/* Room for more bytes and the NUL; false (and oom) when there cannot be. */
static bool reserve(struct strbuf *b, size_t more)
{
	if (b->oom)
		return false;
	if (more >= SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return false;
	}
	size_t need = b->len + more + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : STRBUF_FIRST_CAP;
	while (cap < need)
		cap *= 2;
	if (b->max && cap > b->max)
		cap = b->max;
	char *data = cap >= need ? realloc(b->data, cap) : NULL;
	if (!data) {
		b->oom = true;
		return false;
	}
	b->data = data;
	b->cap = cap;
	return true;
}

void strbuf_append(struct strbuf *b, const void *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void strbuf_puts(struct strbuf *b, const char *s)
{
	strbuf_append(b, s, strlen(s));
}

void strbuf_putc(struct strbuf *b, char c)
{
	strbuf_append(b, &c, 1);
}

void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list again;
	size_t room = b->oom ? 0 : b->cap - b->len;

	/* Straight into the free space when it fits; else once more after growing. */
	va_copy(again, ap);
	int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
	if (n >= 0 && (size_t)n < room) {
		b->len += (size_t)n;
	} else if (n >= 0 && reserve(b, (size_t)n)) {
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	/* A failed or refused format appends nothing, as if never called. */
	if (b->data)
		b->data[b->len] = '\0';
	va_end(again);
}

void strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

void strbuf_reset(struct strbuf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data)
		b->data[0] = '\0';
}

char *strbuf_take(struct strbuf *b)
{
	char *text = b->oom ? NULL : b->data ? b->data : strdup("");

	if (b->oom)
		free(b->data);
	memset(b, 0, sizeof(*b));
	return text;
}

void strbuf_free(struct strbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}
