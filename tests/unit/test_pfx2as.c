/* test_pfx2as.c: CAIDA pfx2as and `bgpdump -m` lines: routes, origins (multi-origin, AS
 * sets, the AS path's last AS), lines skipped, and every error with its line number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "pfx2as.h"

/* Parses one line; expects a route with prefix and the origins (0-terminated), or a skip
 * when pfx is NULL. */
static void
ok(enum pfx2as_kind k, const char *line, const char *pfx, ...)
{
	struct pfx2as_route r;
	enum pfx2as_line kind;
	char why[200], t[IPPREFIX_TEXT_LEN];
	va_list ap;
	uint32_t as;
	size_t n = 0;
	int rc = pfx2as_parse_line(k, (const uint8_t *)line, strlen(line), &kind, &r, why,
	    sizeof(why));

	if (rc != 0)
		fail_msg("\"%s\": %s", line, why);
	if (pfx == NULL) {
		assert_int_equal(kind, PFX2AS_LINE_SKIP);
		return;
	}
	assert_int_equal(kind, PFX2AS_LINE_ROUTE);
	ipprefix_text(&r.prefix, t);
	assert_string_equal(t, pfx);
	va_start(ap, pfx);
	/* the list ends at a 0 after the first origin (which may be AS 0) */
	while ((as = va_arg(ap, uint32_t)) != 0 || n == 0) {
		if (n >= r.norigins || r.origins[n] != as)
			fail_msg("\"%s\": origin %zu: want %u", line, n, as);
		n++;
	}
	va_end(ap);
	assert_int_equal(r.norigins, n);
}

static void
bad(enum pfx2as_kind k, const char *line, const char *want)
{
	struct pfx2as_route r;
	enum pfx2as_line kind;
	char why[200];

	assert_int_equal(pfx2as_parse_line(k, (const uint8_t *)line, strlen(line), &kind, &r, why,
	    sizeof(why)), PEIL_EINVAL);
	assert_string_equal(why, want);
	assert_int_equal(kind, PFX2AS_LINE_SKIP);
}

#define A(x) ((uint32_t)(x))

static void
test_caida(void **state)
{
	(void)state;
	ok(PFX2AS_CAIDA, "1.0.0.0\t24\t13335", "1.0.0.0/24", A(13335), A(0));
	ok(PFX2AS_CAIDA, "2001:db8::\t32\t64496", "2001:db8::/32", A(64496), A(0));
	ok(PFX2AS_CAIDA, "192.0.2.0 24  64497_64496", "192.0.2.0/24", A(64496), A(64497), A(0));
	/* an AS set ("a,b"): origin NONE (RFC 6811 2.), written 0 */
	ok(PFX2AS_CAIDA, "192.0.2.0\t24\t64498,64497_64496,64498\r", "192.0.2.0/24", A(0),
	    A(0));
	ok(PFX2AS_CAIDA, "192.0.2.0\t24\t64498,64497_64496\r", "192.0.2.0/24", A(0), A(64496),
	    A(0));
	ok(PFX2AS_CAIDA, "0.0.0.0\t0\t5_0", "0.0.0.0/0", A(0), A(5), A(0));
	ok(PFX2AS_CAIDA, "  \t", NULL);
	ok(PFX2AS_CAIDA, "", NULL);
	ok(PFX2AS_CAIDA, "# comment\t1\t2", NULL);
	ok(PFX2AS_CAIDA, "10.0.0.0\t8\t4294967295", "10.0.0.0/8", A(4294967295u), A(0));
	ok(PFX2AS_CAIDA, "10.0.0.0\t8\t1.0", "10.0.0.0/8", A(65536), A(0));
}

static void
test_caida_bad(void **state)
{
	char line[MAX_ROUTE_LINE + 2];

	(void)state;
	bad(PFX2AS_CAIDA, "192.0.2.0\t33\t1", "prefix length 33 too long for IPv4");
	bad(PFX2AS_CAIDA, "2001:db8::\t129\t1", "prefix length 129 too long for IPv6");
	bad(PFX2AS_CAIDA, "192.0.2.1\t24\t1", "host bits set past /24");
	bad(PFX2AS_CAIDA, "192.0.2.0\t24\t4294967296", "AS number over 4294967295");
	bad(PFX2AS_CAIDA, "192.0.2.0\t24\t99999999999", "bad AS number");
	bad(PFX2AS_CAIDA, "192.0.2.0\t24\t65536.0", "AS number over 65535.65535");
	bad(PFX2AS_CAIDA, "192.0.2.0\t24\t1__2", "empty AS number");
	bad(PFX2AS_CAIDA, "192.0.2.0\t24\t1_", "empty AS number");
	bad(PFX2AS_CAIDA, "192.0.2.0\t24\t-1", "bad AS number");
	bad(PFX2AS_CAIDA, "192.0.2.0\t24", "2 fields, not 3 (prefix, length, AS)");
	bad(PFX2AS_CAIDA, "192.0.2.0\t24\t1\t2", "more than 3 fields");
	bad(PFX2AS_CAIDA, "192.0.2.0/24\t1", "2 fields, not 3 (prefix, length, AS)");
	bad(PFX2AS_CAIDA, "192.0.2\t24\t1", "not an address");
	bad(PFX2AS_CAIDA, "192.0.2.0\tx\t1", "bad prefix length");
	bad(PFX2AS_CAIDA, "192.0.2.0\t\xff\t1", "bad prefix length");
	memset(line, '1', sizeof(line));
	memcpy(line, "10.0.0.0\t8\t", 11);
	line[MAX_ROUTE_LINE + 1] = '\0';
	bad(PFX2AS_CAIDA, line, "line longer than 4096 bytes");
	line[MAX_ROUTE_LINE] = '\0';   /* exactly MAX_ROUTE_LINE: judged on its content */
	bad(PFX2AS_CAIDA, line, "bad AS number");
}

static void
test_bgpdump_lines(void **state)
{
	(void)state;
	ok(PFX2AS_BGPDUMP, "TABLE_DUMP2|1700000000|B|192.0.2.1|64496|198.51.100.0/24|64496 "
	    "64497|IGP|192.0.2.1|0|0|64496:1|NAG||", "198.51.100.0/24", A(64497), A(0));
	ok(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|2001:db8::1|4200000000|2001:db8::/32|"
	    "4200000000 {64500,64499,64500}|IGP|::|0|0||NAG||", "2001:db8::/32", A(0), A(0));
	/* a set inside the path, then a sequence: the last AS counts */
	ok(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|1|10.0.0.0/8|1 {2,3} 4|IGP",
	    "10.0.0.0/8", A(4), A(0));
	/* empty path, final confederation segments: the peer's AS */
	ok(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|64496|10.0.0.0/8||IGP", "10.0.0.0/8",
	    A(64496), A(0));
	ok(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|64496|10.0.0.0/8|1 (2 3)|IGP",
	    "10.0.0.0/8", A(64496), A(0));
	ok(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|64496|10.0.0.0/8|(7) 1 [2,3]|IGP",
	    "10.0.0.0/8", A(64496), A(0));
	ok(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|64496|10.0.0.0/8|(7) 1|IGP",
	    "10.0.0.0/8", A(1), A(0));
	ok(PFX2AS_BGPDUMP, "TABLE_DUMP|1|B|192.0.2.1|64496|10.0.0.0/8|64496 23456|IGP",
	    "10.0.0.0/8", A(23456), A(0));
	ok(PFX2AS_BGPDUMP, "BGP4MP|1|STATE|192.0.2.1|64496|1|6", NULL);
	ok(PFX2AS_BGPDUMP, "BGP4MP|1|A|192.0.2.1|64496|10.0.0.0/8|1 2|IGP", NULL);
	ok(PFX2AS_BGPDUMP, "# a comment", NULL);
}

static void
test_bgpdump_bad(void **state)
{
	(void)state;
	bad(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|1|10.0.0.0/33|1|IGP",
	    "prefix length 33 too long for IPv4");
	bad(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|1|10.0.0.1/8|1|IGP",
	    "host bits set past /8");
	bad(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|1|10.0.0.0/8|1 4294967296|IGP",
	    "AS number over 4294967295");
	bad(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|1|10.0.0.0/8|1 {2,3|IGP",
	    "AS path: unclosed '{'");
	bad(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|1|10.0.0.0/8|1 {}|IGP",
	    "AS path: empty segment");
	bad(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|1|10.0.0.0/8|1 {2,x}|IGP",
	    "bad AS number");
	bad(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|W|192.0.2.1|1|10.0.0.0/8|1|IGP",
	    "not a RIB entry (field 3 is not B)");
	bad(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|1|10.0.0.0/8", "6 fields, fewer than 7");
	bad(PFX2AS_BGPDUMP, "TABLE_DUMP2|1|B|192.0.2.1|x|10.0.0.0/8|1|IGP", "bad AS number");
	bad(PFX2AS_BGPDUMP, "1.0.0.0\t24\t13335", "not a bgpdump -m line (TABLE_DUMP2|...)");
}

struct count {
	size_t n;
	uint32_t last;
};

static int
count_cb(void *arg, const struct pfx2as_route *r)
{
	struct count *c = arg;

	c->n++;
	c->last = r->origins[0];
	return c->n == 100 ? PEIL_ETOOBIG : 0;
}

static void
test_file(void **state)
{
	static const char f[] = "# header\n1.0.0.0\t24\t1\n\n2.0.0.0\t8\t2\r\n3.0.0.0\t8\t3";
	static const char g[] = "1.0.0.0\t24\t1\n2.0.0.0\t8\t2\n3.0.0.1\t8\t3\n4.0.0.0\t8\t4\n";
	struct count c = { 0, 0 };
	char why[200];
	size_t line;

	(void)state;
	assert_int_equal(pfx2as_parse(PFX2AS_CAIDA, (const uint8_t *)f, strlen(f), count_cb, &c,
	    &line, why, sizeof(why)), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.last, 3);
	assert_int_equal(line, 5);
	c.n = 0;
	assert_int_equal(pfx2as_parse(PFX2AS_CAIDA, (const uint8_t *)g, strlen(g), count_cb, &c,
	    &line, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(line, 3);
	assert_string_equal(why, "host bits set past /8");
	assert_int_equal(c.n, 2);
	/* a NUL inside a line is not a line end, nor the address's end */
	c.n = 0;
	assert_int_equal(pfx2as_parse(PFX2AS_CAIDA, (const uint8_t *)"1.0.0.0\0\t24\t1\n", 14,
	    count_cb, &c, &line, why, sizeof(why)), PEIL_EINVAL);
	assert_int_equal(line, 1);
	assert_string_equal(why, "not an address");
	/* the callback's error stops the parse at its line */
	{
		char big[100 * 16 + 1];
		size_t o = 0;

		for (int i = 0; i < 100; i++)
			o += (size_t)snprintf(big + o, sizeof(big) - o, "10.0.%d.0\t24\t%d\n", i, i);
		c.n = 0;
		assert_int_equal(pfx2as_parse(PFX2AS_CAIDA, (const uint8_t *)big, o, count_cb, &c,
		    &line, why, sizeof(why)), PEIL_ETOOBIG);
		assert_int_equal(line, 100);
	}
}

static void
test_add_origin(void **state)
{
	struct pfx2as_route r;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (uint32_t i = 40; i > 0; i--)
		pfx2as_add_origin(&r, i * 3 % 41);
	assert_int_equal(r.norigins, MAX_ROUTE_ORIGINS);
	assert_true(r.origins_cut);
	for (uint32_t i = 0; i < MAX_ROUTE_ORIGINS; i++)
		assert_int_equal(r.origins[i], i + 1);
	memset(&r, 0, sizeof(r));
	for (uint32_t i = 0; i < MAX_ROUTE_ORIGINS; i++)
		pfx2as_add_origin(&r, 7 * (i + 1));
	pfx2as_add_origin(&r, 14);
	assert_false(r.origins_cut);
	pfx2as_add_origin(&r, 1000);
	assert_true(r.origins_cut);
	assert_int_equal(r.origins[MAX_ROUTE_ORIGINS - 1], 7 * MAX_ROUTE_ORIGINS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caida),
		cmocka_unit_test(test_caida_bad),
		cmocka_unit_test(test_bgpdump_lines),
		cmocka_unit_test(test_bgpdump_bad),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_add_origin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
