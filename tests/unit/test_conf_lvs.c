/*
 * test_conf_lvs.c - the IPVS-wide keywords of global_defs (lvs_sync_daemon,
 * lvs_timeouts, lvs_flush, lvs_flush_on_stop, max_auto_priority) and the
 * instance keywords native_ipv6, notify_deleted, lvs_sync_daemon_interface:
 * what is stored, and a warning exactly where keepalived 2.2.7's -t reports
 * one (its messages observed on the same lines; lvsbox words them itself).
 * Then the sync daemon plan of core/daemon/lvs_syncd.c, with the kernel's
 * answers as GET_DAEMON gives them, and max_auto_priority's steps.
 */
#include <string.h>
#include <arpa/inet.h>
#include "auto_prio.h"
#include "conf.h"
#include "lvs_syncd.h"
#include "unit.h"

static const char instance_text[] =
	"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n";

/* global_defs { LINE } and VI_1 (VRID 51) */
static struct conf_keepalived *load_global(const char *line)
{
	char text[1024];
	int n = snprintf(text, sizeof(text), "global_defs {\n %s\n}\n%s", line, instance_text);
	struct conf_tree *t = conf_parse_buffer("g.conf", text, (size_t)n, 0);
	return t ? conf_keepalived_load(t) : NULL;
}

static int warnings_are(const struct conf_keepalived *c, int n)
{
	return c && c->tree->nerrors == 0 && c->tree->nwarnings == n;
}

static int first_diag_has(const struct conf_keepalived *c, const char *text)
{
	return c && c->tree->ndiags > 0 && strstr(c->tree->diags[0].text, text) != NULL;
}

static void test_sync_daemon(void)
{
	struct conf_keepalived *c = load_global("lvs_sync_daemon eth0 VI_1 id 7 maxlen 1400 port 8850 ttl 2 group 224.0.0.90");
	const struct conf_lvs_syncd *sd = c ? &c->global.lvs_syncd : NULL;
	unsigned char group[4];
	inet_pton(AF_INET, "224.0.0.90", group);
	CHECK(warnings_are(c, 0), "lvs_sync_daemon with every option: no diagnostic (keepalived -t: none)");
	CHECK(sd && sd->ifname && strcmp(sd->ifname, "eth0") == 0 && sd->instance && strcmp(sd->instance, "VI_1") == 0 &&
		sd->syncid == 7 && sd->maxlen == 1400 && sd->port == 8850 && sd->ttl == 2 &&
		sd->group.family == AF_INET && memcmp(sd->group.addr, group, 4) == 0,
		"... interface, instance, id, maxlen, port, ttl, group stored");
	conf_keepalived_free(c);

	c = load_global("lvs_sync_daemon eth0 VI_1");
	CHECK(warnings_are(c, 0) && c->global.lvs_syncd.syncid == 51,
		"the sync id defaults to the instance's VRID (keepalived.conf(5))");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 inst VI_1");
	CHECK(warnings_are(c, 0) && c->global.lvs_syncd.instance && strcmp(c->global.lvs_syncd.instance, "VI_1") == 0,
		"'inst VI_1' names the instance too");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0");
	CHECK(warnings_are(c, 0) && c->global.lvs_syncd.ifname && !c->global.lvs_syncd.instance &&
		c->global.lvs_syncd.syncid == 0, "no instance: the sync id is 0, both daemons are to run");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 id 5");
	CHECK(warnings_are(c, 0) && !c->global.lvs_syncd.instance && c->global.lvs_syncd.syncid == 5,
		"'id 5' right after the interface is an option, not an instance name");
	conf_keepalived_free(c);

	c = load_global("lvs_sync_daemon eth0 inst VI_1 id 300");
	CHECK(warnings_are(c, 1) && c->global.lvs_syncd.syncid == 51,
		"id 300: a warning (keepalived: outside [0, 255], defaulting to vrid) and the VRID");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 VI_1 id 3 maxlen 0");
	CHECK(warnings_are(c, 1) && c->global.lvs_syncd.maxlen == 0 && c->global.lvs_syncd.syncid == 3,
		"maxlen 0: a warning, the kernel's default");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 VI_1 port 0 ttl 256");
	CHECK(warnings_are(c, 2) && c->global.lvs_syncd.port == 0 && c->global.lvs_syncd.ttl == 0,
		"port 0 and ttl 256: one warning each");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 VI_1 group 1.2.3.4");
	CHECK(warnings_are(c, 1) && c->global.lvs_syncd.group.family == 0 && first_diag_has(c, "g.conf:2: "),
		"a group that is not multicast: a warning at its line, the default group");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 VI_1 group ff02::9");
	CHECK(warnings_are(c, 0) && c->global.lvs_syncd.group.family == AF_INET6, "an IPv6 multicast group is taken");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 VI_1 5");
	CHECK(warnings_are(c, 1) && c->global.lvs_syncd.syncid == 5,
		"the old form 'IFACE INSTANCE SYNCID': taken, with a warning to write 'id'");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 VI_1 bogus 3");
	CHECK(warnings_are(c, 2) && c->global.lvs_syncd.syncid == 51,
		"'bogus 3': a bad old-form sync id and an unknown option, two warnings as keepalived's");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon");
	CHECK(warnings_are(c, 1) && !c->global.lvs_syncd.ifname, "no interface: a warning, no sync daemon");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 inst");
	CHECK(warnings_are(c, 1) && !c->global.lvs_syncd.ifname, "'inst' without a name: a warning, no sync daemon");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 VI_1\n lvs_sync_daemon eth1 VI_1");
	CHECK(warnings_are(c, 1) && strcmp(c->global.lvs_syncd.ifname, "eth0") == 0 && first_diag_has(c, "g.conf:3: "),
		"a second lvs_sync_daemon: a warning, the first stays");
	conf_keepalived_free(c);
	c = load_global("lvs_sync_daemon eth0 VI_9");
	/* keepalived 2.2.7's -t exits 0 on this (tests/cli/conf_oracle.sh) */
	CHECK(warnings_are(c, 0) && c->tree->nnotes == 1 && !c->global.lvs_syncd.ifname && first_diag_has(c, "VI_9"),
		"an instance that does not exist: a note naming it, not a warning, no sync daemon");
	conf_keepalived_free(c);
}

static void test_timeouts_and_flush(void)
{
	struct conf_keepalived *c = load_global("lvs_timeouts tcp 1000 tcpfin 30 udp 40\n lvs_flush\n lvs_flush_on_stop");
	CHECK(warnings_are(c, 0) && c->global.lvs_timeouts.tcp == 1000 && c->global.lvs_timeouts.tcpfin == 30 &&
		c->global.lvs_timeouts.udp == 40 && c->global.lvs_flush == 1 &&
		c->global.lvs_flush_on_stop == CONF_FLUSH_ON_STOP_FULL,
		"lvs_timeouts, lvs_flush, lvs_flush_on_stop stored, no diagnostic");
	conf_keepalived_free(c);
	c = load_global("lvs_timeouts tcp 2678400");
	CHECK(warnings_are(c, 0) && c->global.lvs_timeouts.tcp == 2678400 && c->global.lvs_timeouts.udp == 0,
		"31 days is the longest timeout; what is not written stays 0 (unchanged)");
	conf_keepalived_free(c);
	c = load_global("lvs_timeouts tcp 2678401");
	CHECK(warnings_are(c, 1) && c->global.lvs_timeouts.tcp == 0, "a longer one: a warning, ignored");
	conf_keepalived_free(c);
	c = load_global("lvs_timeouts tcp 1.5");
	CHECK(warnings_are(c, 1) && c->global.lvs_timeouts.tcp == 0, "a fraction: a warning, ignored");
	conf_keepalived_free(c);
	c = load_global("lvs_timeouts bogus 3 tcp 5");
	CHECK(warnings_are(c, 2) && c->global.lvs_timeouts.tcp == 5,
		"unknown words: one warning each (as keepalived), the rest taken");
	conf_keepalived_free(c);
	c = load_global("lvs_timeouts");
	CHECK(warnings_are(c, 1), "lvs_timeouts alone: a warning");
	conf_keepalived_free(c);
	c = load_global("lvs_timeouts tcp");
	CHECK(warnings_are(c, 1), "lvs_timeouts tcp without seconds: a warning");
	conf_keepalived_free(c);
	c = load_global("lvs_flush 1");
	CHECK(warnings_are(c, 0) && c->global.lvs_flush == 1, "lvs_flush 1: words after it ignored, as keepalived");
	conf_keepalived_free(c);
	c = load_global("lvs_flush_on_stop VS");
	CHECK(warnings_are(c, 0) && c->global.lvs_flush_on_stop == CONF_FLUSH_ON_STOP_VS, "lvs_flush_on_stop VS");
	conf_keepalived_free(c);
	c = load_global("lvs_flush_on_stop vs");
	CHECK(warnings_are(c, 1) && c->global.lvs_flush_on_stop == CONF_FLUSH_ON_STOP_OFF,
		"lvs_flush_on_stop vs (lower case): a warning, as keepalived's 'Unknown type'");
	conf_keepalived_free(c);
	c = load_global("lvs_flush_onstop");
	CHECK(warnings_are(c, 0) && c->global.lvs_flush_on_stop == CONF_FLUSH_ON_STOP_FULL,
		"the spelling lvs_flush_onstop is taken too");
	conf_keepalived_free(c);
}

static void test_max_auto_priority(void)
{
	struct conf_keepalived *c = load_global("max_auto_priority");
	CHECK(warnings_are(c, 0) && c->global.max_auto_priority == 99, "max_auto_priority alone: the highest, 99");
	conf_keepalived_free(c);
	c = load_global("max_auto_priority -1");
	CHECK(warnings_are(c, 0) && c->global.max_auto_priority == -1, "max_auto_priority -1");
	conf_keepalived_free(c);
	static const char *const bad[] = { "100", "-2", "abc" };
	for (int i = 0; i < 3; i++) {
		char line[64];
		snprintf(line, sizeof(line), "max_auto_priority %s", bad[i]);
		c = load_global(line);
		CHECK(warnings_are(c, 1) && c->global.max_auto_priority == 0, "%s: a warning, not set", line);
		conf_keepalived_free(c);
	}
}

static void test_instance_keywords(void)
{
	static const char text[] =
		"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n native_ipv6\n"
		" notify_deleted \"/bin/true deleted\" root\n lvs_sync_daemon_interface eth1\n"
		" virtual_ipaddress {\n  2001:db8::1\n }\n}\n"
		"vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 52\n notify_deleted\n"
		" virtual_ipaddress {\n  10.0.0.2\n }\n}\n";
	struct conf_tree *t = conf_parse_buffer("i.conf", text, sizeof(text) - 1, 0);
	struct conf_keepalived *c = t ? conf_keepalived_load(t) : NULL;
	CHECK(warnings_are(c, 1) && first_diag_has(c, "i.conf:6: ") && first_diag_has(c, "deprecated"),
		"lvs_sync_daemon_interface: one warning, deprecated (keepalived: 'Please use global lvs_sync_daemon')");
	CHECK(c && c->ninstances == 2 && c->instances[0].native_ipv6 && !c->instances[1].native_ipv6,
		"native_ipv6 stored");
	CHECK(c && c->instances[0].notify_deleted && c->instances[0].notify_deleted_cmd.argc == 2 &&
		strcmp(c->instances[0].notify_deleted_cmd.argv[0], "/bin/true deleted") == 0 &&
		c->instances[1].notify_deleted && !c->instances[1].notify_deleted_cmd.argv,
		"notify_deleted with a script and user, and alone");
	const struct conf_lvs_syncd *sd = c ? &c->global.lvs_syncd : NULL;
	CHECK(sd && sd->ifname && strcmp(sd->ifname, "eth1") == 0 && sd->instance && strcmp(sd->instance, "VI_1") == 0 &&
		sd->syncid == 51, "lvs_sync_daemon_interface eth1 in VI_1 is lvs_sync_daemon eth1 VI_1, sync id 51");
	conf_keepalived_free(c);

	static const char both[] = "global_defs {\n lvs_sync_daemon eth0 VI_1\n}\n"
		"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n lvs_sync_daemon_interface lo\n"
		" virtual_ipaddress {\n  10.0.0.1\n }\n}\n";
	t = conf_parse_buffer("b.conf", both, sizeof(both) - 1, 0);
	c = t ? conf_keepalived_load(t) : NULL;
	CHECK(warnings_are(c, 2) && strcmp(c->global.lvs_syncd.ifname, "eth0") == 0,
		"global lvs_sync_daemon set: the instance's is deprecated and ignored, two warnings as keepalived's");
	conf_keepalived_free(c);
}

/* ---- the plan ---- */

static struct ipvs_daemon kernel_daemon(uint32_t state, const char *ifname, uint32_t syncid)
{
	/* what GET_DAEMON answers: the kernel fills in its defaults */
	struct ipvs_daemon d = { .state = state, .syncid = syncid, .sync_maxlen = 1472, .mcast_port = 8848,
				 .mcast_ttl = 1, .mcast_af = AF_INET };
	snprintf(d.mcast_ifn, sizeof(d.mcast_ifn), "%s", ifname);
	inet_pton(AF_INET, "224.0.0.81", &d.mcast_group.v4);
	return d;
}

/* keepalived's old spelling of retry: a warning at its line naming the new
 * one, and the value kept. */
static void test_deprecated_spelling(void)
{
	static const char text[] =
		"virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
		" real_server 10.0.0.2 80 {\n  HTTP_GET {\n"
		"   url {\n    path /\n    status_code 200\n   }\n   nb_get_retry 4\n  }\n }\n}\n";
	struct conf_tree *t = conf_parse_buffer("r.conf", text, sizeof(text) - 1, 0);
	struct conf_keepalived *c = t ? conf_keepalived_load(t) : NULL;
	CHECK(warnings_are(c, 1) && first_diag_has(c, "r.conf:11: 'nb_get_retry' is deprecated, use 'retry'"),
		"nb_get_retry: one warning at its line, naming retry");
	const struct conf_real_server *rs = c && c->nvirtual_servers == 1 ? &c->virtual_servers[0].real_servers[0] : NULL;
	CHECK(rs && rs->checks && rs->ncheckers == 1 && rs->checks->checkers[0].opts.nb_get_retry == 4,
		"nb_get_retry: its value is kept");
	conf_keepalived_free(c);
}

static void test_plan(void)
{
	struct conf_lvs_syncd sd = { .ifname = "eth1", .instance = "VI_1", .syncid = 51 };
	struct ipvs_daemon want[2], running[2];
	struct syncd_plan p;

	CHECK(syncd_wanted(&sd, SYNCD_MASTER, want) == 1 && want[0].state == IP_VS_STATE_MASTER &&
		strcmp(want[0].mcast_ifn, "eth1") == 0 && want[0].syncid == 51 && want[0].mcast_port == 0,
		"MASTER: one master daemon on the interface with the sync id, the rest the kernel's");
	CHECK(syncd_wanted(&sd, SYNCD_BACKUP, want) == 1 && want[0].state == IP_VS_STATE_BACKUP, "BACKUP: one backup daemon");
	CHECK(syncd_wanted(&sd, SYNCD_BOTH, want) == 2 && want[0].state == IP_VS_STATE_MASTER &&
		want[1].state == IP_VS_STATE_BACKUP, "BOTH: master and backup");
	CHECK(syncd_wanted(&sd, SYNCD_NONE, want) == 0 && syncd_wanted(NULL, SYNCD_MASTER, want) == 0,
		"NONE, or no lvs_sync_daemon: nothing");

	int nwant = syncd_wanted(&sd, SYNCD_MASTER, want);
	running[0] = kernel_daemon(IP_VS_STATE_BACKUP, "eth1", 51);
	syncd_plan(running, 1, want, nwant, &p);
	CHECK(p.nstop == 1 && p.stop[0].state == IP_VS_STATE_BACKUP && p.nstart == 1 &&
		p.start[0].state == IP_VS_STATE_MASTER, "BACKUP -> MASTER: stop the backup, start the master");
	running[0] = kernel_daemon(IP_VS_STATE_MASTER, "eth1", 51);
	syncd_plan(running, 1, want, nwant, &p);
	CHECK(p.nstop == 0 && p.nstart == 0, "the master already runs (the kernel's defaults filled in): nothing to do");
	running[0] = kernel_daemon(IP_VS_STATE_MASTER, "eth1", 9);
	syncd_plan(running, 1, want, nwant, &p);
	CHECK(p.nstop == 1 && p.nstart == 1, "another sync id: restarted");
	running[0] = kernel_daemon(IP_VS_STATE_MASTER, "eth2", 51);
	syncd_plan(running, 1, want, nwant, &p);
	CHECK(p.nstop == 1 && p.nstart == 1, "another interface: restarted");
	sd.port = 8850;
	nwant = syncd_wanted(&sd, SYNCD_MASTER, want);
	running[0] = kernel_daemon(IP_VS_STATE_MASTER, "eth1", 51);
	syncd_plan(running, 1, want, nwant, &p);
	CHECK(p.nstop == 1 && p.nstart == 1 && p.start[0].mcast_port == 8850, "a port written that differs: restarted");
	sd.port = 0;
	nwant = syncd_wanted(&sd, SYNCD_BACKUP, want);
	running[0] = kernel_daemon(IP_VS_STATE_MASTER, "eth1", 51);
	running[1] = kernel_daemon(IP_VS_STATE_BACKUP, "eth1", 51);
	syncd_plan(running, 2, want, nwant, &p);
	CHECK(p.nstop == 1 && p.stop[0].state == IP_VS_STATE_MASTER && p.nstart == 0,
		"master and backup run, BACKUP wanted: only the master stops");
	syncd_plan(running, 2, want, 0, &p);
	CHECK(p.nstop == 2 && p.nstart == 0, "NONE: both stop");
	nwant = syncd_wanted(&sd, SYNCD_BOTH, want);
	syncd_plan(running, 0, want, nwant, &p);
	CHECK(p.nstop == 0 && p.nstart == 2, "BOTH from nothing: two starts");
}

/* keepalived 2.2.7 (t_auto_priority.sh, IMPL=keepalived): RR 1, then 2, ... up to the maximum */
static void test_auto_prio(void)
{
	CHECK(auto_prio_next(0, 3, 1000000, 1000000) == 1, "late a second at normal scheduling: realtime 1");
	CHECK(auto_prio_next(1, 3, 5000000, 1000000) == 2 && auto_prio_next(2, 3, 5000000, 1000000) == 3,
		"late again: one step up");
	CHECK(auto_prio_next(3, 3, 5000000, 1000000) == 3, "at max_auto_priority: stays");
	CHECK(auto_prio_next(0, 3, 999999, 1000000) == 0, "less than min_auto_priority_delay late: no change");
	CHECK(auto_prio_next(0, 3, 300000, 200000) == 1, "min_auto_priority_delay 200000 us: 0.3 s late is enough");
	CHECK(auto_prio_next(0, 0, 5000000, 1000000) == 0 && auto_prio_next(0, -1, 5000000, 1000000) == 0,
		"max_auto_priority 0 (the default) or -1: never");
	struct conf_keepalived *c = load_global("min_auto_priority_delay 200000");
	CHECK(warnings_are(c, 0) && c->global.min_auto_priority_delay_us == 200000, "min_auto_priority_delay stored");
	conf_keepalived_free(c);
	c = load_global("min_auto_priority_delay 0\n min_auto_priority_delay 20000000");
	CHECK(warnings_are(c, 2) && c->global.min_auto_priority_delay_us == 1000000,
		"min_auto_priority_delay 0 and 20000000: a warning each (keepalived: ignoring), 1 s stays");
	conf_keepalived_free(c);
	c = load_global("max_auto_priority 3");
	CHECK(c && c->global.min_auto_priority_delay_us == 1000000, "min_auto_priority_delay defaults to 1 s");
	conf_keepalived_free(c);
}

int main(void)
{
	test_auto_prio();
	test_sync_daemon();
	test_timeouts_and_flush();
	test_max_auto_priority();
	test_instance_keywords();
	test_deprecated_spelling();
	test_plan();
	return unit_exit();
}
