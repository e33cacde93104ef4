/*
 * conf_check.c - test helper: runs the config parser on one file, the way
 * the daemons' -t will. Prints every diagnostic ("file:line: reason") on
 * stderr; with -p also the canonical form on stdout.
 * Exit status: 0 clean, 1 warnings only, 2 errors (or usage).
 * Usage: conf_check [-p] FILE
 */
#include "conf.h"

#include <string.h>

int main(int argc, char **argv)
{
	int print = argc == 3 && strcmp(argv[1], "-p") == 0;
	if (argc != 2 + print) {
		fprintf(stderr, "usage: conf_check [-p] FILE\n");
		return 2;
	}
	struct conf_keepalived *conf = conf_keepalived_read(argv[1 + print]);
	if (!conf)
		return 2;
	const struct conf_tree *tree = conf->tree;
	conf_print_diags(stderr, tree);
	if (print && !tree->nerrors)
		conf_print(stdout, tree);
	int rc = tree->nerrors ? 2 : tree->nwarnings ? 1 : 0;
	conf_keepalived_free(conf);
	return rc;
}
