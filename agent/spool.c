/* spool.c: the agent's durable spool in LMDB: pending results, sealed batches, round progress.
 *
 * Databases: `pending` (result_seq_be64 → packed Result), `batches` (batch_seq_be64 → packed
 * ResultBatch), `done` (domain → round_be64, for the current round), `meta` (counters).
 * A batch is sealed once and never changes, so a re-send after a crash carries exactly the
 * results it carried before: the collector's go-back-N de-duplication depends on that. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <lmdb.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "lmdb.h"
#include "log.h"
#include "spool.h"

struct spool {
	uint64_t instance;
	struct lmdb_map map;   /* the environment and its map size (no ceiling) */
	MDB_dbi pending, batches, done, meta;
	pthread_mutex_t lock;
};

static const char KEY_NEXT_RESULT[] = "next_result_seq";
static const char KEY_NEXT_BATCH[] = "next_batch_seq";
static const char KEY_ROUND[] = "round";
static const char KEY_ROUND_DONE[] = "round_done";
static const char KEY_INSTANCE[] = "instance";

/* A counter of meta into *out (0 when absent). Returns 0 or an LMDB code: MDB_CORRUPTED
 * when the value is not 8 bytes. */
static int
meta_get(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *out)
{
	MDB_val k = { strlen(key), (void *)key }, v;
	int mrc;

	*out = 0;
	if ((mrc = mdb_get(txn, dbi, &k, &v)) == MDB_NOTFOUND)
		return 0;
	if (mrc != 0)
		return mrc;
	if (v.mv_size != 8)
		return MDB_CORRUPTED;
	*out = be64_get(v.mv_data);
	return 0;
}

static int
meta_put(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t val)
{
	uint8_t buf[8];
	MDB_val k = { strlen(key), (void *)key }, v = { 8, buf };

	be64_put(buf, val);
	return mdb_put(txn, dbi, &k, &v, 0);
}

/* The spool's op, run by lmdb_write: it returns 0 or an LMDB code (never a PEIL_E* code),
 * translated here, once. */
struct spool_op {
	struct spool *sp;
	int (*op)(struct spool *, MDB_txn *, void *);
	void *arg;
	const char *what;
};

static int
spool_op_run(MDB_txn *txn, void *argp)
{
	struct spool_op *o = argp;
	int mrc = o->op(o->sp, txn, o->arg);

	return mrc != 0 ? lmdb_check(&o->sp->map, mrc, o->what) : 0;
}

/* Every entry point holds sp->lock: the map may only be resized with no transaction open.
 * Runs `op` in a write transaction, growing the map and replaying on MDB_MAP_FULL (the
 * spool's map has no ceiling). */
static int
spool_write(struct spool *sp, int (*op)(struct spool *, MDB_txn *, void *), void *arg,
    const char *what)
{
	struct spool_op o = { sp, op, arg, what };

	return lmdb_write(&sp->map, spool_op_run, &o, what);
}

/* The spool's own random number, made once: two agents started from copies of one key (a
 * cloned machine) are told apart by it. */
static int
spool_instance_op(struct spool *sp, MDB_txn *txn, void *argp)
{
	uint64_t id;
	int mrc;

	(void)argp;
	if ((mrc = meta_get(txn, sp->meta, KEY_INSTANCE, &sp->instance)) != 0 || sp->instance != 0)
		return mrc;
	do {
		if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id))
			log_fatal("spool: no random numbers: %s", strerror(errno));
	} while (id == 0);
	sp->instance = id;
	return meta_put(txn, sp->meta, KEY_INSTANCE, id);
}

uint64_t
spool_instance(const struct spool *sp)
{
	return sp->instance;
}

int
spool_open(const char *dir, size_t map_mb, bool nosync, struct spool **out)
{
	struct spool *sp;
	MDB_txn *txn = NULL;
	MDB_envinfo info;
	int mrc, rc = PEIL_ESTORE;

	*out = NULL;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_err("spool: cannot create %s: %s", dir, strerror(errno));
		return PEIL_EIO;
	}
	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return PEIL_ENOMEM;
	pthread_mutex_init(&sp->lock, NULL);
	sp->map.who = "spool";
	sp->map.bytes = (map_mb ? map_mb : DEFAULT_SPOOL_MAP_MB) << 20;
	sp->map.max_bytes = SIZE_MAX;
	if ((mrc = mdb_env_create(&sp->map.env)) != 0 ||
	    (mrc = mdb_env_set_maxdbs(sp->map.env, 8)) != 0 ||
	    (mrc = mdb_env_set_mapsize(sp->map.env, sp->map.bytes)) != 0 ||
	    (mrc = mdb_env_open(sp->map.env, dir, MDB_NOTLS | (nosync ? MDB_NOSYNC : 0),
	    0600)) != 0) {
		rc = lmdb_check(&sp->map, mrc, dir);
		goto fail;
	}
	/* An existing spool may have grown past the size asked for. */
	if (mdb_env_info(sp->map.env, &info) == 0 && info.me_mapsize > sp->map.bytes)
		sp->map.bytes = info.me_mapsize;
	if ((mrc = mdb_txn_begin(sp->map.env, NULL, 0, &txn)) != 0 ||
	    (mrc = mdb_dbi_open(txn, "pending", MDB_CREATE, &sp->pending)) != 0 ||
	    (mrc = mdb_dbi_open(txn, "batches", MDB_CREATE, &sp->batches)) != 0 ||
	    (mrc = mdb_dbi_open(txn, "done", MDB_CREATE, &sp->done)) != 0 ||
	    (mrc = mdb_dbi_open(txn, "meta", MDB_CREATE, &sp->meta)) != 0) {
		if (txn != NULL)
			mdb_txn_abort(txn);
		rc = lmdb_check(&sp->map, mrc, "opening databases");
		goto fail;
	}
	/* The commit frees the transaction, failed or not. */
	if ((mrc = mdb_txn_commit(txn)) != 0) {
		rc = lmdb_check(&sp->map, mrc, "opening databases");
		goto fail;
	}
	if ((rc = spool_write(sp, spool_instance_op, NULL, "instance")) != 0)
		goto fail;
	*out = sp;
	return 0;
fail:
	spool_close(sp);
	return rc;
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->map.env != NULL)
		mdb_env_close(sp->map.env);
	pthread_mutex_destroy(&sp->lock);
	free(sp);
}

struct put_arg {
	uint64_t round_id;
	const char *domain;
	Peil__Result **r;
	size_t n;
};

static int
spool_put_op(struct spool *sp, MDB_txn *txn, void *argp)
{
	struct put_arg *a = argp;
	uint64_t seq;
	uint8_t key[8];
	int mrc;

	if ((mrc = meta_get(txn, sp->meta, KEY_NEXT_RESULT, &seq)) != 0)
		return mrc;
	if (seq == 0)
		seq = 1;
	for (size_t i = 0; i < a->n; i++) {
		size_t len;
		MDB_val k = { 8, key }, v;

		a->r[i]->result_seq = seq;
		len = peil__result__get_packed_size(a->r[i]);
		be64_put(key, seq);
		v.mv_size = len;
		/* Reserve space in the page and pack straight into it. */
		if ((mrc = mdb_put(txn, sp->pending, &k, &v, MDB_APPEND | MDB_RESERVE)) != 0)
			return mrc;
		peil__result__pack(a->r[i], v.mv_data);
		seq++;
	}
	if ((mrc = meta_put(txn, sp->meta, KEY_NEXT_RESULT, seq)) != 0)
		return mrc;
	if (a->domain != NULL) {
		uint8_t rb[8];
		MDB_val k = { strlen(a->domain), (void *)a->domain }, v = { 8, rb };

		be64_put(rb, a->round_id);
		if ((mrc = mdb_put(txn, sp->done, &k, &v, 0)) != 0)
			return mrc;
	}
	return 0;
}

int
spool_put(struct spool *sp, uint64_t round_id, const char *domain, Peil__Result **r, size_t n)
{
	struct put_arg a = { round_id, domain, r, n };
	int rc;

	for (size_t i = 0; i < n; i++)
		if (peil__result__get_packed_size(r[i]) > MAX_RESULT_BYTES)
			return PEIL_ETOOBIG;
	if (domain != NULL && (strlen(domain) == 0 || strlen(domain) > MAX_DOMAIN_LEN))
		return PEIL_EINVAL;
	pthread_mutex_lock(&sp->lock);
	rc = spool_write(sp, spool_put_op, &a, "put");
	pthread_mutex_unlock(&sp->lock);
	return rc;
}

static int
spool_round_begin_op(struct spool *sp, MDB_txn *txn, void *argp)
{
	uint64_t round_id = *(uint64_t *)argp, cur;
	int mrc;

	if ((mrc = meta_get(txn, sp->meta, KEY_ROUND, &cur)) != 0 || cur == round_id)
		return mrc;
	if ((mrc = mdb_drop(txn, sp->done, 0)) != 0)
		return mrc;
	return meta_put(txn, sp->meta, KEY_ROUND, round_id);
}

int
spool_round_begin(struct spool *sp, uint64_t round_id)
{
	int rc;

	pthread_mutex_lock(&sp->lock);
	rc = spool_write(sp, spool_round_begin_op, &round_id, "round begin");
	pthread_mutex_unlock(&sp->lock);
	return rc;
}

static bool
spool_domain_done_locked(struct spool *sp, uint64_t round_id, const char *domain)
{
	MDB_txn *txn;
	MDB_val k = { strlen(domain), (void *)domain }, v;
	bool done = false;
	int mrc;

	/* On an error the domain counts as not done: probed again rather than lost. */
	if (k.mv_size == 0 || k.mv_size > MAX_DOMAIN_LEN)
		return false;
	if ((mrc = mdb_txn_begin(sp->map.env, NULL, MDB_RDONLY, &txn)) != 0) {
		(void)lmdb_check(&sp->map, mrc, "reading done domains");
		return false;
	}
	if ((mrc = mdb_get(txn, sp->done, &k, &v)) == 0)
		done = v.mv_size == 8 && be64_get(v.mv_data) == round_id;
	else
		(void)lmdb_check(&sp->map, mrc, "reading done domains");
	mdb_txn_abort(txn);
	return done;
}

bool
spool_domain_done(struct spool *sp, uint64_t round_id, const char *domain)
{
	bool r;

	pthread_mutex_lock(&sp->lock);
	r = spool_domain_done_locked(sp, round_id, domain);
	pthread_mutex_unlock(&sp->lock);
	return r;
}

static uint64_t
spool_round_done_locked(struct spool *sp)
{
	MDB_txn *txn;
	uint64_t r = 0;
	int mrc;

	/* On an error no round counts as finished: the current one is probed (again). */
	if ((mrc = mdb_txn_begin(sp->map.env, NULL, MDB_RDONLY, &txn)) != 0) {
		(void)lmdb_check(&sp->map, mrc, "reading the round done");
		return 0;
	}
	if ((mrc = meta_get(txn, sp->meta, KEY_ROUND_DONE, &r)) != 0)
		(void)lmdb_check(&sp->map, mrc, "reading the round done");
	mdb_txn_abort(txn);
	return r;
}

uint64_t
spool_round_done(struct spool *sp)
{
	uint64_t r;

	pthread_mutex_lock(&sp->lock);
	r = spool_round_done_locked(sp);
	pthread_mutex_unlock(&sp->lock);
	return r;
}

static int
spool_set_round_done_op(struct spool *sp, MDB_txn *txn, void *argp)
{
	return meta_put(txn, sp->meta, KEY_ROUND_DONE, *(uint64_t *)argp);
}

int
spool_set_round_done(struct spool *sp, uint64_t round_id)
{
	int rc;

	pthread_mutex_lock(&sp->lock);
	rc = spool_write(sp, spool_set_round_done_op, &round_id, "round done");
	pthread_mutex_unlock(&sp->lock);
	return rc;
}

/* A ResultBatch is built from the stored Result bytes without decoding them: field 1
 * varint batch_seq, then field 2 length-delimited for each result. */
struct seal_arg {
	size_t max, max_bytes;
	uint64_t batch_seq;
};

static int
spool_seal_op(struct spool *sp, MDB_txn *txn, void *argp)
{
	struct seal_arg *a = argp;
	MDB_cursor *cur = NULL;
	MDB_val k, v, bk, bv;
	uint8_t key[8];
	size_t total, n = 0;
	uint64_t seq;
	uint8_t *p;
	int mrc;

	a->batch_seq = 0;
	if ((mrc = meta_get(txn, sp->meta, KEY_NEXT_BATCH, &seq)) != 0)
		return mrc;
	if (seq == 0)
		seq = 1;
	/* First pass: size the batch. */
	total = 1 + varint_len(seq);
	if ((mrc = mdb_cursor_open(txn, sp->pending, &cur)) != 0)
		return mrc;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && n < a->max;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		size_t add = 1 + varint_len(v.mv_size) + v.mv_size;

		if (n > 0 && total + add > a->max_bytes)
			break;
		total += add;
		n++;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		goto out;
	if (n == 0) {
		mrc = 0;
		goto out;
	}
	be64_put(key, seq);
	bk.mv_size = 8;
	bk.mv_data = key;
	bv.mv_size = total;
	if ((mrc = mdb_put(txn, sp->batches, &bk, &bv, MDB_RESERVE | MDB_APPEND)) != 0)
		goto out;
	p = bv.mv_data;
	*p++ = 0x08;                       /* field 1, varint */
	p = varint_put(p, seq);
	/* Second pass: copy and delete. */
	for (size_t i = 0; i < n; i++) {
		if ((mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) != 0)
			goto out;
		*p++ = 0x12;               /* field 2, length-delimited */
		p = varint_put(p, v.mv_size);
		memcpy(p, v.mv_data, v.mv_size);
		p += v.mv_size;
		if ((mrc = mdb_cursor_del(cur, 0)) != 0)
			goto out;
	}
	if ((size_t)(p - (uint8_t *)bv.mv_data) != total) {
		log_fatal("spool: batch %llu sized %zu, wrote %zu", (unsigned long long)seq,
		    total, (size_t)(p - (uint8_t *)bv.mv_data));
	}
	if ((mrc = meta_put(txn, sp->meta, KEY_NEXT_BATCH, seq + 1)) != 0)
		goto out;
	a->batch_seq = seq;
	mrc = 0;
out:
	mdb_cursor_close(cur);
	return mrc;
}

int
spool_seal(struct spool *sp, size_t max, size_t max_bytes, uint64_t *batch_seq)
{
	struct seal_arg a = { max, max_bytes, 0 };
	int rc;

	pthread_mutex_lock(&sp->lock);
	rc = spool_write(sp, spool_seal_op, &a, "seal");
	pthread_mutex_unlock(&sp->lock);
	*batch_seq = rc == 0 ? a.batch_seq : 0;
	return rc;
}

static int
spool_read_locked(struct spool *sp, uint64_t seq,
    int (*fn)(const uint8_t *buf, size_t len, void *arg), void *arg)
{
	MDB_txn *txn;
	uint8_t key[8];
	MDB_val k = { 8, key }, v;
	int mrc, rc;

	be64_put(key, seq);
	if ((mrc = mdb_txn_begin(sp->map.env, NULL, MDB_RDONLY, &txn)) != 0)
		return lmdb_check(&sp->map, mrc, "get");
	if ((mrc = mdb_get(txn, sp->batches, &k, &v)) != 0)
		rc = lmdb_check(&sp->map, mrc, "get");
	else
		rc = fn(v.mv_data, v.mv_size, arg);
	mdb_txn_abort(txn);
	return rc;
}

int
spool_read(struct spool *sp, uint64_t seq,
    int (*fn)(const uint8_t *buf, size_t len, void *arg), void *arg)
{
	int r;

	pthread_mutex_lock(&sp->lock);
	r = spool_read_locked(sp, seq, fn, arg);
	pthread_mutex_unlock(&sp->lock);
	return r;
}

struct get_arg {
	uint8_t **buf;
	size_t *len;
};

static int
spool_get_copy(const uint8_t *buf, size_t len, void *argp)
{
	struct get_arg *a = argp;

	if ((*a->buf = malloc(len > 0 ? len : 1)) == NULL)
		return PEIL_ENOMEM;
	memcpy(*a->buf, buf, len);
	*a->len = len;
	return 0;
}

int
spool_get(struct spool *sp, uint64_t seq, uint8_t **buf, size_t *len)
{
	struct get_arg a = { buf, len };

	*buf = NULL;
	*len = 0;
	return spool_read(sp, seq, spool_get_copy, &a);
}

static int
spool_ack_op(struct spool *sp, MDB_txn *txn, void *argp)
{
	uint64_t upto = *(uint64_t *)argp;
	MDB_cursor *cur;
	MDB_val k, v;
	int mrc;

	if ((mrc = mdb_cursor_open(txn, sp->batches, &cur)) != 0)
		return mrc;
	while ((mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0) {
		if (k.mv_size != 8 || be64_get(k.mv_data) > upto)
			break;
		if ((mrc = mdb_cursor_del(cur, 0)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return mrc == MDB_NOTFOUND ? 0 : mrc;
}

int
spool_ack(struct spool *sp, uint64_t seq)
{
	int rc;

	pthread_mutex_lock(&sp->lock);
	rc = spool_write(sp, spool_ack_op, &seq, "ack");
	pthread_mutex_unlock(&sp->lock);
	return rc;
}

static int
spool_sync_op(struct spool *sp, MDB_txn *txn, void *argp)
{
	uint64_t remote = *(uint64_t *)argp, next;
	int mrc;

	if ((mrc = spool_ack_op(sp, txn, argp)) != 0 ||
	    (mrc = meta_get(txn, sp->meta, KEY_NEXT_BATCH, &next)) != 0)
		return mrc;
	if (next <= remote)
		return meta_put(txn, sp->meta, KEY_NEXT_BATCH, remote + 1);
	return 0;
}

int
spool_sync_remote(struct spool *sp, uint64_t remote_last)
{
	int rc;

	pthread_mutex_lock(&sp->lock);
	rc = spool_write(sp, spool_sync_op, &remote_last, "sync");
	pthread_mutex_unlock(&sp->lock);
	return rc;
}

static int
spool_stats_locked(struct spool *sp, struct spool_stats *out)
{
	MDB_txn *txn;
	MDB_stat st;
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t next;
	int mrc;

	memset(out, 0, sizeof(*out));
	if ((mrc = mdb_txn_begin(sp->map.env, NULL, MDB_RDONLY, &txn)) != 0)
		return lmdb_check(&sp->map, mrc, "stats");
	if ((mrc = mdb_stat(txn, sp->pending, &st)) != 0)
		goto out;
	out->pending = st.ms_entries;
	if ((mrc = mdb_stat(txn, sp->batches, &st)) != 0)
		goto out;
	out->batches = st.ms_entries;
	if ((mrc = mdb_cursor_open(txn, sp->batches, &cur)) != 0)
		goto out;
	mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	if (mrc == 0 && k.mv_size == 8)
		out->first_batch = be64_get(k.mv_data);
	mdb_cursor_close(cur);
	if ((mrc != 0 && mrc != MDB_NOTFOUND) ||
	    (mrc = meta_get(txn, sp->meta, KEY_NEXT_BATCH, &next)) != 0 ||
	    (mrc = meta_get(txn, sp->meta, KEY_NEXT_RESULT, &out->next_result_seq)) != 0)
		goto out;
	out->last_batch = next > 0 ? next - 1 : 0;
	if (out->next_result_seq == 0)
		out->next_result_seq = 1;
out:
	mdb_txn_abort(txn);
	return lmdb_check(&sp->map, mrc, "stats");
}

int
spool_stats(struct spool *sp, struct spool_stats *out)
{
	int r;

	pthread_mutex_lock(&sp->lock);
	r = spool_stats_locked(sp, out);
	pthread_mutex_unlock(&sp->lock);
	return r;
}
