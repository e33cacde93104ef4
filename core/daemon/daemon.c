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
} dump = { "lvsbox", DUMP_DEFAULT_DIR, NULL, NULL };

/* Why path may not be our pid file or lock file (a symlink, not a regular
 * file, somebody else's), or NULL when it is fine or absent. */
static const char *unsafe_file(const char *path, char *why, size_t n)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		if (errno == ELOOP) {
			snprintf(why, n, "%s is a symbolic link; not following it", path);
			return why;
		}
		return NULL;    /* absent, or an error the write itself reports */
	}
	int rc = fstat(fd, &st);
	close(fd);
	if (rc != 0)
		return NULL;
	if (!S_ISREG(st.st_mode))
		snprintf(why, n, "%s is not a regular file", path);
	else if (st.st_uid != geteuid())
		snprintf(why, n, "%s belongs to uid %u, not to us (uid %u)", path, (unsigned)st.st_uid,
			 (unsigned)geteuid());
	else
		return NULL;
	return why;
}

/* "PID\n" into fd, replacing what was there. */
static void lock_note_pid(int fd)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (pwrite(fd, buf, (size_t)n, 0) != n)
		return;   /* the message of a second instance loses the pid, nothing more */
	if (ftruncate(fd, n) != 0)
		return;
}

/*
 * Locks path (created when absent, never through a symlink). The fd, or
 * -1 with why filled in; *holder is the pid found in a lock someone else
 * holds (0 when it cannot be told, -1 when nobody holds it).
 */
static int lock_take(const char *path, pid_t *holder, char *why, size_t n)
{
	*holder = -1;
	/* A lock file replaced between our open and our flock is not the lock
	 * the others take: lock again until the name and the fd agree. */
	for (int tries = 0; tries < 8; tries++) {
		int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
		struct stat st, now;

		if (fd < 0) {
			if (errno == ELOOP)
				snprintf(why, n, "%s is a symbolic link; not following it", path);
			else
				snprintf(why, n, "cannot open %s: %s", path, strerror(errno));
			return -1;
		}
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
			if (!unsafe_file(path, why, n))
				snprintf(why, n, "%s is not a regular file of ours", path);
			close(fd);
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			char buf[24];
			ssize_t got = errno == EWOULDBLOCK ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;
			if (got < 0) {
				snprintf(why, n, "cannot lock %s: %s", path, strerror(errno));
				close(fd);
				return -1;
			}
			buf[got] = '\0';
			*holder = (pid_t)atoi(buf);
			snprintf(why, n, "%s is locked", path);
			close(fd);
			return -1;
		}
		if (stat(path, &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino) {
			lock_note_pid(fd);
			return fd;
		}
		close(fd);
	}
	snprintf(why, n, "%s keeps being replaced", path);
	return -1;
}

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
	int fd = lock_take(lock_path, &holder, why, sizeof(why));
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
		if (unsafe_file(pid_path, why, sizeof(why))) {
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

/* Writes len bytes of text to a new file beside path with mode, fsyncs it
 * and renames it over path: a reader never sees half of it, and whatever is
 * at path, a symlink planted there included, is replaced, never written
 * through. written (when not NULL) gets the new file's identity.
 * 0 or -1 with errno. The pid file and the signal dumps both go this way. */
static int replace_file(const char *path, const char *text, size_t len, mode_t mode, struct stat *written)
{
	char tmp[PATH_MAX];
	size_t done = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* O_EXCL underneath: never opens a name someone else made first. */
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	bool ok = fchmod(fd, mode) == 0;
	while (ok && done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			break;
		}
		done += (size_t)n;
	}
	if (ok && done == len && fsync(fd) == 0 && (!written || fstat(fd, written) == 0)) {
		int rc = close(fd);
		fd = -1;
		if (rc == 0 && rename(tmp, path) == 0)
			return 0;
	}
	int saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int daemon_write_pidfile(const char *path)
{
	char why[PATH_MAX + 128], buf[24];
	struct stat st;

	/* A link or a file of someone else's at path is not ours to replace. */
	if (unsafe_file(path, why, sizeof(why))) {
		errno = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? ELOOP : EPERM;
		return -1;
	}
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (replace_file(path, buf, (size_t)n, 0644, &st) != 0)
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
	for (int i = 0; i < tree->ndiags; i++)
		log_msg(tree->diags[i].is_error ? LOG_ERR : LOG_WARNING, "%s", tree->diags[i].text);
	if (tree->nerrors + tree->nwarnings > tree->ndiags)
		log_msg(LOG_WARNING, "%d more diagnostics not shown",
			tree->nerrors + tree->nwarnings - tree->ndiags);
}

struct conf_keepalived *daemon_reload_read(const char *path)
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
	struct conf_keepalived *conf = conf_keepalived_read(path);
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
	for (int v = 0; v < c->nvirtual_servers; v++) {
		const struct conf_virtual_server *cv = &c->virtual_servers[v];
		if (cmd_set(&cv->quorum_up) || cmd_set(&cv->quorum_down))
			return true;
		for (int r = 0; r < cv->nreal_servers; r++) {
			const struct conf_real_server *cr = &cv->real_servers[r];
			if (cmd_set(&cr->notify_up) || cmd_set(&cr->notify_down))
				return true;
			for (int k = 0; k < cr->ncheckers; k++)
				if (cr->checkers[k].type == CONF_CHECK_MISC)
					return true;
		}
	}
	return false;
}

int daemon_checker_errors(const struct conf_keepalived *conf, FILE *out)
{
	char err[256];
	int bad = 0;

	for (int v = 0; v < conf->nvirtual_servers; v++) {
		const struct conf_virtual_server *cv = &conf->virtual_servers[v];
		for (int r = 0; r < cv->nreal_servers; r++)
			for (int k = 0; k < cv->real_servers[r].ncheckers; k++) {
				struct check_params p;
				memset(&p, 0, sizeof(p));
				if (check_params_from_conf(&p, conf, cv, &cv->real_servers[r],
							   &cv->real_servers[r].checkers[k], err, sizeof(err)) != 0) {
					if (out)
						fprintf(out, "%s\n", err);
					else
						log_err("%s", err);
					bad++;
					continue;
				}
				check_params_free(&p);
			}
	}
	/* The params remembered where they were in conf; the caller may free it next. */
	check_params_conf_done(conf);
	return bad;
}

int daemon_check_config(const char *prog, const char *path, unsigned tests)
{
	struct conf_keepalived *conf = conf_keepalived_read(path);
	int rc;

	if (!conf) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_CONF_FATAL;
	}
	conf_print_diags(stderr, conf->tree);
	int bad = !conf->tree->nerrors && (tests & DAEMON_TEST_CHECKERS) ? daemon_checker_errors(conf, stderr) : 0;
	bool scripts = (tests & (DAEMON_TEST_VRRP_SCRIPTS | DAEMON_TEST_CHECKER_SCRIPTS)) &&
		       has_scripts(conf, (tests & DAEMON_TEST_CHECKER_SCRIPTS) != 0);
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
	check_params_conf_done(conf);
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
	else if (replace_file(path, text.data ? text.data : "", text.len, 0600, NULL) != 0)
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

	if (dir && dir[0] == '/' && strlen(dir) < sizeof(dump.dir))
		snprintf(dump.dir, sizeof(dump.dir), "%s", dir);
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
		lock_note_pid(instance.pid_lock_fd);
	if (instance.sock_lock_fd >= 0)
		lock_note_pid(instance.sock_lock_fd);
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
