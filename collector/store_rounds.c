/* store_rounds.c: rounds: opening, ending and listing them, and the cap of results an agent
 * may store for one. */
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "bytes.h"
#include "catalogue.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "store_int.h"

uint64_t
store_round_cap(uint32_t targets, uint32_t tests)
{
	uint64_t n;
	size_t all = 0;

	if (tests == 0) {
		(void)catalogue_all(&all);
		tests = (uint32_t)all;
	}
	n = (uint64_t)targets * tests;
	return n + n * ROUND_CAP_MARGIN_PCT / 100 + ROUND_CAP_SLACK;
}

static int
round_last(struct store *s, MDB_txn *txn, Peil__Store__RoundRecord **out)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int mrc, rc;

	*out = NULL;
	if ((mrc = mdb_cursor_open(txn, s->rounds, &cur)) != 0)
		return store_mdb(s, mrc, "opening a cursor on rounds");
	mrc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (mrc != 0) {
		rc = store_mdb(s, mrc, "reading rounds");
		goto out;
	}
	if ((*out = peil__store__round_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
		log_err("store: a round record does not decode");
		rc = PEIL_ESTORE;
		goto out;
	}
	rc = 0;
out:
	mdb_cursor_close(cur);
	return rc;
}

static void
round_fill(struct store_round *out, const Peil__Store__RoundRecord *r)
{
	out->id = r->id;
	out->started = r->started;
	out->ended = r->ended;
	out->targets = r->targets;
	out->tests = r->tests;
	out->results = r->results;
	out->refused = r->refused;
}

int
store_round_latest(struct store *s, struct store_round *out)
{
	MDB_txn *txn;
	Peil__Store__RoundRecord *r;
	int rc;

	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((rc = round_last(s, txn, &r)) == 0) {
		round_fill(out, r);
		peil__store__round_record__free_unpacked(r, NULL);
	}
	mdb_txn_abort(txn);
	return rc;
}

struct round_arg {
	uint64_t id;             /* in for end, out for begin */
	int64_t now;
	uint32_t targets, tests;
};

static int
round_begin_op(struct store *s, MDB_txn *txn, void *argp)
{
	struct round_arg *a = argp;
	Peil__Store__RoundRecord *last = NULL, rec = PEIL__STORE__ROUND_RECORD__INIT;
	uint8_t kb[8];
	int rc;

	rc = round_last(s, txn, &last);
	if (rc != 0 && rc != PEIL_ENOENT)
		return rc;
	if (last != NULL && last->ended == 0) {
		last->ended = a->now;
		be64_put(kb, last->id);
		if ((rc = store_rec_put(s, txn, s->rounds, kb, 8, &last->base, 0)) != 0)
			goto out;
	}
	rec.id = last != NULL ? last->id + 1 : 1;
	rec.started = a->now;
	rec.targets = a->targets;
	rec.tests = a->tests;
	be64_put(kb, rec.id);
	if ((rc = store_rec_put(s, txn, s->rounds, kb, 8, &rec.base, MDB_APPEND)) != 0)
		goto out;
	a->id = rec.id;
out:
	if (last != NULL)
		peil__store__round_record__free_unpacked(last, NULL);
	return rc;
}

int
store_round_begin(struct store *s, int64_t now, uint32_t targets, uint32_t tests,
    uint64_t *id)
{
	struct round_arg a = { 0, now, targets, tests };
	int rc;

	if ((rc = store_write(s, round_begin_op, &a, "opening a round")) == 0)
		*id = a.id;
	return rc;
}

static int
round_end_op(struct store *s, MDB_txn *txn, void *argp)
{
	struct round_arg *a = argp;
	ProtobufCMessage *m;
	Peil__Store__RoundRecord *r;
	uint8_t kb[8];
	int rc;

	be64_put(kb, a->id);
	if ((rc = store_rec_get(s, txn, s->rounds, kb, 8, &peil__store__round_record__descriptor,
	    &m)) != 0)
		return rc;
	r = (Peil__Store__RoundRecord *)m;
	if (r->ended == 0) {
		r->ended = a->now;
		rc = store_rec_put(s, txn, s->rounds, kb, 8, m, 0);
	}
	peil__store__round_record__free_unpacked(r, NULL);
	return rc;
}

int
store_round_end(struct store *s, uint64_t id, int64_t now)
{
	struct round_arg a = { id, now, 0, 0 };

	return store_write(s, round_end_op, &a, "ending a round");
}

int
store_rounds_each(struct store *s, int (*cb)(const struct store_round *r, void *arg), void *arg)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int mrc, rc;

	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, s->rounds, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on rounds");
		goto out;
	}
	rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Peil__Store__RoundRecord *r;
		struct store_round sr;

		if ((r = peil__store__round_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
			log_err("store: a round record does not decode");
			rc = PEIL_ESTORE;
			goto out;
		}
		round_fill(&sr, r);
		peil__store__round_record__free_unpacked(r, NULL);
		rc = cb(&sr, arg);
	}
	if (rc == 0 && mrc != MDB_NOTFOUND)
		rc = store_mdb(s, mrc, "reading rounds");
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}
