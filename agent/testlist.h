/* testlist.h: `peil-agent tests`: the catalogue printed for people (table), programs (json,
 * one object a line) and the documentation (markdown: docs/tests.md). */
#ifndef PEIL_TESTLIST_H
#define PEIL_TESTLIST_H

#include <stddef.h>
#include <stdio.h>

#include "catalogue.h"

enum testlist_format { TESTLIST_TABLE, TESTLIST_JSON, TESTLIST_MARKDOWN };

/* The accepted --format names, for help and errors: "table|json|markdown". */
#define TESTLIST_FORMATS "table|json|markdown"

/* Sets *out to the format named `name` and returns 0; PEIL_EINVAL when it names none. */
int testlist_format_parse(const char *name, enum testlist_format *out);
/* Writes the n entries e[] in format fmt to f. Returns 0, or PEIL_EIO when writing failed. */
int testlist_write(FILE *f, enum testlist_format fmt, const struct catalogue_entry *const *e,
    size_t n);

#endif
