/*
 * test_ipvs_diff.c - core/lvs/ipvs_diff: the wanted table against fake
 * kernel dumps. What changes, what is left alone, in which order, and that
 * the work stays proportional to the table (probes counted, not timed).
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "ipvs_diff.h"
#include "unit.h"

static struct ipvs_service tcp4(uint32_t addr, uint16_t port)
{
	struct ipvs_service s;

	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_TCP;
	s.addr.v4.s_addr = htonl(addr);
	s.port = port;
	strcpy(s.sched_name, "wlc");
	return s;
}

static struct ipvs_service fwm(uint32_t mark, int af)
{
	struct ipvs_service s;

	memset(&s, 0, sizeof(s));
	s.af = (uint16_t)af;
	s.fwmark = mark;
	strcpy(s.sched_name, "rr");
	return s;
}

static struct ipvs_service tcp6(const char *addr, uint16_t port)
{
	struct ipvs_service s;

	memset(&s, 0, sizeof(s));
	s.af = AF_INET6;
	s.protocol = IPPROTO_TCP;
	inet_pton(AF_INET6, addr, &s.addr.v6);
	s.port = port;
	strcpy(s.sched_name, "wlc");
	return s;
}

static struct ipvs_dest dest4(uint32_t addr, uint16_t port, int weight)
{
	struct ipvs_dest d;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	d.addr.v4.s_addr = htonl(addr);
	d.port = port;
	d.weight = weight;
	d.conn_flags = IP_VS_CONN_F_MASQ;
	return d;
}

static struct ipvs_dest dest6(const char *addr, uint16_t port, int weight)
{
	struct ipvs_dest d;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET6;
	inet_pton(AF_INET6, addr, &d.addr.v6);
	d.port = port;
	d.weight = weight;
	d.conn_flags = IP_VS_CONN_F_DROUTE;
	return d;
}

static void want_dest(struct want_svc *ws, const struct ipvs_dest *d)
{
	ws->dests = realloc(ws->dests, (size_t)(ws->ndests + 1) * sizeof(*ws->dests));
	memset(&ws->dests[ws->ndests], 0, sizeof(ws->dests[0]));
	ws->dests[ws->ndests].dest = kernel_dest_of(d);
	ws->dests[ws->ndests].rs = ws->ndests;
	ws->ndests++;
}

/* The kernel as lvsd left it after a pass: the same table, all of it ours. */
static void mirror(const struct want *w, struct kernel_table *k, struct ipvs_keymap *os, struct ipvs_keymap *od)
{
	memset(k, 0, sizeof(*k));
	for (int i = 0; i < w->n; i++) {
		kernel_table_add_svc(k, &w->v[i].svc);
		struct ipvs_key key = ipvs_svc_key(&w->v[i].svc);
		ipvs_keymap_put(os, &key, 0);
		for (int j = 0; j < w->v[i].ndests; j++) {
			struct ipvs_dest d = kernel_dest_request(&w->v[i].dests[j].dest);
			d.activeconns = 7;           /* counters are never a change */
			d.stats.conns = 1000;
			kernel_table_add_dest(&k->v[k->n - 1], &d);
			key = ipvs_dest_key(&w->v[i].svc, &d);
			ipvs_keymap_put(od, &key, 0);
		}
	}
}

/* Two services of three real servers each, one fwmark IPv4 and one IPv6. */
static void small_table(struct want *w)
{
	memset(w, 0, sizeof(*w));
	struct ipvs_service svcs[4] = { tcp4(0x0a000001, 80), tcp4(0x0a000002, 443), fwm(5, AF_INET),
					tcp6("2001:db8::10", 80) };
	for (int i = 0; i < 4; i++) {
		struct want_svc *ws = want_add(w, &svcs[i], i);
		for (int r = 0; r < 3; r++) {
			struct ipvs_dest d = i == 3 ? dest6(r == 0 ? "2001:db8::1" : r == 1 ? "2001:db8::2" : "2001:db8::3", 80, 1)
						    : dest4(0xc0000201 + (uint32_t)r, i == 2 ? 0 : 8080, 1 + r);
			want_dest(ws, &d);
		}
	}
}

struct fixture {
	struct want w;
	struct kernel_table k;
	struct ipvs_keymap os, od;
	struct ipvs_actions a;
};

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	small_table(&f->w);
	mirror(&f->w, &f->k, &f->os, &f->od);
}

static int run(struct fixture *f)
{
	ipvs_actions_free(&f->a);
	return ipvs_diff(&f->w, &f->k, &f->os, &f->od, &f->a);
}

static void teardown(struct fixture *f)
{
	want_free(&f->w);
	kernel_table_free(&f->k);
	ipvs_keymap_free(&f->os);
	ipvs_keymap_free(&f->od);
	ipvs_actions_free(&f->a);
}

static void test_no_change(void)
{
	struct fixture f;

	setup(&f);
	CHECK(run(&f) == 0 && f.a.n == 0, "the same table: no action");
	CHECK(f.w.v[1].have == &f.k.v[1] && f.w.v[1].dests[2].have == &f.k.v[1].dests[2],
	      "each wanted service and dest is matched to the kernel's");
	CHECK(f.w.v[3].have == &f.k.v[3] && f.w.v[2].dests[0].have == &f.k.v[2].dests[0],
	      "fwmark and IPv6 services are matched too");
	teardown(&f);
}

static void test_one_real_server(void)
{
	struct fixture f;

	setup(&f);
	f.w.v[1].dests[1].dest.weight = 9;
	CHECK(run(&f) == 0 && f.a.n == 1, "one real server's weight changed: exactly one action");
	CHECK(f.a.v[0].kind == IPVS_EDIT_DEST && f.a.v[0].want == 1 && f.a.v[0].dest == 1 &&
	      f.a.v[0].have == &f.k.v[1].dests[1] && f.a.v[0].svc == &f.w.v[1].svc,
	      "it edits that dest, naming the kernel's old one");

	f.w.v[1].dests[1].dest.weight = f.k.v[1].dests[1].weight;
	f.w.v[0].dests[0].dest.weight = 0;   /* inhibit_on_failure: down, kept at weight 0 */
	CHECK(run(&f) == 0 && f.a.n == 1 && f.a.v[0].kind == IPVS_EDIT_DEST && f.a.v[0].want == 0 &&
	      f.a.v[0].dest == 0, "weight 0 (inhibited) is an edit, not a removal");

	f.w.v[0].dests[0].dest.weight = f.k.v[0].dests[0].weight;
	f.w.v[0].dests[2].dest.conn_flags = IP_VS_CONN_F_DROUTE;
	CHECK(run(&f) == 0 && f.a.n == 1 && f.a.v[0].kind == IPVS_EDIT_DEST, "a forwarding method change is an edit");
	f.w.v[0].dests[2].dest.conn_flags = IP_VS_CONN_F_MASQ;
	f.w.v[0].dests[2].dest.u_threshold = 100;
	CHECK(run(&f) == 0 && f.a.n == 1 && f.a.v[0].kind == IPVS_EDIT_DEST, "a threshold change is an edit");
	f.w.v[0].dests[2].dest.u_threshold = 0;
	f.w.v[0].dests[2].dest.tun_type = 1;
	CHECK(run(&f) == 0 && f.a.n == 0, "what is not compared (tunnel type, counters) is no change");
	teardown(&f);
}

static void test_service_edits(void)
{
	struct fixture f;

	setup(&f);
	strcpy(f.w.v[0].svc.sched_name, "rr");
	CHECK(run(&f) == 0 && f.a.n == 1 && f.a.v[0].kind == IPVS_EDIT_SVC && f.a.v[0].want == 0,
	      "a scheduler change edits the service, and only that");
	strcpy(f.w.v[0].svc.sched_name, "wlc");

	f.w.v[1].svc.flags |= IP_VS_SVC_F_PERSISTENT;
	f.w.v[1].svc.timeout = 300;
	f.w.v[1].svc.netmask = 0xffffffff;
	CHECK(run(&f) == 0 && f.a.n == 1 && f.a.v[0].kind == IPVS_EDIT_SVC && f.a.v[0].want == 1,
	      "persistence turned on is an edit");
	f.k.v[1].svc.flags |= IP_VS_SVC_F_PERSISTENT;
	f.k.v[1].svc.timeout = 300;
	f.k.v[1].svc.netmask = 0xffffffff;
	CHECK(run(&f) == 0 && f.a.n == 0, "the same persistence: no action");
	f.w.v[1].svc.timeout = 600;
	CHECK(run(&f) == 0 && f.a.n == 1 && f.a.v[0].kind == IPVS_EDIT_SVC, "a persistence timeout change is an edit");
	f.w.v[1].svc.timeout = 300;
	f.w.v[1].svc.netmask = htonl(0xffffff00);
	CHECK(run(&f) == 0 && f.a.n == 1 && f.a.v[0].kind == IPVS_EDIT_SVC, "a granularity change is an edit");

	f.w.v[0].svc.timeout = 77;          /* not persistent: timeout and netmask do not count */
	f.k.v[0].svc.netmask = 12;
	f.w.v[1].svc.netmask = 0xffffffff;
	f.k.v[0].svc.flags |= IP_VS_SVC_F_HASHED;
	CHECK(run(&f) == 0 && f.a.n == 0, "timeout/netmask of a non-persistent service and kernel-only flags are no change");

	f.w.v[2].svc.flags |= IP_VS_SVC_F_ONEPACKET;
	strcpy(f.w.v[3].svc.sched_name, "sh");
	CHECK(run(&f) == 0 && f.a.n == 2 && f.a.v[0].kind == IPVS_EDIT_SVC && f.a.v[0].want == 2 &&
	      f.a.v[1].kind == IPVS_EDIT_SVC && f.a.v[1].want == 3, "fwmark (one-packet) and IPv6 (scheduler) edits");
	teardown(&f);
}

static void test_repair(void)
{
	struct fixture f;

	setup(&f);
	/* Someone ran ipvsadm -D on the second service. */
	free(f.k.v[1].dests);
	memmove(&f.k.v[1], &f.k.v[2], 2 * sizeof(f.k.v[0]));
	f.k.n--;
	CHECK(run(&f) == 0 && f.a.n == 4, "a missing service: its add and its three dests'");
	CHECK(f.a.v[0].kind == IPVS_ADD_SVC && f.a.v[0].want == 1 && f.a.v[0].repair, "the service first, as a repair");
	bool dests = true;
	for (int j = 0; j < 3; j++)
		dests &= f.a.v[1 + j].kind == IPVS_ADD_DEST && f.a.v[1 + j].want == 1 && f.a.v[1 + j].dest == j &&
			 f.a.v[1 + j].repair;
	CHECK(dests, "then its dests in wanted order, as repairs");
	CHECK(f.w.v[1].have == NULL && f.w.v[2].have == &f.k.v[1], "the others still match");
	teardown(&f);

	setup(&f);
	f.k.v[3].ndests = 1;    /* two IPv6 dests deleted from outside */
	CHECK(run(&f) == 0 && f.a.n == 2 && f.a.v[0].kind == IPVS_ADD_DEST && f.a.v[0].dest == 1 && f.a.v[0].repair &&
	      f.a.v[1].kind == IPVS_ADD_DEST && f.a.v[1].dest == 2, "missing IPv6 dests are added again");
	ipvs_keymap_free(&f.od);
	CHECK(run(&f) == 0 && f.a.n == 2 && !f.a.v[0].repair && !f.a.v[1].repair,
	      "a dest never ours is added, not repaired");
	ipvs_keymap_free(&f.os);
	free(f.k.v[0].dests);
	memmove(&f.k.v[0], &f.k.v[1], 3 * sizeof(f.k.v[0]));
	f.k.n--;
	CHECK(run(&f) == 0 && f.a.v[0].kind == IPVS_ADD_SVC && !f.a.v[0].repair, "a service never ours is added, not repaired");
	teardown(&f);
}

static void test_foreign(void)
{
	struct fixture f;

	setup(&f);
	/* A service and a dest someone else added: not ours, left alone. */
	struct ipvs_service other = tcp4(0x0a0000ff, 25);
	struct ipvs_dest od = dest4(0xc0000299, 25, 1);
	kernel_table_add_svc(&f.k, &other);
	kernel_table_add_dest(&f.k.v[f.k.n - 1], &od);
	kernel_table_add_dest(&f.k.v[0], &od);
	CHECK(run(&f) == 0 && f.a.n == 0, "a foreign service and a foreign dest in our service: left alone");

	/* The config dropped a service and a real server: ours, so removed. */
	f.w.v[1].ndests = 2;
	struct want_svc gone = f.w.v[2];
	memmove(&f.w.v[2], &f.w.v[3], sizeof(f.w.v[0]));
	f.w.n--;
	CHECK(run(&f) == 0 && f.a.n == 2, "a removed real server and a removed service: two actions");
	CHECK(f.a.v[0].kind == IPVS_DEL_DEST && f.a.v[0].want == 1 && f.a.v[0].have == &f.k.v[1].dests[2],
	      "the dest first, with its service's pass");
	CHECK(f.a.v[1].kind == IPVS_DEL_SVC && f.a.v[1].want == -1 && f.a.v[1].svc == &f.k.v[2].svc,
	      "the service last, alone (its dests go with it)");
	free(gone.dests);

	/* A wanted service someone else made: adopted, its extra dests kept. */
	ipvs_keymap_free(&f.os);
	ipvs_keymap_free(&f.od);
	CHECK(run(&f) == 0 && f.a.n == 0, "nothing owned: the dropped service and dest stay");
	f.w.v[0].dests[0].dest.weight = 50;
	CHECK(run(&f) == 0 && f.a.n == 1 && f.a.v[0].kind == IPVS_EDIT_DEST, "an adopted service is still edited");

	/* A service whose dests could not be dumped gets no dest actions. */
	f.k.v[0].dests_err = -5;
	strcpy(f.w.v[0].svc.sched_name, "lc");
	CHECK(run(&f) == 0 && f.a.n == 1 && f.a.v[0].kind == IPVS_EDIT_SVC, "failed dest dump: the service edit only");
	teardown(&f);
}

static void test_sorry_and_twins(void)
{
	struct fixture f;

	setup(&f);
	/* Quorum lost: the real servers leave, the sorry server comes. */
	struct ipvs_dest sorry = dest4(0xc0000264, 80, 1);
	int old = f.w.v[0].ndests;
	f.w.v[0].ndests = 0;
	want_dest(&f.w.v[0], &sorry);
	f.w.v[0].dests[0].rs = -1;
	CHECK(run(&f) == 0 && f.a.n == 1 + (size_t)old, "sorry server: one add and the real servers' removals");
	CHECK(f.a.v[0].kind == IPVS_ADD_DEST && f.a.v[0].want == 0 && !f.a.v[0].repair &&
	      f.a.v[1].kind == IPVS_DEL_DEST && f.a.v[3].kind == IPVS_DEL_DEST && f.a.v[3].have == &f.k.v[0].dests[2],
	      "the add before the removals, the removals in the kernel's order");
	teardown(&f);

	/* Two virtual servers naming one service: each is compared on its own. */
	setup(&f);
	struct want_svc *twin = want_add(&f.w, &f.w.v[0].svc, 9);
	struct ipvs_dest d0 = kernel_dest_request(&f.w.v[0].dests[0].dest);
	want_dest(twin, &d0);
	CHECK(run(&f) == 0 && f.a.n == 2 && f.a.v[0].kind == IPVS_DEL_DEST && f.a.v[0].want == 4 &&
	      f.a.v[1].kind == IPVS_DEL_DEST && f.a.v[1].want == 4,
	      "a twin removes the first one's dests it does not want, as before");
	teardown(&f);
}

/* A table of n services and about 16.3 real servers each. */
static void big_table(struct want *w, int nsvc, int ndest)
{
	memset(w, 0, sizeof(*w));
	for (int i = 0; i < nsvc; i++) {
		struct ipvs_service s = i % 50 == 7 ? fwm((uint32_t)i + 1, AF_INET) : tcp4(0x0a000000 + (uint32_t)i, 80);
		struct want_svc *ws = want_add(w, &s, i);
		int per = ndest / nsvc + (i < ndest % nsvc);
		ws->dests = calloc((size_t)per, sizeof(*ws->dests));
		for (int r = 0; r < per; r++) {
			struct ipvs_dest d = dest4(0xac100000 + (uint32_t)(i * 17 + r), 8080, 1);
			ws->dests[r].dest = kernel_dest_of(&d);
			ws->dests[r].rs = r;
		}
		ws->ndests = per;
	}
}

static unsigned long big_probes(int nsvc, int ndest, size_t *nactions)
{
	struct fixture f;

	memset(&f, 0, sizeof(f));
	big_table(&f.w, nsvc, ndest);
	mirror(&f.w, &f.k, &f.os, &f.od);
	f.w.v[nsvc / 2].dests[3].dest.weight = 0;
	ipvs_keymap_probes = 0;
	int rc = run(&f);
	unsigned long probes = ipvs_keymap_probes;
	*nactions = rc == 0 ? f.a.n : (size_t)-1;
	teardown(&f);
	return probes;
}

static void test_linear(void)
{
	size_t n1, n2;
	unsigned long p1 = big_probes(2284, 37294, &n1);
	unsigned long p2 = big_probes(2 * 2284, 2 * 37294, &n2);
	unsigned long entries = 2284 + 37294;

	CHECK(n1 == 1 && n2 == 1, "2,284 services, 37,294 real servers, one weight changed: one action");
	CHECK(p1 <= 16 * entries, "hash probes %lu within 16 per entry (%lu entries)", p1, entries);
	CHECK(p2 <= 16 * 2 * entries, "twice the table: probes %lu within 16 per entry", p2);
	CHECK(p2 * 10 <= p1 * 25, "twice the table, at most 2.5 times the work (%lu vs %lu)", p2, p1);
}

/* The table the actions leave: comparing with it again changes nothing, and
 * it keeps what is not ours and the kernel's counters. */
static void test_table_after(void)
{
	struct fixture f;
	struct kernel_table after;

	setup(&f);
	struct ipvs_service other = tcp4(0x0a0000ff, 25);
	struct ipvs_dest od = dest4(0xc0000299, 25, 1);
	kernel_table_add_svc(&f.k, &other);
	kernel_table_add_dest(&f.k.v[0], &od);
	f.w.v[0].dests[0].dest.weight = 50;           /* an edit */
	f.w.v[1].ndests = 2;                           /* a removed dest */
	free(f.w.v[2].dests);                          /* a removed service */
	memmove(&f.w.v[2], &f.w.v[3], sizeof(f.w.v[0]));
	f.w.n--;
	struct ipvs_service fresh = tcp4(0x0a000009, 80);
	struct want_svc *ws = want_add(&f.w, &fresh, 9);   /* a new service */
	struct ipvs_dest d1 = dest4(0xc0000301, 80, 3), d2 = dest4(0xc0000302, 80, 4);
	want_dest(ws, &d1);
	want_dest(ws, &d2);
	CHECK(run(&f) == 0 && f.a.n == 6, "edit, dest removal, service add with two dests, service removal");
	CHECK(kernel_table_after(&f.w, &f.k, &f.a, &after) == 0, "the table after is built");
	CHECK(after.n == 5, "five services: the foreign one, three kept, the new one (got %zu)", after.n);
	CHECK(after.v[0].svc.port == 25 && after.v[0].ndests == 0, "the foreign service stays as it was");
	CHECK(after.v[1].ndests == 4 && after.v[1].dests[0].weight == 50 && after.v[1].dests[3].port == 25,
	      "the edited weight, and the foreign dest kept in our service");
	CHECK(after.v[1].dests[1].activeconns == 7 && after.v[1].dests[0].conns == 1000,
	      "the kernel's counters are kept");
	CHECK(after.v[2].ndests == 2 && after.v[4].ndests == 2, "the removed dest is gone, the new ones are in");
	for (size_t i = 0; i < after.n; i++)
		CHECK(after.v[i].dests_known == (i > 0), "dests known for the wanted services only (%zu)", i);
	bool exact = after.cap == after.n;
	for (size_t i = 0; i < after.n; i++)
		exact = exact && after.v[i].dests_cap == after.v[i].ndests;
	CHECK(exact, "the table after keeps no spare room (lvsd keeps it between passes)");
	for (size_t i = 0; i < f.a.n; i++)
		if (f.a.v[i].kind == IPVS_ADD_SVC || f.a.v[i].kind == IPVS_ADD_DEST) {
			struct ipvs_key k = f.a.v[i].kind == IPVS_ADD_SVC ? ipvs_svc_key(f.a.v[i].svc)
				: kernel_dest_key(f.a.v[i].svc, &f.w.v[f.a.v[i].want].dests[f.a.v[i].dest].dest);
			ipvs_keymap_put(f.a.v[i].kind == IPVS_ADD_SVC ? &f.os : &f.od, &k, 0);
		}
	struct ipvs_actions again;
	CHECK(ipvs_diff(&f.w, &after, &f.os, &f.od, &again) == 0 && again.n == 0,
	      "compared with the table after, nothing more to do (got %zu actions)", again.n);
	ipvs_actions_free(&again);
	kernel_table_free(&after);

	/* Two wanted services that are one kernel service: it cannot tell. */
	struct want_svc twin = f.w.v[0];
	twin.dests = NULL;
	twin.ndests = 0;
	want_add(&f.w, &twin.svc, 0);
	CHECK(run(&f) == 0 && kernel_table_after(&f.w, &f.k, &f.a, &after) == 1 && after.n == 0,
	      "twins: no table after");
	teardown(&f);
}

/* What a pass keeps of a dest names it in a request as the dump gave it. */
static void test_kernel_dest(void)
{
	struct ipvs_dest d, back;

	memset(&d, 0, sizeof(d));
	d.af = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::7", &d.addr.v6);
	d.port = 8443;
	d.conn_flags = IP_VS_CONN_F_TUNNEL;
	d.weight = 3;
	d.u_threshold = 100;
	d.l_threshold = 10;
	d.tun_type = 1;
	d.tun_port = 6080;
	d.tun_flags = 2;
	d.activeconns = 4;
	d.stats.conns = 99;
	d.stats.inbytes = 12345;
	struct kernel_dest kd = kernel_dest_of(&d);
	back = kernel_dest_request(&kd);
	bool same = back.af == d.af && memcmp(&back.addr, &d.addr, sizeof(d.addr)) == 0 && back.port == d.port &&
		back.conn_flags == d.conn_flags && back.weight == d.weight && back.u_threshold == d.u_threshold &&
		back.l_threshold == d.l_threshold && back.tun_type == d.tun_type && back.tun_port == d.tun_port &&
		back.tun_flags == d.tun_flags && back.activeconns == 0 && back.stats.conns == 0 && back.stats.inbytes == 0;
	CHECK(kd.conns == 99 && kd.activeconns == 4 && same,
	      "a kept dest: its connection counts, and the same dest in a request, counters left out");
	struct ipvs_service s;
	memset(&s, 0, sizeof(s));
	s.af = AF_INET6;
	s.protocol = IPPROTO_TCP;
	s.port = 443;
	struct ipvs_key a = ipvs_dest_key(&s, &d), b = kernel_dest_key(&s, &kd);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0, "and the same key");
	CHECK(sizeof(struct kernel_dest) <= sizeof(struct ipvs_dest) / 2, "at most half a dump's dest (%zu of %zu bytes)",
	      sizeof(struct kernel_dest), sizeof(struct ipvs_dest));
}

/* Deleting from the owned sets (a reload in pieces): every key not deleted
 * is still found, none deleted is, in a random order of deletions. */
static void test_keymap_del(void)
{
	enum { N = 3000 };
	struct ipvs_keymap m;
	struct ipvs_key keys[N];
	bool gone[N];
	int found_ok = 1, deleted_ok = 1, count_ok = 1;

	memset(&m, 0, sizeof(m));
	memset(keys, 0, sizeof(keys));
	for (int i = 0; i < N; i++) {
		keys[i].svc_af = AF_INET;
		keys[i].protocol = IPPROTO_TCP;
		keys[i].svc_port = (uint16_t)(i % 7);
		memcpy(keys[i].dest_addr, &i, sizeof(i));
		gone[i] = false;
		ipvs_keymap_put(&m, &keys[i], (size_t)i);
	}
	srand(7);
	for (int round = 0; round < 2 * N; round++) {
		int i = rand() % N;
		int r = ipvs_keymap_del(&m, &keys[i]);
		deleted_ok &= r == (gone[i] ? 0 : 1);
		gone[i] = true;
		if (round % 97 == 0)
			for (int j = 0; j < N; j++) {
				const struct ipvs_keymap_entry *e = ipvs_keymap_get(&m, &keys[j]);
				found_ok &= gone[j] ? e == NULL : e && e->val == (size_t)j;
			}
	}
	size_t left = 0;
	for (int i = 0; i < N; i++)
		left += !gone[i];
	count_ok = m.n == left;
	CHECK(deleted_ok, "a key is deleted once; deleting it again finds nothing");
	CHECK(found_ok, "after each deletion every other key is still found, with its value");
	CHECK(count_ok, "the map holds the keys left (%zu of %zu)", m.n, left);
	for (int i = 0; i < N; i++)
		if (gone[i])
			ipvs_keymap_put(&m, &keys[i], (size_t)i);
	int back = 1;
	for (int i = 0; i < N; i++)
		back &= ipvs_keymap_has(&m, &keys[i]);
	CHECK(back && m.n == N, "and deleted keys can be put back");
	ipvs_keymap_free(&m);
}

int main(void)
{
	test_keymap_del();
	test_kernel_dest();
	test_no_change();
	test_one_real_server();
	test_service_edits();
	test_repair();
	test_foreign();
	test_sorry_and_twins();
	test_table_after();
	test_linear();
	return unit_exit();
}
