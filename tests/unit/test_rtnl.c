/*
 * test_rtnl.c - core/rtnl message builders and the link and address parsers, checked
 * against the layouts in the kernel's UAPI headers (walked by hand here,
 * not with the mnl helpers the code uses), scope numbers against iproute2's
 * rt_scopes table, and the virtual MAC against RFC 5798 section 7.3.
 * Whether the kernel accepts the messages is tests/net's job.
 */
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "rtnl.h"
#include "unit.h"

/* The attribute of type in [start, end), or NULL; walked with plain offsets. */
static const struct nlattr *find_attr(const unsigned char *start, const unsigned char *end, int type)
{
	while (start + sizeof(struct nlattr) <= end) {
		const struct nlattr *a = (const struct nlattr *)start;
		if (a->nla_len < sizeof(*a) || start + a->nla_len > end)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		start += (a->nla_len + 3u) & ~3u;
	}
	return NULL;
}

static const void *payload(const struct nlattr *a)
{
	return (const unsigned char *)a + sizeof(*a);
}

static void test_addr_v4(void)
{
	unsigned char buf[512];
	struct rtnl_addr a = {
		.family = AF_INET, .prefix = 20, .ifindex = 7, .label = "eth0:vip",
		.scope = 253, .has_brd = true,
	};
	inet_pton(AF_INET, "172.17.252.38", a.addr);
	inet_pton(AF_INET, "172.17.255.255", a.brd);

	struct nlmsghdr *nlh = rtnl_build_addr(buf, sizeof(buf), RTM_NEWADDR, 42, &a);
	CHECK(nlh != NULL, "RTM_NEWADDR built");
	if (!nlh)
		return;
	CHECK(nlh->nlmsg_type == RTM_NEWADDR && nlh->nlmsg_seq == 42, "type and sequence");
	CHECK(nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL),
	      "request, ack, create, exclusive");
	const struct ifaddrmsg *ifa = (const struct ifaddrmsg *)((unsigned char *)nlh + NLMSG_HDRLEN);
	CHECK(ifa->ifa_family == AF_INET && ifa->ifa_prefixlen == 20 && ifa->ifa_index == 7 &&
	      ifa->ifa_scope == 253, "ifaddrmsg family, prefix, index, scope");
	const unsigned char *attrs = (const unsigned char *)ifa + NLMSG_ALIGN(sizeof(*ifa));
	const unsigned char *end = (const unsigned char *)nlh + nlh->nlmsg_len;
	const struct nlattr *local = find_attr(attrs, end, IFA_LOCAL);
	const struct nlattr *address = find_attr(attrs, end, IFA_ADDRESS);
	const struct nlattr *label = find_attr(attrs, end, IFA_LABEL);
	const struct nlattr *brd = find_attr(attrs, end, IFA_BROADCAST);
	CHECK(local && local->nla_len == 8 && memcmp(payload(local), a.addr, 4) == 0, "IFA_LOCAL");
	CHECK(address && memcmp(payload(address), a.addr, 4) == 0, "IFA_ADDRESS equals the local address");
	CHECK(label && strcmp(payload(label), "eth0:vip") == 0, "IFA_LABEL NUL-terminated");
	CHECK(brd && memcmp(payload(brd), a.brd, 4) == 0, "IFA_BROADCAST");

	a.prefix = -1;
	a.label = NULL;
	a.has_brd = false;
	nlh = rtnl_build_addr(buf, sizeof(buf), RTM_DELADDR, 43, &a);
	CHECK(nlh && nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK), "RTM_DELADDR: no create flags");
	if (!nlh)
		return;
	ifa = (const struct ifaddrmsg *)((unsigned char *)nlh + NLMSG_HDRLEN);
	CHECK(ifa->ifa_prefixlen == 32, "no prefix given: host address /32");
	attrs = (const unsigned char *)ifa + NLMSG_ALIGN(sizeof(*ifa));
	end = (const unsigned char *)nlh + nlh->nlmsg_len;
	CHECK(!find_attr(attrs, end, IFA_LABEL) && !find_attr(attrs, end, IFA_BROADCAST),
	      "no label, no broadcast when not asked");
}

static void test_addr_v6(void)
{
	unsigned char buf[512];
	struct rtnl_addr a = { .family = AF_INET6, .prefix = -1, .ifindex = 3, .label = "ignored" };
	inet_pton(AF_INET6, "fd00:77::100", a.addr);

	struct nlmsghdr *nlh = rtnl_build_addr(buf, sizeof(buf), RTM_NEWADDR, 1, &a);
	CHECK(nlh != NULL, "IPv6 RTM_NEWADDR built");
	if (!nlh)
		return;
	const struct ifaddrmsg *ifa = (const struct ifaddrmsg *)((unsigned char *)nlh + NLMSG_HDRLEN);
	CHECK(ifa->ifa_prefixlen == 128, "IPv6 host address /128");
	const unsigned char *attrs = (const unsigned char *)ifa + NLMSG_ALIGN(sizeof(*ifa));
	const unsigned char *end = (const unsigned char *)nlh + nlh->nlmsg_len;
	const struct nlattr *local = find_attr(attrs, end, IFA_LOCAL);
	const struct nlattr *flags = find_attr(attrs, end, IFA_FLAGS);
	CHECK(local && local->nla_len == 4 + 16 && memcmp(payload(local), a.addr, 16) == 0, "IPv6 IFA_LOCAL");
	CHECK(flags && (*(const unsigned *)payload(flags) & IFA_F_NODAD), "IPv6 VIP skips DAD");
	CHECK(!find_attr(attrs, end, IFA_LABEL), "labels are IPv4 only");

	a.prefix = 129;
	CHECK(rtnl_build_addr(buf, sizeof(buf), RTM_NEWADDR, 1, &a) == NULL, "prefix 129 refused");
	a.prefix = 64;
	a.ifindex = 0;
	CHECK(rtnl_build_addr(buf, sizeof(buf), RTM_NEWADDR, 1, &a) == NULL, "no interface refused");
	a.ifindex = 3;
	a.family = AF_UNSPEC;
	CHECK(rtnl_build_addr(buf, sizeof(buf), RTM_NEWADDR, 1, &a) == NULL, "unknown family refused");
}

static void test_scope(void)
{
	/* Values of /etc/iproute2/rt_scopes. */
	CHECK(rtnl_scope_parse("global") == 0, "scope global = 0");
	CHECK(rtnl_scope_parse("site") == 200, "scope site = 200");
	CHECK(rtnl_scope_parse("link") == 253, "scope link = 253");
	CHECK(rtnl_scope_parse("host") == 254, "scope host = 254");
	CHECK(rtnl_scope_parse("nowhere") == 255, "scope nowhere = 255");
	CHECK(rtnl_scope_parse("17") == 17, "numeric scope");
	CHECK(rtnl_scope_parse("256") == -1 && rtnl_scope_parse("hostx") == -1 &&
	      rtnl_scope_parse("") == -1, "bad scopes refused");
}

static void test_link_parse(void)
{
	unsigned char buf[256] __attribute__((aligned(4)));
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct ifinfomsg *ifi = (struct ifinfomsg *)(buf + NLMSG_HDRLEN);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi->ifi_index = 9;
	ifi->ifi_flags = IFF_UP | IFF_RUNNING | IFF_BROADCAST;
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifi));
	struct nlattr *a = (struct nlattr *)(buf + off);
	a->nla_type = IFLA_IFNAME;
	a->nla_len = 4 + 5;
	memcpy(buf + off + 4, "eth0", 5);
	off += 12;
	a = (struct nlattr *)(buf + off);
	a->nla_type = IFLA_ADDRESS;
	a->nla_len = 4 + 6;
	memcpy(buf + off + 4, "\x02\x00\x00\x00\x00\x01", 6);
	off += 12;
	a = (struct nlattr *)(buf + off);
	a->nla_type = IFLA_OPERSTATE;
	a->nla_len = 5;
	buf[off + 4] = 6;   /* IF_OPER_UP (RFC 2863) */
	off += 8;
	nlh->nlmsg_len = (unsigned)off;

	struct rtnl_link link;
	CHECK(rtnl_parse_link(nlh, &link) == 0, "link message parsed");
	CHECK(link.ifindex == 9 && strcmp(link.name, "eth0") == 0, "index and name");
	CHECK(link.has_mac && memcmp(link.mac, "\x02\x00\x00\x00\x00\x01", 6) == 0, "MAC");
	CHECK(link.operstate == 6 && !link.deleted, "operstate, not deleted");
	CHECK(rtnl_link_usable(&link), "up and running is usable");
	ifi->ifi_flags = IFF_UP;
	rtnl_parse_link(nlh, &link);
	CHECK(!rtnl_link_usable(&link), "up without carrier is not usable");
	nlh->nlmsg_type = RTM_DELLINK;
	ifi->ifi_flags = IFF_UP | IFF_RUNNING;
	rtnl_parse_link(nlh, &link);
	CHECK(link.deleted && !rtnl_link_usable(&link), "a deleted link is not usable");
	nlh->nlmsg_type = RTM_NEWADDR;
	CHECK(rtnl_parse_link(nlh, &link) != 0, "not a link message: refused");
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	CHECK(rtnl_parse_link(nlh, &link) != 0, "truncated link message refused");
}

/* put_attr: one attribute at off in buf, the next offset. */
static size_t put_attr(unsigned char *buf, size_t off, int type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(buf + off);
	a->nla_type = (unsigned short)type;
	a->nla_len = (unsigned short)(4 + len);
	memcpy(buf + off + 4, data, len);
	return off + ((4 + len + 3) & ~(size_t)3);
}

/* Address messages as the kernel lists them (RTM_NEWADDR in a dump):
 * ifaddrmsg, then IFA_ADDRESS and, for IPv4 or with a peer, IFA_LOCAL. */
static void test_addr_parse(void)
{
	unsigned char buf[256] __attribute__((aligned(4)));
	unsigned char v4[4], peer[4], v6[16];
	struct rtnl_addr_info info;
	inet_pton(AF_INET, "10.0.0.100", v4);
	inet_pton(AF_INET, "10.0.0.1", peer);
	inet_pton(AF_INET6, "2001:db8::1", v6);

	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct ifaddrmsg *ifa = (struct ifaddrmsg *)(buf + NLMSG_HDRLEN);
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_index = 1;
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifa));
	off = put_attr(buf, off, IFA_ADDRESS, peer, 4);
	off = put_attr(buf, off, IFA_LOCAL, v4, 4);
	nlh->nlmsg_len = (unsigned)off;
	CHECK(rtnl_parse_addr(nlh, &info) == 0 && info.family == AF_INET && info.prefix == 32 &&
	      info.ifindex == 1 && memcmp(info.addr, v4, 4) == 0,
	      "IPv4 address: IFA_LOCAL is ours, IFA_ADDRESS the peer's");

	memset(buf, 0, sizeof(buf));
	nlh->nlmsg_type = RTM_NEWADDR;
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = 128;
	ifa->ifa_index = 3;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifa));
	off = put_attr(buf, off, IFA_ADDRESS, v6, 16);
	nlh->nlmsg_len = (unsigned)off;
	CHECK(rtnl_parse_addr(nlh, &info) == 0 && info.family == AF_INET6 && info.prefix == 128 &&
	      info.ifindex == 3 && memcmp(info.addr, v6, 16) == 0, "IPv6 address from IFA_ADDRESS");

	off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifa));
	off = put_attr(buf, off, IFA_ADDRESS, v4, 4);
	nlh->nlmsg_len = (unsigned)off;
	CHECK(rtnl_parse_addr(nlh, &info) != 0, "an IPv6 message with a 4-byte address refused");
	nlh->nlmsg_len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifa));
	CHECK(rtnl_parse_addr(nlh, &info) != 0, "an address message without an address refused");
	nlh->nlmsg_type = RTM_NEWLINK;
	CHECK(rtnl_parse_addr(nlh, &info) != 0, "not an address message: refused");
}

/* Attributes are checked against the reader's rules; a link address that
 * is no MAC is not a fault of the message. */
static void test_link_attr_rules(void)
{
	unsigned char buf[128] __attribute__((aligned(4)));
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg));
	struct nlattr *a = (struct nlattr *)(buf + off);
	struct rtnl_link link;

	nlh->nlmsg_type = RTM_NEWLINK;
	a->nla_type = IFLA_ADDRESS;
	a->nla_len = 4 + 4;
	memcpy(buf + off + 4, "\x0a\x00\x00\x01", 4);
	a = (struct nlattr *)(buf + off + 8);
	a->nla_type = IFLA_OPERSTATE;
	a->nla_len = 5;
	buf[off + 12] = 6;
	nlh->nlmsg_len = (unsigned)(off + 16);
	CHECK(rtnl_parse_link(nlh, &link) == 0 && !link.has_mac && link.operstate == 6,
	      "a 4-byte link address (IPIP tunnel): no MAC, message parsed");
	a->nla_len = 4;
	CHECK(rtnl_parse_link(nlh, &link) != 0, "IFLA_OPERSTATE without its byte: refused");
	a->nla_len = 5;
	a->nla_type = IFLA_MAX + 1;
	CHECK(rtnl_parse_link(nlh, &link) == 0 && link.operstate == -1,
	      "an attribute newer than this code: skipped");
}

static void test_vmac(void)
{
	unsigned char buf[512], mac[6];

	rtnl_vmac_addr(mac, AF_INET, 51);
	CHECK(memcmp(mac, "\x00\x00\x5e\x00\x01\x33", 6) == 0, "IPv4 VMAC 00:00:5e:00:01:VRID");
	rtnl_vmac_addr(mac, AF_INET6, 255);
	CHECK(memcmp(mac, "\x00\x00\x5e\x00\x02\xff", 6) == 0, "IPv6 VMAC 00:00:5e:00:02:VRID");

	rtnl_vmac_addr(mac, AF_INET, 7);
	struct nlmsghdr *nlh = rtnl_build_macvlan(buf, sizeof(buf), 5, "vrrp.7", 2, mac);
	CHECK(nlh != NULL, "macvlan request built");
	if (!nlh)
		return;
	const struct ifinfomsg *ifi = (const struct ifinfomsg *)((unsigned char *)nlh + NLMSG_HDRLEN);
	CHECK(nlh->nlmsg_type == RTM_NEWLINK && (nlh->nlmsg_flags & NLM_F_CREATE) &&
	      (nlh->nlmsg_flags & NLM_F_EXCL), "RTM_NEWLINK create exclusive");
	CHECK(!(ifi->ifi_flags & IFF_UP) && (ifi->ifi_change & IFF_UP), "created down");
	const unsigned char *attrs = (const unsigned char *)ifi + NLMSG_ALIGN(sizeof(*ifi));
	const unsigned char *end = (const unsigned char *)nlh + nlh->nlmsg_len;
	const struct nlattr *name = find_attr(attrs, end, IFLA_IFNAME);
	const struct nlattr *link = find_attr(attrs, end, IFLA_LINK);
	const struct nlattr *addr = find_attr(attrs, end, IFLA_ADDRESS);
	const struct nlattr *info = find_attr(attrs, end, IFLA_LINKINFO);
	CHECK(name && strcmp(payload(name), "vrrp.7") == 0, "IFLA_IFNAME");
	CHECK(link && *(const unsigned *)payload(link) == 2, "IFLA_LINK is the parent");
	CHECK(addr && memcmp(payload(addr), mac, 6) == 0, "IFLA_ADDRESS is the VMAC");
	CHECK(info != NULL, "IFLA_LINKINFO nest");
	if (!info)
		return;
	const unsigned char *in = payload(info), *in_end = (const unsigned char *)info + info->nla_len;
	const struct nlattr *kind = find_attr(in, in_end, IFLA_INFO_KIND);
	const struct nlattr *data = find_attr(in, in_end, IFLA_INFO_DATA);
	CHECK(kind && strcmp(payload(kind), "macvlan") == 0, "kind macvlan");
	const struct nlattr *mode = data ? find_attr(payload(data),
		(const unsigned char *)data + data->nla_len, IFLA_MACVLAN_MODE) : NULL;
	CHECK(mode && *(const unsigned *)payload(mode) == MACVLAN_MODE_PRIVATE, "mode private");
	CHECK(rtnl_build_macvlan(buf, sizeof(buf), 5, "a-name-far-too-long", 2, mac) == NULL,
	      "name over 15 bytes refused");

	nlh = rtnl_build_link_up(buf, sizeof(buf), 6, 9, true);
	CHECK(nlh != NULL, "link up request built");
	if (!nlh)
		return;
	ifi = (const struct ifinfomsg *)((unsigned char *)nlh + NLMSG_HDRLEN);
	CHECK(nlh->nlmsg_type == RTM_NEWLINK && !(nlh->nlmsg_flags & NLM_F_CREATE) &&
	      ifi->ifi_index == 9 && (ifi->ifi_flags & IFF_UP) && (ifi->ifi_change & IFF_UP),
	      "link up: RTM_NEWLINK on that index, IFF_UP set");
	nlh = rtnl_build_link_up(buf, sizeof(buf), 7, 9, false);
	CHECK(nlh != NULL, "link down request built");
	if (!nlh)
		return;
	ifi = (const struct ifinfomsg *)((unsigned char *)nlh + NLMSG_HDRLEN);
	CHECK(!(ifi->ifi_flags & IFF_UP) && (ifi->ifi_change & IFF_UP), "link down: IFF_UP cleared");
	CHECK(rtnl_build_link_up(buf, sizeof(buf), 8, 0, true) == NULL, "link up without an index refused");
}

int main(void)
{
	test_addr_v4();
	test_addr_v6();
	test_scope();
	test_link_parse();
	test_addr_parse();
	test_link_attr_rules();
	test_vmac();
	return unit_exit();
}
