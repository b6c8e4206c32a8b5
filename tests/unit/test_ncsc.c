/* test_ncsc.c: spot checks of the NCSC TLS guideline tables, 2025-05 and 2.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "ncsc.h"
#include "peil.pb-c.h"

#define G NCSC_GOOD
#define S NCSC_SUFFICIENT
#define P NCSC_PHASE_OUT
#define I NCSC_INSUFFICIENT

/* One expectation per guideline: the level in 2025-05 and in 2.1. */
struct vec {
	unsigned id;
	enum ncsc_level v2025, v21;
};

static const struct ncsc *g25, *g21;

static int
setup(void **state)
{
	(void)state;
	g25 = ncsc_find(NCSC_ID_2025_05);
	g21 = ncsc_find(NCSC_ID_2_1);
	return g25 != NULL && g21 != NULL ? 0 : -1;
}

static void
test_find(void **state)
{
	(void)state;
	assert_ptr_equal(ncsc_default(), g25);
	assert_ptr_not_equal(g25, g21);
	assert_string_equal(ncsc_id(g25), "ncsc-tls-2025-05");
	assert_string_equal(ncsc_id(g21), "ncsc-tls-2.1");
	assert_null(ncsc_find("ncsc-tls-2.0"));
	assert_null(ncsc_find(""));
	assert_null(ncsc_find(NULL));
	assert_null(ncsc_find("NCSC-TLS-2025-05"));
}

static void
test_versions(void **state)
{
	static const struct vec v[] = {
		{ 0x0304, G, G }, /* TLS 1.3 */
		{ 0x0303, S, S }, /* TLS 1.2 */
		{ 0x0302, I, P }, /* TLS 1.1 */
		{ 0x0301, I, P }, /* TLS 1.0 */
		{ 0x0300, I, I }, /* SSL 3 */
		{ 0x0002, I, I }, /* SSL 2 */
		{ 0x0200, I, I },
		{ 0x0305, I, I }, /* unknown */
		{ 0x7F1C, I, I }, /* TLS 1.3 draft */
		{ 0xFEFD, I, I }, /* DTLS 1.2 is not TLS */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(ncsc_version(g25, (uint16_t)v[i].id), v[i].v2025);
		assert_int_equal(ncsc_version(g21, (uint16_t)v[i].id), v[i].v21);
	}
}

static void
test_ciphers(void **state)
{
	static const struct vec v[] = {
		{ 0x1302, G, G }, /* TLS_AES_256_GCM_SHA384 */
		{ 0x1303, G, G }, /* TLS_CHACHA20_POLY1305_SHA256 */
		{ 0x1301, S, G }, /* TLS_AES_128_GCM_SHA256 */
		{ 0x1304, S, I }, /* TLS_AES_128_CCM_SHA256 */
		{ 0x1305, I, I }, /* TLS_AES_128_CCM_8_SHA256 */
		{ 0xC02C, S, G }, /* ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 */
		{ 0xC02F, S, G }, /* ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
		{ 0xCCA8, S, G }, /* ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
		{ 0xC0AD, S, I }, /* ECDHE_ECDSA_WITH_AES_256_CCM */
		{ 0xC0AE, I, I }, /* ECDHE_ECDSA_WITH_AES_128_CCM_8 */
		{ 0xC028, P, S }, /* ECDHE_RSA_WITH_AES_256_CBC_SHA384 */
		{ 0xC023, P, S }, /* ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 */
		{ 0xC014, I, S }, /* ECDHE_RSA_WITH_AES_256_CBC_SHA */
		{ 0xC009, I, S }, /* ECDHE_ECDSA_WITH_AES_128_CBC_SHA */
		{ 0xC08B, P, I }, /* ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 */
		{ 0xC05C, P, I }, /* ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256 */
		{ 0x009F, P, S }, /* DHE_RSA_WITH_AES_256_GCM_SHA384 */
		{ 0xCCAA, P, S }, /* DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
		{ 0x0067, P, S }, /* DHE_RSA_WITH_AES_128_CBC_SHA256 */
		{ 0x0039, I, S }, /* DHE_RSA_WITH_AES_256_CBC_SHA */
		{ 0xC09E, P, I }, /* DHE_RSA_WITH_AES_128_CCM */
		{ 0x00C4, P, I }, /* DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256 */
		{ 0xC012, I, P }, /* ECDHE_RSA_WITH_3DES_EDE_CBC_SHA */
		{ 0x0016, I, P }, /* DHE_RSA_WITH_3DES_EDE_CBC_SHA */
		{ 0x009C, I, P }, /* RSA_WITH_AES_128_GCM_SHA256 */
		{ 0x002F, I, P }, /* RSA_WITH_AES_128_CBC_SHA */
		{ 0x000A, I, P }, /* RSA_WITH_3DES_EDE_CBC_SHA */
		{ 0x0005, I, I }, /* RSA_WITH_RC4_128_SHA */
		{ 0xC011, I, I }, /* ECDHE_RSA_WITH_RC4_128_SHA */
		{ 0x0001, I, I }, /* RSA_WITH_NULL_MD5 */
		{ 0x0003, I, I }, /* RSA_EXPORT_WITH_RC4_40_MD5 */
		{ 0x00A6, I, I }, /* DH_anon_WITH_AES_128_GCM_SHA256 */
		{ 0xC018, I, I }, /* ECDH_anon_WITH_AES_128_CBC_SHA */
		{ 0x00A2, I, I }, /* DHE_DSS_WITH_AES_128_GCM_SHA256 */
		{ 0x0000, I, I }, /* NULL_WITH_NULL_NULL */
		{ 0x00FF, I, I }, /* EMPTY_RENEGOTIATION_INFO_SCSV */
		{ 0x5600, I, I }, /* FALLBACK_SCSV */
		{ 0xFFFF, I, I },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(ncsc_cipher(g25, (uint16_t)v[i].id), v[i].v2025);
		assert_int_equal(ncsc_cipher(g21, (uint16_t)v[i].id), v[i].v21);
	}
}

/* Counts the ids of a 16-bit space a lookup rates better than insufficient, and checks each
 * of them has a name. */
static size_t
count_rated(const struct ncsc *g, enum ncsc_level (*rate)(const struct ncsc *, uint16_t),
    const char *(*name)(uint16_t))
{
	size_t n = 0;

	for (unsigned id = 0; id <= 0xFFFF; id++) {
		if (rate(g, (uint16_t)id) == NCSC_INSUFFICIENT)
			continue;
		n++;
		assert_non_null(name((uint16_t)id));
	}
	return n;
}

static void
test_cipher_names(void **state)
{
	(void)state;
	/* 2025-05: 4 TLS 1.3 + 8 ECDHE AEAD + 20 ECDHE phase-out + 15 DHE phase-out. */
	assert_int_equal(count_rated(g25, ncsc_cipher, ncsc_cipher_name), 47);
	/* 2.1 appendix C: 3 TLS 1.3 + 6 good + 15 sufficient + 10 phase-out. */
	assert_int_equal(count_rated(g21, ncsc_cipher, ncsc_cipher_name), 34);
	assert_string_equal(ncsc_cipher_name(0xC02F), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	assert_string_equal(ncsc_cipher_name(0x1301), "TLS_AES_128_GCM_SHA256");
	assert_string_equal(ncsc_cipher_name(0x0067), "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256");
	assert_string_equal(ncsc_cipher_name(0x000A), "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	assert_string_equal(ncsc_cipher_name(0xC049), "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384");
	assert_null(ncsc_cipher_name(0x0000));
	assert_null(ncsc_cipher_name(0xFFFF));
	/* Every name is an IANA cipher suite name. */
	for (unsigned id = 0; id <= 0xFFFF; id++) {
		const char *n = ncsc_cipher_name((uint16_t)id);

		if (n != NULL)
			assert_memory_equal(n, "TLS_", 4);
	}
}

static void
test_groups(void **state)
{
	static const struct vec v[] = {
		{ 0x001D, G, G }, /* x25519 */
		{ 0x001E, G, G }, /* x448 */
		{ 0x0017, G, G }, /* secp256r1 */
		{ 0x0018, G, G }, /* secp384r1 */
		{ 0x0019, G, G }, /* secp521r1 */
		{ 0x001A, G, I }, /* brainpoolP256r1 */
		{ 0x001C, G, I }, /* brainpoolP512r1 */
		{ 0x001F, G, I }, /* brainpoolP256r1tls13 */
		{ 0x0015, P, P }, /* secp224r1 */
		{ 0x0016, I, I }, /* secp256k1 */
		{ 0x0013, I, I }, /* secp192r1 */
		{ 0x11EC, G, G }, /* X25519MLKEM768 */
		{ 0x0100, I, P }, /* ffdhe2048 */
		{ 0x0101, P, S }, /* ffdhe3072 */
		{ 0x0102, P, S }, /* ffdhe4096 */
		{ 0x0104, P, S }, /* ffdhe8192 */
		{ 0x0000, I, I },
		{ 0xFF01, I, I }, /* arbitrary_explicit_prime_curves */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(ncsc_group(g25, (uint16_t)v[i].id), v[i].v2025);
		assert_int_equal(ncsc_group(g21, (uint16_t)v[i].id), v[i].v21);
	}
	assert_int_equal(count_rated(g25, ncsc_group, ncsc_group_name), 19);
	assert_int_equal(count_rated(g21, ncsc_group, ncsc_group_name), 14);
	assert_string_equal(ncsc_group_name(0x001D), "x25519");
	assert_string_equal(ncsc_group_name(0x0101), "ffdhe3072");
	assert_string_equal(ncsc_group_name(0x11EC), "X25519MLKEM768");
	assert_null(ncsc_group_name(0xFF01));
}

static void
test_ffdh(void **state)
{
	(void)state;
	/* Named RFC 7919 groups. */
	assert_int_equal(ncsc_ffdh_bits(g25, 8192, true), P);
	assert_int_equal(ncsc_ffdh_bits(g25, 4096, true), P);
	assert_int_equal(ncsc_ffdh_bits(g25, 3072, true), P);
	assert_int_equal(ncsc_ffdh_bits(g25, 2048, true), I);
	assert_int_equal(ncsc_ffdh_bits(g21, 4096, true), S);
	assert_int_equal(ncsc_ffdh_bits(g21, 3072, true), S);
	assert_int_equal(ncsc_ffdh_bits(g21, 2048, true), P);
	assert_int_equal(ncsc_ffdh_bits(g21, 1024, true), I);
	assert_int_equal(ncsc_ffdh_bits(g25, 0, true), I);
	/* Self-generated groups, whatever their size. */
	assert_int_equal(ncsc_ffdh_bits(g25, 4096, false), I);
	assert_int_equal(ncsc_ffdh_bits(g21, 4096, false), I);
	assert_int_equal(ncsc_ffdh_bits(g21, 2048, false), I);
	assert_int_equal(ncsc_ffdh_bits(g21, 1024, false), I);
	/* Named groups agree with the group table. */
	assert_int_equal(ncsc_ffdh_bits(g25, 3072, true), ncsc_group(g25, 0x0101));
	assert_int_equal(ncsc_ffdh_bits(g21, 2048, true), ncsc_group(g21, 0x0100));
}

static void
test_sig_hash(void **state)
{
	static const struct vec v[] = {
		{ 0x0401, G, G }, /* rsa_pkcs1_sha256 */
		{ 0x0503, G, G }, /* ecdsa_secp384r1_sha384 */
		{ 0x0601, G, G }, /* rsa_pkcs1_sha512 */
		{ 0x0804, G, G }, /* rsa_pss_rsae_sha256 */
		{ 0x080B, G, G }, /* rsa_pss_pss_sha512 */
		{ 0x0807, G, G }, /* ed25519 */
		{ 0x0808, G, G }, /* ed448 */
		{ 0x081B, G, G }, /* ecdsa_brainpoolP384r1tls13_sha384 */
		{ 0x0301, P, P }, /* rsa_pkcs1_sha224 */
		{ 0x0303, P, P }, /* ecdsa_sha224 */
		{ 0x0201, I, P }, /* rsa_pkcs1_sha1 */
		{ 0x0203, I, P }, /* ecdsa_sha1 */
		{ 0x0202, I, P }, /* dsa_sha1 */
		{ 0x0101, I, I }, /* rsa_pkcs1_md5 */
		{ 0x0000, I, I },
		{ 0x0709, I, I }, /* unassigned */
		{ 0xFE00, I, I }, /* private use */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(ncsc_sig_hash(g25, (uint16_t)v[i].id), v[i].v2025);
		assert_int_equal(ncsc_sig_hash(g21, (uint16_t)v[i].id), v[i].v21);
	}
	assert_string_equal(ncsc_sigscheme_name(0x0804), "rsa_pss_rsae_sha256");
	assert_string_equal(ncsc_sigscheme_name(0x0201), "rsa_pkcs1_sha1");
	assert_null(ncsc_sigscheme_name(0xFE00));
	count_rated(g25, ncsc_sig_hash, ncsc_sigscheme_name);
	count_rated(g21, ncsc_sig_hash, ncsc_sigscheme_name);
}

static void
test_cert_key(void **state)
{
	(void)state;
	/* RSA by size. */
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_RSA, 4096, 0), G);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_RSA, 3072, 0), G);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_RSA, 3071, 0), P);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_RSA, 2048, 0), P);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_RSA, 2047, 0), I);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_RSA, 1024, 0), I);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_RSA_PSS, 2048, 0), P);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_RSA, 3072, 0), G);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_RSA, 2048, 0), S);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_RSA, 2047, 0), I);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_RSA_PSS, 4096, 0), G);
	/* ECDSA by curve. */
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_EC, 256, NID_X9_62_prime256v1), G);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_EC, 384, NID_secp384r1), G);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_EC, 521, NID_secp521r1), G);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_EC, 256, NID_brainpoolP256r1), G);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_EC, 224, NID_secp224r1), P);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_EC, 256, NID_secp256k1), I);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_EC, 192, NID_X9_62_prime192v1), I);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_EC, 256, NID_X9_62_prime256v1), G);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_EC, 384, NID_secp384r1), G);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_EC, 521, NID_secp521r1), I);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_EC, 256, NID_brainpoolP256r1), I);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_EC, 224, NID_secp224r1), P);
	/* EdDSA, DSA, others. */
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_ED25519, 256, 0), G);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_ED448, 456, 0), G);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_ED25519, 256, 0), G);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_DSA, 3072, 0), I);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_DSA, 2048, 0), I);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_DSA, 2048, 0), S);
	assert_int_equal(ncsc_cert_key(g21, EVP_PKEY_DSA, 1024, 0), I);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_X25519, 256, 0), I);
	assert_int_equal(ncsc_cert_key(g25, EVP_PKEY_NONE, 0, 0), I);
	assert_int_equal(ncsc_cert_key(g21, 12345, 4096, 0), I);
}

static void
test_cert_sig(void **state)
{
	static const struct vec v[] = {
		{ NID_sha256WithRSAEncryption, G, G },
		{ NID_sha384WithRSAEncryption, G, G },
		{ NID_sha512WithRSAEncryption, G, G },
		{ NID_ecdsa_with_SHA256, G, G },
		{ NID_ecdsa_with_SHA384, G, G },
		{ NID_ecdsa_with_SHA512, G, G },
		{ NID_ED25519, G, G },
		{ NID_ED448, G, G },
		{ NID_rsassaPss, G, G },
		{ NID_dsa_with_SHA256, I, G },
		/* 2025-05 3.3.5: SHA-224 phase-out, as for the key-exchange hash */
		{ NID_sha224WithRSAEncryption, P, I },
		{ NID_ecdsa_with_SHA224, P, I },
		{ NID_dsa_with_SHA224, I, I },
		{ NID_sha1WithRSAEncryption, I, I },
		{ NID_ecdsa_with_SHA1, I, I },
		{ NID_dsaWithSHA1, I, I },
		{ NID_md5WithRSAEncryption, I, I },
		{ NID_md2WithRSAEncryption, I, I },
		{ NID_undef, I, I },
		{ NID_rsaEncryption, I, I }, /* a key type, not a signature */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(ncsc_cert_sig(g25, (int)v[i].id), v[i].v2025);
		assert_int_equal(ncsc_cert_sig(g21, (int)v[i].id), v[i].v21);
	}
}

static void
test_options(void **state)
{
	(void)state;
	assert_int_equal(ncsc_compression(g25, false), G);
	assert_int_equal(ncsc_compression(g25, true), I);
	assert_int_equal(ncsc_compression(g21, true), I);
	assert_int_equal(ncsc_secure_reneg(g25, true), G);
	assert_int_equal(ncsc_secure_reneg(g25, false), I);
	assert_int_equal(ncsc_secure_reneg(g21, false), I);
	assert_int_equal(ncsc_zero_rtt(g25, false), G);
	assert_int_equal(ncsc_zero_rtt(g25, true), I);
	assert_int_equal(ncsc_zero_rtt(g21, true), I);
	/* Client-initiated renegotiation: limited (<= 10) sufficient, more phase-out in
	 * 2025-05; any acceptance sufficient in 2.1. */
	assert_int_equal(ncsc_client_reneg_attempts(g25), 11);
	assert_int_equal(ncsc_client_reneg_attempts(g21), 1);
	assert_int_equal(ncsc_client_reneg(g25, 0), G);
	assert_int_equal(ncsc_client_reneg(g25, 1), S);
	assert_int_equal(ncsc_client_reneg(g25, 10), S);
	assert_int_equal(ncsc_client_reneg(g25, 11), P);
	assert_int_equal(ncsc_client_reneg(g25, 1000), P);
	assert_int_equal(ncsc_client_reneg(g21, 0), G);
	assert_int_equal(ncsc_client_reneg(g21, 1), S);
	assert_int_equal(ncsc_client_reneg(g21, 11), S);
}

static void
test_levels(void **state)
{
	(void)state;
	assert_string_equal(ncsc_level_name(NCSC_GOOD), "good");
	assert_string_equal(ncsc_level_name(NCSC_SUFFICIENT), "sufficient");
	assert_string_equal(ncsc_level_name(NCSC_PHASE_OUT), "phase-out");
	assert_string_equal(ncsc_level_name(NCSC_INSUFFICIENT), "insufficient");
	assert_string_equal(ncsc_level_name((enum ncsc_level)42), "unknown");
	assert_int_equal(ncsc_level_status(NCSC_GOOD), PEIL__STATUS__PASSED);
	assert_int_equal(ncsc_level_status(NCSC_SUFFICIENT), PEIL__STATUS__PASSED);
	assert_int_equal(ncsc_level_status(NCSC_PHASE_OUT), PEIL__STATUS__WARNING);
	assert_int_equal(ncsc_level_status(NCSC_INSUFFICIENT), PEIL__STATUS__FAILED);
	assert_int_equal(ncsc_level_status((enum ncsc_level)42), PEIL__STATUS__FAILED);
	/* Levels are ordered best first, so the worst of a set is its maximum. */
	assert_true(NCSC_GOOD < NCSC_SUFFICIENT);
	assert_true(NCSC_SUFFICIENT < NCSC_PHASE_OUT);
	assert_true(NCSC_PHASE_OUT < NCSC_INSUFFICIENT);
}

/* Cipher order. 2025-05 (internet.nl's test_cipher_order after PR #1800: phase-out must come
 * after sufficient and good, nothing else is compared): only phase-out over good or
 * sufficient is a violation; insufficient suites and sufficient-over-good are free. 2.1
 * (scans.py d3eb5fa8): anything over good is noted; phase-out or insufficient over
 * sufficient, and insufficient over phase-out, are violations. */
static void
test_order(void **state)
{
	static const struct {
		enum ncsc_level lower, better;
		enum ncsc_order v2025, v21;
	} v[] = {
		{ NCSC_SUFFICIENT, NCSC_GOOD, NCSC_ORDER_FREE, NCSC_ORDER_NOTED },
		{ NCSC_PHASE_OUT, NCSC_GOOD, NCSC_ORDER_VIOLATION, NCSC_ORDER_NOTED },
		{ NCSC_INSUFFICIENT, NCSC_GOOD, NCSC_ORDER_FREE, NCSC_ORDER_NOTED },
		{ NCSC_PHASE_OUT, NCSC_SUFFICIENT, NCSC_ORDER_VIOLATION, NCSC_ORDER_VIOLATION },
		{ NCSC_INSUFFICIENT, NCSC_SUFFICIENT, NCSC_ORDER_FREE, NCSC_ORDER_VIOLATION },
		{ NCSC_INSUFFICIENT, NCSC_PHASE_OUT, NCSC_ORDER_FREE, NCSC_ORDER_VIOLATION },
		/* a better or equal suite first is never judged */
		{ NCSC_GOOD, NCSC_PHASE_OUT, NCSC_ORDER_FREE, NCSC_ORDER_FREE },
		{ NCSC_SUFFICIENT, NCSC_INSUFFICIENT, NCSC_ORDER_FREE, NCSC_ORDER_FREE },
		{ NCSC_PHASE_OUT, NCSC_PHASE_OUT, NCSC_ORDER_FREE, NCSC_ORDER_FREE },
		{ NCSC_INSUFFICIENT, NCSC_INSUFFICIENT, NCSC_ORDER_FREE, NCSC_ORDER_FREE },
		{ (enum ncsc_level)42, NCSC_GOOD, NCSC_ORDER_FREE, NCSC_ORDER_FREE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(ncsc_order(g25, v[i].lower, v[i].better), v[i].v2025);
		assert_int_equal(ncsc_order(g21, v[i].lower, v[i].better), v[i].v21);
	}
	/* by suite: ECDHE-RSA-AES128-SHA256 (phase-out) over ECDHE-RSA-AES128-GCM-SHA256
	 * (sufficient) breaks the 2025-05 order; ECDHE-RSA-AES128-SHA (insufficient) over it
	 * does not */
	assert_int_equal(ncsc_order(g25, ncsc_cipher(g25, 0xC027), ncsc_cipher(g25, 0xC02F)),
	    NCSC_ORDER_VIOLATION);
	assert_int_equal(ncsc_order(g25, ncsc_cipher(g25, 0xC013), ncsc_cipher(g25, 0xC02F)),
	    NCSC_ORDER_FREE);
}

/* The versions must differ where the 2025-05 revision changed the tables. */
static void
test_differences(void **state)
{
	size_t diff = 0;

	(void)state;
	for (unsigned id = 0; id <= 0xFFFF; id++)
		if (ncsc_cipher(g25, (uint16_t)id) != ncsc_cipher(g21, (uint16_t)id))
			diff++;
	/* Every 2.1 suite except the two good TLS 1.3 ones changed level, and 2025-05 adds
	 * CCM, Camellia and ARIA suites. */
	assert_true(diff >= 30);
	assert_int_not_equal(ncsc_version(g25, 0x0301), ncsc_version(g21, 0x0301));
	assert_int_not_equal(ncsc_group(g25, 0x0100), ncsc_group(g21, 0x0100));
	assert_int_not_equal(ncsc_sig_hash(g25, 0x0201), ncsc_sig_hash(g21, 0x0201));
	assert_int_not_equal(ncsc_cert_key(g25, EVP_PKEY_RSA, 2048, 0),
	    ncsc_cert_key(g21, EVP_PKEY_RSA, 2048, 0));
	assert_int_not_equal(ncsc_client_reneg(g25, 50), ncsc_client_reneg(g21, 50));
	/* ... and agree where it did not. */
	assert_int_equal(ncsc_cipher(g25, 0x1302), ncsc_cipher(g21, 0x1302));
	assert_int_equal(ncsc_version(g25, 0x0304), ncsc_version(g21, 0x0304));
	assert_int_equal(ncsc_version(g25, 0x0303), ncsc_version(g21, 0x0303));
	assert_int_equal(ncsc_group(g25, 0x001D), ncsc_group(g21, 0x001D));
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_ciphers),
		cmocka_unit_test(test_cipher_names),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_ffdh),
		cmocka_unit_test(test_sig_hash),
		cmocka_unit_test(test_cert_key),
		cmocka_unit_test(test_cert_sig),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_differences),
	};

	return cmocka_run_group_tests_name("ncsc", tests, setup, NULL);
}
