/*
 * test_check_config.c - checker blocks to struct check_params: keepalived's
 * documented defaults and inheritance (keepalived.conf(5) of 2.2.7: retry 1,
 * DNS 3, MISC 0; delay_before_retry 1 s, HTTP/SSL 3 s, DNS delay_loop;
 * connect_timeout 5 s; warmup delay_loop; checker over real_server over
 * virtual_server), the man page's own HEX_STR example, the SSL block, and
 * errors with file:line.
 */
#include "check.h"
#include "dns_parse.h"
#include "unit.h"

#include <arpa/inet.h>
#include <string.h>

static struct conf_keepalived *load(const char *text)
{
	struct conf_tree *t = conf_parse_buffer("t.conf", text, strlen(text), CONF_NO_INCLUDE);
	return t ? conf_keepalived_load(t) : NULL;
}

static int params_of(struct conf_keepalived *c, int vsi, int rsi, int ci, struct check_params *p, char *err, size_t n)
{
	const struct conf_virtual_server *vs = &c->virtual_servers[vsi];
	const struct conf_real_server *rs = &vs->real_servers[rsi];
	return check_params_from_conf(p, c, vs, rs, &rs->checks->checkers[ci], err, n);
}

static const char defaults_conf[] =
	"virtual_server 10.0.0.1 80 {\n"
	"  delay_loop 6\n"
	"  real_server 10.0.0.2 80 {\n"
	"    TCP_CHECK {\n    }\n"
	"    HTTP_GET {\n      url {\n        path /\n      }\n    }\n"
	"    DNS_CHECK {\n    }\n"
	"    MISC_CHECK {\n      misc_path /bin/true\n    }\n"
	"  }\n"
	"}\n";

static const char inherit_conf[] =
	"virtual_server 10.0.0.1 80 {\n"
	"  delay_loop 10\n  retry 4\n  connect_timeout 7\n  delay_before_retry 2\n  virtualhost vs.example\n"
	"  real_server 10.0.0.2 8080 {\n"
	"    retry 5\n    warmup 0\n    alpha\n"
	"    HTTP_GET {\n      connect_timeout 1.5\n      connect_ip 10.0.0.9\n      connect_port 81\n      bindto 10.0.0.1\n"
	"      url {\n        path /a\n      }\n"
	"      url {\n        path /b\n        virtualhost url.example\n        status_code 200 300-399\n"
	"        digest 9B3A0C85A887A256D6939DA88AABD8CD\n      }\n    }\n"
	"  }\n"
	"  real_server 10.0.0.3 8080 {\n"
	"    UDP_CHECK {\n      payload \"Ab12f 3 456 546443123\"\n      require_reply 4x 0a\n    }\n"
	"    SMTP_CHECK {\n      helo_name probe.example\n      nb_get_retry 9\n    }\n"
	"  }\n"
	"}\n"
	"SSL {\n  ca /etc/ssl/ca.pem\n}\n";

int main(void)
{
	char err[256] = "";
	struct check_params p;
	struct conf_keepalived *c = load(defaults_conf);
	CHECK(c && c->tree->nerrors == 0, "config: defaults config loads");

	static const struct { const char *what; unsigned retry, dbr; } want[] = {
		{ "TCP_CHECK", 1, 1000 }, { "HTTP_GET", 1, 3000 }, { "DNS_CHECK", 3, 6000 }, { "MISC_CHECK", 0, 1000 },
	};
	for (int i = 0; i < 4; i++) {
		int rc = params_of(c, 0, 0, i, &p, err, sizeof(err));
		CHECK(rc == 0 && p.retry == want[i].retry && p.delay_before_retry_ms == want[i].dbr &&
		      p.connect_timeout_ms == 5000 && p.delay_loop_ms == 6000 && p.warmup_ms == 6000 && !p.alpha,
		      "config: %s defaults retry %u, delay_before_retry %u ms, connect_timeout 5 s, warmup = delay_loop (%s)",
		      want[i].what, want[i].retry, want[i].dbr, err);
		if (i == 1)
			CHECK(p.http && p.http->protocol == CHECK_HTTP_10 && p.http->urls[0].nstatus == 0 && !p.http->urls[0].virtualhost,
			      "config: HTTP_GET defaults to HTTP/1.0, status 200-299, Host from the address");
		if (i == 2)
			CHECK(p.dns && p.dns->qtype == DNS_TYPE_SOA && strcmp(p.dns->name, ".") == 0 && ntohs(p.target.sin.sin_port) == 80,
			      "config: DNS_CHECK defaults to SOA of the root, at the real server's port");
		if (i == 3)
			CHECK(p.misc && p.misc->timeout_ms == 6000 && strcmp(p.misc->argv[0], "/bin/true") == 0 && !p.misc->argv[1],
			      "config: MISC_CHECK misc_timeout defaults to delay_loop");
		check_params_free(&p);
	}
	conf_keepalived_free(c);

	c = load(inherit_conf);
	CHECK(c && c->tree->nerrors == 0, "config: inheritance config loads (%s)", c && c->tree->ndiags ? c->tree->diags[0].text : "");
	int rc = params_of(c, 0, 0, 0, &p, err, sizeof(err));
	char addr[64], bind[64];
	CHECK(rc == 0 && p.retry == 5 && p.connect_timeout_ms == 1500 && p.delay_before_retry_ms == 2000 && p.delay_loop_ms == 10000 &&
	      p.warmup_ms == 0 && p.alpha,
	      "config: checker > real_server > virtual_server (retry 5, connect_timeout 1.5 s, delay_before_retry 2 s, warmup 0, alpha) %s", err);
	inet_ntop(AF_INET, &p.target.sin.sin_addr, addr, sizeof(addr));
	inet_ntop(AF_INET, &p.bind.sin.sin_addr, bind, sizeof(bind));
	CHECK(rc == 0 && strcmp(addr, "10.0.0.9") == 0 && ntohs(p.target.sin.sin_port) == 81 && strcmp(bind, "10.0.0.1") == 0,
	      "config: connect_ip/connect_port/bindto: %s:%u from %s", addr, ntohs(p.target.sin.sin_port), bind);
	CHECK(rc == 0 && p.http->nurls == 2 && strcmp(p.http->urls[0].virtualhost, "vs.example") == 0 &&
	      strcmp(p.http->urls[1].virtualhost, "url.example") == 0,
	      "config: url virtualhost over the virtual server's");
	CHECK(rc == 0 && p.http->urls[1].nstatus == 2 && p.http->urls[1].status[1].lo == 300 && p.http->urls[1].status[1].hi == 399 &&
	      p.http->urls[1].has_digest && p.http->urls[1].digest[0] == 0x9b && p.http->urls[1].digest[15] == 0xcd,
	      "config: status_code ranges and digest");
	struct check_params copy;
	char k1[512], k2[512];
	check_params_copy(&copy, &p);
	check_params_key(&p, k1, sizeof(k1));
	check_params_key(&copy, k2, sizeof(k2));
	size_t need = check_params_key(&p, NULL, 0);
	CHECK(strcmp(k1, k2) == 0 && need == strlen(k1), "config: a copy has the same sharing key (%s)", k1);
	check_params_free(&copy);
	check_params_free(&p);

	rc = params_of(c, 0, 1, 0, &p, err, sizeof(err));
	static const unsigned char man_example[] = { 0xAB, 0x12, 0x0F, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03 };
	CHECK(rc == 0 && p.udp->payload_len == sizeof(man_example) && memcmp(p.udp->payload, man_example, sizeof(man_example)) == 0,
	      "config: UDP payload 'Ab12f 3 456 546443123' is the man page's AB 12 0F 03 45 06 54 64 43 12 03");
	CHECK(rc == 0 && p.udp->require_reply && p.udp->reply_len == 2 && p.udp->reply[0] == 0x40 && p.udp->reply_mask[0] == 0xf0 &&
	      p.udp->reply[1] == 0x0a && p.udp->reply_mask[1] == 0xff && p.udp->max_reply_length == 255,
	      "config: require_reply x wildcard masks a nibble; max_reply_length defaults to 255");
	check_params_free(&p);
	rc = params_of(c, 0, 1, 1, &p, err, sizeof(err));
	CHECK(rc == 0 && strcmp(p.smtp->helo_name, "probe.example") == 0 && p.retry == 9 && p.retry != 4,
	      "config: SMTP helo_name; nb_get_retry is retry");
	check_params_free(&p);

	struct check_ssl_conf ssl;
	rc = check_ssl_from_conf(&ssl, c, err, sizeof(err));
	CHECK(rc == 0 && ssl.ca && strcmp(ssl.ca, "/etc/ssl/ca.pem") == 0 && !ssl.certificate, "config: global SSL block ca");
	conf_keepalived_free(c);

	c = load("virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    HTTP_GET {\n      http_protocol 2.0\n"
		 "      url {\n        path /\n      }\n    }\n  }\n}\n");
	rc = c ? params_of(c, 0, 0, 0, &p, err, sizeof(err)) : -1;
	CHECK(rc < 0 && strcmp(err, "t.conf:4: http_protocol '2.0' is not one of 1.0, 1.0C, 1.1") == 0, "config: error with file:line: %s", err);
	conf_keepalived_free(c);

	c = load("virtual_server fwmark 7 {\n  real_server 10.0.0.2 {\n    TCP_CHECK {\n    }\n  }\n}\n");
	rc = c && c->nvirtual_servers ? params_of(c, 0, 0, 0, &p, err, sizeof(err)) : -1;
	CHECK(rc < 0 && strstr(err, "t.conf:3: TCP_CHECK needs a port"), "config: TCP_CHECK without any port: %s", err);
	conf_keepalived_free(c);

	c = load("virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    MISC_CHECK {\n      misc_path /bin/true\n"
		 "      user no-such-user-here\n    }\n  }\n}\n");
	rc = c ? params_of(c, 0, 0, 0, &p, err, sizeof(err)) : -1;
	CHECK(rc < 0 && strcmp(err, "t.conf:5: no such user 'no-such-user-here'") == 0, "config: unknown script user: %s", err);
	conf_keepalived_free(c);
	return unit_exit();
}
