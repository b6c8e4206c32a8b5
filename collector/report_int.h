/* report_int.h: what report.c (the directory and its swap), report_site.c (the overview,
 * the vantages page, the per-test pages) and report_org.c (the organisation pages and the
 * send-back packs) share. Not an interface outside the report. */
#ifndef PEIL_REPORT_INT_H
#define PEIL_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalogue.h"
#include "judge.h"
#include "report.h"
#include "store.h"

/* An organisation's page file name: a safe slug of its name and a short hash (never the
 * raw name): [a-z0-9-] only. */
#define REPORT_SLUG_LEN 48

/* One report being written. */
struct rctx {
	struct store *s;
	struct judge *j;
	const struct report_opts *o;
	struct store_view *view;
	int dirfd;                    /* the temporary directory being filled */
	size_t r;                     /* the round reported: j->nrounds - 1 */
	bool pub;                     /* --audience public */
	char (*slug)[REPORT_SLUG_LEN];   /* per organisation */
	FILE *tests[TEST_COUNT];      /* the per-test pages, open during the organisations' walk */
	size_t test_rows[TEST_COUNT];     /* failing domains listed on each */
	size_t test_hidden[TEST_COUNT];   /* failing domains of organisations not published */
	size_t walked;                /* domains whose evidence was read, for store_release_pages */
	struct report_info *info;
	char *err;
	size_t errlen;
};

/* Files: created inside the temporary directory (relative path, O_EXCL, no symlink
 * followed), counted in info. rep_close returns 0 or PEIL_EIO (err set) and closes f in
 * every case. */
int rep_open(struct rctx *x, const char *rel, FILE **f);
int rep_close(struct rctx *x, FILE *f, const char *rel);
int rep_mkdir(struct rctx *x, const char *rel);
/* The page's head up to <body> and <main>: title (untrusted allowed: escaped and cut),
 * the stylesheet's relative path. rep_foot closes what rep_head opened. */
void rep_head(FILE *f, const char *title, const char *title_extra, const char *css);
void rep_foot(FILE *f);
/* Whether organisation `org` (-1: none) may be named on the pages of this audience. */
bool rep_named(const struct rctx *x, long org);

/* Small writers. */
const char *rep_status_name(int status);      /* "passed" .. "error", "no result" */
const char *rep_comply_name(enum judge_comply c);
void rep_status(FILE *f, uint8_t cell);        /* a status span, with the disagree mark */
void rep_comply(FILE *f, enum judge_comply c);
void rep_date(FILE *f, int64_t t);             /* "2026-12-05 00:38 UTC", "-" for 0 */
void rep_pct(FILE *f, size_t part, size_t whole);  /* "12.5%", "99.96%" (chart_num), "-" when whole is 0 */
/* A link to the guideline `id` (rfcNNNN, ncsc-tls-*, ...) or the id as text when unknown;
 * the id is escaped, never put in href. */
void rep_guideline(FILE *f, const char *id);
/* Writes s escaped, at most max bytes cut at a character boundary, "…" when cut. */
void rep_cut(FILE *f, const char *s, size_t max);
/* The stylesheet, written as style.css into directory rel ("" for the top). */
int rep_css(struct rctx *x, const char *dir);

/* The pages. */
int report_site_index(struct rctx *x);
int report_site_vantages(struct rctx *x);
int report_site_tests_open(struct rctx *x);
int report_site_tests_close(struct rctx *x);
/* The page of organisation `org` into rel (its site page, or a pack's index.html with
 * `pack`: no link outside the pack but the guidelines), and with csv non-NULL the pack's
 * failing.csv rows. Appends its failing domains to the open per-test pages (x->tests) when
 * they are open. */
int report_org_page(struct rctx *x, size_t org, const char *rel, bool pack, FILE *csv);
/* The CSV header of failing.csv. */
extern const char report_csv_header[];

#endif
