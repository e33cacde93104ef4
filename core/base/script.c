/*
 * script.c - a config command line read, judged and run one way for every
 * daemon and checker (see script.h): before this, vrrpd, checkd, lvsd and
 * MISC_CHECK each split and ran lines by rules of their own, so the same
 * line could mean different things in different blocks.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "log.h"
#include "script.h"

#define BLANKS " \t\f\n\r\v"
/* What a shell would act on; keepalived passes it on as text. */
#define SHELL_CHARS "|&;<>()$`*?[~"

/* ---- reading a line ---- */

static unsigned hex_value(char c)
{
	return isdigit((unsigned char)c) ? (unsigned)(c - '0') : (unsigned)(tolower((unsigned char)c) - 'a' + 10);
}

/* The character a backslash sequence stands for; *p is just past the
 * backslash and is moved past the sequence. */
static char unescape(const char **p)
{
	const char *s = *p;
	unsigned char c = 0;

	if (*s == 'x' && isxdigit((unsigned char)s[1])) {
		for (s++; isxdigit((unsigned char)*s); s++)
			c = (unsigned char)(c << 4 | hex_value(*s));
	} else if (*s == 'c' && s[1]) {
		c = (unsigned char)(s[1] & 0x1f);
		s += 2;
	} else if (*s >= '0' && *s <= '7') {
		for (int i = 0; i < 3 && *s >= '0' && *s <= '7'; i++, s++)
			c = (unsigned char)(c << 3 | (unsigned)(*s - '0'));
	} else {
		switch (*s) {
		case 'a': c = '\a'; break;
		case 'b': c = '\b'; break;
		case 'E': c = 0x1b; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'v': c = '\v'; break;
		default: c = (unsigned char)*s; break;
		}
		s++;
	}
	*p = s;
	return (char)c;
}

/*
 * One word from *p (which is not a blank) into out, NUL-terminated: ends at
 * an unquoted blank, or at an unquoted character of stop (NULL: none).
 * *shell (when not NULL) is set if an unquoted SHELL_CHARS character is in
 * it. 0, or -1 with err set.
 */
static int read_word(const char **p, char *out, const char *stop, bool *shell, char *err, size_t errsize)
{
	const char *s = *p;
	char quote = 0;

	while (*s) {
		if (*s == '\\') {
			s++;
			if (!*s) {
				snprintf(err, errsize, "backslash at the end of the line");
				return -1;
			}
			*out++ = unescape(&s);
		} else if (quote) {
			if (*s == quote)
				quote = 0;
			else
				*out++ = *s;
			s++;
		} else if (*s == '\'' || *s == '"') {
			quote = *s++;
		} else if (strchr(BLANKS, *s) || (stop && strchr(stop, *s))) {
			break;
		} else {
			if (shell && strchr(SHELL_CHARS, *s))
				*shell = true;
			*out++ = *s++;
		}
	}
	if (quote) {
		snprintf(err, errsize, "missing closing %c", quote);
		return -1;
	}
	*out = '\0';
	*p = s;
	return 0;
}

int script_split(const char *line, char ***argvp, char *err, size_t errsize)
{
	size_t len = strlen(line);
	/* Words are at least one character and a blank apart; each takes no
	 * more room than its text plus the blank (or the end) after it. */
	char **argv = calloc(len / 2 + 2, sizeof(*argv));
	char *buf = malloc(len + 1);
	int argc = 0;

	*argvp = NULL;
	if (!argv || !buf) {
		snprintf(err, errsize, "out of memory");
		goto fail;
	}
	char *out = buf;
	for (const char *p = line + strspn(line, BLANKS); *p; p += strspn(p, BLANKS)) {
		argv[argc++] = out;
		if (read_word(&p, out, NULL, NULL, err, errsize) != 0)
			goto fail;
		out += strlen(out) + 1;
	}
	if (argc == 0) {
		free(buf);
		free(argv);
		return 0;
	}
	argv[argc] = NULL;
	*argvp = argv;
	return argc;
fail:
	free(buf);
	free(argv);
	return -1;
}

void script_argv_free(char **argv)
{
	if (argv) {
		free(argv[0]);
		free(argv);
	}
}

bool script_line_wants_shell(const char *line)
{
	size_t len = strlen(line);
	char *word = malloc(len + 1);
	char err[64];
	bool shell = false;

	if (!word)
		return strpbrk(line, SHELL_CHARS) != NULL;
	for (const char *p = line + strspn(line, BLANKS); *p && !shell; p += strspn(p, BLANKS))
		if (read_word(&p, word, NULL, &shell, err, sizeof(err)) != 0)
			break;
	free(word);
	return shell;
}

/* ---- who runs it, and whether it may ---- */

int script_ids(const char *user, const char *group, uid_t *uid, gid_t *gid)
{
	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (!user)
		return 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		log_err("script user '%s' does not exist", user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group) {
		struct group *gr = getgrnam(group);
		if (!gr) {
			log_err("script group '%s' does not exist", group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	/* Already who the script should be: the spawn need not switch. */
	if (*uid == getuid())
		*uid = (uid_t)-1;
	if (*gid == getgid())
		*gid = (gid_t)-1;
	return 0;
}

/* A bare command name looked up as the spawned child's execvp will: in
 * LOOP_CHILD_PATH, not our own $PATH. 0 when found. */
static int search_path(const char *name, char *out, size_t size)
{
	const char *dirs = LOOP_CHILD_PATH;
	struct stat st;

	while (*dirs) {
		size_t len = strcspn(dirs, ":");
		int w = snprintf(out, size, "%.*s/%s", (int)(len ? len : 1), len ? dirs : ".", name);
		if (w > 0 && (size_t)w < size && stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
			return 0;
		dirs += len;
		if (*dirs == ':')
			dirs++;
	}
	return -1;
}

static bool runs_for(const struct stat *st, uid_t uid, gid_t gid)
{
	if (uid == 0)
		return (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
	if (uid == st->st_uid)
		return (st->st_mode & S_IXUSR) != 0;
	if (gid == st->st_gid)
		return (st->st_mode & S_IXGRP) != 0;
	return (st->st_mode & S_IXOTH) != 0;
}

/* "/", "/a", "/a/b", then the file: each must be root's, and none writable
 * by a non-root group or by others, except directories with the sticky bit. */
static int path_unsafe(const char *path, const char *script, char *why, size_t n)
{
	char prefix[PATH_MAX];
	size_t len = strlen(path);

	for (size_t end = 1; end <= len; end++) {
		if (end < len && path[end] != '/')
			continue;
		struct stat st;
		memcpy(prefix, path, end);
		prefix[end] = '\0';
		if (lstat(prefix, &st) != 0) {
			snprintf(why, n, "script %s: %s: %s", script, prefix, strerror(errno));
			return SCRIPT_UNUSABLE;
		}
		bool shared = S_ISREG(st.st_mode) || (S_ISDIR(st.st_mode) && !(st.st_mode & S_ISVTX));
		if (st.st_uid != 0) {
			snprintf(why, n, "script %s: %s is owned by uid %u, not root", script, prefix,
				 (unsigned)st.st_uid);
			return SCRIPT_UNSAFE;
		}
		if (shared && (st.st_mode & S_IWOTH)) {
			snprintf(why, n, "script %s: %s is writable by others", script, prefix);
			return SCRIPT_UNSAFE;
		}
		if (shared && st.st_gid != 0 && (st.st_mode & S_IWGRP)) {
			snprintf(why, n, "script %s: %s is writable by group %u", script, prefix,
				 (unsigned)st.st_gid);
			return SCRIPT_UNSAFE;
		}
	}
	return SCRIPT_OK;
}

int script_secure(const char *argv0, uid_t run_as, char *why, size_t n)
{
	char found[PATH_MAX], real[PATH_MAX];
	const char *path = argv0;
	struct stat st;
	gid_t gid = getegid();

	why[0] = '\0';
	if (!argv0 || !*argv0) {
		snprintf(why, n, "empty script command");
		return SCRIPT_UNUSABLE;
	}
	if (run_as == (uid_t)-1)
		run_as = geteuid();
	else {
		struct passwd *pw = getpwuid(run_as);
		gid = pw ? pw->pw_gid : (gid_t)-1;
	}
	if (!strchr(argv0, '/')) {
		if (search_path(argv0, found, sizeof(found)) != 0) {
			snprintf(why, n, "script %s: not found in PATH", argv0);
			return SCRIPT_UNUSABLE;
		}
		path = found;
	}
	if (!realpath(path, real) || stat(real, &st) != 0) {
		snprintf(why, n, "script %s: %s", argv0, strerror(errno));
		return SCRIPT_UNUSABLE;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, n, "script %s: %s is not a regular file", argv0, real);
		return SCRIPT_UNUSABLE;
	}
	if (!runs_for(&st, run_as, gid)) {
		snprintf(why, n, "script %s: not executable by uid %u", argv0, (unsigned)run_as);
		return SCRIPT_UNUSABLE;
	}
	/* Only what runs with root's power must be out of everyone else's reach. */
	bool as_root = run_as == 0 || (st.st_uid == 0 && (st.st_mode & S_ISUID)) ||
		       (st.st_gid == 0 && (st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP));
	return as_root ? path_unsafe(real, argv0, why, n) : SCRIPT_OK;
}

/* Keeps the worse of two verdicts, and the reason of the first to reach it. */
static void worst(int *verdict, char *why, size_t n, int rc, const char *reason)
{
	if (rc > *verdict) {
		*verdict = rc;
		snprintf(why, n, "%s", reason);
	}
}

/* Words after which a shell still expects a command. */
static bool shell_keyword(const char *w)
{
	static const char *const words[] = { "if", "then", "else", "elif", "do", "while", "until", "!", "{", "time" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

/* NAME=value before a command sets its environment; it is not the command. */
static bool assignment(const char *w)
{
	size_t n = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
	return n > 0 && w[n] == '=' && !isdigit((unsigned char)w[0]);
}

/* The first word of each command in a shell line, judged when it names a file. */
static int shell_line_secure(const char *line, uid_t run_as, char *word, char *why, size_t n)
{
	char reason[600], err[64];
	int verdict = script_secure("/bin/sh", run_as, reason, sizeof(reason));
	bool at_command = true, in_backquote = false;

	worst(&verdict, why, n, verdict, reason);
	for (const char *p = line; *p;) {
		if (*p == '\n' || *p == '|' || *p == '&' || *p == ';' || *p == '(' || *p == ')' || *p == '`') {
			/* a closing ) or ` ends a command; what follows is not one */
			if (*p == '`')
				in_backquote = !in_backquote;
			at_command = *p != ')' && (*p != '`' || in_backquote);
			p++;
			continue;
		}
		if (strchr(BLANKS, *p)) {
			p++;
			continue;
		}
		bool redirect = *p == '<' || *p == '>';
		if (redirect) {
			p += strspn(p, "<>&|");
			p += strspn(p, " \t");
			if (!*p)
				break;
		}
		bool shell = false;
		if (read_word(&p, word, "|&;()`<>\n", &shell, err, sizeof(err)) != 0)
			break;
		if (redirect || !at_command || assignment(word) || !*word)
			continue;
		if (shell_keyword(word))
			continue;
		at_command = false;
		if (shell)
			continue;       /* made by expansion: cannot be known here */
		char found[PATH_MAX];
		if (!strchr(word, '/') && search_path(word, found, sizeof(found)) != 0)
			continue;       /* a builtin (exit, cd) or nothing: the shell says */
		int rc = script_secure(word, run_as, reason, sizeof(reason));
		worst(&verdict, why, n, rc, reason);
	}
	return verdict;
}

int script_line_secure(const char *line, uid_t run_as, char *why, size_t n)
{
	char err[128];
	char **argv;

	why[0] = '\0';
	if (script_line_wants_shell(line)) {
		char *word = malloc(strlen(line) + 1);
		if (!word) {
			snprintf(why, n, "out of memory");
			return SCRIPT_UNUSABLE;
		}
		int rc = shell_line_secure(line, run_as, word, why, n);
		free(word);
		return rc;
	}
	int argc = script_split(line, &argv, err, sizeof(err));
	if (argc <= 0) {
		snprintf(why, n, "command line '%s': %s", line, argc < 0 ? err : "empty");
		return SCRIPT_UNUSABLE;
	}
	int verdict = script_secure(argv[0], run_as, why, n);
	char **sh = verdict != SCRIPT_UNUSABLE ? script_sh_fallback(argv) : NULL;
	if (sh) {
		char reason[600];
		worst(&verdict, why, n, script_secure(sh[0], run_as, reason, sizeof(reason)), reason);
		free(sh);
	}
	script_argv_free(argv);
	return verdict;
}

/* ---- running it ---- */

char **script_sh_fallback(char *const argv[])
{
	char found[PATH_MAX];
	const char *path = argv[0];
	unsigned char head[4];
	struct stat st;

	if (!path || !*path)
		return NULL;
	if (!strchr(path, '/')) {
		if (search_path(path, found, sizeof(found)) != 0)
			return NULL;
		path = found;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof(head)) : -1;
	close(fd);
	if (got < 0 || (got >= 2 && head[0] == '#' && head[1] == '!') ||
	    (got == 4 && memcmp(head, "\177ELF", 4) == 0))
		return NULL;

	int argc = 0;
	while (argv[argc])
		argc++;
	size_t ptrs = ((size_t)argc + 2) * sizeof(char *);
	char **sh = malloc(ptrs + strlen(path) + 1);
	if (!sh)
		return NULL;
	char *copy = (char *)sh + ptrs;
	strcpy(copy, path);
	sh[0] = "/bin/sh";
	sh[1] = copy;
	for (int i = 1; i <= argc; i++)
		sh[i + 1] = argv[i];
	return sh;
}

pid_t script_spawn_argv(struct loop *loop, struct loop_child *child, char *const argv[], uid_t uid,
			gid_t gid, uint64_t timeout_ms, loop_child_fn *done, void *arg)
{
	char **sh = script_sh_fallback(argv);
	int rc = loop_spawn(loop, child, sh ? sh : argv, timeout_ms, uid, gid, done, arg);

	free(sh);
	return rc == 0 ? child->pid : -1;
}

/* SCRIPT_SHELL_COMPAT: "LINE 'extra' ..." for /bin/sh -c; NULL on OOM. */
static char *shell_command(const char *line, const char *const *extra, int nextra)
{
	size_t len = strlen(line) + 1;

	for (int i = 0; i < nextra; i++)
		len += 3 + 4 * strlen(extra[i]);
	char *cmd = malloc(len);
	if (!cmd)
		return NULL;
	char *out = stpcpy(cmd, line);
	for (int i = 0; i < nextra; i++) {
		out = stpcpy(out, " '");
		for (const char *s = extra[i]; *s; s++)
			out = *s == '\'' ? stpcpy(out, "'\\''") : (*out = *s, out + 1);
		out = stpcpy(out, "'");
	}
	*out = '\0';
	return cmd;
}

pid_t script_spawn_line(struct loop *loop, struct loop_child *child, const char *line,
			const char *const *extra, int nextra, uid_t uid, gid_t gid, uint64_t timeout_ms,
			loop_child_fn *done, void *arg)
{
	char err[128];
	char **words;
	pid_t pid = -1;

	if (script_line_wants_shell(line)) {
		char *cmd = shell_command(line, extra, nextra);
		if (!cmd) {
			log_err("cannot run '%s': out of memory", line);
			return -1;
		}
		char *sh[] = { "/bin/sh", "-c", cmd, NULL };
		if (loop_spawn(loop, child, sh, timeout_ms, uid, gid, done, arg) == 0)
			pid = child->pid;
		else
			log_err("cannot run '%s': %s", line, strerror(errno));
		free(cmd);
		return pid;
	}
	int argc = script_split(line, &words, err, sizeof(err));
	if (argc <= 0) {
		log_err("cannot run '%s': %s", line, argc < 0 ? err : "empty command line");
		return -1;
	}
	char **argv = malloc(((size_t)argc + (size_t)nextra + 1) * sizeof(*argv));
	if (argv) {
		memcpy(argv, words, (size_t)argc * sizeof(*argv));
		for (int i = 0; i < nextra; i++)
			argv[argc + i] = (char *)extra[i];
		argv[argc + nextra] = NULL;
		pid = script_spawn_argv(loop, child, argv, uid, gid, timeout_ms, done, arg);
		if (pid < 0)
			log_err("cannot run '%s': %s", line, strerror(errno));
	} else {
		log_err("cannot run '%s': out of memory", line);
	}
	free(argv);
	script_argv_free(words);
	return pid;
}
