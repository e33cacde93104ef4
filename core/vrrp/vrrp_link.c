/*
 * vrrp_link.c - rtnetlink link events: an instance's interface coming, going,
 * up or down, and tracked interfaces changing state.
 */
#include <errno.h>
#include <string.h>
#include "log.h"
#include "rtnl.h"
#include "vrrp_engine.h"
#include "vrrp_fsm.h"
#include "vrrp_inst.h"
#include "vrrp_link.h"
#include "vrrp_track.h"
#include "vrrp_vmac.h"

static void on_link(const struct rtnl_link *link, void *arg)
{
	struct vrrpd *d = arg;

	for (struct inst *in = d->insts; in; in = in->next) {
		bool changed = false;
		if ((in->ifindex && in->ifindex == link->ifindex) ||
		    (!in->ifindex && !link->deleted && strcmp(in->ifname, link->name) == 0)) {
			bool was_known = in->ifindex != 0;
			bool up = rtnl_link_usable(link);
			in->ifindex = link->deleted ? 0 : link->ifindex;
			if (up != in->iface_up || !was_known) {
				in->iface_up = up;
				changed = true;
				log_notice("(%s) interface %s is %s", in->name, in->ifname, up ? "up" : "down");
			}
			if (!in->vmac_ifindex && link->has_mac)
				memcpy(in->mac, link->mac, 6);
			if (was_known && !in->ifindex)
				inst_detach(in);
			if (!was_known && in->ifindex) {
				/* Appeared after start: its VMAC, its group; our address below. */
				inst_attach(in);
				if (in->vmac_ifindex && in->fsm.state == VRRP_STATE_MASTER)
					vmac_set_up(in, true);
			}
			if (up && !in->have_primary) {
				inst_resolve_primary(in);
				if (in->have_primary)
					memcpy(in->fsm.cfg.primary_ip, in->primary, addr_len(in->family));
			}
		}
		for (int i = 0; i < in->ntrackers; i++) {
			struct tracker *t = &in->trackers[i];
			if (t->kind != TRACK_INTERFACE)
				continue;
			if ((t->ifindex && t->ifindex == link->ifindex) ||
			    (!t->ifindex && strcmp(t->name, link->name) == 0)) {
				bool up = rtnl_link_usable(link);
				t->ifindex = link->deleted ? 0 : link->ifindex;
				if (up != t->up) {
					t->up = up;
					changed = true;
				}
			}
		}
		if (changed)
			inst_trackers_changed(in);
	}
}

void on_monitor_readable(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct vrrpd *d = io->arg;
	(void)loop;
	(void)events;

	if (rtnl_monitor_read(&d->mon, on_link, d) == -ENOBUFS) {
		/* Events were lost: read every interface we care about again. */
		log_warn("link events overran; re-reading interfaces");
		for (struct inst *in = d->insts; in; in = in->next) {
			struct rtnl_link link;
			if (rtnl_link_get(&d->rtnl, 0, in->ifname, &link) == 0)
				on_link(&link, d);
			for (int i = 0; i < in->ntrackers; i++)
				if (in->trackers[i].kind == TRACK_INTERFACE &&
				    rtnl_link_get(&d->rtnl, 0, in->trackers[i].name, &link) == 0)
					on_link(&link, d);
		}
	}
}
