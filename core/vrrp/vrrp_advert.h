/*
 * vrrp_advert.h - adverts on the wire: the raw sockets, an instance's advert
 * sent to its group or unicast peers, and a received one decoded, matched
 * to its instance, validated and counted when dropped.
 */
#ifndef LVSBOX_VRRP_ADVERT_H
#define LVSBOX_VRRP_ADVERT_H

#include "vrrp_engine.h"

void inst_send_advert(struct inst *in, int priority);
int open_sockets(struct vrrpd *d);

#endif
