/* round.h: one round's domains probed and kept, and given up on after MAX_DOMAIN_TRIES. */
#ifndef PEIL_ROUND_H
#define PEIL_ROUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "result.h"

/* What a domain needs: probing (probe_domain's contract) and keeping (spool_put's), behind
 * callbacks so tests can inject failures. */
struct round_ops {
	int (*probe)(void *arg, const char *domain, uint64_t round_id, const char *const *tests,
	    size_t ntests, struct result_set *out);
	int (*put)(void *arg, uint64_t round_id, const char *domain, Peil__Result **r, size_t n);
	void *probe_arg, *put_arg;
	/* The vantage self-tests of a round (vantage_run's contract); NULL: round_vantage does
	 * nothing. */
	int (*vantage)(void *arg, uint64_t round_id, const char *const *tests, size_t ntests,
	    struct result_set *out);
	void *vantage_arg;
	/* Whether `domain` is kept for round_id already (spool_domain_done's contract, put_arg);
	 * NULL: never. */
	bool (*done)(void *arg, uint64_t round_id, const char *domain);
};

/* The failed tries of each domain of one round; shared by the worker threads (locked).
 * Opaque; round_tries_free accepts NULL. NULL on out of memory. */
struct round_tries;
struct round_tries *round_tries_new(void);
void round_tries_free(struct round_tries *rt);

/* What became of one domain: a status of its own, never a PEIL_E* value. */
enum round_outcome {
	ROUND_KEPT,      /* its results are kept */
	ROUND_GAVE_UP,   /* MAX_DOMAIN_TRIES tries failed: an error result per test is kept */
	ROUND_DROPPED,   /* ... and even the error results could not be kept: nothing is */
	ROUND_RETRY,     /* this try failed: nothing kept, try the domain again later */
};

/* Probes `domain` for round_id and keeps its results. When that fails (why: the reason),
 * counts a try against the domain (counts of another round are forgotten first); at the
 * MAX_DOMAIN_TRIES-th failed try, keeps instead an error result for every test saying why, so
 * that a domain that can never be kept does not hold its round open. Returns the outcome. */
enum round_outcome round_domain(struct round_tries *rt, const struct round_ops *ops,
    uint64_t round_id, const char *domain, const char *const *tests, size_t ntests,
    char *why, size_t whylen);

/* The vantage self-tests of round_id, once per round: unless ops->done says they were kept
 * already (VANTAGE_DONE_KEY), runs ops->vantage and keeps the results (ops->put, marking
 * VANTAGE_DONE_KEY done in the same transaction). A failure counts a try like a domain's; at
 * the MAX_DOMAIN_TRIES-th the round goes on without them (ROUND_DROPPED). Returns
 * ROUND_KEPT (kept now or before), ROUND_RETRY or ROUND_DROPPED, with why set on a failure. */
enum round_outcome round_vantage(struct round_tries *rt, const struct round_ops *ops,
    uint64_t round_id, const char *const *tests, size_t ntests, char *why, size_t whylen);

#endif
