/*
 * conf_printconf.h - the typed config written back as a keepalived config in
 * one canonical form, for "-t -v": the reader sees what the daemon understood
 * (includes and $NAME resolved, defaults spelled out), not what was typed.
 */
#ifndef LVSBOX_CONF_PRINTCONF_H
#define LVSBOX_CONF_PRINTCONF_H

#include "conf.h"

#include <stdio.h>

/* keepalived -t's exit codes, the ones conf_print_file can return */
#define CONF_PRINT_OK    0
#define CONF_PRINT_FATAL 3

/*
 * Every block of conf in a fixed order, each with every value the model
 * holds; a flag that is off and an optional value that is unset are left out
 * (keepalived has no spelling for "not set"). The output loads back into an
 * equal model and prints again byte for byte.
 */
void conf_keepalived_print(FILE *out, const struct conf_keepalived *conf);

/* One checker block at depth (two spaces each), from its validated node. */
void conf_checker_print(FILE *out, const struct conf_checker *checker, int depth);

/*
 * Loads path and prints it to out. Diagnostics go to diags (NULL: nowhere).
 * CONF_PRINT_FATAL when the config has errors (nothing is printed), memory
 * runs out or out cannot be written; warnings alone still print.
 */
int conf_print_file(const char *path, FILE *out, FILE *diags);

#endif
