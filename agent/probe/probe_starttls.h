/* probe_starttls.h: STARTTLS on the mail servers, its TLS judged by the NCSC TLS guidelines. */
#ifndef PEIL_PROBE_STARTTLS_H
#define PEIL_PROBE_STARTTLS_H

#include <stdbool.h>

#include "catalogue.h"
#include "dnswork.h"
#include "mxwork.h"
#include "webwork.h"

/* Judges the mail_starttls_tls_* and mail_starttls_cert_* tests whose slot in res is not NULL
 * and not yet done (the catalogue's MODULE_STARTTLS), and sets done for each it judged; a test
 * left undone is the runner's (time budget exhausted). Returns 0 or PEIL_ENOMEM. */
int probe_starttls_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

#endif
