/*
 * vrrp_filter.c - the VIP filter of vrrp_strict / no_accept (RFC 5798
 * Accept_Mode off): nftables tables that drop traffic to and from a
 * master's virtual addresses, kept to what the instances need.
 */
#include <stdio.h>
#include <string.h>
#include "log.h"
#include "nft.h"
#include "vrrp_engine.h"
#include "vrrp_filter.h"
#include "vrrp_fsm.h"

/* The VIP filter follows the addresses: in its set while master, out otherwise. */
void inst_filter(struct inst *in, bool add)
{
	struct vrrpd *d = in->d;
	bool changed = false;

	if (!in->filtered)
		return;
	for (int i = 0; i < in->nvips; i++) {
		const struct vip *v = &in->vips[i];
		if (!d->filter_on[v->ra.family == AF_INET6])
			continue;
		int rc = nft_vip_update(d->filter.name, v->ra.family, v->ra.addr, v->ra.ifindex, add);
		if (rc == 0)
			changed = true;
		else
			log_err("(%s) VIP filter: cannot %s %s: %s", in->name, add ? "add" : "remove", v->text,
				strerror(-rc));
	}
	if (changed)
		log_info("(%s) VIP filter %s", in->name,
			 add ? "on: traffic to and from its addresses is dropped" : "off");
}

/* Family i's table (0 IPv4, 1 IPv6) goes, if it is there. */
static void filter_drop(struct vrrpd *d, int i)
{
	if (!d->filter_on[i])
		return;
	int rc = nft_vip_table_delete(d->filter.name, i ? AF_INET6 : AF_INET);
	if (rc < 0)
		log_err("VIP filter: cannot delete table %s %s: %s", i ? "ip6" : "ip", d->filter.name, strerror(-rc));
	d->filter_on[i] = false;
}

void filter_remove(struct vrrpd *d)
{
	filter_drop(d, 0);
	filter_drop(d, 1);
}

/*
 * The filter's tables as the instances need them: one per family that an
 * instance without accept mode has addresses of. A table whose name or
 * hooks change is made anew, and the masters' addresses go back in. When
 * nf_tables is missing, the error is logged and the daemon runs unfiltered
 * until the next reload tries again.
 */
void filter_sync(struct vrrpd *d)
{
	const struct conf_global *g = &d->conf->global;
	const char *name = g->nftables_table ? g->nftables_table : NFT_VIP_TABLE_DEFAULT;
	bool want[2] = { false, false }, installed = false;

	for (struct inst *in = d->insts; in; in = in->next)
		for (int i = 0; in->filtered && i < in->nvips; i++)
			want[in->vips[i].ra.family == AF_INET6] = true;
	if (strcmp(name, d->filter_name) != 0 || g->nftables_priority != d->filter.priority ||
	    (g->nftables_counters != 0) != d->filter.counters)
		filter_remove(d);
	for (int i = 0; i < 2; i++)
		if (!want[i])
			filter_drop(d, i);
	snprintf(d->filter_name, sizeof(d->filter_name), "%s", name);
	d->filter.name = d->filter_name;
	d->filter.priority = g->nftables_priority;
	d->filter.counters = g->nftables_counters != 0;
	for (int i = 0; i < 2; i++) {
		if (!want[i] || d->filter_on[i])
			continue;
		int rc = nft_vip_table_install(&d->filter, i ? AF_INET6 : AF_INET);
		if (rc < 0) {
			log_err("VIP filter: cannot install nftables table %s %s: %s; the virtual addresses "
				"accept traffic", i ? "ip6" : "ip", name, strerror(-rc));
			continue;
		}
		log_info("VIP filter: nftables table %s %s installed", i ? "ip6" : "ip", name);
		d->filter_on[i] = installed = true;
	}
	for (struct inst *in = d->insts; installed && in; in = in->next)
		if (in->fsm.state == VRRP_STATE_MASTER)
			inst_filter(in, true);
}
