/*
 * md5.h - MD5 (RFC 1321), for HTTP_GET's digest option (keepalived's
 * genhash prints the MD5 of a page's body and users paste it into
 * "digest") and VRRP's AH authentication (HMAC-MD5-96, which keepalived
 * speaks). Not used for anything that needs a secure hash.
 */
#ifndef LVSBOX_MD5_H
#define LVSBOX_MD5_H

#include <stddef.h>
#include <stdint.h>

struct md5 {
	uint32_t state[4];
	uint64_t bytes;          /* message length so far */
	unsigned char block[64];
};

void md5_init(struct md5 *m);
void md5_update(struct md5 *m, const void *data, size_t len);
void md5_final(struct md5 *m, unsigned char out[16]);

#endif
