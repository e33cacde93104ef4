/*
 * check_tls.c - the mbedTLS side of SSL_GET: one shared client
 * configuration per checkd (random generator, optional CA chain and client
 * certificate from the global SSL block), a non-blocking TLS connection
 * over the checker's socket, and one resumable session kept per probe so
 * the next check of the same server skips the full handshake.
 *
 * It lives in core/tls/, outside the core/ wildcard, because only builds
 * that link mbedTLS (the shipped binary, the dev build) compile it;
 * check_int.h declares its functions weak so other builds link without it.
 */
#include "check_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#define TLS_MAX_PEM_FILE (1 << 20)

struct check_tls {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt ca, cert;
	mbedtls_pk_context key;
	unsigned users;             /* connections set up on conf */
	bool retired;               /* replaced by a reload: freed with its last user */
};

struct check_tls_conn {
	mbedtls_ssl_context ssl;
	struct check_tls *tls;      /* whose conf ssl was set up with */
	struct check_probe *probe;
	int fd;
	int io_errno;               /* why the socket failed, for the error text */
	bool offered_session, resumed;
};

/*
 * The reasons a health check meets, in our words (files are read here,
 * not by mbedTLS, and a CA is always loaded before verification is
 * asked for, so those errors cannot come). mbedTLS's own table of every
 * error text (MBEDTLS_ERROR_C) is 15 KiB of the mipsel binary; any other
 * error is shown by its number, which mbedTLS's error.h names.
 */
static const struct { int code; const char *text; } tls_reasons[] = {
	{ MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, "the server sent a fatal alert" },
	{ MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY, "the server closed the connection" },
	{ MBEDTLS_ERR_SSL_CONN_EOF, "the connection ended" },
	{ MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE, "no cipher suite in common with the server" },
	{ MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION, "the server's TLS version is not 1.2" },
	{ MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO, "not a TLS server hello" },
	{ MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE, "the server's certificate message is bad" },
	{ MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE, "the server's key exchange is bad" },
	{ MBEDTLS_ERR_SSL_BAD_HS_FINISHED, "the handshake did not finish" },
	{ MBEDTLS_ERR_SSL_INVALID_RECORD, "not a TLS record" },
	{ MBEDTLS_ERR_SSL_INVALID_MAC, "a record failed its integrity check" },
	{ MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE, "an unexpected handshake message" },
	{ MBEDTLS_ERR_SSL_PEER_VERIFY_FAILED, "the server's certificate was not verified" },
	{ MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH, "the key does not fit the certificate" },
	{ MBEDTLS_ERR_SSL_ALLOC_FAILED, "out of memory" },
	{ MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "bad input" },
	{ MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, "certificate verification failed" },
	{ MBEDTLS_ERR_X509_INVALID_FORMAT, "not a certificate" },
	{ MBEDTLS_ERR_X509_INVALID_DATE, "a certificate date is bad" },
	{ MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG, "a certificate's signature algorithm is not supported" },
	{ MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT, "no certificate in the file" },
	{ MBEDTLS_ERR_X509_ALLOC_FAILED, "out of memory" },
	{ MBEDTLS_ERR_PK_KEY_INVALID_FORMAT, "not a private key" },
	{ MBEDTLS_ERR_PK_KEY_INVALID_VERSION, "a private key of an unknown version" },
	{ MBEDTLS_ERR_PK_UNKNOWN_PK_ALG, "a private key of an unsupported kind" },
	{ MBEDTLS_ERR_PK_PASSWORD_REQUIRED, "the private key needs a password" },
	{ MBEDTLS_ERR_PK_PASSWORD_MISMATCH, "the password does not open the private key" },
	{ MBEDTLS_ERR_PK_TYPE_MISMATCH, "the key does not fit the certificate" },
	{ MBEDTLS_ERR_PK_ALLOC_FAILED, "out of memory" },
	{ MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT, "no PEM block in the file" },
	{ MBEDTLS_ERR_PEM_INVALID_DATA, "a PEM block is bad" },
	{ MBEDTLS_ERR_PEM_PASSWORD_REQUIRED, "the private key needs a password" },
	{ MBEDTLS_ERR_PEM_PASSWORD_MISMATCH, "the password does not open the private key" },
	{ MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED, "no entropy for the random generator" },
};

/* "WHAT: reason (mbedTLS -0xNNNN)". A module's code (SSL, X509, PK, PEM)
 * may carry a lower layer's (ASN.1, bignum) in its low 7 bits: the module's
 * part names the reason. */
static void tls_error(char *err, size_t errsize, const char *what, int ret)
{
	int code = ret < 0 ? -ret : ret;
	int key = code & 0xFF80 ? -(code & 0xFF80) : -code;
	const char *reason = NULL;
	for (size_t i = 0; i < sizeof(tls_reasons) / sizeof(tls_reasons[0]) && !reason; i++)
		if (tls_reasons[i].code == key)
			reason = tls_reasons[i].text;
	snprintf(err, errsize, "%s: %s (mbedTLS -0x%04X)", what, reason ? reason : "TLS error", (unsigned)code);
}

/* Whole PEM file, NUL-terminated as mbedTLS's PEM parsers want it. */
static unsigned char *read_pem(const char *path, size_t *len, char *err, size_t errsize)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size > TLS_MAX_PEM_FILE) {
		snprintf(err, errsize, "%s: %s", path, fd < 0 ? strerror(errno) : "too large");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	unsigned char *buf = malloc((size_t)st.st_size + 1);
	ssize_t n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		snprintf(err, errsize, "%s: cannot read", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n + 1;
	return buf;
}

static void tls_free(struct check_tls *t)
{
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_entropy_free(&t->entropy);
	mbedtls_x509_crt_free(&t->ca);
	mbedtls_x509_crt_free(&t->cert);
	mbedtls_pk_free(&t->key);
	free(t);
}

static struct check_tls *tls_setup(const struct check_ssl_conf *ssl, char *err, size_t errsize)
{
	struct check_tls *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	mbedtls_entropy_init(&t->entropy);
	mbedtls_ctr_drbg_init(&t->drbg);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_x509_crt_init(&t->ca);
	mbedtls_x509_crt_init(&t->cert);
	mbedtls_pk_init(&t->key);

	static const unsigned char personal[] = "lvsbox checkd";
	int ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy, personal, sizeof(personal));
	if (ret) {
		tls_error(err, errsize, "random seed", ret);
		goto fail;
	}
	ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
					  MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret) {
		tls_error(err, errsize, "TLS configuration", ret);
		goto fail;
	}
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_NONE);

	size_t len;
	unsigned char *pem;
	if (ssl->ca) {
		if (!(pem = read_pem(ssl->ca, &len, err, errsize)))
			goto fail;
		ret = mbedtls_x509_crt_parse(&t->ca, pem, len);
		free(pem);
		if (ret > 0) {
			snprintf(err, errsize, "%s: %d of its certificates do not parse", ssl->ca, ret);
			goto fail;
		}
		if (ret) {
			tls_error(err, errsize, ssl->ca, ret);
			goto fail;
		}
		mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
		mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	}
	if (ssl->certificate && ssl->key) {
		if (!(pem = read_pem(ssl->certificate, &len, err, errsize)))
			goto fail;
		ret = mbedtls_x509_crt_parse(&t->cert, pem, len);
		free(pem);
		if (ret) {
			tls_error(err, errsize, ssl->certificate, ret);
			goto fail;
		}
		if (!(pem = read_pem(ssl->key, &len, err, errsize)))
			goto fail;
		const char *pw = ssl->password ? ssl->password : "";
		ret = mbedtls_pk_parse_key(&t->key, pem, len, (const unsigned char *)pw, strlen(pw));
		free(pem);
		if (ret) {
			tls_error(err, errsize, ssl->key, ret);
			goto fail;
		}
		ret = mbedtls_ssl_conf_own_cert(&t->conf, &t->cert, &t->key);
		if (ret) {
			tls_error(err, errsize, "client certificate", ret);
			goto fail;
		}
	}
	return t;
fail:
	tls_free(t);
	return NULL;
}

/* A connection may still be set up on t's conf: free t with its last user. */
static void tls_retire(struct check_tls *t)
{
	if (!t)
		return;
	if (t->users == 0)
		tls_free(t);
	else
		t->retired = true;
}

void check_tls_ctx_free(struct check_ctx *ctx)
{
	tls_retire(ctx->tls);
	ctx->tls = NULL;
}

int check_tls_ctx_replace(struct check_ctx *ctx, const struct check_ssl_conf *ssl, char *err, size_t errsize)
{
	struct check_tls *t = NULL;
	/* Without files there is nothing to check now; the context is made
	 * by the next SSL_GET as at start. */
	if ((ssl->ca || ssl->certificate || ssl->key) && !(t = tls_setup(ssl, err, errsize)))
		return -1;
	tls_retire(ctx->tls);
	ctx->tls = t;
	ctx->ssl = *ssl;
	ctx->tls_generation++;
	return 0;
}

static int bio_send(void *arg, const unsigned char *buf, size_t len)
{
	struct check_tls_conn *c = arg;
	ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	c->io_errno = errno;
	return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

static int bio_recv(void *arg, unsigned char *buf, size_t len)
{
	struct check_tls_conn *c = arg;
	ssize_t n = recv(c->fd, buf, len, 0);
	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_READ;
	c->io_errno = errno;
	return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

struct check_tls_conn *check_tls_open(struct check_probe *probe, int fd, const char *sni,
	char *err, size_t errsize)
{
	struct check_ctx *ctx = probe->ctx;
	if (!ctx->tls && !(ctx->tls = tls_setup(&ctx->ssl, err, errsize)))
		return NULL;
	struct check_tls_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	c->probe = probe;
	c->fd = fd;
	c->tls = ctx->tls;
	c->tls->users++;
	/* a session from before a new SSL block would skip its verification */
	if (probe->tls_session && probe->cache_generation != ctx->tls_generation) {
		check_tls_session_free(probe->tls_session);
		probe->tls_session = NULL;
	}
	mbedtls_ssl_init(&c->ssl);
	int ret = mbedtls_ssl_setup(&c->ssl, &ctx->tls->conf);
	if (!ret && sni)
		ret = mbedtls_ssl_set_hostname(&c->ssl, sni);
	if (!ret && probe->tls_session) {
		/* a session the server no longer knows just costs a full handshake */
		c->offered_session = mbedtls_ssl_set_session(&c->ssl, probe->tls_session) == 0;
	}
	if (ret) {
		tls_error(err, errsize, "TLS setup", ret);
		check_tls_close(c, false);
		return NULL;
	}
	mbedtls_ssl_set_bio(&c->ssl, c, bio_send, bio_recv, NULL);
	return c;
}

static int io_failure(struct check_tls_conn *c, int ret, const char *what, char *err, size_t errsize)
{
	if (ret == MBEDTLS_ERR_SSL_INTERNAL_ERROR && c->io_errno)
		snprintf(err, errsize, "%s: %s", what, strerror(c->io_errno));
	else
		tls_error(err, errsize, what, ret);
	return CHECK_TLS_ERROR;
}

/* Keeps what a resumption needs; a resumed handshake reuses the master secret. */
static void keep_session(struct check_tls_conn *c)
{
	mbedtls_ssl_session *s = c->probe->tls_session;
	unsigned char old_master[48];
	bool had = s != NULL;
	if (had)
		memcpy(old_master, s->master, sizeof(old_master));
	if (!s) {
		if (!(s = malloc(sizeof(*s))))
			return;
		mbedtls_ssl_session_init(s);
		c->probe->tls_session = s;
	} else {
		mbedtls_ssl_session_free(s);
		mbedtls_ssl_session_init(s);
	}
	if (mbedtls_ssl_get_session(&c->ssl, s) != 0) {
		mbedtls_ssl_session_free(s);
		free(s);
		c->probe->tls_session = NULL;
		return;
	}
	c->probe->cache_generation = c->probe->ctx->tls_generation;
	c->resumed = had && c->offered_session && memcmp(old_master, s->master, sizeof(old_master)) == 0;
}

int check_tls_handshake(struct check_tls_conn *c, char *err, size_t errsize)
{
	int ret = mbedtls_ssl_handshake(&c->ssl);
	if (ret == MBEDTLS_ERR_SSL_WANT_READ)
		return CHECK_TLS_WANT_READ;
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return CHECK_TLS_WANT_WRITE;
	if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
		char why[128];
		mbedtls_x509_crt_verify_info(why, sizeof(why), "", mbedtls_ssl_get_verify_result(&c->ssl));
		why[strcspn(why, "\n")] = '\0';
		snprintf(err, errsize, "certificate verification failed: %s", why);
		return CHECK_TLS_ERROR;
	}
	if (ret == MBEDTLS_ERR_SSL_CONN_EOF) {
		snprintf(err, errsize, "connection closed by the server");
		return CHECK_TLS_ERROR;
	}
	if (ret)
		return io_failure(c, ret, "handshake", err, errsize);
	keep_session(c);
	return CHECK_TLS_OK;
}

static long io_result(struct check_tls_conn *c, int ret, const char *what, char *err, size_t errsize)
{
	if (ret > 0)
		return ret;
	if (ret == MBEDTLS_ERR_SSL_WANT_READ)
		return CHECK_TLS_WANT_READ;
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return CHECK_TLS_WANT_WRITE;
	if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF)
		return CHECK_TLS_EOF;
	return io_failure(c, ret, what, err, errsize);
}

long check_tls_write(struct check_tls_conn *c, const void *buf, size_t len, char *err, size_t errsize)
{
	return io_result(c, mbedtls_ssl_write(&c->ssl, buf, len), "TLS write", err, errsize);
}

long check_tls_read(struct check_tls_conn *c, void *buf, size_t len, char *err, size_t errsize)
{
	return io_result(c, mbedtls_ssl_read(&c->ssl, buf, len), "TLS read", err, errsize);
}

bool check_tls_resumed(const struct check_tls_conn *c)
{
	return c->resumed;
}

void check_tls_close(struct check_tls_conn *c, bool keep)
{
	(void)keep;   /* the session is kept right after the handshake */
	struct check_tls *t = c->tls;
	mbedtls_ssl_free(&c->ssl);
	free(c);
	if (--t->users == 0 && t->retired)
		tls_free(t);
}

void check_tls_session_free(void *session)
{
	mbedtls_ssl_session_free(session);
	free(session);
}
