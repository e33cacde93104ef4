/*
 * lvsctl_run.h - running a parsed lvsctl command against the kernel.
 */
#ifndef LVSBOX_LVSCTL_RUN_H
#define LVSBOX_LVSCTL_RUN_H

#include <stdbool.h>
#include "ipvs.h"
#include "ipvs_errors.h"
#include "lvsctl.h"

/*
 * Runs one command. Returns 0, or -1 after printing a kernel error (ipvsadm
 * goes on with the next -R line and exits 255 if it was the last), or
 * RUN_EXIT + status when the program must stop now.
 */
#define RUN_EXIT 1000

enum ipvs_call lvsctl_call_of(enum lvsctl_command cmd);
/* Calls the kernel for a command that changes the table: 0 or a negative errno. */
int lvsctl_apply_change(struct ipvs *h, const struct lvsctl_cmd *c);
/* Whether -R may send the command in a batch with others. */
bool lvsctl_batchable(enum lvsctl_command cmd);
int lvsctl_run_command(struct ipvs *h, const struct ipvs_info *info, const struct lvsctl_cmd *c,
		       const char *prog);

#endif
