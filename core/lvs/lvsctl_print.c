/*
 * lvsctl_print.c - ipvsadm's text list formats (-L and its options, -S),
 * byte for byte, since scripts parse them.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "ipvs_compat.h"
#include "lvsctl.h"
#include "lvsctl_print.h"
#include "lvsctl_text.h"

static void print_largenum(uint64_t i, unsigned format)
{
	if (format & LVS_FMT_EXACT) {
		char tmp[32];
		int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)i);
		printf("%*llu", len <= 8 ? 9 : len + 1, (unsigned long long)i);
	} else if (i < 100000000ULL) {
		printf("%9llu", (unsigned long long)i);
	} else if (i < 1000000000ULL) {
		printf("%8lluK", (unsigned long long)(i / 1000));
	} else if (i < 100000000000ULL) {
		printf("%8lluM", (unsigned long long)(i / 1000000));
	} else if (i < 100000000000000ULL) {
		printf("%8lluG", (unsigned long long)(i / 1000000000ULL));
	} else {
		printf("%8lluT", (unsigned long long)(i / 1000000000000ULL));
	}
}

void lvsctl_sched_flags_text(const struct ipvs_service *s, char *out, size_t size)
{
	out[0] = '\0';
	if (strcmp(s->sched_name, "sh") == 0) {
		if (s->flags & IP_VS_SVC_F_SCHED_SH_FALLBACK) strncat(out, "sh-fallback,", size - strlen(out) - 1);
		if (s->flags & IP_VS_SVC_F_SCHED_SH_PORT) strncat(out, "sh-port,", size - strlen(out) - 1);
	} else if (strcmp(s->sched_name, "mh") == 0) {
		if (s->flags & IP_VS_SVC_F_SCHED_MH_FALLBACK) strncat(out, "mh-fallback,", size - strlen(out) - 1);
		if (s->flags & IP_VS_SVC_F_SCHED_MH_PORT) strncat(out, "mh-port,", size - strlen(out) - 1);
	} else {
		if (s->flags & IP_VS_SVC_F_SCHED1) strncat(out, "flag-1,", size - strlen(out) - 1);
		if (s->flags & IP_VS_SVC_F_SCHED2) strncat(out, "flag-2,", size - strlen(out) - 1);
		if (s->flags & IP_VS_SVC_F_SCHED3) strncat(out, "flag-3,", size - strlen(out) - 1);
	}
	size_t n = strlen(out);
	if (n)
		out[n - 1] = '\0';
}

void lvsctl_print_title(unsigned format)
{
	if (format & LVS_FMT_STATS)
		printf("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
	else if (format & LVS_FMT_RATE)
		printf("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
	else if (format & LVS_FMT_THRESHOLDS)
		printf("%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
	else if (format & LVS_FMT_PERSISTENTCONN)
		printf("%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn");
	else if (format & LVS_FMT_TUN_INFO)
		printf("Prot LocalAddress:Port Scheduler Flags\n"
		       "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
	else if (!(format & LVS_FMT_RULE))
		printf("Prot LocalAddress:Port Scheduler Flags\n"
		       "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

/* The printf of a NULL string in glibc, which ipvsadm relies on for
 * forwarding methods it has no name for. */
static const char *or_null(const char *s)
{
	return s ? s : "(null)";
}

static const char *fwd_name(uint32_t flags)
{
	switch (flags & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ: return "Masq";
	case IP_VS_CONN_F_LOCALNODE: return "Local";
	case IP_VS_CONN_F_TUNNEL: return "Tunnel";
	case IP_VS_CONN_F_DROUTE: return "Route";
	default: return NULL;
	}
}

static const char *fwd_switch(uint32_t flags)
{
	switch (flags & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ: return "-m";
	case IP_VS_CONN_F_TUNNEL: return "-i";
	case IP_VS_CONN_F_LOCALNODE: case IP_VS_CONN_F_DROUTE: return "-g";
	default: return NULL;
	}
}

static const char *tun_flag_short(uint16_t f)
{
	static const char *const s[] = { "-c", "+c", "r+c" };
	return f < 3 ? s[f] : "?";
}

static const char *tun_flag_option(uint16_t f)
{
	static const char *const s[] = { "--tun-nocsum", "--tun-csum", "--tun-remcsum" };
	return f < 3 ? s[f] : "?";
}

/* The kernel's 64-bit destination counters, read the way libipvs reads them:
 * only bytes keep 64 bits, the rest are cut to 32. */
static struct ipvs_stats dest_stats(const struct ipvs_dest *d)
{
	struct ipvs_stats s = d->stats;
	s.conns = (uint32_t)s.conns;
	s.inpkts = (uint32_t)s.inpkts;
	s.outpkts = (uint32_t)s.outpkts;
	s.cps = (uint32_t)s.cps;
	s.inpps = (uint32_t)s.inpps;
	s.outpps = (uint32_t)s.outpps;
	s.inbps = (uint32_t)s.inbps;
	s.outbps = (uint32_t)s.outbps;
	return s;
}

static void print_five(const uint64_t v[5], unsigned format)
{
	for (int i = 0; i < 5; i++)
		print_largenum(v[i], format);
}

void lvsctl_print_dest_line(const struct ipvs_service *se, const struct ipvs_dest *e,
			    const char *svc_name, unsigned format)
{
	char dname[60];
	uint32_t fwd = e->conn_flags & IP_VS_CONN_F_FWD_MASK;
	struct ipvs_stats st = dest_stats(e);

	lvsctl_addrport_name(e->af, &e->addr, e->port, se->protocol, format, dname);
	if (!(format & LVS_FMT_RULE) && e->af != AF_INET6)
		dname[28] = '\0';

	if (format & LVS_FMT_RULE) {
		printf("-a %s -r %s %s -w %d", svc_name, dname, or_null(fwd_switch(e->conn_flags)), e->weight);
		if (fwd == IP_VS_CONN_F_TUNNEL) {
			if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GRE)
				printf(" --tun-type gre %s", tun_flag_option(e->tun_flags));
			else if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE)
				printf(" --tun-type gue --tun-port %d %s", e->tun_port, tun_flag_option(e->tun_flags));
			else if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_IPIP)
				printf(" --tun-type ipip");
		}
		putchar('\n');
	} else if (format & LVS_FMT_STATS) {
		uint64_t v[5] = { st.conns, st.inpkts, st.outpkts, st.inbytes, st.outbytes };
		printf("  -> %-28s", dname);
		print_five(v, format);
		putchar('\n');
	} else if (format & LVS_FMT_RATE) {
		printf("  -> %-28s %8llu %8llu %8llu", dname, (unsigned long long)st.cps,
		       (unsigned long long)st.inpps, (unsigned long long)st.outpps);
		print_largenum(st.inbps, format);
		print_largenum(st.outbps, format);
		putchar('\n');
	} else if (format & LVS_FMT_THRESHOLDS) {
		printf("  -> %-28s %-10u %-10u %-10u %-10u\n", dname, e->u_threshold, e->l_threshold,
		       e->activeconns, e->inactconns);
	} else if (format & LVS_FMT_PERSISTENTCONN) {
		printf("  -> %-28s %-9u %-11u %-10u %-10u\n", dname, (unsigned)e->weight, e->persistconns,
		       e->activeconns, e->inactconns);
	} else if (format & LVS_FMT_TUN_INFO) {
		char info[16];
		const char *ti = "n/a";
		if (fwd == IP_VS_CONN_F_TUNNEL) {
			if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_IPIP)
				ti = "ipip";
			else if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE)
				snprintf(info, sizeof(info), "gue:%d:%s", e->tun_port, tun_flag_short(e->tun_flags)), ti = info;
			else if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GRE)
				snprintf(info, sizeof(info), "gre:%s", tun_flag_short(e->tun_flags)), ti = info;
		}
		printf("  -> %-28s %-7s %-13s %-6d %-10u %-10u\n", dname, or_null(fwd_name(e->conn_flags)),
		       ti, e->weight, e->activeconns, e->inactconns);
	} else {
		/* printf("  -> %-28s %-7s %-6d %-10u %-10u\n"), the common case */
		char line[256];
		struct text t = { line, line + sizeof(line) };
		lvsctl_text_add(&t, "  -> ");
		lvsctl_text_add_padded(&t, dname, 28);
		lvsctl_text_add(&t, " ");
		lvsctl_text_add_padded(&t, or_null(fwd_name(e->conn_flags)), 7);
		lvsctl_text_add(&t, " ");
		lvsctl_text_add_int(&t, e->weight, 6);
		lvsctl_text_add(&t, " ");
		lvsctl_text_add_number(&t, e->activeconns, false, 10);
		lvsctl_text_add(&t, " ");
		lvsctl_text_add_number(&t, e->inactconns, false, 10);
		lvsctl_text_add(&t, "\n");
		fputs(line, stdout);
	}
}

void lvsctl_print_service_head(const struct ipvs_service *se, unsigned format, char svc_name[1024])
{
	if (se->fwmark) {
		if (format & LVS_FMT_RULE)
			snprintf(svc_name, 1024, se->af == AF_INET6 ? "-f %d -6" : "-f %d", (int)se->fwmark);
		else
			snprintf(svc_name, 1024, se->af == AF_INET6 ? "FWM  %d IPv6" : "FWM  %d", (int)se->fwmark);
	} else {
		char vname[60];
		lvsctl_addrport_name(se->af, &se->addr, se->port, se->protocol, format, vname);
		if (format & LVS_FMT_RULE) {
			const char *stype = se->protocol == IPPROTO_TCP ? "-t" : se->protocol == IPPROTO_UDP ? "-u" :
					    se->protocol == IPPROTO_SCTP ? "--sctp-service" : "--xxx-service";
			snprintf(svc_name, 1024, "%s %s", stype, vname);
		} else {
			const char *stype = se->protocol == IPPROTO_TCP ? "TCP" : se->protocol == IPPROTO_UDP ? "UDP" :
					    se->protocol == IPPROTO_SCTP ? "SCTP" : "?";
			struct text t = { svc_name, svc_name + 1024 };
			lvsctl_text_add_padded(&t, stype, 4);
			lvsctl_text_add(&t, " ");
			lvsctl_text_add(&t, vname);
			if (se->af != AF_INET6)
				svc_name[33] = '\0';
		}
	}

	char flags[64];
	lvsctl_sched_flags_text(se, flags, sizeof(flags));
	bool has_sched_flags = se->flags & SCHED_FLAGS_MASK;
	struct in_addr mask = { .s_addr = se->netmask };

	if (format & LVS_FMT_RULE) {
		printf("-A %s -s %s", svc_name, se->sched_name);
		if (se->flags & IP_VS_SVC_F_PERSISTENT) {
			printf(" -p %u", se->timeout);
			if (se->af == AF_INET && se->netmask != 0xffffffffu)
				printf(" -M %s", inet_ntoa(mask));
			if (se->af == AF_INET6 && se->netmask != 128)
				printf(" -M %i", (int)se->netmask);
		}
		if (se->pe_name[0])
			printf(" --pe %s", se->pe_name);
		if (se->flags & IP_VS_SVC_F_ONEPACKET)
			printf(" -o");
		if (has_sched_flags)
			printf(" -b %s", flags);
	} else if (format & LVS_FMT_STATS) {
		uint64_t v[5] = { se->stats.conns, se->stats.inpkts, se->stats.outpkts, se->stats.inbytes, se->stats.outbytes };
		printf("%-33s", svc_name);
		print_five(v, format);
	} else if (format & LVS_FMT_RATE) {
		uint64_t v[5] = { se->stats.cps, se->stats.inpps, se->stats.outpps, se->stats.inbps, se->stats.outbps };
		printf("%-33s", svc_name);
		print_five(v, format);
	} else {
		fputs(svc_name, stdout);
		putchar(' ');
		fputs(se->sched_name, stdout);
		if (has_sched_flags)
			printf(" (%s)", flags);
		if (se->flags & IP_VS_SVC_F_PERSISTENT) {
			printf(" persistent %u", se->timeout);
			if (se->af == AF_INET && se->netmask != 0xffffffffu)
				printf(" mask %s", inet_ntoa(mask));
			if (se->af == AF_INET6 && se->netmask != 128)
				printf(" mask %i", (int)se->netmask);
			if (se->pe_name[0])
				printf(" pe %s", se->pe_name);
		}
		if (se->flags & IP_VS_SVC_F_ONEPACKET)
			printf(" ops");
	}
	putchar('\n');
}
