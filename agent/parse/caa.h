/* caa.h: one CAA record's RDATA (RFC 8659 4.1) with its property value checked (4.2-4.4,
 * RFC 8657 4, RFC 9495, CA/B contact properties), and internet.nl's verdict on a name's set. */
#ifndef PEIL_CAA_H
#define PEIL_CAA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

#define CAA_FLAG_CRITICAL 128     /* the Issuer Critical flag (4.1) */

/* The property tags internet.nl knows (IANA "Certification Authority Restriction
 * Properties"); matched case-insensitively (4.1). */
enum caa_tag {
	CAA_TAG_ISSUE,
	CAA_TAG_ISSUEWILD,
	CAA_TAG_IODEF,
	CAA_TAG_ISSUEVMC,
	CAA_TAG_ISSUEMAIL,
	CAA_TAG_CONTACTEMAIL,
	CAA_TAG_CONTACTPHONE,
	CAA_TAG_RESERVED,             /* auth, path, policy: reserved (RFC 8659 7.2) */
	CAA_TAG_UNKNOWN,
};

/* What is wrong with one record: the first fault found, in internet.nl's order (flags, then
 * tag, then the value). */
enum caa_problem {
	CAA_P_NONE,
	CAA_P_MALFORMED,              /* RDATA under 2 bytes, tag length 0, or a tag past the end */
	CAA_P_FLAGS_RESERVED,         /* a flag bit other than 128 set (4.1: MUST be clear) */
	CAA_P_TAG_SYNTAX,             /* tag over MAX_CAA_TAG_LEN or a byte outside [A-Za-z0-9] */
	CAA_P_TAG_RESERVED,           /* auth, path or policy */
	CAA_P_TAG_UNKNOWN,            /* a tag internet.nl does not know, critical flag clear */
	CAA_P_TAG_UNKNOWN_CRITICAL,   /* the same with the critical flag: no CA may issue (4.5) */
	CAA_P_ISSUE_SYNTAX,           /* issue/issuewild/issuevmc/issuemail: not issue-value (4.2) */
	CAA_P_ISSUE_METHOD,           /* validationmethods names neither an ACME method nor "ca-*"
	                               * (RFC 8657 4) */
	CAA_P_IODEF,                  /* not mailto:<address> or http(s)://<host>... (4.4) */
	CAA_P_CONTACTEMAIL,           /* not one address (CA/B BR 1.6.3) */
	CAA_P_CONTACTPHONE,           /* not an RFC 3966 global-number (CA/B SC014) */
};

/* One record. value holds raw untrusted bytes: escape before showing. */
struct caa_rr {
	uint8_t flags;
	bool critical;                /* flags & CAA_FLAG_CRITICAL */
	enum caa_tag tag;
	size_t tag_len;               /* as in the RDATA */
	char tag_text[MAX_CAA_TAG_LEN + 1]; /* as written, cut at MAX_CAA_TAG_LEN, bytes outside
	                               * [A-Za-z0-9] shown as '?' */
	size_t value_len;             /* the whole value (every byte is checked) */
	size_t value_kept;            /* value[] used: min(value_len, MAX_CAA_VALUE_KEEP) */
	uint8_t value[MAX_CAA_VALUE_KEEP];
	/* issue, issuewild, issuevmc, issuemail whose value is correct: */
	bool issue_none;              /* no issuer-domain-name ("" or ";..."): no CA may issue */
	char issuer[MAX_CAA_ISSUER_LEN + 1]; /* the issuer-domain-name as written, or "" */
	size_t nparams;               /* parameters after ';' */
	enum caa_problem problem;
	size_t problem_off;           /* byte of the value where the problem was seen (value
	                               * problems), else 0 */
	const char *detail;           /* static text saying what is wrong, NULL when nothing is */
};

/* Parses one CAA RDATA (wire form, untrusted) into *out (cleared first; no heap) and checks
 * its flags, tag and, for the known tags, its value. Returns 0 for a correct record; otherwise
 * PEIL_EINVAL with out->problem set, out filled as far as the RDATA allowed (flags, tag, value
 * kept for evidence), and "<problem-name>: detail (offset N)" in why (may be NULL). */
int caa_parse(const uint8_t *rdata, size_t len, struct caa_rr *out, char *why, size_t whylen);

/* The CAA records found at one name (the first name of the climb that has any). */
struct caa_set {
	size_t total;                 /* records at the name; raise it to the answer's total when
	                               * the DNS layer kept fewer than it saw */
	size_t n;                     /* parsed into rr[] */
	struct caa_rr rr[MAX_CAA_RECORDS];
};

/* Clears *s. */
void caa_set_init(struct caa_set *s);

/* Counts one record and, while room is left, parses it into s->rr[] (a faulty record is kept
 * with its problem). Returns caa_parse's code, or PEIL_ETOOBIG when it was only counted. */
int caa_set_add(struct caa_set *s, const uint8_t *rdata, size_t len);

/* internet.nl's verdict (checks/caa/retrieval.py CAAEvaluation): good when records were found,
 * every record is correct and one has the tag issue. */
enum caa_inl {
	CAA_INL_GOOD,
	CAA_INL_BAD,                  /* found, but a record has a problem or no issue record */
	CAA_INL_NONE,                 /* no CAA record at all (internet.nl scores it bad) */
};

struct caa_verdict {
	enum caa_inl inl;
	bool has_issue;               /* an issue record (tag compared case-insensitively) */
	size_t nbad;                  /* records of rr[] with a problem */
	size_t nunseen;               /* records counted but not examined (total - n) */
	size_t nreasons;              /* reasons found; the first MAX_CAA_REASONS are kept */
	size_t nkept;
	/* "record 2 (tag iodef, flags 0): iodef: scheme not mailto, http or https (offset 0)",
	 * "no issue record", "3 records not examined (only 16 kept)": our own ASCII text; the tag
	 * is shown with '?' for bytes outside [A-Za-z0-9], values are never copied here */
	char reasons[MAX_CAA_REASONS][MAX_CAA_REASON_LEN];
};

/* Judges the set into *v (cleared first). Records counted but not examined are named in the
 * reasons; they do not change the verdict. */
void caa_inl_verdict(const struct caa_set *s, struct caa_verdict *v);

/* Static names: "issue", ..., "reserved", "unknown"; "ok", "malformed", "flags-reserved",
 * "tag-syntax", "tag-reserved", "tag-unknown", "tag-unknown-critical", "issue-syntax",
 * "issue-validationmethods", "iodef", "contactemail", "contactphone"; "good", "bad", "none". */
const char *caa_tag_name(enum caa_tag t);
const char *caa_problem_name(enum caa_problem p);
const char *caa_inl_name(enum caa_inl v);

#endif
