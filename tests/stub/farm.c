/*
 * farm.c - the stub farm: lwIP (Debian's liblwip, raw API, one thread) on a
 * TAP device, answering TCP for every address of one IPv4 prefix with the
 * behaviour its script gives it. Test and benchmark traffic only.
 *
 * The kernel side routes the prefix via the farm's own address on the TAP,
 * so it needs one neighbour entry, not one per server. lwIP accepts only
 * packets for its netif's address; the farm lends the netif each packet's
 * destination address while lwIP handles that packet, so one netif and one
 * listening pcb per port serve the whole prefix. Behaviours that must act
 * before lwIP would answer a SYN (refuse, blackhole, lag) are applied to
 * the frame first.
 *
 * Usage: lvsfarm -t TAP -a ADDR/LEN -g GATEWAY -n PREFIX/LEN -f SCRIPT [-c SOCKET]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/priv/tcp_priv.h"
#include "netif/etharp.h"
#include "netif/ethernet.h"

#include "farm.h"

#define FRAME_MAX 2048
#define FRAMES_PER_WAKEUP 512
#define REQUEST_MAX 16384
/* lwIP finds a segment's pcb by walking a list; past this many live pcbs
 * new SYNs are dropped (the client retries), as a full listen queue would,
 * so a burst cannot slow every later segment into a spiral of timeouts. */
#define PCBS_MAX 2000
/* An endless answer trickles: ENDLESS_STEP bytes every ENDLESS_TICK_MS, so
 * a client that reads with a per-read timeout never sees one expire. */
#define ENDLESS_STEP 16384
#define ENDLESS_TICK_MS 20
#define ENDLESS_MAX (1u << 30)

static struct farm farm;
static struct netif nif;
static int tap_fd = -1;
static const char *script_path;

static struct {
	unsigned long frames_in, frames_out, tx_errors, syns, refused, blackholed,
		lagged, accepted, syn_acks, requests, answers, resets, tw_freed, conns, shed,
		longest_round_ms;	/* the farm's own stalls: time between two polls */
} stats;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t start_ms;
static unsigned long live_pcbs;	/* counted once per round of frames */

/* A flapping host is healthy or refusing depending on where the clock is
 * in its period; every other behaviour is what the script says. */
static int effective_kind(const struct host *h)
{
	if (h->kind != B_FLAP)
		return h->kind;
	uint64_t period = (uint64_t)h->arg[0] + h->arg[1];
	uint64_t phase = (now_ms() - start_ms + h->arg[2]) % period;
	return phase < h->arg[0] ? B_HEALTHY : B_REFUSE;
}

/* --- TCP side: one connection of a healthy-ish server --- */

struct conn {
	struct tcp_pcb *pcb;
	struct host *host;
	uint8_t kind;
	uint8_t eoh;		/* how much of "\r\n\r\n" was just seen */
	uint32_t seen;		/* request bytes read */
	uint32_t endless_sent;
	uint32_t reset_left;	/* partial answer bytes still unacknowledged */
	sys_timeout_handler timer;	/* pending lwIP timeout, if any */
	bool answered, reset_pending;
};

static void conn_forget(struct conn *c)
{
	if (c->timer)
		sys_untimeout(c->timer, c);
	tcp_arg(c->pcb, NULL);
	tcp_recv(c->pcb, NULL);
	tcp_sent(c->pcb, NULL);
	tcp_err(c->pcb, NULL);
	stats.conns--;
	free(c);
}

static void conn_close(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	conn_forget(c);
	if (tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
}

static void conn_abort(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	conn_forget(c);
	stats.resets++;
	tcp_abort(pcb);
}

static const char *reason_phrase(unsigned code)
{
	switch (code) {
	case 200: return "OK";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 404: return "Not Found";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

static size_t format_answer(char *buf, size_t len, unsigned code, bool with_length)
{
	int n = snprintf(buf, len, "HTTP/1.1 %u %s\r\nServer: lvsbox-stub\r\n"
			 "Content-Type: text/plain\r\n", code, reason_phrase(code));
	if (with_length)
		n += snprintf(buf + n, len - n, "Content-Length: %zu\r\n", farm.body_len);
	n += snprintf(buf + n, len - n, "Connection: close\r\n\r\n");
	if (with_length && (size_t)n + farm.body_len <= len) {
		memcpy(buf + n, farm.body, farm.body_len);
		n += (int)farm.body_len;
	}
	return (size_t)n;
}

static bool conn_write(struct conn *c, const void *data, size_t len)
{
	if (tcp_write(c->pcb, data, (u16_t)len, TCP_WRITE_FLAG_COPY) != ERR_OK)
		return false;
	tcp_output(c->pcb);
	return true;
}

static void endless_tick(void *arg)
{
	static char chunk[1024];
	struct conn *c = arg;
	c->timer = NULL;
	if (c->endless_sent >= ENDLESS_MAX) {
		conn_close(c);
		return;
	}
	if (chunk[0] == '\0')
		memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < ENDLESS_STEP / (int)sizeof(chunk) && tcp_sndbuf(c->pcb) >= sizeof(chunk); i++) {
		if (tcp_write(c->pcb, chunk, sizeof(chunk), TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		c->endless_sent += sizeof(chunk);
	}
	tcp_output(c->pcb);
	c->timer = endless_tick;
	sys_timeout(ENDLESS_TICK_MS, endless_tick, c);
}

enum fate { CONN_ALIVE, CONN_CLOSED, CONN_ABORTED };

static enum fate answer(struct conn *c)
{
	char buf[FARM_MAX_BODY + 512];
	size_t n;
	c->answered = true;
	stats.answers++;
	switch (c->kind) {
	case B_STATUS:
		n = format_answer(buf, sizeof(buf), c->host->arg[0], true);
		break;
	case B_RESET:
		n = format_answer(buf, sizeof(buf), 200, true);
		if (c->host->arg[0] < n)
			n = c->host->arg[0];
		if (n == 0 || !conn_write(c, buf, n)) {
			conn_abort(c);
			return CONN_ABORTED;
		}
		/* The RST follows once the partial answer is acknowledged, so
		 * the client has really read those bytes when it comes. */
		c->reset_pending = true;
		c->reset_left = (uint32_t)n;
		return CONN_ALIVE;
	case B_GARBAGE:
		for (n = 0; n < 512; n++)
			buf[n] = (char)(0x80 | ((n * 37) & 0x7f));
		break;
	case B_ENDLESS:
		n = format_answer(buf, sizeof(buf), 200, false);
		if (!conn_write(c, buf, n)) {
			conn_abort(c);
			return CONN_ABORTED;
		}
		c->timer = endless_tick;
		sys_timeout(ENDLESS_TICK_MS, endless_tick, c);
		return CONN_ALIVE;
	default:
		n = format_answer(buf, sizeof(buf), 200, true);
		break;
	}
	if (!conn_write(c, buf, n)) {
		conn_abort(c);
		return CONN_ABORTED;
	}
	conn_close(c);
	return CONN_CLOSED;
}

static void slow_answer(void *arg)
{
	struct conn *c = arg;
	c->timer = NULL;
	answer(c);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct conn *c = arg;
	(void)pcb;
	if (!c)
		return ERR_OK;
	if (c->reset_pending) {
		c->reset_left = len >= c->reset_left ? 0 : c->reset_left - len;
		if (c->reset_left == 0) {
			conn_abort(c);
			return ERR_ABRT;
		}
	}
	return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;
	(void)err;
	if (!c) {
		if (p)
			pbuf_free(p);
		return ERR_OK;
	}
	if (!p) {
		/* The client is done (a TCP_CHECK ends here). A RST instead of our
		 * FIN frees the pcb now: no LAST_ACK pcbs for lwIP to search
		 * through at every segment when thousands of checks a second
		 * arrive. The client has closed already, so it loses nothing. */
		struct tcp_pcb *gone = c->pcb;
		conn_forget(c);
		tcp_abort(gone);
		return ERR_ABRT;
	}
	tcp_recved(pcb, p->tot_len);
	bool complete = false;
	if (!c->answered && !c->timer) {
		static const char end[] = "\r\n\r\n";
		for (struct pbuf *q = p; q && !complete; q = q->next) {
			const char *d = q->payload;
			for (u16_t i = 0; i < q->len; i++) {
				c->eoh = d[i] == end[c->eoh] ? c->eoh + 1 : d[i] == '\r';
				if (c->eoh == 4) {
					complete = true;
					break;
				}
			}
		}
		c->seen += p->tot_len;
	}
	pbuf_free(p);
	if (!complete) {
		if (c->seen > REQUEST_MAX) {
			conn_abort(c);
			return ERR_ABRT;
		}
		return ERR_OK;
	}
	c->host->requests++;
	stats.requests++;
	if (c->kind == B_SLOW) {
		c->timer = slow_answer;
		sys_timeout(c->host->arg[0], slow_answer, c);
		return ERR_OK;
	}
	/* lwIP must hear ERR_ABRT when the pcb was aborted in its callback. */
	return answer(c) == CONN_ABORTED ? ERR_ABRT : ERR_OK;
}

static void on_err(void *arg, err_t err)
{
	struct conn *c = arg;
	(void)err;
	if (!c)
		return;
	if (c->timer)
		sys_untimeout(c->timer, c);
	stats.conns--;
	free(c);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	struct host *h = farm_host(&farm, ntohl(ip_2_ip4(&pcb->local_ip)->addr));
	struct conn *c = h ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	c->pcb = pcb;
	c->host = h;
	c->kind = (uint8_t)effective_kind(h);
	stats.accepted++;
	stats.conns++;
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	return ERR_OK;
}

/* TIME_WAIT pcbs would pile up by the thousand at benchmark rates, and
 * lwIP walks that list for every segment that arrives; a stub has no old
 * duplicates to guard against, so they go after every round of frames. */
static void free_time_wait(void)
{
	while (tcp_tw_pcbs) {
		tcp_abandon(tcp_tw_pcbs, 0);
		stats.tw_freed++;
	}
}

/* --- the TAP device and the netif on it --- */

static int tap_open(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static err_t tap_linkoutput(struct netif *netif, struct pbuf *p)
{
	static unsigned char frame[FRAME_MAX];
	(void)netif;
	if (p->tot_len > sizeof(frame))
		return ERR_BUF;
	u16_t n = pbuf_copy_partial(p, frame, p->tot_len, 0);
	if (write(tap_fd, frame, n) != (ssize_t)n) {
		stats.tx_errors++;
		return ERR_IF;
	}
	stats.frames_out++;
	/* A TCP_CHECK that only waits for the handshake never gets accepted;
	 * the SYN-ACK is what answers it. */
	if (n >= 14 + 20 + 14 && frame[12] == 0x08 && frame[13] == 0x00 && frame[14 + 9] == 6) {
		size_t ihl = (size_t)(frame[14] & 15) * 4;
		if (n >= 14 + ihl + 14 && (frame[14 + ihl + 13] & 0x12) == 0x12)
			stats.syn_acks++;
	}
	return ERR_OK;
}

static err_t tap_netif_init(struct netif *netif)
{
	static const u8_t mac[6] = { 0x02, 0x4c, 0x56, 0x53, 0x00, 0x01 };
	netif->name[0] = 't';
	netif->name[1] = 'p';
	netif->output = etharp_output;
	netif->linkoutput = tap_linkoutput;
	netif->mtu = 1500;
	netif->hwaddr_len = 6;
	memcpy(netif->hwaddr, mac, 6);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	return ERR_OK;
}

/* Hands a frame to lwIP as if the netif owned farm_addr (network order;
 * 0: the netif's own address). lwIP runs to completion inside input. */
static void deliver(struct pbuf *p, uint32_t farm_addr)
{
	if (!farm_addr) {
		nif.input(p, &nif);
		return;
	}
	ip4_addr_t own = *ip_2_ip4(&nif.ip_addr);
	ip_2_ip4(&nif.ip_addr)->addr = farm_addr;
	nif.input(p, &nif);
	*ip_2_ip4(&nif.ip_addr) = own;
}

struct held {
	struct pbuf *p;
	uint32_t addr;
};

static void release_held(void *arg)
{
	struct held *h = arg;
	deliver(h->p, h->addr);
	free(h);
}

static void send_refusal(const unsigned char *ip, const unsigned char *tcp)
{
	ip_addr_t local, remote;
	memcpy(&ip_2_ip4(&local)->addr, ip + 16, 4);
	memcpy(&ip_2_ip4(&remote)->addr, ip + 12, 4);
	IP_SET_TYPE_VAL(local, IPADDR_TYPE_V4);
	IP_SET_TYPE_VAL(remote, IPADDR_TYPE_V4);
	uint32_t seq;
	memcpy(&seq, tcp + 4, 4);
	uint16_t sport = (uint16_t)(tcp[0] << 8 | tcp[1]), dport = (uint16_t)(tcp[2] << 8 | tcp[3]);
	tcp_rst(NULL, 0, ntohl(seq) + 1, &local, &remote, dport, sport);
}

/* One frame from the kernel: the farm's behaviours first, then lwIP. */
static void tap_frame(const unsigned char *frame, size_t len)
{
	stats.frames_in++;
	uint32_t farm_addr = 0;
	struct host *h = NULL;
	if (len >= 14 + 20 && frame[12] == 0x08 && frame[13] == 0x00 && (frame[14] >> 4) == 4) {
		const unsigned char *ip = frame + 14;
		uint32_t dst;
		memcpy(&dst, ip + 16, 4);
		h = farm_host(&farm, ntohl(dst));
		if (h)
			farm_addr = dst;
	}
	if (h) {
		const unsigned char *ip = frame + 14;
		size_t ihl = (size_t)(ip[0] & 15) * 4;
		bool first_fragment = ((ip[6] & 0x1f) | ip[7]) == 0;
		bool syn = false;
		if (ip[9] == 6 && first_fragment && len >= 14 + ihl + 20) {
			const unsigned char *tcp = ip + ihl;
			syn = (tcp[13] & 0x12) == 0x02;	/* SYN without ACK */
		}
		if (syn) {
			h->syns++;
			stats.syns++;
			if (live_pcbs >= PCBS_MAX) {
				stats.shed++;
				return;
			}
			live_pcbs++;
		}
		switch (effective_kind(h)) {
		case B_BLACKHOLE:
			stats.blackholed++;
			return;
		case B_REFUSE:
			if (syn) {
				stats.refused++;
				send_refusal(ip, ip + ihl);
				return;
			}
			break;
		default:
			break;
		}
	}
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
	if (!p)
		return;
	pbuf_take(p, frame, (u16_t)len);
	if (h && h->kind == B_LAG) {
		struct held *held = malloc(sizeof(*held));
		if (!held) {
			pbuf_free(p);
			return;
		}
		held->p = p;
		held->addr = farm_addr;
		stats.lagged++;
		/* lwIP's clock counts whole milliseconds: one more keeps the
		 * hold from ending up to a millisecond short of the lag. */
		sys_timeout(h->arg[0] + 1, release_held, held);
		return;
	}
	deliver(p, farm_addr);
}

static void tap_drain(void)
{
	static unsigned char frame[FRAME_MAX];
	for (int i = 0; i < FRAMES_PER_WAKEUP; i++) {
		ssize_t n = read(tap_fd, frame, sizeof(frame));
		if (n <= 0)
			return;
		tap_frame(frame, (size_t)n);
	}
}

/* --- control socket: one command per connection --- */

static void show_host(FILE *out, uint32_t addr, const struct host *h)
{
	char what[64];
	struct in_addr a = { htonl(addr) };
	behaviour_format(h, what, sizeof(what));
	fprintf(out, "%s %s syns=%u requests=%u now=%s\n", inet_ntoa(a), what, h->syns,
		h->requests, behaviour_names[effective_kind(h)]);
}

static void print_stats(FILE *out)
{
	static const char *const state_names[] = {
		"closed", "listen", "syn_sent", "syn_rcvd", "established", "fin_wait_1",
		"fin_wait_2", "close_wait", "closing", "last_ack", "time_wait",
	};
	unsigned long active = 0, by_state[11] = { 0 };
	for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next) {
		active++;
		if ((unsigned)p->state < 11)
			by_state[p->state]++;
	}
	for (int i = 0; i < 11; i++)
		if (by_state[i])
			fprintf(out, "pcbs_%s %lu\n", state_names[i], by_state[i]);
	fprintf(out, "frames_in %lu\nframes_out %lu\ntx_errors %lu\nsyns %lu\nsyns_shed %lu\nrefused %lu\n"
		"blackholed %lu\nlagged %lu\naccepted %lu\nsyn_acks %lu\nrequests %lu\nanswers %lu\n"
		"resets %lu\ntime_wait_freed %lu\nconnections %lu\nactive_pcbs %lu\nlongest_round_ms %lu\n",
		stats.frames_in, stats.frames_out, stats.tx_errors, stats.syns, stats.shed, stats.refused,
		stats.blackholed, stats.lagged, stats.accepted, stats.syn_acks, stats.requests, stats.answers,
		stats.resets, stats.tw_freed, stats.conns, active, stats.longest_round_ms);
}

static void control(FILE *out, char *cmd)
{
	char err[160];
	if (strcmp(cmd, "stats") == 0) {
		print_stats(out);
	} else if (strncmp(cmd, "show ", 5) == 0) {
		struct in_addr a;
		struct host *h = inet_pton(AF_INET, cmd + 5, &a) == 1 ? farm_host(&farm, ntohl(a.s_addr)) : NULL;
		if (h)
			show_host(out, ntohl(a.s_addr), h);
		else
			fprintf(out, "error: not a farm address\n");
	} else if (strncmp(cmd, "set default", 11) == 0) {
		fprintf(out, "error: the default behaviour is set in the script only\n");
	} else if (strncmp(cmd, "set ", 4) == 0) {
		long n = script_apply_line(&farm, cmd + 4, err, sizeof(err));
		if (n < 0)
			fprintf(out, "error: %s\n", err);
		else
			fprintf(out, "ok %ld\n", n);
	} else {
		fprintf(out, "error: commands are stats, show ADDR, set ADDR BEHAVIOUR [ARG...]\n");
	}
}

static void control_accept(int listen_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* Only tests talk here; a short timeout bounds a silent one. */
	struct timeval tv = { 0, 300000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char cmd[256];
	size_t len = 0;
	while (len < sizeof(cmd) - 1) {
		ssize_t n = read(fd, cmd + len, sizeof(cmd) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(cmd, '\n', len))
			break;
	}
	cmd[len] = '\0';
	cmd[strcspn(cmd, "\r\n")] = '\0';
	FILE *out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		return;
	}
	control(out, cmd);
	fclose(out);
}

static int control_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* --- setup --- */

static bool parse_prefix(const char *s, uint32_t *addr, unsigned *len)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	if (!slash)
		return false;
	*slash = '\0';
	struct in_addr a;
	char *end;
	unsigned long l = strtoul(slash + 1, &end, 10);
	if (inet_pton(AF_INET, buf, &a) != 1 || *end || l > 32)
		return false;
	*addr = ntohl(a.s_addr);
	*len = (unsigned)l;
	return true;
}

/* Reads the script into the running farm. A broken script changes nothing;
 * a good one replaces behaviours in place, because open connections point
 * at their host entry. Ports are bound once, at start. */
static bool load_script(char *err, size_t errlen)
{
	struct farm next = farm;
	next.hosts = calloc(farm.size, sizeof(struct host));
	if (!next.hosts) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memset(&next.fallback, 0, sizeof(next.fallback));
	for (uint32_t i = 0; i < farm.size; i++)
		next.hosts[i].kind = B_COUNT;	/* not named by the script (yet) */
	if (script_load(&next, script_path, err, errlen) < 0) {
		free(next.hosts);
		return false;
	}
	if (!farm.hosts) {
		farm.hosts = calloc(farm.size, sizeof(struct host));
		if (!farm.hosts) {
			free(next.hosts);
			snprintf(err, errlen, "out of memory");
			return false;
		}
	} else {
		memcpy(next.ports, farm.ports, sizeof(farm.ports));
		next.nports = farm.nports;
	}
	for (uint32_t i = 0; i < farm.size; i++) {
		const struct host *from = next.hosts[i].kind == B_COUNT ? &next.fallback : &next.hosts[i];
		farm.hosts[i].kind = from->kind;
		memcpy(farm.hosts[i].arg, from->arg, sizeof(from->arg));
	}
	free(next.hosts);
	next.hosts = farm.hosts;
	farm = next;
	return true;
}

static void usage(void)
{
	fprintf(stderr, "usage: lvsfarm -t TAP -a ADDR/LEN -g GATEWAY -n PREFIX/LEN -f SCRIPT [-c SOCKET]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *tap = NULL, *own = NULL, *gateway = NULL, *prefix = NULL, *ctl_path = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "t:a:g:n:f:c:")) != -1) {
		switch (opt) {
		case 't': tap = optarg; break;
		case 'a': own = optarg; break;
		case 'g': gateway = optarg; break;
		case 'n': prefix = optarg; break;
		case 'f': script_path = optarg; break;
		case 'c': ctl_path = optarg; break;
		default: usage();
		}
	}
	if (!tap || !own || !gateway || !prefix || !script_path || optind != argc)
		usage();

	uint32_t own_addr, gw_addr, pfx;
	unsigned own_len, pfx_len;
	struct in_addr gw;
	if (!parse_prefix(own, &own_addr, &own_len) || own_len < 8 || own_len > 30 ||
	    inet_pton(AF_INET, gateway, &gw) != 1 || !parse_prefix(prefix, &pfx, &pfx_len) ||
	    pfx_len < 14 || (pfx_len < 32 && (pfx & ((1u << (32 - pfx_len)) - 1)))) {
		fprintf(stderr, "lvsfarm: bad address, gateway or prefix (prefix /14../32)\n");
		return 2;
	}
	gw_addr = ntohl(gw.s_addr);
	farm.base = pfx;
	farm.size = pfx_len == 32 ? 1 : 1u << (32 - pfx_len);
	farm.ports[0] = 80;
	farm.nports = 1;
	static const char default_body[] = "lvsbox stub farm\n";
	memcpy(farm.body, default_body, sizeof(default_body) - 1);
	farm.body_len = sizeof(default_body) - 1;
	char err[256];
	if (!load_script(err, sizeof(err))) {
		fprintf(stderr, "lvsfarm: %s\n", err);
		return 1;
	}

	tap_fd = tap_open(tap);
	if (tap_fd < 0) {
		fprintf(stderr, "lvsfarm: cannot create TAP %s: %s\n", tap, strerror(errno));
		return 1;
	}
	int ctl_fd = -1;
	if (ctl_path && (ctl_fd = control_listen(ctl_path)) < 0) {
		fprintf(stderr, "lvsfarm: cannot listen on %s: %s\n", ctl_path, strerror(errno));
		return 1;
	}
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	int sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);

	lwip_init();
	ip4_addr_t a, m, g;
	ip4_addr_set_u32(&a, htonl(own_addr));
	ip4_addr_set_u32(&m, htonl(own_len ? ~0u << (32 - own_len) : 0));
	ip4_addr_set_u32(&g, htonl(gw_addr));
	if (!netif_add(&nif, &a, &m, &g, NULL, tap_netif_init, ethernet_input)) {
		fprintf(stderr, "lvsfarm: netif_add failed\n");
		return 1;
	}
	netif_set_default(&nif);
	netif_set_up(&nif);
	netif_set_link_up(&nif);
	for (int i = 0; i < farm.nports; i++) {
		struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
		if (!pcb || tcp_bind(pcb, IP4_ADDR_ANY, farm.ports[i]) != ERR_OK ||
		    !(pcb = tcp_listen_with_backlog(pcb, 255))) {
			fprintf(stderr, "lvsfarm: cannot listen on port %u\n", farm.ports[i]);
			return 1;
		}
		tcp_accept(pcb, on_accept);
	}
	start_ms = now_ms();
	printf("lvsfarm: %u addresses on %s, ready\n", farm.size, tap);
	fflush(stdout);

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = tap_fd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = ctl_fd, .events = POLLIN },
		};
		u32_t sleep_ms = sys_timeouts_sleeptime();
		int timeout = sleep_ms > 250 ? 250 : (int)sleep_ms;
		if (poll(pfd, ctl_fd >= 0 ? 3 : 2, timeout) < 0 && errno != EINTR)
			break;
		uint64_t round_start = now_ms();
		if (pfd[0].revents & POLLIN) {
			live_pcbs = 0;
			for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
				live_pcbs++;
			tap_drain();
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo != SIGHUP)
					break;
				if (!load_script(err, sizeof(err)))
					fprintf(stderr, "lvsfarm: reload refused, keeping the old script: %s\n", err);
			}
		}
		if (ctl_fd >= 0 && (pfd[2].revents & POLLIN))
			control_accept(ctl_fd);
		sys_check_timeouts();
		free_time_wait();
		uint64_t round = now_ms() - round_start;
		if (round > stats.longest_round_ms)
			stats.longest_round_ms = round;
	}
	if (ctl_path)
		unlink(ctl_path);
	print_stats(stderr);
	return 0;
}
