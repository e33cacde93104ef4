/*
 * lvsctl_text.c - addresses and names as ipvsadm prints them. Listing tens
 * of thousands of lines, the common ones are built without printf.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include "lvsctl.h"
#include "lvsctl_text.h"

/* IPv6 text as glibc writes it (longest zero run, first on ties, "::a.b.c.d"
 * for mapped and compatible addresses), independent of the C library. */
void lvsctl_format_ipv6(const uint8_t *a, char *out, size_t size)
{
	unsigned w[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;
	size_t len = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur < 0)
				cur = i, cur_len = 1;
			else
				cur_len++;
		} else if (cur >= 0) {
			if (best < 0 || cur_len > best_len)
				best = cur, best_len = cur_len;
			cur = -1;
		}
	}
	if (cur >= 0 && (best < 0 || cur_len > best_len))
		best = cur, best_len = cur_len;
	if (best >= 0 && best_len < 2)
		best = -1;
	out[0] = '\0';
	for (int i = 0; i < 8 && len < size; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				len += (size_t)snprintf(out + len, size - len, ":");
			continue;
		}
		if (i)
			len += (size_t)snprintf(out + len, size - len, ":");
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
			snprintf(out + len, size - len, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
			return;
		}
		len += (size_t)snprintf(out + len, size - len, "%x", w[i]);
	}
	if (best >= 0 && best + best_len == 8 && len < size)
		snprintf(out + len, size - len, ":");
}


/* Appends as much of s as fits, keeping room for the terminating NUL. */
void lvsctl_text_add(struct text *t, const char *s)
{
	while (*s && t->p < t->end - 1)
		*t->p++ = *s++;
	*t->p = '\0';
}

/* As printf's %-Ns: s, then spaces up to width. */
void lvsctl_text_add_padded(struct text *t, const char *s, int width)
{
	char *start = t->p;
	lvsctl_text_add(t, s);
	while (t->p - start < width && t->p < t->end - 1)
		*t->p++ = ' ';
	*t->p = '\0';
}

/* As printf's %-Nu, or %-Nd when negative is set (value is then -value). */
void lvsctl_text_add_number(struct text *t, unsigned long long value, bool negative, int width)
{
	char digits[24], *d = digits + sizeof(digits);
	*--d = '\0';
	do
		*--d = (char)('0' + value % 10);
	while ((value /= 10) != 0);
	if (negative)
		*--d = '-';
	lvsctl_text_add_padded(t, d, width);
}

void lvsctl_text_add_int(struct text *t, int value, int width)
{
	long long v = value;
	lvsctl_text_add_number(t, (unsigned long long)(v < 0 ? -v : v), v < 0, width);
}

void lvsctl_format_addr(int af, const union ipvs_addr *a, char *out, size_t size)
{
	if (af == AF_INET6) {
		lvsctl_format_ipv6(a->raw, out, size);
	} else {
		struct text t = { out, out + size };
		for (int i = 0; i < 4; i++) {
			if (i)
				lvsctl_text_add(&t, ".");
			lvsctl_text_add_number(&t, a->raw[i], false, 0);
		}
	}
}

const char *lvsctl_proto_lower(uint16_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" :
	       proto == IPPROTO_SCTP ? "sctp" : NULL;
}

/* ipvsadm's addrport_to_anyname: at most 59 characters. */
void lvsctl_addrport_name(int af, const union ipvs_addr *a, uint16_t port, uint16_t proto,
			  unsigned format, char out[60])
{
	const char *open = af == AF_INET ? "" : "[", *close = af == AF_INET ? "" : "]";
	char addr[64], portbuf[12];
	const char *host = NULL, *service = NULL;

	if (!(format & LVS_FMT_NUMERIC)) {
		struct hostent *h = gethostbyaddr(a->raw, af == AF_INET ? 4 : 16, af);
		struct servent *se;
		const char *pname = lvsctl_proto_lower(proto);
		if (h)
			host = h->h_name;
		if (pname && (se = getservbyport(htons(port), pname)))
			service = se->s_name;
	}
	if (!host) {
		lvsctl_format_addr(af, a, addr, sizeof(addr));
		host = addr;
	}
	if (!service) {
		struct text pt = { portbuf, portbuf + sizeof(portbuf) };
		lvsctl_text_add_number(&pt, port, false, 0);
		service = portbuf;
	}
	/* At most 59 characters, as ipvsadm cuts it. */
	struct text t = { out, out + 60 };
	lvsctl_text_add(&t, open);
	lvsctl_text_add(&t, host);
	lvsctl_text_add(&t, close);
	lvsctl_text_add(&t, ":");
	lvsctl_text_add(&t, service);
}
