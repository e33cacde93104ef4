/*
 * conf_script.h - global_defs' say in who runs a script (script_user,
 * keepalived_script), read from the parsed config.
 */
#ifndef LVSBOX_CONF_SCRIPT_H
#define LVSBOX_CONF_SCRIPT_H

#include "conf.h"

/* The user of a script whose own config names none: global_defs'
 * script_user (and *group), else keepalived_script when that account
 * exists, else NULL: ourselves, which keepalived 2.2.7 refuses under
 * enable_script_security (the script is dropped). */
const char *conf_default_script_user(const struct conf_global *g, const char **group);

#endif
