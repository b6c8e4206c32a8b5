/* store_backup.c: consistent copies of the store while a collector writes it. LMDB's
 * mdb_env_copy2 with MDB_CP_COMPACT copies inside one read transaction (a snapshot: the
 * writer goes on meanwhile) and leaves out free pages. The copy is made in DEST.tmp and
 * renamed into place once synced, so DEST is either absent (or empty) or a whole copy. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lmdb.h>

#include "bytes.h"
#include "err.h"
#include "lmdb.h"
#include "log.h"
#include "store_int.h"

/* 1: `path` is a directory with something in it; 0: absent or empty; -1 (errno): other. */
static int
store_dir_state(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int full = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return 1;
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			full = 1;
			break;
		}
	closedir(d);
	return full;
}

static int
store_fsync_path(const char *path, int flags)
{
	int fd, rc = 0;

	if ((fd = open(path, flags | O_CLOEXEC)) < 0)
		return -1;
	if (fsync(fd) != 0)
		rc = -1;
	close(fd);
	return rc;
}

/* The hint for an errno of writing the copy. */
static const char *
store_copy_hint(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
		return "the disk is full: free space there, or choose a backup directory on "
		    "another disk";
	case EACCES:
	case EPERM:
	case EROFS:
		return "choose a backup directory this user may write";
	default:
		return "choose another backup directory";
	}
}

int
store_copy(MDB_env *env, const char *dest, char *err, size_t errlen)
{
	char tmp[4096], file[4200], parent[4096];
	int st, mrc, e;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", dest) >= sizeof(tmp)) {
		err_set(err, errlen, "%s: path too long", dest);
		return PEIL_EINVAL;
	}
	if ((st = store_dir_state(dest)) != 0) {
		err_set(err, errlen, "%s: %s: nothing written (a backup goes into a new or empty "
		    "directory: choose another, or move that one away)", dest,
		    st > 0 ? "exists and is not empty" : strerror(errno));
		return st > 0 ? PEIL_EEXIST : PEIL_EIO;
	}
	if ((st = store_dir_state(tmp)) != 0) {
		err_set(err, errlen, "%s: %s: nothing written (left by an interrupted backup? "
		    "remove it, then back up again)", tmp, st > 0 ? "exists" : strerror(errno));
		return st > 0 ? PEIL_EEXIST : PEIL_EIO;
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
		e = errno;
		err_set(err, errlen, "%s: %s (%s)", tmp, strerror(e), store_copy_hint(e));
		errno = e;
		return PEIL_EIO;
	}
	snprintf(file, sizeof(file), "%s/data.mdb", tmp);
	if ((mrc = mdb_env_copy2(env, tmp, MDB_CP_COMPACT)) != 0 ||
	    store_fsync_path(file, O_RDONLY) != 0 ||
	    store_fsync_path(tmp, O_RDONLY | O_DIRECTORY) != 0) {
		e = mrc > 0 ? mrc : mrc != 0 ? EIO : errno;
		err_set(err, errlen, "copying the store to %s: %s (%s); nothing left behind", tmp,
		    mrc < 0 ? mdb_strerror(mrc) : strerror(e), store_copy_hint(e));
		goto fail;
	}
	/* An empty DEST was allowed: it makes way for the copy. */
	if (rmdir(dest) != 0 && errno != ENOENT) {
		e = errno;
		err_set(err, errlen, "%s: %s; the copy stays in %s", dest, strerror(e), tmp);
		errno = e;
		return PEIL_EIO;
	}
	if (rename(tmp, dest) != 0) {
		e = errno;
		err_set(err, errlen, "renaming %s to %s: %s; the copy stays in %s", tmp, dest,
		    strerror(e), tmp);
		errno = e;
		return PEIL_EIO;
	}
	snprintf(parent, sizeof(parent), "%s", dest);
	(void)store_fsync_path(dirname(parent), O_RDONLY | O_DIRECTORY);
	return 0;
fail:
	unlink(file);
	rmdir(tmp);
	errno = e;
	return PEIL_EIO;
}

int
store_backup(const char *dir, const char *dest, struct store_backup_info *info, char *err,
    size_t errlen)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi meta;
	MDB_val k = { strlen(META_SCHEMA), (void *)META_SCHEMA }, v;
	struct stat st;
	char file[4200];
	int mrc, rc;

	memset(info, 0, sizeof(*info));
	/* The environment as it is, whatever its schema: a backup is also what one takes
	 * before an upgrade. Read-only: the running collector is the one writer. */
	if ((mrc = mdb_env_create(&env)) != 0 || (mrc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (mrc = mdb_env_open(env, dir, MDB_RDONLY, 0600)) != 0) {
		err_set(err, errlen, "cannot open the store in %s: %s (give the store's directory "
		    "with -c FILE or --store DIR)", dir, mdb_strerror(mrc));
		rc = lmdb_err(mrc);
		goto out;
	}
	if ((mrc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (mrc = mdb_dbi_open(txn, "meta", 0, &meta)) != 0 ||
	    (mrc = mdb_get(txn, meta, &k, &v)) != 0 || v.mv_size != 8) {
		err_set(err, errlen, "%s: not a peil store (no schema version): %s", dir,
		    mrc ? mdb_strerror(mrc) : "malformed");
		rc = PEIL_ESCHEMA;
		goto out;
	}
	info->schema = be64_get(v.mv_data);
	mdb_txn_abort(txn);
	txn = NULL;
	if ((rc = store_copy(env, dest, err, errlen)) != 0)
		goto out;
	snprintf(file, sizeof(file), "%s/data.mdb", dest);
	if (stat(file, &st) == 0)
		info->bytes = (uint64_t)st.st_size;
	rc = 0;
out:
	{
		int e = errno;

		if (txn != NULL)
			mdb_txn_abort(txn);
		if (env != NULL)
			mdb_env_close(env);
		errno = e;
	}
	return rc;
}
