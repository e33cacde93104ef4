/*
 * daemon.c - the daemon plumbing lvsd, checkd and vrrpd share (see daemon.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "ctl.h"
#include "daemon.h"
#include "log.h"

int daemon_write_pidfile(const char *path)
{
	char buf[24];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	int rc = write(fd, buf, (size_t)n) == n ? 0 : -1;
	close(fd);
	return rc;
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
	int rc = ctl_request(sock_path, command, STDOUT_FILENO);

	if (rc != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, sock_path, strerror(-rc));
		return 1;
	}
	return 0;
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
	case 'p': args->pid_path = arg; return true;
	case 'S': args->sock_path = arg; return true;
	case 's': args->client_cmd = "status"; return true;
	case 'J': args->client_cmd = "json"; return true;
	default: return false;
	}
}

int daemon_bad_operand(const char *prog, const char *usage, const char *operand)
{
	fprintf(stderr, "%s: unexpected argument '%s'\n", prog, operand);
	fputs(usage, stderr);
	return 2;
}

int daemon_run_once(const char *prog, const struct daemon_args *args, unsigned tests)
{
	if (args->test)
		return daemon_check_config(prog, args->conf_path, tests);
	if (args->client_cmd)
		return daemon_ctl_client(prog, args->sock_path, args->client_cmd);
	return -1;
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

void daemon_serve(struct loop *loop, struct ctl_server *ctl, const char *sock_path, const char *pid_path,
		  const struct daemon_hooks *hooks, void *daemon)
{
	int rc = ctl_listen(ctl, loop, sock_path, hooks->on_command, daemon);

	if (rc != 0)
		log_warn("control socket %s: %s", sock_path, strerror(-rc));
	if (pid_path && daemon_write_pidfile(pid_path) != 0)
		log_warn("cannot write %s: %s", pid_path, strerror(errno));
	loop_signal(loop, SIGHUP, hooks->on_reload, daemon);
	loop_signal(loop, SIGTERM, hooks->on_stop, daemon);
	loop_signal(loop, SIGINT, hooks->on_stop, daemon);
	signal(SIGPIPE, SIG_IGN);
}

void daemon_unserve(struct ctl_server *ctl, const char *pid_path)
{
	ctl_close(ctl);
	if (pid_path)
		unlink(pid_path);
}
