/*
 * test_ere.c - core/base/ere.c: POSIX extended regular expressions. What
 * a pattern matches is asked of glibc's regcomp/regexec here, in the C
 * locale, as the independent answer (tests/fuzz/fuzz_ere.c does the same
 * with generated input); our shorthands, errors and limits are checked
 * against what ere.h promises.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "ere.h"
#include "log.h"
#include "unit.h"

struct example {
	const char *pattern;
	unsigned flags;        /* ERE_ICASE, ERE_NEWLINE, ERE_NOTBOL */
	const char *text;
};

static const struct example examples[] = {
	{ "ok [0-9]+", 0, "status: ok 42" },
	{ "Welcome to (nginx|lvsbox)", ERE_ICASE, "<h1>WELCOME TO LVSBOX</h1>" },
	{ "Welcome to (nginx|lvsbox)", 0, "<h1>WELCOME TO LVSBOX</h1>" },
	{ "^line2$", 0, "line1\nline2\n" },
	{ "^line2$", ERE_NEWLINE, "line1\nline2\n" },
	{ "^ok", ERE_NOTBOL, "ok" },
	{ "^ok", ERE_NOTBOL | ERE_NEWLINE, "x\nok" },
	{ "a.c", 0, "a\nc" },
	{ "a.c", ERE_NEWLINE, "a\nc" },
	{ "a[^x]c", ERE_NEWLINE, "a\nc" },
	{ "x{2,3}y", 0, "axxy" },
	{ "x{2,3}y", 0, "axy" },
	{ "^x{2}$", 0, "xxx" },
	{ "(ab){2,}c", 0, "abababc" },
	{ "(a|b)*abb", 0, "babaabb" },
	{ "colou?r", 0, "color" },
	{ "[]a-]+z", 0, "]-az" },
	{ "[^]a]", 0, "]]a" },
	{ "[[:digit:][:upper:]]{3}", 0, "ab1C2d" },
	{ "[[:upper:]]", ERE_ICASE, "abc" },
	{ "[[:punct:]]", 0, "abc." },
	{ "\\.\\*\\[", 0, "a.*[" },
	{ "()a", 0, "a" },
	{ "a|", 0, "b" },
	{ "(a*)*b", 0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaac" },
	{ "\\w+@\\S+", 0, "mail: root@lvs.example" },
	{ "", 0, "" },
	{ "$", 0, "abc" },
	{ "b$", ERE_NEWLINE, "ab\ncd" },
	{ "[a-c]+", ERE_ICASE, "xxBCa" },
};

/* glibc's answer: whether it matches, and where the leftmost match starts. */
static int glibc_start(const struct example *e)
{
	regex_t re;
	regmatch_t m[1];
	int cflags = REG_EXTENDED | (e->flags & ERE_ICASE ? REG_ICASE : 0) | (e->flags & ERE_NEWLINE ? REG_NEWLINE : 0);
	if (regcomp(&re, e->pattern, cflags) != 0)
		return -2;
	int rc = regexec(&re, e->text, 1, m, e->flags & ERE_NOTBOL ? REG_NOTBOL : 0);
	regfree(&re);
	return rc == 0 ? (int)m[0].rm_so : -1;
}

static void test_against_glibc(void)
{
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		const struct example *e = &examples[i];
		struct ere re;
		char err[96];
		int want = glibc_start(e);
		if (ere_compile(&re, e->pattern, e->flags & (ERE_ICASE | ERE_NEWLINE), err, sizeof(err)) != 0) {
			CHECK(0, "'%s' compiles (%s)", e->pattern, err);
			continue;
		}
		unsigned notbol = e->flags & ERE_NOTBOL;
		bool any = ere_match(&re, e->text, notbol, SIZE_MAX);
		bool at_start = want >= 0 && ere_match(&re, e->text, notbol, (size_t)want);
		bool before = want > 0 && ere_match(&re, e->text, notbol, (size_t)want - 1);
		char shown[128];
		log_escape_line(shown, sizeof(shown), e->text);
		CHECK(want != -2 && any == (want >= 0) && (want < 0 || (at_start && !before)),
		      "'%s' (flags %u) on \"%s\": %s as glibc says (leftmost start %d)", e->pattern, e->flags, shown,
		      any ? "matches" : "does not match", want);
		ere_free(&re);
	}
}

static bool matches(const char *pattern, unsigned flags, const char *text)
{
	struct ere re;
	char err[96];
	if (ere_compile(&re, pattern, flags, err, sizeof(err)) != 0)
		return false;
	bool m = ere_match(&re, text, 0, SIZE_MAX);
	ere_free(&re);
	return m;
}

static void test_shorthands(void)
{
	CHECK(matches("\\d+ items", 0, "cart: 12 items") && !matches("\\d", 0, "no digits"), "\\d is a digit");
	CHECK(matches("\\D", 0, "12a") && !matches("\\D", 0, "123"), "\\D is a non-digit");
	CHECK(matches("^\\w+$", 0, "snake_case9") && !matches("^\\w+$", 0, "a-b"), "\\w is a letter, digit or _");
	CHECK(matches("a\\sb", 0, "a\tb") && matches("\\S", 0, " x ") && !matches("\\S", 0, " \t"), "\\s and \\S");
	CHECK(matches("[\\d]", 0, "\\") && !matches("[\\d]", 0, "5"), "inside brackets a backslash is itself");
}

static void compile_error(const char *pattern, const char *want)
{
	struct ere re;
	char err[96] = "";
	int rc = ere_compile(&re, pattern, 0, err, sizeof(err));
	CHECK(rc != 0 && strcmp(err, want) == 0, "'%s' is refused: %s (got '%s')", pattern, want, rc ? err : "accepted");
	if (rc == 0)
		ere_free(&re);
}

static void test_errors(void)
{
	compile_error("(unclosed", "unmatched (");
	compile_error("a)", "unmatched )");
	compile_error("[abc", "unmatched [");
	compile_error("[z-a]", "invalid range");
	compile_error("[[:vowel:]]", "unknown character class");
	compile_error("a{3,2}", "invalid repetition count");
	compile_error("a{256}", "invalid repetition count");
	compile_error("a{1", "invalid repetition count");
	compile_error("*a", "a repetition follows nothing");
	compile_error("a|+", "a repetition follows nothing");
	compile_error("(a)\\1", "back-references are not supported");
	compile_error("a\\", "trailing backslash");
	compile_error("(a{255}){255}", "pattern too large");
	char deep[200];
	memset(deep, '(', 100);
	deep[100] = '\0';
	compile_error(deep, "groups nested too deep");
}

/* Every path at once: a pattern that sends a backtracking engine through
 * 2^n ways still answers, and a body of 64 KiB is read once. */
static void test_hostile(void)
{
	size_t n = 64 << 10;
	char *text = malloc(n + 1);
	if (!text) {
		CHECK(0, "memory for the hostile body");
		return;
	}
	memset(text, 'a', n);
	text[n] = '\0';
	CHECK(!matches("(a|aa)*(a*)*b", 0, text), "(a|aa)*(a*)*b against 64 KiB of 'a': no match, answered");
	text[n - 1] = 'b';
	CHECK(matches("(a|aa)*(a*)*b", 0, text), "the same with a 'b' at the end: a match");
	free(text);
}

int main(void)
{
	test_against_glibc();
	test_shorthands();
	test_errors();
	test_hostile();
	return unit_exit();
}
