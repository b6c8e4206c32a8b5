/* http.c: one HTTP(S) GET through libcurl, pinned to the address under test (see http.h). */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "clock.h"
#include "curlapi.h"
#include "dynlib.h"
#include "err.h"
#include "http.h"

struct http_conn {
	CURL *h;                /* NULL until the first GET */
};

static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static int http_init_rc = PEIL_ENOMEM;
static char http_init_why[DYNLIB_WHY_LEN];

static void
http_init(void)
{
	const struct curlapi *curl = curlapi_load(http_init_why, sizeof(http_init_why));

	if (curl == NULL) {
		http_init_rc = PEIL_ENOLIB;
	} else if (curl->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		/* Taken as out of memory, its usual cause. */
		snprintf(http_init_why, sizeof(http_init_why), "libcurl's initialisation failed");
		http_init_rc = PEIL_ENOMEM;
	} else {
		http_init_rc = 0;
	}
}

int
http_global_init(char *err, size_t errlen)
{
	pthread_once(&http_once, http_init);
	if (http_init_rc != 0)
		err_set(err, errlen, "%s", http_init_why);
	return http_init_rc;
}

/* --- The header collector --------------------------------------------------------------- */

static bool
http_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* p[0..*n) without the leading and trailing SP / HTAB. */
static const char *
http_trim(const char *p, size_t *n)
{
	while (*n > 0 && http_ows(p[0])) {
		p++;
		(*n)--;
	}
	while (*n > 0 && http_ows(p[*n - 1]))
		(*n)--;
	return p;
}

/* Appends n bytes to hbuf (the caller made room), a NUL received as '?'. */
static void
http_store(struct http_response *r, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r->hbuf[r->hlen++] = p[i] == '\0' ? '?' : p[i];
}

static int
http_headers_stop(struct http_response *r, const char *what)
{
	r->fail = HTTP_F_HEADERS;
	r->rc = PEIL_ETOOBIG;
	snprintf(r->why, sizeof(r->why), "%s: the transfer was stopped", what);
	return PEIL_ETOOBIG;
}

/* A continuation line (obs-fold) p[0..n): joined to the field kept last with one SP. */
static void
http_fold(struct http_response *r, const char *p, size_t n)
{
	struct http_field *f = &r->field[r->nfields - 1];

	p = http_trim(p, &n);
	if (n == 0)
		return;
	/* The field kept last ends hbuf; its NUL becomes the SP (or the first byte). */
	if (n + (f->valuelen > 0 ? 1 : 0) > sizeof(r->hbuf) - r->hlen) {
		r->fields_cut = true;
		r->fold_ok = false;
		return;
	}
	r->hlen--;
	if (f->valuelen > 0) {
		r->hbuf[r->hlen++] = ' ';
		f->valuelen++;
	}
	http_store(r, p, n);
	f->valuelen += n;
	r->hbuf[r->hlen++] = '\0';
}

int
http_collect_line(struct http_response *r, const char *line, size_t len)
{
	const char *colon, *v;
	struct http_field *f;
	size_t nlen, vlen;

	if (r->fail == HTTP_F_HEADERS)
		return PEIL_ETOOBIG;
	if (len > MAX_HTTP_FIELD_LEN)
		return http_headers_stop(r, "a header line over MAX_HTTP_FIELD_LEN ("
		    "16384 bytes)");
	if (len > MAX_HTTP_HEADER_BYTES - r->hbytes)
		return http_headers_stop(r, "the header over MAX_HTTP_HEADER_BYTES (65536 bytes)");
	r->hbytes += len;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0) {
		r->fold_ok = false;
		return 0;
	}
	if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		/* A new response (after a 1xx, or the next hop): only the final one's fields. */
		r->nfields = r->fields_seen = r->hlen = 0;
		r->fields_cut = r->fold_ok = false;
		return 0;
	}
	if (http_ows(line[0])) {
		if (r->fold_ok)
			http_fold(r, line, len);
		return 0;
	}
	r->fold_ok = false;
	if ((colon = memchr(line, ':', len)) == NULL || colon == line)
		return 0;
	r->fields_seen++;
	nlen = (size_t)(colon - line);
	vlen = len - nlen - 1;
	v = http_trim(colon + 1, &vlen);
	if (r->nfields == MAX_HTTP_FIELDS || nlen + vlen + 2 > sizeof(r->hbuf) - r->hlen) {
		r->fields_cut = true;
		return 0;
	}
	f = &r->field[r->nfields++];
	f->name = r->hbuf + r->hlen;
	f->namelen = nlen;
	http_store(r, line, nlen);
	r->hbuf[r->hlen++] = '\0';
	f->value = r->hbuf + r->hlen;
	f->valuelen = vlen;
	http_store(r, v, vlen);
	r->hbuf[r->hlen++] = '\0';
	r->fold_ok = true;
	return 0;
}

/* --- The engine ------------------------------------------------------------------------- */

#define HTTP_BODY_FIRST_ALLOC 16384   /* the body buffer's first size */

/* One transfer's sinks. */
struct http_xfer {
	struct http_response *r;
	size_t keep;            /* body bytes kept at most */
	size_t alloc;           /* bytes of r->body allocated (grown as the body comes) */
	bool nomem;             /* growing r->body failed: the transfer was stopped */
	size_t limit;           /* body bytes read at most; one more stops the transfer */
	size_t got;             /* body bytes received on this hop */
	bool body_stop;         /* the write callback stopped the transfer (body_cut) */
	bool head_stop;         /* the header callback stopped it (HTTP_F_HEADERS) */
};

static size_t
http_on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_xfer *x = arg;

	n *= size;
	if (http_collect_line(x->r, data, n) != 0) {
		x->head_stop = true;
		return 0;
	}
	return n;
}

static size_t
http_on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_xfer *x = arg;
	struct http_response *r = x->r;

	n *= size;
	if (r->bodylen < x->keep) {
		size_t c = x->keep - r->bodylen < n ? x->keep - r->bodylen : n;

		/* The buffer grows with the body (doubling, up to keep): most pages are small. */
		if (r->bodylen + c > x->alloc) {
			size_t want = x->alloc > 0 ? x->alloc : HTTP_BODY_FIRST_ALLOC;
			uint8_t *nb;

			while (want < r->bodylen + c)
				want *= 2;
			if (want > x->keep)
				want = x->keep;
			if ((nb = realloc(r->body, want)) == NULL) {
				x->nomem = true;
				return 0;
			}
			r->body = nb;
			x->alloc = want;
		}
		memcpy(r->body + r->bodylen, data, c);
		r->bodylen += c;
	}
	if (n > x->limit - x->got) {
		x->got = x->limit;
		x->body_stop = true;
		r->body_cut = true;
		return 0;
	}
	x->got += n;
	return n;
}

/* Both are libcurl's write callbacks, called through the variadic curl_easy_setopt. */
_Static_assert(__builtin_types_compatible_p(__typeof__(&http_on_header), curl_write_callback) &&
    __builtin_types_compatible_p(__typeof__(&http_on_body), curl_write_callback),
    "http_on_header and http_on_body are curl_write_callbacks");

/* The parts of a URL a redirect is judged by. */
struct http_url {
	char scheme[8];
	char host[MAX_HTTP_URL_LEN + 1];
	long port;              /* the port in effect (the scheme's default when none written) */
	long port_written;      /* the port written in the URL, 0 none */
	char norm[MAX_HTTP_URL_LEN + 1];  /* libcurl's normalised form (loop detection) */
};

/* Parses url into *o. Returns 0, PEIL_EINVAL (not an absolute http(s) URL with a host, or
 * too long) or PEIL_ENOMEM. */
static int
http_url_parse(const char *url, struct http_url *o)
{
	const struct curlapi *curl = curlapi();
	CURLU *u = NULL;
	char *s = NULL;
	CURLUcode uc;
	int rc = PEIL_EINVAL;

	memset(o, 0, sizeof(*o));
	if (strnlen(url, MAX_HTTP_URL_LEN + 1) > MAX_HTTP_URL_LEN)
		goto out;
	if ((u = curl->url()) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((uc = curl->url_set(u, CURLUPART_URL, url, 0)) != CURLUE_OK) {
		rc = uc == CURLUE_OUT_OF_MEMORY ? PEIL_ENOMEM : PEIL_EINVAL;
		goto out;
	}
	if (curl->url_get(u, CURLUPART_SCHEME, &s, 0) != CURLUE_OK ||
	    (strcmp(s, "http") != 0 && strcmp(s, "https") != 0))
		goto out;
	snprintf(o->scheme, sizeof(o->scheme), "%s", s);
	curl->free(s);
	s = NULL;
	if (curl->url_get(u, CURLUPART_HOST, &s, 0) != CURLUE_OK || s[0] == '\0')
		goto out;
	snprintf(o->host, sizeof(o->host), "%s", s);
	curl->free(s);
	s = NULL;
	if (curl->url_get(u, CURLUPART_PORT, &s, 0) == CURLUE_OK) {
		o->port_written = strtol(s, NULL, 10);
		curl->free(s);
		s = NULL;
	}
	o->port = o->port_written != 0 ? o->port_written : strcmp(o->scheme, "https") == 0 ?
	    443 : 80;
	if (curl->url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK ||
	    strlen(s) > MAX_HTTP_URL_LEN)
		goto out;
	snprintf(o->norm, sizeof(o->norm), "%s", s);
	rc = 0;
out:
	curl->free(s);
	curl->url_cleanup(u);
	return rc;
}

int
http_url_host(const char *url, char *host, size_t len)
{
	struct http_url *u;
	int rc;

	if ((rc = http_global_init(NULL, 0)) != 0)
		return rc;
	if ((u = malloc(sizeof(*u))) == NULL)
		return PEIL_ENOMEM;
	if ((rc = http_url_parse(url, u)) == 0) {
		if (strlen(u->host) > MAX_DOMAIN_LEN || strlen(u->host) >= len)
			rc = PEIL_EINVAL;
		else
			snprintf(host, len, "%s", u->host);
	}
	free(u);
	return rc;
}

/* May the redirect of the last hop to target be followed? 1 yes, 0 no (why says why),
 * PEIL_ENOMEM. */
static int
http_follow_ok(const struct http_url *first, const struct http_response *out,
    unsigned max_redirects, const char *target, char *why, size_t whylen, bool *other_host)
{
	struct http_url *t;
	int rc;

	*other_host = false;
	if (out->nhops > max_redirects) {
		snprintf(why, whylen, "not followed: %u redirect%s allowed", max_redirects,
		    max_redirects == 1 ? "" : "s");
		return 0;
	}
	if ((t = malloc(sizeof(*t))) == NULL)
		return PEIL_ENOMEM;
	if ((rc = http_url_parse(target, t)) == PEIL_ENOMEM)
		goto out;
	if (rc != 0) {
		rc = 0;
		snprintf(why, whylen, "not followed: not an http or https URL");
		goto out;
	}
	/* The scheme's default port, or the port and scheme of the URL asked first. */
	if (t->port != (strcmp(t->scheme, "https") == 0 ? 443 : 80) &&
	    (first->port_written == 0 || t->port != first->port_written ||
	    strcmp(t->scheme, first->scheme) != 0)) {
		snprintf(why, whylen, "not followed: %s on port %ld (not the scheme's default "
		    "port)", t->scheme, t->port);
		goto out;
	}
	if (strcasecmp(t->host, first->host) != 0) {
		snprintf(why, whylen, "not followed: another host (%.100s)", t->host);
		*other_host = true;
		goto out;
	}
	for (size_t i = 0; i < out->nhops; i++) {
		struct http_url *h = malloc(sizeof(*h));
		bool same;

		if (h == NULL) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		same = http_url_parse(out->hop[i].url, h) == 0 && strcmp(h->norm, t->norm) == 0;
		free(h);
		if (same) {
			snprintf(why, whylen, "not followed: a loop (hop %zu asked it)", i + 1);
			goto out;
		}
	}
	rc = 1;
out:
	free(t);
	return rc;
}

/* Maps a failed transfer to out->fail, out->rc, out->why. Returns PEIL_ENOMEM when the
 * failure was ours, else 0. */
static int
http_map_fail(CURL *h, CURLcode cc, const struct http_xfer *x, const char *cerr,
    struct http_response *out)
{
	const struct curlapi *curl = curlapi();
	const char *msg = cerr[0] != '\0' ? cerr : curl->easy_strerror(cc);
	long sent = 0;

	if (cc == CURLE_WRITE_ERROR && x->head_stop)
		return 0;       /* the collector said why */
	out->rc = PEIL_EIO;
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
		out->fail = HTTP_F_CONNECT;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		out->fail = HTTP_F_TIMEOUT;
		out->rc = PEIL_ETIMEDOUT;
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		out->fail = HTTP_F_TLS;
		break;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP3:
		out->fail = HTTP_F_PROTOCOL;
		break;
	case CURLE_OUT_OF_MEMORY:
		/* libcurl says so too of a header line over CURL_MAX_HTTP_HEADER (100 KB): once
		 * the request went out, that is the likelier cause. */
		if (CURLAPI_GETINFO(curl, h, CURLINFO_REQUEST_SIZE, &sent) == CURLE_OK && sent > 0) {
			out->fail = HTTP_F_HEADERS;
			out->rc = PEIL_ETOOBIG;
			snprintf(out->why, sizeof(out->why), "a header line over libcurl's limit "
			    "(CURL_MAX_HTTP_HEADER, %d bytes): the transfer was stopped",
			    CURL_MAX_HTTP_HEADER);
			return 0;
		}
		return PEIL_ENOMEM;
	default:
		out->fail = HTTP_F_OTHER;
		break;
	}
	snprintf(out->why, sizeof(out->why), "%s", msg);
	/* libcurl's messages may end with a newline. */
	for (size_t n = strlen(out->why); n > 0 && out->why[n - 1] == '\n'; n--)
		out->why[n - 1] = '\0';
	return 0;
}

/* The redirect target of the hop just done into hp->location: libcurl's resolved Location. */
static void
http_hop_location(CURL *h, struct http_response *out, struct http_hop *hp)
{
	const struct curlapi *curl = curlapi();
	const struct http_field *loc;
	const char *to;
	char *cto = NULL;

	if (CURLAPI_GETINFO(curl, h, CURLINFO_REDIRECT_URL, &cto) == CURLE_OK && cto != NULL)
		to = cto;
	else if ((loc = http_field_get(out, "location", 0)) != NULL)
		to = loc->value;        /* libcurl could not resolve it: the raw value */
	else
		return;
	hp->location_cut = strlen(to) > MAX_HTTP_URL_LEN;
	snprintf(hp->location, sizeof(hp->location), "%s", to);
}

static bool
http_redirect_code(long code)
{
	return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

struct http_conn *
http_conn_new(void)
{
	return calloc(1, sizeof(struct http_conn));
}

void
http_conn_free(struct http_conn *c)
{
	if (c == NULL)
		return;
	/* A handle was made: libcurl is loaded. */
	if (c->h != NULL) {
		const struct curlapi *curl = curlapi();

		curl->easy_cleanup(c->h);
	}
	free(c);
}

int
http_get(const struct http_request *rq, struct http_response *out)
{
	const struct curlapi *curl = NULL;
	char cerr[CURL_ERROR_SIZE], connto[96];
	struct curl_slist *hdrs = NULL, *cto = NULL;
	struct http_xfer x = { .r = out };
	struct http_url *first = NULL;
	unsigned char a[16];
	unsigned maxr;
	int64_t t0 = clock_mono_ms(), end;
	CURL *h = NULL;
	CURLcode cc;
	bool v6;
	int rc;

	memset(out, 0, sizeof(*out));
	if (rq == NULL || rq->url == NULL || rq->addr == NULL)
		return PEIL_EINVAL;
	out->rc = PEIL_EINVAL;
	out->fail = HTTP_F_OTHER;
	v6 = strchr(rq->addr, ':') != NULL;
	if (strnlen(rq->addr, sizeof(out->addr)) >= sizeof(out->addr) ||
	    inet_pton(v6 ? AF_INET6 : AF_INET, rq->addr, a) != 1) {
		snprintf(out->why, sizeof(out->why), "the address is not a numeric IPv4 or IPv6 "
		    "address");
		rc = PEIL_EINVAL;
		goto out;
	}
	/* Without libcurl nothing is tested: out says why (an error of this agent). */
	if ((rc = http_global_init(out->why, sizeof(out->why))) != 0) {
		out->rc = rc;
		goto out;
	}
	curl = curlapi();
	if ((first = malloc(sizeof(*first))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((rc = http_url_parse(rq->url, first)) != 0) {
		snprintf(out->why, sizeof(out->why), "not an http or https URL of at most %d bytes",
		    MAX_HTTP_URL_LEN);
		goto out;
	}
	snprintf(out->addr, sizeof(out->addr), "%s", rq->addr);
	x.keep = rq->body_cap < MAX_HTTP_BODY_BYTES ? rq->body_cap : MAX_HTTP_BODY_BYTES;
	x.limit = x.keep > 0 ? x.keep : MAX_HTTP_BODY_BYTES;
	maxr = rq->max_redirects < MAX_HTTP_REDIRECTS ? rq->max_redirects : MAX_HTTP_REDIRECTS;
	end = t0 + (rq->timeout_ms != 0 ? rq->timeout_ms : DEFAULT_HTTP_GET_MS);

	/* Every host and every port goes to the address: curl resolves no name. */
	snprintf(connto, sizeof(connto), v6 ? "::[%s]:" : "::%s:", rq->addr);
	if (rq->conn != NULL && rq->conn->h == NULL)
		rq->conn->h = curl->easy_init();
	/* A kept handle starts from libcurl's defaults; its connections and sessions stay. */
	if (rq->conn != NULL && rq->conn->h != NULL)
		curl->easy_reset(rq->conn->h);
	h = rq->conn != NULL ? rq->conn->h : curl->easy_init();
	if (h == NULL || (cto = curl->slist_append(NULL, connto)) == NULL ||
	    (rq->accept_encoding && (hdrs = curl->slist_append(NULL,
	    "Accept-Encoding: " HTTP_ACCEPT_ENCODING)) == NULL)) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	cerr[0] = '\0';
	cc = CURLE_OK;
	/* Each setopt can only fail for a missing feature or memory; the first failure counts. */
#define HTTP_SET(opt, val) \
	do { if (cc == CURLE_OK) cc = CURLAPI_SETOPT(curl, h, opt, val); } while (0)
	HTTP_SET(CURLOPT_CONNECT_TO, cto);
	HTTP_SET(CURLOPT_PROTOCOLS_STR, "http,https");
	HTTP_SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	HTTP_SET(CURLOPT_FOLLOWLOCATION, 0L);
	HTTP_SET(CURLOPT_MAXREDIRS, 0L);
	HTTP_SET(CURLOPT_PROXY, "");
	HTTP_SET(CURLOPT_NOPROXY, "*");
	HTTP_SET(CURLOPT_NOSIGNAL, 1L);
	HTTP_SET(CURLOPT_SSL_VERIFYPEER, rq->verify ? 1L : 0L);
	HTTP_SET(CURLOPT_SSL_VERIFYHOST, rq->verify ? 2L : 0L);
	if (rq->verify && rq->ca_file != NULL)
		HTTP_SET(CURLOPT_CAINFO, rq->ca_file);
	HTTP_SET(CURLOPT_HTTP_CONTENT_DECODING, 0L);
	HTTP_SET(CURLOPT_HTTP_TRANSFER_DECODING, 1L);
	if (hdrs != NULL)
		HTTP_SET(CURLOPT_HTTPHEADER, hdrs);
	HTTP_SET(CURLOPT_USERAGENT, rq->user_agent != NULL ? rq->user_agent :
	    "peil/" PEIL_VERSION);
	HTTP_SET(CURLOPT_HEADERFUNCTION, http_on_header);
	HTTP_SET(CURLOPT_HEADERDATA, &x);
	HTTP_SET(CURLOPT_WRITEFUNCTION, http_on_body);
	HTTP_SET(CURLOPT_WRITEDATA, &x);
	HTTP_SET(CURLOPT_ERRORBUFFER, cerr);
#undef HTTP_SET
	if (cc != CURLE_OK) {
		snprintf(out->why, sizeof(out->why), "libcurl: %s", curl->easy_strerror(cc));
		rc = cc == CURLE_OUT_OF_MEMORY ? PEIL_ENOMEM : PEIL_EIO;
		out->rc = PEIL_EIO;
		goto out;
	}

	out->rc = 0;
	out->fail = HTTP_OK;
	snprintf(out->hop[0].url, sizeof(out->hop[0].url), "%s", rq->url);
	for (;;) {
		struct http_hop *hp = &out->hop[out->nhops++];
		int64_t left = end - clock_mono_ms();
		long nconn = 0, sent = 0;
		char *ip = NULL;
		int ok;

		memcpy(out->url, hp->url, sizeof(out->url));
		if (left <= 0) {
			out->code = 0;
			out->rc = PEIL_ETIMEDOUT;
			out->fail = HTTP_F_TIMEOUT;
			snprintf(out->why, sizeof(out->why), "no time left for hop %zu", out->nhops);
			break;
		}
		out->nfields = out->fields_seen = out->hlen = out->hbytes = out->bodylen = 0;
		out->fields_cut = out->fold_ok = out->body_cut = false;
		x.got = 0;
		x.body_stop = x.head_stop = false;
		cerr[0] = '\0';
		if (CURLAPI_SETOPT(curl, h, CURLOPT_URL, hp->url) != CURLE_OK ||
		    CURLAPI_SETOPT(curl, h, CURLOPT_TIMEOUT_MS, (long)left) != CURLE_OK ||
		    CURLAPI_SETOPT(curl, h, CURLOPT_CONNECTTIMEOUT_MS, (long)left) != CURLE_OK) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		cc = curl->easy_perform(h);
		if (CURLAPI_GETINFO(curl, h, CURLINFO_REQUEST_SIZE, &sent) == CURLE_OK && sent > 0)
			out->requests++;
		if (CURLAPI_GETINFO(curl, h, CURLINFO_NUM_CONNECTS, &nconn) == CURLE_OK && nconn > 0)
			out->connections += (unsigned)nconn;
		(void)CURLAPI_GETINFO(curl, h, CURLINFO_RESPONSE_CODE, &hp->code);
		if (CURLAPI_GETINFO(curl, h, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != NULL &&
		    ip[0] != '\0')
			snprintf(out->addr, sizeof(out->addr), "%s", ip);
		snprintf(hp->addr, sizeof(hp->addr), "%s", out->addr);
		if (x.nomem) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && x.body_stop)) {
			/* no response (the hops before are in hop[]) */
			out->code = 0;
			if ((rc = http_map_fail(h, cc, &x, cerr, out)) != 0)
				goto out;
			break;
		}
		out->code = hp->code;
		if (hp->code < 300 || hp->code > 399)
			break;
		http_hop_location(h, out, hp);
		if (hp->location[0] == '\0')
			break;
		if (!http_redirect_code(hp->code)) {
			out->redirect_stopped = true;
			snprintf(out->redirect_why, sizeof(out->redirect_why),
			    "not followed: status %ld is not a redirect to follow", hp->code);
			break;
		}
		if (hp->location_cut) {
			out->redirect_stopped = true;
			snprintf(out->redirect_why, sizeof(out->redirect_why),
			    "not followed: a Location over MAX_HTTP_URL_LEN");
			break;
		}
		if ((ok = http_follow_ok(first, out, maxr, hp->location, out->redirect_why,
		    sizeof(out->redirect_why), &out->redirect_other_host)) < 0) {
			rc = ok;
			goto out;
		}
		if (ok == 0) {
			out->redirect_stopped = true;
			break;
		}
		memcpy(out->hop[out->nhops].url, hp->location, sizeof(out->hop[0].url));
	}
	rc = 0;
out:
	out->ms = (unsigned)(clock_mono_ms() - t0);
	if (rc == PEIL_ENOMEM) {
		out->rc = PEIL_ENOMEM;
		out->fail = HTTP_F_OTHER;
		if (out->why[0] == '\0')
			snprintf(out->why, sizeof(out->why), "out of memory");
	}
	/* A kept handle must not point at this call's lists, buffers and state. */
	if (h != NULL && rq->conn != NULL)
		curl->easy_reset(h);
	else if (h != NULL)
		curl->easy_cleanup(h);
	if (curl != NULL) {
		curl->slist_free_all(hdrs);
		curl->slist_free_all(cto);
	}
	free(first);
	return rc;
}

void
http_response_clear(struct http_response *out)
{
	if (out == NULL)
		return;
	free(out->body);
	memset(out, 0, sizeof(*out));
}

const struct http_field *
http_field_get(const struct http_response *r, const char *name, size_t nth)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < r->nfields; i++)
		if (r->field[i].namelen == len && strncasecmp(r->field[i].name, name, len) == 0 &&
		    nth-- == 0)
			return &r->field[i];
	return NULL;
}

size_t
http_field_count(const struct http_response *r, const char *name)
{
	size_t len = strlen(name), n = 0;

	for (size_t i = 0; i < r->nfields; i++)
		if (r->field[i].namelen == len && strncasecmp(r->field[i].name, name, len) == 0)
			n++;
	return n;
}

const char *
http_fail_name(enum http_fail f)
{
	switch (f) {
	case HTTP_OK:          return "ok";
	case HTTP_F_CONNECT:   return "connect";
	case HTTP_F_TIMEOUT:   return "timeout";
	case HTTP_F_TLS:       return "tls";
	case HTTP_F_PROTOCOL:  return "protocol";
	case HTTP_F_HEADERS:   return "headers";
	case HTTP_F_OTHER:     return "other";
	}
	return "?";
}
