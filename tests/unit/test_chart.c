/* test_chart.c: the report's SVG charts: well-formed XML (xmllint) for every kind and edge
 * case, hostile labels escaped and cut in the drawing, every number in the table, bad ids
 * refused. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "chart.h"
#include "err.h"

typedef int (*chart_fn)(FILE *, const struct chart *);

/* The chart written by fn, as a string (malloc'd). */
static char *
draw(chart_fn fn, const struct chart *c, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = fn(f, c);
	fclose(f);
	return buf;
}

/* Whether xmllint finds the SVG well-formed. */
static void
assert_wellformed(const char *svg)
{
	char path[] = "/tmp/peil-chart-XXXXXX";
	char cmd[128];
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(svg, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "xmllint --noout %s", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

static const char *const X3[] = { "2026-01", "2026-02", "2026-03" };
static const double A3[] = { 10, 55.5, 100 };
static const double B3[] = { NAN, 20, 140 };

static void
test_kinds(void **state)
{
	static const chart_fn fns[] = { chart_bars, chart_lines, chart_stacked, chart_table };
	struct chart_series s[2] = { { "complies", A3 }, { "fails", B3 } };
	struct chart c = { "c1", "Complying domains", X3, 3, s, 2, 100, "%" };

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		int rc;
		char *out = draw(fns[k], &c, &rc);

		assert_int_equal(rc, 0);
		assert_non_null(strstr(out, "Complying domains"));
		assert_non_null(strstr(out, "55.5%"));
		assert_non_null(strstr(out, "100%"));
		/* A value over ymax keeps its number. */
		assert_non_null(strstr(out, "140%"));
		if (fns[k] == chart_table) {
			assert_non_null(strstr(out, "<td>-</td>"));   /* NaN */
			assert_non_null(strstr(out, "<caption>"));
		} else {
			assert_non_null(strstr(out, "role=\"img\""));
			if (fns[k] != chart_lines)
				assert_non_null(strstr(out, "url(#c1-p1)"));
			assert_wellformed(out);
		}
		free(out);
	}
}

static void
test_edges(void **state)
{
	static const chart_fn fns[] = { chart_bars, chart_lines, chart_stacked, chart_table };
	static const double one[] = { 42 };
	static double many[80], none[80];
	static const char *xs[80];
	struct chart_series s1 = { "only", one };
	struct chart_series sm = { "many", many }, sn = { "none", none };
	struct chart empty = { "e", "Empty", NULL, 0, &s1, 1, 100, "%" };
	struct chart single = { "s", "One", X3, 1, &s1, 1, 100, "" };
	struct chart lots = { "l", "Eighty", xs, 80, &sm, 1, 100, "%" };
	struct chart zero = { "z", "Zero", xs, 80, &sn, 1, 0, "" };

	(void)state;
	for (size_t i = 0; i < 80; i++) {
		many[i] = (double)i;
		none[i] = 0;
		xs[i] = "web_appsecpriv_x_content_type_options";
	}
	for (size_t k = 0; k < 4; k++) {
		const struct chart *cs[] = { &empty, &single, &lots, &zero };

		for (size_t j = 0; j < 4; j++) {
			int rc;
			char *out = draw(fns[k], cs[j], &rc);

			assert_int_equal(rc, 0);
			if (fns[k] != chart_table)
				assert_wellformed(out);
			free(out);
		}
	}
}

static void
test_hostile(void **state)
{
	static const chart_fn fns[] = { chart_bars, chart_lines, chart_stacked, chart_table };
	static char big[10001];
	const char *x[] = { "<script>alert(1)</script>", "\"quoted\" 'single' & amp",
	    "ctl\x01\x1b[31m\xe2\x80\xae", big };
	static const double v[] = { 1, 2, 3, 4 };
	struct chart_series s = { "<img src=x onerror=alert(1)>", v };
	struct chart c = { "h", "</title><script>x</script>", x, 4, &s, 1, 10, "\"%" };

	(void)state;
	memset(big, 'A', sizeof(big) - 1);
	for (size_t k = 0; k < 4; k++) {
		int rc;
		char *out = draw(fns[k], &c, &rc);

		assert_int_equal(rc, 0);
		assert_null(strstr(out, "<script"));
		assert_null(strstr(out, "<img"));
		assert_null(strchr(out, '\x1b'));
		assert_null(strchr(out, '\x01'));
		assert_null(strstr(out, "\xe2\x80\xae"));
		if (fns[k] != chart_table) {
			/* The drawing cuts a label; the whole is only in a <title>. */
			for (const char *t = strstr(out, "<text"); t != NULL; t = strstr(t + 1, "<text")) {
				const char *body = strchr(t, '>');

				assert_non_null(body);
				assert_true(strncmp(body + 1, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 30) != 0);
			}
			assert_wellformed(out);
		}
		free(out);
	}
}

static void
test_refused(void **state)
{
	static const double v[] = { 1 };
	struct chart_series s[CHART_MAX_SERIES + 1];
	struct chart c = { "Bad Id", "t", X3, 1, s, 1, 1, "" };
	int rc;
	char *out;

	(void)state;
	for (size_t i = 0; i <= CHART_MAX_SERIES; i++)
		s[i] = (struct chart_series){ "s", v };
	out = draw(chart_bars, &c, &rc);
	assert_int_equal(rc, PEIL_EINVAL);
	free(out);
	c.id = "x\"y";
	out = draw(chart_table, &c, &rc);
	assert_int_equal(rc, PEIL_EINVAL);
	free(out);
	c.id = "ok";
	c.nseries = 0;
	out = draw(chart_lines, &c, &rc);
	assert_int_equal(rc, PEIL_EINVAL);
	free(out);
	c.nseries = CHART_MAX_SERIES + 1;
	out = draw(chart_stacked, &c, &rc);
	assert_int_equal(rc, PEIL_EINVAL);
	free(out);
	c.nseries = CHART_MAX_SERIES;
	out = draw(chart_bars, &c, &rc);
	assert_int_equal(rc, 0);
	assert_wellformed(out);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
