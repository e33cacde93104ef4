/*
 * vrrp_filter.h - the VIP filter of vrrp_strict / no_accept (RFC 5798
 * Accept_Mode off): nftables tables that drop traffic to and from a
 * master's virtual addresses, kept to what the instances need.
 */
#ifndef LVSBOX_VRRP_FILTER_H
#define LVSBOX_VRRP_FILTER_H

#include "vrrp_engine.h"

void inst_filter(struct inst *in, bool add);
void filter_remove(struct vrrpd *d);
void filter_sync(struct vrrpd *d);

#endif
