/*
 * applets.h - the one table of applets every entry point is read from.
 *
 * Dispatch, --list, --install, --help and --version all walk this table, so a
 * new applet is one row here and one file in applets/.
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

int lvsctl_main(int argc, char **argv);
int lvsd_main(int argc, char **argv);
int keepalived_main(int argc, char **argv);
int checkd_main(int argc, char **argv);
int vrrpd_main(int argc, char **argv);
int rsctl_main(int argc, char **argv);

extern const char lvsctl_usage[], lvsd_usage[], keepalived_usage[], checkd_usage[], vrrpd_usage[], rsctl_usage[];

#endif
