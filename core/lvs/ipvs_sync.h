/*
 * ipvs_sync.h - one reconcile pass of lvsd: dump the kernel's IPVS table,
 * compare it with the model's wanted table (ipvs_diff) and apply the actions
 * through core/nl/ipvs.c, logging each change and keeping what lvsd owns.
 * Only what lvsd added, or adopted because the config names it, is ever
 * changed or removed; the next pass repairs damage done from outside.
 */
#ifndef LVSBOX_IPVS_SYNC_H
#define LVSBOX_IPVS_SYNC_H

#include <stdbool.h>
#include "conf.h"
#include "ipvs.h"
#include "ipvs_diff.h"
#include "lvs_model.h"

struct ipvs_sync {
	struct ipvs *ipvs;            /* opened on first use, reopened after a failed dump */
	bool ipvs_error_logged;
	struct ipvs_keymap owned_svcs, owned_dests;   /* what lvsd added or adopted */
	/* The kernel's table as the last pass left it, when every change of
	 * that pass succeeded: a pass that need not look for damage from
	 * outside compares with it instead of dumping the table again. */
	struct kernel_table known;
	bool known_valid;
	/* Which dests lvsd owns is then the owned flag of the known table's
	 * dests, and owned_dests is empty: a pass unpacks the flags into it,
	 * and packs them back when it leaves a valid table (ipvs_sync.c). */
	bool owned_packed;
	/* The model, set by the caller before each pass. */
	const struct conf_keepalived *conf;
	struct lvs *vs;
	int nvs;
	unsigned long reconciles, adds, edits, dels, repairs, kernel_errors;
	/* the kernel's connection timeouts before lvs_timeouts first changed them */
	struct ipvs_timeouts timeouts_before;
	bool timeouts_saved;
};

/* Also updates ha_suspend and what the status shows of each real server.
 * dump: compare with a fresh dump of the kernel's table (finds and repairs
 * damage done from outside); otherwise with the table the last pass left,
 * when it is known, so a change costs only its own requests. */
void ipvs_sync_pass(struct ipvs_sync *d, bool dump);
/*
 * A pass over only the virtual servers vs[0..n) of the model (a reload's
 * changed ones), against the table the last pass left, when their
 * services are those of before (their wanted table before the change):
 * their changes go to the kernel and the known table and ownership follow.
 * False when it cannot be so: nothing was sent, or a batch of adds lost
 * its answers and the known table is forgotten; the caller then makes a
 * whole pass.
 */
bool ipvs_sync_pass_some(struct ipvs_sync *d, const int *vs, int n, const struct want *before);
/* Whether virtual server v is one of vs[0..n), the changed ones a pass
 * over some is given. */
bool ipvs_sync_among(const int *vs, int n, int v);
/* Whether a and b want the same services in the same order. */
bool ipvs_sync_same_services(const struct want *a, const struct want *b);
/* On stop: every service lvsd owns goes, with its dests. */
void ipvs_sync_release(struct ipvs_sync *d);
/* lvs_flush at start, lvs_flush_on_stop: every service goes, lvsd's or not. */
void ipvs_sync_flush(struct ipvs_sync *d, const char *why);
/* lvs_timeouts, at start and on every reload: a value not written (or 0)
 * is the one the kernel had before lvsd first changed it. */
void ipvs_sync_timeouts(struct ipvs_sync *d, const struct conf_lvs_timeouts *want);
void ipvs_sync_free(struct ipvs_sync *d);

#endif
