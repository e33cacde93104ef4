/*
 * fuzz_lvs_ctl.c - libFuzzer harness for `lvsd ctl` requests as lvsd reads
 * them from its control socket (lvs_ctl_parse), then looked up and applied
 * to a model built once from a small config (lvs_ctl_find, lvs_ctl_apply).
 * The input is the request line: the bytes up to the first newline or NUL,
 * as the socket server hands them over.
 *
 * Besides sanitizer reports it checks what lvsd relies on: a refusal has a
 * reason of one line; an accepted request has a known verb, a weight in
 * ipvsadm's range and addresses of a known family; the parsed request
 * written out again in ipvsadm's spelling parses to the same request; a
 * look-up returns a server of the model or a reason; and after an
 * override the weight IPVS would get is the override's.
 * Seeds: tests/fuzz/corpus/fuzz_lvs_ctl/.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "conf.h"
#include "lvs_ctl.h"
#include "lvs_model.h"

static const char conf_text[] =
	"virtual_server_group web {\n  10.0.0.20-22 80\n  2001:db8::20 443\n  fwmark 9\n}\n"
	"virtual_server 10.0.0.1 80 {\n  protocol TCP\n  real_server 10.0.1.1 80 {\n    weight 3\n  }\n"
	"  real_server 10.0.1.2 80 {\n  }\n  real_server 10.0.1.2 81 {\n  }\n}\n"
	"virtual_server 2001:db8::1 53 {\n  protocol UDP\n  real_server 2001:db8::21 53 {\n  }\n}\n"
	"virtual_server fwmark 5 {\n  real_server 10.0.1.1 0 {\n  }\n}\n"
	"virtual_server group web {\n  real_server 10.0.1.7 80 {\n  }\n}\n";

static struct conf_keepalived *conf;
static struct lvs *model;
static int nmodel;

static void setup(void)
{
	if (conf)
		return;
	struct conf_tree *t = conf_parse_buffer("fuzz.conf", conf_text, sizeof(conf_text) - 1, CONF_NO_INCLUDE);
	conf = t ? conf_keepalived_load(t) : NULL;
	if (!conf || conf->tree->nerrors || model_build(conf, NULL, 0, &model, &nmodel) != 0 || nmodel != 4)
		abort();
}

static void addr_text(const struct conf_ip *ip, unsigned port, bool with_port, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (ip->family != AF_INET && ip->family != AF_INET6)
		abort();
	inet_ntop(ip->family, ip->addr, a, sizeof(a));
	if (!with_port)
		snprintf(buf, size, ip->family == AF_INET6 ? "[%s]" : "%s", a);
	else
		snprintf(buf, size, ip->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

/* cmd in ipvsadm's spelling (a group by its name). */
static void respell(const struct lvs_ctl_cmd *c, char *buf, size_t size)
{
	static const char *const verbs[] = { "drain", "enable", "weight" };
	static const char *const protos[] = { [CONF_PROTO_TCP] = "-t", [CONF_PROTO_UDP] = "-u",
					      [CONF_PROTO_SCTP] = "--sctp-service" };
	char vs[128], rs[80];

	if (c->vs_kind == LVS_CTL_VS_ADDR) {
		char a[80];
		if (c->protocol < 0 || c->protocol > CONF_PROTO_SCTP || !protos[c->protocol])
			abort();
		addr_text(&c->vs_addr, c->vs_port, true, a, sizeof(a));
		snprintf(vs, sizeof(vs), "%s %s", protos[c->protocol], a);
	} else if (c->vs_kind == LVS_CTL_VS_FWMARK) {
		snprintf(vs, sizeof(vs), "-f %u%s", c->fwmark, c->fwmark_family == AF_INET6 ? " -6" : "");
	} else {
		snprintf(vs, sizeof(vs), "group/%s", c->group);
	}
	addr_text(&c->rs_addr, c->rs_port, c->rs_has_port, rs, sizeof(rs));
	if (c->verb == LVS_CTL_WEIGHT)
		snprintf(buf, size, "%s %s %s %d", verbs[c->verb], vs, rs, c->weight);
	else
		snprintf(buf, size, "%s %s %s", verbs[c->verb], vs, rs);
}

static bool same_cmd(const struct lvs_ctl_cmd *a, const struct lvs_ctl_cmd *b)
{
	return a->verb == b->verb && a->vs_kind == b->vs_kind && a->weight == b->weight &&
	       a->rs_has_port == b->rs_has_port && a->rs_port == b->rs_port &&
	       memcmp(&a->rs_addr, &b->rs_addr, sizeof(a->rs_addr)) == 0 &&
	       (a->vs_kind != LVS_CTL_VS_ADDR || (a->protocol == b->protocol && a->vs_port == b->vs_port &&
						 memcmp(&a->vs_addr, &b->vs_addr, sizeof(a->vs_addr)) == 0)) &&
	       (a->vs_kind != LVS_CTL_VS_FWMARK || (a->fwmark == b->fwmark && a->fwmark_family == b->fwmark_family)) &&
	       (a->vs_kind != LVS_CTL_VS_GROUP || strcmp(a->group, b->group) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[512], err[256], again[512];
	struct lvs_ctl_cmd cmd, cmd2;
	struct lvs *vs = NULL;
	struct lrs *rs = NULL;

	setup();
	size_t len = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
	memcpy(line, data, len);
	line[len] = '\0';
	line[strcspn(line, "\n")] = '\0';

	err[0] = '\0';
	int rc = lvs_ctl_parse(line, &cmd, err, sizeof(err));
	if (rc != 0) {
		if (rc != -1 || !err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	if (!lvs_ctl_is_request(line + strspn(line, " \t")))
		abort();
	if (cmd.verb > LVS_CTL_WEIGHT || cmd.weight < 0 || cmd.weight > LVS_CTL_MAX_WEIGHT || cmd.rs_port > 65535 ||
	    cmd.vs_port > 65535 || (cmd.vs_kind == LVS_CTL_VS_FWMARK && cmd.fwmark == 0))
		abort();
	respell(&cmd, again, sizeof(again));
	if (lvs_ctl_parse(again, &cmd2, err, sizeof(err)) != 0 || !same_cmd(&cmd, &cmd2))
		abort();

	err[0] = '\0';
	if (lvs_ctl_find(conf, model, nmodel, &cmd, &vs, &rs, err, sizeof(err)) != 0) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	if (vs < model || vs >= model + nmodel || rs < vs->rs || rs >= vs->rs + vs->nrs)
		abort();
	struct lrs saved = *rs;
	lvs_ctl_apply(rs, &cmd);
	int want = cmd.verb == LVS_CTL_DRAIN ? 0 : cmd.verb == LVS_CTL_WEIGHT ? cmd.weight : lvs_rs_weight(rs);
	if (lvs_rs_live_weight(rs) != want)
		abort();
	*rs = saved;
	return 0;
}
