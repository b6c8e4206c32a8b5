/* probe_mailauth.h: mail authentication: SPF (RFC 7208), DMARC (RFC 7489), DKIM (RFC 6376). */
#ifndef PEIL_PROBE_MAILAUTH_H
#define PEIL_PROBE_MAILAUTH_H

#include <stdbool.h>

#include "catalogue.h"
#include "dnswork.h"
#include "mxwork.h"
#include "webwork.h"

/* Judges the mail_auth_* tests whose slot in res is not NULL and not yet done (the catalogue's
 * MODULE_MAILAUTH), and sets done for each it judged; a test left undone is the runner's (time
 * budget exhausted). Returns 0 or PEIL_ENOMEM. */
int probe_mailauth_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

#endif
