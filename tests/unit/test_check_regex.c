/*
 * test_check_regex.c - the url regex of HTTP_GET/SSL_GET: keepalived's
 * regex_options (keepalived.conf(5) of 2.2.7 lists them) mapped to POSIX
 * where an equivalent exists and warned about with file:line where not,
 * patterns that are not POSIX ERE refused with file:line, the offsets,
 * and the parameters copied and keyed with their regex.
 */
#include "check.h"
#include "check_regex.h"
#include "unit.h"

#include <string.h>

static struct conf_keepalived *load(const char *text)
{
	struct conf_tree *t = conf_parse_buffer("t.conf", text, strlen(text), CONF_NO_INCLUDE);
	return t ? conf_keepalived_load(t) : NULL;
}

static bool has_diag(const struct conf_keepalived *c, int is_error, const char *text)
{
	for (int i = 0; i < c->tree->ndiags; i++)
		if (c->tree->diags[i].is_error == is_error && strstr(c->tree->diags[i].text, text))
			return true;
	return false;
}

static const char url_conf[] =
	"virtual_server 10.0.0.1 80 {\n"
	"  real_server 10.0.0.2 80 {\n"
	"    HTTP_GET {\n"
	"      url {\n"
	"        path /\n"
	"        regex \"Welcome to (nginx|lvsbox)\"\n"
	"        regex_no_match\n"
	"        regex_options caseless ungreedy multiline\n"
	"        regex_options bogus\n"
	"        regex_min_offset 10\n"
	"        regex_max_offset 500\n"
	"        regex_stack 1024 65536\n"
	"      }\n"
	"    }\n"
	"  }\n"
	"}\n";

static void test_config(void)
{
	struct conf_keepalived *c = load(url_conf);
	CHECK(c && c->tree->nerrors == 0, "regex url block loads without errors");
	if (!c)
		return;
	CHECK(has_diag(c, 0, "t.conf:8: regex option 'ungreedy' has no POSIX equivalent and is ignored"),
	      "regex_options: an option POSIX lacks is warned about with file:line");
	CHECK(!has_diag(c, 0, "'caseless'") && !has_diag(c, 0, "'multiline'"), "regex_options: caseless and multiline are honoured, no warning");
	CHECK(has_diag(c, 0, "t.conf:9: unknown regex option 'bogus'"), "regex_options: an unknown word is warned about");
	CHECK(has_diag(c, 0, "t.conf:12: 'regex_stack' is not supported"), "regex_stack: accepted with a warning");

	struct check_params p, q;
	char err[256] = "";
	const struct conf_virtual_server *vs = &c->virtual_servers[0];
	const struct conf_real_server *rs = &vs->real_servers[0];
	int rc = check_params_from_conf(&p, c, vs, rs, &rs->checks->checkers[0], err, sizeof(err));
	CHECK(rc == 0, "regex url block to check params (%s)", err);
	if (rc == 0) {
		const struct check_url *u = &p.http->urls[0];
		CHECK(u->regex && strcmp(u->regex, "Welcome to (nginx|lvsbox)") == 0 && u->regex_no_match,
		      "regex and regex_no_match are kept");
		CHECK(u->regex_cflags == (REG_ICASE | REG_NEWLINE), "caseless -> REG_ICASE, multiline -> REG_NEWLINE");
		CHECK(u->regex_min_offset == 10 && u->regex_max_offset == 500, "regex_min_offset and regex_max_offset are kept");
		CHECK(u->regex_compiled && check_regex_match(u->regex_compiled, "WELCOME TO NGINX", 0, SIZE_MAX),
		      "the compiled regex honours caseless");
		CHECK(check_params_copy(&q, &p) == 0 && q.http->urls[0].regex_compiled != u->regex_compiled &&
		      check_regex_match(q.http->urls[0].regex_compiled, "welcome to lvsbox", 0, SIZE_MAX),
		      "a copy compiles its own regex");
		char k1[512], k2[512];
		check_params_key(&p, k1, sizeof(k1));
		q.http->urls[0].regex_no_match = false;
		check_params_key(&q, k2, sizeof(k2));
		CHECK(strcmp(k1, k2) != 0, "regex_no_match is part of the probe's identity (no sharing across it)");
		check_params_free(&q);
		check_params_free(&p);
	}
	conf_keepalived_free(c);

	c = load("virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    HTTP_GET {\n"
		 "      url {\n        path /\n        regex \"(unclosed\"\n      }\n    }\n  }\n}\n");
	CHECK(c && has_diag(c, 1, "t.conf:6: 'regex' '(unclosed' is not a POSIX extended regular expression"),
	      "a pattern that does not compile is an error at file:line");
	conf_keepalived_free(c);
}

static void test_match(void)
{
	struct ere re;
	char err[96];
	CHECK(check_regex_compile(&re, "ok [0-9]+", 0, err, sizeof(err)) == 0, "ERE compiles");
	CHECK(check_regex_match(&re, "status: ok 42\n", 0, SIZE_MAX), "a match anywhere");
	CHECK(!check_regex_match(&re, "status: OK 42\n", 0, SIZE_MAX), "case matters without caseless");
	/* the text is the body from offset 100 on: the match starts at body offset 108 */
	CHECK(check_regex_match(&re, "status: ok 42", 100, 108), "regex_max_offset: a match starting at the limit counts");
	CHECK(!check_regex_match(&re, "status: ok 42", 100, 107), "regex_max_offset: a match starting after it does not");
	ere_free(&re);
	CHECK(check_regex_compile(&re, "^line2$", 0, err, sizeof(err)) == 0 &&
	      !check_regex_match(&re, "line1\nline2\n", 0, SIZE_MAX), "without multiline ^ and $ are the text's ends");
	ere_free(&re);
	CHECK(check_regex_compile(&re, "^line2$", REG_NEWLINE, err, sizeof(err)) == 0 &&
	      check_regex_match(&re, "line1\nline2\n", 0, SIZE_MAX), "multiline: ^ and $ at line breaks");
	ere_free(&re);
	CHECK(check_regex_compile(&re, "^ok", 0, err, sizeof(err)) == 0 && check_regex_match(&re, "ok", 0, SIZE_MAX) &&
	      !check_regex_match(&re, "ok", 5, SIZE_MAX), "regex_min_offset: ^ does not match where the skipped part ends");
	ere_free(&re);
	int cflags = 0;
	CHECK(check_regex_option("dotall", &cflags) == CHECK_REGEX_OPT_HONOURED && cflags == 0,
	      "dotall is POSIX's own '.' (no flag)");
	CHECK(check_regex_option("utf", &cflags) == CHECK_REGEX_OPT_IGNORED && check_regex_option("nope", &cflags) == CHECK_REGEX_OPT_UNKNOWN,
	      "utf is keepalived's but not POSIX's; nope is no option");
}

int main(void)
{
	test_config();
	test_match();
	return unit_exit();
}
