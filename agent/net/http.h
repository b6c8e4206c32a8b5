/* http.h: one HTTP(S) GET through libcurl, pinned to the address under test, every length and
 * the time bounded, redirects followed by hand (same host only), each hop recorded. */
#ifndef PEIL_HTTP_H
#define PEIL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* Why a GET gave no (complete) response. */
enum http_fail {
	HTTP_OK,              /* a response came (any status) */
	HTTP_F_CONNECT,       /* TCP connect refused or unreachable */
	HTTP_F_TIMEOUT,       /* the time-out ran out (connect, TLS or transfer) */
	HTTP_F_TLS,           /* the TLS handshake failed (https) */
	HTTP_F_PROTOCOL,      /* not HTTP, a malformed response */
	HTTP_F_HEADERS,       /* the header over MAX_HTTP_HEADER_BYTES, or one line over
	                       * MAX_HTTP_FIELD_LEN (or libcurl's own CURL_MAX_HTTP_HEADER): the
	                       * transfer was stopped (more than MAX_HTTP_FIELDS fields is not a
	                       * failure: fields_cut) */
	HTTP_F_OTHER,         /* anything else (libcurl's message in why) */
};

/* One header field of the final response; name and value point into hbuf (NUL-terminated
 * there; value without the leading and trailing blanks, SP and HTAB). A field repeated
 * appears repeated, in the order received. The name is the bytes before the first ':' as
 * received (not trimmed: "Name :" does not match "Name"). A continuation line (obs-fold,
 * RFC 9112 5.2) is joined to the field before it with one SP. Names and values may hold any
 * byte but NUL, control bytes included (escape them for output; never interpret them): a
 * NUL is stored as '?' by http_collect_line, though libcurl (7.88) already refuses a response
 * with a NUL in its header (HTTP_F_PROTOCOL, "Nul byte in header"). */
struct http_field {
	const char *name;
	size_t namelen;
	const char *value;
	size_t valuelen;
};

/* One response on the way: its status and, for a redirect, where it pointed. */
struct http_hop {
	char url[MAX_HTTP_URL_LEN + 1];       /* what was asked */
	char addr[64];                        /* the address it was asked at ("" unknown) */
	long code;                            /* its status; 0 none */
	char location[MAX_HTTP_URL_LEN + 1];  /* the Location of a 3xx, resolved against url
	                                       * (truncated: location_cut), "" otherwise */
	bool location_cut;
};

/* Connections kept for the next GET (HTTP keep-alive and TLS session resumption): opaque. */
struct http_conn;

/* The content codings the compression test offers: internet.nl's (http_headers.py), with br
 * and zstd as since its 1.8.6. A body is never decoded, so any coding may be offered. */
#define HTTP_ACCEPT_ENCODING \
	"compress, deflate, exi, gzip, pack200-gzip, x-compress, x-gzip, br, zstd"

struct http_request {
	const char *url;        /* "http://HOST[:PORT]/PATH" or "https://..." (HOST a name) */
	const char *addr;       /* numeric IPv4/IPv6 address every connection goes to (curl never
	                         * resolves; a redirect to another host is not followed here:
	                         * redirect_other_host says so, the caller may follow it) */
	const char *ca_file;    /* PEM bundle (NULL: the system's); used only when verify */
	bool verify;            /* verify the certificate chain and name (https); when false the
	                         * handshake succeeds whatever the certificate (the TLS engine judges
	                         * certificates, not this) */
	unsigned timeout_ms;    /* the whole GET, every hop included; 0: DEFAULT_HTTP_GET_MS */
	size_t body_cap;        /* body bytes kept (at most MAX_HTTP_BODY_BYTES); 0: none kept, the
	                         * body is still read up to MAX_HTTP_BODY_BYTES then the transfer
	                         * stops (body_cut) */
	unsigned max_redirects; /* hops followed (at most MAX_HTTP_REDIRECTS): a 301, 302, 303,
	                         * 307 or 308 with a Location is followed when the target is
	                         * http or https, on the request's host (case-insensitive), on
	                         * the scheme's default port (or on the port written in rq->url
	                         * with rq->url's scheme), and not a URL asked before (a loop);
	                         * 0: none, the 3xx is the response */
	bool accept_encoding;   /* send "Accept-Encoding: " HTTP_ACCEPT_ENCODING and keep the body as
	                         * sent (not decoded): for the compression test */
	const char *user_agent; /* NULL: "peil/VERSION" */
	struct http_conn *conn; /* NULL: the GET's connections are closed when it returns; else
	                         * they are kept in conn, and a later GET with the same conn reuses
	                         * one to the same scheme, host, port and address (keep-alive) */
};

struct http_response {
	int rc;                 /* 0, or PEIL_ETIMEDOUT (HTTP_F_TIMEOUT) / PEIL_ETOOBIG
	                         * (HTTP_F_HEADERS) / PEIL_EIO (the other failures) /
	                         * PEIL_EINVAL / PEIL_ENOMEM */
	enum http_fail fail;    /* HTTP_OK when a response came */
	char why[256];          /* the failure in words ("" when none) */
	long code;              /* the final response's status; 0 none (any failure: the hops
	                         * made before it are in hop[]) */
	char url[MAX_HTTP_URL_LEN + 1];   /* the final URL */
	char addr[64];          /* the address connected to */
	size_t nhops;           /* hops recorded (the final response is the last) */
	struct http_hop hop[MAX_HTTP_REDIRECTS + 1];
	bool redirect_stopped;  /* a 3xx not followed (max_redirects, another host, scheme, port, a
	                         * loop): the last hop's location says where it pointed */
	char redirect_why[160]; /* why it was not followed ("" when none was stopped) */
	bool redirect_other_host; /* redirect_stopped because the target is on another host (the
	                         * only reason left: within the hop limit, http or https on the
	                         * scheme's default port): a caller may follow it with a GET of
	                         * its own pinned to that host's address */
	size_t nfields;         /* fields of the final response kept */
	size_t fields_seen;     /* fields it had (more than nfields: fields_cut) */
	bool fields_cut;
	struct http_field field[MAX_HTTP_FIELDS];
	char hbuf[MAX_HTTP_HEADER_BYTES];
	size_t hlen;            /* bytes of hbuf in use */
	size_t hbytes;          /* header bytes received on the last hop, status lines and 1xx
	                         * responses included (bounded by MAX_HTTP_HEADER_BYTES) */
	bool fold_ok;           /* the collector's state: the last line was a field kept (a
	                         * continuation line may extend it) */
	uint8_t *body;          /* bodylen bytes (heap, grown as the body came, at most body_cap;
	                         * NULL when nothing was kept) */
	size_t bodylen;         /* bytes kept */
	bool body_cut;          /* the body was longer than body_cap (or MAX_HTTP_BODY_BYTES) */
	unsigned ms;            /* wall time of the GET */
	unsigned requests;      /* HTTP requests sent (a hop whose connection failed sent none) */
	unsigned connections;   /* new connections made (a request on a connection kept in
	                         * rq->conn made none: requests says it was sent) */
};

/* Performs rq into *out (overwritten; free with http_response_clear). Every connection goes
 * to rq->addr (CURLOPT_CONNECT_TO for every host and port: curl resolves no name); the URL's
 * host is the Host header, the SNI and the name checked when verifying. Redirects are followed
 * by this code, not libcurl's, on one easy handle (connections reused across hops). Returns 0
 * when a response came (out->code set, whatever the status; also when the body was cut at
 * the cap) or when the server failed in a way that is the server's (out->fail, out->why,
 * out->rc); PEIL_EINVAL for a bad request (URL not http(s) or over MAX_HTTP_URL_LEN, address
 * not numeric; out->why says which), PEIL_ENOMEM, or http_global_init's error (out->why
 * says it, out->fail is HTTP_F_OTHER). Thread-safe; the process must ignore SIGPIPE. */
int http_get(const struct http_request *rq, struct http_response *out);

/* An empty connection cache for http_get (rq->conn), or NULL on out of memory. One conn serves
 * one GET at a time (never two threads at once); it holds at most libcurl's default of five
 * connections. Freed, its connections closed, with http_conn_free (accepts NULL). */
struct http_conn *http_conn_new(void);
void http_conn_free(struct http_conn *c);

/* Adds one header line (untrusted bytes, its CR LF or LF included or not) of the response
 * being received to r, as the engine's header callback does: a status line ("HTTP/...")
 * starts a new response (the fields kept so far are dropped: only the final response's
 * fields stay), an empty line ends one, a line starting with SP or HTAB continues the field
 * before it, a line without ':' (or with an empty name) is skipped. Counts r->hbytes and
 * r->fields_seen; keeps at most MAX_HTTP_FIELDS fields (then r->fields_cut). Returns 0, or
 * PEIL_ETOOBIG when the line is over MAX_HTTP_FIELD_LEN or r->hbytes passes
 * MAX_HTTP_HEADER_BYTES: then r->fail is HTTP_F_HEADERS with why, and every later call
 * returns PEIL_ETOOBIG without looking at its line. */
int http_collect_line(struct http_response *r, const char *line, size_t len);

/* The host of an http or https URL (as libcurl parses it, at most MAX_DOMAIN_LEN bytes) into
 * host (len bytes). Returns 0, PEIL_EINVAL (not such a URL, or the host too long),
 * PEIL_ENOMEM or http_global_init's error. */
int http_url_host(const char *url, char *host, size_t len);

/* Loads libcurl (curlapi.h) and runs its global initialisation, once per process (every
 * libcurl user of the agent calls this first). Returns 0, PEIL_ENOLIB (libcurl cannot be
 * loaded) or PEIL_ENOMEM (its initialisation failed), the reason in err. Thread-safe. */
int http_global_init(char *err, size_t errlen);

/* Frees out->body and zeroes *out. Accepts a zeroed *out. */
void http_response_clear(struct http_response *out);

/* The nth (0-based) field of the final response named name (case-insensitive), NULL when
 * there is none. */
const struct http_field *http_field_get(const struct http_response *r, const char *name,
    size_t nth);

/* How many fields of the final response are named name. */
size_t http_field_count(const struct http_response *r, const char *name);

/* Static names: "ok", "connect", "timeout", "tls", "protocol", "headers", "other". */
const char *http_fail_name(enum http_fail f);

#endif
