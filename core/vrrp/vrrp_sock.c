/*
 * vrrp_sock.c - raw VRRP sockets for IPv4 and IPv6 (see vrrp_sock.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "vrrp_sock.h"

static const uint8_t group4[4] = { 224, 0, 0, 18 };
static const uint8_t group6[16] = { 0xff, 0x02, [15] = 0x12 };

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

int vrrp_sock_open(int family, int protocol)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	int ok = 0;

	if (fd < 0)
		return -errno;
	if (family == AF_INET) {
		ok |= set_int(fd, IPPROTO_IP, IP_HDRINCL, 1);
		ok |= set_int(fd, IPPROTO_IP, IP_PKTINFO, 1);
		ok |= set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
		ok |= set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, 255);
	} else {
		ok |= set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
		ok |= set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
		ok |= set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
		ok |= set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255);
		ok |= set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255);
	}
	if (ok != 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int membership(int fd, int family, int ifindex, int join)
{
	int rc;

	if (family == AF_INET) {
		struct ip_mreqn mreq;
		memset(&mreq, 0, sizeof(mreq));
		memcpy(&mreq.imr_multiaddr, group4, 4);
		mreq.imr_ifindex = ifindex;
		rc = setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
				&mreq, sizeof(mreq));
	} else {
		struct ipv6_mreq mreq;
		memset(&mreq, 0, sizeof(mreq));
		memcpy(&mreq.ipv6mr_multiaddr, group6, 16);
		mreq.ipv6mr_interface = (unsigned)ifindex;
		rc = setsockopt(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP,
				&mreq, sizeof(mreq));
	}
	if (rc != 0 && !(join && errno == EADDRINUSE))
		return -errno;
	return 0;
}

int vrrp_sock_join(int fd, int family, int ifindex)
{
	return membership(fd, family, ifindex, 1);
}

int vrrp_sock_leave(int fd, int family, int ifindex)
{
	return membership(fd, family, ifindex, 0);
}

/* Sends pkt to `to` with one ancillary block (the pktinfo naming the way out). */
static int send_with_pktinfo(int fd, const void *to, socklen_t tolen, const uint8_t *pkt, size_t len,
			     int level, int type, const void *info, size_t infolen)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = (void *)pkt, .iov_len = len };
	struct msghdr msg;
	struct cmsghdr *cm;

	memset(&control, 0, sizeof(control));
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = (void *)to;
	msg.msg_namelen = tolen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = CMSG_SPACE(infolen);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(infolen);
	memcpy(CMSG_DATA(cm), info, infolen);
	if (sendmsg(fd, &msg, 0) < 0)
		return -errno;
	return 0;
}

int vrrp_sock_send4(int fd, int ifindex, const uint8_t dst[4], const uint8_t *pkt, size_t len)
{
	struct sockaddr_in to;
	struct in_pktinfo info;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	memcpy(&to.sin_addr, dst, 4);
	/* The outgoing interface, so one socket serves every interface. */
	memset(&info, 0, sizeof(info));
	info.ipi_ifindex = ifindex;
	return send_with_pktinfo(fd, &to, sizeof(to), pkt, len, IPPROTO_IP, IP_PKTINFO, &info, sizeof(info));
}

int vrrp_sock_send6(int fd, int ifindex, const uint8_t src[16], const uint8_t dst[16],
		    const uint8_t *msgbuf, size_t len)
{
	struct sockaddr_in6 to;
	struct in6_pktinfo info;

	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	memcpy(&to.sin6_addr, dst, 16);
	to.sin6_scope_id = (uint32_t)ifindex;
	/* The checksum covers the source address: it must be the one we chose. */
	memset(&info, 0, sizeof(info));
	memcpy(&info.ipi6_addr, src, 16);
	info.ipi6_ifindex = (unsigned)ifindex;
	return send_with_pktinfo(fd, &to, sizeof(to), msgbuf, len, IPPROTO_IPV6, IPV6_PKTINFO, &info,
				 sizeof(info));
}

ssize_t vrrp_sock_recv(int fd, int family, uint8_t *buf, size_t size, struct vrrp_rx *rx)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) +
			 CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} control;
	struct sockaddr_in6 from;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr msg;
	ssize_t n;

	memset(rx, 0, sizeof(*rx));
	rx->hoplimit = -1;
	memset(&msg, 0, sizeof(msg));
	memset(&from, 0, sizeof(from));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	n = recvmsg(fd, &msg, 0);
	if (n < 0)
		return -errno;
	if (family == AF_INET6)
		memcpy(rx->src, &from.sin6_addr, 16);
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo info;
			memcpy(&info, CMSG_DATA(cm), sizeof(info));
			rx->ifindex = info.ipi_ifindex;
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo info;
			memcpy(&info, CMSG_DATA(cm), sizeof(info));
			rx->ifindex = (int)info.ipi6_ifindex;
			memcpy(rx->dst, &info.ipi6_addr, 16);
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT) {
			int hops;
			memcpy(&hops, CMSG_DATA(cm), sizeof(hops));
			rx->hoplimit = hops;
		}
	}
	return n;
}
