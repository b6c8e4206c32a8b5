/* probe_dns.h: the DNS-based tests (DNSSEC, IPv6, mail authentication): answers parsed, judged. */
#ifndef PEIL_PROBE_DNS_H
#define PEIL_PROBE_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalogue.h"
#include "limits.h"
#include "mtasts.h"
#include "reach.h"
#include "result.h"
#include "smtp.h"
#include "tls.h"

/* What the validator said about an answer. */
enum dnsans_sec { DNSANS_INSECURE = 0, DNSANS_SECURE = 1, DNSANS_BOGUS = 2 };

#define DNSANS_TEXT_LEN   256                 /* a name (≤ 253 characters) or an address + NUL */
#define DNSANS_REASON_LEN 256
#define DNSANS_MAX_RR     MAX_ADDRS_PER_HOST  /* most records one answer keeps */

struct dnsans_rr {
	uint16_t pref;               /* MX preference; 0 for other types */
	bool host_ok;                /* NS/MX: the name is a valid host name ("." is not) */
	char text[DNSANS_TEXT_LEN];  /* A/AAAA: the address; NS/MX: the name, lower case, no final
	                              * dot, "." for the root, bytes outside [a-z0-9-] shown as '?' */
};

/* One lookup, parsed and bounded: either a failure (err) or an answer (rcode, records). */
struct dnsans {
	int err;                         /* 0, or the PEIL_E* of a failed lookup / malformed answer */
	char reason[DNSANS_REASON_LEN];  /* why, when err != 0 */
	int rcode;                       /* LDNS_RCODE_* of the answer */
	enum dnsans_sec sec;
	char why_bogus[MAX_WHY_BOGUS_LEN];
	size_t total;                    /* records of the asked type at the name (CNAMEs followed) */
	size_t n;                        /* kept in rr: at most the `max` asked for, see dnsans_parse */
	struct dnsans_rr rr[DNSANS_MAX_RR];
	char target[DNSANS_TEXT_LEN];    /* the CNAME target the records belong to; "" if no alias */
	char zone[DNSANS_TEXT_LEN];      /* owner of a SOA in the answer or authority section, or "" */
	/* TXT answers: the version-tagged records ("v", blanks, "=" at the start: SPF, DMARC,
	 * MTA-STS, TLS-RPT), each one's strings joined, kept while MAX_TXT_KEEP records and
	 * MAX_TXT_POOL bytes last; other TXT records are only counted in total. TLSA answers:
	 * every record's rdata (wire form) in the same places. */
	size_t ntxt;                     /* kept */
	size_t txt_tagged;               /* version-tagged (TLSA: all) records seen, kept or not */
	uint32_t txt_off[MAX_TXT_KEEP], txt_len[MAX_TXT_KEEP];
	uint8_t txt[MAX_TXT_POOL];
};

/* True when a TXT record's text starts with a version tag: "v", blanks, "=". */
bool dnsans_txt_tagged(const uint8_t *txt, size_t len);

/* Parses one answer message (untrusted bytes) to the question `qname` (presentation form) and
 * `qtype` into *out (cleared first; sec and why_bogus are left for the caller to set). Keeps
 * the A, AAAA, NS or MX records at qname, or at the end of the CNAME chain from it: at most
 * min(max, DNSANS_MAX_RR) of them, for MX those of lowest preference; sorted (MX by preference,
 * then by text); and the version-tagged TXT records (see above). Records of other types are
 * only counted in total. A question section, if any,
 * must be exactly qname/qtype/IN. Returns 0, or PEIL_EINVAL (and out->err) with the reason in
 * out->reason for a truncated or malformed message, trailing bytes, an answer to another
 * question, a CNAME chain over MAX_CNAME_CHAIN, a record whose data does not fit its type. */
int dnsans_parse(const uint8_t *pkt, size_t len, const char *qname, uint16_t qtype, size_t max,
    struct dnsans *out);

/* Clears *out and records a failed lookup: err (a PEIL_E* code) and the formatted reason.
 * Returns err. */
int dnsans_fail(struct dnsans *out, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* True when `name` (no final dot) is a valid host name: 1..253 characters, labels of 1..63
 * letters, digits and hyphens not starting or ending with a hyphen, a last label not all
 * digits. */
bool probe_dns_hostname_ok(const char *name);

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

/* Where the DNS tests get their answers: the resolver in the agent, canned packets in tests. */
struct probe_dns_source {
	/* Looks up name/type, keeping at most `max` records (dnsans_parse), and must return by
	 * deadline_ms (on now_ms's clock), then with out->err = PEIL_ETIMEDOUT. Fills *out in
	 * every case; returns out->err (PEIL_ENOMEM ends the run). */
	int (*lookup)(void *arg, const char *name, uint16_t type, size_t max, uint64_t deadline_ms,
	    struct dnsans *out);
	uint64_t (*now_ms)(void *arg);
	void *arg;
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
	 * *s. Returns 0, or PEIL_ENOMEM. */
	int (*starttls)(void *arg, const char *host, const char *addr, uint64_t deadline_ms,
	    struct tls_report *rep, struct smtp_session *s);
	/* MTA-STS: fetches https://mta-sts.<domain>/.well-known/mta-sts.txt from addr (numeric)
	 * by deadline_ms into *out; NULL: mail_mtasts is not_tested. Returns 0 (out->rc says how
	 * it went) or PEIL_ENOMEM. */
	int (*fetch)(void *arg, const char *domain, const char *addr, uint64_t deadline_ms,
	    struct policy_fetch *out);
};

enum probe_dns_test {
	PROBE_DNS_WEB_DNSSEC_EXIST,
	PROBE_DNS_WEB_DNSSEC_VALID,
	PROBE_DNS_MAIL_DNSSEC_EXIST,
	PROBE_DNS_MAIL_DNSSEC_VALID,
	PROBE_DNS_WEB_NS_ADDRESS,
	PROBE_DNS_MAIL_NS_ADDRESS,
	PROBE_DNS_WEB_WS_ADDRESS,
	PROBE_DNS_MAIL_MX_ADDRESS,
	PROBE_DNS_MAIL_MX_DNSSEC_EXIST,
	PROBE_DNS_MAIL_MX_DNSSEC_VALID,
	PROBE_DNS_SPF_EXIST,
	PROBE_DNS_SPF_POLICY,
	PROBE_DNS_DMARC_EXIST,
	PROBE_DNS_DMARC_POLICY,
	PROBE_DNS_DMARC_EXT_DEST,
	PROBE_DNS_DKIM_EXIST,
	PROBE_DNS_WEB_NS_REACH,
	PROBE_DNS_MAIL_NS_REACH,
	PROBE_DNS_WEB_WS_REACH,
	PROBE_DNS_MAIL_MX_REACH,
	PROBE_DNS_STARTTLS_AVAILABLE,
	PROBE_DNS_STARTTLS_VERSION,
	PROBE_DNS_STARTTLS_CIPHERS,
	PROBE_DNS_STARTTLS_CIPHERORDER,
	PROBE_DNS_STARTTLS_KEYEXCHANGE,
	PROBE_DNS_STARTTLS_KEYEXCHANGEHASH,
	PROBE_DNS_STARTTLS_COMPRESS,
	PROBE_DNS_STARTTLS_SECRENEG,
	PROBE_DNS_STARTTLS_CLIENTRENEG,
	PROBE_DNS_STARTTLS_CERT_CHAIN,
	PROBE_DNS_STARTTLS_CERT_PUBKEY,
	PROBE_DNS_STARTTLS_CERT_SIG,
	PROBE_DNS_STARTTLS_CERT_DOMAIN,
	PROBE_DNS_STARTTLS_DANE_EXIST,
	PROBE_DNS_STARTTLS_DANE_VALID,
	PROBE_DNS_STARTTLS_DANE_ROLLOVER,
	PROBE_DNS_MTASTS,
	PROBE_DNS_TLSRPT,
	PROBE_DNS_NTESTS
};

/* The catalogue id of a DNS test ("web_dnssec_exist", ...). */
const char *probe_dns_test_id(enum probe_dns_test t);
/* The DNS test with catalogue id `id`, or -1 when it is not one of them. */
int probe_dns_test_find(const char *id);

/* Runs the DNS tests whose slot in res is not NULL against `domain` (a valid host name, lower
 * case, no final dot) with answers from src, and sets each one's status and evidence (domain,
 * test id, guideline, round and time are the caller's). Once src->now_ms passes deadline_ms,
 * every test not yet judged is an error "time budget exhausted". Returns 0, or PEIL_ENOMEM
 * (the results may then be partly filled). */
int probe_dns_run(const struct probe_dns_source *src, const char *domain, uint64_t deadline_ms,
    Peil__Result *res[PROBE_DNS_NTESTS]);

#endif
