/* caa.c: CAA RDATA parser and property value checks (RFC 8659, RFC 8657, RFC 9495) and
 * internet.nl's verdict on a set. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "caa.h"
#include "err.h"
#include "limits.h"

static const char *const caa_tag_names[] = {
	"issue", "issuewild", "iodef", "issuevmc", "issuemail", "contactemail", "contactphone",
	"reserved", "unknown",
};

static const char *const caa_problem_names[] = {
	"ok", "malformed", "flags-reserved", "tag-syntax", "tag-reserved", "tag-unknown",
	"tag-unknown-critical", "issue-syntax", "issue-validationmethods", "iodef", "contactemail",
	"contactphone",
};

const char *
caa_tag_name(enum caa_tag t)
{
	if ((size_t)t >= sizeof(caa_tag_names) / sizeof(caa_tag_names[0]))
		return "unknown";
	return caa_tag_names[t];
}

const char *
caa_problem_name(enum caa_problem p)
{
	if ((size_t)p >= sizeof(caa_problem_names) / sizeof(caa_problem_names[0]))
		return "?";
	return caa_problem_names[p];
}

const char *
caa_inl_name(enum caa_inl v)
{
	switch (v) {
	case CAA_INL_GOOD: return "good";
	case CAA_INL_NONE: return "none";
	case CAA_INL_BAD: break;
	}
	return "bad";
}

static bool
caa_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
caa_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool
caa_wsp(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* A value check: the first fault's offset in *off and a detail in *what. */
struct caa_val {
	const uint8_t *p;
	size_t n;
	size_t off;
	const char *what;
};

static bool
caa_val_fail(struct caa_val *v, size_t off, const char *what)
{
	v->off = off;
	v->what = what;
	return false;
}

/* label = (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT) ) (4.2, also the parameter tag): advances
 * *i past it; false if none starts at *i or it ends in '-'. */
static bool
caa_label(const uint8_t *p, size_t n, size_t *i)
{
	size_t k = *i;

	if (k >= n || !caa_alnum(p[k]))
		return false;
	while (k < n && (caa_alnum(p[k]) || p[k] == '-'))
		k++;
	while (p[k - 1] == '-') /* the hyphens belong to no label: leave them unconsumed */
		k--;
	*i = k;
	return true;
}

static void
caa_skip_wsp(const uint8_t *p, size_t n, size_t *i)
{
	while (*i < n && caa_wsp(p[*i]))
		(*i)++;
}

/* RFC 8657 4: validationmethods = [*(label ",") label], label = 1*(ALPHA / DIGIT / "-"), each
 * an IANA ACME validation method or "ca-" prefixed. */
static bool
caa_methods(struct caa_val *v, size_t s, size_t e)
{
	static const char *const acme[] = {
		"http-01", "dns-01", "tls-alpn-01", "email-reply-00", "tkauth-01",
	};
	size_t i = s;

	if (s == e)
		return true;
	for (;;) {
		size_t ls = i, k;
		bool known = false;

		while (i < e && (caa_alnum(v->p[i]) || v->p[i] == '-'))
			i++;
		if (i == ls)
			return caa_val_fail(v, i, "validationmethods: empty or bad method");
		for (k = 0; k < sizeof(acme) / sizeof(acme[0]); k++)
			if (strlen(acme[k]) == i - ls && memcmp(acme[k], v->p + ls, i - ls) == 0)
				known = true;
		if (!known && !(i - ls >= 3 && memcmp(v->p + ls, "ca-", 3) == 0))
			return caa_val_fail(v, ls, "validationmethods: method not ACME's nor ca-*");
		if (i == e)
			return true;
		if (v->p[i] != ',')
			return caa_val_fail(v, i, "validationmethods: bad method");
		i++;
	}
}

/* RFC 8659 4.2 issue-value (also issuewild, issuevmc, RFC 9495 issuemail):
 *   *WSP [issuer-domain-name *WSP] [";" *WSP [parameters *WSP]]
 *   parameters = (parameter *WSP ";" *WSP parameters) / parameter
 *   parameter = tag *WSP "=" *WSP value;  value = *(%x21-3A / %x3C-7E) */
static bool
caa_issue(struct caa_val *v, struct caa_rr *out, bool methods)
{
	const uint8_t *p = v->p;
	size_t n = v->n, i = 0, ds, vm_s = 0, vm_e = 0;
	bool vm = false;

	caa_skip_wsp(p, n, &i);
	ds = i;
	if (caa_label(p, n, &i)) {
		while (i + 1 < n && p[i] == '.' && caa_alnum(p[i + 1])) {
			i++;
			(void)caa_label(p, n, &i);
		}
		if (i - ds > MAX_CAA_ISSUER_LEN)
			return caa_val_fail(v, ds, "issuer-domain-name longer than a domain name");
		memcpy(out->issuer, p + ds, i - ds);
		out->issuer[i - ds] = '\0';
		caa_skip_wsp(p, n, &i);
	}
	out->issue_none = out->issuer[0] == '\0';
	if (i == n)
		return true;
	if (p[i] != ';')
		return caa_val_fail(v, i, out->issue_none ? "not an issuer-domain-name" :
		    "expected ';' after the issuer-domain-name");
	i++;
	caa_skip_wsp(p, n, &i);
	if (i == n)
		return true;
	for (;;) {
		size_t ts = i, te, vs;

		if (!caa_label(p, n, &i))
			return caa_val_fail(v, i, "parameter tag expected");
		te = i;
		caa_skip_wsp(p, n, &i);
		if (i == n || p[i] != '=')
			return caa_val_fail(v, i, "expected '=' after a parameter tag");
		i++;
		caa_skip_wsp(p, n, &i);
		vs = i;
		while (i < n && p[i] >= 0x21 && p[i] <= 0x7e && p[i] != ';')
			i++;
		out->nparams++;
		/* internet.nl keeps the parameters in a dict: the last validationmethods counts */
		if (te - ts == 17 && memcmp(p + ts, "validationmethods", 17) == 0) {
			vm = true;
			vm_s = vs;
			vm_e = i;
		}
		caa_skip_wsp(p, n, &i);
		if (i == n)
			break;
		if (p[i] != ';')
			return caa_val_fail(v, i, "bad byte in a parameter value");
		i++;
		caa_skip_wsp(p, n, &i);
		/* parameters after ';' are not optional: "a=b;" is not issue-value */
	}
	if (vm && methods && !caa_methods(v, vm_s, vm_e))
		return false;
	return true;
}

/* internet.nl's validate_email: at most MAX_CAA_EMAIL_LEN bytes, ^[^@]+@[^@]+$. */
static bool
caa_email(const uint8_t *p, size_t n)
{
	size_t at = n, k, nat = 0;

	if (n == 0 || n > MAX_CAA_EMAIL_LEN)
		return false;
	for (k = 0; k < n; k++)
		if (p[k] == '@') {
			nat++;
			at = k;
		}
	return nat == 1 && at > 0 && at + 1 < n;
}

/* 4.4: iodef is a mailto: URL (RFC 6546's address) or an http/https URL with a host, read the
 * way internet.nl reads it with urlparse: scheme up to ':', "//" authority up to '/', '?' or
 * '#', the path up to '?' or '#'. Bytes outside %x21-7E are refused (RFC 3986 has none). */
static bool
caa_iodef(struct caa_val *v)
{
	const uint8_t *p = v->p;
	size_t n = v->n, k, s, ns, ne = 0, ps, pe;
	bool http, has_auth = false, lb = false, rb = false;

	for (k = 0; k < n; k++)
		if (p[k] < 0x21 || p[k] > 0x7e)
			return caa_val_fail(v, k, "space, control or non-ASCII byte in the URL");
	for (k = 0; k < n && p[k] != ':'; k++)
		;
	if (k == n)
		return caa_val_fail(v, 0, "no URL scheme");
	if (bytes_ieq(p, k, "http") || bytes_ieq(p, k, "https"))
		http = true;
	else if (bytes_ieq(p, k, "mailto"))
		http = false;
	else
		return caa_val_fail(v, 0, "scheme not mailto, http or https");
	s = k + 1;
	ps = s;
	if (n - s >= 2 && p[s] == '/' && p[s + 1] == '/') {
		has_auth = true;
		ns = s + 2;
		for (ne = ns; ne < n && p[ne] != '/' && p[ne] != '?' && p[ne] != '#'; ne++) {
			lb = lb || p[ne] == '[';
			rb = rb || p[ne] == ']';
		}
		if (lb != rb)
			return caa_val_fail(v, ns, "unbalanced '[' in the host");
		if (ne == ns)
			has_auth = false;
		ps = ne;
	}
	for (pe = ps; pe < n && p[pe] != '?' && p[pe] != '#'; pe++)
		;
	if (http) {
		if (!has_auth)
			return caa_val_fail(v, s, "http(s) URL without a host");
		return true;
	}
	if (!caa_email(p + ps, pe - ps))
		return caa_val_fail(v, ps, "mailto: without one address");
	return true;
}

static bool
caa_contactemail(struct caa_val *v)
{
	for (size_t k = 0; k < v->n; k++)
		if (v->p[k] >= 0x80)
			return caa_val_fail(v, k, "non-ASCII byte");
	if (!caa_email(v->p, v->n))
		return caa_val_fail(v, 0, "not one address");
	return true;
}

static bool
caa_hex(uint8_t c)
{
	return caa_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3966 global-number = global-number-digits *par, global-number-digits = "+" *phonedigit
 * DIGIT *phonedigit, phonedigit = DIGIT / "-" / "." / "(" / ")"; par = ";" pname ["=" pvalue]
 * (";ext=" and ";isub=" are such parameters; isub's value may also hold "?@=,"). */
static bool
caa_contactphone(struct caa_val *v)
{
	const uint8_t *p = v->p;
	size_t n = v->n, i = 1;
	bool digit = false;

	if (n == 0 || p[0] != '+')
		return caa_val_fail(v, 0, "global number must start with '+'");
	while (i < n && (caa_digit(p[i]) || strchr("-.()", p[i]) != NULL) && p[i] != '\0') {
		digit = digit || caa_digit(p[i]);
		i++;
	}
	if (!digit)
		return caa_val_fail(v, i, "no digit");
	while (i < n) {
		size_t ns;
		bool isub;

		if (p[i] != ';')
			return caa_val_fail(v, i, "bad byte in the number");
		ns = ++i;
		while (i < n && (caa_alnum(p[i]) || p[i] == '-'))
			i++;
		if (i == ns)
			return caa_val_fail(v, i, "empty parameter name");
		isub = bytes_ieq(p + ns, i - ns, "isub");
		if (i < n && p[i] == '=') {
			size_t vs = ++i;

			while (i < n) {
				uint8_t c = p[i];

				if (c == '%') {
					if (n - i < 3 || !caa_hex(p[i + 1]) || !caa_hex(p[i + 2]))
						return caa_val_fail(v, i, "bad percent-encoding");
					i += 3;
					continue;
				}
				if (caa_alnum(c) || (c != '\0' && strchr("[]/:&+$-_.!~*'()", c)) ||
				    (isub && c != '\0' && strchr("?@=,", c)))
					i++;
				else
					break;
			}
			if (i == vs)
				return caa_val_fail(v, i, "empty parameter value");
		}
	}
	return true;
}

static enum caa_tag
caa_tag_lookup(const uint8_t *t, size_t n)
{
	static const char *const reserved[] = { "auth", "path", "policy" };
	size_t k;

	for (k = CAA_TAG_ISSUE; k < CAA_TAG_RESERVED; k++)
		if (bytes_ieq(t, n, caa_tag_names[k]))
			return (enum caa_tag)k;
	for (k = 0; k < sizeof(reserved) / sizeof(reserved[0]); k++)
		if (bytes_ieq(t, n, reserved[k]))
			return CAA_TAG_RESERVED;
	return CAA_TAG_UNKNOWN;
}

static int
caa_fail(struct caa_rr *out, enum caa_problem pr, const char *what, size_t off, char *why,
    size_t whylen)
{
	out->problem = pr;
	out->problem_off = off;
	out->detail = what;
	out->issue_none = false;
	out->issuer[0] = '\0';
	out->nparams = 0;
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s: %s (offset %zu)", caa_problem_name(pr), what, off);
	return PEIL_EINVAL;
}

int
caa_parse(const uint8_t *rdata, size_t len, struct caa_rr *out, char *why, size_t whylen)
{
	const uint8_t *tag, *val;
	size_t k, tl, vl;
	struct caa_val v;
	bool ok = true;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out == NULL)
		return PEIL_EINVAL;
	memset(out, 0, sizeof(*out));
	if (rdata == NULL || len < 2)
		return caa_fail(out, CAA_P_MALFORMED, "RDATA shorter than flags and tag length",
		    0, why, whylen);
	out->flags = rdata[0];
	out->critical = (rdata[0] & CAA_FLAG_CRITICAL) != 0;
	tl = rdata[1];
	out->tag_len = tl;
	out->tag = CAA_TAG_UNKNOWN;
	if (tl == 0)
		return caa_fail(out, CAA_P_MALFORMED, "tag length 0", 0, why, whylen);
	if (tl > len - 2)
		return caa_fail(out, CAA_P_MALFORMED, "tag past the end of the RDATA", 0, why,
		    whylen);
	tag = rdata + 2;
	for (k = 0; k < tl && k < MAX_CAA_TAG_LEN; k++)
		out->tag_text[k] = caa_alnum(tag[k]) ? (char)tag[k] : '?';
	out->tag_text[k] = '\0';
	val = tag + tl;
	vl = len - 2 - tl;
	out->value_len = vl;
	out->value_kept = vl < MAX_CAA_VALUE_KEEP ? vl : MAX_CAA_VALUE_KEEP;
	memcpy(out->value, val, out->value_kept);

	/* the tag is named even when the flags are wrong: internet.nl counts an "issue" record
	 * with reserved flag bits as an issue record (and as an error) */
	for (k = 0; k < tl && caa_alnum(tag[k]); k++)
		;
	if (k == tl && tl <= MAX_CAA_TAG_LEN)
		out->tag = caa_tag_lookup(tag, tl);
	if ((out->flags & (uint8_t)~CAA_FLAG_CRITICAL) != 0)
		return caa_fail(out, CAA_P_FLAGS_RESERVED, "reserved flag bit set", 0, why, whylen);
	if (k < tl)
		return caa_fail(out, CAA_P_TAG_SYNTAX, "tag byte outside [A-Za-z0-9]", 0, why,
		    whylen);
	if (tl > MAX_CAA_TAG_LEN)
		return caa_fail(out, CAA_P_TAG_SYNTAX, "tag longer than 15", 0, why, whylen);

	v.p = val;
	v.n = vl;
	v.off = 0;
	v.what = "";
	switch (out->tag) {
	case CAA_TAG_ISSUE:
	case CAA_TAG_ISSUEWILD:
	case CAA_TAG_ISSUEVMC:
		ok = caa_issue(&v, out, true);
		if (!ok)
			return caa_fail(out, strncmp(v.what, "validationmethods", 17) == 0 ?
			    CAA_P_ISSUE_METHOD : CAA_P_ISSUE_SYNTAX, v.what, v.off, why, whylen);
		break;
	case CAA_TAG_ISSUEMAIL:
		if (!caa_issue(&v, out, false))
			return caa_fail(out, CAA_P_ISSUE_SYNTAX, v.what, v.off, why, whylen);
		break;
	case CAA_TAG_IODEF:
		if (!caa_iodef(&v))
			return caa_fail(out, CAA_P_IODEF, v.what, v.off, why, whylen);
		break;
	case CAA_TAG_CONTACTEMAIL:
		if (!caa_contactemail(&v))
			return caa_fail(out, CAA_P_CONTACTEMAIL, v.what, v.off, why, whylen);
		break;
	case CAA_TAG_CONTACTPHONE:
		if (!caa_contactphone(&v))
			return caa_fail(out, CAA_P_CONTACTPHONE, v.what, v.off, why, whylen);
		break;
	case CAA_TAG_RESERVED:
		return caa_fail(out, CAA_P_TAG_RESERVED, "reserved property", 0, why, whylen);
	case CAA_TAG_UNKNOWN:
		if (out->critical)
			return caa_fail(out, CAA_P_TAG_UNKNOWN_CRITICAL,
			    "unknown property with the critical flag: no CA may issue", 0, why,
			    whylen);
		return caa_fail(out, CAA_P_TAG_UNKNOWN, "unknown property", 0, why, whylen);
	}
	return 0;
}

void
caa_set_init(struct caa_set *s)
{
	if (s != NULL)
		memset(s, 0, sizeof(*s));
}

int
caa_set_add(struct caa_set *s, const uint8_t *rdata, size_t len)
{
	if (s == NULL)
		return PEIL_EINVAL;
	s->total++;
	if (s->n == MAX_CAA_RECORDS)
		return PEIL_ETOOBIG;
	return caa_parse(rdata, len, &s->rr[s->n++], NULL, 0);
}

static void
caa_reason(struct caa_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
caa_reason(struct caa_verdict *v, const char *fmt, ...)
{
	va_list ap;

	v->nreasons++;
	if (v->nkept == MAX_CAA_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(v->reasons[v->nkept++], MAX_CAA_REASON_LEN, fmt, ap);
	va_end(ap);
}

void
caa_inl_verdict(const struct caa_set *s, struct caa_verdict *v)
{
	size_t i;

	if (v == NULL)
		return;
	memset(v, 0, sizeof(*v));
	v->inl = CAA_INL_NONE;
	if (s == NULL || s->total == 0) {
		caa_reason(v, "no CAA record");
		return;
	}
	for (i = 0; i < s->n; i++) {
		const struct caa_rr *r = &s->rr[i];

		if (r->tag == CAA_TAG_ISSUE)
			v->has_issue = true;
		if (r->problem == CAA_P_NONE)
			continue;
		v->nbad++;
		caa_reason(v, "record %zu (tag %s%s, flags %u): %s: %s (offset %zu)", i + 1,
		    r->tag_text, r->tag_len > MAX_CAA_TAG_LEN ? "..." : "", (unsigned)r->flags,
		    caa_problem_name(r->problem), r->detail != NULL ? r->detail : "",
		    r->problem_off);
	}
	if (!v->has_issue)
		caa_reason(v, "no issue record");
	v->nunseen = s->total > s->n ? s->total - s->n : 0;
	if (v->nunseen > 0)
		caa_reason(v, "%zu records not examined (only %d kept)", v->nunseen,
		    MAX_CAA_RECORDS);
	v->inl = v->nbad == 0 && v->has_issue ? CAA_INL_GOOD : CAA_INL_BAD;
}
