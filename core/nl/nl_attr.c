/*
 * nl_attr.c - attribute validation tables (see nl_attr.h): one place decides
 * what a well-formed attribute is, so no reader trusts a length it has not
 * checked.
 */
#include <errno.h>
#include <string.h>
#include "nl_attr.h"

struct attr_table {
	const struct nlattr **tb;
	uint16_t max;
	const struct nl_attr_rule *rules;
};

static int collect_attr(const struct nlattr *attr, void *data)
{
	struct attr_table *t = data;
	uint16_t type = mnl_attr_get_type(attr);
	const struct nl_attr_rule *rule;
	int rc;

	if (mnl_attr_type_valid(attr, t->max) < 0)
		return MNL_CB_OK;   /* from a newer kernel: not ours to judge */
	rule = &t->rules[type];
	if (rule->len)
		rc = mnl_attr_validate2(attr, rule->type, rule->len);
	else
		rc = mnl_attr_validate(attr, rule->type);
	if (rc < 0)
		return MNL_CB_ERROR;
	t->tb[type] = attr;
	return MNL_CB_OK;
}

int nl_attr_parse(const struct nlmsghdr *nlh, unsigned offset,
		  const struct nl_attr_rule *rules, uint16_t max, const struct nlattr **tb)
{
	struct attr_table t = { tb, max, rules };

	memset(tb, 0, (max + 1u) * sizeof(*tb));
	return mnl_attr_parse(nlh, offset, collect_attr, &t) == MNL_CB_ERROR ? -EBADMSG : 0;
}

int nl_attr_parse_nested(const struct nlattr *nest,
			 const struct nl_attr_rule *rules, uint16_t max, const struct nlattr **tb)
{
	struct attr_table t = { tb, max, rules };

	memset(tb, 0, (max + 1u) * sizeof(*tb));
	return mnl_attr_parse_nested(nest, collect_attr, &t) == MNL_CB_ERROR ? -EBADMSG : 0;
}
