/*
 * vrrpd.c - the VRRP daemon: floats virtual IP addresses between routers
 * with VRRPv2/v3 (RFC 3768, RFC 5798) from a keepalived-style config.
 *
 * The protocol itself lives in core/vrrp_pkt (codec) and core/vrrp_fsm
 * (state machine, pure). This file is everything around them: the config
 * mapped onto running instances, raw sockets, timers on the event loop,
 * addresses over rtnetlink, gratuitous ARP / neighbour advertisements,
 * trackers (interfaces, scripts, files), sync groups, notify scripts, the
 * control socket, SIGHUP reload and the graceful stop on SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/rtnetlink.h>
#include "applets.h"
#include "conf.h"
#include "ctl.h"
#include "daemon.h"
#include "garp.h"
#include "log.h"
#include "loop.h"
#include "nft.h"
#include "rtnl.h"
#include "vrrp_engine.h"
#include "vrrp_fsm.h"
#include "vrrp_pkt.h"
#include "vrrp_sock.h"

#define VRRPD_DEFAULT_CONF "/etc/lvsbox/lvsbox.conf"
#define VRRPD_DEFAULT_SOCK CTL_DIR "/vrrpd.sock"
#define NOTIFY_TIMEOUT_MS 30000     /* a notify script that hangs is killed */
#define MAX_NOTIFIES 64             /* running at once; more are refused, with a log */
#define TRACK_FILE_POLL_MS 1000
#define STOP_WAIT_MS 2000          /* for notify_stop scripts before exiting */
#define RX_BATCH 64                 /* packets read per wake-up before yielding */

const char vrrpd_usage[] =
	"Usage: vrrpd [-n] [-l] [-D] [-f FILE] [-p PIDFILE] [-S SOCKET]\n"
	"       vrrpd -t [-f FILE]\n"
	"       vrrpd [-S SOCKET] -s | --json\n"
	"VRRP v2/v3 failover of virtual IP addresses (keepalived's vrrp_instance).\n"
	"\n"
	"  -f FILE     config file (default " VRRPD_DEFAULT_CONF ")\n"
	"  -n          stay in the foreground\n"
	"  -l          log to the console instead of syslog\n"
	"  -D          detailed log\n"
	"  -t          check the config and exit: 0 clean, 5 warnings, 6 scripts\n"
	"              without enable_script_security, 3 errors (cannot run)\n"
	"  -p PIDFILE  write the daemon's pid there\n"
	"  -S SOCKET   control socket (default " VRRPD_DEFAULT_SOCK ")\n"
	"  -s          print the running daemon's instances as a table\n"
	"  --json      the same as JSON\n"
	"\n"
	"Signals: HUP reloads the config (unchanged instances are not touched;\n"
	"a config with errors keeps the running one), TERM/INT stop gracefully\n"
	"(masters send priority 0 so a backup takes over at once).\n";

static const char *const track_kind_names[] = { "interface", "script", "file" };

struct notify_child {
	struct loop_child child;
	struct vrrpd *d;
};

/* ---- small helpers ---- */

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
 * keepalived splits a command line at blanks, single quotes keeping blanks
 * inside a word, and execs it. A line written for a shell (pipes, &&,
 * redirections, variables, globs, [ tests ]) only works through /bin/sh,
 * so such a line, and only such a line, goes to /bin/sh -c.
 */
static bool needs_shell(const char *line)
{
	return strpbrk(line, "|&;<>()$`\\\"*?[#~\n") != NULL;
}

/* Appends s single-quoted for /bin/sh. */
static void shell_quote(struct ctl_buf *b, const char *s)
{
	ctl_puts(b, " '");
	for (; *s; s++) {
		if (*s == '\'')
			ctl_puts(b, "'\\''");
		else
			ctl_printf(b, "%c", *s);
	}
	ctl_puts(b, "'");
}

/* Splits line into argv (words stored in words); extra appended. NULL on OOM. */
static char **split_command(const char *line, const char *const *extra, int nextra, char **words)
{
	size_t len = strlen(line);
	char *out = malloc(len + 1);
	char **argv = calloc(len / 2 + 2 + (size_t)nextra, sizeof(*argv));
	int argc = 0;
	char *w = out;

	if (!out || !argv) {
		free(out);
		free(argv);
		return NULL;
	}
	for (const char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		argv[argc++] = w;
		bool quoted = false;
		for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
			if (*p == '\'')
				quoted = !quoted;
			else
				*w++ = *p;
		}
		*w++ = '\0';
	}
	for (int i = 0; i < nextra; i++)
		argv[argc++] = (char *)extra[i];
	argv[argc] = NULL;
	*words = out;
	if (argc == 0) {
		free(out);
		free(argv);
		return NULL;
	}
	return argv;
}

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

static int spawn_command(struct vrrpd *d, const struct conf_cmd *cmd, const char *const *extra,
			 int nextra, const char *script_user, const char *script_group,
			 uint64_t timeout_ms, struct loop_child *child, loop_child_fn *done, void *arg)
{
	uid_t uid;
	gid_t gid;
	char **argv;
	char *words = NULL;
	struct ctl_buf line = { 0 };
	int rc;

	if (!cmd->argv || cmd->argc < 1)
		return -1;
	/* user from the line, else the vrrp_script's, else the default */
	if (!script_user_default(d, cmd, &script_user, &script_group) ||
	    daemon_script_ids(cmd->argc, cmd->argv, script_user, script_group, &uid, &gid) != 0)
		return -1;
	if (needs_shell(cmd->argv[0])) {
		ctl_puts(&line, cmd->argv[0]);
		for (int i = 0; i < nextra; i++)
			shell_quote(&line, extra[i]);
		if (line.oom) {
			ctl_buf_free(&line);
			return -1;
		}
		char *shell_argv[] = { "/bin/sh", "-c", line.data, NULL };
		rc = loop_spawn(&d->loop, child, shell_argv, timeout_ms, uid, gid, done, arg);
		ctl_buf_free(&line);
		return rc;
	}
	argv = split_command(cmd->argv[0], extra, nextra, &words);
	if (!argv)
		return -1;
	rc = loop_spawn(&d->loop, child, argv, timeout_ms, uid, gid, done, arg);
	free(words);
	free(argv);
	return rc;
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
	char first[512], why[600];
	size_t n = 0;
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
	/* the program is the line's first word; single quotes keep blanks in it */
	const char *p = cmd->argv[0] + strspn(cmd->argv[0], " \t");
	for (bool quoted = false; *p && (quoted || (*p != ' ' && *p != '\t')) && n + 1 < sizeof(first); p++) {
		if (*p == '\'')
			quoted = !quoted;
		else
			first[n++] = *p;
	}
	first[n] = '\0';
	int rc = daemon_script_secure(first, uid, why, sizeof(why));
	if (rc == DAEMON_SCRIPT_OK)
		return true;
	if (rc == DAEMON_SCRIPT_UNSAFE && !d->conf->global.enable_script_security) {
		log_warn("%s: unsafe: %s (runs anyway: enable_script_security is not set)", what, why);
		return true;
	}
	log_err("%s disabled: %s%s", what, rc == DAEMON_SCRIPT_UNSAFE ? "insecure: " : "", why);
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

/* notify_<state> then notify with TYPE NAME STATE PRIORITY, as keepalived. */
static void notify_state(struct vrrpd *d, const char *type, const char *name, int state,
			 int priority, const struct conf_cmd *on_master, const struct conf_cmd *on_backup,
			 const struct conf_cmd *on_fault, const struct conf_cmd *on_stop,
			 const struct conf_cmd *on_any)
{
	const struct conf_cmd *specific = NULL;
	char prio[8];

	switch (state) {
	case VRRP_STATE_MASTER: specific = on_master; break;
	case VRRP_STATE_BACKUP: specific = on_backup; break;
	case VRRP_STATE_FAULT: specific = on_fault; break;
	case VRRP_STATE_STOP: specific = on_stop; break;
	default: return;
	}
	if (specific)
		d->ops->run_notify(d, specific, NULL, 0);
	snprintf(prio, sizeof(prio), "%d", priority);
	const char *extra[] = { type, name, vrrp_state_names[state], prio };
	d->ops->run_notify(d, on_any, extra, 4);
}

/* ---- trackers ---- */

static void inst_trackers_changed(struct inst *in);

static void script_schedule(struct vscript *s, uint64_t after_ms)
{
	loop_timer_arm(&s->d->loop, &s->timer, after_ms);
}

static void script_free(struct vscript *s)
{
	loop_timer_cancel(&s->d->loop, &s->timer);
	free(s->name);
	free(s->fingerprint);
	free(s);
}

static void on_script_done(struct loop *loop, struct loop_child *child, int status)
{
	struct vscript *s = child->arg;
	bool ok = !child->timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	int before = s->result;
	(void)loop;

	s->running = false;
	if (s->removed) {
		script_free(s);
		return;
	}
	if (ok) {
		s->fail_run = 0;
		if (s->ok_run < s->conf->rise)
			s->ok_run++;
		if (s->result != 1 && s->ok_run >= s->conf->rise)
			s->result = 1;
	} else {
		s->ok_run = 0;
		if (s->fail_run < s->conf->fall)
			s->fail_run++;
		if (s->result != 0 && s->fail_run >= s->conf->fall)
			s->result = 0;
	}
	if (s->result != before) {
		log_notice("vrrp_script %s: %s", s->name, s->result ? "succeeded" : "failed");
		for (struct inst *in = s->d->insts; in; in = in->next)
			for (int i = 0; i < in->ntrackers; i++)
				if (in->trackers[i].script == s) {
					inst_trackers_changed(in);
					break;
				}
	}
}

static void on_script_due(struct loop *loop, struct loop_timer *timer)
{
	struct vscript *s = timer->arg;
	const struct conf_vrrp_script *c = s->conf;
	(void)loop;

	script_schedule(s, c->interval_ms ? c->interval_ms : 1000);
	if (s->running)
		return;   /* still busy from last time: its timeout will end it */
	unsigned timeout = c->timeout_ms ? c->timeout_ms : c->interval_ms;
	if (s->d->ops->spawn(s->d, &c->script, NULL, 0, c->user, c->group, timeout, &s->child,
			  on_script_done, s) == 0)
		s->running = true;
	else
		log_err("vrrp_script %s: cannot run", s->name);
}

static struct vscript *script_find(struct vrrpd *d, const char *name)
{
	for (struct vscript *s = d->scripts; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Reads a tracked file's number; a missing or unreadable file counts as 0. */
static long read_track_file(const char *path)
{
	char buf[32];
	long v = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		v = strtol(buf, NULL, 10);
	}
	return v;
}

/* Effective priority and fault from every tracker, as keepalived weighs them:
 * weight 0 turns a failure into FAULT; a negative weight is added while
 * failing, a positive one while up; a file's number is multiplied by its weight. */
static void inst_evaluate(const struct inst *in, int *priority, bool *fault)
{
	int prio = in->base_priority;
	bool changed = false;

	*fault = !in->conf->dont_track_primary && !in->iface_up;
	if (!in->have_primary && !in->unicast)
		*fault = true;
	for (int i = 0; i < in->ntrackers; i++) {
		const struct tracker *t = &in->trackers[i];
		int up;
		if (t->kind == TRACK_FILE) {
			if (t->weight == 0) {
				if (t->value != 0)
					*fault = true;
			} else if (t->value) {
				prio += (int)(t->value * t->weight);
				changed = true;
			}
			continue;
		}
		up = t->kind == TRACK_INTERFACE ? t->up : t->script->result;
		if (up < 0)
			continue;
		if (!up && t->weight == 0)
			*fault = true;
		else if (!up && t->weight < 0)
			prio += t->weight, changed = true;
		else if (up && t->weight > 0)
			prio += t->weight, changed = true;
	}
	if (changed) {
		if (prio < 1)
			prio = 1;
		if (prio > 254)
			prio = 254;
	}
	*priority = prio;
}

/* ---- the instance and its state machine ---- */

static void inst_event(struct inst *in, const struct vrrp_event *ev);
static void vmac_set_up(struct inst *in, bool up);

static void group_follow(struct inst *from, int new_state);

static void inst_send_advert(struct inst *in, int priority)
{
	struct vrrpd *d = in->d;
	uint8_t buf[VRRP_PKT_MAX];
	static const uint8_t group4[4] = { 224, 0, 0, 18 };
	static const uint8_t group6[16] = { 0xff, 0x02, [15] = 0x12 };
	int ndst = in->unicast ? in->npeers : 1;

	if (!in->have_primary || !in->send_ifindex)
		return;
	for (int i = 0; i < ndst; i++) {
		const uint8_t *dst = in->unicast ? in->peers[i] : (in->family == AF_INET ? group4 : group6);
		struct vrrp_send s = {
			.version = in->version,
			.family = in->family,
			.vrid = (uint8_t)in->conf->vrid,
			.priority = (uint8_t)priority,
			.adver_int_cs = in->conf->advert_int_ms / 10,
			.addrs = in->advert_addrs,
			.naddrs = in->nadvert_addrs,
			.auth_type = in->version == 2 ? in->auth_type : VRRP_AUTH_NONE,
			.auth_pass = in->conf->auth_pass,
			.unicast = in->unicast,
		};
		int len, rc;
		memcpy(s.src, in->primary, addr_len(in->family));
		memcpy(s.dst, dst, addr_len(in->family));
		if (in->family == AF_INET) {
			if (++in->ip_id == 0)
				in->ip_id = 1;
			s.ip_id = in->ip_id;
			if (s.auth_type == VRRP_AUTH_AH) {
				s.ah_spi = (uint32_t)in->primary[0] << 24 | (uint32_t)in->primary[1] << 16 |
					   (uint32_t)in->primary[2] << 8 | in->primary[3];
				s.ah_seq = ++in->ah_seq_out;
			}
			len = vrrp_build_ip4(&s, buf, sizeof(buf));
			rc = len < 0 ? -ENOBUFS : vrrp_sock_send4(d->sock4, in->send_ifindex, dst, buf, (size_t)len);
		} else {
			len = vrrp_build_msg(&s, buf, sizeof(buf));
			rc = len < 0 ? -ENOBUFS : vrrp_sock_send6(d->sock6, in->ifindex, in->primary, dst, buf, (size_t)len);
		}
		if (rc == 0) {
			in->adverts_sent++;
			in->send_error_logged = false;
		} else if (!in->send_error_logged) {
			log_err("(%s) cannot send advert: %s", in->name, strerror(-rc));
			in->send_error_logged = true;
		}
	}
}

static int vip_ifindex(const struct inst *in, const struct vip *v)
{
	if (v->dev[0])
		return (int)if_nametoindex(v->dev);
	return in->vmac_ifindex ? in->vmac_ifindex : in->ifindex;
}

/* The VIP filter follows the addresses: in its set while master, out otherwise. */
static void inst_filter(struct inst *in, bool add)
{
	struct vrrpd *d = in->d;
	bool changed = false;

	if (!in->filtered)
		return;
	for (int i = 0; i < in->nvips; i++) {
		const struct vip *v = &in->vips[i];
		if (!d->filter_on[v->ra.family == AF_INET6])
			continue;
		int rc = nft_vip_update(d->filter.name, v->ra.family, v->ra.addr, v->ra.ifindex, add);
		if (rc == 0)
			changed = true;
		else
			log_err("(%s) VIP filter: cannot %s %s: %s", in->name, add ? "add" : "remove", v->text,
				strerror(-rc));
	}
	if (changed)
		log_info("(%s) VIP filter %s", in->name,
			 add ? "on: traffic to and from its addresses is dropped" : "off");
}

static void inst_vips(struct inst *in, bool add)
{
	for (int i = 0; i < in->nvips; i++) {
		struct vip *v = &in->vips[i];
		v->ra.ifindex = vip_ifindex(in, v);
		if (!v->ra.ifindex) {
			log_err("(%s) %s: no interface %s", in->name, v->text,
				v->dev[0] ? v->dev : in->ifname);
			continue;
		}
		int rc = add ? rtnl_addr_add(&in->d->rtnl, &v->ra) : rtnl_addr_del(&in->d->rtnl, &v->ra);
		if (rc == 0)
			log_info("(%s) %s %s", in->name, add ? "added" : "removed", v->text);
		else if (!(add && rc == -EEXIST) && !(!add && rc == -EADDRNOTAVAIL))
			log_err("(%s) cannot %s %s: %s", in->name, add ? "add" : "remove", v->text,
				strerror(-rc));
	}
	inst_filter(in, add);
}

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The pacing slot of one interface and family; NULL when the table is full
 * (that interface is then not paced). */
static uint64_t *garp_pace_slot(struct vrrpd *d, int ifindex, int family)
{
	int i;

	for (i = 0; i < d->npace && d->pace[i].ifindex != ifindex; i++)
		;
	if (i == d->npace) {
		if (d->npace == MAX_GARP_PACE)
			return NULL;
		d->npace++;
		memset(&d->pace[i], 0, sizeof(d->pace[i]));
		d->pace[i].ifindex = ifindex;
	}
	return &d->pace[i].next_us[family == AF_INET6];
}

/*
 * Sends what is left of the burst, one frame per VIP and round. With
 * vrrp_garp_interval (ARP) or vrrp_gna_interval (NA) set, frames on one
 * interface leave at least that far apart, whichever instance sends them:
 * the rest waits on a timer, the loop never sleeps.
 */
static void inst_garp_pump(struct inst *in)
{
	struct vrrpd *d = in->d;
	unsigned char frame[GARP_NA_LEN];

	while (in->garp_left > 0) {
		if (in->fsm.state != VRRP_STATE_MASTER || d->garp_fd < 0 || in->nvips == 0) {
			in->garp_left = 0;
			return;
		}
		struct vip *v = &in->vips[in->garp_pos % (unsigned)in->nvips];
		int ifindex = v->ra.ifindex ? v->ra.ifindex : vip_ifindex(in, v);
		unsigned gap_ms = v->ra.family == AF_INET ? d->conf->global.vrrp_garp_interval_ms
			       : d->conf->global.vrrp_gna_interval_ms;
		uint64_t *next = gap_ms && ifindex ? garp_pace_slot(d, ifindex, v->ra.family) : NULL;
		uint64_t now = mono_us();
		if (next && *next > now) {
			loop_timer_arm(&d->loop, &in->garp_pace_timer, (*next - now + 999) / 1000);
			return;
		}
		size_t len = v->ra.family == AF_INET
			? garp_build_arp(frame, sizeof(frame), in->mac, v->ra.addr)
			: garp_build_na(frame, sizeof(frame), in->mac, v->ra.addr);
		if (len && ifindex) {
			garp_send(d->garp_fd, ifindex, frame, len);
			if (next)
				*next = mono_us() + (uint64_t)gap_ms * 1000u;
		}
		in->garp_pos++;
		in->garp_left--;
	}
}

static void on_garp_pace(struct loop *loop, struct loop_timer *timer)
{
	(void)loop;
	inst_garp_pump(timer->arg);
}

/* A new burst of rounds x VIPs replaces what is left of the last one. */
static void inst_garp_send(struct inst *in, unsigned rounds)
{
	loop_timer_cancel(&in->d->loop, &in->garp_pace_timer);
	in->garp_left = rounds * (unsigned)in->nvips;
	in->garp_pos = 0;
	inst_garp_pump(in);
}

static void on_garp_due(struct loop *loop, struct loop_timer *timer)
{
	struct inst *in = timer->arg;
	unsigned repeat = in->garp_repeat ? in->garp_repeat : 1;

	if (in->fsm.state != VRRP_STATE_MASTER)
		return;
	if (in->garp_round <= 1)
		inst_garp_send(in, repeat);
	else
		inst_garp_send(in, in->garp_refresh_repeat ? in->garp_refresh_repeat : 1);
	in->garp_round++;
	if (in->garp_round == 1 && in->garp_delay_ms)
		loop_timer_arm(loop, &in->garp_timer, in->garp_delay_ms);
	else if (in->garp_refresh_ms)
		loop_timer_arm(loop, &in->garp_timer, in->garp_refresh_ms);
}

static void on_lower_prio_due(struct loop *loop, struct loop_timer *timer)
{
	struct inst *in = timer->arg;

	(void)loop;
	inst_garp_send(in, in->garp_lower_prio_repeat);
}

/*
 * keepalived's answer to a lower-priority master: garp_lower_prio_repeat
 * rounds at once and again after garp_lower_prio_delay, so that hosts that
 * followed the other master's GARPs come back. While a delayed round is
 * pending another advert does not postpone it.
 */
static void inst_lower_prio_garp(struct inst *in)
{
	if (!in->garp_lower_prio_repeat)
		return;
	inst_garp_send(in, in->garp_lower_prio_repeat);
	if (in->garp_lower_prio_delay_ms && !loop_timer_armed(&in->lower_prio_timer))
		loop_timer_arm(&in->d->loop, &in->lower_prio_timer, in->garp_lower_prio_delay_ms);
}

static void inst_garp_start(struct inst *in)
{
	in->garp_round = 0;
	on_garp_due(&in->d->loop, &in->garp_timer);
}

static void on_inst_timer(struct loop *loop, struct loop_timer *timer)
{
	struct inst *in = timer->arg;
	struct vrrp_event ev = { .kind = VRRP_EV_TIMER, .timer = (int)(timer - in->timers) };
	uint64_t due = in->fsm.timer_at[ev.timer], now = loop_now_ms(loop);

	/* The loop counts whole milliseconds and may fire a hair early; the
	 * machine would take that as stale, so wait the rest. */
	if (due && now < due) {
		loop_timer_arm(loop, timer, due - now);
		return;
	}
	if (ev.timer == VRRP_TIMER_MASTER_DOWN)
		memset(&in->ah_replay, 0, sizeof(in->ah_replay));
	inst_event(in, &ev);
}

static void inst_apply(struct inst *in, const struct vrrp_actions *acts)
{
	struct loop *loop = &in->d->loop;

	for (int i = 0; i < acts->n; i++) {
		const struct vrrp_action *a = &acts->v[i];
		switch (a->kind) {
		case VRRP_ACT_SEND_ADVERT:
			inst_send_advert(in, a->arg);
			break;
		case VRRP_ACT_VIPS_ADD:
			inst_vips(in, true);
			break;
		case VRRP_ACT_VIPS_DEL:
			inst_vips(in, false);
			break;
		case VRRP_ACT_GARP:
			inst_garp_start(in);
			break;
		case VRRP_ACT_NOTIFY:
			notify_state(in->d, "INSTANCE", in->name, a->arg, in->fsm.priority,
				     &in->conf->notify_master, &in->conf->notify_backup,
				     &in->conf->notify_fault, &in->conf->notify_stop, &in->conf->notify);
			break;
		case VRRP_ACT_TIMER_ARM:
			if (a->arg >= 0 && a->arg < VRRP_NTIMERS) {
				uint64_t now = loop_now_ms(loop);
				loop_timer_arm(loop, &in->timers[a->arg], a->at_ms > now ? a->at_ms - now : 0);
			}
			break;
		case VRRP_ACT_TIMER_STOP:
			if (a->arg >= 0 && a->arg < VRRP_NTIMERS)
				loop_timer_cancel(loop, &in->timers[a->arg]);
			break;
		case VRRP_ACT_LOWER_PRIO:
			log_info("(%s) advert with lower priority %d, ours %d%s", in->name, a->arg,
				 in->fsm.priority, in->fsm.cfg.lower_prio_advert ? ", answered" : "");
			inst_lower_prio_garp(in);
			/* the other members of a sync group refresh their VIPs too */
			for (int m = 0; in->group && m < in->group->nmembers; m++)
				if (in->group->members[m] != in)
					inst_lower_prio_garp(in->group->members[m]);
			break;
		default:
			break;
		}
	}
}

static const uint8_t *inst_master(const struct inst *in)
{
	if (in->fsm.state == VRRP_STATE_MASTER)
		return in->primary;
	if (in->fsm.state == VRRP_STATE_BACKUP && !addr_is_zero(in->fsm.master_ip, in->family))
		return in->fsm.master_ip;
	return NULL;
}

static void inst_event(struct inst *in, const struct vrrp_event *ev)
{
	struct vrrp_actions acts;
	int before = in->fsm.state;
	uint64_t now = loop_now_ms(&in->d->loop);

	if (vrrp_fsm_event(&in->fsm, ev, now ? now : 1, &acts) < 0)
		return;
	if (in->fsm.state == VRRP_STATE_MASTER && before != VRRP_STATE_MASTER)
		memset(&in->ah_replay, 0, sizeof(in->ah_replay));
	/* The VMAC must be up before the first advert and GARP leave from it,
	 * and stays up until the priority-0 advert is out and the VIPs gone. */
	if (in->fsm.state == VRRP_STATE_MASTER)
		vmac_set_up(in, true);
	inst_apply(in, &acts);
	if (in->fsm.state != VRRP_STATE_MASTER)
		vmac_set_up(in, false);
	const uint8_t *master = inst_master(in);
	if (master && memcmp(master, in->last_master, addr_len(in->family)) != 0) {
		in->master_changes++;
		memcpy(in->last_master, master, addr_len(in->family));
	}
	if (in->fsm.state != before) {
		log_notice("(%s) %s -> %s (%s)", in->name, vrrp_state_names[before],
			   vrrp_state_names[in->fsm.state], vrrp_event_names[ev->kind]);
		group_follow(in, in->fsm.state);
	}
}

/* ---- sync groups ---- */

static void group_notify(struct sgroup *g, int state)
{
	if (g->reported_state == state)
		return;
	g->reported_state = state;
	log_notice("sync group %s: %s", g->name, vrrp_state_names[state]);
	notify_state(g->members[0]->d, "GROUP", g->name, state, 0, &g->conf->notify_master,
		     &g->conf->notify_backup, &g->conf->notify_fault, &g->conf->notify_stop,
		     &g->conf->notify);
}

/* Members move together: one becoming master pulls the others up, one
 * leaving master takes them down, one in fault faults them all. */
static void group_follow(struct inst *from, int new_state)
{
	struct sgroup *g = from->group;
	struct vrrpd *d = from->d;

	if (!g)
		return;
	if (!d->propagating) {
		d->propagating = true;
		for (int i = 0; i < g->nmembers; i++) {
			struct inst *m = g->members[i];
			if (m == from || m->fsm.state == new_state || m->fsm.state == VRRP_STATE_INIT ||
			    m->fsm.state == VRRP_STATE_STOP)
				continue;
			struct vrrp_event ev = { 0 };
			if (new_state == VRRP_STATE_MASTER)
				ev.kind = VRRP_EV_GROUP_MASTER;
			else if (new_state == VRRP_STATE_BACKUP && m->fsm.state == VRRP_STATE_MASTER)
				ev.kind = VRRP_EV_GROUP_BACKUP;
			else
				continue;
			inst_event(m, &ev);
		}
		d->propagating = false;
	}
	if (new_state != VRRP_STATE_INIT)
		group_notify(g, new_state);
}

static void group_update_faults(struct sgroup *g);

/* Recomputes priority and fault, tells the machine what changed. */
static void inst_trackers_changed(struct inst *in)
{
	int prio;
	bool fault;

	inst_evaluate(in, &prio, &fault);
	in->own_fault = fault;
	if (in->group) {
		group_update_faults(in->group);
		return;
	}
	if (in->fsm.state == VRRP_STATE_INIT || in->fsm.state == VRRP_STATE_STOP)
		return;
	if (prio != in->fsm.priority) {
		struct vrrp_event ev = { .kind = VRRP_EV_PRIORITY, .priority = (uint8_t)prio };
		log_info("(%s) priority %d -> %d", in->name, in->fsm.priority, prio);
		inst_event(in, &ev);
	}
	if ((int)fault != in->fault_level) {
		struct vrrp_event ev = { .kind = fault ? VRRP_EV_FAULT_ON : VRRP_EV_FAULT_OFF };
		in->fault_level = fault;
		inst_event(in, &ev);
	}
}

static void group_update_faults(struct sgroup *g)
{
	bool any = false;

	for (int i = 0; i < g->nmembers; i++)
		any |= g->members[i]->own_fault;
	for (int i = 0; i < g->nmembers; i++) {
		struct inst *m = g->members[i];
		int prio;
		bool fault;
		if (m->fsm.state == VRRP_STATE_INIT || m->fsm.state == VRRP_STATE_STOP)
			continue;
		inst_evaluate(m, &prio, &fault);
		if (prio != m->fsm.priority) {
			struct vrrp_event ev = { .kind = VRRP_EV_PRIORITY, .priority = (uint8_t)prio };
			inst_event(m, &ev);
		}
		if ((int)any != m->fault_level) {
			struct vrrp_event ev = { .kind = any ? VRRP_EV_FAULT_ON : VRRP_EV_FAULT_OFF };
			m->fault_level = any;
			inst_event(m, &ev);
		}
	}
}

/* ---- instance setup ---- */

static bool primary_from_interface(struct inst *in)
{
	struct ifaddrs *list, *ifa;
	bool found = false;

	if (getifaddrs(&list) != 0)
		return false;
	for (ifa = list; ifa && !found; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != in->family ||
		    strcmp(ifa->ifa_name, in->ifname) != 0)
			continue;
		const uint8_t *a = in->family == AF_INET
			? (const uint8_t *)&((struct sockaddr_in *)ifa->ifa_addr)->sin_addr
			: (const uint8_t *)&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
		if (in->family == AF_INET6 && !(a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
			continue;   /* RFC 5798 5.1.2.1: IPv6 adverts come from the link-local address */
		bool is_vip = false;
		for (int i = 0; i < in->nvips; i++)
			if (in->vips[i].ra.family == in->family &&
			    memcmp(in->vips[i].ra.addr, a, addr_len(in->family)) == 0)
				is_vip = true;
		if (is_vip)
			continue;
		memcpy(in->primary, a, addr_len(in->family));
		found = true;
	}
	freeifaddrs(list);
	return found;
}

static void inst_resolve_primary(struct inst *in)
{
	const struct conf_ip *src = in->conf->unicast_src_ip.family ? &in->conf->unicast_src_ip
				  : in->conf->mcast_src_ip.family ? &in->conf->mcast_src_ip : NULL;

	if (src && src->family == in->family) {
		memcpy(in->primary, src->addr, addr_len(in->family));
		in->have_primary = true;
		return;
	}
	if (!in->have_primary)
		in->have_primary = primary_from_interface(in);
}

static void inst_read_link(struct inst *in)
{
	struct rtnl_link link;

	if (rtnl_link_get(&in->d->rtnl, 0, in->ifname, &link) != 0) {
		in->ifindex = 0;
		in->iface_up = false;
		return;
	}
	in->ifindex = link.ifindex;
	in->iface_up = rtnl_link_usable(&link);
	if (!in->vmac_ifindex && link.has_mac)
		memcpy(in->mac, link.mac, 6);
}

static int add_vip(struct inst *in, const struct conf_vip *cv, bool excluded)
{
	struct vip *v = &in->vips[in->nvips];

	memset(v, 0, sizeof(*v));
	v->excluded = excluded;
	v->ra.family = cv->addr.family;
	memcpy(v->ra.addr, cv->addr.addr, 16);
	v->ra.prefix = cv->prefix;
	if (cv->dev)
		snprintf(v->dev, sizeof(v->dev), "%s", cv->dev);
	if (cv->label) {
		snprintf(v->label, sizeof(v->label), "%s", cv->label);
		v->ra.label = v->label;
	}
	if (cv->scope) {
		int scope = rtnl_scope_parse(cv->scope);
		if (scope < 0) {
			log_err("%s:%d: unknown scope '%s'", cv->file ? cv->file : "?", cv->line, cv->scope);
			return -1;
		}
		v->ra.scope = scope;
	}
	if (cv->brd.family == AF_INET) {
		v->ra.has_brd = true;
		memcpy(v->ra.brd, cv->brd.addr, 4);
	}
	char a[INET6_ADDRSTRLEN];
	addr_str(v->ra.family, v->ra.addr, a, sizeof(a));
	if (cv->prefix >= 0)
		snprintf(v->text, sizeof(v->text), "%s/%d", a, cv->prefix & 0xff);
	else
		snprintf(v->text, sizeof(v->text), "%s", a);
	in->nvips++;
	return 0;
}

static int add_tracker(struct inst *in, int kind, const struct conf_track *t)
{
	struct vrrpd *d = in->d;
	struct tracker *tr = &in->trackers[in->ntrackers];

	memset(tr, 0, sizeof(*tr));
	tr->kind = kind;
	snprintf(tr->name, sizeof(tr->name), "%s", t->name);
	tr->weight = t->has_weight ? t->weight : 0;
	if (kind == TRACK_SCRIPT) {
		tr->script = script_find(d, t->name);
		if (!tr->script) {
			log_warn("(%s) track_script %s: no such vrrp_script, ignored", in->name, t->name);
			return 0;
		}
		if (tr->script->disabled) {
			/* as keepalived: a refused script is dropped, its weight never counts */
			log_warn("(%s) track_script %s is disabled, not tracked", in->name, t->name);
			return 0;
		}
		if (!t->has_weight)
			tr->weight = tr->script->conf->weight;
	} else if (kind == TRACK_FILE) {
		const struct conf_node *n = top_block(d->conf, "vrrp_track_file", t->name);
		const struct conf_node *file = n ? conf_child(n, "file") : NULL;
		const struct conf_node *weight = n ? conf_child(n, "weight") : NULL;
		tr->path = xstrdup(file && file->nargs ? file->args[0] : t->name);
		if (!tr->path)
			return -1;
		tr->weight = t->has_weight ? t->weight
			   : weight && weight->nargs ? atoi(weight->args[0]) : 1;
		tr->value = read_track_file(tr->path);
	} else {
		struct rtnl_link link;
		if (rtnl_link_get(&d->rtnl, 0, t->name, &link) == 0) {
			tr->ifindex = link.ifindex;
			tr->up = rtnl_link_usable(&link);
		}
	}
	in->ntrackers++;
	return 0;
}

static void inst_free(struct inst *in)
{
	struct loop *loop = &in->d->loop;

	for (int i = 0; i < VRRP_NTIMERS; i++)
		loop_timer_cancel(loop, &in->timers[i]);
	loop_timer_cancel(loop, &in->garp_timer);
	loop_timer_cancel(loop, &in->garp_pace_timer);
	loop_timer_cancel(loop, &in->lower_prio_timer);
	for (int i = 0; i < in->ntrackers; i++)
		free(in->trackers[i].path);
	free(in->trackers);
	free(in->vips);
	free(in->advert_addrs);
	free(in->peers);
	free(in->fingerprint);
	free(in->name);
	free(in);
}

/* keepalived's vrrp_strict, or the instance's own "strict_mode [on|off]". */
static bool conf_strict(const struct conf_keepalived *conf, const struct conf_vrrp_instance *c)
{
	const struct conf_node *n = top_block(conf, "vrrp_instance", c->name);
	const struct conf_node *mode = n ? conf_child(n, "strict_mode") : NULL;

	if (!mode)
		return conf->global.vrrp_strict != 0;
	if (mode->nargs < 1)
		return true;
	return strcmp(mode->args[0], "on") == 0 || strcmp(mode->args[0], "true") == 0 ||
	       strcmp(mode->args[0], "yes") == 0;
}

/*
 * What vrrp_strict refuses outright, as keepalived 2.2.7 does (its VRRP
 * process does not start): an instance without virtual addresses. Each is
 * logged; returns how many. Unicast peers are forbidden by its manual too,
 * but 2.2.7 checks before it knows the instance is unicast and runs it:
 * configs that work there must work here, so that is only logged.
 */
static int strict_refusals(const struct conf_keepalived *conf)
{
	int bad = 0;

	for (int i = 0; i < conf->ninstances; i++) {
		const struct conf_vrrp_instance *c = &conf->instances[i];
		if (!conf_strict(conf, c))
			continue;
		if (c->unicast_peers.n)
			log_err("%s:%d: (%s) vrrp_strict forbids unicast peers; running unicast anyway, "
				"as keepalived 2.2.7 does", c->file, c->line, c->name);
		if (!c->vips.n) {
			log_err("%s:%d: (%s) vrrp_strict needs at least one virtual_ipaddress", c->file, c->line,
				c->name);
			bad++;
		}
	}
	return bad;
}

/* The rest of vrrp_strict corrects the instance and says so, as keepalived. */
static void inst_apply_strict(struct inst *in, const struct conf_vrrp_instance *c)
{
	bool owner = c->priority == 255;

	if (in->want_master != owner) {
		log_err("%s:%d: (%s) vrrp_strict: state MASTER goes with priority 255 only; using state %s",
			c->file, c->line, c->name, owner ? "MASTER" : "BACKUP");
		in->want_master = owner;
	}
	if (in->auth_type != CONF_AUTH_NONE) {
		log_err("%s:%d: (%s) vrrp_strict: authentication is not allowed, ignored", c->file, c->line,
			c->name);
		in->auth_type = CONF_AUTH_NONE;
	}
	if (in->preempt_delay_ms) {
		log_err("%s:%d: (%s) vrrp_strict: preempt_delay is not allowed, ignored", c->file, c->line,
			c->name);
		in->preempt_delay_ms = 0;
	}
	if (in->family == AF_INET6 && c->vips.n &&
	    !(c->vips.v[0].addr.addr[0] == 0xfe && (c->vips.v[0].addr.addr[1] & 0xc0) == 0x80))
		log_err("%s:%d: (%s) vrrp_strict: the first IPv6 virtual address must be link-local",
			c->file, c->line, c->name);
	if (c->accept_mode == CONF_ACCEPT_ON && in->version == 2 && c->priority != 255)
		log_err("%s:%d: (%s) vrrp_strict: accept mode is not in VRRPv2 (RFC 3768), ignored",
			c->file, c->line, c->name);
}

/*
 * RFC 5798's Accept_Mode, as keepalived 2.2.7 settles it: off with
 * no_accept, or under vrrp_strict unless "accept" (VRRPv3 only); always
 * on for the address owner (priority 255).
 */
static bool inst_no_accept(const struct inst *in, const struct conf_vrrp_instance *c)
{
	if (c->priority == 255)
		return false;
	if (c->accept_mode == CONF_ACCEPT_OFF)
		return true;
	return in->strict && (c->accept_mode == CONF_ACCEPT_UNSET || in->version == 2);
}

/* vrrp_strict: no lower-priority GARPs and no answering advert; only
 * what the instance asked for itself is an error, as in keepalived. */
static void inst_strict_lower_prio(struct inst *in, const struct conf_keepalived *conf,
				   const struct conf_vrrp_instance *c)
{
	static const char *const keywords[] = { "garp_lower_prio_repeat", "garp_lower_prio_delay",
						 "lower_prio_no_advert" };
	const struct conf_node *n = top_block(conf, "vrrp_instance", c->name);

	for (size_t i = 0; n && i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		const struct conf_node *k = conf_child(n, keywords[i]);
		bool conflicts = i < 2 ? (i == 0 ? c->garp_lower_prio_repeat : c->garp_lower_prio_delay_ms) != 0
				       : !c->lower_prio_no_advert;
		if (k && conflicts)
			log_err("%s:%d: (%s) vrrp_strict: %s is not allowed, ignored", k->file, k->line,
				c->name, keywords[i]);
	}
	in->garp_lower_prio_repeat = 0;
	in->garp_lower_prio_delay_ms = 0;
	in->lower_prio_advert = false;
}

static struct inst *inst_create(struct vrrpd *d, const struct conf_vrrp_instance *c)
{
	struct inst *in = calloc(1, sizeof(*in));
	int nvips = c->vips.n + c->vips_excluded.n;
	int ntrack = c->track_interface.n + c->track_script.n + c->track_file.n;

	if (!in)
		return NULL;
	in->d = d;
	in->conf = c;
	in->parent_arp_ignore = in->parent_arp_filter = -1;
	in->name = xstrdup(c->name);
	in->fingerprint = d->ops->instance_fingerprint(d->conf, c);
	in->vips = calloc((size_t)nvips + 1, sizeof(*in->vips));
	in->trackers = calloc((size_t)ntrack + 1, sizeof(*in->trackers));
	in->advert_addrs = calloc((size_t)c->vips.n + 1, 16);
	in->peers = calloc((size_t)c->unicast_peers.n + 1, sizeof(*in->peers));
	if (!in->name || !in->fingerprint || !in->vips || !in->trackers || !in->advert_addrs || !in->peers)
		goto fail;
	const char *ifname = c->interface ? c->interface : d->conf->global.default_interface;
	if (!ifname || strlen(ifname) >= IF_NAMESIZE) {
		log_err("%s:%d: vrrp_instance %s: no usable interface", c->file, c->line, c->name);
		goto fail;
	}
	strcpy(in->ifname, ifname);

	/* The family is the first virtual address's, as keepalived decides it. */
	in->family = c->vips.n ? c->vips.v[0].addr.family
		   : c->unicast_src_ip.family ? c->unicast_src_ip.family : AF_INET;
	in->version = (int)(c->version ? c->version : d->conf->global.vrrp_version);
	if (in->version != 3)
		in->version = 2;
	in->strict = conf_strict(d->conf, c);
	if (in->family == AF_INET6 && in->version == 2) {
		log_msg(in->strict ? LOG_ERR : LOG_WARNING, "%s:%d: (%s) IPv6 needs VRRPv3, using version 3",
			c->file, c->line, c->name);
		in->version = 3;
	}
	in->auth_type = c->auth_type;
	in->want_master = c->state == CONF_STATE_MASTER;
	in->preempt_delay_ms = c->preempt_delay_ms;
	if (in->strict)
		inst_apply_strict(in, c);
	in->garp_delay_ms = c->garp_master_delay_ms;
	in->garp_repeat = c->garp_master_repeat;
	in->garp_refresh_ms = c->garp_master_refresh_ms;
	in->garp_refresh_repeat = c->garp_master_refresh_repeat;
	in->garp_lower_prio_delay_ms = c->garp_lower_prio_delay_ms;
	in->garp_lower_prio_repeat = c->garp_lower_prio_repeat;
	in->lower_prio_advert = !c->lower_prio_no_advert;
	if (in->strict)
		inst_strict_lower_prio(in, d->conf, c);
	in->filtered = inst_no_accept(in, c);
	for (int i = 0; i < c->vips.n; i++)
		if (add_vip(in, &c->vips.v[i], false) != 0)
			goto fail;
	for (int i = 0; i < c->vips_excluded.n; i++)
		if (add_vip(in, &c->vips_excluded.v[i], true) != 0)
			goto fail;
	for (int i = 0; i < c->vips.n; i++) {
		const struct conf_ip *a = &c->vips.v[i].addr;
		if (a->family != in->family) {
			log_warn("(%s) %s address in a %s instance left out of adverts", c->name,
				 a->family == AF_INET6 ? "IPv6" : "IPv4",
				 in->family == AF_INET6 ? "IPv6" : "IPv4");
			continue;
		}
		memcpy(in->advert_addrs + (size_t)in->nadvert_addrs * addr_len(in->family), a->addr,
		       addr_len(in->family));
		in->nadvert_addrs++;
	}
	for (int i = 0; i < c->unicast_peers.n; i++)
		if (c->unicast_peers.v[i].family == in->family)
			memcpy(in->peers[in->npeers++], c->unicast_peers.v[i].addr, 16);
	in->unicast = in->npeers > 0;

	for (int i = 0; i < c->track_interface.n; i++)
		if (add_tracker(in, TRACK_INTERFACE, &c->track_interface.v[i]) != 0)
			goto fail;
	for (int i = 0; i < c->track_script.n; i++)
		if (add_tracker(in, TRACK_SCRIPT, &c->track_script.v[i]) != 0)
			goto fail;
	for (int i = 0; i < c->track_file.n; i++)
		if (add_tracker(in, TRACK_FILE, &c->track_file.v[i]) != 0)
			goto fail;
	in->base_priority = (int)c->priority;
	for (int i = 0; i < VRRP_NTIMERS; i++)
		loop_timer_init(&in->timers[i], on_inst_timer, in);
	loop_timer_init(&in->garp_timer, on_garp_due, in);
	loop_timer_init(&in->garp_pace_timer, on_garp_pace, in);
	loop_timer_init(&in->lower_prio_timer, on_lower_prio_due, in);
	return in;
fail:
	inst_free(in);
	return NULL;
}

static int ipv4_conf_get(const char *ifname, const char *key)
{
	char path[128], buf[16];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoi(buf);
}

/* proto is "ipv4" or "ipv6": /proc/sys/net/PROTO/conf/IFNAME/KEY = value */
static void net_conf_set(const char *proto, const char *ifname, const char *key, int value)
{
	char path[128], buf[16];
	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", proto, ifname, key);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int len = snprintf(buf, sizeof(buf), "%d\n", value);
	if (fd < 0 || write(fd, buf, (size_t)len) != len)
		log_warn("cannot set %s to %d: %s", path, value, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/*
 * With a VMAC the parent interface must stop answering ARP for the VIPs,
 * or clients learn the parent's MAC and the virtual MAC buys nothing: the
 * parent answers only for its own addresses, the macvlan for the VIPs.
 */
static void vmac_arp_setup(struct inst *in)
{
	in->parent_arp_ignore = ipv4_conf_get(in->ifname, "arp_ignore");
	in->parent_arp_filter = ipv4_conf_get(in->ifname, "arp_filter");
	net_conf_set("ipv4", in->ifname, "arp_ignore", 1);
	net_conf_set("ipv4", in->ifname, "arp_filter", 1);
	net_conf_set("ipv4", in->vmac_name, "arp_ignore", 1);
}

/*
 * A virtual MAC is up only while this router is master. Up on a backup, the
 * macvlan sends frames with the virtual MAC as source (IGMP and MLD reports,
 * IPv6 router solicitations), the LAN's switches learn that MAC on the
 * backup's port and send the clients' traffic for the VIPs there until the
 * master's next advert. Down, it sends nothing, and the master's adverts,
 * whose source is that same MAC, reach the parent like any other frame.
 */
/*
 * An IPv6 VMAC's one link-local address is the instance's source address
 * (the parent's link-local, or unicast_src_ip / mcast_src_ip), as keepalived
 * gives it: never one derived from the shared virtual MAC, which the
 * backup's VMAC would carry too. Link down flushes it, so every link up
 * adds it again.
 */
static void vmac_link_local(struct inst *in)
{
	struct rtnl_addr a = { .family = AF_INET6, .prefix = 64, .ifindex = in->vmac_ifindex };

	if (in->family != AF_INET6 || !in->have_primary)
		return;
	memcpy(a.addr, in->primary, 16);
	int rc = rtnl_addr_add(&in->d->rtnl, &a);
	if (rc != 0 && rc != -EEXIST)
		log_err("(%s) cannot give %s its link-local address: %s", in->name, in->vmac_name, strerror(-rc));
}

static void vmac_set_up(struct inst *in, bool up)
{
	if (!in->vmac_ifindex || in->vmac_up == up)
		return;
	int rc = rtnl_link_set_up(&in->d->rtnl, in->vmac_ifindex, up);
	if (rc == 0) {
		in->vmac_up = up;
		if (up)
			vmac_link_local(in);
	} else
		log_err("(%s) cannot set %s %s: %s", in->name, in->vmac_name, up ? "up" : "down",
			strerror(-rc));
}

/* Before its first link up: no IPv6 on an IPv4 VMAC (keepalived does the
 * same), so it never has a link-local address to solicit routers from; an
 * IPv6 VMAC gets no address from its MAC (see vmac_link_local). */
static void vmac_prepare(struct inst *in)
{
	in->vmac_up = true;     /* unknown when it was there before us: force it down */
	vmac_set_up(in, false);
	if (access("/proc/sys/net/ipv6", F_OK) != 0)
		return;
	if (in->family == AF_INET)
		net_conf_set("ipv6", in->vmac_name, "disable_ipv6", 1);
	else
		net_conf_set("ipv6", in->vmac_name, "addr_gen_mode", 1);   /* IN6_ADDR_GEN_MODE_NONE */
}

/* Gives the parent its ARP settings back once no other VMAC sits on it. */
static void vmac_arp_restore(struct inst *in)
{
	if (in->parent_arp_ignore < 0)
		return;
	for (struct inst *other = in->d->insts; other; other = other->next)
		if (other != in && other->vmac_ifindex && other->ifindex == in->ifindex &&
		    other->parent_arp_ignore >= 0) {
			/* the last one out restores the values from before the first */
			other->parent_arp_ignore = in->parent_arp_ignore;
			other->parent_arp_filter = in->parent_arp_filter;
			in->parent_arp_ignore = -1;
			return;
		}
	net_conf_set("ipv4", in->ifname, "arp_ignore", in->parent_arp_ignore);
	if (in->parent_arp_filter >= 0)
		net_conf_set("ipv4", in->ifname, "arp_filter", in->parent_arp_filter);
	in->parent_arp_ignore = -1;
}

/*
 * The instance's interface exists (at start, or it appeared later): its
 * VMAC, the interface adverts leave from, the VRRP group joined on both.
 */
static void inst_attach(struct inst *in)
{
	struct vrrpd *d = in->d;
	const struct conf_vrrp_instance *c = in->conf;

	if (c->use_vmac && in->ifindex && !in->vmac_ifindex) {
		unsigned char mac[6];
		rtnl_vmac_addr(mac, in->family, c->vrid);
		snprintf(in->vmac_name, sizeof(in->vmac_name), "%s",
			 c->vmac_name ? c->vmac_name : "");
		if (!in->vmac_name[0])
			snprintf(in->vmac_name, sizeof(in->vmac_name), "vrrp.%u", c->vrid);
		int rc = rtnl_macvlan_add(&d->rtnl, in->vmac_name, in->ifindex, mac);
		if (rc == 0)
			in->vmac_created = true;
		if (rc != 0 && rc != -EEXIST)
			log_err("(%s) cannot create VMAC %s: %s", in->name, in->vmac_name, strerror(-rc));
		in->vmac_ifindex = (int)if_nametoindex(in->vmac_name);
		if (in->vmac_ifindex) {
			memcpy(in->mac, mac, 6);
			vmac_prepare(in);
		}
		if (in->vmac_ifindex && in->family == AF_INET)
			vmac_arp_setup(in);
	}
	/* IPv6 adverts leave from the parent: their source is its link-local address. */
	in->send_ifindex = in->vmac_ifindex && in->family == AF_INET ? in->vmac_ifindex : in->ifindex;
	if (!in->unicast && in->ifindex) {
		int fd = in->family == AF_INET ? d->sock4 : d->sock6;
		int rc = fd < 0 ? -EAFNOSUPPORT : vrrp_sock_join(fd, in->family, in->ifindex);
		if (rc == 0 && in->family == AF_INET && d->sock4_ah >= 0)
			rc = vrrp_sock_join(d->sock4_ah, AF_INET, in->ifindex);
		if (rc == 0 && in->vmac_ifindex)
			rc = vrrp_sock_join(fd, in->family, in->vmac_ifindex);
		if (rc != 0)
			log_err("(%s) cannot join the VRRP group on %s: %s", in->name, in->ifname, strerror(-rc));
	}
}

/* The interface went away: so did the macvlan on it, and its settings. */
static void inst_detach(struct inst *in)
{
	in->vmac_ifindex = 0;
	in->vmac_created = false;
	in->vmac_up = false;
	in->parent_arp_ignore = in->parent_arp_filter = -1;
}

static void inst_start(struct inst *in)
{
	const struct conf_vrrp_instance *c = in->conf;

	inst_read_link(in);
	inst_attach(in);
	inst_resolve_primary(in);
	if (!in->have_primary)
		log_warn("(%s) %s has no %s address to send adverts from", in->name, in->ifname,
			 in->family == AF_INET6 ? "link-local IPv6" : "IPv4");

	struct vrrp_fsm_config fc = {
		.version = in->version,
		.adver_int_cs = c->advert_int_ms / 10 ? c->advert_int_ms / 10 : 1,
		.priority = (uint8_t)c->priority,
		.want_master = in->want_master,
		.nopreempt = c->nopreempt,
		.preempt_delay_ms = in->preempt_delay_ms,
		.lower_prio_advert = in->lower_prio_advert,
		.family = in->family,
	};
	memcpy(fc.primary_ip, in->primary, addr_len(in->family));
	vrrp_fsm_init(&in->fsm, &fc);
	/* Trackers first: a router that starts faulty or lowered must not
	 * claim mastership for an instant. */
	int prio;
	bool fault;
	inst_evaluate(in, &prio, &fault);
	in->own_fault = fault;
	if (in->group)
		for (int i = 0; i < in->group->nmembers; i++)
			fault |= in->group->members[i]->own_fault;
	struct vrrp_event ev = { .kind = VRRP_EV_PRIORITY, .priority = (uint8_t)prio };
	if (prio != in->fsm.priority)
		inst_event(in, &ev);
	if (fault) {
		ev.kind = VRRP_EV_FAULT_ON;
		inst_event(in, &ev);
	}
	in->fault_level = fault;
	ev.kind = VRRP_EV_STARTUP;
	inst_event(in, &ev);
	if (in->group)
		group_update_faults(in->group);
	log_info("(%s) started on %s: VRID %u, VRRPv%d, priority %u, advert %u ms%s", in->name,
		 in->ifname, c->vrid, in->version, c->priority, c->advert_int_ms,
		 in->unicast ? ", unicast" : "");
}

/* Graceful stop: a master sends priority 0 and gives its addresses back. */
static void inst_stop(struct inst *in)
{
	struct vrrp_event ev = { .kind = VRRP_EV_SHUTDOWN };

	if (in->fsm.state != VRRP_STATE_INIT && in->fsm.state != VRRP_STATE_STOP)
		inst_event(in, &ev);
	vmac_arp_restore(in);
	if (in->vmac_created && in->vmac_ifindex)
		rtnl_link_del(&in->d->rtnl, in->vmac_ifindex);
	in->vmac_created = false;
	in->vmac_ifindex = 0;
}

/* ---- packets in ---- */

static void count_drop(struct inst *in, enum vrrp_drop reason)
{
	if (reason > VRRP_OK && reason < VRRP_DROP_NREASONS)
		in->drops[reason]++;
	in->dropped++;
	if (log_debug_enabled())
		log_debug("(%s) advert dropped: %s", in->name, vrrp_drop_name(reason));
}

/*
 * Adverts arrive on the parent interface, except with a VMAC: a peer's
 * advert carries the same virtual MAC as source as our own macvlan, and the
 * macvlan driver hands such multicast to that macvlan instead of the parent.
 */
static bool inst_receives_on(const struct inst *in, int family, int ifindex)
{
	return in->family == family && ifindex &&
	       (ifindex == in->ifindex || ifindex == in->vmac_ifindex);
}

static void deliver(struct vrrpd *d, int family, const struct vrrp_rx *rx, enum vrrp_drop decoded,
		    const struct vrrp_advert *adv)
{
	struct inst *target = NULL;
	bool any_here = false;

	for (struct inst *in = d->insts; in; in = in->next) {
		if (!inst_receives_on(in, family, rx->ifindex))
			continue;
		any_here = true;
		if (decoded == VRRP_OK && adv->vrid == in->conf->vrid)
			target = in;
	}
	if (!any_here)
		return;
	if (decoded != VRRP_OK || !target) {
		for (struct inst *in = d->insts; in; in = in->next)
			if (inst_receives_on(in, family, rx->ifindex))
				count_drop(in, decoded != VRRP_OK ? decoded : VRRP_DROP_VRID);
		return;
	}
	if (target->have_primary && memcmp(adv->src, target->primary, addr_len(family)) == 0)
		return;   /* our own advert, reflected */
	if (!target->unicast && adv->ttl != VRRP_TTL) {
		count_drop(target, VRRP_DROP_TTL);
		return;
	}
	struct vrrp_expect e = {
		.version = target->version,
		.family = family,
		.vrid = (uint8_t)target->conf->vrid,
		.adver_int_cs = target->conf->advert_int_ms / 10,
		.auth_type = target->version == 2 ? target->auth_type : VRRP_AUTH_NONE,
		.auth_pass = target->conf->auth_pass,
		.vips = target->advert_addrs,
		.nvips = target->nadvert_addrs,
		.unicast = target->unicast,
		.ah_replay = &target->ah_replay,
	};
	enum vrrp_drop r = vrrp_validate(&e, adv);
	if (r != VRRP_OK) {
		count_drop(target, r);
		return;
	}
	target->adverts_received++;
	struct vrrp_event ev = {
		.kind = VRRP_EV_ADVERT,
		.priority = adv->priority,
		.adver_int_cs = adv->adver_int_cs,
	};
	memcpy(ev.src, adv->src, 16);
	inst_event(target, &ev);
}

static void on_vrrp_readable(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct vrrpd *d = io->arg;
	int family = io == &d->io6 ? AF_INET6 : AF_INET;
	(void)loop;
	(void)events;

	for (int round = 0; round < RX_BATCH; round++) {
		struct vrrp_rx rx;
		struct vrrp_advert adv;
		ssize_t n = vrrp_sock_recv(io->fd, family, d->rxbuf, VRRP_PKT_MAX, &rx);
		enum vrrp_drop r;
		if (n < 0)
			return;
		memset(&adv, 0, sizeof(adv));
		/* TTL is checked per instance: unicast peers may be routed. */
		if (family == AF_INET)
			r = vrrp_decode_ip4(d->rxbuf, (size_t)n, VRRP_DECODE_ANY_TTL, &adv);
		else
			r = vrrp_decode_ip6(d->rxbuf, (size_t)n, rx.hoplimit, rx.src, rx.dst,
					    VRRP_DECODE_ANY_TTL, &adv);
		deliver(d, family, &rx, r, &adv);
	}
}

/* ---- link events ---- */

static void on_link(const struct rtnl_link *link, void *arg)
{
	struct vrrpd *d = arg;

	for (struct inst *in = d->insts; in; in = in->next) {
		bool changed = false;
		if ((in->ifindex && in->ifindex == link->ifindex) ||
		    (!in->ifindex && !link->deleted && strcmp(in->ifname, link->name) == 0)) {
			bool was_known = in->ifindex != 0;
			bool up = rtnl_link_usable(link);
			in->ifindex = link->deleted ? 0 : link->ifindex;
			if (up != in->iface_up || !was_known) {
				in->iface_up = up;
				changed = true;
				log_notice("(%s) interface %s is %s", in->name, in->ifname, up ? "up" : "down");
			}
			if (!in->vmac_ifindex && link->has_mac)
				memcpy(in->mac, link->mac, 6);
			if (was_known && !in->ifindex)
				inst_detach(in);
			if (!was_known && in->ifindex) {
				/* Appeared after start: its VMAC, its group; our address below. */
				inst_attach(in);
				if (in->vmac_ifindex && in->fsm.state == VRRP_STATE_MASTER)
					vmac_set_up(in, true);
			}
			if (up && !in->have_primary) {
				inst_resolve_primary(in);
				if (in->have_primary)
					memcpy(in->fsm.cfg.primary_ip, in->primary, addr_len(in->family));
			}
		}
		for (int i = 0; i < in->ntrackers; i++) {
			struct tracker *t = &in->trackers[i];
			if (t->kind != TRACK_INTERFACE)
				continue;
			if ((t->ifindex && t->ifindex == link->ifindex) ||
			    (!t->ifindex && strcmp(t->name, link->name) == 0)) {
				bool up = rtnl_link_usable(link);
				t->ifindex = link->deleted ? 0 : link->ifindex;
				if (up != t->up) {
					t->up = up;
					changed = true;
				}
			}
		}
		if (changed)
			inst_trackers_changed(in);
	}
}

static void on_monitor_readable(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct vrrpd *d = io->arg;
	(void)loop;
	(void)events;

	if (rtnl_monitor_read(&d->mon, on_link, d) == -ENOBUFS) {
		/* Events were lost: read every interface we care about again. */
		log_warn("link events overran; re-reading interfaces");
		for (struct inst *in = d->insts; in; in = in->next) {
			struct rtnl_link link;
			if (rtnl_link_get(&d->rtnl, 0, in->ifname, &link) == 0)
				on_link(&link, d);
			for (int i = 0; i < in->ntrackers; i++)
				if (in->trackers[i].kind == TRACK_INTERFACE &&
				    rtnl_link_get(&d->rtnl, 0, in->trackers[i].name, &link) == 0)
					on_link(&link, d);
		}
	}
}

static void on_file_poll(struct loop *loop, struct loop_timer *timer)
{
	struct vrrpd *d = timer->arg;

	for (struct inst *in = d->insts; in; in = in->next) {
		bool changed = false;
		for (int i = 0; i < in->ntrackers; i++) {
			struct tracker *t = &in->trackers[i];
			if (t->kind != TRACK_FILE)
				continue;
			long v = read_track_file(t->path);
			if (v != t->value) {
				t->value = v;
				changed = true;
			}
		}
		if (changed)
			inst_trackers_changed(in);
	}
	loop_timer_arm(loop, timer, TRACK_FILE_POLL_MS);
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

static void status_json(void *arg, struct ctl_buf *b)
{
	struct vrrpd *d = arg;
	char addr[INET6_ADDRSTRLEN];

	ctl_puts(b, "{\"instances\":[");
	for (struct inst *in = d->insts; in; in = in->next) {
		const uint8_t *m = inst_master(in);
		ctl_puts(b, "{\"name\":");
		ctl_json_str(b, in->name);
		ctl_printf(b, ",\"state\":\"%s\",\"interface\":", vrrp_state_names[in->fsm.state]);
		ctl_json_str(b, in->ifname);
		ctl_printf(b, ",\"vrid\":%u,\"version\":%d,\"family\":\"%s\"", in->conf->vrid, in->version,
			   in->family == AF_INET6 ? "inet6" : "inet");
		ctl_printf(b, ",\"priority\":%u,\"base_priority\":%d,\"effective_priority\":%u",
			   in->fsm.priority, in->base_priority, in->fsm.priority);
		ctl_printf(b, ",\"master\":%s%s%s,\"master_priority\":%u",
			   m ? "\"" : "", m ? addr_str(in->family, m, addr, sizeof(addr)) : "null", m ? "\"" : "",
			   in->fsm.state == VRRP_STATE_MASTER ? in->fsm.priority : in->fsm.master_priority);
		ctl_printf(b, ",\"advert_int_ms\":%u,\"master_advert_int_ms\":%u,\"fault\":%s",
			   in->conf->advert_int_ms, in->fsm.master_adver_int_cs * 10,
			   in->fault_level ? "true" : "false");
		ctl_printf(b, ",\"unicast\":%s,\"vmac\":", in->unicast ? "true" : "false");
		if (in->vmac_ifindex)
			ctl_json_str(b, in->vmac_name);
		else
			ctl_puts(b, "null");
		ctl_puts(b, ",\"vips\":[");
		for (int i = 0; i < in->nvips; i++) {
			if (i)
				ctl_puts(b, ",");
			ctl_json_str(b, in->vips[i].text);
		}
		ctl_puts(b, "],\"trackers\":[");
		for (int i = 0; i < in->ntrackers; i++) {
			const struct tracker *t = &in->trackers[i];
			if (i)
				ctl_puts(b, ",");
			ctl_printf(b, "{\"type\":\"%s\",\"name\":", track_kind_names[t->kind]);
			ctl_json_str(b, t->name);
			if (t->kind == TRACK_FILE) {
				ctl_printf(b, ",\"value\":%ld", t->value);
			} else {
				int up = t->kind == TRACK_INTERFACE ? t->up : t->script->result;
				ctl_printf(b, ",\"up\":%s", up < 0 ? "null" : up ? "true" : "false");
			}
			ctl_printf(b, ",\"weight\":%d}", t->weight);
		}
		ctl_printf(b, "],\"counters\":{\"adverts_sent\":%lu,\"adverts_received\":%lu,"
			   "\"prio0_sent\":%lu,\"prio0_received\":%lu,\"transitions\":%lu,"
			   "\"became_master\":%lu,\"released_master\":%lu,\"master_changes\":%lu,\"dropped\":%lu}",
			   in->adverts_sent, in->adverts_received, in->fsm.prio0_sent, in->fsm.prio0_received,
			   in->fsm.transitions, in->fsm.became_master, in->fsm.released_master,
			   in->master_changes, inst_drops_total(in));
		ctl_puts(b, ",\"drops\":{");
		for (int r = 1; r < VRRP_DROP_NREASONS; r++)
			ctl_printf(b, "%s\"%s\":%lu", r > 1 ? "," : "", vrrp_drop_name(r), in->drops[r]);
		ctl_printf(b, "}}%s", in->next ? "," : "");
	}
	ctl_puts(b, "],\"sync_groups\":[");
	for (struct sgroup *g = d->groups; g; g = g->next) {
		ctl_puts(b, "{\"name\":");
		ctl_json_str(b, g->name);
		ctl_printf(b, ",\"state\":\"%s\",\"instances\":[", vrrp_state_names[g->reported_state]);
		for (int i = 0; i < g->nmembers; i++) {
			if (i)
				ctl_puts(b, ",");
			ctl_json_str(b, g->members[i]->name);
		}
		ctl_printf(b, "]}%s", g->next ? "," : "");
	}
	ctl_puts(b, "]}\n");
}

static void on_ctl_request(const char *command, struct ctl_buf *reply, void *arg)
{
	daemon_ctl_answer(command, reply, arg, status_table, status_json);
}

/* ---- configuration: start, reload, stop ---- */

static void groups_free(struct vrrpd *d)
{
	while (d->groups) {
		struct sgroup *g = d->groups;
		d->groups = g->next;
		free(g->members);
		free(g->name);
		free(g);
	}
	for (struct inst *in = d->insts; in; in = in->next)
		in->group = NULL;
}

static void groups_build(struct vrrpd *d, const struct sgroup *old)
{
	struct sgroup **tail = &d->groups;

	for (int i = 0; i < d->conf->nsync_groups; i++) {
		const struct conf_sync_group *cg = &d->conf->sync_groups[i];
		struct sgroup *g = calloc(1, sizeof(*g));
		if (!g)
			return;
		g->conf = cg;
		g->name = xstrdup(cg->name);
		g->members = calloc((size_t)cg->instances.n + 1, sizeof(*g->members));
		g->reported_state = VRRP_STATE_INIT;
		for (const struct sgroup *o = old; o; o = o->next)
			if (strcmp(o->name, cg->name) == 0)
				g->reported_state = o->reported_state;
		if (!g->name || !g->members) {
			free(g->name);
			free(g->members);
			free(g);
			return;
		}
		for (int j = 0; j < cg->instances.n; j++)
			for (struct inst *in = d->insts; in; in = in->next)
				if (strcmp(in->name, cg->instances.v[j]) == 0) {
					g->members[g->nmembers++] = in;
					in->group = g;
				}
		*tail = g;
		tail = &g->next;
	}
}

static struct vscript *script_create(struct vrrpd *d, const struct conf_vrrp_script *c)
{
	struct vscript *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->d = d;
	s->conf = c;
	s->name = xstrdup(c->name);
	s->fingerprint = d->ops->script_fingerprint(d->conf, c->name);
	s->result = -1;
	loop_timer_init(&s->timer, on_script_due, s);
	if (!s->name || !s->fingerprint) {
		script_free(s);
		return NULL;
	}
	char what[96];
	snprintf(what, sizeof(what), "vrrp_script %s", s->name);
	s->disabled = !d->ops->script_allowed(d, &c->script, c->user, c->group, what);
	return s;
}

static void script_remove(struct vscript *s)
{
	loop_timer_cancel(&s->d->loop, &s->timer);
	if (s->running)
		s->removed = true;   /* freed when the child is reaped */
	else
		script_free(s);
}

/* Family i's table (0 IPv4, 1 IPv6) goes, if it is there. */
static void filter_drop(struct vrrpd *d, int i)
{
	if (!d->filter_on[i])
		return;
	int rc = nft_vip_table_delete(d->filter.name, i ? AF_INET6 : AF_INET);
	if (rc < 0)
		log_err("VIP filter: cannot delete table %s %s: %s", i ? "ip6" : "ip", d->filter.name, strerror(-rc));
	d->filter_on[i] = false;
}

static void filter_remove(struct vrrpd *d)
{
	filter_drop(d, 0);
	filter_drop(d, 1);
}

/*
 * The filter's tables as the instances need them: one per family that an
 * instance without accept mode has addresses of. A table whose name or
 * hooks change is made anew, and the masters' addresses go back in. When
 * nf_tables is missing, the error is logged and the daemon runs unfiltered
 * until the next reload tries again.
 */
static void filter_sync(struct vrrpd *d)
{
	const struct conf_global *g = &d->conf->global;
	const char *name = g->nftables_table ? g->nftables_table : NFT_VIP_TABLE_DEFAULT;
	bool want[2] = { false, false }, installed = false;

	for (struct inst *in = d->insts; in; in = in->next)
		for (int i = 0; in->filtered && i < in->nvips; i++)
			want[in->vips[i].ra.family == AF_INET6] = true;
	if (strcmp(name, d->filter_name) != 0 || g->nftables_priority != d->filter.priority ||
	    (g->nftables_counters != 0) != d->filter.counters)
		filter_remove(d);
	for (int i = 0; i < 2; i++)
		if (!want[i])
			filter_drop(d, i);
	snprintf(d->filter_name, sizeof(d->filter_name), "%s", name);
	d->filter.name = d->filter_name;
	d->filter.priority = g->nftables_priority;
	d->filter.counters = g->nftables_counters != 0;
	for (int i = 0; i < 2; i++) {
		if (!want[i] || d->filter_on[i])
			continue;
		int rc = nft_vip_table_install(&d->filter, i ? AF_INET6 : AF_INET);
		if (rc < 0) {
			log_err("VIP filter: cannot install nftables table %s %s: %s; the virtual addresses "
				"accept traffic", i ? "ip6" : "ip", name, strerror(-rc));
			continue;
		}
		log_info("VIP filter: nftables table %s %s installed", i ? "ip6" : "ip", name);
		d->filter_on[i] = installed = true;
	}
	for (struct inst *in = d->insts; installed && in; in = in->next)
		if (in->fsm.state == VRRP_STATE_MASTER)
			inst_filter(in, true);
}

/*
 * Brings the running set to d->conf. old_* are what ran before (NULL at
 * start). An instance whose fingerprint is unchanged is kept as it is, its
 * config pointer moved to the new tree.
 */
static void apply_config(struct vrrpd *d, struct conf_keepalived *old_conf)
{
	struct vscript *old_scripts = d->scripts, **stail = &d->scripts;
	struct inst *old_insts = d->insts, **itail = &d->insts;
	struct sgroup *old_groups = d->groups;

	d->scripts = NULL;
	if (d->conf->global.enable_script_security && !d->conf->global.script_user)
		log_warn("enable_script_security without script_user: scripts with no user of their own run as root");
	for (int i = 0; i < d->conf->nscripts; i++) {
		const struct conf_vrrp_script *c = &d->conf->scripts[i];
		char *fp = d->ops->script_fingerprint(d->conf, c->name);
		struct vscript *s = NULL, **pp;
		for (pp = &old_scripts; *pp; pp = &(*pp)->next)
			if (fp && strcmp((*pp)->name, c->name) == 0 && strcmp((*pp)->fingerprint, fp) == 0) {
				s = *pp;
				*pp = s->next;
				s->conf = c;
				break;
			}
		free(fp);
		if (!s) {
			s = script_create(d, c);
			if (!s)
				continue;
			if (!s->disabled)
				script_schedule(s, 0);
		}
		s->next = NULL;
		*stail = s;
		stail = &s->next;
	}

	/* Instances that stay, in the new config's order later; first stop the rest. */
	struct inst *kept = NULL;
	d->insts = NULL;
	d->groups = NULL;
	/* Groups are rebuilt below; a stopping member must not reach into them. */
	for (struct inst *in = old_insts; in; in = in->next)
		in->group = NULL;
	while (old_insts) {
		struct inst *in = old_insts;
		old_insts = in->next;
		const struct conf_vrrp_instance *c = NULL;
		for (int i = 0; i < d->conf->ninstances; i++)
			if (strcmp(d->conf->instances[i].name, in->name) == 0)
				c = &d->conf->instances[i];
		char *fp = c ? d->ops->instance_fingerprint(d->conf, c) : NULL;
		if (c && fp && strcmp(fp, in->fingerprint) == 0) {
			in->conf = c;
			in->next = kept;
			kept = in;
			free(fp);
			continue;
		}
		free(fp);
		log_notice("(%s) %s by reload", in->name, c ? "changed" : "removed");
		inst_stop(in);
		inst_free(in);
	}
	while (old_scripts) {
		struct vscript *s = old_scripts;
		old_scripts = s->next;
		script_remove(s);
	}
	if (old_conf)
		conf_keepalived_free(old_conf);

	for (int i = 0; i < d->conf->ninstances; i++) {
		const struct conf_vrrp_instance *c = &d->conf->instances[i];
		struct inst *in = NULL, **pp;
		for (pp = &kept; *pp; pp = &(*pp)->next)
			if (strcmp((*pp)->name, c->name) == 0) {
				in = *pp;
				*pp = in->next;
				break;
			}
		if (!in) {
			in = inst_create(d, c);
			if (!in)
				continue;
			in->fresh = true;
		}
		in->next = NULL;
		*itail = in;
		itail = &in->next;
	}
	/* Groups need every member in place before any instance starts. */
	groups_free(d);
	d->groups = NULL;
	groups_build(d, old_groups);
	while (old_groups) {
		struct sgroup *g = old_groups;
		old_groups = g->next;
		free(g->members);
		free(g->name);
		free(g);
	}
	/* before any instance starts: a no_accept master filters from its first moment */
	filter_sync(d);
	for (struct inst *in = d->insts; in; in = in->next)
		if (in->fresh) {
			in->fresh = false;
			inst_start(in);
		}
}

static void on_reload(struct loop *loop, int signo, void *arg)
{
	struct vrrpd *d = arg;
	(void)loop;
	(void)signo;

	log_notice("reloading %s", d->conf_path);
	struct conf_keepalived *conf = conf_keepalived_read(d->conf_path);
	if (!conf) {
		log_err("reload: out of memory, keeping the running config");
		return;
	}
	daemon_log_diags(conf->tree);
	if (conf->tree->nerrors) {
		log_err("reload: %s has %d error(s), keeping the running config", d->conf_path,
			conf->tree->nerrors);
		conf_keepalived_free(conf);
		return;
	}
	if (strict_refusals(conf)) {
		log_err("reload: %s is refused by vrrp_strict, keeping the running config", d->conf_path);
		conf_keepalived_free(conf);
		return;
	}
	struct conf_keepalived *old = d->conf;
	d->conf = conf;
	apply_config(d, old);
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

static void on_stop_waited(struct loop *loop, struct loop_timer *timer)
{
	(void)timer;
	loop_break(loop);
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

static int open_sockets(struct vrrpd *d)
{
	bool want4 = false, want6 = false, want_ah = false;

	for (int i = 0; i < d->conf->ninstances; i++) {
		const struct conf_vrrp_instance *c = &d->conf->instances[i];
		bool v6 = c->vips.n && c->vips.v[0].addr.family == AF_INET6;
		want6 |= v6;
		want4 |= !v6;
		want_ah |= !v6 && c->auth_type == CONF_AUTH_AH;
	}
	/* Both families are opened so a reload may add either; only a wanted
	 * one failing is an error. */
	d->sock4 = vrrp_sock_open(AF_INET, VRRP_IPPROTO);
	d->sock6 = vrrp_sock_open(AF_INET6, VRRP_IPPROTO);
	d->sock4_ah = vrrp_sock_open(AF_INET, VRRP_IPPROTO_AH);
	if ((want4 && d->sock4 < 0) || (want6 && d->sock6 < 0) || (want_ah && d->sock4_ah < 0)) {
		log_err("cannot open raw VRRP sockets: %s",
			strerror(-(want4 && d->sock4 < 0 ? d->sock4 : want6 && d->sock6 < 0 ? d->sock6 : d->sock4_ah)));
		return -1;
	}
	if (d->sock4 >= 0) {
		loop_io_init(&d->io4, d->sock4, on_vrrp_readable, d);
		loop_io_watch(&d->loop, &d->io4, LOOP_READ);
	}
	if (d->sock4_ah >= 0) {
		loop_io_init(&d->io4_ah, d->sock4_ah, on_vrrp_readable, d);
		loop_io_watch(&d->loop, &d->io4_ah, LOOP_READ);
	}
	if (d->sock6 >= 0) {
		loop_io_init(&d->io6, d->sock6, on_vrrp_readable, d);
		loop_io_watch(&d->loop, &d->io6, LOOP_READ);
	}
	return 0;
}

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
	static const struct option long_opts[] = {
		DAEMON_KEEPALIVED_LONG_OPTIONS,
		DAEMON_CONTROL_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct vrrpd_ops ops = {
		spawn_command, run_notify, script_allowed, script_fingerprint, instance_fingerprint,
	};
	struct vrrpd *d;
	struct ctl_server ctl = { 0 };
	struct daemon_args args = { .conf_path = VRRPD_DEFAULT_CONF, .sock_path = VRRPD_DEFAULT_SOCK };
	const char *conf_path, *pid_path;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:nlDtp:S:sh", long_opts, NULL)) != -1) {
		if (daemon_parse_opt(&args, opt, optarg))
			continue;
		switch (opt) {
		case 'h': fputs(vrrpd_usage, stdout); return 0;
		default: fputs(vrrpd_usage, stderr); return 2;
		}
	}
	if (optind < argc)
		return daemon_bad_operand("vrrpd", vrrpd_usage, argv[optind]);
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
	d->conf = conf_keepalived_read(conf_path);
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
	loop_timer_init(&d->stop_timer, on_stop_waited, d);
	loop_timer_init(&d->file_timer, on_file_poll, d);
	loop_timer_arm(&d->loop, &d->file_timer, TRACK_FILE_POLL_MS);

	log_notice("lvsbox %s vrrpd starting with %s", LVSBOX_VERSION, conf_path);
	apply_config(d, NULL);
	rc = loop_run(&d->loop);
	loop_timer_cancel(&d->loop, &d->stop_timer);
	forget_notifies(d);
	daemon_unserve(&ctl, pid_path);
	shutdown_all(d, &ctl);
	free(d);
	log_notice("stopped");
	return rc == 0 ? 0 : 1;
}
