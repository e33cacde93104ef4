/*
 * check_runner.c - checkd's checks running on the event loop: attempts
 * started at the pace the config needs, their verdicts turned into
 * real-server events and notify scripts, a reload that keeps the state of
 * unchanged checks, and the stop (omega).
 */
#include "check_runner.h"
#include "log.h"
#include "script.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define NOTIFY_TIMEOUT_MS 30000       /* a notify script that hangs is killed */
#define MAX_NOTIFIES 64               /* running at once; more are dropped, counted */
#define PACE_CATCH_UP_US 20000        /* how much a late loop may start at once */

struct notify_child {
	struct loop_child child;
	struct check_runner *run;
};

uint64_t check_runner_now_ms(const struct check_runner *run)
{
	return loop_now_ms(run->loop) - run->start_ms;
}

/* "T EVENT VS RS weight=W [inhibit] [initial] [reason=TEXT]" (docs/checkd.md) */
static void rs_event(struct check_runner *run, const struct rserver *rs, const char *event, bool initial,
		     const char *reason)
{
	char line[512], esc[256], name[64];
	uint64_t t = check_runner_now_ms(run);
	int n;

	n = snprintf(line, sizeof(line), "%llu.%03llu %s %s %s weight=%d%s%s",
		     (unsigned long long)(t / 1000), (unsigned long long)(t % 1000), event,
		     rs->vs->name, rs_name(rs, name, sizeof(name)), rs->weight,
		     !rs->up && rs->inhibit ? " inhibit" : "", initial ? " initial" : "");
	if (reason && *reason && n > 0 && (size_t)n < sizeof(line)) {
		log_escape_line(esc, sizeof(esc), reason);
		n += snprintf(line + n, sizeof(line) - (size_t)n, " reason=%s", esc);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	run->events_sent++;
	run->emit(run->emit_arg, line, (size_t)n);
}

/* ---- notify scripts ---- */

/* A line with shell syntax in it goes to /bin/sh -c; a plain one is split on blanks. */
static void on_notify_done(struct loop *loop, struct loop_child *child, int status)
{
	struct notify_child *nc = (struct notify_child *)child;
	struct check_runner *run = nc->run;

	if (child->timed_out)
		log_warn("a notify script overran %d s and was killed", NOTIFY_TIMEOUT_MS / 1000);
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		log_info("a notify script exited %d", WEXITSTATUS(status));
	run->notifies_running--;
	if (run->stopping && run->notifies_running == 0)
		loop_break(loop);
	free(nc);
}

/* verdict: the build's judgement of cmd (notify_vet); a disabled script was
 * reported then, so it is skipped here without a word. */
static void run_notify(struct check_runner *run, const struct cmd *cmd, const struct notify_verdict *verdict)
{
	if (!cmd->argv || cmd->argc < 1 || !verdict || verdict->verdict == CHECK_MISC_DROP)
		return;
	if (run->notifies_running >= MAX_NOTIFIES) {
		run->notifies_dropped++;
		log_warn("%d notify scripts still running, not starting '%s'", run->notifies_running, cmd->argv[0]);
		return;
	}
	struct notify_child *nc = calloc(1, sizeof(*nc));
	int rc = -1;

	if (nc) {
		nc->run = run;
		/* the one runner: keepalived's splitting, shell syntax through /bin/sh -c */
		rc = script_spawn_line(run->loop, &nc->child, cmd->argv[0], NULL, 0, verdict->uid, verdict->gid,
				       NOTIFY_TIMEOUT_MS, on_notify_done, nc) < 0 ? -1 : 0;
	}
	if (rc != 0) {
		log_err("cannot run notify script '%s'", cmd->argv[0]);
		free(nc);
		return;
	}
	run->notifies_running++;
}

static void rs_notify(struct check_runner *run, const struct rserver *rs, bool up)
{
	if (rs->notify && up)
		run_notify(run, &rs->notify->up, rs->notify->up_verdict);
	else if (rs->notify)
		run_notify(run, &rs->notify->down, rs->notify->down_verdict);
}

/* ---- real-server state ---- */

/* Called after check c (one of rs's) reported a verdict or a weight;
 * confirm_down: c's verdict is down and must be announced even if rs was
 * already assumed down (alpha), once. */
static void rs_update(struct check_runner *run, struct rserver *rs, const struct check *c, bool confirm_down)
{
	bool up = check_rs_all_up(rs);
	int weight = check_rs_weight(rs);
	char reason[CHECK_ERROR_MAX + 80], target[64], name[64];

	check_target(c, target, sizeof(target));
	if (up == rs->up && !(confirm_down && !up && !rs->confirmed)) {
		if (up && weight != rs->weight) {
			rs->weight = weight;
			snprintf(reason, sizeof(reason), "%s %s exit status %d", conf_checker_name(check_type(c)),
				 target, c->misc_status);
			rs_event(run, rs, "weight", false, reason);
		}
		return;
	}
	if (up != rs->up) {
		rs->transitions++;
		rs->changed_ms = check_runner_now_ms(run);
	}
	rs->up = up;
	rs->confirmed = true;
	rs->weight = up ? weight : rs->inhibit ? 0 : rs->weight;
	if (up)
		snprintf(reason, sizeof(reason), "%s %s ok", conf_checker_name(check_type(c)), target);
	else
		snprintf(reason, sizeof(reason), "%s %s: %s", conf_checker_name(check_type(c)), target,
			 check_error(c));
	log_notice("%s %s %s: %s", rs->vs->name, rs_name(rs, name, sizeof(name)), up ? "up" : "down", reason);
	rs_event(run, rs, up ? "up" : "down", false, reason);
	rs_notify(run, rs, up);
}

/* ---- checks: attempts on the loop ---- */

/*
 * When an attempt may start. A check whose timer fires joins a FIFO queue;
 * attempts leave it one per pace_interval_us (faster than the config ever
 * asks for, every check failing and retrying included, so the pacer only
 * flattens clumps: a reload, warmup 0, the timers that fell due while the
 * loop was held up all at once) and only while fewer than
 * max_in_flight attempts run, so descriptors never run out. The attempt,
 * and its connect_timeout, begins when it leaves the queue: waiting there
 * is never counted against the server.
 */
static void pump(struct check_runner *run);

static void set_error(struct check_runner *run, struct check *c, const char *text)
{
	if (c->error && strcmp(c->error, text) == 0)
		return;
	const char *shared = strtab_get(&run->errors, text, strlen(text));
	if (!shared)
		return;          /* keeps the older text rather than none */
	strtab_put(&run->errors, c->error);
	c->error = shared;
}

/* A check's runner is the one whose context its probe was made in: one
 * pointer fewer in each of the checks. */
static struct check_runner *runner_of(const struct check *c)
{
	return (struct check_runner *)(void *)((char *)c->probe.ctx - offsetof(struct check_runner, ctx));
}

static void on_check_done(struct check_probe *probe, const struct check_result *r, void *arg)
{
	struct check *c = arg;
	struct check_runner *run = runner_of(c);
	struct sched_timing timing = check_timing(c);
	(void)probe;

	c->attempts++;
	c->tried = true;
	c->last_ok = r->ok;
	c->latency_us = r->latency_us;
	c->last_ms = check_runner_now_ms(run);
	if (r->ok) {
		c->successes++;
	} else {
		c->failures++;
		set_error(run, c, r->error[0] ? r->error : "failed");
		if (c->st.up && log_debug_enabled()) {
			char target[64];
			log_debug("%s %s failed (retry %u of %u): %s", conf_checker_name(check_type(c)),
				  check_target(c, target, sizeof(target)), c->st.retry_it, timing.retry, check_error(c));
		}
	}
	int old_status = c->misc_status;
	if (r->ok && r->misc_status >= 2 && check_misc_dynamic(c))
		c->misc_status = r->misc_status;

	struct sched_step step = sched_result(&c->st, &timing, r->ok);
	if (step.changed) {
		c->transitions++;
		c->changed_ms = c->last_ms;
	}
	if (step.report || c->misc_status != old_status)
		for (unsigned i = 0; i < c->nusers; i++)
			rs_update(run, check_user(c, i), c, step.report && !c->st.up);
	if (!run->stopping) {
		loop_timer_arm(run->loop, &c->timer, step.next_in_ms);
		pump(run);       /* a slot is free */
	}
}

static void attempt_start(struct check *c)
{
	if (check_probe_start(&c->probe, -1, on_check_done, c) != 0) {
		struct check_result r = { .ok = false, .misc_status = -1 };
		snprintf(r.error, sizeof(r.error), "cannot start the attempt");
		on_check_done(&c->probe, &r, c);
	}
}

static void pump(struct check_runner *run)
{
	struct model *m = &run->m;

	if (run->pumping)
		return;          /* an attempt that failed at once came back here */
	run->pumping = true;
	while (m->queue_head && !run->stopping && run->ctx.running < run->max_in_flight) {
		uint64_t now_us = loop_now_ms(run->loop) * 1000;
		if (run->next_start_us > now_us) {
			loop_timer_arm(run->loop, &run->pace_timer, (run->next_start_us - now_us + 999) / 1000);
			break;
		}
		/* A loop that fell behind may make up a little at once, not all. */
		if (run->next_start_us + PACE_CATCH_UP_US < now_us)
			run->next_start_us = now_us - PACE_CATCH_UP_US;
		run->next_start_us += m->pace_interval_us;
		attempt_start(queue_pop(m));
	}
	run->pumping = false;
}

static void on_pace_timer(struct loop *loop, struct loop_timer *timer)
{
	(void)loop;
	pump(timer->arg);
}

void check_on_due(struct loop *loop, struct loop_timer *timer)
{
	struct check *c = timer->arg;
	struct check_runner *run = runner_of(c);

	if (c->queued)
		return;
	if (check_probe_running(&c->probe)) {
		/* Cannot happen with connect_timeout < delay_loop; never stack attempts. */
		loop_timer_arm(loop, timer, check_params_of(c)->delay_loop_ms);
		return;
	}
	queue_push(&run->m, c);
	if (run->m.queued > run->queued_max)
		run->queued_max = run->m.queued;
	pump(run);
	if (c->queued)
		run->deferred++;
}

/* Through the check's own runner, never a copy of it: the loop owns the
 * armed timers. */
void check_release(struct check *c)
{
	struct check_runner *run = runner_of(c);

	loop_timer_cancel(run->loop, &c->timer);
	check_probe_release(&c->probe);
	if (c->nusers > 1)
		free(c->users.many);
	strtab_put(&run->errors, c->error);
	c->error = NULL;
}

/* Every real server's starting state as an "initial" event, then the
 * first attempts staggered over each check's warmup. */
static void start_all(struct check_runner *run)
{
	struct model *m = &run->m;

	for (int v = 0; v < m->nvs; v++)
		for (int r = 0; r < m->vs[v].nrs; r++) {
			struct rserver *rs = &m->vs[v].rs[r];
			rs_event(run, rs, rs->up ? "up" : "down", true, NULL);
		}
	for (unsigned long i = 0; i < m->nchecks; i++) {
		struct check *c = &m->checks[i];
		struct sched_timing timing = check_timing(c);
		loop_timer_arm(run->loop, &c->timer, sched_first_delay(&timing, i));
	}
}

/* The TLS side is set up by the first SSL_GET attempt, long after the
 * config is freed: ctx keeps copies of the SSL block's strings. */
static int ctx_setup(struct check_runner *run, const struct conf_keepalived *conf)
{
	struct check_ssl_conf ssl;
	bool failed = false;
	char err[256];

	if (check_ssl_from_conf(&ssl, conf, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return -1;
	}
	run->ssl_strings[0] = strdup_or_null(ssl.ca, &failed);
	run->ssl_strings[1] = strdup_or_null(ssl.certificate, &failed);
	run->ssl_strings[2] = strdup_or_null(ssl.key, &failed);
	run->ssl_strings[3] = strdup_or_null(ssl.password, &failed);
	ssl.ca = run->ssl_strings[0];
	ssl.certificate = run->ssl_strings[1];
	ssl.key = run->ssl_strings[2];
	ssl.password = run->ssl_strings[3];
	if (failed) {
		log_err("out of memory");
		return -1;
	}
	if (check_ctx_init(&run->ctx, run->loop, &ssl, err, sizeof(err)) != 0) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

/* The SSL block's strings, copied out of a config about to be freed. */
static int ssl_copy(const struct conf_keepalived *conf, char *strings[4], char *err, size_t errsize)
{
	struct check_ssl_conf ssl;
	bool failed = false;
	memset(strings, 0, 4 * sizeof(*strings));
	if (check_ssl_from_conf(&ssl, conf, err, errsize) != 0)
		return -1;
	strings[0] = strdup_or_null(ssl.ca, &failed);
	strings[1] = strdup_or_null(ssl.certificate, &failed);
	strings[2] = strdup_or_null(ssl.key, &failed);
	strings[3] = strdup_or_null(ssl.password, &failed);
	if (failed) {
		for (int i = 0; i < 4; i++)
			free(strings[i]);
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	return 0;
}

/* A reload re-reads the SSL block's files (a renewed CA or client
 * certificate takes effect); a block that does not load keeps the running
 * one. Either way the strings end up owned by d or freed. */
static void ssl_reload(struct check_runner *run, char *strings[4])
{
	struct check_ssl_conf ssl = { strings[0], strings[1], strings[2], strings[3] };
	char err[256];
	if (check_ctx_set_ssl(&run->ctx, &ssl, err, sizeof(err)) != 0) {
		log_err("reload: SSL block: %s; keeping the running one", err);
		for (int i = 0; i < 4; i++)
			free(strings[i]);
		return;
	}
	for (int i = 0; i < 4; i++) {
		free(run->ssl_strings[i]);
		run->ssl_strings[i] = strings[i];
	}
}

/* Ready to build from conf: the loop the checks run on, the SSL block
 * (ctx_setup) and the lines' way out. -1 (logged) when the SSL block is
 * unusable. */
int check_runner_init(struct check_runner *run, struct loop *loop, const struct conf_keepalived *conf,
			     void (*emit)(void *arg, const char *line, size_t len), void *emit_arg)
{
	run->loop = loop;
	run->emit = emit;
	run->emit_arg = emit_arg;
	loop_timer_init(&run->pace_timer, on_pace_timer, run);
	return ctx_setup(run, conf);
}

/* The running model from conf (build): 0, or -1 when out of memory;
 * *errors counts checker blocks that were refused. */
int check_runner_build(struct check_runner *run, const struct conf_keepalived *conf, int *errors)
{
	return check_model_build(run, &run->m, conf, errors);
}

/* Uptime counts from here; the initial events and the first attempts. */
void check_runner_start(struct check_runner *run)
{
	run->start_ms = loop_now_ms(run->loop);
	start_all(run);
}

/* Builds conf (which it frees) beside the running model and swaps them,
 * state carried over; a config that cannot be used keeps the running one.
 * conf_path names it in the log. */
void check_runner_reload(struct check_runner *run, struct conf_keepalived *conf, const char *conf_path)
{
	struct model old;
	int errors;

	char *ssl_strings[4], err[256];
	if (ssl_copy(conf, ssl_strings, err, sizeof(err)) != 0) {
		log_err("reload: %s, keeping the running config", err);
		conf_keepalived_free(conf);
		return;
	}
	/* Build the new model beside the old one, then swap. */
	old = run->m;
	int rc = check_model_build(run, &run->m, conf, &errors);
	conf_keepalived_free(conf);
	if (rc != 0 || errors || check_model_carry_over(&run->m, &old) != 0) {
		log_err("reload: cannot use %s, keeping the running config", conf_path);
		check_model_free(&run->m);
		run->m = old;
		for (int i = 0; i < 4; i++)
			free(ssl_strings[i]);
		return;
	}
	check_model_free(&old);
	ssl_reload(run, ssl_strings);
	log_notice("reloaded %s: %lu real servers, %lu checks", conf_path, run->m.nrs, run->m.nchecks);
	start_all(run);
}

/* No attempt runs or starts any more; under omega the servers that are up
 * go down. True while notify scripts still run: the loop is broken when
 * the last one ends. */
bool check_runner_stop(struct check_runner *run)
{
	struct model *m = &run->m;

	run->stopping = true;
	loop_timer_cancel(run->loop, &run->pace_timer);
	while (m->queue_head)
		queue_pop(m);
	for (unsigned long i = 0; i < m->nchecks; i++) {
		loop_timer_cancel(run->loop, &m->checks[i].timer);
		check_probe_cancel(&m->checks[i].probe);
	}
	/* omega: the servers that are up go down as checkd leaves. */
	for (int v = 0; v < m->nvs; v++) {
		if (!m->vs[v].omega)
			continue;
		for (int r = 0; r < m->vs[v].nrs; r++) {
			struct rserver *rs = &m->vs[v].rs[r];
			if (!rs->up)
				continue;
			rs->up = false;
			rs->weight = rs->inhibit ? 0 : rs->weight;
			rs_event(run, rs, "down", false, "checkd stopping (omega)");
			rs_notify(run, rs, false);
		}
	}
	return run->notifies_running > 0;
}

/* Everything the runner holds; the loop must still be there. */
void check_runner_free(struct check_runner *run)
{
	loop_timer_cancel(run->loop, &run->pace_timer);
	check_model_free(&run->m);
	check_ctx_done(&run->ctx);
	for (int i = 0; i < 4; i++)
		free(run->ssl_strings[i]);
	strtab_free(&run->errors);
}
