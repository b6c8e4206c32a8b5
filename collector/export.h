/* export.h: export's filters and its formats beyond query.c's lines (docs/report.md,
 * "Exports"): the rounds an export reads, the matrix (a column per vantage) and
 * internet.nl's batch API results. query_export_sel (query.h) is the way in. */
#ifndef PEIL_EXPORT_H
#define PEIL_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalogue.h"
#include "judge.h"
#include "query.h"
#include "store.h"

/* The rounds an export reads, oldest first. */
struct export_rounds {
	uint64_t *id;
	size_t n;
};
/* Every stored round, or only `round` (non-zero). Returns 0; PEIL_ENOENT when the store has
 * no round or not that one (err says which rounds there are); PEIL_ENOMEM, PEIL_ESTORE.
 * Free out->id with free(). */
int export_rounds_pick(struct store *s, uint64_t round, struct export_rounds *out,
    char *err, size_t errlen);

/* The matrix: a CSV row per (round, domain, test) of the rounds rs and o->domain, with
 * round, domain, test, a column per vantage that has a result in the export (in name order;
 * empty where that vantage has none), then consensus, disagree (yes/no) and who. Read from
 * the per-round index's statuses (store_view_keys), two walks: the vantages, then the rows.
 * Returns 0, PEIL_ENOENT (nothing selected: err says so), PEIL_ENOMEM, PEIL_ESTORE or
 * PEIL_EIO. */
int export_matrix(struct store *s, const struct query_export_opts *o,
    const struct export_rounds *rs, FILE *f, char *err, size_t errlen);

/* internet.nl's batch API (2.4.0) results of one round: judge_load, then export_inl_write.
 * Returns 0, PEIL_ENOENT (no such round, a round without results, a domain without a result
 * in it: err says which), PEIL_ENOMEM, PEIL_ESTORE or PEIL_EIO. */
int export_inl(struct store *s, const struct query_export_opts *o, FILE *f, char *err,
    size_t errlen);

/* Who saw what on a disagreeing cell (judge_who's signature), for export_inl_write. */
typedef int (*export_who_fn)(struct judge *j, size_t r, size_t d, enum catalogue_test t,
    char **who);

/* What export_inl_write writes: round r of j as one internet.nl `/requests/{id}/results`
 * reply of request type web (mail: false) or mail, every domain measured in the round or
 * a target of it (only `domain` when not NULL), through esc_json. `who` (NULL: none) gives
 * the "who" of disagreeing cells. *ndomains: the domains written. Returns 0, PEIL_ENOENT
 * (domain is not in j), PEIL_ENOMEM or PEIL_EIO. Pure: reads j only. */
int export_inl_write(struct judge *j, size_t r, const char *domain, bool mail,
    export_who_fn who, FILE *f, size_t *ndomains);

/* internet.nl's name of a test's category for a request (web_ipv6, mail_auth, ...), or
 * NULL when internet.nl's batch API 2.4.0 has no such test (peil's own: its "peil" key). */
const char *export_inl_category(const char *test_id);

#endif
