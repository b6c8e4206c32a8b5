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

#define E_OK PEIL_OK
#define E_INV PEIL_EINVAL
#define E_BIG PEIL_ETOOBIG

#define UN DMARC_P_UNSET
#define NO DMARC_P_NONE
#define QU DMARC_P_QUARANTINE
#define RE DMARC_P_REJECT

/* One vector: record, its length (0: strlen), expected rc and reason; for good records p, sp,
 * np, the URI counts and the effective policy for the domain and for a subdomain. */
struct vec {
	const char *rec;
	size_t len;
	int rc;
	enum dmarc_reason reason;
	enum dmarc_policy p, sp, np;
	size_t nrua, nruf;
	enum dmarc_policy eff, eff_sub;
};

#define BAD(rec, rc, r) { rec, 0, rc, r, UN, UN, UN, 0, 0, UN, UN }

static const struct vec vecs[] = {
	/* RFC 7489 Appendix B.2.1-B.2.3 records (TXT strings joined), and B.2.3 with sp=none. */
	{ "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com", 0, E_OK, DMARC_R_OK,
	  NO, UN, UN, 1, 0, NO, NO },
	{ "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; "
	  "ruf=mailto:auth-reports@thirdparty.example.net", 0, E_OK, DMARC_R_OK,
	  NO, UN, UN, 1, 1, NO, NO },
	{ "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
	  "mailto:tld-test@thirdparty.example.net!10m; pct=25", 0, E_OK, DMARC_R_OK,
	  QU, UN, UN, 2, 0, QU, QU },
	{ "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
	  "mailto:tld-test@thirdparty.example.net!10m; pct=25; sp=none", 0, E_OK, DMARC_R_OK,
	  QU, NO, UN, 2, 0, QU, NO },
	/* RFC 7489 7.1: the third party's authorization record is DMARC but has no policy. */
	BAD("v=DMARC1;", E_INV, DMARC_R_NO_POLICY),
	BAD("v=DMARC1", E_INV, DMARC_R_NO_POLICY),
	/* RFC 9989 tags t, psd, np (in the style of its Appendix B examples). */
	{ "v=DMARC1; p=reject; t=y; rua=mailto:dmarc-feedback@example.com", 0, E_OK,
	  DMARC_R_OK, RE, UN, UN, 1, 0, QU, QU },
	{ "v=DMARC1; p=quarantine; t=y", 0, E_OK, DMARC_R_OK, QU, UN, UN, 0, 0, NO, NO },
	{ "v=DMARC1; p=none; t=y", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	{ "v=DMARC1; p=reject; t=n", 0, E_OK, DMARC_R_OK, RE, UN, UN, 0, 0, RE, RE },
	{ "v=DMARC1; p=reject; sp=quarantine; t=y", 0, E_OK, DMARC_R_OK,
	  RE, QU, UN, 0, 0, QU, NO },
	{ "v=DMARC1; p=reject; psd=y", 0, E_OK, DMARC_R_OK, RE, UN, UN, 0, 0, RE, RE },
	{ "v=DMARC1; p=none; psd=n; np=reject", 0, E_OK, DMARC_R_OK, NO, UN, RE, 0, 0, NO, NO },
	{ "v=DMARC1; p=quarantine; psd=u", 0, E_OK, DMARC_R_OK, QU, UN, UN, 0, 0, QU, QU },
	{ "v=DMARC1; p=none; sp=quarantine; np=reject; adkim=s; aspf=s; fo=1; "
	  "rua=mailto:dmarc@example.com", 0, E_OK, DMARC_R_OK, NO, QU, RE, 1, 0, NO, QU },
	BAD("v=DMARC1; p=none; t=yes", E_INV, DMARC_R_BAD_T),
	BAD("v=DMARC1; p=none; t=", E_INV, DMARC_R_BAD_T),
	BAD("v=DMARC1; p=none; psd=x", E_INV, DMARC_R_BAD_PSD),
	BAD("v=DMARC1; p=none; psd=yn", E_INV, DMARC_R_BAD_PSD),
	BAD("v=DMARC1; p=none; np=block", E_INV, DMARC_R_BAD_POLICY),
	/* Version. */
	BAD("", E_INV, DMARC_R_VERSION),
	BAD("p=reject; v=DMARC1", E_INV, DMARC_R_VERSION),
	BAD("v=dmarc1; p=reject", E_INV, DMARC_R_VERSION),
	BAD("v=DMARC2; p=reject", E_INV, DMARC_R_VERSION),
	BAD("v=DMARC10; p=reject", E_INV, DMARC_R_VERSION),
	BAD("v=DMARC1p=reject", E_INV, DMARC_R_VERSION),
	BAD(" v=DMARC1; p=reject", E_INV, DMARC_R_VERSION),
	BAD("v=spf1 -all", E_INV, DMARC_R_VERSION),
	BAD("p=none", E_INV, DMARC_R_VERSION),
	{ "V=DMARC1; P=Reject", 0, E_OK, DMARC_R_OK, RE, UN, UN, 0, 0, RE, RE },
	{ "v = DMARC1 ;p=reject", 0, E_OK, DMARC_R_OK, RE, UN, UN, 0, 0, RE, RE },
	BAD("v=DMARC1; v=DMARC1; p=none", E_INV, DMARC_R_DUP_TAG),
	/* Policy. */
	{ "v=DMARC1; p=Reject", 0, E_OK, DMARC_R_OK, RE, UN, UN, 0, 0, RE, RE },
	{ "v=DMARC1; p=QUARANTINE; sp=NoNe", 0, E_OK, DMARC_R_OK, QU, NO, UN, 0, 0, QU, NO },
	{ "v=DMARC1; sp=reject; p=none", 0, E_OK, DMARC_R_OK, NO, RE, UN, 0, 0, NO, RE },
	BAD("v=DMARC1; rua=mailto:a@example.com; p=rejected", E_INV, DMARC_R_BAD_POLICY),
	BAD("v=DMARC1; p=", E_INV, DMARC_R_BAD_POLICY),
	BAD("v=DMARC1; p=re ject", E_INV, DMARC_R_BAD_POLICY),
	BAD("v=DMARC1; p=none; sp=bogus", E_INV, DMARC_R_BAD_POLICY),
	BAD("v=DMARC1; p=none; sp=", E_INV, DMARC_R_BAD_POLICY),
	BAD("v=DMARC1; p=reject; p=none", E_INV, DMARC_R_DUP_TAG),
	BAD("v=DMARC1; p=reject; P=reject", E_INV, DMARC_R_DUP_TAG),
	BAD("v=DMARC1; sp=reject", E_INV, DMARC_R_NO_POLICY),
	BAD("v=DMARC1; adkim=s; aspf=s; pct=50", E_INV, DMARC_R_NO_POLICY),
	/* RFC 7489 6.6.3: no p, but a valid rua: treated as p=none. */
	{ "v=DMARC1; rua=mailto:reports@example.com", 0, E_OK, DMARC_R_OK,
	  UN, UN, UN, 1, 0, NO, NO },
	{ "v=DMARC1; rua=mailto:reports@example.com; sp=reject; t=y", 0, E_OK, DMARC_R_OK,
	  UN, RE, UN, 1, 0, NO, QU },
	BAD("v=DMARC1; ruf=mailto:reports@example.com", E_INV, DMARC_R_NO_POLICY),
	BAD("v=DMARC1; rua=", E_INV, DMARC_R_BAD_URI),
	/* Alignment. */
	{ "v=DMARC1; p=none; adkim=S; aspf=R", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	BAD("v=DMARC1; p=none; adkim=x", E_INV, DMARC_R_BAD_ALIGN),
	BAD("v=DMARC1; p=none; aspf=strict", E_INV, DMARC_R_BAD_ALIGN),
	BAD("v=DMARC1; p=none; aspf=", E_INV, DMARC_R_BAD_ALIGN),
	/* pct. */
	{ "v=DMARC1; p=none; pct=0", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	{ "v=DMARC1; p=none; pct=100", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	{ "v=DMARC1; p=none; pct=007", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	BAD("v=DMARC1; p=none; pct=101", E_INV, DMARC_R_BAD_PCT),
	BAD("v=DMARC1; p=none; pct=-1", E_INV, DMARC_R_BAD_PCT),
	BAD("v=DMARC1; p=none; pct=abc", E_INV, DMARC_R_BAD_PCT),
	BAD("v=DMARC1; p=none; pct=0100", E_INV, DMARC_R_BAD_PCT),
	BAD("v=DMARC1; p=none; pct=", E_INV, DMARC_R_BAD_PCT),
	BAD("v=DMARC1; p=none; pct=5 0", E_INV, DMARC_R_BAD_PCT),
	/* ri. */
	{ "v=DMARC1; p=none; ri=3600", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	{ "v=DMARC1; p=none; ri=4294967295", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	BAD("v=DMARC1; p=none; ri=4294967296", E_INV, DMARC_R_BAD_RI),
	BAD("v=DMARC1; p=none; ri=99999999999999999999999", E_INV, DMARC_R_BAD_RI),
	BAD("v=DMARC1; p=none; ri=-1", E_INV, DMARC_R_BAD_RI),
	BAD("v=DMARC1; p=none; ri=1h", E_INV, DMARC_R_BAD_RI),
	/* fo, rf. */
	{ "v=DMARC1; p=none; fo=0:1:d:s", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	{ "v=DMARC1; p=none; fo=d : S", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	BAD("v=DMARC1; p=none; fo=2", E_INV, DMARC_R_BAD_FO),
	BAD("v=DMARC1; p=none; fo=0:", E_INV, DMARC_R_BAD_FO),
	BAD("v=DMARC1; p=none; fo=0,1", E_INV, DMARC_R_BAD_FO),
	BAD("v=DMARC1; p=none; fo=", E_INV, DMARC_R_BAD_FO),
	{ "v=DMARC1; p=none; rf=afrf", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	{ "v=DMARC1; p=none; rf=afrf:iodef", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 0, NO, NO },
	BAD("v=DMARC1; p=none; rf=afrf,iodef", E_INV, DMARC_R_BAD_RF),
	BAD("v=DMARC1; p=none; rf=afrf-", E_INV, DMARC_R_BAD_RF),
	BAD("v=DMARC1; p=none; rf=", E_INV, DMARC_R_BAD_RF),
	/* rua, ruf. */
	{ "v=DMARC1; p=none; rua=mailto:a@example.com!10m", 0, E_OK, DMARC_R_OK,
	  NO, UN, UN, 1, 0, NO, NO },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com , mailto:b@example.net,"
	  "https://reports.example.org/dmarc", 0, E_OK, DMARC_R_OK, NO, UN, UN, 3, 0, NO, NO },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com?subject=DMARC%20report", 0, E_OK,
	  DMARC_R_OK, NO, UN, UN, 1, 0, NO, NO },
	BAD("v=DMARC1; p=none; rua=mailto:a@example.com mailto:b@example.com", E_INV,
	    DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@example.com,", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=,mailto:a@example.com", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:dmarc.example.com", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:@example.com", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@exa_mple.com", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@-example.com", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@example..com", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@192.0.2.1", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@[192.0.2.1]", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=a@example.com", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=1mailto:a@example.com", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@example.com!", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@example.com!10x", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@example.com!10mb", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@example.com!m", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@example.com!18446744073709551616", E_INV,
	    DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:a@example.com%2", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; rua=mailto:<a@example.com>", E_INV, DMARC_R_BAD_URI),
	BAD("v=DMARC1; p=none; ruf=mailto:a@example.com; ruf=mailto:b@example.com", E_INV,
	    DMARC_R_DUP_TAG),
	BAD("v=DMARC1; p=none; ruf=mailto:a@a.example,mailto:b@a.example,mailto:c@a.example,"
	    "mailto:d@a.example,mailto:e@a.example,mailto:f@a.example,mailto:g@a.example,"
	    "mailto:h@a.example,mailto:i@a.example", E_BIG, DMARC_R_TOO_MANY_URIS),
	{ "v=DMARC1; p=none; ruf=mailto:a@a.example,mailto:b@a.example,mailto:c@a.example,"
	  "mailto:d@a.example,mailto:e@a.example,mailto:f@a.example,mailto:g@a.example,"
	  "mailto:h@a.example", 0, E_OK, DMARC_R_OK, NO, UN, UN, 0, 8, NO, NO },
	/* Separators, whitespace and tag syntax. */
	{ "v=DMARC1;p=reject;", 0, E_OK, DMARC_R_OK, RE, UN, UN, 0, 0, RE, RE },
	{ "v=DMARC1; p=reject;  ", 0, E_OK, DMARC_R_OK, RE, UN, UN, 0, 0, RE, RE },
	{ "v=DMARC1\t;\tp\t=\treject\t;\tsp = none ; rua = mailto:a@example.com ;  ", 0, E_OK,
	  DMARC_R_OK, RE, NO, UN, 1, 0, RE, NO },
	{ "v=DMARC1 ; p = quarantine ", 0, E_OK, DMARC_R_OK, QU, UN, UN, 0, 0, QU, QU },
	BAD("v=DMARC1; p=reject;;", E_INV, DMARC_R_SYNTAX),
	BAD("v=DMARC1;; p=reject", E_INV, DMARC_R_SYNTAX),
	BAD("v=DMARC1; ; p=reject", E_INV, DMARC_R_SYNTAX),
	/* No ';' after the version: in the tag-list a value runs to the next ';' and may hold
	 * spaces and '=' (RFC 6376 3.2 tag-value = tval *(1*(WSP / FWS) tval), tval-char
	 * %x21-3A / %x3C-7E), so the first tag is v with the value "DMARC1 p=reject", which is
	 * not "DMARC1": not a DMARC record at all (RFC 7489 6.6.3, RFC 9989 4.7), and RFC 7489's
	 * ABNF (dmarc-record = dmarc-version dmarc-sep ...) does not match it either. */
	BAD("v=DMARC1 p=reject", E_INV, DMARC_R_VERSION),
	BAD("v=DMARC1 p=reject;", E_INV, DMARC_R_VERSION),
	BAD("v=DMARC1\tp=reject; sp=none", E_INV, DMARC_R_VERSION),
	{ "v=DMARC1 \t; p=reject", 0, E_OK, DMARC_R_OK, RE, UN, UN, 0, 0, RE, RE },
	BAD("v=DMARC1; p reject", E_INV, DMARC_R_SYNTAX),
	BAD("v=DMARC1; p=reject; =none", E_INV, DMARC_R_SYNTAX),
	BAD("v=DMARC1; p=reject; 1x=none", E_INV, DMARC_R_SYNTAX),
	BAD("v=DMARC1; p=reject; x-y=1", E_INV, DMARC_R_SYNTAX),
	BAD("v=DMARC1; p=reject; sp", E_INV, DMARC_R_SYNTAX),
	/* Unknown tags: ignored, counted (see test_fields). */
	{ "v=DMARC1; p=reject; foo=bar; x_1=a b c; bar=", 0, E_OK, DMARC_R_OK,
	  RE, UN, UN, 0, 0, RE, RE },
	/* Bytes. */
	{ "v=DMARC1; p=reject\0; sp=none", 28, E_INV, DMARC_R_BAD_CHAR, UN, UN, UN, 0, 0, UN, UN },
	BAD("v=DMARC1; p=reject; rua=mailto:a@ex\x80mple.com", E_INV, DMARC_R_BAD_CHAR),
	BAD("v=DMARC1; p=reject; rua=mailto:a@b\xc3\xa4.example", E_INV, DMARC_R_BAD_CHAR),
	BAD("v=DMARC1; p=reject\r\n", E_INV, DMARC_R_BAD_CHAR),
	BAD("v=DMARC1; p=reject\x7f", E_INV, DMARC_R_BAD_CHAR),
	{ "v=DMARC1\0", 9, E_INV, DMARC_R_VERSION, UN, UN, UN, 0, 0, UN, UN },
};

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
