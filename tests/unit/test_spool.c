/* test_spool.c: the agent's spool: results kept until acknowledged, batches stable. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <lmdb.h>

#include "err.h"
#include "lmdb.h"
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

/* One result of domain e.test; spool_put's code, unchecked. */
static int
put_one(struct spool *sp)
{
	Peil__Result r, *rp = &r;

	peil__result__init(&r);
	r.domain = (char *)"e.test";
	r.test_id = (char *)"web_dnssec_valid";
	r.status = PEIL__STATUS__PASSED;
	return spool_put(sp, 1, NULL, &rp, 1);
}

/* Writes meta[key] = val (len bytes) straight into the spool's LMDB (spool closed). */
static void
meta_poke(const char *dir, const char *key, const void *val, size_t len)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { strlen(key), (void *)key }, v = { len, (void *)val };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_NOTLS, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* stderr (the log) into a file while a step runs; stderr_end returns what was written. */
static int saved_stderr = -1;

static void
stderr_begin(const char *path)
{
	int fd;

	fflush(stderr);
	assert_true((saved_stderr = dup(2)) >= 0);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
	assert_true(dup2(fd, 2) == 2);
	close(fd);
}

static char *
stderr_end(const char *path)
{
	static char buf[4096];
	FILE *f;
	size_t n;

	fflush(stderr);
	assert_true(dup2(saved_stderr, 2) == 2);
	close(saved_stderr);
	saved_stderr = -1;
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* LMDB's own codes never come out of the spool as if they were PEIL_E* codes: a spool whose
 * counters were set back (MDB_KEYEXIST on append) or damaged (a counter not 8 bytes) gives
 * PEIL_ESTORE, says so in the log, and reads as a store error, not "unknown error". */
static void
test_lmdb_errors(void **state)
{
	char *dir = tmpdir();
	char logf[600];
	struct spool *sp;
	struct spool_stats st;
	uint64_t seq;
	uint8_t one[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	const char *log;
	int rc;

	(void)state;
	snprintf(logf, sizeof(logf), "%s.log", dir);
	assert_int_equal(spool_open(dir, 1, true, &sp), 0);
	put_results(sp, 1, NULL, 3, 10);
	assert_int_equal(spool_seal(sp, 1, 1 << 20, &seq), 0);
	assert_int_equal(seq, 1);
	spool_close(sp);

	/* The counters set back: appends meet keys that exist. */
	meta_poke(dir, "next_result_seq", one, sizeof(one));
	meta_poke(dir, "next_batch_seq", one, sizeof(one));
	assert_int_equal(spool_open(dir, 1, true, &sp), 0);
	stderr_begin(logf);
	rc = put_one(sp);
	log = stderr_end(logf);
	assert_int_equal(rc, PEIL_ESTORE);
	assert_string_equal(peil_strerror(rc), "store (LMDB) error");
	assert_non_null(strstr(log, "spool: put: MDB_KEYEXIST"));
	stderr_begin(logf);
	rc = spool_seal(sp, 10, 1 << 20, &seq);
	log = stderr_end(logf);
	assert_int_equal(rc, PEIL_ESTORE);
	assert_int_equal(seq, 0);
	assert_non_null(strstr(log, "spool: seal: MDB_KEYEXIST"));
	/* Nothing was lost or changed by the failed writes. */
	assert_int_equal(spool_stats(sp, &st), 0);
	assert_int_equal(st.pending, 2);
	assert_int_equal(st.batches, 1);
	spool_close(sp);

	/* A counter that is not 8 bytes: damaged, said so, not read as 0. */
	meta_poke(dir, "next_result_seq", "abc", 3);
	assert_int_equal(spool_open(dir, 1, true, &sp), 0);
	stderr_begin(logf);
	rc = put_one(sp);
	assert_int_equal(spool_stats(sp, &st), PEIL_ESTORE);
	log = stderr_end(logf);
	assert_int_equal(rc, PEIL_ESTORE);
	assert_non_null(strstr(log, "spool: put: MDB_CORRUPTED"));
	assert_non_null(strstr(log, "spool: stats: MDB_CORRUPTED"));
	spool_close(sp);
	rmtree(dir);

	/* Not an LMDB file at all. */
	{
		char path[600];
		char junk[8192];
		FILE *f;

		assert_int_equal(mkdir(dir, 0700), 0);
		snprintf(path, sizeof(path), "%s/data.mdb", dir);
		assert_non_null(f = fopen(path, "w"));
		memset(junk, 'j', sizeof(junk));
		assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
		fclose(f);
		stderr_begin(logf);
		rc = spool_open(dir, 1, true, &sp);
		log = stderr_end(logf);
		assert_int_equal(rc, PEIL_ESTORE);
		assert_null(sp);
		assert_non_null(strstr(log, "MDB_INVALID"));
	}
	unlink(logf);
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
		cmocka_unit_test(test_lmdb_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
