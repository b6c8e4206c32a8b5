/* test_ipprefix.c: IPv4 and IPv6 prefixes: parse (and its refusals), make, text, covers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "err.h"
#include "ipprefix.h"

static void
parse_ok(const char *s, bool allow_host, const char *want)
{
	struct ipprefix p;
	char why[100] = "", t[IPPREFIX_TEXT_LEN];

	if (ipprefix_parse(s, strlen(s), allow_host, &p, why, sizeof(why)) != 0)
		fail_msg("\"%s\": %s", s, why);
	ipprefix_text(&p, t);
	assert_string_equal(t, want);
}

static void
parse_bad(const char *s, size_t n, bool allow_host, const char *want)
{
	struct ipprefix p;
	char why[100] = "";

	memset(&p, 0xee, sizeof(p));
	assert_int_equal(ipprefix_parse(s, n, allow_host, &p, why, sizeof(why)), PEIL_EINVAL);
	assert_string_equal(why, want);
	assert_int_equal(p.family, 0);   /* nothing half-filled */
	assert_int_equal(p.len, 0);
}

static void
test_parse(void **state)
{
	(void)state;
	parse_ok("192.0.2.0/24", false, "192.0.2.0/24");
	parse_ok("0.0.0.0/0", false, "0.0.0.0/0");
	parse_ok("255.255.255.255/32", false, "255.255.255.255/32");
	parse_ok("192.0.2.1", true, "192.0.2.1/32");
	parse_ok("2001:db8::/32", false, "2001:db8::/32");
	parse_ok("2001:DB8:0:0::/64", false, "2001:db8::/64");
	parse_ok("::/0", false, "::/0");
	parse_ok("2001:db8::1", true, "2001:db8::1/128");
	parse_ok("::ffff:192.0.2.0/120", false, "::ffff:192.0.2.0/120");
	parse_ok("192.0.2.0/024", false, "192.0.2.0/24");
	parse_ok("192.0.2.128/25", false, "192.0.2.128/25");
	parse_ok("2001:db8:0:1::/64", false, "2001:db8:0:1::/64");
}

static void
test_parse_bad(void **state)
{
	(void)state;
	parse_bad("192.0.2.0/33", 12, false, "prefix length 33 too long for IPv4");
	parse_bad("2001:db8::/129", 14, false, "prefix length 129 too long for IPv6");
	parse_bad("192.0.2.1/24", 12, false, "host bits set past /24");
	parse_bad("192.0.2.129/25", 14, false, "host bits set past /25");
	parse_bad("2001:db8::1/127", 15, false, "host bits set past /127");
	parse_bad("192.0.2.1", 9, false, "no prefix length");
	parse_bad("192.0.2.0/", 10, false, "bad prefix length");
	parse_bad("192.0.2.0/1234", 14, false, "bad prefix length");
	parse_bad("192.0.2.0/2a", 12, false, "bad prefix length");
	parse_bad("192.0.2.0/-1", 12, false, "bad prefix length");
	parse_bad("192.0.2.0/24 ", 13, false, "bad prefix length");
	parse_bad("/24", 3, false, "not an address");
	parse_bad("", 0, true, "not an address");
	parse_bad("192.0.2/24", 10, false, "not an address");
	parse_bad("192.0.2.256/32", 14, false, "not an address");
	parse_bad("01.0.2.0/24", 11, false, "not an address");
	parse_bad(" 192.0.2.0/24", 13, false, "not an address");
	parse_bad("2001:db8:::/48", 14, false, "not an address");
	parse_bad("2001:db8::1:2:3:4:5:6:7/128", 27, false, "not an address");
	parse_bad("1234567890123456789012345678901234567890123456/8", 48, false, "not an address");
	/* a NUL inside the address: inet_pton would stop there and read 192.0.2.0 */
	parse_bad("192.0.2.0\0junk/24", 17, false, "not an address");
	parse_bad("192.0.2.0\0", 10, true, "not an address");
	/* only n bytes are read: the rest of the string is not part of it */
	parse_bad("192.0.2.0/24", 11, false, "host bits set past /2");
}

static void
test_make_text_covers(void **state)
{
	const uint8_t a4[4] = { 192, 0, 2, 255 };
	uint8_t a6[16];
	struct ipprefix p, q, r;
	char t[IPPREFIX_TEXT_LEN];

	(void)state;
	assert_int_equal(ipprefix_make(4, a4, 23, &p), 0);
	ipprefix_text(&p, t);
	assert_string_equal(t, "192.0.2.0/23");
	assert_int_equal(ipprefix_make(4, a4, 33, &p), PEIL_EINVAL);
	assert_int_equal(ipprefix_make(5, a4, 8, &p), PEIL_EINVAL);
	memset(a6, 0xff, sizeof(a6));
	assert_int_equal(ipprefix_make(6, a6, 129, &p), PEIL_EINVAL);
	assert_int_equal(ipprefix_make(6, a6, 128, &p), 0);
	ipprefix_text(&p, t);
	assert_string_equal(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	assert_int_equal(ipprefix_make(6, a6, 65, &p), 0);
	ipprefix_text(&p, t);
	assert_string_equal(t, "ffff:ffff:ffff:ffff:8000::/65");
	assert_int_equal(ipprefix_make(6, a6, 0, &p), 0);
	ipprefix_text(&p, t);
	assert_string_equal(t, "::/0");
	/* an IPv4 prefix keeps bytes 4..15 zero */
	assert_int_equal(ipprefix_make(4, a6, 32, &p), 0);
	for (int i = 4; i < 16; i++)
		assert_int_equal(p.addr[i], 0);

	assert_int_equal(ipprefix_parse("10.0.0.0/8", 10, false, &p, NULL, 0), 0);
	assert_int_equal(ipprefix_parse("10.1.0.0/16", 11, false, &q, NULL, 0), 0);
	assert_true(ipprefix_covers(&p, &q));
	assert_false(ipprefix_covers(&q, &p));
	assert_true(ipprefix_covers(&p, &p));
	assert_int_equal(ipprefix_parse("11.0.0.0/16", 11, false, &q, NULL, 0), 0);
	assert_false(ipprefix_covers(&p, &q));
	assert_int_equal(ipprefix_parse("10.0.0.0/9", 10, false, &p, NULL, 0), 0);
	assert_int_equal(ipprefix_parse("10.128.0.0/16", 13, false, &q, NULL, 0), 0);
	assert_false(ipprefix_covers(&p, &q));   /* differs in the 9th bit */
	assert_int_equal(ipprefix_parse("0.0.0.0/0", 9, false, &p, NULL, 0), 0);
	assert_true(ipprefix_covers(&p, &q));
	assert_int_equal(ipprefix_parse("::/0", 4, false, &r, NULL, 0), 0);
	assert_false(ipprefix_covers(&r, &q));   /* families differ */
	assert_false(ipprefix_covers(&p, &r));
	assert_int_equal(ipprefix_parse("2001:db8::/32", 13, false, &p, NULL, 0), 0);
	assert_int_equal(ipprefix_parse("2001:db8:ffff::1", 16, true, &q, NULL, 0), 0);
	assert_true(ipprefix_covers(&p, &q));
	assert_true(ipprefix_covers(&r, &q));
	assert_true(ipprefix_covers(&q, &q));
	assert_int_equal(ipprefix_parse("2001:db9::1", 11, true, &q, NULL, 0), 0);
	assert_false(ipprefix_covers(&p, &q));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_make_text_covers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
