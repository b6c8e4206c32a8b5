/* store_index.c: the indexes built from the log off the ingest path (latest: domain, test,
 * vantage -> seq; rindex: the same per round -> seq and status), their key format, and the
 * indexer. */
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "result.h"
#include "store_int.h"

/* The results the indexes take: the key parts within their limits (the domain empty only
 * for a vantage self-test, whose keys then start with the \0 after the domain). Show skips
 * the others in the unindexed tail too, so that it answers the same before and after
 * indexing. */
bool
store_indexable(const Peil__Result *r)
{
	size_t d = strlen(r->domain), t = strlen(r->test_id), v = strlen(r->vantage);

	return (d >= 1 || result_about_vantage(r)) && d <= MAX_DOMAIN_LEN && t >= 1 &&
	    t <= MAX_TEST_ID_LEN && v >= 1 && v <= MAX_AGENT_NAME_LEN;
}

/* test_id \0 vantage, after a prefix already in out; returns the key length. */
static size_t
key_tail(uint8_t *out, size_t at, const Peil__Result *r)
{
	size_t t = strlen(r->test_id), v = strlen(r->vantage);

	memcpy(out + at, r->test_id, t);
	out[at + t] = '\0';
	memcpy(out + at + t + 1, r->vantage, v);
	return at + t + 1 + v;
}

size_t
store_key_latest(uint8_t *out, const Peil__Result *r)
{
	size_t d = strlen(r->domain);

	memcpy(out, r->domain, d);
	out[d] = '\0';
	return key_tail(out, d + 1, r);
}

size_t
store_key_round(uint8_t *out, const Peil__Result *r)
{
	size_t d = strlen(r->domain);

	be64_put(out, r->round_id);
	memcpy(out + 8, r->domain, d);
	out[8 + d] = '\0';
	return key_tail(out, 8 + d + 1, r);
}

struct index_key {
	const uint8_t *key;
	size_t off, len;
	uint64_t seq;
	int status;
};

/* Keys of one chunk: bytes in one buffer, sorted through the array. */
struct index_set {
	uint8_t *buf;
	size_t used, cap;
	struct index_key *k;
	size_t n, capk;
};

static int
index_set_add(struct index_set *x, const uint8_t *key, size_t len, uint64_t seq, int status)
{
	if (x->used + len > x->cap) {
		size_t cap = x->cap ? x->cap : 65536;
		uint8_t *nb;

		while (cap < x->used + len)
			cap *= 2;
		if ((nb = realloc(x->buf, cap)) == NULL)
			return PEIL_ENOMEM;
		x->buf = nb;
		x->cap = cap;
	}
	if (x->n == x->capk) {
		size_t cap = x->capk ? x->capk * 2 : 1024;
		struct index_key *nk;

		if ((nk = realloc(x->k, cap * sizeof(*nk))) == NULL)
			return PEIL_ENOMEM;
		x->k = nk;
		x->capk = cap;
	}
	memcpy(x->buf + x->used, key, len);
	x->k[x->n].off = x->used;
	x->k[x->n].len = len;
	x->k[x->n].seq = seq;
	x->k[x->n].status = status;
	x->n++;
	x->used += len;
	return 0;
}

static void
index_set_free(struct index_set *x)
{
	free(x->buf);
	free(x->k);
}

void
store_rindex_val(uint8_t *out, uint64_t seq, int status)
{
	be64_put(out, seq);
	out[8] = status >= 0 && status <= 255 ? (uint8_t)status : 0;
}

/* LMDB's default order: bytes, then the shorter first. */
int
store_key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
index_key_cmp(const void *x, const void *y)
{
	const struct index_key *a = x, *b = y;
	int c = store_key_cmp(a->key, a->len, b->key, b->len);

	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sorts the keys and puts the highest seq of each (with its status: the per-round index);
 * appends where past the last key. */
static int
index_insert(struct store *s, MDB_txn *txn, MDB_dbi dbi, struct index_set *x, bool status)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint8_t last[STORE_MAX_KEY], vb[STORE_RINDEX_VAL];
	size_t lastlen = 0;
	bool have_last = false;
	int mrc, rc = 0;

	if (x->n == 0)
		return 0;
	for (size_t i = 0; i < x->n; i++)
		x->k[i].key = x->buf + x->k[i].off;
	qsort(x->k, x->n, sizeof(*x->k), index_key_cmp);
	if ((mrc = mdb_cursor_open(txn, dbi, &cur)) != 0)
		return store_mdb(s, mrc, "opening a cursor on an index");
	mrc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (mrc == 0 && k.mv_size <= sizeof(last)) {
		memcpy(last, k.mv_data, k.mv_size);
		lastlen = k.mv_size;
		have_last = true;
	} else if (mrc != MDB_NOTFOUND) {
		rc = store_mdb(s, mrc != 0 ? mrc : MDB_CORRUPTED, "reading an index");
		goto out;
	}
	for (size_t i = 0; i < x->n; i++) {
		const struct index_key *e = &x->k[i];
		unsigned flags = 0;

		/* Within a key the seqs ascend: the last one wins. */
		if (i + 1 < x->n && store_key_cmp(e->key, e->len, x->k[i + 1].key, x->k[i + 1].len) == 0)
			continue;
		if (!have_last || store_key_cmp(e->key, e->len, last, lastlen) > 0)
			flags = MDB_APPEND;
		k.mv_size = e->len;
		k.mv_data = (void *)e->key;
		if (status)
			store_rindex_val(vb, e->seq, e->status);
		else
			be64_put(vb, e->seq);
		v.mv_size = status ? STORE_RINDEX_VAL : 8;
		v.mv_data = vb;
		if ((mrc = mdb_cursor_put(cur, &k, &v, flags)) != 0) {
			rc = store_mdb(s, mrc, "writing an index");
			goto out;
		}
	}
out:
	mdb_cursor_close(cur);
	return rc;
}

struct index_arg {
	size_t max;
	size_t done;
};

static int
index_op(struct store *s, MDB_txn *txn, void *argp)
{
	struct index_arg *a = argp;
	struct index_set lat, rnd;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint8_t kb[8], key[STORE_MAX_KEY];
	uint64_t pos, seq = 0;
	int mrc, rc;

	memset(&lat, 0, sizeof(lat));
	memset(&rnd, 0, sizeof(rnd));
	a->done = 0;
	if ((rc = store_meta_get(s, txn, META_INDEXED, 0, &pos)) != 0)
		goto out;
	if ((mrc = mdb_cursor_open(txn, s->log, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on the log");
		goto out;
	}
	be64_put(kb, pos + 1);
	k.mv_size = 8;
	k.mv_data = kb;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == 0 && a->done < a->max;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Peil__Result *r;

		if (k.mv_size != 8) {
			rc = store_mdb(s, MDB_CORRUPTED, "a log key is not 8 bytes");
			goto out;
		}
		seq = be64_get(k.mv_data);
		a->done++;
		if ((r = peil__result__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
			log_warn("store: log entry %llu does not decode; not indexed",
			    (unsigned long long)seq);
			continue;
		}
		rc = 0;
		if (store_indexable(r)) {
			rc = index_set_add(&lat, key, store_key_latest(key, r), seq, 0);
			if (rc == 0 && r->round_id != 0)
				rc = index_set_add(&rnd, key, store_key_round(key, r), seq,
				    (int)r->status);
		}
		peil__result__free_unpacked(r, NULL);
		if (rc != 0)
			goto out;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND) {
		rc = store_mdb(s, mrc, "reading the log");
		goto out;
	}
	mdb_cursor_close(cur);
	cur = NULL;
	if (a->done == 0)
		goto out;
	if ((rc = index_insert(s, txn, s->latest, &lat, false)) != 0 ||
	    (rc = index_insert(s, txn, s->rindex, &rnd, true)) != 0 ||
	    (rc = store_meta_put(s, txn, META_INDEXED, seq)) != 0)
		goto out;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	index_set_free(&lat);
	index_set_free(&rnd);
	return rc;
}

int
store_index_step(struct store *s, size_t max, size_t *done)
{
	struct index_arg a;
	int rc = 0;

	*done = 0;
	if (s->readonly)
		return PEIL_EINVAL;
	while (*done < max) {
		a.max = max - *done < MAX_INDEX_CHUNK ? max - *done : MAX_INDEX_CHUNK;
		a.done = 0;
		if ((rc = store_write(s, index_op, &a, "indexing")) != 0 || a.done == 0)
			break;
		*done += a.done;
	}
	return rc;
}
