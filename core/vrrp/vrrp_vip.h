/*
 * vrrp_vip.h - an instance's virtual addresses: read from the config, added
 * over rtnetlink when it becomes master, removed when it stops being one.
 */
#ifndef LVSBOX_VRRP_VIP_H
#define LVSBOX_VRRP_VIP_H

#include "vrrp_engine.h"

int vip_ifindex(const struct inst *in, const struct vip *v);
void inst_vips(struct inst *in, bool add);
int add_vip(struct inst *in, const struct conf_vip *cv, bool excluded);

#endif
