/* spf.c: the RFC 7208 SPF record parser: terms, qualifiers, CIDRs, macros (validated only). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "spf.h"

/* A parse in progress: the input, the string pool and the first error. */
struct spf_ctx {
	const uint8_t *buf;
	size_t len;
	char *pool;              /* copy of buf, NULs written at string ends */
	enum spf_reason reason;
	char *why;
	size_t whylen;
};

static const char *const spf_kind_names[] = {
	"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists", "redirect", "exp",
	"unknown-modifier",
};

static const char *const spf_reason_names[] = {
	"ok", "bad-version", "too-long", "non-ascii", "bad-char", "unknown-mechanism", "bad-cidr",
	"bad-ip4", "bad-ip6", "missing-domain", "bad-domain", "bad-macro", "duplicate-redirect",
	"duplicate-exp", "bad-modifier", "trailing-junk", "too-many-terms",
};

const char *
spf_term_name(enum spf_kind kind)
{
	if ((size_t)kind >= sizeof(spf_kind_names) / sizeof(spf_kind_names[0]))
		return "?";
	return spf_kind_names[kind];
}

const char *
spf_reason_name(enum spf_reason reason)
{
	if ((size_t)reason >= sizeof(spf_reason_names) / sizeof(spf_reason_names[0]))
		return "?";
	return spf_reason_names[reason];
}

char
spf_qual_char(enum spf_qual q)
{
	switch (q) {
	case SPF_QUAL_FAIL: return '-';
	case SPF_QUAL_SOFTFAIL: return '~';
	case SPF_QUAL_NEUTRAL: return '?';
	case SPF_QUAL_PASS: break;
	}
	return '+';
}

/* Records the first error; always returns -1 so callers can `return spf_fail(...)`. */
static int
spf_fail(struct spf_ctx *c, enum spf_reason r, size_t off, const char *what)
{
	if (c->reason == SPF_R_OK) {
		c->reason = r;
		err_set(c->why, c->whylen, "%s: %s (offset %zu)", spf_reason_name(r), what, off);
	}
	return -1;
}


/* Validates the macro at buf[*pos] == '%' (within [.., e)); advances *pos past it. */
static int
spf_macro(struct spf_ctx *c, size_t *pos, size_t e)
{
	const uint8_t *b = c->buf;
	size_t p = *pos + 1;
	unsigned long digits = 0;
	size_t ndigits = 0;
	int letter;

	if (p >= e)
		return spf_fail(c, SPF_R_BAD_MACRO, *pos, "'%' at end of term");
	if (b[p] == '%' || b[p] == '_' || b[p] == '-') {
		*pos = p + 1;
		return 0;
	}
	if (b[p] != '{')
		return spf_fail(c, SPF_R_BAD_MACRO, *pos, "'%' not followed by {, %, _ or -");
	p++;
	if (p >= e)
		return spf_fail(c, SPF_R_BAD_MACRO, *pos, "unterminated macro");
	letter = ascii_lower(b[p]);
	if (strchr("slodiphcrtv", letter) == NULL || letter == 0)
		return spf_fail(c, SPF_R_BAD_MACRO, p, "unknown macro letter");
	if (letter == 'c' || letter == 'r' || letter == 't')
		return spf_fail(c, SPF_R_BAD_MACRO, p, "macro letter c, r or t outside exp text");
	p++;
	while (p < e && ascii_is_digit(b[p])) {
		if (digits < 1000)
			digits = digits * 10 + (unsigned long)(b[p] - '0');
		ndigits++;
		p++;
	}
	if (ndigits > 0 && digits == 0)
		return spf_fail(c, SPF_R_BAD_MACRO, p, "macro transformer digit zero");
	if (p < e && ascii_lower(b[p]) == 'r')
		p++;
	while (p < e && strchr(".-+,/_=", b[p]) != NULL && b[p] != 0)
		p++;
	if (p >= e || b[p] != '}')
		return spf_fail(c, SPF_R_BAD_MACRO, p, "macro not closed by }");
	*pos = p + 1;
	return 0;
}

/* Validates a macro-string [s, e): visible ASCII, macros well-formed. Sets *macro when one
 * is present and *last_macro when the string ends in a macro-expand. */
static int
spf_macro_string(struct spf_ctx *c, size_t s, size_t e, bool *macro, bool *last_macro)
{
	size_t p = s;

	*macro = false;
	*last_macro = false;
	while (p < e) {
		if (c->buf[p] == '%') {
			if (spf_macro(c, &p, e) < 0)
				return -1;
			*macro = true;
			*last_macro = true;
			continue;
		}
		/* Bytes were checked to be 0x21..0x7e before parsing started. */
		*last_macro = false;
		p++;
	}
	return 0;
}

/* Validates a domain-spec [s, e): a macro-string ending in "." toplabel ["."] or a macro. */
static int
spf_domain_spec(struct spf_ctx *c, size_t s, size_t e, struct spf_term *t)
{
	const uint8_t *b = c->buf;
	bool macro, last_macro, alpha = false;
	size_t end = e, dot, p, lab;

	if (s >= e)
		return spf_fail(c, SPF_R_MISSING_DOMAIN, s, "empty domain-spec");
	if (spf_macro_string(c, s, e, &macro, &last_macro) < 0)
		return -1;
	t->has_macro = macro;
	if (last_macro)
		return 0;
	if (b[end - 1] == '.')
		end--;
	for (dot = end; dot > s && b[dot - 1] != '.' && b[dot - 1] != '}'; dot--)
		;
	if (dot == s || b[dot - 1] != '.')
		return spf_fail(c, SPF_R_BAD_DOMAIN, s, "domain-spec lacks \".\" toplabel");
	if (dot == end)
		return spf_fail(c, SPF_R_BAD_DOMAIN, dot, "empty top label");
	if (b[dot] == '-' || b[end - 1] == '-')
		return spf_fail(c, SPF_R_BAD_DOMAIN, dot, "top label starts or ends with '-'");
	for (p = dot; p < end; p++) {
		if (ascii_is_alpha(b[p]))
			alpha = true;
		else if (!ascii_is_digit(b[p]) && b[p] != '-')
			return spf_fail(c, SPF_R_BAD_DOMAIN, p, "bad character in top label");
	}
	/* All-numeric top labels are allowed only in the hyphenated form. */
	if (!alpha && memchr(b + dot, '-', end - dot) == NULL)
		return spf_fail(c, SPF_R_BAD_DOMAIN, dot, "numeric top label");
	if (!macro) {
		if (e - s > MAX_DOMAIN_LEN)
			return spf_fail(c, SPF_R_BAD_DOMAIN, s, "domain longer than 253");
		lab = 0;
		for (p = s; p < end; p++) {
			if (b[p] == '.') {
				if (lab == 0)
					return spf_fail(c, SPF_R_BAD_DOMAIN, p, "empty label");
				lab = 0;
			} else if (++lab > 63) {
				return spf_fail(c, SPF_R_BAD_DOMAIN, p, "label longer than 63");
			}
		}
	}
	return 0;
}

/* Parses "/N" at [s, e) with N in 0..max, no leading zeros; returns the position after. */
static int
spf_cidr(struct spf_ctx *c, size_t s, size_t e, unsigned max, uint8_t *val, size_t *next)
{
	const uint8_t *b = c->buf;
	size_t p = s + 1, nd = 0;
	unsigned v = 0;

	while (p < e && ascii_is_digit(b[p]) && nd < 4) {
		v = v * 10 + (unsigned)(b[p] - '0');
		p++;
		nd++;
	}
	if (nd == 0 || nd > 3 || (nd > 1 && b[s + 1] == '0') || v > max)
		return spf_fail(c, SPF_R_BAD_CIDR, s, "bad CIDR length");
	*val = (uint8_t)v;
	*next = p;
	return 0;
}

/* Parses a dual-cidr-length [s, e) of a or mx. */
static int
spf_dual_cidr(struct spf_ctx *c, size_t s, size_t e, struct spf_term *t)
{
	const uint8_t *b = c->buf;
	size_t p = s;

	if (p < e && b[p] == '/' && !(p + 1 < e && b[p + 1] == '/')) {
		if (spf_cidr(c, p, e, 32, &t->cidr4, &p) < 0)
			return -1;
		t->has_cidr4 = true;
	}
	if (p + 1 < e && b[p] == '/' && b[p + 1] == '/') {
		if (spf_cidr(c, p + 1, e, 128, &t->cidr6, &p) < 0)
			return -1;
		t->has_cidr6 = true;
	}
	if (p < e)
		return spf_fail(c, b[p] == '/' ? SPF_R_BAD_CIDR : SPF_R_TRAILING, p,
		    "junk after CIDR length");
	return 0;
}

/* Parses a dotted quad [s, e) (no leading zeros) into out[4]. */
static int
spf_ip4(struct spf_ctx *c, size_t s, size_t e, uint8_t *out)
{
	const uint8_t *b = c->buf;
	size_t p = s, nd;
	unsigned v;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0) {
			if (p >= e || b[p] != '.')
				return spf_fail(c, SPF_R_BAD_IP4, s, "not a dotted quad");
			p++;
		}
		v = 0;
		nd = 0;
		while (p < e && ascii_is_digit(b[p]) && nd < 4) {
			v = v * 10 + (unsigned)(b[p] - '0');
			p++;
			nd++;
		}
		if (nd == 0 || nd > 3 || v > 255 || (nd > 1 && b[p - nd] == '0'))
			return spf_fail(c, SPF_R_BAD_IP4, s, "bad IPv4 octet");
		out[i] = (uint8_t)v;
	}
	if (p != e)
		return spf_fail(c, SPF_R_BAD_IP4, p, "junk after IPv4 address");
	return 0;
}

static int
spf_ip6(struct spf_ctx *c, size_t s, size_t e, uint8_t *out)
{
	char tmp[INET6_ADDRSTRLEN + 1];

	if (e - s == 0 || e - s >= sizeof(tmp))
		return spf_fail(c, SPF_R_BAD_IP6, s, "bad IPv6 address length");
	memcpy(tmp, c->buf + s, e - s);
	tmp[e - s] = '\0';
	if (inet_pton(AF_INET6, tmp, out) != 1)
		return spf_fail(c, SPF_R_BAD_IP6, s, "not an IPv6 address");
	return 0;
}

/* Where the dual-cidr-length of an a or mx term [s, e) starts: the first '/' of the run of
 * digits and '/' that ends the term, or e. A domain-spec never ends in such a run (its last
 * character is a top label's, a '.' or a macro-expand's), while ':' and '/' elsewhere are
 * macro-literals (RFC 7208 7.1), so this split is the only one the ABNF allows. */
static size_t
spf_cidr_start(const uint8_t *b, size_t s, size_t e)
{
	size_t p = e, slash = e;

	while (p > s && (ascii_is_digit(b[p - 1]) || b[p - 1] == '/')) {
		p--;
		if (b[p] == '/')
			slash = p;
	}
	return slash;
}

/* Sets t->domain to the pool copy of [s, e) by writing a NUL at e. */
static void
spf_keep(struct spf_ctx *c, size_t s, size_t e, const char **dst)
{
	c->pool[e] = '\0';
	*dst = c->pool + s;
}

/* Parses a modifier [s, e) whose name ends at `eq` ('='). */
static int
spf_modifier(struct spf_ctx *c, struct spf_record *r, size_t s, size_t eq, size_t e,
    struct spf_term *t)
{
	const uint8_t *b = c->buf;
	bool macro, last;
	size_t p;

	if (!ascii_is_alpha(b[s]))
		return spf_fail(c, SPF_R_BAD_MODIFIER, s, "modifier name must start with a letter");
	for (p = s; p < eq; p++)
		if (!ascii_is_alpha(b[p]) && !ascii_is_digit(b[p]) && strchr("-_.", b[p]) == NULL)
			return spf_fail(c, SPF_R_BAD_MODIFIER, p, "bad character in modifier name");
	if (ascii_word_is(b, s, eq, "redirect") || ascii_word_is(b, s, eq, "exp")) {
		bool redir = ascii_word_is(b, s, eq, "redirect");

		t->kind = redir ? SPF_REDIRECT : SPF_EXP;
		if (redir && r->redirect != NULL)
			return spf_fail(c, SPF_R_DUP_REDIRECT, s, "redirect= given twice");
		if (!redir && r->exp != NULL)
			return spf_fail(c, SPF_R_DUP_EXP, s, "exp= given twice");
		if (eq + 1 >= e)
			return spf_fail(c, SPF_R_MISSING_DOMAIN, s, "modifier without domain-spec");
		if (spf_domain_spec(c, eq + 1, e, t) < 0)
			return -1;
		spf_keep(c, eq + 1, e, &t->domain);
		if (redir) {
			r->redirect = t;
			r->lookups++;
		} else {
			r->exp = t;
		}
		return 0;
	}
	t->kind = SPF_UNKNOWN_MOD;
	if (spf_macro_string(c, eq + 1, e, &macro, &last) < 0)
		return -1;
	t->has_macro = macro;
	spf_keep(c, s, eq, &t->name);
	spf_keep(c, eq + 1, e, &t->domain);
	return 0;
}

/* Parses a directive [s, e) (qualifier already taken off). */
static int
spf_directive(struct spf_ctx *c, struct spf_record *r, size_t s, size_t e, struct spf_term *t)
{
	const uint8_t *b = c->buf;
	size_t ne, slash;
	static const struct {
		const char *name;
		enum spf_kind kind;
	} mechs[] = {
		{ "all", SPF_ALL }, { "include", SPF_INCLUDE }, { "a", SPF_A }, { "mx", SPF_MX },
		{ "ptr", SPF_PTR }, { "ip4", SPF_IP4 }, { "ip6", SPF_IP6 }, { "exists", SPF_EXISTS },
	};
	size_t i;
	bool found = false;

	for (ne = s; ne < e && b[ne] != ':' && b[ne] != '/'; ne++)
		;
	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		if (ascii_word_is(b, s, ne, mechs[i].name)) {
			t->kind = mechs[i].kind;
			found = true;
			break;
		}
	}
	if (!found)
		return spf_fail(c, SPF_R_UNKNOWN_MECH, s, "unknown mechanism");

	switch (t->kind) {
	case SPF_ALL:
		if (ne < e)
			return spf_fail(c, SPF_R_TRAILING, ne, "junk after all");
		if (!r->has_all) {
			r->has_all = true;
			r->all_qual = t->qual;
		}
		return 0;
	case SPF_INCLUDE:
	case SPF_EXISTS:
		if (ne >= e || b[ne] != ':' || ne + 1 >= e)
			return spf_fail(c, SPF_R_MISSING_DOMAIN, s, "mechanism needs :domain");
		if (spf_domain_spec(c, ne + 1, e, t) < 0)
			return -1;
		spf_keep(c, ne + 1, e, &t->domain);
		r->lookups++;
		return 0;
	case SPF_PTR:
		r->lookups++;
		if (ne == e)
			return 0;
		if (b[ne] != ':')
			return spf_fail(c, SPF_R_TRAILING, ne, "junk after ptr");
		if (ne + 1 >= e)
			return spf_fail(c, SPF_R_MISSING_DOMAIN, ne, "empty domain after ptr:");
		if (spf_domain_spec(c, ne + 1, e, t) < 0)
			return -1;
		spf_keep(c, ne + 1, e, &t->domain);
		return 0;
	case SPF_A:
	case SPF_MX:
		r->lookups++;
		if (ne < e && b[ne] == ':') {
			slash = spf_cidr_start(b, ne + 1, e);
			if (slash == ne + 1)
				return spf_fail(c, SPF_R_MISSING_DOMAIN, ne, "empty domain after ':'");
			if (spf_domain_spec(c, ne + 1, slash, t) < 0)
				return -1;
			if (spf_dual_cidr(c, slash, e, t) < 0)
				return -1;
			spf_keep(c, ne + 1, slash, &t->domain);
			return 0;
		}
		return spf_dual_cidr(c, ne, e, t);
	case SPF_IP4:
	case SPF_IP6:
		if (ne >= e || b[ne] != ':' || ne + 1 >= e)
			return spf_fail(c, t->kind == SPF_IP4 ? SPF_R_BAD_IP4 : SPF_R_BAD_IP6, s,
			    "ip4/ip6 needs :address");
		for (slash = ne + 1; slash < e && b[slash] != '/'; slash++)
			;
		if (t->kind == SPF_IP4 ? spf_ip4(c, ne + 1, slash, t->addr) < 0 :
		    spf_ip6(c, ne + 1, slash, t->addr) < 0)
			return -1;
		if (slash < e) {
			size_t p;

			if (t->kind == SPF_IP4) {
				if (spf_cidr(c, slash, e, 32, &t->cidr4, &p) < 0)
					return -1;
				t->has_cidr4 = true;
			} else {
				if (spf_cidr(c, slash, e, 128, &t->cidr6, &p) < 0)
					return -1;
				t->has_cidr6 = true;
			}
			if (p < e)
				return spf_fail(c, b[p] == '/' ? SPF_R_BAD_CIDR : SPF_R_TRAILING, p,
				    "junk after CIDR length");
		}
		return 0;
	default:
		break;
	}
	return spf_fail(c, SPF_R_UNKNOWN_MECH, s, "unknown mechanism");
}

/* Parses one term [s, e) into t. */
static int
spf_term(struct spf_ctx *c, struct spf_record *r, size_t s, size_t e, struct spf_term *t)
{
	const uint8_t *b = c->buf;
	bool qual = true;
	size_t p;

	t->offset = s;
	switch (b[s]) {
	case '+': t->qual = SPF_QUAL_PASS; break;
	case '-': t->qual = SPF_QUAL_FAIL; break;
	case '~': t->qual = SPF_QUAL_SOFTFAIL; break;
	case '?': t->qual = SPF_QUAL_NEUTRAL; break;
	default: t->qual = SPF_QUAL_PASS; qual = false; break;
	}
	/* A modifier's name ends at '=' before any ':' or '/'. */
	for (p = s; p < e && b[p] != '=' && b[p] != ':' && b[p] != '/'; p++)
		;
	if (p < e && b[p] == '=') {
		if (qual)
			return spf_fail(c, SPF_R_BAD_MODIFIER, s, "qualifier before a modifier");
		if (p == s)
			return spf_fail(c, SPF_R_BAD_MODIFIER, s, "empty modifier name");
		return spf_modifier(c, r, s, p, e, t);
	}
	if (qual)
		s++;
	if (s >= e)
		return spf_fail(c, SPF_R_UNKNOWN_MECH, s, "qualifier without mechanism");
	return spf_directive(c, r, s, e, t);
}

int
spf_parse_ex(const uint8_t *buf, size_t len, struct spf_record **out,
    enum spf_reason *reason, char *why, size_t whylen)
{
	struct spf_ctx c = { .buf = buf, .len = len, .why = why, .whylen = whylen };
	struct spf_record *r = NULL;
	size_t p, s, n, i;
	int rc;

	*out = NULL;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (len > MAX_SPF_RECORD_LEN) {
		spf_fail(&c, SPF_R_TOO_LONG, 0, "record longer than MAX_SPF_RECORD_LEN");
		rc = PEIL_ETOOBIG;
		goto out;
	}
	if (buf == NULL || len < 6 || !ascii_word_is(buf, 0, 6, "v=spf1") ||
	    (len > 6 && buf[6] != ' ')) {
		spf_fail(&c, SPF_R_VERSION, 0, "not v=spf1");
		rc = PEIL_EINVAL;
		goto out;
	}
	for (p = 0; p < len; p++) {
		if (buf[p] >= 0x80) {
			spf_fail(&c, SPF_R_NON_ASCII, p, "byte above 0x7f");
			rc = PEIL_EINVAL;
			goto out;
		}
		if ((buf[p] < 0x21 && buf[p] != ' ') || buf[p] == 0x7f) {
			spf_fail(&c, SPF_R_BAD_CHAR, p, "control byte");
			rc = PEIL_EINVAL;
			goto out;
		}
	}
	/* Count the terms first so the array is sized once and bounded. */
	n = 0;
	for (p = 6; p < len; p++)
		if (buf[p] != ' ' && buf[p - 1] == ' ')
			n++;
	if (n > MAX_SPF_TERMS) {
		spf_fail(&c, SPF_R_TOO_MANY_TERMS, 0, "more terms than MAX_SPF_TERMS");
		rc = PEIL_ETOOBIG;
		goto out;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (n > 0 && (r->terms = calloc(n, sizeof(*r->terms))) == NULL) ||
	    (r->pool_ = malloc(len + 1)) == NULL) {
		rc = PEIL_ENOMEM;
		err_set(why, whylen, "out of memory");
		goto out;
	}
	memcpy(r->pool_, buf, len);
	r->pool_[len] = '\0';
	c.pool = r->pool_;

	p = 6;
	while (p < len) {
		while (p < len && buf[p] == ' ')
			p++;
		if (p >= len)
			break;
		for (s = p; p < len && buf[p] != ' '; p++)
			;
		if (r->nterms >= n) { /* cannot happen: counted above */
			rc = PEIL_EINVAL;
			goto out;
		}
		if (spf_term(&c, r, s, p, &r->terms[r->nterms]) < 0) {
			rc = PEIL_EINVAL;
			goto out;
		}
		if (r->terms[r->nterms].has_macro)
			r->nmacro++;
		r->nterms++;
	}
	for (i = r->nterms; i > 0; i--) {
		enum spf_kind k = r->terms[i - 1].kind;

		if (k == SPF_REDIRECT || k == SPF_EXP || k == SPF_UNKNOWN_MOD)
			continue;
		r->all_last = (k == SPF_ALL);
		break;
	}
	*out = r;
	r = NULL;
	rc = 0;
out:
	if (reason != NULL)
		*reason = c.reason;
	spf_free(r);
	return rc;
}

int
spf_parse(const uint8_t *buf, size_t len, struct spf_record **out, char *why, size_t whylen)
{
	return spf_parse_ex(buf, len, out, NULL, why, whylen);
}

void
spf_free(struct spf_record *rec)
{
	if (rec == NULL)
		return;
	free(rec->terms);
	free(rec->pool_);
	free(rec);
}

int
spf_record_describe(const struct spf_record *rec, char *buf, size_t buflen)
{
	char all[8];
	int n;

	if (buf == NULL || buflen == 0)
		return PEIL_ETOOBIG;
	if (rec->has_all)
		snprintf(all, sizeof(all), "%call", spf_qual_char(rec->all_qual));
	else
		snprintf(all, sizeof(all), "none");
	n = snprintf(buf, buflen, "terms=%zu lookups=%zu macros=%zu all=%s%s%s", rec->nterms,
	    rec->lookups, rec->nmacro, all, rec->redirect ? " redirect=" : "",
	    rec->redirect ? rec->redirect->domain : "");
	if (n < 0 || (size_t)n >= buflen)
		return PEIL_ETOOBIG;
	return 0;
}
