/* mtasts.c: MTA-STS record and policy parsers, mx matching; TLS-RPT record. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "mtasts.h"

/* A parse in progress (any of the three parsers): the input and the first error. */
struct mtasts_ctx {
	const uint8_t *buf;
	size_t len;
	int reason;              /* an mtasts_reason or tlsrpt_reason; 0 is OK for both */
	const char *rname;       /* its name */
	int rc;                  /* PEIL_EINVAL or PEIL_ETOOBIG for the first error */
	char *why;
	size_t whylen;
};

static const char *const mtasts_reason_names[] = {
	"ok", "bad-version", "too-long", "bad-char", "syntax", "no-id", "bad-id",
	"duplicate-field", "bad-extension", "no-version", "no-mode", "bad-mode", "no-max-age",
	"bad-max-age", "no-mx", "bad-mx", "too-many-mx", "fetch-name", "fetch-connect",
	"fetch-tls", "fetch-timeout", "fetch-http", "fetch-too-big", "fetch-error",
};

static const char *const tlsrpt_reason_names[] = {
	"ok", "bad-version", "too-long", "bad-char", "syntax", "no-rua", "duplicate-rua",
	"bad-uri", "too-many-uris", "no-usable-uri", "bad-extension",
};

const char *
mtasts_reason_name(enum mtasts_reason r)
{
	if ((size_t)r >= sizeof(mtasts_reason_names) / sizeof(mtasts_reason_names[0]))
		return "?";
	return mtasts_reason_names[r];
}

const char *
tlsrpt_reason_name(enum tlsrpt_reason r)
{
	if ((size_t)r >= sizeof(tlsrpt_reason_names) / sizeof(tlsrpt_reason_names[0]))
		return "?";
	return tlsrpt_reason_names[r];
}

const char *
mtasts_mode_name(enum mtasts_mode m)
{
	switch (m) {
	case MTASTS_MODE_ENFORCE: return "enforce";
	case MTASTS_MODE_TESTING: return "testing";
	case MTASTS_MODE_NONE: return "none";
	case MTASTS_MODE_UNSET: break;
	}
	return "unset";
}

const char *
tlsrpt_scheme_name(enum tlsrpt_scheme s)
{
	switch (s) {
	case TLSRPT_URI_MAILTO: return "mailto";
	case TLSRPT_URI_HTTPS: return "https";
	case TLSRPT_URI_OTHER: break;
	}
	return "other";
}

/* Records the first error; always returns -1 so callers can `return mtasts_fail(...)`. */
static int
mtasts_fail_rc(struct mtasts_ctx *c, int r, const char *rname, int rc, size_t off,
    const char *what)
{
	if (c->reason == 0) {
		c->reason = r;
		c->rname = rname;
		c->rc = rc;
		err_set(c->why, c->whylen, "%s: %s (offset %zu)", rname, what, off);
	}
	return -1;
}

static int
mtasts_fail(struct mtasts_ctx *c, enum mtasts_reason r, size_t off, const char *what)
{
	return mtasts_fail_rc(c, (int)r, mtasts_reason_name(r), PEIL_EINVAL, off, what);
}

static int
tlsrpt_fail_rc(struct mtasts_ctx *c, enum tlsrpt_reason r, int rc, size_t off, const char *what)
{
	return mtasts_fail_rc(c, (int)r, tlsrpt_reason_name(r), rc, off, what);
}

static int
tlsrpt_fail(struct mtasts_ctx *c, enum tlsrpt_reason r, size_t off, const char *what)
{
	return tlsrpt_fail_rc(c, r, PEIL_EINVAL, off, what);
}

static bool
mtasts_is_alnum(uint8_t ch)
{
	return ascii_is_alpha(ch) || ascii_is_digit(ch);
}

/* Does buf start with the exact (case-sensitive) version string `v`, followed by the end, WSP
 * or ';'? *end is the offset after it. */
static bool
mtasts_version_at(const uint8_t *buf, size_t len, const char *v, size_t *end)
{
	size_t n = strlen(v);

	if (buf == NULL || len < n || memcmp(buf, v, n) != 0)
		return false;
	if (len > n && !ascii_is_wsp(buf[n]) && buf[n] != ';')
		return false;
	*end = n;
	return true;
}

bool
mtasts_is_record(const uint8_t *buf, size_t len)
{
	size_t end;

	return mtasts_version_at(buf, len, "v=STSv1", &end);
}

bool
tlsrpt_is_record(const uint8_t *buf, size_t len)
{
	size_t end;

	return mtasts_version_at(buf, len, "v=TLSRPTv1", &end);
}

/* ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."), shared by RFC 8460 and
 * 8461. Returns the offset after the longest run of name characters at p (p if none) and
 * whether that run is a valid name in *ok. */
static size_t
mtasts_ext_name(const uint8_t *b, size_t p, size_t e, bool *ok)
{
	size_t s = p;

	while (p < e && (mtasts_is_alnum(b[p]) || b[p] == '_' || b[p] == '-' || b[p] == '.'))
		p++;
	*ok = p > s && mtasts_is_alnum(b[s]) && p - s <= 32;
	return p;
}

/* ext-value = 1*(%x21-3A / %x3C / %x3E-7E) of the TXT records: the offset after the run. */
static size_t
mtasts_txt_value(const uint8_t *b, size_t p, size_t e)
{
	while (p < e && b[p] >= 0x21 && b[p] <= 0x7e && b[p] != ';' && b[p] != '=')
		p++;
	return p;
}

/* Checks the bytes of a TXT record: printable ASCII, spaces and tabs only. */
static bool
mtasts_txt_chars(const uint8_t *b, size_t len, size_t *bad)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((b[i] < 0x20 && b[i] != '\t') || b[i] >= 0x7f) {
			*bad = i;
			return false;
		}
	}
	return true;
}

/* Walks the fields of an _mta-sts record after its version (at p): *(*WSP ";" *WSP field), an
 * optional final ";" and trailing WSP. For each field calls `field` with the name [ns, ne) and
 * the value [vs, ve) (the longest ext-value run; the field must end there). */
static int
mtasts_txt_fields(struct mtasts_ctx *c, size_t p,
    int (*field)(struct mtasts_ctx *, size_t, size_t, size_t, size_t, void *), void *arg)
{
	const uint8_t *b = c->buf;
	size_t len = c->len, ns, ne, vs, ve;
	bool ok;

	for (;;) {
		p = ascii_skip_wsp(b, p, len);
		if (p >= len)
			return 0;
		if (b[p] != ';')
			return mtasts_fail(c, MTASTS_R_SYNTAX, p, "expected ';' between fields");
		p = ascii_skip_wsp(b, p + 1, len);
		if (p >= len)
			return 0; /* a final ';' */
		ns = p;
		ne = mtasts_ext_name(b, p, len, &ok);
		if (ne == ns || ne >= len || b[ne] != '=')
			return mtasts_fail(c, MTASTS_R_SYNTAX, ns, "field not name=value");
		if (!ok)
			return mtasts_fail(c, MTASTS_R_BAD_EXT, ns, "bad field name");
		vs = ne + 1;
		ve = mtasts_txt_value(b, vs, len);
		if (field(c, ns, ne, vs, ve, arg) < 0)
			return -1;
		p = ve;
	}
}

/* --- The _mta-sts record --------------------------------------------------------------- */

struct mtasts_record_state {
	struct mtasts_record *r;
	bool have_id;
};

static int
mtasts_record_field(struct mtasts_ctx *c, size_t ns, size_t ne, size_t vs, size_t ve, void *arg)
{
	struct mtasts_record_state *st = arg;
	const uint8_t *b = c->buf;
	size_t p;

	if (ve < c->len && !ascii_is_wsp(b[ve]) && b[ve] != ';')
		return mtasts_fail(c, ne - ns == 2 && memcmp(b + ns, "id", 2) == 0 ?
		    MTASTS_R_BAD_ID : MTASTS_R_BAD_EXT, ve, "character not allowed in a value");
	if (ne - ns == 2 && memcmp(b + ns, "id", 2) == 0) {
		if (st->have_id)
			return mtasts_fail(c, MTASTS_R_DUP_FIELD, ns, "id given twice");
		if (ve == vs || ve - vs > MAX_MTASTS_ID_LEN)
			return mtasts_fail(c, MTASTS_R_BAD_ID, vs, "id not 1 to 32 characters");
		for (p = vs; p < ve; p++)
			if (!mtasts_is_alnum(b[p]))
				return mtasts_fail(c, MTASTS_R_BAD_ID, p,
				    "id not letters and digits");
		memcpy(st->r->id, b + vs, ve - vs);
		st->r->id[ve - vs] = '\0';
		st->have_id = true;
		return 0;
	}
	if (ne - ns == 1 && b[ns] == 'v')
		return mtasts_fail(c, MTASTS_R_DUP_FIELD, ns, "v given twice");
	if (ve == vs)
		return mtasts_fail(c, MTASTS_R_BAD_EXT, vs, "empty extension value");
	st->r->next++;
	return 0;
}

int
mtasts_record_parse(const uint8_t *buf, size_t len, struct mtasts_record *out,
    enum mtasts_reason *reason, char *why, size_t whylen)
{
	struct mtasts_ctx c = { .buf = buf, .len = len, .why = why, .whylen = whylen };
	struct mtasts_record_state st = { .r = out };
	size_t p, bad;
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out == NULL) {
		mtasts_fail(&c, MTASTS_R_SYNTAX, 0, "no output record");
		goto out;
	}
	memset(out, 0, sizeof(*out));
	if (len > MAX_MTASTS_RECORD_LEN) {
		mtasts_fail_rc(&c, MTASTS_R_TOO_LONG, mtasts_reason_name(MTASTS_R_TOO_LONG),
		    PEIL_ETOOBIG, 0, "record longer than MAX_MTASTS_RECORD_LEN");
		goto out;
	}
	if (!mtasts_version_at(buf, len, "v=STSv1", &p)) {
		mtasts_fail(&c, MTASTS_R_VERSION, 0, "does not start with v=STSv1");
		goto out;
	}
	if (!mtasts_txt_chars(buf, len, &bad)) {
		mtasts_fail(&c, MTASTS_R_BAD_CHAR, bad, "byte not printable ASCII");
		goto out;
	}
	if (mtasts_txt_fields(&c, p, mtasts_record_field, &st) < 0)
		goto out;
	if (!st.have_id)
		mtasts_fail(&c, MTASTS_R_NO_ID, len, "no id field");
out:
	rc = c.reason == 0 ? 0 : c.rc;
	if (rc != 0 && out != NULL)
		memset(out, 0, sizeof(*out));
	if (reason != NULL)
		*reason = (enum mtasts_reason)c.reason;
	return rc;
}

/* --- The policy file ------------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence of 2 to 4 bytes at b[p] (shortest form, no
 * surrogates, at most U+10FFFF), or 0. */
static size_t
mtasts_utf8_len(const uint8_t *b, size_t p, size_t e)
{
	uint8_t c0 = b[p], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c0 >= 0xc2 && c0 <= 0xdf)
		n = 2;
	else if (c0 >= 0xe0 && c0 <= 0xef)
		n = 3;
	else if (c0 >= 0xf0 && c0 <= 0xf4)
		n = 4;
	else
		return 0;
	if (e - p < n)
		return 0;
	if (c0 == 0xe0)
		lo = 0xa0;
	else if (c0 == 0xed)
		hi = 0x9f;
	else if (c0 == 0xf0)
		lo = 0x90;
	else if (c0 == 0xf4)
		hi = 0x8f;
	if (b[p + 1] < lo || b[p + 1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (b[p + i] < 0x80 || b[p + i] > 0xbf)
			return 0;
	return n;
}

/* Checks the bytes of a policy: no control bytes but tab, LF and a CR right before LF; UTF-8
 * well-formed. */
static int
mtasts_policy_chars(struct mtasts_ctx *c)
{
	const uint8_t *b = c->buf;
	size_t i, n;

	for (i = 0; i < c->len; i++) {
		if (b[i] >= 0x80) {
			if ((n = mtasts_utf8_len(b, i, c->len)) == 0)
				return mtasts_fail(c, MTASTS_R_BAD_CHAR, i, "malformed UTF-8");
			i += n - 1;
			continue;
		}
		if (b[i] == '\t' || b[i] == '\n')
			continue;
		if (b[i] == '\r' && i + 1 < c->len && b[i + 1] == '\n')
			continue;
		if (b[i] < 0x20 || b[i] == 0x7f)
			return mtasts_fail(c, MTASTS_R_BAD_CHAR, i, b[i] == '\r' ?
			    "CR not followed by LF" : "control byte");
	}
	return 0;
}

/* Is [s, e) a Domain of RFC 6531 (as RFC 8461's mx grammar says): labels of 1..63 bytes, each
 * an LDH label (letter or digit first and last) or a U-label (holds a byte >= 0x80; taken on
 * trust beyond well-formed UTF-8, checked before), total at most MAX_DOMAIN_LEN, no final
 * dot? */
static bool
mtasts_domain_ok(const uint8_t *b, size_t s, size_t e)
{
	size_t p, ls;
	bool utf8;

	if (s >= e || e - s > MAX_DOMAIN_LEN)
		return false;
	for (ls = s; ls < e; ls = p + 1) {
		utf8 = false;
		for (p = ls; p < e && b[p] != '.'; p++) {
			if (b[p] >= 0x80)
				utf8 = true;
			else if (!mtasts_is_alnum(b[p]) && b[p] != '-')
				return false;
		}
		if (p == ls || p - ls > 63)
			return false;
		if (!utf8 && (b[ls] == '-' || b[p - 1] == '-'))
			return false;
		if (p == e)
			return true;
		if (p + 1 == e)
			return false; /* final dot */
	}
	return false;
}

static int
mtasts_policy_mx(struct mtasts_ctx *c, size_t s, size_t e, struct mtasts_policy *pol)
{
	const uint8_t *b = c->buf;
	struct mtasts_mx *mx;
	bool wild = false;
	size_t i;

	if (e - s >= 2 && b[s] == '*' && b[s + 1] == '.') {
		wild = true;
		s += 2;
	}
	if (!mtasts_domain_ok(b, s, e))
		return mtasts_fail(c, MTASTS_R_BAD_MX, s, memchr(b + s, '*', e - s) != NULL ?
		    "'*' allowed only as the whole leftmost label" : "mx not a domain name");
	if (pol->nmx >= MAX_MTASTS_MX)
		return mtasts_fail_rc(c, MTASTS_R_TOO_MANY_MX,
		    mtasts_reason_name(MTASTS_R_TOO_MANY_MX), PEIL_ETOOBIG, s,
		    "more mx lines than MAX_MTASTS_MX");
	mx = &pol->mx[pol->nmx++];
	for (i = 0; i < e - s; i++)
		mx->name[i] = (char)ascii_lower(b[s + i]);
	mx->name[i] = '\0';
	mx->wildcard = wild;
	return 0;
}

/* max_age: 1*10DIGIT, at most MAX_MTASTS_MAX_AGE. */
static int
mtasts_policy_max_age(struct mtasts_ctx *c, size_t s, size_t e, uint32_t *out)
{
	uint64_t v = 0;
	size_t p;

	if (e - s < 1 || e - s > 10)
		return mtasts_fail(c, MTASTS_R_BAD_MAX_AGE, s, "max_age not 1 to 10 digits");
	for (p = s; p < e; p++) {
		if (!ascii_is_digit(c->buf[p]))
			return mtasts_fail(c, MTASTS_R_BAD_MAX_AGE, p, "max_age not a number");
		v = v * 10 + (uint64_t)(c->buf[p] - '0');
	}
	if (v > MAX_MTASTS_MAX_AGE)
		return mtasts_fail(c, MTASTS_R_BAD_MAX_AGE, s, "max_age above 31557600");
	*out = (uint32_t)v;
	return 0;
}

/* An extension value: vchar [*(SP / vchar) vchar] (UTF-8 allowed, checked before); the
 * trailing WSP is already cut, so only a tab inside or an empty value is wrong. */
static int
mtasts_policy_ext_value(struct mtasts_ctx *c, size_t s, size_t e)
{
	const void *tab;

	if (s >= e)
		return mtasts_fail(c, MTASTS_R_BAD_EXT, s, "empty extension value");
	if ((tab = memchr(c->buf + s, '\t', e - s)) != NULL)
		return mtasts_fail(c, MTASTS_R_BAD_EXT, (size_t)((const uint8_t *)tab - c->buf),
		    "tab inside an extension value");
	return 0;
}

enum mtasts_key { MTASTS_KEY_VERSION, MTASTS_KEY_MODE, MTASTS_KEY_MAX_AGE, MTASTS_KEY_MX,
	MTASTS_KEY_OTHER };

static enum mtasts_key
mtasts_key_of(const uint8_t *b, size_t s, size_t e)
{
	static const char *const keys[] = { "version", "mode", "max_age", "mx" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (e - s == strlen(keys[i]) && memcmp(b + s, keys[i], e - s) == 0)
			return (enum mtasts_key)i;
	return MTASTS_KEY_OTHER;
}

static bool
mtasts_word_exact(const uint8_t *b, size_t s, size_t e, const char *w)
{
	return e - s == strlen(w) && memcmp(b + s, w, e - s) == 0;
}

/* One non-blank line [s, e) (terminator cut): key ":" *WSP value *WSP. */
static int
mtasts_policy_line(struct mtasts_ctx *c, size_t s, size_t e, struct mtasts_policy *pol,
    unsigned *seen)
{
	const uint8_t *b = c->buf;
	size_t ke, vs, ve;
	enum mtasts_key key;
	bool ok;

	ke = mtasts_ext_name(b, s, e, &ok);
	if (ke == s || ke >= e || b[ke] != ':')
		return mtasts_fail(c, MTASTS_R_SYNTAX, s, "line not key: value");
	if (!ok)
		return mtasts_fail(c, MTASTS_R_BAD_EXT, s, "bad key name");
	vs = ascii_skip_wsp(b, ke + 1, e);
	for (ve = e; ve > vs && ascii_is_wsp(b[ve - 1]); ve--)
		;
	key = mtasts_key_of(b, s, ke);
	if (key != MTASTS_KEY_MX && key != MTASTS_KEY_OTHER) {
		if (*seen & (1u << key))
			return mtasts_fail(c, MTASTS_R_DUP_FIELD, s, "key given twice");
		*seen |= 1u << key;
	}
	switch (key) {
	case MTASTS_KEY_VERSION:
		if (!mtasts_word_exact(b, vs, ve, "STSv1"))
			return mtasts_fail(c, MTASTS_R_VERSION, vs, "version not STSv1");
		return 0;
	case MTASTS_KEY_MODE:
		if (mtasts_word_exact(b, vs, ve, "enforce"))
			pol->mode = MTASTS_MODE_ENFORCE;
		else if (mtasts_word_exact(b, vs, ve, "testing"))
			pol->mode = MTASTS_MODE_TESTING;
		else if (mtasts_word_exact(b, vs, ve, "none"))
			pol->mode = MTASTS_MODE_NONE;
		else
			return mtasts_fail(c, MTASTS_R_BAD_MODE, vs,
			    "mode not enforce, testing or none");
		return 0;
	case MTASTS_KEY_MAX_AGE:
		return mtasts_policy_max_age(c, vs, ve, &pol->max_age);
	case MTASTS_KEY_MX:
		return mtasts_policy_mx(c, vs, ve, pol);
	case MTASTS_KEY_OTHER:
		pol->nunknown++;
		return mtasts_policy_ext_value(c, vs, ve);
	}
	return 0;
}

int
mtasts_policy_parse(const uint8_t *buf, size_t len, struct mtasts_policy *out,
    enum mtasts_reason *reason, char *why, size_t whylen)
{
	struct mtasts_ctx c = { .buf = buf, .len = len, .why = why, .whylen = whylen };
	size_t s, e, le, nline = 0;
	unsigned seen = 0;
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out == NULL) {
		mtasts_fail(&c, MTASTS_R_SYNTAX, 0, "no output policy");
		goto out;
	}
	memset(out, 0, sizeof(*out));
	if (len > MAX_MTASTS_POLICY_BYTES) {
		mtasts_fail_rc(&c, MTASTS_R_TOO_LONG, mtasts_reason_name(MTASTS_R_TOO_LONG),
		    PEIL_ETOOBIG, 0, "policy longer than MAX_MTASTS_POLICY_BYTES");
		goto out;
	}
	if (buf == NULL && len > 0) {
		mtasts_fail(&c, MTASTS_R_SYNTAX, 0, "no input");
		goto out;
	}
	if (mtasts_policy_chars(&c) < 0)
		goto out;
	for (s = 0; s < len; s = e + 1) {
		for (e = s; e < len && buf[e] != '\n'; e++)
			;
		le = e;
		if (e < len) {
			if (le > s && buf[le - 1] == '\r') {
				le--;
				out->ncrlf++;
			} else {
				out->nlf++;
			}
		}
		if (ascii_skip_wsp(buf, s, le) == le) {
			out->nblank++;
			continue;
		}
		if (nline++ == 0 && le - s >= 8 && memcmp(buf + s, "version:", 8) == 0)
			out->version_first = true;
		if (mtasts_policy_line(&c, s, le, out, &seen) < 0)
			goto out;
	}
	if (!(seen & (1u << MTASTS_KEY_VERSION)))
		mtasts_fail(&c, MTASTS_R_NO_VERSION, len, "no version line");
	else if (!(seen & (1u << MTASTS_KEY_MODE)))
		mtasts_fail(&c, MTASTS_R_NO_MODE, len, "no mode line");
	else if (!(seen & (1u << MTASTS_KEY_MAX_AGE)))
		mtasts_fail(&c, MTASTS_R_NO_MAX_AGE, len, "no max_age line");
	else if (out->nmx == 0 && out->mode != MTASTS_MODE_NONE)
		mtasts_fail(&c, MTASTS_R_NO_MX, len, "no mx line while mode is not none");
out:
	rc = c.reason == 0 ? 0 : c.rc;
	if (rc != 0 && out != NULL)
		memset(out, 0, sizeof(*out));
	if (reason != NULL)
		*reason = (enum mtasts_reason)c.reason;
	return rc;
}

/* --- mx matching ----------------------------------------------------------------------- */

static bool
mtasts_name_eq(const char *a, size_t alen, const char *pat)
{
	size_t i;

	if (strlen(pat) != alen)
		return false;
	for (i = 0; i < alen; i++)
		if (ascii_lower((uint8_t)a[i]) != (uint8_t)pat[i])
			return false;
	return true;
}

bool
mtasts_mx_match(const struct mtasts_policy *p, const char *mx_host)
{
	size_t n, i, dot;

	if (p == NULL || mx_host == NULL)
		return false;
	n = strnlen(mx_host, MAX_DOMAIN_LEN + 2);
	if (n > 0 && mx_host[n - 1] == '.')
		n--;
	if (n == 0 || n > MAX_DOMAIN_LEN || memchr(mx_host, '*', n) != NULL)
		return false;
	for (dot = 0; dot < n && mx_host[dot] != '.'; dot++)
		;
	for (i = 0; i < p->nmx && i < MAX_MTASTS_MX; i++) {
		const struct mtasts_mx *mx = &p->mx[i];

		if (!mx->wildcard) {
			if (mtasts_name_eq(mx_host, n, mx->name))
				return true;
		} else if (dot > 0 && dot + 1 < n &&
		    mtasts_name_eq(mx_host + dot + 1, n - dot - 1, mx->name)) {
			return true;
		}
	}
	return false;
}

bool
mtasts_content_type_ok(const char *ct)
{
	static const char tp[] = "text/plain";
	size_t i;

	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	for (i = 0; i < sizeof(tp) - 1; i++)
		if (ascii_lower((uint8_t)ct[i]) != (uint8_t)tp[i])
			return false;
	ct += i;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/* --- The TLS-RPT record ---------------------------------------------------------------- */

/* Is [s, e) an LDH host name (labels 1..63, total <= MAX_DOMAIN_LEN, final dot cut)? */
static bool
tlsrpt_host_name(const uint8_t *b, size_t s, size_t e)
{
	size_t p, lab = 0;

	if (s >= e || e - s > MAX_DOMAIN_LEN)
		return false;
	for (p = s; p < e; p++) {
		if (b[p] == '.') {
			if (lab == 0 || b[p - 1] == '-')
				return false;
			lab = 0;
			continue;
		}
		if (!mtasts_is_alnum(b[p]) && b[p] != '-')
			return false;
		if (lab == 0 && b[p] == '-')
			return false;
		if (++lab > 63)
			return false;
	}
	return lab > 0 && b[e - 1] != '-';
}

/* Stores [s, e) as u->host, lower-cased; one final dot taken off. False if not a host name. */
static bool
tlsrpt_set_host(const uint8_t *b, size_t s, size_t e, struct tlsrpt_uri *u)
{
	size_t i;

	if (e > s + 1 && b[e - 1] == '.')
		e--;
	if (!tlsrpt_host_name(b, s, e))
		return false;
	for (i = 0; i < e - s; i++)
		u->host[i] = (char)ascii_lower(b[s + i]);
	u->host[i] = '\0';
	return true;
}

/* The https: authority after "//", [s, e) the rest of the URI: [userinfo "@"] host [":" port];
 * host a name, an IPv4 address or a bracketed IPv6 address. */
static bool
tlsrpt_https_host(const uint8_t *b, size_t s, size_t e, struct tlsrpt_uri *u)
{
	char lit[64];
	uint8_t addr[16];
	size_t ae, hs, he, p, i;

	for (ae = s; ae < e && b[ae] != '/' && b[ae] != '?' && b[ae] != '#'; ae++)
		;
	for (hs = ae; hs > s && b[hs - 1] != '@'; hs--)
		;
	if (hs < ae && b[hs] == '[') {
		for (he = hs; he < ae && b[he] != ']'; he++)
			;
		if (he >= ae || he - hs - 1 >= sizeof(lit) || he == hs + 1)
			return false;
		memcpy(lit, b + hs + 1, he - hs - 1);
		lit[he - hs - 1] = '\0';
		if (inet_pton(AF_INET6, lit, addr) != 1)
			return false;
		p = he + 1;
		for (i = 0; i < he - hs - 1; i++)
			u->host[i] = (char)ascii_lower((uint8_t)lit[i]);
		u->host[i] = '\0';
	} else {
		for (he = hs; he < ae && b[he] != ':'; he++)
			;
		p = he;
		if (he - hs < sizeof(lit) && he > hs) {
			memcpy(lit, b + hs, he - hs);
			lit[he - hs] = '\0';
			if (inet_pton(AF_INET, lit, addr) == 1) {
				memcpy(u->host, lit, he - hs + 1);
				goto port;
			}
		}
		if (!tlsrpt_set_host(b, hs, he, u))
			return false;
	}
port:
	if (p < ae) {
		if (b[p] != ':')
			return false;
		for (p++; p < ae; p++)
			if (!ascii_is_digit(b[p]))
				return false;
	}
	return true;
}

/* One tlsrpt-uri [s, e): an RFC 3986 URI with ',' and ';' percent-encoded. */
static int
tlsrpt_uri(struct mtasts_ctx *c, size_t s, size_t e, struct tlsrpt_uri *u)
{
	const uint8_t *b = c->buf;
	size_t colon, p, addr_end, at;

	if (s >= e)
		return tlsrpt_fail(c, TLSRPT_R_BAD_URI, s, "empty URI");
	if (e - s > MAX_TLSRPT_URI_LEN)
		return tlsrpt_fail_rc(c, TLSRPT_R_TOO_MANY_URIS, PEIL_ETOOBIG, s,
		    "URI longer than MAX_TLSRPT_URI_LEN");
	if (!ascii_is_alpha(b[s]))
		return tlsrpt_fail(c, TLSRPT_R_BAD_URI, s, "URI scheme must start with a letter");
	for (colon = s; colon < e && b[colon] != ':'; colon++)
		if (!mtasts_is_alnum(b[colon]) && b[colon] != '+' && b[colon] != '-' &&
		    b[colon] != '.')
			return tlsrpt_fail(c, TLSRPT_R_BAD_URI, colon, "bad character in URI scheme");
	if (colon >= e)
		return tlsrpt_fail(c, TLSRPT_R_BAD_URI, s, "URI without scheme");
	if (colon + 1 >= e)
		return tlsrpt_fail(c, TLSRPT_R_BAD_URI, s, "nothing after the URI scheme");
	for (p = colon + 1; p < e; p++) {
		uint8_t ch = b[p];

		if (ch == '%') {
			if (e - p < 3 || !ascii_is_hex(b[p + 1]) || !ascii_is_hex(b[p + 2]))
				return tlsrpt_fail(c, TLSRPT_R_BAD_URI, p,
				    "bad percent-encoding in URI");
			p += 2;
			continue;
		}
		if (mtasts_is_alnum(ch) || (ch != 0 && strchr("-._~:/?#[]@!$&'()*+=", ch)))
			continue;
		return tlsrpt_fail(c, TLSRPT_R_BAD_URI, p, "character not allowed in a URI");
	}
	memcpy(u->uri, b + s, e - s);
	u->uri[e - s] = '\0';
	u->scheme = TLSRPT_URI_OTHER;
	if (ascii_word_is(b, s, colon, "mailto")) {
		u->scheme = TLSRPT_URI_MAILTO;
		for (addr_end = colon + 1; addr_end < e && b[addr_end] != '?'; addr_end++)
			;
		for (at = addr_end; at > colon + 1 && b[at - 1] != '@'; at--)
			;
		if (at == colon + 1)
			return tlsrpt_fail(c, TLSRPT_R_BAD_URI, colon + 1,
			    "mailto: address without '@'");
		if (at - 1 == colon + 1)
			return tlsrpt_fail(c, TLSRPT_R_BAD_URI, at - 1,
			    "mailto: address with empty local part");
		if (!tlsrpt_set_host(b, at, addr_end, u))
			return tlsrpt_fail(c, TLSRPT_R_BAD_URI, at,
			    "mailto: domain not a host name");
	} else if (ascii_word_is(b, s, colon, "https")) {
		u->scheme = TLSRPT_URI_HTTPS;
		if (e - colon < 3 || b[colon + 1] != '/' || b[colon + 2] != '/')
			return tlsrpt_fail(c, TLSRPT_R_BAD_URI, colon + 1,
			    "https: URI without '//' authority");
		if (!tlsrpt_https_host(b, colon + 3, e, u))
			return tlsrpt_fail(c, TLSRPT_R_BAD_URI, colon + 3,
			    "https: host not a host name or address, or bad port");
	}
	return 0;
}

/* rua= tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri), from vs to the next ';' (or the end); the
 * ext-value walk does not apply, since URIs may hold '='. */
static int
tlsrpt_rua(struct mtasts_ctx *c, size_t vs, struct tlsrpt_record *r, size_t *end)
{
	const uint8_t *b = c->buf;
	size_t p = vs, us, e;

	for (e = vs; e < c->len && b[e] != ';'; e++)
		;
	while (e > vs && ascii_is_wsp(b[e - 1]))
		e--;
	*end = e;
	for (;;) {
		for (us = p; p < e && b[p] != ',' && !ascii_is_wsp(b[p]); p++)
			;
		if (r->nrua >= MAX_TLSRPT_RUA)
			return tlsrpt_fail_rc(c, TLSRPT_R_TOO_MANY_URIS, PEIL_ETOOBIG, us,
			    "more URIs than MAX_TLSRPT_RUA");
		if (tlsrpt_uri(c, us, p, &r->rua[r->nrua]) < 0)
			return -1;
		switch (r->rua[r->nrua].scheme) {
		case TLSRPT_URI_MAILTO: r->nmailto++; break;
		case TLSRPT_URI_HTTPS: r->nhttps++; break;
		case TLSRPT_URI_OTHER: r->nother++; break;
		}
		r->nrua++;
		p = ascii_skip_wsp(b, p, e);
		if (p >= e)
			return 0;
		if (b[p] != ',')
			return tlsrpt_fail(c, TLSRPT_R_BAD_URI, p, "URIs not separated by ','");
		p = ascii_skip_wsp(b, p + 1, e);
	}
}

int
tlsrpt_record_parse(const uint8_t *buf, size_t len, struct tlsrpt_record *out,
    enum tlsrpt_reason *reason, char *why, size_t whylen)
{
	struct mtasts_ctx c = { .buf = buf, .len = len, .why = why, .whylen = whylen };
	size_t p, bad, ns, ne, vs, ve;
	bool have_rua = false, ok;
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out == NULL) {
		tlsrpt_fail(&c, TLSRPT_R_SYNTAX, 0, "no output record");
		goto out;
	}
	memset(out, 0, sizeof(*out));
	if (len > MAX_TLSRPT_RECORD_LEN) {
		tlsrpt_fail_rc(&c, TLSRPT_R_TOO_LONG, PEIL_ETOOBIG, 0,
		    "record longer than MAX_TLSRPT_RECORD_LEN");
		goto out;
	}
	if (!mtasts_version_at(buf, len, "v=TLSRPTv1", &p)) {
		tlsrpt_fail(&c, TLSRPT_R_VERSION, 0, "does not start with v=TLSRPTv1");
		goto out;
	}
	if (!mtasts_txt_chars(buf, len, &bad)) {
		tlsrpt_fail(&c, TLSRPT_R_BAD_CHAR, bad, "byte not printable ASCII");
		goto out;
	}
	for (;;) {
		p = ascii_skip_wsp(buf, p, len);
		if (p >= len)
			break;
		if (buf[p] != ';') {
			tlsrpt_fail(&c, TLSRPT_R_SYNTAX, p, "expected ';' between fields");
			goto out;
		}
		p = ascii_skip_wsp(buf, p + 1, len);
		if (p >= len)
			break; /* a final ';' */
		ns = p;
		ne = mtasts_ext_name(buf, p, len, &ok);
		if (ne == ns || ne >= len || buf[ne] != '=') {
			tlsrpt_fail(&c, TLSRPT_R_SYNTAX, ns, "field not name=value");
			goto out;
		}
		if (!ok) {
			tlsrpt_fail(&c, TLSRPT_R_BAD_EXT, ns, "bad field name");
			goto out;
		}
		vs = ne + 1;
		if (ne - ns == 3 && memcmp(buf + ns, "rua", 3) == 0) {
			if (have_rua) {
				tlsrpt_fail(&c, TLSRPT_R_DUP_RUA, ns, "rua given twice");
				goto out;
			}
			have_rua = true;
			if (tlsrpt_rua(&c, vs, out, &p) < 0)
				goto out;
			continue;
		}
		if (ne - ns == 1 && buf[ns] == 'v') {
			tlsrpt_fail(&c, TLSRPT_R_SYNTAX, ns, "v given twice");
			goto out;
		}
		ve = mtasts_txt_value(buf, vs, len);
		if (ve == vs || (ve < len && !ascii_is_wsp(buf[ve]) && buf[ve] != ';')) {
			tlsrpt_fail(&c, TLSRPT_R_BAD_EXT, ve, "bad extension value");
			goto out;
		}
		out->next++;
		p = ve;
	}
	if (!have_rua)
		tlsrpt_fail(&c, TLSRPT_R_NO_RUA, len, "no rua field");
	else if (out->nmailto + out->nhttps == 0)
		tlsrpt_fail(&c, TLSRPT_R_NO_USABLE_URI, len, "no mailto: or https: URI in rua");
out:
	rc = c.reason == 0 ? 0 : c.rc;
	if (rc != 0 && out != NULL)
		memset(out, 0, sizeof(*out));
	if (reason != NULL)
		*reason = (enum tlsrpt_reason)c.reason;
	return rc;
}

/* Copies domain, lower-cased and without one final dot, into host after "mta-sts.", if it is
 * an LDH host name whose mta-sts name fits MAX_DOMAIN_LEN. */
bool
mtasts_policy_host(const char *domain, char *host, size_t hostlen)
{
	size_t n = strnlen(domain, MAX_DOMAIN_LEN + 2), i;

	if (n > 0 && domain[n - 1] == '.')
		n--;
	if (n + 8 > MAX_DOMAIN_LEN || n + 9 > hostlen ||
	    !tlsrpt_host_name((const uint8_t *)domain, 0, n))
		return false;
	memcpy(host, "mta-sts.", 8);
	for (i = 0; i < n; i++)
		host[8 + i] = (char)ascii_lower((uint8_t)domain[i]);
	host[8 + n] = '\0';
	return true;
}
