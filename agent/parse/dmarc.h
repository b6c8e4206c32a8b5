/* dmarc.h: the DMARC record parser (RFC 7489, with the tags of RFC 9989): syntax only, no DNS. */
#ifndef PEIL_DMARC_H
#define PEIL_DMARC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

enum dmarc_policy {
	DMARC_P_UNSET = 0,   /* tag absent */
	DMARC_P_NONE,
	DMARC_P_QUARANTINE,
	DMARC_P_REJECT,
};

/* Why a record was refused; each class its own reason. */
enum dmarc_reason {
	DMARC_R_OK,
	DMARC_R_VERSION,       /* does not start with v=DMARC1 (the first tag) */
	DMARC_R_TOO_LONG,      /* longer than MAX_DMARC_RECORD_LEN */
	DMARC_R_BAD_CHAR,      /* a control byte, NUL or a byte >= 0x80 */
	DMARC_R_SYNTAX,        /* not tag=value; tag-spec grammar broken */
	DMARC_R_DUP_TAG,       /* a tag given twice */
	DMARC_R_NO_POLICY,     /* p= missing (and the record has no rua to fall back on) */
	DMARC_R_BAD_POLICY,    /* p, sp or np not none|quarantine|reject */
	DMARC_R_BAD_ALIGN,     /* adkim or aspf not r|s */
	DMARC_R_BAD_PCT,       /* pct not an integer 0..100 */
	DMARC_R_BAD_RI,        /* ri not a 32-bit unsigned integer */
	DMARC_R_BAD_FO,        /* fo not a colon-separated list of 0, 1, d, s */
	DMARC_R_BAD_RF,        /* rf not a colon-separated list of report formats */
	DMARC_R_BAD_URI,       /* a rua/ruf URI malformed (incl. a bad size suffix) */
	DMARC_R_TOO_MANY_URIS, /* more than MAX_DMARC_URIS in rua or ruf */
	DMARC_R_BAD_T,         /* t not y|n */
	DMARC_R_BAD_PSD,       /* psd not y|n|u */
};

/* One rua/ruf URI. For mailto: URIs, `domain` is the host part of the address (lower case,
 * no final dot); empty for other schemes. */
struct dmarc_uri {
	char uri[MAX_DMARC_URI_LEN + 1];
	char domain[MAX_DOMAIN_LEN + 1];
	bool mailto;
	uint64_t max_size;   /* "!size[kmgt]" suffix in bytes (k = 2^10 ... t = 2^40; saturated
	                      * at UINT64_MAX), 0 when absent; the suffix is not kept in `uri` */
};

/* A tag dmarc_parse_rfc9989 discarded (RFC 9989 4.8): its default applies instead. */
struct dmarc_tag_error {
	enum dmarc_reason reason;
	char why[160];                 /* "<reason-name>: detail (offset N)" */
};

struct dmarc_record {
	enum dmarc_policy p, sp, np;   /* UNSET when absent */
	bool testing;                  /* t=y (RFC 9989) */
	int psd;                       /* 'y', 'n', 'u', or 0 when absent */
	char adkim, aspf;              /* 'r' or 's' (default 'r') */
	unsigned pct;                  /* 0..100, default 100 */
	bool pct_set;
	uint32_t ri;                   /* default 86400 */
	size_t nrua, nruf;
	struct dmarc_uri rua[MAX_DMARC_URIS];
	struct dmarc_uri ruf[MAX_DMARC_URIS];
	size_t nunknown;               /* unknown tags (ignored, as the RFC says), counted */
	bool rfc9989;                  /* parsed by dmarc_parse_rfc9989: no p means p=none */
	size_t nerrors;                /* tags discarded for a syntax error (all counted) */
	struct dmarc_tag_error errors[MAX_DMARC_TAG_ERRORS]; /* the first of them */
};

/* True when the first tag of the TXT record (strings joined) is exactly v=DMARC1: "v",
 * optional spaces/tabs, "=", optional spaces/tabs, "DMARC1", optional spaces/tabs, then the
 * end or ';'. "v=DMARC1 p=reject" is not one: in the tag-list (RFC 6376 3.2, which RFC 7489
 * 6.3 and RFC 9989 4.7 use) a value runs to the next ';' and may hold spaces and '=', so v's
 * value there is "DMARC1 p=reject", not "DMARC1" (and RFC 7489's ABNF wants dmarc-sep after
 * dmarc-version). Records that fail this are not DMARC records and are discarded by the
 * lookup (RFC 7489 6.6.3, RFC 9989 4.7). */
bool dmarc_is_record(const uint8_t *buf, size_t len);

/* Parses one DMARC record into *out (cleared first; no heap). Returns 0, or PEIL_EINVAL /
 * PEIL_ETOOBIG with the class in *reason (may be NULL) and "<reason-name>: detail (offset N)"
 * in why. */
int dmarc_parse(const uint8_t *buf, size_t len, struct dmarc_record *out,
    enum dmarc_reason *reason, char *why, size_t whylen);

/* dmarc_parse by RFC 9989 4.8: a tag whose value (or tag-spec) is malformed is discarded,
 * its default applies, and the error is listed in out->errors (out->nerrors counts all);
 * a record without p has p=none in effect. Only what makes the text no DMARC tag-list is
 * refused: the version, its length, control or non-ASCII bytes, and a tag given twice (RFC
 * 6376 3.2 makes such a tag-list invalid). Returns as dmarc_parse. */
int dmarc_parse_rfc9989(const uint8_t *buf, size_t len, struct dmarc_record *out,
    enum dmarc_reason *reason, char *why, size_t whylen);

/* The policy that applies: for the domain itself p; for a subdomain found through its
 * organizational domain's record (subdomain true) sp if set, else p. With t=y the result is
 * lowered one step (reject -> quarantine, quarantine -> none). No p counts as none when the
 * record has a rua (RFC 7489 6.6.3) or was parsed by dmarc_parse_rfc9989. */
enum dmarc_policy dmarc_effective_policy(const struct dmarc_record *rec, bool subdomain);

/* Static names: "none", "quarantine", "reject", "unset"; reasons e.g. "bad-policy". */
const char *dmarc_policy_name(enum dmarc_policy p);
const char *dmarc_reason_name(enum dmarc_reason r);

#endif
