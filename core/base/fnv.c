/*
 * fnv.c - FNV-1a, 32 bits, for the tables of fnv.h.
 */
#include "fnv.h"

uint32_t fnv1a_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}
