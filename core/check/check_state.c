/*
 * check_state.c - a real server's state from its checks' verdicts: up when
 * every check is up, and the weight misc_dynamic scripts give it.
 */
#include "check_model.h"

/* misc_dynamic: an exit code 2..255 sets the weight to code - 2 (keepalived:
 * each such checker adds code - 2 - the configured weight); 0 keeps it. */
int check_rs_weight(const struct rserver *rs)
{
	long w = rs->conf_weight;

	for (int i = 0; i < rs->nchecks; i++) {
		const struct check *c = rs_check(rs, i);
		if (c->misc_status >= 2 && check_misc_dynamic(c))
			w += c->misc_status - 2 - rs->conf_weight;
	}
	return w < 0 ? 0 : w > INT32_MAX ? INT32_MAX : (int)w;
}

bool check_rs_all_up(const struct rserver *rs)
{
	for (int i = 0; i < rs->nchecks; i++)
		if (!rs_check(rs, i)->st.up)
			return false;
	return true;
}
