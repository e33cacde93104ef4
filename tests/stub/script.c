/*
 * script.c - reads the stub farm's behaviour script: which address of the
 * farm's prefix behaves how. The same line syntax serves the control
 * socket's "set" command, so a test can change a server while it runs.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "farm.h"

const char *const behaviour_names[B_COUNT] = {
	[B_BLACKHOLE] = "blackhole",
	[B_HEALTHY] = "healthy",
	[B_REFUSE] = "refuse",
	[B_SLOW] = "slow",
	[B_STATUS] = "status",
	[B_RESET] = "reset",
	[B_FLAP] = "flap",
	[B_LAG] = "lag",
	[B_GARBAGE] = "garbage",
	[B_ENDLESS] = "endless",
};

/* How many arguments each behaviour takes: minimum and maximum. */
static const struct {
	uint8_t min, max;
	bool durations;	/* arguments are durations, not plain numbers */
} behaviour_args[B_COUNT] = {
	[B_SLOW] = { 1, 1, true },
	[B_STATUS] = { 1, 1, false },
	[B_RESET] = { 1, 1, false },
	[B_FLAP] = { 2, 3, true },
	[B_LAG] = { 1, 1, true },
};

bool parse_duration_ms(const char *s, uint32_t *ms)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || errno || *s == '-')
		return false;
	if (*end == 's' && end[1] == '\0')
		v *= 1000;
	else if (!(*end == '\0' || strcmp(end, "ms") == 0))
		return false;
	if (v > 86400000UL)
		return false;
	*ms = (uint32_t)v;
	return true;
}

static bool parse_number(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end || errno || *s == '-' || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_addr(const char *s, uint32_t *out)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return false;
	*out = ntohl(a.s_addr);
	return true;
}

/* "A", "A-B", "A/LEN" or "A+COUNT" into the first address and a count. */
static bool parse_span(char *s, uint32_t *first, uint32_t *count, char *err, size_t errlen)
{
	char *sep = strpbrk(s, "-/+");
	char op = sep ? *sep : 0;
	if (sep)
		*sep++ = '\0';
	if (!parse_addr(s, first)) {
		snprintf(err, errlen, "bad address '%s'", s);
		return false;
	}
	uint32_t n = 1, last;
	switch (op) {
	case '-':
		if (!parse_addr(sep, &last) || last < *first) {
			snprintf(err, errlen, "bad range end '%s'", sep);
			return false;
		}
		n = last - *first + 1;
		break;
	case '/':
		if (!parse_number(sep, 32, &n) || n < 8) {
			snprintf(err, errlen, "bad prefix length '%s'", sep);
			return false;
		}
		n = n == 32 ? 1 : 1u << (32 - n);
		if (*first & (n - 1)) {
			snprintf(err, errlen, "address has host bits set for /%s", sep);
			return false;
		}
		break;
	case '+':
		if (!parse_number(sep, 1u << 24, &n) || n == 0) {
			snprintf(err, errlen, "bad count '%s'", sep);
			return false;
		}
		break;
	}
	*count = n;
	return true;
}

/* words[0] is the behaviour name, the rest its arguments. */
static bool parse_behaviour(char **words, int nwords, struct host *h, char *err, size_t errlen)
{
	int kind;
	for (kind = 0; kind < B_COUNT; kind++)
		if (strcmp(words[0], behaviour_names[kind]) == 0)
			break;
	if (kind == B_COUNT) {
		snprintf(err, errlen, "unknown behaviour '%s'", words[0]);
		return false;
	}
	int nargs = nwords - 1;
	if (nargs < behaviour_args[kind].min || nargs > behaviour_args[kind].max) {
		snprintf(err, errlen, "%s takes %d to %d arguments", words[0],
			 behaviour_args[kind].min, behaviour_args[kind].max);
		return false;
	}
	memset(h->arg, 0, sizeof(h->arg));
	for (int i = 0; i < nargs; i++) {
		bool good = behaviour_args[kind].durations
			? parse_duration_ms(words[i + 1], &h->arg[i])
			: parse_number(words[i + 1], kind == B_STATUS ? 999 : 1u << 20, &h->arg[i]);
		if (!good) {
			snprintf(err, errlen, "bad argument '%s' to %s", words[i + 1], words[0]);
			return false;
		}
	}
	if (kind == B_STATUS && h->arg[0] < 100) {
		snprintf(err, errlen, "status must be 100..999");
		return false;
	}
	if (kind == B_FLAP && (h->arg[0] == 0 || h->arg[1] == 0)) {
		snprintf(err, errlen, "flap periods must not be zero");
		return false;
	}
	h->kind = (uint8_t)kind;
	return true;
}

#define MAX_WORDS 8

static int split_words(char *line, char **words)
{
	int n = 0;
	for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
		if (n == MAX_WORDS)
			return -1;
		words[n++] = tok;
	}
	return n;
}

long script_apply_line(struct farm *farm, char *line, char *err, size_t errlen)
{
	char *words[MAX_WORDS];
	int n = split_words(line, words);
	if (n < 0) {
		snprintf(err, errlen, "too many words");
		return -1;
	}
	if (n < 2) {
		snprintf(err, errlen, "expected ADDRESS BEHAVIOUR [ARG...]");
		return -1;
	}
	struct host h = { 0 };
	if (!parse_behaviour(words + 1, n - 1, &h, err, errlen))
		return -1;
	if (strcmp(words[0], "default") == 0) {
		farm->fallback.kind = h.kind;
		memcpy(farm->fallback.arg, h.arg, sizeof(h.arg));
		return 0;
	}
	uint32_t first, count;
	if (!parse_span(words[0], &first, &count, err, errlen))
		return -1;
	uint64_t end = (uint64_t)first + count;
	if (first < farm->base || end > (uint64_t)farm->base + farm->size) {
		snprintf(err, errlen, "%s is outside the farm's prefix", words[0]);
		return -1;
	}
	for (uint32_t i = first - farm->base; i < end - farm->base; i++) {
		farm->hosts[i].kind = h.kind;
		memcpy(farm->hosts[i].arg, h.arg, sizeof(h.arg));
	}
	return count;
}

/* "body TEXT": \n, \r, \t and \\ escapes so one line can hold any body. */
static bool set_body(struct farm *farm, const char *text)
{
	size_t n = 0;
	for (const char *s = text; *s; s++) {
		char c = *s;
		if (c == '\\' && s[1]) {
			s++;
			c = *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s == 't' ? '\t' : *s;
		}
		if (n == sizeof(farm->body))
			return false;
		farm->body[n++] = c;
	}
	farm->body_len = n;
	return true;
}

static bool set_ports(struct farm *farm, char *list, char *err, size_t errlen)
{
	farm->nports = 0;
	for (char *tok = strtok(list, " \t"); tok; tok = strtok(NULL, " \t")) {
		uint32_t port;
		if (!parse_number(tok, 65535, &port) || port == 0) {
			snprintf(err, errlen, "bad port '%s'", tok);
			return false;
		}
		if (farm->nports == FARM_MAX_PORTS) {
			snprintf(err, errlen, "more than %d ports", FARM_MAX_PORTS);
			return false;
		}
		farm->ports[farm->nports++] = (uint16_t)port;
	}
	if (farm->nports == 0) {
		snprintf(err, errlen, "ports needs at least one port");
		return false;
	}
	return true;
}

int script_load(struct farm *farm, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[512], why[160];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			snprintf(why, sizeof(why), "line too long");
			rc = -1;
			break;
		}
		while (len && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		if (strncmp(s, "body", 4) == 0 && (s[4] == ' ' || s[4] == '\t')) {
			if (!set_body(farm, s + 5)) {
				snprintf(why, sizeof(why), "body longer than %d bytes", FARM_MAX_BODY);
				rc = -1;
				break;
			}
			continue;
		}
		if (strncmp(s, "ports", 5) == 0 && (s[5] == ' ' || s[5] == '\t')) {
			if (!set_ports(farm, s + 6, why, sizeof(why))) {
				rc = -1;
				break;
			}
			continue;
		}
		if (script_apply_line(farm, s, why, sizeof(why)) < 0) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	if (rc)
		snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
	return rc;
}

void behaviour_format(const struct host *h, char *out, size_t outlen)
{
	const char *name = behaviour_names[h->kind];
	switch (behaviour_args[h->kind].max) {
	case 0:
		snprintf(out, outlen, "%s", name);
		break;
	case 1:
		snprintf(out, outlen, behaviour_args[h->kind].durations ? "%s %ums" : "%s %u",
			 name, h->arg[0]);
		break;
	default:
		snprintf(out, outlen, "%s %ums %ums %ums", name, h->arg[0], h->arg[1], h->arg[2]);
		break;
	}
}
