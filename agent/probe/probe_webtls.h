/* probe_webtls.h: HTTPS on every address of the web servers, its TLS and certificate judged
 * by the NCSC TLS guidelines, DANE on port 443, and CAA. */
#ifndef PEIL_PROBE_WEBTLS_H
#define PEIL_PROBE_WEBTLS_H

#include <stdbool.h>

#include "catalogue.h"
#include "dnswork.h"
#include "mxwork.h"
#include "webwork.h"

/* Judges the web_https_tls_*, web_https_cert_* and web_https_dane_* tests (and web_caa when
 * the catalogue gives it MODULE_WEBTLS) whose slot in res is not NULL and not yet done, and
 * sets done for each it judged; a test left undone is the runner's (time budget exhausted).
 * Returns 0 or PEIL_ENOMEM. */
int probe_webtls_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT]);

#endif
