/*
 * opts.h - a command's options as one table, from which getopt_long's
 * short string, its long options and the --help text are all made, so
 * that an option cannot be parsed without being documented, or documented
 * under a letter or argument it does not have.
 *
 * A row defines an option, or splices in a shared table (OPTS_INCLUDE: the
 * options every daemon takes alike), or shows an option defined elsewhere
 * (usually in an included table) at the row's place in the command's words
 * (OPTS_SHOW_SHORT/LONG, help NULL for the option's own text): the
 * daemons differ in their defaults and in what -s prints. An option no
 * row shows is listed where it is defined or included, with its own text;
 * so a command retexts the first shared option by showing it before the
 * include, and moves one after its own option by showing it there.
 * --help is:
 *     usage text
 *     one entry per listed option, in table order:
 *       "  " LABEL, padded to 12 columns (or followed by two spaces when
 *       longer), the help text; each '\n' in it starts a continuation
 *       line indented 14 columns
 *     footer text
 * LABEL is "-x ARG", or "--name ARG" for a long-only option, unless the
 * row gives its own (two options on one line: "-c, -r FILE").
 */
#ifndef LVSBOX_OPTS_H
#define LVSBOX_OPTS_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include "strbuf.h"

#define OPTS_MAX 48            /* options in one command, shared ones included */
#define OPTS_HELP_INDENT 14    /* where help text starts */

#define OPTS_SHOWS 1u          /* the row only shows an included option (see above) */

/* Some 80 of these are in the binary: the numbers are narrow. */
struct opts_row {
	const char *name;           /* long option; NULL for short only */
	const char *arg;            /* its argument's name in --help; NULL: takes none */
	const char *help;           /* --help text; NULL: not listed */
	const char *label;          /* --help shows this instead of "-x ARG" */
	const struct opts_row *include;   /* a shared table spliced in here */
	uint16_t id;                /* what opts_next returns; 0 means the letter */
	unsigned char letter;       /* short option; 0 for long only */
	unsigned char flags;
};

/* An option with a short letter (and a long name or NULL). */
#define OPT(l, long_name, arg_name, help_text) \
	{ .letter = (l), .name = (long_name), .arg = (arg_name), .help = (help_text) }
/* A long-only option; id is what opts_next returns for it. */
#define OPT_LONG(long_name, opt_id, arg_name, help_text) \
	{ .name = (long_name), .arg = (arg_name), .help = (help_text), .id = (opt_id) }
#define OPTS_INCLUDE(table) { .include = (table) }
/* An option defined elsewhere, listed here with this text (NULL: its own). */
#define OPTS_SHOW_SHORT(l, help_text) { .letter = (l), .help = (help_text), .flags = OPTS_SHOWS }
#define OPTS_SHOW_LONG(long_name, help_text) { .name = (long_name), .help = (help_text), .flags = OPTS_SHOWS }
#define OPTS_END { 0 }

struct opts_cmd {
	const char *usage;              /* before the options: Usage lines, what it does, a blank line */
	const struct opts_row *rows;    /* ends with OPTS_END */
	const char *footer;             /* after the options; NULL for none */
};

/* A table made ready for getopt_long. */
struct opts {
	const struct opts_row *defs[OPTS_MAX];      /* every option defined, in table order */
	const struct opts_row *shown_by[OPTS_MAX];  /* the OPTS_SHOWS row of defs[i], or NULL */
	int ndefs;
	char shorts[OPTS_MAX * 2 + 1];
	struct option longs[OPTS_MAX + 1];
	char error[128];                            /* what is wrong with the table */
};

/* Reads rows: 0, or -1 with o->error saying what is wrong (too many
 * options, a letter or long name twice, a long-only option without an id,
 * a shown option that is not defined or shown twice, includes too deep). */
int opts_build(struct opts *o, const struct opts_row *rows);

/* opts_build of cmd's rows for parsing a command line from its start
 * (optind 1): 0, or -1 with "prog: bad option table: why" on stderr. */
int opts_start(struct opts *o, const struct opts_cmd *cmd, const char *prog);

/* The next option as getopt_long finds it (optind, opterr and its
 * messages are getopt's): the option's id with *arg its argument (or
 * NULL), '?' for an unknown option or a missing argument, -1 when the
 * options end. */
int opts_next(struct opts *o, int argc, char **argv, char **arg);

/* Appends cmd's --help text to out: 0, or -1 when the table is wrong
 * (the reason in out instead, so that it shows in a test). */
int opts_help(struct strbuf *out, const struct opts_cmd *cmd);

/* opts_help to f; 0, or -1 for a wrong table or a failed allocation. */
int opts_print_help(FILE *f, const struct opts_cmd *cmd);

#endif
