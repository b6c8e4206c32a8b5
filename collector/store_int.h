/* store_int.h: what the store's files share and nothing outside the store sees: the struct,
 * the LMDB plumbing of store.c, the keys of meta, and the index key format of store_index.c.
 * Every function here reports LMDB errors through store_mdb (logged, translated to PEIL_E*). */
#ifndef PEIL_STORE_INT_H
#define PEIL_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "lmdb.h"
#include "store.h"
#include "store.pb-c.h"

#define STORE_MAX_KEY       511    /* LMDB's default largest key */

/* Keys of the meta database, each a be64 value. */
#define META_SCHEMA   "schema_version"
#define META_NEXT_SEQ "next_seq"      /* the next log seq */
#define META_INDEXED  "indexed"       /* the last log seq the indexes cover */
#define META_CREATED  "created"       /* unix seconds the store was made (schema 2) */

struct store {
	struct lmdb_map lm;      /* the environment, its map size and ceiling, the last error */
	MDB_dbi log, agents, orgs, targets, rounds, meta, latest, rindex;
	int64_t ceiling_logged;  /* when reaching the ceiling was last logged */
	int64_t round_grace_s;   /* a closed round's results are taken this long after */
	bool readonly;
	const char *dir;         /* while opening: the directory, for messages */
	uint64_t upgraded_from;  /* while opening: the schema version found, when older */
	char *agent_name;        /* strings of the last store_agent_get */
	char *agent_desc;
};

/* store.c: the LMDB plumbing (read transactions: lmdb_txn_begin(&s->lm, ...)). */
/* Every LMDB error of the store passes here: lmdb_check on s->lm. */
int store_mdb(struct store *s, int mrc, const char *what);
/* lmdb_write on the store: `op` runs in a write transaction, replayed from scratch after the
 * map grew. PEIL_ETOOBIG at the map's ceiling (nothing written; logged once a minute);
 * PEIL_EINVAL on a read-only store. */
int store_write(struct store *s, int (*op)(struct store *, MDB_txn *, void *), void *arg,
    const char *what);
/* A be64 value of meta (dflt when absent); PEIL_ESTORE when it is not 8 bytes. */
int store_meta_get(struct store *s, MDB_txn *txn, const char *key, uint64_t dflt,
    uint64_t *out);
int store_meta_put(struct store *s, MDB_txn *txn, const char *key, uint64_t val);
/* Reads and decodes the record under `key`: 0, PEIL_ENOENT, or PEIL_ESTORE when it does not
 * decode. *out is freed with protobuf_c_message_free_unpacked. */
int store_rec_get(struct store *s, MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
    const ProtobufCMessageDescriptor *d, ProtobufCMessage **out);
/* Packs `m` under `key` (mdb_put flags, MDB_RESERVE added). */
int store_rec_put(struct store *s, MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen,
    const ProtobufCMessage *m, unsigned flags);

/* store_backup.c: a compacted copy of `env` in `dest`, made in dest.tmp and renamed into
 * place; `dest` must not exist or be empty. 0, or an error with a reason naming the path
 * and what to do in err. */
int store_copy(MDB_env *env, const char *dest, char *err, size_t errlen);

/* store_agents.c: an agent's name is 1 to MAX_AGENT_NAME_LEN bytes. */
bool store_agent_name_ok(const char *name);

/* store_index.c: the index key format, which store_query.c's show reads too. */
/* Whether the indexes take `r` (its key parts within their limits). */
bool store_indexable(const Peil__Result *r);
/* Writes the latest index's key of `r` (domain \0 test_id \0 vantage) into out (room for
 * STORE_MAX_KEY bytes); returns its length. */
size_t store_key_latest(uint8_t *out, const Peil__Result *r);
/* Writes the per-round index's key of `r` (round_be64 domain \0 test_id \0 vantage) into
 * out (room for STORE_MAX_KEY bytes); returns its length. */
size_t store_key_round(uint8_t *out, const Peil__Result *r);
/* The per-round index's value (schema 3): the result's log seq (be64) and its status (one
 * byte), so a round is judged without reading the log (store_view_keys). Schema 2's value
 * was the seq alone; store.c's upgrade step rewrites them. */
#define STORE_RINDEX_VAL 9
/* Per-round index values given their status per transaction when upgrading to schema 3. */
#define STORE_UPGRADE_CHUNK 200000
/* Writes a per-round index value into out (STORE_RINDEX_VAL bytes). */
void store_rindex_val(uint8_t *out, uint64_t seq, int status);
/* LMDB's default key order: bytes, then the shorter first. */
int store_key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* A store key (its bytes copied) and the log seq it names; a growable set of them (the
 * per-round view's unindexed tail, show's candidates). */
struct store_keyseq {
	uint8_t *key;
	size_t len;
	uint64_t seq;
	int status;         /* the result's Peil__Status where the user keeps it (the view's
	                     * tail), else 0 */
};
struct store_keyseqs {
	struct store_keyseq *k;
	size_t n, cap;
};
/* Appends a copy of key. Returns 0 or PEIL_ENOMEM. */
int store_keyseqs_add(struct store_keyseqs *x, const void *key, size_t len, uint64_t seq);
/* Frees every key and the array; *x is empty after. */
void store_keyseqs_free(struct store_keyseqs *x);

#endif
