/* webwork.h: the web servers one run tests, shared by the web modules: the web hosts (the
 * domain and www.<domain>), every address of each the vantage can use, and on each address
 * the HTTP(S) requests and the TLS engine's report, each made once per run. */
#ifndef PEIL_WEBWORK_H
#define PEIL_WEBWORK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "catalogue.h"
#include "dnswork.h"
#include "http.h"
#include "mxwork.h"
#include "ncsc.h"
#include "tls.h"

/* The requests made on every address (each once per run, when a test asks for it). */
enum webget {
	WEBGET_HTTP,          /* GET http://HOST/, no redirect followed */
	WEBGET_HTTPS,         /* GET https://HOST/, no redirect followed, the body kept
	                       * (MAX_HTTP_BODY_BYTES): the headers and the page */
	WEBGET_COMPRESS,      /* GET https://HOST/ with Accept-Encoding, body not kept */
	WEBGET_SECTXT,        /* GET https://HOST/.well-known/security.txt, body kept
	                       * (MAX_SECTXT_BYTES), redirects followed as internet.nl's requests
	                       * does: on the host by http_get, to another host by webwork (the
	                       * name looked up by the vantage's resolver in the address's
	                       * family, the GET pinned to its first address), at most
	                       * MAX_HTTP_REDIRECTS hops and DEFAULT_HTTP_GET_MS in all, every
	                       * hop in the response's hop[] */
	WEBGET_SECTXT_ROOT,   /* GET https://HOST/security.txt (the fallback), likewise */
	WEBGET_COUNT
};

struct webhost {
	char name[DNSANS_TEXT_LEN];     /* the domain, or www.<domain> */
	size_t naddrs;                  /* addresses found (both families, before any cut) */
	size_t ntested;                 /* addresses in webwork.addr */
	bool lookup_failed;             /* an A or AAAA lookup failed (evidence says why) */
};

struct webaddr {
	size_t host;                    /* index in hosts */
	char addr[DNSANS_TEXT_LEN];     /* numeric */
	bool v6;
	bool got[WEBGET_COUNT];         /* the request was made (else: no time left, or skip) */
	bool skip[WEBGET_COUNT];        /* not asked on this address (webwork_get_where) */
	struct http_response *get[WEBGET_COUNT]; /* heap, NULL until made */
	struct http_conn *conn;         /* the requests' kept-alive connections (heap, NULL until
	                                 * the first request; closed before the TLS engine runs) */
	bool tls_tried;
	/* Port 80 (index 0) or 443 (1) of this address took no TCP connection (refused,
	 * unreachable, or no answer in time): later requests to it are not made again, they get
	 * the first one's failure; the TLS engine is not started on a dead 443. */
	bool dead[2];
	struct tls_report tls;          /* port 443 */
};

enum webwork_state {
	WEBWORK_NEW,                    /* not started */
	WEBWORK_NO_BUDGET,              /* the run's time was out: nothing judged */
	WEBWORK_NONE,                   /* no web server address to test: none_status, none_why */
	WEBWORK_HOSTS,                  /* naddr addresses to test */
};

struct webwork {
	struct dnswork *w;
	pthread_mutex_t dead_lock;      /* dead[] and dead_rep[] of every address */
	struct http_response *dead_rep[MAX_WEB_HOSTS * 2 * MAX_WEB_ADDRS][2]; /* the failure that
	                                 * made a port dead (heap), per address entry */
	int dead_kind[MAX_WEB_HOSTS * 2 * MAX_WEB_ADDRS][2]; /* the request kind it came from */
	enum webwork_state state;
	const struct ncsc *g;           /* the NCSC guideline TLS is judged by */
	int none_status;                /* WEBWORK_NONE: not_tested (no address) or error */
	char none_why[DNSANS_WHY_LEN + 64];
	struct dnsev hostev;            /* the hosts' address lookups */
	size_t nhosts;
	struct webhost host[MAX_WEB_HOSTS];
	size_t naddr;
	struct webaddr addr[MAX_WEB_HOSTS * 2 * MAX_WEB_ADDRS];
	bool get_done[WEBGET_COUNT];
	bool tls_done;
	bool budget_cut;                /* some request or try not made: the run's time ran out */
};

/* A run's web server work, empty, or NULL on out of memory. Freed with webwork_free (accepts
 * NULL), which frees the responses and the TLS reports. */
struct webwork *webwork_new(struct dnswork *w);
void webwork_free(struct webwork *ww);

/* The web hosts and their addresses, once per run (later calls do nothing): the domain's and
 * www.<domain>'s AAAA (when the vantage has IPv6) and A (when it has IPv4), at most
 * MAX_WEB_ADDRS of each family per host. When neither host has an address the state is
 * WEBWORK_NONE with not_tested, or error when a lookup failed; the run's time already out
 * leaves WEBWORK_NO_BUDGET. Returns 0 or PEIL_ENOMEM. */
int webwork_start(struct webwork *ww);

/* Makes request kind on every address, MAX_WEB_PARALLEL addresses at once, once per run;
 * a->got[kind] says which were made before the run's deadline. The requests to one address
 * (one host name) share its connections: HTTP keep-alive, one TLS handshake for the HTTPS
 * kinds where the server keeps the connection open. Returns 0 or PEIL_ENOMEM. */
int webwork_get(struct webwork *ww, enum webget kind);

/* As webwork_get, on the addresses where want(a) is true only (the others get skip[kind]);
 * want NULL: every address. A kind is made once per run: later calls do nothing. Returns 0 or
 * PEIL_ENOMEM. */
int webwork_get_where(struct webwork *ww, enum webget kind,
    bool (*want)(const struct webaddr *a));

/* The TLS engine on port 443 of every address, once per run (a->tls_tried); the requests'
 * kept-alive connections are closed first. Returns 0 or PEIL_ENOMEM. */
int webwork_tls(struct webwork *ww);

/* "HOST [ADDR]" for evidence. */
void webwork_who(const struct webwork *ww, const struct webaddr *a, char *buf, size_t len);

/* The evidence every web verdict starts from: the hosts' address lookups. */
void webwork_ev(const struct webwork *ww, struct dnsev *ev);

/* Gives every test of ids (n of them) whose result is not done status and reason, with the
 * hosts' evidence, and sets it done. Returns 0 or PEIL_ENOMEM. */
int webwork_apply(struct webwork *ww, const int *ids, size_t n, Peil__Result *res[TEST_COUNT],
    bool done[TEST_COUNT], int status, const char *reason);

/* What a module does first: starts the work; when there is nothing to test (no budget, no
 * address) gives every test of ids that and returns 1; 0 when there are addresses to test;
 * or PEIL_ENOMEM. */
int webwork_begin(struct webwork *ww, const int *ids, size_t n, Peil__Result *res[TEST_COUNT],
    bool done[TEST_COUNT]);

#endif
