/*
 * test_vrrp_pkt.c - the VRRP codec against independent sources:
 *  - MD5 and HMAC-MD5 against the test vectors printed in RFC 1321 and RFC 2202;
 *  - adverts captured from keepalived 2.2.7 (Debian's package) on a veth
 *    pair by tests/unit/vrrp_capture.sh: each must decode to the fields its
 *    config says, and our builder, given the same fields, must produce the
 *    same bytes (the AH digest and both checksums included);
 *  - tshark's dissector decoding what our builder makes: the fields we put
 *    in, good checksums, nothing malformed;
 *  - every drop reason, each from a one-field change to a valid packet.
 */
#include "inet_csum.h"
#include "unit.h"
#include "vrrp_pkt.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static size_t unhex(const char *hex, uint8_t *out, size_t size)
{
	size_t n = 0;
	while (hex[0] && hex[1] && n < size) {
		unsigned v;
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static const char *tohex(const uint8_t *p, size_t n)
{
	static char buf[2 * VRRP_PKT_MAX + 1];
	for (size_t i = 0; i < n && i < VRRP_PKT_MAX; i++)
		sprintf(buf + 2 * i, "%02x", p[i]);
	buf[2 * (n < VRRP_PKT_MAX ? n : VRRP_PKT_MAX)] = 0;
	return buf;
}

static void ip4(const char *text, uint8_t *out) { inet_pton(AF_INET, text, out); }
static void ip6(const char *text, uint8_t *out) { inet_pton(AF_INET6, text, out); }

/* ---- HMAC-MD5 (MD5 itself: test_http_parse.c) ---- */

static void test_hmac_md5(void)
{
	uint8_t key[80], data[50], mac[16];
	memset(key, 0x0b, 16);
	vrrp_hmac_md5(key, 16, (const uint8_t *)"Hi There", 8, mac);
	CHECK(strcmp(tohex(mac, 16), "9294727a3638bb1c13f48ef8158bfc9d") == 0, "hmac-md5: RFC 2202 case 1");
	vrrp_hmac_md5((const uint8_t *)"Jefe", 4, (const uint8_t *)"what do ya want for nothing?", 28, mac);
	CHECK(strcmp(tohex(mac, 16), "750c783e6ab0b503eaa86e310a5db738") == 0, "hmac-md5: RFC 2202 case 2");
	memset(key, 0xaa, 16);
	memset(data, 0xdd, 50);
	vrrp_hmac_md5(key, 16, data, 50, mac);
	CHECK(strcmp(tohex(mac, 16), "56be34521d144c88dbb8c733f0e8b3f6") == 0, "hmac-md5: RFC 2202 case 3");
	memset(key, 0xaa, 80);
	const char *big = "Test Using Larger Than Block-Size Key - Hash Key First";
	vrrp_hmac_md5(key, 80, (const uint8_t *)big, strlen(big), mac);
	CHECK(strcmp(tohex(mac, 16), "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd") == 0, "hmac-md5: RFC 2202 case 6 (key longer than a block)");
}

/* ---- keepalived's adverts ---- */

/*
 * Captured by tests/unit/vrrp_capture.sh from keepalived 2.2.7, master at
 * 10.99.0.1 / fe80::ff:fe00:aa01; the second of each pair is the priority-0
 * advert it sends when stopped. IPv4: the whole IP packet. IPv6: the IPv6
 * packet (header 40 bytes, then VRRP).
 */
/* VRID 51, priority 150, advert_int 1, PASS "1111", VIPs 10.99.0.100 .101 */
static const char ka_v2_pass[] =
	"45c0002c00010000ff70d02a0a630001e0000012213396020101cfd70a6300640a6300653131313100000000";
static const char ka_v2_pass_stop[] =
	"45c0002c00020000ff70d0290a630001e000001221330002010165d80a6300640a6300653131313100000000";
/* VRID 52, priority 150, advert_int 1, AH "sEcReT99", same VIPs */
static const char ka_v2_ah[] =
	"45c0004400010000ff33d04f0a630001e0000012700400000a630001000000019baf2f3cfe44dafa9111a8cd"
	"21349602020131390a6300640a6300650000000000000000";
static const char ka_v2_ah_stop[] =
	"45c0004400020000ff33d04e0a630001e0000012700400000a63000100000002f37acfa2fb06dae875955b2b"
	"213400020201c7390a6300640a6300650000000000000000";
/* version 3, VRID 53, priority 200, advert_int 0.05, VIP 10.99.0.100 */
static const char ka_v3_ip4[] =
	"45c0002000100000ff70d0270a630001e00000123135c8010005110a0a630064";
static const char ka_v3_ip4_stop[] =
	"45c0002000430000ff70cff40a630001e0000012313500010005d90a0a630064";
/* version 3, VRID 54, priority 100, advert_int 1, VIPs fe80::54 fd00:99::100 */
static const char ka_v3_ip6[] =
	"6c026ed2002870fffe80000000000000000000fffe00aa01ff020000000000000000000000000012"
	"313664020064c5c4fe800000000000000000000000000054fd000099000000000000000000000100";
static const char ka_v3_ip6_stop[] =
	"6c026ed2002870fffe80000000000000000000fffe00aa01ff020000000000000000000000000012"
	"31360002006429c5fe800000000000000000000000000054fd000099000000000000000000000100";

static uint8_t vips4[8], vips6[32], ka_src4[4], mcast4[4], ka_src6[16], mcast6[16];

static void setup_addrs(void)
{
	ip4("10.99.0.100", vips4);
	ip4("10.99.0.101", vips4 + 4);
	ip6("fe80::54", vips6);
	ip6("fd00:99::100", vips6 + 16);
	ip4("10.99.0.1", ka_src4);
	ip4(VRRP_MCAST4, mcast4);
	ip6("fe80::ff:fe00:aa01", ka_src6);
	ip6(VRRP_MCAST6, mcast6);
}

static enum vrrp_drop decode6(const uint8_t *pkt, size_t len, unsigned flags, struct vrrp_advert *adv)
{
	return vrrp_decode_ip6(pkt + 40, len - 40, pkt[7], pkt + 8, pkt + 24, flags, adv);
}

static void test_keepalived_v2(void)
{
	uint8_t pkt[VRRP_PKT_MAX], out[VRRP_PKT_MAX];
	struct vrrp_advert adv;
	const char *caps[2] = { ka_v2_pass, ka_v2_pass_stop };

	for (int i = 0; i < 2; i++) {
		size_t len = unhex(caps[i], pkt, sizeof(pkt));
		enum vrrp_drop r = vrrp_decode_ip4(pkt, len, 0, &adv);
		CHECK(r == VRRP_OK, "keepalived v2 PASS advert %d decodes (%s)", i, vrrp_drop_name(r));
		CHECK(adv.version == 2 && adv.vrid == 51 && adv.priority == (i ? 0 : 150) &&
			adv.adver_int_cs == 100 && adv.naddrs == 2 && adv.auth_type == VRRP_AUTH_PASS &&
			!adv.has_ah && adv.ttl == 255,
			"keepalived v2 PASS advert %d: version 2, VRID 51, priority %d, 1 s, 2 addresses, PASS", i, i ? 0 : 150);
		CHECK(adv.addrs && memcmp(adv.addrs, vips4, 8) == 0 && memcmp(adv.src, ka_src4, 4) == 0 &&
			memcmp(adv.auth_data, "1111\0\0\0\0", 8) == 0,
			"keepalived v2 PASS advert %d: VIPs, source and password", i);
		struct vrrp_expect e = { .version = 2, .family = AF_INET, .vrid = 51, .adver_int_cs = 100,
			.auth_type = VRRP_AUTH_PASS, .auth_pass = "1111", .vips = vips4, .nvips = 2 };
		r = vrrp_validate(&e, &adv);
		CHECK(r == VRRP_OK, "keepalived v2 PASS advert %d validates (%s)", i, vrrp_drop_name(r));

		struct vrrp_send s = { .version = 2, .family = AF_INET, .vrid = 51, .priority = adv.priority,
			.adver_int_cs = 100, .addrs = vips4, .naddrs = 2, .auth_type = VRRP_AUTH_PASS,
			.auth_pass = "1111", .ip_id = (uint16_t)(i + 1) };
		memcpy(s.src, ka_src4, 4);
		memcpy(s.dst, mcast4, 4);
		int n = vrrp_build_ip4(&s, out, sizeof(out));
		CHECK(n == (int)len && memcmp(out, pkt, len) == 0, "v2 PASS advert %d built byte for byte as keepalived's", i);
		if (n != (int)len || memcmp(out, pkt, len))
			printf("# ours %s\n", tohex(out, n > 0 ? (size_t)n : 0));
		n = vrrp_build_msg(&s, out, sizeof(out));
		CHECK(n == (int)len - 20 && memcmp(out, pkt + 20, len - 20) == 0, "v2 PASS advert %d message alone as keepalived's", i);
	}

	const char *ahcaps[2] = { ka_v2_ah, ka_v2_ah_stop };
	struct vrrp_ah_replay replay = { 0, 0 };
	for (int i = 0; i < 2; i++) {
		size_t len = unhex(ahcaps[i], pkt, sizeof(pkt));
		enum vrrp_drop r = vrrp_decode_ip4(pkt, len, 0, &adv);
		CHECK(r == VRRP_OK, "keepalived v2 AH advert %d decodes (%s)", i, vrrp_drop_name(r));
		CHECK(adv.has_ah && adv.ah_seq == (uint32_t)i + 1 && adv.ah_spi == 0x0a630001 &&
			adv.vrid == 52 && adv.priority == (i ? 0 : 150) && adv.auth_type == VRRP_AUTH_AH && adv.naddrs == 2,
			"keepalived v2 AH advert %d: AH seq %d, SPI = source, VRID 52", i, i + 1);
		struct vrrp_expect e = { .version = 2, .family = AF_INET, .vrid = 52, .adver_int_cs = 100,
			.auth_type = VRRP_AUTH_AH, .auth_pass = "sEcReT99", .vips = vips4, .nvips = 2,
			.ah_replay = &replay };
		r = vrrp_validate(&e, &adv);
		CHECK(r == VRRP_OK && replay.seq == (uint32_t)i + 1, "keepalived v2 AH advert %d: HMAC-MD5-96 verifies (%s)", i, vrrp_drop_name(r));

		struct vrrp_send s = { .version = 2, .family = AF_INET, .vrid = 52, .priority = adv.priority,
			.adver_int_cs = 100, .addrs = vips4, .naddrs = 2, .auth_type = VRRP_AUTH_AH,
			.auth_pass = "sEcReT99", .ah_spi = 0x0a630001, .ah_seq = (uint32_t)i + 1,
			.ip_id = (uint16_t)(i + 1) };
		memcpy(s.src, ka_src4, 4);
		memcpy(s.dst, mcast4, 4);
		int n = vrrp_build_ip4(&s, out, sizeof(out));
		CHECK(n == (int)len && memcmp(out, pkt, len) == 0, "v2 AH advert %d built byte for byte as keepalived's (ICV included)", i);
		if (n != (int)len || memcmp(out, pkt, len))
			printf("# ours %s\n", tohex(out, n > 0 ? (size_t)n : 0));
		CHECK(vrrp_build_msg(&s, out, sizeof(out)) == -1, "v2 AH: message-only build refused (AH needs the IP header)");
	}
}

static void test_keepalived_v3(void)
{
	uint8_t pkt[VRRP_PKT_MAX], out[VRRP_PKT_MAX];
	struct vrrp_advert adv;
	const char *caps[2] = { ka_v3_ip4, ka_v3_ip4_stop };
	static const uint16_t ids[2] = { 0x10, 0x43 };

	for (int i = 0; i < 2; i++) {
		size_t len = unhex(caps[i], pkt, sizeof(pkt));
		enum vrrp_drop r = vrrp_decode_ip4(pkt, len, 0, &adv);
		CHECK(r == VRRP_OK, "keepalived v3 IPv4 advert %d decodes (%s)", i, vrrp_drop_name(r));
		CHECK(adv.version == 3 && adv.vrid == 53 && adv.priority == (i ? 0 : 200) &&
			adv.adver_int_cs == 5 && adv.naddrs == 1 && memcmp(adv.addrs, vips4, 4) == 0,
			"keepalived v3 IPv4 advert %d: VRID 53, priority %d, 5 cs, 1 address", i, i ? 0 : 200);
		struct vrrp_expect e = { .version = 3, .family = AF_INET, .vrid = 53, .adver_int_cs = 100,
			.vips = vips4, .nvips = 1 };
		r = vrrp_validate(&e, &adv);
		CHECK(r == VRRP_OK, "keepalived v3 IPv4 advert %d validates, although our interval differs (%s)", i, vrrp_drop_name(r));
		struct vrrp_send s = { .version = 3, .family = AF_INET, .vrid = 53, .priority = adv.priority,
			.adver_int_cs = 5, .addrs = vips4, .naddrs = 1, .ip_id = ids[i] };
		memcpy(s.src, ka_src4, 4);
		memcpy(s.dst, mcast4, 4);
		int n = vrrp_build_ip4(&s, out, sizeof(out));
		CHECK(n == (int)len && memcmp(out, pkt, len) == 0, "v3 IPv4 advert %d built byte for byte as keepalived's (pseudo-header checksum)", i);
		if (n != (int)len || memcmp(out, pkt, len))
			printf("# ours %s\n", tohex(out, n > 0 ? (size_t)n : 0));
	}

	const char *caps6[2] = { ka_v3_ip6, ka_v3_ip6_stop };
	for (int i = 0; i < 2; i++) {
		size_t len = unhex(caps6[i], pkt, sizeof(pkt));
		enum vrrp_drop r = decode6(pkt, len, 0, &adv);
		CHECK(r == VRRP_OK, "keepalived v3 IPv6 advert %d decodes (%s)", i, vrrp_drop_name(r));
		CHECK(adv.version == 3 && adv.family == AF_INET6 && adv.vrid == 54 &&
			adv.priority == (i ? 0 : 100) && adv.adver_int_cs == 100 && adv.naddrs == 2 &&
			memcmp(adv.addrs, vips6, 32) == 0 && memcmp(adv.src, ka_src6, 16) == 0,
			"keepalived v3 IPv6 advert %d: VRID 54, priority %d, 100 cs, fe80::54 fd00:99::100", i, i ? 0 : 100);
		struct vrrp_expect e = { .version = 3, .family = AF_INET6, .vrid = 54, .adver_int_cs = 100,
			.vips = vips6, .nvips = 2 };
		r = vrrp_validate(&e, &adv);
		CHECK(r == VRRP_OK, "keepalived v3 IPv6 advert %d validates (%s)", i, vrrp_drop_name(r));
		struct vrrp_send s = { .version = 3, .family = AF_INET6, .vrid = 54, .priority = adv.priority,
			.adver_int_cs = 100, .addrs = vips6, .naddrs = 2 };
		memcpy(s.src, ka_src6, 16);
		memcpy(s.dst, mcast6, 16);
		int n = vrrp_build_msg(&s, out, sizeof(out));
		CHECK(n == (int)len - 40 && memcmp(out, pkt + 40, len - 40) == 0,
			"v3 IPv6 advert %d built byte for byte as keepalived's (IPv6 pseudo-header checksum)", i);
	}
}

/* ---- drop reasons ---- */

static int seen[VRRP_DROP_NREASONS];

static void expect_drop(enum vrrp_drop got, enum vrrp_drop want, const char *what)
{
	if ((unsigned)got < VRRP_DROP_NREASONS && got == want)
		seen[got] = 1;
	CHECK(got == want, "drop: %s -> %s (got %s)", what, vrrp_drop_name(want), vrrp_drop_name(got));
}

/* Recomputes the VRRP checksum of a v2 IPv4 packet after an edit (ihl 20). */
static void fix_v2_csum(uint8_t *pkt, size_t len)
{
	pkt[26] = pkt[27] = 0;
	uint16_t c = (uint16_t)~inet_csum_fold(inet_csum_add(0, pkt + 20, len - 20));
	pkt[26] = (uint8_t)(c >> 8);
	pkt[27] = (uint8_t)c;
}

static enum vrrp_drop decode_edit(const char *hex, int at, uint8_t value, int fix, unsigned flags)
{
	uint8_t pkt[VRRP_PKT_MAX];
	struct vrrp_advert adv;
	size_t len = unhex(hex, pkt, sizeof(pkt));
	if (at >= 0)
		pkt[at] = value;
	if (fix)
		fix_v2_csum(pkt, len);
	return vrrp_decode_ip4(pkt, len, flags, &adv);
}

static void test_drops(void)
{
	uint8_t pkt[VRRP_PKT_MAX];
	struct vrrp_advert adv;
	size_t len = unhex(ka_v2_pass, pkt, sizeof(pkt));

	expect_drop(vrrp_decode_ip4(pkt, 10, 0, &adv), VRRP_DROP_TRUNCATED, "10 bytes of IPv4 header");
	expect_drop(vrrp_decode_ip4(pkt, len - 1, 0, &adv), VRRP_DROP_TRUNCATED, "one byte short of the IP total length");
	expect_drop(decode_edit(ka_v2_pass, 0, 0x65, 0, 0), VRRP_DROP_IP_HEADER, "IP version 6 in an IPv4 packet");
	expect_drop(decode_edit(ka_v2_pass, 0, 0x44, 0, 0), VRRP_DROP_IP_HEADER, "IHL 4");
	expect_drop(decode_edit(ka_v2_pass, 6, 0x20, 0, 0), VRRP_DROP_IP_HEADER, "a fragment (MF set)");
	expect_drop(decode_edit(ka_v2_pass, 9, 6, 0, 0), VRRP_DROP_PROTOCOL, "IP protocol TCP");
	expect_drop(decode_edit(ka_v2_ah, 20, 6, 0, 0), VRRP_DROP_PROTOCOL, "AH carrying TCP");
	expect_drop(decode_edit(ka_v2_ah, 21, 5, 0, 0), VRRP_DROP_AUTH, "AH with a longer ICV than HMAC-MD5-96");
	expect_drop(decode_edit(ka_v2_pass, 8, 254, 0, 0), VRRP_DROP_TTL, "TTL 254");
	CHECK(decode_edit(ka_v2_pass, 8, 254, 0, VRRP_DECODE_ANY_TTL) == VRRP_OK, "TTL 254 accepted for unicast peers");
	expect_drop(decode_edit(ka_v2_pass, 20, 0x41, 0, 0), VRRP_DROP_VERSION, "VRRP version 4");
	expect_drop(decode_edit(ka_v2_pass, 20, 0x11, 1, 0), VRRP_DROP_VERSION, "VRRP version 1, good checksum");
	expect_drop(decode_edit(ka_v2_pass, 29, 0x64, 0, 0), VRRP_DROP_CHECKSUM, "a VIP byte changed, checksum not");
	expect_drop(decode_edit(ka_v2_pass, 20, 0x22, 1, 0), VRRP_DROP_TYPE, "type 2, good checksum");
	expect_drop(decode_edit(ka_v2_pass, 23, 3, 1, 0), VRRP_DROP_ADDR_COUNT, "count 3 for 2 addresses, good checksum");
	expect_drop(decode_edit(ka_v2_pass, 23, 1, 1, 0), VRRP_DROP_ADDR_COUNT, "count 1 for 2 addresses, good checksum");
	expect_drop(vrrp_decode_ip4(pkt, 24, 0, &adv), VRRP_DROP_TRUNCATED, "IP total length says more than arrived");
	{
		/* cut the VRRP message to 4 bytes, IP total length following */
		uint8_t cut[24];
		memcpy(cut, pkt, 24);
		cut[3] = 24;
		expect_drop(vrrp_decode_ip4(cut, 24, 0, &adv), VRRP_DROP_TRUNCATED, "VRRP message of 4 bytes");
	}

	/* what depends on the instance */
	struct vrrp_expect e = { .version = 2, .family = AF_INET, .vrid = 51, .adver_int_cs = 100,
		.auth_type = VRRP_AUTH_PASS, .auth_pass = "1111", .vips = vips4, .nvips = 2 };
	CHECK(vrrp_decode_ip4(pkt, len, 0, &adv) == VRRP_OK, "drop: the unchanged packet decodes");
	struct vrrp_expect x = e;
	x.vrid = 52;
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_VRID, "VRID 51 at an instance of VRID 52");
	x = e; x.version = 3;
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_VERSION, "v2 advert at a v3 instance");
	x = e; x.auth_type = VRRP_AUTH_NONE;
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_AUTH_TYPE, "PASS advert at an instance without auth");
	x = e; x.auth_pass = "1112";
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_AUTH, "wrong password");
	x = e; x.auth_pass = "11111";
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_AUTH, "password with a fifth character");
	x = e; x.adver_int_cs = 200;
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_INTERVAL, "v2 interval 1 s at an instance of 2 s");
	x = e; x.nvips = 1;
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_ADDR_MISMATCH, "2 addresses at an instance with 1 VIP");
	{
		uint8_t other[8];
		memcpy(other, vips4 + 4, 4);
		ip4("10.99.0.102", other + 4);
		x = e; x.vips = other;
		expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_ADDR_MISMATCH, "a VIP not in the advert");
		memcpy(other, vips4 + 4, 4);
		memcpy(other + 4, vips4, 4);
		x = e; x.vips = other;
		CHECK(vrrp_validate(&x, &adv) == VRRP_OK, "VIPs in another order match");
	}
	x = e; x.family = AF_INET6;
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_FAMILY, "IPv4 advert at an IPv6 instance");
	x = e; x.vips = NULL;
	x.nvips = 5;
	CHECK(vrrp_validate(&x, &adv) == VRRP_OK, "no VIP list: addresses not checked");

	/* AH */
	struct vrrp_ah_replay replay = { 0, 0 };
	struct vrrp_expect a = { .version = 2, .family = AF_INET, .vrid = 52, .adver_int_cs = 100,
		.auth_type = VRRP_AUTH_AH, .auth_pass = "sEcReT99", .ah_replay = &replay };
	len = unhex(ka_v2_ah, pkt, sizeof(pkt));
	CHECK(vrrp_decode_ip4(pkt, len, 0, &adv) == VRRP_OK, "AH: packet decodes");
	x = a; x.auth_pass = "sEcReT98";
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_AUTH, "AH with another key");
	x = a; x.auth_type = VRRP_AUTH_PASS;
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_AUTH_TYPE, "AH advert at a PASS instance");
	CHECK(vrrp_validate(&a, &adv) == VRRP_OK, "AH: first time accepted");
	expect_drop(vrrp_validate(&a, &adv), VRRP_DROP_AH_SEQ, "AH: the same packet again (replay)");
	replay.spi = 0x0a630002;
	CHECK(vrrp_validate(&a, &adv) == VRRP_OK, "AH: a new SPI starts counting afresh");
	pkt[5] ^= 1; /* IP identification: not mutable, so covered by the ICV */
	CHECK(vrrp_decode_ip4(pkt, len, 0, &adv) == VRRP_OK, "AH: changed IP id still decodes");
	replay.seq = 0;
	expect_drop(vrrp_validate(&a, &adv), VRRP_DROP_AUTH, "AH: changed IP id fails the ICV");
	pkt[5] ^= 1;
	pkt[1] = 0x10; pkt[8] = 255;      /* TOS is mutable: not in the ICV */
	vrrp_decode_ip4(pkt, len, 0, &adv);
	CHECK(vrrp_validate(&a, &adv) == VRRP_OK, "AH: changed TOS does not matter (mutable field)");
	x = a; x.ah_replay = NULL;
	replay.seq = 0;
	CHECK(vrrp_validate(&x, &adv) != VRRP_OK, "AH: no replay state, no acceptance");
	{
		/* AH spoken but SPI is not the sender: keepalived drops it */
		struct vrrp_send s = { .version = 2, .family = AF_INET, .vrid = 52, .priority = 100,
			.adver_int_cs = 100, .addrs = vips4, .naddrs = 2, .auth_type = VRRP_AUTH_AH,
			.auth_pass = "sEcReT99", .ah_spi = 7, .ah_seq = 9, .ip_id = 3 };
		memcpy(s.src, ka_src4, 4);
		memcpy(s.dst, mcast4, 4);
		int n = vrrp_build_ip4(&s, pkt, sizeof(pkt));
		vrrp_decode_ip4(pkt, (size_t)n, 0, &adv);
		replay.seq = 0;
		expect_drop(vrrp_validate(&a, &adv), VRRP_DROP_AUTH, "AH: SPI is not the source address");
	}
	len = unhex(ka_v2_pass, pkt, sizeof(pkt));
	vrrp_decode_ip4(pkt, len, 0, &adv);
	x = a; x.vrid = 51;
	expect_drop(vrrp_validate(&x, &adv), VRRP_DROP_AUTH_TYPE, "PASS advert at an AH instance");

	/* IPv6 */
	len = unhex(ka_v3_ip6, pkt, sizeof(pkt));
	pkt[7] = 64;
	expect_drop(decode6(pkt, len, 0, &adv), VRRP_DROP_TTL, "IPv6 hop limit 64");
	pkt[7] = 255;
	pkt[len - 1] ^= 1;
	expect_drop(decode6(pkt, len, 0, &adv), VRRP_DROP_CHECKSUM, "IPv6: a VIP byte changed");
	pkt[len - 1] ^= 1;
	expect_drop(vrrp_decode_ip6(pkt + 40, len - 41, 255, pkt + 8, pkt + 24, 0, &adv), VRRP_DROP_CHECKSUM,
		"IPv6: last byte cut (checksum catches it first)");
	expect_drop(vrrp_decode_ip6(pkt + 40, 7, 255, pkt + 8, pkt + 24, 0, &adv), VRRP_DROP_TRUNCATED, "IPv6: 7 bytes");
	{
		uint8_t dst[16];
		ip6("ff02::13", dst);
		expect_drop(vrrp_decode_ip6(pkt + 40, len - 40, 255, pkt + 8, dst, 0, &adv), VRRP_DROP_CHECKSUM,
			"IPv6: another destination breaks the pseudo-header checksum");
	}
	decode6(pkt, len, 0, &adv);
	struct vrrp_expect e6 = { .version = 3, .family = AF_INET6, .vrid = 54, .adver_int_cs = 100 };
	e6.vrid = 55;
	expect_drop(vrrp_validate(&e6, &adv), VRRP_DROP_VRID, "IPv6: VRID 54 at VRID 55");
	e6.vrid = 54; e6.family = AF_INET;
	expect_drop(vrrp_validate(&e6, &adv), VRRP_DROP_FAMILY, "IPv6 advert at an IPv4 instance");
	{
		/* v3 with interval 0: dropped rather than adopted */
		struct vrrp_send s = { .version = 3, .family = AF_INET6, .vrid = 54, .priority = 100,
			.adver_int_cs = 100, .addrs = vips6, .naddrs = 2 };
		memcpy(s.src, ka_src6, 16);
		memcpy(s.dst, mcast6, 16);
		uint8_t m[64];
		int n = vrrp_build_msg(&s, m, sizeof(m));
		m[4] = 0xf0; m[5] = 0;      /* reserved bits set, interval 0: fix the checksum by hand */
		m[6] = m[7] = 0;
		uint32_t sum = inet_csum_add(inet_csum_add(0, s.src, 16), s.dst, 16);
		uint8_t tail[8] = { 0, 0, 0, (uint8_t)n, 0, 0, 0, 112 };
		uint16_t c = (uint16_t)~inet_csum_fold(inet_csum_add(inet_csum_add(sum, tail, 8), m, (size_t)n));
		m[6] = (uint8_t)(c >> 8); m[7] = (uint8_t)c;
		CHECK(vrrp_decode_ip6(m, (size_t)n, 255, s.src, s.dst, 0, &adv) == VRRP_OK && adv.adver_int_cs == 0,
			"v3: reserved bits ignored, interval 0 decoded");
		e6.family = AF_INET6;
		expect_drop(vrrp_validate(&e6, &adv), VRRP_DROP_INTERVAL, "v3 advert with interval 0");
	}

	for (int r = 1; r < VRRP_DROP_NREASONS; r++)
		CHECK(seen[r], "drop reason %s exercised", vrrp_drop_name(r));
	CHECK(strcmp(vrrp_drop_name(VRRP_DROP_NREASONS), "unknown") == 0, "drop name out of range is \"unknown\"");
}

/* ---- building: limits and round trips ---- */

static void test_build(void)
{
	uint8_t buf[VRRP_PKT_MAX], addrs[VRRP_MAX_ADDRS * 16];
	struct vrrp_advert adv;
	for (int i = 0; i < VRRP_MAX_ADDRS; i++) {
		memset(addrs + 16 * i, 0, 16);
		addrs[16 * i] = 0xfd;
		addrs[16 * i + 15] = (uint8_t)i;
	}
	struct vrrp_send s = { .version = 3, .family = AF_INET6, .vrid = 200, .priority = 254,
		.adver_int_cs = 4095, .addrs = addrs, .naddrs = VRRP_MAX_ADDRS };
	ip6("fe80::1", s.src);
	ip6(VRRP_MCAST6, s.dst);
	int n = vrrp_build_msg(&s, buf, sizeof(buf));
	CHECK(n == 8 + 255 * 16, "v3 IPv6 with 255 addresses builds (%d bytes)", n);
	CHECK(vrrp_decode_ip6(buf, (size_t)n, 255, s.src, s.dst, 0, &adv) == VRRP_OK && adv.naddrs == 255 &&
		adv.adver_int_cs == 4095 && adv.priority == 254 && memcmp(adv.addrs, addrs, 255 * 16) == 0,
		"v3 IPv6 with 255 addresses and interval 4095 cs round-trips");
	CHECK(vrrp_build_msg(&s, buf, (size_t)n - 1) == -1, "buffer one byte short: refused");
	s.adver_int_cs = 4096;
	CHECK(vrrp_build_msg(&s, buf, sizeof(buf)) == -1, "v3 interval over 12 bits: refused");
	s.adver_int_cs = 0;
	CHECK(vrrp_build_msg(&s, buf, sizeof(buf)) == -1, "v3 interval 0: refused");
	s.adver_int_cs = 100;
	s.naddrs = 256;
	CHECK(vrrp_build_msg(&s, buf, sizeof(buf)) == -1, "256 addresses: refused");
	s.naddrs = 2;
	CHECK(vrrp_build_ip4(&s, buf, sizeof(buf)) == -1, "IPv6 through the IPv4 builder: refused");
	s.version = 4;
	CHECK(vrrp_build_msg(&s, buf, sizeof(buf)) == -1, "version 4: refused");

	/* v2 over IPv6 (keepalived allows it): no auth bytes, pseudo-header checksum */
	s.version = 2;
	s.adver_int_cs = 300;
	n = vrrp_build_msg(&s, buf, sizeof(buf));
	CHECK(n == 8 + 32, "v2 IPv6 message: header and addresses only");
	CHECK(vrrp_decode_ip6(buf, (size_t)n, 255, s.src, s.dst, 0, &adv) == VRRP_OK && adv.version == 2 &&
		adv.adver_int_cs == 300, "v2 IPv6 round-trips with a 3 s interval");
	s.adver_int_cs = 50;
	CHECK(vrrp_build_msg(&s, buf, sizeof(buf)) == -1, "v2 interval under 1 s: refused (the field is in seconds)");

	/* v2 without auth, no addresses */
	struct vrrp_send z = { .version = 2, .family = AF_INET, .vrid = 1, .priority = 1, .adver_int_cs = 25500,
		.ip_id = 9 };
	ip4("192.0.2.1", z.src);
	ip4(VRRP_MCAST4, z.dst);
	n = vrrp_build_ip4(&z, buf, sizeof(buf));
	CHECK(n == 20 + 16 && vrrp_decode_ip4(buf, (size_t)n, 0, &adv) == VRRP_OK && adv.naddrs == 0 &&
		adv.adver_int_cs == 25500 && adv.auth_type == VRRP_AUTH_NONE, "v2 no auth, no VIPs, 255 s round-trips");
	CHECK(inet_csum_fold(inet_csum_add(0, buf, 20)) == 0xffff, "IPv4 header checksum is right");
	z.auth_type = VRRP_AUTH_AH;
	z.ip_id = 0;
	CHECK(vrrp_build_ip4(&z, buf, sizeof(buf)) == -1, "AH with IP id 0: refused");
}

/* ---- tshark decodes what we build ---- */

static void pcap_put(FILE *f, const uint8_t *p, size_t n, unsigned sec)
{
	uint32_t h[4] = { sec, 0, (uint32_t)n, (uint32_t)n };
	fwrite(h, sizeof(h), 1, f);
	fwrite(p, n, 1, f);
}

static size_t wrap6(const struct vrrp_send *s, const uint8_t *msg, size_t n, uint8_t *out)
{
	memset(out, 0, 40);
	out[0] = 0x60;
	out[4] = (uint8_t)(n >> 8); out[5] = (uint8_t)n;
	out[6] = VRRP_IPPROTO;
	out[7] = 255;
	memcpy(out + 8, s->src, 16);
	memcpy(out + 24, s->dst, 16);
	memcpy(out + 40, msg, n);
	return 40 + n;
}

static void test_tshark(void)
{
	char dir[] = "/tmp/vrrp_pkt_XXXXXX", path[64], cmd[512];
	if (!mkdtemp(dir)) {
		CHECK(0, "tshark: temporary directory");
		return;
	}
	snprintf(path, sizeof(path), "%s/ours.pcap", dir);
	FILE *f = fopen(path, "wb");
	uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 101 /* raw IP */ };
	fwrite(gh, sizeof(gh), 1, f);

	struct { int version, family, auth, vrid, prio, cs, naddrs; } cases[] = {
		{ 2, AF_INET, VRRP_AUTH_NONE, 1, 100, 100, 1 },
		{ 2, AF_INET, VRRP_AUTH_PASS, 2, 255, 200, 2 },
		{ 2, AF_INET, VRRP_AUTH_AH, 3, 0, 100, 2 },
		{ 3, AF_INET, 0, 4, 150, 5, 2 },
		{ 3, AF_INET6, 0, 5, 1, 10, 2 },
		{ 3, AF_INET6, 0, 6, 200, 4095, 0 },
	};
	int ncases = (int)(sizeof(cases) / sizeof(cases[0]));
	for (int i = 0; i < ncases; i++) {
		uint8_t buf[VRRP_PKT_MAX], pkt[VRRP_PKT_MAX];
		struct vrrp_send s = { .version = cases[i].version, .family = cases[i].family,
			.vrid = (uint8_t)cases[i].vrid, .priority = (uint8_t)cases[i].prio,
			.adver_int_cs = (unsigned)cases[i].cs, .naddrs = cases[i].naddrs,
			.addrs = cases[i].family == AF_INET ? vips4 : vips6, .auth_type = cases[i].auth,
			.auth_pass = "pw", .ah_spi = 0xc0000201, .ah_seq = 7, .ip_id = 77 };
		size_t n;
		if (s.family == AF_INET) {
			ip4("192.0.2.1", s.src);
			ip4(VRRP_MCAST4, s.dst);
			n = (size_t)vrrp_build_ip4(&s, pkt, sizeof(pkt));
		} else {
			ip6("fe80::1", s.src);
			ip6(VRRP_MCAST6, s.dst);
			n = wrap6(&s, buf, (size_t)vrrp_build_msg(&s, buf, sizeof(buf)), pkt);
		}
		pcap_put(f, pkt, n, (unsigned)i);
	}
	fclose(f);

	snprintf(cmd, sizeof(cmd), "tshark -r %s -o ip.check_checksum:TRUE -T fields -E separator=, "
		"-e vrrp.version -e vrrp.virt_rtr_id -e vrrp.prio -e vrrp.addr_count -e vrrp.checksum.status "
		"-e ip.checksum.status -e _ws.malformed -e vrrp.auth_string -e ah.sequence 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	char line[512];
	int i = 0;
	while (p && fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = 0;
		if (i >= ncases) {
			CHECK(0, "tshark: unexpected line \"%s\"", line);
			continue;
		}
		char want[128];
		/* checksum status 1 = Good; IPv6 has no header checksum */
		snprintf(want, sizeof(want), "%d,%d,%d,%d,1,%s,,%s,%s", cases[i].version, cases[i].vrid,
			cases[i].prio, cases[i].naddrs, cases[i].family == AF_INET ? "1" : "",
			cases[i].auth == VRRP_AUTH_PASS ? "pw" : "", cases[i].auth == VRRP_AUTH_AH ? "7" : "");
		CHECK(strcmp(line, want) == 0, "tshark decodes our v%d %s%s advert %d: good checksums, not malformed (%s)",
			cases[i].version, cases[i].family == AF_INET ? "IPv4" : "IPv6",
			cases[i].auth == VRRP_AUTH_AH ? " AH" : cases[i].auth == VRRP_AUTH_PASS ? " PASS" : "",
			i, line);
		i++;
	}
	int rc = p ? pclose(p) : -1;
	CHECK(rc == 0 && i == ncases, "tshark ran and decoded %d of %d adverts (exit %d)", i, ncases, rc);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	setup_addrs();
	test_hmac_md5();
	test_keepalived_v2();
	test_keepalived_v3();
	test_drops();
	test_build();
	test_tshark();
	return unit_exit();
}
