/*
 * rsctl.c - real-server set-up for DR and TUN. Not built yet: the applet table lists it so the
 * symlinks and --help exist from the start.
 */
#include <stdio.h>
#include "applets.h"

const char rsctl_usage[] =
	"Usage: rsctl [OPTIONS]\n"
	"real-server set-up for DR and TUN (not built yet in this version)\n";

int rsctl_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "rsctl: not built yet in lvsbox %s\n", LVSBOX_VERSION);
	return 1;
}
