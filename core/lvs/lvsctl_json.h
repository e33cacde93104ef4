/*
 * lvsctl_json.h - pieces of lvsctl's --json listing (docs/lvsctl-json.md).
 */
#ifndef LVSBOX_LVSCTL_JSON_H
#define LVSBOX_LVSCTL_JSON_H

#include "ipvs.h"

void lvsctl_json_string(const char *s);
void lvsctl_json_dest(const struct ipvs_dest *e);
/* Everything of a service up to its open "dests" array. */
void lvsctl_json_service_open(const struct ipvs_service *se);

#endif
