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

/* Fills want[] (RS_PLAN_MAX entries) with the sysctls mode needs; dev is
 * the interface facing the director (NULL: none given). The count, or -1
 * when dev is not a usable interface name. */
int rs_plan_sysctls(enum rs_mode mode, const char *dev, struct rs_want *want);

/* The device a VIP goes on in mode: "lo" for DR, "tunl0" for TUN. */
const char *rs_vip_dev(enum rs_mode mode);

#endif
