/*
 * lvsctl_text.h - addresses and names as ipvsadm prints them, shared by the
 * text and JSON listings.
 */
#ifndef LVSBOX_LVSCTL_TEXT_H
#define LVSBOX_LVSCTL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ipvs.h"

/*
 * Text building without printf, for the lines a listing prints once per
 * service and real server: with tens of thousands of them, parsing format
 * strings is a good part of what a listing costs.
 */
struct text {
	char *p, *end;          /* next byte to write; end of the buffer */
};

/* IPv6 text as glibc writes it, independent of the C library. */
void lvsctl_format_ipv6(const uint8_t *a, char *out, size_t size);
/* Appends as much of s as fits, keeping room for the terminating NUL. */
void lvsctl_text_add(struct text *t, const char *s);
/* As printf's %-Ns: s, then spaces up to width. */
void lvsctl_text_add_padded(struct text *t, const char *s, int width);
/* As printf's %-Nu, or %-Nd when negative is set (value is then -value). */
void lvsctl_text_add_number(struct text *t, unsigned long long value, bool negative, int width);
void lvsctl_text_add_int(struct text *t, int value, int width);
void lvsctl_format_addr(int af, const union ipvs_addr *a, char *out, size_t size);
/* "tcp", "udp", "sctp" or NULL. */
const char *lvsctl_proto_lower(uint16_t proto);
/* ipvsadm's addrport_to_anyname: at most 59 characters. */
void lvsctl_addrport_name(int af, const union ipvs_addr *a, uint16_t port, uint16_t proto,
			  unsigned format, char out[60]);

#endif
