/* test_catalogue.c: the catalogue: sorted, complete, one enum naming its rows, modules. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "catalogue.h"
#include "limits.h"

static bool
id_shape_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > MAX_TEST_ID_LEN)
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static void
test_catalogue_sorted_unique(void **state)
{
	const struct catalogue_entry *all;
	size_t n;

	(void)state;
	all = catalogue_all(&n);
	assert_true(n > 60);
	for (size_t i = 0; i < n; i++) {
		assert_true(id_shape_ok(all[i].id));
		assert_non_null(all[i].category);
		assert_non_null(all[i].guideline);
		assert_true(strlen(all[i].guideline) > 0);
		assert_true(strlen(all[i].guideline) <= MAX_GUIDELINE_LEN);
		assert_true((all[i].agreements & ~0x1fu) == 0);
		/* Every test says what it is, checks, why it matters and how to fix it. */
		assert_non_null(all[i].title);
		assert_non_null(all[i].checks);
		assert_non_null(all[i].why);
		assert_non_null(all[i].fix);
		assert_true(strlen(all[i].title) > 0 && strlen(all[i].title) <= 60);
		assert_true(strlen(all[i].checks) > 0 && strlen(all[i].checks) <= 240);
		assert_true(strlen(all[i].why) > 0 && strlen(all[i].why) <= 200);
		assert_true(strlen(all[i].fix) > 0 && strlen(all[i].fix) <= 240);
		assert_null(strchr(all[i].title, '\n'));
		if (i > 0)
			assert_true(strcmp(all[i - 1].id, all[i].id) < 0);
		assert_ptr_equal(catalogue_find(all[i].id), &all[i]);
	}
	assert_null(catalogue_find("web_dnssec"));
	assert_null(catalogue_find("zzz"));
	assert_null(catalogue_find(""));
	assert_null(catalogue_find(NULL));
}

static void
test_catalogue_contents(void **state)
{
	static const char *const want[] = {
		"web_dnssec_exist", "web_dnssec_valid", "mail_dnssec_mailto_exist",
		"mail_dnssec_mailto_valid", "mail_dnssec_mx_exist", "mail_dnssec_mx_valid",
		"web_ipv6_ns_address", "mail_ipv6_ns_address", "web_ipv6_ns_reach",
		"mail_ipv6_ns_reach", "web_ipv6_ws_address", "web_ipv6_ws_reach",
		"web_ipv6_ws_similar", "mail_ipv6_mx_address", "mail_ipv6_mx_reach",
		"mail_auth_spf_exist", "mail_auth_spf_policy", "mail_auth_dmarc_exist",
		"mail_auth_dmarc_policy", "mail_auth_dmarc_ext_destination", "mail_auth_dkim_exist",
		"mail_starttls_tls_available", "mail_starttls_tls_version",
		"mail_starttls_tls_ciphers", "mail_starttls_tls_cipherorder",
		"mail_starttls_tls_keyexchange", "mail_starttls_tls_keyexchangehash",
		"mail_starttls_tls_compress", "mail_starttls_tls_secreneg",
		"mail_starttls_tls_clientreneg", "mail_starttls_cert_chain",
		"mail_starttls_cert_pubkey", "mail_starttls_cert_sig", "mail_starttls_cert_domain",
		"mail_starttls_dane_exist", "mail_starttls_dane_valid", "mail_starttls_dane_rollover",
		"mail_mtasts", "mail_tlsrpt", "web_https_http_available", "web_https_http_redirect",
		"web_https_http_hsts", "web_https_http_compress", "web_https_tls_version",
		"web_https_tls_ciphers", "web_https_tls_cipherorder", "web_https_tls_keyexchange",
		"web_https_tls_keyexchangehash", "web_https_tls_compress", "web_https_tls_secreneg",
		"web_https_tls_clientreneg", "web_https_tls_0rtt", "web_https_tls_ocsp",
		"web_https_cert_chain", "web_https_cert_pubkey", "web_https_cert_sig",
		"web_https_cert_domain", "web_https_dane_exist", "web_https_dane_valid",
		"web_appsecpriv_x_frame_options", "web_appsecpriv_x_content_type_options",
		"web_appsecpriv_referrer_policy", "web_appsecpriv_csp", "web_appsecpriv_securitytxt",
		"web_caa", "web_rpki_exists", "web_rpki_valid", "web_ns_rpki_exists",
		"web_ns_rpki_valid", "mail_rpki_exists", "mail_rpki_valid", "mail_ns_rpki_exists",
		"mail_ns_rpki_valid", "mail_mx_ns_rpki_exists", "mail_mx_ns_rpki_valid",
		"vantage_ipv6", "vantage_rov",
	};
	const struct catalogue_entry *e;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (catalogue_find(want[i]) == NULL)
			fail_msg("missing from the catalogue: %s", want[i]);
	}
	catalogue_all(&n);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));

	e = catalogue_find("web_dnssec_valid");
	assert_string_equal(e->category, "dnssec");
	assert_int_equal(e->agreements, AGREEMENT(1));
	assert_true(e->mandatory);
	assert_string_equal(e->guideline, "rfc4033");
	e = catalogue_find("mail_auth_spf_policy");
	assert_int_equal(e->agreements, AGREEMENT(3));
	assert_string_equal(e->guideline, "rfc7208");
	e = catalogue_find("mail_auth_dmarc_exist");
	assert_int_equal(e->agreements, AGREEMENT(1));
	assert_string_equal(e->guideline, "rfc7489");
	e = catalogue_find("web_https_tls_version");
	assert_int_equal(e->agreements, AGREEMENT(1) | AGREEMENT(2));
	assert_string_equal(e->guideline, "ncsc-tls-2025-05");
	e = catalogue_find("mail_starttls_dane_valid");
	assert_int_equal(e->agreements, AGREEMENT(3));
	assert_string_equal(e->guideline, "rfc7672");
	e = catalogue_find("mail_ipv6_mx_reach");
	assert_int_equal(e->agreements, AGREEMENT(4));
	assert_string_equal(e->guideline, "internet.nl");
	e = catalogue_find("mail_mx_ns_rpki_valid");
	assert_int_equal(e->agreements, AGREEMENT(5));
	assert_string_equal(e->guideline, "rfc6811");
	assert_false(catalogue_find("web_https_http_compress")->mandatory);
	assert_false(catalogue_find("mail_starttls_cert_domain")->mandatory);
	assert_false(catalogue_find("vantage_rov")->mandatory);
	/* internet.nl scores none of these (worst status info or notice) */
	assert_false(catalogue_find("mail_starttls_tls_clientreneg")->mandatory);
	assert_false(catalogue_find("web_https_tls_clientreneg")->mandatory);
	assert_false(catalogue_find("mail_starttls_tls_keyexchangehash")->mandatory);
	assert_false(catalogue_find("web_https_tls_keyexchangehash")->mandatory);
	assert_false(catalogue_find("web_appsecpriv_x_frame_options")->mandatory);
	assert_false(catalogue_find("web_appsecpriv_x_content_type_options")->mandatory);
	assert_false(catalogue_find("web_appsecpriv_securitytxt")->mandatory);
}

/* Every enumerator with its own name: the row it indexes must carry that name as its id. */
#define N(t) { t, #t }
static const struct { enum catalogue_test t; const char *name; } names[] = {
	N(TEST_MAIL_AUTH_DKIM_EXIST),
	N(TEST_MAIL_AUTH_DMARC_EXIST),
	N(TEST_MAIL_AUTH_DMARC_EXT_DESTINATION),
	N(TEST_MAIL_AUTH_DMARC_POLICY),
	N(TEST_MAIL_AUTH_SPF_EXIST),
	N(TEST_MAIL_AUTH_SPF_POLICY),
	N(TEST_MAIL_DNSSEC_MAILTO_EXIST),
	N(TEST_MAIL_DNSSEC_MAILTO_VALID),
	N(TEST_MAIL_DNSSEC_MX_EXIST),
	N(TEST_MAIL_DNSSEC_MX_VALID),
	N(TEST_MAIL_IPV6_MX_ADDRESS),
	N(TEST_MAIL_IPV6_MX_REACH),
	N(TEST_MAIL_IPV6_NS_ADDRESS),
	N(TEST_MAIL_IPV6_NS_REACH),
	N(TEST_MAIL_MTASTS),
	N(TEST_MAIL_MX_NS_RPKI_EXISTS),
	N(TEST_MAIL_MX_NS_RPKI_VALID),
	N(TEST_MAIL_NS_RPKI_EXISTS),
	N(TEST_MAIL_NS_RPKI_VALID),
	N(TEST_MAIL_RPKI_EXISTS),
	N(TEST_MAIL_RPKI_VALID),
	N(TEST_MAIL_STARTTLS_CERT_CHAIN),
	N(TEST_MAIL_STARTTLS_CERT_DOMAIN),
	N(TEST_MAIL_STARTTLS_CERT_PUBKEY),
	N(TEST_MAIL_STARTTLS_CERT_SIG),
	N(TEST_MAIL_STARTTLS_DANE_EXIST),
	N(TEST_MAIL_STARTTLS_DANE_ROLLOVER),
	N(TEST_MAIL_STARTTLS_DANE_VALID),
	N(TEST_MAIL_STARTTLS_TLS_AVAILABLE),
	N(TEST_MAIL_STARTTLS_TLS_CIPHERORDER),
	N(TEST_MAIL_STARTTLS_TLS_CIPHERS),
	N(TEST_MAIL_STARTTLS_TLS_CLIENTRENEG),
	N(TEST_MAIL_STARTTLS_TLS_COMPRESS),
	N(TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE),
	N(TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH),
	N(TEST_MAIL_STARTTLS_TLS_SECRENEG),
	N(TEST_MAIL_STARTTLS_TLS_VERSION),
	N(TEST_MAIL_TLSRPT),
	N(TEST_VANTAGE_IPV6),
	N(TEST_VANTAGE_ROV),
	N(TEST_WEB_APPSECPRIV_CSP),
	N(TEST_WEB_APPSECPRIV_REFERRER_POLICY),
	N(TEST_WEB_APPSECPRIV_SECURITYTXT),
	N(TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS),
	N(TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS),
	N(TEST_WEB_CAA),
	N(TEST_WEB_DNSSEC_EXIST),
	N(TEST_WEB_DNSSEC_VALID),
	N(TEST_WEB_HTTPS_CERT_CHAIN),
	N(TEST_WEB_HTTPS_CERT_DOMAIN),
	N(TEST_WEB_HTTPS_CERT_PUBKEY),
	N(TEST_WEB_HTTPS_CERT_SIG),
	N(TEST_WEB_HTTPS_DANE_EXIST),
	N(TEST_WEB_HTTPS_DANE_VALID),
	N(TEST_WEB_HTTPS_HTTP_AVAILABLE),
	N(TEST_WEB_HTTPS_HTTP_COMPRESS),
	N(TEST_WEB_HTTPS_HTTP_HSTS),
	N(TEST_WEB_HTTPS_HTTP_REDIRECT),
	N(TEST_WEB_HTTPS_TLS_0RTT),
	N(TEST_WEB_HTTPS_TLS_CIPHERORDER),
	N(TEST_WEB_HTTPS_TLS_CIPHERS),
	N(TEST_WEB_HTTPS_TLS_CLIENTRENEG),
	N(TEST_WEB_HTTPS_TLS_COMPRESS),
	N(TEST_WEB_HTTPS_TLS_KEYEXCHANGE),
	N(TEST_WEB_HTTPS_TLS_KEYEXCHANGEHASH),
	N(TEST_WEB_HTTPS_TLS_OCSP),
	N(TEST_WEB_HTTPS_TLS_SECRENEG),
	N(TEST_WEB_HTTPS_TLS_VERSION),
	N(TEST_WEB_IPV6_NS_ADDRESS),
	N(TEST_WEB_IPV6_NS_REACH),
	N(TEST_WEB_IPV6_WS_ADDRESS),
	N(TEST_WEB_IPV6_WS_REACH),
	N(TEST_WEB_IPV6_WS_SIMILAR),
	N(TEST_WEB_NS_RPKI_EXISTS),
	N(TEST_WEB_NS_RPKI_VALID),
	N(TEST_WEB_RPKI_EXISTS),
	N(TEST_WEB_RPKI_VALID),
};

static void
test_catalogue_enum_matches(void **state)
{
	const struct catalogue_entry *all;
	size_t n;

	(void)state;
	all = catalogue_all(&n);
	assert_int_equal(n, TEST_COUNT);
	assert_int_equal(sizeof(names) / sizeof(names[0]), TEST_COUNT);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char want[MAX_TEST_ID_LEN + 1];
		const char *p = names[i].name + strlen("TEST_");
		size_t k;
		enum catalogue_test t;

		assert_int_equal(names[i].t, i);
		for (k = 0; p[k] != '\0' && k < MAX_TEST_ID_LEN; k++)
			want[k] = (char)tolower((unsigned char)p[k]);
		want[k] = '\0';
		assert_non_null(all[i].id);
		assert_string_equal(all[i].id, want);
		assert_ptr_equal(catalogue_get(names[i].t), &all[i]);
		assert_true(catalogue_test_find(want, &t));
		assert_int_equal(t, names[i].t);
	}
	assert_null(catalogue_get(TEST_COUNT));
	assert_false(catalogue_test_find("zzz", &(enum catalogue_test){ 0 }));
}

static void
test_catalogue_modules(void **state)
{
	size_t per[MODULE_COUNT] = { 0 }, n;
	const struct catalogue_entry *all = catalogue_all(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_in_range(all[i].module, MODULE_NONE, MODULE_COUNT - 1);
		per[all[i].module]++;
	}
	/* Every module runs some test; MODULE_NONE (not implemented) may be empty. */
	for (int m = MODULE_NONE + 1; m < MODULE_COUNT; m++)
		assert_true(per[m] > 0);
	assert_int_equal(catalogue_get(TEST_MAIL_DNSSEC_MX_VALID)->module, MODULE_DNSSEC);
	assert_int_equal(catalogue_get(TEST_WEB_DNSSEC_EXIST)->module, MODULE_DNSSEC);
	assert_int_equal(catalogue_get(TEST_MAIL_IPV6_MX_REACH)->module, MODULE_IPV6);
	assert_int_equal(catalogue_get(TEST_WEB_IPV6_WS_ADDRESS)->module, MODULE_IPV6);
	assert_int_equal(catalogue_get(TEST_MAIL_AUTH_DKIM_EXIST)->module, MODULE_MAILAUTH);
	assert_int_equal(catalogue_get(TEST_MAIL_STARTTLS_DANE_VALID)->module, MODULE_DANE);
	assert_int_equal(catalogue_get(TEST_MAIL_STARTTLS_CERT_DOMAIN)->module, MODULE_STARTTLS);
	assert_int_equal(catalogue_get(TEST_MAIL_TLSRPT)->module, MODULE_MTASTS_TLSRPT);
	assert_int_equal(catalogue_get(TEST_WEB_IPV6_WS_SIMILAR)->module, MODULE_WEB);
	assert_int_equal(catalogue_get(TEST_WEB_HTTPS_HTTP_HSTS)->module, MODULE_WEB);
	assert_int_equal(catalogue_get(TEST_WEB_APPSECPRIV_SECURITYTXT)->module, MODULE_WEB);
	assert_int_equal(catalogue_get(TEST_WEB_APPSECPRIV_CSP)->module, MODULE_WEB);
	assert_int_equal(catalogue_get(TEST_WEB_HTTPS_TLS_VERSION)->module, MODULE_WEBTLS);
	assert_int_equal(catalogue_get(TEST_WEB_HTTPS_CERT_DOMAIN)->module, MODULE_WEBTLS);
	assert_int_equal(catalogue_get(TEST_WEB_HTTPS_DANE_VALID)->module, MODULE_WEBTLS);
	assert_int_equal(catalogue_get(TEST_WEB_CAA)->module, MODULE_WEBTLS);
	assert_int_equal(catalogue_get(TEST_MAIL_RPKI_VALID)->module, MODULE_RPKI);
	assert_int_equal(catalogue_get(TEST_WEB_NS_RPKI_EXISTS)->module, MODULE_RPKI);
	assert_int_equal(catalogue_get(TEST_VANTAGE_IPV6)->module, MODULE_VANTAGE);
	assert_int_equal(catalogue_get(TEST_VANTAGE_ROV)->module, MODULE_VANTAGE);
	/* The self-tests are the category "vantage", and only they (empty domain). */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(all[i].module == MODULE_VANTAGE,
		    strcmp(all[i].category, "vantage") == 0);
}

/* The agreements of DESIGN.md §2: numbered 1..5 in order, each deadline the end of its year:
 * 1 January 00:00 UTC of the next year (timegm), and catalogue_agreement(n) is the same row. */
static void
test_catalogue_agreement_deadlines(void **state)
{
	static const int year[AGREEMENT_COUNT] = { 2017, 2018, 2019, 2021, 2024 };
	const struct catalogue_agreement *a;
	size_t n = 0;

	(void)state;
	a = catalogue_agreements(&n);
	assert_int_equal(n, AGREEMENT_COUNT);
	for (size_t i = 0; i < n; i++) {
		struct tm tm = { 0 };

		tm.tm_year = year[i] + 1 - 1900;
		tm.tm_mon = 0;
		tm.tm_mday = 1;
		assert_int_equal(a[i].n, i + 1);
		assert_int_equal(a[i].deadline_year, year[i]);
		assert_int_equal(a[i].deadline, (long long)timegm(&tm));
		assert_non_null(a[i].title);
		assert_non_null(a[i].text);
		assert_ptr_equal(catalogue_agreement((unsigned)i + 1), &a[i]);
	}
	/* 2017's end: 2018-01-01T00:00:00Z. */
	assert_int_equal(a[0].deadline, 1514764800LL);
	assert_null(catalogue_agreement(0));
	assert_null(catalogue_agreement(AGREEMENT_COUNT + 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_sorted_unique),
		cmocka_unit_test(test_catalogue_contents),
		cmocka_unit_test(test_catalogue_enum_matches),
		cmocka_unit_test(test_catalogue_modules),
		cmocka_unit_test(test_catalogue_agreement_deadlines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
