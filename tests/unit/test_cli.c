/* test_cli.c: a command's own options taken out of argv (cli_take_*), and cli_number. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"
#include "limits.h"

static const struct cli_own own[] = { { "--out", true }, { "--round", true },
    { "--packs", false }, { NULL, false } };
static const char *const keep[] = { "-c", "--set", NULL };

/* Takes own options out of args (argv[0] "cmd" first); the k of each, its value (or "-") in
 * got; the rest in left. */
static int
take(int argc, char **argv, char *got, size_t gotlen, char *why, size_t whylen)
{
	struct cli_take t;
	const char *val;
	int k;

	got[0] = '\0';
	why[0] = '\0';
	cli_take_begin(&t, argc, argv);
	while ((k = cli_take_next(&t, own, keep, &val, why, whylen)) >= 0) {
		size_t n = strlen(got);

		snprintf(got + n, gotlen - n, "%d=%s;", k, val != NULL ? val : "-");
	}
	return cli_take_end(&t);
}

static void
test_take(void **state)
{
	char *argv[] = { "cmd", "--out=D", "-c", "--round", "--round", "3", "--packs", "pos",
	    "--set", "a=b", "--packs=x", "--", "--out", "y", NULL };
	char got[256], why[128];
	int n;

	(void)state;
	n = take(14, argv, got, sizeof(got), why, sizeof(why));
	/* -c keeps its value "--round"; --packs takes no "=value" (left for cli_parse to refuse);
	 * after "--" nothing is taken */
	assert_string_equal(got, "0=D;1=3;2=-;");
	assert_string_equal(why, "");
	assert_int_equal(n, 10);
	assert_string_equal(argv[0], "cmd");
	assert_string_equal(argv[1], "-c");
	assert_string_equal(argv[2], "--round");
	assert_string_equal(argv[3], "pos");
	assert_string_equal(argv[4], "--set");
	assert_string_equal(argv[5], "a=b");
	assert_string_equal(argv[6], "--packs=x");
	assert_string_equal(argv[7], "--");
	assert_string_equal(argv[8], "--out");
	assert_string_equal(argv[9], "y");
	assert_null(argv[10]);
}

static void
test_take_missing(void **state)
{
	char *argv[] = { "cmd", "--roundabout", "--out", NULL };
	char *argv2[] = { "cmd", "--round", "--out", NULL };
	char got[256], why[128];
	int n;

	(void)state;
	/* a name that only starts like an option is not it; the missing value is said */
	n = take(3, argv, got, sizeof(got), why, sizeof(why));
	assert_string_equal(got, "");
	assert_string_equal(why, "option '--out' needs a value");
	assert_int_equal(n, 2);
	assert_string_equal(argv[1], "--roundabout");
	/* a value is the next argument, whatever it looks like; the first problem is kept */
	n = take(3, argv2, got, sizeof(got), why, sizeof(why));
	assert_string_equal(got, "1=--out;");
	assert_int_equal(n, 1);
}

static void
test_number(void **state)
{
	unsigned long long v;
	char big[32];

	(void)state;
	assert_true(cli_number("1", 1, &v));
	assert_int_equal(v, 1);
	assert_true(cli_number("0", 0, &v));
	assert_false(cli_number("0", 1, &v));
	assert_false(cli_number("", 0, &v));
	assert_false(cli_number("-1", 0, &v));
	assert_false(cli_number("+1", 0, &v));
	assert_false(cli_number(" 1", 0, &v));
	assert_false(cli_number("1x", 0, &v));
	assert_false(cli_number("99999999999999999999999", 0, &v));
	snprintf(big, sizeof(big), "%llu", MAX_CLI_NUMBER);
	assert_true(cli_number(big, 1, &v));
	snprintf(big, sizeof(big), "%llu", MAX_CLI_NUMBER + 1);
	assert_false(cli_number(big, 1, &v));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_take_missing),
		cmocka_unit_test(test_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
