/* lmdb.c: LMDB's return codes as PEIL_E* codes. */
#include <errno.h>

#include <lmdb.h>

#include "err.h"
#include "lmdb.h"

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
