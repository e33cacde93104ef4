/*
 * check.h - checkd's health checkers: one non-blocking probe attempt per
 * call, for every keepalived checker type (TCP_CHECK, HTTP_GET, SSL_GET,
 * MISC_CHECK, UDP_CHECK, DNS_CHECK, SMTP_CHECK, PING_CHECK).
 *
 * Division of labour: this layer knows the checkers' options and their wire
 * protocols; it runs ONE attempt and reports ok/fail with an error text and
 * the latency. The scheduler (applets/checkd.c) owns everything about time
 * between attempts: delay_loop, retry, delay_before_retry, warmup, alpha,
 * omega, sharing identical probes. The options it needs are parsed here
 * anyway (struct check_params), with keepalived's inheritance and defaults,
 * so there is one parser of checker blocks.
 *
 * Typical use:
 *	struct check_ctx ctx;
 *	check_ctx_init(&ctx, &loop, &ssl_conf, err, sizeof(err));
 *	check_params_from_conf(&params, conf, vs, rs, &rs->checkers[i], err, sizeof(err));
 *	struct check_probe *p = check_probe_new(&ctx, &params);   params is copied
 *	check_probe_start(p, -1, on_done, arg);   later: on_done(p, &result, arg)
 *	...
 *	check_probe_free(p);  check_params_free(&params);  check_ctx_done(&ctx);
 *
 * Bounds: every attempt ends within its deadline (connect_timeout for
 * network checks, misc_timeout for scripts) whatever the peer does; replies
 * are read into fixed-size buffers; HTTP bodies are digested as they stream
 * and cut off at CHECK_HTTP_MAX_BODY.
 */
#ifndef LVSBOX_CHECK_H
#define LVSBOX_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>
#include "conf.h"
#include "loop.h"

#define CHECK_ERROR_MAX 128             /* bytes of a result's error text, NUL included */
#define CHECK_HTTP_MAX_HEAD 8192        /* status line + headers */
#define CHECK_HTTP_MAX_BODY (4u << 20)  /* bytes digested; more fails the check */
#define CHECK_MAX_STATUS_RANGES 16
#define CHECK_MAX_UDP_PAYLOAD 1024

/* keepalived's defaults, where the config says nothing. */
#define CHECK_DEFAULT_CONNECT_TIMEOUT_MS 5000
#define CHECK_DEFAULT_DELAY_LOOP_MS 60000

/* An IPv4 or IPv6 socket address; family 0 = not set. */
union check_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

enum check_http_protocol { CHECK_HTTP_10, CHECK_HTTP_10C, CHECK_HTTP_11 };

struct check_url {
	char *path;
	char *virtualhost;                  /* the Host header; NULL: the target address */
	bool has_digest;
	unsigned char digest[16];           /* MD5 of the body, as genhash prints it */
	int nstatus;                        /* 0 means 200-299 */
	struct { uint16_t lo, hi; } status[CHECK_MAX_STATUS_RANGES];
	char *regex;                        /* POSIX ERE the body must match; NULL: none */
	bool regex_no_match;                /* a match fails the url instead */
	int regex_cflags;                   /* REG_ICASE, REG_NEWLINE from regex_options */
	size_t regex_min_offset;            /* body bytes skipped before matching */
	size_t regex_max_offset;            /* a match must start at or before; SIZE_MAX: anywhere */
	void *regex_compiled;               /* struct ere of regex, owned (check_params_free) */
};

struct check_http {
	struct check_url *urls;
	int nurls;
	int protocol;                       /* enum check_http_protocol; default 1.0 */
	bool tls;                           /* SSL_GET */
	bool enable_sni;                    /* SNI = url virtualhost, else checker's */
	bool fast_recovery;
};

struct check_misc {
	char **argv;                        /* NULL-terminated, owned */
	unsigned timeout_ms;                /* misc_timeout, default delay_loop */
	bool dynamic;                       /* misc_dynamic */
	uid_t uid;                          /* (uid_t)-1: checkd's own */
	gid_t gid;
};

struct check_udp {
	unsigned char payload[CHECK_MAX_UDP_PAYLOAD];
	size_t payload_len;                 /* 0: 8 random bytes per attempt */
	bool require_reply;
	unsigned char reply[CHECK_MAX_UDP_PAYLOAD], reply_mask[CHECK_MAX_UDP_PAYLOAD];
	size_t reply_len;                   /* require_reply HEX_STR; 0: any content */
	unsigned min_reply_length, max_reply_length;   /* default 0, 255 */
};

struct check_dns {
	uint16_t qtype;                     /* DNS_TYPE_*, default SOA */
	char name[256];                     /* default "." */
};

struct check_smtp {
	char helo_name[256];                /* default: the host name */
};

/* Everything one checker needs, resolved: no pointers into the config. */
struct check_params {
	int type;                           /* enum conf_checker_type */
	union check_addr target;            /* connect_ip/connect_port, else the real server's */
	union check_addr bind;              /* bindto/bind_port; family 0: none */
	char bind_if[16];                   /* "" when not set */
	uint32_t fwmark;                    /* 0: none */
	unsigned connect_timeout_ms;

	/* For the scheduler, after checker > real_server > virtual_server > default. */
	unsigned retry;                     /* default 1; DNS_CHECK 3; MISC_CHECK 0 */
	unsigned delay_before_retry_ms;     /* default 1 s; HTTP/SSL 3 s; DNS delay_loop */
	unsigned delay_loop_ms;             /* default 60 s */
	unsigned warmup_ms;                 /* default delay_loop; 0: start at once */
	bool alpha;
	bool log_all_failures;

	/* Type-specific, exactly one set (by type); owned, see check_params_free. */
	struct check_http *http;            /* HTTP_GET, SSL_GET */
	struct check_misc *misc;            /* MISC_CHECK */
	struct check_udp *udp;              /* UDP_CHECK */
	struct check_dns *dns;              /* DNS_CHECK */
	struct check_smtp *smtp;            /* SMTP_CHECK */

	const char *file; int line;         /* the checker block, for messages */
};

/*
 * Fills p from checker c of real server rs in virtual server vs (the
 * structures conf holds). 0 on success; -1 with err = "file:line: reason".
 */
int check_params_from_conf(struct check_params *p, const struct conf_keepalived *conf,
	const struct conf_virtual_server *vs, const struct conf_real_server *rs,
	const struct conf_checker *c, char *err, size_t errsize);
void check_params_free(struct check_params *p);
/* Deep copy; 0, or -1 when out of memory. */
int check_params_copy(struct check_params *dst, const struct check_params *src);

/*
 * A canonical text of what goes on the wire (type, target, bind, timeout,
 * type options; not the scheduling fields): two checkers with the same key
 * probe identically. Returns strlen (may be >= size, as snprintf).
 */
size_t check_params_key(const struct check_params *p, char *buf, size_t size);

/*
 * keepalived's load-time rule for a MISC_CHECK script (daemon_script_secure
 * on its first word, as the user it runs as). A checker judged
 * CHECK_MISC_DROP is left out, as keepalived removes it: the real server
 * then counts as healthy unless its other checkers say otherwise.
 *   CHECK_MISC_RUN
 *   CHECK_MISC_RUN_UNSAFE  others could change it, but enable_script_security
 *                          is off: keepalived warns and runs it
 *   CHECK_MISC_DROP        missing or not executable, or unsafe under
 *                          enable_script_security, or under it with no
 *                          script user ((uid_t)-1: neither the checker's
 *                          user nor global script_user is set)
 * why names the file and the reason (empty for CHECK_MISC_RUN).
 */
#define CHECK_MISC_RUN 0
#define CHECK_MISC_RUN_UNSAFE 1
#define CHECK_MISC_DROP 2
int check_misc_vet(const struct check_misc *m, bool script_security, char *why, size_t n);
/* The part of that rule that judges the program itself (missing, not
 * executable, unsafe as uid). */
int check_script_vet(const char *program, uid_t uid, bool script_security, char *why, size_t n);
/* The same for a whole notify line: every program it would run is judged
 * (script_line_secure), so a safe first word cannot carry an unsafe one. */
int check_script_line_vet(const char *line, uid_t uid, bool script_security, char *why, size_t n);

/* The global SSL { } block. Files are read by check_ctx_init. */
struct check_ssl_conf {
	const char *ca;                     /* PEM file: verify servers against it; NULL: no verification */
	const char *certificate, *key;      /* client certificate; NULL: none */
	const char *password;               /* of key */
};
/* From the top-level SSL block of conf (all NULL when absent); the strings point into conf. */
int check_ssl_from_conf(struct check_ssl_conf *ssl, const struct conf_keepalived *conf, char *err, size_t errsize);

struct check_tls;                       /* the mbedTLS side, check_http.c */
struct check_shape;

/* Shared by all probes of one daemon. */
struct check_ctx {
	struct loop *loop;
	struct check_tls *tls;              /* created on the first SSL_GET probe */
	struct check_ssl_conf ssl;
	unsigned tls_generation;            /* bumped by check_ctx_set_ssl: older kept sessions are dropped */
	unsigned running;                   /* attempts in flight */
	struct check_syn *syn;              /* TCP_CHECK's raw sockets, check_syn.c; made on first use */
	struct check_shape **shapes;        /* CHECK_SHAPE_CHAINS chains of the probes' shared params, check.c */
	size_t nshapes;
};

int check_ctx_init(struct check_ctx *ctx, struct loop *loop, const struct check_ssl_conf *ssl,
	char *err, size_t errsize);
/*
 * A new SSL block (a reload). Its files are read now, so a block that does
 * not load is refused here (-1 with err) and the running one stays; on
 * success (0) the next SSL_GET handshake uses it, sessions kept under the
 * old block are not resumed, and handshakes under way finish with the old
 * one. The strings must outlive ctx, as with check_ctx_init.
 */
int check_ctx_set_ssl(struct check_ctx *ctx, const struct check_ssl_conf *ssl, char *err, size_t errsize);
void check_ctx_done(struct check_ctx *ctx);

struct check_result {
	bool ok;
	int misc_status;                    /* MISC_CHECK exit code 0..255; -1 killed/timed out/not misc */
	uint32_t latency_us;                /* start to verdict */
	bool tls_resumed;                   /* SSL_GET: the (last) handshake resumed a kept session */
	bool has_digest;                    /* HTTP/SSL: a whole body was read ... */
	unsigned char digest[16];           /* ... and this is its MD5 (the last url's), as genhash computes it */
	char error[CHECK_ERROR_MAX];        /* "" when ok; e.g. "connect: Connection refused",
	                                       "HTTP status 503 not in 200-299", "timed out reading reply" */
};

struct check_probe;
typedef void check_done_fn(struct check_probe *probe, const struct check_result *result, void *arg);

/* NULL when out of memory. An idle probe holds only its params (no fd, no buffer). */
struct check_probe *check_probe_new(struct check_ctx *ctx, const struct check_params *params);
/*
 * Starts one attempt. url_index (HTTP/SSL): that url only; -1 every url in
 * order, failing at the first that fails. done is called exactly once, from
 * the loop, never from inside check_probe_start. 0, or -1 if an attempt
 * is already running.
 */
int check_probe_start(struct check_probe *probe, int url_index, check_done_fn *done, void *arg);
bool check_probe_running(const struct check_probe *probe);
/* Stops a running attempt without calling done (a MISC_CHECK script is killed). */
void check_probe_cancel(struct check_probe *probe);
/* Cancels and frees. */
void check_probe_free(struct check_probe *probe);
/* The probe's params, shared with every probe that differs only in its
 * target: their target is zeroed. The target is check_probe_target's. */
const struct check_params *check_probe_params(const struct check_probe *probe);
const union check_addr *check_probe_target(const struct check_probe *probe);
/* Whether a and b probe alike: the same params (shared, so the same
 * address) and the same target. One check stands for both. */
bool check_probe_alike(const struct check_probe *a, const struct check_probe *b);
/* A hash under which alike probes fall together. */
uint32_t check_probe_hash(const struct check_probe *probe);

#endif
