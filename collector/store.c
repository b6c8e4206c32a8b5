/* store.c: the collector's LMDB store (DESIGN.md §5): opening and closing it, and the LMDB
 * plumbing its parts share (store_int.h). The parts, one concern each:
 *   store_ingest.c   a turn: Hellos, TaskRequests and result batches in one write transaction
 *   store_agents.c   the agents' records
 *   store_rounds.c   rounds and the cap of results per agent and round
 *   store_targets.c  organisations, target domains and the targets CSV
 *   store_index.c    the indexes built from the log, off the ingest path
 *   store_query.c    reading: show, export, statistics
 *
 * Databases of one environment:
 *   log      seq_be64 -> packed Result, vantage = the authenticated agent (MDB_APPEND only)
 *   agents   name -> AgentRecord (last batch seq, counts, seen times, vantage facts)
 *   orgs     organisation -> OrgRecord (publish consent, its domains, sorted)
 *   targets  domain -> TargetRecord (its organisation); the keys are the target list
 *   rounds   round_be64 -> RoundRecord
 *   meta     "schema_version", "next_seq" (next log seq), "indexed" (last seq indexed): be64
 *   latest   domain \0 test_id \0 vantage -> seq_be64
 *   rindex   round_be64 domain \0 test_id \0 vantage -> seq_be64 status (one byte: the
 *            result's Peil__Status, schema 3)
 * Ingest touches only log (append), agents, meta and one rounds record per round seen, in
 * one write transaction per call; only a call with more dirty pages than LMDB lets one
 * transaction hold (MDB_TXN_FULL, about 512 MiB) is split into consecutive transactions.
 * A result is appended only when its round was handed to the agent (the agent's record keeps
 * the MAX_AGENT_ROUNDS newest, with what it stored for each: the cap), is open or ended within
 * the grace period, and its domain is a target (a read of targets per run of one domain);
 * the rest are counted per reason in the batch, the agent and the round (docs/protocol.md).
 * The map grows up to its ceiling; a transaction that needs more is aborted whole.
 *
 * Threads: a struct store is used by one thread at a time (the collector's writer thread):
 * the map may only be resized while this process has no transaction open. Other processes
 * may open the store read-only while the collector writes; they adopt a map grown meanwhile.
 * Callbacks must not call back into the store. A caller's Results are left as they were:
 * ingest stores the agent's name as vantage by swapping it in only while packing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <lmdb.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "lmdb.h"
#include "log.h"
#include "store_int.h"

#define STORE_MAX_DBS       16

/* ---- LMDB plumbing ------------------------------------------------------------------- */

/* Every LMDB error of the store passes here (lmdb_check: remembered, translated, logged but
 * for MDB_NOTFOUND, an answer, and MDB_MAP_FULL and MDB_TXN_FULL: the write loop grows the
 * map and replays, store_ingest splits a call too large for one transaction). */
int
store_mdb(struct store *s, int mrc, const char *what)
{
	return lmdb_check(&s->lm, mrc, what);
}

/* The store's op, run by lmdb_write. */
struct store_op {
	struct store *s;
	int (*op)(struct store *, MDB_txn *, void *);
	void *arg;
};

static int
store_op_run(MDB_txn *txn, void *argp)
{
	struct store_op *o = argp;

	return o->op(o->s, txn, o->arg);
}

/* lmdb_write's loop; reaching the map's ceiling is logged once a minute. */
int
store_write(struct store *s, int (*op)(struct store *, MDB_txn *, void *), void *arg,
    const char *what)
{
	struct store_op o = { s, op, arg };
	int64_t now;
	int rc;

	if (s->readonly) {
		log_err("store: %s: the store is open read-only", what);
		return PEIL_EINVAL;
	}
	rc = lmdb_write(&s->lm, store_op_run, &o, what);
	now = (int64_t)time(NULL);
	if (rc == PEIL_ETOOBIG && s->lm.mrc == MDB_MAP_FULL && now - s->ceiling_logged >= 60) {
		log_err("store: full: the map is at its ceiling of %zu MiB (collector.map_max_mb); "
		    "nothing more is stored until the ceiling is raised", s->lm.max_bytes >> 20);
		s->ceiling_logged = now;
	}
	return rc;
}

int
store_meta_get(struct store *s, MDB_txn *txn, const char *key, uint64_t dflt, uint64_t *out)
{
	MDB_val k = { strlen(key), (void *)key }, v;
	int mrc = mdb_get(txn, s->meta, &k, &v);

	*out = dflt;
	if (mrc == MDB_NOTFOUND)
		return 0;
	if (mrc != 0)
		return store_mdb(s, mrc, "reading meta");
	if (v.mv_size != 8) {
		log_err("store: meta %s has %zu bytes, not 8", key, v.mv_size);
		return PEIL_ESTORE;
	}
	*out = be64_get(v.mv_data);
	return 0;
}

int
store_meta_put(struct store *s, MDB_txn *txn, const char *key, uint64_t val)
{
	uint8_t b[8];
	MDB_val k = { strlen(key), (void *)key }, v = { 8, b };
	int mrc;

	be64_put(b, val);
	if ((mrc = mdb_put(txn, s->meta, &k, &v, 0)) != 0)
		return store_mdb(s, mrc, "writing meta");
	return 0;
}

/* Reads and decodes the record under `key`: 0, PEIL_ENOENT, or PEIL_ESTORE when it does not
 * decode. *out is freed with protobuf_c_message_free_unpacked. */
int
store_rec_get(struct store *s, MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
    const ProtobufCMessageDescriptor *d, ProtobufCMessage **out)
{
	MDB_val k = { klen, (void *)key }, v;
	int mrc;

	*out = NULL;
	if ((mrc = mdb_get(txn, dbi, &k, &v)) != 0)
		return store_mdb(s, mrc, "reading a record");
	if ((*out = protobuf_c_message_unpack(d, NULL, v.mv_size, v.mv_data)) == NULL) {
		log_err("store: a %s record does not decode", d->short_name);
		return PEIL_ESTORE;
	}
	return 0;
}

int
store_rec_put(struct store *s, MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
    const ProtobufCMessage *m, unsigned flags)
{
	MDB_val k = { klen, (void *)key }, v;
	int mrc;

	v.mv_size = protobuf_c_message_get_packed_size(m);
	if ((mrc = mdb_put(txn, dbi, &k, &v, flags | MDB_RESERVE)) != 0)
		return store_mdb(s, mrc, "writing a record");
	protobuf_c_message_pack(m, v.mv_data);
	return 0;
}

/* ---- open and close ------------------------------------------------------------------ */

static const struct {
	const char *name;
	size_t off;
} store_dbs[] = {
	{ "log", offsetof(struct store, log) },
	{ "agents", offsetof(struct store, agents) },
	{ "orgs", offsetof(struct store, orgs) },
	{ "targets", offsetof(struct store, targets) },
	{ "rounds", offsetof(struct store, rounds) },
	{ "latest", offsetof(struct store, latest) },
	{ "rindex", offsetof(struct store, rindex) },
};

/* Opens meta and checks the schema version; a writer stamps a new store. An older version
 * is left in s->upgraded_from for store_upgrade (a writer only: store_open took a backup). */
static int
store_schema(struct store *s, MDB_txn *txn)
{
	MDB_val k = { strlen(META_SCHEMA), (void *)META_SCHEMA }, v;
	MDB_stat st;
	uint64_t ver;
	int mrc;

	if ((mrc = mdb_dbi_open(txn, "meta", s->readonly ? 0 : MDB_CREATE, &s->meta)) != 0) {
		if (mrc == MDB_NOTFOUND) {
			log_err("store %s: not a peil store (no meta database)", s->dir);
			return PEIL_ESCHEMA;
		}
		return store_mdb(s, mrc, "opening meta");
	}
	mrc = mdb_get(txn, s->meta, &k, &v);
	if (mrc == MDB_NOTFOUND) {
		/* A fresh store is stamped; a meta without a version is someone else's. */
		if ((mrc = mdb_stat(txn, s->meta, &st)) != 0)
			return store_mdb(s, mrc, "reading meta");
		if (s->readonly || st.ms_entries > 0) {
			log_err("store %s: no schema version: not a peil store, or not initialised",
			    s->dir);
			return PEIL_ESCHEMA;
		}
		return store_meta_put(s, txn, META_SCHEMA, STORE_SCHEMA_VERSION);
	}
	if (mrc != 0)
		return store_mdb(s, mrc, "reading the schema version");
	ver = v.mv_size == 8 ? be64_get(v.mv_data) : 0;
	if (ver == 0) {
		log_err("store %s: the schema version is not readable: not a peil store", s->dir);
		return PEIL_ESCHEMA;
	}
	if (ver > STORE_SCHEMA_VERSION) {
		log_err("store %s: schema version %llu is newer than this peil-collector's "
		    "version %d: run the newer peil-collector that wrote it (nothing was changed)",
		    s->dir, (unsigned long long)ver, STORE_SCHEMA_VERSION);
		return PEIL_ESCHEMA;
	}
	if (ver < STORE_SCHEMA_VERSION) {
		if (s->readonly) {
			log_err("store %s: schema version %llu is older than this peil-collector's "
			    "version %d: start the collector (peil-collector run) once to upgrade "
			    "it; a backup is taken first", s->dir, (unsigned long long)ver,
			    STORE_SCHEMA_VERSION);
			return PEIL_ESCHEMA;
		}
		s->upgraded_from = ver;
	}
	return 0;
}

/* Version 1 to 2: meta "created", from the first round's start (or now, with none). */
static int
store_v1_to_v2(struct store *s, MDB_txn *txn)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t created = (uint64_t)time(NULL);
	int mrc;

	if ((mrc = mdb_cursor_open(txn, s->rounds, &c)) != 0)
		return store_mdb(s, mrc, "reading rounds");
	if ((mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST)) == 0) {
		Peil__Store__RoundRecord *r = peil__store__round_record__unpack(NULL, v.mv_size,
		    v.mv_data);

		if (r != NULL && r->started > 0)
			created = (uint64_t)r->started;
		peil__store__round_record__free_unpacked(r, NULL);
	}
	mdb_cursor_close(c);
	if (mrc != 0 && mrc != MDB_NOTFOUND)
		return store_mdb(s, mrc, "reading rounds");
	return store_meta_put(s, txn, META_CREATED, created);
}

/* Version 2 to 3, in part: gives up to STORE_UPGRADE_CHUNK per-round index values after
 * `from` (the whole key; empty: the first) their result's status, read from the log entry
 * each names; a value already of 9 bytes is left as it is. *next: the last key seen, *done:
 * whether the index ended. An entry missing from the log or not decoding is refused (the
 * store is not what the index says). */
struct store_v3_pos {
	uint8_t from[STORE_MAX_KEY], next[STORE_MAX_KEY];
	size_t fromlen, nextlen;
	bool done;
	uint64_t rewritten;      /* in this transaction */
};

static int
store_v3_chunk(struct store *s, MDB_txn *txn, MDB_dbi rindex, MDB_dbi log,
    struct store_v3_pos *p, size_t max)
{
	MDB_cursor *c;
	MDB_val k, v, lk, lv;
	uint8_t vb[STORE_RINDEX_VAL], kb[8];
	size_t n = 0;
	int mrc, rc = 0;

	p->done = false;
	p->rewritten = 0;
	p->nextlen = 0;
	if ((mrc = mdb_cursor_open(txn, rindex, &c)) != 0)
		return store_mdb(s, mrc, "reading the round index");
	if (p->fromlen == 0) {
		mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	} else {
		k.mv_size = p->fromlen;
		k.mv_data = p->from;
		mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		if (mrc == 0 && store_key_cmp(k.mv_data, k.mv_size, p->from, p->fromlen) == 0)
			mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	for (; mrc == 0 && n < max; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT), n++) {
		Peil__Result *r;
		uint64_t seq;

		if (k.mv_size > sizeof(p->next)) {
			mrc = MDB_CORRUPTED;
			break;
		}
		/* The key is copied out of the page: a value of another size moves the node,
		 * and LMDB reads the key while it does. */
		memcpy(p->next, k.mv_data, k.mv_size);
		p->nextlen = k.mv_size;
		if (v.mv_size == STORE_RINDEX_VAL)
			continue;
		if (v.mv_size != 8) {
			mrc = MDB_CORRUPTED;
			break;
		}
		seq = be64_get(v.mv_data);
		memcpy(kb, v.mv_data, 8);
		lk.mv_size = 8;
		lk.mv_data = kb;
		if ((mrc = mdb_get(txn, log, &lk, &lv)) != 0) {
			if (mrc == MDB_NOTFOUND)
				mrc = MDB_CORRUPTED;
			break;
		}
		if ((r = peil__result__unpack(NULL, lv.mv_size, lv.mv_data)) == NULL) {
			log_err("store: log entry %llu does not decode", (unsigned long long)seq);
			rc = PEIL_ESTORE;
			break;
		}
		store_rindex_val(vb, seq, (int)r->status);
		peil__result__free_unpacked(r, NULL);
		k.mv_data = p->next;
		v.mv_size = sizeof(vb);
		v.mv_data = vb;
		if ((mrc = mdb_cursor_put(c, &k, &v, MDB_CURRENT)) != 0)
			break;
		p->rewritten++;
	}
	mdb_cursor_close(c);
	if (rc != 0)
		return rc;
	if (mrc == MDB_NOTFOUND) {
		p->done = true;
		mrc = 0;
	}
	return mrc != 0 ? store_mdb(s, mrc, "upgrading the round index") : 0;
}

/* Version 2 to 3 in the upgrade's transaction: what store_v3_prepare left (normally
 * nothing: it has given every value its status in transactions of their own). */
static int
store_v2_to_v3(struct store *s, MDB_txn *txn)
{
	struct store_v3_pos *p = calloc(1, sizeof(*p));
	int rc;

	if (p == NULL)
		return PEIL_ENOMEM;
	do {
		if ((rc = store_v3_chunk(s, txn, s->rindex, s->log, p, SIZE_MAX)) != 0)
			break;
	} while (!p->done);
	free(p);
	return rc;
}

static int
store_v3_op(struct store *s, MDB_txn *txn, void *arg)
{
	struct store_v3_pos *p = arg;
	MDB_dbi rindex, log;
	int mrc;

	if ((mrc = mdb_dbi_open(txn, "rindex", 0, &rindex)) == MDB_NOTFOUND) {
		p->done = true;   /* no index yet: nothing to give a status */
		return 0;
	}
	if (mrc != 0 || (mrc = mdb_dbi_open(txn, "log", 0, &log)) != 0)
		return store_mdb(s, mrc, "opening the log and the round index");
	return store_v3_chunk(s, txn, rindex, log, p, STORE_UPGRADE_CHUNK);
}

/* Before the upgrade from a version older than 3 (after the backup): every per-round index
 * value gets its status in transactions of STORE_UPGRADE_CHUNK entries each, the pages read
 * given back after each, so the dirty pages a transaction keeps in memory stay small on a
 * store of any size (one transaction over a round index of 10.8 million entries, 837 MiB of
 * leaf pages, worked too, LMDB spilling, but peaked at 2.5 GiB resident against 2.0 GiB).
 * Values already of 9 bytes are skipped, so an interrupted upgrade goes on where it
 * stopped; until the version says 3, readers take both sizes (store_view_round) and
 * read-only opening refuses the store as for any older version. */
static int
store_v3_prepare(struct store *s)
{
	struct store_v3_pos *p = calloc(1, sizeof(*p));
	uint64_t total = 0;
	int rc = 0;

	if (p == NULL)
		return PEIL_ENOMEM;
	while (!p->done) {
		if ((rc = store_write(s, store_v3_op, p, "upgrading the round index")) != 0)
			break;
		total += p->rewritten;
		store_release_pages(s);     /* the chunk's pages, of the log and the index */
		memcpy(p->from, p->next, p->nextlen);
		p->fromlen = p->nextlen;
		if (p->nextlen == 0)
			break;
	}
	if (rc == 0)
		log_info("store: %llu round index entries carry their status now",
		    (unsigned long long)total);
	free(p);
	return rc;
}

/* The upgrade steps: steps[v] brings version v to v + 1. */
static int (*const store_steps[STORE_SCHEMA_VERSION])(struct store *, MDB_txn *) = {
	[1] = store_v1_to_v2,
	[2] = store_v2_to_v3,
};

/* Runs every step from the version found, in the open write transaction (all or none). */
static int
store_upgrade(struct store *s, MDB_txn *txn)
{
	int rc;

	for (uint64_t v = s->upgraded_from; v < STORE_SCHEMA_VERSION; v++)
		if (store_steps[v] != NULL && (rc = store_steps[v](s, txn)) != 0)
			return rc;
	return store_meta_put(s, txn, META_SCHEMA, STORE_SCHEMA_VERSION);
}

static int
store_open_dbs(struct store *s, MDB_txn *txn)
{
	int rc, mrc;
	uint64_t created;

	if ((rc = store_schema(s, txn)) != 0)
		return rc;
	for (size_t i = 0; i < sizeof(store_dbs) / sizeof(store_dbs[0]); i++) {
		MDB_dbi *dbi = (MDB_dbi *)((char *)s + store_dbs[i].off);

		mrc = mdb_dbi_open(txn, store_dbs[i].name, s->readonly ? 0 : MDB_CREATE, dbi);
		if (mrc == MDB_NOTFOUND) {
			log_err("store: database %s missing", store_dbs[i].name);
			return PEIL_ESTORE;
		}
		if (mrc != 0)
			return store_mdb(s, mrc, store_dbs[i].name);
	}
	if (s->upgraded_from != 0)
		return store_upgrade(s, txn);
	/* A new store says when it was made. */
	if (!s->readonly && (rc = store_meta_get(s, txn, META_CREATED, 0, &created)) == 0 &&
	    created == 0)
		rc = store_meta_put(s, txn, META_CREATED, (uint64_t)time(NULL));
	return rc;
}

/* The schema version of an existing store, read without changing it: 0 when there is none
 * to read (a new store, or not a store: store_schema tells). */
static uint64_t
store_version_peek(struct store *s)
{
	MDB_val k = { strlen(META_SCHEMA), (void *)META_SCHEMA }, v;
	MDB_txn *txn;
	MDB_dbi meta;
	uint64_t ver = 0;

	if (mdb_txn_begin(s->lm.env, NULL, MDB_RDONLY, &txn) != 0)
		return 0;
	if (mdb_dbi_open(txn, "meta", 0, &meta) == 0 && mdb_get(txn, meta, &k, &v) == 0 &&
	    v.mv_size == 8)
		ver = be64_get(v.mv_data);
	mdb_txn_abort(txn);
	return ver;
}

/* Before an upgrade: a copy of the store as it is, in dir/backup-vN-TIME. */
static int
store_backup_before_upgrade(struct store *s, const char *dir, uint64_t ver)
{
	char dest[4096], when[32], err[1024];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
	if ((size_t)snprintf(dest, sizeof(dest), "%s/backup-v%llu-%s", dir,
	    (unsigned long long)ver, when) >= sizeof(dest))
		return PEIL_EINVAL;
	if ((rc = store_copy(s->lm.env, dest, err, sizeof(err))) != 0) {
		log_err("store %s: schema version %llu is older than this peil-collector's %d, but "
		    "the backup before upgrading failed, so nothing was changed: %s", dir,
		    (unsigned long long)ver, STORE_SCHEMA_VERSION, err);
		return rc;
	}
	log_warn("store %s: schema version %llu is older than this peil-collector's %d: backed "
	    "up to %s, now upgrading in place", dir, (unsigned long long)ver, STORE_SCHEMA_VERSION,
	    dest);
	return 0;
}

static int
store_open_op(struct store *s, MDB_txn *txn, void *arg)
{
	(void)arg;
	return store_open_dbs(s, txn);
}

int
store_open(const char *dir, const struct store_opts *opts, struct store **out)
{
	struct store *s;
	MDB_txn *txn = NULL;
	unsigned flags = MDB_NOTLS;
	size_t mb = opts->map_mb ? opts->map_mb : DEFAULT_STORE_MAP_MB, max_mb;
	int mrc, rc;

	*out = NULL;
	if (mb > (SIZE_MAX >> 21))
		return PEIL_EINVAL;
	/* The caller reports a failure to open: PEIL_EIO keeps errno (No such file or
	 * directory, Permission denied) for it. */
	if (!opts->readonly && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return PEIL_EIO;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return PEIL_ENOMEM;
	s->lm.who = "store";
	s->readonly = opts->readonly;
	s->dir = dir;
	max_mb = opts->map_max_mb ? opts->map_max_mb : DEFAULT_STORE_MAP_MAX_MB;
	if (max_mb > (SIZE_MAX >> 21)) {
		rc = PEIL_EINVAL;
		goto out;
	}
	s->lm.max_bytes = max_mb << 20;
	s->round_grace_s = opts->round_grace_s ? opts->round_grace_s : DEFAULT_ROUND_GRACE_S;
	if ((mrc = mdb_env_create(&s->lm.env)) != 0) {
		s->lm.env = NULL;
		rc = store_mdb(s, mrc, "creating the environment");
		goto out;
	}
	if (opts->readonly)
		flags |= MDB_RDONLY;
	if (opts->nosync)
		flags |= MDB_NOSYNC;
	/* No map size before opening: an existing store keeps the size it grew to. */
	if ((mrc = mdb_env_set_maxdbs(s->lm.env, STORE_MAX_DBS)) != 0 ||
	    (mrc = mdb_env_open(s->lm.env, dir, flags, 0600)) != 0) {
		rc = lmdb_err(mrc);
		goto out;
	}
	lmdb_refresh(&s->lm);
	if (mb > max_mb)
		mb = max_mb;
	if (!opts->readonly && s->lm.bytes < (mb << 20)) {
		if ((mrc = mdb_env_set_mapsize(s->lm.env, mb << 20)) != 0) {
			rc = store_mdb(s, mrc, "setting the map size");
			goto out;
		}
		s->lm.bytes = mb << 20;
	}
	/* An older store: a copy first, while nothing has changed it. */
	if (!opts->readonly) {
		uint64_t ver = store_version_peek(s);

		if (ver > 0 && ver < STORE_SCHEMA_VERSION &&
		    (rc = store_backup_before_upgrade(s, dir, ver)) != 0)
			goto out;
		if (ver > 0 && ver < 3 && (rc = store_v3_prepare(s)) != 0)
			goto out;
	}
	if (!opts->readonly && s->lm.bytes > s->lm.max_bytes)
		log_warn("store: the map (%zu MiB) is past its ceiling (%zu MiB): it is not grown "
		    "further", s->lm.bytes >> 20, s->lm.max_bytes >> 20);
	if (opts->readonly) {
		if ((rc = lmdb_txn_begin(&s->lm, MDB_RDONLY, &txn)) != 0)
			goto out;
		if ((rc = store_open_dbs(s, txn)) != 0)
			goto out;
		/* Committing keeps the database handles open for the environment. */
		mrc = mdb_txn_commit(txn);
		txn = NULL;
		if ((rc = store_mdb(s, mrc, "opening databases")) != 0)
			goto out;
	} else if ((rc = store_write(s, store_open_op, NULL, "opening databases")) != 0) {
		goto out;
	}
	if (s->upgraded_from != 0)
		log_warn("store %s: upgraded from schema version %llu to %d", dir,
		    (unsigned long long)s->upgraded_from, STORE_SCHEMA_VERSION);
	s->dir = NULL;
	*out = s;
	s = NULL;
	rc = 0;
out:
	{
		int saved = errno;

		if (txn != NULL)
			mdb_txn_abort(txn);
		store_close(s);
		errno = saved;
	}
	return rc;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->lm.env != NULL)
		mdb_env_close(s->lm.env);
	free(s->agent_name);
	free(s->agent_desc);
	free(s);
}

int
store_keyseqs_add(struct store_keyseqs *x, const void *key, size_t len, uint64_t seq)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		struct store_keyseq *nk;

		if ((nk = realloc(x->k, cap * sizeof(*nk))) == NULL)
			return PEIL_ENOMEM;
		x->k = nk;
		x->cap = cap;
	}
	if ((x->k[x->n].key = malloc(len ? len : 1)) == NULL)
		return PEIL_ENOMEM;
	memcpy(x->k[x->n].key, key, len);
	x->k[x->n].len = len;
	x->k[x->n].seq = seq;
	x->k[x->n].status = 0;
	x->n++;
	return 0;
}

void
store_keyseqs_free(struct store_keyseqs *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->k[i].key);
	free(x->k);
	memset(x, 0, sizeof(*x));
}
