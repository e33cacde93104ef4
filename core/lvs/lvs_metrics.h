/*
 * lvs_metrics.h - lvsd's Prometheus metrics (docs/metrics.md): the kernel's
 * IPVS table as node_exporter's IPVS collector names it (node_ipvs_*, same
 * labels, same values), and lvsd's model of its virtual and real servers
 * (keepalived_lvs_*: health, weight, quorum).
 */
#ifndef LVSBOX_LVS_METRICS_H
#define LVSBOX_LVS_METRICS_H

#include "ipvs.h"
#include "lvs_model.h"
#include "strbuf.h"

/* The node_ipvs_* families from a fresh dump through h and the kernel's
 * totals. 0, or a negative errno when the dump failed (nothing written of
 * the backends then). */
int lvs_metrics_ipvs(struct strbuf *b, struct ipvs *h);
/* The keepalived_lvs_* families of lvsd's model. */
void lvs_metrics_model(struct strbuf *b, const struct lvs *vs, int nvs);

#endif
