/* probe_web.c: the web servers over HTTP(S), judged as internet.nl does (checks/tasks/
 * http_headers.py, tls/http.py, securitytxt.py, ipv6.py; docs/parity.md lists each rule): on
 * every address of the domain and www.<domain>, the worst address deciding and each address's
 * line in the evidence.
 *
 * The requests are webwork's (once per run, only the kinds a wanted test needs); here they are
 * judged. Header values are the server's bytes: they go into evidence values (cut at
 * MAX_WEB_EV_VALUE_LEN; the output layer escapes them), never into keys. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "csp.h"
#include "err.h"
#include "hsts.h"
#include "probe_web.h"
#include "referrer.h"
#include "securitytxt.h"
#include "tlsjudge.h"

#define HSTS_MIN_AGE 31536000ULL  /* internet.nl: one year */

/* One address's verdict on one test. st NOT_TESTED: not judged there (the line says why). */
/* What every judge reads. */
struct webctx {
	struct webwork *ww;
	time_t now;                 /* wall clock, for security.txt's Expires */
	bool any_443;               /* some address connected on port 443 */
};

typedef void (*web_judge_fn)(const struct webctx *, const struct webaddr *, struct addrjudge *);

static void
jline(struct addrjudge *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
jline(struct addrjudge *j, const char *fmt, ...)
{
	char buf[MAX_EVIDENCE_VALUE_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	textlist_add(&j->line, buf);
}

static void
jbad(struct addrjudge *j, int st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
jbad(struct addrjudge *j, int st, const char *fmt, ...)
{
	char buf[MAX_EVIDENCE_VALUE_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	textlist_add(&j->line, buf);
	textlist_add(&j->bad, buf);
	mxwork_worse(&j->st, st);
}

/* A header value for evidence: at most MAX_WEB_EV_VALUE_LEN bytes (the rest cut). */
static int
evlen(size_t len)
{
	return (int)(len > MAX_WEB_EV_VALUE_LEN ? MAX_WEB_EV_VALUE_LEN : len);
}

static const char *
evcut(size_t len)
{
	return len > MAX_WEB_EV_VALUE_LEN ? CUT_MARK : "";
}

/* The response kind got on a, or NULL when none came (no request, or the server gave none). */
static const struct http_response *
resp(const struct webaddr *a, enum webget k)
{
	const struct http_response *r = a->get[k];

	if (!a->got[k] || r == NULL || r->code <= 0)
		return NULL;
	if (r->fail != HTTP_OK && r->fail != HTTP_F_HEADERS)
		return NULL;
	return r;
}

/* Whether the failure means nothing accepted a connection on the port: refused, or a time-out
 * before any connection was made (a server that accepts TCP and then stays silent, e.g.
 * never speaks TLS, is reachable: internet.nl's "no TLS"; so is one that timed out a request
 * sent on a connection kept from an earlier request). */
static bool
no_connection(const struct http_response *r)
{
	return r->fail == HTTP_F_CONNECT || (r->fail == HTTP_F_TIMEOUT && r->connections == 0 &&
	    r->requests == 0);
}

static bool
port_open(const struct webaddr *a, enum webget k)
{
	const struct http_response *r = a->get[k];

	return a->got[k] && r != NULL && (resp(a, k) != NULL || !no_connection(r));
}

/* The first comma-separated value of the fields named name joined (what requests'
 * headers.get() gives internet.nl): the first field's value up to its first ',', trimmed. */
static bool
first_value(const struct http_response *r, const char *name, const char **v, size_t *len)
{
	const struct http_field *f = http_field_get(r, name, 0);
	size_t n;

	if (f == NULL)
		return false;
	*v = f->value;
	n = f->valuelen;
	for (size_t i = 0; i < f->valuelen; i++)
		if (f->value[i] == ',') {
			n = i;
			break;
		}
	while (n > 0 && (f->value[n - 1] == ' ' || f->value[n - 1] == '\t'))
		n--;
	while (n > 0 && (**v == ' ' || **v == '\t')) {
		(*v)++;
		n--;
	}
	*len = n;
	return true;
}

static bool
ieq(const char *a, size_t alen, const char *b)
{
	return alen == strlen(b) && strncasecmp(a, b, alen) == 0;
}

/* The address's line when HTTPS gave no response (header tests do not judge it). */
static bool
need_https(const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = a->get[WEBGET_HTTPS];

	if (resp(a, WEBGET_HTTPS) != NULL)
		return true;
	jline(j, "no HTTPS response (%s): not judged here", r != NULL && r->why[0] != '\0' ?
	    r->why : "no request");
	return false;
}

/* The address's line when its HTTPS header was stopped at the engine's limits (endless
 * headers): what is missing cannot be told, so the header tests give an error there. */
static bool
need_headers(const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = a->get[WEBGET_HTTPS];

	if (!need_https(a, j))
		return false;
	if (r->fail != HTTP_F_HEADERS && !r->fields_cut)
		return true;
	jbad(j, PEIL__STATUS__ERROR, "the response's header was over the limits (%s): not "
	    "judged", r->why[0] != '\0' ? r->why : "fields cut");
	return false;
}

/* ---- web_https_http_available ---- */

static void
j_available(const struct webctx *c, const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = a->get[WEBGET_HTTPS];

	if (resp(a, WEBGET_HTTPS) != NULL) {
		j->st = PEIL__STATUS__PASSED;
		jline(j, "HTTPS answered with status %ld", r->code);
		if (r->fail == HTTP_F_HEADERS)
			jline(j, "its header was over the limits: %s", r->why);
		return;
	}
	if (r == NULL) {
		jbad(j, PEIL__STATUS__ERROR, "no request made");
		return;
	}
	if (no_connection(r)) {
		/* internet.nl: no address reachable on 443 is an error (result_unreachable); one
		 * address unreachable while another answers fails that address. */
		jbad(j, c->any_443 ? PEIL__STATUS__FAILED : PEIL__STATUS__ERROR,
		    "no connection on port 443 (%s: %s)", http_fail_name(r->fail), r->why);
		return;
	}
	if (r->fail == HTTP_F_OTHER) {
		jbad(j, PEIL__STATUS__ERROR, "could not be tested: %s", r->why);
		return;
	}
	jbad(j, PEIL__STATUS__FAILED, "no HTTPS on port 443 (%s: %s)", http_fail_name(r->fail),
	    r->why);
}

/* ---- web_https_http_redirect ---- */

/* The scheme and host of an absolute URL (host without port, brackets or userinfo). */
static bool
url_parts(const char *url, char *scheme, size_t slen, char *host, size_t hlen)
{
	const char *p = strstr(url, "://"), *h, *e, *at;
	size_t n;

	if (p == NULL || (size_t)(p - url) >= slen || p == url)
		return false;
	memcpy(scheme, url, (size_t)(p - url));
	scheme[p - url] = '\0';
	h = p + 3;
	e = h + strcspn(h, "/?#");
	/* userinfo ends at the last '@' of the authority */
	for (at = h; at < e; at++)
		if (*at == '@')
			h = at + 1;
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(e - h));

		if (rb == NULL)
			return false;
		h++;
		n = (size_t)(rb - h);
	} else {
		const char *colon = memchr(h, ':', (size_t)(e - h));

		n = (size_t)((colon != NULL ? colon : e) - h);
	}
	if (n >= hlen)
		return false;
	memcpy(host, h, n);
	host[n] = '\0';
	if (n > 0 && host[n - 1] == '.')
		host[n - 1] = '\0';
	return true;
}

static void
j_redirect(const struct webctx *c, const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = a->get[WEBGET_HTTP], *r80 = resp(a, WEBGET_HTTP);
	const char *host = c->ww->host[a->host].name, *loc;
	char scheme[16], lhost[DNSANS_TEXT_LEN];

	/* internet.nl (tls/http.py forced_http_check; tasks_reports.py): judged only where HTTPS
	 * exists (web_https_http_available fails the others). */
	if (!need_https(a, j))
		return;
	if (r80 == NULL) {
		if (r != NULL && r->fail == HTTP_F_OTHER) {
			jbad(j, PEIL__STATUS__ERROR, "port 80 could not be tested: %s", r->why);
			return;
		}
		/* internet.nl: no plain HTTP available, but HTTPS is: passes (not applicable) */
		j->st = PEIL__STATUS__PASSED;
		jline(j, "no HTTP on port 80 (%s): not applicable", r != NULL ? r->why : "");
		return;
	}
	loc = r80->nhops > 0 ? r80->hop[0].location : "";
	if (r80->code < 300 || r80->code > 399 || loc[0] == '\0') {
		jbad(j, PEIL__STATUS__FAILED, "port 80 answers %ld without a redirect", r80->code);
		return;
	}
	/* The first redirect must go to https:// on the same host (#1208); the port is not
	 * compared, as internet.nl compares the host name only. */
	if (url_parts(loc, scheme, sizeof(scheme), lhost, sizeof(lhost)) &&
	    strcasecmp(scheme, "https") == 0 && strcasecmp(lhost, host) == 0) {
		j->st = PEIL__STATUS__PASSED;
		jline(j, "port 80 redirects (%ld) to %.*s%s", r80->code, evlen(strlen(loc)), loc,
		    evcut(strlen(loc)));
		return;
	}
	jbad(j, PEIL__STATUS__FAILED, "port 80's first redirect (%ld) goes to %.*s%s, not to "
	    "https://%s", r80->code, evlen(strlen(loc)), loc, evcut(strlen(loc)), host);
}

/* ---- web_https_http_hsts ---- */

static void
j_hsts(const struct webctx *c, const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = a->get[WEBGET_HTTPS];
	const struct http_field *f;
	struct hsts h;
	enum hsts_reason why;
	char whys[160];
	size_t n;

	(void)c;
	if (!need_headers(a, j))
		return;
	n = http_field_count(r, "Strict-Transport-Security");
	if ((f = http_field_get(r, "Strict-Transport-Security", 0)) == NULL) {
		jbad(j, PEIL__STATUS__FAILED, "no Strict-Transport-Security header");
		return;
	}
	jline(j, "Strict-Transport-Security: %.*s%s", evlen(f->valuelen), f->value,
	    evcut(f->valuelen));
	if (n > 1)
		jline(j, "%zu such fields: the first counts (RFC 6797 8.1)", n);
	if (hsts_parse((const uint8_t *)f->value, f->valuelen, &h, &why, whys,
	    sizeof(whys)) != 0) {
		jbad(j, PEIL__STATUS__FAILED, "HSTS policy malformed: %s", whys);
		return;
	}
	if (h.max_age < HSTS_MIN_AGE) {
		jbad(j, PEIL__STATUS__FAILED, "max-age=%s is less than a year (31536000)",
		    h.max_age_text);
		return;
	}
	j->st = PEIL__STATUS__PASSED;
	jline(j, "parsed: max-age %s s (at least 31536000)%s%s", h.max_age_text,
	    h.include_subdomains ? ", includeSubDomains" : "", h.preload ? ", preload" : "");
}

/* ---- web_https_http_compress ---- */

static void
j_compress(const struct webctx *c, const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = resp(a, WEBGET_COMPRESS), *raw = a->get[WEBGET_COMPRESS];
	const struct http_field *f;

	(void)c;
	if (r == NULL) {
		jline(j, "no HTTPS response (%s): not judged here", raw != NULL ? raw->why : "");
		return;
	}
	/* internet.nl: any Content-Encoding value is compression (a notice; peil: info) */
	f = http_field_get(r, "Content-Encoding", 0);
	if (f != NULL && f->valuelen > 0) {
		jbad(j, PEIL__STATUS__INFO, "compressed: Content-Encoding %.*s%s",
		    evlen(f->valuelen), f->value, evcut(f->valuelen));
		return;
	}
	j->st = PEIL__STATUS__PASSED;
	jline(j, "not compressed (no Content-Encoding)");
}

/* ---- web_appsecpriv_x_frame_options ---- */

/* Whether a Content-Security-Policy field of r names frame-ancestors (for evidence only). */
static bool
has_frame_ancestors(const struct http_response *r)
{
	static const char fa[] = "frame-ancestors";
	const struct http_field *f;

	for (size_t k = 0; (f = http_field_get(r, "Content-Security-Policy", k)) != NULL; k++)
		for (size_t i = 0; i + sizeof(fa) - 1 <= f->valuelen; i++)
			if (strncasecmp(f->value + i, fa, sizeof(fa) - 1) == 0)
				return true;
	return false;
}

static void
j_xfo(const struct webctx *c, const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = a->get[WEBGET_HTTPS];
	const char *v;
	size_t len;

	(void)c;
	if (!need_headers(a, j))
		return;
	/* internet.nl: the first value of the joined fields, DENY or SAMEORIGIN (any case);
	 * anything else (ALLOW-FROM too) or none is bad, at worst info: CSP's frame-ancestors
	 * supersedes the header (web_appsecpriv_csp requires it). */
	if (!first_value(r, "X-Frame-Options", &v, &len)) {
		jbad(j, PEIL__STATUS__INFO, "no X-Frame-Options header%s", has_frame_ancestors(r) ?
		    " (Content-Security-Policy names frame-ancestors)" : "");
		return;
	}
	if (ieq(v, len, "DENY") || ieq(v, len, "SAMEORIGIN")) {
		j->st = PEIL__STATUS__PASSED;
		jline(j, "X-Frame-Options: %.*s", (int)len, v);
	} else {
		jbad(j, PEIL__STATUS__INFO, "X-Frame-Options: %.*s%s is neither DENY nor SAMEORIGIN",
		    evlen(len), v, evcut(len));
	}
	if (http_field_count(r, "X-Frame-Options") > 1)
		jline(j, "%zu X-Frame-Options fields: the first value counts",
		    http_field_count(r, "X-Frame-Options"));
}

/* ---- web_appsecpriv_x_content_type_options ---- */

static void
j_xcto(const struct webctx *c, const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = a->get[WEBGET_HTTPS];
	const char *v;
	size_t len;

	(void)c;
	if (!need_headers(a, j))
		return;
	/* internet.nl: the first value, "nosniff" in any case; else a notice (warning) */
	if (!first_value(r, "X-Content-Type-Options", &v, &len)) {
		jbad(j, PEIL__STATUS__WARNING, "no X-Content-Type-Options header");
		return;
	}
	if (ieq(v, len, "nosniff")) {
		j->st = PEIL__STATUS__PASSED;
		jline(j, "X-Content-Type-Options: nosniff");
		return;
	}
	jbad(j, PEIL__STATUS__WARNING, "X-Content-Type-Options: %.*s%s is not nosniff",
	    evlen(len), v, evcut(len));
}

/* ---- web_appsecpriv_referrer_policy ---- */

static void
j_referrer(const struct webctx *c, const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = a->get[WEBGET_HTTPS];
	const struct http_field *f;
	struct referrer *rp;
	enum referrer_reason why;
	char whys[160], *joined;
	size_t n = 0, cap = 0;

	(void)c;
	if (!need_headers(a, j))
		return;
	/* Several fields are one list joined with "," (RFC 9110 5.3), as requests joins them. */
	for (size_t k = 0; (f = http_field_get(r, "Referrer-Policy", k)) != NULL; k++)
		cap += f->valuelen + 1;
	if ((joined = malloc(cap + 1)) == NULL || (rp = malloc(sizeof(*rp))) == NULL) {
		free(joined);
		jbad(j, PEIL__STATUS__ERROR, "out of memory");
		return;
	}
	for (size_t k = 0; (f = http_field_get(r, "Referrer-Policy", k)) != NULL; k++) {
		if (k > 0)
			joined[n++] = ',';
		memcpy(joined + n, f->value, f->valuelen);
		n += f->valuelen;
	}
	joined[n] = '\0';
	if (cap > 0)
		jline(j, "Referrer-Policy: %.*s%s", evlen(n), joined, evcut(n));
	if (referrer_parse((const uint8_t *)joined, n, rp, &why, whys, sizeof(whys)) != 0) {
		jbad(j, PEIL__STATUS__WARNING, "Referrer-Policy not usable: %s", whys);
		goto out;
	}
	switch (referrer_inl_verdict(rp)) {
	case REFERRER_INL_GOOD:
		j->st = PEIL__STATUS__PASSED;
		jline(j, "the last value %s decides: good", rp->last.text);
		break;
	case REFERRER_INL_RECOMMENDATION:
		/* internet.nl 1.8: full points with a recommendation ("no-policy",
		 * "recommendation-<value>"), shown as info (#1725, #1733) */
		if (cap == 0 || (rp->ntokens == 1 && rp->last.policy == REFPOL_EMPTY))
			jbad(j, PEIL__STATUS__INFO, "no policy (browsers default to "
			    "strict-origin-when-cross-origin): no-referrer or same-origin "
			    "recommended");
		else
			jbad(j, PEIL__STATUS__INFO, "the last value %s decides: no-referrer or "
			    "same-origin recommended", rp->last.text);
		break;
	default:
		jbad(j, PEIL__STATUS__WARNING, "the last value %s%s decides: it leaks the referrer",
		    rp->last.text, rp->last.truncated ? CUT_MARK : "");
		break;
	}
out:
	free(rp);
	free(joined);
}

/* ---- web_appsecpriv_csp ---- */

static void
j_csp(const struct webctx *c, const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = a->get[WEBGET_HTTPS];
	const struct http_field *f;
	struct csp_list *l = NULL;
	struct csp_verdict *v = NULL;
	enum csp_reason why;
	char whys[160], *joined = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!need_headers(a, j))
		return;
	/* Several fields are one list joined with "," (RFC 9110 5.3), as requests joins them;
	 * the parser splits it into policies (CSP3 2.2.2). */
	for (size_t k = 0; (f = http_field_get(r, "Content-Security-Policy", k)) != NULL; k++)
		cap += f->valuelen + 1;
	if ((joined = malloc(cap + 1)) == NULL || (v = malloc(sizeof(*v))) == NULL) {
		jbad(j, PEIL__STATUS__ERROR, "out of memory");
		goto out;
	}
	for (size_t k = 0; (f = http_field_get(r, "Content-Security-Policy", k)) != NULL; k++) {
		if (k > 0)
			joined[n++] = ',';
		memcpy(joined + n, f->value, f->valuelen);
		n += f->valuelen;
	}
	joined[n] = '\0';
	if (cap > 0) {
		jline(j, "Content-Security-Policy: %.*s%s", evlen(n), joined, evcut(n));
		if ((rc = csp_parse((const uint8_t *)joined, n, &l, &why, whys,
		    sizeof(whys))) == PEIL_ENOMEM) {
			jbad(j, PEIL__STATUS__ERROR, "out of memory");
			goto out;
		}
		/* a value over the parser's bounds is judged bad with the reason */
		if (rc != 0) {
			jbad(j, PEIL__STATUS__WARNING, "Content-Security-Policy refused: %s", whys);
			goto out;
		}
	}
	/* internet.nl: judged for the host tested; any failure is bad, at worst a notice */
	csp_inl_verdict(l, c->ww->host[a->host].name, v);
	switch (v->inl) {
	case CSP_INL_GOOD:
		j->st = PEIL__STATUS__PASSED;
		jline(j, "restrictive (%zu polic%s)", l->npolicies, l->npolicies == 1 ? "y" : "ies");
		break;
	case CSP_INL_NONE:
		jbad(j, PEIL__STATUS__WARNING, "no Content-Security-Policy header");
		break;
	default:
		for (size_t i = 0; i < v->nkept; i++)
			jbad(j, PEIL__STATUS__WARNING, "%s", v->reasons[i]);
		if (v->nreasons > v->nkept)
			jbad(j, PEIL__STATUS__WARNING, "%zu more", v->nreasons - v->nkept);
		if (v->nreasons == 0)
			jbad(j, PEIL__STATUS__WARNING, "not restrictive");
		break;
	}
out:
	csp_free(l);
	free(v);
	free(joined);
}

/* ---- web_appsecpriv_securitytxt ---- */

/* A security.txt problem: what internet.nl calls an error (notice: peil's warning). */
static void
sectxt_error(struct addrjudge *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
sectxt_error(struct addrjudge *j, const char *fmt, ...)
{
	char buf[MAX_EVIDENCE_VALUE_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	jbad(j, PEIL__STATUS__WARNING, "%s", buf);
}

/* The Content-Type's media type and charset (default utf-8, as internet.nl's parse_header). */
static void
content_type(const struct http_field *f, char *media, size_t mlen, char *charset, size_t clen)
{
	const char *v = f->value, *end = f->value + f->valuelen, *semi = memchr(v, ';',
	    f->valuelen), *p;
	size_t n;

	p = semi != NULL ? semi : end;
	while (v < p && isspace((unsigned char)*v))
		v++;
	n = (size_t)(p - v);
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	snprintf(media, mlen, "%.*s", (int)(n < mlen ? n : mlen - 1), v);
	snprintf(charset, clen, "utf-8");
	while (semi != NULL) {
		const char *q = semi + 1, *next = memchr(q, ';', (size_t)(end - q)), *pe;

		pe = next != NULL ? next : end;
		while (q < pe && isspace((unsigned char)*q))
			q++;
		if ((size_t)(pe - q) > 8 && strncasecmp(q, "charset=", 8) == 0) {
			const char *cv = q + 8;
			size_t cn = (size_t)(pe - cv);

			while (cn > 0 && isspace((unsigned char)cv[cn - 1]))
				cn--;
			if (cn >= 2 && cv[0] == '"' && cv[cn - 1] == '"') {
				cv++;
				cn -= 2;
			}
			snprintf(charset, clen, "%.*s", (int)(cn < clen ? cn : clen - 1), cv);
		}
		semi = next;
	}
}

static void
sectxt_judge_body(const struct webctx *c, const struct http_response *r, struct addrjudge *j)
{
	struct sectxt *s;
	char why[160];
	bool mailto = false;
	size_t before = j->bad.len;
	int rc;

	if ((s = malloc(sizeof(*s))) == NULL) {
		jbad(j, PEIL__STATUS__ERROR, "out of memory");
		return;
	}
	if (r->body_cut)
		sectxt_error(j, "longer than %d bytes (only the first are read)", MAX_SECTXT_BYTES);
	rc = sectxt_parse(r->body, r->bodylen, c->now, s, why, sizeof(why));
	if (rc != 0) {
		sectxt_error(j, "content refused: %s", why);
		free(s);
		return;
	}
	for (size_t i = 0; i < s->nkept_errors; i++) {
		if (s->errors[i].line > 0)
			sectxt_error(j, "%s (line %zu)", sectxt_err_name(s->errors[i].code),
			    s->errors[i].line);
		else
			sectxt_error(j, "%s", sectxt_err_name(s->errors[i].code));
	}
	if (s->nerrors > s->nkept_errors)
		sectxt_error(j, "%zu more errors", s->nerrors - s->nkept_errors);
	/* internet.nl 1.8.0 (#772) passes the URL it got the file from (after redirects) to
	 * sectxt, whose no_canonical_match is an error */
	switch (sectxt_canonical(s, r->url)) {
	case SECTXT_CANON_NO_MATCH:
		sectxt_error(j, "no_canonical_match: %.*s is not among the %zu Canonical values",
		    evlen(strlen(r->url)), r->url, s->fields[SECTXT_F_CANONICAL].n);
		break;
	case SECTXT_CANON_UNKNOWN:
		jline(j, "Canonical: %s is not among the first %d of %zu values (the rest not "
		    "kept): not judged", r->url, MAX_SECTXT_VALUES,
		    s->fields[SECTXT_F_CANONICAL].n);
		break;
	case SECTXT_CANON_MATCH:
		jline(j, "Canonical lists %s", r->url);
		break;
	case SECTXT_CANON_NONE:
		break;
	}
	/* sectxt's notifications (unknown_field) are not used by internet.nl 1.8 (#1410) */
	if (s->nunknown > 0)
		jline(j, "%zu field%s of unknown name (not judged)", s->nunknown,
		    s->nunknown == 1 ? "" : "s");
	/* sectxt's recommendations (internet.nl: info when there is no error) */
	for (size_t i = 0; i < s->fields[SECTXT_F_CONTACT].nkept; i++)
		mailto |= strncasecmp(s->fields[SECTXT_F_CONTACT].values[i], "mailto:", 7) == 0;
	if (s->expires_far)
		jbad(j, PEIL__STATUS__INFO, "recommendation long_expiry: Expires is more than a "
		    "year ahead");
	if (mailto && s->fields[SECTXT_F_ENCRYPTION].n == 0)
		jbad(j, PEIL__STATUS__INFO, "recommendation no_encryption: a mailto: Contact "
		    "without an Encryption key");
	if (!s->signed_msg)
		jbad(j, PEIL__STATUS__INFO, "recommendation not_signed: not digitally signed");
	else if (s->fields[SECTXT_F_CANONICAL].n == 0)
		jbad(j, PEIL__STATUS__INFO, "recommendation no_canonical: a signed file without "
		    "Canonical");
	if (j->bad.len == before)
		jline(j, "content valid");
	if (j->st == PEIL__STATUS__NOT_TESTED)
		j->st = PEIL__STATUS__PASSED;
	free(s);
}

/* The redirects security.txt went through, each hop's status and address, in evidence. */
static void
sectxt_hops(const struct webaddr *a, const struct http_response *r, struct addrjudge *j)
{
	char line[MAX_EVIDENCE_VALUE_LEN];
	size_t n = 0;

	if (r->nhops < 2 && !r->redirect_stopped)
		return;
	line[0] = '\0';
	for (size_t i = 0; i < r->nhops && n < sizeof(line); i++) {
		const struct http_hop *h = &r->hop[i];
		bool other = h->addr[0] != '\0' && strcmp(h->addr, a->addr) != 0;

		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%.300s%s%.63s%s (%ld)",
		    i > 0 ? " -> " : "", h->url, other ? " [" : "", other ? h->addr : "",
		    other ? "]" : "", h->code);
	}
	/* Locations are the server's bytes: evidence gets printable ASCII only */
	for (size_t i = 0; line[i] != '\0'; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e)
			line[i] = '?';
	jline(j, "redirects (%zu hop%s%s%.160s): %s", r->nhops, r->nhops == 1 ? "" : "s",
	    r->redirect_stopped ? "; the last " : "", r->redirect_stopped ? r->redirect_why : "",
	    line);
}

static void
j_sectxt(const struct webctx *c, const struct webaddr *a, struct addrjudge *j)
{
	const struct http_response *r = a->get[WEBGET_SECTXT], *got;
	const struct http_field *f;
	bool legacy = false;
	char media[64], charset[64];

	if (!need_https(a, j))
		return;
	/* internet.nl: /.well-known/security.txt; any status but 200: /security.txt, flagged */
	if ((got = resp(a, WEBGET_SECTXT)) == NULL || got->code != 200) {
		const struct http_response *r2 = resp(a, WEBGET_SECTXT_ROOT);

		if (r2 != NULL && r2->code == 200)
			legacy = true;
		/* internet.nl reports the fallback's status when it was asked */
		if (r2 != NULL)
			got = r2;
	}
	if (got == NULL) {
		/* no response on either path: nothing measured (peil: error, not a notice) */
		jbad(j, PEIL__STATUS__ERROR, "security.txt could not be fetched: %s",
		    r != NULL && r->why[0] != '\0' ? r->why : "no response");
		return;
	}
	/* the first path's redirects too when the fallback was asked after it */
	if (r != NULL && r != got && a->got[WEBGET_SECTXT])
		sectxt_hops(a, r, j);
	sectxt_hops(a, got, j);
	if (got->code != 200) {
		if (got->code == 404)
			sectxt_error(j, "no security.txt (404)");
		else
			sectxt_error(j, "no security.txt (unexpected HTTP status %ld)", got->code);
		return;
	}
	jline(j, "%s (status 200)", got->url[0] != '\0' ? got->url : legacy ? "/security.txt" :
	    "/.well-known/security.txt");
	if (legacy)
		sectxt_error(j, "location: found at /security.txt (legacy), must be under "
		    "/.well-known/");
	if ((f = http_field_get(got, "Content-Type", 0)) == NULL) {
		sectxt_error(j, "no_content_type: no Content-Type header (content not read)");
		return;
	}
	content_type(f, media, sizeof(media), charset, sizeof(charset));
	if (strcasecmp(media, "text/plain") != 0) {
		sectxt_error(j, "invalid_media: Content-Type %.*s%s is not text/plain (content not "
		    "read)", evlen(f->valuelen), f->value, evcut(f->valuelen));
		return;
	}
	if (strcasecmp(charset, "utf-8") != 0 && strcasecmp(charset, "csutf8") != 0)
		sectxt_error(j, "invalid_charset: charset %s is not utf-8", charset);
	sectxt_judge_body(c, got, j);
}

/* ---- web_ipv6_ws_similar ---- */

/* A byte histogram of a page as internet.nl compares it (ipv6.py strip_irrelevant_html):
 * nonce attributes and <input> tags holding __VIEWSTATE left out. Linear: every byte is
 * looked at a bounded number of times (a tag scan stops at the next '<' or '>'). */
static void
page_hist(const uint8_t *p, size_t n, size_t hist[256], size_t *total)
{
	static const char vs[] = "__VIEWSTATE";
	size_t i = 0;

	memset(hist, 0, 256 * sizeof(hist[0]));
	*total = 0;
	if (n > MAX_WEB_SIMILAR_BYTES)
		n = MAX_WEB_SIMILAR_BYTES;
	while (i < n) {
		if (p[i] == '<' && n - i > 6 && strncasecmp((const char *)p + i + 1, "input", 5) == 0) {
			size_t e = i + 1;
			bool viewstate = false;

			while (e < n && p[e] != '>' && p[e] != '<') {
				if (p[e] == '_' && n - e >= sizeof(vs) - 1 &&
				    memcmp(p + e, vs, sizeof(vs) - 1) == 0)
					viewstate = true;
				e++;
			}
			if (viewstate) {
				i = e < n && p[e] == '>' ? e + 1 : e;
				continue;
			}
		}
		if ((p[i] == 'n' || p[i] == 'N') && i > 0 && isspace(p[i - 1]) && n - i > 6 &&
		    strncasecmp((const char *)p + i, "nonce=", 6) == 0) {
			size_t e = i + 6;

			if (e < n && (p[e] == '"' || p[e] == '\'')) {
				uint8_t q = p[e++];

				while (e < n && p[e] != q && p[e] != '>')
					e++;
				if (e < n && p[e] == q)
					e++;
			} else {
				while (e < n && !isspace(p[e]) && p[e] != '>')
					e++;
			}
			i = e;
			continue;
		}
		hist[p[i++]]++;
		(*total)++;
	}
}

static double
hist_difference(const size_t ha[256], size_t ta, const size_t hb[256], size_t tb)
{
	size_t common = 0;

	if (ta + tb == 0)
		return 0.0;
	for (int i = 0; i < 256; i++)
		common += ha[i] < hb[i] ? ha[i] : hb[i];
	return 100.0 - 200.0 * (double)common / (double)(ta + tb);
}

double
probe_web_difference(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t ha[256], hb[256], ta, tb;

	page_hist(a, alen, ha, &ta);
	page_hist(b, blen, hb, &tb);
	return hist_difference(ha, ta, hb, tb);
}

/* The IPv4 address of host h that answered on port kind first, or NULL. */
static const struct webaddr *
v4_ref(const struct webwork *ww, size_t h, enum webget k)
{
	for (size_t i = 0; i < ww->naddr; i++)
		if (ww->addr[i].host == h && !ww->addr[i].v6 && resp(&ww->addr[i], k) != NULL)
			return &ww->addr[i];
	return NULL;
}

static void
j_similar(const struct webctx *c, const struct webaddr *a, struct addrjudge *j)
{
	static const enum webget ports[2] = { WEBGET_HTTP, WEBGET_HTTPS };
	static const char *const pname[2] = { "80", "443" };
	const struct webwork *ww = c->ww;
	const struct webaddr *ref = NULL;
	bool v4_any = false, v4_open[2] = { false, false }, v6_open[2], v6_any;
	size_t nv4 = 0;

	if (!a->v6) {
		/* an IPv4 address is what its host's IPv6 addresses are compared with */
		for (int p = 0; p < 2; p++) {
			const struct http_response *r = resp(a, ports[p]);

			if (r != NULL)
				jline(j, "IPv4: port %s status %ld, %zu bytes", pname[p], r->code,
				    r->bodylen);
			else
				jline(j, "IPv4: port %s %s", pname[p], port_open(a, ports[p]) ?
				    "open, no response" : "closed");
		}
		return;
	}
	for (size_t i = 0; i < ww->naddr; i++) {
		const struct webaddr *b = &ww->addr[i];

		if (b->host != a->host || b->v6)
			continue;
		nv4++;
		for (int p = 0; p < 2; p++)
			if (port_open(b, ports[p]))
				v4_open[p] = v4_any = true;
	}
	for (int p = 0; p < 2; p++)
		v6_open[p] = port_open(a, ports[p]);
	v6_any = v6_open[0] || v6_open[1];
	if (nv4 == 0) {
		/* internet.nl: an IPv6-only site is not compared (not tested, full points) */
		jline(j, "IPv6-only host: nothing to compare");
		return;
	}
	if (!v6_any) {
		/* internet.nl judges the comparison only with IPv6 reachable (web_ipv6_ws_reach) */
		jline(j, "no answer on port 80 or 443 over IPv6: see web_ipv6_ws_reach");
		return;
	}
	if (!v4_any) {
		/* internet.nl: IPv6 answers, IPv4 addresses exist but none answers: bad */
		jbad(j, PEIL__STATUS__FAILED, "answers over IPv6 while no IPv4 address answers on "
		    "port 80 or 443");
		return;
	}
	for (int p = 0; p < 2; p++)
		if (v4_open[p] && !v6_open[p]) {
			jbad(j, PEIL__STATUS__FAILED, "port %s open over IPv4, not over IPv6",
			    pname[p]);
		}
	if (j->st == PEIL__STATUS__FAILED)
		return;
	/* The same status on each port both answered (issue 12). internet.nl compares content
	 * only; a status that differs is judged as a content difference is: a notice. */
	for (int p = 0; p < 2; p++) {
		const struct webaddr *r4 = v4_ref(ww, a->host, ports[p]);
		const struct http_response *r6 = resp(a, ports[p]);

		if (r4 == NULL || r6 == NULL)
			continue;
		if (r4->get[ports[p]]->code != r6->code)
			jbad(j, PEIL__STATUS__WARNING, "port %s: status %ld over IPv4 [%s], %ld over "
			    "IPv6", pname[p], r4->get[ports[p]]->code, r4->addr, r6->code);
		else
			jline(j, "port %s: status %ld on both", pname[p], r6->code);
	}
	/* internet.nl (ipv6.py simhash): the page on port 80 when both answer there, else on
	 * 443; the first 500 KB; at most MAX_WEB_SIMILAR_PCT % different (quick_ratio). More
	 * different is a notice since 1.8.0 (#485: ipv6.py callback result_notice); only a
	 * comparison that cannot be made (SIMHASH_NOT_CALCULABLE) fails. */
	for (int p = 0; p < 2 && ref == NULL; p++) {
		const struct http_response *r6 = resp(a, ports[p]);
		const struct webaddr *r4;
		double d;

		if ((r4 = v4_ref(ww, a->host, ports[p])) == NULL || r6 == NULL)
			continue;
		ref = r4;
		d = probe_web_difference(r4->get[ports[p]]->body, r4->get[ports[p]]->bodylen,
		    r6->body, r6->bodylen);
		if (d <= (double)MAX_WEB_SIMILAR_PCT)
			jline(j, "port %s: the page differs %.1f%% from IPv4 [%s] (%zu and %zu "
			    "bytes)", pname[p], d, r4->addr, r4->get[ports[p]]->bodylen, r6->bodylen);
		else
			jbad(j, PEIL__STATUS__WARNING, "port %s: the page differs %.1f%% from IPv4 "
			    "[%s] (%zu and %zu bytes; at most %d%%)", pname[p], d, r4->addr,
			    r4->get[ports[p]]->bodylen, r6->bodylen, MAX_WEB_SIMILAR_PCT);
	}
	if (ref == NULL)
		jbad(j, PEIL__STATUS__FAILED, "no port where IPv4 and IPv6 both gave a page");
	if (j->st == PEIL__STATUS__NOT_TESTED)
		j->st = PEIL__STATUS__PASSED;
}

/* ---- judging over every address ---- */

/* What judge_addrs hands tlsjudge_addrs for each address. */
struct webeach {
	const struct webctx *c;
	web_judge_fn fn;
};

static bool
web_each_judge(void *arg, size_t i, struct addrjudge *j)
{
	const struct webeach *we = arg;

	we->fn(we->c, &we->c->ww->addr[i], j);
	return true;
}

static void
web_each_who(void *arg, size_t i, char *buf, size_t len)
{
	const struct webeach *we = arg;

	webwork_who(we->c->ww, &we->c->ww->addr[i], buf, len);
}

/* Judges one test (r; NULL: nothing) over every address with fn (tlsjudge_addrs: the worst
 * wins; none judged: not_tested with none_why). Returns 0 or PEIL_ENOMEM. */
static int
judge_addrs(const struct webctx *c, Peil__Result *r, web_judge_fn fn, const char *what,
    const char *none_why)
{
	struct webeach we = { .c = c, .fn = fn };
	struct tlsjudge_each e = { .n = c->ww->naddr, .arg = &we, .judge = web_each_judge,
	    .who = web_each_who, .what = what, .none_why = none_why, .guideline = NULL };
	struct dnsev ev = { 0 };
	int rc;

	if (r == NULL)
		return 0;
	webwork_ev(c->ww, &ev);
	rc = tlsjudge_addrs(&ev, r, &e);
	dnsev_clear(&ev);
	return rc;
}

/* ---- the module ---- */

static const int web_ids[] = {
	TEST_WEB_HTTPS_HTTP_AVAILABLE, TEST_WEB_HTTPS_HTTP_REDIRECT, TEST_WEB_HTTPS_HTTP_HSTS,
	TEST_WEB_HTTPS_HTTP_COMPRESS, TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS,
	TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS, TEST_WEB_APPSECPRIV_REFERRER_POLICY,
	TEST_WEB_APPSECPRIV_CSP, TEST_WEB_APPSECPRIV_SECURITYTXT, TEST_WEB_IPV6_WS_SIMILAR,
};
#define NWEB_IDS (sizeof(web_ids) / sizeof(web_ids[0]))

int
probe_web_vantage(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	struct dnsev ev = { 0 };
	int rc = 0;

	(void)mx;
	(void)web;
	if (!done[TEST_WEB_IPV6_WS_SIMILAR] && !w->src->ipv6) {
		rc = dnsev_apply(&ev, res[TEST_WEB_IPV6_WS_SIMILAR], PEIL__STATUS__NOT_TESTED,
		    "this vantage has no IPv6");
		done[TEST_WEB_IPV6_WS_SIMILAR] = true;
	}
	return rc;
}

/* The requests each test needs (a test not wanted costs nothing). */
static const struct {
	int id;
	web_judge_fn fn;
	const char *what;
	unsigned kinds;             /* 1u << enum webget */
	const char *none_why;
} web_tests[] = {
	{ TEST_WEB_HTTPS_HTTP_AVAILABLE, j_available, "HTTPS", 1u << WEBGET_HTTPS,
	    "no web server address was tested" },
	{ TEST_WEB_HTTPS_HTTP_REDIRECT, j_redirect, "HTTP to HTTPS redirect",
	    1u << WEBGET_HTTPS | 1u << WEBGET_HTTP,
	    "no address answered over HTTPS (see web_https_http_available)" },
	{ TEST_WEB_HTTPS_HTTP_HSTS, j_hsts, "HSTS", 1u << WEBGET_HTTPS,
	    "no address answered over HTTPS (see web_https_http_available)" },
	{ TEST_WEB_HTTPS_HTTP_COMPRESS, j_compress, "HTTP compression", 1u << WEBGET_COMPRESS,
	    "no address answered over HTTPS (see web_https_http_available)" },
	{ TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS, j_xfo, "X-Frame-Options", 1u << WEBGET_HTTPS,
	    "no address answered over HTTPS (see web_https_http_available)" },
	{ TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS, j_xcto, "X-Content-Type-Options",
	    1u << WEBGET_HTTPS,
	    "no address answered over HTTPS (see web_https_http_available)" },
	{ TEST_WEB_APPSECPRIV_REFERRER_POLICY, j_referrer, "Referrer-Policy", 1u << WEBGET_HTTPS,
	    "no address answered over HTTPS (see web_https_http_available)" },
	{ TEST_WEB_APPSECPRIV_CSP, j_csp, "Content-Security-Policy", 1u << WEBGET_HTTPS,
	    "no address answered over HTTPS (see web_https_http_available)" },
	{ TEST_WEB_APPSECPRIV_SECURITYTXT, j_sectxt, "security.txt",
	    1u << WEBGET_HTTPS | 1u << WEBGET_SECTXT,
	    "no address answered over HTTPS (see web_https_http_available)" },
	{ TEST_WEB_IPV6_WS_SIMILAR, j_similar, "the web over IPv4 and IPv6",
	    1u << WEBGET_HTTP | 1u << WEBGET_HTTPS,
	    "nothing to compare: no web host has IPv6 addresses that answer beside IPv4 ones (an "
	    "IPv4-only or IPv6-only site, or IPv6 not reachable)" },
};

/* Makes the requests of kinds (once per run); false when an address was left without one (the
 * run's time ran out). Returns 0 or PEIL_ENOMEM through *rc. */
static bool
web_fetch(struct webwork *ww, unsigned kinds, bool (*want)(const struct webaddr *), int *rc)
{
	for (int k = 0; k < WEBGET_COUNT && *rc == 0; k++) {
		if (!(kinds & (1u << k)))
			continue;
		if ((*rc = webwork_get_where(ww, (enum webget)k, want)) != 0)
			return false;
		for (size_t i = 0; i < ww->naddr; i++)
			if (!ww->addr[i].got[k] && !ww->addr[i].skip[k])
				return false;
	}
	return *rc == 0;
}

/* Where security.txt's fallback is asked: HTTPS answered, the first path gave no 200. */
static bool
want_sectxt_root(const struct webaddr *a)
{
	const struct http_response *r = resp(a, WEBGET_SECTXT);

	return resp(a, WEBGET_HTTPS) != NULL && (r == NULL || r->code != 200);
}

int
probe_web_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	struct webctx c = { .ww = web, .now = time(NULL) };
	int rc = 0;

	(void)mx;
	if (w->src->web_get == NULL)
		return webwork_apply(web, web_ids, NWEB_IDS, res, done, PEIL__STATUS__NOT_TESTED,
		    "this agent does not test the web");
	if ((rc = webwork_begin(web, web_ids, NWEB_IDS, res, done)) != 0)
		return rc < 0 ? rc : 0;
	/* Without IPv4 every host looks IPv6-only: there is nothing to compare with. */
	if (!done[TEST_WEB_IPV6_WS_SIMILAR] && !w->src->ipv4 && (rc = webwork_apply(web,
	    (const int[]){ TEST_WEB_IPV6_WS_SIMILAR }, 1, res, done, PEIL__STATUS__NOT_TESTED,
	    "this vantage has no IPv4")) != 0)
		return rc;
	for (size_t t = 0; t < sizeof(web_tests) / sizeof(web_tests[0]); t++) {
		int id = web_tests[t].id;
		unsigned kinds = web_tests[t].kinds;

		if (done[id])
			continue;
		if (!web_fetch(web, kinds, NULL, &rc)) {
			if (rc != 0)
				return rc;
			continue;       /* left for the runner: time budget exhausted */
		}
		/* security.txt's fallback only where the first path gave no 200 */
		if (id == TEST_WEB_APPSECPRIV_SECURITYTXT && !web_fetch(web,
		    1u << WEBGET_SECTXT_ROOT, want_sectxt_root, &rc)) {
			if (rc != 0)
				return rc;
			continue;
		}
		c.any_443 = false;
		for (size_t i = 0; i < web->naddr; i++) {
			const struct http_response *r = web->addr[i].get[WEBGET_HTTPS];

			c.any_443 |= r != NULL && web->addr[i].got[WEBGET_HTTPS] && !no_connection(r);
		}
		if ((rc = judge_addrs(&c, res[id], web_tests[t].fn, web_tests[t].what,
		    web_tests[t].none_why)) != 0)
			return rc;
		done[id] = true;
	}
	return 0;
}
