/*
 * rs_plan.c - the sysctls rsctl up wants per mode (see rs_plan.h).
 */
#include <stdio.h>
#include <string.h>
#include "rs_plan.h"

int rs_mode_parse(const char *word, enum rs_mode *mode)
{
	if (word && strcmp(word, "dr") == 0)
		*mode = RS_MODE_DR;
	else if (word && strcmp(word, "tun") == 0)
		*mode = RS_MODE_TUN;
	else
		return -1;
	return 0;
}

const char *rs_vip_dev(enum rs_mode mode)
{
	return mode == RS_MODE_TUN ? "tunl0" : "lo";
}

static int add(struct rs_want *want, int n, const char *dev, const char *key, long value)
{
	snprintf(want[n].name, sizeof(want[n].name), "net.ipv4.conf.%s.%s", dev, key);
	want[n].value = value;
	return n + 1;
}

/* arp_ignore=1: answer ARP only for addresses on the asking interface, so
 * the VIP on lo (or tunl0) is never claimed on the LAN. arp_announce=2:
 * never use the VIP as the source of our own ARP requests. The kernel takes
 * the larger of all and the device, so both are set. */
static int add_arp(struct rs_want *want, int n, const char *dev)
{
	n = add(want, n, dev, "arp_ignore", 1);
	return add(want, n, dev, "arp_announce", 2);
}

int rs_plan_sysctls(enum rs_mode mode, const char *dev, struct rs_want *want)
{
	int n = 0;

	if (dev && !rs_dev_name_ok(dev))
		return -1;
	n = add_arp(want, n, "all");
	n = add_arp(want, n, "lo");
	if (dev && strcmp(dev, "lo") != 0 && strcmp(dev, "all") != 0)
		n = add_arp(want, n, dev);
	if (mode == RS_MODE_TUN) {
		/* Decapsulated packets arrive on tunl0 with the client's source,
		 * which reverse-path filtering would drop; the kernel uses the
		 * larger of all and tunl0, so both must be 0. */
		n = add(want, n, "tunl0", "rp_filter", 0);
		n = add(want, n, "all", "rp_filter", 0);
	}
	return n;
}
