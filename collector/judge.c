/* judge.c: the judgement of stored rounds (judge.h, docs/report.md "The judgement"): one
 * walk of each round's part of the per-round index (store_view_keys: statuses only, the log
 * is never read), the vantages' consensus of every (domain, test) with the votes of vfacts.h
 * as show and export take them, internet.nl's scores and the agreements' compliance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus.h"
#include "err.h"
#include "judge.h"
#include "log.h"
#include "vfacts.h"

/* internet.nl's points for a mandatory test (checks/scoring.py FULL_WEIGHT_POINTS and
 * HALF_WEIGHT_POINTS). */
#define JUDGE_FULL_POINTS 10
#define JUDGE_HALF_POINTS 5

/* A domain seen while loading: its name and its index in the order of first sight. */
struct jdom {
	char **name;          /* by provisional id */
	size_t *sorted;       /* provisional ids in name order */
	size_t n, cap;
};

struct judge_priv {
	struct vfacts vf;
	bool vf_open;
};

/* ---- the domains ------------------------------------------------------------------- */

/* The provisional id of `name`, added when new; -1 on out of memory. */
static long
jdom_id(struct jdom *x, const char *name)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(x->name[x->sorted[mid]], name);

		if (c == 0)
			return (long)x->sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 1024;
		char **nn = realloc(x->name, cap * sizeof(*nn));
		size_t *ns;

		if (nn == NULL)
			return -1;
		x->name = nn;
		if ((ns = realloc(x->sorted, cap * sizeof(*ns))) == NULL)
			return -1;
		x->sorted = ns;
		x->cap = cap;
	}
	if ((x->name[x->n] = strdup(name)) == NULL)
		return -1;
	memmove(x->sorted + lo + 1, x->sorted + lo, (x->n - lo) * sizeof(*x->sorted));
	x->sorted[lo] = x->n;
	return (long)x->n++;
}

static void
jdom_free(struct jdom *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->name[i]);
	free(x->name);
	free(x->sorted);
}

/* ---- loading: targets and organisations ----------------------------------------------- */

struct jtarget {
	size_t dom;           /* provisional id */
	char *org;
	bool publish;
};

struct jload {
	struct judge *j;
	struct jdom dom;
	struct jtarget *t;
	size_t nt, capt;
};

static int
judge_target_cb(const struct store_target *t, void *arg)
{
	struct jload *l = arg;
	long id;

	if (l->nt == l->capt) {
		size_t cap = l->capt ? l->capt * 2 : 1024;
		struct jtarget *nt = realloc(l->t, cap * sizeof(*nt));

		if (nt == NULL)
			return PEIL_ENOMEM;
		l->t = nt;
		l->capt = cap;
	}
	if ((id = jdom_id(&l->dom, t->domain)) < 0 ||
	    (l->t[l->nt].org = strdup(t->organisation)) == NULL)
		return PEIL_ENOMEM;
	l->t[l->nt].dom = (size_t)id;
	l->t[l->nt].publish = t->publish;
	l->nt++;
	return 0;
}

/* ---- loading: one round ------------------------------------------------------------- */

/* What the walk of one round keeps. */
struct jwalk {
	struct jload *l;
	struct vfacts *vf;
	struct vfacts_round *vr;
	struct judge_round *r;        /* cell and nvantages by provisional id, grown as needed */
	size_t capdom;
	/* the (domain, test) being gathered */
	long dom;                     /* provisional id; -1: none yet; -2: the self-tests */
	char domain[MAX_DOMAIN_LEN + 1];
	char test[MAX_TEST_ID_LEN + 1];
	struct consensus_vote votes[64];
	size_t nvotes;
	size_t dvant[64];             /* the current domain's vantages (indexes into r->vantages) */
	size_t ndvant;
	int rc;
};

/* The round's entry for vantage `name`, added when new; NULL on out of memory. */
static struct judge_vantage *
jwalk_vantage(struct judge_round *r, const char *name, size_t *idx)
{
	for (size_t i = 0; i < r->nvantages_round; i++)
		if (strcmp(r->vantages[i].name, name) == 0) {
			*idx = i;
			return &r->vantages[i];
		}
	if ((r->nvantages_round & (r->nvantages_round - 1)) == 0) {
		size_t cap = r->nvantages_round ? r->nvantages_round * 2 : 4;
		struct judge_vantage *nv = realloc(r->vantages, cap * sizeof(*nv));

		if (nv == NULL)
			return NULL;
		r->vantages = nv;
	}
	memset(&r->vantages[r->nvantages_round], 0, sizeof(r->vantages[0]));
	if ((r->vantages[r->nvantages_round].name = strdup(name)) == NULL)
		return NULL;
	r->vantages[r->nvantages_round].self_ipv6 = r->vantages[r->nvantages_round].self_rov = -1;
	*idx = r->nvantages_round;
	return &r->vantages[r->nvantages_round++];
}

/* Decides the gathered (domain, test) into its cell. */
static void
jwalk_flush_test(struct jwalk *w)
{
	struct consensus c;
	enum catalogue_test t;

	if (w->nvotes == 0 || w->dom < 0)
		goto out;
	if (catalogue_test_find(w->test, &t)) {
		uint8_t cell;

		consensus_decide(w->test, w->votes, w->nvotes, &c);
		cell = (uint8_t)(c.status & 0x7f);
		if (c.disagree) {
			cell |= JUDGE_DISAGREE;
			w->r->disagreements++;
		}
		w->r->cell[(size_t)w->dom * TEST_COUNT + t] = cell;
	}
out:
	w->nvotes = 0;
}

/* Ends the gathered domain: its vantages counted. */
static void
jwalk_flush_domain(struct jwalk *w)
{
	jwalk_flush_test(w);
	if (w->dom >= 0 && w->ndvant > 0) {
		w->r->nvantages[w->dom] = (uint8_t)(w->ndvant > 255 ? 255 : w->ndvant);
		w->r->measured++;
		for (size_t i = 0; i < w->ndvant; i++)
			w->r->vantages[w->dvant[i]].domains++;
	}
	w->ndvant = 0;
	w->dom = -1;
}

/* Room for provisional domain id `id` in the round's arrays. */
static int
jwalk_room(struct jwalk *w, size_t id)
{
	size_t cap = w->capdom;
	uint8_t *nc, *nv;

	if (id < cap)
		return 0;
	while (cap <= id)
		cap = cap ? cap * 2 : 1024;
	if ((nc = realloc(w->r->cell, cap * TEST_COUNT)) == NULL)
		return PEIL_ENOMEM;
	w->r->cell = nc;
	memset(nc + w->capdom * TEST_COUNT, JUDGE_NONE, (cap - w->capdom) * TEST_COUNT);
	if ((nv = realloc(w->r->nvantages, cap)) == NULL)
		return PEIL_ENOMEM;
	w->r->nvantages = nv;
	memset(nv + w->capdom, 0, cap - w->capdom);
	w->capdom = cap;
	return 0;
}

static int
jwalk_cb(const struct store_vkey *k, void *arg)
{
	struct jwalk *w = arg;
	struct judge_vantage *jv;
	size_t vi, i;

	if (w->dom == -1 || strcmp(k->domain, w->domain) != 0) {
		long id;

		jwalk_flush_domain(w);
		snprintf(w->domain, sizeof(w->domain), "%s", k->domain);
		w->test[0] = '\0';
		if (k->domain[0] == '\0') {
			w->dom = -2;      /* the vantages' self-tests: vfacts reads them */
		} else {
			if ((id = jdom_id(&w->l->dom, k->domain)) < 0 ||
			    jwalk_room(w, (size_t)id) != 0)
				return PEIL_ENOMEM;
			w->dom = id;
		}
	}
	if (strcmp(k->test, w->test) != 0) {
		jwalk_flush_test(w);
		snprintf(w->test, sizeof(w->test), "%s", k->test);
	}
	if ((jv = jwalk_vantage(w->r, k->vantage, &vi)) == NULL)
		return PEIL_ENOMEM;
	jv->results++;
	w->r->results++;
	if (w->dom < 0)
		return 0;
	for (i = 0; i < w->ndvant && w->dvant[i] != vi; i++)
		;
	if (i == w->ndvant && w->ndvant < sizeof(w->dvant) / sizeof(w->dvant[0]))
		w->dvant[w->ndvant++] = vi;
	/* One vote per vantage: the index holds its latest result of the round. Past the
	 * array's room further vantages are not counted (64 vantages on one key). */
	if (w->nvotes < sizeof(w->votes) / sizeof(w->votes[0]))
		vfacts_vote(w->vf, w->vr, jv->name, k->status, &w->votes[w->nvotes++]);
	return 0;
}

static int
judge_vantage_cmp(const void *a, const void *b)
{
	return strcmp(((const struct judge_vantage *)a)->name,
	    ((const struct judge_vantage *)b)->name);
}

/* Loads round `r` (its id and facts filled) by provisional domain ids; *capdom: how many
 * ids its arrays cover. */
static int
judge_walk_round(struct jload *l, struct vfacts *vf, struct judge_round *r, size_t *capdom)
{
	struct jwalk *w;
	struct store_sel sel = { r->id, NULL, NULL, NULL, NULL };
	char lie[256];
	int rc;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return PEIL_ENOMEM;
	w->l = l;
	w->vf = vf;
	w->r = r;
	w->dom = -1;
	if ((rc = vfacts_round(vf, r->id, true, &w->vr)) != 0)
		goto out;
	if ((rc = jwalk_room(w, l->dom.n > 0 ? l->dom.n - 1 : 0)) != 0)
		goto out;
	rc = store_view_keys(vf->view, &sel, jwalk_cb, w);
	*capdom = w->capdom;
	if (rc == 0)
		jwalk_flush_domain(w);
	if (rc != 0)
		goto out;
	/* Vantages whose self-tests are all vfacts has of them (none expected: they are in the
	 * index too) are added; then their facts. */
	for (size_t i = 0; i < w->vr->n; i++) {
		size_t vi;

		if (jwalk_vantage(r, w->vr->v[i].name, &vi) == NULL) {
			rc = PEIL_ENOMEM;
			goto out;
		}
	}
	if (r->nvantages_round > 1)
		qsort(r->vantages, r->nvantages_round, sizeof(*r->vantages), judge_vantage_cmp);
	for (size_t i = 0; i < r->nvantages_round; i++) {
		struct judge_vantage *v = &r->vantages[i];
		const struct vfacts_vantage *q = vfacts_find(w->vr, v->name);

		v->self_ipv6 = q != NULL ? q->self_ipv6 : -1;
		v->self_rov = q != NULL ? q->self_rov : -1;
		v->hello_ipv6 = vfacts_hello_ipv6(vf, v->name);
		if (vfacts_lie(w->vr, v->name, lie, sizeof(lie)) && (v->lie = strdup(lie)) == NULL) {
			rc = PEIL_ENOMEM;
			goto out;
		}
	}
out:
	free(w);
	return rc;
}

/* ---- loading: the rounds ----------------------------------------------------------- */

struct jrounds {
	struct store_round *r;
	size_t n, cap;
};

static int
judge_rounds_cb(const struct store_round *r, void *arg)
{
	struct jrounds *x = arg;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		struct store_round *nr = realloc(x->r, cap * sizeof(*nr));

		if (nr == NULL)
			return PEIL_ENOMEM;
		x->r = nr;
		x->cap = cap;
	}
	x->r[x->n++] = *r;
	return 0;
}

static int
judge_round_id_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct store_round *)a)->id, y = ((const struct store_round *)b)->id;

	return x < y ? -1 : x > y;
}

/* Turns the provisional ids into the final order (domains sorted), moving the cells. */
static int
judge_finish(struct jload *l, const size_t *capdom)
{
	struct judge *j = l->j;
	size_t n = l->dom.n, *final = NULL;
	int rc = PEIL_ENOMEM;

	if ((j->domains = calloc(n ? n : 1, sizeof(*j->domains))) == NULL ||
	    (j->org = malloc((n ? n : 1) * sizeof(*j->org))) == NULL ||
	    (final = malloc((n ? n : 1) * sizeof(*final))) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t id = l->dom.sorted[i];

		final[id] = i;
		j->domains[i] = l->dom.name[id];
		l->dom.name[id] = NULL;
		j->org[i] = -1;
		j->ndomains = i + 1;
	}
	for (size_t k = 0; k < j->nrounds; k++) {
		struct judge_round *r = &j->rounds[k];
		uint8_t *cell = malloc((n ? n : 1) * TEST_COUNT), *nv = calloc(n ? n : 1, 1);

		if (cell == NULL || nv == NULL) {
			free(cell);
			free(nv);
			goto out;
		}
		memset(cell, JUDGE_NONE, (n ? n : 1) * TEST_COUNT);
		for (size_t id = 0; id < n && id < capdom[k]; id++) {
			memcpy(cell + final[id] * TEST_COUNT, r->cell + id * TEST_COUNT, TEST_COUNT);
			nv[final[id]] = r->nvantages[id];
		}
		free(r->cell);
		free(r->nvantages);
		r->cell = cell;
		r->nvantages = nv;
	}
	/* The organisations, in name order, each with its domains in domain order. */
	for (size_t i = 0; i < l->nt; i++) {
		size_t d = final[l->t[i].dom], o;

		for (o = 0; o < j->norgs && strcmp(j->orgs[o].name, l->t[i].org) != 0; o++)
			;
		if (o == j->norgs) {
			if ((j->norgs & (j->norgs - 1)) == 0) {
				size_t cap = j->norgs ? j->norgs * 2 : 16;
				struct judge_org *no = realloc(j->orgs, cap * sizeof(*no));

				if (no == NULL)
					goto out;
				j->orgs = no;
			}
			memset(&j->orgs[o], 0, sizeof(j->orgs[o]));
			j->orgs[o].name = l->t[i].org;
			l->t[i].org = NULL;
			j->orgs[o].publish = l->t[i].publish;
			j->norgs++;
		}
		j->org[d] = (long)o;     /* the organisation's index before sorting */
	}
	rc = 0;
out:
	free(final);
	return rc;
}

struct jorder {
	const char *name;
	size_t orig;
};

static int
jorder_cmp(const void *a, const void *b)
{
	return strcmp(((const struct jorder *)a)->name, ((const struct jorder *)b)->name);
}

/* Sorts the organisations by name and gives each its domains, in domain order. */
static int
judge_orgs(struct judge *j)
{
	struct jorder *ord = NULL;
	struct judge_org *sorted = NULL;
	size_t *rank = NULL;
	int rc = PEIL_ENOMEM;

	if (j->norgs == 0)
		return 0;
	if ((ord = malloc(j->norgs * sizeof(*ord))) == NULL ||
	    (sorted = calloc(j->norgs, sizeof(*sorted))) == NULL ||
	    (rank = malloc(j->norgs * sizeof(*rank))) == NULL)
		goto out;
	for (size_t o = 0; o < j->norgs; o++) {
		ord[o].name = j->orgs[o].name;
		ord[o].orig = o;
	}
	qsort(ord, j->norgs, sizeof(*ord), jorder_cmp);
	for (size_t o = 0; o < j->norgs; o++) {
		sorted[o] = j->orgs[ord[o].orig];
		rank[ord[o].orig] = o;
	}
	free(j->orgs);
	j->orgs = sorted;
	sorted = NULL;
	for (size_t d = 0; d < j->ndomains; d++)
		if (j->org[d] >= 0) {
			j->org[d] = (long)rank[j->org[d]];
			j->orgs[j->org[d]].ndomains++;
		}
	for (size_t o = 0; o < j->norgs; o++) {
		if ((j->orgs[o].domains = malloc(j->orgs[o].ndomains * sizeof(size_t))) == NULL)
			goto out;
		j->orgs[o].ndomains = 0;
	}
	for (size_t d = 0; d < j->ndomains; d++)
		if (j->org[d] >= 0) {
			struct judge_org *g = &j->orgs[j->org[d]];

			g->domains[g->ndomains++] = d;
		}
	rc = 0;
out:
	free(ord);
	free(sorted);
	free(rank);
	return rc;
}

/* The rounds of the history: up to and including o->round (0: the newest), the last
 * o->history of them (0: all). */
static int
judge_pick_rounds(struct store *s, const struct judge_opts *o, struct jrounds *x, size_t *first,
    size_t *count, char *err, size_t errlen)
{
	size_t last;
	int rc;

	if ((rc = store_rounds_each(s, judge_rounds_cb, x)) != 0)
		return rc;
	if (x->n == 0) {
		snprintf(err, errlen, "the store has no round yet");
		return PEIL_ENOENT;
	}
	qsort(x->r, x->n, sizeof(*x->r), judge_round_id_cmp);
	if (o->round == 0) {
		last = x->n - 1;
	} else {
		for (last = 0; last < x->n && x->r[last].id != o->round; last++)
			;
		if (last == x->n) {
			snprintf(err, errlen, "no round %llu: the store has rounds %llu to %llu",
			    (unsigned long long)o->round, (unsigned long long)x->r[0].id,
			    (unsigned long long)x->r[x->n - 1].id);
			return PEIL_ENOENT;
		}
	}
	*count = o->history == 0 || o->history > last + 1 ? last + 1 : o->history;
	*first = last + 1 - *count;
	return 0;
}

int
judge_load(struct store *s, const struct judge_opts *o, struct judge **out, char *err,
    size_t errlen)
{
	struct judge *j = NULL;
	struct judge_priv *p = NULL;
	struct jload l;
	struct jrounds rs = { NULL, 0, 0 };
	size_t first = 0, count = 0, *capdom = NULL;
	int rc;

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	memset(&l, 0, sizeof(l));
	if ((j = calloc(1, sizeof(*j))) == NULL || (p = calloc(1, sizeof(*p))) == NULL) {
		free(j);
		return PEIL_ENOMEM;
	}
	j->s = s;
	j->priv = p;
	l.j = j;
	if ((rc = judge_pick_rounds(s, o, &rs, &first, &count, err, errlen)) != 0)
		goto out;
	if ((rc = store_targets_each(s, judge_target_cb, &l)) != 0)
		goto out;
	if ((rc = vfacts_open(&p->vf, s)) != 0)
		goto out;
	p->vf_open = true;
	rc = PEIL_ENOMEM;
	if ((j->rounds = calloc(count, sizeof(*j->rounds))) == NULL ||
	    (capdom = calloc(count, sizeof(*capdom))) == NULL)
		goto out;
	for (size_t k = 0; k < count; k++) {
		struct judge_round *r = &j->rounds[k];
		const struct store_round *sr = &rs.r[first + k];

		r->id = sr->id;
		r->started = sr->started;
		r->ended = sr->ended;
		r->targets = sr->targets;
		j->nrounds = k + 1;
		if ((rc = judge_walk_round(&l, &p->vf, r, &capdom[k])) != 0)
			goto out;
		/* The pages of this round's walk are given back before the next: the resident
		 * set stays at about one round's part of the index. */
		store_release_pages(s);
	}
	if ((rc = judge_finish(&l, capdom)) != 0 || (rc = judge_orgs(j)) != 0)
		goto out;
	*out = j;
	j = NULL;
	rc = 0;
out:
	if (rc != 0 && err[0] == '\0' && errlen > 0)
		snprintf(err, errlen, "%s", rc == PEIL_ENOMEM ? "out of memory" :
		    "the store could not be read");
	for (size_t i = 0; i < l.nt; i++)
		free(l.t[i].org);
	free(l.t);
	jdom_free(&l.dom);
	free(rs.r);
	free(capdom);
	judge_free(j);
	return rc;
}

void
judge_free(struct judge *j)
{
	struct judge_priv *p;

	if (j == NULL)
		return;
	for (size_t d = 0; d < j->ndomains; d++)
		free(j->domains[d]);
	free(j->domains);
	free(j->org);
	for (size_t o = 0; o < j->norgs; o++) {
		free(j->orgs[o].name);
		free(j->orgs[o].domains);
	}
	free(j->orgs);
	for (size_t k = 0; k < j->nrounds; k++) {
		struct judge_round *r = &j->rounds[k];

		free(r->cell);
		free(r->nvantages);
		for (size_t v = 0; v < r->nvantages_round; v++) {
			free(r->vantages[v].name);
			free(r->vantages[v].lie);
		}
		free(r->vantages);
	}
	free(j->rounds);
	if ((p = j->priv) != NULL) {
		if (p->vf_open)
			vfacts_free(&p->vf);
		free(p);
	}
	free(j);
}

/* ---- reading the judgement ------------------------------------------------------------ */

long
judge_domain(const struct judge *j, const char *domain)
{
	size_t lo = 0, hi = j->ndomains;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(j->domains[mid], domain);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

uint8_t
judge_cell(const struct judge *j, size_t r, size_t d, enum catalogue_test t)
{
	if (r >= j->nrounds || d >= j->ndomains || (unsigned)t >= TEST_COUNT)
		return JUDGE_NONE;
	return j->rounds[r].cell[d * TEST_COUNT + t];
}

const char *const *
judge_categories(size_t *n)
{
	static const char *cats[TEST_COUNT];
	static size_t ncats;

	if (ncats == 0) {
		size_t nt;
		const struct catalogue_entry *c = catalogue_all(&nt);

		for (size_t t = 0; t < nt; t++) {
			size_t k;

			if (!c[t].mandatory || strcmp(c[t].category, "vantage") == 0)
				continue;
			for (k = 0; k < ncats && strcmp(cats[k], c[t].category) != 0; k++)
				;
			if (k == ncats)
				cats[ncats++] = c[t].category;
		}
	}
	*n = ncats;
	return cats;
}

/* The tests about the domain's mail servers: not_tested on them means the domain has none
 * to test (no MX, or a null MX alone: RFC 7505), when mail_ipv6_mx_address says so too. */
static bool
judge_mx_test(const char *id)
{
	static const char *const pre[] = { "mail_starttls_", "mail_ipv6_mx_", "mail_dnssec_mx_",
	    "mail_rpki_", "mail_mx_ns_rpki_" };

	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (strncmp(id, pre[i], strlen(pre[i])) == 0)
			return true;
	return false;
}

/* Whether mandatory test t does not apply to domain d in round r: not_tested on a test of
 * the domain's mail servers while mail_ipv6_mx_address is not_tested (no mail server). */
static bool
judge_not_applicable(const struct judge *j, size_t r, size_t d, enum catalogue_test t)
{
	const struct catalogue_entry *e = catalogue_get(t);

	return JUDGE_STATUS(judge_cell(j, r, d, t)) == PEIL__STATUS__NOT_TESTED && e != NULL &&
	    judge_mx_test(e->id) &&
	    JUDGE_STATUS(judge_cell(j, r, d, TEST_MAIL_IPV6_MX_ADDRESS)) == PEIL__STATUS__NOT_TESTED;
}

int
judge_score_category(const struct judge *j, size_t r, size_t d, const char *category)
{
	size_t nt;
	const struct catalogue_entry *c = catalogue_all(&nt);
	int earned = 0, max = 0;

	if (r >= j->nrounds || d >= j->ndomains)
		return -1;
	for (size_t t = 0; t < nt; t++) {
		if (!c[t].mandatory || strcmp(c[t].category, category) != 0)
			continue;
		switch (JUDGE_STATUS(j->rounds[r].cell[d * TEST_COUNT + t])) {
		case PEIL__STATUS__PASSED:
			earned += JUDGE_FULL_POINTS;
			max += JUDGE_FULL_POINTS;
			break;
		case PEIL__STATUS__WARNING:
			/* internet.nl's "OK" tiers: full points, but half for HTTPS's TLS version
			 * (WEB_TLS_PROTOCOLS_OK). */
			earned += t == TEST_WEB_HTTPS_TLS_VERSION ? JUDGE_HALF_POINTS :
			    JUDGE_FULL_POINTS;
			max += JUDGE_FULL_POINTS;
			break;
		case PEIL__STATUS__FAILED:
		case PEIL__STATUS__ERROR:
			max += JUDGE_FULL_POINTS;
			break;
		default:       /* info, not_tested, no result: not scored */
			break;
		}
	}
	if (max == 0)
		return -1;
	/* internet.nl: int(100.0 / max_score * total_score) */
	return (int)(100.0 / max * earned);
}

int
judge_score(const struct judge *j, size_t r, size_t d)
{
	size_t n;
	const char *const *cats = judge_categories(&n);
	int sum = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		int sc = judge_score_category(j, r, d, cats[i]);

		if (sc >= 0) {
			sum += sc;
			k++;
		}
	}
	if (k == 0)
		return -1;
	/* internet.nl: max(min(int(sum(scores) / len(scores)), 100), 0) */
	sum /= k;
	return sum > 100 ? 100 : sum;
}

enum judge_comply
judge_domain_agreement(const struct judge *j, size_t r, size_t d, unsigned n)
{
	size_t nt;
	const struct catalogue_entry *c = catalogue_all(&nt);
	bool undecided = false;

	if (r >= j->nrounds || d >= j->ndomains || n < 1 || n > AGREEMENT_COUNT ||
	    j->rounds[r].nvantages[d] == 0)
		return JUDGE_UNDECIDED;
	for (size_t t = 0; t < nt; t++) {
		if (!c[t].mandatory || (c[t].agreements & AGREEMENT(n)) == 0)
			continue;
		switch (JUDGE_STATUS(j->rounds[r].cell[d * TEST_COUNT + t])) {
		case PEIL__STATUS__PASSED:
		case PEIL__STATUS__WARNING:
		case PEIL__STATUS__INFO:
			break;
		case PEIL__STATUS__FAILED:
			return JUDGE_FAILS;
		case PEIL__STATUS__NOT_TESTED:
			if (!judge_not_applicable(j, r, d, (enum catalogue_test)t))
				undecided = true;
			break;
		default:       /* error, no result */
			undecided = true;
			break;
		}
	}
	return undecided ? JUDGE_UNDECIDED : JUDGE_COMPLIES;
}

enum judge_comply
judge_org_agreement(const struct judge *j, size_t r, size_t org, unsigned n)
{
	bool undecided = false;

	if (org >= j->norgs)
		return JUDGE_UNDECIDED;
	for (size_t i = 0; i < j->orgs[org].ndomains; i++) {
		enum judge_comply c = judge_domain_agreement(j, r, j->orgs[org].domains[i], n);

		if (c == JUDGE_FAILS)
			return JUDGE_FAILS;
		if (c == JUDGE_UNDECIDED)
			undecided = true;
	}
	return undecided || j->orgs[org].ndomains == 0 ? JUDGE_UNDECIDED : JUDGE_COMPLIES;
}

static void
judge_count(struct judge_tally *out, enum judge_comply c)
{
	if (c == JUDGE_COMPLIES)
		out->complies++;
	else if (c == JUDGE_FAILS)
		out->fails++;
	else
		out->undecided++;
}

void
judge_tally_agreement(const struct judge *j, size_t r, unsigned n, bool by_org,
    bool published_only, struct judge_tally *out)
{
	memset(out, 0, sizeof(*out));
	if (by_org) {
		for (size_t o = 0; o < j->norgs; o++)
			if (!published_only || j->orgs[o].publish)
				judge_count(out, judge_org_agreement(j, r, o, n));
		return;
	}
	for (size_t d = 0; d < j->ndomains; d++)
		if (j->org[d] >= 0 && (!published_only || j->orgs[j->org[d]].publish))
			judge_count(out, judge_domain_agreement(j, r, d, n));
}

void
judge_tally_test(const struct judge *j, size_t r, enum catalogue_test t,
    struct judge_adoption *out)
{
	memset(out, 0, sizeof(*out));
	if (r >= j->nrounds || (unsigned)t >= TEST_COUNT)
		return;
	for (size_t d = 0; d < j->ndomains; d++) {
		uint8_t c;
		int st;

		if (j->org[d] < 0)
			continue;
		c = j->rounds[r].cell[d * TEST_COUNT + t];
		st = JUDGE_STATUS(c);
		out->status[st >= 0 && st <= 6 ? st : 0]++;
		if (c & JUDGE_DISAGREE)
			out->disagree++;
	}
}

int
judge_change(const struct judge *j, size_t r, size_t d, enum catalogue_test t)
{
	int now, before;

	if (r == 0 || r >= j->nrounds)
		return 0;
	now = JUDGE_STATUS(judge_cell(j, r, d, t));
	before = JUDGE_STATUS(judge_cell(j, r - 1, d, t));
	if (before == JUDGE_NONE || now == before)
		return 0;
	if (now == PEIL__STATUS__PASSED)
		return 1;
	if (now == PEIL__STATUS__FAILED)
		return -1;
	return 0;
}

struct jwho {
	struct vfacts *vf;
	struct vfacts_round *vr;
	struct consensus_vote v[64];
	char *names[64];
	size_t n;
};

static int
jwho_cb(const struct store_vkey *k, void *arg)
{
	struct jwho *w = arg;

	if (w->n == sizeof(w->v) / sizeof(w->v[0]))
		return 0;
	if ((w->names[w->n] = strdup(k->vantage)) == NULL)
		return PEIL_ENOMEM;
	vfacts_vote(w->vf, w->vr, w->names[w->n], k->status, &w->v[w->n]);
	w->n++;
	return 0;
}

int
judge_who(struct judge *j, size_t r, size_t d, enum catalogue_test t, char **who)
{
	struct judge_priv *p = j->priv;
	const struct catalogue_entry *e = catalogue_get(t);
	struct store_sel sel;
	struct consensus c;
	struct jwho *w;
	int rc;

	*who = NULL;
	if (r >= j->nrounds || d >= j->ndomains || e == NULL || p == NULL || !p->vf_open)
		return PEIL_EINVAL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return PEIL_ENOMEM;
	w->vf = &p->vf;
	sel = (struct store_sel){ j->rounds[r].id, j->domains[d], e->id, NULL, NULL };
	if ((rc = vfacts_round(&p->vf, j->rounds[r].id, false, &w->vr)) == 0 &&
	    (rc = store_view_keys(p->vf.view, &sel, jwho_cb, w)) == 0) {
		consensus_decide(e->id, w->v, w->n, &c);
		if ((*who = vfacts_who(w->v, w->n)) == NULL)
			rc = PEIL_ENOMEM;
	}
	for (size_t i = 0; i < w->n; i++)
		free(w->names[i]);
	free(w);
	return rc;
}
