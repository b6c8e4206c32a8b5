/* probe_dnssec.h: DNSSEC (RFC 4033): the domain's zone and the MX hosts' zones. */
#ifndef PEIL_PROBE_DNSSEC_H
#define PEIL_PROBE_DNSSEC_H

#include <stdbool.h>

#include "catalogue.h"
#include "dnswork.h"
#include "mxwork.h"
#include "webwork.h"

/* Judges the DNSSEC tests whose slot in res is not NULL and not yet done (the catalogue's
 * MODULE_DNSSEC), and sets done for each it judged; a test left undone is the runner's (time
 * budget exhausted). Returns 0 or PEIL_ENOMEM. */
int probe_dnssec_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

#endif
