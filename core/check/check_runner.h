/*
 * check_runner.h - checkd's engine: the checks of one config running on an
 * event loop. The applet reads the config, owns the loop, the control
 * socket and the event channel, and hands the runner each config and the
 * way out for its event lines.
 */
#ifndef LVSBOX_CHECK_RUNNER_H
#define LVSBOX_CHECK_RUNNER_H

#include "check.h"
#include "check_model.h"
#include "conf.h"
#include "loop.h"
#include "strbuf.h"
#include "strtab.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The running checks of one config on an event loop: attempts and their
 * pacing, real-server verdicts turned into event lines and notify
 * scripts, and a reload that keeps the state of unchanged checks.
 */
struct check_runner {
	struct loop *loop;
	struct model m;
	struct check_ctx ctx;
	char *ssl_strings[4];        /* ca, certificate, key, password: copies for ctx.ssl */
	uint64_t start_ms;

	/* Starting attempts: at most max_in_flight at once, one per
	 * m.pace_interval_us; the rest wait in m's queue. */
	unsigned max_in_flight;
	uint64_t next_start_us;
	struct loop_timer pace_timer;
	bool pumping;
	unsigned long queued_max, deferred;

	int notifies_running;
	unsigned long notifies_dropped, events_sent;
	bool stopping;

	/* The checks' last failure texts, one copy each: they name no target
	 * ("connect: Connection refused"), so checks that fail alike share. */
	struct strtab errors;

	/* Where each real-server event line goes (docs/checkd.md), newline included. */
	void (*emit)(void *arg, const char *line, size_t len);
	void *emit_arg;
};

/* check_runner.c */
int check_runner_init(struct check_runner *run, struct loop *loop, const struct conf_keepalived *conf,
		      void (*emit)(void *arg, const char *line, size_t len), void *emit_arg);
int check_runner_build(struct check_runner *run, const struct conf_keepalived *conf, int *errors);
void check_runner_start(struct check_runner *run);
void check_runner_reload(struct check_runner *run, struct conf_keepalived *conf, const char *conf_path);
bool check_runner_stop(struct check_runner *run);
void check_runner_free(struct check_runner *run);
uint64_t check_runner_now_ms(const struct check_runner *run);
void check_on_due(struct loop *loop, struct loop_timer *timer);
void check_release(struct check *c);

/* check_build.c */
int check_model_build(struct check_runner *run, struct model *m, const struct conf_keepalived *conf,
		      int *errors);
void check_model_free(struct model *m);
int check_model_carry_over(struct model *m, struct model *old);

/* check_status.c: arg is the struct check_runner */
void check_status_table(void *arg, struct strbuf *b);
void check_status_json(void *arg, struct strbuf *b);
/* Each checker in Prometheus text, for the control socket's "metrics". */
void check_status_metrics(void *arg, struct strbuf *b);

#endif
