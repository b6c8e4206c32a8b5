/* test_probe_ipv6.c: the IPv6 reachability verdicts, from a canned zone and canned tries (the
 * address tests: test_probe_run.c). */
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

static void
test_reach(void **state)
{
	static const int ids[] = { TEST_WEB_IPV6_NS_REACH, TEST_MAIL_IPV6_NS_REACH,
	    TEST_MAIL_IPV6_MX_REACH, TEST_WEB_IPV6_WS_REACH };
	static const char zone[] =
	    "d.test. NS ns1.d.test.\nd.test. NS ns2.d.test.\n"
	    "ns1.d.test. AAAA 2001:db8::53\nns2.d.test. AAAA 2001:db8::54\nns2.d.test. A 192.0.2.54\n"
	    "d.test. MX 10 mx.d.test.\nd.test. MX 20 mx2.d.test.\n"
	    "mx.d.test. AAAA 2001:db8::25\nmx2.d.test. AAAA 2001:db8::26\nmx2.d.test. AAAA 2001:db8::27\n"
	    "d.test. AAAA 2001:db8::80\nd.test. AAAA 2001:db8::81\n";
	struct zonefake z = { .zone = zone };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run(&z, true, false, "d.test", ids, 4, res);
	for (int i = 0; i < 4; i++)
		assert_true(expect(res[ids[i]], 'P', ""));
	assert_int_equal(z.reach_items, 2 + 3 + 4);
	assert_non_null(strstr(ev(res[TEST_MAIL_IPV6_MX_REACH], "try_3"), "mx2.d.test "
	    "[2001:db8::27]:25: connected"));
	free_results(res);

	/* One MX address down; the web server answers on 443 only at one address. */
	z.reach_fail = "2001:db8::27;2001:db8::80:80;2001:db8::81";
	run(&z, true, false, "d.test", ids, 4, res);
	assert_true(expect(res[TEST_MAIL_IPV6_MX_REACH], 'F', "mx2.d.test [2001:db8::27]"));
	assert_true(expect(res[TEST_WEB_IPV6_WS_REACH], 'F', "1 IPv6 address(es) of the web "
	    "server not reachable on TCP 80 nor 443: d.test [2001:db8::81]"));
	assert_true(expect(res[TEST_WEB_IPV6_NS_REACH], 'P', ""));
	free_results(res);

	z.reach_fail = "2001:db8::54";
	run(&z, true, false, "d.test", ids, 4, res);
	assert_true(expect(res[TEST_WEB_IPV6_NS_REACH], 'F', "ns2.d.test [2001:db8::54]"));
	assert_true(expect(res[TEST_MAIL_IPV6_NS_REACH], 'F', "ns2.d.test [2001:db8::54]"));
	free_results(res);

	/* No IPv6 at this vantage. */
	z.reach_items = 0;
	run(&z, false, false, "d.test", ids, 4, res);
	for (int i = 0; i < 4; i++)
		assert_true(expect(res[ids[i]], 'N', "this vantage has no IPv6"));
	assert_int_equal(z.reach_items, 0);
	free_results(res);

	/* Nothing with IPv6; a null MX. */
	{
		struct zonefake z4 = { .zone = "d.test. NS ns1.d.test.\nns1.d.test. A 192.0.2.53\n"
		    "d.test. MX 0 .\nd.test. A 192.0.2.80" };

		run(&z4, true, false, "d.test", ids, 4, res);
		assert_true(expect(res[TEST_WEB_IPV6_NS_REACH], 'N', "no name server has an IPv6"));
		assert_true(expect(res[TEST_MAIL_IPV6_MX_REACH], 'N', "null MX"));
		assert_true(expect(res[TEST_WEB_IPV6_WS_REACH], 'N', "no web server has an IPv6"));
		assert_int_equal(z4.reach_items, 0);
		free_results(res);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
