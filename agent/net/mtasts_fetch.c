/* mtasts_fetch.c: the MTA-STS policy fetch over HTTPS (libcurl), nothing else. */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "err.h"
#include "limits.h"
#include "mtasts.h"
#include "mtasts_fetch.h"

static _Atomic uint16_t mtasts_port;
static pthread_once_t mtasts_curl_once = PTHREAD_ONCE_INIT;
static CURLcode mtasts_curl_rc = CURLE_FAILED_INIT;

void
mtasts_set_test_port(uint16_t port)
{
	mtasts_port = port;
}

static void
mtasts_curl_init(void)
{
	mtasts_curl_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The body sink: at most cap bytes; one more aborts the transfer. */
struct mtasts_sink {
	uint8_t *buf;
	size_t cap, len;
	bool overflow;
};

static size_t
mtasts_write(char *data, size_t size, size_t n, void *arg)
{
	struct mtasts_sink *s = arg;

	n *= size;
	if (n > s->cap - s->len) {
		s->overflow = true;
		return 0;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	return n;
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
	char host[MAX_DOMAIN_LEN + 1], url[MAX_DOMAIN_LEN + 64], res[MAX_DOMAIN_LEN + 128];
	char cerr[CURL_ERROR_SIZE];
	struct mtasts_sink sink = { .buf = buf, .cap = cap };
	struct curl_slist *rlist = NULL;
	enum mtasts_reason r = MTASTS_R_OK;
	uint8_t addr[16];
	unsigned port;
	char *ct = NULL;
	long code = 0;
	CURL *h = NULL;
	CURLcode cc;
	int rc;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (content_type != NULL && ctlen > 0)
		content_type[0] = '\0';
	if (len != NULL)
		*len = 0;
	if (http_code != NULL)
		*http_code = 0;
	cerr[0] = '\0';
	if (domain == NULL || buf == NULL || !mtasts_policy_host(domain, host, sizeof(host))) {
		r = MTASTS_R_FETCH_NAME;
		err_set(why, whylen, "fetch-name: domain not a host name");
		rc = PEIL_EINVAL;
		goto out;
	}
	if (timeout_ms == 0)
		timeout_ms = DEFAULT_MTASTS_FETCH_MS;
	port = mtasts_port != 0 ? mtasts_port : 443;
	if (resolve_addr != NULL) {
		if (inet_pton(AF_INET, resolve_addr, addr) == 1) {
			snprintf(res, sizeof(res), "%s:%u:%s", host, port, resolve_addr);
		} else if (strnlen(resolve_addr, 64) < 64 &&
		    inet_pton(AF_INET6, resolve_addr, addr) == 1) {
			snprintf(res, sizeof(res), "%s:%u:[%s]", host, port, resolve_addr);
		} else {
			r = MTASTS_R_FETCH_NAME;
			err_set(why, whylen, "fetch-name: resolve address not numeric");
			rc = PEIL_EINVAL;
			goto out;
		}
	}
	if (port == 443)
		snprintf(url, sizeof(url), "https://%s/.well-known/mta-sts.txt", host);
	else
		snprintf(url, sizeof(url), "https://%s:%u/.well-known/mta-sts.txt", host, port);

	pthread_once(&mtasts_curl_once, mtasts_curl_init);
	if (mtasts_curl_rc != CURLE_OK || (h = curl_easy_init()) == NULL) {
		r = MTASTS_R_FETCH_ERROR;
		err_set(why, whylen, "fetch-error: libcurl initialisation failed");
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (resolve_addr != NULL && (rlist = curl_slist_append(NULL, res)) == NULL) {
		r = MTASTS_R_FETCH_ERROR;
		err_set(why, whylen, "fetch-error: out of memory");
		rc = PEIL_ENOMEM;
		goto out;
	}
	cc = CURLE_OK;
	/* Each setopt can only fail for a missing feature or memory; the first failure counts. */
#define MTASTS_SET(opt, val) do { if (cc == CURLE_OK) cc = curl_easy_setopt(h, opt, val); } while (0)
	MTASTS_SET(CURLOPT_URL, url);
	MTASTS_SET(CURLOPT_PROTOCOLS_STR, "https");
	MTASTS_SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	MTASTS_SET(CURLOPT_FOLLOWLOCATION, 0L);
	MTASTS_SET(CURLOPT_MAXREDIRS, 0L);
	MTASTS_SET(CURLOPT_SSL_VERIFYPEER, 1L);
	MTASTS_SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca_file != NULL)
		MTASTS_SET(CURLOPT_CAINFO, ca_file);
	MTASTS_SET(CURLOPT_PROXY, "");
	MTASTS_SET(CURLOPT_NOSIGNAL, 1L);
	MTASTS_SET(CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	MTASTS_SET(CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	MTASTS_SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
	MTASTS_SET(CURLOPT_WRITEFUNCTION, mtasts_write);
	MTASTS_SET(CURLOPT_WRITEDATA, &sink);
	MTASTS_SET(CURLOPT_ERRORBUFFER, cerr);
	MTASTS_SET(CURLOPT_USERAGENT, "peil/" PEIL_VERSION);
	MTASTS_SET(CURLOPT_FORBID_REUSE, 1L);
	if (rlist != NULL)
		MTASTS_SET(CURLOPT_RESOLVE, rlist);
#undef MTASTS_SET
	if (cc != CURLE_OK) {
		r = MTASTS_R_FETCH_ERROR;
		err_set(why, whylen, "fetch-error: %s", curl_easy_strerror(cc));
		rc = PEIL_EIO;
		goto out;
	}
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != NULL &&
	    content_type != NULL && ctlen > 0)
		snprintf(content_type, ctlen, "%s", ct);
	if (http_code != NULL)
		*http_code = code;
	if (len != NULL)
		*len = sink.len;
	rc = PEIL_EIO;
	switch (cc) {
	case CURLE_OK:
		if (code != 200) {
			r = MTASTS_R_FETCH_HTTP;
			err_set(why, whylen, "fetch-http: status %ld%s", code,
			    code >= 300 && code < 400 ? " (redirects are not followed)" : "");
			goto out;
		}
		rc = 0;
		goto out;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (cc == CURLE_FILESIZE_EXCEEDED || sink.overflow) {
			r = MTASTS_R_FETCH_TOO_BIG;
			err_set(why, whylen, "fetch-too-big: body over %zu bytes", cap);
			rc = PEIL_ETOOBIG;
			goto out;
		}
		r = MTASTS_R_FETCH_ERROR;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		r = MTASTS_R_FETCH_TIMEOUT;
		rc = PEIL_ETIMEDOUT;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		r = MTASTS_R_FETCH_CONNECT;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		r = MTASTS_R_FETCH_TLS;
		break;
	default:
		r = MTASTS_R_FETCH_ERROR;
		break;
	}
	err_set(why, whylen, "%s: %s", mtasts_reason_name(r),
	    cerr[0] != '\0' ? cerr : curl_easy_strerror(cc));
out:
	curl_slist_free_all(rlist);
	if (h != NULL)
		curl_easy_cleanup(h);
	mtasts_set_reason(reason, r);
	return rc;
}
