/*
 * vrrp_announce.h - when a master's gratuitous ARPs / unsolicited NAs go out
 * (the frames are garp's): the burst at takeover, the repeat after a delay,
 * refreshes, the answer to a lower-priority master, each paced per
 * interface by vrrp_garp_interval / vrrp_gna_interval.
 */
#ifndef LVSBOX_VRRP_ANNOUNCE_H
#define LVSBOX_VRRP_ANNOUNCE_H

#include "vrrp_engine.h"

void on_garp_pace(struct loop *loop, struct loop_timer *timer);
void on_garp_due(struct loop *loop, struct loop_timer *timer);
void on_lower_prio_due(struct loop *loop, struct loop_timer *timer);
void inst_lower_prio_garp(struct inst *in);
void inst_garp_start(struct inst *in);

#endif
