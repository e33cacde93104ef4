/*
 * lvsctl_json.h - pieces of lvsctl's --json listing (docs/lvsctl-json.md).
 * They go through the shared JSON writer into a strbuf that the listing
 * hands to stdout a chunk at a time (lvsctl_json_flush), so a table of
 * thousands of services is never held whole.
 */
#ifndef LVSBOX_LVSCTL_JSON_H
#define LVSBOX_LVSCTL_JSON_H

#include "ipvs.h"
#include "json.h"
#include "strbuf.h"

/* Buffered JSON past this many bytes is written out between entries. */
#define LVSCTL_JSON_CHUNK (64u << 10)

void lvsctl_json_dest(struct json *j, const struct ipvs_dest *e);
/* Everything of a service up to its open "dests" array. */
void lvsctl_json_service_open(struct json *j, const struct ipvs_service *se);

/* Writes what b holds to stdout and empties it. 0, or 1 with a message
 * when building the text ran out of memory (nothing is written then). */
int lvsctl_json_flush(struct strbuf *b);

#endif
