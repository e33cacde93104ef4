/*
 * ipvs_diff.h - what must change in the kernel's IPVS table to make it the
 * wanted one, as a list of actions, computed without touching the kernel.
 *
 * lvsd builds the wanted table (config x health), dumps the kernel's and
 * applies the actions through core/nl/ipvs.c; keeping the comparison apart
 * lets it be tested on fake dumps and keeps every pass linear in the size of
 * the two tables (both sides are indexed by hash, never scanned per entry).
 */
#ifndef LVSBOX_IPVS_DIFF_H
#define LVSBOX_IPVS_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ipvs.h"

/* A service's identity, or a dest's within its service, as one blob. */
struct ipvs_key {
	uint16_t svc_af, protocol;
	uint32_t fwmark;
	uint8_t svc_addr[16];
	uint16_t svc_port, dest_af;
	uint8_t dest_addr[16];
	uint16_t dest_port;
	uint16_t dup;   /* 0; ipvs_diff tells apart wanted services with one identity */
};

/*
 * A kernel dest as a pass needs it: what is compared, what a request names
 * and the connection counts lvsd shows, 56 bytes. The packet and byte
 * counters of struct ipvs_dest stay out: lvsd keeps the table a pass
 * leaves, and at 37,294 dests they were 2.8 MiB of it.
 */
struct kernel_dest {
	union ipvs_addr addr;
	uint64_t conns;                  /* stats.conns */
	int32_t weight;
	uint32_t u_threshold, l_threshold;
	uint32_t activeconns, inactconns;
	/* The forwarding method (IP_VS_CONN_F_FWD_MASK) is all of the
	 * kernel's 32 bits that lvsd compares or sends. */
	uint16_t conn_flags;
	uint16_t af, port, tun_port, tun_flags;
	uint8_t tun_type;
	bool owned;                      /* lvsd's, in its known table only (ipvs_sync.c) */
};

struct kernel_dest kernel_dest_of(const struct ipvs_dest *d);
/* The dest a request names (no counters). */
struct ipvs_dest kernel_dest_request(const struct kernel_dest *d);

struct ipvs_key ipvs_svc_key(const struct ipvs_service *s);
struct ipvs_key ipvs_dest_key(const struct ipvs_service *s, const struct ipvs_dest *d);
struct ipvs_key kernel_dest_key(const struct ipvs_service *s, const struct kernel_dest *d);
/* The service part of a dest's key. */
struct ipvs_key ipvs_key_svc_part(const struct ipvs_key *dest_key);

/* Keys with a value each, hashed; also a plain set (what lvsd owns). The
 * entries are in e[0..n): in insertion order until one is deleted, which
 * the last one then replaces. */
struct ipvs_keymap_entry {
	struct ipvs_key key;
	size_t val;
};
struct ipvs_keymap {
	struct ipvs_keymap_entry *e;
	size_t n, cap;
	uint32_t *slot;     /* index + 1 into e; 0 = empty */
	size_t nslots;      /* a power of two, at least twice n */
};

/* 1 added, 0 already there (its value unchanged), -1 out of memory. */
int  ipvs_keymap_put(struct ipvs_keymap *m, const struct ipvs_key *k, size_t val);
/* 1 deleted, 0 not there. */
int  ipvs_keymap_del(struct ipvs_keymap *m, const struct ipvs_key *k);
const struct ipvs_keymap_entry *ipvs_keymap_get(const struct ipvs_keymap *m, const struct ipvs_key *k);
bool ipvs_keymap_has(const struct ipvs_keymap *m, const struct ipvs_key *k);
void ipvs_keymap_free(struct ipvs_keymap *m);

/* Hash slots looked at by every keymap lookup and insert so far: lets a
 * test show the work stays proportional to the table. */
extern unsigned long ipvs_keymap_probes;

/* The wanted table. ipvs_diff fills in the have pointers. */
struct want_dest {
	struct kernel_dest dest;         /* no counters: what is compared and requested */
	int rs;                          /* the caller's: index of its real server, -1 sorry server */
	const struct kernel_dest *have;  /* the kernel's, or NULL */
};

struct kernel_svc;

struct want_svc {
	struct ipvs_service svc;
	int vs;                          /* the caller's: index of its virtual server */
	struct want_dest *dests;
	int ndests;
	const struct kernel_svc *have;   /* the kernel's, or NULL */
};

struct want {
	struct want_svc *v;
	int n, cap;
};

struct want_svc *want_add(struct want *w, const struct ipvs_service *s, int vs);
void want_free(struct want *w);

/* The kernel's table. Dests are dumped only for services the wanted table
 * has (nothing else of them is compared); dests_err is that dump's failure. */
struct kernel_svc {
	struct ipvs_service svc;
	struct kernel_dest *dests;
	size_t ndests, dests_cap;
	int dests_err;
	bool dests_known;    /* dumped, or known from the pass that built the table */
};

struct kernel_table {
	struct kernel_svc *v;
	size_t n, cap;
};

int  kernel_table_add_svc(struct kernel_table *k, const struct ipvs_service *s);
int  kernel_table_add_dest(struct kernel_svc *ks, const struct ipvs_dest *d);
void kernel_table_free(struct kernel_table *k);

enum ipvs_action_kind {
	IPVS_ADD_SVC, IPVS_EDIT_SVC, IPVS_DEL_SVC,
	IPVS_ADD_DEST, IPVS_EDIT_DEST, IPVS_DEL_DEST,
};

/*
 * In the order they are to be applied: for each wanted service in turn its
 * add or edit, then the adds and edits of its dests in wanted order, then
 * the removals of its dests in the kernel's order; last, the removal of the
 * services no longer wanted. A service added gets all its dests added.
 */
struct ipvs_action {
	enum ipvs_action_kind kind;
	int want;                        /* the wanted service; -1 for IPVS_DEL_SVC */
	int dest;                        /* the wanted dest of an add or edit; else -1 */
	const struct ipvs_service *svc;  /* the service the request names */
	const struct kernel_dest *have;  /* the kernel's dest (edit, removal) */
	bool repair;                     /* an add of what we owned: removed from outside */
};

struct ipvs_actions {
	struct ipvs_action *v;
	size_t n, cap;
};

/*
 * What ipvs_diff changes, and what it leaves alone:
 *   - a wanted service missing from the kernel is added with all its dests;
 *     one there whose scheduler, persistence (timeout, netmask) or one-packet
 *     flag differ is edited; one there is adopted even if we did not add it;
 *   - a wanted dest missing is added; one whose weight, forwarding method or
 *     thresholds differ is edited (weight 0 is a dest like any other: the
 *     wanted table decides inhibit_on_failure);
 *   - a dest of a wanted service that we own and is not wanted is removed;
 *     one we do not own is left alone;
 *   - a service we own that nothing wants is removed (its dests go with it);
 *     one we do not own is left alone;
 *   - a wanted service whose dest dump failed gets no dest actions.
 * owned_svcs / owned_dests: keys (dup 0) of what lvsd added or adopted.
 * Returns 0, or -1 when out of memory.
 */
int  ipvs_diff(struct want *w, const struct kernel_table *k, const struct ipvs_keymap *owned_svcs,
	       const struct ipvs_keymap *owned_dests, struct ipvs_actions *out);
void ipvs_actions_free(struct ipvs_actions *a);

/*
 * The kernel's table once every action of acts (ipvs_diff of w and k)
 * succeeded: k's services that nothing wanted and that stay, then each
 * wanted service with its wanted dests and those of k's that stay; counters
 * are k's. lvsd compares the next change with it instead of a new dump.
 * Returns 0, 1 when it cannot tell (two wanted services are one kernel
 * service), -1 when out of memory; out is empty unless 0.
 */
int kernel_table_after(const struct want *w, const struct kernel_table *k, const struct ipvs_actions *acts,
		       struct kernel_table *out);

bool ipvs_svc_differs(const struct ipvs_service *want, const struct ipvs_service *have);
bool ipvs_dest_differs(const struct kernel_dest *want, const struct kernel_dest *have);

#endif
