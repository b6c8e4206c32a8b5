/* round.c: one round's domains probed and kept, and given up on after MAX_DOMAIN_TRIES.
 *
 * A domain whose results cannot be kept (the probe ran out of memory, the spool refused them)
 * is tried again when the round is asked for again; the tries are counted here, in memory,
 * per round, and at the bound the domain gets an error result for every test instead, so
 * the round completes. Counts start again after a restart: still bounded per process. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "limits.h"
#include "probe.h"
#include "round.h"
#include "vantage.h"

struct round_try {
	char *domain;
	unsigned failed;
};

struct round_tries {
	pthread_mutex_t lock;
	uint64_t round_id;
	struct round_try *v;     /* sorted by domain */
	size_t n, cap;
};

struct round_tries *
round_tries_new(void)
{
	struct round_tries *rt = calloc(1, sizeof(*rt));

	if (rt == NULL)
		return NULL;
	pthread_mutex_init(&rt->lock, NULL);
	return rt;
}

static void
round_tries_forget(struct round_tries *rt)
{
	for (size_t i = 0; i < rt->n; i++)
		free(rt->v[i].domain);
	rt->n = 0;
}

void
round_tries_free(struct round_tries *rt)
{
	if (rt == NULL)
		return;
	round_tries_forget(rt);
	free(rt->v);
	pthread_mutex_destroy(&rt->lock);
	free(rt);
}

/* Counts one failed try of domain in round_id; returns the tries failed so far, or
 * MAX_DOMAIN_TRIES when the count cannot be kept (out of memory: give up rather than loop). */
static unsigned
round_tries_count(struct round_tries *rt, uint64_t round_id, const char *domain)
{
	size_t lo = 0, hi;
	unsigned failed = MAX_DOMAIN_TRIES;

	pthread_mutex_lock(&rt->lock);
	if (rt->round_id != round_id) {
		round_tries_forget(rt);
		rt->round_id = round_id;
	}
	hi = rt->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rt->v[mid].domain, domain);

		if (c == 0) {
			failed = ++rt->v[mid].failed;
			goto out;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (rt->n == rt->cap) {
		size_t cap = rt->cap ? rt->cap * 2 : 64;
		struct round_try *v = realloc(rt->v, cap * sizeof(*v));

		if (v == NULL)
			goto out;
		rt->v = v;
		rt->cap = cap;
	}
	{
		char *d = strdup(domain);

		if (d == NULL)
			goto out;
		memmove(&rt->v[lo + 1], &rt->v[lo], (rt->n - lo) * sizeof(*rt->v));
		rt->v[lo].domain = d;
		rt->v[lo].failed = failed = 1;
		rt->n++;
	}
out:
	pthread_mutex_unlock(&rt->lock);
	return failed;
}

enum round_outcome
round_domain(struct round_tries *rt, const struct round_ops *ops, uint64_t round_id,
    const char *domain, const char *const *tests, size_t ntests, char *why, size_t whylen)
{
	struct result_set rs = { 0 };
	enum round_outcome outcome = ROUND_KEPT;
	char reason[256];
	unsigned failed;
	int rc;

	rc = ops->probe(ops->probe_arg, domain, round_id, tests, ntests, &rs);
	if (rc == 0)
		rc = ops->put(ops->put_arg, round_id, domain, rs.items, rs.n);
	result_set_clear(&rs);
	if (rc == 0)
		goto out;
	failed = round_tries_count(rt, round_id, domain);
	err_set(why, whylen, "results not kept (try %u of %d): %s", failed, MAX_DOMAIN_TRIES,
	    peil_strerror(rc));
	if (failed < MAX_DOMAIN_TRIES) {
		outcome = ROUND_RETRY;
		goto out;
	}
	snprintf(reason, sizeof(reason), "this agent could not keep its results of this domain "
	    "after %u tries: %s", failed, peil_strerror(rc));
	rc = probe_domain_error(domain, round_id, tests, ntests, reason, &rs);
	if (rc == 0)
		rc = ops->put(ops->put_arg, round_id, domain, rs.items, rs.n);
	result_set_clear(&rs);
	if (rc == 0) {
		outcome = ROUND_GAVE_UP;
		err_set(why, whylen, "%s", reason);
	} else {
		outcome = ROUND_DROPPED;
		err_set(why, whylen, "%s; nor could its error results be kept: %s", reason,
		    peil_strerror(rc));
	}
out:
	return outcome;
}

enum round_outcome
round_vantage(struct round_tries *rt, const struct round_ops *ops, uint64_t round_id,
    const char *const *tests, size_t ntests, char *why, size_t whylen)
{
	struct result_set rs = { 0 };
	unsigned failed;
	int rc;

	if (ops->vantage == NULL ||
	    (ops->done != NULL && ops->done(ops->put_arg, round_id, VANTAGE_DONE_KEY)))
		return ROUND_KEPT;
	rc = ops->vantage(ops->vantage_arg, round_id, tests, ntests, &rs);
	if (rc == 0)
		rc = ops->put(ops->put_arg, round_id, VANTAGE_DONE_KEY, rs.items, rs.n);
	result_set_clear(&rs);
	if (rc == 0)
		return ROUND_KEPT;
	failed = round_tries_count(rt, round_id, VANTAGE_DONE_KEY);
	err_set(why, whylen, "the vantage self-tests' results not kept (try %u of %d): %s",
	    failed, MAX_DOMAIN_TRIES, peil_strerror(rc));
	return failed < MAX_DOMAIN_TRIES ? ROUND_RETRY : ROUND_DROPPED;
}
