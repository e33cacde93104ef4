/*
 * checkd.c - real-server health checks. Not built yet: the applet table lists it so the
 * symlinks and --help exist from the start.
 */
#include <stdio.h>
#include "applets.h"

const char checkd_usage[] =
	"Usage: checkd [OPTIONS]\n"
	"real-server health checks (not built yet in this version)\n";

int checkd_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "checkd: not built yet in lvsbox %s\n", LVSBOX_VERSION);
	return 1;
}
