/*
 * conf.c - generic layer of the keepalived-syntax config: lexer (comments,
 * quotes, glued braces, $NAME definitions, include with glob), parser into
 * a tree of nodes, canonical printer, and diagnostics "file:line: reason".
 *
 * The whole input, includes spliced in, first becomes one flat token list;
 * the parser then builds the tree from it. Both stop at the first error.
 */
#include "conf.h"
#include "fnv.h"
#include "path_glob.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

enum tok_kind { TOK_WORD, TOK_OPEN, TOK_CLOSE };

/* One line's tokens; words point into the tree's memory. */
struct token {
	int kind;
	const char *text;           /* TOK_WORD only */
};

struct def {
	char *name, *value;
};

/*
 * A tree's nodes, argument arrays and words live in a few large chunks,
 * freed together: a config of 37,000 real servers is some 400,000 words
 * and 200,000 nodes, which one allocation each made slow and large. The
 * nodes have chunks of their own, so that a daemon done walking them can
 * let them go first and keep the words.
 */
struct mem_chunk {
	struct mem_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define MEM_CHUNK_SIZE (512u << 10)

/* Identical words share one copy: keywords and small numbers repeat on
 * every real server. Lives while the file is read. */
struct word_slot {
	const char *text;
	uint32_t hash;
};

/* A block still open while the lines are read: its node and where its next child goes. */
struct open_block {
	struct conf_node *node;
	struct conf_node **tail;
	const char *file;
	int line;
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
	struct word_slot *words;
	size_t nwords, capwords;    /* capwords: a power of two */
	/* the words last seen, by hash: keywords are found here without
	 * touching the large table (a cache miss each) */
	struct word_slot recent[512];
	/* the parser, fed one line at a time: open[0] is the root */
	struct open_block open[CONF_MAX_NESTING + 1];
	int nopen;
	struct conf_node *last;     /* the statement a '{' on a later line would open */
	int nul_read;               /* a NUL byte is among the bytes read: lines are searched for it */
	size_t line_off, line_end;  /* the line being read, in the first file's bytes */
	int failed;
};

/* What the lexer looks for in a byte; 0 for a byte of a plain word, so
 * that runs of those are skipped or copied whole. */
enum { CH_BLANK = 1, CH_BRACE = 2, CH_COMMENT = 4, CH_QUOTE = 8, CH_DOLLAR = 16 };
static const unsigned char char_class[256] = {
	[' '] = CH_BLANK, ['\t'] = CH_BLANK, ['\r'] = CH_BLANK, ['\v'] = CH_BLANK, ['\f'] = CH_BLANK,
	['{'] = CH_BRACE, ['}'] = CH_BRACE, ['#'] = CH_COMMENT, ['!'] = CH_COMMENT,
	['"'] = CH_QUOTE, ['\''] = CH_QUOTE, ['$'] = CH_DOLLAR,
};

/* Inlined by force: -Os keeps it a call, and the lexer asks it of every byte. */
static inline __attribute__((always_inline)) int is_blank(int c)
{
	return char_class[(unsigned char)c] & CH_BLANK;
}

/* What ends a word outside quotes. */
static inline __attribute__((always_inline)) int ends_word(char c)
{
	return is_blank(c) || c == '{' || c == '}' || c == '#' || c == '!';
}

void conf_diag(struct conf_tree *tree, int is_error, const char *file, int line, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	if (is_error == CONF_NOTE)
		tree->nnotes++;
	else if (is_error)
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

/* align: 1 for words, 8 for nodes and the typed layer's structs (pointers, long long) */
static void *chunk_alloc(void **chunks, size_t size, size_t align)
{
	struct mem_chunk *c = *chunks;
	if (c)
		c->used = (c->used + align - 1) / align * align;
	if (!c || c->used > c->size || c->size - c->used < size) {
		/* newest first, so that conf_tree_release can pop what came after a mark */
		size_t want = size > MEM_CHUNK_SIZE / 4 ? size : MEM_CHUNK_SIZE;
		struct mem_chunk *grown = malloc(sizeof(*grown) + want);
		if (!grown)
			return NULL;
		grown->used = 0;
		grown->size = want;
		grown->next = c;
		*chunks = c = grown;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

static void *tree_alloc(struct conf_tree *tree, size_t size, size_t align)
{
	return chunk_alloc(&tree->mem, size, align);
}

void *conf_tree_alloc(struct conf_tree *tree, size_t size)
{
	return tree_alloc(tree, size, 8);
}

static void free_chunks(void *chunks)
{
	for (struct mem_chunk *c = chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
}

void conf_tree_drop_nodes(struct conf_tree *tree)
{
	free_chunks(tree->node_mem);
	tree->node_mem = NULL;
	tree->root.child = NULL;
	free(tree->ends);
	tree->ends = NULL;
	tree->nends = tree->capends = 0;
	free(tree->spans);
	tree->spans = NULL;
	tree->nspans = tree->capspans = 0;
}

struct conf_mark conf_tree_mark(const struct conf_tree *tree)
{
	const struct mem_chunk *c = tree->mem;
	return (struct conf_mark){ tree->mem, c ? c->used : 0 };
}

void conf_tree_release(struct conf_tree *tree, struct conf_mark mark)
{
	while (tree->mem && tree->mem != mark.chunk) {
		struct mem_chunk *c = tree->mem;
		tree->mem = c->next;
		free(c);
	}
	if (tree->mem)
		((struct mem_chunk *)tree->mem)->used = mark.used;
}


/* The tree's copy of the word s[0..len), shared with its earlier equals. */
static const char *intern_word(struct lexer *lx, const char *s, size_t len)
{
	/* addresses and long numbers are nearly all distinct: copied without
	 * the table, which then stays small (a cache-sized set of keywords) */
	if (len > 4 && s[0] >= '0' && s[0] <= '9') {
		char *copy = tree_alloc(lx->tree, len + 1, 1);
		if (copy) {
			memcpy(copy, s, len);
			copy[len] = 0;
		}
		return copy;
	}
	if (lx->nwords * 4 >= lx->capwords * 3) {  /* open addressing, kept under 3/4 full */
		size_t cap = lx->capwords ? lx->capwords * 2 : 1024;
		struct word_slot *grown = calloc(cap, sizeof(*grown));
		if (!grown)
			return NULL;
		for (size_t i = 0; i < lx->capwords; i++) {
			if (!lx->words[i].text)
				continue;
			size_t j = lx->words[i].hash & (cap - 1);
			while (grown[j].text)
				j = (j + 1) & (cap - 1);
			grown[j] = lx->words[i];
		}
		free(lx->words);
		lx->words = grown;
		lx->capwords = cap;
	}
	uint32_t h = fnv1a_bytes(s, len);
	struct word_slot *recent = &lx->recent[h % (sizeof(lx->recent) / sizeof(lx->recent[0]))];
	if (recent->text && recent->hash == h && strncmp(recent->text, s, len) == 0 && recent->text[len] == 0)
		return recent->text;
	size_t j = h & (lx->capwords - 1);
	for (; lx->words[j].text; j = (j + 1) & (lx->capwords - 1))
		if (lx->words[j].hash == h && strncmp(lx->words[j].text, s, len) == 0 && lx->words[j].text[len] == 0) {
			*recent = lx->words[j];
			return lx->words[j].text;
		}
	char *copy = tree_alloc(lx->tree, len + 1, 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = 0;
	lx->words[j].text = copy;
	lx->words[j].hash = h;
	lx->nwords++;
	*recent = lx->words[j];
	return copy;
}

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

/* Out of memory here costs only the closing line in one diagnostic. */
static void note_block_end(struct conf_tree *tree, const struct conf_node *n, const char *file, int line)
{
	if (tree->nends == tree->capends) {
		int cap = tree->capends ? tree->capends * 2 : 64;
		struct conf_block_end *grown = realloc(tree->ends, (size_t)cap * sizeof(*grown));
		if (!grown)
			return;
		tree->ends = grown;
		tree->capends = cap;
	}
	int index = tree->nfiles - 1;
	while (index > 0 && tree->files[index] != file)
		index--;
	tree->ends[tree->nends++] = (struct conf_block_end){ n, line, index };
}

int conf_block_end(const struct conf_tree *tree, const struct conf_node *n, const char **file)
{
	for (int i = tree->nends - 1; i >= 0; i--)
		if (tree->ends[i].node == n) {
			*file = tree->files[tree->ends[i].file];
			return tree->ends[i].line;
		}
	return 0;
}

static int push_token(struct lexer *lx, int kind, const char *text, size_t len)
{
	if (lx->ntoks == lx->captoks) {
		size_t cap = lx->captoks ? lx->captoks * 2 : 64;
		struct token *grown = realloc(lx->toks, cap * sizeof(*grown));
		if (!grown)
			return -1;
		lx->toks = grown;
		lx->captoks = cap;
	}
	struct token *t = &lx->toks[lx->ntoks];
	t->kind = kind;
	t->text = NULL;
	if (kind == TOK_WORD && !(t->text = intern_word(lx, text, len)))
		return -1;
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
		if (!quote) {
			while (i < len && !(char_class[(unsigned char)s[i]] & (CH_COMMENT | CH_QUOTE)))
				i++;
			if (i == len)
				break;
		}
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
	lx->tree->spans_ok = 0;
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
static int within_bounds(struct lexer *lx, unsigned long long file_bytes, unsigned long long more,
			 const char *file, int line, const char *name);

/* include PATTERN: relative to the including file's directory. */
static void do_include(struct lexer *lx, const char *pattern, const char *file, int line)
{
	char path[CONF_MAX_LINE + 512];
	const char *slash = strrchr(file, '/');

	lx->tree->spans_ok = 0;
	if (lx->flags & CONF_NO_INCLUDE) {
		lex_error(lx, file, line, "include is not allowed here");
		return;
	}
	if (pattern[0] != '/' && slash)
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - file), file, pattern);
	else
		snprintf(path, sizeof(path), "%s", pattern);

	struct path_list g;
	if (path_glob(path, &g) != 0) {
		lex_error(lx, file, line, "include '%s': cannot expand", pattern);
		return;
	}
	if (g.n == 0) {
		/* like keepalived: a wildcard matching nothing is an empty directory */
		if (!path_has_wildcard(pattern))
			lex_error(lx, file, line, "include '%s': no such file", pattern);
		return;
	}
	if (g.n > CONF_MAX_INCLUDE_FILES)
		lex_error(lx, file, line, "include '%s': more than %d files", pattern, CONF_MAX_INCLUDE_FILES);
	/* what a pattern matches is weighed before any of it is read */
	unsigned long long matched = 0;
	for (size_t i = 0; i < g.n && !lx->failed; i++) {
		struct stat st;
		if (stat(g.v[i], &st) == 0 && S_ISREG(st.st_mode))
			matched += (unsigned long long)st.st_size;
	}
	if (!lx->failed && g.n > 1)
		within_bounds(lx, 0, matched, file, line, pattern);
	for (size_t i = 0; i < g.n && !lx->failed; i++)
		read_file(lx, g.v[i], path_has_wildcard(pattern) ? g.v[i] : pattern, file, line);
	path_list_free(&g);
}

static void parse_line(struct lexer *lx, const char *file, int line);

/* Splits one line (comment already cut) into tokens and hands them to the parser. */
static void lex_line(struct lexer *lx, const char *s, size_t len, const char *file, int line)
{
	char word[CONF_MAX_LINE + 1];
	size_t i = 0;
	int first_quoted = 0, nwords = 0;

	lx->ntoks = 0;
	while (i < len && !lx->failed) {
		char c = s[i];
		if (is_blank(c)) {
			i++;
			continue;
		}
		if (c == '#' || c == '!')
			break;
		if (c == '{' || c == '}') {
			if (push_token(lx, c == '{' ? TOK_OPEN : TOK_CLOSE, NULL, 0) < 0)
				lx->failed = 1;
			i++;
			continue;
		}
		size_t w = 0;
		int quoted = 0;
		const char *text = word;
		while (i < len) {
			size_t run = i;
			while (run < len && !char_class[(unsigned char)s[run]])
				run++;
			/* a word that is one plain run (most are) is taken where
			 * it stands: no copy */
			if (run > i && w == 0 && (run == len || ends_word(s[run]))) {
				text = s + i;
				w = run - i;
				i = run;
				break;
			}
			if (run > i) {
				memcpy(word + w, s + i, run - i);
				w += run - i;
				i = run;
				continue;
			}
			c = s[i];
			if (ends_word(c))
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
		if (lx->ntoks == 0)
			first_quoted = quoted;
		if (push_token(lx, TOK_WORD, text, w) < 0)
			lx->failed = 1;
	}
	if (lx->failed)
		return;

	/* "include PATTERN" as a whole line is a directive, not a node */
	if (lx->ntoks > 0 && lx->toks[0].kind == TOK_WORD && !first_quoted &&
	    strcmp(lx->toks[0].text, "include") == 0) {
		if (lx->ntoks != 2 || lx->toks[1].kind != TOK_WORD) {
			lex_error(lx, file, line, "include needs exactly one file name");
			return;
		}
		const char *pattern = lx->toks[1].text;
		lx->ntoks = 0;
		do_include(lx, pattern, file, line);
		return;
	}
	parse_line(lx, file, line);
	lx->ntoks = 0;
}

/* One line as read: its comment cut, an @ID line meant for another config id dropped, a $NAME=value taken, $NAMEs replaced, then split. */
static void lex_raw_line(struct lexer *lx, const char *s, size_t n, const char *file, int line)
{
	char expanded[CONF_MAX_LINE + 1];

	if (n > CONF_MAX_LINE) {
		lex_error(lx, file, line, "line too long (max %d bytes)", CONF_MAX_LINE);
		return;
	}
	if (lx->nul_read && memchr(s, 0, n)) {
		lex_error(lx, file, line, "NUL byte in file");
		return;
	}
	n = comment_start(s, n);
	long cut = config_id_line(s, n);
	if (cut < 0)
		return;
	s += cut;
	n -= (size_t)cut;
	if (take_definition(lx, s, n, file, line))
		return;
	if (!lx->ndefs || !memchr(s, '$', n)) {
		lex_line(lx, s, n, file, line);
		return;
	}
	long m = substitute(lx, s, n, expanded, file, line);
	if (m >= 0)
		lex_line(lx, expanded, (size_t)m, file, line);
}

/* data is the bytes from offset base of the file on, its first line line + 1. */
static void lex_buffer(struct lexer *lx, const char *data, size_t len, const char *file, size_t base, int line)
{
	lx->nul_read = memchr(data, 0, len) != NULL;
	for (size_t pos = 0; pos < len && !lx->failed;) {
		const char *s = data + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		lx->line_off = base + pos;
		lx->line_end = base + pos + n + (nl != NULL);
		pos += n + 1;
		lex_raw_line(lx, s, n, file, ++line);
	}
}

/* Whether a file of file_bytes, more of them not yet counted, keeps the
 * file and the whole configuration within their bounds (docs/config.md). */
static int within_bounds(struct lexer *lx, unsigned long long file_bytes, unsigned long long more,
			 const char *file, int line, const char *name)
{
	if (file_bytes > CONF_MAX_FILE) {
		lex_error(lx, file, line, "'%s' is too big: %llu bytes (max %d bytes per file)",
			  name, file_bytes, CONF_MAX_FILE);
		return 0;
	}
	if (lx->total_bytes + more > CONF_MAX_TOTAL) {
		lex_error(lx, file, line, "configuration too big with '%s': %llu bytes (max %d bytes with includes)",
			  name, (unsigned long long)lx->total_bytes + more, CONF_MAX_TOTAL);
		return 0;
	}
	return 1;
}

/*
 * Reads f a buffer at a time, so that memory does not grow with the
 * file's size: a line is handled as soon as it is whole.
 */
static void lex_stream(struct lexer *lx, FILE *f, const char *file, const char *path,
		       const char *where, int where_line)
{
	size_t have = 0, start = 0, size = 64 << 10;
	char *buf = malloc(size);
	unsigned long long file_bytes = 0;
	int line = 0, eof = 0;

	if (!buf)
		lx->failed = 1;
	while (!lx->failed) {
		char *nl = memchr(buf + start, '\n', have - start);
		lx->line_off = file_bytes - have + start;
		if (nl) {
			size_t n = (size_t)(nl - (buf + start));
			lx->line_end = lx->line_off + n + 1;
			lex_raw_line(lx, buf + start, n, file, ++line);
			start += n + 1;
			continue;
		}
		if (eof) {
			lx->line_end = file_bytes;
			if (start < have)
				lex_raw_line(lx, buf + start, have - start, file, ++line);
			break;
		}
		if (have - start > CONF_MAX_LINE) {
			lex_error(lx, file, line + 1, "line too long (max %d bytes)", CONF_MAX_LINE);
			break;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		start = 0;
		size_t got = fread(buf + have, 1, size - have, f);
		if (got == 0) {
			if (ferror(f))
				lex_error(lx, file, line + 1, "cannot read '%s'", path);
			eof = 1;
			continue;
		}
		if (memchr(buf + have, 0, got))
			lx->nul_read = 1;
		have += got;
		file_bytes += got;
		if (!within_bounds(lx, file_bytes, got, where, where_line, path))
			break;
		lx->total_bytes += got;
	}
	free(buf);
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
	/* a regular file's size is known before a byte is read */
	if (S_ISREG(st.st_mode) && !within_bounds(lx, (unsigned long long)st.st_size, (unsigned long long)st.st_size,
						  where, where_line, path)) {
		fclose(f);
		return -1;
	}
	if (lx->depth == 0)
		lx->tree->first_file = (struct conf_file_id){ st.st_dev, st.st_ino, (unsigned long long)st.st_size,
							      (long long)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec };
	lx->stack[lx->depth].dev = st.st_dev;
	lx->stack[lx->depth].ino = st.st_ino;
	lx->depth++;
	lex_stream(lx, f, name, path, where, where_line);
	lx->depth--;
	fclose(f);
	return lx->failed ? -1 : 0;
}

/* ---- parser: one line's tokens at a time into the tree ---- */

static void parse_error(struct lexer *lx, const char *file, int line, const char *reason)
{
	conf_diag(lx->tree, 1, file, line, "%s", reason);
	lx->failed = 1;
}

/* A top-level statement: where it stands in the first file. */
static void note_span(struct lexer *lx, const struct conf_node *n, int line)
{
	struct conf_tree *t = lx->tree;

	if (!t->spans_ok)
		return;
	if (lx->depth > 1 || (t->nspans && t->spans[t->nspans - 1].last_line >= line)) {
		t->spans_ok = 0;
		return;
	}
	if (t->nspans == t->capspans) {
		int cap = t->capspans ? t->capspans * 2 : 64;
		struct conf_span *grown = realloc(t->spans, (size_t)cap * sizeof(*grown));
		if (!grown) {
			t->spans_ok = 0;
			return;
		}
		t->spans = grown;
		t->capspans = cap;
	}
	t->spans[t->nspans++] = (struct conf_span){ lx->line_off, lx->line_end, line, line,
						     strcmp(n->keyword, "virtual_server") == 0 };
}

/*
 * A line's words start a statement (keyword, then its arguments); '{'
 * opens a block for the statement before it, which may stand on an
 * earlier line ("virtual_server A P\n{"); '}' closes the innermost block.
 */
static void parse_line(struct lexer *lx, const char *file, int line)
{
	for (size_t i = 0; i < lx->ntoks && !lx->failed;) {
		const struct token *t = &lx->toks[i];
		if (t->kind == TOK_CLOSE) {
			if (lx->nopen == 1) {
				parse_error(lx, file, line, "unbalanced braces: '}' without '{'");
				return;
			}
			const struct conf_node *closed = lx->open[--lx->nopen].node;
			if (lx->nopen == 1) {
				note_block_end(lx->tree, closed, file, line);
				if (lx->tree->nspans) {
					lx->tree->spans[lx->tree->nspans - 1].end = lx->line_end;
					lx->tree->spans[lx->tree->nspans - 1].last_line = line;
				}
			}
			lx->last = NULL;
			i++;
			continue;
		}
		if (t->kind == TOK_OPEN) {
			if (!lx->last) {
				parse_error(lx, file, line, "'{' without a keyword");
				return;
			}
			if (lx->nopen > CONF_MAX_NESTING) {
				conf_diag(lx->tree, 1, file, line, "blocks nested too deep (max %d)", CONF_MAX_NESTING);
				lx->failed = 1;
				return;
			}
			struct open_block *b = &lx->open[lx->nopen++];
			b->node = lx->last;
			b->node->has_block = 1;
			b->tail = &b->node->child;
			b->file = file;
			b->line = line;
			lx->last = NULL;
			i++;
			continue;
		}
		size_t nargs = 0;
		while (i + 1 + nargs < lx->ntoks && lx->toks[i + 1 + nargs].kind == TOK_WORD)
			nargs++;
		struct conf_node *n = chunk_alloc(&lx->tree->node_mem, sizeof(*n) + nargs * sizeof(char *), 8);
		if (!n) {
			lx->failed = 1;
			return;
		}
		memset(n, 0, sizeof(*n));
		n->keyword = (char *)t->text;
		for (n->nargs = 0; n->nargs < (int)nargs; n->nargs++)
			n->args[n->nargs] = (char *)lx->toks[i + 1 + n->nargs].text;
		n->file = file;
		n->line = line;
		if (lx->nopen == 1)
			note_span(lx, n, line);
		struct open_block *b = &lx->open[lx->nopen - 1];
		*b->tail = n;
		b->tail = &n->next;
		lx->last = n;
		i += 1 + nargs;
	}
}

static struct conf_tree *parse_common(const char *name, const char *data, size_t len, unsigned flags,
				      const struct conf_piece_text *pieces, int npieces)
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
	lx->open[0].node = &tree->root;
	lx->open[0].tail = &tree->root.child;
	lx->nopen = 1;
	tree->flags = flags;
	tree->spans_ok = 1;
	if (pieces) {
		const char *file = intern_file(tree, name);
		if (!file)
			lx->failed = 1;
		for (int i = 0; i < npieces && !lx->failed; i++)
			lex_buffer(lx, data + pieces[i].off, pieces[i].len, file, pieces[i].off, pieces[i].first_line - 1);
	} else if (data) {
		const char *file = intern_file(tree, name);
		if (!file)
			lx->failed = 1;
		else if (within_bounds(lx, len, len, file, 1, name))
			lex_buffer(lx, data, len, file, 0, 0);
	} else {
		read_file(lx, name, name, NULL, 0);
	}
	if (!lx->failed && lx->nopen > 1) {
		const struct open_block *b = &lx->open[lx->nopen - 1];
		parse_error(lx, b->file, b->line, "unbalanced braces: '{' is never closed");
	}
	if (lx->failed && tree->nerrors == 0)
		conf_diag(tree, 1, tree->nfiles ? tree->files[0] : "config", 0, "out of memory");
	free(lx->toks);
	free(lx->words);
	for (int i = 0; i < lx->ndefs; i++) {
		free(lx->defs[i].name);
		free(lx->defs[i].value);
	}
	free(lx);
	return tree;
}

struct conf_tree *conf_parse_file(const char *path, unsigned flags)
{
	return parse_common(path, NULL, 0, flags, NULL, 0);
}

struct conf_tree *conf_parse_buffer(const char *name, const char *data, size_t len, unsigned flags)
{
	return parse_common(name, data ? data : "", data ? len : 0, flags, NULL, 0);
}

struct conf_tree *conf_parse_pieces(const char *name, const char *data, const struct conf_piece_text *pieces,
				    int npieces, unsigned flags)
{
	return parse_common(name, data, 0, flags | CONF_NO_INCLUDE, pieces, npieces);
}

void conf_free(struct conf_tree *tree)
{
	if (!tree)
		return;
	conf_free(tree->older);
	free(tree->spans);
	free_chunks(tree->mem);
	free_chunks(tree->node_mem);
	free(tree->ends);
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
	/* a keyword is a line's first word: "include" and "@..." (a config id
	 * condition) would read as directives there */
	if (!*s || (is_keyword && (strcmp(s, "include") == 0 || *s == '@')))
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
	int dropped = tree->nerrors + tree->nwarnings + tree->nnotes - tree->ndiags;
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
