/*
 * uci_keepalived.c - /etc/config/keepalived into keepalived.conf, block for
 * block and line for line as OpenWrt's keepalived init script writes it
 * (uci_keepalived.h). The shell's ways are kept where they decide what
 * is written: an option's value is split at blanks where the script loops
 * over it, quoted when it holds more than one word, and empty means unset;
 * config_list_foreach sees only `list` values; booleans read as
 * config_get_bool reads them.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "uci_keepalived.h"

#define I1 "\t"
#define I2 "\t\t"
#define I3 "\t\t\t"
#define I4 "\t\t\t\t"
#define UCI_MAX_LOOKUPS 10000000  /* a file of names referring to each other can cost no more */

struct tr {
	const struct uci_pkg *pkg;
	struct strbuf *o;
	const char *hotplug;
	char *err;
	size_t errsize;
	bool failed;
	unsigned long steps;        /* sections visited by lookups, bounded */
	struct strbuf scratch;      /* a list's values joined, for val() */
};

static void fail(struct tr *t, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct tr *t, int line, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	if (t->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	snprintf(t->err, t->errsize, "%s:%d: %s", t->pkg->file, line, reason);
	t->failed = true;
}

/* config_get: the option's value, a list's values joined by one space; ""
 * when unset. Valid until the next call. */
static const char *val(struct tr *t, const struct uci_sec *s, const char *name)
{
	const struct uci_opt *o = uci_opt_get(s, name);

	if (!o || o->nvalues == 0)
		return "";
	if (o->nvalues == 1)
		return o->values[0];
	strbuf_reset(&t->scratch);
	for (int i = 0; i < o->nvalues; i++) {
		if (i)
			strbuf_putc(&t->scratch, ' ');
		strbuf_puts(&t->scratch, o->values[i]);
	}
	if (t->scratch.oom) {
		fail(t, s->line, "out of memory");
		return "";
	}
	return t->scratch.data;
}

static char *val_dup(struct tr *t, const struct uci_sec *s, const char *name)
{
	char *v = strdup(val(t, s, name));
	if (!v)
		fail(t, s->line, "out of memory");
	return v;
}

static int opt_line(const struct uci_sec *s, const char *name)
{
	const struct uci_opt *o = uci_opt_get(s, name);
	return o ? o->line : s->line;
}

/* config_get_bool */
static bool val_bool(struct tr *t, const struct uci_sec *s, const char *name, bool def)
{
	const char *v = val(t, s, name);
	static const char *const yes[] = { "1", "on", "true", "yes", "enabled" };
	static const char *const no[] = { "0", "off", "false", "no", "disabled" };

	for (size_t i = 0; i < 5; i++) {
		if (strcmp(v, yes[i]) == 0)
			return true;
		if (strcmp(v, no[i]) == 0)
			return false;
	}
	return def;
}

/* What the script would print but keepalived's parser cannot take back. */
static const char *checked(struct tr *t, const struct uci_sec *s, const char *name, const char *v)
{
	if (strpbrk(v, "\"\n\r"))
		fail(t, opt_line(s, name), "option '%s': a newline or a double quote cannot go into keepalived's config",
		     name);
	return v;
}

/* The next blank-separated word of *cur (the shell's for loop), copied
 * into w; false at the end. */
static bool next_word(const char **cur, char *w, size_t wsize)
{
	const char *p = *cur;
	while (*p && isspace((unsigned char)*p))
		p++;
	if (!*p)
		return false;
	size_t n = 0;
	while (p[n] && !isspace((unsigned char)p[n]))
		n++;
	snprintf(w, wsize, "%.*s", (int)(n < wsize ? n : wsize - 1), p);
	*cur = p + n;
	return true;
}

static int word_count(const char *v)
{
	char w[8];
	int n = 0;
	while (next_word(&v, w, sizeof(w)))
		n++;
	return n;
}

/* print_elems_indent: each set option as "KEY VALUE" (quoted when more
 * than one word); a "no_val_" name prints its key alone. */
static void elems(struct tr *t, const struct uci_sec *s, const char *indent, const char *const *names)
{
	for (; *names; names++) {
		const char *name = *names;
		bool no_val = strncmp(name, "no_val_", 7) == 0;
		if (no_val)
			name += 7;
		const char *v = val(t, s, name);
		if (!*v)
			continue;
		strbuf_printf(t->o, "%s%s", indent, name);
		if (!no_val) {
			checked(t, s, name, v);
			strbuf_printf(t->o, word_count(v) > 1 ? " \"%s\"" : " %s", v);
		}
		strbuf_putc(t->o, '\n');
	}
}

static void block_open(struct tr *t, const char *indent, const char *tag, const char *name)
{
	strbuf_printf(t->o, "%s%s%s%s {\n", indent, tag, name ? " " : "", name ? name : "");
}

static void block_close(struct tr *t, const char *indent)
{
	strbuf_printf(t->o, "%s}\n\n", indent);
}

/* print_list_indent: one word a line in a block named name. */
static void word_block(struct tr *t, const struct uci_sec *s, const char *opt, const char *name,
		       const char *v, const char *indent)
{
	char w[512];

	if (!*v)
		return;
	checked(t, s, opt, v);
	strbuf_printf(t->o, "%s%s {\n", indent, name);
	while (next_word(&v, w, sizeof(w)))
		strbuf_printf(t->o, "%s" I1 "%s\n", indent, w);
	strbuf_printf(t->o, "%s}\n", indent);
}

/* print_notify: every named notify runs hotplug-call with ACTION (the
 * keyword in capitals), TYPE and NAME, whatever the UCI file says. */
static void notifies(struct tr *t, const char *type, const char *name, const char *indent,
		     const char *const *keys)
{
	for (; *keys; keys++) {
		char action[32];
		size_t i;
		for (i = 0; (*keys)[i] && i + 1 < sizeof(action); i++)
			action[i] = (char)toupper((unsigned char)(*keys)[i]);
		action[i] = '\0';
		strbuf_printf(t->o, "%s%s \"/bin/busybox env -i ACTION=%s TYPE=%s NAME=%s %s keepalived\"\n",
			      indent, *keys, action, type, name, t->hotplug);
	}
}

typedef void each_fn(struct tr *t, const struct uci_sec *s, const char *arg, const char *indent);

/* config_foreach: fn on every section of type, in file order. */
static void foreach(struct tr *t, const char *type, each_fn *fn, const char *arg, const char *indent)
{
	t->steps += (unsigned long)t->pkg->nsecs;
	if (t->steps > UCI_MAX_LOOKUPS)
		fail(t, 1, "more than %d section lookups: too many names referring to sections", UCI_MAX_LOOKUPS);
	for (int i = 0; i < t->pkg->nsecs && !t->failed; i++)
		if (strcmp(t->pkg->secs[i].type, type) == 0)
			fn(t, &t->pkg->secs[i], arg, indent);
}

/* The sections named by the words of a value (ipaddress names, routes...):
 * for each word, every section of type whose name it is, through fn. */
static void named(struct tr *t, const struct uci_sec *s, const char *opt, const char *type, each_fn *fn,
		  const char *indent)
{
	char w[512];
	char *v = val_dup(t, s, opt);
	const char *cur = v;

	while (v && next_word(&cur, w, sizeof(w)) && !t->failed)
		foreach(t, type, fn, w, indent);
	free(v);
}

/* ---- global_defs ---- */

static void globals(struct tr *t, const struct uci_sec *s, const char *arg, const char *indent)
{
	static const char *const keys[] = { "notification_email_from", "smtp_server", "smtp_connect_timeout",
					    "router_id", "vrrp_mcast_group4", "vrrp_mcast_group6",
					    "vrrp_startup_delay", NULL };
	(void)arg;
	(void)indent;
	strbuf_puts(t->o, I1 "script_user root\n" I1 "enable_script_security\n" I1 "process_names\n");
	strbuf_printf(t->o, I1 "startup_script \"/bin/busybox env -i ACTION=startup %s keepalived\"\n", t->hotplug);
	strbuf_puts(t->o, I1 "startup_script_timeout 10\n");
	strbuf_printf(t->o, I1 "shutdown_script \"/bin/busybox env -i ACTION=shutdown %s keepalived\"\n", t->hotplug);
	strbuf_puts(t->o, I1 "shutdown_script_timeout 10\n");
	word_block(t, s, "notification_email", "notification_email", val(t, s, "notification_email"), I1);
	elems(t, s, I1, keys);
}

/* ---- addresses, routes, tracking, peers: sections named by a word ---- */

static void ipaddress(struct tr *t, const struct uci_sec *s, const char *want, const char *indent)
{
	if (strcmp(val(t, s, "name"), want) != 0)
		return;
	char *address = val_dup(t, s, "address"), *device = val_dup(t, s, "device");
	char *scope = val_dup(t, s, "scope"), *suffix = val_dup(t, s, "label_suffix");

	if (address && device && scope && suffix && *address) {
		checked(t, s, "address", address);
		checked(t, s, "device", device);
		checked(t, s, "scope", scope);
		checked(t, s, "label_suffix", suffix);
		if (!*device) {
			strbuf_printf(t->o, "%s%s", indent, address);
		} else {
			strbuf_printf(t->o, "%s%s dev %s label %s:%s", indent, address, device, device,
				      *suffix ? suffix : "vip");
			if (*scope)
				strbuf_printf(t->o, " scope %s", scope);
		}
		strbuf_putc(t->o, '\n');
	}
	free(address);
	free(device);
	free(scope);
	free(suffix);
}

/* print_route_indent (which reads no scope, though it declares one). */
static void route(struct tr *t, const struct uci_sec *s, const char *want, const char *indent)
{
	static const char *const keys[] = { "address", "src_addr", "gateway", "device", "table" };
	char *v[5];

	if (strcmp(val(t, s, "name"), want) != 0)
		return;
	bool blackhole = val_bool(t, s, "blackhole", false);
	for (int i = 0; i < 5; i++)
		v[i] = val_dup(t, s, keys[i]);
	for (int i = 0; i < 5; i++)
		if (v[i])
			checked(t, s, keys[i], v[i]);
	const char *address = v[0], *src = v[1], *gw = v[2], *dev = v[3], *table = v[4];
	if (!address || !src || !gw || !dev || !table || !*address)
		goto out;
	if (blackhole) {
		strbuf_printf(t->o, "%sblackhole %s\n", indent, address);
		goto out;
	}
	if (*src) {
		if (!*dev) {
			fail(t, opt_line(s, "src_addr"), "route '%s': src_addr without a device", want);
			goto out;
		}
		strbuf_printf(t->o, "%ssrc %s %s", indent, src, address);
	} else {
		if (!*dev)
			goto out;
		strbuf_printf(t->o, "%s%s", indent, address);
	}
	if (*gw)
		strbuf_printf(t->o, " via %s", gw);
	strbuf_printf(t->o, " dev %s", dev);
	if (*table)
		strbuf_printf(t->o, " table %s", table);
	strbuf_putc(t->o, '\n');
out:
	for (int i = 0; i < 5; i++)
		free(v[i]);
}

/* print_track_script_indent: the script does not compare the name with
 * the word it was called for, so every named vrrp_script is written, once
 * for each word of track_script. */
static void track_script(struct tr *t, const struct uci_sec *s, const char *want, const char *indent)
{
	(void)want;
	char *name = val_dup(t, s, "name"), *weight = val_dup(t, s, "weight");
	const char *dir = val(t, s, "direction");

	if (name && weight && *name) {
		if (strcmp(dir, "reverse") != 0 && strcmp(dir, "noreverse") != 0)
			dir = "";
		strbuf_printf(t->o, "%s%s", indent, checked(t, s, "name", name));
		if (*weight)
			strbuf_printf(t->o, " weight %s %s", checked(t, s, "weight", weight), dir);
		strbuf_putc(t->o, '\n');
	}
	free(name);
	free(weight);
}

static void track_interface(struct tr *t, const struct uci_sec *s, const char *want, const char *indent)
{
	if (strcmp(val(t, s, "name"), want) != 0)
		return;
	char *value = val_dup(t, s, "value");
	const char *weight = val(t, s, "weight");
	if (value && *value) {
		strbuf_printf(t->o, "%s%s", indent, checked(t, s, "value", value));
		if (*weight)
			strbuf_printf(t->o, " weight %s", checked(t, s, "weight", weight));
		strbuf_putc(t->o, '\n');
	}
	free(value);
}

static void track_bfd(struct tr *t, const struct uci_sec *s, const char *want, const char *indent)
{
	if (strcmp(val(t, s, "name"), want) != 0)
		return;
	const char *weight = val(t, s, "weight");
	strbuf_printf(t->o, "%s%s", indent, want);
	if (*weight)
		strbuf_printf(t->o, " weight %s", checked(t, s, "weight", weight));
	strbuf_putc(t->o, '\n');
}

static void peer(struct tr *t, const struct uci_sec *s, const char *want, const char *indent)
{
	static const char *const keys[] = { "min_ttl", "max_ttl" };

	if (strcmp(val(t, s, "name"), want) != 0)
		return;
	char *address = val_dup(t, s, "address");
	if (address && *address) {
		strbuf_printf(t->o, "%s%s", indent, checked(t, s, "address", address));
		for (int i = 0; i < 2; i++) {
			const char *v = val(t, s, keys[i]);
			if (*v)
				strbuf_printf(t->o, " %s %s", keys[i], checked(t, s, keys[i], v));
		}
		strbuf_putc(t->o, '\n');
	}
	free(address);
}

/* ---- top-level blocks ---- */

static void static_ipaddress(struct tr *t, const struct uci_sec *s, const char *arg, const char *indent)
{
	(void)arg;
	(void)indent;
	named(t, s, "address", "ipaddress", ipaddress, I1);
}

static void static_routes(struct tr *t, const struct uci_sec *s, const char *arg, const char *indent)
{
	(void)arg;
	(void)indent;
	named(t, s, "route", "route", route, I1);
}

static void up_down_delays(struct tr *t, const struct uci_sec *s, const char *arg, const char *indent)
{
	(void)arg;
	(void)indent;
	char *device = val_dup(t, s, "device"), *down = val_dup(t, s, "down_delay");
	const char *up = val(t, s, "up_delay");

	if (device && down && *device && *down) {
		strbuf_printf(t->o, I1 "%s %s", checked(t, s, "device", device), checked(t, s, "down_delay", down));
		if (*up)
			strbuf_printf(t->o, " %s", checked(t, s, "up_delay", up));
		strbuf_putc(t->o, '\n');
	}
	free(device);
	free(down);
}

static void vrrp_script(struct tr *t, const struct uci_sec *s, const char *arg, const char *indent)
{
	static const char *const keys[] = { "script", "interval", "weight", "fall", "rise", "timeout", NULL };
	(void)arg;
	(void)indent;
	char *name = val_dup(t, s, "name");

	if (name && *name) {
		block_open(t, "", "vrrp_script", checked(t, s, "name", name));
		elems(t, s, I1, keys);
		block_close(t, "");
	}
	free(name);
}

static void bfd_instance(struct tr *t, const struct uci_sec *s, const char *arg, const char *indent)
{
	static const char *const keys[] = { "neighbor_ip", "source_ip", "min_rx", "min_tx", "idle_tx",
					    "hoplimit", "max_hops", NULL };
	(void)arg;
	(void)indent;
	char *name = val_dup(t, s, "name");

	if (name && *name) {
		block_open(t, "", "bfd_instance", checked(t, s, "name", name));
		elems(t, s, I1, keys);
		block_close(t, "");
	}
	free(name);
}

static bool instance_exists(struct tr *t, const struct uci_sec *s, const char *name)
{
	t->steps += (unsigned long)t->pkg->nsecs;
	if (t->steps > UCI_MAX_LOOKUPS)
		fail(t, s->line, "more than %d section lookups: too many names referring to sections", UCI_MAX_LOOKUPS);
	for (int i = 0; i < t->pkg->nsecs; i++)
		if (strcmp(t->pkg->secs[i].type, "vrrp_instance") == 0 &&
		    strcmp(val(t, &t->pkg->secs[i], "name"), name) == 0)
			return true;
	return false;
}

/* A track_script block, as the script writes it (see track_script()). */
static void track_scripts(struct tr *t, const struct uci_sec *s)
{
	char w[512];
	char *v = val_dup(t, s, "track_script");
	const char *cur = v;

	if (v && *v) {
		block_open(t, I1, "track_script", NULL);
		while (next_word(&cur, w, sizeof(w)) && !t->failed)
			foreach(t, "vrrp_script", track_script, w, I2);
		block_close(t, I1);
	}
	free(v);
}

static void sync_group(struct tr *t, const struct uci_sec *s, const char *arg, const char *indent)
{
	static const char *const keys[] = { "no_val_smtp_alert", "no_val_global_tracking", NULL };
	static const char *const notify[] = { "notify_backup", "notify_master", "notify_fault", "notify", NULL };
	(void)arg;
	(void)indent;
	char *name = val_dup(t, s, "name"), *group = val_dup(t, s, "group");
	struct strbuf members = { 0 };
	char w[512];
	const char *cur = group;

	if (!name || !group || !*name || !*group)
		goto out;
	checked(t, s, "name", name);
	while (next_word(&cur, w, sizeof(w)) && !t->failed)
		if (instance_exists(t, s, w))
			strbuf_printf(&members, " %s", w);
	if (!members.data)
		goto out;
	block_open(t, "", "vrrp_sync_group", name);
	word_block(t, s, "group", "group", members.data, I1);
	elems(t, s, I1, keys);
	track_scripts(t, s);
	notifies(t, "GROUP", name, I1, notify);
	block_close(t, "");
out:
	strbuf_free(&members);
	free(name);
	free(group);
}

static void vrrp_instance(struct tr *t, const struct uci_sec *s, const char *arg, const char *indent)
{
	static const char *const keys[] = {
		"state", "interface", "mcast_src_ip", "unicast_src_ip", "virtual_router_id", "version",
		"priority", "advert_int", "preempt_delay", "debug", "lvs_sync_daemon_interface",
		"garp_master_delay", "garp_master_refresh", "garp_master_repeat", "garp_master_refresh_repeat",
		"no_val_vmac_xmit_base", "no_val_native_ipv6", "no_val_accept", "no_val_dont_track_primary",
		"no_val_smtp_alert", "no_val_nopreempt", "no_val_use_vmac", "no_val_no_accept", NULL };
	static const char *const notify[] = { "notify_backup", "notify_master", "notify_fault", "notify_stop", NULL };
	static const struct {
		const char *opt, *type;
		each_fn *fn;
	} lists[] = {
		{ "virtual_ipaddress", "ipaddress", ipaddress },
		{ "virtual_ipaddress_excluded", "ipaddress", ipaddress },
		{ "virtual_routes", "route", route },
		{ NULL, NULL, NULL },        /* track_script goes here */
		{ "track_interface", "track_interface", track_interface },
		{ "track_bfd", "bfd_instance", track_bfd },
		{ "unicast_peer", "peer", peer },
	};
	(void)arg;
	(void)indent;
	char *name = val_dup(t, s, "name");

	if (!name || !*name)
		goto out;
	block_open(t, "", "vrrp_instance", checked(t, s, "name", name));
	char *type = val_dup(t, s, "auth_type"), *pass = val_dup(t, s, "auth_pass");
	if (type && pass && *type && *pass)
		strbuf_printf(t->o, I1 "authentication {\n" I2 "auth_type %s\n" I2 "auth_pass %s\n" I1 "}\n",
			      checked(t, s, "auth_type", type), checked(t, s, "auth_pass", pass));
	free(type);
	free(pass);
	elems(t, s, I1, keys);
	notifies(t, "INSTANCE", name, I1, notify);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]) && !t->failed; i++) {
		if (!lists[i].opt) {
			track_scripts(t, s);
			continue;
		}
		if (!*val(t, s, lists[i].opt))
			continue;
		block_open(t, I1, lists[i].opt, NULL);
		named(t, s, lists[i].opt, lists[i].type, lists[i].fn, I2);
		block_close(t, I1);
	}
	block_close(t, "");
out:
	free(name);
}

/* printf %d as the shell's: decimal, 0x hex or 0 octal, nothing else. */
static bool shell_int(const char *v, long long *n)
{
	char *end;
	*n = strtoll(v, &end, 0);
	while (*end && isspace((unsigned char)*end))
		end++;
	return end != v && !*end;
}

static void url(struct tr *t, const struct uci_sec *s, const char *want, const char *indent)
{
	(void)indent;
	if (strcmp(val(t, s, "name"), want) != 0)
		return;
	char *path = val_dup(t, s, "path");
	const char *digest = val(t, s, "digest");
	if (path && *path && *digest)
		strbuf_printf(t->o, I3 "url {\n" I4 "path %s\n" I4 "digest %s\n" I3 "}\n",
			      checked(t, s, "path", path), checked(t, s, "digest", digest));
	free(path);
}

static void real_server(struct tr *t, const struct uci_sec *s, const char *want, const char *indent)
{
	static const char *const notify[] = { "notify_up", "notify_down", NULL };
	static const char *const tcp[] = { "connect_timeout", "connect_port", NULL };
	static const char *const misc[] = { "misc_path", NULL };
	static const char *const http[] = { "connect_timeout", "connect_port", "nb_get_retry",
					    "delay_before_retry", NULL };
	(void)indent;
	long long port, weight;

	if (!val_bool(t, s, "enabled", true) || strcmp(val(t, s, "name"), want) != 0)
		return;
	const char *w = val(t, s, "weight");
	if (!*w)
		return;
	if (!shell_int(w, &weight)) {
		fail(t, opt_line(s, "weight"), "real_server '%s': weight '%s' is not a number", want, w);
		return;
	}
	char *ip = val_dup(t, s, "ipaddr"), *p = val_dup(t, s, "port"), *check = val_dup(t, s, "check");
	if (!ip || !p || !check || !*ip || !*p)
		goto out;
	if (!shell_int(p, &port)) {
		fail(t, opt_line(s, "port"), "real_server '%s': port '%s' is not a number", want, p);
		goto out;
	}
	strbuf_printf(t->o, I1 "real_server %s %lld {\n" I2 "weight %lld\n", checked(t, s, "ipaddr", ip), port,
		      weight);
	notifies(t, "REAL_SERVER", checked(t, s, "name", want), I2, notify);
	const char *const *keys = NULL;
	if (strcmp(check, "TCP_CHECK") == 0)
		keys = tcp;
	else if (strcmp(check, "MISC_CHECK") == 0)
		keys = misc;
	else if (strcmp(check, "HTTP_GET") == 0 || strcmp(check, "SSL_GET") == 0)
		keys = http;
	if (keys || strcmp(check, "PING_CHECK") == 0) {
		strbuf_printf(t->o, I2 "%s {\n", check);
		if (keys)
			elems(t, s, I3, keys);
		const struct uci_opt *urls = uci_opt_get(s, "url");
		if (keys == http && urls && urls->is_list)
			for (int i = 0; i < urls->nvalues && !t->failed; i++)
				foreach(t, "url", url, urls->values[i], NULL);
		strbuf_puts(t->o, I2 "}\n");
	}
	strbuf_puts(t->o, I1 "}\n");
out:
	free(ip);
	free(p);
	free(check);
}

static void virtual_server(struct tr *t, const struct uci_sec *s, const char *arg, const char *indent)
{
	static const char *const keys[] = { "fwmark", "delay_loop", "lb_kind", "persistence_timeout",
					    "persistence_granularity", "virtualhost", "protocol", NULL };
	(void)arg;
	(void)indent;

	if (!val_bool(t, s, "enabled", true))
		return;
	char *ip = val_dup(t, s, "ipaddr"), *port = val_dup(t, s, "port");
	char *algo = val_dup(t, s, "lb_algo"), *sorry_ip = val_dup(t, s, "sorry_server_ip");
	char *sorry_port = val_dup(t, s, "sorry_server_port");
	if (!ip || !port || !algo || !sorry_ip || !sorry_port || !*ip || !*port)
		goto out;
	strbuf_printf(t->o, "virtual_server %s %s {\n", checked(t, s, "ipaddr", ip), checked(t, s, "port", port));
	elems(t, s, I1, keys);
	strbuf_printf(t->o, I1 "lb_algo %s\n", *algo ? checked(t, s, "lb_algo", algo) : "rr");
	if (*sorry_ip && *sorry_port)
		strbuf_printf(t->o, I1 "sorry_server %s %s\n", checked(t, s, "sorry_server_ip", sorry_ip),
			      checked(t, s, "sorry_server_port", sorry_port));
	const struct uci_opt *rs = uci_opt_get(s, "real_server");
	if (rs && rs->is_list)
		for (int i = 0; i < rs->nvalues && !t->failed; i++)
			foreach(t, "real_server", real_server, rs->values[i], NULL);
	block_close(t, "");
out:
	free(ip);
	free(port);
	free(algo);
	free(sorry_ip);
	free(sorry_port);
}

static const struct uci_sec *named_section(const struct uci_pkg *pkg, const char *name)
{
	for (int i = 0; i < pkg->nsecs; i++)
		if (pkg->secs[i].name && strcmp(pkg->secs[i].name, name) == 0)
			return &pkg->secs[i];
	return NULL;
}

const char *uci_keepalived_alt_config(const struct uci_pkg *pkg)
{
	const struct uci_sec *g = named_section(pkg, "globals");
	const struct uci_opt *o = g ? uci_opt_get(g, "alt_config_file") : NULL;

	if (!o || o->nvalues != 1 || !o->values[0][0])
		return NULL;
	return o->values[0];
}

int uci_keepalived(const struct uci_pkg *pkg, const struct uci_keepalived_opts *opts,
		   struct strbuf *out, char *err, size_t errsize)
{
	struct tr t = { .pkg = pkg, .o = out, .err = err, .errsize = errsize };
	static const struct {
		const char *block, *type;
		each_fn *fn;
	} steps[] = {
		{ "global_defs", "globals", globals },
		{ "static_ipaddress", "static_ipaddress", static_ipaddress },
		{ "static_routes", "static_routes", static_routes },
		{ "interface_up_down_delays", "interface_up_down_delays", up_down_delays },
		{ NULL, "vrrp_script", vrrp_script },
		{ NULL, "bfd_instance", bfd_instance },
		{ NULL, "vrrp_sync_group", sync_group },
		{ NULL, "vrrp_instance", vrrp_instance },
		{ NULL, "virtual_server", virtual_server },
	};

	t.hotplug = opts && opts->hotplug_call ? opts->hotplug_call : UCI_HOTPLUG_CALL;
	if (strpbrk(t.hotplug, "\" \t\n\r")) {
		snprintf(err, errsize, "the hotplug-call path may not hold blanks or quotes");
		return -1;
	}
	strbuf_printf(out, "! Configuration file for keepalived, generated by lvsd --uci from %s\n\n", pkg->file);
	const struct uci_sec *g = named_section(pkg, "globals");
	if (g && val_bool(&t, g, "linkbeat_use_polling", false))
		strbuf_puts(out, "linkbeat_use_polling\n\n");
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && !t.failed; i++) {
		if (steps[i].block)
			block_open(&t, "", steps[i].block, NULL);
		foreach(&t, steps[i].type, steps[i].fn, NULL, NULL);
		if (steps[i].block)
			block_close(&t, "");
	}
	strbuf_free(&t.scratch);
	if (!t.failed && out->oom)
		snprintf(err, errsize, "out of memory");
	return t.failed || out->oom ? -1 : 0;
}
