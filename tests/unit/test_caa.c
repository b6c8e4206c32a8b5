/* test_caa.c: CAA RDATA vectors (RFC 8659 4.1-4.5 examples, RFC 8657 4 examples) and
 * internet.nl's classes (internetstandards/Internet.nl checks/caa/parser.py at 085af234,
 * checks/caa/retrieval.py at 0673929a, their tests checks/caa/tests/test_parser.py at 3b6b5df1
 * and test_retrieval.py at 01d1977d: flags 0 or 128 only; issue, issuewild, issuevmc,
 * issuemail by the 4.2 grammar, validationmethods ACME or ca-*; iodef mailto:/http(s) with a
 * host; contactemail; contactphone RFC 3966; auth/path/policy reserved; any other tag an
 * error; at least one issue record; no CAA at all is bad). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "caa.h"
#include "err.h"
#include "limits.h"

/* Builds flags, tag length, tag, value into buf; returns the length. */
static size_t
rdata(uint8_t *buf, size_t cap, unsigned flags, const char *tag, const char *val, size_t vlen)
{
	size_t tl = strlen(tag);

	assert_true(2 + tl + vlen <= cap);
	buf[0] = (uint8_t)flags;
	buf[1] = (uint8_t)tl;
	memcpy(buf + 2, tag, tl);
	memcpy(buf + 2 + tl, val, vlen);
	return 2 + tl + vlen;
}

struct cvec {
	unsigned flags;
	const char *tag, *val;
	enum caa_problem problem;
	enum caa_tag kind;
};

#define P(x) CAA_P_##x
#define T(x) CAA_TAG_##x

static const struct cvec cvecs[] = {
	/* RFC 8659 4.2, 4.3, 4.4 examples */
	{ 0, "issue", "ca1.example.net", P(NONE), T(ISSUE) },
	{ 0, "issue", "ca1.example.net; account=230123", P(NONE), T(ISSUE) },
	{ 0, "issue", ";", P(NONE), T(ISSUE) },
	{ 0, "issuewild", "ca2.example.org", P(NONE), T(ISSUEWILD) },
	{ 0, "iodef", "mailto:security@example.com", P(NONE), T(IODEF) },
	{ 0, "iodef", "https://iodef.example.com/", P(NONE), T(IODEF) },
	/* 4.5: an unknown property: an error for internet.nl, critical or not */
	{ 128, "tbs", "Unknown", P(TAG_UNKNOWN_CRITICAL), T(UNKNOWN) },
	{ 0, "tbs", "Unknown", P(TAG_UNKNOWN), T(UNKNOWN) },
	/* RFC 8657 4 examples */
	{ 0, "issue", "example.net; accounturi=https://example.net/account/1234", P(NONE),
	  T(ISSUE) },
	{ 0, "issue", "example.net; validationmethods=dns-01", P(NONE), T(ISSUE) },
	/* internet.nl test_parser.py valid_pairs */
	{ 128, "issue", ";", P(NONE), T(ISSUE) },
	{ 0, "issue", "ca.example.com", P(NONE), T(ISSUE) },
	{ 0, "issuewild", "ca.example.com", P(NONE), T(ISSUEWILD) },
	{ 0, "iodef", "https://report.example.com", P(NONE), T(IODEF) },
	{ 0, "iodef", "mailto:report@example.com", P(NONE), T(IODEF) },
	{ 0, "contactemail", "contact@example.com", P(NONE), T(CONTACTEMAIL) },
	{ 0, "contactphone", "+3185123456", P(NONE), T(CONTACTPHONE) },
	{ 0, "issuevmc", ";", P(NONE), T(ISSUEVMC) },
	{ 0, "issuevmc", "ca.example.com", P(NONE), T(ISSUEVMC) },
	{ 0, "issuemail", ";", P(NONE), T(ISSUEMAIL) },
	{ 0, "issuemail", "authority.example; account=123456", P(NONE), T(ISSUEMAIL) },
	{ 0, "issue", "example.net; validationmethods=dns-01,ca-custom", P(NONE), T(ISSUE) },
	{ 0, "issuewild", "example.net; accounturi=https://example.net/account/2345; "
	  "validationmethods=http-01", P(NONE), T(ISSUEWILD) },
	/* internet.nl test_parser.py invalid_pairs */
	{ 255, "issue", ";", P(FLAGS_RESERVED), T(ISSUE) },
	{ 0, "issue", "%", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issue", "\xf0\x9f\x92\xa9", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issuewild", "\xf0\x9f\x92\xa9", P(ISSUE_SYNTAX), T(ISSUEWILD) },
	{ 0, "issuevmc", "\xf0\x9f\x92\xa9", P(ISSUE_SYNTAX), T(ISSUEVMC) },
	{ 0, "iodef", "https://", P(IODEF), T(IODEF) },
	{ 0, "iodef", "ftp://report.example.com", P(IODEF), T(IODEF) },
	{ 0, "contactemail", "not-an-email", P(CONTACTEMAIL), T(CONTACTEMAIL) },
	{ 0, "contactphone", "not-a-phone-number", P(CONTACTPHONE), T(CONTACTPHONE) },
	{ 0, "issuemail", "authority.example; account=\xf0\x9f\x92\xa9", P(ISSUE_SYNTAX),
	  T(ISSUEMAIL) },
	{ 0, "issue", "example.net; validationmethods=dns-01,custom", P(ISSUE_METHOD), T(ISSUE) },
	/* internet.nl test_retrieval.py: issuewild "\x08" */
	{ 0, "issuewild", "\x08", P(ISSUE_SYNTAX), T(ISSUEWILD) },
	{ 0, "unknown", ";", P(TAG_UNKNOWN), T(UNKNOWN) },
	/* the 4.2 grammar, case by case */
	{ 0, "issue", "", P(NONE), T(ISSUE) },                     /* no issuer: none allowed */
	{ 0, "issue", "  ca.example.net  ", P(NONE), T(ISSUE) },
	{ 0, "issue", "\tca.example.net\t;\ta=b\t", P(NONE), T(ISSUE) },
	{ 0, "issue", "ca.example.net;", P(NONE), T(ISSUE) },
	{ 0, "issue", "ca.example.net; a=", P(NONE), T(ISSUE) },   /* value = *(...) */
	{ 0, "issue", "ca.example.net; a = b ; c-d=e", P(NONE), T(ISSUE) },
	{ 0, "issue", "; a=b", P(NONE), T(ISSUE) },
	{ 0, "issue", "c--a.ex-ample.net", P(NONE), T(ISSUE) },
	{ 0, "issue", "ca.example.net.", P(ISSUE_SYNTAX), T(ISSUE) }, /* final dot */
	{ 0, "issue", "ca..example.net", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issue", "-ca.example.net", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issue", "ca-.example.net", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issue", "ca_1.example.net", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issue", "ca.example.net; a=b;", P(ISSUE_SYNTAX), T(ISSUE) }, /* ';' then nothing */
	{ 0, "issue", "ca.example.net; a=b c", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issue", "ca.example.net; a", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issue", "ca.example.net; -a=b", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issue", "ca.example.net a=b", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issue", "ca.example.net;; a=b", P(ISSUE_SYNTAX), T(ISSUE) },
	{ 0, "issue", "\"ca.example.net\"", P(ISSUE_SYNTAX), T(ISSUE) }, /* quotes are zone
	                                                                 * syntax, not value */
	{ 0, "issue", "ca.example.net; validationmethods=", P(NONE), T(ISSUE) },
	{ 0, "issue", "ca.example.net; validationmethods=tls-alpn-01,http-01", P(NONE), T(ISSUE) },
	{ 0, "issue", "ca.example.net; validationmethods=dns-01,", P(ISSUE_METHOD), T(ISSUE) },
	{ 0, "issue", "ca.example.net; validationmethods=HTTP-01", P(ISSUE_METHOD), T(ISSUE) },
	/* internet.nl keeps parameters in a dict: the last validationmethods decides */
	{ 0, "issue", "ca.example.net; validationmethods=x; validationmethods=dns-01", P(NONE),
	  T(ISSUE) },
	/* issuemail takes no validationmethods check */
	{ 0, "issuemail", "ca.example.net; validationmethods=x", P(NONE), T(ISSUEMAIL) },
	/* 4.1: tags compare case-insensitively */
	{ 0, "ISSUE", "ca.example.net", P(NONE), T(ISSUE) },
	{ 0, "IssueWild", ";", P(NONE), T(ISSUEWILD) },
	{ 128, "IODEF", "mailto:a@b", P(NONE), T(IODEF) },
	/* tags: [A-Za-z0-9]{1,15}; reserved ones */
	{ 0, "issue-wild", ";", P(TAG_SYNTAX), T(UNKNOWN) },
	{ 0, "abcdefghijklmnop", ";", P(TAG_SYNTAX), T(UNKNOWN) },   /* 16 */
	{ 0, "abcdefghijklmno", ";", P(TAG_UNKNOWN), T(UNKNOWN) },   /* 15 */
	{ 0, "auth", "", P(TAG_RESERVED), T(RESERVED) },
	{ 0, "path", "", P(TAG_RESERVED), T(RESERVED) },
	{ 128, "Policy", "", P(TAG_RESERVED), T(RESERVED) },
	/* flags: only 0 and 128 */
	{ 1, "issue", ";", P(FLAGS_RESERVED), T(ISSUE) },
	{ 129, "issue", ";", P(FLAGS_RESERVED), T(ISSUE) },
	{ 2, "is-sue", ";", P(FLAGS_RESERVED), T(UNKNOWN) },
	/* iodef as urlparse reads it */
	{ 0, "iodef", "http://x", P(NONE), T(IODEF) },
	{ 0, "iodef", "HTTPS://x/report?a#b", P(NONE), T(IODEF) },
	{ 0, "iodef", "https:x.example", P(IODEF), T(IODEF) },
	{ 0, "iodef", "https:///path", P(IODEF), T(IODEF) },
	{ 0, "iodef", "https://[::1/", P(IODEF), T(IODEF) },
	{ 0, "iodef", "https://[2001:db8::1]/", P(NONE), T(IODEF) },
	{ 0, "iodef", "mailto:a@b?subject=x", P(NONE), T(IODEF) },
	{ 0, "iodef", "mailto:", P(IODEF), T(IODEF) },
	{ 0, "iodef", "mailto:ab", P(IODEF), T(IODEF) },
	{ 0, "iodef", "mailto:a@b@c", P(IODEF), T(IODEF) },
	{ 0, "iodef", "mailto:@b", P(IODEF), T(IODEF) },
	{ 0, "iodef", "mailto://a@b", P(IODEF), T(IODEF) },
	{ 0, "iodef", "security@example.com", P(IODEF), T(IODEF) },
	{ 0, "iodef", "", P(IODEF), T(IODEF) },
	{ 0, "iodef", "mailto:a b@c", P(IODEF), T(IODEF) },  /* RFC 3986: no spaces */
	/* contact properties */
	{ 0, "contactemail", "a@b", P(NONE), T(CONTACTEMAIL) },
	{ 0, "contactemail", "a@b@c", P(CONTACTEMAIL), T(CONTACTEMAIL) },
	{ 0, "contactemail", "", P(CONTACTEMAIL), T(CONTACTEMAIL) },
	{ 0, "contactphone", "+31 85 123", P(CONTACTPHONE), T(CONTACTPHONE) },
	{ 0, "contactphone", "+31-(85)-123.456", P(NONE), T(CONTACTPHONE) },
	{ 0, "contactphone", "+3185123;ext=12", P(NONE), T(CONTACTPHONE) },
	{ 0, "contactphone", "+3185123;isub=a@b", P(NONE), T(CONTACTPHONE) },
	{ 0, "contactphone", "+3185123;x=%2", P(CONTACTPHONE), T(CONTACTPHONE) },
	{ 0, "contactphone", "+3185123;x", P(NONE), T(CONTACTPHONE) },
	{ 0, "contactphone", "+3185123;", P(CONTACTPHONE), T(CONTACTPHONE) },
	{ 0, "contactphone", "+", P(CONTACTPHONE), T(CONTACTPHONE) },
	{ 0, "contactphone", "3185123", P(CONTACTPHONE), T(CONTACTPHONE) },
};

static void
test_caa_vectors(void **state)
{
	uint8_t buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cvecs) / sizeof(cvecs[0]); i++) {
		const struct cvec *v = &cvecs[i];
		size_t n = rdata(buf, sizeof(buf), v->flags, v->tag, v->val, strlen(v->val));
		struct caa_rr r;
		char why[128];
		int rc = caa_parse(buf, n, &r, why, sizeof(why));

		if (r.problem != v->problem || (rc == 0) != (v->problem == CAA_P_NONE) ||
		    r.tag != v->kind || (rc == 0) != (why[0] == '\0'))
			fail_msg("vector %zu %u %s \"%s\": rc %d problem %s tag %s why \"%s\"", i,
			    v->flags, v->tag, v->val, rc, caa_problem_name(r.problem),
			    caa_tag_name(r.tag), why);
		assert_int_equal(r.flags, v->flags);
		assert_int_equal(r.critical, (v->flags & 128) != 0);
		assert_int_equal(r.value_len, strlen(v->val));
		assert_memory_equal(r.value, v->val, r.value_kept);
	}
}

static void
test_caa_fields(void **state)
{
	uint8_t buf[512];
	struct caa_rr r;
	char why[128];
	size_t n;

	(void)state;
	n = rdata(buf, sizeof(buf), 0, "Issue", "ca1.example.net; account=230123",
	    strlen("ca1.example.net; account=230123"));
	assert_int_equal(caa_parse(buf, n, &r, why, sizeof(why)), 0);
	assert_string_equal(r.tag_text, "Issue");       /* kept as written */
	assert_int_equal(r.tag, CAA_TAG_ISSUE);
	assert_string_equal(r.issuer, "ca1.example.net");
	assert_false(r.issue_none);
	assert_int_equal(r.nparams, 1);
	assert_null(r.detail);

	n = rdata(buf, sizeof(buf), 0, "issue", ";", 1);
	assert_int_equal(caa_parse(buf, n, &r, why, sizeof(why)), 0);
	assert_true(r.issue_none);
	assert_string_equal(r.issuer, "");

	/* a fault: the offset of the bad byte in the value, the reason text */
	n = rdata(buf, sizeof(buf), 0, "issue", "ca.example.net; a=b c", 21);
	assert_int_equal(caa_parse(buf, n, &r, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(r.problem_off, 20);
	assert_non_null(strstr(why, "issue-syntax: "));
	assert_non_null(strstr(why, "(offset 20)"));
	assert_string_equal(r.issuer, "");           /* nothing half-judged kept */

	/* hostile tag bytes are shown as '?', a long tag cut */
	n = rdata(buf, sizeof(buf), 0, "a\x1b[31mb", ";", 1);
	assert_int_equal(caa_parse(buf, n, &r, why, sizeof(why)), PEIL_EINVAL);
	assert_string_equal(r.tag_text, "a??31mb");
	n = rdata(buf, sizeof(buf), 0, "abcdefghijklmnopqrstuvwxyz", ";", 1);
	assert_int_equal(caa_parse(buf, n, &r, why, sizeof(why)), PEIL_EINVAL);
	assert_string_equal(r.tag_text, "abcdefghijklmno");
	assert_int_equal(r.tag_len, 26);
}

static void
test_caa_malformed(void **state)
{
	uint8_t buf[4] = { 0, 5, 'i', 's' };
	struct caa_rr r;
	char why[128];

	(void)state;
	assert_int_equal(caa_parse(buf, 0, &r, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(r.problem, CAA_P_MALFORMED);
	assert_int_equal(caa_parse(NULL, 0, &r, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(caa_parse(buf, 1, &r, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(r.problem, CAA_P_MALFORMED);
	assert_int_equal(caa_parse(buf, 4, &r, why, sizeof(why)), PEIL_EINVAL); /* tag past end */
	assert_int_equal(r.problem, CAA_P_MALFORMED);
	assert_non_null(strstr(why, "malformed: "));
	buf[1] = 0;
	assert_int_equal(caa_parse(buf, 4, &r, why, sizeof(why)), PEIL_EINVAL); /* tag length 0 */
	assert_int_equal(r.problem, CAA_P_MALFORMED);
	buf[1] = 2;
	assert_int_equal(caa_parse(buf, 4, &r, NULL, 0), PEIL_EINVAL);          /* "is": unknown */
	assert_int_equal(r.problem, CAA_P_TAG_UNKNOWN);
	assert_int_equal(r.value_len, 0);
	assert_int_equal(caa_parse(buf, 4, NULL, why, sizeof(why)), PEIL_EINVAL);
}

static void
test_caa_long_value(void **state)
{
	size_t vl = 65000, n;
	uint8_t *buf = malloc(vl + 16);
	char *val = malloc(vl + 1);
	struct caa_rr r;

	(void)state;
	assert_non_null(buf);
	assert_non_null(val);
	/* a valid issue value far over what is kept: checked in full, kept in part */
	memset(val, ' ', vl);
	memcpy(val, "ca.example.net;", 15);
	val[vl] = '\0';
	n = rdata(buf, vl + 16, 0, "issue", val, vl);
	assert_int_equal(caa_parse(buf, n, &r, NULL, 0), 0);
	assert_int_equal(r.value_len, vl);
	assert_int_equal(r.value_kept, MAX_CAA_VALUE_KEEP);
	/* the fault at the very end is still found */
	val[vl - 1] = '%';
	n = rdata(buf, vl + 16, 0, "issue", val, vl);
	assert_int_equal(caa_parse(buf, n, &r, NULL, 0), PEIL_EINVAL);
	assert_int_equal(r.problem_off, vl - 1);
	/* an issuer-domain-name longer than a name */
	memset(val, 'a', vl);
	for (size_t k = 60; k < 400; k += 61)
		val[k] = '.';
	n = rdata(buf, vl + 16, 0, "issue", val, 400);
	assert_int_equal(caa_parse(buf, n, &r, NULL, 0), PEIL_EINVAL);
	assert_int_equal(r.problem, CAA_P_ISSUE_SYNTAX);
	free(buf);
	free(val);
}

/* Adds (flags, tag, value) to the set. */
static void
add(struct caa_set *s, unsigned flags, const char *tag, const char *val)
{
	uint8_t buf[512];
	size_t n = rdata(buf, sizeof(buf), flags, tag, val, strlen(val));

	(void)caa_set_add(s, buf, n);
}

static bool
has_reason(const struct caa_verdict *v, const char *sub)
{
	for (size_t i = 0; i < v->nkept; i++)
		if (strstr(v->reasons[i], sub) != NULL)
			return true;
	return false;
}

static void
test_caa_verdict(void **state)
{
	struct caa_set *s = malloc(sizeof(*s));
	struct caa_verdict v;

	(void)state;
	assert_non_null(s);
	/* none at all: internet.nl's caa_found false, scored bad */
	caa_set_init(s);
	caa_inl_verdict(s, &v);
	assert_int_equal(v.inl, CAA_INL_NONE);
	assert_true(has_reason(&v, "no CAA record"));
	caa_inl_verdict(NULL, &v);
	assert_int_equal(v.inl, CAA_INL_NONE);

	/* test_retrieval.py: 0 issue ";" alone is good */
	caa_set_init(s);
	add(s, 0, "issue", ";");
	caa_inl_verdict(s, &v);
	assert_int_equal(v.inl, CAA_INL_GOOD);
	assert_int_equal(v.nreasons, 0);

	/* RFC 8659 4.4's set */
	caa_set_init(s);
	add(s, 0, "issue", "ca1.example.net");
	add(s, 0, "iodef", "mailto:security@example.com");
	add(s, 0, "iodef", "https://iodef.example.com/");
	caa_inl_verdict(s, &v);
	assert_int_equal(v.inl, CAA_INL_GOOD);

	/* test_retrieval.py: issuewild "\x08" + unknown: three errors */
	caa_set_init(s);
	add(s, 0, "issuewild", "\x08");
	add(s, 0, "unknown", ";");
	caa_inl_verdict(s, &v);
	assert_int_equal(v.inl, CAA_INL_BAD);
	assert_int_equal(v.nbad, 2);
	assert_int_equal(v.nreasons, 3);
	assert_true(has_reason(&v, "record 1 (tag issuewild, flags 0): issue-syntax: "));
	assert_true(has_reason(&v, "(offset 0)"));
	assert_true(has_reason(&v, "record 2 (tag unknown, flags 0): tag-unknown"));
	assert_true(has_reason(&v, "no issue record"));

	/* issuewild alone: internet.nl requires issue (4.3: issuewild does not restrict
	 * non-wildcard names) */
	caa_set_init(s);
	add(s, 0, "issuewild", "ca2.example.org");
	caa_inl_verdict(s, &v);
	assert_int_equal(v.inl, CAA_INL_BAD);
	assert_false(v.has_issue);
	assert_int_equal(v.nreasons, 1);

	/* RFC 8659 4.5: an unknown critical property next to a good issue */
	caa_set_init(s);
	add(s, 0, "issue", "ca1.example.net");
	add(s, 128, "tbs", "Unknown");
	caa_inl_verdict(s, &v);
	assert_int_equal(v.inl, CAA_INL_BAD);
	assert_true(has_reason(&v, "record 2 (tag tbs, flags 128): tag-unknown-critical"));

	/* a faulty issue record still counts as an issue record (internet.nl's caa_tags) */
	caa_set_init(s);
	add(s, 0, "issue", "%");
	caa_inl_verdict(s, &v);
	assert_int_equal(v.inl, CAA_INL_BAD);
	assert_true(v.has_issue);
	assert_int_equal(v.nreasons, 1);

	/* reserved flag bits: an error, but still an issue record (internet.nl's caa_tags) */
	caa_set_init(s);
	add(s, 255, "issue", ";");
	caa_inl_verdict(s, &v);
	assert_int_equal(v.inl, CAA_INL_BAD);
	assert_true(v.has_issue);
	assert_int_equal(v.nreasons, 1);
	assert_true(has_reason(&v, "record 1 (tag issue, flags 255): flags-reserved"));

	/* more records than kept: counted, named, the verdict from those examined */
	caa_set_init(s);
	for (int i = 0; i < MAX_CAA_RECORDS + 3; i++)
		add(s, 0, "issue", "ca.example.net");
	assert_int_equal(s->n, MAX_CAA_RECORDS);
	assert_int_equal(s->total, MAX_CAA_RECORDS + 3);
	caa_inl_verdict(s, &v);
	assert_int_equal(v.inl, CAA_INL_GOOD);
	assert_int_equal(v.nunseen, 3);
	assert_true(has_reason(&v, "3 records not examined"));

	/* reasons are bounded, all counted */
	caa_set_init(s);
	for (int i = 0; i < MAX_CAA_RECORDS; i++)
		add(s, 0, "bad-tag", ";");
	caa_inl_verdict(s, &v);
	assert_int_equal(v.nbad, MAX_CAA_RECORDS);
	assert_int_equal(v.nreasons, MAX_CAA_RECORDS + 1);
	assert_int_equal(v.nkept, MAX_CAA_REASONS);
	assert_true(has_reason(&v, "tag bad?tag"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caa_vectors),
		cmocka_unit_test(test_caa_fields),
		cmocka_unit_test(test_caa_malformed),
		cmocka_unit_test(test_caa_long_value),
		cmocka_unit_test(test_caa_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
