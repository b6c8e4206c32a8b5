/* hsts.c: Strict-Transport-Security value parser (RFC 6797 6.1). */
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "err.h"
#include "hsts.h"
#include "limits.h"

static const char *const hsts_reason_names[] = {
	"ok", "too-long", "too-many-directives", "bad-char", "syntax", "duplicate-directive",
	"no-max-age", "bad-max-age", "value-not-allowed",
};

const char *
hsts_reason_name(enum hsts_reason r)
{
	if ((size_t)r >= sizeof(hsts_reason_names) / sizeof(hsts_reason_names[0]))
		return "?";
	return hsts_reason_names[r];
}

/* RFC 7230 3.2.6 tchar. */
static bool
hsts_tchar(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

struct hsts_ctx {
	const uint8_t *buf;
	size_t len, i;
	enum hsts_reason reason;
	char *why;
	size_t whylen;
};

static int
hsts_fail(struct hsts_ctx *c, enum hsts_reason r, const char *what, size_t off)
{
	c->reason = r;
	if (c->why != NULL && c->whylen > 0)
		snprintf(c->why, c->whylen, "%s: %s (offset %zu)", hsts_reason_name(r), what, off);
	return r == HSTS_R_TOO_LONG || r == HSTS_R_TOO_MANY ? PEIL_ETOOBIG : PEIL_EINVAL;
}

static void
hsts_ows(struct hsts_ctx *c)
{
	while (c->i < c->len && (c->buf[c->i] == ' ' || c->buf[c->i] == '\t'))
		c->i++;
}

/* A value: token or quoted-string (RFC 7230 3.2.6, quoted-pair allowed). Writes the unquoted
 * bytes (truncated) to val; *vlen is the full unquoted length. */
static int
hsts_value(struct hsts_ctx *c, char *val, size_t valcap, size_t *vlen)
{
	size_t n = 0, start = c->i;

	if (c->i < c->len && c->buf[c->i] == '"') {
		c->i++;
		for (;;) {
			uint8_t ch;

			if (c->i >= c->len)
				return hsts_fail(c, HSTS_R_SYNTAX, "unterminated quoted-string", start);
			ch = c->buf[c->i++];
			if (ch == '"')
				break;
			if (ch == '\\') {
				if (c->i >= c->len)
					return hsts_fail(c, HSTS_R_SYNTAX, "unterminated quoted-pair",
					    c->i - 1);
				ch = c->buf[c->i++];
			}
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return hsts_fail(c, HSTS_R_BAD_CHAR, "control byte in quoted-string",
				    c->i - 1);
			if (n < valcap)
				val[n] = (char)ch;
			n++;
		}
	} else {
		while (c->i < c->len && hsts_tchar(c->buf[c->i])) {
			if (n < valcap)
				val[n] = (char)c->buf[c->i];
			n++;
			c->i++;
		}
		if (n == 0)
			return hsts_fail(c, HSTS_R_SYNTAX, "empty value after '='", start);
	}
	val[n < valcap ? n : valcap] = '\0';
	*vlen = n;
	return 0;
}

/* delta-seconds = 1*DIGIT; larger than MAX_HSTS_MAX_AGE: capped and flagged. */
static int
hsts_max_age(struct hsts_ctx *c, struct hsts *out, const char *val, size_t vlen, size_t off,
    size_t end)
{
	size_t k;
	uint64_t v = 0;

	if (vlen == 0)
		return hsts_fail(c, HSTS_R_BAD_MAX_AGE, "max-age empty", off);
	if (vlen > MAX_HSTS_MAX_AGE_TEXT)
		out->max_age_capped = true; /* more digits than we keep: certainly above the cap */
	for (k = 0; k < vlen && k < MAX_HSTS_MAX_AGE_TEXT; k++) {
		if (val[k] < '0' || val[k] > '9')
			return hsts_fail(c, HSTS_R_BAD_MAX_AGE, "max-age not delta-seconds", off);
		if (v <= MAX_HSTS_MAX_AGE)
			v = v * 10 + (uint64_t)(val[k] - '0');
	}
	if (vlen > MAX_HSTS_MAX_AGE_TEXT) {
		/* the rest was not copied: the parser checked it as a token or quoted-string only */
		const uint8_t *p = c->buf + off;
		size_t m = end - off;

		for (k = 0; k < m; k++)
			if (p[k] != '"' && (p[k] < '0' || p[k] > '9'))
				return hsts_fail(c, HSTS_R_BAD_MAX_AGE, "max-age not delta-seconds",
				    off);
	}
	if (v > MAX_HSTS_MAX_AGE || out->max_age_capped) {
		v = MAX_HSTS_MAX_AGE;
		out->max_age_capped = true;
	}
	out->max_age = v;
	return 0;
}

int
hsts_parse(const uint8_t *buf, size_t len, struct hsts *out, enum hsts_reason *reason,
    char *why, size_t whylen)
{
	struct hsts_ctx c = { buf, len, 0, HSTS_R_OK, why, whylen };
	bool seen_ma = false, seen_isd = false;
	size_t ndir = 0, k;
	int rc = 0;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out == NULL || (buf == NULL && len > 0)) {
		rc = PEIL_EINVAL;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	if (len > MAX_HSTS_HEADER_LEN) {
		rc = hsts_fail(&c, HSTS_R_TOO_LONG, "value too long", MAX_HSTS_HEADER_LEN);
		goto out;
	}
	for (k = 0; k < len; k++) {
		if (buf[k] == '"') { /* skip quoted-strings: they are checked by hsts_value */
			for (k++; k < len && buf[k] != '"'; k++)
				if (buf[k] == '\\')
					k++;
			continue;
		}
		if ((buf[k] < 0x20 && buf[k] != '\t') || buf[k] >= 0x7f) {
			rc = hsts_fail(&c, HSTS_R_BAD_CHAR, "control or non-ASCII byte", k);
			goto out;
		}
	}
	/* [ directive ] *( ";" [ directive ] ) */
	for (;;) {
		size_t ns, nl, voff, vend = 0;
		char val[MAX_HSTS_MAX_AGE_TEXT + 1];
		size_t vlen = 0;
		bool hasval = false;

		hsts_ows(&c);
		ns = c.i;
		while (c.i < len && hsts_tchar(buf[c.i]))
			c.i++;
		nl = c.i - ns;
		hsts_ows(&c);
		voff = c.i;
		if (nl > 0) {
			if (c.i < len && buf[c.i] == '=') {
				c.i++;
				hsts_ows(&c);
				voff = c.i;
				rc = hsts_value(&c, val, MAX_HSTS_MAX_AGE_TEXT, &vlen);
				if (rc != 0)
					goto out;
				vend = c.i;
				hasval = true;
				hsts_ows(&c);
			}
			if (bytes_ieq(buf + ns, nl, "max-age")) {
				if (seen_ma) {
					rc = hsts_fail(&c, HSTS_R_DUPLICATE, "max-age twice", ns);
					goto out;
				}
				seen_ma = true;
				if (!hasval) {
					rc = hsts_fail(&c, HSTS_R_BAD_MAX_AGE, "max-age without value", ns);
					goto out;
				}
				memcpy(out->max_age_text, val, (vlen < MAX_HSTS_MAX_AGE_TEXT ? vlen :
				    MAX_HSTS_MAX_AGE_TEXT) + 1);
				rc = hsts_max_age(&c, out, val, vlen, voff, vend);
				if (rc != 0)
					goto out;
			} else if (bytes_ieq(buf + ns, nl, "includesubdomains")) {
				if (seen_isd) {
					rc = hsts_fail(&c, HSTS_R_DUPLICATE, "includeSubDomains twice", ns);
					goto out;
				}
				seen_isd = true;
				if (hasval) {
					rc = hsts_fail(&c, HSTS_R_VALUE_NOT_ALLOWED,
					    "includeSubDomains has a value", ns);
					goto out;
				}
				out->include_subdomains = true;
			} else if (bytes_ieq(buf + ns, nl, "preload")) {
				/* not an RFC 6797 directive: rule 5 ignores it, repeated too */
				out->preload = true;
			} else {
				out->nunknown++;
			}
			out->ndirectives++;
		}
		if (c.i >= len)
			break;
		if (buf[c.i] != ';') {
			rc = hsts_fail(&c, HSTS_R_SYNTAX, nl == 0 ? "not a directive name" :
			    "expected ';'", c.i);
			goto out;
		}
		c.i++;
		if (++ndir >= MAX_HSTS_DIRECTIVES) { /* empty directives count too: bounded work */
			rc = hsts_fail(&c, HSTS_R_TOO_MANY, "too many directives", c.i - 1);
			goto out;
		}
	}
	if (!seen_ma)
		rc = hsts_fail(&c, HSTS_R_NO_MAX_AGE, "max-age missing", len);
out:
	if (rc != 0 && out != NULL)
		memset(out, 0, sizeof(*out));
	if (reason != NULL)
		*reason = rc != 0 && c.reason == HSTS_R_OK ? HSTS_R_SYNTAX : c.reason;
	return rc;
}
