/*
 * fuzz_dns.c - libFuzzer harness for the DNS reply parser and the name
 * decoder. The input is a reply to a query with id 0x1234 for
 * "example.com" of the type in the input's first byte. Besides crashes and
 * sanitizer reports it checks that every decoded name fits the RFC 1035
 * limit and that the decoder only moves forward inside the message.
 */
#include "dns_parse.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const uint16_t types[] = { DNS_TYPE_A, DNS_TYPE_NS, DNS_TYPE_CNAME, DNS_TYPE_SOA,
		DNS_TYPE_MX, DNS_TYPE_TXT, DNS_TYPE_AAAA };
	uint16_t qtype = types[data[0] % 7];
	const unsigned char *msg = data + 1;
	size_t len = size - 1;

	struct dns_reply r;
	int rc = dns_parse_reply(msg, len, 0x1234, "example.com", qtype, &r);
	if (rc == 0 && (r.ancount == 0 || r.rcode != 0))
		abort();
	if (rc != 0 && r.error[0] == '\0')
		abort();
	/* DNS_CHECK's verdict is looser than the parser, never stricter */
	struct dns_reply v;
	enum dns_verdict verdict = dns_check_verdict(msg, len, 0x1234, &v);
	if (rc == 0 && verdict != DNS_REPLY_POSITIVE)
		abort();
	if (verdict == DNS_REPLY_POSITIVE && v.rcode != 0)
		abort();
	if (verdict != DNS_REPLY_POSITIVE && v.error[0] == '\0')
		abort();

	/* every name starting point in the message */
	for (size_t start = 0; start < len && start < 512; start++) {
		size_t pos = start;
		char name[DNS_MAX_NAME_TEXT + 2];
		if (dns_name_decode(msg, len, &pos, name, sizeof(name)) == 0) {
			if (pos <= start || pos > len || strlen(name) > DNS_MAX_NAME_TEXT)
				abort();
		}
	}
	return 0;
}
