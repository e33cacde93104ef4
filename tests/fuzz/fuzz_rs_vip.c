/*
 * fuzz_rs_vip.c - libFuzzer harness for rsctl's VIP argument parser
 * (rs_vip_parse), which reads a word from the command line or a script.
 * The word ends at the input's first NUL or end. Besides sanitizer reports
 * it checks what rsctl relies on: a refused word leaves a reason that is a
 * terminated string; an accepted one is one IPv4 or IPv6 address whose
 * canonical "ADDR/PFX" text fits and parses back to the same address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "rs_plan.h"
#include "rs_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *word = malloc(size + 1);
	unsigned char addr[16], again[16];
	char text[RS_ADDR_TEXT_MAX], text2[RS_ADDR_TEXT_MAX], why[160];
	int family = 0, family2 = 0;

	if (!word)
		return 0;
	memcpy(word, data, size);
	word[size] = '\0';
	memset(why, 'x', sizeof(why));
	if (rs_vip_parse(word, &family, addr, text, why, sizeof(why)) < 0) {
		if (!memchr(why, '\0', sizeof(why)) || !why[0])
			abort();
	} else {
		if ((family != AF_INET && family != AF_INET6) || !memchr(text, '\0', sizeof(text)))
			abort();
		if (rs_vip_parse(text, &family2, again, text2, why, sizeof(why)) < 0 || family2 != family ||
		    memcmp(addr, again, sizeof(addr)) != 0 || strcmp(text, text2) != 0)
			abort();
	}
	free(word);
	return 0;
}
