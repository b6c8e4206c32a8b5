/* test_probe_web.c: the web verdicts (probe_web.c) from a canned zone and canned HTTP responses
 * per address and request kind. Every expectation is written from internet.nl's rule for the
 * test (docs/parity.md names them), not from what peil printed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#include "catalogue.h"
#include "probe.h"
#include "probe_web.h"
#include "result.h"

#include "dnsfake.h"
#include "zonerun.h"

#define ZONE_WEB \
	"d.test. A 192.0.2.10\n" \
	"d.test. AAAA 2001:db8::10\n" \
	"www.d.test. A 192.0.2.11\n" \
	"www.d.test. AAAA 2001:db8::11\n"

#define KIND_ANY (-1)

/* One canned response: for addr (NULL: every address) and kind (KIND_ANY: every kind). */
struct canned_http {
	const char *addr;
	int kind;
	enum http_fail fail;     /* HTTP_OK: a response */
	long code;
	const char *headers;     /* "Name: value\n" lines; NULL: the kind's default */
	const char *location;    /* a 3xx's Location */
	const char *body;        /* NULL: the kind's default */
	size_t bodylen;          /* 0: strlen(body) */
	bool body_cut;
	unsigned connections;    /* a failure after this many connections were made */
};

struct webfake {
	const struct canned_http *c;
	size_t n;
	unsigned calls[WEBGET_COUNT];
	unsigned limit;          /* > 0: the clock passes the deadline after this many GETs */
	unsigned gets;
	const char *sectxt;      /* the security.txt served (NULL: a valid one) */
	bool fail_on_kept;       /* a canned failure came after the request was sent on a
	                          * connection kept from an earlier request (requests 1) */
	unsigned redirects_max;  /* the sum of the requests' max_redirects */
};

static char sectxt_good[1024], sectxt_unsigned[512], sectxt_far[1024], sectxt_expired[512];
static char sectxt_canon_apex[1024], sectxt_nospace[512], sectxt_lang[512], sectxt_unknown[512];

/* Valid security.txt files with Expires relative to now (RFC 9116: in the future, under a
 * year away), signed (framing only) with a Canonical, and variations. */
static void
make_sectxt(void)
{
	char soon[32], far[32];
	time_t t = time(NULL) + 30 * 86400, tf = time(NULL) + 400 * 86400;

	strftime(soon, sizeof(soon), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	strftime(far, sizeof(far), "%Y-%m-%dT%H:%M:%SZ", gmtime(&tf));
	snprintf(sectxt_good, sizeof(sectxt_good), "-----BEGIN PGP SIGNED MESSAGE-----\n"
	    "Hash: SHA256\n\nContact: https://d.test/security\nExpires: %s\n"
	    "Canonical: https://d.test/.well-known/security.txt\n"
	    "Canonical: https://www.d.test/.well-known/security.txt\n"
	    "-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEE\n=abcd\n"
	    "-----END PGP SIGNATURE-----\n", soon);
	snprintf(sectxt_far, sizeof(sectxt_far), "-----BEGIN PGP SIGNED MESSAGE-----\n"
	    "Hash: SHA256\n\nContact: https://d.test/security\nExpires: %s\n"
	    "Canonical: https://d.test/.well-known/security.txt\n"
	    "Canonical: https://www.d.test/.well-known/security.txt\n"
	    "-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEE\n=abcd\n"
	    "-----END PGP SIGNATURE-----\n", far);
	snprintf(sectxt_unsigned, sizeof(sectxt_unsigned), "Contact: https://d.test/security\n"
	    "Expires: %s\n", soon);
	/* Canonical names the apex's URL only: www's copy does not list where it was found */
	snprintf(sectxt_canon_apex, sizeof(sectxt_canon_apex), "-----BEGIN PGP SIGNED MESSAGE-----\n"
	    "Hash: SHA256\n\nContact: https://d.test/security\nExpires: %s\n"
	    "Canonical: https://d.test/.well-known/security.txt\n"
	    "-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEE\n=abcd\n"
	    "-----END PGP SIGNATURE-----\n", soon);
	snprintf(sectxt_nospace, sizeof(sectxt_nospace), "Contact:https://d.test/security\n"
	    "Expires: %s\n", soon);
	snprintf(sectxt_lang, sizeof(sectxt_lang), "Contact: https://d.test/security\n"
	    "Expires: %s\nPreferred-Languages: en, en_GB\n", soon);
	snprintf(sectxt_unknown, sizeof(sectxt_unknown), "Contact: https://d.test/security\n"
	    "Expires: %s\nX-Foo: bar\n", soon);
	snprintf(sectxt_expired, sizeof(sectxt_expired), "-----BEGIN PGP SIGNED MESSAGE-----\n"
	    "Hash: SHA256\n\nContact: https://d.test/security\nExpires: 2001-01-01T00:00:00Z\n"
	    "Canonical: https://d.test/.well-known/security.txt\n"
	    "-----BEGIN PGP SIGNATURE-----\n\nxx\n-----END PGP SIGNATURE-----\n");
}

static const char good_headers[] =
    "Strict-Transport-Security: max-age=31536000; includeSubDomains\n"
    "X-Frame-Options: DENY\n"
    "X-Content-Type-Options: nosniff\n"
    "Referrer-Policy: no-referrer\n"
    "Content-Security-Policy: default-src 'self'; frame-ancestors 'self'; base-uri 'self'; "
    "form-action 'self'\n"
    "Content-Type: text/html\n";
static const char page[] = "<html><body><h1>Welcome to d.test</h1><p>the same page on "
    "every address</p></body></html>\n";

/* Fills out from a canned description: header lines into hbuf and fields. */
static void
fill(struct http_response *out, const char *url, const char *addr, long code,
    const char *headers, const char *location, const uint8_t *body, size_t bodylen,
    size_t cap)
{
	const char *p = headers;

	snprintf(out->url, sizeof(out->url), "%s", url);
	snprintf(out->addr, sizeof(out->addr), "%s", addr);
	out->code = code;
	out->nhops = 1;
	snprintf(out->hop[0].url, sizeof(out->hop[0].url), "%s", url);
	out->hop[0].code = code;
	if (location != NULL)
		snprintf(out->hop[0].location, sizeof(out->hop[0].location), "%s", location);
	while (p != NULL && *p != '\0' && out->nfields < MAX_HTTP_FIELDS) {
		const char *nl = strchr(p, '\n'), *colon;
		size_t llen = nl != NULL ? (size_t)(nl - p) : strlen(p), nlen, vlen;
		struct http_field *f = &out->field[out->nfields];
		const char *v;

		colon = memchr(p, ':', llen);
		assert_non_null(colon);
		nlen = (size_t)(colon - p);
		v = colon + 1;
		while (*v == ' ')
			v++;
		vlen = llen - (size_t)(v - p);
		assert_true(out->hlen + nlen + vlen + 2 <= sizeof(out->hbuf));
		memcpy(out->hbuf + out->hlen, p, nlen);
		out->hbuf[out->hlen + nlen] = '\0';
		f->name = out->hbuf + out->hlen;
		f->namelen = nlen;
		out->hlen += nlen + 1;
		memcpy(out->hbuf + out->hlen, v, vlen);
		out->hbuf[out->hlen + vlen] = '\0';
		f->value = out->hbuf + out->hlen;
		f->valuelen = vlen;
		out->hlen += vlen + 1;
		out->nfields++;
		out->fields_seen++;
		p = nl != NULL ? nl + 1 : NULL;
	}
	if (cap > 0 && body != NULL) {
		size_t keep = bodylen < cap ? bodylen : cap;

		out->body = malloc(keep > 0 ? keep : 1);
		assert_non_null(out->body);
		memcpy(out->body, body, keep);
		out->bodylen = keep;
		out->body_cut = bodylen > cap;
	}
}

static int
kind_of(const struct http_request *rq)
{
	if (strncmp(rq->url, "http://", 7) == 0)
		return WEBGET_HTTP;
	if (strstr(rq->url, "/.well-known/security.txt") != NULL)
		return WEBGET_SECTXT;
	if (strstr(rq->url, "/security.txt") != NULL)
		return WEBGET_SECTXT_ROOT;
	return rq->accept_encoding ? WEBGET_COMPRESS : WEBGET_HTTPS;
}

static int
fake_web_get(void *arg, const struct http_request *rq, uint64_t deadline_ms,
    struct http_response *out)
{
	struct zonefake *z = arg;
	struct webfake *f = z->user;
	int k = kind_of(rq);
	const struct canned_http *c = NULL;
	char host[300], loc[400];
	const char *hs, *he;
	const char *headers, *body;
	size_t bodylen;
	long code;

	(void)deadline_ms;
	__atomic_add_fetch(&f->calls[k], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&f->gets, 1, __ATOMIC_RELAXED);
	memset(out, 0, sizeof(*out));
	hs = strstr(rq->url, "://") + 3;
	he = hs + strcspn(hs, "/");
	snprintf(host, sizeof(host), "%.*s", (int)(he - hs), hs);
	for (size_t i = 0; i < f->n; i++)
		if ((f->c[i].addr == NULL || strcmp(f->c[i].addr, rq->addr) == 0) &&
		    (f->c[i].kind == KIND_ANY || f->c[i].kind == k))
			c = &f->c[i];
	if (c != NULL && c->fail != HTTP_OK && c->fail != HTTP_F_HEADERS) {
		out->fail = c->fail;
		out->connections = c->connections;
		out->requests = f->fail_on_kept ? 1 : 0;
		out->rc = PEIL_EIO;
		snprintf(out->why, sizeof(out->why), "%s failed (canned)", http_fail_name(c->fail));
		return 0;
	}
	/* the kind's default: a good site */
	switch (k) {
	case WEBGET_HTTP:
		snprintf(loc, sizeof(loc), "https://%s/", host);
		code = 301;
		headers = "Content-Type: text/html\n";
		body = "<html>moved</html>";
		break;
	case WEBGET_SECTXT:
		code = 200;
		headers = "Content-Type: text/plain; charset=utf-8\n";
		body = f->sectxt != NULL ? f->sectxt : sectxt_good;
		loc[0] = '\0';
		break;
	case WEBGET_SECTXT_ROOT:
		code = 404;
		headers = "Content-Type: text/html\n";
		body = "not found";
		loc[0] = '\0';
		break;
	case WEBGET_COMPRESS:
		code = 200;
		headers = "Content-Type: text/html\n";
		body = NULL;
		loc[0] = '\0';
		break;
	default:
		code = 200;
		headers = good_headers;
		body = page;
		loc[0] = '\0';
		break;
	}
	bodylen = body != NULL ? strlen(body) : 0;
	if (c != NULL) {
		code = c->code;
		if (c->headers != NULL)
			headers = c->headers;
		if (c->body != NULL) {
			body = c->body;
			bodylen = c->bodylen > 0 ? c->bodylen : strlen(c->body);
		}
		if (c->location != NULL || code < 300 || code > 399)
			snprintf(loc, sizeof(loc), "%s", c->location != NULL ? c->location : "");
	}
	fill(out, rq->url, rq->addr, code, headers, loc[0] != '\0' ? loc : NULL,
	    (const uint8_t *)body, bodylen, rq->body_cap);
	/* http_get follows no redirect to another host: it says so for the caller */
	if (rq->max_redirects == 0 && code >= 300 && code <= 399 && loc[0] != '\0') {
		out->redirect_stopped = true;
		snprintf(out->redirect_why, sizeof(out->redirect_why), "not followed: 0 "
		    "redirects allowed");
	} else if (code >= 300 && code <= 399 && loc[0] != '\0' &&
	    strstr(loc, "://") != NULL) {
		const char *ts = strstr(loc, "://") + 3;
		size_t tl = strcspn(ts, "/:?#");

		if (tl != strlen(host) || strncasecmp(ts, host, tl) != 0) {
			out->redirect_stopped = out->redirect_other_host = true;
			snprintf(out->redirect_why, sizeof(out->redirect_why), "not followed: another "
			    "host");
		}
	}
	snprintf(out->hop[0].addr, sizeof(out->hop[0].addr), "%s", rq->addr);
	__atomic_add_fetch(&f->redirects_max, rq->max_redirects, __ATOMIC_RELAXED);
	if (c != NULL && c->body_cut)
		out->body_cut = true;
	if (c != NULL && c->fail == HTTP_F_HEADERS) {
		/* the engine stopped at its header limits: what came is kept, the rest cut */
		out->fail = HTTP_F_HEADERS;
		out->rc = PEIL_EIO;
		out->fields_cut = true;
		out->fields_seen = out->nfields + 1;
		snprintf(out->why, sizeof(out->why), "over %d header fields", MAX_HTTP_FIELDS);
	}
	return 0;
}

static uint64_t
fake_now(void *arg)
{
	struct zonefake *z = arg;
	struct webfake *f = z->user;

	/* past the deadline once `limit` GETs were made */
	return f->limit > 0 && __atomic_load_n(&f->gets, __ATOMIC_RELAXED) >= f->limit ?
	    UINT64_MAX - 1 : 0;
}

static const int web_tests[] = {
	TEST_WEB_HTTPS_HTTP_AVAILABLE, TEST_WEB_HTTPS_HTTP_REDIRECT, TEST_WEB_HTTPS_HTTP_HSTS,
	TEST_WEB_HTTPS_HTTP_COMPRESS, TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS,
	TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS, TEST_WEB_APPSECPRIV_REFERRER_POLICY,
	TEST_WEB_APPSECPRIV_CSP, TEST_WEB_APPSECPRIV_SECURITYTXT, TEST_WEB_IPV6_WS_SIMILAR,
};
#define NWEB (sizeof(web_tests) / sizeof(web_tests[0]))

/* Runs every web test over zone with the canned responses; vantage families as given. */
static void
run_web(struct zonefake *z, bool ipv4, bool ipv6, bool web, Peil__Result *res[TEST_COUNT])
{
	struct dnswork_source src = { .lookup = zf_lookup, .now_ms = fake_now, .arg = z,
	    .validating = true, .ipv4 = ipv4, .ipv6 = ipv6, .reach = zf_reach,
	    .web_get = web ? fake_web_get : NULL };

	for (int i = 0; i < TEST_COUNT; i++)
		res[i] = NULL;
	for (size_t i = 0; i < NWEB; i++)
		assert_non_null(res[web_tests[i]] = result_new("d.test",
		    catalogue_get(web_tests[i])->id, PEIL__STATUS__STATUS_UNSPECIFIED, "test"));
	assert_int_equal(probe_run(&src, "d.test", UINT64_MAX - 2, res), 0);
	for (int i = 0; i < TEST_COUNT; i++)
		assert_true(res[i] == NULL || result_check(res[i]) == 0);
}

/* The statuses of web_tests in order, as letters: avail redir hsts compr xfo xcto ref csp
 * sectxt similar. */
static void
expect_all(Peil__Result *res[TEST_COUNT], const char *letters)
{
	bool ok = true;

	for (size_t i = 0; i < NWEB; i++)
		if (!expect(res[web_tests[i]], letters[i], NULL)) {
			fprintf(stderr, "  (test %zu of \"%s\")\n", i, letters);
			ok = false;
		}
	assert_true(ok);
}

/* Some evidence value of r contains s. */
static bool
ev_has(const Peil__Result *r, const char *s)
{
	for (size_t i = 0; i < r->n_evidence; i++)
		if (strstr(r->evidence[i]->value, s) != NULL)
			return true;
	dump(r);
	fprintf(stderr, "  no evidence has '%s'\n", s);
	return false;
}

static void
one(const struct canned_http *c, size_t n, const char *zone, const char *letters)
{
	struct webfake f = { .c = c, .n = n };
	struct zonefake z = { .zone = zone, .user = &f };
	Peil__Result *res[TEST_COUNT];

	run_web(&z, true, true, true, res);
	expect_all(res, letters);
	free_results(res);
}

/*                                avail redir hsts compr xfo xcto ref csp sectxt similar */
static void
test_good_site(void **state)
{
	struct webfake f = { 0 };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, true, true, true, res);
	expect_all(res, "PPPPPPPPPP");
	/* every address's line, the hosts' lookups */
	for (int i = 1; i <= 4; i++) {
		char key[16];

		snprintf(key, sizeof(key), "addr_%d", i);
		assert_non_null(ev(res[TEST_WEB_HTTPS_HTTP_HSTS], key));
	}
	assert_true(ev_has(res[TEST_WEB_HTTPS_HTTP_HSTS], "www.d.test [2001:db8::11]: "));
	assert_true(ev_has(res[TEST_WEB_HTTPS_HTTP_HSTS], "includeSubDomains"));
	assert_non_null(ev(res[TEST_WEB_HTTPS_HTTP_HSTS], "web_host_www"));
	/* only the kinds the tests need, each once per address; no fallback fetch */
	assert_int_equal(f.calls[WEBGET_HTTPS], 4);
	assert_int_equal(f.calls[WEBGET_HTTP], 4);
	assert_int_equal(f.calls[WEBGET_COMPRESS], 4);
	assert_int_equal(f.calls[WEBGET_SECTXT], 4);
	assert_int_equal(f.calls[WEBGET_SECTXT_ROOT], 0);
	free_results(res);
}

/* A test not asked for costs nothing: HSTS alone makes only the HTTPS GETs. */
static void
test_only_what_is_asked(void **state)
{
	struct webfake f = { 0 };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	struct dnswork_source src = { .lookup = zf_lookup, .now_ms = fake_now, .arg = &z,
	    .validating = true, .ipv4 = true, .ipv6 = true, .web_get = fake_web_get };
	Peil__Result *res[TEST_COUNT] = { 0 };

	(void)state;
	res[TEST_WEB_HTTPS_HTTP_HSTS] = result_new("d.test", "web_https_http_hsts",
	    PEIL__STATUS__STATUS_UNSPECIFIED, "test");
	assert_int_equal(probe_run(&src, "d.test", UINT64_MAX - 2, res), 0);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'P', ""));
	assert_int_equal(f.calls[WEBGET_HTTPS], 4);
	assert_int_equal(f.calls[WEBGET_HTTP] + f.calls[WEBGET_COMPRESS] +
	    f.calls[WEBGET_SECTXT] + f.calls[WEBGET_SECTXT_ROOT], 0);
	free_results(res);
}

/* A port that took no connection is not asked again in the run: the later requests to it
 * (and the TLS engine) get the first failure; the other port of the address is still asked. */
static void
test_dead_port(void **state)
{
	static const struct canned_http silent443[] = {
		{ NULL, WEBGET_HTTPS, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 0 },
		{ NULL, WEBGET_COMPRESS, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 0 },
		{ NULL, WEBGET_SECTXT, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 0 },
		{ NULL, WEBGET_SECTXT_ROOT, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	struct webfake f = { .c = silent443, .n = 4 };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, true, true, true, res);
	/* four addresses: one HTTPS try each, nothing more on 443; port 80 asked on each */
	assert_int_equal(f.calls[WEBGET_HTTPS], 4);
	assert_int_equal(f.calls[WEBGET_COMPRESS], 0);
	assert_int_equal(f.calls[WEBGET_SECTXT], 0);
	assert_int_equal(f.calls[WEBGET_SECTXT_ROOT], 0);
	assert_int_equal(f.calls[WEBGET_HTTP], 4);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], 'E', "no connection on port 443"));
	free_results(res);
}

/* The domain and www.<domain> on one address whose 443 takes no connection: both HTTPS
 * requests are made (at the same time: neither is "not asked again", whichever thread was
 * first), the later kinds are not. */
static void
test_dead_port_shared(void **state)
{
	static const struct canned_http refused[] = {
		{ NULL, KIND_ANY, HTTP_F_CONNECT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	struct webfake f = { .c = refused, .n = 1 };
	struct zonefake z = { .zone = "d.test. A 192.0.2.10\nwww.d.test. A 192.0.2.10\n",
	    .user = &f };
	Peil__Result *res[TEST_COUNT];
	const Peil__Result *r;

	(void)state;
	for (int round = 0; round < 20; round++) {
		memset(f.calls, 0, sizeof(f.calls));
		run_web(&z, true, false, true, res);
		assert_int_equal(f.calls[WEBGET_HTTPS], 2);
		assert_int_equal(f.calls[WEBGET_HTTP], 2);
		assert_int_equal(f.calls[WEBGET_COMPRESS] + f.calls[WEBGET_SECTXT], 0);
		r = res[TEST_WEB_HTTPS_HTTP_AVAILABLE];
		assert_true(expect(r, 'E', "no connection on port 443"));
		for (size_t i = 0; i < r->n_evidence; i++)
			assert_null(strstr(r->evidence[i]->value, "not asked again"));
		free_results(res);
	}
}

/* A request that timed out on a connection kept from an earlier request (no new connection,
 * the request sent) does not make the port dead: the port took connections; the later
 * requests and the TLS engine are still made there, and HTTPS counts as reachable. */
static void
test_kept_timeout(void **state)
{
	static const struct canned_http kept[] = {
		{ NULL, WEBGET_COMPRESS, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	struct webfake f = { .c = kept, .n = 1, .fail_on_kept = true };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, true, true, true, res);
	assert_int_equal(f.calls[WEBGET_HTTPS], 4);
	assert_int_equal(f.calls[WEBGET_COMPRESS], 4);
	assert_int_equal(f.calls[WEBGET_SECTXT], 4);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], 'P', ""));
	assert_false(ev_has(res[TEST_WEB_HTTPS_HTTP_COMPRESS], "no connection"));
	free_results(res);
}

/* internet.nl: HTTPS on 443 of each address; no TLS or no connection where another address
 * answers fails that address; no address reachable on 443 at all is an error. Tests that need
 * an HTTPS response do not judge an address without one. */
static void
test_available(void **state)
{
	static const struct canned_http tlsfail[] = {
		{ "2001:db8::11", WEBGET_HTTPS, HTTP_F_TLS, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http refused[] = {
		{ "192.0.2.11", WEBGET_HTTPS, HTTP_F_CONNECT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http silent_tls[] = {
		{ NULL, WEBGET_HTTPS, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 1 },
	};
	static const struct canned_http endless[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_F_HEADERS, 200, NULL, NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http none[] = {
		{ NULL, WEBGET_HTTPS, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 0 },
		{ NULL, WEBGET_COMPRESS, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	struct webfake f = { .c = tlsfail, .n = 1 };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, true, true, true, res);
	/* HTTPS fails there; headers judged on the three others; similar: 443 closed over
	 * IPv6 for www is not the case (TLS failed but the port answered), so only the page */
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], 'F', "www.d.test [2001:db8::11]"));
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'P', ""));
	assert_true(ev_has(res[TEST_WEB_HTTPS_HTTP_HSTS], "www.d.test [2001:db8::11]: no HTTPS "
	    "response"));
	free_results(res);

	f.c = refused;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], 'F', "no connection on port 443"));
	/* the IPv6 address answers on 443, the IPv4 one does not: not a port open over IPv4
	 * and closed over IPv6, so the comparison passes on the other port */
	free_results(res);

	/* endless headers: the engine stopped; HTTPS is there, the header tests cannot tell
	 * what is missing on that address: error with the reason */
	f.c = endless;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], 'P', ""));
	assert_true(ev_has(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], "its header was over the limits"));
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'E', "d.test [192.0.2.10]: the "
	    "response's header was over the limits (over 100 header fields)"));
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], 'E', NULL));
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_REDIRECT], 'P', ""));
	free_results(res);

	/* every address accepts TCP on 443 and never speaks TLS: reachable, no HTTPS: failed */
	f.c = silent_tls;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], 'F', "no HTTPS on port 443 "
	    "(timeout"));
	free_results(res);

	f.c = none;
	f.n = 2;
	run_web(&z, true, true, true, res);
	/*                avail redir hsts compr xfo xcto ref csp sectxt similar */
	expect_all(res, "ENNNNNNNNP");
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], 'E', "no connection on port 443"));
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'N', "no address answered over HTTPS"));
	free_results(res);
}

/* internet.nl (tls/http.py forced_http_check): the first response on port 80 must redirect
 * to https:// on the same host name (#1208); no HTTP at all passes (not applicable); the port
 * of the target is not compared. */
static void
test_redirect(void **state)
{
	static const struct canned_http no_redirect[] = {
		{ "192.0.2.10", WEBGET_HTTP, HTTP_OK, 200, NULL, NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http to_http[] = {
		{ "192.0.2.10", WEBGET_HTTP, HTTP_OK, 301, NULL, "http://d.test/x", NULL, 0, false, 0 },
	};
	static const struct canned_http other_host[] = {
		{ "2001:db8::10", WEBGET_HTTP, HTTP_OK, 301, NULL, "https://www.d.test/", NULL, 0,
		    false, 0 },
	};
	static const struct canned_http other_port[] = {
		{ "192.0.2.10", WEBGET_HTTP, HTTP_OK, 301, NULL, "https://D.TEST.:8443/p?q", NULL, 0,
		    false, 0 },
	};
	static const struct canned_http no_http[] = {
		{ NULL, WEBGET_HTTP, HTTP_F_CONNECT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http no_location[] = {
		{ "192.0.2.11", WEBGET_HTTP, HTTP_OK, 301, NULL, "", NULL, 0, false, 0 },
	};
	static const struct canned_http userinfo[] = {
		{ "192.0.2.10", WEBGET_HTTP, HTTP_OK, 301, NULL, "https://d.test@evil.test/", NULL,
		    0, false, 0 },
	};

	(void)state;
	/* the IPv4 page (status 200) differs from the IPv6 one (301) on port 80 too: a notice
	 * (internet.nl 1.8.0, #485), the similar test warns */
	one(no_redirect, 1, ZONE_WEB, "PFPPPPPPPW");
	one(to_http, 1, ZONE_WEB, "PFPPPPPPPP");
	one(other_host, 1, ZONE_WEB, "PFPPPPPPPP");
	one(other_port, 1, ZONE_WEB, "PPPPPPPPPP");
	/* no port 80 anywhere: not applicable; both families alike */
	one(no_http, 1, ZONE_WEB, "PPPPPPPPPP");
	one(no_location, 1, ZONE_WEB, "PFPPPPPPPP");
	one(userinfo, 1, ZONE_WEB, "PFPPPPPPPP");
}

/* internet.nl: the first Strict-Transport-Security value, max-age >= 31536000; none or
 * malformed fails. peil parses it by RFC 6797 6.1 (hsts_parse). */
static void
test_hsts(void **state)
{
	static const struct canned_http none[] = {
		{ "2001:db8::11", WEBGET_HTTPS, HTTP_OK, 200, "X-Frame-Options: DENY\n"
		    "X-Content-Type-Options: nosniff\n", NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http shortage[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Strict-Transport-Security: "
		    "max-age=100\nX-Frame-Options: DENY\nX-Content-Type-Options: nosniff\n", NULL,
		    NULL, 0, false, 0 },
	};
	static const struct canned_http malformed[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Strict-Transport-Security: "
		    "max-age=abc\nX-Frame-Options: DENY\nX-Content-Type-Options: nosniff\n", NULL,
		    NULL, 0, false, 0 },
	};
	static const struct canned_http dup[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Strict-Transport-Security: "
		    "max-age=31536000; max-age=31536000\nX-Frame-Options: DENY\n"
		    "X-Content-Type-Options: nosniff\n", NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http first_good[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Strict-Transport-Security: "
		    "max-age=63072000; includeSubDomains; preload\n"
		    "Strict-Transport-Security: max-age=0\nX-Frame-Options: DENY\n"
		    "X-Content-Type-Options: nosniff\n", NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http first_bad[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Strict-Transport-Security: max-age=0\n"
		    "Strict-Transport-Security: max-age=63072000\nX-Frame-Options: DENY\n"
		    "X-Content-Type-Options: nosniff\n", NULL, NULL, 0, false, 0 },
	};
	struct webfake f = { .c = none, .n = 1 };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'F',
	    "www.d.test [2001:db8::11]: no Strict-Transport-Security"));
	/* the three good addresses have their lines too */
	assert_true(ev_has(res[TEST_WEB_HTTPS_HTTP_HSTS], "d.test [192.0.2.10]: "
	    "Strict-Transport-Security: max-age=31536000"));
	assert_true(ev_has(res[TEST_WEB_HTTPS_HTTP_HSTS], "www.d.test [192.0.2.11]: "));
	assert_true(ev_has(res[TEST_WEB_HTTPS_HTTP_HSTS], "d.test [2001:db8::10]: "));
	free_results(res);

	f.c = shortage;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'F', "less than a year"));
	free_results(res);
	f.c = malformed;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'F', "malformed"));
	free_results(res);
	f.c = dup;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'F', "duplicate"));
	free_results(res);
	f.c = first_good;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'P', ""));
	assert_true(ev_has(res[TEST_WEB_HTTPS_HTTP_HSTS], "parsed: max-age 63072000 s "
	    "(at least 31536000), includeSubDomains, preload"));
	assert_true(ev_has(res[TEST_WEB_HTTPS_HTTP_HSTS], "2 such fields: the first counts"));
	free_results(res);
	f.c = first_bad;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'F', "max-age=0 is less than a year"));
	free_results(res);
}

/* internet.nl: any Content-Encoding over HTTPS is compression: info (never a failure). */
static void
test_compress(void **state)
{
	static const struct canned_http gz[] = {
		{ "2001:db8::10", WEBGET_COMPRESS, HTTP_OK, 200, "Content-Encoding: gzip\n", NULL,
		    NULL, 0, false, 0 },
	};
	static const struct canned_http fails[] = {
		{ NULL, WEBGET_COMPRESS, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	struct webfake f = { .c = gz, .n = 1 };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_COMPRESS], 'I', "d.test [2001:db8::10]: "
	    "compressed: Content-Encoding gzip"));
	free_results(res);
	f.c = fails;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_COMPRESS], 'N', NULL));
	free_results(res);
}

/* internet.nl: the first value of X-Frame-Options (the fields joined), DENY or SAMEORIGIN in
 * any case; else (ALLOW-FROM, none) bad, at worst info. X-Content-Type-Options: the first
 * value nosniff, else a notice (warning). */
static void
test_frame_and_type_options(void **state)
{
#define H(x) "Strict-Transport-Security: max-age=31536000\n" x
	static const struct canned_http same[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, H("X-Frame-Options: sameorigin\n"
		    "X-Content-Type-Options: NOSNIFF\n"), NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http allow[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, H("X-Frame-Options: ALLOW-FROM "
		    "https://x.test/\nX-Content-Type-Options: sniff\n"), NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http none[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, H("Content-Security-Policy: "
		    "frame-ancestors 'none'\n"), NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http two[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, H("X-Frame-Options: DENY, SAMEORIGIN\n"
		    "X-Frame-Options: ALLOW-FROM https://x.test/\n"
		    "X-Content-Type-Options: nosniff, sniff\n"), NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http first_bad[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, H("X-Frame-Options: ALLOW-FROM x\n"
		    "X-Frame-Options: DENY\nX-Content-Type-Options: sniff, nosniff\n"), NULL, NULL,
		    0, false, 0 },
	};
	struct webfake f = { .c = same, .n = 1 };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS], 'P', ""));
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], 'P', ""));
	free_results(res);
	f.c = allow;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS], 'I', "ALLOW-FROM "
	    "https://x.test/ is neither DENY nor SAMEORIGIN"));
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], 'W', "sniff is not "
	    "nosniff"));
	free_results(res);
	f.c = none;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS], 'I', "no X-Frame-Options "
	    "header (Content-Security-Policy names frame-ancestors)"));
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], 'W',
	    "no X-Content-Type-Options"));
	free_results(res);
	f.c = two;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS], 'P', ""));
	assert_true(ev_has(res[TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS], "2 X-Frame-Options fields"));
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], 'P', ""));
	free_results(res);
	f.c = first_bad;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS], 'I', "ALLOW-FROM x"));
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], 'W', NULL));
	free_results(res);
#undef H
}

/* internet.nl: the last comma-separated value (the fields joined) decides: no-referrer,
 * same-origin good; strict-origin(-when-cross-origin) or no policy full points with a
 * recommendation, shown as info (#1725, #1733); anything else a notice (warning). */
static void
test_referrer(void **state)
{
	static const struct canned_http cases[][1] = {
		{ { "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Referrer-Policy: unsafe-url\n", NULL,
		    NULL, 0, false, 0 } },
		{ { "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Referrer-Policy: unsafe-url\n"
		    "Referrer-Policy: same-origin\n", NULL, NULL, 0, false, 0 } },
		{ { "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Referrer-Policy: no-referrer, "
		    "unsafe-url\n", NULL, NULL, 0, false, 0 } },
		{ { "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "X-Other: 1\n", NULL, NULL, 0,
		    false, 0 } },
		{ { "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Referrer-Policy: "
		    "strict-origin-when-cross-origin\n", NULL, NULL, 0, false, 0 } },
		{ { "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Referrer-Policy: no-referrer, foo\n",
		    NULL, NULL, 0, false, 0 } },
		{ { "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Referrer-Policy: strict-origin\n",
		    NULL, NULL, 0, false, 0 } },
		{ { "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, "Referrer-Policy: same-origin\n",
		    NULL, NULL, 0, false, 0 } },
	};
	static const char st[] = "WPWIIWIP";
	static const char *const why[] = { "the last value unsafe-url decides", "",
	    "the last value unsafe-url decides", "no policy (browsers default to "
	    "strict-origin-when-cross-origin): no-referrer or same-origin recommended",
	    "the last value strict-origin-when-cross-origin decides: no-referrer or same-origin "
	    "recommended", "the last value foo decides",
	    "the last value strict-origin decides: no-referrer or same-origin recommended", "" };
	static const char *const line[] = { "Referrer-Policy: unsafe-url",
	    "Referrer-Policy: unsafe-url,same-origin", "unsafe-url", "no policy",
	    "strict-origin-when-cross-origin decides", "foo", "strict-origin decides",
	    "same-origin decides: good" };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct webfake f = { .c = cases[i], .n = 1 };
		struct zonefake z = { .zone = ZONE_WEB, .user = &f };

		run_web(&z, true, true, true, res);
		if (!expect(res[TEST_WEB_APPSECPRIV_REFERRER_POLICY], st[i], why[i]))
			fail_msg("referrer case %zu", i);
		assert_true(ev_has(res[TEST_WEB_APPSECPRIV_REFERRER_POLICY], line[i]));
		free_results(res);
	}
}

/* internet.nl (http_headers.py HeaderCheckerContentSecurityPolicy, the fields joined and every
 * policy merged): default-src 'self' or 'none' (hosts of the tested domain only),
 * frame-ancestors, base-uri and form-action restricted, no unsafe-* keyword, http:, bare
 * https:, host without scheme, * or data: for scripts; none or any failure bad, at worst a
 * notice (warning). Judged for each host's own name. */
static void
test_csp(void **state)
{
#define HS "Strict-Transport-Security: max-age=31536000\n"
	static const struct canned_http inline_[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, HS "Content-Security-Policy: default-src "
		    "'self' 'unsafe-inline'; frame-ancestors 'self'; base-uri 'self'; form-action "
		    "'self'\n", NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http none[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, HS, NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http split[] = {
		{ NULL, WEBGET_HTTPS, HTTP_OK, 200, HS "Content-Security-Policy: default-src 'self'; "
		    "frame-ancestors 'none'\nContent-Security-Policy: base-uri 'self'; form-action "
		    "'self'\n", NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http no_fa[] = {
		{ "2001:db8::11", WEBGET_HTTPS, HTTP_OK, 200, HS "Content-Security-Policy: default-src "
		    "'self'; base-uri 'self'; form-action 'self'\n", NULL, NULL, 0, false, 0 },
	};
	static const struct canned_http bare[] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, HS "Content-Security-Policy: default-src "
		    "'self'; script-src https:; frame-ancestors 'self'; base-uri 'self'; form-action "
		    "'self'\n", NULL, NULL, 0, false, 0 },
	};
	/* a host of the apex's family: good for d.test, not for www.d.test (not its suffix) */
	static const struct canned_http cdn[] = {
		{ NULL, WEBGET_HTTPS, HTTP_OK, 200, HS "Content-Security-Policy: default-src 'self' "
		    "https://cdn.d.test; frame-ancestors 'self'; base-uri 'self'; form-action "
		    "'self'\n", NULL, NULL, 0, false, 0 },
	};
	struct canned_http big[1] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, NULL, NULL, NULL, 0, false, 0 },
	};
	struct webfake f = { .c = inline_, .n = 1 };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	Peil__Result *res[TEST_COUNT];
	char *hdr;
	size_t hl = 0;

	(void)state;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_CSP], 'W', "d.test [192.0.2.10]: "
	    "has-unsafe-inline: default-src 'unsafe-inline'"));
	assert_true(ev_has(res[TEST_WEB_APPSECPRIV_CSP], "d.test [192.0.2.10]: "
	    "Content-Security-Policy: default-src 'self' 'unsafe-inline'"));
	assert_true(ev_has(res[TEST_WEB_APPSECPRIV_CSP], "www.d.test [192.0.2.11]: "
	    "Content-Security-Policy: default-src 'self'; frame-ancestors 'self'"));
	free_results(res);
	f.c = none;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_CSP], 'W', "no Content-Security-Policy header"));
	free_results(res);
	f.c = split;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_CSP], 'P', ""));
	assert_true(ev_has(res[TEST_WEB_APPSECPRIV_CSP], "restrictive (2 policies)"));
	free_results(res);
	f.c = no_fa;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_CSP], 'W', "www.d.test [2001:db8::11]: "));
	assert_true(expect(res[TEST_WEB_APPSECPRIV_CSP], 'W', "missing-invalid-frame-ancestors"));
	free_results(res);
	f.c = bare;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_CSP], 'W', "has-bare-https"));
	free_results(res);
	f.c = cdn;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_CSP], 'W', "www.d.test [2001:db8::11]: "));
	assert_true(expect(res[TEST_WEB_APPSECPRIV_CSP], 'W', "missing-invalid-default-src"));
	assert_true(ev_has(res[TEST_WEB_APPSECPRIV_CSP], "d.test [192.0.2.10]: "
	    "Content-Security-Policy: default-src 'self' https://cdn.d.test; frame-ancestors "
	    "'self'; base-uri 'self'; form-action 'self', restrictive"));
	free_results(res);

	/* the engine keeps at most 64 KiB of header, the parser's byte limit: 20 policies (over
	 * MAX_CSP_POLICIES) are what it refuses here, with its reason, bad */
	assert_non_null(hdr = malloc(20 * 64 + 100));
	hl += (size_t)sprintf(hdr, HS);
	for (int i = 0; i < 20; i++)
		hl += (size_t)sprintf(hdr + hl, "Content-Security-Policy: default-src 'self'\n");
	big[0].headers = hdr;
	f.c = big;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_CSP], 'W', "Content-Security-Policy refused: "
	    "too-many-policies"));
	free_results(res);
	free(hdr);
#undef HS
}

/* internet.nl (securitytxt.py, documentation/securitytxt.md): /.well-known/security.txt,
 * else /security.txt (an error: location); 200, a Content-Type text/plain whose charset, when
 * present, is utf-8; sectxt's errors (expired, no Contact, ...) a notice (warning), its
 * recommendations alone (long_expiry, not_signed, no_canonical, no_encryption) info. */
static void
test_securitytxt(void **state)
{
	static char nul_body[] = "Contact: https://d.test/x\0\nExpires: 2099-01-01T00:00:00Z\n";
	static const char bad_utf8[] = "Contact: https://d.test/\xff\xfe\nExpires: "
	    "2099-01-01T00:00:00Z\n";
	const struct canned_http legacy[] = {
		{ NULL, WEBGET_SECTXT, HTTP_OK, 404, "Content-Type: text/html\n", NULL, "nf", 0,
		    false, 0 },
		{ NULL, WEBGET_SECTXT_ROOT, HTTP_OK, 200, "Content-Type: text/plain\n", NULL,
		    sectxt_good, 0, false, 0 },
	};
	const struct canned_http missing[] = {
		{ "192.0.2.11", WEBGET_SECTXT, HTTP_OK, 404, "Content-Type: text/html\n", NULL,
		    "nf", 0, false, 0 },
	};
	const struct canned_http status500[] = {
		{ "192.0.2.11", WEBGET_SECTXT, HTTP_OK, 500, "Content-Type: text/html\n", NULL,
		    "err", 0, false, 0 },
		{ "192.0.2.11", WEBGET_SECTXT_ROOT, HTTP_OK, 503, "Content-Type: text/html\n",
		    NULL, "err", 0, false, 0 },
	};
	const struct canned_http html[] = {
		{ "192.0.2.11", WEBGET_SECTXT, HTTP_OK, 200, "Content-Type: text/html; "
		    "charset=utf-8\n", NULL, "<html></html>", 0, false, 0 },
	};
	const struct canned_http nocharset[] = {
		{ NULL, WEBGET_SECTXT, HTTP_OK, 200, "Content-Type: Text/Plain\n", NULL,
		    sectxt_good, 0, false, 0 },
	};
	const struct canned_http latin1[] = {
		{ NULL, WEBGET_SECTXT, HTTP_OK, 200, "Content-Type: text/plain; "
		    "charset=\"ISO-8859-1\"\n", NULL, sectxt_good, 0, false, 0 },
	};
	const struct canned_http notype[] = {
		{ NULL, WEBGET_SECTXT, HTTP_OK, 200, "X-A: b\n", NULL, sectxt_good, 0, false, 0 },
	};
	const struct canned_http utf8[] = {
		{ NULL, WEBGET_SECTXT, HTTP_OK, 200, "Content-Type: text/plain; charset=utf-8\n",
		    NULL, bad_utf8, 0, false, 0 },
	};
	const struct canned_http nul[] = {
		{ NULL, WEBGET_SECTXT, HTTP_OK, 200, "Content-Type: text/plain; charset=utf-8\n",
		    NULL, nul_body, sizeof(nul_body) - 1, false, 0 },
	};
	const struct canned_http cut[] = {
		{ NULL, WEBGET_SECTXT, HTTP_OK, 200, "Content-Type: text/plain; charset=utf-8\n",
		    NULL, sectxt_good, 0, true, 0 },
	};
	const struct canned_http unreachable[] = {
		{ "192.0.2.11", WEBGET_SECTXT, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 0 },
		{ "192.0.2.11", WEBGET_SECTXT_ROOT, HTTP_F_TIMEOUT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	struct {
		const struct canned_http *c;
		size_t n;
		const char *sectxt;
		char st;
		const char *why;
	} cases[] = {
		{ NULL, 0, NULL, 'P', "" },
		{ NULL, 0, sectxt_unsigned, 'I', "not_signed" },
		{ NULL, 0, sectxt_far, 'I', "long_expiry" },
		{ NULL, 0, sectxt_expired, 'W', "expired" },
		/* internet.nl 1.8.0 (#772): sectxt's no_canonical_match, an error (notice) */
		{ NULL, 0, sectxt_canon_apex, 'W', "www.d.test [2001:db8::11]: no_canonical_match: "
		    "https://www.d.test/.well-known/security.txt is not among the 1 Canonical" },
		/* sectxt: no_space and invalid_lang are errors; unknown_field is a notification
		 * internet.nl 1.8 does not use (#1410): only the recommendation not_signed */
		{ NULL, 0, sectxt_nospace, 'W', "no-space (line 1)" },
		{ NULL, 0, sectxt_lang, 'W', "bad-preferred-languages (line 3)" },
		{ NULL, 0, sectxt_unknown, 'I', "not_signed" },
		{ legacy, 2, NULL, 'W', "location: found at /security.txt" },
		{ missing, 1, NULL, 'W', "www.d.test [192.0.2.11]: no security.txt (404" },
		{ status500, 2, NULL, 'W', "unexpected HTTP status 503" },
		{ html, 1, NULL, 'W', "invalid_media" },
		{ nocharset, 1, NULL, 'P', "" },
		{ latin1, 1, NULL, 'W', "invalid_charset: charset ISO-8859-1" },
		{ notype, 1, NULL, 'W', "no_content_type" },
		{ utf8, 1, NULL, 'W', "content refused" },
		{ nul, 1, NULL, 'W', "content refused" },
		{ cut, 1, NULL, 'W', "longer than 102400 bytes" },
		{ unreachable, 2, NULL, 'E', "www.d.test [192.0.2.11]: security.txt could not be "
		    "fetched: timeout failed" },
	};
	Peil__Result *res[TEST_COUNT];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct webfake f = { .c = cases[i].c, .n = cases[i].n, .sectxt = cases[i].sectxt };
		struct zonefake z = { .zone = ZONE_WEB, .user = &f };

		run_web(&z, true, true, true, res);
		if (!expect(res[TEST_WEB_APPSECPRIV_SECURITYTXT], cases[i].st, cases[i].why))
			fail_msg("security.txt case %zu", i);
		/* the fallback is asked only where the first path gave no 200 */
		if (cases[i].c == NULL)
			assert_int_equal(f.calls[WEBGET_SECTXT_ROOT], 0);
		if (cases[i].c == legacy)
			assert_int_equal(f.calls[WEBGET_SECTXT_ROOT], 4);
		if (cases[i].c == missing)
			assert_int_equal(f.calls[WEBGET_SECTXT_ROOT], 1);
		if (cases[i].sectxt == sectxt_unknown)
			assert_true(ev_has(res[TEST_WEB_APPSECPRIV_SECURITYTXT], "1 field of unknown "
			    "name (not judged)"));
		if (cases[i].sectxt == NULL && cases[i].c == NULL)
			assert_true(ev_has(res[TEST_WEB_APPSECPRIV_SECURITYTXT], "Canonical lists "
			    "https://www.d.test/.well-known/security.txt"));
		free_results(res);
	}
}

/* internet.nl (securitytxt.py, http_client.py http_get_ip: requests follows redirects, other
 * hosts included): a redirect to another host is followed, the name looked up by the
 * vantage's resolver in the address's family and the GET pinned to its address, the hops
 * bounded (MAX_HTTP_REDIRECTS in all) and recorded; Canonical is compared with the last URL. */
static void
test_sectxt_redirect(void **state)
{
	static const char zone[] = ZONE_WEB
	    "sec.other.test. A 192.0.2.50\n"
	    "sec.other.test. AAAA 2001:db8::50\n"
	    "loop.test. A 192.0.2.60\n";
	const struct canned_http away[] = {
		{ "192.0.2.10", WEBGET_SECTXT, HTTP_OK, 301, "Content-Type: text/html\n",
		    "https://sec.other.test/.well-known/security.txt", "moved", 0, false, 0 },
		{ "2001:db8::11", WEBGET_SECTXT, HTTP_OK, 302, "Content-Type: text/html\n",
		    "https://nx.other.test/security.txt", "moved", 0, false, 0 },
	};
	const struct canned_http loop[] = {
		{ "192.0.2.10", WEBGET_SECTXT, HTTP_OK, 301, "Content-Type: text/html\n",
		    "https://loop.test/.well-known/security.txt", "moved", 0, false, 0 },
		{ "192.0.2.60", WEBGET_SECTXT, HTTP_OK, 301, "Content-Type: text/html\n",
		    "https://d.test/.well-known/security.txt", "moved", 0, false, 0 },
	};
	char body[1024], soon[32];
	time_t t = time(NULL) + 30 * 86400;
	struct webfake f = { .c = away, .n = 2, .sectxt = body };
	struct zonefake z = { .zone = zone, .user = &f };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	strftime(soon, sizeof(soon), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	snprintf(body, sizeof(body), "-----BEGIN PGP SIGNED MESSAGE-----\n"
	    "Hash: SHA256\n\nContact: https://d.test/security\nExpires: %s\n"
	    "Canonical: https://d.test/.well-known/security.txt\n"
	    "Canonical: https://www.d.test/.well-known/security.txt\n"
	    "Canonical: https://sec.other.test/.well-known/security.txt\n"
	    "-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEE\n=abcd\n"
	    "-----END PGP SIGNATURE-----\n", soon);
	run_web(&z, true, true, true, res);
	/* d.test [192.0.2.10] got it from sec.other.test [192.0.2.50]; www's IPv6 address was
	 * sent to a name without addresses: not followed, the 302 is its answer */
	assert_true(expect(res[TEST_WEB_APPSECPRIV_SECURITYTXT], 'W', "www.d.test "
	    "[2001:db8::11]: no security.txt (404)"));
	assert_true(ev_has(res[TEST_WEB_APPSECPRIV_SECURITYTXT], "d.test [192.0.2.10]: "
	    "redirects (2 hops): https://d.test/.well-known/security.txt (301) -> "
	    "https://sec.other.test/.well-known/security.txt [192.0.2.50] (200), "
	    "https://sec.other.test/.well-known/security.txt (status 200), Canonical lists "
	    "https://sec.other.test/.well-known/security.txt, content valid"));
	assert_true(ev_has(res[TEST_WEB_APPSECPRIV_SECURITYTXT], "www.d.test [2001:db8::11]: "
	    "redirects (1 hop; the last not followed: nx.other.test has no AAAA): "
	    "https://www.d.test/.well-known/security.txt (302)"));
	/* the hop limit is shared: the second GET may follow 10 - 1 more (and www's IPv6
	 * address alone asks the fallback path) */
	assert_int_equal(f.calls[WEBGET_SECTXT], 5);
	assert_int_equal(f.calls[WEBGET_SECTXT_ROOT], 1);
	assert_int_equal(f.redirects_max, 4 * MAX_HTTP_REDIRECTS + (MAX_HTTP_REDIRECTS - 1) +
	    MAX_HTTP_REDIRECTS);
	free_results(res);

	/* d.test -> loop.test -> d.test -> ...: MAX_HTTP_REDIRECTS hops, then stopped */
	memset(&f, 0, sizeof(f));
	f.c = loop;
	f.n = 2;
	f.sectxt = body;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_SECURITYTXT], 'W', "d.test [192.0.2.10]: no "
	    "security.txt (404)"));
	assert_true(ev_has(res[TEST_WEB_APPSECPRIV_SECURITYTXT], "d.test [192.0.2.10]: redirects "
	    "(11 hops; the last not followed: 10 redirects allowed): "
	    "https://d.test/.well-known/security.txt (301) -> "
	    "https://loop.test/.well-known/security.txt [192.0.2.60] (301) -> "));
	assert_int_equal(f.calls[WEBGET_SECTXT], 4 + MAX_HTTP_REDIRECTS);
	free_results(res);
}

/* internet.nl (ipv6.py): over IPv6 the same ports (80, 443) as over IPv4; the page on 80 (else
 * 443), the first 500 KB, at most 10 % different by difflib's quick_ratio; IPv6-only and
 * IPv4-only sites and IPv6 unreachable are not judged; IPv4 all unreachable while IPv6
 * answers fails. peil also wants the same status codes (issue 12). */
static void
test_similar(void **state)
{
	static const char other_page[] = "<html><body><h2>Maintenance</h2>zzzzzzzzzzzzzzzzzzzzzzz"
	    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz</body></html>";
	const struct canned_http different[] = {
		{ "2001:db8::11", WEBGET_HTTP, HTTP_OK, 301, "X: y\n", NULL, other_page, 0, false, 0 },
		{ "2001:db8::11", WEBGET_HTTPS, HTTP_OK, 200, good_headers, NULL, other_page, 0,
		    false, 0 },
	};
	const struct canned_http port80[] = {
		{ "2001:db8::10", WEBGET_HTTP, HTTP_F_CONNECT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	const struct canned_http status[] = {
		{ "2001:db8::10", WEBGET_HTTPS, HTTP_OK, 503, good_headers, NULL, NULL, 0, false, 0 },
	};
	const struct canned_http v4dead[] = {
		{ "192.0.2.10", KIND_ANY, HTTP_F_CONNECT, 0, NULL, NULL, NULL, 0, false, 0 },
		{ "192.0.2.11", KIND_ANY, HTTP_F_CONNECT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	const struct canned_http v6dead[] = {
		{ "2001:db8::10", KIND_ANY, HTTP_F_CONNECT, 0, NULL, NULL, NULL, 0, false, 0 },
		{ "2001:db8::11", KIND_ANY, HTTP_F_CONNECT, 0, NULL, NULL, NULL, 0, false, 0 },
	};
	struct webfake f = { .c = different, .n = 2 };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, true, true, true, res);
	/* internet.nl 1.8.0 (#485): a page that differs is a notice, not a failure */
	assert_true(expect(res[TEST_WEB_IPV6_WS_SIMILAR], 'W', "www.d.test [2001:db8::11]: port "
	    "80: the page differs"));
	assert_true(ev_has(res[TEST_WEB_IPV6_WS_SIMILAR], "d.test [2001:db8::10]: port 80: "
	    "status 301 on both"));
	assert_true(ev_has(res[TEST_WEB_IPV6_WS_SIMILAR], "www.d.test [192.0.2.11]: IPv4: port 80 "
	    "status 301"));
	free_results(res);

	f.c = port80;
	f.n = 1;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_IPV6_WS_SIMILAR], 'F', "port 80 open over IPv4, not over "
	    "IPv6"));
	free_results(res);

	f.c = status;
	run_web(&z, true, true, true, res);
	/* a different status is judged as a different page is: a notice */
	assert_true(expect(res[TEST_WEB_IPV6_WS_SIMILAR], 'W', "port 443: status 200 over IPv4 "
	    "[192.0.2.10], 503 over IPv6"));
	free_results(res);

	f.c = v4dead;
	f.n = 2;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_IPV6_WS_SIMILAR], 'F', "no IPv4 address answers"));
	free_results(res);

	f.c = v6dead;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_IPV6_WS_SIMILAR], 'N', "nothing to compare"));
	free_results(res);

	/* IPv4-only and IPv6-only sites */
	f.c = NULL;
	f.n = 0;
	z.zone = "d.test. A 192.0.2.10\n";
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_IPV6_WS_SIMILAR], 'N', "nothing to compare"));
	free_results(res);
	z.zone = "d.test. AAAA 2001:db8::10\n";
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_IPV6_WS_SIMILAR], 'N', "nothing to compare"));
	assert_true(ev_has(res[TEST_WEB_IPV6_WS_SIMILAR], "IPv6-only host"));
	free_results(res);

	/* a vantage without IPv6 (or IPv4) cannot compare */
	z.zone = ZONE_WEB;
	run_web(&z, true, false, true, res);
	assert_true(expect(res[TEST_WEB_IPV6_WS_SIMILAR], 'N', "this vantage has no IPv6"));
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'P', ""));
	free_results(res);
	run_web(&z, false, true, true, res);
	assert_true(expect(res[TEST_WEB_IPV6_WS_SIMILAR], 'N', "this vantage has no IPv4"));
	free_results(res);
}

/* The difference measure: quick_ratio over bytes, linear, nonces and __VIEWSTATE left out,
 * the first 500 KB only. */
static void
test_difference(void **state)
{
	static const char a[] = "<script nonce=\"r4nd0m1\">x()</script><input type=hidden "
	    "name=\"__VIEWSTATE\" value=\"AAAA\">";
	static const char b[] = "<script nonce=\"0th3rv4lu3\">x()</script><input type=hidden "
	    "name=\"__VIEWSTATE\" value=\"QkJCQkJCQkJCQkJCQg==\">";
	uint8_t *x, *y;
	size_t big = MAX_HTTP_BODY_BYTES;
	clock_t t0;

	(void)state;
	assert_true(probe_web_difference(NULL, 0, NULL, 0) == 0.0);
	assert_true(probe_web_difference((const uint8_t *)"abc", 3, (const uint8_t *)"abc", 3) ==
	    0.0);
	assert_true(probe_web_difference((const uint8_t *)"abc", 3, (const uint8_t *)"xyz", 3) ==
	    100.0);
	/* quick_ratio("abcd", "abxy") = 2*2/8: 50 % */
	assert_true(probe_web_difference((const uint8_t *)"abcd", 4, (const uint8_t *)"abxy", 4) ==
	    50.0);
	assert_true(probe_web_difference((const uint8_t *)a, strlen(a), (const uint8_t *)b,
	    strlen(b)) == 0.0);
	/* 512 KB bodies that differ only after the first 500 KB; hostile '<input' runs */
	x = malloc(big);
	y = malloc(big);
	assert_non_null(x);
	assert_non_null(y);
	for (size_t i = 0; i < big; i++)
		x[i] = y[i] = (uint8_t)"<input "[i % 7];
	for (size_t i = MAX_WEB_SIMILAR_BYTES; i < big; i++)
		y[i] = 'z';
	t0 = clock();
	assert_true(probe_web_difference(x, big, y, big) == 0.0);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	free(x);
	free(y);
}

/* Hosts and addresses: www. without addresses; no address at all; a failed lookup; a vantage
 * without the web; the run's time running out. */
static void
test_hosts_and_limits(void **state)
{
	struct webfake f = { 0 };
	struct zonefake z = { .zone = "d.test. A 192.0.2.10\n"
	    "d.test. AAAA 2001:db8::10\n", .user = &f };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_web(&z, true, true, true, res);
	expect_all(res, "PPPPPPPPPP");
	assert_non_null(ev(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], "addr_2"));
	assert_null(ev(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], "addr_3"));
	assert_true(ev_has(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], "www.d.test: no address"));
	free_results(res);

	z.zone = "d.test. TXT \"no web\"\n";
	run_web(&z, true, true, true, res);
	expect_all(res, "NNNNNNNNNN");
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_AVAILABLE], 'N', "no web server"));
	free_results(res);

	z.servfail = "www.d.test";
	run_web(&z, true, true, true, res);
	expect_all(res, "EEEEEEEEEE");
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_HSTS], 'E', "could not be looked up"));
	free_results(res);
	z.servfail = NULL;

	z.zone = ZONE_WEB;
	run_web(&z, true, true, false, res);
	expect_all(res, "NNNNNNNNNN");
	assert_true(expect(res[TEST_WEB_APPSECPRIV_SECURITYTXT], 'N', "this agent does not test "
	    "the web"));
	free_results(res);

	/* one address (no helper threads: deterministic); the clock passes the deadline after
	 * the first GET: the tests whose requests were not all made are the runner's */
	z.zone = "d.test. A 192.0.2.10\n";
	f.limit = 1;
	f.gets = 0;
	run_web(&z, true, true, true, res);
	/*                avail redir hsts compr xfo xcto ref csp sectxt similar */
	expect_all(res, "PEPEPPPPEE");
	assert_true(expect(res[TEST_WEB_HTTPS_HTTP_REDIRECT], 'E', "time budget exhausted"));
	free_results(res);
}

/* Hostile header values: control bytes, invalid UTF-8, a long value within the engine's
 * bounds. They are stored as evidence values (cut) and every output format escapes them. */
static void
test_hostile_values(void **state)
{
	static const char evil[] = "Strict-Transport-Security: max-age=31536000\n"
	    "X-Content-Type-Options: \x1b[31mno\xff\xfesniff\x07\r\n"
	    "X-Frame-Options: DENY\n";
	char *longv, *hdr, *out = NULL;
	size_t outlen = 0, vlen = 16000;
	struct canned_http c[2] = {
		{ "192.0.2.10", WEBGET_HTTPS, HTTP_OK, 200, evil, NULL, NULL, 0, false, 0 },
		{ "2001:db8::10", WEBGET_HTTPS, HTTP_OK, 200, NULL, NULL, NULL, 0, false, 0 },
	};
	struct webfake f = { .c = c, .n = 2 };
	struct zonefake z = { .zone = ZONE_WEB, .user = &f };
	Peil__Result *res[TEST_COUNT];
	const char *v;
	FILE *m;

	(void)state;
	longv = malloc(vlen + 1);
	hdr = malloc(vlen + 200);
	assert_non_null(longv);
	assert_non_null(hdr);
	memset(longv, 'A', vlen);
	longv[vlen] = '\0';
	snprintf(hdr, vlen + 200, "X-Frame-Options: %s\nStrict-Transport-Security: "
	    "max-age=31536000\n", longv);
	c[1].headers = hdr;
	run_web(&z, true, true, true, res);
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], 'W', "is not nosniff"));
	assert_true(expect(res[TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS], 'I', "d.test [2001:db8::10]"));
	/* stored: the control bytes as they came, invalid UTF-8 replaced, long values cut */
	v = ev(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], "addr_2");   /* 192.0.2.10 */
	assert_non_null(v);
	assert_non_null(strstr(v, "\x1b[31mno"));
	assert_null(strstr(v, "\xff"));
	v = ev(res[TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS], "addr_1");          /* AAAA first */
	assert_non_null(v);
	assert_true(strlen(v) < MAX_WEB_EV_VALUE_LEN + 200);
	assert_non_null(strstr(v, "AAAA" CUT_MARK));

	/* every format escapes them: no raw ESC or BEL reaches the output */
	assert_non_null(m = open_memstream(&out, &outlen));
	assert_int_equal(result_write_table(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], m,
	    false), 0);
	fclose(m);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	assert_non_null(strstr(out, "\\x1b[31mno"));
	free(out);
	out = NULL;
	assert_non_null(m = open_memstream(&out, &outlen));
	assert_int_equal(result_write_json(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], m), 0);
	fclose(m);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "\\u001b[31mno"));
	free(out);
	out = NULL;
	assert_non_null(m = open_memstream(&out, &outlen));
	assert_int_equal(result_write_csv(res[TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS], m), 0);
	fclose(m);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	free(out);
	free_results(res);
	free(hdr);
	free(longv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_site),
		cmocka_unit_test(test_only_what_is_asked),
		cmocka_unit_test(test_available),
		cmocka_unit_test(test_dead_port),
		cmocka_unit_test(test_dead_port_shared),
		cmocka_unit_test(test_kept_timeout),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_hsts),
		cmocka_unit_test(test_compress),
		cmocka_unit_test(test_frame_and_type_options),
		cmocka_unit_test(test_referrer),
		cmocka_unit_test(test_csp),
		cmocka_unit_test(test_securitytxt),
		cmocka_unit_test(test_sectxt_redirect),
		cmocka_unit_test(test_similar),
		cmocka_unit_test(test_difference),
		cmocka_unit_test(test_hosts_and_limits),
		cmocka_unit_test(test_hostile_values),
	};

	make_sectxt();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
