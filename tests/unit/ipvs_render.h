/*
 * ipvs_render.h - one-line text for an IPVS service or destination, every
 * field the tests compare. Shared by tests/unit/test_ipvs_parse.c (decoded
 * kernel replies) and tests/vm/ipvs_client.c (its dump in the guest), so
 * the unit vectors and the guest's dump read the same way.
 *
 *   service: "inet tcp 10.0.0.1:80 sched=wlc flags=0x2 timeout=0 netmask=... pe="
 *            (the key before " sched=" is ipvs_render_service_key's)
 *   dest:    "inet 192.168.10.1:80 fwd=masq weight=1 thresholds=0/0 tun=0,0,0"
 */
#ifndef LVSBOX_IPVS_RENDER_H
#define LVSBOX_IPVS_RENDER_H
#include <arpa/inet.h>
#include <stdio.h>
#include "ipvs.h"

static inline const char *ipvs_render_family(int af)
{
	return af == AF_INET6 ? "inet6" : "inet";
}

static inline const char *ipvs_render_proto(int p)
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_SCTP: return "sctp";
	default: return "?";
	}
}

static inline const char *ipvs_render_fwd(uint32_t flags)
{
	switch (flags & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ: return "masq";
	case IP_VS_CONN_F_LOCALNODE: return "local";
	case IP_VS_CONN_F_TUNNEL: return "tunnel";
	case IP_VS_CONN_F_DROUTE: return "route";
	case IP_VS_CONN_F_BYPASS: return "bypass";
	default: return "?";
	}
}

/* "10.0.0.1:80" or "[2001:db8::1]:80" */
static inline void ipvs_render_addr(char *out, size_t size, int af, const union ipvs_addr *a, int port)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(af, a, text, sizeof(text));
	snprintf(out, size, af == AF_INET6 ? "[%s]:%d" : "%s:%d", text, port);
}

/* What names a service: "inet tcp 10.0.0.1:80" or "inet fwmark 7". */
static inline void ipvs_render_service_key(char *out, size_t size, const struct ipvs_service *s)
{
	char where[64];

	if (s->fwmark) {
		snprintf(out, size, "%s fwmark %u", ipvs_render_family(s->af), s->fwmark);
		return;
	}
	ipvs_render_addr(where, sizeof(where), s->af, &s->addr, s->port);
	snprintf(out, size, "%s %s %s", ipvs_render_family(s->af), ipvs_render_proto(s->protocol), where);
}

static inline void ipvs_render_service(char *out, size_t size, const struct ipvs_service *s)
{
	char key[96], mask[INET_ADDRSTRLEN];

	ipvs_render_service_key(key, sizeof(key), s);
	/* an IPv4 netmask is an address; an IPv6 one is a prefix length */
	if (s->af == AF_INET)
		inet_ntop(AF_INET, &s->netmask, mask, sizeof(mask));
	else
		snprintf(mask, sizeof(mask), "%u", s->netmask);
	snprintf(out, size, "%s sched=%s flags=0x%x timeout=%u netmask=%s pe=%s",
		 key, s->sched_name, s->flags, s->timeout, mask, s->pe_name);
}

static inline void ipvs_render_dest(char *out, size_t size, const struct ipvs_dest *d)
{
	char where[64];

	ipvs_render_addr(where, sizeof(where), d->af, &d->addr, d->port);
	snprintf(out, size, "%s %s fwd=%s weight=%d thresholds=%u/%u tun=%u,%u,%u",
		 ipvs_render_family(d->af), where, ipvs_render_fwd(d->conn_flags), d->weight,
		 d->u_threshold, d->l_threshold, d->tun_type, d->tun_port, d->tun_flags);
}
#endif
