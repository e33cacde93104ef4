/*
 * vrrp_notify.h - which notify scripts a state change runs (notify_<state>, then
 * notify with TYPE NAME STATE PRIORITY), for instances and sync groups
 * alike. Running them is the daemon's script runner, reached through
 * struct vrrpd_ops.
 */
#ifndef LVSBOX_VRRP_NOTIFY_H
#define LVSBOX_VRRP_NOTIFY_H

#include "vrrp_engine.h"

void notify_state(struct vrrpd *d, const char *type, const char *name, int state,
		  int priority, const struct conf_cmd *on_master, const struct conf_cmd *on_backup,
		  const struct conf_cmd *on_fault, const struct conf_cmd *on_stop,
		  const struct conf_cmd *on_any);
void notify_removed(struct vrrpd *d, const char *name, int priority, int notify_deleted,
		    const struct conf_cmd *on_deleted, const struct conf_cmd *on_any);

#endif
