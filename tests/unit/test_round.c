/* test_round.c: a domain whose results cannot be kept is given up on after MAX_DOMAIN_TRIES
 * (error results for every test, saying why) and its round completes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "limits.h"
#include "round.h"

/* A spool in memory: the domains kept, with their results; put fails for `bad` while
 * fail_left lasts (-1: always), with fail_rc. */
struct fakespool {
	const char *bad;
	int fail_left, fail_rc;
	unsigned probes, puts;
	char kept[8][64];
	struct result_set rs[8];
	size_t nkept;
};

static const char *const tests2[] = { "mail_mtasts", "mail_tlsrpt" };

static int
fake_probe(void *arg, const char *domain, uint64_t round_id, const char *const *tests,
    size_t ntests, struct result_set *out)
{
	struct fakespool *fs = arg;

	fs->probes++;
	for (size_t i = 0; i < ntests; i++) {
		Peil__Result *r = result_new(domain, tests[i], PEIL__STATUS__PASSED, "rfc");

		if (r == NULL || result_set_add(out, r) != 0)
			return PEIL_ENOMEM;
		r->round_id = round_id;
	}
	return 0;
}

static int
fake_put(void *arg, uint64_t round_id, const char *domain, Peil__Result **r, size_t n)
{
	struct fakespool *fs = arg;

	(void)round_id;
	fs->puts++;
	if (fs->bad != NULL && strcmp(domain, fs->bad) == 0 && fs->fail_left != 0) {
		if (fs->fail_left > 0)
			fs->fail_left--;
		return fs->fail_rc;
	}
	assert_true(fs->nkept < 8);
	snprintf(fs->kept[fs->nkept], sizeof(fs->kept[0]), "%s", domain);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(result_set_add(&fs->rs[fs->nkept], result_dup(r[i])), 0);
	fs->nkept++;
	return 0;
}

static const struct result_set *
kept(const struct fakespool *fs, const char *domain)
{
	for (size_t i = 0; i < fs->nkept; i++)
		if (strcmp(fs->kept[i], domain) == 0)
			return &fs->rs[i];
	return NULL;
}

static void
fakespool_clear(struct fakespool *fs)
{
	for (size_t i = 0; i < fs->nkept; i++)
		result_set_clear(&fs->rs[i]);
}

/* The agent's round loop in small: pass over the targets, skipping those kept, until a pass
 * leaves nothing to retry; returns the passes it took (at most `limit`). */
static unsigned
run_round(struct round_tries *rt, struct fakespool *fs, uint64_t round_id,
    const char *const *targets, size_t n, unsigned limit, unsigned *gave_up)
{
	struct round_ops ops = { .probe = fake_probe, .put = fake_put, .probe_arg = fs,
	    .put_arg = fs };
	unsigned pass;

	*gave_up = 0;
	for (pass = 1; pass <= limit; pass++) {
		size_t retry = 0;

		for (size_t i = 0; i < n; i++) {
			char why[512];

			if (kept(fs, targets[i]) != NULL)
				continue;
			switch (round_domain(rt, &ops, round_id, targets[i], tests2, 2, why,
			    sizeof(why))) {
			case ROUND_KEPT:
				break;
			case ROUND_GAVE_UP:
			case ROUND_DROPPED:
				(*gave_up)++;
				assert_non_null(strstr(why, "could not keep"));
				break;
			case ROUND_RETRY:
				assert_non_null(strstr(why, "results not kept"));
				retry++;
				break;
			}
		}
		if (retry == 0)
			return pass;
	}
	return pass;
}

/* The spool refuses bad.test's results every time: after MAX_DOMAIN_TRIES passes bad.test has
 * an error result for every test, with the reason, and the round is done; good.test is kept
 * once with its own results. */
static void
test_given_up_after_bound(void **state)
{
	static const char *const targets[] = { "good.test", "bad.test" };
	struct fakespool fs = { .bad = "bad.test", .fail_left = MAX_DOMAIN_TRIES,
	    .fail_rc = PEIL_ETOOBIG };
	struct round_tries *rt = round_tries_new();
	const struct result_set *rs;
	unsigned passes, gave_up;

	(void)state;
	assert_non_null(rt);
	passes = run_round(rt, &fs, 7, targets, 2, 50, &gave_up);
	assert_int_equal(passes, MAX_DOMAIN_TRIES);
	assert_int_equal(gave_up, 1);
	assert_int_equal(fs.probes, 1 + MAX_DOMAIN_TRIES);
	assert_non_null(rs = kept(&fs, "good.test"));
	assert_int_equal(rs->items[0]->status, PEIL__STATUS__PASSED);
	assert_non_null(rs = kept(&fs, "bad.test"));
	assert_int_equal(rs->n, 2);
	for (size_t i = 0; i < rs->n; i++) {
		const Peil__Result *r = rs->items[i];

		assert_string_equal(r->test_id, tests2[i]);
		assert_string_equal(r->domain, "bad.test");
		assert_int_equal(r->status, PEIL__STATUS__ERROR);
		assert_int_equal(r->round_id, 7);
		assert_int_equal(result_check(r), 0);
		assert_int_equal(r->n_evidence, 1);
		assert_string_equal(r->evidence[0]->key, "reason");
		assert_non_null(strstr(r->evidence[0]->value, "after 3 tries"));
		assert_non_null(strstr(r->evidence[0]->value, peil_strerror(PEIL_ETOOBIG)));
	}
	fakespool_clear(&fs);
	round_tries_free(rt);
}

/* A failure that passes: the second try keeps the domain's own results. */
static void
test_transient_failure(void **state)
{
	static const char *const targets[] = { "bad.test" };
	struct fakespool fs = { .bad = "bad.test", .fail_left = 1, .fail_rc = PEIL_ESTORE };
	struct round_tries *rt = round_tries_new();
	unsigned gave_up;

	(void)state;
	assert_int_equal(run_round(rt, &fs, 1, targets, 1, 50, &gave_up), 2);
	assert_int_equal(gave_up, 0);
	assert_int_equal(kept(&fs, "bad.test")->items[0]->status, PEIL__STATUS__PASSED);
	fakespool_clear(&fs);
	round_tries_free(rt);
}

/* Nothing of the domain can be kept, not even the error results: it is dropped at the bound
 * and the round still completes. */
static void
test_dropped(void **state)
{
	static const char *const targets[] = { "bad.test", "good.test" };
	struct fakespool fs = { .bad = "bad.test", .fail_left = -1, .fail_rc = PEIL_ESTORE };
	struct round_tries *rt = round_tries_new();
	unsigned gave_up;

	(void)state;
	assert_int_equal(run_round(rt, &fs, 1, targets, 2, 50, &gave_up), MAX_DOMAIN_TRIES);
	assert_int_equal(gave_up, 1);
	assert_null(kept(&fs, "bad.test"));
	assert_non_null(kept(&fs, "good.test"));
	fakespool_clear(&fs);
	round_tries_free(rt);
}

/* Counts belong to one round: a new round starts every domain from no failed try. */
static void
test_counts_per_round(void **state)
{
	static const char *const targets[] = { "bad.test" };
	struct round_ops ops = { .probe = fake_probe, .put = fake_put };
	struct fakespool fs = { .bad = "bad.test", .fail_left = -1, .fail_rc = PEIL_ESTORE };
	struct round_tries *rt = round_tries_new();
	char why[512];

	(void)state;
	ops.probe_arg = ops.put_arg = &fs;
	for (int i = 0; i < MAX_DOMAIN_TRIES - 1; i++)
		assert_int_equal(round_domain(rt, &ops, 1, targets[0], tests2, 2, why,
		    sizeof(why)), ROUND_RETRY);
	assert_int_equal(round_domain(rt, &ops, 2, targets[0], tests2, 2, why, sizeof(why)),
	    ROUND_RETRY);
	assert_non_null(strstr(why, "try 1 of"));
	round_tries_free(rt);
	round_tries_free(NULL);
}

/* The vantage self-tests: an empty-domain result per test, kept once per round under the
 * done-marker "." (never a target's name); kept already: not run again; a spool that refuses
 * them: retried, then the round goes on without them. */
static int
fake_vantage(void *arg, uint64_t round_id, const char *const *tests, size_t ntests,
    struct result_set *out)
{
	unsigned *runs = arg;
	Peil__Result *r = result_new("", "vantage_ipv6", PEIL__STATUS__PASSED, "peil");

	(void)tests;
	(void)ntests;
	(*runs)++;
	if (r == NULL || result_set_add(out, r) != 0)
		return PEIL_ENOMEM;
	r->round_id = round_id;
	return 0;
}

static bool
fake_done(void *arg, uint64_t round_id, const char *domain)
{
	(void)round_id;
	return kept(arg, domain) != NULL;
}

static void
test_vantage_once(void **state)
{
	struct fakespool fs = { 0 };
	unsigned runs = 0;
	struct round_ops ops = { .probe = fake_probe, .put = fake_put, .probe_arg = &fs,
	    .put_arg = &fs, .vantage = fake_vantage, .vantage_arg = &runs, .done = fake_done };
	struct round_tries *rt = round_tries_new();
	const struct result_set *k;
	char why[512];

	(void)state;
	assert_int_equal(round_vantage(rt, &ops, 3, NULL, 0, why, sizeof(why)), ROUND_KEPT);
	assert_non_null(k = kept(&fs, "."));
	assert_int_equal(k->n, 1);
	assert_string_equal(k->items[0]->domain, "");
	assert_int_equal(k->items[0]->round_id, 3);
	/* Kept: the round asked again (a retry, a restart) does not run them twice. */
	assert_int_equal(round_vantage(rt, &ops, 3, NULL, 0, why, sizeof(why)), ROUND_KEPT);
	assert_int_equal(runs, 1);
	fakespool_clear(&fs);

	/* A spool that refuses them: a retry per try, then dropped at the bound. */
	{
		struct fakespool bad = { .bad = ".", .fail_left = -1, .fail_rc = PEIL_ESTORE };

		ops.probe_arg = ops.put_arg = &bad;
		for (int i = 1; i < MAX_DOMAIN_TRIES; i++)
			assert_int_equal(round_vantage(rt, &ops, 4, NULL, 0, why, sizeof(why)),
			    ROUND_RETRY);
		assert_non_null(strstr(why, "self-tests"));
		assert_int_equal(round_vantage(rt, &ops, 4, NULL, 0, why, sizeof(why)),
		    ROUND_DROPPED);
		assert_null(kept(&bad, "."));
	}
	/* No self-tests configured in the ops: nothing. */
	ops.vantage = NULL;
	assert_int_equal(round_vantage(rt, &ops, 5, NULL, 0, why, sizeof(why)), ROUND_KEPT);
	round_tries_free(rt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_given_up_after_bound),
		cmocka_unit_test(test_transient_failure),
		cmocka_unit_test(test_dropped),
		cmocka_unit_test(test_counts_per_round),
		cmocka_unit_test(test_vantage_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
