/* mtasts.h: MTA-STS (RFC 8461) record, policy, mx match; TLS-RPT (RFC 8460) record. */
#ifndef PEIL_MTASTS_H
#define PEIL_MTASTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* Why a record, a policy or a fetch was refused; each class its own reason. */
enum mtasts_reason {
	MTASTS_R_OK,
	MTASTS_R_VERSION,      /* record: not v=STSv1 first; policy: version not STSv1 */
	MTASTS_R_TOO_LONG,     /* over MAX_MTASTS_RECORD_LEN / MAX_MTASTS_POLICY_BYTES */
	MTASTS_R_BAD_CHAR,     /* a control byte or NUL; record: a byte >= 0x80; policy: bad UTF-8 */
	MTASTS_R_SYNTAX,       /* record: not field=value; policy: a line not key ":" value */
	MTASTS_R_NO_ID,        /* record without id= */
	MTASTS_R_BAD_ID,       /* id not 1 to 32 letters and digits */
	MTASTS_R_DUP_FIELD,    /* record: id twice; policy: version, mode or max_age twice */
	MTASTS_R_BAD_EXT,      /* an extension's name or value malformed */
	MTASTS_R_NO_VERSION,   /* policy without version: */
	MTASTS_R_NO_MODE,      /* policy without mode: */
	MTASTS_R_BAD_MODE,     /* mode not enforce, testing or none */
	MTASTS_R_NO_MAX_AGE,   /* policy without max_age: */
	MTASTS_R_BAD_MAX_AGE,  /* max_age not 1 to 10 digits or above MAX_MTASTS_MAX_AGE */
	MTASTS_R_NO_MX,        /* no mx: while mode is not none */
	MTASTS_R_BAD_MX,       /* an mx pattern not ["*."] Domain */
	MTASTS_R_TOO_MANY_MX,  /* more than MAX_MTASTS_MX mx: lines */
	MTASTS_R_FETCH_NAME,   /* fetch: domain not a host name, or resolve_addr not an address */
	MTASTS_R_FETCH_CONNECT,/* fetch: name not resolved or connection refused */
	MTASTS_R_FETCH_TLS,    /* fetch: TLS handshake or certificate/host name check failed */
	MTASTS_R_FETCH_TIMEOUT,/* fetch: time-out */
	MTASTS_R_FETCH_HTTP,   /* fetch: HTTP status not 200 (a 3xx is never followed) */
	MTASTS_R_FETCH_TOO_BIG,/* fetch: body larger than the caller's buffer */
	MTASTS_R_FETCH_ERROR,  /* fetch: any other transfer failure */
};

/* The _mta-sts TXT record. */
struct mtasts_record {
	char id[MAX_MTASTS_ID_LEN + 1];
	size_t next;               /* extension fields (ignored, as RFC 8461 3.1 says), counted */
};

enum mtasts_mode {
	MTASTS_MODE_UNSET = 0,
	MTASTS_MODE_ENFORCE,
	MTASTS_MODE_TESTING,
	MTASTS_MODE_NONE,
};

/* One mx: pattern: `name` is the domain after any "*." (ASCII lower-cased, no final dot;
 * U-label bytes kept as written). */
struct mtasts_mx {
	char name[MAX_DOMAIN_LEN + 1];
	bool wildcard;             /* written "*.name": matches exactly one more left label */
};

/* The policy file. */
struct mtasts_policy {
	enum mtasts_mode mode;
	uint32_t max_age;          /* seconds, 0..MAX_MTASTS_MAX_AGE */
	size_t nmx;
	struct mtasts_mx mx[MAX_MTASTS_MX];
	size_t nunknown;           /* extension keys (ignored), counted */
	size_t ncrlf, nlf;         /* lines ended by CRLF and by a bare LF */
	size_t nblank;             /* empty or blank lines (tolerated, though the ABNF has none) */
	bool version_first;        /* version: is the first line */
};

/* True when the TXT record (strings joined) starts with "v=STSv1" followed by the end, a space,
 * a tab or ';' (case as written: RFC 8461 uses %s strings). RFC 8461 3.1 discards TXT records
 * that do not; the lookup keeps those that do and needs exactly one. */
bool mtasts_is_record(const uint8_t *buf, size_t len);

/* Parses one _mta-sts record, RFC 8461 3.1 ABNF, into *out (cleared first; no heap).
 * Lenient in one point: trailing spaces/tabs after the last field are allowed. Returns 0, or
 * PEIL_EINVAL / PEIL_ETOOBIG with the class in *reason (may be NULL) and
 * "<reason-name>: detail (offset N)" in why. */
int mtasts_record_parse(const uint8_t *buf, size_t len, struct mtasts_record *out,
    enum mtasts_reason *reason, char *why, size_t whylen);

/* Parses a policy file body, RFC 8461 3.2 ABNF, into *out (cleared first; no heap): lines end
 * in LF or CRLF; keys and values are case-sensitive; version, mode and max_age exactly once
 * each (twice: DUP_FIELD); mx at least once unless mode is none; unknown keys are checked for
 * syntax and ignored; blank lines are tolerated (counted in nblank); the order of lines is
 * free. Returns 0, or PEIL_EINVAL / PEIL_ETOOBIG (over MAX_MTASTS_POLICY_BYTES, or more than
 * MAX_MTASTS_MX mx lines) with the class in *reason (may be NULL) and
 * "<reason-name>: detail (offset N)" in why. */
int mtasts_policy_parse(const uint8_t *buf, size_t len, struct mtasts_policy *out,
    enum mtasts_reason *reason, char *why, size_t whylen);

/* Does the MX host name (NUL-terminated, one final dot allowed, ASCII case ignored) match one
 * of the policy's mx patterns (RFC 8461 4.1: "*.example.com" matches "mail.example.com" but
 * neither "example.com" nor "a.b.example.com")? False for NULL arguments, an empty or
 * over-long name, or a name holding '*'. IDNs are compared as bytes (no A/U-label mapping). */
bool mtasts_mx_match(const struct mtasts_policy *p, const char *mx_host);

/* Is the Content-Type header value "text/plain" (case ignored), with any parameters? RFC 8461
 * 3.2: senders SHOULD check it. False for NULL. */
bool mtasts_content_type_ok(const char *content_type);

/* Writes "mta-sts." and domain (lower-cased, one final dot dropped) to host and returns true
 * when domain is an LDH host name whose mta-sts name fits MAX_DOMAIN_LEN and hostlen; false
 * otherwise. */
bool mtasts_policy_host(const char *domain, char *host, size_t hostlen);

/* Static names: "enforce", "testing", "none", "unset"; reasons e.g. "bad-max-age". */
const char *mtasts_mode_name(enum mtasts_mode m);
const char *mtasts_reason_name(enum mtasts_reason r);

/* TLS-RPT (RFC 8460 3). */

enum tlsrpt_reason {
	TLSRPT_R_OK,
	TLSRPT_R_VERSION,        /* does not start with v=TLSRPTv1 */
	TLSRPT_R_TOO_LONG,       /* longer than MAX_TLSRPT_RECORD_LEN */
	TLSRPT_R_BAD_CHAR,       /* a control byte, NUL or a byte >= 0x80 */
	TLSRPT_R_SYNTAX,         /* not field=value; fields not separated by ';' */
	TLSRPT_R_NO_RUA,         /* rua= missing */
	TLSRPT_R_DUP_RUA,        /* rua= twice */
	TLSRPT_R_BAD_URI,        /* a URI malformed (mailto: without a host name, https: without
	                          * a host, a character URIs do not allow, ...) */
	TLSRPT_R_TOO_MANY_URIS,  /* more than MAX_TLSRPT_RUA, or one longer than
	                          * MAX_TLSRPT_URI_LEN */
	TLSRPT_R_NO_USABLE_URI,  /* no rua URI of the schemes RFC 8460 names (mailto, https) */
	TLSRPT_R_BAD_EXT,        /* an extension's name or value malformed */
};

enum tlsrpt_scheme {
	TLSRPT_URI_MAILTO,
	TLSRPT_URI_HTTPS,
	TLSRPT_URI_OTHER,        /* well-formed, but no reporter will use it */
};

/* One rua URI; `host` is the mailto: address's domain or the https: host (lower case, no
 * final dot), "" for other schemes. */
struct tlsrpt_uri {
	char uri[MAX_TLSRPT_URI_LEN + 1];
	char host[MAX_DOMAIN_LEN + 1];
	enum tlsrpt_scheme scheme;
};

struct tlsrpt_record {
	size_t nrua;
	struct tlsrpt_uri rua[MAX_TLSRPT_RUA];
	size_t nmailto, nhttps, nother;  /* rua URIs per scheme */
	size_t next;                     /* extension fields (ignored), counted */
};

/* True when the TXT record starts with "v=TLSRPTv1" followed by the end, a space, a tab or ';'. */
bool tlsrpt_is_record(const uint8_t *buf, size_t len);

/* Parses one _smtp._tls record, RFC 8460 3 ABNF, into *out (cleared first; no heap); trailing
 * spaces/tabs are allowed. Returns 0, or PEIL_EINVAL / PEIL_ETOOBIG with the class in *reason
 * (may be NULL) and "<reason-name>: detail (offset N)" in why. */
int tlsrpt_record_parse(const uint8_t *buf, size_t len, struct tlsrpt_record *out,
    enum tlsrpt_reason *reason, char *why, size_t whylen);

/* Static names: "mailto", "https", "other"; reasons e.g. "no-rua". */
const char *tlsrpt_scheme_name(enum tlsrpt_scheme s);
const char *tlsrpt_reason_name(enum tlsrpt_reason r);

#endif
