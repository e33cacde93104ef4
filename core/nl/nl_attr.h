/*
 * nl_attr.h - attribute validation tables shared by every netlink reader.
 *
 * A reader describes the attributes it knows once, as a table of rules
 * indexed by attribute type; parsing checks each known attribute against its
 * rule before the reader may look at it, and skips the types above the
 * table's end, which a newer kernel may send and which are not ours to judge.
 */
#ifndef LVSBOX_NL_ATTR_H
#define LVSBOX_NL_ATTR_H

#include <stddef.h>
#include <stdint.h>
#include "mnl.h"

struct nl_attr_rule {
	enum mnl_attr_data_type type;   /* MNL_TYPE_UNSPEC (a zero entry): any payload */
	size_t len;                     /* exact payload length for BINARY, else 0 */
};

/* Fills tb[0..max] with the message's attributes, which start offset bytes
 * into its payload (after the family header). 0, or -EBADMSG when an
 * attribute breaks its rule. */
int nl_attr_parse(const struct nlmsghdr *nlh, unsigned offset,
		  const struct nl_attr_rule *rules, uint16_t max, const struct nlattr **tb);

/* The same for the attributes nested in nest. */
int nl_attr_parse_nested(const struct nlattr *nest,
			 const struct nl_attr_rule *rules, uint16_t max, const struct nlattr **tb);

#endif
