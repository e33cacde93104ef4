/*
 * vrrp_fsm.h - the VRRP state machine of one virtual router: RFC 3768 (v2)
 * and RFC 5798 / RFC 9568 (v3) with keepalived's FAULT state, nopreempt and
 * preempt_delay.
 *
 * Pure logic: the daemon feeds events with the current monotonic time in ms
 * and gets back, in order, the actions to carry out (send an advert, add or
 * delete the VIPs, gratuitous ARP / unsolicited NA, notify, arm or stop a
 * timer). No I/O, no clock, no allocation, so tests drive it with fake time.
 *
 * Timer events may be stale (a timer the daemon did not stop in time): the
 * machine ignores a timer event that is not armed or not yet due.
 */
#ifndef LVSBOX_VRRP_FSM_H
#define LVSBOX_VRRP_FSM_H

#include <stdint.h>

enum vrrp_state {
	VRRP_STATE_INIT,            /* configured, not started */
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,           /* keepalived's: a tracked interface down, or a fault tracker */
	VRRP_STATE_STOP,            /* after shutdown; only STARTUP leaves it */
	VRRP_NSTATES
};
/* "INIT" "BACKUP" "MASTER" "FAULT" "STOP": the words keepalived's notify scripts get. */
extern const char *const vrrp_state_names[VRRP_NSTATES];

enum vrrp_timer {
	VRRP_TIMER_MASTER_DOWN,     /* backup: the master is gone when it fires */
	VRRP_TIMER_ADVER,           /* master: time to send the next advert */
	VRRP_TIMER_PREEMPT,         /* backup: preempt_delay has passed */
	VRRP_NTIMERS
};
extern const char *const vrrp_timer_names[VRRP_NTIMERS];

enum vrrp_event_kind {
	VRRP_EV_STARTUP,
	VRRP_EV_SHUTDOWN,           /* graceful stop: a master sends priority 0 */
	VRRP_EV_TIMER,              /* ev.timer fired */
	VRRP_EV_ADVERT,             /* a validated advert: priority, adver_int_cs, src */
	VRRP_EV_FAULT_ON,           /* level: the daemon aggregates its fault sources */
	VRRP_EV_FAULT_OFF,
	VRRP_EV_PRIORITY,           /* effective priority changed (trackers): ev.priority */
	VRRP_EV_GROUP_MASTER,       /* sync group: a member became master, follow now */
	VRRP_EV_GROUP_BACKUP,       /* sync group: a member left master, step down */
	VRRP_NEVENTS
};
extern const char *const vrrp_event_names[VRRP_NEVENTS];

struct vrrp_event {
	int kind;                   /* enum vrrp_event_kind */
	int timer;                  /* VRRP_EV_TIMER: enum vrrp_timer */
	uint8_t priority;           /* ADVERT: the sender's; PRIORITY: our new effective one */
	unsigned adver_int_cs;      /* ADVERT: the sender's interval (v3 backups adopt it) */
	uint8_t src[16];            /* ADVERT: the sender's IP address (network order) */
};

enum vrrp_action_kind {
	VRRP_ACT_SEND_ADVERT,       /* arg: the priority to put in it (0 on shutdown) */
	VRRP_ACT_VIPS_ADD,
	VRRP_ACT_VIPS_DEL,
	VRRP_ACT_GARP,              /* gratuitous ARPs / unsolicited NAs; repeats are the daemon's */
	VRRP_ACT_NOTIFY,            /* arg: the state entered (enum vrrp_state) */
	VRRP_ACT_TIMER_ARM,         /* arg: enum vrrp_timer, due at at_ms */
	VRRP_ACT_TIMER_STOP,        /* arg: enum vrrp_timer */
	VRRP_ACT_LOWER_PRIO,        /* a master heard a lower-priority advert, arg: its priority
				     * (keepalived's garp_lower_prio_* GARPs are the daemon's) */
	VRRP_NACTIONS
};
extern const char *const vrrp_action_names[VRRP_NACTIONS];

struct vrrp_action {
	int kind;                   /* enum vrrp_action_kind */
	int arg;
	uint64_t at_ms;
};

#define VRRP_MAX_ACTIONS 16
struct vrrp_actions {
	int n;
	struct vrrp_action v[VRRP_MAX_ACTIONS];
};

struct vrrp_fsm_config {
	int version;                /* 2 or 3 */
	unsigned adver_int_cs;      /* configured Advertisement_Interval, centiseconds */
	uint8_t priority;           /* configured priority 1..255; 255 = address owner */
	int want_master;            /* "state MASTER" in the config */
	int nopreempt;
	unsigned preempt_delay_ms;
	int lower_prio_advert;      /* a master answers a lower-priority advert with its own */
	int family;                 /* AF_INET / AF_INET6: length of primary_ip */
	uint8_t primary_ip[16];     /* our address in adverts; breaks priority ties */
};

struct vrrp_fsm {
	struct vrrp_fsm_config cfg;
	int state;                  /* enum vrrp_state */
	uint8_t priority;           /* effective priority */
	int fault;                  /* fault level as last reported */
	unsigned master_adver_int_cs;   /* v3: learned from the master; v2: ours */
	uint64_t timer_at[VRRP_NTIMERS];/* due time; 0 when not armed */
	/* what we know of the current master (zero when none seen) */
	uint8_t master_ip[16];
	uint8_t master_priority;
	int preempt_expired;        /* preempt_delay has run out, preempt freely */
	uint64_t state_since_ms;
	/* counters */
	unsigned long transitions, became_master, released_master, prio0_sent, prio0_received;
};

void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg);
/*
 * Applies one event at now_ms (monotonic, > 0). out is cleared, then gets
 * the actions in the order they must be done. Returns 1 when the state
 * changed, else 0.
 */
int vrrp_fsm_event(struct vrrp_fsm *fsm, const struct vrrp_event *ev, uint64_t now_ms,
	struct vrrp_actions *out);

/* The RFC formulas, in ms (fractions of a ms dropped):
 * v2: Skew_Time = (256 - priority) / 256 s
 * v3: Skew_Time = (256 - priority) * Master_Adver_Interval / 256
 * Master_Down_Interval = 3 * (Master_)Adver_Interval + Skew_Time */
unsigned vrrp_skew_ms(int version, uint8_t priority, unsigned adver_int_cs);
unsigned vrrp_master_down_ms(int version, uint8_t priority, unsigned adver_int_cs);

/* 1 when an advert (priority, src) beats (our_priority, our_ip): higher
 * priority, or equal priority and higher primary address. */
int vrrp_advert_wins(uint8_t priority, const uint8_t *src, uint8_t our_priority,
	const uint8_t *our_ip, int family);

#endif
