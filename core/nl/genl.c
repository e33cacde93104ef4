/*
 * genl.c - generic netlink request headers and family id lookup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "genl.h"

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

struct ctrl_attrs {
	const struct nlattr *name, *id;
};

static int collect_ctrl_attr(const struct nlattr *attr, void *data)
{
	struct ctrl_attrs *found = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_NAME:
		found->name = attr;
		break;
	case CTRL_ATTR_FAMILY_ID:
		found->id = attr;
		break;
	default:
		break;   /* ops, groups, versions: not needed */
	}
	return MNL_CB_OK;
}

int genl_parse_family_msg(const struct nlmsghdr *nlh, const char *name, uint16_t *id)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct ctrl_attrs found = { 0 };

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_type != GENL_ID_CTRL || genl->cmd != CTRL_CMD_NEWFAMILY)
		return -EBADMSG;
	mnl_attr_parse(nlh, GENL_HDRLEN, collect_ctrl_attr, &found);
	if (!found.name || !found.id ||
	    mnl_attr_validate(found.name, MNL_TYPE_NUL_STRING) < 0 ||
	    mnl_attr_validate(found.id, MNL_TYPE_U16) < 0)
		return -EBADMSG;
	/* A reply for another family would mean a confused kernel or a stray
	 * message; either way the id is not the one asked for. */
	if (strcmp(mnl_attr_get_str(found.name), name) != 0)
		return -EBADMSG;
	*id = mnl_attr_get_u16(found.id);
	if (*id == 0)
		return -EBADMSG;
	return 0;
}

struct lookup {
	const char *name;
	uint16_t id;
	int err;        /* set when the reply itself is malformed */
};

static int on_family_reply(const struct nlmsghdr *nlh, void *data)
{
	struct lookup *lk = data;

	lk->err = genl_parse_family_msg(nlh, lk->name, &lk->id);
	return lk->err ? MNL_CB_ERROR : MNL_CB_OK;
}

int genl_resolve_family(struct mnl_socket *nl, const char *name, uint16_t *id)
{
	size_t bufsize = 8192;   /* a family reply with its ops list fits easily */
	char *buf = malloc(bufsize);
	struct lookup lk = { .name = name };
	uint32_t seq = (uint32_t)time(NULL);
	unsigned portid = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh;
	int rc = MNL_CB_OK;

	if (!buf)
		return -ENOMEM;
	if (strlen(name) >= GENL_NAMSIZ) {
		free(buf);
		return -ENAMETOOLONG;
	}
	nlh = genl_put_request(buf, GENL_ID_CTRL, NLM_F_ACK, seq, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	/* The reply comes first, then the acknowledgement ends the exchange. */
	while (rc > MNL_CB_STOP) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, bufsize);

		if (n < 0) {
			rc = -errno;
			goto out;
		}
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, on_family_reply, &lk);
		if (rc == MNL_CB_ERROR) {
			rc = lk.err ? lk.err : -errno;
			goto out;
		}
	}
	rc = lk.id ? 0 : -EBADMSG;
	if (!rc)
		*id = lk.id;
out:
	free(buf);
	return rc;
}
