/* test_lmdb.c: what the store and the spool share of LMDB: the translation of its codes, and
 * the write loop that grows the map and replays, up to the ceiling. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>

#include <lmdb.h>

#include "err.h"
#include "lmdb.h"

#define MIB ((size_t)1 << 20)

struct fx {
	char dir[64];
	struct lmdb_map m;
	MDB_dbi dbi;
};

/* A fresh environment of `map` bytes that may grow to `max`, with one database. */
static int
fx_setup(void **state, size_t map, size_t max)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	MDB_txn *txn;

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/peil-test-lmdb-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	fx->m.who = "test";
	fx->m.bytes = map;
	fx->m.max_bytes = max;
	assert_int_equal(mdb_env_create(&fx->m.env), 0);
	assert_int_equal(mdb_env_set_mapsize(fx->m.env, map), 0);
	assert_int_equal(mdb_env_open(fx->m.env, fx->dir, MDB_NOSYNC, 0600), 0);
	assert_int_equal(lmdb_txn_begin(&fx->m, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, NULL, 0, &fx->dbi), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	*state = fx;
	return 0;
}

static int
fx_small(void **state)
{
	return fx_setup(state, 1 * MIB, 64 * MIB);
}

static int
fx_ceiling(void **state)
{
	return fx_setup(state, 1 * MIB, 4 * MIB);
}

static int
fx_teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	mdb_env_close(fx->m.env);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static size_t
fx_entries(struct fx *fx)
{
	MDB_txn *txn;
	MDB_stat st;

	assert_int_equal(lmdb_txn_begin(&fx->m, MDB_RDONLY, &txn), 0);
	assert_int_equal(mdb_stat(txn, fx->dbi, &st), 0);
	mdb_txn_abort(txn);
	return st.ms_entries;
}

/* An op that puts n values of `size` bytes (keys first..first+n-1) and counts its runs; with
 * `fail`, it returns that code after writing. */
struct put_op {
	struct fx *fx;
	unsigned first, n;
	size_t size;
	int fail;
	unsigned runs;
};

static int
put_op(MDB_txn *txn, void *argp)
{
	struct put_op *o = argp;
	int rc;

	o->runs++;
	for (unsigned i = o->first; i < o->first + o->n; i++) {
		MDB_val k = { sizeof(i), &i }, v = { o->size, NULL };
		int mrc = mdb_put(txn, o->fx->dbi, &k, &v, MDB_RESERVE | MDB_NOOVERWRITE);

		if ((rc = lmdb_check(&o->fx->m, mrc, "putting")) != 0)
			return rc;
		memset(v.mv_data, 'v', o->size);
	}
	return o->fail;
}

/* 3 MiB into a 1 MiB map: grown (1, 2, 4 MiB), replayed from scratch, all committed. */
static void
test_grows_and_replays(void **state)
{
	struct fx *fx = *state;
	struct put_op o = { fx, 0, 48, 64 << 10, 0, 0 };

	assert_int_equal(lmdb_write(&fx->m, put_op, &o, "growing"), 0);
	assert_true(o.runs >= 2);
	assert_true(fx->m.bytes >= 4 * MIB);
	assert_true(fx->m.bytes <= 64 * MIB);
	assert_int_equal(fx_entries(fx), 48);
	/* What was grown stays: a small write now runs once. */
	o = (struct put_op){ fx, 100, 1, 16, 0, 0 };
	assert_int_equal(lmdb_write(&fx->m, put_op, &o, "small"), 0);
	assert_int_equal(o.runs, 1);
	assert_int_equal(fx_entries(fx), 49);
}

/* 8 MiB into a map that may grow to 4 MiB: PEIL_ETOOBIG, nothing of it kept, the map at its
 * ceiling; what was committed before is still there. */
static void
test_stops_at_ceiling(void **state)
{
	struct fx *fx = *state;
	struct put_op o = { fx, 0, 1, 16, 0, 0 };

	assert_int_equal(lmdb_write(&fx->m, put_op, &o, "first"), 0);
	o = (struct put_op){ fx, 1, 128, 64 << 10, 0, 0 };
	assert_int_equal(lmdb_write(&fx->m, put_op, &o, "too big"), PEIL_ETOOBIG);
	assert_int_equal(fx->m.mrc, MDB_MAP_FULL);
	assert_int_equal(fx->m.bytes, 4 * MIB);
	assert_int_equal(o.runs, 3);   /* at 1, 2 and 4 MiB */
	assert_int_equal(fx_entries(fx), 1);
	/* A write that fits still goes in. */
	o = (struct put_op){ fx, 1, 1, 16, 0, 0 };
	assert_int_equal(lmdb_write(&fx->m, put_op, &o, "fits"), 0);
	assert_int_equal(fx_entries(fx), 2);
}

/* An op's own failure is returned as it is, with nothing written and no replay; an LMDB
 * failure other than a full map comes back translated, once. */
static void
test_op_errors(void **state)
{
	struct fx *fx = *state;
	struct put_op o = { fx, 0, 2, 16, PEIL_ENOMEM, 0 };

	assert_int_equal(lmdb_write(&fx->m, put_op, &o, "failing"), PEIL_ENOMEM);
	assert_int_equal(o.runs, 1);
	assert_int_equal(fx_entries(fx), 0);
	o = (struct put_op){ fx, 0, 2, 16, 0, 0 };
	assert_int_equal(lmdb_write(&fx->m, put_op, &o, "first"), 0);
	/* Key 1 exists: MDB_KEYEXIST, the store error, and key 2 of this run not kept. */
	o = (struct put_op){ fx, 1, 2, 16, 0, 0 };
	assert_int_equal(lmdb_write(&fx->m, put_op, &o, "exists"), PEIL_ESTORE);
	assert_int_equal(fx->m.mrc, MDB_KEYEXIST);
	assert_int_equal(o.runs, 1);
	assert_int_equal(fx_entries(fx), 2);
}

/* lmdb_check remembers the code and translates it; a clean call forgets it. */
static void
test_check(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(lmdb_check(&fx->m, MDB_NOTFOUND, "looking"), PEIL_ENOENT);
	assert_int_equal(fx->m.mrc, MDB_NOTFOUND);
	assert_int_equal(lmdb_check(&fx->m, MDB_MAP_FULL, "full"), PEIL_ESTORE);
	assert_int_equal(fx->m.mrc, MDB_MAP_FULL);
	assert_int_equal(lmdb_check(&fx->m, EACCES, "denied"), PEIL_EIO);
	assert_int_equal(errno, EACCES);
	assert_int_equal(lmdb_check(&fx->m, 0, "fine"), 0);
	assert_int_equal(fx->m.mrc, 0);
}

/* The translation itself: every LMDB code to a PEIL_E* code, errno kept for system errors. */
static void
test_lmdb_err(void **state)
{
	static const int mdb[] = {
		MDB_KEYEXIST, MDB_PAGE_NOTFOUND, MDB_CORRUPTED, MDB_PANIC, MDB_VERSION_MISMATCH,
		MDB_INVALID, MDB_MAP_FULL, MDB_DBS_FULL, MDB_READERS_FULL, MDB_TLS_FULL,
		MDB_TXN_FULL, MDB_CURSOR_FULL, MDB_PAGE_FULL, MDB_MAP_RESIZED, MDB_INCOMPATIBLE,
		MDB_BAD_RSLOT, MDB_BAD_TXN, MDB_BAD_VALSIZE, MDB_BAD_DBI,
	};

	(void)state;
	assert_int_equal(lmdb_err(0), 0);
	assert_int_equal(lmdb_err(MDB_NOTFOUND), PEIL_ENOENT);
	for (size_t i = 0; i < sizeof(mdb) / sizeof(mdb[0]); i++)
		assert_int_equal(lmdb_err(mdb[i]), PEIL_ESTORE);
	assert_int_equal(lmdb_err(ENOMEM), PEIL_ENOMEM);
	assert_int_equal(lmdb_err(EINVAL), PEIL_EINVAL);
	errno = 0;
	assert_int_equal(lmdb_err(EACCES), PEIL_EIO);
	assert_int_equal(errno, EACCES);
	assert_int_equal(lmdb_err(ENOSPC), PEIL_EIO);
	assert_int_equal(errno, ENOSPC);
	/* Nothing else comes back as is either. */
	assert_int_equal(lmdb_err(-12345), PEIL_ESTORE);
	assert_int_equal(lmdb_err(PEIL_EEXIST), PEIL_ESTORE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grows_and_replays, fx_small, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stops_at_ceiling, fx_ceiling, fx_teardown),
		cmocka_unit_test_setup_teardown(test_op_errors, fx_small, fx_teardown),
		cmocka_unit_test_setup_teardown(test_check, fx_small, fx_teardown),
		cmocka_unit_test(test_lmdb_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
