/* lmdb_raw.c: the reference for the ingest benchmark: N encoded results of about 300 bytes
 * put into a fresh LMDB environment in key order, `batch` puts per durable transaction, as
 * the collector's log does, with nothing else around it. Prints puts/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lmdb.h>

#include "bytes.h"
#include "result.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *txn;
	uint64_t n, batch, seq = 1;
	uint8_t rec[1024];
	size_t len;
	Peil__Result *r;
	double t0, t1;

	if (argc != 4) {
		fprintf(stderr, "usage: lmdb_raw DIR N BATCH\n");
		return 2;
	}
	n = strtoull(argv[2], NULL, 10);
	batch = strtoull(argv[3], NULL, 10);
	/* The same record the synthetic agents send. */
	r = result_new("synth12345.example.nl", "web_dnssec_valid", PEIL__STATUS__PASSED, "rfc4033");
	result_add_evidence(r, "dnssec", "secure");
	result_add_evidence(r, "rrset", "synth12345.example.nl. 3600 IN SOA ns1.synth12345.example.nl. "
	    "hostmaster.synth12345.example.nl. 2026112901 7200 3600 1209600 3600");
	result_add_evidence(r, "resolver", "validating, trust anchor root.ds, 2 queries, 3 ms");
	r->vantage = strdup("agent-1");
	r->result_seq = 12345;
	r->round_id = 1;
	r->measured_at_ms = 1764400000000;
	len = peil__result__get_packed_size(r);
	peil__result__pack(r, rec);
	result_free(r);

	if (mdb_env_create(&env) || mdb_env_set_mapsize(env, (size_t)4 << 30) ||
	    mdb_env_set_maxdbs(env, 4) || mdb_env_open(env, argv[1], 0, 0600)) {
		fprintf(stderr, "lmdb_raw: cannot open %s\n", argv[1]);
		return 1;
	}
	mdb_txn_begin(env, NULL, 0, &txn);
	mdb_dbi_open(txn, "log", MDB_CREATE, &dbi);
	mdb_txn_commit(txn);
	t0 = now_s();
	while (seq <= n) {
		mdb_txn_begin(env, NULL, 0, &txn);
		for (uint64_t i = 0; i < batch && seq <= n; i++, seq++) {
			uint8_t k[8];
			MDB_val key = { 8, k }, val = { len, rec };

			be64_put(k, seq);
			if (mdb_put(txn, dbi, &key, &val, MDB_APPEND) != 0) {
				fprintf(stderr, "lmdb_raw: put failed\n");
				return 1;
			}
		}
		if (mdb_txn_commit(txn) != 0) {
			fprintf(stderr, "lmdb_raw: commit failed\n");
			return 1;
		}
	}
	t1 = now_s();
	printf("%llu %zu %.0f\n", (unsigned long long)n, len, (double)n / (t1 - t0));
	mdb_env_close(env);
	return 0;
}
