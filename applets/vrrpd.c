/*
 * vrrpd.c - the VRRP daemon: floats virtual IP addresses between routers
 * with VRRPv2/v3 (RFC 3768, RFC 5798) from a keepalived-style config.
 *
 * The engine lives in core/vrrp (vrrp_engine.h and the files it names).
 * This file is the command line and the wiring around it: the config read
 * and checked, the config fingerprints a reload compares, the runner of
 * notify scripts and vrrp_scripts (script users and security come from
 * core/daemon), the status table and JSON on the control socket, SIGHUP
 * reload and the graceful stop on SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <linux/rtnetlink.h>
#include "applets.h"
#include "auto_prio.h"
#include "conf.h"
#include "ctl.h"
#include "daemon.h"
#include "json.h"
#include "garp.h"
#include "log.h"
#include "loop.h"
#include "lvs_syncd.h"
#include "prom.h"
#include "rtnl.h"
#include "vrrp_advert.h"
#include "vrrp_apply.h"
#include "vrrp_engine.h"
#include "vrrp_filter.h"
#include "vrrp_fsm.h"
#include "vrrp_group.h"
#include "vrrp_inst.h"
#include "vrrp_link.h"
#include "vrrp_pkt.h"
#include "vrrp_strict.h"
#include "vrrp_track.h"

#define VRRPD_DEFAULT_CONF "/etc/lvsbox/lvsbox.conf"
#define VRRPD_DEFAULT_SOCK CTL_DIR "/vrrpd.sock"
#define NOTIFY_TIMEOUT_MS 30000     /* a notify script that hangs is killed */
#define MAX_NOTIFIES 64             /* running at once; more are refused, with a log */
#define STOP_WAIT_MS 2000          /* for notify_stop scripts before exiting */

static const struct opts_row vrrpd_rows[] = {
	OPTS_SHOW_SHORT('f', "config file (default " VRRPD_DEFAULT_CONF ")"),
	OPTS_INCLUDE(daemon_keepalived_opts),
	OPTS_SHOW_SHORT('S', "control socket (default " VRRPD_DEFAULT_SOCK ")"),
	OPTS_SHOW_SHORT('s', "print the running daemon's instances as a table"),
	OPTS_INCLUDE(daemon_control_opts),
	OPT_LONG("keepalived-json", 'k', NULL, "the instances as keepalived's JSON dump (what LuCI reads)"),
	OPT('v', NULL, NULL, NULL),    /* with -t the config printed back, alone the version */
	OPTS_END,
};

const struct opts_cmd vrrpd_cmd = {
	.usage = "Usage: vrrpd [-n] [-l] [-D] [-f FILE] [-p PIDFILE] [-S SOCKET]\n"
		 "       vrrpd -t [-v] [-f FILE]\n"
		 "       vrrpd [-S SOCKET] -s | --json | --keepalived-json\n"
		 "VRRP v2/v3 failover of virtual IP addresses (keepalived's vrrp_instance).\n"
		 "\n",
	.rows = vrrpd_rows,
	.footer = "\n"
		  "Signals: HUP reloads the config (unchanged instances are not touched;\n"
		  "a config with errors keeps the running one), TERM/INT stop gracefully\n"
		  "(masters send priority 0 so a backup takes over at once).\n",
};

static const char *const track_kind_names[] = { "interface", "script", "file" };

struct notify_child {
	struct loop_child child;
	struct vrrpd *d;
};

/* ---- config fingerprints: what a reload compares ---- */

/* Canonical text of a config subtree: equal text, equal meaning. */
static void node_print(struct ctl_buf *b, const struct conf_node *n)
{
	ctl_puts(b, n->keyword ? n->keyword : "");
	for (int i = 0; i < n->nargs; i++) {
		ctl_puts(b, "\x1f");
		ctl_puts(b, n->args[i]);
	}
	if (n->has_block) {
		ctl_puts(b, "{");
		for (const struct conf_node *c = n->child; c; c = c->next)
			node_print(b, c);
		ctl_puts(b, "}");
	}
	ctl_puts(b, "\n");
}

/* The global_defs lines VRRP behaviour depends on. */
static void print_vrrp_globals(struct ctl_buf *b, const struct conf_keepalived *conf)
{
	const struct conf_node *g = top_block(conf, "global_defs", NULL);

	if (!g)
		return;
	for (const struct conf_node *c = g->child; c; c = c->next)
		if (strncmp(c->keyword, "vrrp_", 5) == 0 || strncmp(c->keyword, "script_", 7) == 0 ||
		    strcmp(c->keyword, "enable_script_security") == 0 ||
		    strcmp(c->keyword, "default_interface") == 0)
			node_print(b, c);
}

static char *script_fingerprint(const struct conf_keepalived *conf, const char *name)
{
	struct ctl_buf b = { 0 };
	const struct conf_node *n = top_block(conf, "vrrp_script", name);

	if (n)
		node_print(&b, n);
	print_vrrp_globals(&b, conf);
	ctl_puts(&b, "");
	if (b.oom) {
		ctl_buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

static const struct conf_sync_group *group_of(const struct conf_keepalived *conf, const char *inst)
{
	for (int i = 0; i < conf->nsync_groups; i++)
		for (int j = 0; j < conf->sync_groups[i].instances.n; j++)
			if (strcmp(conf->sync_groups[i].instances.v[j], inst) == 0)
				return &conf->sync_groups[i];
	return NULL;
}

static char *instance_fingerprint(const struct conf_keepalived *conf,
				  const struct conf_vrrp_instance *c)
{
	struct ctl_buf b = { 0 };
	const struct conf_node *n = top_block(conf, "vrrp_instance", c->name);
	const struct conf_sync_group *g = group_of(conf, c->name);

	if (n)
		node_print(&b, n);
	for (int i = 0; i < c->track_script.n; i++) {
		const struct conf_node *s = top_block(conf, "vrrp_script", c->track_script.v[i].name);
		if (s)
			node_print(&b, s);
	}
	for (int i = 0; i < c->track_file.n; i++) {
		const struct conf_node *f = top_block(conf, "vrrp_track_file", c->track_file.v[i].name);
		if (f)
			node_print(&b, f);
	}
	if (g)
		ctl_printf(&b, "group %s\n", g->name);
	print_vrrp_globals(&b, conf);
	if (b.oom) {
		ctl_buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

/* ---- running commands (notify scripts, vrrp_script) ---- */

/*
 * The user of a script whose line and block name none: global script_user,
 * else keepalived_script when that user exists, else ourselves (root). With
 * enable_script_security and neither user, keepalived 2.2.7 drops the
 * script instead (its manual says root); false says so.
 */
static bool script_user_default(const struct vrrpd *d, const struct conf_cmd *cmd, const char **user,
				const char **group)
{
	if (*user || cmd->argc >= 2)
		return true;
	*user = daemon_default_script_user(&d->conf->global, group);
	return *user || !d->conf->global.enable_script_security;
}

/* The line through the one script runner (core/base/script.c): keepalived's
 * splitting and exec, a line with shell syntax through /bin/sh -c, extra
 * (notify's TYPE NAME STATE PRIORITY) appended as arguments. */
static int spawn_command(struct vrrpd *d, const struct conf_cmd *cmd, const char *const *extra,
			 int nextra, const char *script_user, const char *script_group,
			 uint64_t timeout_ms, struct loop_child *child, loop_child_fn *done, void *arg)
{
	uid_t uid;
	gid_t gid;

	if (!cmd->argv || cmd->argc < 1)
		return -1;
	/* user from the line, else the vrrp_script's, else the default */
	if (!script_user_default(d, cmd, &script_user, &script_group) ||
	    daemon_script_ids(cmd->argc, cmd->argv, script_user, script_group, &uid, &gid) != 0)
		return -1;
	return script_spawn_line(&d->loop, child, cmd->argv[0], extra, nextra, uid, gid, timeout_ms, done,
				 arg) < 0 ? -1 : 0;
}

/*
 * keepalived's script security, checked before a script first runs: one
 * that cannot run (missing, not executable by its user) is refused; one
 * that runs as root from a place others can write to is refused when
 * enable_script_security is set, else it runs with a warning. what names
 * it in the log ("vrrp_script chk", "notify script").
 */
static bool script_allowed(struct vrrpd *d, const struct conf_cmd *cmd, const char *user,
			   const char *group, const char *what)
{
	char why[600];
	uid_t uid;
	gid_t gid;

	if (!cmd->argv || cmd->argc < 1)
		return false;
	if (!script_user_default(d, cmd, &user, &group)) {
		log_err("%s disabled: no script user: enable_script_security, no script_user and no user "
			"keepalived_script", what);
		return false;
	}
	if (daemon_script_ids(cmd->argc, cmd->argv, user, group, &uid, &gid) != 0)
		return false;
	/* every program the line would run, not only its first word */
	int rc = script_line_secure(cmd->argv[0], uid, why, sizeof(why));
	if (rc == SCRIPT_OK)
		return true;
	if (rc == SCRIPT_UNSAFE && !d->conf->global.enable_script_security) {
		log_warn("%s: unsafe: %s (runs anyway: enable_script_security is not set)", what, why);
		return true;
	}
	log_err("%s disabled: %s%s", what, rc == SCRIPT_UNSAFE ? "insecure: " : "", why);
	return false;
}

static void on_notify_done(struct loop *loop, struct loop_child *child, int status)
{
	struct notify_child *nc = (struct notify_child *)child;

	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		log_info("a notify script exited %d", WEXITSTATUS(status));
	nc->d->notifies_running--;
	if (nc->d->stopping && nc->d->notifies_running == 0)
		loop_break(loop);
	free(nc);
}

static void run_notify(struct vrrpd *d, const struct conf_cmd *cmd, const char *const *extra,
		       int nextra)
{
	if (!cmd->argv)
		return;
	if (!script_allowed(d, cmd, NULL, NULL, "notify script"))
		return;
	if (d->notifies_running >= MAX_NOTIFIES) {
		log_warn("%d notify scripts still running, not starting %s", d->notifies_running,
			 cmd->argv[0]);
		return;
	}
	struct notify_child *nc = calloc(1, sizeof(*nc));
	if (!nc)
		return;
	nc->d = d;
	if (spawn_command(d, cmd, extra, nextra, NULL, NULL, NOTIFY_TIMEOUT_MS, &nc->child,
			  on_notify_done, nc) != 0) {
		log_err("cannot run notify script %s", cmd->argv[0]);
		free(nc);
		return;
	}
	d->notifies_running++;
}

/* ---- status output ---- */

static unsigned long inst_drops_total(const struct inst *in)
{
	return in->dropped;
}

static void status_table(void *arg, struct ctl_buf *b)
{
	struct vrrpd *d = arg;
	char addr[INET6_ADDRSTRLEN];

	ctl_printf(b, "%-16s %-7s %-10s %4s %3s %9s %-16s %9s %9s %7s\n", "INSTANCE", "STATE", "INTERFACE",
		   "VRID", "VER", "PRIO/BASE", "MASTER", "SENT", "RECEIVED", "DROPPED");
	for (struct inst *in = d->insts; in; in = in->next) {
		const uint8_t *m = inst_master(in);
		char prio[16];
		snprintf(prio, sizeof(prio), "%u/%d", in->fsm.priority, in->base_priority);
		ctl_printf(b, "%-16s %-7s %-10s %4u %3d %9s %-16s %9lu %9lu %7lu\n", in->name,
			   vrrp_state_names[in->fsm.state], in->ifname, in->conf->vrid, in->version, prio,
			   m ? addr_str(in->family, m, addr, sizeof(addr)) : "-",
			   in->adverts_sent, in->adverts_received, inst_drops_total(in));
		for (int i = 0; i < in->ntrackers; i++) {
			const struct tracker *t = &in->trackers[i];
			const char *st;
			if (t->kind == TRACK_FILE)
				st = "";
			else if ((t->kind == TRACK_INTERFACE ? t->up : t->script->result) == 1)
				st = "up";
			else if (t->kind == TRACK_SCRIPT && t->script->result < 0)
				st = "unknown";
			else
				st = "down";
			if (t->kind == TRACK_FILE)
				ctl_printf(b, "  track %-9s %-20s value %ld weight %d\n", track_kind_names[t->kind],
					   t->name, t->value, t->weight);
			else
				ctl_printf(b, "  track %-9s %-20s %-7s weight %d\n", track_kind_names[t->kind],
					   t->name, st, t->weight);
		}
		for (int r = 1; r < VRRP_DROP_NREASONS; r++)
			if (in->drops[r])
				ctl_printf(b, "  dropped %-14s %lu\n", vrrp_drop_name(r), in->drops[r]);
	}
}

static void tracker_json(struct json *j, const struct tracker *t)
{
	json_object_begin(j);
	json_key_string(j, "type", track_kind_names[t->kind]);
	json_key_string(j, "name", t->name);
	if (t->kind == TRACK_FILE) {
		json_key_int(j, "value", t->value);
	} else {
		int up = t->kind == TRACK_INTERFACE ? t->up : t->script->result;
		if (up < 0)
			json_key_null(j, "up");
		else
			json_key_bool(j, "up", up);
	}
	json_key_int(j, "weight", t->weight);
	json_object_end(j);
}

static void inst_json(struct json *j, const struct inst *in)
{
	const uint8_t *m = inst_master(in);
	char addr[INET6_ADDRSTRLEN];

	json_object_begin(j);
	json_key_string(j, "name", in->name);
	json_key_string(j, "state", vrrp_state_names[in->fsm.state]);
	json_key_string(j, "interface", in->ifname);
	json_key_uint(j, "vrid", in->conf->vrid);
	json_key_int(j, "version", in->version);
	json_key_string(j, "family", in->family == AF_INET6 ? "inet6" : "inet");
	json_key_uint(j, "priority", in->fsm.priority);
	json_key_int(j, "base_priority", in->base_priority);
	json_key_uint(j, "effective_priority", in->fsm.priority);
	json_key_string(j, "master", m ? addr_str(in->family, m, addr, sizeof(addr)) : NULL);
	json_key_uint(j, "master_priority",
		      in->fsm.state == VRRP_STATE_MASTER ? in->fsm.priority : in->fsm.master_priority);
	json_key_uint(j, "advert_int_ms", in->conf->advert_int_ms);
	json_key_uint(j, "master_advert_int_ms", in->fsm.master_adver_int_cs * 10);
	json_key_bool(j, "fault", in->fault_level);
	json_key_bool(j, "unicast", in->unicast);
	json_key_string(j, "vmac", in->vmac_ifindex ? in->vmac_name : NULL);
	json_key_array(j, "vips");
	for (int i = 0; i < in->nvips; i++)
		json_string(j, in->vips[i].text);
	json_array_end(j);
	json_key_array(j, "trackers");
	for (int i = 0; i < in->ntrackers; i++)
		tracker_json(j, &in->trackers[i]);
	json_array_end(j);
	json_key_object(j, "counters");
	json_key_uint(j, "adverts_sent", in->adverts_sent);
	json_key_uint(j, "adverts_received", in->adverts_received);
	json_key_uint(j, "prio0_sent", in->fsm.prio0_sent);
	json_key_uint(j, "prio0_received", in->fsm.prio0_received);
	json_key_uint(j, "transitions", in->fsm.transitions);
	json_key_uint(j, "became_master", in->fsm.became_master);
	json_key_uint(j, "released_master", in->fsm.released_master);
	json_key_uint(j, "master_changes", in->master_changes);
	json_key_uint(j, "dropped", inst_drops_total(in));
	json_object_end(j);
	json_key_object(j, "drops");
	for (int r = 1; r < VRRP_DROP_NREASONS; r++)
		json_key_uint(j, vrrp_drop_name(r), in->drops[r]);
	json_object_end(j);
	json_object_end(j);
}

static void status_json(void *arg, struct ctl_buf *b)
{
	struct vrrpd *d = arg;
	struct json j;

	json_init(&j, b);
	json_object_begin(&j);
	json_key_array(&j, "instances");
	for (struct inst *in = d->insts; in; in = in->next)
		inst_json(&j, in);
	json_array_end(&j);
	json_key_array(&j, "sync_groups");
	for (struct sgroup *g = d->groups; g; g = g->next) {
		json_object_begin(&j);
		json_key_string(&j, "name", g->name);
		json_key_string(&j, "state", vrrp_state_names[g->reported_state]);
		json_key_array(&j, "instances");
		for (int i = 0; i < g->nmembers; i++)
			json_string(&j, g->members[i]->name);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	ctl_puts(b, "\n");
}

/* keepalived's per-instance error counters, each the sum of our drop
 * reasons that keepalived counts under it; its JSON dump and the exporters'
 * keepalived_vrrp_* families both use these names. */
static const struct {
	const char *name, *help;
	enum vrrp_drop drops[2];
} keepalived_drop_stats[] = {
	{ "packet_len_err", "Packet length errors", { VRRP_DROP_TRUNCATED, VRRP_DROP_IP_HEADER } },
	{ "advert_interval_err", "Advertisement interval errors", { VRRP_DROP_INTERVAL } },
	{ "ip_ttl_err", "TTL errors", { VRRP_DROP_TTL } },
	{ "invalid_type_rcvd", "Invalid type errors", { VRRP_DROP_TYPE } },
	{ "addr_list_err", "Address list errors", { VRRP_DROP_ADDR_COUNT, VRRP_DROP_ADDR_MISMATCH } },
	{ "authtype_mismatch", "Authentication mismatch", { VRRP_DROP_AUTH_TYPE } },
	{ "auth_failure", "Authentication failure", { VRRP_DROP_AUTH, VRRP_DROP_AH_SEQ } },
};
#define N_DROP_STATS (sizeof(keepalived_drop_stats) / sizeof(keepalived_drop_stats[0]))

static uint64_t drop_stat(const struct inst *in, size_t stat)
{
	uint64_t n = 0;
	for (int k = 0; k < 2 && keepalived_drop_stats[stat].drops[k]; k++)
		n += in->drops[keepalived_drop_stats[stat].drops[k]];
	return n;
}

/* keepalived's own JSON dump (its SIGJSON file, /tmp/keepalived.json), in
 * the names OpenWrt's LuCI reads through ubus: an array of {"data",
 * "stats"} per instance. Only what vrrpd knows is there; state is
 * keepalived's number (0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT), times are
 * whole seconds since the epoch. */
static void status_keepalived_json(void *arg, struct ctl_buf *b)
{
	struct vrrpd *d = arg;
	struct json j;
	struct timespec now;
	uint64_t mono = loop_now_ms(&d->loop);

	clock_gettime(CLOCK_REALTIME, &now);
	json_init(&j, b);
	json_array_begin(&j);
	for (struct inst *in = d->insts; in; in = in->next) {
		uint64_t ago = mono > in->fsm.state_since_ms ? mono - in->fsm.state_since_ms : 0;
		int state = in->fsm.state <= VRRP_STATE_FAULT ? (int)in->fsm.state : 98;
		json_object_begin(&j);
		json_key_object(&j, "data");
		json_key_string(&j, "iname", in->name);
		json_key_string(&j, "ifp_ifname", in->ifname);
		json_key_string(&j, "vmac_ifname", in->vmac_ifindex ? in->vmac_name : "");
		json_key_uint(&j, "master_priority",
			      in->fsm.state == VRRP_STATE_MASTER ? in->fsm.priority : in->fsm.master_priority);
		json_key_int(&j, "last_transition", (int64_t)now.tv_sec - (int64_t)(ago / 1000));
		json_key_uint(&j, "vrid", in->conf->vrid);
		json_key_int(&j, "base_priority", in->base_priority);
		json_key_uint(&j, "effective_priority", in->fsm.priority);
		json_key_uint(&j, "adver_int", in->conf->advert_int_ms / 1000);
		json_key_uint(&j, "master_adver_int", in->fsm.master_adver_int_cs / 100);
		json_key_int(&j, "state", state);
		json_key_int(&j, "version", in->version);
		json_key_array(&j, "vips");
		for (int i = 0; i < in->nvips; i++)
			json_string(&j, in->vips[i].text);
		json_array_end(&j);
		json_object_end(&j);
		json_key_object(&j, "stats");
		json_key_uint(&j, "advert_rcvd", in->adverts_received);
		json_key_uint(&j, "advert_sent", in->adverts_sent);
		json_key_uint(&j, "become_master", in->fsm.became_master);
		json_key_uint(&j, "release_master", in->fsm.released_master);
		for (size_t s = 0; s < N_DROP_STATS; s++)
			json_key_uint(&j, keepalived_drop_stats[s].name, drop_stat(in, s));
		json_key_uint(&j, "pri_zero_rcvd", in->fsm.prio0_received);
		json_key_uint(&j, "pri_zero_sent", in->fsm.prio0_sent);
		json_object_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	ctl_puts(b, "\n");
}

/*
 * "metrics": the instances in Prometheus text, named as the common
 * keepalived exporters name them (docs/metrics.md): keepalived_vrrp_state
 * per VIP, and the counters with labels name, intf, vrid and state.
 */
static void status_metrics(const struct vrrpd *d, struct ctl_buf *b)
{
	static const struct { const char *name, *help; } fams[] = {
		{ "keepalived_vrrp_advert_rcvd", "Advertisements received" },
		{ "keepalived_vrrp_advert_sent", "Advertisements sent" },
		{ "keepalived_vrrp_become_master", "Became master" },
		{ "keepalived_vrrp_release_master", "Released master" },
		{ "keepalived_vrrp_pri_zero_rcvd", "Priority zero received" },
		{ "keepalived_vrrp_pri_zero_sent", "Priority zero sent" },
	};
	char vrid[8], ip[80];

	prom_family(b, "keepalived_vrrp_state", "gauge", "State of vrrp (0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 4 STOP)");
	for (const struct inst *in = d->insts; in; in = in->next) {
		snprintf(vrid, sizeof(vrid), "%u", (unsigned)in->conf->vrid);
		for (int i = 0; i < in->nvips; i++) {
			snprintf(ip, sizeof(ip), "%s", in->vips[i].text);
			ip[strcspn(ip, " /")] = '\0';
			const char *labels[] = { "iname", in->name, "intf", in->ifname, "vrid", vrid, "ip_address", ip, NULL };
			prom_u64(b, "keepalived_vrrp_state", labels, (uint64_t)in->fsm.state);
		}
	}
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]) + N_DROP_STATS; f++) {
		bool own = f < sizeof(fams) / sizeof(fams[0]);
		char family[64];
		size_t stat = own ? 0 : f - sizeof(fams) / sizeof(fams[0]);
		if (own)
			snprintf(family, sizeof(family), "%s", fams[f].name);
		else
			snprintf(family, sizeof(family), "keepalived_vrrp_%s", keepalived_drop_stats[stat].name);
		prom_family(b, family, "counter", own ? fams[f].help : keepalived_drop_stats[stat].help);
		for (const struct inst *in = d->insts; in; in = in->next) {
			uint64_t v;
			switch (f) {
			case 0: v = in->adverts_received; break;
			case 1: v = in->adverts_sent; break;
			case 2: v = in->fsm.became_master; break;
			case 3: v = in->fsm.released_master; break;
			case 4: v = in->fsm.prio0_received; break;
			case 5: v = in->fsm.prio0_sent; break;
			default: v = drop_stat(in, stat);
			}
			snprintf(vrid, sizeof(vrid), "%u", (unsigned)in->conf->vrid);
			const char *labels[] = { "name", in->name, "intf", in->ifname, "vrid", vrid,
						 "state", vrrp_state_names[in->fsm.state], NULL };
			prom_u64(b, family, labels, v);
		}
	}
}

static void on_ctl_request(const char *command, struct ctl_buf *reply, void *arg)
{
	if (strcmp(command, "keepalived-json") == 0)
		status_keepalived_json(arg, reply);
	else if (strcmp(command, "metrics") == 0)
		status_metrics(arg, reply);
	else
		daemon_ctl_answer(command, reply, arg, status_table, status_json);
}

/* ---- the IPVS sync daemon follows lvs_sync_daemon's instance ---- */

/* As keepalived: master syncs while the instance is master, backup otherwise, none once stopped. */
static int syncd_role(int state)
{
	switch (state) {
	case VRRP_STATE_MASTER: return SYNCD_MASTER;
	case VRRP_STATE_STOP: return SYNCD_NONE;
	default: return SYNCD_BACKUP;
	}
}

/* One vrrpd a process: its sync daemons' retry (core/daemon sits above
 * the engine's struct vrrpd, so it is kept here). */
static struct syncd_keeper syncd_keeper;

/* Brings the sync daemons to the followed instance's state. A reload that
 * drops lvs_sync_daemon stops those this vrrpd ran; one that names no
 * instance hands them to lvsd, which runs master and backup then. */
static void syncd_follow(struct vrrpd *d)
{
	const struct conf_lvs_syncd *sd = &d->conf->global.lvs_syncd;
	const struct inst *in = d->insts;

	while (in && sd->instance && strcmp(in->name, sd->instance))
		in = in->next;
	if (!sd->ifname || !sd->instance || !in) {
		/* lvsd runs them now (no instance named): its own pass replaces ours */
		syncd_keeper_stop(&syncd_keeper);
		if (d->syncd_managed && !sd->ifname)
			syncd_apply(NULL, SYNCD_NONE);
		d->syncd_managed = false;
		return;
	}
	d->syncd_managed = true;
	syncd_keep(&syncd_keeper, sd, syncd_role(in->fsm.state));
}

static void on_state_changed(struct vrrpd *d, const struct inst *in)
{
	const struct conf_lvs_syncd *sd = &d->conf->global.lvs_syncd;

	if (sd->ifname && sd->instance && strcmp(in->name, sd->instance) == 0) {
		d->syncd_managed = true;
		syncd_keep(&syncd_keeper, sd, syncd_role(in->fsm.state));
	}
}

/* ---- max_auto_priority ---- */

/*
 * This timer late by min_auto_priority_delay (1 s) or more: the process did not get the CPU in time
 * (every timer of that moment was as late), so realtime scheduling, one step
 * up each time. Its own lateness counts once per episode, where the worst
 * of all timers would count again for those that fire after the step.
 */
static void on_prio_check(struct loop *loop, struct loop_timer *timer)
{
	struct vrrpd *d = timer->arg;
	uint64_t now = loop_now_ms(loop);
	uint64_t late = now > timer->due_ms ? now - timer->due_ms : 0;
	int next = auto_prio_next(d->auto_prio, d->conf->global.max_auto_priority, late * 1000,
				  d->conf->global.min_auto_priority_delay_us);

	if (next != d->auto_prio) {
		int rc = auto_prio_apply(next);
		if (rc == 0) {
			log_warn("timers ran %llu ms late: realtime priority %d now (max_auto_priority %d)",
				 (unsigned long long)late, next, d->conf->global.max_auto_priority);
			d->auto_prio = next;
		} else {
			log_err("timers ran %llu ms late: cannot take realtime priority %d: %s",
				(unsigned long long)late, next, strerror(-rc));
		}
	}
	loop_timer_arm(loop, timer, AUTO_PRIO_CHECK_MS);
}

/* ---- configuration: start, reload, stop ---- */

static void on_reload(struct loop *loop, int signo, void *arg)
{
	struct vrrpd *d = arg;
	(void)loop;
	(void)signo;

	log_notice("reloading %s", d->conf_path);
	struct conf_keepalived *conf = daemon_reload_read(d->conf_path, DAEMON_READ_NO_SERVERS, NULL);
	if (!conf)
		return;
	if (strict_refusals(conf)) {
		log_err("reload: %s is refused by vrrp_strict, keeping the running config", d->conf_path);
		conf_keepalived_free(conf);
		return;
	}
	struct conf_keepalived *old = d->conf;
	d->conf = conf;
	apply_config(d, old);
	syncd_follow(d);
	log_notice("reloaded %s: %d vrrp_instance(s)", d->conf_path, conf->ninstances);
}

static void on_stop(struct loop *loop, int signo, void *arg)
{
	struct vrrpd *d = arg;

	if (d->stopping) {
		loop_break(loop);
		return;
	}
	log_notice("signal %d: stopping", signo);
	for (struct inst *in = d->insts; in; in = in->next)
		inst_stop(in);
	if (d->notifies_running == 0) {
		loop_break(loop);
		return;
	}
	/* Give the stop notifies a moment; they run on after us if they need more. */
	d->stopping = true;
	loop_timer_arm(loop, &d->stop_timer, STOP_WAIT_MS);
}

/* Notify children still running at exit are left to finish on their own. */
static void forget_notifies(struct vrrpd *d)
{
	struct loop_child *c = d->loop.children, *next;

	for (; c; c = next) {
		next = c->next;
		if (c->done == on_notify_done) {
			loop_timer_cancel(&d->loop, &c->deadline);
			free(c);
		}
	}
	d->loop.children = NULL;
}

/* ---- main ---- */

static void shutdown_all(struct vrrpd *d, struct ctl_server *ctl)
{
	if (d->conf)
		filter_remove(d);
	while (d->insts) {
		struct inst *in = d->insts;
		d->insts = in->next;
		inst_free(in);
	}
	groups_free(d);
	while (d->scripts) {
		struct vscript *s = d->scripts;
		d->scripts = s->next;
		script_free(s);
	}
	ctl_close(ctl);
	if (d->sock4 >= 0)
		close(d->sock4);
	if (d->sock4_ah >= 0)
		close(d->sock4_ah);
	if (d->sock6 >= 0)
		close(d->sock6);
	if (d->garp_fd >= 0)
		close(d->garp_fd);
	rtnl_close(&d->mon);
	rtnl_close(&d->rtnl);
	free(d->rxbuf);
	if (d->conf)
		conf_keepalived_free(d->conf);
	loop_done(&d->loop);
}

int vrrpd_main(int argc, char **argv)
{
	static const struct vrrpd_ops ops = {
		spawn_command, run_notify, script_allowed, script_fingerprint, instance_fingerprint,
		on_state_changed,
	};
	struct vrrpd *d;
	struct ctl_server ctl = { 0 };
	struct daemon_args args = { .conf_path = VRRPD_DEFAULT_CONF, .sock_path = VRRPD_DEFAULT_SOCK };
	const char *conf_path, *pid_path;
	struct opts o;
	char *arg;
	int opt;

	if (opts_start(&o, &vrrpd_cmd, "vrrpd") != 0)
		return 1;
	while ((opt = opts_next(&o, argc, argv, &arg)) != -1) {
		if (daemon_parse_opt(&args, opt, arg))
			continue;
		switch (opt) {
		case 'k': args.client_cmd = "keepalived-json"; break;
		default: return daemon_opt_other(&vrrpd_cmd, opt);
		}
	}
	int end = daemon_args_end("vrrpd", &vrrpd_cmd, &args, argc, argv);
	if (end >= 0)
		return end;
	int rc = daemon_run_once("vrrpd", &args, DAEMON_TEST_VRRP_SCRIPTS);
	if (rc >= 0)
		return rc;
	conf_path = args.conf_path;
	pid_path = args.pid_path;

	log_init("vrrpd", args.log_flags);
	d = calloc(1, sizeof(*d));
	if (!d)
		return 1;
	d->ops = &ops;
	d->conf_path = conf_path;
	d->sock_path = args.sock_path;
	d->pid_path = pid_path;
	d->sock4 = d->sock4_ah = d->sock6 = d->garp_fd = -1;
	syncd_keeper_init(&syncd_keeper, &d->loop);
	d->conf = daemon_read(conf_path, DAEMON_READ_NO_SERVERS, NULL);
	if (!d->conf) {
		log_err("out of memory");
		free(d);
		return 1;
	}
	daemon_log_diags(d->conf->tree);
	if (d->conf->tree->nerrors) {
		log_err("%s: %d error(s), not starting", conf_path, d->conf->tree->nerrors);
		conf_keepalived_free(d->conf);
		free(d);
		return EXIT_CONF_FATAL;
	}
	if (strict_refusals(d->conf)) {
		log_err("%s: refused by vrrp_strict, not starting", conf_path);
		conf_keepalived_free(d->conf);
		free(d);
		return EXIT_CONF_FATAL;
	}
	if (daemon_start_loop(&d->loop, args.foreground, false) != 0)
		return 1;
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	d->rxbuf = malloc(VRRP_PKT_MAX);
	rc = d->rxbuf ? rtnl_open(&d->rtnl, 0) : -1;
	if (rc == 0)
		rc = rtnl_open(&d->mon, RTMGRP_LINK);
	if (rc != 0) {
		log_err("cannot open rtnetlink: %s", strerror(rc < 0 ? -rc : ENOMEM));
		return 1;
	}
	loop_io_init(&d->mon_io, rtnl_fd(&d->mon), on_monitor_readable, d);
	loop_io_watch(&d->loop, &d->mon_io, LOOP_READ);
	if (open_sockets(d) != 0)
		return 1;
	d->garp_fd = garp_open();
	if (d->garp_fd < 0)
		log_warn("no packet socket for gratuitous ARP: %s", strerror(-d->garp_fd));
	static const struct daemon_hooks hooks = { on_ctl_request, on_reload, on_stop };
	daemon_serve(&d->loop, &ctl, args.sock_path, pid_path, &hooks, d);
	loop_timer_init(&d->stop_timer, loop_break_timer, d);
	loop_timer_init(&d->file_timer, on_file_poll, d);
	loop_timer_arm(&d->loop, &d->file_timer, TRACK_FILE_POLL_MS);
	/* looked at whatever the config says, so that a reload can set it */
	loop_timer_init(&d->prio_timer, on_prio_check, d);
	loop_timer_arm(&d->loop, &d->prio_timer, AUTO_PRIO_CHECK_MS);

	log_notice("lvsbox %s vrrpd starting with %s", LVSBOX_VERSION, conf_path);
	apply_config(d, NULL);
	syncd_follow(d);
	rc = loop_run(&d->loop);
	loop_timer_cancel(&d->loop, &d->stop_timer);
	syncd_keeper_stop(&syncd_keeper);
	if (d->syncd_managed)
		syncd_apply(NULL, SYNCD_NONE);
	forget_notifies(d);
	daemon_unserve(&ctl, pid_path);
	shutdown_all(d, &ctl);
	free(d);
	log_notice("stopped");
	return rc == 0 ? 0 : 1;
}
