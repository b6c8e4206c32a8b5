/* test_probe_dane.c: the DANE verdicts (mail_starttls_dane_*) from a canned zone and canned
 * TLS engine reports. */
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
test_dane(void **state)
{
	char zone[2048];
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* a matching DANE-EE record: exist and valid pass; one record: no rollover (info) */
	snprintf(zone, sizeof(zone), ZONE_BASE "_25._tcp.mx.d.test. TLSA 3 1 1 %s\n", tlsa_hex);
	run_tls(&z, NULL, res);
	expect_all(res, "PPPPPPPPPPPPPPPIFF");
	free_results(res);

	/* two DANE-EE records, one of them matching: rollover passes */
	snprintf(zone, sizeof(zone), ZONE_BASE "_25._tcp.mx.d.test. TLSA 3 1 1 %s\n"
	    "_25._tcp.mx.d.test. TLSA 3 1 1 %064d\n", tlsa_hex, 1);
	run_tls(&z, NULL, res);
	expect_all(res, "PPPPPPPPPPPPPPPPFF");
	free_results(res);

	/* a wrong record: valid fails */
	snprintf(zone, sizeof(zone), ZONE_BASE "_25._tcp.mx.d.test. TLSA 3 1 1 %064d\n", 7);
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_VALID]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_STARTTLS_DANE_VALID], "mx.d.test [192.0.2.25]");
	free_results(res);

	/* the record in an unsigned zone: no DANE */
	snprintf(zone, sizeof(zone), ZONE_BASE "_25._tcp.mx.d.test. TLSA 3 1 1 %s\n", tlsa_hex);
	z.insecure = "mx.d.test";
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__FAILED);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_VALID]->status, PEIL__STATUS__NOT_TESTED);
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"), "insecure"));
	free_results(res);

	/* bogus */
	z.insecure = NULL;
	z.bogus = "_25._tcp.mx.d.test";
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__FAILED);
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"), "bogus"));
	free_results(res);
}

/* The MX host's address lookup fails (SERVFAIL: a CNAME loop, a broken zone): DANE starts
 * from the address resolution (RFC 7672 2.2.1-2.2.2), so dane_exist is an error with the
 * reason, not "no TLSA record". */
static void
test_dane_address_fails(void **state)
{
	static const char zone[] = "d.test. SOA ns.test. h.test. 1 2 3 4 5\n"
	    "d.test. MX 10 mx.d.test.\n";
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t, .servfail = "mx.d.test" };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__ERROR);
	has_reason(res[TEST_MAIL_STARTTLS_DANE_EXIST], "address lookup failed");
	has_reason(res[TEST_MAIL_STARTTLS_DANE_EXIST], "SERVFAIL");
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_ROLLOVER]->status, PEIL__STATUS__NOT_TESTED);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_VALID]->status, PEIL__STATUS__ERROR);
	assert_int_equal(t.calls, 0);
	free_results(res);

	/* one family resolves: DANE is decided from the TLSA set as before */
	z.zone = ZONE_BASE;
	z.servfail = NULL;
	z.timeout = NULL;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_STARTTLS_DANE_EXIST], "no DNSSEC-secure TLSA record");
	free_results(res);
}

/* The MX host is a CNAME (RFC 7672 2.2.2): after a secure expansion TLSA is looked up at the
 * expanded name first, then at the host's own; after an insecure one at the host's only. */
static void
test_dane_cname(void **state)
{
	char zone[2048];
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* TLSA at the expanded name: used */
	snprintf(zone, sizeof(zone), "d.test. SOA ns.test. h.test. 1 2 3 4 5\n"
	    "d.test. MX 10 mx.d.test.\n"
	    "mx.d.test. CNAME mail.e.test.\n"
	    "mail.e.test. A 192.0.2.25\n"
	    "mail.e.test. AAAA 2001:db8::25\n"
	    "_25._tcp.mail.e.test. TLSA 3 1 1 %s\n", tlsa_hex);
	run_tls(&z, NULL, res);
	expect_all(res, "PPPPPPPPPPPPPPPIFF");
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"),
	    "_25._tcp.mail.e.test"));
	assert_int_equal(t.calls, 2);
	free_results(res);

	/* TLSA at the host's own name only: the expanded name has none, the original is used */
	snprintf(zone, sizeof(zone), "d.test. SOA ns.test. h.test. 1 2 3 4 5\n"
	    "d.test. MX 10 mx.d.test.\n"
	    "mx.d.test. CNAME mail.e.test.\n"
	    "mail.e.test. A 192.0.2.25\n"
	    "_25._tcp.mx.d.test. TLSA 3 1 1 %s\n", tlsa_hex);
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__PASSED);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_VALID]->status, PEIL__STATUS__PASSED);
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"),
	    "_25._tcp.mx.d.test: 1 TLSA"));
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"),
	    "_25._tcp.mail.e.test: no TLSA record"));
	free_results(res);

	/* an insecure expansion: the expanded name's TLSA is not looked at */
	snprintf(zone, sizeof(zone), "d.test. SOA ns.test. h.test. 1 2 3 4 5\n"
	    "d.test. MX 10 mx.d.test.\n"
	    "mx.d.test. CNAME mail.e.test.\n"
	    "mail.e.test. A 192.0.2.25\n"
	    "_25._tcp.mail.e.test. TLSA 3 1 1 %s\n", tlsa_hex);
	z.insecure = "mx.d.test";
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__FAILED);
	assert_null(strstr(ev(res[TEST_MAIL_STARTTLS_DANE_EXIST], "tlsa_1"), "mail.e.test"));
	free_results(res);
}

/* An address that found no connection slot in time: DANE cannot be validated there, so
 * dane_valid is an error naming it (not a pass on the other address alone); a host without
 * DANE has nothing to validate, slot or not. */
static void
test_dane_no_slot(void **state)
{
	static const struct canned_tls c[] = { { "192.0.2.25", NO_SLOT } };
	char zone[2048];
	struct tlsfake t = { .c = c, .n = 1 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	snprintf(zone, sizeof(zone), ZONE_BASE "_25._tcp.mx.d.test. TLSA 3 1 1 %s\n", tlsa_hex);
	run_tls(&z, NULL, res);
	expect_all(res, "EEEEEEEEEEEEEPEIFF");
	has_reason(res[TEST_MAIL_STARTTLS_DANE_VALID], "mx.d.test [192.0.2.25]: not tried: no "
	    "free connection slot for 192.0.2.25");
	free_results(res);

	snprintf(zone, sizeof(zone), "%s", ZONE_BASE);
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_EXIST]->status, PEIL__STATUS__FAILED);
	assert_int_equal(res[TEST_MAIL_STARTTLS_DANE_VALID]->status, PEIL__STATUS__NOT_TESTED);
	free_results(res);
}

/* The run asks ahead what it is about to look up one question after another: the MX set
 * with the SOA, then every MX host's addresses and TLSA set at once; nothing it then does
 * not ask. */
static void
test_prefetch(void **state)
{
	char zone[2048], *tok, *save = NULL;
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	snprintf(zone, sizeof(zone), ZONE_BASE "mx2.d.test. A 192.0.2.26\n"
	    "d.test. MX 20 mx2.d.test.\n_25._tcp.mx.d.test. TLSA 3 1 1 %s\n", tlsa_hex);
	run_tls(&z, NULL, res);
	assert_string_equal(z.prefetched, "MX d.test;A mx.d.test;A mx2.d.test;AAAA mx.d.test;"
	    "AAAA mx2.d.test;TLSA _25._tcp.mx.d.test;TLSA _25._tcp.mx2.d.test;");
	for (tok = strtok_r(z.prefetched, ";", &save); tok != NULL; tok = strtok_r(NULL, ";", &save)) {
		char q[300];

		snprintf(q, sizeof(q), "%s;", tok);
		if (strstr(z.asked, q) == NULL)
			fail_msg("prefetched but never asked: %s (asked: %s)", tok, z.asked);
	}
	free_results(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dane),
		cmocka_unit_test(test_prefetch),
		cmocka_unit_test(test_dane_address_fails),
		cmocka_unit_test(test_dane_cname),
		cmocka_unit_test(test_dane_no_slot),
	};

	return cmocka_run_group_tests(tests, make_cert, free_cert);
}
