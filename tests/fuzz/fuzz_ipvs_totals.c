/*
 * fuzz_ipvs_totals.c - libFuzzer harness for the reader of
 * /proc/net/ip_vs_stats (core/nl/ipvs_totals.c): any text is either
 * refused with the counters left zero or taken, never read past its end.
 */
#include <stdlib.h>
#include <string.h>
#include "ipvs_totals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipvs_stats st;
	char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (ipvs_totals_parse(copy, size, &st) != 0 &&
	    (st.conns || st.inpkts || st.outpkts || st.inbytes || st.outbytes))
		abort();
	free(copy);
	return 0;
}
