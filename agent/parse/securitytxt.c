/* securitytxt.c: security.txt parser (RFC 9116) with PGP cleartext framing (RFC 4880 7). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "securitytxt.h"

static const char *const sectxt_field_names[] = {
	"contact", "expires", "encryption", "acknowledgments", "preferred-languages",
	"canonical", "policy", "hiring", "csaf",
};

static const char *const sectxt_err_names[] = {
	"ok", "syntax", "no-contact", "no-expires", "duplicate-expires", "bad-expires", "expired",
	"duplicate-preferred-languages", "bad-uri", "insecure-uri", "empty-value", "pgp-framing",
	"no-space", "bad-preferred-languages",
};

const char *
sectxt_field_name(enum sectxt_field_id f)
{
	if ((size_t)f >= SECTXT_F_COUNT)
		return "?";
	return sectxt_field_names[f];
}

const char *
sectxt_err_name(enum sectxt_err e)
{
	if ((size_t)e >= sizeof(sectxt_err_names) / sizeof(sectxt_err_names[0]))
		return "?";
	return sectxt_err_names[e];
}

const char *
sectxt_canon_name(enum sectxt_canon c)
{
	switch (c) {
	case SECTXT_CANON_NONE:     return "none";
	case SECTXT_CANON_MATCH:    return "match";
	case SECTXT_CANON_NO_MATCH: return "no-match";
	case SECTXT_CANON_UNKNOWN:  return "unknown";
	}
	return "?";
}

static void
sectxt_error(struct sectxt *s, size_t line, enum sectxt_err e)
{
	if (s->nkept_errors < MAX_SECTXT_ERRORS) {
		s->errors[s->nkept_errors].line = line;
		s->errors[s->nkept_errors].code = e;
		s->nkept_errors++;
	}
	s->nerrors++;
}

/* Returns the offset of the first byte of an invalid UTF-8 sequence (RFC 3629 4: no overlong
 * forms, no surrogates, at most U+10FFFF) or of a NUL, or len. */
static size_t
sectxt_utf8_bad(const uint8_t *b, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = b[i];
		size_t need, k;
		uint8_t lo = 0x80, hi = 0xbf;

		if (c == 0)
			return i;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return i;
		if (len - i <= need)
			return i;
		for (k = 1; k <= need; k++) {
			uint8_t d = b[i + k];

			if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xbf))
				return i;
		}
		i += need + 1;
	}
	return len;
}

static int
sectxt_digits(const char *s, size_t n)
{
	int v = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
sectxt_days(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool
sectxt_datetime(const char *s, size_t n, time_t *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0, dim;
	size_t i;
	long long v;

	/* full-date "T" partial-time time-offset: YYYY-MM-DDTHH:MM:SS[.f+](Z|+HH:MM|-HH:MM) */
	if (s == NULL || n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return false;
	y = sectxt_digits(s, 4);
	mo = sectxt_digits(s + 5, 2);
	d = sectxt_digits(s + 8, 2);
	h = sectxt_digits(s + 11, 2);
	mi = sectxt_digits(s + 14, 2);
	se = sectxt_digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    se < 0 || se > 60)
		return false;
	dim = mdays[mo - 1];
	if (mo == 2 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 28;
	if (d > dim)
		return false;
	i = 19;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return false;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z'))
		i++;
	else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (n - i < 6 || s[i + 3] != ':')
			return false;
		oh = sectxt_digits(s + i + 1, 2);
		om = sectxt_digits(s + i + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return false;
		i += 6;
	} else
		return false;
	if (i != n)
		return false;
	v = sectxt_days(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + se -
	    sign * (oh * 3600LL + om * 60LL);
	if ((long long)(time_t)v != v)
		return false;
	*t = (time_t)v;
	return true;
}

/* now plus one calendar year (RFC 9116 2.5.5 "less than a year into the future"; sectxt's
 * now.replace(year=now.year + 1)): the same date and time a year on, a 29 February giving
 * 1 March. */
static long long
sectxt_year_later(time_t now)
{
	long long t = (long long)now, days = t / 86400, secs = t % 86400, z, era, doe, yoe, y, doy,
	    mp, d, m;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* civil date of `days` since 1970-01-01 (the inverse of sectxt_days) */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	return sectxt_days(y + 1, (int)m, (int)d) * 86400LL + secs;
}

/* A URI as RFC 3986 3.1 starts it: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" rest, with no
 * space or control byte anywhere. */
static bool
sectxt_uri(const uint8_t *p, size_t n)
{
	size_t k = 0;

	if (n == 0 || !((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z'))
		return false;
	while (k < n && (((p[k] | 0x20) >= 'a' && (p[k] | 0x20) <= 'z') ||
	    (p[k] >= '0' && p[k] <= '9') || p[k] == '+' || p[k] == '-' || p[k] == '.'))
		k++;
	if (k >= n || p[k] != ':' || k + 1 >= n)
		return false;
	for (; k < n; k++)
		if (p[k] <= 0x20 || p[k] == 0x7f)
			return false;
	return true;
}

static bool
sectxt_alpha(uint8_t c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool
sectxt_alnum(uint8_t c)
{
	return sectxt_alpha(c) || (c >= '0' && c <= '9');
}

/* The kind of one subtag: its length and whether it is all letters, all digits, or mixed. */
struct sectxt_subtag {
	size_t n;
	bool alpha, digit, alnum;
};

bool
sectxt_langtag(const uint8_t *p, size_t n)
{
	/* RFC 5646 2.1: the subtags in order; state: 0 language, 1 extlang (up to 3), 2 script,
	 * 3 region, 4 variant, 5 extension, 6 private use */
	size_t i = 0, nsub = 0, next = 0;
	int state = 0;
	bool ext_open = false;      /* a singleton waits for its first 2*8 subtag */

	if (n == 0)
		return false;
	while (i <= n) {
		struct sectxt_subtag t = { 0 };
		size_t s = i;

		while (i < n && p[i] != '-')
			i++;
		t.n = i - s;
		if (t.n == 0 || t.n > 8)
			return false;
		t.alpha = t.digit = t.alnum = true;
		for (size_t k = s; k < i; k++) {
			t.alpha &= sectxt_alpha(p[k]);
			t.digit &= p[k] >= '0' && p[k] <= '9';
			t.alnum &= sectxt_alnum(p[k]);
		}
		if (!t.alnum)
			return false;
		i++;            /* past the '-' (or one past the end) */
		if (nsub++ == 0) {
			if (t.n == 1 && (p[s] | 0x20) == 'x') {
				state = 6;
				next = 0;
				continue;
			}
			if (!t.alpha || t.n < 2)
				return false;
			state = t.n <= 3 ? 1 : 2;
			continue;
		}
		if (state == 6) {
			next++;
			continue;
		}
		if (ext_open) {
			if (t.n < 2)
				return false;
			ext_open = false;
			continue;
		}
		if (t.n == 1) {
			if ((p[s] | 0x20) == 'x') {
				state = 6;
				next = 0;
				continue;
			}
			state = 5;
			ext_open = true;
			continue;
		}
		if (state == 5)
			continue;       /* another 2*8 subtag of the extension */
		if (state == 1 && t.n == 3 && t.alpha && next < 3) {
			next++;         /* extlang */
			continue;
		}
		if (state <= 2 && t.n == 4 && t.alpha) {
			state = 3;      /* script */
			continue;
		}
		if (state <= 3 && ((t.n == 2 && t.alpha) || (t.n == 3 && t.digit))) {
			state = 4;      /* region */
			continue;
		}
		if ((t.n >= 5) || (t.n == 4 && p[s] >= '0' && p[s] <= '9')) {
			state = 4;      /* variant */
			continue;
		}
		return false;
	}
	/* a singleton or "x" must be followed by a subtag */
	return !ext_open && !(state == 6 && next == 0);
}

enum sectxt_canon
sectxt_canonical(const struct sectxt *s, const char *url)
{
	const struct sectxt_field *f = &s->fields[SECTXT_F_CANONICAL];
	const char *sep = strstr(url, "://");
	size_t ulen = strlen(url), head;

	if (f->n == 0)
		return SECTXT_CANON_NONE;
	/* the scheme and the authority compare case-insensitively, the rest as written */
	head = sep == NULL ? 0 : (size_t)(sep - url) + 3 + strcspn(sep + 3, "/?#");
	for (size_t i = 0; i < f->nkept; i++) {
		const char *v = f->values[i];

		if (strlen(v) == ulen && strncasecmp(v, url, head) == 0 &&
		    strcmp(v + head, url + head) == 0)
			return SECTXT_CANON_MATCH;
	}
	return f->n > f->nkept ? SECTXT_CANON_UNKNOWN : SECTXT_CANON_NO_MATCH;
}

/* Preferred-Languages (2.5.8): comma-separated language tags, blanks around each ignored. */
static void
sectxt_langs(struct sectxt *s, const uint8_t *p, size_t n, size_t line)
{
	size_t i = 0, a, len;

	while (list_next(p, n, &i, &a, &len))
		if (!sectxt_langtag(p + a, len)) {
			sectxt_error(s, line, SECTXT_E_BAD_LANG);
			return;
		}
}

/* One body line (dash-escaping removed): a field, a comment or blank. */
static void
sectxt_line(struct sectxt *s, const uint8_t *p, size_t n, size_t line, time_t now)
{
	size_t c, vs, ve, k;
	int f = -1;
	struct sectxt_field *fl;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	if (p[0] == '#') {
		s->ncomments++;
		return;
	}
	/* field-name = 1*( %x21-39 / %x3B-7E ) (RFC 5322 3.6.8) */
	for (c = 0; c < n && p[c] != ':'; c++)
		if (p[c] <= 0x20 || p[c] >= 0x7f) {
			sectxt_error(s, line, SECTXT_E_SYNTAX);
			return;
		}
	if (c == 0 || c == n) {
		sectxt_error(s, line, SECTXT_E_SYNTAX);
		return;
	}
	/* sectxt: a value must follow ": " (a tab or nothing but the value is an error) */
	if (c + 1 < n && p[c + 1] != ' ')
		sectxt_error(s, line, SECTXT_E_NO_SPACE);
	for (k = 0; k < SECTXT_F_COUNT; k++)
		if (bytes_ieq(p, c, sectxt_field_names[k]))
			f = (int)k;
	if (f < 0) {
		s->nunknown++;
		return;
	}
	vs = c + 1;
	while (vs < n && (p[vs] == ' ' || p[vs] == '\t'))
		vs++;
	ve = n;
	fl = &s->fields[f];
	if (fl->nkept < MAX_SECTXT_VALUES) {
		size_t m = ve - vs < MAX_SECTXT_VALUE_LEN ? ve - vs : MAX_SECTXT_VALUE_LEN;

		memcpy(fl->values[fl->nkept], p + vs, m);
		fl->values[fl->nkept][m] = '\0';
		fl->lines[fl->nkept] = line;
		fl->nkept++;
	}
	fl->n++;
	if (vs == ve) {
		sectxt_error(s, line, SECTXT_E_EMPTY_VALUE);
		return;
	}
	switch (f) {
	case SECTXT_F_EXPIRES:
		if (fl->n > 1) {
			sectxt_error(s, line, SECTXT_E_DUP_EXPIRES);
			return;
		}
		if (!sectxt_datetime((const char *)p + vs, ve - vs, &s->expires)) {
			sectxt_error(s, line, SECTXT_E_BAD_EXPIRES);
			return;
		}
		s->expires_ok = true;
		if (s->expires < now) {
			s->expired = true;
			sectxt_error(s, line, SECTXT_E_EXPIRED);
		} else if ((long long)s->expires > sectxt_year_later(now))
			s->expires_far = true;
		return;
	case SECTXT_F_PREFERRED_LANGUAGES:
		if (fl->n > 1)
			sectxt_error(s, line, SECTXT_E_DUP_PREF_LANG);
		sectxt_langs(s, p + vs, ve - vs, line);
		return;
	default:
		break;
	}
	/* 2.5: a web URI "MUST begin with https://": an http URI however written does not
	 * (sectxt: scheme "http", no_https); an https URI needs "//" (RFC 9110 4.2.2) */
	if (!sectxt_uri(p + vs, ve - vs))
		sectxt_error(s, line, SECTXT_E_BAD_URI);
	else if (ve - vs >= 5 && bytes_ieq(p + vs, 5, "http:"))
		sectxt_error(s, line, SECTXT_E_INSECURE_URI);
	else if (ve - vs >= 6 && bytes_ieq(p + vs, 6, "https:") &&
	    !(ve - vs >= 8 && p[vs + 6] == '/' && p[vs + 7] == '/'))
		sectxt_error(s, line, SECTXT_E_BAD_URI);
}

static bool
sectxt_is(const uint8_t *p, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(p, lit, n) == 0;
}

enum sectxt_pgp { PGP_NONE, PGP_HEADERS, PGP_BODY, PGP_SIG, PGP_AFTER };

int
sectxt_parse(const uint8_t *buf, size_t len, time_t now, struct sectxt *out, char *why,
    size_t whylen)
{
	size_t i = 0, line = 0, bad, k;
	enum sectxt_pgp st = PGP_NONE;
	int rc = 0;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out == NULL || (buf == NULL && len > 0)) {
		rc = PEIL_EINVAL;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	if (len > MAX_SECTXT_BYTES) {
		rc = PEIL_ETOOBIG;
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "too-long: over %d bytes", MAX_SECTXT_BYTES);
		goto out;
	}
	bad = sectxt_utf8_bad(buf, len);
	if (bad < len) {
		size_t ln = 1;

		for (k = 0; k < bad; k++)
			ln += buf[k] == '\n';
		rc = PEIL_EINVAL;
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "%s: line %zu (offset %zu)",
			    buf[bad] == 0 ? "nul-byte" : "bad-utf8", ln, bad);
		goto out;
	}
	while (i < len) {
		size_t s = i, e;
		const uint8_t *p;
		size_t n, tn;

		while (i < len && buf[i] != '\n')
			i++;
		e = i;
		if (i < len)
			i++;
		line++;
		if (e > s && buf[e - 1] == '\r') {
			e--;
			out->ncrlf++;
		}
		p = buf + s;
		n = e - s;
		/* RFC 4880 6.2: an armor line may be followed by whitespace, and a line of
		 * whitespace only is blank; the framing compares lines without it */
		for (tn = n; tn > 0 && (p[tn - 1] == ' ' || p[tn - 1] == '\t'); tn--)
			;
		switch (st) {
		case PGP_NONE:
			if (sectxt_is(p, tn, "-----BEGIN PGP SIGNED MESSAGE-----")) {
				/* RFC 9116 2.3: a signed file starts with this line; text before
				 * it breaks the framing (sectxt: signed_format_issue), the rest
				 * is still read as a signed message */
				if (line != 1)
					sectxt_error(out, line, SECTXT_E_PGP_FRAMING);
				out->signed_msg = true;
				st = PGP_HEADERS;
				continue;
			}
			break;
		case PGP_HEADERS:
			/* RFC 4880 7: "Hash:" armor headers (which may be left out: RFC 4880 for
			 * MD5, RFC 9580 7.1 "zero or more"; sectxt asks for none), then an empty
			 * line */
			if (tn == 0)
				st = PGP_BODY;
			else if (!(tn > 6 && memcmp(p, "Hash: ", 6) == 0))
				sectxt_error(out, line, SECTXT_E_PGP_FRAMING);
			continue;
		case PGP_BODY:
			if (sectxt_is(p, tn, "-----BEGIN PGP SIGNATURE-----")) {
				st = PGP_SIG;
				continue;
			}
			if (n > 0 && p[0] == '-') {
				/* RFC 4880 7.1: dash-escaped lines start "- " */
				if (n >= 2 && p[1] == ' ') {
					p += 2;
					n -= 2;
				} else {
					sectxt_error(out, line, SECTXT_E_PGP_FRAMING);
					continue;
				}
			}
			break;
		case PGP_SIG:
			if (sectxt_is(p, tn, "-----END PGP SIGNATURE-----"))
				st = PGP_AFTER;
			continue;
		case PGP_AFTER:
			if (tn > 0) {
				sectxt_error(out, line, SECTXT_E_PGP_FRAMING);
			}
			continue;
		}
		sectxt_line(out, p, n, line, now);
	}
	out->nlines = line;
	if (out->signed_msg && st != PGP_AFTER)
		sectxt_error(out, line, SECTXT_E_PGP_FRAMING);
	if (out->fields[SECTXT_F_CONTACT].n == 0)
		sectxt_error(out, 0, SECTXT_E_NO_CONTACT);
	if (out->fields[SECTXT_F_EXPIRES].n == 0)
		sectxt_error(out, 0, SECTXT_E_NO_EXPIRES);
	out->valid = out->nerrors == 0;
out:
	if (rc != 0 && out != NULL)
		memset(out, 0, sizeof(*out));
	return rc;
}
