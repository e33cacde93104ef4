/*
 * lvsctl_restore.h - -R: a save file on stdin applied to the kernel.
 */
#ifndef LVSBOX_LVSCTL_RESTORE_H
#define LVSBOX_LVSCTL_RESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "ipvs.h"

/* As lvsctl_run_command: 0, -1 when the last line failed, or RUN_EXIT + status. */
int lvsctl_restore_table(struct ipvs *h, const struct ipvs_info *info, const char *prog);

/* A save file read a line at a time. Starts zeroed but for in; free buf
 * when done. */
struct lvsctl_lines {
	FILE *in;
	char *buf;              /* getline's buffer: the line, without its newline */
	size_t cap;
	bool ended;             /* a NUL byte ended the input */
};

/* The next line, or NULL at the end of the input: end of file, a read
 * error, or a NUL byte, which ends the input after the text before it. */
char *lvsctl_lines_next(struct lvsctl_lines *l);

#define LVSCTL_RESTORE_MAX_WORDS 256

/* Splits a line in place into the words of a command: argv[0] is prog, then
 * the words separated by blanks, tabs and CRs, "ipvsadm" dropped, those
 * past LVSCTL_RESTORE_MAX_WORDS - 1 ignored. Returns argc; argv[argc] is NULL. */
int lvsctl_restore_words(char *line, const char *prog, char *argv[LVSCTL_RESTORE_MAX_WORDS + 1]);

#endif
