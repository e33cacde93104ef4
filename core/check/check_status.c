/*
 * check_status.c - checkd's answers on the control socket: the real servers
 * and their checks as a table (-s) and as JSON (--json).
 */
#include "check_runner.h"
#include "json.h"
#include "prom.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static void fmt_ago(char *buf, size_t size, const struct check_runner *run, uint64_t at, bool valid)
{
	if (!valid)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1fs", (double)(check_runner_now_ms(run) - at) / 1000.0);
}

/* rs's notify scripts this build disabled, each NULL when it was not. */
static bool rs_notify_disabled(const struct rserver *rs, const struct notify_verdict **up,
			       const struct notify_verdict **down)
{
	*up = *down = NULL;
	if (!rs->notify)
		return false;
	if (rs->notify->up_verdict && rs->notify->up_verdict->verdict == CHECK_MISC_DROP)
		*up = rs->notify->up_verdict;
	if (rs->notify->down_verdict && rs->notify->down_verdict->verdict == CHECK_MISC_DROP)
		*down = rs->notify->down_verdict;
	return *up || *down;
}

void check_status_table(void *arg, struct strbuf *b)
{
	struct check_runner *run = arg;
	const struct model *m = &run->m;
	char ago[24], name[64], target[64];

	strbuf_printf(b, "%-26s %-24s %-5s %6s %6s %9s  %s\n", "VIRTUAL", "REAL", "STATE", "WEIGHT", "TRANS",
		   "CHANGED", "LAST ERROR");
	for (int v = 0; v < m->nvs; v++) {
		for (int r = 0; r < m->vs[v].nrs; r++) {
			const struct rserver *rs = &m->vs[v].rs[r];
			const char *error = "-";
			for (int i = 0; i < rs->nchecks; i++) {
				const struct check *c = rs_check(rs, i);
				if (!c->st.up || (c->tried && !c->last_ok)) {
					error = check_error(c);
					break;
				}
			}
			if (strcmp(error, "-") == 0 && rs->disabled)
				error = rs->disabled->why;
			fmt_ago(ago, sizeof(ago), run, rs->changed_ms, rs->transitions > 0);
			strbuf_printf(b, "%-26s %-24s %-5s %6d %6u %9s  %s\n", m->vs[v].name, rs_name(rs, name, sizeof(name)),
				   rs->up ? "up" : "down", rs->weight, rs->transitions, ago, error);
			if (rs->disabled)
				strbuf_printf(b, "  %-10s %-22s disabled: %s\n", "MISC_CHECK", rs->disabled->script,
					   rs->disabled->why);
			const struct notify_verdict *up, *down;
			if (rs_notify_disabled(rs, &up, &down)) {
				if (up)
					strbuf_printf(b, "  %-10s %-22s disabled: %s\n", "notify_up", up->key, up->why);
				if (down)
					strbuf_printf(b, "  %-10s %-22s disabled: %s\n", "notify_down", down->key, down->why);
			}
			for (int i = 0; i < rs->nchecks; i++) {
				const struct check *c = rs_check(rs, i);
				strbuf_printf(b, "  %-10s %-22s %-5s attempts %u failures %u retry %u/%u latency %.3fms%s%s\n",
					   conf_checker_name(check_type(c)), check_target(c, target, sizeof(target)),
					   c->st.up ? "up" : "down", c->attempts, c->failures, c->st.retry_it,
					   check_params_of(c)->retry, (double)c->latency_us / 1000.0,
					   c->tried && !c->last_ok ? " last: " : "", c->tried && !c->last_ok ? check_error(c) : "");
			}
		}
	}
	strbuf_printf(b, "%lu real servers, %lu checks, %u attempts in flight (at most %u), %lu waiting to start,"
		   " %lu events, %lu notify scripts dropped\n",
		   m->nrs, m->nchecks, run->ctx.running, run->max_in_flight, m->queued, run->events_sent,
		   run->notifies_dropped);
}

static void check_json(struct json *j, const struct check *c)
{
	const struct check_params *p = check_params_of(c);
	char target[64];

	json_object_begin(j);
	json_key_string(j, "type", conf_checker_name(p->type));
	json_key_string(j, "target", check_target(c, target, sizeof(target)));
	json_key_bool(j, "up", c->st.up);
	json_key_string(j, "last_result", !c->tried ? NULL : c->last_ok ? "ok" : "fail");
	json_key_string(j, "error", c->error);
	json_key_uint(j, "latency_us", c->latency_us);
	json_key_uint(j, "attempts", c->attempts);
	json_key_uint(j, "successes", c->successes);
	json_key_uint(j, "failures", c->failures);
	json_key_uint(j, "transitions", c->transitions);
	json_key_uint(j, "retry_count", c->st.retry_it);
	json_key_uint(j, "retry", p->retry);
	json_key_uint(j, "delay_loop_ms", p->delay_loop_ms);
	json_key_uint(j, "delay_before_retry_ms", p->delay_before_retry_ms);
	json_key_uint(j, "last_attempt_ms", c->last_ms);
	json_key_uint(j, "shared_by", c->nusers);
	if (check_misc_dynamic(c))
		json_key_int(j, "misc_status", c->misc_status);
	json_object_end(j);
}

/* "NAME":{"target":PROGRAM,"error":WHY} */
static void verdict_json(struct json *j, const char *name, const struct notify_verdict *v)
{
	json_key_object(j, name);
	json_key_string(j, "target", v->key);
	json_key_string(j, "error", v->why);
	json_object_end(j);
}

static void rs_json(struct json *j, const struct rserver *rs)
{
	char name[64], addr[INET6_ADDRSTRLEN];

	json_object_begin(j);
	json_key_string(j, "name", rs_name(rs, name, sizeof(name)));
	json_key_string(j, "address", conf_ip_str(&rs->addr, addr, sizeof(addr)));
	json_key_uint(j, "port", rs->port);
	json_key_string(j, "state", rs->up ? "up" : "down");
	json_key_int(j, "weight", rs->weight);
	json_key_int(j, "configured_weight", rs->conf_weight);
	json_key_bool(j, "inhibit_on_failure", rs->inhibit);
	json_key_uint(j, "transitions", rs->transitions);
	json_key_uint_if(j, "last_change_ms", rs->transitions != 0, rs->changed_ms);
	json_key_array(j, "checkers");
	for (int i = 0; i < rs->nchecks; i++)
		check_json(j, rs_check(rs, i));
	json_array_end(j);
	if (rs->disabled) {
		json_key_object(j, "disabled_checker");
		json_key_string(j, "type", "MISC_CHECK");
		json_key_string(j, "target", rs->disabled->script);
		json_key_string(j, "error", rs->disabled->why);
		json_object_end(j);
	}
	const struct notify_verdict *up, *down;
	if (rs_notify_disabled(rs, &up, &down)) {
		json_key_object(j, "disabled_notify");
		if (up)
			verdict_json(j, "notify_up", up);
		if (down)
			verdict_json(j, "notify_down", down);
		json_object_end(j);
	}
	json_object_end(j);
}

void check_status_json(void *arg, struct strbuf *b)
{
	struct check_runner *run = arg;
	const struct model *m = &run->m;
	struct json j;

	json_init(&j, b);
	json_object_begin(&j);
	json_key_uint(&j, "uptime_ms", check_runner_now_ms(run));
	json_key_uint(&j, "real_servers", m->nrs);
	json_key_uint(&j, "checks", m->nchecks);
	json_key_uint(&j, "running", run->ctx.running);
	json_key_uint(&j, "max_running", run->max_in_flight);
	json_key_uint(&j, "waiting", m->queued);
	json_key_uint(&j, "waiting_max", run->queued_max);
	json_key_uint(&j, "deferred", run->deferred);
	json_key_uint(&j, "events", run->events_sent);
	json_key_uint(&j, "notifies_dropped", run->notifies_dropped);
	json_key_array(&j, "virtual_servers");
	for (int v = 0; v < m->nvs; v++) {
		json_object_begin(&j);
		json_key_string(&j, "name", m->vs[v].name);
		json_key_array(&j, "real_servers");
		for (int r = 0; r < m->vs[v].nrs; r++)
			rs_json(&j, &m->vs[v].rs[r]);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	strbuf_puts(b, "\n");
}

/*
 * "metrics": each checker of each real server in Prometheus text
 * (docs/metrics.md): whether its last verdict is up, the time its last
 * attempt took, its attempts and failures.
 */
void check_status_metrics(void *arg, struct strbuf *b)
{
	struct check_runner *run = arg;
	const struct model *m = &run->m;
	static const struct { const char *name, *type, *help; } fams[] = {
		{ "keepalived_checker_up", "gauge", "1 when the checker finds its real server up, else 0." },
		{ "keepalived_checker_latency_seconds", "gauge", "How long the checker's last attempt took." },
		{ "keepalived_checker_attempts_total", "counter", "Attempts the checker made." },
		{ "keepalived_checker_failures_total", "counter", "Attempts of the checker that failed." },
	};
	char name[64], target[64];

	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		prom_family(b, fams[f].name, fams[f].type, fams[f].help);
		for (int v = 0; v < m->nvs; v++)
			for (int r = 0; r < m->vs[v].nrs; r++) {
				const struct rserver *rs = &m->vs[v].rs[r];
				rs_name(rs, name, sizeof(name));
				for (int i = 0; i < rs->nchecks; i++) {
					const struct check *c = rs_check(rs, i);
					const char *labels[] = { "virtual_server", m->vs[v].name, "real_server", name,
								 "checker", conf_checker_name(check_params_of(c)->type),
								 "target", check_target(c, target, sizeof(target)), NULL };
					if (f == 0)
						prom_u64(b, fams[f].name, labels, c->st.up ? 1 : 0);
					else if (f == 1)
						prom_f64(b, fams[f].name, labels, (double)c->latency_us / 1e6);
					else
						prom_u64(b, fams[f].name, labels, f == 2 ? c->attempts : c->failures);
				}
			}
	}
}
