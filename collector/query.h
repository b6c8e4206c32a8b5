/* query.h: the collector's read-only commands: show, export, agents, targets, rounds. */
#ifndef PEIL_QUERY_H
#define PEIL_QUERY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

/* matrix and internetnl are export's only (docs/report.md, "Exports"). */
enum query_format { QUERY_TABLE, QUERY_JSON, QUERY_CSV, QUERY_MATRIX, QUERY_INTERNETNL };

/* Parses "table", "json" (one object a line), "csv", "matrix" or "internetnl"; returns 0 or
 * PEIL_EINVAL. */
int query_format_parse(const char *s, enum query_format *out);

/* Each returns 0, or a PEIL_E* code (PEIL_ENOENT: show found nothing for the domain). */
int query_show(struct store *s, const char *domain, enum query_format fmt, FILE *f);
int query_export(struct store *s, enum query_format fmt, FILE *f);

/* What export selects (docs/report.md, "Exports"). */
struct query_export_opts {
	uint64_t round;          /* 0: every round */
	const char *domain;      /* normalised (store_domain_normalize); NULL: every domain */
	bool mail;               /* internetnl: a "mail" request's results; false: "web" */
};
/* export with filters and every format. Without a round and a domain, table, json and csv
 * are query_export's (every stored result in log order); with either, each (round, domain,
 * test, vantage)'s latest result through the per-round index, in (round, domain, test,
 * vantage) order. matrix: a CSV row per (round, domain, test) with a column per vantage.
 * internetnl: internet.nl's batch API results of one round (the newest, or o->round).
 * Returns 0; PEIL_ENOENT when the round is not stored, the domain has no result (in that
 * round), or a matrix or internetnl export selects nothing (err says which); PEIL_ENOMEM,
 * PEIL_ESTORE, PEIL_EIO. */
int query_export_sel(struct store *s, const struct query_export_opts *o,
    enum query_format fmt, FILE *f, char *err, size_t errlen);
int query_agents(struct store *s, enum query_format fmt, FILE *f);
int query_targets(struct store *s, enum query_format fmt, FILE *f);
int query_rounds(struct store *s, enum query_format fmt, FILE *f);

#endif
