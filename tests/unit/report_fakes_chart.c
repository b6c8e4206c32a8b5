/* report_fakes_chart.c: a TEMPORARY stand-in for chart.c (written on another branch), so
 * that test_report runs before it lands: charts that draw an empty SVG and the table. Linked
 * only while collector/chart.c does not exist. */
#include <math.h>
#include <stdio.h>

#include "chart.h"
#include "esc.h"

static int
fake_chart(FILE *f, const struct chart *c)
{
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 10 10\" "
	    "width=\"10\" height=\"10\"><title>");
	esc_html_str(f, c->title);
	fputs("</title></svg>\n", f);
	return 0;
}
int chart_bars(FILE *f, const struct chart *c) { return fake_chart(f, c); }
int chart_lines(FILE *f, const struct chart *c) { return fake_chart(f, c); }
int chart_stacked(FILE *f, const struct chart *c) { return fake_chart(f, c); }
int
chart_table(FILE *f, const struct chart *c)
{
	fputs("<table><caption>", f);
	esc_html_str(f, c->title);
	fputs("</caption><thead><tr><th scope=\"col\">x</th>", f);
	for (size_t s = 0; s < c->nseries; s++) {
		fputs("<th scope=\"col\">", f);
		esc_html_str(f, c->series[s].label);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>", f);
	for (size_t i = 0; i < c->n; i++) {
		fputs("<tr><td>", f);
		esc_html_str(f, c->x[i]);
		fputs("</td>", f);
		for (size_t s = 0; s < c->nseries; s++)
			if (isnan(c->series[s].values[i]))
				fputs("<td>-</td>", f);
			else
				fprintf(f, "<td>%.1f%s</td>", c->series[s].values[i], c->unit);
		fputs("</tr>", f);
	}
	fputs("</tbody></table>\n", f);
	return 0;
}
