/*
 * daemon.c - the daemon plumbing lvsd, checkd and vrrpd share (see daemon.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "check.h"
#include "ctl.h"
#include "conf_printconf.h"
#include "daemon.h"
#include "file.h"
#include "version.h"
#include "log.h"

/*
 * What the daemon holds so that it is the only one on its pid file and its
 * control socket: a flock on "<pid file>.lock" and on "<socket>.lock", taken
 * before anything is touched and kept until the process ends. The lock
 * files stay behind (a lock file removed while someone waits on it would
 * let two holders in); each holds the pid of its holder for the message a
 * second instance prints. Also the pid file this process wrote, so that
 * only that file is removed.
 */
static struct {
	bool claimed;           /* daemon_claim ran and let us start */
	int pid_lock_fd;        /* -1: no pid file asked for */
	int sock_lock_fd;       /* -1: no lock on the socket, so no socket either */
	bool pid_written;
	dev_t pid_dev;
	ino_t pid_ino;
} instance = { false, -1, -1, false, 0, 0 };

/*
 * keepalived's dump signals, which operators send by habit: SIGUSR1 writes
 * the state (the control socket's "status" answer) to <dir>/<name>.data,
 * SIGUSR2 the statistics (its "json" answer) to <dir>/<name>.stats, where
 * keepalived writes /tmp/keepalived.data and /tmp/keepalived.stats. The
 * daemon's own name keeps lvsd, checkd and vrrpd from overwriting each
 * other; dir is $TMPDIR when it is an absolute path, /tmp otherwise.
 */
#define DUMP_DEFAULT_DIR "/tmp"
static struct {
	char name[32];          /* the daemon's, from daemon_claim */
	char dir[PATH_MAX - 64];
	ctl_handler_fn *answer; /* the daemon's control-socket handler */
	void *daemon;
} dump; /* zero-initialised: 4 KiB of bss rather than of the binary's data */

/* Locks "<path>.lock" for what (a pid file, a control socket); prints why
 * not to stderr. The fd, or -1. */
static int claim_one(const char *prog, const char *what, const char *path, bool *held_elsewhere)
{
	char lock_path[PATH_MAX], why[PATH_MAX + 128];
	pid_t holder;

	*held_elsewhere = false;
	if (snprintf(lock_path, sizeof(lock_path), "%s.lock", path) >= (int)sizeof(lock_path)) {
		fprintf(stderr, "%s: %s %s: name too long\n", prog, what, path);
		return -1;
	}
	int fd = file_lock_take(lock_path, &holder, why, sizeof(why));
	if (fd >= 0)
		return fd;
	if (holder >= 0) {
		*held_elsewhere = true;
		if (holder > 0)
			fprintf(stderr, "%s: already running as pid %d on %s %s (it holds %s); not starting\n",
				prog, (int)holder, what, path, lock_path);
		else
			fprintf(stderr, "%s: another instance runs on %s %s (it holds %s); not starting\n",
				prog, what, path, lock_path);
		return -1;
	}
	fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, why);
	return -1;
}

/*
 * SIGUSR1 and SIGUSR2 kill a process by default. A daemon that is going to
 * start blocks them here, before it reads its config and takes addresses,
 * so that one sent while it starts up waits for daemon_serve instead; the
 * children it spawns unblock every signal before exec (loop_spawn).
 */
static void dump_hold_signals(const char *prog)
{
	sigset_t dump_signals;

	snprintf(dump.name, sizeof(dump.name), "%s", prog);
	sigemptyset(&dump_signals);
	sigaddset(&dump_signals, SIGUSR1);
	sigaddset(&dump_signals, SIGUSR2);
	sigprocmask(SIG_BLOCK, &dump_signals, NULL);
}

int daemon_claim(const char *prog, const char *sock_path, const char *pid_path)
{
	char why[PATH_MAX + 128];
	bool held;

	if (pid_path) {
		if (file_unsafe(pid_path, why, sizeof(why))) {
			fprintf(stderr, "%s: pid file %s; not starting\n", prog, why);
			return -1;
		}
		instance.pid_lock_fd = claim_one(prog, "pid file", pid_path, &held);
		if (instance.pid_lock_fd < 0) {
			if (!held)
				fprintf(stderr, "%s: not starting without pid file %s\n", prog, pid_path);
			return -1;
		}
	}
	if (sock_path) {
		if (strncmp(sock_path, CTL_DIR "/", sizeof(CTL_DIR)) == 0)
			mkdir(CTL_DIR, 0755);
		instance.sock_lock_fd = claim_one(prog, "control socket", sock_path, &held);
		if (instance.sock_lock_fd < 0) {
			if (held) {
				close(instance.pid_lock_fd);
				instance.pid_lock_fd = -1;
				return -1;
			}
			fprintf(stderr, "%s: running without a control socket\n", prog);
		}
	}
	dump_hold_signals(prog);
	instance.claimed = true;
	return 0;
}

int daemon_write_pidfile(const char *path)
{
	char why[PATH_MAX + 128], buf[24];
	struct stat st;

	/* A link or a file of someone else's at path is not ours to replace. */
	if (file_unsafe(path, why, sizeof(why))) {
		errno = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? ELOOP : EPERM;
		return -1;
	}
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (file_replace(path, buf, (size_t)n, 0644, &st) != 0)
		return -1;
	instance.pid_written = true;
	instance.pid_dev = st.st_dev;
	instance.pid_ino = st.st_ino;
	return 0;
}

int daemon_detach(bool keep_stdout)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	setsid();
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		if (!keep_stdout)
			dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return chdir("/");
}

void daemon_log_diags(const struct conf_tree *tree)
{
	int all = tree->nerrors + tree->nwarnings + tree->nnotes;

	for (int i = 0; i < tree->ndiags; i++) {
		int is_error = tree->diags[i].is_error;
		log_msg(is_error == CONF_NOTE ? LOG_NOTICE : is_error ? LOG_ERR : LOG_WARNING, "%s",
			tree->diags[i].text);
	}
	if (all > tree->ndiags)
		log_msg(LOG_WARNING, "%d more diagnostics not shown", all - tree->ndiags);
}

static conf_vs_fn count_checker_errors;

static void skip_virtual_server(const struct conf_keepalived *conf, const struct conf_virtual_server *vs, void *ctx)
{
	(void)conf;
	(void)vs;
	(void)ctx;
}

struct conf_keepalived *daemon_read(const char *path, enum daemon_read what, int *checker_errors)
{
	switch (what) {
	case DAEMON_READ_SERVERS:
		*checker_errors = 0;
		return conf_keepalived_read_servers(path, count_checker_errors, checker_errors);
	case DAEMON_READ_NO_SERVERS:
		return conf_keepalived_check_each(path, skip_virtual_server, NULL);
	default:
		return conf_keepalived_read(path);
	}
}

struct conf_keepalived *daemon_reload_read(const char *path, enum daemon_read what, int *checker_errors)
{
	struct stat st;

	/* A config being rewritten can be caught empty, and an empty config
	 * means "no instances, no servers": taken as such it would remove every
	 * VIP and IPVS entry. So an empty file on reload is a mistake. */
	if (stat(path, &st) != 0) {
		log_err("reload: cannot read %s: %s, keeping the running config", path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		log_err("reload: %s is a directory, keeping the running config", path);
		return NULL;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		log_err("reload: %s is empty (a write in progress?), keeping the running config", path);
		return NULL;
	}
	struct conf_keepalived *conf = daemon_read(path, what, checker_errors);
	if (!conf) {
		log_err("reload: out of memory, keeping the running config");
		return NULL;
	}
	daemon_log_diags(conf->tree);
	if (conf->tree->nerrors) {
		log_err("reload: %s has %d error(s), keeping the running config", path, conf->tree->nerrors);
		conf_keepalived_free(conf);
		return NULL;
	}
	return conf;
}

int daemon_script_ids(int argc, char *const *argv, const char *default_user, const char *default_group,
		      uid_t *uid, gid_t *gid)
{
	const char *user = argc >= 2 ? argv[1] : default_user;
	const char *group = argc >= 3 ? argv[2] : argc >= 2 ? NULL : default_group;

	return script_ids(user, group, uid, gid);
}

int daemon_script_secure(const char *argv0, uid_t run_as, char *why, size_t n)
{
	return script_secure(argv0, run_as, why, n);
}

const char *daemon_default_script_user(const struct conf_global *g, const char **group)
{
	return conf_default_script_user(g, group);
}

static bool cmd_set(const struct conf_cmd *c)
{
	return c->argv && c->argc;
}

/* quorum_up/down, a real server's notify_up/down, MISC_CHECK */
static bool vs_has_scripts(const struct conf_virtual_server *cv)
{
	if (cmd_set(&cv->quorum_up) || cmd_set(&cv->quorum_down))
		return true;
	for (int r = 0; r < cv->nreal_servers; r++) {
		const struct conf_real_server *cr = &cv->real_servers[r];
		if (!cr->checks)
			continue;
		if (cmd_set(&cr->checks->notify_up) || cmd_set(&cr->checks->notify_down))
			return true;
		for (int k = 0; k < cr->ncheckers; k++)
			if (cr->checks->checkers[k].type == CONF_CHECK_MISC)
				return true;
	}
	return false;
}

static bool has_scripts(const struct conf_keepalived *c, bool with_checkers)
{
	if (c->nscripts)
		return true;
	for (int i = 0; i < c->ninstances; i++) {
		const struct conf_vrrp_instance *v = &c->instances[i];
		if (cmd_set(&v->notify) || cmd_set(&v->notify_master) || cmd_set(&v->notify_backup) ||
		    cmd_set(&v->notify_fault) || cmd_set(&v->notify_stop))
			return true;
	}
	for (int i = 0; i < c->nsync_groups; i++) {
		const struct conf_sync_group *g = &c->sync_groups[i];
		if (cmd_set(&g->notify) || cmd_set(&g->notify_master) || cmd_set(&g->notify_backup) ||
		    cmd_set(&g->notify_fault) || cmd_set(&g->notify_stop))
			return true;
	}
	if (!with_checkers)
		return false;
	for (int v = 0; v < c->nvirtual_servers; v++)
		if (vs_has_scripts(&c->virtual_servers[v]))
			return true;
	return false;
}

/* Checker options checkd would refuse, in one virtual server: written to
 * out (or logged when out is NULL), and counted. */
static int vs_checker_errors(const struct conf_keepalived *conf, const struct conf_virtual_server *cv, FILE *out)
{
	char err[256];
	int bad = 0;

	for (int r = 0; r < cv->nreal_servers; r++)
		for (int k = 0; cv->real_servers[r].checks && k < cv->real_servers[r].ncheckers; k++) {
			struct check_params p;
			memset(&p, 0, sizeof(p));
			if (check_params_from_conf(&p, conf, cv, &cv->real_servers[r],
						   &cv->real_servers[r].checks->checkers[k], err, sizeof(err)) != 0) {
				if (out)
					fprintf(out, "%s\n", err);
				else
					log_err("%s", err);
				bad++;
				continue;
			}
			check_params_free(&p);
		}
	return bad;
}

static void count_checker_errors(const struct conf_keepalived *conf, const struct conf_virtual_server *vs, void *ctx)
{
	*(int *)ctx += vs_checker_errors(conf, vs, NULL);
}

struct conf_keepalived *daemon_patch_read(const struct conf_keepalived *base, const char *path,
					  const struct conf_reread *r, int *checker_errors, const char **why)
{
	*checker_errors = 0;
	return conf_keepalived_patch(base, path, r, count_checker_errors, checker_errors, why);
}

/* -t: each virtual server checked as it is read, then let go (conf_keepalived_check_each). */
struct config_test {
	unsigned tests;
	FILE *errors;               /* the checkers' verdicts, shown after the config's own */
	int bad;
	bool vs_scripts;
};

static void test_virtual_server(const struct conf_keepalived *conf, const struct conf_virtual_server *vs, void *ctx)
{
	struct config_test *t = ctx;

	if (t->tests & DAEMON_TEST_CHECKERS)
		t->bad += vs_checker_errors(conf, vs, t->errors);
	if (vs_has_scripts(vs))
		t->vs_scripts = true;
}

int daemon_check_config(const char *prog, const char *path, unsigned tests)
{
	char *errors = NULL;
	size_t errors_len = 0;
	struct config_test t = { .tests = tests, .errors = open_memstream(&errors, &errors_len) };
	struct conf_keepalived *conf = t.errors ? conf_keepalived_check_each(path, test_virtual_server, &t) : NULL;
	int rc;

	if (t.errors)
		fclose(t.errors);
	if (!conf) {
		free(errors);
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_CONF_FATAL;
	}
	conf_print_diags(stderr, conf->tree);
	/* as lvsd refuses a config: checkers are judged in a config without errors */
	int bad = conf->tree->nerrors ? 0 : t.bad;
	if (bad)
		fwrite(errors, 1, errors_len, stderr);
	free(errors);
	bool with_checkers = (tests & DAEMON_TEST_CHECKER_SCRIPTS) != 0;
	bool scripts = (tests & (DAEMON_TEST_VRRP_SCRIPTS | DAEMON_TEST_CHECKER_SCRIPTS)) &&
		       (has_scripts(conf, with_checkers) || (with_checkers && t.vs_scripts));
	if (conf->tree->nerrors || bad)
		rc = EXIT_CONF_FATAL;
	else if (scripts && !conf->global.enable_script_security)
		rc = EXIT_CONF_SCRIPT_SECURITY;
	else if (conf->tree->nwarnings)
		rc = EXIT_CONF_WARNINGS;
	else
		rc = EXIT_CONF_OK;
	if (rc == EXIT_CONF_SCRIPT_SECURITY)
		fprintf(stderr, "%s: scripts are configured but enable_script_security is not set\n", path);
	conf_keepalived_free(conf);
	return rc;
}

int daemon_ctl_client(const char *prog, const char *sock_path, const char *command)
{
	struct ctl_result res;
	int rc = ctl_request(sock_path, command, STDOUT_FILENO, &res);

	if (rc == 0)
		return 0;
	/* Whatever reached stdout is not the whole answer: say so on stderr and
	 * fail, so that nobody takes half a document for the state. */
	fflush(stdout);
	fprintf(stderr, "%s: %s: ", prog, sock_path);
	if (rc == -EREMOTEIO)
		fprintf(stderr, "%s\n", res.error);
	else if (rc == -EPIPE && res.expected)
		fprintf(stderr, "reply cut short: the daemon closed the connection after %zu of %zu bytes\n",
			res.received, res.expected);
	else if (rc == -EPIPE)
		fprintf(stderr, "the daemon closed the connection without an answer\n");
	else if (rc == -ETIMEDOUT && res.expected)
		fprintf(stderr, "reply cut short: nothing for %d s after %zu of %zu bytes\n",
			CTL_CLIENT_TIMEOUT_MS / 1000, res.received, res.expected);
	else if (rc == -ETIMEDOUT)
		fprintf(stderr, "no answer within %d s\n", CTL_CLIENT_TIMEOUT_MS / 1000);
	else if (rc == -EPROTO)
		fprintf(stderr, "not an answer this client understands (a daemon of another version?)\n");
	else if (rc == -EIO)
		fprintf(stderr, "cannot write the reply to stdout\n");
	else
		fprintf(stderr, "%s\n", strerror(-rc));
	return 1;
}

/* ---- command line and start-up every daemon shares ---- */

const struct opts_row daemon_keepalived_opts[] = {
	OPT('h', "help", NULL, NULL),
	OPT('f', "use-file", "FILE", "config file"),
	OPT('n', "dont-fork", NULL, "stay in the foreground"),
	OPT('l', "log-console", NULL, "log to the console instead of syslog"),
	OPT('D', "log-detail", NULL, "detailed log"),
	OPT('t', "config-test", NULL, "check the config and exit: 0 clean, 5 warnings, 6 scripts\n"
				      "without enable_script_security, 3 errors (cannot run)"),
	OPT('p', "pid", "PIDFILE", "write the daemon's pid there"),
	OPT('i', "config-id", "ID", "config lines '@ID ...' apply, '@^ID ...' do not\n"
				     "(default: the host name up to its first dot)"),
	OPTS_END,
};

const struct opts_row daemon_control_opts[] = {
	OPT('S', "socket", "SOCKET", "control socket"),
	OPT('s', "status", NULL, "print the running daemon's state as a table"),
	OPT_LONG("json", 'J', NULL, "the same as JSON"),
	OPTS_END,
};

bool daemon_parse_opt(struct daemon_args *args, int opt, char *arg)
{
	switch (opt) {
	case 'f': args->conf_path = arg; return true;
	case 'n': args->foreground = true; return true;
	case 'l': args->log_flags |= LOGF_CONSOLE; return true;
	case 'D': args->log_flags |= LOGF_DETAIL; return true;
	case 't': args->test = true; return true;
	case 'v': args->verbose = true; return true;
	case 'p': args->pid_path = arg; return true;
	case 'i': args->config_id = arg; conf_set_config_id(arg); return true;
	case 'S': args->sock_path = arg; return true;
	case 's': args->client_cmd = "status"; return true;
	case 'J': args->client_cmd = "json"; return true;
	default: return false;
	}
}

int daemon_opt_other(const struct opts_cmd *cmd, int opt)
{
	if (opt == 'h')
		return opts_print_help(stdout, cmd) == 0 ? 0 : 1;
	opts_print_help(stderr, cmd);
	return 2;
}

int daemon_args_end(const char *prog, const struct opts_cmd *cmd,
		    const struct daemon_args *args, int argc, char **argv)
{
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		opts_print_help(stderr, cmd);
		return 2;
	}
	if (args->verbose && !args->test) {
		printf("%s (lvsbox) %s\n", prog, LVSBOX_VERSION);
		return 0;
	}
	return -1;
}

int daemon_run_once(const char *prog, const struct daemon_args *args, unsigned tests)
{
	if (args->test) {
		int rc = daemon_check_config(prog, args->conf_path, tests);
		/* -t -v: the config as it was understood, in canonical form
		 * (OpenBSD daemons' -nv); the diagnostics are already out. */
		if (args->verbose && rc != EXIT_CONF_FATAL) {
			int print_rc = conf_print_file(args->conf_path, stdout, NULL);
			if (print_rc != 0)
				rc = print_rc;
		}
		return rc;
	}
	if (args->client_cmd)
		return daemon_ctl_client(prog, args->sock_path, args->client_cmd);
	return daemon_claim(prog, args->sock_path, args->pid_path) == 0 ? -1 : 1;
}

void daemon_ctl_answer(const char *command, struct strbuf *reply, void *daemon,
		       daemon_status_fn *table, daemon_status_fn *json)
{
	if (strcmp(command, "status") == 0)
		table(daemon, reply);
	else if (strcmp(command, "json") == 0)
		json(daemon, reply);
	else
		strbuf_puts(reply, "error: commands are 'status' and 'json'\n");
}

int daemon_start_loop(struct loop *loop, bool foreground, bool keep_stdout)
{
	if (!foreground && daemon_detach(keep_stdout) != 0) {
		log_err("cannot go to the background: %s", strerror(errno));
		return -1;
	}
	if (loop_init(loop) != 0) {
		log_err("cannot create the event loop: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* SIGUSR1 or SIGUSR2: the daemon's answer to "status" or "json" in its
 * dump file. A failure is logged; the daemon runs on either way. */
static void on_dump_signal(struct loop *loop, int signo, void *arg)
{
	bool data = signo == SIGUSR1;
	const char *signame = data ? "SIGUSR1" : "SIGUSR2";
	struct strbuf text = { .max = CTL_MAX_REPLY };
	char path[PATH_MAX];

	(void)loop;
	(void)arg;
	snprintf(path, sizeof(path), "%s/%s.%s", dump.dir, dump.name, data ? "data" : "stats");
	dump.answer(data ? "status" : "json", &text, dump.daemon);
	if (text.oom)
		log_warn("%s: out of memory building the dump; %s not written", signame, path);
	else if (file_replace(path, text.data ? text.data : "", text.len, 0600, NULL) != 0)
		log_warn("%s: cannot write %s: %s", signame, path, strerror(errno));
	else
		log_info("%s: %s written to %s", signame, data ? "state" : "statistics", path);
	strbuf_free(&text);
}

/* The dump signals through the loop from now on, to files in $TMPDIR as
 * it is now (when absolute), else in /tmp. */
static void dump_serve(struct loop *loop, ctl_handler_fn *answer, void *daemon)
{
	const char *dir = getenv("TMPDIR");

	if (!dir || dir[0] != '/' || strlen(dir) >= sizeof(dump.dir))
		dir = DUMP_DEFAULT_DIR;
	snprintf(dump.dir, sizeof(dump.dir), "%s", dir);
	if (!dump.name[0])
		snprintf(dump.name, sizeof(dump.name), "lvsbox");
	dump.answer = answer;
	dump.daemon = daemon;
	if (loop_signal(loop, SIGUSR1, on_dump_signal, NULL) != 0 ||
	    loop_signal(loop, SIGUSR2, on_dump_signal, NULL) != 0) {
		log_warn("cannot catch SIGUSR1 and SIGUSR2: %s; they are ignored", strerror(errno));
		signal(SIGUSR1, SIG_IGN);
		signal(SIGUSR2, SIG_IGN);
	}
}

void daemon_serve(struct loop *loop, struct ctl_server *ctl, const char *sock_path, const char *pid_path,
		  const struct daemon_hooks *hooks, void *daemon)
{
	/* Our own pid after daemon_detach, for a second instance to name. */
	if (instance.pid_lock_fd >= 0)
		file_lock_note_pid(instance.pid_lock_fd);
	if (instance.sock_lock_fd >= 0)
		file_lock_note_pid(instance.sock_lock_fd);
	/* Without the socket's lock the name may be another daemon's. */
	int rc = instance.claimed && instance.sock_lock_fd < 0 ? -ENOLCK
			: ctl_listen(ctl, loop, sock_path, hooks->on_command, daemon);

	if (rc == -ENOTSOCK)
		log_warn("control socket %s: something other than a socket is there (a file, directory or "
			 "symbolic link); it is left alone and we run without a control socket", sock_path);
	else if (rc == -EADDRINUSE)
		log_warn("control socket %s: a daemon answers there; we run without a control socket", sock_path);
	else if (rc == -ENOLCK)
		log_warn("control socket %s: not locked; we run without a control socket", sock_path);
	else if (rc != 0)
		log_warn("control socket %s: %s; we run without a control socket", sock_path, strerror(-rc));
	if (pid_path && daemon_write_pidfile(pid_path) != 0) {
		if (errno == ELOOP)
			log_warn("pid file %s is a symbolic link; not following it", pid_path);
		else if (errno == EPERM)
			log_warn("pid file %s is not a regular file of ours; left alone", pid_path);
		else
			log_warn("cannot write %s: %s", pid_path, strerror(errno));
	}
	loop_signal(loop, SIGHUP, hooks->on_reload, daemon);
	loop_signal(loop, SIGTERM, hooks->on_stop, daemon);
	loop_signal(loop, SIGINT, hooks->on_stop, daemon);
	dump_serve(loop, hooks->on_command, daemon);
	signal(SIGPIPE, SIG_IGN);
}

void daemon_unserve(struct ctl_server *ctl, const char *pid_path)
{
	struct stat st;

	ctl_close(ctl);
	/* Only the pid file we wrote: a file someone put there since is theirs.
	 * The locks stay held until the process ends, so that no second
	 * instance starts while this one still takes its addresses down. */
	if (pid_path && instance.pid_written && lstat(pid_path, &st) == 0 && st.st_dev == instance.pid_dev &&
	    st.st_ino == instance.pid_ino)
		unlink(pid_path);
	instance.pid_written = false;
}
