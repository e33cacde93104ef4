/*
 * strtab.h - one counted copy of each string that many holders repeat
 * (checkd's failure texts, lvsd's reasons): a farm that is down says the
 * same few things tens of thousands of times. Each holder keeps a
 * reference; the table has at most one entry per distinct string held.
 */
#ifndef LVSBOX_STRTAB_H
#define LVSBOX_STRTAB_H

#include <stddef.h>

struct strtab_entry;

struct strtab {
	struct strtab_entry **chains;   /* STRTAB_CHAINS of them, made on first use */
};

/* A reference to the shared copy of s[0..len): NULL when out of memory. */
const char *strtab_get(struct strtab *t, const char *s, size_t len);
/* Drops a reference strtab_get gave; NULL is none. */
void strtab_put(struct strtab *t, const char *s);
/* The chains, once every reference is dropped. */
void strtab_free(struct strtab *t);

#endif
