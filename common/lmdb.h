/* lmdb.h: the one place LMDB's return codes become PEIL_E* codes (the collector's store and
 * the agent's spool both use it). */
#ifndef PEIL_LMDB_H
#define PEIL_LMDB_H

/* Translates a return code of an mdb_* call: 0 stays 0; MDB_NOTFOUND is PEIL_ENOENT; ENOMEM
 * is PEIL_ENOMEM; EINVAL (a bad argument to LMDB) is PEIL_EINVAL; any other errno (EACCES,
 * EROFS, ENOSPC, EIO, ...) is PEIL_EIO with errno set to it; every other MDB_* code
 * (MDB_MAP_FULL, MDB_TXN_FULL, MDB_KEYEXIST, MDB_CORRUPTED, MDB_INVALID, ...) and any other
 * value is PEIL_ESTORE. MDB_KEYEXIST is not PEIL_EEXIST: in our stores it means an append
 * out of order, and callers give PEIL_EEXIST a meaning of their own. Never returns a value
 * that is not a PEIL_E* code. */
int lmdb_err(int mdb_rc);

#endif
