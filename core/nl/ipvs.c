/*
 * ipvs.c - the IPVS client behind core/ipvs.h: requests over the kernel's
 * "IPVS" generic netlink family, replies decoded into the ipvs_* structs.
 *
 * Requests carry the same attributes ipvsadm sends for the same command, so
 * the kernel answers (and fails) exactly as it does for ipvsadm. Reply
 * decoding lives in the ipvs_parse_* functions (ipvs_parse.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>
#include "genl.h"
#include "ipvs.h"
#include "ipvs_parse.h"
#include "nl_attr.h"
#include "nl_exchange.h"

/* Upper bound of one request: header, service and destination attributes. */
#define REQUEST_MAX 512
/* Replies: the kernel fills dump datagrams up to 32 KiB, never beyond. */
#define RECV_BUFFER (64 * 1024)
/* First size of the buffer for exact-size reads; grown when a datagram needs it. */
#define RECV_EXACT_START 8192
/* Batched requests go out in chunks of at most this many bytes... */
#define BATCH_CHUNK (64 * 1024)
/* ...and no more requests than the receive queue can hold the acks of;
 * one queued ack costs the socket well under this many bytes. */
#define ACK_COST 2048
#define SOCKET_RCVBUF (4 * 1024 * 1024)
#define REPLY_TIMEOUT_SECONDS 30

struct pending_ack {
	uint32_t seq;
	long tag;
};

struct ipvs {
	struct mnl_socket *nl;
	unsigned portid;
	uint16_t family;
	uint32_t seq;
	bool broken;            /* an exchange was cut short: reopen before reuse */
	char *rx;               /* RECV_BUFFER bytes, for bulk reads */
	char *rx_exact;         /* rx_exact_size bytes, for exact-size reads */
	size_t rx_exact_size;
	char tx[REQUEST_MAX];

	bool batching;
	long tag;
	char *chunk;            /* BATCH_CHUNK + REQUEST_MAX bytes */
	size_t chunk_used;
	struct pending_ack *pending;
	size_t npending, acked;
	size_t max_in_flight;   /* what the socket's receive queue allows */
	size_t pending_cap;     /* entries allocated in pending */
	int batch_err;
	bool batch_keep_going;       /* refusals do not stop later requests */
	bool batch_uncertain;        /* an answer was lost or a send failed */
	ipvs_batch_fail_fn batch_fail_fn;
	void *batch_fail_arg;
	long batch_err_tag;
};

/* ---------------------------------------------------------------------- */
/* Attribute tables (nl_attr.h)                                            */

static const struct nl_attr_rule cmd_rules[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE] = { MNL_TYPE_NESTED, 0 },
	[IPVS_CMD_ATTR_DEST] = { MNL_TYPE_NESTED, 0 },
	[IPVS_CMD_ATTR_DAEMON] = { MNL_TYPE_NESTED, 0 },
	[IPVS_CMD_ATTR_TIMEOUT_TCP] = { MNL_TYPE_U32, 0 },
	[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN] = { MNL_TYPE_U32, 0 },
	[IPVS_CMD_ATTR_TIMEOUT_UDP] = { MNL_TYPE_U32, 0 },
};

static const struct nl_attr_rule svc_rules[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF] = { MNL_TYPE_U16, 0 },
	[IPVS_SVC_ATTR_PROTOCOL] = { MNL_TYPE_U16, 0 },
	[IPVS_SVC_ATTR_ADDR] = { MNL_TYPE_BINARY, 0 },   /* length checked against af */
	[IPVS_SVC_ATTR_PORT] = { MNL_TYPE_U16, 0 },
	[IPVS_SVC_ATTR_FWMARK] = { MNL_TYPE_U32, 0 },
	[IPVS_SVC_ATTR_SCHED_NAME] = { MNL_TYPE_NUL_STRING, 0 },
	[IPVS_SVC_ATTR_FLAGS] = { MNL_TYPE_BINARY, sizeof(struct ip_vs_flags) },
	[IPVS_SVC_ATTR_TIMEOUT] = { MNL_TYPE_U32, 0 },
	[IPVS_SVC_ATTR_NETMASK] = { MNL_TYPE_U32, 0 },
	[IPVS_SVC_ATTR_STATS] = { MNL_TYPE_NESTED, 0 },
	[IPVS_SVC_ATTR_PE_NAME] = { MNL_TYPE_NUL_STRING, 0 },
	[IPVS_SVC_ATTR_STATS64] = { MNL_TYPE_NESTED, 0 },
};

static const struct nl_attr_rule dest_rules[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR] = { MNL_TYPE_BINARY, 0 },
	[IPVS_DEST_ATTR_PORT] = { MNL_TYPE_U16, 0 },
	[IPVS_DEST_ATTR_FWD_METHOD] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_WEIGHT] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_U_THRESH] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_L_THRESH] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_ACTIVE_CONNS] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_INACT_CONNS] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_PERSIST_CONNS] = { MNL_TYPE_U32, 0 },
	[IPVS_DEST_ATTR_STATS] = { MNL_TYPE_NESTED, 0 },
	[IPVS_DEST_ATTR_ADDR_FAMILY] = { MNL_TYPE_U16, 0 },
	[IPVS_DEST_ATTR_STATS64] = { MNL_TYPE_NESTED, 0 },
	[IPVS_DEST_ATTR_TUN_TYPE] = { MNL_TYPE_U8, 0 },
	[IPVS_DEST_ATTR_TUN_PORT] = { MNL_TYPE_U16, 0 },
	[IPVS_DEST_ATTR_TUN_FLAGS] = { MNL_TYPE_U16, 0 },
};

static const struct nl_attr_rule daemon_rules[IPVS_DAEMON_ATTR_MAX + 1] = {
	[IPVS_DAEMON_ATTR_STATE] = { MNL_TYPE_U32, 0 },
	[IPVS_DAEMON_ATTR_MCAST_IFN] = { MNL_TYPE_NUL_STRING, 0 },
	[IPVS_DAEMON_ATTR_SYNC_ID] = { MNL_TYPE_U32, 0 },
	[IPVS_DAEMON_ATTR_SYNC_MAXLEN] = { MNL_TYPE_U16, 0 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP] = { MNL_TYPE_U32, 0 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP6] = { MNL_TYPE_BINARY, sizeof(struct in6_addr) },
	[IPVS_DAEMON_ATTR_MCAST_PORT] = { MNL_TYPE_U16, 0 },
	[IPVS_DAEMON_ATTR_MCAST_TTL] = { MNL_TYPE_U8, 0 },
};

static const struct nl_attr_rule info_rules[IPVS_INFO_ATTR_MAX + 1] = {
	[IPVS_INFO_ATTR_VERSION] = { MNL_TYPE_U32, 0 },
	[IPVS_INFO_ATTR_CONN_TAB_SIZE] = { MNL_TYPE_U32, 0 },
};

/* The 32-bit STATS nest carries byte counters as u64 and the rest as u32. */
static const struct nl_attr_rule stats32_rules[IPVS_STATS_ATTR_MAX + 1] = {
	[IPVS_STATS_ATTR_CONNS] = { MNL_TYPE_U32, 0 },
	[IPVS_STATS_ATTR_INPKTS] = { MNL_TYPE_U32, 0 },
	[IPVS_STATS_ATTR_OUTPKTS] = { MNL_TYPE_U32, 0 },
	[IPVS_STATS_ATTR_INBYTES] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_OUTBYTES] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_CPS] = { MNL_TYPE_U32, 0 },
	[IPVS_STATS_ATTR_INPPS] = { MNL_TYPE_U32, 0 },
	[IPVS_STATS_ATTR_OUTPPS] = { MNL_TYPE_U32, 0 },
	[IPVS_STATS_ATTR_INBPS] = { MNL_TYPE_U32, 0 },
	[IPVS_STATS_ATTR_OUTBPS] = { MNL_TYPE_U32, 0 },
};

static const struct nl_attr_rule stats64_rules[IPVS_STATS_ATTR_MAX + 1] = {
	[IPVS_STATS_ATTR_CONNS] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_INPKTS] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_OUTPKTS] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_INBYTES] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_OUTBYTES] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_CPS] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_INPPS] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_OUTPPS] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_INBPS] = { MNL_TYPE_U64, 0 },
	[IPVS_STATS_ATTR_OUTBPS] = { MNL_TYPE_U64, 0 },
};

/* ---------------------------------------------------------------------- */
/* Reply decoding                                                          */

/* The generic netlink header must be there and name the expected reply. */
static bool genl_cmd_is(const struct nlmsghdr *nlh, uint8_t cmd)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	return nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + GENL_HDRLEN && genl->cmd == cmd;
}

static uint64_t stat_value(const struct nlattr *attr)
{
	if (mnl_attr_get_payload_len(attr) == sizeof(uint64_t))
		return mnl_attr_get_u64(attr);
	return mnl_attr_get_u32(attr);
}

static int parse_stats(const struct nlattr *nest, bool wide, struct ipvs_stats *st)
{
	const struct nlattr *tb[IPVS_STATS_ATTR_MAX + 1];
	uint64_t *field[] = {
		[IPVS_STATS_ATTR_CONNS] = &st->conns,
		[IPVS_STATS_ATTR_INPKTS] = &st->inpkts,
		[IPVS_STATS_ATTR_OUTPKTS] = &st->outpkts,
		[IPVS_STATS_ATTR_INBYTES] = &st->inbytes,
		[IPVS_STATS_ATTR_OUTBYTES] = &st->outbytes,
		[IPVS_STATS_ATTR_CPS] = &st->cps,
		[IPVS_STATS_ATTR_INPPS] = &st->inpps,
		[IPVS_STATS_ATTR_OUTPPS] = &st->outpps,
		[IPVS_STATS_ATTR_INBPS] = &st->inbps,
		[IPVS_STATS_ATTR_OUTBPS] = &st->outbps,
	};
	int type;

	if (nl_attr_parse_nested(nest, wide ? stats64_rules : stats32_rules, IPVS_STATS_ATTR_MAX, tb) < 0)
		return -EBADMSG;
	for (type = IPVS_STATS_ATTR_CONNS; type <= IPVS_STATS_ATTR_OUTBPS; type++) {
		if (!tb[type])
			return -EBADMSG;
		*field[type] = stat_value(tb[type]);
	}
	return 0;
}

static int parse_any_stats(const struct nlattr *stats64, const struct nlattr *stats32,
			   struct ipvs_stats *st)
{
	if (stats64)
		return parse_stats(stats64, true, st);
	if (stats32)
		return parse_stats(stats32, false, st);
	return 0;   /* kernels always send one; without either the counters read 0 */
}

static size_t addr_len(uint16_t af)
{
	return af == AF_INET ? sizeof(struct in_addr) : af == AF_INET6 ? sizeof(struct in6_addr) : 0;
}

/* Copies an address attribute that must hold at least af's address size. */
static int copy_addr(const struct nlattr *attr, uint16_t af, union ipvs_addr *out)
{
	size_t need = addr_len(af), have = mnl_attr_get_payload_len(attr);

	if (!need || have < need)
		return -EBADMSG;
	memset(out, 0, sizeof(*out));
	memcpy(out, mnl_attr_get_payload(attr), have < sizeof(*out) ? have : sizeof(*out));
	return 0;
}

static void copy_name(char *dst, size_t size, const struct nlattr *attr)
{
	size_t len = strnlen(mnl_attr_get_str(attr), mnl_attr_get_payload_len(attr));

	if (len >= size)
		len = size - 1;
	memcpy(dst, mnl_attr_get_str(attr), len);
	dst[len] = '\0';
}

/* Finds the one nest a reply is about (service, dest, daemon). */
static const struct nlattr *reply_nest(const struct nlmsghdr *nlh, uint8_t cmd, int which)
{
	const struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];

	if (!genl_cmd_is(nlh, cmd) || nl_attr_parse(nlh, GENL_HDRLEN, cmd_rules, IPVS_CMD_ATTR_MAX, tb) < 0)
		return NULL;
	return tb[which];
}

int ipvs_parse_service_msg(const struct nlmsghdr *nlh, struct ipvs_service *svc)
{
	const struct nlattr *nest = reply_nest(nlh, IPVS_CMD_NEW_SERVICE, IPVS_CMD_ATTR_SERVICE);
	const struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];
	struct ip_vs_flags flags;

	memset(svc, 0, sizeof(*svc));
	if (!nest || nl_attr_parse_nested(nest, svc_rules, IPVS_SVC_ATTR_MAX, tb) < 0)
		return -EBADMSG;
	if (!tb[IPVS_SVC_ATTR_AF] || !tb[IPVS_SVC_ATTR_SCHED_NAME] || !tb[IPVS_SVC_ATTR_FLAGS] ||
	    !tb[IPVS_SVC_ATTR_TIMEOUT] || !tb[IPVS_SVC_ATTR_NETMASK])
		return -EBADMSG;
	svc->af = mnl_attr_get_u16(tb[IPVS_SVC_ATTR_AF]);
	if (!addr_len(svc->af))
		return -EBADMSG;
	if (tb[IPVS_SVC_ATTR_FWMARK]) {
		svc->fwmark = mnl_attr_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
	} else {
		if (!tb[IPVS_SVC_ATTR_PROTOCOL] || !tb[IPVS_SVC_ATTR_ADDR] || !tb[IPVS_SVC_ATTR_PORT])
			return -EBADMSG;
		svc->protocol = mnl_attr_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
		if (copy_addr(tb[IPVS_SVC_ATTR_ADDR], svc->af, &svc->addr) < 0)
			return -EBADMSG;
		svc->port = ntohs(mnl_attr_get_u16(tb[IPVS_SVC_ATTR_PORT]));
	}
	copy_name(svc->sched_name, sizeof(svc->sched_name), tb[IPVS_SVC_ATTR_SCHED_NAME]);
	if (tb[IPVS_SVC_ATTR_PE_NAME])
		copy_name(svc->pe_name, sizeof(svc->pe_name), tb[IPVS_SVC_ATTR_PE_NAME]);
	memcpy(&flags, mnl_attr_get_payload(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(flags));
	svc->flags = flags.flags & flags.mask;
	svc->timeout = mnl_attr_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	svc->netmask = mnl_attr_get_u32(tb[IPVS_SVC_ATTR_NETMASK]);
	return parse_any_stats(tb[IPVS_SVC_ATTR_STATS64], tb[IPVS_SVC_ATTR_STATS], &svc->stats);
}

int ipvs_parse_dest_msg(const struct nlmsghdr *nlh, uint16_t svc_af, struct ipvs_dest *d)
{
	const struct nlattr *nest = reply_nest(nlh, IPVS_CMD_NEW_DEST, IPVS_CMD_ATTR_DEST);
	const struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];
	static const int required[] = {
		IPVS_DEST_ATTR_ADDR, IPVS_DEST_ATTR_PORT, IPVS_DEST_ATTR_FWD_METHOD,
		IPVS_DEST_ATTR_WEIGHT, IPVS_DEST_ATTR_U_THRESH, IPVS_DEST_ATTR_L_THRESH,
		IPVS_DEST_ATTR_ACTIVE_CONNS, IPVS_DEST_ATTR_INACT_CONNS, IPVS_DEST_ATTR_PERSIST_CONNS,
	};
	size_t i;

	memset(d, 0, sizeof(*d));
	if (!nest || nl_attr_parse_nested(nest, dest_rules, IPVS_DEST_ATTR_MAX, tb) < 0)
		return -EBADMSG;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!tb[required[i]])
			return -EBADMSG;
	/* Kernels before mixed-family destinations leave the family out. */
	d->af = tb[IPVS_DEST_ATTR_ADDR_FAMILY] ? mnl_attr_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]) : svc_af;
	if (copy_addr(tb[IPVS_DEST_ATTR_ADDR], d->af, &d->addr) < 0)
		return -EBADMSG;
	d->port = ntohs(mnl_attr_get_u16(tb[IPVS_DEST_ATTR_PORT]));
	d->conn_flags = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]);
	d->weight = (int32_t)mnl_attr_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]);
	d->u_threshold = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_U_THRESH]);
	d->l_threshold = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_L_THRESH]);
	d->activeconns = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_ACTIVE_CONNS]);
	d->inactconns = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_INACT_CONNS]);
	d->persistconns = mnl_attr_get_u32(tb[IPVS_DEST_ATTR_PERSIST_CONNS]);
	if (tb[IPVS_DEST_ATTR_TUN_TYPE])
		d->tun_type = mnl_attr_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]);
	if (tb[IPVS_DEST_ATTR_TUN_PORT])
		d->tun_port = ntohs(mnl_attr_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT]));
	if (tb[IPVS_DEST_ATTR_TUN_FLAGS])
		d->tun_flags = mnl_attr_get_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS]);
	return parse_any_stats(tb[IPVS_DEST_ATTR_STATS64], tb[IPVS_DEST_ATTR_STATS], &d->stats);
}

int ipvs_parse_daemon_msg(const struct nlmsghdr *nlh, struct ipvs_daemon *d)
{
	const struct nlattr *nest = reply_nest(nlh, IPVS_CMD_NEW_DAEMON, IPVS_CMD_ATTR_DAEMON);
	const struct nlattr *tb[IPVS_DAEMON_ATTR_MAX + 1];

	memset(d, 0, sizeof(*d));
	if (!nest || nl_attr_parse_nested(nest, daemon_rules, IPVS_DAEMON_ATTR_MAX, tb) < 0)
		return -EBADMSG;
	if (!tb[IPVS_DAEMON_ATTR_STATE] || !tb[IPVS_DAEMON_ATTR_MCAST_IFN] || !tb[IPVS_DAEMON_ATTR_SYNC_ID])
		return -EBADMSG;
	d->state = mnl_attr_get_u32(tb[IPVS_DAEMON_ATTR_STATE]);
	copy_name(d->mcast_ifn, sizeof(d->mcast_ifn), tb[IPVS_DAEMON_ATTR_MCAST_IFN]);
	d->syncid = mnl_attr_get_u32(tb[IPVS_DAEMON_ATTR_SYNC_ID]);
	if (tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN])
		d->sync_maxlen = mnl_attr_get_u16(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_PORT])
		d->mcast_port = mnl_attr_get_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_TTL])
		d->mcast_ttl = mnl_attr_get_u8(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP]) {
		d->mcast_af = AF_INET;
		memcpy(&d->mcast_group.v4, mnl_attr_get_payload(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]), 4);
	} else if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]) {
		d->mcast_af = AF_INET6;
		memcpy(&d->mcast_group.v6, mnl_attr_get_payload(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]), 16);
	}
	return 0;
}

int ipvs_parse_info_msg(const struct nlmsghdr *nlh, struct ipvs_info *info)
{
	const struct nlattr *tb[IPVS_INFO_ATTR_MAX + 1];

	memset(info, 0, sizeof(*info));
	if (!genl_cmd_is(nlh, IPVS_CMD_SET_INFO) ||
	    nl_attr_parse(nlh, GENL_HDRLEN, info_rules, IPVS_INFO_ATTR_MAX, tb) < 0 ||
	    !tb[IPVS_INFO_ATTR_VERSION] || !tb[IPVS_INFO_ATTR_CONN_TAB_SIZE])
		return -EBADMSG;
	info->version = mnl_attr_get_u32(tb[IPVS_INFO_ATTR_VERSION]);
	info->conn_tab_size = mnl_attr_get_u32(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE]);
	return 0;
}

/* A kernel built without a protocol leaves its timeout out; that one reads 0. */
int ipvs_parse_timeouts_msg(const struct nlmsghdr *nlh, struct ipvs_timeouts *t)
{
	const struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (!genl_cmd_is(nlh, IPVS_CMD_SET_CONFIG) || nl_attr_parse(nlh, GENL_HDRLEN, cmd_rules, IPVS_CMD_ATTR_MAX, tb) < 0)
		return -EBADMSG;
	if (tb[IPVS_CMD_ATTR_TIMEOUT_TCP])
		t->tcp = mnl_attr_get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_TCP]);
	if (tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN])
		t->tcp_fin = mnl_attr_get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]);
	if (tb[IPVS_CMD_ATTR_TIMEOUT_UDP])
		t->udp = mnl_attr_get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_UDP]);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The socket                                                              */

/* Opens and binds one netlink socket with the options every exchange needs;
 * *rcvbuf receives the receive queue size the kernel granted. */
static int open_link(struct mnl_socket **out, unsigned *portid, int *rcvbuf)
{
	int size = SOCKET_RCVBUF, one = 1;
	struct timeval timeout = { .tv_sec = REPLY_TIMEOUT_SECONDS };
	socklen_t len = sizeof(size);
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	int fd;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl);
		return err;
	}
	*portid = mnl_socket_get_portid(nl);
	fd = mnl_socket_get_fd(nl);
	/* Big dumps and bulk acks need a deep queue; root may exceed rmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	size = 256 * 1024;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	/* A kernel that never answers must not hang the daemon forever. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	/* Error acks then carry only the request's header, not all of it. */
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));

	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len) < 0)
		size = 0;
	*rcvbuf = size;
	*out = nl;
	return 0;
}

static int open_socket(struct ipvs *h)
{
	int rcvbuf, rc = open_link(&h->nl, &h->portid, &rcvbuf);

	if (rc) {
		h->nl = NULL;
		return rc;
	}
	h->max_in_flight = (size_t)rcvbuf / ACK_COST;
	if (h->max_in_flight < 16)
		h->max_in_flight = 16;
	h->broken = false;
	return 0;
}

static int ensure_socket(struct ipvs *h)
{
	if (!h->broken)
		return 0;
	/* Leftover replies of an abandoned exchange would fail every later one. */
	mnl_socket_close(h->nl);
	h->nl = NULL;
	return open_socket(h);
}

static int resolve_family(struct ipvs *h)
{
	struct mnl_socket *nl;
	unsigned portid;
	int rcvbuf, rc = open_link(&nl, &portid, &rcvbuf);

	if (rc)
		return rc;
	rc = genl_resolve_family(nl, IPVS_GENL_NAME, &h->family);
	mnl_socket_close(nl);
	return rc;
}

int ipvs_open(struct ipvs **out)
{
	struct ipvs *h = calloc(1, sizeof(*h));
	int rc;

	*out = NULL;
	if (!h)
		return -ENOMEM;
	h->rx = malloc(RECV_BUFFER);
	h->rx_exact = malloc(RECV_EXACT_START);
	if (!h->rx || !h->rx_exact) {
		free(h->rx);
		free(h->rx_exact);
		free(h);
		return -ENOMEM;
	}
	h->rx_exact_size = RECV_EXACT_START;
	/* The lookup reads with a large buffer, which would make the kernel
	 * size every later dump datagram of its socket up (see struct link):
	 * it gets a socket of its own. */
	rc = resolve_family(h);
	if (!rc)
		rc = open_socket(h);
	if (rc) {
		ipvs_close(h);
		return rc;
	}
	h->seq = (uint32_t)time(NULL);
	*out = h;
	return 0;
}

void ipvs_close(struct ipvs *h)
{
	if (!h)
		return;
	if (h->nl)
		mnl_socket_close(h->nl);
	free(h->chunk);
	free(h->pending);
	free(h->rx);
	free(h->rx_exact);
	free(h);
}

/* Sequence 0 is what no request carries (libmnl reads it as "unchecked"). */
static uint32_t next_seq(struct ipvs *h)
{
	if (++h->seq == 0)
		h->seq = 1;
	return h->seq;
}

/* ---------------------------------------------------------------------- */
/* Exchanges                                                               */

static int flush_chunk(struct ipvs *h);

/* The socket an exchange runs on: the handle's own, or a short-lived one for
 * a dump of the whole table (see dump_in_bulk).
 *
 * The handle's own socket is read with exact-size reads (NL_RECV_EXACT).
 * The kernel sizes every dump datagram it builds for a socket by the largest
 * buffer a read on it ever offered (up to 32 KiB), and clears each one:
 * after a single 64 KiB read, dumping the dests of one service costs two
 * cleared 32 KiB buffers instead of two of one page, which makes a listing
 * of many services markedly slower. Peeking at the length first keeps the
 * socket at one page. */
struct link {
	struct mnl_socket *nl;
	unsigned portid;
	bool bulk;
};

/* Sets up an exchange on l with the receive buffer that fits its reads. */
static void exchange_init(struct ipvs *h, const struct link *l, struct nl_exchange *x)
{
	memset(x, 0, sizeof(*x));
	x->fd = mnl_socket_get_fd(l->nl);
	x->portid = l->portid;
	if (l->bulk) {
		x->rx_buf = h->rx;
		x->rx_size = RECV_BUFFER;
	} else {
		x->flags = NL_RECV_EXACT;
		x->rx_buf = h->rx_exact;
		x->rx_size = h->rx_exact_size;
	}
}

/* Keeps what the exchange made of the handle's buffer (it may have grown),
 * and takes a broken stream as a reason to reopen before the next request. */
static void exchange_done(struct ipvs *h, const struct link *l, const struct nl_exchange *x)
{
	if (!l->bulk) {
		h->rx_exact = x->rx_buf;
		h->rx_exact_size = x->rx_size;
	}
	if (x->stream_err)
		h->broken = true;
}

struct reply_filter {
	uint16_t family;
	int (*on_msg)(const struct nlmsghdr *nlh, void *arg);
	void *arg;
};

static int on_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct reply_filter *f = data;

	return nlh->nlmsg_type == f->family ? f->on_msg(nlh, f->arg) : -EBADMSG;
}

/* Sends one request and reads until its acknowledgement, NLMSG_DONE or an
 * error, passing each reply message to on_msg. */
static int exchange_on(struct ipvs *h, const struct link *l, struct nlmsghdr *req,
		       int (*on_msg)(const struct nlmsghdr *, void *), void *arg)
{
	struct reply_filter f = { h->family, on_msg, arg };
	struct nl_exchange x;
	int rc;

	exchange_init(h, l, &x);
	x.req = req;
	x.req_len = req->nlmsg_len;
	x.on_data = on_msg ? on_reply : NULL;
	x.arg = &f;
	rc = nl_exchange_run(&x);
	exchange_done(h, l, &x);
	return rc;
}

static int exchange(struct ipvs *h, struct nlmsghdr *req,
		    int (*on_msg)(const struct nlmsghdr *, void *), void *arg)
{
	struct link own = { h->nl, h->portid, false };

	return exchange_on(h, &own, req, on_msg, arg);
}

/* Starts a request that changes the table: built in the batch chunk while
 * batching (sending the chunk first when it is full), else in h->tx. */
static struct nlmsghdr *start_command(struct ipvs *h, uint8_t cmd)
{
	void *buf = h->tx;

	if (h->batching) {
		if (h->chunk_used + REQUEST_MAX > BATCH_CHUNK ||
		    h->npending >= h->pending_cap || h->npending >= h->max_in_flight)
			flush_chunk(h);
		buf = h->chunk + h->chunk_used;
	}
	return genl_put_request(buf, h->family, NLM_F_ACK, next_seq(h), cmd, IPVS_GENL_VERSION);
}

/* Starts a query (get or dump): never queued. */
static struct nlmsghdr *start_query(struct ipvs *h, uint8_t cmd, uint16_t flags)
{
	return genl_put_request(h->tx, h->family, flags, next_seq(h), cmd, IPVS_GENL_VERSION);
}

/* Commands that change the table: queued while batching, else sent now. */
static int run_command(struct ipvs *h, struct nlmsghdr *req)
{
	int rc;

	if (!h->batching) {
		rc = ensure_socket(h);
		return rc ? rc : exchange(h, req, NULL, NULL);
	}
	/* After a failure nothing more is sent, unless asked; the rest is dropped. */
	if (h->batch_err && !h->batch_keep_going)
		return 0;
	h->pending[h->npending].seq = req->nlmsg_seq;
	h->pending[h->npending].tag = h->tag;
	h->npending++;
	h->chunk_used += MNL_ALIGN(req->nlmsg_len);
	return 0;
}

/* Queries: any queued commands go first, so the answer reflects them. */
static int run_query(struct ipvs *h, struct nlmsghdr *req,
		     int (*on_msg)(const struct nlmsghdr *, void *), void *arg)
{
	int rc;

	if (h->batching && h->npending)
		flush_chunk(h);
	rc = ensure_socket(h);
	return rc ? rc : exchange(h, req, on_msg, arg);
}

/* ---------------------------------------------------------------------- */
/* Request building                                                        */

static void put_name(struct nlmsghdr *nlh, uint16_t type, const char *name, size_t size)
{
	char copy[64];
	size_t len = strnlen(name, size < sizeof(copy) ? size : sizeof(copy));

	if (len >= sizeof(copy))
		len = sizeof(copy) - 1;
	memcpy(copy, name, len);
	copy[len] = '\0';
	mnl_attr_put_strz(nlh, type, copy);
}

/* identity_only: just what names the service (for dumping its dests);
 * otherwise the full description, as ipvsadm sends for every other command. */
static void put_service(struct nlmsghdr *nlh, const struct ipvs_service *svc, bool identity_only)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);

	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_AF, svc->af);
	if (svc->fwmark) {
		mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_FWMARK, svc->fwmark);
	} else {
		mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PROTOCOL, svc->protocol);
		mnl_attr_put(nlh, IPVS_SVC_ATTR_ADDR, sizeof(svc->addr), &svc->addr);
		mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PORT, htons(svc->port));
	}
	if (!identity_only) {
		/* The mask covers every bit: the flags given replace the old ones. */
		struct ip_vs_flags flags = { .flags = svc->flags, .mask = ~0U };

		put_name(nlh, IPVS_SVC_ATTR_SCHED_NAME, svc->sched_name, sizeof(svc->sched_name));
		if (svc->pe_name[0])
			put_name(nlh, IPVS_SVC_ATTR_PE_NAME, svc->pe_name, sizeof(svc->pe_name));
		mnl_attr_put(nlh, IPVS_SVC_ATTR_FLAGS, sizeof(flags), &flags);
		mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_TIMEOUT, svc->timeout);
		mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_NETMASK, svc->netmask);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void put_dest(struct nlmsghdr *nlh, const struct ipvs_service *svc, const struct ipvs_dest *d)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_DEST);

	mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_ADDR_FAMILY, d->af ? d->af : svc->af);
	mnl_attr_put(nlh, IPVS_DEST_ATTR_ADDR, sizeof(d->addr), &d->addr);
	mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_PORT, htons(d->port));
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_FWD_METHOD, d->conn_flags & IP_VS_CONN_F_FWD_MASK);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_WEIGHT, (uint32_t)d->weight);
	mnl_attr_put_u8(nlh, IPVS_DEST_ATTR_TUN_TYPE, d->tun_type);
	mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_TUN_PORT, htons(d->tun_port));
	mnl_attr_put_u16(nlh, IPVS_DEST_ATTR_TUN_FLAGS, d->tun_flags);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_U_THRESH, d->u_threshold);
	mnl_attr_put_u32(nlh, IPVS_DEST_ATTR_L_THRESH, d->l_threshold);
	mnl_attr_nest_end(nlh, nest);
}

/* ---------------------------------------------------------------------- */
/* Services and destinations                                               */

static int service_command(struct ipvs *h, uint8_t cmd, const struct ipvs_service *svc)
{
	struct nlmsghdr *req = start_command(h, cmd);

	put_service(req, svc, false);
	return run_command(h, req);
}

int ipvs_add_service(struct ipvs *h, const struct ipvs_service *svc)
{
	return service_command(h, IPVS_CMD_NEW_SERVICE, svc);
}

int ipvs_edit_service(struct ipvs *h, const struct ipvs_service *svc)
{
	return service_command(h, IPVS_CMD_SET_SERVICE, svc);
}

int ipvs_del_service(struct ipvs *h, const struct ipvs_service *svc)
{
	return service_command(h, IPVS_CMD_DEL_SERVICE, svc);
}

int ipvs_flush(struct ipvs *h)
{
	return run_command(h, start_command(h, IPVS_CMD_FLUSH));
}

int ipvs_zero(struct ipvs *h, const struct ipvs_service *svc)
{
	struct nlmsghdr *req = start_command(h, IPVS_CMD_ZERO);

	if (svc)
		put_service(req, svc, false);
	return run_command(h, req);
}

static int dest_command(struct ipvs *h, uint8_t cmd, const struct ipvs_service *svc,
			const struct ipvs_dest *d)
{
	struct nlmsghdr *req = start_command(h, cmd);

	put_service(req, svc, false);
	put_dest(req, svc, d);
	return run_command(h, req);
}

int ipvs_add_dest(struct ipvs *h, const struct ipvs_service *svc, const struct ipvs_dest *d)
{
	return dest_command(h, IPVS_CMD_NEW_DEST, svc, d);
}

int ipvs_edit_dest(struct ipvs *h, const struct ipvs_service *svc, const struct ipvs_dest *d)
{
	return dest_command(h, IPVS_CMD_SET_DEST, svc, d);
}

int ipvs_del_dest(struct ipvs *h, const struct ipvs_service *svc, const struct ipvs_dest *d)
{
	return dest_command(h, IPVS_CMD_DEL_DEST, svc, d);
}

static int on_one_service(const struct nlmsghdr *nlh, void *arg)
{
	return ipvs_parse_service_msg(nlh, arg);
}

int ipvs_get_service(struct ipvs *h, struct ipvs_service *svc)
{
	struct ipvs_service found;
	struct nlmsghdr *req = start_query(h, IPVS_CMD_GET_SERVICE, NLM_F_ACK);
	int rc;

	put_service(req, svc, false);
	memset(&found, 0, sizeof(found));
	rc = run_query(h, req, on_one_service, &found);
	if (rc)
		return rc;
	if (!found.af)
		return -EBADMSG;   /* acknowledged without an answer */
	*svc = found;
	return 0;
}

/*
 * Dumps are read to the end before the caller's callback sees the first
 * entry: a callback may then call back into this handle (list each service's
 * dests, delete what it sees) without two exchanges interleaving on one socket.
 */
struct collection {
	char *items;
	size_t n, cap, item_size;
};

static int collection_add(struct collection *c, const void *item)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		char *grown = realloc(c->items, cap * c->item_size);

		if (!grown)
			return -ENOMEM;
		c->items = grown;
		c->cap = cap;
	}
	memcpy(c->items + c->n++ * c->item_size, item, c->item_size);
	return 0;
}

static int on_dumped_service(const struct nlmsghdr *nlh, void *arg)
{
	struct ipvs_service svc;
	int rc = ipvs_parse_service_msg(nlh, &svc);

	return rc ? rc : collection_add(arg, &svc);
}

/*
 * The whole table comes in one dump, read on a socket of its own with big
 * reads: for every datagram the kernel walks the service table again from
 * its first entry, so the cost of dumping n services grows as n * n divided
 * by the services per datagram, eight times more with one-page datagrams
 * than with 32 KiB ones. The handle's own socket stays at one page for the
 * many small dumps (see struct link).
 */
static int dump_in_bulk(struct ipvs *h, struct nlmsghdr *req,
			int (*on_msg)(const struct nlmsghdr *, void *), void *arg)
{
	struct link bulk = { .bulk = true };
	bool was_broken;
	int rcvbuf, rc;

	if (h->batching && h->npending)
		flush_chunk(h);
	was_broken = h->broken;
	rc = open_link(&bulk.nl, &bulk.portid, &rcvbuf);
	if (rc)
		return rc;
	rc = exchange_on(h, &bulk, req, on_msg, arg);
	/* Whatever went wrong stays with the socket closed here. */
	h->broken = was_broken;
	mnl_socket_close(bulk.nl);
	return rc;
}

int ipvs_dump_services(struct ipvs *h, ipvs_service_fn fn, void *arg)
{
	struct collection all = { .item_size = sizeof(struct ipvs_service) };
	int rc = dump_in_bulk(h, start_query(h, IPVS_CMD_GET_SERVICE, NLM_F_DUMP), on_dumped_service, &all);
	size_t i;

	for (i = 0; !rc && i < all.n; i++)
		rc = fn((const struct ipvs_service *)(all.items + i * all.item_size), arg);
	free(all.items);
	return rc;
}

struct dest_collection {
	struct collection all;
	uint16_t svc_af;
};

static int on_dumped_dest(const struct nlmsghdr *nlh, void *arg)
{
	struct dest_collection *dc = arg;
	struct ipvs_dest d;
	int rc = ipvs_parse_dest_msg(nlh, dc->svc_af, &d);

	return rc ? rc : collection_add(&dc->all, &d);
}

int ipvs_dump_dests(struct ipvs *h, const struct ipvs_service *svc, ipvs_dest_fn fn, void *arg)
{
	struct dest_collection dc = { { .item_size = sizeof(struct ipvs_dest) }, svc->af };
	struct nlmsghdr *req = start_query(h, IPVS_CMD_GET_DEST, NLM_F_DUMP);
	size_t i;
	int rc;

	put_service(req, svc, true);
	rc = run_query(h, req, on_dumped_dest, &dc);
	for (i = 0; !rc && i < dc.all.n; i++)
		rc = fn((const struct ipvs_dest *)(dc.all.items + i * dc.all.item_size), arg);
	free(dc.all.items);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Info, timeouts, sync daemons                                            */

static int on_info(const struct nlmsghdr *nlh, void *arg)
{
	return ipvs_parse_info_msg(nlh, arg);
}

int ipvs_get_info(struct ipvs *h, struct ipvs_info *info)
{
	struct ipvs_info got = { 0 };
	int rc = run_query(h, start_query(h, IPVS_CMD_GET_INFO, NLM_F_ACK), on_info, &got);

	if (rc)
		return rc;
	if (!got.version)
		return -EBADMSG;
	*info = got;
	return 0;
}

struct timeouts_answer {
	struct ipvs_timeouts t;
	bool seen;
};

static int on_timeouts(const struct nlmsghdr *nlh, void *arg)
{
	struct timeouts_answer *a = arg;

	a->seen = true;
	return ipvs_parse_timeouts_msg(nlh, &a->t);
}

int ipvs_get_timeouts(struct ipvs *h, struct ipvs_timeouts *t)
{
	struct timeouts_answer a = { .seen = false };
	int rc = run_query(h, start_query(h, IPVS_CMD_GET_CONFIG, NLM_F_ACK), on_timeouts, &a);

	if (rc)
		return rc;
	if (!a.seen)
		return -EBADMSG;
	*t = a.t;
	return 0;
}

int ipvs_set_timeouts(struct ipvs *h, const struct ipvs_timeouts *t)
{
	struct nlmsghdr *req = start_command(h, IPVS_CMD_SET_CONFIG);

	mnl_attr_put_u32(req, IPVS_CMD_ATTR_TIMEOUT_TCP, t->tcp);
	mnl_attr_put_u32(req, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t->tcp_fin);
	mnl_attr_put_u32(req, IPVS_CMD_ATTR_TIMEOUT_UDP, t->udp);
	return run_command(h, req);
}

static void put_daemon_identity(struct nlmsghdr *nlh, const struct ipvs_daemon *d)
{
	mnl_attr_put_u32(nlh, IPVS_DAEMON_ATTR_STATE, d->state);
	put_name(nlh, IPVS_DAEMON_ATTR_MCAST_IFN, d->mcast_ifn, sizeof(d->mcast_ifn));
	mnl_attr_put_u32(nlh, IPVS_DAEMON_ATTR_SYNC_ID, d->syncid);
}

int ipvs_start_daemon(struct ipvs *h, const struct ipvs_daemon *d)
{
	struct nlmsghdr *req = start_command(h, IPVS_CMD_NEW_DAEMON);
	struct nlattr *nest = mnl_attr_nest_start(req, IPVS_CMD_ATTR_DAEMON);

	put_daemon_identity(req, d);
	/* Zero means "kernel default": leaving the attribute out says so. */
	if (d->sync_maxlen)
		mnl_attr_put_u16(req, IPVS_DAEMON_ATTR_SYNC_MAXLEN, d->sync_maxlen);
	if (d->mcast_port)
		mnl_attr_put_u16(req, IPVS_DAEMON_ATTR_MCAST_PORT, d->mcast_port);
	if (d->mcast_ttl)
		mnl_attr_put_u8(req, IPVS_DAEMON_ATTR_MCAST_TTL, d->mcast_ttl);
	if (d->mcast_af == AF_INET6)
		mnl_attr_put(req, IPVS_DAEMON_ATTR_MCAST_GROUP6, sizeof(d->mcast_group.v6), &d->mcast_group.v6);
	else if (d->mcast_af == AF_INET)
		mnl_attr_put(req, IPVS_DAEMON_ATTR_MCAST_GROUP, sizeof(d->mcast_group.v4), &d->mcast_group.v4);
	mnl_attr_nest_end(req, nest);
	return run_command(h, req);
}

int ipvs_stop_daemon(struct ipvs *h, const struct ipvs_daemon *d)
{
	struct nlmsghdr *req = start_command(h, IPVS_CMD_DEL_DAEMON);
	struct nlattr *nest = mnl_attr_nest_start(req, IPVS_CMD_ATTR_DAEMON);

	put_daemon_identity(req, d);
	mnl_attr_nest_end(req, nest);
	return run_command(h, req);
}

struct daemon_list {
	struct ipvs_daemon *out;
	int n;
};

static int on_daemon(const struct nlmsghdr *nlh, void *arg)
{
	struct daemon_list *list = arg;
	struct ipvs_daemon d;
	int rc = ipvs_parse_daemon_msg(nlh, &d);

	if (rc)
		return rc;
	if (list->n < 2)   /* a master and a backup at most */
		list->out[list->n++] = d;
	return 0;
}

int ipvs_get_daemons(struct ipvs *h, struct ipvs_daemon out[2], int *n)
{
	struct daemon_list list = { out, 0 };
	int rc;

	memset(out, 0, 2 * sizeof(*out));
	rc = run_query(h, start_query(h, IPVS_CMD_GET_DAEMON, NLM_F_DUMP), on_daemon, &list);
	*n = rc ? 0 : list.n;
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Batching                                                                */

static void note_batch_failure(struct ipvs *h, int err, size_t index)
{
	long tag = index < h->npending ? h->pending[index].tag : h->tag;

	if (h->batch_fail_fn)
		h->batch_fail_fn(tag, err, h->batch_fail_arg);
	if (h->batch_err)
		return;
	h->batch_err = err;
	h->batch_err_tag = tag;
}

/*
 * The kernel handles a chunk's requests in order and answers a request
 * when it fails or asks for an acknowledgement. Only the last one of a
 * chunk asks (see flush_chunk), so the answers are the refusals in order,
 * then the last request's own: h->acked counts the requests settled.
 */
static int on_batch_answer(uint32_t seq, int error, void *data)
{
	struct ipvs *h = data;
	size_t i = h->acked;

	while (i < h->npending && h->pending[i].seq != seq)
		i++;
	/* Not ours, out of order, or a success that was not asked for. */
	if (i == h->npending || (!error && i != h->npending - 1))
		return -EPROTO;
	if (error)
		note_batch_failure(h, error, i);
	h->acked = i + 1;
	return 0;
}

/* Asks for an acknowledgement of the chunk's last request only: one ack
 * per request would cost the kernel a reply and us a read for each. */
static void ack_last_only(struct ipvs *h)
{
	size_t off = 0, i;

	for (i = 0; i + 1 < h->npending; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(h->chunk + off);

		nlh->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
}

/* Sends the queued chunk and collects the answers to it. */
static int flush_chunk(struct ipvs *h)
{
	struct link own;
	struct nl_exchange x;
	int rc;

	if (!h->npending)
		return h->batch_err;
	rc = ensure_socket(h);
	if (rc) {
		h->batch_uncertain = true;
		note_batch_failure(h, rc, 0);
		goto reset;
	}
	ack_last_only(h);
	own = (struct link){ h->nl, h->portid, false };
	exchange_init(h, &own, &x);
	x.req = h->chunk;
	x.req_len = h->chunk_used;
	x.first_seq = h->pending[0].seq;
	x.last_seq = h->pending[h->npending - 1].seq;
	x.on_answer = on_batch_answer;
	x.arg = h;
	rc = nl_exchange_run(&x);
	exchange_done(h, &own, &x);
	if (x.stream_err) {
		/* Lost acks (ENOBUFS) or a stray message: the outcome of the
		 * unacknowledged requests is unknown. */
		h->batch_uncertain = true;
		note_batch_failure(h, x.stream_err, h->acked);
	} else if (rc && !h->acked) {
		/* No answer came because the send failed: nothing of this
		 * chunk went out. (Refusals are noted as they are read.) */
		h->batch_uncertain = true;
		note_batch_failure(h, rc, 0);
	}
reset:
	h->chunk_used = 0;
	h->npending = 0;
	h->acked = 0;
	return h->batch_err;
}

int ipvs_batch_begin(struct ipvs *h)
{
	if (h->batching)
		return -EBUSY;
	if (!h->chunk) {
		/* No chunk holds more requests than fit in its bytes. */
		size_t cap = BATCH_CHUNK / (MNL_NLMSG_HDRLEN + GENL_HDRLEN);

		if (cap > h->max_in_flight)
			cap = h->max_in_flight;
		h->chunk = malloc(BATCH_CHUNK + REQUEST_MAX);
		h->pending = calloc(cap, sizeof(*h->pending));
		if (!h->chunk || !h->pending) {
			free(h->chunk);
			free(h->pending);
			h->chunk = NULL;
			h->pending = NULL;
			return -ENOMEM;
		}
		h->pending_cap = cap;
	}
	h->batching = true;
	h->tag = 0;
	h->chunk_used = 0;
	h->npending = 0;
	h->acked = 0;
	h->batch_err = 0;
	h->batch_err_tag = 0;
	h->batch_keep_going = false;
	h->batch_uncertain = false;
	return 0;
}

void ipvs_batch_keep_going(struct ipvs *h)
{
	h->batch_keep_going = true;
}

bool ipvs_batch_uncertain(const struct ipvs *h)
{
	return h->batch_uncertain;
}

void ipvs_batch_tag(struct ipvs *h, long tag)
{
	h->tag = tag;
}

void ipvs_batch_on_failure(struct ipvs *h, ipvs_batch_fail_fn fn, void *arg)
{
	h->batch_fail_fn = fn;
	h->batch_fail_arg = arg;
}

int ipvs_batch_end(struct ipvs *h, long *failed_tag)
{
	int rc;

	if (!h->batching)
		return -EINVAL;
	rc = flush_chunk(h);
	h->batching = false;
	if (rc && failed_tag)
		*failed_tag = h->batch_err_tag;
	return rc;
}
