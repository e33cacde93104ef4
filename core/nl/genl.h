/*
 * genl.h - generic netlink basics on top of mnl.h: building a request header
 * and looking up a family's id by name (CTRL_CMD_GETFAMILY).
 */
#ifndef LVSBOX_GENL_H
#define LVSBOX_GENL_H

#include <stdint.h>
#include <linux/genetlink.h>
#include "mnl.h"

/* Starts a request in buf: netlink header (type = family, flags, seq) plus
 * the generic netlink header (cmd, version). Attributes follow. */
struct nlmsghdr *genl_put_request(void *buf, uint16_t family, uint16_t flags,
				  uint32_t seq, uint8_t cmd, uint8_t version);

/* Resolves a family name to its id over an open, bound NETLINK_GENERIC
 * socket. Returns 0, or a negative errno: -ENOENT when the kernel has no
 * such family, -EBADMSG for a reply that does not answer the question. */
int genl_resolve_family(struct mnl_socket *nl, const char *name, uint16_t *id);

/* Reads the id of family `name` out of one CTRL_CMD_NEWFAMILY reply.
 * Returns 0, or -EBADMSG when the message is not that reply. */
int genl_parse_family_msg(const struct nlmsghdr *nlh, const char *name, uint16_t *id);

#endif
