/*
 * ipvs_totals.c - /proc/net/ip_vs_stats read and parsed (see ipvs_totals.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include "ipvs_totals.h"

/* One hex field of at most 16 digits at *p, after blanks; false if none. */
static bool hex_field(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	int digits = 0;

	while (s < end && *s == ' ')
		s++;
	*v = 0;
	for (; s < end; s++, digits++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			break;
		if (digits == 16)
			return false;
		*v = *v << 4 | (uint64_t)d;
	}
	*p = s;
	return digits > 0 && (s == end || *s == ' ');
}

int ipvs_totals_parse(const char *text, size_t len, struct ipvs_stats *out)
{
	const char *p = text, *end = text + len;
	uint64_t v[5];

	memset(out, 0, sizeof(*out));
	for (int skip = 0; skip < 2; skip++) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		if (!lf)
			return -1;
		p = lf + 1;
	}
	const char *lf = memchr(p, '\n', (size_t)(end - p));
	const char *line_end = lf ? lf : end;
	for (int i = 0; i < 5; i++)
		if (!hex_field(&p, line_end, &v[i]))
			return -1;
	while (p < line_end && *p == ' ')
		p++;
	if (p != line_end)
		return -1;
	out->conns = v[0];
	out->inpkts = v[1];
	out->outpkts = v[2];
	out->inbytes = v[3];
	out->outbytes = v[4];
	return 0;
}

int ipvs_totals_read(struct ipvs_stats *out)
{
	char buf[1024];
	size_t len = 0;
	int fd = open(IPVS_TOTALS_PATH, O_RDONLY | O_CLOEXEC);

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return ipvs_totals_parse(buf, len, out) == 0 ? 0 : -EPROTO;
}
