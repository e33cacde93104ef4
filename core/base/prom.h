/*
 * prom.h - Prometheus text exposition format 0.0.4, written into a strbuf:
 * a family's HELP and TYPE lines, then its samples with their labels.
 * Label values are escaped as the format wants (\\, \" and \n), HELP text
 * too (\\ and \n). The daemons' metrics (lvsd, checkd, vrrpd) all go
 * through it, so escaping has one home.
 */
#ifndef LVSBOX_PROM_H
#define LVSBOX_PROM_H

#include <stdint.h>
#include "strbuf.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* "# HELP name help\n# TYPE name type\n"; type "counter", "gauge" or "untyped". */
void prom_family(struct strbuf *b, const char *name, const char *type, const char *help);

/* One sample: name{l1="v1",...} value. labels holds name/value pairs and
 * ends with a NULL name; NULL or an empty list writes no braces. */
void prom_u64(struct strbuf *b, const char *name, const char *const *labels, uint64_t v);
void prom_i64(struct strbuf *b, const char *name, const char *const *labels, int64_t v);
void prom_f64(struct strbuf *b, const char *name, const char *const *labels, double v);

#endif
