/* probe_rpki.h: RPKI: ROAs covering, and route origin validation (RFC 6811) of, the routes to
 * the web servers, mail servers, name servers and the MX zones' name servers
 * (*_rpki_exists, *_rpki_valid; docs/parity.md, "RPKI"). */
#ifndef PEIL_PROBE_RPKI_H
#define PEIL_PROBE_RPKI_H

#include <stdbool.h>

#include "catalogue.h"
#include "dnswork.h"
#include "mxwork.h"
#include "result.h"
#include "webwork.h"

/* The reasons the RPKI tests are not_tested without tables (src->vrps, src->routes NULL). */
#define MSG_RPKI_NO_VRPS   "no VRP table configured (rpki.caches, rpki.vrp_file)"
#define MSG_RPKI_NO_ROUTES "no route-origin table configured (rpki.routes)"

/* Before any lookup: without a VRP table or a route table every RPKI test asked for is
 * not_tested with the reason; with a stale or never-synced VRP table every one is an error
 * with vrp_validate's reason. Returns 0 or PEIL_ENOMEM. */
int probe_rpki_vantage(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

/* Judges the RPKI tests not done yet: the addresses of each set (web hosts, the domain's name
 * servers, the MX hosts, the MX zones' name servers; at most MAX_RPKI_ADDRS each), the most
 * specific route to each in src->routes with every origin, and each (prefix, origin) against
 * src->vrps. Returns 0 or PEIL_ENOMEM. */
int probe_rpki_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

#endif
