/*
 * lvs_event.h - checkd's event lines (docs/checkd.md) as lvsd reads them:
 * the parser on its own, so a test or a fuzzer can feed it any bytes, and
 * what an event does to the model and to a virtual server's quorum, so the
 * daemon around it keeps only the counting and the wiring.
 */
#ifndef LVSBOX_LVS_EVENT_H
#define LVSBOX_LVS_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "conf.h"
#include "lvs_model.h"

enum lvs_event_kind { LVS_EVENT_UP, LVS_EVENT_DOWN, LVS_EVENT_WEIGHT };

#define LVS_EVENT_MALFORMED (-1)   /* fewer than five fields, or an empty one */
#define LVS_EVENT_UNKNOWN (-2)     /* not up, down or weight, or no valid weight=N */

/*
 * One of checkd's event lines (docs/checkd.md). The texts point into the
 * line it was parsed from and are not NUL-terminated.
 */
struct lvs_event {
	enum lvs_event_kind kind;
	const char *word;            /* the EVENT field, also when not understood */
	size_t word_len;
	const char *vs, *rs;         /* checkd's names of the virtual and real server */
	size_t vs_len, rs_len;
	int weight;                  /* weight=N: 0..INT32_MAX */
	bool initial;
	const char *reason;          /* after reason= to the end of the line; NULL without one */
	size_t reason_len;
};

/* 0, LVS_EVENT_MALFORMED or LVS_EVENT_UNKNOWN; reads only line[0, len). */
int lvs_event_parse(const char *line, size_t len, struct lvs_event *out);
/* The real server the event changed; NULL when the model has none by its
 * names. *table_changed (when not NULL): whether what the server puts in the
 * IPVS table (its health, its weight while up) changed, so a pass is due. */
struct lrs *lvs_event_apply(struct lvs *model, int nvs, const struct lvs_event *ev, uint64_t now,
			    struct lvs **vsp, bool *table_changed);
/* quorum_up or quorum_down when the virtual server's quorum changed, else NULL. */
const struct conf_cmd *lvs_quorum_update(struct lvs *vs);

#endif
