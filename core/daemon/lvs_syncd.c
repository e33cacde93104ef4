/*
 * lvs_syncd.c - the kernel's IPVS connection sync daemons as global_defs
 * lvs_sync_daemon wants them (lvs_syncd.h): the plan of what to stop and
 * start, and applying it over netlink.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "log.h"
#include "lvs_syncd.h"

static const char *state_name(uint32_t state)
{
	return state == IP_VS_STATE_MASTER ? "master" : "backup";
}

static void fill(const struct conf_lvs_syncd *conf, uint32_t state, struct ipvs_daemon *d)
{
	memset(d, 0, sizeof(*d));
	d->state = state;
	snprintf(d->mcast_ifn, sizeof(d->mcast_ifn), "%s", conf->ifname);
	d->syncid = conf->syncid > 0 ? (uint32_t)conf->syncid : 0;
	d->sync_maxlen = (uint16_t)conf->maxlen;
	d->mcast_port = (uint16_t)conf->port;
	d->mcast_ttl = (uint8_t)conf->ttl;
	d->mcast_af = (uint16_t)conf->group.family;
	if (conf->group.family)
		memcpy(d->mcast_group.raw, conf->group.addr, conf->group.family == AF_INET ? 4 : 16);
}

int syncd_wanted(const struct conf_lvs_syncd *conf, int role, struct ipvs_daemon want[2])
{
	int n = 0;

	if (!conf || !conf->ifname)
		return 0;
	if (role == SYNCD_MASTER || role == SYNCD_BOTH)
		fill(conf, IP_VS_STATE_MASTER, &want[n++]);
	if (role == SYNCD_BACKUP || role == SYNCD_BOTH)
		fill(conf, IP_VS_STATE_BACKUP, &want[n++]);
	return n;
}

/* Does the running daemon r do what w asks? Unset settings of w are the kernel's to choose. */
static bool runs_as_wanted(const struct ipvs_daemon *r, const struct ipvs_daemon *w)
{
	if (r->state != w->state || strcmp(r->mcast_ifn, w->mcast_ifn) || r->syncid != w->syncid)
		return false;
	if ((w->sync_maxlen && r->sync_maxlen != w->sync_maxlen) || (w->mcast_port && r->mcast_port != w->mcast_port) ||
	    (w->mcast_ttl && r->mcast_ttl != w->mcast_ttl))
		return false;
	if (w->mcast_af && (r->mcast_af != w->mcast_af ||
			    memcmp(r->mcast_group.raw, w->mcast_group.raw, w->mcast_af == AF_INET ? 4 : 16)))
		return false;
	return true;
}

void syncd_plan(const struct ipvs_daemon *running, int nrunning, const struct ipvs_daemon *want, int nwant,
		struct syncd_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	for (int i = 0; i < nrunning && plan->nstop < 2; i++) {
		bool keep = false;
		for (int k = 0; k < nwant && !keep; k++)
			keep = runs_as_wanted(&running[i], &want[k]);
		if (!keep)
			plan->stop[plan->nstop++] = running[i];
	}
	for (int k = 0; k < nwant && plan->nstart < 2; k++) {
		bool runs = false;
		for (int i = 0; i < nrunning && !runs; i++)
			runs = runs_as_wanted(&running[i], &want[k]);
		if (!runs)
			plan->start[plan->nstart++] = want[k];
	}
}

int syncd_apply(const struct conf_lvs_syncd *conf, int role)
{
	struct ipvs_daemon running[2], want[2];
	struct syncd_plan plan;
	struct ipvs *h;
	int nrunning = 0, first_err = 0;
	int nwant = syncd_wanted(conf, role, want);
	int rc = ipvs_open(&h);

	if (rc != 0) {
		log_err("lvs_sync_daemon: cannot reach IPVS: %s", strerror(-rc));
		return rc;
	}
	rc = ipvs_get_daemons(h, running, &nrunning);
	if (rc != 0) {
		log_err("lvs_sync_daemon: reading the sync daemons: %s", strerror(-rc));
		ipvs_close(h);
		return rc;
	}
	syncd_plan(running, nrunning, want, nwant, &plan);
	for (int i = 0; i < plan.nstop; i++) {
		const struct ipvs_daemon *d = &plan.stop[i];
		rc = ipvs_stop_daemon(h, d);
		/* ESRCH: it stopped meanwhile, which is what was wanted */
		if (rc != 0 && rc != -ESRCH) {
			log_err("lvs_sync_daemon: stopping the %s sync daemon on %s: %s", state_name(d->state),
				d->mcast_ifn, strerror(-rc));
			first_err = first_err ? first_err : rc;
		} else {
			log_notice("lvs_sync_daemon: stopped the %s sync daemon on %s (syncid %u)", state_name(d->state),
				   d->mcast_ifn, d->syncid);
		}
	}
	for (int i = 0; i < plan.nstart; i++) {
		const struct ipvs_daemon *d = &plan.start[i];
		rc = ipvs_start_daemon(h, d);
		if (rc != 0) {
			log_err("lvs_sync_daemon: starting the %s sync daemon on %s: %s", state_name(d->state),
				d->mcast_ifn, strerror(-rc));
			first_err = first_err ? first_err : rc;
		} else {
			log_notice("lvs_sync_daemon: started the %s sync daemon on %s (syncid %u)", state_name(d->state),
				   d->mcast_ifn, d->syncid);
		}
	}
	ipvs_close(h);
	return first_err;
}

static void on_syncd_retry(struct loop *loop, struct loop_timer *timer)
{
	struct syncd_keeper *k = timer->arg;
	(void)loop;

	k->retries++;
	if (syncd_apply(k->conf, k->role) != 0)
		loop_timer_arm(k->loop, &k->retry, SYNCD_RETRY_MS);
	else
		log_notice("lvs_sync_daemon: in place after %lu retries", k->retries);
}

void syncd_keeper_init(struct syncd_keeper *k, struct loop *loop)
{
	memset(k, 0, sizeof(*k));
	k->loop = loop;
	loop_timer_init(&k->retry, on_syncd_retry, k);
}

int syncd_keep(struct syncd_keeper *k, const struct conf_lvs_syncd *conf, int role)
{
	syncd_keeper_stop(k);
	k->conf = conf;
	k->role = role;
	int rc = syncd_apply(conf, role);
	if (rc != 0) {
		log_notice("lvs_sync_daemon: trying again every %d s", SYNCD_RETRY_MS / 1000);
		loop_timer_arm(k->loop, &k->retry, SYNCD_RETRY_MS);
	}
	return rc;
}

void syncd_keeper_stop(struct syncd_keeper *k)
{
	if (k->loop)
		loop_timer_cancel(k->loop, &k->retry);
	k->conf = NULL;
	k->retries = 0;
}
