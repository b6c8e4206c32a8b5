/* report_fakes.c: TEMPORARY stand-ins for judge.c and chart.c (written on other branches),
 * so that test_report runs before they land: a crude judgement read with store_view_round
 * (first status wins, any difference disagrees) and charts that draw an empty SVG. Linked
 * only while collector/judge.c does not exist. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "err.h"
#include "esc.h"
#include "judge.h"
#include "store.h"

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

struct fl {
	struct judge *j;
	char **names;
	size_t n;
};

static int
fake_targets(const struct store_target *t, void *arg)
{
	struct fl *l = arg;
	char **nn = realloc(l->names, (l->n + 1) * sizeof(*nn));

	if (nn == NULL)
		return PEIL_ENOMEM;
	l->names = nn;
	if (asprintf(&nn[l->n], "%s%c%s%c%d", t->organisation, 0x1f, t->domain, 0x1f,
	    t->publish) < 0)
		return PEIL_ENOMEM;
	l->n++;
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct fr {
	struct store_round *r;
	size_t n;
};

static int
fake_rounds(const struct store_round *r, void *arg)
{
	struct fr *l = arg;
	struct store_round *nr = realloc(l->r, (l->n + 1) * sizeof(*nr));

	if (nr == NULL)
		return PEIL_ENOMEM;
	l->r = nr;
	l->r[l->n++] = *r;
	return 0;
}

struct fw {
	struct judge *j;
	struct judge_round *rd;
	uint32_t *vmask;
	char *vn[8];
	size_t nv;
};

static int
fake_result(const Peil__Result *r, void *arg)
{
	struct fw *w = arg;
	enum catalogue_test t;
	size_t v;
	long d;

	for (v = 0; v < w->nv && strcmp(w->vn[v], r->vantage) != 0; v++)
		;
	if (v == w->nv && v < 8) {
		w->vn[v] = strdup(r->vantage);
		w->nv++;
		w->rd->vantages = realloc(w->rd->vantages, w->nv * sizeof(*w->rd->vantages));
		memset(&w->rd->vantages[v], 0, sizeof(w->rd->vantages[v]));
		w->rd->vantages[v].name = strdup(r->vantage);
		w->rd->vantages[v].self_ipv6 = -1;
		w->rd->vantages[v].self_rov = -1;
		w->rd->nvantages_round = w->nv;
	}
	if (v >= 8)
		return 0;
	w->rd->vantages[v].results++;
	if (r->domain[0] == '\0') {
		if (strcmp(r->test_id, "vantage_ipv6") == 0)
			w->rd->vantages[v].self_ipv6 = (int)r->status;
		if (strcmp(r->test_id, "vantage_rov") == 0)
			w->rd->vantages[v].self_rov = (int)r->status;
		return 0;
	}
	if ((d = judge_domain(w->j, r->domain)) < 0 || !catalogue_test_find(r->test_id, &t))
		return 0;
	w->rd->results++;
	if (!(w->vmask[d] & (1u << v))) {
		w->vmask[d] |= 1u << v;
		if (w->rd->nvantages[d]++ == 0)
			w->rd->measured++;
	}
	uint8_t *c = &w->rd->cell[(size_t)d * TEST_COUNT + t];
	if (*c == JUDGE_NONE)
		*c = (uint8_t)r->status;
	else if (JUDGE_STATUS(*c) != (int)r->status) {
		if (!(*c & JUDGE_DISAGREE))
			w->rd->disagreements++;
		*c = (uint8_t)(JUDGE_DISAGREE | (r->status == PEIL__STATUS__FAILED ?
		    PEIL__STATUS__FAILED : JUDGE_STATUS(*c)));
	}
	return 0;
}

int
judge_load(struct store *s, const struct judge_opts *o, struct judge **out, char *err,
    size_t errlen)
{
	struct judge *j = calloc(1, sizeof(*j));
	struct fl l = { j, NULL, 0 };
	struct fr rr = { NULL, 0 };
	struct store_view *view = NULL;
	size_t last, first, i;
	int rc;

	*out = NULL;
	if ((rc = store_targets_each(s, fake_targets, &l)) != 0 ||
	    (rc = store_rounds_each(s, fake_rounds, &rr)) != 0)
		return rc;
	if (rr.n == 0) {
		err_set(err, errlen, "the store has no round yet");
		return PEIL_ENOENT;
	}
	for (last = rr.n - 1; o->round != 0 && rr.r[last].id != o->round; last--)
		if (last == 0) {
			err_set(err, errlen, "no round %llu", (unsigned long long)o->round);
			for (i = 0; i < l.n; i++)
				free(l.names[i]);
			free(l.names);
			free(rr.r);
			free(j);
			return PEIL_ENOENT;
		}
	first = o->history != 0 && o->history <= last ? last + 1 - o->history : 0;
	/* Domains sorted, orgs by name. */
	j->domains = calloc(l.n + 1, sizeof(char *));
	j->org = calloc(l.n + 1, sizeof(long));
	j->orgs = calloc(l.n + 1, sizeof(*j->orgs));
	for (i = 0; i < l.n; i++) {
		char *dom = strchr(l.names[i], 0x1f) + 1;

		j->domains[i] = strndup(dom, (size_t)(strchr(dom, 0x1f) - dom));
	}
	j->ndomains = l.n;
	qsort(j->domains, j->ndomains, sizeof(char *), cmpstr);
	qsort(l.names, l.n, sizeof(char *), cmpstr);
	for (i = 0; i < l.n; i++) {
		char *p = l.names[i], *dom = strchr(p, 0x1f) + 1, *pub = strchr(dom, 0x1f) + 1;
		size_t on = (size_t)(dom - 1 - p);
		long d;
		char dn[300];

		if (j->norgs == 0 || strlen(j->orgs[j->norgs - 1].name) != on ||
		    strncmp(j->orgs[j->norgs - 1].name, p, on) != 0) {
			j->orgs[j->norgs].name = strndup(p, on);
			j->orgs[j->norgs].publish = *pub == '1';
			j->orgs[j->norgs].domains = calloc(l.n, sizeof(size_t));
			j->norgs++;
		}
		snprintf(dn, sizeof(dn), "%.*s", (int)(pub - 1 - dom), dom);
		d = judge_domain(j, dn);
		j->org[d] = (long)j->norgs - 1;
		j->orgs[j->norgs - 1].domains[j->orgs[j->norgs - 1].ndomains++] = (size_t)d;
		free(p);
	}
	free(l.names);
	j->nrounds = last + 1 - first;
	j->rounds = calloc(j->nrounds, sizeof(*j->rounds));
	if ((rc = store_view_open(s, &view)) != 0)
		return rc;
	for (i = 0; i < j->nrounds; i++) {
		struct judge_round *rd = &j->rounds[i];
		struct fw w = { j, rd, calloc(j->ndomains + 1, sizeof(uint32_t)), { 0 }, 0 };
		struct store_sel sel = { rr.r[first + i].id, NULL, NULL, NULL, NULL };

		rd->id = rr.r[first + i].id;
		rd->started = rr.r[first + i].started;
		rd->ended = rr.r[first + i].ended;
		rd->targets = rr.r[first + i].targets;
		rd->cell = calloc(j->ndomains * TEST_COUNT + 1, 1);
		rd->nvantages = calloc(j->ndomains + 1, 1);
		store_view_round(view, &sel, fake_result, &w);
		free(w.vmask);
		for (size_t v = 0; v < w.nv; v++)
			free(w.vn[v]);
	}
	store_view_free(view);
	free(rr.r);
	j->s = s;
	*out = j;
	return 0;
}

void
judge_free(struct judge *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->ndomains; i++)
		free(j->domains[i]);
	for (size_t i = 0; i < j->norgs; i++) {
		free(j->orgs[i].name);
		free(j->orgs[i].domains);
	}
	for (size_t r = 0; r < j->nrounds; r++) {
		free(j->rounds[r].cell);
		free(j->rounds[r].nvantages);
		for (size_t v = 0; v < j->rounds[r].nvantages_round; v++) {
			free(j->rounds[r].vantages[v].name);
			free(j->rounds[r].vantages[v].lie);
		}
		free(j->rounds[r].vantages);
	}
	free(j->rounds);
	free(j->domains);
	free(j->org);
	free(j->orgs);
	free(j);
}

long
judge_domain(const struct judge *j, const char *domain)
{
	for (size_t i = 0; i < j->ndomains; i++)
		if (j->domains[i] != NULL && strcmp(j->domains[i], domain) == 0)
			return (long)i;
	return -1;
}

uint8_t
judge_cell(const struct judge *j, size_t r, size_t d, enum catalogue_test t)
{
	return j->rounds[r].cell[d * TEST_COUNT + t];
}

const char *const *
judge_categories(size_t *n)
{
	static const char *const c[] = { "mailauth", "dnssec", "ipv6", "https" };

	*n = 4;
	return c;
}

int
judge_score_category(const struct judge *j, size_t r, size_t d, const char *category)
{
	size_t got = 0, all = 0;

	for (size_t t = 0; t < TEST_COUNT; t++) {
		const struct catalogue_entry *e = catalogue_get((enum catalogue_test)t);
		int st = JUDGE_STATUS(judge_cell(j, r, d, (enum catalogue_test)t));

		if (!e->mandatory || strcmp(e->category, category) != 0 || st == 0 || st > 3)
			continue;
		all++;
		got += st == 1;
	}
	return all ? (int)(got * 100 / all) : -1;
}

int
judge_score(const struct judge *j, size_t r, size_t d)
{
	size_t n;
	const char *const *c = judge_categories(&n);
	int sum = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		int s = judge_score_category(j, r, d, c[i]);

		if (s >= 0)
			sum += s, k++;
	}
	return k ? sum / k : -1;
}

enum judge_comply
judge_domain_agreement(const struct judge *j, size_t r, size_t d, unsigned n)
{
	enum judge_comply c = JUDGE_COMPLIES;

	if (j->rounds[r].nvantages[d] == 0)
		return JUDGE_UNDECIDED;
	for (size_t t = 0; t < TEST_COUNT; t++) {
		const struct catalogue_entry *e = catalogue_get((enum catalogue_test)t);
		int st = JUDGE_STATUS(judge_cell(j, r, d, (enum catalogue_test)t));

		if (!e->mandatory || !(e->agreements & AGREEMENT(n)))
			continue;
		if (st == PEIL__STATUS__FAILED)
			return JUDGE_FAILS;
		if (st != PEIL__STATUS__PASSED)
			c = JUDGE_UNDECIDED;
	}
	return c;
}

enum judge_comply
judge_org_agreement(const struct judge *j, size_t r, size_t org, unsigned n)
{
	enum judge_comply c = JUDGE_COMPLIES;

	for (size_t k = 0; k < j->orgs[org].ndomains; k++) {
		enum judge_comply x = judge_domain_agreement(j, r, j->orgs[org].domains[k], n);

		if (x == JUDGE_FAILS)
			return x;
		if (x == JUDGE_UNDECIDED)
			c = x;
	}
	return c;
}

void
judge_tally_agreement(const struct judge *j, size_t r, unsigned n, bool by_org,
    bool published_only, struct judge_tally *out)
{
	memset(out, 0, sizeof(*out));
	if (by_org) {
		for (size_t o = 0; o < j->norgs; o++) {
			if (published_only && !j->orgs[o].publish)
				continue;
			enum judge_comply c = judge_org_agreement(j, r, o, n);
			if (c == JUDGE_COMPLIES) out->complies++;
			else if (c == JUDGE_FAILS) out->fails++;
			else out->undecided++;
		}
		return;
	}
	for (size_t d = 0; d < j->ndomains; d++) {
		if (j->org[d] < 0 || (published_only && !j->orgs[j->org[d]].publish))
			continue;
		enum judge_comply c = judge_domain_agreement(j, r, d, n);
		if (c == JUDGE_COMPLIES) out->complies++;
		else if (c == JUDGE_FAILS) out->fails++;
		else out->undecided++;
	}
}

void
judge_tally_test(const struct judge *j, size_t r, enum catalogue_test t,
    struct judge_adoption *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t d = 0; d < j->ndomains; d++) {
		uint8_t c;

		if (j->org[d] < 0)
			continue;
		c = judge_cell(j, r, d, t);
		out->status[JUDGE_STATUS(c)]++;
		if (c & JUDGE_DISAGREE)
			out->disagree++;
	}
}

int
judge_change(const struct judge *j, size_t r, size_t d, enum catalogue_test t)
{
	int now, before;

	if (r == 0)
		return 0;
	now = JUDGE_STATUS(judge_cell(j, r, d, t));
	before = JUDGE_STATUS(judge_cell(j, r - 1, d, t));
	if (before == JUDGE_NONE)
		return 0;
	if (now == PEIL__STATUS__PASSED && before != now)
		return 1;
	if (now == PEIL__STATUS__FAILED && before != now)
		return -1;
	return 0;
}

int
judge_who(struct judge *j, size_t r, size_t d, enum catalogue_test t, char **who)
{
	(void)j, (void)r, (void)d, (void)t;
	return (*who = strdup("fake=who <b>")) == NULL ? PEIL_ENOMEM : 0;
}
