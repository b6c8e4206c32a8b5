/* store_query.c: reading the store: statistics, a domain's latest results (the index and
 * the unindexed tail of the log) and the export of the whole log. The command line's
 * formats of these are query.c's. */
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "store_int.h"

#define STORE_EXPORT_RENEW  4096   /* log entries read per read transaction by export */
#define STORE_EXPORT_BYTES  (4u << 20)   /* and their bytes, at most (past one entry) */

int
store_stats(struct store *s, struct store_stats *out)
{
	MDB_txn *txn;
	MDB_stat st;
	uint64_t indexed;
	int mrc, rc;

	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_stat(txn, s->log, &st)) != 0) {
		rc = store_mdb(s, mrc, "reading log statistics");
		goto out;
	}
	if ((rc = store_meta_get(s, txn, META_INDEXED, 0, &indexed)) != 0)
		goto out;
	out->results = st.ms_entries;
	out->indexed = indexed;
	lmdb_refresh(&s->lm);
	out->map_bytes = s->lm.bytes;
	out->map_max_bytes = s->lm.max_bytes;
	{
		MDB_envinfo info;
		MDB_stat es;

		/* Pages in use: the highest page written, as LMDB counts it. */
		out->used_bytes = mdb_env_info(s->lm.env, &info) == 0 &&
		    mdb_env_stat(s->lm.env, &es) == 0 ?
		    (uint64_t)(info.me_last_pgno + 1) * es.ms_psize : 0;
	}
out:
	mdb_txn_abort(txn);
	return rc;
}

/* Show's candidates: "test_id \0 vantage" of the domain and the seq found. */
/* Test id, then vantage (the \0 between them orders as strcmp does), then newest first. */
static int
show_cmp(const void *x, const void *y)
{
	const struct store_keyseq *a = x, *b = y;
	int c = store_key_cmp(a->key, a->len, b->key, b->len);

	if (c != 0)
		return c;
	return a->seq > b->seq ? -1 : a->seq < b->seq;
}

/* The index's entries for the domain: keys that start with "domain \0". */
static int
show_from_index(struct store *s, MDB_txn *txn, const char *domain, size_t dlen,
    struct store_keyseqs *x)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	int mrc, rc = 0;

	if ((mrc = mdb_cursor_open(txn, s->latest, &cur)) != 0)
		return store_mdb(s, mrc, "opening a cursor on the index");
	k.mv_size = dlen + 1;          /* the domain and its terminating NUL */
	k.mv_data = (void *)domain;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < dlen + 1 || memcmp(k.mv_data, domain, dlen + 1) != 0)
			break;
		if (v.mv_size != 8) {
			rc = store_mdb(s, MDB_CORRUPTED, "an index value is not 8 bytes");
			goto out;
		}
		if ((rc = store_keyseqs_add(x, (const uint8_t *)k.mv_data + dlen + 1, k.mv_size - dlen - 1,
		    be64_get(v.mv_data))) != 0)
			goto out;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		rc = store_mdb(s, mrc, "reading the index");
out:
	mdb_cursor_close(cur);
	return rc;
}

/* The log past the indexer's position, for the domain. */
static int
show_from_tail(struct store *s, MDB_txn *txn, const char *domain, size_t dlen,
    struct store_keyseqs *x)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint8_t kb[8], key[STORE_MAX_KEY];
	uint64_t pos;
	int mrc, rc;

	if ((rc = store_meta_get(s, txn, META_INDEXED, 0, &pos)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, s->log, &cur)) != 0)
		return store_mdb(s, mrc, "opening a cursor on the log");
	be64_put(kb, pos + 1);
	k.mv_size = 8;
	k.mv_data = kb;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Peil__Result *r;

		/* Most entries are for other domains: look for the bytes before decoding. */
		if (k.mv_size != 8 || memmem(v.mv_data, v.mv_size, domain, dlen) == NULL)
			continue;
		if ((r = peil__result__unpack(NULL, v.mv_size, v.mv_data)) == NULL)
			continue;
		rc = 0;
		if (store_indexable(r) && strcmp(r->domain, domain) == 0) {
			size_t len = store_key_latest(key, r);

			rc = store_keyseqs_add(x, key + dlen + 1, len - dlen - 1, be64_get(k.mv_data));
		}
		peil__result__free_unpacked(r, NULL);
		if (rc != 0)
			goto out;
	}
	rc = mrc != MDB_NOTFOUND ? store_mdb(s, mrc, "reading the log") : 0;
out:
	mdb_cursor_close(cur);
	return rc;
}

int
store_show(struct store *s, const char *domain,
    int (*cb)(const Peil__Result *r, void *arg), void *arg)
{
	struct store_keyseqs x = { NULL, 0, 0 };
	MDB_txn *txn = NULL;
	char dom[MAX_DOMAIN_LEN + 2];
	size_t dlen = strlen(domain);
	int rc;

	/* Targets are stored lower case without the root dot; so is the question. */
	if (dlen > 0 && domain[dlen - 1] == '.')
		dlen--;
	if (dlen == 0 || dlen > MAX_DOMAIN_LEN)
		return PEIL_EINVAL;
	for (size_t i = 0; i < dlen; i++)
		dom[i] = (domain[i] >= 'A' && domain[i] <= 'Z') ?
		    (char)(domain[i] - 'A' + 'a') : domain[i];
	dom[dlen] = '\0';
	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((rc = show_from_index(s, txn, dom, dlen, &x)) != 0 ||
	    (rc = show_from_tail(s, txn, dom, dlen, &x)) != 0)
		goto out;
	if (x.n > 1)
		qsort(x.k, x.n, sizeof(*x.k), show_cmp);
	for (size_t i = 0; i < x.n; i++) {
		uint8_t kb[8];
		MDB_val k = { 8, kb }, v;
		Peil__Result *r;
		int mrc;

		if (i > 0 && store_key_cmp(x.k[i].key, x.k[i].len, x.k[i - 1].key,
		    x.k[i - 1].len) == 0)
			continue;
		be64_put(kb, x.k[i].seq);
		if ((mrc = mdb_get(txn, s->log, &k, &v)) != 0) {
			rc = store_mdb(s, mrc == MDB_NOTFOUND ? MDB_CORRUPTED : mrc,
			    "an indexed result is not in the log");
			goto out;
		}
		if ((r = peil__result__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
			log_err("store: log entry %llu does not decode",
			    (unsigned long long)x.k[i].seq);
			rc = PEIL_ESTORE;
			goto out;
		}
		rc = cb(r, arg);
		peil__result__free_unpacked(r, NULL);
		if (rc != 0)
			goto out;
	}
	rc = 0;
out:
	store_keyseqs_free(&x);
	mdb_txn_abort(txn);
	return rc;
}

/* One chunk of the log read by export: the packed entries, copied out of the read
 * transaction so that the callback runs with none open (it may open its own: a nested read
 * transaction could not follow the map when the collector grows it). */
struct export_chunk {
	uint8_t *buf;
	size_t used, cap;
	size_t off[STORE_EXPORT_RENEW], len[STORE_EXPORT_RENEW];
	uint64_t seq[STORE_EXPORT_RENEW];
	size_t n;
};

static int
export_chunk_add(struct export_chunk *c, uint64_t seq, const void *data, size_t len)
{
	if (c->used + len > c->cap) {
		size_t cap = c->cap ? c->cap : 65536;
		uint8_t *nb;

		while (cap < c->used + len)
			cap *= 2;
		if ((nb = realloc(c->buf, cap)) == NULL)
			return PEIL_ENOMEM;
		c->buf = nb;
		c->cap = cap;
	}
	memcpy(c->buf + c->used, data, len);
	c->off[c->n] = c->used;
	c->len[c->n] = len;
	c->seq[c->n] = seq;
	c->n++;
	c->used += len;
	return 0;
}

int
store_export(struct store *s, int (*cb)(const Peil__Result *r, void *arg), void *arg)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	struct export_chunk *c = NULL;
	uint8_t kb[8];
	uint64_t next = 1, end;
	bool done = false;
	int mrc, rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return PEIL_ENOMEM;
	/* The log as it is now; later entries are left for the next export. */
	if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((mrc = mdb_cursor_open(txn, s->log, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on the log");
		goto out;
	}
	if ((mrc = mdb_cursor_get(cur, &k, &v, MDB_LAST)) != 0) {
		rc = mrc == MDB_NOTFOUND ? 0 : store_mdb(s, mrc, "reading the log");
		goto out;
	}
	end = k.mv_size == 8 ? be64_get(k.mv_data) : 0;
	/* Short read transactions: a long export must not hold the writer's pages. Each reads
	 * a chunk (STORE_EXPORT_RENEW entries, or STORE_EXPORT_BYTES) and ends before the
	 * callbacks run. */
	while (next <= end && !done) {
		if (txn == NULL) {
			if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
				goto out;
			if ((mrc = mdb_cursor_open(txn, s->log, &cur)) != 0) {
				rc = store_mdb(s, mrc, "opening a cursor on the log");
				goto out;
			}
		}
		c->n = c->used = 0;
		be64_put(kb, next);
		k.mv_size = 8;
		k.mv_data = kb;
		for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		    mrc == 0 && c->n < STORE_EXPORT_RENEW && c->used < STORE_EXPORT_BYTES;
		    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			uint64_t seq;

			if (k.mv_size != 8 || (seq = be64_get(k.mv_data)) > end) {
				done = true;
				break;
			}
			next = seq + 1;
			if ((rc = export_chunk_add(c, seq, v.mv_data, v.mv_size)) != 0)
				goto out;
		}
		if (mrc == MDB_NOTFOUND)
			done = true;
		else if (mrc != 0) {
			rc = store_mdb(s, mrc, "reading the log");
			goto out;
		}
		mdb_cursor_close(cur);
		cur = NULL;
		mdb_txn_abort(txn);
		txn = NULL;
		for (size_t i = 0; i < c->n; i++) {
			Peil__Result *r = peil__result__unpack(NULL, c->len[i], c->buf + c->off[i]);

			if (r == NULL) {
				log_err("store: log entry %llu does not decode; not exported",
				    (unsigned long long)c->seq[i]);
				continue;
			}
			rc = cb(r, arg);
			peil__result__free_unpacked(r, NULL);
			if (rc != 0)
				goto out;
		}
	}
	rc = 0;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (c != NULL)
		free(c->buf);
	free(c);
	return rc;
}
