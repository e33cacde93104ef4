/*
 * vrrp_link.h - rtnetlink link events: an instance's interface coming, going,
 * up or down, and tracked interfaces changing state.
 */
#ifndef LVSBOX_VRRP_LINK_H
#define LVSBOX_VRRP_LINK_H

#include "vrrp_engine.h"

void on_monitor_readable(struct loop *loop, struct loop_io *io, unsigned events);

#endif
