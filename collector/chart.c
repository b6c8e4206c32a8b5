/* chart.c: the report's SVG charts (chart.h). Every series has a hue, a fill pattern and a
 * marker shape of its own, so a chart reads in greyscale and on paper; every bar, segment and
 * last point carries its number; chart_table gives the same numbers as a table. Labels are
 * untrusted (organisation names, vantage names): written through esc_html and cut to
 * CHART_LABEL_MAX characters in the drawing (whole in the element's <title> and the table). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "err.h"
#include "esc.h"

#define CHART_LABEL_MAX 24      /* characters of a label drawn (bytes of UTF-8 kept whole) */
#define W 640                   /* the viewBox's width */
#define PLOT_L 48               /* the plot's left edge (the value axis' labels before it) */
#define PLOT_R 620
#define LEGEND_ROW 18

/* Hues that differ in lightness too (Okabe-Ito), a pattern and a marker per series. */
static const char *const hue[CHART_MAX_SERIES] = {
	"#0072b2", "#d55e00", "#999999", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000",
};
static const char *const marker[CHART_MAX_SERIES] = {
	"circle", "square", "triangle", "diamond", "cross", "plus", "down", "ring",
};

static int
chart_check(const struct chart *c)
{
	if (c == NULL || c->id == NULL || c->id[0] == '\0' || c->nseries == 0 ||
	    c->nseries > CHART_MAX_SERIES || c->series == NULL || (c->n > 0 && c->x == NULL))
		return PEIL_EINVAL;
	for (size_t s = 0; s < c->nseries; s++)
		if (c->n > 0 && c->series[s].values == NULL)
			return PEIL_EINVAL;
	for (const char *p = c->id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return PEIL_EINVAL;
	if (strlen(c->id) > 64)
		return PEIL_EINVAL;
	return 0;
}

/* A label cut to CHART_LABEL_MAX characters, "..." marking a cut. */
static void
label_short(FILE *f, const char *s)
{
	size_t i = 0, chars = 0, n = s != NULL ? strlen(s) : 0;

	while (i < n && chars < CHART_LABEL_MAX) {
		size_t l = esc_utf8_len((const uint8_t *)s + i, n - i);

		if (l == 0)
			l = 1;
		esc_html(f, s + i, l);
		i += l;
		chars++;
	}
	if (i < n)
		fputs("...", f);
}

/* A value drawn: finite (NaN and infinities are no value: nothing drawn, "-" shown). */
static bool
has(double v)
{
	return isfinite(v);
}

void
chart_num(FILE *f, double v, const char *unit)
{
	char b[320];                     /* DBL_MAX has 309 digits */

	if (!has(v)) {
		fputs("-", f);
		return;
	}
	if (fabs(v - round(v)) < 1e-9)
		snprintf(b, sizeof(b), "%.0f", round(v) + 0.0);   /* + 0.0: no "-0" */
	else {
		for (int d = 1; d <= 3; d++) {
			int l = snprintf(b, sizeof(b), "%.*f", d, v);

			/* not all the decimals written are zeros: the number reads as what it is */
			if (l > d && strspn(b + l - d, "0") < (size_t)d)
				break;
		}
	}
	fputs(b, f);
	esc_html_str(f, unit != NULL ? unit : "");
}

/* Opens a point's group with its <title>: "X: SERIES VALUE" (closed by the caller). */
static void
point_title(FILE *f, const struct chart *c, size_t i, size_t s, double v)
{
	fputs("<g><title>", f);
	esc_html_str(f, c->x[i]);
	fputs(": ", f);
	esc_html_str(f, c->series[s].label);
	fputs(" ", f);
	chart_num(f, v, c->unit);
	fputs("</title>", f);
}

/* The patterns of series 0..nseries-1, one each: solid, diagonal hatch, cross-hatch, dots,
 * horizontal lines, vertical lines, the other diagonal, a grid. */
static void
defs(FILE *f, const struct chart *c)
{
	fputs("<defs>", f);
	for (size_t s = 0; s < c->nseries; s++) {
		fprintf(f, "<pattern id=\"%s-p%zu\" width=\"8\" height=\"8\" "
		    "patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"%s\"/>",
		    c->id, s, hue[s]);
		switch (s) {
		case 0:
			break;   /* solid */
		case 1:
			fputs("<path d=\"M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6\" stroke=\"#fff\" "
			    "stroke-width=\"2\"/>", f);
			break;
		case 2:
			fputs("<path d=\"M0,0 L8,8 M0,8 L8,0\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
			    f);
			break;
		case 3:
			fputs("<circle cx=\"4\" cy=\"4\" r=\"1.8\" fill=\"#fff\"/>", f);
			break;
		case 4:
			fputs("<path d=\"M0,4 L8,4\" stroke=\"#fff\" stroke-width=\"2\"/>", f);
			break;
		case 5:
			fputs("<path d=\"M4,0 L4,8\" stroke=\"#fff\" stroke-width=\"2\"/>", f);
			break;
		case 6:
			fputs("<path d=\"M0,0 L8,8 M-2,6 L2,10 M6,-2 L10,2\" stroke=\"#fff\" "
			    "stroke-width=\"2\"/>", f);
			break;
		default:
			fputs("<path d=\"M0,4 L8,4 M4,0 L4,8\" stroke=\"#fff\" stroke-width=\"1\"/>",
			    f);
			break;
		}
		fputs("</pattern>", f);
	}
	fputs("</defs>", f);
}

static void
open_svg(FILE *f, const struct chart *c, int height)
{
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" aria-label=\"", W, height, W,
	    height);
	esc_html_str(f, c->title);
	fputs("\"><title>", f);
	esc_html_str(f, c->title);
	fputs("</title>", f);
	defs(f, c);
}

static void
draw_marker(FILE *f, size_t s, double x, double y)
{
	const char *m = marker[s];

	if (strcmp(m, "circle") == 0)
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", x, y, hue[s]);
	else if (strcmp(m, "square") == 0)
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\"/>",
		    x - 4, y - 4, hue[s]);
	else if (strcmp(m, "triangle") == 0)
		fprintf(f, "<path d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f Z\" fill=\"%s\"/>", x, y - 5,
		    x + 5, y + 4, x - 5, y + 4, hue[s]);
	else if (strcmp(m, "diamond") == 0)
		fprintf(f, "<path d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f L%.1f,%.1f Z\" fill=\"%s\"/>",
		    x, y - 5, x + 5, y, x, y + 5, x - 5, y, hue[s]);
	else if (strcmp(m, "cross") == 0)
		fprintf(f, "<path d=\"M%.1f,%.1f L%.1f,%.1f M%.1f,%.1f L%.1f,%.1f\" stroke=\"%s\" "
		    "stroke-width=\"2.5\"/>", x - 4, y - 4, x + 4, y + 4, x - 4, y + 4, x + 4, y - 4,
		    hue[s]);
	else if (strcmp(m, "plus") == 0)
		fprintf(f, "<path d=\"M%.1f,%.1f L%.1f,%.1f M%.1f,%.1f L%.1f,%.1f\" stroke=\"%s\" "
		    "stroke-width=\"2.5\"/>", x - 5, y, x + 5, y, x, y - 5, x, y + 5, hue[s]);
	else if (strcmp(m, "down") == 0)
		fprintf(f, "<path d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f Z\" fill=\"%s\"/>", x, y + 5,
		    x + 5, y - 4, x - 5, y - 4, hue[s]);
	else
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#fff\" "
		    "stroke=\"%s\" stroke-width=\"2\"/>", x, y, hue[s]);
}

/* The legend below the plot, from y: a swatch (pattern, and for lines the marker) and the
 * label per series. */
static void
legend(FILE *f, const struct chart *c, int y, bool lines)
{
	for (size_t s = 0; s < c->nseries; s++) {
		double x = PLOT_L + (double)(s % 3) * 190;
		double yy = y + (double)(s / 3) * LEGEND_ROW;

		fputs("<g><title>", f);
		esc_html_str(f, c->series[s].label);
		fputs("</title>", f);
		if (lines)
			draw_marker(f, s, x + 6, yy - 4);
		else
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" "
			    "fill=\"url(#%s-p%zu)\" stroke=\"#000\" stroke-width=\"0.5\"/>", x, yy - 10,
			    c->id, s);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">", x + 18, yy);
		label_short(f, c->series[s].label);
		fputs("</text></g>", f);
	}
}

static int
legend_height(const struct chart *c)
{
	return (int)((c->nseries + 2) / 3) * LEGEND_ROW + 8;
}

/* The top of the value axis: ymax, or 1 when ymax is not a positive number. */
static double
ymax_of(const struct chart *c)
{
	return c->ymax > 0 && isfinite(c->ymax) ? c->ymax : 1.0;
}

/* The value axis from top (ymax) to bottom (0): ticks at 0, 25, 50, 75, 100 % of ymax. */
static void
value_axis(FILE *f, const struct chart *c, double top, double bottom)
{
	for (int k = 0; k <= 4; k++) {
		double y = bottom - (bottom - top) * k / 4.0;

		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ccc\" "
		    "stroke-width=\"0.5\"/><text x=\"%d\" y=\"%.1f\" font-size=\"10\" "
		    "text-anchor=\"end\">", PLOT_L, y, PLOT_R, y, PLOT_L - 4, y + 3);
		chart_num(f, ymax_of(c) * k / 4.0, c->unit);
		fputs("</text>", f);
	}
}

static double
clamp01(double v, double max)
{
	if (!(v > 0))
		return 0;
	return v > max ? 1.0 : v / max;
}

/* The x labels under the plot: rotated when there are many. */
static void
x_label(FILE *f, const char *s, double x, double y, bool rotate)
{
	fputs("<g><title>", f);
	esc_html_str(f, s);
	fputs("</title>", f);
	if (rotate)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" "
		    "transform=\"rotate(-45 %.1f %.1f)\">", x, y, x, y);
	else
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">", x,
		    y);
	label_short(f, s);
	fputs("</text></g>", f);
}

static int
no_data(FILE *f, const struct chart *c)
{
	open_svg(f, c, 60);
	fputs("<text x=\"320\" y=\"35\" font-size=\"14\" text-anchor=\"middle\">no data</text>"
	    "</svg>\n", f);
	return ferror(f) ? PEIL_EIO : 0;
}

int
chart_bars(FILE *f, const struct chart *c)
{
	double top = 20, bottom = 220, max, gw, bw;
	bool rotate;
	int h, rc;

	if ((rc = chart_check(c)) != 0)
		return rc;
	if (c->n == 0)
		return no_data(f, c);
	max = ymax_of(c);
	rotate = c->n > 6;
	h = (int)bottom + (rotate ? 150 : 30) + legend_height(c);
	open_svg(f, c, h);
	value_axis(f, c, top, bottom);
	gw = (double)(PLOT_R - PLOT_L) / (double)c->n;
	bw = (gw - 4) / (double)c->nseries;
	for (size_t i = 0; i < c->n; i++) {
		for (size_t s = 0; s < c->nseries; s++) {
			double v = c->series[s].values[i];
			double x = PLOT_L + gw * (double)i + 2 + bw * (double)s;
			double y = bottom - (bottom - top) * clamp01(v, max);

			if (!has(v))
				continue;
			point_title(f, c, i, s, v);
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			    "fill=\"url(#%s-p%zu)\" stroke=\"#000\" stroke-width=\"0.5\"/>", x, y, bw,
			    bottom - y, c->id, s);
			if (bw >= 14) {
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" "
				    "text-anchor=\"middle\">", x + bw / 2, y - 2);
				chart_num(f, v, c->unit);
				fputs("</text>", f);
			}
			fputs("</g>", f);
		}
		x_label(f, c->x[i], PLOT_L + gw * ((double)i + 0.5), bottom + 14, rotate);
	}
	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#000\"/>", PLOT_L,
	    bottom, PLOT_R, bottom);
	legend(f, c, (int)bottom + (rotate ? 150 : 30) + 10, false);
	fputs("</svg>\n", f);
	return ferror(f) ? PEIL_EIO : 0;
}

int
chart_lines(FILE *f, const struct chart *c)
{
	double top = 20, bottom = 220, max, step;
	bool rotate;
	int h, rc;

	if ((rc = chart_check(c)) != 0)
		return rc;
	if (c->n == 0)
		return no_data(f, c);
	max = ymax_of(c);
	rotate = c->n > 8;
	h = (int)bottom + (rotate ? 110 : 30) + legend_height(c);
	open_svg(f, c, h);
	value_axis(f, c, top, bottom);
	step = c->n > 1 ? (double)(PLOT_R - PLOT_L - 40) / (double)(c->n - 1) : 0;
	for (size_t s = 0; s < c->nseries; s++) {
		bool pen = false;
		size_t last = c->n;

		fputs("<g><title>", f);
		esc_html_str(f, c->series[s].label);
		fprintf(f, "</title><path fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s d=\"", hue[s],
		    s % 2 ? " stroke-dasharray=\"6 3\"" : "");
		for (size_t i = 0; i < c->n; i++) {
			double v = c->series[s].values[i];

			if (!has(v)) {
				pen = false;
				continue;
			}
			fprintf(f, "%s%.1f,%.1f ", pen ? "L" : "M", PLOT_L + 20 + step * (double)i,
			    bottom - (bottom - top) * clamp01(v, max));
			pen = true;
			last = i;
		}
		fputs("\"/>", f);
		for (size_t i = 0; i < c->n; i++) {
			double v = c->series[s].values[i];

			if (!has(v))
				continue;
			point_title(f, c, i, s, v);
			draw_marker(f, s, PLOT_L + 20 + step * (double)i,
			    bottom - (bottom - top) * clamp01(v, max));
			fputs("</g>", f);
		}
		if (last < c->n) {
			double v = c->series[s].values[last];

			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">",
			    PLOT_L + 20 + step * (double)last + 7,
			    bottom - (bottom - top) * clamp01(v, max) - 6);
			chart_num(f, v, c->unit);
			fputs("</text>", f);
		}
		fputs("</g>", f);
	}
	for (size_t i = 0; i < c->n; i++)
		x_label(f, c->x[i], PLOT_L + 20 + step * (double)i, bottom + 14, rotate);
	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#000\"/>", PLOT_L,
	    bottom, PLOT_R, bottom);
	legend(f, c, (int)bottom + (rotate ? 110 : 30) + 10, true);
	fputs("</svg>\n", f);
	return ferror(f) ? PEIL_EIO : 0;
}

int
chart_stacked(FILE *f, const struct chart *c)
{
	double left = 200, right = PLOT_R, bar = 20, gap = 10;
	int h, rc;

	if ((rc = chart_check(c)) != 0)
		return rc;
	if (c->n == 0)
		return no_data(f, c);
	h = (int)(10 + (bar + gap) * (double)c->n) + 10 + legend_height(c);
	open_svg(f, c, h);
	for (size_t i = 0; i < c->n; i++) {
		double y = 10 + (bar + gap) * (double)i, sum = 0, x = left;

		for (size_t s = 0; s < c->nseries; s++)
			if (has(c->series[s].values[i]) && c->series[s].values[i] > 0)
				sum += c->series[s].values[i];
		fputs("<g><title>", f);
		esc_html_str(f, c->x[i]);
		fputs("</title>", f);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">",
		    left - 6, y + 14);
		label_short(f, c->x[i]);
		fputs("</text></g>", f);
		if (!(sum > 0 && isfinite(sum))) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">no data</text>", left,
			    y + 14);
			continue;
		}
		for (size_t s = 0; s < c->nseries; s++) {
			double v = c->series[s].values[i], w;

			if (!has(v) || !(v > 0))
				continue;
			w = (right - left) * (v / sum);   /* not (right - left) * v: 1e308 overflows */
			point_title(f, c, i, s, v);
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			    "fill=\"url(#%s-p%zu)\" stroke=\"#000\" stroke-width=\"0.5\"/>", x, y, w, bar,
			    c->id, s);
			if (w >= 36) {
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
				    "text-anchor=\"middle\" fill=\"#000\" stroke=\"#fff\" "
				    "stroke-width=\"3\" paint-order=\"stroke\">", x + w / 2, y + 14);
				chart_num(f, v, c->unit);
				fputs("</text>", f);
			}
			fputs("</g>", f);
			x += w;
		}
	}
	legend(f, c, (int)(10 + (bar + gap) * (double)c->n) + 14, false);
	fputs("</svg>\n", f);
	return ferror(f) ? PEIL_EIO : 0;
}

int
chart_table(FILE *f, const struct chart *c)
{
	int rc;

	if ((rc = chart_check(c)) != 0)
		return rc;
	fputs("<table class=\"chart-data\"><caption>", f);
	esc_html_str(f, c->title);
	fputs("</caption><thead><tr><th scope=\"col\"></th>", f);
	for (size_t s = 0; s < c->nseries; s++) {
		fputs("<th scope=\"col\">", f);
		esc_html_str(f, c->series[s].label);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>", f);
	for (size_t i = 0; i < c->n; i++) {
		fputs("<tr><th scope=\"row\">", f);
		esc_html_str(f, c->x[i]);
		fputs("</th>", f);
		for (size_t s = 0; s < c->nseries; s++) {
			fputs("<td>", f);
			chart_num(f, c->series[s].values[i], c->unit);
			fputs("</td>", f);
		}
		fputs("</tr>", f);
	}
	if (c->n == 0)
		fprintf(f, "<tr><td colspan=\"%zu\">no data</td></tr>", c->nseries + 1);
	fputs("</tbody></table>\n", f);
	return ferror(f) ? PEIL_EIO : 0;
}
