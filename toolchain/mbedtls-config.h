/*
 * mbedtls-config.h - the mbedTLS 2.28 build configuration of lvsbox.
 *
 * checkd's SSL_GET needs a TLS 1.2 client and nothing else: no server side,
 * no SSL 3.0 / TLS 1.0 / 1.1 / DTLS, no PSK, no CBC or legacy ciphers, no
 * file system access (CA certificates are read by checkd and handed over as
 * a buffer). toolchain/mbedtls.sh installs this file as mbedtls/config.h, so
 * code that includes mbedTLS headers sees the same options the library was
 * built with. The cross suite checks the option set against this list.
 */
#ifndef LVSBOX_MBEDTLS_CONFIG_H
#define LVSBOX_MBEDTLS_CONFIG_H

/* Platform: POSIX with a clock and a calendar (certificate validity). */
/* Assembly for bignum's multiply loop, except where the arch asks for C
 * (mipsel: bignum.c in MIPS16e, which the assembly cannot be). */
#ifndef LVSBOX_MBEDTLS_C_BIGNUM
#define MBEDTLS_HAVE_ASM
#endif
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE

/* Protocol: TLS 1.2 client with the extensions servers expect today. */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE

/* Key exchange: ECDHE with RSA or ECDSA certificates, and plain RSA for old
 * real servers that offer nothing else. */
#define MBEDTLS_KEY_EXCHANGE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
/* Generic curve arithmetic only: no NIST fast reduction and no precomputed
 * base-point tables. A handshake's ECDHE costs more CPU (one per check
 * interval and server, resumed sessions skip it) for less code and RAM. */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_PKCS1_V15

/* Record protection: AEAD only (so no encrypt-then-MAC, which only CBC
 * suites use). One AES table in ROM instead of four: a few cycles per
 * block for 6 KiB less on every target. */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C

/* Hashes: SHA-256 and SHA-384 (SHA-512 code) for handshakes and signatures;
 * SHA-1 because many deployed certificate chains still carry it. */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C
/* Rolled loops instead of unrolled rounds: the few KiB hashed per health
 * check do not notice, the binary does (docs/size.md). */
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_SMALLER
#define MBEDTLS_SHA1_C
/* SHA-1's block function is ours, a loop (toolchain/mbedtls-sha1.c). */
#define MBEDTLS_SHA1_PROCESS_ALT

/* Public keys and certificates, for optional CA verification. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_RSA_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C

/* Randomness: the kernel's getrandom/urandom through mbedTLS's default
 * entropy source, stretched by CTR_DRBG. */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* No MBEDTLS_ERROR_C: its text for every error is 15 KiB on mipsel;
 * check_tls.c names the reasons a health check meets itself. */

/* Health checks exchange a request and the head of a response; 4 KiB
 * outgoing records keep each TLS context small on a 32 MB router, while
 * incoming records must stay at the protocol maximum. */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096

/* The suites this configuration can do, in the order mbedTLS would offer
 * them: without this list mbedTLS keeps its table of every suite it knows
 * (0.8 KiB) and filters it at run time. */
#define MBEDTLS_SSL_CIPHERSUITES \
	MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, \
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, \
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, \
	MBEDTLS_TLS_RSA_WITH_AES_256_GCM_SHA384, \
	MBEDTLS_TLS_RSA_WITH_AES_128_GCM_SHA256

#include "mbedtls/check_config.h"
#endif
