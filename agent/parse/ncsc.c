/* ncsc.c: the NCSC-NL TLS guideline tables (2025-05 and 2.1) as data, and their lookups. */
#include "ncsc.h"

#include <stddef.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "peil.pb-c.h"

/*
 * Sources (see the module report for the full list):
 *  - NCSC-NL, "Transport Layer Security (TLS) richtlijnen 2025-05" (June 2025), sections 3.3.x
 *    and 3.4.x, as implemented by internet.nl (internetstandards/Internet.nl,
 *    checks/tasks/tls/tls_constants.py, evaluation.py and scans.py after PR #1800 "Update
 *    sslyze branch to NCSC 2025"), and internetstandards/dhe_groups README.
 *  - NCSC-NL, "IT Security Guidelines for TLS v2.1" (January 2021), tables 1-14 and appendix
 *    C, as quoted in internet.nl's test explanations (translations/en/main.po) and its 2.1-era
 *    checks/tasks/tls_constants.py; issue internetstandards/Internet.nl#504.
 * Choices that no source settles are marked "unverified" where they are made.
 */

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* One classified item: a protocol version, suite, group, hash, curve NID, key type or
 * signature NID, depending on the table. */
struct ncsc_entry {
	int key;
	enum ncsc_level level;
};

struct ncsc_table {
	const struct ncsc_entry *e;
	size_t n;
};

#define TABLE(a) { (a), ARRAY_LEN(a) }

/* A size rule: the first entry whose min_bits the size reaches gives the level; sizes below
 * every entry are insufficient. Entries are sorted by min_bits, largest first. */
struct ncsc_bits {
	unsigned min_bits;
	enum ncsc_level level;
};

struct ncsc_bits_table {
	const struct ncsc_bits *e;
	size_t n;
};

/* Hash functions of key-exchange signatures (the table key of ncsc.hashes). */
enum ncsc_hash {
	NCSC_HASH_MD5 = 1,
	NCSC_HASH_SHA1,
	NCSC_HASH_SHA224,
	NCSC_HASH_SHA256,
	NCSC_HASH_SHA384,
	NCSC_HASH_SHA512,
	NCSC_HASH_INTRINSIC, /* EdDSA: the hash is part of the signature algorithm */
};

struct ncsc {
	const char *id;
	struct ncsc_table versions;   /* wire version */
	struct ncsc_table ciphers;    /* IANA cipher suite id */
	struct ncsc_table groups;     /* IANA supported_groups id */
	struct ncsc_bits_table ffdhe; /* RFC 7919 groups by size; other DH groups insufficient */
	struct ncsc_table hashes;     /* enum ncsc_hash */
	struct ncsc_bits_table rsa;   /* certificate RSA (and RSA-PSS) modulus */
	struct ncsc_bits_table dsa;   /* certificate DSA key size */
	struct ncsc_table curves;     /* certificate ECDSA curve NID */
	struct ncsc_table keys;       /* certificate key types with a fixed level (EdDSA) */
	struct ncsc_table cert_sigs;  /* certificate signature algorithm NID */
	/* Cipher order: order[better][lower], how preferring a suite of level lower over one of
	 * level better is judged; FREE (0) where not set. */
	enum ncsc_order order[NCSC_INSUFFICIENT + 1][NCSC_INSUFFICIENT + 1];
	/* Client-initiated renegotiation: refused is good; accepted up to this many times in a
	 * row is reneg_limited; more is reneg_unlimited. A limit of 0 means any acceptance is
	 * reneg_unlimited. */
	unsigned reneg_limit;
	enum ncsc_level reneg_limited, reneg_unlimited;
};

/* ---- Names (shared by both versions) ---- */

struct ncsc_name {
	uint16_t id;
	const char *name;
};

/* IANA TLS Cipher Suites registry names: every suite the tables list, and the common
 * insufficient ones a scan may meet, so evidence can name them. */
static const struct ncsc_name cipher_names[] = {
	{ 0x0001, "TLS_RSA_WITH_NULL_MD5" },
	{ 0x0002, "TLS_RSA_WITH_NULL_SHA" },
	{ 0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5" },
	{ 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
	{ 0x0005, "TLS_RSA_WITH_RC4_128_SHA" },
	{ 0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5" },
	{ 0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA" },
	{ 0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x0009, "TLS_RSA_WITH_DES_CBC_SHA" },
	{ 0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA" },
	{ 0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA" },
	{ 0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5" },
	{ 0x0018, "TLS_DH_anon_WITH_RC4_128_MD5" },
	{ 0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA" },
	{ 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA" },
	{ 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA" },
	{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA" },
	{ 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA" },
	{ 0x003B, "TLS_RSA_WITH_NULL_SHA256" },
	{ 0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256" },
	{ 0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256" },
	{ 0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256" },
	{ 0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256" },
	{ 0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0096, "TLS_RSA_WITH_SEED_CBC_SHA" },
	{ 0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA" },
	{ 0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256" },
	{ 0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384" },
	{ 0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256" },
	{ 0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384" },
	{ 0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x1301, "TLS_AES_128_GCM_SHA256" },
	{ 0x1302, "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
	{ 0x1304, "TLS_AES_128_CCM_SHA256" },
	{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
	{ 0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA" },
	{ 0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA" },
	{ 0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
	{ 0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
	{ 0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA" },
	{ 0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA" },
	{ 0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xC015, "TLS_ECDH_anon_WITH_NULL_SHA" },
	{ 0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA" },
	{ 0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA" },
	{ 0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA" },
	{ 0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA" },
	{ 0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
	{ 0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
	{ 0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
	{ 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xC03D, "TLS_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xC044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xC045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xC048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xC049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xC04C, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xC04D, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xC07A, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xC07B, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xC07C, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xC07D, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xC086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xC087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xC08A, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xC08B, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xC09C, "TLS_RSA_WITH_AES_128_CCM" },
	{ 0xC09D, "TLS_RSA_WITH_AES_256_CCM" },
	{ 0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM" },
	{ 0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM" },
	{ 0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8" },
	{ 0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8" },
	{ 0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8" },
	{ 0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8" },
	{ 0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM" },
	{ 0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM" },
	{ 0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8" },
	{ 0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8" },
	{ 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
};

/* IANA TLS Supported Groups registry names. */
static const struct ncsc_name group_names[] = {
	{ 0x0015, "secp224r1" },
	{ 0x0016, "secp256k1" },
	{ 0x0017, "secp256r1" },
	{ 0x0018, "secp384r1" },
	{ 0x0019, "secp521r1" },
	{ 0x001A, "brainpoolP256r1" },
	{ 0x001B, "brainpoolP384r1" },
	{ 0x001C, "brainpoolP512r1" },
	{ 0x001D, "x25519" },
	{ 0x001E, "x448" },
	{ 0x001F, "brainpoolP256r1tls13" },
	{ 0x0020, "brainpoolP384r1tls13" },
	{ 0x0021, "brainpoolP512r1tls13" },
	{ 0x0100, "ffdhe2048" },
	{ 0x0101, "ffdhe3072" },
	{ 0x0102, "ffdhe4096" },
	{ 0x0103, "ffdhe6144" },
	{ 0x0104, "ffdhe8192" },
	{ 0x11EB, "SecP256r1MLKEM768" },
	{ 0x11EC, "X25519MLKEM768" },
	{ 0x11ED, "SecP384r1MLKEM1024" },
};

/* IANA TLS SignatureScheme registry names, with the hash each signs with. The 0x01xx-0x03xx
 * values are TLS 1.2 (HashAlgorithm, SignatureAlgorithm) pairs that have no TLS 1.3 name;
 * they are named after the same pattern. */
struct ncsc_sigscheme {
	uint16_t id;
	enum ncsc_hash hash;
	const char *name;
};

static const struct ncsc_sigscheme sigschemes[] = {
	{ 0x0101, NCSC_HASH_MD5, "rsa_pkcs1_md5" },
	{ 0x0102, NCSC_HASH_MD5, "dsa_md5" },
	{ 0x0103, NCSC_HASH_MD5, "ecdsa_md5" },
	{ 0x0201, NCSC_HASH_SHA1, "rsa_pkcs1_sha1" },
	{ 0x0202, NCSC_HASH_SHA1, "dsa_sha1" },
	{ 0x0203, NCSC_HASH_SHA1, "ecdsa_sha1" },
	{ 0x0301, NCSC_HASH_SHA224, "rsa_pkcs1_sha224" },
	{ 0x0302, NCSC_HASH_SHA224, "dsa_sha224" },
	{ 0x0303, NCSC_HASH_SHA224, "ecdsa_sha224" },
	{ 0x0401, NCSC_HASH_SHA256, "rsa_pkcs1_sha256" },
	{ 0x0402, NCSC_HASH_SHA256, "dsa_sha256" },
	{ 0x0403, NCSC_HASH_SHA256, "ecdsa_secp256r1_sha256" },
	{ 0x0501, NCSC_HASH_SHA384, "rsa_pkcs1_sha384" },
	{ 0x0502, NCSC_HASH_SHA384, "dsa_sha384" },
	{ 0x0503, NCSC_HASH_SHA384, "ecdsa_secp384r1_sha384" },
	{ 0x0601, NCSC_HASH_SHA512, "rsa_pkcs1_sha512" },
	{ 0x0602, NCSC_HASH_SHA512, "dsa_sha512" },
	{ 0x0603, NCSC_HASH_SHA512, "ecdsa_secp521r1_sha512" },
	{ 0x0804, NCSC_HASH_SHA256, "rsa_pss_rsae_sha256" },
	{ 0x0805, NCSC_HASH_SHA384, "rsa_pss_rsae_sha384" },
	{ 0x0806, NCSC_HASH_SHA512, "rsa_pss_rsae_sha512" },
	{ 0x0807, NCSC_HASH_INTRINSIC, "ed25519" },
	{ 0x0808, NCSC_HASH_INTRINSIC, "ed448" },
	{ 0x0809, NCSC_HASH_SHA256, "rsa_pss_pss_sha256" },
	{ 0x080A, NCSC_HASH_SHA384, "rsa_pss_pss_sha384" },
	{ 0x080B, NCSC_HASH_SHA512, "rsa_pss_pss_sha512" },
	{ 0x081A, NCSC_HASH_SHA256, "ecdsa_brainpoolP256r1tls13_sha256" },
	{ 0x081B, NCSC_HASH_SHA384, "ecdsa_brainpoolP384r1tls13_sha384" },
	{ 0x081C, NCSC_HASH_SHA512, "ecdsa_brainpoolP512r1tls13_sha512" },
};

/* ---- Version 2025-05 ---- */

/* 3.3.1: TLS 1.0 and 1.1 are no longer phase-out but insufficient (internet.nl's
 * PROTOCOLS_PHASE_OUT is empty for 2025-05). */
static const struct ncsc_entry v2025_versions[] = {
	{ 0x0304, NCSC_GOOD },       /* TLS 1.3 */
	{ 0x0303, NCSC_SUFFICIENT }, /* TLS 1.2 */
};

/* Appendix B, derived from 3.3.3 and 3.3.4. Not listed: insufficient (all RSA key exchange,
 * 3DES, CBC with SHA-1, CCM_8, DHE_DSS, anon, NULL, RC4, export). */
static const struct ncsc_entry v2025_ciphers[] = {
	/* TLS 1.3 */
	{ 0x1302, NCSC_GOOD },       /* TLS_AES_256_GCM_SHA384 */
	{ 0x1303, NCSC_GOOD },       /* TLS_CHACHA20_POLY1305_SHA256 */
	{ 0x1301, NCSC_SUFFICIENT }, /* TLS_AES_128_GCM_SHA256 */
	{ 0x1304, NCSC_SUFFICIENT }, /* TLS_AES_128_CCM_SHA256 */
	/* TLS 1.2, ECDHE with AEAD */
	{ 0xCCA9, NCSC_SUFFICIENT }, /* ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 */
	{ 0xC02C, NCSC_SUFFICIENT }, /* ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 */
	{ 0xC0AD, NCSC_SUFFICIENT }, /* ECDHE_ECDSA_WITH_AES_256_CCM */
	{ 0xC02B, NCSC_SUFFICIENT }, /* ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
	{ 0xC0AC, NCSC_SUFFICIENT }, /* ECDHE_ECDSA_WITH_AES_128_CCM */
	{ 0xCCA8, NCSC_SUFFICIENT }, /* ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
	{ 0xC030, NCSC_SUFFICIENT }, /* ECDHE_RSA_WITH_AES_256_GCM_SHA384 */
	{ 0xC02F, NCSC_SUFFICIENT }, /* ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
	/* ECDHE with Camellia, ARIA, or AES-CBC with SHA-2 */
	{ 0xC087, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384 */
	{ 0xC073, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384 */
	{ 0xC086, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 */
	{ 0xC072, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256 */
	{ 0xC05D, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384 */
	{ 0xC049, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384 */
	{ 0xC05C, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256 */
	{ 0xC048, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256 */
	{ 0xC024, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 */
	{ 0xC023, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 */
	{ 0xC08B, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 */
	{ 0xC077, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384 */
	{ 0xC08A, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 */
	{ 0xC076, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256 */
	{ 0xC061, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_ARIA_256_GCM_SHA384 */
	{ 0xC04D, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_ARIA_256_CBC_SHA384 */
	{ 0xC060, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_ARIA_128_GCM_SHA256 */
	{ 0xC04C, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_ARIA_128_CBC_SHA256 */
	{ 0xC028, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_AES_256_CBC_SHA384 */
	{ 0xC027, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_AES_128_CBC_SHA256 */
	/* DHE_RSA with SHA-2 (3.3.3: finite-field DH is phase-out as a whole) */
	{ 0xCCAA, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
	{ 0xC07D, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 */
	{ 0x00C4, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256 */
	{ 0xC07C, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 */
	{ 0x00BE, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256 */
	{ 0xC053, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_ARIA_256_GCM_SHA384 */
	{ 0xC045, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_ARIA_256_CBC_SHA384 */
	{ 0xC052, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_ARIA_128_GCM_SHA256 */
	{ 0xC044, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_ARIA_128_CBC_SHA256 */
	{ 0x009F, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_AES_256_GCM_SHA384 */
	{ 0xC09F, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_AES_256_CCM */
	{ 0x006B, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_AES_256_CBC_SHA256 */
	{ 0x009E, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_AES_128_GCM_SHA256 */
	{ 0xC09E, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_AES_128_CCM */
	{ 0x0067, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_AES_128_CBC_SHA256 */
};

/* 3.3.2.1 (curves) and 3.3.3.1 (finite-field groups). */
static const struct ncsc_entry v2025_groups[] = {
	{ 0x0019, NCSC_GOOD },      /* secp521r1 */
	{ 0x0018, NCSC_GOOD },      /* secp384r1 */
	{ 0x0017, NCSC_GOOD },      /* secp256r1 */
	{ 0x001C, NCSC_GOOD },      /* brainpoolP512r1 */
	{ 0x001B, NCSC_GOOD },      /* brainpoolP384r1 */
	{ 0x001A, NCSC_GOOD },      /* brainpoolP256r1 */
	/* unverified: the TLS 1.3 code points of the same brainpool curves, judged as the
	 * curves themselves. */
	{ 0x0021, NCSC_GOOD },      /* brainpoolP512r1tls13 */
	{ 0x0020, NCSC_GOOD },      /* brainpoolP384r1tls13 */
	{ 0x001F, NCSC_GOOD },      /* brainpoolP256r1tls13 */
	{ 0x001D, NCSC_GOOD },      /* x25519 */
	{ 0x001E, NCSC_GOOD },      /* x448 */
	/* unverified: internet.nl does not judge post-quantum hybrids yet; a hybrid is at least
	 * as strong as its good classical half. */
	{ 0x11EC, NCSC_GOOD },      /* X25519MLKEM768 */
	{ 0x11EB, NCSC_GOOD },      /* SecP256r1MLKEM768 */
	{ 0x11ED, NCSC_GOOD },      /* SecP384r1MLKEM1024 */
	{ 0x0015, NCSC_PHASE_OUT }, /* secp224r1 */
	{ 0x0104, NCSC_PHASE_OUT }, /* ffdhe8192 */
	{ 0x0103, NCSC_PHASE_OUT }, /* ffdhe6144 */
	{ 0x0102, NCSC_PHASE_OUT }, /* ffdhe4096 */
	{ 0x0101, NCSC_PHASE_OUT }, /* ffdhe3072 */
	/* ffdhe2048: not listed, insufficient */
};

/* 3.3.3.1: ffdhe3072 and larger phase-out, ffdhe2048 insufficient. */
static const struct ncsc_bits v2025_ffdhe[] = {
	{ 3072, NCSC_PHASE_OUT },
};

/* 3.3.5: SHA-1 and MD5 insufficient, SHA-224 phase-out. */
static const struct ncsc_entry v2025_hashes[] = {
	{ NCSC_HASH_SHA512, NCSC_GOOD },
	{ NCSC_HASH_SHA384, NCSC_GOOD },
	{ NCSC_HASH_SHA256, NCSC_GOOD },
	{ NCSC_HASH_INTRINSIC, NCSC_GOOD }, /* unverified: EdDSA, judged by its SHA-512/SHAKE256 */
	{ NCSC_HASH_SHA224, NCSC_PHASE_OUT },
};

/* 3.3.2.1: RSA 3072 and up good, 2048-3071 phase-out, smaller insufficient.
 * unverified: whether >= 3072 is "good" or "sufficient" in the text; internet.nl passes it
 * without remark, so it is good here. */
static const struct ncsc_bits v2025_rsa[] = {
	{ 3072, NCSC_GOOD },
	{ 2048, NCSC_PHASE_OUT },
};

/* DSA is no longer among the certificate algorithms (3.3.2): every size insufficient. */
static const struct ncsc_bits v2025_dsa[] = {
	{ 0, NCSC_INSUFFICIENT },
};

static const struct ncsc_entry v2025_curves[] = {
	{ NID_secp521r1, NCSC_GOOD },
	{ NID_secp384r1, NCSC_GOOD },
	{ NID_X9_62_prime256v1, NCSC_GOOD },
	{ NID_brainpoolP512r1, NCSC_GOOD },
	{ NID_brainpoolP384r1, NCSC_GOOD },
	{ NID_brainpoolP256r1, NCSC_GOOD },
	{ NID_secp224r1, NCSC_PHASE_OUT },
};

static const struct ncsc_entry v2025_keys[] = {
	{ EVP_PKEY_ED25519, NCSC_GOOD },
	{ EVP_PKEY_ED448, NCSC_GOOD },
};

/* 3.3.2 / 3.3.5: SHA-256/384/512 with RSA or ECDSA, and EdDSA; SHA-224 phase-out (3.3.5
 * puts SHA-224 at phase-out, as the key-exchange hashes above; internet.nl's scans.py after
 * PR #1800 splits certificate signatures into CERT_SIGALG_SUFFICIENT and
 * CERT_SIGALG_PHASE_OUT, the latter a notice: unverified which OIDs it lists). Everything
 * else (SHA-1, MD5, DSA) insufficient. unverified: internet.nl names the first list
 * "sufficient" but passes it without remark; it is good here. */
static const struct ncsc_entry v2025_cert_sigs[] = {
	{ NID_sha256WithRSAEncryption, NCSC_GOOD },
	{ NID_sha384WithRSAEncryption, NCSC_GOOD },
	{ NID_sha512WithRSAEncryption, NCSC_GOOD },
	{ NID_ecdsa_with_SHA256, NCSC_GOOD },
	{ NID_ecdsa_with_SHA384, NCSC_GOOD },
	{ NID_ecdsa_with_SHA512, NCSC_GOOD },
	{ NID_ED25519, NCSC_GOOD },
	{ NID_ED448, NCSC_GOOD },
	/* unverified: internet.nl does not list RSASSA-PSS (its hash is in the parameters). */
	{ NID_rsassaPss, NCSC_GOOD },
	{ NID_sha224WithRSAEncryption, NCSC_PHASE_OUT },
	{ NID_ecdsa_with_SHA224, NCSC_PHASE_OUT },
};

/* ---- Version 2.1 ---- */

/* Table 1. */
static const struct ncsc_entry v21_versions[] = {
	{ 0x0304, NCSC_GOOD },       /* TLS 1.3 */
	{ 0x0303, NCSC_SUFFICIENT }, /* TLS 1.2 */
	{ 0x0302, NCSC_PHASE_OUT },  /* TLS 1.1 */
	{ 0x0301, NCSC_PHASE_OUT },  /* TLS 1.0 */
};

/* Appendix C, in its order. Not listed: insufficient. */
static const struct ncsc_entry v21_ciphers[] = {
	/* TLS 1.3 */
	{ 0x1302, NCSC_GOOD }, /* TLS_AES_256_GCM_SHA384 */
	{ 0x1303, NCSC_GOOD }, /* TLS_CHACHA20_POLY1305_SHA256 */
	{ 0x1301, NCSC_GOOD }, /* TLS_AES_128_GCM_SHA256 */
	/* unverified: TLS_AES_128_CCM_SHA256 is not in internet.nl's 2.1 lists: insufficient. */
	/* Good */
	{ 0xC02C, NCSC_GOOD }, /* ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 */
	{ 0xCCA9, NCSC_GOOD }, /* ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 */
	{ 0xC02B, NCSC_GOOD }, /* ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
	{ 0xC030, NCSC_GOOD }, /* ECDHE_RSA_WITH_AES_256_GCM_SHA384 */
	{ 0xCCA8, NCSC_GOOD }, /* ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
	{ 0xC02F, NCSC_GOOD }, /* ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
	/* Sufficient */
	{ 0xC024, NCSC_SUFFICIENT }, /* ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 */
	{ 0xC00A, NCSC_SUFFICIENT }, /* ECDHE_ECDSA_WITH_AES_256_CBC_SHA */
	{ 0xC023, NCSC_SUFFICIENT }, /* ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 */
	{ 0xC009, NCSC_SUFFICIENT }, /* ECDHE_ECDSA_WITH_AES_128_CBC_SHA */
	{ 0xC028, NCSC_SUFFICIENT }, /* ECDHE_RSA_WITH_AES_256_CBC_SHA384 */
	{ 0xC014, NCSC_SUFFICIENT }, /* ECDHE_RSA_WITH_AES_256_CBC_SHA */
	{ 0xC027, NCSC_SUFFICIENT }, /* ECDHE_RSA_WITH_AES_128_CBC_SHA256 */
	{ 0xC013, NCSC_SUFFICIENT }, /* ECDHE_RSA_WITH_AES_128_CBC_SHA */
	{ 0x009F, NCSC_SUFFICIENT }, /* DHE_RSA_WITH_AES_256_GCM_SHA384 */
	{ 0xCCAA, NCSC_SUFFICIENT }, /* DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 */
	{ 0x009E, NCSC_SUFFICIENT }, /* DHE_RSA_WITH_AES_128_GCM_SHA256 */
	{ 0x006B, NCSC_SUFFICIENT }, /* DHE_RSA_WITH_AES_256_CBC_SHA256 */
	{ 0x0039, NCSC_SUFFICIENT }, /* DHE_RSA_WITH_AES_256_CBC_SHA */
	{ 0x0067, NCSC_SUFFICIENT }, /* DHE_RSA_WITH_AES_128_CBC_SHA256 */
	{ 0x0033, NCSC_SUFFICIENT }, /* DHE_RSA_WITH_AES_128_CBC_SHA */
	/* Phase out */
	{ 0xC008, NCSC_PHASE_OUT }, /* ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA */
	{ 0xC012, NCSC_PHASE_OUT }, /* ECDHE_RSA_WITH_3DES_EDE_CBC_SHA */
	{ 0x0016, NCSC_PHASE_OUT }, /* DHE_RSA_WITH_3DES_EDE_CBC_SHA */
	{ 0x009D, NCSC_PHASE_OUT }, /* RSA_WITH_AES_256_GCM_SHA384 */
	{ 0x009C, NCSC_PHASE_OUT }, /* RSA_WITH_AES_128_GCM_SHA256 */
	{ 0x003D, NCSC_PHASE_OUT }, /* RSA_WITH_AES_256_CBC_SHA256 */
	{ 0x0035, NCSC_PHASE_OUT }, /* RSA_WITH_AES_256_CBC_SHA */
	{ 0x003C, NCSC_PHASE_OUT }, /* RSA_WITH_AES_128_CBC_SHA256 */
	{ 0x002F, NCSC_PHASE_OUT }, /* RSA_WITH_AES_128_CBC_SHA */
	{ 0x000A, NCSC_PHASE_OUT }, /* RSA_WITH_3DES_EDE_CBC_SHA */
};

/* Table 9 (curves) and table 10 (finite-field groups). */
static const struct ncsc_entry v21_groups[] = {
	{ 0x0018, NCSC_GOOD },       /* secp384r1 */
	{ 0x0017, NCSC_GOOD },       /* secp256r1 */
	{ 0x001E, NCSC_GOOD },       /* x448 */
	{ 0x001D, NCSC_GOOD },       /* x25519 */
	/* unverified: not in table 9's text as quoted; internet.nl's 2.1 code passes it. */
	{ 0x0019, NCSC_GOOD },       /* secp521r1 */
	/* unverified: hybrids postdate 2.1; at least as strong as their good classical half. */
	{ 0x11EC, NCSC_GOOD },       /* X25519MLKEM768 */
	{ 0x11EB, NCSC_GOOD },       /* SecP256r1MLKEM768 */
	{ 0x11ED, NCSC_GOOD },       /* SecP384r1MLKEM1024 */
	{ 0x0015, NCSC_PHASE_OUT },  /* secp224r1 */
	/* unverified: internet.nl 2.1 also accepts ffdhe6144 and ffdhe8192 as sufficient. */
	{ 0x0104, NCSC_SUFFICIENT }, /* ffdhe8192 */
	{ 0x0103, NCSC_SUFFICIENT }, /* ffdhe6144 */
	{ 0x0102, NCSC_SUFFICIENT }, /* ffdhe4096 */
	{ 0x0101, NCSC_SUFFICIENT }, /* ffdhe3072 */
	{ 0x0100, NCSC_PHASE_OUT },  /* ffdhe2048 */
};

/* Table 10: ffdhe4096 and ffdhe3072 sufficient, ffdhe2048 phase-out, other groups
 * insufficient. */
static const struct ncsc_bits v21_ffdhe[] = {
	{ 3072, NCSC_SUFFICIENT },
	{ 2048, NCSC_PHASE_OUT },
};

/* Table 5 as internet.nl reads it: SHA-2 good, without SHA-2 phase-out. */
static const struct ncsc_entry v21_hashes[] = {
	{ NCSC_HASH_SHA512, NCSC_GOOD },
	{ NCSC_HASH_SHA384, NCSC_GOOD },
	{ NCSC_HASH_SHA256, NCSC_GOOD },
	{ NCSC_HASH_INTRINSIC, NCSC_GOOD },   /* unverified: EdDSA */
	{ NCSC_HASH_SHA224, NCSC_PHASE_OUT }, /* unverified */
	{ NCSC_HASH_SHA1, NCSC_PHASE_OUT },
	/* unverified: MD5 not listed, insufficient */
};

/* Table 8: RSA 3072 and up good, 2048-3071 sufficient, smaller insufficient. */
static const struct ncsc_bits v21_rsa[] = {
	{ 3072, NCSC_GOOD },
	{ 2048, NCSC_SUFFICIENT },
};

/* unverified: internet.nl's 2.1 code holds DSA to the RSA sizes. */
static const struct ncsc_bits v21_dsa[] = {
	{ 3072, NCSC_GOOD },
	{ 2048, NCSC_SUFFICIENT },
};

/* Table 9 for ECDSA certificates. unverified: secp521r1 is not listed and internet.nl's 2.1
 * code fails it, so it is insufficient here (it is good in 2025-05). */
static const struct ncsc_entry v21_curves[] = {
	{ NID_secp384r1, NCSC_GOOD },
	{ NID_X9_62_prime256v1, NCSC_GOOD },
	{ NID_secp224r1, NCSC_PHASE_OUT },
};

/* Table 9 lists x25519 and x448; as certificate keys these are Ed25519 and Ed448. */
static const struct ncsc_entry v21_keys[] = {
	{ EVP_PKEY_ED25519, NCSC_GOOD },
	{ EVP_PKEY_ED448, NCSC_GOOD },
};

/* Table 3: SHA-512, SHA-384, SHA-256 good; SHA-1 and MD5 insufficient. */
static const struct ncsc_entry v21_cert_sigs[] = {
	{ NID_sha256WithRSAEncryption, NCSC_GOOD },
	{ NID_sha384WithRSAEncryption, NCSC_GOOD },
	{ NID_sha512WithRSAEncryption, NCSC_GOOD },
	{ NID_ecdsa_with_SHA256, NCSC_GOOD },
	{ NID_ecdsa_with_SHA384, NCSC_GOOD },
	{ NID_ecdsa_with_SHA512, NCSC_GOOD },
	{ NID_dsa_with_SHA256, NCSC_GOOD },
	{ NID_ED25519, NCSC_GOOD },   /* unverified */
	{ NID_ED448, NCSC_GOOD },     /* unverified */
	{ NID_rsassaPss, NCSC_GOOD }, /* unverified: hash in the parameters */
};

/* ---- The guidelines ---- */

static const struct ncsc ncsc_2025_05 = {
	.id = NCSC_ID_2025_05,
	.versions = TABLE(v2025_versions),
	.ciphers = TABLE(v2025_ciphers),
	.groups = TABLE(v2025_groups),
	.ffdhe = TABLE(v2025_ffdhe),
	.hashes = TABLE(v2025_hashes),
	.rsa = TABLE(v2025_rsa),
	.dsa = TABLE(v2025_dsa),
	.curves = TABLE(v2025_curves),
	.keys = TABLE(v2025_keys),
	.cert_sigs = TABLE(v2025_cert_sigs),
	/* Only a phase-out suite preferred over a good or sufficient one breaks the order; the
	 * order of insufficient suites is not judged (they fail the ciphers test), nor that of
	 * sufficient against good. internet.nl's test_cipher_order for 2025-05 (scans.py after
	 * PR #1800 and the cipher-probe rework): one pair of lists, phase-out below sufficient
	 * and good (TLS 1.3 suites left out), any violation CipherOrderStatus.bad. */
	.order = {
		[NCSC_GOOD] = { [NCSC_PHASE_OUT] = NCSC_ORDER_VIOLATION },
		[NCSC_SUFFICIENT] = { [NCSC_PHASE_OUT] = NCSC_ORDER_VIOLATION },
	},
	/* 3.4.2: limited (at most 10) client renegotiations sufficient, unlimited phase-out. */
	.reneg_limit = 10,
	.reneg_limited = NCSC_SUFFICIENT,
	.reneg_unlimited = NCSC_PHASE_OUT,
};

static const struct ncsc ncsc_2_1 = {
	.id = NCSC_ID_2_1,
	.versions = TABLE(v21_versions),
	.ciphers = TABLE(v21_ciphers),
	.groups = TABLE(v21_groups),
	.ffdhe = TABLE(v21_ffdhe),
	.hashes = TABLE(v21_hashes),
	.rsa = TABLE(v21_rsa),
	.dsa = TABLE(v21_dsa),
	.curves = TABLE(v21_curves),
	.keys = TABLE(v21_keys),
	.cert_sigs = TABLE(v21_cert_sigs),
	/* internet.nl's 2.1-era test_cipher_order (scans.py d3eb5fa8): anything over good is
	 * sufficient_above_good (passed, shown); phase-out or insufficient over sufficient, or
	 * insufficient over phase-out, CipherOrderStatus.bad. */
	.order = {
		[NCSC_GOOD] = { [NCSC_SUFFICIENT] = NCSC_ORDER_NOTED,
		    [NCSC_PHASE_OUT] = NCSC_ORDER_NOTED, [NCSC_INSUFFICIENT] = NCSC_ORDER_NOTED },
		[NCSC_SUFFICIENT] = { [NCSC_PHASE_OUT] = NCSC_ORDER_VIOLATION,
		    [NCSC_INSUFFICIENT] = NCSC_ORDER_VIOLATION },
		[NCSC_PHASE_OUT] = { [NCSC_INSUFFICIENT] = NCSC_ORDER_VIOLATION },
	},
	/* Table 13: client-initiated renegotiation on is sufficient (internet.nl#504). */
	.reneg_limit = 0,
	.reneg_limited = NCSC_SUFFICIENT,
	.reneg_unlimited = NCSC_SUFFICIENT,
};

static const struct ncsc *const ncsc_all[] = { &ncsc_2025_05, &ncsc_2_1 };

/* ---- Lookups ---- */

static enum ncsc_level
ncsc_lookup(const struct ncsc_table *t, int key)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].key == key)
			return t->e[i].level;
	return NCSC_INSUFFICIENT;
}

static enum ncsc_level
ncsc_by_bits(const struct ncsc_bits_table *t, unsigned bits)
{
	for (size_t i = 0; i < t->n; i++)
		if (bits >= t->e[i].min_bits)
			return t->e[i].level;
	return NCSC_INSUFFICIENT;
}

static const char *
ncsc_name_of(const struct ncsc_name *names, size_t n, uint16_t id)
{
	for (size_t i = 0; i < n; i++)
		if (names[i].id == id)
			return names[i].name;
	return NULL;
}

static const struct ncsc_sigscheme *
ncsc_sigscheme_find(uint16_t id)
{
	for (size_t i = 0; i < ARRAY_LEN(sigschemes); i++)
		if (sigschemes[i].id == id)
			return &sigschemes[i];
	return NULL;
}

const struct ncsc *
ncsc_find(const char *guideline_id)
{
	if (guideline_id == NULL)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(ncsc_all); i++)
		if (strcmp(ncsc_all[i]->id, guideline_id) == 0)
			return ncsc_all[i];
	return NULL;
}

const struct ncsc *
ncsc_default(void)
{
	return &ncsc_2025_05;
}

const char *
ncsc_id(const struct ncsc *g)
{
	return g->id;
}

enum ncsc_level
ncsc_version(const struct ncsc *g, uint16_t tls_version)
{
	return ncsc_lookup(&g->versions, tls_version);
}

enum ncsc_level
ncsc_cipher(const struct ncsc *g, uint16_t iana_id)
{
	return ncsc_lookup(&g->ciphers, iana_id);
}

const char *
ncsc_cipher_name(uint16_t iana_id)
{
	return ncsc_name_of(cipher_names, ARRAY_LEN(cipher_names), iana_id);
}

enum ncsc_level
ncsc_group(const struct ncsc *g, uint16_t iana_group)
{
	return ncsc_lookup(&g->groups, iana_group);
}

const char *
ncsc_group_name(uint16_t iana_group)
{
	return ncsc_name_of(group_names, ARRAY_LEN(group_names), iana_group);
}

enum ncsc_level
ncsc_ffdh_bits(const struct ncsc *g, unsigned bits, bool named_ffdhe)
{
	if (!named_ffdhe)
		return NCSC_INSUFFICIENT;
	return ncsc_by_bits(&g->ffdhe, bits);
}

enum ncsc_level
ncsc_sig_hash(const struct ncsc *g, uint16_t tls_sigscheme)
{
	const struct ncsc_sigscheme *s = ncsc_sigscheme_find(tls_sigscheme);

	if (s == NULL)
		return NCSC_INSUFFICIENT;
	return ncsc_lookup(&g->hashes, (int)s->hash);
}

const char *
ncsc_sigscheme_name(uint16_t tls_sigscheme)
{
	const struct ncsc_sigscheme *s = ncsc_sigscheme_find(tls_sigscheme);

	return s != NULL ? s->name : NULL;
}

enum ncsc_level
ncsc_cert_key(const struct ncsc *g, int key_type, unsigned bits, int curve_nid)
{
	switch (key_type) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		return ncsc_by_bits(&g->rsa, bits);
	case EVP_PKEY_DSA:
		return ncsc_by_bits(&g->dsa, bits);
	case EVP_PKEY_EC:
		return ncsc_lookup(&g->curves, curve_nid);
	default:
		return ncsc_lookup(&g->keys, key_type);
	}
}

enum ncsc_level
ncsc_cert_sig(const struct ncsc *g, int sig_nid)
{
	return ncsc_lookup(&g->cert_sigs, sig_nid);
}

enum ncsc_level
ncsc_compression(const struct ncsc *g, bool tls_compression)
{
	(void)g; /* the same in both versions: 2.1 table 11, 2025-05 3.4.1 */
	return tls_compression ? NCSC_INSUFFICIENT : NCSC_GOOD;
}

enum ncsc_level
ncsc_secure_reneg(const struct ncsc *g, bool supported)
{
	(void)g; /* the same in both versions: 2.1 table 12, 2025-05 3.4.2 */
	return supported ? NCSC_GOOD : NCSC_INSUFFICIENT;
}

enum ncsc_level
ncsc_client_reneg(const struct ncsc *g, unsigned accepted)
{
	if (accepted == 0)
		return NCSC_GOOD;
	if (accepted <= g->reneg_limit)
		return g->reneg_limited;
	return g->reneg_unlimited;
}

unsigned
ncsc_client_reneg_attempts(const struct ncsc *g)
{
	return g->reneg_limit + 1;
}

enum ncsc_level
ncsc_zero_rtt(const struct ncsc *g, bool accepted)
{
	(void)g; /* the same in both versions: 2.1 table 14, 2025-05 3.4.x */
	return accepted ? NCSC_INSUFFICIENT : NCSC_GOOD;
}

enum ncsc_order
ncsc_order(const struct ncsc *g, enum ncsc_level lower, enum ncsc_level better)
{
	if ((unsigned)better >= (unsigned)lower || (unsigned)lower > NCSC_INSUFFICIENT)
		return NCSC_ORDER_FREE;
	return g->order[better][lower];
}

const char *
ncsc_level_name(enum ncsc_level l)
{
	switch (l) {
	case NCSC_GOOD:
		return "good";
	case NCSC_SUFFICIENT:
		return "sufficient";
	case NCSC_PHASE_OUT:
		return "phase-out";
	case NCSC_INSUFFICIENT:
		return "insufficient";
	}
	return "unknown";
}

int
ncsc_level_status(enum ncsc_level l)
{
	switch (l) {
	case NCSC_GOOD:
	case NCSC_SUFFICIENT:
		return PEIL__STATUS__PASSED;
	case NCSC_PHASE_OUT:
		return PEIL__STATUS__WARNING;
	case NCSC_INSUFFICIENT:
		break;
	}
	return PEIL__STATUS__FAILED;
}
