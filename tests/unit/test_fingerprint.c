/* test_fingerprint.c: key fingerprints: the SHA-256 of the binary key, printed and parsed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "fingerprint.h"

/* 32 zero bytes in Z85, and their SHA-256 (FIPS 180-4; the well-known digest). */
static const char zero_key[] = "0000000000000000000000000000000000000000";
static const char zero_fp[] =
    "SHA256:6668:7aad:f862:bd77:6c8f:c18b:8e9f:8e20:0897:1485:6ee2:33b3:902a:591d:0d5f:2925";

static void
test_of(void **state)
{
	char fp[FINGERPRINT_LEN + 1];

	(void)state;
	assert_int_equal(fingerprint_of(zero_key, fp), 0);
	assert_string_equal(fp, zero_fp);
	assert_int_equal(strlen(fp), FINGERPRINT_LEN);
	assert_int_equal(fingerprint_of("short", fp), PEIL_EINVAL);
	assert_string_equal(fp, "");
	/* 40 characters outside the Z85 alphabet. */
	assert_int_equal(fingerprint_of("~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~", fp),
	    PEIL_EINVAL);
}

static void
test_parse(void **state)
{
	uint8_t d[FINGERPRINT_BYTES], e[FINGERPRINT_BYTES];
	const char *same[] = {
		zero_fp,
		"sha256:66687AADF862BD776C8FC18B8E9F8E20089714856EE233B3902A591D0D5F2925",
		"66687aad-f862bd77-6c8fc18b-8e9f8e20-08971485-6ee233b3-902a591d-0d5f2925",
		"6668 7aad f862 bd77 6c8f c18b 8e9f 8e20 0897 1485 6ee2 33b3 902a 591d 0d5f 2925",
	};
	const char *bad[] = {
		"", "SHA256:", "SHA256:6668",
		"SHA256:6668:7aad:f862:bd77:6c8f:c18b:8e9f:8e20:0897:1485:6ee2:33b3:902a:591d:0d5f:292",
		"SHA256:6668:7aad:f862:bd77:6c8f:c18b:8e9f:8e20:0897:1485:6ee2:33b3:902a:591d:0d5f:29250",
		"SHA256:6668:7aad:f862:bd77:6c8f:c18b:8e9f:8e20:0897:1485:6ee2:33b3:902a:591d:0d5f:292g",
		"MD5:66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925",
	};

	(void)state;
	assert_int_equal(fingerprint_parse((const uint8_t *)zero_fp, strlen(zero_fp), d), 0);
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_int_equal(fingerprint_parse((const uint8_t *)same[i], strlen(same[i]), e), 0);
		assert_memory_equal(d, e, sizeof(d));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fingerprint_parse((const uint8_t *)bad[i], strlen(bad[i]), e),
		    PEIL_EINVAL);
	assert_true(fingerprint_matches(zero_key, d));
	d[31] ^= 1;
	assert_false(fingerprint_matches(zero_key, d));
	assert_false(fingerprint_matches("short", d));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_of),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
