/*
 * test_rs_state.c - core/lvs/rs_state: rsctl's state file read back equal
 * to what was written, and each kind of corruption refused with its line
 * and reason and nothing kept.
 */
#include <string.h>
#include "rs_state.h"
#include "unit.h"

static int parse(const char *text, struct rs_state *st, int *line, char *err)
{
	return rs_state_parse(text, strlen(text), st, line, err, 128);
}

static void test_round_trip(void)
{
	struct rs_state st = { 0 }, back;
	char buf[4096], err[128] = "";
	int line = 0;

	strcpy(st.sysctls[0].name, "net.ipv4.conf.lo.arp_ignore");
	st.sysctls[0].original = 2;
	strcpy(st.sysctls[1].name, "net.ipv4.conf.all.rp_filter");
	st.sysctls[1].original = 1;
	st.n_sysctls = 2;
	strcpy(st.addrs[0].addr, "10.0.0.100/32");
	strcpy(st.addrs[0].dev, "lo");
	strcpy(st.addrs[1].addr, "2001:db8::1/128");
	strcpy(st.addrs[1].dev, "lo");
	st.n_addrs = 2;
	int n = rs_state_format(&st, buf, sizeof(buf));
	CHECK(n > 0 && strstr(buf, "sysctl net.ipv4.conf.lo.arp_ignore 2\n") &&
	      strstr(buf, "addr 10.0.0.100/32 lo\n"), "format writes one line per item");
	CHECK(rs_state_parse(buf, (size_t)n, &back, &line, err, sizeof(err)) == 0 &&
	      memcmp(&back, &st, sizeof(st)) == 0, "what format writes parses back equal");
	CHECK(rs_state_format(&st, buf, 40) == -1, "format refuses a buffer too small");
}

static void test_corrupt(void)
{
	static const struct { const char *text; int line; const char *reason; } bad[] = {
		{ "sysctl net.ipv4.conf.lo.arp_ignore\n", 1, "wants a name and a value" },
		{ "# c\nsysctl net.ipv4.conf.lo.arp_ignore x\n", 2, "bad value" },
		{ "sysctl kernel.core_pattern 0\n", 1, "not a net.ipv4.conf sysctl" },
		{ "sysctl net.ipv4.conf.lo/../../x 0\n", 1, "not a net.ipv4.conf sysctl" },
		{ "sysctl net.ipv4.conf.lo.arp_ignore 1\nsysctl net.ipv4.conf.lo.arp_ignore 0\n", 2, "recorded twice" },
		{ "addr 10.0.0.1 lo\n", 1, "bad address" },
		{ "addr 10.0.0.1/32 ../lo\n", 1, "bad device" },
		{ "addr 10.0.0.1/32 lo extra\n", 1, "wants an address" },
		{ "\n\nfrobnicate 1\n", 3, "unknown item" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rs_state st;
		char err[128] = "";
		int line = 0;
		int rc = parse(bad[i].text, &st, &line, err);
		CHECK(rc == -1 && line == bad[i].line && strstr(err, bad[i].reason) &&
		      st.n_sysctls == 0 && st.n_addrs == 0,
		      "corrupt state %zu refused at line %d: %s", i, bad[i].line, bad[i].reason);
	}
	struct rs_state st;
	char err[128];
	int line = 0;
	CHECK(rs_state_parse("sysctl net.ipv4.conf.lo.arp_ignore 1\0x\n", 39, &st, &line, err, sizeof(err)) == -1 &&
	      line == 1, "a NUL byte inside a line is refused");
	CHECK(rs_state_parse("sysctl net.ipv4.conf.lo.arp_ignore 1\nx\0y\n", 41, &st, &line, err, sizeof(err)) == -1 &&
	      line == 2 && st.n_sysctls == 0, "a NUL on a later line leaves none of the earlier items");
}

int main(void)
{
	test_round_trip();
	test_corrupt();
	return unit_exit();
}
