/*
 * test_conf_printconf.c - the canonical printer (core/conf/conf_printconf.c)
 * must be a fixed point: every config we ship or test with is loaded,
 * printed, loaded again from the print and printed again; the prints must
 * be equal byte for byte and the two models equal field by field. A config
 * that leaves defaults out must print them, with keepalived's documented
 * values. Run from the top of the tree.
 */
#include "conf_printconf.h"
#include "unit.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>

static char *print_conf(const struct conf_keepalived *conf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	conf_keepalived_print(f, conf);
	fclose(f);
	return text;
}

static char *print_checker(const struct conf_checker *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	conf_checker_print(f, c, 0);
	fclose(f);
	return text;
}

static struct conf_keepalived *load_text(const char *name, const char *text)
{
	struct conf_tree *tree = conf_parse_buffer(name, text, strlen(text), CONF_NO_INCLUDE);
	return tree ? conf_keepalived_load(tree) : NULL;
}

/* ---- the two models, field by field; the first difference is named ---- */

static const char *differs;

#define DIFF(what) (differs = (what), 0)
#define SAME(field) if ((a)->field != (b)->field) return DIFF(#field)
#define SAME_STR(field) if (!str_eq((a)->field, (b)->field)) return DIFF(#field)
#define SAME_IP(field) if (!ip_eq(&(a)->field, &(b)->field)) return DIFF(#field)
#define SAME_CMD(field) if (!cmd_eq(&(a)->field, &(b)->field)) return DIFF(#field)

static int str_eq(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

static int ip_eq(const struct conf_ip *x, const struct conf_ip *y)
{
	return x->family == y->family && memcmp(x->addr, y->addr, sizeof(x->addr)) == 0;
}

static int cmd_eq(const struct conf_cmd *x, const struct conf_cmd *y)
{
	if (x->argc != y->argc)
		return 0;
	for (int i = 0; i < x->argc; i++)
		if (strcmp(x->argv[i], y->argv[i]))
			return 0;
	return 1;
}

static int strlist_eq(const struct conf_str_list *x, const struct conf_str_list *y)
{
	if (x->n != y->n)
		return 0;
	for (int i = 0; i < x->n; i++)
		if (strcmp(x->v[i], y->v[i]))
			return 0;
	return 1;
}

static int tracks_eq(const struct conf_track_list *x, const struct conf_track_list *y)
{
	if (x->n != y->n)
		return 0;
	for (int i = 0; i < x->n; i++)
		if (strcmp(x->v[i].name, y->v[i].name) || x->v[i].weight != y->v[i].weight ||
		    x->v[i].has_weight != y->v[i].has_weight)
			return 0;
	return 1;
}

static int vips_eq(const struct conf_vip_list *x, const struct conf_vip_list *y)
{
	if (x->n != y->n)
		return 0;
	for (int i = 0; i < x->n; i++) {
		const struct conf_vip *a = &x->v[i], *b = &y->v[i];
		if (!ip_eq(&a->addr, &b->addr) || a->prefix != b->prefix || !str_eq(a->dev, b->dev) ||
		    !str_eq(a->label, b->label) || !str_eq(a->scope, b->scope) || !ip_eq(&a->brd, &b->brd))
			return 0;
	}
	return 1;
}

static int global_eq(const struct conf_global *a, const struct conf_global *b)
{
	SAME_STR(router_id);
	if (!strlist_eq(&a->notification_email, &b->notification_email))
		return DIFF("notification_email");
	SAME_STR(notification_email_from);
	SAME_IP(smtp_server);
	SAME(smtp_port);
	SAME(smtp_connect_timeout_ms);
	SAME_STR(smtp_helo_name);
	SAME(smtp_alert);
	SAME(smtp_alert_vrrp);
	SAME(smtp_alert_checker);
	SAME_STR(script_user);
	SAME_STR(script_group);
	SAME(enable_script_security);
	SAME(vrrp_version);
	SAME(vrrp_strict);
	SAME_STR(nftables_table);
	SAME(nftables_priority);
	SAME(nftables_counters);
	SAME(vrrp_garp_master_delay_ms);
	SAME(vrrp_garp_master_repeat);
	SAME(vrrp_garp_master_refresh_ms);
	SAME(vrrp_garp_master_refresh_repeat);
	SAME(vrrp_garp_lower_prio_delay_ms);
	SAME(vrrp_garp_lower_prio_repeat);
	SAME(vrrp_lower_prio_no_advert);
	SAME(vrrp_min_garp);
	SAME(vrrp_garp_interval_ms);
	SAME(vrrp_gna_interval_ms);
	SAME_IP(vrrp_mcast_group4);
	SAME_IP(vrrp_mcast_group6);
	SAME_STR(lvs_id);
	SAME_STR(default_interface);
	return 1;
}

static int script_eq(const struct conf_vrrp_script *a, const struct conf_vrrp_script *b)
{
	SAME_STR(name);
	SAME_CMD(script);
	SAME(interval_ms);
	SAME(timeout_ms);
	SAME(weight);
	SAME(rise);
	SAME(fall);
	SAME_STR(user);
	SAME_STR(group);
	return 1;
}

static int instance_eq(const struct conf_vrrp_instance *a, const struct conf_vrrp_instance *b)
{
	SAME_STR(name);
	SAME(state);
	SAME_STR(interface);
	SAME(vrid);
	SAME(priority);
	SAME(advert_int_ms);
	SAME(version);
	SAME(auth_type);
	if (strcmp(a->auth_pass, b->auth_pass))
		return DIFF("auth_pass");
	if (!vips_eq(&a->vips, &b->vips))
		return DIFF("virtual_ipaddress");
	if (!vips_eq(&a->vips_excluded, &b->vips_excluded))
		return DIFF("virtual_ipaddress_excluded");
	SAME(nopreempt);
	SAME(preempt_delay_ms);
	SAME_IP(unicast_src_ip);
	SAME_IP(mcast_src_ip);
	if (a->unicast_peers.n != b->unicast_peers.n)
		return DIFF("unicast_peer");
	for (int i = 0; i < a->unicast_peers.n; i++)
		if (!ip_eq(&a->unicast_peers.v[i], &b->unicast_peers.v[i]))
			return DIFF("unicast_peer");
	if (!tracks_eq(&a->track_interface, &b->track_interface))
		return DIFF("track_interface");
	if (!tracks_eq(&a->track_script, &b->track_script))
		return DIFF("track_script");
	if (!tracks_eq(&a->track_file, &b->track_file))
		return DIFF("track_file");
	SAME_CMD(notify);
	SAME_CMD(notify_master);
	SAME_CMD(notify_backup);
	SAME_CMD(notify_fault);
	SAME_CMD(notify_stop);
	SAME(garp_master_delay_ms);
	SAME(garp_master_repeat);
	SAME(garp_master_refresh_ms);
	SAME(garp_master_refresh_repeat);
	SAME(garp_lower_prio_delay_ms);
	SAME(garp_lower_prio_repeat);
	SAME(lower_prio_no_advert);
	SAME(accept_mode);
	SAME(use_vmac);
	SAME_STR(vmac_name);
	SAME(smtp_alert);
	SAME(dont_track_primary);
	return 1;
}

static int sync_group_eq(const struct conf_sync_group *a, const struct conf_sync_group *b)
{
	SAME_STR(name);
	if (!strlist_eq(&a->instances, &b->instances))
		return DIFF("group");
	SAME_CMD(notify);
	SAME_CMD(notify_master);
	SAME_CMD(notify_backup);
	SAME_CMD(notify_fault);
	SAME_CMD(notify_stop);
	SAME(smtp_alert);
	return 1;
}

static int vs_group_eq(const struct conf_vs_group *a, const struct conf_vs_group *b)
{
	SAME_STR(name);
	SAME(nentries);
	for (int i = 0; i < a->nentries; i++) {
		const struct conf_vsg_entry *x = &a->entries[i], *y = &b->entries[i];
		if (!ip_eq(&x->addr, &y->addr) || x->range_last != y->range_last || x->range_wraps != y->range_wraps || x->port != y->port ||
		    x->fwmark != y->fwmark)
			return DIFF("virtual_server_group entry");
	}
	return 1;
}

/* Checkers are nodes until they get typed fields: equal when they print the same. */
static int checker_eq(const struct conf_checker *a, const struct conf_checker *b)
{
	SAME(type);
	char *x = print_checker(a), *y = print_checker(b);
	int same = x && y && strcmp(x, y) == 0;
	free(x);
	free(y);
	return same ? 1 : DIFF("checker");
}

static int real_server_eq(const struct conf_real_server *a, const struct conf_real_server *b)
{
	SAME_IP(addr);
	SAME(port);
	SAME(weight);
	SAME(lb_kind);
	SAME(inhibit_on_failure);
	SAME(uthreshold);
	SAME(lthreshold);
	SAME(ncheckers);
	if (!a->checks != !b->checks)
		return DIFF("checks");
	if (!a->checks)
		return 1;
	SAME_CMD(checks->notify_up);
	SAME_CMD(checks->notify_down);
	for (int i = 0; i < a->ncheckers; i++)
		if (!checker_eq(&a->checks->checkers[i], &b->checks->checkers[i]))
			return 0;
	return 1;
}

static int virtual_server_eq(const struct conf_virtual_server *a, const struct conf_virtual_server *b)
{
	SAME(kind);
	SAME_IP(addr);
	SAME(port);
	SAME(fwmark);
	SAME_STR(group);
	SAME(delay_loop_ms);
	SAME_STR(lb_algo);
	SAME(lb_kind);
	SAME(persistence_timeout);
	SAME_STR(persistence_granularity);
	SAME(protocol);
	SAME_STR(virtualhost);
	if (!a->sorry_server != !b->sorry_server)
		return DIFF("sorry_server");
	if (a->sorry_server && !real_server_eq(a->sorry_server, b->sorry_server))
		return 0;
	SAME(quorum);
	SAME(hysteresis);
	SAME_CMD(quorum_up);
	SAME_CMD(quorum_down);
	SAME(ha_suspend);
	SAME(alpha);
	SAME(omega);
	SAME(inhibit_on_failure);
	SAME(nreal_servers);
	for (int i = 0; i < a->nreal_servers; i++)
		if (!real_server_eq(&a->real_servers[i], &b->real_servers[i]))
			return 0;
	return 1;
}

static int models_equal(const struct conf_keepalived *a, const struct conf_keepalived *b)
{
	if (!global_eq(&a->global, &b->global))
		return 0;
	SAME(nscripts);
	for (int i = 0; i < a->nscripts; i++)
		if (!script_eq(&a->scripts[i], &b->scripts[i]))
			return 0;
	SAME(ninstances);
	for (int i = 0; i < a->ninstances; i++)
		if (!instance_eq(&a->instances[i], &b->instances[i]))
			return 0;
	SAME(nsync_groups);
	for (int i = 0; i < a->nsync_groups; i++)
		if (!sync_group_eq(&a->sync_groups[i], &b->sync_groups[i]))
			return 0;
	SAME(nvs_groups);
	for (int i = 0; i < a->nvs_groups; i++)
		if (!vs_group_eq(&a->vs_groups[i], &b->vs_groups[i]))
			return 0;
	SAME(nvirtual_servers);
	for (int i = 0; i < a->nvirtual_servers; i++)
		if (!virtual_server_eq(&a->virtual_servers[i], &b->virtual_servers[i]))
			return 0;
	return 1;
}

/* ---- round trips ---- */

static void show_text(const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		printf("#   %.*s\n", n, p);
		p += n + (nl != NULL);
	}
}

static void show_diags(const struct conf_tree *t)
{
	for (int i = 0; i < t->ndiags; i++)
		printf("#   %s\n", t->diags[i].text);
}

/* 1 when path was a config to round-trip (it loads without errors). */
static int round_trip(const char *path)
{
	struct conf_keepalived *first = conf_keepalived_read(path);
	if (!first || first->tree->nerrors) {
		conf_keepalived_free(first);
		return 0;
	}
	char *print1 = print_conf(first);
	char name[512];
	snprintf(name, sizeof(name), "printed %s", path);
	struct conf_keepalived *second = print1 ? load_text(name, print1) : NULL;
	CHECK(second && !second->tree->nerrors, "%s: its print loads without errors", path);
	if (!second || second->tree->nerrors) {
		if (second)
			show_diags(second->tree);
		show_text(print1);
		conf_keepalived_free(second);
		conf_keepalived_free(first);
		free(print1);
		return 1;
	}
	CHECK(second->tree->nwarnings <= first->tree->nwarnings,
	      "%s: its print draws no new warnings (%d, the file %d)", path, second->tree->nwarnings,
	      first->tree->nwarnings);
	if (second->tree->nwarnings > first->tree->nwarnings)
		show_diags(second->tree);
	char *print2 = print_conf(second);
	int same = print1 && print2 && strcmp(print1, print2) == 0;
	CHECK(same, "%s: printing the print gives the same bytes", path);
	if (!same) {
		show_text(print1);
		printf("# --- second print\n");
		show_text(print2);
	}
	differs = "";
	CHECK(models_equal(first, second), "%s: the print loads into an equal model%s%s", path,
	      *differs ? ", differs in " : "", differs);
	free(print1);
	free(print2);
	conf_keepalived_free(second);
	conf_keepalived_free(first);
	return 1;
}

static void test_round_trips(void)
{
	static const char *const patterns[] = {
		"tests/fixtures/keepalived/*.conf", "configs/*.conf", "tests/unit/conf/valid/*.conf",
		"tests/unit/conf/broken/*.conf", "tests/vm/conf/*.conf",
	};
	int tried = 0, done = 0;
	for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
		glob_t g;
		if (glob(patterns[p], 0, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++, tried++)
			done += round_trip(g.gl_pathv[i]);
		globfree(&g);
	}
	/* 6 fixtures, 5 examples, syntax.conf, lvsd-ports.conf at least */
	CHECK(done >= 13, "round trips: %d of %d configs load without errors and were round-tripped", done, tried);
}

/* ---- defaults ---- */

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		while (*p == ' ')
			p++;
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == 0))
			return 1;
	}
	return 0;
}

static void test_defaults_printed(void)
{
	static const char minimal[] =
		"vrrp_script chk { script /bin/true }\n"
		"vrrp_instance VI { interface eth0\n virtual_router_id 9\n virtual_ipaddress { 192.0.2.1 } }\n"
		"virtual_server 192.0.2.1 80 { real_server 10.0.0.1 80 { TCP_CHECK { } } }\n";
	/* keepalived.conf(5) of keepalived 2.2.7: the values it documents as defaults */
	static const char *const expected[] = {
		"smtp_connect_timeout 30",          /* global_defs */
		"vrrp_version 2",
		"vrrp_garp_master_delay 5",
		"vrrp_garp_master_repeat 5",
		"vrrp_garp_lower_prio_delay 5",     /* vrrp_garp_master_delay */
		"vrrp_garp_lower_prio_repeat 5",    /* vrrp_garp_master_repeat */
		"vrrp_garp_master_refresh 0",       /* no refreshing */
		"nftables_priority -1",
		"interval 1",                       /* vrrp_script */
		"weight 0",
		"state BACKUP",                     /* vrrp_instance */
		"priority 100",
		"advert_int 1",
		"preempt_delay 0",
		"delay_loop 60",                    /* virtual_server */
		"lvs_method NAT",
		"quorum 1",
		"hysteresis 0",
		"weight 1",                         /* real_server */
	};
	struct conf_keepalived *conf = load_text("minimal", minimal);
	CHECK(conf && !conf->tree->nerrors, "defaults: the minimal config loads");
	if (!conf || conf->tree->nerrors) {
		if (conf)
			show_diags(conf->tree);
		conf_keepalived_free(conf);
		return;
	}
	char *text = print_conf(conf);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		CHECK(text && has_line(text, expected[i]), "defaults: prints '%s'", expected[i]);
	/* The manual names no protocol default; keepalived 2.2.7 itself takes
	 * UDP and warns (tests/cli/conf_oracle.sh holds its -t to that). */
	CHECK(text && has_line(text, "protocol UDP"), "defaults: no protocol line prints 'protocol UDP'");
	/* lvsbox's own defaults where keepalived's manual names none */
	CHECK(text && has_line(text, "lvs_sched wlc"), "defaults: prints 'lvs_sched wlc'");
	CHECK(text && has_line(text, "rise 1") && has_line(text, "fall 1"), "defaults: prints rise 1 and fall 1");
	/* unset values have no spelling and stay out; keepalived refuses a
	 * written 0 for the GARP/NA intervals and the refresh repeat */
	CHECK(text && !strstr(text, "persistence_timeout") && !strstr(text, "_interval") &&
	      !strstr(text, "refresh_repeat") && !strstr(text, "\n  version ") &&
	      !strstr(text, "\n  timeout ") && !strstr(text, "authentication"),
	      "defaults: unset persistence, GARP/NA intervals, refresh repeat, instance version, script timeout and authentication are left out");
	CHECK(text && strstr(text, "    TCP_CHECK {\n    }\n"), "defaults: an empty checker prints as an empty block");
	if (!text || !has_line(text, "delay_loop 60"))
		show_text(text);
	free(text);
	conf_keepalived_free(conf);
}

/* ---- spellings ---- */

static void test_canonical_spelling(void)
{
	static const char written[] =
		"$PORT=8080\n"
		"virtual_server 2001:db8:0::1 ${PORT} {\n"
		"  lb_algo rr\n lvs_method DR\n delay_loop 2.50\n persistence_timeout\n"
		"  connect_timeout 03\n retry 2\n"
		"  real_server 2001:db8::10 $PORT { weight 2\n alpha yes\n"
		"    HTTP_GET { url { path \"/a b\"\n status_code 200 }\n nb_get_retry 04\n warmup 1.0\n fast_recovery on\n }\n"
		"    MISC_CHECK { misc_path \"/bin/check 'x y'\"\n misc_dynamic off }\n"
		"  }\n"
		"}\n";
	struct conf_keepalived *conf = load_text("written", written);
	CHECK(conf && !conf->tree->nerrors, "spelling: the config loads");
	if (!conf || conf->tree->nerrors) {
		if (conf)
			show_diags(conf->tree);
		conf_keepalived_free(conf);
		return;
	}
	char *text = print_conf(conf);
	static const char *const lines[] = {
		"virtual_server 2001:db8::1 8080 {", "lvs_sched rr", "lvs_method DR", "delay_loop 2.5",
		"persistence_timeout 360", "connect_timeout 3", "retry 2",
		"real_server 2001:db8::10 8080 {", "alpha", "retry 4", "warmup 1", "fast_recovery",
		"path \"/a b\"", "misc_path \"/bin/check 'x y'\"", "misc_dynamic off",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CHECK(text && has_line(text, lines[i]), "spelling: prints '%s'", lines[i]);
	CHECK(text && !strstr(text, "nb_get_retry"), "spelling: nb_get_retry is written retry");
	if (!text || !has_line(text, "retry 4"))
		show_text(text);
	free(text);
	conf_keepalived_free(conf);
}

/* ---- the daemons' entry point ---- */

static void test_print_file(void)
{
	FILE *devnull = fopen("/dev/null", "w");
	CHECK(devnull != NULL, "print_file: /dev/null opens");
	if (!devnull)
		return;
	CHECK(conf_print_file("configs/nat.conf", devnull, NULL) == CONF_PRINT_OK, "print_file: a good config is 0");
	CHECK(conf_print_file("tests/unit/conf/broken/vrid-range.conf", devnull, devnull) == CONF_PRINT_FATAL,
	      "print_file: a config with errors is 3");
	CHECK(conf_print_file("tests/unit/conf/no-such.conf", devnull, devnull) == CONF_PRINT_FATAL,
	      "print_file: a missing file is 3");
	fclose(devnull);
}

int main(void)
{
	test_round_trips();
	test_defaults_printed();
	test_canonical_spelling();
	test_print_file();
	return unit_exit();
}
