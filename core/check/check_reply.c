/*
 * check_reply.c - the reply parsing of SMTP_CHECK, PING_CHECK and UDP_CHECK
 * (see check_reply.h), pure so it can be tried on any bytes.
 */
#include "check_reply.h"

#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>

/* One complete reply line: 0 to read on, 1 when the reply is complete with code *code. */
static int reply_line(struct smtp_reply *s, int *code)
{
	const char *l = s->line;
	if (s->line_len < 3 || l[0] < '1' || l[0] > '5' || l[1] < '0' || l[1] > '9' || l[2] < '0' || l[2] > '9')
		return -1;
	if (l[3] == '-')
		return ++s->lines > SMTP_MAX_LINES ? -1 : 0;
	*code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	s->lines = 0;
	return 1;
}

enum smtp_read smtp_reply_feed(struct smtp_reply *s, const char *buf, size_t n, int *code)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (s->line_len + 1 >= sizeof(s->line))
				return SMTP_LINE_TOO_LONG;
			s->line[s->line_len++] = buf[i];
			continue;
		}
		if (s->line_len && s->line[s->line_len - 1] == '\r')
			s->line_len--;
		s->line[s->line_len] = '\0';
		int r = reply_line(s, code);
		s->line_len = 0;
		if (r < 0)
			return SMTP_MALFORMED;
		if (r == 1)
			return SMTP_REPLY;
	}
	return SMTP_READ_MORE;
}

bool ping_reply_matches(const unsigned char *buf, size_t len, bool v6, bool raw, uint16_t ident, uint16_t seq)
{
	const unsigned char *icmp = buf;
	if (raw && !v6) {
		size_t ihl = len ? (size_t)(buf[0] & 0x0f) * 4 : 0;
		if (ihl < 20 || ihl > len) {
			len = 0;
		} else {
			icmp += ihl;
			len -= ihl;
		}
	}
	unsigned reply_type = v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
	if (len >= 8 && icmp[0] == reply_type) {
		uint16_t got_ident = (uint16_t)(icmp[4] << 8 | icmp[5]), got_seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
		/* a datagram socket rewrites the identifier: only the sequence is ours to match */
		return got_seq == seq && (!raw || got_ident == ident);
	}
	return false;
}

enum udp_reply_verdict udp_reply_check(const struct check_udp *u, const unsigned char *buf, size_t len,
				       size_t *differs_at)
{
	if (len < u->min_reply_length || len > u->max_reply_length)
		return UDP_REPLY_LENGTH;
	size_t cmp = len < u->reply_len ? len : u->reply_len;
	for (size_t i = 0; i < cmp; i++)
		if ((buf[i] & u->reply_mask[i]) != u->reply[i]) {
			*differs_at = i;
			return UDP_REPLY_DIFFERS;
		}
	return UDP_REPLY_OK;
}
