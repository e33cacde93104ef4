/*
 * fuzz_metrics_http.c - libFuzzer harness for the request parser of lvsd's
 * metrics listener (core/base/http.c). Besides crashes and sanitizer
 * reports it checks the parser's promises: the verdict is one of the
 * statuses it documents; a request it takes has a path that starts with
 * '/', has no query and fits; and reading more bytes never changes a
 * verdict once given (the server answers as soon as there is one).
 */
#include <stdlib.h>
#include <string.h>
#include "http.h"

static int verdict(const uint8_t *data, size_t n, struct http_request *req)
{
	const char *why;
	int rc = http_parse_request((const char *)data, n, req, &why);

	switch (rc) {
	case 0:
		if (why)
			abort();
		break;
	case 200:
		if (req->path[0] != '/' || strchr(req->path, '?') || strlen(req->path) >= HTTP_MAX_PATH)
			abort();
		break;
	case 400: case 405: case 414: case 431: case 505:
		if (!why)
			abort();
		break;
	default:
		abort();
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req;
	int first = 0;

	if (size > HTTP_MAX_REQUEST + 16)
		size = HTTP_MAX_REQUEST + 16;
	/* every prefix: 0 until a verdict, then that verdict for good
	 * (431 aside: it depends on how much arrived) */
	for (size_t n = 0; n <= size; n++) {
		int rc = verdict(data, n, &req);
		if (first && rc != first && first != 431 && rc != 431)
			abort();
		if (!first && rc)
			first = rc;
	}
	return 0;
}
