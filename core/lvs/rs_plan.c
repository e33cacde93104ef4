/*
 * rs_plan.c - the sysctls rsctl up wants per mode (see rs_plan.h).
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
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

const char *rs_vip_dev(enum rs_mode mode, int family)
{
	if (mode != RS_MODE_TUN)
		return "lo";
	return family == AF_INET6 ? "ip6tnl0" : "tunl0";
}

const char *rs_vip_module(enum rs_mode mode, int family)
{
	if (mode != RS_MODE_TUN)
		return NULL;
	return family == AF_INET6 ? "ip6_tunnel" : "ipip";
}

enum rs_mode rs_dev_mode(const char *dev)
{
	return strcmp(dev, "tunl0") == 0 || strcmp(dev, "ip6tnl0") == 0 ? RS_MODE_TUN : RS_MODE_DR;
}

const char *rs_mode_name(enum rs_mode mode)
{
	return mode == RS_MODE_TUN ? "tun" : "dr";
}

int rs_vip_parse(const char *word, int *family, unsigned char addr[16], char *text,
		 char *why, size_t whysize)
{
	char host[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(word, '/');
	size_t hlen = slash ? (size_t)(slash - word) : strlen(word);
	char canon[INET6_ADDRSTRLEN];

	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(why, whysize, "%s: not an IP address", word);
		return -1;
	}
	memcpy(host, word, hlen);
	host[hlen] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, host, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		*family = AF_INET6;
	else {
		snprintf(why, whysize, "%s: not an IP address", word);
		return -1;
	}
	const char *full = *family == AF_INET ? "32" : "128";
	if (slash && strcmp(slash + 1, full) != 0) {
		snprintf(why, whysize, "%s: a VIP is one address (/%s), not a network", word, full);
		return -1;
	}
	inet_ntop(*family, addr, canon, sizeof(canon));
	snprintf(text, RS_ADDR_TEXT_MAX, "%s/%s", canon, full);
	return 0;
}

int rs_plan_value(const char *name, long *value)
{
	static const struct { const char *key; long value; } keys[] = {
		{ ".arp_ignore", 1 }, { ".arp_announce", 2 }, { ".rp_filter", 0 },
	};
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t k = strlen(keys[i].key);
		if (n > k && strcmp(name + n - k, keys[i].key) == 0) {
			*value = keys[i].value;
			return 0;
		}
	}
	return -1;
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

int rs_plan_sysctls(enum rs_mode mode, const char *dev, int family, struct rs_want *want)
{
	int n = 0;

	if (dev && !rs_dev_name_ok(dev))
		return -1;
	if (family == AF_INET6)
		return 0;
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
