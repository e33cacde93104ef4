/*
 * strtab.c - shared counted strings (see strtab.h), in fixed chains hashed
 * with FNV-1a: the distinct strings are few when they are many alike.
 */
#include "strtab.h"
#include "fnv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STRTAB_CHAINS 256

struct strtab_entry {
	struct strtab_entry *next;
	unsigned refs;
	uint32_t hash;
	char text[];
};

const char *strtab_get(struct strtab *t, const char *s, size_t len)
{
	uint32_t hash = fnv1a_bytes(s, len);
	struct strtab_entry *e;

	if (!t->chains && !(t->chains = calloc(STRTAB_CHAINS, sizeof(*t->chains))))
		return NULL;
	struct strtab_entry **chain = &t->chains[hash % STRTAB_CHAINS];
	for (e = *chain; e; e = e->next)
		if (e->hash == hash && strncmp(e->text, s, len) == 0 && e->text[len] == '\0') {
			e->refs++;
			return e->text;
		}
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return NULL;
	e->refs = 1;
	e->hash = hash;
	memcpy(e->text, s, len);
	e->text[len] = '\0';
	e->next = *chain;
	*chain = e;
	return e->text;
}

void strtab_put(struct strtab *t, const char *s)
{
	if (!s)
		return;
	struct strtab_entry *e = (struct strtab_entry *)(void *)(s - offsetof(struct strtab_entry, text));
	if (--e->refs)
		return;
	struct strtab_entry **at = &t->chains[e->hash % STRTAB_CHAINS];
	while (*at != e)
		at = &(*at)->next;
	*at = e->next;
	free(e);
}

void strtab_free(struct strtab *t)
{
	free(t->chains);
	t->chains = NULL;
}
