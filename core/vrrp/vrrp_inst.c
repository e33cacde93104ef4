/*
 * vrrp_inst.c - one VRRP instance around its pure state machine (vrrp_fsm):
 * built from its config, started and stopped, its timers on the event
 * loop, and the machine's actions carried out.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include "log.h"
#include "loop.h"
#include "rtnl.h"
#include "vrrp_advert.h"
#include "vrrp_announce.h"
#include "vrrp_engine.h"
#include "vrrp_fsm.h"
#include "vrrp_group.h"
#include "vrrp_inst.h"
#include "vrrp_notify.h"
#include "vrrp_sock.h"
#include "vrrp_strict.h"
#include "vrrp_track.h"
#include "vrrp_vip.h"
#include "vrrp_vmac.h"

static void on_inst_timer(struct loop *loop, struct loop_timer *timer)
{
	struct inst *in = timer->arg;
	struct vrrp_event ev = { .kind = VRRP_EV_TIMER, .timer = (int)(timer - in->timers) };
	uint64_t due = in->fsm.timer_at[ev.timer], now = loop_now_ms(loop);

	/* The loop counts whole milliseconds and may fire a hair early; the
	 * machine would take that as stale, so wait the rest. */
	if (due && now < due) {
		loop_timer_arm(loop, timer, due - now);
		return;
	}
	if (ev.timer == VRRP_TIMER_MASTER_DOWN)
		memset(&in->ah_replay, 0, sizeof(in->ah_replay));
	inst_event(in, &ev);
}

static void inst_apply(struct inst *in, const struct vrrp_actions *acts)
{
	struct loop *loop = &in->d->loop;

	for (int i = 0; i < acts->n; i++) {
		const struct vrrp_action *a = &acts->v[i];
		switch (a->kind) {
		case VRRP_ACT_SEND_ADVERT:
			inst_send_advert(in, a->arg);
			break;
		case VRRP_ACT_VIPS_ADD:
			inst_vips(in, true);
			break;
		case VRRP_ACT_VIPS_DEL:
			inst_vips(in, false);
			break;
		case VRRP_ACT_GARP:
			inst_garp_start(in);
			break;
		case VRRP_ACT_NOTIFY:
			if (in->deleted && a->arg == VRRP_STATE_STOP) {
				notify_removed(in->d, in->name, in->fsm.priority, in->conf->notify_deleted,
					       &in->conf->notify_deleted_cmd, &in->conf->notify);
				break;
			}
			notify_state(in->d, "INSTANCE", in->name, a->arg, in->fsm.priority,
				     &in->conf->notify_master, &in->conf->notify_backup,
				     &in->conf->notify_fault, &in->conf->notify_stop, &in->conf->notify);
			break;
		case VRRP_ACT_TIMER_ARM:
			if (a->arg >= 0 && a->arg < VRRP_NTIMERS) {
				uint64_t now = loop_now_ms(loop);
				loop_timer_arm(loop, &in->timers[a->arg], a->at_ms > now ? a->at_ms - now : 0);
			}
			break;
		case VRRP_ACT_TIMER_STOP:
			if (a->arg >= 0 && a->arg < VRRP_NTIMERS)
				loop_timer_cancel(loop, &in->timers[a->arg]);
			break;
		case VRRP_ACT_LOWER_PRIO:
			log_info("(%s) advert with lower priority %d, ours %d%s", in->name, a->arg,
				 in->fsm.priority, in->fsm.cfg.lower_prio_advert ? ", answered" : "");
			inst_lower_prio_garp(in);
			/* the other members of a sync group refresh their VIPs too */
			for (int m = 0; in->group && m < in->group->nmembers; m++)
				if (in->group->members[m] != in)
					inst_lower_prio_garp(in->group->members[m]);
			break;
		default:
			break;
		}
	}
}

const uint8_t *inst_master(const struct inst *in)
{
	if (in->fsm.state == VRRP_STATE_MASTER)
		return in->primary;
	if (in->fsm.state == VRRP_STATE_BACKUP && !addr_is_zero(in->fsm.master_ip, in->family))
		return in->fsm.master_ip;
	return NULL;
}

void inst_event(struct inst *in, const struct vrrp_event *ev)
{
	struct vrrp_actions acts;
	int before = in->fsm.state;
	uint64_t now = loop_now_ms(&in->d->loop);

	if (vrrp_fsm_event(&in->fsm, ev, now ? now : 1, &acts) < 0)
		return;
	if (in->fsm.state == VRRP_STATE_MASTER && before != VRRP_STATE_MASTER)
		memset(&in->ah_replay, 0, sizeof(in->ah_replay));
	/* The VMAC must be up before the first advert and GARP leave from it,
	 * and stays up until the priority-0 advert is out and the VIPs gone. */
	if (in->fsm.state == VRRP_STATE_MASTER)
		vmac_set_up(in, true);
	inst_apply(in, &acts);
	if (in->fsm.state != VRRP_STATE_MASTER)
		vmac_set_up(in, false);
	const uint8_t *master = inst_master(in);
	if (master && memcmp(master, in->last_master, addr_len(in->family)) != 0) {
		in->master_changes++;
		memcpy(in->last_master, master, addr_len(in->family));
	}
	if (in->fsm.state != before) {
		log_notice("(%s) %s -> %s (%s)", in->name, vrrp_state_names[before],
			   vrrp_state_names[in->fsm.state], vrrp_event_names[ev->kind]);
		group_follow(in, in->fsm.state);
		if (in->d->ops->state_changed)
			in->d->ops->state_changed(in->d, in);
	}
}

static bool primary_from_interface(struct inst *in)
{
	struct ifaddrs *list, *ifa;
	bool found = false;

	if (getifaddrs(&list) != 0)
		return false;
	for (ifa = list; ifa && !found; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != in->family ||
		    strcmp(ifa->ifa_name, in->ifname) != 0)
			continue;
		const uint8_t *a = in->family == AF_INET
			? (const uint8_t *)&((struct sockaddr_in *)ifa->ifa_addr)->sin_addr
			: (const uint8_t *)&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
		if (in->family == AF_INET6 && !(a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
			continue;   /* RFC 5798 5.1.2.1: IPv6 adverts come from the link-local address */
		bool is_vip = false;
		for (int i = 0; i < in->nvips; i++)
			if (in->vips[i].ra.family == in->family &&
			    memcmp(in->vips[i].ra.addr, a, addr_len(in->family)) == 0)
				is_vip = true;
		if (is_vip)
			continue;
		memcpy(in->primary, a, addr_len(in->family));
		found = true;
	}
	freeifaddrs(list);
	return found;
}

void inst_resolve_primary(struct inst *in)
{
	const struct conf_ip *src = in->conf->unicast_src_ip.family ? &in->conf->unicast_src_ip
				  : in->conf->mcast_src_ip.family ? &in->conf->mcast_src_ip : NULL;

	if (src && src->family == in->family) {
		memcpy(in->primary, src->addr, addr_len(in->family));
		in->have_primary = true;
		return;
	}
	if (!in->have_primary)
		in->have_primary = primary_from_interface(in);
}

static void inst_read_link(struct inst *in)
{
	struct rtnl_link link;

	if (rtnl_link_get(&in->d->rtnl, 0, in->ifname, &link) != 0) {
		in->ifindex = 0;
		in->iface_up = false;
		return;
	}
	in->ifindex = link.ifindex;
	in->iface_up = rtnl_link_usable(&link);
	if (!in->vmac_ifindex && link.has_mac)
		memcpy(in->mac, link.mac, 6);
}

void inst_free(struct inst *in)
{
	struct loop *loop = &in->d->loop;

	for (int i = 0; i < VRRP_NTIMERS; i++)
		loop_timer_cancel(loop, &in->timers[i]);
	loop_timer_cancel(loop, &in->garp_timer);
	loop_timer_cancel(loop, &in->garp_pace_timer);
	loop_timer_cancel(loop, &in->lower_prio_timer);
	for (int i = 0; i < in->ntrackers; i++)
		free(in->trackers[i].path);
	free(in->trackers);
	free(in->vips);
	free(in->advert_addrs);
	free(in->peers);
	free(in->fingerprint);
	free(in->name);
	free(in);
}

struct inst *inst_create(struct vrrpd *d, const struct conf_vrrp_instance *c)
{
	struct inst *in = calloc(1, sizeof(*in));
	int nvips = c->vips.n + c->vips_excluded.n;
	int ntrack = c->track_interface.n + c->track_script.n + c->track_file.n;

	if (!in)
		return NULL;
	in->d = d;
	in->conf = c;
	in->parent_arp_ignore = in->parent_arp_filter = -1;
	in->name = xstrdup(c->name);
	in->fingerprint = d->ops->instance_fingerprint(d->conf, c);
	in->vips = calloc((size_t)nvips + 1, sizeof(*in->vips));
	in->trackers = calloc((size_t)ntrack + 1, sizeof(*in->trackers));
	in->advert_addrs = calloc((size_t)c->vips.n + 1, 16);
	in->peers = calloc((size_t)c->unicast_peers.n + 1, sizeof(*in->peers));
	if (!in->name || !in->fingerprint || !in->vips || !in->trackers || !in->advert_addrs || !in->peers)
		goto fail;
	const char *ifname = c->interface ? c->interface : d->conf->global.default_interface;
	if (!ifname || strlen(ifname) >= IF_NAMESIZE) {
		log_err("%s:%d: vrrp_instance %s: no usable interface", c->file, c->line, c->name);
		goto fail;
	}
	strcpy(in->ifname, ifname);

	/* The family is the first virtual address's, as keepalived decides it,
	 * unless native_ipv6 (deprecated there, still honoured) forces IPv6. */
	in->family = c->native_ipv6 ? AF_INET6
		   : c->vips.n ? c->vips.v[0].addr.family
		   : c->unicast_src_ip.family ? c->unicast_src_ip.family : AF_INET;
	in->version = (int)(c->version ? c->version : d->conf->global.vrrp_version);
	if (in->version != 3)
		in->version = 2;
	in->strict = conf_strict(d->conf, c);
	if (in->family == AF_INET6 && in->version == 2) {
		log_msg(in->strict ? LOG_ERR : LOG_WARNING, "%s:%d: (%s) IPv6 needs VRRPv3, using version 3",
			c->file, c->line, c->name);
		in->version = 3;
	}
	in->auth_type = c->auth_type;
	in->want_master = c->state == CONF_STATE_MASTER;
	in->preempt_delay_ms = c->preempt_delay_ms;
	if (in->strict)
		inst_apply_strict(in, c);
	in->garp_delay_ms = c->garp_master_delay_ms;
	in->garp_repeat = c->garp_master_repeat;
	in->garp_refresh_ms = c->garp_master_refresh_ms;
	in->garp_refresh_repeat = c->garp_master_refresh_repeat;
	in->garp_lower_prio_delay_ms = c->garp_lower_prio_delay_ms;
	in->garp_lower_prio_repeat = c->garp_lower_prio_repeat;
	in->lower_prio_advert = !c->lower_prio_no_advert;
	if (in->strict)
		inst_strict_lower_prio(in, d->conf, c);
	in->filtered = inst_no_accept(in, c);
	for (int i = 0; i < c->vips.n; i++)
		if (add_vip(in, &c->vips.v[i], false) != 0)
			goto fail;
	for (int i = 0; i < c->vips_excluded.n; i++)
		if (add_vip(in, &c->vips_excluded.v[i], true) != 0)
			goto fail;
	for (int i = 0; i < c->vips.n; i++) {
		const struct conf_ip *a = &c->vips.v[i].addr;
		if (a->family != in->family) {
			log_warn("(%s) %s address in a %s instance left out of adverts", c->name,
				 a->family == AF_INET6 ? "IPv6" : "IPv4",
				 in->family == AF_INET6 ? "IPv6" : "IPv4");
			continue;
		}
		memcpy(in->advert_addrs + (size_t)in->nadvert_addrs * addr_len(in->family), a->addr,
		       addr_len(in->family));
		in->nadvert_addrs++;
	}
	for (int i = 0; i < c->unicast_peers.n; i++)
		if (c->unicast_peers.v[i].family == in->family)
			memcpy(in->peers[in->npeers++], c->unicast_peers.v[i].addr, 16);
	in->unicast = in->npeers > 0;

	for (int i = 0; i < c->track_interface.n; i++)
		if (add_tracker(in, TRACK_INTERFACE, &c->track_interface.v[i]) != 0)
			goto fail;
	for (int i = 0; i < c->track_script.n; i++)
		if (add_tracker(in, TRACK_SCRIPT, &c->track_script.v[i]) != 0)
			goto fail;
	for (int i = 0; i < c->track_file.n; i++)
		if (add_tracker(in, TRACK_FILE, &c->track_file.v[i]) != 0)
			goto fail;
	in->base_priority = (int)c->priority;
	for (int i = 0; i < VRRP_NTIMERS; i++)
		loop_timer_init(&in->timers[i], on_inst_timer, in);
	loop_timer_init(&in->garp_timer, on_garp_due, in);
	loop_timer_init(&in->garp_pace_timer, on_garp_pace, in);
	loop_timer_init(&in->lower_prio_timer, on_lower_prio_due, in);
	return in;
fail:
	inst_free(in);
	return NULL;
}

/*
 * The instance's interface exists (at start, or it appeared later): its
 * VMAC, the interface adverts leave from, the VRRP group joined on both.
 */
void inst_attach(struct inst *in)
{
	struct vrrpd *d = in->d;
	const struct conf_vrrp_instance *c = in->conf;

	if (c->use_vmac && in->ifindex && !in->vmac_ifindex) {
		unsigned char mac[6];
		rtnl_vmac_addr(mac, in->family, c->vrid);
		snprintf(in->vmac_name, sizeof(in->vmac_name), "%s",
			 c->vmac_name ? c->vmac_name : "");
		if (!in->vmac_name[0])
			snprintf(in->vmac_name, sizeof(in->vmac_name), "vrrp.%u", c->vrid);
		int rc = rtnl_macvlan_add(&d->rtnl, in->vmac_name, in->ifindex, mac);
		if (rc == 0)
			in->vmac_created = true;
		if (rc != 0 && rc != -EEXIST)
			log_err("(%s) cannot create VMAC %s: %s", in->name, in->vmac_name, strerror(-rc));
		in->vmac_ifindex = (int)if_nametoindex(in->vmac_name);
		if (in->vmac_ifindex) {
			memcpy(in->mac, mac, 6);
			vmac_prepare(in);
		}
		if (in->vmac_ifindex && in->family == AF_INET)
			vmac_arp_setup(in);
	}
	/* IPv6 adverts leave from the parent: their source is its link-local address. */
	in->send_ifindex = in->vmac_ifindex && in->family == AF_INET ? in->vmac_ifindex : in->ifindex;
	if (!in->unicast && in->ifindex) {
		int fd = in->family == AF_INET ? d->sock4 : d->sock6;
		int rc = fd < 0 ? -EAFNOSUPPORT : vrrp_sock_join(fd, in->family, in->ifindex);
		if (rc == 0 && in->family == AF_INET && d->sock4_ah >= 0)
			rc = vrrp_sock_join(d->sock4_ah, AF_INET, in->ifindex);
		if (rc == 0 && in->vmac_ifindex)
			rc = vrrp_sock_join(fd, in->family, in->vmac_ifindex);
		if (rc != 0)
			log_err("(%s) cannot join the VRRP group on %s: %s", in->name, in->ifname, strerror(-rc));
	}
}

/* The interface went away: so did the macvlan on it, and its settings. */
void inst_detach(struct inst *in)
{
	in->vmac_ifindex = 0;
	in->vmac_created = false;
	in->vmac_up = false;
	in->parent_arp_ignore = in->parent_arp_filter = -1;
}

void inst_start(struct inst *in)
{
	const struct conf_vrrp_instance *c = in->conf;

	inst_read_link(in);
	inst_attach(in);
	inst_resolve_primary(in);
	if (!in->have_primary)
		log_warn("(%s) %s has no %s address to send adverts from", in->name, in->ifname,
			 in->family == AF_INET6 ? "link-local IPv6" : "IPv4");

	struct vrrp_fsm_config fc = {
		.version = in->version,
		.adver_int_cs = c->advert_int_ms / 10 ? c->advert_int_ms / 10 : 1,
		.priority = (uint8_t)c->priority,
		.want_master = in->want_master,
		.nopreempt = c->nopreempt,
		.preempt_delay_ms = in->preempt_delay_ms,
		.lower_prio_advert = in->lower_prio_advert,
		.family = in->family,
	};
	memcpy(fc.primary_ip, in->primary, addr_len(in->family));
	vrrp_fsm_init(&in->fsm, &fc);
	/* Trackers first: a router that starts faulty or lowered must not
	 * claim mastership for an instant. */
	int prio;
	bool fault;
	inst_evaluate(in, &prio, &fault);
	in->own_fault = fault;
	if (in->group)
		for (int i = 0; i < in->group->nmembers; i++)
			fault |= in->group->members[i]->own_fault;
	struct vrrp_event ev = { .kind = VRRP_EV_PRIORITY, .priority = (uint8_t)prio };
	if (prio != in->fsm.priority)
		inst_event(in, &ev);
	if (fault) {
		ev.kind = VRRP_EV_FAULT_ON;
		inst_event(in, &ev);
	}
	in->fault_level = fault;
	ev.kind = VRRP_EV_STARTUP;
	inst_event(in, &ev);
	if (in->group)
		group_update_faults(in->group);
	log_info("(%s) started on %s: VRID %u, VRRPv%d, priority %u, advert %u ms%s", in->name,
		 in->ifname, c->vrid, in->version, c->priority, c->advert_int_ms,
		 in->unicast ? ", unicast" : "");
}

/* Graceful stop: a master sends priority 0 and gives its addresses back. */
void inst_stop(struct inst *in)
{
	struct vrrp_event ev = { .kind = VRRP_EV_SHUTDOWN };

	if (in->fsm.state != VRRP_STATE_INIT && in->fsm.state != VRRP_STATE_STOP)
		inst_event(in, &ev);
	vmac_arp_restore(in);
	if (in->vmac_created && in->vmac_ifindex)
		rtnl_link_del(&in->d->rtnl, in->vmac_ifindex);
	in->vmac_created = false;
	in->vmac_ifindex = 0;
}
