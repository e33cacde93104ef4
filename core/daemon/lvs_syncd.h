/*
 * lvs_syncd.h - the kernel's IPVS connection sync daemons as global_defs
 * lvs_sync_daemon wants them: which of master and backup run, on which
 * interface and with which sync id, for a role the caller gives (vrrpd:
 * its instance's state; lvsd: both while it runs; NONE on stop). What to
 * stop and start is a pure plan, tested without a kernel; applying it
 * talks to IPVS through core/nl/ipvs.c.
 */
#ifndef LVSBOX_LVS_SYNCD_H
#define LVSBOX_LVS_SYNCD_H

#include "conf.h"
#include "ipvs.h"
#include "loop.h"

enum syncd_role {
	SYNCD_NONE,      /* no sync daemon runs */
	SYNCD_BACKUP,    /* the instance is not master: receive */
	SYNCD_MASTER,    /* the instance is master: send */
	SYNCD_BOTH,      /* no instance named: both run while the daemon does */
};

/* The daemons conf wants for role, master first: 0, 1 or 2 of them. */
int syncd_wanted(const struct conf_lvs_syncd *conf, int role, struct ipvs_daemon want[2]);

struct syncd_plan {
	struct ipvs_daemon stop[2], start[2];
	int nstop, nstart;
};

/*
 * From what runs (a GET_DAEMON dump) to what is wanted: a running daemon
 * that is not wanted, or runs with other settings than wanted, is stopped;
 * a wanted one that does not run as wanted is started. A setting the config
 * leaves to the kernel (maxlen, port, ttl, group at 0) matches any value.
 */
void syncd_plan(const struct ipvs_daemon *running, int nrunning, const struct ipvs_daemon *want, int nwant,
		struct syncd_plan *plan);

/*
 * Brings the kernel's sync daemons to conf and role, logging each start and
 * stop (who: "vrrpd" or "lvsd"). conf NULL or without an interface is role
 * NONE. Returns 0, or the first failure's negative errno (logged).
 */
int syncd_apply(const struct conf_lvs_syncd *conf, int role);

/*
 * syncd_apply tried again every SYNCD_RETRY_MS while it fails: an interface
 * that comes up after the daemon started, or IPVS loaded late. Each
 * syncd_keep replaces what the retry applies; conf must live until the
 * next syncd_keep or syncd_keeper_stop (the caller's config does, until a
 * reload calls syncd_keep again).
 */
#define SYNCD_RETRY_MS 5000
struct syncd_keeper {
	struct loop *loop;
	struct loop_timer retry;
	const struct conf_lvs_syncd *conf;
	int role;
	unsigned long retries;
};
void syncd_keeper_init(struct syncd_keeper *k, struct loop *loop);
/* syncd_apply(conf, role) now; on failure again and again until it succeeds. */
int syncd_keep(struct syncd_keeper *k, const struct conf_lvs_syncd *conf, int role);
/* No more retries (the daemons are left as they are). */
void syncd_keeper_stop(struct syncd_keeper *k);

#endif
