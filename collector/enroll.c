/* enroll.c: adding, removing and listing the agents of the allowlist directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "enroll.h"
#include "err.h"
#include "fingerprint.h"
#include "keys.h"
#include "limits.h"

/* The directory itself, synced so a name added or removed survives a crash. */
static int
enroll_sync_dir(const char *dir)
{
	int fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

static enum enroll_fault
enroll_check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		err_set(err, errlen, "the allowlist directory %s: %s (make it, or give its path "
		    "as collector.allowlist)", dir, strerror(errno));
		return ENROLL_FAIL;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_set(err, errlen, "the allowlist %s is not a directory (collector.allowlist "
		    "names a directory: one file per agent)", dir);
		return ENROLL_FAIL;
	}
	return ENROLL_OK;
}

static enum enroll_fault
enroll_check_name(const char *name, char *err, size_t errlen)
{
	if (keys_name_valid(name))
		return ENROLL_OK;
	err_set(err, errlen, "'%.*s' is not a valid agent name: 1 to %d of A-Z a-z 0-9 . _ -, "
	    "not starting with '.'", MAX_AGENT_NAME_LEN + 1, name ? name : "",
	    MAX_AGENT_NAME_LEN);
	return ENROLL_USAGE;
}

/* Which agent of `dir` holds `z85` (into who), other than `except`; false when none. */
static bool
enroll_key_holder(const char *dir, const char *z85, const char *except,
    char who[MAX_AGENT_NAME_LEN + 1])
{
	DIR *d;
	struct dirent *de;
	char path[4096], k[KEY_Z85_LEN + 1], why[512];
	bool found = false;

	if ((d = opendir(dir)) == NULL)
		return false;
	for (size_t n = 0; !found && n < MAX_ALLOWLIST_ENTRIES && (de = readdir(d)) != NULL; n++) {
		if (!keys_name_valid(de->d_name) || strcmp(de->d_name, except) == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		if (keys_read_public(path, k, why, sizeof(why)) == 0 && strcmp(k, z85) == 0) {
			snprintf(who, MAX_AGENT_NAME_LEN + 1, "%.*s", MAX_AGENT_NAME_LEN, de->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

enum enroll_fault
enroll_add(const char *dir, const char *name, const char *pub_path, bool force, char *fp_out,
    char *err, size_t errlen)
{
	char z85[KEY_Z85_LEN + 1], why[1024], fp[FINGERPRINT_LEN + 1], who[MAX_AGENT_NAME_LEN + 1];
	char path[4096], tmp[4096], *text = NULL;
	enum enroll_fault f;
	struct stat st;
	int fd = -1, n;
	size_t off = 0;
	time_t now = time(NULL);
	struct tm tm;
	char when[32] = "";

	if ((f = enroll_check_name(name, err, errlen)) != ENROLL_OK ||
	    (f = enroll_check_dir(dir, err, errlen)) != ENROLL_OK)
		return f;
	{
		struct keypair kp;

		/* A secret key file given by mistake: said as such, its secret not repeated. */
		if (keys_read_secret(pub_path, &kp, why, sizeof(why)) == 0) {
			explicit_bzero(&kp, sizeof(kp));
			err_set(err, errlen, "%s holds a SECRET key: nothing enrolled. It must stay "
			    "on the agent's machine (make a new key pair there if it was copied); "
			    "enroll the public key file, the .pub next to it", pub_path);
			return ENROLL_FAIL;
		}
	}
	if (keys_read_public(pub_path, z85, why, sizeof(why)) != 0) {
		/* why names the file and the line. */
		err_set(err, errlen, "%s (give the agent's public key file, the .pub that "
		    "peil-agent keygen wrote; peil-agent enroll prints its key)", why);
		return ENROLL_FAIL;
	}
	if (fingerprint_of(z85, fp) != 0) {
		err_set(err, errlen, "%s: not a CURVE public key", pub_path);
		return ENROLL_FAIL;
	}
	if (fp_out != NULL)
		memcpy(fp_out, fp, sizeof(fp));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >= sizeof(tmp)) {
		err_set(err, errlen, "%s: path too long", dir);
		return ENROLL_FAIL;
	}
	if (lstat(path, &st) == 0 && !force) {
		err_set(err, errlen, "agent '%s' is enrolled already (%s): nothing changed. "
		    "peil-collector agents remove %s first, or give --force to replace its key",
		    name, path, name);
		return ENROLL_FAIL;
	}
	if (enroll_key_holder(dir, z85, name, who)) {
		err_set(err, errlen, "the key in %s (%s) is enrolled already as agent '%s': one "
		    "key per agent (peil-collector agents remove %s first, or give this agent its "
		    "own key: peil-agent keygen)", pub_path, fp, who, who);
		return ENROLL_FAIL;
	}
	if (localtime_r(&now, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
	if ((n = asprintf(&text, "# peil agent '%s', enrolled %s (peil-collector agents add)\n"
	    "# fingerprint %s\npublic-key = %s\n", name, when, fp, z85)) < 0) {
		text = NULL;
		err_set(err, errlen, "out of memory");
		return ENROLL_FAIL;
	}
	f = ENROLL_FAIL;
	if ((fd = mkstemp(tmp)) < 0) {
		err_set(err, errlen, "cannot write in %s: %s", dir, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	while (off < (size_t)n) {
		ssize_t w = write(fd, text + off, (size_t)n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err_set(err, errlen, "writing %s: %s", tmp, w < 0 ? strerror(errno) :
			    "nothing written");
			goto out;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		err_set(err, errlen, "writing %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	/* link() fails when the name appeared meanwhile; rename() replaces (--force). */
	if (force ? rename(tmp, path) != 0 : link(tmp, path) != 0) {
		err_set(err, errlen, "%s: %s", path, errno == EEXIST ? "enrolled meanwhile by "
		    "someone else: nothing changed" : strerror(errno));
		goto out;
	}
	if (force)
		tmp[0] = '\0';
	(void)enroll_sync_dir(dir);
	f = ENROLL_OK;
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	free(text);
	return f;
}

enum enroll_fault
enroll_remove(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[4096];
	enum enroll_fault f;
	struct stat st;

	if ((f = enroll_check_name(name, err, errlen)) != ENROLL_OK ||
	    (f = enroll_check_dir(dir, err, errlen)) != ENROLL_OK)
		return f;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		err_set(err, errlen, "%s: path too long", dir);
		return ENROLL_FAIL;
	}
	if (lstat(path, &st) != 0) {
		err_set(err, errlen, "no agent '%s' in %s: %s (peil-collector agents list shows "
		    "the agents enrolled)", name, dir, strerror(errno));
		return ENROLL_FAIL;
	}
	if (unlink(path) != 0) {
		err_set(err, errlen, "removing %s: %s", path, strerror(errno));
		return ENROLL_FAIL;
	}
	(void)enroll_sync_dir(dir);
	return ENROLL_OK;
}

static int
enroll_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum enroll_fault
enroll_list(const char *dir, FILE *out, size_t *n, char *err, size_t errlen)
{
	char **names = NULL, path[4096], z85[KEY_Z85_LEN + 1], why[1024];
	char fp[FINGERPRINT_LEN + 1];
	size_t nn = 0, cap = 0;
	struct dirent *de;
	enum enroll_fault f;
	DIR *d;

	*n = 0;
	if ((f = enroll_check_dir(dir, err, errlen)) != ENROLL_OK)
		return f;
	if ((d = opendir(dir)) == NULL) {
		err_set(err, errlen, "%s: %s", dir, strerror(errno));
		return ENROLL_FAIL;
	}
	f = ENROLL_FAIL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (nn == MAX_ALLOWLIST_ENTRIES) {
			err_set(err, errlen, "%s: more than %d files", dir, MAX_ALLOWLIST_ENTRIES);
			goto out;
		}
		if (nn == cap) {
			char **nw;

			cap = cap ? cap * 2 : 64;
			if ((nw = realloc(names, cap * sizeof(*names))) == NULL)
				goto oom;
			names = nw;
		}
		if ((names[nn] = strdup(de->d_name)) == NULL)
			goto oom;
		nn++;
	}
	if (nn > 0)
		qsort(names, nn, sizeof(*names), enroll_name_cmp);
	for (size_t i = 0; i < nn; i++) {
		const char *why_not = NULL;

		if (!keys_name_valid(names[i]))
			why_not = "skipped: not a valid agent name";
		else if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    sizeof(path))
			why_not = "skipped: path too long";
		else if (keys_read_public(path, z85, why, sizeof(why)) != 0 ||
		    fingerprint_of(z85, fp) != 0)
			why_not = "skipped: no valid public key (see the collector's log)";
		/* The name came from the directory: made safe for the terminal. */
		for (const char *c = names[i]; *c; c++)
			putc(*c >= 0x20 && *c < 0x7f ? *c : '?', out);
		fprintf(out, "\t%s\n", why_not ? why_not : fp);
		if (why_not == NULL)
			(*n)++;
	}
	f = ENROLL_OK;
	goto out;
oom:
	err_set(err, errlen, "out of memory");
out:
	closedir(d);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return f;
}
