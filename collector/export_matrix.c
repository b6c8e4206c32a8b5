/* export_matrix.c: `export --format matrix`: a CSV row per (round, domain, test) with a column
 * per vantage and the consensus (docs/report.md, "Exports"), from the per-round index's
 * statuses alone (store_view_keys: no result is read from the log). */
#include <stdlib.h>
#include <string.h>

#include "consensus.h"
#include "err.h"
#include "esc.h"
#include "export.h"
#include "limits.h"
#include "result.h"
#include "vfacts.h"

struct mx_arg {
	struct vfacts *c;
	struct vfacts_round *r;
	uint64_t round;
	FILE *f;
	char **names;                 /* every vantage of the export, in name order */
	size_t nnames, capnames;
	/* The (domain, test) being gathered, and its vantages' statuses (-1: none). */
	char domain[MAX_DOMAIN_LEN + 1];
	char test[MAX_TEST_ID_LEN + 1];
	bool have;
	int *status;                  /* per name */
	struct consensus_vote *v;     /* per name */
	size_t rows;
};

/* The index of `name` in the sorted names, or where it goes (*found false). */
static size_t
mx_find(const struct mx_arg *a, const char *name, bool *found)
{
	size_t lo = 0, hi = a->nnames;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(a->names[mid], name);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static int
mx_name_cb(const struct store_vkey *k, void *argp)
{
	struct mx_arg *a = argp;
	bool found;
	size_t i = mx_find(a, k->vantage, &found);
	char *d;

	if (found)
		return 0;
	if (a->nnames == a->capnames) {
		size_t cap = a->capnames ? a->capnames * 2 : 8;
		char **nn = realloc(a->names, cap * sizeof(*nn));

		if (nn == NULL)
			return PEIL_ENOMEM;
		a->names = nn;
		a->capnames = cap;
	}
	if ((d = strdup(k->vantage)) == NULL)
		return PEIL_ENOMEM;
	memmove(a->names + i + 1, a->names + i, (a->nnames - i) * sizeof(*a->names));
	a->names[i] = d;
	a->nnames++;
	return 0;
}

static int
mx_flush(struct mx_arg *a)
{
	struct consensus c;
	size_t nv = 0;
	char *who;

	if (!a->have)
		return 0;
	for (size_t i = 0; i < a->nnames; i++)
		if (a->status[i] >= 0)
			vfacts_vote(a->c, a->r, a->names[i], a->status[i], &a->v[nv++]);
	consensus_decide(a->test, a->v, nv, &c);
	if ((who = vfacts_who(a->v, nv)) == NULL)
		return PEIL_ENOMEM;
	fprintf(a->f, "%llu,", (unsigned long long)a->round);
	esc_csv(a->f, a->domain);
	putc(',', a->f);
	esc_csv(a->f, a->test);
	for (size_t i = 0; i < a->nnames; i++) {
		putc(',', a->f);
		if (a->status[i] >= 0)
			fputs(status_name(a->status[i]), a->f);
		a->status[i] = -1;
	}
	fprintf(a->f, ",%s,%s,", status_name(c.status), c.disagree ? "yes" : "no");
	esc_csv(a->f, who);
	putc('\n', a->f);
	free(who);
	a->have = false;
	a->rows++;
	return ferror(a->f) ? PEIL_EIO : 0;
}

static int
mx_row_cb(const struct store_vkey *k, void *argp)
{
	struct mx_arg *a = argp;
	bool found;
	size_t i;
	int rc;

	if (a->have && (strcmp(a->domain, k->domain) != 0 || strcmp(a->test, k->test) != 0) &&
	    (rc = mx_flush(a)) != 0)
		return rc;
	if (!a->have) {
		/* The index's keys are within these limits (store_view_keys checks them). */
		snprintf(a->domain, sizeof(a->domain), "%s", k->domain);
		snprintf(a->test, sizeof(a->test), "%s", k->test);
		a->have = true;
	}
	i = mx_find(a, k->vantage, &found);
	/* A vantage that appeared after the first walk (a result stored meanwhile) has no
	 * column: its status is left out rather than put under another's name. */
	if (found)
		a->status[i] = k->status >= 0 ? k->status : PEIL__STATUS__ERROR;
	return 0;
}

int
export_matrix(struct store *s, const struct query_export_opts *o,
    const struct export_rounds *rs, FILE *f, char *err, size_t errlen)
{
	struct mx_arg a;
	struct vfacts c;
	bool open = false;
	int rc;

	memset(&a, 0, sizeof(a));
	a.f = f;
	a.c = &c;
	if ((rc = vfacts_open(&c, s)) != 0)
		return rc;
	open = true;
	for (size_t k = 0; k < rs->n; k++) {
		struct store_sel sel = { rs->id[k], o->domain, NULL, NULL, NULL };

		if ((rc = store_view_keys(c.view, &sel, mx_name_cb, &a)) != 0)
			goto out;
	}
	if (a.nnames == 0) {
		if (o->domain != NULL && o->round != 0)
			snprintf(err, errlen, "no result for %s in round %llu", o->domain,
			    (unsigned long long)o->round);
		else if (o->domain != NULL)
			snprintf(err, errlen, "no result for %s in any round", o->domain);
		else if (o->round != 0)
			snprintf(err, errlen, "round %llu has no results",
			    (unsigned long long)o->round);
		else
			snprintf(err, errlen, "the store has no results");
		rc = PEIL_ENOENT;
		goto out;
	}
	a.status = malloc(a.nnames * sizeof(*a.status));
	a.v = calloc(a.nnames, sizeof(*a.v));
	if (a.status == NULL || a.v == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < a.nnames; i++)
		a.status[i] = -1;
	fputs("round,domain,test", f);
	for (size_t i = 0; i < a.nnames; i++) {
		putc(',', f);
		esc_csv(f, a.names[i]);
	}
	fputs(",consensus,disagree,who\n", f);
	for (size_t k = 0; k < rs->n; k++) {
		struct store_sel sel = { rs->id[k], o->domain, NULL, NULL, NULL };

		a.round = rs->id[k];
		if ((rc = vfacts_round(&c, rs->id[k], false, &a.r)) != 0 ||
		    (rc = store_view_keys(c.view, &sel, mx_row_cb, &a)) != 0 ||
		    (rc = mx_flush(&a)) != 0)
			goto out;
		store_release_pages(s);
	}
	rc = ferror(f) ? PEIL_EIO : 0;
out:
	for (size_t i = 0; i < a.nnames; i++)
		free(a.names[i]);
	free(a.names);
	free(a.status);
	free(a.v);
	if (open)
		vfacts_free(&c);
	return rc;
}
