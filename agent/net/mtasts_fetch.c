/* mtasts_fetch.c: the MTA-STS policy fetch over HTTPS (the HTTP engine), nothing else. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "http.h"
#include "limits.h"
#include "mtasts.h"
#include "mtasts_fetch.h"

static _Atomic uint16_t mtasts_port;

void
mtasts_set_test_port(uint16_t port)
{
	mtasts_port = port;
}

static void
mtasts_set_reason(enum mtasts_reason *reason, enum mtasts_reason r)
{
	if (reason != NULL)
		*reason = r;
}

int
mtasts_fetch(const char *domain, const char *resolve_addr, const char *ca_file,
    unsigned timeout_ms, uint8_t *buf, size_t cap, size_t *len, long *http_code,
    char *content_type, size_t ctlen, enum mtasts_reason *reason, char *why, size_t whylen)
{
	char host[MAX_DOMAIN_LEN + 1], url[MAX_DOMAIN_LEN + 64];
	struct http_request rq = { 0 };
	struct http_response *hr = NULL;
	const struct http_field *ct;
	enum mtasts_reason r = MTASTS_R_OK;
	uint8_t addr[16];
	unsigned port;
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (content_type != NULL && ctlen > 0)
		content_type[0] = '\0';
	if (len != NULL)
		*len = 0;
	if (http_code != NULL)
		*http_code = 0;
	if (domain == NULL || buf == NULL || !mtasts_policy_host(domain, host, sizeof(host))) {
		r = MTASTS_R_FETCH_NAME;
		err_set(why, whylen, "fetch-name: domain not a host name");
		rc = PEIL_EINVAL;
		goto out;
	}
	/* The probe's own validated lookup gives the address: libcurl resolves no name. */
	if (resolve_addr == NULL || strnlen(resolve_addr, 64) >= 64 ||
	    (inet_pton(AF_INET, resolve_addr, addr) != 1 &&
	    inet_pton(AF_INET6, resolve_addr, addr) != 1)) {
		r = MTASTS_R_FETCH_NAME;
		err_set(why, whylen, "fetch-name: resolve address not numeric");
		rc = PEIL_EINVAL;
		goto out;
	}
	port = mtasts_port != 0 ? mtasts_port : 443;
	if (port == 443)
		snprintf(url, sizeof(url), "https://%s/.well-known/mta-sts.txt", host);
	else
		snprintf(url, sizeof(url), "https://%s:%u/.well-known/mta-sts.txt", host, port);
	if ((hr = calloc(1, sizeof(*hr))) == NULL) {
		r = MTASTS_R_FETCH_ERROR;
		err_set(why, whylen, "fetch-error: out of memory");
		rc = PEIL_ENOMEM;
		goto out;
	}
	rq.url = url;
	rq.addr = resolve_addr;
	rq.ca_file = ca_file;
	rq.verify = true;
	rq.timeout_ms = timeout_ms != 0 ? timeout_ms : DEFAULT_MTASTS_FETCH_MS;
	rq.body_cap = cap;
	rq.max_redirects = 0;           /* RFC 8461 3.3: redirects are not followed */
	if ((rc = http_get(&rq, hr)) != 0) {
		r = rc == PEIL_EINVAL ? MTASTS_R_FETCH_NAME : MTASTS_R_FETCH_ERROR;
		err_set(why, whylen, "%s: %s", mtasts_reason_name(r), hr->why);
		goto out;
	}
	if (http_code != NULL)
		*http_code = hr->code;
	if ((ct = http_field_get(hr, "content-type", 0)) != NULL && content_type != NULL &&
	    ctlen > 0)
		snprintf(content_type, ctlen, "%s", ct->value);
	if (hr->bodylen > 0)
		memcpy(buf, hr->body, hr->bodylen);
	if (len != NULL)
		*len = hr->bodylen;
	rc = PEIL_EIO;
	switch (hr->fail) {
	case HTTP_OK:
		if (hr->body_cut) {
			r = MTASTS_R_FETCH_TOO_BIG;
			err_set(why, whylen, "fetch-too-big: body over %zu bytes", cap);
			rc = PEIL_ETOOBIG;
			goto out;
		}
		if (hr->code != 200) {
			r = MTASTS_R_FETCH_HTTP;
			err_set(why, whylen, "fetch-http: status %ld%s", hr->code,
			    hr->code >= 300 && hr->code < 400 ? " (redirects are not followed)" : "");
			goto out;
		}
		rc = 0;
		goto out;
	case HTTP_F_TIMEOUT:
		r = MTASTS_R_FETCH_TIMEOUT;
		rc = PEIL_ETIMEDOUT;
		break;
	case HTTP_F_CONNECT:
		r = MTASTS_R_FETCH_CONNECT;
		break;
	case HTTP_F_TLS:
		r = MTASTS_R_FETCH_TLS;
		break;
	default:
		r = MTASTS_R_FETCH_ERROR;
		break;
	}
	err_set(why, whylen, "%s: %s", mtasts_reason_name(r), hr->why);
out:
	http_response_clear(hr);
	free(hr);
	mtasts_set_reason(reason, r);
	return rc;
}
