/*
 * uci_keepalived.h - OpenWrt's /etc/config/keepalived turned into the
 * keepalived.conf that OpenWrt's own keepalived init script writes for it
 * (its process_config), so that a box moving from the keepalived package
 * to lvsbox keeps its UCI file, its LuCI pages and its hotplug scripts.
 *
 * The sections and options read are the init script's: globals,
 * static_ipaddress/ipaddress, static_routes/route, interface_up_down_delays,
 * vrrp_script, bfd_instance, vrrp_sync_group, vrrp_instance (with
 * track_interface, track_bfd, peer, ipaddress and route sections named by
 * their `name` option), virtual_server/real_server/url. Every state change
 * runs `/bin/busybox env -i ACTION=... TYPE=... NAME=... HOTPLUG_CALL
 * keepalived` as the init script arranges, through the notify lines it
 * writes. What the script does oddly is kept and listed in
 * docs/openwrt-keepalived.md; what it would write as a broken config
 * (a value holding a newline or a double quote, a port that is no
 * number, a route with a source but no device) is an error naming the
 * UCI line instead.
 */
#ifndef LVSBOX_UCI_KEEPALIVED_H
#define LVSBOX_UCI_KEEPALIVED_H

#include <stddef.h>
#include "strbuf.h"
#include "uci_parse.h"

#define UCI_HOTPLUG_CALL "/sbin/hotplug-call"

struct uci_keepalived_opts {
	const char *hotplug_call;   /* NULL: UCI_HOTPLUG_CALL */
};

/* The keepalived config into out. 0, or -1 with err ("file:line: reason"). */
int uci_keepalived(const struct uci_pkg *pkg, const struct uci_keepalived_opts *opts,
		   struct strbuf *out, char *err, size_t errsize);

/* globals' alt_config_file (the file the init script runs instead, when it
 * exists), or NULL. */
const char *uci_keepalived_alt_config(const struct uci_pkg *pkg);

#endif
