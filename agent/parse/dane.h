/* dane.h: TLSA records (RFC 6698) and their DANE matching for SMTP (RFC 7671, RFC 7672). */
#ifndef PEIL_DANE_H
#define PEIL_DANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* RFC 7218 names of the values this module knows. */
enum {
	TLSA_USAGE_PKIX_TA = 0,
	TLSA_USAGE_PKIX_EE = 1,
	TLSA_USAGE_DANE_TA = 2,
	TLSA_USAGE_DANE_EE = 3,
	TLSA_SELECTOR_CERT = 0,
	TLSA_SELECTOR_SPKI = 1,
	TLSA_MTYPE_FULL = 0,
	TLSA_MTYPE_SHA256 = 1,
	TLSA_MTYPE_SHA512 = 2,
};

/* One TLSA record, as parsed from its rdata. */
struct tlsa_rr {
	uint8_t usage, selector, mtype;
	uint16_t len;                   /* bytes of data, 1 .. MAX_TLSA_DATA */
	uint8_t data[MAX_TLSA_DATA];    /* certificate association data */
};

/* Enough for tlsa_text of any record whose data is cut at 64 bytes of hex. */
#define TLSA_TEXT_LEN 160

/* What became of one record in dane_match. */
enum dane_outcome {
	DANE_REC_MATCHED,    /* authenticated the server (DANE-EE leaf match, or DANE-TA match
	                      * with a valid chain and a matching name) */
	DANE_REC_NOMATCH,    /* usable, matched no certificate of the chain */
	DANE_REC_TA_FAILED,  /* DANE-TA matched a certificate, but the chain or name failed */
	DANE_REC_PKIX,       /* usage 0 or 1: ignored for SMTP (RFC 7672 3.1.3) */
	DANE_REC_UNUSABLE,   /* unknown usage, selector or matching type, or bad data length */
	DANE_REC_SKIPPED,    /* beyond MAX_TLSA_RECORDS: not examined */
};

struct dane_rec_result {
	enum dane_outcome outcome;
	int depth;               /* chain index the record matched (0 leaf), -1 if none */
	char why[96];            /* short reason, for evidence */
};

struct dane_result {
	bool ok;                 /* at least one usable record authenticated the server */
	size_t usable;           /* records of usage 2 or 3 with known selector and type */
	size_t matched;          /* records with outcome DANE_REC_MATCHED */
	size_t pkix_ignored;     /* usage 0 and 1 records */
	size_t unusable;         /* DANE_REC_UNUSABLE records */
	int matched_usage;       /* usage of the first matched record, -1 if none */
	bool truncated;          /* records beyond MAX_TLSA_RECORDS or certificates beyond
	                          * MAX_CHAIN_CERTS were not examined */
	char why[256];           /* overall reason, for evidence */
	size_t nrec;             /* entries of rec[]: min(n, MAX_TLSA_RECORDS) */
	struct dane_rec_result rec[MAX_TLSA_RECORDS];  /* per record, in set order */
};

/* Parses one TLSA rdata of `len` bytes (untrusted wire bytes) into *out. Returns 0,
 * PEIL_EINVAL (fewer than 4 bytes, SHA-256 data not 32 bytes, SHA-512 data not 64 bytes) or
 * PEIL_ETOOBIG (data over MAX_TLSA_DATA), the reason in `why` (may be NULL). Unknown usage,
 * selector or matching type values parse fine (RFC 7671 4: such records are unusable, not
 * errors); on success `why` is "" or says why the record is unusable for SMTP. */
int tlsa_parse(const uint8_t *rdata, size_t len, struct tlsa_rr *out, char *why, size_t whylen);

/* Returns NULL when an SMTP client can use the record (usage 2 or 3, selector 0 or 1, matching
 * type 0, 1 or 2 with the right data length), else a static reason ("PKIX-EE usage ignored
 * for SMTP", "unknown selector", ...). */
const char *tlsa_unusable(const struct tlsa_rr *rr);

/* Writes the presentation form "3 1 1 ab12..." (lower-case hex) into buf, always
 * NUL-terminated when len > 0. Hex that does not fit, or beyond 64 data bytes, is cut and
 * ends in "...". */
void tlsa_text(const struct tlsa_rr *rr, char *buf, size_t len);

/* Matches the TLSA set (n records) against the chain the server presented: nchain DER
 * certificates der[i] of derlen[i] bytes, leaf first. RFC 7672 3.1: DANE-EE (3) matches the
 * leaf only, without name or date checks; DANE-TA (2) matches a certificate above the leaf,
 * which then must anchor a valid chain (leaf and intermediate dates checked, the trust
 * anchor's not) whose leaf carries one of `names` (nnames reference identifiers, e.g. the MX
 * host name; RFC 7672 3.2.3); PKIX usages are counted and ignored. Fills *out (also on
 * failure to authenticate: out->ok false, the reason in out->why). Only the first
 * MAX_TLSA_RECORDS records and MAX_CHAIN_CERTS certificates are examined (out->truncated).
 * Returns 0 when the set was evaluated, PEIL_EINVAL on bad arguments, PEIL_ENOMEM when
 * OpenSSL runs out of memory. Borrows every argument. */
int dane_match(const struct tlsa_rr *set, size_t n, const uint8_t *const *der,
    const size_t *derlen, size_t nchain, const char *const *names, size_t nnames,
    struct dane_result *out);

/* Whether the set allows a key rollover (RFC 7671 8.1, internet.nl's rule): two or more
 * distinct usable DANE-EE records, or a usable DANE-EE record plus a usable DANE-TA record. */
bool dane_rollover_ok(const struct tlsa_rr *set, size_t n);

#endif
