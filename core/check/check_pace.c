/*
 * check_pace.c - when checkd's attempts may start: the queue of checks that
 * are due, and how many attempts a second the config can ask for.
 */
#include "check_model.h"

void queue_push(struct model *m, struct check *c)
{
	c->queued = true;
	c->queue_next = NULL;
	if (m->queue_tail)
		m->queue_tail->queue_next = c;
	else
		m->queue_head = c;
	m->queue_tail = c;
	m->queued++;
}

struct check *queue_pop(struct model *m)
{
	struct check *c = m->queue_head;

	m->queue_head = c->queue_next;
	if (!m->queue_head)
		m->queue_tail = NULL;
	c->queue_next = NULL;
	c->queued = false;
	m->queued--;
	return c;
}

/* The most attempts a second a check makes: when it keeps failing, retry
 * more of them a delay_before_retry apart, then a delay_loop. */
double attempts_per_second(const struct check_params *p)
{
	double healthy = 1000.0 / (p->delay_loop_ms ? p->delay_loop_ms : 1);
	double failing = 1000.0 * (p->retry + 1) /
		((double)p->delay_loop_ms + (double)p->retry * p->delay_before_retry_ms + 1);

	return failing > healthy ? failing : healthy;
}
