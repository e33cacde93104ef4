/*
 * test_rs_plan.c - core/lvs/rs_plan: the sysctls rsctl up wants for DR (the
 * seeds' four arp settings on all and lo), with a director-facing device,
 * and for TUN (rp_filter 0 on tunl0 and all); modes and bad device names;
 * the VIP's device per mode and family; VIPs as the command line gives them.
 */
#include <string.h>
#include <sys/socket.h>
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

	n = rs_plan_sysctls(RS_MODE_DR, NULL, AF_INET, w);
	CHECK(n == 4 && wanted(w, n, "net.ipv4.conf.all.arp_ignore") == 1 &&
	      wanted(w, n, "net.ipv4.conf.all.arp_announce") == 2 &&
	      wanted(w, n, "net.ipv4.conf.lo.arp_ignore") == 1 &&
	      wanted(w, n, "net.ipv4.conf.lo.arp_announce") == 2,
	      "DR: arp_ignore 1 and arp_announce 2 on all and lo, as the seeds' rs.sh");
	n = rs_plan_sysctls(RS_MODE_DR, "eth0", AF_INET, w);
	CHECK(n == 6 && wanted(w, n, "net.ipv4.conf.eth0.arp_ignore") == 1 &&
	      wanted(w, n, "net.ipv4.conf.eth0.arp_announce") == 2, "DR --dev eth0 adds eth0's two");
	CHECK(rs_plan_sysctls(RS_MODE_DR, "lo", AF_INET, w) == 4, "--dev lo is not listed twice");
	n = rs_plan_sysctls(RS_MODE_TUN, NULL, AF_INET, w);
	CHECK(wanted(w, n, "net.ipv4.conf.tunl0.rp_filter") == 0 &&
	      wanted(w, n, "net.ipv4.conf.all.rp_filter") == 0 &&
	      wanted(w, n, "net.ipv4.conf.lo.arp_ignore") == 1 && n == 6,
	      "TUN: rp_filter 0 on tunl0 and all, arp settings as for DR");
	CHECK(wanted(w, rs_plan_sysctls(RS_MODE_DR, NULL, AF_INET, w), "net.ipv4.conf.all.rp_filter") == -99,
	      "DR leaves rp_filter alone");
	CHECK(rs_plan_sysctls(RS_MODE_DR, "../x", AF_INET, w) == -1 && rs_plan_sysctls(RS_MODE_DR, "", AF_INET, w) == -1 &&
	      rs_plan_sysctls(RS_MODE_DR, "averyveryverylongname", AF_INET, w) == -1, "bad device names refused");
	CHECK(rs_mode_parse("dr", &mode) == 0 && mode == RS_MODE_DR &&
	      rs_mode_parse("tun", &mode) == 0 && mode == RS_MODE_TUN &&
	      rs_mode_parse("nat", &mode) == -1 && rs_mode_parse(NULL, &mode) == -1, "modes dr and tun only");
	CHECK(strcmp(rs_vip_dev(RS_MODE_DR, AF_INET), "lo") == 0 &&
	      strcmp(rs_vip_dev(RS_MODE_TUN, AF_INET), "tunl0") == 0 &&
	      strcmp(rs_vip_dev(RS_MODE_DR, AF_INET6), "lo") == 0 &&
	      strcmp(rs_vip_dev(RS_MODE_TUN, AF_INET6), "ip6tnl0") == 0,
	      "VIP on lo for DR, tunl0 (IPv6: ip6tnl0) for TUN");
	CHECK(!rs_vip_module(RS_MODE_DR, AF_INET) && strcmp(rs_vip_module(RS_MODE_TUN, AF_INET), "ipip") == 0 &&
	      strcmp(rs_vip_module(RS_MODE_TUN, AF_INET6), "ip6_tunnel") == 0,
	      "tunl0 comes with ipip, ip6tnl0 with ip6_tunnel");
	CHECK(rs_dev_mode("lo") == RS_MODE_DR && rs_dev_mode("tunl0") == RS_MODE_TUN &&
	      rs_dev_mode("ip6tnl0") == RS_MODE_TUN, "mode read back from the VIP's device");
	CHECK(rs_plan_sysctls(RS_MODE_TUN, "eth0", AF_INET6, w) == 0, "an IPv6 VIP needs no sysctl");
	long v = -5;
	CHECK(rs_plan_value("net.ipv4.conf.eth0.arp_ignore", &v) == 0 && v == 1 &&
	      rs_plan_value("net.ipv4.conf.all.arp_announce", &v) == 0 && v == 2 &&
	      rs_plan_value("net.ipv4.conf.tunl0.rp_filter", &v) == 0 && v == 0 &&
	      rs_plan_value("net.ipv4.conf.all.forwarding", &v) == -1, "the value up sets, by name");
	/* every planned sysctl's value is the one rs_plan_value gives back */
	n = rs_plan_sysctls(RS_MODE_TUN, "eth0", AF_INET, w);
	int agree = n > 0;
	for (int i = 0; i < n; i++)
		agree &= rs_plan_value(w[i].name, &v) == 0 && v == w[i].value;
	CHECK(agree, "rs_plan_value agrees with the plan");

	static const struct { const char *in, *text; int family; } good[] = {
		{ "10.0.0.100", "10.0.0.100/32", AF_INET },
		{ "10.0.0.100/32", "10.0.0.100/32", AF_INET },
		{ "2001:DB8:0:0::1", "2001:db8::1/128", AF_INET6 },
		{ "2001:db8::1/128", "2001:db8::1/128", AF_INET6 },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		unsigned char a[16];
		char text[RS_ADDR_TEXT_MAX], why[96];
		int family = 0;
		CHECK(rs_vip_parse(good[i].in, &family, a, text, why, sizeof(why)) == 0 &&
		      family == good[i].family && strcmp(text, good[i].text) == 0,
		      "VIP %s reads as %s", good[i].in, good[i].text);
	}
	static const struct { const char *in, *why; } bad[] = {
		{ "10.0.0.0/24", "one address (/32)" }, { "2001:db8::/64", "one address (/128)" },
		{ "10.0.0.1/", "one address" }, { "vip.example", "not an IP address" },
		{ "", "not an IP address" }, { "/32", "not an IP address" }, { "10.0.0.256", "not an IP" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned char a[16];
		char text[RS_ADDR_TEXT_MAX], why[96] = "";
		int family = 0;
		CHECK(rs_vip_parse(bad[i].in, &family, a, text, why, sizeof(why)) == -1 && strstr(why, bad[i].why),
		      "VIP \"%s\" refused: %s", bad[i].in, bad[i].why);
	}
	return unit_exit();
}
