/*
 * float_check.c - prints the results of a fixed set of floating-point
 * operations, conversions and musl's printf/strtod on them. The cross suite
 * runs it on every target and compares the output with the same program
 * built for the host, whose FPU is the reference; on soft-float mips this
 * exercises libsoftfp.a (toolchain/softfp.sh).
 */
#include <stdio.h>
#include <stdlib.h>

/* volatile keeps the compiler from folding the arithmetic at build time. */
static volatile double inputs[] = { 0.0, -0.0, 1.0, -1.5, 3.0, 0.1, 1e300, -2.5e-310, 123456789.125, 4294967296.0 };
static const char *texts[] = { "0.1", "2.5", "-7e-3", "1.7976931348623157e308", "5e-324", "12345678901234567890", "1.5e400", "0x1.8p3" };

int main(void)
{
	int n = (int)(sizeof(inputs) / sizeof(inputs[0]));
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < n; j++) {
			double a = inputs[i], b = inputs[j];
			printf("%d %d: %.17g %.17g %.17g %.17g %d%d%d\n", i, j, a + b, a - b, a * b,
			       b != 0 ? a / b : 0.0, a < b, a == b, a > b);
		}
		double a = inputs[i];
		float f = (float)a;
		long long ll = (a > -9e18 && a < 9e18) ? (long long)a : 0;
		int k = (a > -2e9 && a < 2e9) ? (int)a : 0;
		unsigned u = (a >= 0 && a < 4e9) ? (unsigned)a : 0;
		printf("%d: %a %.9g %lld %d %u %f %e %g\n", i, a, (double)f, ll, k, u, a, a, a);
	}
	for (int i = 0; i < (int)(sizeof(texts) / sizeof(texts[0])); i++)
		printf("%s -> %.17g %a\n", texts[i], strtod(texts[i], NULL), strtod(texts[i], NULL));
	for (long long v = 3; v > 0 && v < 1LL << 58; v = v * 7 + 1) /* 21 steps */
		printf("%lld -> %.17g %.9g\n", v, (double)v, (double)(float)v);
	return 0;
}
