/*
 * lvsctl.c - ipvsadm-compatible control of the kernel's IPVS table.
 *
 * Scripts parse ipvsadm's output and test its exit status, so everything a
 * user can observe (option syntax as ipvsadm's popt parser accepts it, error
 * messages, exit codes, every list format, -S) matches ipvsadm 1.31 byte for
 * byte. Beyond it: --json for the list modes, and -R applying a save file in
 * batches.
 *
 * The file is in three parts: the parser (argv to struct lvsctl_cmd, no
 * kernel), the printers, and the runner that talks to core/ipvs.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "applets.h"
#include "lvsctl.h"

#define MAX_TIMEOUT             (86400 * 31)
#define DEFAULT_PERSIST_TIMEOUT 360
#define DEFAULT_SCHED           "wlc"
#define DEFAULT_MCAST_IFN       "eth0"
#define CONN_PROC_FILE          "/proc/net/ip_vs_conn"
#define SCHED_LIST              "rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh"
#define PE_LIST                 "sip"
#define IPVSADM_VERSION_LINE    "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n"

#ifndef IP_VS_SVC_F_SCHED_MH_FALLBACK
#define IP_VS_SVC_F_SCHED_MH_FALLBACK IP_VS_SVC_F_SCHED1
#define IP_VS_SVC_F_SCHED_MH_PORT     IP_VS_SVC_F_SCHED2
#endif
#define SCHED_FLAGS_MASK (IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3)

/* ---------------------------------------------------------------------
 * Options, in the order ipvsadm numbers them: the order decides which
 * message wins when several options are wrong at once.
 */
enum opt_index {
	O_NUMERIC, O_CONNECTION, O_SERVICE, O_SCHEDULER, O_PERSISTENT, O_NETMASK,
	O_SERVER, O_FORWARD, O_WEIGHT, O_UTHRESHOLD, O_LTHRESHOLD, O_MCAST,
	O_TIMEOUT, O_DAEMON, O_STATS, O_RATE, O_THRESHOLDS, O_PERSISTENTCONN,
	O_NOSORT, O_SYNCID, O_EXACT, O_ONEPACKET, O_PE, O_SCHED_FLAGS,
	O_MCAST_GROUP, O_MCAST_PORT, O_MCAST_TTL, O_SYNC_MAXLEN, O_TUN_INFO,
	O_TUN_TYPE, O_TUN_PORT, O_TUN_NOCSUM, O_TUN_CSUM, O_TUN_REMCSUM,
	O_JSON, O_COUNT
};

static const char *const opt_names[O_COUNT] = {
	"numeric", "connection", "service-address", "scheduler", "persistent",
	"netmask", "real-server", "forwarding-method", "weight", "u-threshold",
	"l-threshold", "mcast-interface", "timeout", "daemon", "stats", "rate",
	"thresholds", "persistent-conn", "nosort", "syncid", "exact", "ops", "pe",
	"sched-flags", "mcast-group", "mcast-port", "mcast-ttl", "sync-maxlen",
	"tun-info", "tun-type", "tun-port", "tun-nocsum", "tun-csum",
	"tun-remcsum", "json",
};

#define B(o) (1ULL << (o))

/* Per command: options it needs, options it accepts, and the group of which
 * at most one may be given. Anything else is refused. */
struct cmd_rule {
	const char *name;
	uint64_t required, allowed, one_of;
};

static const struct cmd_rule cmd_rules[] = {
	[LVS_CMD_ADD] = { "add-service", B(O_SERVICE),
		B(O_SCHEDULER) | B(O_PERSISTENT) | B(O_NETMASK) | B(O_ONEPACKET) | B(O_PE) | B(O_SCHED_FLAGS), 0 },
	[LVS_CMD_EDIT] = { "edit-service", B(O_SERVICE),
		B(O_SCHEDULER) | B(O_PERSISTENT) | B(O_NETMASK) | B(O_ONEPACKET) | B(O_PE) | B(O_SCHED_FLAGS), 0 },
	[LVS_CMD_DEL] = { "delete-service", B(O_SERVICE), 0, 0 },
	[LVS_CMD_FLUSH] = { "flush", 0, 0, 0 },
	[LVS_CMD_LIST] = { "list", 0,
		B(O_NUMERIC) | B(O_STATS) | B(O_RATE) | B(O_THRESHOLDS) | B(O_PERSISTENTCONN) |
		B(O_NOSORT) | B(O_SYNCID) | B(O_EXACT) | B(O_TUN_INFO) | B(O_JSON),
		B(O_CONNECTION) | B(O_SERVICE) | B(O_TIMEOUT) | B(O_DAEMON) },
	[LVS_CMD_ADDDEST] = { "add-server", B(O_SERVICE) | B(O_SERVER),
		B(O_FORWARD) | B(O_WEIGHT) | B(O_UTHRESHOLD) | B(O_LTHRESHOLD) | B(O_TUN_TYPE) |
		B(O_TUN_PORT) | B(O_TUN_NOCSUM) | B(O_TUN_CSUM) | B(O_TUN_REMCSUM), 0 },
	[LVS_CMD_DELDEST] = { "delete-server", B(O_SERVICE) | B(O_SERVER), 0, 0 },
	[LVS_CMD_EDITDEST] = { "edit-server", B(O_SERVICE) | B(O_SERVER),
		B(O_FORWARD) | B(O_WEIGHT) | B(O_UTHRESHOLD) | B(O_LTHRESHOLD) | B(O_TUN_TYPE) |
		B(O_TUN_PORT) | B(O_TUN_NOCSUM) | B(O_TUN_CSUM) | B(O_TUN_REMCSUM), 0 },
	[LVS_CMD_TIMEOUT] = { "set", 0, 0, 0 },
	[LVS_CMD_STARTDAEMON] = { "start-daemon", 0,
		B(O_MCAST) | B(O_SYNCID) | B(O_MCAST_GROUP) | B(O_MCAST_PORT) | B(O_MCAST_TTL) | B(O_SYNC_MAXLEN), 0 },
	[LVS_CMD_STOPDAEMON] = { "stop-daemon", 0, B(O_SYNCID), 0 },
	[LVS_CMD_RESTORE] = { "restore", 0, 0, 0 },
	[LVS_CMD_SAVE] = { "save", 0, B(O_NUMERIC), 0 },
	[LVS_CMD_ZERO] = { "zero", 0, B(O_SERVICE), 0 },
};

/* The same idea for tunnel types and the tunnel options. */
static const char *const tun_names[] = { "ipip", "gue", "gre" };
static const enum opt_index tun_opts[] = { O_TUN_PORT, O_TUN_NOCSUM, O_TUN_CSUM, O_TUN_REMCSUM };
static const struct { uint64_t required, allowed, one_of; } tun_rules[] = {
	{ 0, 0, 0 },
	{ B(O_TUN_PORT), 0, B(O_TUN_NOCSUM) | B(O_TUN_CSUM) | B(O_TUN_REMCSUM) },
	{ 0, 0, B(O_TUN_NOCSUM) | B(O_TUN_CSUM) },
};

/* ---------------------------------------------------------------------
 * The option scanner. ipvsadm reads argv with popt; these are the rules of
 * popt 1.19 that users can see: short options cluster ("-Lnc"), a short
 * option's value may be attached ("-w5", "-w=5") or the next word; long
 * options take "--opt=value" or "--opt value"; an optional value (-p) is the
 * next word unless it starts with '-'; words that are not options are kept
 * for later ("--set 1 2 3"); "--" ends options; "!#:+" inside a value is
 * replaced by the next unused plain word.
 */
enum arg_kind { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };
enum {
	TAG_SET = 128, TAG_START_DAEMON, TAG_STOP_DAEMON, TAG_MCAST_INTERFACE,
	TAG_SYNCID, TAG_TIMEOUT, TAG_DAEMON, TAG_STATS, TAG_RATE, TAG_THRESHOLDS,
	TAG_PERSISTENTCONN, TAG_SORT, TAG_NO_SORT, TAG_PE, TAG_SCTP_SERVICE,
	TAG_MCAST_GROUP, TAG_MCAST_PORT, TAG_MCAST_TTL, TAG_SYNC_MAXLEN,
	TAG_TUN_INFO, TAG_TUN_TYPE, TAG_TUN_PORT, TAG_TUN_NOCSUM, TAG_TUN_CSUM,
	TAG_TUN_REMCSUM, TAG_JSON,
};
#define SCAN_END          (-1)
#define SCAN_NOARG        (-10)
#define SCAN_BADOPT       (-11)
#define SCAN_UNWANTEDARG  (-12)

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

struct scanner {
	int argc;
	char **argv;
	int next;               /* next word of argv to look at */
	const char *cluster;    /* rest of a short-option cluster */
	bool rest_plain;        /* after "--" every word is plain */
	unsigned char *taken;   /* words consumed by "!#:+" */
	char **plain;           /* words that were not options, in order */
	int nplain, plain_read;
	char *arg;              /* value of the option just returned, or NULL */
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

/* Returns the next option's tag, SCAN_END, or a SCAN_* error. */
static int scan_next(struct scanner *sc)
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

static const char *scan_bad_word(const struct scanner *sc)
{
	return sc->next > 0 ? sc->argv[sc->next - 1] : "";
}

static const char *scan_error_text(int code)
{
	switch (code) {
	case SCAN_NOARG: return "missing argument";
	case SCAN_UNWANTEDARG: return "option does not take an argument";
	case SCAN_BADOPT: return "unknown option";
	default: return "unknown error";
	}
}

static const char *scan_plain(struct scanner *sc)
{
	return sc->plain_read < sc->nplain ? sc->plain[sc->plain_read++] : NULL;
}

/* ---------------------------------------------------------------------
 * Parsing of values, with the quirks of the C library calls ipvsadm uses
 * (glibc's inet_aton accepts "10", "10.1", hex and octal parts, and stops at
 * white space).
 */

/* strtol in [min, max] over the whole string, or -1. */
static long number_in(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long n = strtol(s, &end, 10);
	if (*end == '\0' && end != s && errno != ERANGE && n >= min && n <= max)
		return n;
	return -1;
}

static bool classic_inet_aton(const char *s, struct in_addr *out)
{
	static const uint32_t last_max[4] = { 0xffffffffu, 0xffffffu, 0xffffu, 0xffu };
	uint8_t parts[4] = { 0 };
	int nparts = 0;
	unsigned long value;

	for (;;) {
		if (!isdigit((unsigned char)*s))
			return false;
		char *end;
		errno = 0;
		value = strtoul(s, &end, 0);
		if (errno == ERANGE || value > 0xffffffffUL)
			return false;
		s = end;
		if (*s != '.')
			break;
		if (nparts > 2 || value > 0xff)
			return false;
		parts[nparts++] = (uint8_t)value;
		s++;
	}
	if (*s != '\0' && !(isascii((unsigned char)*s) && isspace((unsigned char)*s)))
		return false;
	if (value > last_max[nparts])
		return false;
	uint32_t host = (uint32_t)value;
	for (int i = 0; i < nparts; i++)
		host |= (uint32_t)parts[i] << (24 - 8 * i);
	out->s_addr = htonl(host);
	return true;
}

static bool host_to_addr(const char *name, struct in_addr *out)
{
	struct hostent *h = gethostbyname(name);
	if (!h || h->h_addrtype != AF_INET || h->h_length != (int)sizeof(*out))
		return false;
	memcpy(out, h->h_addr_list[0], sizeof(*out));
	return true;
}

static int service_to_port(const char *name, uint16_t proto)
{
	const char *pname = proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" :
			    proto == IPPROTO_SCTP ? "sctp" : NULL;
	struct servent *se;
	if (!pname || !(se = getservbyname(name, pname)))
		return -1;
	return ntohs((uint16_t)se->s_port);
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

#define SVC_ADDR 1
#define SVC_PORT 2

/*
 * host[:port] or [v6addr]:port into *svc (af, addr, port; netmask for v6).
 * Returns SVC_ADDR|SVC_PORT for what was found, 0 when unusable. Works on a
 * copy: the caller's text stays intact for messages.
 */
static int parse_service(const char *text, struct ipvs_service *svc)
{
	/* On the stack when it fits: a restore parses one or two per line. */
	char local[256];
	size_t len = strlen(text);
	char *buf = len < sizeof(local) ? memcpy(local, text, len + 1) : strdup(text), *host, *port = NULL;
	int result = 0;
	struct in6_addr a6;
	struct in_addr a4;

	if (!buf || all_digits(buf))
		goto out;
	host = buf;
	if (host[0] == '[') {
		host++;
		port = strchr(host, ']');
		if (!port)
			goto out;
		*port++ = '\0';
		if (*port != ':')
			goto out;
		*port = '\0';
	}
	if (inet_pton(AF_INET6, host, &a6) > 0) {
		memset(&svc->addr, 0, sizeof(svc->addr));
		svc->addr.v6 = a6;
		svc->af = AF_INET6;
		svc->netmask = 128;
	} else {
		port = strrchr(host, ':');
		if (port)
			*port = '\0';
		if (!classic_inet_aton(host, &a4) && !host_to_addr(host, &a4))
			goto out;
		memset(&svc->addr, 0, sizeof(svc->addr));
		svc->addr.v4 = a4;
		svc->af = AF_INET;
	}
	result = SVC_ADDR;
	if (port) {
		long n = number_in(port + 1, 0, 65535);
		if (n < 0)
			n = service_to_port(port + 1, svc->protocol);
		if (n < 0) {
			result = 0;
			goto out;
		}
		svc->port = (uint16_t)n;
		result |= SVC_PORT;
	}
out:
	if (buf != local)
		free(buf);
	return result;
}

/* ---------------------------------------------------------------------
 * The parser proper.
 */
struct parse_state {
	struct scanner sc;
	struct lvsctl_cmd *cmd;
	struct lvsctl_exit *ex;
	const char *prog;
	bool in_restore;
	char sched_flags[128];
};

static char *format_text(const char *fmt, va_list ap)
{
	char small[256];
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	char *s = NULL;
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(small))
		s = strdup(small);
	else if ((s = malloc((size_t)n + 1)))
		vsnprintf(s, (size_t)n + 1, fmt, again);
	va_end(again);
	return s;
}

/* ipvsadm's fail(): message and newline on stderr, exit 2 (or as given). */
static int parse_fail(struct parse_state *ps, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = format_text(fmt, ap);
	va_end(ap);
	free(ps->ex->err);
	ps->ex->err = msg;
	if (msg) {
		size_t n = strlen(msg);
		char *grown = realloc(msg, n + 2);
		if (grown) {
			grown[n] = '\n';
			grown[n + 1] = '\0';
			ps->ex->err = grown;
		}
	}
	ps->ex->status = status;
	return -1;
}

static int parse_try_help(struct parse_state *ps)
{
	parse_fail(ps, 255, "Try `%s -h' or '%s --help' for more information.", ps->prog, ps->prog);
	return -1;
}

static char *usage_text(const char *p)
{
	static const char fmt[] =
		IPVSADM_VERSION_LINE
		"Usage:\n"
		"  %1$s -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]\n"
		"  %1$s -D virtual-service\n"
		"  %1$s -C\n"
		"  %1$s -R\n"
		"  %1$s -S [-n]\n"
		"  %1$s -a|e virtual-service -r server-address [options]\n"
		"  %1$s -d virtual-service -r server-address\n"
		"  %1$s -L|l [virtual-service] [options]\n"
		"  %1$s -Z [virtual-service]\n"
		"  %1$s --set tcp tcpfin udp\n"
		"  %1$s --start-daemon {master|backup} [daemon-options]\n"
		"  %1$s --stop-daemon {master|backup}\n"
		"  %1$s -h\n\n"
		"Commands:\n"
		"Either long or short options are allowed.\n"
		"  --add-service     -A        add virtual service with options\n"
		"  --edit-service    -E        edit virtual service with options\n"
		"  --delete-service  -D        delete virtual service\n"
		"  --clear           -C        clear the whole table\n"
		"  --restore         -R        restore rules from stdin\n"
		"  --save            -S        save rules to stdout\n"
		"  --add-server      -a        add real server with options\n"
		"  --edit-server     -e        edit real server with options\n"
		"  --delete-server   -d        delete real server\n"
		"  --list            -L|-l     list the table\n"
		"  --zero            -Z        zero counters in a service or all services\n"
		"  --set tcp tcpfin udp        set connection timeout values\n"
		"  --start-daemon              start connection sync daemon\n"
		"  --stop-daemon               stop connection sync daemon\n"
		"  --help            -h        display this help message\n\n"
		"virtual-service:\n"
		"  --tcp-service|-t  service-address   service-address is host[:port]\n"
		"  --udp-service|-u  service-address   service-address is host[:port]\n"
		"  --sctp-service    service-address   service-address is host[:port]\n"
		"  --fwmark-service|-f fwmark          fwmark is an integer greater than zero\n"
		"\n"
		"Options:\n"
		"  --ipv6         -6                   fwmark entry uses IPv6\n"
		"  --scheduler    -s scheduler         one of " SCHED_LIST ",\n"
		"                                      the default scheduler is " DEFAULT_SCHED ".\n"
		"  --pe            engine              alternate persistence engine may be " PE_LIST ",\n"
		"                                      not set by default.\n"
		"  --persistent   -p [timeout]         persistent service\n"
		"  --netmask      -M netmask           persistent granularity mask\n"
		"  --real-server  -r server-address    server-address is host (and port)\n"
		"  --gatewaying   -g                   gatewaying (direct routing) (default)\n"
		"  --ipip         -i                   ipip encapsulation (tunneling)\n"
		"  --masquerading -m                   masquerading (NAT)\n"
		"  --tun-type      type                one of ipip|gue|gre,\n"
		"                                      the default tunnel type is ipip.\n"
		"  --tun-port      port                tunnel destination port\n"
		"  --tun-nocsum                        tunnel encapsulation without checksum\n"
		"  --tun-csum                          tunnel encapsulation with checksum\n"
		"  --tun-remcsum                       tunnel encapsulation with remote checksum\n"
		"  --weight       -w weight            capacity of real server\n"
		"  --u-threshold  -x uthreshold        upper threshold of connections\n"
		"  --l-threshold  -y lthreshold        lower threshold of connections\n"
		"  --connection   -c                   output of current IPVS connections\n"
		"  --timeout                           output of timeout (tcp tcpfin udp)\n"
		"  --daemon                            output of daemon information\n"
		"  --stats                             output of statistics information\n"
		"  --rate                              output of rate information\n"
		"  --exact                             expand numbers (display exact values)\n"
		"  --thresholds                        output of thresholds information\n"
		"  --persistent-conn                   output of persistent connection info\n"
		"  --tun-info                          output of tunnel information\n"
		"  --nosort                            disable sorting output of service/server entries\n"
		"  --sort                              does nothing, for backwards compatibility\n"
		"  --ops          -o                   one-packet scheduling\n"
		"  --numeric      -n                   numeric output of addresses and ports\n"
		"  --sched-flags  -b flags             scheduler flags (comma-separated)\n"
		"Daemon Options:\n"
		"  --syncid sid                        syncid for connection sync (default=255)\n"
		"  --sync-maxlen length                Max sync message length (default=1472)\n"
		"  --mcast-interface interface         multicast interface for connection sync\n"
		"  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)\n"
		"  --mcast-port port                   UDP port (default=8848)\n"
		"  --mcast-ttl ttl                     Multicast TTL (default=1)\n";
	size_t n = (sizeof(fmt) + 13 * strlen(p)) * 1;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, fmt, p);
	return s;
}

static int set_command(struct parse_state *ps, enum lvsctl_command c)
{
	if (ps->cmd->cmd != LVS_CMD_NONE)
		return parse_fail(ps, 2, "multiple commands specified");
	ps->cmd->cmd = c;
	return 0;
}

static int set_option(struct parse_state *ps, enum opt_index o)
{
	if (ps->cmd->options & B(o))
		return parse_fail(ps, 2, "multiple '%s' options specified", opt_names[o]);
	ps->cmd->options |= B(o);
	return 0;
}

static int daemon_state(const char *arg)
{
	if (strcmp(arg, "master") == 0)
		return IP_VS_STATE_MASTER;
	if (strcmp(arg, "backup") == 0)
		return IP_VS_STATE_BACKUP;
	return 0;
}

/* The first option must be a command. */
static int parse_command(struct parse_state *ps, int tag)
{
	struct lvsctl_cmd *c = ps->cmd;
	switch (tag) {
	case 'A': return set_command(ps, LVS_CMD_ADD);
	case 'E': return set_command(ps, LVS_CMD_EDIT);
	case 'D': return set_command(ps, LVS_CMD_DEL);
	case 'a': return set_command(ps, LVS_CMD_ADDDEST);
	case 'e': return set_command(ps, LVS_CMD_EDITDEST);
	case 'd': return set_command(ps, LVS_CMD_DELDEST);
	case 'C': return set_command(ps, LVS_CMD_FLUSH);
	case 'L': case 'l': return set_command(ps, LVS_CMD_LIST);
	case 'Z': return set_command(ps, LVS_CMD_ZERO);
	case TAG_SET: return set_command(ps, LVS_CMD_TIMEOUT);
	case 'R': return set_command(ps, LVS_CMD_RESTORE);
	case 'S': return set_command(ps, LVS_CMD_SAVE);
	case TAG_START_DAEMON:
		set_command(ps, LVS_CMD_STARTDAEMON);
		if (!(c->daemon.state = (uint32_t)daemon_state(ps->sc.arg)))
			return parse_fail(ps, 2, "illegal start-daemon parameter specified");
		return 0;
	case TAG_STOP_DAEMON:
		set_command(ps, LVS_CMD_STOPDAEMON);
		if (!(c->daemon.state = (uint32_t)daemon_state(ps->sc.arg)))
			return parse_fail(ps, 2, "illegal start_daemon specified");
		return 0;
	case 'h':
		ps->ex->out = usage_text(ps->prog);
		ps->ex->status = 0;
		return -1;
	case 'v':
		ps->ex->out = strdup(IPVSADM_VERSION_LINE);
		ps->ex->status = 0;
		return -1;
	default:
		return parse_try_help(ps);
	}
}

static int parse_mcast_group(struct parse_state *ps, const char *arg)
{
	struct ipvs_daemon *d = &ps->cmd->daemon;
	memset(&d->mcast_group, 0, sizeof(d->mcast_group));
	if (strchr(arg, ':')) {
		if (inet_pton(AF_INET6, arg, &d->mcast_group.v6) <= 0 ||
		    d->mcast_group.raw[0] != 0xff)
			return parse_fail(ps, 2, "invalid IPv6 mcast-group `%s'", arg);
		d->mcast_af = AF_INET6;
	} else {
		if (inet_pton(AF_INET, arg, &d->mcast_group.v4) <= 0 ||
		    !IN_MULTICAST(ntohl(d->mcast_group.v4.s_addr)))
			return parse_fail(ps, 2, "invalid IPv4 mcast-group `%s'", arg);
		d->mcast_af = AF_INET;
	}
	return 0;
}

static int parse_timeout(struct parse_state *ps, const char *arg, long min, long max, uint32_t *out)
{
	long n;
	if (!arg) {
		*out = DEFAULT_PERSIST_TIMEOUT;
		return 0;
	}
	if ((n = number_in(arg, min, max)) < 0)
		return parse_fail(ps, 2, "invalid timeout value `%s' specified", arg);
	*out = (uint32_t)n;
	return 0;
}

/* A numeric option value in [min, max], or the given message. */
static int parse_number(struct parse_state *ps, enum opt_index o, long min, long max,
			long *out, const char *msg)
{
	if (set_option(ps, o))
		return -1;
	if ((*out = number_in(ps->sc.arg, min, max)) < 0)
		return parse_fail(ps, 2, "%s", msg);
	return 0;
}

static int parse_one_option(struct parse_state *ps, int tag)
{
	struct lvsctl_cmd *c = ps->cmd;
	const char *arg = ps->sc.arg;
	long n;
	int found;

	switch (tag) {
	case 't': case 'u': case TAG_SCTP_SERVICE:
		if (set_option(ps, O_SERVICE))
			return -1;
		c->svc.protocol = tag == 't' ? IPPROTO_TCP : tag == 'u' ? IPPROTO_UDP : IPPROTO_SCTP;
		if (!(parse_service(arg, &c->svc) & SVC_ADDR))
			return parse_fail(ps, 2, "illegal virtual server address[:port] specified");
		return 0;
	case 'f': {
		char *end;
		if (set_option(ps, O_SERVICE))
			return -1;
		c->svc.af = AF_INET;
		c->svc.protocol = IPPROTO_TCP;
		errno = 0;
		long mark = strtol(arg, &end, 10);
		if (*end || end == arg || errno == ERANGE || mark <= 0 || (unsigned long)mark > UINT_MAX)
			return parse_fail(ps, 2, "invalid fwmark value `%s' specified", arg);
		c->svc.fwmark = (uint32_t)mark;
		return 0;
	}
	case 's':
		if (set_option(ps, O_SCHEDULER))
			return -1;
		snprintf(c->svc.sched_name, sizeof(c->svc.sched_name), "%s", arg);
		return 0;
	case 'p':
		if (set_option(ps, O_PERSISTENT))
			return -1;
		c->svc.flags |= IP_VS_SVC_F_PERSISTENT;
		return parse_timeout(ps, arg, 1, MAX_TIMEOUT, &c->svc.timeout);
	case 'M':
		if (set_option(ps, O_NETMASK))
			return -1;
		if (c->svc.af != AF_INET6) {
			struct in_addr mask;
			if (!classic_inet_aton(arg, &mask) && !host_to_addr(arg, &mask))
				return parse_fail(ps, 2, "illegal virtual server persistent mask specified");
			c->svc.netmask = mask.s_addr;
		} else {
			int bits = atoi(arg);
			c->svc.netmask = (uint32_t)bits;
			if (bits < 1 || bits > 128)
				return parse_fail(ps, 2, "illegal ipv6 netmask specified");
		}
		return 0;
	case 'r': {
		if (set_option(ps, O_SERVER))
			return -1;
		struct ipvs_service scratch = c->svc;
		found = parse_service(arg, &scratch);
		c->dest.af = scratch.af;
		c->dest.addr = scratch.addr;
		c->dest.port = scratch.port;
		if (!(found & SVC_ADDR))
			return parse_fail(ps, 2, "illegal real server address[:port] specified");
		if (found == SVC_ADDR)
			c->dest.port = c->svc.port;
		return 0;
	}
	case 'i': case 'g': case 'm':
		if (set_option(ps, O_FORWARD))
			return -1;
		c->dest.conn_flags = tag == 'i' ? IP_VS_CONN_F_TUNNEL :
				     tag == 'g' ? IP_VS_CONN_F_DROUTE : IP_VS_CONN_F_MASQ;
		return 0;
	case 'w':
		if (parse_number(ps, O_WEIGHT, 0, INT_MAX, &n, "illegal weight specified"))
			return -1;
		c->dest.weight = (int32_t)n;
		return 0;
	case 'x':
		if (parse_number(ps, O_UTHRESHOLD, 0, INT_MAX, &n, "illegal u_threshold specified"))
			return -1;
		c->dest.u_threshold = (uint32_t)n;
		return 0;
	case 'y':
		if (parse_number(ps, O_LTHRESHOLD, 0, INT_MAX, &n, "illegal l_threshold specified"))
			return -1;
		c->dest.l_threshold = (uint32_t)n;
		return 0;
	case 'c': return set_option(ps, O_CONNECTION);
	case 'n':
		c->format |= LVS_FMT_NUMERIC;
		return set_option(ps, O_NUMERIC);
	case TAG_MCAST_INTERFACE:
		if (set_option(ps, O_MCAST))
			return -1;
		snprintf(c->daemon.mcast_ifn, sizeof(c->daemon.mcast_ifn), "%s", arg);
		return 0;
	case TAG_SYNCID:
		if (parse_number(ps, O_SYNCID, 0, 255, &n, "illegal syncid specified"))
			return -1;
		c->daemon.syncid = (uint32_t)n;
		return 0;
	case TAG_TIMEOUT: return set_option(ps, O_TIMEOUT);
	case TAG_DAEMON: return set_option(ps, O_DAEMON);
	case TAG_STATS: c->format |= LVS_FMT_STATS; return set_option(ps, O_STATS);
	case TAG_RATE: c->format |= LVS_FMT_RATE; return set_option(ps, O_RATE);
	case TAG_THRESHOLDS: c->format |= LVS_FMT_THRESHOLDS; return set_option(ps, O_THRESHOLDS);
	case TAG_PERSISTENTCONN: c->format |= LVS_FMT_PERSISTENTCONN; return set_option(ps, O_PERSISTENTCONN);
	case TAG_NO_SORT: c->format |= LVS_FMT_NOSORT; return set_option(ps, O_NOSORT);
	case TAG_SORT: return 0;
	case 'X': c->format |= LVS_FMT_EXACT; return set_option(ps, O_EXACT);
	case TAG_JSON: c->format |= LVS_FMT_JSON; return set_option(ps, O_JSON);
	case '6':
		if (!c->svc.fwmark)
			return parse_fail(ps, 2, "-6 used before -f\n");
		c->svc.af = AF_INET6;
		c->svc.netmask = 128;
		return 0;
	case 'o':
		c->svc.flags |= IP_VS_SVC_F_ONEPACKET;
		return set_option(ps, O_ONEPACKET);
	case TAG_PE:
		if (set_option(ps, O_PE))
			return -1;
		snprintf(c->svc.pe_name, sizeof(c->svc.pe_name), "%s", arg);
		return 0;
	case 'b':
		if (set_option(ps, O_SCHED_FLAGS))
			return -1;
		snprintf(ps->sched_flags, sizeof(ps->sched_flags), "%s", arg);
		return 0;
	case TAG_MCAST_GROUP:
		if (set_option(ps, O_MCAST_GROUP))
			return -1;
		return parse_mcast_group(ps, arg);
	case TAG_MCAST_PORT:
		if (parse_number(ps, O_MCAST_PORT, 1, 65535, &n, "illegal mcast-port specified"))
			return -1;
		c->daemon.mcast_port = (uint16_t)n;
		return 0;
	case TAG_MCAST_TTL:
		if (parse_number(ps, O_MCAST_TTL, 1, 255, &n, "illegal mcast-ttl specified"))
			return -1;
		c->daemon.mcast_ttl = (uint8_t)n;
		return 0;
	case TAG_SYNC_MAXLEN:
		if (parse_number(ps, O_SYNC_MAXLEN, 1, 65535 - 20 - 8, &n, "illegal sync-maxlen specified"))
			return -1;
		c->daemon.sync_maxlen = (uint16_t)n;
		return 0;
	case TAG_TUN_INFO: c->format |= LVS_FMT_TUN_INFO; return set_option(ps, O_TUN_INFO);
	case TAG_TUN_TYPE:
		if (set_option(ps, O_TUN_TYPE))
			return -1;
		for (unsigned i = 0; i < sizeof(tun_names) / sizeof(tun_names[0]); i++)
			if (strcmp(arg, tun_names[i]) == 0) {
				c->dest.tun_type = (uint8_t)i;
				return 0;
			}
		return parse_fail(ps, 2, "illegal tunnel type specified");
	case TAG_TUN_PORT:
		if (parse_number(ps, O_TUN_PORT, 1, 65535, &n, "illegal tunnel port specified"))
			return -1;
		c->dest.tun_port = (uint16_t)n;
		return 0;
	case TAG_TUN_NOCSUM:
		c->dest.tun_flags |= IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM;
		return set_option(ps, O_TUN_NOCSUM);
	case TAG_TUN_CSUM:
		c->dest.tun_flags |= IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
		return set_option(ps, O_TUN_CSUM);
	case TAG_TUN_REMCSUM:
		c->dest.tun_flags |= IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
		return set_option(ps, O_TUN_REMCSUM);
	default:
		/* a command or -h/-v after the first option */
		return parse_fail(ps, 2, "invalid option `%s'", scan_bad_word(&ps->sc));
	}
}

static int parse_sched_flags(struct parse_state *ps)
{
	struct ipvs_service *svc = &ps->cmd->svc;
	const char *sched = svc->sched_name[0] ? svc->sched_name : DEFAULT_SCHED;
	uint32_t flags = 0;
	char *save = NULL;
	char *flag = strtok_r(ps->sched_flags, ",", &save);

	if (!flag)
		return parse_fail(ps, 2, "invalid scheduler flag `%s'", "");
	do {
		const char *need = NULL;
		if (strcmp(flag, "flag-1") == 0)
			flags |= IP_VS_SVC_F_SCHED1;
		else if (strcmp(flag, "flag-2") == 0)
			flags |= IP_VS_SVC_F_SCHED2;
		else if (strcmp(flag, "flag-3") == 0)
			flags |= IP_VS_SVC_F_SCHED3;
		else if (strcmp(flag, "sh-fallback") == 0)
			flags |= IP_VS_SVC_F_SCHED_SH_FALLBACK, need = "sh";
		else if (strcmp(flag, "sh-port") == 0)
			flags |= IP_VS_SVC_F_SCHED_SH_PORT, need = "sh";
		else if (strcmp(flag, "mh-fallback") == 0)
			flags |= IP_VS_SVC_F_SCHED_MH_FALLBACK, need = "mh";
		else if (strcmp(flag, "mh-port") == 0)
			flags |= IP_VS_SVC_F_SCHED_MH_PORT, need = "mh";
		else
			return parse_fail(ps, 2, "invalid scheduler flag `%s'", flag);
		if (need && strcmp(sched, need) != 0)
			return parse_fail(ps, 2, "incompatible scheduler flag `%s'", flag);
	} while ((flag = strtok_r(NULL, ",", &save)) != NULL);
	svc->flags = (svc->flags & ~(uint32_t)SCHED_FLAGS_MASK) | flags;
	return 0;
}

static int check_options(struct parse_state *ps)
{
	const struct cmd_rule *r = &cmd_rules[ps->cmd->cmd];
	uint64_t opts = ps->cmd->options;
	int first_exclusive = -1;

	for (int j = 0; j < O_COUNT; j++) {
		if (!(opts & B(j))) {
			if (r->required & B(j))
				return parse_fail(ps, 2, "You need to supply the '%s' option for the '%s' command",
						  opt_names[j], r->name);
			continue;
		}
		if (r->one_of & B(j)) {
			if (first_exclusive < 0) {
				first_exclusive = j;
				continue;
			}
			return parse_fail(ps, 2, "The option '%s' conflicts with the '%s' option in the '%s' command",
					  opt_names[j], opt_names[first_exclusive], r->name);
		}
		if (!((r->required | r->allowed) & B(j)))
			return parse_fail(ps, 2, "Illegal '%s' option with the '%s' command",
					  opt_names[j], r->name);
	}
	return 0;
}

static int check_tunnel_options(struct parse_state *ps)
{
	unsigned type = ps->cmd->dest.tun_type;
	uint64_t opts = ps->cmd->options;
	int first_exclusive = -1;

	if (type >= sizeof(tun_rules) / sizeof(tun_rules[0]))
		return 0;
	for (unsigned i = 0; i < sizeof(tun_opts) / sizeof(tun_opts[0]); i++) {
		int k = tun_opts[i];
		if (!(opts & B(k))) {
			if (tun_rules[type].required & B(k))
				return parse_fail(ps, 2, "You need to supply the '%s' option for the '%s' tunnel type",
						  opt_names[k], tun_names[type]);
			continue;
		}
		if (tun_rules[type].one_of & B(k)) {
			if (first_exclusive < 0) {
				first_exclusive = k;
				continue;
			}
			return parse_fail(ps, 2, "The option '%s' conflicts with the '%s' option in the '%s' tunnel type",
					  opt_names[k], opt_names[first_exclusive], tun_names[type]);
		}
		if (!((tun_rules[type].required | tun_rules[type].allowed) & B(k)))
			return parse_fail(ps, 2, "Illegal '%s' option with the '%s' tunnel type",
					  opt_names[k], tun_names[type]);
	}
	return 0;
}

/* The checks ipvsadm makes after parsing, before touching the kernel. */
static int check_command(struct parse_state *ps)
{
	struct lvsctl_cmd *c = ps->cmd;
	uint64_t o = c->options;

	if (check_options(ps))
		return -1;
	if (c->cmd == LVS_CMD_ADD || c->cmd == LVS_CMD_EDIT) {
		if (!c->svc.fwmark && !c->svc.port && !(c->svc.flags & IP_VS_SVC_F_PERSISTENT))
			return parse_fail(ps, 2, "Zero port specified for non-persistent service");
		if ((c->svc.flags & IP_VS_SVC_F_ONEPACKET) && !c->svc.fwmark &&
		    c->svc.protocol != IPPROTO_UDP)
			return parse_fail(ps, 2, "One-Packet Scheduling is only for UDP virtual services");
		if (!c->svc.sched_name[0])
			strcpy(c->svc.sched_name, DEFAULT_SCHED);
	}
	if (c->cmd == LVS_CMD_STARTDAEMON && !c->daemon.mcast_ifn[0])
		strcpy(c->daemon.mcast_ifn, DEFAULT_MCAST_IFN);
	if (c->cmd == LVS_CMD_ADDDEST || c->cmd == LVS_CMD_EDITDEST) {
		uint32_t fwd = c->dest.conn_flags & IP_VS_CONN_F_FWD_MASK;
		if (!c->svc.fwmark && (fwd == IP_VS_CONN_F_TUNNEL || fwd == IP_VS_CONN_F_DROUTE))
			c->dest.port = c->svc.port;
		if (c->dest.af != c->svc.af && fwd != IP_VS_CONN_F_TUNNEL)
			return parse_fail(ps, 2, "Different address family is allowed only for tunneling servers");
		if ((o & (B(O_TUN_TYPE) | B(O_TUN_PORT) | B(O_TUN_NOCSUM) | B(O_TUN_CSUM) | B(O_TUN_REMCSUM))) &&
		    fwd != IP_VS_CONN_F_TUNNEL)
			return parse_fail(ps, 2, "Tunnel options conflict with forward method");
		if (check_tunnel_options(ps))
			return -1;
	}
	if (c->cmd == LVS_CMD_LIST &&
	    (((o & (B(O_CONNECTION) | B(O_TIMEOUT) | B(O_DAEMON))) &&
	      (o & (B(O_STATS) | B(O_RATE) | B(O_THRESHOLDS)))) ||
	     ((o & (B(O_TIMEOUT) | B(O_DAEMON))) && (o & B(O_PERSISTENTCONN)))))
		return parse_fail(ps, 2, "options conflicts in the list command");
	if (c->cmd == LVS_CMD_RESTORE && ps->in_restore)
		return parse_try_help(ps);
	return 0;
}

static int parse_all(struct parse_state *ps)
{
	struct scanner *sc = &ps->sc;
	struct lvsctl_cmd *c = ps->cmd;
	int tag;

	tag = scan_next(sc);
	if (tag < 0)
		return parse_try_help(ps);
	if (parse_command(ps, tag))
		return -1;
	while ((tag = scan_next(sc)) >= 0)
		if (parse_one_option(ps, tag))
			return -1;
	if (tag < SCAN_END) {
		/* ipvsadm returns here instead of exiting: -R goes on */
		ps->ex->soft = true;
		return parse_fail(ps, 255, "%s: %s", scan_bad_word(sc), scan_error_text(tag));
	}

	if (c->cmd == LVS_CMD_TIMEOUT) {
		const char *t[3];
		uint32_t *dst[3] = { &c->timeouts.tcp, &c->timeouts.tcp_fin, &c->timeouts.udp };
		if (!(t[0] = scan_plain(sc)) || !(t[1] = scan_plain(sc)) || !(t[2] = scan_plain(sc)))
			return parse_fail(ps, 2, "--set option requires 3 timeout values");
		for (int i = 0; i < 3; i++)
			if (parse_timeout(ps, t[i], 0, MAX_TIMEOUT, dst[i]))
				return -1;
	}
	const char *extra = scan_plain(sc);
	if (extra)
		return parse_fail(ps, 2, "unexpected argument %s", extra);
	if (ps->sched_flags[0] && parse_sched_flags(ps))
		return -1;
	return check_command(ps);
}

int lvsctl_parse(int argc, char **argv, bool in_restore,
		 struct lvsctl_cmd *cmd, struct lvsctl_exit *ex)
{
	struct parse_state ps = { .cmd = cmd, .ex = ex, .in_restore = in_restore };

	memset(cmd, 0, sizeof(*cmd));
	memset(ex, 0, sizeof(*ex));
	cmd->dest.weight = 1;
	cmd->dest.conn_flags = IP_VS_CONN_F_DROUTE;
	cmd->svc.netmask = 0xffffffffu;
	ps.prog = argc > 0 && argv[0] ? argv[0] : "ipvsadm";

	ps.sc.argc = argc;
	ps.sc.argv = argv;
	ps.sc.next = argc > 0 ? 1 : 0;
	/* Restore lines are short: their words need no heap. */
	unsigned char taken_local[64];
	char *plain_local[64];
	bool local = argc >= 0 && argc < 64;
	if (local) {
		memset(taken_local, 0, sizeof(taken_local));
		memset(plain_local, 0, sizeof(plain_local));
		ps.sc.taken = taken_local;
		ps.sc.plain = plain_local;
	} else {
		ps.sc.taken = calloc((size_t)argc + 1, 1);
		ps.sc.plain = calloc((size_t)argc + 1, sizeof(char *));
	}
	int rc;
	if (!ps.sc.taken || !ps.sc.plain) {
		parse_fail(&ps, 1, "out of memory");
		rc = 0;
	} else {
		rc = parse_all(&ps) == 0;
	}
	if (!local) {
		free(ps.sc.taken);
		free(ps.sc.plain);
	}
	free(ps.sc.arg);
	return rc;
}

void lvsctl_exit_free(struct lvsctl_exit *ex)
{
	free(ex->out);
	free(ex->err);
	ex->out = ex->err = NULL;
}

/* ---------------------------------------------------------------------
 * Kernel errors, worded per call the way libipvs words them.
 */
enum ipvs_call {
	CALL_OTHER, CALL_ADD_SVC, CALL_EDIT_SVC, CALL_DEL_SVC, CALL_ZERO,
	CALL_ADD_DEST, CALL_EDIT_DEST, CALL_DEL_DEST, CALL_START_DAEMON,
	CALL_STOP_DAEMON, CALL_GET_DESTS, CALL_GET_SERVICE,
};

static const struct {
	enum ipvs_call call;
	int err;
	const char *text;
} error_texts[] = {
	{ CALL_ADD_SVC, EEXIST, "Service already exists" },
	{ CALL_ADD_SVC, ENOENT, "Scheduler or persistence engine not found" },
	{ CALL_EDIT_SVC, ESRCH, "No such service" },
	{ CALL_EDIT_SVC, ENOENT, "Scheduler or persistence engine not found" },
	{ CALL_DEL_SVC, ESRCH, "No such service" },
	{ CALL_ZERO, ESRCH, "No such service" },
	{ CALL_ADD_DEST, ESRCH, "Service not defined" },
	{ CALL_ADD_DEST, EEXIST, "Destination already exists" },
	{ CALL_EDIT_DEST, ESRCH, "Service not defined" },
	{ CALL_EDIT_DEST, ENOENT, "No such destination" },
	{ CALL_DEL_DEST, ESRCH, "Service not defined" },
	{ CALL_DEL_DEST, ENOENT, "No such destination" },
	{ CALL_START_DAEMON, EEXIST, "Daemon has already run" },
	{ CALL_STOP_DAEMON, ESRCH, "No daemon is running" },
	{ CALL_GET_DESTS, ESRCH, "No such service" },
	{ CALL_GET_SERVICE, ESRCH, "No such service" },
	{ CALL_OTHER, EPERM, "Permission denied (you must be root)" },
	{ CALL_OTHER, EINVAL, "Invalid operation.  Possibly wrong module version, address not unicast, ..." },
	{ CALL_OTHER, ENOPROTOOPT, "Protocol not available" },
	{ CALL_OTHER, ENOMEM, "Memory allocation problem" },
	{ CALL_OTHER, EOPNOTSUPP, "Operation not supported with IPv6" },
	{ CALL_OTHER, EAFNOSUPPORT, "Operation not supported with specified address family" },
	{ CALL_OTHER, EMSGSIZE, "Module is wrong version" },
};

/* ipvsadm prints strerror() for errors it has no words of its own for, and
 * the users' ipvsadm runs on glibc: its wording where the C library we are
 * built with words it differently (musl says "Result not representable"
 * where glibc says "Numerical result out of range"). */
static const struct {
	int err;
	const char *text;
} glibc_texts[] = {
#ifdef EIO
	{ EIO, "Input/output error" },
#endif
#ifdef ECHILD
	{ ECHILD, "No child processes" },
#endif
#ifdef ENOMEM
	{ ENOMEM, "Cannot allocate memory" },
#endif
#ifdef EBUSY
	{ EBUSY, "Device or resource busy" },
#endif
#ifdef EXDEV
	{ EXDEV, "Invalid cross-device link" },
#endif
#ifdef EMFILE
	{ EMFILE, "Too many open files" },
#endif
#ifdef ENOTTY
	{ ENOTTY, "Inappropriate ioctl for device" },
#endif
#ifdef ESPIPE
	{ ESPIPE, "Illegal seek" },
#endif
#ifdef EDOM
	{ EDOM, "Numerical argument out of domain" },
#endif
#ifdef ERANGE
	{ ERANGE, "Numerical result out of range" },
#endif
#ifdef EDEADLOCK
	{ EDEADLOCK, "Resource deadlock avoided" },
#endif
#ifdef ENAMETOOLONG
	{ ENAMETOOLONG, "File name too long" },
#endif
#ifdef ELOOP
	{ ELOOP, "Too many levels of symbolic links" },
#endif
#ifdef ECHRNG
	{ ECHRNG, "Channel number out of range" },
#endif
#ifdef EL2NSYNC
	{ EL2NSYNC, "Level 2 not synchronized" },
#endif
#ifdef EL3HLT
	{ EL3HLT, "Level 3 halted" },
#endif
#ifdef EL3RST
	{ EL3RST, "Level 3 reset" },
#endif
#ifdef ELNRNG
	{ ELNRNG, "Link number out of range" },
#endif
#ifdef EUNATCH
	{ EUNATCH, "Protocol driver not attached" },
#endif
#ifdef ENOCSI
	{ ENOCSI, "No CSI structure available" },
#endif
#ifdef EL2HLT
	{ EL2HLT, "Level 2 halted" },
#endif
#ifdef EBADE
	{ EBADE, "Invalid exchange" },
#endif
#ifdef EBADR
	{ EBADR, "Invalid request descriptor" },
#endif
#ifdef EXFULL
	{ EXFULL, "Exchange full" },
#endif
#ifdef ENOANO
	{ ENOANO, "No anode" },
#endif
#ifdef EBADRQC
	{ EBADRQC, "Invalid request code" },
#endif
#ifdef EBADSLT
	{ EBADSLT, "Invalid slot" },
#endif
#ifdef EBFONT
	{ EBFONT, "Bad font file format" },
#endif
#ifdef ETIME
	{ ETIME, "Timer expired" },
#endif
#ifdef ENONET
	{ ENONET, "Machine is not on the network" },
#endif
#ifdef ENOPKG
	{ ENOPKG, "Package not installed" },
#endif
#ifdef EREMOTE
	{ EREMOTE, "Object is remote" },
#endif
#ifdef EADV
	{ EADV, "Advertise error" },
#endif
#ifdef ESRMNT
	{ ESRMNT, "Srmount error" },
#endif
#ifdef ECOMM
	{ ECOMM, "Communication error on send" },
#endif
#ifdef EDOTDOT
	{ EDOTDOT, "RFS specific error" },
#endif
#ifdef EOVERFLOW
	{ EOVERFLOW, "Value too large for defined data type" },
#endif
#ifdef ENOTUNIQ
	{ ENOTUNIQ, "Name not unique on network" },
#endif
#ifdef EREMCHG
	{ EREMCHG, "Remote address changed" },
#endif
#ifdef ELIBACC
	{ ELIBACC, "Can not access a needed shared library" },
#endif
#ifdef ELIBBAD
	{ ELIBBAD, "Accessing a corrupted shared library" },
#endif
#ifdef ELIBSCN
	{ ELIBSCN, ".lib section in a.out corrupted" },
#endif
#ifdef ELIBMAX
	{ ELIBMAX, "Attempting to link in too many shared libraries" },
#endif
#ifdef ELIBEXEC
	{ ELIBEXEC, "Cannot exec a shared library directly" },
#endif
#ifdef EILSEQ
	{ EILSEQ, "Invalid or incomplete multibyte or wide character" },
#endif
#ifdef ERESTART
	{ ERESTART, "Interrupted system call should be restarted" },
#endif
#ifdef ESTRPIPE
	{ ESTRPIPE, "Streams pipe error" },
#endif
#ifdef EUSERS
	{ EUSERS, "Too many users" },
#endif
#ifdef ENOTSOCK
	{ ENOTSOCK, "Socket operation on non-socket" },
#endif
#ifdef EMSGSIZE
	{ EMSGSIZE, "Message too long" },
#endif
#ifdef ENOTSUP
	{ ENOTSUP, "Operation not supported" },
#endif
#ifdef EADDRINUSE
	{ EADDRINUSE, "Address already in use" },
#endif
#ifdef EADDRNOTAVAIL
	{ EADDRNOTAVAIL, "Cannot assign requested address" },
#endif
#ifdef ENETUNREACH
	{ ENETUNREACH, "Network is unreachable" },
#endif
#ifdef ENETRESET
	{ ENETRESET, "Network dropped connection on reset" },
#endif
#ifdef ECONNABORTED
	{ ECONNABORTED, "Software caused connection abort" },
#endif
#ifdef EISCONN
	{ EISCONN, "Transport endpoint is already connected" },
#endif
#ifdef ENOTCONN
	{ ENOTCONN, "Transport endpoint is not connected" },
#endif
#ifdef ESHUTDOWN
	{ ESHUTDOWN, "Cannot send after transport endpoint shutdown" },
#endif
#ifdef ETOOMANYREFS
	{ ETOOMANYREFS, "Too many references: cannot splice" },
#endif
#ifdef ETIMEDOUT
	{ ETIMEDOUT, "Connection timed out" },
#endif
#ifdef EHOSTUNREACH
	{ EHOSTUNREACH, "No route to host" },
#endif
#ifdef EINPROGRESS
	{ EINPROGRESS, "Operation now in progress" },
#endif
#ifdef EUCLEAN
	{ EUCLEAN, "Structure needs cleaning" },
#endif
#ifdef ENOTNAM
	{ ENOTNAM, "Not a XENIX named type file" },
#endif
#ifdef ENAVAIL
	{ ENAVAIL, "No XENIX semaphores available" },
#endif
#ifdef EISNAM
	{ EISNAM, "Is a named type file" },
#endif
#ifdef EDQUOT
	{ EDQUOT, "Disk quota exceeded" },
#endif
#ifdef EOWNERDEAD
	{ EOWNERDEAD, "Owner died" },
#endif
#ifdef ERFKILL
	{ ERFKILL, "Operation not possible due to RF-kill" },
#endif
};

static const char *glibc_strerror(int err)
{
	for (size_t i = 0; i < sizeof(glibc_texts) / sizeof(glibc_texts[0]); i++)
		if (glibc_texts[i].err == err)
			return glibc_texts[i].text;
	return strerror(err);
}

/* err is positive (errno). */
static const char *ipvs_error_text(enum ipvs_call call, int err)
{
	for (size_t i = 0; i < sizeof(error_texts) / sizeof(error_texts[0]); i++)
		if ((error_texts[i].call == CALL_OTHER || error_texts[i].call == call) &&
		    error_texts[i].err == err)
			return error_texts[i].text;
	return glibc_strerror(err);
}

/* ---------------------------------------------------------------------
 * Addresses and names as ipvsadm prints them.
 */

/* IPv6 text as glibc writes it (longest zero run, first on ties, "::a.b.c.d"
 * for mapped and compatible addresses), independent of the C library. */
static void format_ipv6(const uint8_t *a, char *out, size_t size)
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

/*
 * Text building without printf, for the lines a listing prints once per
 * service and real server: with tens of thousands of them, parsing format
 * strings is a good part of what a listing costs.
 */
struct text {
	char *p, *end;          /* next byte to write; end of the buffer */
};

/* Appends as much of s as fits, keeping room for the terminating NUL. */
static void text_add(struct text *t, const char *s)
{
	while (*s && t->p < t->end - 1)
		*t->p++ = *s++;
	*t->p = '\0';
}

/* As printf's %-Ns: s, then spaces up to width. */
static void text_add_padded(struct text *t, const char *s, int width)
{
	char *start = t->p;
	text_add(t, s);
	while (t->p - start < width && t->p < t->end - 1)
		*t->p++ = ' ';
	*t->p = '\0';
}

/* As printf's %-Nu, or %-Nd when negative is set (value is then -value). */
static void text_add_number(struct text *t, unsigned long long value, bool negative, int width)
{
	char digits[24], *d = digits + sizeof(digits);
	*--d = '\0';
	do
		*--d = (char)('0' + value % 10);
	while ((value /= 10) != 0);
	if (negative)
		*--d = '-';
	text_add_padded(t, d, width);
}

static void text_add_int(struct text *t, int value, int width)
{
	long long v = value;
	text_add_number(t, (unsigned long long)(v < 0 ? -v : v), v < 0, width);
}

static void format_addr(int af, const union ipvs_addr *a, char *out, size_t size)
{
	if (af == AF_INET6) {
		format_ipv6(a->raw, out, size);
	} else {
		struct text t = { out, out + size };
		for (int i = 0; i < 4; i++) {
			if (i)
				text_add(&t, ".");
			text_add_number(&t, a->raw[i], false, 0);
		}
	}
}

static const char *proto_lower(uint16_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" :
	       proto == IPPROTO_SCTP ? "sctp" : NULL;
}

/* ipvsadm's addrport_to_anyname: at most 59 characters. */
static void addrport_name(int af, const union ipvs_addr *a, uint16_t port, uint16_t proto,
			  unsigned format, char out[60])
{
	const char *open = af == AF_INET ? "" : "[", *close = af == AF_INET ? "" : "]";
	char addr[64], portbuf[12];
	const char *host = NULL, *service = NULL;

	if (!(format & LVS_FMT_NUMERIC)) {
		struct hostent *h = gethostbyaddr(a->raw, af == AF_INET ? 4 : 16, af);
		struct servent *se;
		const char *pname = proto_lower(proto);
		if (h)
			host = h->h_name;
		if (pname && (se = getservbyport(htons(port), pname)))
			service = se->s_name;
	}
	if (!host) {
		format_addr(af, a, addr, sizeof(addr));
		host = addr;
	}
	if (!service) {
		struct text pt = { portbuf, portbuf + sizeof(portbuf) };
		text_add_number(&pt, port, false, 0);
		service = portbuf;
	}
	/* At most 59 characters, as ipvsadm cuts it. */
	struct text t = { out, out + 60 };
	text_add(&t, open);
	text_add(&t, host);
	text_add(&t, close);
	text_add(&t, ":");
	text_add(&t, service);
}

/* ---------------------------------------------------------------------
 * Collecting and sorting the table.
 */
struct svc_vec {
	struct ipvs_service *v;
	size_t n, cap;
};

struct dest_vec {
	struct ipvs_dest *v;
	size_t n, cap;
};

static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *nv = realloc(*v, ncap * elem);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int collect_service(const struct ipvs_service *s, void *arg)
{
	struct svc_vec *sv = arg;
	if (grow((void **)&sv->v, &sv->cap, sv->n, sizeof(*s)))
		return -ENOMEM;
	sv->v[sv->n++] = *s;
	return 0;
}

static int collect_dest(const struct ipvs_dest *d, void *arg)
{
	struct dest_vec *dv = arg;
	if (grow((void **)&dv->v, &dv->cap, dv->n, sizeof(*d)))
		return -ENOMEM;
	dv->v[dv->n++] = *d;
	return 0;
}

/*
 * ipvsadm sorts with qsort and comparators that subtract unsigned values
 * into an int, so e.g. 200.0.0.1 sorts before 10.0.0.1. To list in the very
 * same order we keep the arithmetic, and sort the way glibc's qsort does
 * (top-down merge sort, left half n/2, ties keep the left element), which
 * matters because such a comparison is not a consistent order.
 */
typedef int (*cmp_fn)(const void *a, const void *b);

static void merge_sort(const void **v, const void **tmp, size_t n, cmp_fn cmp)
{
	if (n <= 1)
		return;
	size_t n1 = n / 2, n2 = n - n1, i = 0, j = 0, k = 0;
	const void **left = v, **right = v + n1;
	merge_sort(left, tmp, n1, cmp);
	merge_sort(right, tmp, n2, cmp);
	while (i < n1 && j < n2)
		tmp[k++] = cmp(left[i], right[j]) <= 0 ? left[i++] : right[j++];
	while (i < n1)
		tmp[k++] = left[i++];
	memcpy(v, tmp, k * sizeof(*v));
}

static int wrapped_diff(uint32_t a, uint32_t b)
{
	return (int)(int32_t)(a - b);
}

static int addr_diff(int af, const union ipvs_addr *a, const union ipvs_addr *b)
{
	int r = 0;
	for (int i = 0; i < (af == AF_INET6 ? 4 : 1) && !r; i++) {
		uint32_t x, y;
		memcpy(&x, a->raw + 4 * i, 4);
		memcpy(&y, b->raw + 4 * i, 4);
		r = wrapped_diff(ntohl(x), ntohl(y));
	}
	return r;
}

static int cmp_services(const void *pa, const void *pb)
{
	const struct ipvs_service *a = pa, *b = pb;
	int r;
	if ((r = wrapped_diff(a->fwmark, b->fwmark)))
		return r;
	if ((r = (int)a->af - (int)b->af))
		return r;
	if ((r = (int)a->protocol - (int)b->protocol))
		return r;
	if ((r = addr_diff(a->af, &a->addr, &b->addr)))
		return r;
	return (int)a->port - (int)b->port;
}

static int cmp_dests(const void *pa, const void *pb)
{
	const struct ipvs_dest *a = pa, *b = pb;
	int r = addr_diff(a->af, &a->addr, &b->addr);
	return r ? r : (int)a->port - (int)b->port;
}

/* Pointers to the elements, sorted unless --nosort. */
static const void **ordered(const void *base, size_t n, size_t elem, bool sort, cmp_fn cmp)
{
	const void **v = malloc((n + 1) * sizeof(*v)), **tmp;
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = (const char *)base + i * elem;
	if (sort && n > 1 && (tmp = malloc(n * sizeof(*tmp)))) {
		merge_sort(v, tmp, n, cmp);
		free(tmp);
	}
	return v;
}

/* ---------------------------------------------------------------------
 * Text output, ipvsadm's formats.
 */
static void print_largenum(uint64_t i, unsigned format)
{
	if (format & LVS_FMT_EXACT) {
		char tmp[32];
		int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)i);
		printf("%*llu", len <= 8 ? 9 : len + 1, (unsigned long long)i);
	} else if (i < 100000000ULL) {
		printf("%9llu", (unsigned long long)i);
	} else if (i < 1000000000ULL) {
		printf("%8lluK", (unsigned long long)(i / 1000));
	} else if (i < 100000000000ULL) {
		printf("%8lluM", (unsigned long long)(i / 1000000));
	} else if (i < 100000000000000ULL) {
		printf("%8lluG", (unsigned long long)(i / 1000000000ULL));
	} else {
		printf("%8lluT", (unsigned long long)(i / 1000000000000ULL));
	}
}

static void sched_flags_text(const struct ipvs_service *s, char *out, size_t size)
{
	out[0] = '\0';
	if (strcmp(s->sched_name, "sh") == 0) {
		if (s->flags & IP_VS_SVC_F_SCHED_SH_FALLBACK) strncat(out, "sh-fallback,", size - strlen(out) - 1);
		if (s->flags & IP_VS_SVC_F_SCHED_SH_PORT) strncat(out, "sh-port,", size - strlen(out) - 1);
	} else if (strcmp(s->sched_name, "mh") == 0) {
		if (s->flags & IP_VS_SVC_F_SCHED_MH_FALLBACK) strncat(out, "mh-fallback,", size - strlen(out) - 1);
		if (s->flags & IP_VS_SVC_F_SCHED_MH_PORT) strncat(out, "mh-port,", size - strlen(out) - 1);
	} else {
		if (s->flags & IP_VS_SVC_F_SCHED1) strncat(out, "flag-1,", size - strlen(out) - 1);
		if (s->flags & IP_VS_SVC_F_SCHED2) strncat(out, "flag-2,", size - strlen(out) - 1);
		if (s->flags & IP_VS_SVC_F_SCHED3) strncat(out, "flag-3,", size - strlen(out) - 1);
	}
	size_t n = strlen(out);
	if (n)
		out[n - 1] = '\0';
}

static void print_title(unsigned format)
{
	if (format & LVS_FMT_STATS)
		printf("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
	else if (format & LVS_FMT_RATE)
		printf("%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
	else if (format & LVS_FMT_THRESHOLDS)
		printf("%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
	else if (format & LVS_FMT_PERSISTENTCONN)
		printf("%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
		       "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn");
	else if (format & LVS_FMT_TUN_INFO)
		printf("Prot LocalAddress:Port Scheduler Flags\n"
		       "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
	else if (!(format & LVS_FMT_RULE))
		printf("Prot LocalAddress:Port Scheduler Flags\n"
		       "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

/* The printf of a NULL string in glibc, which ipvsadm relies on for
 * forwarding methods it has no name for. */
static const char *or_null(const char *s)
{
	return s ? s : "(null)";
}

static const char *fwd_name(uint32_t flags)
{
	switch (flags & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ: return "Masq";
	case IP_VS_CONN_F_LOCALNODE: return "Local";
	case IP_VS_CONN_F_TUNNEL: return "Tunnel";
	case IP_VS_CONN_F_DROUTE: return "Route";
	default: return NULL;
	}
}

static const char *fwd_switch(uint32_t flags)
{
	switch (flags & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ: return "-m";
	case IP_VS_CONN_F_TUNNEL: return "-i";
	case IP_VS_CONN_F_LOCALNODE: case IP_VS_CONN_F_DROUTE: return "-g";
	default: return NULL;
	}
}

static const char *tun_flag_short(uint16_t f)
{
	static const char *const s[] = { "-c", "+c", "r+c" };
	return f < 3 ? s[f] : "?";
}

static const char *tun_flag_option(uint16_t f)
{
	static const char *const s[] = { "--tun-nocsum", "--tun-csum", "--tun-remcsum" };
	return f < 3 ? s[f] : "?";
}

/* The kernel's 64-bit destination counters, read the way libipvs reads them:
 * only bytes keep 64 bits, the rest are cut to 32. */
static struct ipvs_stats dest_stats(const struct ipvs_dest *d)
{
	struct ipvs_stats s = d->stats;
	s.conns = (uint32_t)s.conns;
	s.inpkts = (uint32_t)s.inpkts;
	s.outpkts = (uint32_t)s.outpkts;
	s.cps = (uint32_t)s.cps;
	s.inpps = (uint32_t)s.inpps;
	s.outpps = (uint32_t)s.outpps;
	s.inbps = (uint32_t)s.inbps;
	s.outbps = (uint32_t)s.outbps;
	return s;
}

static void print_five(const uint64_t v[5], unsigned format)
{
	for (int i = 0; i < 5; i++)
		print_largenum(v[i], format);
}

static void print_dest_line(const struct ipvs_service *se, const struct ipvs_dest *e,
			    const char *svc_name, unsigned format)
{
	char dname[60];
	uint32_t fwd = e->conn_flags & IP_VS_CONN_F_FWD_MASK;
	struct ipvs_stats st = dest_stats(e);

	addrport_name(e->af, &e->addr, e->port, se->protocol, format, dname);
	if (!(format & LVS_FMT_RULE) && e->af != AF_INET6)
		dname[28] = '\0';

	if (format & LVS_FMT_RULE) {
		printf("-a %s -r %s %s -w %d", svc_name, dname, or_null(fwd_switch(e->conn_flags)), e->weight);
		if (fwd == IP_VS_CONN_F_TUNNEL) {
			if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GRE)
				printf(" --tun-type gre %s", tun_flag_option(e->tun_flags));
			else if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE)
				printf(" --tun-type gue --tun-port %d %s", e->tun_port, tun_flag_option(e->tun_flags));
			else if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_IPIP)
				printf(" --tun-type ipip");
		}
		putchar('\n');
	} else if (format & LVS_FMT_STATS) {
		uint64_t v[5] = { st.conns, st.inpkts, st.outpkts, st.inbytes, st.outbytes };
		printf("  -> %-28s", dname);
		print_five(v, format);
		putchar('\n');
	} else if (format & LVS_FMT_RATE) {
		printf("  -> %-28s %8llu %8llu %8llu", dname, (unsigned long long)st.cps,
		       (unsigned long long)st.inpps, (unsigned long long)st.outpps);
		print_largenum(st.inbps, format);
		print_largenum(st.outbps, format);
		putchar('\n');
	} else if (format & LVS_FMT_THRESHOLDS) {
		printf("  -> %-28s %-10u %-10u %-10u %-10u\n", dname, e->u_threshold, e->l_threshold,
		       e->activeconns, e->inactconns);
	} else if (format & LVS_FMT_PERSISTENTCONN) {
		printf("  -> %-28s %-9u %-11u %-10u %-10u\n", dname, (unsigned)e->weight, e->persistconns,
		       e->activeconns, e->inactconns);
	} else if (format & LVS_FMT_TUN_INFO) {
		char info[16];
		const char *ti = "n/a";
		if (fwd == IP_VS_CONN_F_TUNNEL) {
			if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_IPIP)
				ti = "ipip";
			else if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE)
				snprintf(info, sizeof(info), "gue:%d:%s", e->tun_port, tun_flag_short(e->tun_flags)), ti = info;
			else if (e->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GRE)
				snprintf(info, sizeof(info), "gre:%s", tun_flag_short(e->tun_flags)), ti = info;
		}
		printf("  -> %-28s %-7s %-13s %-6d %-10u %-10u\n", dname, or_null(fwd_name(e->conn_flags)),
		       ti, e->weight, e->activeconns, e->inactconns);
	} else {
		/* printf("  -> %-28s %-7s %-6d %-10u %-10u\n"), the common case */
		char line[256];
		struct text t = { line, line + sizeof(line) };
		text_add(&t, "  -> ");
		text_add_padded(&t, dname, 28);
		text_add(&t, " ");
		text_add_padded(&t, or_null(fwd_name(e->conn_flags)), 7);
		text_add(&t, " ");
		text_add_int(&t, e->weight, 6);
		text_add(&t, " ");
		text_add_number(&t, e->activeconns, false, 10);
		text_add(&t, " ");
		text_add_number(&t, e->inactconns, false, 10);
		text_add(&t, "\n");
		fputs(line, stdout);
	}
}

static void print_service_head(const struct ipvs_service *se, unsigned format, char svc_name[1024])
{
	if (se->fwmark) {
		if (format & LVS_FMT_RULE)
			snprintf(svc_name, 1024, se->af == AF_INET6 ? "-f %d -6" : "-f %d", (int)se->fwmark);
		else
			snprintf(svc_name, 1024, se->af == AF_INET6 ? "FWM  %d IPv6" : "FWM  %d", (int)se->fwmark);
	} else {
		char vname[60];
		addrport_name(se->af, &se->addr, se->port, se->protocol, format, vname);
		if (format & LVS_FMT_RULE) {
			const char *stype = se->protocol == IPPROTO_TCP ? "-t" : se->protocol == IPPROTO_UDP ? "-u" :
					    se->protocol == IPPROTO_SCTP ? "--sctp-service" : "--xxx-service";
			snprintf(svc_name, 1024, "%s %s", stype, vname);
		} else {
			const char *stype = se->protocol == IPPROTO_TCP ? "TCP" : se->protocol == IPPROTO_UDP ? "UDP" :
					    se->protocol == IPPROTO_SCTP ? "SCTP" : "?";
			struct text t = { svc_name, svc_name + 1024 };
			text_add_padded(&t, stype, 4);
			text_add(&t, " ");
			text_add(&t, vname);
			if (se->af != AF_INET6)
				svc_name[33] = '\0';
		}
	}

	char flags[64];
	sched_flags_text(se, flags, sizeof(flags));
	bool has_sched_flags = se->flags & SCHED_FLAGS_MASK;
	struct in_addr mask = { .s_addr = se->netmask };

	if (format & LVS_FMT_RULE) {
		printf("-A %s -s %s", svc_name, se->sched_name);
		if (se->flags & IP_VS_SVC_F_PERSISTENT) {
			printf(" -p %u", se->timeout);
			if (se->af == AF_INET && se->netmask != 0xffffffffu)
				printf(" -M %s", inet_ntoa(mask));
			if (se->af == AF_INET6 && se->netmask != 128)
				printf(" -M %i", (int)se->netmask);
		}
		if (se->pe_name[0])
			printf(" --pe %s", se->pe_name);
		if (se->flags & IP_VS_SVC_F_ONEPACKET)
			printf(" -o");
		if (has_sched_flags)
			printf(" -b %s", flags);
	} else if (format & LVS_FMT_STATS) {
		uint64_t v[5] = { se->stats.conns, se->stats.inpkts, se->stats.outpkts, se->stats.inbytes, se->stats.outbytes };
		printf("%-33s", svc_name);
		print_five(v, format);
	} else if (format & LVS_FMT_RATE) {
		uint64_t v[5] = { se->stats.cps, se->stats.inpps, se->stats.outpps, se->stats.inbps, se->stats.outbps };
		printf("%-33s", svc_name);
		print_five(v, format);
	} else {
		fputs(svc_name, stdout);
		putchar(' ');
		fputs(se->sched_name, stdout);
		if (has_sched_flags)
			printf(" (%s)", flags);
		if (se->flags & IP_VS_SVC_F_PERSISTENT) {
			printf(" persistent %u", se->timeout);
			if (se->af == AF_INET && se->netmask != 0xffffffffu)
				printf(" mask %s", inet_ntoa(mask));
			if (se->af == AF_INET6 && se->netmask != 128)
				printf(" mask %i", (int)se->netmask);
			if (se->pe_name[0])
				printf(" pe %s", se->pe_name);
		}
		if (se->flags & IP_VS_SVC_F_ONEPACKET)
			printf(" ops");
	}
	putchar('\n');
}

/* ---------------------------------------------------------------------
 * JSON output (docs/lvsctl-json.md). Addresses are always numeric.
 */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_stats(const char *key, const struct ipvs_stats *s)
{
	printf(",\"%s\":{\"conns\":%llu,\"inpkts\":%llu,\"outpkts\":%llu,\"inbytes\":%llu,\"outbytes\":%llu}",
	       key, (unsigned long long)s->conns, (unsigned long long)s->inpkts,
	       (unsigned long long)s->outpkts, (unsigned long long)s->inbytes, (unsigned long long)s->outbytes);
	printf(",\"rate\":{\"cps\":%llu,\"inpps\":%llu,\"outpps\":%llu,\"inbps\":%llu,\"outbps\":%llu}",
	       (unsigned long long)s->cps, (unsigned long long)s->inpps, (unsigned long long)s->outpps,
	       (unsigned long long)s->inbps, (unsigned long long)s->outbps);
}

static void json_dest(const struct ipvs_dest *e)
{
	static const char *const fwd_keys[] = { "masq", "local", "tunnel", "route", "bypass" };
	char addr[64];
	uint32_t fwd = e->conn_flags & IP_VS_CONN_F_FWD_MASK;
	struct ipvs_stats st = e->stats;

	format_addr(e->af, &e->addr, addr, sizeof(addr));
	printf("{\"family\":\"%s\",\"address\":\"%s\",\"port\":%u,\"forward\":\"%s\",\"weight\":%d,"
	       "\"u_threshold\":%u,\"l_threshold\":%u,\"active_conns\":%u,\"inactive_conns\":%u,\"persistent_conns\":%u",
	       e->af == AF_INET6 ? "inet6" : "inet", addr, e->port, fwd < 5 ? fwd_keys[fwd] : "unknown",
	       e->weight, e->u_threshold, e->l_threshold, e->activeconns, e->inactconns, e->persistconns);
	if (fwd == IP_VS_CONN_F_TUNNEL)
		printf(",\"tunnel\":{\"type\":\"%s\",\"port\":%u,\"checksum\":\"%s\"}",
		       e->tun_type < 3 ? tun_names[e->tun_type] : "unknown", e->tun_port,
		       e->tun_flags == IP_VS_TUNNEL_ENCAP_FLAG_CSUM ? "csum" :
		       e->tun_flags == IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? "remcsum" : "nocsum");
	json_stats("stats", &st);
	putchar('}');
}

static void json_service_open(const struct ipvs_service *se)
{
	char addr[64], flags[64];
	const char *proto = proto_lower(se->protocol);

	printf("{\"family\":\"%s\"", se->af == AF_INET6 ? "inet6" : "inet");
	if (se->fwmark) {
		printf(",\"fwmark\":%u", se->fwmark);
	} else {
		format_addr(se->af, &se->addr, addr, sizeof(addr));
		printf(",\"protocol\":\"%s\",\"address\":\"%s\",\"port\":%u", proto ? proto : "unknown", addr, se->port);
	}
	printf(",\"scheduler\":");
	json_string(se->sched_name);
	sched_flags_text(se, flags, sizeof(flags));
	printf(",\"sched_flags\":[");
	for (char *f = flags, *comma; *f; f = comma + 1) {
		comma = strchr(f, ',');
		if (comma)
			*comma = '\0';
		printf("%s\"%s\"", f == flags ? "" : ",", f);
		if (!comma)
			break;
	}
	printf("],\"persistent\":%s", se->flags & IP_VS_SVC_F_PERSISTENT ? "true" : "false");
	if (se->flags & IP_VS_SVC_F_PERSISTENT) {
		printf(",\"timeout\":%u", se->timeout);
		if (se->af == AF_INET6) {
			printf(",\"netmask\":%u", se->netmask);
		} else {
			struct in_addr m = { .s_addr = se->netmask };
			printf(",\"netmask\":\"%s\"", inet_ntoa(m));
		}
	}
	printf(",\"ops\":%s,\"pe\":", se->flags & IP_VS_SVC_F_ONEPACKET ? "true" : "false");
	json_string(se->pe_name);
	json_stats("stats", &se->stats);
	printf(",\"dests\":[");
}

/* ---------------------------------------------------------------------
 * Listing.
 */
/* dests_buf: reused from service to service, freed by the caller. */
static int print_one_service(struct ipvs *h, const struct ipvs_service *se, unsigned format, bool first,
			     struct dest_vec *dests_buf)
{
	struct dest_vec dv = *dests_buf;
	char svc_name[1024];
	dv.n = 0;
	int err = ipvs_dump_dests(h, se, collect_dest, &dv);
	*dests_buf = dv;

	if (err) {
		fflush(stdout);
		fprintf(stderr, "%s\n", ipvs_error_text(CALL_GET_DESTS, -err));
		return 1;
	}
	const void **order = ordered(dv.v, dv.n, sizeof(*dv.v), !(format & LVS_FMT_NOSORT), cmp_dests);
	if (!order)
		return 1;
	if (format & LVS_FMT_JSON) {
		printf("%s", first ? "" : ",");
		json_service_open(se);
		for (size_t i = 0; i < dv.n; i++) {
			printf("%s", i ? "," : "");
			json_dest(order[i]);
		}
		printf("]}");
	} else {
		print_service_head(se, format, svc_name);
		for (size_t i = 0; i < dv.n; i++)
			print_dest_line(se, order[i], svc_name, format);
	}
	free(order);
	return 0;
}

static int list_all(struct ipvs *h, const struct ipvs_info *info, unsigned format)
{
	struct svc_vec sv = { 0 };
	int rc = 0;
	bool json = format & LVS_FMT_JSON;

	if (json)
		printf("{\"version\":\"%u.%u.%u\",\"conn_tab_size\":%u,\"services\":[",
		       (info->version >> 16) & 0xff, (info->version >> 8) & 0xff, info->version & 0xff,
		       info->conn_tab_size);
	else if (!(format & LVS_FMT_RULE))
		printf("IP Virtual Server version %u.%u.%u (size=%u)\n",
		       (info->version >> 16) & 0xff, (info->version >> 8) & 0xff, info->version & 0xff,
		       info->conn_tab_size);
	int err = ipvs_dump_services(h, collect_service, &sv);
	if (err) {
		fflush(stdout);
		fprintf(stderr, "%s\n", ipvs_error_text(CALL_OTHER, -err));
		free(sv.v);
		return 1;
	}
	const void **order = ordered(sv.v, sv.n, sizeof(*sv.v), !(format & LVS_FMT_NOSORT), cmp_services);
	if (!order) {
		free(sv.v);
		return 1;
	}
	if (!json)
		print_title(format);
	struct dest_vec dests = { 0 };
	for (size_t i = 0; i < sv.n && !rc; i++)
		rc = print_one_service(h, order[i], format, i == 0, &dests);
	if (json && !rc)
		printf("]}\n");
	free(dests.v);
	free(order);
	free(sv.v);
	return rc;
}

static int list_service(struct ipvs *h, const struct ipvs_service *want, unsigned format)
{
	struct ipvs_service se = *want;
	int err = ipvs_get_service(h, &se);
	if (err) {
		fprintf(stderr, "%s\n", ipvs_error_text(CALL_GET_SERVICE, -err));
		return 1;
	}
	struct dest_vec dests = { 0 };
	int rc;
	if (format & LVS_FMT_JSON) {
		printf("{\"services\":[");
		rc = print_one_service(h, &se, format, true, &dests);
		if (!rc)
			printf("]}\n");
	} else {
		print_title(format);
		rc = print_one_service(h, &se, format, true, &dests);
	}
	free(dests.v);
	return rc;
}

static int list_timeout(struct ipvs *h, unsigned format)
{
	struct ipvs_timeouts t;
	if (ipvs_get_timeouts(h, &t))
		return 1;
	if (format & LVS_FMT_JSON)
		printf("{\"tcp\":%u,\"tcp_fin\":%u,\"udp\":%u}\n", t.tcp, t.tcp_fin, t.udp);
	else
		printf("Timeout (tcp tcpfin udp): %d %d %d\n", (int)t.tcp, (int)t.tcp_fin, (int)t.udp);
	return 0;
}

static int list_daemon(struct ipvs *h, unsigned format)
{
	struct ipvs_daemon d[2];
	int n = 0, printed = 0;
	bool json = format & LVS_FMT_JSON;

	memset(d, 0, sizeof(d));
	if (ipvs_get_daemons(h, d, &n))
		return 1;
	if (json)
		printf("{\"daemons\":[");
	for (int i = 0; i < n && i < 2; i++) {
		const char *type = d[i].state & IP_VS_STATE_MASTER ? "master" :
				   d[i].state & IP_VS_STATE_BACKUP ? "backup" : NULL;
		char group[64] = "";
		if (!type)
			continue;
		if (d[i].mcast_af == AF_INET6)
			format_ipv6(d[i].mcast_group.raw, group, sizeof(group));
		else if (d[i].mcast_af == AF_INET)
			format_addr(AF_INET, &d[i].mcast_group, group, sizeof(group));
		if (json) {
			printf("%s{\"state\":\"%s\",\"mcast_interface\":", printed++ ? "," : "", type);
			json_string(d[i].mcast_ifn);
			printf(",\"syncid\":%u,\"sync_maxlen\":%u,\"mcast_group\":\"%s\",\"mcast_port\":%u,\"mcast_ttl\":%u}",
			       d[i].syncid, d[i].sync_maxlen, group, d[i].mcast_port, d[i].mcast_ttl);
			continue;
		}
		printf("%s sync daemon (mcast=%s, syncid=%d", type, d[i].mcast_ifn, (int)d[i].syncid);
		if (d[i].sync_maxlen)
			printf(", maxlen=%u", d[i].sync_maxlen);
		if (group[0])
			printf(", group=%s", group);
		if (d[i].mcast_port)
			printf(", port=%u", d[i].mcast_port);
		if (d[i].mcast_ttl)
			printf(", ttl=%u", d[i].mcast_ttl);
		printf(")\n");
	}
	if (json)
		printf("]}\n");
	return 0;
}

/* One line of /proc/net/ip_vs_conn's address columns: IPv4 as hex, IPv6 as text. */
static int conn_addr(const char *text, union ipvs_addr *a, int *af)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET6, text, &a->v6) > 0) {
		*af = AF_INET6;
	} else {
		*af = AF_INET;
		if (inet_pton(AF_INET, text, &a->v4) <= 0)
			a->v4.s_addr = htonl((uint32_t)strtoul(text, NULL, 16));
	}
	return 0;
}

static int print_conn(const char *line, unsigned format, bool *first)
{
	char proto_s[256], c_s[256], v_s[256], d_s[256], state[256], pe_name[256], pe_data[256];
	unsigned short cport = 0, vport = 0, dport = 0;
	int expires = 0, caf, vaf, daf;
	union ipvs_addr ca, va, da;
	uint16_t proto;

	proto_s[0] = c_s[0] = v_s[0] = d_s[0] = state[0] = pe_name[0] = pe_data[0] = '\0';
	int n = sscanf(line, "%255s %255s %hX %255s %hX %255s %hX %255s %d %255s %255s",
		       proto_s, c_s, &cport, v_s, &vport, d_s, &dport, state, &expires, pe_name, pe_data);
	if (n == -1)
		return 1;
	proto = strcmp(proto_s, "TCP") == 0 ? IPPROTO_TCP : strcmp(proto_s, "UDP") == 0 ? IPPROTO_UDP :
		strcmp(proto_s, "SCTP") == 0 ? IPPROTO_SCTP : 0;
	conn_addr(c_s, &ca, &caf);
	/* the virtual address is read in the client's family */
	memset(&va, 0, sizeof(va));
	vaf = caf;
	if (caf == AF_INET6)
		inet_pton(AF_INET6, v_s, &va.v6);
	else if (inet_pton(AF_INET, c_s, &ca.v4) > 0)
		inet_pton(AF_INET, v_s, &va.v4);
	else
		va.v4.s_addr = htonl((uint32_t)strtoul(v_s, NULL, 16));
	conn_addr(d_s, &da, &daf);

	if (format & LVS_FMT_JSON) {
		char a1[64], a2[64], a3[64];
		format_addr(caf, &ca, a1, sizeof(a1));
		format_addr(vaf, &va, a2, sizeof(a2));
		format_addr(daf, &da, a3, sizeof(a3));
		printf("%s{\"protocol\":", *first ? "" : ",");
		json_string(proto_s);
		printf(",\"client_address\":\"%s\",\"client_port\":%u,\"virtual_address\":\"%s\",\"virtual_port\":%u,"
		       "\"dest_address\":\"%s\",\"dest_port\":%u,\"state\":", a1, cport, a2, vport, a3, dport);
		json_string(state);
		printf(",\"expires\":%d,\"pe_name\":", expires);
		json_string(n == 11 ? pe_name : "");
		printf(",\"pe_data\":");
		json_string(n == 11 ? pe_data : "");
		putchar('}');
		*first = false;
		return 0;
	}

	char cname[60], vname[60], dname[60], expire_str[32];
	addrport_name(caf, &ca, cport, proto, format, cname);
	addrport_name(vaf, &va, vport, proto, format, vname);
	addrport_name(daf, &da, dport, proto, format, dname);
	snprintf(expire_str, sizeof(expire_str), "%02d:%02d", (int)((unsigned)expires / 60), (int)((unsigned)expires % 60));
	if ((format & LVS_FMT_PERSISTENTCONN) && n == 11)
		printf("%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n",
		       proto_s, expire_str, state, cname, vname, dname, pe_name, pe_data);
	else
		printf("%-3s %-6s %-11s %-18s %-18s %s\n", proto_s, expire_str, state, cname, vname, dname);
	return 0;
}

static int list_conn(unsigned format)
{
	char buf[256];
	bool first = true, json = format & LVS_FMT_JSON;
	FILE *f = fopen(CONN_PROC_FILE, "r");

	if (!f) {
		fprintf(stderr, "cannot open file %s\n", CONN_PROC_FILE);
		return 1;
	}
	if (!fgets(buf, sizeof(buf), f)) {
		fprintf(stderr, "unexpected input from %s\n", CONN_PROC_FILE);
		fclose(f);
		return 1;
	}
	if (json)
		printf("{\"connections\":[");
	else if (format & LVS_FMT_PERSISTENTCONN)
		printf("IPVS connection entries\npro expire %-11s %-18s %-18s %-18s %-16s %s\n",
		       "state", "source", "virtual", "destination", "pe name", "pe_data");
	else
		printf("IPVS connection entries\npro expire %-11s %-18s %-18s %s\n",
		       "state", "source", "virtual", "destination");
	while (fgets(buf, sizeof(buf), f))
		if (print_conn(buf, format, &first)) {
			fclose(f);
			return 1;
		}
	if (json)
		printf("]}\n");
	fclose(f);
	return 0;
}

/* ---------------------------------------------------------------------
 * Running a parsed command.
 */

/* libipvs zeroes every counter when the service names nothing. */
static const struct ipvs_service *zero_target(const struct ipvs_service *svc)
{
	static const uint8_t any[16];
	if (svc->fwmark || memcmp(svc->addr.raw, any, sizeof(any)) || svc->port)
		return svc;
	return NULL;
}

static enum ipvs_call call_of(enum lvsctl_command cmd)
{
	switch (cmd) {
	case LVS_CMD_ADD: return CALL_ADD_SVC;
	case LVS_CMD_EDIT: return CALL_EDIT_SVC;
	case LVS_CMD_DEL: return CALL_DEL_SVC;
	case LVS_CMD_ZERO: return CALL_ZERO;
	case LVS_CMD_ADDDEST: return CALL_ADD_DEST;
	case LVS_CMD_EDITDEST: return CALL_EDIT_DEST;
	case LVS_CMD_DELDEST: return CALL_DEL_DEST;
	case LVS_CMD_STARTDAEMON: return CALL_START_DAEMON;
	case LVS_CMD_STOPDAEMON: return CALL_STOP_DAEMON;
	default: return CALL_OTHER;
	}
}

/* Calls the kernel for a command that changes the table: 0 or a negative errno. */
static int apply_change(struct ipvs *h, const struct lvsctl_cmd *c)
{
	switch (c->cmd) {
	case LVS_CMD_FLUSH: return ipvs_flush(h);
	case LVS_CMD_ADD: return ipvs_add_service(h, &c->svc);
	case LVS_CMD_EDIT: return ipvs_edit_service(h, &c->svc);
	case LVS_CMD_DEL: return ipvs_del_service(h, &c->svc);
	case LVS_CMD_ZERO: return ipvs_zero(h, zero_target(&c->svc));
	case LVS_CMD_ADDDEST: return ipvs_add_dest(h, &c->svc, &c->dest);
	case LVS_CMD_EDITDEST: return ipvs_edit_dest(h, &c->svc, &c->dest);
	case LVS_CMD_DELDEST: return ipvs_del_dest(h, &c->svc, &c->dest);
	case LVS_CMD_TIMEOUT: return ipvs_set_timeouts(h, &c->timeouts);
	case LVS_CMD_STARTDAEMON: return ipvs_start_daemon(h, &c->daemon);
	case LVS_CMD_STOPDAEMON: return ipvs_stop_daemon(h, &c->daemon);
	default: return 0;
	}
}

static bool batchable(enum lvsctl_command cmd)
{
	return cmd != LVS_CMD_LIST && cmd != LVS_CMD_SAVE && cmd != LVS_CMD_RESTORE &&
	       cmd != LVS_CMD_STARTDAEMON && cmd != LVS_CMD_STOPDAEMON;
}

static int restore_table(struct ipvs *h, const struct ipvs_info *info, const char *prog);

/*
 * Runs one command. Returns 0, or -1 after printing a kernel error (ipvsadm
 * goes on with the next -R line and exits 255 if it was the last), or
 * RUN_EXIT + status when the program must stop now.
 */
#define RUN_EXIT 1000

static int run_command(struct ipvs *h, const struct ipvs_info *info, const struct lvsctl_cmd *c,
		       const char *prog)
{
	uint64_t o = c->options;
	int rc;

	switch (c->cmd) {
	case LVS_CMD_LIST:
		if (o & B(O_CONNECTION))
			rc = list_conn(c->format);
		else if (o & B(O_SERVICE))
			rc = list_service(h, &c->svc, c->format);
		else if (o & B(O_TIMEOUT))
			rc = list_timeout(h, c->format);
		else if (o & B(O_DAEMON))
			rc = list_daemon(h, c->format);
		else
			rc = list_all(h, info, c->format);
		return rc ? RUN_EXIT + rc : 0;
	case LVS_CMD_SAVE:
		rc = list_all(h, info, c->format | LVS_FMT_RULE);
		return rc ? RUN_EXIT + rc : 0;
	case LVS_CMD_RESTORE:
		return restore_table(h, info, prog);
	default:
		rc = apply_change(h, c);
		if (rc) {
			fflush(stdout);
			fprintf(stderr, "%s\n", ipvs_error_text(call_of(c->cmd), -rc));
			return -1;
		}
		return 0;
	}
}

/* ---------------------------------------------------------------------
 * -R: a save file on stdin, one command per line. Lines are parsed one by
 * one as ipvsadm does (a bad line stops the restore, earlier lines stay
 * applied) but changes go to the kernel in batches; a change the kernel
 * refuses is reported with its line, and the lines after it still apply.
 * Every error message is followed by a line naming the input line.
 */
#define RESTORE_BATCH 100

struct pending {
	struct lvsctl_cmd cmd;
	long line;
	const char *text;       /* the line as read, for messages */
};

struct restore {
	struct ipvs *h;
	const char *prog;
	struct pending *p;
	size_t n;
	bool batching;
	int last;              /* result of the last line run: 0 or -1 */
};

static void report_line_error(struct restore *r, enum ipvs_call call, int err, long line, const char *text)
{
	fflush(stdout);
	fprintf(stderr, "%s\n%s: restore line %ld: %s\n", ipvs_error_text(call, err), r->prog, line, text);
}

/*
 * Sends what is queued as one batch. A batch is kept within one chunk of
 * core/ipvs.c (RESTORE_BATCH requests of at most 512 bytes fit in 64 KiB),
 * so the kernel handles every request of it in order, each on its own, as
 * ipvsadm's separate calls would: after a refused line the later ones still
 * apply, and every refused line is reported, in order.
 */
static void restore_refused(long tag, int err, void *arg)
{
	struct restore *r = arg;

	if (tag < 0 || tag >= (long)r->n)
		tag = 0;
	report_line_error(r, call_of(r->p[tag].cmd.cmd), -err, r->p[tag].line, r->p[tag].text);
	r->last = tag == (long)r->n - 1 ? -1 : 0;
}

static void restore_flush(struct restore *r)
{
	long failed = -1;
	int rc;

	if (r->n == 0)
		return;
	r->last = 0;
	ipvs_batch_on_failure(r->h, restore_refused, r);
	rc = ipvs_batch_begin(r->h);
	if (rc == 0) {
		for (size_t i = 0; i < r->n; i++) {
			ipvs_batch_tag(r->h, (long)i);
			apply_change(r->h, &r->p[i].cmd);
		}
		ipvs_batch_end(r->h, &failed);
	} else {
		restore_refused(0, rc, r);
	}
	ipvs_batch_on_failure(r->h, NULL, NULL);
	r->n = 0;
}

/* line: split into words in place; text: the same line left intact. */
static int restore_line(struct restore *r, const struct ipvs_info *info, char *line, const char *text,
			long lineno)
{
	char *argv[256 + 1];
	int argc = 0;
	char *save = NULL;

	argv[argc++] = (char *)r->prog;
	for (char *tok = strtok_r(line, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
		if (strcmp(tok, "ipvsadm") == 0)
			continue;
		if (argc < 256)
			argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (argc < 2)
		return 0;

	struct lvsctl_cmd cmd;
	struct lvsctl_exit ex;
	if (!lvsctl_parse(argc, argv, true, &cmd, &ex)) {
		restore_flush(r);
		fflush(stdout);
		if (ex.out)
			fputs(ex.out, stdout);
		if (ex.err) {
			fputs(ex.err, stderr);
			fprintf(stderr, "%s: restore line %ld: %s\n", r->prog, lineno, text);
		}
		if (ex.soft) {
			lvsctl_exit_free(&ex);
			r->last = -1;
			return 0;
		}
		int status = ex.status;
		lvsctl_exit_free(&ex);
		return RUN_EXIT + status;
	}
	if (r->batching && batchable(cmd.cmd)) {
		r->p[r->n].cmd = cmd;
		r->p[r->n].line = lineno;
		r->p[r->n].text = text;
		if (++r->n == RESTORE_BATCH)
			restore_flush(r);
		return 0;
	}
	restore_flush(r);
	int rc = run_command(r->h, info, &cmd, r->prog);
	if (rc == -1)
		fprintf(stderr, "%s: restore line %ld: %s\n", r->prog, lineno, text);
	if (rc >= RUN_EXIT)
		return rc;
	r->last = rc;
	return 0;
}

static int restore_table(struct ipvs *h, const struct ipvs_info *info, const char *prog)
{
	struct restore r = { .h = h, .prog = prog };
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	int rc = 0;

	r.p = calloc(RESTORE_BATCH, sizeof(*r.p));
	if (!buf || !r.p) {
		free(buf);
		free(r.p);
		fprintf(stderr, "%s\n", ipvs_error_text(CALL_OTHER, ENOMEM));
		return RUN_EXIT + 1;
	}
	for (;;) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, stdin);
		if (got == 0)
			break;
		len += got;
	}
	buf[len] = '\0';
	/* Messages quote lines as read; the words are split in buf. */
	char *copy = malloc(len + 1);
	if (!copy) {
		free(buf);
		free(r.p);
		fprintf(stderr, "%s\n", ipvs_error_text(CALL_OTHER, ENOMEM));
		return RUN_EXIT + 1;
	}
	memcpy(copy, buf, len + 1);

	/* Batching is an optimisation: without it every line goes on its own. */
	if (ipvs_batch_begin(h) == 0) {
		long ignored;
		r.batching = ipvs_batch_end(h, &ignored) == 0;
	}
	long lineno = 0;
	for (char *line = buf; *line && rc == 0;) {
		char *nl = strchr(line, '\n');
		char *text = copy + (line - buf);
		if (nl) {
			*nl = '\0';
			text[nl - line] = '\0';
		}
		lineno++;
		rc = restore_line(&r, info, line, text, lineno);
		line = nl ? nl + 1 : line + strlen(line);
	}
	if (rc == 0)
		restore_flush(&r);
	free(r.p);
	free(copy);
	free(buf);
	return rc ? rc : r.last;
}

/* ---------------------------------------------------------------------
 * Start-up, as ipvsadm: without IPVS try modprobe once, then give up.
 */
static void try_modprobe(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { "/sbin/modprobe", "--", "ip_vs", NULL };
		execv(args[0], args);
		_exit(1);
	}
	if (pid > 0) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
}

/* 0, or the errno ipvsadm would report for a failed start. */
static int open_ipvs(struct ipvs **h, struct ipvs_info *info)
{
	int rc = ipvs_open(h);
	if (rc) {
		*h = NULL;
		/* ipvsadm falls back to a raw socket, which needs root and then
		 * says the protocol is not there */
		return rc == -EPERM || rc == -EACCES ? EPERM : ENOPROTOOPT;
	}
	rc = ipvs_get_info(*h, info);
	if (rc) {
		ipvs_close(*h);
		*h = NULL;
		return -rc;
	}
	return 0;
}

int lvsctl_main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct ipvs *h = NULL;
	struct ipvs_info info = { 0 };
	const char *prog = argc > 0 && argv[0] ? argv[0] : "ipvsadm";
	int rc;

	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	int err = open_ipvs(&h, &info);
	if (err) {
		try_modprobe();
		err = open_ipvs(&h, &info);
	}
	if (err) {
		fprintf(stderr, "Can't initialize ipvs: %s\n"
			"Are you sure that IP Virtual Server is built in the kernel or as module?\n",
			ipvs_error_text(CALL_OTHER, err));
		return 2;
	}

	if (argc <= 1) {
		rc = list_all(h, &info, 0) ? RUN_EXIT + 1 : 0;
	} else {
		struct lvsctl_cmd cmd;
		struct lvsctl_exit ex;
		if (lvsctl_parse(argc, argv, false, &cmd, &ex)) {
			rc = run_command(h, &info, &cmd, prog);
		} else {
			if (ex.out)
				fputs(ex.out, stdout);
			if (ex.err)
				fputs(ex.err, stderr);
			rc = RUN_EXIT + ex.status;
			lvsctl_exit_free(&ex);
		}
	}
	fflush(stdout);
	ipvs_close(h);
	if (rc >= RUN_EXIT)
		return (rc - RUN_EXIT) & 0xff;
	return rc == -1 ? 255 : rc;
}

const char lvsctl_usage[] =
	"Usage: lvsctl COMMAND [OPTIONS]   (also answers as ipvsadm)\n"
	"Programs and lists the kernel's IPVS table; every ipvsadm 1.31 command and\n"
	"option works the same way (lvsctl -h lists them). Extra: --json with -L.\n";
