/* store_view.c: reading the per-round index exactly while it lags: the unindexed tail of the
 * log, read once into memory (keys, seqs and statuses), is merged into every look-up. The
 * consensus (query.c) reads a round's results of a (domain, test) and the vantages'
 * self-tests through it; the judgement (judge.c) walks whole rounds' keys and statuses
 * (store_view_keys) without reading the log. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <lmdb.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "store_int.h"

struct store_view {
	struct store *s;
	struct store_keyseqs tail;    /* the unindexed tail's keys, sorted (key, then seq) */
};

/* Key order, then the newest first. */
static int
view_key_cmp(const void *a_, const void *b_)
{
	const struct store_keyseq *a = a_, *b = b_;
	int c = store_key_cmp(a->key, a->len, b->key, b->len);

	if (c != 0)
		return c;
	return a->seq > b->seq ? -1 : a->seq < b->seq;
}

int
store_view_open(struct store *s, struct store_view **out)
{
	struct store_view *v = NULL;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, val;
	uint8_t kb[8], key[STORE_MAX_KEY];
	uint64_t pos;
	int mrc, rc;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return PEIL_ENOMEM;
	v->s = s;
	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = store_meta_get(s, txn, META_INDEXED, 0, &pos)) != 0)
		goto out;
	if ((mrc = mdb_cursor_open(txn, s->log, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on the log");
		goto out;
	}
	be64_put(kb, pos + 1);
	k.mv_size = 8;
	k.mv_data = kb;
	for (mrc = mdb_cursor_get(cur, &k, &val, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
		Peil__Result *r;

		if (k.mv_size != 8 ||
		    (r = peil__result__unpack(NULL, val.mv_size, val.mv_data)) == NULL)
			continue;
		rc = 0;
		/* What the indexer would put in the per-round index. */
		if (store_indexable(r) && r->round_id != 0 &&
		    (rc = store_keyseqs_add(&v->tail, key, store_key_round(key, r),
		    be64_get(k.mv_data))) == 0)
			v->tail.k[v->tail.n - 1].status = (int)r->status;
		peil__result__free_unpacked(r, NULL);
		if (rc != 0)
			goto out;
	}
	if (mrc != MDB_NOTFOUND) {
		rc = store_mdb(s, mrc, "reading the log");
		goto out;
	}
	if (v->tail.n > 1)
		qsort(v->tail.k, v->tail.n, sizeof(*v->tail.k), view_key_cmp);
	*out = v;
	v = NULL;
	rc = 0;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		mdb_txn_abort(txn);
	store_view_free(v);
	return rc;
}

void
store_view_free(struct store_view *v)
{
	if (v == NULL)
		return;
	store_keyseqs_free(&v->tail);
	free(v);
}

/* Whether a per-round key under the selection's prefix (plen bytes) is one it wants: the
 * test id after the domain, handed to sel->want. */
static bool
view_wants(const struct store_sel *sel, const uint8_t *key, size_t len)
{
	char test[MAX_TEST_ID_LEN + 1];
	const uint8_t *d, *t, *end = key + len;

	if (sel->want == NULL)
		return true;
	if (len < 8 || (d = memchr(key + 8, '\0', len - 8)) == NULL)
		return false;
	t = d + 1;
	if ((d = memchr(t, '\0', (size_t)(end - t))) == NULL || (size_t)(d - t) > MAX_TEST_ID_LEN)
		return false;
	memcpy(test, t, (size_t)(d - t));
	test[d - t] = '\0';
	return sel->want(test, sel->arg);
}

static bool
has_prefix(const uint8_t *key, size_t len, const uint8_t *p, size_t plen)
{
	return len >= plen && memcmp(key, p, plen) == 0;
}

/* Reads the log entry `seq` and hands it to cb. */
static int
view_emit(struct store *s, MDB_txn *txn, uint64_t seq,
    int (*cb)(const Peil__Result *r, void *arg), void *arg)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, val;
	Peil__Result *r;
	int mrc, rc;

	be64_put(kb, seq);
	if ((mrc = mdb_get(txn, s->log, &k, &val)) != 0)
		return store_mdb(s, mrc == MDB_NOTFOUND ? MDB_CORRUPTED : mrc,
		    "an indexed result is not in the log");
	if ((r = peil__result__unpack(NULL, val.mv_size, val.mv_data)) == NULL) {
		log_err("store: log entry %llu does not decode", (unsigned long long)seq);
		return PEIL_ESTORE;
	}
	rc = cb(r, arg);
	peil__result__free_unpacked(r, NULL);
	return rc;
}

/* Hands one entry of the walk to its user: the key, the log seq and the status (-1 when
 * the index value does not carry it). */
typedef int (*view_emit_fn)(struct store *s, MDB_txn *txn, const uint8_t *key, size_t len,
    uint64_t seq, int status, void *ctx);

/* The walk of store_view_round and store_view_keys: the index under the selection's prefix
 * merged with the view's tail, the entries sel wants handed to emit in key order. */
static int
view_walk(struct store_view *v, const struct store_sel *sel, view_emit_fn emit, void *ctx)
{
	struct store *s = v->s;
	uint8_t prefix[8 + MAX_DOMAIN_LEN + 1 + MAX_TEST_ID_LEN + 1];
	size_t plen = 8, ti, dlen, tlen;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, val;
	bool have;
	int mrc, rc;

	be64_put(prefix, sel->round);
	if (sel->domain != NULL) {
		if ((dlen = strlen(sel->domain)) > MAX_DOMAIN_LEN)
			return PEIL_EINVAL;
		memcpy(prefix + plen, sel->domain, dlen);
		plen += dlen;
		prefix[plen++] = '\0';
		if (sel->test != NULL) {
			if ((tlen = strlen(sel->test)) > MAX_TEST_ID_LEN)
				return PEIL_EINVAL;
			memcpy(prefix + plen, sel->test, tlen);
			plen += tlen;
			prefix[plen++] = '\0';
		}
	}
	/* The tail's first key at or after the prefix, by bisection. */
	{
		size_t lo = 0, hi = v->tail.n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (store_key_cmp(v->tail.k[mid].key, v->tail.k[mid].len, prefix, plen) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		ti = lo;
	}
	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, s->rindex, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on the round index");
		goto out;
	}
	k.mv_size = plen;
	k.mv_data = prefix;
	mrc = mdb_cursor_get(cur, &k, &val, MDB_SET_RANGE);
	/* Both are in key order: merged as they go. The tail is newer than anything indexed,
	 * so on the same key the tail's (its newest, sorted first) wins. */
	for (;;) {
		const struct store_keyseq *t = NULL;
		int c;

		if (mrc != 0 && mrc != MDB_NOTFOUND) {
			rc = store_mdb(s, mrc, "reading the round index");
			goto out;
		}
		have = mrc == 0 && has_prefix(k.mv_data, k.mv_size, prefix, plen);
		if (ti < v->tail.n && has_prefix(v->tail.k[ti].key, v->tail.k[ti].len, prefix, plen))
			t = &v->tail.k[ti];
		if (!have && t == NULL)
			break;
		c = !have ? 1 : t == NULL ? -1 :
		    store_key_cmp(k.mv_data, k.mv_size, t->key, t->len);
		if (c < 0) {
			/* Schema 3's seq and status; schema 2's seq alone (no store of that
			 * version opens now, but the value is still read as a seq). */
			if (val.mv_size != STORE_RINDEX_VAL && val.mv_size != 8) {
				rc = store_mdb(s, MDB_CORRUPTED, "an index value is not 9 bytes");
				goto out;
			}
			if (view_wants(sel, k.mv_data, k.mv_size) &&
			    (rc = emit(s, txn, k.mv_data, k.mv_size, be64_get(val.mv_data),
			    val.mv_size == STORE_RINDEX_VAL ? ((const uint8_t *)val.mv_data)[8] : -1,
			    ctx)) != 0)
				goto out;
			mrc = mdb_cursor_get(cur, &k, &val, MDB_NEXT);
			continue;
		}
		if (view_wants(sel, t->key, t->len) &&
		    (rc = emit(s, txn, t->key, t->len, t->seq, t->status, ctx)) != 0)
			goto out;
		/* Past every older entry of the same key, in the tail and in the index. */
		for (ti++; ti < v->tail.n && store_key_cmp(v->tail.k[ti].key, v->tail.k[ti].len,
		    t->key, t->len) == 0; ti++)
			;
		if (c == 0)
			mrc = mdb_cursor_get(cur, &k, &val, MDB_NEXT);
	}
	rc = 0;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

struct view_round_ctx {
	int (*cb)(const Peil__Result *r, void *arg);
	void *arg;
};

static int
view_round_emit(struct store *s, MDB_txn *txn, const uint8_t *key, size_t len, uint64_t seq,
    int status, void *ctx)
{
	struct view_round_ctx *x = ctx;

	(void)key;
	(void)len;
	(void)status;
	return view_emit(s, txn, seq, x->cb, x->arg);
}

int
store_view_round(struct store_view *v, const struct store_sel *sel,
    int (*cb)(const Peil__Result *r, void *arg), void *arg)
{
	struct view_round_ctx x = { cb, arg };

	return view_walk(v, sel, view_round_emit, &x);
}

struct view_keys_ctx {
	int (*cb)(const struct store_vkey *k, void *arg);
	void *arg;
};

/* Splits a per-round key (round_be64 domain \0 test \0 vantage) into its strings. */
static int
view_keys_emit(struct store *s, MDB_txn *txn, const uint8_t *key, size_t len, uint64_t seq,
    int status, void *ctx)
{
	struct view_keys_ctx *x = ctx;
	char domain[MAX_DOMAIN_LEN + 1], test[MAX_TEST_ID_LEN + 1], vantage[MAX_AGENT_NAME_LEN + 1];
	const uint8_t *d, *t, *end = key + len;
	struct store_vkey vk;

	(void)txn;
	if (status < 0) {
		log_err("store: a round index value carries no status (schema 2 left over)");
		return PEIL_ESTORE;
	}
	if (len < 9 || (d = memchr(key + 8, '\0', len - 8)) == NULL ||
	    (size_t)(d - (key + 8)) > MAX_DOMAIN_LEN ||
	    (t = memchr(d + 1, '\0', (size_t)(end - (d + 1)))) == NULL ||
	    (size_t)(t - (d + 1)) > MAX_TEST_ID_LEN || (size_t)(end - (t + 1)) > MAX_AGENT_NAME_LEN)
		return store_mdb(s, MDB_CORRUPTED, "a round index key is not round, domain, test, "
		    "vantage");
	memcpy(domain, key + 8, (size_t)(d - (key + 8)));
	domain[d - (key + 8)] = '\0';
	memcpy(test, d + 1, (size_t)(t - (d + 1)));
	test[t - (d + 1)] = '\0';
	memcpy(vantage, t + 1, (size_t)(end - (t + 1)));
	vantage[end - (t + 1)] = '\0';
	vk.domain = domain;
	vk.test = test;
	vk.vantage = vantage;
	vk.status = status;
	vk.seq = seq;
	return x->cb(&vk, x->arg);
}

int
store_view_keys(struct store_view *v, const struct store_sel *sel,
    int (*cb)(const struct store_vkey *k, void *arg), void *arg)
{
	struct view_keys_ctx x = { cb, arg };

	return view_walk(v, sel, view_keys_emit, &x);
}

/* The address range of this process's mapping that holds address p, from /proc/self/maps;
 * false when it is not found. */
static bool
view_mapping(const void *p, uintptr_t *lo, uintptr_t *hi)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[1024];
	bool found = false;

	if (f == NULL)
		return false;
	for (size_t n = 0; n < MAX_PROC_MAPS_LINES && !found && fgets(line, sizeof(line), f) != NULL;
	    n++) {
		unsigned long a, b;

		if (sscanf(line, "%lx-%lx", &a, &b) == 2 && (uintptr_t)p >= a && (uintptr_t)p < b) {
			*lo = a;
			*hi = b;
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* The map is the store's file mapped shared and read-only: LMDB maps it PROT_READ unless
 * MDB_WRITEMAP, which store_open never sets (a writer writes dirty pages from its own
 * buffers with pwrite). MADV_DONTNEED on such a mapping only drops this process's page table
 * entries: the pages stay in the page cache and the file, and the next read faults them back
 * in with the same bytes. With MDB_WRITEMAP the map could hold pages being written through
 * it: then it is left alone. It is called with no transaction of this process open, so no
 * pointer into the map is in use; it is only ever a hint, and its failure is harmless.
 * mdb_env_info's me_mapaddr is the map's address only with MDB_FIXEDMAP (NULL otherwise), so
 * the mapping is found from a page LMDB hands out: the range of /proc/self/maps holding it
 * (the whole map: LMDB maps it in one piece). */
void
store_release_pages(struct store *s)
{
	MDB_envinfo info;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	unsigned flags = 0;
	uintptr_t lo = 0, hi = 0;
	const void *page = NULL;

	if (s == NULL || s->lm.env == NULL || mdb_env_get_flags(s->lm.env, &flags) != 0 ||
	    (flags & MDB_WRITEMAP) != 0 || mdb_env_info(s->lm.env, &info) != 0)
		return;
	if (info.me_mapaddr != NULL) {
		lo = (uintptr_t)info.me_mapaddr;
		hi = lo + info.me_mapsize;
	} else {
		/* The main database's first key (a database's name): any store has one, and
		 * it is there before the store's own databases are opened (an upgrade). */
		if (lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn) != 0)
			return;
		if (mdb_cursor_open(txn, 0, &cur) == 0) {
			if (mdb_cursor_get(cur, &k, &v, MDB_FIRST) == 0)
				page = k.mv_data;
			mdb_cursor_close(cur);
		}
		mdb_txn_abort(txn);
		if (page == NULL || !view_mapping(page, &lo, &hi))
			return;
	}
	if (hi > lo && (lo & ((uintptr_t)sysconf(_SC_PAGESIZE) - 1)) == 0)
		(void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}
