/*
 * lvs_status.h - lvsd's virtual servers as its control socket shows them
 * (-s and --json); the daemon writes its own counters and children around
 * them.
 */
#ifndef LVSBOX_LVS_STATUS_H
#define LVSBOX_LVS_STATUS_H

#include <stdint.h>
#include "json.h"
#include "lvs_model.h"
#include "strbuf.h"

void lvs_table(struct strbuf *b, const struct lvs *vs, uint64_t now);
void lvs_json(struct json *j, const struct lvs *vs);

#endif
