/*
 * garp.h - announcing a virtual address after a takeover: gratuitous ARP
 * for IPv4, unsolicited neighbour advertisements (RFC 4861 7.2.6) for IPv6,
 * so switches and neighbours move the address to the new master's MAC.
 *
 * Frames are built whole (Ethernet header included) into the caller's buffer
 * by pure functions the unit tests check, and sent on an AF_PACKET socket
 * that never receives anything.
 */
#ifndef LVSBOX_GARP_H
#define LVSBOX_GARP_H

#include <stddef.h>

#define GARP_ARP_LEN 42     /* Ethernet 14 + ARP 28; the driver pads to 60 */
#define GARP_NA_LEN 86      /* Ethernet 14 + IPv6 40 + NA 24 + target link-layer option 8 */

/* ARP request from mac/ip about ip itself, to the broadcast address.
 * Returns the frame length, 0 when size is too small. */
size_t garp_build_arp(unsigned char *frame, size_t size, const unsigned char mac[6],
		      const unsigned char ip[4]);
/* Neighbour advertisement for ip with mac as target link-layer address,
 * override flag set, from ip to ff02::1, hop limit 255. */
size_t garp_build_na(unsigned char *frame, size_t size, const unsigned char mac[6],
		     const unsigned char ip[16]);

/* Send-only AF_PACKET socket: fd or a negative errno. */
int garp_open(void);
/* 0 or a negative errno. */
int garp_send(int fd, int ifindex, const unsigned char *frame, size_t len);

#endif
