/*
 * rtnl.h - the rtnetlink pieces vrrpd and rsctl need: virtual addresses
 * added, removed (with label, scope and broadcast) and listed; link state
 * read and watched (for track_interface and FAULT); the VMAC macvlan
 * created and deleted.
 *
 * Requests go over one blocking socket and wait for the kernel's ack, so a
 * caller gets the errno of each change. Link changes arrive on a second,
 * non-blocking socket subscribed to RTNLGRP_LINK that the event loop watches.
 * Message builders are separate from I/O so unit tests can check the bytes.
 */
#ifndef LVSBOX_RTNL_H
#define LVSBOX_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include "mnl.h"

struct rtnl {
	struct mnl_socket *nl;
	unsigned portid;
	uint32_t seq;
};

/* Request socket (groups 0) or, with groups != 0 (RTMGRP_* bits), a
 * non-blocking monitor socket. 0 or a negative errno. */
int rtnl_open(struct rtnl *r, unsigned groups);
void rtnl_close(struct rtnl *r);
int rtnl_fd(const struct rtnl *r);

struct rtnl_addr {
	int family;                 /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int prefix;                 /* -1: a host address (/32, /128) */
	int ifindex;
	const char *label;          /* IPv4 only; NULL: none */
	int scope;                  /* RT_SCOPE_*; 0 is global */
	bool has_brd;
	unsigned char brd[4];
};

/* Builds RTM_NEWADDR (create, exclusive) or RTM_DELADDR with an ack request.
 * NULL when buf is too small or the address is invalid. */
struct nlmsghdr *rtnl_build_addr(void *buf, size_t size, int msg_type, uint32_t seq,
				 const struct rtnl_addr *a);
/* 0 or a negative errno (-EEXIST when present, -EADDRNOTAVAIL when absent). */
int rtnl_addr_add(struct rtnl *r, const struct rtnl_addr *a);
int rtnl_addr_del(struct rtnl *r, const struct rtnl_addr *a);

/* One address as the kernel lists it. */
struct rtnl_addr_info {
	int family;
	unsigned char addr[16];
	int prefix;
	int ifindex;
	unsigned flags;             /* IFA_F_* */
};

/* Fills out from one RTM_NEWADDR/RTM_DELADDR message: 0, or -EBADMSG. */
int rtnl_parse_addr(const struct nlmsghdr *nlh, struct rtnl_addr_info *out);

/* Returns 0 to go on or a negative errno that ends the walk. */
typedef int rtnl_addr_fn(const struct rtnl_addr_info *a, void *arg);
/* Every address of family (AF_UNSPEC: all) to fn, in one dump. 0, fn's
 * failure, or a negative errno. */
int rtnl_addr_dump(struct rtnl *r, int family, rtnl_addr_fn *fn, void *arg);

/* "host", "link", "site", "global"/"universe", "nowhere" or a number 0..255;
 * -1 when not a scope. */
int rtnl_scope_parse(const char *name);

struct rtnl_link {
	int ifindex;
	unsigned flags;             /* IFF_* */
	int operstate;              /* IF_OPER_* (RFC 2863); -1 when not reported */
	char name[IF_NAMESIZE];
	unsigned char mac[6];
	bool has_mac;
	bool deleted;               /* came as RTM_DELLINK */
};

/* Fills out from one RTM_NEWLINK/RTM_DELLINK message: 0, or -EBADMSG. */
int rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_link *out);
/* What VRRP counts as usable: administratively up and carrier present. */
bool rtnl_link_usable(const struct rtnl_link *l);
/* By index, or by name when ifindex is 0. 0 or a negative errno (-ENODEV). */
int rtnl_link_get(struct rtnl *r, int ifindex, const char *name, struct rtnl_link *out);

typedef void rtnl_link_fn(const struct rtnl_link *link, void *arg);
/* Drains a monitor socket, calling fn for each link message. 0 when
 * drained; -ENOBUFS when the kernel dropped events (the caller re-reads the
 * links it cares about); another negative errno on failure. */
int rtnl_monitor_read(struct rtnl *mon, rtnl_link_fn *fn, void *arg);

/* MAC of a VRRP virtual router: 00:00:5e:00:01:VRID (IPv6: 00:00:5e:00:02:VRID). */
void rtnl_vmac_addr(unsigned char mac[6], int family, unsigned vrid);
/* Builds RTM_NEWLINK creating a macvlan (mode private) on parent. It is
 * created down: a virtual MAC must not send a frame (IPv6 router
 * solicitations, MLD and IGMP reports) before its owner decides it may. */
struct nlmsghdr *rtnl_build_macvlan(void *buf, size_t size, uint32_t seq, const char *name,
				    int parent_ifindex, const unsigned char mac[6]);
int rtnl_macvlan_add(struct rtnl *r, const char *name, int parent_ifindex,
		     const unsigned char mac[6]);
int rtnl_link_del(struct rtnl *r, int ifindex);
/* Builds RTM_NEWLINK setting or clearing IFF_UP on ifindex. */
struct nlmsghdr *rtnl_build_link_up(void *buf, size_t size, uint32_t seq, int ifindex, bool up);
int rtnl_link_set_up(struct rtnl *r, int ifindex, bool up);

#endif
