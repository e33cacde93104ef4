/*
 * lvsctl_scan.c - argv scanned by the rules of popt 1.19, the library
 * ipvsadm reads its options with, so odd spellings behave alike.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "lvsctl_scan.h"

/*
 * The option scanner. ipvsadm reads argv with popt; these are the rules of
 * popt 1.19 that users can see: short options cluster ("-Lnc"), a short
 * option's value may be attached ("-w5", "-w=5") or the next word; long
 * options take "--opt=value" or "--opt value"; an optional value (-p) is the
 * next word unless it starts with '-'; words that are not options are kept
 * for later ("--set 1 2 3"); "--" ends options; "!#:+" inside a value is
 * replaced by the next unused plain word.
 */
enum arg_kind { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

struct optdef {
	const char *name;
	char letter;
	enum arg_kind arg;
	int tag;
};

static const struct optdef optdefs[] = {
	{ "add-service", 'A', ARG_NONE, 'A' },
	{ "edit-service", 'E', ARG_NONE, 'E' },
	{ "delete-service", 'D', ARG_NONE, 'D' },
	{ "clear", 'C', ARG_NONE, 'C' },
	{ "list", 'L', ARG_NONE, 'L' },
	{ NULL, 'l', ARG_NONE, 'l' },
	{ "zero", 'Z', ARG_NONE, 'Z' },
	{ "add-server", 'a', ARG_NONE, 'a' },
	{ "edit-server", 'e', ARG_NONE, 'e' },
	{ "delete-server", 'd', ARG_NONE, 'd' },
	{ "set", 0, ARG_NONE, TAG_SET },
	{ "help", 'h', ARG_NONE, 'h' },
	{ "version", 'v', ARG_NONE, 'v' },
	{ "restore", 'R', ARG_NONE, 'R' },
	{ "save", 'S', ARG_NONE, 'S' },
	{ "start-daemon", 0, ARG_REQUIRED, TAG_START_DAEMON },
	{ "stop-daemon", 0, ARG_REQUIRED, TAG_STOP_DAEMON },
	{ "tcp-service", 't', ARG_REQUIRED, 't' },
	{ "udp-service", 'u', ARG_REQUIRED, 'u' },
	{ "sctp-service", 0, ARG_REQUIRED, TAG_SCTP_SERVICE },
	{ "fwmark-service", 'f', ARG_REQUIRED, 'f' },
	{ "scheduler", 's', ARG_REQUIRED, 's' },
	{ "persistent", 'p', ARG_OPTIONAL, 'p' },
	{ "netmask", 'M', ARG_REQUIRED, 'M' },
	{ "real-server", 'r', ARG_REQUIRED, 'r' },
	{ "masquerading", 'm', ARG_NONE, 'm' },
	{ "ipip", 'i', ARG_NONE, 'i' },
	{ "gatewaying", 'g', ARG_NONE, 'g' },
	{ "weight", 'w', ARG_REQUIRED, 'w' },
	{ "u-threshold", 'x', ARG_REQUIRED, 'x' },
	{ "l-threshold", 'y', ARG_REQUIRED, 'y' },
	{ "numeric", 'n', ARG_NONE, 'n' },
	{ "connection", 'c', ARG_NONE, 'c' },
	{ "mcast-interface", 0, ARG_REQUIRED, TAG_MCAST_INTERFACE },
	{ "syncid", 0, ARG_REQUIRED, TAG_SYNCID },
	{ "timeout", 0, ARG_NONE, TAG_TIMEOUT },
	{ "daemon", 0, ARG_NONE, TAG_DAEMON },
	{ "stats", 0, ARG_NONE, TAG_STATS },
	{ "rate", 0, ARG_NONE, TAG_RATE },
	{ "thresholds", 0, ARG_NONE, TAG_THRESHOLDS },
	{ "persistent-conn", 0, ARG_NONE, TAG_PERSISTENTCONN },
	{ "nosort", 0, ARG_NONE, TAG_NO_SORT },
	{ "sort", 0, ARG_NONE, TAG_SORT },
	{ "exact", 'X', ARG_NONE, 'X' },
	{ "ipv6", '6', ARG_NONE, '6' },
	{ "ops", 'o', ARG_NONE, 'o' },
	{ "pe", 0, ARG_REQUIRED, TAG_PE },
	{ "sched-flags", 'b', ARG_REQUIRED, 'b' },
	{ "mcast-group", 0, ARG_REQUIRED, TAG_MCAST_GROUP },
	{ "mcast-port", 0, ARG_REQUIRED, TAG_MCAST_PORT },
	{ "mcast-ttl", 0, ARG_REQUIRED, TAG_MCAST_TTL },
	{ "sync-maxlen", 0, ARG_REQUIRED, TAG_SYNC_MAXLEN },
	{ "tun-info", 0, ARG_NONE, TAG_TUN_INFO },
	{ "tun-type", 0, ARG_REQUIRED, TAG_TUN_TYPE },
	{ "tun-port", 0, ARG_REQUIRED, TAG_TUN_PORT },
	{ "tun-nocsum", 0, ARG_NONE, TAG_TUN_NOCSUM },
	{ "tun-csum", 0, ARG_NONE, TAG_TUN_CSUM },
	{ "tun-remcsum", 0, ARG_NONE, TAG_TUN_REMCSUM },
	{ "json", 0, ARG_NONE, TAG_JSON },
	{ NULL, 0, ARG_NONE, 0 },
};


static const struct optdef *find_long(const char *name, size_t len)
{
	for (const struct optdef *o = optdefs; o->tag; o++)
		if (o->name && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const struct optdef *find_short(char letter)
{
	for (const struct optdef *o = optdefs; o->tag; o++)
		if (o->letter && o->letter == letter)
			return o;
	return NULL;
}

/* Copies an option value, replacing "!#:+" with the next unused plain word
 * (popt's one expansion; the word is then skipped as an argument). */
static char *expand_value(struct scanner *sc, const char *s)
{
	size_t cap = strlen(s) + 1, len = 0;
	char *out = malloc(cap);
	const char *found = NULL;
	if (!out)
		return NULL;
	while (*s) {
		char c = *s++;
		if (c == '!' && strncmp(s, "#:+", 3) == 0) {
			if (!found) {
				for (int i = sc->next; i < sc->argc; i++) {
					if (sc->taken[i] || sc->argv[i][0] == '-')
						continue;
					found = sc->argv[i];
					sc->taken[i] = 1;
					break;
				}
			}
			if (found) {
				size_t n = strlen(found);
				char *grown = realloc(out, cap + n);
				if (!grown) {
					free(out);
					return NULL;
				}
				out = grown;
				cap += n;
				memcpy(out + len, found, n);
				len += n;
				s += 3;
				continue;
			}
		}
		out[len++] = c;
	}
	out[len] = '\0';
	return out;
}

static int scan_set_arg(struct scanner *sc, const char *value)
{
	free(sc->arg);
	sc->arg = NULL;
	if (value && !(sc->arg = expand_value(sc, value)))
		return SCAN_BADOPT;
	return 0;
}

int lvsctl_scan_next(struct scanner *sc)
{
	for (;;) {
		const struct optdef *o = NULL;
		const char *long_value = NULL;

		if (!sc->cluster) {
			if (sc->next >= sc->argc)
				return SCAN_END;
			if (sc->taken[sc->next]) {
				sc->next++;
				continue;
			}
			const char *word = sc->argv[sc->next++];
			if (sc->rest_plain || word[0] != '-' || word[1] == '\0') {
				sc->plain[sc->nplain++] = (char *)word;
				continue;
			}
			if (word[1] == '-' && word[2] == '\0') {
				sc->rest_plain = true;
				continue;
			}
			if (word[1] == '-') {
				const char *name = word + 2;
				size_t len = strcspn(name, "=");
				if (name[len] == '=')
					long_value = name + len + 1;
				o = find_long(name, len);
				if (!o)
					return SCAN_BADOPT;
			} else {
				sc->cluster = word + 1;
			}
		}
		if (!o) {
			const char *c = sc->cluster;
			sc->cluster = NULL;
			o = find_short(*c);
			if (!o)
				return SCAN_BADOPT;
			if (c[1])
				sc->cluster = c + 1;
		}
		if (o->arg == ARG_NONE) {
			if (long_value || (sc->cluster && sc->cluster[0] == '='))
				return SCAN_UNWANTEDARG;
			return o->tag;
		}
		int rc;
		if (long_value) {
			rc = scan_set_arg(sc, long_value);
		} else if (sc->cluster) {
			const char *v = sc->cluster + (sc->cluster[0] == '=');
			sc->cluster = NULL;
			rc = scan_set_arg(sc, v);
		} else if (sc->next >= sc->argc) {
			if (o->arg != ARG_OPTIONAL)
				return SCAN_NOARG;
			rc = scan_set_arg(sc, NULL);
		} else if (o->arg == ARG_OPTIONAL && sc->argv[sc->next][0] == '-') {
			rc = scan_set_arg(sc, NULL);
		} else {
			rc = scan_set_arg(sc, sc->argv[sc->next++]);
		}
		return rc ? rc : o->tag;
	}
}

const char *lvsctl_scan_bad_word(const struct scanner *sc)
{
	return sc->next > 0 ? sc->argv[sc->next - 1] : "";
}

const char *lvsctl_scan_error_text(int code)
{
	switch (code) {
	case SCAN_NOARG: return "missing argument";
	case SCAN_UNWANTEDARG: return "option does not take an argument";
	case SCAN_BADOPT: return "unknown option";
	default: return "unknown error";
	}
}

const char *lvsctl_scan_plain(struct scanner *sc)
{
	return sc->plain_read < sc->nplain ? sc->plain[sc->plain_read++] : NULL;
}
