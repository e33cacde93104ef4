/*
 * lvsctl_json.c - lvsctl's --json listing (docs/lvsctl-json.md), an
 * addition to ipvsadm for programs. Addresses are always numeric.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "lvsctl.h"
#include "lvsctl_json.h"
#include "lvsctl_print.h"
#include "lvsctl_text.h"

void lvsctl_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_stats(const char *key, const struct ipvs_stats *s)
{
	printf(",\"%s\":{\"conns\":%llu,\"inpkts\":%llu,\"outpkts\":%llu,\"inbytes\":%llu,\"outbytes\":%llu}",
	       key, (unsigned long long)s->conns, (unsigned long long)s->inpkts,
	       (unsigned long long)s->outpkts, (unsigned long long)s->inbytes, (unsigned long long)s->outbytes);
	printf(",\"rate\":{\"cps\":%llu,\"inpps\":%llu,\"outpps\":%llu,\"inbps\":%llu,\"outbps\":%llu}",
	       (unsigned long long)s->cps, (unsigned long long)s->inpps, (unsigned long long)s->outpps,
	       (unsigned long long)s->inbps, (unsigned long long)s->outbps);
}

void lvsctl_json_dest(const struct ipvs_dest *e)
{
	static const char *const fwd_keys[] = { "masq", "local", "tunnel", "route", "bypass" };
	char addr[64];
	uint32_t fwd = e->conn_flags & IP_VS_CONN_F_FWD_MASK;
	struct ipvs_stats st = e->stats;

	lvsctl_format_addr(e->af, &e->addr, addr, sizeof(addr));
	printf("{\"family\":\"%s\",\"address\":\"%s\",\"port\":%u,\"forward\":\"%s\",\"weight\":%d,"
	       "\"u_threshold\":%u,\"l_threshold\":%u,\"active_conns\":%u,\"inactive_conns\":%u,\"persistent_conns\":%u",
	       e->af == AF_INET6 ? "inet6" : "inet", addr, e->port, fwd < 5 ? fwd_keys[fwd] : "unknown",
	       e->weight, e->u_threshold, e->l_threshold, e->activeconns, e->inactconns, e->persistconns);
	if (fwd == IP_VS_CONN_F_TUNNEL)
		printf(",\"tunnel\":{\"type\":\"%s\",\"port\":%u,\"checksum\":\"%s\"}",
		       e->tun_type < 3 ? lvsctl_tun_names[e->tun_type] : "unknown", e->tun_port,
		       e->tun_flags == IP_VS_TUNNEL_ENCAP_FLAG_CSUM ? "csum" :
		       e->tun_flags == IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? "remcsum" : "nocsum");
	json_stats("stats", &st);
	putchar('}');
}

void lvsctl_json_service_open(const struct ipvs_service *se)
{
	char addr[64], flags[64];
	const char *proto = lvsctl_proto_lower(se->protocol);

	printf("{\"family\":\"%s\"", se->af == AF_INET6 ? "inet6" : "inet");
	if (se->fwmark) {
		printf(",\"fwmark\":%u", se->fwmark);
	} else {
		lvsctl_format_addr(se->af, &se->addr, addr, sizeof(addr));
		printf(",\"protocol\":\"%s\",\"address\":\"%s\",\"port\":%u", proto ? proto : "unknown", addr, se->port);
	}
	printf(",\"scheduler\":");
	lvsctl_json_string(se->sched_name);
	lvsctl_sched_flags_text(se, flags, sizeof(flags));
	printf(",\"sched_flags\":[");
	for (char *f = flags, *comma; *f; f = comma + 1) {
		comma = strchr(f, ',');
		if (comma)
			*comma = '\0';
		printf("%s\"%s\"", f == flags ? "" : ",", f);
		if (!comma)
			break;
	}
	printf("],\"persistent\":%s", se->flags & IP_VS_SVC_F_PERSISTENT ? "true" : "false");
	if (se->flags & IP_VS_SVC_F_PERSISTENT) {
		printf(",\"timeout\":%u", se->timeout);
		if (se->af == AF_INET6) {
			printf(",\"netmask\":%u", se->netmask);
		} else {
			struct in_addr m = { .s_addr = se->netmask };
			printf(",\"netmask\":\"%s\"", inet_ntoa(m));
		}
	}
	printf(",\"ops\":%s,\"pe\":", se->flags & IP_VS_SVC_F_ONEPACKET ? "true" : "false");
	lvsctl_json_string(se->pe_name);
	json_stats("stats", &se->stats);
	printf(",\"dests\":[");
}
