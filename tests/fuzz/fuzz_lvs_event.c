/*
 * fuzz_lvs_event.c - libFuzzer harness for checkd's event lines as lvsd
 * reads them (lvs_event_parse). The input is one line, as lvsd's reader
 * hands it over: the bytes up to the first newline, in a buffer of exactly
 * that length (no NUL after it), so reading past the end is a report.
 *
 * Besides sanitizer reports it checks what lvsd relies on: every field
 * the parser returns lies inside the line, the names are non-empty words
 * without spaces, the weight is 0..INT32_MAX; and a parsed event written
 * out again as checkd writes it parses to the same event.
 * Seeds (tests/fuzz/corpus/fuzz_lvs_event/) are lines as checkd writes
 * them: up, down, weight, initial, inhibit, a reason with spaces, and a
 * few that lvsd must refuse.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lvs_event.h"

static const char *kind_word(enum lvs_event_kind k)
{
	return k == LVS_EVENT_UP ? "up" : k == LVS_EVENT_DOWN ? "down" : "weight";
}

static void check_inside(const char *p, size_t n, const char *line, size_t len)
{
	if (p < line || n > len || p + n > line + len)
		abort();
}

static void check_word(const char *w, size_t n, const char *line, size_t len)
{
	check_inside(w, n, line, len);
	if (n == 0 || memchr(w, ' ', n))
		abort();
}

static bool same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* The caller sized dst for everything appended (len + 64 covers the fixed words). */
static void append(char *dst, size_t *n, const char *src, size_t len)
{
	memcpy(dst + *n, src, len);
	*n += len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t len = nl ? (size_t)(nl - data) : size;
	char *line = malloc(len ? len : 1);
	struct lvs_event ev;

	if (!line)
		return 0;
	memcpy(line, data, len);
	int rc = lvs_event_parse(line, len, &ev);
	if (rc != 0 && rc != LVS_EVENT_MALFORMED && rc != LVS_EVENT_UNKNOWN)
		abort();
	if (rc == LVS_EVENT_UNKNOWN)
		check_word(ev.word, ev.word_len, line, len);
	if (rc != 0) {
		free(line);
		return 0;
	}
	check_word(ev.word, ev.word_len, line, len);
	check_word(ev.vs, ev.vs_len, line, len);
	check_word(ev.rs, ev.rs_len, line, len);
	if (ev.weight < 0 || (int64_t)ev.weight > INT32_MAX)
		abort();
	if (ev.reason)
		check_inside(ev.reason, ev.reason_len, line, len);

	/* written out again, as checkd writes it; memcpy, since a field may hold a NUL */
	size_t cap = len + 64, n = 0;
	char *again = malloc(cap);
	char weight[32];
	if (!again)
		abort();
	append(again, &n, "0 ", 2);
	append(again, &n, kind_word(ev.kind), strlen(kind_word(ev.kind)));
	append(again, &n, " ", 1);
	append(again, &n, ev.vs, ev.vs_len);
	append(again, &n, " ", 1);
	append(again, &n, ev.rs, ev.rs_len);
	append(again, &n, weight, (size_t)snprintf(weight, sizeof(weight), " weight=%d", ev.weight));
	if (ev.initial)
		append(again, &n, " initial", 8);
	if (ev.reason) {
		append(again, &n, " reason=", 8);
		append(again, &n, ev.reason, ev.reason_len);
	}
	if (n > cap)
		abort();
	struct lvs_event ev2;
	if (lvs_event_parse(again, n, &ev2) != 0 || ev2.kind != ev.kind ||
	    !same_text(ev2.vs, ev2.vs_len, ev.vs, ev.vs_len) || !same_text(ev2.rs, ev2.rs_len, ev.rs, ev.rs_len) ||
	    ev2.weight != ev.weight || ev2.initial != ev.initial || !ev2.reason != !ev.reason ||
	    (ev.reason && !same_text(ev2.reason, ev2.reason_len, ev.reason, ev.reason_len)))
		abort();
	free(again);
	free(line);
	return 0;
}
