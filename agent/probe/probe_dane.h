/* probe_dane.h: DANE for mail (RFC 7672): TLSA records of the MX hosts and their match. */
#ifndef PEIL_PROBE_DANE_H
#define PEIL_PROBE_DANE_H

#include <stdbool.h>

#include "catalogue.h"
#include "dnswork.h"
#include "mxwork.h"
#include "webwork.h"

/* Judges the mail_starttls_dane_* tests whose slot in res is not NULL and not yet done (the
 * catalogue's MODULE_DANE), and sets done for each it judged; a test left undone is the
 * runner's (time budget exhausted). Returns 0 or PEIL_ENOMEM. */
int probe_dane_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

#endif
