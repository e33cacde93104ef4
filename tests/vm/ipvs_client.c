/*
 * ipvs_client.c - drives core/ipvs.c against a real kernel (inside the qemu
 * guest) for tests/vm/t_ipvs_client.sh, which compares what it does with
 * what the real ipvsadm does and sees.
 *
 *   ipvs_client apply      program the scenario table (the same table as the
 *                          ipvsadm commands in t_ipvs_client.sh)
 *   ipvs_client dump       print every service and destination, every field
 *   ipvs_client checks     calls whose answers are known in advance
 *                          (errors, get, edit, info, timeouts, daemons, zero)
 *   ipvs_client batch N    add N services in one batch
 *   ipvs_client batchfail N K   batch of N adds whose K-th duplicates an earlier one
 *   ipvs_client stats      print each service's and dest's counters, in
 *                          the order of ipvsadm -Ln --stats --exact
 *   ipvs_client zero-first zero the counters of the first service listed
 *   ipvs_client capture DIR [daemons]   save the kernel's raw replies to a few requests,
 *                          one file per datagram (fuzz seeds, unit test vectors)
 *
 * Prints "ok - ..." / "not ok - ..." lines (dump prints data lines only).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "genl.h"
#include "ipvs.h"
#include "ipvs_render.h"
#include "unit.h"

static struct ipvs *h;

/* ---- building requests ---- */

static void parse_addr(int af, const char *text, union ipvs_addr *out)
{
	if (inet_pton(af, text, out) != 1) {
		fprintf(stderr, "bad address %s\n", text);
		exit(2);
	}
}

static struct ipvs_service fwmark_service(int af, uint32_t mark, const char *sched)
{
	struct ipvs_service s;

	memset(&s, 0, sizeof(s));
	s.af = (uint16_t)af;
	s.fwmark = mark;
	snprintf(s.sched_name, sizeof(s.sched_name), "%s", sched);
	/* ipvsadm's defaults: one-address granularity when persistence is on */
	s.netmask = af == AF_INET6 ? 128 : 0xffffffffU;
	return s;
}

static struct ipvs_service service(int af, int proto, const char *addr, int port, const char *sched)
{
	struct ipvs_service s = fwmark_service(af, 0, sched);

	s.protocol = (uint16_t)proto;
	parse_addr(af, addr, &s.addr);
	s.port = (uint16_t)port;
	return s;
}

static void persistent(struct ipvs_service *s, uint32_t timeout)
{
	s->flags |= IP_VS_SVC_F_PERSISTENT;
	s->timeout = timeout;
}

static struct ipvs_dest dest(int af, const char *addr, int port, uint32_t fwd, int weight)
{
	struct ipvs_dest d;

	memset(&d, 0, sizeof(d));
	d.af = (uint16_t)af;
	parse_addr(af, addr, &d.addr);
	d.port = (uint16_t)port;
	d.conn_flags = fwd;
	d.weight = weight;
	return d;
}

/* CHECK evaluates its condition twice: calls with effects go through here. */
static void expect_ok(int rc, const char *what)
{
	CHECK(rc == 0, "%s (%s)", what, rc ? strerror(-rc) : "ok");
}

static void must(int rc, const char *what)
{
	CHECK(rc == 0, "apply: %s (%s)", what, rc ? strerror(-rc) : "done");
}

/* ---- apply: keep in step with the ipvsadm commands in t_ipvs_client.sh ---- */

static int cmd_apply(void)
{
	struct ipvs_service s;
	struct ipvs_dest d;

	s = service(AF_INET, IPPROTO_TCP, "10.0.0.1", 80, "wlc");
	must(ipvs_add_service(h, &s), "-A -t 10.0.0.1:80 -s wlc");
	d = dest(AF_INET, "192.168.10.1", 80, IP_VS_CONN_F_MASQ, 1);
	must(ipvs_add_dest(h, &s, &d), "-a -t 10.0.0.1:80 -r 192.168.10.1:80 -m -w 1");
	d = dest(AF_INET, "192.168.10.2", 8080, IP_VS_CONN_F_MASQ, 3);
	d.u_threshold = 100;
	d.l_threshold = 10;
	must(ipvs_add_dest(h, &s, &d), "-a -t 10.0.0.1:80 -r 192.168.10.2:8080 -m -w 3 -x 100 -y 10");

	s = service(AF_INET, IPPROTO_UDP, "10.0.0.2", 53, "rr");
	s.flags |= IP_VS_SVC_F_ONEPACKET;
	must(ipvs_add_service(h, &s), "-A -u 10.0.0.2:53 -s rr -o");
	d = dest(AF_INET, "192.168.10.3", 53, IP_VS_CONN_F_DROUTE, 2);
	must(ipvs_add_dest(h, &s, &d), "-a -u 10.0.0.2:53 -r 192.168.10.3:53 -g -w 2");

	s = service(AF_INET, IPPROTO_SCTP, "10.0.0.3", 5000, "sh");
	s.flags |= IP_VS_SVC_F_SCHED_SH_FALLBACK | IP_VS_SVC_F_SCHED_SH_PORT;
	must(ipvs_add_service(h, &s), "-A --sctp-service 10.0.0.3:5000 -s sh -b sh-fallback,sh-port");
	d = dest(AF_INET, "192.168.10.4", 5000, IP_VS_CONN_F_TUNNEL, 1);
	must(ipvs_add_dest(h, &s, &d), "-a --sctp-service 10.0.0.3:5000 -r 192.168.10.4:5000 -i -w 1");

	s = service(AF_INET, IPPROTO_TCP, "10.0.0.4", 443, "rr");
	persistent(&s, 600);
	s.netmask = htonl(0xffffff00U);
	must(ipvs_add_service(h, &s), "-A -t 10.0.0.4:443 -s rr -p 600 -M 255.255.255.0");
	d = dest(AF_INET, "192.168.10.5", 443, IP_VS_CONN_F_TUNNEL, 1);
	d.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	d.tun_port = 6080;
	d.tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM;
	must(ipvs_add_dest(h, &s, &d), "-a -t 10.0.0.4:443 -r 192.168.10.5:443 -i gue 6080 nocsum");
	d = dest(AF_INET, "192.168.10.6", 443, IP_VS_CONN_F_TUNNEL, 1);
	d.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE;
	d.tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
	must(ipvs_add_dest(h, &s, &d), "-a -t 10.0.0.4:443 -r 192.168.10.6:443 -i gre csum");

	s = fwmark_service(AF_INET, 7, "wrr");
	persistent(&s, 300);
	must(ipvs_add_service(h, &s), "-A -f 7 -s wrr -p 300");
	d = dest(AF_INET, "192.168.10.7", 0, IP_VS_CONN_F_DROUTE, 5);
	must(ipvs_add_dest(h, &s, &d), "-a -f 7 -r 192.168.10.7 -g -w 5");

	s = service(AF_INET6, IPPROTO_TCP, "2001:db8::1", 80, "lc");
	persistent(&s, 120);
	s.netmask = 64;
	must(ipvs_add_service(h, &s), "-A -t [2001:db8::1]:80 -s lc -p 120 -M 64");
	d = dest(AF_INET6, "2001:db8:1::1", 80, IP_VS_CONN_F_MASQ, 1);
	must(ipvs_add_dest(h, &s, &d), "-a -t [2001:db8::1]:80 -r [2001:db8:1::1]:80 -m -w 1");

	s = fwmark_service(AF_INET6, 9, "rr");
	must(ipvs_add_service(h, &s), "-A -f 9 -6 -s rr");
	d = dest(AF_INET6, "2001:db8:1::2", 0, IP_VS_CONN_F_DROUTE, 1);
	must(ipvs_add_dest(h, &s, &d), "-a -f 9 -6 -r 2001:db8:1::2 -g -w 1");

	s = service(AF_INET, IPPROTO_UDP, "10.0.0.5", 5060, "rr");
	persistent(&s, 360);
	snprintf(s.pe_name, sizeof(s.pe_name), "sip");
	must(ipvs_add_service(h, &s), "-A -u 10.0.0.5:5060 -s rr -p 360 --pe sip");
	d = dest(AF_INET, "192.168.10.8", 5060, IP_VS_CONN_F_MASQ, 1);
	must(ipvs_add_dest(h, &s, &d), "-a -u 10.0.0.5:5060 -r 192.168.10.8:5060 -m -w 1");

	s = service(AF_INET, IPPROTO_TCP, "10.0.0.6", 80, "rr");
	must(ipvs_add_service(h, &s), "-A -t 10.0.0.6:80 -s rr");
	d = dest(AF_INET6, "2001:db8:2::1", 80, IP_VS_CONN_F_TUNNEL, 1);
	must(ipvs_add_dest(h, &s, &d), "-a -t 10.0.0.6:80 -r [2001:db8:2::1]:80 -i (IPv6 dest, IPv4 service)");
	return unit_exit();
}

/* ---- dump ---- */

static const struct ipvs_service *dumping;

static int print_dest(const struct ipvs_dest *d, void *arg)
{
	char key[96], line[256];

	(void)arg;
	ipvs_render_service_key(key, sizeof(key), dumping);
	ipvs_render_dest(line, sizeof(line), d);
	printf("dest %s -> %s\n", key, line);
	return 0;
}

static int print_service(const struct ipvs_service *s, void *arg)
{
	char line[256];
	int rc;

	(void)arg;
	ipvs_render_service(line, sizeof(line), s);
	printf("service %s\n", line);
	dumping = s;
	rc = ipvs_dump_dests(h, s, print_dest, NULL);
	if (rc) {
		char key[96];

		ipvs_render_service_key(key, sizeof(key), s);
		fprintf(stderr, "dump dests of %s: %s\n", key, strerror(-rc));
		return rc;
	}
	return 0;
}

static int cmd_dump(void)
{
	int rc = ipvs_dump_services(h, print_service, NULL);

	if (rc) {
		fprintf(stderr, "dump: %s\n", strerror(-rc));
		return 1;
	}
	return 0;
}

/* ---- checks with answers known beforehand ---- */

static int count_service(const struct ipvs_service *s, void *arg)
{
	(void)s;
	(*(long *)arg)++;
	return 0;
}

static long service_count(void)
{
	long n = 0;
	int rc = ipvs_dump_services(h, count_service, &n);

	return rc ? -1 : n;
}

static int stop_at_first(const struct ipvs_service *s, void *arg)
{
	(void)s;
	(*(int *)arg)++;
	return 42;
}

/* The kernel's own view of its version and table size, from procfs:
 * "IP Virtual Server version 1.2.1 (size=4096)". */
static int proc_info(unsigned *major, unsigned *minor, unsigned *patch, unsigned *size)
{
	FILE *f = fopen("/proc/net/ip_vs", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "IP Virtual Server version %u.%u.%u (size=%u)", major, minor, patch, size);
	fclose(f);
	return n == 4 ? 0 : -1;
}

static void check_errors(void)
{
	struct ipvs_service s = service(AF_INET, IPPROTO_TCP, "10.1.0.1", 80, "wlc");
	struct ipvs_service missing = service(AF_INET, IPPROTO_TCP, "10.1.0.99", 80, "wlc");
	struct ipvs_service bad = service(AF_INET, IPPROTO_TCP, "10.1.0.2", 80, "nosuchsched");
	struct ipvs_dest d = dest(AF_INET, "192.168.20.1", 80, IP_VS_CONN_F_MASQ, 1);
	struct ipvs_dest other = dest(AF_INET, "192.168.20.2", 80, IP_VS_CONN_F_MASQ, 1);
	int rc;

	/* Expected errnos: the ones ipvsadm turns into its messages for the
	 * same failures ("Service already exists", "No such service", ...). */
	expect_ok(ipvs_add_service(h, &s), "add service");
	rc = ipvs_add_service(h, &s);
	CHECK(rc == -EEXIST, "adding it again: -EEXIST (got %d)", rc);
	rc = ipvs_del_service(h, &missing);
	CHECK(rc == -ESRCH, "deleting a missing service: -ESRCH (got %d)", rc);
	rc = ipvs_edit_service(h, &missing);
	CHECK(rc == -ESRCH, "editing a missing service: -ESRCH (got %d)", rc);
	rc = ipvs_add_service(h, &bad);
	CHECK(rc == -ENOENT, "unknown scheduler: -ENOENT (got %d)", rc);
	rc = ipvs_add_dest(h, &missing, &d);
	CHECK(rc == -ESRCH, "dest on a missing service: -ESRCH (got %d)", rc);
	expect_ok(ipvs_add_dest(h, &s, &d), "add dest");
	rc = ipvs_add_dest(h, &s, &d);
	CHECK(rc == -EEXIST, "adding the dest again: -EEXIST (got %d)", rc);
	rc = ipvs_del_dest(h, &s, &other);
	CHECK(rc == -ENOENT, "deleting a missing dest: -ENOENT (got %d)", rc);
	rc = ipvs_edit_dest(h, &s, &other);
	CHECK(rc == -ENOENT, "editing a missing dest: -ENOENT (got %d)", rc);
	rc = ipvs_zero(h, &missing);
	CHECK(rc == -ESRCH, "zeroing a missing service: -ESRCH (got %d)", rc);
	expect_ok(ipvs_del_dest(h, &s, &d), "delete dest");
	expect_ok(ipvs_del_service(h, &s), "delete service");
	rc = ipvs_get_service(h, &s);
	CHECK(rc == -ESRCH, "getting the deleted service: -ESRCH (got %d)", rc);
}

static void check_get_edit(void)
{
	struct ipvs_service s = service(AF_INET6, IPPROTO_UDP, "2001:db8::5", 53, "rr");
	struct ipvs_service got;
	struct ipvs_dest d = dest(AF_INET6, "2001:db8:5::1", 53, IP_VS_CONN_F_MASQ, 4);
	int rc, stopped = 0;
	long n;

	expect_ok(ipvs_add_service(h, &s), "add IPv6 UDP service");
	memset(&got, 0, sizeof(got));
	got.af = AF_INET6;
	got.protocol = IPPROTO_UDP;
	got.addr = s.addr;
	got.port = 53;
	rc = ipvs_get_service(h, &got);
	CHECK(rc == 0 && strcmp(got.sched_name, "rr") == 0 && got.netmask == 128 &&
	      !(got.flags & IP_VS_SVC_F_PERSISTENT),
	      "get service by address: sched rr, netmask 128, not persistent (rc %d)", rc);
	persistent(&s, 1800);
	s.netmask = 48;
	snprintf(s.sched_name, sizeof(s.sched_name), "wlc");
	expect_ok(ipvs_edit_service(h, &s), "edit: wlc, persistent 1800, /48");
	rc = ipvs_get_service(h, &got);
	CHECK(rc == 0 && strcmp(got.sched_name, "wlc") == 0 && got.timeout == 1800 &&
	      got.netmask == 48 && (got.flags & IP_VS_SVC_F_PERSISTENT),
	      "get after edit shows it (sched %s timeout %u netmask %u)", got.sched_name, got.timeout, got.netmask);
	expect_ok(ipvs_add_dest(h, &s, &d), "add IPv6 dest weight 4");
	d.weight = 0;
	d.u_threshold = 7;
	expect_ok(ipvs_edit_dest(h, &s, &d), "edit dest: weight 0, upper threshold 7");
	rc = ipvs_dump_services(h, stop_at_first, &stopped);
	CHECK(rc == 42 && stopped == 1, "a callback's non-zero return stops the dump and is returned");
	n = service_count();
	CHECK(n == 1, "the connection is usable after a stopped dump (%ld services)", n);
}

static void check_info_timeouts(void)
{
	struct ipvs_info info;
	struct ipvs_timeouts t, set = { 1000, 100, 200 }, partial = { 0, 60, 0 };
	unsigned major, minor, patch, size;
	int rc = ipvs_get_info(h, &info);

	if (proc_info(&major, &minor, &patch, &size) < 0) {
		CHECK(0, "read /proc/net/ip_vs");
		return;
	}
	CHECK(rc == 0 && info.version == ((major << 16) | (minor << 8) | patch) &&
	      info.conn_tab_size == size,
	      "info matches /proc/net/ip_vs (version 0x%x size %u)", info.version, info.conn_tab_size);
	rc = ipvs_get_timeouts(h, &t);
	CHECK(rc == 0 && t.tcp == 900 && t.tcp_fin == 120 && t.udp == 300,
	      "timeouts read as the defaults 900 120 300 (%u %u %u)", t.tcp, t.tcp_fin, t.udp);
	expect_ok(ipvs_set_timeouts(h, &set), "set timeouts 1000 100 200");
	rc = ipvs_get_timeouts(h, &t);
	CHECK(rc == 0 && t.tcp == 1000 && t.tcp_fin == 100 && t.udp == 200, "read back 1000 100 200");
	expect_ok(ipvs_set_timeouts(h, &partial), "set only tcpfin (0 leaves the others)");
	rc = ipvs_get_timeouts(h, &t);
	CHECK(rc == 0 && t.tcp == 1000 && t.tcp_fin == 60 && t.udp == 200, "read back 1000 60 200");
}

/* Needs interface "ipvssync0" (multicast, up), created by the script. */
static void check_daemons(void)
{
	struct ipvs_daemon master, backup, got[2];
	int n = -1, rc;

	memset(&master, 0, sizeof(master));
	master.state = IP_VS_STATE_MASTER;
	snprintf(master.mcast_ifn, sizeof(master.mcast_ifn), "ipvssync0");
	master.syncid = 12;
	master.sync_maxlen = 1400;
	master.mcast_port = 8850;
	master.mcast_ttl = 3;
	master.mcast_af = AF_INET;
	inet_pton(AF_INET, "239.1.2.3", &master.mcast_group.v4);
	backup = master;
	backup.state = IP_VS_STATE_BACKUP;
	backup.syncid = 13;
	backup.mcast_port = 8860;
	memset(&backup.mcast_group, 0, sizeof(backup.mcast_group));
	inet_pton(AF_INET, "239.1.2.4", &backup.mcast_group.v4);

	rc = ipvs_get_daemons(h, got, &n);
	CHECK(rc == 0 && n == 0, "no sync daemon at first (n=%d)", n);
	rc = ipvs_start_daemon(h, &master);
	CHECK(rc == 0, "start master sync daemon with group, port, ttl, maxlen (%d)", rc);
	rc = ipvs_start_daemon(h, &master);
	CHECK(rc == -EEXIST, "starting it again: -EEXIST (got %d)", rc);
	rc = ipvs_start_daemon(h, &backup);
	CHECK(rc == 0, "start backup sync daemon (%d)", rc);
	rc = ipvs_get_daemons(h, got, &n);
	CHECK(rc == 0 && n == 2, "two daemons listed (n=%d)", n);
	for (int i = 0; i < n && i < 2; i++) {
		const struct ipvs_daemon *want = got[i].state == IP_VS_STATE_MASTER ? &master : &backup;

		CHECK(strcmp(got[i].mcast_ifn, "ipvssync0") == 0 && got[i].syncid == want->syncid &&
		      got[i].sync_maxlen == want->sync_maxlen && got[i].mcast_port == want->mcast_port &&
		      got[i].mcast_ttl == want->mcast_ttl && got[i].mcast_af == AF_INET &&
		      got[i].mcast_group.v4.s_addr == want->mcast_group.v4.s_addr,
		      "daemon %d (state %u) reads back every attribute", i, got[i].state);
	}
	/* Let the sync threads settle as they would between two ipvsadm runs:
	 * a backup stopped within milliseconds of its start can keep the
	 * kernel's DEL_DAEMON waiting past our reply timeout. */
	usleep(500 * 1000);
	rc = ipvs_stop_daemon(h, &master);
	CHECK(rc == 0, "stop master (%d)", rc);
	rc = ipvs_stop_daemon(h, &master);
	CHECK(rc == -ESRCH, "stopping it again: -ESRCH (got %d)", rc);
	rc = ipvs_get_daemons(h, got, &n);
	CHECK(rc == 0 && n == 1 && got[0].state == IP_VS_STATE_BACKUP, "only the backup left");
	expect_ok(ipvs_stop_daemon(h, &backup), "stop backup");
}

static int cmd_checks(void)
{
	check_errors();
	check_get_edit();
	check_info_timeouts();
	check_daemons();
	expect_ok(ipvs_zero(h, NULL), "zero every counter");
	expect_ok(ipvs_flush(h) == 0 && service_count(), "flush empties the table");
	return unit_exit();
}

/* ---- batches ---- */

/* Service number i: 10.100.x.y:80, distinct for i < 65536. */
static struct ipvs_service numbered_service(long i)
{
	char addr[32];

	snprintf(addr, sizeof(addr), "10.100.%ld.%ld", (i >> 8) & 255, i & 255);
	return service(AF_INET, IPPROTO_TCP, addr, 80, "rr");
}

static int cmd_batch(long n)
{
	long failed_tag = -1, i, count;
	int rc = ipvs_batch_begin(h);

	CHECK(rc == 0, "batch begins");
	for (i = 0; i < n; i++) {
		struct ipvs_service s = numbered_service(i);
		struct ipvs_dest d = dest(AF_INET, "192.168.30.1", 80, IP_VS_CONN_F_MASQ, 1);

		ipvs_batch_tag(h, i + 1);
		rc |= ipvs_add_service(h, &s);
		rc |= ipvs_add_dest(h, &s, &d);
	}
	CHECK(rc == 0, "queueing %ld services with a dest each returned 0", n);
	rc = ipvs_batch_end(h, &failed_tag);
	CHECK(rc == 0, "batch of %ld requests applied (rc %d, tag %ld)", 2 * n, rc, failed_tag);
	count = service_count();
	CHECK(count == n, "dump counts %ld services (%ld)", n, count);
	return unit_exit();
}

static int has_service(long i)
{
	struct ipvs_service s = numbered_service(i);

	return ipvs_get_service(h, &s) == 0;
}

static int cmd_batchfail(long n, long k)
{
	long failed_tag = -1, i, after = 0;
	int rc = ipvs_batch_begin(h);

	for (i = 0; i < n; i++) {
		/* request k re-adds service 0: the kernel refuses it */
		struct ipvs_service s = numbered_service(i == k ? 0 : i);

		ipvs_batch_tag(h, 1000 + i);
		rc |= ipvs_add_service(h, &s);
	}
	rc = ipvs_batch_end(h, &failed_tag);
	CHECK(rc == -EEXIST, "batch reports the failure's errno -EEXIST (got %d)", rc);
	CHECK(failed_tag == 1000 + k, "and its tag %ld (got %ld)", 1000 + k, failed_tag);
	for (i = 1; i < k; i++)
		if (!has_service(i))
			break;
	CHECK(i == k, "every request before the failed one applied (first missing: %ld)", i);
	for (i = k + 1; i < n; i++)
		after += has_service(i);
	/* Documented rule: only the failed request's own chunk may go on. */
	CHECK(!has_service(n - 1) && after < n - k - 1,
	      "requests after it in later sends not applied (%ld of %ld applied, all in its chunk)",
	      after, n - k - 1);
	return unit_exit();
}

/* ---- counters ---- */

static void print_counters(const char *kind, const struct ipvs_stats *st)
{
	printf("%s %llu %llu %llu %llu %llu\n", kind, (unsigned long long)st->conns,
	       (unsigned long long)st->inpkts, (unsigned long long)st->outpkts,
	       (unsigned long long)st->inbytes, (unsigned long long)st->outbytes);
}

static int print_dest_counters(const struct ipvs_dest *d, void *arg)
{
	(void)arg;
	print_counters("dest", &d->stats);
	return 0;
}

static int print_service_counters(const struct ipvs_service *s, void *arg)
{
	(void)arg;
	print_counters("service", &s->stats);
	return ipvs_dump_dests(h, s, print_dest_counters, NULL);
}

static int zero_it(const struct ipvs_service *s, void *arg)
{
	*(int *)arg = ipvs_zero(h, s);
	return 1;   /* the first one only */
}

static int cmd_stats(bool zero_first)
{
	int rc, zrc = -ENOENT;

	if (zero_first) {
		rc = ipvs_dump_services(h, zero_it, &zrc);
		CHECK(rc == 1 && zrc == 0, "zero the first service's counters (%d)", zrc);
		return unit_exit();
	}
	rc = ipvs_dump_services(h, print_service_counters, NULL);
	return rc ? 1 : 0;
}

/* ---- capture ---- */

static struct mnl_socket *cap_nl;
static uint16_t cap_family;
static uint32_t cap_seq = 1000;

/* Sends one request and writes every datagram of the answer to DIR/NAME-K.bin. */
static int capture_one(const char *dir, const char *name, struct nlmsghdr *req)
{
	static char rx[65536];
	int rc = MNL_CB_OK, k = 0;

	if (mnl_socket_sendto(cap_nl, req, req->nlmsg_len) < 0)
		return -1;
	while (rc > MNL_CB_STOP && k < 100) {
		ssize_t n = mnl_socket_recvfrom(cap_nl, rx, sizeof(rx));
		char path[512];
		FILE *f;

		if (n <= 0)
			return -1;
		snprintf(path, sizeof(path), "%s/%s-%d.bin", dir, name, k++);
		f = fopen(path, "wb");
		if (!f || fwrite(rx, 1, (size_t)n, f) != (size_t)n)
			return -1;
		fclose(f);
		rc = mnl_cb_run(rx, (size_t)n, req->nlmsg_seq, mnl_socket_get_portid(cap_nl), NULL, NULL);
	}
	return 0;
}

static struct nlmsghdr *cap_request(char *buf, uint8_t cmd, uint16_t flags)
{
	memset(buf, 0, 1024);
	return genl_put_request(buf, cap_family, flags, ++cap_seq, cmd, IPVS_GENL_VERSION);
}

/* A request about one TCP service, named the way ipvsadm names it. */
static struct nlmsghdr *cap_service_request(char *buf, uint8_t cmd, uint16_t flags,
					    int af, const char *addr, int port)
{
	struct ipvs_service s = service(af, IPPROTO_TCP, addr, port, "");
	struct nlmsghdr *nlh = cap_request(buf, cmd, flags);
	struct nlattr *nest = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);

	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_AF, s.af);
	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PROTOCOL, s.protocol);
	mnl_attr_put(nlh, IPVS_SVC_ATTR_ADDR, sizeof(s.addr), &s.addr);
	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PORT, htons(s.port));
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

/* The requests about one service, each saved under its name. */
struct service_capture {
	const char *name;
	uint8_t cmd;
	uint16_t flags;
	int af;
	const char *addr;
	int port;
};

static const struct service_capture about_one[] = {
	{ "dests-masq", IPVS_CMD_GET_DEST, NLM_F_DUMP, AF_INET, "10.0.0.1", 80 },
	{ "dests-tunnel", IPVS_CMD_GET_DEST, NLM_F_DUMP, AF_INET, "10.0.0.4", 443 },
	{ "dests-mixed", IPVS_CMD_GET_DEST, NLM_F_DUMP, AF_INET, "10.0.0.6", 80 },
	{ "dests-v6", IPVS_CMD_GET_DEST, NLM_F_DUMP, AF_INET6, "2001:db8::1", 80 },
	{ "service-one", IPVS_CMD_GET_SERVICE, NLM_F_ACK, AF_INET, "10.0.0.4", 443 },
	{ "service-missing", IPVS_CMD_GET_SERVICE, NLM_F_ACK, AF_INET, "10.9.9.9", 1 },
};

/* daemons: the sync daemon dump only (the kernel refuses sync daemons while
 * the table has mixed-family dests, so it is captured on its own). */
static int cmd_capture(const char *dir, bool daemons)
{
	char buf[1024];
	struct nlmsghdr *nlh;
	int rc = 0;

	cap_nl = mnl_socket_open(NETLINK_GENERIC);
	if (!cap_nl || mnl_socket_bind(cap_nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    genl_resolve_family(cap_nl, IPVS_GENL_NAME, &cap_family) < 0) {
		printf("not ok - capture: cannot reach the IPVS family\n");
		return 1;
	}
	if (daemons) {
		rc = capture_one(dir, "daemons", cap_request(buf, IPVS_CMD_GET_DAEMON, NLM_F_DUMP));
		mnl_socket_close(cap_nl);
		CHECK(rc == 0, "capture: sync daemon dump saved in %s", dir);
		return unit_exit();
	}
	memset(buf, 0, sizeof(buf));
	nlh = genl_put_request(buf, GENL_ID_CTRL, NLM_F_ACK, ++cap_seq, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IPVS_GENL_NAME);
	rc |= capture_one(dir, "family", nlh);
	rc |= capture_one(dir, "info", cap_request(buf, IPVS_CMD_GET_INFO, NLM_F_ACK));
	rc |= capture_one(dir, "config", cap_request(buf, IPVS_CMD_GET_CONFIG, NLM_F_ACK));
	rc |= capture_one(dir, "services", cap_request(buf, IPVS_CMD_GET_SERVICE, NLM_F_DUMP));
	for (size_t i = 0; i < sizeof(about_one) / sizeof(about_one[0]); i++) {
		const struct service_capture *c = &about_one[i];

		rc |= capture_one(dir, c->name, cap_service_request(buf, c->cmd, c->flags, c->af, c->addr, c->port));
	}
	mnl_socket_close(cap_nl);
	CHECK(rc == 0, "capture: raw replies saved in %s", dir);
	return unit_exit();
}

int main(int argc, char **argv)
{
	int rc;

	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "capture"))
		return cmd_capture(argv[2], argc == 4 && !strcmp(argv[3], "daemons"));

	if (argc < 2) {
		fprintf(stderr, "usage: %s apply|dump|checks|batch N|batchfail N K\n", argv[0]);
		return 2;
	}
	rc = ipvs_open(&h);
	if (rc) {
		printf("not ok - ipvs_open: %s\n", strerror(-rc));
		return 1;
	}
	if (!strcmp(argv[1], "apply"))
		rc = cmd_apply();
	else if (!strcmp(argv[1], "dump"))
		rc = cmd_dump();
	else if (!strcmp(argv[1], "stats"))
		rc = cmd_stats(false);
	else if (!strcmp(argv[1], "zero-first"))
		rc = cmd_stats(true);
	else if (!strcmp(argv[1], "checks"))
		rc = cmd_checks();
	else if (!strcmp(argv[1], "batch") && argc == 3)
		rc = cmd_batch(atol(argv[2]));
	else if (!strcmp(argv[1], "batchfail") && argc == 4)
		rc = cmd_batchfail(atol(argv[2]), atol(argv[3]));
	else {
		fprintf(stderr, "unknown command %s\n", argv[1]);
		rc = 2;
	}
	ipvs_close(h);
	return rc;
}
