/*
 * vrrp_apply.h - bringing the running instances, vrrp_scripts and sync groups
 * to a config, at start and on reload: what did not change keeps running
 * untouched.
 */
#ifndef LVSBOX_VRRP_APPLY_H
#define LVSBOX_VRRP_APPLY_H

#include "vrrp_engine.h"

void apply_config(struct vrrpd *d, struct conf_keepalived *old_conf);

#endif
