/*
 * vrrp_group.c - vrrp_sync_group: members that change state together, one
 * fault faulting them all, and the group's own notify scripts.
 */
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "vrrp_engine.h"
#include "vrrp_fsm.h"
#include "vrrp_group.h"
#include "vrrp_inst.h"
#include "vrrp_notify.h"
#include "vrrp_track.h"

static void group_notify(struct sgroup *g, int state)
{
	if (g->reported_state == state)
		return;
	g->reported_state = state;
	log_notice("sync group %s: %s", g->name, vrrp_state_names[state]);
	notify_state(g->members[0]->d, "GROUP", g->name, state, 0, &g->conf->notify_master,
		     &g->conf->notify_backup, &g->conf->notify_fault, &g->conf->notify_stop,
		     &g->conf->notify);
}

/* Members move together: one becoming master pulls the others up, one
 * leaving master takes them down, one in fault faults them all. */
void group_follow(struct inst *from, int new_state)
{
	struct sgroup *g = from->group;
	struct vrrpd *d = from->d;

	if (!g)
		return;
	if (!d->propagating) {
		d->propagating = true;
		for (int i = 0; i < g->nmembers; i++) {
			struct inst *m = g->members[i];
			if (m == from || m->fsm.state == new_state || m->fsm.state == VRRP_STATE_INIT ||
			    m->fsm.state == VRRP_STATE_STOP)
				continue;
			struct vrrp_event ev = { 0 };
			if (new_state == VRRP_STATE_MASTER)
				ev.kind = VRRP_EV_GROUP_MASTER;
			else if (new_state == VRRP_STATE_BACKUP && m->fsm.state == VRRP_STATE_MASTER)
				ev.kind = VRRP_EV_GROUP_BACKUP;
			else
				continue;
			inst_event(m, &ev);
		}
		d->propagating = false;
	}
	if (new_state != VRRP_STATE_INIT)
		group_notify(g, new_state);
}

void group_update_faults(struct sgroup *g)
{
	bool any = false;

	for (int i = 0; i < g->nmembers; i++)
		any |= g->members[i]->own_fault;
	for (int i = 0; i < g->nmembers; i++) {
		struct inst *m = g->members[i];
		int prio;
		bool fault;
		if (m->fsm.state == VRRP_STATE_INIT || m->fsm.state == VRRP_STATE_STOP)
			continue;
		inst_evaluate(m, &prio, &fault);
		if (prio != m->fsm.priority) {
			struct vrrp_event ev = { .kind = VRRP_EV_PRIORITY, .priority = (uint8_t)prio };
			inst_event(m, &ev);
		}
		if ((int)any != m->fault_level) {
			struct vrrp_event ev = { .kind = any ? VRRP_EV_FAULT_ON : VRRP_EV_FAULT_OFF };
			m->fault_level = any;
			inst_event(m, &ev);
		}
	}
}

void groups_free(struct vrrpd *d)
{
	while (d->groups) {
		struct sgroup *g = d->groups;
		d->groups = g->next;
		free(g->members);
		free(g->name);
		free(g);
	}
	for (struct inst *in = d->insts; in; in = in->next)
		in->group = NULL;
}

void groups_build(struct vrrpd *d, const struct sgroup *old)
{
	struct sgroup **tail = &d->groups;

	for (int i = 0; i < d->conf->nsync_groups; i++) {
		const struct conf_sync_group *cg = &d->conf->sync_groups[i];
		struct sgroup *g = calloc(1, sizeof(*g));
		if (!g)
			return;
		g->conf = cg;
		g->name = xstrdup(cg->name);
		g->members = calloc((size_t)cg->instances.n + 1, sizeof(*g->members));
		g->reported_state = VRRP_STATE_INIT;
		for (const struct sgroup *o = old; o; o = o->next)
			if (strcmp(o->name, cg->name) == 0)
				g->reported_state = o->reported_state;
		if (!g->name || !g->members) {
			free(g->name);
			free(g->members);
			free(g);
			return;
		}
		for (int j = 0; j < cg->instances.n; j++)
			for (struct inst *in = d->insts; in; in = in->next)
				if (strcmp(in->name, cg->instances.v[j]) == 0) {
					g->members[g->nmembers++] = in;
					in->group = g;
				}
		*tail = g;
		tail = &g->next;
	}
}
