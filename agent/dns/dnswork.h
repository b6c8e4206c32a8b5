/* dnswork.h: the work of one domain's run, shared by every standard's module: where answers
 * and connections come from, the deadline, and the answers several modules ask for (the MX
 * and NS sets), each looked up once. */
#ifndef PEIL_DNSWORK_H
#define PEIL_DNSWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsans.h"
#include "dnsev.h"
#include "http.h"
#include "limits.h"
#include "mtasts.h"
#include "reach.h"
#include "smtp.h"
#include "tls.h"

struct vrp_table;
struct routes;

#define MSG_BUDGET   "time budget exhausted"
#define MSG_NXDOMAIN "domain does not exist"

/* An MTA-STS policy fetch's outcome. */
struct policy_fetch {
	int rc;                          /* mtasts_fetch's return */
	enum mtasts_reason reason;       /* its failure class */
	char why[256];
	long http_code;
	char content_type[MAX_CONTENT_TYPE_LEN + 1];
	size_t len;
	uint8_t body[MAX_MTASTS_POLICY_BYTES];
};

/* Where a run gets its answers and connections: the resolver and the engines in the agent
 * (probe.c), canned answers in the tests. */
struct dnswork_source {
	/* Looks up name/type, keeping at most `max` records (dnsans_parse), and must return by
	 * deadline_ms (on now_ms's clock), then with out->err = PEIL_ETIMEDOUT. Fills *out in
	 * every case; returns out->err (PEIL_ENOMEM ends the run). */
	int (*lookup)(void *arg, const char *name, uint16_t type, size_t max, uint64_t deadline_ms,
	    struct dnsans *out);
	uint64_t (*now_ms)(void *arg);
	void *arg;
	/* Asks name/type ahead without waiting, for a lookup the run is about to make (see
	 * dnswork_prefetch); NULL: lookups are asked only when made. */
	void (*prefetch)(void *arg, const char *name, uint16_t type);
	bool validating;             /* a trust anchor is configured: DNSSEC states mean something */
	bool ipv6;                   /* the vantage has IPv6: the reachability tests run */
	bool dmarc_tree_walk;        /* DMARC's organizational domain by RFC 9989's tree walk, not
	                              * by the public suffix list (RFC 7489) */
	/* Reachability: runs reach_run over items, returning by deadline_ms; NULL: the reach tests
	 * are not_tested. Returns 0 or a PEIL_E* code (PEIL_ENOMEM ends the run). */
	int (*reach)(void *arg, enum reach_kind kind, struct reach_item *items, size_t n,
	    const char *qname, uint16_t qtype, uint64_t deadline_ms);
	bool ipv4;                   /* the vantage has IPv4: STARTTLS tries IPv4 addresses too */
	const char *tls_guideline;   /* the NCSC guideline id TLS is judged by; NULL: the default */
	/* STARTTLS: the SMTP dialogue with addr (numeric) of MX host, then the TLS engine, by
	 * deadline_ms; NULL: the STARTTLS tests are not_tested. Fills *rep (the caller clears it
	 * with tls_report_clear; rep->available false with rep->why when there was no TLS) and
	 * *s. Returns 0, PEIL_ETIMEDOUT when the engine could not start by the deadline (no free
	 * connection slot for addr: rep->why says so; the address was not tested), or
	 * PEIL_ENOMEM. */
	int (*starttls)(void *arg, const char *host, const char *addr, uint64_t deadline_ms,
	    struct tls_report *rep, struct smtp_session *s);
	/* MTA-STS: fetches https://mta-sts.<domain>/.well-known/mta-sts.txt from addr (numeric)
	 * by deadline_ms into *out; NULL: mail_mtasts is not_tested. Returns 0 (out->rc says how
	 * it went) or PEIL_ENOMEM. */
	int (*fetch)(void *arg, const char *domain, const char *addr, uint64_t deadline_ms,
	    struct policy_fetch *out);
	/* Web: one GET (rq: URL, address, caps, redirects; the source adds its CA file and bounds
	 * the time by its own limit and deadline_ms) into *out (the caller frees it with
	 * http_response_clear); NULL: the web tests that need HTTP are not_tested. Returns 0 (see
	 * out->code, out->fail) or PEIL_ENOMEM. */
	int (*web_get)(void *arg, const struct http_request *rq, uint64_t deadline_ms,
	    struct http_response *out);
	/* Web: the TLS engine on addr (numeric) port 443 with host as SNI, by deadline_ms, into
	 * *rep (cleared by the caller with tls_report_clear; rep->available false with rep->why
	 * when there was no TLS); NULL: the web TLS tests are not_tested. Returns 0,
	 * PEIL_ETIMEDOUT when the engine could not start by the deadline (no free connection
	 * slot for addr: rep->why says so; the address was not tested), or PEIL_ENOMEM. */
	int (*web_tls)(void *arg, const char *host, const char *addr, uint64_t deadline_ms,
	    struct tls_report *rep);
	/* RPKI: the process's VRP table (rtr.h) and this vantage's route-origin table (routes.h),
	 * both thread-safe and owned by the caller; either NULL: the RPKI tests are not_tested. */
	struct vrp_table *vrps;
	struct routes *routes;
};

/* The working state of one run: answers live here, not on the stack (each is ~26 KiB). */
struct dnswork {
	const struct dnswork_source *src;
	const char *domain;
	uint64_t deadline;
	bool budget_out;        /* a lookup ran into the deadline */
	struct dnsans base;     /* domain SOA */
	struct dnsans set;      /* NS or MX set, or domain AAAA */
	struct dnsans a6, a4;   /* one host's AAAA and A */
	struct dnsans aux;      /* DNSKEY, DS; TXT */
	struct dnsans mx;       /* the domain's MX set, once mx_done */
	bool mx_done;
	/* When the MX set leaves no host to test, the status of the first test of each group
	 * (mail_ipv6_mx_address, mail_dnssec_mx_exist, mail_starttls_tls_available), as
	 * internet.nl: a null MX among other MX is a warning; a null MX where the domain has no
	 * A/AAAA, or no MX (no null MX) where it has A/AAAA and sends no mail (SPF exactly
	 * "-all"), is info. Set by dnswork_mx_hosts; mx_lead false: the others' status. */
	bool mx_lead;
	int mx_lead_st;
	const char *mx_lead_why;
	char mx_why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN + 32];
	struct dnsans ns;       /* the NS set of the domain's zone, once ns_done */
	bool ns_done;
	char ns_zone[DNSANS_TEXT_LEN];    /* that zone; "" when not found, then ns_why says why */
	char ns_why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN + 64];
	/* What the mail tests learnt for the DKIM test's non-sending rule. */
	bool spf_reject_all;    /* the domain's one SPF record is exactly "v=spf1 -all" */
	bool dmarc_reject;      /* its DMARC policy in effect is reject */
};

/* True while the run's deadline has not passed (and no lookup ran into it). */
bool dnswork_budget_left(struct dnswork *w);
/* Starts the lookups of names[0..n) for type while the run goes on, when the source can: a
 * dnswork_lookup of one of them made later takes the answer as soon as it is in, so
 * questions that do not depend on each other travel at once instead of one after another. */
void dnswork_prefetch(struct dnswork *w, const char *const *names, size_t n, uint16_t type);
/* One lookup through the source, or a "time budget exhausted" failure once the deadline has
 * passed. Returns out->err. */
int dnswork_lookup(struct dnswork *w, const char *name, uint16_t type, size_t max,
    struct dnsans *out);
/* The domain's MX set in w->mx, looked up once per run. Returns 0 or PEIL_ENOMEM. */
int dnswork_mx(struct dnswork *w);
/* The NS set of the domain's zone (walking up from the domain to the first name with an NS
 * set, never the root) in w->ns with the zone in w->ns_zone, once per run; when none is found
 * ns_zone is "" and ns_why says why. Returns 0 or PEIL_ENOMEM. */
int dnswork_ns(struct dnswork *w);
/* The NS set of the zone of `name` (walking up from name to the first name with an NS set,
 * never the root, at most MAX_ZONE_WALK names) into *out, with the zone in zone (zonelen
 * bytes); when none is found zone is "" and why says why. dnswork_ns does this for the domain.
 * Returns 0 or PEIL_ENOMEM. */
int dnswork_zone_ns(struct dnswork *w, const char *name, struct dnsans *out, char *zone,
    size_t zonelen, char *why, size_t whylen);
/* The MX hosts the mail-server tests look at: w->mx's records but ".", each name once, their
 * indexes into w->mx.rr in hosts. Adds the MX set's evidence to ev. Returns their count, or
 * 0 when there is nothing to test, with the verdict in *status and *reason: error (lookup
 * failed, domain does not exist) or not_tested (no MX, its A/AAAA fallback in evidence; null
 * MX alone; a null MX among other MX: no host is tested), and w->mx_lead for the first test
 * of each group; or PEIL_ENOMEM. */
int dnswork_mx_hosts(struct dnswork *w, struct dnsev *ev, size_t hosts[MAX_MX], int *status,
    const char **reason);
/* The status and reason for the first test of a group given the others' (see mx_lead). */
void dnswork_mx_lead(const struct dnswork *w, int *status, const char **reason);
/* What a host's AAAA lookup found: a status of its own, never a PEIL_E* value. */
enum host_aaaa { HOST_AAAA_FAILED, HOST_AAAA_NONE, HOST_AAAA_SOME };

/* One host's AAAA and A into w->a6, w->a4, and its line of evidence; *has says whether it
 * has an AAAA. Returns 0 or PEIL_ENOMEM. */
int dnswork_host_addresses(struct dnswork *w, const struct dnsans_rr *host, char *line,
    size_t len, enum host_aaaa *has);

#endif
