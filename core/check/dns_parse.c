/*
 * dns_parse.c - DNS query builder and reply parser for DNS_CHECK
 * (see dns_parse.h). Written from RFC 1035 sections 4.1 and 4.1.4.
 */
#include "dns_parse.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct { const char *name; unsigned type; } types[] = {
	{ "A", DNS_TYPE_A }, { "NS", DNS_TYPE_NS }, { "CNAME", DNS_TYPE_CNAME }, { "SOA", DNS_TYPE_SOA },
	{ "MX", DNS_TYPE_MX }, { "TXT", DNS_TYPE_TXT }, { "AAAA", DNS_TYPE_AAAA },
};

int dns_type_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(name, types[i].name) == 0)
			return (int)types[i].type;
	return -1;
}

const char *dns_type_name(unsigned type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return types[i].name;
	return "?";
}

int dns_name_encode(const char *name, unsigned char *out, size_t size)
{
	size_t len = 0;
	const char *s = name;
	if (strcmp(s, ".") != 0) {
		while (*s) {
			const char *dot = strchr(s, '.');
			size_t label = dot ? (size_t)(dot - s) : strlen(s);
			if (label == 0 || label > 63 || len + 1 + label + 1 > DNS_MAX_NAME_WIRE || len + 1 + label + 1 > size)
				return -1;
			out[len++] = (unsigned char)label;
			memcpy(out + len, s, label);
			len += label;
			s += label;
			if (*s == '.')
				s++;
		}
	}
	if (len + 1 > size)
		return -1;
	out[len++] = 0;
	return (int)len;
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

int dns_build_query(uint16_t id, const char *name, uint16_t qtype, unsigned char *out, size_t size)
{
	if (size < DNS_HEADER_LEN + 1 + 4)
		return -1;
	memset(out, 0, DNS_HEADER_LEN);
	put16(out, id);
	put16(out + 2, 0x0100);     /* standard query, recursion desired */
	put16(out + 4, 1);          /* one question */
	int n = dns_name_encode(name, out + DNS_HEADER_LEN, size - DNS_HEADER_LEN - 4);
	if (n < 0)
		return -1;
	size_t len = DNS_HEADER_LEN + (size_t)n;
	put16(out + len, qtype);
	put16(out + len + 2, DNS_CLASS_IN);
	return (int)(len + 4);
}

int dns_name_decode(const unsigned char *msg, size_t len, size_t *pos, char *out, size_t outsize)
{
	size_t at = *pos, text = 0, wire = 0;
	size_t after = 0;           /* where the name ends in the record: set at the first pointer */
	bool jumped = false;
	if (outsize < 2)
		return -1;
	for (;;) {
		if (at >= len)
			return -1;
		unsigned label = msg[at];
		if ((label & 0xc0) == 0xc0) {
			if (at + 1 >= len)
				return -1;
			size_t target = (size_t)(label & 0x3f) << 8 | msg[at + 1];
			/* strictly backwards: each jump lands earlier, so jumps end */
			if (target >= at)
				return -1;
			if (!jumped)
				after = at + 2;
			jumped = true;
			at = target;
			continue;
		}
		if (label & 0xc0)
			return -1;  /* the 01 and 10 label types are not in use */
		if (label == 0) {
			at++;
			break;
		}
		wire += label + 1;
		if (wire + 1 > DNS_MAX_NAME_WIRE || at + 1 + label > len)
			return -1;
		if (text + label + 2 > outsize)
			return -1;
		if (text)
			out[text++] = '.';
		memcpy(out + text, msg + at + 1, label);
		text += label;
		at += 1 + label;
	}
	if (text == 0)
		out[text++] = '.';
	out[text] = '\0';
	*pos = jumped ? after : at;
	return 0;
}

static int reply_error(struct dns_reply *r, const char *fmt, const char *arg)
{
	snprintf(r->error, sizeof(r->error), fmt, arg);
	return -1;
}

static const char *rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };
	return rcode >= 0 && rcode < 6 ? names[rcode] : "an error";
}

/* Trailing dots do not matter; case does not either (RFC 4343). */
static bool same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 1 && a[la - 1] == '.')
		la--;
	if (lb > 1 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* msg holds at least DNS_HEADER_LEN bytes */
static void read_header(const unsigned char *msg, struct dns_reply *out)
{
	out->id = (uint16_t)get16(msg);
	out->flags = (uint16_t)get16(msg + 2);
	out->rcode = out->flags & 0xf;
	out->qdcount = get16(msg + 4);
	out->ancount = get16(msg + 6);
	out->nscount = get16(msg + 8);
	out->arcount = get16(msg + 10);
}

int dns_parse_reply(const unsigned char *msg, size_t len, uint16_t id, const char *qname, uint16_t qtype,
	struct dns_reply *out)
{
	memset(out, 0, sizeof(*out));
	if (len < DNS_HEADER_LEN)
		return reply_error(out, "DNS reply shorter than its header%s", "");
	read_header(msg, out);
	if (out->id != id)
		return reply_error(out, "DNS reply with another query's id%s", "");
	if (!(out->flags & 0x8000))
		return reply_error(out, "DNS message is not a reply%s", "");
	if ((out->flags >> 11 & 0xf) != 0)
		return reply_error(out, "DNS reply to another opcode%s", "");
	if (out->flags & 0x0200)
		return reply_error(out, "DNS reply truncated%s", "");
	if (out->rcode != 0)
		return reply_error(out, "DNS reply code %s", rcode_name(out->rcode));
	if (out->qdcount != 1)
		return reply_error(out, "DNS reply does not echo the one question%s", "");

	size_t pos = DNS_HEADER_LEN;
	char name[DNS_MAX_NAME_TEXT + 2];
	if (dns_name_decode(msg, len, &pos, name, sizeof(name)) < 0 || pos + 4 > len)
		return reply_error(out, "malformed question in DNS reply%s", "");
	if (!same_name(name, qname) || get16(msg + pos) != qtype || get16(msg + pos + 2) != DNS_CLASS_IN)
		return reply_error(out, "DNS reply to another question (%.60s)", name);
	pos += 4;

	if (out->ancount == 0)
		return reply_error(out, "DNS reply without an answer%s", "");
	unsigned records = out->ancount;
	if (records > DNS_MAX_RECORDS)
		records = DNS_MAX_RECORDS;
	for (unsigned i = 0; i < records; i++) {
		if (dns_name_decode(msg, len, &pos, name, sizeof(name)) < 0)
			return reply_error(out, "malformed name in DNS answer%s", "");
		if (pos + 10 > len)
			return reply_error(out, "DNS answer cut short%s", "");
		unsigned type = get16(msg + pos), rdlength = get16(msg + pos + 8);
		pos += 10;
		if (pos + rdlength > len)
			return reply_error(out, "DNS answer data beyond the reply%s", "");
		if (type == qtype)
			out->answers_of_type++;
		pos += rdlength;
	}
	return 0;
}

enum dns_verdict dns_check_verdict(const unsigned char *msg, size_t len, uint16_t id, struct dns_reply *out)
{
	memset(out, 0, sizeof(*out));
	if (len < DNS_HEADER_LEN) {
		reply_error(out, "DNS reply shorter than its header%s", "");
		return DNS_REPLY_NOISE;
	}
	read_header(msg, out);
	if (out->id != id) {
		reply_error(out, "DNS reply with another query's id%s", "");
		return DNS_REPLY_NOISE;
	}
	if (!(out->flags & 0x8000)) {
		reply_error(out, "DNS message is not a reply%s", "");
		return DNS_REPLY_NOISE;
	}
	if (out->rcode != 0) {
		reply_error(out, "DNS reply code %s", rcode_name(out->rcode));
		return DNS_REPLY_NEGATIVE;
	}
	return DNS_REPLY_POSITIVE;
}
