/*
 * lvsd.c - the director daemon: keeps the kernel's IPVS table equal to
 * "config x health", supervises checkd and vrrpd, and answers as keepalived.
 *
 * The config (core/conf.h) says which virtual services and real servers
 * exist; checkd's event lines (docs/checkd.md) say which real servers are
 * up. From the two, every reconcile computes the wanted table and compares
 * it with a dump of the kernel's, applying only the differences, so reloads
 * and health changes touch nothing else and live connections stay. Only what
 * lvsd put into IPVS (or adopted because the config names it) is ever
 * changed or removed; a periodic dump notices out-of-band damage and repairs
 * it. docs/lvsd.md describes the behaviour and the control socket.
 *
 * The model and the wanted table are core/lvs/lvs_model.c, the comparison
 * core/lvs/ipvs_diff.c, the pass that applies it core/lvs/ipvs_sync.c,
 * checkd's event lines and quorum core/lvs/lvs_event.c, the virtual servers'
 * status core/lvs/lvs_status.c, the children core/daemon/supervise.c; this
 * file wires them to the event loop, the signals, the quorum scripts and the
 * control socket.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "applets.h"
#include "check.h"
#include "conf.h"
#include "ctl.h"
#include "ctl_fetch.h"
#include "file.h"
#include "http.h"
#include "script.h"
#include "conf_script.h"
#include "daemon.h"
#include "json.h"
#include "ipvs.h"
#include "ipvs_diff.h"
#include "log.h"
#include "loop.h"
#include "lvs_ctl.h"
#include "lvs_metrics.h"
#include "lvs_model.h"
#include "lvs_page.h"
#include "lvs_event.h"
#include "lvs_status.h"
#include "prom.h"
#include "ipvs_sync.h"
#include "lvs_syncd.h"
#include "supervise.h"
#include "uci_keepalived.h"

#define LVSD_DEFAULT_CONF "/etc/lvsbox/lvsbox.conf"
#define LVSD_DEFAULT_SOCK CTL_DIR "/lvsd.sock"
#define RECONCILE_INTERVAL_MS 2000   /* how soon out-of-band damage is repaired */
#define RECONCILE_SHARE 10           /* a dump may take a tenth of the interval */
#define STOP_WAIT_MS 3000            /* for the children to exit on SIGTERM */
#define SCRIPT_TIMEOUT_MS 30000      /* quorum_up / quorum_down */
#define METRICS_REFRESH_MS 3000      /* children's metrics fetched, the .prom file written */
#define METRICS_FETCH_TIMEOUT_MS 2000
#define METRICS_CHILD_MAX (8u << 20) /* the most of a child's answer kept */
/* The children are asked only while someone reads: a kind of answer is
 * fetched while it was asked for within METRICS_WANTED_MS (the .prom file
 * always wants the metrics), and one older than METRICS_STALE_MS is not served. */
#define METRICS_WANTED_MS 60000
#define METRICS_STALE_MS (2 * METRICS_REFRESH_MS + METRICS_FETCH_TIMEOUT_MS)
#define CHECKD_SOCK CTL_DIR "/checkd.sock"   /* where lvsd's children answer */
#define VRRPD_SOCK CTL_DIR "/vrrpd.sock"

/* -I: lvsd's and keepalived's alike */
static const struct opts_row release_opts[] = {
	OPT('I', "dont-release-ipvs", NULL, "leave the IPVS table as it is on stop (--dont-release-ipvs)"),
	OPTS_END,
};

static const struct opts_row lvsd_rows[] = {
	OPTS_SHOW_SHORT('f', "config file (default " LVSD_DEFAULT_CONF ")"),
	OPTS_INCLUDE(daemon_keepalived_opts),
	OPTS_INCLUDE(release_opts),
	OPT_LONG("keep-overrides", 'K', NULL, "a reload keeps lvsd ctl's overrides (default: drops them)"),
	OPT_LONG("metrics-listen", 'M', "ADDR:PORT", "serve metrics and the status page"),
	OPT_LONG("metrics-file", 'W', "FILE", "write the metrics there every 3 s"),
	OPTS_SHOW_SHORT('S', "control socket (default " LVSD_DEFAULT_SOCK ")"),
	OPTS_SHOW_SHORT('s', "print the running daemon's virtual servers as a table"),
	OPTS_INCLUDE(daemon_control_opts),
	OPT('v', NULL, NULL, NULL),    /* with -t the config printed back, alone the version */
	OPT_LONG("uci", 'U', "FILE", "print the keepalived config that OpenWrt's keepalived init\n"
				    "script writes for the UCI file FILE (/etc/config/keepalived),\n"
				    "and exit (docs/openwrt-keepalived.md)"),
	OPT_LONG("hotplug-call", 'H', "PATH", "with --uci: the program state changes run\n"
					     "(default " UCI_HOTPLUG_CALL ")"),
	OPTS_END,
};

/* The words after the options that make lvsd a control client. */
#define LVSD_CTL_WORD "ctl"

const struct opts_cmd lvsd_cmd = {
	.usage = "Usage: lvsd [-n] [-l] [-D] [-I] [-f FILE] [-p PIDFILE] [-S SOCKET]\n"
		 "            [--metrics-listen ADDR:PORT] [--metrics-file FILE]\n"
		 "       lvsd -t [-v] [-f FILE]\n"
		 "       lvsd [-S SOCKET] -s | --json\n"
		 "       lvsd [-S SOCKET] ctl drain|enable VS RS\n"
		 "       lvsd [-S SOCKET] ctl weight VS RS N\n"
		 "       lvsd --uci FILE [--hotplug-call PATH]\n"
		 "The director: keeps the kernel's IPVS table equal to the virtual_server\n"
		 "blocks of a keepalived-style config and the health checkd reports, and\n"
		 "runs checkd and vrrpd as its children (docs/lvsd.md).\n"
		 "\n",
	.rows = lvsd_rows,
	.footer = "\n"
		  "Signals: HUP reloads the config (only the differences reach IPVS; a\n"
		  "config with errors keeps the running one), TERM/INT stop and remove\n"
		  "from IPVS what lvsd added.\n"
		  "\n"
		  "ctl (root only) overrides one real server until the next reload (with\n"
		  "--keep-overrides, across reloads while it is in the config): drain\n"
		  "(weight 0, live connections stay), weight N, enable (back to the\n"
		  "configured weight and what the checker says). VS is -t|-u ADDR:PORT,\n"
		  "--sctp-service ADDR:PORT or -f MARK as for ipvsadm, or its name in -s\n"
		  "(tcp/ADDR:PORT, fwm/MARK, group/NAME); RS is ADDR[:PORT], [IPv6]:PORT.\n",
};

/* keepalived's -S is its syslog facility: the control options are not
 * included. The options are listed by the first rows and defined after
 * them in keepalived's long-option order, the order in which glibc names
 * the candidates of an ambiguous abbreviation (--v, --c, --dont-re). */
static const struct opts_row keepalived_rows[] = {
	OPTS_SHOW_SHORT('f', "config file (default " LVSD_DEFAULT_CONF ")"),
	OPTS_INCLUDE(daemon_keepalived_opts),
	OPTS_SHOW_SHORT('I', NULL),
	OPTS_SHOW_SHORT('P', NULL),
	OPTS_SHOW_SHORT('C', NULL),
	OPTS_SHOW_SHORT('S', NULL),
	OPTS_SHOW_SHORT('c', NULL),
	OPTS_SHOW_SHORT('R', NULL),
	OPTS_SHOW_SHORT('v', NULL),
	OPTS_SHOW_SHORT('h', "this help"),
	OPT('v', "version", NULL, "version"),
	OPT('S', "log-facility", "FACILITY", "syslog facility; accepted, lvsbox logs to daemon"),
	{ .letter = 'c', .name = "checkers_pid", .arg = "FILE", .label = "-c, -r FILE",
	  .help = "pid files of the checker and VRRP children; accepted" },
	OPT('r', "vrrp_pid", "FILE", NULL),
	OPT('P', "vrrp", NULL, "VRRP only (vrrp_instance blocks; no IPVS, no checks)"),
	OPT('C', "check", NULL, "checks and IPVS only (no VRRP)"),
	OPT('R', "dont-respawn", NULL, "do not restart children that die"),
	OPTS_INCLUDE(release_opts),
	OPTS_END,
};

const struct opts_cmd keepalived_cmd = {
	.usage = "Usage: keepalived [-n] [-l] [-D] [-I] [-f FILE] [-p PIDFILE] [-P|-C]\n"
		 "       keepalived -t [-v] [-f FILE]\n"
		 "lvsbox's lvsd under keepalived's name: the director (IPVS from the\n"
		 "virtual_server blocks, health checks, VRRP) with keepalived's flags.\n"
		 "\n",
	.rows = keepalived_rows,
};

struct lvsd;

struct script_run {
	struct loop_child child;
	struct lvsd *d;
	void (*then)(struct lvsd *d);   /* once it has ended (or was killed at its timeout) */
	char line[];
};

struct lvsd {
	struct loop loop;
	const char *conf_path, *sock_path, *pid_path;
	char self[PATH_MAX];
	bool keep_ipvs, want_vrrp, want_check;
	bool keep_overrides;         /* --keep-overrides: lvsd ctl's survive a reload */
	bool shutdown_pending;       /* shutdown_script runs; the loop waits for it */
	bool working;                /* startup_script has ended: passes and children may run */
	struct supervisor sv;        /* also holds -R, the log flags and "stopping" */
	struct conf_keepalived *conf;
	/* what a reload compares the file with to re-read only the virtual
	 * servers that changed (NULL: it reads the file whole) */
	struct conf_fingerprint *fingerprint;
	int reloads_in_pieces;       /* since the file was last read whole */
	struct lvs *vs;
	int nvs;
	struct ipvs_sync sync;       /* the kernel's table, what we own of it, the counters */
	struct ctl_server ctl;
	struct loop_timer tick, kick, stop_timer;
	struct child checkd, vrrpd;
	bool syncd_managed;          /* lvs_sync_daemon without an instance: ours to stop */
	struct syncd_keeper syncd;
	uint64_t start_ms;
	unsigned long events, bad_events, reloads, reload_failures;
	/* metrics (docs/metrics.md): the listener, the .prom file, and what
	 * the children last answered to "metrics" and "json" */
	const char *metrics_listen, *metrics_file;
	struct http_server http;
	struct loop_timer metrics_tick;
	struct child_answer {
		struct ctl_fetch fetch;
		struct strbuf text;
		bool have;
		uint64_t at;          /* loop time of the answer */
		struct lvsd *d;
	} answers[4];             /* checkd metrics, vrrpd metrics, checkd json, vrrpd json */
	uint64_t wanted_at[2];    /* loop time /metrics, /status.json were last asked for */
	bool ever_wanted[2];
};

/* ---- small helpers ---- */

static uint64_t now_ms(const struct lvsd *d)
{
	return loop_now_ms(&d->loop) - d->start_ms;
}

/* ---- quorum: its log and its scripts ---- */

static void on_script_done(struct loop *loop, struct loop_child *child, int status)
{
	struct script_run *run = child->arg;
	(void)loop;

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_warn("script %s: %s %d", run->line, WIFSIGNALED(status) ? "killed by signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	if (run->then)
		run->then(run->d);
	free(run);
}

/*
 * quorum_up / quorum_down "LINE" [USER [GROUP]], as keepalived runs them:
 * as USER, else the default script user; every program the line would run
 * judged by keepalived's script security first. Under
 * enable_script_security an unsafe line, or one with no user to run as,
 * does not run; without it an unsafe one runs with a warning.
 */
static void run_script_then(struct lvsd *d, const struct conf_cmd *cmd, uint64_t timeout_ms,
			    void (*then)(struct lvsd *d))
{
	const struct conf_global *g = &d->conf->global;
	const char *user, *group = NULL;
	uid_t uid;
	gid_t gid;
	char why[512];

	if (!cmd->argv || cmd->argc == 0)
		goto not_run;
	const char *line = cmd->argv[0];
	if (cmd->argc >= 2) {
		user = cmd->argv[1];
		group = cmd->argc >= 3 ? cmd->argv[2] : NULL;
	} else {
		user = conf_default_script_user(g, &group);
	}
	if (!user && g->enable_script_security && geteuid() == 0) {
		log_err("script %s: not run: no script user to run it as under enable_script_security", line);
		goto not_run;
	}
	if (script_ids(user, group, &uid, &gid) != 0)
		goto not_run;
	switch (script_line_secure(line, uid, why, sizeof(why))) {
	case SCRIPT_OK:
		break;
	case SCRIPT_UNSAFE:
		if (g->enable_script_security) {
			log_err("script %s: not run: insecure: %s (enable_script_security)", line, why);
			goto not_run;
		}
		log_warn("script %s: insecure: %s", line, why);
		break;
	default:
		log_err("script %s: not run: %s", line, why);
		goto not_run;
	}
	struct script_run *run = calloc(1, sizeof(*run) + strlen(line) + 1);
	if (!run)
		goto not_run;
	strcpy(run->line, line);
	run->d = d;
	run->then = then;
	if (script_spawn_line(&d->loop, &run->child, run->line, NULL, 0, uid, gid, timeout_ms,
			      on_script_done, run) >= 0)
		return;
	free(run);
not_run:
	if (then)
		then(d);
}

static void run_script(struct lvsd *d, const struct conf_cmd *cmd)
{
	run_script_then(d, cmd, SCRIPT_TIMEOUT_MS, NULL);
}

/* Whether the virtual server's quorum changed (its script then runs). */
static bool quorum_update(struct lvsd *d, struct lvs *vs)
{
	const struct conf_cmd *script = lvs_quorum_update(vs);

	if (script)
		run_script(d, script);
	return script != NULL;
}

/* One pass over the current model (a reload replaces it). dump: against a
 * fresh dump of the kernel's table (the periodic pass, which repairs what
 * was changed from outside); otherwise against the table the last pass
 * left, so a health change or a reload costs only its own requests. */
static void reconcile(struct lvsd *d, bool dump)
{
	if (!d->want_check || !d->working)
		return;
	d->sync.conf = d->conf;
	d->sync.vs = d->vs;
	d->sync.nvs = d->nvs;
	ipvs_sync_pass(&d->sync, dump);
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The periodic pass dumps the whole table; on a table so large that the
 * dump takes more than a tenth of the interval, the next one waits ten
 * times as long as this one took, so that looking for damage never costs
 * more than a tenth of a core. Changes do not wait for it (kick). */
static void on_tick(struct loop *loop, struct loop_timer *timer)
{
	struct lvsd *d = timer->arg;
	uint64_t start = monotonic_ms();

	reconcile(d, true);
	uint64_t took = monotonic_ms() - start;
	loop_timer_arm(loop, timer, took * RECONCILE_SHARE > RECONCILE_INTERVAL_MS ?
				    took * RECONCILE_SHARE : RECONCILE_INTERVAL_MS);
}

static void on_kick(struct loop *loop, struct loop_timer *timer)
{
	(void)loop;
	reconcile(timer->arg, false);
}

/* A change is applied at once, but every event read in one wake-up in one pass. */
static void kick(struct lvsd *d)
{
	if (!loop_timer_armed(&d->kick) && !d->sv.stopping)
		loop_timer_arm(&d->loop, &d->kick, 0);
}

/* ---- checkd's events ---- */

static void apply_event(struct lvsd *d, char *line)
{
	struct lvs_event ev;
	struct lvs *vs;
	int rc = lvs_event_parse(line, strlen(line), &ev);

	if (rc == LVS_EVENT_MALFORMED) {
		d->bad_events++;
		log_warn("checkd: malformed event line");
		return;
	}
	if (rc != 0) {
		d->bad_events++;
		log_warn("checkd: event '%.*s' not understood", (int)ev.word_len, ev.word);
		return;
	}
	d->events++;
	bool table_changed = false;
	if (!lvs_event_apply(d->vs, d->nvs, &ev, now_ms(d), &vs, &table_changed)) {
		log_debug("checkd: %.*s %.*s is not in the running config", (int)ev.vs_len, ev.vs,
			  (int)ev.rs_len, ev.rs);
		return;
	}
	/* checkd repeats what lvsd knows (its first round, the initial lines
	 * after a reload): on a large table a pass for each such line kept
	 * lvsd busy with nothing to change. */
	if (quorum_update(d, vs) || table_changed)
		kick(d);
}

static void on_event_line(char *line, void *arg)
{
	struct lvsd *d = arg;

	if (line)
		apply_event(d, line);
	else
		d->bad_events++;
}

/* ---- the kernel-wide settings of global_defs ---- */

/*
 * lvs_timeouts, and lvs_sync_daemon when it names no instance: then the
 * master and backup sync daemons both run while lvsd does (keepalived's
 * checker does the same). One that names an instance is vrrpd's; a config
 * that drops lvs_sync_daemon stops what lvsd ran.
 */
static void kernel_settings(struct lvsd *d)
{
	const struct conf_lvs_syncd *sd = &d->conf->global.lvs_syncd;

	if (!d->want_check)
		return;
	ipvs_sync_timeouts(&d->sync, &d->conf->global.lvs_timeouts);
	if (sd->ifname && !sd->instance) {
		d->syncd_managed = true;
		syncd_keep(&d->syncd, sd, SYNCD_BOTH);
	} else if (d->syncd_managed) {
		syncd_keeper_stop(&d->syncd);
		if (!sd->ifname)
			syncd_apply(NULL, SYNCD_NONE);
		d->syncd_managed = false;
	}
}

/* ---- children: checkd and vrrpd ---- */

static void on_sigchld(struct loop *loop, int signo, void *arg)
{
	struct lvsd *d = arg;
	(void)signo;

	child_reap(&d->checkd);
	child_reap(&d->vrrpd);
	if (d->sv.stopping && !d->checkd.pid && !d->vrrpd.pid)
		loop_break(loop);
}

static bool has_checkers(const struct conf_keepalived *conf)
{
	for (int v = 0; v < conf->nvirtual_servers; v++)
		for (int r = 0; r < conf->virtual_servers[v].nreal_servers; r++)
			if (conf->virtual_servers[v].real_servers[r].ncheckers)
				return true;
	return false;
}

/* Starts, stops or reloads the children as the (new) config needs them. */
static void children_follow(struct lvsd *d, bool reload)
{
	struct child *kids[2] = { &d->checkd, &d->vrrpd };
	bool need[2] = { d->want_check && has_checkers(d->conf), d->want_vrrp && d->conf->ninstances > 0 };

	for (int i = 0; i < 2; i++) {
		struct child *c = kids[i];
		if (need[i] && !c->wanted) {
			child_want(c);
		} else if (!need[i] && c->wanted) {
			log_notice("the config has no work for %s any more, stopping it", c->name);
			child_stop(c);
		} else if (need[i] && reload && c->pid) {
			kill(c->pid, SIGHUP);
		}
	}
}

/* ---- config: model building, reload ---- */

/*
 * A virtual server seen for the first time, at start or in a reload, runs
 * quorum_up when it starts with quorum, and quorum_down when it starts
 * without it and has a sorry server to put in; keepalived 2.2.7 does the
 * same when it sets a virtual server up (tests/vm/t_traffic_health.sh
 * compares the two). Without a sorry server a quorum that starts down runs
 * nothing.
 */
static void quorum_initial(struct lvsd *d, struct lvs *vs)
{
	if (vs->quorum_up) {
		log_notice("%s: starting with quorum up", vs->name);
		run_script(d, &vs->conf->quorum_up);
		return;
	}
	log_notice("%s: starting with quorum down%s", vs->name,
		   vs->conf->sorry_server ? ", using the sorry server" : "");
	if (vs->conf->sorry_server)
		run_script(d, &vs->conf->quorum_down);
}

/* The model for conf, health carried over from old, with what a new or
 * changed virtual server's quorum says. */
static int model_load(struct lvsd *d, const struct conf_keepalived *conf, struct lvs *old, int nold,
		      struct lvs **out, int *nout)
{
	if (model_build(conf, old, nold, out, nout) != 0)
		return -1;
	for (int v = 0; v < *nout; v++) {
		struct lvs *vs = &(*out)[v];
		if (vs->carried)
			quorum_update(d, vs);
		else
			quorum_initial(d, vs);
	}
	return 0;
}

/* The config, and in *fp its fingerprint when it can have one. */
static struct conf_keepalived *read_config(const char *path, bool reload, struct conf_fingerprint **fp)
{
	int checker_errors = 0;
	struct conf_keepalived *conf = reload ? daemon_reload_read(path, DAEMON_READ_SERVERS, &checker_errors)
					      : daemon_read(path, DAEMON_READ_SERVERS, &checker_errors);

	if (!conf && reload)
		return NULL;
	if (!conf) {
		log_err("out of memory reading %s", path);
		return NULL;
	}
	if (!reload)    /* daemon_reload_read has logged them */
		daemon_log_diags(conf->tree);
	/* Checker options are checkd's to interpret; a config it would refuse
	 * is refused here too. lvsd keeps only their count, and the typed
	 * view without the tree's nodes. */
	if (conf->tree->nerrors || checker_errors) {
		log_err("%s: %d error(s), %s", path, conf->tree->nerrors ? conf->tree->nerrors : checker_errors,
			reload ? "keeping the running config" : "not starting");
		conf_keepalived_free(conf);
		return NULL;
	}
	*fp = conf_fingerprint_make(conf, path);
	conf_tree_drop_nodes(conf->tree);
	return conf;
}

/* A reload builds the model afresh: lvsd ctl's overrides end with it. */
static void log_dropped_overrides(const struct lvsd *d)
{
	char what[32], name[LRS_NAME_MAX];

	for (int v = 0; v < d->nvs; v++)
		for (int r = 0; r < d->vs[v].nrs; r++) {
			const struct lrs *rs = &d->vs[v].rs[r];
			if (rs->ctl != LRS_CTL_NONE)
				log_notice("reload: %s %s: ctl override (%s) dropped, back to the config and its checker",
					   d->vs[v].name, lrs_name(rs, name), lvs_ctl_describe(rs, what, sizeof(what)));
		}
}

/* A file read in pieces this many times is read whole at the next reload,
 * which lets go of the memory the replaced virtual servers still hold. */
#define RELOADS_IN_PIECES_MAX 32

static bool has_overrides(const struct lvs *vs, int nvs)
{
	for (int v = 0; v < nvs; v++)
		for (int r = 0; r < vs[v].nrs; r++)
			if (vs[v].rs[r].ctl != LRS_CTL_NONE)
				return true;
	return false;
}

/* Where a slow reload spends its time (reading the config grows with its
 * size); tests and docs/bench.md read this line. */
static void log_reload_took(uint64_t t0, uint64_t t_read, uint64_t t_model, uint64_t t_pass)
{
	log_info("reload took %" PRIu64 " ms: reading the config %" PRIu64 " ms, the model %" PRIu64
		 " ms, the pass %" PRIu64 " ms", t_pass - t0, t_read - t0, t_model - t_read, t_pass - t_model);
}

/*
 * A reload that re-reads only the virtual servers whose blocks changed
 * (conf_fingerprint.h), rebuilds only their part of the model and passes
 * over only their services: what a reload changing one real server costs
 * no longer grows with the config. False when the file must be read
 * whole: no fingerprint, a change elsewhere, a virtual server renamed,
 * added or removed, a change with errors (the whole read reports them), ctl
 * overrides that a whole reload drops, or startup_script still running.
 */
static bool reload_in_pieces(struct lvsd *d, uint64_t t0)
{
	struct conf_reread r;
	const char *why = NULL;
	int checker_errors = 0;

	if (!d->fingerprint || !d->working || d->reloads_in_pieces >= RELOADS_IN_PIECES_MAX ||
	    (!d->keep_overrides && has_overrides(d->vs, d->nvs)))
		return false;
	int n = conf_fingerprint_read(d->fingerprint, d->conf_path, &r);
	struct conf_keepalived *patch = n >= 0 ? daemon_patch_read(d->conf, d->conf_path, &r, &checker_errors, &why)
					       : NULL;
	if (!patch) {
		log_info("reload: the config is read whole (%s)", n < 0 ? "a change outside virtual_server blocks, "
			 "in their number of lines or in too many of them" : why ? why : "it cannot be read in pieces");
		conf_reread_free(&r);
		return false;
	}
	daemon_log_diags(patch->tree);
	if (checker_errors) {
		log_err("%s: %d error(s), keeping the running config", d->conf_path, checker_errors);
		conf_keepalived_patch_free(patch);
		conf_reread_free(&r);
		d->reload_failures++;
		return true;
	}
	uint64_t t_read = monotonic_ms();
	/* The changed virtual servers' old entries and the services they
	 * stood for, to carry their health and to tell what the pass may
	 * leave alone. */
	struct lvs *old = calloc((size_t)n + 1, sizeof(*old)), *m = NULL;
	int vs_at[CONF_CHANGES_MAX], nm = 0;
	struct want before;
	memset(&before, 0, sizeof(before));
	for (int i = 0; old && i < n; i++) {
		vs_at[i] = r.ch[i].vs;
		old[i] = d->vs[r.ch[i].vs];
	}
	bool ok = old && build_want(d->conf, old, n, &before) == 0 && model_load(d, patch, old, n, &m, &nm) == 0;
	if (ok && d->keep_overrides && lvs_ctl_carry(m, nm, old, n) > 0)
		for (int i = 0; i < nm; i++)
			quorum_update(d, &m[i]);
	free(old);
	if (!ok) {
		log_err("reload: out of memory, keeping the running config");
		want_free(&before);
		model_free(m, nm);
		conf_keepalived_patch_free(patch);
		conf_reread_free(&r);
		d->reload_failures++;
		return true;
	}
	conf_keepalived_patch_apply(d->conf, patch, &r);
	for (int i = 0; i < n; i++) {
		struct lvs *slot = &d->vs[r.ch[i].vs];
		model_free_vs(slot);
		*slot = m[i];
		slot->conf = &d->conf->virtual_servers[r.ch[i].vs];
	}
	free(m);
	conf_fingerprint_update(d->fingerprint, &r);
	conf_reread_free(&r);
	d->reloads_in_pieces++;
	if (d->keep_overrides)
		for (int v = 0; v < d->nvs; v++)
			if (!ipvs_sync_among(vs_at, n, v))
				lvs_ctl_log_kept(&d->vs[v]);
	log_notice("reloaded %s: %d virtual servers, %d of them changed (read alone)", d->conf_path, d->nvs, n);
	/* As a whole reload does: a SIGHUP puts back timeouts changed by hand. */
	kernel_settings(d);
	uint64_t t_model = monotonic_ms();
	d->sync.conf = d->conf;
	d->sync.vs = d->vs;
	d->sync.nvs = d->nvs;
	if (n && d->want_check && !ipvs_sync_pass_some(&d->sync, vs_at, n, &before))
		reconcile(d, false);
	want_free(&before);
	uint64_t t_pass = monotonic_ms();
	log_reload_took(t0, t_read, t_model, t_pass);
	children_follow(d, true);
	return true;
}

static void on_reload(struct loop *loop, int signo, void *arg)
{
	struct lvsd *d = arg;
	struct lvs *m;
	int nm;
	(void)loop;
	(void)signo;

	if (d->sv.stopping)
		return;
	d->reloads++;
	uint64_t t0 = monotonic_ms();
	if (reload_in_pieces(d, t0))
		return;
	struct conf_fingerprint *fp = NULL;
	struct conf_keepalived *conf = read_config(d->conf_path, true, &fp);
	if (!conf) {
		d->reload_failures++;
		return;
	}
	uint64_t t_read = monotonic_ms();
	if (model_load(d, conf, d->vs, d->nvs, &m, &nm) != 0) {
		log_err("reload: out of memory, keeping the running config");
		d->reload_failures++;
		conf_keepalived_free(conf);
		conf_fingerprint_free(fp);
		return;
	}
	if (d->keep_overrides && lvs_ctl_carry(m, nm, d->vs, d->nvs) > 0) {
		for (int v = 0; v < nm; v++)
			quorum_update(d, &m[v]);
	} else if (!d->keep_overrides) {
		log_dropped_overrides(d);
	}
	model_free(d->vs, d->nvs);
	conf_keepalived_free(d->conf);
	d->conf = conf;
	d->vs = m;
	d->nvs = nm;
	conf_fingerprint_free(d->fingerprint);
	d->fingerprint = fp;
	d->reloads_in_pieces = 0;
	log_notice("reloaded %s: %d virtual servers", d->conf_path, d->nvs);
	/* before vrrpd's reload: a sync daemon handed over to vrrpd is then its to start */
	kernel_settings(d);
	/* During startup_script the new config waits for it like the old one did:
	 * keepalived programs nothing and starts no child before it ends. */
	if (!d->working) {
		log_notice("reload: the first pass and the children wait for startup_script");
		return;
	}
	uint64_t t_model = monotonic_ms();
	reconcile(d, false);
	uint64_t t_pass = monotonic_ms();
	log_reload_took(t0, t_read, t_model, t_pass);
	children_follow(d, true);
}

static void on_stop(struct loop *loop, int signo, void *arg)
{
	struct lvsd *d = arg;
	(void)signo;

	if (d->sv.stopping) {
		loop_break(loop);
		return;
	}
	d->sv.stopping = true;
	log_notice("stopping");
	loop_timer_cancel(loop, &d->tick);
	loop_timer_cancel(loop, &d->kick);
	child_stop(&d->checkd);
	child_stop(&d->vrrpd);
	if (!d->checkd.pid && !d->vrrpd.pid) {
		loop_break(loop);
		return;
	}
	loop_timer_arm(loop, &d->stop_timer, STOP_WAIT_MS);
}

/* ---- control socket ---- */

static void status_table(void *arg, struct ctl_buf *b)
{
	struct lvsd *d = arg;

	ctl_printf(b, "lvsd %s: up %llus, config %s, %d virtual servers\n", LVSBOX_VERSION,
		   (unsigned long long)(now_ms(d) / 1000), d->conf_path, d->nvs);
	ctl_printf(b, "reconciles %lu, kernel adds %lu edits %lu removes %lu, repairs %lu, kernel errors %lu\n",
		   d->sync.reconciles, d->sync.adds, d->sync.edits, d->sync.dels, d->sync.repairs, d->sync.kernel_errors);
	ctl_printf(b, "reloads %lu (failed %lu), checkd events %lu (bad %lu)\n", d->reloads, d->reload_failures,
		   d->events, d->bad_events);
	struct child *kids[2] = { &d->checkd, &d->vrrpd };
	for (int i = 0; i < 2; i++) {
		if (kids[i]->pid)
			ctl_printf(b, "%s: pid %d, started %lu times\n", kids[i]->name, (int)kids[i]->pid, kids[i]->starts);
		else
			ctl_printf(b, "%s: %s\n", kids[i]->name, kids[i]->wanted ? "restarting" : "not needed");
	}
	for (int v = 0; v < d->nvs; v++)
		lvs_table(b, &d->vs[v], now_ms(d));
}

static void status_json(void *arg, struct ctl_buf *b)
{
	struct lvsd *d = arg;
	struct json j;

	json_init(&j, b);
	json_object_begin(&j);
	json_key_uint(&j, "uptime_ms", now_ms(d));
	json_key_string(&j, "config", d->conf_path ? d->conf_path : "");
	json_key_uint(&j, "reconciles", d->sync.reconciles);
	json_key_uint(&j, "kernel_adds", d->sync.adds);
	json_key_uint(&j, "kernel_edits", d->sync.edits);
	json_key_uint(&j, "kernel_removes", d->sync.dels);
	json_key_uint(&j, "repairs", d->sync.repairs);
	json_key_uint(&j, "kernel_errors", d->sync.kernel_errors);
	json_key_uint(&j, "reloads", d->reloads);
	json_key_uint(&j, "reload_failures", d->reload_failures);
	json_key_uint(&j, "events", d->events);
	json_key_uint(&j, "bad_events", d->bad_events);
	json_key_array(&j, "children");
	const struct child *kids[2] = { &d->checkd, &d->vrrpd };
	for (int i = 0; i < 2; i++) {
		json_object_begin(&j);
		json_key_string(&j, "name", kids[i]->name);
		json_key_bool(&j, "wanted", kids[i]->wanted);
		json_key_int_if(&j, "pid", kids[i]->pid != 0, kids[i]->pid);
		json_key_uint(&j, "starts", kids[i]->starts);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key_array(&j, "virtual_servers");
	for (int v = 0; v < d->nvs; v++)
		lvs_json(&j, &d->vs[v]);
	json_array_end(&j);
	json_object_end(&j);
	ctl_puts(b, "\n");
}

/* ---- metrics and the status page (docs/metrics.md) ---- */

enum { ANSWER_CHECKD_METRICS, ANSWER_VRRPD_METRICS, ANSWER_CHECKD_JSON, ANSWER_VRRPD_JSON };

static struct child *answer_child(struct lvsd *d, int i)
{
	return i % 2 == 0 ? &d->checkd : &d->vrrpd;
}

/* Answer i, when its child runs and it is fresh enough to serve. */
static const struct strbuf *answer_of(struct lvsd *d, int i)
{
	const struct child_answer *a = &d->answers[i];

	if (!answer_child(d, i)->pid || !a->have || !a->text.len || loop_now_ms(&d->loop) - a->at > METRICS_STALE_MS)
		return NULL;
	return &a->text;
}

/* A reader asked for kind (0 metrics, 1 the page's JSON): keep fetching
 * it, and at once when it was not being fetched. */
static void metrics_wanted(struct lvsd *d, int kind)
{
	uint64_t now = loop_now_ms(&d->loop);
	bool idle = !d->ever_wanted[kind] || now - d->wanted_at[kind] > METRICS_WANTED_MS;

	d->wanted_at[kind] = now;
	d->ever_wanted[kind] = true;
	if (idle)
		loop_timer_arm(&d->loop, &d->metrics_tick, 0);
}

static void on_answer(struct ctl_fetch *f, bool ok, const char *text, size_t len)
{
	struct child_answer *a = f->arg;

	strbuf_reset(&a->text);
	a->have = ok;
	a->at = loop_now_ms(&a->d->loop);
	if (ok)
		strbuf_append(&a->text, text, len);
	if (a->text.oom)
		a->have = false;
}

/* Everything lvsd knows, in Prometheus text: itself, IPVS, its model,
 * then what its running children last said. */
static void metrics_text(struct lvsd *d, struct strbuf *b)
{
	prom_family(b, "keepalived_up", "gauge", "Status");
	prom_u64(b, "keepalived_up", NULL, 1);
	if (d->want_check) {
		int rc = lvs_metrics_ipvs(b, d->sync.ipvs);
		if (rc != 0)
			log_debug("metrics: IPVS dump: %s", strerror(-rc));
		lvs_metrics_model(b, d->vs, d->nvs);
	}
	for (int i = ANSWER_CHECKD_METRICS; i <= ANSWER_VRRPD_METRICS; i++) {
		const struct strbuf *t = answer_of(d, i);
		if (t)
			strbuf_append(b, t->data, t->len);
	}
}

/* lvsd's own --json with checkd's and vrrpd's beside it (null when the
 * child does not run or did not answer): what the status page reads. */
static void page_json(struct lvsd *d, struct strbuf *b)
{
	static const char *const keys[] = { NULL, NULL, "checkd", "vrrpd" };
	struct strbuf own = { 0 };
	struct json j;
	char host[256] = "";

	status_json(d, &own);
	gethostname(host, sizeof(host) - 1);
	json_init(&j, b);
	json_object_begin(&j);
	json_key_string(&j, "host", host);
	json_key(&j, "lvsd");
	json_raw(&j, own.data ? own.data : "null", own.data ? own.len : 4);
	for (int i = ANSWER_CHECKD_JSON; i <= ANSWER_VRRPD_JSON; i++) {
		const struct strbuf *t = answer_of(d, i);
		json_key(&j, keys[i]);
		if (t)
			json_raw(&j, t->data, t->len);
		else
			json_null(&j);
	}
	json_object_end(&j);
	strbuf_puts(b, "\n");
	strbuf_free(&own);
}

static void on_http_request(const struct http_request *req, struct http_reply *reply, void *arg)
{
	struct lvsd *d = arg;

	if (strcmp(req->path, "/metrics") == 0) {
		reply->content_type = PROM_CONTENT_TYPE;
		metrics_wanted(d, 0);
		metrics_text(d, &reply->body);
	} else if (strcmp(req->path, "/") == 0 || strcmp(req->path, "/index.html") == 0) {
		reply->content_type = "text/html; charset=utf-8";
		strbuf_puts(&reply->body, lvs_status_page);
	} else if (strcmp(req->path, "/status.json") == 0) {
		reply->content_type = "application/json";
		metrics_wanted(d, 1);
		page_json(d, &reply->body);
	} else {
		reply->status = 404;
		strbuf_puts(&reply->body, "404 Not Found: try /metrics, / or /status.json\n");
	}
}

/* Every METRICS_REFRESH_MS: the children asked again, the .prom file
 * written with what is known now. */
static void on_metrics_tick(struct loop *loop, struct loop_timer *timer)
{
	static const char *const commands[] = { "metrics", "metrics", "json", "json" };
	struct lvsd *d = timer->arg;

	uint64_t now = loop_now_ms(loop);
	for (int i = 0; i < 4; i++) {
		struct child_answer *a = &d->answers[i];
		int kind = i / 2;
		bool wanted = (kind == 0 && d->metrics_file) ||
			      (d->ever_wanted[kind] && now - d->wanted_at[kind] <= METRICS_WANTED_MS);
		a->d = d;
		if (!answer_child(d, i)->pid || !wanted) {
			a->have = false;
			continue;
		}
		ctl_fetch_start(&a->fetch, loop, i % 2 == 0 ? CHECKD_SOCK : VRRPD_SOCK, commands[i],
				METRICS_CHILD_MAX, METRICS_FETCH_TIMEOUT_MS, on_answer, a);
	}
	if (d->metrics_file) {
		struct strbuf b = { 0 };
		metrics_text(d, &b);
		if (b.oom || file_replace(d->metrics_file, b.data, b.len, 0644, NULL) != 0)
			log_warn("metrics: cannot write %s: %s", d->metrics_file, b.oom ? "out of memory" : strerror(errno));
		strbuf_free(&b);
	}
	loop_timer_arm(loop, timer, METRICS_REFRESH_MS);
}

static int metrics_start(struct lvsd *d)
{
	loop_timer_init(&d->metrics_tick, on_metrics_tick, d);
	if (d->metrics_listen) {
		int rc = http_listen(&d->http, &d->loop, d->metrics_listen, on_http_request, d);
		if (rc != 0) {
			log_err("metrics: cannot listen on %s: %s", d->metrics_listen, strerror(-rc));
			return -1;
		}
		log_notice("metrics and status page on http://%s/", d->metrics_listen);
	}
	if (d->metrics_listen || d->metrics_file)
		loop_timer_arm(&d->loop, &d->metrics_tick, 0);
	return 0;
}

static void metrics_stop(struct lvsd *d)
{
	loop_timer_cancel(&d->loop, &d->metrics_tick);
	http_close(&d->http);
	for (int i = 0; i < 4; i++) {
		ctl_fetch_cancel(&d->answers[i].fetch);
		strbuf_free(&d->answers[i].text);
	}
}

/*
 * drain, enable, weight: root only (the peer's uid as the kernel gives it),
 * every change logged with who asked; applied by the next reconcile, at once.
 */
static void ctl_override(struct lvsd *d, const char *command, struct ctl_buf *reply)
{
	const struct ctl_server *srv = &d->ctl;
	struct lvs_ctl_cmd cmd;
	struct lvs *vs;
	struct lrs *rs;
	char err[200], was[32], now[32];

	if (!srv->peer_known || srv->peer_uid != 0) {
		if (srv->peer_known)
			log_warn("ctl: '%s' refused: uid %u (pid %d) is not root", command, (unsigned)srv->peer_uid,
				 (int)srv->peer_pid);
		ctl_puts(reply, "error: permission denied: only root may drain, enable or weight a real server\n");
		return;
	}
	if (!d->want_check) {
		ctl_puts(reply, "error: this lvsd runs VRRP only (-P): it programs no real servers\n");
		return;
	}
	if (lvs_ctl_parse(command, &cmd, err, sizeof(err)) != 0 ||
	    lvs_ctl_find(d->conf, d->vs, d->nvs, &cmd, &vs, &rs, err, sizeof(err)) != 0) {
		ctl_printf(reply, "error: %s\n", err);
		return;
	}
	char name[LRS_NAME_MAX];
	lrs_name(rs, name);
	lvs_ctl_describe(rs, was, sizeof(was));
	if (!lvs_ctl_apply(rs, &cmd)) {
		ctl_printf(reply, "%s %s: override %s already\n", vs->name, name, was);
		return;
	}
	lvs_ctl_describe(rs, now, sizeof(now));
	log_notice("ctl: %s %s: override %s (was %s), IPVS weight %d while %s; by uid 0 pid %d", vs->name, name,
		   now, was, rs->up ? lvs_rs_live_weight(rs) : 0, rs->up ? "up" : "down", (int)srv->peer_pid);
	if (rs->ctl == LRS_CTL_NONE)
		ctl_printf(reply, "%s %s: enabled (override %s removed): its configured weight and checker decide\n",
			   vs->name, name, was);
	else
		ctl_printf(reply, "%s %s: override %s (was %s) until the next reload\n", vs->name, name, now, was);
	quorum_update(d, vs);
	kick(d);
}

static void on_ctl_request(const char *command, struct ctl_buf *reply, void *arg)
{
	struct lvsd *d = arg;

	if (lvs_ctl_is_request(command))
		ctl_override(d, command, reply);
	else if (strcmp(command, "status") == 0 || strcmp(command, "json") == 0)
		daemon_ctl_answer(command, reply, arg, status_table, status_json);
	else
		ctl_puts(reply, "error: commands are 'status', 'json', 'drain', 'enable' and 'weight'\n");
}

/*
 * lvsd [-S SOCKET] ctl WORDS...: the words, joined by spaces, are one request
 * line; the daemon's answer goes to stdout, a refusal to stderr with exit 1.
 */
static int ctl_client(const char *prog, const char *sock_path, int argc, char **argv)
{
	char line[CTL_MAX_REQUEST];
	size_t len = 0;

	if (argc < 1) {
		fprintf(stderr, "%s: ctl: drain|enable VS RS, or weight VS RS N (lvsd --help)\n", prog);
		return 2;
	}
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		for (const char *p = argv[i]; *p; p++)
			if ((unsigned char)*p <= ' ' || *p == 0x7f) {
				fprintf(stderr, "%s: ctl: '%s': a word with a blank or a control character\n", prog, argv[i]);
				return 2;
			}
		if (n == 0 || len + n + 2 > sizeof(line) - sizeof(CTL_SIZED)) {
			fprintf(stderr, "%s: ctl: %s\n", prog, n ? "request too long" : "an empty word");
			return 2;
		}
		if (i)
			line[len++] = ' ';
		memcpy(line + len, argv[i], n);
		len += n;
	}
	line[len] = '\0';
	return daemon_ctl_client(prog, sock_path, line);
}

/* Where "ctl" starts the client's words, after the options (which may only
 * be -S SOCKET there); 0 when there is none. An option's argument that
 * happens to be "ctl" is not it. */
static int ctl_word_at(int argc, char **argv)
{
	static const char *const with_arg[] = { "-S", "--socket", "-f", "--use-file", "-p", "--pid" };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], LVSD_CTL_WORD) != 0)
			continue;
		bool is_arg = false;
		for (size_t k = 0; k < sizeof(with_arg) / sizeof(with_arg[0]) && !is_arg; k++)
			is_arg = strcmp(argv[i - 1], with_arg[k]) == 0;
		if (!is_arg)
			return i;
	}
	return 0;
}

/* ---- main ---- */

/* The first pass and the children, once startup_script has ended. */
static void begin_work(struct lvsd *d)
{
	if (d->sv.stopping)
		return;
	d->working = true;
	if (d->want_check)
		reconcile(d, true);
	loop_timer_arm(&d->loop, &d->tick, RECONCILE_INTERVAL_MS);
	if (!d->want_check)
		loop_timer_cancel(&d->loop, &d->tick);
	children_follow(d, false);
}

/* shutdown_script has ended: the loop it ran in ends too. */
static void end_work(struct lvsd *d)
{
	if (!d->shutdown_pending)
		return;
	d->shutdown_pending = false;
	loop_break(&d->loop);
}

static int run_daemon(struct lvsd *d, bool foreground)
{
	ssize_t n = readlink("/proc/self/exe", d->self, sizeof(d->self) - 1);
	if (n <= 0) {
		log_err("cannot find my own binary: %s", strerror(errno));
		return 1;
	}
	d->self[n] = '\0';
	/* Children get the config by path and re-read it after we chdir("/"). */
	char abs[PATH_MAX];
	if (d->conf_path[0] != '/' && realpath(d->conf_path, abs))
		d->conf_path = strdup(abs);
	if (!d->conf_path)
		return 1;
	d->conf = read_config(d->conf_path, false, &d->fingerprint);
	if (!d->conf)
		return EXIT_CONF_FATAL;
	if (daemon_start_loop(&d->loop, foreground, false) != 0)
		return 1;
	d->start_ms = loop_now_ms(&d->loop);
	if (model_load(d, d->conf, NULL, 0, &d->vs, &d->nvs) != 0) {
		log_err("out of memory");
		return 1;
	}
	static const struct daemon_hooks hooks = { on_ctl_request, on_reload, on_stop };
	daemon_serve(&d->loop, &d->ctl, d->sock_path, d->pid_path, &hooks, d);
	if (metrics_start(d) != 0) {
		daemon_unserve(&d->ctl, d->pid_path);
		return 1;
	}
	loop_signal(&d->loop, SIGCHLD, on_sigchld, d);
	loop_timer_init(&d->tick, on_tick, d);
	syncd_keeper_init(&d->syncd, &d->loop);
	loop_timer_init(&d->kick, on_kick, d);
	loop_timer_init(&d->stop_timer, loop_break_timer, d);
	d->sv.loop = &d->loop;
	d->sv.self = d->self;
	d->sv.conf_path = d->conf_path;
	d->sv.on_line = on_event_line;
	d->sv.arg = d;
	child_init(&d->checkd, &d->sv, "checkd", true);
	child_init(&d->vrrpd, &d->sv, "vrrpd", false);

	log_notice("lvsbox %s lvsd starting with %s: %d virtual servers", LVSBOX_VERSION, d->conf_path, d->nvs);
	if (d->want_check && d->conf->global.lvs_flush)
		ipvs_sync_flush(&d->sync, "lvs_flush");
	kernel_settings(d);
	/* startup_script first, as keepalived runs it before its children */
	run_script_then(d, &d->conf->global.startup_script, d->conf->global.startup_script_timeout * 1000ull,
			begin_work);
	int rc = loop_run(&d->loop);
	metrics_stop(d);
	loop_timer_cancel(&d->loop, &d->stop_timer);
	child_kill_left(&d->checkd);
	child_kill_left(&d->vrrpd);
	if (d->keep_ipvs)
		log_notice("leaving the IPVS table as it is (-I)");
	else if (d->want_check && d->conf->global.lvs_flush_on_stop == CONF_FLUSH_ON_STOP_FULL)
		ipvs_sync_flush(&d->sync, "lvs_flush_on_stop");
	else
		ipvs_sync_release(&d->sync);
	syncd_keeper_stop(&d->syncd);
	if (d->syncd_managed)
		syncd_apply(NULL, SYNCD_NONE);
	/* shutdown_script last, as keepalived runs it once its children are gone */
	if (d->conf->global.shutdown_script.argc) {
		d->sv.stopping = true;
		d->shutdown_pending = true;
		run_script_then(d, &d->conf->global.shutdown_script,
				d->conf->global.shutdown_script_timeout * 1000ull, end_work);
		if (d->shutdown_pending && loop_run(&d->loop) != 0)
			rc = -1;
	}
	daemon_unserve(&d->ctl, d->pid_path);
	log_notice("stopped");
	return rc == 0 ? 0 : 1;
}

/* --uci: the keepalived config for OpenWrt's UCI file on stdout; the
 * file globals' alt_config_file names instead, when it exists, as the
 * init script then runs that one. 0, or 3 with the reason on stderr. */
static int uci_print(const char *path, const char *hotplug)
{
	struct uci_keepalived_opts opts = { .hotplug_call = hotplug };
	struct strbuf out = { 0 };
	struct uci_pkg *pkg;
	char err[512];
	int rc = EXIT_CONF_FATAL;

	if (uci_parse_file(path, &pkg, err, sizeof(err)) != 0) {
		fprintf(stderr, "lvsd: %s\n", err);
		return rc;
	}
	const char *alt = uci_keepalived_alt_config(pkg);
	struct stat st;
	if (alt && stat(alt, &st) == 0 && S_ISREG(st.st_mode)) {
		FILE *f = fopen(alt, "r");
		char buf[4096];
		size_t n;
		if (!f) {
			fprintf(stderr, "lvsd: %s: %s\n", alt, strerror(errno));
		} else {
			while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
				strbuf_append(&out, buf, n);
			if (!ferror(f))
				rc = 0;
			fclose(f);
		}
	} else if (uci_keepalived(pkg, &opts, &out, err, sizeof(err)) != 0) {
		fprintf(stderr, "lvsd: %s\n", err);
	} else {
		rc = 0;
	}
	if (rc == 0 && (out.oom || (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) ||
			fflush(stdout) != 0)) {
		fprintf(stderr, "lvsd: cannot write the config\n");
		rc = 1;
	}
	strbuf_free(&out);
	uci_pkg_free(pkg);
	return rc;
}

/* as_keepalived: keepalived's own meaning of -S -P -C -c -r -R -v -h. */
static int director_main(int argc, char **argv, bool as_keepalived)
{
	const char *prog = as_keepalived ? "keepalived" : "lvsd";
	const struct opts_cmd *cmd = as_keepalived ? &keepalived_cmd : &lvsd_cmd;
	struct daemon_args args = { .conf_path = LVSD_DEFAULT_CONF, .sock_path = LVSD_DEFAULT_SOCK };
	bool keep = false, no_respawn = false, keep_overrides = false;
	bool vrrp_only = false, check_only = false;
	const char *uci_path = NULL, *hotplug = NULL;
	const char *metrics_listen = NULL, *metrics_file = NULL;
	struct opts o;
	char *arg;
	int opt;

	if (opts_start(&o, cmd, prog) != 0)
		return 1;
	/* The ctl words are ipvsadm's (-t, -f, -u): getopt must not see them. */
	int ctl_at = as_keepalived ? 0 : ctl_word_at(argc, argv);
	int opt_argc = ctl_at ? ctl_at : argc;
	while ((opt = opts_next(&o, opt_argc, argv, &arg)) != -1) {
		/* keepalived's -S is its syslog facility, which we do not take */
		if (opt == 'S' && as_keepalived)
			continue;
		if (daemon_parse_opt(&args, opt, arg))
			continue;
		switch (opt) {
		case 'I': keep = true; break;
		case 'K': keep_overrides = true; break;
		case 'M': metrics_listen = arg; break;
		case 'W': metrics_file = arg; break;
		case 'c': case 'r': break;
		case 'P': vrrp_only = true; break;
		case 'C': check_only = true; break;
		case 'R': no_respawn = true; break;
		case 'U': uci_path = arg; break;
		case 'H': hotplug = arg; break;
		default: return daemon_opt_other(cmd, opt);
		}
	}
	if (ctl_at) {
		if (optind < ctl_at || args.test || args.client_cmd || args.verbose) {
			fprintf(stderr, "%s: only -S SOCKET goes before ctl\n", prog);
			return 2;
		}
		return ctl_client(prog, args.sock_path, argc - ctl_at - 1, argv + ctl_at + 1);
	}
	int end = daemon_args_end(prog, cmd, &args, argc, argv);
	if (end >= 0)
		return end;
	if (metrics_listen) {
		struct sockaddr_storage sa;
		unsigned salen;
		char why[200];
		if (http_parse_listen(metrics_listen, &sa, &salen, why, sizeof(why)) != 0) {
			fprintf(stderr, "%s: --metrics-listen: %s\n", prog, why);
			return 2;
		}
	}
	if (hotplug && !uci_path) {
		fprintf(stderr, "%s: --hotplug-call goes with --uci\n", prog);
		return 2;
	}
	if (uci_path)
		return uci_print(uci_path, hotplug);
	if (vrrp_only && check_only) {
		fprintf(stderr, "%s: -P and -C exclude each other\n", prog);
		return 2;
	}
	int rc = daemon_run_once(prog, &args, DAEMON_TEST_CHECKERS | DAEMON_TEST_VRRP_SCRIPTS |
					     DAEMON_TEST_CHECKER_SCRIPTS);
	if (rc >= 0)
		return rc;

	log_init(prog, args.log_flags);
	struct lvsd *d = calloc(1, sizeof(*d));
	if (!d)
		return 1;
	d->conf_path = args.conf_path;
	d->sock_path = args.sock_path;
	d->pid_path = args.pid_path;
	d->sv.log_flags = args.log_flags;
	d->sv.config_id = args.config_id;
	d->keep_ipvs = keep;
	d->keep_overrides = keep_overrides;
	d->metrics_listen = metrics_listen;
	d->metrics_file = metrics_file;
	d->sv.no_respawn = no_respawn;
	d->want_check = !vrrp_only;
	d->want_vrrp = !check_only;
	rc = run_daemon(d, args.foreground);
	ipvs_sync_free(&d->sync);
	model_free(d->vs, d->nvs);
	if (d->conf)
		conf_keepalived_free(d->conf);
	if (d->loop.epoll_fd > 0)
		loop_done(&d->loop);
	if (d->conf_path != args.conf_path)
		free((char *)d->conf_path);
	free(d);
	return rc;
}

int lvsd_main(int argc, char **argv)
{
	return director_main(argc, argv, false);
}

int keepalived_main(int argc, char **argv)
{
	return director_main(argc, argv, true);
}
