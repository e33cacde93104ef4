/*
 * conf_script.c - the global_defs settings that decide who runs a script
 * whose own line names no user, read from the parsed config.
 */
#include <pwd.h>
#include <stddef.h>
#include "conf.h"
#include "conf_script.h"

const char *conf_default_script_user(const struct conf_global *g, const char **group)
{
	*group = NULL;
	if (g->script_user) {
		*group = g->script_group;
		return g->script_user;
	}
	return getpwnam("keepalived_script") ? "keepalived_script" : NULL;
}
