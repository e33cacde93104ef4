/*
 * test_lvs_model.c - core/lvs/lvs_model: what a reload carries over and
 * what the wanted table holds, on virtual servers small enough for the
 * linear look-ups and large enough for the indexed ones. A reloaded config
 * that lists its virtual servers and real servers in another order keeps
 * each server's health by name. A real server written twice is dropped
 * with a warning when the config is read (keepalived 2.2.7 keeps the first);
 * two lines that IPVS sees as one dest (DR servers on one address with
 * different ports: both go in on the virtual server's port) are one dest,
 * the first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf.h"
#include "lvs_model.h"
#include "unit.h"

#define BIG 40   /* real servers of the large virtual server: past DEST_SCAN_MAX */

static struct conf_keepalived *load(const char *text)
{
	struct conf_tree *t = conf_parse_buffer("t.conf", text, strlen(text), CONF_NO_INCLUDE);
	return t ? conf_keepalived_load(t) : NULL;
}

/* dup_of: one more line for host 10.0.1.DUP_OF, on port dup_port, weight 99 */
static void add_vs(char *buf, size_t size, const char *addr, int nrs, bool reversed, int dup_of, int dup_port)
{
	size_t len = strlen(buf);

	len += (size_t)snprintf(buf + len, size - len, "virtual_server %s 80 {\n protocol TCP\n lb_algo wlc\n lb_kind DR\n", addr);
	for (int i = 0; i < nrs; i++) {
		int host = reversed ? nrs - i : i + 1;
		len += (size_t)snprintf(buf + len, size - len, " real_server 10.0.1.%d 80 {\n  weight %d\n }\n",
					host, host);
	}
	if (dup_of)
		len += (size_t)snprintf(buf + len, size - len, " real_server 10.0.1.%d %d {\n  weight 99\n }\n", dup_of,
					dup_port);
	snprintf(buf + len, size - len, "}\n");
}

static const struct lrs *rs_named(const struct lvs *vs, const char *name)
{
	char have[LRS_NAME_MAX];
	for (int r = 0; r < vs->nrs; r++)
		if (strcmp(lrs_name(&vs->rs[r], have), name) == 0)
			return &vs->rs[r];
	return NULL;
}

static const struct want_svc *svc_of(const struct want *w, int vs)
{
	for (int i = 0; i < w->n; i++)
		if (w->v[i].vs == vs)
			return &w->v[i];
	return NULL;
}

static void test_reload_carries_by_name(void)
{
	static char before[8192], after[8192];

	add_vs(before, sizeof(before), "10.0.0.1", 3, false, 0, 0);
	add_vs(before, sizeof(before), "10.0.0.2", BIG, false, 0, 0);
	/* the reloaded config: the two virtual servers swapped, the large one's servers reversed */
	add_vs(after, sizeof(after), "10.0.0.2", BIG, true, 0, 0);
	add_vs(after, sizeof(after), "10.0.0.1", 3, false, 0, 0);
	add_vs(after, sizeof(after), "10.0.0.3", 2, false, 0, 0);
	struct conf_keepalived *c1 = load(before), *c2 = load(after);
	struct lvs *m1 = NULL, *m2 = NULL;
	int n1 = 0, n2 = 0;

	CHECK(c1 && c2 && c1->tree->nerrors == 0 && c2->tree->nerrors == 0, "both configs load");
	if (!c1 || !c2 || model_build(c1, NULL, 0, &m1, &n1) != 0 || n1 != 2)
		return;
	/* checkd said: 10.0.1.2 down in the small one, every odd host down in the large one */
	m1[0].rs[1].up = false;
	for (int r = 0; r < m1[1].nrs; r++)
		m1[1].rs[r].up = r % 2 != 0;
	m1[1].rs[5].transitions = 7;
	lrs_reason_set(&m1[1].rs[5], "connected in 2 ms", 17);
	CHECK(model_build(c2, m1, n1, &m2, &n2) == 0 && n2 == 3, "the reloaded model has three virtual servers");
	if (!m2 || n2 != 3)
		return;
	CHECK(strcmp(m2[0].name, "tcp/10.0.0.2:80") == 0 && m2[0].carried, "the large one, now first, is carried");
	CHECK(strcmp(m2[1].name, "tcp/10.0.0.1:80") == 0 && m2[1].carried, "the small one, now second, is carried");
	CHECK(!m2[2].carried, "the new one is not");
	int same = 0;
	for (int r = 0; r < m2[0].nrs; r++) {
		char name[LRS_NAME_MAX];
		const struct lrs *old = rs_named(&m1[1], lrs_name(&m2[0].rs[r], name));
		same += old && old->up == m2[0].rs[r].up;
	}
	CHECK(same == BIG, "every server of the reversed large one has its own health (%d of %d)", same, BIG);
	const struct lrs *sixth = rs_named(&m2[0], "10.0.1.6:80");
	CHECK(sixth && sixth->transitions == 7 && sixth->up, "10.0.1.6:80 keeps its transitions and is up");
	CHECK(sixth && sixth->reason && strcmp(sixth->reason, "connected in 2 ms") == 0,
	      "and its reason");
	CHECK(!m2[1].rs[1].up && m2[1].rs[0].up && m2[1].rs[2].up, "the small one: only 10.0.1.2:80 is down");
	model_free(m1, n1);
	CHECK(sixth && sixth->reason && strcmp(sixth->reason, "connected in 2 ms") == 0,
	      "its reason outlives the old model");
	model_free(m2, n2);
	conf_keepalived_free(c2);
	conf_keepalived_free(c1);
}

static void test_duplicate_dropped(void)
{
	static char text[8192];

	add_vs(text, sizeof(text), "10.0.0.1", 3, false, 2, 80);
	struct conf_keepalived *conf = load(text);

	CHECK(conf && conf->tree->nerrors == 0 && conf->tree->ndiags == 1, "a real server written twice: one warning");
	CHECK(conf && conf->nvirtual_servers == 1 && conf->virtual_servers[0].nreal_servers == 3 &&
	      conf->virtual_servers[0].real_servers[1].weight == 2, "the second is dropped, the first stays with weight 2");
	conf_keepalived_free(conf);
}

static void test_one_dest(void)
{
	static char text[8192];

	add_vs(text, sizeof(text), "10.0.0.1", 3, false, 2, 8080);
	add_vs(text, sizeof(text), "10.0.0.2", BIG, false, 17, 8080);
	struct conf_keepalived *conf = load(text);
	struct lvs *m = NULL;
	struct want w;
	int n = 0;

	if (!conf || model_build(conf, NULL, 0, &m, &n) != 0 || n != 2) {
		CHECK(0, "the config loads");
		return;
	}
	CHECK(m[0].nrs == 4 && m[1].nrs == BIG + 1, "the model has every line (%d, %d)", m[0].nrs, m[1].nrs);
	if (build_want(conf, m, n, &w) != 0) {
		CHECK(0, "the wanted table builds");
		return;
	}
	const struct want_svc *small = svc_of(&w, 0), *big = svc_of(&w, 1);
	CHECK(small && small->ndests == 3, "small: DR 10.0.1.2 on ports 80 and 8080 is one dest (%d)",
	      small ? small->ndests : -1);
	CHECK(big && big->ndests == BIG, "large: DR 10.0.1.17 on ports 80 and 8080 is one dest (%d)",
	      big ? big->ndests : -1);
	int w2 = -1, w17 = -1;
	for (int d = 0; small && d < small->ndests; d++)
		if (small->dests[d].rs == 1)
			w2 = (int)small->dests[d].dest.weight;
	for (int d = 0; big && d < big->ndests; d++)
		if (big->dests[d].rs == 16)
			w17 = (int)big->dests[d].dest.weight;
	CHECK(w2 == 2 && w17 == 17, "the first line wins: weights %d and %d, not 99", w2, w17);
	want_free(&w);
	model_free(m, n);
	conf_keepalived_free(conf);
}

/* The longest name a real server can have fits LRS_NAME_MAX whole: checkd's
 * events name it the same way, and a cut name would match nothing. */
static void test_longest_name(void)
{
	static const char text[] =
		"virtual_server ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe 65535 {\n protocol TCP\n"
		" real_server ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 {\n  weight 1\n }\n}\n";
	struct conf_keepalived *conf = load(text);
	struct lvs *m = NULL;
	int n = 0;

	if (!conf || model_build(conf, NULL, 0, &m, &n) != 0 || n != 1 || m[0].nrs != 1) {
		CHECK(0, "the IPv6 config loads");
		conf_keepalived_free(conf);
		return;
	}
	char name[LRS_NAME_MAX];
	CHECK(strcmp(lrs_name(&m[0].rs[0], name), "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535") == 0,
	      "the longest real server name is whole (%s)", name);
	model_free(m, n);
	conf_keepalived_free(conf);
}

/* A quorum above what the real servers weigh together would keep the
 * sorry server in for good; keepalived lowers it to their total, so the
 * service is up once every server is. */
static void test_quorum_within_weight(void)
{
	static const char text[] =
		"virtual_server 10.0.0.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n quorum 5\n"
		" sorry_server 10.0.0.9 80\n real_server 10.0.0.2 80 {\n  weight 1\n }\n"
		" real_server 10.0.0.3 80 {\n  weight 2\n }\n}\n";
	struct conf_keepalived *conf = load(text);
	struct lvs *m = NULL;
	struct want w = { 0 };
	int n = 0;

	if (!conf || model_build(conf, NULL, 0, &m, &n) != 0 || n != 1) {
		CHECK(0, "the quorum config loads");
		conf_keepalived_free(conf);
		return;
	}
	CHECK(conf->virtual_servers[0].quorum == 3 && m[0].quorum_up,
	      "quorum 5 over weights 1 + 2 becomes 3: both servers up (no checkers), the quorum is held");
	CHECK(build_want(conf, m, n, &w) == 0 && w.n == 1 && w.v[0].ndests == 2 && w.v[0].dests[0].rs == 0 &&
	      w.v[0].dests[1].rs == 1, "and the real servers are in IPVS, not the sorry server");
	want_free(&w);
	model_free(m, n);
	conf_keepalived_free(conf);
}

int main(void)
{
	test_reload_carries_by_name();
	test_duplicate_dropped();
	test_one_dest();
	test_longest_name();
	test_quorum_within_weight();
	return unit_exit();
}
