/* tls.h: the TLS engine: what a TLS server accepts (versions, suites, groups, ...) and the chain it presents. */
#ifndef PEIL_TLS_H
#define PEIL_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/types.h>

#include "limits.h"

/* Protocol versions, as on the wire. */
#define TLS_V13  0x0304
#define TLS_V12  0x0303
#define TLS_V11  0x0302
#define TLS_V10  0x0301
#define TLS_SSL3 0x0300
#define TLS_NVERSIONS 5           /* index 0 TLS 1.3, 1 TLS 1.2, 2 TLS 1.1, 3 TLS 1.0, 4 SSLv3 */

#define TLS_MAX_SUITES  64        /* suites kept per version */
#define TLS_MAX_GROUPS  16
#define TLS_MAX_SIGS    16

/* Where the engine gets its connections: every handshake is a fresh connection. */
struct tls_target {
	/* Returns 0 and *fd, a connected socket ready for a ClientHello (for SMTP: after
	 * STARTTLS was accepted; for HTTPS: just connected), or a PEIL_E* code with why.
	 * Must return by deadline_ms (clock_mono_ms()). The engine owns *fd afterwards (it
	 * makes it non-blocking and closes it). A failure stops the probe. */
	int (*connect)(void *arg, int64_t deadline_ms, int *fd, char *why, size_t whylen);
	void *arg;
	const char *sni;            /* server name to send and to check the leaf against; an IP
	                             * literal is not sent as SNI but checked as an address; NULL:
	                             * no SNI, no name check */
	const char *ca_file;        /* PEM bundle for trust (NULL: OpenSSL's default paths) */
	unsigned handshake_ms;      /* one try (connect callback + handshake); 0: DEFAULT_TLS_HANDSHAKE_MS */
	int64_t deadline_ms;        /* everything, on clock_mono_ms()'s clock; 0: none but the
	                             * handshake budget */
	unsigned max_handshakes;    /* tries at most; 0: MAX_TLS_HANDSHAKES */
	const uint8_t *early_data;  /* the 0-RTT check (TLS 1.3): these bytes (for HTTPS a whole
	                             * GET request) are sent as early data on a resumed handshake;
	                             * NULL: 0-RTT is not tried (early_data stays -1) */
	size_t early_len;
	bool full_handshakes;       /* every try a full handshake; false (the default): suites,
	                             * their order, groups and signature hashes are enumerated by
	                             * tries that stop within the server's first flight, once
	                             * OpenSSL has read what is asked (the client's second flight
	                             * is never sent). For the tests and benchmarks that compare
	                             * the two */
	unsigned lanes;             /* connections the engine may hold to the server at once: 0
	                             * or 1, one at a time; 2 (more is taken as 2): two from the
	                             * first try on (the hellos of TLS 1.1, 1.0 and SSLv3 beside
	                             * the full handshakes of TLS 1.3 and 1.2), the versions'
	                             * suites enumerated on two connections at once (the report
	                             * is the same). With lanes > 1, connect may be called from
	                             * two threads at once: it and arg must allow that */
	bool split;                 /* with lanes > 1, a TLS <= 1.2 version of a server that
	                             * follows our order also has its suites enumerated in two
	                             * halves at once, at the price of one more try: for targets
	                             * whose tries are dear (STARTTLS: an SMTP dialogue before
	                             * each hello) */
};

/* The suites one version accepts. */
struct tls_version_suites {
	uint16_t version;                 /* TLS_V13 ... TLS_SSL3 */
	uint16_t suites[TLS_MAX_SUITES];  /* IANA ids, in the server's order when server_order is
	                                   * 1, else in the order found; suites this OpenSSL cannot
	                                   * offer (3DES, RC4, DES, export, IDEA, SEED, static
	                                   * (EC)DH), found by hand-built hellos, come last and are
	                                   * not part of the order check */
	size_t nsuites;
	int server_order;                 /* 1 the server enforces its order, 0 it follows ours,
	                                   * -1 unknown (one suite, SSLv3, or the try failed) */
};

/* What tls_probe found. Every list is deduplicated and bounded by its array. */
struct tls_report {
	bool available;                /* some TLS (or SSLv3) handshake completed */
	char why[256];                 /* the first failure (meaningful when !available) */
	bool partial;                  /* stopped before every step was done ... */
	char partial_why[128];         /* ... because of this (deadline, budget, transport) */

	uint16_t versions[TLS_NVERSIONS];  /* accepted, highest first */
	size_t nversions;
	bool version_tried[TLS_NVERSIONS]; /* by index (see TLS_NVERSIONS); SSLv3 by a hand-built hello */
	struct tls_version_suites per_version[TLS_NVERSIONS]; /* one per accepted version, same order */
	size_t nper;

	uint16_t groups[TLS_MAX_GROUPS];   /* key-exchange groups accepted (IANA ids): every one a
	                                    * handshake negotiated, enumerated (offer all, remove
	                                    * the chosen, repeat) on groups_version */
	size_t ngroups;
	uint16_t groups_version;           /* TLS_V13, else TLS_V12 with ECDHE suites, else 0 */
	unsigned ffdh_bits;                /* a DHE suite (TLS <= 1.2) was used: the prime's bits; 0 none */
	bool ffdh_named;                   /* ... and the prime is an RFC 7919 ffdhe group */
	char ffdh_group[24];               /* ... OpenSSL's name for a known prime ("ffdhe2048",
	                                    * "modp_2048", ...), "" when not a known one */
	uint16_t sigschemes[TLS_MAX_SIGS]; /* TLS 1.2 ServerKeyExchange signature schemes (IANA)
	                                    * the server used, one per hash it accepts */
	size_t nsigschemes;
	int compression;               /* 1 the server chose DEFLATE (hand-built hello offering it),
	                                * 0 it did not (or only TLS 1.3), -1 unknown */
	int secure_reneg;              /* RFC 5746: 1 supported, 0 not, -1 unknown (no TLS <= 1.2) */
	int client_reneg;              /* 1 a client-initiated renegotiation (TLS <= 1.2)
	                                * completed, 0 refused, -1 unknown */
	int ems;                       /* RFC 7627 extended master secret on TLS <= 1.2: 1/0/-1 */
	int early_data;                /* 0-RTT: 1 the server accepted early data on a resumed
	                                * TLS 1.3 handshake, 0 it refused it (or sent no ticket
	                                * allowing it), -1 unknown (no TLS 1.3, not tried) */
	int ocsp_stapled;              /* 1 the server stapled an OCSP response (status_request,
	                                * asked on the handshake whose chain is kept), 0 it did
	                                * not, -1 unknown (no handshake with a chain) */
	int ocsp_valid;                /* the stapled response: 1 valid for the leaf (signature,
	                                * times, status good: tls_ocsp_judge), 0 invalid
	                                * (ocsp_why), -1 unknown or nothing stapled */
	char ocsp_why[128];            /* what was wrong with it, "good", or "no response stapled" */
	char early_reply[64];          /* early data accepted: the first line the server answered
	                                * it with (e.g. "HTTP/1.1 425 Too Early"), "" none;
	                                * printable ASCII, others as '?' */
	char early_why[128];           /* how the 0-RTT check went ("early data rejected", "no
	                                * ticket allowing early data", ...), "" not tried */

	/* The chain of the first completed handshake, leaf first, DER (for DANE). */
	size_t nchain;
	uint8_t *der[MAX_TLS_CHAIN_CERTS];
	size_t derlen[MAX_TLS_CHAIN_CERTS];
	bool chain_truncated;          /* more certificates than MAX_TLS_CHAIN_CERTS: the rest dropped */
	int leaf_key_type;             /* EVP_PKEY_RSA, EVP_PKEY_RSA_PSS, EVP_PKEY_EC, EVP_PKEY_ED25519,
	                                * EVP_PKEY_ED448, EVP_PKEY_DSA, ...; 0 no chain */
	unsigned leaf_key_bits;        /* RSA/DSA modulus bits, EC field bits */
	int leaf_curve_nid;            /* EC keys: NID_X9_62_prime256v1, ...; else 0 (NID_undef) */
	int chain_sig_nids[MAX_TLS_CHAIN_CERTS]; /* each cert's signature algorithm (X509_get_signature_nid) */
	bool trusted;                  /* X509_verify_cert against ca_file (server purpose) */
	char trust_why[128];           /* "ok" or OpenSSL's reason, with the depth */
	bool name_ok;                  /* the leaf matches sni (X509_check_host / X509_check_ip_asc) */

	unsigned handshakes;           /* tries made (connections), the SSLv3 and compression hellos included */
	unsigned flights;              /* ... of which stopped after the server's first flight */
	unsigned hello_stops;          /* ... of which right after its ServerHello (TLS <= 1.2
	                                * with (EC)DHE: its ServerKeyExchange) */
	unsigned ms;                   /* wall time of tls_probe */
};

/* Probes the server behind t: versions, suites per version and order, groups, FFDH size,
 * TLS 1.2 signature schemes, compression, renegotiation, EMS, the chain and its trust,
 * OCSP stapling, and with t->early_data 0-RTT (the TLS 1.3 try waits for session tickets,
 * within DEFAULT_TLS_TICKET_MS, then one more connection resumes with early data).
 * A full handshake per version (the first gives the chain, trust and OCSP; the first
 * TLS <= 1.2 one renegotiation; TLS 1.3 the ticket), except TLS 1.1 and 1.0 after a
 * TLS <= 1.2 one completed: a hand-built hello offering OpenSSL's suites and the weak ones;
 * suites, their order (asked along the enumeration: the first suite found offered last),
 * groups and signature hashes by first-flight tries (OpenSSL's own ClientHello, the
 * server's first flight read and checked by OpenSSL up to where it says what is asked, the
 * client's second flight never sent; see t->full_handshakes), TLS 1.3 suites and groups
 * together by hellos without a key share (tls_client_hello13_build); SSLv3, the suites
 * OpenSSL cannot offer and compression by hand-built hellos (tls_client_hello_build) read
 * to the ServerHello.
 * Handshakes run one at a time, or with t->lanes > 1 two at a time (the hellos of TLS 1.1,
 * 1.0 and SSLv3 asked ahead beside the full handshakes of TLS 1.3 and 1.2, a version refused
 * to its hello then having no full handshake, and the 0-RTT resumption beside TLS 1.2's
 * handshake or those hellos; the versions' suites and the signature hashes
 * in two threads; a version whose server follows our order has its suites enumerated in two
 * halves at once, at one more try; the report is the one a single lane gives, but for the
 * counts of tries and for what a bound cut short), each bounded by t->handshake_ms, all by
 * t->deadline_ms and t->max_handshakes (shared by the lanes); when a bound stops it, what was
 * found is kept and r->partial says why. A connection refused on two lanes (a server taking
 * one connection of a client at a time; not when every lane's connect failed) has the run
 * made again on one lane, within the tries and time left; the second report is kept when it
 * is complete, the tries of both counted. Trust never fails a handshake.
 * Returns 0 (see r->available), PEIL_EINVAL (no connect callback) or PEIL_ENOMEM (r then
 * holds nothing). r is overwritten, not freed: pass a fresh one or one tls_report_clear
 * emptied; the caller frees it with tls_report_clear. Thread-safe (calls share nothing). The
 * process must ignore SIGPIPE (OpenSSL writes to the socket with write()). */
int tls_probe(const struct tls_target *t, struct tls_report *r);

/* Frees r's DER copies and zeroes r (tri-states at -1). Accepts an uninitialised-but-zeroed r. */
void tls_report_clear(struct tls_report *r);

/* A certificate's public key: its type (EVP_PKEY_RSA, EVP_PKEY_EC, ...; 0 none), bits (RSA/DSA
 * modulus, EC field) and curve (EC keys; else NID_undef). */
void tls_cert_key(X509 *x, int *type, unsigned *bits, int *curve_nid);

/* Judges a stapled OCSP response (RFC 6960): resp[0..len), untrusted DER, for the leaf
 * chain[0] of a presented chain (DER, leaf first; the leaf's issuer is looked for in the
 * chain, then in ca_file, NULL: OpenSSL's default paths). Valid means: responseStatus
 * successful, a BasicOCSPResponse whose signature verifies (signed by the issuer or by a
 * responder it delegated to, that signer's chain trusted by the CA bundle), a SingleResponse
 * for the leaf's CertID with status good, and thisUpdate/nextUpdate holding now (within
 * DEFAULT_TLS_OCSP_SKEW_S). A response over MAX_TLS_OCSP_BYTES is not parsed (invalid).
 * *valid: 1 valid ("good" in why), 0 invalid (why says what failed), -1 cannot tell (the CA
 * bundle would not load, the leaf is unreadable). Returns 0, PEIL_EINVAL (no chain) or
 * PEIL_ENOMEM. */
int tls_ocsp_judge(const uint8_t *resp, size_t len, uint8_t *const *chain,
    const size_t *chainlen, size_t nchain, const char *ca_file, int *valid, char *why,
    size_t whylen);

/* Returns OpenSSL's name of an IANA TLS suite id ("ECDHE-RSA-AES128-GCM-SHA256",
 * "TLS_AES_128_GCM_SHA256"), or NULL when OpenSSL does not know it. Static storage. */
const char *tls_suite_name(uint16_t id);

/* The first reply to a hand-built ClientHello. */
struct tls_hello {
	uint16_t version;          /* ServerHello version (supported_versions when present) */
	uint16_t suite;            /* the chosen suite */
	uint8_t compression;       /* the chosen compression method (0 none, 1 DEFLATE) */
	bool reneg_info;           /* renegotiation_info extension present */
	bool ems;                  /* extended_master_secret extension present */
	bool hrr;                  /* a TLS 1.3 HelloRetryRequest (RFC 8446 4.1.3's random) */
	uint16_t group;            /* key_share: the HelloRetryRequest's selected_group, or the
	                            * group of a ServerHello's key share; 0 none */
	uint8_t alert_level;       /* when the reply was an alert */
	uint8_t alert;
};

/* Parses buf[0..len), untrusted bytes a server sent first in answer to a ClientHello:
 * TLS records up to the end of the ServerHello (which may span records). Returns 0 (*h
 * filled), PEIL_EAGAIN (incomplete: read more), PEIL_ENOENT (an alert came first: h->alert),
 * PEIL_EINVAL (not TLS, another message first, or a malformed ServerHello) or PEIL_ETOOBIG
 * (a ServerHello over MAX_TLS_HELLO_BYTES). Bytes after the ServerHello are ignored. */
int tls_server_hello_parse(const uint8_t *buf, size_t len, struct tls_hello *h);

/* How many of buf[0..len), untrusted bytes from a server not yet given to OpenSSL, to give
 * it next: with whole, the first TLS record once it is complete (0 until then: read more),
 * or all len bytes when its header says it is longer than max (OpenSSL judges such a
 * record); without whole, all len bytes. Always 0 before a whole 5-byte record header.
 * Never more than len. */
size_t tls_record_feed(const uint8_t *buf, size_t len, bool whole, size_t max);

/* Builds a ClientHello record (for SSLv3 and the compression check; no TLS 1.3): version
 * (TLS_SSL3 ... TLS_V12), the suites (IANA ids), DEFLATE offered before null when deflate,
 * extensions (SNI when sni is a host name, groups, point formats, signature algorithms for
 * TLS 1.2, renegotiation_info) unless version is TLS_SSL3. Returns 0 and *used, PEIL_EINVAL
 * (no suites, bad version) or PEIL_ETOOBIG (out too small). */
int tls_client_hello_build(uint16_t version, const uint16_t *suites, size_t nsuites, bool deflate,
    const char *sni, uint8_t *out, size_t outlen, size_t *used);

/* Builds a TLS 1.3 ClientHello record that asks without a key share (RFC 8446 4.1.4,
 * 4.2.8): the suites and groups (IANA ids) offered, supported_versions TLS 1.3 only,
 * signature_algorithms, SNI when sni is a host name, and an empty key_share, so that a server
 * accepting one of the groups answers with a HelloRetryRequest naming its suite and group, no
 * key exchange computed by either side. Returns 0 and *used, PEIL_EINVAL (no suites or no
 * groups, more than 1000 of either) or PEIL_ETOOBIG (out too small). */
int tls_client_hello13_build(const uint16_t *suites, size_t nsuites, const uint16_t *groups,
    size_t ngroups, const char *sni, uint8_t *out, size_t outlen, size_t *used);

#endif
