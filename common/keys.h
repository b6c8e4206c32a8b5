/* keys.h: CURVE key pairs in files, and the collector's allowlist of agent public keys. */
#ifndef PEIL_KEYS_H
#define PEIL_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define KEY_Z85_LEN 40   /* a CURVE key in Z85 text, without the NUL */

struct keypair {
	char public_z85[KEY_Z85_LEN + 1];
	char secret_z85[KEY_Z85_LEN + 1];
};

/* Makes a new key pair. Returns 0 or PEIL_EINVAL when libzmq lacks CURVE. */
int keys_generate(struct keypair *kp);
/* Writes PREFIX.key (public and secret, mode 0600) and PREFIX.pub (public only, 0644).
 * Refuses to overwrite unless `force`. Returns 0, PEIL_EEXIST or PEIL_EIO. */
int keys_write(const struct keypair *kp, const char *prefix, bool force);
/* Reads a secret key file written by keys_write. Returns 0, PEIL_ENOENT, PEIL_EIO or
 * PEIL_EINVAL (with a reason in err, naming the file), also for a file whose mode lets
 * anyone but its owner read or write it. */
int keys_read_secret(const char *path, struct keypair *kp, char *err, size_t errlen);
/* Reads a public key file: the first non-comment line is the Z85 key. Same returns. */
int keys_read_public(const char *path, char out[KEY_Z85_LEN + 1], char *err, size_t errlen);
/* An agent name is 1..MAX_AGENT_NAME_LEN of [A-Za-z0-9._-], not starting with '.'. */
bool keys_name_valid(const char *name);

/* The allowlist: a directory with one public-key file per agent; file name = agent name. */
struct allowlist;
/* Loads every valid file; a bad file is skipped with a warning naming it. NULL on error
 * (missing directory: err says so). */
struct allowlist *allowlist_load(const char *dir, char *err, size_t errlen);
void allowlist_free(struct allowlist *al);
size_t allowlist_count(const struct allowlist *al);
/* Returns the agent name for a 32-byte binary public key, or NULL. */
const char *allowlist_find(const struct allowlist *al, const unsigned char key[32]);

#endif
