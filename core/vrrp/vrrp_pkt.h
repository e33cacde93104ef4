/*
 * vrrp_pkt.h - VRRP advertisement codec: VRRPv2 (RFC 3768) and VRRPv3
 * (RFC 5798 / RFC 9568), IPv4 and IPv6, with v2's plain-text password and
 * keepalived's IPsec AH (HMAC-MD5-96, RFC 2402) authentication.
 *
 * Building writes into a buffer the caller owns and returns the length.
 * Receiving is two steps, so one socket can serve many instances:
 *   vrrp_decode_ip4 / vrrp_decode_ip6  checks what does not depend on the
 *       instance (length, TTL/hop limit, version, checksum, type, address
 *       count) and fills a struct vrrp_advert pointing into the packet;
 *   vrrp_validate  checks it against one instance (VRID, version, auth,
 *       advert interval for v2, the address list).
 * Each returns VRRP_OK or the reason the packet must be dropped; every
 * reason has a name (vrrp_drop_name) for counters and logs. Nothing here
 * does I/O or allocates.
 */
#ifndef LVSBOX_VRRP_PKT_H
#define LVSBOX_VRRP_PKT_H

#include <stddef.h>
#include <stdint.h>

#define VRRP_IPPROTO        112
#define VRRP_IPPROTO_AH     51
#define VRRP_TTL            255          /* TTL / hop limit on every advert */
#define VRRP_MCAST4         "224.0.0.18"
#define VRRP_MCAST6         "ff02::12"
#define VRRP_HDR_LEN        8            /* fixed part of the VRRP message */
#define VRRP_AUTH_LEN       8            /* v2 authentication data */
#define VRRP_AH_LEN         24           /* AH header with HMAC-MD5-96 */
#define VRRP_MAX_ADDRS      255          /* count field is 8 bits */
/* Largest packet the codec builds or accepts: IPv4 header with options, AH, VRRP, 255 IPv6 addrs. */
#define VRRP_PKT_MAX        (60 + VRRP_AH_LEN + VRRP_HDR_LEN + VRRP_MAX_ADDRS * 16 + VRRP_AUTH_LEN)

enum vrrp_auth_type {                    /* v2 Auth Type field values */
	VRRP_AUTH_NONE = 0,
	VRRP_AUTH_PASS = 1,
	VRRP_AUTH_AH   = 2,
};

/* Why a received packet is dropped. VRRP_OK (0) means accepted. */
enum vrrp_drop {
	VRRP_OK = 0,
	VRRP_DROP_TRUNCATED,        /* shorter than its headers say, or than a VRRP header */
	VRRP_DROP_IP_HEADER,        /* IPv4 header malformed (version, IHL, total length) */
	VRRP_DROP_PROTOCOL,         /* not VRRP, nor AH carrying VRRP */
	VRRP_DROP_TTL,              /* TTL / hop limit is not 255 */
	VRRP_DROP_VERSION,          /* version not 2 or 3, or not the instance's */
	VRRP_DROP_CHECKSUM,
	VRRP_DROP_TYPE,             /* type is not 1 (ADVERTISEMENT) */
	VRRP_DROP_ADDR_COUNT,       /* count of addresses does not match the length */
	VRRP_DROP_VRID,             /* not this instance's VRID */
	VRRP_DROP_AUTH_TYPE,        /* v2 auth type differs from the instance's */
	VRRP_DROP_AUTH,             /* wrong password or AH digest / SPI */
	VRRP_DROP_AH_SEQ,           /* AH sequence number replayed or gone back */
	VRRP_DROP_INTERVAL,         /* v2: advert interval differs from ours */
	VRRP_DROP_ADDR_MISMATCH,    /* address list differs from the configured VIPs */
	VRRP_DROP_FAMILY,           /* IPv4 addresses in an IPv6 packet or back */
	VRRP_DROP_NREASONS
};

/* "truncated", "ttl", "checksum", ...: short, stable, usable as JSON keys. */
const char *vrrp_drop_name(enum vrrp_drop reason);

/* What the daemon wants on the wire. Addresses are in network byte order. */
struct vrrp_send {
	int version;                /* 2 or 3 */
	int family;                 /* AF_INET or AF_INET6 */
	uint8_t vrid;
	uint8_t priority;           /* 0 on shutdown */
	unsigned adver_int_cs;      /* centiseconds; v2 puts adver_int_cs / 100 seconds on the wire */
	const uint8_t *addrs;       /* naddrs addresses, 4 or 16 bytes each, packed */
	int naddrs;
	uint8_t src[16], dst[16];   /* IP source and destination (v3 pseudo-header, IPv4 header) */
	int auth_type;              /* v2 only: enum vrrp_auth_type */
	const char *auth_pass;      /* PASS and AH key, at most 8 bytes used; NULL = empty */
	uint32_t ah_spi;            /* AH: keepalived uses the sender's IPv4 address as SPI */
	uint32_t ah_seq;            /* AH: caller increments before each packet (first is 1) */
	uint16_t ip_id;             /* IPv4 header identification; AH needs it non-zero, since
	                               the kernel replaces a zero id after the digest was made */
	int unicast;                /* AH: the TTL is left out of the digest (keepalived) */
};

/*
 * The VRRP message alone (what a raw socket without IP_HDRINCL sends), with
 * its checksum. Not for AH, which needs the whole packet. Returns the length,
 * or -1 if the buffer is too small or the parameters invalid.
 */
int vrrp_build_msg(const struct vrrp_send *s, uint8_t *buf, size_t size);
/* IPv4 header [+ AH] + VRRP message, for IP_HDRINCL. Returns length or -1. */
int vrrp_build_ip4(const struct vrrp_send *s, uint8_t *buf, size_t size);

/* A decoded advertisement; pointers point into the received buffer. */
struct vrrp_advert {
	int version;                /* 2 or 3 */
	int family;                 /* AF_INET or AF_INET6 */
	uint8_t vrid;
	uint8_t priority;
	unsigned adver_int_cs;      /* v2: seconds x 100 */
	int naddrs;
	const uint8_t *addrs;       /* naddrs x 4 or 16 bytes */
	int ttl;                    /* TTL / hop limit as received */
	uint8_t src[16], dst[16];   /* IP source (the master's primary address) and destination */
	int auth_type;              /* v2: the header's Auth Type field */
	const uint8_t *auth_data;   /* v2 PASS: 8 bytes; NULL otherwise */
	int has_ah;
	uint32_t ah_spi, ah_seq;
	const uint8_t *pkt;         /* whole IPv4 packet as received (AH check) */
	size_t pkt_len;
};

/* vrrp_decode_* flags */
#define VRRP_DECODE_ANY_TTL 1u  /* unicast peers: a routed advert has TTL < 255 */

/* pkt: an IPv4 packet as a raw socket delivers it (header included). */
enum vrrp_drop vrrp_decode_ip4(const uint8_t *pkt, size_t len, unsigned flags, struct vrrp_advert *adv);
/* msg: the VRRP message; hop limit, source and destination from ancillary data. */
enum vrrp_drop vrrp_decode_ip6(const uint8_t *msg, size_t len, int hoplimit,
	const uint8_t src[16], const uint8_t dst[16], unsigned flags, struct vrrp_advert *adv);

/*
 * AH replay protection: a sender's sequence numbers must grow. A new sender
 * (another SPI) starts afresh. The daemon zeroes it when it becomes master
 * or its master-down timer fires, so a peer that restarted (and counts from
 * 1 again) is heard again once it is the master that went away.
 */
struct vrrp_ah_replay {
	uint32_t spi;
	uint32_t seq;
};

/* One instance's view, for vrrp_validate. */
struct vrrp_expect {
	int version;
	int family;
	uint8_t vrid;
	unsigned adver_int_cs;      /* v2: a different interval is dropped */
	int auth_type;
	const char *auth_pass;      /* NULL = empty */
	const uint8_t *vips;        /* configured VIPs of this family, packed; NULL: no check */
	int nvips;
	int unicast;                /* AH: TTL is not in the digest */
	struct vrrp_ah_replay *ah_replay;   /* AH: required; updated when a packet is accepted */
};

/*
 * Per RFC 3768 and keepalived, an address list that differs from ours is
 * dropped (VRRP_DROP_ADDR_MISMATCH); the daemon logs it. RFC 5798 only
 * says to log: callers that want that may ignore this reason, the advert
 * is otherwise valid.
 */
enum vrrp_drop vrrp_validate(const struct vrrp_expect *e, const struct vrrp_advert *adv);

/* HMAC-MD5 (RFC 2104) over core/md5.c, exposed for its test vectors. */
void vrrp_hmac_md5(const uint8_t *key, size_t keylen, const uint8_t *data, size_t len, uint8_t mac[16]);

#endif
