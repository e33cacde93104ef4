/*
 * auto_prio.c - keepalived's max_auto_priority (auto_prio.h).
 */
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "auto_prio.h"

int auto_prio_next(int current, int max, uint64_t late_us, uint64_t min_delay_us)
{
	if (max <= 0 || late_us < min_delay_us || current >= max)
		return current;
	return current + 1;
}

int auto_prio_apply(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	/* Scripts it runs start with normal scheduling again, as keepalived's
	 * do. The system call itself: musl's sched_setscheduler() only says
	 * ENOSYS, the kernel's call acting on one thread (ours is the only one). */
	return syscall(SYS_sched_setscheduler, 0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) == 0 ? 0 : -errno;
}
