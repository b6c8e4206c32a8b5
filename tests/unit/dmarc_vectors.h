/* dmarc_vectors.h: the DMARC record vectors of test_dmarc.c, shared with the differential
 * test against libopendmarc (tests/conformance/dmarc_diff.c). */
#ifndef PEIL_TEST_DMARC_VECTORS_H
#define PEIL_TEST_DMARC_VECTORS_H

#include <stddef.h>

#include "dmarc.h"
#include "err.h"

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

static const struct vec vecs[] __attribute__((unused)) = {
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

#endif
