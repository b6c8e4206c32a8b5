/* hsts.h: the Strict-Transport-Security header value (RFC 6797 6.1). */
#ifndef PEIL_HSTS_H
#define PEIL_HSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* Why a value was refused. */
enum hsts_reason {
	HSTS_R_OK,
	HSTS_R_TOO_LONG,      /* over MAX_HSTS_HEADER_LEN */
	HSTS_R_TOO_MANY,      /* over MAX_HSTS_DIRECTIVES directives */
	HSTS_R_BAD_CHAR,      /* NUL, a control byte other than HTAB, or a byte >= 0x80 outside
	                       * a quoted-string */
	HSTS_R_SYNTAX,        /* a directive not token [ "=" ( token / quoted-string ) ] */
	HSTS_R_DUPLICATE,     /* max-age or includeSubDomains twice (6.1 rule 2; rule 5:
	                       * unrecognised ones, preload too, are ignored) */
	HSTS_R_NO_MAX_AGE,    /* max-age missing (6.1.1: REQUIRED) */
	HSTS_R_BAD_MAX_AGE,   /* max-age without a value or not 1*DIGIT (quoted allowed) */
	HSTS_R_VALUE_NOT_ALLOWED, /* includeSubDomains with a value (6.1.2: valueless) */
};

struct hsts {
	uint64_t max_age;          /* seconds, at most MAX_HSTS_MAX_AGE */
	bool max_age_capped;       /* the written value was larger (or overflowed) */
	bool include_subdomains;
	bool preload;              /* not RFC 6797: the hstspreload.org convention (any value,
	                            * repeats allowed: an unrecognised directive, 6.1 rule 5) */
	size_t ndirectives;        /* non-empty directives */
	size_t nunknown;           /* unknown directives (ignored, 6.1 rule 5) */
	char max_age_text[MAX_HSTS_MAX_AGE_TEXT + 1]; /* as written (quotes removed, truncated) */
};

/* Parses one header field value into *out (cleared first; no heap). Directive names are
 * case-insensitive; values are token or quoted-string; spaces/tabs around ';' and '=' are
 * allowed; empty directives (";;") are allowed by the grammar. Returns 0, or PEIL_EINVAL /
 * PEIL_ETOOBIG with the class in *reason (may be NULL) and "<reason-name>: detail (offset N)"
 * in why. On refusal *out is cleared. */
int hsts_parse(const uint8_t *buf, size_t len, struct hsts *out, enum hsts_reason *reason,
    char *why, size_t whylen);

/* Static names, e.g. "duplicate-directive". */
const char *hsts_reason_name(enum hsts_reason r);

#endif
