/*
 * fuzz_vrrp_pkt.c - libFuzzer harness for the VRRP advert parser. The first
 * byte picks IPv4 (even) or IPv6 (odd) and whether any TTL is allowed; the
 * rest is the packet (IPv4: with its IP header; IPv6: 32 bytes of source
 * and destination, then the VRRP message). Every decoded advert is also
 * validated against v2 PASS, v2 AH and v3 instances. Besides crashes and
 * sanitizer reports it checks that an accepted advert's addresses lie
 * inside the input, and that a v3 advert rebuilt from its decoded fields
 * gives back the same bytes (a checksum of 0xffff comes back as 0, the
 * same value).
 */
#include "vrrp_pkt.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static void check_inside(const struct vrrp_advert *adv, const uint8_t *data, size_t size)
{
	size_t alen = adv->family == AF_INET6 ? 16 : 4;
	const uint8_t *end = adv->addrs + (size_t)adv->naddrs * alen;
	if (adv->addrs < data || end > data + size)
		abort();
	if (adv->auth_data && (adv->auth_data < data || adv->auth_data + VRRP_AUTH_LEN > data + size))
		abort();
}

static void check_rebuild(const struct vrrp_advert *adv, const uint8_t *msg, size_t len)
{
	if (adv->version != 3 || (msg[4] & 0xf0) || adv->adver_int_cs == 0)
		return;
	struct vrrp_send s = { .version = 3, .family = adv->family, .vrid = adv->vrid,
		.priority = adv->priority, .adver_int_cs = adv->adver_int_cs,
		.addrs = adv->addrs, .naddrs = adv->naddrs };
	memcpy(s.src, adv->src, 16);
	memcpy(s.dst, adv->dst, 16);
	uint8_t out[VRRP_PKT_MAX];
	int n = vrrp_build_msg(&s, out, sizeof(out));
	/* one's complement has two zeros: a checksum field of 0xffff verifies
	 * where the builder (as the kernel) writes 0 */
	if (n == (int)len && len >= 8 && out[6] == 0 && out[7] == 0 && msg[6] == 0xff && msg[7] == 0xff)
		out[6] = out[7] = 0xff;
	if (n != (int)len || memcmp(out, msg, len) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0];
	unsigned flags = (mode & 2) ? VRRP_DECODE_ANY_TTL : 0;
	data++;
	size--;

	struct vrrp_advert adv;
	enum vrrp_drop r;
	const uint8_t *msg;
	size_t msg_len;
	if (mode & 1) {
		if (size < 32)
			return 0;
		r = vrrp_decode_ip6(data + 32, size - 32, (mode & 4) ? 64 : 255, data, data + 16, flags, &adv);
		msg = data + 32;
		msg_len = size - 32;
	} else {
		r = vrrp_decode_ip4(data, size, flags, &adv);
		size_t ihl = size ? (size_t)(data[0] & 0x0f) * 4 : 0;
		msg = data + ihl + (adv.has_ah ? VRRP_AH_LEN : 0);
		msg_len = adv.pkt_len > (size_t)(msg - data) ? adv.pkt_len - (size_t)(msg - data) : 0;
	}
	if ((unsigned)r >= VRRP_DROP_NREASONS || !vrrp_drop_name(r))
		abort();
	if (r != VRRP_OK)
		return 0;
	check_inside(&adv, data, size);
	check_rebuild(&adv, msg, msg_len);

	uint8_t vips[32] = { 10, 0, 0, 1, 10, 0, 0, 2 };
	struct vrrp_ah_replay replay = { 0, 0 };
	struct vrrp_expect expects[3] = {
		{ .version = 2, .family = AF_INET, .vrid = adv.vrid, .adver_int_cs = 100,
		  .auth_type = VRRP_AUTH_PASS, .auth_pass = "1111", .vips = vips, .nvips = 2 },
		{ .version = 2, .family = AF_INET, .vrid = adv.vrid, .adver_int_cs = 100,
		  .auth_type = VRRP_AUTH_AH, .auth_pass = "secret", .ah_replay = &replay },
		{ .version = 3, .family = adv.family, .vrid = adv.vrid, .adver_int_cs = 5 },
	};
	for (int i = 0; i < 3; i++) {
		r = vrrp_validate(&expects[i], &adv);
		if ((unsigned)r >= VRRP_DROP_NREASONS)
			abort();
	}
	return 0;
}
