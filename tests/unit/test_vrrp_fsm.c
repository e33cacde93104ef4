/*
 * test_vrrp_fsm.c - the VRRP state machine with fake time. The expected
 * timer values are worked out here from the RFC formulas (RFC 3768 6.1,
 * RFC 5798 6.1), not taken from the code: e.g. v2 priority 100 has
 * Skew_Time = 156/256 s = 609.375 ms. Then every transition, keepalived's
 * FAULT and preempt options, and a small simulated network of routers for
 * elections, failover and graceful stop.
 */
#include "unit.h"
#include "vrrp_fsm.h"

#include <string.h>
#include <sys/socket.h>

static struct vrrp_actions acts;

static struct vrrp_fsm_config config(int version, unsigned cs, int prio, int last_ip_byte)
{
	struct vrrp_fsm_config c = { .version = version, .adver_int_cs = cs, .priority = (uint8_t)prio,
		.family = AF_INET, .primary_ip = { 10, 0, 0, (uint8_t)last_ip_byte } };
	return c;
}

static int feed(struct vrrp_fsm *f, int kind, uint64_t now)
{
	struct vrrp_event ev = { .kind = kind };
	return vrrp_fsm_event(f, &ev, now, &acts);
}

static int fire(struct vrrp_fsm *f, int timer, uint64_t now)
{
	struct vrrp_event ev = { .kind = VRRP_EV_TIMER, .timer = timer };
	return vrrp_fsm_event(f, &ev, now, &acts);
}

static int advert(struct vrrp_fsm *f, int prio, unsigned cs, int last_ip_byte, uint64_t now)
{
	struct vrrp_event ev = { .kind = VRRP_EV_ADVERT, .priority = (uint8_t)prio, .adver_int_cs = cs,
		.src = { 10, 0, 0, (uint8_t)last_ip_byte } };
	return vrrp_fsm_event(f, &ev, now, &acts);
}

static int set_priority(struct vrrp_fsm *f, int prio, uint64_t now)
{
	struct vrrp_event ev = { .kind = VRRP_EV_PRIORITY, .priority = (uint8_t)prio };
	return vrrp_fsm_event(f, &ev, now, &acts);
}

/* index of the first action of this kind (and arg, when arg >= 0), or -1 */
static int find(int kind, int arg)
{
	for (int i = 0; i < acts.n; i++)
		if (acts.v[i].kind == kind && (arg < 0 || acts.v[i].arg == arg))
			return i;
	return -1;
}

static int64_t armed_at(int timer)
{
	int i = find(VRRP_ACT_TIMER_ARM, timer);
	return i < 0 ? -1 : (int64_t)acts.v[i].at_ms;
}

static const char *list(void)
{
	static char buf[512];
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; i < acts.n && n < sizeof(buf) - 40; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s(%d)", i ? " " : "",
			vrrp_action_names[acts.v[i].kind], acts.v[i].arg);
	return buf;
}

/* ---- the formulas ---- */

static void test_formulas(void)
{
	/* by hand from RFC 3768: skew = (256 - p) / 256 s, down = 3 x advert + skew */
	CHECK(vrrp_skew_ms(2, 100, 100) == 609, "v2 skew, priority 100: 156/256 s = 609 ms");
	CHECK(vrrp_master_down_ms(2, 100, 100) == 3609, "v2 master down, priority 100, 1 s: 3609 ms");
	CHECK(vrrp_skew_ms(2, 254, 100) == 7, "v2 skew, priority 254: 2/256 s = 7 ms");
	CHECK(vrrp_skew_ms(2, 1, 300) == 996, "v2 skew ignores the interval: priority 1 -> 255/256 s = 996 ms");
	CHECK(vrrp_master_down_ms(2, 1, 300) == 9996, "v2 master down, priority 1, 3 s: 9996 ms");
	/* RFC 5798: skew = (256 - p) x Master_Adver_Interval / 256 (centiseconds) */
	CHECK(vrrp_skew_ms(3, 100, 100) == 609, "v3 skew, priority 100, 100 cs: 609 ms");
	CHECK(vrrp_skew_ms(3, 100, 5) == 30, "v3 skew, priority 100, 5 cs: 156 x 50 / 256 = 30.47 ms -> 30");
	CHECK(vrrp_master_down_ms(3, 100, 5) == 180, "v3 master down at 0.05 s, priority 100: 150 + 30 ms");
	CHECK(vrrp_master_down_ms(3, 200, 5) == 160, "v3 master down at 0.05 s, priority 200: 150 + 10.9 ms -> 160");
	CHECK(vrrp_master_down_ms(3, 255, 1) == 30, "v3 master down at 0.01 s, priority 255: 30 + 0.04 ms -> 30");
	CHECK(vrrp_master_down_ms(3, 1, 4095) == 163640, "v3 master down at 40.95 s, priority 1: 122850 + 40790.04 ms");

	int bad = 0;
	static const unsigned intervals[] = { 1, 5, 10, 33, 100, 250, 4095 };
	for (int p = 1; p <= 255; p++)
		for (size_t i = 0; i < sizeof(intervals) / sizeof(intervals[0]); i++) {
			double adv_ms = intervals[i] * 10.0;
			double skew2 = (256 - p) / 256.0 * 1000.0, skew3 = (256 - p) * adv_ms / 256.0;
			if (vrrp_master_down_ms(2, (uint8_t)p, intervals[i]) != (unsigned)(3 * adv_ms + skew2 + 1e-9) ||
			    vrrp_master_down_ms(3, (uint8_t)p, intervals[i]) != (unsigned)(3 * adv_ms + skew3 + 1e-9))
				bad++;
		}
	CHECK(bad == 0, "master down for priorities 1..255 and 7 intervals equals the RFC formula rounded down (%d off)", bad);

	uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 }, c[4] = { 9, 255, 255, 255 };
	CHECK(vrrp_advert_wins(101, a, 100, b, AF_INET), "higher priority wins");
	CHECK(!vrrp_advert_wins(99, b, 100, a, AF_INET), "lower priority loses whatever the address");
	CHECK(vrrp_advert_wins(100, b, 100, a, AF_INET), "tie: higher primary address wins");
	CHECK(!vrrp_advert_wins(100, c, 100, a, AF_INET), "tie: 9.255.255.255 < 10.0.0.1 (compared as numbers)");
	CHECK(!vrrp_advert_wins(100, a, 100, a, AF_INET), "tie with ourselves does not win");
	uint8_t x6[16] = { 0xfe, 0x80 }, y6[16] = { 0xfe, 0x80 };
	y6[15] = 1;
	CHECK(vrrp_advert_wins(50, y6, 50, x6, AF_INET6), "IPv6 tie: the last byte decides");

	CHECK(strcmp(vrrp_state_names[VRRP_STATE_MASTER], "MASTER") == 0 &&
		strcmp(vrrp_state_names[VRRP_STATE_BACKUP], "BACKUP") == 0 &&
		strcmp(vrrp_state_names[VRRP_STATE_FAULT], "FAULT") == 0 &&
		strcmp(vrrp_state_names[VRRP_STATE_STOP], "STOP") == 0,
		"state names are keepalived's notify words");
	int named = 1;
	for (int i = 0; i < VRRP_NSTATES; i++) named &= vrrp_state_names[i] != NULL;
	for (int i = 0; i < VRRP_NEVENTS; i++) named &= vrrp_event_names[i] != NULL;
	for (int i = 0; i < VRRP_NACTIONS; i++) named &= vrrp_action_names[i] != NULL;
	for (int i = 0; i < VRRP_NTIMERS; i++) named &= vrrp_timer_names[i] != NULL;
	CHECK(named, "every state, event, action and timer has a name");
}

/* ---- one router ---- */

static void test_backup_to_master(void)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = config(2, 100, 100, 1);
	vrrp_fsm_init(&f, &c);
	CHECK(f.state == VRRP_STATE_INIT, "a new machine is INIT");
	CHECK(feed(&f, VRRP_EV_ADVERT, 500) == 0 && acts.n == 0, "INIT ignores adverts");

	CHECK(feed(&f, VRRP_EV_STARTUP, 1000) == 1 && f.state == VRRP_STATE_BACKUP, "startup: BACKUP");
	CHECK(armed_at(VRRP_TIMER_MASTER_DOWN) == 1000 + 3609 && find(VRRP_ACT_NOTIFY, VRRP_STATE_BACKUP) >= 0 &&
		find(VRRP_ACT_VIPS_ADD, -1) < 0 && find(VRRP_ACT_SEND_ADVERT, -1) < 0,
		"startup: master-down armed at +3609 ms, notify BACKUP, no VIPs, no advert [%s]", list());

	CHECK(fire(&f, VRRP_TIMER_MASTER_DOWN, 4608) == 0 && acts.n == 0, "master-down a ms early: ignored as stale");
	CHECK(fire(&f, VRRP_TIMER_ADVER, 4700) == 0 && acts.n == 0, "an advert timer that is not armed: ignored");

	CHECK(fire(&f, VRRP_TIMER_MASTER_DOWN, 4609) == 1 && f.state == VRRP_STATE_MASTER, "master-down expires: MASTER");
	int add = find(VRRP_ACT_VIPS_ADD, -1), send = find(VRRP_ACT_SEND_ADVERT, 100), garp = find(VRRP_ACT_GARP, -1),
	    notify = find(VRRP_ACT_NOTIFY, VRRP_STATE_MASTER);
	CHECK(add >= 0 && send > add && garp > send && notify > garp,
		"takeover order: VIPs, advert with priority 100, gratuitous ARP, notify MASTER [%s]", list());
	CHECK(armed_at(VRRP_TIMER_ADVER) == 4609 + 1000, "advert timer armed at +1 s");
	CHECK(f.became_master == 1 && memcmp(f.master_ip, c.primary_ip, 4) == 0, "became_master counted, we are the master");

	CHECK(fire(&f, VRRP_TIMER_ADVER, 5609) == 0 && find(VRRP_ACT_SEND_ADVERT, 100) == 0 &&
		armed_at(VRRP_TIMER_ADVER) == 6609 && acts.n == 2, "advert timer: one advert, re-armed +1 s [%s]", list());
	CHECK(fire(&f, VRRP_TIMER_ADVER, 5700) == 0 && acts.n == 0, "the same advert timer again: stale, ignored");

	CHECK(advert(&f, 99, 100, 200, 6000) == 0 && acts.n == 1 && find(VRRP_ACT_LOWER_PRIO, 99) == 0,
		"master stays on a lower priority advert, says so, no advert without lower_prio_advert [%s]", list());
	CHECK(advert(&f, 100, 100, 0, 6000) == 0 && acts.n == 1 && find(VRRP_ACT_LOWER_PRIO, 100) == 0,
		"an equal priority from a lower address counts as lower [%s]", list());
	f.cfg.lower_prio_advert = 1;
	CHECK(advert(&f, 99, 100, 200, 6050) == 0 && acts.n == 2 && find(VRRP_ACT_SEND_ADVERT, 100) == 0 &&
		find(VRRP_ACT_LOWER_PRIO, 99) == 1 && find(VRRP_ACT_TIMER_ARM, -1) < 0,
		"lower_prio_advert: our advert answers at once, the advert timer keeps its time [%s]", list());
	f.cfg.lower_prio_advert = 0;
	CHECK(advert(&f, 0, 100, 2, 6100) == 0 && find(VRRP_ACT_SEND_ADVERT, 100) >= 0 &&
		armed_at(VRRP_TIMER_ADVER) == 7100 && f.prio0_received == 1,
		"master hearing priority 0 advertises at once and re-arms [%s]", list());

	CHECK(advert(&f, 100, 100, 2, 6500) == 1 && f.state == VRRP_STATE_BACKUP,
		"master hearing an equal priority from a higher address: BACKUP");
	CHECK(find(VRRP_ACT_VIPS_DEL, -1) >= 0 && find(VRRP_ACT_TIMER_STOP, VRRP_TIMER_ADVER) >= 0 &&
		armed_at(VRRP_TIMER_MASTER_DOWN) == 6500 + 3609 && find(VRRP_ACT_SEND_ADVERT, -1) < 0,
		"stepping down: VIPs deleted, advert timer stopped, master-down armed, no advert [%s]", list());
	CHECK(f.master_ip[3] == 2 && f.master_priority == 100 && f.released_master == 1, "the new master is remembered");
}

static void test_backup_adverts(void)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = config(3, 100, 100, 1);
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_STARTUP, 1000);

	CHECK(advert(&f, 150, 5, 9, 2000) == 0 && armed_at(VRRP_TIMER_MASTER_DOWN) == 2000 + 180 &&
		f.master_adver_int_cs == 5, "v3 backup adopts the master's 0.05 s: master-down at +180 ms");
	CHECK(advert(&f, 100, 10, 9, 2100) == 0 && armed_at(VRRP_TIMER_MASTER_DOWN) == 2100 + 300 + 60,
		"equal priority advert resets master-down (v3, 0.1 s: 300 + 60.9 ms)");
	CHECK(advert(&f, 50, 10, 9, 2200) == 0 && acts.n == 0 && f.timer_at[VRRP_TIMER_MASTER_DOWN] == 2460,
		"lower priority advert with preempt: discarded, master-down keeps running");
	CHECK(fire(&f, VRRP_TIMER_MASTER_DOWN, 2460) == 1 && f.state == VRRP_STATE_MASTER,
		"so the preempting backup becomes MASTER when it expires");
	CHECK(armed_at(VRRP_TIMER_ADVER) == 2460 + 1000 && f.master_adver_int_cs == 100,
		"as master it advertises at its own interval, 1 s");

	/* priority 0 at a backup */
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_STARTUP, 1000);
	advert(&f, 200, 5, 9, 1100);
	CHECK(advert(&f, 0, 5, 9, 1150) == 0 && armed_at(VRRP_TIMER_MASTER_DOWN) == 1150 + 30 && f.prio0_received == 1,
		"backup hearing priority 0: master-down set to Skew_Time (30 ms at 0.05 s, priority 100)");
	CHECK(fire(&f, VRRP_TIMER_MASTER_DOWN, 1180) == 1 && f.state == VRRP_STATE_MASTER, "and takes over after the skew");

	/* v2 keeps its own interval */
	struct vrrp_fsm_config c2 = config(2, 100, 100, 1);
	vrrp_fsm_init(&f, &c2);
	feed(&f, VRRP_EV_STARTUP, 1000);
	advert(&f, 200, 300, 9, 1100);
	CHECK(armed_at(VRRP_TIMER_MASTER_DOWN) == 1100 + 3609 && f.master_adver_int_cs == 100,
		"v2 backup does not adopt another interval (the codec drops such adverts)");
}

static void test_nopreempt(void)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = config(2, 100, 200, 1);
	c.nopreempt = 1;
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_STARTUP, 1000);
	CHECK(advert(&f, 100, 100, 9, 2000) == 0 && armed_at(VRRP_TIMER_MASTER_DOWN) == 2000 + 3000 + 218,
		"nopreempt: a lower priority master's advert still resets master-down (3 s + 56/256 s)");
	for (uint64_t t = 3000; t < 30000; t += 1000)
		advert(&f, 100, 100, 9, t);
	CHECK(f.state == VRRP_STATE_BACKUP, "nopreempt: stays BACKUP under a lower priority master");
	CHECK(fire(&f, VRRP_TIMER_MASTER_DOWN, 29000 + 3218) == 1 && f.state == VRRP_STATE_MASTER,
		"nopreempt: takes over when that master goes silent");
}

static void test_preempt_delay(void)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = config(2, 100, 200, 1);
	c.preempt_delay_ms = 10000;
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_STARTUP, 1000);
	CHECK(advert(&f, 100, 100, 9, 2000) == 0 && armed_at(VRRP_TIMER_PREEMPT) == 12000 &&
		armed_at(VRRP_TIMER_MASTER_DOWN) == 2000 + 3218,
		"preempt_delay: lower advert starts the 10 s delay and is accepted meanwhile [%s]", list());
	CHECK(advert(&f, 100, 100, 9, 3000) == 0 && armed_at(VRRP_TIMER_PREEMPT) == -1 &&
		f.timer_at[VRRP_TIMER_PREEMPT] == 12000, "the next lower advert does not restart the delay");
	for (uint64_t t = 4000; t < 12000; t += 1000)
		advert(&f, 100, 100, 9, t);
	CHECK(f.state == VRRP_STATE_BACKUP, "preempt_delay: still BACKUP at 11 s");
	CHECK(fire(&f, VRRP_TIMER_PREEMPT, 12000) == 1 && f.state == VRRP_STATE_MASTER &&
		find(VRRP_ACT_SEND_ADVERT, 200) >= 0, "preempt_delay expired, master still lower: MASTER at once");

	/* a higher master during the delay cancels it */
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_STARTUP, 1000);
	advert(&f, 100, 100, 9, 2000);
	CHECK(advert(&f, 250, 100, 8, 3000) == 0 && find(VRRP_ACT_TIMER_STOP, VRRP_TIMER_PREEMPT) >= 0,
		"a higher priority advert stops the preempt delay");
	CHECK(fire(&f, VRRP_TIMER_PREEMPT, 12000) == 0 && f.state == VRRP_STATE_BACKUP, "the stopped delay never fires");

	/* the delay ran out while the master was higher: the next lower advert is discarded */
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_STARTUP, 1000);
	advert(&f, 100, 100, 9, 2000);
	set_priority(&f, 90, 2500);
	CHECK(fire(&f, VRRP_TIMER_PREEMPT, 12000) == 0 && f.state == VRRP_STATE_BACKUP && f.preempt_expired,
		"delay expires while our priority (90) is below the master's (100): stays BACKUP");
	set_priority(&f, 200, 12500);
	advert(&f, 100, 100, 9, 13000);
	CHECK(acts.n == 0, "after the delay, a lower advert is discarded (preempt as usual)");
}

static void test_owner_and_state_master(void)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = config(3, 100, 255, 1);
	vrrp_fsm_init(&f, &c);
	CHECK(feed(&f, VRRP_EV_STARTUP, 1000) == 1 && f.state == VRRP_STATE_MASTER &&
		find(VRRP_ACT_SEND_ADVERT, 255) >= 0 && find(VRRP_ACT_VIPS_ADD, -1) >= 0,
		"priority 255 (address owner): MASTER at startup, advert with 255");
	CHECK(advert(&f, 255, 100, 0, 1500) == 0 && f.state == VRRP_STATE_MASTER, "owner keeps MASTER against 255 from a lower address");

	c = config(2, 100, 100, 1);
	c.want_master = 1;
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_STARTUP, 1000);
	CHECK(f.state == VRRP_STATE_BACKUP && armed_at(VRRP_TIMER_MASTER_DOWN) == 1000 + 1000 + 3,
		"state MASTER: starts BACKUP and listens one interval + 1/256 s (keepalived)");
	CHECK(advert(&f, 150, 100, 9, 1500) == 0 && f.state == VRRP_STATE_BACKUP &&
		armed_at(VRRP_TIMER_MASTER_DOWN) == 1500 + 3609, "state MASTER hearing a higher master: normal backup");
}

static void test_fault(void)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = config(2, 100, 100, 1);
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_FAULT_ON, 500);
	CHECK(f.state == VRRP_STATE_INIT && acts.n == 0, "fault before startup only records it");
	CHECK(feed(&f, VRRP_EV_STARTUP, 1000) == 1 && f.state == VRRP_STATE_FAULT && acts.n == 1 &&
		find(VRRP_ACT_NOTIFY, VRRP_STATE_FAULT) == 0, "startup with a fault: FAULT, no timer");
	CHECK(advert(&f, 50, 100, 9, 1100) == 0 && acts.n == 0, "FAULT ignores adverts");
	CHECK(feed(&f, VRRP_EV_FAULT_ON, 1200) == 0 && acts.n == 0, "fault on twice: nothing");
	CHECK(feed(&f, VRRP_EV_FAULT_OFF, 2000) == 1 && f.state == VRRP_STATE_BACKUP &&
		armed_at(VRRP_TIMER_MASTER_DOWN) == 2000 + 3609, "fault cleared: BACKUP with a full master-down");

	fire(&f, VRRP_TIMER_MASTER_DOWN, 5609);
	CHECK(f.state == VRRP_STATE_MASTER, "then MASTER");
	CHECK(feed(&f, VRRP_EV_FAULT_ON, 6000) == 1 && f.state == VRRP_STATE_FAULT, "fault at a master: FAULT");
	int prio0 = find(VRRP_ACT_SEND_ADVERT, 0), del = find(VRRP_ACT_VIPS_DEL, -1);
	CHECK(prio0 >= 0 && del > prio0 && find(VRRP_ACT_TIMER_STOP, VRRP_TIMER_ADVER) >= 0 &&
		find(VRRP_ACT_NOTIFY, VRRP_STATE_FAULT) > del && f.prio0_sent == 1,
		"master into FAULT: priority-0 advert, VIPs deleted, advert timer stopped, notify FAULT [%s]", list());
	CHECK(fire(&f, VRRP_TIMER_ADVER, 7000) == 0 && acts.n == 0, "no advert timer in FAULT");

	struct vrrp_fsm_config o = config(2, 100, 255, 1);
	vrrp_fsm_init(&f, &o);
	feed(&f, VRRP_EV_STARTUP, 1000);
	feed(&f, VRRP_EV_FAULT_ON, 2000);
	CHECK(feed(&f, VRRP_EV_FAULT_OFF, 3000) == 1 && f.state == VRRP_STATE_MASTER, "owner leaving FAULT: MASTER at once");
	feed(&f, VRRP_EV_FAULT_ON, 4000);
	CHECK(feed(&f, VRRP_EV_SHUTDOWN, 5000) == 1 && f.state == VRRP_STATE_STOP && find(VRRP_ACT_SEND_ADVERT, -1) < 0,
		"shutdown in FAULT: STOP without an advert");
}

static void test_shutdown(void)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = config(3, 5, 100, 1);
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_STARTUP, 1000);
	fire(&f, VRRP_TIMER_MASTER_DOWN, 1180);
	CHECK(f.state == VRRP_STATE_MASTER && armed_at(VRRP_TIMER_ADVER) == 1230, "v3 0.05 s master advertises every 50 ms");
	CHECK(feed(&f, VRRP_EV_SHUTDOWN, 1200) == 1 && f.state == VRRP_STATE_STOP, "shutdown: STOP");
	int prio0 = find(VRRP_ACT_SEND_ADVERT, 0), del = find(VRRP_ACT_VIPS_DEL, -1);
	CHECK(prio0 >= 0 && del > prio0 && find(VRRP_ACT_NOTIFY, VRRP_STATE_STOP) > del,
		"master shutdown: priority-0 advert, then VIPs deleted, then notify STOP [%s]", list());
	CHECK(f.timer_at[VRRP_TIMER_ADVER] == 0 && fire(&f, VRRP_TIMER_ADVER, 1230) == 0 && acts.n == 0,
		"no advert after shutdown");
	CHECK(feed(&f, VRRP_EV_STARTUP, 2000) == 1 && f.state == VRRP_STATE_BACKUP, "startup again after STOP: BACKUP");
	CHECK(feed(&f, VRRP_EV_SHUTDOWN, 2100) == 1 && f.state == VRRP_STATE_STOP && find(VRRP_ACT_SEND_ADVERT, -1) < 0 &&
		find(VRRP_ACT_TIMER_STOP, VRRP_TIMER_MASTER_DOWN) >= 0, "backup shutdown: no advert, master-down stopped");
}

static void test_priority_changes(void)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = config(2, 100, 100, 1);
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_STARTUP, 1000);
	fire(&f, VRRP_TIMER_MASTER_DOWN, 4609);
	CHECK(set_priority(&f, 80, 5000) == 0 && acts.n == 0 && f.priority == 80, "tracker lowers priority: no immediate action");
	fire(&f, VRRP_TIMER_ADVER, 5609);
	CHECK(find(VRRP_ACT_SEND_ADVERT, 80) >= 0, "the next advert carries priority 80");
	CHECK(advert(&f, 90, 100, 0, 5700) == 1 && f.state == VRRP_STATE_BACKUP,
		"a backup at 90 now beats us: BACKUP (handover by tracking)");
	CHECK(armed_at(VRRP_TIMER_MASTER_DOWN) == 5700 + 3000 + 687, "master-down uses our new priority: skew 176/256 s");
	set_priority(&f, 255, 6000);
	CHECK(f.priority == 254, "a tracker cannot make a non-owner 255");
	set_priority(&f, 0, 6000);
	CHECK(f.priority == 1, "nor 0");
}

static void test_groups(void)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = config(2, 100, 100, 1);
	vrrp_fsm_init(&f, &c);
	feed(&f, VRRP_EV_STARTUP, 1000);
	CHECK(feed(&f, VRRP_EV_GROUP_BACKUP, 1100) == 0 && acts.n == 0, "sync group: backup told to stay backup: nothing");
	CHECK(feed(&f, VRRP_EV_GROUP_MASTER, 1200) == 1 && f.state == VRRP_STATE_MASTER &&
		find(VRRP_ACT_VIPS_ADD, -1) >= 0 && find(VRRP_ACT_TIMER_STOP, VRRP_TIMER_MASTER_DOWN) >= 0,
		"sync group: a member became master, this one follows at once");
	CHECK(feed(&f, VRRP_EV_GROUP_BACKUP, 1300) == 1 && f.state == VRRP_STATE_BACKUP &&
		find(VRRP_ACT_VIPS_DEL, -1) >= 0 && armed_at(VRRP_TIMER_MASTER_DOWN) == 1300 + 3609,
		"sync group: a member left master, this one steps down");
	feed(&f, VRRP_EV_FAULT_ON, 1400);
	CHECK(feed(&f, VRRP_EV_GROUP_MASTER, 1500) == 0 && f.state == VRRP_STATE_FAULT, "a member in FAULT does not follow to master");
	struct vrrp_event bogus = { .kind = 99 };
	CHECK(vrrp_fsm_event(&f, &bogus, 1600, &acts) == 0 && acts.n == 0, "unknown event: ignored");
	bogus.kind = VRRP_EV_TIMER;
	bogus.timer = 7;
	CHECK(vrrp_fsm_event(&f, &bogus, 1600, &acts) == 0 && acts.n == 0, "unknown timer: ignored");
}

/* ---- routers on a simulated LAN ---- */

#define NODES 3
struct node {
	struct vrrp_fsm fsm;
	int alive;                  /* 0: crashed, hears and says nothing */
	int vips;                   /* holds the VIPs */
};
static struct node net[NODES];
static int nnodes;
static uint64_t now;
static int dual_masters_seen;

static void deliver(int from, int prio, int depth);

static void apply(int i, int depth)
{
	struct vrrp_actions mine = acts;
	for (int k = 0; k < mine.n; k++) {
		if (mine.v[k].kind == VRRP_ACT_VIPS_ADD) net[i].vips = 1;
		if (mine.v[k].kind == VRRP_ACT_VIPS_DEL) net[i].vips = 0;
		if (mine.v[k].kind == VRRP_ACT_SEND_ADVERT) deliver(i, mine.v[k].arg, depth + 1);
	}
}

static void deliver(int from, int prio, int depth)
{
	if (depth > 8)
		return;
	for (int j = 0; j < nnodes; j++) {
		if (j == from || !net[j].alive)
			continue;
		struct vrrp_event ev = { .kind = VRRP_EV_ADVERT, .priority = (uint8_t)prio,
			.adver_int_cs = net[from].fsm.cfg.adver_int_cs };
		memcpy(ev.src, net[from].fsm.cfg.primary_ip, 4);
		vrrp_fsm_event(&net[j].fsm, &ev, now, &acts);
		apply(j, depth);
	}
}

/* Runs the LAN until `until`, firing timers in time order. */
static void run_until(uint64_t until)
{
	for (int guard = 0; guard < 100000; guard++) {
		uint64_t next = 0;
		int who = -1, timer = -1;
		for (int i = 0; i < nnodes; i++)
			for (int t = 0; t < VRRP_NTIMERS; t++) {
				uint64_t at = net[i].fsm.timer_at[t];
				if (net[i].alive && at && (!next || at < next)) {
					next = at; who = i; timer = t;
				}
			}
		if (who < 0 || next > until)
			break;
		now = next;
		fire(&net[who].fsm, timer, now);
		apply(who, 0);
		int masters = 0;
		for (int i = 0; i < nnodes; i++)
			masters += net[i].alive && net[i].fsm.state == VRRP_STATE_MASTER;
		if (masters > 1)
			dual_masters_seen++;
	}
	now = until;
}

static int master_of(void)
{
	int m = -1, count = 0;
	for (int i = 0; i < nnodes; i++)
		if (net[i].alive && net[i].fsm.state == VRRP_STATE_MASTER) { m = i; count++; }
	return count == 1 ? m : -1 - count;
}

static void lan(int n, int version, unsigned cs, const int *prios, uint64_t start)
{
	memset(net, 0, sizeof(net));
	nnodes = n;
	now = start;
	for (int i = 0; i < n; i++) {
		struct vrrp_fsm_config c = config(version, cs, prios[i], i + 1);
		vrrp_fsm_init(&net[i].fsm, &c);
		net[i].alive = 1;
	}
	for (int i = 0; i < n; i++) {
		feed(&net[i].fsm, VRRP_EV_STARTUP, now);
		apply(i, 0);
	}
}

static void test_lan(void)
{
	/* v3 at 0.05 s: election, kill -9, graceful stop */
	int prios[3] = { 200, 100, 150 };
	lan(3, 3, 5, prios, 1000);
	run_until(2000);
	CHECK(master_of() == 0 && net[0].vips && !net[1].vips && !net[2].vips,
		"LAN v3 0.05 s: priority 200 of 200/100/150 is the one master and holds the VIPs");
	dual_masters_seen = 0;
	run_until(3000);
	CHECK(master_of() == 0 && dual_masters_seen == 0, "LAN: stable for a second, never two masters");

	uint64_t last_advert = net[0].fsm.timer_at[VRRP_TIMER_ADVER] - 50;
	net[0].alive = 0;      /* kill -9: silence */
	run_until(last_advert + 3 * 50 + 15);
	CHECK(master_of() == -1, "kill -9: no master until the backups' master-down runs out");
	run_until(last_advert + 3 * 50 + 19 + 1);
	/* priority 150: skew = 106 x 50 / 256 = 20.7 ms; 100 would need 30 ms */
	CHECK(master_of() == 2 && net[2].fsm.state_since_ms == last_advert + 150 + 20,
		"kill -9: the 150 backup is master 3 x 50 + 20 ms after the last advert (at %llu, last advert %llu)",
		(unsigned long long)net[2].fsm.state_since_ms, (unsigned long long)last_advert);
	CHECK(net[1].fsm.state == VRRP_STATE_BACKUP && net[1].fsm.master_ip[3] == 3,
		"the 100 backup follows the new master");

	/* graceful stop of the new master */
	uint64_t t0 = now + 7;
	run_until(t0);
	feed(&net[2].fsm, VRRP_EV_SHUTDOWN, now);
	apply(2, 0);
	net[2].alive = 0;
	run_until(t0 + 31);
	CHECK(master_of() == 1 && net[1].fsm.state_since_ms == t0 + 30,
		"graceful stop: the last backup is master after its skew, 30 ms (priority 100, 0.05 s)");

	/* the old master comes back and preempts */
	net[0].alive = 1;
	feed(&net[0].fsm, VRRP_EV_SHUTDOWN, now);
	feed(&net[0].fsm, VRRP_EV_STARTUP, now);
	uint64_t back = now;
	run_until(back + 1000);
	CHECK(master_of() == 0 && net[0].fsm.state_since_ms <= back + 180 + 1,
		"the 200 router restarted preempts the 100 master within its master-down (%llu ms)",
		(unsigned long long)(net[0].fsm.state_since_ms - back));

	/* partition heals: two masters resolve to the higher one */
	int two[2] = { 100, 100 };
	lan(2, 2, 100, two, 1000);
	net[1].alive = 0;
	run_until(6000);
	CHECK(net[0].fsm.state == VRRP_STATE_MASTER, "partition: node .1 alone is master");
	net[1].alive = 1;
	net[0].alive = 0;
	feed(&net[1].fsm, VRRP_EV_SHUTDOWN, now);
	feed(&net[1].fsm, VRRP_EV_STARTUP, now);
	run_until(12000);
	net[0].alive = 1;
	CHECK(net[0].fsm.state == VRRP_STATE_MASTER && net[1].fsm.state == VRRP_STATE_MASTER,
		"partition: both sides are master");
	run_until(15000);
	CHECK(master_of() == 1 && net[0].fsm.state == VRRP_STATE_BACKUP && !net[0].vips && net[1].vips,
		"partition healed: equal priorities resolve to the higher address (.2), VIPs only there");
}

int main(void)
{
	test_formulas();
	test_backup_to_master();
	test_backup_adverts();
	test_nopreempt();
	test_preempt_delay();
	test_owner_and_state_master();
	test_fault();
	test_shutdown();
	test_priority_changes();
	test_groups();
	test_lan();
	return unit_exit();
}
