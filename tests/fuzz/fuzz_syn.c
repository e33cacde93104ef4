/*
 * fuzz_syn.c - libFuzzer harness for what TCP_CHECK reads on its raw
 * socket (check_syn_parse): the first input byte picks IPv4 (even: the
 * segment starts with its IP header) or IPv6 (odd: it starts at TCP).
 * Besides crashes and sanitizer reports it checks that an accepted segment
 * is long enough for the fields taken from it and carries ACK with SYN or
 * RST, and that a refusal is exactly a RST.
 */
#include "check_int.h"

#include <stdlib.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int family = data[0] & 1 ? AF_INET6 : AF_INET;
	const unsigned char *seg = data + 1;
	size_t len = size - 1;
	struct check_syn_answer ans = { .from.sa.sa_family = (sa_family_t)family };
	if (!check_syn_parse(family, seg, len, &ans))
		return 0;
	size_t off = family == AF_INET ? (size_t)(seg[0] & 0x0f) * 4 : 0;
	if (family == AF_INET && (off < 20 || (seg[0] >> 4) != 4))
		abort();
	if (len < off + 14)
		abort();
	const unsigned char *tcp = seg + off;
	if (!(tcp[13] & 0x10) || !(tcp[13] & 0x06))
		abort();
	if (ans.refused != ((tcp[13] & 0x04) != 0))
		abort();
	if (ans.server_port != (tcp[0] << 8 | tcp[1]) || ans.our_port != (tcp[2] << 8 | tcp[3]))
		abort();
	return 0;
}
