/*
 * vrrp_notify.c - which notify scripts a state change runs (notify_<state>, then
 * notify with TYPE NAME STATE PRIORITY), for instances and sync groups
 * alike, and those of an instance a reload removes (notify_deleted). Running them is the daemon's script runner, reached through
 * struct vrrpd_ops.
 */
#include <stdio.h>
#include "vrrp_engine.h"
#include "vrrp_fsm.h"
#include "vrrp_notify.h"

/* notify_<state> then notify with TYPE NAME STATE PRIORITY, as keepalived. */
void notify_state(struct vrrpd *d, const char *type, const char *name, int state,
		  int priority, const struct conf_cmd *on_master, const struct conf_cmd *on_backup,
		  const struct conf_cmd *on_fault, const struct conf_cmd *on_stop,
		  const struct conf_cmd *on_any)
{
	const struct conf_cmd *specific = NULL;
	char prio[8];

	switch (state) {
	case VRRP_STATE_MASTER: specific = on_master; break;
	case VRRP_STATE_BACKUP: specific = on_backup; break;
	case VRRP_STATE_FAULT: specific = on_fault; break;
	case VRRP_STATE_STOP: specific = on_stop; break;
	default: return;
	}
	if (specific)
		d->ops->run_notify(d, specific, NULL, 0);
	snprintf(prio, sizeof(prio), "%d", priority);
	const char *extra[] = { type, name, vrrp_state_names[state], prio };
	d->ops->run_notify(d, on_any, extra, 4);
}

/* An instance a reload removes, as keepalived 2.2.7 notifies it: under
 * notify_deleted its script, then notify with DELETED; without it only
 * notify, with FAULT (neither notify_fault nor notify_stop runs). */
void notify_removed(struct vrrpd *d, const char *name, int priority, int notify_deleted,
		    const struct conf_cmd *on_deleted, const struct conf_cmd *on_any)
{
	char prio[8];

	if (notify_deleted && on_deleted->argv)
		d->ops->run_notify(d, on_deleted, NULL, 0);
	snprintf(prio, sizeof(prio), "%d", priority);
	const char *extra[] = { "INSTANCE", name, notify_deleted ? "DELETED" : "FAULT", prio };
	d->ops->run_notify(d, on_any, extra, 4);
}
