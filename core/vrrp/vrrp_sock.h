/*
 * vrrp_sock.h - the raw sockets VRRP adverts travel on.
 *
 * One socket per address family serves every instance and interface:
 * IPv4 sends whole packets (IP_HDRINCL, so TTL 255, the source address and
 * AH are ours to set) and learns the arrival interface from IP_PKTINFO;
 * IPv6 sends the VRRP message with hop limit 255 and source/interface from
 * IPV6_PKTINFO, and receives hop limit and destination as ancillary data.
 * Multicast loopback is off: a router never hears its own adverts.
 */
#ifndef LVSBOX_VRRP_SOCK_H
#define LVSBOX_VRRP_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* protocol: 112 (VRRP) or 51 (AH, IPv4 only). fd or a negative errno. */
int vrrp_sock_open(int family, int protocol);
/* Joins 224.0.0.18 / ff02::12 on ifindex; joining twice is not an error. */
int vrrp_sock_join(int fd, int family, int ifindex);
int vrrp_sock_leave(int fd, int family, int ifindex);

/* IPv4: pkt is a whole IP packet, dst its destination. */
int vrrp_sock_send4(int fd, int ifindex, const uint8_t dst[4], const uint8_t *pkt, size_t len);
/* IPv6: msg is the VRRP message; src is put in IPV6_PKTINFO. */
int vrrp_sock_send6(int fd, int ifindex, const uint8_t src[16], const uint8_t dst[16],
		    const uint8_t *msg, size_t len);

struct vrrp_rx {
	int ifindex;                /* arrival interface, 0 when not reported */
	int hoplimit;               /* IPv6: from ancillary data; -1 when missing */
	uint8_t src[16], dst[16];   /* IPv6: from the socket address and IPV6_PKTINFO */
};

/* One datagram into buf: its length, or a negative errno (-EAGAIN when none).
 * A datagram longer than size comes back cut to size (the decoder sees it
 * truncated). */
ssize_t vrrp_sock_recv(int fd, int family, uint8_t *buf, size_t size, struct vrrp_rx *rx);

#endif
