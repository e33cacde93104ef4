/*
 * lvsctl.c - ipvsadm-compatible control of the kernel's IPVS table.
 */
#include <stdio.h>
#include "applets.h"

const char lvsctl_usage[] = "Usage: lvsctl (not built yet)\n";

int lvsctl_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "lvsctl: not built yet\n");
	return 1;
}
