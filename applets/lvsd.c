/*
 * lvsd.c - the director daemon. Not built yet: the applet table lists it so the
 * symlinks and --help exist from the start.
 */
#include <stdio.h>
#include "applets.h"

const char lvsd_usage[] =
	"Usage: lvsd [OPTIONS]\n"
	"the director daemon (not built yet in this version)\n";

int lvsd_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "lvsd: not built yet in lvsbox %s\n", LVSBOX_VERSION);
	return 1;
}
