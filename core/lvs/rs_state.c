/*
 * rs_state.c - rsctl's state file read and written as text (see rs_state.h).
 * A corrupt file is refused as a whole with file:line's reason, so `down`
 * never undoes half of what it recorded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rs_state.h"

#define LINE_MAX_LEN 256

static int fail(int line, int *err_line, char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	*err_line = line;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return -1;
}

/* A sysctl name rsctl may write: net.ipv4.conf.<dev>.<key>, letters,
 * digits and . _ - only, so a state file cannot point a write elsewhere
 * under /proc/sys (no "..", no "/"). */
static int sysctl_name_ok(const char *s)
{
	if (strncmp(s, "net.ipv4.conf.", 14) != 0 || strlen(s) >= RS_SYSCTL_NAME_MAX)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return strstr(s, "..") == NULL;
}

int rs_dev_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= RS_DEV_MAX || strchr(s, '/'))
		return 0;
	/* The kernel allows more, but a name with control bytes would not
	 * read back as written (a trailing CR is taken as a line ending). */
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return 0;
	return strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int addr_ok(const char *s)
{
	if (strlen(s) >= RS_ADDR_TEXT_MAX || !strchr(s, '/'))
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		      (*p >= 'A' && *p <= 'F') || *p == '.' || *p == ':' || *p == '/'))
			return 0;
	return 1;
}

static int parse_line(char *line, int lineno, struct rs_state *st,
		      int *err_line, char *err, size_t errsize)
{
	char *save = NULL;
	char *kw = strtok_r(line, " \t", &save);
	char *a1, *a2, *extra;

	if (!kw || kw[0] == '#')
		return 0;
	a1 = strtok_r(NULL, " \t", &save);
	a2 = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (strcmp(kw, "sysctl") == 0) {
		char *end;
		long v;

		if (!a1 || !a2 || extra)
			return fail(lineno, err_line, err, errsize, "sysctl wants a name and a value");
		if (!sysctl_name_ok(a1))
			return fail(lineno, err_line, err, errsize, "not a net.ipv4.conf sysctl: %s", a1);
		errno = 0;
		v = strtol(a2, &end, 10);
		if (errno || *end || end == a2 || v < -1000000 || v > 1000000)
			return fail(lineno, err_line, err, errsize, "bad value: %s", a2);
		if (rs_state_sysctl(st, a1))
			return fail(lineno, err_line, err, errsize, "%s recorded twice", a1);
		if (st->n_sysctls == RS_STATE_MAX_SYSCTLS)
			return fail(lineno, err_line, err, errsize, "too many sysctls");
		strcpy(st->sysctls[st->n_sysctls].name, a1);
		st->sysctls[st->n_sysctls++].original = v;
		return 0;
	}
	if (strcmp(kw, "addr") == 0 || strcmp(kw, "kept") == 0) {
		if (!a1 || !a2 || extra)
			return fail(lineno, err_line, err, errsize, "%s wants an address/prefix and a device", kw);
		if (!addr_ok(a1))
			return fail(lineno, err_line, err, errsize, "bad address: %s", a1);
		if (!rs_dev_name_ok(a2))
			return fail(lineno, err_line, err, errsize, "bad device name: %s", a2);
		if (rs_state_addr(st, a1))
			return fail(lineno, err_line, err, errsize, "%s recorded twice", a1);
		if (st->n_addrs == RS_STATE_MAX_ADDRS)
			return fail(lineno, err_line, err, errsize, "too many addresses");
		strcpy(st->addrs[st->n_addrs].addr, a1);
		strcpy(st->addrs[st->n_addrs].dev, a2);
		st->addrs[st->n_addrs++].added = kw[0] == 'a';
		return 0;
	}
	return fail(lineno, err_line, err, errsize, "unknown item: %s", kw);
}

/* Reads every line into st; -1 at the first bad one (st then partly filled). */
static int parse_lines(const char *text, size_t len, struct rs_state *st,
		       int *err_line, char *err, size_t errsize)
{
	char line[LINE_MAX_LEN];
	size_t pos = 0;
	int lineno = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (n >= sizeof(line))
			return fail(lineno, err_line, err, errsize, "line too long");
		if (memchr(text + pos, '\0', n))
			return fail(lineno, err_line, err, errsize, "NUL byte in line");
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (parse_line(line, lineno, st, err_line, err, errsize) < 0)
			return -1;
		pos += n + (nl ? 1 : 0);
	}
	return 0;
}

int rs_state_parse(const char *text, size_t len, struct rs_state *st,
		   int *err_line, char *err, size_t errsize)
{
	memset(st, 0, sizeof(*st));
	if (parse_lines(text, len, st, err_line, err, errsize) == 0)
		return 0;
	/* All or nothing: no item of a corrupt file may be acted on. */
	memset(st, 0, sizeof(*st));
	return -1;
}

void rs_state_format(const struct rs_state *st, struct strbuf *out)
{
	strbuf_puts(out, "# rsctl state: values before rsctl up, addresses it added (addr) or found (kept)\n");
	for (size_t i = 0; i < st->n_sysctls; i++)
		strbuf_printf(out, "sysctl %s %ld\n", st->sysctls[i].name, st->sysctls[i].original);
	for (size_t i = 0; i < st->n_addrs; i++)
		strbuf_printf(out, "%s %s %s\n", st->addrs[i].added ? "addr" : "kept",
			      st->addrs[i].addr, st->addrs[i].dev);
}

struct rs_sysctl *rs_state_sysctl(struct rs_state *st, const char *name)
{
	for (size_t i = 0; i < st->n_sysctls; i++)
		if (strcmp(st->sysctls[i].name, name) == 0)
			return &st->sysctls[i];
	return NULL;
}

struct rs_addr *rs_state_addr(struct rs_state *st, const char *addr)
{
	for (size_t i = 0; i < st->n_addrs; i++)
		if (strcmp(st->addrs[i].addr, addr) == 0)
			return &st->addrs[i];
	return NULL;
}

int rs_state_add_sysctl(struct rs_state *st, const char *name, long original)
{
	if (st->n_sysctls == RS_STATE_MAX_SYSCTLS || !sysctl_name_ok(name) ||
	    original < -1000000 || original > 1000000 || rs_state_sysctl(st, name))
		return -1;
	strcpy(st->sysctls[st->n_sysctls].name, name);
	st->sysctls[st->n_sysctls++].original = original;
	return 0;
}

int rs_state_add_addr(struct rs_state *st, const char *addr, const char *dev, int added)
{
	if (st->n_addrs == RS_STATE_MAX_ADDRS || !addr_ok(addr) || !rs_dev_name_ok(dev) ||
	    rs_state_addr(st, addr))
		return -1;
	strcpy(st->addrs[st->n_addrs].addr, addr);
	strcpy(st->addrs[st->n_addrs].dev, dev);
	st->addrs[st->n_addrs++].added = added ? 1 : 0;
	return 0;
}

int rs_state_drop_addr(struct rs_state *st, const char *addr)
{
	struct rs_addr *a = rs_state_addr(st, addr);

	if (!a)
		return -1;
	size_t i = (size_t)(a - st->addrs);
	memmove(&st->addrs[i], &st->addrs[i + 1], (st->n_addrs - i - 1) * sizeof(st->addrs[0]));
	st->n_addrs--;
	memset(&st->addrs[st->n_addrs], 0, sizeof(st->addrs[0]));
	return 0;
}
