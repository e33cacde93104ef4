/*
 * fuzz_rs_state.c - libFuzzer harness for rsctl's state file parser
 * (rs_state_parse). The input is the whole file in a buffer of exactly its
 * length, so reading past the end is a report. Besides sanitizer reports
 * it checks what `rsctl down` relies on: a refused file yields a line
 * number inside the file and an empty state (nothing to undo half-way);
 * an accepted one, formatted again, parses to the same state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "rs_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	static struct rs_state st, back;
	struct strbuf out = { 0 };
	char err[128];
	int line = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	if (rs_state_parse(text, size, &st, &line, err, sizeof(err)) < 0) {
		if (line < 1 || st.n_sysctls || st.n_addrs || !memchr(err, '\0', sizeof(err)))
			abort();
	} else {
		rs_state_format(&st, &out);
		if (out.oom || rs_state_parse(out.data, out.len, &back, &line, err, sizeof(err)) < 0 ||
		    memcmp(&st, &back, sizeof(st)) != 0)
			abort();
	}
	strbuf_free(&out);
	free(text);
	return 0;
}
