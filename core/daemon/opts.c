/*
 * opts.c - getopt_long's strings and the --help text from one option
 * table (see opts.h).
 */
#include <stdlib.h>
#include <string.h>
#include "opts.h"

#define OPTS_MAX_INCLUDE_DEPTH 4
#define OPTS_LABEL_WIDTH (OPTS_HELP_INDENT - 2)

static int id_of(const struct opts_row *r)
{
	return r->id ? r->id : r->letter;
}

static bool same_option(const struct opts_row *a, int letter, const char *name)
{
	return letter ? a->letter == letter : name && a->name && strcmp(a->name, name) == 0;
}

static int find_def(const struct opts *o, int letter, const char *name)
{
	for (int i = 0; i < o->ndefs; i++)
		if (same_option(o->defs[i], letter, name))
			return i;
	return -1;
}

static const char *row_name(const struct opts_row *r, char *buf, size_t n)
{
	if (r->letter)
		snprintf(buf, n, "-%c", r->letter);
	else
		snprintf(buf, n, "--%s", r->name ? r->name : "?");
	return buf;
}

static bool is_end(const struct opts_row *r)
{
	return !r->letter && !r->name && !r->include;
}

/* Every option defined in rows and the tables they include, in order. */
static int collect_defs(struct opts *o, const struct opts_row *rows, int depth)
{
	char name[64];

	if (depth > OPTS_MAX_INCLUDE_DEPTH) {
		snprintf(o->error, sizeof(o->error), "tables included more than %d deep", OPTS_MAX_INCLUDE_DEPTH);
		return -1;
	}
	for (const struct opts_row *r = rows; !is_end(r); r++) {
		if (r->include) {
			if (collect_defs(o, r->include, depth + 1) != 0)
				return -1;
			continue;
		}
		if (r->flags & OPTS_SHOWS)
			continue;
		if (o->ndefs == OPTS_MAX) {
			snprintf(o->error, sizeof(o->error), "more than %d options", OPTS_MAX);
			return -1;
		}
		if (!r->letter && !r->id) {
			snprintf(o->error, sizeof(o->error), "--%s: a long-only option needs an id", r->name);
			return -1;
		}
		if ((r->letter && find_def(o, r->letter, NULL) >= 0) ||
		    (r->name && find_def(o, 0, r->name) >= 0)) {
			snprintf(o->error, sizeof(o->error), "%s defined twice", row_name(r, name, sizeof(name)));
			return -1;
		}
		o->defs[o->ndefs++] = r;
	}
	return 0;
}

/* Which included options the command lists elsewhere, in other words. */
static int collect_shown(struct opts *o, const struct opts_row *rows)
{
	char name[64];

	for (const struct opts_row *r = rows; !is_end(r); r++) {
		if (r->include) {
			if (collect_shown(o, r->include) != 0)
				return -1;
			continue;
		}
		if (!(r->flags & OPTS_SHOWS))
			continue;
		int i = find_def(o, r->letter, r->name);
		if (i < 0 || o->shown_by[i]) {
			snprintf(o->error, sizeof(o->error), "%s shown but %s", row_name(r, name, sizeof(name)),
				 i < 0 ? "not defined" : "already shown");
			return -1;
		}
		o->shown_by[i] = r;
	}
	return 0;
}

int opts_build(struct opts *o, const struct opts_row *rows)
{
	char *s;

	memset(o, 0, sizeof(*o));
	if (collect_defs(o, rows, 0) != 0 || collect_shown(o, rows) != 0)
		return -1;
	s = o->shorts;
	struct option *l = o->longs;
	for (int i = 0; i < o->ndefs; i++) {
		const struct opts_row *r = o->defs[i];
		if (r->letter) {
			*s++ = (char)r->letter;
			if (r->arg)
				*s++ = ':';
		}
		if (r->name) {
			l->name = r->name;
			l->has_arg = r->arg ? required_argument : no_argument;
			l->flag = NULL;
			l->val = id_of(r);
			l++;
		}
	}
	*s = '\0';
	return 0;
}

int opts_start(struct opts *o, const struct opts_cmd *cmd, const char *prog)
{
	if (opts_build(o, cmd->rows) != 0) {
		fprintf(stderr, "%s: bad option table: %s\n", prog, o->error);
		return -1;
	}
	optind = 1;
	return 0;
}

int opts_next(struct opts *o, int argc, char **argv, char **arg)
{
	int c = getopt_long(argc, argv, o->shorts, o->longs, NULL);

	*arg = optarg;
	if (c == -1 || c == '?' || c == ':')
		return c == ':' ? '?' : c;
	/* A short letter comes back as itself; the row may name another id. */
	int i = find_def(o, c, NULL);
	return i >= 0 && o->defs[i]->letter == c ? id_of(o->defs[i]) : c;
}

static void help_entry(struct strbuf *out, const char *label, const char *help)
{
	size_t len = strlen(label);

	strbuf_printf(out, "  %s", label);
	if (len < OPTS_LABEL_WIDTH)
		strbuf_printf(out, "%*s", (int)(OPTS_LABEL_WIDTH - len), "");
	else
		strbuf_puts(out, "  ");
	for (const char *line = help;;) {
		const char *nl = strchr(line, '\n');
		if (!nl) {
			strbuf_printf(out, "%s\n", line);
			break;
		}
		strbuf_printf(out, "%.*s\n%*s", (int)(nl - line), line, OPTS_HELP_INDENT, "");
		line = nl + 1;
	}
}

/* def listed by row (itself, or the OPTS_SHOWS row that places it). */
static void help_option(struct strbuf *out, const struct opts_row *def, const struct opts_row *row)
{
	const char *help = row->help ? row->help : def->help;
	char label[96];

	if (!help)
		return;
	if (row->label || def->label) {
		help_entry(out, row->label ? row->label : def->label, help);
		return;
	}
	if (def->letter)
		snprintf(label, sizeof(label), "-%c%s%s", def->letter, def->arg ? " " : "", def->arg ? def->arg : "");
	else
		snprintf(label, sizeof(label), "--%s%s%s", def->name, def->arg ? " " : "", def->arg ? def->arg : "");
	help_entry(out, label, help);
}

static void help_rows(struct strbuf *out, const struct opts *o, const struct opts_row *rows)
{
	for (const struct opts_row *r = rows; !is_end(r); r++) {
		if (r->include) {
			help_rows(out, o, r->include);
			continue;
		}
		int i = find_def(o, r->letter, r->name);
		if (i < 0)
			continue;
		if (r->flags & OPTS_SHOWS)
			help_option(out, o->defs[i], r);
		else if (!o->shown_by[i])
			help_option(out, r, r);
	}
}

int opts_help(struct strbuf *out, const struct opts_cmd *cmd)
{
	struct opts *o = malloc(sizeof(*o));

	if (!o) {
		out->oom = true;
		return -1;
	}
	if (opts_build(o, cmd->rows) != 0) {
		strbuf_printf(out, "bad option table: %s\n", o->error);
		free(o);
		return -1;
	}
	if (cmd->usage)
		strbuf_puts(out, cmd->usage);
	help_rows(out, o, cmd->rows);
	if (cmd->footer)
		strbuf_puts(out, cmd->footer);
	free(o);
	return 0;
}

int opts_print_help(FILE *f, const struct opts_cmd *cmd)
{
	struct strbuf b = { 0 };
	int rc = opts_help(&b, cmd);

	if (b.oom)
		rc = -1;
	else if (b.data)
		fputs(b.data, f);
	strbuf_free(&b);
	return rc;
}
