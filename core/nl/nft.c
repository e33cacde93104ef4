/*
 * nft.c - a small nf_tables client over NETLINK_NETFILTER: just what the
 * VIP filter of nft.h needs (tables, sets, chains, rules of payload, meta,
 * cmp, bitwise, lookup, counter and immediate expressions, set elements).
 *
 * Each operation is one batch framed by NFNL_MSG_BATCH_BEGIN/END with an
 * ACK asked for every message. The kernel handles a batch inside sendto(),
 * so every answer is queued when it returns and is read without waiting
 * (NL_RECV_QUEUED); the first error wins.
 */
#include "nft.h"
#include "mnl.h"
#include "nl_exchange.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

/* nft's datatype numbers: only `nft list` reads them. A concatenation's
 * type is its parts' types, each shifted in by 6 bits. */
#define NFT_TYPE_IPV4_ADDR 7
#define NFT_TYPE_IPV6_ADDR 8
#define NFT_TYPE_ICMPV6_TYPE 29
#define NFT_TYPE_IFACE_INDEX 20
#define NFT_TYPE_BITS 6

/* set user data nft reads back: key byte order (2: big endian) */
#define NFT_UDATA_KEY_BYTEORDER 0
#define NFT_BYTEORDER_BIG_ENDIAN 2

#define NFT_BUF_SIZE 8192

enum { SET_VIPS = 1, SET_ND, SET_VIPS_LL };

struct batch {
	struct mnl_nlmsg_batch *b;
	uint32_t seq;
	bool overflow;
};

static int nfproto(int family)
{
	return family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
}

static struct nlmsghdr *msg_start(struct batch *bt, int type, int family, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(bt->b));
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++bt->seq;
	struct nfgenmsg *nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(type == NFNL_MSG_BATCH_BEGIN || type == NFNL_MSG_BATCH_END ? NFNL_SUBSYS_NFTABLES : 0);
	return nlh;
}

static void msg_end(struct batch *bt)
{
	if (!mnl_nlmsg_batch_next(bt->b))
		bt->overflow = true;
}

static struct nlmsghdr *nft_msg(struct batch *bt, int msg, int family, uint16_t flags)
{
	return msg_start(bt, (NFNL_SUBSYS_NFTABLES << 8) | msg, nfproto(family), flags | NLM_F_ACK);
}

static void put_be32(struct nlmsghdr *nlh, uint16_t type, uint32_t v)
{
	mnl_attr_put_u32(nlh, type, htonl(v));
}

/* NFTA_DATA_VALUE nested in attribute type */
static void put_data(struct nlmsghdr *nlh, uint16_t type, const void *data, size_t len)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	mnl_attr_put(nlh, NFTA_DATA_VALUE, len, data);
	mnl_attr_nest_end(nlh, nest);
}

/* ---- expressions: each one list element of NFTA_RULE_EXPRESSIONS ---- */

static struct nlattr *expr_start(struct nlmsghdr *nlh, const char *name, struct nlattr **data)
{
	struct nlattr *elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, name);
	*data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	return elem;
}

static void expr_end(struct nlmsghdr *nlh, struct nlattr *elem, struct nlattr *data)
{
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, elem);
}

static void expr_payload(struct nlmsghdr *nlh, int base, unsigned offset, unsigned len, int dreg)
{
	struct nlattr *data, *elem = expr_start(nlh, "payload", &data);
	put_be32(nlh, NFTA_PAYLOAD_DREG, (uint32_t)dreg);
	put_be32(nlh, NFTA_PAYLOAD_BASE, (uint32_t)base);
	put_be32(nlh, NFTA_PAYLOAD_OFFSET, offset);
	put_be32(nlh, NFTA_PAYLOAD_LEN, len);
	expr_end(nlh, elem, data);
}

static void expr_meta(struct nlmsghdr *nlh, int key, int dreg)
{
	struct nlattr *data, *elem = expr_start(nlh, "meta", &data);
	put_be32(nlh, NFTA_META_KEY, (uint32_t)key);
	put_be32(nlh, NFTA_META_DREG, (uint32_t)dreg);
	expr_end(nlh, elem, data);
}

static void expr_cmp_eq(struct nlmsghdr *nlh, int sreg, const void *value, size_t len)
{
	struct nlattr *data, *elem = expr_start(nlh, "cmp", &data);
	put_be32(nlh, NFTA_CMP_SREG, (uint32_t)sreg);
	put_be32(nlh, NFTA_CMP_OP, NFT_CMP_EQ);
	put_data(nlh, NFTA_CMP_DATA, value, len);
	expr_end(nlh, elem, data);
}

/* reg = reg & mask (the xor part is zero) */
static void expr_mask(struct nlmsghdr *nlh, int reg, const void *mask, size_t len)
{
	static const uint8_t zero[16];
	struct nlattr *data, *elem = expr_start(nlh, "bitwise", &data);
	put_be32(nlh, NFTA_BITWISE_SREG, (uint32_t)reg);
	put_be32(nlh, NFTA_BITWISE_DREG, (uint32_t)reg);
	put_be32(nlh, NFTA_BITWISE_LEN, (uint32_t)len);
	put_data(nlh, NFTA_BITWISE_MASK, mask, len);
	put_data(nlh, NFTA_BITWISE_XOR, zero, len);
	expr_end(nlh, elem, data);
}

static void expr_lookup(struct nlmsghdr *nlh, const char *set, int set_id, int sreg)
{
	struct nlattr *data, *elem = expr_start(nlh, "lookup", &data);
	put_be32(nlh, NFTA_LOOKUP_SREG, (uint32_t)sreg);
	mnl_attr_put_strz(nlh, NFTA_LOOKUP_SET, set);
	put_be32(nlh, NFTA_LOOKUP_SET_ID, (uint32_t)set_id);
	expr_end(nlh, elem, data);
}

static void expr_counter(struct nlmsghdr *nlh)
{
	struct nlattr *data, *elem = expr_start(nlh, "counter", &data);
	expr_end(nlh, elem, data);
}

/* The verdict; a goto names its chain. */
static void expr_verdict(struct nlmsghdr *nlh, int code, const char *chain)
{
	struct nlattr *data, *elem = expr_start(nlh, "immediate", &data);
	put_be32(nlh, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
	struct nlattr *imm = mnl_attr_nest_start(nlh, NFTA_IMMEDIATE_DATA);
	struct nlattr *verdict = mnl_attr_nest_start(nlh, NFTA_DATA_VERDICT);
	put_be32(nlh, NFTA_VERDICT_CODE, (uint32_t)code);
	if (chain)
		mnl_attr_put_strz(nlh, NFTA_VERDICT_CHAIN, chain);
	mnl_attr_nest_end(nlh, verdict);
	mnl_attr_nest_end(nlh, imm);
	expr_end(nlh, elem, data);
}

/* ---- objects ---- */

static void add_table(struct batch *bt, const char *name, int family)
{
	struct nlmsghdr *nlh = nft_msg(bt, NFT_MSG_NEWTABLE, family, NLM_F_CREATE);
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, name);
	put_be32(nlh, NFTA_TABLE_FLAGS, 0);
	msg_end(bt);
}

static void del_table(struct batch *bt, const char *name, int family)
{
	struct nlmsghdr *nlh = nft_msg(bt, NFT_MSG_DELTABLE, family, 0);
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, name);
	msg_end(bt);
}

/* hook < 0: a regular chain, reached by goto */
static void add_chain(struct batch *bt, const struct nft_vip_table *t, int family, const char *name, int hook)
{
	struct nlmsghdr *nlh = nft_msg(bt, NFT_MSG_NEWCHAIN, family, NLM_F_CREATE);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, t->name);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, name);
	if (hook >= 0) {
		struct nlattr *h = mnl_attr_nest_start(nlh, NFTA_CHAIN_HOOK);
		put_be32(nlh, NFTA_HOOK_HOOKNUM, (uint32_t)hook);
		put_be32(nlh, NFTA_HOOK_PRIORITY, (uint32_t)t->priority);
		mnl_attr_nest_end(nlh, h);
		put_be32(nlh, NFTA_CHAIN_POLICY, NF_ACCEPT);
		mnl_attr_put_strz(nlh, NFTA_CHAIN_TYPE, "filter");
	}
	msg_end(bt);
}

static void add_set(struct batch *bt, const char *table, int family, const char *name, int id,
		    uint32_t flags, uint32_t key_type, uint32_t key_len, uint32_t size)
{
	struct nlmsghdr *nlh = nft_msg(bt, NFT_MSG_NEWSET, family, NLM_F_CREATE);
	mnl_attr_put_strz(nlh, NFTA_SET_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_SET_NAME, name);
	put_be32(nlh, NFTA_SET_FLAGS, flags);
	put_be32(nlh, NFTA_SET_KEY_TYPE, key_type);
	put_be32(nlh, NFTA_SET_KEY_LEN, key_len);
	put_be32(nlh, NFTA_SET_ID, (uint32_t)id);
	if (size) {
		struct nlattr *desc = mnl_attr_nest_start(nlh, NFTA_SET_DESC);
		put_be32(nlh, NFTA_SET_DESC_SIZE, size);
		mnl_attr_nest_end(nlh, desc);
	}
	if (key_type == NFT_TYPE_IPV4_ADDR || key_type == NFT_TYPE_IPV6_ADDR) {
		/* nft's user data: one byte type, one byte length, host-order value */
		uint8_t udata[6] = { NFT_UDATA_KEY_BYTEORDER, 4 };
		uint32_t order = NFT_BYTEORDER_BIG_ENDIAN;
		memcpy(udata + 2, &order, sizeof(order));
		mnl_attr_put(nlh, NFTA_SET_USERDATA, sizeof(udata), udata);
	}
	msg_end(bt);
}

/* Elements of equal length; set_id nonzero for a set made in this batch. */
static void set_elems(struct batch *bt, int msg, const char *table, int family, const char *set, int set_id,
		      const void *keys, size_t key_len, int n)
{
	struct nlmsghdr *nlh = nft_msg(bt, msg, family, msg == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	if (set_id)
		put_be32(nlh, NFTA_SET_ELEM_LIST_SET_ID, (uint32_t)set_id);
	struct nlattr *list = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
	for (int i = 0; i < n; i++) {
		struct nlattr *elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
		put_data(nlh, NFTA_SET_ELEM_KEY, (const uint8_t *)keys + (size_t)i * key_len, key_len);
		mnl_attr_nest_end(nlh, elem);
	}
	mnl_attr_nest_end(nlh, list);
	msg_end(bt);
}

static struct nlmsghdr *rule_start(struct batch *bt, const char *table, int family, const char *chain,
				   struct nlattr **exprs)
{
	struct nlmsghdr *nlh = nft_msg(bt, NFT_MSG_NEWRULE, family, NLM_F_CREATE | NLM_F_APPEND);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	*exprs = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	return nlh;
}

static void rule_end(struct batch *bt, struct nlmsghdr *nlh, struct nlattr *exprs, const struct nft_vip_table *t,
		     int code, const char *chain)
{
	if (t->counters)
		expr_counter(nlh);
	expr_verdict(nlh, code, chain);
	mnl_attr_nest_end(nlh, exprs);
	msg_end(bt);
}

/* ---- sending ---- */

/* build() fills the batch between BEGIN and END; the whole batch is sent. */
static int run_batch(void (*build)(struct batch *bt, const void *arg), const void *arg)
{
	/* the limit is half the buffer: a message may run past it before
	 * mnl_nlmsg_batch_next() says the batch is full */
	static char buf[2 * NFT_BUF_SIZE];
	struct batch bt = { 0 };
	int rc;

	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		mnl_socket_close(nl);
		return rc;
	}
	bt.b = mnl_nlmsg_batch_start(buf, NFT_BUF_SIZE);
	if (!bt.b) {
		mnl_socket_close(nl);
		return -ENOMEM;
	}
	bt.seq = (uint32_t)time(NULL);
	msg_start(&bt, NFNL_MSG_BATCH_BEGIN, AF_UNSPEC, 0);
	msg_end(&bt);
	/* Answers carry the sequence numbers from BEGIN (refused as a whole)
	 * to the last message, which asks for an ack like every one before. */
	struct nl_exchange x = {
		.fd = mnl_socket_get_fd(nl),
		.portid = mnl_socket_get_portid(nl),
		.first_seq = bt.seq,
		.flags = NL_RECV_QUEUED,
		/* the answers are read only once the batch is sent */
		.rx_buf = buf,
		.rx_size = sizeof(buf),
	};
	build(&bt, arg);
	x.last_seq = bt.seq;
	msg_start(&bt, NFNL_MSG_BATCH_END, AF_UNSPEC, 0);
	msg_end(&bt);
	x.req = mnl_nlmsg_batch_head(bt.b);
	x.req_len = mnl_nlmsg_batch_size(bt.b);
	rc = bt.overflow ? -ENOBUFS : nl_exchange_run(&x);
	mnl_nlmsg_batch_stop(bt.b);
	mnl_socket_close(nl);
	return rc;
}

/* ---- the VIP filter ---- */

struct install_arg {
	const struct nft_vip_table *t;
	int family;
};

/* "ip[6] daddr/saddr @vips drop" and, for IPv6, what goes before it. */
static void filter_chain(struct batch *bt, const struct nft_vip_table *t, int family, bool in)
{
	const char *chain = in ? "in" : "out";
	struct nlattr *exprs;
	struct nlmsghdr *nlh;

	if (family == AF_INET) {
		nlh = rule_start(bt, t->name, family, chain, &exprs);
		expr_payload(nlh, NFT_PAYLOAD_NETWORK_HEADER, in ? 16 : 12, 4, NFT_REG_1);
		expr_lookup(nlh, "vips", SET_VIPS, NFT_REG_1);
		rule_end(bt, nlh, exprs, t, NF_DROP, NULL);
		return;
	}
	static const uint8_t icmpv6 = IPPROTO_ICMPV6;
	static const uint8_t ll_mask[16] = { 0xff, 0xc0 }, ll_net[16] = { 0xfe, 0x80 };
	unsigned addr_off = in ? 24 : 8;
	const char *ll_chain = in ? "in_link_local" : "out_link_local";

	/* neighbour discovery passes: the VIP must stay resolvable */
	nlh = rule_start(bt, t->name, family, chain, &exprs);
	expr_meta(nlh, NFT_META_L4PROTO, NFT_REG_1);
	expr_cmp_eq(nlh, NFT_REG_1, &icmpv6, 1);
	expr_payload(nlh, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	expr_lookup(nlh, "neighbor-discovery", SET_ND, NFT_REG_1);
	rule_end(bt, nlh, exprs, t, NF_ACCEPT, NULL);

	nlh = rule_start(bt, t->name, family, chain, &exprs);
	expr_payload(nlh, NFT_PAYLOAD_NETWORK_HEADER, addr_off, 16, NFT_REG_1);
	expr_mask(nlh, NFT_REG_1, ll_mask, 16);
	expr_cmp_eq(nlh, NFT_REG_1, ll_net, 16);
	rule_end(bt, nlh, exprs, t, NFT_GOTO, ll_chain);

	nlh = rule_start(bt, t->name, family, chain, &exprs);
	expr_payload(nlh, NFT_PAYLOAD_NETWORK_HEADER, addr_off, 16, NFT_REG_1);
	expr_lookup(nlh, "vips", SET_VIPS, NFT_REG_1);
	rule_end(bt, nlh, exprs, t, NF_DROP, NULL);

	/* a link-local address is a VIP on its own interface only */
	nlh = rule_start(bt, t->name, family, ll_chain, &exprs);
	expr_payload(nlh, NFT_PAYLOAD_NETWORK_HEADER, addr_off, 16, NFT_REG_1);
	expr_meta(nlh, in ? NFT_META_IIF : NFT_META_OIF, NFT_REG_2);
	expr_lookup(nlh, "vips_link_local", SET_VIPS_LL, NFT_REG_1);
	rule_end(bt, nlh, exprs, t, NF_DROP, NULL);
}

static void build_install(struct batch *bt, const void *argp)
{
	const struct install_arg *a = argp;
	const struct nft_vip_table *t = a->t;
	int family = a->family;

	/* add, delete, add: an old table of that name goes, a missing one is no error */
	add_table(bt, t->name, family);
	del_table(bt, t->name, family);
	add_table(bt, t->name, family);
	if (family == AF_INET) {
		add_set(bt, t->name, family, "vips", SET_VIPS, 0, NFT_TYPE_IPV4_ADDR, 4, 0);
	} else {
		static const uint8_t nd_types[2] = { 135, 136 };   /* neighbour solicitation, advertisement */
		add_set(bt, t->name, family, "vips", SET_VIPS, 0, NFT_TYPE_IPV6_ADDR, 16, 0);
		add_set(bt, t->name, family, "neighbor-discovery", SET_ND, NFT_SET_CONSTANT, NFT_TYPE_ICMPV6_TYPE, 1, 2);
		set_elems(bt, NFT_MSG_NEWSETELEM, t->name, family, "neighbor-discovery", SET_ND, nd_types, 1, 2);
		add_set(bt, t->name, family, "vips_link_local", SET_VIPS_LL, 0,
			NFT_TYPE_IPV6_ADDR << NFT_TYPE_BITS | NFT_TYPE_IFACE_INDEX, 20, 0);
	}
	add_chain(bt, t, family, "out", NF_INET_LOCAL_OUT);
	add_chain(bt, t, family, "in", NF_INET_LOCAL_IN);
	if (family == AF_INET6) {
		add_chain(bt, t, family, "in_link_local", -1);
		add_chain(bt, t, family, "out_link_local", -1);
	}
	filter_chain(bt, t, family, false);
	filter_chain(bt, t, family, true);
}

int nft_vip_table_install(const struct nft_vip_table *t, int family)
{
	struct install_arg a = { t, family };
	return run_batch(build_install, &a);
}

struct table_arg {
	const char *name;
	int family;
};

static void build_delete(struct batch *bt, const void *argp)
{
	const struct table_arg *a = argp;
	add_table(bt, a->name, a->family);
	del_table(bt, a->name, a->family);
}

int nft_vip_table_delete(const char *name, int family)
{
	struct table_arg a = { name, family };
	return run_batch(build_delete, &a);
}

struct update_arg {
	const char *name;
	int family;
	uint8_t key[20];
	bool link_local, add;
};

static void build_update(struct batch *bt, const void *argp)
{
	const struct update_arg *a = argp;
	int msg = a->add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM;

	if (a->link_local)
		set_elems(bt, msg, a->name, a->family, "vips_link_local", 0, a->key, 20, 1);
	else
		set_elems(bt, msg, a->name, a->family, "vips", 0, a->key, a->family == AF_INET6 ? 16 : 4, 1);
}

int nft_vip_update(const char *name, int family, const void *addr, int ifindex, bool add)
{
	struct update_arg a = { .name = name, .family = family, .add = add };
	const uint8_t *ip = addr;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	memcpy(a.key, ip, family == AF_INET6 ? 16 : 4);
	a.link_local = family == AF_INET6 && ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80;
	if (a.link_local) {
		/* the interface index is in host byte order, as the meta expression loads it */
		uint32_t index = (uint32_t)ifindex;
		memcpy(a.key + 16, &index, sizeof(index));
	}
	int rc = run_batch(build_update, &a);
	if ((add && rc == -EEXIST) || (!add && rc == -ENOENT))
		rc = 0;
	return rc;
}
