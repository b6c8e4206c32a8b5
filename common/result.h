/* result.h: results (DESIGN.md §6): building, checking, naming their statuses, printing. */
#ifndef PEIL_RESULT_H
#define PEIL_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "peil.pb-c.h"

/* "passed", "failed", ... for a Peil__Status; "unspecified" for anything else. */
const char *status_name(int status);
/* Parses a status name; returns 0 and sets *out, or PEIL_EINVAL. */
int status_parse(const char *s, int *out);

/* A result under construction. result_new returns NULL on out of memory; the caller frees
 * with result_free (accepts NULL), which frees every string and evidence pair it holds. */
Peil__Result *result_new(const char *domain, const char *test_id, int status,
    const char *guideline);
/* Appends one evidence pair; the value is formatted and cut at MAX_EVIDENCE_VALUE_LEN (marked
 * "...[truncated]"). Past MAX_EVIDENCE_PAIRS the pair is dropped and one last pair
 * "truncated"="evidence pairs over limit" says so. Returns 0 or PEIL_ENOMEM. */
int result_add_evidence(Peil__Result *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Replaces the status (and keeps the evidence). */
void result_set_status(Peil__Result *r, int status);
/* Replaces the guideline the result was judged by (e.g. "ncsc-tls-2.1"). Returns 0 or
 * PEIL_ENOMEM (the old one is kept). */
int result_set_guideline(Peil__Result *r, const char *guideline);
void result_free(Peil__Result *r);
/* A deep copy made with our allocator, or NULL. */
Peil__Result *result_dup(const Peil__Result *r);

/* A growable list of results; owns them. */
struct result_set {
	Peil__Result **items;
	size_t n, cap;
};
/* Takes ownership of r (frees it on failure). Returns 0 or PEIL_ENOMEM. */
int result_set_add(struct result_set *rs, Peil__Result *r);
Peil__Result *result_set_find(const struct result_set *rs, const char *test_id);
void result_set_clear(struct result_set *rs);

/* Whether r is a vantage self-test (a test of catalogue category "vantage"): the one kind of
 * result whose domain is empty (docs/protocol.md, "Results about the vantage itself"). */
bool result_about_vantage(const Peil__Result *r);
/* Checks that a result received from the network is within limits and well formed (domain,
 * test id, status, evidence sizes, UTF-8 free of NUL). The domain is a host name, or empty
 * (no target: the collector stores that only for a vantage self-test, result_about_vantage,
 * and refuses any other as not a target). Returns 0 or PEIL_EINVAL. */
int result_check(const Peil__Result *r);

/* One JSON object on one line, newline included. Strings are escaped. Returns 0 or PEIL_EIO. */
int result_write_json(const Peil__Result *r, FILE *f);
/* The same object without its closing brace and newline, for a caller that adds keys. */
int result_write_json_open(const Peil__Result *r, FILE *f);
/* CSV header and one CSV row (RFC 4180 quoting; evidence as key=value joined by "; "). */
#define RESULT_CSV_COLUMNS "round,domain,test,status,vantage,guideline,measured_at,result_seq," \
	"evidence"
int result_write_csv_header(FILE *f);
int result_write_csv(const Peil__Result *r, FILE *f);
/* The row's fields without the newline, for a caller that adds columns. */
int result_write_csv_fields(const Peil__Result *r, FILE *f);
/* Writes one result as aligned table rows: test, status, vantage, then indented evidence.
 * Every string goes through esc.h: JSON by esc_json, CSV by esc_csv, the table by esc_text. */
int result_write_table(const Peil__Result *r, FILE *f, bool with_vantage);

#endif
