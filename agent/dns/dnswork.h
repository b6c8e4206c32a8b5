/* probe_int.h: private to the DNS tests (probe_dns.c) and the mail tests (probe_mail.c). */
#ifndef PEIL_PROBE_INT_H
#define PEIL_PROBE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnsans.h"

#define CUT_MARK     "..."
#define MSG_BUDGET   "time budget exhausted"
#define MSG_NXDOMAIN "domain does not exist"

/* Evidence gathered once and given to one or more results (web and mail share lookups). */
struct dnsev {
	size_t n;
	char *key[MAX_TEST_EVIDENCE];
	char *val[MAX_TEST_EVIDENCE];
	size_t cut;                 /* pairs left out once MAX_TEST_EVIDENCE were held */
	bool nomem;
};

/* Adds key = formatted value (counted in cut, not kept, once MAX_TEST_EVIDENCE pairs are held;
 * nomem set on failure). */
void dnsev_add(struct dnsev *ev, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends every pair of src (and its cut count) to dst. */
void dnsev_copy(struct dnsev *dst, const struct dnsev *src);
void dnsev_clear(struct dnsev *ev);
/* Sets r's status, then "reason" (if any), then the evidence, then "evidence_cut" when pairs
 * were left out; r NULL: nothing. Returns 0 or PEIL_ENOMEM. */
int dnsev_apply(const struct dnsev *ev, Peil__Result *r, int status, const char *reason);

/* A bounded text list: "a, b, c" (cut silently at the evidence value limit). */
struct textlist {
	char buf[MAX_EVIDENCE_VALUE_LEN];
	size_t len;
};

void textlist_add(struct textlist *tl, const char *s);

/* The working state of one run: answers live here, not on the stack (each is ~26 KiB). */
struct dnswork {
	const struct probe_dns_source *src;
	const char *domain;
	uint64_t deadline;
	bool budget_out;        /* a lookup ran into the deadline */
	struct dnsans base;     /* domain SOA */
	struct dnsans set;      /* NS or MX set, or domain AAAA */
	struct dnsans a6, a4;   /* one host's AAAA and A */
	struct dnsans aux;      /* DNSKEY, DS; TXT */
	struct dnsans mx;       /* the domain's MX set, once mx_done */
	bool mx_done;
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
/* The MX hosts the mail-server tests look at: w->mx's records but ".", each name once, their
 * indexes into w->mx.rr in hosts. Adds the MX set's evidence to ev. Returns their count, or
 * 0 when there is nothing to test, with the verdict in *status and *reason: error (lookup
 * failed, domain does not exist) or not_tested (no MX, its A/AAAA fallback in evidence; null
 * MX alone); or PEIL_ENOMEM. */
int dnswork_mx_hosts(struct dnswork *w, struct dnsev *ev, size_t hosts[MAX_MX], int *status,
    const char **reason);
/* What a host's AAAA lookup found: a status of its own, never a PEIL_E* value. */
enum host_aaaa { HOST_AAAA_FAILED, HOST_AAAA_NONE, HOST_AAAA_SOME };

/* One host's AAAA and A into w->a6, w->a4, and its line of evidence; *has says whether it
 * has an AAAA. Returns 0 or PEIL_ENOMEM. */
int dnswork_host_addresses(struct dnswork *w, const struct dnsans_rr *host, char *line,
    size_t len, enum host_aaaa *has);

/* Writes why a lookup gave no usable answer and returns true; false when it is usable: not
 * bogus, and NOERROR or NXDOMAIN. */
bool dnsans_failed(const struct dnsans *a, char *buf, size_t len);
const char *dnsans_sec_name(enum dnsans_sec s);
const char *dnsans_rcode_name(int rcode, char *buf, size_t len);
/* Addresses of one answer as "a, b" (cut noted), "none", or why the lookup failed. */
void dnsans_addr_text(const struct dnsans *a, struct textlist *tl);

/* The mail tests (probe_mail.c), each judging the results in res it owns that are not NULL;
 * done[i] set for each it judged. Return 0 or PEIL_ENOMEM. */
int probe_mail_run(struct dnswork *w, Peil__Result *res[PROBE_DNS_NTESTS],
    bool done[PROBE_DNS_NTESTS]);
/* STARTTLS, DANE, MTA-STS and TLS-RPT (probe_tls.c). */
int probe_tls_run(struct dnswork *w, Peil__Result *res[PROBE_DNS_NTESTS],
    bool done[PROBE_DNS_NTESTS]);
/* The IPv6 reachability tests (probe_mail.c too: they share the MX and NS discovery). */
int probe_reach_run(struct dnswork *w, Peil__Result *res[PROBE_DNS_NTESTS],
    bool done[PROBE_DNS_NTESTS]);

#endif
