/*
 * test_ipvs_parse.c - the IPVS reply decoders (core/ipvs_parse.h) and the
 * family lookup decoder (core/genl.h) on real kernel replies.
 *
 * The files tests/unit/netlink/NAME.bin are datagrams Debian's 6.1 kernel sent back
 * (captured by tests/vm/capture_netlink.sh) for a table built with the real
 * ipvsadm from the commands in tests/vm/t_ipvs_client.sh, and two sync
 * daemons started with ipvsadm. The expected values below are those
 * commands' arguments, not our own output.
 *
 * cross: little-endian only. Netlink speaks the host's byte order and these
 * datagrams came from an x86_64 kernel, so a big-endian target cannot read
 * them. The decoders meet a live 32-bit kernel in the mipsel malta boot test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "genl.h"
#include "ipvs_parse.h"
#include "ipvs_render.h"
#include "unit.h"

static char data[65536];

static size_t load(const char *name)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "tests/unit/netlink/%s.bin", name);
	f = fopen(path, "rb");
	if (!f) {
		CHECK(0, "read %s", path);
		return 0;
	}
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	return n;
}

/* ---- walking a datagram ---- */

struct walk {
	int kind;               /* which decoder */
	uint16_t svc_af;
	char lines[16][256];
	int n;
	int bad;                /* decoder failures */
	struct ipvs_daemon daemons[4];
	struct ipvs_info info;
	struct ipvs_timeouts timeouts;
};

enum { SERVICES, DESTS, DAEMONS, INFO, TIMEOUTS };

static int on_msg(const struct nlmsghdr *nlh, void *arg)
{
	struct walk *w = arg;
	struct ipvs_service s;
	struct ipvs_dest d;
	int rc = 0;

	if (w->n >= 16)
		return MNL_CB_ERROR;
	switch (w->kind) {
	case SERVICES:
		rc = ipvs_parse_service_msg(nlh, &s);
		if (!rc)
			ipvs_render_service(w->lines[w->n], sizeof(w->lines[0]), &s);
		break;
	case DESTS:
		rc = ipvs_parse_dest_msg(nlh, w->svc_af, &d);
		if (!rc)
			ipvs_render_dest(w->lines[w->n], sizeof(w->lines[0]), &d);
		break;
	case DAEMONS:
		rc = ipvs_parse_daemon_msg(nlh, &w->daemons[w->n]);
		break;
	case INFO:
		rc = ipvs_parse_info_msg(nlh, &w->info);
		break;
	case TIMEOUTS:
		rc = ipvs_parse_timeouts_msg(nlh, &w->timeouts);
		break;
	}
	if (rc)
		w->bad++;
	else
		w->n++;
	return MNL_CB_OK;
}

static int walk(const char *name, struct walk *w)
{
	size_t n = load(name);

	return mnl_cb_run(data, n, 0, 0, on_msg, w);
}

static void check_lines(const char *what, struct walk *w, const char *const *want, int nwant)
{
	int i, j, missing = 0;

	for (i = 0; i < nwant; i++) {
		for (j = 0; j < w->n; j++)
			if (!strcmp(w->lines[j], want[i]))
				break;
		if (j == w->n) {
			missing++;
			printf("#   missing: %s\n", want[i]);
		}
	}
	if (missing)
		for (j = 0; j < w->n; j++)
			printf("#   decoded: %s\n", w->lines[j]);
	CHECK(w->bad == 0 && w->n == nwant && !missing, "%s: %d entries decoded as the commands say", what, nwant);
}

static void test_services(void)
{
	/* flags: 0x2 is IP_VS_SVC_F_HASHED, set by the kernel on every service
	 * in its table; 0x1 persistent, 0x4 one-packet, 0x8|0x10 sh flags. */
	static const char *const want[] = {
		"inet tcp 10.0.0.1:80 sched=wlc flags=0x2 timeout=0 netmask=255.255.255.255 pe=",
		"inet udp 10.0.0.2:53 sched=rr flags=0x6 timeout=0 netmask=255.255.255.255 pe=",
		"inet sctp 10.0.0.3:5000 sched=sh flags=0x1a timeout=0 netmask=255.255.255.255 pe=",
		"inet tcp 10.0.0.4:443 sched=rr flags=0x3 timeout=600 netmask=255.255.255.0 pe=",
		"inet fwmark 7 sched=wrr flags=0x3 timeout=300 netmask=255.255.255.255 pe=",
		"inet6 tcp [2001:db8::1]:80 sched=lc flags=0x3 timeout=120 netmask=64 pe=",
		"inet6 fwmark 9 sched=rr flags=0x2 timeout=0 netmask=128 pe=",
		"inet udp 10.0.0.5:5060 sched=rr flags=0x3 timeout=360 netmask=255.255.255.255 pe=sip",
		"inet tcp 10.0.0.6:80 sched=rr flags=0x2 timeout=0 netmask=255.255.255.255 pe=",
	};
	struct walk w = { .kind = SERVICES };
	int rc = walk("services-0", &w);

	CHECK(rc == MNL_CB_OK, "service dump datagram walks to its end (%d)", rc);
	check_lines("service dump", &w, want, 9);
	memset(&w, 0, sizeof(w));
	rc = walk("services-1", &w);
	CHECK(rc == MNL_CB_STOP && w.n == 0, "the dump's last datagram is NLMSG_DONE");

	memset(&w, 0, sizeof(w));
	w.kind = SERVICES;
	rc = walk("service-one-0", &w);
	check_lines("GET_SERVICE of one", &w, want + 3, 1);
	memset(&w, 0, sizeof(w));
	rc = walk("service-one-1", &w);
	CHECK(rc == MNL_CB_STOP, "GET_SERVICE ends with an ack");
	errno = 0;
	rc = walk("service-missing-0", &w);
	CHECK(rc == MNL_CB_ERROR && errno == ESRCH, "GET_SERVICE of a missing service: ESRCH (%d)", errno);
}

/* A dest dump: the decoder needs the family of the service it belongs to. */
static void check_dests(const char *what, const char *name, uint16_t svc_af, const char *const *want, int nwant)
{
	struct walk w = { .kind = DESTS, .svc_af = svc_af };

	walk(name, &w);
	check_lines(what, &w, want, nwant);
}

static void test_dests(void)
{
	static const char *const masq[] = {
		"inet 192.168.10.1:80 fwd=masq weight=1 thresholds=0/0 tun=0,0,0",
		"inet 192.168.10.2:8080 fwd=masq weight=3 thresholds=100/10 tun=0,0,0",
	};
	static const char *const tunnel[] = {
		"inet 192.168.10.5:443 fwd=tunnel weight=1 thresholds=0/0 tun=1,6080,0",
		"inet 192.168.10.6:443 fwd=tunnel weight=1 thresholds=0/0 tun=2,0,1",
	};
	static const char *const mixed[] = {
		"inet6 [2001:db8:2::1]:80 fwd=tunnel weight=1 thresholds=0/0 tun=0,0,0",
	};
	static const char *const v6[] = {
		"inet6 [2001:db8:1::1]:80 fwd=masq weight=1 thresholds=0/0 tun=0,0,0",
	};
	check_dests("masq dests with thresholds", "dests-masq-0", AF_INET, masq, 2);
	check_dests("GUE and GRE tunnel dests", "dests-tunnel-0", AF_INET, tunnel, 2);
	check_dests("IPv6 dest of an IPv4 service", "dests-mixed-0", AF_INET, mixed, 1);
	check_dests("IPv6 dest", "dests-v6-0", AF_INET6, v6, 1);
}

static void test_daemons(void)
{
	struct walk w = { .kind = DAEMONS };
	const struct ipvs_daemon *m = &w.daemons[0], *b = &w.daemons[1];
	struct in6_addr group6;
	char a[INET6_ADDRSTRLEN];

	walk("daemons-0", &w);
	if (m->state == IP_VS_STATE_BACKUP) {
		m = &w.daemons[1];
		b = &w.daemons[0];
	}
	inet_pton(AF_INET6, "ff02::1:3", &group6);
	inet_ntop(AF_INET, &m->mcast_group.v4, a, sizeof(a));
	CHECK(w.bad == 0 && w.n == 2, "two sync daemons decoded");
	CHECK(m->state == IP_VS_STATE_MASTER && !strcmp(m->mcast_ifn, "ipvssync0") && m->syncid == 12 &&
	      m->sync_maxlen == 1400 && m->mcast_af == AF_INET && !strcmp(a, "239.1.2.3") &&
	      m->mcast_port == 8850 && m->mcast_ttl == 3,
	      "master: ipvssync0 syncid 12 maxlen 1400 group 239.1.2.3 port 8850 ttl 3");
	CHECK(b->state == IP_VS_STATE_BACKUP && !strcmp(b->mcast_ifn, "ipvssync0") && b->syncid == 13 &&
	      b->mcast_af == AF_INET6 && !memcmp(&b->mcast_group.v6, &group6, 16) && b->mcast_port == 8860,
	      "backup: ipvssync0 syncid 13 group ff02::1:3 port 8860");
}

static void test_info_config_family(void)
{
	struct walk w = { .kind = INFO };
	uint16_t id = 0, info_type;
	int rc;

	walk("info-0", &w);
	/* "IP Virtual Server version 1.2.1 (size=4096)" on that kernel */
	CHECK(w.n == 1 && w.info.version == 0x010201 && w.info.conn_tab_size == 4096,
	      "GET_INFO: version 1.2.1, table size 4096");
	info_type = ((struct nlmsghdr *)data)->nlmsg_type;
	memset(&w, 0, sizeof(w));
	w.kind = TIMEOUTS;
	walk("config-0", &w);
	CHECK(w.n == 1 && w.timeouts.tcp == 900 && w.timeouts.tcp_fin == 120 && w.timeouts.udp == 300,
	      "GET_CONFIG: the default timeouts 900 120 300");

	load("family-0");
	rc = genl_parse_family_msg((struct nlmsghdr *)data, "IPVS", &id);
	CHECK(rc == 0 && id == info_type, "family reply: IPVS has the id the IPVS replies carry (0x%x)", id);
	rc = genl_parse_family_msg((struct nlmsghdr *)data, "nlctrl", &id);
	CHECK(rc == -EBADMSG, "family reply for another name is refused");
	load("info-0");
	rc = genl_parse_family_msg((struct nlmsghdr *)data, "IPVS", &id);
	CHECK(rc == -EBADMSG, "an IPVS reply is not a family reply");
}

/* ---- decoders on altered replies ---- */

static void test_altered(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest, *extra;
	struct ipvs_service s;
	struct ipvs_dest d;
	size_t n = load("service-one-0");
	uint32_t len;
	int rc;

	nlh = (struct nlmsghdr *)data;
	(void)n;
	/* A newer kernel's unknown attribute at the end of the service nest. */
	nest = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	extra = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
	extra->nla_len = 8;
	extra->nla_type = IPVS_SVC_ATTR_MAX + 3;
	memset(extra + 1, 0x5a, 4);
	nest->nla_len += 8;
	nlh->nlmsg_len += 8;
	rc = ipvs_parse_service_msg(nlh, &s);
	CHECK(rc == 0 && s.port == 443 && s.timeout == 600, "an unknown service attribute is skipped");
	nest->nla_len -= 8;
	nlh->nlmsg_len -= 8;

	/* Cut short: the nest loses its tail, required attributes go missing. */
	len = nlh->nlmsg_len;
	nest->nla_len = 32;
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + GENL_HDRLEN + 32;
	rc = ipvs_parse_service_msg(nlh, &s);
	CHECK(rc == -EBADMSG, "a service without scheduler, flags, timeout: -EBADMSG");
	nlh->nlmsg_len = len;
	nest->nla_len = (uint16_t)(len - MNL_NLMSG_HDRLEN - GENL_HDRLEN);

	/* The header alone. */
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
	rc = ipvs_parse_service_msg(nlh, &s);
	CHECK(rc == -EBADMSG, "no generic netlink header: -EBADMSG");
	nlh->nlmsg_len = len;

	/* A dest decoder handed a service message. */
	rc = ipvs_parse_dest_msg(nlh, AF_INET, &d);
	CHECK(rc == -EBADMSG, "a service reply given to the dest decoder: -EBADMSG");

	/* Address family the kernel does not have. */
	{
		struct nlattr *a = mnl_attr_get_payload(nest);

		CHECK(mnl_attr_get_type(a) == IPVS_SVC_ATTR_AF, "the first service attribute is its family");
		*(uint16_t *)mnl_attr_get_payload(a) = 99;
		rc = ipvs_parse_service_msg(nlh, &s);
		CHECK(rc == -EBADMSG, "service family 99: -EBADMSG");
		*(uint16_t *)mnl_attr_get_payload(a) = AF_INET;
	}
}

/* Built here: STATS64 wins over STATS; STATS alone is widened. */
static void test_stats(void)
{
	static char buf[1024];
	struct nlmsghdr *nlh;
	struct nlattr *svc, *st;
	struct ipvs_service s;
	struct ip_vs_flags flags = { 0, ~0U };
	int i, rc;

	/* variant 0: STATS alone; 1: STATS and STATS64; 2: a counter of the wrong size */
	for (int variant = 0; variant < 3; variant++) {
		memset(buf, 0, sizeof(buf));
		nlh = genl_put_request(buf, 0x20, 0, 1, IPVS_CMD_NEW_SERVICE, 1);
		svc = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);
		mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_AF, AF_INET);
		mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_FWMARK, 3);
		mnl_attr_put_strz(nlh, IPVS_SVC_ATTR_SCHED_NAME, "rr");
		mnl_attr_put(nlh, IPVS_SVC_ATTR_FLAGS, sizeof(flags), &flags);
		mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_TIMEOUT, 0);
		mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_NETMASK, ~0U);
		st = mnl_attr_nest_start(nlh, IPVS_SVC_ATTR_STATS);
		for (i = IPVS_STATS_ATTR_CONNS; i <= IPVS_STATS_ATTR_OUTBPS; i++) {
			if (variant == 2 && i == IPVS_STATS_ATTR_CPS)
				mnl_attr_put_u16(nlh, (uint16_t)i, 1);
			else if (i == IPVS_STATS_ATTR_INBYTES || i == IPVS_STATS_ATTR_OUTBYTES)
				mnl_attr_put_u64(nlh, (uint16_t)i, 1000 + i);
			else
				mnl_attr_put_u32(nlh, (uint16_t)i, 100 + i);
		}
		mnl_attr_nest_end(nlh, st);
		if (variant == 1) {
			st = mnl_attr_nest_start(nlh, IPVS_SVC_ATTR_STATS64);
			for (i = IPVS_STATS_ATTR_CONNS; i <= IPVS_STATS_ATTR_OUTBPS; i++)
				mnl_attr_put_u64(nlh, (uint16_t)i, (1ULL << 40) + i);
			mnl_attr_put_u64(nlh, IPVS_STATS_ATTR_PAD, 0);
			mnl_attr_nest_end(nlh, st);
		}
		mnl_attr_nest_end(nlh, svc);
		rc = ipvs_parse_service_msg(nlh, &s);
		if (variant == 0)
			CHECK(rc == 0 && s.stats.conns == 101 && s.stats.inbytes == 1004 &&
			      s.stats.outbps == 110 && s.fwmark == 3,
			      "32-bit STATS alone: counters widened (conns %llu inbytes %llu)",
			      (unsigned long long)s.stats.conns, (unsigned long long)s.stats.inbytes);
		else if (variant == 2)
			CHECK(rc == -EBADMSG, "a 32-bit counter sent in 2 bytes: -EBADMSG");
		else
			CHECK(rc == 0 && s.stats.conns == (1ULL << 40) + 1 && s.stats.outbps == (1ULL << 40) + 10,
			      "STATS64 preferred over STATS (conns %llu)", (unsigned long long)s.stats.conns);
	}
}

int main(void)
{
	test_services();
	test_dests();
	test_daemons();
	test_info_config_family();
	test_altered();
	test_stats();
	return unit_exit();
}
