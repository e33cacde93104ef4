/*
 * lvsctl_parse.c - ipvsadm's command line to struct lvsctl_cmd, with its
 * checks and its messages word for word, without a kernel (tests and the
 * fuzz harness parse any argv).
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
#include "ipvs_compat.h"
#include "lvsctl.h"
#include "lvsctl_scan.h"

#define MAX_TIMEOUT             (86400 * 31)
#define DEFAULT_PERSIST_TIMEOUT 360
#define DEFAULT_SCHED           "wlc"
#define DEFAULT_MCAST_IFN       "eth0"
#define SCHED_LIST              "rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh"
#define PE_LIST                 "sip"
#define IPVSADM_VERSION_LINE    "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n"

static const char *const opt_names[O_COUNT] = {
	"numeric", "connection", "service-address", "scheduler", "persistent",
	"netmask", "real-server", "forwarding-method", "weight", "u-threshold",
	"l-threshold", "mcast-interface", "timeout", "daemon", "stats", "rate",
	"thresholds", "persistent-conn", "nosort", "syncid", "exact", "ops", "pe",
	"sched-flags", "mcast-group", "mcast-port", "mcast-ttl", "sync-maxlen",
	"tun-info", "tun-type", "tun-port", "tun-nocsum", "tun-csum",
	"tun-remcsum", "json",
};

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
const char *const lvsctl_tun_names[] = { "ipip", "gue", "gre" };
static const enum opt_index tun_opts[] = { O_TUN_PORT, O_TUN_NOCSUM, O_TUN_CSUM, O_TUN_REMCSUM };
static const struct { uint64_t required, allowed, one_of; } tun_rules[] = {
	{ 0, 0, 0 },
	{ B(O_TUN_PORT), 0, B(O_TUN_NOCSUM) | B(O_TUN_CSUM) | B(O_TUN_REMCSUM) },
	{ 0, 0, B(O_TUN_NOCSUM) | B(O_TUN_CSUM) },
};

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
		for (unsigned i = 0; i < sizeof(lvsctl_tun_names) / sizeof(lvsctl_tun_names[0]); i++)
			if (strcmp(arg, lvsctl_tun_names[i]) == 0) {
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
		return parse_fail(ps, 2, "invalid option `%s'", lvsctl_scan_bad_word(&ps->sc));
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
						  opt_names[k], lvsctl_tun_names[type]);
			continue;
		}
		if (tun_rules[type].one_of & B(k)) {
			if (first_exclusive < 0) {
				first_exclusive = k;
				continue;
			}
			return parse_fail(ps, 2, "The option '%s' conflicts with the '%s' option in the '%s' tunnel type",
					  opt_names[k], opt_names[first_exclusive], lvsctl_tun_names[type]);
		}
		if (!((tun_rules[type].required | tun_rules[type].allowed) & B(k)))
			return parse_fail(ps, 2, "Illegal '%s' option with the '%s' tunnel type",
					  opt_names[k], lvsctl_tun_names[type]);
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

	tag = lvsctl_scan_next(sc);
	if (tag < 0)
		return parse_try_help(ps);
	if (parse_command(ps, tag))
		return -1;
	while ((tag = lvsctl_scan_next(sc)) >= 0)
		if (parse_one_option(ps, tag))
			return -1;
	if (tag < SCAN_END) {
		/* ipvsadm returns here instead of exiting: -R goes on */
		ps->ex->soft = true;
		return parse_fail(ps, 255, "%s: %s", lvsctl_scan_bad_word(sc), lvsctl_scan_error_text(tag));
	}

	if (c->cmd == LVS_CMD_TIMEOUT) {
		const char *t[3];
		uint32_t *dst[3] = { &c->timeouts.tcp, &c->timeouts.tcp_fin, &c->timeouts.udp };
		if (!(t[0] = lvsctl_scan_plain(sc)) || !(t[1] = lvsctl_scan_plain(sc)) || !(t[2] = lvsctl_scan_plain(sc)))
			return parse_fail(ps, 2, "--set option requires 3 timeout values");
		for (int i = 0; i < 3; i++)
			if (parse_timeout(ps, t[i], 0, MAX_TIMEOUT, dst[i]))
				return -1;
	}
	const char *extra = lvsctl_scan_plain(sc);
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
