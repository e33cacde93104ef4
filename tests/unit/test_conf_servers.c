/*
 * test_conf_servers.c - the config as lvsd keeps it: read with
 * conf_keepalived_read_servers (each virtual server seen with its checkers,
 * then kept without them) and daemon_read (the checkers checkd would
 * refuse counted on the way), then stripped of the tree's nodes by
 * conf_tree_drop_nodes; and as vrrpd keeps it, without virtual servers. What lvsd reads afterwards (command lines, names,
 * file names) must still be there: under the dev build's AddressSanitizer
 * a string left pointing into the freed nodes fails these tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf.h"
#include "daemon.h"
#include "unit.h"

static const char servers_text[] =
	"global_defs {\n"
	" startup_script /bin/echo starting up\n"
	"}\n"
	"vrrp_instance VI_1 {\n"
	" interface eth0\n"
	" virtual_router_id 51\n"
	" notify_master /bin/echo master\n"
	" virtual_ipaddress {\n  10.0.0.1\n }\n"
	"}\n"
	"virtual_server 10.0.0.1 80 {\n"
	" lb_algo wrr\n"
	" lb_kind DR\n"
	" protocol TCP\n"
	" quorum_up /bin/echo quorum up\n"
	" real_server 192.168.1.1 80 {\n"
	"  weight 3\n"
	"  notify_up /bin/echo rs up 192.168.1.1\n"
	"  TCP_CHECK {\n   connect_timeout 3\n  }\n"
	"  MISC_CHECK {\n   misc_path \"/bin/true\"\n  }\n"
	" }\n"
	" real_server 192.168.1.2 80 {\n"
	"  weight 1\n"
	" }\n"
	"}\n"
	"virtual_server 10.0.0.2 53 {\n"
	" protocol UDP\n"
	" real_server 192.168.1.3 53 {\n"
	"  UDP_CHECK {\n   payload %s\n  }\n"
	" }\n"
	"}\n";

static char path[64];

static void write_config(const char *payload)
{
	strcpy(path, "/tmp/test_conf_servers.XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		perror("mkstemp");
		exit(1);
	}
	fprintf(f, servers_text, payload);
	fclose(f);
}

struct seen {
	int calls;
	int checkers_seen;      /* checkers the callback could read */
	int misc_seen;
	int notify_up_seen;     /* the first real server's, as written */
};

static int cmd_is(const struct conf_cmd *cmd, const char *const *words, int n);
static const char *const up[] = { "/bin/echo", "rs", "up", "192.168.1.1" };

static void look(const struct conf_keepalived *conf, const struct conf_virtual_server *vs, void *ctx)
{
	struct seen *s = ctx;
	(void)conf;
	s->calls++;
	if (vs->nreal_servers && vs->real_servers[0].checks && cmd_is(&vs->real_servers[0].checks->notify_up, up, 4))
		s->notify_up_seen++;
	for (int r = 0; r < vs->nreal_servers; r++)
		for (int k = 0; vs->real_servers[r].checks && k < vs->real_servers[r].ncheckers; k++) {
			const struct conf_checker *c = &vs->real_servers[r].checks->checkers[k];
			s->checkers_seen++;
			if (c->type == CONF_CHECK_MISC && c->misc_path.argc == 1 && strcmp(c->misc_path.argv[0], "/bin/true") == 0)
				s->misc_seen++;
		}
}

static int cmd_is(const struct conf_cmd *cmd, const char *const *words, int n)
{
	if (cmd->argc != n || !cmd->argv)
		return 0;
	for (int i = 0; i < n; i++)
		if (strcmp(cmd->argv[i], words[i]) != 0)
			return 0;
	return 1;
}

static void test_read_servers(void)
{
	write_config("00ff");
	struct seen s = { 0 };
	struct conf_keepalived *c = conf_keepalived_read_servers(path, look, &s);
	CHECK(c && c->tree->nerrors == 0, "the config reads without errors");
	if (!c || c->tree->nerrors)
		goto out;
	CHECK(s.calls == 2, "each virtual server goes to the callback once (%d calls)", s.calls);
	CHECK(s.checkers_seen == 3 && s.misc_seen == 1,
	      "the callback sees every checker, misc_path and all (%d, %d)", s.checkers_seen, s.misc_seen);
	CHECK(c->nvirtual_servers == 2 && c->virtual_servers[0].nreal_servers == 2 &&
	      c->virtual_servers[1].nreal_servers == 1, "the virtual and real servers are kept");
	const struct conf_real_server *rs = c->virtual_servers[0].real_servers;
	CHECK(s.notify_up_seen == 1, "the callback sees a real server's notify_up (%d)", s.notify_up_seen);
	CHECK(rs[0].ncheckers == 2 && !rs[0].checks && rs[1].ncheckers == 0 && !rs[1].checks,
	      "the real servers keep the count of their checkers and let the checkers and notify lines go");
	CHECK(rs[0].weight == 3 && rs[1].weight == 1, "weights are read");

	conf_tree_drop_nodes(c->tree);
	CHECK(c->tree->root.child == NULL, "no node is left after conf_tree_drop_nodes");
	const struct conf_virtual_server *vs = &c->virtual_servers[0];
	CHECK(strcmp(vs->lb_algo, "wrr") == 0 && strcmp(vs->file, path) == 0 && vs->line == 12 && rs[1].line == 27,
	      "the virtual server's words and its file:line outlive the nodes");
	static const char *const quorum[] = { "/bin/echo", "quorum", "up" };
	CHECK(cmd_is(&vs->quorum_up, quorum, 3), "quorum_up's words outlive the nodes");
	static const char *const start[] = { "/bin/echo", "starting", "up" };
	CHECK(cmd_is(&c->global.startup_script, start, 3), "startup_script's words outlive the nodes");
	static const char *const master[] = { "/bin/echo", "master" };
	CHECK(c->ninstances == 1 && cmd_is(&c->instances[0].notify_master, master, 2) &&
	      strcmp(c->instances[0].interface, "eth0") == 0, "the instance's words outlive the nodes");
	char name[64];
	CHECK(strcmp(conf_vs_name(vs, name, sizeof(name)), "tcp/10.0.0.1:80") == 0, "the virtual server's name");
out:
	conf_keepalived_free(c);
	unlink(path);
}

static void test_checker_errors_counted(void)
{
	int bad = -1;
	write_config("00ff");
	struct conf_keepalived *c = daemon_read(path, DAEMON_READ_SERVERS, &bad);
	CHECK(c && c->tree->nerrors == 0 && bad == 0, "a config checkd takes has no checker errors (%d)", bad);
	conf_keepalived_free(c);
	unlink(path);

	/* checkd refuses a UDP_CHECK payload that is not hex; the parse does not */
	write_config("zz");
	c = daemon_read(path, DAEMON_READ_SERVERS, &bad);
	CHECK(c && c->tree->nerrors == 0 && bad == 1, "a payload checkd would refuse is counted (%d)", bad);
	CHECK(c && c->virtual_servers[1].real_servers[0].ncheckers == 1 && !c->virtual_servers[1].real_servers[0].checks,
	      "its checker is let go all the same");
	conf_keepalived_free(c);
	unlink(path);
}

/* the full read (checkd's) keeps the checkers, and their words outlive the nodes too */
static void test_full_read_keeps_checkers(void)
{
	write_config("00ff");
	struct conf_keepalived *c = conf_keepalived_read(path);
	CHECK(c && c->tree->nerrors == 0, "the full read has no errors");
	if (c && !c->tree->nerrors) {
		const struct conf_real_server *rs = c->virtual_servers[0].real_servers;
		CHECK(rs[0].ncheckers == 2 && rs[0].checks && rs[0].checks->checkers[1].type == CONF_CHECK_MISC,
		      "conf_keepalived_read keeps the checkers");
		CHECK(cmd_is(&rs[0].checks->notify_up, up, 4), "and the notify lines");
		conf_tree_drop_nodes(c->tree);
		const struct conf_checker *u = &c->virtual_servers[1].real_servers[0].checks->checkers[0];
		CHECK(u->type == CONF_CHECK_UDP && u->payload.argc == 1 && strcmp(u->payload.argv[0], "00ff") == 0,
		      "a checker's kept words outlive the nodes");
	}
	conf_keepalived_free(c);
	unlink(path);
}

/* vrrpd's read: the instances, no virtual server; a virtual server's error still refuses the file */
static void test_no_servers(void)
{
	write_config("00ff");
	struct conf_keepalived *c = daemon_read(path, DAEMON_READ_NO_SERVERS, NULL);
	CHECK(c && c->tree->nerrors == 0 && c->nvirtual_servers == 0 && c->ninstances == 1 &&
	      strcmp(c->instances[0].name, "VI_1") == 0, "vrrpd's read keeps the instance and no virtual server");
	conf_keepalived_free(c);
	unlink(path);

	write_config("00ff\n  }\n  weight x\n  UDP_CHECK {");
	c = daemon_read(path, DAEMON_READ_NO_SERVERS, NULL);
	CHECK(c && c->tree->nerrors == 1, "an error inside a virtual server is still found (%d errors)",
	      c ? c->tree->nerrors : -1);
	conf_keepalived_free(c);
	unlink(path);
}

int main(void)
{
	test_read_servers();
	test_checker_errors_counted();
	test_full_read_keeps_checkers();
	test_no_servers();
	return unit_exit();
}
