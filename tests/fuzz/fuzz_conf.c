/*
 * fuzz_conf.c - libFuzzer harness for the config parser: any bytes as a
 * config file (includes refused). Besides crashes and sanitizer reports it
 * checks the round trip: a tree that parsed cleanly, printed in canonical
 * form and parsed again, must be the same tree. Then the typed layer runs.
 */
#include "conf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_tree *tree = conf_parse_buffer("fuzz.conf", (const char *)data, size, CONF_NO_INCLUDE | CONF_NO_RESOLVE);
	if (!tree)
		return 0;
	if (tree->nerrors == 0) {
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		if (out) {
			conf_print(out, tree);
			fclose(out);
			struct conf_tree *again = conf_parse_buffer("printed.conf", text, len, CONF_NO_INCLUDE);
			if (again && again->nerrors == 0 && !conf_tree_equal(tree, again))
				abort();
			/* quoting and indentation may push a line or the file past its bound */
			if (again && again->nerrors && len <= CONF_MAX_FILE &&
			    !strstr(again->diags[0].text, "line too long")) {
				conf_print_diags(stderr, again);
				abort();
			}
			conf_free(again);
			free(text);
		}
	}
	conf_keepalived_free(conf_keepalived_load(tree));
	return 0;
}
