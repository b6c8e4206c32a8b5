/* test_probe.c: the probe's connection slots to mail server addresses, shared by every worker
 * and its STARTTLS threads; what a set of results found (probe's exit status). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "err.h"
#include "limits.h"
#include "probe.h"
#include "result.h"

static uint64_t
in_ms(unsigned ms)
{
	return (uint64_t)clock_mono_ms() + ms;
}

/* DEFAULT_TLS_PER_HOST connections to one address at once; the next waits until one is given
 * back or its deadline passes. */
static void
test_slot_per_host(void **state)
{
	const char *a = "192.0.2.25";
	int64_t t0;

	(void)state;
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		assert_int_equal(probe_slot_take(a, in_ms(1000)), 0);
	t0 = clock_mono_ms();
	assert_int_equal(probe_slot_take(a, in_ms(100)), PEIL_ETIMEDOUT);
	assert_true(clock_mono_ms() - t0 >= 90);
	/* Another address is not held back by this one. */
	assert_int_equal(probe_slot_take("192.0.2.26", in_ms(1000)), 0);
	probe_slot_give("192.0.2.26");
	probe_slot_give(a);
	assert_int_equal(probe_slot_take(a, in_ms(1000)), 0);
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		probe_slot_give(a);
	/* Every slot came back: the full count again. */
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		assert_int_equal(probe_slot_take(a, in_ms(1000)), 0);
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		probe_slot_give(a);
}

/* An address text the table cannot hold whole is refused, not cut (a cut one would never be
 * given back). */
static void
test_slot_long_addr(void **state)
{
	char addr[65];   /* 64 characters */

	(void)state;
	memset(addr, '1', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	assert_int_equal(probe_slot_take(addr, in_ms(100)), PEIL_EINVAL);
	addr[63] = '\0';
	assert_int_equal(probe_slot_take(addr, in_ms(100)), 0);
	probe_slot_give(addr);
}

/* The agent at its configured maximum: MAX_CONCURRENCY workers, each testing
 * MAX_STARTTLS_PARALLEL distinct addresses of one domain's MX at once. */
struct worker {
	unsigned id;
	int rc[MAX_STARTTLS_PARALLEL];
	pthread_barrier_t *held, *release;
};

static void
worker_addr(unsigned id, unsigned k, char *out, size_t outlen)
{
	snprintf(out, outlen, "2001:db8:%x::%x", id, k + 1);
}

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	char addr[64];

	for (unsigned k = 0; k < MAX_STARTTLS_PARALLEL; k++) {
		worker_addr(w->id, k, addr, sizeof(addr));
		w->rc[k] = probe_slot_take(addr, in_ms(10000));
	}
	pthread_barrier_wait(w->held);
	pthread_barrier_wait(w->release);
	for (unsigned k = 0; k < MAX_STARTTLS_PARALLEL; k++)
		if (w->rc[k] == 0) {
			worker_addr(w->id, k, addr, sizeof(addr));
			probe_slot_give(addr);
		}
	return NULL;
}

struct waiter {
	int rc;
};

static void *
waiter_run(void *arg)
{
	struct waiter *wt = arg;

	wt->rc = probe_slot_take("198.51.100.25", in_ms(10000));
	return NULL;
}

static void
test_slot_table_full(void **state)
{
	static struct worker w[MAX_CONCURRENCY];
	static pthread_t th[MAX_CONCURRENCY];
	pthread_barrier_t held, release;
	struct waiter wt = { .rc = 1 };
	pthread_t wth;
	int64_t t0;

	(void)state;
	assert_int_equal(MAX_TLS_SLOTS, MAX_CONCURRENCY * MAX_STARTTLS_PARALLEL);
	assert_int_equal(pthread_barrier_init(&held, NULL, MAX_CONCURRENCY + 1), 0);
	assert_int_equal(pthread_barrier_init(&release, NULL, MAX_CONCURRENCY + 1), 0);
	for (unsigned i = 0; i < MAX_CONCURRENCY; i++) {
		w[i] = (struct worker){ .id = i, .held = &held, .release = &release };
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	pthread_barrier_wait(&held);
	/* Every worker holds all its addresses: the table holds the real bound. */
	for (unsigned i = 0; i < MAX_CONCURRENCY; i++)
		for (unsigned k = 0; k < MAX_STARTTLS_PARALLEL; k++)
			assert_int_equal(w[i].rc[k], 0);
	/* One address more than the bound: refused once its deadline passes, never written past
	 * the table. */
	t0 = clock_mono_ms();
	assert_int_equal(probe_slot_take("198.51.100.26", in_ms(100)), PEIL_ETIMEDOUT);
	assert_true(clock_mono_ms() - t0 >= 90);
	/* ... and one that waits longer gets a slot as soon as the workers give theirs back. */
	assert_int_equal(pthread_create(&wth, NULL, waiter_run, &wt), 0);
	pthread_barrier_wait(&release);
	for (unsigned i = 0; i < MAX_CONCURRENCY; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(pthread_join(wth, NULL), 0);
	assert_int_equal(wt.rc, 0);
	probe_slot_give("198.51.100.25");
	pthread_barrier_destroy(&held);
	pthread_barrier_destroy(&release);
	/* All given back: an address of a worker takes its full count again. */
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		assert_int_equal(probe_slot_take("2001:db8:1::1", in_ms(1000)), 0);
	for (int i = 0; i < DEFAULT_TLS_PER_HOST; i++)
		probe_slot_give("2001:db8:1::1");
}

/* Failed wins over error; warning, info, not_tested and passed find nothing. */
static void
test_findings(void **state)
{
	static const struct {
		int status[3];
		unsigned want;
	} cases[] = {
		{ { PEIL__STATUS__PASSED, PEIL__STATUS__WARNING, PEIL__STATUS__INFO }, 0 },
		{ { PEIL__STATUS__NOT_TESTED, PEIL__STATUS__PASSED, PEIL__STATUS__PASSED }, 0 },
		{ { PEIL__STATUS__PASSED, PEIL__STATUS__FAILED, PEIL__STATUS__PASSED },
		  PROBE_FOUND_FAILED },
		{ { PEIL__STATUS__ERROR, PEIL__STATUS__PASSED, PEIL__STATUS__NOT_TESTED },
		  PROBE_FOUND_ERROR },
		{ { PEIL__STATUS__ERROR, PEIL__STATUS__FAILED, PEIL__STATUS__WARNING },
		  PROBE_FOUND_FAILED | PROBE_FOUND_ERROR },
	};
	struct result_set rs = { 0 };

	(void)state;
	assert_int_equal(probe_findings(&rs), 0);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (size_t i = 0; i < 3; i++) {
			Peil__Result *r = result_new("example.nl", "web_dnssec_exist",
			    cases[c].status[i], "rfc4033");

			assert_non_null(r);
			assert_int_equal(result_set_add(&rs, r), 0);
		}
		assert_int_equal(probe_findings(&rs), cases[c].want);
		result_set_clear(&rs);
	}
	result_set_clear(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_per_host),
		cmocka_unit_test(test_slot_long_addr),
		cmocka_unit_test(test_slot_table_full),
		cmocka_unit_test(test_findings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
