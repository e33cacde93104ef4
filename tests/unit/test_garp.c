/*
 * test_garp.c - core/garp: the gratuitous ARP frame against RFC 826's and
 * RFC 5227's layout, the unsolicited neighbour advertisement against RFC
 * 4861 (fields, hop limit, destination) with its checksum re-verified here
 * by summing the pseudo-header and message a second, independent way.
 */
#include <string.h>
#include "garp.h"
#include "inet_csum.h"
#include "unit.h"

static const unsigned char mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 };

static void test_arp(void)
{
	const unsigned char ip[4] = { 192, 168, 25, 100 };
	/* RFC 826 packet, request opcode, sender = target = the announced
	 * address (RFC 5227 announcement), to the Ethernet broadcast. */
	const unsigned char expected[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
		0x00, 0x00, 0x5e, 0x00, 0x01, 0x33, 192, 168, 25, 100,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 192, 168, 25, 100,
	};
	unsigned char frame[64];

	CHECK(garp_build_arp(frame, sizeof(frame), mac, ip) == 42, "ARP frame is 42 bytes");
	CHECK(memcmp(frame, expected, sizeof(expected)) == 0, "ARP frame matches RFC 826/5227 layout");
	CHECK(garp_build_arp(frame, 41, mac, ip) == 0, "ARP refuses a short buffer");
}

/* One's complement sum, 32-bit words accumulated then folded: a different
 * route to the same RFC 1071 checksum. */
static unsigned fold(unsigned long long sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned)sum;
}

static void test_na(void)
{
	const unsigned char ip[16] = { 0xfd, 0x00, 0, 0x77, [14] = 0x01, [15] = 0x00 };
	unsigned char frame[128];
	size_t len = garp_build_na(frame, sizeof(frame), mac, ip);
	const unsigned char *ip6 = frame + 14, *icmp = frame + 54;

	CHECK(len == 86, "NA frame is 86 bytes");
	const unsigned char dst_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	CHECK(memcmp(frame, dst_mac, 6) == 0, "NA goes to the all-nodes multicast MAC");
	CHECK(memcmp(frame + 6, mac, 6) == 0, "NA comes from our MAC");
	CHECK(frame[12] == 0x86 && frame[13] == 0xdd, "ethertype IPv6");
	CHECK(ip6[0] >> 4 == 6, "IP version 6");
	CHECK((ip6[4] << 8 | ip6[5]) == 32, "payload length 32");
	CHECK(ip6[6] == 58, "next header ICMPv6");
	CHECK(ip6[7] == 255, "hop limit 255 (RFC 4861 7.1.2)");
	CHECK(memcmp(ip6 + 8, ip, 16) == 0, "source is the announced address");
	const unsigned char all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	CHECK(memcmp(ip6 + 24, all_nodes, 16) == 0, "destination ff02::1");
	CHECK(icmp[0] == 136 && icmp[1] == 0, "ICMPv6 type 136 code 0");
	CHECK(icmp[4] == 0x20, "override flag only (not solicited, not router)");
	CHECK(memcmp(icmp + 8, ip, 16) == 0, "target address");
	CHECK(icmp[24] == 2 && icmp[25] == 1 && memcmp(icmp + 26, mac, 6) == 0,
	      "target link-layer address option");

	unsigned long long sum = 0;
	for (int i = 0; i < 32; i += 4)   /* source and destination */
		sum += (unsigned long long)ip6[8 + i] << 24 | ip6[9 + i] << 16 | ip6[10 + i] << 8 | ip6[11 + i];
	sum += 32 + 58;
	for (int i = 0; i < 32; i += 4)
		sum += (unsigned long long)icmp[i] << 24 | icmp[i + 1] << 16 | icmp[i + 2] << 8 | icmp[i + 3];
	CHECK(fold(sum) == 0xffff, "ICMPv6 checksum verifies over the pseudo-header");
	CHECK(garp_build_na(frame, 85, mac, ip) == 0, "NA refuses a short buffer");
}

static void test_csum(void)
{
	/* RFC 1071 section 3's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	const unsigned char data[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	CHECK(inet_csum_add(0, data, 8) == 0xddf2, "RFC 1071 example sum");
	CHECK(inet_csum_add(0, data, 7) == fold(0x0001ULL + 0xf203 + 0xf4f5 + 0xf600), "odd length pads with zero");
}

int main(void)
{
	test_arp();
	test_na();
	test_csum();
	return unit_exit();
}
