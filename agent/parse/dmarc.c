/* dmarc.c: the DMARC record parser (RFC 7489 6.3-6.4, RFC 9989 tags t, psd, np): no heap. */
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "dmarc.h"
#include "err.h"
#include "limits.h"

/* A parse in progress: the input and the first error (of the record, or of the tag being
 * parsed when lenient). */
struct dmarc_ctx {
	const uint8_t *buf;
	size_t len;
	enum dmarc_reason reason;
	int rc;                  /* PEIL_EINVAL or PEIL_ETOOBIG for the first error */
	bool lenient;            /* RFC 9989 4.8: a bad tag is discarded, not the record */
	char msg[sizeof(((struct dmarc_tag_error *)0)->why)]; /* the first error's text */
	char *why;
	size_t whylen;
};

/* Tags we know, each a bit in the "seen" mask so duplicates are caught. */
enum dmarc_tag {
	DMARC_TAG_V, DMARC_TAG_P, DMARC_TAG_SP, DMARC_TAG_NP, DMARC_TAG_ADKIM, DMARC_TAG_ASPF,
	DMARC_TAG_PCT, DMARC_TAG_RI, DMARC_TAG_FO, DMARC_TAG_RF, DMARC_TAG_RUA, DMARC_TAG_RUF,
	DMARC_TAG_T, DMARC_TAG_PSD, DMARC_TAG_UNKNOWN,
};

static const char *const dmarc_tag_names[] = {
	"v", "p", "sp", "np", "adkim", "aspf", "pct", "ri", "fo", "rf", "rua", "ruf", "t", "psd",
};

static const char *const dmarc_reason_names[] = {
	"ok", "bad-version", "too-long", "bad-char", "syntax", "duplicate-tag", "no-policy",
	"bad-policy", "bad-align", "bad-pct", "bad-ri", "bad-fo", "bad-rf", "bad-uri",
	"too-many-uris", "bad-t", "bad-psd",
};

const char *
dmarc_reason_name(enum dmarc_reason r)
{
	if ((size_t)r >= sizeof(dmarc_reason_names) / sizeof(dmarc_reason_names[0]))
		return "?";
	return dmarc_reason_names[r];
}

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_P_NONE: return "none";
	case DMARC_P_QUARANTINE: return "quarantine";
	case DMARC_P_REJECT: return "reject";
	case DMARC_P_UNSET: break;
	}
	return "unset";
}

/* Records the first error; always returns -1 so callers can `return dmarc_fail(...)`. */
static int
dmarc_fail_rc(struct dmarc_ctx *c, enum dmarc_reason r, int rc, size_t off, const char *what)
{
	if (c->reason == DMARC_R_OK) {
		c->reason = r;
		c->rc = rc;
		err_set(c->why, c->whylen, "%s: %s (offset %zu)", dmarc_reason_name(r), what, off);
		err_set(c->msg, sizeof(c->msg), "%s: %s (offset %zu)", dmarc_reason_name(r), what,
		    off);
	}
	return -1;
}

static int
dmarc_fail(struct dmarc_ctx *c, enum dmarc_reason r, size_t off, const char *what)
{
	return dmarc_fail_rc(c, r, PEIL_EINVAL, off, what);
}


/* Matches dmarc-version at the start of buf; on success *end is the offset after "DMARC1".
 * The tag name is case-insensitive (an ABNF literal), the value exact (%x-coded). */
static bool
dmarc_version(const uint8_t *buf, size_t len, size_t *end)
{
	static const char ver[] = "DMARC1";
	size_t p;

	if (buf == NULL || len < 1 || ascii_lower(buf[0]) != 'v')
		return false;
	p = ascii_skip_wsp(buf, 1, len);
	if (p >= len || buf[p] != '=')
		return false;
	p = ascii_skip_wsp(buf, p + 1, len);
	if (len - p < sizeof(ver) - 1 || memcmp(buf + p, ver, sizeof(ver) - 1) != 0)
		return false;
	p += sizeof(ver) - 1;
	/* The value ends at ';' or the end; trailing spaces are not part of it. */
	if (ascii_skip_wsp(buf, p, len) < len && buf[ascii_skip_wsp(buf, p, len)] != ';')
		return false;
	*end = p;
	return true;
}

bool
dmarc_is_record(const uint8_t *buf, size_t len)
{
	size_t end;

	return dmarc_version(buf, len, &end);
}

/* p, sp, np: none | quarantine | reject. */
static int
dmarc_policy_value(struct dmarc_ctx *c, size_t s, size_t e, enum dmarc_policy *out)
{
	if (ascii_word_is(c->buf, s, e, "none"))
		*out = DMARC_P_NONE;
	else if (ascii_word_is(c->buf, s, e, "quarantine"))
		*out = DMARC_P_QUARANTINE;
	else if (ascii_word_is(c->buf, s, e, "reject"))
		*out = DMARC_P_REJECT;
	else
		return dmarc_fail(c, DMARC_R_BAD_POLICY, s, "policy not none, quarantine or reject");
	return 0;
}

/* A one-letter value out of `set` (lower case); stores the lower-case letter. */
static int
dmarc_letter_value(struct dmarc_ctx *c, size_t s, size_t e, const char *set,
    enum dmarc_reason r, const char *what, char *out)
{
	uint8_t ch;

	if (e - s != 1)
		return dmarc_fail(c, r, s, what);
	ch = ascii_lower(c->buf[s]);
	if (ch == 0 || strchr(set, ch) == NULL)
		return dmarc_fail(c, r, s, what);
	*out = (char)ch;
	return 0;
}

/* pct: 1*3DIGIT, 0..100. */
static int
dmarc_pct_value(struct dmarc_ctx *c, size_t s, size_t e, unsigned *out)
{
	unsigned v = 0;
	size_t p;

	if (e - s < 1 || e - s > 3)
		return dmarc_fail(c, DMARC_R_BAD_PCT, s, "pct not 1 to 3 digits");
	for (p = s; p < e; p++) {
		if (!ascii_is_digit(c->buf[p]))
			return dmarc_fail(c, DMARC_R_BAD_PCT, p, "pct not a number");
		v = v * 10 + (unsigned)(c->buf[p] - '0');
	}
	if (v > 100)
		return dmarc_fail(c, DMARC_R_BAD_PCT, s, "pct above 100");
	*out = v;
	return 0;
}

/* ri: 1*DIGIT, fitting 32 bits. */
static int
dmarc_ri_value(struct dmarc_ctx *c, size_t s, size_t e, uint32_t *out)
{
	uint64_t v = 0;
	size_t p;

	if (s >= e)
		return dmarc_fail(c, DMARC_R_BAD_RI, s, "empty ri");
	for (p = s; p < e; p++) {
		if (!ascii_is_digit(c->buf[p]))
			return dmarc_fail(c, DMARC_R_BAD_RI, p, "ri not a number");
		v = v * 10 + (uint64_t)(c->buf[p] - '0');
		if (v > UINT32_MAX)
			return dmarc_fail(c, DMARC_R_BAD_RI, s, "ri above 2^32-1");
	}
	*out = (uint32_t)v;
	return 0;
}

/* Length of an RFC 5321 Keyword at s: *(ALPHA / DIGIT / "-") ending in ALPHA / DIGIT. */
static size_t
dmarc_keyword(const uint8_t *b, size_t s, size_t e)
{
	size_t p = s;

	while (p < e && (ascii_is_alpha(b[p]) || ascii_is_digit(b[p]) || b[p] == '-'))
		p++;
	if (p == s || b[p - 1] == '-')
		return 0;
	return p - s;
}

/* fo (items 0 1 d s) and rf (keywords): item *(*WSP ":" *WSP item). */
static int
dmarc_colon_list(struct dmarc_ctx *c, size_t s, size_t e, bool fo)
{
	const uint8_t *b = c->buf;
	enum dmarc_reason r = fo ? DMARC_R_BAD_FO : DMARC_R_BAD_RF;
	size_t p = s, n;

	for (;;) {
		if (p >= e)
			return dmarc_fail(c, r, p, fo ? "missing fo option" : "missing report format");
		if (fo) {
			uint8_t ch = ascii_lower(b[p]);

			if (ch != '0' && ch != '1' && ch != 'd' && ch != 's')
				return dmarc_fail(c, r, p, "fo option not 0, 1, d or s");
			p++;
		} else {
			if ((n = dmarc_keyword(b, p, e)) == 0)
				return dmarc_fail(c, r, p, "report format not a keyword");
			p += n;
		}
		p = ascii_skip_wsp(b, p, e);
		if (p >= e)
			return 0;
		if (b[p] != ':')
			return dmarc_fail(c, r, p, fo ? "junk in fo list" : "junk in rf list");
		p = ascii_skip_wsp(b, p + 1, e);
	}
}

/* Is [s, e) a host name: LDH labels of 1..63, at most MAX_DOMAIN_LEN, a top label that is not
 * all digits? (The final dot is already taken off.) */
static bool
dmarc_host_name(const uint8_t *b, size_t s, size_t e)
{
	size_t p, lab = 0, top = s;
	bool alpha = false;

	if (s >= e || e - s > MAX_DOMAIN_LEN)
		return false;
	for (p = s; p < e; p++) {
		if (b[p] == '.') {
			if (lab == 0 || b[p - 1] == '-')
				return false;
			lab = 0;
			top = p + 1;
			continue;
		}
		if (!ascii_is_alpha(b[p]) && !ascii_is_digit(b[p]) && b[p] != '-')
			return false;
		if (lab == 0 && b[p] == '-')
			return false;
		if (++lab > 63)
			return false;
	}
	if (lab == 0 || b[e - 1] == '-')
		return false;
	for (p = top; p < e; p++)
		if (ascii_is_alpha(b[p]) || b[p] == '-')
			alpha = true;
	return alpha;
}

/* The "!" 1*DIGIT [k/m/g/t] suffix at [s, e) (s after the '!'): the size in bytes. */
static int
dmarc_size_suffix(struct dmarc_ctx *c, size_t s, size_t e, uint64_t *out)
{
	const uint8_t *b = c->buf;
	uint64_t v = 0, d;
	unsigned shift = 0;
	size_t p;

	for (p = s; p < e && ascii_is_digit(b[p]); p++) {
		d = (uint64_t)(b[p] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return dmarc_fail(c, DMARC_R_BAD_URI, s, "size above 2^64-1");
		v = v * 10 + d;
	}
	if (p == s)
		return dmarc_fail(c, DMARC_R_BAD_URI, s, "'!' not followed by a size");
	if (p < e) {
		switch (ascii_lower(b[p])) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		case 't': shift = 40; break;
		default:
			return dmarc_fail(c, DMARC_R_BAD_URI, p, "size unit not k, m, g or t");
		}
		if (++p < e)
			return dmarc_fail(c, DMARC_R_BAD_URI, p, "junk after size");
	}
	*out = (shift > 0 && v > (UINT64_MAX >> shift)) ? UINT64_MAX : v << shift;
	return 0;
}

/* One dmarc-uri [s, e): URI ["!" size]. RFC 3986 characters only (',' and '!' must be
 * percent-encoded in the URI itself); for mailto: the domain after the last '@'. */
static int
dmarc_uri(struct dmarc_ctx *c, size_t s, size_t e, struct dmarc_uri *u)
{
	const uint8_t *b = c->buf;
	size_t p, bang, colon, addr_end, at, dend, i;

	if (s >= e)
		return dmarc_fail(c, DMARC_R_BAD_URI, s, "empty URI");
	for (bang = s; bang < e && b[bang] != '!'; bang++)
		;
	if (bang < e && dmarc_size_suffix(c, bang + 1, e, &u->max_size) < 0)
		return -1;
	if (bang - s > MAX_DMARC_URI_LEN)
		return dmarc_fail_rc(c, DMARC_R_BAD_URI, PEIL_ETOOBIG, s,
		    "URI longer than MAX_DMARC_URI_LEN");
	if (!ascii_is_alpha(b[s]))
		return dmarc_fail(c, DMARC_R_BAD_URI, s, "URI scheme must start with a letter");
	for (colon = s; colon < bang && b[colon] != ':'; colon++)
		if (!ascii_is_alpha(b[colon]) && !ascii_is_digit(b[colon]) &&
		    b[colon] != '+' && b[colon] != '-' && b[colon] != '.')
			return dmarc_fail(c, DMARC_R_BAD_URI, colon, "bad character in URI scheme");
	if (colon >= bang)
		return dmarc_fail(c, DMARC_R_BAD_URI, s, "URI without scheme");
	if (colon + 1 >= bang)
		return dmarc_fail(c, DMARC_R_BAD_URI, s, "nothing after the URI scheme");
	for (p = colon + 1; p < bang; p++) {
		uint8_t ch = b[p];

		if (ch == '%') {
			if (bang - p < 3 || !ascii_is_hex(b[p + 1]) || !ascii_is_hex(b[p + 2]))
				return dmarc_fail(c, DMARC_R_BAD_URI, p, "bad percent-encoding in URI");
			p += 2;
			continue;
		}
		if (ascii_is_alpha(ch) || ascii_is_digit(ch) || strchr("-._~:/?#[]@$&'()*+=", ch))
			continue;
		return dmarc_fail(c, DMARC_R_BAD_URI, p, "character not allowed in a URI");
	}
	memcpy(u->uri, b + s, bang - s);
	u->uri[bang - s] = '\0';
	if (!ascii_word_is(b, s, colon, "mailto"))
		return 0;

	u->mailto = true;
	for (addr_end = colon + 1; addr_end < bang && b[addr_end] != '?'; addr_end++)
		;
	for (at = addr_end; at > colon + 1 && b[at - 1] != '@'; at--)
		;
	if (at == colon + 1)
		return dmarc_fail(c, DMARC_R_BAD_URI, colon + 1, "mailto: address without '@'");
	at--; /* b[at] == '@' */
	if (at == colon + 1)
		return dmarc_fail(c, DMARC_R_BAD_URI, at, "mailto: address with empty local part");
	dend = addr_end;
	if (dend > at + 1 && b[dend - 1] == '.')
		dend--;
	if (!dmarc_host_name(b, at + 1, dend))
		return dmarc_fail(c, DMARC_R_BAD_URI, at + 1, "mailto: domain not a host name");
	for (i = 0; i < dend - (at + 1); i++)
		u->domain[i] = (char)ascii_lower(b[at + 1 + i]);
	u->domain[i] = '\0';
	return 0;
}

/* rua, ruf: dmarc-uri *(*WSP "," *WSP dmarc-uri), at most MAX_DMARC_URIS. */
static int
dmarc_uri_list(struct dmarc_ctx *c, size_t s, size_t e, struct dmarc_uri *list, size_t *n)
{
	const uint8_t *b = c->buf;
	size_t p = s, us;

	for (;;) {
		for (us = p; p < e && b[p] != ',' && !ascii_is_wsp(b[p]); p++)
			;
		if (*n >= MAX_DMARC_URIS)
			return dmarc_fail_rc(c, DMARC_R_TOO_MANY_URIS, PEIL_ETOOBIG, us,
			    "more URIs than MAX_DMARC_URIS");
		if (dmarc_uri(c, us, p, &list[*n]) < 0)
			return -1;
		(*n)++;
		p = ascii_skip_wsp(b, p, e);
		if (p >= e)
			return 0;
		if (b[p] != ',')
			return dmarc_fail(c, DMARC_R_BAD_URI, p, "URIs not separated by ','");
		p = ascii_skip_wsp(b, p + 1, e);
	}
}

static enum dmarc_tag
dmarc_tag_of(const uint8_t *b, size_t s, size_t e)
{
	size_t i;

	for (i = 0; i < sizeof(dmarc_tag_names) / sizeof(dmarc_tag_names[0]); i++)
		if (ascii_word_is(b, s, e, dmarc_tag_names[i]))
			return (enum dmarc_tag)i;
	return DMARC_TAG_UNKNOWN;
}

/* One tag's value [s, e) (whitespace around it already taken off). */
static int
dmarc_value(struct dmarc_ctx *c, enum dmarc_tag tag, size_t s, size_t e,
    struct dmarc_record *r)
{
	char ch;

	switch (tag) {
	case DMARC_TAG_V:
		break; /* a second v: refused as a duplicate before we get here */
	case DMARC_TAG_P:
		return dmarc_policy_value(c, s, e, &r->p);
	case DMARC_TAG_SP:
		return dmarc_policy_value(c, s, e, &r->sp);
	case DMARC_TAG_NP:
		return dmarc_policy_value(c, s, e, &r->np);
	case DMARC_TAG_ADKIM:
		return dmarc_letter_value(c, s, e, "rs", DMARC_R_BAD_ALIGN, "adkim not r or s",
		    &r->adkim);
	case DMARC_TAG_ASPF:
		return dmarc_letter_value(c, s, e, "rs", DMARC_R_BAD_ALIGN, "aspf not r or s",
		    &r->aspf);
	case DMARC_TAG_PCT:
		r->pct_set = true;
		return dmarc_pct_value(c, s, e, &r->pct);
	case DMARC_TAG_RI:
		return dmarc_ri_value(c, s, e, &r->ri);
	case DMARC_TAG_FO:
		return dmarc_colon_list(c, s, e, true);
	case DMARC_TAG_RF:
		return dmarc_colon_list(c, s, e, false);
	case DMARC_TAG_RUA:
		return dmarc_uri_list(c, s, e, r->rua, &r->nrua);
	case DMARC_TAG_RUF:
		return dmarc_uri_list(c, s, e, r->ruf, &r->nruf);
	case DMARC_TAG_T:
		if (dmarc_letter_value(c, s, e, "yn", DMARC_R_BAD_T, "t not y or n", &ch) < 0)
			return -1;
		r->testing = (ch == 'y');
		return 0;
	case DMARC_TAG_PSD:
		if (dmarc_letter_value(c, s, e, "ynu", DMARC_R_BAD_PSD, "psd not y, n or u",
		    &ch) < 0)
			return -1;
		r->psd = ch;
		return 0;
	case DMARC_TAG_UNKNOWN:
		r->nunknown++;
		return 0;
	}
	return 0;
}

static void
dmarc_clear(struct dmarc_record *r)
{
	memset(r, 0, sizeof(*r));
	r->adkim = 'r';
	r->aspf = 'r';
	r->pct = 100;
	r->ri = 86400;
}

/* One tag-spec from *p (after a ';' and spaces): name [ns, *ne), value [*vs, *ve) without the
 * spaces around it; *p ends at the ';' that ends it, or the end. On a malformed tag-spec
 * fails with *p still at the ';' that ends it, so a lenient parse can go on from there. */
static int
dmarc_tag_spec(struct dmarc_ctx *c, size_t *pp, size_t *ne, size_t *vs, size_t *ve)
{
	const uint8_t *b = c->buf;
	size_t len = c->len, p = *pp, end;
	int rc = 0;

	for (end = p; end < len && b[end] != ';'; end++)
		;
	/* tag-name = ALPHA *(ALPHA / DIGIT / "_") (RFC 6376 tag-list) */
	if (b[p] == ';')
		rc = dmarc_fail(c, DMARC_R_SYNTAX, p, "empty tag between ';'");
	else if (!ascii_is_alpha(b[p]))
		rc = dmarc_fail(c, DMARC_R_SYNTAX, p, "tag name must start with a letter");
	if (rc == 0) {
		while (p < len && (ascii_is_alpha(b[p]) || ascii_is_digit(b[p]) || b[p] == '_'))
			p++;
		*ne = p;
		p = ascii_skip_wsp(b, p, len);
		if (p >= len || b[p] != '=')
			rc = dmarc_fail(c, DMARC_R_SYNTAX, p, "tag name not followed by '='");
	}
	if (rc == 0) {
		*vs = ascii_skip_wsp(b, p + 1, len);
		for (*ve = end; *ve > *vs && ascii_is_wsp(b[*ve - 1]); (*ve)--)
			;
	}
	*pp = end;
	return rc;
}

/* After a tag failed: lenient, the error is listed in r and cleared so the parse goes on
 * (0); strict, -1 and the error stands. */
static int
dmarc_discard(struct dmarc_ctx *c, struct dmarc_record *r)
{
	if (!c->lenient)
		return -1;
	if (r->nerrors < MAX_DMARC_TAG_ERRORS) {
		struct dmarc_tag_error *e = &r->errors[r->nerrors];

		e->reason = c->reason;
		memcpy(e->why, c->msg, sizeof(e->why));
	}
	r->nerrors++;
	c->reason = DMARC_R_OK;
	c->rc = 0;
	if (c->why != NULL && c->whylen > 0)
		c->why[0] = '\0';
	return 0;
}

/* A discarded tag's value back to its default (values are stored only once valid, but the
 * lists fill as they go). */
static void
dmarc_reset_tag(enum dmarc_tag tag, struct dmarc_record *r)
{
	if (tag == DMARC_TAG_RUA) {
		memset(r->rua, 0, sizeof(r->rua));
		r->nrua = 0;
	} else if (tag == DMARC_TAG_RUF) {
		memset(r->ruf, 0, sizeof(r->ruf));
		r->nruf = 0;
	} else if (tag == DMARC_TAG_PCT) {
		r->pct = 100;
		r->pct_set = false;
	}
}

/* The tags after the version: *(dmarc-sep tag) [dmarc-sep], from p. */
static int
dmarc_tags(struct dmarc_ctx *c, size_t p, struct dmarc_record *r)
{
	const uint8_t *b = c->buf;
	size_t len = c->len, ns, ne, vs, ve;
	uint32_t seen = 1u << DMARC_TAG_V;
	enum dmarc_tag tag;

	for (;;) {
		p = ascii_skip_wsp(b, p, len);
		if (p >= len)
			return 0;
		if (b[p] != ';')
			return dmarc_fail(c, DMARC_R_SYNTAX, p, "expected ';' between tags");
		p = ascii_skip_wsp(b, p + 1, len);
		if (p >= len)
			return 0; /* a final ';' */
		ns = p;
		if (dmarc_tag_spec(c, &p, &ne, &vs, &ve) < 0) {
			if (dmarc_discard(c, r) < 0)
				return -1;
			continue;
		}
		tag = dmarc_tag_of(b, ns, ne);
		if (tag != DMARC_TAG_UNKNOWN) {
			if (seen & (1u << tag))
				return dmarc_fail(c, DMARC_R_DUP_TAG, ns, tag == DMARC_TAG_V ?
				    "v given twice" : "tag given twice");
			seen |= 1u << tag;
		}
		if (dmarc_value(c, tag, vs, ve, r) < 0) {
			dmarc_reset_tag(tag, r);
			if (dmarc_discard(c, r) < 0)
				return -1;
		}
	}
}

static int
dmarc_parse_mode(const uint8_t *buf, size_t len, struct dmarc_record *out, bool lenient,
    enum dmarc_reason *reason, char *why, size_t whylen)
{
	struct dmarc_ctx c = { .buf = buf, .len = len, .rc = 0, .why = why, .whylen = whylen,
	    .lenient = lenient };
	size_t p, i;
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out == NULL) {
		dmarc_fail(&c, DMARC_R_SYNTAX, 0, "no output record");
		goto out;
	}
	dmarc_clear(out);
	if (len > MAX_DMARC_RECORD_LEN) {
		dmarc_fail_rc(&c, DMARC_R_TOO_LONG, PEIL_ETOOBIG, 0,
		    "record longer than MAX_DMARC_RECORD_LEN");
		goto out;
	}
	if (!dmarc_version(buf, len, &p)) {
		dmarc_fail(&c, DMARC_R_VERSION, 0, "does not start with v=DMARC1");
		goto out;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] >= 0x80) {
			dmarc_fail(&c, DMARC_R_BAD_CHAR, i, "byte above 0x7f");
			goto out;
		}
		if ((buf[i] < 0x20 && buf[i] != '\t') || buf[i] == 0x7f) {
			dmarc_fail(&c, DMARC_R_BAD_CHAR, i, "control byte");
			goto out;
		}
	}
	out->rfc9989 = lenient;
	if (dmarc_tags(&c, p, out) < 0)
		goto out;
	/* RFC 7489 6.6.3: no p but a valid rua is taken as p=none; RFC 9989 4.7: no p is p=none
	 * (p stays UNSET here either way). */
	if (out->p == DMARC_P_UNSET && out->nrua == 0 && !lenient)
		dmarc_fail(&c, DMARC_R_NO_POLICY, len, "no p tag and no rua to fall back on");
out:
	rc = c.reason == DMARC_R_OK ? 0 : c.rc;
	if (rc != 0 && out != NULL)
		dmarc_clear(out);
	if (reason != NULL)
		*reason = c.reason;
	return rc;
}

int
dmarc_parse(const uint8_t *buf, size_t len, struct dmarc_record *out,
    enum dmarc_reason *reason, char *why, size_t whylen)
{
	return dmarc_parse_mode(buf, len, out, false, reason, why, whylen);
}

int
dmarc_parse_rfc9989(const uint8_t *buf, size_t len, struct dmarc_record *out,
    enum dmarc_reason *reason, char *why, size_t whylen)
{
	return dmarc_parse_mode(buf, len, out, true, reason, why, whylen);
}

enum dmarc_policy
dmarc_effective_policy(const struct dmarc_record *rec, bool subdomain)
{
	enum dmarc_policy pol;

	if (rec == NULL)
		return DMARC_P_UNSET;
	pol = rec->p;
	if (subdomain && rec->sp != DMARC_P_UNSET)
		pol = rec->sp;
	if (pol == DMARC_P_UNSET && (rec->nrua > 0 || rec->rfc9989))
		pol = DMARC_P_NONE;
	if (rec->testing) {
		if (pol == DMARC_P_REJECT)
			pol = DMARC_P_QUARANTINE;
		else if (pol == DMARC_P_QUARANTINE)
			pol = DMARC_P_NONE;
	}
	return pol;
}
