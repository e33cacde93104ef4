/*
 * mbedtls-sha1.c - SHA-1's block function (FIPS 180-4, 6.1.2) for our
 * mbedTLS build, which sets MBEDTLS_SHA1_PROCESS_ALT: mbedTLS's own has its
 * 80 steps written out, 6 KiB of the mipsel binary, for a hash SSL_GET
 * meets only in old certificate signatures. One loop with a 16-word
 * message schedule does the same in a tenth of the space.
 * toolchain/mbedtls.sh compiles it into libmbedcrypto.a.
 */
#include <stdint.h>
#include <mbedtls/sha1.h>

static uint32_t rotl(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

int mbedtls_internal_sha1_process(mbedtls_sha1_context *ctx, const unsigned char data[64])
{
	uint32_t w[16], s[5];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)data[4 * i] << 24 | (uint32_t)data[4 * i + 1] << 16 |
		       (uint32_t)data[4 * i + 2] << 8 | data[4 * i + 3];
	for (int i = 0; i < 5; i++)
		s[i] = ctx->state[i];
	for (int t = 0; t < 80; t++) {
		uint32_t f, k;
		if (t >= 16)
			w[t & 15] = rotl(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
		if (t < 20) {
			f = (s[1] & s[2]) | (~s[1] & s[3]);
			k = 0x5a827999;
		} else if (t < 40) {
			f = s[1] ^ s[2] ^ s[3];
			k = 0x6ed9eba1;
		} else if (t < 60) {
			f = (s[1] & s[2]) | (s[1] & s[3]) | (s[2] & s[3]);
			k = 0x8f1bbcdc;
		} else {
			f = s[1] ^ s[2] ^ s[3];
			k = 0xca62c1d6;
		}
		uint32_t temp = rotl(s[0], 5) + f + s[4] + k + w[t & 15];
		s[4] = s[3];
		s[3] = s[2];
		s[2] = rotl(s[1], 30);
		s[1] = s[0];
		s[0] = temp;
	}
	for (int i = 0; i < 5; i++)
		ctx->state[i] += s[i];
	return 0;
}
