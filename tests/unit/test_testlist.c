/* test_testlist.c: `peil-agent tests`: table, JSON lines and markdown from the catalogue. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "catalogue.h"
#include "err.h"
#include "testlist.h"

/* Writes the whole catalogue (or the one entry `only`) in fmt; the caller frees. */
static char *
render(enum testlist_format fmt, const char *only)
{
	const struct catalogue_entry *list[TEST_COUNT], *all;
	size_t n = 0, nall;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	all = catalogue_all(&nall);
	for (size_t i = 0; i < nall; i++)
		if (only == NULL || strcmp(all[i].id, only) == 0)
			list[n++] = &all[i];
	assert_int_equal(testlist_write(f, fmt, list, n), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void
test_testlist_format_parse(void **state)
{
	enum testlist_format f;

	(void)state;
	assert_int_equal(testlist_format_parse("table", &f), 0);
	assert_int_equal(f, TESTLIST_TABLE);
	assert_int_equal(testlist_format_parse("json", &f), 0);
	assert_int_equal(f, TESTLIST_JSON);
	assert_int_equal(testlist_format_parse("markdown", &f), 0);
	assert_int_equal(f, TESTLIST_MARKDOWN);
	assert_int_equal(testlist_format_parse("jsonl", &f), PEIL_EINVAL);
	assert_int_equal(testlist_format_parse("csv", &f), PEIL_EINVAL);
	assert_int_equal(testlist_format_parse("", &f), PEIL_EINVAL);
	assert_int_equal(testlist_format_parse(NULL, &f), PEIL_EINVAL);
}

static void
test_testlist_json(void **state)
{
	char *out = render(TESTLIST_JSON, NULL), *line, *save = NULL;
	size_t n = 0;

	(void)state;
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		static const char *const keys[] = { "{\"id\":\"", ",\"category\":\"",
			",\"agreements\":[", ",\"mandatory\":", ",\"guideline\":\"",
			",\"implemented\":", ",\"title\":\"", ",\"checks\":\"", ",\"why\":\"",
			",\"fix\":\"" };
		const char *p = line;

		/* Exactly these fields, in this order, one object a line. */
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *q = strstr(p, keys[k]);

			if (q == NULL)
				fail_msg("line %zu: no %s: %s", n, keys[k], line);
			p = q + strlen(keys[k]);
		}
		assert_int_equal(line[strlen(line) - 1], '}');
		n++;
	}
	assert_int_equal(n, TEST_COUNT);
	free(out);

	out = render(TESTLIST_JSON, "web_rpki_valid");
	assert_non_null(strstr(out, "\"agreements\":[5],\"mandatory\":true,"));
	assert_non_null(strstr(out, "\"implemented\":true,"));
	free(out);
	out = render(TESTLIST_JSON, "mail_tlsrpt");
	assert_non_null(strstr(out, "\"agreements\":[],\"mandatory\":false,"));
	assert_non_null(strstr(out, "\"implemented\":true,"));
	free(out);
}

static void
test_testlist_table(void **state)
{
	char *out = render(TESTLIST_TABLE, NULL), *line, *save = NULL;
	const struct catalogue_entry *all;
	size_t nall, lines = 0;

	(void)state;
	assert_true(strncmp(out, "ID ", 3) == 0);
	all = catalogue_all(&nall);
	for (size_t i = 0; i < nall; i++) {
		char want[128];

		snprintf(want, sizeof(want), "\n%s ", all[i].id);
		assert_non_null(strstr(out, want));
		assert_non_null(strstr(out, all[i].title));
	}
	/* The texts are wrapped and indented under their test. */
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == ' ') {
			assert_true(strncmp(line, "    ", 4) == 0);
			assert_true(strlen(line) <= 96);
		}
		lines++;
	}
	assert_true(lines > 5 * nall);
	free(out);
}

static void
test_testlist_markdown(void **state)
{
	char *out = render(TESTLIST_MARKDOWN, NULL);
	const struct catalogue_entry *all;
	size_t nall;

	(void)state;
	assert_true(strncmp(out, "# The tests\n", 12) == 0);
	assert_non_null(strstr(out, "\n## dnssec\n"));
	assert_non_null(strstr(out, "\n## starttls\n"));
	all = catalogue_all(&nall);
	for (size_t i = 0; i < nall; i++) {
		char want[128];
		const char *p;

		snprintf(want, sizeof(want), "\n### `%s`: ", all[i].id);
		assert_non_null(p = strstr(out, want));
		assert_null(strstr(p + 1, want));       /* once */
	}
	/* <domain> would be read as an HTML tag. */
	assert_null(strstr(out, "<domain>"));
	assert_non_null(strstr(out, "&lt;domain&gt;"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_testlist_format_parse),
		cmocka_unit_test(test_testlist_json),
		cmocka_unit_test(test_testlist_table),
		cmocka_unit_test(test_testlist_markdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
