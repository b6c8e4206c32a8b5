/* store.c: the collector's LMDB store: an append-only result log, agents, targets, rounds,
 * and the indexes built from the log off the ingest path (DESIGN.md §5).
 *
 * Databases of one environment:
 *   log      seq_be64 -> packed Result, vantage = the authenticated agent (MDB_APPEND only)
 *   agents   name -> AgentRecord (last batch seq, counts, seen times, vantage facts)
 *   orgs     organisation -> OrgRecord (publish consent, its domains, sorted)
 *   targets  domain -> TargetRecord (its organisation); the keys are the target list
 *   rounds   round_be64 -> RoundRecord
 *   meta     "schema_version", "next_seq" (next log seq), "indexed" (last seq indexed): be64
 *   latest   domain \0 test_id \0 vantage -> seq_be64
 *   rindex   round_be64 domain \0 test_id \0 vantage -> seq_be64
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
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <lmdb.h>

#include "bytes.h"
#include "err.h"
#include "limits.h"
#include "lmdb.h"
#include "log.h"
#include "store.h"
#include "store.pb-c.h"
#include "verdict.h"

#define STORE_MAX_DBS       16
#define STORE_RESIZE_TRIES  8      /* adopting a map another process grew, per transaction */
#define STORE_EXPORT_RENEW  4096   /* log entries read per read transaction by export */
#define STORE_MAX_KEY       511    /* LMDB's default largest key */
#define CSV_FIELDS          3

struct store {
	MDB_env *env;
	MDB_dbi log, agents, orgs, targets, rounds, meta, latest, rindex;
	size_t map_bytes;
	size_t map_max_bytes;    /* the ceiling: the map is not grown past it */
	int64_t ceiling_logged;  /* when reaching the ceiling was last logged */
	int64_t round_grace_s;   /* a closed round's results are taken this long after */
	bool readonly;
	int mrc;                 /* the last LMDB error: MDB_MAP_FULL makes a write replay */
	char *agent_name;        /* strings of the last store_agent_get */
	char *agent_desc;
};

static const char META_SCHEMA[] = "schema_version";
static const char META_NEXT_SEQ[] = "next_seq";
static const char META_INDEXED[] = "indexed";

/* ---- LMDB plumbing ------------------------------------------------------------------- */

/* Every LMDB error of the store passes here (translated by lmdb_err). MDB_NOTFOUND is an
 * answer, not a failure; MDB_MAP_FULL and MDB_TXN_FULL are remembered, not logged: the write
 * loop grows the map and replays, store_ingest splits a call too large for one transaction. */
static int
store_mdb(struct store *s, int mrc, const char *what)
{
	s->mrc = mrc;
	if (mrc != 0 && mrc != MDB_NOTFOUND && mrc != MDB_MAP_FULL && mrc != MDB_TXN_FULL)
		log_err("store: %s: %s", what, mdb_strerror(mrc));
	return lmdb_err(mrc);
}

static void
store_refresh_mapsize(struct store *s)
{
	MDB_envinfo info;

	if (mdb_env_info(s->env, &info) == 0)
		s->map_bytes = info.me_mapsize;
}

/* Begins a transaction, adopting the map size when another process has grown the map. */
static int
store_txn_begin(struct store *s, unsigned flags, MDB_txn **txn)
{
	int mrc;

	for (int i = 0;; i++) {
		mrc = mdb_txn_begin(s->env, NULL, flags, txn);
		if (mrc != MDB_MAP_RESIZED || i == STORE_RESIZE_TRIES)
			break;
		if ((mrc = mdb_env_set_mapsize(s->env, 0)) != 0)
			break;
		store_refresh_mapsize(s);
	}
	if (mrc != 0) {
		*txn = NULL;
		return store_mdb(s, mrc, "beginning a transaction");
	}
	return 0;
}

/* Doubles the map, up to its ceiling. At the ceiling: PEIL_ETOOBIG, logged once a minute. */
static int
store_grow(struct store *s)
{
	size_t size;
	int64_t now = (int64_t)time(NULL);
	int mrc;

	store_refresh_mapsize(s);
	if (s->map_bytes >= s->map_max_bytes) {
		if (now - s->ceiling_logged >= 60) {
			log_err("store: full: the map is at its ceiling of %zu MiB (collector.map_max_mb); "
			    "nothing more is stored until the ceiling is raised", s->map_max_bytes >> 20);
			s->ceiling_logged = now;
		}
		return PEIL_ETOOBIG;
	}
	size = s->map_bytes > s->map_max_bytes / 2 ? s->map_max_bytes : s->map_bytes * 2;
	if ((mrc = mdb_env_set_mapsize(s->env, size)) != 0)
		return store_mdb(s, mrc, "growing the map");
	s->map_bytes = size;
	log_info("store: map grown to %zu MiB", size >> 20);
	return 0;
}

/* Runs `op` in a write transaction and commits. On MDB_MAP_FULL, anywhere, the transaction
 * is aborted, the map doubled and `op` run again from scratch: op must recompute everything
 * it writes or reports from what it reads in the transaction. At the map's ceiling it returns
 * PEIL_ETOOBIG with the transaction aborted: the store stays as the last commit left it. */
static int
store_write(struct store *s, int (*op)(struct store *, MDB_txn *, void *), void *arg,
    const char *what)
{
	if (s->readonly) {
		log_err("store: %s: the store is open read-only", what);
		return PEIL_EINVAL;
	}
	for (int grown = 0;; grown++) {
		MDB_txn *txn;
		int rc, mrc;

		s->mrc = 0;
		if ((rc = store_txn_begin(s, 0, &txn)) != 0)
			return rc;
		if ((rc = op(s, txn, arg)) == 0) {
			if ((mrc = mdb_txn_commit(txn)) != 0)
				rc = store_mdb(s, mrc, what);
		} else {
			mdb_txn_abort(txn);
		}
		if (rc != 0 && s->mrc == MDB_TXN_FULL)
			log_warn("store: %s: %s", what, mdb_strerror(s->mrc));
		if (rc == 0 || s->mrc != MDB_MAP_FULL)
			return rc;
		if (grown == MAX_STORE_MAP_GROWTHS) {
			log_err("store: %s: map full after %d growths (%zu MiB)", what,
			    MAX_STORE_MAP_GROWTHS, s->map_bytes >> 20);
			return PEIL_ESTORE;
		}
		if ((rc = store_grow(s)) != 0)
			return rc;
	}
}

static int
meta_get(struct store *s, MDB_txn *txn, const char *key, uint64_t dflt, uint64_t *out)
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

static int
meta_put(struct store *s, MDB_txn *txn, const char *key, uint64_t val)
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
static int
rec_get(struct store *s, MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
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

static int
rec_put(struct store *s, MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
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

/* Opens meta and checks the schema version; a writer stamps a new store. */
static int
store_schema(struct store *s, MDB_txn *txn)
{
	MDB_val k = { strlen(META_SCHEMA), (void *)META_SCHEMA }, v;
	MDB_stat st;
	int mrc;

	if ((mrc = mdb_dbi_open(txn, "meta", s->readonly ? 0 : MDB_CREATE, &s->meta)) != 0) {
		if (mrc == MDB_NOTFOUND) {
			log_err("store: not a peil store (no meta database)");
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
			log_err("store: no schema version: not a peil store, or not initialised");
			return PEIL_ESCHEMA;
		}
		return meta_put(s, txn, META_SCHEMA, STORE_SCHEMA_VERSION);
	}
	if (mrc != 0)
		return store_mdb(s, mrc, "reading the schema version");
	if (v.mv_size != 8 || be64_get(v.mv_data) != STORE_SCHEMA_VERSION) {
		log_err("store: schema version %llu, this program reads version %d",
		    v.mv_size == 8 ? (unsigned long long)be64_get(v.mv_data) : 0ULL,
		    STORE_SCHEMA_VERSION);
		return PEIL_ESCHEMA;
	}
	return 0;
}

static int
store_open_dbs(struct store *s, MDB_txn *txn)
{
	int rc, mrc;

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
	if (!opts->readonly && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		log_err("store: cannot create %s: %s", dir, strerror(errno));
		return PEIL_EIO;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return PEIL_ENOMEM;
	s->readonly = opts->readonly;
	max_mb = opts->map_max_mb ? opts->map_max_mb : DEFAULT_STORE_MAP_MAX_MB;
	if (max_mb > (SIZE_MAX >> 21)) {
		rc = PEIL_EINVAL;
		goto out;
	}
	s->map_max_bytes = max_mb << 20;
	s->round_grace_s = opts->round_grace_s ? opts->round_grace_s : DEFAULT_ROUND_GRACE_S;
	if ((mrc = mdb_env_create(&s->env)) != 0) {
		s->env = NULL;
		rc = store_mdb(s, mrc, "creating the environment");
		goto out;
	}
	if (opts->readonly)
		flags |= MDB_RDONLY;
	if (opts->nosync)
		flags |= MDB_NOSYNC;
	/* No map size before opening: an existing store keeps the size it grew to. */
	if ((mrc = mdb_env_set_maxdbs(s->env, STORE_MAX_DBS)) != 0 ||
	    (mrc = mdb_env_open(s->env, dir, flags, 0600)) != 0) {
		rc = store_mdb(s, mrc, dir);
		goto out;
	}
	store_refresh_mapsize(s);
	if (mb > max_mb)
		mb = max_mb;
	if (!opts->readonly && s->map_bytes < (mb << 20)) {
		if ((mrc = mdb_env_set_mapsize(s->env, mb << 20)) != 0) {
			rc = store_mdb(s, mrc, "setting the map size");
			goto out;
		}
		s->map_bytes = mb << 20;
	}
	if (!opts->readonly && s->map_bytes > s->map_max_bytes)
		log_warn("store: the map (%zu MiB) is past its ceiling (%zu MiB): it is not grown "
		    "further", s->map_bytes >> 20, s->map_max_bytes >> 20);
	if (opts->readonly) {
		if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
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
	*out = s;
	s = NULL;
	rc = 0;
out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	store_close(s);
	return rc;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->env != NULL)
		mdb_env_close(s->env);
	free(s->agent_name);
	free(s->agent_desc);
	free(s);
}

/* ---- ingest -------------------------------------------------------------------------- */

/* One agent's record as a turn changes it. */
struct ingest_agent {
	const char *name;
	Peil__Store__AgentRecord *old;   /* as read; NULL when new */
	Peil__Store__AgentRecord rec;    /* working copy; strings borrowed from old or desc */
	Peil__Store__AgentRound round[MAX_AGENT_ROUNDS];   /* rec.rounds, sorted by id */
	Peil__Store__AgentRound *roundp[MAX_AGENT_ROUNDS];
	char desc[MAX_DESCRIPTION_LEN + 1];
	bool dirty;
};

/* A round that results of the turn carry, as read, and what the turn adds to it. */
struct ingest_round {
	uint64_t id;
	Peil__Store__RoundRecord *rec;   /* NULL: no such round */
	uint64_t cap;
	uint64_t stored, refused;
};

struct ingest_arg {
	struct store_touch *t;
	size_t nt;
	struct store_batch *b;
	size_t nb;
	int64_t now;
	struct ingest_agent *agents;     /* nt + nb slots */
	size_t nagents;
	struct ingest_round *rounds;     /* rounds looked up in this transaction */
	size_t nrounds, caprounds;
};

const char *
store_refusal_name(enum store_refusal r)
{
	switch (r) {
	case STORE_REFUSED_NOT_GIVEN:
		return "not given";
	case STORE_REFUSED_CLOSED:
		return "round closed";
	case STORE_REFUSED_DOMAIN:
		return "not a target";
	case STORE_REFUSED_CAP:
		return "over the cap";
	default:
		return "?";
	}
}

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

/* The rounds kept in the record (the newest MAX_AGENT_ROUNDS), copied so a turn can change
 * them. */
static void
ingest_agent_rounds(struct ingest_agent *ag)
{
	size_t n = ag->rec.n_rounds, skip = n > MAX_AGENT_ROUNDS ? n - MAX_AGENT_ROUNDS : 0, k = 0;

	for (size_t i = skip; i < n; i++) {
		const Peil__Store__AgentRound *r = ag->rec.rounds[i];

		if (r == NULL)
			continue;
		peil__store__agent_round__init(&ag->round[k]);
		ag->round[k].round_id = r->round_id;
		ag->round[k].results = r->results;
		k++;
	}
	for (size_t i = 0; i < MAX_AGENT_ROUNDS; i++)
		ag->roundp[i] = &ag->round[i];
	ag->rec.rounds = ag->roundp;
	ag->rec.n_rounds = k;
}

static int
ingest_agent_find(struct store *s, MDB_txn *txn, struct ingest_arg *a, const char *name,
    struct ingest_agent **out)
{
	struct ingest_agent *ag;
	ProtobufCMessage *m;
	int rc;

	for (size_t i = 0; i < a->nagents; i++) {
		if (strcmp(a->agents[i].name, name) == 0) {
			*out = &a->agents[i];
			return 0;
		}
	}
	ag = &a->agents[a->nagents];
	memset(ag, 0, sizeof(*ag));
	ag->name = name;
	rc = rec_get(s, txn, s->agents, name, strlen(name), &peil__store__agent_record__descriptor,
	    &m);
	if (rc == 0) {
		ag->old = (Peil__Store__AgentRecord *)m;
		ag->rec = *ag->old;
	} else if (rc == PEIL_ENOENT) {
		peil__store__agent_record__init(&ag->rec);
	} else {
		return rc;
	}
	ingest_agent_rounds(ag);
	a->nagents++;
	*out = ag;
	return 0;
}

static Peil__Store__AgentRound *
ingest_agent_round(struct ingest_agent *ag, uint64_t id)
{
	for (size_t i = 0; i < ag->rec.n_rounds; i++)
		if (ag->round[i].round_id == id)
			return &ag->round[i];
	return NULL;
}

/* Records round `id` as handed to the agent; the oldest kept goes when the list is full.
 * Returns whether the record changed. */
static bool
ingest_agent_give(struct ingest_agent *ag, uint64_t id)
{
	size_t n = ag->rec.n_rounds, at;

	if (id == 0 || ingest_agent_round(ag, id) != NULL)
		return false;
	for (at = n; at > 0 && ag->round[at - 1].round_id > id; at--)
		;
	if (n == MAX_AGENT_ROUNDS) {
		if (at == 0)
			return false;   /* older than every round kept */
		memmove(&ag->round[0], &ag->round[1], (at - 1) * sizeof(ag->round[0]));
		at--;
		n--;
	}
	memmove(&ag->round[at + 1], &ag->round[at], (n - at) * sizeof(ag->round[0]));
	peil__store__agent_round__init(&ag->round[at]);
	ag->round[at].round_id = id;
	ag->rec.n_rounds = n + 1;
	return true;
}

/* Copies at most MAX_DESCRIPTION_LEN bytes, not splitting a UTF-8 sequence. */
static void
description_copy(char *out, const char *in)
{
	size_t len = strlen(in);

	if (len > MAX_DESCRIPTION_LEN) {
		len = MAX_DESCRIPTION_LEN;
		while (len > 0 && ((unsigned char)in[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(out, in, len);
	out[len] = '\0';
	/* Printed in tables later: no control characters from the network. */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
}

/* A Hello or TaskRequest applied to the agent's working record. */
static void
ingest_touch(struct store_touch *t, struct ingest_agent *ag, int64_t now)
{
	Peil__Store__AgentRecord *rec = &ag->rec;
	char desc[MAX_DESCRIPTION_LEN + 1];
	bool changed = ag->old == NULL && !ag->dirty;

	t->conflict = false;
	/* One instance (spool) per name: two agents started from one key would otherwise ack
	 * each other's batches away. A silent instance is replaced after AGENT_TAKEOVER_S. */
	if (t->hello && t->instance != 0 && rec->instance != 0 && t->instance != rec->instance) {
		if (now - rec->last_seen < AGENT_TAKEOVER_S) {
			t->conflict = true;
			t->last_batch_seq = rec->last_batch_seq;
			return;
		}
		log_warn("agent '%s' now runs from another spool (instance %016llx, was %016llx, "
		    "silent for %lld s)", t->agent, (unsigned long long)t->instance,
		    (unsigned long long)rec->instance, (long long)(now - rec->last_seen));
	}
	if (t->hello && t->vantage != NULL) {
		description_copy(desc, t->vantage->description ? t->vantage->description : "");
		if (rec->ipv4 != t->vantage->ipv4 || rec->ipv6 != t->vantage->ipv6 ||
		    strcmp(rec->description, desc) != 0)
			changed = true;
		rec->ipv4 = t->vantage->ipv4;
		rec->ipv6 = t->vantage->ipv6;
		memcpy(ag->desc, desc, sizeof(desc));
		rec->description = ag->desc;
	}
	if (t->hello && t->instance != 0 && t->instance != rec->instance) {
		rec->instance = t->instance;
		changed = true;
	}
	/* The agent's oldest batch not yet acknowledged sets where its sequence goes on: the
	 * start for an agent never stored from, a loud jump over batches the store lost (a
	 * store restored from a backup; the agent deleted them when they were acknowledged).
	 * Compared without last + 1, which wraps to 0 at the top of the sequence. */
	if (t->hello && t->first_unacked > 0 && t->first_unacked - 1 > rec->last_batch_seq) {
		if (rec->last_batch_seq > 0)
			log_err("agent '%s' starts at batch %llu but the store holds only up to %llu: "
			    "batches in between were acknowledged and are lost from this store",
			    t->agent, (unsigned long long)t->first_unacked,
			    (unsigned long long)rec->last_batch_seq);
		rec->last_batch_seq = t->first_unacked - 1;
		changed = true;
	}
	if (t->round_done > rec->last_round_done) {
		rec->last_round_done = t->round_done;
		changed = true;
	}
	if (ingest_agent_give(ag, t->round_given))
		changed = true;
	if (rec->first_seen == 0)
		rec->first_seen = now;
	/* A hello or report that changes nothing is written at most once a minute. */
	if (changed || now - rec->last_seen >= AGENT_SEEN_WRITE_S) {
		rec->last_seen = now;
		ag->dirty = true;
	}
	t->last_batch_seq = rec->last_batch_seq;
}

static int
ingest_append(struct store *s, MDB_cursor *cur, Peil__Result *r, const char *agent,
    uint64_t seq)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v;
	char *saved = r->vantage;
	int mrc;

	be64_put(kb, seq);
	r->vantage = (char *)agent;
	v.mv_size = peil__result__get_packed_size(r);
	mrc = mdb_cursor_put(cur, &k, &v, MDB_APPEND | MDB_RESERVE);
	if (mrc == 0)
		peil__result__pack(r, v.mv_data);
	r->vantage = saved;
	return mrc != 0 ? store_mdb(s, mrc, "appending to the log") : 0;
}

static int
ingest_append_packed(struct store *s, MDB_cursor *cur, const struct store_packed *p,
    uint64_t seq)
{
	uint8_t kb[8];
	MDB_val k = { 8, kb }, v = { p->len, (void *)p->buf };
	int mrc;

	be64_put(kb, seq);
	mrc = mdb_cursor_put(cur, &k, &v, MDB_APPEND);
	return mrc != 0 ? store_mdb(s, mrc, "appending to the log") : 0;
}

/* The round `id` as this transaction sees it (looked up once). */
static int
ingest_round_get(struct store *s, MDB_txn *txn, struct ingest_arg *a, uint64_t id,
    struct ingest_round **out)
{
	struct ingest_round *r;
	ProtobufCMessage *m;
	uint8_t kb[8];
	int rc;

	for (size_t i = 0; i < a->nrounds; i++) {
		if (a->rounds[i].id == id) {
			*out = &a->rounds[i];
			return 0;
		}
	}
	if (a->nrounds == a->caprounds) {
		size_t cap = a->caprounds ? a->caprounds * 2 : 8;

		if ((r = realloc(a->rounds, cap * sizeof(*r))) == NULL)
			return PEIL_ENOMEM;
		a->rounds = r;
		a->caprounds = cap;
	}
	r = &a->rounds[a->nrounds];
	memset(r, 0, sizeof(*r));
	r->id = id;
	be64_put(kb, id);
	rc = rec_get(s, txn, s->rounds, kb, 8, &peil__store__round_record__descriptor, &m);
	if (rc != 0 && rc != PEIL_ENOENT)
		return rc;
	if (rc == 0) {
		r->rec = (Peil__Store__RoundRecord *)m;
		r->cap = store_round_cap(r->rec->targets, r->rec->tests);
	}
	a->nrounds++;
	*out = r;
	return 0;
}

/* Per batch: the last domain looked up in targets, and the answer. */
struct ingest_domain {
	const char *domain;
	bool target;
};

/* Decides whether result `r` of agent `ag` is taken: *why is -1, or a store_refusal. */
static int
ingest_check(struct store *s, MDB_txn *txn, struct ingest_arg *a, struct ingest_agent *ag,
    const Peil__Result *r, struct ingest_domain *dc, int *why)
{
	Peil__Store__AgentRound *given;
	struct ingest_round *round;
	size_t dlen;
	int rc, mrc;

	*why = -1;
	if ((given = ingest_agent_round(ag, r->round_id)) == NULL) {
		*why = STORE_REFUSED_NOT_GIVEN;
		return 0;
	}
	if ((rc = ingest_round_get(s, txn, a, r->round_id, &round)) != 0)
		return rc;
	if (round->rec == NULL ||
	    (round->rec->ended != 0 && a->now - round->rec->ended > s->round_grace_s)) {
		*why = STORE_REFUSED_CLOSED;
		goto refused;
	}
	/* The round's targets are the target list (a round is opened over all of it). Results
	 * of one domain come together: one look-up per run of them. */
	if (dc->domain == NULL || strcmp(dc->domain, r->domain) != 0) {
		dlen = r->domain != NULL ? strlen(r->domain) : 0;
		dc->domain = r->domain;
		dc->target = false;
		if (dlen > 0 && dlen <= MAX_DOMAIN_LEN) {
			MDB_val k = { dlen, r->domain }, v;

			mrc = mdb_get(txn, s->targets, &k, &v);
			if (mrc != 0 && mrc != MDB_NOTFOUND)
				return store_mdb(s, mrc, "reading targets");
			dc->target = mrc == 0;
		}
	}
	if (!dc->target) {
		*why = STORE_REFUSED_DOMAIN;
		goto refused;
	}
	if (given->results >= round->cap) {
		*why = STORE_REFUSED_CAP;
		goto refused;
	}
	given->results++;
	round->stored++;
	return 0;
refused:
	round->refused++;
	return 0;
}

/* Adds what this turn stored and refused to the round records. */
static int
ingest_rounds(struct store *s, MDB_txn *txn, struct ingest_arg *a)
{
	uint8_t kb[8];
	int rc;

	for (size_t i = 0; i < a->nrounds; i++) {
		struct ingest_round *r = &a->rounds[i];

		if (r->rec == NULL || (r->stored == 0 && r->refused == 0))
			continue;
		r->rec->results += r->stored;
		r->rec->refused += r->refused;
		be64_put(kb, r->id);
		if ((rc = rec_put(s, txn, s->rounds, kb, 8, &r->rec->base, 0)) != 0)
			return rc;
	}
	return 0;
}

static int
ingest_batch(struct store *s, MDB_txn *txn, struct ingest_arg *a, struct store_batch *b,
    MDB_cursor *cur, uint64_t *seq)
{
	struct ingest_agent *ag;
	struct ingest_domain dc = { NULL, false };
	uint64_t prev, stored = 0;
	int rc, why;

	memset(b->refused, 0, sizeof(b->refused));
	b->expected = 0;
	if ((rc = ingest_agent_find(s, txn, a, b->agent, &ag)) != 0)
		return rc;
	prev = ag->rec.last_batch_seq;
	if (b->instance != 0 && ag->rec.instance != 0 && b->instance != ag->rec.instance) {
		b->outcome = STORE_CONFLICT;
		return 0;
	}
	if (b->batch_seq <= prev) {
		b->outcome = STORE_DUPLICATE;
		return 0;
	}
	/* Strictly one after the other; where an agent starts is set by its Hello. */
	if (b->batch_seq != prev + 1) {
		b->outcome = STORE_GAP;
		b->expected = prev + 1;
		return 0;
	}
	for (size_t j = 0; j < b->n; j++) {
		if ((rc = ingest_check(s, txn, a, ag, b->results[j], &dc, &why)) != 0)
			return rc;
		if (why >= 0) {
			b->refused[why]++;
			ag->rec.refused++;
			continue;
		}
		if ((rc = b->packed != NULL ? ingest_append_packed(s, cur, &b->packed[j], *seq) :
		    ingest_append(s, cur, b->results[j], b->agent, *seq)) != 0)
			return rc;
		(*seq)++;
		stored++;
	}
	/* Acknowledged whatever was refused: a refused result is refused again when re-sent. */
	ag->rec.last_batch_seq = b->batch_seq;
	ag->rec.results += stored;
	if (ag->rec.first_seen == 0)
		ag->rec.first_seen = a->now;
	ag->rec.last_seen = a->now;
	ag->dirty = true;
	b->outcome = STORE_STORED;
	return 0;
}

static int
store_turn_op(struct store *s, MDB_txn *txn, void *argp)
{
	struct ingest_arg *a = argp;
	MDB_cursor *cur = NULL;
	uint64_t seq, seq0;
	int mrc, rc;

	a->nagents = 0;
	a->nrounds = 0;
	for (size_t i = 0; i < a->nt; i++) {
		struct ingest_agent *ag;

		if ((rc = ingest_agent_find(s, txn, a, a->t[i].agent, &ag)) != 0)
			goto out;
		ingest_touch(&a->t[i], ag, a->now);
	}
	if ((rc = meta_get(s, txn, META_NEXT_SEQ, 1, &seq)) != 0)
		goto out;
	seq0 = seq;
	if (a->nb > 0 && (mrc = mdb_cursor_open(txn, s->log, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on the log");
		goto out;
	}
	for (size_t i = 0; i < a->nb; i++)
		if ((rc = ingest_batch(s, txn, a, &a->b[i], cur, &seq)) != 0)
			goto out;
	if (cur != NULL)
		mdb_cursor_close(cur);
	cur = NULL;
	for (size_t i = 0; i < a->nagents; i++) {
		struct ingest_agent *ag = &a->agents[i];

		if (ag->dirty && (rc = rec_put(s, txn, s->agents, ag->name, strlen(ag->name),
		    &ag->rec.base, 0)) != 0)
			goto out;
	}
	if (seq != seq0 && (rc = meta_put(s, txn, META_NEXT_SEQ, seq)) != 0)
		goto out;
	rc = ingest_rounds(s, txn, a);
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	for (size_t i = 0; i < a->nagents; i++) {
		if (a->agents[i].old != NULL)
			peil__store__agent_record__free_unpacked(a->agents[i].old, NULL);
		a->agents[i].old = NULL;
	}
	for (size_t i = 0; i < a->nrounds; i++) {
		if (a->rounds[i].rec != NULL)
			peil__store__round_record__free_unpacked(a->rounds[i].rec, NULL);
		a->rounds[i].rec = NULL;
	}
	return rc;
}

static bool
agent_name_ok(const char *name)
{
	size_t len = name != NULL ? strlen(name) : 0;

	return len >= 1 && len <= MAX_AGENT_NAME_LEN;
}

int
store_turn(struct store *s, struct store_touch *t, size_t nt, struct store_batch *b,
    size_t nb, int64_t now)
{
	struct ingest_arg a;
	int rc;

	if (nb == 0 && nt == 0)
		return 0;
	for (size_t i = 0; i < nb; i++) {
		if (!agent_name_ok(b[i].agent)) {
			log_err("store: a batch without a valid agent name");
			return PEIL_EINVAL;
		}
	}
	for (size_t i = 0; i < nt; i++)
		if (!agent_name_ok(t[i].agent))
			return PEIL_EINVAL;
	memset(&a, 0, sizeof(a));
	a.t = t;
	a.nt = nt;
	a.b = b;
	a.nb = nb;
	a.now = now;
	if ((a.agents = calloc(nt + nb, sizeof(*a.agents))) == NULL)
		return PEIL_ENOMEM;
	rc = store_write(s, store_turn_op, &a, "storing results");
	free(a.agents);
	free(a.rounds);
	/* More dirty pages than one transaction holds: store the halves one after the other,
	 * which decides every batch as one transaction would have. */
	if (rc != 0 && s->mrc == MDB_TXN_FULL && nb > 1) {
		log_warn("store: %zu batches stored in two transactions", nb);
		if ((rc = store_turn(s, t, nt, b, nb / 2, now)) == 0)
			rc = store_turn(s, NULL, 0, b + nb / 2, nb - nb / 2, now);
	}
	return rc;
}

int
store_ingest(struct store *s, struct store_batch *b, size_t nb, int64_t now)
{
	return store_turn(s, NULL, 0, b, nb, now);
}

/* ---- agents -------------------------------------------------------------------------- */

int
store_agent_hello(struct store *s, const char *agent, const Peil__Vantage *v,
    uint64_t instance, uint64_t first_unacked, int64_t now)
{
	struct store_touch t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.agent = agent;
	t.hello = true;
	t.vantage = v;
	t.instance = instance;
	t.first_unacked = first_unacked;
	if ((rc = store_turn(s, &t, 1, NULL, 0, now)) != 0)
		return rc;
	return t.conflict ? PEIL_EEXIST : 0;
}

int
store_agent_round_done(struct store *s, const char *agent, uint64_t round_id, int64_t now)
{
	struct store_touch t;

	memset(&t, 0, sizeof(t));
	t.agent = agent;
	t.round_done = round_id;
	return store_turn(s, &t, 1, NULL, 0, now);
}

int
store_agent_round_given(struct store *s, const char *agent, uint64_t round_id, int64_t now)
{
	struct store_touch t;

	memset(&t, 0, sizeof(t));
	t.agent = agent;
	t.round_given = round_id;
	return store_turn(s, &t, 1, NULL, 0, now);
}

static void
agent_fill(struct store_agent *out, const char *name, const Peil__Store__AgentRecord *r)
{
	out->name = name;
	out->last_batch_seq = r->last_batch_seq;
	out->results = r->results;
	out->first_seen = r->first_seen;
	out->last_seen = r->last_seen;
	out->ipv4 = r->ipv4;
	out->ipv6 = r->ipv6;
	out->description = r->description;
	out->last_round_done = r->last_round_done;
	out->refused = r->refused;
}

int
store_agent_get(struct store *s, const char *agent, struct store_agent *out)
{
	MDB_txn *txn = NULL;
	ProtobufCMessage *m = NULL;
	Peil__Store__AgentRecord *r;
	int rc;

	free(s->agent_name);
	free(s->agent_desc);
	s->agent_name = s->agent_desc = NULL;
	if (!agent_name_ok(agent))
		return PEIL_ENOENT;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
		goto out;
	if ((rc = rec_get(s, txn, s->agents, agent, strlen(agent),
	    &peil__store__agent_record__descriptor, &m)) != 0)
		goto out;
	r = (Peil__Store__AgentRecord *)m;
	if ((s->agent_name = strdup(agent)) == NULL ||
	    (s->agent_desc = strdup(r->description)) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	agent_fill(out, s->agent_name, r);
	out->description = s->agent_desc;
	rc = 0;
out:
	if (m != NULL)
		protobuf_c_message_free_unpacked(m, NULL);
	if (txn != NULL)
		mdb_txn_abort(txn);
	return rc;
}

int
store_agents_each(struct store *s, int (*cb)(const struct store_agent *a, void *arg), void *arg)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	char name[MAX_AGENT_NAME_LEN + 1];
	int mrc, rc;

	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, s->agents, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on agents");
		goto out;
	}
	rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Peil__Store__AgentRecord *r;
		struct store_agent a;

		if (k.mv_size == 0 || k.mv_size > MAX_AGENT_NAME_LEN ||
		    (r = peil__store__agent_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
			log_err("store: an agent record does not decode");
			rc = PEIL_ESTORE;
			goto out;
		}
		memcpy(name, k.mv_data, k.mv_size);
		name[k.mv_size] = '\0';
		agent_fill(&a, name, r);
		rc = cb(&a, arg);
		peil__store__agent_record__free_unpacked(r, NULL);
	}
	if (rc == 0 && mrc != MDB_NOTFOUND)
		rc = store_mdb(s, mrc, "reading agents");
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

/* ---- targets ------------------------------------------------------------------------- */

struct csv_row {
	char *org;
	char *domain;
	int publish;             /* 1, 0, or -1 when the row does not say */
	size_t line;
};

struct import_arg {
	struct csv_row *rows;    /* sorted by organisation, then domain; domains unique */
	size_t n;
};

/* Lower-cases `in` into out, strips one trailing dot and checks LDH labels of 1..63
 * characters and the total length. Returns NULL or the reason it is not a domain. */
static const char *
domain_normalize(const char *in, char out[MAX_DOMAIN_LEN + 1])
{
	size_t len = strlen(in), label = 0;
	bool digits = true;

	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0)
		return "empty domain";
	if (len > MAX_DOMAIN_LEN)
		return "domain longer than 253 characters";
	for (size_t i = 0; i < len; i++) {
		char c = in[i];

		if (c == '.') {
			if (label == 0)
				return "empty label in the domain";
			if (out[i - 1] == '-')
				return "a label of the domain ends with a hyphen";
			out[i] = '.';
			label = 0;
			digits = true;
			continue;
		}
		if (label == 63)
			return "a label of the domain is longer than 63 characters";
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '-') {
			if (label == 0)
				return "a label of the domain starts with a hyphen";
		} else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			return "the domain has a character other than letters, digits, hyphens and dots";
		}
		if (c < '0' || c > '9')
			digits = false;
		out[i] = c;
		label++;
	}
	if (out[len - 1] == '-')
		return "a label of the domain ends with a hyphen";
	if (digits)
		return "not a domain name (the last label is all digits)";
	out[len] = '\0';
	return NULL;
}

/* Splits a line in place into at most CSV_FIELDS fields. RFC 4180 quoting: a field in
 * double quotes may hold commas, and "" stands for one quote. Spaces around fields are
 * dropped. Returns NULL or the reason the line does not parse. */
static const char *
csv_split(char *line, char *f[CSV_FIELDS], size_t *nf)
{
	char *p = line;

	*nf = 0;
	for (;;) {
		char *start, *w, c;

		if (*nf == CSV_FIELDS)
			return "more than three columns";
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"') {
			start = w = ++p;
			for (;;) {
				if (*p == '\0')
					return "a quoted field is not closed";
				if (*p == '"') {
					if (p[1] != '"')
						break;
					p++;
				}
				*w++ = *p++;
			}
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p != ',' && *p != '\0')
				return "text after the closing quote of a field";
		} else {
			start = p;
			while (*p != ',' && *p != '\0') {
				if (*p == '"')
					return "a quote inside an unquoted field";
				p++;
			}
			w = p;
			while (w > start && (w[-1] == ' ' || w[-1] == '\t'))
				w--;
		}
		f[(*nf)++] = start;
		c = *p;
		*w = '\0';
		if (c == '\0')
			return NULL;
		p++;
	}
}

/* Reads one line without its newline into buf (room for cap bytes and a NUL). Returns 1 for
 * a line, 0 at the end of the file, or an error: PEIL_ETOOBIG, PEIL_EINVAL (a NUL byte),
 * PEIL_EIO. */
static int
csv_read_line(FILE *f, char *buf, size_t cap, size_t *len)
{
	int c;
	size_t n = 0;
	bool any = false;

	while ((c = getc(f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (c == '\0')
			return PEIL_EINVAL;
		if (n == cap)
			return PEIL_ETOOBIG;
		buf[n++] = (char)c;
	}
	if (ferror(f))
		return PEIL_EIO;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return any ? 1 : 0;
}

static const char *
csv_publish(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "1" }, *const no[] = { "no", "false", "0" };

	*out = -1;
	if (*s == '\0')
		return NULL;
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return NULL;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return NULL;
		}
	}
	return "publish must be yes, no, true, false, 1 or 0";
}

static const char *
org_check(const char *org)
{
	size_t len = strlen(org);

	if (len == 0)
		return "empty organisation";
	if (len > MAX_ORG_NAME_LEN)
		return "organisation name longer than 256 bytes";
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)org[i] < 0x20 || org[i] == 0x7f)
			return "a control character in the organisation name";
	return NULL;
}

static int
row_cmp_domain(const void *x, const void *y)
{
	const struct csv_row *a = x, *b = y;
	int c = strcmp(a->domain, b->domain);

	if (c != 0)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int
row_cmp_org(const void *x, const void *y)
{
	const struct csv_row *a = x, *b = y;
	int c = strcmp(a->org, b->org);

	if (c != 0)
		return c;
	if ((c = strcmp(a->domain, b->domain)) != 0)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

static void
rows_free(struct csv_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].org);
		free(rows[i].domain);
	}
	free(rows);
}

/* Parses the whole file into rows. On failure *reason and *line say why and where. */
static int
csv_parse(FILE *f, struct csv_row **rowsp, size_t *np, char *reason, size_t rlen, size_t *line)
{
	char *buf = NULL;
	struct csv_row *rows = NULL;
	size_t n = 0, cap = 0, len;
	bool header_possible = true;
	int rc, got;

	*line = 0;
	if ((buf = malloc(MAX_CSV_LINE + 1)) == NULL)
		return PEIL_ENOMEM;
	for (;;) {
		char *p, *fields[CSV_FIELDS], dom[MAX_DOMAIN_LEN + 1];
		const char *why;
		size_t nf;
		int publish;

		(*line)++;
		if ((got = csv_read_line(f, buf, MAX_CSV_LINE, &len)) <= 0) {
			rc = got;
			if (got == PEIL_ETOOBIG)
				snprintf(reason, rlen, "line longer than %d bytes", MAX_CSV_LINE);
			else if (got == PEIL_EINVAL)
				snprintf(reason, rlen, "a NUL byte");
			else if (got == PEIL_EIO)
				snprintf(reason, rlen, "read error: %s", strerror(errno));
			if (got == 0)
				(*line)--;
			goto out;
		}
		p = buf;
		if (*line == 1 && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;   /* a UTF-8 byte order mark */
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if ((why = csv_split(p, fields, &nf)) != NULL) {
			snprintf(reason, rlen, "%s", why);
			rc = PEIL_EINVAL;
			goto out;
		}
		if (header_possible) {
			header_possible = false;
			if (nf >= 2 && (strcasecmp(fields[0], "organisation") == 0 ||
			    strcasecmp(fields[0], "organization") == 0) &&
			    strcasecmp(fields[1], "domain") == 0)
				continue;
		}
		if (nf < 2) {
			snprintf(reason, rlen, "expected organisation,domain[,publish]");
			rc = PEIL_EINVAL;
			goto out;
		}
		if ((why = org_check(fields[0])) != NULL ||
		    (why = domain_normalize(fields[1], dom)) != NULL ||
		    (why = csv_publish(nf > 2 ? fields[2] : "", &publish)) != NULL) {
			snprintf(reason, rlen, "%s", why);
			rc = PEIL_EINVAL;
			goto out;
		}
		if (n == MAX_TARGETS_PER_ROUND) {
			snprintf(reason, rlen, "more than %d domains", MAX_TARGETS_PER_ROUND);
			rc = PEIL_ETOOBIG;
			goto out;
		}
		if (n == cap) {
			struct csv_row *nr;

			cap = cap ? cap * 2 : 64;
			if ((nr = realloc(rows, cap * sizeof(*nr))) == NULL) {
				rc = PEIL_ENOMEM;
				goto out;
			}
			rows = nr;
		}
		rows[n].line = *line;
		rows[n].publish = publish;
		rows[n].domain = NULL;
		if ((rows[n].org = strdup(fields[0])) == NULL ||
		    (rows[n].domain = strdup(dom)) == NULL) {
			free(rows[n].org);
			rc = PEIL_ENOMEM;
			goto out;
		}
		n++;
	}
out:
	free(buf);
	if (rc != 0) {
		if (rc == PEIL_ENOMEM)
			snprintf(reason, rlen, "out of memory");
		rows_free(rows, n);
		return rc;
	}
	*rowsp = rows;
	*np = n;
	return 0;
}

/* Checks what needs the whole file: a domain under two organisations, publish said two
 * ways for one organisation. Leaves the rows sorted by organisation and domain, duplicates
 * removed, and each row's publish the organisation's. */
static int
csv_check(struct csv_row *rows, size_t *np, char *reason, size_t rlen, size_t *line)
{
	size_t n = *np, w = 0;

	if (n > 1)
		qsort(rows, n, sizeof(*rows), row_cmp_domain);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(rows[i].domain, rows[i - 1].domain) == 0 &&
		    strcmp(rows[i].org, rows[i - 1].org) != 0) {
			*line = rows[i].line;
			snprintf(reason, rlen, "%s is listed for two organisations (also line %zu)",
			    rows[i].domain, rows[i - 1].line);
			return PEIL_EINVAL;
		}
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), row_cmp_org);
	for (size_t i = 0; i < n;) {
		size_t j, said = 0;
		int publish = -1;

		for (j = i; j < n && strcmp(rows[j].org, rows[i].org) == 0; j++) {
			if (rows[j].publish < 0)
				continue;
			if (publish >= 0 && rows[j].publish != publish) {
				*line = rows[j].line;
				snprintf(reason, rlen, "publish for this organisation differs from "
				    "line %zu", said);
				return PEIL_EINVAL;
			}
			publish = rows[j].publish;
			said = rows[j].line;
		}
		for (size_t k = i; k < j; k++)
			rows[k].publish = publish > 0;
		i = j;
	}
	/* Drop repeated rows: same organisation and domain. */
	for (size_t i = 0; i < n; i++) {
		if (w > 0 && strcmp(rows[i].domain, rows[w - 1].domain) == 0 &&
		    strcmp(rows[i].org, rows[w - 1].org) == 0) {
			free(rows[i].org);
			free(rows[i].domain);
			continue;
		}
		rows[w++] = rows[i];
	}
	*np = w;
	return 0;
}

static int
strp_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Takes `domain` out of organisation `org`; the organisation goes when it has none left. */
static int
org_remove_domain(struct store *s, MDB_txn *txn, const char *org, const char *domain)
{
	ProtobufCMessage *m;
	Peil__Store__OrgRecord *o, rec;
	char **keep = NULL;
	size_t n = 0;
	int rc, mrc;

	rc = rec_get(s, txn, s->orgs, org, strlen(org), &peil__store__org_record__descriptor, &m);
	if (rc == PEIL_ENOENT)
		return 0;
	if (rc != 0)
		return rc;
	o = (Peil__Store__OrgRecord *)m;
	if ((keep = calloc(o->n_domains + 1, sizeof(*keep))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < o->n_domains; i++)
		if (strcmp(o->domains[i], domain) != 0)
			keep[n++] = o->domains[i];
	if (n == 0) {
		MDB_val k = { strlen(org), (void *)org };

		mrc = mdb_del(txn, s->orgs, &k, NULL);
		rc = store_mdb(s, mrc, "deleting an organisation");
		goto out;
	}
	rec = *o;
	rec.domains = keep;
	rec.n_domains = n;
	rc = rec_put(s, txn, s->orgs, org, strlen(org), &rec.base, 0);
out:
	free(keep);
	peil__store__org_record__free_unpacked(o, NULL);
	return rc;
}

/* Writes organisation rows[i..j): its publish flag and its domains merged with those it has. */
static int
org_merge(struct store *s, MDB_txn *txn, const struct csv_row *rows, size_t i, size_t j)
{
	const char *org = rows[i].org;
	Peil__Store__OrgRecord *o = NULL, rec = PEIL__STORE__ORG_RECORD__INIT;
	ProtobufCMessage *m;
	char **all = NULL;
	size_t n = 0, had = 0, w = 0;
	int rc;

	rc = rec_get(s, txn, s->orgs, org, strlen(org), &peil__store__org_record__descriptor, &m);
	if (rc == 0) {
		o = (Peil__Store__OrgRecord *)m;
		had = o->n_domains;
	} else if (rc != PEIL_ENOENT) {
		return rc;
	}
	if ((all = calloc(had + (j - i), sizeof(*all))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < had; k++)
		all[n++] = o->domains[k];
	for (size_t k = i; k < j; k++)
		all[n++] = rows[k].domain;
	qsort(all, n, sizeof(*all), strp_cmp);
	for (size_t k = 0; k < n; k++)
		if (w == 0 || strcmp(all[k], all[w - 1]) != 0)
			all[w++] = all[k];
	rec.publish = rows[i].publish;
	rec.domains = all;
	rec.n_domains = w;
	rc = rec_put(s, txn, s->orgs, org, strlen(org), &rec.base, 0);
out:
	free(all);
	if (o != NULL)
		peil__store__org_record__free_unpacked(o, NULL);
	return rc;
}

static int
import_op(struct store *s, MDB_txn *txn, void *argp)
{
	struct import_arg *a = argp;
	int rc;

	/* Domains that move: out of their old organisation first. */
	for (size_t i = 0; i < a->n; i++) {
		const struct csv_row *r = &a->rows[i];
		ProtobufCMessage *m;
		Peil__Store__TargetRecord *t;

		rc = rec_get(s, txn, s->targets, r->domain, strlen(r->domain),
		    &peil__store__target_record__descriptor, &m);
		if (rc == PEIL_ENOENT)
			continue;
		if (rc != 0)
			return rc;
		t = (Peil__Store__TargetRecord *)m;
		rc = strcmp(t->organisation, r->org) != 0 ?
		    org_remove_domain(s, txn, t->organisation, r->domain) : 0;
		peil__store__target_record__free_unpacked(t, NULL);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < a->n;) {
		size_t j = i;

		while (j < a->n && strcmp(a->rows[j].org, a->rows[i].org) == 0)
			j++;
		if ((rc = org_merge(s, txn, a->rows, i, j)) != 0)
			return rc;
		i = j;
	}
	for (size_t i = 0; i < a->n; i++) {
		Peil__Store__TargetRecord t = PEIL__STORE__TARGET_RECORD__INIT;

		t.organisation = a->rows[i].org;
		if ((rc = rec_put(s, txn, s->targets, a->rows[i].domain, strlen(a->rows[i].domain),
		    &t.base, 0)) != 0)
			return rc;
	}
	return 0;
}

int
store_targets_import(struct store *s, const char *csv_path, size_t *count,
    char *err, size_t errlen)
{
	struct import_arg a = { NULL, 0 };
	FILE *f = NULL;
	char reason[512];
	size_t line = 0;
	int rc;

	*count = 0;
	if (s->readonly) {
		snprintf(err, errlen, "%s: the store is open read-only", csv_path);
		return PEIL_EINVAL;
	}
	if ((f = fopen(csv_path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", csv_path, strerror(errno));
		return PEIL_EIO;
	}
	if ((rc = csv_parse(f, &a.rows, &a.n, reason, sizeof(reason), &line)) != 0 ||
	    (rc = csv_check(a.rows, &a.n, reason, sizeof(reason), &line)) != 0) {
		snprintf(err, errlen, "%s:%zu: %s", csv_path, line, reason);
		goto out;
	}
	if ((rc = store_write(s, import_op, &a, "importing targets")) != 0) {
		snprintf(err, errlen, "%s: not imported: %s", csv_path, peil_strerror(rc));
		goto out;
	}
	*count = a.n;
	rc = 0;
out:
	rows_free(a.rows, a.n);
	fclose(f);
	return rc;
}

int
store_targets_check(const uint8_t *buf, size_t len, size_t *count, char *err, size_t errlen)
{
	struct csv_row *rows = NULL;
	char reason[512];
	size_t n = 0, line = 0;
	FILE *f;
	int rc;

	*count = 0;
	/* fmemopen of a zero-length buffer fails on some libcs: an empty file is "" here. */
	if ((f = fmemopen(len > 0 ? (void *)buf : (void *)"", len, "r")) == NULL) {
		snprintf(err, errlen, "cannot read the buffer: %s", strerror(errno));
		return PEIL_EIO;
	}
	if ((rc = csv_parse(f, &rows, &n, reason, sizeof(reason), &line)) != 0 ||
	    (rc = csv_check(rows, &n, reason, sizeof(reason), &line)) != 0)
		snprintf(err, errlen, "line %zu: %s", line, reason);
	else
		*count = n;
	rows_free(rows, n);
	fclose(f);
	return rc;
}

int
store_targets_each(struct store *s, int (*cb)(const struct store_target *t, void *arg),
    void *arg)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	char org[MAX_ORG_NAME_LEN + 1];
	int mrc, rc;

	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, s->orgs, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on orgs");
		goto out;
	}
	rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		Peil__Store__OrgRecord *o;

		if (k.mv_size == 0 || k.mv_size > MAX_ORG_NAME_LEN ||
		    (o = peil__store__org_record__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
			log_err("store: an organisation record does not decode");
			rc = PEIL_ESTORE;
			goto out;
		}
		memcpy(org, k.mv_data, k.mv_size);
		org[k.mv_size] = '\0';
		for (size_t i = 0; i < o->n_domains && rc == 0; i++) {
			struct store_target t = { org, o->domains[i], o->publish };

			rc = cb(&t, arg);
		}
		peil__store__org_record__free_unpacked(o, NULL);
	}
	if (rc == 0 && mrc != MDB_NOTFOUND)
		rc = store_mdb(s, mrc, "reading orgs");
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

int
store_targets_domains(struct store *s, char ***domains, size_t *n)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_stat st;
	MDB_val k, v;
	char **out = NULL;
	size_t got = 0;
	int mrc, rc;

	*domains = NULL;
	*n = 0;
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_stat(txn, s->targets, &st)) != 0 ||
	    (mrc = mdb_cursor_open(txn, s->targets, &cur)) != 0) {
		rc = store_mdb(s, mrc, "reading targets");
		goto out;
	}
	if (st.ms_entries > 0 && (out = calloc(st.ms_entries, sizeof(*out))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && got < st.ms_entries;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if ((out[got] = strndup(k.mv_data, k.mv_size)) == NULL) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		got++;
	}
	if (mrc != 0 && mrc != MDB_NOTFOUND) {
		rc = store_mdb(s, mrc, "reading targets");
		goto out;
	}
	*domains = out;
	*n = got;
	out = NULL;
	rc = 0;
out:
	store_strv_free(out, got);
	if (cur != NULL)
		mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

void
store_strv_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- rounds -------------------------------------------------------------------------- */

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

	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
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
		if ((rc = rec_put(s, txn, s->rounds, kb, 8, &last->base, 0)) != 0)
			goto out;
	}
	rec.id = last != NULL ? last->id + 1 : 1;
	rec.started = a->now;
	rec.targets = a->targets;
	rec.tests = a->tests;
	be64_put(kb, rec.id);
	if ((rc = rec_put(s, txn, s->rounds, kb, 8, &rec.base, MDB_APPEND)) != 0)
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
	if ((rc = rec_get(s, txn, s->rounds, kb, 8, &peil__store__round_record__descriptor,
	    &m)) != 0)
		return rc;
	r = (Peil__Store__RoundRecord *)m;
	if (r->ended == 0) {
		r->ended = a->now;
		rc = rec_put(s, txn, s->rounds, kb, 8, m, 0);
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

	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
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

/* ---- reading and indexing ------------------------------------------------------------ */

int
store_stats(struct store *s, struct store_stats *out)
{
	MDB_txn *txn;
	MDB_stat st;
	uint64_t indexed;
	int mrc, rc;

	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_stat(txn, s->log, &st)) != 0) {
		rc = store_mdb(s, mrc, "reading log statistics");
		goto out;
	}
	if ((rc = meta_get(s, txn, META_INDEXED, 0, &indexed)) != 0)
		goto out;
	out->results = st.ms_entries;
	out->indexed = indexed;
	store_refresh_mapsize(s);
	out->map_bytes = s->map_bytes;
out:
	mdb_txn_abort(txn);
	return rc;
}

/* The results the indexes take: the key parts within their limits. Show skips the others
 * in the unindexed tail too, so that it answers the same before and after indexing. */
static bool
result_indexable(const Peil__Result *r)
{
	size_t d = strlen(r->domain), t = strlen(r->test_id), v = strlen(r->vantage);

	return d >= 1 && d <= MAX_DOMAIN_LEN && t >= 1 && t <= MAX_TEST_ID_LEN &&
	    v >= 1 && v <= MAX_AGENT_NAME_LEN;
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

static size_t
key_latest(uint8_t *out, const Peil__Result *r)
{
	size_t d = strlen(r->domain);

	memcpy(out, r->domain, d);
	out[d] = '\0';
	return key_tail(out, d + 1, r);
}

static size_t
key_round(uint8_t *out, const Peil__Result *r)
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
};

/* Keys of one chunk: bytes in one buffer, sorted through the array. */
struct index_set {
	uint8_t *buf;
	size_t used, cap;
	struct index_key *k;
	size_t n, capk;
};

static int
index_set_add(struct index_set *x, const uint8_t *key, size_t len, uint64_t seq)
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

/* LMDB's default order: bytes, then the shorter first. */
static int
key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
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
	int c = key_cmp(a->key, a->len, b->key, b->len);

	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sorts the keys and puts the highest seq of each; appends where past the last key. */
static int
index_insert(struct store *s, MDB_txn *txn, MDB_dbi dbi, struct index_set *x)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint8_t last[STORE_MAX_KEY], vb[8];
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
		if (i + 1 < x->n && key_cmp(e->key, e->len, x->k[i + 1].key, x->k[i + 1].len) == 0)
			continue;
		if (!have_last || key_cmp(e->key, e->len, last, lastlen) > 0)
			flags = MDB_APPEND;
		k.mv_size = e->len;
		k.mv_data = (void *)e->key;
		be64_put(vb, e->seq);
		v.mv_size = 8;
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
	if ((rc = meta_get(s, txn, META_INDEXED, 0, &pos)) != 0)
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
		if (result_indexable(r)) {
			rc = index_set_add(&lat, key, key_latest(key, r), seq);
			if (rc == 0 && r->round_id != 0)
				rc = index_set_add(&rnd, key, key_round(key, r), seq);
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
	if ((rc = index_insert(s, txn, s->latest, &lat)) != 0 ||
	    (rc = index_insert(s, txn, s->rindex, &rnd)) != 0 ||
	    (rc = meta_put(s, txn, META_INDEXED, seq)) != 0)
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

/* One (test, vantage) of the domain shown: "test_id \0 vantage" and the seq found. */
struct show_cand {
	char *tv;
	size_t len;
	uint64_t seq;
};

struct show_set {
	struct show_cand *c;
	size_t n, cap;
};

static int
show_add(struct show_set *x, const void *tv, size_t len, uint64_t seq)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		struct show_cand *nc;

		if ((nc = realloc(x->c, cap * sizeof(*nc))) == NULL)
			return PEIL_ENOMEM;
		x->c = nc;
		x->cap = cap;
	}
	if ((x->c[x->n].tv = malloc(len ? len : 1)) == NULL)
		return PEIL_ENOMEM;
	memcpy(x->c[x->n].tv, tv, len);
	x->c[x->n].len = len;
	x->c[x->n].seq = seq;
	x->n++;
	return 0;
}

/* Test id, then vantage (the \0 between them orders as strcmp does), then newest first. */
static int
show_cmp(const void *x, const void *y)
{
	const struct show_cand *a = x, *b = y;
	int c = key_cmp((const uint8_t *)a->tv, a->len, (const uint8_t *)b->tv, b->len);

	if (c != 0)
		return c;
	return a->seq > b->seq ? -1 : a->seq < b->seq;
}

/* The index's entries for the domain: keys that start with "domain \0". */
static int
show_from_index(struct store *s, MDB_txn *txn, const char *domain, size_t dlen,
    struct show_set *x)
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
		if ((rc = show_add(x, (const uint8_t *)k.mv_data + dlen + 1, k.mv_size - dlen - 1,
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
    struct show_set *x)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint8_t kb[8], key[STORE_MAX_KEY];
	uint64_t pos;
	int mrc, rc;

	if ((rc = meta_get(s, txn, META_INDEXED, 0, &pos)) != 0)
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
		if (result_indexable(r) && strcmp(r->domain, domain) == 0) {
			size_t len = key_latest(key, r);

			rc = show_add(x, key + dlen + 1, len - dlen - 1, be64_get(k.mv_data));
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
	struct show_set x = { NULL, 0, 0 };
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
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((rc = show_from_index(s, txn, dom, dlen, &x)) != 0 ||
	    (rc = show_from_tail(s, txn, dom, dlen, &x)) != 0)
		goto out;
	if (x.n > 1)
		qsort(x.c, x.n, sizeof(*x.c), show_cmp);
	for (size_t i = 0; i < x.n; i++) {
		uint8_t kb[8];
		MDB_val k = { 8, kb }, v;
		Peil__Result *r;
		int mrc;

		if (i > 0 && key_cmp((uint8_t *)x.c[i].tv, x.c[i].len, (uint8_t *)x.c[i - 1].tv,
		    x.c[i - 1].len) == 0)
			continue;
		be64_put(kb, x.c[i].seq);
		if ((mrc = mdb_get(txn, s->log, &k, &v)) != 0) {
			rc = store_mdb(s, mrc == MDB_NOTFOUND ? MDB_CORRUPTED : mrc,
			    "an indexed result is not in the log");
			goto out;
		}
		if ((r = peil__result__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
			log_err("store: log entry %llu does not decode",
			    (unsigned long long)x.c[i].seq);
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
	for (size_t i = 0; i < x.n; i++)
		free(x.c[i].tv);
	free(x.c);
	mdb_txn_abort(txn);
	return rc;
}

int
store_export(struct store *s, int (*cb)(const Peil__Result *r, void *arg), void *arg)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	uint8_t kb[8];
	uint64_t next = 1, end;
	int mrc, rc;

	/* The log as it is now; later entries are left for the next export. */
	if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
		return rc;
	if ((mrc = mdb_cursor_open(txn, s->log, &cur)) != 0) {
		rc = store_mdb(s, mrc, "opening a cursor on the log");
		goto out;
	}
	if ((mrc = mdb_cursor_get(cur, &k, &v, MDB_LAST)) != 0) {
		rc = mrc == MDB_NOTFOUND ? 0 : store_mdb(s, mrc, "reading the log");
		goto out;
	}
	end = k.mv_size == 8 ? be64_get(k.mv_data) : 0;
	/* Short read transactions: a long export must not hold the writer's pages. */
	while (next <= end) {
		size_t n = 0;

		if (txn == NULL) {
			if ((rc = store_txn_begin(s, MDB_RDONLY, &txn)) != 0)
				goto out;
			if ((mrc = mdb_cursor_open(txn, s->log, &cur)) != 0) {
				rc = store_mdb(s, mrc, "opening a cursor on the log");
				goto out;
			}
		}
		be64_put(kb, next);
		k.mv_size = 8;
		k.mv_data = kb;
		for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		    mrc == 0 && n < STORE_EXPORT_RENEW;
		    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT), n++) {
			Peil__Result *r;
			uint64_t seq;

			if (k.mv_size != 8 || (seq = be64_get(k.mv_data)) > end) {
				next = end + 1;
				break;
			}
			next = seq + 1;
			if ((r = peil__result__unpack(NULL, v.mv_size, v.mv_data)) == NULL) {
				log_err("store: log entry %llu does not decode; not exported",
				    (unsigned long long)seq);
				continue;
			}
			rc = cb(r, arg);
			peil__result__free_unpacked(r, NULL);
			if (rc != 0)
				goto out;
		}
		if (mrc == MDB_NOTFOUND)
			break;
		if (mrc != 0) {
			rc = store_mdb(s, mrc, "reading the log");
			goto out;
		}
		mdb_cursor_close(cur);
		cur = NULL;
		mdb_txn_abort(txn);
		txn = NULL;
	}
	rc = 0;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		mdb_txn_abort(txn);
	return rc;
}
