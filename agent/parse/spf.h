/* spf.h: the RFC 7208 SPF record parser (syntax only: no DNS, no macro expansion). */
#ifndef PEIL_SPF_H
#define PEIL_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum spf_kind {
	SPF_ALL,
	SPF_INCLUDE,
	SPF_A,
	SPF_MX,
	SPF_PTR,
	SPF_IP4,
	SPF_IP6,
	SPF_EXISTS,
	SPF_REDIRECT,     /* modifier redirect= */
	SPF_EXP,          /* modifier exp= */
	SPF_UNKNOWN_MOD,  /* any other name=value, kept */
};

enum spf_qual {
	SPF_QUAL_PASS,     /* + (also the default) */
	SPF_QUAL_FAIL,     /* - */
	SPF_QUAL_SOFTFAIL, /* ~ */
	SPF_QUAL_NEUTRAL,  /* ? */
};

/* Why a record was refused; each RFC 7208 syntax error has its own class. */
enum spf_reason {
	SPF_R_OK,
	SPF_R_VERSION,        /* does not start with v=spf1 followed by space or end */
	SPF_R_TOO_LONG,       /* longer than MAX_SPF_RECORD_LEN */
	SPF_R_NON_ASCII,      /* a byte >= 0x80 */
	SPF_R_BAD_CHAR,       /* a control byte or NUL */
	SPF_R_UNKNOWN_MECH,   /* not a mechanism of RFC 7208 §5 */
	SPF_R_BAD_CIDR,       /* CIDR length malformed or out of range */
	SPF_R_BAD_IP4,        /* ip4: network not a dotted quad */
	SPF_R_BAD_IP6,        /* ip6: network not an IPv6 address */
	SPF_R_MISSING_DOMAIN, /* a mechanism or modifier needing a domain-spec has none */
	SPF_R_BAD_DOMAIN,     /* domain-spec does not end in "." toplabel or a macro */
	SPF_R_BAD_MACRO,      /* malformed macro, or c/r/t outside exp text */
	SPF_R_DUP_REDIRECT,   /* redirect= twice */
	SPF_R_DUP_EXP,        /* exp= twice */
	SPF_R_BAD_MODIFIER,   /* modifier name invalid, or a qualifier before a modifier */
	SPF_R_TRAILING,       /* junk after a complete term */
	SPF_R_TOO_MANY_TERMS, /* more than MAX_SPF_TERMS terms */
};

struct spf_term {
	enum spf_kind kind;
	enum spf_qual qual;      /* mechanisms only; SPF_QUAL_PASS for modifiers */
	const char *domain;      /* domain-spec (or unknown modifier value), NULL if absent */
	const char *name;        /* unknown modifier's name, else NULL */
	bool has_cidr4, has_cidr6;
	uint8_t cidr4, cidr6;    /* a, mx: dual-cidr; ip4: cidr4; ip6: cidr6 */
	uint8_t addr[16];        /* ip4: first 4 bytes; ip6: all 16 */
	bool has_macro;          /* domain-spec/value holds a macro (not expanded) */
	size_t offset;           /* byte offset of the term in the record */
};

struct spf_record {
	struct spf_term *terms;  /* in record order */
	size_t nterms;
	size_t lookups;          /* DNS-querying terms: include a mx ptr exists redirect, counted
	                          * as written (a redirect beside an all still counts here) */
	size_t nmacro;           /* terms holding a macro */
	bool has_all;            /* an `all` mechanism is present */
	bool all_last;           /* ... and it is the last mechanism */
	enum spf_qual all_qual;  /* qualifier of the first `all` (the one evaluated) */
	const struct spf_term *redirect; /* NULL if none */
	const struct spf_term *exp;      /* NULL if none */
	char *pool_;             /* private: strings the terms point into */
};

/* Parses one SPF record (TXT strings already concatenated), `len` bytes of `buf`.
 * Returns 0 and a record in *out (caller frees with spf_free), or PEIL_EINVAL (syntax error),
 * PEIL_ETOOBIG (record or term count over a limit) or PEIL_ENOMEM, with *out NULL, the reason
 * class in *reason (may be NULL) and "<reason-name>: detail (offset N)" in `why`. */
int spf_parse_ex(const uint8_t *buf, size_t len, struct spf_record **out,
    enum spf_reason *reason, char *why, size_t whylen);
/* spf_parse_ex without the reason class. */
int spf_parse(const uint8_t *buf, size_t len, struct spf_record **out, char *why, size_t whylen);
/* Frees a record from spf_parse; accepts NULL. */
void spf_free(struct spf_record *rec);

/* Static names: "all", "include", ..., "redirect", "exp", "unknown-modifier". */
const char *spf_term_name(enum spf_kind kind);
/* Static names of reasons, e.g. "bad-cidr". */
const char *spf_reason_name(enum spf_reason reason);
/* '+', '-', '~' or '?'. */
char spf_qual_char(enum spf_qual q);
/* Writes a one-line summary for evidence ("terms=5 lookups=3 macros=0 all=-all") into buf
 * (always NUL-terminated when buflen > 0). Returns 0 or PEIL_ETOOBIG if truncated. */
int spf_record_describe(const struct spf_record *rec, char *buf, size_t buflen);

#endif
