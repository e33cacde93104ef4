/*
 * fuzz_uci.c - libFuzzer harness for the UCI parser and the keepalived
 * translation behind `lvsd --uci`: any bytes as /etc/config/keepalived.
 * Besides crashes and sanitizer reports it checks what the parser
 * promises: every name it keeps is letters, digits and '_', every option
 * has a value, and an error is one "file:line: reason" line.
 */
#include "uci_keepalived.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_name(const char *s)
{
	if (!*s)
		abort();
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uci_pkg *pkg;
	char err[512];

	if (uci_parse_buffer("fuzz.uci", (const char *)data, size, &pkg, err, sizeof(err)) != 0) {
		if (strncmp(err, "fuzz.uci:", 9) != 0 && strcmp(err, "out of memory") != 0)
			abort();
		if (strchr(err, '\n'))
			abort();
		return 0;
	}
	for (int i = 0; i < pkg->nsecs; i++) {
		const struct uci_sec *s = &pkg->secs[i];
		if (s->name)
			check_name(s->name);
		if (!s->type[0])
			abort();
		for (int j = 0; j < s->nopts; j++) {
			check_name(s->opts[j].name);
			if (s->opts[j].nvalues < 1 || (!s->opts[j].is_list && s->opts[j].nvalues != 1))
				abort();
		}
	}
	struct strbuf out = { 0 };
	struct uci_keepalived_opts opts = { 0 };
	if (uci_keepalived(pkg, &opts, &out, err, sizeof(err)) != 0 && strncmp(err, "fuzz.uci:", 9) != 0 &&
	    strcmp(err, "out of memory") != 0)
		abort();
	strbuf_free(&out);
	uci_pkg_free(pkg);
	return 0;
}
