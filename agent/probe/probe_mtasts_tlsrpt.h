/* probe_mtasts_tlsrpt.h: MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) of the mail domain. */
#ifndef PEIL_PROBE_MTASTS_TLSRPT_H
#define PEIL_PROBE_MTASTS_TLSRPT_H

#include <stdbool.h>

#include "catalogue.h"
#include "dnswork.h"
#include "mxwork.h"
#include "webwork.h"

/* Judges the mail_mtasts and mail_tlsrpt tests whose slot in res is not NULL and not yet done
 * (the catalogue's MODULE_MTASTS_TLSRPT), and sets done for each it judged; a test left undone
 * is the runner's (time budget exhausted). Returns 0 or PEIL_ENOMEM. */
int probe_mtasts_tlsrpt_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

#endif
