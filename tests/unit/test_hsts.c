/* test_hsts.c: Strict-Transport-Security vectors (RFC 6797 6.1, 6.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "hsts.h"
#include "limits.h"

struct hvec {
	const char *v;
	int rc;
	enum hsts_reason reason;
	uint64_t max_age;
	bool capped, isd, preload;
	size_t nunknown;
};

#define OK(v, ma, isd, pre, unk) { v, 0, HSTS_R_OK, ma, false, isd, pre, unk }
#define BAD(v, r) { v, PEIL_EINVAL, r, 0, false, false, false, 0 }

static const struct hvec hvecs[] = {
	/* RFC 6797 6.2 examples */
	OK("max-age=31536000", 31536000, false, false, 0),
	OK("max-age=15768000 ; includeSubDomains", 15768000, true, false, 0),
	OK("max-age=\"31536000\"", 31536000, false, false, 0),
	OK("max-age=0", 0, false, false, 0),
	OK("max-age=0; includeSubDomains", 0, true, false, 0),
	/* 6.1: directive names case-insensitive; OWS around ';' and '='; empty directives */
	OK("MAX-AGE=10; INCLUDESUBDOMAINS; Preload", 10, true, true, 0),
	OK("includeSubDomains;max-age=5", 5, true, false, 0),
	OK(";;max-age = 7 ;; ", 7, false, false, 0),
	OK("max-age=1;\tpreload", 1, false, true, 0),
	/* 6.1 rule 5: unknown directives ignored, with or without values */
	OK("max-age=1; foo; bar=baz; qux=\"a;b\"", 1, false, false, 3),
	OK("max-age=1; preload=\"yes\"", 1, false, true, 0),
	/* 6.1 rule 5: unrecognised directives are ignored and the rest processed when the field
	 * "otherwise" meets rules 1-4, so their repetition does not spoil it; preload is not an
	 * RFC 6797 directive (browsers ignore it; so does internet.nl) */
	OK("max-age=1; foo; FOO=1", 1, false, false, 2),
	OK("max-age=31536000; preload; preload", 31536000, false, true, 0),
	OK("preload; max-age=1; Preload=x", 1, false, true, 0),
	/* 6.1.1 max-age REQUIRED */
	BAD("", HSTS_R_NO_MAX_AGE),
	BAD("includeSubDomains", HSTS_R_NO_MAX_AGE),
	BAD("max-age", HSTS_R_BAD_MAX_AGE),
	BAD("max-age=", HSTS_R_SYNTAX),
	BAD("max-age=\"\"", HSTS_R_BAD_MAX_AGE),
	/* delta-seconds = 1*DIGIT (RFC 6797 6.1.1 / RFC 7234 1.2.1) */
	BAD("max-age=-1", HSTS_R_BAD_MAX_AGE),
	BAD("max-age=1.5", HSTS_R_BAD_MAX_AGE),
	BAD("max-age=+1", HSTS_R_BAD_MAX_AGE),
	BAD("max-age=1e3", HSTS_R_BAD_MAX_AGE),
	BAD("max-age=\" 1\"", HSTS_R_BAD_MAX_AGE),
	/* 6.1 rule 2: each directive at most once, else the header is invalid */
	BAD("max-age=1; max-age=2", HSTS_R_DUPLICATE),
	BAD("max-age=1; MAX-AGE=1", HSTS_R_DUPLICATE),
	BAD("max-age=1; includeSubDomains; includesubdomains", HSTS_R_DUPLICATE),
	/* 6.1.2 includeSubDomains is valueless */
	BAD("max-age=1; includeSubDomains=true", HSTS_R_VALUE_NOT_ALLOWED),
	/* grammar: token [ "=" ( token / quoted-string ) ], separated by ';' */
	BAD("max-age=1, includeSubDomains", HSTS_R_SYNTAX),
	BAD("max-age=1 includeSubDomains", HSTS_R_SYNTAX),
	BAD("max-age=\"1", HSTS_R_SYNTAX),
	BAD("=1", HSTS_R_SYNTAX),
	BAD("max-age=1; (x)", HSTS_R_SYNTAX),
	BAD("max-age=1\x01", HSTS_R_BAD_CHAR),
	BAD("max-age=1; f\xc3\xa9", HSTS_R_BAD_CHAR),
	BAD("max-age=\"1\x01\"", HSTS_R_BAD_CHAR),
};

static void
test_hsts_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hvecs) / sizeof(hvecs[0]); i++) {
		const struct hvec *v = &hvecs[i];
		struct hsts h;
		enum hsts_reason reason;
		char why[128];
		int rc = hsts_parse((const uint8_t *)v->v, strlen(v->v), &h, &reason, why,
		    sizeof(why));

		if (rc != v->rc || reason != v->reason)
			fail_msg("vector %zu \"%s\": rc %d reason %s (%s), want %d %s", i, v->v, rc,
			    hsts_reason_name(reason), why, v->rc, hsts_reason_name(v->reason));
		if (rc != 0) {
			assert_true(strncmp(why, hsts_reason_name(v->reason),
			    strlen(hsts_reason_name(v->reason))) == 0);
			continue;
		}
		assert_string_equal(why, "");
		if (h.max_age != v->max_age || h.max_age_capped != v->capped ||
		    h.include_subdomains != v->isd || h.preload != v->preload ||
		    h.nunknown != v->nunknown)
			fail_msg("vector %zu \"%s\": fields differ", i, v->v);
	}
}

static void
test_hsts_overflow(void **state)
{
	struct hsts h;
	enum hsts_reason reason;
	char why[128], big[200];
	size_t k;

	(void)state;
	/* 2^32 - 1 exactly: kept; 2^32: capped; 2^64 and a 150-digit number: capped, no wrap */
	assert_int_equal(hsts_parse((const uint8_t *)"max-age=4294967295", 18, &h, &reason, why,
	    sizeof(why)), 0);
	assert_true(h.max_age == MAX_HSTS_MAX_AGE && !h.max_age_capped);
	assert_string_equal(h.max_age_text, "4294967295");
	assert_int_equal(hsts_parse((const uint8_t *)"max-age=4294967296", 18, &h, &reason, why,
	    sizeof(why)), 0);
	assert_true(h.max_age == MAX_HSTS_MAX_AGE && h.max_age_capped);
	assert_int_equal(hsts_parse((const uint8_t *)"max-age=18446744073709551616", 28, &h,
	    &reason, why, sizeof(why)), 0);
	assert_true(h.max_age == MAX_HSTS_MAX_AGE && h.max_age_capped);
	memcpy(big, "max-age=\"", 9);
	for (k = 9; k < 159; k++)
		big[k] = '9';
	big[159] = '"';
	assert_int_equal(hsts_parse((const uint8_t *)big, 160, &h, &reason, why, sizeof(why)), 0);
	assert_true(h.max_age == MAX_HSTS_MAX_AGE && h.max_age_capped);
	assert_int_equal(strlen(h.max_age_text), MAX_HSTS_MAX_AGE_TEXT);
	/* a non-digit beyond the kept text is still seen */
	big[150] = 'x';
	assert_int_equal(hsts_parse((const uint8_t *)big, 160, &h, &reason, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(reason, HSTS_R_BAD_MAX_AGE);
}

static void
test_hsts_hostile(void **state)
{
	struct hsts h;
	enum hsts_reason reason;
	char why[128];
	uint8_t *buf;
	size_t n = 1 << 20, k;
	static const uint8_t nul[] = { 'm', 'a', 'x', '-', 'a', 'g', 'e', '=', '1', 0, ';' };

	(void)state;
	buf = malloc(n);
	assert_non_null(buf);
	memset(buf, ';', n);
	assert_int_equal(hsts_parse(buf, n, &h, &reason, why, sizeof(why)), PEIL_ETOOBIG);
	assert_int_equal(reason, HSTS_R_TOO_LONG);
	/* thousands of directives within the length limit */
	for (k = 0; k + 2 < MAX_HSTS_HEADER_LEN; k += 2) {
		buf[k] = 'a';
		buf[k + 1] = ';';
	}
	assert_int_equal(hsts_parse(buf, MAX_HSTS_HEADER_LEN, &h, &reason, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_int_equal(reason, HSTS_R_TOO_MANY);
	memset(buf, ';', MAX_HSTS_HEADER_LEN);
	assert_int_equal(hsts_parse(buf, MAX_HSTS_HEADER_LEN, &h, &reason, why, sizeof(why)),
	    PEIL_ETOOBIG);
	free(buf);
	assert_int_equal(hsts_parse(nul, sizeof(nul), &h, &reason, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(reason, HSTS_R_BAD_CHAR);
	assert_int_equal(h.max_age, 0);
	assert_int_equal(hsts_parse(NULL, 0, &h, &reason, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(hsts_parse(nul, sizeof(nul), NULL, &reason, why, sizeof(why)),
	    PEIL_EINVAL);
	/* a tiny why buffer is still terminated */
	assert_int_equal(hsts_parse((const uint8_t *)"x", 1, &h, &reason, why, 4), PEIL_EINVAL);
	assert_int_equal(strlen(why), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hsts_vectors),
		cmocka_unit_test(test_hsts_overflow),
		cmocka_unit_test(test_hsts_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
