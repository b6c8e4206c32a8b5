/* test_referrer.c: Referrer-Policy vectors (W3C Referrer Policy 4.1, 11.1) and internet.nl's
 * classes (internetstandards/Internet.nl checks/tasks/http_headers.py at 02368e3e,
 * HeaderCheckerReferrerPolicy: good = no-referrer, same-origin; recommendation =
 * strict-origin, strict-origin-when-cross-origin, and no value; bad = origin,
 * origin-when-cross-origin, no-referrer-when-downgrade, unsafe-url and anything else; the
 * last comma-separated value as written decides). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "limits.h"
#include "referrer.h"

struct rvec {
	const char *v;
	enum refpol effective;
	size_t ntokens, nunknown;
	enum referrer_inl inl;
};

#define G REFERRER_INL_GOOD
#define R REFERRER_INL_RECOMMENDATION
#define B REFERRER_INL_BAD

static const struct rvec rvecs[] = {
	/* 3: each policy alone */
	{ "no-referrer", REFPOL_NO_REFERRER, 1, 0, G },
	{ "same-origin", REFPOL_SAME_ORIGIN, 1, 0, G },
	{ "strict-origin", REFPOL_STRICT_ORIGIN, 1, 0, R },
	{ "strict-origin-when-cross-origin", REFPOL_STRICT_ORIGIN_WHEN_CROSS_ORIGIN, 1, 0, R },
	{ "origin", REFPOL_ORIGIN, 1, 0, B },
	{ "origin-when-cross-origin", REFPOL_ORIGIN_WHEN_CROSS_ORIGIN, 1, 0, B },
	{ "no-referrer-when-downgrade", REFPOL_NO_REFERRER_WHEN_DOWNGRADE, 1, 0, B },
	{ "unsafe-url", REFPOL_UNSAFE_URL, 1, 0, B },
	/* internet.nl: no value -> "no-policy" recommendation; 4.1: the empty policy */
	{ "", REFPOL_EMPTY, 1, 0, R },
	{ "   ", REFPOL_EMPTY, 1, 0, R },
	/* 4.1: the last recognised token wins; unknown and "" tokens ignored (11.1 fallback) */
	{ "no-referrer, strict-origin-when-cross-origin", REFPOL_STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
	  2, 0, R },
	{ "unsafe-url, no-referrer", REFPOL_NO_REFERRER, 2, 0, G },
	{ "no-referrer, foo", REFPOL_NO_REFERRER, 2, 1, B },   /* internet.nl: last is invalid */
	{ "no-referrer,", REFPOL_NO_REFERRER, 2, 0, B },
	{ ",same-origin", REFPOL_SAME_ORIGIN, 2, 0, G },
	{ " , ", REFPOL_EMPTY, 2, 0, B },
	{ "same-origin ,\tunsafe-url", REFPOL_UNSAFE_URL, 2, 0, B },
	/* enumeration values are case-sensitive (internet.nl compares as written too) */
	{ "No-Referrer", REFPOL_EMPTY, 1, 1, B },
	{ "no-referrer;", REFPOL_EMPTY, 1, 1, B },
	{ "\"no-referrer\"", REFPOL_EMPTY, 1, 1, B },
	{ "default", REFPOL_EMPTY, 1, 1, B },
	{ "no referrer", REFPOL_EMPTY, 1, 1, B },
};

static void
test_referrer_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rvecs) / sizeof(rvecs[0]); i++) {
		const struct rvec *v = &rvecs[i];
		struct referrer r;
		enum referrer_reason reason;
		char why[128];
		int rc = referrer_parse((const uint8_t *)v->v, strlen(v->v), &r, &reason, why,
		    sizeof(why));

		if (rc != 0 || reason != REFERRER_R_OK || r.effective != v->effective ||
		    r.ntokens != v->ntokens || r.nunknown != v->nunknown ||
		    referrer_inl_verdict(&r) != v->inl)
			fail_msg("vector %zu \"%s\": rc %d effective %s ntokens %zu nunknown %zu "
			    "inl %s", i, v->v, rc, refpol_name(r.effective), r.ntokens, r.nunknown,
			    referrer_inl_name(referrer_inl_verdict(&r)));
	}
}

static void
test_referrer_tokens(void **state)
{
	struct referrer r;
	enum referrer_reason reason;
	char why[128];
	const char *v = " same-origin , bogus ,, unsafe-url ";

	(void)state;
	assert_int_equal(referrer_parse((const uint8_t *)v, strlen(v), &r, &reason, why,
	    sizeof(why)), 0);
	assert_int_equal(r.ntokens, 4);
	assert_int_equal(r.nkept, 4);
	assert_string_equal(r.tokens[0].text, "same-origin");
	assert_int_equal(r.tokens[0].policy, REFPOL_SAME_ORIGIN);
	assert_string_equal(r.tokens[1].text, "bogus");
	assert_int_equal(r.tokens[1].policy, REFPOL_UNKNOWN);
	assert_string_equal(r.tokens[2].text, "");
	assert_int_equal(r.tokens[2].policy, REFPOL_EMPTY);
	assert_string_equal(r.last.text, "unsafe-url");
	assert_int_equal(r.effective, REFPOL_UNSAFE_URL);
}

static void
test_referrer_hostile(void **state)
{
	struct referrer r;
	enum referrer_reason reason;
	char why[128];
	uint8_t *buf;
	size_t n = 1 << 20, k;
	static const uint8_t nul[] = { 'n', 'o', '-', 'r', 'e', 'f', 'e', 'r', 'r', 'e', 'r', 0 };
	static const char inv[] = "no-referrer, \xff\xfe";

	(void)state;
	buf = malloc(n);
	assert_non_null(buf);
	memset(buf, ',', n);
	assert_int_equal(referrer_parse(buf, n, &r, &reason, why, sizeof(why)), PEIL_ETOOBIG);
	assert_int_equal(reason, REFERRER_R_TOO_LONG);
	/* thousands of tokens: all counted, the first MAX_REFERRER_TOKENS kept, the last seen */
	memset(buf, ',', MAX_REFERRER_HEADER_LEN);
	memcpy(buf + MAX_REFERRER_HEADER_LEN - 11, "same-origin", 11);
	assert_int_equal(referrer_parse(buf, MAX_REFERRER_HEADER_LEN, &r, &reason, why,
	    sizeof(why)), 0);
	assert_int_equal(r.ntokens, MAX_REFERRER_HEADER_LEN - 11 + 1);
	assert_int_equal(r.nkept, MAX_REFERRER_TOKENS);
	assert_int_equal(r.effective, REFPOL_SAME_ORIGIN);
	assert_int_equal(referrer_inl_verdict(&r), REFERRER_INL_GOOD);
	/* a very long token is truncated, flagged, and never judged good */
	memset(buf, 'a', MAX_REFERRER_HEADER_LEN);
	assert_int_equal(referrer_parse(buf, MAX_REFERRER_HEADER_LEN, &r, &reason, why,
	    sizeof(why)), 0);
	assert_true(r.last.truncated);
	assert_int_equal(strlen(r.last.text), MAX_REFERRER_TOKEN_LEN);
	assert_int_equal(referrer_inl_verdict(&r), REFERRER_INL_BAD);
	free(buf);
	assert_int_equal(referrer_parse(nul, sizeof(nul), &r, &reason, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(reason, REFERRER_R_BAD_CHAR);
	assert_int_equal(r.ntokens, 0);
	/* bytes >= 0x80 (obs-text) are legal field content: an unknown token */
	assert_int_equal(referrer_parse((const uint8_t *)inv, strlen(inv), &r, &reason, why,
	    sizeof(why)), 0);
	assert_int_equal(r.effective, REFPOL_NO_REFERRER);
	assert_int_equal(r.nunknown, 1);
	assert_int_equal(referrer_inl_verdict(&r), REFERRER_INL_BAD);
	assert_int_equal(referrer_parse(NULL, 1, &r, &reason, why, sizeof(why)), PEIL_EINVAL);
	for (k = 0; k < 3; k++)
		assert_string_equal(refpol_name((enum refpol)(REFPOL_NO_REFERRER + k)) != NULL ?
		    "x" : "", "x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_referrer_vectors),
		cmocka_unit_test(test_referrer_tokens),
		cmocka_unit_test(test_referrer_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
