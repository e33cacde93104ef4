/*
 * dns_parse.h - DNS_CHECK's wire format (RFC 1035): the query it sends and
 * a bounded parser of the reply. Every length and offset is checked against
 * the message; compression pointers may only point backwards, so a reply
 * cannot make the parser loop.
 */
#ifndef LVSBOX_DNS_PARSE_H
#define LVSBOX_DNS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_TYPE_A 1
#define DNS_TYPE_NS 2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA 6
#define DNS_TYPE_MX 15
#define DNS_TYPE_TXT 16
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1

#define DNS_HEADER_LEN 12
#define DNS_MAX_NAME_WIRE 255       /* RFC 1035 2.3.4 */
#define DNS_MAX_NAME_TEXT 254       /* dotted, without the root's trailing dot */
#define DNS_MAX_QUERY (DNS_HEADER_LEN + DNS_MAX_NAME_WIRE + 4)
#define DNS_MAX_RECORDS 256         /* records walked in one reply */

/* "A", "SOA" ... (case-insensitive) to the type number; -1 if not one DNS_CHECK knows. */
int dns_type_from_name(const char *name);
const char *dns_type_name(unsigned type);

/* Dotted name ("www.example.com", "." for the root) to wire labels; its length, or -1. */
int dns_name_encode(const char *name, unsigned char *out, size_t size);

/* A standard query (recursion desired) for name/type IN; its length, or -1. */
int dns_build_query(uint16_t id, const char *name, uint16_t qtype, unsigned char *out, size_t size);

struct dns_reply {
	uint16_t id, flags;
	int rcode;
	unsigned qdcount, ancount, nscount, arcount;
	unsigned answers_of_type;   /* answer records of the type asked */
	char error[96];
};

/*
 * Checks msg is the answer to the query (id, QR, opcode, the question
 * echoed), not truncated or failed (RCODE), and that every record in the
 * answer section is well formed. 0 when it is a positive answer with at
 * least one answer record; -1 with out->error otherwise.
 */
int dns_parse_reply(const unsigned char *msg, size_t len, uint16_t id, const char *qname, uint16_t qtype,
	struct dns_reply *out);

/*
 * DNS_CHECK's verdict on a datagram, keepalived 2.2.7's rule: a reply
 * (QR set) with the query's id is the answer, and it is positive when its
 * RCODE is NOERROR, whatever the rest says (no records, another question,
 * TC set: the server answered). DNS_REPLY_NOISE: not the answer (shorter
 * than a header, another id, not a reply); keep waiting. out->error says
 * why for the other two; the header fields are filled when present.
 */
enum dns_verdict { DNS_REPLY_NOISE = -1, DNS_REPLY_NEGATIVE = 0, DNS_REPLY_POSITIVE = 1 };
enum dns_verdict dns_check_verdict(const unsigned char *msg, size_t len, uint16_t id, struct dns_reply *out);

/*
 * Reads the (possibly compressed) name at *pos into out as dotted text
 * ("." for the root), advancing *pos past it. 0, or -1 on a malformed name.
 */
int dns_name_decode(const unsigned char *msg, size_t len, size_t *pos, char *out, size_t outsize);

#endif
