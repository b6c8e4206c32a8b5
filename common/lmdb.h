/* lmdb.h: what the collector's store and the agent's spool share of LMDB: the one place its
 * return codes become PEIL_E* codes, and the write loop that grows the map and replays the
 * transaction on MDB_MAP_FULL. */
#ifndef PEIL_LMDB_H
#define PEIL_LMDB_H

#include <stddef.h>

#include <lmdb.h>

/* Translates a return code of an mdb_* call: 0 stays 0; MDB_NOTFOUND is PEIL_ENOENT; ENOMEM
 * is PEIL_ENOMEM; EINVAL (a bad argument to LMDB) is PEIL_EINVAL; any other errno (EACCES,
 * EROFS, ENOSPC, EIO, ...) is PEIL_EIO with errno set to it; every other MDB_* code
 * (MDB_MAP_FULL, MDB_TXN_FULL, MDB_KEYEXIST, MDB_CORRUPTED, MDB_INVALID, ...) and any other
 * value is PEIL_ESTORE. MDB_KEYEXIST is not PEIL_EEXIST: in our stores it means an append
 * out of order, and callers give PEIL_EEXIST a meaning of their own. Never returns a value
 * that is not a PEIL_E* code. */
int lmdb_err(int mdb_rc);

/* An environment whose map grows. The owner sets env, who, bytes (the size it set or LMDB
 * reports) and max_bytes; mrc starts 0. One thread at a time, and the map is grown only while
 * this process has no other transaction open on the environment. */
struct lmdb_map {
	MDB_env *env;
	const char *who;      /* "store", "spool": how every log line starts */
	size_t bytes;         /* the map's size as this process last set or adopted it */
	size_t max_bytes;     /* the ceiling: the map is not grown past it (SIZE_MAX: none) */
	int mrc;              /* the last LMDB code lmdb_check saw: MDB_MAP_FULL makes
	                       * lmdb_write grow the map and replay */
};

/* Every LMDB error of the map's owner passes here: remembered in m->mrc, logged as
 * "WHO: WHAT: LMDB's text" unless it is MDB_NOTFOUND (an answer, not a failure),
 * MDB_MAP_FULL or MDB_TXN_FULL (lmdb_write and its callers handle those), and returned as
 * lmdb_err translates it. */
int lmdb_check(struct lmdb_map *m, int mrc, const char *what);
/* Adopts the map's size as LMDB knows it into m->bytes. */
void lmdb_refresh(struct lmdb_map *m);
/* Begins a transaction, adopting the map size when another process has grown the map.
 * Returns 0 or lmdb_check's code (*txn NULL then). */
int lmdb_txn_begin(struct lmdb_map *m, unsigned flags, MDB_txn **txn);
/* Runs `op` in a write transaction and commits. op returns 0 or a PEIL_E* code, and passes
 * its LMDB errors through lmdb_check. On MDB_MAP_FULL, anywhere, the transaction is aborted,
 * the map doubled (up to max_bytes) and `op` run again from scratch: op must recompute
 * everything it writes or reports from what it reads in the transaction. Returns 0 (all
 * committed), op's or the commit's code, PEIL_ETOOBIG when the map is at its ceiling (m->mrc
 * is MDB_MAP_FULL; the transaction aborted: the environment as the last commit left it), or
 * PEIL_ESTORE after MAX_STORE_MAP_GROWTHS growths. A failure for lack of room in one
 * transaction (MDB_TXN_FULL) is logged as a warning and left in m->mrc for the caller. */
int lmdb_write(struct lmdb_map *m, int (*op)(MDB_txn *txn, void *arg), void *arg,
    const char *what);

#endif
