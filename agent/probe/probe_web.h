/* probe_web.h: the web servers over HTTP(S) as internet.nl judges them: HTTPS offered, HTTP
 * redirected to it, HSTS, HTTP compression, the security headers, security.txt and the same
 * site over IPv4 and IPv6, on every address of the domain and www.<domain>. */
#ifndef PEIL_PROBE_WEB_H
#define PEIL_PROBE_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "dnswork.h"
#include "mxwork.h"
#include "webwork.h"

/* Judges, before any lookup, what this vantage cannot test: web_ipv6_ws_similar without IPv6
 * (not_tested; a vantage without IPv4 is told so by probe_web_run). Returns 0 or PEIL_ENOMEM. */
int probe_web_vantage(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

/* Judges the tests of the catalogue's MODULE_WEB whose slot in res is not NULL and not yet
 * done, and sets done for each it judged; a test left undone (a request the run's time did
 * not allow) is the runner's (time budget exhausted). Returns 0 or PEIL_ENOMEM. */
int probe_web_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

/* internet.nl's content comparison (difflib's SequenceMatcher.quick_ratio over bytes): the
 * percentage by which a and b differ, 0..100, in linear time: 100 - 200 * (bytes the two
 * have in common, as multisets) / (alen + blen); 0 when both are empty. Exposed for tests. */
double probe_web_difference(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

#endif
