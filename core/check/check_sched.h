/*
 * check_sched.h - when checkd probes next, and when a checker's verdict
 * changes: keepalived's retry / delay_before_retry / delay_loop / alpha
 * arithmetic as a pure state machine, so it can be tested with fake time.
 *
 * The rules, as keepalived 2.2.7's checker behaves (checked against it in a
 * guest with IPVS; docs/checkd.md):
 *  - A failed attempt is retried after delay_before_retry until `retry`
 *    retries have failed too, whether the checker is up or down; then the
 *    retry count starts over and the next attempt waits delay_loop.
 *  - An up checker goes down after exactly retry + 1 consecutive failures;
 *    a down checker comes up at its first success; a success resets the
 *    retry count.
 *  - A checker starts up, or down with alpha. A verdict is reported when it
 *    changes the state, and also when the very first verdict is a failure
 *    (so alpha's assumed down is confirmed by a notify_down); a first
 *    success without alpha changes nothing and is not reported.
 */
#ifndef LVSBOX_CHECK_SCHED_H
#define LVSBOX_CHECK_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct sched_timing {
	unsigned delay_loop_ms;
	unsigned delay_before_retry_ms;
	unsigned retry;
	unsigned warmup_ms;
	bool alpha;
};

struct sched_state {
	bool up;
	bool has_run;                /* a first verdict has been reached */
	unsigned retry_it;           /* failed retries so far in this round */
};

/* What one attempt's result means. */
struct sched_step {
	uint64_t next_in_ms;         /* arm the next attempt this far ahead */
	bool report;                 /* a verdict to report (notify): state->up is it */
	bool changed;                /* state->up differs from before */
};

void sched_init(struct sched_state *st, const struct sched_timing *t);

/*
 * Delay before the first attempt of the index-th checker of many: spread
 * evenly over [0, warmup) by a low-discrepancy sequence, so any number of
 * checkers with any warmup start staggered without a random clump.
 */
uint64_t sched_first_delay(const struct sched_timing *t, uint64_t index);

struct sched_step sched_result(struct sched_state *st, const struct sched_timing *t, bool ok);

#endif
