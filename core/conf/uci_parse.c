/*
 * uci_parse.c - OpenWrt's UCI config files read into sections and options,
 * with libuci's word rules and strict mode's errors (uci_parse.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "uci_parse.h"

struct parser {
	const char *name;
	const char *d;
	size_t len, pos;
	int line;
	bool line_ended;        /* an unquoted # ended the line */
	char *err;
	size_t errsize;
	struct uci_pkg *pkg;
	struct uci_sec *cur;
	char *word;             /* the word being read */
	size_t wlen, wcap;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* At the end of a file that ends its last line, that line is the one
	 * being read, as libuci counts. */
	int line = p->line;
	if (p->pos >= p->len && p->len && p->d[p->len - 1] == '\n')
		line--;
	snprintf(p->err, p->errsize, "%s:%d: %s", p->name, line, reason);
	return -1;
}

static int oom(struct parser *p)
{
	snprintf(p->err, p->errsize, "out of memory");
	return -1;
}

static bool at_eol(const struct parser *p)
{
	return p->line_ended || p->pos >= p->len || p->d[p->pos] == '\n';
}

static void skip_blanks(struct parser *p)
{
	while (!at_eol(p) && isspace((unsigned char)p->d[p->pos]))
		p->pos++;
}

static int add_char(struct parser *p, char c)
{
	if (p->wlen + 1 >= p->wcap) {
		if (p->wcap >= UCI_MAX_VALUE)
			return fail(p, "a word longer than %d bytes", UCI_MAX_VALUE);
		size_t cap = p->wcap ? p->wcap * 2 : 64;
		char *w = realloc(p->word, cap);
		if (!w)
			return oom(p);
		p->word = w;
		p->wcap = cap;
	}
	p->word[p->wlen++] = c;
	p->word[p->wlen] = '\0';
	return 0;
}

/* At a backslash (pos on it): one that ends the line joins the next one
 * (true: nothing to add); otherwise pos is left on the escaped character. */
static bool backslash_joins(struct parser *p)
{
	p->pos++;
	if (p->pos >= p->len)
		return true;
	if (p->d[p->pos] == '\r' && p->pos + 1 < p->len && p->d[p->pos + 1] == '\n')
		p->pos++;
	if (p->d[p->pos] == '\n') {
		p->pos++;
		p->line++;
		return true;
	}
	return false;
}

static int quoted(struct parser *p, char q)
{
	p->pos++;
	for (;;) {
		if (p->pos >= p->len)
			return fail(p, "EOF with unterminated %c", q);
		char c = p->d[p->pos];
		if (c == q) {
			p->pos++;
			return 0;
		}
		if (q == '"' && c == '\\') {
			if (backslash_joins(p))
				continue;
			c = p->d[p->pos];
		}
		if (c == '\n')
			p->line++;
		if (add_char(p, c) != 0)
			return -1;
		p->pos++;
	}
}

/* One word into p->word (possibly empty). */
static int read_word(struct parser *p)
{
	bool skip_end = true;

	p->wlen = 0;
	if (p->word)
		p->word[0] = '\0';
	do {
		if (at_eol(p))
			break;
		char c = p->d[p->pos];
		if (c == '\'' || c == '"') {
			if (quoted(p, c) != 0)
				return -1;
			continue;
		}
		if (c == '#') {
			p->line_ended = true;
			break;
		}
		if (c == ';') {
			skip_end = false;
			break;
		}
		if (c == '\\') {
			if (backslash_joins(p))
				continue;
			c = p->d[p->pos];
		}
		if (add_char(p, c) != 0)
			return -1;
		p->pos++;
	} while (!at_eol(p) && !isspace((unsigned char)p->d[p->pos]));
	if (!at_eol(p) && skip_end)
		p->pos++;
	return 0;
}

enum { ARG_ANY, ARG_NAME, ARG_TYPE };

static bool valid(const char *s, int kind)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '_')
			continue;
		if (kind == ARG_NAME || c < 33 || c > 126)
			return false;
	}
	return true;
}

/* The next argument, a copy in *out ("" when there is none: an error when
 * required). */
static int next_arg(struct parser *p, bool required, int kind, char **out)
{
	*out = NULL;
	skip_blanks(p);
	if (!at_eol(p) && p->d[p->pos] == ';') {
		p->pos++;
		p->wlen = 0;
	} else if (read_word(p) != 0) {
		return -1;
	}
	if (p->wlen == 0) {
		if (required)
			return fail(p, "insufficient arguments");
	} else if (memchr(p->word, '\0', p->wlen)) {
		return fail(p, "a NUL byte in a word");
	} else if (kind == ARG_NAME && !valid(p->word, ARG_NAME)) {
		return fail(p, "invalid character in name field");
	} else if (kind == ARG_TYPE && !valid(p->word, ARG_TYPE)) {
		return fail(p, "invalid character in type field");
	}
	*out = strdup(p->wlen ? p->word : "");
	return *out ? 0 : oom(p);
}

static int end_of_command(struct parser *p)
{
	char *extra;

	if (next_arg(p, false, ARG_ANY, &extra) != 0)
		return -1;
	bool more = extra[0] != '\0';
	free(extra);
	return more ? fail(p, "too many arguments") : 0;
}

static struct uci_sec *find_section(struct uci_pkg *pkg, const char *name)
{
	for (int i = 0; i < pkg->nsecs; i++)
		if (pkg->secs[i].name && strcmp(pkg->secs[i].name, name) == 0)
			return &pkg->secs[i];
	return NULL;
}

static int cmd_config(struct parser *p)
{
	char *type = NULL, *name = NULL;

	if (next_arg(p, true, ARG_TYPE, &type) != 0 || next_arg(p, false, ARG_NAME, &name) != 0 ||
	    end_of_command(p) != 0)
		goto bad;
	struct uci_sec *s = name[0] ? find_section(p->pkg, name) : NULL;
	if (s) {
		if (strcmp(s->type, type) != 0) {
			fail(p, "section of different type overwrites prior section with same name");
			goto bad;
		}
		free(type);
		free(name);
		p->cur = s;
		return 0;
	}
	if (p->pkg->nsecs >= UCI_MAX_SECTIONS) {
		fail(p, "more than %d sections", UCI_MAX_SECTIONS);
		goto bad;
	}
	if (p->pkg->nsecs % 16 == 0) {
		struct uci_sec *v = realloc(p->pkg->secs, (p->pkg->nsecs + 16) * sizeof(*v));
		if (!v) {
			oom(p);
			goto bad;
		}
		p->pkg->secs = v;
	}
	s = &p->pkg->secs[p->pkg->nsecs++];
	memset(s, 0, sizeof(*s));
	s->type = type;
	if (name[0]) {
		s->name = name;
	} else {
		free(name);
	}
	s->line = p->line;
	p->cur = s;
	return 0;
bad:
	free(type);
	free(name);
	return -1;
}

static struct uci_opt *find_opt(struct uci_sec *s, const char *name)
{
	for (int i = 0; i < s->nopts; i++)
		if (strcmp(s->opts[i].name, name) == 0)
			return &s->opts[i];
	return NULL;
}

static void opt_clear(struct uci_opt *o)
{
	for (int i = 0; i < o->nvalues; i++)
		free(o->values[i]);
	free(o->values);
	o->values = NULL;
	o->nvalues = 0;
}

static int cmd_option(struct parser *p, bool list)
{
	char *name = NULL, *value = NULL;

	if (!p->cur)
		return fail(p, "option/list command found before the first section");
	if (next_arg(p, true, ARG_NAME, &name) != 0 || next_arg(p, false, ARG_ANY, &value) != 0 ||
	    end_of_command(p) != 0)
		goto bad;
	if (p->pkg->nvalues >= UCI_MAX_VALUES) {
		fail(p, "more than %d values", UCI_MAX_VALUES);
		goto bad;
	}
	struct uci_sec *s = p->cur;
	struct uci_opt *o = find_opt(s, name);
	if (!o) {
		if (s->nopts % 8 == 0) {
			struct uci_opt *v = realloc(s->opts, (s->nopts + 8) * sizeof(*v));
			if (!v) {
				oom(p);
				goto bad;
			}
			s->opts = v;
		}
		o = &s->opts[s->nopts++];
		memset(o, 0, sizeof(*o));
		o->name = name;
		name = NULL;
	}
	if (!list)
		opt_clear(o);
	char **v = realloc(o->values, (o->nvalues + 1) * sizeof(*v));
	if (!v) {
		oom(p);
		goto bad;
	}
	o->values = v;
	o->values[o->nvalues++] = value;
	o->is_list = list || (o->is_list && o->nvalues > 1);
	o->line = p->line;
	p->pkg->nvalues++;
	free(name);
	return 0;
bad:
	free(name);
	free(value);
	return -1;
}

static int cmd_package(struct parser *p)
{
	char *name;

	if (next_arg(p, true, ARG_TYPE, &name) != 0)
		return -1;
	free(name);
	return end_of_command(p);
}

/* The commands of one line (several when ; separates them). */
static int parse_line(struct parser *p)
{
	for (;;) {
		skip_blanks(p);
		if (at_eol(p))
			return 0;
		size_t start = p->pos;
		while (p->pos < p->len && p->d[p->pos] != ' ' && p->d[p->pos] != '\t' && p->d[p->pos] != '\n')
			p->pos++;
		size_t n = p->pos - start;
		const char *w = p->d + start;
		if (w[0] == '#') {
			p->line_ended = true;
			return 0;
		}
		if (p->pos < p->len && p->d[p->pos] != '\n')
			p->pos++;
#define IS(full) ((n == 1 && w[0] == (full)[0]) || (n == strlen(full) && memcmp(w, full, n) == 0))
		int rc;
		if (IS("config"))
			rc = cmd_config(p);
		else if (IS("option"))
			rc = cmd_option(p, false);
		else if (IS("list"))
			rc = cmd_option(p, true);
		else if (IS("package"))
			rc = cmd_package(p);
		else
			rc = fail(p, "invalid command");
#undef IS
		if (rc != 0)
			return rc;
	}
}

int uci_parse_buffer(const char *name, const char *data, size_t len, struct uci_pkg **out,
		     char *err, size_t errsize)
{
	struct parser p = { .name = name, .d = data, .len = len, .line = 1, .err = err, .errsize = errsize };
	int rc = 0;

	*out = NULL;
	if (len > UCI_MAX_FILE) {
		snprintf(err, errsize, "%s: bigger than %d bytes", name, UCI_MAX_FILE);
		return -1;
	}
	p.pkg = calloc(1, sizeof(*p.pkg));
	if (!p.pkg || !(p.pkg->file = strdup(name))) {
		free(p.pkg);
		return oom(&p);
	}
	while (p.pos < p.len) {
		rc = parse_line(&p);
		if (rc != 0)
			break;
		while (p.pos < p.len && p.d[p.pos] != '\n')
			p.pos++;
		if (p.pos < p.len) {
			p.pos++;
			p.line++;
		}
		p.line_ended = false;
	}
	free(p.word);
	if (rc != 0) {
		uci_pkg_free(p.pkg);
		return -1;
	}
	*out = p.pkg;
	return 0;
}

int uci_parse_file(const char *path, struct uci_pkg **out, char *err, size_t errsize)
{
	FILE *f = fopen(path, "r");
	char *data = NULL;
	size_t len = 0, cap = 0;

	*out = NULL;
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			if (cap > UCI_MAX_FILE) {
				fclose(f);
				free(data);
				snprintf(err, errsize, "%s: bigger than %d bytes", path, UCI_MAX_FILE);
				return -1;
			}
			cap = cap ? cap * 2 : 4096;
			char *d = realloc(data, cap);
			if (!d) {
				fclose(f);
				free(data);
				snprintf(err, errsize, "out of memory");
				return -1;
			}
			data = d;
		}
		size_t n = fread(data + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(data);
		snprintf(err, errsize, "%s: read error", path);
		return -1;
	}
	int rc = uci_parse_buffer(path, data ? data : "", len, out, err, errsize);
	free(data);
	return rc;
}

void uci_pkg_free(struct uci_pkg *pkg)
{
	if (!pkg)
		return;
	for (int i = 0; i < pkg->nsecs; i++) {
		struct uci_sec *s = &pkg->secs[i];
		for (int j = 0; j < s->nopts; j++) {
			opt_clear(&s->opts[j]);
			free(s->opts[j].name);
		}
		free(s->opts);
		free(s->type);
		free(s->name);
	}
	free(pkg->secs);
	free(pkg->file);
	free(pkg);
}

const struct uci_opt *uci_opt_get(const struct uci_sec *s, const char *name)
{
	for (int i = 0; i < s->nopts; i++)
		if (strcmp(s->opts[i].name, name) == 0)
			return &s->opts[i];
	return NULL;
}
