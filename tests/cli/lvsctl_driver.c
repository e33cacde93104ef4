/*
 * lvsctl_driver.c - main() for lvsctl linked alone with fake_ipvs.c, so the
 * host tests can run it under the name ipvsadm without a kernel.
 */
#include "applets.h"

int main(int argc, char **argv)
{
	return lvsctl_main(argc, argv);
}
