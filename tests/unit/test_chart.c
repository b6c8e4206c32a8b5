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

/* The chart written by fn, as a string (malloc'd). Not inlined: gcc 12 then takes the
 * returned buffer for a pointer to the local that open_memstream filled in
 * (-Wdangling-pointer). */
static __attribute__((noinline)) char *
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

/* Exact output, kept small: one value of one series for each drawing, two rows of two series
 * (a NaN, a zero, a value needing a decimal) for the table, and the empty chart and table.
 * The bars and the line's point stand at 50 % of the plot (y 120 between 20 and 220), the
 * axis has its five ticks, the title is the chart's <title> and its aria-label. */
static const char GOLD_BARS[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" "
	"viewBox=\"0 0 640 276\" width=\"640\" height=\"276\" aria-label=\"T\">"
	"<title>T</title><defs>"
	"<pattern id=\"g-p0\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"8\" height=\"8\" fill=\"#0072b2\"/></pattern></defs>"
	"<line x1=\"48\" y1=\"220.0\" x2=\"620\" y2=\"220.0\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
	"<text x=\"44\" y=\"223.0\" font-size=\"10\" text-anchor=\"end\">0%</text>"
	"<line x1=\"48\" y1=\"170.0\" x2=\"620\" y2=\"170.0\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
	"<text x=\"44\" y=\"173.0\" font-size=\"10\" text-anchor=\"end\">25%</text>"
	"<line x1=\"48\" y1=\"120.0\" x2=\"620\" y2=\"120.0\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
	"<text x=\"44\" y=\"123.0\" font-size=\"10\" text-anchor=\"end\">50%</text>"
	"<line x1=\"48\" y1=\"70.0\" x2=\"620\" y2=\"70.0\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
	"<text x=\"44\" y=\"73.0\" font-size=\"10\" text-anchor=\"end\">75%</text>"
	"<line x1=\"48\" y1=\"20.0\" x2=\"620\" y2=\"20.0\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
	"<text x=\"44\" y=\"23.0\" font-size=\"10\" text-anchor=\"end\">100%</text><g>"
	"<title>r1: a 50%</title>"
	"<rect x=\"50.0\" y=\"120.0\" width=\"568.0\" height=\"100.0\" fill=\"url(#g-p0)\" "
	"stroke=\"#000\" stroke-width=\"0.5\"/>"
	"<text x=\"334.0\" y=\"118.0\" font-size=\"9\" text-anchor=\"middle\">50%</text></g><g>"
	"<title>r1</title><text x=\"334.0\" y=\"234.0\" font-size=\"11\" text-anchor=\"middle\">r1</text>"
	"</g><line x1=\"48\" y1=\"220.0\" x2=\"620\" y2=\"220.0\" stroke=\"#000\"/><g><title>a</title>"
	"<rect x=\"48.0\" y=\"250.0\" width=\"12\" height=\"12\" fill=\"url(#g-p0)\" "
	"stroke=\"#000\" stroke-width=\"0.5\"/>"
	"<text x=\"66.0\" y=\"260.0\" font-size=\"12\">a</text></g></svg>"
	"\n";
static const char GOLD_LINES[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" "
	"viewBox=\"0 0 640 276\" width=\"640\" height=\"276\" aria-label=\"T\">"
	"<title>T</title><defs>"
	"<pattern id=\"g-p0\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"8\" height=\"8\" fill=\"#0072b2\"/></pattern></defs>"
	"<line x1=\"48\" y1=\"220.0\" x2=\"620\" y2=\"220.0\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
	"<text x=\"44\" y=\"223.0\" font-size=\"10\" text-anchor=\"end\">0%</text>"
	"<line x1=\"48\" y1=\"170.0\" x2=\"620\" y2=\"170.0\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
	"<text x=\"44\" y=\"173.0\" font-size=\"10\" text-anchor=\"end\">25%</text>"
	"<line x1=\"48\" y1=\"120.0\" x2=\"620\" y2=\"120.0\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
	"<text x=\"44\" y=\"123.0\" font-size=\"10\" text-anchor=\"end\">50%</text>"
	"<line x1=\"48\" y1=\"70.0\" x2=\"620\" y2=\"70.0\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
	"<text x=\"44\" y=\"73.0\" font-size=\"10\" text-anchor=\"end\">75%</text>"
	"<line x1=\"48\" y1=\"20.0\" x2=\"620\" y2=\"20.0\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"
	"<text x=\"44\" y=\"23.0\" font-size=\"10\" text-anchor=\"end\">100%</text><g><title>a</title>"
	"<path fill=\"none\" stroke=\"#0072b2\" stroke-width=\"2\" d=\"M68.0,120.0 \"/><g>"
	"<title>r1: a 50%</title><circle cx=\"68.0\" cy=\"120.0\" r=\"4\" fill=\"#0072b2\"/></g>"
	"<text x=\"75.0\" y=\"114.0\" font-size=\"10\">50%</text></g><g><title>r1</title>"
	"<text x=\"68.0\" y=\"234.0\" font-size=\"11\" text-anchor=\"middle\">r1</text></g>"
	"<line x1=\"48\" y1=\"220.0\" x2=\"620\" y2=\"220.0\" stroke=\"#000\"/><g><title>a</title>"
	"<circle cx=\"54.0\" cy=\"256.0\" r=\"4\" fill=\"#0072b2\"/>"
	"<text x=\"66.0\" y=\"260.0\" font-size=\"12\">a</text></g></svg>"
	"\n";
static const char GOLD_STACKED[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" "
	"viewBox=\"0 0 640 76\" width=\"640\" height=\"76\" aria-label=\"T\">"
	"<title>T</title><defs>"
	"<pattern id=\"g-p0\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"8\" height=\"8\" fill=\"#0072b2\"/></pattern></defs><g><title>r1</title>"
	"<text x=\"194.0\" y=\"24.0\" font-size=\"11\" text-anchor=\"end\">r1</text></g><g>"
	"<title>r1: a 50%</title>"
	"<rect x=\"200.0\" y=\"10.0\" width=\"420.0\" height=\"20.0\" fill=\"url(#g-p0)\" "
	"stroke=\"#000\" stroke-width=\"0.5\"/>"
	"<text x=\"410.0\" y=\"24.0\" font-size=\"10\" text-anchor=\"middle\" fill=\"#000\" "
	"stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">50%</text>"
	"</g><g><title>a</title>"
	"<rect x=\"48.0\" y=\"44.0\" width=\"12\" height=\"12\" fill=\"url(#g-p0)\" "
	"stroke=\"#000\" stroke-width=\"0.5\"/>"
	"<text x=\"66.0\" y=\"54.0\" font-size=\"12\">a</text></g></svg>"
	"\n";
static const char GOLD_TABLE[] =
	"<table class=\"chart-data\"><caption>T</caption><thead><tr><th scope=\"col\"></th>"
	"<th scope=\"col\">a</th><th scope=\"col\">b</th></tr></thead><tbody><tr>"
	"<th scope=\"row\">r1</th><td>50%</td><td>12.2%</td></tr><tr><th scope=\"row\">r2</th>"
	"<td>-</td><td>0%</td></tr></tbody></table>"
	"\n";
static const char GOLD_EMPTY[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" "
	"viewBox=\"0 0 640 60\" width=\"640\" height=\"60\" aria-label=\"T\">"
	"<title>T</title><defs>"
	"<pattern id=\"e-p0\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
	"<rect width=\"8\" height=\"8\" fill=\"#0072b2\"/></pattern></defs>"
	"<text x=\"320\" y=\"35\" font-size=\"14\" text-anchor=\"middle\">no data</text></svg>"
	"\n";
static const char GOLD_EMPTY_TABLE[] =
	"<table class=\"chart-data\"><caption>T</caption><thead><tr><th scope=\"col\"></th>"
	"<th scope=\"col\">a</th></tr></thead><tbody><tr><td colspan=\"2\">no data</td></tr></tbody>"
	"</table>"
	"\n";

static void
assert_output(chart_fn fn, const struct chart *c, const char *want)
{
	int rc;
	char *out = draw(fn, c, &rc);

	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
	free(out);
}

static void
test_golden(void **state)
{
	static const char *const x1[] = { "r1" }, *const x2[] = { "r1", "r2" };
	static const double v1[] = { 50 }, a2[] = { 50, NAN }, b2[] = { 12.25, 0 };
	struct chart_series s1 = { "a", v1 }, s2[2] = { { "a", a2 }, { "b", b2 } };
	struct chart c = { "g", "T", x1, 1, &s1, 1, 100, "%" };
	struct chart t = { "t", "T", x2, 2, s2, 2, 100, "%" };
	struct chart e = { "e", "T", NULL, 0, &s1, 1, 100, "%" };

	(void)state;
	assert_output(chart_bars, &c, GOLD_BARS);
	assert_output(chart_lines, &c, GOLD_LINES);
	assert_output(chart_stacked, &c, GOLD_STACKED);
	assert_output(chart_table, &t, GOLD_TABLE);
	assert_output(chart_bars, &e, GOLD_EMPTY);
	assert_output(chart_table, &e, GOLD_EMPTY_TABLE);
}

/* The table's cell for one value. */
static char *
cell(double v, const char *unit)
{
	static const char *const x[] = { "x" };
	const double vs[] = { v };
	struct chart_series s = { "s", vs };
	struct chart c = { "n", "N", x, 1, &s, 1, 100, unit };
	int rc;
	char *out = draw(chart_table, &c, &rc), *td, *end;

	assert_int_equal(rc, 0);
	assert_non_null(td = strstr(out, "<td>"));
	assert_non_null(end = strstr(td, "</td>"));
	*end = '\0';
	memmove(out, td + 4, strlen(td + 4) + 1);
	return out;
}

static void
assert_cell(double v, const char *unit, const char *want)
{
	char *got = cell(v, unit);

	assert_string_equal(got, want);
	free(got);
}

/* Numbers: whole ones whole, others with a decimal, never rounded to a whole number they are
 * not (99.96 % of domains complying is not 100 %), no "-0", no "nan" or "inf". */
static void
test_numbers(void **state)
{
	char *got;

	(void)state;
	assert_cell(50, "%", "50%");
	assert_cell(55.5, "%", "55.5%");
	assert_cell(100.0 / 3, "%", "33.3%");
	assert_cell(99.96, "%", "99.96%");
	assert_cell(100.0 * 9999 / 10000, "%", "99.99%");
	assert_cell(0.04, "%", "0.04%");
	assert_cell(55.04, "", "55.04");
	assert_cell(-0.0, "", "0");
	assert_cell(1e6, "", "1000000");
	/* a huge value whole, never cut: DBL_MAX has 309 digits */
	got = cell(1e300, "");
	assert_int_equal(strlen(got), 301);
	assert_memory_equal(got, "1000000000000000052504760255204", 31);
	free(got);
	assert_cell(NAN, "%", "-");
	assert_cell(INFINITY, "%", "-");
	assert_cell(-INFINITY, "%", "-");
}

/* Infinite values are no value, like NaN: nothing drawn, no "nan" or "inf" in an attribute. */
static void
test_nonfinite(void **state)
{
	static const chart_fn fns[] = { chart_bars, chart_lines, chart_stacked, chart_table };
	static const double a[] = { INFINITY, 10, -INFINITY }, b[] = { 5, NAN, 1e308 },
	    d[] = { 1e308, 1, 2 };
	struct chart_series s[3] = { { "a", a }, { "b", b }, { "d", d } };
	struct chart c = { "i", "Inf", X3, 3, s, 3, 100, "%" };

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		int rc;
		char *out = draw(fns[k], &c, &rc);

		assert_int_equal(rc, 0);
		assert_null(strstr(out, "nan"));
		assert_null(strstr(out, "inf"));
		if (fns[k] != chart_table)
			assert_wellformed(out);
		free(out);
	}
}

/* The value axis: ticks at 0, 25, 50, 75 and 100 % of ymax, in the scale the bars are drawn
 * in (a ymax of 0 or NaN draws 0..1, and says so), values above ymax clamped to the top. */
static void
test_axis(void **state)
{
	static const double v[] = { 140, 5, 2 };
	struct chart_series s = { "v", v };
	struct chart c = { "a", "Axis", X3, 3, &s, 1, 10, "" };
	int rc;
	char *out;

	(void)state;
	out = draw(chart_bars, &c, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "text-anchor=\"end\">0</text>"));
	assert_non_null(strstr(out, "text-anchor=\"end\">2.5</text>"));
	assert_non_null(strstr(out, "text-anchor=\"end\">5</text>"));
	assert_non_null(strstr(out, "text-anchor=\"end\">7.5</text>"));
	assert_non_null(strstr(out, "text-anchor=\"end\">10</text>"));
	/* 140 of 10: the bar reaches the top (y 20) and no further, its label says 140 */
	assert_non_null(strstr(out, "y=\"20.0\" width=\"186.7\" height=\"200.0\""));
	assert_non_null(strstr(out, ">140</text>"));
	free(out);
	for (int k = 0; k < 2; k++) {
		c.ymax = k == 0 ? 0 : NAN;
		out = draw(chart_lines, &c, &rc);
		assert_int_equal(rc, 0);
		assert_non_null(strstr(out, "text-anchor=\"end\">0.5</text>"));
		assert_non_null(strstr(out, "text-anchor=\"end\">1</text>"));
		assert_null(strstr(out, "nan"));
		free(out);
	}
}

/* A NaN breaks a line: a new "M" after it. */
static void
test_gap(void **state)
{
	static const double v[] = { 10, NAN, 30 };
	struct chart_series s = { "v", v };
	struct chart c = { "g", "Gap", X3, 3, &s, 1, 100, "" };
	int rc;
	char *out = draw(chart_lines, &c, &rc), *d;

	(void)state;
	assert_int_equal(rc, 0);
	assert_non_null(d = strstr(out, " d=\"M"));
	assert_non_null(strchr(d + 4, 'M'));
	assert_null(strchr(d + 4, 'L'));      /* nothing joins 10 to 30 */
	free(out);
}

/* s with every "#rrggbb" hue taken out. */
static void
strip_hues(char *s)
{
	char *w = s;

	for (const char *r = s; *r != '\0';) {
		if (r[0] == '#' && strspn(r + 1, "0123456789abcdef") == 6) {
			r += 7;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* The part of out between the k-th occurrence of open and the next close, hues taken out
 * (malloc'd). */
static char *
nth(const char *out, const char *open, const char *close, size_t k)
{
	const char *p = out, *e;
	char *r;

	for (size_t i = 0; i <= k; i++) {
		assert_non_null(p = strstr(p, open));
		p += strlen(open);
	}
	assert_non_null(e = strstr(p, close));
	r = strndup(p, (size_t)(e - p));
	assert_non_null(r);
	strip_hues(r);
	return r;
}

/* Readable without colour: with every hue taken out, the eight series' patterns still differ
 * from each other, and so do their markers; each chart's pattern ids carry its id, and its
 * title is its accessible name. */
static void
test_greyscale(void **state)
{
	static const double v[] = { 50 };
	static const char *const x[] = { "x" };
	struct chart_series s[CHART_MAX_SERIES];
	struct chart c = { "k7", "Eight", x, 1, s, CHART_MAX_SERIES, 100, "%" };
	char *pat[CHART_MAX_SERIES], *mark[CHART_MAX_SERIES];
	char *bars, *lines;
	int rc;

	(void)state;
	for (size_t i = 0; i < CHART_MAX_SERIES; i++)
		s[i] = (struct chart_series){ "s", v };
	bars = draw(chart_bars, &c, &rc);
	assert_int_equal(rc, 0);
	lines = draw(chart_lines, &c, &rc);
	assert_int_equal(rc, 0);
	/* the accessible name: aria-label, not aria-labelledby to an id on <title>, which
	 * tidy 5.6 (integ_report's checker) calls a proprietary attribute */
	assert_non_null(strstr(bars, "role=\"img\" viewBox=\"0 0 640 "));
	assert_non_null(strstr(bars, "aria-label=\"Eight\"><title>Eight</title>"));
	for (size_t i = 0; i < CHART_MAX_SERIES; i++) {
		char id[32];

		snprintf(id, sizeof(id), "<pattern id=\"k7-p%zu\"", i);
		assert_non_null(strstr(bars, id));
		snprintf(id, sizeof(id), "fill=\"url(#k7-p%zu)\"", i);
		assert_non_null(strstr(bars, id));
		pat[i] = nth(bars, "<pattern ", "</pattern>", i);
		/* the point's marker: after its <title>, in the series' group */
		mark[i] = nth(lines, "x: s 50%</title>", "</g>", i);
	}
	for (size_t i = 0; i < CHART_MAX_SERIES; i++)
		for (size_t j = 0; j < i; j++) {
			/* the ids differ anyway: compare what follows them */
			assert_string_not_equal(strchr(pat[i], '>'), strchr(pat[j], '>'));
			assert_string_not_equal(mark[i], mark[j]);
		}
	for (size_t i = 0; i < CHART_MAX_SERIES; i++) {
		free(pat[i]);
		free(mark[i]);
	}
	free(bars);
	free(lines);
}

/* A series without values is refused, not read. */
static void
test_no_values(void **state)
{
	static const chart_fn fns[] = { chart_bars, chart_lines, chart_stacked, chart_table };
	struct chart_series s = { "s", NULL };
	struct chart c = { "n", "N", X3, 3, &s, 1, 100, "" };

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		int rc;
		char *out = draw(fns[k], &c, &rc);

		assert_int_equal(rc, PEIL_EINVAL);
		free(out);
	}
	/* no points: no values needed */
	c.n = 0;
	for (size_t k = 0; k < 4; k++) {
		int rc;
		char *out = draw(fns[k], &c, &rc);

		assert_int_equal(rc, 0);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_nonfinite),
		cmocka_unit_test(test_axis),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_greyscale),
		cmocka_unit_test(test_no_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
