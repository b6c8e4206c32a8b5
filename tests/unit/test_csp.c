/* test_csp.c: Content-Security-Policy parsing (W3C CSP Level 3 2.2.1, 2.2.2) and internet.nl's
 * verdict (internetstandards/Internet.nl checks/tasks/http_headers.py
 * HeaderCheckerContentSecurityPolicy, the 1.7+ version with content_security_policy_errors;
 * vectors from its tests/unittests/test_tasks_http_headers.py,
 * HeaderCheckerContentSecurityPolicyTestCase, the version with base_policy = "form-action
 * 'none'; base-uri 'none'; default-src 'self'; " and domain internet.nl). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "csp.h"
#include "err.h"
#include "limits.h"

#define BASE "form-action 'none'; base-uri 'none'; default-src 'self'; "
#define F(x) (1u << CSP_F_##x)

struct vvec {
	const char *v;
	bool good;
	uint32_t fails;               /* when not 0: exactly these failures */
};

static const struct vvec vvecs[] = {
	/* internet.nl test_tasks_http_headers.py, in its order */
	{ BASE "frame-ancestors 'self'", true, 0 },
	{ "form-action 'none'; base-uri 'none' https://example.nl; default-src 'self'; "
	  "frame-ancestors 'self'", false, F(BASE_URI) },
	{ "form-action 'none' http://example.nl/; base-uri 'none'; default-src 'self'; "
	  "frame-ancestors 'self'", false, F(HTTP) },
	{ BASE "frame-ancestors \xf0\x9f\x92\xa9", false, F(HOST_WITHOUT_SCHEME) |
	  F(FRAME_ANCESTORS) },
	{ "form-action 'none'; base-uri 'none'; default-src 'none'; frame-ancestors 'none'", true,
	  0 },
	{ "form-action 'none'; base-uri 'none'; frame-ancestors 'none'", false, F(DEFAULT_SRC) |
	  F(FRAME_SRC) },
	{ "form-action 'none'; base-uri 'none'; default-src 'none'", false, F(FRAME_ANCESTORS) },
	{ BASE "frame-ancestors 'self', style-src 'unsafe-inline'", false, F(UNSAFE_INLINE) },
	{ BASE "frame-ancestors 'self', style-src 'unsafe-eval'", false, F(UNSAFE_EVAL) },
	{ BASE "frame-ancestors 'self', style-src 'unsafe-hashes'", false, F(UNSAFE_HASHES) },
	{ "form-action 'none'; base-uri 'none'; default-src https://internet.nl; "
	  "frame-ancestors 'self'", false, F(DEFAULT_SRC) },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' https:; frame-ancestors 'self'",
	  false, F(BARE_HTTPS) | F(DEFAULT_SRC) },   /* frame-src falls back to default-src:
	                                              * 'self' there */
	{ "form-action 'none'; base-uri 'none'; default-src 'self' 'report_sample'; "
	  "frame-ancestors 'self'", true, 0 },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' https://internet.nl; "
	  "frame-ancestors 'self'", true, 0 },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' https://internet.nl "
	  "https://*.internet.nl; frame-ancestors 'self'", true, 0 },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' https://internet.nl "
	  "https://*.internet.nl https://www.internet.nl;frame-ancestors 'self'", true, 0 },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' https://internet.nl "
	  "https://*.internet.nl internet.com; frame-ancestors 'self'", false, 0 },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' https://www.internet.nl; "
	  "frame-ancestors 'self'", true, 0 },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' nl *.nl https://www.internet.nl "
	  "internet.com; frame-ancestors 'self'", false, 0 },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' https://*.internet.nl; "
	  "frame-ancestors 'self'", true, 0 },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' http:; frame-ancestors 'self'",
	  false, 0 },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' somethingelse; "
	  "frame-ancestors 'self'", false, 0 },
	{ BASE "frame-ancestors 'self', style-src http://adfadf.com/asdfh", false, F(HTTP) },
	{ BASE "frame-ancestors 'self', style-src http:", false, F(HTTP) },
	{ BASE "frame-ancestors 'self', style-src http://*", false, F(HTTP) | F(INVALID_HOST) },
	{ BASE "frame-ancestors 'self', style-src https:", false, F(BARE_HTTPS) },
	{ BASE "frame-ancestors 'self', style-src https://whatever.com:443/afsdf", true, 0 },
	{ BASE "frame-ancestors 'self', style-src https://[ipv6:address]:443/afsdf", true, 0 },
	{ "form-action 'none'; base-uri 'self' https:; default-src 'self'; frame-ancestors 'self'",
	  false, F(BARE_HTTPS) | F(BASE_URI) },
	{ BASE "frame-ancestors 'self', style-src https://[ipv6:address]:*/afsdf", true, 0 },
	{ BASE "frame-ancestors 'self', object-src data:", false, F(DATA) },
	{ BASE "frame-ancestors 'self', script-src data:", false, F(DATA) },
	{ BASE "frame-ancestors 'self', style-src *://whatever.com:443/something", false, F(HTTP) },
	{ BASE "frame-ancestors 'self', style-src *://[ipv6:address:fasd]/something", false,
	  F(HTTP) },
	{ BASE "frame-ancestors 'self', style-src *", false, F(HOST_WITHOUT_SCHEME) |
	  F(INVALID_HOST) },
	{ BASE "frame-ancestors 'self', frame-src *", false, 0 },
	{ BASE "frame-ancestors 'self', frame-src https://*", false, F(INVALID_HOST) },
	{ BASE "frame-ancestors 'self', frame-src https://*:443/", false, F(INVALID_HOST) },
	{ BASE "frame-ancestors 'self', frame-src https://*:443", false, F(INVALID_HOST) },
	{ BASE "frame-ancestors 'self', frame-src *:443", false, 0 },
	{ BASE "frame-ancestors 'self', frame-src 127.0.0.1", false, 0 },
	{ BASE "frame-ancestors 'self', frame-src https://127.0.0.1", false, F(INVALID_HOST) },
	{ BASE "frame-ancestors 'self', frame-src https://127.0.0.1:443/", false, 0 },
	{ BASE "frame-ancestors 'self', frame-src https://127.0.0.1:443", false, 0 },
	{ BASE "frame-ancestors 'self', frame-src 127.0.0.1:443", false, 0 },
	{ "form-action 'none'; default-src 'self'; frame-ancestors 'self'", false, F(BASE_URI) },
	{ "form-action 'none'; base-uri 'self'; default-src 'self'; frame-ancestors 'self'", true,
	  0 },
	{ "form-action 'none'; base-uri https://www.internet.nl; default-src 'self'; "
	  "frame-ancestors 'self'", false, F(BASE_URI) },
	{ "base-uri 'none'; default-src 'self'; frame-ancestors 'self'", false, F(FORM_ACTION) },
	{ "form-action 'self'; base-uri 'none'; default-src 'self'; frame-ancestors 'self'", true,
	  0 },
	{ "form-action https://www.internet.nl; base-uri 'none'; default-src 'self'; "
	  "frame-ancestors 'self'", true, 0 },
	{ BASE "style-src https:", false, F(BARE_HTTPS) | F(FRAME_ANCESTORS) },
	{ BASE "frame-ancestors self", false, F(HOST_WITHOUT_SCHEME) | F(FRAME_ANCESTORS) },
	{ BASE "frame-ancestors 'self'; frame-src http:", false, F(HTTP) },
	{ BASE "frame-ancestors 'self'; frame-src https://www.example.org", true, 0 },
	{ BASE "frame-ancestors 'self', frame-ancestors 'none'", true, 0 },
	{ BASE "frame-ancestors 'none', trusted-types", true, 0 },
	{ BASE "frame-ancestors 'none', trusted-types 'none'", true, 0 },
	{ BASE "frame-ancestors 'none', trusted-types asdfad asdfd 'allow-duplicates'", true, 0 },
	{ BASE "frame-ancestors 'none', upgrade-insecure-requests", true, 0 },
	{ BASE "frame-ancestors 'none', upgrade-insecure-requests adfad", true, 0 },
	{ BASE "frame-ancestors 'none', style-src https://fas.com:443", true, 0 },
	{ BASE "frame-ancestors 'none', style-src https://fas.com", true, 0 },
	{ BASE "frame-ancestors 'none', style-src fasdf:", true, 0 },
	{ BASE "frame-ancestors 'none', style-src internet.nl", false, F(HOST_WITHOUT_SCHEME) },
	{ BASE "frame-ancestors 'none', style-src 'nonce-fdasdfas5678589+5346/sfdg'", true, 0 },
	{ BASE "frame-ancestors 'none', style-src 'nonce-fdasdfas5678589+5346/sfdg=='", true, 0 },
	{ BASE "frame-ancestors 'none', style-src 'nonce-fdasdfas56=78589+5346/sfdg=='", true, 0 },
	{ BASE "frame-ancestors 'none', style-src 'sha256-fdasdfas5678589+5346/sfdg=='", true, 0 },
	{ BASE "frame-ancestors 'none', style-src 'sha513-fdasdfas5678589+5346/sfdg=='", true, 0 },
	/* the faults, each alone on a good base */
	{ BASE "frame-ancestors 'none'; script-src 'self' 'unsafe-inline'", false,
	  F(UNSAFE_INLINE) },
	{ BASE "frame-ancestors 'none'; script-src https://cdn.internet.nl data:", false, F(DATA) },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' data:; frame-ancestors 'none'",
	  false, F(DATA) | F(DEFAULT_SRC) },
	{ BASE "frame-ancestors 'none'; img-src data:", true, 0 },   /* data: only judged for
	                                                              * object-src, script-src */
	{ BASE "frame-ancestors 'none'; connect-src https://*.example.org", true, 0 },
	/* CSP3 keywords and schemes are case-insensitive (internet.nl: case-sensitive) */
	{ BASE "frame-ancestors 'none'; script-src 'UNSAFE-INLINE'", false, F(UNSAFE_INLINE) },
	{ BASE "frame-ancestors 'none'; script-src HTTPS:", false, F(BARE_HTTPS) },
	{ "FORM-ACTION 'NONE'; Base-Uri 'Self'; DEFAULT-SRC 'self'; frame-ancestors 'None'", true,
	  0 },
	/* internet.nl merges repeated directives: the second one is judged too */
	{ BASE "frame-ancestors 'none'; script-src 'self'; script-src 'unsafe-eval'", false,
	  F(UNSAFE_EVAL) },
	/* empty directives and policies are dropped */
	{ ";;" BASE ";; frame-ancestors 'none';;,,", true, 0 },
	/* wildcard default-src hosts must be above the domain */
	{ "form-action 'none'; base-uri 'none'; default-src 'self' https://*.example.nl; "
	  "frame-ancestors 'none'", false, F(DEFAULT_SRC) },
	{ "form-action 'none'; base-uri 'none'; default-src 'self' https://*.; "
	  "frame-ancestors 'none'", false, F(DEFAULT_SRC) },
	{ "form-action 'none'; base-uri 'none'; default-src 'none' 'self'; frame-ancestors 'none'",
	  false, F(DEFAULT_SRC) },
	/* with a bad default-src, frame-src (then child-src) decides missing-invalid-frame-src */
	{ "form-action 'none'; base-uri 'none'; frame-src 'self'; frame-ancestors 'none'", false,
	  F(DEFAULT_SRC) },
	{ "form-action 'none'; base-uri 'none'; child-src https://a.internet.nl; "
	  "frame-ancestors 'none'", false, F(DEFAULT_SRC) },
	{ "", false, F(DEFAULT_SRC) | F(FRAME_SRC) | F(FRAME_ANCESTORS) | F(BASE_URI) |
	  F(FORM_ACTION) },
	/* review h-webreview: the corners of internet.nl's patterns, each checked against its
	 * algorithm (a differential run of 170000 generated values found no difference) */
#define FA "form-action 'self'; base-uri 'self'; frame-ancestors 'none'; "
	{ FA "default-src 'self' *.internet.nl.", false, F(HOST_WITHOUT_SCHEME) },
	{ FA "default-src 'self' evilinternet.nl", false, F(HOST_WITHOUT_SCHEME) },
	{ FA "default-src 'self' *.", false, F(HOST_WITHOUT_SCHEME) | F(DEFAULT_SRC) },
	{ FA "default-src 'self' a.internet.nl www.internet.nl", false,
	  F(HOST_WITHOUT_SCHEME) | F(DEFAULT_SRC) },  /* neither ends in the shortest */
	/* 'report-sample' is no default-src value for internet.nl: dropped, 'none' alone */
	{ "form-action 'self'; base-uri 'self' 'report-sample'; frame-ancestors 'none'; "
	  "default-src 'none' 'report-sample'", true, 0 },
	{ "form-action 'self'; base-uri 'self'; default-src 'self'; frame-ancestors 'self'x",
	  false, F(FRAME_ANCESTORS) },                /* exact there, a prefix elsewhere: */
	{ BASE "frame-ancestors 'none'; img-src 'unsafe-inline'x", false, F(UNSAFE_INLINE) },
	{ BASE "frame-ancestors 'none'; script-src a://b://c", true, 0 }, /* scheme a://b */
	{ BASE "frame-ancestors 'none'; img-src https://[a]b]", true, 0 },
	{ BASE "frame-ancestors 'none'; style-src 'nonce-'", true, 0 },     /* dropped */
	{ BASE "frame-ancestors 'none'; object-src 'none'; script-src 'strict-dynamic' "
	  "'nonce-abc=' data:", false, F(DATA) },
	{ BASE "frame-ancestors 'none'; sandbox 'unsafe-inline'; report-to http://x", true, 0 },
	{ BASE "frame-ancestors 'none'; worker-src *:*", false, F(HOST_WITHOUT_SCHEME) |
	  F(INVALID_HOST) },
	{ BASE "frame-ancestors 'none'; connect-src wss://internet.nl https://internet.nl:*",
	  true, 0 },
#undef FA
};

static void
test_csp_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vvecs) / sizeof(vvecs[0]); i++) {
		const struct vvec *t = &vvecs[i];
		struct csp_list *l = NULL;
		struct csp_verdict v;
		char why[128];
		int rc = csp_parse((const uint8_t *)t->v, strlen(t->v), &l, NULL, why, sizeof(why));

		if (rc != 0)
			fail_msg("vector %zu \"%s\": rc %d %s", i, t->v, rc, why);
		csp_inl_verdict(l, "internet.nl", &v);
		if ((v.inl == CSP_INL_GOOD) != t->good || (t->fails != 0 && v.fails != t->fails) ||
		    (t->good && v.nreasons != 0) || (!t->good && v.nkept == 0)) {
			for (size_t k = 0; k < v.nkept; k++)
				print_message("  %s\n", v.reasons[k]);
			fail_msg("vector %zu \"%s\": %s fails %#x want %#x", i, t->v,
			    csp_inl_name(v.inl), v.fails, t->fails);
		}
		csp_free(l);
	}
}

static bool
has_reason(const struct csp_verdict *v, const char *sub)
{
	for (size_t i = 0; i < v->nkept; i++)
		if (strstr(v->reasons[i], sub) != NULL)
			return true;
	return false;
}

static void
test_csp_reasons(void **state)
{
	const char *h = "form-action 'none'; base-uri 'none'; default-src 'self', frame-ancestors "
	    "'none'; script-src 'self' 'unsafe-inline' http://x.example \x1b[31m";
	struct csp_list *l = NULL;
	struct csp_verdict v;

	(void)state;
	assert_int_equal(csp_parse((const uint8_t *)h, strlen(h), &l, NULL, NULL, 0), 0);
	csp_inl_verdict(l, "internet.nl.", &v);
	assert_int_equal(v.inl, CSP_INL_BAD);
	assert_true(has_reason(&v, "has-unsafe-inline: script-src 'unsafe-inline' (policy 2)"));
	assert_true(has_reason(&v, "has-http: script-src http://x.example (policy 2)"));
	assert_true(has_reason(&v, "has-host-without-scheme: script-src ?[31m (policy 2)"));
	assert_int_equal(v.nreasons, 3);
	csp_free(l);

	h = "default-src 'self' https://evil.example; frame-ancestors 'none'";
	assert_int_equal(csp_parse((const uint8_t *)h, strlen(h), &l, NULL, NULL, 0), 0);
	csp_inl_verdict(l, "internet.nl", &v);
	assert_true(has_reason(&v, "missing-invalid-default-src: default-src https://evil.example "
	    "(policy 1): a host outside the domain"));
	assert_true(has_reason(&v, "missing-invalid-base-uri: no base-uri"));
	assert_true(has_reason(&v, "missing-invalid-form-action: no form-action"));
	csp_free(l);

	/* data: through default-src, named as such */
	h = "form-action 'none'; base-uri 'none'; default-src 'self' data:; frame-ancestors 'none'";
	assert_int_equal(csp_parse((const uint8_t *)h, strlen(h), &l, NULL, NULL, 0), 0);
	csp_inl_verdict(l, "internet.nl", &v);
	assert_true(has_reason(&v, "has-data: default-src data: (policy 1): the fallback of "
	    "object-src"));
	csp_free(l);

	/* no header at all */
	csp_inl_verdict(NULL, "internet.nl", &v);
	assert_int_equal(v.inl, CSP_INL_NONE);
	assert_int_equal(v.nkept, 1);
}

static void
test_csp_parse(void **state)
{
	/* CSP3 2.2.1: trim, split, lower-case the name; first of a name wins; 2.2.2: policies */
	const char *h = " Script-SRC  'self'\thttps://a.example ;script-src 'none'; bad_name x;"
	    " img-src \xc3\xa9;; ,  , default-src 'none' ,frame-ancestors";
	struct csp_list *l = NULL;
	const struct csp_directive *d;
	enum csp_reason r;
	char why[128];

	(void)state;
	assert_int_equal(csp_parse((const uint8_t *)h, strlen(h), &l, &r, why, sizeof(why)), 0);
	assert_int_equal(r, CSP_R_OK);
	assert_string_equal(why, "");
	assert_int_equal(l->npolicies, 3);
	assert_int_equal(l->nempty, 1);
	assert_int_equal(l->policies[0].ndir, 4);
	assert_int_equal(l->policies[0].nduplicate, 1);
	assert_int_equal(l->policies[0].ninvalid_name, 1);
	assert_int_equal(l->policies[0].nnon_ascii, 1);
	assert_string_equal(l->dirs[0].name, "script-src");
	assert_int_equal(l->dirs[0].flag, CSP_D_OK);
	assert_int_equal(l->dirs[0].nsrc, 2);
	assert_memory_equal(l->text + l->src[l->dirs[0].first_src + 1].off, "https://a.example",
	    17);
	assert_int_equal(l->dirs[1].flag, CSP_D_DUPLICATE);
	assert_int_equal(l->dirs[2].flag, CSP_D_INVALID_NAME);
	assert_int_equal(l->dirs[3].flag, CSP_D_NON_ASCII);
	d = csp_find(l, 0, "script-src");
	assert_ptr_equal(d, &l->dirs[0]);
	assert_null(csp_find(l, 0, "img-src"));           /* skipped: non-ASCII */
	assert_null(csp_find(l, 0, "bad_name"));
	d = csp_find(l, 1, "default-src");
	assert_non_null(d);
	assert_int_equal(d->nsrc, 1);
	d = csp_find(l, 2, "frame-ancestors");
	assert_non_null(d);
	assert_int_equal(d->nsrc, 0);
	assert_null(csp_find(l, 3, "frame-ancestors"));
	assert_int_equal(l->nduplicate, 1);
	csp_free(l);
	csp_free(NULL);

	/* nothing at all */
	assert_int_equal(csp_parse((const uint8_t *)"", 0, &l, &r, why, sizeof(why)), 0);
	assert_int_equal(l->npolicies, 0);
	csp_free(l);
	assert_int_equal(csp_parse(NULL, 0, &l, &r, why, sizeof(why)), 0);
	csp_free(l);
	assert_int_equal(csp_parse(NULL, 1, &l, &r, why, sizeof(why)), PEIL_EINVAL);
	assert_null(l);
}

static void
test_csp_bounds(void **state)
{
	size_t big = 1024 * 1024, n;
	char *buf = malloc(big + 1);
	struct csp_list *l = (struct csp_list *)1;
	enum csp_reason r;
	char why[128];
	clock_t t0;

	(void)state;
	assert_non_null(buf);
	/* Bad input: a CSP of 1 MB is refused at once, with a defined reason */
	memset(buf, 'a', big);
	memcpy(buf, "default-src ", 12);
	t0 = clock();
	assert_int_equal(csp_parse((const uint8_t *)buf, big, &l, &r, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 0.01);
	assert_null(l);
	assert_int_equal(r, CSP_R_TOO_LONG);
	assert_non_null(strstr(why, "too-long: "));

	/* at the limit: parsed, in bounded time, and judged */
	memset(buf, 'a', MAX_CSP_BYTES);
	memcpy(buf, "default-src ", 12);
	assert_int_equal(csp_parse((const uint8_t *)buf, MAX_CSP_BYTES, &l, &r, why, sizeof(why)),
	    0);
	{
		struct csp_verdict v;

		csp_inl_verdict(l, "internet.nl", &v);
		assert_int_equal(v.inl, CSP_INL_BAD);
		assert_true(has_reason(&v, "...")); /* the 64 KB source is cut in the reason */
	}
	csp_free(l);

	/* a long token of "://" and "[" stays linear (host-source matching) */
	for (size_t k = 0; k + 4 <= MAX_CSP_BYTES; k += 4)
		memcpy(buf + k, "[://", 4);
	memcpy(buf, "img-src ", 8);
	t0 = clock();
	assert_int_equal(csp_parse((const uint8_t *)buf, MAX_CSP_BYTES, &l, &r, why, sizeof(why)),
	    0);
	{
		struct csp_verdict v;

		csp_inl_verdict(l, "internet.nl", &v);
	}
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	csp_free(l);

	/* too many policies, directives, sources */
	n = 0;
	for (int k = 0; k <= MAX_CSP_POLICIES; k++)
		n += (size_t)snprintf(buf + n, big - n, "a b,");
	assert_int_equal(csp_parse((const uint8_t *)buf, n, &l, &r, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_int_equal(r, CSP_R_TOO_MANY_POLICIES);
	assert_null(l);
	n = 0;
	for (int k = 0; k <= MAX_CSP_DIRECTIVES; k++)
		n += (size_t)snprintf(buf + n, big - n, "a b;");
	assert_int_equal(csp_parse((const uint8_t *)buf, n, &l, &r, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_int_equal(r, CSP_R_TOO_MANY_DIRECTIVES);
	n = (size_t)snprintf(buf, big, "script-src");
	for (int k = 0; k <= MAX_CSP_SOURCES; k++)
		n += (size_t)snprintf(buf + n, big - n, " x");
	assert_int_equal(csp_parse((const uint8_t *)buf, n, &l, &r, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_int_equal(r, CSP_R_TOO_MANY_SOURCES);
	n = 0;
	for (int k = 0; k < MAX_CSP_SOURCES_TOTAL / (MAX_CSP_SOURCES - 1) + 1; k++) {
		n += (size_t)snprintf(buf + n, big - n, "d%d", k);
		for (int j = 0; j < MAX_CSP_SOURCES - 1; j++)
			n += (size_t)snprintf(buf + n, big - n, " x");
		n += (size_t)snprintf(buf + n, big - n, ";");
	}
	assert_true(n <= MAX_CSP_BYTES);
	assert_int_equal(csp_parse((const uint8_t *)buf, n, &l, &r, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_int_equal(r, CSP_R_TOO_MANY_SOURCES);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csp_vectors),
		cmocka_unit_test(test_csp_reasons),
		cmocka_unit_test(test_csp_parse),
		cmocka_unit_test(test_csp_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
