/*
 * test_prom.c - core/base/prom.c against the text exposition format 0.0.4
 * as Prometheus documents it: in a label value a backslash, a double quote
 * and a line feed are written \\, \" and \n; in HELP text a backslash and a
 * line feed (a quote stays as it is); a sample without labels has no
 * braces; floats NaN, +Inf and -Inf by those names.
 */
#include <math.h>
#include <string.h>
#include "prom.h"
#include "unit.h"

int main(void)
{
	struct strbuf b = { 0 };
	const char *labels[] = { "a", "x\\y\"z\nw", "empty", "", NULL };

	prom_family(&b, "m_total", "counter", "Help with \\ and \"quotes\"\nand a second line");
	prom_u64(&b, "m_total", labels, 18446744073709551615ull);
	prom_i64(&b, "g", NULL, -3);
	prom_f64(&b, "f", NULL, 0.25);
	prom_f64(&b, "f", NULL, NAN);
	prom_f64(&b, "f", NULL, INFINITY);
	prom_f64(&b, "f", NULL, -INFINITY);
	const char *want =
		"# HELP m_total Help with \\\\ and \"quotes\"\\nand a second line\n"
		"# TYPE m_total counter\n"
		"m_total{a=\"x\\\\y\\\"z\\nw\",empty=\"\"} 18446744073709551615\n"
		"g -3\n"
		"f 0.25\n"
		"f NaN\n"
		"f +Inf\n"
		"f -Inf\n";
	CHECK(b.data && strcmp(b.data, want) == 0, "escaping, labels and values as the format wants");
	if (!b.data || strcmp(b.data, want) != 0)
		printf("# got:\n%s", b.data ? b.data : "(null)");
	strbuf_free(&b);
	return unit_exit();
}
