/*
 * test_line_reader.c - how lvsd cuts checkd's event channel into lines
 * (line_reader_took, core/daemon/supervise.c): whole lines in order
 * however the reads split them, and a line too long for the buffer
 * dropped whole, its tail included: a tail read as a line of its own
 * could be taken for an event. tests/fuzz/fuzz_line_reader.c checks the
 * same against random input and cuts.
 */
#include <stdio.h>
#include <string.h>
#include "supervise.h"
#include "unit.h"

struct got {
	char lines[4][64];
	int n;
};

static void collect(char *line, void *arg)
{
	struct got *g = arg;
	if (g->n < 4)
		snprintf(g->lines[g->n], sizeof(g->lines[0]), "%s", line);
	g->n++;
}

/* Feeds text in reads of at most step bytes (and the room); returns lines dropped. */
static unsigned feed(struct line_reader *r, const char *text, size_t len, size_t step, struct got *g)
{
	unsigned dropped = 0;
	for (size_t at = 0; at < len;) {
		size_t n = sizeof(r->buf) - r->len;
		n = n < step ? n : step;
		n = n < len - at ? n : len - at;
		memcpy(r->buf + r->len, text + at, n);
		at += n;
		dropped += line_reader_took(r, n, collect, g);
	}
	return dropped;
}

int main(void)
{
	static char text[8192];
	size_t len = 0;
	len += (size_t)sprintf(text + len, "0.001 up tcp/10.0.0.1:80 172.16.0.1:8080 weight=1 initial\n");
	len += (size_t)sprintf(text + len, "1.000 down tcp/10.0.0.1:80 172.16.0.2:8080 weight=0 reason=");
	memset(text + len, 'x', 3000);   /* more than twice the buffer; ends in what would parse as an event */
	len += 3000;
	len += (size_t)sprintf(text + len, " 2.000 up tcp/10.0.0.1:80 172.16.0.2:8080 weight=1\n");
	len += (size_t)sprintf(text + len, "3.000 weight tcp/10.0.0.1:80 172.16.0.1:8080 weight=5\n");
	len += (size_t)sprintf(text + len, "4.000 up tcp/10.0.0.1:80 172.16.0");   /* not ended yet */

	size_t steps[] = { 1, 7, 100, 5000 };
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct line_reader r = { .len = 0 };
		struct got g = { .n = 0 };
		unsigned dropped = feed(&r, text, len, steps[i], &g);
		CHECK(g.n == 2 && strncmp(g.lines[0], "0.001 up ", 9) == 0 && strncmp(g.lines[1], "3.000 weight ", 13) == 0,
		      "reads of %zu bytes: the two whole lines, nothing of the long one (%d lines)", steps[i], g.n);
		CHECK(dropped == 1, "reads of %zu bytes: the long line is dropped once (%u)", steps[i], dropped);
		CHECK(r.len == strlen("4.000 up tcp/10.0.0.1:80 172.16.0") && !r.skipping,
		      "reads of %zu bytes: the unended line waits for its newline", steps[i]);
	}
	return unit_exit();
}
