/* test_securitytxt.c: security.txt vectors (RFC 9116, RFC 3339 5.6, RFC 4880 7). */
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
#include "securitytxt.h"

#define NOW ((time_t)1767225600) /* 2026-01-01T00:00:00Z */

static struct sectxt st;

static int
parse(const char *s)
{
	char why[128];

	return sectxt_parse((const uint8_t *)s, strlen(s), NOW, &st, why, sizeof(why));
}

static bool
has_err(enum sectxt_err e, size_t line)
{
	size_t k;

	for (k = 0; k < st.nkept_errors; k++)
		if (st.errors[k].code == e && st.errors[k].line == line)
			return true;
	return false;
}

/* RFC 3339 5.6 / 5.7 */
static void
test_datetime(void **state)
{
	time_t t;

	(void)state;
	assert_true(sectxt_datetime("2026-06-01T12:00:00Z", 20, &t));
	assert_int_equal(t, 1780315200);
	assert_true(sectxt_datetime("2026-06-01t14:00:00+02:00", 25, &t));
	assert_int_equal(t, 1780315200);
	assert_true(sectxt_datetime("2026-06-01T11:30:00.123-00:30", 29, &t));
	assert_int_equal(t, 1780315200);
	assert_true(sectxt_datetime("2024-02-29T23:59:59z", 20, &t));
	assert_int_equal(t, 1709251199);
	assert_false(sectxt_datetime("2025-02-29T00:00:00Z", 20, &t)); /* not a leap year */
	assert_false(sectxt_datetime("2026-13-01T00:00:00Z", 20, &t));
	assert_false(sectxt_datetime("2026-06-01 12:00:00Z", 20, &t));
	assert_false(sectxt_datetime("2026-06-01T12:00:00", 19, &t));  /* offset required */
	assert_false(sectxt_datetime("2026-06-01T24:00:00Z", 20, &t));
	assert_false(sectxt_datetime("2026-06-01T12:00:00Z ", 21, &t));
	assert_false(sectxt_datetime("2026-06-01T12:00:00.Z", 21, &t));
	assert_false(sectxt_datetime("2026-06-01T12:00:00+0200", 24, &t));
	assert_false(sectxt_datetime("Mon, 01 Jun 2026 12:00", 22, &t));
}

/* RFC 9116 2.5, 4 (the example file) */
static void
test_fields(void **state)
{
	(void)state;
	assert_int_equal(parse("# Our security address\n"
	    "Contact: mailto:security@example.com\n"
	    "Contact: tel:+1-201-555-0123\n"
	    "contact: https://example.com/security-contact.html\n"
	    "Expires: 2026-06-01T12:00:00.000Z\n"
	    "Encryption: https://example.com/pgp-key.txt\n"
	    "Acknowledgments: https://example.com/hall-of-fame.html\n"
	    "Preferred-Languages: en, es\n"
	    "Canonical: https://example.com/.well-known/security.txt\n"
	    "Policy: https://example.com/disclosure.html\n"
	    "Hiring: https://example.com/jobs.html\n"
	    "CSAF: https://example.com/.well-known/csaf/provider-metadata.json\n"
	    "X-Other: whatever\n\n"), 0);
	assert_true(st.valid);
	assert_int_equal(st.nerrors, 0);
	assert_int_equal(st.fields[SECTXT_F_CONTACT].n, 3);
	assert_string_equal(st.fields[SECTXT_F_CONTACT].values[1], "tel:+1-201-555-0123");
	assert_int_equal(st.fields[SECTXT_F_CONTACT].lines[2], 4);
	assert_true(st.expires_ok && !st.expired && !st.expires_far);
	assert_int_equal(st.expires, 1780315200);
	assert_string_equal(st.fields[SECTXT_F_PREFERRED_LANGUAGES].values[0], "en, es");
	assert_int_equal(st.fields[SECTXT_F_CSAF].n, 1);
	assert_int_equal(st.nunknown, 1);
	assert_int_equal(st.ncomments, 1);
	assert_false(st.signed_msg);

	/* CRLF line endings, trailing spaces */
	assert_int_equal(parse("Contact: mailto:a@example.com \r\nExpires: 2026-06-01T12:00:00Z\r\n"),
	    0);
	assert_true(st.valid);
	assert_int_equal(st.ncrlf, 2);
	assert_string_equal(st.fields[SECTXT_F_CONTACT].values[0], "mailto:a@example.com");

	/* 2.5.3 Contact required; 2.5.5 Expires required, once, in the future */
	assert_int_equal(parse("Expires: 2026-06-01T12:00:00Z\n"), 0);
	assert_false(st.valid);
	assert_true(has_err(SECTXT_E_NO_CONTACT, 0));
	assert_int_equal(parse("Contact: mailto:a@example.com\n"), 0);
	assert_true(has_err(SECTXT_E_NO_EXPIRES, 0));
	assert_int_equal(parse("Contact: mailto:a@example.com\nExpires: 2026-06-01T12:00:00Z\n"
	    "Expires: 2026-07-01T12:00:00Z\n"), 0);
	assert_true(has_err(SECTXT_E_DUP_EXPIRES, 3));
	assert_int_equal(parse("Contact: mailto:a@example.com\nExpires: 2025-06-01T12:00:00Z\n"), 0);
	assert_true(st.expired && has_err(SECTXT_E_EXPIRED, 2) && !st.valid);
	assert_int_equal(parse("Contact: mailto:a@example.com\nExpires: 2028-01-01T00:00:00Z\n"), 0);
	assert_true(st.expires_far && st.valid); /* a recommendation only */
	/* 2.5.5: "less than a year into the future" is a calendar year (sectxt: now with the
	 * year + 1): from 2027-03-01 the year ends 2028-03-01, 366 days on, so 2028-02-29T12:00Z
	 * is within it; 2028-03-01T00:00:01Z is not */
	{
		static const char *const f[] = {
			"Contact: mailto:a@example.com\nExpires: 2028-02-29T12:00:00Z\n",
			"Contact: mailto:a@example.com\nExpires: 2028-03-01T00:00:00Z\n",
			"Contact: mailto:a@example.com\nExpires: 2028-03-01T00:00:01Z\n",
		}, *const g[] = {
			"Contact: mailto:a@example.com\nExpires: 2029-03-01T00:00:00Z\n",
			"Contact: mailto:a@example.com\nExpires: 2029-03-01T00:00:01Z\n",
		};
		char why[128];

		for (int k = 0; k < 3; k++) {
			assert_int_equal(sectxt_parse((const uint8_t *)f[k], strlen(f[k]),
			    (time_t)1803859200 /* 2027-03-01T00:00:00Z */, &st, why, sizeof(why)), 0);
			assert_true(st.valid);
			assert_int_equal(st.expires_far, k == 2);
		}
		/* now on a leap day: a year on is 2029-03-01 (no 2029-02-29) */
		for (int k = 0; k < 2; k++) {
			assert_int_equal(sectxt_parse((const uint8_t *)g[k], strlen(g[k]),
			    (time_t)1835395200 /* 2028-02-29T00:00:00Z */, &st, why, sizeof(why)),
			    0);
			assert_true(st.valid);
			assert_int_equal(st.expires_far, k == 1);
		}
	}
	assert_int_equal(parse("Contact: mailto:a@example.com\nExpires: 1 June 2026\n"), 0);
	assert_true(has_err(SECTXT_E_BAD_EXPIRES, 2));
	/* 2.5.8 Preferred-Languages at most once */
	assert_int_equal(parse("Contact: mailto:a@example.com\nExpires: 2026-06-01T12:00:00Z\n"
	    "Preferred-Languages: en\nPreferred-Languages: nl\n"), 0);
	assert_true(has_err(SECTXT_E_DUP_PREF_LANG, 4));
	/* 2.5.3 etc.: web URIs MUST be https; URIs must be URIs */
	assert_int_equal(parse("Contact: http://example.com/\nExpires: 2026-06-01T12:00:00Z\n"
	    "Policy: not a uri\nCanonical:\nthis line is junk\n"), 0);
	assert_true(has_err(SECTXT_E_INSECURE_URI, 1));
	assert_true(has_err(SECTXT_E_BAD_URI, 3));
	assert_true(has_err(SECTXT_E_EMPTY_VALUE, 4));
	assert_true(has_err(SECTXT_E_SYNTAX, 5));
	assert_int_equal(st.nerrors, 4);
	/* a web URI "MUST begin with https://" (2.5.1-2.5.7): an http URI in any spelling is
	 * one that does not (sectxt: urlsplit's scheme "http", no_https), and an https URI
	 * without "//" is no https URI (RFC 9110 4.2.2: "https://" authority) */
	assert_int_equal(parse("Contact: HTTP://example.com/\nExpires: 2026-06-01T12:00:00Z\n"
	    "Policy: http:example.com/p\nHiring: Http:/jobs\nCanonical: https:example.com/x\n"
	    "Encryption: https://example.com/k\nAcknowledgments: httpx://example.com/a\n"), 0);
	assert_true(has_err(SECTXT_E_INSECURE_URI, 1));
	assert_true(has_err(SECTXT_E_INSECURE_URI, 3));
	assert_true(has_err(SECTXT_E_INSECURE_URI, 4));
	assert_true(has_err(SECTXT_E_BAD_URI, 5));
	assert_int_equal(st.nerrors, 4);
}

/* sectxt (the library internet.nl 1.8 calls): no_space, invalid_lang are errors; unknown
 * fields only counted */
static void
test_sectxt_errors(void **state)
{
	(void)state;
	/* ": " required after every field name, unknown ones too; a tab is not a space */
	assert_int_equal(parse("Contact:https://example.com/\nExpires:\t2026-06-01T12:00:00Z\n"
	    "X-Other:1\nPolicy: https://example.com/p\n"), 0);
	assert_true(has_err(SECTXT_E_NO_SPACE, 1));
	assert_true(has_err(SECTXT_E_NO_SPACE, 2));
	assert_true(has_err(SECTXT_E_NO_SPACE, 3));
	assert_int_equal(st.nerrors, 3);
	assert_true(st.expires_ok);     /* the value is still read */
	assert_int_equal(st.nunknown, 1);
	/* "Canonical:" with nothing after it is an empty value only */
	assert_int_equal(parse("Contact: https://example.com/\nExpires: 2026-06-01T12:00:00Z\n"
	    "Canonical:\n"), 0);
	assert_int_equal(st.nerrors, 1);
	assert_true(has_err(SECTXT_E_EMPTY_VALUE, 3));
	/* Preferred-Languages: RFC 5646 tags, comma-separated */
	assert_int_equal(parse("Contact: https://example.com/\nExpires: 2026-06-01T12:00:00Z\n"
	    "Preferred-Languages: en, nl-NL,zh-Hant-TW , de-CH-1996, x-private, "
	    "sl-rozaj-biske, en-a-bbb-x-a-ccc, zh-yue-HK, es-419\n"), 0);
	assert_true(st.valid);
	assert_int_equal(parse("Contact: https://example.com/\nExpires: 2026-06-01T12:00:00Z\n"
	    "Preferred-Languages: en, en_US\n"), 0);
	assert_true(has_err(SECTXT_E_BAD_LANG, 3));
	assert_int_equal(parse("Contact: https://example.com/\nExpires: 2026-06-01T12:00:00Z\n"
	    "Preferred-Languages: en,\n"), 0);
	assert_true(has_err(SECTXT_E_BAD_LANG, 3));
}

/* RFC 5646 2.1 well-formedness */
static void
test_langtag(void **state)
{
	static const char *const good[] = { "en", "EN", "nl-NL", "zh-Hant", "zh-Hant-TW",
	    "sr-Latn-RS", "es-419", "de-CH-1996", "sl-rozaj", "sl-IT-nedis", "x-whatever",
	    "en-a-bbb", "en-US-u-islamcal", "zh-cmn-Hans-CN", "qaa-Qaaa-QM-x-southern", "tlh",
	    "abcde" };
	static const char *const bad[] = { "", "e", "english1", "en-", "-en", "en--US",
	    "123", "en-US-GB", "en-Latn-Latn", "en-a", "en-x", "x", "en-a-b", "toolonglang",
	    "en_US", "en US", "i-klingon", "en-abcdefghi", "nl-NL-Latn" };

	(void)state;
	for (size_t k = 0; k < sizeof(good) / sizeof(good[0]); k++)
		if (!sectxt_langtag((const uint8_t *)good[k], strlen(good[k])))
			fail_msg("'%s' refused", good[k]);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		if (sectxt_langtag((const uint8_t *)bad[k], strlen(bad[k])))
			fail_msg("'%s' accepted", bad[k]);
}

/* internet.nl 1.8.0 passes the URL the file came from; sectxt: no_canonical_match when
 * Canonical fields exist and none is that URL */
static void
test_canonical(void **state)
{
	static const char u[] = "https://example.com/.well-known/security.txt";
	char buf[2048];
	int n;

	(void)state;
	assert_int_equal(parse("Contact: https://example.com/\nExpires: 2026-06-01T12:00:00Z\n"),
	    0);
	assert_int_equal(sectxt_canonical(&st, u), SECTXT_CANON_NONE);
	assert_int_equal(parse("Contact: https://example.com/\nExpires: 2026-06-01T12:00:00Z\n"
	    "Canonical: https://www.example.com/.well-known/security.txt\n"
	    "Canonical: HTTPS://Example.COM/.well-known/security.txt\n"), 0);
	assert_int_equal(sectxt_canonical(&st, u), SECTXT_CANON_MATCH);
	assert_int_equal(sectxt_canonical(&st, "https://example.com/.well-known/Security.txt"),
	    SECTXT_CANON_NO_MATCH);
	assert_int_equal(sectxt_canonical(&st, "https://example.com/security.txt"),
	    SECTXT_CANON_NO_MATCH);
	assert_int_equal(sectxt_canonical(&st, "https://example.com/.well-known/security.txt?"),
	    SECTXT_CANON_NO_MATCH);
	assert_int_equal(sectxt_canonical(&st, "https://example.co"), SECTXT_CANON_NO_MATCH);
	assert_int_equal(sectxt_canonical(&st, ""), SECTXT_CANON_NO_MATCH);
	assert_string_equal(sectxt_canon_name(SECTXT_CANON_NO_MATCH), "no-match");
	/* more values than kept: not decided */
	n = snprintf(buf, sizeof(buf), "Contact: https://example.com/\n"
	    "Expires: 2026-06-01T12:00:00Z\n");
	for (int k = 0; k < MAX_SECTXT_VALUES + 1; k++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "Canonical: https://h%d.test/\n", k);
	assert_int_equal(parse(buf), 0);
	assert_int_equal(sectxt_canonical(&st, u), SECTXT_CANON_UNKNOWN);
	assert_int_equal(sectxt_canonical(&st, "https://h0.test/"), SECTXT_CANON_MATCH);
}

/* RFC 4880 7 cleartext signature framing; RFC 9116 2.3 */
static void
test_pgp(void **state)
{
	(void)state;
	assert_int_equal(parse("-----BEGIN PGP SIGNED MESSAGE-----\n"
	    "Hash: SHA256\n\n"
	    "Contact: mailto:a@example.com\n"
	    "- -not a field but dash-escaped\n"
	    "Expires: 2026-06-01T12:00:00Z\n"
	    "-----BEGIN PGP SIGNATURE-----\n\n"
	    "iQIzBAEBCAAdFiEE\n=abcd\n"
	    "-----END PGP SIGNATURE-----\n"), 0);
	assert_true(st.signed_msg);
	assert_true(has_err(SECTXT_E_SYNTAX, 5)); /* "-not a field..." is body text */
	assert_int_equal(st.nerrors, 1);
	assert_int_equal(parse("-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA512\r\n\r\n"
	    "Contact: mailto:a@example.com\r\nExpires: 2026-06-01T12:00:00Z\r\n"
	    "-----BEGIN PGP SIGNATURE-----\r\nxx\r\n-----END PGP SIGNATURE-----\r\n"), 0);
	assert_true(st.valid);
	/* no END */
	assert_int_equal(parse("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
	    "Contact: mailto:a@example.com\nExpires: 2026-06-01T12:00:00Z\n"
	    "-----BEGIN PGP SIGNATURE-----\nxx\n"), 0);
	assert_true(has_err(SECTXT_E_PGP_FRAMING, 7));
	assert_int_equal(st.nerrors, 1);
	/* no Hash header: RFC 4880 7 lets it be left out (MD5), RFC 9580 7.1 (which obsoletes
	 * it) has "zero or more" Hash headers, and sectxt does not ask for one */
	assert_int_equal(parse("-----BEGIN PGP SIGNED MESSAGE-----\n\n"
	    "Contact: mailto:a@example.com\nExpires: 2026-06-01T12:00:00Z\n"
	    "-----BEGIN PGP SIGNATURE-----\nxx\n-----END PGP SIGNATURE-----\n"), 0);
	assert_true(st.valid && st.signed_msg);
	/* RFC 4880 6.2: armor lines may be followed by whitespace, and a line of whitespace
	 * only is the blank line after the headers (sectxt strips each line's end) */
	assert_int_equal(parse("-----BEGIN PGP SIGNED MESSAGE----- \r\nHash: SHA256\r\n \t\r\n"
	    "Contact: mailto:a@example.com\r\nExpires: 2026-06-01T12:00:00Z\r\n"
	    "-----BEGIN PGP SIGNATURE-----\t\r\nxx\r\n-----END PGP SIGNATURE-----  \r\n"
	    "  \r\n"), 0);
	assert_true(st.valid && st.signed_msg);
	assert_int_equal(st.fields[SECTXT_F_CONTACT].n, 1);
	assert_int_equal(parse("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\nComment: x\n\n"
	    "Contact: mailto:a@example.com\n--x\nExpires: 2026-06-01T12:00:00Z\n"
	    "-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\nContact: mailto:b@x\n"),
	    0);
	assert_true(has_err(SECTXT_E_PGP_FRAMING, 3));
	assert_true(has_err(SECTXT_E_PGP_FRAMING, 6));
	assert_true(has_err(SECTXT_E_PGP_FRAMING, 10));
	assert_int_equal(st.fields[SECTXT_F_CONTACT].n, 1);
	assert_false(st.valid);
	/* RFC 9116 2.3: a signed file starts with the BEGIN line; text before it is a framing
	 * error of a signed file (sectxt's signed_format_issue), the rest read as framed: one
	 * error, the armour and signature lines not fields, and the file still signed (no
	 * not_signed recommendation) */
	assert_int_equal(parse("# a comment first\n"
	    "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
	    "Contact: https://example.com/c\nExpires: 2026-06-01T12:00:00Z\n"
	    "-----BEGIN PGP SIGNATURE-----\n\niHUEARYIAB0WIQ\n=yKCl\n"
	    "-----END PGP SIGNATURE-----\n"), 0);
	assert_true(st.signed_msg);
	assert_true(has_err(SECTXT_E_PGP_FRAMING, 2));
	assert_int_equal(st.nerrors, 1);
	assert_int_equal(st.fields[SECTXT_F_CONTACT].n, 1);
	assert_false(st.valid);
}

/* UTF-8 required (RFC 9116 4: the file is UTF-8), NUL, size, many lines */
static void
test_hostile(void **state)
{
	char why[128];
	uint8_t *buf;
	size_t n = 1 << 20, k;
	static const char nul[] = "Contact: mailto:a@example.com\nExp\0ires: x\n";
	static const char *const bad8[] = {
		"Contact: mailto:a@example.com\n\xff\n",
		"Contact: mailto:a@example.com\n\xc0\xaf\n",       /* overlong */
		"Contact: mailto:a@example.com\n\xed\xa0\x80\n",   /* surrogate */
		"Contact: mailto:a@example.com\n\xf4\x90\x80\x80\n", /* > U+10FFFF */
		"Contact: mailto:a@example.com\n\xe2\x82",         /* truncated */
	};

	(void)state;
	assert_int_equal(sectxt_parse((const uint8_t *)nul, sizeof(nul) - 1, NOW, &st, why,
	    sizeof(why)), PEIL_EINVAL);
	assert_non_null(strstr(why, "nul-byte: line 2"));
	for (k = 0; k < sizeof(bad8) / sizeof(bad8[0]); k++) {
		assert_int_equal(sectxt_parse((const uint8_t *)bad8[k], strlen(bad8[k]), NOW, &st,
		    why, sizeof(why)), PEIL_EINVAL);
		assert_non_null(strstr(why, "bad-utf8: line 2"));
		assert_int_equal(st.fields[SECTXT_F_CONTACT].n, 0);
	}
	assert_int_equal(parse("Contact: mailto:\xc3\xa9@example.com\n"
	    "Expires: 2026-06-01T12:00:00Z\n"), 0);
	assert_true(st.valid);
	buf = malloc(n);
	assert_non_null(buf);
	memset(buf, '\n', n);
	assert_int_equal(sectxt_parse(buf, n, NOW, &st, why, sizeof(why)), PEIL_ETOOBIG);
	/* thousands of fields and errors: counted, the first kept */
	for (k = 0; k + 12 <= MAX_SECTXT_BYTES; k += 12)
		memcpy(buf + k, "Contact: x\n\n", 12);
	assert_int_equal(sectxt_parse(buf, MAX_SECTXT_BYTES, NOW, &st, why, sizeof(why)), 0);
	assert_int_equal(st.fields[SECTXT_F_CONTACT].n, MAX_SECTXT_BYTES / 12);
	assert_int_equal(st.fields[SECTXT_F_CONTACT].nkept, MAX_SECTXT_VALUES);
	assert_int_equal(st.nkept_errors, MAX_SECTXT_ERRORS);
	assert_true(st.nerrors > MAX_SECTXT_BYTES / 12);
	/* one huge value: truncated */
	memcpy(buf, "Contact: https://", 17);
	memset(buf + 17, 'a', MAX_SECTXT_BYTES - 17);
	assert_int_equal(sectxt_parse(buf, MAX_SECTXT_BYTES, NOW, &st, why, sizeof(why)), 0);
	assert_int_equal(strlen(st.fields[SECTXT_F_CONTACT].values[0]), MAX_SECTXT_VALUE_LEN);
	free(buf);
	assert_int_equal(sectxt_parse(NULL, 1, NOW, &st, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(sectxt_parse((const uint8_t *)"", 0, NOW, NULL, why, sizeof(why)),
	    PEIL_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_datetime),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_sectxt_errors),
		cmocka_unit_test(test_langtag),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_pgp),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
