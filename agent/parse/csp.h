/* csp.h: Content-Security-Policy values (W3C CSP Level 3, 2.2.1 and 2.2.2) and internet.nl's
 * verdict on them (web_appsecpriv_csp). */
#ifndef PEIL_CSP_H
#define PEIL_CSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* Why a value was refused. */
enum csp_reason {
	CSP_R_OK,
	CSP_R_TOO_LONG,               /* over MAX_CSP_BYTES: refused before any parsing */
	CSP_R_TOO_MANY_POLICIES,      /* over MAX_CSP_POLICIES */
	CSP_R_TOO_MANY_DIRECTIVES,    /* a policy over MAX_CSP_DIRECTIVES */
	CSP_R_TOO_MANY_SOURCES,       /* a directive over MAX_CSP_SOURCES, or all over
	                               * MAX_CSP_SOURCES_TOTAL */
};

/* What CSP3 2.2.1 does with a directive; every directive is kept (internet.nl judges them
 * all), flagged when a browser ignores it. */
enum csp_dirflag {
	CSP_D_OK,
	CSP_D_DUPLICATE,              /* the name again in the same policy: ignored (first wins) */
	CSP_D_NON_ASCII,              /* a byte >= 0x80: the directive is skipped (2.2.1 step 2.2) */
	CSP_D_INVALID_NAME,           /* name not 1*(ALPHA / DIGIT / "-"): ignored */
};

struct csp_source {
	uint32_t off, len;            /* into csp_list.text */
};

struct csp_directive {
	char name[MAX_CSP_NAME_LEN + 1]; /* ASCII-lower-cased, cut at MAX_CSP_NAME_LEN, bytes
	                               * outside 0x21-0x7e shown as '?' */
	uint32_t name_off, name_len;  /* the name as written, in text */
	size_t policy;                /* index in policies[] */
	size_t first_src, nsrc;       /* its values in src[] */
	enum csp_dirflag flag;
};

struct csp_policy {
	size_t first_dir, ndir;       /* its directives in dirs[] */
	size_t nduplicate, nnon_ascii, ninvalid_name;
};

/* A policy list: one per ','-separated value (several header lines are joined with ','). Owns
 * everything; free with csp_free. The text is untrusted: escape before showing. */
struct csp_list {
	size_t npolicies;             /* policies with at least one directive (2.2.2) */
	size_t nempty;                /* ','-separated values without a directive (dropped) */
	struct csp_policy policies[MAX_CSP_POLICIES];
	size_t ndirs;
	struct csp_directive dirs[MAX_CSP_POLICIES * MAX_CSP_DIRECTIVES];
	size_t nsrc;
	struct csp_source src[MAX_CSP_SOURCES_TOTAL];
	size_t nduplicate, nnon_ascii, ninvalid_name; /* over all policies */
	size_t len;
	uint8_t text[MAX_CSP_BYTES];  /* the value as given */
};

/* Parses a Content-Security-Policy field value (several header lines joined with ',') into a
 * new list in *out: split at ',' into policies, each split at ';' into directives, ASCII
 * whitespace trimmed, the name the first token lower-cased, the values the other tokens split
 * on ASCII whitespace. Returns 0, PEIL_ENOMEM, or PEIL_ETOOBIG / PEIL_EINVAL with the class in
 * *reason (may be NULL) and "<reason-name>: detail (offset N)" in why; on failure *out is
 * NULL (a refused value is judged bad, with why as the reason). The caller frees *out with
 * csp_free. */
int csp_parse(const uint8_t *buf, size_t len, struct csp_list **out, enum csp_reason *reason,
    char *why, size_t whylen);

/* Frees a list; NULL is fine. */
void csp_free(struct csp_list *l);

/* The directive `name` (lower case) that CSP3 enforces in policy p (the first of that name,
 * not skipped), or NULL. */
const struct csp_directive *csp_find(const struct csp_list *l, size_t p, const char *name);

/* internet.nl's failures (its content_security_policy_errors msgids, checks/tasks/
 * http_headers.py HeaderCheckerContentSecurityPolicy); a bit each in csp_verdict.fails. */
enum csp_fail {
	CSP_F_UNSAFE_INLINE,          /* 'unsafe-inline' in any directive */
	CSP_F_UNSAFE_EVAL,            /* 'unsafe-eval' in any directive */
	CSP_F_HTTP,                   /* http: or an http:// / *:// host source anywhere */
	CSP_F_BARE_HTTPS,             /* https: alone anywhere */
	CSP_F_HOST_WITHOUT_SCHEME,    /* a host source without a scheme anywhere (also "*") */
	CSP_F_DATA,                   /* data: in object-src or script-src (default-src fallback) */
	CSP_F_INVALID_HOST,           /* host "*" or "127.0.0.1" anywhere */
	CSP_F_UNSAFE_HASHES,          /* 'unsafe-hashes' in any directive */
	CSP_F_DEFAULT_SRC,            /* default-src missing, or not 'none' alone / 'self' with
	                               * hosts of the tested domain's family only */
	CSP_F_FRAME_SRC,              /* with a bad default-src: frame-src (child-src, default-src)
	                               * without 'self', 'none' or a host */
	CSP_F_FRAME_ANCESTORS,        /* frame-ancestors without 'self' or 'none' */
	CSP_F_BASE_URI,               /* base-uri as default-src */
	CSP_F_FORM_ACTION,            /* form-action without 'self', 'none' or a host */
	CSP_F_COUNT
};

enum csp_inl {
	CSP_INL_GOOD,
	CSP_INL_BAD,                  /* one or more failures */
	CSP_INL_NONE,                 /* no Content-Security-Policy (internet.nl scores it bad) */
};

struct csp_verdict {
	enum csp_inl inl;
	uint32_t fails;               /* 1u << enum csp_fail */
	size_t nreasons;              /* reasons found; the first MAX_CSP_REASONS are kept */
	size_t nkept;
	/* "has-unsafe-inline: style-src 'unsafe-inline' (policy 1)", "missing-invalid-base-uri:
	 * no base-uri": the failure's msgid, then the directive and source that decided it; the
	 * source is cut at MAX_CSP_REASON_SRC and bytes outside 0x21-0x7e are shown as '?' */
	char reasons[MAX_CSP_REASONS][MAX_CSP_REASON_LEN];
};

/* Judges the list as internet.nl does for the web server of `domain` (the host name tested,
 * no final dot needed) into *v (cleared first). internet.nl merges every policy and every
 * repeated directive into one set of values per directive name and judges that; so does this.
 * l NULL (no header): CSP_INL_NONE. */
void csp_inl_verdict(const struct csp_list *l, const char *domain, struct csp_verdict *v);

/* Static names: "ok", "too-long", ...; "ok", "duplicate", "non-ascii", "invalid-name";
 * internet.nl's msgids "has-unsafe-inline", ..., "missing-invalid-form-action"; "good",
 * "bad", "none". */
const char *csp_reason_name(enum csp_reason r);
const char *csp_dirflag_name(enum csp_dirflag f);
const char *csp_fail_name(enum csp_fail f);
const char *csp_inl_name(enum csp_inl v);

#endif
