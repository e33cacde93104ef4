/*
 * check_syn.c - TCP_CHECK's handshake without a kernel socket per check.
 *
 * A TCP_CHECK passes when the server answers the SYN with a SYN-ACK: the
 * moment connect() would report success. Creating, connecting, watching
 * and tearing down a socket for every check costs about three times what
 * sending the SYN on one shared raw socket and reading the answer does, and
 * at 30,000 servers that cost is most of the checker's CPU. The kernel's
 * TCP stack finds no connection for the SYN-ACK and resets it, so the
 * server keeps nothing and its application never wakes up for a check.
 *
 * The IPv4 checksum covers the source address, so the SYN leaves with the
 * one the kernel would give a connection to the target: looked up once per
 * target, and again after any change of links, addresses, routes or rules
 * (rtnetlink events). IPv6 raw sockets have the kernel fill the checksum.
 *
 * The source port is one we keep bound (never listening), so the kernel
 * never gives it to a connection of its own. Each attempt has a random
 * initial sequence number and is found by it: a SYN-ACK or RST acknowledges
 * it plus one, and an ICMP error quotes our header with it. The SYN is sent
 * again after 1, 2, 4 ... s, as the kernel's connect() would, until
 * connect_timeout. An ICMP error that ends a connect() ends the attempt
 * with the same error.
 *
 * Checks with bindto, bind_port, bind_if or fwmark, and all checks when no
 * raw socket can be had (not root), still connect() (check_tcp.c).
 */
#include "check_int.h"
#include "inet_csum.h"
#include "log.h"
#include "mnl.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <string.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define SYN_BUCKETS 4096
#define SYN_BATCH 32            /* answers read per recvmmsg */
#define SYN_READS 8             /* recvmmsg calls per wake-up, so others get a turn */
#define SYN_FIRST_RESEND_MS 1000

#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_ACK 0x10

/* recvmmsg's vectors, set up once. IPv4 reads carry the IP header (60
 * bytes at most); the TCP fields looked at are its first 14 bytes. */
struct syn_rx {
	unsigned char bufs[SYN_BATCH][80];
	union check_addr from[SYN_BATCH];
	struct iovec iov[SYN_BATCH];
	struct mmsghdr msgs[SYN_BATCH];
};

struct syn_family {
	struct check_syn *syn;
	int family;
	int raw_fd;                 /* -1: not opened yet */
	int route_fd;               /* IPv4: a UDP socket connected to a target to learn its source address */
	bool broken;                /* could not open: this family connects */
	struct loop_io io;
	struct syn_rx *rx;
};

struct check_syn {
	struct check_ctx *ctx;
	int reserve_fd;             /* keeps port bound: the kernel will not hand it out */
	uint16_t port;              /* host order */
	bool broken;
	uint64_t rand_state;
	/* IPv4 sources are looked up again after any change of links,
	 * addresses, routes or rules; 0 when no such events can be had:
	 * then every attempt looks up its source */
	struct mnl_socket *route_events;
	struct loop_io route_io;
	unsigned route_generation;
	struct syn_family v4, v6;
	struct check_syn_wait *buckets[SYN_BUCKETS];
};

static uint32_t syn_random(struct check_syn *s)
{
	/* xorshift64*: the sequence number only has to be hard to collide
	 * with and unlikely to be guessed between two checks */
	uint64_t x = s->rand_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rand_state = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

static struct check_syn_wait **bucket(struct check_syn *s, uint32_t isn)
{
	return &s->buckets[(isn ^ isn >> 12) % SYN_BUCKETS];
}

static struct check_syn_wait *find_wait(struct check_syn *s, uint32_t isn)
{
	for (struct check_syn_wait *w = *bucket(s, isn); w; w = w->next)
		if (w->isn == isn)
			return w;
	return NULL;
}

static void unhash(struct check_syn *s, struct check_syn_wait *w)
{
	for (struct check_syn_wait **p = bucket(s, w->isn); *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			return;
		}
}

static int reserve_port(struct check_syn *s)
{
	/* An IPv6 socket that is not v6-only holds the port for both families. */
	union check_addr any = { .sin6 = { .sin6_family = AF_INET6 } };
	socklen_t len = sizeof(any.sin6);
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		int off = 0;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	} else {
		any.sin = (struct sockaddr_in){ .sin_family = AF_INET };
		len = sizeof(any.sin);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	}
	if (fd < 0 || bind(fd, &any.sa, len) < 0 || getsockname(fd, &any.sa, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	s->reserve_fd = fd;
	s->port = (uint16_t)check_addr_port(&any);
	return 0;
}

static struct check_syn *syn_get(struct check_ctx *ctx)
{
	if (ctx->syn)
		return ctx->syn->broken ? NULL : ctx->syn;
	struct check_syn *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	ctx->syn = s;
	s->ctx = ctx;
	s->reserve_fd = -1;
	s->v4 = (struct syn_family){ .syn = s, .family = AF_INET, .raw_fd = -1, .route_fd = -1 };
	s->v6 = (struct syn_family){ .syn = s, .family = AF_INET6, .raw_fd = -1, .route_fd = -1 };
	if (getrandom(&s->rand_state, sizeof(s->rand_state), 0) != sizeof(s->rand_state))
		s->rand_state = check_now_us() ^ (uint64_t)getpid() << 32;
	s->rand_state |= 1;
	if (reserve_port(s) < 0) {
		log_warn("TCP_CHECK: cannot keep a source port (%s); checks connect() instead", strerror(errno));
		s->broken = true;
		return NULL;
	}
	return s;
}

static void on_answers(struct loop *loop, struct loop_io *io, unsigned events);

/* Only answers to our port reach the socket; without the filter every TCP
 * segment the host receives would be copied to it. */
static int attach_port_filter(int fd, int family, uint16_t port)
{
	struct sock_filter v4[] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),         /* X = IPv4 header length */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),          /* TCP destination port */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_filter v6[] = {                             /* IPv6 raw reads start at TCP */
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = family == AF_INET ? (struct sock_fprog){ sizeof(v4) / sizeof(v4[0]), v4 }
						   : (struct sock_fprog){ sizeof(v6) / sizeof(v6[0]), v6 };
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static void on_route_events(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)loop;
	(void)events;
	struct check_syn *s = io->arg;
	char buf[8192];
	/* what changed does not matter: every source is looked up again */
	for (int i = 0; i < 64 && recv(mnl_socket_get_fd(s->route_events), buf, sizeof(buf), MSG_DONTWAIT) != -1; i++)
		;
	if (++s->route_generation == 0)
		s->route_generation = 1;
}

static void route_events_open(struct check_syn *s)
{
	s->route_events = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (s->route_events &&
	    mnl_socket_bind(s->route_events, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV4_RULE,
			    MNL_SOCKET_AUTOPID) == 0) {
		loop_io_init(&s->route_io, mnl_socket_get_fd(s->route_events), on_route_events, s);
		if (loop_io_watch(s->ctx->loop, &s->route_io, LOOP_READ) == 0) {
			s->route_generation = 1;
			return;
		}
	}
	log_warn("TCP_CHECK: no route events (%s); every check looks up its source address", strerror(errno));
	if (s->route_events)
		mnl_socket_close(s->route_events);
	s->route_events = NULL;
}

static int family_open(struct syn_family *f)
{
	int on = 1, buf = 1 << 20;
	bool v6 = f->family == AF_INET6;
	f->raw_fd = socket(f->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (f->raw_fd < 0)
		return -1;
	/* A burst of answers must not overflow the default buffer. */
	if (setsockopt(f->raw_fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(f->raw_fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (attach_port_filter(f->raw_fd, f->family, f->syn->port) < 0 ||
	    setsockopt(f->raw_fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_RECVERR : IP_RECVERR, &on,
		       sizeof(on)) < 0)
		return -1;
	if (v6) {
		int offset = 16;        /* the kernel fills in the TCP checksum */
		if (setsockopt(f->raw_fd, IPPROTO_IPV6, IPV6_CHECKSUM, &offset, sizeof(offset)) < 0)
			return -1;
	} else {
		f->route_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (f->route_fd < 0)
			return -1;
		route_events_open(f->syn);
	}
	if (!(f->rx = calloc(1, sizeof(*f->rx))))
		return -1;
	for (int i = 0; i < SYN_BATCH; i++) {
		f->rx->iov[i] = (struct iovec){ f->rx->bufs[i], sizeof(f->rx->bufs[i]) };
		f->rx->msgs[i].msg_hdr = (struct msghdr){ .msg_name = &f->rx->from[i], .msg_iov = &f->rx->iov[i],
							  .msg_iovlen = 1 };
	}
	loop_io_init(&f->io, f->raw_fd, on_answers, f);
	return loop_io_watch(f->syn->ctx->loop, &f->io, LOOP_READ);
}

static void family_close(struct check_syn *s, struct syn_family *f)
{
	if (f->raw_fd >= 0) {
		loop_io_stop(s->ctx->loop, &f->io);
		close(f->raw_fd);
	}
	if (f->route_fd >= 0)
		close(f->route_fd);
	f->raw_fd = f->route_fd = -1;
	free(f->rx);
	f->rx = NULL;
}

static struct syn_family *family_get(struct check_syn *s, int family)
{
	struct syn_family *f = family == AF_INET6 ? &s->v6 : &s->v4;
	if (f->broken)
		return NULL;
	if (f->raw_fd < 0 && family_open(f) < 0) {
		log_warn("TCP_CHECK: no raw %s socket (%s); checks connect() instead",
			 family == AF_INET6 ? "IPv6" : "IPv4", strerror(errno));
		family_close(s, f);
		f->broken = true;
		return NULL;
	}
	return f;
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* 0, or an errno for the attempt's error text. */
static int send_syn(struct syn_family *f, struct check_syn_wait *w)
{
	const union check_addr *dst = &w->attempt->probe->target;
	unsigned char tcp[24] = { 0 };
	put16(tcp, f->syn->port);
	put16(tcp + 2, check_addr_port(dst));
	put32(tcp + 4, w->isn);
	tcp[12] = 6 << 4;                                       /* 24-byte header: one option */
	tcp[13] = TCP_FLAG_SYN;
	put16(tcp + 14, 64240);
	tcp[20] = 2;                                            /* MSS, as any connect() offers */
	tcp[21] = 4;
	put16(tcp + 22, f->family == AF_INET6 ? 1440 : 1460);
	struct iovec iov = { tcp, sizeof(tcp) };
	struct sockaddr_in6 target6;
	struct msghdr msg = { .msg_name = (void *)&dst->sa, .msg_iov = &iov, .msg_iovlen = 1 };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} control;
	if (f->family == AF_INET) {
		struct check_probe *probe = w->attempt->probe;
		unsigned generation = f->syn->route_generation;
		if (!generation || probe->cache_generation != generation) {
			/* a connected UDP socket keeps its first source address:
			 * dissolve the last association so the route decides anew */
			const struct sockaddr unspec = { .sa_family = AF_UNSPEC };
			union check_addr found;
			socklen_t len = sizeof(found.sin);
			connect(f->route_fd, &unspec, sizeof(unspec));
			if (connect(f->route_fd, &dst->sa, sizeof(dst->sin)) < 0 ||
			    getsockname(f->route_fd, &found.sa, &len) < 0)
				return errno;
			probe->syn_source = found.sin.sin_addr.s_addr;
			probe->cache_generation = generation;
		}
		struct in_addr src = { .s_addr = probe->syn_source };
		uint32_t sum = inet_csum_add(0, &src, 4);       /* RFC 9293 3.1 pseudo-header */
		sum = inet_csum_add(sum, &dst->sin.sin_addr, 4);
		sum += IPPROTO_TCP + sizeof(tcp);
		put16(tcp + 16, (uint16_t)~inet_csum_fold(inet_csum_add(sum, tcp, sizeof(tcp))));
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		struct in_pktinfo pi = { .ipi_spec_dst = src };
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		msg.msg_namelen = sizeof(dst->sin);
	} else {
		/* a raw IPv6 socket reads the port field as the protocol */
		target6 = dst->sin6;
		target6.sin6_port = 0;
		msg.msg_name = &target6;
		msg.msg_namelen = sizeof(target6);
	}
	if (sendmsg(f->raw_fd, &msg, 0) < 0)
		return errno;
	return 0;
}

static void on_resend(struct loop *loop, struct loop_timer *timer)
{
	struct check_syn_wait *w = timer->arg;
	struct check_attempt *a = w->attempt;
	struct check_syn *s = a->probe->ctx->syn;
	int e = send_syn(a->probe->target.sa.sa_family == AF_INET6 ? &s->v6 : &s->v4, w);
	if (e) {
		check_finish(a, false, "connect: %s", strerror(e));
		return;
	}
	w->resend_ms *= 2;
	loop_timer_arm(loop, &w->resend, w->resend_ms);
}

int check_syn_start(struct check_attempt *a, struct check_syn_wait *w)
{
	const struct check_params *p = a->probe->params;
	if (p->bind.sa.sa_family || p->bind_if[0] || p->fwmark)
		return -1;
	struct check_syn *s = syn_get(a->probe->ctx);
	struct syn_family *f = s ? family_get(s, a->probe->target.sa.sa_family) : NULL;
	if (!f)
		return -1;
	w->attempt = a;
	do
		w->isn = syn_random(s);
	while (find_wait(s, w->isn));
	w->next = *bucket(s, w->isn);
	*bucket(s, w->isn) = w;
	w->hashed = true;
	loop_timer_init(&w->resend, on_resend, w);
	w->resend_ms = SYN_FIRST_RESEND_MS;
	int e = send_syn(f, w);
	if (e) {
		check_finish(a, false, "connect: %s", strerror(e));
		return 0;
	}
	loop_timer_arm(s->ctx->loop, &w->resend, w->resend_ms);
	return 0;
}

void check_syn_cancel(struct check_attempt *a, struct check_syn_wait *w)
{
	if (!w->hashed)
		return;
	struct check_syn *s = a->probe->ctx->syn;
	loop_timer_cancel(s->ctx->loop, &w->resend);
	unhash(s, w);
	w->hashed = false;
}

/* The attempt the segment or quoted header answers, if its addresses match. */
static struct check_attempt *answered(struct syn_family *f, const union check_addr *from, uint16_t from_port,
				      uint32_t isn)
{
	struct check_syn_wait *w = find_wait(f->syn, isn);
	if (!w)
		return NULL;
	const union check_addr *t = &w->attempt->probe->target;
	if (t->sa.sa_family != f->family || check_addr_port(t) != from_port)
		return NULL;
	bool same = f->family == AF_INET ? t->sin.sin_addr.s_addr == from->sin.sin_addr.s_addr
		: !memcmp(&t->sin6.sin6_addr, &from->sin6.sin6_addr, sizeof(struct in6_addr));
	return same ? w->attempt : NULL;
}

bool check_syn_parse(int family, const unsigned char *buf, size_t len, struct check_syn_answer *ans)
{
	const unsigned char *tcp = buf;
	if (family == AF_INET) {
		if (len < 20 || (buf[0] >> 4) != 4)
			return false;
		size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
		if (ihl < 20 || len < ihl + 14)
			return false;
		memcpy(&ans->from.sin.sin_addr, buf + 12, 4);
		tcp = buf + ihl;
		len -= ihl;
	}
	if (len < 14)
		return false;
	unsigned flags = tcp[13];
	if (!(flags & TCP_FLAG_ACK) || !(flags & (TCP_FLAG_SYN | TCP_FLAG_RST)))
		return false;
	ans->server_port = (uint16_t)(tcp[0] << 8 | tcp[1]);
	ans->our_port = (uint16_t)(tcp[2] << 8 | tcp[3]);
	ans->isn = get32(tcp + 8) - 1;
	ans->refused = (flags & TCP_FLAG_RST) != 0;
	return true;
}

static void on_segment(struct syn_family *f, const unsigned char *buf, size_t len, const union check_addr *from)
{
	struct check_syn_answer ans = { .from = *from };
	if (!check_syn_parse(f->family, buf, len, &ans) || ans.our_port != f->syn->port)
		return;
	struct check_attempt *a = answered(f, &ans.from, ans.server_port, ans.isn);
	if (!a)
		return;
	if (ans.refused)
		check_finish(a, false, "connect: %s", strerror(ECONNREFUSED));
	else
		check_succeed(a);
}

/* Whether connect() gives up on this ICMP error: in SYN-SENT the kernel
 * ends the connection on any destination-unreachable (but fragmentation
 * needed), time-exceeded or parameter-problem message. */
static bool icmp_ends_connect(const struct sock_extended_err *ee)
{
	if (ee->ee_origin == SO_EE_ORIGIN_ICMP)
		return (ee->ee_type == 3 && ee->ee_code != 4 && ee->ee_code <= 15) || ee->ee_type == 11 ||
		       ee->ee_type == 12;
	if (ee->ee_origin == SO_EE_ORIGIN_ICMP6)
		return ee->ee_type == 1 || ee->ee_type == 3 || ee->ee_type == 4;
	return false;
}

static void on_errors(struct syn_family *f)
{
	for (int round = 0; round < SYN_BATCH; round++) {
		unsigned char quoted[64];
		union check_addr target;
		union {
			struct cmsghdr align;
			char buf[512];
		} control;
		struct iovec iov = { quoted, sizeof(quoted) };
		struct msghdr msg = { .msg_name = &target, .msg_namelen = sizeof(target), .msg_iov = &iov,
				      .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
		ssize_t n = recvmsg(f->raw_fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 0)
			return;
		if (n < 8)
			continue;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if (!((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) ||
			      (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_RECVERR)))
				continue;
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
			/* the quoted header is ours: its source port, and the target as destination */
			if (!icmp_ends_connect(&ee) || (unsigned)(quoted[0] << 8 | quoted[1]) != f->syn->port)
				continue;
			struct check_attempt *a =
				answered(f, &target, (uint16_t)(quoted[2] << 8 | quoted[3]), get32(quoted + 4));
			if (a)
				check_finish(a, false, "connect: %s", strerror((int)ee.ee_errno));
		}
	}
}

static void on_answers(struct loop *loop, struct loop_io *io, unsigned events)
{
	(void)loop;
	struct syn_family *f = io->arg;
	struct syn_rx *rx = f->rx;
	if (events & LOOP_ERROR)
		on_errors(f);
	for (int round = 0; round < SYN_READS; round++) {
		for (int i = 0; i < SYN_BATCH; i++)
			rx->msgs[i].msg_hdr.msg_namelen = sizeof(rx->from[i]);
		int n = recvmmsg(f->raw_fd, rx->msgs, SYN_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				on_errors(f);   /* a pending error is reported in place of data */
			return;
		}
		for (int i = 0; i < n; i++)
			on_segment(f, rx->bufs[i], rx->msgs[i].msg_len, &rx->from[i]);
		if (n < SYN_BATCH)
			return;
	}
}

void check_syn_free(struct check_ctx *ctx)
{
	struct check_syn *s = ctx->syn;
	if (!s)
		return;
	family_close(s, &s->v4);
	family_close(s, &s->v6);
	if (s->route_events) {
		loop_io_stop(s->ctx->loop, &s->route_io);
		mnl_socket_close(s->route_events);
	}
	if (s->reserve_fd >= 0)
		close(s->reserve_fd);
	free(s);
	ctx->syn = NULL;
}
