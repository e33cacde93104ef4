/*
 * lvsctl_json.c - lvsctl's --json listing (docs/lvsctl-json.md), an
 * addition to ipvsadm for programs. Addresses are always numeric.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "lvsctl.h"
#include "lvsctl_json.h"
#include "lvsctl_print.h"
#include "lvsctl_text.h"

static void json_stats(struct json *j, const struct ipvs_stats *s)
{
	json_key_object(j, "stats");
	json_key_uint(j, "conns", s->conns);
	json_key_uint(j, "inpkts", s->inpkts);
	json_key_uint(j, "outpkts", s->outpkts);
	json_key_uint(j, "inbytes", s->inbytes);
	json_key_uint(j, "outbytes", s->outbytes);
	json_object_end(j);
	json_key_object(j, "rate");
	json_key_uint(j, "cps", s->cps);
	json_key_uint(j, "inpps", s->inpps);
	json_key_uint(j, "outpps", s->outpps);
	json_key_uint(j, "inbps", s->inbps);
	json_key_uint(j, "outbps", s->outbps);
	json_object_end(j);
}

void lvsctl_json_dest(struct json *j, const struct ipvs_dest *e)
{
	static const char *const fwd_keys[] = { "masq", "local", "tunnel", "route", "bypass" };
	char addr[64];
	uint32_t fwd = e->conn_flags & IP_VS_CONN_F_FWD_MASK;

	lvsctl_format_addr(e->af, &e->addr, addr, sizeof(addr));
	json_object_begin(j);
	json_key_string(j, "family", e->af == AF_INET6 ? "inet6" : "inet");
	json_key_string(j, "address", addr);
	json_key_uint(j, "port", e->port);
	json_key_string(j, "forward", fwd < 5 ? fwd_keys[fwd] : "unknown");
	json_key_int(j, "weight", e->weight);
	json_key_uint(j, "u_threshold", e->u_threshold);
	json_key_uint(j, "l_threshold", e->l_threshold);
	json_key_uint(j, "active_conns", e->activeconns);
	json_key_uint(j, "inactive_conns", e->inactconns);
	json_key_uint(j, "persistent_conns", e->persistconns);
	if (fwd == IP_VS_CONN_F_TUNNEL) {
		json_key_object(j, "tunnel");
		json_key_string(j, "type", e->tun_type < 3 ? lvsctl_tun_names[e->tun_type] : "unknown");
		json_key_uint(j, "port", e->tun_port);
		json_key_string(j, "checksum", e->tun_flags == IP_VS_TUNNEL_ENCAP_FLAG_CSUM ? "csum" :
				e->tun_flags == IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? "remcsum" : "nocsum");
		json_object_end(j);
	}
	json_stats(j, &e->stats);
	json_object_end(j);
}

void lvsctl_json_service_open(struct json *j, const struct ipvs_service *se)
{
	char addr[64], flags[64];
	const char *proto = lvsctl_proto_lower(se->protocol);

	json_object_begin(j);
	json_key_string(j, "family", se->af == AF_INET6 ? "inet6" : "inet");
	if (se->fwmark) {
		json_key_uint(j, "fwmark", se->fwmark);
	} else {
		lvsctl_format_addr(se->af, &se->addr, addr, sizeof(addr));
		json_key_string(j, "protocol", proto ? proto : "unknown");
		json_key_string(j, "address", addr);
		json_key_uint(j, "port", se->port);
	}
	json_key_string(j, "scheduler", se->sched_name);
	lvsctl_sched_flags_text(se, flags, sizeof(flags));
	json_key_array(j, "sched_flags");
	for (const char *f = flags; *f;) {
		size_t n = strcspn(f, ",");
		json_string_len(j, f, n);
		if (!f[n])
			break;
		f += n + 1;
	}
	json_array_end(j);
	json_key_bool(j, "persistent", se->flags & IP_VS_SVC_F_PERSISTENT);
	if (se->flags & IP_VS_SVC_F_PERSISTENT) {
		json_key_uint(j, "timeout", se->timeout);
		if (se->af == AF_INET6) {
			json_key_uint(j, "netmask", se->netmask);
		} else {
			struct in_addr m = { .s_addr = se->netmask };
			json_key_string(j, "netmask", inet_ntoa(m));
		}
	}
	json_key_bool(j, "ops", se->flags & IP_VS_SVC_F_ONEPACKET);
	json_key_string(j, "pe", se->pe_name);
	json_stats(j, &se->stats);
	json_key_array(j, "dests");
}

int lvsctl_json_flush(struct strbuf *b)
{
	if (b->oom) {
		fflush(stdout);
		fprintf(stderr, "%s\n", strerror(ENOMEM));
		strbuf_reset(b);
		return 1;
	}
	if (b->len)
		fwrite(b->data, 1, b->len, stdout);
	strbuf_reset(b);
	return 0;
}
