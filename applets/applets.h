/*
 * applets.h - the one table of applets every entry point is read from.
 *
 * Dispatch, --list, --install, --help and --version all walk this table,
 * which main.c builds from applets.def, the one list of applets.
 */
#ifndef LVSBOX_APPLETS_H
#define LVSBOX_APPLETS_H

#define LVSBOX_VERSION "0.1.0"

/* The applet parses --help and --version itself: it answers to another
 * program's name (ipvsadm, keepalived) whose scripts read that output. */
#define APPLET_OWN_HELP 1

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;   /* one line for --list and lvsbox --help */
	const char *usage;     /* full --help text */
	unsigned flags;
};

extern const struct applet applets[];
const struct applet *applet_find(const char *name);

/* Every applet's entry point and usage text; an entry point serving two
 * names (lvsctl and ipvsadm) is declared twice, which C allows. */
#define APPLET(name, entry, usage, flags, summary) int entry(int argc, char **argv); extern const char usage[];
#include "applets.def"
#undef APPLET

#endif
