/*
 * test_check_config_typed.c - the checker options that the typed config
 * carries to checkd beyond keepalived's documented ones: the first of two
 * lines counts, nb_get_retry in a real_server or virtual_server is warned
 * about yet honoured, and so are MISC_CHECK's connection-less options.
 */
#include "check.h"
#include "unit.h"

#include <string.h>

static struct conf_keepalived *load(const char *text)
{
	struct conf_tree *t = conf_parse_buffer("t.conf", text, strlen(text), CONF_NO_INCLUDE);
	return t ? conf_keepalived_load(t) : NULL;
}

static int diag_is(const struct conf_keepalived *c, const char *text)
{
	for (int i = 0; i < c->tree->ndiags; i++)
		if (strcmp(c->tree->diags[i].text, text) == 0)
			return 1;
	return 0;
}

int main(void)
{
	char err[256] = "";
	struct check_params p;
	struct conf_keepalived *c = load(
		"virtual_server 10.0.0.1 80 {\n"
		"  nb_get_retry 6\n"
		"  real_server 10.0.0.2 80 {\n"
		"    nb_get_retry 7\n"
		"    TCP_CHECK {\n      connect_timeout 2\n      connect_timeout 3\n    }\n"
		"  }\n"
		"  real_server 10.0.0.3 80 {\n"
		"    MISC_CHECK {\n      misc_path /bin/true\n      retry 4\n    }\n"
		"    TCP_CHECK {\n    }\n"
		"  }\n"
		"}\n");
	CHECK(c && c->tree->nerrors == 0, "typed: config loads");
	if (!c)
		return unit_exit();
	CHECK(diag_is(c, "t.conf:2: unknown keyword 'nb_get_retry' in virtual_server") &&
	      diag_is(c, "t.conf:4: unknown keyword 'nb_get_retry' in real_server") &&
	      diag_is(c, "t.conf:13: unknown keyword 'retry' in MISC_CHECK"),
	      "typed: the warnings stay");
	const struct conf_virtual_server *vs = &c->virtual_servers[0];
	int rc = check_params_from_conf(&p, c, vs, &vs->real_servers[0], &vs->real_servers[0].checks->checkers[0], err, sizeof(err));
	CHECK(rc == 0 && p.connect_timeout_ms == 2000 && p.retry == 7,
	      "typed: first connect_timeout counts; real_server nb_get_retry honoured (%u ms, retry %u) %s",
	      p.connect_timeout_ms, p.retry, err);
	check_params_free(&p);
	rc = check_params_from_conf(&p, c, vs, &vs->real_servers[1], &vs->real_servers[1].checks->checkers[0], err, sizeof(err));
	CHECK(rc == 0 && p.retry == 4, "typed: MISC_CHECK retry honoured (%u) %s", p.retry, err);
	check_params_free(&p);
	rc = check_params_from_conf(&p, c, vs, &vs->real_servers[1], &vs->real_servers[1].checks->checkers[1], err, sizeof(err));
	CHECK(rc == 0 && p.retry == 6, "typed: virtual_server nb_get_retry honoured (%u) %s", p.retry, err);
	check_params_free(&p);
	conf_keepalived_free(c);
	return unit_exit();
}
