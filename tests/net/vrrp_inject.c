/*
 * vrrp_inject.c - sends hand-made VRRP advertisements, good or deliberately
 * broken, so the tests can check what a router does with hostile input.
 *
 * It builds the whole IPv4 packet itself (IP_HDRINCL) from RFC 3768 / RFC 5798
 * alone, independently of the codec under test, so every field can be wrong
 * on purpose. tshark checks that its well-formed packets really are.
 *
 * Usage: vrrp_inject -i IFNAME -s SOURCE [options] VIP...
 *   -d DEST        destination (224.0.0.18)
 *   -V 2|3         version (2)          -T TYPE    type field (1)
 *   -r VRID        (51)                 -p PRIO    priority (100)
 *   -a INTERVAL    v2: seconds, v3: centiseconds (v2: 1, v3: 100)
 *   -A AUTHTYPE    v2 auth type field (0)  -P PASS  v2 password (8 bytes, zero padded)
 *   -t TTL         (255)                -C COUNT   address count field (number of VIPs)
 *   -x             corrupt the VRRP checksum
 *   -L BYTES       cut the VRRP message to BYTES after building it
 *   -n TIMES       send TIMES copies (1)   -I MS  milliseconds between copies (100)
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VRRP_PROTO 112
#define MAX_VIPS 64

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t finish16(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void usage(void)
{
	fprintf(stderr, "usage: vrrp_inject -i IFNAME -s SOURCE [-d DEST] [-V 2|3] [-T TYPE] [-r VRID]\n"
		"  [-p PRIO] [-a INTERVAL] [-A AUTHTYPE] [-P PASS] [-t TTL] [-C COUNT] [-x] [-L BYTES]\n"
		"  [-n TIMES] [-I MS] VIP...\n");
	exit(2);
}

static long number(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 0);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *pass = "";
	struct in_addr src = {0}, dst;
	long version = 2, type = 1, vrid = 51, prio = 100, interval = -1, authtype = 0;
	long ttl = 255, count = -1, cut = -1, times = 1, gap_ms = 100;
	int corrupt = 0, opt;
	inet_pton(AF_INET, "224.0.0.18", &dst);
	while ((opt = getopt(argc, argv, "i:s:d:V:T:r:p:a:A:P:t:C:xL:n:I:")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 's': if (inet_pton(AF_INET, optarg, &src) != 1) usage(); break;
		case 'd': if (inet_pton(AF_INET, optarg, &dst) != 1) usage(); break;
		case 'V': version = number(optarg, 0, 15); break;
		case 'T': type = number(optarg, 0, 15); break;
		case 'r': vrid = number(optarg, 0, 255); break;
		case 'p': prio = number(optarg, 0, 255); break;
		case 'a': interval = number(optarg, 0, 4095); break;
		case 'A': authtype = number(optarg, 0, 255); break;
		case 'P': pass = optarg; break;
		case 't': ttl = number(optarg, 0, 255); break;
		case 'C': count = number(optarg, 0, 255); break;
		case 'x': corrupt = 1; break;
		case 'L': cut = number(optarg, 0, 2000); break;
		case 'n': times = number(optarg, 1, 10000); break;
		case 'I': gap_ms = number(optarg, 0, 10000); break;
		default: usage();
		}
	}
	int nvips = argc - optind;
	if (!ifname || src.s_addr == 0 || nvips < 1 || nvips > MAX_VIPS)
		usage();
	if (interval < 0)
		interval = version == 3 ? 100 : 1;

	/* IPv4 header (20) + VRRP header (8) + addresses + v2 auth data (8). */
	uint8_t pkt[20 + 8 + MAX_VIPS * 4 + 8] = {0};
	uint8_t *vrrp = pkt + 20;
	size_t len = 8;
	vrrp[0] = (uint8_t)(version << 4 | type);
	vrrp[1] = (uint8_t)vrid;
	vrrp[2] = (uint8_t)prio;
	vrrp[3] = (uint8_t)(count >= 0 ? count : nvips);
	if (version == 3) {
		vrrp[4] = (uint8_t)(interval >> 8 & 0x0f);
		vrrp[5] = (uint8_t)interval;
	} else {
		vrrp[4] = (uint8_t)authtype;
		vrrp[5] = (uint8_t)interval;
	}
	for (int i = 0; i < nvips; i++) {
		struct in_addr a;
		if (inet_pton(AF_INET, argv[optind + i], &a) != 1)
			usage();
		memcpy(vrrp + len, &a, 4);
		len += 4;
	}
	if (version != 3) {
		strncpy((char *)vrrp + len, pass, 8);
		len += 8;
	}
	/* v2: over the VRRP message; v3: with the IPv4 pseudo-header too. */
	uint32_t sum = 0;
	if (version == 3) {
		sum = sum16(sum, (const uint8_t *)&src, 4);
		sum = sum16(sum, (const uint8_t *)&dst, 4);
		sum += VRRP_PROTO + (uint32_t)len;
	}
	uint16_t ck = finish16(sum16(sum, vrrp, len));
	if (corrupt)
		ck ^= 0x5a5a;
	vrrp[6] = (uint8_t)(ck >> 8);
	vrrp[7] = (uint8_t)ck;
	if (cut >= 0 && (size_t)cut < len)
		len = (size_t)cut;

	struct iphdr *ip = (struct iphdr *)pkt;
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = (uint8_t)ttl;
	ip->protocol = VRRP_PROTO;
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	ip->tot_len = htons((uint16_t)(20 + len));
	ip->check = htons(finish16(sum16(0, pkt, 20)));

	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("vrrp_inject: socket");
		return 1;
	}
	unsigned ifindex = if_nametoindex(ifname);
	struct ip_mreqn mreq = {.imr_ifindex = (int)ifindex};
	if (!ifindex || setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0) {
		perror("vrrp_inject: interface");
		return 1;
	}
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = dst};
	for (long i = 0; i < times; i++) {
		if (i > 0) {
			struct timespec ts = {gap_ms / 1000, gap_ms % 1000 * 1000000L};
			nanosleep(&ts, NULL);
		}
		if (sendto(fd, pkt, 20 + len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			perror("vrrp_inject: sendto");
			return 1;
		}
	}
	close(fd);
	return 0;
}
