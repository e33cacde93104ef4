/*
 * check_sched.c - checkd's retry and delay arithmetic (see check_sched.h).
 */
#include "check_sched.h"

void sched_init(struct sched_state *st, const struct sched_timing *t)
{
	st->up = !t->alpha;
	st->has_run = false;
	st->retry_it = 0;
}

uint64_t sched_first_delay(const struct sched_timing *t, uint64_t index)
{
	/* Fractional parts of index * (golden ratio - 1), in 1/2^32 units:
	 * every prefix of the sequence covers [0, 1) nearly evenly. */
	uint32_t frac = (uint32_t)(index * 2654435769u);

	return ((uint64_t)frac * t->warmup_ms) >> 32;
}

struct sched_step sched_result(struct sched_state *st, const struct sched_timing *t, bool ok)
{
	struct sched_step step = { .next_in_ms = t->delay_loop_ms };
	bool was_up = st->up;

	if (ok || st->retry_it >= t->retry) {
		st->retry_it = 0;
		st->up = ok;
		step.changed = st->up != was_up;
		/* keepalived confirms a first failure even when alpha already
		 * assumed it, but stays quiet on a first success without alpha. */
		step.report = step.changed || (!st->has_run && !ok);
		st->has_run = true;
	} else {
		st->retry_it++;
		step.next_in_ms = t->delay_before_retry_ms;
	}
	return step;
}
