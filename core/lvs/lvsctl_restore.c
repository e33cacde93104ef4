/*
 * lvsctl_restore.c - -R: a save file on stdin, one command per line. Lines
 * are parsed one by one as ipvsadm does (a bad line stops the restore,
 * earlier lines stay applied) but changes go to the kernel in batches; a
 * change the kernel refuses is reported with its line, and the lines after
 * it still apply. Every error message is followed by a line naming the
 * input line. The input is read a line at a time: what is held is the
 * lines of one batch, whatever the size of the file.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ipvs_errors.h"
#include "lvsctl.h"
#include "lvsctl_restore.h"
#include "lvsctl_run.h"

#define RESTORE_BATCH 100

struct pending {
	struct lvsctl_cmd cmd;
	long line;
	char *words;            /* the line split into the words cmd points into */
	char *text;             /* the line as read, for messages */
};

struct restore {
	struct ipvs *h;
	const char *prog;
	struct pending *p;
	size_t n;
	bool batching;
	int last;              /* result of the last line run: 0 or -1 */
};

static void report_line_error(struct restore *r, enum ipvs_call call, int err, long line, const char *text)
{
	fflush(stdout);
	fprintf(stderr, "%s\n%s: restore line %ld: %s\n", ipvs_error_text(call, err), r->prog, line, text);
}

/*
 * Sends what is queued as one batch. A batch is kept within one chunk of
 * core/ipvs.c (RESTORE_BATCH requests of at most 512 bytes fit in 64 KiB),
 * so the kernel handles every request of it in order, each on its own, as
 * ipvsadm's separate calls would: after a refused line the later ones still
 * apply, and every refused line is reported, in order.
 */
static void restore_refused(long tag, int err, void *arg)
{
	struct restore *r = arg;

	if (tag < 0 || tag >= (long)r->n)
		tag = 0;
	report_line_error(r, lvsctl_call_of(r->p[tag].cmd.cmd), -err, r->p[tag].line, r->p[tag].text);
	r->last = tag == (long)r->n - 1 ? -1 : 0;
}

static void restore_flush(struct restore *r)
{
	long failed = -1;
	int rc;

	if (r->n == 0)
		return;
	r->last = 0;
	ipvs_batch_on_failure(r->h, restore_refused, r);
	rc = ipvs_batch_begin(r->h);
	if (rc == 0) {
		for (size_t i = 0; i < r->n; i++) {
			ipvs_batch_tag(r->h, (long)i);
			lvsctl_apply_change(r->h, &r->p[i].cmd);
		}
		ipvs_batch_end(r->h, &failed);
	} else {
		restore_refused(0, rc, r);
	}
	ipvs_batch_on_failure(r->h, NULL, NULL);
	for (size_t i = 0; i < r->n; i++) {
		free(r->p[i].words);
		free(r->p[i].text);
	}
	r->n = 0;
}

int lvsctl_restore_words(char *line, const char *prog, char *argv[LVSCTL_RESTORE_MAX_WORDS + 1])
{
	int argc = 0;
	char *save = NULL;

	argv[argc++] = (char *)prog;
	for (char *tok = strtok_r(line, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
		if (strcmp(tok, "ipvsadm") == 0)
			continue;
		if (argc < LVSCTL_RESTORE_MAX_WORDS)
			argv[argc++] = tok;
	}
	argv[argc] = NULL;
	return argc;
}

#define RESTORE_QUEUED (-2)

/* Parses one line and runs it, or queues it (RESTORE_QUEUED: the queue
 * now holds line and text). */
static int restore_parse_run(struct restore *r, const struct ipvs_info *info, char *line, char *text,
			     long lineno)
{
	char *argv[LVSCTL_RESTORE_MAX_WORDS + 1];
	int argc = lvsctl_restore_words(line, r->prog, argv);

	if (argc < 2)
		return 0;

	struct lvsctl_cmd cmd;
	struct lvsctl_exit ex;
	if (!lvsctl_parse(argc, argv, true, &cmd, &ex)) {
		restore_flush(r);
		fflush(stdout);
		if (ex.out)
			fputs(ex.out, stdout);
		if (ex.err) {
			fputs(ex.err, stderr);
			fprintf(stderr, "%s: restore line %ld: %s\n", r->prog, lineno, text);
		}
		if (ex.soft) {
			lvsctl_exit_free(&ex);
			r->last = -1;
			return 0;
		}
		int status = ex.status;
		lvsctl_exit_free(&ex);
		return RUN_EXIT + status;
	}
	if (r->batching && lvsctl_batchable(cmd.cmd)) {
		r->p[r->n].cmd = cmd;
		r->p[r->n].line = lineno;
		r->p[r->n].words = line;
		r->p[r->n].text = text;
		if (++r->n == RESTORE_BATCH)
			restore_flush(r);
		return RESTORE_QUEUED;
	}
	restore_flush(r);
	int rc = lvsctl_run_command(r->h, info, &cmd, r->prog);
	if (rc == -1)
		fprintf(stderr, "%s: restore line %ld: %s\n", r->prog, lineno, text);
	if (rc >= RUN_EXIT)
		return rc;
	r->last = rc;
	return 0;
}

/* line: split into words in place; text: the same line left intact. Both
 * are the caller's malloc'd copies and ours from here: a queued change keeps
 * them until its batch is sent, anything else frees them before returning. */
static int restore_line(struct restore *r, const struct ipvs_info *info, char *line, char *text, long lineno)
{
	int rc = restore_parse_run(r, info, line, text, lineno);

	if (rc != RESTORE_QUEUED) {
		free(line);
		free(text);
		return rc;
	}
	return 0;
}

char *lvsctl_lines_next(struct lvsctl_lines *l)
{
	if (l->ended)
		return NULL;
	ssize_t got = getline(&l->buf, &l->cap, l->in);
	if (got <= 0)
		return NULL;
	size_t len = strlen(l->buf);
	/* a NUL byte ends the input, as it ended the text read before */
	l->ended = len < (size_t)got;
	if (len > 0 && l->buf[len - 1] == '\n')
		l->buf[--len] = '\0';
	if (l->ended && len == 0)
		return NULL;
	return l->buf;
}

int lvsctl_restore_table(struct ipvs *h, const struct ipvs_info *info, const char *prog)
{
	struct restore r = { .h = h, .prog = prog };
	struct lvsctl_lines lines = { .in = stdin };
	char *line;
	int rc = 0;

	r.p = calloc(RESTORE_BATCH, sizeof(*r.p));
	if (!r.p) {
		fprintf(stderr, "%s\n", ipvs_error_text(CALL_OTHER, ENOMEM));
		return RUN_EXIT + 1;
	}
	/* Batching is an optimisation: without it every line goes on its own. */
	if (ipvs_batch_begin(h) == 0) {
		long ignored;
		r.batching = ipvs_batch_end(h, &ignored) == 0;
	}
	long lineno = 0;
	while (rc == 0 && (line = lvsctl_lines_next(&lines))) {
		char *words = strdup(line), *text = strdup(line);
		if (!words || !text) {
			free(words);
			free(text);
			fprintf(stderr, "%s\n", ipvs_error_text(CALL_OTHER, ENOMEM));
			rc = RUN_EXIT + 1;
			break;
		}
		lineno++;
		rc = restore_line(&r, info, words, text, lineno);
	}
	if (rc == 0)
		restore_flush(&r);
	free(r.p);
	free(lines.buf);
	return rc ? rc : r.last;
}
