/*
 * daemon.h - what lvsd, checkd and vrrpd do alike as daemons: the pid
 * file, going to the background, running scripts as the configured user,
 * config diagnostics in the log, keepalived's exit codes for -t, the
 * control-socket client mode (-c COMMAND), and the options, control socket,
 * signals and pid file every daemon sets up the same way.
 */
#ifndef LVSBOX_DAEMON_H
#define LVSBOX_DAEMON_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "conf.h"
#include "conf_fingerprint.h"
#include "conf_script.h"
#include "ctl.h"
#include "loop.h"
#include "opts.h"
#include "script.h"

/* keepalived 2.2.7's exit codes for a config test (-t). */
#define EXIT_CONF_OK 0
#define EXIT_CONF_FATAL 3
#define EXIT_CONF_WARNINGS 5
#define EXIT_CONF_SCRIPT_SECURITY 6

/*
 * Makes us the only instance on pid_path and sock_path (either may be NULL)
 * before anything is touched: a lock on "<pid_path>.lock" and one on
 * "<sock_path>.lock", held until the process ends (across daemon_detach).
 * -1, with the reason on stderr, when another instance holds one of them
 * (naming its pid) or when pid_path or its lock is a symlink, not a regular
 * file or somebody else's: the daemon must not start. A socket lock that
 * cannot be created for another reason only costs the control socket.
 * On 0 it also blocks SIGUSR1 and SIGUSR2 until daemon_serve takes them,
 * so that a dump signal sent while the daemon starts cannot kill it.
 */
int daemon_claim(const char *prog, const char *sock_path, const char *pid_path);

/* Writes "PID\n" to a new file beside path, fsyncs it and renames it over
 * path; an existing path that is a symlink (errno ELOOP) or not a regular
 * file of ours (EPERM) is left alone. 0 or -1 with errno set. */
int daemon_write_pidfile(const char *path);

/* fork, the parent exits, setsid, stdio to /dev/null, cwd "/". checkd
 * writes its events to stdout when no event fd is given, so it keeps it. */
int daemon_detach(bool keep_stdout);

/* Each parser diagnostic as a log line, errors at LOG_ERR, the rest as warnings. */
void daemon_log_diags(const struct conf_tree *tree);

/* What of the config a daemon keeps (daemon_read). */
enum daemon_read {
	DAEMON_READ_ALL,            /* everything (checkd, which frees it once its model is built) */
	/* the servers without their checkers (lvsd, conf_keepalived_read_servers):
	 * each checker's options are judged on the way as checkd reads them, and
	 * those it would refuse are logged and counted in *checker_errors (which
	 * count only when the config itself has no errors) */
	DAEMON_READ_SERVERS,
	/* no virtual server at all (vrrpd): each is checked as it is read, then
	 * let go (conf_keepalived_check_each); groups keep their name only */
	DAEMON_READ_NO_SERVERS,
};
/* checker_errors: only for DAEMON_READ_SERVERS, else may be NULL. */
struct conf_keepalived *daemon_read(const char *path, enum daemon_read what, int *checker_errors);

/* The config for a SIGHUP, read as daemon_read reads it: NULL, with the
 * reason logged, when path is missing, a directory, empty (a truncated
 * write must not tear down every VIP and server) or has errors; the
 * running config then stays. */
struct conf_keepalived *daemon_reload_read(const char *path, enum daemon_read what, int *checker_errors);
/* A reload's changed virtual servers read as DAEMON_READ_SERVERS reads them
 * (conf_keepalived_patch); checker errors counted in *checker_errors. */
struct conf_keepalived *daemon_patch_read(const struct conf_keepalived *base, const char *path,
					  const struct conf_reread *r, int *checker_errors, const char **why);

/*
 * The script helpers under the names vrrpd and checkd call them by, until
 * they run their lines through script.h (script_ids, script_secure,
 * conf_default_script_user). daemon_script_ids takes a "script [user
 * [group]]" line: argv[1] and argv[2] win over default_user/default_group.
 */
#define DAEMON_SCRIPT_OK SCRIPT_OK
#define DAEMON_SCRIPT_UNSAFE SCRIPT_UNSAFE
#define DAEMON_SCRIPT_UNUSABLE SCRIPT_UNUSABLE
int daemon_script_ids(int argc, char *const *argv, const char *default_user, const char *default_group,
		      uid_t *uid, gid_t *gid);
int daemon_script_secure(const char *argv0, uid_t run_as, char *why, size_t n);
const char *daemon_default_script_user(const struct conf_global *g, const char **group);

/* What a config test (-t) looks at besides the parse (daemon_check_config). */
#define DAEMON_TEST_CHECKERS 1u        /* every checker's options, as checkd reads them */
#define DAEMON_TEST_VRRP_SCRIPTS 2u    /* vrrp_script and notify scripts need enable_script_security */
#define DAEMON_TEST_CHECKER_SCRIPTS 4u /* so do quorum, real-server notify and MISC_CHECK */

/* -t: reads path, prints its diagnostics to stderr and returns keepalived's
 * exit code; prog names us in the out-of-memory message. */
int daemon_check_config(const char *prog, const char *path, unsigned tests);

/* -c COMMAND: sends it to the daemon's control socket, copies the answer to stdout. */
int daemon_ctl_client(const char *prog, const char *sock_path, const char *command);

/* ---- command line and start-up every daemon shares ---- */

/* keepalived's own options that every daemon takes alike, then the
 * control-socket ones ours add: opts tables (opts.h) for a daemon's table
 * to OPTS_INCLUDE; their ids are what daemon_parse_opt takes. Each text is
 * the one most daemons print; a daemon words its own with
 * OPTS_SHOW_SHORT/LONG (its defaults, what -s lists). -h/--help is parsed
 * but not listed. */
extern const struct opts_row daemon_keepalived_opts[];
extern const struct opts_row daemon_control_opts[];

/* What those options set. */
struct daemon_args {
	const char *conf_path;      /* -f */
	const char *sock_path;      /* -S */
	const char *pid_path;       /* -p, NULL for none */
	const char *client_cmd;     /* -s "status", --json "json": ask the running daemon */
	bool foreground;            /* -n */
	bool test;                  /* -t */
	bool verbose;               /* -v: with -t, print the config back; alone, the version */
	unsigned log_flags;         /* -l -D */
	const char *config_id;      /* -i, NULL for the default */
};

/* Applies one getopt_long result when it is one of the shared options
 * (f n l D t p i S s J); false leaves opt to the caller. */
bool daemon_parse_opt(struct daemon_args *args, int opt, char *arg);

/* An option neither the daemon nor daemon_parse_opt took: -h prints
 * cmd's --help (exit code 0, 1 when it cannot be written), anything else
 * is a usage error with --help on stderr (2). */
int daemon_opt_other(const struct opts_cmd *cmd, int opt);

/* After the options: an operand is refused with --help on stderr (exit
 * code 2), -v without -t prints "prog (lvsbox) VERSION" (0); -1 when the
 * daemon goes on. */
int daemon_args_end(const char *prog, const struct opts_cmd *cmd,
		    const struct daemon_args *args, int argc, char **argv);

/* -t checks the config (daemon_check_config with tests), -s/--json asks the
 * running daemon (daemon_ctl_client): their exit code. Otherwise
 * daemon_claim: -1 when the daemon is to start, 1 when it must not. */
int daemon_run_once(const char *prog, const struct daemon_args *args, unsigned tests);

/* Control-socket requests: "status" gets table's answer, "json" json's,
 * anything else an error line naming the two. */
typedef void daemon_status_fn(void *daemon, struct strbuf *reply);
void daemon_ctl_answer(const char *command, struct strbuf *reply, void *daemon,
		       daemon_status_fn *table, daemon_status_fn *json);

/* Leaves the terminal unless foreground (daemon_detach), then creates the
 * event loop, which must be born in the process that runs it: a signalfd
 * only wakes epoll in its creator. 0, or -1 with the failure logged. */
int daemon_start_loop(struct loop *loop, bool foreground, bool keep_stdout);

/* What a daemon's loop serves alike. */
struct daemon_hooks {
	ctl_handler_fn *on_command;     /* control-socket requests */
	loop_signal_fn *on_reload;      /* SIGHUP */
	loop_signal_fn *on_stop;        /* SIGTERM and SIGINT */
};

/* The control socket on sock_path (a failure is logged; the daemon runs on
 * without it, and without it when daemon_claim could not lock it), the pid
 * file when pid_path is set (daemon_write_pidfile), the hooks' signals, and
 * SIGPIPE ignored so that a control client hanging up cannot kill us.
 * SIGUSR1 and SIGUSR2 write on_command's "status" and "json" answers to
 * <dir>/<prog>.data and <dir>/<prog>.stats (keepalived's dump signals;
 * dir is $TMPDIR when absolute, else /tmp), replacing the file by rename.
 * Every hook gets daemon as its argument. */
void daemon_serve(struct loop *loop, struct ctl_server *ctl, const char *sock_path, const char *pid_path,
		  const struct daemon_hooks *hooks, void *daemon);

/* Undoes daemon_serve's socket and pid file once the loop has ended: the
 * pid file only when it is still the one we wrote. daemon_claim's locks
 * stay held until the process exits. */
void daemon_unserve(struct ctl_server *ctl, const char *pid_path);

#endif
