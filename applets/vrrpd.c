/*
 * vrrpd.c - VRRP failover of virtual IPs. Not built yet: the applet table lists it so the
 * symlinks and --help exist from the start.
 */
#include <stdio.h>
#include "applets.h"

const char vrrpd_usage[] =
	"Usage: vrrpd [OPTIONS]\n"
	"VRRP failover of virtual IPs (not built yet in this version)\n";

int vrrpd_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vrrpd: not built yet in lvsbox %s\n", LVSBOX_VERSION);
	return 1;
}
