/*
 * test_conf_ports.c - real server ports that IPVS cannot honour. Only NAT
 * rewrites the port, so keepalived 2.2.7 installs DR and TUN servers on the
 * virtual server's port (none under a fwmark) and `keepalived -t` warns when
 * the line says otherwise; its checkers still probe the port as written
 * (seen in tests/vm/t_lvsd_seed.sh). The parser keeps the written port, for
 * checkd, and warns; lvsd picks the installed port.
 */
#include "conf.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct conf_keepalived *read_text(const char *text)
{
	char path[] = "/tmp/test_conf_ports.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	struct conf_keepalived *c = conf_keepalived_read(path);
	unlink(path);
	return c;
}

int main(void)
{
	struct conf_keepalived *c = read_text(
		"virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n"
		" real_server 10.0.0.2 8080 {\n  weight 1\n }\n"
		" real_server 10.0.0.3 {\n  weight 1\n }\n"
		" real_server 10.0.0.4 8443 {\n  lvs_method NAT\n }\n"
		" real_server 10.0.0.5 {\n  lvs_method NAT\n }\n"
		" sorry_server 10.0.0.9 81\n}\n"
		"virtual_server fwmark 7 {\n lb_algo rr\n lb_kind TUN\n"
		" real_server 10.0.0.6 80 {\n  weight 1\n }\n}\n"
		"virtual_server 10.0.0.1 443 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
		" real_server 10.0.0.7 {\n  weight 1\n }\n}\n");
	CHECK(c && c->nvirtual_servers == 3, "three virtual servers parsed");
	if (!c)
		return unit_exit();
	const struct conf_virtual_server *dr = &c->virtual_servers[0];
	CHECK(dr->real_servers[0].port == 8080, "DR real server keeps its written 8080 for its checkers");
	CHECK(dr->real_servers[1].port == 0, "DR real server without a port stays without");
	CHECK(dr->real_servers[2].port == 8443, "a NAT real server under a DR virtual server keeps its 8443");
	CHECK(dr->sorry_server && dr->sorry_server->port == 81, "a DR sorry server keeps its written 81");
	CHECK(c->virtual_servers[1].real_servers[0].port == 80, "a TUN real server under a fwmark keeps its written 80");
	CHECK(c->tree->nwarnings == 3, "one warning per port IPVS cannot honour: DR 8080, DR sorry 81, fwmark TUN 80 (%d)",
	      c->tree->nwarnings);
	for (int i = 0; i < c->tree->ndiags; i++)
		printf("#   %s\n", c->tree->diags[i].text);
	conf_keepalived_free(c);
	return unit_exit();
}
