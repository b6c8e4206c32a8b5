/* conf.h: INI configuration files with a declared schema, plus command-line overrides. */
#ifndef PEIL_CONF_H
#define PEIL_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum conf_type { CONF_STR, CONF_U64, CONF_BOOL, CONF_PATH };

/* One documented key. Programs declare a NULL-terminated array of these. */
struct conf_key {
	const char *section;
	const char *key;
	enum conf_type type;
	const char *def;        /* default as text, or NULL for none */
	uint64_t min, max;      /* for CONF_U64 */
	const char *doc;        /* one line for --help and the example file */
};

struct conf;

/* Loads `path` (may be NULL: defaults only) against `schema`. On failure returns NULL and
 * writes "FILE:LINE: key 'K': reason" (or "FILE: reason") into err. Unknown sections or keys,
 * values that do not parse and duplicate keys are errors. */
struct conf *conf_load(const char *path, const struct conf_key *schema, char *err, size_t errlen);
/* Applies "section.key=value" from the command line; same checks, "command line" in errors. */
int conf_override(struct conf *c, const char *spec, char *err, size_t errlen);
/* Sets a value programmatically; same checks as the file. */
int conf_set(struct conf *c, const char *section, const char *key, const char *value,
    char *err, size_t errlen);
void conf_free(struct conf *c);

/* Getters return the value, or the default; a key not in the schema is a programming error. */
const char *conf_str(const struct conf *c, const char *section, const char *key); /* NULL if unset */
uint64_t conf_u64(const struct conf *c, const char *section, const char *key);
bool conf_bool(const struct conf *c, const char *section, const char *key);

/* Writes the schema as a commented example file (every key, its default and doc). */
void conf_write_example(const struct conf_key *schema, FILE *f);

#endif
