/* probe_ipv6.h: IPv6 (internet.nl's rules): AAAA records of the name, mail and web servers, and
 * their reachability over IPv6. */
#ifndef PEIL_PROBE_IPV6_H
#define PEIL_PROBE_IPV6_H

#include <stdbool.h>

#include "catalogue.h"
#include "dnswork.h"
#include "mxwork.h"
#include "webwork.h"

/* Judges, before any lookup, what this vantage cannot test: the reachability tests when it has
 * no IPv6 (not_tested). Returns 0 or PEIL_ENOMEM. */
int probe_ipv6_vantage(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

/* Judges the *_ipv6_* tests whose slot in res is not NULL and not yet done (the catalogue's
 * MODULE_IPV6), and sets done for each it judged; a test left undone is the runner's (time
 * budget exhausted). Returns 0 or PEIL_ENOMEM. */
int probe_ipv6_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

#endif
