/*
 * check.c - the probe life cycle shared by every checker type: start on
 * the next loop turn, a deadline per attempt, one completion, the socket
 * set-up (fwmark, bind_if, bindto, non-blocking connect), and the context.
 */
#include "check_int.h"
#include "fnv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const struct check_ops *const ops_by_type[] = {
	[CONF_CHECK_TCP] = &check_tcp_ops,
	[CONF_CHECK_HTTP] = &check_http_ops,
	[CONF_CHECK_SSL] = &check_http_ops,
	[CONF_CHECK_MISC] = &check_misc_ops,
	[CONF_CHECK_UDP] = &check_udp_ops,
	[CONF_CHECK_DNS] = &check_dns_ops,
	[CONF_CHECK_SMTP] = &check_smtp_ops,
	[CONF_CHECK_PING] = &check_ping_ops,
};

uint64_t check_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int check_ctx_init(struct check_ctx *ctx, struct loop *loop, const struct check_ssl_conf *ssl,
	char *err, size_t errsize)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->loop = loop;
	if (ssl)
		ctx->ssl = *ssl;
	/* The TLS side is set up by the first SSL_GET attempt; a bad CA file
	 * shows as that checker's error rather than stopping every check. */
	if (err && errsize)
		err[0] = '\0';
	return 0;
}

int check_ctx_set_ssl(struct check_ctx *ctx, const struct check_ssl_conf *ssl, char *err, size_t errsize)
{
	if (err && errsize)
		err[0] = '\0';
	if (check_tls_ctx_replace)
		return check_tls_ctx_replace(ctx, ssl, err, errsize);
	ctx->ssl = *ssl;        /* no TLS in this build: SSL_GET fails anyway */
	ctx->tls_generation++;
	return 0;
}

void check_ctx_done(struct check_ctx *ctx)
{
	if (ctx->tls && check_tls_ctx_free)
		check_tls_ctx_free(ctx);
	ctx->tls = NULL;
	check_syn_free(ctx);
}

/* The text shapes are told apart by: everything of p but its target. */
static char *shape_key(const struct check_params *p, size_t *len)
{
	struct check_params q = *p;
	memset(&q.target, 0, sizeof(q.target));
	size_t n = check_params_key(&q, NULL, 0), room = 6 * 12;   /* the timing: six numbers and their bars */
	char *key = malloc(n + room);
	if (!key)
		return NULL;
	check_params_key(&q, key, n + 1);
	*len = n + (size_t)snprintf(key + n, room, "|%u|%u|%u|%u|%d|%d", q.delay_loop_ms, q.delay_before_retry_ms,
				    q.retry, q.warmup_ms, q.alpha, q.log_all_failures);
	return key;
}

/* params' shape in ctx, made when new, with one more reference; NULL when out of memory. */
static struct check_shape *shape_get(struct check_ctx *ctx, const struct check_params *params)
{
	size_t len;
	char *key = shape_key(params, &len);
	if (!key)
		return NULL;
	uint32_t hash = fnv1a_bytes(key, len);
	struct check_shape *s = NULL, **chain = NULL;
	if (ctx->shapes || (ctx->shapes = calloc(CHECK_SHAPE_CHAINS, sizeof(*ctx->shapes)))) {
		chain = &ctx->shapes[hash % CHECK_SHAPE_CHAINS];
		for (s = *chain; s && (s->hash != hash || strcmp(s->key, key) != 0); s = s->next)
			;
	}
	if (!s && chain && (s = calloc(1, sizeof(*s) + len + 1))) {
		if (check_params_copy(&s->params, params) < 0) {
			free(s);
			s = NULL;
		} else {
			memset(&s->params.target, 0, sizeof(s->params.target));
			s->params.line = 0;
			s->hash = hash;
			memcpy(s->key, key, len + 1);
			s->next = *chain;
			*chain = s;
			ctx->nshapes++;
		}
	}
	free(key);
	if (s)
		s->refs++;
	return s;
}

static void shape_put(struct check_ctx *ctx, struct check_shape *shape)
{
	if (--shape->refs)
		return;
	struct check_shape **at = &ctx->shapes[shape->hash % CHECK_SHAPE_CHAINS];
	while (*at != shape)
		at = &(*at)->next;
	*at = shape->next;
	check_params_free(&shape->params);
	free(shape);
	if (--ctx->nshapes == 0) {
		free(ctx->shapes);
		ctx->shapes = NULL;
	}
}

int check_probe_init(struct check_probe *p, struct check_ctx *ctx, const struct check_params *params)
{
	memset(p, 0, sizeof(*p));
	if (params->type < 0 || params->type > CONF_CHECK_PING)
		return -1;
	struct check_shape *shape = shape_get(ctx, params);
	if (!shape)
		return -1;
	p->ctx = ctx;
	p->params = &shape->params;
	p->target = params->target;
	return 0;
}

struct check_probe *check_probe_new(struct check_ctx *ctx, const struct check_params *params)
{
	struct check_probe *p = malloc(sizeof(*p));
	if (p && check_probe_init(p, ctx, params) != 0) {
		free(p);
		p = NULL;
	}
	return p;
}

const struct check_params *check_probe_params(const struct check_probe *probe)
{
	return probe->params;
}

const union check_addr *check_probe_target(const struct check_probe *probe)
{
	return &probe->target;
}

/* The target is copied whole from params check_params_from_conf zeroed
 * first, padding included, so its bytes compare. */
bool check_probe_alike(const struct check_probe *a, const struct check_probe *b)
{
	return a->params == b->params && memcmp(&a->target, &b->target, sizeof(a->target)) == 0;
}

uint32_t check_probe_hash(const struct check_probe *probe)
{
	return fnv1a_bytes(&probe->target, sizeof(probe->target)) ^ (uint32_t)((uintptr_t)probe->params >> 4);
}

bool check_probe_running(const struct check_probe *probe)
{
	return probe->attempt != NULL;
}

static void release(struct check_attempt *a)
{
	struct loop *loop = a->probe->ctx->loop;
	loop_timer_cancel(loop, &a->deadline);
	if (a->fd >= 0) {
		loop_io_stop(loop, &a->io);
		close(a->fd);
		a->fd = -1;
	}
	if (a->ops->cleanup)
		a->ops->cleanup(a);
	a->probe->attempt = NULL;
	a->probe->ctx->running--;
}

static void finish(struct check_attempt *a, bool ok, int misc_status, const char *error)
{
	if (a->finished)
		return;
	a->finished = true;
	struct check_result r = { .ok = ok, .misc_status = misc_status, .tls_resumed = a->tls_resumed,
				  .has_digest = a->has_digest };
	memcpy(r.digest, a->digest, sizeof(r.digest));
	uint64_t now = check_now_us();
	r.latency_us = now - a->started_us > UINT32_MAX ? UINT32_MAX : (uint32_t)(now - a->started_us);
	if (!ok)
		snprintf(r.error, sizeof(r.error), "%s", error && error[0] ? error : "failed");
	struct check_probe *probe = a->probe;
	check_done_fn *done = a->done;
	void *arg = a->done_arg;
	release(a);
	free(a);
	if (done)
		done(probe, &r, arg);
}

void check_finish(struct check_attempt *a, bool ok, const char *fmt, ...)
{
	char error[CHECK_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error, sizeof(error), fmt, ap);
	va_end(ap);
	finish(a, ok, -1, error);
}

void check_succeed(struct check_attempt *a)
{
	finish(a, true, -1, NULL);
}

void check_finish_misc(struct check_attempt *a, bool ok, int misc_status, const char *fmt, ...)
{
	char error[CHECK_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error, sizeof(error), fmt, ap);
	va_end(ap);
	finish(a, ok, misc_status, error);
}

/* The deadline timer first serves as the kick that starts the attempt on
 * the next loop turn, so done never runs inside check_probe_start. */
static void on_deadline(struct loop *loop, struct loop_timer *timer)
{
	(void)loop;
	struct check_attempt *a = timer->arg;
	if (!a->started) {
		a->started = true;
		a->started_us = check_now_us();
		a->phase = "connect";
		a->deadline_ms = a->probe->params->connect_timeout_ms;
		loop_timer_arm(a->probe->ctx->loop, &a->deadline, a->deadline_ms);
		a->ops->start(a);
		return;
	}
	if (a->ops->timeout)
		a->ops->timeout(a);
	else
		check_finish(a, false, "timed out after %u ms (%s)", a->deadline_ms, a->phase);
}

void check_arm_deadline(struct check_attempt *a, unsigned ms)
{
	a->deadline_ms = ms;
	loop_timer_arm(a->probe->ctx->loop, &a->deadline, ms);
}

int check_probe_start(struct check_probe *probe, int url_index, check_done_fn *done, void *arg)
{
	if (probe->attempt)
		return -1;
	const struct check_ops *ops = ops_by_type[probe->params->type];
	struct check_attempt *a = calloc(1, ops->attempt_size);
	if (!a)
		return -1;
	a->probe = probe;
	a->ops = ops;
	a->done = done;
	a->done_arg = arg;
	a->url_index = url_index;
	a->fd = -1;
	a->started_us = check_now_us();
	loop_timer_init(&a->deadline, on_deadline, a);
	if (loop_timer_arm(probe->ctx->loop, &a->deadline, 0) < 0) {
		free(a);
		return -1;
	}
	probe->attempt = a;
	probe->ctx->running++;
	return 0;
}

void check_probe_cancel(struct check_probe *probe)
{
	struct check_attempt *a = probe->attempt;
	if (!a)
		return;
	a->finished = true;
	release(a);
	free(a);
}

void check_probe_release(struct check_probe *probe)
{
	if (!probe->params)
		return;
	check_probe_cancel(probe);
	if (probe->params->type == CONF_CHECK_SSL && probe->tls_session && check_tls_session_free)
		check_tls_session_free(probe->tls_session);
	shape_put(probe->ctx, (struct check_shape *)((char *)probe->params - offsetof(struct check_shape, params)));
	probe->params = NULL;
}

void check_probe_free(struct check_probe *probe)
{
	if (!probe)
		return;
	check_probe_release(probe);
	free(probe);
}

/* ---- sockets ---- */

unsigned check_addr_port(const union check_addr *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->sin6.sin6_port : a->sin.sin_port);
}

const char *check_addr_str(const union check_addr *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = check_addr_port(a);
	if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->sin6.sin6_addr, ip, sizeof(ip));
		if (port)
			snprintf(buf, size, "[%s]:%u", ip, port);
		else
			snprintf(buf, size, "%s", ip);
	} else {
		if (a->sa.sa_family == AF_INET)
			inet_ntop(AF_INET, &a->sin.sin_addr, ip, sizeof(ip));
		if (port)
			snprintf(buf, size, "%s:%u", ip, port);
		else
			snprintf(buf, size, "%s", ip);
	}
	return buf;
}

static socklen_t addr_len(const union check_addr *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->sin6) : sizeof(a->sin);
}

int check_socket_error(int fd)
{
	int e = 0;
	socklen_t len = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return errno;
	return e;
}

int check_connect(struct check_attempt *a, int type, int protocol, loop_io_fn *cb)
{
	const struct check_params *p = a->probe->params;
	const union check_addr *target = &a->probe->target;
	int fd = socket(target->sa.sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (fd < 0) {
		check_finish(a, false, "socket: %s", strerror(errno));
		return -1;
	}
	a->fd = fd;
	loop_io_init(&a->io, fd, cb, a);
	if (p->fwmark && setsockopt(fd, SOL_SOCKET, SO_MARK, &p->fwmark, sizeof(p->fwmark)) < 0) {
		check_finish(a, false, "fwmark %u: %s", (unsigned)p->fwmark, strerror(errno));
		return -1;
	}
	if (p->bind_if[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->bind_if, (socklen_t)strlen(p->bind_if)) < 0) {
		check_finish(a, false, "bind_if %s: %s", p->bind_if, strerror(errno));
		return -1;
	}
	if (p->bind.sa.sa_family) {
		int one = 1;
		/* a fixed bind_port is reused attempt after attempt */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, &p->bind.sa, addr_len(&p->bind)) < 0) {
			char buf[64];
			check_finish(a, false, "bind %s: %s", check_addr_str(&p->bind, buf, sizeof(buf)), strerror(errno));
			return -1;
		}
	}
	if (connect(fd, &target->sa, addr_len(target)) < 0 && errno != EINPROGRESS) {
		check_finish(a, false, "connect: %s", strerror(errno));
		return -1;
	}
	if (loop_io_watch(a->probe->ctx->loop, &a->io, LOOP_WRITE) < 0) {
		check_finish(a, false, "epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}
