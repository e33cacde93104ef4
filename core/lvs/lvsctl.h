/*
 * lvsctl.h - lvsctl's command-line parser as a separate step from running
 * the command, so tests and the fuzz harness can parse any argv without a
 * kernel; the parsed command is what the printers and the runner share.
 */
#ifndef LVSBOX_LVSCTL_H
#define LVSBOX_LVSCTL_H

#include <stdbool.h>
#include <stdint.h>
#include "ipvs.h"
#include "ipvs_compat.h"

/*
 * Options, in the order ipvsadm numbers them: the order decides which
 * message wins when several options are wrong at once.
 */
enum opt_index {
	O_NUMERIC, O_CONNECTION, O_SERVICE, O_SCHEDULER, O_PERSISTENT, O_NETMASK,
	O_SERVER, O_FORWARD, O_WEIGHT, O_UTHRESHOLD, O_LTHRESHOLD, O_MCAST,
	O_TIMEOUT, O_DAEMON, O_STATS, O_RATE, O_THRESHOLDS, O_PERSISTENTCONN,
	O_NOSORT, O_SYNCID, O_EXACT, O_ONEPACKET, O_PE, O_SCHED_FLAGS,
	O_MCAST_GROUP, O_MCAST_PORT, O_MCAST_TTL, O_SYNC_MAXLEN, O_TUN_INFO,
	O_TUN_TYPE, O_TUN_PORT, O_TUN_NOCSUM, O_TUN_CSUM, O_TUN_REMCSUM,
	O_JSON, O_COUNT
};

/* An option's bit in struct lvsctl_cmd's options. */
#define B(o) (1ULL << (o))

#define SCHED_FLAGS_MASK (IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3)

/* The tunnel types by their --tun-type names, in the kernel's order. */
extern const char *const lvsctl_tun_names[3];

enum lvsctl_command {
	LVS_CMD_NONE,
	LVS_CMD_ADD, LVS_CMD_EDIT, LVS_CMD_DEL, LVS_CMD_FLUSH, LVS_CMD_LIST,
	LVS_CMD_ADDDEST, LVS_CMD_DELDEST, LVS_CMD_EDITDEST, LVS_CMD_TIMEOUT,
	LVS_CMD_STARTDAEMON, LVS_CMD_STOPDAEMON, LVS_CMD_RESTORE, LVS_CMD_SAVE,
	LVS_CMD_ZERO,
};

/* What one command line asks for, once parsed and checked. */
struct lvsctl_cmd {
	enum lvsctl_command cmd;
	uint64_t options;           /* 1 << option index, as ipvsadm counts them */
	unsigned format;            /* LVS_FMT_* */
	struct ipvs_service svc;
	struct ipvs_dest dest;
	struct ipvs_timeouts timeouts;
	struct ipvs_daemon daemon;
};

#define LVS_FMT_NUMERIC        0x0001
#define LVS_FMT_RULE           0x0002
#define LVS_FMT_STATS          0x0004
#define LVS_FMT_RATE           0x0008
#define LVS_FMT_THRESHOLDS     0x0010
#define LVS_FMT_PERSISTENTCONN 0x0020
#define LVS_FMT_NOSORT         0x0040
#define LVS_FMT_EXACT          0x0080
#define LVS_FMT_TUN_INFO       0x0100
#define LVS_FMT_JSON           0x0200

/* The outcome of parsing when the command is not to be run: text for stdout
 * (-h, -v) and for stderr, and the exit status ipvsadm would give. */
struct lvsctl_exit {
	char *out;
	char *err;
	int status;
	bool soft;      /* ipvsadm goes on with the next -R line after this one */
};

/*
 * Parses argv (argv[0] is the program name used in messages). Returns 1 and
 * fills *cmd when there is a command to run; returns 0 and fills *ex when the
 * program should print ex->out / ex->err and exit with ex->status.
 * in_restore: the line comes from -R input, where -R itself is refused.
 * Free ex with lvsctl_exit_free.
 */
int lvsctl_parse(int argc, char **argv, bool in_restore,
		 struct lvsctl_cmd *cmd, struct lvsctl_exit *ex);
void lvsctl_exit_free(struct lvsctl_exit *ex);

#endif
