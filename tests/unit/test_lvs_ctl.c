/*
 * test_lvs_ctl.c - core/lvs/lvs_ctl: the `lvsd ctl` request parser
 * (ipvsadm's and lvsd's spellings of a virtual server, IPv6 in brackets, the
 * ways a request is refused), the look-up in a model built from a config
 * (a group answers to its addresses and fwmarks; unknown or ambiguous names
 * are refused), and what an override does to the wanted IPVS table with
 * checkd's events around it: a drained server that goes down and comes
 * back is still drained, enable gives back the checker's weight, a
 * reload's fresh model has no override, and --keep-overrides carries them
 * to the servers the reloaded config still has.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "lvs_ctl.h"
#include "lvs_event.h"
#include "lvs_model.h"
#include "unit.h"

static char err[256];

static int parse(const char *line, struct lvs_ctl_cmd *cmd)
{
	err[0] = '\0';
	return lvs_ctl_parse(line, cmd, err, sizeof(err));
}

static bool ip_is(const struct conf_ip *ip, int family, const char *text)
{
	unsigned char want[16] = { 0 };
	return ip->family == family && inet_pton(family, text, want) == 1 &&
	       memcmp(ip->addr, want, family == AF_INET6 ? 16 : 4) == 0;
}

static void test_parse_forms(void)
{
	struct lvs_ctl_cmd c;

	CHECK(parse("drain -t 10.0.0.1:80 10.0.1.1:8080", &c) == 0, "ipvsadm's -t with a real server: %s", err);
	CHECK(c.verb == LVS_CTL_DRAIN && c.vs_kind == LVS_CTL_VS_ADDR && c.protocol == CONF_PROTO_TCP &&
	      ip_is(&c.vs_addr, AF_INET, "10.0.0.1") && c.vs_port == 80, "drain, tcp 10.0.0.1 port 80");
	CHECK(ip_is(&c.rs_addr, AF_INET, "10.0.1.1") && c.rs_has_port && c.rs_port == 8080, "real server 10.0.1.1:8080");

	CHECK(parse("enable --udp-service 10.0.0.1:53 -r 10.0.1.1", &c) == 0 && c.verb == LVS_CTL_ENABLE &&
	      c.protocol == CONF_PROTO_UDP && c.vs_port == 53 && !c.rs_has_port, "--udp-service, -r, no port");
	CHECK(parse("weight --sctp-service 10.0.0.1:9 10.0.1.1:9 -w 7", &c) == 0 && c.verb == LVS_CTL_WEIGHT &&
	      c.protocol == CONF_PROTO_SCTP && c.weight == 7, "--sctp-service and -w 7");
	CHECK(parse("weight -u 10.0.0.1:53 10.0.1.1:53 0", &c) == 0 && c.weight == 0, "weight 0 is a weight");
	CHECK(parse("weight -t 10.0.0.1:80 10.0.1.1:80 65535", &c) == 0 && c.weight == 65535, "ipvsadm's largest weight");

	CHECK(parse("drain -t [2001:db8::10]:443 [2001:db8::21]:443", &c) == 0 &&
	      ip_is(&c.vs_addr, AF_INET6, "2001:db8::10") && c.vs_port == 443 &&
	      ip_is(&c.rs_addr, AF_INET6, "2001:db8::21") && c.rs_port == 443, "IPv6 in brackets, as ipvsadm takes it");
	CHECK(parse("drain tcp/[2001:db8::10]:443 2001:db8::21", &c) == 0 && ip_is(&c.rs_addr, AF_INET6, "2001:db8::21") &&
	      !c.rs_has_port, "a bare IPv6 real server has no port");
	CHECK(parse("drain -t 10.0.0.1:80 [2001:db8::21]", &c) == 0 && !c.rs_has_port, "[IPv6] without a port");

	CHECK(parse("drain tcp/10.0.0.1:80 10.0.1.1:80", &c) == 0 && c.vs_kind == LVS_CTL_VS_ADDR &&
	      strcmp(c.vs_text, "tcp/10.0.0.1:80") == 0, "lvsd's own name from -s");
	CHECK(parse("drain -f 5 10.0.1.1", &c) == 0 && c.vs_kind == LVS_CTL_VS_FWMARK && c.fwmark == 5 &&
	      c.fwmark_family == 0, "-f MARK");
	CHECK(parse("drain --fwmark-service 5 -6 [2001:db8::21]", &c) == 0 && c.fwmark_family == AF_INET6,
	      "-f MARK -6 asks for the IPv6 one");
	CHECK(parse("drain fwm/4294967295 10.0.1.1", &c) == 0 && c.fwmark == 4294967295u, "fwm/MARK, the largest mark");
	CHECK(parse("drain group/web 10.0.1.1:80", &c) == 0 && c.vs_kind == LVS_CTL_VS_GROUP &&
	      strcmp(c.group, "web") == 0, "group/NAME");
	CHECK(parse("  drain \t -t  10.0.0.1:80   10.0.1.1:80  ", &c) == 0, "blanks around and between the words");
}

static void test_parse_refused(void)
{
	struct lvs_ctl_cmd c;
	static const char *const bad[] = {
		"",
		"drain",
		"Drain -t 10.0.0.1:80 10.0.1.1:80",
		"drain -t",
		"drain -t 10.0.0.1:80",
		"drain -t 10.0.0.1 10.0.1.1:80",            /* a service needs its port */
		"drain -t 10.0.0.1:http 10.0.1.1:80",       /* numeric only */
		"drain -t localhost:80 10.0.1.1:80",
		"drain -t 10.0.0.1:65536 10.0.1.1:80",
		"drain -t 10.0.0.1:-1 10.0.1.1:80",
		"drain -t 10.0.0.1:+80 10.0.1.1:80",
		"drain -t 10.0.0.1:80 10.0.1.1:",
		"drain -t 10.0.0.1:80 10.0.1.1:x",
		"drain -t 10.0.0.1:80 10.0.1",
		"drain -t 10.0.0.1:80 [10.0.1.1]:80",
		"drain -t [2001:db8::1:80 10.0.1.1",
		"drain -t [2001:db8::1]80 10.0.1.1",
		"drain -t 2001:db8::1:80 10.0.1.1",         /* IPv6 with a port needs brackets */
		"drain -f 0 10.0.1.1",
		"drain -f 4294967296 10.0.1.1",
		"drain fwm/ 10.0.1.1",
		"drain group/ 10.0.1.1",
		"drain 10.0.0.1:80 10.0.1.1:80",
		"drain -x 10.0.0.1:80 10.0.1.1:80",
		"drain -t 10.0.0.1:80 10.0.1.1:80 extra",
		"drain -t 10.0.0.1:80 -r",
		"weight -t 10.0.0.1:80 10.0.1.1:80",
		"weight -t 10.0.0.1:80 10.0.1.1:80 -w",
		"weight -t 10.0.0.1:80 10.0.1.1:80 65536",
		"weight -t 10.0.0.1:80 10.0.1.1:80 -1",
		"weight -t 10.0.0.1:80 10.0.1.1:80 0x10",
		"weight -t 10.0.0.1:80 10.0.1.1:80 1 2",
		"enable -t 10.0.0.1:80 10.0.1.1:80 5",
		"drain a b c d e f g h i",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(parse(bad[i], &c) == -1 && err[0] && !strchr(err, '\n'), "refused with one line: '%s' (%s)", bad[i], err);

	char longword[300];
	memset(longword, '1', sizeof(longword) - 1);
	longword[sizeof(longword) - 1] = '\0';
	memcpy(longword, "drain -t ", 9);
	CHECK(parse(longword, &c) == -1, "a word longer than any address is refused");

	CHECK(lvs_ctl_is_request("drain -t x") && lvs_ctl_is_request("weight") && lvs_ctl_is_request("enable\tx"),
	      "drain, weight and enable are ours");
	CHECK(!lvs_ctl_is_request("status") && !lvs_ctl_is_request("json") && !lvs_ctl_is_request("") &&
	      !lvs_ctl_is_request(" drain") && !lvs_ctl_is_request("drainx"), "status, json and others are not");
}

static const char conf_text[] =
	"virtual_server_group web {\n"
	"  10.0.0.20-22 80\n"
	"  fwmark 9\n"
	"}\n"
	"virtual_server 10.0.0.1 80 {\n"
	"  lb_algo wrr\n"
	"  lb_kind NAT\n"
	"  protocol TCP\n"
	"  quorum 2\n"
	"  real_server 10.0.1.1 80 {\n"
	"    weight 3\n"
	"    TCP_CHECK {\n"
	"      connect_timeout 1\n"
	"    }\n"
	"  }\n"
	"  real_server 10.0.1.2 80 {\n"
	"    weight 1\n"
	"  }\n"
	"  real_server 10.0.1.2 81 {\n"
	"    weight 1\n"
	"  }\n"
	"}\n"
	"virtual_server 10.0.0.1 80 {\n"
	"  protocol UDP\n"
	"  real_server 10.0.1.1 80 {\n"
	"  }\n"
	"}\n"
	"virtual_server fwmark 5 {\n"
	"  real_server 10.0.1.1 0 {\n"
	"  }\n"
	"}\n"
	"virtual_server fwmark 5 {\n"
	"  real_server 2001:db8::21 0 {\n"
	"  }\n"
	"}\n"
	"virtual_server group web {\n"
	"  lb_kind DR\n"
	"  protocol TCP\n"
	"  real_server 10.0.1.7 80 {\n"
	"  }\n"
	"}\n";

static struct conf_keepalived *load(const char *text)
{
	struct conf_tree *t = conf_parse_buffer("t.conf", text, strlen(text), CONF_NO_INCLUDE);
	return t ? conf_keepalived_load(t) : NULL;
}

/* What the request finds: "VS RS" as the model names them, or the error. */
static const char *find(struct conf_keepalived *conf, struct lvs *m, int n, const char *line)
{
	static char got[256];
	struct lvs_ctl_cmd c;
	struct lvs *vs;
	struct lrs *rs;

	if (lvs_ctl_parse(line, &c, got, sizeof(got)) != 0)
		return "parse error";
	if (lvs_ctl_find(conf, m, n, &c, &vs, &rs, got, sizeof(got)) != 0)
		return got;
	char name[LRS_NAME_MAX];
	snprintf(got, sizeof(got), "%s %s", vs->name, lrs_name(rs, name));
	return got;
}

static void test_find(void)
{
	struct conf_keepalived *conf = load(conf_text);
	struct lvs *m = NULL;
	int n = 0;

	CHECK(conf && conf->tree->nerrors == 0 && model_build(conf, NULL, 0, &m, &n) == 0 && n == 5,
	      "the config loads into five virtual servers");
	if (!m)
		return;
	CHECK(strcmp(find(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.1:80"), "tcp/10.0.0.1:80 10.0.1.1:80") == 0,
	      "-t finds the TCP one");
	CHECK(strcmp(find(conf, m, n, "drain -u 10.0.0.1:80 10.0.1.1"), "udp/10.0.0.1:80 10.0.1.1:80") == 0,
	      "-u finds the UDP one on the same address and port");
	CHECK(strcmp(find(conf, m, n, "drain tcp/10.0.0.1:80 10.0.1.1"), "tcp/10.0.0.1:80 10.0.1.1:80") == 0,
	      "a real server's address alone when it is the only one there");
	CHECK(strstr(find(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.2"), "is 2 real servers") != NULL,
	      "an address with two ports needs the port: %s", find(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.2"));
	CHECK(strcmp(find(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.2:81"), "tcp/10.0.0.1:80 10.0.1.2:81") == 0,
	      "with the port it is one");
	CHECK(strcmp(find(conf, m, n, "drain -t 10.0.0.1:81 10.0.1.1:80"),
		     "no virtual server -t 10.0.0.1:81 in the running config") == 0, "an unknown virtual server");
	CHECK(strcmp(find(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.9:80"),
		     "no real server 10.0.1.9:80 in virtual server tcp/10.0.0.1:80") == 0, "an unknown real server");
	CHECK(strstr(find(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.1:81"), "no real server") != NULL,
	      "a known address on another port is not that server");
	CHECK(strstr(find(conf, m, n, "drain -f 5 10.0.1.1"), "is 2 virtual servers") != NULL,
	      "-f 5 is the IPv4 and the IPv6 fwmark 5: ambiguous");
	CHECK(strcmp(find(conf, m, n, "drain -f 5 -6 2001:db8::21"), "fwm/5 [2001:db8::21]:0") == 0,
	      "-f 5 -6 is the IPv6 one");
	CHECK(strcmp(find(conf, m, n, "drain -t 10.0.0.21:80 10.0.1.7:80"), "group/web 10.0.1.7:80") == 0,
	      "an address inside a group's range finds the group");
	CHECK(strcmp(find(conf, m, n, "drain -f 9 10.0.1.7"), "group/web 10.0.1.7:80") == 0,
	      "a group's fwmark finds the group");
	CHECK(strcmp(find(conf, m, n, "drain group/web 10.0.1.7:80"), "group/web 10.0.1.7:80") == 0, "group/NAME");
	CHECK(strstr(find(conf, m, n, "drain -t 10.0.0.23:80 10.0.1.7:80"), "no virtual server") != NULL,
	      "an address past the group's range does not");
	CHECK(strstr(find(conf, m, n, "drain group/webx 10.0.1.7:80"), "no virtual server") != NULL,
	      "another group's name does not");
	model_free(m, n);
	conf_keepalived_free(conf);
}

/* The weight the wanted table gives vs's real server addr:port; -1 when it is not in it. */
static int want_weight(struct conf_keepalived *conf, struct lvs *m, int n, int v, int r)
{
	struct want w;
	int weight = -1;

	if (build_want(conf, m, n, &w) != 0)
		return -2;
	for (int s = 0; s < w.n; s++)
		if (w.v[s].vs == v)
			for (int d = 0; d < w.v[s].ndests; d++)
				if (w.v[s].dests[d].rs == r)
					weight = (int)w.v[s].dests[d].dest.weight;
	want_free(&w);
	return weight;
}

static void event(struct lvs *m, int n, const char *line)
{
	struct lvs_event ev;
	struct lvs *vs;

	if (lvs_event_parse(line, strlen(line), &ev) != 0 || !lvs_event_apply(m, n, &ev, 1000, &vs, NULL))
		abort();
	lvs_quorum_update(vs);
}

static void ctl(struct conf_keepalived *conf, struct lvs *m, int n, const char *line, bool changes)
{
	struct lvs_ctl_cmd c;
	struct lvs *vs;
	struct lrs *rs;

	CHECK(lvs_ctl_parse(line, &c, err, sizeof(err)) == 0 && lvs_ctl_find(conf, m, n, &c, &vs, &rs, err, sizeof(err)) == 0 &&
	      lvs_ctl_apply(rs, &c) == changes, "%s: %s", line, changes ? "applied" : "already so");
	lvs_quorum_update(vs);
}

static void test_override(void)
{
	struct conf_keepalived *conf = load(conf_text);
	struct lvs *m = NULL, *m2 = NULL;
	int n = 0, n2 = 0;
	char what[32];

	if (!conf || model_build(conf, NULL, 0, &m, &n) != 0)
		return;
	/* tcp/10.0.0.1:80 is virtual server 0; 10.0.1.1:80 (weight 3) its real server 0. */
	CHECK(want_weight(conf, m, n, 0, 0) == 3 && want_weight(conf, m, n, 0, 1) == 1, "configured weights 3 and 1");
	ctl(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.1:80", true);
	CHECK(want_weight(conf, m, n, 0, 0) == 0, "drained: in the table with weight 0 (its connections stay)");
	CHECK(want_weight(conf, m, n, 0, 1) == 1, "the other server keeps its weight");
	CHECK(strcmp(lvs_ctl_describe(&m[0].rs[0], what, sizeof(what)), "drained") == 0, "described as drained");
	ctl(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.1:80", false);
	CHECK(live_weight(&m[0]) == 2 && m[0].quorum_up, "the drained server counts 0 toward quorum (1 + 1 of 2)");

	event(m, n, "5 down tcp/10.0.0.1:80 10.0.1.1:80 weight=0 reason=refused");
	CHECK(want_weight(conf, m, n, 0, 0) == -1, "drained and down: out of the table, as any down server");
	event(m, n, "9 up tcp/10.0.0.1:80 10.0.1.1:80 weight=3 reason=ok");
	CHECK(want_weight(conf, m, n, 0, 0) == 0, "back up: still drained");
	event(m, n, "10 weight tcp/10.0.0.1:80 10.0.1.1:80 weight=5");
	CHECK(want_weight(conf, m, n, 0, 0) == 0, "a checker's new weight does not undrain it");

	ctl(conf, m, n, "enable -t 10.0.0.1:80 10.0.1.1:80", true);
	CHECK(want_weight(conf, m, n, 0, 0) == 5, "enable: the checker's weight (5)");
	event(m, n, "11 down tcp/10.0.0.1:80 10.0.1.1:80 weight=0 reason=refused");
	ctl(conf, m, n, "enable -t 10.0.0.1:80 10.0.1.1:80", false);
	CHECK(want_weight(conf, m, n, 0, 0) == -1, "enable of a down server leaves it down: the checker decides");

	ctl(conf, m, n, "weight -t 10.0.0.1:80 10.0.1.2:80 7", true);
	CHECK(want_weight(conf, m, n, 0, 1) == 7, "weight 7");
	CHECK(live_weight(&m[0]) == 8, "quorum counts the overridden weight (7 + 1)");
	ctl(conf, m, n, "weight -t 10.0.0.1:80 10.0.1.2:80 7", false);
	ctl(conf, m, n, "weight -t 10.0.0.1:80 10.0.1.2:80 0", true);
	CHECK(want_weight(conf, m, n, 0, 1) == 0 && m[0].rs[1].ctl == LRS_CTL_WEIGHT, "weight 0 is a weight override");
	ctl(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.2:80", true);
	CHECK(m[0].rs[1].ctl == LRS_CTL_DRAIN, "drain after weight 0 is a change (drained)");
	ctl(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.2:81", true);
	CHECK(live_weight(&m[0]) == 0 && !m[0].quorum_up, "every up server drained: no live weight, quorum lost");
	CHECK(want_weight(conf, m, n, 0, 1) == 0, "no sorry server: the drained servers stay with weight 0");

	/* A reload builds the model afresh from the old one: health carries over, overrides do not. */
	CHECK(model_build(conf, m, n, &m2, &n2) == 0, "a reload's model");
	CHECK(m2 && m2[0].rs[1].ctl == LRS_CTL_NONE && want_weight(conf, m2, n2, 0, 1) == 1,
	      "after the reload: no override, the configured weight");
	CHECK(m2 && !m2[0].rs[0].up, "the health does carry over");
	model_free(m2, n2);
	model_free(m, n);
	conf_keepalived_free(conf);
}

/* --keep-overrides: a reload's model gets the overrides of the servers it still has. */
static void test_carry(void)
{
	struct conf_keepalived *conf = load(conf_text);
	/* The reloaded config: 10.0.1.2:81 gone from tcp/10.0.0.1:80. */
	static const char reloaded_text[] =
		"virtual_server 10.0.0.1 80 {\n  protocol TCP\n  real_server 10.0.1.1 80 {\n    weight 3\n  }\n"
		"  real_server 10.0.1.2 80 {\n    weight 1\n  }\n}\n";
	struct conf_keepalived *reloaded = load(reloaded_text);
	struct lvs *m = NULL, *m2 = NULL;
	int n = 0, n2 = 0;

	if (!conf || !reloaded || model_build(conf, NULL, 0, &m, &n) != 0)
		return;
	ctl(conf, m, n, "drain -t 10.0.0.1:80 10.0.1.1:80", true);
	ctl(conf, m, n, "weight -t 10.0.0.1:80 10.0.1.2:81 4", true);
	ctl(conf, m, n, "weight -f 5 -6 2001:db8::21 9", true);
	CHECK(model_build(reloaded, m, n, &m2, &n2) == 0 && n2 == 1, "the reloaded config has one virtual server");
	CHECK(m2 && m2[0].rs[0].ctl == LRS_CTL_NONE, "before the carry the reload's model has no override");
	CHECK(m2 && lvs_ctl_carry(m2, n2, m, n) == 1, "one override carried: the other two servers are gone");
	CHECK(m2 && m2[0].rs[0].ctl == LRS_CTL_DRAIN && want_weight(reloaded, m2, n2, 0, 0) == 0,
	      "10.0.1.1:80 is still drained after the reload");
	CHECK(m2 && m2[0].rs[1].ctl == LRS_CTL_NONE && want_weight(reloaded, m2, n2, 0, 1) == 1,
	      "10.0.1.2:80, never overridden, has its configured weight");
	model_free(m2, n2);
	model_free(m, n);
	conf_keepalived_free(reloaded);
	conf_keepalived_free(conf);
}

/* A group's IPv6 ranges expand as keepalived 2.2.7's checker counts them:
 * the last 16 bits up from the start's, past ffff back to 0 for an end
 * address in another /112, and a mask wider than /112 as its first /112. */
static void test_group_ranges(void)
{
	static const char text[] = "virtual_server_group g {\n"
		" 2001:db8::1:fff0-2001:db8::2:5 80\n"
		" 2001:db8::3:7-2001:db8::4:9 80\n"
		" 2001:db8:1::/64 81\n"
		" 10.0.0.250-5 80\n"
		"}\n"
		"virtual_server group g {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 2001:db8:9::1 80 {\n }\n}\n";
	struct conf_keepalived *conf = load(text);
	struct lvs *m = NULL;
	struct want w = { 0 };
	int n = 0;
	char a[INET6_ADDRSTRLEN], first[INET6_ADDRSTRLEN] = "", last[INET6_ADDRSTRLEN] = "";
	int wrap = 0, short_range = 0, wide = 0;

	CHECK(conf && conf->tree->nerrors == 0 && model_build(conf, NULL, 0, &m, &n) == 0 && n == 1,
	      "the group loads into one virtual server");
	CHECK(conf && conf->tree->ndiags == 1, "one diagnostic: 10.0.0.250-5 is not a range keepalived takes");
	if (!m || build_want(conf, m, n, &w) != 0)
		return;
	for (int i = 0; i < w.n; i++) {
		inet_ntop(AF_INET6, w.v[i].svc.addr.raw, a, sizeof(a));
		if (w.v[i].svc.port == 81) {
			if (!wide++)
				snprintf(first, sizeof(first), "%s", a);
			snprintf(last, sizeof(last), "%s", a);
		} else if (strncmp(a, "2001:db8::1:", 12) == 0) {
			wrap++;
		} else if (strncmp(a, "2001:db8::3:", 12) == 0) {
			short_range++;
		}
	}
	CHECK(wrap == 22, "::1:fff0 to ::2:5 is ::1:fff0..ffff and ::1:0..5, 22 services (%d)", wrap);
	CHECK(short_range == 3, "::3:7 to ::4:9 is ::3:7..9 (%d)", short_range);
	CHECK(wide == 65536 && strcmp(first, "2001:db8:1::") == 0 && strcmp(last, "2001:db8:1::ffff") == 0,
	      "/64 is its first /112: %d services, %s to %s", wide, first, last);
	CHECK(w.n == 22 + 3 + 65536, "nothing else (%d services)", w.n);
	want_free(&w);
	model_free(m, n);
	conf_keepalived_free(conf);
}

int main(void)
{
	test_parse_forms();
	test_parse_refused();
	test_find();
	test_override();
	test_carry();
	test_group_ranges();
	return unit_exit();
}
