/*
 * rtnl.c - rtnetlink requests, address lists and link events (see rtnl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include "rtnl.h"
#include "nl_attr.h"
#include "nl_exchange.h"

/* Requests are small; replies to a single-link query fit with room to spare. */
#define RTNL_REQ_SIZE 512
#define RTNL_RECV_SIZE 8192

int rtnl_open(struct rtnl *r, unsigned groups)
{
	memset(r, 0, sizeof(*r));
	r->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!r->nl)
		return -errno;
	if (mnl_socket_bind(r->nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;
		mnl_socket_close(r->nl);
		r->nl = NULL;
		return err;
	}
	int fd = mnl_socket_get_fd(r->nl);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (groups)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	r->portid = mnl_socket_get_portid(r->nl);
	r->seq = (uint32_t)rand();
	return 0;
}

void rtnl_close(struct rtnl *r)
{
	if (r->nl)
		mnl_socket_close(r->nl);
	r->nl = NULL;
}

int rtnl_fd(const struct rtnl *r)
{
	return r->nl ? mnl_socket_get_fd(r->nl) : -1;
}

/* Sends one request and reads until its ack, error or (a dump) its end;
 * cb sees data replies. A dump is read with exact-size reads, as the IPVS
 * client's are, so no datagram is ever cut short however the kernel sizes it. */
static int rtnl_exchange(struct rtnl *r, struct nlmsghdr *nlh, nl_data_fn cb, void *arg)
{
	struct nl_exchange x = {
		.portid = r->portid,
		.req = nlh,
		.req_len = nlh->nlmsg_len,
		.on_data = cb,
		.arg = arg,
	};

	if (!r->nl)
		return -ENOTCONN;
	x.fd = mnl_socket_get_fd(r->nl);
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		return nl_exchange_run(&x);
	x.flags = NL_RECV_EXACT;
	x.rx_size = RTNL_RECV_SIZE;
	x.rx_buf = malloc(x.rx_size);
	if (!x.rx_buf)
		return -ENOMEM;
	int rc = nl_exchange_run(&x);
	free(x.rx_buf);
	return rc;
}

static size_t family_addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

struct nlmsghdr *rtnl_build_addr(void *buf, size_t size, int msg_type, uint32_t seq,
				 const struct rtnl_addr *a)
{
	size_t alen = family_addr_len(a->family);
	int max_prefix = (int)alen * 8;

	if (!alen || a->ifindex <= 0 || a->prefix > max_prefix || size < RTNL_REQ_SIZE ||
	    (msg_type != RTM_NEWADDR && msg_type != RTM_DELADDR))
		return NULL;
	if (a->label && strlen(a->label) >= IFNAMSIZ)
		return NULL;
	memset(buf, 0, RTNL_REQ_SIZE);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)msg_type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (msg_type == RTM_NEWADDR)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = seq;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = (uint8_t)(a->prefix < 0 ? max_prefix : a->prefix);
	ifa->ifa_scope = (uint8_t)a->scope;
	ifa->ifa_index = (uint32_t)a->ifindex;
	/* For IPv4 IFA_ADDRESS is the peer; with no peer it equals the local one. */
	mnl_attr_put(nlh, IFA_LOCAL, alen, a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, a->addr);
	if (a->family == AF_INET) {
		if (a->label && a->label[0])
			mnl_attr_put_strz(nlh, IFA_LABEL, a->label);
		if (a->has_brd)
			mnl_attr_put(nlh, IFA_BROADCAST, 4, a->brd);
	} else if (msg_type == RTM_NEWADDR) {
		/* A virtual address moves between routers: duplicate address
		 * detection would hold it tentative, unusable, exactly at takeover. */
		ifa->ifa_flags = IFA_F_NODAD;
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
	return nlh;
}

static int addr_request(struct rtnl *r, int msg_type, const struct rtnl_addr *a)
{
	char buf[RTNL_REQ_SIZE];
	struct nlmsghdr *nlh = rtnl_build_addr(buf, sizeof(buf), msg_type, ++r->seq, a);

	if (!nlh)
		return -EINVAL;
	return rtnl_exchange(r, nlh, NULL, NULL);
}

int rtnl_addr_add(struct rtnl *r, const struct rtnl_addr *a)
{
	return addr_request(r, RTM_NEWADDR, a);
}

int rtnl_addr_del(struct rtnl *r, const struct rtnl_addr *a)
{
	return addr_request(r, RTM_DELADDR, a);
}

/* IFA_LOCAL and IFA_ADDRESS are as long as the family's addresses; that
 * is checked against the message's family, not here. */
static const struct nl_attr_rule addr_rules[IFA_MAX + 1] = {
	[IFA_ADDRESS] = { MNL_TYPE_BINARY, 0 },
	[IFA_LOCAL] = { MNL_TYPE_BINARY, 0 },
	[IFA_LABEL] = { MNL_TYPE_NUL_STRING, 0 },
	[IFA_FLAGS] = { MNL_TYPE_U32, 0 },
};

int rtnl_parse_addr(const struct nlmsghdr *nlh, struct rtnl_addr_info *out)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	const struct nlattr *which;
	size_t alen;

	if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*ifa))
		return -EBADMSG;
	ifa = mnl_nlmsg_get_payload(nlh);
	alen = family_addr_len(ifa->ifa_family);
	if (!alen || nl_attr_parse(nlh, sizeof(*ifa), addr_rules, IFA_MAX, tb) < 0)
		return -EBADMSG;
	/* With a peer (point-to-point) IFA_ADDRESS is the peer's and IFA_LOCAL
	 * ours; without one IPv4 sends both equal and IPv6 only IFA_ADDRESS. */
	which = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!which || mnl_attr_get_payload_len(which) != alen)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	out->family = ifa->ifa_family;
	memcpy(out->addr, mnl_attr_get_payload(which), alen);
	out->prefix = ifa->ifa_prefixlen;
	out->ifindex = (int)ifa->ifa_index;
	out->flags = tb[IFA_FLAGS] ? mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	return 0;
}

struct addr_walk {
	rtnl_addr_fn *fn;
	void *arg;
};

static int on_addr_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct addr_walk *w = data;
	struct rtnl_addr_info a;

	if (rtnl_parse_addr(nlh, &a) < 0)
		return -EBADMSG;
	return w->fn(&a, w->arg);
}

int rtnl_addr_dump(struct rtnl *r, int family, rtnl_addr_fn *fn, void *arg)
{
	char buf[RTNL_REQ_SIZE];
	struct addr_walk w = { fn, arg };

	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++r->seq;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	return rtnl_exchange(r, nlh, on_addr_reply, &w);
}

int rtnl_scope_parse(const char *name)
{
	static const struct { const char *name; int scope; } names[] = {
		{ "global", RT_SCOPE_UNIVERSE }, { "universe", RT_SCOPE_UNIVERSE },
		{ "site", RT_SCOPE_SITE }, { "link", RT_SCOPE_LINK },
		{ "host", RT_SCOPE_HOST }, { "nowhere", RT_SCOPE_NOWHERE },
	};
	char *end;
	long v;

	if (!name || !*name)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].scope;
	errno = 0;
	v = strtol(name, &end, 0);
	if (errno || *end || v < 0 || v > 255)
		return -1;
	return (int)v;
}

/* IFLA_ADDRESS is as long as the link type's address (4 bytes on an IPIP
 * tunnel): any length passes, only 6 bytes make a MAC. */
static const struct nl_attr_rule link_rules[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = { MNL_TYPE_NUL_STRING, 0 },
	[IFLA_ADDRESS] = { MNL_TYPE_BINARY, 0 },
	[IFLA_OPERSTATE] = { MNL_TYPE_U8, 0 },
};

int rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_link *out)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;

	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*ifi))
		return -EBADMSG;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(out, 0, sizeof(*out));
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	out->operstate = -1;
	out->deleted = nlh->nlmsg_type == RTM_DELLINK;
	if (nl_attr_parse(nlh, sizeof(*ifi), link_rules, IFLA_MAX, tb) < 0)
		return -EBADMSG;
	if (tb[IFLA_IFNAME]) {
		const char *name = mnl_attr_get_str(tb[IFLA_IFNAME]);
		if (strlen(name) < sizeof(out->name))
			strcpy(out->name, name);
	}
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(out->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
		out->has_mac = true;
	}
	if (tb[IFLA_OPERSTATE])
		out->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	return 0;
}

bool rtnl_link_usable(const struct rtnl_link *l)
{
	return !l->deleted && (l->flags & IFF_UP) && (l->flags & IFF_RUNNING);
}

static int on_link_reply(const struct nlmsghdr *nlh, void *data)
{
	return rtnl_parse_link(nlh, data);
}

/* Starts a link request in buf (RTNL_REQ_SIZE bytes): header and ifinfomsg. */
static struct nlmsghdr *link_request(void *buf, uint16_t type, uint16_t flags, uint32_t seq, int ifindex,
				     struct ifinfomsg **ifi)
{
	memset(buf, 0, RTNL_REQ_SIZE);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = seq;
	*ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifi));
	(*ifi)->ifi_family = AF_UNSPEC;
	(*ifi)->ifi_index = ifindex;
	return nlh;
}

int rtnl_link_get(struct rtnl *r, int ifindex, const char *name, struct rtnl_link *out)
{
	char buf[RTNL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (!ifindex && (!name || strlen(name) >= IFNAMSIZ))
		return -ENODEV;
	nlh = link_request(buf, RTM_GETLINK, 0, ++r->seq, ifindex, &ifi);
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	/* Skip the statistics: they are most of a link message and unused here. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, 0);
	memset(out, 0, sizeof(*out));
	out->ifindex = 0;
	int rc = rtnl_exchange(r, nlh, on_link_reply, out);
	if (rc == 0 && out->ifindex == 0)
		rc = -ENODEV;
	return rc;
}

struct link_event {
	rtnl_link_fn *fn;
	void *arg;
};

/* Events are not answers to anything: a message that is no link message
 * (or a mangled one) is passed over, not a reason to stop. */
static int on_link_event(const struct nlmsghdr *nlh, void *data)
{
	const struct link_event *ev = data;
	struct rtnl_link link;

	if (rtnl_parse_link(nlh, &link) == 0)
		ev->fn(&link, ev->arg);
	return 0;
}

int rtnl_monitor_read(struct rtnl *mon, rtnl_link_fn *fn, void *arg)
{
	struct link_event ev = { fn, arg };
	char *buf = malloc(RTNL_RECV_SIZE);
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	/* Bounded: a burst of link events is drained in a few reads, and a
	 * flood cannot keep the loop here forever. */
	for (int round = 0; round < 64; round++) {
		ssize_t n = mnl_socket_recvfrom(mon->nl, buf, RTNL_RECV_SIZE);
		if (n < 0) {
			rc = (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
			break;
		}
		nl_events_walk(buf, (size_t)n, on_link_event, &ev);
	}
	free(buf);
	return rc;
}

void rtnl_vmac_addr(unsigned char mac[6], int family, unsigned vrid)
{
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x00;
	mac[4] = family == AF_INET6 ? 0x02 : 0x01;
	mac[5] = (unsigned char)vrid;
}

struct nlmsghdr *rtnl_build_macvlan(void *buf, size_t size, uint32_t seq, const char *name,
				    int parent_ifindex, const unsigned char mac[6])
{
	if (size < RTNL_REQ_SIZE || !name || !*name || strlen(name) >= IFNAMSIZ || parent_ifindex <= 0)
		return NULL;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_request(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, seq, 0, &ifi);
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent_ifindex);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* Private: the virtual MAC answers only for itself, never bridging to
	 * the parent's other macvlans, as a second router would be. */
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, MACVLAN_MODE_PRIVATE);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nlh;
}

int rtnl_macvlan_add(struct rtnl *r, const char *name, int parent_ifindex,
		     const unsigned char mac[6])
{
	char buf[RTNL_REQ_SIZE];
	struct nlmsghdr *nlh = rtnl_build_macvlan(buf, sizeof(buf), ++r->seq, name,
						  parent_ifindex, mac);
	if (!nlh)
		return -EINVAL;
	return rtnl_exchange(r, nlh, NULL, NULL);
}

int rtnl_link_del(struct rtnl *r, int ifindex)
{
	char buf[RTNL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (ifindex <= 0)
		return -ENODEV;
	nlh = link_request(buf, RTM_DELLINK, 0, ++r->seq, ifindex, &ifi);
	return rtnl_exchange(r, nlh, NULL, NULL);
}

struct nlmsghdr *rtnl_build_link_up(void *buf, size_t size, uint32_t seq, int ifindex, bool up)
{
	if (size < RTNL_REQ_SIZE || ifindex <= 0)
		return NULL;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_request(buf, RTM_NEWLINK, 0, seq, ifindex, &ifi);
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	return nlh;
}

int rtnl_link_set_up(struct rtnl *r, int ifindex, bool up)
{
	char buf[RTNL_REQ_SIZE];
	struct nlmsghdr *nlh = rtnl_build_link_up(buf, sizeof(buf), ++r->seq, ifindex, up);
	if (!nlh)
		return -EINVAL;
	return rtnl_exchange(r, nlh, NULL, NULL);
}
