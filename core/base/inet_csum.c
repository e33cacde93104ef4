/*
 * inet_csum.c - the Internet checksum (RFC 1071), computed byte by byte so
 * that it is the same on big- and little-endian targets.
 */
#include "inet_csum.h"

uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	return inet_csum_fold(sum);
}

uint16_t inet_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}
