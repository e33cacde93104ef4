/*
 * test_strbuf.c - core/base/strbuf: appends of every kind, growth past the
 * first allocation, a format longer than the free space, the allocation
 * limit turning into oom (and later appends being dropped), reset keeping
 * the memory, and take handing over the text.
 */
#include <stdlib.h>
#include <string.h>
#include "strbuf.h"
#include "unit.h"

static void test_appends(void)
{
	struct strbuf b = { 0 };

	CHECK(b.data == NULL && b.len == 0, "a zeroed builder is empty and owns nothing");
	strbuf_puts(&b, "abc");
	strbuf_putc(&b, '-');
	strbuf_append(&b, "xyz", 2);
	strbuf_printf(&b, "[%d:%s]", 42, "q");
	CHECK(b.data && strcmp(b.data, "abc-xy[42:q]") == 0 && b.len == 12, "puts, putc, append, printf");
	strbuf_append(&b, "n\0n", 3);
	CHECK(b.len == 15 && memcmp(b.data + 12, "n\0n", 4) == 0, "append keeps NULs and terminates");
	strbuf_free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0, "free leaves an empty builder");
}

static void test_growth(void)
{
	struct strbuf b = { 0 };
	char big[5000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_puts(&b, "start ");
	strbuf_printf(&b, "%s|%d", big, 7);     /* longer than the free space: formatted twice */
	CHECK(!b.oom && b.len == 6 + 4999 + 2 && strncmp(b.data, "start xxx", 9) == 0 &&
	      strcmp(b.data + b.len - 2, "|7") == 0, "printf longer than the free space grows the buffer");
	for (int i = 0; i < 10000; i++)
		strbuf_printf(&b, "line %05d\n", i);
	CHECK(!b.oom && b.len == 6 + 5001 + 10000 * 11 && strncmp(b.data + b.len - 11, "line 09999\n", 11) == 0,
	      "10,000 printf appends");
	strbuf_free(&b);
}

static void test_limit(void)
{
	struct strbuf b = { .max = 2048 };

	for (int i = 0; i < 2047; i++)
		strbuf_putc(&b, 'a');
	CHECK(!b.oom && b.len == 2047 && b.cap == 2048, "text up to max - 1 bytes fits");
	strbuf_putc(&b, 'b');
	CHECK(b.oom && b.len == 2047 && b.data[2047] == '\0', "one more byte is oom; the text stays whole");
	strbuf_puts(&b, "c");
	strbuf_printf(&b, "%d", 1);
	CHECK(b.len == 2047, "appends after oom are dropped");
	strbuf_reset(&b);
	CHECK(!b.oom && b.len == 0 && b.data && b.data[0] == '\0' && b.cap == 2048 && b.max == 2048,
	      "reset empties, clears oom, keeps the memory and the limit");
	strbuf_printf(&b, "%s", "again");
	CHECK(strcmp(b.data, "again") == 0, "usable after reset");
	for (int i = 0; i < 600; i++)
		strbuf_printf(&b, "%d", 1234);
	CHECK(b.oom, "printf past the limit is oom");
	CHECK(strbuf_take(&b) == NULL && b.data == NULL && b.len == 0, "take after oom: NULL, builder freed");
}

static void test_take(void)
{
	struct strbuf b = { 0 };
	char *s = strbuf_take(&b);

	CHECK(s && strcmp(s, "") == 0, "take of an empty builder gives \"\"");
	free(s);
	strbuf_printf(&b, "%s=%u", "k", 5u);
	s = strbuf_take(&b);
	CHECK(s && strcmp(s, "k=5") == 0 && b.data == NULL && b.cap == 0, "take hands over the text");
	free(s);
}

int main(void)
{
	test_appends();
	test_growth();
	test_limit();
	test_take();
	return unit_exit();
}
