/*
 * fuzz_http.c - libFuzzer harness for the HTTP response parser. The first
 * byte picks how the input is split into feeds (1..64 bytes, or whole);
 * the rest is the response, ended by EOF. Besides crashes and sanitizer
 * reports it checks the parser's promises: MORE consumes every byte, the
 * body bound holds, and a split never changes the verdict, the status or
 * the digest compared with feeding everything at once.
 */
#include "http_parse.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_BODY 4096

static int run(struct http_parse *p, const uint8_t *data, size_t size, size_t step)
{
	http_parse_init(p, FUZZ_MAX_BODY);
	int ret = HTTP_MORE;
	size_t pos = 0;
	while (ret == HTTP_MORE && pos < size) {
		size_t n = step && size - pos > step ? step : size - pos, used = 0;
		ret = http_parse_feed(p, data + pos, n, &used);
		if (used > n || (ret == HTTP_MORE && used != n))
			abort();
		pos += used;
	}
	if (ret == HTTP_MORE)
		ret = http_parse_eof(p);
	if (p->body_bytes > FUZZ_MAX_BODY && ret != HTTP_ERROR)
		abort();
	if (ret == HTTP_ERROR && p->error[0] == '\0')
		abort();
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = data[0] % 65;
	static struct http_parse whole, split;
	int a = run(&whole, data + 1, size - 1, 0);
	int b = run(&split, data + 1, size - 1, step);
	if (a != b)
		abort();
	if (a == HTTP_DONE && (whole.status != split.status || memcmp(whole.digest, split.digest, 16) != 0))
		abort();
	return 0;
}
