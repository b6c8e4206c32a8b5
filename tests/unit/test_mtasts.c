/* test_mtasts.c: MTA-STS record/policy/mx vectors, TLS-RPT vectors. */
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
#include "mtasts.h"

#define E_OK PEIL_OK
#define E_INV PEIL_EINVAL
#define E_BIG PEIL_ETOOBIG

/* --- _mta-sts records ----------------------------------------------------------------- */

struct rvec {
	const char *rec;
	int rc;
	enum mtasts_reason reason;
	const char *id;          /* expected id when good */
	size_t next;
};

#define RBAD(rec, r) { rec, E_INV, r, NULL, 0 }

static const struct rvec rvecs[] = {
	/* RFC 8461 3.1 example, with and without the final ';'. */
	{ "v=STSv1; id=20160831085700Z;", E_OK, MTASTS_R_OK, "20160831085700Z", 0 },
	{ "v=STSv1; id=20160831085700Z", E_OK, MTASTS_R_OK, "20160831085700Z", 0 },
	{ "v=STSv1;id=abc", E_OK, MTASTS_R_OK, "abc", 0 },
	{ "v=STSv1 ; id=abc ;", E_OK, MTASTS_R_OK, "abc", 0 },
	{ "v=STSv1;\tid=A1b2C3;  ", E_OK, MTASTS_R_OK, "A1b2C3", 0 },
	{ "v=STSv1; id=abc; ext=foo", E_OK, MTASTS_R_OK, "abc", 1 },
	{ "v=STSv1; ext.a_b-c=x:y/z; id=1", E_OK, MTASTS_R_OK, "1", 1 },
	{ "v=STSv1; id=abc; ID=other", E_OK, MTASTS_R_OK, "abc", 1 },
	{ "v=STSv1; id=abcdefghijklmnopqrstuvwxyz012345", E_OK, MTASTS_R_OK,
	    "abcdefghijklmnopqrstuvwxyz012345", 0 },
	{ "v=STSv1; id=1; a1234567890123456789012345678901=x", E_OK, MTASTS_R_OK, "1", 1 },
	RBAD("", MTASTS_R_VERSION),
	RBAD("v=STSv2; id=1", MTASTS_R_VERSION),
	RBAD("v=stsv1; id=1", MTASTS_R_VERSION),
	RBAD("V=STSv1; id=1", MTASTS_R_VERSION),
	RBAD("v = STSv1; id=1", MTASTS_R_VERSION),
	RBAD(" v=STSv1; id=1", MTASTS_R_VERSION),
	RBAD("v=STSv1v; id=1", MTASTS_R_VERSION),
	RBAD("id=1; v=STSv1", MTASTS_R_VERSION),
	RBAD("v=STSv1", MTASTS_R_NO_ID),
	RBAD("v=STSv1;", MTASTS_R_NO_ID),
	RBAD("v=STSv1; ext=1", MTASTS_R_NO_ID),
	RBAD("v=STSv1; id=", MTASTS_R_BAD_ID),
	RBAD("v=STSv1; id=abcdefghijklmnopqrstuvwxyz0123456", MTASTS_R_BAD_ID),
	RBAD("v=STSv1; id=abc-def", MTASTS_R_BAD_ID),
	RBAD("v=STSv1; id=abc=def", MTASTS_R_BAD_ID),
	RBAD("v=STSv1; id=1; id=2", MTASTS_R_DUP_FIELD),
	RBAD("v=STSv1; id=1; v=STSv1", MTASTS_R_DUP_FIELD),
	RBAD("v=STSv1 id=1", MTASTS_R_SYNTAX),
	RBAD("v=STSv1;; id=1", MTASTS_R_SYNTAX),
	RBAD("v=STSv1; id=1; =x", MTASTS_R_SYNTAX),
	RBAD("v=STSv1; id=1; ext", MTASTS_R_SYNTAX),
	RBAD("v=STSv1; id=1 2", MTASTS_R_SYNTAX),
	RBAD("v=STSv1; id=1; ext=", MTASTS_R_BAD_EXT),
	RBAD("v=STSv1; id=1; _ext=1", MTASTS_R_BAD_EXT),
	RBAD("v=STSv1; id=1; e=a=b", MTASTS_R_BAD_EXT),
	RBAD("v=STSv1; id=1; a12345678901234567890123456789012=x", MTASTS_R_BAD_EXT),
	RBAD("v=STSv1; id=1\x01", MTASTS_R_BAD_CHAR),
	RBAD("v=STSv1; id=\xc3\xa9", MTASTS_R_BAD_CHAR),
};

static void
test_record_vectors(void **state)
{
	struct mtasts_record r;
	enum mtasts_reason reason;
	char why[160];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(rvecs) / sizeof(rvecs[0]); i++) {
		const struct rvec *v = &rvecs[i];

		rc = mtasts_record_parse((const uint8_t *)v->rec, strlen(v->rec), &r, &reason, why,
		    sizeof(why));
		if (rc != v->rc || reason != v->reason)
			fail_msg("record %zu \"%s\": rc %d reason %s (%s), want %d %s", i, v->rec,
			    rc, mtasts_reason_name(reason), why, v->rc,
			    mtasts_reason_name(v->reason));
		if (rc == 0) {
			assert_string_equal(r.id, v->id);
			assert_int_equal(r.next, v->next);
			assert_string_equal(why, "");
		} else {
			assert_string_equal(r.id, "");
			assert_non_null(strstr(why, mtasts_reason_name(v->reason)));
		}
	}
	assert_true(i >= 25);
}

static void
test_record_limits(void **state)
{
	struct mtasts_record r;
	enum mtasts_reason reason;
	char buf[MAX_MTASTS_RECORD_LEN + 2], why[128];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "v=STSv1; id=1; e=", 17);
	assert_int_equal(mtasts_record_parse((uint8_t *)buf, MAX_MTASTS_RECORD_LEN, &r, &reason,
	    why, sizeof(why)), 0);
	assert_int_equal(mtasts_record_parse((uint8_t *)buf, MAX_MTASTS_RECORD_LEN + 1, &r,
	    &reason, why, sizeof(why)), E_BIG);
	assert_int_equal(reason, MTASTS_R_TOO_LONG);
	/* NULLs: reason and why may be NULL, out may not. */
	assert_int_equal(mtasts_record_parse((const uint8_t *)"v=STSv1; id=1", 13, &r, NULL,
	    NULL, 0), 0);
	assert_int_equal(mtasts_record_parse((const uint8_t *)"v=STSv1; id=1", 13, NULL,
	    &reason, why, sizeof(why)), E_INV);
	assert_int_equal(mtasts_record_parse(NULL, 0, &r, &reason, why, sizeof(why)), E_INV);
	assert_int_equal(reason, MTASTS_R_VERSION);
	/* a tiny why buffer is truncated, still terminated */
	assert_int_equal(mtasts_record_parse((const uint8_t *)"x", 1, &r, &reason, why, 4), E_INV);
	assert_true(strlen(why) <= 3);
}

static void
test_is_record(void **state)
{
	(void)state;
	assert_true(mtasts_is_record((const uint8_t *)"v=STSv1;", 8));
	assert_true(mtasts_is_record((const uint8_t *)"v=STSv1", 7));
	assert_true(mtasts_is_record((const uint8_t *)"v=STSv1 ;id=1", 13));
	assert_false(mtasts_is_record((const uint8_t *)"v=STSv10;", 9));
	assert_false(mtasts_is_record((const uint8_t *)"V=STSv1;", 8));
	assert_false(mtasts_is_record((const uint8_t *)" v=STSv1;", 9));
	assert_false(mtasts_is_record((const uint8_t *)"v=STSv", 6));
	assert_false(mtasts_is_record(NULL, 0));
	assert_true(tlsrpt_is_record((const uint8_t *)"v=TLSRPTv1;", 11));
	assert_true(tlsrpt_is_record((const uint8_t *)"v=TLSRPTv1", 10));
	assert_false(tlsrpt_is_record((const uint8_t *)"v=TLSRPTv12", 11));
	assert_false(tlsrpt_is_record((const uint8_t *)"v=STSv1;", 8));
	assert_string_equal(mtasts_reason_name(MTASTS_R_BAD_MAX_AGE), "bad-max-age");
	assert_string_equal(mtasts_reason_name(MTASTS_R_FETCH_ERROR), "fetch-error");
	assert_string_equal(mtasts_reason_name((enum mtasts_reason)999), "?");
	assert_string_equal(tlsrpt_reason_name(TLSRPT_R_BAD_EXT), "bad-extension");
	assert_string_equal(tlsrpt_reason_name((enum tlsrpt_reason)999), "?");
	assert_string_equal(mtasts_mode_name(MTASTS_MODE_TESTING), "testing");
	assert_string_equal(mtasts_mode_name(MTASTS_MODE_UNSET), "unset");
	assert_string_equal(tlsrpt_scheme_name(TLSRPT_URI_HTTPS), "https");
}

/* --- Policy files ---------------------------------------------------------------------- */

struct pvec {
	const char *body;
	int rc;
	enum mtasts_reason reason;
	enum mtasts_mode mode;
	uint32_t max_age;
	size_t nmx;
};

#define PBAD(b, r) { b, E_INV, r, MTASTS_MODE_UNSET, 0, 0 }
#define ENF MTASTS_MODE_ENFORCE
#define TST MTASTS_MODE_TESTING
#define NON MTASTS_MODE_NONE

static const struct pvec pvecs[] = {
	/* RFC 8461 3.2 example, LF, CRLF, no final terminator, mixed. */
	{ "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\n"
	  "mx: backupmx.example.com\nmax_age: 604800\n", E_OK, MTASTS_R_OK, ENF, 604800, 3 },
	{ "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
	  "mx: backupmx.example.com\r\nmax_age: 604800\r\n", E_OK, MTASTS_R_OK, ENF, 604800, 3 },
	{ "version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 86400", E_OK,
	  MTASTS_R_OK, TST, 86400, 1 },
	{ "version: STSv1\r\nmode: enforce\nmx: a.example\r\nmax_age: 1\n", E_OK, MTASTS_R_OK,
	  ENF, 1, 1 },
	{ "version: STSv1\nmode: none\nmax_age: 0\n", E_OK, MTASTS_R_OK, NON, 0, 0 },
	{ "version: STSv1\nmode: none\nmx: a.example\nmax_age: 5\n", E_OK, MTASTS_R_OK, NON, 5, 1 },
	{ "max_age: 31557600\nmx: a.example\nmode: enforce\nversion: STSv1\n", E_OK, MTASTS_R_OK,
	  ENF, 31557600, 1 },
	{ "version: STSv1\nmode: enforce\nfoo: bar baz\nmx: a.example\nmax_age: 10\n", E_OK,
	  MTASTS_R_OK, ENF, 10, 1 },
	{ "version: STSv1\nnote: caf\xc3\xa9 \xe2\x82\xac\nmode: testing\nmx: a.example\n"
	  "max_age: 10\n", E_OK, MTASTS_R_OK, TST, 10, 1 },
	{ "version:STSv1\nmode:enforce  \t\nmx:\ta.example \nmax_age:0000000001\n", E_OK,
	  MTASTS_R_OK, ENF, 1, 1 },
	{ "\n\nversion: STSv1\n \nmode: enforce\nmx: a.example\nmax_age: 10\n\n", E_OK,
	  MTASTS_R_OK, ENF, 10, 1 },
	{ "version: STSv1\nmode: enforce\nmx: *.b\xc3\xbc" "cher.example\nmx: localhost\n"
	  "max_age: 10\n", E_OK, MTASTS_R_OK, ENF, 10, 2 },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmx: a.example\nmax_age: 10\n", E_OK,
	  MTASTS_R_OK, ENF, 10, 2 },
	{ "version: STSv1\nmode: enforce\nmx: 1-a.0.example\nmax_age: 10\n", E_OK,
	  MTASTS_R_OK, ENF, 10, 1 },
	PBAD("", MTASTS_R_NO_VERSION),
	PBAD("mode: enforce\nmx: a.example\nmax_age: 10\n", MTASTS_R_NO_VERSION),
	PBAD("Version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 10\n", MTASTS_R_NO_VERSION),
	PBAD("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 10\n", MTASTS_R_VERSION),
	PBAD("version: stsv1\nmode: enforce\nmx: a.example\nmax_age: 10\n", MTASTS_R_VERSION),
	PBAD("version: STSv1\nmx: a.example\nmax_age: 10\n", MTASTS_R_NO_MODE),
	PBAD("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 10\n", MTASTS_R_BAD_MODE),
	PBAD("version: STSv1\nmode: report\nmx: a.example\nmax_age: 10\n", MTASTS_R_BAD_MODE),
	PBAD("version: STSv1\nmode:\nmx: a.example\nmax_age: 10\n", MTASTS_R_BAD_MODE),
	PBAD("version: STSv1\nmode: enforce\nmx: a.example\n", MTASTS_R_NO_MAX_AGE),
	PBAD("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n",
	    MTASTS_R_BAD_MAX_AGE),
	PBAD("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 00000000001\n",
	    MTASTS_R_BAD_MAX_AGE),
	PBAD("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", MTASTS_R_BAD_MAX_AGE),
	PBAD("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1 2\n", MTASTS_R_BAD_MAX_AGE),
	PBAD("version: STSv1\nmode: enforce\nmx: a.example\nmax_age:\n", MTASTS_R_BAD_MAX_AGE),
	PBAD("version: STSv1\nmode: enforce\nmax_age: 10\n", MTASTS_R_NO_MX),
	PBAD("version: STSv1\nmode: testing\nmax_age: 10\n", MTASTS_R_NO_MX),
	PBAD("version: STSv1\nmode: enforce\nmx: *.*.example.com\nmax_age: 10\n", MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmx: mail.*.example.com\nmax_age: 10\n",
	    MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmx: *\nmax_age: 10\n", MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmx: *.\nmax_age: 10\n", MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmx: *example.com\nmax_age: 10\n", MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmx: mail.example.com.\nmax_age: 10\n",
	    MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmx: -mail.example.com\nmax_age: 10\n",
	    MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmx:\nmax_age: 10\n", MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmx: mail..example.com\nmax_age: 10\n",
	    MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmx: mail_1.example.com\nmax_age: 10\n",
	    MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmx: a.example b.example\nmax_age: 10\n",
	    MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\n"
	    "mx: a123456789012345678901234567890123456789012345678901234567890123.example\n"
	    "max_age: 10\n", MTASTS_R_BAD_MX),
	PBAD("version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 10\n",
	    MTASTS_R_DUP_FIELD),
	PBAD("version: STSv1\nversion: STSv1\nmode: enforce\nmx: a.example\nmax_age: 10\n",
	    MTASTS_R_DUP_FIELD),
	PBAD("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 10\nmax_age: 10\n",
	    MTASTS_R_DUP_FIELD),
	PBAD("version: STSv1\n mode: enforce\nmx: a.example\nmax_age: 10\n", MTASTS_R_SYNTAX),
	PBAD("version: STSv1\nmode : enforce\nmx: a.example\nmax_age: 10\n", MTASTS_R_SYNTAX),
	PBAD("version: STSv1\nmode enforce\nmx: a.example\nmax_age: 10\n", MTASTS_R_SYNTAX),
	PBAD("version: STSv1\n: enforce\nmx: a.example\nmax_age: 10\n", MTASTS_R_SYNTAX),
	PBAD("version: STSv1\rmode: enforce\nmx: a.example\nmax_age: 10\n", MTASTS_R_BAD_CHAR),
	PBAD("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 10\r", MTASTS_R_BAD_CHAR),
	PBAD("version: STSv1\nmode: enforce\x7f\nmx: a.example\nmax_age: 10\n", MTASTS_R_BAD_CHAR),
	PBAD("version: STSv1\nx: \xff\nmode: enforce\nmx: a.example\nmax_age: 10\n",
	    MTASTS_R_BAD_CHAR),
	PBAD("version: STSv1\nx: \xc0\xaf\nmode: enforce\nmx: a.example\nmax_age: 10\n",
	    MTASTS_R_BAD_CHAR),
	PBAD("version: STSv1\nfoo: a\tb\nmode: enforce\nmx: a.example\nmax_age: 10\n",
	    MTASTS_R_BAD_EXT),
	PBAD("version: STSv1\nfoo:\nmode: enforce\nmx: a.example\nmax_age: 10\n",
	    MTASTS_R_BAD_EXT),
	PBAD("version: STSv1\n_foo: x\nmode: enforce\nmx: a.example\nmax_age: 10\n",
	    MTASTS_R_BAD_EXT),
	PBAD("<html><body>Not found</body></html>\n", MTASTS_R_SYNTAX),
};

static void
test_policy_vectors(void **state)
{
	struct mtasts_policy *p = malloc(sizeof(*p));
	enum mtasts_reason reason;
	char why[160];
	size_t i;
	int rc;

	(void)state;
	assert_non_null(p);
	for (i = 0; i < sizeof(pvecs) / sizeof(pvecs[0]); i++) {
		const struct pvec *v = &pvecs[i];

		rc = mtasts_policy_parse((const uint8_t *)v->body, strlen(v->body), p, &reason,
		    why, sizeof(why));
		if (rc != v->rc || reason != v->reason)
			fail_msg("policy %zu: rc %d reason %s (%s), want %d %s", i, rc,
			    mtasts_reason_name(reason), why, v->rc, mtasts_reason_name(v->reason));
		if (rc == 0) {
			assert_int_equal(p->mode, v->mode);
			assert_int_equal(p->max_age, v->max_age);
			assert_int_equal(p->nmx, v->nmx);
		} else {
			assert_int_equal(p->nmx, 0);
			assert_int_equal(p->mode, MTASTS_MODE_UNSET);
		}
	}
	assert_true(i >= 25);
	free(p);
}

static void
test_policy_details(void **state)
{
	static const char crlf[] = "version: STSv1\r\nmode: enforce\r\nmx: Mail.Example.COM\r\n"
	    "mx: *.example.net\r\nmax_age: 604800\r\nfoo: bar\r\n\r\n";
	static const char mixed[] = "mode: enforce\nversion: STSv1\r\nmx: a.example\nmax_age: 1";
	struct mtasts_policy *p = malloc(sizeof(*p));
	enum mtasts_reason reason;
	char why[160];

	(void)state;
	assert_non_null(p);
	assert_int_equal(mtasts_policy_parse((const uint8_t *)crlf, sizeof(crlf) - 1, p, &reason,
	    why, sizeof(why)), 0);
	assert_int_equal(p->ncrlf, 7);
	assert_int_equal(p->nlf, 0);
	assert_int_equal(p->nblank, 1);
	assert_int_equal(p->nunknown, 1);
	assert_true(p->version_first);
	assert_string_equal(p->mx[0].name, "mail.example.com");
	assert_false(p->mx[0].wildcard);
	assert_string_equal(p->mx[1].name, "example.net");
	assert_true(p->mx[1].wildcard);
	assert_int_equal(mtasts_policy_parse((const uint8_t *)mixed, sizeof(mixed) - 1, p, &reason,
	    why, sizeof(why)), 0);
	assert_int_equal(p->ncrlf, 1);
	assert_int_equal(p->nlf, 2);
	assert_false(p->version_first);
	/* the error names the offset of the bad line */
	assert_int_equal(mtasts_policy_parse((const uint8_t *)"version: STSv1\nmode: x\n", 23, p,
	    &reason, why, sizeof(why)), E_INV);
	assert_string_equal(why, "bad-mode: mode not enforce, testing or none (offset 21)");
	free(p);
}

/* Policies at the size limits: 64 KiB is taken, one byte more refused; MAX_MTASTS_MX mx lines
 * are taken, one more refused. */
static void
test_policy_limits(void **state)
{
	static const char head[] = "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 10\nx: ";
	struct mtasts_policy *p = malloc(sizeof(*p));
	enum mtasts_reason reason;
	char why[160], *buf = malloc(MAX_MTASTS_POLICY_BYTES + 2), line[32];
	size_t n, i;

	(void)state;
	assert_non_null(p);
	assert_non_null(buf);
	memset(buf, 'y', MAX_MTASTS_POLICY_BYTES + 1);
	memcpy(buf, head, sizeof(head) - 1);
	assert_int_equal(mtasts_policy_parse((uint8_t *)buf, MAX_MTASTS_POLICY_BYTES, p, &reason,
	    why, sizeof(why)), 0);
	assert_int_equal(p->nunknown, 1);
	assert_int_equal(mtasts_policy_parse((uint8_t *)buf, MAX_MTASTS_POLICY_BYTES + 1, p,
	    &reason, why, sizeof(why)), E_BIG);
	assert_int_equal(reason, MTASTS_R_TOO_LONG);

	n = (size_t)snprintf(buf, 64, "version: STSv1\nmode: enforce\nmax_age: 10\n");
	for (i = 0; i < MAX_MTASTS_MX; i++) {
		snprintf(line, sizeof(line), "mx: m%zu.example\n", i);
		memcpy(buf + n, line, strlen(line));
		n += strlen(line);
	}
	assert_int_equal(mtasts_policy_parse((uint8_t *)buf, n, p, &reason, why, sizeof(why)), 0);
	assert_int_equal(p->nmx, MAX_MTASTS_MX);
	assert_true(mtasts_mx_match(p, "m63.example"));
	memcpy(buf + n, "mx: z.example\n", 14);
	assert_int_equal(mtasts_policy_parse((uint8_t *)buf, n + 14, p, &reason, why,
	    sizeof(why)), E_BIG);
	assert_int_equal(reason, MTASTS_R_TOO_MANY_MX);
	assert_int_equal(p->nmx, 0);
	assert_int_equal(mtasts_policy_parse(NULL, 0, p, &reason, why, sizeof(why)), E_INV);
	assert_int_equal(reason, MTASTS_R_NO_VERSION);
	assert_int_equal(mtasts_policy_parse(NULL, 0, NULL, &reason, why, sizeof(why)), E_INV);
	free(buf);
	free(p);
}

static void
test_mx_match(void **state)
{
	static const char pol[] = "version: STSv1\nmode: enforce\nmx: mail.example.com\n"
	    "mx: *.example.net\nmx: MX.Upper.ORG\nmax_age: 86400\n";
	static const struct { const char *host; bool match; } cases[] = {
		{ "mail.example.com", true }, { "MAIL.Example.COM", true },
		{ "mail.example.com.", true }, { "mail.example.com..", false },
		{ "x.mail.example.com", false }, { "example.com", false },
		{ "ail.example.com", false }, { "mail.example.co", false },
		{ "a.example.net", true }, { "A.EXAMPLE.NET.", true }, { "mx1.example.net", true },
		{ "example.net", false }, { "a.b.example.net", false }, { ".example.net", false },
		{ "*.example.net", false }, { "aexample.net", false }, { "mx.upper.org", true },
		{ "", false }, { ".", false }, { "net", false },
	};
	struct mtasts_policy *p = malloc(sizeof(*p));
	enum mtasts_reason reason;
	char why[128], longname[300];
	size_t i;

	(void)state;
	assert_non_null(p);
	assert_int_equal(mtasts_policy_parse((const uint8_t *)pol, sizeof(pol) - 1, p, &reason,
	    why, sizeof(why)), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (mtasts_mx_match(p, cases[i].host) != cases[i].match)
			fail_msg("mx \"%s\": want %d", cases[i].host, cases[i].match);
	assert_false(mtasts_mx_match(p, NULL));
	assert_false(mtasts_mx_match(NULL, "mail.example.com"));
	memset(longname, 'a', sizeof(longname));
	memcpy(longname + sizeof(longname) - 13, ".example.net", 13);
	assert_false(mtasts_mx_match(p, longname));
	/* mode none, no mx: nothing matches */
	assert_int_equal(mtasts_policy_parse((const uint8_t *)"version: STSv1\nmode: none\n"
	    "max_age: 0\n", 37, p, &reason, why, sizeof(why)), 0);
	assert_false(mtasts_mx_match(p, "mail.example.com"));
	free(p);
}

static void
test_content_type(void **state)
{
	(void)state;
	assert_true(mtasts_content_type_ok("text/plain"));
	assert_true(mtasts_content_type_ok("Text/Plain; charset=utf-8"));
	assert_true(mtasts_content_type_ok(" text/plain ;charset=us-ascii"));
	assert_false(mtasts_content_type_ok("text/html"));
	assert_false(mtasts_content_type_ok("text/plainx"));
	assert_false(mtasts_content_type_ok("text/pla"));
	assert_false(mtasts_content_type_ok(""));
	assert_false(mtasts_content_type_ok(NULL));
}

/* --- TLS-RPT records ------------------------------------------------------------------- */

struct tvec {
	const char *rec;
	int rc;
	enum tlsrpt_reason reason;
	size_t nmailto, nhttps, nother;
	const char *host0;       /* host of the first URI */
};

#define TBAD(rec, r) { rec, E_INV, r, 0, 0, 0, NULL }

static const struct tvec tvecs[] = {
	/* RFC 8460 3.3 examples. */
	{ "v=TLSRPTv1; rua=mailto:reports@example.com", E_OK, TLSRPT_R_OK, 1, 0, 0,
	  "example.com" },
	{ "v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt", E_OK, TLSRPT_R_OK, 0, 1, 0,
	  "reporting.example.com" },
	{ "v=TLSRPTv1;rua=mailto:a@example.com,https://r.example.com/x", E_OK, TLSRPT_R_OK, 1, 1,
	  0, "example.com" },
	{ "v=TLSRPTv1; rua=mailto:a@EXAMPLE.org. , mailto:b@example.com;", E_OK, TLSRPT_R_OK, 2,
	  0, 0, "example.org" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; ext=1;  ", E_OK, TLSRPT_R_OK, 1, 0, 0,
	  "example.com" },
	{ "v=TLSRPTv1; ext=1; rua=https://[2001:db8::1]:8443/r", E_OK, TLSRPT_R_OK, 0, 1, 0,
	  "2001:db8::1" },
	{ "v=TLSRPTv1; rua=https://u@192.0.2.1/r?x=1&y=2", E_OK, TLSRPT_R_OK, 0, 1, 0,
	  "192.0.2.1" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com,ftp://x.example/", E_OK, TLSRPT_R_OK, 1, 0, 1,
	  "example.com" },
	{ "v=TLSRPTv1; rua=mailto:a%2Cb@example.com?subject=tls", E_OK, TLSRPT_R_OK, 1, 0, 0,
	  "example.com" },
	{ "v=TLSRPTv1 ; rua=HTTPS://R.Example.COM:443", E_OK, TLSRPT_R_OK, 0, 1, 0,
	  "r.example.com" },
	TBAD("v=TLSRPTv2; rua=mailto:a@example.com", TLSRPT_R_VERSION),
	TBAD("v=tlsrptv1; rua=mailto:a@example.com", TLSRPT_R_VERSION),
	TBAD("rua=mailto:a@example.com; v=TLSRPTv1", TLSRPT_R_VERSION),
	TBAD("v=TLSRPTv1", TLSRPT_R_NO_RUA),
	TBAD("v=TLSRPTv1; ext=1", TLSRPT_R_NO_RUA),
	TBAD("v=TLSRPTv1; RUA=mailto:a@example.com", TLSRPT_R_NO_RUA),
	TBAD("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com", TLSRPT_R_DUP_RUA),
	TBAD("v=TLSRPTv1; rua=", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=mailto:example.com", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=mailto:@example.com", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=mailto:a@-x.example", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=https:reports.example.com", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=https://bad_host/", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=https://r.example.com:80a/", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=https://[2001:db8::zz]/", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=mailto:a@example.com%2", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=mailto:a@example.com mailto:b@example.com", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=mailto:a@example.com,", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=mailto:a\"b@example.com", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=1mailto:a@example.com", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=mail_to:a@example.com", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=reports.example.com", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=mailto:", TLSRPT_R_BAD_URI),
	TBAD("v=TLSRPTv1; rua=ftp://example.com/", TLSRPT_R_NO_USABLE_URI),
	TBAD("v=TLSRPTv1 rua=mailto:a@example.com", TLSRPT_R_SYNTAX),
	TBAD("v=TLSRPTv1; v=TLSRPTv1; rua=mailto:a@example.com", TLSRPT_R_SYNTAX),
	TBAD("v=TLSRPTv1; rua=mailto:a@example.com; ;", TLSRPT_R_SYNTAX),
	TBAD("v=TLSRPTv1; rua=mailto:a@example.com; e=", TLSRPT_R_BAD_EXT),
	TBAD("v=TLSRPTv1; rua=mailto:a@example.com; -e=1", TLSRPT_R_BAD_EXT),
	TBAD("v=TLSRPTv1; rua=mailto:a@example.com\x7f", TLSRPT_R_BAD_CHAR),
	TBAD("v=TLSRPTv1; rua=mailto:a@ex\xc3\xa4mple.com", TLSRPT_R_BAD_CHAR),
};

static void
test_tlsrpt_vectors(void **state)
{
	struct tlsrpt_record r;
	enum tlsrpt_reason reason;
	char why[160];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(tvecs) / sizeof(tvecs[0]); i++) {
		const struct tvec *v = &tvecs[i];

		rc = tlsrpt_record_parse((const uint8_t *)v->rec, strlen(v->rec), &r, &reason, why,
		    sizeof(why));
		if (rc != v->rc || reason != v->reason)
			fail_msg("tlsrpt %zu \"%s\": rc %d reason %s (%s), want %d %s", i, v->rec,
			    rc, tlsrpt_reason_name(reason), why, v->rc,
			    tlsrpt_reason_name(v->reason));
		assert_int_equal(r.nmailto, v->nmailto);
		assert_int_equal(r.nhttps, v->nhttps);
		assert_int_equal(r.nother, v->nother);
		if (rc == 0) {
			assert_int_equal(r.nrua, v->nmailto + v->nhttps + v->nother);
			assert_string_equal(r.rua[0].host, v->host0);
		}
	}
	assert_true(i >= 15);
}

static void
test_tlsrpt_details(void **state)
{
	static const char two[] = "v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example/p;";
	struct tlsrpt_record r;
	enum tlsrpt_reason reason;
	char buf[MAX_TLSRPT_RECORD_LEN + 2], why[160];
	size_t n, i;

	(void)state;
	assert_int_equal(tlsrpt_record_parse((const uint8_t *)two, sizeof(two) - 1, &r, &reason,
	    why, sizeof(why)), 0);
	assert_string_equal(r.rua[0].uri, "mailto:tls@example.com");
	assert_int_equal(r.rua[0].scheme, TLSRPT_URI_MAILTO);
	assert_string_equal(r.rua[1].uri, "https://r.example/p");
	assert_string_equal(r.rua[1].host, "r.example");
	/* MAX_TLSRPT_RUA URIs are taken, one more refused */
	n = (size_t)snprintf(buf, sizeof(buf), "v=TLSRPTv1; rua=");
	for (i = 0; i < MAX_TLSRPT_RUA; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%smailto:r%zu@example.com",
		    i ? "," : "", i);
	assert_int_equal(tlsrpt_record_parse((uint8_t *)buf, n, &r, &reason, why, sizeof(why)), 0);
	assert_int_equal(r.nrua, MAX_TLSRPT_RUA);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, ",mailto:x@example.com");
	assert_int_equal(tlsrpt_record_parse((uint8_t *)buf, n, &r, &reason, why, sizeof(why)),
	    E_BIG);
	assert_int_equal(reason, TLSRPT_R_TOO_MANY_URIS);
	/* one URI over MAX_TLSRPT_URI_LEN */
	n = (size_t)snprintf(buf, sizeof(buf), "v=TLSRPTv1; rua=https://r.example/");
	memset(buf + n, 'p', MAX_TLSRPT_URI_LEN);
	n += MAX_TLSRPT_URI_LEN - 18;
	assert_int_equal(tlsrpt_record_parse((uint8_t *)buf, n, &r, &reason, why, sizeof(why)), 0);
	assert_int_equal(strlen(r.rua[0].uri), MAX_TLSRPT_URI_LEN);
	assert_int_equal(tlsrpt_record_parse((uint8_t *)buf, n + 1, &r, &reason, why, sizeof(why)),
	    E_BIG);
	assert_int_equal(reason, TLSRPT_R_TOO_MANY_URIS);
	/* the whole record over its limit */
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "v=TLSRPTv1; rua=mailto:a@example.com; e=", 40);
	assert_int_equal(tlsrpt_record_parse((uint8_t *)buf, MAX_TLSRPT_RECORD_LEN, &r, &reason,
	    why, sizeof(why)), 0);
	assert_int_equal(tlsrpt_record_parse((uint8_t *)buf, MAX_TLSRPT_RECORD_LEN + 1, &r,
	    &reason, why, sizeof(why)), E_BIG);
	assert_int_equal(reason, TLSRPT_R_TOO_LONG);
	assert_int_equal(tlsrpt_record_parse((const uint8_t *)two, sizeof(two) - 1, NULL, &reason,
	    why, sizeof(why)), E_INV);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_vectors),
		cmocka_unit_test(test_record_limits),
		cmocka_unit_test(test_is_record),
		cmocka_unit_test(test_policy_vectors),
		cmocka_unit_test(test_policy_details),
		cmocka_unit_test(test_policy_limits),
		cmocka_unit_test(test_mx_match),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_tlsrpt_vectors),
		cmocka_unit_test(test_tlsrpt_details),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
