/*
 * test_rs_state.c - core/lvs/rs_state: rsctl's state file read back equal
 * to what was written, each kind of corruption refused with its line and
 * reason and nothing kept, and the record edited as up and down do.
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
	struct strbuf buf = { 0 };
	char err[128] = "";
	int line = 0;

	strcpy(st.sysctls[0].name, "net.ipv4.conf.lo.arp_ignore");
	st.sysctls[0].original = 2;
	strcpy(st.sysctls[1].name, "net.ipv4.conf.all.rp_filter");
	st.sysctls[1].original = 1;
	st.n_sysctls = 2;
	strcpy(st.addrs[0].addr, "10.0.0.100/32");
	strcpy(st.addrs[0].dev, "lo");
	st.addrs[0].added = 1;
	strcpy(st.addrs[1].addr, "2001:db8::1/128");
	strcpy(st.addrs[1].dev, "lo");
	st.addrs[1].added = 1;
	strcpy(st.addrs[2].addr, "10.0.0.101/32");
	strcpy(st.addrs[2].dev, "tunl0");
	st.n_addrs = 3;
	rs_state_format(&st, &buf);
	CHECK(!buf.oom && strstr(buf.data, "sysctl net.ipv4.conf.lo.arp_ignore 2\n") &&
	      strstr(buf.data, "addr 10.0.0.100/32 lo\n") && strstr(buf.data, "kept 10.0.0.101/32 tunl0\n"),
	      "format writes one line per item: addr for an added VIP, kept for one found");
	CHECK(rs_state_parse(buf.data, buf.len, &back, &line, err, sizeof(err)) == 0 &&
	      memcmp(&back, &st, sizeof(st)) == 0, "what format writes parses back equal");
	strbuf_free(&buf);
}

static void test_edit(void)
{
	struct rs_state st = { 0 };

	CHECK(rs_state_add_sysctl(&st, "net.ipv4.conf.all.arp_ignore", 2) == 0 &&
	      rs_state_add_sysctl(&st, "net.ipv4.conf.all.arp_ignore", 0) == -1 &&
	      rs_state_sysctl(&st, "net.ipv4.conf.all.arp_ignore")->original == 2,
	      "a sysctl is recorded once: the first original stays");
	CHECK(rs_state_add_sysctl(&st, "kernel.modprobe", 0) == -1 &&
	      rs_state_add_sysctl(&st, "net.ipv4.conf.a/b.x", 0) == -1 && st.n_sysctls == 1,
	      "a name the parser would refuse is not recorded");
	CHECK(rs_state_add_addr(&st, "10.0.0.1/32", "lo", 1) == 0 &&
	      rs_state_add_addr(&st, "10.0.0.2/32", "lo", 0) == 0 &&
	      rs_state_add_addr(&st, "10.0.0.3/32", "tunl0", 1) == 0 &&
	      rs_state_add_addr(&st, "10.0.0.1/32", "tunl0", 1) == -1 &&
	      rs_state_add_addr(&st, "10.0.0.4/32", "a b", 1) == -1 && st.n_addrs == 3,
	      "an address is recorded once, on a valid device");
	CHECK(rs_state_drop_addr(&st, "10.0.0.1/32") == 0 && st.n_addrs == 2 &&
	      strcmp(st.addrs[0].addr, "10.0.0.2/32") == 0 && st.addrs[0].added == 0 &&
	      strcmp(st.addrs[1].addr, "10.0.0.3/32") == 0 && !rs_state_addr(&st, "10.0.0.1/32") &&
	      rs_state_drop_addr(&st, "10.0.0.1/32") == -1, "dropping an address keeps the others in order");
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
		{ "addr 10.0.0.1/32 lo\nkept 10.0.0.1/32 lo\n", 2, "recorded twice" },
		{ "kept 10.0.0.1/32\n", 1, "kept wants an address" },
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
	test_edit();
	test_corrupt();
	return unit_exit();
}
