/*
 * vrrp_track.c - what an instance tracks besides its peers: vrrp_scripts run
 * every interval with rise/fall, interfaces (their link events arrive
 * through vrrp_link), numbers in files polled every second; and how they
 * weigh into the priority and fault the state machine is given.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "conf.h"
#include "log.h"
#include "loop.h"
#include "rtnl.h"
#include "vrrp_engine.h"
#include "vrrp_fsm.h"
#include "vrrp_group.h"
#include "vrrp_inst.h"
#include "vrrp_track.h"

void script_schedule(struct vscript *s, uint64_t after_ms)
{
	loop_timer_arm(&s->d->loop, &s->timer, after_ms);
}

void script_free(struct vscript *s)
{
	loop_timer_cancel(&s->d->loop, &s->timer);
	free(s->name);
	free(s->fingerprint);
	free(s);
}

static void on_script_done(struct loop *loop, struct loop_child *child, int status)
{
	struct vscript *s = child->arg;
	bool ok = !child->timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	int before = s->result;
	(void)loop;

	s->running = false;
	if (s->removed) {
		script_free(s);
		return;
	}
	if (ok) {
		s->fail_run = 0;
		if (s->ok_run < s->conf->rise)
			s->ok_run++;
		if (s->result != 1 && s->ok_run >= s->conf->rise)
			s->result = 1;
	} else {
		s->ok_run = 0;
		if (s->fail_run < s->conf->fall)
			s->fail_run++;
		if (s->result != 0 && s->fail_run >= s->conf->fall)
			s->result = 0;
	}
	if (s->result != before) {
		log_notice("vrrp_script %s: %s", s->name, s->result ? "succeeded" : "failed");
		for (struct inst *in = s->d->insts; in; in = in->next)
			for (int i = 0; i < in->ntrackers; i++)
				if (in->trackers[i].script == s) {
					inst_trackers_changed(in);
					break;
				}
	}
}

static void on_script_due(struct loop *loop, struct loop_timer *timer)
{
	struct vscript *s = timer->arg;
	const struct conf_vrrp_script *c = s->conf;
	(void)loop;

	script_schedule(s, c->interval_ms ? c->interval_ms : 1000);
	if (s->running)
		return;   /* still busy from last time: its timeout will end it */
	unsigned timeout = c->timeout_ms ? c->timeout_ms : c->interval_ms;
	if (s->d->ops->spawn(s->d, &c->script, NULL, 0, c->user, c->group, timeout, &s->child,
			  on_script_done, s) == 0)
		s->running = true;
	else
		log_err("vrrp_script %s: cannot run", s->name);
}

static struct vscript *script_find(struct vrrpd *d, const char *name)
{
	for (struct vscript *s = d->scripts; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Reads a tracked file's number; a missing or unreadable file counts as 0. */
static long read_track_file(const char *path)
{
	char buf[32];
	long v = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		v = strtol(buf, NULL, 10);
	}
	return v;
}

/* Effective priority and fault from every tracker, as keepalived weighs them:
 * weight 0 turns a failure into FAULT; a negative weight is added while
 * failing, a positive one while up; a file's number is multiplied by its weight. */
void inst_evaluate(const struct inst *in, int *priority, bool *fault)
{
	int prio = in->base_priority;
	bool changed = false;

	*fault = !in->conf->dont_track_primary && !in->iface_up;
	if (!in->have_primary && !in->unicast)
		*fault = true;
	for (int i = 0; i < in->ntrackers; i++) {
		const struct tracker *t = &in->trackers[i];
		int up;
		if (t->kind == TRACK_FILE) {
			if (t->weight == 0) {
				if (t->value != 0)
					*fault = true;
			} else if (t->value) {
				prio += (int)(t->value * t->weight);
				changed = true;
			}
			continue;
		}
		up = t->kind == TRACK_INTERFACE ? t->up : t->script->result;
		if (up < 0)
			continue;
		if (!up && t->weight == 0)
			*fault = true;
		else if (!up && t->weight < 0)
			prio += t->weight, changed = true;
		else if (up && t->weight > 0)
			prio += t->weight, changed = true;
	}
	if (changed) {
		if (prio < 1)
			prio = 1;
		if (prio > 254)
			prio = 254;
	}
	*priority = prio;
}

/* Recomputes priority and fault, tells the machine what changed. */
void inst_trackers_changed(struct inst *in)
{
	int prio;
	bool fault;

	inst_evaluate(in, &prio, &fault);
	in->own_fault = fault;
	if (in->group) {
		group_update_faults(in->group);
		return;
	}
	if (in->fsm.state == VRRP_STATE_INIT || in->fsm.state == VRRP_STATE_STOP)
		return;
	if (prio != in->fsm.priority) {
		struct vrrp_event ev = { .kind = VRRP_EV_PRIORITY, .priority = (uint8_t)prio };
		log_info("(%s) priority %d -> %d", in->name, in->fsm.priority, prio);
		inst_event(in, &ev);
	}
	if ((int)fault != in->fault_level) {
		struct vrrp_event ev = { .kind = fault ? VRRP_EV_FAULT_ON : VRRP_EV_FAULT_OFF };
		in->fault_level = fault;
		inst_event(in, &ev);
	}
}

int add_tracker(struct inst *in, int kind, const struct conf_track *t)
{
	struct vrrpd *d = in->d;
	struct tracker *tr = &in->trackers[in->ntrackers];

	memset(tr, 0, sizeof(*tr));
	tr->kind = kind;
	snprintf(tr->name, sizeof(tr->name), "%s", t->name);
	tr->weight = t->has_weight ? t->weight : 0;
	if (kind == TRACK_SCRIPT) {
		tr->script = script_find(d, t->name);
		if (!tr->script) {
			log_warn("(%s) track_script %s: no such vrrp_script, ignored", in->name, t->name);
			return 0;
		}
		if (tr->script->disabled) {
			/* as keepalived: a refused script is dropped, its weight never counts */
			log_warn("(%s) track_script %s is disabled, not tracked", in->name, t->name);
			return 0;
		}
		if (!t->has_weight)
			tr->weight = tr->script->conf->weight;
	} else if (kind == TRACK_FILE) {
		const struct conf_node *n = top_block(d->conf, "vrrp_track_file", t->name);
		const struct conf_node *file = n ? conf_child(n, "file") : NULL;
		const struct conf_node *weight = n ? conf_child(n, "weight") : NULL;
		tr->path = xstrdup(file && file->nargs ? file->args[0] : t->name);
		if (!tr->path)
			return -1;
		tr->weight = t->has_weight ? t->weight
			   : weight && weight->nargs ? atoi(weight->args[0]) : 1;
		tr->value = read_track_file(tr->path);
	} else {
		struct rtnl_link link;
		if (rtnl_link_get(&d->rtnl, 0, t->name, &link) == 0) {
			tr->ifindex = link.ifindex;
			tr->up = rtnl_link_usable(&link);
		}
	}
	in->ntrackers++;
	return 0;
}

void on_file_poll(struct loop *loop, struct loop_timer *timer)
{
	struct vrrpd *d = timer->arg;

	for (struct inst *in = d->insts; in; in = in->next) {
		bool changed = false;
		for (int i = 0; i < in->ntrackers; i++) {
			struct tracker *t = &in->trackers[i];
			if (t->kind != TRACK_FILE)
				continue;
			long v = read_track_file(t->path);
			if (v != t->value) {
				t->value = v;
				changed = true;
			}
		}
		if (changed)
			inst_trackers_changed(in);
	}
	loop_timer_arm(loop, timer, TRACK_FILE_POLL_MS);
}

struct vscript *script_create(struct vrrpd *d, const struct conf_vrrp_script *c)
{
	struct vscript *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->d = d;
	s->conf = c;
	s->name = xstrdup(c->name);
	s->fingerprint = d->ops->script_fingerprint(d->conf, c->name);
	s->result = -1;
	loop_timer_init(&s->timer, on_script_due, s);
	if (!s->name || !s->fingerprint) {
		script_free(s);
		return NULL;
	}
	char what[96];
	snprintf(what, sizeof(what), "vrrp_script %s", s->name);
	s->disabled = !d->ops->script_allowed(d, &c->script, c->user, c->group, what);
	return s;
}

void script_remove(struct vscript *s)
{
	loop_timer_cancel(&s->d->loop, &s->timer);
	if (s->running)
		s->removed = true;   /* freed when the child is reaped */
	else
		script_free(s);
}
