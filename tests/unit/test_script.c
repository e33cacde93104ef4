/*
 * test_script.c - core/base/script.c: a config command line split as
 * keepalived 2.2.7 splits a script line (lib/parser.c's quoted-and-escaped
 * reader, read for its behaviour: quotes of both kinds group, backslash
 * escapes work inside quotes too, no shell expansion), the line-level
 * security verdict, and running a line as another user through the loop.
 * Needs root (chown, setuid); its files live in a fresh directory in /tmp.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "loop.h"
#include "script.h"
#include "unit.h"

/* ---- splitting ---- */

struct split_case {
	const char *line;
	int argc;               /* -1: refused */
	const char *words[6];
	const char *what;
};

static const struct split_case split_cases[] = {
	{ "/bin/echo a b", 3, { "/bin/echo", "a", "b" }, "blanks separate words" },
	{ "  /x \t 'a b'  \"c d\"  ", 3, { "/x", "a b", "c d" }, "single and double quotes keep blanks in a word" },
	{ "a\"b c\"'d e'f", 1, { "ab cd ef" }, "quoted parts glue to unquoted text" },
	{ "a '' b", 3, { "a", "", "b" }, "an empty quoted word stays a word" },
	{ "a\tb\fc\vd", 4, { "a", "b", "c", "d" }, "tab, form feed and vertical tab are blanks too" },
	{ "echo a\\ b", 2, { "echo", "a b" }, "a backslash keeps a blank in the word" },
	{ "echo 'it\\'s'", 2, { "echo", "it's" }, "a backslash escapes inside single quotes (unlike sh)" },
	{ "echo \"say \\\"hi\\\"\"", 2, { "echo", "say \"hi\"" }, "escaped double quote inside double quotes" },
	{ "echo \\x41\\102\\t\\cA\\E", 2, { "echo", "AB\t\001\033" }, "\\xHH, octal, \\t, \\cX and \\E" },
	{ "echo \\q \\xg", 3, { "echo", "q", "xg" }, "other escaped characters stand for themselves" },
	{ "echo $HOME *.sh | wc ~", 6, { "echo", "$HOME", "*.sh", "|", "wc", "~" },
	  "no shell: $, globs, pipes and ~ are plain words" },
	{ "echo \"open", -1, { 0 }, "an unterminated quote is refused" },
	{ "echo trailing\\", -1, { 0 }, "a backslash at the end is refused" },
	{ " \t ", 0, { 0 }, "a blank line has no words" },
};

static void test_split(void)
{
	char err[128];
	char **argv;

	for (size_t i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];
		int argc = script_split(c->line, &argv, err, sizeof(err));
		bool same = argc == c->argc;
		for (int w = 0; same && w < argc; w++)
			same = strcmp(argv[w], c->words[w]) == 0;
		if (same && argc > 0)
			same = argv[argc] == NULL;
		if (same && argc <= 0)
			same = argv == NULL && (argc == 0 || err[0]);
		CHECK(same, "split: %s [%s] (%d words%s%s)", c->what, c->line, argc, argc < 0 ? ": " : "",
		      argc < 0 ? err : "");
		script_argv_free(argv);
	}
}

static void test_wants_shell(void)
{
	CHECK(script_line_wants_shell("echo $(id -u) master A >>/tmp/x/shell.log"),
	      "shell line: $( ) and >> outside quotes");
	CHECK(script_line_wants_shell("[ -e /etc/keepalived/down ] && exit 1 || exit 0"),
	      "shell line: a [ test with && and ||");
	CHECK(script_line_wants_shell("</dev/tcp/127.0.0.1/80"), "shell line: keepalived's </path file test");
	CHECK(!script_line_wants_shell("/etc/keepalived/notify.sh master 192.168.139.100"),
	      "plain line: a script and its arguments");
	CHECK(!script_line_wants_shell("/bin/sh -c 'echo up >> /tmp/flap; true'"),
	      "plain line: shell syntax inside keepalived's quotes is an argument");
	CHECK(!script_line_wants_shell("/bin/echo a\\|b"), "plain line: an escaped | is a character");
}

/* ---- security ---- */

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		fchmod(fd, mode);
		close(fd);
	}
}

static void test_security(const char *base)
{
	char safe[160], group_dir[160], group_script[160], sticky[160], sticky_script[160], line[512], why[600];

	snprintf(safe, sizeof(safe), "%s/safe.sh", base);
	snprintf(group_dir, sizeof(group_dir), "%s/grp", base);
	snprintf(group_script, sizeof(group_script), "%s/grp/check.sh", base);
	snprintf(sticky, sizeof(sticky), "%s/sticky", base);
	snprintf(sticky_script, sizeof(sticky_script), "%s/sticky/check.sh", base);
	write_file(safe, "#!/bin/sh\nexit 0\n", 0755);
	mkdir(group_dir, 0775);
	chmod(group_dir, 0775);
	chown(group_dir, 0, 1000);
	write_file(group_script, "#!/bin/sh\nexit 0\n", 0755);
	mkdir(sticky, 01777);
	chmod(sticky, 01777);
	write_file(sticky_script, "#!/bin/sh\nexit 0\n", 0755);

	CHECK(script_secure(safe, 0, why, sizeof(why)) == SCRIPT_OK, "root-owned 0755 script in root's directories: secure");
	CHECK(script_secure(group_script, 0, why, sizeof(why)) == SCRIPT_UNSAFE && strstr(why, "group 1000"),
	      "directory writable by a non-root group: unsafe for root (%s)", why);
	CHECK(script_secure(group_script, 65534, why, sizeof(why)) == SCRIPT_OK,
	      "the same script run as nobody is not refused");
	CHECK(script_secure(sticky_script, 0, why, sizeof(why)) == SCRIPT_OK,
	      "a world-writable directory with the sticky bit is fine (%s)", why);

	snprintf(line, sizeof(line), "%s 'an argument' two", safe);
	CHECK(script_line_secure(line, 0, why, sizeof(why)) == SCRIPT_OK, "line: a safe script with arguments");
	snprintf(line, sizeof(line), "%s && exit 0", group_script);
	CHECK(script_line_secure(line, 0, why, sizeof(why)) == SCRIPT_UNSAFE && strstr(why, group_dir),
	      "shell line: its unsafe command is found and named (%s)", why);
	snprintf(line, sizeof(line), "true; echo x >%s/out; exit 0", group_dir);
	CHECK(script_line_secure(line, 0, why, sizeof(why)) == SCRIPT_OK,
	      "shell line: a redirection target is not a program, builtins are not judged (%s)", why);
	snprintf(line, sizeof(line), "echo $(%s)", group_script);
	CHECK(script_line_secure(line, 0, why, sizeof(why)) == SCRIPT_UNSAFE,
	      "shell line: a command substitution's program is judged too (%s)", why);
	snprintf(line, sizeof(line), "%s/missing.sh", base);
	CHECK(script_line_secure(line, 0, why, sizeof(why)) == SCRIPT_UNUSABLE && strstr(why, "missing.sh"),
	      "line: a missing program is unusable (%s)", why);
	CHECK(script_line_secure("/bin/echo \"open", 0, why, sizeof(why)) == SCRIPT_UNUSABLE &&
	      strstr(why, "missing closing"), "line: one that does not split is unusable (%s)", why);

	chown(group_dir, 0, 0);
	unlink(group_script);
	rmdir(group_dir);
	unlink(sticky_script);
	rmdir(sticky);
	unlink(safe);
}

/* ---- running ---- */

struct run {
	struct loop_child child;
	int status;
	bool done;
};

static void on_done(struct loop *loop, struct loop_child *child, int status)
{
	struct run *r = child->arg;

	r->status = status;
	r->done = true;
	loop_break(loop);
}

/* Runs line (with extra) as uid/gid through a fresh loop; the exit status, -1 if it never ran. */
static int run_line(const char *line, const char *const *extra, int nextra, uid_t uid, gid_t gid,
		    uint64_t timeout_ms, bool *timed_out)
{
	struct loop loop;
	struct run r = { 0 };

	if (loop_init(&loop) != 0)
		return -1;
	loop.kill_grace_ms = 100;
	pid_t pid = script_spawn_line(&loop, &r.child, line, extra, nextra, uid, gid, timeout_ms, on_done, &r);
	if (pid > 0)
		loop_run(&loop);
	if (timed_out)
		*timed_out = r.child.timed_out;
	loop_done(&loop);
	return pid > 0 && r.done ? r.status : -1;
}

static void read_file(const char *path, char *out, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t got = fd >= 0 ? read(fd, out, n - 1) : -1;

	out[got > 0 ? got : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

static void test_run(const char *base)
{
	char notes[128], id_script[160], plain_script[160], out[160], line[512], text[256];
	const char *extra[] = { "INSTANCE", "VI 1", "it's" };
	bool timed_out;

	snprintf(notes, sizeof(notes), "%s/notes", base);
	mkdir(notes, 01777);
	chmod(notes, 01777);
	snprintf(id_script, sizeof(id_script), "%s/id.sh", base);
	snprintf(plain_script, sizeof(plain_script), "%s/plain.sh", base);
	snprintf(out, sizeof(out), "%s/out", notes);

	snprintf(line, sizeof(line), "#!/bin/sh\nprintf '%%s %%s|' \"$(id -u)\" \"$(id -g)\" \"$@\" >%s\n", out);
	write_file(id_script, line, 0755);
	snprintf(line, sizeof(line), "%s 'first arg'", id_script);
	int status = run_line(line, extra, 3, 65534, 65534, 5000, NULL);
	read_file(out, text, sizeof(text));
	CHECK(status == 0 && strcmp(text, "65534 65534|first arg INSTANCE|VI 1 it's|") == 0,
	      "runs as nobody (uid and gid 65534) with the line's and the extra arguments (%d: '%s')", status, text);

	/* A script without "#!": the kernel says ENOEXEC, /bin/sh runs it. */
	snprintf(line, sizeof(line), "echo \"$(id -u) $#\" >%s\n", out);
	write_file(plain_script, line, 0755);
	unlink(out);
	status = run_line(plain_script, extra, 2, 65534, 65534, 5000, NULL);
	read_file(out, text, sizeof(text));
	CHECK(status == 0 && strcmp(text, "65534 2\n") == 0,
	      "a script file without #! runs through /bin/sh, arguments kept (%d: '%s')", status, text);

	/* SCRIPT_SHELL_COMPAT: a line with shell syntax goes to /bin/sh -c, extras quoted after it. */
	unlink(out);
	snprintf(line, sizeof(line), "printf '%%s,' $(id -u) >%s", out);
	status = run_line(line, extra, 3, 65534, 65534, 5000, NULL);
	read_file(out, text, sizeof(text));
	CHECK(status == 0 && strcmp(text, "65534,INSTANCE,VI 1,it's,") == 0,
	      "a shell line runs through /bin/sh -c as nobody, extras single-quoted (%d: '%s')", status, text);

	status = run_line("/bin/sh -c 'exit 3'", NULL, 0, (uid_t)-1, (gid_t)-1, 5000, NULL);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3, "the exit status comes back (%d)", status);
	status = run_line("sleep 5", NULL, 0, (uid_t)-1, (gid_t)-1, 200, &timed_out);
	CHECK(timed_out && WIFSIGNALED(status), "an overrunning script is killed at its timeout (%d)", status);
	CHECK(run_line("/bin/echo \"open", NULL, 0, (uid_t)-1, (gid_t)-1, 0, NULL) == -1,
	      "a line that does not split is not run");

	unlink(out);
	rmdir(notes);
	unlink(id_script);
	unlink(plain_script);
}

int main(void)
{
	char base[] = "/tmp/lvt-script.XXXXXX";

	test_split();
	test_wants_shell();
	CHECK(getuid() == 0, "runs as root (chown, setuid)");
	if (!mkdtemp(base)) {
		CHECK(0, "mkdtemp");
		return unit_exit();
	}
	chmod(base, 0755);
	test_security(base);
	test_run(base);
	rmdir(base);
	return unit_exit();
}
