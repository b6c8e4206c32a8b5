/* rtr.h: the VRP table (RPKI validated ROA payloads) and RFC 6811 route origin validation.
 * The table is kept in sync from RTR caches through RTRlib (RFC 8210, falling back to RFC
 * 6810; serial queries, reconnects, several caches in preference order), or loaded from a VRP
 * file (rpki-client JSON or CSV) when no cache is configured. One table per process, shared by
 * every worker thread: every function here is thread-safe. Built against RTRlib 0.8.0. */
#ifndef PEIL_RTR_H
#define PEIL_RTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipprefix.h"
#include "limits.h"

struct vrp_conf {
	const char *caches;       /* "HOST:PORT ..." in preference order (IPv6 as [ADDR]:PORT), at
	                           * most MAX_RTR_CACHES; NULL or "": none */
	const char *file;         /* a VRP file, used when caches is NULL or "": rpki-client JSON
	                           * ("roas": prefix, maxLength, asn) or CSV (ASN,IP Prefix,Max
	                           * Length[,Trust Anchor]; "AS" before the number allowed) */
	unsigned max_age_s;       /* older than this (since the last sync or load): stale; 0:
	                           * DEFAULT_VRP_MAX_AGE_S. With caches at most 172799 (RTRlib
	                           * drops a cache's VRPs after 48 h without a sync) */
	unsigned sync_ms;         /* vrp_open waits this long for the first sync; 0:
	                           * DEFAULT_RTR_SYNC_MS. A cache not synced by then is no error:
	                           * the table says why in vrp_status, and validation gives error */
};

struct vrp_table;

/* Opens the table: starts the RTR manager on the caches (waiting up to sync_ms for the first
 * full sync), or loads the file. NULL on a configuration error (a cache that does not parse, an
 * unreadable or malformed file: "FILE:LINE: reason" or "FILE: offset N: reason"), with the
 * reason in err. Neither caches nor file: NULL with "no RTR cache and no VRP file". RTRlib is
 * loaded here (rtrapi.h): without it the table is returned never synced, the reason in
 * vrp_status's why, and validation gives error with it. */
struct vrp_table *vrp_open(const struct vrp_conf *vc, char *err, size_t errlen);
void vrp_close(struct vrp_table *t);

struct vrp {
	struct ipprefix prefix;
	uint8_t max_len;
	uint32_t asn;
};

enum rov_state { ROV_NOT_FOUND, ROV_VALID, ROV_INVALID };

/* The RFC 6811 state of one route and the VRPs that decided it: when valid, the VRPs that
 * match; when invalid, the VRPs that cover it (none matches). */
struct rov {
	enum rov_state state;
	bool invalid_as;           /* invalid: no covering VRP has the route's origin AS */
	bool invalid_length;       /* invalid: one has its AS, the route is longer than maxLength */
	size_t nvrps;              /* VRPs in vrps[] */
	size_t total_vrps;         /* VRPs that decided (may be more than MAX_VRP_EVIDENCE) */
	struct vrp vrps[MAX_VRP_EVIDENCE];
};

/* Validates route `prefix` announced by `origin` (RFC 6811 2.). Returns 0 with *out set;
 * PEIL_EAGAIN when the table is stale or was never synced, with "VRP table N s old (limit M s)"
 * or "VRP table not synced: REASON" in why; PEIL_ENOMEM. */
int vrp_validate(struct vrp_table *t, const struct ipprefix *prefix, uint32_t origin,
    struct rov *out, char *why, size_t whylen);

/* Whether some VRP covers `prefix` (a ROA exists for the address space), with the covering
 * VRPs as in struct rov (state unused). Same returns as vrp_validate. */
int vrp_covered(struct vrp_table *t, const struct ipprefix *prefix, struct rov *out,
    char *why, size_t whylen);

struct vrp_status {
	char source[128];          /* "rtr 203.0.113.40:8282" (the cache in use) or "file PATH" */
	bool synced;               /* has a table */
	uint64_t age_s;            /* seconds since the last successful sync or load */
	uint64_t vrps;             /* VRPs in the table (IPv4 + IPv6) */
	uint32_t serial;           /* RTR serial (0 for a file) */
	char why[160];             /* why not synced, the last cache error, a VRP file that did
	                           * not load again ("FILE:LINE: reason"), or "no sync or load
	                           * for N s (limit M s)"; "" if none */
};
void vrp_status(struct vrp_table *t, struct vrp_status *st);

/* The VRP file parser (vrp_open's, exposed for the fuzz target): rpki-client JSON (the first
 * byte past blanks is '{': the "roas" array's prefix, maxLength (absent: the prefix length) and
 * asn (a number or "AS64500"); other keys skipped) or CSV (ASN,IP Prefix,Max Length[,Trust
 * Anchor]; a header line, blank lines and '#' comments allowed). Calls fn for every VRP in
 * order; a non-zero return from fn stops the parse and is returned. Returns 0, PEIL_EINVAL
 * ("NAME:LINE: reason" for CSV, "NAME: offset N: reason" for JSON in err) or PEIL_ETOOBIG
 * (MAX_VRP_FILE_BYTES, MAX_VRPS, MAX_VRP_CSV_LINE). */
typedef int (*vrp_file_fn)(const struct vrp *v, void *arg);
int vrp_file_parse(const uint8_t *buf, size_t len, const char *name, vrp_file_fn fn, void *arg,
    char *err, size_t errlen);

#endif
