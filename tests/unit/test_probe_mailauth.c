/* test_probe_mailauth.c: the verdicts of the SPF, DMARC and DKIM tests, from a canned zone:
 * each vector a zone, a domain, the statuses and a reason. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include <ldns/ldns.h>

#include "err.h"
#include "catalogue.h"
#include "dnswork.h"
#include "probe.h"

#include "dnsfake.h"
#include "zonerun.h"

/* ---- SPF ---- */

/* One SPF vector: the zone (the domain is d.test), the statuses of spf_exist and
 * spf_policy, and what the policy's reason must contain. */
struct spfvec {
	const char *zone;
	char exist, policy;
	const char *reason;
	const char *timeout;
};

#define D "d.test. TXT "
static const struct spfvec spf_vectors[] = {
	/* exist */
	{ "d.test. A 192.0.2.1", 'F', 'N', "no SPF record", NULL },
	{ D "\"google-site-verification=abc\"", 'F', 'N', "no SPF record", NULL },
	{ D "\"v=spf1 -all\"\n" D "\"v=spf1 ~all\"", 'F', 'N', "no single", NULL },
	{ D "\"v=spf10 -all\"", 'F', 'N', "no SPF record", NULL },
	{ D "\"V=SPF1 -all\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1\"", 'P', 'F', "no all term", NULL },
	/* the top-level all */
	{ D "\"v=spf1 -all\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 ~all\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 +all\"", 'P', 'F', "+all", NULL },
	{ D "\"v=spf1 all\"", 'P', 'F', "+all", NULL },
	{ D "\"v=spf1 ?all\"", 'P', 'F', "?all", NULL },
	{ D "\"v=spf1 ip4:192.0.2.0/24\"", 'P', 'F', "no all term", NULL },
	{ D "\"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 -all +all\"", 'P', 'P', "", NULL },
	/* syntax */
	{ D "\"v=spf1 ip4:192.0.2.0/33 -all\"", 'P', 'F', "bad-cidr", NULL },
	{ D "\"v=spf1 foo -all\"", 'P', 'F', "syntax error", NULL },
	{ D "\"v=spf1 redirect=a.test redirect=b.test\"", 'P', 'F', "syntax error", NULL },
	{ D "\"v=spf1 include -all\"", 'P', 'F', "syntax error", NULL },
	{ D "\"v=spf1 a:\\195\\169.test -all\"", 'P', 'F', "syntax error", NULL },
	/* ':' and '/' inside a: and mx: domain-specs are macro-literals (RFC 7208 7.1) */
	{ D "\"v=spf1 a:foo:bar/baz.test mx:a/b.test/24 -all\"\nfoo:bar/baz.test. A 192.0.2.1\n"
	  "a/b.test. MX 10 m.test.", 'P', 'P', "", NULL },
	{ D "\"v=spf1 a:foo:bar/baz.test/33 -all\"", 'P', 'F', "bad-cidr", NULL },
	/* strings joined without a space (RFC 7208 3.3) */
	{ D "\"v=spf1 ip4:192.0.2.0/24 \" \"-all\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 ip4:192.0.2.0/24\" \" -all\"", 'P', 'P', "", NULL },
	/* redirect */
	{ D "\"v=spf1 redirect=r.test\"\nr.test. TXT \"v=spf1 -all\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 redirect=r.test\"\nr.test. TXT \"v=spf1 ?all\"", 'P', 'F', "?all", NULL },
	{ D "\"v=spf1 redirect=r.test\"\nr.test. TXT \"v=spf1 a\"\nr.test. A 192.0.2.1", 'P',
	  'F', "no all term", NULL },
	{ D "\"v=spf1 redirect=r.test\"\nr.test. A 192.0.2.1", 'P', 'F',
	  "redirect target r.test has no SPF record", NULL },
	{ D "\"v=spf1 redirect=gone.test\"", 'P', 'F', "redirect target gone.test does not exist",
	  NULL },
	{ D "\"v=spf1 -all redirect=gone.test\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 redirect=d.test\"", 'P', 'F', "redirect loop: d.test -> d.test", NULL },
	{ D "\"v=spf1 redirect=%{d}.r.test\"", 'P', 'W', "macro", NULL },
	/* include */
	{ D "\"v=spf1 include:i.test -all\"\ni.test. TXT \"v=spf1 ip4:192.0.2.1 -all\"", 'P', 'P',
	  "", NULL },
	{ D "\"v=spf1 include:i.test -all\"\ni.test. TXT \"v=spf1 ip4:192.0.2.1 +all\"", 'P', 'P',
	  "", NULL },
	{ D "\"v=spf1 include:i.test -all\"\ni.test. A 192.0.2.1", 'P', 'F',
	  "include target i.test has no SPF record", NULL },
	{ D "\"v=spf1 include:gone.test -all\"", 'P', 'F',
	  "include target gone.test does not exist", NULL },
	{ D "\"v=spf1 include:i.test -all\"\ni.test. TXT \"v=spf1 -all\"\ni.test. TXT \"v=spf1 ~all\"",
	  'P', 'F', "i.test has 2 SPF records", NULL },
	{ D "\"v=spf1 include:i.test -all\"\ni.test. TXT \"v=spf1 ip4:1.2.3.4/40 -all\"", 'P', 'F',
	  "syntax error in the SPF record of i.test", NULL },
	{ D "\"v=spf1 include:i.test -all\"\ni.test. TXT \"v=spf1 include:d.test -all\"", 'P', 'F',
	  "include loop: d.test -> i.test -> d.test", NULL },
	{ D "\"v=spf1 include:i.test -all\"\ni.test. TXT \"v=spf1 include:i.test -all\"", 'P', 'F',
	  "include loop", NULL },
	{ D "\"v=spf1 include:i.test include:i.test -all\"\ni.test. TXT \"v=spf1 -all\"", 'P', 'P',
	  "", NULL },
	{ D "\"v=spf1 include:%{l}.i.test -all\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 include:i.test -all\"", 'P', 'E', "no answer within", "i.test" },
	/* the lookup limit: 10 pass, 11 fail, counted over the tree */
	{ D "\"v=spf1 a a a a a a a a a a -all\"\nd.test. A 192.0.2.1", 'P', 'P', "", NULL },
	{ D "\"v=spf1 a a a a a a a a a a a -all\"\nd.test. A 192.0.2.1", 'P', 'F',
	  "more than 10 DNS-querying terms", NULL },
	{ D "\"v=spf1 mx mx mx mx mx mx mx mx mx mx mx -all\"\nd.test. MX 10 m.d.test.", 'P', 'F',
	  "more than 10", NULL },
	{ D "\"v=spf1 ptr ptr ptr ptr ptr ptr ptr ptr ptr ptr ptr -all\"", 'P', 'F', "more than 10",
	  NULL },
	{ D "\"v=spf1 exists:%{i}.e.test exists:%{i}.e.test exists:%{i}.e.test "
	  "exists:%{i}.e.test exists:%{i}.e.test exists:%{i}.e.test exists:%{i}.e.test "
	  "exists:%{i}.e.test exists:%{i}.e.test exists:%{i}.e.test exists:%{i}.e.test -all\"",
	  'P', 'F', "more than 10", NULL },
	{ D "\"v=spf1 a:h.test a:h.test a:h.test a:h.test a:h.test include:i.test -all\"\n"
	  "h.test. A 192.0.2.1\ni.test. TXT \"v=spf1 a:h.test a:h.test a:h.test a:h.test -all\"",
	  'P', 'P', "", NULL },
	{ D "\"v=spf1 a:h.test a:h.test a:h.test a:h.test a:h.test include:i.test -all\"\n"
	  "h.test. A 192.0.2.1\ni.test. TXT \"v=spf1 a:h.test a:h.test a:h.test a:h.test a:h.test "
	  "-all\"", 'P', 'F', "the 11th is a:h.test in the record of i.test", NULL },
	{ D "\"v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4 ip4:192.0.2.5 "
	  "ip4:192.0.2.6 ip4:192.0.2.7 ip4:192.0.2.8 ip4:192.0.2.9 ip4:192.0.2.10 ip4:192.0.2.11 "
	  "ip6:2001:db8::1 -all\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 a:h.test redirect=r.test\"\nh.test. A 192.0.2.1\nr.test. TXT \"v=spf1 "
	  "a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test -all\"",
	  'P', 'P', "", NULL },
	{ D "\"v=spf1 a:h.test a:h.test redirect=r.test\"\nh.test. A 192.0.2.1\nr.test. TXT "
	  "\"v=spf1 a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test a:h.test -all\"",
	  'P', 'F', "the 11th is a:h.test", NULL },
	/* void lookups: 2 pass, 3 fail */
	{ D "\"v=spf1 a:v1.test a:v2.test -all\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 a:v1.test a:v2.test a:v3.test -all\"", 'P', 'F',
	  "more than 2 void lookups", NULL },
	{ D "\"v=spf1 mx:v1.test mx:v2.test exists:v3.test -all\"", 'P', 'F',
	  "more than 2 void lookups", NULL },
	{ D "\"v=spf1 a:e.test a:e.test a:e.test -all\"\nx.e.test. A 192.0.2.1", 'P', 'F',
	  "void", NULL },
	{ D "\"v=spf1 a:h6.test a:h6.test a:h6.test -all\"\nh6.test. AAAA 2001:db8::1", 'P', 'P',
	  "", NULL },
	{ D "\"v=spf1 a:_a.test a:_b.test a:_c.test -all\"", 'P', 'F',
	  "the 3rd is a _c.test", NULL },
	{ D "\"v=spf1 include:_spf.i.test -all\"\n_spf.i.test. TXT \"v=spf1 a:_h.i.test -all\"\n"
	  "_h.i.test. A 192.0.2.1", 'P', 'P', "", NULL },
	/* mx with more than 10 names */
	{ D "\"v=spf1 mx -all\"\nd.test. MX 1 m1.test.\nd.test. MX 2 m2.test.\nd.test. MX 3 m3.test.\n"
	  "d.test. MX 4 m4.test.\nd.test. MX 5 m5.test.\nd.test. MX 6 m6.test.\nd.test. MX 7 m7.test.\n"
	  "d.test. MX 8 m8.test.\nd.test. MX 9 m9.test.\nd.test. MX 10 m10.test.\n"
	  "d.test. MX 11 m11.test.", 'P', 'F', "has 11 MX records, more than 10", NULL },
	{ D "\"v=spf1 mx -all\"\nd.test. MX 1 m1.test.", 'P', 'P', "", NULL },
	/* more */
	{ D "\"v=spf1 include:i.test ?all\"\ni.test. TXT \"v=spf1 -all\"", 'P', 'F', "?all",
	  NULL },
	{ D "\"v=spf1 ip4:192.0.2.1 \\200 -all\"", 'P', 'F', "non-ascii", NULL },
	{ D "\"v=spf1 -all exp=explain.test\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 ptr -all\"", 'P', 'P', "", NULL },
	{ D "\"v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4 ip4:192.0.2.5 "
	  "ip4:192.0.2.6 ip4:192.0.2.7 ip4:192.0.2.8 ip4:192.0.2.9 ip4:192.0.2.10 ip4:192.0.2.11 "
	  "ip4:192.0.2.12 ip4:192.0.2.13 ip4:192.0.2.14 ip4:192.0.2.15 ip4:192.0.2.16 \" \""
	  "ip4:192.0.2.17 ip4:192.0.2.18 ip4:192.0.2.19 ip4:192.0.2.20 ip4:192.0.2.21 "
	  "ip4:192.0.2.22 ip4:192.0.2.23 ip4:192.0.2.24 ip4:192.0.2.25 ip4:192.0.2.26 "
	  "ip4:192.0.2.27 ip4:192.0.2.28 ip4:192.0.2.29 ip4:192.0.2.30 ip4:192.0.2.31 \" \""
	  "ip4:192.0.2.32 ip4:192.0.2.33 ip4:192.0.2.34 ip4:192.0.2.35 ip4:192.0.2.36 -all\"",
	  'P', 'P', "", NULL },
	/* DNS failures inside the tree */
	{ D "\"v=spf1 a:slow.test -all\"", 'P', 'E', "A lookup failed", "slow.test" },
	{ D "\"v=spf1 redirect=r.test\"", 'P', 'E', "TXT lookup for r.test failed", "r.test" },
};
#undef D

static void
test_spf_vectors(void **state)
{
	static const int ids[] = { TEST_MAIL_AUTH_SPF_EXIST, TEST_MAIL_AUTH_SPF_POLICY };
	Peil__Result *res[TEST_COUNT];
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(spf_vectors) / sizeof(spf_vectors[0]); i++) {
		const struct spfvec *v = &spf_vectors[i];
		char zone[4096];
		struct zonefake z = { 0 };

		snprintf(zone, sizeof(zone), "d.test. SOA ns.test. h.test. 1 2 3 4 5\n%s", v->zone);
		z.zone = zone;
		z.timeout = v->timeout;
		run(&z, true, false, "d.test", ids, 2, res);
		if (!expect(res[TEST_MAIL_AUTH_SPF_EXIST], v->exist, NULL) ||
		    !expect(res[TEST_MAIL_AUTH_SPF_POLICY], v->policy, v->reason)) {
			fprintf(stderr, "SPF vector %zu: %s\n", i, v->zone);
			bad++;
		}
		free_results(res);
	}
	assert_int_equal(bad, 0);
	assert_true(sizeof(spf_vectors) / sizeof(spf_vectors[0]) >= 60);
}

/* The evidence shows the tree and its counts. */
static void
test_spf_evidence(void **state)
{
	static const int ids[] = { TEST_MAIL_AUTH_SPF_POLICY };
	struct zonefake z = { .zone =
	    "d.test. SOA ns.test. h.test. 1 2 3 4 5\n"
	    "d.test. TXT \"v=spf1 include:i.test a:v1.test -all\"\n"
	    "i.test. TXT \"v=spf1 ip4:192.0.2.1 mx:h.test ~all\"\n"
	    "h.test. MX 10 m.test." };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run(&z, true, false, "d.test", ids, 1, res);
	assert_true(expect(res[TEST_MAIL_AUTH_SPF_POLICY], 'P', ""));
	assert_string_equal(ev(res[TEST_MAIL_AUTH_SPF_POLICY], "spf_lookups"), "3 of at most 10");
	assert_string_equal(ev(res[TEST_MAIL_AUTH_SPF_POLICY], "spf_void_lookups"), "1 of at most 2");
	assert_non_null(strstr(ev(res[TEST_MAIL_AUTH_SPF_POLICY], "spf_1"), "d.test (top): v=spf1"));
	assert_non_null(strstr(ev(res[TEST_MAIL_AUTH_SPF_POLICY], "spf_2"), "  i.test (include): "));
	assert_string_equal(ev(res[TEST_MAIL_AUTH_SPF_POLICY], "spf_all"), "-all");
	free_results(res);
}

/* ---- DMARC ---- */

struct dmarcvec {
	const char *domain;
	const char *zone;
	char exist, policy, dest;
	const char *reason;      /* in the first not-passed result's reason (exist, policy, dest) */
	bool tree;
};

#define R(rec) "_dmarc.d.test. TXT \"" rec "\""
static const struct dmarcvec dmarc_vectors[] = {
	{ "d.test", "d.test. A 192.0.2.1", 'F', 'N', 'N', "no DMARC record at _dmarc.d.test", 0 },
	{ "d.test", "_dmarc.d.test. TXT \"hello\"", 'F', 'N', 'N', "no DMARC record", 0 },
	{ "d.test", R("v=DMARC1; p=none"), 'P', 'F', 'N', "policy in effect is none", 0 },
	{ "d.test", R("v=DMARC1; p=quarantine"), 'P', 'P', 'N', "no report destination", 0 },
	{ "d.test", R("v=DMARC1; p=reject"), 'P', 'P', 'N', NULL, 0 },
	{ "d.test", R("v=DMARC1;p=reject;"), 'P', 'P', 'N', NULL, 0 },
	{ "d.test", R("v=DMARC1; p=reject; t=y"), 'P', 'P', 'N', NULL, 0 },
	{ "d.test", R("v=DMARC1; p=quarantine; t=y"), 'P', 'F', 'N', "lowered by t=y", 0 },
	{ "d.test", R("v=DMARC1; p=quarantine; t=n"), 'P', 'P', 'N', NULL, 0 },
	{ "d.test", R("v=DMARC1; p=reject; sp=none"), 'P', 'P', 'N', NULL, 0 },
	{ "d.test", R("v=DMARC1; p=reject; pct=10"), 'P', 'P', 'N', NULL, 0 },
	{ "d.test", R("v=DMARC1; rua=mailto:r@d.test"), 'P', 'F', 'P', "policy in effect is none",
	  0 },
	/* internet.nl: a v=DMARC1 record that does not parse exists; its syntax fails the
	 * policy test */
	{ "d.test", R("v=DMARC1") , 'P', 'F', 'N', "invalid", 0 },
	{ "d.test", R("v=DMARC1; p=bogus"), 'P', 'F', 'N', "bad-policy", 0 },
	{ "d.test", R("v=DMARC1; p=reject; p=none"), 'P', 'F', 'N', "dup", 0 },
	{ "d.test", R("v=DMARC1; p=reject; pct=101"), 'P', 'F', 'N', "pct", 0 },
	{ "d.test", R("v=DMARC1; p=reject; adkim=x"), 'P', 'F', 'N', "invalid", 0 },
	{ "d.test", R("v=DMARC1; p=reject; rua=r@d.test"), 'P', 'F', 'N', "invalid", 0 },
	{ "d.test", R("p=reject; v=DMARC1"), 'F', 'N', 'N', "no DMARC record", 0 },
	{ "d.test", R("v=DMARC1; p=reject") "\n" R("v=DMARC1; p=none"), 'F', 'N', 'N',
	  "has 2 DMARC records", 0 },
	{ "d.test", R("v=DMARC1; p=reject") "\n_dmarc.d.test. TXT \"v=spf1 -all\"", 'P', 'P', 'N',
	  NULL, 0 },
	/* "v=DMARC1 p=reject": v's value is "DMARC1 p=reject" (no ';'), not a DMARC record
	 * (RFC 7489 6.6.3, RFC 9989 4.7): it is discarded, not counted as a second record */
	{ "d.test", R("v=DMARC1; p=reject") "\n" R("v=DMARC1 p=reject"), 'P', 'P', 'N', NULL, 0 },
	{ "d.test", R("v=DMARC1 p=reject"), 'F', 'N', 'N', "no DMARC record", 0 },
	{ "d.test", R("v=DMARC1 p=reject") "\n" R("v=DMARC1; p=none"), 'P', 'F', 'N',
	  "policy in effect is none", 1 },
	/* RFC 9989: no p is p=none (4.7); a malformed tag is discarded for its default (4.8),
	 * reported, and fails the policy test, but the record counts and the policy in effect
	 * is the receiver's */
	{ "d.test", R("v=DMARC1"), 'P', 'F', 'N', "policy in effect is none", 1 },
	{ "d.test", R("v=DMARC1; rua=mailto:r@d.test"), 'P', 'F', 'P', "policy in effect is none",
	  1 },
	{ "d.test", R("v=DMARC1; p=reject; pct=200"), 'P', 'F', 'N',
	  "1 malformed tag(s), discarded for their defaults (RFC 9989 4.8): bad-pct", 1 },
	{ "d.test", R("v=DMARC1; p=bogus; rua=mailto:r@d.test"), 'P', 'F', 'P',
	  "bad-policy: policy not none, quarantine or reject (offset 12); the policy in effect is "
	  "none", 1 },
	{ "s.d.test", R("v=DMARC1; p=reject; sp=bogus; adkim=x"), 'P', 'F', 'N',
	  "2 malformed tag(s), discarded for their defaults (RFC 9989 4.8): bad-policy", 1 },
	{ "d.test", R("v=DMARC1; p=reject; p=none"), 'P', 'F', 'N', "duplicate-tag", 1 },
	{ "d.test", R("v=DMARC1; p=reject; pct=200"), 'P', 'F', 'N', "bad-pct", 0 },
	/* the organizational domain (PSL; "test" is unknown to it: the last two labels) */
	{ "s.d.test", R("v=DMARC1; p=reject"), 'P', 'P', 'N', NULL, 0 },
	{ "s.d.test", R("v=DMARC1; p=reject; sp=none"), 'P', 'F', 'N', "policy in effect is none",
	  0 },
	{ "s.d.test", R("v=DMARC1; p=none; sp=quarantine"), 'P', 'P', 'N', NULL, 0 },
	{ "s.d.test", R("v=DMARC1; p=reject; sp=quarantine; t=y"), 'P', 'F', 'N',
	  "lowered by t=y", 0 },
	{ "s.d.test", R("v=DMARC1; p=none") "\n_dmarc.s.d.test. TXT \"v=DMARC1; p=reject\"", 'P',
	  'P', 'N', NULL, 0 },
	{ "x.s.d.test", "_dmarc.s.d.test. TXT \"v=DMARC1; p=reject\"", 'F', 'N', 'N',
	  "nor at its organizational domain", 0 },
	{ "s.d.test", "_dmarc.s.d.test. TXT \"v=DMARC1; p=none\"\n" R("v=DMARC1; p=reject"), 'P',
	  'F', 'N', "none", 0 },
	{ "s.d.test", R("v=DMARC1; p=reject") "\n" R("v=DMARC1; p=reject"), 'F', 'N', 'N',
	  "has 2 DMARC records", 0 },
	/* the RFC 9989 tree walk */
	{ "x.s.d.test", "_dmarc.s.d.test. TXT \"v=DMARC1; p=reject\"", 'P', 'P', 'N', NULL, 1 },
	{ "x.s.d.test", "_dmarc.s.d.test. TXT \"v=DMARC1; p=reject; sp=none\"", 'P', 'F', 'N',
	  "none", 1 },
	{ "x.s.d.test", R("v=DMARC1; p=quarantine"), 'P', 'P', 'N', NULL, 1 },
	{ "x.s.d.test", "_dmarc.test. TXT \"v=DMARC1; p=reject; psd=y\"", 'P', 'P', 'N', NULL, 1 },
	{ "a.b.c.d.e.f.g.h.i.test", "_dmarc.test. TXT \"v=DMARC1; p=reject\"", 'P', 'P', 'N', NULL,
	  1 },
	{ "x.s.d.test", "x.s.d.test. A 192.0.2.1", 'F', 'N', 'N', "tree walk", 1 },
	/* report destinations; internet.nl: one not authorised is a notice (our warning), on
	 * the policy test too */
	{ "d.test", R("v=DMARC1; p=reject; rua=mailto:dmarc@d.test"), 'P', 'P', 'P', NULL, 0 },
	{ "d.test", R("v=DMARC1; p=reject; rua=mailto:dmarc@sub.d.test"), 'P', 'P', 'P', NULL, 0 },
	{ "d.test", R("v=DMARC1; p=reject; rua=mailto:a@r.test") "\n"
	  "d.test._report._dmarc.r.test. TXT \"v=DMARC1\"", 'P', 'P', 'P', NULL, 0 },
	{ "d.test", R("v=DMARC1; p=reject; rua=mailto:a@r.test"), 'P', 'W', 'W',
	  "not authorised (RFC 7489 7.1): r.test", 0 },
	{ "d.test", R("v=DMARC1; p=reject; rua=mailto:a@r.test") "\n"
	  "d.test._report._dmarc.r.test. TXT \"hello\"", 'P', 'W', 'W', "r.test", 0 },
	{ "d.test", R("v=DMARC1; p=reject; rua=mailto:a@r.test; ruf=mailto:b@q.test") "\n"
	  "d.test._report._dmarc.r.test. TXT \"v=DMARC1\"", 'P', 'W', 'W', "1 external", 0 },
	{ "d.test", R("v=DMARC1; p=reject; rua=mailto:a@r.test,mailto:b@r.test!10m") "\n"
	  "d.test._report._dmarc.r.test. TXT \"v=DMARC1\"", 'P', 'P', 'P', NULL, 0 },
	{ "s.d.test", R("v=DMARC1; p=reject; rua=mailto:a@r.test") "\n"
	  "d.test._report._dmarc.r.test. TXT \"v=DMARC1\"", 'P', 'P', 'P', NULL, 0 },
	{ "d.test", R("v=DMARC1; p=reject; rua=https://r.test/report"), 'P', 'P', 'P', NULL, 0 },
};
#undef R

static void
test_dmarc_vectors(void **state)
{
	static const int ids[] = { TEST_MAIL_AUTH_DMARC_EXIST, TEST_MAIL_AUTH_DMARC_POLICY,
	    TEST_MAIL_AUTH_DMARC_EXT_DESTINATION };
	Peil__Result *res[TEST_COUNT];
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(dmarc_vectors) / sizeof(dmarc_vectors[0]); i++) {
		const struct dmarcvec *v = &dmarc_vectors[i];
		const Peil__Result *first = NULL;
		char zone[4096];
		struct zonefake z = { 0 };
		bool ok;

		snprintf(zone, sizeof(zone), "%s. A 192.0.2.1\n%s", v->domain, v->zone);
		z.zone = zone;
		run(&z, true, v->tree, v->domain, ids, 3, res);
		for (int k = 0; k < 3 && first == NULL; k++)
			if (res[ids[k]]->status != PEIL__STATUS__PASSED)
				first = res[ids[k]];
		ok = expect(res[TEST_MAIL_AUTH_DMARC_EXIST], v->exist, NULL) &&
		    expect(res[TEST_MAIL_AUTH_DMARC_POLICY], v->policy, NULL) &&
		    expect(res[TEST_MAIL_AUTH_DMARC_EXT_DESTINATION], v->dest, NULL);
		if (ok && v->reason != NULL && first != NULL)
			ok = expect(first, "?PFWINE"[first->status], v->reason);
		if (!ok) {
			fprintf(stderr, "DMARC vector %zu: %s: %s\n", i, v->domain, v->zone);
			bad++;
		}
		free_results(res);
	}
	assert_int_equal(bad, 0);
	assert_true(sizeof(dmarc_vectors) / sizeof(dmarc_vectors[0]) >= 40);
}

/* RFC 9989: the discarded tags are in the evidence, and the policy in effect. */
static void
test_dmarc_discarded_evidence(void **state)
{
	static const int ids[] = { TEST_MAIL_AUTH_DMARC_POLICY };
	struct zonefake z = { .zone = "x.d.test. A 192.0.2.1\n"
	    "_dmarc.d.test. TXT \"v=DMARC1; sp=quarantine; pct=x; fo=9\"" };
	Peil__Result *res[TEST_COUNT];
	const Peil__Result *r;
	size_t n = 0;

	(void)state;
	run(&z, true, true, "x.d.test", ids, 1, res);
	r = res[TEST_MAIL_AUTH_DMARC_POLICY];
	assert_true(expect(r, 'F', "2 malformed tag(s)"));
	assert_true(expect(r, 'F', "the policy in effect is quarantine"));
	assert_string_equal(ev(r, "dmarc_p"), "absent: none in effect (RFC 9989 4.7)");
	assert_non_null(strstr(ev(r, "dmarc_policy_in_effect"), "quarantine"));
	for (size_t i = 0; i < r->n_evidence; i++)
		if (strcmp(r->evidence[i]->key, "dmarc_tag_discarded") == 0)
			n++;
	assert_int_equal(n, 2);
	assert_non_null(strstr(ev(r, "dmarc_tag_discarded"), "bad-pct"));
	free_results(res);
}

/* ---- DKIM ---- */

static void
test_dkim(void **state)
{
	static const int ids[] = { TEST_MAIL_AUTH_DKIM_EXIST };
	static const struct {
		const char *zone;
		char want;
		const char *reason;
	} v[] = {
		{ "sel._domainkey.d.test. TXT \"v=DKIM1; p=MIGf\"", 'P', "" },
		{ "_domainkey.d.test. TXT \"o=~\"", 'P', "" },
		{ "a.b._domainkey.d.test. TXT \"v=DKIM1; p=\"", 'P', "" },
		{ "d.test. A 192.0.2.1", 'F', "no DKIM keys" },
		{ "d.test. TXT \"v=spf1 -all\"", 'F', "not declared non-sending" },
		{ "_dmarc.d.test. TXT \"v=DMARC1; p=reject\"", 'F', "not declared non-sending" },
		{ "d.test. TXT \"v=spf1 -all\"\n_dmarc.d.test. TXT \"v=DMARC1; p=reject\"", 'P',
		  "non-sending domain" },
		{ "d.test. TXT \"v=spf1 -all\"\n_dmarc.d.test. TXT \"v=DMARC1; p=quarantine\"", 'F',
		  "no DKIM" },
		{ "d.test. TXT \"v=spf1 ~all\"\n_dmarc.d.test. TXT \"v=DMARC1; p=reject\"", 'F',
		  "no DKIM" },
		{ "d.test. TXT \"v=spf1 a -all\"\nd.test. A 192.0.2.1\n"
		  "_dmarc.d.test. TXT \"v=DMARC1; p=reject\"", 'F', "no DKIM" },
		{ "d.test. TXT \"v=spf1 -all\"\n_dmarc.d.test. TXT \"v=DMARC1; p=reject; t=y\"", 'F',
		  "no DKIM" },
	};
	Peil__Result *res[TEST_COUNT];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char zone[1024];
		struct zonefake z = { 0 };

		snprintf(zone, sizeof(zone), "d.test. SOA ns.test. h.test. 1 2 3 4 5\n%s", v[i].zone);
		z.zone = zone;
		run(&z, true, false, "d.test", ids, 1, res);
		if (!expect(res[TEST_MAIL_AUTH_DKIM_EXIST], v[i].want, v[i].reason))
			fail_msg("DKIM vector %zu", i);
		free_results(res);
	}
	{
		struct zonefake z = { .zone = "d.test. A 192.0.2.1", .timeout = "_domainkey.d.test" };

		run(&z, true, false, "d.test", ids, 1, res);
		assert_true(expect(res[TEST_MAIL_AUTH_DKIM_EXIST], 'E', "no answer"));
		free_results(res);
	}
}

/* A domain whose name servers never answer: one time-out decides every test. */
static void
test_silent(void **state)
{
	struct zonefake z = { .zone = "d.test. A 192.0.2.1", .timeout = "d.test" };
	Peil__Result *res[TEST_COUNT];
	int ids[TEST_COUNT];
	size_t n = 0;

	(void)state;
	/* Every test a module runs. */
	for (int i = 0; i < TEST_COUNT; i++)
		if (catalogue_get(i)->module != MODULE_NONE)
			ids[n++] = i;
	run(&z, true, false, "d.test", ids, n, res);
	for (size_t i = 0; i < n; i++) {
		/* Decided before any lookup: the self-tests are never per domain, and the RPKI
		 * tests have no tables in this source. */
		if (catalogue_get(ids[i])->module == MODULE_VANTAGE)
			assert_true(expect(res[ids[i]], 'N', "a vantage self-test"));
		else if (catalogue_get(ids[i])->module == MODULE_RPKI)
			assert_true(expect(res[ids[i]], 'N', "no VRP table configured"));
		else
			assert_true(expect(res[ids[i]], 'E', "SOA lookup timed out"));
	}
	assert_int_equal(z.lookups, 1);
	free_results(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spf_vectors),
		cmocka_unit_test(test_spf_evidence),
		cmocka_unit_test(test_dmarc_vectors),
		cmocka_unit_test(test_dmarc_discarded_evidence),
		cmocka_unit_test(test_dkim),
		cmocka_unit_test(test_silent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
