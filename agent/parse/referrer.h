/* referrer.h: the Referrer-Policy header value (W3C Referrer Policy, 4.1 and 11.1) and
 * internet.nl's verdict on it. */
#ifndef PEIL_REFERRER_H
#define PEIL_REFERRER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* The referrer policies of W3C Referrer Policy 3; REFPOL_EMPTY is the empty string (no policy:
 * the default, strict-origin-when-cross-origin, applies). */
enum refpol {
	REFPOL_EMPTY = 0,
	REFPOL_NO_REFERRER,
	REFPOL_NO_REFERRER_WHEN_DOWNGRADE,
	REFPOL_SAME_ORIGIN,
	REFPOL_ORIGIN,
	REFPOL_STRICT_ORIGIN,
	REFPOL_ORIGIN_WHEN_CROSS_ORIGIN,
	REFPOL_STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
	REFPOL_UNSAFE_URL,
	REFPOL_UNKNOWN,           /* a token that is not a referrer policy (tokens[] only) */
};

enum referrer_reason {
	REFERRER_R_OK,
	REFERRER_R_TOO_LONG,      /* over MAX_REFERRER_HEADER_LEN */
	REFERRER_R_BAD_CHAR,      /* NUL, a control byte other than HTAB, or DEL */
};

struct referrer_token {
	char text[MAX_REFERRER_TOKEN_LEN + 1]; /* as written, OWS stripped, truncated */
	bool truncated;
	enum refpol policy;       /* REFPOL_UNKNOWN if not a policy; REFPOL_EMPTY for "" */
};

struct referrer {
	enum refpol effective;    /* 4.1: the last token that is a policy and not "" */
	size_t ntokens;           /* all comma-separated tokens, "" included */
	size_t nkept;             /* tokens[] used: the first MAX_REFERRER_TOKENS */
	struct referrer_token tokens[MAX_REFERRER_TOKENS];
	struct referrer_token last; /* the last token as written (what internet.nl judges) */
	size_t nunknown;          /* tokens that are no policy (ignored by 4.1) */
};

/* internet.nl's classes for Referrer-Policy. */
enum referrer_inl {
	REFERRER_INL_GOOD,            /* no-referrer, same-origin */
	REFERRER_INL_RECOMMENDATION,  /* strict-origin, strict-origin-when-cross-origin, or no
	                               * value at all ("no-policy"): passes with a remark */
	REFERRER_INL_BAD,             /* origin, origin-when-cross-origin,
	                               * no-referrer-when-downgrade, unsafe-url, anything else */
};

/* Parses one Referrer-Policy field value (several header lines joined with ',') into *out
 * (cleared first; no heap). Tokens are split at ',' with spaces/tabs trimmed and matched
 * case-sensitively (the spec's enumeration values). Returns 0, or PEIL_EINVAL / PEIL_ETOOBIG
 * with the class in *reason (may be NULL) and "<reason-name>: detail (offset N)" in why. */
int referrer_parse(const uint8_t *buf, size_t len, struct referrer *out,
    enum referrer_reason *reason, char *why, size_t whylen);

/* internet.nl's verdict (checks/tasks/http_headers.py HeaderCheckerReferrerPolicy): the LAST
 * comma-separated value as written decides, not the last recognised one. */
enum referrer_inl referrer_inl_verdict(const struct referrer *r);

/* Static names: "no-referrer", ..., "" for REFPOL_EMPTY, "unknown"; "good", "recommendation",
 * "bad"; reasons e.g. "bad-char". */
const char *refpol_name(enum refpol p);
const char *referrer_inl_name(enum referrer_inl v);
const char *referrer_reason_name(enum referrer_reason r);

#endif
