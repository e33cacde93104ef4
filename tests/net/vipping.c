/*
 * vipping.c - measures how long a virtual IP stops answering during a failover.
 *
 * Sends ICMP (or ICMPv6) echo requests at a fixed rate for a bounded time from
 * the client namespace and prints, as key=value words for the shell:
 *   sent recv       requests sent, distinct replies received
 *   gap_ms          longest interval without a reply: between two consecutive
 *                   replies, or from the start / to the end of the run when
 *                   replies are missing there (so "never answered" is a big gap)
 *   gap_at_ms       when that longest interval started, from the start of the run
 *   late_ms         the most a request went out behind its schedule: when this
 *                   is large the prober itself was starved of CPU, and the gap
 *                   says more about the machine than about the failover
 * Usage: vipping [-6] [-r PER_SECOND] [-d SECONDS] ADDRESS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUESTS 200000

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint16_t inet_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void usage(void)
{
	fprintf(stderr, "usage: vipping [-6] [-r PER_SECOND] [-d SECONDS] ADDRESS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int v6 = 0, opt;
	double rate = 1000, seconds = 5;
	while ((opt = getopt(argc, argv, "6r:d:")) != -1) {
		switch (opt) {
		case '6': v6 = 1; break;
		case 'r': rate = atof(optarg); break;
		case 'd': seconds = atof(optarg); break;
		default: usage();
		}
	}
	if (optind != argc - 1 || rate <= 0 || rate > 100000 || seconds <= 0 || seconds > 600)
		usage();
	long total = (long)(rate * seconds);
	if (total < 1 || total > MAX_REQUESTS)
		usage();

	struct sockaddr_storage dst = {0};
	socklen_t dstlen;
	int fd;
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&dst;
		a->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, argv[optind], &a->sin6_addr) != 1)
			usage();
		dstlen = sizeof(*a);
		fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&dst;
		a->sin_family = AF_INET;
		if (inet_pton(AF_INET, argv[optind], &a->sin_addr) != 1)
			usage();
		dstlen = sizeof(*a);
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	}
	if (fd < 0) {
		perror("vipping: socket");
		return 1;
	}

	uint8_t *answered = calloc((size_t)total, 1);
	if (!answered)
		return 1;
	uint16_t ident = (uint16_t)getpid();
	double start = now_ms(), interval = 1e3 / rate;
	double last_reply = start, gap = 0, gap_at = 0, late = 0;
	long sent = 0, received = 0;
	double end = start + seconds * 1e3;

	for (;;) {
		double t = now_ms();
		if (t >= end)
			break;
		while (sent < total && t >= start + sent * interval) {
			if (t - (start + sent * interval) > late)
				late = t - (start + sent * interval);
			uint8_t pkt[16] = {0};
			pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
			memcpy(pkt + 4, &(uint16_t){htons(ident)}, 2);
			memcpy(pkt + 6, &(uint16_t){htons((uint16_t)sent)}, 2);
			memcpy(pkt + 8, &(uint32_t){(uint32_t)sent}, 4);
			if (!v6) {
				uint16_t c = inet_checksum(pkt, sizeof(pkt));
				memcpy(pkt + 2, &c, 2);
			}
			/* A failed send (no route, no neighbour yet) just goes unanswered. */
			(void)sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, dstlen);
			sent++;
		}
		/* Sleep to the next send with sub-millisecond precision: at 1,000/s a
		 * millisecond poll timeout would round to 0 and spin the CPU. */
		double next = sent < total ? start + sent * interval : end;
		double wait = next - now_ms();
		if (wait < 0)
			wait = 0;
		struct timespec ts = {(time_t)(wait / 1e3), (long)(fmod(wait, 1e3) * 1e6)};
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (ppoll(&p, 1, &ts, NULL) <= 0)
			continue;
		uint8_t buf[1500];
		ssize_t n;
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			const uint8_t *icmp = buf;
			if (!v6) {
				size_t hl = (size_t)(buf[0] & 0xf) * 4;
				if ((size_t)n < hl + 16)
					continue;
				icmp += hl;
				n -= (ssize_t)hl;
			}
			if (n < 16 || icmp[0] != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY))
				continue;
			uint16_t id, seq;
			uint32_t full;
			memcpy(&id, icmp + 4, 2);
			memcpy(&seq, icmp + 6, 2);
			memcpy(&full, icmp + 8, 4);
			if (ntohs(id) != ident || (long)full >= sent || (uint16_t)full != ntohs(seq) || answered[full])
				continue;
			answered[full] = 1;
			received++;
			double r = now_ms();
			if (r - last_reply > gap) {
				gap = r - last_reply;
				gap_at = last_reply - start;
			}
			last_reply = r;
		}
	}
	if (end - last_reply > gap) {
		gap = end - last_reply;
		gap_at = last_reply - start;
	}
	printf("sent=%ld recv=%ld gap_ms=%.0f gap_at_ms=%.0f late_ms=%.0f\n", sent, received, gap, gap_at, late);
	free(answered);
	close(fd);
	return 0;
}
