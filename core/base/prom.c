/*
 * prom.c - the Prometheus text writer (see prom.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "prom.h"

static void escaped(struct strbuf *b, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			strbuf_puts(b, "\\\\");
		else if (*s == '\n')
			strbuf_puts(b, "\\n");
		else if (*s == '"' && quote)
			strbuf_puts(b, "\\\"");
		else
			strbuf_putc(b, *s);
	}
}

void prom_family(struct strbuf *b, const char *name, const char *type, const char *help)
{
	strbuf_printf(b, "# HELP %s ", name);
	escaped(b, help, false);
	strbuf_printf(b, "\n# TYPE %s %s\n", name, type);
}

static void head(struct strbuf *b, const char *name, const char *const *labels)
{
	strbuf_puts(b, name);
	if (!labels || !labels[0])
		return;
	strbuf_putc(b, '{');
	for (int i = 0; labels[i]; i += 2) {
		strbuf_printf(b, "%s%s=\"", i ? "," : "", labels[i]);
		escaped(b, labels[i + 1] ? labels[i + 1] : "", true);
		strbuf_putc(b, '"');
	}
	strbuf_putc(b, '}');
}

void prom_u64(struct strbuf *b, const char *name, const char *const *labels, uint64_t v)
{
	head(b, name, labels);
	strbuf_printf(b, " %llu\n", (unsigned long long)v);
}

void prom_i64(struct strbuf *b, const char *name, const char *const *labels, int64_t v)
{
	head(b, name, labels);
	strbuf_printf(b, " %lld\n", (long long)v);
}

void prom_f64(struct strbuf *b, const char *name, const char *const *labels, double v)
{
	head(b, name, labels);
	if (isnan(v))
		strbuf_puts(b, " NaN\n");
	else if (isinf(v))
		strbuf_puts(b, v > 0 ? " +Inf\n" : " -Inf\n");
	else
		strbuf_printf(b, " %.9g\n", v);
}
