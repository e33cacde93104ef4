/*
 * test_dns_parse.c - DNS_CHECK's wire format: the query against RFC 1035's
 * layout (4.1.1 header, 4.1.2 question, 3.1 labels), and the reply parser
 * on well-formed answers, each failure it names, and hostile compression.
 */
#include "dns_parse.h"
#include "unit.h"

#include <string.h>

static const unsigned char answer[] = {
	0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	/* a CNAME to www.example.com (www + pointer), then its A record */
	0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'w', 'w', 'w', 0xc0, 12,
	0xc0, 41, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7,
};

static int parse_modified(size_t at, unsigned char value, struct dns_reply *r)
{
	unsigned char m[sizeof(answer)];
	memcpy(m, answer, sizeof(m));
	m[at] = value;
	return dns_parse_reply(m, sizeof(m), 0x1234, "example.com", DNS_TYPE_A, r);
}

/* dns_check_verdict on the answer with the header bytes at..at+1 replaced. */
static enum dns_verdict verdict_with(size_t at, unsigned v0, unsigned v1, size_t len, struct dns_reply *r)
{
	unsigned char m[sizeof(answer)];
	memcpy(m, answer, sizeof(m));
	m[at] = (unsigned char)v0;
	m[at + 1] = (unsigned char)v1;
	return dns_check_verdict(m, len, 0x1234, r);
}

/* keepalived 2.2.7's DNS_CHECK (check_dns.c, dns_recv_thread): a datagram
 * shorter than the header, with another id or without QR is skipped; then
 * RCODE alone decides. Each case below is one that a stricter parser
 * (dns_parse_reply) judges differently. */
static void test_verdict(void)
{
	struct dns_reply r;
	CHECK(verdict_with(2, 0x81, 0x80, sizeof(answer), &r) == DNS_REPLY_POSITIVE, "dns verdict: NOERROR answer is positive");
	CHECK(verdict_with(6, 0, 0, sizeof(answer), &r) == DNS_REPLY_POSITIVE && r.ancount == 0,
	      "dns verdict: NOERROR without records (NODATA) is positive, as in keepalived");
	CHECK(verdict_with(2, 0x83, 0x80, sizeof(answer), &r) == DNS_REPLY_POSITIVE,
	      "dns verdict: TC set with NOERROR is positive (the server answered)");
	CHECK(verdict_with(4, 0, 0, DNS_HEADER_LEN, &r) == DNS_REPLY_POSITIVE,
	      "dns verdict: a bare NOERROR header is positive (the question is not read)");
	CHECK(verdict_with(2, 0x81, 0x83, sizeof(answer), &r) == DNS_REPLY_NEGATIVE && strcmp(r.error, "DNS reply code NXDOMAIN") == 0,
	      "dns verdict: NXDOMAIN is negative: \"%s\"", r.error);
	CHECK(verdict_with(2, 0x81, 0x85, sizeof(answer), &r) == DNS_REPLY_NEGATIVE && strcmp(r.error, "DNS reply code REFUSED") == 0,
	      "dns verdict: REFUSED is negative: \"%s\"", r.error);
	CHECK(verdict_with(2, 0x81, 0x82, sizeof(answer), &r) == DNS_REPLY_NEGATIVE && strcmp(r.error, "DNS reply code SERVFAIL") == 0,
	      "dns verdict: SERVFAIL is negative: \"%s\"", r.error);
	CHECK(verdict_with(0, 0x43, 0x21, sizeof(answer), &r) == DNS_REPLY_NOISE, "dns verdict: another id is noise");
	CHECK(verdict_with(2, 0x01, 0x83, sizeof(answer), &r) == DNS_REPLY_NOISE, "dns verdict: a query (QR clear) is noise, even with an RCODE");
	CHECK(dns_check_verdict(answer, DNS_HEADER_LEN - 1, 0x1234, &r) == DNS_REPLY_NOISE, "dns verdict: 11 bytes are noise");
}

int main(void)
{
	test_verdict();
	unsigned char q[DNS_MAX_QUERY];
	static const unsigned char want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	};
	int n = dns_build_query(0x1234, "example.com", DNS_TYPE_A, q, sizeof(q));
	CHECK(n == (int)sizeof(want) && memcmp(q, want, sizeof(want)) == 0, "dns: query for example.com A is RFC 1035's layout");
	n = dns_build_query(7, ".", DNS_TYPE_SOA, q, sizeof(q));
	CHECK(n == 17 && q[12] == 0 && q[13] == 0 && q[14] == 6, "dns: query for the root SOA (the default) has the empty name");
	n = dns_build_query(7, "example.com.", DNS_TYPE_A, q, sizeof(q));
	CHECK(n == (int)sizeof(want), "dns: a trailing dot names the same domain");

	char label64[80];
	memset(label64, 'a', 64);
	label64[64] = '\0';
	unsigned char wire[300];
	CHECK(dns_name_encode(label64, wire, sizeof(wire)) < 0, "dns: a 64-byte label is refused (63 max)");
	CHECK(dns_name_encode("a..b", wire, sizeof(wire)) < 0, "dns: an empty label is refused");
	char longname[300] = "";
	for (int i = 0; i < 26; i++)
		strcat(longname, "abcdefghi.");
	CHECK(dns_name_encode(longname, wire, sizeof(wire)) < 0, "dns: a name over 255 wire bytes is refused");
	CHECK(dns_type_from_name("aaaa") == 28 && dns_type_from_name("MX") == 15 && dns_type_from_name("PTR") < 0,
	      "dns: type names (AAAA 28, MX 15; PTR not a DNS_CHECK type)");

	struct dns_reply r;
	int rc = dns_parse_reply(answer, sizeof(answer), 0x1234, "EXAMPLE.com", DNS_TYPE_A, &r);
	CHECK(rc == 0 && r.ancount == 2 && r.answers_of_type == 1, "dns: CNAME + A answer accepted, 1 A record (%s)", r.error);
	size_t pos = 29 + 12;
	char name[256];
	rc = dns_name_decode(answer, sizeof(answer), &pos, name, sizeof(name));
	CHECK(rc == 0 && strcmp(name, "www.example.com") == 0 && pos == 47, "dns: compressed name decodes to www.example.com, ends after the pointer");

	static const struct { size_t at; unsigned char value; const char *error; } bad[] = {
		{ 1, 0x35, "DNS reply with another query's id" },
		{ 2, 0x01, "DNS message is not a reply" },
		{ 2, 0x83, "DNS reply truncated" },
		{ 3, 0x82, "DNS reply code SERVFAIL" },
		{ 3, 0x85, "DNS reply code REFUSED" },
		{ 5, 2, "DNS reply does not echo the one question" },
		{ 26, 15, "DNS reply to another question (example.com)" },
		{ 7, 0, "DNS reply without an answer" },
		{ 7, 9, "malformed name in DNS answer" },
		{ 30, 29, "malformed name in DNS answer" },      /* pointer to itself */
		{ 46, 47, "malformed name in DNS answer" },      /* pointer forwards */
		{ 40, 200, "DNS answer data beyond the reply" },
		{ 12, 0x47, "malformed question in DNS reply" }, /* reserved label type */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = parse_modified(bad[i].at, bad[i].value, &r);
		CHECK(rc < 0 && strcmp(r.error, bad[i].error) == 0, "dns: byte %zu = 0x%02x rejected: \"%s\"", bad[i].at, bad[i].value, r.error);
	}
	for (size_t cut = 0; cut < sizeof(answer); cut++) {
		rc = dns_parse_reply(answer, cut, 0x1234, "example.com", DNS_TYPE_A, &r);
		if (rc == 0) {
			CHECK(0, "dns: a reply cut at %zu bytes is accepted", cut);
			break;
		}
		if (cut == sizeof(answer) - 1)
			CHECK(1, "dns: every truncation of the reply is rejected");
	}

	/* 130 labels "a" each pointing back to the previous one: every jump is
	 * legal, but the name (2 * 131 + 1 wire bytes) is over 255 */
	unsigned char chain[600] = { 1, 'a', 0 };
	size_t at = 3, prev = 0;
	for (int i = 0; i < 130; i++) {
		size_t here = at;
		chain[at++] = 1;
		chain[at++] = 'a';
		chain[at++] = 0xc0 | (unsigned char)(prev >> 8);
		chain[at++] = (unsigned char)prev;
		prev = here;
	}
	pos = prev;
	rc = dns_name_decode(chain, at, &pos, name, sizeof(name));
	CHECK(rc < 0, "dns: a name of 131 labels through 130 pointers is refused (over 255 bytes)");
	pos = 3 + 4 * 100;  /* block 100: 102 labels through 101 pointers, 205 wire bytes */
	rc = dns_name_decode(chain, at, &pos, name, sizeof(name));
	CHECK(rc == 0 && strlen(name) == 102 * 2 - 1, "dns: 102 labels through 101 pointers decode (%zu chars)", strlen(name));
	return unit_exit();
}
