/* test_probe_dnssec.c: the DNSSEC verdicts of the MX hosts' zones, from a canned zone (the
 * domain's own zone: test_probe_run.c). */
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
test_mx_dnssec(void **state)
{
	static const int ids[] = { TEST_MAIL_DNSSEC_MX_EXIST, TEST_MAIL_DNSSEC_MX_VALID };
	static const struct {
		const char *zone, *insecure, *bogus;
		char exist, valid;
		const char *reason;
	} v[] = {
		{ "d.test. MX 10 mx.d.test.\nmx.d.test. A 192.0.2.1", NULL, NULL, 'P', 'P', NULL },
		{ "d.test. MX 10 mx.u.test.\nmx.u.test. A 192.0.2.1", "u.test", NULL, 'F', 'N',
		  "unsigned zones: mx.u.test" },
		{ "d.test. MX 10 mx.b.test.\nmx.b.test. A 192.0.2.1", NULL, "b.test", 'P', 'F',
		  "bogus" },
		{ "d.test. MX 10 mx.d.test.\nd.test. MX 20 mx.u.test.\nmx.d.test. A 192.0.2.1\n"
		  "mx.u.test. A 192.0.2.2", "u.test", NULL, 'F', 'P', "1 of 2 MX" },
		{ "d.test. MX 10 mx.b.test.\nd.test. MX 20 mx.u.test.\nmx.b.test. A 192.0.2.1\n"
		  "mx.u.test. A 192.0.2.2", "u.test", "b.test", 'F', 'F', "unsigned" },
		/* internet.nl's null-MX variants: info without A/AAAA, not tested with them; a
		 * null MX among others is a warning and its servers are not tested */
		{ "d.test. MX 0 .", NULL, NULL, 'I', 'N', "null MX" },
		{ "d.test. MX 0 .\nd.test. A 192.0.2.1", NULL, NULL, 'N', 'N', "null MX" },
		{ "d.test. A 192.0.2.1", NULL, NULL, 'N', 'N', "no MX records" },
		{ "d.test. A 192.0.2.1\nd.test. TXT \"v=spf1 -all\"", NULL, NULL, 'I', 'N',
		  "no MX and no null MX" },
		{ "d.test. MX 0 .\nd.test. MX 10 mx.d.test.\nmx.d.test. A 192.0.2.1", NULL, NULL, 'W',
		  'N', "null MX among other MX" },
	};
	Peil__Result *res[TEST_COUNT];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char zone[1024];
		struct zonefake z = { 0 };

		snprintf(zone, sizeof(zone), "d.test. SOA ns.test. h.test. 1 2 3 4 5\n%s", v[i].zone);
		z.zone = zone;
		z.insecure = v[i].insecure;
		z.bogus = v[i].bogus;
		run(&z, true, false, "d.test", ids, 2, res);
		if (!expect(res[ids[0]], v[i].exist, v[i].exist == 'P' ? "" : v[i].reason) ||
		    !expect(res[ids[1]], v[i].valid, (v[i].exist == 'P' || v[i].exist == 'N') && v[i].valid != 'P' ?
		    v[i].reason : NULL))
			fail_msg("MX DNSSEC vector %zu", i);
		free_results(res);
	}
	/* The null MX beside another is named in evidence. */
	{
		struct zonefake z = { .zone = "d.test. MX 0 .\nd.test. MX 10 mx.d.test.\n"
		    "mx.d.test. A 192.0.2.1" };

		run(&z, true, false, "d.test", ids, 2, res);
		assert_non_null(strstr(ev(res[ids[0]], "null_mx"), "a null MX among 1 other MX"));
		free_results(res);
	}
	/* No MX: the implicit MX is noted. */
	{
		struct zonefake z = { .zone = "d.test. A 192.0.2.1\nd.test. AAAA 2001:db8::1" };

		run(&z, true, false, "d.test", ids, 2, res);
		assert_string_equal(ev(res[ids[0]], "implicit_mx_aaaa"), "2001:db8::1");
		free_results(res);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mx_dnssec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
