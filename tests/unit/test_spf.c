/* test_spf.c: vectors for the SPF record parser (RFC 7208 Appendix A and known pitfalls). */
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
#include "spf.h"

#define E_OK PEIL_OK
#define E_INV PEIL_EINVAL
#define E_BIG PEIL_ETOOBIG

/* One vector: record, its length (0: strlen), expected rc, reason, terms, lookups, and the
 * first all's qualifier ('+', '-', '~', '?') or 0 when there is none. */
struct vec {
	const char *rec;
	size_t len;
	int rc;
	enum spf_reason reason;
	size_t nterms;
	size_t lookups;
	char all;
};

static const struct vec vecs[] = {
	/* RFC 7208 Appendix A.1, simple examples. */
	{ "v=spf1 +all", 0, E_OK, SPF_R_OK, 1, 0, '+' },
	{ "v=spf1 a -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 a:example.org -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 mx -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 mx:example.org -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 mx mx:example.org -all", 0, E_OK, SPF_R_OK, 3, 2, '-' },
	{ "v=spf1 mx/30 mx:example.org/30 -all", 0, E_OK, SPF_R_OK, 3, 2, '-' },
	{ "v=spf1 ptr -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 ip4:192.0.2.128/28 -all", 0, E_OK, SPF_R_OK, 2, 0, '-' },
	/* A.2 multiple domains, A.3 DNSBL style, A.4 multiple requirements. */
	{ "v=spf1 include:example.com include:example.net -all", 0, E_OK, SPF_R_OK, 3, 2, '-' },
	{ "v=spf1 redirect=example.org", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 mx -all exp=explain._spf.%{d}", 0, E_OK, SPF_R_OK, 3, 1, '-' },
	{ "v=spf1 -include:ip4._spf.%{d} -include:ptr._spf.%{d} +all", 0, E_OK, SPF_R_OK, 3, 2, '+' },
	{ "v=spf1 -ip4:192.0.2.0/24 +all", 0, E_OK, SPF_R_OK, 2, 0, '+' },
	{ "v=spf1 -ptr +all", 0, E_OK, SPF_R_OK, 2, 1, '+' },
	{ "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 ip6:2001:db8::/32 -all", 0, E_OK, SPF_R_OK, 2, 0, '-' },
	/* Version. */
	{ "v=spf1", 0, E_OK, SPF_R_OK, 0, 0, 0 },
	{ "v=spf1 ", 0, E_OK, SPF_R_OK, 0, 0, 0 },
	{ "v=spf10", 0, E_INV, SPF_R_VERSION, 0, 0, 0 },
	{ "v=spf1-all", 0, E_INV, SPF_R_VERSION, 0, 0, 0 },
	{ "v=spf", 0, E_INV, SPF_R_VERSION, 0, 0, 0 },
	{ "", 0, E_INV, SPF_R_VERSION, 0, 0, 0 },
	{ "spf1 -all", 0, E_INV, SPF_R_VERSION, 0, 0, 0 },
	{ "v=spf2.0/pra -all", 0, E_INV, SPF_R_VERSION, 0, 0, 0 },
	{ " v=spf1 -all", 0, E_INV, SPF_R_VERSION, 0, 0, 0 },
	{ "v=spf1\t-all", 0, E_INV, SPF_R_VERSION, 0, 0, 0 },
	{ "V=SPF1 -ALL", 0, E_OK, SPF_R_OK, 1, 0, '-' },
	{ "V=Spf1 MX Include:Example.COM ~ALL", 0, E_OK, SPF_R_OK, 3, 2, '~' },
	/* Spaces and qualifiers. */
	{ "v=spf1   a    -all  ", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 ?all", 0, E_OK, SPF_R_OK, 1, 0, '?' },
	{ "v=spf1 ~all", 0, E_OK, SPF_R_OK, 1, 0, '~' },
	{ "v=spf1 -all", 0, E_OK, SPF_R_OK, 1, 0, '-' },
	{ "v=spf1 all", 0, E_OK, SPF_R_OK, 1, 0, '+' },
	{ "v=spf1 -all ~all", 0, E_OK, SPF_R_OK, 2, 0, '-' },
	{ "v=spf1 -all redirect=example.com", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 -", 0, E_INV, SPF_R_UNKNOWN_MECH, 0, 0, 0 },
	{ "v=spf1 +-all", 0, E_INV, SPF_R_UNKNOWN_MECH, 0, 0, 0 },
	/* ip4. */
	{ "v=spf1 ip4:192.0.2.1 -all", 0, E_OK, SPF_R_OK, 2, 0, '-' },
	{ "v=spf1 ip4:192.0.2.0/24 ip4:0.0.0.0/0 ip4:203.0.113.7/32", 0, E_OK, SPF_R_OK, 3, 0, 0 },
	{ "v=spf1 ip4:256.1.1.1", 0, E_INV, SPF_R_BAD_IP4, 0, 0, 0 },
	{ "v=spf1 ip4:1.2.3", 0, E_INV, SPF_R_BAD_IP4, 0, 0, 0 },
	{ "v=spf1 ip4:1.2.3.4.5", 0, E_INV, SPF_R_BAD_IP4, 0, 0, 0 },
	{ "v=spf1 ip4:192.0.02.1", 0, E_INV, SPF_R_BAD_IP4, 0, 0, 0 },
	{ "v=spf1 ip4:1234.0.2.1", 0, E_INV, SPF_R_BAD_IP4, 0, 0, 0 },
	{ "v=spf1 ip4:example.com", 0, E_INV, SPF_R_BAD_IP4, 0, 0, 0 },
	{ "v=spf1 ip4", 0, E_INV, SPF_R_BAD_IP4, 0, 0, 0 },
	{ "v=spf1 ip4:", 0, E_INV, SPF_R_BAD_IP4, 0, 0, 0 },
	{ "v=spf1 ip4:192.0.2.0/33", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 ip4:192.0.2.0/", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 ip4:192.0.2.0/024", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 ip4:192.0.2.0/24/8", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 ip4:192.0.2.0/24x", 0, E_INV, SPF_R_TRAILING, 0, 0, 0 },
	/* ip6. */
	{ "v=spf1 ip6:::1 -all", 0, E_OK, SPF_R_OK, 2, 0, '-' },
	{ "v=spf1 ip6:::ffff:192.0.2.1 ip6:2001:db8::1/128 ip6:::/0", 0, E_OK, SPF_R_OK, 3, 0, 0 },
	{ "v=spf1 ip6:2001:db8:::1", 0, E_INV, SPF_R_BAD_IP6, 0, 0, 0 },
	{ "v=spf1 ip6:::::", 0, E_INV, SPF_R_BAD_IP6, 0, 0, 0 },
	{ "v=spf1 ip6:192.0.2.1", 0, E_INV, SPF_R_BAD_IP6, 0, 0, 0 },
	{ "v=spf1 ip6", 0, E_INV, SPF_R_BAD_IP6, 0, 0, 0 },
	{ "v=spf1 ip6:2001:db8::/129", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 ip6:2001:db8::/", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	/* a, mx with dual-cidr. */
	{ "v=spf1 a/24 -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 a//64 -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 a/24//64 -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 a:example.com/24//64 mx:mail.example.com/24 -all", 0, E_OK, SPF_R_OK, 3, 2, '-' },
	{ "v=spf1 a:%{d}/24", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 a/33", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 a//129", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 a/24/64", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 mx/", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 a:", 0, E_INV, SPF_R_MISSING_DOMAIN, 0, 0, 0 },
	{ "v=spf1 mx:/24", 0, E_INV, SPF_R_MISSING_DOMAIN, 0, 0, 0 },
	{ "v=spf1 a:localhost", 0, E_INV, SPF_R_BAD_DOMAIN, 0, 0, 0 },
	{ "v=spf1 a:192.0.2.1", 0, E_INV, SPF_R_BAD_DOMAIN, 0, 0, 0 },
	{ "v=spf1 a:example..com", 0, E_INV, SPF_R_BAD_DOMAIN, 0, 0, 0 },
	{ "v=spf1 a:example.-com", 0, E_INV, SPF_R_BAD_DOMAIN, 0, 0, 0 },
	{ "v=spf1 a:example.com.", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 ax", 0, E_INV, SPF_R_UNKNOWN_MECH, 0, 0, 0 },
	{ "v=spf1 a:%{d/}.example.com/24", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 mx:%%{d}.example.com//64", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 a:" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  ".example.com", 0, E_INV, SPF_R_BAD_DOMAIN, 0, 0, 0 },
	{ "v=spf1 ~foo", 0, E_INV, SPF_R_UNKNOWN_MECH, 0, 0, 0 },
	/* RFC 7208 7.1: ':' and '/' are macro-literals inside a domain-spec; only a trailing
	 * "/digits" and "//digits" is a dual-cidr-length (suite "a-colon-domain" and kin). */
	{ "v=spf1 a:foo:bar/baz.example.com", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 a:foo/bar.example.com -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 mx:foo:bar/baz.example.com -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 a:foo:bar/baz.example.com/24//64 -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 mx:foo/bar.example.com//0", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 a:mail.example.com1/24", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 a:a/b.%{d}/24", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 a:example.com/24/64", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 a:example.com/", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 mx:example.com//", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 a:example.com/024", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 a:example.com/33", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 a:example.com//129", 0, E_INV, SPF_R_BAD_CIDR, 0, 0, 0 },
	{ "v=spf1 a:example.com/24x", 0, E_INV, SPF_R_BAD_DOMAIN, 0, 0, 0 },
	{ "v=spf1 a:foo/24", 0, E_INV, SPF_R_BAD_DOMAIN, 0, 0, 0 },
	{ "v=spf1 include:foo:bar/baz.example.com -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 exists:foo/bar:%{i}.example.com", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 ptr:foo:bar/baz.example.com", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 redirect=foo:bar/baz.example.com", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 -all exp=foo:bar/baz.example.com", 0, E_OK, SPF_R_OK, 2, 0, '-' },
	{ "v=spf1 include:example.com/24", 0, E_INV, SPF_R_BAD_DOMAIN, 0, 0, 0 },
	{ "v=spf1 a:foo=bar.example.com", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	/* include, exists, ptr. */
	{ "v=spf1 include", 0, E_INV, SPF_R_MISSING_DOMAIN, 0, 0, 0 },
	{ "v=spf1 include:", 0, E_INV, SPF_R_MISSING_DOMAIN, 0, 0, 0 },
	{ "v=spf1 include/24", 0, E_INV, SPF_R_MISSING_DOMAIN, 0, 0, 0 },
	{ "v=spf1 exists", 0, E_INV, SPF_R_MISSING_DOMAIN, 0, 0, 0 },
	{ "v=spf1 include:example.com:80", 0, E_INV, SPF_R_BAD_DOMAIN, 0, 0, 0 },
	{ "v=spf1 include:%{d}.x -all", 0, E_OK, SPF_R_OK, 2, 1, '-' },
	{ "v=spf1 exists:%{i}.%{h}._spf.%{d}", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 ptr:example.com ptr", 0, E_OK, SPF_R_OK, 2, 2, 0 },
	{ "v=spf1 ptr:", 0, E_INV, SPF_R_MISSING_DOMAIN, 0, 0, 0 },
	{ "v=spf1 ptr/24", 0, E_INV, SPF_R_TRAILING, 0, 0, 0 },
	/* Macros. */
	{ "v=spf1 exists:%{z}.example.com", 0, E_INV, SPF_R_BAD_MACRO, 0, 0, 0 },
	{ "v=spf1 exists:%{ir}.example.com", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 exists:%{l1r+-}.example.com", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 exists:%{S}.%{L}.%{O}.%{D2}.%{V}.%{P}.example.com", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 exists:%{d0}.example.com", 0, E_INV, SPF_R_BAD_MACRO, 0, 0, 0 },
	{ "v=spf1 exists:%{c}.example.com", 0, E_INV, SPF_R_BAD_MACRO, 0, 0, 0 },
	{ "v=spf1 exists:%{t}.example.com", 0, E_INV, SPF_R_BAD_MACRO, 0, 0, 0 },
	{ "v=spf1 exists:%{d", 0, E_INV, SPF_R_BAD_MACRO, 0, 0, 0 },
	{ "v=spf1 exists:%{d:}.example.com", 0, E_INV, SPF_R_BAD_MACRO, 0, 0, 0 },
	{ "v=spf1 exists:%x.example.com", 0, E_INV, SPF_R_BAD_MACRO, 0, 0, 0 },
	{ "v=spf1 exists:example.com%", 0, E_INV, SPF_R_BAD_MACRO, 0, 0, 0 },
	{ "v=spf1 exists:%%%_%-.example.com", 0, E_OK, SPF_R_OK, 1, 1, 0 },
	{ "v=spf1 exists:%{d}com", 0, E_INV, SPF_R_BAD_DOMAIN, 0, 0, 0 },
	/* Modifiers. */
	{ "v=spf1 redirect=a.example redirect=b.example", 0, E_INV, SPF_R_DUP_REDIRECT, 0, 0, 0 },
	{ "v=spf1 exp=a.example -all exp=b.example", 0, E_INV, SPF_R_DUP_EXP, 0, 0, 0 },
	{ "v=spf1 redirect=", 0, E_INV, SPF_R_MISSING_DOMAIN, 0, 0, 0 },
	{ "v=spf1 exp=", 0, E_INV, SPF_R_MISSING_DOMAIN, 0, 0, 0 },
	{ "v=spf1 foo=bar -all", 0, E_OK, SPF_R_OK, 2, 0, '-' },
	{ "v=spf1 foo= -all", 0, E_OK, SPF_R_OK, 2, 0, '-' },
	{ "v=spf1 x-y_z.1=%{d} foo=1 foo=2", 0, E_OK, SPF_R_OK, 3, 0, 0 },
	{ "v=spf1 1foo=bar", 0, E_INV, SPF_R_BAD_MODIFIER, 0, 0, 0 },
	{ "v=spf1 =bar", 0, E_INV, SPF_R_BAD_MODIFIER, 0, 0, 0 },
	{ "v=spf1 +redirect=example.com", 0, E_INV, SPF_R_BAD_MODIFIER, 0, 0, 0 },
	{ "v=spf1 fo%o=bar", 0, E_INV, SPF_R_BAD_MODIFIER, 0, 0, 0 },
	{ "v=spf1 foo=%{z}", 0, E_INV, SPF_R_BAD_MACRO, 0, 0, 0 },
	/* Trailing junk, unknown mechanisms. */
	{ "v=spf1 -all:foo", 0, E_INV, SPF_R_TRAILING, 0, 0, 0 },
	{ "v=spf1 -all/24", 0, E_INV, SPF_R_TRAILING, 0, 0, 0 },
	{ "v=spf1 allx", 0, E_INV, SPF_R_UNKNOWN_MECH, 0, 0, 0 },
	{ "v=spf1 foo", 0, E_INV, SPF_R_UNKNOWN_MECH, 0, 0, 0 },
	{ "v=spf1 ip:192.0.2.1", 0, E_INV, SPF_R_UNKNOWN_MECH, 0, 0, 0 },
	{ "v=spf1 a/24x", 0, E_INV, SPF_R_TRAILING, 0, 0, 0 },
	/* Bytes. */
	{ "v=spf1 a:ex\xc3\xa4mple.com -all", 0, E_INV, SPF_R_NON_ASCII, 0, 0, 0 },
	{ "v=spf1 -all\xff", 0, E_INV, SPF_R_NON_ASCII, 0, 0, 0 },
	{ "v=spf1 a\t-all", 0, E_INV, SPF_R_BAD_CHAR, 0, 0, 0 },
	{ "v=spf1 a\0 -all", 14, E_INV, SPF_R_BAD_CHAR, 0, 0, 0 },
	{ "v=spf1 -all\r\n", 0, E_INV, SPF_R_BAD_CHAR, 0, 0, 0 },
	/* Lookup counting (the limit applies over the tree, later; parsing still succeeds). */
	{ "v=spf1 include:a.example include:b.example a mx ptr exists:%{i}.example.com "
	  "redirect=c.example", 0, E_OK, SPF_R_OK, 7, 7, 0 },
	{ "v=spf1 a a a a a a a a a a a -all", 0, E_OK, SPF_R_OK, 12, 11, '-' },
};

static void
test_vector(void **state)
{
	const struct vec *v = *state;
	struct spf_record *r = NULL;
	enum spf_reason reason = SPF_R_OK;
	char why[256];
	size_t len = v->len ? v->len : strlen(v->rec);
	int rc;

	rc = spf_parse_ex((const uint8_t *)v->rec, len, &r, &reason, why, sizeof(why));
	if (rc != v->rc || reason != v->reason)
		print_error("record \"%s\": rc %d reason %s why \"%s\"\n", v->rec, rc,
		    spf_reason_name(reason), why);
	assert_int_equal(rc, v->rc);
	assert_int_equal(reason, v->reason);
	if (rc != 0) {
		assert_null(r);
		assert_true(strncmp(why, spf_reason_name(v->reason),
		    strlen(spf_reason_name(v->reason))) == 0);
		return;
	}
	assert_non_null(r);
	assert_int_equal(r->nterms, v->nterms);
	assert_int_equal(r->lookups, v->lookups);
	assert_int_equal(r->has_all, v->all != 0);
	if (v->all != 0)
		assert_int_equal(spf_qual_char(r->all_qual), v->all);
	spf_free(r);
}

static void
test_fields(void **state)
{
	static const char rec[] = "v=spf1 a:example.com/24//64 ip4:192.0.2.0/24 "
	    "ip6:2001:db8::1/32 ~mx foo=bar exists:%{i}.example.com redirect=%{d}.example.net -all";
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct spf_record *r = NULL;
	char why[128], desc[128];
	const struct spf_term *t;

	(void)state;
	assert_int_equal(spf_parse((const uint8_t *)rec, strlen(rec), &r, why, sizeof(why)), 0);
	assert_int_equal(r->nterms, 8);
	t = &r->terms[0];
	assert_int_equal(t->kind, SPF_A);
	assert_string_equal(t->domain, "example.com");
	assert_true(t->has_cidr4 && t->has_cidr6);
	assert_int_equal(t->cidr4, 24);
	assert_int_equal(t->cidr6, 64);
	assert_int_equal(t->offset, 7);
	t = &r->terms[1];
	assert_int_equal(t->kind, SPF_IP4);
	assert_memory_equal(t->addr, "\xc0\x00\x02\x00", 4);
	assert_int_equal(t->cidr4, 24);
	assert_string_equal(spf_term_name(t->kind), "ip4");
	t = &r->terms[2];
	assert_int_equal(t->kind, SPF_IP6);
	assert_memory_equal(t->addr, a6, 16);
	assert_true(t->has_cidr6 && !t->has_cidr4);
	assert_int_equal(t->cidr6, 32);
	t = &r->terms[3];
	assert_int_equal(t->kind, SPF_MX);
	assert_int_equal(t->qual, SPF_QUAL_SOFTFAIL);
	assert_null(t->domain);
	assert_false(t->has_cidr4);
	t = &r->terms[4];
	assert_int_equal(t->kind, SPF_UNKNOWN_MOD);
	assert_string_equal(t->name, "foo");
	assert_string_equal(t->domain, "bar");
	assert_string_equal(spf_term_name(t->kind), "unknown-modifier");
	t = &r->terms[5];
	assert_int_equal(t->kind, SPF_EXISTS);
	assert_true(t->has_macro);
	assert_string_equal(t->domain, "%{i}.example.com");
	assert_int_equal(t->offset, (size_t)(strstr(rec, "exists") - rec));
	t = &r->terms[6];
	assert_ptr_equal(r->redirect, t);
	assert_string_equal(t->domain, "%{d}.example.net");
	assert_null(r->exp);
	assert_int_equal(r->nmacro, 2);
	assert_int_equal(r->lookups, 4);
	assert_true(r->all_last);
	assert_int_equal(spf_record_describe(r, desc, sizeof(desc)), 0);
	assert_string_equal(desc, "terms=8 lookups=4 macros=2 all=-all redirect=%{d}.example.net");
	spf_free(r);
	spf_free(NULL);
}

/* a:/mx: split the dual-cidr-length off the end only; ':' and '/' before it are the domain's. */
static void
test_colon_slash_domain(void **state)
{
	static const char rec[] = "v=spf1 a:foo:bar/baz.example.com/24//64 mx:a/b.example.com";
	struct spf_record *r = NULL;

	(void)state;
	assert_int_equal(spf_parse((const uint8_t *)rec, strlen(rec), &r, NULL, 0), 0);
	assert_int_equal(r->nterms, 2);
	assert_string_equal(r->terms[0].domain, "foo:bar/baz.example.com");
	assert_true(r->terms[0].has_cidr4 && r->terms[0].has_cidr6);
	assert_int_equal(r->terms[0].cidr4, 24);
	assert_int_equal(r->terms[0].cidr6, 64);
	assert_string_equal(r->terms[1].domain, "a/b.example.com");
	assert_false(r->terms[1].has_cidr4 || r->terms[1].has_cidr6);
	spf_free(r);
}

static void
test_all_not_last(void **state)
{
	static const char rec[] = "v=spf1 ?all a exp=x.example";
	struct spf_record *r = NULL;

	(void)state;
	assert_int_equal(spf_parse((const uint8_t *)rec, strlen(rec), &r, NULL, 0), 0);
	assert_true(r->has_all);
	assert_false(r->all_last);
	assert_int_equal(r->all_qual, SPF_QUAL_NEUTRAL);
	assert_string_equal(r->exp->domain, "x.example");
	spf_free(r);
}

/* A record over 512 bytes (as when split over TXT strings) parses. */
static void
test_long_record(void **state)
{
	char rec[1024];
	size_t n = 0;
	struct spf_record *r = NULL;
	int i;

	(void)state;
	n += (size_t)snprintf(rec + n, sizeof(rec) - n, "v=spf1");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(rec + n, sizeof(rec) - n, " ip4:198.51.100.%d", i);
	n += (size_t)snprintf(rec + n, sizeof(rec) - n, " -all");
	assert_true(n > 512);
	assert_int_equal(spf_parse((const uint8_t *)rec, n, &r, NULL, 0), 0);
	assert_int_equal(r->nterms, 41);
	assert_int_equal(r->lookups, 0);
	assert_int_equal(r->all_qual, SPF_QUAL_FAIL);
	spf_free(r);
}

static void
build_terms(char *rec, size_t cap, size_t *len, int terms)
{
	size_t n = 0;
	int i;

	n += (size_t)snprintf(rec + n, cap - n, "v=spf1");
	for (i = 0; i < terms; i++)
		n += (size_t)snprintf(rec + n, cap - n, " a");
	*len = n;
}

static void
test_term_limit(void **state)
{
	static char rec[MAX_SPF_TERMS * 2 + 64];
	struct spf_record *r = NULL;
	enum spf_reason reason;
	char why[128];
	size_t n;

	(void)state;
	build_terms(rec, sizeof(rec), &n, MAX_SPF_TERMS);
	assert_int_equal(spf_parse_ex((const uint8_t *)rec, n, &r, &reason, why, sizeof(why)), 0);
	assert_int_equal(r->nterms, MAX_SPF_TERMS);
	assert_int_equal(r->lookups, MAX_SPF_TERMS);
	spf_free(r);
	r = NULL;
	build_terms(rec, sizeof(rec), &n, MAX_SPF_TERMS + 1);
	assert_int_equal(spf_parse_ex((const uint8_t *)rec, n, &r, &reason, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_int_equal(reason, SPF_R_TOO_MANY_TERMS);
	assert_null(r);
}

static void
test_too_long(void **state)
{
	uint8_t *rec;
	struct spf_record *r = NULL;
	enum spf_reason reason;
	char why[128];

	(void)state;
	rec = malloc(MAX_SPF_RECORD_LEN + 1);
	assert_non_null(rec);
	memset(rec, ' ', MAX_SPF_RECORD_LEN + 1);
	memcpy(rec, "v=spf1", 6);
	assert_int_equal(spf_parse_ex(rec, MAX_SPF_RECORD_LEN, &r, &reason, why, sizeof(why)), 0);
	assert_int_equal(r->nterms, 0);
	spf_free(r);
	r = NULL;
	assert_int_equal(spf_parse_ex(rec, MAX_SPF_RECORD_LEN + 1, &r, &reason, why, sizeof(why)),
	    PEIL_ETOOBIG);
	assert_int_equal(reason, SPF_R_TOO_LONG);
	assert_null(r);
	free(rec);
}

/* `len` is honoured: bytes after it are never read (the buffer is not NUL-terminated). */
static void
test_len_bound(void **state)
{
	uint8_t *rec;
	struct spf_record *r = NULL;
	static const char s[] = "v=spf1 include:example.com";

	(void)state;
	rec = malloc(sizeof(s) - 1);
	assert_non_null(rec);
	memcpy(rec, s, sizeof(s) - 1);
	assert_int_equal(spf_parse(rec, sizeof(s) - 1, &r, NULL, 0), 0);
	assert_string_equal(r->terms[0].domain, "example.com");
	spf_free(r);
	assert_int_equal(spf_parse(rec, 15, &r, NULL, 0), PEIL_EINVAL); /* "v=spf1 include:" */
	assert_null(r);
	free(rec);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(spf_term_name(SPF_ALL), "all");
	assert_string_equal(spf_term_name(SPF_REDIRECT), "redirect");
	assert_string_equal(spf_term_name((enum spf_kind)99), "?");
	assert_string_equal(spf_reason_name(SPF_R_BAD_CIDR), "bad-cidr");
	assert_string_equal(spf_reason_name(SPF_R_TOO_MANY_TERMS), "too-many-terms");
	assert_int_equal(spf_qual_char(SPF_QUAL_NEUTRAL), '?');
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_colon_slash_domain),
		cmocka_unit_test(test_all_not_last),
		cmocka_unit_test(test_long_record),
		cmocka_unit_test(test_term_limit),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_len_bound),
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
	rc = _cmocka_run_group_tests("spf", all, nv + nf, NULL, NULL);
	free(all);
	return rc;
}
