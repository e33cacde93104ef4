/*
 * http_parse.c - the incremental HTTP response parser of HTTP_GET/SSL_GET
 * (see http_parse.h). Line-shaped parts (status line, headers, chunk sizes,
 * trailers) are collected into one bounded line buffer; body data passes
 * straight into the digest.
 */
#include "http_parse.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
	ST_STATUS,       /* line states first: see is_line_state() */
	ST_HEADER,
	ST_CHUNK_SIZE,
	ST_CHUNK_END,    /* the CRLF closing a chunk's data */
	ST_TRAILER,
	ST_LENGTH,       /* body of Content-Length bytes */
	ST_CHUNK_DATA,
	ST_CLOSE,        /* body until the connection closes */
	ST_DONE,
	ST_ERROR,
};

static bool is_line_state(int state) { return state <= ST_TRAILER; }
static bool is_body_state(int state) { return state >= ST_CHUNK_SIZE && state <= ST_CLOSE; }

static int fail(struct http_parse *p, const char *why)
{
	snprintf(p->error, sizeof(p->error), "%s", why);
	p->state = ST_ERROR;
	return HTTP_ERROR;
}

static int finish(struct http_parse *p)
{
	md5_final(&p->md5, p->digest);
	p->state = ST_DONE;
	return HTTP_DONE;
}

void http_parse_init(struct http_parse *p, uint64_t max_body)
{
	memset(p, 0, offsetof(struct http_parse, line));
	p->state = ST_STATUS;
	p->max_body = max_body;
	md5_init(&p->md5);
}

/* Hashes and counts body bytes; ERROR once the body is over its bound. */
static int take_body(struct http_parse *p, const char *data, size_t len)
{
	p->body_bytes += len;
	if (p->body_bytes > p->max_body) {
		snprintf(p->error, sizeof(p->error), "HTTP body larger than %llu bytes",
			 (unsigned long long)p->max_body);
		p->state = ST_ERROR;
		return HTTP_ERROR;
	}
	md5_update(&p->md5, data, len);
	if (p->on_body)
		p->on_body(p->on_body_arg, data, len);
	return HTTP_MORE;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "HTTP/1.1 200 OK": the major version must be 1; the reason is free text. */
static int parse_status_line(struct http_parse *p, const char *s)
{
	if (strncmp(s, "HTTP/1.", 7) != 0 || s[7] < '0' || s[7] > '9' || s[8] != ' ')
		return fail(p, "malformed HTTP status line");
	const char *code = s + 9;
	for (int i = 0; i < 3; i++)
		if (code[i] < '0' || code[i] > '9')
			return fail(p, "malformed HTTP status code");
	if (code[3] != '\0' && code[3] != ' ')
		return fail(p, "malformed HTTP status code");
	p->version_minor = s[7] - '0';
	p->status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
	if (p->status < 100)
		return fail(p, "malformed HTTP status code");
	p->state = ST_HEADER;
	return HTTP_MORE;
}

/* The last transfer coding decides: "gzip, chunked" is chunked. */
static bool ends_in_chunked(const char *v)
{
	size_t len = strlen(v);
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	return len >= 7 && strncasecmp(v + len - 7, "chunked", 7) == 0 &&
	       (len == 7 || v[len - 8] == ',' || v[len - 8] == ' ' || v[len - 8] == '\t');
}

static int parse_header(struct http_parse *p, char *line)
{
	if (line[0] == ' ' || line[0] == '\t')
		return HTTP_MORE;   /* obsolete line folding: continues a header we do not need */
	char *colon = strchr(line, ':');
	if (!colon || colon == line)
		return fail(p, "malformed HTTP header line");
	*colon = '\0';
	const char *value = skip_blanks(colon + 1);

	if (strcasecmp(line, "Content-Length") == 0) {
		uint64_t n = 0;
		int digits = 0;
		const char *v = value;
		for (; *v >= '0' && *v <= '9'; v++)
			if (++digits > 18)
				return fail(p, "HTTP Content-Length too large");
			else
				n = n * 10 + (uint64_t)(*v - '0');
		if (!digits || *skip_blanks(v) != '\0')
			return fail(p, "malformed HTTP Content-Length");
		if (p->has_length && p->content_length != n)
			return fail(p, "conflicting HTTP Content-Length headers");
		p->has_length = true;
		p->content_length = n;
	} else if (strcasecmp(line, "Transfer-Encoding") == 0) {
		p->chunked = ends_in_chunked(value);
		p->other_coding = !p->chunked;
	}
	return HTTP_MORE;
}

/* The blank line after the headers: decides how the body is delimited. */
static int end_of_head(struct http_parse *p)
{
	if (p->status < 200) {
		if (++p->interim > HTTP_MAX_INTERIM)
			return fail(p, "too many interim (1xx) HTTP responses");
		p->status = 0;
		p->chunked = p->has_length = p->other_coding = false;
		p->content_length = 0;
		p->state = ST_STATUS;
		return HTTP_MORE;
	}
	if (p->status == 204 || p->status == 304)
		return finish(p);
	if (p->chunked) {
		p->state = ST_CHUNK_SIZE;
	} else if (p->other_coding || !p->has_length) {
		p->state = ST_CLOSE;
	} else if (p->content_length == 0) {
		return finish(p);
	} else {
		p->remaining = p->content_length;
		p->state = ST_LENGTH;
	}
	return HTTP_MORE;
}

static int parse_chunk_size(struct http_parse *p, const char *line)
{
	const char *s = skip_blanks(line);
	uint64_t size = 0;
	int digits = 0;
	for (;; s++, digits++) {
		int d;
		if (*s >= '0' && *s <= '9') d = *s - '0';
		else if (*s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
		else break;
		if (digits >= 15)
			return fail(p, "HTTP chunk size too large");
		size = size * 16 + (uint64_t)d;
	}
	s = skip_blanks(s);
	if (!digits || (*s != '\0' && *s != ';'))
		return fail(p, "malformed HTTP chunk size");
	if (size == 0) {
		p->state = ST_TRAILER;
	} else {
		p->remaining = size;
		p->state = ST_CHUNK_DATA;
	}
	return HTTP_MORE;
}

static int end_of_line(struct http_parse *p)
{
	char *line = p->line;
	if (p->line_len && line[p->line_len - 1] == '\r')
		p->line_len--;
	line[p->line_len] = '\0';
	if (memchr(line, '\0', p->line_len))
		return fail(p, "NUL byte in an HTTP header");
	p->line_len = 0;

	switch (p->state) {
	case ST_STATUS:
		if (line[0] == '\0')
			return HTTP_MORE;   /* stray blank lines before a response are tolerated */
		return parse_status_line(p, line);
	case ST_HEADER:
		return line[0] == '\0' ? end_of_head(p) : parse_header(p, line);
	case ST_CHUNK_SIZE:
		return parse_chunk_size(p, line);
	case ST_CHUNK_END:
		if (line[0] != '\0')
			return fail(p, "HTTP chunk longer than its size");
		p->state = ST_CHUNK_SIZE;
		return HTTP_MORE;
	default: /* ST_TRAILER */
		return line[0] == '\0' ? finish(p) : HTTP_MORE;
	}
}

int http_parse_feed(struct http_parse *p, const void *data, size_t len, size_t *used)
{
	const char *in = data;
	size_t pos = 0;
	int ret = p->state == ST_DONE ? HTTP_DONE : p->state == ST_ERROR ? HTTP_ERROR : HTTP_MORE;

	while (ret == HTTP_MORE && pos < len) {
		const char *rest = in + pos;
		size_t avail = len - pos;
		if (is_line_state(p->state)) {
			const char *nl = memchr(rest, '\n', avail);
			size_t take = nl ? (size_t)(nl - rest) + 1 : avail;
			if (is_body_state(p->state) && take_body(p, rest, take) != HTTP_MORE) {
				ret = HTTP_ERROR;
				break;
			}
			if (!is_body_state(p->state)) {
				p->head_bytes += take;
				if (p->head_bytes > HTTP_MAX_HEAD) {
					ret = fail(p, "HTTP headers too long");
					break;
				}
			}
			size_t content = nl ? take - 1 : take;
			if (p->line_len + content >= sizeof(p->line)) {
				ret = fail(p, is_body_state(p->state) ? "HTTP chunk line too long" : "HTTP header line too long");
				break;
			}
			memcpy(p->line + p->line_len, rest, content);
			p->line_len += content;
			pos += take;
			if (nl)
				ret = end_of_line(p);
			continue;
		}
		/* ST_LENGTH, ST_CHUNK_DATA, ST_CLOSE: raw body bytes */
		size_t take = avail;
		if (p->state != ST_CLOSE && p->remaining < take)
			take = (size_t)p->remaining;
		if (take_body(p, rest, take) != HTTP_MORE) {
			ret = HTTP_ERROR;
			break;
		}
		pos += take;
		if (p->state == ST_CLOSE)
			continue;
		p->remaining -= take;
		if (p->remaining == 0) {
			if (p->state == ST_LENGTH)
				ret = finish(p);
			else
				p->state = ST_CHUNK_END;
		}
	}
	if (used)
		*used = pos;
	return ret;
}

int http_parse_eof(struct http_parse *p)
{
	switch (p->state) {
	case ST_DONE: return HTTP_DONE;
	case ST_ERROR: return HTTP_ERROR;
	case ST_CLOSE: return finish(p);
	case ST_STATUS:
		if (p->head_bytes == 0 && p->line_len == 0)
			return fail(p, "connection closed without an HTTP response");
		/* fall through */
	case ST_HEADER:
		return fail(p, "connection closed in the HTTP headers");
	default:
		return fail(p, "connection closed before the end of the HTTP body");
	}
}

void http_digest_hex(const unsigned char digest[16], char out[33])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[32] = '\0';
}
