/*
 * test_check_sched.c - checkd's retry / delay_before_retry / alpha
 * arithmetic with fake time. The expected timelines are keepalived 2.2.7's,
 * observed by running its checker in a qemu guest with IPVS (TCP_CHECK,
 * retry 2, delay_before_retry 1, delay_loop 4): notify times and the log
 * lines "failed." / "failed after 2 retries." / "success." (docs/checkd.md).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "check_sched.h"
#include "unit.h"

/* A server whose answer depends on the time: ok in [up_from, up_until). */
struct server { uint64_t up_from, up_until; };

static bool answers(const struct server *s, uint64_t now)
{
	return now >= s->up_from && now < s->up_until;
}

struct trace {
	uint64_t at[32];
	bool up[32];
	bool changed[32];
	int n;
	int attempts;
};

/* Runs attempts from t = 0 until end_ms, recording every reported verdict. */
static void run(const struct sched_timing *t, const struct server *s, uint64_t end_ms, struct trace *tr)
{
	struct sched_state st;
	uint64_t now = 0;

	memset(tr, 0, sizeof(*tr));
	sched_init(&st, t);
	for (int guard = 0; now < end_ms && guard < 10000; guard++) {
		struct sched_step step = sched_result(&st, t, answers(s, now));
		tr->attempts++;
		if (step.report && tr->n < 32) {
			tr->at[tr->n] = now;
			tr->up[tr->n] = st.up;
			tr->changed[tr->n] = step.changed;
			tr->n++;
		}
		now += step.next_in_ms;
	}
}

int main(void)
{
	const struct sched_timing oracle = {
		.delay_loop_ms = 4000, .delay_before_retry_ms = 1000, .retry = 2,
	};
	struct sched_timing alpha = oracle;
	alpha.alpha = true;
	struct trace tr;

	/* Refusing at first, listening from 8.23 s to 19.23 s after the first
	 * attempt: the oracle's run, where keepalived reported down at 2.0 s,
	 * up at 12.09 s and down again at 22.22 s on that clock. */
	const struct server flap = { 8230, 19230 };

	run(&oracle, &flap, 30000, &tr);
	CHECK(tr.n == 3, "no alpha: three verdicts reported (down, up, down), got %d", tr.n);
	CHECK(tr.at[0] == 2000 && !tr.up[0] && tr.changed[0],
	      "no alpha: down after retry+1 = 3 failures 1 s apart (at %llu)", (unsigned long long)tr.at[0]);
	/* Down: still retried at delay_before_retry, then delay_loop: 6, 7, 8 s
	 * fail, 12 s succeeds (keepalived came up 10.1 s after going down,
	 * although listening from 6.2 s after: the retries ran while down). */
	CHECK(tr.at[1] == 12000 && tr.up[1] && tr.changed[1],
	      "down server: retries continue, comes up at the first success (at %llu)", (unsigned long long)tr.at[1]);
	/* Up at 12 s, 16 s ok; 20 s fails, 21 s, 22 s: down at 22 s, exactly
	 * retry+1 failures after the last success (the oracle: 10.1 s after up). */
	CHECK(tr.at[2] == 22000 && !tr.up[2], "up server goes down after exactly 3 failures (at %llu)",
	      (unsigned long long)tr.at[2]);

	run(&alpha, &flap, 30000, &tr);
	CHECK(tr.n == 3 && tr.at[0] == 2000 && !tr.up[0] && !tr.changed[0],
	      "alpha: the first verdict confirms down (notify_down) without a change");
	CHECK(tr.at[1] == 12000 && tr.up[1] && tr.changed[1], "alpha: up at the first success");

	/* Healthy from the start. */
	const struct server healthy = { 0, UINT64_MAX };
	run(&oracle, &healthy, 30000, &tr);
	CHECK(tr.n == 0, "no alpha, healthy: nothing reported (keepalived runs no notify_up)");
	CHECK(tr.attempts == 8, "healthy: one attempt per delay_loop (%d in 30 s)", tr.attempts);
	run(&alpha, &healthy, 30000, &tr);
	CHECK(tr.n == 1 && tr.at[0] == 0 && tr.up[0] && tr.changed[0], "alpha, healthy: up at the first attempt");

	/* One failure between successes: a retry that succeeds keeps it up and
	 * resets the count, so two later failures do not add up to three. */
	{
		struct sched_state st;
		sched_init(&st, &oracle);
		struct sched_step s1 = sched_result(&st, &oracle, true);
		struct sched_step s2 = sched_result(&st, &oracle, false);
		struct sched_step s3 = sched_result(&st, &oracle, true);
		struct sched_step s4 = sched_result(&st, &oracle, false);
		struct sched_step s5 = sched_result(&st, &oracle, false);
		CHECK(s2.next_in_ms == 1000 && !s2.report, "first failure: retry after delay_before_retry");
		CHECK(s3.next_in_ms == 4000 && !s3.report && st.up, "success on retry: back to delay_loop, still up");
		CHECK(s4.next_in_ms == 1000 && s5.next_in_ms == 1000 && st.up && st.retry_it == 2,
		      "two failures after a success: still up, retrying");
		struct sched_step s6 = sched_result(&st, &oracle, false);
		CHECK(s6.report && s6.changed && !st.up && s6.next_in_ms == 4000,
		      "third consecutive failure: down, next attempt after delay_loop");
		(void)s1;
	}

	/* retry 0: the first failure is the verdict. */
	{
		struct sched_timing t0 = oracle;
		t0.retry = 0;
		struct sched_state st;
		sched_init(&st, &t0);
		sched_result(&st, &t0, true);
		struct sched_step s = sched_result(&st, &t0, false);
		CHECK(s.report && !st.up && s.next_in_ms == 4000, "retry 0: down at the first failure");
	}

	/* Staggering: 1000 checkers with warmup 6 s start inside [0, 6 s) and
	 * every 600 ms slice gets between 90 and 110 of them. */
	{
		struct sched_timing t = oracle;
		t.warmup_ms = 6000;
		int slices[10] = { 0 };
		bool inside = true;
		for (uint64_t i = 0; i < 1000; i++) {
			uint64_t d = sched_first_delay(&t, i);
			if (d >= 6000)
				inside = false;
			else
				slices[d / 600]++;
		}
		int lo = 1000, hi = 0;
		for (int i = 0; i < 10; i++) {
			lo = slices[i] < lo ? slices[i] : lo;
			hi = slices[i] > hi ? slices[i] : hi;
		}
		CHECK(inside, "first delays stay below warmup");
		CHECK(lo >= 90 && hi <= 110, "first delays spread evenly (slice counts %d..%d)", lo, hi);
		t.warmup_ms = 0;
		CHECK(sched_first_delay(&t, 12345) == 0, "warmup 0: start at once");
	}
	return unit_exit();
}
