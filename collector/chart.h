/* chart.h: the report's charts, drawn by peil as inline SVG (DESIGN.md §10): readable without
 * JavaScript, printable, and readable without colour (every series has a fill pattern or a
 * marker shape of its own as well as a hue, and every bar and point is labelled with its
 * number); each chart is followed by an HTML table of the same numbers (chart_table). Every
 * label is written through esc_html. */
#ifndef PEIL_CHART_H
#define PEIL_CHART_H

#include <stddef.h>
#include <stdio.h>

/* At most this many series in one chart (one pattern and marker each). */
#define CHART_MAX_SERIES 8

struct chart_series {
	const char *label;             /* untrusted allowed: escaped */
	const double *values;          /* chart.n values; NaN: no value (a gap, "-" in the table) */
};

struct chart {
	const char *id;                /* unique on the page, [a-z0-9-] only: prefixes the ids of
	                                * the chart's patterns; anything else is refused */
	const char *title;             /* the chart's <title> and the table's caption */
	const char *const *x;          /* n labels along the category (or time) axis */
	size_t n;
	const struct chart_series *series;
	size_t nseries;                /* 1 .. CHART_MAX_SERIES */
	double ymax;                   /* the value axis runs 0 .. ymax (100 for percentages) */
	const char *unit;              /* appended to every number shown: "%" or "" */
};

/* Grouped vertical bars: a group per x label, a bar per series. */
int chart_bars(FILE *f, const struct chart *c);
/* Lines over time: a line per series through its points (a gap at NaN), a marker shape per
 * series, the last value labelled at the line's end. */
int chart_lines(FILE *f, const struct chart *c);
/* Horizontal stacked bars: a bar per x label, its segments the series (e.g. complies, fails,
 * undecided), each segment labelled with its value when wide enough and always in the
 * table. */
int chart_stacked(FILE *f, const struct chart *c);
/* The chart's numbers as an HTML <table> with a <caption>: a row per x label, a column per
 * series. */
int chart_table(FILE *f, const struct chart *c);

/* A number as charts and tables show it, then unit (escaped): whole numbers whole, others
 * with one decimal, or more (up to three) where one would show a whole number the value is
 * not (99.96 % is "99.96%", never "100.0%"; 0.04 % is "0.04%", never "0.0%"), in the C
 * locale's digits; "-" for a value that is not finite. */
void chart_num(FILE *f, double v, const char *unit);

/* Each returns 0, PEIL_EINVAL (a bad id, no series, too many, a series without values when
 * n > 0) or PEIL_EIO (a write failed). A value that is not finite (NaN, an infinity) is no
 * value. */

#endif
