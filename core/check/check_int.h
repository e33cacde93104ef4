/*
 * check_int.h - what the checker files share behind core/check.h: the probe
 * and attempt structures, each checker type's entry points, and the socket
 * and completion helpers of check.c.
 */
#ifndef LVSBOX_CHECK_INT_H
#define LVSBOX_CHECK_INT_H

#include "check.h"

struct check_attempt;

/* One checker type. start may finish the attempt at once (check_finish);
 * cleanup frees what start allocated beyond the common part. */
struct check_ops {
	size_t attempt_size;                /* >= sizeof(struct check_attempt) */
	void (*start)(struct check_attempt *a);
	void (*cleanup)(struct check_attempt *a);
	/* The deadline passed; NULL: the attempt fails "timed out". */
	void (*timeout)(struct check_attempt *a);
};

extern const struct check_ops check_tcp_ops, check_http_ops, check_misc_ops,
	check_udp_ops, check_dns_ops, check_smtp_ops, check_ping_ops;

/* Fixed: most configs check all alike and need one shape; even one per
 * real server (a digest each, 37,294 of them) makes chains of a few dozen,
 * whose keys are compared only where the hashes match. */
#define CHECK_SHAPE_CHAINS 1024

/*
 * What probes that differ only in their target have in common, kept once
 * per context however many probes use it: at 37,294 real servers a copy of
 * the params in every probe was 6 MiB. The target is zeroed here.
 */
struct check_shape {
	struct check_shape *next;           /* in the context's hash chain */
	unsigned refs;                      /* probes using it */
	uint32_t hash;
	struct check_params params;
	char key[];                         /* check_params_key and the timing */
};

struct check_probe {
	struct check_ctx *ctx;
	const struct check_params *params;  /* the params of its struct check_shape */
	union check_addr target;
	/* What the item cached below was made or looked up under: for
	 * SSL_GET's session the ctx->tls_generation, for the raw socket's
	 * source address the routes' generation (0: never). Here it fills
	 * the hole after target: 64 bytes a probe on 64-bit hosts. */
	unsigned cache_generation;
	struct check_attempt *attempt;      /* NULL when idle */
	union {
		void *tls_session;          /* SSL_GET: resumable session, check_tls.c */
		uint32_t syn_source;        /* TCP_CHECK to IPv4 on the raw socket, check_syn.c:
					     * the kernel's source address for the target */
	};
};

/* A probe kept inside another structure (checkd's checks): 0, or -1 when
 * out of memory or the type is unknown (*p is then zeroed); released, not
 * freed. Releasing a zeroed probe does nothing. */
int check_probe_init(struct check_probe *p, struct check_ctx *ctx, const struct check_params *params);
void check_probe_release(struct check_probe *p);

/* The common head of every type's attempt structure. */
struct check_attempt {
	struct check_probe *probe;
	const struct check_ops *ops;
	check_done_fn *done;
	void *done_arg;
	int url_index;
	uint64_t started_us;
	int fd;                             /* -1 when none */
	struct loop_io io;
	struct loop_timer deadline;         /* also the start kick: armed at 0 ms first */
	const char *phase;                  /* what a timeout interrupted: "connect", "reply" ... */
	unsigned deadline_ms;
	bool tls_resumed;
	bool has_digest;                    /* copied into the result */
	unsigned char digest[16];
	bool started;
	bool finished;
};

uint64_t check_now_us(void);

/*
 * Ends the attempt: stops watchers and timers, closes fd, calls cleanup,
 * then done, then frees the attempt. ok false: the error text is the
 * formatted message.
 */
void check_finish(struct check_attempt *a, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_succeed(struct check_attempt *a);
void check_finish_misc(struct check_attempt *a, bool ok, int misc_status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* (Re)arms the attempt's deadline (at start: connect_timeout); on expiry
 * the attempt fails with "timed out after N ms (<phase>)". */
void check_arm_deadline(struct check_attempt *a, unsigned ms);

/*
 * A non-blocking socket of type (SOCK_STREAM, SOCK_DGRAM) for the probe's
 * target family, with fwmark, bind_if, bindto/bind_port applied, connect()
 * started, and a->fd / a->io set to cb (watched for writing: a stream
 * socket is connected once writable). 0, or -1 having finished the attempt
 * with the reason.
 */
int check_connect(struct check_attempt *a, int type, int protocol, loop_io_fn *cb);
/* SO_ERROR of a connecting socket: 0 when the connection is up, else errno. */
int check_socket_error(int fd);

/*
 * TCP_CHECK's handshake on a shared raw socket (check_syn.c). start: 0 when
 * the SYN is on its way (or the attempt already finished with the reason),
 * -1 when this check must connect() instead (bindto, bind_if, fwmark, or no
 * raw socket). cancel: from the attempt's cleanup, safe when never started.
 */
struct check_syn_wait {
	struct check_syn_wait *next;        /* hash chain, by isn */
	struct check_attempt *attempt;
	uint32_t isn;
	bool hashed;
	unsigned resend_ms;
	struct loop_timer resend;
};
int check_syn_start(struct check_attempt *a, struct check_syn_wait *w);
void check_syn_cancel(struct check_attempt *a, struct check_syn_wait *w);
void check_syn_free(struct check_ctx *ctx);
/* One segment read on the raw socket (IPv4: from its IP header; IPv6: the
 * TCP header, from filled in by the caller): a SYN-ACK or RST+ACK, with the
 * attempt's sequence number it acknowledges. false: not such an answer. */
struct check_syn_answer {
	union check_addr from;              /* address only */
	uint16_t server_port, our_port;
	uint32_t isn;
	bool refused;                       /* RST */
};
bool check_syn_parse(int family, const unsigned char *buf, size_t len, struct check_syn_answer *ans);

/* "1.2.3.4:80" or "[2001:db8::1]:80" (port left out when 0). */
const char *check_addr_str(const union check_addr *a, char *buf, size_t size);
unsigned check_addr_port(const union check_addr *a);

/* TLS layer (core/tls/check_tls.c). Weak: a build without mbedTLS leaves
 * them NULL and SSL_GET fails with a clear error. */
struct check_tls_conn;
enum { CHECK_TLS_OK = 0, CHECK_TLS_WANT_READ = -1, CHECK_TLS_WANT_WRITE = -2, CHECK_TLS_EOF = -3, CHECK_TLS_ERROR = -4 };
struct check_tls_conn *check_tls_open(struct check_probe *probe, int fd, const char *sni,
	char *err, size_t errsize) __attribute__((weak));
/* Handshake step: OK, WANT_*, or ERROR with err. */
int check_tls_handshake(struct check_tls_conn *c, char *err, size_t errsize) __attribute__((weak));
/* >0 bytes, or WANT_*, EOF (peer closed), ERROR with err. */
long check_tls_write(struct check_tls_conn *c, const void *buf, size_t len, char *err, size_t errsize) __attribute__((weak));
long check_tls_read(struct check_tls_conn *c, void *buf, size_t len, char *err, size_t errsize) __attribute__((weak));
/* Keeps the session for resumption when keep, then frees the connection. */
void check_tls_close(struct check_tls_conn *c, bool keep_session) __attribute__((weak));
void check_tls_session_free(void *session) __attribute__((weak));
void check_tls_ctx_free(struct check_ctx *ctx) __attribute__((weak));
/* check_ctx_set_ssl's TLS side: loads the block's files into a new
 * context and retires the old one (freed when its last connection closes). */
int check_tls_ctx_replace(struct check_ctx *ctx, const struct check_ssl_conf *ssl,
	char *err, size_t errsize) __attribute__((weak));
bool check_tls_resumed(const struct check_tls_conn *c) __attribute__((weak));

#endif
