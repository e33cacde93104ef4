/*
 * json.h - the one JSON writer: every JSON answer (the daemons' --json,
 * lvsctl --json) is written through it into a strbuf, so commas, nesting
 * and string escaping are right in one place instead of in each printf.
 *
 * Output is compact (no spaces or newlines); no caller prints indented JSON.
 *
 * Strings, one rule (RFC 8259 section 7), and always valid JSON:
 *   - '"' and '\' are backslash-escaped; \n \r \t by their short forms;
 *   - other control characters (below 0x20) and DEL (0x7f) as \u00xx;
 *   - valid UTF-8 is copied as it is (so "é" stays "é", not \u escapes);
 *   - a byte that does not start a valid UTF-8 sequence (a stray
 *     continuation byte, an overlong form, a surrogate, beyond U+10FFFF, or
 *     a sequence cut short) is read as Latin-1: byte 0xXX becomes \u00xx,
 *     and decoding goes on at the next byte. Nothing is dropped, and pure
 *     ASCII or UTF-8 text is never altered.
 * Hex digits are lower case.
 */
#ifndef LVSBOX_JSON_H
#define LVSBOX_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "strbuf.h"

#define JSON_MAX_DEPTH 32

struct json {
	struct strbuf *out;
	unsigned depth;        /* containers open */
	uint32_t in_object;    /* bit d: the container at depth d+1 is an object */
	uint32_t has_items;    /* bit d: it already holds a member or element */
	bool after_key;        /* a key was written; its value comes next */
	bool top_written;      /* the one value at the top has begun */
	bool misuse;           /* unbalanced end, too deep, a value without its key */
};

/* s (n bytes, NULs allowed) as a JSON string with its quotes, escaped by
 * the rule above. The writer's strings use it; so may plain printers. */
void json_quote(struct strbuf *b, const char *s, size_t n);

/* Writes into out, which keeps whatever it held before. */
void json_init(struct json *j, struct strbuf *out);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* Inside an object: the next value's name. */
void json_key(struct json *j, const char *key);

/* Values: after a key in an object, as an element in an array, or once at the top. */
void json_string(struct json *j, const char *s);            /* NULL writes null */
void json_string_len(struct json *j, const char *s, size_t n);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* A value that is JSON text already, one of our daemons' own --json
 * answers: written as it is, its trailing newline cut; not checked. */
void json_raw(struct json *j, const char *text, size_t n);

/* A key and its value in one call. */
void json_key_string(struct json *j, const char *key, const char *s);
void json_key_int(struct json *j, const char *key, int64_t v);
void json_key_uint(struct json *j, const char *key, uint64_t v);
void json_key_bool(struct json *j, const char *key, bool v);
void json_key_null(struct json *j, const char *key);
void json_key_object(struct json *j, const char *key);       /* key, then { */
void json_key_array(struct json *j, const char *key);        /* key, then [ */
/* The value when known is true, else null: a count or time not yet measured. */
void json_key_uint_if(struct json *j, const char *key, bool known, uint64_t v);
void json_key_int_if(struct json *j, const char *key, bool known, int64_t v);

/* True when every container is closed, the calls nested correctly and no
 * append failed: out then holds one complete JSON text. */
bool json_done(const struct json *j);

#endif
