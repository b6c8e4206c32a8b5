/* ncsc.h: the NCSC-NL TLS guideline tables (2025-05 and 2.1) as data, and their lookups. */
#ifndef PEIL_NCSC_H
#define PEIL_NCSC_H

#include <stdbool.h>
#include <stdint.h>

/* The four security levels of the guidelines, best first: a larger value is worse, so the
 * worst of several items is their maximum. */
enum ncsc_level {
	NCSC_GOOD,         /* "Goed" */
	NCSC_SUFFICIENT,   /* "Voldoende" */
	NCSC_PHASE_OUT,    /* "Uit te faseren" */
	NCSC_INSUFFICIENT, /* "Onvoldoende" */
};

/* One guideline version's tables; static const, never freed. */
struct ncsc;

/* Guideline ids as they appear in results. */
#define NCSC_ID_2025_05 "ncsc-tls-2025-05"
#define NCSC_ID_2_1     "ncsc-tls-2.1"

/* Returns the tables of `guideline_id` (NCSC_ID_*), or NULL if unknown or NULL. */
const struct ncsc *ncsc_find(const char *guideline_id);
/* Returns the default tables (2025-05). */
const struct ncsc *ncsc_default(void);
/* Returns the guideline id string (static). */
const char *ncsc_id(const struct ncsc *g);

/* Protocol version by wire value: 0x0002 (SSL 2), 0x0300 (SSL 3) .. 0x0304 (TLS 1.3).
 * Anything not in the table is insufficient. */
enum ncsc_level ncsc_version(const struct ncsc *g, uint16_t tls_version);

/* Cipher suite by IANA id (TLS 1.3 and earlier suites alike). Anything not listed is
 * insufficient. */
enum ncsc_level ncsc_cipher(const struct ncsc *g, uint16_t iana_id);
/* The IANA name of a cipher suite ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), static, or NULL
 * if peil does not know the id. Every suite any guideline table lists has a name. */
const char *ncsc_cipher_name(uint16_t iana_id);

/* Key-exchange group by IANA supported_groups id: ECDHE curves, hybrid post-quantum groups and
 * the RFC 7919 ffdhe groups (0x0100..0x0104). Anything not listed is insufficient. */
enum ncsc_level ncsc_group(const struct ncsc *g, uint16_t iana_group);
/* The IANA name of a group ("x25519", "ffdhe3072"), static, or NULL if unknown. */
const char *ncsc_group_name(uint16_t iana_group);

/* Finite-field DH of `bits` bits as seen in a TLS 1.2 ServerKeyExchange. named_ffdhe is true
 * when the prime and generator are one of the RFC 7919 groups; self-generated groups are
 * insufficient whatever their size. */
enum ncsc_level ncsc_ffdh_bits(const struct ncsc *g, unsigned bits, bool named_ffdhe);

/* Hash function of a key-exchange signature, by IANA SignatureScheme (TLS 1.2
 * signature_algorithms, e.g. 0x0401 rsa_pkcs1_sha256, 0x0201 rsa_pkcs1_sha1, 0x0807 ed25519).
 * Only the hash is judged; an unknown scheme is insufficient. */
enum ncsc_level ncsc_sig_hash(const struct ncsc *g, uint16_t tls_sigscheme);
/* The IANA name of a SignatureScheme ("rsa_pss_rsae_sha256"), static, or NULL if unknown. */
const char *ncsc_sigscheme_name(uint16_t tls_sigscheme);

/* Certificate public key: key_type is an EVP_PKEY_* id (EVP_PKEY_RSA, EVP_PKEY_RSA_PSS,
 * EVP_PKEY_EC, EVP_PKEY_ED25519, EVP_PKEY_ED448, EVP_PKEY_DSA), bits the key size (RSA, DSA),
 * curve_nid the curve's NID for EVP_PKEY_EC (e.g. NID_X9_62_prime256v1), else ignored.
 * Unknown key types and curves are insufficient. */
enum ncsc_level ncsc_cert_key(const struct ncsc *g, int key_type, unsigned bits, int curve_nid);

/* Certificate signature algorithm by OpenSSL NID (X509_get_signature_nid, e.g.
 * NID_sha256WithRSAEncryption, NID_ecdsa_with_SHA384, NID_ED25519). Unknown is insufficient.
 * NID_rsassaPss carries its hash in parameters; it is judged as RSA-PSS with a SHA-2 hash, so a
 * caller that finds another hash in the parameters should judge that hash itself. */
enum ncsc_level ncsc_cert_sig(const struct ncsc *g, int sig_nid);

/* TLS-level compression offered (any method other than null): insufficient; none: good. */
enum ncsc_level ncsc_compression(const struct ncsc *g, bool tls_compression);
/* RFC 5746 secure renegotiation supported: good; not supported (insecure renegotiation
 * possible): insufficient. Not applicable to TLS 1.3 (the caller decides). */
enum ncsc_level ncsc_secure_reneg(const struct ncsc *g, bool supported);
/* Client-initiated renegotiation: `accepted` is how many renegotiations in a row the server
 * accepted on one connection (0 = refused). A prober should try ncsc_client_reneg_attempts(g)
 * times to tell the levels apart. */
enum ncsc_level ncsc_client_reneg(const struct ncsc *g, unsigned accepted);
unsigned ncsc_client_reneg_attempts(const struct ncsc *g);
/* TLS 1.3 0-RTT (early data) accepted: insufficient; refused or not offered: good. */
enum ncsc_level ncsc_zero_rtt(const struct ncsc *g, bool accepted);

/* Cipher order at the highest version below TLS 1.3: how a server that prefers a suite of level
 * `lower` over one of the better level `better` (better < lower) is judged. */
enum ncsc_order {
	NCSC_ORDER_FREE,      /* no rule between the two levels */
	NCSC_ORDER_NOTED,     /* shown, still a pass (internet.nl's 2.1-era sufficient_above_good) */
	NCSC_ORDER_VIOLATION, /* the order test fails */
};
enum ncsc_order ncsc_order(const struct ncsc *g, enum ncsc_level lower, enum ncsc_level better);

/* "good", "sufficient", "phase-out", "insufficient"; "unknown" for anything else. */
const char *ncsc_level_name(enum ncsc_level l);
/* The verdict status of a level: PEIL__STATUS__PASSED for good and sufficient,
 * PEIL__STATUS__WARNING for phase-out, PEIL__STATUS__FAILED for insufficient (and anything
 * else). */
int ncsc_level_status(enum ncsc_level l);

#endif
