/*
 * test_conf.c - unit tests of the config parser (core/conf.c,
 * core/conf_keepalived.c): the users' keepalived configs in
 * tests/fixtures/keepalived/ with their values as the files literally say
 * them, round trips through the printer, the broken inputs of
 * tests/unit/conf/broken/ and the lenient ones of tests/unit/conf/lenient/
 * with their exact "file:line: reason", includes,
 * $ substitution and the size bounds. Run from the top of the tree.
 */
#include "conf.h"
#include "unit.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIXTURES "tests/fixtures/keepalived/"

static char tmpdir[64];

static int ip_is(const struct conf_ip *ip, const char *text)
{
	char buf[64];
	return strcmp(conf_ip_str(ip, buf, sizeof(buf)), text) == 0;
}

/* Diagnostics as commentary lines, so tests/run.sh does not count them. */
static void show_diags(const struct conf_tree *t)
{
	for (int i = 0; i < t->ndiags; i++)
		printf("#   %s\n", t->diags[i].text);
}

static int cmd_is(const struct conf_cmd *cmd, const char *first)
{
	return cmd->argc >= 1 && strcmp(cmd->argv[0], first) == 0;
}

static const char *node_arg(const struct conf_node *n, const char *keyword)
{
	const struct conf_node *c = n ? conf_child(n, keyword) : NULL;
	return c && c->nargs ? c->args[0] : "(none)";
}

/* What each fixture file literally says (read from the files by hand). */
struct fixture {
	const char *file;
	const char *router_id;
	int state;
	const char *interface;
	unsigned priority;
	const char *auth_pass;
	const char *vip;
	int vip_prefix;
	const char *vs_ip;
	unsigned vs_port;
	unsigned persistence;
	const char *rs_ip[2];
	unsigned rs_port;
	int rs_weight[2];
	int checker;
	const char *connect_timeout;
	/* lines keepalived 2.2.7's "keepalived -t" flags (see conf_oracle.sh) */
	int warn_lines[5];
};

static const struct fixture fixtures[] = {
	{ "seed000-lvs01.conf", "LVS_01", CONF_STATE_MASTER, "eth0", 150, "1111", "172.17.252.38", 20,
	  "172.17.252.38", 8080, 50, { "39.106.40.172", "39.107.137.111" }, 8080, { 1, 1 }, CONF_CHECK_TCP, "8",
	  { 24, 32, 42 } },
	{ "seed000-lvs02.conf", "LVS_02", CONF_STATE_BACKUP, "eth0", 100, "1111", "172.17.252.38", 20,
	  "172.17.252.38", 8080, 50, { "39.106.40.172", "39.107.137.111" }, 8080, { 1, 1 }, CONF_CHECK_TCP, "8",
	  { 24, 32, 42 } },
	{ "seed002-master.conf", "LVS_DEVEL", CONF_STATE_MASTER, "ens160", 100, "1111", "192.168.25.100", -1,
	  "192.168.25.100", 80, 0, { "192.168.25.31", "192.168.25.32" }, 80, { 1, 2 }, CONF_CHECK_TCP, "10",
	  { 27, 28, 35, 44 } },
	{ "seed002-slave.conf", "LVS_DEVEL", CONF_STATE_BACKUP, "ens160", 90, "1111", "192.168.25.100", -1,
	  "192.168.25.100", 80, 0, { "192.168.25.31", "192.168.25.32" }, 80, { 1, 2 }, CONF_CHECK_TCP, "10",
	  { 27, 28, 35, 44 } },
	/* auth_pass "keepalived" is 10 characters: 8 go on the wire (RFC 3768 5.3.10) */
	{ "seed003-node1.conf", "LVS_DEVEL", CONF_STATE_MASTER, "eth0", 101, "keepaliv", "192.168.139.100", 24,
	  "192.168.139.100", 80, 0, { "192.168.139.8", "192.168.139.9" }, 80, { 2, 1 }, CONF_CHECK_HTTP, "2",
	  { 29, 46, 59, 71 } },
	{ "seed003-node2.conf", "LVS_DEVEL", CONF_STATE_BACKUP, "eth0", 100, "keepaliv", "192.168.139.100", 24,
	  "192.168.139.100", 80, 0, { "192.168.139.8", "192.168.139.9" }, 80, { 2, 1 }, CONF_CHECK_HTTP, "2",
	  { 29, 46, 59, 71 } },
};

static void test_fixture(const struct fixture *f)
{
	char path[256];
	snprintf(path, sizeof(path), FIXTURES "%s", f->file);
	struct conf_keepalived *c = conf_keepalived_read(path);
	if (!c) {
		CHECK(0, "%s: loads", f->file);
		return;
	}
	const struct conf_tree *t = c->tree;
	CHECK(t->nerrors == 0, "%s: no errors", f->file);
	if (t->nerrors)
		show_diags(t);

	int nlines = 0, lines_match = 1;
	while (nlines < 5 && f->warn_lines[nlines])
		nlines++;
	lines_match = t->ndiags == nlines;
	for (int i = 0; i < t->ndiags && lines_match; i++)
		lines_match = t->diags[i].line == f->warn_lines[i] && !t->diags[i].is_error;
	CHECK(lines_match, "%s: warnings on exactly the lines keepalived -t flags", f->file);

	CHECK(c->global.router_id && strcmp(c->global.router_id, f->router_id) == 0, "%s: router_id %s", f->file, f->router_id);
	CHECK(c->ninstances == 1, "%s: one vrrp_instance", f->file);
	if (c->ninstances == 1) {
		const struct conf_vrrp_instance *vi = &c->instances[0];
		CHECK(strcmp(vi->name, "VI_1") == 0, "%s: instance VI_1", f->file);
		CHECK(vi->state == f->state, "%s: state %s", f->file, f->state == CONF_STATE_MASTER ? "MASTER" : "BACKUP");
		CHECK(vi->interface && strcmp(vi->interface, f->interface) == 0, "%s: interface %s", f->file, f->interface);
		CHECK(vi->vrid == 51, "%s: virtual_router_id 51", f->file);
		CHECK(vi->priority == f->priority, "%s: priority %u", f->file, f->priority);
		CHECK(vi->advert_int_ms == 1000, "%s: advert_int 1", f->file);
		CHECK(vi->auth_type == CONF_AUTH_PASS && strcmp(vi->auth_pass, f->auth_pass) == 0,
			"%s: auth PASS %s", f->file, f->auth_pass);
		CHECK(vi->vips.n == 1 && ip_is(&vi->vips.v[0].addr, f->vip) && vi->vips.v[0].prefix == f->vip_prefix,
			"%s: one VIP %s prefix %d", f->file, f->vip, f->vip_prefix);
	}
	CHECK(c->nvirtual_servers == 1, "%s: one virtual_server", f->file);
	if (c->nvirtual_servers != 1) {
		conf_keepalived_free(c);
		return;
	}
	const struct conf_virtual_server *vs = &c->virtual_servers[0];
	CHECK(vs->kind == CONF_VS_ADDR && ip_is(&vs->addr, f->vs_ip) && vs->port == f->vs_port,
		"%s: virtual_server %s %u", f->file, f->vs_ip, f->vs_port);
	CHECK(vs->delay_loop_ms == 6000, "%s: delay_loop 6", f->file);
	CHECK(strcmp(vs->lb_algo, "wrr") == 0, "%s: lb_algo wrr", f->file);
	CHECK(vs->lb_kind == CONF_LB_DR, "%s: lb_kind DR", f->file);
	CHECK(vs->protocol == CONF_PROTO_TCP, "%s: protocol TCP", f->file);
	CHECK(vs->persistence_timeout == f->persistence, "%s: persistence_timeout %u", f->file, f->persistence);
	CHECK(vs->nreal_servers == 2, "%s: two real servers", f->file);
	for (int i = 0; i < 2 && i < vs->nreal_servers; i++) {
		const struct conf_real_server *rs = &vs->real_servers[i];
		CHECK(ip_is(&rs->addr, f->rs_ip[i]) && rs->port == f->rs_port, "%s: real_server %s %u", f->file, f->rs_ip[i], f->rs_port);
		CHECK(rs->weight == f->rs_weight[i], "%s: real_server %s weight %d", f->file, f->rs_ip[i], f->rs_weight[i]);
		CHECK(rs->ncheckers == 1 && rs->checks->checkers[0].type == f->checker, "%s: real_server %s has one %s",
			f->file, f->rs_ip[i], conf_checker_name(f->checker));
		const struct conf_node *chk = rs->ncheckers ? rs->checks->checkers[0].node : NULL;
		CHECK(strcmp(node_arg(chk, "connect_timeout"), f->connect_timeout) == 0 &&
			strcmp(node_arg(chk, "nb_get_retry"), "3") == 0,
			"%s: checker connect_timeout %s nb_get_retry 3", f->file, f->connect_timeout);
		if (f->checker == CONF_CHECK_TCP)
			CHECK(strcmp(node_arg(chk, "connect_port"), "80") == 0, "%s: TCP_CHECK connect_port 80", f->file);
		if (f->checker == CONF_CHECK_HTTP) {
			const struct conf_node *url = conf_child(chk, "url");
			CHECK(strcmp(node_arg(url, "path"), "/") == 0 && strcmp(node_arg(url, "status_code"), "200") == 0,
				"%s: HTTP_GET url path / status_code 200", f->file);
		}
	}
	if (f->checker == CONF_CHECK_HTTP) {
		/* seed003's extras: mail, vrrp_script, VIP options, notify, sorry server */
		const struct conf_global *g = &c->global;
		CHECK(g->notification_email.n == 1 && strcmp(g->notification_email.v[0], "root@localhost") == 0 &&
			strcmp(g->notification_email_from, "keeepalived@localhost") == 0,
			"%s: notification_email root@localhost from keeepalived@localhost", f->file);
		CHECK(ip_is(&g->smtp_server, "127.0.0.1") && g->smtp_port == 25 && g->smtp_connect_timeout_ms == 30000,
			"%s: smtp_server 127.0.0.1, smtp_connect_timeout 30", f->file);
		CHECK(c->nscripts == 1 && strcmp(c->scripts[0].name, "chk_down") == 0 &&
			c->scripts[0].script.argc == 1 &&
			strcmp(c->scripts[0].script.argv[0], "[ -e /etc/keepalived/down ] && exit 1 || exit 0") == 0,
			"%s: vrrp_script chk_down with its quoted script", f->file);
		if (c->nscripts == 1)
			CHECK(c->scripts[0].interval_ms == 2000 && c->scripts[0].weight == -2 &&
				c->scripts[0].fall == 2 && c->scripts[0].rise == 1,
				"%s: chk_down interval 2 weight -2 fall 2 rise 1", f->file);
		const struct conf_vrrp_instance *vi = &c->instances[0];
		const struct conf_vip *vip = &vi->vips.v[0];
		CHECK(vip->dev && strcmp(vip->dev, "eth0") == 0 && vip->label && strcmp(vip->label, "eth0:0") == 0,
			"%s: VIP dev eth0 label eth0:0", f->file);
		CHECK(vi->track_script.n == 1 && strcmp(vi->track_script.v[0].name, "chk_down") == 0,
			"%s: track_script chk_down", f->file);
		CHECK(vi->notify_master.argc == 1 &&
			strcmp(vi->notify_master.argv[0], "/etc/keepalived/notify.sh master 192.168.139.100") == 0 &&
			cmd_is(&vi->notify_backup, "/etc/keepalived/notify.sh backup 192.168.139.100") &&
			cmd_is(&vi->notify_fault, "/etc/keepalived/notify.sh fault 192.168.139.100"),
			"%s: notify_master/backup/fault", f->file);
		CHECK(vs->sorry_server && ip_is(&vs->sorry_server->addr, "127.0.0.1") && vs->sorry_server->port == 80,
			"%s: sorry_server 127.0.0.1 80", f->file);
	}
	conf_keepalived_free(c);
}

/* Prints a tree, parses the text again, and compares the two trees. */
static int round_trips(const struct conf_tree *t, char **printed)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return 0;
	conf_print(out, t);
	fclose(out);
	struct conf_tree *again = conf_parse_buffer("printed", text, len, CONF_NO_INCLUDE);
	int same = again && again->nerrors == 0 && conf_tree_equal(t, again);
	conf_free(again);
	if (printed)
		*printed = text;
	else
		free(text);
	return same;
}

static void test_round_trips(void)
{
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), FIXTURES "%s", fixtures[i].file);
		struct conf_tree *t = conf_parse_file(path, 0);
		CHECK(t && t->nerrors == 0 && round_trips(t, NULL), "round trip: %s", fixtures[i].file);
		conf_free(t);
	}

	static const char tricky[] =
		"a \"x y\" 'z  w' b\"c d\"e \"\" \"q\\\"uote\" \"back\\\\slash\" \"nl\\n\"\n"
		"glued{inner 1}after{}\n"
		"next\n{\n  \"include\" not-a-directive\n  \"#hash\" \"!bang\" \"$dollar\" \"{\" \"}\"\n}\n";
	struct conf_tree *t = conf_parse_buffer("tricky.conf", tricky, sizeof(tricky) - 1, CONF_NO_INCLUDE);
	char *printed = NULL;
	CHECK(t && t->nerrors == 0, "tricky syntax parses");
	if (t && t->nerrors)
		show_diags(t);
	const struct conf_node *a = t ? t->root.child : NULL;
	CHECK(a && a->nargs == 7 && strcmp(a->args[0], "x y") == 0 && strcmp(a->args[1], "z  w") == 0 &&
		strcmp(a->args[2], "bc de") == 0 && strcmp(a->args[3], "") == 0 && strcmp(a->args[4], "q\"uote") == 0 &&
		strcmp(a->args[5], "back\\slash") == 0 && strcmp(a->args[6], "nl\n") == 0,
		"quotes keep spaces, join with glued text, unescape");
	const struct conf_node *g = a ? a->next : NULL;
	CHECK(g && strcmp(g->keyword, "glued") == 0 && g->has_block && g->child && strcmp(g->child->keyword, "inner") == 0 &&
		g->next && strcmp(g->next->keyword, "after") == 0 && g->next->has_block && !g->next->child,
		"braces glued to words open and close blocks");
	const struct conf_node *nx = g && g->next ? g->next->next : NULL;
	CHECK(nx && nx->has_block && nx->child && strcmp(nx->child->keyword, "include") == 0,
		"'{' on the next line opens the block; quoted include is a plain keyword");
	CHECK(t && round_trips(t, &printed), "round trip: tricky syntax");
	static const char canonical[] =
		"a \"x y\" \"z  w\" \"bc de\" \"\" \"q\\\"uote\" \"back\\\\slash\" \"nl\\n\"\n"
		"glued {\n  inner 1\n}\nafter {\n}\nnext {\n  \"include\" not-a-directive\n"
		"  \"#hash\" \"!bang\" \"$dollar\" \"{\" \"}\"\n}\n";
	CHECK(printed && strcmp(printed, canonical) == 0, "canonical form: one keyword per line, two-space indent");
	free(printed);
	conf_free(t);

	/* "@" after a brace is a word; at the start of a printed line it would be a condition */
	static const char at_word[] = "blk {@x 1}\n";
	t = conf_parse_buffer("at.conf", at_word, sizeof(at_word) - 1, CONF_NO_INCLUDE);
	printed = NULL;
	CHECK(t && t->nerrors == 0 && t->root.child && t->root.child->child &&
		strcmp(t->root.child->child->keyword, "@x") == 0 && round_trips(t, &printed) && printed &&
		strstr(printed, "\"@x\" 1"), "a keyword starting with '@' is printed quoted and reads back the same");
	free(printed);
	conf_free(t);
}

static char *read_first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *got = fgets(buf, (int)size, f);
	fclose(f);
	if (got)
		buf[strcspn(buf, "\n")] = 0;
	return got;
}

/* Each input of dir says on line 1 "# expect: LINE: reason", its first
 * diagnostic. A lenient input (a config keepalived runs, with a warning)
 * must have no error. Returns how many were tested. */
static int test_first_diags(const char *dir, int want_errors)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	int tested = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		if (len > 5 && strcmp(name + len - 5, ".conf") == 0) {
			char path[512], first[512], want[1024];
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			if (read_first_line(path, first, sizeof(first)) && strncmp(first, "# expect: ", 10) == 0) {
				snprintf(want, sizeof(want), "%s:%s", path, first + 10);
				struct conf_keepalived *c = conf_keepalived_read(path);
				const char *got = c && c->tree->ndiags ? c->tree->diags[0].text : "(no diagnostic)";
				CHECK(strcmp(got, want) == 0, "%s %s: %s", want_errors ? "broken" : "lenient", name, first + 10);
				if (strcmp(got, want))
					printf("#   got: %s\n", got);
				if (!want_errors)
					CHECK(c && c->tree->nerrors == 0, "lenient %s: warnings only", name);
				conf_keepalived_free(c);
				tested++;
			}
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return tested;
}

static void test_broken_inputs(void)
{
	int tested = test_first_diags("tests/unit/conf/broken", 1);
	CHECK(tested >= 15, "broken-input table has %d cases", tested);
}

static void test_lenient_inputs(void)
{
	int tested = test_first_diags("tests/unit/conf/lenient", 0);
	CHECK(tested >= 3, "lenient-input table has %d cases", tested);
}

static void test_valid_syntax_file(void)
{
	struct conf_keepalived *c = conf_keepalived_read("tests/unit/conf/valid/syntax.conf");
	CHECK(c && c->tree->nerrors == 0 && c->tree->nwarnings == 0, "valid/syntax.conf: no diagnostics");
	if (!c)
		return;
	show_diags(c->tree);
	CHECK(c->global.router_id && strcmp(c->global.router_id, "edge box 1") == 0, "quoted router_id keeps its spaces");
	CHECK(c->global.notification_email.n == 2, "two addresses on one line of notification_email { }");
	CHECK(c->ninstances == 1 && c->instances[0].vrid == 7 && c->instances[0].advert_int_ms == 2000 &&
		c->instances[0].vips.n == 1 && ip_is(&c->instances[0].vips.v[0].addr, "192.0.2.10") &&
		c->instances[0].vips.v[0].prefix == 24,
		"vrrp_instance from an include glob, ${VIP}/24 substituted");
	const struct conf_virtual_server *vs = c->nvirtual_servers == 1 ? &c->virtual_servers[0] : NULL;
	CHECK(vs && ip_is(&vs->addr, "192.0.2.10") && vs->port == 80, "virtual_server $VIP ${PORT}{ substituted and glued");
	CHECK(vs && vs->nreal_servers == 2 && ip_is(&vs->real_servers[0].addr, "198.51.100.11") &&
		vs->real_servers[0].weight == 3 && ip_is(&vs->real_servers[1].addr, "198.51.100.12") &&
		vs->real_servers[1].weight == 2,
		"real servers: one with '{' on the next line, one included inside the block");
	const struct conf_node *chk = vs && vs->nreal_servers && vs->real_servers[0].ncheckers ?
		vs->real_servers[0].checks->checkers[0].node : NULL;
	CHECK(chk && strcmp(node_arg(chk, "connect_timeout"), "2.5") == 0, "one-line TCP_CHECK { connect_timeout 2.5 }");
	CHECK(round_trips(c->tree, NULL), "round trip: valid/syntax.conf with includes spliced");
	conf_keepalived_free(c);
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static struct conf_tree *parse_tmp(const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return conf_parse_file(path, 0);
}

static int first_diag_is(const struct conf_tree *t, const char *name, const char *rest)
{
	char want[512];
	snprintf(want, sizeof(want), "%s/%s:%s", tmpdir, name, rest);
	if (!t || !t->ndiags) {
		printf("#   no diagnostic, wanted %s\n", want);
		return 0;
	}
	if (strcmp(t->diags[0].text, want)) {
		printf("#   got %s\n#   want %s\n", t->diags[0].text, want);
		return 0;
	}
	return 1;
}

static void test_includes(void)
{
	write_file("main.conf", "a 1\ninclude sub/*.conf\nz 26\n");
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	mkdir(sub, 0700);
	write_file("sub/2.conf", "c 3\n");
	write_file("sub/1.conf", "b 2\n");
	struct conf_tree *t = parse_tmp("main.conf");
	const struct conf_node *n = t ? t->root.child : NULL;
	int order_ok = n && !strcmp(n->keyword, "a") && n->next && !strcmp(n->next->keyword, "b") &&
		n->next->next && !strcmp(n->next->next->keyword, "c") && n->next->next->next &&
		!strcmp(n->next->next->next->keyword, "z");
	CHECK(t && t->nerrors == 0 && order_ok, "include glob: matches spliced in sorted order at the include line");
	CHECK(order_ok && n->next->line == 1 && strstr(n->next->file, "sub/1.conf"), "included nodes keep their own file and line");
	conf_free(t);

	write_file("bad-inner.conf", "x {\ninclude sub/broken.conf\n}\n");
	write_file("sub/broken.conf", "ok 1\nbad \"quote\n");
	t = parse_tmp("bad-inner.conf");
	CHECK(first_diag_is(t, "sub/broken.conf", "2: unterminated quote"), "error in an included file names that file and line");
	conf_free(t);

	write_file("missing.conf", "a\ninclude nowhere.conf\n");
	t = parse_tmp("missing.conf");
	CHECK(first_diag_is(t, "missing.conf", "2: include 'nowhere.conf': no such file"), "missing include is an error");
	conf_free(t);

	write_file("empty-glob.conf", "a\ninclude nowhere/*.conf\n");
	t = parse_tmp("empty-glob.conf");
	CHECK(t && t->nerrors == 0 && t->nwarnings == 0, "include glob matching nothing is not an error (like keepalived)");
	conf_free(t);

	write_file("loop-a.conf", "a\ninclude loop-b.conf\n");
	write_file("loop-b.conf", "b\ninclude loop-a.conf\n");
	t = parse_tmp("loop-a.conf");
	char want[256];
	snprintf(want, sizeof(want), "2: include 'loop-a.conf': include loop");
	CHECK(first_diag_is(t, "loop-b.conf", want), "include loop a -> b -> a is found at b's include line");
	conf_free(t);

	/* a chain deeper than CONF_MAX_INCLUDE_DEPTH */
	for (int i = 0; i <= CONF_MAX_INCLUDE_DEPTH + 1; i++) {
		char name[32], text[64];
		snprintf(name, sizeof(name), "chain%d.conf", i);
		snprintf(text, sizeof(text), "level %d\ninclude chain%d.conf\n", i, i + 1);
		write_file(name, text);
	}
	t = parse_tmp("chain0.conf");
	char chain_file[32];
	snprintf(chain_file, sizeof(chain_file), "chain%d.conf", CONF_MAX_INCLUDE_DEPTH);
	snprintf(want, sizeof(want), "2: include 'chain%d.conf': includes nested too deep (max %d)",
		CONF_MAX_INCLUDE_DEPTH + 1, CONF_MAX_INCLUDE_DEPTH);
	CHECK(first_diag_is(t, chain_file, want), "include chain deeper than %d stops with an error", CONF_MAX_INCLUDE_DEPTH);
	conf_free(t);

	t = conf_parse_buffer("untrusted", "include /etc/passwd\n", 20, CONF_NO_INCLUDE);
	CHECK(t && t->ndiags && strcmp(t->diags[0].text, "untrusted:1: include is not allowed here") == 0,
		"CONF_NO_INCLUDE refuses include");
	conf_free(t);
}

static void test_substitution(void)
{
	static const char text[] =
		"$BASE=10.2.${SUB}\n$SUB=0\nx ${BASE}.100/32\n$SUB=10\ny ${BASE}.100/32\n"
		"z $UNDEFINED ${ALSO_UNDEFINED} $SUB\n";
	struct conf_tree *t = conf_parse_buffer("subst.conf", text, sizeof(text) - 1, 0);
	const struct conf_node *n = t ? t->root.child : NULL;
	/* the expected values are keepalived.conf(5)'s own example */
	CHECK(n && n->nargs == 1 && strcmp(n->args[0], "10.2.0.100/32") == 0, "nested ${NAME} resolves at use: 10.2.0.100/32");
	CHECK(n && n->next && strcmp(n->next->args[0], "10.2.10.100/32") == 0, "redefinition applies to later lines: 10.2.10.100/32");
	const struct conf_node *z = n && n->next ? n->next->next : NULL;
	CHECK(z && z->nargs == 3 && strcmp(z->args[0], "$UNDEFINED") == 0 && strcmp(z->args[1], "${ALSO_UNDEFINED}") == 0 &&
		strcmp(z->args[2], "10") == 0, "undefined parameters stay as written");
	CHECK(t && t->nerrors == 0, "substitution example parses");
	conf_free(t);
	static const char loop[] = "a 1\n$LOOP=$LOOP $LOOP\nw $LOOP\n";
	t = conf_parse_buffer("loop.conf", loop, sizeof(loop) - 1, 0);
	CHECK(t && t->ndiags && strcmp(t->diags[0].text, "loop.conf:3: line too long after $ substitution (max 4096 bytes)") == 0,
		"self-referencing parameter is bounded");
	conf_free(t);
	static const char deep[] = "$A=${A}\nw $A\n";
	t = conf_parse_buffer("deep.conf", deep, sizeof(deep) - 1, 0);
	CHECK(t && t->ndiags && strcmp(t->diags[0].text, "deep.conf:2: $ substitution nested too deep") == 0,
		"parameter naming itself stops after bounded passes");
	conf_free(t);
}

static void test_unknown_keyword_warning(void)
{
	static const char text[] = "global_defs {\n  router_id a\n  routr_id b\n}\nvirtual_server 10.0.0.1 80 {\n"
		"  real_server 10.0.0.2 80 {\n    TCP_CHECK {\n      conect_timeout 3\n    }\n  }\n  protocol TCP\n  lb_algo rr\n  lb_kind NAT\n}\n";
	struct conf_tree *t = conf_parse_buffer("warn.conf", text, sizeof(text) - 1, 0);
	struct conf_keepalived *c = t ? conf_keepalived_load(t) : NULL;
	CHECK(c && c->tree->nerrors == 0 && c->tree->nwarnings == 2, "unknown keywords are warnings, not errors");
	CHECK(c && c->tree->ndiags == 2 && strcmp(c->tree->diags[0].text, "warn.conf:3: unknown keyword 'routr_id' in global_defs") == 0 &&
		strcmp(c->tree->diags[1].text, "warn.conf:8: unknown keyword 'conect_timeout' in TCP_CHECK") == 0,
		"unknown keyword warning names the line and the block");
	conf_keepalived_free(c);
}

static void test_bounds(void)
{
	size_t big = CONF_MAX_LINE + 10;
	char *text = malloc(CONF_MAX_FILE + 2);
	if (!text)
		return;
	memcpy(text, "ok 1\nx ", 7);
	memset(text + 7, 'a', big);
	text[7 + big] = '\n';
	struct conf_tree *t = conf_parse_buffer("long.conf", text, 8 + big, 0);
	CHECK(t && t->ndiags && strcmp(t->diags[0].text, "long.conf:2: line too long (max 4096 bytes)") == 0, "line too long");
	conf_free(t);

	size_t o = 0;
	for (int i = 0; i < 40; i++)
		o += (size_t)sprintf(text + o, "b%d {\n", i);
	for (int i = 0; i < 40; i++)
		o += (size_t)sprintf(text + o, "}\n");
	t = conf_parse_buffer("deep.conf", text, o, 0);
	CHECK(t && t->ndiags && strcmp(t->diags[0].text, "deep.conf:17: blocks nested too deep (max 16)") == 0,
		"nesting deeper than 16 blocks");
	conf_free(t);

	/* refused by its length alone: the bytes are not read */
	t = conf_parse_buffer("huge.conf", text, CONF_MAX_FILE + 1, 0);
	CHECK(t && t->ndiags && strcmp(t->diags[0].text,
		"huge.conf:1: 'huge.conf' is too big: 67108865 bytes (max 67108864 bytes per file)") == 0,
		"file over 64 MiB");
	conf_free(t);

	/* past the old 1 MiB cap, small blocks still parse, every one of them */
	o = 0;
	int blocks = 0;
	while (o < (1 << 20) + 4096) {
		o += (size_t)sprintf(text + o, "k%d v {\n x 1\n}\n", blocks % 7);
		blocks++;
	}
	t = conf_parse_buffer("many.conf", text, o, 0);
	int seen = 0;
	for (const struct conf_node *n = t ? t->root.child : NULL; n; n = n->next)
		seen += n->has_block && n->child && strcmp(n->child->keyword, "x") == 0;
	CHECK(t && t->nerrors == 0 && seen == blocks, "a file just over 1 MiB of small blocks parses whole");
	conf_free(t);

	t = conf_parse_buffer("nul.conf", "a\nb\0c\n", 6, 0);
	CHECK(t && t->ndiags && strcmp(t->diags[0].text, "nul.conf:2: NUL byte in file") == 0, "NUL byte is an error");
	conf_free(t);
	free(text);
}

static void test_typed_values(void)
{
	static const char text[] =
		"global_defs {\n vrrp_version 3\n}\n"
		"vrrp_instance A {\n interface eth0\n virtual_router_id 9\n advert_int 0.25\n nopreempt\n"
		" unicast_src_ip 10.0.0.1\n unicast_peer {\n  10.0.0.2\n  10.0.0.3\n }\n"
		" virtual_ipaddress {\n  2001:db8::1/64 dev eth0 scope global\n  10.9.9.9/24 brd 10.9.9.255 dev eth0\n }\n"
		" track_interface {\n  eth1 weight -20\n }\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 10\n version 2\n advert_int 1.5\n"
		" virtual_ipaddress {\n  10.9.9.10\n }\n}\n"
		"virtual_server fwmark 7 {\n lvs_sched sh\n lvs_method TUN\n protocol UDP\n quorum 2\n"
		" real_server 10.1.0.1 {\n  weight 0\n  lb_kind DR\n  MISC_CHECK {\n   misc_path \"/bin/check 1\"\n  }\n }\n}\n"
		"virtual_server_group G {\n 10.2.0.1-20 80\n fwmark 9\n}\n"
		"virtual_server group G {\n real_server 10.2.1.1 80 {\n }\n protocol TCP\n lb_algo rr\n lb_kind NAT\n}\n";
	struct conf_tree *t = conf_parse_buffer("typed.conf", text, sizeof(text) - 1, 0);
	struct conf_keepalived *c = t ? conf_keepalived_load(t) : NULL;
	if (!c)
		return;
	CHECK(c->tree->nerrors == 0 && c->tree->nwarnings == 1, "typed.conf: no errors, one warning");
	show_diags(c->tree);
	CHECK(c->tree->ndiags && strcmp(c->tree->diags[0].text, "typed.conf:26: VRRPv2 advert_int must be whole seconds, using 2") == 0,
		"fractional advert_int with VRRPv2 is rounded with a warning");
	const struct conf_vrrp_instance *a = &c->instances[0];
	CHECK(c->ninstances == 2 && a->advert_int_ms == 250 && a->nopreempt && a->state == CONF_STATE_BACKUP && a->priority == 100,
		"VRRPv3 advert_int 0.25 kept; defaults BACKUP, priority 100");
	CHECK(ip_is(&a->unicast_src_ip, "10.0.0.1") && a->unicast_peers.n == 2 && ip_is(&a->unicast_peers.v[1], "10.0.0.3"),
		"unicast_src_ip and unicast_peer { }");
	CHECK(a->vips.n == 2 && ip_is(&a->vips.v[0].addr, "2001:db8::1") && a->vips.v[0].prefix == 64 &&
		strcmp(a->vips.v[0].scope, "global") == 0 && ip_is(&a->vips.v[1].brd, "10.9.9.255"),
		"IPv6 VIP with scope, IPv4 VIP with brd");
	CHECK(a->track_interface.n == 1 && a->track_interface.v[0].has_weight && a->track_interface.v[0].weight == -20,
		"track_interface with weight");
	const struct conf_virtual_server *vs = c->nvirtual_servers == 2 ? &c->virtual_servers[0] : NULL;
	CHECK(vs && vs->kind == CONF_VS_FWMARK && vs->fwmark == 7 && strcmp(vs->lb_algo, "sh") == 0 &&
		vs->lb_kind == CONF_LB_TUN && vs->protocol == CONF_PROTO_UDP && vs->quorum == 2,
		"fwmark virtual server with lvs_sched/lvs_method spellings");
	CHECK(vs && vs->nreal_servers == 1 && vs->real_servers[0].port == 0 && vs->real_servers[0].weight == 0 &&
		vs->real_servers[0].lb_kind == CONF_LB_DR && vs->real_servers[0].checks->checkers[0].type == CONF_CHECK_MISC,
		"real server without port, weight 0, own lb_kind, MISC_CHECK");
	CHECK(c->nvs_groups == 1 && c->vs_groups[0].nentries == 2 && c->vs_groups[0].entries[0].range_last == 20 &&
		c->vs_groups[0].entries[0].port == 80 && c->vs_groups[0].entries[1].fwmark == 9,
		"virtual_server_group with a range and a fwmark");
	CHECK(c->nvirtual_servers == 2 && c->virtual_servers[1].kind == CONF_VS_GROUP &&
		strcmp(c->virtual_servers[1].group, "G") == 0, "virtual_server group NAME");
	CHECK(c->virtual_servers[0].delay_loop_ms == 60000 && c->global.vrrp_version == 3, "defaults: delay_loop 60 s");
	conf_keepalived_free(c);
}

static const struct conf_vrrp_instance *instance_named(const struct conf_keepalived *c, const char *name)
{
	for (int i = 0; c && i < c->ninstances; i++)
		if (strcmp(c->instances[i].name, name) == 0)
			return &c->instances[i];
	return NULL;
}

/*
 * Instance GARP settings default to global_defs' vrrp_garp_* values
 * (keepalived.conf(5): the instance keywords override the global ones),
 * here with global_defs in an include that comes after the instances.
 * The lower-priority GARPs follow vrrp_garp_master_* unless set.
 */
static void test_garp_defaults(void)
{
	write_file("garp-main.conf",
		"vrrp_instance OWN {\n interface eth0\n virtual_router_id 1\n garp_master_delay 1\n"
		" garp_master_repeat 2\n garp_lower_prio_repeat 7\n garp_lower_prio_delay 3\n lower_prio_no_advert off\n"
		" virtual_ipaddress {\n  10.0.0.1\n }\n}\n"
		"vrrp_instance INHERIT {\n interface eth0\n virtual_router_id 2\n virtual_ipaddress {\n  10.0.0.2\n }\n}\n"
		"include garp-global.conf\n");
	write_file("garp-global.conf", "global_defs {\n vrrp_garp_master_delay 9\n vrrp_garp_master_repeat 4\n"
		" vrrp_garp_master_refresh 60\n vrrp_garp_master_refresh_repeat 3\n vrrp_lower_prio_no_advert\n}\n");
	char path[128];
	snprintf(path, sizeof(path), "%s/garp-main.conf", tmpdir);
	struct conf_keepalived *c = conf_keepalived_read(path);
	if (c)
		show_diags(c->tree);
	const struct conf_vrrp_instance *own = instance_named(c, "OWN"), *inherit = instance_named(c, "INHERIT");
	CHECK(c && c->tree->nerrors == 0 && c->tree->nwarnings == 0 && own && inherit, "garp-main.conf: clean");
	CHECK(inherit && inherit->garp_master_delay_ms == 9000 && inherit->garp_master_repeat == 4 &&
		inherit->garp_master_refresh_ms == 60000 && inherit->garp_master_refresh_repeat == 3,
		"instance without garp_master_*: global_defs values, though global_defs comes later");
	CHECK(inherit && inherit->garp_lower_prio_delay_ms == 9000 && inherit->garp_lower_prio_repeat == 4 &&
		inherit->lower_prio_no_advert == 1,
		"garp_lower_prio_*: the global vrrp_garp_master_* values when nothing sets them");
	CHECK(own && own->garp_master_delay_ms == 1000 && own->garp_master_repeat == 2 &&
		own->garp_master_refresh_ms == 60000 && own->garp_lower_prio_repeat == 7 &&
		own->garp_lower_prio_delay_ms == 3000 && own->lower_prio_no_advert == 0,
		"the instance's own garp_* and lower_prio_no_advert win over the global ones");
	conf_keepalived_free(c);

	write_file("garp-builtin.conf", "vrrp_instance I {\n interface eth0\n virtual_router_id 1\n}\n"
		"global_defs {\n vrrp_garp_lower_prio_repeat 0\n}\n");
	snprintf(path, sizeof(path), "%s/garp-builtin.conf", tmpdir);
	c = conf_keepalived_read(path);
	const struct conf_vrrp_instance *i = instance_named(c, "I");
	CHECK(i && i->garp_master_delay_ms == 5000 && i->garp_master_repeat == 5 && i->garp_master_refresh_ms == 0 &&
		i->garp_lower_prio_repeat == 0 && i->garp_lower_prio_delay_ms == 5000 && i->lower_prio_no_advert == 0,
		"built-in defaults (keepalived.conf(5)): GARP delay 5 s, repeat 5, no refresh; lower-priority delay follows");
	conf_keepalived_free(c);

	write_file("garp-min.conf", "global_defs {\n vrrp_min_garp\n vrrp_garp_master_refresh_repeat 2\n}\n"
		"vrrp_instance I {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
	snprintf(path, sizeof(path), "%s/garp-min.conf", tmpdir);
	c = conf_keepalived_read(path);
	i = instance_named(c, "I");
	CHECK(i && c->tree->nwarnings == 0 && i->garp_master_delay_ms == 0 && i->garp_master_repeat == 1 &&
		i->garp_lower_prio_repeat == 1 && i->garp_master_refresh_repeat == 2,
		"vrrp_min_garp: one GARP, no delayed round; values set on purpose stay");
	conf_keepalived_free(c);
}

/* keepalived 2.2.7's -t exits 5 (warnings) for an instance without virtual
 * addresses, with or without vrrp_strict; with it the daemon does not start. */
static void test_no_vip_warning(void)
{
	static const char plain[] = "vrrp_instance A {\n interface eth0\n virtual_router_id 9\n}\n";
	static const char strict[] = "global_defs {\n vrrp_strict\n}\n"
		"vrrp_instance A {\n interface eth0\n virtual_router_id 9\n}\n";
	static const char own_mode[] = "vrrp_instance A {\n interface eth0\n virtual_router_id 9\n strict_mode\n}\n";
	struct conf_tree *t = conf_parse_buffer("novip.conf", plain, sizeof(plain) - 1, 0);
	struct conf_keepalived *c = t ? conf_keepalived_load(t) : NULL;
	CHECK(c && c->tree->nerrors == 0 && c->tree->nwarnings == 1 &&
		strcmp(c->tree->diags[0].text, "novip.conf:1: vrrp_instance A: no virtual_ipaddress") == 0,
		"an instance without virtual_ipaddress: one warning naming it");
	conf_keepalived_free(c);
	t = conf_parse_buffer("strict.conf", strict, sizeof(strict) - 1, 0);
	c = t ? conf_keepalived_load(t) : NULL;
	CHECK(c && c->tree->nerrors == 0 && c->tree->nwarnings == 1 && strstr(c->tree->diags[0].text, "strict.conf:4: ") &&
		strstr(c->tree->diags[0].text, "vrrp_strict needs one"),
		"... with vrrp_strict the warning says the instance cannot run");
	conf_keepalived_free(c);
	t = conf_parse_buffer("mode.conf", own_mode, sizeof(own_mode) - 1, 0);
	c = t ? conf_keepalived_load(t) : NULL;
	CHECK(c && c->tree->nwarnings == 1 && strstr(c->tree->diags[0].text, "vrrp_strict needs one"),
		"... and so with the instance's own strict_mode");
	conf_keepalived_free(c);
}

/* keepalived 2.2.7's -t takes these without a warning (exit 0). */
static void test_nftables_keywords(void)
{
	static const char text[] = "global_defs {\n nftables lvt\n nftables_priority -5\n nftables_counters\n"
		" nftables_ifindex\n}\nvrrp_instance A {\n interface eth0\n virtual_router_id 9\n version 3\n"
		" virtual_ipaddress {\n  10.1.1.1\n }\n no_accept\n accept\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 8\n virtual_ipaddress {\n  10.1.1.2\n }\n"
		" no_accept\n}\n";
	static const char plain[] = "vrrp_instance A {\n interface eth0\n virtual_router_id 9\n"
		" virtual_ipaddress {\n  10.1.1.1\n }\n}\n";
	struct conf_tree *t = conf_parse_buffer("nft.conf", text, sizeof(text) - 1, 0);
	struct conf_keepalived *c = t ? conf_keepalived_load(t) : NULL;
	CHECK(c && c->tree->ndiags == 0, "nftables keywords and accept/no_accept: no diagnostics");
	if (c)
		show_diags(c->tree);
	CHECK(c && c->global.nftables_table && strcmp(c->global.nftables_table, "lvt") == 0 &&
		c->global.nftables_priority == -5 && c->global.nftables_counters == 1,
		"nftables NAME, nftables_priority, nftables_counters are stored");
	CHECK(c && c->ninstances == 2 && c->instances[0].accept_mode == CONF_ACCEPT_ON &&
		c->instances[1].accept_mode == CONF_ACCEPT_OFF, "accept / no_accept: the last one counts");
	conf_keepalived_free(c);
	t = conf_parse_buffer("plain.conf", plain, sizeof(plain) - 1, 0);
	c = t ? conf_keepalived_load(t) : NULL;
	CHECK(c && !c->global.nftables_table && c->global.nftables_priority == -1 && !c->global.nftables_counters &&
		c->instances[0].accept_mode == CONF_ACCEPT_UNSET,
		"defaults: keepalived's table name, priority -1, no counters, accept mode unset");
	conf_keepalived_free(c);
}

/* keepalived 2.2.7's virtual_server_group forms (its check_data.c reads
 * an IPv6 range end as hex; -t accepts these without a warning). */
static void test_vsg_ranges(void)
{
	static const char text[] = "virtual_server_group G {\n 2001:db8::a-1f 80\n 10.0.0.8/30 81\n"
		" 2001:db8::1/128 82\n 10.0.0.20-10.0.0.25 83\n 10.0.0.30 84 dev eth0\n}\n"
		"virtual_server group G {\n real_server 10.0.0.2 80 {\n }\n protocol TCP\n lb_algo rr\n lb_kind NAT\n}\n";
	struct conf_tree *t = conf_parse_buffer("vsg.conf", text, sizeof(text) - 1, 0);
	struct conf_keepalived *c = t ? conf_keepalived_load(t) : NULL;
	const struct conf_vs_group *g = c && c->nvs_groups == 1 ? &c->vs_groups[0] : NULL;
	CHECK(c && c->tree->ndiags == 0, "virtual_server_group ranges: no diagnostics");
	if (c)
		show_diags(c->tree);
	CHECK(g && g->nentries == 5, "five entries kept");
	if (!g || g->nentries != 5) {
		conf_keepalived_free(c);
		return;
	}
	CHECK(ip_is(&g->entries[0].addr, "2001:db8::a") && g->entries[0].range_last == 0x1f,
		"IPv6 ::a-1f: the end in hex, 0x1f");
	CHECK(ip_is(&g->entries[1].addr, "10.0.0.8") && g->entries[1].range_last == 11, "10.0.0.8/30: 8 to 11");
	CHECK(ip_is(&g->entries[2].addr, "2001:db8::1") && g->entries[2].range_last == 0 && g->entries[2].port == 82,
		"/128: one address");
	CHECK(g->entries[3].range_last == 25, "10.0.0.20-10.0.0.25: an end address in the same /24");
	CHECK(ip_is(&g->entries[4].addr, "10.0.0.30") && g->entries[4].port == 84, "words after ADDR PORT ignored");
	conf_keepalived_free(c);
}

/* keepalived 2.2.7 -t: "Virtual server ...: no scheduler set, setting
 * default 'wlc'" and "no forwarding method set, setting default NAT", also
 * after it ignored a value it does not know. */
static void test_vs_defaults(void)
{
	static const char text[] = "virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n }\n}\n"
		"virtual_server fwmark 3 {\n lb_algo foo\n lb_kind DR\n real_server 10.0.0.3 {\n }\n}\n";
	struct conf_tree *t = conf_parse_buffer("def.conf", text, sizeof(text) - 1, 0);
	struct conf_keepalived *c = t ? conf_keepalived_load(t) : NULL;
	CHECK(c && c->tree->nerrors == 0 && c->tree->ndiags == 4 &&
		strcmp(c->tree->diags[0].text, "def.conf:1: virtual_server has no lb_algo: wlc, as keepalived sets it") == 0 &&
		strcmp(c->tree->diags[1].text, "def.conf:1: virtual_server has no lb_kind: NAT, as keepalived sets it") == 0 &&
		strncmp(c->tree->diags[2].text, "def.conf:7: 'lb_algo' value 'foo' is not one of", 47) == 0 &&
		strcmp(c->tree->diags[3].text, "def.conf:6: virtual_server has no lb_algo: wlc, as keepalived sets it") == 0,
		"no lb_algo, no lb_kind, an unknown lb_algo: a warning each at the virtual_server");
	CHECK(c && c->nvirtual_servers == 2 && strcmp(c->virtual_servers[0].lb_algo, "wlc") == 0 &&
		c->virtual_servers[0].lb_kind == CONF_LB_NAT && strcmp(c->virtual_servers[1].lb_algo, "wlc") == 0 &&
		c->virtual_servers[1].lb_kind == CONF_LB_DR, "and wlc and NAT where they are missing, as keepalived");
	conf_keepalived_free(c);
}

/* keepalived 2.2.7 reads "virtual_server A B" and ignores further words. */
static void test_vs_extra_words(void)
{
	struct conf_keepalived *c = conf_keepalived_read("tests/unit/conf/valid/vs-extra-words.conf");
	CHECK(c && c->tree->ndiags == 0, "virtual_server IP PORT dev X: no diagnostics");
	CHECK(c && c->nvirtual_servers == 2 && ip_is(&c->virtual_servers[0].addr, "10.0.0.1") &&
		c->virtual_servers[0].port == 80 && c->virtual_servers[1].kind == CONF_VS_FWMARK &&
		c->virtual_servers[1].fwmark == 7, "the address, port and fwmark are read, the rest ignored");
	conf_keepalived_free(c);
}

/* keepalived 2.2.7's "@ID" and "@^ID" lines (its lib/parser.c): read, minus
 * the prefix, when the config id is (is not) ID; "@ID" alone is dropped. */
static void test_config_id(void)
{
	static const char text[] = "virtual_server 10.0.0.1 80 {\n @high delay_loop 7\n  @low delay_loop 9\n"
		" @^high quorum 3\n @high\n real_server 10.0.0.2 80 {\n  weight 3\n }\n protocol TCP\n lb_algo rr\n lb_kind NAT\n}\n";
	static const struct { const char *id; unsigned delay_ms, quorum; } want[] = {
		{ "high", 7000, 1 }, { "low", 9000, 3 }, { "other", 60000, 3 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		conf_set_config_id(want[i].id);
		struct conf_tree *t = conf_parse_buffer("cid.conf", text, sizeof(text) - 1, 0);
		struct conf_keepalived *c = t ? conf_keepalived_load(t) : NULL;
		CHECK(c && c->tree->ndiags == 0 && c->nvirtual_servers == 1 &&
			c->virtual_servers[0].delay_loop_ms == want[i].delay_ms && c->virtual_servers[0].quorum == want[i].quorum,
			"config id %s: delay_loop %u ms, quorum %u", want[i].id, want[i].delay_ms, want[i].quorum);
		if (c)
			show_diags(c->tree);
		conf_keepalived_free(c);
	}
	conf_set_config_id(NULL);
	CHECK(conf_config_id()[0] && !strchr(conf_config_id(), '.'), "default config id: the host name before its first dot (%s)",
		conf_config_id());
}

/* smtp_server HOSTNAME is looked up (localhost from /etc/hosts), but not
 * under CONF_NO_RESOLVE, which the fuzz harness sets. */
static void test_smtp_server_name(void)
{
	static const char text[] = "global_defs {\n smtp_server localhost 2525\n}\n";
	struct conf_tree *t = conf_parse_buffer("smtp.conf", text, sizeof(text) - 1, 0);
	struct conf_keepalived *c = t ? conf_keepalived_load(t) : NULL;
	CHECK(c && c->tree->ndiags == 0 && ip_is(&c->global.smtp_server, "127.0.0.1") && c->global.smtp_port == 2525,
		"smtp_server localhost 2525: 127.0.0.1 port 2525");
	conf_keepalived_free(c);
	t = conf_parse_buffer("smtp.conf", text, sizeof(text) - 1, CONF_NO_RESOLVE);
	c = t ? conf_keepalived_load(t) : NULL;
	CHECK(c && c->tree->nerrors == 0 && c->tree->nwarnings == 1 && !c->global.smtp_server.family &&
		strstr(c->tree->diags[0].text, "smtp.conf:2: 'smtp_server' host name 'localhost' not looked up"),
		"CONF_NO_RESOLVE: a host name is a warning, no lookup");
	conf_keepalived_free(c);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_conf.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		CHECK(0, "mkdtemp");
		return 1;
	}
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		test_fixture(&fixtures[i]);
	test_round_trips();
	test_broken_inputs();
	test_lenient_inputs();
	test_valid_syntax_file();
	test_includes();
	test_substitution();
	test_unknown_keyword_warning();
	test_bounds();
	test_typed_values();
	test_garp_defaults();
	test_no_vip_warning();
	test_nftables_keywords();
	test_vsg_ranges();
	test_vs_extra_words();
	test_vs_defaults();
	test_config_id();
	test_smtp_server_name();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	return unit_exit();
}
