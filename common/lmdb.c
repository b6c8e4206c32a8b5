/* lmdb.c: LMDB's return codes as PEIL_E* codes, and the write loop that grows the map. */
#include <errno.h>

#include <lmdb.h>

#include "err.h"
#include "limits.h"
#include "lmdb.h"
#include "log.h"

#define LMDB_RESIZE_TRIES   8      /* adopting a map another process grew, per transaction */

int
lmdb_err(int mdb_rc)
{
	if (mdb_rc == 0)
		return 0;
	if (mdb_rc == MDB_NOTFOUND)
		return PEIL_ENOENT;
	if (mdb_rc == ENOMEM)
		return PEIL_ENOMEM;
	if (mdb_rc == EINVAL)
		return PEIL_EINVAL;
	if (mdb_rc > 0) {
		errno = mdb_rc;
		return PEIL_EIO;
	}
	return PEIL_ESTORE;
}

int
lmdb_check(struct lmdb_map *m, int mrc, const char *what)
{
	m->mrc = mrc;
	if (mrc != 0 && mrc != MDB_NOTFOUND && mrc != MDB_MAP_FULL && mrc != MDB_TXN_FULL)
		log_err("%s: %s: %s", m->who, what, mdb_strerror(mrc));
	return lmdb_err(mrc);
}

void
lmdb_refresh(struct lmdb_map *m)
{
	MDB_envinfo info;

	if (mdb_env_info(m->env, &info) == 0)
		m->bytes = info.me_mapsize;
}

int
lmdb_txn_begin(struct lmdb_map *m, unsigned flags, MDB_txn **txn)
{
	int mrc;

	for (int i = 0;; i++) {
		mrc = mdb_txn_begin(m->env, NULL, flags, txn);
		if (mrc != MDB_MAP_RESIZED || i == LMDB_RESIZE_TRIES)
			break;
		if ((mrc = mdb_env_set_mapsize(m->env, 0)) != 0)
			break;
		lmdb_refresh(m);
	}
	if (mrc != 0) {
		*txn = NULL;
		return lmdb_check(m, mrc, "beginning a transaction");
	}
	return 0;
}

/* Doubles the map, up to its ceiling; PEIL_ETOOBIG when it is there already. */
static int
lmdb_grow(struct lmdb_map *m)
{
	size_t size;
	int mrc;

	lmdb_refresh(m);
	if (m->bytes >= m->max_bytes)
		return PEIL_ETOOBIG;
	size = m->bytes > m->max_bytes / 2 ? m->max_bytes : m->bytes * 2;
	if ((mrc = mdb_env_set_mapsize(m->env, size)) != 0)
		return lmdb_check(m, mrc, "growing the map");
	m->bytes = size;
	log_info("%s: map grown to %zu MiB", m->who, size >> 20);
	return 0;
}

int
lmdb_write(struct lmdb_map *m, int (*op)(MDB_txn *txn, void *arg), void *arg,
    const char *what)
{
	for (int grown = 0;; grown++) {
		MDB_txn *txn;
		int rc, mrc;

		m->mrc = 0;
		if ((rc = lmdb_txn_begin(m, 0, &txn)) != 0)
			return rc;
		if ((rc = op(txn, arg)) == 0) {
			if ((mrc = mdb_txn_commit(txn)) != 0)
				rc = lmdb_check(m, mrc, what);
		} else {
			mdb_txn_abort(txn);
		}
		if (rc != 0 && m->mrc == MDB_TXN_FULL)
			log_warn("%s: %s: %s", m->who, what, mdb_strerror(m->mrc));
		if (rc == 0 || m->mrc != MDB_MAP_FULL)
			return rc;
		if (grown == MAX_STORE_MAP_GROWTHS) {
			log_err("%s: %s: map full after %d growths (%zu MiB)", m->who, what,
			    MAX_STORE_MAP_GROWTHS, m->bytes >> 20);
			return PEIL_ESTORE;
		}
		if ((rc = lmdb_grow(m)) != 0)
			return rc;
	}
}
