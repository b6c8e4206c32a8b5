/* report.h: `peil-collector report`: the static site of a round's judgement (judge.h) and the
 * send-back packs (DESIGN.md §10, docs/report.md). */
#ifndef PEIL_REPORT_H
#define PEIL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum report_audience {
	REPORT_COALITION,   /* every organisation by name */
	REPORT_PUBLIC,      /* only organisations that consent to publication (the targets'
	                     * publish column) by name; the rest aggregated without names */
};

struct report_opts {
	const char *out;                /* the directory written: created, or replaced when it
	                                 * holds a previous report (its REPORT_MARKER file);
	                                 * anything else there is refused */
	uint64_t round;                 /* the round reported; 0: the newest */
	size_t history;                 /* rounds in the trends, up to `round`; 0: all */
	enum report_audience audience;
	const char *pack;               /* non-NULL: the send-back pack of this organisation
	                                 * only (its pages and a CSV of its failing and warning
	                                 * tests), instead of the site */
	bool packs;                     /* a send-back pack per organisation, one folder each */
};

/* The file that marks a directory as written by report (a previous report may be replaced). */
#define REPORT_MARKER ".peil-report"

/* What report_write wrote, for the command's closing line. */
struct report_info {
	uint64_t round;
	size_t pages, organisations, domains;
	uint64_t bytes;
};

/* Writes the report of o->round into o->out: built in a new directory beside it (o->out
 * ".tmp-PID"), then swapped into place atomically (renameat2 RENAME_EXCHANGE, or a rename
 * when o->out does not exist) and the old report removed: a crash leaves the old report
 * whole. Never writes outside o->out and its temporary sibling. Returns 0, PEIL_EEXIST
 * (o->out holds something that is not a report), PEIL_ENOENT (no such round, or no such
 * organisation for o->pack), PEIL_EINVAL (no o->out, or one ending in "." or ".."),
 * PEIL_EIO, PEIL_ENOMEM or PEIL_ESTORE; err says what and what to do. */
int report_write(struct store *s, const struct report_opts *o, struct report_info *info,
    char *err, size_t errlen);

#endif
