/*
 * test_conf_fingerprint.c - a reload read in pieces: for each edit of a
 * config file, either the virtual servers read alone and swapped into the
 * running config give the config a whole read of the new file gives
 * (compared as conf_keepalived_print writes both, every value spelled out,
 * and as their diagnostics), or the edit is refused and the file is read
 * whole. The whole read is the oracle: it is how every reload was made
 * before, and is compared with keepalived elsewhere (t_parity).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf.h"
#include "conf_fingerprint.h"
#include "conf_printconf.h"
#include "daemon.h"
#include "unit.h"

static const char base_text[] =
	"! a director\n"
	"global_defs {\n"
	"    router_id lvs_test\n"
	"}\n"
	"\n"
	"virtual_server_group web {\n"
	"    10.0.0.10 80\n"
	"}\n"
	"# the first virtual server\n"
	"virtual_server 10.0.0.1 80 {\n"
	"    lb_algo rr\n"
	"    lb_kind NAT\n"
	"    protocol TCP\n"
	"    real_server 192.168.1.1 80 {\n"
	"        weight 1\n"
	"        TCP_CHECK {\n"
	"            connect_timeout 3\n"
	"        }\n"
	"    }\n"
	"    real_server 192.168.1.2 80 {\n"
	"        weight 2\n"
	"    }\n"
	"}\n"
	"virtual_server group web {\n"
	"    lb_algo wrr\n"
	"    lb_kind DR\n"
	"    protocol TCP\n"
	"    quorum 1\n"
	"    real_server 192.168.2.1 80 {\n"
	"        weight 5\n"
	"    }\n"
	"}\n"
	"\n"
	"virtual_server fwmark 7 {\n"
	"    lb_algo sh\n"
	"    lb_kind DR\n"
	"    real_server 192.168.3.1 0 {\n"
	"        weight 1\n"
	"    }\n"
	"}";            /* no newline at the end */

static char path[64];

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* base_text with its first occurrence of from replaced by to. */
static char *edited(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);
	if (!at || !out) {
		fprintf(stderr, "edit '%s' not found\n", from);
		exit(1);
	}
	snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

/* The checker defaults a virtual or real server passes down, which the
 * printer takes from the tree's nodes and lvsd lets go of. */
static void print_check_opts(FILE *f, const struct conf_check_opts *o)
{
	fprintf(f, "opts %u %u %u %u %u %u %d %s\n", o->connect_timeout_ms, o->delay_loop_ms,
		o->delay_before_retry_ms, o->warmup_ms, o->retry, o->nb_get_retry, o->alpha,
		o->virtualhost ? o->virtualhost : "-");
}

/* The config as written back, the number of checkers of each real server
 * (lvsd keeps only that of them) and the checker defaults. */
static char *printed(const struct conf_keepalived *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	conf_keepalived_print(f, c);
	for (int v = 0; v < c->nvirtual_servers; v++) {
		print_check_opts(f, &c->virtual_servers[v].check_opts);
		for (int r = 0; r < c->virtual_servers[v].nreal_servers; r++) {
			fprintf(f, "checkers %d\n", c->virtual_servers[v].real_servers[r].ncheckers);
			if (c->virtual_servers[v].real_servers[r].checks)   /* lvsd lets them go */
				print_check_opts(f, &c->virtual_servers[v].real_servers[r].checks->check_opts);
		}
	}
	fclose(f);
	return buf;
}

static char *diags_of(const struct conf_tree *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	conf_print_diags(f, t);
	fclose(f);
	return buf;
}

/* The config as lvsd keeps it, and its fingerprint when fp is not NULL. */
static struct conf_keepalived *load(struct conf_fingerprint **fp)
{
	int bad = 0;
	struct conf_keepalived *c = daemon_read(path, DAEMON_READ_SERVERS, &bad);
	if (!c || c->tree->nerrors || bad) {
		fprintf(stderr, "the config does not read\n");
		exit(1);
	}
	if (fp)
		*fp = conf_fingerprint_make(c, path);
	conf_tree_drop_nodes(c->tree);
	return c;
}

struct piecewise {
	int n;                       /* changes found; -1 refused there */
	struct conf_reread r;
	struct conf_keepalived *patch;
	const char *why;
};

/* The new file compared with fp and, when it can be, read in pieces. */
static struct piecewise read_in_pieces(const struct conf_keepalived *c, const struct conf_fingerprint *fp)
{
	struct piecewise p = { .n = -1 };
	int bad = 0;
	p.n = conf_fingerprint_read(fp, path, &p.r);
	if (p.n >= 0)
		p.patch = daemon_patch_read(c, path, &p.r, &bad, &p.why);
	return p;
}

static void piecewise_free(struct piecewise *p)
{
	conf_keepalived_patch_free(p->patch);
	conf_reread_free(&p->r);
}

/* The base config loaded with its fingerprint, then the file edited
 * (from replaced by to) and read in pieces. */
struct edit {
	struct conf_keepalived *c;
	struct conf_fingerprint *fp;
	char *text;
	struct piecewise p;
};

static struct edit edit_read(const char *from, const char *to)
{
	struct edit e;
	write_file(base_text);
	e.c = load(&e.fp);
	e.text = edited(base_text, from, to);
	write_file(e.text);
	e.p = read_in_pieces(e.c, e.fp);
	return e;
}

static void edit_free(struct edit *e)
{
	piecewise_free(&e->p);
	free(e->text);
	conf_fingerprint_free(e->fp);
	conf_keepalived_free(e->c);
}

/* One edit read in pieces must give what a whole read gives. */
/* diags: what the changed block's diagnostics must hold; those of a whole
 * read of the new file are all of them, the base config having none. */
static void same_as_whole(const char *what, const char *from, const char *to, int changed, const char *diags)
{
	struct edit e = edit_read(from, to);
	struct conf_keepalived *c = e.c;
	struct conf_fingerprint *fp = e.fp;
	struct piecewise *p = &e.p;
	CHECK(fp && p->n == changed && p->patch, "%s: read in pieces, %d virtual server(s) changed (%d%s%s)", what,
	      changed, p->n, p->why ? ", " : "", p->why ? p->why : "");
	if (p->patch) {
		char *got_diags = diags_of(p->patch->tree);
		conf_keepalived_patch_apply(c, p->patch, &p->r);
		p->patch = NULL;
		conf_fingerprint_update(fp, &p->r);
		struct conf_keepalived *whole = load(NULL);
		char *a = printed(c), *b = whole ? printed(whole) : NULL;
		CHECK(b && strcmp(a, b) == 0, "%s: the config is the one a whole read gives", what);
		char *whole_diags = whole ? diags_of(whole->tree) : NULL;
		CHECK(whole_diags && strcmp(got_diags, whole_diags) == 0 && strstr(got_diags, diags),
		      "%s: the changed block's diagnostics are the whole read's, with their file:line ('%s')", what,
		      got_diags);
		free(whole_diags);
		struct piecewise again = read_in_pieces(c, fp);
		CHECK(again.n == 0, "%s: the fingerprint follows the change: read again, nothing differs (%d)", what,
		      again.n);
		piecewise_free(&again);
		free(a);
		free(b);
		free(got_diags);
		conf_keepalived_free(whole);
	}
	edit_free(&e);
}

/* An edit that the pieces cannot stand for: read whole. */
static void read_whole(const char *what, const char *from, const char *to, const char *why)
{
	struct edit e = edit_read(from, to);
	CHECK(!e.p.patch && (why ? e.p.why && strcmp(e.p.why, why) == 0 : e.p.n == -1),
	      "%s: read whole (%d, %s)", what, e.p.n, e.p.why ? e.p.why : "-");
	edit_free(&e);
}

static void test_in_pieces(void)
{
	same_as_whole("a weight", "        weight 2\n", "        weight 7\n", 1, "");
	same_as_whole("a real server replaced, another scheduler", "    lb_algo rr\n    lb_kind NAT\n"
		      "    protocol TCP\n    real_server 192.168.1.1 80", "    lb_algo wlc\n    lb_kind NAT\n"
		      "    protocol TCP\n    real_server 192.168.1.9 80", 1, "");
	same_as_whole("a group's virtual server", "        weight 5\n", "        weight 6\n", 1, "");
	same_as_whole("a real server's checker default", "        weight 1\n", "        warmup 7\n", 1, "");
	same_as_whole("the last block, with no newline at the end", "    lb_algo sh\n", "    lb_algo mh\n", 1, "");
	char diag[256];
	snprintf(diag, sizeof(diag), "%s:24: virtual_server has no lb_algo: wlc, as keepalived sets it\n", path);
	same_as_whole("a warning in a changed block keeps its file:line", "    lb_algo wrr\n", "    # no lb_algo\n",
		      1, diag);
	same_as_whole("nothing changed", "", "", 0, "");
}

static void test_two_changes(void)
{
	struct conf_fingerprint *fp;
	write_file(base_text);
	struct conf_keepalived *c = load(&fp);
	char *one = edited(base_text, "        weight 1\n        TCP", "        weight 4\n        TCP");
	char *text = edited(one, "        weight 5\n", "        weight 6\n");
	write_file(text);
	struct piecewise p = read_in_pieces(c, fp);
	CHECK(p.n == 2 && p.patch && p.r.ch[0].vs == 0 && p.r.ch[1].vs == 1,
	      "two virtual servers changed: both read in pieces, in order (%d)", p.n);
	if (p.patch) {
		conf_keepalived_patch_apply(c, p.patch, &p.r);
		p.patch = NULL;
		conf_fingerprint_update(fp, &p.r);
		/* and a second reload on top of the first */
		write_file(one);
		struct piecewise q = read_in_pieces(c, fp);
		CHECK(q.n == 1 && q.patch && q.r.ch[0].vs == 1, "a reload after a reload in pieces: one change (%d)", q.n);
		if (q.patch)
			conf_keepalived_patch_apply(c, q.patch, &q.r);
		q.patch = NULL;
		piecewise_free(&q);
		struct conf_keepalived *whole = load(NULL);
		char *a = printed(c), *b = printed(whole);
		CHECK(strcmp(a, b) == 0, "two reloads in pieces give the config a whole read gives");
		free(a);
		free(b);
		conf_keepalived_free(whole);
	}
	piecewise_free(&p);
	free(one);
	free(text);
	conf_fingerprint_free(fp);
	conf_keepalived_free(c);
}

static void test_read_whole(void)
{
	read_whole("global_defs changed", "router_id lvs_test", "router_id lvs_other", NULL);
	read_whole("a comment between blocks changed", "# the first", "# the 1st", NULL);
	read_whole("a line added in a virtual server", "        weight 2\n", "        weight 2\n        weight 3\n", NULL);
	read_whole("a line removed from a virtual server", "    protocol TCP\n    real_server 192.168.1.1",
		   "    real_server 192.168.1.1", NULL);
	read_whole("a group changed", "    10.0.0.10 80\n", "    10.0.0.11 80\n", NULL);
	read_whole("a virtual server renamed", "virtual_server 10.0.0.1 80 {", "virtual_server 10.0.0.2 80 {",
		   "a virtual_server changed its name");
	read_whole("a virtual server turned into a group", "virtual_server group web {",
		   "virtual_server group nosuch {", "a virtual_server names an unknown group");
	read_whole("an error in a changed block", "        weight 2\n", "        weight two\n",
		   "a changed virtual_server has errors");
	read_whole("a block closed early, the rest a new statement", "        weight 2\n    }\n}\n",
		   "        weight 2\n    }\n} vrrp_script x\n", "a change is not inside virtual_server blocks");
	read_whole("an include in a changed block", "        weight 2\n", "include /etc/hosts\n",
		   "a changed virtual_server has errors");
	read_whole("a definition in a changed block", "        weight 2\n", "$W=2\n",
		   "a change is not inside virtual_server blocks");
}

/* A config with includes or definitions has no fingerprint. */
static void test_no_fingerprint(void)
{
	char inc[80];
	snprintf(inc, sizeof(inc), "%s.inc", path);
	FILE *f = fopen(inc, "w");
	fputs("virtual_server 10.0.0.5 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n}\n", f);
	fclose(f);
	char text[256];
	snprintf(text, sizeof(text), "global_defs {\n router_id x\n}\ninclude %s\n", inc);
	write_file(text);
	struct conf_fingerprint *fp;
	struct conf_keepalived *c = load(&fp);
	CHECK(!fp, "a config with an include is read whole on every reload");
	conf_keepalived_free(c);
	write_file("$W=3\nvirtual_server 10.0.0.5 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
		   " real_server 10.0.1.1 80 {\n  weight $W\n }\n}\n");
	c = load(&fp);
	CHECK(!fp, "a config with a $NAME definition is read whole on every reload");
	conf_keepalived_free(c);
	write_file("virtual_server 10.0.0.5 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n} virtual_server 10.0.0.6 80 {\n"
		   " lb_algo rr\n lb_kind NAT\n protocol TCP\n}\n");
	c = load(&fp);
	CHECK(!fp, "two statements on one line: read whole on every reload");
	conf_keepalived_free(c);
	unlink(inc);
}

/* base_text and CONF_CHANGES_MAX + 1 virtual servers more, each with one
 * real server of the given weight. */
static char *many_blocks(int weight)
{
	char *text = malloc(sizeof(base_text) + (CONF_CHANGES_MAX + 1) * 128), *at = text;
	at += sprintf(at, "%s\n", base_text);
	for (int i = 0; i <= CONF_CHANGES_MAX; i++)
		at += sprintf(at, "virtual_server 10.1.0.%d 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
			      " real_server 10.2.0.1 80 {\n  weight %d\n }\n}\n", i, weight);
	return text;
}

static void test_changes_bounded(void)
{
	struct conf_fingerprint *fp;
	write_file(base_text);
	struct conf_keepalived *c = load(&fp);
	struct conf_reread r;
	/* a file cut short (a write in progress) is never taken in pieces */
	write_file("! a director\nglobal_defs {\n");
	CHECK(conf_fingerprint_read(fp, path, &r) == -1, "a truncated file: read whole");
	write_file("");
	CHECK(conf_fingerprint_read(fp, path, &r) == -1, "an empty file: read whole");
	unlink(path);
	CHECK(conf_fingerprint_read(fp, path, &r) == -1, "a file gone: read whole");
	conf_fingerprint_free(fp);
	conf_keepalived_free(c);
	/* one block more than a reload reads alone */
	char *one = many_blocks(1), *two = many_blocks(2);
	write_file(one);
	c = load(&fp);
	write_file(two);
	CHECK(conf_fingerprint_read(fp, path, &r) == -1, "more than %d virtual servers changed: read whole",
	      CONF_CHANGES_MAX);
	free(one);
	free(two);
	conf_fingerprint_free(fp);
	conf_keepalived_free(c);
}

int main(void)
{
	strcpy(path, "/tmp/test_conf_fingerprint.XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	test_in_pieces();
	test_two_changes();
	test_read_whole();
	test_no_fingerprint();
	test_changes_bounded();
	unlink(path);
	return unit_exit();
}
