/*
 * vrrp_engine.h - the running VRRP daemon's state, shared by the pieces of
 * its engine in core/vrrp: instances with their addresses, trackers and
 * timers, vrrp_scripts, sync groups, and the daemon-wide sockets, pacing
 * table and VIP filter. The applet owns one struct vrrpd and wires it to
 * the command line, signals and the control socket.
 */
#ifndef LVSBOX_VRRP_ENGINE_H
#define LVSBOX_VRRP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include "conf.h"
#include "loop.h"
#include "nft.h"
#include "rtnl.h"
#include "vrrp_fsm.h"
#include "vrrp_pkt.h"

enum track_kind { TRACK_INTERFACE, TRACK_SCRIPT, TRACK_FILE };

struct vrrpd;

/* A vrrp_script, run every interval; shared by the instances tracking it. */
struct vscript {
	struct vscript *next;
	struct vrrpd *d;
	char *name;
	char *fingerprint;
	const struct conf_vrrp_script *conf;
	int result;                 /* 1 up, 0 down, -1 not known yet */
	unsigned ok_run, fail_run;
	bool running, removed;
	bool disabled;              /* refused by the script security check: never run, not tracked */
	struct loop_timer timer;
	struct loop_child child;
};

struct tracker {
	int kind;                   /* enum track_kind */
	char name[64];
	int weight;
	/* interface */
	int ifindex;
	bool up;
	/* script */
	struct vscript *script;
	/* file */
	char *path;
	long value;
};

struct vip {
	struct rtnl_addr ra;
	char dev[IF_NAMESIZE];
	char label[IF_NAMESIZE];
	char text[INET6_ADDRSTRLEN + 12];
	bool excluded;
};

struct sgroup;

struct inst {
	struct inst *next;
	struct vrrpd *d;
	char *name;
	char *fingerprint;
	const struct conf_vrrp_instance *conf;
	int family, version;
	char ifname[IF_NAMESIZE];
	int ifindex;                /* 0 while the interface does not exist */
	bool iface_up;
	char vmac_name[IF_NAMESIZE];
	int vmac_ifindex;
	bool vmac_created;
	bool vmac_up;               /* only while master, see vmac_set_up() */
	int parent_arp_ignore;      /* the parent's values before the VMAC, -1: untouched */
	int parent_arp_filter;
	int send_ifindex;
	unsigned char mac[6];       /* source of gratuitous ARPs */
	bool have_primary;
	uint8_t primary[16];
	bool unicast;
	uint8_t (*peers)[16];
	int npeers;
	struct vip *vips;
	int nvips;
	uint8_t *advert_addrs;      /* packed addresses of the instance's family */
	int nadvert_addrs;
	struct tracker *trackers;
	int ntrackers;
	int base_priority;
	int fault_level;            /* as last given to the machine */
	bool own_fault;             /* this instance's own sources, for its sync group */
	struct sgroup *group;
	bool fresh;                 /* created by this (re)load, not started yet */
	bool deleted;               /* being removed by a reload */

	struct vrrp_fsm fsm;
	struct loop_timer timers[VRRP_NTIMERS];
	struct vrrp_ah_replay ah_replay;
	uint32_t ah_seq_out;
	uint16_t ip_id;

	struct loop_timer garp_timer;
	int garp_round;             /* 0 burst at takeover, 1 after the delay, 2.. refreshes */
	unsigned garp_delay_ms, garp_repeat, garp_refresh_ms, garp_refresh_repeat;
	/* the frames of the current burst still to send, paced by
	 * vrrp_garp_interval / vrrp_gna_interval per interface */
	unsigned garp_left, garp_pos;
	struct loop_timer garp_pace_timer;
	/* rounds when a master hears a lower-priority advert, now and after the delay */
	unsigned garp_lower_prio_delay_ms, garp_lower_prio_repeat;
	struct loop_timer lower_prio_timer;

	/* the config as vrrp_strict corrects it */
	bool strict;
	int auth_type;
	bool want_master;
	unsigned preempt_delay_ms;
	bool lower_prio_advert;
	/* Accept_Mode off: while master, the VIP filter drops traffic to and from its VIPs */
	bool filtered;

	unsigned long adverts_sent, adverts_received, master_changes, dropped;
	unsigned long drops[VRRP_DROP_NREASONS];
	uint8_t last_master[16];
	bool send_error_logged;
};

struct sgroup {
	struct sgroup *next;
	char *name;
	const struct conf_sync_group *conf;
	struct inst **members;
	int nmembers;
	int reported_state;
};

/* When the next gratuitous ARP [0] / unsolicited NA [1] may leave an interface. */
struct garp_pace {
	int ifindex;
	uint64_t next_us[2];
};
#define MAX_GARP_PACE 64

/*
 * What the engine asks of the daemon around it: running notify scripts and
 * vrrp_scripts (script security and users come from core/daemon) and the
 * config fingerprints a reload compares (built with ctl_buf).
 */
struct vrrpd_ops {
	int (*spawn)(struct vrrpd *d, const struct conf_cmd *cmd, const char *const *extra, int nextra,
		     const char *script_user, const char *script_group, uint64_t timeout_ms,
		     struct loop_child *child, loop_child_fn *done, void *arg);
	void (*run_notify)(struct vrrpd *d, const struct conf_cmd *cmd, const char *const *extra,
			   int nextra);
	bool (*script_allowed)(struct vrrpd *d, const struct conf_cmd *cmd, const char *user,
			       const char *group, const char *what);
	char *(*script_fingerprint)(const struct conf_keepalived *conf, const char *name);
	char *(*instance_fingerprint)(const struct conf_keepalived *conf,
				      const struct conf_vrrp_instance *c);
	/* after an instance's state changed (the IPVS sync daemon follows one) */
	void (*state_changed)(struct vrrpd *d, const struct inst *in);
};

struct vrrpd {
	struct loop loop;
	const struct vrrpd_ops *ops;
	const char *conf_path, *sock_path, *pid_path;
	struct conf_keepalived *conf;
	struct inst *insts;
	struct vscript *scripts;
	struct sgroup *groups;
	struct rtnl rtnl, mon;
	struct loop_io mon_io;
	int sock4, sock4_ah, sock6;
	struct loop_io io4, io4_ah, io6;
	int garp_fd;
	struct loop_timer file_timer;
	uint8_t *rxbuf;
	int notifies_running;
	bool propagating;           /* inside a sync group's follow-up events */
	bool stopping;              /* waiting for the stop notifies to finish */
	struct loop_timer stop_timer;
	struct garp_pace pace[MAX_GARP_PACE];
	int npace;
	/* the VIP filter of vrrp_strict / no_accept: one table per family */
	struct nft_vip_table filter;
	char filter_name[256];
	bool filter_on[2];          /* IPv4, IPv6 table installed */
	bool syncd_managed;         /* lvs_sync_daemon's sync daemons are ours to stop */
	int auto_prio;              /* realtime priority max_auto_priority raised us to, 0: none */
	struct loop_timer prio_timer;
};

static inline size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static inline bool addr_is_zero(const uint8_t *a, int family)
{
	for (size_t i = 0; i < addr_len(family); i++)
		if (a[i])
			return false;
	return true;
}

static inline const char *addr_str(int family, const void *addr, char *buf, size_t size)
{
	if (!inet_ntop(family, addr, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

static inline char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

static inline const struct conf_node *top_block(const struct conf_keepalived *conf, const char *keyword,
					 const char *name)
{
	for (const struct conf_node *n = conf->tree->root.child; n; n = n->next)
		if (n->keyword && strcmp(n->keyword, keyword) == 0 &&
		    (!name || (n->nargs >= 1 && strcmp(n->args[0], name) == 0)))
			return n;
	return NULL;
}

#endif
