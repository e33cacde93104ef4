/*
 * conf.c - generic layer of the keepalived-syntax config: lexer (comments,
 * quotes, glued braces, $NAME definitions, include with glob), parser into
 * a tree of nodes, canonical printer, and diagnostics "file:line: reason".
 *
 * The whole input, includes spliced in, first becomes one flat token list;
 * the parser then builds the tree from it. Both stop at the first error.
 */
#include "conf.h"

#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

enum tok_kind { TOK_WORD, TOK_OPEN, TOK_CLOSE, TOK_EOL };

struct token {
	int kind;
	char *text;                 /* TOK_WORD only */
	const char *file;
	int line;
};

struct def {
	char *name, *value;
};

struct lexer {
	struct conf_tree *tree;
	unsigned flags;
	struct token *toks;
	size_t ntoks, captoks;
	struct def defs[CONF_MAX_DEFS];
	int ndefs;
	size_t total_bytes;
	/* files being read, outermost first: an include loop shows up here */
	struct { dev_t dev; ino_t ino; } stack[CONF_MAX_INCLUDE_DEPTH + 1];
	int depth;
	int failed;
};

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void conf_diag(struct conf_tree *tree, int is_error, const char *file, int line, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	if (is_error)
		tree->nerrors++;
	else
		tree->nwarnings++;
	if (tree->ndiags >= CONF_MAX_DIAGS)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	struct conf_diag *d = &tree->diags[tree->ndiags];
	size_t size = strlen(file) + strlen(reason) + 24;
	d->text = malloc(size);
	if (!d->text)
		return;
	snprintf(d->text, size, "%s:%d: %s", file, line, reason);
	d->is_error = is_error;
	d->file = file;
	d->line = line;
	tree->ndiags++;
}

#define lex_error(lx, file, line, ...) \
	do { conf_diag((lx)->tree, 1, (file), (line), __VA_ARGS__); (lx)->failed = 1; } while (0)

static const char *intern_file(struct conf_tree *tree, const char *name)
{
	for (int i = 0; i < tree->nfiles; i++)
		if (strcmp(tree->files[i], name) == 0)
			return tree->files[i];
	char **grown = realloc(tree->files, (tree->nfiles + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	tree->files = grown;
	if (!(grown[tree->nfiles] = strdup(name)))
		return NULL;
	return grown[tree->nfiles++];
}

static int push_token(struct lexer *lx, int kind, const char *text, size_t len, const char *file, int line)
{
	if (lx->ntoks == lx->captoks) {
		size_t cap = lx->captoks ? lx->captoks * 2 : 256;
		struct token *grown = realloc(lx->toks, cap * sizeof(*grown));
		if (!grown)
			return -1;
		lx->toks = grown;
		lx->captoks = cap;
	}
	struct token *t = &lx->toks[lx->ntoks];
	t->kind = kind;
	t->text = NULL;
	if (kind == TOK_WORD) {
		if (!(t->text = malloc(len + 1)))
			return -1;
		memcpy(t->text, text, len);
		t->text[len] = 0;
	}
	t->file = file;
	t->line = line;
	lx->ntoks++;
	return 0;
}

static const char *config_id_set;
static char config_id_host[65];

void conf_set_config_id(const char *id)
{
	config_id_set = id;
}

const char *conf_config_id(void)
{
	if (config_id_set)
		return config_id_set;
	if (!config_id_host[0]) {
		struct utsname u;
		if (uname(&u) == 0)
			snprintf(config_id_host, sizeof(config_id_host), "%.*s",
				 (int)strcspn(u.nodename, "."), u.nodename);
	}
	return config_id_host;
}

/*
 * A line "@ID rest" or "@^ID rest" (after blanks): the offset of "rest"
 * when the line applies to this config id, -1 when it does not (also
 * "@ID" with nothing after it, as keepalived 2.2.7 drops it); 0 for any
 * other line.
 */
static long config_id_line(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && is_blank(s[i]))
		i++;
	if (i == len || s[i] != '@')
		return 0;
	bool reverse = i + 1 < len && s[i + 1] == '^';
	size_t id = i + (reverse ? 2 : 1), end = id;
	while (end < len && !is_blank(s[end]))
		end++;
	if (end == len)
		return -1;
	const char *mine = conf_config_id();
	bool match = strlen(mine) == end - id && memcmp(s + id, mine, end - id) == 0;
	if (match == reverse)
		return -1;
	while (end < len && is_blank(s[end]))
		end++;
	return (long)end;
}

/* Offset where a '#' or '!' comment starts outside quotes, or len. */
static size_t comment_start(const char *s, size_t len)
{
	char quote = 0;
	for (size_t i = 0; i < len; i++) {
		if (quote) {
			if (s[i] == '\\' && i + 1 < len)
				i++;
			else if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			quote = s[i];
		} else if (s[i] == '#' || s[i] == '!') {
			return i;
		}
	}
	return len;
}

static int is_name_char(char c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
}

/* Length of the parameter name at s: [A-Za-z_][A-Za-z0-9_]* */
static size_t name_len(const char *s, size_t len)
{
	size_t n = 0;
	while (n < len && is_name_char(s[n], n == 0))
		n++;
	return n;
}

static struct def *find_def(struct lexer *lx, const char *name, size_t len)
{
	for (int i = 0; i < lx->ndefs; i++)
		if (strlen(lx->defs[i].name) == len && memcmp(lx->defs[i].name, name, len) == 0)
			return &lx->defs[i];
	return NULL;
}

/* "$NAME=value" (only blanks before '$'): records it and returns 1. */
static int take_definition(struct lexer *lx, const char *s, size_t len, const char *file, int line)
{
	size_t i = 0;
	while (i < len && is_blank(s[i]))
		i++;
	if (i == len || s[i] != '$')
		return 0;
	size_t n = name_len(s + i + 1, len - i - 1);
	if (n == 0 || i + 1 + n >= len || s[i + 1 + n] != '=')
		return 0;
	const char *name = s + i + 1, *value = name + n + 1;
	size_t vlen = len - (size_t)(value - s);
	while (vlen && is_blank(value[vlen - 1]))
		vlen--;
	if (vlen && value[vlen - 1] == '\\') {
		lex_error(lx, file, line, "multi-line $%.*s definitions are not supported", (int)n, name);
		return 1;
	}
	struct def *d = find_def(lx, name, n);
	if (!d) {
		if (lx->ndefs == CONF_MAX_DEFS) {
			lex_error(lx, file, line, "too many $ definitions (max %d)", CONF_MAX_DEFS);
			return 1;
		}
		d = &lx->defs[lx->ndefs];
		if (!(d->name = strndup(name, n))) {
			lx->failed = 1;
			return 1;
		}
		d->value = NULL;
		lx->ndefs++;
	}
	free(d->value);
	if (!(d->value = strndup(value, vlen)))
		lx->failed = 1;
	return 1;
}

/*
 * Replaces defined $NAME (followed by a blank or the end) and ${NAME}, again
 * and again since values may name other parameters. Undefined names stay.
 * out holds CONF_MAX_LINE + 1 bytes. Returns the new length or -1.
 */
static long substitute(struct lexer *lx, const char *in, size_t len, char *out, const char *file, int line)
{
	char buf[2][CONF_MAX_LINE + 1];
	const char *src = in;
	size_t srclen = len;

	for (int pass = 0; pass < 16; pass++) {
		char *dst = buf[pass & 1];
		size_t o = 0;
		int replaced = 0;
		for (size_t i = 0; i < srclen;) {
			const struct def *d = NULL;
			size_t skip = 0;
			if (src[i] == '$' && i + 1 < srclen) {
				int braced = src[i + 1] == '{';
				size_t start = i + 1 + braced;
				size_t n = name_len(src + start, srclen - start);
				size_t end = start + n;
				if (n && braced && end < srclen && src[end] == '}')
					d = find_def(lx, src + start, n), skip = end + 1 - i;
				else if (n && !braced && (end == srclen || is_blank(src[end])))
					d = find_def(lx, src + start, n), skip = end - i;
			}
			if (d) {
				size_t vlen = strlen(d->value);
				if (o + vlen > CONF_MAX_LINE)
					goto too_long;
				memcpy(dst + o, d->value, vlen);
				o += vlen;
				i += skip;
				replaced = 1;
			} else {
				if (o + 1 > CONF_MAX_LINE)
					goto too_long;
				dst[o++] = src[i++];
			}
		}
		if (!replaced) {
			memcpy(out, src, srclen);
			return (long)srclen;
		}
		src = dst;
		srclen = o;
	}
	lex_error(lx, file, line, "$ substitution nested too deep");
	return -1;
too_long:
	lex_error(lx, file, line, "line too long after $ substitution (max %d bytes)", CONF_MAX_LINE);
	return -1;
}

static char unescape(char c)
{
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	default: return c;
	}
}

static int read_file(struct lexer *lx, const char *path, const char *shown, const char *from_file, int from_line);

static int has_wildcard(const char *s)
{
	return strpbrk(s, "*?[{") != NULL;
}

/* include PATTERN: relative to the including file's directory. */
static void do_include(struct lexer *lx, const char *pattern, const char *file, int line)
{
	char path[CONF_MAX_LINE + 512];
	const char *slash = strrchr(file, '/');

	if (lx->flags & CONF_NO_INCLUDE) {
		lex_error(lx, file, line, "include is not allowed here");
		return;
	}
	if (pattern[0] != '/' && slash)
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - file), file, pattern);
	else
		snprintf(path, sizeof(path), "%s", pattern);

	int gflags = 0;
#ifdef GLOB_BRACE
	gflags |= GLOB_BRACE;
#endif
	glob_t g;
	int rc = glob(path, gflags, NULL, &g);
	if (rc == GLOB_NOMATCH) {
		/* like keepalived: a wildcard matching nothing is an empty directory */
		if (!has_wildcard(pattern))
			lex_error(lx, file, line, "include '%s': no such file", pattern);
		return;
	}
	if (rc != 0) {
		lex_error(lx, file, line, "include '%s': cannot expand", pattern);
		return;
	}
	if (g.gl_pathc > CONF_MAX_INCLUDE_FILES)
		lex_error(lx, file, line, "include '%s': more than %d files", pattern, CONF_MAX_INCLUDE_FILES);
	for (size_t i = 0; i < g.gl_pathc && !lx->failed; i++)
		read_file(lx, g.gl_pathv[i], has_wildcard(pattern) ? g.gl_pathv[i] : pattern, file, line);
	globfree(&g);
}

/* Splits one line (comment already cut) into tokens. */
static void lex_line(struct lexer *lx, const char *s, size_t len, const char *file, int line)
{
	char word[CONF_MAX_LINE + 1];
	size_t i = 0;
	size_t first_tok = lx->ntoks;
	int first_quoted = 0, nwords = 0;

	while (i < len && !lx->failed) {
		char c = s[i];
		if (is_blank(c)) {
			i++;
			continue;
		}
		if (c == '#' || c == '!')
			break;
		if (c == '{' || c == '}') {
			if (push_token(lx, c == '{' ? TOK_OPEN : TOK_CLOSE, NULL, 0, file, line) < 0)
				lx->failed = 1;
			i++;
			continue;
		}
		size_t w = 0;
		int quoted = 0;
		while (i < len) {
			c = s[i];
			if (is_blank(c) || c == '{' || c == '}' || c == '#' || c == '!')
				break;
			/* an undefined ${NAME} stays a word, its braces open no block */
			size_t n = c == '$' && i + 1 < len && s[i + 1] == '{' ? name_len(s + i + 2, len - i - 2) : 0;
			if (n && i + 2 + n < len && s[i + 2 + n] == '}') {
				memcpy(word + w, s + i, n + 3);
				w += n + 3;
				i += n + 3;
				continue;
			}
			if (c == '"' || c == '\'') {
				char q = c;
				quoted = 1;
				for (i++; i < len && s[i] != q; i++) {
					if (s[i] == '\\' && i + 1 < len)
						word[w++] = unescape(s[++i]);
					else
						word[w++] = s[i];
				}
				if (i == len) {
					lex_error(lx, file, line, "unterminated quote");
					return;
				}
				i++;
			} else {
				word[w++] = c;
				i++;
			}
		}
		if (++nwords > CONF_MAX_WORDS) {
			lex_error(lx, file, line, "too many words on one line (max %d)", CONF_MAX_WORDS);
			return;
		}
		if (lx->ntoks == first_tok)
			first_quoted = quoted;
		if (push_token(lx, TOK_WORD, word, w, file, line) < 0)
			lx->failed = 1;
	}
	if (lx->failed)
		return;

	/* "include PATTERN" as a whole line is a directive, not a node */
	if (lx->ntoks > first_tok && lx->toks[first_tok].kind == TOK_WORD && !first_quoted &&
	    strcmp(lx->toks[first_tok].text, "include") == 0) {
		if (lx->ntoks != first_tok + 2 || lx->toks[first_tok + 1].kind != TOK_WORD) {
			lex_error(lx, file, line, "include needs exactly one file name");
			return;
		}
		char pattern[CONF_MAX_LINE + 1];
		snprintf(pattern, sizeof(pattern), "%s", lx->toks[first_tok + 1].text);
		free(lx->toks[first_tok].text);
		free(lx->toks[first_tok + 1].text);
		lx->ntoks = first_tok;
		do_include(lx, pattern, file, line);
		return;
	}
	if (lx->ntoks > first_tok && push_token(lx, TOK_EOL, NULL, 0, file, line) < 0)
		lx->failed = 1;
}

static void lex_buffer(struct lexer *lx, const char *data, size_t len, const char *file)
{
	char expanded[CONF_MAX_LINE + 1];
	int line = 0;

	if (memchr(data, 0, len)) {
		const char *nul = memchr(data, 0, len);
		int at = 1;
		for (const char *p = data; p < nul; p++)
			at += *p == '\n';
		lex_error(lx, file, at, "NUL byte in file");
		return;
	}
	for (size_t pos = 0; pos < len && !lx->failed;) {
		const char *s = data + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + 1;
		line++;
		if (n > CONF_MAX_LINE) {
			lex_error(lx, file, line, "line too long (max %d bytes)", CONF_MAX_LINE);
			return;
		}
		n = comment_start(s, n);
		long cut = config_id_line(s, n);
		if (cut < 0)
			continue;
		s += cut;
		n -= (size_t)cut;
		if (take_definition(lx, s, n, file, line))
			continue;
		long m = substitute(lx, s, n, expanded, file, line);
		if (m < 0)
			return;
		lex_line(lx, expanded, (size_t)m, file, line);
	}
}

/* shown: the name for messages, the include line's own text when it has no wildcard. */
static int read_file(struct lexer *lx, const char *path, const char *shown, const char *from_file, int from_line)
{
	struct stat st;
	const char *name = intern_file(lx->tree, path);
	if (!name) {
		lx->failed = 1;
		return -1;
	}
	FILE *f = fopen(path, "r");
	const char *where = from_file ? from_file : name;
	int where_line = from_file ? from_line : 1;

	if (!f || fstat(fileno(f), &st) < 0) {
		lex_error(lx, where, where_line, "cannot read '%s': %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	for (int i = 0; i < lx->depth; i++)
		if (lx->stack[i].dev == st.st_dev && lx->stack[i].ino == st.st_ino) {
			lex_error(lx, where, where_line, "include '%s': include loop", shown);
			fclose(f);
			return -1;
		}
	if (lx->depth > CONF_MAX_INCLUDE_DEPTH) {
		lex_error(lx, where, where_line, "include '%s': includes nested too deep (max %d)", shown, CONF_MAX_INCLUDE_DEPTH);
		fclose(f);
		return -1;
	}
	char *data = malloc(CONF_MAX_FILE + 1);
	size_t len = data ? fread(data, 1, CONF_MAX_FILE + 1, f) : 0;
	int read_error = ferror(f);
	fclose(f);
	if (!data) {
		lx->failed = 1;
		return -1;
	}
	if (read_error)
		lex_error(lx, where, where_line, "cannot read '%s'", path);
	else if (len > CONF_MAX_FILE)
		lex_error(lx, name, 1, "file too big (max %d bytes)", CONF_MAX_FILE);
	else if ((lx->total_bytes += len) > CONF_MAX_TOTAL)
		lex_error(lx, name, 1, "configuration too big (max %d bytes with includes)", CONF_MAX_TOTAL);
	if (!lx->failed) {
		lx->stack[lx->depth].dev = st.st_dev;
		lx->stack[lx->depth].ino = st.st_ino;
		lx->depth++;
		lex_buffer(lx, data, len, name);
		lx->depth--;
	}
	free(data);
	return lx->failed ? -1 : 0;
}

/* ---- parser: tokens to tree ---- */

struct parser {
	struct conf_tree *tree;
	struct token *toks;
	size_t ntoks, pos;
	int failed;
};

static void free_nodes(struct conf_node *n)
{
	while (n) {
		struct conf_node *next = n->next;
		free_nodes(n->child);
		for (int i = 0; i < n->nargs; i++)
			free(n->args[i]);
		free(n->args);
		free(n->keyword);
		free(n);
		n = next;
	}
}

static void parse_error(struct parser *p, const struct token *t, const char *reason)
{
	conf_diag(p->tree, 1, t->file, t->line, "%s", reason);
	p->failed = 1;
}

/* Reads statements into parent until its '}' (opener != NULL) or the end. */
static void parse_block(struct parser *p, struct conf_node *parent, const struct token *opener, int depth)
{
	struct conf_node **tail = &parent->child;

	while (p->pos < p->ntoks && !p->failed) {
		struct token *t = &p->toks[p->pos];
		if (t->kind == TOK_EOL) {
			p->pos++;
			continue;
		}
		if (t->kind == TOK_CLOSE) {
			if (opener) {
				parent->end_file = t->file;
				parent->end_line = t->line;
				p->pos++;
				return;
			}
			parse_error(p, t, "unbalanced braces: '}' without '{'");
			return;
		}
		if (t->kind == TOK_OPEN) {
			parse_error(p, t, "'{' without a keyword");
			return;
		}
		struct conf_node *n = calloc(1, sizeof(*n));
		if (!n) {
			p->failed = 1;
			return;
		}
		*tail = n;
		tail = &n->next;
		n->keyword = t->text;
		t->text = NULL;
		n->file = t->file;
		n->line = t->line;
		p->pos++;
		int nwords = 0;
		while (p->pos + nwords < p->ntoks && p->toks[p->pos + nwords].kind == TOK_WORD)
			nwords++;
		if (nwords && !(n->args = calloc(nwords, sizeof(char *)))) {
			p->failed = 1;
			return;
		}
		for (; n->nargs < nwords; n->nargs++, p->pos++) {
			n->args[n->nargs] = p->toks[p->pos].text;
			p->toks[p->pos].text = NULL;
		}
		/* a block may open on the next line: "virtual_server A P\n{" */
		size_t look = p->pos;
		while (look < p->ntoks && p->toks[look].kind == TOK_EOL)
			look++;
		if (look < p->ntoks && p->toks[look].kind == TOK_OPEN) {
			const struct token *open = &p->toks[look];
			p->pos = look + 1;
			if (depth + 1 > CONF_MAX_NESTING) {
				conf_diag(p->tree, 1, open->file, open->line, "blocks nested too deep (max %d)", CONF_MAX_NESTING);
				p->failed = 1;
				return;
			}
			n->has_block = 1;
			parse_block(p, n, open, depth + 1);
		}
	}
	if (opener && !p->failed)
		parse_error(p, opener, "unbalanced braces: '{' is never closed");
}

static struct conf_tree *parse_common(const char *name, const char *data, size_t len, unsigned flags)
{
	struct conf_tree *tree = calloc(1, sizeof(*tree));
	struct lexer *lx = calloc(1, sizeof(*lx));
	if (!tree || !lx) {
		free(tree);
		free(lx);
		return NULL;
	}
	lx->tree = tree;
	lx->flags = flags;
	tree->flags = flags;
	if (data) {
		const char *file = intern_file(tree, name);
		if (!file)
			lx->failed = 1;
		else if (len > CONF_MAX_FILE)
			lex_error(lx, file, 1, "file too big (max %d bytes)", CONF_MAX_FILE);
		else
			lex_buffer(lx, data, len, file);
	} else {
		read_file(lx, name, name, NULL, 0);
	}
	if (!lx->failed) {
		struct parser p = { tree, lx->toks, lx->ntoks, 0, 0 };
		parse_block(&p, &tree->root, NULL, 0);
	}
	if (lx->failed && tree->nerrors == 0)
		conf_diag(tree, 1, tree->nfiles ? tree->files[0] : "config", 0, "out of memory");
	for (size_t i = 0; i < lx->ntoks; i++)
		free(lx->toks[i].text);
	free(lx->toks);
	for (int i = 0; i < lx->ndefs; i++) {
		free(lx->defs[i].name);
		free(lx->defs[i].value);
	}
	free(lx);
	return tree;
}

struct conf_tree *conf_parse_file(const char *path, unsigned flags)
{
	return parse_common(path, NULL, 0, flags);
}

struct conf_tree *conf_parse_buffer(const char *name, const char *data, size_t len, unsigned flags)
{
	return parse_common(name, data ? data : "", data ? len : 0, flags);
}

void conf_free(struct conf_tree *tree)
{
	if (!tree)
		return;
	free_nodes(tree->root.child);
	for (int i = 0; i < tree->nfiles; i++)
		free(tree->files[i]);
	free(tree->files);
	for (int i = 0; i < tree->ndiags; i++)
		free(tree->diags[i].text);
	free(tree);
}

/* ---- printer and comparison ---- */

static int needs_quotes(const char *s, int is_keyword)
{
	if (!*s || (is_keyword && strcmp(s, "include") == 0))
		return 1;
	for (; *s; s++)
		if (is_blank(*s) || strchr("{}#!\"'$\\\n", *s))
			return 1;
	return 0;
}

void conf_print_word(FILE *out, const char *s, int is_keyword)
{
	if (!needs_quotes(s, is_keyword)) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '\r')
			fputs("\\r", out);
		else if (*s == '\t')
			fputs("\\t", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void print_nodes(FILE *out, const struct conf_node *n, int depth)
{
	for (; n; n = n->next) {
		fprintf(out, "%*s", depth * 2, "");
		conf_print_word(out, n->keyword, 1);
		for (int i = 0; i < n->nargs; i++) {
			fputc(' ', out);
			conf_print_word(out, n->args[i], 0);
		}
		if (n->has_block) {
			fputs(" {\n", out);
			print_nodes(out, n->child, depth + 1);
			fprintf(out, "%*s}", depth * 2, "");
		}
		fputc('\n', out);
	}
}

void conf_print(FILE *out, const struct conf_tree *tree)
{
	print_nodes(out, tree->root.child, 0);
}

void conf_print_diags(FILE *out, const struct conf_tree *tree)
{
	for (int i = 0; i < tree->ndiags; i++)
		fprintf(out, "%s\n", tree->diags[i].text);
	int dropped = tree->nerrors + tree->nwarnings - tree->ndiags;
	if (dropped > 0)
		fprintf(out, "(%d more)\n", dropped);
}

static int nodes_equal(const struct conf_node *a, const struct conf_node *b)
{
	for (; a && b; a = a->next, b = b->next) {
		if (strcmp(a->keyword, b->keyword) || a->nargs != b->nargs || a->has_block != b->has_block)
			return 0;
		for (int i = 0; i < a->nargs; i++)
			if (strcmp(a->args[i], b->args[i]))
				return 0;
		if (!nodes_equal(a->child, b->child))
			return 0;
	}
	return !a && !b;
}

int conf_tree_equal(const struct conf_tree *a, const struct conf_tree *b)
{
	return nodes_equal(a->root.child, b->root.child);
}

const struct conf_node *conf_child(const struct conf_node *node, const char *keyword)
{
	for (const struct conf_node *c = node->child; c; c = c->next)
		if (strcmp(c->keyword, keyword) == 0)
			return c;
	return NULL;
}
