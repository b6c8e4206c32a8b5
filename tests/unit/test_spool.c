/* test_spool.c: the agent's spool: results kept until acknowledged, batches stable. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "spool.h"

static char *
tmpdir(void)
{
	char tmpl[] = "/tmp/peil-test-spool-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void
rmtree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* n results with domain d<i>.test, padded to about `pad` bytes of evidence. */
static void
put_results(struct spool *sp, uint64_t round, const char *domain, size_t n, size_t pad)
{
	Peil__Result *r[64];
	Peil__Result store[64];
	Peil__Evidence ev[64], *evp[64];
	char name[64][32];
	char *padding = malloc(pad + 1);

	assert_true(n <= 64);
	memset(padding, 'x', pad);
	padding[pad] = '\0';
	for (size_t i = 0; i < n; i++) {
		peil__result__init(&store[i]);
		peil__evidence__init(&ev[i]);
		snprintf(name[i], sizeof(name[i]), "d%zu.test", i);
		store[i].domain = name[i];
		store[i].test_id = (char *)"web_dnssec_valid";
		store[i].status = PEIL__STATUS__PASSED;
		ev[i].key = (char *)"pad";
		ev[i].value = padding;
		evp[i] = &ev[i];
		store[i].evidence = &evp[i];
		store[i].n_evidence = 1;
		r[i] = &store[i];
	}
	assert_int_equal(spool_put(sp, round, domain, r, n), 0);
	free(padding);
}

static void
test_put_seal_ack(void **state)
{
	char *dir = tmpdir();
	struct spool *sp;
	struct spool_stats st;
	uint64_t seq;
	uint8_t *buf;
	size_t len;
	Peil__ResultBatch *rb;

	(void)state;
	assert_int_equal(spool_open(dir, 4, true, &sp), 0);
	assert_int_equal(spool_seal(sp, 100, 1 << 20, &seq), 0);
	assert_int_equal(seq, 0);                       /* nothing pending */
	put_results(sp, 1, "a.test", 10, 10);
	assert_int_equal(spool_stats(sp, &st), 0);
	assert_int_equal(st.pending, 10);
	assert_int_equal(spool_seal(sp, 4, 1 << 20, &seq), 0);
	assert_int_equal(seq, 1);
	assert_int_equal(spool_seal(sp, 4, 1 << 20, &seq), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(spool_seal(sp, 4, 1 << 20, &seq), 0);
	assert_int_equal(seq, 3);
	assert_int_equal(spool_stats(sp, &st), 0);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.batches, 3);
	assert_int_equal(st.first_batch, 1);
	assert_int_equal(st.last_batch, 3);

	/* A batch decodes to its sequence number and its results, in order. */
	assert_int_equal(spool_get(sp, 2, &buf, &len), 0);
	rb = peil__result_batch__unpack(NULL, len, buf);
	assert_non_null(rb);
	assert_int_equal(rb->batch_seq, 2);
	assert_int_equal(rb->n_results, 4);
	assert_int_equal(rb->results[0]->result_seq, 5);
	assert_string_equal(rb->results[3]->domain, "d7.test");
	peil__result_batch__free_unpacked(rb, NULL);
	free(buf);

	/* Acks are cumulative. */
	assert_int_equal(spool_ack(sp, 2), 0);
	assert_int_equal(spool_stats(sp, &st), 0);
	assert_int_equal(st.batches, 1);
	assert_int_equal(st.first_batch, 3);
	assert_int_equal(spool_get(sp, 1, &buf, &len), PEIL_ENOENT);
	assert_int_equal(spool_ack(sp, 3), 0);
	assert_int_equal(spool_stats(sp, &st), 0);
	assert_int_equal(st.batches, 0);
	assert_int_equal(st.last_batch, 3);
	spool_close(sp);
	rmtree(dir);
	free(dir);
}

static void
test_persistence_and_sync(void **state)
{
	char *dir = tmpdir();
	struct spool *sp;
	struct spool_stats st;
	uint64_t seq;

	(void)state;
	assert_int_equal(spool_open(dir, 4, false, &sp), 0);
	put_results(sp, 1, "a.test", 5, 10);
	assert_int_equal(spool_seal(sp, 2, 1 << 20, &seq), 0);
	spool_close(sp);

	/* Reopened: the batch and the pending results are still there, numbers go on. */
	assert_int_equal(spool_open(dir, 4, false, &sp), 0);
	assert_int_equal(spool_stats(sp, &st), 0);
	assert_int_equal(st.pending, 3);
	assert_int_equal(st.batches, 1);
	assert_int_equal(st.next_result_seq, 6);
	assert_true(spool_domain_done(sp, 1, "a.test"));
	assert_false(spool_domain_done(sp, 2, "a.test"));
	assert_false(spool_domain_done(sp, 1, "b.test"));

	/* The collector already holds up to batch 7 (a restored spool): renumber above it. */
	assert_int_equal(spool_sync_remote(sp, 7), 0);
	assert_int_equal(spool_stats(sp, &st), 0);
	assert_int_equal(st.batches, 0);
	assert_int_equal(spool_seal(sp, 100, 1 << 20, &seq), 0);
	assert_int_equal(seq, 8);

	/* A remote that is behind changes nothing. */
	assert_int_equal(spool_sync_remote(sp, 2), 0);
	put_results(sp, 1, NULL, 1, 10);
	assert_int_equal(spool_seal(sp, 100, 1 << 20, &seq), 0);
	assert_int_equal(seq, 9);
	spool_close(sp);
	rmtree(dir);
	free(dir);
}

static void
test_rounds(void **state)
{
	char *dir = tmpdir();
	struct spool *sp;

	(void)state;
	assert_int_equal(spool_open(dir, 4, true, &sp), 0);
	assert_int_equal(spool_round_done(sp), 0);
	assert_int_equal(spool_round_begin(sp, 3), 0);
	put_results(sp, 3, "x.test", 1, 1);
	assert_true(spool_domain_done(sp, 3, "x.test"));
	assert_int_equal(spool_round_begin(sp, 3), 0);  /* same round: progress kept */
	assert_true(spool_domain_done(sp, 3, "x.test"));
	assert_int_equal(spool_set_round_done(sp, 3), 0);
	assert_int_equal(spool_round_done(sp), 3);
	assert_int_equal(spool_round_begin(sp, 4), 0);  /* next round: forgotten */
	assert_false(spool_domain_done(sp, 3, "x.test"));
	assert_false(spool_domain_done(sp, 4, "x.test"));
	spool_close(sp);
	rmtree(dir);
	free(dir);
}

static void
test_byte_limit_and_growth(void **state)
{
	char *dir = tmpdir();
	struct spool *sp;
	struct spool_stats st;
	uint64_t seq, batches = 0;

	(void)state;
	/* 1 MiB map, 8 MiB of results: the map grows without losing anything. */
	assert_int_equal(spool_open(dir, 1, true, &sp), 0);
	for (int i = 0; i < 64; i++)
		put_results(sp, 1, NULL, 32, 4000);
	assert_int_equal(spool_stats(sp, &st), 0);
	assert_int_equal(st.pending, 64 * 32);
	/* At most 100 KB per batch: about 24 results of 4 KB. */
	do {
		assert_int_equal(spool_seal(sp, 1000, 100 * 1024, &seq), 0);
		if (seq != 0) {
			uint8_t *buf;
			size_t len;

			batches++;
			assert_int_equal(spool_get(sp, seq, &buf, &len), 0);
			assert_true(len <= 100 * 1024);
			free(buf);
		}
	} while (seq != 0);
	assert_true(batches >= 64 * 32 / 25);
	assert_int_equal(spool_stats(sp, &st), 0);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.batches, batches);
	spool_close(sp);
	rmtree(dir);
	free(dir);
}

static void
test_bad_input(void **state)
{
	char *dir = tmpdir();
	struct spool *sp;
	char big[300];

	(void)state;
	assert_int_equal(spool_open(dir, 1, true, &sp), 0);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(spool_domain_done(sp, 1, big));
	assert_false(spool_domain_done(sp, 1, ""));
	spool_close(sp);
	assert_int_not_equal(spool_open("/proc/no/such/dir", 1, true, &sp), 0);
	rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_seal_ack),
		cmocka_unit_test(test_persistence_and_sync),
		cmocka_unit_test(test_rounds),
		cmocka_unit_test(test_byte_limit_and_growth),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
