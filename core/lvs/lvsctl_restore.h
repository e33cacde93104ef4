/*
 * lvsctl_restore.h - -R: a save file on stdin applied to the kernel.
 */
#ifndef LVSBOX_LVSCTL_RESTORE_H
#define LVSBOX_LVSCTL_RESTORE_H

#include "ipvs.h"

/* As lvsctl_run_command: 0, -1 when the last line failed, or RUN_EXIT + status. */
int lvsctl_restore_table(struct ipvs *h, const struct ipvs_info *info, const char *prog);

#endif
