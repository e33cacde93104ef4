/*
 * lvs_ctl.h - `lvsd ctl`'s runtime overrides of one real server: the
 * request line's parser (outside input: a control-socket client wrote it),
 * finding the virtual and real server it names in lvsd's model, and what
 * drain, enable and weight do to that server. No sockets and no daemon
 * state, so unit tests and the fuzzer reach all of it.
 *
 * The request is "VERB VS RS [N]" (docs/lvsd.md):
 *   VERB  drain | enable | weight
 *   VS    -t|--tcp-service ADDR:PORT, -u|--udp-service ADDR:PORT,
 *         --sctp-service ADDR:PORT, -f|--fwmark-service MARK [-6] (ipvsadm's
 *         spelling), or lvsd's name for it: tcp/ADDR:PORT, udp/..., sctp/...,
 *         fwm/MARK, group/NAME
 *   RS    [-r|--real-server] ADDR[:PORT], an IPv6 address as [ADDR]:PORT
 *   N     [-w|--weight] 0..65535 (weight only)
 * Addresses are numeric: nothing the daemon reads makes it resolve a name.
 */
#ifndef LVSBOX_LVS_CTL_H
#define LVSBOX_LVS_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include "conf.h"
#include "lvs_model.h"

enum lvs_ctl_verb { LVS_CTL_DRAIN, LVS_CTL_ENABLE, LVS_CTL_WEIGHT };
enum lvs_ctl_vs_kind { LVS_CTL_VS_ADDR, LVS_CTL_VS_FWMARK, LVS_CTL_VS_GROUP };

#define LVS_CTL_MAX_WEIGHT 65535   /* ipvsadm's -w range */

struct lvs_ctl_cmd {
	enum lvs_ctl_verb verb;
	enum lvs_ctl_vs_kind vs_kind;
	int protocol;                /* CONF_PROTO_*, for an address */
	struct conf_ip vs_addr;
	unsigned vs_port;
	unsigned fwmark;
	int fwmark_family;           /* AF_INET6 with -6, else 0: either */
	char group[64];
	struct conf_ip rs_addr;
	unsigned rs_port;
	bool rs_has_port;
	int weight;
	char vs_text[80], rs_text[64];   /* as given, for messages */
};

/* Whether line's first word is one of the verbs: the line is ours to parse. */
bool lvs_ctl_is_request(const char *line);

/* 0 and *cmd filled, or -1 with the reason (one line, no newline) in err. */
int lvs_ctl_parse(const char *line, struct lvs_ctl_cmd *cmd, char *err, size_t errlen);

/* The one virtual server and real server cmd names in the model (a group's
 * virtual server answers to each of its addresses and fwmarks). 0, or -1
 * with the reason in err: none, or more than one. */
int lvs_ctl_find(const struct conf_keepalived *conf, struct lvs *model, int nvs, const struct lvs_ctl_cmd *cmd,
		 struct lvs **vsp, struct lrs **rsp, char *err, size_t errlen);

/* cmd's override on rs; false when rs already had exactly it. */
bool lvs_ctl_apply(struct lrs *rs, const struct lvs_ctl_cmd *cmd);

/* lvsd --keep-overrides: each override of old onto the real server of the
 * same names in model (a reload's). Returns how many were carried; the
 * overrides with no such server in model are not, and are logged. */
int lvs_ctl_carry(struct lvs *model, int nvs, const struct lvs *old, int nold);
/* Logs vs's overrides as kept: a reload in pieces leaves those of the
 * virtual servers it did not read again as they were. */
void lvs_ctl_log_kept(const struct lvs *vs);

/* The override as words for the log, the reply and -s: "drained",
 * "weight 5", or "none". */
const char *lvs_ctl_describe(const struct lrs *rs, char *buf, size_t size);

#endif
