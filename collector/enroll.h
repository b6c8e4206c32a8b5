/* enroll.h: the allowlist directory as the coordinator edits it (`peil-collector agents
 * add|remove|list`): one file per agent, file name = agent name, holding its public key. A
 * running collector watches the directory (server.c) and applies every change at once. */
#ifndef PEIL_ENROLL_H
#define PEIL_ENROLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What went wrong, for the exit status: the caller's input (a bad name) or the rest. */
enum enroll_fault {
	ENROLL_OK = 0,
	ENROLL_USAGE,     /* the name is not a valid agent name */
	ENROLL_FAIL,      /* the key file, the directory, an agent there already or missing */
};

/* Adds agent `name` with the public key read from `pub_path` to directory `dir`: written
 * to a hidden temporary file (the allowlist ignores dot files), synced, then linked in
 * place, so a watching collector never reads half a file. Refused when the name is taken
 * (unless `force`: its key is then replaced) or the key is enrolled under another name.
 * The key's fingerprint goes to fp_out (FINGERPRINT_LEN + 1 bytes) when not NULL. A reason
 * naming the file or agent, and what to do, goes to err. */
enum enroll_fault enroll_add(const char *dir, const char *name, const char *pub_path,
    bool force, char *fp_out, char *err, size_t errlen);
/* Removes agent `name`'s file from `dir` (a removed agent's stored results stay). */
enum enroll_fault enroll_remove(const char *dir, const char *name, char *err, size_t errlen);
/* Prints every file of `dir` as "NAME FINGERPRINT" (a tab between), sorted by name; a file
 * the collector skips says why instead of a fingerprint. *n: agents with a usable key. */
enum enroll_fault enroll_list(const char *dir, FILE *out, size_t *n, char *err,
    size_t errlen);

#endif
