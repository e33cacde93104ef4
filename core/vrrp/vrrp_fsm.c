/*
 * vrrp_fsm.c - the VRRP state machine (see vrrp_fsm.h). One handler per
 * (state, event) pair in a table; a missing entry means the event does not
 * matter in that state. Handlers only append actions: the daemon does them.
 */
#include "vrrp_fsm.h"

#include <string.h>
#include <sys/socket.h>

const char *const vrrp_state_names[VRRP_NSTATES] = {
	[VRRP_STATE_INIT] = "INIT",
	[VRRP_STATE_BACKUP] = "BACKUP",
	[VRRP_STATE_MASTER] = "MASTER",
	[VRRP_STATE_FAULT] = "FAULT",
	[VRRP_STATE_STOP] = "STOP",
};

const char *const vrrp_timer_names[VRRP_NTIMERS] = {
	[VRRP_TIMER_MASTER_DOWN] = "master_down",
	[VRRP_TIMER_ADVER] = "adver",
	[VRRP_TIMER_PREEMPT] = "preempt",
};

const char *const vrrp_event_names[VRRP_NEVENTS] = {
	[VRRP_EV_STARTUP] = "startup",
	[VRRP_EV_SHUTDOWN] = "shutdown",
	[VRRP_EV_TIMER] = "timer",
	[VRRP_EV_ADVERT] = "advert",
	[VRRP_EV_FAULT_ON] = "fault_on",
	[VRRP_EV_FAULT_OFF] = "fault_off",
	[VRRP_EV_PRIORITY] = "priority",
	[VRRP_EV_GROUP_MASTER] = "group_master",
	[VRRP_EV_GROUP_BACKUP] = "group_backup",
};

const char *const vrrp_action_names[VRRP_NACTIONS] = {
	[VRRP_ACT_SEND_ADVERT] = "send_advert",
	[VRRP_ACT_VIPS_ADD] = "vips_add",
	[VRRP_ACT_VIPS_DEL] = "vips_del",
	[VRRP_ACT_GARP] = "garp",
	[VRRP_ACT_NOTIFY] = "notify",
	[VRRP_ACT_TIMER_ARM] = "timer_arm",
	[VRRP_ACT_TIMER_STOP] = "timer_stop",
	[VRRP_ACT_LOWER_PRIO] = "lower_prio",
};

#define PRIORITY_OWNER 255

unsigned vrrp_skew_ms(int version, uint8_t priority, unsigned adver_int_cs)
{
	if (version == 2)
		return (256u - priority) * 1000u / 256u;
	return (256u - priority) * adver_int_cs * 10u / 256u;
}

unsigned vrrp_master_down_ms(int version, uint8_t priority, unsigned adver_int_cs)
{
	return 3u * adver_int_cs * 10u + vrrp_skew_ms(version, priority, adver_int_cs);
}

int vrrp_advert_wins(uint8_t priority, const uint8_t *src, uint8_t our_priority,
	const uint8_t *our_ip, int family)
{
	if (priority != our_priority)
		return priority > our_priority;
	/* addresses in network order compare as unsigned numbers bytewise */
	return memcmp(src, our_ip, family == AF_INET6 ? 16 : 4) > 0;
}

/* ---- what a handler works with ---- */

struct step {
	struct vrrp_fsm *fsm;
	const struct vrrp_event *ev;
	uint64_t now;
	struct vrrp_actions *out;
};

static void emit(struct step *s, int kind, int arg, uint64_t at)
{
	/* sized for the longest sequence a handler produces */
	if (s->out->n < VRRP_MAX_ACTIONS)
		s->out->v[s->out->n++] = (struct vrrp_action){ .kind = kind, .arg = arg, .at_ms = at };
}

static void arm(struct step *s, int timer, unsigned after_ms)
{
	s->fsm->timer_at[timer] = s->now + after_ms;
	emit(s, VRRP_ACT_TIMER_ARM, timer, s->fsm->timer_at[timer]);
}

static void stop(struct step *s, int timer)
{
	if (s->fsm->timer_at[timer]) {
		s->fsm->timer_at[timer] = 0;
		emit(s, VRRP_ACT_TIMER_STOP, timer, 0);
	}
}

static void stop_all(struct step *s)
{
	for (int t = 0; t < VRRP_NTIMERS; t++)
		stop(s, t);
}

static void enter(struct step *s, int state)
{
	s->fsm->state = state;
	s->fsm->state_since_ms = s->now;
	s->fsm->transitions++;
	emit(s, VRRP_ACT_NOTIFY, state, 0);
}

static void send_advert(struct step *s, uint8_t priority)
{
	if (priority == 0)
		s->fsm->prio0_sent++;
	emit(s, VRRP_ACT_SEND_ADVERT, priority, 0);
}

static unsigned master_down(const struct vrrp_fsm *f)
{
	return vrrp_master_down_ms(f->cfg.version, f->priority, f->master_adver_int_cs);
}

static void remember_master(struct vrrp_fsm *f, const uint8_t *ip, uint8_t priority)
{
	memcpy(f->master_ip, ip, sizeof(f->master_ip));
	f->master_priority = priority;
}

static void forget_master(struct vrrp_fsm *f)
{
	memset(f->master_ip, 0, sizeof(f->master_ip));
	f->master_priority = 0;
}

/* ---- the transitions every handler is built from ---- */

static void become_master(struct step *s)
{
	struct vrrp_fsm *f = s->fsm;
	stop(s, VRRP_TIMER_MASTER_DOWN);
	stop(s, VRRP_TIMER_PREEMPT);
	f->master_adver_int_cs = f->cfg.adver_int_cs;
	remember_master(f, f->cfg.primary_ip, f->priority);
	emit(s, VRRP_ACT_VIPS_ADD, 0, 0);
	send_advert(s, f->priority);
	emit(s, VRRP_ACT_GARP, 0, 0);
	arm(s, VRRP_TIMER_ADVER, f->cfg.adver_int_cs * 10u);
	f->became_master++;
	enter(s, VRRP_STATE_MASTER);
}

/* From MASTER, FAULT, INIT or STOP; waits down_ms for a master to speak. */
static void become_backup(struct step *s, unsigned down_ms)
{
	struct vrrp_fsm *f = s->fsm;
	if (f->state == VRRP_STATE_MASTER) {
		stop(s, VRRP_TIMER_ADVER);
		emit(s, VRRP_ACT_VIPS_DEL, 0, 0);
		f->released_master++;
	}
	f->preempt_expired = 0;
	arm(s, VRRP_TIMER_MASTER_DOWN, down_ms);
	enter(s, VRRP_STATE_BACKUP);
}

/* Leaving MASTER for FAULT or STOP: say so with priority 0 so a backup
 * takes over after its skew time instead of the whole master-down interval. */
static void release_master(struct step *s)
{
	stop(s, VRRP_TIMER_ADVER);
	send_advert(s, 0);
	emit(s, VRRP_ACT_VIPS_DEL, 0, 0);
	s->fsm->released_master++;
}

/* ---- handlers ---- */

static void on_startup(struct step *s)
{
	struct vrrp_fsm *f = s->fsm;
	f->master_adver_int_cs = f->cfg.adver_int_cs;
	f->preempt_expired = 0;
	forget_master(f);
	if (f->fault) {
		enter(s, VRRP_STATE_FAULT);
	} else if (f->priority == PRIORITY_OWNER) {
		become_master(s);
	} else if (f->cfg.want_master) {
		/* keepalived's "state MASTER": listen one interval for a master,
		 * not the whole master-down interval */
		become_backup(s, f->cfg.adver_int_cs * 10u + vrrp_skew_ms(f->cfg.version, 255, f->cfg.adver_int_cs));
	} else {
		become_backup(s, master_down(f));
	}
}

static void on_shutdown(struct step *s)
{
	if (s->fsm->state == VRRP_STATE_MASTER)
		release_master(s);
	stop_all(s);
	forget_master(s->fsm);
	enter(s, VRRP_STATE_STOP);
}

static void on_fault(struct step *s)
{
	if (s->fsm->state == VRRP_STATE_MASTER)
		release_master(s);
	stop_all(s);
	forget_master(s->fsm);
	enter(s, VRRP_STATE_FAULT);
}

static void on_fault_cleared(struct step *s)
{
	struct vrrp_fsm *f = s->fsm;
	f->master_adver_int_cs = f->cfg.adver_int_cs;
	if (f->priority == PRIORITY_OWNER)
		become_master(s);
	else
		become_backup(s, master_down(f));
}

static void backup_advert(struct step *s)
{
	struct vrrp_fsm *f = s->fsm;
	const struct vrrp_event *ev = s->ev;

	if (ev->priority == 0) {
		/* RFC 5798 6.4.2: the master is leaving, take over after Skew_Time */
		f->prio0_received++;
		forget_master(f);
		arm(s, VRRP_TIMER_MASTER_DOWN, vrrp_skew_ms(f->cfg.version, f->priority, f->master_adver_int_cs));
		return;
	}
	int delaying = f->cfg.preempt_delay_ms && !f->preempt_expired;
	if (f->cfg.nopreempt || ev->priority >= f->priority || delaying) {
		if (f->cfg.version == 3)
			f->master_adver_int_cs = ev->adver_int_cs;
		remember_master(f, ev->src, ev->priority);
		arm(s, VRRP_TIMER_MASTER_DOWN, master_down(f));
		if (f->cfg.preempt_delay_ms && !f->cfg.nopreempt) {
			if (ev->priority >= f->priority)
				stop(s, VRRP_TIMER_PREEMPT);
			else if (!f->timer_at[VRRP_TIMER_PREEMPT])
				arm(s, VRRP_TIMER_PREEMPT, f->cfg.preempt_delay_ms);
		}
		return;
	}
	/* lower priority and we preempt: let the master-down timer run out */
	remember_master(f, ev->src, ev->priority);
}

static void backup_preempt_due(struct step *s)
{
	struct vrrp_fsm *f = s->fsm;
	f->preempt_expired = 1;
	/* the master we heard last is still below us: the wait is over */
	if (f->master_priority && f->master_priority < f->priority)
		become_master(s);
}

static void master_advert(struct step *s)
{
	struct vrrp_fsm *f = s->fsm;
	const struct vrrp_event *ev = s->ev;

	if (ev->priority == 0) {
		/* RFC 5798 6.4.3: another router left; confirm we are master now */
		f->prio0_received++;
		send_advert(s, f->priority);
		arm(s, VRRP_TIMER_ADVER, f->cfg.adver_int_cs * 10u);
		return;
	}
	if (!vrrp_advert_wins(ev->priority, ev->src, f->priority, f->cfg.primary_ip, f->cfg.family)) {
		/* Two masters: the other one lost touch with us. Our advert makes
		 * it step down at once (keepalived's default, not the RFC's). */
		if (f->cfg.lower_prio_advert)
			send_advert(s, f->priority);
		emit(s, VRRP_ACT_LOWER_PRIO, ev->priority, 0);
		return;
	}
	if (f->cfg.version == 3)
		f->master_adver_int_cs = ev->adver_int_cs;
	remember_master(f, ev->src, ev->priority);
	become_backup(s, master_down(f));
}

static void master_adver_due(struct step *s)
{
	send_advert(s, s->fsm->priority);
	arm(s, VRRP_TIMER_ADVER, s->fsm->cfg.adver_int_cs * 10u);
}

static void backup_timer(struct step *s)
{
	if (s->ev->timer == VRRP_TIMER_MASTER_DOWN)
		become_master(s);
	else if (s->ev->timer == VRRP_TIMER_PREEMPT)
		backup_preempt_due(s);
}

static void master_timer(struct step *s)
{
	if (s->ev->timer == VRRP_TIMER_ADVER)
		master_adver_due(s);
}

static void group_backup(struct step *s)
{
	become_backup(s, master_down(s->fsm));
}

typedef void handler_fn(struct step *s);

static handler_fn *const transitions[VRRP_NSTATES][VRRP_NEVENTS] = {
	[VRRP_STATE_INIT] = {
		[VRRP_EV_STARTUP] = on_startup,
	},
	[VRRP_STATE_BACKUP] = {
		[VRRP_EV_SHUTDOWN] = on_shutdown,
		[VRRP_EV_TIMER] = backup_timer,
		[VRRP_EV_ADVERT] = backup_advert,
		[VRRP_EV_FAULT_ON] = on_fault,
		[VRRP_EV_GROUP_MASTER] = become_master,
	},
	[VRRP_STATE_MASTER] = {
		[VRRP_EV_SHUTDOWN] = on_shutdown,
		[VRRP_EV_TIMER] = master_timer,
		[VRRP_EV_ADVERT] = master_advert,
		[VRRP_EV_FAULT_ON] = on_fault,
		[VRRP_EV_GROUP_BACKUP] = group_backup,
	},
	[VRRP_STATE_FAULT] = {
		[VRRP_EV_SHUTDOWN] = on_shutdown,
		[VRRP_EV_FAULT_OFF] = on_fault_cleared,
	},
	[VRRP_STATE_STOP] = {
		[VRRP_EV_STARTUP] = on_startup,
	},
};

void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg)
{
	memset(fsm, 0, sizeof(*fsm));
	fsm->cfg = *cfg;
	if (fsm->cfg.priority == 0)
		fsm->cfg.priority = 1;
	fsm->priority = fsm->cfg.priority;
	fsm->master_adver_int_cs = cfg->adver_int_cs;
	fsm->state = VRRP_STATE_INIT;
}

int vrrp_fsm_event(struct vrrp_fsm *fsm, const struct vrrp_event *ev, uint64_t now_ms,
	struct vrrp_actions *out)
{
	struct step s = { .fsm = fsm, .ev = ev, .now = now_ms, .out = out };
	int before = fsm->state;

	out->n = 0;
	if ((unsigned)ev->kind >= VRRP_NEVENTS)
		return 0;
	switch (ev->kind) {
	case VRRP_EV_TIMER:
		/* stale: stopped or re-armed after the daemon's timer was set */
		if ((unsigned)ev->timer >= VRRP_NTIMERS || !fsm->timer_at[ev->timer] ||
		    now_ms < fsm->timer_at[ev->timer])
			return 0;
		fsm->timer_at[ev->timer] = 0;
		break;
	case VRRP_EV_FAULT_ON:
		if (fsm->fault)
			return 0;
		fsm->fault = 1;
		break;
	case VRRP_EV_FAULT_OFF:
		if (!fsm->fault)
			return 0;
		fsm->fault = 0;
		break;
	case VRRP_EV_PRIORITY:
		/* trackers move 1..254; only the owner's configured 255 stays 255 */
		fsm->priority = ev->priority ? ev->priority : 1;
		if (fsm->priority == PRIORITY_OWNER && fsm->cfg.priority != PRIORITY_OWNER)
			fsm->priority = PRIORITY_OWNER - 1;
		/* a master says its new priority at the next advert; a backup's
		 * skew follows at the next master-down computation */
		return 0;
	}
	handler_fn *h = transitions[fsm->state][ev->kind];
	if (h)
		h(&s);
	return fsm->state != before;
}
