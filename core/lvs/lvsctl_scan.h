/*
 * lvsctl_scan.h - ipvsadm's popt option scanning, apart from what the
 * options mean, so the parser reads one option at a time.
 */
#ifndef LVSBOX_LVSCTL_SCAN_H
#define LVSBOX_LVSCTL_SCAN_H

#include <stdbool.h>

/* Tags of the options without a letter (the others are their letter). */
enum {
	TAG_SET = 128, TAG_START_DAEMON, TAG_STOP_DAEMON, TAG_MCAST_INTERFACE,
	TAG_SYNCID, TAG_TIMEOUT, TAG_DAEMON, TAG_STATS, TAG_RATE, TAG_THRESHOLDS,
	TAG_PERSISTENTCONN, TAG_SORT, TAG_NO_SORT, TAG_PE, TAG_SCTP_SERVICE,
	TAG_MCAST_GROUP, TAG_MCAST_PORT, TAG_MCAST_TTL, TAG_SYNC_MAXLEN,
	TAG_TUN_INFO, TAG_TUN_TYPE, TAG_TUN_PORT, TAG_TUN_NOCSUM, TAG_TUN_CSUM,
	TAG_TUN_REMCSUM, TAG_JSON,
};
#define SCAN_END          (-1)
#define SCAN_NOARG        (-10)
#define SCAN_BADOPT       (-11)
#define SCAN_UNWANTEDARG  (-12)

struct scanner {
	int argc;
	char **argv;
	int next;               /* next word of argv to look at */
	const char *cluster;    /* rest of a short-option cluster */
	bool rest_plain;        /* after "--" every word is plain */
	unsigned char *taken;   /* words consumed by "!#:+" */
	char **plain;           /* words that were not options, in order */
	int nplain, plain_read;
	char *arg;              /* value of the option just returned, or NULL */
};

/* Returns the next option's tag, SCAN_END, or a SCAN_* error. */
int lvsctl_scan_next(struct scanner *sc);
const char *lvsctl_scan_bad_word(const struct scanner *sc);
const char *lvsctl_scan_error_text(int code);
/* The next word that was not an option, or NULL. */
const char *lvsctl_scan_plain(struct scanner *sc);

#endif
