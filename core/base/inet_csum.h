/*
 * inet_csum.h - the Internet checksum (RFC 1071) that VRRP adverts and
 * their IPv4 header, the unsolicited neighbour advertisement, PING_CHECK's
 * echo request and TCP_CHECK's SYN carry.
 */
#ifndef LVSBOX_INET_CSUM_H
#define LVSBOX_INET_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* sum plus data taken as big-endian 16-bit words (an odd last byte is
 * padded with zero), folded to 16 bits, not complemented: pieces of even
 * length can be added one after another (a pseudo-header, then the data). */
uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len);
/* sum folded to 16 bits; the checksum field is its complement, and a
 * message with a right checksum folds to 0xffff. */
uint16_t inet_csum_fold(uint32_t sum);

#endif
