/* probe.h: runs the test catalogue against one domain and yields one result per test. */
#ifndef PEIL_PROBE_H
#define PEIL_PROBE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "dnswork.h"
#include "result.h"

struct probe_conf {
	const char *root_hints;     /* file of root server hints; NULL: libunbound's built-in */
	const char *trust_anchor;   /* file of DS/DNSKEY records for the root; NULL: no DNSSEC */
	const char *forwarder;      /* "ADDR[@PORT]": forward instead of recursing; NULL: recurse */
	bool ipv4, ipv6;            /* address families the resolver and probes may use */
	unsigned dns_timeout_ms;    /* one query, retries included */
	unsigned domain_budget_ms;  /* all tests of one domain */
	bool dmarc_tree_walk;       /* DMARC org domain by RFC 9989's tree walk, not the PSL */
	unsigned reach_timeout_ms;  /* one reachability try; 0: DEFAULT_REACH_TIMEOUT_MS */
	const char *tls_guideline;  /* NCSC guideline id; NULL: the default (ncsc-tls-2025-05) */
	const char *ca_file;        /* CA bundle for certificate trust; NULL: OpenSSL's defaults */
	const char *ehlo_name;      /* the name this agent says EHLO with; NULL: "localhost" */
	unsigned smtp_step_ms;      /* one SMTP step; 0: DEFAULT_SMTP_STEP_MS */
	unsigned tls_handshake_ms;  /* one TLS try; 0: DEFAULT_TLS_HANDSHAKE_MS */
	unsigned starttls_host_ms;  /* everything on one MX address; 0: DEFAULT_STARTTLS_HOST_MS */
	unsigned resolver_sockets;  /* the resolver's outgoing-range (resolver_conf.sockets); 0:
	                             * MAX_RESOLVER_SOCKETS */
	struct vrp_table *vrps;     /* the process's VRP table (rtr.h), the caller's; NULL: the
	                             * RPKI tests are not_tested */
	struct routes *routes;      /* the route-origin table (routes.h), the caller's; likewise */
};

struct probe;

/* Makes a probe context (one resolver). Not thread-safe: one per worker thread.
 * NULL on error with the reason in err. Freed with probe_free (accepts NULL). */
struct probe *probe_new(const struct probe_conf *pc, char *err, size_t errlen);
void probe_free(struct probe *p);

/* Runs the tests named in `tests` (all of the catalogue when ntests is 0) against `domain` and
 * appends one result per test to `out` (the vantage self-tests excepted: they are about the
 * vantage, not a domain, and vantage.h runs them once per round), each with domain, test id, status, guideline, evidence,
 * round id and measurement time set. A test not implemented yet yields NOT_TESTED with the
 * reason in evidence. A domain that is not a valid host name yields ERROR for every test.
 * Returns 0, or PEIL_ENOMEM (then `out` may hold part of the results). */
int probe_domain(struct probe *p, const char *domain, uint64_t round_id,
    const char *const *tests, size_t ntests, struct result_set *out);

/* True when `tests` (every test of the catalogue when ntests is 0) names a test that module m
 * runs: `peil-agent probe` opens the RPKI tables (an RTR sync, the route-origin file) only
 * when a test of MODULE_RPKI is asked for. An id not in the catalogue names none. */
bool probe_wants_module(enum catalogue_module m, const char *const *tests, size_t ntests);

/* What a set of results found, for `peil-agent probe`'s exit status: PROBE_FOUND_FAILED when
 * some result is failed, PROBE_FOUND_ERROR when some result is error (peil could not decide);
 * 0 when every one is passed, warning, info or not_tested. */
#define PROBE_FOUND_FAILED 1u
#define PROBE_FOUND_ERROR  2u
unsigned probe_findings(const struct result_set *rs);

/* Appends to `out` an ERROR result for every test named in `tests` (all of the catalogue when
 * ntests is 0), each with `reason` as its evidence: what a domain gets when its own results
 * cannot be had or kept. Domain, test ids, round id and time as probe_domain sets them.
 * Returns 0, or PEIL_ENOMEM (then `out` may hold part of the results). */
int probe_domain_error(const char *domain, uint64_t round_id, const char *const *tests,
    size_t ntests, const char *reason, struct result_set *out);

/* Runs the tests whose slot in res is not NULL against `domain` (a valid host name, lower
 * case, no final dot) with answers and connections from src, and sets each one's status and
 * evidence (domain, test id, guideline, round and time are the caller's): a test no module
 * implements is not_tested; a domain that does not exist, or whose SOA lookup timed out, is an
 * error for every test; else each module whose tests are asked for runs, in the catalogue's
 * module order. Once src->now_ms passes deadline_ms, every test not yet judged is an error
 * "time budget exhausted". Returns 0, or PEIL_ENOMEM (the results may then be partly
 * filled). */
int probe_run(const struct dnswork_source *src, const char *domain, uint64_t deadline_ms,
    Peil__Result *res[TEST_COUNT]);

/* The process's connection slots to mail server addresses (shared by every worker and its
 * STARTTLS threads: at most DEFAULT_TLS_PER_HOST connections to one address at once).
 * probe_slot_take takes a slot of addr (an address as text), waiting until deadline_ms
 * (clock_mono_ms) while the address has none free or the table (MAX_TLS_SLOTS addresses) is
 * full; returns 0, PEIL_ETIMEDOUT if none came free in time, or PEIL_EINVAL for an address
 * text of 64 bytes or more. probe_slot_try takes one only if one is free now: 0, PEIL_EAGAIN
 * (none free) or PEIL_EINVAL. probe_slot_give gives a taken slot back. */
int probe_slot_take(const char *addr, uint64_t deadline_ms);
int probe_slot_try(const char *addr);
void probe_slot_give(const char *addr);

/* A warm-up: what a run will need loaded and initialised on threads of its own while the
 * run's first lookups are answered (probe_domain starts one for the tests asked): with curl,
 * libcurl and its global initialisation (http_global_init); with tls, OpenSSL's configuration
 * and its algorithms (one SSL_CTX made and freed). Each job runs once per process: a later
 * call, from any thread, that wants a job already claimed starts nothing for it; the users
 * (http_global_init, the TLS engine's first SSL_CTX) wait for what is under way instead of
 * doing it twice. probe_warm_join waits for the threads pw started (at most one per job);
 * every probe_warm_start is joined before its caller's process exits. */
struct probe_warm {
	pthread_t th[2];
	size_t n;                   /* threads started */
};
void probe_warm_start(struct probe_warm *pw, bool curl, bool tls);
void probe_warm_join(struct probe_warm *pw);

/* The source probe_domain runs on: p's resolver, its engines (SMTP/STARTTLS, the MTA-STS
 * fetch, the web's GET through http_get and the TLS engine on port 443) and its limits. For
 * tests that drive one callback; src is valid while p is. */
void probe_source(struct probe *p, struct dnswork_source *src);

#endif
