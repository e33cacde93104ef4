/*
 * applets.h - the one table of applets every entry point is read from.
 *
 * Dispatch, --list, --install, --help and --version all walk this table,
 * which main.c builds from applets.def, the one list of applets.
 */
#ifndef LVSBOX_APPLETS_H
#define LVSBOX_APPLETS_H

#include "version.h"

/* The applet parses --help and --version itself: it answers to another
 * program's name (ipvsadm, keepalived) whose scripts read that output. */
#define APPLET_OWN_HELP 1

struct opts_cmd;

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;   /* one line for --list and lvsbox --help */
	const char *usage;     /* full --help text, or NULL when opts has it */
	const struct opts_cmd *opts;   /* the option table --help is printed from */
	unsigned flags;
};

extern const struct applet applets[];
const struct applet *applet_find(const char *name);

/* Every applet's entry point and usage text or option table; an entry
 * point serving two names (lvsctl and ipvsadm) is declared twice, which C
 * allows. */
#define USAGE(text) extern const char text[];
#define OPTS(table) extern const struct opts_cmd table;
#define APPLET(name, entry, help, flags, summary) int entry(int argc, char **argv); help
#include "applets.def"
#undef APPLET
#undef OPTS
#undef USAGE

#endif
