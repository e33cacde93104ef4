/*
 * rsctl.c - the real-server side of LVS direct routing and tunnelling: the
 * VIP on lo (DR) or on the kernel's fallback tunnel (TUN), the ARP sysctls
 * that keep a real server from claiming the VIP on the LAN, rp_filter off
 * for decapsulated packets; and all of it undone again by `down`.
 *
 * What to set is core/lvs/rs_plan.c, the record of what was there before is
 * core/lvs/rs_state.c (kept in a state file); this file is the command line,
 * /proc/sys, rtnetlink (core/nl/rtnl.c) and the state file on disk.
 *
 * Order of work, so that an interruption never loses an original value:
 * everything is checked first (nothing changed on any error), then the new
 * record is written, then the kernel is changed; down changes the kernel
 * first and then writes what is left to undo.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "applets.h"
#include "file.h"
#include "json.h"
#include "modprobe.h"
#include "opts.h"
#include "rs_plan.h"
#include "rs_state.h"
#include "rtnl.h"
#include "strbuf.h"

#define RSCTL_STATE_DIR "/run/lvsbox"
#define RSCTL_DEFAULT_STATE RSCTL_STATE_DIR "/rsctl.state"
#define RSCTL_STATE_MAX 32768
#define RSCTL_MAX_VIPS RS_STATE_MAX_ADDRS

/* Exit codes: status's 1 and 3 follow the LSB's "status" actions. */
#define EXIT_FAILED 1           /* a change failed, or status found something missing */
#define EXIT_USAGE 2
#define EXIT_NOT_UP 3           /* status: nothing recorded */

enum { OPT_STATE = 1000, OPT_JSON };

static const struct opts_row rsctl_rows[] = {
	{ .letter = 'm', .name = "mode", .arg = "MODE", .label = "-m, --mode MODE",
	  .help = "up: dr (VIP on lo, the default) or tun (VIP on tunl0,\n"
		  "IPv6 on ip6tnl0; loads ipip / ip6_tunnel when missing)" },
	{ .letter = 'd', .name = "dev", .arg = "IF", .label = "-d, --dev IF",
	  .help = "up: the interface facing the director gets the ARP\nsettings too" },
	OPT_LONG("state", OPT_STATE, "PATH", "state file (default " RSCTL_DEFAULT_STATE ")"),
	OPT_LONG("json", OPT_JSON, NULL, "status as JSON"),
	{ .letter = 'h', .name = "help", .label = "-h, --help", .help = "this help" },
	OPTS_END,
};

const struct opts_cmd rsctl_cmd = {
	.usage = "Usage: rsctl up VIP... [--mode dr|tun] [--dev IF]\n"
		 "       rsctl down [VIP...]\n"
		 "       rsctl status [--json]\n"
		 "Real-server set-up for LVS direct routing (dr) and tunnelling (tun):\n"
		 "the VIP (IPv4 /32 or IPv6 /128) on lo or the tunnel device,\n"
		 "arp_ignore=1 and arp_announce=2 on all and lo, rp_filter=0 for tun.\n"
		 "down restores every sysctl to its value before the first up and removes\n"
		 "only the VIPs up added; down VIP... removes those (the sysctls go back\n"
		 "when the last VIP goes). status exits 0 when all is set, 1 when\n"
		 "something is missing, 3 when nothing is up.\n"
		 "\n",
	.rows = rsctl_rows,
	.footer = NULL,
};

struct vip {
	char text[RS_ADDR_TEXT_MAX];    /* canonical "ADDR/PFX" */
	int family;
	unsigned char addr[16];
};

struct cmdline {
	const char *state_path;
	const char *dev;
	enum rs_mode mode;
	bool json;
	struct vip vips[RSCTL_MAX_VIPS];
	size_t n_vips;
};

/* ---- the state file ---- */

/* 0 with st filled (empty when the file does not exist), or -1 with the
 * reason printed: an unsafe file, or "path:line: reason" for a corrupt one. */
static int state_load(const char *path, struct rs_state *st)
{
	static char text[RSCTL_STATE_MAX];
	char why[512], err[160];
	size_t len = 0;
	int line = 0;

	memset(st, 0, sizeof(*st));
	int rc = file_read_trusted(path, text, sizeof(text), &len, why, sizeof(why));
	if (rc == 1)
		return 0;
	if (rc < 0) {
		fprintf(stderr, "rsctl: %s; nothing changed\n", why);
		return -1;
	}
	if (rs_state_parse(text, len, st, &line, err, sizeof(err)) < 0) {
		fprintf(stderr, "rsctl: %s:%d: %s; nothing changed\n", path, line, err);
		return -1;
	}
	return 0;
}

/* Writes st over path (removes the file when st is empty). 0 or -1, printed. */
static int state_save(const char *path, const struct rs_state *st)
{
	struct strbuf text = { 0 };
	int rc = 0;

	if (st->n_sysctls == 0 && st->n_addrs == 0) {
		if (unlink(path) != 0 && errno != ENOENT) {
			fprintf(stderr, "rsctl: cannot remove %s: %s\n", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	rs_state_format(st, &text);
	if (text.oom) {
		fprintf(stderr, "rsctl: out of memory\n");
		rc = -1;
	} else if (file_replace(path, text.data, text.len, 0600, NULL) != 0) {
		fprintf(stderr, "rsctl: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	strbuf_free(&text);
	return rc;
}

/* Holds "<path>.lock" (the daemons' lock, core/base/file.c) for the rest
 * of the run, so that two up/down runs never interleave their reads and
 * writes of the record; waits up to LOCK_WAIT_MS for another run. 0 or -1,
 * printed. */
#define LOCK_WAIT_MS 5000
static int state_lock(const char *path)
{
	char lock[4096], why[4096 + 128];
	pid_t holder;

	/* The default's directory is ours to make; a --state elsewhere must exist. */
	if (strcmp(path, RSCTL_DEFAULT_STATE) == 0 && mkdir(RSCTL_STATE_DIR, 0755) != 0 &&
	    errno != EEXIST) {
		fprintf(stderr, "rsctl: cannot create %s: %s\n", RSCTL_STATE_DIR, strerror(errno));
		return -1;
	}
	if (snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock)) {
		fprintf(stderr, "rsctl: %s: path too long\n", path);
		return -1;
	}
	for (int waited = 0;; waited += 50) {
		if (file_lock_take(lock, &holder, why, sizeof(why)) >= 0)
			return 0;       /* the fd stays open, and the lock held, until exit */
		if (holder == -1 || waited >= LOCK_WAIT_MS)
			break;
		usleep(50 * 1000);
	}
	if (holder > 0)
		fprintf(stderr, "rsctl: %s (by pid %d); nothing changed\n", why, (int)holder);
	else
		fprintf(stderr, "rsctl: %s; nothing changed\n", why);
	return -1;
}

/* ---- sysctls through /proc/sys ---- */

/* net.ipv4.conf.DEV.KEY as a path: DEV may itself hold dots (eth0.53), so
 * the prefix and the last part are cut off rather than every dot turned. */
static int sysctl_path(const char *name, char *path, size_t size)
{
	const char *prefix = "net.ipv4.conf.";
	const char *key = strrchr(name, '.');
	size_t plen = strlen(prefix);

	if (strncmp(name, prefix, plen) != 0 || !key || key <= name + plen)
		return -1;
	int n = snprintf(path, size, "/proc/sys/net/ipv4/conf/%.*s/%s",
			 (int)(key - (name + plen)), name + plen, key + 1);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* 0 with *value, or a negative errno. */
static int sysctl_read(const char *name, long *value)
{
	char path[256], buf[32];
	int fd;
	ssize_t n;

	if (sysctl_path(name, path, sizeof(path)) < 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	int err = errno;
	close(fd);
	if (n <= 0)
		return n < 0 ? -err : -EIO;
	buf[n] = '\0';
	char *end;
	errno = 0;
	*value = strtol(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n'))
		return -EIO;
	return 0;
}

static int sysctl_write(const char *name, long value)
{
	char path[256], buf[32];
	int fd, len;

	if (sysctl_path(name, path, sizeof(path)) < 0)
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%ld\n", value);
	ssize_t n = write(fd, buf, (size_t)len);
	int err = errno;
	if (close(fd) != 0 && n == len)
		return -errno;
	return n == len ? 0 : n < 0 ? -err : -EIO;
}

/* ---- addresses and links through rtnetlink ---- */

struct kernel_addrs {
	struct rtnl_addr_info a[1024];
	size_t n;
	bool truncated;
};

static int collect_addr(const struct rtnl_addr_info *a, void *arg)
{
	struct kernel_addrs *k = arg;

	if (k->n < sizeof(k->a) / sizeof(k->a[0]))
		k->a[k->n++] = *a;
	else
		k->truncated = true;
	return 0;
}

static int addrs_read(struct rtnl *r, struct kernel_addrs *k)
{
	k->n = 0;
	k->truncated = false;
	int rc = rtnl_addr_dump(r, AF_UNSPEC, collect_addr, k);
	if (rc < 0)
		fprintf(stderr, "rsctl: cannot list addresses: %s\n", strerror(-rc));
	return rc;
}

/* The ifindex the address is on (ifindex_want first, when it is there
 * too), or 0 when it is on none. */
static int addr_where(const struct kernel_addrs *k, int family, const unsigned char *addr,
		      int ifindex_want)
{
	size_t alen = family == AF_INET ? 4 : 16;
	int found = 0;

	for (size_t i = 0; i < k->n; i++) {
		if (k->a[i].family != family || memcmp(k->a[i].addr, addr, alen) != 0)
			continue;
		if (k->a[i].ifindex == ifindex_want)
			return ifindex_want;
		found = k->a[i].ifindex;
	}
	return found;
}

static void ifname_of(struct rtnl *r, int ifindex, char *name, size_t size)
{
	struct rtnl_link l;

	if (rtnl_link_get(r, ifindex, NULL, &l) == 0 && l.name[0])
		snprintf(name, size, "%s", l.name);
	else
		snprintf(name, size, "ifindex %d", ifindex);
}

/* The link named dev; for a fallback tunnel, its module is loaded first
 * when it is missing. 0 or -1, printed. */
static int link_find(struct rtnl *r, const char *dev, const char *module, struct rtnl_link *l)
{
	int rc = rtnl_link_get(r, 0, dev, l);

	if (rc == -ENODEV && module) {
		int m = platform_modprobe(module);
		rc = rtnl_link_get(r, 0, dev, l);
		if (rc == -ENODEV) {
			if (m < 0)
				fprintf(stderr, "rsctl: %s missing, and /sbin/modprobe %s could not run\n", dev, module);
			else if (m > 0)
				fprintf(stderr, "rsctl: %s missing: modprobe %s failed (exit %d)\n", dev, module, m);
			else
				fprintf(stderr, "rsctl: %s missing although %s is loaded (its fallback device is off in this network namespace: net.core.fb_tunnels_only_for_init_net)\n",
					dev, module);
			return -1;
		}
	}
	if (rc == -ENODEV) {
		fprintf(stderr, "rsctl: %s: no such device\n", dev);
		return -1;
	}
	if (rc < 0) {
		fprintf(stderr, "rsctl: %s: %s\n", dev, strerror(-rc));
		return -1;
	}
	return 0;
}

static int rtnl_start(struct rtnl *r)
{
	int rc = rtnl_open(r, 0);
	if (rc < 0)
		fprintf(stderr, "rsctl: cannot open rtnetlink: %s\n", strerror(-rc));
	return rc;
}

/* ---- up ---- */

struct vip_dev {
	const char *name;               /* lo, tunl0, ip6tnl0 */
	struct rtnl_link link;
};

static int cmd_up(const struct cmdline *c)
{
	static struct kernel_addrs k;
	struct rs_state st, before;
	struct rtnl r;
	struct vip_dev devs[RSCTL_MAX_VIPS];
	struct rs_want wants[RS_PLAN_MAX * 2];
	long current[RS_PLAN_MAX * 2];
	int n_wants = 0, ifindex[RSCTL_MAX_VIPS];
	size_t n_devs = 0;
	int rc = EXIT_FAILED;
	bool changed = false, failed = false;

	if (c->n_vips == 0) {
		fprintf(stderr, "rsctl: up wants at least one VIP\n");
		return EXIT_USAGE;
	}
	if (state_lock(c->state_path) < 0 || state_load(c->state_path, &st) < 0)
		return EXIT_FAILED;
	before = st;
	for (size_t i = 0; i < c->n_vips; i++) {
		const struct rs_addr *rec = rs_state_addr(&st, c->vips[i].text);
		const char *dev = rs_vip_dev(c->mode, c->vips[i].family);
		if (rec && strcmp(rec->dev, dev) != 0) {
			fprintf(stderr, "rsctl: %s is up on %s (%s); run rsctl down %s first\n", c->vips[i].text,
				rec->dev, rs_mode_name(rs_dev_mode(rec->dev)), c->vips[i].text);
			return EXIT_FAILED;
		}
	}
	if (rtnl_start(&r) < 0)
		return EXIT_FAILED;

	/* Every device is found (the tunnel's module loaded) before any change. */
	struct rtnl_link director;
	if (c->dev && link_find(&r, c->dev, NULL, &director) < 0)
		goto out;
	for (size_t i = 0; i < c->n_vips; i++) {
		const char *dev = rs_vip_dev(c->mode, c->vips[i].family);
		size_t d;
		for (d = 0; d < n_devs && strcmp(devs[d].name, dev) != 0; d++)
			;
		if (d == n_devs) {
			devs[d].name = dev;
			if (link_find(&r, dev, rs_vip_module(c->mode, c->vips[i].family), &devs[d].link) < 0)
				goto out;
			n_devs++;
		}
		ifindex[i] = devs[d].link.ifindex;
	}
	if (addrs_read(&r, &k) < 0)
		goto out;
	for (size_t i = 0; i < c->n_vips; i++) {
		const struct vip *v = &c->vips[i];
		int where = addr_where(&k, v->family, v->addr, ifindex[i]);
		if (where && where != ifindex[i]) {
			char name[IF_NAMESIZE + 16];
			ifname_of(&r, where, name, sizeof(name));
			fprintf(stderr, "rsctl: %s is on %s: a real server holding the VIP there answers for it on the LAN; remove it first\n",
				v->text, name);
			goto out;
		}
		if (!rs_state_addr(&st, v->text) &&
		    rs_state_add_addr(&st, v->text, rs_vip_dev(c->mode, v->family), where == 0) < 0) {
			fprintf(stderr, "rsctl: too many VIPs recorded in %s\n", c->state_path);
			goto out;
		}
	}

	/* The sysctls every VIP asks for, each once, with what they hold now. */
	for (size_t i = 0; i < c->n_vips; i++) {
		struct rs_want w[RS_PLAN_MAX];
		int n = rs_plan_sysctls(c->mode, c->dev, c->vips[i].family, w);
		for (int j = 0; j < n; j++) {
			int have = 0;
			for (int x = 0; x < n_wants; x++)
				have |= strcmp(wants[x].name, w[j].name) == 0;
			if (!have && n_wants < (int)(sizeof(wants) / sizeof(wants[0])))
				wants[n_wants++] = w[j];
		}
	}
	for (int i = 0; i < n_wants; i++) {
		int e = sysctl_read(wants[i].name, &current[i]);
		if (e < 0) {
			fprintf(stderr, "rsctl: cannot read %s: %s\n", wants[i].name, strerror(-e));
			goto out;
		}
		if (!rs_state_sysctl(&st, wants[i].name) &&
		    rs_state_add_sysctl(&st, wants[i].name, current[i]) < 0) {
			fprintf(stderr, "rsctl: cannot record %s = %ld in %s\n", wants[i].name, current[i],
				c->state_path);
			goto out;
		}
	}

	/* The originals are on disk before anything changes. */
	if (memcmp(&st, &before, sizeof(st)) != 0 && state_save(c->state_path, &st) < 0)
		goto out;

	for (size_t d = 0; d < n_devs; d++) {
		if (devs[d].link.flags & IFF_UP)
			continue;
		int e = rtnl_link_set_up(&r, devs[d].link.ifindex, true);
		if (e < 0) {
			fprintf(stderr, "rsctl: cannot set %s up: %s\n", devs[d].name, strerror(-e));
			failed = true;
		} else {
			printf("%s set up\n", devs[d].name);
			changed = true;
		}
	}
	for (int i = 0; i < n_wants; i++) {
		if (current[i] == wants[i].value)
			continue;
		int e = sysctl_write(wants[i].name, wants[i].value);
		if (e < 0) {
			fprintf(stderr, "rsctl: cannot set %s = %ld: %s\n", wants[i].name, wants[i].value,
				strerror(-e));
			failed = true;
			continue;
		}
		printf("%s = %ld (was %ld)\n", wants[i].name, wants[i].value, current[i]);
		changed = true;
	}
	for (size_t i = 0; i < c->n_vips; i++) {
		const struct vip *v = &c->vips[i];
		const struct rs_addr *rec = rs_state_addr(&st, v->text);
		if (addr_where(&k, v->family, v->addr, ifindex[i]) == ifindex[i])
			continue;
		struct rtnl_addr a = { .family = v->family, .prefix = -1, .ifindex = ifindex[i] };
		memcpy(a.addr, v->addr, sizeof(a.addr));
		int e = rtnl_addr_add(&r, &a);
		if (e < 0 && e != -EEXIST) {
			fprintf(stderr, "rsctl: cannot add %s on %s: %s\n", v->text, rec->dev, strerror(-e));
			/* Not added, so down must not remove it. */
			rs_state_drop_addr(&st, v->text);
			failed = true;
			continue;
		}
		printf("%s added on %s\n", v->text, rec->dev);
		changed = true;
	}
	if (failed) {
		state_save(c->state_path, &st);
		goto out;
	}
	if (!changed)
		printf("nothing to change: already up\n");
	rc = 0;
out:
	rtnl_close(&r);
	return rc;
}

/* ---- down ---- */

static int cmd_down(const struct cmdline *c)
{
	struct rs_state st;
	struct rtnl r = { 0 };
	bool failed = false;
	char targets[RSCTL_MAX_VIPS][RS_ADDR_TEXT_MAX];
	size_t n_targets = 0;

	if (state_lock(c->state_path) < 0 || state_load(c->state_path, &st) < 0)
		return EXIT_FAILED;
	for (size_t i = 0; i < c->n_vips; i++)
		if (!rs_state_addr(&st, c->vips[i].text)) {
			fprintf(stderr, "rsctl: %s was not brought up by rsctl up (not in %s); nothing changed\n",
				c->vips[i].text, c->state_path);
			return EXIT_FAILED;
		}
	if (st.n_addrs == 0 && st.n_sysctls == 0) {
		printf("nothing to restore\n");
		return 0;
	}
	if (c->n_vips) {
		for (size_t i = 0; i < c->n_vips; i++)
			snprintf(targets[n_targets++], RS_ADDR_TEXT_MAX, "%s", c->vips[i].text);
	} else {
		for (size_t i = 0; i < st.n_addrs; i++)
			snprintf(targets[n_targets++], RS_ADDR_TEXT_MAX, "%s", st.addrs[i].addr);
	}
	if (n_targets && rtnl_start(&r) < 0)
		return EXIT_FAILED;
	for (size_t i = 0; i < n_targets; i++) {
		const struct rs_addr *rec = rs_state_addr(&st, targets[i]);
		char dev[RS_DEV_MAX];
		if (!rec)
			continue;       /* named twice */
		snprintf(dev, sizeof(dev), "%s", rec->dev);
		if (!rec->added) {
			printf("%s left on %s (it was there before rsctl up)\n", targets[i], dev);
			rs_state_drop_addr(&st, targets[i]);
			continue;
		}
		struct rtnl_link l;
		struct vip v;
		char why[128];
		int e = rtnl_link_get(&r, 0, dev, &l);
		if (e == -ENODEV) {
			printf("%s: %s is gone, and the address with it\n", targets[i], dev);
			rs_state_drop_addr(&st, targets[i]);
			continue;
		}
		if (e == 0 && rs_vip_parse(targets[i], &v.family, v.addr, v.text, why, sizeof(why)) < 0)
			e = -EINVAL;
		if (e == 0) {
			struct rtnl_addr a = { .family = v.family, .prefix = -1, .ifindex = l.ifindex };
			memcpy(a.addr, v.addr, sizeof(a.addr));
			e = rtnl_addr_del(&r, &a);
			if (e == 0)
				printf("%s removed from %s\n", targets[i], dev);
			else if (e == -EADDRNOTAVAIL) {
				printf("%s was already gone from %s\n", targets[i], dev);
				e = 0;
			}
		}
		if (e < 0) {
			fprintf(stderr, "rsctl: cannot remove %s from %s: %s\n", targets[i], dev, strerror(-e));
			failed = true;
			continue;
		}
		rs_state_drop_addr(&st, targets[i]);
	}
	if (r.nl)
		rtnl_close(&r);

	/* The sysctls serve every VIP: they go back with the last one. */
	if (st.n_addrs == 0) {
		struct rs_state left = st;
		left.n_sysctls = 0;
		for (size_t i = 0; i < st.n_sysctls; i++) {
			const struct rs_sysctl *s = &st.sysctls[i];
			long now;
			int e = sysctl_read(s->name, &now);
			if (e == -ENOENT) {
				printf("%s is gone with its device; not restored\n", s->name);
				continue;
			}
			if (e == 0 && now != s->original)
				e = sysctl_write(s->name, s->original);
			if (e < 0) {
				fprintf(stderr, "rsctl: cannot restore %s = %ld: %s\n", s->name, s->original,
					strerror(-e));
				left.sysctls[left.n_sysctls++] = *s;
				failed = true;
				continue;
			}
			if (now != s->original)
				printf("%s = %ld restored (was %ld)\n", s->name, s->original, now);
			else
				printf("%s = %ld, as before rsctl up\n", s->name, s->original);
		}
		st = left;
	}
	if (state_save(c->state_path, &st) < 0)
		failed = true;
	return failed ? EXIT_FAILED : 0;
}

/* ---- status ---- */

static int cmd_status(const struct cmdline *c)
{
	static struct kernel_addrs k;
	struct rs_state st;
	struct rtnl r;
	struct strbuf out = { 0 };
	struct json j;
	int missing = 0;

	if (state_load(c->state_path, &st) < 0)
		return EXIT_FAILED;
	bool up = st.n_addrs || st.n_sysctls;
	if (up && (rtnl_start(&r) < 0 || addrs_read(&r, &k) < 0))
		return EXIT_FAILED;
	json_init(&j, &out);
	json_object_begin(&j);
	json_key_string(&j, "state_file", c->state_path);
	json_key_bool(&j, "up", up);
	if (!up && !c->json)
		printf("nothing is up (no record in %s)\n", c->state_path);
	json_key_array(&j, "vips");
	for (size_t i = 0; i < st.n_addrs; i++) {
		const struct rs_addr *a = &st.addrs[i];
		struct rtnl_link l;
		struct vip v;
		char why[128];
		bool dev_ok = rtnl_link_get(&r, 0, a->dev, &l) == 0;
		bool dev_up = dev_ok && (l.flags & IFF_UP);
		bool present = dev_ok && rs_vip_parse(a->addr, &v.family, v.addr, v.text, why, sizeof(why)) == 0 &&
			       addr_where(&k, v.family, v.addr, l.ifindex) == l.ifindex;
		bool ok = present && dev_up;
		missing += !ok;
		json_object_begin(&j);
		json_key_string(&j, "vip", a->addr);
		json_key_string(&j, "dev", a->dev);
		json_key_string(&j, "mode", rs_mode_name(rs_dev_mode(a->dev)));
		json_key_bool(&j, "added_by_rsctl", a->added);
		json_key_bool(&j, "present", present);
		json_key_bool(&j, "dev_up", dev_up);
		json_key_bool(&j, "ok", ok);
		json_object_end(&j);
		if (!c->json)
			printf("vip %s on %s (%s%s): %s\n", a->addr, a->dev, rs_mode_name(rs_dev_mode(a->dev)),
			       a->added ? "" : ", was there before up",
			       ok ? "set" : !dev_ok ? "MISSING: no such device" :
			       !present ? "MISSING: address not there" : "MISSING: device down");
	}
	json_array_end(&j);
	json_key_array(&j, "sysctls");
	for (size_t i = 0; i < st.n_sysctls; i++) {
		const struct rs_sysctl *s = &st.sysctls[i];
		long want = 0, now = 0;
		bool known = rs_plan_value(s->name, &want) == 0;
		bool readable = sysctl_read(s->name, &now) == 0;
		bool ok = known && readable && now == want;
		missing += !ok;
		json_object_begin(&j);
		json_key_string(&j, "name", s->name);
		json_key_int_if(&j, "value", readable, now);
		json_key_int_if(&j, "want", known, want);
		json_key_int(&j, "original", s->original);
		json_key_bool(&j, "ok", ok);
		json_object_end(&j);
		if (c->json)
			continue;
		if (ok)
			printf("sysctl %s = %ld: set (was %ld)\n", s->name, now, s->original);
		else if (!readable)
			printf("sysctl %s: MISSING: cannot read it (want %ld, was %ld)\n", s->name, want, s->original);
		else
			printf("sysctl %s = %ld: MISSING: want %ld (was %ld)\n", s->name, now, want, s->original);
	}
	json_array_end(&j);
	json_key_int(&j, "missing", missing);
	json_object_end(&j);
	if (up)
		rtnl_close(&r);
	if (c->json) {
		if (!json_done(&j)) {
			fprintf(stderr, "rsctl: out of memory\n");
			strbuf_free(&out);
			return EXIT_FAILED;
		}
		printf("%s\n", out.data);
	}
	strbuf_free(&out);
	if (!up)
		return EXIT_NOT_UP;
	return missing ? EXIT_FAILED : 0;
}

/* ---- command line ---- */

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "rsctl: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'rsctl --help'.\n");
	return EXIT_USAGE;
}

int rsctl_main(int argc, char **argv)
{
	static struct cmdline c;
	struct opts o;
	char *arg;
	int opt;
	bool mode_given = false;

	memset(&c, 0, sizeof(c));
	c.state_path = RSCTL_DEFAULT_STATE;
	c.mode = RS_MODE_DR;
	if (opts_start(&o, &rsctl_cmd, "rsctl") != 0)
		return EXIT_USAGE;
	while ((opt = opts_next(&o, argc, argv, &arg)) != -1) {
		switch (opt) {
		case 'm':
			if (rs_mode_parse(arg, &c.mode) < 0)
				return usage_error("--mode %s: not dr or tun", arg);
			mode_given = true;
			break;
		case 'd':
			if (!rs_dev_name_ok(arg))
				return usage_error("--dev %s: not an interface name", arg);
			c.dev = arg;
			break;
		case OPT_STATE:
			if (!arg[0])
				return usage_error("--state wants a path%s", "");
			c.state_path = arg;
			break;
		case OPT_JSON:
			c.json = true;
			break;
		case 'h':
			return opts_print_help(stdout, &rsctl_cmd) == 0 ? 0 : 1;
		default:
			fprintf(stderr, "Try 'rsctl --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("%s", "which command: up, down or status?");
	const char *cmd = argv[optind++];
	bool is_up = strcmp(cmd, "up") == 0, is_down = strcmp(cmd, "down") == 0;
	bool is_status = strcmp(cmd, "status") == 0;
	if (!is_up && !is_down && !is_status)
		return usage_error("unknown command '%s' (up, down or status)", cmd);
	if (!is_up && (mode_given || c.dev))
		return usage_error("--mode and --dev go with up, not %s", cmd);
	if (!is_status && c.json)
		return usage_error("--json goes with status, not %s", cmd);
	if (is_status && optind < argc)
		return usage_error("status takes no VIP (got '%s')", argv[optind]);
	for (; optind < argc; optind++) {
		char why[160];
		struct vip v;
		if (rs_vip_parse(argv[optind], &v.family, v.addr, v.text, why, sizeof(why)) < 0)
			return usage_error("%s", why);
		bool dup = false;
		for (size_t i = 0; i < c.n_vips; i++)
			dup |= strcmp(c.vips[i].text, v.text) == 0;
		if (dup)
			continue;
		if (c.n_vips == RSCTL_MAX_VIPS)
			return usage_error("too many VIPs (at most %s)", "64");
		c.vips[c.n_vips++] = v;
	}
	if (is_up)
		return cmd_up(&c);
	if (is_down)
		return cmd_down(&c);
	return cmd_status(&c);
}
