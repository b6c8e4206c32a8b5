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
	HTTP_F_HEADERS,       /* header fields over MAX_HTTP_FIELDS or MAX_HTTP_HEADER_BYTES, or one
	                       * line over MAX_HTTP_FIELD_LEN: the transfer was stopped */
	HTTP_F_OTHER,         /* anything else (libcurl's message in why) */
};

/* One header field of the final response; name and value point into hbuf (NUL-terminated
 * there; value without the leading and trailing blanks). A field repeated appears repeated,
 * in the order received. Values may hold any byte but NUL (escape them for output). */
struct http_field {
	const char *name;
	size_t namelen;
	const char *value;
	size_t valuelen;
};

/* One response on the way: its status and, for a redirect, where it pointed. */
struct http_hop {
	char url[MAX_HTTP_URL_LEN + 1];       /* what was asked */
	long code;                            /* its status; 0 none */
	char location[MAX_HTTP_URL_LEN + 1];  /* the Location of a 3xx, resolved against url
	                                       * (truncated: location_cut), "" otherwise */
	bool location_cut;
};

struct http_request {
	const char *url;        /* "http://HOST[:PORT]/PATH" or "https://..." (HOST a name) */
	const char *addr;       /* numeric IPv4/IPv6 address every connection goes to (curl never
	                         * resolves; a redirect to another host is not followed) */
	const char *ca_file;    /* PEM bundle (NULL: the system's); used only when verify */
	bool verify;            /* verify the certificate chain and name (https); when false the
	                         * handshake succeeds whatever the certificate (the TLS engine judges
	                         * certificates, not this) */
	unsigned timeout_ms;    /* the whole GET, every hop included; 0: DEFAULT_HTTP_GET_MS */
	size_t body_cap;        /* body bytes kept (at most MAX_HTTP_BODY_BYTES); 0: none kept, the
	                         * body is still read up to MAX_HTTP_BODY_BYTES then the transfer
	                         * stops (body_cut) */
	unsigned max_redirects; /* hops followed (3xx with a Location on the same host, http or
	                         * https, default ports); 0: none, the 3xx is the response */
	bool accept_encoding;   /* send "Accept-Encoding: gzip, deflate, br" and keep the body as
	                         * sent (not decoded): for the compression test */
	const char *user_agent; /* NULL: "peil/VERSION" */
};

struct http_response {
	int rc;                 /* 0, or PEIL_ETIMEDOUT / PEIL_EIO / PEIL_EINVAL / PEIL_ENOMEM */
	enum http_fail fail;    /* HTTP_OK when a response came */
	char why[256];          /* the failure in words ("" when none) */
	long code;              /* the final response's status; 0 none */
	char url[MAX_HTTP_URL_LEN + 1];   /* the final URL */
	char addr[64];          /* the address connected to */
	size_t nhops;           /* hops recorded (the final response is the last) */
	struct http_hop hop[MAX_HTTP_REDIRECTS + 1];
	bool redirect_stopped;  /* a 3xx not followed (max_redirects, another host, scheme, port, a
	                         * loop): the last hop's location says where it pointed */
	size_t nfields;         /* fields of the final response kept */
	size_t fields_seen;     /* fields it had (more than nfields: fields_cut) */
	bool fields_cut;
	struct http_field field[MAX_HTTP_FIELDS];
	char hbuf[MAX_HTTP_HEADER_BYTES];
	size_t hlen;
	uint8_t *body;          /* body_cap bytes (heap; NULL when body_cap was 0) */
	size_t bodylen;         /* bytes kept */
	bool body_cut;          /* the body was longer than body_cap (or MAX_HTTP_BODY_BYTES) */
	unsigned ms;            /* wall time of the GET */
	unsigned requests;      /* HTTP requests sent (hops) */
	unsigned connections;   /* new connections made */
};

/* Performs rq into *out (overwritten; free with http_response_clear). Returns 0 when a
 * response came (out->code set, whatever the status) or when the server failed in a way that
 * is the server's (out->fail, out->why); PEIL_EINVAL for a bad request (URL not http(s), no
 * address), PEIL_ENOMEM. Thread-safe; the process must ignore SIGPIPE. */
int http_get(const struct http_request *rq, struct http_response *out);

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
