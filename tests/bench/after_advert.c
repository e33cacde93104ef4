/*
 * after_advert.c - freezes a VRRP master at the worst moment for its
 * backup: right after one of its adverts left. Used by the failover
 * benchmark so that the kill -9 gap of two implementations is compared at
 * the same phase of the advert cycle (a kill at a random phase makes the
 * gap wander by up to one advert interval from run to run).
 *
 *   after_advert [-t SECONDS] IFNAME MASTER_IPV4 PID...
 *
 * Joins 224.0.0.18 on IFNAME, waits for an advert from MASTER_IPV4 with a non-zero
 * priority, sends SIGSTOP to every PID and exits 0; exits 1 when none came
 * within SECONDS (default 5).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VRRP_PROTO 112

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	double secs = 5;
	int argi = 1;
	if (argi + 1 < argc && strcmp(argv[argi], "-t") == 0) {
		secs = atof(argv[argi + 1]);
		argi += 2;
	}
	struct in_addr master;
	if (argc - argi < 3 || inet_pton(AF_INET, argv[argi + 1], &master) != 1) {
		fprintf(stderr, "usage: after_advert [-t SECONDS] IFNAME MASTER_IPV4 PID...\n");
		return 2;
	}
	unsigned ifindex = if_nametoindex(argv[argi]);
	if (ifindex == 0) {
		fprintf(stderr, "after_advert: %s: no such interface\n", argv[argi]);
		return 2;
	}
	argi++;
	int fd = socket(AF_INET, SOCK_RAW, VRRP_PROTO);
	if (fd < 0) {
		perror("after_advert: socket");
		return 2;
	}
	struct ip_mreqn join = { .imr_multiaddr.s_addr = htonl(0xe0000012), .imr_ifindex = (int)ifindex };
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof(join)) != 0) {
		perror("after_advert: join 224.0.0.18");
		return 2;
	}
	long deadline = now_ms() + (long)(secs * 1000);
	unsigned char buf[1500];
	for (;;) {
		long left = deadline - now_ms();
		if (left <= 0)
			break;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)sizeof(struct iphdr))
			continue;
		const struct iphdr *ip = (const struct iphdr *)buf;
		size_t hl = (size_t)ip->ihl * 4;
		/* the VRRP header's third byte is the priority in v2 and v3 alike */
		if (ip->saddr != master.s_addr || (size_t)n < hl + 3 || buf[hl + 2] == 0)
			continue;
		for (int i = argi + 1; i < argc; i++)
			if (kill((pid_t)atol(argv[i]), SIGSTOP) != 0)
				fprintf(stderr, "after_advert: pid %s: %s\n", argv[i], strerror(errno));
		return 0;
	}
	fprintf(stderr, "after_advert: no advert from %s in %.1f s\n", argv[argi], secs);
	return 1;
}
