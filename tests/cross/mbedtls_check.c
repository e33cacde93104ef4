/*
 * mbedtls_check.c - proves the mbedTLS built for one target works and is
 * configured as checkd's SSL_GET needs: a TLS 1.2 client with AEAD suites.
 *
 * Usage: mbedtls_check INPUT SHA256HEX SHA384HEX SHA1HEX CERT.pem CN
 * The expected digests and the certificate come from independent tools run
 * by tests/cross/run.sh at test time (sha256sum, sha384sum, sha1sum,
 * openssl req). SHA-1's block function is ours (toolchain/mbedtls-sha1.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/x509_crt.h>
#include "unit.h"

/* Reads a whole file plus a terminating NUL (mbedTLS's PEM parser wants
 * the NUL counted in the length). */
static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	unsigned char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			unsigned char *bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = n + 1;
	}
	return buf;
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

static void check_digests(const char *path, const char *want256, const char *want384, const char *want1)
{
	size_t len;
	unsigned char *data = read_file(path, &len);
	CHECK(data != NULL, "digest input %s readable", path);
	if (!data)
		return;
	len--; /* the NUL read_file added is not part of the input */
	unsigned char digest[64];
	char hex[129];

	CHECK(mbedtls_sha256_ret(data, len, digest, 0) == 0, "SHA-256 runs");
	to_hex(digest, 32, hex);
	CHECK(strcmp(hex, want256) == 0, "SHA-256 of %zu bytes equals sha256sum's (%s)", len, hex);

	CHECK(mbedtls_sha512_ret(data, len, digest, 1) == 0, "SHA-384 runs");
	to_hex(digest, 48, hex);
	CHECK(strcmp(hex, want384) == 0, "SHA-384 of %zu bytes equals sha384sum's", len);

	CHECK(mbedtls_sha1_ret(data, len, digest) == 0, "SHA-1 runs");
	to_hex(digest, 20, hex);
	CHECK(strcmp(hex, want1) == 0, "SHA-1 of %zu bytes equals sha1sum's (%s)", len, hex);
	/* FIPS 180-2 appendix A's two-block message, fed in uneven pieces */
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	mbedtls_sha1_context c;
	mbedtls_sha1_init(&c);
	mbedtls_sha1_starts_ret(&c);
	mbedtls_sha1_update_ret(&c, (const unsigned char *)two_blocks, 5);
	mbedtls_sha1_update_ret(&c, (const unsigned char *)two_blocks + 5, sizeof(two_blocks) - 6);
	mbedtls_sha1_finish_ret(&c, digest);
	mbedtls_sha1_free(&c);
	to_hex(digest, 20, hex);
	CHECK(strcmp(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1") == 0, "SHA-1 of FIPS 180-2's two-block example (%s)", hex);
	free(data);
}

static void check_certificate(const char *path, const char *cn)
{
	size_t len;
	unsigned char *pem = read_file(path, &len);
	CHECK(pem != NULL, "certificate %s readable", path);
	if (!pem)
		return;
	mbedtls_x509_crt crt;
	mbedtls_x509_crt_init(&crt);
	int rc = mbedtls_x509_crt_parse(&crt, pem, len);
	CHECK(rc == 0, "X.509: openssl's PEM certificate parses (rc -0x%04x)", (unsigned)-rc);
	if (rc == 0) {
		char subject[256];
		mbedtls_x509_dn_gets(subject, sizeof(subject), &crt.subject);
		char want[300];
		snprintf(want, sizeof(want), "CN=%s", cn);
		CHECK(strcmp(subject, want) == 0, "X.509: subject is %s (got %s)", want, subject);
		CHECK(mbedtls_pk_get_type(&crt.pk) == MBEDTLS_PK_ECKEY, "X.509: key is an EC key");

		/* Self-signed: verifying it with itself as the CA exercises the
		 * ECDSA/SHA-256 path and the validity dates. */
		uint32_t flags = 0;
		rc = mbedtls_x509_crt_verify(&crt, &crt, NULL, cn, &flags, NULL, NULL);
		CHECK(rc == 0 && flags == 0, "X.509: verifies against itself as CA for name %s (flags 0x%x)", cn, (unsigned)flags);
		flags = 0;
		rc = mbedtls_x509_crt_verify(&crt, &crt, NULL, "other.example", &flags, NULL, NULL);
		CHECK(rc != 0 && (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH), "X.509: a different host name is refused");
	}
	mbedtls_x509_crt_free(&crt);
	free(pem);
}

/* Every suite the library offers must be a TLS 1.2 AEAD suite with an
 * ECDHE or RSA key exchange; the ones SSL_GET relies on must be there. */
static void check_ciphersuites(void)
{
	const int *ids = mbedtls_ssl_list_ciphersuites();
	int total = 0, bad = 0;
	int ecdhe_rsa_gcm = 0, ecdhe_ecdsa_chacha = 0, rsa_gcm384 = 0;
	for (; *ids; ids++) {
		const mbedtls_ssl_ciphersuite_t *cs = mbedtls_ssl_ciphersuite_from_id(*ids);
		total++;
		const char *name = cs->name;
		int aead = strstr(name, "-GCM-") || strstr(name, "-CHACHA20-POLY1305-");
		int kx = strncmp(name, "TLS-ECDHE-RSA-", 14) == 0 || strncmp(name, "TLS-ECDHE-ECDSA-", 16) == 0 ||
			strncmp(name, "TLS-RSA-WITH-", 13) == 0;
		int tls12 = cs->min_minor_ver <= MBEDTLS_SSL_MINOR_VERSION_3 && cs->max_minor_ver >= MBEDTLS_SSL_MINOR_VERSION_3;
		if (!aead || !kx || !tls12) {
			printf("# unexpected ciphersuite %s\n", name);
			bad++;
		}
		ecdhe_rsa_gcm |= strcmp(name, "TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256") == 0;
		ecdhe_ecdsa_chacha |= strcmp(name, "TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256") == 0;
		rsa_gcm384 |= strcmp(name, "TLS-RSA-WITH-AES-256-GCM-SHA384") == 0;
	}
	CHECK(total > 0 && bad == 0, "config: all %d ciphersuites are TLS 1.2 AEAD with ECDHE or RSA key exchange", total);
	CHECK(ecdhe_rsa_gcm && ecdhe_ecdsa_chacha && rsa_gcm384,
		"config: ECDHE-RSA AES-GCM, ECDHE-ECDSA ChaCha20-Poly1305 and RSA AES-256-GCM-SHA384 offered");
}

/* A client context configures with the pieces SSL_GET uses. */
static void check_client_setup(void)
{
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config conf;
	mbedtls_ssl_context ssl;
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_ssl_config_init(&conf);
	mbedtls_ssl_init(&ssl);

	int rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)"lvsbox", 6);
	CHECK(rc == 0, "entropy: CTR_DRBG seeds from the platform source (rc -0x%04x)", (unsigned)-rc);
	rc = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	CHECK(rc == 0, "TLS: client defaults load");
	mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
	mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	CHECK(mbedtls_ssl_setup(&ssl, &conf) == 0, "TLS: a client context sets up");
	CHECK(mbedtls_ssl_set_hostname(&ssl, "real1.example") == 0, "TLS: SNI host name accepted");

	mbedtls_ssl_free(&ssl);
	mbedtls_ssl_config_free(&conf);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: %s INPUT SHA256HEX SHA384HEX SHA1HEX CERT.pem CN\n", argv[0]);
		return 2;
	}
	check_digests(argv[1], argv[2], argv[3], argv[4]);
	check_certificate(argv[5], argv[6]);
	check_ciphersuites();
	check_client_setup();

	/* What must stay out of the build, checked against the library's own
	 * compiled-in configuration. */
#if defined(MBEDTLS_SSL_SRV_C) || defined(MBEDTLS_SSL_PROTO_SSL3) || defined(MBEDTLS_SSL_PROTO_TLS1) || \
	defined(MBEDTLS_SSL_PROTO_TLS1_1) || defined(MBEDTLS_SSL_PROTO_DTLS) || defined(MBEDTLS_CIPHER_MODE_CBC) || \
	defined(MBEDTLS_KEY_EXCHANGE_PSK_ENABLED) || defined(MBEDTLS_FS_IO) || defined(MBEDTLS_NET_C) || \
	defined(MBEDTLS_DES_C) || defined(MBEDTLS_ARC4_C) || defined(MBEDTLS_MD5_C) || defined(MBEDTLS_SELF_TEST)
	CHECK(0, "config: no server, no pre-1.2 TLS or DTLS, no CBC/DES/RC4/MD5/PSK, no file or socket code");
#else
	CHECK(1, "config: no server, no pre-1.2 TLS or DTLS, no CBC/DES/RC4/MD5/PSK, no file or socket code");
#endif
	return unit_exit();
}
