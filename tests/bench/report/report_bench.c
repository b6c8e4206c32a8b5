/* report_bench.c: the report benchmark's measuring half (tests/bench/report/run): built in the
 * build tree, not installed.
 *   report_bench gen STORE [DOMAINS ORGS ROUNDS]   writes the synthetic store (once: a store
 *       that is complete is left as it is): DOMAINS target domains in ORGS organisations, every
 *       test of the catalogue from 3 vantages in each of ROUNDS rounds, indexed
 *   report_bench judge STORE     judge_load of the newest round with every round as history:
 *       wall time, peak RSS, what it found
 *   report_bench walk STORE      the reference: a plain store_view_keys walk over the same
 *       rounds (nothing decided, nothing kept), wall time and peak RSS
 *   report_bench v2 STORE        makes the store look as schema 2 left it (the per-round index
 *       values without their status, the version 2), in transactions of 100,000 entries
 *   report_bench open STORE      opens it for writing: the upgrade to the current schema,
 *       timed
 * Each measuring mode runs in a process of its own, so that its peak RSS is its own. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <lmdb.h>

#include "bytes.h"
#include "catalogue.h"
#include "err.h"
#include "judge.h"
#include "store.h"

#define VANTAGES 3
#define DOMAINS_PER_CALL 300        /* domains per store_ingest call (x tests x vantages) */

static const char *const vantage[VANTAGES] = { "vantage-a", "vantage-b", "vantage-c" };

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A stable hash of (a, b, c): the synthetic statuses are the same on every run. */
static uint32_t
mix(uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t h = a * 0x9e3779b1u ^ (b + 0x7f4a7c15u) * 0x85ebca6bu ^ (c + 0x165667b1u) * 0xc2b2ae35u;

	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	h *= 0x297a2d39u;
	h ^= h >> 15;
	return h;
}

/* What vantage v says on (domain d, test t) in round r: a domain's quality per category
 * rises over the rounds, a few of its tests fail on their own; one domain in 20 has a null MX (its mail server tests not_tested); vantage c has
 * no IPv6; a few errors, warnings and disagreements. */
static int
synth_status(uint32_t d, const struct catalogue_entry *e, uint32_t t, uint32_t r, int v)
{
	uint32_t c = (uint32_t)(unsigned char)e->category[0] * 31u + (uint32_t)strlen(e->category);
	uint32_t h = mix(d, c, 0) % 1000, q = mix(d, 0, 1) % 700 + r * 25;
	uint32_t x = mix(d, t, r + 100 * (uint32_t)v) % 1000;

	if (v == 2 && (strstr(e->id, "_reach") != NULL || strcmp(e->id, "web_ipv6_ws_similar") == 0))
		return PEIL__STATUS__NOT_TESTED;
	if (d % 20 == 0 && strncmp(e->id, "mail_", 5) == 0 && strncmp(e->id, "mail_auth_", 10) != 0)
		return PEIL__STATUS__NOT_TESTED;
	if (x < 5)
		return PEIL__STATUS__ERROR;
	if (x < 15)
		return PEIL__STATUS__FAILED;         /* one vantage sees it otherwise */
	if (strcmp(e->id, "web_https_tls_version") == 0 && h % 3 == 0)
		return PEIL__STATUS__WARNING;
	if (mix(d, t, 7) % 1000 < 20 + (r < 6 ? 6 - r : 0) * 10)
		return PEIL__STATUS__FAILED;         /* one test of a category, fixed over time */
	return h < q ? PEIL__STATUS__PASSED : PEIL__STATUS__FAILED;
}

static int
write_targets(const char *path, uint32_t domains, uint32_t orgs)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return PEIL_EIO;
	fprintf(f, "organisation,domain,publish\n");
	for (uint32_t d = 0; d < domains; d++)
		fprintf(f, "Organisation %05" PRIu32 ",d%05" PRIu32 ".bench.example,%s\n", d % orgs,
		    d, d % orgs % 4 == 0 ? "no" : "yes");
	return fclose(f) == 0 ? 0 : PEIL_EIO;
}

static int
gen(const char *dir, uint32_t domains, uint32_t orgs, uint32_t rounds)
{
	struct store_opts o = { 8192, false, true, 65536, 0 };
	struct store *s = NULL;
	struct store_round latest;
	size_t ncat, ntests = 0, count = 0, done;
	const struct catalogue_entry *cat = catalogue_all(&ncat);
	uint32_t tid[TEST_COUNT];
	char path[4096], err[512], names[DOMAINS_PER_CALL][64];
	Peil__Result *res = NULL, **ptr = NULL;
	struct store_batch *b = NULL;
	uint64_t seq[VANTAGES] = { 0 }, total = 0;
	int64_t t0 = 1767225600;       /* 2026-01-01 */
	double start = now_s();
	int rc;

	if ((rc = store_open(dir, &o, &s)) != 0) {
		fprintf(stderr, "report_bench: cannot open %s: %s\n", dir, peil_strerror(rc));
		return 1;
	}
	if (store_round_latest(s, &latest) == 0 && latest.id == rounds) {
		printf("store %s: %u rounds there already, reused\n", dir, rounds);
		store_close(s);
		return 0;
	}
	if (store_round_latest(s, &latest) == 0) {
		fprintf(stderr, "report_bench: %s holds a partial store: remove it first\n", dir);
		store_close(s);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/targets.csv", dir);
	if ((rc = write_targets(path, domains, orgs)) != 0 ||
	    (rc = store_targets_import(s, path, &count, err, sizeof(err))) != 0) {
		fprintf(stderr, "report_bench: targets: %s\n", err);
		store_close(s);
		return 1;
	}
	for (size_t t = 0; t < ncat; t++)
		if (strcmp(cat[t].category, "vantage") != 0)
			tid[ntests++] = (uint32_t)t;
	res = calloc((size_t)DOMAINS_PER_CALL * ntests * VANTAGES + 2 * VANTAGES, sizeof(*res));
	ptr = calloc((size_t)DOMAINS_PER_CALL * ntests * VANTAGES + 2 * VANTAGES, sizeof(*ptr));
	b = calloc((size_t)DOMAINS_PER_CALL * VANTAGES + VANTAGES, sizeof(*b));
	if (res == NULL || ptr == NULL || b == NULL) {
		fprintf(stderr, "report_bench: out of memory\n");
		return 1;
	}
	for (uint32_t r = 1; r <= rounds; r++) {
		int64_t begin = t0 + (int64_t)r * 86400;
		uint64_t id;
		size_t nr = 0, nb = 0;

		if ((rc = store_round_begin(s, begin, domains, 0, &id)) != 0)
			goto fail;
		for (int v = 0; v < VANTAGES; v++)
			if ((rc = store_agent_round_given(s, vantage[v], id, begin)) != 0)
				goto fail;
		/* The self-tests: vantage c has no IPv6. */
		for (int v = 0; v < VANTAGES; v++) {
			for (int k = 0; k < 2; k++) {
				Peil__Result *x = &res[nr];

				peil__result__init(x);
				x->domain = (char *)"";
				x->test_id = (char *)(k == 0 ? "vantage_ipv6" : "vantage_rov");
				x->vantage = (char *)"";
				x->round_id = id;
				x->status = k == 0 && v == 2 ? PEIL__STATUS__FAILED : PEIL__STATUS__PASSED;
				x->result_seq = ++total;
				ptr[nr++] = x;
			}
			b[nb] = (struct store_batch){ vantage[v], ++seq[v], &ptr[nr - 2], 2, 0, 0, 0,
			    NULL, { 0 } };
			nb++;
		}
		if ((rc = store_ingest(s, b, nb, begin + 60)) != 0)
			goto fail;
		for (uint32_t d0 = 0; d0 < domains; d0 += DOMAINS_PER_CALL) {
			uint32_t dn = domains - d0 < DOMAINS_PER_CALL ? domains - d0 : DOMAINS_PER_CALL;

			nr = nb = 0;
			for (uint32_t i = 0; i < dn; i++) {
				snprintf(names[i], sizeof(names[i]), "d%05" PRIu32 ".bench.example", d0 + i);
				for (int v = 0; v < VANTAGES; v++) {
					size_t first = nr;

					for (size_t k = 0; k < ntests; k++) {
						Peil__Result *x = &res[nr];

						peil__result__init(x);
						x->domain = names[i];
						x->test_id = (char *)cat[tid[k]].id;
						x->vantage = (char *)"";
						x->round_id = id;
						x->status = (Peil__Status)synth_status(d0 + i, &cat[tid[k]],
						    tid[k], r, v);
						x->result_seq = ++total;
						x->measured_at_ms = (begin + 120) * 1000;
						x->guideline = (char *)cat[tid[k]].guideline;
						ptr[nr++] = x;
					}
					b[nb] = (struct store_batch){ vantage[v], ++seq[v], &ptr[first],
					    ntests, 0, 0, 0, NULL, { 0 } };
					nb++;
				}
			}
			if ((rc = store_ingest(s, b, nb, begin + 120)) != 0)
				goto fail;
			for (size_t i = 0; i < nb; i++)
				if (b[i].outcome != STORE_STORED || b[i].refused[0] + b[i].refused[1] +
				    b[i].refused[2] + b[i].refused[3] != 0) {
					fprintf(stderr, "report_bench: batch not stored (outcome %d)\n",
					    (int)b[i].outcome);
					return 1;
				}
		}
		fprintf(stderr, "round %u stored (%" PRIu64 " results, %.0f s)\n", r, total,
		    now_s() - start);
	}
	printf("generated %" PRIu64 " results in %.1f s; indexing...\n", total, now_s() - start);
	fflush(stdout);
	do {
		if ((rc = store_index_step(s, 4000000, &done)) != 0)
			goto fail;
	} while (done > 0);
	printf("store %s: %u domains, %u organisations, %zu tests x %d vantages x %u rounds = "
	    "%" PRIu64 " results, written and indexed in %.1f s\n", dir, domains, orgs, ntests,
	    VANTAGES, rounds, total, now_s() - start);
	store_close(s);
	free(res);
	free(ptr);
	free(b);
	return 0;
fail:
	fprintf(stderr, "report_bench: %s\n", peil_strerror(rc));
	store_close(s);
	return 1;
}

static int
open_ro(const char *dir, struct store **s)
{
	struct store_opts o = { 0, true, false, 0, 0 };
	int rc = store_open(dir, &o, s);

	if (rc != 0)
		fprintf(stderr, "report_bench: cannot open %s: %s\n", dir, peil_strerror(rc));
	return rc;
}

static int
judge(const char *dir)
{
	struct store *s = NULL;
	struct judge *j = NULL;
	struct judge_opts o = { 0, 0, true };
	struct judge_tally t;
	char err[256];
	double t0;
	size_t cells = 0, last;
	int rc;

	if (open_ro(dir, &s) != 0)
		return 1;
	t0 = now_s();
	if ((rc = judge_load(s, &o, &j, err, sizeof(err))) != 0) {
		fprintf(stderr, "report_bench: judge_load: %s\n", err);
		return 1;
	}
	last = j->nrounds - 1;
	for (size_t r = 0; r < j->nrounds; r++)
		for (size_t i = 0; i < j->ndomains * TEST_COUNT; i++)
			cells += j->rounds[r].cell[i] != JUDGE_NONE;
	printf("judge_load: %zu rounds, %zu domains, %zu organisations, %zu cells decided, "
	    "%" PRIu64 " results read in the last round, %zu disagreements: %.2f s, peak RSS "
	    "%ld MiB\n", j->nrounds, j->ndomains, j->norgs, cells, j->rounds[last].results,
	    j->rounds[last].disagreements, now_s() - t0, peak_rss_kib() / 1024);
	for (unsigned n = 1; n <= AGREEMENT_COUNT; n++) {
		judge_tally_agreement(j, last, n, true, false, &t);
		printf("  agreement %u, organisations: %zu comply, %zu fail, %zu undecided\n", n,
		    t.complies, t.fails, t.undecided);
	}
	{
		double t1 = now_s();
		long sum = 0, k = 0;

		for (size_t r = 0; r < j->nrounds; r++)
			for (size_t d = 0; d < j->ndomains; d++) {
				int sc = judge_score(j, r, d);

				if (sc >= 0) {
					sum += sc;
					k++;
				}
			}
		printf("  scores of every domain in every round: mean %ld, %.2f s\n",
		    k ? sum / k : -1, now_s() - t1);
	}
	judge_free(j);
	store_close(s);
	printf("judge total: %.2f s, peak RSS %ld MiB\n", now_s() - t0, peak_rss_kib() / 1024);
	return 0;
}

static int
walk_cb(const struct store_vkey *k, void *arg)
{
	uint64_t *n = arg;

	*n += (uint64_t)k->status;
	n[1]++;
	return 0;
}

static int
rounds_cb(const struct store_round *r, void *arg)
{
	uint64_t *max = arg;

	if (r->id > *max)
		*max = r->id;
	return 0;
}

static int
walk(const char *dir)
{
	struct store *s = NULL;
	struct store_view *v = NULL;
	uint64_t n[2] = { 0, 0 }, rounds = 0;
	double t0;
	int rc;

	if (open_ro(dir, &s) != 0)
		return 1;
	t0 = now_s();
	if ((rc = store_rounds_each(s, rounds_cb, &rounds)) != 0 ||
	    (rc = store_view_open(s, &v)) != 0)
		return 1;
	for (uint64_t r = 1; r <= rounds; r++) {
		struct store_sel sel = { r, NULL, NULL, NULL, NULL };

		if ((rc = store_view_keys(v, &sel, walk_cb, n)) != 0)
			return 1;
		store_release_pages(s);
	}
	printf("reference, a plain store_view_keys walk of the %" PRIu64 " rounds: %" PRIu64
	    " entries, %.2f s, peak RSS %ld MiB\n", rounds, n[1], now_s() - t0,
	    peak_rss_kib() / 1024);
	store_view_free(v);
	store_close(s);
	return 0;
}

/* Schema 2's per-round index values, in transactions of 100,000 entries (one transaction
 * could not hold a big store's index: MDB_TXN_FULL). */
static int
downgrade(const char *dir)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi, meta;
	MDB_cursor *c;
	MDB_val k, v;
	uint8_t last[512], key[512], vb[8];
	size_t lastlen = 0, n, total = 0;
	int mrc = 0;
	double t0 = now_s();

	if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 16) != 0 ||
	    mdb_env_open(env, dir, MDB_NOSYNC, 0600) != 0)
		return 1;
	do {
		n = 0;
		if (mdb_txn_begin(env, NULL, 0, &txn) != 0 || mdb_dbi_open(txn, "rindex", 0, &dbi) != 0 ||
		    mdb_cursor_open(txn, dbi, &c) != 0)
			return 1;
		if (lastlen == 0) {
			mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
		} else {
			k.mv_size = lastlen;
			k.mv_data = last;
			if ((mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE)) == 0)
				mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		}
		for (; mrc == 0 && n < 100000; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT), n++) {
			if (k.mv_size > sizeof(key) || v.mv_size < 8)
				return 1;
			memcpy(key, k.mv_data, k.mv_size);
			memcpy(last, k.mv_data, k.mv_size);
			lastlen = k.mv_size;
			k.mv_data = key;
			memcpy(vb, v.mv_data, 8);
			v.mv_size = 8;
			v.mv_data = vb;
			if (mdb_cursor_put(c, &k, &v, MDB_CURRENT) != 0)
				return 1;
			total++;
		}
		mdb_cursor_close(c);
		if (mdb_txn_commit(txn) != 0)
			return 1;
	} while (mrc == 0);
	be64_put(vb, 2);
	k.mv_size = strlen("schema_version");
	k.mv_data = (void *)"schema_version";
	v.mv_size = 8;
	v.mv_data = vb;
	if (mdb_txn_begin(env, NULL, 0, &txn) != 0 || mdb_dbi_open(txn, "meta", 0, &meta) != 0 ||
	    mdb_put(txn, meta, &k, &v, 0) != 0 || mdb_txn_commit(txn) != 0)
		return 1;
	mdb_env_sync(env, 1);
	mdb_env_close(env);
	printf("%zu per-round index values made schema 2's in %.1f s\n", total, now_s() - t0);
	return 0;
}

static int
open_rw(const char *dir)
{
	struct store_opts o = { 0, false, true, 65536, 0 };
	struct store *s = NULL;
	double t0 = now_s();
	int rc = store_open(dir, &o, &s);

	if (rc != 0) {
		fprintf(stderr, "report_bench: cannot open %s: %s\n", dir, peil_strerror(rc));
		return 1;
	}
	store_close(s);
	printf("opened %s for writing in %.1f s, peak RSS %ld MiB\n", dir, now_s() - t0,
	    peak_rss_kib() / 1024);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 10000,
		    argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 2000,
		    argc > 5 ? (uint32_t)strtoul(argv[5], NULL, 10) : 12);
	if (argc == 3 && strcmp(argv[1], "judge") == 0)
		return judge(argv[2]);
	if (argc == 3 && strcmp(argv[1], "walk") == 0)
		return walk(argv[2]);
	if (argc == 3 && strcmp(argv[1], "v2") == 0)
		return downgrade(argv[2]);
	if (argc == 3 && strcmp(argv[1], "open") == 0)
		return open_rw(argv[2]);
	fprintf(stderr, "usage: report_bench gen STORE [DOMAINS ORGS ROUNDS] | judge STORE | "
	    "walk STORE | v2 STORE | open STORE\n");
	return 2;
}
