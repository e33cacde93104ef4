/*
 * fnv.h - the one byte-string hash of the tables that intern or look up
 * by content (config words, checkd's shared probe params and probe
 * targets, script verdicts): FNV-1a, 32 bits. Not for anything an outsider could aim at a
 * table that grows without bound.
 */
#ifndef LVSBOX_FNV_H
#define LVSBOX_FNV_H

#include <stddef.h>
#include <stdint.h>

uint32_t fnv1a_bytes(const void *data, size_t len);

#endif
