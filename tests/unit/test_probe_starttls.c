/* test_probe_starttls.c: the STARTTLS verdicts from a canned zone and canned TLS engine
 * reports (the engine itself: test_tls.c; the lab: real Postfix). */
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
test_good_server(void **state)
{
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	expect_all(res, "PPPPPPPPPPPPPFNNFF");
	assert_int_equal(t.calls, 2);        /* both addresses */
	assert_string_equal(res[TEST_MAIL_STARTTLS_TLS_VERSION]->guideline, "ncsc-tls-2025-05");
	has_reason(res[TEST_MAIL_STARTTLS_DANE_EXIST], "mx.d.test");
	has_reason(res[TEST_MAIL_MTASTS], "no MTA-STS record");
	has_reason(res[TEST_MAIL_TLSRPT], "no TLS-RPT record");
	free_results(res);
}

static void
test_legacy_and_guidelines(void **state)
{
	static const struct canned_tls c[] = { { "192.0.2.25", LEGACY } };
	struct tlsfake t = { .c = c, .n = 1 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	/* TLS 1.0 and 3DES are insufficient in 2025-05; SHA-1 too; trust is info-level without
	 * DANE-TA. The client's order between a sufficient and an insufficient suite is no order
	 * fault in 2025-05 (only phase-out below sufficient and good is compared). */
	/* internet.nl: for mail a weak key-exchange hash is a notice (warning), not a failure */
	expect_all(res, "PFFPPWPPPIPPPFNNFF");
	has_reason(res[TEST_MAIL_STARTTLS_TLS_VERSION], "mx.d.test [192.0.2.25]: TLS 1.0 (insufficient)");
	has_reason(res[TEST_MAIL_STARTTLS_TLS_CIPHERS], "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	{
		const char *a1 = ev(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER], "addr_1");
		const char *a2 = ev(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER], "addr_2");

		assert_true((a1 != NULL && strstr(a1, "192.0.2.25]: TLS 1.0: the server follows "
		    "the client's order") != NULL) || (a2 != NULL && strstr(a2, "192.0.2.25]: "
		    "TLS 1.0: the server follows the client's order") != NULL));
	}
	free_results(res);

	/* Under 2.1, TLS 1.0 is phase-out: a warning. */
	run_tls(&z, "ncsc-tls-2.1", res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_VERSION]->status, PEIL__STATUS__WARNING);
	assert_string_equal(res[TEST_MAIL_STARTTLS_TLS_VERSION]->guideline, "ncsc-tls-2.1");
	free_results(res);
}

/* The engine stopped before every step (a deadline): what it found cannot pass an
 * enumeration judge, and what it could not determine is an error, never not_tested. The
 * certificate, seen in the first handshake, is still judged. */
static void
test_engine_stopped(void **state)
{
	static const struct canned_tls c[] = { { "192.0.2.25", STOPPED } };
	struct tlsfake t = { .c = c, .n = 1 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];
	static const int enumerated[] = { TEST_MAIL_STARTTLS_TLS_VERSION,
	    TEST_MAIL_STARTTLS_TLS_CIPHERS, TEST_MAIL_STARTTLS_TLS_CIPHERORDER,
	    TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE, TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH,
	    TEST_MAIL_STARTTLS_TLS_COMPRESS, TEST_MAIL_STARTTLS_TLS_CLIENTRENEG };

	(void)state;
	run_tls(&z, NULL, res);
	for (size_t i = 0; i < sizeof(enumerated) / sizeof(enumerated[0]); i++) {
		assert_int_equal(res[enumerated[i]]->status, PEIL__STATUS__ERROR);
		has_reason(res[enumerated[i]], "mx.d.test [192.0.2.25]: incomplete: the TLS "
		    "engine stopped before every step was done (deadline reached)");
	}
	/* secure renegotiation was seen (1), the certificate too */
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_SECRENEG]->status, PEIL__STATUS__PASSED);
	assert_int_equal(res[TEST_MAIL_STARTTLS_CERT_PUBKEY]->status, PEIL__STATUS__PASSED);
	assert_int_equal(res[TEST_MAIL_STARTTLS_CERT_SIG]->status, PEIL__STATUS__PASSED);
	free_results(res);

	/* a fault seen before the stop is still a fault */
	{
		static const struct canned_tls two[] = { { "192.0.2.25", STOPPED },
		    { "2001:db8::25", LEGACY } };

		t.c = two;
		t.n = 2;
		run_tls(&z, NULL, res);
		assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_VERSION]->status, PEIL__STATUS__FAILED);
		free_results(res);
	}
}

/* internet.nl's check_pubkey judges every certificate sent but a root: an RSA-1024
 * intermediate under a good leaf fails the key test; the RSA-1024 self-signed root is not
 * judged. */
static void
test_chain_keys(void **state)
{
	static const struct canned_tls c[] = { { "192.0.2.25", WEAK_CHAIN },
	    { "2001:db8::25", WEAK_CHAIN } };
	struct tlsfake t = { .c = c, .n = 2 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];
	const char *line;

	(void)state;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_CERT_PUBKEY]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_STARTTLS_CERT_PUBKEY], "certificate 2: RSA 1024 bits");
	line = ev(res[TEST_MAIL_STARTTLS_CERT_PUBKEY], "addr_1");
	assert_non_null(strstr(line, "certificate 1: EC 256 bits prime256v1"));
	assert_non_null(strstr(line, "a self-signed root (its key is not judged)"));
	assert_null(strstr(line, "certificate 3"));
	free_results(res);
}

static void
test_availability(void **state)
{
	static const struct canned_tls nostls[] = { { "2001:db8::25", NO_STARTTLS } };
	static const struct canned_tls silent[] = { { "2001:db8::25", SILENT } };
	struct tlsfake t = { .c = nostls, .n = 1 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE], "no TLS on 1 of 2 mail server address(es): "
	    "mx.d.test [2001:db8::25]");
	/* the other address is still judged */
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_VERSION]->status, PEIL__STATUS__PASSED);
	free_results(res);

	t.c = silent;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE]->status, PEIL__STATUS__ERROR);
	free_results(res);
}

static void
test_cipher_order(void **state)
{
	static const struct canned_tls c[] = { { "192.0.2.25", WEAK_ORDER },
	    { "2001:db8::25", WEAK_ORDER } };
	static const struct canned_tls po[] = { { "192.0.2.25", PHASE_ORDER },
	    { "2001:db8::25", PHASE_ORDER } };
	static const struct canned_tls cp[] = { { "192.0.2.25", CLIENT_PHASE },
	    { "2001:db8::25", CLIENT_PHASE } };
	struct tlsfake t = { .c = c, .n = 2 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	/* 2025-05: an insufficient suite (AES-CBC-SHA1) preferred over a sufficient one is not
	 * an order fault (internet.nl's test_cipher_order compares phase-out with sufficient and
	 * good only; the suite fails the ciphers test) */
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER]->status, PEIL__STATUS__PASSED);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CIPHERS]->status, PEIL__STATUS__FAILED);
	free_results(res);

	/* 2025-05: a phase-out suite (AES-CBC-SHA256) preferred over a sufficient one fails */
	t.c = po;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER], "TLS 1.2: "
	    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 (phase-out) preferred over "
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (sufficient)");
	free_results(res);

	/* ... and so does the client's order between them */
	t.c = cp;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER]->status, PEIL__STATUS__FAILED);
	has_reason(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER], "between sufficient and phase-out");
	free_results(res);

	/* 2.1: AES-CBC-SHA1 is sufficient there and GCM good: internet.nl's
	 * sufficient_above_good, which its build_report passes (result_good); the evidence shows
	 * the pair */
	t.c = c;
	run_tls(&z, "ncsc-tls-2.1", res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER]->status, PEIL__STATUS__PASSED);
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER], "addr_1"),
	    "(sufficient) preferred over"));
	free_results(res);

	/* the client's order between good and sufficient (2.1): passed, as above; between
	 * sufficient and insufficient (2025-05): not an order fault */
	{
		static const struct canned_tls co[] = { { "192.0.2.25", CLIENT_ORDER },
		    { "2001:db8::25", CLIENT_ORDER } };

		t.c = co;
		run_tls(&z, "ncsc-tls-2.1", res);
		assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER]->status,
		    PEIL__STATUS__PASSED);
		assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER], "addr_1"),
		    "between good and sufficient"));
		free_results(res);
		run_tls(&z, NULL, res);
		assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER]->status, PEIL__STATUS__PASSED);
		assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER], "addr_1"),
		    "follows the client's order"));
		free_results(res);
	}
	/* only the highest version below TLS 1.3 is judged; all good there: passed */
	{
		static const struct canned_tls g[] = { { "192.0.2.25", GOOD } };

		t.c = g;
		t.n = 1;
		run_tls(&z, "ncsc-tls-2.1", res);
		assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CIPHERORDER]->status, PEIL__STATUS__PASSED);
		free_results(res);
	}
}

/* internet.nl's ceilings: client-initiated renegotiation accepted is info; a key-exchange
 * hash that cannot be determined is info; trust is info even with DANE-TA published. */
static void
test_info_ceilings(void **state)
{
	static const struct canned_tls reneg[] = { { "192.0.2.25", RENEG } };
	static const struct canned_tls nosig[] = { { "192.0.2.25", NO_SIG } };
	static const struct canned_tls legacy[] = { { "192.0.2.25", LEGACY } };
	char zone[2048];
	struct tlsfake t = { .c = reneg, .n = 1 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CLIENTRENEG]->status, PEIL__STATUS__INFO);
	has_reason(res[TEST_MAIL_STARTTLS_TLS_CLIENTRENEG], "client-initiated renegotiation accepted");
	free_results(res);

	/* no signed key exchange seen: internet.nl's test_key_exchange_hash finds no weak hash
	 * used, good (its "unknown" is never produced) */
	t.c = nosig;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH]->status, PEIL__STATUS__PASSED);
	free_results(res);

	/* static RSA key exchange only: no DH parameters is internet.nl's result_no_dh_params,
	 * a pass (the ciphers test judges the suites), and nothing signed is no weak hash */
	{
		static const struct canned_tls rsa[] = { { "192.0.2.25", STATIC_RSA } };

		t.c = rsa;
		run_tls(&z, NULL, res);
		assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE]->status,
		    PEIL__STATUS__PASSED);
		assert_true(strstr(ev(res[TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE], "addr_1"),
		    "192.0.2.25]: no ECDHE or DHE key exchange: not applicable") != NULL ||
		    strstr(ev(res[TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE], "addr_2"),
		    "192.0.2.25]: no ECDHE or DHE key exchange: not applicable") != NULL);
		assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH]->status,
		    PEIL__STATUS__PASSED);
		assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_CIPHERS]->status, PEIL__STATUS__FAILED);
		free_results(res);
	}

	t.c = legacy;
	snprintf(zone, sizeof(zone), ZONE_BASE "_25._tcp.mx.d.test. TLSA 2 1 1 %064d\n", 5);
	z.zone = zone;
	run_tls(&z, NULL, res);
	assert_int_equal(res[TEST_MAIL_STARTTLS_CERT_CHAIN]->status, PEIL__STATUS__INFO);
	has_reason(res[TEST_MAIL_STARTTLS_CERT_CHAIN], "DANE-TA is published");
	free_results(res);
}

/* An MX with 50 addresses: MAX_STARTTLS_ADDRS of them are tried, and the evidence says so. */
static void
test_many_addresses(void **state)
{
	char zone[8192];
	size_t len;
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = zone, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	len = (size_t)snprintf(zone, sizeof(zone), "d.test. MX 10 mx.d.test.\n");
	for (int i = 1; i <= 50; i++)
		len += (size_t)snprintf(zone + len, sizeof(zone) - len, "mx.d.test. A 192.0.2.%d\n",
		    i);
	run_tls(&z, NULL, res);
	assert_int_equal(t.calls, MAX_STARTTLS_ADDRS);
	assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE]->status, PEIL__STATUS__PASSED);
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE], "addr_cut"),
	    "mx.d.test has 50 addresses; the first 8 tested"));
	free_results(res);
}

static void
test_null_mx(void **state)
{
	struct tlsfake t = { 0 };
	struct zonefake z = { .zone = "d.test. MX 0 .", .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	/* internet.nl: a null MX where the domain has no A/AAAA is info on the first test */
	expect_all(res, "INNNNNNNNNNNNNNNNN");
	has_reason(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE], "null MX");
	assert_int_equal(t.calls, 0);
	free_results(res);
}

/* The per-address TLS and certificate tests (all_ids from the second to the thirteenth). */
static void
all_tls_error(Peil__Result *res[TEST_COUNT], const char *part)
{
	for (size_t i = 1; i < 13; i++) {
		assert_int_equal(res[all_ids[i]]->status, PEIL__STATUS__ERROR);
		has_reason(res[all_ids[i]], part);
	}
}

/* One address of the MX found no connection slot in time (a shared mail host over
 * DEFAULT_TLS_PER_HOST connections): the engine never ran there, so no TLS test may pass on
 * the other address alone (each is an error that names it), and tls_available is an error, not
 * a failure (the server did nothing wrong). */
static void
test_no_slot(void **state)
{
	static const struct canned_tls c[] = { { "192.0.2.25", NO_SLOT } };
	struct tlsfake t = { .c = c, .n = 1 };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	run_tls(&z, NULL, res);
	/* no TLSA: dane_valid has nothing to validate on either address */
	expect_all(res, "EEEEEEEEEEEEEFNNFF");
	all_tls_error(res, "mx.d.test [192.0.2.25]: not tried: no free connection slot for "
	    "192.0.2.25 within the time budget (2 per address at once)");
	/* the address that spoke TLS is still in the evidence */
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_TLS_VERSION], "addr_1"),
	    "mx.d.test [2001:db8::25]: TLS 1.3"));
	assert_non_null(strstr(ev(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE], "addr_2"),
	    "mx.d.test [192.0.2.25]: not tried: no free connection slot for 192.0.2.25"));
	has_reason(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE], "1 of 2 mail server address(es) could "
	    "not be tested");
	assert_int_equal(t.calls, 2);
	free_results(res);

	/* both addresses without a slot: still errors, never a skip */
	{
		static const struct canned_tls both[] = { { "192.0.2.25", NO_SLOT },
		    { "2001:db8::25", NO_SLOT } };

		t.c = both;
		t.n = 2;
		run_tls(&z, NULL, res);
		expect_all(res, "EEEEEEEEEEEEEFNNFF");
		all_tls_error(res, "mx.d.test [2001:db8::25]: not tried: no free connection slot");
		free_results(res);
	}
}

/* The run's time runs out between the two addresses of the MX: the one not tried makes every
 * TLS test an error ("not tried: <MSG_BUDGET>"), the one tried decides nothing alone. The
 * fake clock ticks once a reading; the deadline that lets exactly one try start is found by
 * counting (the readings before the tries are sequential, so it exists). */
static void
test_budget_between_addresses(void **state)
{
	uint64_t clk;
	struct tlsfake t = { .clk = &clk };
	struct zonefake z = { .zone = ZONE_BASE, .user = &t };
	Peil__Result *res[TEST_COUNT];
	bool seen = false;

	(void)state;
	for (uint64_t d = 1; d <= 200 && !seen; d++) {
		clk = 0;
		t.calls = 0;
		run_tls_by(&z, NULL, d, res);
		if (t.calls == 1) {
			seen = true;
			assert_int_equal(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE]->status,
			    PEIL__STATUS__ERROR);
			has_reason(res[TEST_MAIL_STARTTLS_TLS_AVAILABLE], "1 of 2 mail server "
			    "address(es) could not be tested");
			all_tls_error(res, "not tried: " MSG_BUDGET);
		}
		free_results(res);
	}
	assert_true(seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_server),
		cmocka_unit_test(test_legacy_and_guidelines),
		cmocka_unit_test(test_availability),
		cmocka_unit_test(test_engine_stopped),
		cmocka_unit_test(test_chain_keys),
		cmocka_unit_test(test_cipher_order),
		cmocka_unit_test(test_info_ceilings),
		cmocka_unit_test(test_many_addresses),
		cmocka_unit_test(test_null_mx),
		cmocka_unit_test(test_no_slot),
		cmocka_unit_test(test_budget_between_addresses),
	};

	return cmocka_run_group_tests(tests, make_certs_weak_chain, free_cert);
}
