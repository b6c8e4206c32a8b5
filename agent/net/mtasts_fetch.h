/* mtasts_fetch.h: the MTA-STS policy fetch over HTTPS (RFC 8461 3.3). */
#ifndef PEIL_MTASTS_FETCH_H
#define PEIL_MTASTS_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "mtasts.h"

/* Fetches https://mta-sts.<domain>/.well-known/mta-sts.txt and nothing else (through http_get):
 * HTTPS only, the certificate verified against ca_file (NULL: the system bundle) and its name
 * against mta-sts.<domain>, no redirects (RFC 8461 3.3), no proxy, no cache, `timeout_ms` for
 * the whole transfer (0: DEFAULT_MTASTS_FETCH_MS). resolve_addr is the numeric IPv4/IPv6
 * address to connect to (the probe's own validated lookup; nothing resolves the name: NULL is
 * PEIL_EINVAL). The body goes to buf (at most cap bytes, cap at most MAX_HTTP_BODY_BYTES, not
 * NUL-terminated), its length to *len; *http_code gets the status (0 when none came) and
 * content_type (ctlen bytes, may be NULL) the first Content-Type header ("" when absent;
 * judge it with mtasts_content_type_ok). Returns 0 on a
 * complete 200 response; PEIL_EINVAL (bad domain or address), PEIL_ETOOBIG (body over cap),
 * PEIL_ETIMEDOUT, PEIL_EIO (connect, TLS, HTTP status not 200, other) or PEIL_ENOMEM, with
 * the class in *reason (may be NULL) and "<reason-name>: detail" in why. Thread-safe; the
 * process must ignore SIGPIPE (the agent does). */
int mtasts_fetch(const char *domain, const char *resolve_addr, const char *ca_file,
    unsigned timeout_ms, uint8_t *buf, size_t cap, size_t *len, long *http_code,
    char *content_type, size_t ctlen, enum mtasts_reason *reason, char *why, size_t whylen);

/* For tests only: the TCP port mtasts_fetch connects to (0 restores 443). Not for production:
 * the port is process-wide. */
void mtasts_set_test_port(uint16_t port);

#endif
