/*
 * vrrp_vmac.c - use_vmac: the macvlan carrying the virtual MAC, up only while
 * master, and the parent interface's ARP settings while it has one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "log.h"
#include "rtnl.h"
#include "vrrp_engine.h"
#include "vrrp_vmac.h"

static int ipv4_conf_get(const char *ifname, const char *key)
{
	char path[128], buf[16];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoi(buf);
}

/* proto is "ipv4" or "ipv6": /proc/sys/net/PROTO/conf/IFNAME/KEY = value */
static void net_conf_set(const char *proto, const char *ifname, const char *key, int value)
{
	char path[128], buf[16];
	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", proto, ifname, key);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int len = snprintf(buf, sizeof(buf), "%d\n", value);
	if (fd < 0 || write(fd, buf, (size_t)len) != len)
		log_warn("cannot set %s to %d: %s", path, value, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/*
 * With a VMAC the parent interface must stop answering ARP for the VIPs,
 * or clients learn the parent's MAC and the virtual MAC buys nothing: the
 * parent answers only for its own addresses, the macvlan for the VIPs.
 */
void vmac_arp_setup(struct inst *in)
{
	in->parent_arp_ignore = ipv4_conf_get(in->ifname, "arp_ignore");
	in->parent_arp_filter = ipv4_conf_get(in->ifname, "arp_filter");
	net_conf_set("ipv4", in->ifname, "arp_ignore", 1);
	net_conf_set("ipv4", in->ifname, "arp_filter", 1);
	net_conf_set("ipv4", in->vmac_name, "arp_ignore", 1);
}

/*
 * An IPv6 VMAC's one link-local address is the instance's source address
 * (the parent's link-local, or unicast_src_ip / mcast_src_ip), as keepalived
 * gives it: never one derived from the shared virtual MAC, which the
 * backup's VMAC would carry too. Link down flushes it, so every link up
 * adds it again.
 */
static void vmac_link_local(struct inst *in)
{
	struct rtnl_addr a = { .family = AF_INET6, .prefix = 64, .ifindex = in->vmac_ifindex };

	if (in->family != AF_INET6 || !in->have_primary)
		return;
	memcpy(a.addr, in->primary, 16);
	int rc = rtnl_addr_add(&in->d->rtnl, &a);
	if (rc != 0 && rc != -EEXIST)
		log_err("(%s) cannot give %s its link-local address: %s", in->name, in->vmac_name, strerror(-rc));
}

/*
 * A virtual MAC is up only while this router is master. Up on a backup, the
 * macvlan sends frames with the virtual MAC as source (IGMP and MLD reports,
 * IPv6 router solicitations), the LAN's switches learn that MAC on the
 * backup's port and send the clients' traffic for the VIPs there until the
 * master's next advert. Down, it sends nothing, and the master's adverts,
 * whose source is that same MAC, reach the parent like any other frame.
 */
void vmac_set_up(struct inst *in, bool up)
{
	if (!in->vmac_ifindex || in->vmac_up == up)
		return;
	int rc = rtnl_link_set_up(&in->d->rtnl, in->vmac_ifindex, up);
	if (rc == 0) {
		in->vmac_up = up;
		if (up)
			vmac_link_local(in);
	} else
		log_err("(%s) cannot set %s %s: %s", in->name, in->vmac_name, up ? "up" : "down",
			strerror(-rc));
}

/* Before its first link up: no IPv6 on an IPv4 VMAC (keepalived does the
 * same), so it never has a link-local address to solicit routers from; an
 * IPv6 VMAC gets no address from its MAC (see vmac_link_local). */
void vmac_prepare(struct inst *in)
{
	in->vmac_up = true;     /* unknown when it was there before us: force it down */
	vmac_set_up(in, false);
	if (access("/proc/sys/net/ipv6", F_OK) != 0)
		return;
	if (in->family == AF_INET)
		net_conf_set("ipv6", in->vmac_name, "disable_ipv6", 1);
	else
		net_conf_set("ipv6", in->vmac_name, "addr_gen_mode", 1);   /* IN6_ADDR_GEN_MODE_NONE */
}

/* Gives the parent its ARP settings back once no other VMAC sits on it. */
void vmac_arp_restore(struct inst *in)
{
	if (in->parent_arp_ignore < 0)
		return;
	for (struct inst *other = in->d->insts; other; other = other->next)
		if (other != in && other->vmac_ifindex && other->ifindex == in->ifindex &&
		    other->parent_arp_ignore >= 0) {
			/* the last one out restores the values from before the first */
			other->parent_arp_ignore = in->parent_arp_ignore;
			other->parent_arp_filter = in->parent_arp_filter;
			in->parent_arp_ignore = -1;
			return;
		}
	net_conf_set("ipv4", in->ifname, "arp_ignore", in->parent_arp_ignore);
	if (in->parent_arp_filter >= 0)
		net_conf_set("ipv4", in->ifname, "arp_filter", in->parent_arp_filter);
	in->parent_arp_ignore = -1;
}
