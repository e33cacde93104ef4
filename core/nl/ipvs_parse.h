/*
 * ipvs_parse.h - decoding of single IPVS generic netlink replies, kept apart
 * from the socket so unit tests and the fuzz harness can feed them bytes.
 *
 * Each function takes one complete message (nlmsg_len already checked by the
 * caller, e.g. by mnl_cb_run), checks the generic netlink header and the
 * attributes it needs, and returns 0 or -EBADMSG. Attributes newer than this
 * code knows are skipped. The message's nlmsg_type (the family id) is checked
 * by the caller, which knows the id.
 */
#ifndef LVSBOX_IPVS_PARSE_H
#define LVSBOX_IPVS_PARSE_H

#include <linux/netlink.h>
#include "ipvs.h"

int ipvs_parse_service_msg(const struct nlmsghdr *nlh, struct ipvs_service *svc);
/* svc_af: the service's family, used when the kernel omits the dest's own */
int ipvs_parse_dest_msg(const struct nlmsghdr *nlh, uint16_t svc_af, struct ipvs_dest *d);
int ipvs_parse_daemon_msg(const struct nlmsghdr *nlh, struct ipvs_daemon *d);
int ipvs_parse_info_msg(const struct nlmsghdr *nlh, struct ipvs_info *info);
int ipvs_parse_timeouts_msg(const struct nlmsghdr *nlh, struct ipvs_timeouts *t);

#endif
