/* test_domain.c: the domain check and IDN conversion `peil-agent probe` does before probing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"
#include "err.h"

static int
check(const char *in, char *out, char *why)
{
	return domain_input(in, strlen(in), out, why, 256);
}

static void
test_domain_accepts(void **state)
{
	static const char *const cases[][2] = {
		{ "example.nl", "example.nl" },
		{ "Example.NL", "example.nl" },
		{ "example.nl.", "example.nl" },
		{ "good.test", "good.test" },
		{ "sub.good.test", "sub.good.test" },
		{ "a-b.example", "a-b.example" },
		{ "example.co.uk", "example.co.uk" },
		/* IDNA2008 with UTS #46 nontransitional mapping (RFC 5891, UTS #46 §4). */
		{ "bücher.example", "xn--bcher-kva.example" },
		{ "BÜCHER.example", "xn--bcher-kva.example" },
		{ "Bücher.Example.", "xn--bcher-kva.example" },
		{ "faß.de", "xn--fa-hia.de" },   /* nontransitional: ß kept, not "fass" */
		{ "xn--bcher-kva.example", "xn--bcher-kva.example" },
	};
	char out[MAX_DOMAIN_LEN + 1], why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = check(cases[i][0], out, why);

		if (rc != 0)
			fail_msg("%s: refused: %s", cases[i][0], why);
		assert_string_equal(out, cases[i][1]);
	}
}

static void
test_domain_refuses(void **state)
{
	static const char *const cases[][2] = {
		{ "", "empty" },
		{ "bad domain", "space" },
		{ "192.0.2.1", "IP address" },
		{ "2001:db8::1", "IP address" },
		{ "::1", "IP address" },
		{ "*.x", "wildcard" },
		{ "*.example.nl", "wildcard" },
		{ "test", "public suffix" },
		{ "nl", "public suffix" },
		{ "NL.", "public suffix" },
		{ "co.uk", "public suffix" },
		{ "a..example", "empty label" },
		{ ".example", "empty label" },
		{ ".", "empty label" },
		{ "-a.example", "not a host name" },
		{ "a-.example", "not a host name" },
		{ "1.2.3", "all-digit" },
		{ "a\tb.example", "space" },
		{ "_dmarc.example.nl", "not a host name" },
		{ "a\x01" "b.example", "control" },
		{ "\xff\xfe.example", "internationalized" },
		{ "a@b.example", "not a host name" },
	};
	char out[MAX_DOMAIN_LEN + 1], why[256], big[MAX_DOMAIN_LEN + 10];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = check(cases[i][0], out, why);

		if (rc != PEIL_EINVAL)
			fail_msg("'%s': accepted as %s", cases[i][0], out);
		if (strstr(why, cases[i][1]) == NULL)
			fail_msg("'%s': reason '%s' does not say '%s'", cases[i][0], why, cases[i][1]);
		assert_string_equal(out, "");
		assert_null(strchr(why, '\n'));
	}
	/* A label of 64 characters, a name of 254. */
	memset(big, 'a', 64);
	memcpy(big + 64, ".example", 9);
	assert_int_equal(check(big, out, why), PEIL_EINVAL);
	assert_non_null(strstr(why, "63"));
	for (size_t i = 0; i < 254; i++)
		big[i] = (i % 2) ? '.' : 'a';
	big[253] = 'a';
	big[254] = '\0';
	assert_int_equal(check(big, out, why), PEIL_EINVAL);
	/* 253 characters is still a name. */
	big[253] = '\0';
	assert_int_equal(check(big, out, why), 0);
	/* A NUL inside the given bytes. */
	assert_int_equal(domain_input("a\0b.example", 11, out, why, sizeof(why)), PEIL_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain_accepts),
		cmocka_unit_test(test_domain_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
