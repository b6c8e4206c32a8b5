/* test_dmarc.c: vectors for the DMARC record parser (RFC 7489 B.2, RFC 9989, pitfalls). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dmarc.h"
#include "err.h"
#include "limits.h"

#include "dmarc_vectors.h"

static void
test_vector(void **state)
{
	const struct vec *v = *state;
	struct dmarc_record r;
	enum dmarc_reason reason = DMARC_R_OK;
	char why[256];
	size_t len = v->len ? v->len : strlen(v->rec);
	int rc;

	memset(&r, 0xa5, sizeof(r));
	rc = dmarc_parse((const uint8_t *)v->rec, len, &r, &reason, why, sizeof(why));
	if (rc != v->rc || reason != v->reason)
		print_error("record \"%s\": rc %d reason %s why \"%s\"\n", v->rec, rc,
		    dmarc_reason_name(reason), why);
	assert_int_equal(rc, v->rc);
	assert_int_equal(reason, v->reason);
	if (rc != 0) {
		assert_true(strncmp(why, dmarc_reason_name(v->reason),
		    strlen(dmarc_reason_name(v->reason))) == 0);
		assert_non_null(strstr(why, "(offset "));
		/* A refused record leaves the cleared defaults behind. */
		assert_int_equal(r.p, DMARC_P_UNSET);
		assert_int_equal(r.nrua + r.nruf, 0);
		return;
	}
	assert_string_equal(why, "");
	assert_int_equal(r.p, v->p);
	assert_int_equal(r.sp, v->sp);
	assert_int_equal(r.np, v->np);
	assert_int_equal(r.nrua, v->nrua);
	assert_int_equal(r.nruf, v->nruf);
	assert_int_equal(dmarc_effective_policy(&r, false), v->eff);
	assert_int_equal(dmarc_effective_policy(&r, true), v->eff_sub);
	assert_true(dmarc_is_record((const uint8_t *)v->rec, len));
}

/* Every field of a full record. */
static void
test_fields(void **state)
{
	static const char rec[] = "v=DMARC1; p=quarantine; sp=reject; np=none; adkim=s; "
	    "aspf=S; pct=25; ri=3600; fo=1:d; rf=afrf; t=y; psd=N; foo=1; bar=2; "
	    "rua=MailTo:DMARC@Reports.Example.COM.!10m, https://r.example.net/x!5; "
	    "ruf=mailto:f@example.org!2T";
	struct dmarc_record r;
	enum dmarc_reason reason;
	char why[128];

	(void)state;
	assert_int_equal(dmarc_parse((const uint8_t *)rec, strlen(rec), &r, &reason, why,
	    sizeof(why)), 0);
	assert_int_equal(reason, DMARC_R_OK);
	assert_int_equal(r.p, DMARC_P_QUARANTINE);
	assert_int_equal(r.sp, DMARC_P_REJECT);
	assert_int_equal(r.np, DMARC_P_NONE);
	assert_int_equal(r.adkim, 's');
	assert_int_equal(r.aspf, 's');
	assert_int_equal(r.pct, 25);
	assert_true(r.pct_set);
	assert_int_equal(r.ri, 3600);
	assert_true(r.testing);
	assert_int_equal(r.psd, 'n');
	assert_int_equal(r.nunknown, 2);
	assert_int_equal(r.nrua, 2);
	assert_string_equal(r.rua[0].uri, "MailTo:DMARC@Reports.Example.COM.");
	assert_true(r.rua[0].mailto);
	assert_string_equal(r.rua[0].domain, "reports.example.com");
	assert_int_equal(r.rua[0].max_size, 10ull << 20);
	assert_string_equal(r.rua[1].uri, "https://r.example.net/x");
	assert_false(r.rua[1].mailto);
	assert_string_equal(r.rua[1].domain, "");
	assert_int_equal(r.rua[1].max_size, 5);
	assert_int_equal(r.nruf, 1);
	assert_string_equal(r.ruf[0].domain, "example.org");
	assert_int_equal(r.ruf[0].max_size, 2ull << 40);
	/* t=y lowers one step; sp applies to subdomains. */
	assert_int_equal(dmarc_effective_policy(&r, false), DMARC_P_NONE);
	assert_int_equal(dmarc_effective_policy(&r, true), DMARC_P_QUARANTINE);
}

/* The defaults of a minimal record. */
static void
test_defaults(void **state)
{
	static const char rec[] = "v=DMARC1; p=reject";
	struct dmarc_record r;

	(void)state;
	assert_int_equal(dmarc_parse((const uint8_t *)rec, strlen(rec), &r, NULL, NULL, 0), 0);
	assert_int_equal(r.adkim, 'r');
	assert_int_equal(r.aspf, 'r');
	assert_int_equal(r.pct, 100);
	assert_false(r.pct_set);
	assert_int_equal(r.ri, 86400);
	assert_false(r.testing);
	assert_int_equal(r.psd, 0);
	assert_int_equal(r.nunknown, 0);
	assert_int_equal(r.sp, DMARC_P_UNSET);
	assert_int_equal(r.np, DMARC_P_UNSET);
}

/* The mailto: domain is the report destination, possibly outside the record's domain. */
static void
test_external_domain(void **state)
{
	static const char rec[] = "v=DMARC1; p=none; rua=mailto:dmarc@example.com,"
	    "mailto:x+tag@Third-Party.Example.NET, mailto:%40odd@sub.example.org?subject=r";
	struct dmarc_record r;

	(void)state;
	assert_int_equal(dmarc_parse((const uint8_t *)rec, strlen(rec), &r, NULL, NULL, 0), 0);
	assert_int_equal(r.nrua, 3);
	assert_string_equal(r.rua[0].domain, "example.com");
	assert_string_equal(r.rua[1].domain, "third-party.example.net");
	assert_string_equal(r.rua[1].uri, "mailto:x+tag@Third-Party.Example.NET");
	assert_string_equal(r.rua[2].domain, "sub.example.org");
	assert_int_equal(r.rua[2].max_size, 0);
}

/* Effective policy for each p with and without t=y, and a record never parsed. */
static void
test_effective(void **state)
{
	struct dmarc_record r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(dmarc_effective_policy(NULL, false), DMARC_P_UNSET);
	assert_int_equal(dmarc_effective_policy(&r, false), DMARC_P_UNSET);
	r.nrua = 1;
	assert_int_equal(dmarc_effective_policy(&r, false), DMARC_P_NONE);
	r.testing = true;
	assert_int_equal(dmarc_effective_policy(&r, true), DMARC_P_NONE);
	r.p = DMARC_P_REJECT;
	assert_int_equal(dmarc_effective_policy(&r, false), DMARC_P_QUARANTINE);
	r.p = DMARC_P_QUARANTINE;
	assert_int_equal(dmarc_effective_policy(&r, false), DMARC_P_NONE);
	r.p = DMARC_P_NONE;
	assert_int_equal(dmarc_effective_policy(&r, false), DMARC_P_NONE);
	r.testing = false;
	r.sp = DMARC_P_REJECT;
	assert_int_equal(dmarc_effective_policy(&r, false), DMARC_P_NONE);
	assert_int_equal(dmarc_effective_policy(&r, true), DMARC_P_REJECT);
}

/* The URI length limit: MAX_DMARC_URI_LEN bytes pass, one more does not. */
static void
test_uri_len(void **state)
{
	static char rec[MAX_DMARC_URI_LEN + 128];
	static const char pre[] = "v=DMARC1; p=none; rua=mailto:";
	static const char dom[] = "@example.com";
	struct dmarc_record r;
	enum dmarc_reason reason;
	size_t local = MAX_DMARC_URI_LEN - (sizeof("mailto:") - 1) - (sizeof(dom) - 1), n;

	(void)state;
	n = (size_t)snprintf(rec, sizeof(rec), "%s", pre);
	memset(rec + n, 'a', local);
	n += local;
	n += (size_t)snprintf(rec + n, sizeof(rec) - n, "%s!1k", dom);
	assert_int_equal(dmarc_parse((const uint8_t *)rec, n, &r, &reason, NULL, 0), 0);
	assert_int_equal(strlen(r.rua[0].uri), MAX_DMARC_URI_LEN);
	assert_int_equal(r.rua[0].max_size, 1024);
	n = (size_t)snprintf(rec, sizeof(rec), "%s", pre);
	memset(rec + n, 'a', local + 1);
	n += local + 1;
	n += (size_t)snprintf(rec + n, sizeof(rec) - n, "%s", dom);
	assert_int_equal(dmarc_parse((const uint8_t *)rec, n, &r, &reason, NULL, 0),
	    PEIL_ETOOBIG);
	assert_int_equal(reason, DMARC_R_BAD_URI);
}

/* A mailto: domain of 253 bytes passes, 254 does not; a 64-byte label does not. */
static void
test_domain_len(void **state)
{
	static char rec[512];
	struct dmarc_record r;
	enum dmarc_reason reason;
	size_t n, i;

	(void)state;
	n = (size_t)snprintf(rec, sizeof(rec), "v=DMARC1; p=none; rua=mailto:a@");
	for (i = 0; i < 4; i++) { /* 4 * 63 + 3 dots = 255: trim to 253 below */
		memset(rec + n, 'b', 63);
		n += 63;
		rec[n++] = i < 3 ? '.' : 'x';
	}
	n -= 3; /* 253 bytes of domain */
	assert_int_equal(dmarc_parse((const uint8_t *)rec, n, &r, &reason, NULL, 0), 0);
	assert_int_equal(strlen(r.rua[0].domain), MAX_DOMAIN_LEN);
	rec[n] = '.'; /* a final dot is not part of the name */
	assert_int_equal(dmarc_parse((const uint8_t *)rec, n + 1, &r, &reason, NULL, 0), 0);
	assert_int_equal(strlen(r.rua[0].domain), MAX_DOMAIN_LEN);
	rec[n] = 'c';
	assert_int_equal(dmarc_parse((const uint8_t *)rec, n + 1, &r, &reason, NULL, 0),
	    PEIL_EINVAL);
	assert_int_equal(reason, DMARC_R_BAD_URI);
	n = (size_t)snprintf(rec, sizeof(rec), "v=DMARC1; p=none; rua=mailto:a@");
	memset(rec + n, 'b', 64);
	n += 64;
	n += (size_t)snprintf(rec + n, sizeof(rec) - n, ".example");
	assert_int_equal(dmarc_parse((const uint8_t *)rec, n, &r, &reason, NULL, 0),
	    PEIL_EINVAL);
	assert_int_equal(reason, DMARC_R_BAD_URI);
}

/* MAX_DMARC_RECORD_LEN bytes parse; one more is refused before anything else. */
static void
test_too_long(void **state)
{
	uint8_t *rec;
	struct dmarc_record r;
	enum dmarc_reason reason;
	char why[128];
	static const char head[] = "v=DMARC1; p=reject; x=";

	(void)state;
	rec = malloc(MAX_DMARC_RECORD_LEN + 1);
	assert_non_null(rec);
	memset(rec, 'a', MAX_DMARC_RECORD_LEN + 1);
	memcpy(rec, head, sizeof(head) - 1);
	assert_int_equal(dmarc_parse(rec, MAX_DMARC_RECORD_LEN, &r, &reason, why, sizeof(why)),
	    0);
	assert_int_equal(r.nunknown, 1);
	assert_int_equal(dmarc_parse(rec, MAX_DMARC_RECORD_LEN + 1, &r, &reason, why,
	    sizeof(why)), PEIL_ETOOBIG);
	assert_int_equal(reason, DMARC_R_TOO_LONG);
	assert_true(strncmp(why, "too-long: ", 10) == 0);
	free(rec);
}

/* `len` is honoured: bytes after it are never read (the buffer is not NUL-terminated). */
static void
test_len_bound(void **state)
{
	static const char s[] = "v=DMARC1; p=none; rua=mailto:a@example.com";
	uint8_t *rec;
	struct dmarc_record r;
	enum dmarc_reason reason;

	(void)state;
	rec = malloc(sizeof(s) - 1);
	assert_non_null(rec);
	memcpy(rec, s, sizeof(s) - 1);
	assert_int_equal(dmarc_parse(rec, sizeof(s) - 1, &r, &reason, NULL, 0), 0);
	assert_string_equal(r.rua[0].domain, "example.com");
	assert_int_equal(dmarc_parse(rec, 22, &r, &reason, NULL, 0), PEIL_EINVAL); /* "rua=" */
	assert_int_equal(reason, DMARC_R_BAD_URI);
	assert_int_equal(dmarc_parse(rec, 15, &r, &reason, NULL, 0), PEIL_EINVAL); /* "p=non" */
	assert_int_equal(reason, DMARC_R_BAD_POLICY);
	assert_true(dmarc_is_record(rec, 8));
	assert_false(dmarc_is_record(rec, 7));
	assert_false(dmarc_is_record(NULL, 0));
	assert_int_equal(dmarc_parse(NULL, 0, &r, &reason, NULL, 0), PEIL_EINVAL);
	assert_int_equal(reason, DMARC_R_VERSION);
	free(rec);
}

/* A short `why` buffer is truncated, not overrun. */
static void
test_short_why(void **state)
{
	static const char s[] = "v=DMARC1; p=none; pct=200";
	struct dmarc_record r;
	char why[8];

	(void)state;
	memset(why, 'x', sizeof(why));
	assert_int_equal(dmarc_parse((const uint8_t *)s, strlen(s), &r, NULL, why, sizeof(why)),
	    PEIL_EINVAL);
	assert_int_equal(why[sizeof(why) - 1], '\0');
	assert_string_equal(why, "bad-pct");
}

static void
test_is_record(void **state)
{
	static const struct {
		const char *s;
		bool yes;
	} cases[] = {
		{ "v=DMARC1", true },
		{ "v=DMARC1;", true },
		{ "v=DMARC1; p=none", true },
		{ "v=DMARC1 ; p=none", true },
		{ "v=DMARC1\t", true },
		{ "v = DMARC1", true },
		{ "v\t=\tDMARC1;", true },
		{ "V=DMARC1; p=none", true },
		/* v's value is "DMARC1 p=none", not "DMARC1" (see the vectors): not a record */
		{ "v=DMARC1 p=none", false },
		{ "v=DMARC1\tp=none", false },
		{ "v=DMARC1 x", false },
		{ "v=DMARC1 ", true },
		{ "v=DMARC1 \t;p=none", true },
		{ "v = DMARC1 ;", true },
		{ "v=DMARC1p=none", false },
		{ "v=DMARC1,", false },
		{ "v=dmarc1; p=none", false },
		{ "v=DMARC", false },
		{ "v=DMARC2", false },
		{ "v=DMARC10", false },
		{ " v=DMARC1", false },
		{ "p=none; v=DMARC1", false },
		{ "v=spf1 -all", false },
		{ "v:DMARC1", false },
		{ "v", false },
		{ "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (dmarc_is_record((const uint8_t *)cases[i].s, strlen(cases[i].s)) !=
		    cases[i].yes)
			print_error("dmarc_is_record(\"%s\") should be %d\n", cases[i].s,
			    cases[i].yes);
		assert_int_equal(dmarc_is_record((const uint8_t *)cases[i].s,
		    strlen(cases[i].s)), cases[i].yes);
	}
}

/* RFC 9989 4.7-4.8: a malformed tag is discarded and its default applies; no p is p=none. */
static void
test_rfc9989(void **state)
{
	static const struct {
		const char *rec;
		int rc;
		enum dmarc_reason reason;     /* of the record when refused, else of the 1st error */
		size_t nerrors;
		enum dmarc_policy p, eff, eff_sub;
		size_t nrua;
	} v[] = {
		{ "v=DMARC1", E_OK, DMARC_R_OK, 0, UN, NO, NO, 0 },
		{ "v=DMARC1;", E_OK, DMARC_R_OK, 0, UN, NO, NO, 0 },
		{ "v=DMARC1; p=reject", E_OK, DMARC_R_OK, 0, RE, RE, RE, 0 },
		{ "v=DMARC1; p=bogus", E_OK, DMARC_R_BAD_POLICY, 1, UN, NO, NO, 0 },
		{ "v=DMARC1; p=bogus; sp=reject", E_OK, DMARC_R_BAD_POLICY, 1, UN, NO, RE, 0 },
		{ "v=DMARC1; p=reject; pct=200", E_OK, DMARC_R_BAD_PCT, 1, RE, RE, RE, 0 },
		{ "v=DMARC1; p=reject; sp=bogus", E_OK, DMARC_R_BAD_POLICY, 1, RE, RE, RE, 0 },
		{ "v=DMARC1; p=quarantine; t=maybe", E_OK, DMARC_R_BAD_T, 1, QU, QU, QU, 0 },
		{ "v=DMARC1; p=reject; rua=mailto:a@example.com,bad", E_OK, DMARC_R_BAD_URI, 1,
		  RE, RE, RE, 0 },
		{ "v=DMARC1; p reject; sp=quarantine", E_OK, DMARC_R_SYNTAX, 1, UN, NO, QU, 0 },
		{ "v=DMARC1; p=reject;; adkim=x; 1x=y", E_OK, DMARC_R_SYNTAX, 3, RE, RE, RE, 0 },
		{ "v=DMARC1; rua=mailto:a@example.com; sp=reject; t=y", E_OK, DMARC_R_OK, 0,
		  UN, NO, QU, 1 },
		{ "v=DMARC1; p=none; rua=mailto:a@example.com; ri=x; fo=9; rf=,; psd=q", E_OK,
		  DMARC_R_BAD_RI, 4, NO, NO, NO, 1 },
		/* What is no tag-list stays refused. */
		{ "v=DMARC1 p=reject", E_INV, DMARC_R_VERSION, 0, UN, UN, UN, 0 },
		{ "v=DMARC1; p=reject; p=none", E_INV, DMARC_R_DUP_TAG, 0, UN, UN, UN, 0 },
		{ "v=DMARC1; p=reject\r\n", E_INV, DMARC_R_BAD_CHAR, 0, UN, UN, UN, 0 },
	};
	static const char many[] = "v=DMARC1; p=reject; a=1; pct=x; ;; 1=; adkim=; aspf=q; ri=;"
	    " fo=; rf=; t=; psd=; sp=; np=";
	struct dmarc_record r;
	enum dmarc_reason reason;
	char why[160];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int rc = dmarc_parse_rfc9989((const uint8_t *)v[i].rec, strlen(v[i].rec), &r,
		    &reason, why, sizeof(why));

		if (rc != v[i].rc)
			print_error("\"%s\": rc %d (%s)\n", v[i].rec, rc, why);
		assert_int_equal(rc, v[i].rc);
		if (rc != 0) {
			assert_int_equal(reason, v[i].reason);
			continue;
		}
		if (r.nerrors != v[i].nerrors)
			print_error("\"%s\": %zu errors, first %s\n", v[i].rec, r.nerrors,
			    r.nerrors ? r.errors[0].why : "-");
		assert_int_equal(r.nerrors, v[i].nerrors);
		assert_true(r.rfc9989);
		if (v[i].nerrors > 0) {
			assert_int_equal(r.errors[0].reason, v[i].reason);
			assert_true(strncmp(r.errors[0].why, dmarc_reason_name(v[i].reason),
			    strlen(dmarc_reason_name(v[i].reason))) == 0);
		}
		assert_string_equal(why, "");
		assert_int_equal(r.p, v[i].p);
		assert_int_equal(r.nrua, v[i].nrua);
		assert_int_equal(dmarc_effective_policy(&r, false), v[i].eff);
		assert_int_equal(dmarc_effective_policy(&r, true), v[i].eff_sub);
		/* The strict parser (RFC 7489) refuses every record with an error. */
		if (v[i].nerrors > 0)
			assert_int_not_equal(dmarc_parse((const uint8_t *)v[i].rec,
			    strlen(v[i].rec), &r, &reason, NULL, 0), 0);
	}
	/* The defaults stand for what was discarded; errors beyond the limit are counted. */
	assert_int_equal(dmarc_parse_rfc9989((const uint8_t *)many, strlen(many), &r, &reason,
	    NULL, 0), 0);
	assert_int_equal(r.p, DMARC_P_REJECT);
	assert_int_equal(r.pct, 100);
	assert_false(r.pct_set);
	assert_int_equal(r.adkim, 'r');
	assert_int_equal(r.aspf, 'r');
	assert_int_equal(r.ri, 86400);
	assert_int_equal(r.sp, DMARC_P_UNSET);
	assert_int_equal(r.nunknown, 1);
	assert_int_equal(r.nerrors, 13);
	assert_int_equal(r.errors[MAX_DMARC_TAG_ERRORS - 1].reason, DMARC_R_BAD_FO);
	assert_int_equal(dmarc_effective_policy(&r, true), DMARC_P_REJECT);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(dmarc_policy_name(DMARC_P_NONE), "none");
	assert_string_equal(dmarc_policy_name(DMARC_P_QUARANTINE), "quarantine");
	assert_string_equal(dmarc_policy_name(DMARC_P_REJECT), "reject");
	assert_string_equal(dmarc_policy_name(DMARC_P_UNSET), "unset");
	assert_string_equal(dmarc_reason_name(DMARC_R_OK), "ok");
	assert_string_equal(dmarc_reason_name(DMARC_R_BAD_POLICY), "bad-policy");
	assert_string_equal(dmarc_reason_name(DMARC_R_BAD_PSD), "bad-psd");
	assert_string_equal(dmarc_reason_name(DMARC_R_TOO_MANY_URIS), "too-many-uris");
	assert_string_equal(dmarc_reason_name((enum dmarc_reason)99), "?");
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_external_domain),
		cmocka_unit_test(test_effective),
		cmocka_unit_test(test_uri_len),
		cmocka_unit_test(test_domain_len),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_len_bound),
		cmocka_unit_test(test_short_why),
		cmocka_unit_test(test_is_record),
		cmocka_unit_test(test_rfc9989),
		cmocka_unit_test(test_names),
	};
	size_t nv = sizeof(vecs) / sizeof(vecs[0]), nf = sizeof(fixed) / sizeof(fixed[0]), i;
	struct CMUnitTest *all;
	int rc;

	all = calloc(nv + nf, sizeof(*all));
	if (all == NULL)
		return 1;
	for (i = 0; i < nv; i++) {
		all[i].name = vecs[i].rec[0] ? vecs[i].rec : "(empty)";
		all[i].test_func = test_vector;
		all[i].initial_state = (void *)(uintptr_t)&vecs[i];
	}
	memcpy(all + nv, fixed, sizeof(fixed));
	rc = _cmocka_run_group_tests("dmarc", all, nv + nf, NULL, NULL);
	free(all);
	return rc;
}
