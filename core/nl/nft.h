/*
 * nft.h - the nf_tables filter of vrrp_strict / no_accept: a master that
 * does not own its virtual addresses drops traffic to and from them
 * (RFC 5798's Accept_Mode false), laid out as keepalived 2.2.7 lays it out
 * so that `nft list ruleset` reads the same on either daemon.
 *
 * Per family one table (default name "keepalived") with a set "vips" that
 * the input and output chains drop on; IPv6 also lets neighbour discovery
 * through and keeps link-local addresses per interface in "vips_link_local".
 * Every call is one netlink batch, applied by the kernel all or nothing.
 * Functions return 0 or -errno.
 */
#ifndef LVSBOX_NFT_H
#define LVSBOX_NFT_H

#include <stdbool.h>

#define NFT_VIP_TABLE_DEFAULT "keepalived"
#define NFT_VIP_PRIORITY_DEFAULT (-1)   /* just before the "filter" priority */

struct nft_vip_table {
	const char *name;
	int priority;           /* of the input and output hooks */
	bool counters;          /* a counter in each rule */
};

/* Creates the table for AF_INET or AF_INET6 with empty sets, replacing
 * whatever a table of that name held before (a daemon that died). */
int nft_vip_table_install(const struct nft_vip_table *t, int family);

/* Deletes the table; a table that is not there is not an error. */
int nft_vip_table_delete(const char *name, int family);

/* Adds a virtual address to the drop set or removes it. ifindex matters
 * for IPv6 link-local addresses only. Adding one already there and
 * removing one not there are not errors. */
int nft_vip_update(const char *name, int family, const void *addr, int ifindex, bool add);

#endif
