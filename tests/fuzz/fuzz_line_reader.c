/*
 * fuzz_line_reader.c - libFuzzer harness for the reader that cuts a
 * child's event channel into lines (line_reader_took, core/daemon/
 * supervise.c): lvsd acts on every line it hands over, so a line must
 * come out whole or not at all.
 *
 * The first two bytes choose how the rest is cut into reads (as the
 * socket may split it anywhere); the rest is the channel's bytes. Besides
 * sanitizer reports it checks the reader against a plain reading of the
 * same bytes: each newline-ended piece shorter than EVENT_LINE_MAX comes
 * out, in order and unchanged; each piece of EVENT_LINE_MAX bytes or more
 * (ended or not) is counted as dropped once and nothing of it comes out;
 * the free room is never zero between reads.
 * Seeds (tests/fuzz/corpus/fuzz_line_reader/) are event lines as checkd
 * writes them, one cut mid-line, and one longer than the buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "supervise.h"

struct expect {
	const uint8_t *data;
	size_t len, pos;         /* where the next expected piece starts */
	unsigned lines;
};

/* The next newline-ended piece shorter than EVENT_LINE_MAX, skipping
 * the long ones; NULL when none is left. */
static const uint8_t *next_piece(struct expect *e, size_t *n)
{
	while (e->pos < e->len) {
		const uint8_t *p = e->data + e->pos;
		const uint8_t *nl = memchr(p, '\n', e->len - e->pos);
		if (!nl)
			return NULL;
		e->pos = (size_t)(nl - e->data) + 1;
		if ((size_t)(nl - p) < EVENT_LINE_MAX) {
			*n = (size_t)(nl - p);
			return p;
		}
	}
	return NULL;
}

static void on_line(char *line, void *arg)
{
	struct expect *e = arg;
	size_t n;
	const uint8_t *want = next_piece(e, &n);
	/* the line is a C string: an embedded NUL ends it early, as lvsd reads it */
	size_t c = strlen(line);
	if (!want || c > n || memcmp(line, want, c) != 0 || (c < n && want[c] != 0))
		abort();
	e->lines++;
}

static unsigned long long_pieces(const uint8_t *d, size_t len)
{
	unsigned long count = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++)
		if (i == len || d[i] == '\n') {
			if (i - start >= EVENT_LINE_MAX)
				count++;
			start = i + 1;
		}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint32_t cut = (uint32_t)data[0] << 8 | data[1];
	data += 2;
	size -= 2;

	static struct line_reader r;
	memset(&r, 0, sizeof(r));
	struct expect e = { data, size, 0, 0 };
	unsigned long dropped = 0;
	size_t at = 0;
	while (at < size) {
		size_t room = sizeof(r.buf) - r.len;
		if (room == 0)
			abort();
		cut = cut * 1103515245u + 12345u;
		size_t n = 1 + (cut >> 16) % (cut & 1 ? 7 : 1500);
		if (n > room)
			n = room;
		if (n > size - at)
			n = size - at;
		memcpy(r.buf + r.len, data + at, n);
		at += n;
		dropped += line_reader_took(&r, n, on_line, &e);
	}
	size_t left;
	if (next_piece(&e, &left) || dropped != long_pieces(data, size) || r.len >= sizeof(r.buf))
		abort();
	return 0;
}
