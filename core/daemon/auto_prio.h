/*
 * auto_prio.h - keepalived's max_auto_priority: a daemon whose timers run
 * late (it did not get the CPU in time) switches to realtime round-robin
 * scheduling, and one step higher each time it is late again, up to the
 * configured maximum. The step is a pure function; applying it is
 * sched_setscheduler.
 */
#ifndef LVSBOX_AUTO_PRIO_H
#define LVSBOX_AUTO_PRIO_H

#include <stdint.h>

#define AUTO_PRIO_CHECK_MS 1000       /* how often a daemon looks at its lateness */

/* The realtime priority to run at (0: normal scheduling) after a timer ran
 * late_us late, at current, with max_auto_priority max (0 or -1: never)
 * and min_auto_priority_delay min_delay_us. */
int auto_prio_next(int current, int max, uint64_t late_us, uint64_t min_delay_us);
/* SCHED_RR at prio (>= 1), reset to normal in children; 0 or a negative errno. */
int auto_prio_apply(int prio);

#endif
