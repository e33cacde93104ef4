/*
 * vrrp_strict.h - vrrp_strict / strict_mode as keepalived 2.2.7 applies it: the
 * configs it refuses, the settings it corrects, and Accept_Mode.
 */
#ifndef LVSBOX_VRRP_STRICT_H
#define LVSBOX_VRRP_STRICT_H

#include "vrrp_engine.h"

bool conf_strict(const struct conf_keepalived *conf, const struct conf_vrrp_instance *c);
int strict_refusals(const struct conf_keepalived *conf);
void inst_apply_strict(struct inst *in, const struct conf_vrrp_instance *c);
bool inst_no_accept(const struct inst *in, const struct conf_vrrp_instance *c);
void inst_strict_lower_prio(struct inst *in, const struct conf_keepalived *conf,
			    const struct conf_vrrp_instance *c);

#endif
