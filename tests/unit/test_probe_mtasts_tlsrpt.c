/* test_probe_mtasts_tlsrpt.c: the MTA-STS and TLS-RPT verdicts from a canned zone and canned
 * policy fetches. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "catalogue.h"
#include "probe.h"

#include "dnsfake.h"
#include "ncsc.h"
#include "tlsfake.h"

/*                       avail vers ciph ord kex hash comp sec cli chain key sig dom dexist dvalid droll sts rpt */
static void
test_mtasts_tlsrpt(void **state)
{
	static const char zone[] = ZONE_BASE
	    "_mta-sts.d.test. TXT \"v=STSv1; id=20261129\"\n"
	    "mta-sts.d.test. A 192.0.2.80\n"
	    "_smtp._tls.d.test. TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@d.test\"\n";
	struct tlsfake t = { .policy = "version: STSv1\nmode: enforce\nmx: mx.d.test\n"
	    "max_age: 604800\n" };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_MTASTS]->status, PEIL__STATUS__PASSED);
	assert_int_equal(res[TEST_MAIL_TLSRPT]->status, PEIL__STATUS__PASSED);
	assert_string_equal(ev(res[TEST_MAIL_TLSRPT], "rua"), "mailto:tlsrpt@d.test");
	free_results(res);

	t.policy = "version: STSv1\nmode: testing\nmx: *.d.test\nmax_age: 604800\n";
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_MTASTS]->status, PEIL__STATUS__WARNING);
	free_results(res);

	t.policy = "version: STSv1\nmode: enforce\nmx: mail.d.test\nmax_age: 604800\n";
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_MTASTS]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_MTASTS], "do not cover: mx.d.test");
	free_results(res);

	t.policy = "version: STSv1\nmode: enforce\nmx: mx.d.test\nmax_age: 604800\n";
	t.ctype = "text/html";
	run_tls(&z, NULL, res);
	has_reason(res[TEST_MAIL_MTASTS], "not text/plain");
	free_results(res);

	t.ctype = NULL;
	t.policy = NULL;
	run_tls(&z, NULL, res);
	has_reason(res[TEST_MAIL_MTASTS], "could not be fetched");
	free_results(res);

	t.policy = "version: STSv1\nmode: sometimes\nmx: mx.d.test\nmax_age: 604800\n";
	run_tls(&z, NULL, res);
	has_reason(res[TEST_MAIL_MTASTS], "the policy is invalid");
	free_results(res);
}

/* Two v=STSv1 records (RFC 8461 3.1: no policy) and two v=TLSRPTv1 records (RFC 8460 3: no
 * reporting): both tests failed with the reason; the run itself succeeds (a status, not an
 * error: "several" once read as PEIL_ENOMEM and the domain was never kept). */
static void
test_two_records(void **state)
{
	static const char zone[] = ZONE_BASE
	    "_mta-sts.d.test. TXT \"v=STSv1; id=20261129\"\n"
	    "_mta-sts.d.test. TXT \"v=STSv1; id=20261130\"\n"
	    "mta-sts.d.test. A 192.0.2.80\n"
	    "_smtp._tls.d.test. TXT \"v=TLSRPTv1; rua=mailto:a@d.test\"\n"
	    "_smtp._tls.d.test. TXT \"v=TLSRPTv1; rua=mailto:b@d.test\"\n";
	struct tlsfake t = { .policy = "version: STSv1\nmode: enforce\nmx: mx.d.test\n"
	    "max_age: 604800\n" };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	expect_all(res, "PPPPPPPPPPPPPFNNFF");
	has_reason(res[TEST_MAIL_MTASTS], "several MTA-STS records");
	has_reason(res[TEST_MAIL_TLSRPT], "several TLS-RPT records");
	free_results(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mtasts_tlsrpt),
		cmocka_unit_test(test_two_records),
	};

	return cmocka_run_group_tests(tests, make_cert, free_cert);
}
