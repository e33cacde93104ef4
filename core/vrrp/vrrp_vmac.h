/*
 * vrrp_vmac.h - use_vmac: the macvlan carrying the virtual MAC, up only while
 * master, and the parent interface's ARP settings while it has one.
 */
#ifndef LVSBOX_VRRP_VMAC_H
#define LVSBOX_VRRP_VMAC_H

#include "vrrp_engine.h"

void vmac_arp_setup(struct inst *in);
void vmac_set_up(struct inst *in, bool up);
void vmac_prepare(struct inst *in);
void vmac_arp_restore(struct inst *in);

#endif
