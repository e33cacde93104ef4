/*
 * ipvs.h - client for the kernel's IPVS table over generic netlink.
 *
 * The one place that knows the IPVS_CMD_* messages. lvsctl and lvsd speak to
 * the kernel only through these calls. Every call returns 0 on success or a
 * negative errno as the kernel answered it, so callers can map errors to the
 * messages ipvsadm prints for the same failure.
 */
#ifndef LVSBOX_IPVS_H
#define LVSBOX_IPVS_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

union ipvs_addr {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t raw[16];
};

/* Counters and rates; filled from IPVS_*_ATTR_STATS64 when the kernel has it,
 * else widened from the 32-bit IPVS_*_ATTR_STATS. */
struct ipvs_stats {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t cps, inpps, outpps, inbps, outbps;
};

struct ipvs_service {
	uint16_t af;            /* AF_INET or AF_INET6 */
	uint16_t protocol;      /* IPPROTO_TCP, _UDP, _SCTP; 0 for a fwmark service */
	union ipvs_addr addr;   /* zero for a fwmark service */
	uint16_t port;          /* host byte order */
	uint32_t fwmark;        /* 0 unless a fwmark service */
	char sched_name[IP_VS_SCHEDNAME_MAXLEN];
	char pe_name[IP_VS_PENAME_MAXLEN];  /* "" when none */
	uint32_t flags;         /* IP_VS_SVC_F_* */
	uint32_t timeout;       /* persistence timeout, seconds */
	uint32_t netmask;       /* IPv4: mask in network byte order; IPv6: prefix length */
	struct ipvs_stats stats;
};

struct ipvs_dest {
	uint16_t af;            /* address family of the real server (may differ from the service's) */
	union ipvs_addr addr;
	uint16_t port;          /* host byte order */
	uint32_t conn_flags;    /* IP_VS_CONN_F_* forwarding method */
	int32_t weight;
	uint32_t u_threshold, l_threshold;
	uint32_t activeconns, inactconns, persistconns;
	uint8_t tun_type;       /* IP_VS_CONN_F_TUNNEL_TYPE_* */
	uint16_t tun_port;      /* host byte order */
	uint16_t tun_flags;     /* IP_VS_TUNNEL_ENCAP_FLAG_* */
	struct ipvs_stats stats;
};

struct ipvs_timeouts {
	uint32_t tcp, tcp_fin, udp;   /* seconds; 0 in a set request = leave unchanged */
};

struct ipvs_daemon {
	uint32_t state;               /* IP_VS_STATE_MASTER or IP_VS_STATE_BACKUP */
	char mcast_ifn[IP_VS_IFNAME_MAXLEN];
	uint32_t syncid;
	uint16_t sync_maxlen;         /* 0 = kernel default */
	uint16_t mcast_port;          /* 0 = kernel default */
	uint8_t mcast_ttl;            /* 0 = kernel default */
	uint16_t mcast_af;            /* 0 = no group given */
	union ipvs_addr mcast_group;
};

struct ipvs_info {
	uint32_t version;             /* e.g. 0x010201 */
	uint32_t conn_tab_size;
};

struct ipvs;                      /* an open connection to the IPVS family */

int  ipvs_open(struct ipvs **out);   /* -ENOENT/-EPROTONOSUPPORT when no IPVS in the kernel */
void ipvs_close(struct ipvs *h);

int ipvs_get_info(struct ipvs *h, struct ipvs_info *info);

int ipvs_add_service(struct ipvs *h, const struct ipvs_service *svc);
int ipvs_edit_service(struct ipvs *h, const struct ipvs_service *svc);
int ipvs_del_service(struct ipvs *h, const struct ipvs_service *svc);
/* Looks up the service named by (af, protocol, addr, port) or (af, fwmark) in *svc
 * and fills in the rest. */
int ipvs_get_service(struct ipvs *h, struct ipvs_service *svc);
int ipvs_flush(struct ipvs *h);
int ipvs_zero(struct ipvs *h, const struct ipvs_service *svc);   /* svc NULL: every counter */

int ipvs_add_dest(struct ipvs *h, const struct ipvs_service *svc, const struct ipvs_dest *d);
int ipvs_edit_dest(struct ipvs *h, const struct ipvs_service *svc, const struct ipvs_dest *d);
int ipvs_del_dest(struct ipvs *h, const struct ipvs_service *svc, const struct ipvs_dest *d);

/* Dumps, in the kernel's order. A callback returning non-zero stops the dump
 * and that value is returned. The whole dump is read before the first
 * callback, so a callback may call into the same handle (e.g. dump the dests
 * of each service). Dumping the dests of a service that does not exist
 * yields no dests and returns 0 (that is the kernel's answer). */
typedef int (*ipvs_service_fn)(const struct ipvs_service *svc, void *arg);
typedef int (*ipvs_dest_fn)(const struct ipvs_dest *d, void *arg);
int ipvs_dump_services(struct ipvs *h, ipvs_service_fn fn, void *arg);
int ipvs_dump_dests(struct ipvs *h, const struct ipvs_service *svc, ipvs_dest_fn fn, void *arg);

int ipvs_get_timeouts(struct ipvs *h, struct ipvs_timeouts *t);
int ipvs_set_timeouts(struct ipvs *h, const struct ipvs_timeouts *t);

int ipvs_start_daemon(struct ipvs *h, const struct ipvs_daemon *d);
int ipvs_stop_daemon(struct ipvs *h, const struct ipvs_daemon *d);  /* d->state and d->syncid matter */
/* Fills up to two daemons (master, backup); *n receives how many run. */
int ipvs_get_daemons(struct ipvs *h, struct ipvs_daemon out[2], int *n);

/*
 * Batching, for restoring a whole table fast: between batch_begin and
 * batch_end the add/edit/del/flush/zero/set_timeouts/start/stop_daemon calls
 * only queue their request (returning 0) with the tag last given to
 * ipvs_batch_tag (e.g. the line number of a save file). Queries (get, dump)
 * made meanwhile first send what is queued.
 *
 * Queued requests go out in chunks, many per send (up to 64 KiB, and no more
 * than the socket can queue answers for); the kernel answers each refused
 * request, and only the last request of a chunk asks for an acknowledgement. batch_end sends what is left and returns 0, or the first
 * failure's negative errno with the tag of that request in *failed_tag.
 * What a failure leaves applied:
 *   - every request queued before the failed one: applied;
 *   - the failed request: not applied;
 *   - requests after it in the same chunk: the kernel processes every
 *     message of a send in order, so these may have been applied;
 *   - requests in later chunks: never sent, not applied.
 * A caller that needs "nothing after the failure" must queue the requests
 * whose failure matters last, or not batch them.
 */
int  ipvs_batch_begin(struct ipvs *h);
void ipvs_batch_tag(struct ipvs *h, long tag);
int  ipvs_batch_end(struct ipvs *h, long *failed_tag);
/* Called for every refused request of the batches that follow, in order,
 * with its tag and negative errno (not only the first, which batch_end
 * returns): a restore reports each bad line as separate calls would. */
typedef void (*ipvs_batch_fail_fn)(long tag, int err, void *arg);
void ipvs_batch_on_failure(struct ipvs *h, ipvs_batch_fail_fn fn, void *arg);
/* For this batch (after batch_begin): a refusal does not stop the requests
 * queued after it, so each gets the kernel's own verdict, refusals through
 * the failure callback and the rest applied. */
void ipvs_batch_keep_going(struct ipvs *h);
/* After batch_end: true when an answer was lost or a send failed, so some
 * outcomes are unknown (a failure callback then names where it happened). */
bool ipvs_batch_uncertain(const struct ipvs *h);

#endif
