/* report_org.c: an organisation's page (every domain, agreement and test, the evidence
 * behind each result that did not pass, what to change), its send-back pack's failing.csv,
 * and its failing domains' lines on the per-test pages. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "esc.h"
#include "limits.h"
#include "report_int.h"
#include "result.h"

const char report_csv_header[] = "domain,test,vantage,status,consensus,disagreement,evidence,"
    "guideline,fix\n";

/* Domains read between two store_release_pages. */
#define RELEASE_EVERY 256

/* One domain's results of the round: every vantage's latest of every test, in key order
 * (test id, vantage), and where each test's run of them starts. */
struct dres {
	struct result_set rs;
	size_t from[TEST_COUNT], to[TEST_COUNT];
};

static int
dres_add(const Peil__Result *r, void *arg)
{
	struct dres *d = arg;
	Peil__Result *c = result_dup(r);

	if (c == NULL)
		return PEIL_ENOMEM;
	return result_set_add(&d->rs, c);
}

static int
dres_read(struct rctx *x, const char *domain, struct dres *d)
{
	struct store_sel sel = { x->j->rounds[x->r].id, domain, NULL, NULL, NULL };
	enum catalogue_test t;
	int rc;

	result_set_clear(&d->rs);
	memset(d->from, 0, sizeof(d->from));
	memset(d->to, 0, sizeof(d->to));
	if ((rc = store_view_round(x->view, &sel, dres_add, d)) != 0) {
		err_set(x->err, x->errlen, "cannot read the results of %s: %s", domain,
		    peil_strerror(rc));
		return rc;
	}
	for (size_t i = 0; i < d->rs.n; i++)
		if (catalogue_test_find(d->rs.items[i]->test_id, &t)) {
			if (d->to[t] == 0)
				d->from[t] = i;
			d->to[t] = i + 1;
		}
	if (++x->walked % RELEASE_EVERY == 0)
		store_release_pages(x->s);
	return 0;
}

/* The result that decided the consensus: the first vantage that gave its status. */
static const Peil__Result *
decisive(const struct dres *d, enum catalogue_test t, int status)
{
	for (size_t i = d->from[t]; i < d->to[t]; i++)
		if ((int)d->rs.items[i]->status == status)
			return d->rs.items[i];
	return d->to[t] > d->from[t] ? d->rs.items[d->from[t]] : NULL;
}

/* Its one line: the "reason" pair, else the first. */
static void
ev_line(FILE *f, const Peil__Result *r)
{
	const Peil__Evidence *e = NULL;

	if (r == NULL || r->n_evidence == 0) {
		fputs("-", f);
		return;
	}
	for (size_t i = 0; i < r->n_evidence && e == NULL; i++)
		if (r->evidence[i]->key != NULL && strcmp(r->evidence[i]->key, "reason") == 0)
			e = r->evidence[i];
	if (e == NULL)
		e = r->evidence[0];
	fputs("<span class=\"k\">", f);
	rep_cut(f, e->key, MAX_EVIDENCE_KEY_LEN);
	fputs("</span>: ", f);
	rep_cut(f, e->value, MAX_REPORT_EVIDENCE_LINE);
}

static void
ev_list(FILE *f, const Peil__Result *r)
{
	if (r->n_evidence == 0) {
		fputs("-", f);
		return;
	}
	fputs("<ul class=\"ev\">", f);
	for (size_t i = 0; i < r->n_evidence; i++) {
		fputs("<li><span class=\"k\">", f);
		esc_html_str(f, r->evidence[i]->key);
		fputs("</span>=", f);
		esc_html_str(f, r->evidence[i]->value);
		fputs("</li>", f);
	}
	fputs("</ul>", f);
}

/* Evidence pairs "k=v; k=v" as one CSV field. */
static int
ev_csv(FILE *csv, const Peil__Result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL)
		return PEIL_ENOMEM;
	for (size_t i = 0; i < r->n_evidence; i++)
		fprintf(m, "%s%s=%s", i ? "; " : "", r->evidence[i]->key ? r->evidence[i]->key : "",
		    r->evidence[i]->value ? r->evidence[i]->value : "");
	if (fclose(m) != 0) {
		free(buf);
		return PEIL_ENOMEM;
	}
	esc_csv(csv, buf);
	free(buf);
	return 0;
}

static bool
reported(enum catalogue_test t)
{
	return strcmp(catalogue_get(t)->category, "vantage") != 0;
}

static bool
failing(int st)
{
	return st == PEIL__STATUS__FAILED || st == PEIL__STATUS__WARNING;
}

/* The failing lines of one domain on the per-test pages. */
static void
test_rows(struct rctx *x, size_t org, size_t d, const struct dres *dr, bool named)
{
	const struct judge *j = x->j;

	for (size_t t = 0; t < TEST_COUNT; t++) {
		uint8_t cell = judge_cell(j, x->r, d, (enum catalogue_test)t);
		FILE *f = x->tests[t];

		if (f == NULL || !failing(JUDGE_STATUS(cell)))
			continue;
		if (!named) {
			x->test_hidden[t]++;
			continue;
		}
		if (x->test_rows[t]++ == 0)
			fputs("<table>\n<caption>Target domains whose consensus is failed or warning"
			    "</caption>\n<thead><tr><th scope=\"col\">Domain</th>"
			    "<th scope=\"col\">Organisation</th><th scope=\"col\">Status</th>"
			    "<th scope=\"col\">Why (the decisive evidence)</th></tr></thead>\n"
			    "<tbody>\n", f);
		fprintf(f, "<tr><td><a href=\"../org/%s.html#d%zu\">", x->slug[org], d);
		esc_html_str(f, j->domains[d]);
		fprintf(f, "</a></td><td><a href=\"../org/%s.html\">", x->slug[org]);
		esc_html_str(f, j->orgs[org].name);
		fputs("</a></td><td>", f);
		rep_status(f, cell);
		fputs("</td><td>", f);
		ev_line(f, decisive(dr, (enum catalogue_test)t, JUDGE_STATUS(cell)));
		fputs("</td></tr>\n", f);
	}
}

static void
org_agreements(struct rctx *x, FILE *f, size_t org, bool pack)
{
	const struct judge *j = x->j;
	const struct judge_org *g = &j->orgs[org];
	size_t na;
	const struct catalogue_agreement *ag = catalogue_agreements(&na);

	(void)pack;
	fputs("<section id=\"agreements\">\n<h2>Agreements</h2>\n<table>\n<caption>Whether the "
	    "organisation and each domain meet each agreement</caption>\n<thead><tr>"
	    "<th scope=\"col\">Domain</th>", f);
	for (size_t a = 0; a < na; a++) {
		fprintf(f, "<th scope=\"col\">%u. ", ag[a].n);
		esc_html_str(f, ag[a].title);
		fprintf(f, " (end %d%s)</th>", ag[a].deadline_year,
		    j->rounds[x->r].started >= ag[a].deadline ? ", past" : "");
	}
	fputs("</tr></thead>\n<tbody>\n<tr><th scope=\"row\">The organisation (every domain)"
	    "</th>", f);
	for (size_t a = 0; a < na; a++) {
		fputs("<td>", f);
		rep_comply(f, judge_org_agreement(j, x->r, org, ag[a].n));
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
	for (size_t k = 0; k < g->ndomains; k++) {
		size_t d = g->domains[k];

		fprintf(f, "<tr><th scope=\"row\"><a href=\"#d%zu\">", d);
		esc_html_str(f, j->domains[d]);
		fputs("</a></th>", f);
		for (size_t a = 0; a < na; a++) {
			fputs("<td>", f);
			rep_comply(f, judge_domain_agreement(j, x->r, d, ag[a].n));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n<p>A domain complies when every mandatory test of the "
	    "agreement passed; undecided: nothing failed, but not everything was judged.</p>\n"
	    "</section>\n", f);
}

static void
org_scores(struct rctx *x, FILE *f, size_t org)
{
	const struct judge *j = x->j;
	const struct judge_org *g = &j->orgs[org];
	size_t nc;
	const char *const *cats = judge_categories(&nc);

	fputs("<section id=\"scores\">\n<h2>Scores</h2>\n<table>\n<caption>Score per category "
	    "and per domain (internet.nl's way: points of the mandatory tests, 0 to 100)"
	    "</caption>\n<thead><tr><th scope=\"col\">Domain</th>", f);
	for (size_t c = 0; c < nc; c++)
		fprintf(f, "<th scope=\"col\" class=\"n\">%s</th>", cats[c]);
	fputs("<th scope=\"col\" class=\"n\">Score</th></tr></thead>\n<tbody>\n", f);
	for (size_t k = 0; k < g->ndomains; k++) {
		size_t d = g->domains[k];
		int sc;

		fprintf(f, "<tr><th scope=\"row\"><a href=\"#d%zu\">", d);
		esc_html_str(f, j->domains[d]);
		fputs("</a></th>", f);
		for (size_t c = 0; c < nc; c++) {
			sc = judge_score_category(j, x->r, d, cats[c]);
			if (sc < 0)
				fputs("<td class=\"n\">-</td>", f);
			else
				fprintf(f, "<td class=\"n\">%d</td>", sc);
		}
		sc = judge_score(j, x->r, d);
		if (sc < 0)
			fputs("<td class=\"n\">-</td></tr>\n", f);
		else
			fprintf(f, "<td class=\"n\">%d</td></tr>\n", sc);
	}
	fputs("</tbody>\n</table>\n<p>-: no mandatory test of the category applied or was "
	    "judged.</p>\n</section>\n", f);
}

/* The finding of one test that did not pass: status, fix, guideline, each vantage's
 * evidence; and its failing.csv rows. */
static int
finding(struct rctx *x, FILE *f, FILE *csv, size_t d, enum catalogue_test t, uint8_t cell,
    const struct dres *dr, const char *who)
{
	const struct catalogue_entry *e = catalogue_get(t);
	const Peil__Result *dec = decisive(dr, t, JUDGE_STATUS(cell));
	int rc;

	if (f != NULL) {
		fprintf(f, "<div class=\"finding\" id=\"d%zu-%s\">\n<h4>%s: ", d, e->id, e->id);
		esc_html_str(f, e->title);
		fputs("</h4>\n<p>", f);
		rep_status(f, cell);
		if (who != NULL) {
			fputs(" (", f);
			esc_html_str(f, who);
			fputs(")", f);
		}
		fputs("; judged by ", f);
		rep_guideline(f, dec != NULL && dec->guideline != NULL && dec->guideline[0] ?
		    dec->guideline : e->guideline);
		fputs(".</p>\n<p><strong>What to change:</strong> ", f);
		esc_html_str(f, e->fix);
		fputs("</p>\n<table>\n<caption>Evidence per vantage</caption>\n<thead><tr>"
		    "<th scope=\"col\">Vantage</th><th scope=\"col\">Status</th>"
		    "<th scope=\"col\">Evidence</th></tr></thead>\n<tbody>\n", f);
		for (size_t i = dr->from[t]; i < dr->to[t]; i++) {
			const Peil__Result *r = dr->rs.items[i];

			fputs("<tr><td>", f);
			esc_html_str(f, r->vantage);
			fputs("</td><td>", f);
			rep_status(f, (uint8_t)r->status);
			fputs("</td><td>", f);
			ev_list(f, r);
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody>\n</table>\n</div>\n", f);
	}
	if (csv == NULL || !failing(JUDGE_STATUS(cell)))
		return 0;
	for (size_t i = dr->from[t]; i < dr->to[t]; i++) {
		const Peil__Result *r = dr->rs.items[i];

		esc_csv(csv, x->j->domains[d]);
		fprintf(csv, ",%s,", e->id);
		esc_csv(csv, r->vantage);
		fprintf(csv, ",%s,%s,", status_name((int)r->status),
		    status_name(JUDGE_STATUS(cell)));
		esc_csv(csv, who);
		putc(',', csv);
		if ((rc = ev_csv(csv, r)) != 0) {
			err_set(x->err, x->errlen, "out of memory");
			return rc;
		}
		putc(',', csv);
		esc_csv(csv, r->guideline);
		putc(',', csv);
		esc_csv(csv, e->fix);
		putc('\n', csv);
	}
	return 0;
}

/* One domain's section. */
static int
org_domain(struct rctx *x, FILE *f, FILE *csv, size_t d, const struct dres *dr, bool pack)
{
	const struct judge *j = x->j;
	unsigned nv = j->rounds[x->r].nvantages[d];
	size_t nfind = 0;
	int rc;

	if (f != NULL) {
		fprintf(f, "<section id=\"d%zu\">\n<h2>", d);
		esc_html_str(f, j->domains[d]);
		fputs("</h2>\n", f);
		if (nv == 0) {
			fprintf(f, "<p class=\"banner\">No results for this domain in round %llu: "
			    "no agent has reported on it (not handed out yet, or not reachable from "
			    "any vantage). Its agreements are undecided, not failing.</p>\n"
			    "</section>\n", (unsigned long long)j->rounds[x->r].id);
			return 0;
		}
		if (nv == 1)
			fputs("<p class=\"banner\">Measured by one vantage only: no second vantage "
			    "to confirm these results.</p>\n", f);
		else
			fprintf(f, "<p>Measured by %u vantages; the status is their consensus "
			    "(docs/consensus.md).</p>\n", nv);
		fputs("<h3>Tests</h3>\n<table>\n<caption>Every test, its status this round and "
		    "the change since the round before</caption>\n<thead><tr>"
		    "<th scope=\"col\">Test</th><th scope=\"col\">Status</th>"
		    "<th scope=\"col\">Change</th><th scope=\"col\">Judged by</th></tr></thead>\n"
		    "<tbody>\n", f);
		for (size_t t = 0; t < TEST_COUNT; t++) {
			const struct catalogue_entry *e = catalogue_get((enum catalogue_test)t);
			uint8_t cell = judge_cell(j, x->r, d, (enum catalogue_test)t);
			int ch = judge_change(j, x->r, d, (enum catalogue_test)t);
			int st = JUDGE_STATUS(cell);
			const Peil__Result *dec;

			if (!reported((enum catalogue_test)t))
				continue;
			if (pack)
				fprintf(f, "<tr><td>%s ", e->id);
			else
				fprintf(f, "<tr><td><a href=\"../test/%s.html\">%s</a> ", e->id, e->id);
			esc_html_str(f, e->title);
			fputs("</td><td>", f);
			if (st != PEIL__STATUS__PASSED && st != JUDGE_NONE)
				fprintf(f, "<a href=\"#d%zu-%s\">", d, e->id);
			rep_status(f, cell);
			if (st != PEIL__STATUS__PASSED && st != JUDGE_NONE)
				fputs("</a>", f), nfind++;
			fprintf(f, "</td><td>%s</td><td>", ch > 0 ?
			    "<span class=\"chg\">newly passing</span>" : ch < 0 ?
			    "<span class=\"chg\">newly failing</span>" : "-");
			dec = decisive(dr, (enum catalogue_test)t, st);
			rep_guideline(f, dec != NULL && dec->guideline != NULL && dec->guideline[0] ?
			    dec->guideline : e->guideline);
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody>\n</table>\n", f);
		if (nfind > 0)
			fputs("<h3>What to change</h3>\n<p>Every test that did not pass: what each "
			    "vantage saw, and what to change.</p>\n", f);
	}
	for (size_t t = 0; t < TEST_COUNT; t++) {
		uint8_t cell = judge_cell(j, x->r, d, (enum catalogue_test)t);
		int st = JUDGE_STATUS(cell);
		char *who = NULL;

		if (!reported((enum catalogue_test)t) || st == PEIL__STATUS__PASSED ||
		    st == JUDGE_NONE)
			continue;
		if (f == NULL && !failing(st))
			continue;
		if ((cell & JUDGE_DISAGREE) &&
		    (rc = judge_who(x->j, x->r, d, (enum catalogue_test)t, &who)) != 0) {
			err_set(x->err, x->errlen, "cannot read who saw what: %s", peil_strerror(rc));
			return rc;
		}
		rc = finding(x, f, csv, d, (enum catalogue_test)t, cell, dr, who);
		free(who);
		if (rc != 0)
			return rc;
	}
	if (f != NULL)
		fputs("</section>\n", f);
	return 0;
}

int
report_org_page(struct rctx *x, size_t org, const char *rel, bool pack, FILE *csv)
{
	const struct judge *j = x->j;
	const struct judge_org *g = &j->orgs[org];
	const struct judge_round *rd = &j->rounds[x->r];
	struct dres *dr = NULL;
	FILE *f = NULL;
	bool named = rel != NULL;
	size_t measured = 0;
	int rc = 0;

	if (!named && x->tests[0] == NULL && csv == NULL)
		return 0;
	if ((dr = calloc(1, sizeof(*dr))) == NULL) {
		err_set(x->err, x->errlen, "out of memory");
		return PEIL_ENOMEM;
	}
	if (named) {
		if ((rc = rep_open(x, rel, &f)) != 0)
			goto out;
		rep_head(f, g->name, "peil report", pack ? "style.css" : "../style.css");
		if (pack)
			fputs("<main>\n", f);
		else
			fputs("<nav><a href=\"../index.html\">Overview</a><a href=\"../index.html#"
			    "orgs\">Organisations</a><a href=\"../vantages.html\">Vantages</a></nav>\n"
			    "<main>\n", f);
		fputs("<h1>", f);
		esc_html_str(f, g->name);
		fputs("</h1>\n", f);
		for (size_t k = 0; k < g->ndomains; k++)
			if (rd->nvantages[g->domains[k]] > 0)
				measured++;
		fprintf(f, "<p>Round %llu, started ", (unsigned long long)rd->id);
		rep_date(f, rd->started);
		fprintf(f, ". %zu domain%s, %zu measured in this round.%s</p>\n", g->ndomains,
		    g->ndomains == 1 ? "" : "s", measured, g->publish ? " This organisation "
		    "consents to publication of its figures." : " This organisation has not "
		    "consented to publication: its figures are shared inside the coalition only.");
		if (pack)
			fputs("<p>The send-back pack: your results before publication. failing.csv "
			    "(beside this page) lists every failing or warning test with its "
			    "evidence.</p>\n", f);
		if (measured == 0)
			fprintf(f, "<p class=\"banner\">None of this organisation's domains has a "
			    "result in round %llu: nothing was measured, so nothing is judged; every "
			    "agreement is undecided.</p>\n", (unsigned long long)rd->id);
		org_agreements(x, f, org, pack);
		org_scores(x, f, org);
	}
	for (size_t k = 0; k < g->ndomains && rc == 0; k++) {
		size_t d = g->domains[k];

		if (named || csv != NULL) {
			if (rd->nvantages[d] > 0 && (rc = dres_read(x, j->domains[d], dr)) != 0)
				break;
			if (rd->nvantages[d] == 0)
				result_set_clear(&dr->rs), memset(dr->to, 0, sizeof(dr->to));
			rc = org_domain(x, f, csv, d, dr, pack);
		}
		test_rows(x, org, d, dr, named);
	}
	if (rc != 0)
		goto out;
	if (f != NULL) {
		rep_foot(f);
		rc = rep_close(x, f, rel);
		f = NULL;
	}
out:
	if (f != NULL)
		fclose(f);
	if (dr != NULL)
		result_set_clear(&dr->rs);
	free(dr);
	return rc;
}
