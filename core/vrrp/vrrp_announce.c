/*
 * vrrp_announce.c - when a master's gratuitous ARPs / unsolicited NAs go out
 * (the frames are garp's): the burst at takeover, the repeat after a delay,
 * refreshes, the answer to a lower-priority master, each paced per
 * interface by vrrp_garp_interval / vrrp_gna_interval.
 */
#include <string.h>
#include <time.h>
#include "garp.h"
#include "loop.h"
#include "vrrp_announce.h"
#include "vrrp_engine.h"
#include "vrrp_fsm.h"
#include "vrrp_vip.h"

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The pacing slot of one interface and family; NULL when the table is full
 * (that interface is then not paced). */
static uint64_t *garp_pace_slot(struct vrrpd *d, int ifindex, int family)
{
	int i;

	for (i = 0; i < d->npace && d->pace[i].ifindex != ifindex; i++)
		;
	if (i == d->npace) {
		if (d->npace == MAX_GARP_PACE)
			return NULL;
		d->npace++;
		memset(&d->pace[i], 0, sizeof(d->pace[i]));
		d->pace[i].ifindex = ifindex;
	}
	return &d->pace[i].next_us[family == AF_INET6];
}

/*
 * Sends what is left of the burst, one frame per VIP and round. With
 * vrrp_garp_interval (ARP) or vrrp_gna_interval (NA) set, frames on one
 * interface leave at least that far apart, whichever instance sends them:
 * the rest waits on a timer, the loop never sleeps.
 */
static void inst_garp_pump(struct inst *in)
{
	struct vrrpd *d = in->d;
	unsigned char frame[GARP_NA_LEN];

	while (in->garp_left > 0) {
		if (in->fsm.state != VRRP_STATE_MASTER || d->garp_fd < 0 || in->nvips == 0) {
			in->garp_left = 0;
			return;
		}
		struct vip *v = &in->vips[in->garp_pos % (unsigned)in->nvips];
		int ifindex = v->ra.ifindex ? v->ra.ifindex : vip_ifindex(in, v);
		unsigned gap_ms = v->ra.family == AF_INET ? d->conf->global.vrrp_garp_interval_ms
			       : d->conf->global.vrrp_gna_interval_ms;
		uint64_t *next = gap_ms && ifindex ? garp_pace_slot(d, ifindex, v->ra.family) : NULL;
		uint64_t now = mono_us();
		if (next && *next > now) {
			loop_timer_arm(&d->loop, &in->garp_pace_timer, (*next - now + 999) / 1000);
			return;
		}
		size_t len = v->ra.family == AF_INET
			? garp_build_arp(frame, sizeof(frame), in->mac, v->ra.addr)
			: garp_build_na(frame, sizeof(frame), in->mac, v->ra.addr);
		if (len && ifindex) {
			garp_send(d->garp_fd, ifindex, frame, len);
			if (next)
				*next = mono_us() + (uint64_t)gap_ms * 1000u;
		}
		in->garp_pos++;
		in->garp_left--;
	}
}

void on_garp_pace(struct loop *loop, struct loop_timer *timer)
{
	(void)loop;
	inst_garp_pump(timer->arg);
}

/* A new burst of rounds x VIPs replaces what is left of the last one. */
static void inst_garp_send(struct inst *in, unsigned rounds)
{
	loop_timer_cancel(&in->d->loop, &in->garp_pace_timer);
	in->garp_left = rounds * (unsigned)in->nvips;
	in->garp_pos = 0;
	inst_garp_pump(in);
}

void on_garp_due(struct loop *loop, struct loop_timer *timer)
{
	struct inst *in = timer->arg;
	unsigned repeat = in->garp_repeat ? in->garp_repeat : 1;

	if (in->fsm.state != VRRP_STATE_MASTER)
		return;
	if (in->garp_round <= 1)
		inst_garp_send(in, repeat);
	else
		inst_garp_send(in, in->garp_refresh_repeat ? in->garp_refresh_repeat : 1);
	in->garp_round++;
	if (in->garp_round == 1 && in->garp_delay_ms)
		loop_timer_arm(loop, &in->garp_timer, in->garp_delay_ms);
	else if (in->garp_refresh_ms)
		loop_timer_arm(loop, &in->garp_timer, in->garp_refresh_ms);
}

void on_lower_prio_due(struct loop *loop, struct loop_timer *timer)
{
	struct inst *in = timer->arg;

	(void)loop;
	inst_garp_send(in, in->garp_lower_prio_repeat);
}

/*
 * keepalived's answer to a lower-priority master: garp_lower_prio_repeat
 * rounds at once and again after garp_lower_prio_delay, so that hosts that
 * followed the other master's GARPs come back. While a delayed round is
 * pending another advert does not postpone it.
 */
void inst_lower_prio_garp(struct inst *in)
{
	if (!in->garp_lower_prio_repeat)
		return;
	inst_garp_send(in, in->garp_lower_prio_repeat);
	if (in->garp_lower_prio_delay_ms && !loop_timer_armed(&in->lower_prio_timer))
		loop_timer_arm(&in->d->loop, &in->lower_prio_timer, in->garp_lower_prio_delay_ms);
}

void inst_garp_start(struct inst *in)
{
	in->garp_round = 0;
	on_garp_due(&in->d->loop, &in->garp_timer);
}
