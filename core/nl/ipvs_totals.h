/*
 * ipvs_totals.h - the kernel's IPVS-wide totals (connections, packets and
 * bytes in and out since the module loaded or the last zero), which no
 * netlink message carries: they are read from /proc/net/ip_vs_stats, the
 * file node_exporter's IPVS collector reads them from too.
 */
#ifndef LVSBOX_IPVS_TOTALS_H
#define LVSBOX_IPVS_TOTALS_H

#include <stddef.h>
#include "ipvs.h"

#define IPVS_TOTALS_PATH "/proc/net/ip_vs_stats"

/* The file's text: two heading lines, then the five totals in hex on the
 * third. 0, or -1 when the text is not that (the counters are left zero). */
int ipvs_totals_parse(const char *text, size_t len, struct ipvs_stats *out);
/* Reads IPVS_TOTALS_PATH: 0, or a negative errno (-ENOENT without IPVS,
 * -EPROTO when its text does not parse). */
int ipvs_totals_read(struct ipvs_stats *out);

#endif
