/*
 * ere.c - POSIX extended regular expressions (see ere.h).
 *
 * The pattern is parsed into a tree, the tree compiled into a program of
 * byte-set tests, splits and jumps (a counted repeat is its body compiled
 * that many times), and the program run over the text with every live
 * thread advanced one byte at a time, each program position at most once
 * per byte.
 */
#include "ere.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERE_MAX_NODES 2048
#define ERE_MAX_PROG  4096
#define ERE_MAX_DEPTH 64      /* nested groups */
#define ERE_DUP_MAX   255

enum op_kind { OP_SET, OP_BOL, OP_EOL, OP_SPLIT, OP_JMP, OP_MATCH };

struct ere_op {
	uint8_t kind;
	uint16_t x, y;         /* SET: the set; SPLIT: both targets; JMP: x */
};

enum node_kind { N_SET, N_BOL, N_EOL, N_EMPTY, N_CAT, N_ALT, N_REP };

struct node {
	uint8_t kind;
	int a, b;              /* SET: set; CAT, ALT: children; REP: child */
	int min, max;          /* REP; max -1: no limit */
};

struct parser {
	const char *p;
	unsigned flags;
	struct node nodes[ERE_MAX_NODES];
	int nnodes;
	uint8_t (*sets)[32];
	int nsets;
	int depth;
	const char *err;
	struct ere_op *prog;
	int nprog;
};

static void set_add(uint8_t *set, unsigned c)
{
	set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static bool set_has(const uint8_t *set, unsigned c)
{
	return set[c >> 3] & (1u << (c & 7));
}

static int new_node(struct parser *ps, int kind, int a, int b)
{
	if (ps->nnodes == ERE_MAX_NODES) {
		ps->err = "pattern too large";
		return -1;
	}
	ps->nodes[ps->nnodes] = (struct node){ .kind = (uint8_t)kind, .a = a, .b = b };
	return ps->nnodes++;
}

static uint8_t *new_set(struct parser *ps)
{
	if (ps->nsets == ERE_MAX_PROG) {
		ps->err = "pattern too large";
		return NULL;
	}
	if ((ps->nsets & 15) == 0) {
		uint8_t (*more)[32] = realloc(ps->sets, (size_t)(ps->nsets + 16) * sizeof(*more));
		if (!more) {
			ps->err = "out of memory";
			return NULL;
		}
		ps->sets = more;
	}
	memset(ps->sets[ps->nsets], 0, 32);
	return ps->sets[ps->nsets++];
}

static bool is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(int c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }

/* The C locale's classes; 0 for an unknown name. */
static bool in_class(const char *name, size_t len, int c, bool *known)
{
	static const char names[] = "alpha\0digit\0alnum\0upper\0lower\0space\0blank\0punct\0print\0graph\0cntrl\0xdigit\0";
	int which = 0;
	const char *n = names;
	for (; *n; n += strlen(n) + 1, which++)
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			break;
	*known = *n != '\0';
	bool alpha = is_upper(c) || is_lower(c), graph = c > 0x20 && c < 0x7f;
	switch (which) {
	case 0: return alpha;
	case 1: return is_digit(c);
	case 2: return alpha || is_digit(c);
	case 3: return is_upper(c);
	case 4: return is_lower(c);
	case 5: return c == ' ' || (c >= '\t' && c <= '\r');
	case 6: return c == ' ' || c == '\t';
	case 7: return graph && !alpha && !is_digit(c);
	case 8: return graph || c == ' ';
	case 9: return graph;
	case 10: return c < 0x20 || c == 0x7f;
	case 11: return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}
	return false;
}

/* A set that is complete: case folded, negated, never the NUL that ends
 * the text, and '\n' left out of negations under ERE_NEWLINE. */
static int finish_set(struct parser *ps, uint8_t *set, bool negate)
{
	if (ps->flags & ERE_ICASE)
		for (int c = 'A'; c <= 'Z'; c++)
			if (set_has(set, (unsigned)c) || set_has(set, (unsigned)c + 32)) {
				set_add(set, (unsigned)c);
				set_add(set, (unsigned)c + 32);
			}
	if (negate) {
		for (int i = 0; i < 32; i++)
			set[i] = (uint8_t)~set[i];
		if (ps->flags & ERE_NEWLINE)
			set[1] &= (uint8_t)~(1u << 2);      /* '\n' is 10 */
	}
	set[0] &= 0xfe;
	return new_node(ps, N_SET, ps->nsets - 1, 0);
}

/* \d \D \w \W \s \S, or -1 when c is none of them. */
static int shorthand(struct parser *ps, int c)
{
	const char *cls;
	switch (c | 0x20) {
	case 'd': cls = "digit"; break;
	case 'w': cls = "alnum"; break;
	case 's': cls = "space"; break;
	default: return -2;
	}
	uint8_t *set = new_set(ps);
	if (!set)
		return -1;
	bool known;
	for (int b = 1; b < 256; b++)
		if (in_class(cls, strlen(cls), b, &known) || (b == '_' && (c | 0x20) == 'w'))
			set_add(set, (unsigned)b);
	return finish_set(ps, set, is_upper(c));
}

static int one_byte(struct parser *ps, unsigned char c)
{
	uint8_t *set = new_set(ps);
	if (!set)
		return -1;
	set_add(set, c);
	return finish_set(ps, set, false);
}

/* After '['. */
static int bracket(struct parser *ps)
{
	uint8_t *set = new_set(ps);
	if (!set)
		return -1;
	bool negate = *ps->p == '^';
	ps->p += negate;
	for (bool first = true; first || *ps->p != ']'; first = false) {
		const unsigned char *s = (const unsigned char *)ps->p;
		if (!*s) {
			ps->err = "unmatched [";
			return -1;
		}
		if (s[0] == '[' && s[1] == ':') {
			const char *end = strstr((const char *)s + 2, ":]");
			bool known = false;
			if (end)
				in_class((const char *)s + 2, (size_t)(end - (const char *)s - 2), 'a', &known);
			if (!known) {
				ps->err = "unknown character class";
				return -1;
			}
			for (int b = 1; b < 256; b++)
				if (in_class((const char *)s + 2, (size_t)(end - (const char *)s - 2), b, &known))
					set_add(set, (unsigned)b);
			ps->p = end + 2;
			continue;
		}
		unsigned lo = s[0], len = 1;
		if (s[0] == '[' && (s[1] == '.' || s[1] == '=')) {
			if (!s[2] || s[3] != s[1] || s[4] != ']') {
				ps->err = "only single characters are collating elements";
				return -1;
			}
			lo = s[2];
			len = 5;
		}
		unsigned hi = lo;
		if (s[len] == '-' && s[len + 1] && s[len + 1] != ']') {
			hi = s[len + 1];
			len += 2;
			if (hi < lo) {
				ps->err = "invalid range";
				return -1;
			}
		}
		for (unsigned b = lo; b <= hi; b++)
			set_add(set, b);
		ps->p += len;
	}
	ps->p++;
	return finish_set(ps, set, negate);
}

static int alternation(struct parser *ps);

static int atom(struct parser *ps)
{
	unsigned char c = (unsigned char)*ps->p++;
	switch (c) {
	case '(': {
		if (++ps->depth > ERE_MAX_DEPTH) {
			ps->err = "groups nested too deep";
			return -1;
		}
		int inner = alternation(ps);
		if (inner < 0)
			return -1;
		if (*ps->p != ')') {
			ps->err = "unmatched (";
			return -1;
		}
		ps->p++;
		ps->depth--;
		return inner;
	}
	case '.': {
		uint8_t *set = new_set(ps);
		if (!set)
			return -1;
		return finish_set(ps, set, true);
	}
	case '^':
		return new_node(ps, N_BOL, 0, 0);
	case '$':
		return new_node(ps, N_EOL, 0, 0);
	case '[':
		return bracket(ps);
	case '*': case '+': case '?': case '{':
		ps->err = "a repetition follows nothing";
		return -1;
	case '\\': {
		unsigned char e = (unsigned char)*ps->p++;
		if (!e) {
			ps->err = "trailing backslash";
			return -1;
		}
		if (e >= '1' && e <= '9') {
			ps->err = "back-references are not supported";
			return -1;
		}
		int n = shorthand(ps, e);
		return n == -2 ? one_byte(ps, e) : n;
	}
	default:
		return one_byte(ps, c);
	}
}

static int number(struct parser *ps)
{
	int n = 0;
	if (!is_digit(*ps->p))
		return -1;
	while (is_digit(*ps->p) && n <= ERE_DUP_MAX)
		n = n * 10 + (*ps->p++ - '0');
	return n;
}

static int piece(struct parser *ps)
{
	int n = atom(ps);
	while (n >= 0 && *ps->p && strchr("*+?{", *ps->p)) {
		int min = 0, max = -1;
		char q = *ps->p++;
		if (q == '+')
			min = 1;
		else if (q == '?')
			max = 1;
		else if (q == '{') {
			min = max = number(ps);
			if (*ps->p == ',') {
				ps->p++;
				max = *ps->p == '}' ? -1 : number(ps);
			}
			if (min < 0 || (max < 0 && ps->p[-1] != ',') || *ps->p != '}' || min > ERE_DUP_MAX ||
			    max > ERE_DUP_MAX || (max >= 0 && max < min)) {
				ps->err = "invalid repetition count";
				return -1;
			}
			ps->p++;
		}
		int rep = new_node(ps, N_REP, n, 0);
		if (rep >= 0) {
			ps->nodes[rep].min = min;
			ps->nodes[rep].max = max;
		}
		n = rep;
	}
	return n;
}

static int concatenation(struct parser *ps)
{
	int n = new_node(ps, N_EMPTY, 0, 0);
	while (n >= 0 && *ps->p && *ps->p != '|' && *ps->p != ')') {
		int next = piece(ps);
		n = next < 0 ? -1 : new_node(ps, N_CAT, n, next);
	}
	return n;
}

static int alternation(struct parser *ps)
{
	int n = concatenation(ps);
	while (n >= 0 && *ps->p == '|') {
		ps->p++;
		int next = concatenation(ps);
		n = next < 0 ? -1 : new_node(ps, N_ALT, n, next);
	}
	return n;
}

static int emit(struct parser *ps, int kind, int x, int y)
{
	if (ps->nprog == ERE_MAX_PROG) {
		ps->err = "pattern too large";
		return -1;
	}
	ps->prog[ps->nprog] = (struct ere_op){ .kind = (uint8_t)kind, .x = (uint16_t)x, .y = (uint16_t)y };
	return ps->nprog++;
}

static int generate(struct parser *ps, int i)
{
	const struct node *n = &ps->nodes[i];
	switch (n->kind) {
	case N_SET:
		return emit(ps, OP_SET, n->a, 0) < 0 ? -1 : 0;
	case N_BOL:
		return emit(ps, OP_BOL, 0, 0) < 0 ? -1 : 0;
	case N_EOL:
		return emit(ps, OP_EOL, 0, 0) < 0 ? -1 : 0;
	case N_EMPTY:
		return 0;
	case N_CAT:
		return generate(ps, n->a) < 0 ? -1 : generate(ps, n->b);
	case N_ALT: {
		int split = emit(ps, OP_SPLIT, 0, 0);
		if (split < 0 || generate(ps, n->a) < 0)
			return -1;
		int jump = emit(ps, OP_JMP, 0, 0);
		if (jump < 0)
			return -1;
		ps->prog[split].x = (uint16_t)(split + 1);
		ps->prog[split].y = (uint16_t)ps->nprog;
		if (generate(ps, n->b) < 0)
			return -1;
		ps->prog[jump].x = (uint16_t)ps->nprog;
		return 0;
	}
	case N_REP: {
		for (int k = 0; k < n->min; k++)
			if (generate(ps, n->a) < 0)
				return -1;
		if (n->max < 0) {
			int split = emit(ps, OP_SPLIT, 0, 0);
			if (split < 0 || generate(ps, n->a) < 0 || emit(ps, OP_JMP, split, 0) < 0)
				return -1;
			ps->prog[split].x = (uint16_t)(split + 1);
			ps->prog[split].y = (uint16_t)ps->nprog;
			return 0;
		}
		/* each optional copy's split leads past all of them */
		int first = ps->nprog;
		for (int k = n->min; k < n->max; k++)
			if (emit(ps, OP_SPLIT, 0, 0) < 0 || generate(ps, n->a) < 0)
				return -1;
		for (int at = first; at < ps->nprog; at++)
			if (ps->prog[at].kind == OP_SPLIT && ps->prog[at].y == 0 && ps->prog[at].x == 0) {
				ps->prog[at].x = (uint16_t)(at + 1);
				ps->prog[at].y = (uint16_t)ps->nprog;
			}
		return 0;
	}
	}
	return -1;
}

int ere_compile(struct ere *re, const char *pattern, unsigned flags, char *err, size_t errsize)
{
	struct parser *ps = calloc(1, sizeof(*ps));
	memset(re, 0, sizeof(*re));
	if (!ps) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	ps->p = pattern;
	ps->flags = flags;
	int root = alternation(ps);
	if (root >= 0 && *ps->p == ')')
		ps->err = "unmatched )";
	if (!ps->err) {
		ps->prog = malloc(ERE_MAX_PROG * sizeof(*ps->prog));
		if (!ps->prog)
			ps->err = "out of memory";
		else if (generate(ps, root) == 0)
			emit(ps, OP_MATCH, 0, 0);
	}
	if (ps->err) {
		snprintf(err, errsize, "%s", ps->err);
		free(ps->prog);
		free(ps->sets);
		free(ps);
		return -1;
	}
	struct ere_op *prog = realloc(ps->prog, (size_t)ps->nprog * sizeof(*prog));
	re->prog = prog ? prog : ps->prog;
	re->nprog = ps->nprog;
	re->sets = ps->sets;
	re->nsets = ps->nsets;
	re->flags = flags;
	free(ps);
	return 0;
}

struct run {
	const struct ere *re;
	const unsigned char *text;
	unsigned flags;
	int *mark;             /* the step a position was last added in */
	uint16_t *stack;
};

/* Adds the thread at pc, and what its splits, jumps and assertions lead
 * to, for text position p; true when one of them is a match. */
static bool add_thread(struct run *r, uint16_t *list, int *n, int pc, size_t p, int step)
{
	int top = 0;
	r->stack[top++] = (uint16_t)pc;
	while (top) {
		int at = r->stack[--top];
		if (r->mark[at] == step)
			continue;
		r->mark[at] = step;
		const struct ere_op *op = &r->re->prog[at];
		bool newline = r->re->flags & ERE_NEWLINE;
		switch (op->kind) {
		case OP_MATCH:
			return true;
		case OP_SET:
			list[(*n)++] = (uint16_t)at;
			break;
		case OP_JMP:
			r->stack[top++] = op->x;
			break;
		case OP_SPLIT:
			r->stack[top++] = op->y;
			r->stack[top++] = op->x;
			break;
		case OP_BOL:
			if ((p == 0 && !(r->flags & ERE_NOTBOL)) || (newline && p > 0 && r->text[p - 1] == '\n'))
				r->stack[top++] = (uint16_t)(at + 1);
			break;
		case OP_EOL:
			if (!r->text[p] || (newline && r->text[p] == '\n'))
				r->stack[top++] = (uint16_t)(at + 1);
			break;
		}
	}
	return false;
}

bool ere_match(const struct ere *re, const char *text, unsigned flags, size_t max_start)
{
	size_t n = (size_t)re->nprog;
	/* An add pushes its start, then at most two positions for each op it
	 * visits, each op once: 2n + 1 entries bound the stack. */
	uint16_t *lists = malloc((2 * n + 2 * n + 1) * sizeof(*lists));
	int *mark = calloc(n, sizeof(*mark));
	bool found = false;
	if (!lists || !mark) {
		free(lists);
		free(mark);
		return false;
	}
	struct run r = { .re = re, .text = (const unsigned char *)text, .flags = flags, .mark = mark,
			 .stack = lists + 2 * n };
	uint16_t *cur = lists, *next = lists + n;
	int ncur = 0, step = 1;
	found = add_thread(&r, cur, &ncur, 0, 0, step);
	for (size_t p = 0; !found && r.text[p] && (ncur || p < max_start); p++) {
		int nnext = 0;
		step++;
		for (int i = 0; i < ncur && !found; i++) {
			const struct ere_op *op = &re->prog[cur[i]];
			if (set_has(re->sets[op->x], r.text[p]))
				found = add_thread(&r, next, &nnext, cur[i] + 1, p + 1, step);
		}
		if (!found && p + 1 <= max_start)
			found = add_thread(&r, next, &nnext, 0, p + 1, step);
		uint16_t *swap = cur;
		cur = next;
		next = swap;
		ncur = nnext;
	}
	free(lists);
	free(mark);
	return found;
}

void ere_free(struct ere *re)
{
	free(re->prog);
	free(re->sets);
	memset(re, 0, sizeof(*re));
}
