/*
 * vrrp_inst.h - one VRRP instance around its pure state machine (vrrp_fsm):
 * built from its config, started and stopped, its timers on the event
 * loop, and the machine's actions carried out.
 */
#ifndef LVSBOX_VRRP_INST_H
#define LVSBOX_VRRP_INST_H

#include "vrrp_engine.h"

const uint8_t *inst_master(const struct inst *in);
void inst_event(struct inst *in, const struct vrrp_event *ev);
void inst_resolve_primary(struct inst *in);
void inst_free(struct inst *in);
struct inst *inst_create(struct vrrpd *d, const struct conf_vrrp_instance *c);
void inst_attach(struct inst *in);
void inst_detach(struct inst *in);
void inst_start(struct inst *in);
void inst_stop(struct inst *in);

#endif
