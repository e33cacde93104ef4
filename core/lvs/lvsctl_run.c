/*
 * lvsctl_run.c - one parsed command to the kernel: a change, a listing, or
 * a restore; errors worded as ipvsadm words them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "ipvs_errors.h"
#include "lvsctl.h"
#include "lvsctl_list.h"
#include "lvsctl_restore.h"
#include "lvsctl_run.h"

/* libipvs zeroes every counter when the service names nothing. */
static const struct ipvs_service *zero_target(const struct ipvs_service *svc)
{
	static const uint8_t any[16];
	if (svc->fwmark || memcmp(svc->addr.raw, any, sizeof(any)) || svc->port)
		return svc;
	return NULL;
}

enum ipvs_call lvsctl_call_of(enum lvsctl_command cmd)
{
	switch (cmd) {
	case LVS_CMD_ADD: return CALL_ADD_SVC;
	case LVS_CMD_EDIT: return CALL_EDIT_SVC;
	case LVS_CMD_DEL: return CALL_DEL_SVC;
	case LVS_CMD_ZERO: return CALL_ZERO;
	case LVS_CMD_ADDDEST: return CALL_ADD_DEST;
	case LVS_CMD_EDITDEST: return CALL_EDIT_DEST;
	case LVS_CMD_DELDEST: return CALL_DEL_DEST;
	case LVS_CMD_STARTDAEMON: return CALL_START_DAEMON;
	case LVS_CMD_STOPDAEMON: return CALL_STOP_DAEMON;
	default: return CALL_OTHER;
	}
}

/* Calls the kernel for a command that changes the table: 0 or a negative errno. */
int lvsctl_apply_change(struct ipvs *h, const struct lvsctl_cmd *c)
{
	switch (c->cmd) {
	case LVS_CMD_FLUSH: return ipvs_flush(h);
	case LVS_CMD_ADD: return ipvs_add_service(h, &c->svc);
	case LVS_CMD_EDIT: return ipvs_edit_service(h, &c->svc);
	case LVS_CMD_DEL: return ipvs_del_service(h, &c->svc);
	case LVS_CMD_ZERO: return ipvs_zero(h, zero_target(&c->svc));
	case LVS_CMD_ADDDEST: return ipvs_add_dest(h, &c->svc, &c->dest);
	case LVS_CMD_EDITDEST: return ipvs_edit_dest(h, &c->svc, &c->dest);
	case LVS_CMD_DELDEST: return ipvs_del_dest(h, &c->svc, &c->dest);
	case LVS_CMD_TIMEOUT: return ipvs_set_timeouts(h, &c->timeouts);
	case LVS_CMD_STARTDAEMON: return ipvs_start_daemon(h, &c->daemon);
	case LVS_CMD_STOPDAEMON: return ipvs_stop_daemon(h, &c->daemon);
	default: return 0;
	}
}

bool lvsctl_batchable(enum lvsctl_command cmd)
{
	return cmd != LVS_CMD_LIST && cmd != LVS_CMD_SAVE && cmd != LVS_CMD_RESTORE &&
	       cmd != LVS_CMD_STARTDAEMON && cmd != LVS_CMD_STOPDAEMON;
}


int lvsctl_run_command(struct ipvs *h, const struct ipvs_info *info, const struct lvsctl_cmd *c,
		       const char *prog)
{
	uint64_t o = c->options;
	int rc;

	switch (c->cmd) {
	case LVS_CMD_LIST:
		if (o & B(O_CONNECTION))
			rc = lvsctl_list_conn(c->format);
		else if (o & B(O_SERVICE))
			rc = lvsctl_list_service(h, &c->svc, c->format);
		else if (o & B(O_TIMEOUT))
			rc = lvsctl_list_timeout(h, c->format);
		else if (o & B(O_DAEMON))
			rc = lvsctl_list_daemon(h, c->format);
		else
			rc = lvsctl_list_all(h, info, c->format);
		return rc ? RUN_EXIT + rc : 0;
	case LVS_CMD_SAVE:
		rc = lvsctl_list_all(h, info, c->format | LVS_FMT_RULE);
		return rc ? RUN_EXIT + rc : 0;
	case LVS_CMD_RESTORE:
		return lvsctl_restore_table(h, info, prog);
	default:
		rc = lvsctl_apply_change(h, c);
		if (rc) {
			fflush(stdout);
			fprintf(stderr, "%s\n", ipvs_error_text(lvsctl_call_of(c->cmd), -rc));
			return -1;
		}
		return 0;
	}
}
