/*
 * vrrp_pkt.c - VRRP advertisement codec (see vrrp_pkt.h): building adverts
 * into caller buffers, decoding and validating received ones in the order
 * the RFCs list the checks, and the MD5 / HMAC-MD5 that keepalived's AH
 * authentication needs.
 */
#include "vrrp_pkt.h"
#include "inet_csum.h"
#include "md5.h"

#include <string.h>
#include <sys/socket.h>

#define VRRP_TYPE_ADVERT 1
#define IP4_HDR_LEN      20
#define AH_PAYLOAD_LEN   4       /* AH length field: 32-bit words minus 2, for a 96-bit ICV */
#define AH_ICV_LEN       12
#define IP4_TOS_NETCTL   0xc0    /* what keepalived sends: internetwork control */

static const char *const drop_names[VRRP_DROP_NREASONS] = {
	[VRRP_OK] = "ok",
	[VRRP_DROP_TRUNCATED] = "truncated",
	[VRRP_DROP_IP_HEADER] = "ip_header",
	[VRRP_DROP_PROTOCOL] = "protocol",
	[VRRP_DROP_TTL] = "ttl",
	[VRRP_DROP_VERSION] = "version",
	[VRRP_DROP_CHECKSUM] = "checksum",
	[VRRP_DROP_TYPE] = "type",
	[VRRP_DROP_ADDR_COUNT] = "addr_count",
	[VRRP_DROP_VRID] = "vrid",
	[VRRP_DROP_AUTH_TYPE] = "auth_type",
	[VRRP_DROP_AUTH] = "auth",
	[VRRP_DROP_AH_SEQ] = "ah_seq",
	[VRRP_DROP_INTERVAL] = "interval",
	[VRRP_DROP_ADDR_MISMATCH] = "addr_mismatch",
	[VRRP_DROP_FAMILY] = "family",
};

const char *vrrp_drop_name(enum vrrp_drop reason)
{
	if ((unsigned)reason >= VRRP_DROP_NREASONS)
		return "unknown";
	return drop_names[reason];
}

/* ---- byte order helpers: packets are read and written byte by byte ---- */

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }
static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* Sum of the message plus, where the RFC wants it, the pseudo-header. */
static uint32_t msg_sum(int version, int family, const uint8_t *src, const uint8_t *dst,
	const uint8_t *msg, size_t len)
{
	uint32_t sum = 0;
	uint8_t tail[8] = { 0 };

	if (family == AF_INET6) {
		/* RFC 8200 8.1 pseudo-header, for v2 over IPv6 as well (keepalived
		 * lets the kernel checksum every IPv6 advert this way) */
		sum = inet_csum_add(sum, src, 16);
		sum = inet_csum_add(sum, dst, 16);
		put32(tail, (uint32_t)len);
		tail[7] = VRRP_IPPROTO;
		sum = inet_csum_add(sum, tail, 8);
	} else if (version == 3) {
		/* RFC 5798 5.2.8: IPv4 pseudo-header, v2 has none */
		sum = inet_csum_add(sum, src, 4);
		sum = inet_csum_add(sum, dst, 4);
		tail[1] = VRRP_IPPROTO;
		put16(tail + 2, (unsigned)len);
		sum = inet_csum_add(sum, tail, 4);
	}
	return inet_csum_add(sum, msg, len);
}

/* HMAC (RFC 2104) over the concatenation of two pieces, so the AH digest
 * needs no copy of the packet. */
static void hmac_md5_2(const uint8_t *key, size_t keylen, const uint8_t *d1, size_t l1,
	const uint8_t *d2, size_t l2, uint8_t mac[16])
{
	uint8_t k[64] = { 0 }, pad[64], inner[16];
	struct md5 m;

	if (keylen > 64) {
		md5_init(&m);
		md5_update(&m, key, keylen);
		md5_final(&m, k);
	} else if (keylen)
		memcpy(k, key, keylen);
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	md5_init(&m);
	md5_update(&m, pad, 64);
	md5_update(&m, d1, l1);
	if (l2)
		md5_update(&m, d2, l2);
	md5_final(&m, inner);
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	md5_init(&m);
	md5_update(&m, pad, 64);
	md5_update(&m, inner, 16);
	md5_final(&m, mac);
}

void vrrp_hmac_md5(const uint8_t *key, size_t keylen, const uint8_t *data, size_t len, uint8_t mac[16])
{
	hmac_md5_2(key, keylen, data, len, NULL, 0, mac);
}

/* The 8-byte key / password field: the configured text, zero padded. */
static void auth_key(const char *pass, uint8_t key[VRRP_AUTH_LEN])
{
	memset(key, 0, VRRP_AUTH_LEN);
	if (pass)
		memcpy(key, pass, strnlen(pass, VRRP_AUTH_LEN));
}

/*
 * AH ICV (RFC 2402 3.3.3): the IP header with its mutable fields (TOS,
 * fragment field, checksum, and for unicast keepalived also the TTL)
 * zeroed, the AH header with its ICV zeroed, then the payload.
 */
static void ah_icv(const uint8_t *pkt, size_t ihl, size_t total, int unicast,
	const char *pass, uint8_t icv[16])
{
	uint8_t head[60 + VRRP_AH_LEN], key[VRRP_AUTH_LEN];
	memcpy(head, pkt, ihl + VRRP_AH_LEN);
	head[1] = 0;                        /* TOS */
	head[6] = head[7] = 0;              /* flags + fragment offset */
	head[10] = head[11] = 0;            /* header checksum */
	if (unicast)
		head[8] = 0;
	memset(head + ihl + 12, 0, AH_ICV_LEN);
	auth_key(pass, key);
	hmac_md5_2(key, sizeof(key), head, ihl + VRRP_AH_LEN, pkt + ihl + VRRP_AH_LEN,
		total - ihl - VRRP_AH_LEN, icv);
}

/* ---- building ---- */

static size_t msg_len(int version, int family, int naddrs)
{
	/* v2 over IPv4 always carries the 8 authentication bytes (RFC 3768 5.3.10) */
	return VRRP_HDR_LEN + (size_t)naddrs * addr_len(family) +
		(version == 2 && family == AF_INET ? VRRP_AUTH_LEN : 0);
}

static int send_params_ok(const struct vrrp_send *s)
{
	if (s->version != 2 && s->version != 3)
		return 0;
	if (s->family != AF_INET && s->family != AF_INET6)
		return 0;
	if (s->naddrs < 0 || s->naddrs > VRRP_MAX_ADDRS || (s->naddrs && !s->addrs))
		return 0;
	if (s->version == 3 && (s->adver_int_cs == 0 || s->adver_int_cs > 0xfff))
		return 0;
	if (s->version == 2 && (s->adver_int_cs < 100 || s->adver_int_cs / 100 > 255))
		return 0;
	return 1;
}

/* Writes the message at buf (size checked by the caller). */
static size_t put_msg(const struct vrrp_send *s, uint8_t *buf)
{
	size_t alen = addr_len(s->family), len = msg_len(s->version, s->family, s->naddrs);
	memset(buf, 0, len);
	buf[0] = (uint8_t)(s->version << 4 | VRRP_TYPE_ADVERT);
	buf[1] = s->vrid;
	buf[2] = s->priority;
	buf[3] = (uint8_t)s->naddrs;
	if (s->version == 2) {
		buf[4] = (uint8_t)(s->family == AF_INET ? s->auth_type : VRRP_AUTH_NONE);
		buf[5] = (uint8_t)(s->adver_int_cs / 100);
	} else {
		put16(buf + 4, s->adver_int_cs & 0xfff);
	}
	if (s->naddrs)
		memcpy(buf + VRRP_HDR_LEN, s->addrs, (size_t)s->naddrs * alen);
	if (s->version == 2 && s->family == AF_INET && s->auth_type == VRRP_AUTH_PASS)
		auth_key(s->auth_pass, buf + VRRP_HDR_LEN + (size_t)s->naddrs * alen);
	put16(buf + 6, (uint16_t)~inet_csum_fold(msg_sum(s->version, s->family, s->src, s->dst, buf, len)));
	return len;
}

int vrrp_build_msg(const struct vrrp_send *s, uint8_t *buf, size_t size)
{
	if (!send_params_ok(s) || (s->version == 2 && s->auth_type == VRRP_AUTH_AH))
		return -1;
	if (msg_len(s->version, s->family, s->naddrs) > size)
		return -1;
	return (int)put_msg(s, buf);
}

int vrrp_build_ip4(const struct vrrp_send *s, uint8_t *buf, size_t size)
{
	int ah = s->version == 2 && s->auth_type == VRRP_AUTH_AH;
	size_t hdr = IP4_HDR_LEN + (ah ? VRRP_AH_LEN : 0);
	size_t total = hdr + msg_len(s->version, AF_INET, s->naddrs);

	if (!send_params_ok(s) || s->family != AF_INET || total > size || (ah && s->ip_id == 0))
		return -1;
	memset(buf, 0, hdr);
	buf[0] = 0x45;
	buf[1] = IP4_TOS_NETCTL;
	put16(buf + 2, (unsigned)total);
	put16(buf + 4, s->ip_id);
	buf[8] = VRRP_TTL;
	buf[9] = ah ? VRRP_IPPROTO_AH : VRRP_IPPROTO;
	memcpy(buf + 12, s->src, 4);
	memcpy(buf + 16, s->dst, 4);
	put_msg(s, buf + hdr);
	if (ah) {
		uint8_t icv[16];
		buf[IP4_HDR_LEN] = VRRP_IPPROTO;
		buf[IP4_HDR_LEN + 1] = AH_PAYLOAD_LEN;
		put32(buf + IP4_HDR_LEN + 4, s->ah_spi);
		put32(buf + IP4_HDR_LEN + 8, s->ah_seq);
		ah_icv(buf, IP4_HDR_LEN, total, s->unicast, s->auth_pass, icv);
		memcpy(buf + IP4_HDR_LEN + 12, icv, AH_ICV_LEN);
	}
	put16(buf + 10, (uint16_t)~inet_csum_fold(inet_csum_add(0, buf, IP4_HDR_LEN)));
	return (int)total;
}

/* ---- receiving ---- */

/* The checks common to both families, on the VRRP message itself. */
static enum vrrp_drop decode_msg(const uint8_t *msg, size_t len, struct vrrp_advert *adv)
{
	if (len < VRRP_HDR_LEN)
		return VRRP_DROP_TRUNCATED;
	adv->version = msg[0] >> 4;
	if (adv->version != 2 && adv->version != 3)
		return VRRP_DROP_VERSION;
	if (inet_csum_fold(msg_sum(adv->version, adv->family, adv->src, adv->dst, msg, len)) != 0xffff)
		return VRRP_DROP_CHECKSUM;
	if ((msg[0] & 0x0f) != VRRP_TYPE_ADVERT)
		return VRRP_DROP_TYPE;
	adv->vrid = msg[1];
	adv->priority = msg[2];
	adv->naddrs = msg[3];
	if (len != msg_len(adv->version, adv->family, adv->naddrs))
		return VRRP_DROP_ADDR_COUNT;
	adv->addrs = msg + VRRP_HDR_LEN;
	if (adv->version == 2) {
		adv->adver_int_cs = msg[5] * 100u;
		adv->auth_type = msg[4];
		if (adv->family == AF_INET)
			adv->auth_data = adv->addrs + (size_t)adv->naddrs * 4;
	} else {
		adv->adver_int_cs = get16(msg + 4) & 0xfff;
	}
	return VRRP_OK;
}

enum vrrp_drop vrrp_decode_ip4(const uint8_t *pkt, size_t len, unsigned flags, struct vrrp_advert *adv)
{
	memset(adv, 0, sizeof(*adv));
	adv->family = AF_INET;
	if (len < IP4_HDR_LEN)
		return VRRP_DROP_TRUNCATED;
	size_t ihl = (size_t)(pkt[0] & 0x0f) * 4, total = get16(pkt + 2);
	if ((pkt[0] >> 4) != 4 || ihl < IP4_HDR_LEN || total < ihl)
		return VRRP_DROP_IP_HEADER;
	if (len < total || len < ihl)
		return VRRP_DROP_TRUNCATED;
	if (len > total || (get16(pkt + 6) & 0x3fff) != 0)  /* trailing bytes, or a fragment */
		return VRRP_DROP_IP_HEADER;
	adv->pkt = pkt;
	adv->pkt_len = total;
	adv->ttl = pkt[8];
	memcpy(adv->src, pkt + 12, 4);
	memcpy(adv->dst, pkt + 16, 4);

	size_t off = ihl;
	if (pkt[9] == VRRP_IPPROTO_AH) {
		if (total < ihl + VRRP_AH_LEN)
			return VRRP_DROP_TRUNCATED;
		if (pkt[ihl] != VRRP_IPPROTO)
			return VRRP_DROP_PROTOCOL;
		if (pkt[ihl + 1] != AH_PAYLOAD_LEN)   /* only HMAC-MD5-96 is spoken */
			return VRRP_DROP_AUTH;
		adv->has_ah = 1;
		adv->ah_spi = get32(pkt + ihl + 4);
		adv->ah_seq = get32(pkt + ihl + 8);
		off += VRRP_AH_LEN;
	} else if (pkt[9] != VRRP_IPPROTO) {
		return VRRP_DROP_PROTOCOL;
	}
	if (!(flags & VRRP_DECODE_ANY_TTL) && adv->ttl != VRRP_TTL)
		return VRRP_DROP_TTL;
	return decode_msg(pkt + off, total - off, adv);
}

enum vrrp_drop vrrp_decode_ip6(const uint8_t *msg, size_t len, int hoplimit,
	const uint8_t src[16], const uint8_t dst[16], unsigned flags, struct vrrp_advert *adv)
{
	memset(adv, 0, sizeof(*adv));
	adv->family = AF_INET6;
	adv->ttl = hoplimit;
	memcpy(adv->src, src, 16);
	memcpy(adv->dst, dst, 16);
	if (!(flags & VRRP_DECODE_ANY_TTL) && hoplimit != VRRP_TTL)
		return VRRP_DROP_TTL;
	return decode_msg(msg, len, adv);
}

/* Compares without stopping at the first difference, so timing tells nothing. */
static int same_secret(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t diff = 0;
	for (size_t i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

static enum vrrp_drop check_auth(const struct vrrp_expect *e, const struct vrrp_advert *adv)
{
	int want = e->auth_type;

	if (adv->version == 3 || adv->family == AF_INET6) {
		/* RFC 5798 removed authentication; keepalived ignores it there too */
		return adv->has_ah ? VRRP_DROP_AUTH_TYPE : VRRP_OK;
	}
	/* the header's field and the presence of AH must both say what we use */
	if (adv->auth_type != want || adv->has_ah != (want == VRRP_AUTH_AH))
		return VRRP_DROP_AUTH_TYPE;
	if (want == VRRP_AUTH_PASS) {
		uint8_t key[VRRP_AUTH_LEN];
		auth_key(e->auth_pass, key);
		return same_secret(adv->auth_data, key, VRRP_AUTH_LEN) ? VRRP_OK : VRRP_DROP_AUTH;
	}
	if (want == VRRP_AUTH_AH) {
		uint8_t icv[16];
		size_t ihl = (size_t)(adv->pkt[0] & 0x0f) * 4;
		ah_icv(adv->pkt, ihl, adv->pkt_len, e->unicast, e->auth_pass, icv);
		if (!same_secret(icv, adv->pkt + ihl + 12, AH_ICV_LEN))
			return VRRP_DROP_AUTH;
		/* keepalived's sender puts its own address in the SPI */
		if (adv->ah_spi != get32(adv->src))
			return VRRP_DROP_AUTH;
		if (!e->ah_replay)
			return VRRP_DROP_AH_SEQ;
		if (e->ah_replay->spi == adv->ah_spi && adv->ah_seq <= e->ah_replay->seq)
			return VRRP_DROP_AH_SEQ;
	}
	return VRRP_OK;
}

static int has_addr(const uint8_t *list, int n, const uint8_t *addr, size_t alen)
{
	for (int i = 0; i < n; i++)
		if (memcmp(list + (size_t)i * alen, addr, alen) == 0)
			return 1;
	return 0;
}

enum vrrp_drop vrrp_validate(const struct vrrp_expect *e, const struct vrrp_advert *adv)
{
	enum vrrp_drop r;

	if (adv->family != e->family)
		return VRRP_DROP_FAMILY;
	if (adv->vrid != e->vrid)
		return VRRP_DROP_VRID;
	if (adv->version != e->version)
		return VRRP_DROP_VERSION;
	if ((r = check_auth(e, adv)) != VRRP_OK)
		return r;
	if (adv->version == 2 && adv->adver_int_cs != e->adver_int_cs / 100 * 100)
		return VRRP_DROP_INTERVAL;
	if (adv->version == 3 && adv->adver_int_cs == 0)
		return VRRP_DROP_INTERVAL;   /* would make the master-down timer all skew */
	if (e->vips) {
		size_t alen = addr_len(e->family);
		if (adv->naddrs != e->nvips)
			return VRRP_DROP_ADDR_MISMATCH;
		for (int i = 0; i < e->nvips; i++)
			if (!has_addr(adv->addrs, adv->naddrs, e->vips + (size_t)i * alen, alen))
				return VRRP_DROP_ADDR_MISMATCH;
	}
	if (adv->has_ah) {
		e->ah_replay->spi = adv->ah_spi;
		e->ah_replay->seq = adv->ah_seq;
	}
	return VRRP_OK;
}
