/*
 * test_rs_plan.c - core/lvs/rs_plan: the sysctls rsctl up wants for DR (the
 * seeds' four arp settings on all and lo), with a director-facing device,
 * and for TUN (rp_filter 0 on tunl0 and all); modes and bad device names.
 */
#include <string.h>
#include "rs_plan.h"
#include "unit.h"

static long wanted(const struct rs_want *w, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(w[i].name, name) == 0)
			return w[i].value;
	return -99;
}

int main(void)
{
	struct rs_want w[RS_PLAN_MAX];
	enum rs_mode mode;
	int n;

	n = rs_plan_sysctls(RS_MODE_DR, NULL, w);
	CHECK(n == 4 && wanted(w, n, "net.ipv4.conf.all.arp_ignore") == 1 &&
	      wanted(w, n, "net.ipv4.conf.all.arp_announce") == 2 &&
	      wanted(w, n, "net.ipv4.conf.lo.arp_ignore") == 1 &&
	      wanted(w, n, "net.ipv4.conf.lo.arp_announce") == 2,
	      "DR: arp_ignore 1 and arp_announce 2 on all and lo, as the seeds' rs.sh");
	n = rs_plan_sysctls(RS_MODE_DR, "eth0", w);
	CHECK(n == 6 && wanted(w, n, "net.ipv4.conf.eth0.arp_ignore") == 1 &&
	      wanted(w, n, "net.ipv4.conf.eth0.arp_announce") == 2, "DR --dev eth0 adds eth0's two");
	CHECK(rs_plan_sysctls(RS_MODE_DR, "lo", w) == 4, "--dev lo is not listed twice");
	n = rs_plan_sysctls(RS_MODE_TUN, NULL, w);
	CHECK(wanted(w, n, "net.ipv4.conf.tunl0.rp_filter") == 0 &&
	      wanted(w, n, "net.ipv4.conf.all.rp_filter") == 0 &&
	      wanted(w, n, "net.ipv4.conf.lo.arp_ignore") == 1 && n == 6,
	      "TUN: rp_filter 0 on tunl0 and all, arp settings as for DR");
	CHECK(wanted(w, rs_plan_sysctls(RS_MODE_DR, NULL, w), "net.ipv4.conf.all.rp_filter") == -99,
	      "DR leaves rp_filter alone");
	CHECK(rs_plan_sysctls(RS_MODE_DR, "../x", w) == -1 && rs_plan_sysctls(RS_MODE_DR, "", w) == -1 &&
	      rs_plan_sysctls(RS_MODE_DR, "averyveryverylongname", w) == -1, "bad device names refused");
	CHECK(rs_mode_parse("dr", &mode) == 0 && mode == RS_MODE_DR &&
	      rs_mode_parse("tun", &mode) == 0 && mode == RS_MODE_TUN &&
	      rs_mode_parse("nat", &mode) == -1 && rs_mode_parse(NULL, &mode) == -1, "modes dr and tun only");
	CHECK(strcmp(rs_vip_dev(RS_MODE_DR), "lo") == 0 && strcmp(rs_vip_dev(RS_MODE_TUN), "tunl0") == 0,
	      "VIP on lo for DR, tunl0 for TUN");
	return unit_exit();
}
