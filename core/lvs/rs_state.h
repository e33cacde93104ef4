/*
 * rs_state.h - rsctl's record of what it changed on a real server, so that
 * `rsctl down` can put it back: each sysctl's value before the first change,
 * each VIP address rsctl added, and each VIP it was asked for that was
 * already there (which down leaves in place).
 *
 * Pure text in and out (no file or kernel access) so the parser can be unit
 * tested and fuzzed. The file format, one item per line:
 *   # comment
 *   sysctl net.ipv4.conf.lo.arp_ignore 0
 *   addr 10.0.0.100/32 lo
 *   kept 10.0.0.101/32 lo
 */
#ifndef LVSBOX_RS_STATE_H
#define LVSBOX_RS_STATE_H

#include <stddef.h>
#include "strbuf.h"

#define RS_STATE_MAX_SYSCTLS 64
#define RS_STATE_MAX_ADDRS 64
#define RS_SYSCTL_NAME_MAX 96
#define RS_ADDR_TEXT_MAX 56     /* the longest IPv6 text (45), "/128" and NUL */
#define RS_DEV_MAX 16

struct rs_sysctl {
	char name[RS_SYSCTL_NAME_MAX];  /* net.ipv4.conf.<dev>.<key> */
	long original;                  /* value before rsctl first changed it */
};

struct rs_addr {
	char addr[RS_ADDR_TEXT_MAX];    /* "10.0.0.100/32" or "2001:db8::1/128" */
	char dev[RS_DEV_MAX];
	int added;                      /* 1: rsctl added it ("addr"); 0: it was there ("kept") */
};

struct rs_state {
	struct rs_sysctl sysctls[RS_STATE_MAX_SYSCTLS];
	size_t n_sysctls;
	struct rs_addr addrs[RS_STATE_MAX_ADDRS];
	size_t n_addrs;
};

/* Parses text (len bytes, need not be NUL-terminated). 0, or -1 with
 * *err_line set to the 1-based line and err (errsize bytes) to the reason;
 * on failure st holds nothing the caller may act on. */
int rs_state_parse(const char *text, size_t len, struct rs_state *st,
		   int *err_line, char *err, size_t errsize);

/* 1 when s can name a network device here and in the state file: not
 * empty, shorter than RS_DEV_MAX, not "." or "..", no '/', space or
 * control byte; else 0. */
int rs_dev_name_ok(const char *s);

/* Appends st in the format above to out (out->oom tells a failed allocation). */
void rs_state_format(const struct rs_state *st, struct strbuf *out);

/* The recorded item, or NULL. An address is found by its text. */
struct rs_sysctl *rs_state_sysctl(struct rs_state *st, const char *name);
struct rs_addr *rs_state_addr(struct rs_state *st, const char *addr);

/* Records an item that is not recorded yet: 0, or -1 when st is full or
 * the item would not parse back (bad name, address or device). */
int rs_state_add_sysctl(struct rs_state *st, const char *name, long original);
int rs_state_add_addr(struct rs_state *st, const char *addr, const char *dev, int added);

/* Forgets an address (keeping the others' order); 0, or -1 when it is not recorded. */
int rs_state_drop_addr(struct rs_state *st, const char *addr);

#endif
