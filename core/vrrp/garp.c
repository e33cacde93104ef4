/*
 * garp.c - gratuitous ARP and unsolicited neighbour advertisement frames,
 * and the AF_PACKET socket that sends them (see garp.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include "garp.h"
#include "inet_csum.h"

static unsigned char *put_ether(unsigned char *p, const unsigned char dst[6],
				const unsigned char src[6], unsigned ethertype)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	p[12] = (unsigned char)(ethertype >> 8);
	p[13] = (unsigned char)ethertype;
	return p + 14;
}

size_t garp_build_arp(unsigned char *frame, size_t size, const unsigned char mac[6],
		      const unsigned char ip[4])
{
	static const unsigned char broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned char *p;

	if (size < GARP_ARP_LEN)
		return 0;
	p = put_ether(frame, broadcast, mac, ETH_P_ARP);
	p[0] = 0; p[1] = 1;             /* hardware: Ethernet */
	p[2] = 0x08; p[3] = 0x00;       /* protocol: IPv4 */
	p[4] = 6; p[5] = 4;
	p[6] = 0; p[7] = 1;             /* request: every host updates its cache from it */
	memcpy(p + 8, mac, 6);
	memcpy(p + 14, ip, 4);
	memset(p + 18, 0, 6);           /* target hardware: unknown, as in an announcement */
	memcpy(p + 24, ip, 4);
	return GARP_ARP_LEN;
}

size_t garp_build_na(unsigned char *frame, size_t size, const unsigned char mac[6],
		     const unsigned char ip[16])
{
	static const unsigned char all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	static const unsigned char all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const size_t icmp_len = 32;
	unsigned char *ip6, *icmp;
	unsigned sum;

	if (size < GARP_NA_LEN)
		return 0;
	memset(frame, 0, GARP_NA_LEN);
	ip6 = put_ether(frame, all_nodes_mac, mac, ETH_P_IPV6);
	ip6[0] = 0x60;
	ip6[4] = 0;
	ip6[5] = (unsigned char)icmp_len;
	ip6[6] = 58;                    /* next header: ICMPv6 */
	ip6[7] = 255;                   /* receivers drop neighbour discovery with less */
	memcpy(ip6 + 8, ip, 16);
	memcpy(ip6 + 24, all_nodes, 16);
	icmp = ip6 + 40;
	icmp[0] = 136;                  /* neighbour advertisement */
	icmp[4] = 0x20;                 /* override; not solicited, not a router */
	memcpy(icmp + 8, ip, 16);
	icmp[24] = 2;                   /* option: target link-layer address */
	icmp[25] = 1;                   /* length in units of 8 bytes */
	memcpy(icmp + 26, mac, 6);

	/* Pseudo-header: addresses, upper-layer length, next header. */
	sum = inet_csum_add(0, ip6 + 8, 32);
	sum += (unsigned)icmp_len;
	sum += 58;
	sum = inet_csum_add(sum, icmp, icmp_len);
	sum = ~sum & 0xffff;
	icmp[2] = (unsigned char)(sum >> 8);
	icmp[3] = (unsigned char)sum;
	return GARP_NA_LEN;
}

int garp_open(void)
{
	/* Protocol 0: the socket is bound to no ethertype, so nothing queues on it. */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

int garp_send(int fd, int ifindex, const unsigned char *frame, size_t len)
{
	struct sockaddr_ll to;

	if (len < 14)
		return -EINVAL;
	memset(&to, 0, sizeof(to));
	to.sll_family = AF_PACKET;
	to.sll_ifindex = ifindex;
	to.sll_protocol = htons((uint16_t)(frame[12] << 8 | frame[13]));
	to.sll_halen = 6;
	memcpy(to.sll_addr, frame, 6);
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}
