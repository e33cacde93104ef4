/*
 * daemon.h - what lvsd, checkd and vrrpd do alike as daemons: the pid
 * file, going to the background, running scripts as the configured user,
 * config diagnostics in the log, keepalived's exit codes for -t, and the
 * control-socket client mode (-c COMMAND).
 */
#ifndef LVSBOX_DAEMON_H
#define LVSBOX_DAEMON_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "conf.h"

/* keepalived 2.2.7's exit codes for a config test (-t). */
#define EXIT_CONF_OK 0
#define EXIT_CONF_FATAL 3
#define EXIT_CONF_WARNINGS 5
#define EXIT_CONF_SCRIPT_SECURITY 6

/* Writes our pid; 0 or -1 with errno set. */
int daemon_write_pidfile(const char *path);

/* fork, the parent exits, setsid, stdio to /dev/null, cwd "/". checkd
 * writes its events to stdout when no event fd is given, so it keeps it. */
int daemon_detach(bool keep_stdout);

/* Each parser diagnostic as a log line, errors at LOG_ERR, the rest as warnings. */
void daemon_log_diags(const struct conf_tree *tree);

/*
 * The uid/gid a script runs as: "script [user [group]]" (argv[1], argv[2])
 * wins, else default_user/default_group; NULL user means our own.
 * (uid_t)-1 / (gid_t)-1 mean "no change". -1 (logged) for an unknown name.
 */
int daemon_script_ids(int argc, char *const *argv, const char *default_user, const char *default_group,
		      uid_t *uid, gid_t *gid);

/* What a config test (-t) looks at besides the parse (daemon_check_config). */
#define DAEMON_TEST_CHECKERS 1u        /* every checker's options, as checkd reads them */
#define DAEMON_TEST_VRRP_SCRIPTS 2u    /* vrrp_script and notify scripts need enable_script_security */
#define DAEMON_TEST_CHECKER_SCRIPTS 4u /* so do quorum, real-server notify and MISC_CHECK */

/* Options of every checker that checkd would refuse, each written to out
 * (or logged when out is NULL); returns how many. */
int daemon_checker_errors(const struct conf_keepalived *conf, FILE *out);

/* -t: reads path, prints its diagnostics to stderr and returns keepalived's
 * exit code; prog names us in the out-of-memory message. */
int daemon_check_config(const char *prog, const char *path, unsigned tests);

/* -c COMMAND: sends it to the daemon's control socket, copies the answer to stdout. */
int daemon_ctl_client(const char *prog, const char *sock_path, const char *command);

#endif
