/* dnsev.h: evidence gathered once and given to one or more results, and bounded text lists. */
#ifndef PEIL_DNSEV_H
#define PEIL_DNSEV_H

#include <stdbool.h>
#include <stddef.h>

#include "limits.h"
#include "result.h"

#define CUT_MARK     "..."

/* Evidence gathered once and given to one or more results (web and mail share lookups). */
struct dnsev {
	size_t n;
	char *key[MAX_TEST_EVIDENCE];
	char *val[MAX_TEST_EVIDENCE];
	size_t cut;                 /* pairs left out once MAX_TEST_EVIDENCE were held */
	bool nomem;
};

/* Adds key = formatted value (counted in cut, not kept, once MAX_TEST_EVIDENCE pairs are held;
 * nomem set on failure). */
void dnsev_add(struct dnsev *ev, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends every pair of src (and its cut count) to dst. */
void dnsev_copy(struct dnsev *dst, const struct dnsev *src);
void dnsev_clear(struct dnsev *ev);
/* Sets r's status, then "reason" (if any), then the evidence, then "evidence_cut" when pairs
 * were left out; r NULL: nothing. Returns 0 or PEIL_ENOMEM. */
int dnsev_apply(const struct dnsev *ev, Peil__Result *r, int status, const char *reason);

/* A bounded text list: "a, b, c" (cut silently at the evidence value limit). */
struct textlist {
	char buf[MAX_EVIDENCE_VALUE_LEN];
	size_t len;
};

void textlist_add(struct textlist *tl, const char *s);

#endif
