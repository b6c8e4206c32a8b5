/* keys.c: CURVE key pairs in files, and the allowlist of agent public keys. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "keys.h"
#include "limits.h"
#include "log.h"
#include "zmqapi.h"

#define KEY_BIN_LEN 32

static const char Z85_ALPHABET[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/* True when s[0..n) is a CURVE key in Z85: 40 characters of the alphabet whose 5-character
 * groups each fit 32 bits, and that libzmq decodes. The binary key goes to out when it is not
 * NULL. (Since 84 * 85^4 > 2^32, no key starts with '#': a '#' line is always a comment.) */
static bool
z85_key(const char *s, size_t n, unsigned char out[KEY_BIN_LEN])
{
	const struct zmqapi *zmq = zmqapi();
	char text[KEY_Z85_LEN + 1];
	uint8_t bin[KEY_BIN_LEN];
	uint64_t group = 0;

	if (n != KEY_Z85_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *c;

		if (s[i] == '\0' || (c = strchr(Z85_ALPHABET, s[i])) == NULL)
			return false;
		group = group * 85 + (uint64_t)(c - Z85_ALPHABET);
		if (i % 5 == 4) {
			if (group > UINT32_MAX)
				return false;
			group = 0;
		}
	}
	memcpy(text, s, n);
	text[n] = '\0';
	if (zmq->z85_decode(bin, text) == NULL)
		return false;
	if (out != NULL)
		memcpy(out, bin, sizeof(bin));
	explicit_bzero(bin, sizeof(bin));
	return true;
}

int
keys_generate(struct keypair *kp)
{
	const struct zmqapi *zmq = zmqapi();

	if (!zmq->has("curve"))
		return PEIL_EINVAL;
	if (zmq->curve_keypair(kp->public_z85, kp->secret_z85) != 0)
		return PEIL_EINVAL;
	return 0;
}

/* Writes data to a temporary file next to path, with the given mode, then puts it in place:
 * rename() when overwriting is allowed, link() otherwise, which fails if path exists. */
static int
write_atomic(const char *path, const char *data, size_t len, mode_t mode, bool force)
{
	char *tmp = NULL;
	int fd = -1, rc, saved;
	size_t off = 0;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		free(tmp);
		tmp = NULL;
		rc = PEIL_EIO;
		goto out;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = PEIL_EIO;
			goto out;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		rc = PEIL_EIO;
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = PEIL_EIO;
		goto out;
	}
	fd = -1;
	if (force) {
		if (rename(tmp, path) != 0) {
			rc = PEIL_EIO;
			goto out;
		}
		free(tmp);
		tmp = NULL;
	} else if (link(tmp, path) != 0) {
		rc = errno == EEXIST ? PEIL_EEXIST : PEIL_EIO;
		goto out;
	}
	rc = 0;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	errno = saved;
	return rc;
}

/* 0 when path does not exist, PEIL_EEXIST when it does, PEIL_EIO when we cannot tell. */
static int
check_absent(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return PEIL_EEXIST;
	return errno == ENOENT ? 0 : PEIL_EIO;
}

int
keys_write(const struct keypair *kp, const char *prefix, bool force)
{
	char *keypath = NULL, *pubpath = NULL, *sec = NULL, *pub = NULL;
	int rc, saved, nsec = -1, npub = -1;

	if (!z85_key(kp->public_z85, strnlen(kp->public_z85, KEY_Z85_LEN + 1), NULL) ||
	    !z85_key(kp->secret_z85, strnlen(kp->secret_z85, KEY_Z85_LEN + 1), NULL))
		return PEIL_EINVAL;
	if (asprintf(&keypath, "%s.key", prefix) < 0 || asprintf(&pubpath, "%s.pub", prefix) < 0 ||
	    (nsec = asprintf(&sec,
	    "# peil CURVE key pair. Keep this file secret: only its owner may read it.\n"
	    "public-key = %s\n"
	    "secret-key = %s\n", kp->public_z85, kp->secret_z85)) < 0 ||
	    (npub = asprintf(&pub,
	    "# peil CURVE public key: safe to share (its secret half stays in the .key file).\n"
	    "public-key = %s\n", kp->public_z85)) < 0) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (!force) {
		/* Both checked before either is written, so a refusal leaves nothing behind. */
		if ((rc = check_absent(keypath)) != 0 || (rc = check_absent(pubpath)) != 0)
			goto out;
	}
	if ((rc = write_atomic(keypath, sec, (size_t)nsec, 0600, force)) != 0)
		goto out;
	if ((rc = write_atomic(pubpath, pub, (size_t)npub, 0644, force)) != 0) {
		/* Someone made PREFIX.pub since we looked: do not leave half a pair. */
		if (!force) {
			saved = errno;
			unlink(keypath);
			errno = saved;
		}
		goto out;
	}
	rc = 0;
out:
	saved = errno;
	if (sec != NULL && nsec > 0)
		explicit_bzero(sec, (size_t)nsec);
	free(sec);
	free(pub);
	free(keypath);
	free(pubpath);
	errno = saved;
	return rc;
}

/* Reads a whole small file into buf (MAX_KEY_FILE_BYTES + 1 bytes), NUL-terminated. */
static int
read_small(const char *path, char *buf, size_t *lenp, char *err, size_t errlen)
{
	struct stat st;
	size_t len = 0;
	int fd, rc;

	/* O_NONBLOCK: a FIFO put in place of a key must not hang us. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? PEIL_ENOENT : PEIL_EIO;
	}
	if (fstat(fd, &st) != 0) {
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		rc = PEIL_EIO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(err, errlen, "%s: not a regular file", path);
		rc = PEIL_EINVAL;
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf + len, MAX_KEY_FILE_BYTES + 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set(err, errlen, "%s: %s", path, strerror(errno));
			rc = PEIL_EIO;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > MAX_KEY_FILE_BYTES) {
			err_set(err, errlen, "%s: larger than %d bytes", path, MAX_KEY_FILE_BYTES);
			rc = PEIL_EINVAL;
			goto out;
		}
	}
	if (memchr(buf, '\0', len) != NULL) {
		err_set(err, errlen, "%s: NUL byte in file", path);
		rc = PEIL_EINVAL;
		goto out;
	}
	buf[len] = '\0';
	*lenp = len;
	rc = 0;
out:
	close(fd);
	return rc;
}

/* Splits the next line off *pos (in place); NULL at the end. The line is trimmed. */
static char *
next_line(char **pos)
{
	char *s = *pos, *nl, *e;

	if (*s == '\0')
		return NULL;
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		*pos = nl + 1;
	} else {
		*pos = s + strlen(s);
	}
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*e = '\0';
	return s;
}

/* If line is "NAME = VALUE" (NAME exactly `name`), returns VALUE trimmed; else NULL. */
static char *
named_value(char *line, const char *name)
{
	size_t n = strlen(name);
	char *p;

	if (strncmp(line, name, n) != 0)
		return NULL;
	p = line + n;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		return NULL;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A line of nothing, or a comment. */
static bool
skippable(const char *line)
{
	return *line == '\0' || *line == '#' || *line == ';';
}

/* One `NAME = KEY` line of a key file: once only, and a Z85 CURVE key. */
static int
key_line(const char *v, const char *name, bool *have, char dst[KEY_Z85_LEN + 1],
    const char *path, unsigned lineno, char *err, size_t errlen)
{
	if (*have) {
		err_set(err, errlen, "%s:%u: a second %s", path, lineno, name);
		return PEIL_EINVAL;
	}
	if (!z85_key(v, strlen(v), NULL)) {
		err_set(err, errlen, "%s:%u: %s is not a Z85 CURVE key "
		    "(40 characters of the Z85 alphabet)", path, lineno, name);
		return PEIL_EINVAL;
	}
	memcpy(dst, v, KEY_Z85_LEN + 1);
	*have = true;
	return 0;
}

int
keys_read_secret(const char *path, struct keypair *kp, char *err, size_t errlen)
{
	const struct zmqapi *zmq = zmqapi();
	char *buf, *pos, *line, *v, derived[KEY_Z85_LEN + 1];
	bool have_pub = false, have_sec = false;
	struct stat st;
	unsigned lineno = 0;
	size_t len;
	int rc;

	if ((buf = malloc(MAX_KEY_FILE_BYTES + 1)) == NULL) {
		err_set(err, errlen, "%s: out of memory", path);
		return PEIL_ENOMEM;
	}
	if ((rc = read_small(path, buf, &len, err, errlen)) != 0)
		goto out;
	memset(kp, 0, sizeof(*kp));
	pos = buf;
	while ((line = next_line(&pos)) != NULL) {
		lineno++;
		if (skippable(line))
			continue;
		if ((v = named_value(line, "public-key")) != NULL) {
			if ((rc = key_line(v, "public-key", &have_pub, kp->public_z85, path, lineno,
			    err, errlen)) != 0)
				goto out;
		} else if ((v = named_value(line, "secret-key")) != NULL) {
			if ((rc = key_line(v, "secret-key", &have_sec, kp->secret_z85, path, lineno,
			    err, errlen)) != 0)
				goto out;
		} else {
			err_set(err, errlen, "%s:%u: expected 'public-key = KEY' or 'secret-key = KEY'",
			    path, lineno);
			rc = PEIL_EINVAL;
			goto out;
		}
	}
	if (!have_sec || !have_pub) {
		err_set(err, errlen, "%s: no %s line", path, have_sec ? "public-key" : "secret-key");
		rc = PEIL_EINVAL;
		goto out;
	}
	if (zmq->curve_public(derived, kp->secret_z85) != 0) {
		err_set(err, errlen, "%s: cannot derive the public key (libzmq without CURVE?)",
		    path);
		rc = PEIL_EINVAL;
		goto out;
	}
	if (strcmp(derived, kp->public_z85) != 0) {
		err_set(err, errlen, "%s: public-key does not belong to secret-key", path);
		rc = PEIL_EINVAL;
		goto out;
	}
	/* A secret others could read or replace is no secret: refused, as ssh refuses it. */
	if (stat(path, &st) != 0) {
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		rc = PEIL_EIO;
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		err_set(err, errlen, "%s: mode %04o lets other users read or change the secret key: "
		    "chmod 600 %s (owned by the user the daemon runs as), and make a new key pair "
		    "(keygen --force) if others may have read it", path,
		    (unsigned)(st.st_mode & 07777), path);
		rc = PEIL_EINVAL;
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		explicit_bzero(kp, sizeof(*kp));
	explicit_bzero(buf, MAX_KEY_FILE_BYTES + 1);
	free(buf);
	return rc;
}

int
keys_read_public(const char *path, char out[KEY_Z85_LEN + 1], char *err, size_t errlen)
{
	char *buf, *pos, *line, *v;
	bool found = false;
	unsigned lineno = 0;
	size_t len;
	int rc;

	if ((buf = malloc(MAX_KEY_FILE_BYTES + 1)) == NULL) {
		err_set(err, errlen, "%s: out of memory", path);
		return PEIL_ENOMEM;
	}
	if ((rc = read_small(path, buf, &len, err, errlen)) != 0)
		goto out;
	pos = buf;
	while ((line = next_line(&pos)) != NULL) {
		lineno++;
		if (found) {
			/* After the key only comments: trailing data is a mistake of its own. */
			if (skippable(line))
				continue;
			err_set(err, errlen, "%s:%u: unexpected line after the key", path, lineno);
			rc = PEIL_EINVAL;
			goto out;
		}
		if (skippable(line))
			continue;
		if (named_value(line, "secret-key") != NULL) {
			err_set(err, errlen, "%s:%u: a secret key does not belong in a public key file",
			    path, lineno);
			rc = PEIL_EINVAL;
			goto out;
		}
		if ((v = named_value(line, "public-key")) == NULL)
			v = line;
		if (!z85_key(v, strlen(v), NULL)) {
			err_set(err, errlen, "%s:%u: not a Z85 CURVE key (40 characters of the Z85 "
			    "alphabet)", path, lineno);
			rc = PEIL_EINVAL;
			goto out;
		}
		memcpy(out, v, KEY_Z85_LEN + 1);
		found = true;
	}
	if (!found) {
		err_set(err, errlen, "%s: no key in file", path);
		rc = PEIL_EINVAL;
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

bool
keys_name_valid(const char *name)
{
	size_t n;

	if (name == NULL || name[0] == '\0' || name[0] == '.')
		return false;
	n = strlen(name);
	if (n > MAX_AGENT_NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

struct allowlist_entry {
	unsigned char key[KEY_BIN_LEN];
	char name[MAX_AGENT_NAME_LEN + 1];
};

struct allowlist {
	struct allowlist_entry *e;  /* sorted by key, keys unique */
	size_t n;
};

void
allowlist_free(struct allowlist *al)
{
	if (al == NULL)
		return;
	free(al->e);
	free(al);
}

size_t
allowlist_count(const struct allowlist *al)
{
	return al != NULL ? al->n : 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct allowlist_entry *x = a, *y = b;
	int c = memcmp(x->key, y->key, KEY_BIN_LEN);

	return c != 0 ? c : strcmp(x->name, y->name);
}

static int
key_cmp(const void *key, const void *elem)
{
	return memcmp(key, ((const struct allowlist_entry *)elem)->key, KEY_BIN_LEN);
}

const char *
allowlist_find(const struct allowlist *al, const unsigned char key[32])
{
	const struct allowlist_entry *e;

	if (al == NULL || al->n == 0)
		return NULL;
	e = bsearch(key, al->e, al->n, sizeof(*al->e), key_cmp);
	return e != NULL ? e->name : NULL;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct allowlist *
allowlist_load(const char *dir, char *err, size_t errlen)
{
	struct allowlist *al = NULL;
	char **names = NULL, *path = NULL, z85[KEY_Z85_LEN + 1], why[512];
	size_t nnames = 0, cap = 0, kept;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		err_set(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	/* Collect the candidate names first and sort them, so that "first by name" is what
	 * decides between two files holding one key, whatever order readdir gives. */
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				err_set(err, errlen, "%s: %s", dir, strerror(errno));
				goto fail;
			}
			break;
		}
		if (de->d_name[0] == '.' || ends_with(de->d_name, "~") ||
		    ends_with(de->d_name, ".swp")) {
			log_debug("allowlist %s: ignoring '%s'", dir, de->d_name);
			continue;
		}
		if (!keys_name_valid(de->d_name)) {
			log_warn("allowlist %s: skipping '%s': not a valid agent name "
			    "(1..%d of A-Z a-z 0-9 . _ -)", dir, de->d_name, MAX_AGENT_NAME_LEN);
			continue;
		}
		if (nnames == MAX_ALLOWLIST_ENTRIES) {
			err_set(err, errlen, "%s: more than %d files", dir, MAX_ALLOWLIST_ENTRIES);
			goto fail;
		}
		if (nnames == cap) {
			char **nn;

			cap = cap ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof(*names))) == NULL)
				goto oom;
			names = nn;
		}
		if ((names[nnames] = strdup(de->d_name)) == NULL)
			goto oom;
		nnames++;
	}
	closedir(d);
	d = NULL;
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), name_cmp);

	if ((al = calloc(1, sizeof(*al))) == NULL ||
	    (al->e = calloc(nnames ? nnames : 1, sizeof(*al->e))) == NULL)
		goto oom;
	for (size_t i = 0; i < nnames; i++) {
		struct allowlist_entry *e = &al->e[al->n];

		free(path);
		if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			path = NULL;
			goto oom;
		}
		if (keys_read_public(path, z85, why, sizeof(why)) != 0) {
			log_warn("allowlist: skipping agent '%s': %s", names[i], why);
			continue;
		}
		if (!z85_key(z85, strlen(z85), e->key)) {
			log_warn("allowlist: skipping agent '%s': %s: bad key", names[i], path);
			continue;
		}
		memcpy(e->name, names[i], strlen(names[i]) + 1);
		al->n++;
	}
	/* Sorted by key, then name: of equal keys the first by name comes first and stays. */
	if (al->n > 1)
		qsort(al->e, al->n, sizeof(*al->e), entry_cmp);
	kept = 0;
	for (size_t i = 0; i < al->n; i++) {
		if (kept > 0 && memcmp(al->e[kept - 1].key, al->e[i].key, KEY_BIN_LEN) == 0) {
			log_warn("allowlist %s: skipping agent '%s': same key as agent '%s'", dir,
			    al->e[i].name, al->e[kept - 1].name);
			continue;
		}
		if (kept != i)
			al->e[kept] = al->e[i];
		kept++;
	}
	al->n = kept;
	goto done;
oom:
	err_set(err, errlen, "%s: out of memory", dir);
fail:
	allowlist_free(al);
	al = NULL;
done:
	if (d != NULL)
		closedir(d);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(path);
	return al;
}
