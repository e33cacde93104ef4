/*
 * test_uci.c - the UCI parser (core/conf/uci_parse.c) on libuci's rules,
 * case by case as libuci's file.c and util.c read a file in strict mode:
 * quoting, comments, ';', continuation lines, one-letter commands, names,
 * merging of sections and options, and each error with its line.
 */
#include <stdlib.h>
#include <string.h>
#include "uci_parse.h"
#include "unit.h"

static struct uci_pkg *parse(const char *text, char *err, size_t n)
{
	struct uci_pkg *pkg = NULL;
	err[0] = '\0';
	if (uci_parse_buffer("t.uci", text, strlen(text), &pkg, err, n) != 0)
		return NULL;
	return pkg;
}

/* The one value of section i's option, or NULL. */
static const char *value(const struct uci_pkg *pkg, int i, const char *opt)
{
	if (!pkg || i >= pkg->nsecs)
		return NULL;
	const struct uci_opt *o = uci_opt_get(&pkg->secs[i], opt);
	return o && o->nvalues >= 1 ? o->values[o->nvalues - 1] : NULL;
}

static void expect_value(const char *text, const char *opt, const char *want, const char *what)
{
	char err[256];
	struct uci_pkg *pkg = parse(text, err, sizeof(err));
	const char *got = value(pkg, 0, opt);

	CHECK(got && strcmp(got, want) == 0, "%s", what);
	if (!got || strcmp(got, want) != 0)
		printf("# got [%s] err [%s]\n", got ? got : "(none)", err);
	uci_pkg_free(pkg);
}

static void expect_error(const char *text, const char *want, const char *what)
{
	char err[256];
	struct uci_pkg *pkg = parse(text, err, sizeof(err));

	CHECK(!pkg && strcmp(err, want) == 0, "%s", what);
	if (pkg || strcmp(err, want) != 0)
		printf("# got [%s]\n", err);
	uci_pkg_free(pkg);
}

static void test_words(void)
{
	expect_value("config t 's'\n\toption a 'x y'\n", "a", "x y", "single quotes keep blanks");
	expect_value("config t\noption a \"x\\\"y\\\\z\"\n", "a", "x\"y\\z", "a backslash in double quotes takes the next character");
	expect_value("config t\noption a 'x\\y'\n", "a", "x\\y", "single quotes keep a backslash");
	expect_value("config t\noption a x\\ y\n", "a", "x y", "an unquoted backslash escapes a blank");
	expect_value("config t\noption a ab'c d'\"e\"f\n", "a", "abc def", "quoted and bare pieces glued are one word");
	expect_value("config t\noption a 'one\ntwo'\n", "a", "one\ntwo", "a quoted value may hold a newline");
	expect_value("config t\noption a \"one\\\ntwo\"\n", "a", "onetwo", "backslash-newline in double quotes joins the lines");
	expect_value("config t\noption a one\\\ntwo\n", "a", "onetwo", "backslash-newline outside quotes joins the lines");
	expect_value("config t\noption a x#y\n", "a", "x", "an unquoted # ends the line");
	expect_value("config t\noption a 'x#y'\n", "a", "x#y", "a quoted # is text");
	expect_value("config t\n  # option a x\noption a y\n", "a", "y", "a comment line");
	expect_value("config t\r\noption a 'v'\r\n", "a", "v", "CRLF line ends");
	expect_value("c t\no a v\n", "a", "v", "one-letter commands");
	expect_value("config t n; option a v; option b w\n", "b", "w", "; separates commands");
	expect_value("config t\noption a\n", "a", "", "an option without a value is empty");
	expect_value("package keepalived\nconfig t\noption a v\n", "a", "v", "package is accepted");
}

static void test_merging(void)
{
	char err[256];
	struct uci_pkg *pkg = parse("config t 'n'\noption a 1\nconfig u\nconfig t 'n'\noption b 2\noption a 3\n", err,
				    sizeof(err));
	CHECK(pkg && pkg->nsecs == 2 && strcmp(value(pkg, 0, "a"), "3") == 0 && strcmp(value(pkg, 0, "b"), "2") == 0,
	      "a named section seen again gets the later options, in its first place");
	uci_pkg_free(pkg);

	pkg = parse("config t\noption a x\nlist a y\nlist a z\n", err, sizeof(err));
	const struct uci_opt *o = pkg ? uci_opt_get(&pkg->secs[0], "a") : NULL;
	CHECK(o && o->is_list && o->nvalues == 3 && strcmp(o->values[0], "x") == 0 && strcmp(o->values[2], "z") == 0,
	      "a list after an option makes the option its first element");
	uci_pkg_free(pkg);

	pkg = parse("config t\nlist a x\nlist a y\noption a z\n", err, sizeof(err));
	o = pkg ? uci_opt_get(&pkg->secs[0], "a") : NULL;
	CHECK(o && !o->is_list && o->nvalues == 1 && strcmp(o->values[0], "z") == 0, "an option after a list replaces it");
	uci_pkg_free(pkg);

	pkg = parse("config t\nconfig t\n", err, sizeof(err));
	CHECK(pkg && pkg->nsecs == 2 && !pkg->secs[0].name && !pkg->secs[1].name, "anonymous sections stay apart");
	uci_pkg_free(pkg);
}

static void test_errors(void)
{
	expect_error("option a b\n", "t.uci:1: option/list command found before the first section", "an option before any section");
	expect_error("config t\n\nfoo a b\n", "t.uci:3: invalid command", "an unknown command, with its line");
	expect_error("config t\noptions a b\n", "t.uci:2: invalid command", "a misspelt command");
	expect_error("config\n", "t.uci:1: insufficient arguments", "config without a type");
	expect_error("config t\noption\n", "t.uci:2: insufficient arguments", "option without a name");
	expect_error("config t 'a-b'\n", "t.uci:1: invalid character in name field", "a section name with '-'");
	expect_error("config t\noption 'a.b' v\n", "t.uci:2: invalid character in name field", "an option name with '.'");
	expect_error("config 't x'\n", "t.uci:1: invalid character in type field", "a type with a blank");
	expect_error("config t\noption a b c\n", "t.uci:2: too many arguments", "three words after option");
	expect_error("config t\noption a 'b\n\n", "t.uci:3: EOF with unterminated '", "an unterminated single quote");
	expect_error("config t\noption a \"b\n", "t.uci:2: EOF with unterminated \"", "an unterminated double quote");
	expect_error("config t 'n'\nconfig u 'n'\n", "t.uci:2: section of different type overwrites prior section with same name",
		     "a name reused for another type");
	expect_error("config t; option a b\n", "t.uci:1: too many arguments",
		     "';' glued to the type is taken as the (empty) name, as libuci does");
}

int main(void)
{
	test_words();
	test_merging();
	test_errors();
	return unit_exit();
}
