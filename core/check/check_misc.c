/*
 * check_misc.c - MISC_CHECK: runs misc_path (no shell: script_spawn_argv)
 * as the script user, killed when it overruns misc_timeout. Exit 0 is up and 1 down; with
 * misc_dynamic, 2..255 are up too and carry a weight (the scheduler turns
 * misc_status into one). Without misc_dynamic any non-zero exit is down.
 * Before any of that, check_misc_vet decides whether the script may run.
 */
#include "check_int.h"
#include "script.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* The child outlives a cancelled attempt until it is reaped. */
struct misc_run {
	struct loop_child child;
	struct check_attempt *attempt;      /* NULL once cancelled */
};

struct misc_attempt {
	struct check_attempt base;
	struct misc_run *run;
};

static void on_reaped(struct loop *loop, struct loop_child *child, int status)
{
	(void)loop;
	struct misc_run *run = child->arg;
	struct check_attempt *a = run->attempt;
	bool timed_out = child->timed_out;
	free(run);
	if (!a)
		return;
	((struct misc_attempt *)a)->run = NULL;
	const struct check_misc *m = a->probe->params->misc;
	if (timed_out) {
		check_finish(a, false, "%s timed out after %u ms", m->argv[0], m->timeout_ms);
	} else if (WIFSIGNALED(status)) {
		check_finish(a, false, "%s killed by signal %d", m->argv[0], WTERMSIG(status));
	} else {
		int code = WEXITSTATUS(status);
		bool ok = code == 0 || (m->dynamic && code >= 2);
		if (ok)
			check_finish_misc(a, true, code, "exit %d", code);
		else if (code == 127)
			check_finish_misc(a, false, code, "%s exited 127 (not found or not executable?)", m->argv[0]);
		else
			check_finish_misc(a, false, code, "%s exited %d", m->argv[0], code);
	}
}

static void misc_start(struct check_attempt *a)
{
	struct misc_attempt *ma = (struct misc_attempt *)a;
	const struct check_misc *m = a->probe->params->misc;
	struct loop *loop = a->probe->ctx->loop;
	loop_timer_cancel(loop, &a->deadline);  /* loop_spawn enforces misc_timeout */
	a->phase = "script";
	struct misc_run *run = calloc(1, sizeof(*run));
	if (!run) {
		check_finish(a, false, "out of memory");
		return;
	}
	run->attempt = a;
	if (script_spawn_argv(loop, &run->child, m->argv, m->uid, m->gid, m->timeout_ms, on_reaped, run) < 0) {
		free(run);
		check_finish(a, false, "cannot start %s", m->argv[0]);
		return;
	}
	ma->run = run;
}

static void misc_cleanup(struct check_attempt *a)
{
	struct misc_attempt *ma = (struct misc_attempt *)a;
	if (ma->run) {
		ma->run->attempt = NULL;
		if (ma->run->child.pid > 0)
			kill(-ma->run->child.pid, SIGKILL);
		ma->run = NULL;
	}
}

int check_misc_vet(const struct check_misc *m, bool script_security, char *why, size_t n)
{
	why[0] = '\0';
	if (!m->argv || !m->argv[0]) {
		snprintf(why, n, "no misc_path");
		return CHECK_MISC_DROP;
	}
	/* Under enable_script_security keepalived never falls back to root:
	 * with no user (the checker's, script_user or a keepalived_script
	 * account; see conf_default_script_user) the checker is removed. */
	if (script_security && m->uid == (uid_t)-1) {
		snprintf(why, n, "no script user: enable_script_security wants 'user', script_user or a keepalived_script account");
		return CHECK_MISC_DROP;
	}
	return check_script_vet(m->argv[0], m->uid, script_security, why, n);
}

/* secure_rc and reason from script_secure or script_line_secure. */
static int script_verdict(int secure_rc, const char *reason, bool script_security, char *why, size_t n)
{
	why[0] = '\0';
	switch (secure_rc) {
	case SCRIPT_OK:
		return CHECK_MISC_RUN;
	case SCRIPT_UNSAFE:
		snprintf(why, n, "insecure: %s%s", reason, script_security ? " (enable_script_security)" : "");
		return script_security ? CHECK_MISC_DROP : CHECK_MISC_RUN_UNSAFE;
	default:
		snprintf(why, n, "%s", reason);
		return CHECK_MISC_DROP;
	}
}

int check_script_vet(const char *program, uid_t uid, bool script_security, char *why, size_t n)
{
	char reason[300];
	int rc = script_secure(program, uid, reason, sizeof(reason));
	return script_verdict(rc, reason, script_security, why, n);
}

int check_script_line_vet(const char *line, uid_t uid, bool script_security, char *why, size_t n)
{
	char reason[300];
	int rc = script_line_secure(line, uid, reason, sizeof(reason));
	return script_verdict(rc, reason, script_security, why, n);
}

const struct check_ops check_misc_ops = {
	.attempt_size = sizeof(struct misc_attempt),
	.start = misc_start,
	.cleanup = misc_cleanup,
};
