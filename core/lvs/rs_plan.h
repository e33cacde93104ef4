/*
 * rs_plan.h - what rsctl up wants on a real server, as a pure function of
 * the mode and the director-facing device: which sysctls with which values
 * (the seeds' rs.sh / realserver / lvs_client.sh settings). Reading and
 * writing /proc/sys is the applet's job; keeping this pure lets unit tests
 * check the plan without a kernel.
 */
#ifndef LVSBOX_RS_PLAN_H
#define LVSBOX_RS_PLAN_H

#include <stddef.h>
#include "rs_state.h"

enum rs_mode { RS_MODE_DR, RS_MODE_TUN };

struct rs_want {
	char name[RS_SYSCTL_NAME_MAX];
	long value;
};

#define RS_PLAN_MAX 12

/* "dr" or "tun" into *mode: 0, or -1 for any other word. */
int rs_mode_parse(const char *word, enum rs_mode *mode);

/* Fills want[] (RS_PLAN_MAX entries) with the sysctls a VIP of family
 * (AF_INET, AF_INET6) needs in mode; dev is the interface facing the
 * director (NULL: none given). The count, or -1 when dev is not a usable
 * interface name. An IPv6 VIP needs none: the kernel answers a neighbour
 * solicitation only for an address on the interface it came in on, which
 * is what arp_ignore=1 makes ARP do, and IPv6 has no rp_filter. */
int rs_plan_sysctls(enum rs_mode mode, const char *dev, int family, struct rs_want *want);

/* The value rsctl up sets for a sysctl it records (by its last part:
 * arp_ignore 1, arp_announce 2, rp_filter 0): 0, or -1 for another name. */
int rs_plan_value(const char *name, long *value);

/* The device a VIP of family goes on in mode: "lo" for DR; for TUN the
 * kernel's fallback tunnel, "tunl0" (IPIP) or "ip6tnl0" (IPv6 in IPv6). */
const char *rs_vip_dev(enum rs_mode mode, int family);

/* The module that makes that tunnel device; NULL for DR. */
const char *rs_vip_module(enum rs_mode mode, int family);

/* The mode a VIP recorded on dev was brought up in. */
enum rs_mode rs_dev_mode(const char *dev);
const char *rs_mode_name(enum rs_mode mode);

/* A VIP as written on the command line: an IPv4 or IPv6 address, alone or
 * with /32 or /128. 0 with *family, the address bytes (16) and its
 * canonical text "ADDR/PFX" (RS_ADDR_TEXT_MAX bytes) filled; -1 with why
 * (whysize bytes) saying what is wrong. */
int rs_vip_parse(const char *word, int *family, unsigned char addr[16], char *text,
		 char *why, size_t whysize);

#endif
