/*
 * lvs_model.h - lvsd's model of its virtual servers: the config's
 * virtual_server blocks with what checkd said of each real server, and the
 * IPVS table that follows from the two (keepalived's rules for weights,
 * inhibit_on_failure, quorum and the sorry server). No kernel calls, so a
 * test can build the wanted table from a config and fake health.
 */
#ifndef LVSBOX_LVS_MODEL_H
#define LVSBOX_LVS_MODEL_H

#include <ifaddrs.h>
#include <stdbool.h>
#include <stdint.h>
#include "conf.h"
#include "ipvs.h"
#include "ipvs_diff.h"

/* A model's texts (checkd's reason, a kernel error) are on the heap, NULL
 * when there is none: at tens of thousands of real servers, fixed buffers
 * in every lrs were most of the model. */
#define LVS_TEXT_MAX 159
struct lrs {                     /* one real_server of one virtual_server */
	const struct conf_real_server *conf;
	bool up;
	bool have_weight;
	bool changed_valid;
	int weight;                  /* as checkd last said; see lvs_rs_weight() */
	int weight_conf_seen;        /* the configured weight when it said so */
	unsigned transitions;        /* fills what would be padding: 80 bytes, not 96 */
	uint64_t changed_ms;
	const char *reason;          /* checkd's last reason, shared (lrs_reason_set); or NULL */
	/* From the last reconcile, summed over the virtual server's services. */
	int services_in;             /* services it is in */
	int kernel_weight;
	uint32_t active, inactive;   /* the kernel counts these in 32 bits */
	uint64_t conns;
	char *error;                 /* the last kernel error about it, logged once; or NULL */
	/* lvsd ctl's override (lvs_ctl.c): kept over health changes, dropped by a reload. */
	enum lrs_ctl { LRS_CTL_NONE, LRS_CTL_DRAIN, LRS_CTL_WEIGHT } ctl;
	int ctl_weight;
};

struct lvs {                     /* one virtual_server block */
	const struct conf_virtual_server *conf;
	char name[80];               /* "tcp/192.0.2.10:80", "fwm/5", "group/NAME" */
	struct lrs *rs;
	int nrs;
	bool quorum_up;
	bool suspended;              /* ha_suspend and its address is not on this box */
	bool sorry_in;
	bool carried;                /* from the config before a reload, with its health */
	int nservices, services_in;
	struct ipvs_stats stats;
	char *error;                 /* as lrs's */
};

/* A real server's name, "192.0.2.1:80" or "[2001:db8::1]:80": checkd's
 * spelling, made from its config when asked rather than kept in every lrs
 * ("[IPv6]:port" is at most 47 bytes). */
#define LRS_NAME_MAX 48
const char *lrs_name(const struct lrs *rs, char buf[LRS_NAME_MAX]);

/* Plain decimal in [0, max]: no sign, no blanks, no leading "0x"; -1
 * otherwise. long long: a mark goes up to 2^32-1. */
long long lvs_decimal(const char *s, long long max);
/* ADDR, ADDR:PORT, [V6ADDR]:PORT, [V6ADDR] or a bare V6ADDR (no port), as
 * ipvsadm reads them, numeric only. *has_port says whether a port came. */
bool lvs_addr_port(const char *text, struct conf_ip *ip, unsigned *port, bool *has_port);
/* The real server called rs_name (rs_len bytes, spelt exactly as lrs_name
 * spells it) in the virtual server called vs_name (vs_len bytes), and that
 * virtual server in *vsp when vsp is not NULL; NULL when there is none. It
 * is found by address and port, so no other server's name is made. */
struct lrs *lvs_find_rs(struct lvs *model, int nvs, const char *vs_name, size_t vs_len, const char *rs_name,
			size_t rs_len, struct lvs **vsp);

/* *slot becomes the first len bytes of text (at most LVS_TEXT_MAX); text
 * NULL or len 0 clears it, and so does running out of memory. */
void lvs_text_set(char **slot, const char *text, size_t len);
/* The slot's text, "" when there is none. */
const char *lvs_text(const char *slot);

/* checkd's reason for rs: the first len bytes of text (at most
 * LVS_TEXT_MAX); NULL or len 0 clears it. Kept shared: the server's own
 * name in it is one byte, the rest one copy for every server that failed
 * alike. Out of memory keeps the one before. */
void lrs_reason_set(struct lrs *rs, const char *text, size_t len);
/* rs's reason as checkd wrote it, in buf (size bytes; LVS_REASON_MAX is
 * enough) when it must be put together; NULL when there is none. */
#define LVS_REASON_MAX (LVS_TEXT_MAX + LRS_NAME_MAX)
const char *lrs_reason(const struct lrs *rs, char *buf, size_t size);

bool rs_inhibit(const struct lvs *vs, const struct lrs *rs);
int lvs_rs_weight(const struct lrs *rs);
/* The weight an up server has in IPVS: lvs_rs_weight unless lvsd ctl overrides it. */
int lvs_rs_live_weight(const struct lrs *rs);
/* Whether one of the kernel services vs stands for is key's (family,
 * protocol, address and port, or fwmark; key's other fields are not read). */
bool lvs_serves(const struct conf_keepalived *conf, const struct lvs *vs, const struct ipvs_service *key);
void rs_initial(const struct lvs *vs, struct lrs *rs);
long live_weight(const struct lvs *vs);
bool addr_is_local(const struct ifaddrs *ifs, int af, const void *addr);
int build_want(const struct conf_keepalived *conf, struct lvs *model, int nvs, struct want *w);
/* Adds model[v]'s services to w (not emptied first). */
int build_want_vs(const struct conf_keepalived *conf, struct lvs *model, int v, struct want *w);
/* What one entry holds, not the entry itself. */
void model_free_vs(struct lvs *vs);
void model_free(struct lvs *vs, int nvs);
int model_build(const struct conf_keepalived *conf, struct lvs *old, int nold,
		       struct lvs **out, int *nout);

#endif
