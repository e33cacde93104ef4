/*
 * vrrp_group.h - vrrp_sync_group: members that change state together, one
 * fault faulting them all, and the group's own notify scripts.
 */
#ifndef LVSBOX_VRRP_GROUP_H
#define LVSBOX_VRRP_GROUP_H

#include "vrrp_engine.h"

void group_follow(struct inst *from, int new_state);
void group_update_faults(struct sgroup *g);
void groups_free(struct vrrpd *d);
void groups_build(struct vrrpd *d, const struct sgroup *old);

#endif
