/*
 * conf_printconf.c - writes the typed config (conf.h) back as a keepalived
 * config, for "-t -v": an operator sees the config as the daemons understood
 * it, with includes and $NAME resolved and every default spelled out, in one
 * order and one spelling, so two configs that mean the same print the same.
 *
 * The output must mean to lvsbox exactly what the input meant. A few values
 * the daemons still read from the generic tree rather than from the typed
 * model (checker options inherited from real_server and virtual_server,
 * strict_mode, the SSL and vrrp_track_file blocks) are printed from the tree
 * for that reason; see tree_option() and the calls to it.
 */
#include "conf_printconf.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void indent(FILE *out, int depth)
{
	fprintf(out, "%*s", depth * 2, "");
}

/* Every word is quoted as a keyword would be: a value "include" standing
 * first on a printed line must not read as an include. */
static void word(FILE *out, const char *s)
{
	conf_print_word(out, s, 1);
}

static void words(FILE *out, char *const *argv, int argc)
{
	for (int i = 0; i < argc; i++) {
		fputc(' ', out);
		word(out, argv[i]);
	}
}

/* Seconds as the config writes them: "60", "1.5", "0.025". */
static void seconds(FILE *out, unsigned ms)
{
	if (ms % 1000 == 0) {
		fprintf(out, "%u", ms / 1000);
		return;
	}
	char frac[4];
	snprintf(frac, sizeof(frac), "%03u", ms % 1000);
	for (int i = 2; i > 0 && frac[i] == '0'; i--)
		frac[i] = 0;
	fprintf(out, "%u.%s", ms / 1000, frac);
}

/* ---- one line each; an unset optional value prints nothing ---- */

static void put_str(FILE *out, int depth, const char *kw, const char *value)
{
	if (!value)
		return;
	indent(out, depth);
	fprintf(out, "%s ", kw);
	word(out, value);
	fputc('\n', out);
}

static void put_uint(FILE *out, int depth, const char *kw, unsigned value)
{
	indent(out, depth);
	fprintf(out, "%s %u\n", kw, value);
}

static void put_int(FILE *out, int depth, const char *kw, int value)
{
	indent(out, depth);
	fprintf(out, "%s %d\n", kw, value);
}

static void put_timer(FILE *out, int depth, const char *kw, unsigned ms)
{
	indent(out, depth);
	fprintf(out, "%s ", kw);
	seconds(out, ms);
	fputc('\n', out);
}

/* keepalived's flags are words that are there or not */
static void put_flag(FILE *out, int depth, const char *kw, int on)
{
	if (!on)
		return;
	indent(out, depth);
	fprintf(out, "%s\n", kw);
}

static void put_ip(FILE *out, int depth, const char *kw, const struct conf_ip *ip)
{
	char buf[INET6_ADDRSTRLEN];
	if (!ip->family)
		return;
	indent(out, depth);
	fprintf(out, "%s %s\n", kw, conf_ip_str(ip, buf, sizeof(buf)));
}

static void put_cmd(FILE *out, int depth, const char *kw, const struct conf_cmd *cmd)
{
	if (!cmd->argc)
		return;
	indent(out, depth);
	fputs(kw, out);
	words(out, cmd->argv, cmd->argc);
	fputc('\n', out);
}

static void open_block(FILE *out, int depth, const char *kw)
{
	indent(out, depth);
	fprintf(out, "%s {\n", kw);
}

static void close_block(FILE *out, int depth)
{
	indent(out, depth);
	fputs("}\n", out);
}

/* ---- options read from generic nodes ---- */

enum opt_kind { OPT_WORDS, OPT_TIMER, OPT_FLAG, OPT_UINT };

static const struct { const char *name; int kind; } opt_kinds[] = {
	{ "connect_timeout", OPT_TIMER }, { "delay_before_retry", OPT_TIMER }, { "delay_loop", OPT_TIMER },
	{ "warmup", OPT_TIMER }, { "misc_timeout", OPT_TIMER },
	{ "alpha", OPT_FLAG }, { "log_all_failures", OPT_FLAG }, { "misc_dynamic", OPT_FLAG },
	{ "enable_sni", OPT_FLAG }, { "fast_recovery", OPT_FLAG }, { "regex_no_match", OPT_FLAG },
	{ "strict_mode", OPT_FLAG },
	{ "connect_port", OPT_UINT }, { "bind_port", OPT_UINT }, { "retry", OPT_UINT }, { "nb_get_retry", OPT_UINT },
	{ "fwmark", OPT_UINT }, { "min_reply_length", OPT_UINT }, { "max_reply_length", OPT_UINT },
	{ "regex_min_offset", OPT_UINT }, { "regex_max_offset", OPT_UINT },
};

static int opt_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(opt_kinds) / sizeof(opt_kinds[0]); i++)
		if (strcmp(opt_kinds[i].name, name) == 0)
			return opt_kinds[i].kind;
	return OPT_WORDS;
}

/* As the config layer reads a time: seconds, at most three decimals counted. */
static int parse_seconds(const char *s, unsigned *ms)
{
	unsigned long long v = 0;
	int digits = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if ((v = v * 10 + (unsigned)(*s - '0')) > 4294967ull)
			return -1;
	v *= 1000;
	if (*s == '.')
		for (unsigned scale = 100; *++s >= '0' && *s <= '9'; scale /= 10, digits++)
			v += (unsigned)(*s - '0') * scale;
	if (*s || !digits || v > 0xffffffffull)
		return -1;
	*ms = (unsigned)v;
	return 0;
}

/* As checkd and vrrpd read a flag: no value, or on/true/yes/1. */
static int flag_on(const struct conf_node *n)
{
	if (n->nargs == 0)
		return 1;
	const char *v = n->args[0];
	return !strcasecmp(v, "on") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1");
}

/*
 * One option line from a node, the value in its canonical spelling when its
 * kind is known (nb_get_retry becomes retry), else the words as they are.
 */
static void tree_option(FILE *out, const struct conf_node *n, int depth)
{
	int kind = n->has_block ? OPT_WORDS : opt_kind(n->keyword);
	const char *kw = strcmp(n->keyword, "nb_get_retry") == 0 ? "retry" : n->keyword;
	unsigned ms;
	char *end;

	indent(out, depth);
	word(out, kw);
	if (kind == OPT_FLAG) {
		fputs(flag_on(n) ? "\n" : " off\n", out);
		return;
	}
	if (kind == OPT_TIMER && n->nargs == 1 && parse_seconds(n->args[0], &ms) == 0) {
		fputc(' ', out);
		seconds(out, ms);
		fputc('\n', out);
		return;
	}
	if (kind == OPT_UINT && n->nargs == 1 && n->args[0][0] >= '0' && n->args[0][0] <= '9') {
		unsigned long long v = strtoull(n->args[0], &end, 10);
		if (!*end) {
			fprintf(out, " %llu\n", v);
			return;
		}
	}
	words(out, n->args, n->nargs);
	if (n->has_block) {
		fputs(" {\n", out);
		for (const struct conf_node *c = n->child; c; c = c->next)
			tree_option(out, c, depth + 1);
		indent(out, depth);
		fputc('}', out);
	}
	fputc('\n', out);
}

/* The first of keys that node has (checkd and vrrpd read the first). */
static void tree_options(FILE *out, const struct conf_node *node, const char *const *keys, int depth)
{
	for (; node && *keys; keys++) {
		const struct conf_node *n = conf_child(node, *keys);
		/* nb_get_retry counts only where retry is absent */
		if (!n && strcmp(*keys, "retry") == 0)
			n = conf_child(node, "nb_get_retry");
		if (n)
			tree_option(out, n, depth);
	}
}

/* The node a model object was read from. */
static const struct conf_node *node_of(const struct conf_node *parent, const char *keyword,
	const char *file, int line)
{
	for (const struct conf_node *n = parent ? parent->child : NULL; n; n = n->next)
		if (n->line == line && n->file == file && strcmp(n->keyword, keyword) == 0)
			return n;
	return NULL;
}

/* ---- checkers: kept as nodes until they have typed fields ---- */

/* connect_ip or bindto with a host name: the parser ignored it (as
 * keepalived does), so the print leaves it out */
static int ignored_address(const struct conf_node *n)
{
	unsigned char a[16];
	if (strcmp(n->keyword, "connect_ip") && strcmp(n->keyword, "bindto"))
		return 0;
	return n->nargs != 1 || (inet_pton(AF_INET, n->args[0], a) != 1 && inet_pton(AF_INET6, n->args[0], a) != 1);
}

void conf_checker_print(FILE *out, const struct conf_checker *checker, int depth)
{
	const struct conf_node *node = checker->node;
	int has_retry = conf_child(node, "retry") != NULL;

	open_block(out, depth, conf_checker_name(checker->type));
	for (const struct conf_node *n = node->child; n; n = n->next)
		if (!(has_retry && strcmp(n->keyword, "nb_get_retry") == 0) && !ignored_address(n))
			tree_option(out, n, depth + 1);
	close_block(out, depth);
}

/* ---- global_defs ---- */

/* lvs_sync_daemon with its sync id resolved (an instance's
 * lvs_sync_daemon_interface is printed in this form), lvs_timeouts with the
 * values written, the flush flags, max_auto_priority when set. */
static void print_ipvs_globals(FILE *out, const struct conf_global *g)
{
	const struct conf_lvs_syncd *sd = &g->lvs_syncd;
	char buf[INET6_ADDRSTRLEN];

	if (sd->ifname) {
		indent(out, 1);
		fputs("lvs_sync_daemon ", out);
		word(out, sd->ifname);
		if (sd->instance) {
			fputs(" inst ", out);
			word(out, sd->instance);
		}
		fprintf(out, " id %d", sd->syncid);
		if (sd->maxlen)
			fprintf(out, " maxlen %u", sd->maxlen);
		if (sd->port)
			fprintf(out, " port %u", sd->port);
		if (sd->ttl)
			fprintf(out, " ttl %u", sd->ttl);
		if (sd->group.family)
			fprintf(out, " group %s", conf_ip_str(&sd->group, buf, sizeof(buf)));
		fputc('\n', out);
	}
	const struct conf_lvs_timeouts *t = &g->lvs_timeouts;
	if (t->tcp || t->tcpfin || t->udp) {
		indent(out, 1);
		fputs("lvs_timeouts", out);
		if (t->tcp)
			fprintf(out, " tcp %u", t->tcp);
		if (t->tcpfin)
			fprintf(out, " tcpfin %u", t->tcpfin);
		if (t->udp)
			fprintf(out, " udp %u", t->udp);
		fputc('\n', out);
	}
	put_flag(out, 1, "lvs_flush", g->lvs_flush);
	if (g->lvs_flush_on_stop) {
		indent(out, 1);
		fputs(g->lvs_flush_on_stop == CONF_FLUSH_ON_STOP_VS ? "lvs_flush_on_stop VS\n" : "lvs_flush_on_stop\n", out);
	}
	if (g->max_auto_priority)
		put_int(out, 1, "max_auto_priority", g->max_auto_priority);
	if (g->min_auto_priority_delay_us != 1000000)
		put_uint(out, 1, "min_auto_priority_delay", g->min_auto_priority_delay_us);
}

static void print_global(FILE *out, const struct conf_global *g)
{
	char buf[INET6_ADDRSTRLEN];

	open_block(out, 0, "global_defs");
	put_str(out, 1, "router_id", g->router_id);
	if (g->notification_email.n) {
		open_block(out, 1, "notification_email");
		for (int i = 0; i < g->notification_email.n; i++) {
			indent(out, 2);
			word(out, g->notification_email.v[i]);
			fputc('\n', out);
		}
		close_block(out, 1);
	}
	put_str(out, 1, "notification_email_from", g->notification_email_from);
	if (g->smtp_server.family) {
		indent(out, 1);
		fprintf(out, "smtp_server %s %u\n", conf_ip_str(&g->smtp_server, buf, sizeof(buf)), g->smtp_port);
	}
	put_timer(out, 1, "smtp_connect_timeout", g->smtp_connect_timeout_ms);
	put_str(out, 1, "smtp_helo_name", g->smtp_helo_name);
	put_flag(out, 1, "smtp_alert", g->smtp_alert);
	put_flag(out, 1, "smtp_alert_vrrp", g->smtp_alert_vrrp);
	put_flag(out, 1, "smtp_alert_checker", g->smtp_alert_checker);
	if (g->script_user) {
		indent(out, 1);
		fputs("script_user ", out);
		word(out, g->script_user);
		if (g->script_group) {
			fputc(' ', out);
			word(out, g->script_group);
		}
		fputc('\n', out);
	}
	put_flag(out, 1, "enable_script_security", g->enable_script_security);
	put_uint(out, 1, "vrrp_version", g->vrrp_version);
	put_flag(out, 1, "vrrp_strict", g->vrrp_strict);
	put_str(out, 1, "nftables", g->nftables_table);
	put_int(out, 1, "nftables_priority", g->nftables_priority);
	put_flag(out, 1, "nftables_counters", g->nftables_counters);
	put_flag(out, 1, "vrrp_min_garp", g->vrrp_min_garp);
	put_timer(out, 1, "vrrp_garp_master_delay", g->vrrp_garp_master_delay_ms);
	put_uint(out, 1, "vrrp_garp_master_repeat", g->vrrp_garp_master_repeat);
	put_timer(out, 1, "vrrp_garp_master_refresh", g->vrrp_garp_master_refresh_ms);
	/* 0 here and in the two intervals means unset: keepalived 2.2.7
	 * refuses a written 0 for them (its defaults are 1, and no pause) */
	if (g->vrrp_garp_master_refresh_repeat)
		put_uint(out, 1, "vrrp_garp_master_refresh_repeat", g->vrrp_garp_master_refresh_repeat);
	put_timer(out, 1, "vrrp_garp_lower_prio_delay", g->vrrp_garp_lower_prio_delay_ms);
	put_uint(out, 1, "vrrp_garp_lower_prio_repeat", g->vrrp_garp_lower_prio_repeat);
	put_flag(out, 1, "vrrp_lower_prio_no_advert", g->vrrp_lower_prio_no_advert);
	if (g->vrrp_garp_interval_ms)
		put_timer(out, 1, "vrrp_garp_interval", g->vrrp_garp_interval_ms);
	if (g->vrrp_gna_interval_ms)
		put_timer(out, 1, "vrrp_gna_interval", g->vrrp_gna_interval_ms);
	put_ip(out, 1, "vrrp_mcast_group4", &g->vrrp_mcast_group4);
	put_ip(out, 1, "vrrp_mcast_group6", &g->vrrp_mcast_group6);
	put_str(out, 1, "lvs_id", g->lvs_id);
	put_str(out, 1, "default_interface", g->default_interface);
	put_cmd(out, 1, "startup_script", &g->startup_script);
	if (g->startup_script_timeout != 10)
		put_uint(out, 1, "startup_script_timeout", g->startup_script_timeout);
	put_cmd(out, 1, "shutdown_script", &g->shutdown_script);
	if (g->shutdown_script_timeout != 10)
		put_uint(out, 1, "shutdown_script_timeout", g->shutdown_script_timeout);
	print_ipvs_globals(out, g);
	close_block(out, 0);
}

/* ---- VRRP ---- */

static void print_script(FILE *out, const struct conf_vrrp_script *s)
{
	indent(out, 0);
	fputs("vrrp_script ", out);
	word(out, s->name);
	fputs(" {\n", out);
	put_cmd(out, 1, "script", &s->script);
	put_timer(out, 1, "interval", s->interval_ms);
	if (s->timeout_ms)              /* unset: the interval */
		put_timer(out, 1, "timeout", s->timeout_ms);
	put_int(out, 1, "weight", s->weight);
	put_uint(out, 1, "rise", s->rise);
	put_uint(out, 1, "fall", s->fall);
	if (s->user) {
		indent(out, 1);
		fputs("user ", out);
		word(out, s->user);
		if (s->group) {
			fputc(' ', out);
			word(out, s->group);
		}
		fputc('\n', out);
	}
	close_block(out, 0);
}

/* keepalived's order: ADDR[/PFX] [brd B] [dev X] [scope Z] [label Y] */
static void print_vips(FILE *out, const char *kw, const struct conf_vip_list *list)
{
	char buf[INET6_ADDRSTRLEN];

	if (!list->n)
		return;
	open_block(out, 1, kw);
	for (int i = 0; i < list->n; i++) {
		const struct conf_vip *v = &list->v[i];
		indent(out, 2);
		fputs(conf_ip_str(&v->addr, buf, sizeof(buf)), out);
		if (v->prefix >= 0)
			fprintf(out, "/%d", v->prefix);
		if (v->brd.family)
			fprintf(out, " brd %s", conf_ip_str(&v->brd, buf, sizeof(buf)));
		const char *opts[][2] = { { "dev", v->dev }, { "scope", v->scope }, { "label", v->label } };
		for (int o = 0; o < 3; o++)
			if (opts[o][1]) {
				fprintf(out, " %s ", opts[o][0]);
				word(out, opts[o][1]);
			}
		fputc('\n', out);
	}
	close_block(out, 1);
}

static void print_tracks(FILE *out, const char *kw, const struct conf_track_list *list)
{
	if (!list->n)
		return;
	open_block(out, 1, kw);
	for (int i = 0; i < list->n; i++) {
		indent(out, 2);
		word(out, list->v[i].name);
		if (list->v[i].has_weight)
			fprintf(out, " weight %d", list->v[i].weight);
		fputc('\n', out);
	}
	close_block(out, 1);
}

static void print_notifies(FILE *out, const struct conf_cmd *notify, const struct conf_cmd *master,
	const struct conf_cmd *backup, const struct conf_cmd *fault, const struct conf_cmd *stop)
{
	put_cmd(out, 1, "notify", notify);
	put_cmd(out, 1, "notify_master", master);
	put_cmd(out, 1, "notify_backup", backup);
	put_cmd(out, 1, "notify_fault", fault);
	put_cmd(out, 1, "notify_stop", stop);
}

static void print_instance(FILE *out, const struct conf_keepalived *conf, const struct conf_vrrp_instance *vi)
{
	static const char *const states[] = { "BACKUP", "MASTER" };
	static const char *const auths[] = { "NONE", "PASS", "AH" };
	static const char *const strict_keys[] = { "strict_mode", NULL };
	const struct conf_global *g = &conf->global;
	char buf[INET6_ADDRSTRLEN];

	indent(out, 0);
	fputs("vrrp_instance ", out);
	word(out, vi->name);
	fputs(" {\n", out);
	put_str(out, 1, "state", states[vi->state == CONF_STATE_MASTER]);
	put_str(out, 1, "interface", vi->interface);
	put_uint(out, 1, "virtual_router_id", vi->vrid);
	put_uint(out, 1, "priority", vi->priority);
	put_timer(out, 1, "advert_int", vi->advert_int_ms);
	if (vi->version)                /* unset: global_defs' vrrp_version */
		put_uint(out, 1, "version", vi->version);
	tree_options(out, node_of(&conf->tree->root, "vrrp_instance", vi->file, vi->line), strict_keys, 1);
	if (vi->auth_type != CONF_AUTH_NONE || vi->auth_pass[0]) {
		open_block(out, 1, "authentication");
		if (vi->auth_type != CONF_AUTH_NONE)
			put_str(out, 2, "auth_type", auths[vi->auth_type]);
		if (vi->auth_pass[0])
			put_str(out, 2, "auth_pass", vi->auth_pass);
		close_block(out, 1);
	}
	print_vips(out, "virtual_ipaddress", &vi->vips);
	print_vips(out, "virtual_ipaddress_excluded", &vi->vips_excluded);
	put_flag(out, 1, "nopreempt", vi->nopreempt);
	put_timer(out, 1, "preempt_delay", vi->preempt_delay_ms);
	put_ip(out, 1, "unicast_src_ip", &vi->unicast_src_ip);
	put_ip(out, 1, "mcast_src_ip", &vi->mcast_src_ip);
	if (vi->unicast_peers.n) {
		open_block(out, 1, "unicast_peer");
		for (int i = 0; i < vi->unicast_peers.n; i++) {
			indent(out, 2);
			fprintf(out, "%s\n", conf_ip_str(&vi->unicast_peers.v[i], buf, sizeof(buf)));
		}
		close_block(out, 1);
	}
	print_tracks(out, "track_interface", &vi->track_interface);
	print_tracks(out, "track_script", &vi->track_script);
	print_tracks(out, "track_file", &vi->track_file);
	print_notifies(out, &vi->notify, &vi->notify_master, &vi->notify_backup, &vi->notify_fault, &vi->notify_stop);
	if (vi->notify_deleted && vi->notify_deleted_cmd.argc)
		put_cmd(out, 1, "notify_deleted", &vi->notify_deleted_cmd);
	else
		put_flag(out, 1, "notify_deleted", vi->notify_deleted);
	put_flag(out, 1, "native_ipv6", vi->native_ipv6);
	/* Inherited from global_defs, where they are printed: repeated here only
	 * when the instance differs, since under vrrp_strict vrrpd objects to an
	 * instance that names the lower-priority ones itself. */
	if (vi->garp_master_delay_ms != g->vrrp_garp_master_delay_ms)
		put_timer(out, 1, "garp_master_delay", vi->garp_master_delay_ms);
	if (vi->garp_master_repeat != g->vrrp_garp_master_repeat)
		put_uint(out, 1, "garp_master_repeat", vi->garp_master_repeat);
	if (vi->garp_master_refresh_ms != g->vrrp_garp_master_refresh_ms)
		put_timer(out, 1, "garp_master_refresh", vi->garp_master_refresh_ms);
	if (vi->garp_master_refresh_repeat != g->vrrp_garp_master_refresh_repeat)
		put_uint(out, 1, "garp_master_refresh_repeat", vi->garp_master_refresh_repeat);
	if (vi->garp_lower_prio_delay_ms != g->vrrp_garp_lower_prio_delay_ms)
		put_timer(out, 1, "garp_lower_prio_delay", vi->garp_lower_prio_delay_ms);
	if (vi->garp_lower_prio_repeat != g->vrrp_garp_lower_prio_repeat)
		put_uint(out, 1, "garp_lower_prio_repeat", vi->garp_lower_prio_repeat);
	if (vi->lower_prio_no_advert && !g->vrrp_lower_prio_no_advert)
		put_flag(out, 1, "lower_prio_no_advert", 1);
	else if (!vi->lower_prio_no_advert && g->vrrp_lower_prio_no_advert)
		put_str(out, 1, "lower_prio_no_advert", "off");
	if (vi->accept_mode != CONF_ACCEPT_UNSET)   /* unset: by vrrp_strict */
		put_flag(out, 1, vi->accept_mode == CONF_ACCEPT_ON ? "accept" : "no_accept", 1);
	if (vi->use_vmac) {
		indent(out, 1);
		fputs("use_vmac", out);
		if (vi->vmac_name) {
			fputc(' ', out);
			word(out, vi->vmac_name);
		}
		fputc('\n', out);
	}
	put_flag(out, 1, "smtp_alert", vi->smtp_alert);
	put_flag(out, 1, "dont_track_primary", vi->dont_track_primary);
	close_block(out, 0);
}

static void print_sync_group(FILE *out, const struct conf_sync_group *sg)
{
	indent(out, 0);
	fputs("vrrp_sync_group ", out);
	word(out, sg->name);
	fputs(" {\n", out);
	open_block(out, 1, "group");
	for (int i = 0; i < sg->instances.n; i++) {
		indent(out, 2);
		word(out, sg->instances.v[i]);
		fputc('\n', out);
	}
	close_block(out, 1);
	print_notifies(out, &sg->notify, &sg->notify_master, &sg->notify_backup, &sg->notify_fault, &sg->notify_stop);
	put_flag(out, 1, "smtp_alert", sg->smtp_alert);
	close_block(out, 0);
}

/* ---- LVS ---- */

static const char *const lb_kind_names[] = { "NAT", "DR", "TUN" };

static void print_vs_group(FILE *out, const struct conf_vs_group *g)
{
	char buf[INET6_ADDRSTRLEN];

	indent(out, 0);
	fputs("virtual_server_group ", out);
	word(out, g->name);
	fputs(" {\n", out);
	for (int i = 0; i < g->nentries; i++) {
		const struct conf_vsg_entry *e = &g->entries[i];
		indent(out, 1);
		if (e->fwmark) {
			fprintf(out, "fwmark %u\n", e->fwmark);
			continue;
		}
		fputs(conf_ip_str(&e->addr, buf, sizeof(buf)), out);
		if (e->range_wraps) {
			/* an end address in the next /112 says "past ffff" to
			 * keepalived; the parser made sure there is one */
			struct conf_ip end = e->addr;
			for (int b = 13; b >= 0 && ++end.addr[b] == 0; b--)
				;
			end.addr[14] = (unsigned char)(e->range_last >> 8);
			end.addr[15] = (unsigned char)e->range_last;
			fprintf(out, "-%s", conf_ip_str(&end, buf, sizeof(buf)));
		} else if (e->range_last) {
			/* keepalived reads an IPv6 range end in hex */
			fprintf(out, e->addr.family == AF_INET6 ? "-%x" : "-%u", e->range_last);
		}
		fprintf(out, " %u\n", e->port);
	}
	close_block(out, 0);
}

/* Checker options a real server or virtual server passes down to its checkers. */
static const char *const rs_tree_keys[] = {
	"delay_loop", "connect_timeout", "retry", "delay_before_retry", "warmup", "virtualhost", "alpha", NULL
};
static const char *const vs_tree_keys[] = {
	"connect_timeout", "retry", "delay_before_retry", "warmup", NULL
};

static void print_real_server(FILE *out, const struct conf_node *vs_node, const struct conf_real_server *rs)
{
	char buf[INET6_ADDRSTRLEN];

	indent(out, 1);
	fprintf(out, "real_server %s", conf_ip_str(&rs->addr, buf, sizeof(buf)));
	if (rs->port)                   /* none under a fwmark service */
		fprintf(out, " %u", rs->port);
	fputs(" {\n", out);
	put_int(out, 2, "weight", rs->weight);
	if (rs->lb_kind >= 0)           /* unset: the virtual server's */
		put_str(out, 2, "lvs_method", lb_kind_names[rs->lb_kind]);
	put_flag(out, 2, "inhibit_on_failure", rs->inhibit_on_failure);
	if (rs->checks) {
		put_cmd(out, 2, "notify_up", &rs->checks->notify_up);
		put_cmd(out, 2, "notify_down", &rs->checks->notify_down);
	}
	put_uint(out, 2, "uthreshold", rs->uthreshold);
	put_uint(out, 2, "lthreshold", rs->lthreshold);
	tree_options(out, node_of(vs_node, "real_server", rs->file, rs->line), rs_tree_keys, 2);
	/* a config kept without its checkers (lvsd's) prints none */
	for (int i = 0; rs->checks && rs->checks->checkers && i < rs->ncheckers; i++)
		conf_checker_print(out, &rs->checks->checkers[i], 2);
	close_block(out, 1);
}

static void print_virtual_server(FILE *out, const struct conf_keepalived *conf, const struct conf_virtual_server *vs)
{
	static const char *const protocols[] = { "TCP", "UDP", "SCTP" };
	const struct conf_node *node = node_of(&conf->tree->root, "virtual_server", vs->file, vs->line);
	char buf[INET6_ADDRSTRLEN];

	indent(out, 0);
	if (vs->kind == CONF_VS_FWMARK) {
		fprintf(out, "virtual_server fwmark %u {\n", vs->fwmark);
	} else if (vs->kind == CONF_VS_GROUP) {
		fputs("virtual_server group ", out);
		word(out, vs->group);
		fputs(" {\n", out);
	} else {
		fprintf(out, "virtual_server %s %u {\n", conf_ip_str(&vs->addr, buf, sizeof(buf)), vs->port);
	}
	put_timer(out, 1, "delay_loop", vs->delay_loop_ms);
	put_str(out, 1, "lvs_sched", vs->lb_algo);
	put_str(out, 1, "lvs_method", lb_kind_names[vs->lb_kind]);
	if (vs->persistence_timeout)    /* 0: no persistence, which keepalived cannot spell */
		put_uint(out, 1, "persistence_timeout", vs->persistence_timeout);
	put_str(out, 1, "persistence_granularity", vs->persistence_granularity);
	/* keepalived warns about a protocol on a fwmark service: the default stays out */
	if (vs->kind != CONF_VS_FWMARK || vs->protocol != CONF_PROTO_TCP)
		put_str(out, 1, "protocol", protocols[vs->protocol]);
	put_str(out, 1, "virtualhost", vs->virtualhost);
	if (vs->sorry_server) {
		indent(out, 1);
		fprintf(out, "sorry_server %s %u\n", conf_ip_str(&vs->sorry_server->addr, buf, sizeof(buf)),
			vs->sorry_server->port);
	}
	put_uint(out, 1, "quorum", vs->quorum);
	put_uint(out, 1, "hysteresis", vs->hysteresis);
	put_cmd(out, 1, "quorum_up", &vs->quorum_up);
	put_cmd(out, 1, "quorum_down", &vs->quorum_down);
	put_flag(out, 1, "ha_suspend", vs->ha_suspend);
	put_flag(out, 1, "alpha", vs->alpha);
	put_flag(out, 1, "omega", vs->omega);
	put_flag(out, 1, "inhibit_on_failure", vs->inhibit_on_failure);
	tree_options(out, node, vs_tree_keys, 1);
	for (int i = 0; i < vs->nreal_servers; i++)
		print_real_server(out, node, &vs->real_servers[i]);
	close_block(out, 0);
}

/* Top-level blocks the model does not hold but a daemon reads from the tree. */
static void print_tree_blocks(FILE *out, const struct conf_tree *tree, const char *keyword)
{
	for (const struct conf_node *n = tree->root.child; n; n = n->next)
		if (strcmp(n->keyword, keyword) == 0) {
			fputc('\n', out);
			tree_option(out, n, 0);
		}
}

void conf_keepalived_print(FILE *out, const struct conf_keepalived *conf)
{
	print_global(out, &conf->global);
	print_tree_blocks(out, conf->tree, "SSL");
	for (int i = 0; i < conf->nscripts; i++) {
		fputc('\n', out);
		print_script(out, &conf->scripts[i]);
	}
	print_tree_blocks(out, conf->tree, "vrrp_track_file");
	for (int i = 0; i < conf->ninstances; i++) {
		fputc('\n', out);
		print_instance(out, conf, &conf->instances[i]);
	}
	for (int i = 0; i < conf->nsync_groups; i++) {
		fputc('\n', out);
		print_sync_group(out, &conf->sync_groups[i]);
	}
	for (int i = 0; i < conf->nvs_groups; i++) {
		fputc('\n', out);
		print_vs_group(out, &conf->vs_groups[i]);
	}
	for (int i = 0; i < conf->nvirtual_servers; i++) {
		fputc('\n', out);
		print_virtual_server(out, conf, &conf->virtual_servers[i]);
	}
}

int conf_print_file(const char *path, FILE *out, FILE *diags)
{
	struct conf_keepalived *conf = conf_keepalived_read(path);
	int rc = CONF_PRINT_OK;

	if (!conf) {
		if (diags)
			fprintf(diags, "%s: out of memory\n", path);
		return CONF_PRINT_FATAL;
	}
	if (diags)
		conf_print_diags(diags, conf->tree);
	if (conf->tree->nerrors)
		rc = CONF_PRINT_FATAL;
	else {
		conf_keepalived_print(out, conf);
		if (fflush(out) != 0 || ferror(out))
			rc = CONF_PRINT_FATAL;
	}
	conf_keepalived_free(conf);
	return rc;
}
