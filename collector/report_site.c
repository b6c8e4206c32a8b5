/* report_site.c: the report's overview (index.html), its vantages page (vantages.html) and its
 * page per test (test/ID.html, grouped by category on the overview). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "err.h"
#include "esc.h"
#include "report_int.h"

static void
nav(FILE *f, const char *up)
{
	fprintf(f, "<nav><a href=\"%sindex.html\">Overview</a><a href=\"%sindex.html#orgs\">"
	    "Organisations</a><a href=\"%sindex.html#standards\">Standards</a>"
	    "<a href=\"%svantages.html\">Vantages</a></nav>\n<main>\n", up, up, up, up);
}

static bool
test_reported(enum catalogue_test t)
{
	return strcmp(catalogue_get(t)->category, "vantage") != 0;
}

static int
chart_err(struct rctx *x, int rc, const char *what)
{
	if (rc != 0)
		err_set(x->err, x->errlen, "cannot draw the chart of %s: %s", what,
		    peil_strerror(rc));
	return rc;
}

/* The round reported and what the reader must know before any figure. */
static void
round_banner(struct rctx *x, FILE *f)
{
	const struct judge *j = x->j;
	const struct judge_round *rd = &j->rounds[x->r];
	size_t one = 0, d;

	for (d = 0; d < j->ndomains; d++)
		if (rd->nvantages[d] == 1)
			one++;
	fprintf(f, "<p>Round %llu, started ", (unsigned long long)rd->id);
	rep_date(f, rd->started);
	fputs(", ", f);
	if (rd->ended != 0) {
		fputs("ended ", f);
		rep_date(f, rd->ended);
	} else {
		fputs("still open", f);
	}
	fprintf(f, ". %u targets given, %zu domains measured, %llu results (each vantage's "
	    "latest per domain and test), %zu organisations.</p>\n", rd->targets, rd->measured,
	    (unsigned long long)rd->results, j->norgs);
	if (rd->measured == 0)
		fprintf(f, "<p class=\"banner\"><strong>This round has no results.</strong> No "
		    "agent has reported on any domain in round %llu yet: every figure below is "
		    "undecided, not failing. Report an earlier round with --round N, or wait for "
		    "the agents.</p>\n", (unsigned long long)rd->id);
	if (rd->ended == 0 && rd->measured > 0)
		fputs("<p class=\"banner\">This round is still open: its figures may change as "
		    "agents report.</p>\n", f);
	if (one > 0)
		fprintf(f, "<p class=\"banner\">%zu domain%s measured by one vantage only: %s "
		    "results have no second vantage to agree or disagree with.</p>\n", one,
		    one == 1 ? " was" : "s were", one == 1 ? "its" : "their");
	fprintf(f, "<p>The trends cover %zu round%s", j->nrounds, j->nrounds == 1 ? "" : "s");
	if (j->nrounds > 0)
		fprintf(f, " (%llu to %llu)", (unsigned long long)j->rounds[0].id,
		    (unsigned long long)rd->id);
	fputs(".</p>\n", f);
	if (x->pub)
		fputs("<p>This is the public report: only organisations that consented to "
		    "publication are named; every other organisation is counted in the figures "
		    "without its name, domains or evidence.</p>\n", f);
}

static int
agreements(struct rctx *x, FILE *f)
{
	size_t na, a;
	const struct catalogue_agreement *ag = catalogue_agreements(&na);
	const struct judge_round *rd = &x->j->rounds[x->r];
	static char labels[AGREEMENT_COUNT][96];
	const char *xl[AGREEMENT_COUNT];
	double v[2][3][AGREEMENT_COUNT];
	struct judge_tally t[2][AGREEMENT_COUNT];
	struct chart_series ser[3];
	static const char *const sname[3] = { "complies", "fails", "undecided" };
	int rc;

	fputs("<section id=\"agreements\">\n<h2>Agreements</h2>\n<table>\n<caption>The "
	    "agreements and their deadlines</caption>\n<thead><tr><th scope=\"col\">#</th>"
	    "<th scope=\"col\">Agreement</th><th scope=\"col\">Deadline</th>"
	    "<th scope=\"col\">This round</th><th scope=\"col\">Organisations complying</th>"
	    "<th scope=\"col\">Domains complying</th></tr></thead>\n<tbody>\n", f);
	for (a = 0; a < na && a < AGREEMENT_COUNT; a++) {
		for (int by = 0; by < 2; by++) {
			judge_tally_agreement(x->j, x->r, ag[a].n, by == 0, false, &t[by][a]);
			size_t tot = t[by][a].complies + t[by][a].fails + t[by][a].undecided;

			v[by][0][a] = tot ? 100.0 * (double)t[by][a].complies / (double)tot : NAN;
			v[by][1][a] = tot ? 100.0 * (double)t[by][a].fails / (double)tot : NAN;
			v[by][2][a] = tot ? 100.0 * (double)t[by][a].undecided / (double)tot : NAN;
		}
		snprintf(labels[a], sizeof(labels[a]), "%u. %s", ag[a].n, ag[a].title);
		xl[a] = labels[a];
		fprintf(f, "<tr><td class=\"n\">%u</td><td>", ag[a].n);
		esc_html_str(f, ag[a].title);
		fputs(": ", f);
		esc_html_str(f, ag[a].text);
		fprintf(f, "</td><td>end %d</td><td>%s</td><td class=\"n\">%zu of %zu (", 
		    ag[a].deadline_year, rd->started >= ag[a].deadline ? "past the deadline" :
		    "before the deadline", t[0][a].complies,
		    t[0][a].complies + t[0][a].fails + t[0][a].undecided);
		rep_pct(f, t[0][a].complies, t[0][a].complies + t[0][a].fails + t[0][a].undecided);
		fprintf(f, ")</td><td class=\"n\">%zu of %zu (", t[1][a].complies,
		    t[1][a].complies + t[1][a].fails + t[1][a].undecided);
		rep_pct(f, t[1][a].complies, t[1][a].complies + t[1][a].fails + t[1][a].undecided);
		fputs(")</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n<p>An organisation complies when every one of its domains "
	    "does; a domain complies when every mandatory test of the agreement passed; "
	    "undecided: nothing failed, but not everything was judged (never counted as "
	    "complying).</p>\n", f);
	for (int by = 0; by < 2; by++) {
		struct chart c = { by == 0 ? "agree-orgs" : "agree-domains",
		    by == 0 ? "Agreements: share of organisations" :
		    "Agreements: share of target domains", xl, a, ser, 3, 100, "%" };

		for (int k = 0; k < 3; k++) {
			ser[k].label = sname[k];
			ser[k].values = v[by][k];
		}
		fputs("<figure>\n", f);
		if ((rc = chart_err(x, chart_stacked(f, &c), c.title)) != 0 ||
		    (rc = chart_err(x, chart_table(f, &c), c.title)) != 0)
			return rc;
		fputs("</figure>\n", f);
	}
	fputs("</section>\n", f);
	return 0;
}

/* The target domains measured in round r. */
static size_t
measured_targets(const struct judge *j, size_t r)
{
	size_t n = 0;

	for (size_t d = 0; d < j->ndomains; d++)
		if (j->org[d] >= 0 && j->rounds[r].nvantages[d] > 0)
			n++;
	return n;
}

static int
standards(struct rctx *x, FILE *f)
{
	const struct judge *j = x->j;
	size_t nc, c, d, mt = measured_targets(j, x->r);
	const char *const *cats = judge_categories(&nc);
	double *mean = calloc(nc ? nc : 1, sizeof(double)), *full = calloc(nc ? nc : 1,
	    sizeof(double));
	struct chart_series ser[2];
	int rc = 0;

	if (mean == NULL || full == NULL) {
		free(mean);
		free(full);
		err_set(x->err, x->errlen, "out of memory");
		return PEIL_ENOMEM;
	}
	fputs("<section id=\"standards\">\n<h2>Standards</h2>\n", f);
	for (c = 0; c < nc; c++) {
		size_t scored = 0, at100 = 0;
		long sum = 0;

		for (d = 0; d < j->ndomains; d++) {
			int sc;

			if (j->org[d] < 0 || (sc = judge_score_category(j, x->r, d, cats[c])) < 0)
				continue;
			scored++;
			sum += sc;
			if (sc == 100)
				at100++;
		}
		mean[c] = scored ? (double)sum / (double)scored : NAN;
		full[c] = scored ? 100.0 * (double)at100 / (double)scored : NAN;
	}
	{
		struct chart ch = { "standards", "Adoption per category: mean score, and share "
		    "of domains with a full score", (const char *const *)cats, nc, ser, 2, 100,
		    "%" };

		ser[0].label = "mean score";
		ser[0].values = mean;
		ser[1].label = "domains at 100";
		ser[1].values = full;
		fputs("<figure>\n", f);
		if ((rc = chart_err(x, chart_bars(f, &ch), ch.title)) != 0 ||
		    (rc = chart_err(x, chart_table(f, &ch), ch.title)) != 0)
			goto out;
		fputs("</figure>\n", f);
	}
	fprintf(f, "<p>Scores as internet.nl computes them: points of a category's mandatory "
	    "tests earned over those that apply; over the %zu target domains measured in this "
	    "round.</p>\n", mt);
	fputs("<table>\n<caption>Adoption per test (target domains, the vantages' "
	    "consensus)</caption>\n<thead><tr><th scope=\"col\">Category</th>"
	    "<th scope=\"col\">Test</th><th scope=\"col\" class=\"n\">passed</th>"
	    "<th scope=\"col\" class=\"n\">failed</th><th scope=\"col\" class=\"n\">warning</th>"
	    "<th scope=\"col\" class=\"n\">info</th><th scope=\"col\" class=\"n\">not tested</th>"
	    "<th scope=\"col\" class=\"n\">error</th><th scope=\"col\" class=\"n\">no result</th>"
	    "<th scope=\"col\" class=\"n\">disagree</th><th scope=\"col\" class=\"n\">share "
	    "passed</th></tr></thead>\n<tbody>\n", f);
	/* Grouped by category, in the catalogue's order of first appearance. */
	for (size_t gt = 0; gt < TEST_COUNT * TEST_COUNT; gt++) {
		size_t g = gt / TEST_COUNT, t = gt % TEST_COUNT, first;
		const struct catalogue_entry *e = catalogue_get((enum catalogue_test)t);
		struct judge_adoption ad;
		size_t judged;

		for (first = 0; strcmp(catalogue_get((enum catalogue_test)first)->category,
		    e->category) != 0; first++)
			;
		if (first != g || !test_reported((enum catalogue_test)t))
			continue;
		judge_tally_test(j, x->r, (enum catalogue_test)t, &ad);
		judged = ad.status[1] + ad.status[2] + ad.status[3] + ad.status[4];
		fprintf(f, "<tr><td>%s</td><td><a href=\"test/%s.html\">%s</a> ", e->category,
		    e->id, e->id);
		esc_html_str(f, e->title);
		fprintf(f, "%s</td>", e->mandatory ? "" : " (optional)");
		for (int k = 1; k <= 6; k++)
			fprintf(f, "<td class=\"n\">%zu</td>", ad.status[k]);
		fprintf(f, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">",
		    ad.status[0], ad.disagree);
		rep_pct(f, ad.status[1], judged);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n<p>Share passed: of the domains with a verdict (passed, "
	    "failed, warning or info).</p>\n</section>\n", f);
out:
	free(mean);
	free(full);
	return rc;
}

static int
trends(struct rctx *x, FILE *f)
{
	const struct judge *j = x->j;
	size_t na, nr = j->nrounds;
	const struct catalogue_agreement *ag = catalogue_agreements(&na);
	char (*xlab)[48] = calloc(nr, sizeof(*xlab));
	const char **xl = calloc(nr, sizeof(*xl));
	double *v = calloc(nr * AGREEMENT_COUNT * 2, sizeof(double));
	static char slab[AGREEMENT_COUNT][96];
	struct chart_series ser[AGREEMENT_COUNT];
	int rc = 0;

	if (xlab == NULL || xl == NULL || v == NULL) {
		err_set(x->err, x->errlen, "out of memory");
		rc = PEIL_ENOMEM;
		goto out;
	}
	fputs("<section id=\"trends\">\n<h2>Trends</h2>\n", f);
	fprintf(f, "<p>Every round loaded (%zu): the share of target domains and of "
	    "organisations that comply with each agreement, round by round. A round without "
	    "results has no point.</p>\n", nr);
	for (size_t r = 0; r < nr; r++) {
		snprintf(xlab[r], sizeof(xlab[r]), "round %llu", (unsigned long long)j->rounds[r].id);
		xl[r] = xlab[r];
		for (size_t a = 0; a < na && a < AGREEMENT_COUNT; a++)
			for (int by = 0; by < 2; by++) {
				struct judge_tally t;
				size_t tot;

				judge_tally_agreement(j, r, ag[a].n, by == 1, false, &t);
				tot = t.complies + t.fails + t.undecided;
				v[(by * AGREEMENT_COUNT + a) * nr + r] = tot == 0 ||
				    j->rounds[r].measured == 0 ? NAN :
				    100.0 * (double)t.complies / (double)tot;
			}
	}
	for (int by = 0; by < 2; by++) {
		struct chart c = { by == 0 ? "trend-domains" : "trend-orgs", by == 0 ?
		    "Share of target domains complying, per agreement" :
		    "Share of organisations complying, per agreement", xl, nr, ser,
		    na < AGREEMENT_COUNT ? na : AGREEMENT_COUNT, 100, "%" };

		for (size_t a = 0; a < c.nseries; a++) {
			snprintf(slab[a], sizeof(slab[a]), "%u. %s", ag[a].n, ag[a].title);
			ser[a].label = slab[a];
			ser[a].values = &v[(by * AGREEMENT_COUNT + a) * nr];
		}
		fputs("<figure>\n", f);
		if ((rc = chart_err(x, chart_lines(f, &c), c.title)) != 0 ||
		    (rc = chart_err(x, chart_table(f, &c), c.title)) != 0)
			goto out;
		fputs("</figure>\n", f);
	}
	fputs("</section>\n", f);
out:
	free(xlab);
	free(xl);
	free(v);
	return rc;
}

static void
changes(struct rctx *x, FILE *f)
{
	const struct judge *j = x->j;
	size_t up[TEST_COUNT] = { 0 }, down[TEST_COUNT] = { 0 }, tu = 0, td = 0;

	fputs("<section id=\"changes\">\n<h2>Changes since the previous round</h2>\n", f);
	if (x->r == 0) {
		fputs("<p>No previous round in the history loaded: nothing to compare.</p>\n"
		    "</section>\n", f);
		return;
	}
	for (size_t d = 0; d < j->ndomains; d++) {
		if (j->org[d] < 0)
			continue;
		for (size_t t = 0; t < TEST_COUNT; t++) {
			int c = judge_change(j, x->r, d, (enum catalogue_test)t);

			if (c > 0)
				up[t]++, tu++;
			else if (c < 0)
				down[t]++, td++;
		}
	}
	fprintf(f, "<p>Since round %llu: %zu results newly passing, %zu newly failing (target "
	    "domains, every test).</p>\n", (unsigned long long)j->rounds[x->r - 1].id, tu, td);
	if (tu + td == 0) {
		fputs("</section>\n", f);
		return;
	}
	fputs("<table>\n<caption>Tests that changed</caption>\n<thead><tr>"
	    "<th scope=\"col\">Test</th><th scope=\"col\" class=\"n\">newly passing</th>"
	    "<th scope=\"col\" class=\"n\">newly failing</th></tr></thead>\n<tbody>\n", f);
	for (size_t t = 0; t < TEST_COUNT; t++)
		if (up[t] + down[t] > 0 && test_reported((enum catalogue_test)t))
			fprintf(f, "<tr><td><a href=\"test/%s.html\">%s</a></td><td class=\"n\">%zu"
			    "</td><td class=\"n\">%zu</td></tr>\n", catalogue_get((enum catalogue_test)t)->id,
			    catalogue_get((enum catalogue_test)t)->id, up[t], down[t]);
	fputs("</tbody>\n</table>\n</section>\n", f);
}

static void
orgs_list(struct rctx *x, FILE *f)
{
	const struct judge *j = x->j;
	size_t hidden = 0, shown = 0;

	fputs("<section id=\"orgs\">\n<h2>Organisations</h2>\n", f);
	for (size_t o = 0; o < j->norgs; o++)
		if (rep_named(x, (long)o))
			shown++;
		else
			hidden++;
	if (shown > 0) {
		fputs("<table>\n<caption>Organisations: agreements met this round, mean "
		    "score</caption>\n<thead><tr><th scope=\"col\">Organisation</th>"
		    "<th scope=\"col\" class=\"n\">Domains</th>", f);
		for (unsigned a = 1; a <= AGREEMENT_COUNT; a++)
			fprintf(f, "<th scope=\"col\">%u</th>", a);
		fputs("<th scope=\"col\" class=\"n\">Mean score</th></tr></thead>\n<tbody>\n", f);
	}
	for (size_t o = 0; o < j->norgs; o++) {
		const struct judge_org *g = &j->orgs[o];
		long sum = 0;
		size_t n = 0;

		if (!rep_named(x, (long)o))
			continue;
		fprintf(f, "<tr><td><a href=\"org/%s.html\">", x->slug[o]);
		esc_html_str(f, g->name);
		fprintf(f, "</a></td><td class=\"n\">%zu</td>", g->ndomains);
		for (unsigned a = 1; a <= AGREEMENT_COUNT; a++) {
			fputs("<td>", f);
			rep_comply(f, judge_org_agreement(j, x->r, o, a));
			fputs("</td>", f);
		}
		for (size_t k = 0; k < g->ndomains; k++) {
			int sc = judge_score(j, x->r, g->domains[k]);

			if (sc >= 0)
				sum += sc, n++;
		}
		if (n > 0)
			fprintf(f, "<td class=\"n\">%ld</td></tr>\n", sum / (long)n);
		else
			fputs("<td class=\"n\">-</td></tr>\n", f);
	}
	if (shown > 0)
		fputs("</tbody>\n</table>\n", f);
	else
		fputs("<p>No organisation is named in this report.</p>\n", f);
	if (hidden > 0)
		fprintf(f, "<p>%zu organisation%s did not consent to publication: counted in "
		    "every figure above, not named.</p>\n", hidden, hidden == 1 ? "" : "s");
	fputs("</section>\n", f);
}

int
report_site_index(struct rctx *x)
{
	FILE *f;
	int rc;

	if ((rc = rep_open(x, "index.html", &f)) != 0)
		return rc;
	rep_head(f, "peil report", x->pub ? "public" : "coalition", "style.css");
	nav(f, "");
	fputs("<h1>Adoption of internet standards</h1>\n", f);
	round_banner(x, f);
	if ((rc = agreements(x, f)) != 0 || (rc = standards(x, f)) != 0 ||
	    (rc = trends(x, f)) != 0) {
		fclose(f);
		return rc;
	}
	changes(x, f);
	orgs_list(x, f);
	fputs("<section id=\"more\">\n<h2>More</h2>\n<p><a href=\"vantages.html\">The vantages"
	    "</a>: their self-tests and every disagreement between them.</p>\n</section>\n", f);
	rep_foot(f);
	return rep_close(x, f, "index.html");
}

/* ---- the per-test pages ------------------------------------------------------------------ */

int
report_site_tests_open(struct rctx *x)
{
	char rel[96];
	int rc;

	for (size_t t = 0; t < TEST_COUNT; t++) {
		const struct catalogue_entry *e = catalogue_get((enum catalogue_test)t);
		struct judge_adoption ad;
		FILE *f;

		if (!test_reported((enum catalogue_test)t))
			continue;
		snprintf(rel, sizeof(rel), "test/%s.html", e->id);
		if ((rc = rep_open(x, rel, &f)) != 0)
			return rc;
		x->tests[t] = f;
		rep_head(f, e->id, NULL, "../style.css");
		nav(f, "../");
		fprintf(f, "<h1>%s</h1>\n<p>", e->id);
		esc_html_str(f, e->title);
		fprintf(f, ". Category %s; %s; judged by ", e->category,
		    e->mandatory ? "mandatory" : "optional (not scored)");
		rep_guideline(f, e->guideline);
		fputs(".</p>\n<h2>What it checks</h2>\n<p>", f);
		esc_html_str(f, e->checks);
		fputs("</p>\n<h2>Why</h2>\n<p>", f);
		esc_html_str(f, e->why);
		fputs("</p>\n<h2>How to fix a failure</h2>\n<p>", f);
		esc_html_str(f, e->fix);
		fputs("</p>\n", f);
		judge_tally_test(x->j, x->r, (enum catalogue_test)t, &ad);
		fprintf(f, "<h2>This round</h2>\n<p>Target domains: %zu passed, %zu failed, %zu "
		    "warning, %zu info, %zu not tested, %zu error, %zu without a result; the "
		    "vantages disagree on %zu.</p>\n", ad.status[1], ad.status[2], ad.status[3],
		    ad.status[4], ad.status[5], ad.status[6], ad.status[0], ad.disagree);
		fputs("<h2>Domains that fail it</h2>\n", f);
	}
	return 0;
}

int
report_site_tests_close(struct rctx *x)
{
	char rel[96];
	int rc = 0, r;

	for (size_t t = 0; t < TEST_COUNT; t++) {
		FILE *f = x->tests[t];

		if (f == NULL)
			continue;
		x->tests[t] = NULL;
		if (x->test_rows[t] > 0)
			fputs("</tbody>\n</table>\n", f);
		else if (x->test_hidden[t] == 0)
			fputs("<p>No target domain fails this test (failed or warning) in this "
			    "round.</p>\n", f);
		if (x->test_hidden[t] > 0)
			fprintf(f, "<p>%zu %sdomain%s of organisations that did not consent to "
			    "publication fail%s it: counted, not named.</p>\n", x->test_hidden[t],
			    x->test_rows[t] > 0 ? "more " : "", x->test_hidden[t] == 1 ? "" : "s",
			    x->test_hidden[t] == 1 ? "s" : "");
		rep_foot(f);
		snprintf(rel, sizeof(rel), "test/%s.html", catalogue_get((enum catalogue_test)t)->id);
		if ((r = rep_close(x, f, rel)) != 0 && rc == 0)
			rc = r;
	}
	return rc;
}

/* ---- the vantages page ------------------------------------------------------------------- */

static const char *
self_name(int st)
{
	return st < 0 ? "none" : rep_status_name(st);
}

int
report_site_vantages(struct rctx *x)
{
	struct judge *j = x->j;
	const struct judge_round *rd = &j->rounds[x->r];
	size_t flagged = 0, shown = 0, hidden = 0;
	FILE *f;
	int rc;

	if ((rc = rep_open(x, "vantages.html", &f)) != 0)
		return rc;
	rep_head(f, "peil report", "vantages", "style.css");
	nav(f, "");
	fprintf(f, "<h1>Vantages</h1>\n<p>Round %llu: %zu vantage%s reported.</p>\n",
	    (unsigned long long)rd->id, rd->nvantages_round, rd->nvantages_round == 1 ? "" : "s");
	for (size_t v = 0; v < rd->nvantages_round; v++)
		if (rd->vantages[v].lie != NULL) {
			if (flagged++ == 0)
				fputs("<div class=\"banner\"><p>Vantages whose self-test contradicts "
				    "their results:</p>\n<ul>\n", f);
			fputs("<li>", f);
			esc_html_str(f, rd->vantages[v].lie);
			fputs("</li>\n", f);
		}
	if (flagged > 0)
		fputs("</ul>\n</div>\n", f);
	fputs("<section id=\"self\">\n<h2>Self-tests per round</h2>\n<p>vantage_ipv6: can the "
	    "vantage reach IPv6 at all; vantage_rov: does its network drop RPKI-invalid routes. "
	    "The Hello's IPv6 fact counts when a round has no vantage_ipv6 verdict "
	    "(docs/consensus.md).</p>\n<table>\n<caption>Each vantage in each round loaded"
	    "</caption>\n<thead><tr><th scope=\"col\">Round</th><th scope=\"col\">Vantage</th>"
	    "<th scope=\"col\">vantage_ipv6</th><th scope=\"col\">vantage_rov</th>"
	    "<th scope=\"col\">Hello IPv6</th><th scope=\"col\" class=\"n\">Results</th>"
	    "<th scope=\"col\" class=\"n\">Domains</th><th scope=\"col\">Flag</th></tr></thead>\n"
	    "<tbody>\n", f);
	for (size_t r = j->nrounds; r-- > 0;)
		for (size_t v = 0; v < j->rounds[r].nvantages_round; v++) {
			const struct judge_vantage *jv = &j->rounds[r].vantages[v];

			fprintf(f, "<tr><td class=\"n\">%llu</td><td>",
			    (unsigned long long)j->rounds[r].id);
			esc_html_str(f, jv->name);
			fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%llu</td>"
			    "<td class=\"n\">%zu</td><td>", self_name(jv->self_ipv6),
			    self_name(jv->self_rov), jv->hello_ipv6 ? "yes" : "no",
			    (unsigned long long)jv->results, jv->domains);
			if (jv->lie != NULL)
				esc_html_str(f, jv->lie);
			else
				fputs("-", f);
			fputs("</td></tr>\n", f);
			shown++;
		}
	if (shown == 0)
		fputs("<tr><td colspan=\"8\">No vantage reported in the rounds loaded.</td></tr>\n",
		    f);
	fputs("</tbody>\n</table>\n</section>\n", f);

	fprintf(f, "<section id=\"disagreements\">\n<h2>Disagreements in round %llu</h2>\n"
	    "<p>Where the vantages that may judge a test gave different statuses: who saw what "
	    "(docs/consensus.md). A disagreement is a finding: a broken path from one network, "
	    "a route seen with another origin, split-horizon DNS.</p>\n",
	    (unsigned long long)rd->id);
	shown = 0;
	for (size_t d = 0; d < j->ndomains; d++) {
		for (size_t t = 0; t < TEST_COUNT; t++) {
			uint8_t cell = j->rounds[x->r].cell[d * TEST_COUNT + t];
			char *who = NULL;

			if (!(cell & JUDGE_DISAGREE))
				continue;
			if (!rep_named(x, j->org[d])) {
				hidden++;
				continue;
			}
			if ((rc = judge_who(j, x->r, d, (enum catalogue_test)t, &who)) != 0) {
				fclose(f);
				err_set(x->err, x->errlen, "cannot read who saw what: %s",
				    peil_strerror(rc));
				return rc;
			}
			if (shown++ == 0)
				fputs("<table>\n<caption>Disagreements</caption>\n<thead><tr>"
				    "<th scope=\"col\">Domain</th><th scope=\"col\">Organisation</th>"
				    "<th scope=\"col\">Test</th><th scope=\"col\">Consensus</th>"
				    "<th scope=\"col\">Who saw what</th></tr></thead>\n<tbody>\n", f);
			fputs("<tr><td>", f);
			if (j->org[d] >= 0)
				fprintf(f, "<a href=\"org/%s.html#d%zu\">", x->slug[j->org[d]], d);
			esc_html_str(f, j->domains[d]);
			fputs(j->org[d] >= 0 ? "</a></td><td>" : "</td><td>", f);
			if (j->org[d] >= 0)
				fprintf(f, "<a href=\"org/%s.html\">", x->slug[j->org[d]]);
			esc_html_str(f, j->org[d] >= 0 ? j->orgs[j->org[d]].name : "(not a target)");
			fprintf(f, "%s</td><td>", j->org[d] >= 0 ? "</a>" : "");
			if (test_reported((enum catalogue_test)t))
				fprintf(f, "<a href=\"test/%s.html\">%s</a>", catalogue_get((enum catalogue_test)t)->id,
				    catalogue_get((enum catalogue_test)t)->id);
			else
				fputs(catalogue_get((enum catalogue_test)t)->id, f);
			fputs("</td><td>", f);
			rep_status(f, cell & (uint8_t)~JUDGE_DISAGREE);
			fputs("</td><td>", f);
			esc_html_str(f, who);
			fputs("</td></tr>\n", f);
			free(who);
		}
		if (d % 512 == 511)
			store_release_pages(x->s);
	}
	if (shown > 0)
		fputs("</tbody>\n</table>\n", f);
	else if (hidden == 0)
		fputs("<p>No disagreement in this round.</p>\n", f);
	if (hidden > 0)
		fprintf(f, "<p>%zu %sdisagreement%s on domains of organisations that did not "
		    "consent to publication: counted, not shown.</p>\n", hidden,
		    shown > 0 ? "more " : "", hidden == 1 ? "" : "s");
	fputs("</section>\n", f);
	rep_foot(f);
	return rep_close(x, f, "vantages.html");
}
