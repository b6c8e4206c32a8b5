/* securitytxt.h: security.txt (RFC 9116), PGP cleartext framing (RFC 4880 7) checked. */
#ifndef PEIL_SECURITYTXT_H
#define PEIL_SECURITYTXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "limits.h"

enum sectxt_field_id {
	SECTXT_F_CONTACT,
	SECTXT_F_EXPIRES,
	SECTXT_F_ENCRYPTION,
	SECTXT_F_ACKNOWLEDGMENTS,
	SECTXT_F_PREFERRED_LANGUAGES,
	SECTXT_F_CANONICAL,
	SECTXT_F_POLICY,
	SECTXT_F_HIRING,
	SECTXT_F_CSAF,
	SECTXT_F_COUNT,
};

/* What is wrong; the file is valid (RFC 9116 2.5) only with none. */
enum sectxt_err {
	SECTXT_E_SYNTAX = 1,     /* a line neither field, comment nor blank (RFC 9116 4 ABNF) */
	SECTXT_E_NO_CONTACT,     /* 2.5.3: at least one Contact */
	SECTXT_E_NO_EXPIRES,     /* 2.5.5: Expires MUST be present */
	SECTXT_E_DUP_EXPIRES,    /* 2.5.5: MUST NOT appear more than once */
	SECTXT_E_BAD_EXPIRES,    /* not an RFC 3339 date-time */
	SECTXT_E_EXPIRED,        /* 2.5.5: in the past: MUST NOT be used */
	SECTXT_E_DUP_PREF_LANG,  /* 2.5.8: MUST NOT appear more than once */
	SECTXT_E_BAD_URI,        /* a URI field's value is not scheme ":" without spaces, or an
	                          * https: URI without "//" (RFC 9110 4.2.2) */
	SECTXT_E_INSECURE_URI,   /* an http: URI where 2.5 requires https:// for web URIs */
	SECTXT_E_EMPTY_VALUE,    /* a known field without a value */
	SECTXT_E_PGP_FRAMING,    /* RFC 4880 7: headers, dash-escaping or signature block */
	SECTXT_E_NO_SPACE,       /* the ':' of a field not followed by a space (RFC 9116 4 ABNF:
	                          * ":" SP; sectxt no_space), any field, unknown ones too */
	SECTXT_E_BAD_LANG,       /* 2.5.8: a Preferred-Languages value that is not an RFC 5646
	                          * language tag (sectxt invalid_lang) */
};

/* What the Canonical fields say of the URL a file was fetched from (sectxt
 * no_canonical_match). */
enum sectxt_canon {
	SECTXT_CANON_NONE,       /* no Canonical field: nothing to compare */
	SECTXT_CANON_MATCH,      /* some Canonical value is the URL */
	SECTXT_CANON_NO_MATCH,   /* Canonical fields exist, none is the URL */
	SECTXT_CANON_UNKNOWN,    /* none of the kept values is the URL, but more were not kept
	                          * (over MAX_SECTXT_VALUES) */
};

struct sectxt_field {
	size_t n;                                    /* values seen */
	size_t nkept;                                /* values[] used */
	char values[MAX_SECTXT_VALUES][MAX_SECTXT_VALUE_LEN + 1]; /* as written, trimmed */
	size_t lines[MAX_SECTXT_VALUES];             /* their line numbers (1-based) */
};

struct sectxt_error {
	size_t line;             /* 1-based; 0 for the whole file */
	enum sectxt_err code;
};

struct sectxt {
	struct sectxt_field fields[SECTXT_F_COUNT];
	time_t expires;          /* the first Expires, when it parsed */
	bool expires_ok;
	bool expired;            /* expires < now */
	bool expires_far;        /* expires after now plus a calendar year (advice only) */
	bool signed_msg;         /* a PGP cleartext signed message (signature not verified) */
	size_t nunknown;         /* other fields (ignored) */
	size_t ncomments, nlines, ncrlf;
	size_t nerrors;          /* all errors */
	size_t nkept_errors;
	struct sectxt_error errors[MAX_SECTXT_ERRORS];
	bool valid;              /* nerrors == 0 */
};

/* Parses a security.txt body into *out (cleared first; no heap). Field names are
 * case-insensitive; '#' starts a comment line; lines end in LF or CRLF. Content problems go to
 * out->errors (valid false) with rc 0. Returns PEIL_ETOOBIG over MAX_SECTXT_BYTES and
 * PEIL_EINVAL for a NUL or invalid UTF-8 (why names the line), *out then cleared. */
int sectxt_parse(const uint8_t *buf, size_t len, time_t now, struct sectxt *out, char *why,
    size_t whylen);

/* Whether url (the URL the file was fetched from, after redirects) is one of s's Canonical
 * values: compared as written (as sectxt does), except that the scheme and the host (up to
 * the first '/', '?' or '#' after "://") compare case-insensitively (RFC 3986 6.2.2.1). */
enum sectxt_canon sectxt_canonical(const struct sectxt *s, const char *url);

/* Whether p (n bytes) is a well-formed RFC 5646 2.1 Language-Tag (langtag or privateuse; the
 * grandfathered tags are not recognised; subtags are not looked up in the IANA registry). */
bool sectxt_langtag(const uint8_t *p, size_t n);

/* RFC 3339 5.6 date-time ("T"/"Z" in either case, fractions ignored) to seconds since the
 * epoch; false when malformed or out of range. */
bool sectxt_datetime(const char *s, size_t n, time_t *t);

/* Static names: "contact", ..., "syntax", "no-contact", ... */
const char *sectxt_field_name(enum sectxt_field_id f);
const char *sectxt_err_name(enum sectxt_err e);
const char *sectxt_canon_name(enum sectxt_canon c);

#endif
