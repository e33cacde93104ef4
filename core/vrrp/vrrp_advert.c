/*
 * vrrp_advert.c - adverts on the wire: the raw sockets, an instance's advert
 * sent to its group or unicast peers, and a received one decoded, matched
 * to its instance, validated and counted when dropped.
 */
#include <errno.h>
#include <string.h>
#include "log.h"
#include "loop.h"
#include "vrrp_advert.h"
#include "vrrp_engine.h"
#include "vrrp_fsm.h"
#include "vrrp_inst.h"
#include "vrrp_pkt.h"
#include "vrrp_sock.h"

#define RX_BATCH 64                 /* packets read per wake-up before yielding */

void inst_send_advert(struct inst *in, int priority)
{
	struct vrrpd *d = in->d;
	uint8_t buf[VRRP_PKT_MAX];
	static const uint8_t group4[4] = { 224, 0, 0, 18 };
	static const uint8_t group6[16] = { 0xff, 0x02, [15] = 0x12 };
	int ndst = in->unicast ? in->npeers : 1;

	if (!in->have_primary || !in->send_ifindex)
		return;
	for (int i = 0; i < ndst; i++) {
		const uint8_t *dst = in->unicast ? in->peers[i] : (in->family == AF_INET ? group4 : group6);
		struct vrrp_send s = {
			.version = in->version,
			.family = in->family,
			.vrid = (uint8_t)in->conf->vrid,
			.priority = (uint8_t)priority,
			.adver_int_cs = in->conf->advert_int_ms / 10,
			.addrs = in->advert_addrs,
			.naddrs = in->nadvert_addrs,
			.auth_type = in->version == 2 ? in->auth_type : VRRP_AUTH_NONE,
			.auth_pass = in->conf->auth_pass,
			.unicast = in->unicast,
		};
		int len, rc;
		memcpy(s.src, in->primary, addr_len(in->family));
		memcpy(s.dst, dst, addr_len(in->family));
		if (in->family == AF_INET) {
			if (++in->ip_id == 0)
				in->ip_id = 1;
			s.ip_id = in->ip_id;
			if (s.auth_type == VRRP_AUTH_AH) {
				s.ah_spi = (uint32_t)in->primary[0] << 24 | (uint32_t)in->primary[1] << 16 |
					   (uint32_t)in->primary[2] << 8 | in->primary[3];
				s.ah_seq = ++in->ah_seq_out;
			}
			len = vrrp_build_ip4(&s, buf, sizeof(buf));
			rc = len < 0 ? -ENOBUFS : vrrp_sock_send4(d->sock4, in->send_ifindex, dst, buf, (size_t)len);
		} else {
			len = vrrp_build_msg(&s, buf, sizeof(buf));
			rc = len < 0 ? -ENOBUFS : vrrp_sock_send6(d->sock6, in->ifindex, in->primary, dst, buf, (size_t)len);
		}
		if (rc == 0) {
			in->adverts_sent++;
			in->send_error_logged = false;
		} else if (!in->send_error_logged) {
			log_err("(%s) cannot send advert: %s", in->name, strerror(-rc));
			in->send_error_logged = true;
		}
	}
}

static void count_drop(struct inst *in, enum vrrp_drop reason)
{
	if (reason > VRRP_OK && reason < VRRP_DROP_NREASONS)
		in->drops[reason]++;
	in->dropped++;
	if (log_debug_enabled())
		log_debug("(%s) advert dropped: %s", in->name, vrrp_drop_name(reason));
}

/*
 * Adverts arrive on the parent interface, except with a VMAC: a peer's
 * advert carries the same virtual MAC as source as our own macvlan, and the
 * macvlan driver hands such multicast to that macvlan instead of the parent.
 */
static bool inst_receives_on(const struct inst *in, int family, int ifindex)
{
	return in->family == family && ifindex &&
	       (ifindex == in->ifindex || ifindex == in->vmac_ifindex);
}

static void deliver(struct vrrpd *d, int family, const struct vrrp_rx *rx, enum vrrp_drop decoded,
		    const struct vrrp_advert *adv)
{
	struct inst *target = NULL;
	bool any_here = false;

	for (struct inst *in = d->insts; in; in = in->next) {
		if (!inst_receives_on(in, family, rx->ifindex))
			continue;
		any_here = true;
		if (decoded == VRRP_OK && adv->vrid == in->conf->vrid)
			target = in;
	}
	if (!any_here)
		return;
	if (decoded != VRRP_OK || !target) {
		for (struct inst *in = d->insts; in; in = in->next)
			if (inst_receives_on(in, family, rx->ifindex))
				count_drop(in, decoded != VRRP_OK ? decoded : VRRP_DROP_VRID);
		return;
	}
	if (target->have_primary && memcmp(adv->src, target->primary, addr_len(family)) == 0)
		return;   /* our own advert, reflected */
	if (!target->unicast && adv->ttl != VRRP_TTL) {
		count_drop(target, VRRP_DROP_TTL);
		return;
	}
	struct vrrp_expect e = {
		.version = target->version,
		.family = family,
		.vrid = (uint8_t)target->conf->vrid,
		.adver_int_cs = target->conf->advert_int_ms / 10,
		.auth_type = target->version == 2 ? target->auth_type : VRRP_AUTH_NONE,
		.auth_pass = target->conf->auth_pass,
		.vips = target->advert_addrs,
		.nvips = target->nadvert_addrs,
		.unicast = target->unicast,
		.ah_replay = &target->ah_replay,
	};
	enum vrrp_drop r = vrrp_validate(&e, adv);
	if (r != VRRP_OK) {
		count_drop(target, r);
		return;
	}
	target->adverts_received++;
	struct vrrp_event ev = {
		.kind = VRRP_EV_ADVERT,
		.priority = adv->priority,
		.adver_int_cs = adv->adver_int_cs,
	};
	memcpy(ev.src, adv->src, 16);
	inst_event(target, &ev);
}

static void on_vrrp_readable(struct loop *loop, struct loop_io *io, unsigned events)
{
	struct vrrpd *d = io->arg;
	int family = io == &d->io6 ? AF_INET6 : AF_INET;
	(void)loop;
	(void)events;

	for (int round = 0; round < RX_BATCH; round++) {
		struct vrrp_rx rx;
		struct vrrp_advert adv;
		ssize_t n = vrrp_sock_recv(io->fd, family, d->rxbuf, VRRP_PKT_MAX, &rx);
		enum vrrp_drop r;
		if (n < 0)
			return;
		memset(&adv, 0, sizeof(adv));
		/* TTL is checked per instance: unicast peers may be routed. */
		if (family == AF_INET)
			r = vrrp_decode_ip4(d->rxbuf, (size_t)n, VRRP_DECODE_ANY_TTL, &adv);
		else
			r = vrrp_decode_ip6(d->rxbuf, (size_t)n, rx.hoplimit, rx.src, rx.dst,
					    VRRP_DECODE_ANY_TTL, &adv);
		deliver(d, family, &rx, r, &adv);
	}
}

int open_sockets(struct vrrpd *d)
{
	bool want4 = false, want6 = false, want_ah = false;

	for (int i = 0; i < d->conf->ninstances; i++) {
		const struct conf_vrrp_instance *c = &d->conf->instances[i];
		bool v6 = c->vips.n && c->vips.v[0].addr.family == AF_INET6;
		want6 |= v6;
		want4 |= !v6;
		want_ah |= !v6 && c->auth_type == CONF_AUTH_AH;
	}
	/* Both families are opened so a reload may add either; only a wanted
	 * one failing is an error. */
	d->sock4 = vrrp_sock_open(AF_INET, VRRP_IPPROTO);
	d->sock6 = vrrp_sock_open(AF_INET6, VRRP_IPPROTO);
	d->sock4_ah = vrrp_sock_open(AF_INET, VRRP_IPPROTO_AH);
	if ((want4 && d->sock4 < 0) || (want6 && d->sock6 < 0) || (want_ah && d->sock4_ah < 0)) {
		log_err("cannot open raw VRRP sockets: %s",
			strerror(-(want4 && d->sock4 < 0 ? d->sock4 : want6 && d->sock6 < 0 ? d->sock6 : d->sock4_ah)));
		return -1;
	}
	if (d->sock4 >= 0) {
		loop_io_init(&d->io4, d->sock4, on_vrrp_readable, d);
		loop_io_watch(&d->loop, &d->io4, LOOP_READ);
	}
	if (d->sock4_ah >= 0) {
		loop_io_init(&d->io4_ah, d->sock4_ah, on_vrrp_readable, d);
		loop_io_watch(&d->loop, &d->io4_ah, LOOP_READ);
	}
	if (d->sock6 >= 0) {
		loop_io_init(&d->io6, d->sock6, on_vrrp_readable, d);
		loop_io_watch(&d->loop, &d->io6, LOOP_READ);
	}
	return 0;
}
