/* query.h: the collector's read-only commands: show, export, agents, targets, rounds. */
#ifndef PEIL_QUERY_H
#define PEIL_QUERY_H

#include <stdio.h>

#include "store.h"

enum query_format { QUERY_TABLE, QUERY_JSON, QUERY_CSV };

/* Parses "table", "json" (one object a line) or "csv"; returns 0 or PEIL_EINVAL. */
int query_format_parse(const char *s, enum query_format *out);

/* Each returns 0, or a PEIL_E* code (PEIL_ENOENT: show found nothing for the domain). */
int query_show(struct store *s, const char *domain, enum query_format fmt, FILE *f);
int query_export(struct store *s, enum query_format fmt, FILE *f);
int query_agents(struct store *s, enum query_format fmt, FILE *f);
int query_targets(struct store *s, enum query_format fmt, FILE *f);
int query_rounds(struct store *s, enum query_format fmt, FILE *f);

#endif
