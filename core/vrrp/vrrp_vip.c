/*
 * vrrp_vip.c - an instance's virtual addresses: read from the config, added
 * over rtnetlink when it becomes master, removed when it stops being one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include "log.h"
#include "rtnl.h"
#include "vrrp_engine.h"
#include "vrrp_filter.h"
#include "vrrp_vip.h"

int vip_ifindex(const struct inst *in, const struct vip *v)
{
	if (v->dev[0])
		return (int)if_nametoindex(v->dev);
	return in->vmac_ifindex ? in->vmac_ifindex : in->ifindex;
}

void inst_vips(struct inst *in, bool add)
{
	for (int i = 0; i < in->nvips; i++) {
		struct vip *v = &in->vips[i];
		v->ra.ifindex = vip_ifindex(in, v);
		if (!v->ra.ifindex) {
			log_err("(%s) %s: no interface %s", in->name, v->text,
				v->dev[0] ? v->dev : in->ifname);
			continue;
		}
		int rc = add ? rtnl_addr_add(&in->d->rtnl, &v->ra) : rtnl_addr_del(&in->d->rtnl, &v->ra);
		if (rc == 0)
			log_info("(%s) %s %s", in->name, add ? "added" : "removed", v->text);
		else if (!(add && rc == -EEXIST) && !(!add && rc == -EADDRNOTAVAIL))
			log_err("(%s) cannot %s %s: %s", in->name, add ? "add" : "remove", v->text,
				strerror(-rc));
	}
	inst_filter(in, add);
}

int add_vip(struct inst *in, const struct conf_vip *cv, bool excluded)
{
	struct vip *v = &in->vips[in->nvips];

	memset(v, 0, sizeof(*v));
	v->excluded = excluded;
	v->ra.family = cv->addr.family;
	memcpy(v->ra.addr, cv->addr.addr, 16);
	v->ra.prefix = cv->prefix;
	if (cv->dev)
		snprintf(v->dev, sizeof(v->dev), "%s", cv->dev);
	if (cv->label) {
		snprintf(v->label, sizeof(v->label), "%s", cv->label);
		v->ra.label = v->label;
	}
	if (cv->scope) {
		int scope = rtnl_scope_parse(cv->scope);
		if (scope < 0) {
			log_err("%s:%d: unknown scope '%s'", cv->file ? cv->file : "?", cv->line, cv->scope);
			return -1;
		}
		v->ra.scope = scope;
	}
	if (cv->brd.family == AF_INET) {
		v->ra.has_brd = true;
		memcpy(v->ra.brd, cv->brd.addr, 4);
	}
	char a[INET6_ADDRSTRLEN];
	addr_str(v->ra.family, v->ra.addr, a, sizeof(a));
	if (cv->prefix >= 0)
		snprintf(v->text, sizeof(v->text), "%s/%d", a, cv->prefix & 0xff);
	else
		snprintf(v->text, sizeof(v->text), "%s", a);
	in->nvips++;
	return 0;
}
