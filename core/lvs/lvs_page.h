/*
 * lvs_page.h - lvsd's status page: one static HTML file with its script,
 * no framework, served at / by the metrics listener. It fetches
 * /status.json every few seconds (lvsd's --json with checkd's and vrrpd's
 * beside it, docs/metrics.md) and shows the virtual servers, their real
 * servers with health and check latency, and the VRRP instances.
 */
#ifndef LVSBOX_LVS_PAGE_H
#define LVSBOX_LVS_PAGE_H

extern const char lvs_status_page[];

#endif
