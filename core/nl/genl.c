/*
 * genl.c - generic netlink request headers and family id lookup.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "genl.h"
#include "nl_attr.h"
#include "nl_exchange.h"

struct nlmsghdr *genl_put_request(void *buf, uint16_t family, uint16_t flags,
				  uint32_t seq, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/* Only the name and the id are read; the rest (ops, multicast groups,
 * versions) has no rule and passes unchecked. */
static const struct nl_attr_rule ctrl_rules[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = { MNL_TYPE_U16, 0 },
	[CTRL_ATTR_FAMILY_NAME] = { MNL_TYPE_NUL_STRING, 0 },
};

int genl_parse_family_msg(const struct nlmsghdr *nlh, const char *name, uint16_t *id)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_type != GENL_ID_CTRL || genl->cmd != CTRL_CMD_NEWFAMILY)
		return -EBADMSG;
	if (nl_attr_parse(nlh, GENL_HDRLEN, ctrl_rules, CTRL_ATTR_MAX, tb) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_NAME] || !tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	/* A reply for another family would mean a confused kernel or a stray
	 * message; either way the id is not the one asked for. */
	if (strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), name) != 0)
		return -EBADMSG;
	*id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (*id == 0)
		return -EBADMSG;
	return 0;
}

struct lookup {
	const char *name;
	uint16_t id;
};

static int on_family_reply(const struct nlmsghdr *nlh, void *data)
{
	struct lookup *lk = data;

	return genl_parse_family_msg(nlh, lk->name, &lk->id);
}

int genl_resolve_family(struct mnl_socket *nl, const char *name, uint16_t *id)
{
	char req[MNL_NLMSG_HDRLEN + GENL_HDRLEN + MNL_ATTR_HDRLEN + GENL_NAMSIZ];
	struct lookup lk = { .name = name };
	struct nlmsghdr *nlh;
	struct nl_exchange x = {
		.fd = mnl_socket_get_fd(nl),
		.portid = mnl_socket_get_portid(nl),
		.on_data = on_family_reply,
		.arg = &lk,
	};
	int rc;

	if (strlen(name) >= GENL_NAMSIZ)
		return -ENAMETOOLONG;
	/* The reply comes first, then the acknowledgement ends the exchange. */
	nlh = genl_put_request(req, GENL_ID_CTRL, NLM_F_ACK, (uint32_t)time(NULL),
			       CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	x.req = nlh;
	x.req_len = nlh->nlmsg_len;
	rc = nl_exchange_run(&x);
	if (rc)
		return rc;
	if (!lk.id)
		return -EBADMSG;
	*id = lk.id;
	return 0;
}
