/*
 * test_lvs_event.c - core/lvs/lvs_event: checkd's event lines as lvsd reads
 * them (valid lines, the ways a line is refused, reading no further than the
 * length given), and what an event does to a small hand-built model and its
 * quorum.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lvs_event.h"
#include "unit.h"

static int parse(const char *line, struct lvs_event *ev)
{
	return lvs_event_parse(line, strlen(line), ev);
}

static int same(const char *s, size_t n, const char *want)
{
	return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

static void test_valid(void)
{
	struct lvs_event ev;

	CHECK(parse("12.345 up tcp/192.0.2.10:80 192.0.2.21:80 weight=3", &ev) == 0, "a plain up line parses");
	CHECK(ev.kind == LVS_EVENT_UP && ev.weight == 3 && !ev.initial && !ev.reason, "up, weight 3, no initial, no reason");
	CHECK(same(ev.vs, ev.vs_len, "tcp/192.0.2.10:80") && same(ev.rs, ev.rs_len, "192.0.2.21:80"),
	      "the virtual and real server names");
	CHECK(same(ev.word, ev.word_len, "up"), "the event word");

	CHECK(parse("1.000 down udp/[2001:db8::10]:53 [2001:db8::21]:53 weight=0 inhibit initial reason=connect: refused  twice",
		    &ev) == 0, "a down line with every option parses");
	CHECK(ev.kind == LVS_EVENT_DOWN && ev.weight == 0 && ev.initial, "down, weight 0, initial");
	CHECK(same(ev.reason, ev.reason_len, "connect: refused  twice"), "the reason runs to the end of the line, spaces kept");

	CHECK(parse("2 weight fwm/5 10.0.0.1:0 weight=2147483647", &ev) == 0 && ev.kind == LVS_EVENT_WEIGHT &&
	      ev.weight == 2147483647, "a weight line with the largest weight");
	CHECK(parse("2 up group/web 10.0.0.1:80 weight=7 reason=", &ev) == 0 && ev.reason && ev.reason_len == 0,
	      "an empty reason= is a reason, empty");
	CHECK(parse("2 up group/web 10.0.0.1:80 weight=7 initial reason=initial", &ev) == 0 && ev.initial &&
	      same(ev.reason, ev.reason_len, "initial"), "initial before reason=; the reason's words are not options");
	CHECK(parse("2 up group/web 10.0.0.1:80 weight=7 reason=x initial", &ev) == 0 && !ev.initial,
	      "initial inside the reason is part of the reason");
	CHECK(parse("2 up vs rs weight=7  future-word  initial ", &ev) == 0 && ev.initial, "unknown words and extra spaces after the weight are skipped");
	CHECK(parse("2 up vs rs weight=7 ", &ev) == 0 && !ev.initial && !ev.reason, "a trailing space");
	CHECK(parse("2 up vs rs weight=-0", &ev) == 0 && ev.weight == 0, "weight=-0 reads as 0");
	CHECK(parse("2 up vs rs weight=+7", &ev) == 0 && ev.weight == 7, "weight=+7 reads as 7");
	CHECK(parse("2 up vs rs weight=", &ev) == 0 && ev.weight == 0, "weight= with no digits reads as 0");
	CHECK(parse("x up vs rs weight=1", &ev) == 0, "SECONDS is not read");
}

static void test_malformed(void)
{
	struct lvs_event ev;
	static const char *const lines[] = {
		"",
		"1",
		"1 up",
		"1 up vs",
		"1 up vs rs",
		"1 up vs rs ",
		" 1 up vs rs weight=1",
		"1  up vs rs weight=1",
		"1 up  vs rs weight=1",
		"1 up vs  rs weight=1",
		"1 up vs rs  weight=1",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CHECK(parse(lines[i], &ev) == LVS_EVENT_MALFORMED, "malformed: '%s'", lines[i]);
}

static void test_unknown(void)
{
	struct lvs_event ev;
	static const char *const lines[] = {
		"1 UP vs rs weight=1",
		"1 upx vs rs weight=1",
		"1 flap vs rs weight=1",
		"1 up vs rs weigh=1",
		"1 up vs rs inhibit",
		"1 up vs rs weight=-1",
		"1 up vs rs weight=2147483648",
		"1 up vs rs weight=99999999999999999999999",
		"1 up vs rs weight=1x",
		"1 up vs rs weight=+",
		"1 up vs rs weight=1.5",
		"1 down vs rs weight=0x10",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CHECK(parse(lines[i], &ev) == LVS_EVENT_UNKNOWN, "not understood: '%s'", lines[i]);
	CHECK(parse("1 flap vs rs weight=1", &ev) == LVS_EVENT_UNKNOWN && same(ev.word, ev.word_len, "flap"),
	      "the word not understood is given back for the log");
}

/* The parser stops at len: what follows in memory is not part of the line. */
static void test_bounded(void)
{
	struct lvs_event ev;
	const char *text = "1 up vs rs weight=12 initial reason=ok";

	CHECK(lvs_event_parse(text, strlen("1 up vs rs weight=1"), &ev) == 0 && ev.weight == 1 && !ev.initial,
	      "a line cut at len: weight=1, nothing after it");
	CHECK(lvs_event_parse(text, strlen("1 up vs rs"), &ev) == LVS_EVENT_MALFORMED, "cut before the weight: malformed");
	CHECK(lvs_event_parse(text, 0, &ev) == LVS_EVENT_MALFORMED, "length 0: malformed");

	/* Exactly the line's bytes in their own allocation, no NUL after it, so
	 * AddressSanitizer sees any read past the end. */
	size_t n = strlen(text);
	char *copy = malloc(n);
	memcpy(copy, text, n);
	CHECK(lvs_event_parse(copy, n, &ev) == 0 && same(ev.reason, ev.reason_len, "ok") && ev.initial,
	      "a line with no NUL after it");
	CHECK(lvs_event_parse(copy, 17, &ev) == LVS_EVENT_UNKNOWN, "cut inside 'weight=': not understood");
	free(copy);

	const char nul[] = "1 up vs r\0s weight=1";
	CHECK(lvs_event_parse(nul, sizeof(nul) - 1, &ev) == 0 && ev.rs_len == 3,
	      "a NUL inside len is a byte of the field, not its end");
}

static void test_apply(void)
{
	struct conf_real_server crs[2];
	struct conf_virtual_server cvs;
	struct lrs rs[2];
	struct lvs vs;
	struct lvs *which = NULL;
	struct lvs_event ev;
	char *up_argv[] = { "/bin/up" }, *down_argv[] = { "/bin/down" };

	memset(crs, 0, sizeof(crs));
	memset(&cvs, 0, sizeof(cvs));
	memset(rs, 0, sizeof(rs));
	memset(&vs, 0, sizeof(vs));
	crs[0].weight = 2;
	crs[1].weight = 3;
	cvs.quorum = 4;
	cvs.quorum_up.argv = up_argv;
	cvs.quorum_up.argc = 1;
	cvs.quorum_down.argv = down_argv;
	cvs.quorum_down.argc = 1;
	strcpy(vs.name, "tcp/192.0.2.10:80");
	vs.conf = &cvs;
	vs.rs = rs;
	vs.nrs = 2;
	for (int r = 0; r < 2; r++)
		rs[r].conf = &crs[r];
	for (int r = 0; r < 2; r++) {
		crs[r].addr.family = AF_INET;
		inet_pton(AF_INET, r ? "192.0.2.22" : "192.0.2.21", crs[r].addr.addr);
		crs[r].port = 80;
	}

	CHECK(parse("1 up tcp/192.0.2.10:80 192.0.2.21:80 weight=5 reason=ok", &ev) == 0, "up line for the first server");
	CHECK(lvs_event_apply(&vs, 1, &ev, 1500, &which, NULL) == &rs[0] && which == &vs, "it finds the server and its virtual server");
	CHECK(rs[0].up && rs[0].weight == 5 && rs[0].have_weight && rs[0].weight_conf_seen == 2,
	      "up with checkd's weight, and the configured weight it was given against");
	CHECK(rs[0].transitions == 1 && rs[0].changed_valid && rs[0].changed_ms == 1500, "one transition at 1500 ms");
	CHECK(strcmp(rs[0].reason, "ok") == 0, "the reason is kept");
	CHECK(lvs_quorum_update(&vs) == &cvs.quorum_up && vs.quorum_up, "live weight 5 >= 4: quorum gained, quorum_up runs");
	CHECK(lvs_quorum_update(&vs) == NULL, "no change, no script");

	CHECK(parse("2 weight tcp/192.0.2.10:80 192.0.2.21:80 weight=1", &ev) == 0 &&
	      lvs_event_apply(&vs, 1, &ev, 2000, &which, NULL) == &rs[0], "a weight line");
	CHECK(rs[0].up && rs[0].weight == 1 && rs[0].transitions == 1 && strcmp(rs[0].reason, "ok") == 0,
	      "the weight changes, the state, transitions and reason stay");
	CHECK(lvs_quorum_update(&vs) == &cvs.quorum_down && !vs.quorum_up, "live weight 1 < 4: quorum lost, quorum_down runs");

	CHECK(parse("3 down tcp/192.0.2.10:80 192.0.2.21:80 weight=0 reason=timeout", &ev) == 0 &&
	      lvs_event_apply(&vs, 1, &ev, 3000, &which, NULL) == &rs[0], "a down line");
	CHECK(!rs[0].up && rs[0].weight == 1 && rs[0].transitions == 2 && rs[0].changed_ms == 3000 &&
	      strcmp(rs[0].reason, "timeout") == 0, "down: the weight checkd gave when up is kept");

	CHECK(parse("4 up tcp/192.0.2.10:80 192.0.2.23:80 weight=1", &ev) == 0 &&
	      lvs_event_apply(&vs, 1, &ev, 4000, &which, NULL) == NULL, "a real server not in the model: NULL");
	CHECK(parse("4 up tcp/192.0.2.10:8 192.0.2.21:80 weight=1", &ev) == 0 &&
	      lvs_event_apply(&vs, 1, &ev, 4000, &which, NULL) == NULL, "a virtual server name that is a prefix does not match");
	CHECK(parse("4 up tcp/192.0.2.10:80 192.0.2.21:8 weight=1", &ev) == 0 &&
	      lvs_event_apply(&vs, 1, &ev, 4000, &which, NULL) == NULL, "a real server name that is a prefix does not match");

	/* Reasons that name their own server: one shared text, each server's
	 * name put back when it is shown. */
	char buf[2][LVS_REASON_MAX];
	CHECK(parse("5 down tcp/192.0.2.10:80 192.0.2.21:80 weight=0 reason=TCP_CHECK 192.0.2.21:80: connect: "
		    "Network is unreachable", &ev) == 0 && lvs_event_apply(&vs, 1, &ev, 5000, &which, NULL) == &rs[0] &&
	      parse("5 down tcp/192.0.2.10:80 192.0.2.22:80 weight=0 reason=TCP_CHECK 192.0.2.22:80: connect: "
		    "Network is unreachable", &ev) == 0 && lvs_event_apply(&vs, 1, &ev, 5000, &which, NULL) == &rs[1],
	      "two servers down alike");
	CHECK(rs[0].reason && rs[0].reason == rs[1].reason, "their reasons are one shared text");
	CHECK(strcmp(lvs_text(lrs_reason(&rs[0], buf[0], sizeof(buf[0]))),
		     "TCP_CHECK 192.0.2.21:80: connect: Network is unreachable") == 0 &&
	      strcmp(lvs_text(lrs_reason(&rs[1], buf[1], sizeof(buf[1]))),
		     "TCP_CHECK 192.0.2.22:80: connect: Network is unreachable") == 0,
	      "each is shown as checkd wrote it, with its own server's name");
	CHECK(parse("5 down tcp/192.0.2.10:80 192.0.2.21:80 weight=0 reason=TCP_CHECK 192.0.2.99:80: timed out",
		    &ev) == 0 && lvs_event_apply(&vs, 1, &ev, 5000, &which, NULL) == &rs[0] &&
	      strcmp(lvs_text(lrs_reason(&rs[0], buf[0], sizeof(buf[0]))), "TCP_CHECK 192.0.2.99:80: timed out") == 0,
	      "a reason naming another address (connect_ip) is kept as written");

	char longer[400];
	memset(longer, 'r', sizeof(longer));
	const char *head = "5 up tcp/192.0.2.10:80 192.0.2.22:80 weight=3 reason=";
	memcpy(longer, head, strlen(head));
	CHECK(lvs_event_parse(longer, sizeof(longer), &ev) == 0 && lvs_event_apply(&vs, 1, &ev, 5000, &which, NULL) == &rs[1],
	      "a reason longer than the model keeps");
	CHECK(rs[1].reason && strlen(rs[1].reason) == LVS_TEXT_MAX, "the reason is cut to %d bytes", LVS_TEXT_MAX);
	CHECK(parse("6 up tcp/192.0.2.10:80 192.0.2.22:80 weight=3 reason=", &ev) == 0 &&
	      lvs_event_apply(&vs, 1, &ev, 6000, &which, NULL) == &rs[1] && !rs[1].reason, "an empty reason clears it");
	for (int r = 0; r < 2; r++)
		lrs_reason_set(&rs[r], NULL, 0);
}

/* Only a change of health, or of weight while up, calls for an IPVS pass. */
static void test_table_changed(void)
{
	struct conf_virtual_server cvs = { .quorum = 1 };
	struct conf_real_server crs = { .weight = 2, .port = 80, .addr.family = AF_INET };
	struct lrs rs = { .conf = &crs, .up = true };
	struct lvs vs = { .conf = &cvs, .rs = &rs, .nrs = 1 }, *which;
	struct lvs_event ev;
	bool changed;

	inet_pton(AF_INET, "192.0.2.21", crs.addr.addr);
	strcpy(vs.name, "tcp/192.0.2.10:80");
	static const struct { const char *line; bool changed; const char *what; } steps[] = {
		{ "1 up tcp/192.0.2.10:80 192.0.2.21:80 weight=2 initial", false, "an initial up at the configured weight" },
		{ "2 up tcp/192.0.2.10:80 192.0.2.21:80 weight=2 reason=ok", false, "the same up again, a new reason" },
		{ "3 weight tcp/192.0.2.10:80 192.0.2.21:80 weight=7", true, "a new weight while up" },
		{ "4 down tcp/192.0.2.10:80 192.0.2.21:80 weight=0 reason=timeout", true, "down" },
		{ "5 down tcp/192.0.2.10:80 192.0.2.21:80 weight=0 reason=refused", false, "down again" },
		{ "6 up tcp/192.0.2.10:80 192.0.2.21:80 weight=7", true, "up again" },
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		changed = !steps[i].changed;
		CHECK(parse(steps[i].line, &ev) == 0 && lvs_event_apply(&vs, 1, &ev, 1000, &which, &changed) == &rs &&
		      changed == steps[i].changed, "%s: %s", steps[i].what, steps[i].changed ? "a pass is due" : "no pass");
	}
	lrs_reason_set(&rs, NULL, 0);
}

/* An event names a real server as checkd spells it, and only so. */
static void test_rs_names(void)
{
	struct conf_virtual_server cvs = { .quorum = 1 };
	struct conf_real_server crs[2] = { { .weight = 1, .port = 8080, .addr.family = AF_INET6 },
					   { .weight = 1, .port = 0, .addr.family = AF_INET } };
	struct lrs rs[2] = { { .conf = &crs[0] }, { .conf = &crs[1] } };
	struct lvs vs = { .conf = &cvs, .rs = rs, .nrs = 2 }, *which;
	struct lvs_event ev;

	inet_pton(AF_INET6, "2001:db8::1", crs[0].addr.addr);
	inet_pton(AF_INET, "192.0.2.9", crs[1].addr.addr);
	strcpy(vs.name, "fwm/7");
	static const struct { const char *rs; int want; } cases[] = {
		{ "[2001:db8::1]:8080", 0 }, { "192.0.2.9:0", 1 },
		{ "[2001:db8:0::1]:8080", -1 }, { "[2001:db8::1]:08080", -1 }, { "2001:db8::1:8080", -1 },
		{ "[2001:db8::1]:80", -1 }, { "192.0.2.9:", -1 }, { "192.0.2.9", -1 }, { ":0", -1 },
		{ "[2001:db8::1:8080", -1 }, { "192.0.2.9:99999", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char line[128];
		snprintf(line, sizeof(line), "1 up fwm/7 %s weight=1", cases[i].rs);
		struct lrs *got = parse(line, &ev) == 0 ? lvs_event_apply(&vs, 1, &ev, 1000, &which, NULL) : NULL;
		CHECK(got == (cases[i].want < 0 ? NULL : &rs[cases[i].want]), "real server named %s: %s", cases[i].rs,
		      cases[i].want < 0 ? "none" : "found");
	}
	for (int r = 0; r < 2; r++)
		lrs_reason_set(&rs[r], NULL, 0);
}

int main(void)
{
	test_valid();
	test_malformed();
	test_unknown();
	test_bounded();
	test_apply();
	test_table_changed();
	test_rs_names();
	return unit_exit();
}
