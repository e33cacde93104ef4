/*
 * json.c - the JSON writer and its string escaper (see json.h).
 */
#include <inttypes.h>
#include <string.h>
#include "json.h"

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 when there
 * is none (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
static size_t utf8_valid(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* The second byte's range is what rules out the overlong and the surrogates. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

void json_quote(struct strbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *run = p;   /* bytes not yet written that need no escape */

	strbuf_putc(b, '"');
	while (p < end) {
		size_t len = *p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f ? utf8_valid(p, (size_t)(end - p)) : 0;
		if (len) {
			p += len;
			continue;
		}
		strbuf_append(b, run, (size_t)(p - run));
		switch (*p) {
		case '"': strbuf_puts(b, "\\\""); break;
		case '\\': strbuf_puts(b, "\\\\"); break;
		case '\n': strbuf_puts(b, "\\n"); break;
		case '\r': strbuf_puts(b, "\\r"); break;
		case '\t': strbuf_puts(b, "\\t"); break;
		default: strbuf_printf(b, "\\u%04x", *p); break;
		}
		run = ++p;
	}
	strbuf_append(b, run, (size_t)(p - run));
	strbuf_putc(b, '"');
}

void json_init(struct json *j, struct strbuf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

static bool top_is_object(const struct json *j)
{
	return j->depth && (j->in_object >> (j->depth - 1)) & 1;
}

/* The comma before a member or an element, when one came before it. */
static void separate(struct json *j)
{
	uint32_t bit = 1u << (j->depth - 1);

	if (j->has_items & bit)
		strbuf_putc(j->out, ',');
	j->has_items |= bit;
}

/* Everything a value needs written before it. */
static void before_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0) {
		if (j->top_written)    /* one JSON text holds one value */
			j->misuse = true;
		j->top_written = true;
		return;
	}
	if (top_is_object(j))
		j->misuse = true;
	separate(j);
}

static void begin(struct json *j, char open, bool object)
{
	before_value(j);
	if (j->depth >= JSON_MAX_DEPTH) {
		j->misuse = true;
		return;
	}
	strbuf_putc(j->out, open);
	uint32_t bit = 1u << j->depth;
	j->in_object = object ? j->in_object | bit : j->in_object & ~bit;
	j->has_items &= ~bit;
	j->depth++;
}

static void end(struct json *j, char close, bool object)
{
	if (j->depth == 0 || top_is_object(j) != object || j->after_key) {
		j->misuse = true;
		return;
	}
	strbuf_putc(j->out, close);
	j->depth--;
}

void json_object_begin(struct json *j) { begin(j, '{', true); }
void json_object_end(struct json *j) { end(j, '}', true); }
void json_array_begin(struct json *j) { begin(j, '[', false); }
void json_array_end(struct json *j) { end(j, ']', false); }

void json_key(struct json *j, const char *key)
{
	if (!top_is_object(j) || j->after_key) {
		j->misuse = true;
		return;
	}
	separate(j);
	json_quote(j->out, key, strlen(key));
	strbuf_putc(j->out, ':');
	j->after_key = true;
}

void json_string_len(struct json *j, const char *s, size_t n)
{
	before_value(j);
	json_quote(j->out, s, n);
}

void json_string(struct json *j, const char *s)
{
	if (s)
		json_string_len(j, s, strlen(s));
	else
		json_null(j);
}

void json_int(struct json *j, int64_t v)
{
	before_value(j);
	strbuf_printf(j->out, "%" PRId64, v);
}

void json_uint(struct json *j, uint64_t v)
{
	before_value(j);
	strbuf_printf(j->out, "%" PRIu64, v);
}

void json_bool(struct json *j, bool v)
{
	before_value(j);
	strbuf_puts(j->out, v ? "true" : "false");
}

void json_null(struct json *j)
{
	before_value(j);
	strbuf_puts(j->out, "null");
}

void json_raw(struct json *j, const char *text, size_t n)
{
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		n--;
	before_value(j);
	strbuf_append(j->out, text, n);
}

void json_key_string(struct json *j, const char *key, const char *s) { json_key(j, key); json_string(j, s); }
void json_key_int(struct json *j, const char *key, int64_t v) { json_key(j, key); json_int(j, v); }
void json_key_uint(struct json *j, const char *key, uint64_t v) { json_key(j, key); json_uint(j, v); }
void json_key_bool(struct json *j, const char *key, bool v) { json_key(j, key); json_bool(j, v); }
void json_key_null(struct json *j, const char *key) { json_key(j, key); json_null(j); }
void json_key_object(struct json *j, const char *key) { json_key(j, key); json_object_begin(j); }
void json_key_array(struct json *j, const char *key) { json_key(j, key); json_array_begin(j); }

void json_key_uint_if(struct json *j, const char *key, bool known, uint64_t v)
{
	json_key(j, key);
	if (known)
		json_uint(j, v);
	else
		json_null(j);
}

void json_key_int_if(struct json *j, const char *key, bool known, int64_t v)
{
	json_key(j, key);
	if (known)
		json_int(j, v);
	else
		json_null(j);
}

bool json_done(const struct json *j)
{
	return j->top_written && j->depth == 0 && !j->after_key && !j->misuse && !j->out->oom;
}
