/*
 * test_opts.c - core/daemon/opts: the daemons' options as tables (the
 * shared keepalived and control sub-tables of daemon.c included) give
 * exactly the --help texts vrrpd, lvsd, keepalived and checkd printed, and
 * the getopt_long short options and long options they parsed, before they
 * had tables; opts_next returns ids and arguments as getopt_long would;
 * tables with faults are refused with a reason.
 *
 * The tables are the applets' own (applets.def's OPTS). What they must give
 * is written out below as the daemons printed and parsed it before they
 * had tables: that text is the oracle.
 */
#include <stdlib.h>
#include <string.h>
#include "applets.h"
#include "daemon.h"
#include "opts.h"
#include "unit.h"

/* The daemons' --help, byte for byte. */
static const char vrrpd_help[] =
	"Usage: vrrpd [-n] [-l] [-D] [-f FILE] [-p PIDFILE] [-S SOCKET]\n"
	"       vrrpd -t [-v] [-f FILE]\n"
	"       vrrpd [-S SOCKET] -s | --json | --keepalived-json\n"
	"VRRP v2/v3 failover of virtual IP addresses (keepalived's vrrp_instance).\n"
	"\n"
	"  -f FILE     config file (default /etc/lvsbox/lvsbox.conf)\n"
	"  -n          stay in the foreground\n"
	"  -l          log to the console instead of syslog\n"
	"  -D          detailed log\n"
	"  -t          check the config and exit: 0 clean, 5 warnings, 6 scripts\n"
	"              without enable_script_security, 3 errors (cannot run)\n"
	"  -p PIDFILE  write the daemon's pid there\n"
	"  -i ID       config lines '@ID ...' apply, '@^ID ...' do not\n"
	"              (default: the host name up to its first dot)\n"
	"  -S SOCKET   control socket (default /run/lvsbox/vrrpd.sock)\n"
	"  -s          print the running daemon's instances as a table\n"
	"  --json      the same as JSON\n"
	"  --keepalived-json  the instances as keepalived's JSON dump (what LuCI reads)\n"
	"\n"
	"Signals: HUP reloads the config (unchanged instances are not touched;\n"
	"a config with errors keeps the running one), TERM/INT stop gracefully\n"
	"(masters send priority 0 so a backup takes over at once).\n";
static const char lvsd_help[] =
	"Usage: lvsd [-n] [-l] [-D] [-I] [-f FILE] [-p PIDFILE] [-S SOCKET]\n"
	"            [--metrics-listen ADDR:PORT] [--metrics-file FILE]\n"
	"       lvsd -t [-v] [-f FILE]\n"
	"       lvsd [-S SOCKET] -s | --json\n"
	"       lvsd [-S SOCKET] ctl drain|enable VS RS\n"
	"       lvsd [-S SOCKET] ctl weight VS RS N\n"
	"       lvsd --uci FILE [--hotplug-call PATH]\n"
	"The director: keeps the kernel's IPVS table equal to the virtual_server\n"
	"blocks of a keepalived-style config and the health checkd reports, and\n"
	"runs checkd and vrrpd as its children (docs/lvsd.md).\n"
	"\n"
	"  -f FILE     config file (default /etc/lvsbox/lvsbox.conf)\n"
	"  -n          stay in the foreground\n"
	"  -l          log to the console instead of syslog\n"
	"  -D          detailed log\n"
	"  -t          check the config and exit: 0 clean, 5 warnings, 6 scripts\n"
	"              without enable_script_security, 3 errors (cannot run)\n"
	"  -p PIDFILE  write the daemon's pid there\n"
	"  -i ID       config lines '@ID ...' apply, '@^ID ...' do not\n"
	"              (default: the host name up to its first dot)\n"
	"  -I          leave the IPVS table as it is on stop (--dont-release-ipvs)\n"
	"  --keep-overrides  a reload keeps lvsd ctl's overrides (default: drops them)\n"
	"  --metrics-listen ADDR:PORT  serve metrics and the status page\n"
	"  --metrics-file FILE  write the metrics there every 3 s\n"
	"  -S SOCKET   control socket (default /run/lvsbox/lvsd.sock)\n"
	"  -s          print the running daemon's virtual servers as a table\n"
	"  --json      the same as JSON\n"
	"  --uci FILE  print the keepalived config that OpenWrt's keepalived init\n"
	"              script writes for the UCI file FILE (/etc/config/keepalived),\n"
	"              and exit (docs/openwrt-keepalived.md)\n"
	"  --hotplug-call PATH  with --uci: the program state changes run\n"
	"              (default /sbin/hotplug-call)\n"
	"\n"
	"Signals: HUP reloads the config (only the differences reach IPVS; a\n"
	"config with errors keeps the running one), TERM/INT stop and remove\n"
	"from IPVS what lvsd added.\n"
	"\n"
	"ctl (root only) overrides one real server until the next reload (with\n"
	"--keep-overrides, across reloads while it is in the config): drain\n"
	"(weight 0, live connections stay), weight N, enable (back to the\n"
	"configured weight and what the checker says). VS is -t|-u ADDR:PORT,\n"
	"--sctp-service ADDR:PORT or -f MARK as for ipvsadm, or its name in -s\n"
	"(tcp/ADDR:PORT, fwm/MARK, group/NAME); RS is ADDR[:PORT], [IPv6]:PORT.\n";
static const char keepalived_help[] =
	"Usage: keepalived [-n] [-l] [-D] [-I] [-f FILE] [-p PIDFILE] [-P|-C]\n"
	"       keepalived -t [-v] [-f FILE]\n"
	"lvsbox's lvsd under keepalived's name: the director (IPVS from the\n"
	"virtual_server blocks, health checks, VRRP) with keepalived's flags.\n"
	"\n"
	"  -f FILE     config file (default /etc/lvsbox/lvsbox.conf)\n"
	"  -n          stay in the foreground\n"
	"  -l          log to the console instead of syslog\n"
	"  -D          detailed log\n"
	"  -t          check the config and exit: 0 clean, 5 warnings, 6 scripts\n"
	"              without enable_script_security, 3 errors (cannot run)\n"
	"  -p PIDFILE  write the daemon's pid there\n"
	"  -i ID       config lines '@ID ...' apply, '@^ID ...' do not\n"
	"              (default: the host name up to its first dot)\n"
	"  -I          leave the IPVS table as it is on stop (--dont-release-ipvs)\n"
	"  -P          VRRP only (vrrp_instance blocks; no IPVS, no checks)\n"
	"  -C          checks and IPVS only (no VRRP)\n"
	"  -S FACILITY syslog facility; accepted, lvsbox logs to daemon\n"
	"  -c, -r FILE pid files of the checker and VRRP children; accepted\n"
	"  -R          do not restart children that die\n"
	"  -v          version\n"
	"  -h          this help\n";
static const char checkd_help[] =
	"Usage: checkd [-n] [-l] [-D] [-f FILE] [-p PIDFILE] [-S SOCKET] [-e FD]\n"
	"       checkd -t [-v] [-f FILE]\n"
	"       checkd [-S SOCKET] -s | --json\n"
	"       checkd --digest URL [-V VIRTUALHOST] [-P 1.0|1.0C|1.1]\n"
	"Health checks of real servers (keepalived's checkers); prints one line per\n"
	"real server going up or down (docs/checkd.md) and runs notify scripts.\n"
	"\n"
	"  -f FILE     config file (default /etc/lvsbox/lvsbox.conf)\n"
	"  -n          stay in the foreground\n"
	"  -l          log to the console instead of syslog\n"
	"  -D          detailed log (every failed attempt)\n"
	"  -t          check the config and exit: 0 clean, 5 warnings, 3 errors\n"
	"  -p PIDFILE  write the daemon's pid there\n"
	"  -i ID       config lines '@ID ...' apply, '@^ID ...' do not\n"
	"              (default: the host name up to its first dot)\n"
	"  -S SOCKET   control socket (default /run/lvsbox/checkd.sock)\n"
	"  -e FD       write the events to FD (lvsd's socketpair) instead of stdout;\n"
	"              checkd exits when the other end closes\n"
	"  -s          print the running daemon's real servers as a table\n"
	"  --json      the same as JSON\n"
	"  --digest URL  fetch http[s]://HOST[:PORT]/PATH and print the MD5 of the\n"
	"              body as keepalived's genhash does (for url { digest })\n"
	"\n"
	"Signals: TERM/INT stop (with omega, notify_down runs for servers that\n"
	"are up), HUP reloads the config, keeping the state of unchanged checks.\n";

/* The getopt_long arguments the daemons took, written out. */
#define KEEPALIVED_LONGS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "use-file", required_argument, NULL, 'f' }, \
	{ "dont-fork", no_argument, NULL, 'n' }, \
	{ "log-console", no_argument, NULL, 'l' }, \
	{ "log-detail", no_argument, NULL, 'D' }, \
	{ "config-test", no_argument, NULL, 't' }, \
	{ "pid", required_argument, NULL, 'p' }, \
	{ "config-id", required_argument, NULL, 'i' }
#define CONTROL_LONGS \
	{ "json", no_argument, NULL, 'J' }, \
	{ "socket", required_argument, NULL, 'S' }, \
	{ "status", no_argument, NULL, 's' }
static const struct option shared_longs[] = {
	KEEPALIVED_LONGS,
	CONTROL_LONGS,
	{ "dont-release-ipvs", no_argument, NULL, 'I' },   /* lvsd */
	{ "keep-overrides", no_argument, NULL, 'K' },      /* lvsd */
	{ "uci", required_argument, NULL, 'U' },           /* lvsd */
	{ "keepalived-json", no_argument, NULL, 'k' },     /* vrrpd */
	{ "hotplug-call", required_argument, NULL, 'H' },  /* lvsd */
	{ "metrics-listen", required_argument, NULL, 'M' }, /* lvsd */
	{ "metrics-file", required_argument, NULL, 'W' },   /* lvsd */
	{ "digest", required_argument, NULL, 'G' },        /* checkd */
	{ "events-fd", required_argument, NULL, 'e' },
	{ NULL, 0, NULL, 0 },
};
static const struct option keepalived_longs[] = {
	KEEPALIVED_LONGS,
	{ "version", no_argument, NULL, 'v' },
	{ "log-facility", required_argument, NULL, 'S' },
	{ "checkers_pid", required_argument, NULL, 'c' },
	{ "vrrp_pid", required_argument, NULL, 'r' },
	{ "vrrp", no_argument, NULL, 'P' },
	{ "check", no_argument, NULL, 'C' },
	{ "dont-respawn", no_argument, NULL, 'R' },
	{ "dont-release-ipvs", no_argument, NULL, 'I' },
	{ NULL, 0, NULL, 0 },
};

static void check_help(const struct opts_cmd *cmd, const char *today, const char *who)
{
	struct strbuf b = { 0 };
	int rc = opts_help(&b, cmd);

	CHECK(rc == 0 && b.data && strcmp(b.data, today) == 0, "%s --help from the table is today's text", who);
	if (!b.data || strcmp(b.data, today) != 0)
		printf("# got:\n%s# want:\n%s", b.data ? b.data : "(null)", today);
	strbuf_free(&b);
}

/* Short options as a set: each letter with its ':' when it takes an argument. */
static bool same_shorts(const char *a, const char *b)
{
	char ta[128] = "", tb[128] = "";
	for (int pass = 0; pass < 2; pass++) {
		const char *s = pass ? b : a;
		char *t = pass ? tb : ta;
		for (; *s; s++)
			if (*s != ':')
				t[(unsigned char)*s] = s[1] == ':' ? 2 : 1;
	}
	return memcmp(ta, tb, sizeof(ta)) == 0;
}

static const struct option *find_long(const struct option *l, const char *name)
{
	for (; l->name; l++)
		if (strcmp(l->name, name) == 0)
			return l;
	return NULL;
}

/* Every long option of the table is in today's list with the same argument
 * and value, and the table has as many as the daemon takes today. */
static bool same_longs(const struct option *table, const struct option *today, int today_count)
{
	int n = 0;
	for (const struct option *l = table; l->name; l++, n++) {
		const struct option *t = find_long(today, l->name);
		if (!t || t->has_arg != l->has_arg || t->val != l->val || l->flag)
			return false;
	}
	return n == today_count;
}

/* The same names in the same order: glibc names the candidates of an
 * ambiguous abbreviation in the table's order. */
static bool same_order(const struct option *table, const struct option *today)
{
	for (; table->name && today->name; table++, today++)
		if (strcmp(table->name, today->name) != 0)
			return false;
	return !table->name && !today->name;
}

static void check_parse(const struct opts_row *rows, const char *today_shorts, const struct option *today,
			int today_count, const char *who)
{
	struct opts o;

	CHECK(opts_build(&o, rows) == 0, "%s: table builds", who);
	CHECK(same_shorts(o.shorts, today_shorts), "%s: short options \"%s\" as today's \"%s\"", who, o.shorts,
	      today_shorts);
	CHECK(same_longs(o.longs, today, today_count), "%s: long options as today's", who);
}

static void test_daemons(void)
{
	check_help(&vrrpd_cmd, vrrpd_help, "vrrpd");
	check_help(&lvsd_cmd, lvsd_help, "lvsd");
	check_help(&keepalived_cmd, keepalived_help, "keepalived");
	check_help(&checkd_cmd, checkd_help, "checkd");
	check_parse(vrrpd_cmd.rows, "f:nlDtvp:i:S:sh", shared_longs, 12, "vrrpd");
	check_parse(lvsd_cmd.rows, "f:nlDtvp:i:S:sIh", shared_longs, 17, "lvsd");
	check_parse(checkd_cmd.rows, "f:nlDtvp:i:S:se:V:P:h", shared_longs, 13, "checkd");
	check_parse(keepalived_cmd.rows, "f:nlDS:tp:i:c:r:PCRIvh", keepalived_longs, 16, "keepalived");
	struct opts o;
	CHECK(opts_build(&o, keepalived_cmd.rows) == 0 && same_order(o.longs, keepalived_longs),
	      "keepalived: long options in their old order");
}

static void test_next(void)
{
	struct opts o;
	char a0[] = "checkd", a1[] = "-nf", a2[] = "x.conf", a3[] = "--json", a4[] = "--events-fd=3",
	     a5[] = "--digest", a6[] = "http://h/", a7[] = "-Q", a8[] = "operand";
	char *argv[] = { a0, a1, a2, a3, a4, a5, a6, a7, a8, NULL };
	int argc = 9, ids[16], n = 0, id;
	char *args[16], *arg;

	CHECK(opts_build(&o, checkd_cmd.rows) == 0, "checkd table builds");
	optind = 1;
	opterr = 0;
	while (n < 16 && (id = opts_next(&o, argc, argv, &arg)) != -1) {
		ids[n] = id;
		args[n++] = arg;
	}
	opterr = 1;
	CHECK(n == 6, "six options found");
	CHECK(n == 6 && ids[0] == 'n' && ids[1] == 'f' && strcmp(args[1], "x.conf") == 0,
	      "bundled -nf with its argument after");
	CHECK(n == 6 && ids[2] == 'J' && ids[3] == 'e' && strcmp(args[3], "3") == 0 && ids[4] == 'G' &&
	      strcmp(args[4], "http://h/") == 0, "long options give their ids and arguments");
	CHECK(n == 6 && ids[5] == '?', "an unknown option is '?'");
	CHECK(optind == argc - 1 && strcmp(argv[optind], "operand") == 0, "optind stops at the operand");

	static const struct opts_row renamed[] = {
		{ .letter = 'x', .name = "extra", .id = 1000, .help = "x" },
		OPTS_END,
	};
	char b0[] = "t", b1[] = "-x", b2[] = "--extra";
	char *bargv[] = { b0, b1, b2, NULL };
	CHECK(opts_build(&o, renamed) == 0, "a row with its own id builds");
	optind = 1;
	int first = opts_next(&o, 3, bargv, &arg), second = opts_next(&o, 3, bargv, &arg);
	CHECK(first == 1000 && second == 1000 && opts_next(&o, 3, bargv, &arg) == -1,
	      "its short and long forms both return the id");
}

static void test_faults(void)
{
	struct opts o;
	static const struct opts_row twice[] = { OPT('a', "one", NULL, "x"), OPT('a', "two", NULL, "y"), OPTS_END };
	static const struct opts_row twice_long[] = { OPT('a', "one", NULL, "x"), OPT('b', "one", NULL, "y"), OPTS_END };
	static const struct opts_row no_id[] = { OPT_LONG("bare", 0, NULL, "x"), OPTS_END };
	static const struct opts_row unknown[] = { OPTS_SHOW_SHORT('z', "z"), OPTS_END };
	static const struct opts_row shown_twice[] = {
		OPTS_SHOW_SHORT('f', "a"), OPTS_SHOW_SHORT('f', "b"), OPTS_INCLUDE(daemon_keepalived_opts), OPTS_END,
	};
	static const struct opts_row clash[] = {
		OPTS_INCLUDE(daemon_keepalived_opts), OPT('f', "file", "FILE", "again"), OPTS_END,
	};

	CHECK(opts_build(&o, twice) != 0 && strstr(o.error, "-a defined twice"), "a letter twice is refused");
	CHECK(opts_build(&o, twice_long) != 0 && strstr(o.error, "-b defined twice"), "a long name twice is refused");
	CHECK(opts_build(&o, no_id) != 0 && strstr(o.error, "needs an id"), "a long-only option without an id is refused");
	CHECK(opts_build(&o, unknown) != 0 && strstr(o.error, "not defined"), "showing an undefined option is refused");
	CHECK(opts_build(&o, shown_twice) != 0 && strstr(o.error, "already shown"), "showing an option twice is refused");
	CHECK(opts_build(&o, clash) != 0, "a command redefining a shared letter is refused");

	struct opts_cmd bad = { .usage = "Usage: x\n", .rows = twice };
	struct strbuf b = { 0 };
	CHECK(opts_help(&b, &bad) != 0 && b.data && strstr(b.data, "bad option table"), "help of a bad table says why");
	strbuf_free(&b);
}

static void test_layout(void)
{
	static const struct opts_row rows[] = {
		OPT('a', NULL, NULL, "short one"),
		OPT('b', "bee", "ARGUMENT", "a label of exactly eleven"),
		OPT_LONG("twelve-char", 2000, NULL, "twelve wide: two spaces"),
		OPT_LONG("much-longer-one", 2001, "X", "first line\nsecond line\nthird"),
		OPT('q', "quiet", NULL, NULL),
		OPTS_END,
	};
	static const struct opts_cmd cmd = { .usage = "U\n", .rows = rows, .footer = "F\n" };
	struct strbuf b = { 0 };

	CHECK(opts_help(&b, &cmd) == 0 && b.data &&
	      strcmp(b.data, "U\n"
			     "  -a          short one\n"
			     "  -b ARGUMENT a label of exactly eleven\n"
			     "  --twelve-char  twelve wide: two spaces\n"
			     "  --much-longer-one X  first line\n"
			     "              second line\n"
			     "              third\n"
			     "F\n") == 0,
	      "labels padded to 12 columns, longer ones followed by two spaces, continuation lines at 14, "
	      "options without help not listed");
	strbuf_free(&b);
}

int main(void)
{
	test_daemons();
	test_next();
	test_faults();
	test_layout();
	return unit_exit();
}
