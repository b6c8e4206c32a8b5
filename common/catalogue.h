/* catalogue.h: the test catalogue (listed by `peil-agent tests`, docs/tests.md): every test id once, with its category,
 * agreements, mandatory flag, guideline and the agent module that runs it. */
#ifndef PEIL_CATALOGUE_H
#define PEIL_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

/* The agreements (docs/tests.md), as bits: AGREEMENT(1) .. AGREEMENT(5). */
#define AGREEMENT(n) (1u << ((n) - 1))
#define AGREEMENT_COUNT 5

/* An adoption agreement of DESIGN.md §2 and its deadline. */
struct catalogue_agreement {
	unsigned n;                  /* 1 .. AGREEMENT_COUNT */
	int deadline_year;           /* the deadline is the end of this year (UTC) */
	long long deadline;          /* unix seconds of the deadline's end: 1 January 00:00 UTC of
	                              * the next year; a round that started at or after it is
	                              * past the deadline */
	const char *title;           /* a few words: "HTTPS and HSTS, TLS per NCSC" */
	const char *text;            /* the agreement, one sentence (DESIGN.md §2) */
};
/* The agreements, 1 .. AGREEMENT_COUNT in order; *n = AGREEMENT_COUNT. */
const struct catalogue_agreement *catalogue_agreements(size_t *n);
/* Agreement n (1 .. AGREEMENT_COUNT), or NULL. */
const struct catalogue_agreement *catalogue_agreement(unsigned n);

/* The agent's modules, one per standard (agent/probe/probe_<module>.c), in the order the
 * runner calls them. MODULE_NONE: nothing implements the test yet; it is not_tested. */
enum catalogue_module {
	MODULE_NONE,
	MODULE_DNSSEC,          /* probe_dnssec.c */
	MODULE_IPV6,            /* probe_ipv6.c */
	MODULE_RPKI,            /* probe_rpki.c: ROAs and route origin validation of the web
	                         * server, mail server and name server addresses; early, as it
	                         * needs only the DNS answers before it and table lookups: a
	                         * budget spent on slow servers later leaves it judged */
	MODULE_MAILAUTH,        /* probe_mailauth.c: SPF, DMARC, DKIM */
	MODULE_MTASTS_TLSRPT,          /* probe_mtasts_tlsrpt.c: MTA-STS and TLS-RPT */
	MODULE_DANE,            /* probe_dane.c */
	MODULE_STARTTLS,        /* probe_starttls.c */
	MODULE_WEB,             /* probe_web.c: HTTPS, HSTS, security headers, security.txt,
	                         * IPv4/IPv6 parity on the web servers */
	MODULE_WEBTLS,          /* probe_webtls.c: HTTPS's TLS, certificate, DANE on 443, CAA */
	MODULE_VANTAGE,         /* vantage.c: the vantage self-tests, once per agent and round
	                         * (empty domain), never per domain */
	MODULE_COUNT
};

/* Every test id, in the catalogue's order (sorted by id, strcmp order): TEST_<ID IN CAPITALS>.
 * catalogue.c's table is indexed by it; a unit test checks that each row's id is its name. */
enum catalogue_test {
	TEST_MAIL_AUTH_DKIM_EXIST,
	TEST_MAIL_AUTH_DMARC_EXIST,
	TEST_MAIL_AUTH_DMARC_EXT_DESTINATION,
	TEST_MAIL_AUTH_DMARC_POLICY,
	TEST_MAIL_AUTH_SPF_EXIST,
	TEST_MAIL_AUTH_SPF_POLICY,
	TEST_MAIL_DNSSEC_MAILTO_EXIST,
	TEST_MAIL_DNSSEC_MAILTO_VALID,
	TEST_MAIL_DNSSEC_MX_EXIST,
	TEST_MAIL_DNSSEC_MX_VALID,
	TEST_MAIL_IPV6_MX_ADDRESS,
	TEST_MAIL_IPV6_MX_REACH,
	TEST_MAIL_IPV6_NS_ADDRESS,
	TEST_MAIL_IPV6_NS_REACH,
	TEST_MAIL_MTASTS,
	TEST_MAIL_MX_NS_RPKI_EXISTS,
	TEST_MAIL_MX_NS_RPKI_VALID,
	TEST_MAIL_NS_RPKI_EXISTS,
	TEST_MAIL_NS_RPKI_VALID,
	TEST_MAIL_RPKI_EXISTS,
	TEST_MAIL_RPKI_VALID,
	TEST_MAIL_STARTTLS_CERT_CHAIN,
	TEST_MAIL_STARTTLS_CERT_DOMAIN,
	TEST_MAIL_STARTTLS_CERT_PUBKEY,
	TEST_MAIL_STARTTLS_CERT_SIG,
	TEST_MAIL_STARTTLS_DANE_EXIST,
	TEST_MAIL_STARTTLS_DANE_ROLLOVER,
	TEST_MAIL_STARTTLS_DANE_VALID,
	TEST_MAIL_STARTTLS_TLS_AVAILABLE,
	TEST_MAIL_STARTTLS_TLS_CIPHERORDER,
	TEST_MAIL_STARTTLS_TLS_CIPHERS,
	TEST_MAIL_STARTTLS_TLS_CLIENTRENEG,
	TEST_MAIL_STARTTLS_TLS_COMPRESS,
	TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE,
	TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH,
	TEST_MAIL_STARTTLS_TLS_SECRENEG,
	TEST_MAIL_STARTTLS_TLS_VERSION,
	TEST_MAIL_TLSRPT,
	TEST_VANTAGE_IPV6,
	TEST_VANTAGE_ROV,
	TEST_WEB_APPSECPRIV_CSP,
	TEST_WEB_APPSECPRIV_REFERRER_POLICY,
	TEST_WEB_APPSECPRIV_SECURITYTXT,
	TEST_WEB_APPSECPRIV_X_CONTENT_TYPE_OPTIONS,
	TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS,
	TEST_WEB_CAA,
	TEST_WEB_DNSSEC_EXIST,
	TEST_WEB_DNSSEC_VALID,
	TEST_WEB_HTTPS_CERT_CHAIN,
	TEST_WEB_HTTPS_CERT_DOMAIN,
	TEST_WEB_HTTPS_CERT_PUBKEY,
	TEST_WEB_HTTPS_CERT_SIG,
	TEST_WEB_HTTPS_DANE_EXIST,
	TEST_WEB_HTTPS_DANE_VALID,
	TEST_WEB_HTTPS_HTTP_AVAILABLE,
	TEST_WEB_HTTPS_HTTP_COMPRESS,
	TEST_WEB_HTTPS_HTTP_HSTS,
	TEST_WEB_HTTPS_HTTP_REDIRECT,
	TEST_WEB_HTTPS_TLS_0RTT,
	TEST_WEB_HTTPS_TLS_CIPHERORDER,
	TEST_WEB_HTTPS_TLS_CIPHERS,
	TEST_WEB_HTTPS_TLS_CLIENTRENEG,
	TEST_WEB_HTTPS_TLS_COMPRESS,
	TEST_WEB_HTTPS_TLS_KEYEXCHANGE,
	TEST_WEB_HTTPS_TLS_KEYEXCHANGEHASH,
	TEST_WEB_HTTPS_TLS_OCSP,
	TEST_WEB_HTTPS_TLS_SECRENEG,
	TEST_WEB_HTTPS_TLS_VERSION,
	TEST_WEB_IPV6_NS_ADDRESS,
	TEST_WEB_IPV6_NS_REACH,
	TEST_WEB_IPV6_WS_ADDRESS,
	TEST_WEB_IPV6_WS_REACH,
	TEST_WEB_IPV6_WS_SIMILAR,
	TEST_WEB_NS_RPKI_EXISTS,
	TEST_WEB_NS_RPKI_VALID,
	TEST_WEB_RPKI_EXISTS,
	TEST_WEB_RPKI_VALID,
	TEST_COUNT
};

struct catalogue_entry {
	const char *id;         /* internet.nl batch API name, or peil's own */
	const char *category;   /* "dnssec", "ipv6", "mailauth", "starttls", "https", ... */
	unsigned agreements;    /* AGREEMENT(n) bits */
	bool mandatory;         /* counts towards compliance and score */
	const char *guideline;  /* the default guideline it is judged by */
	enum catalogue_module module;   /* what runs it in the agent */
	const char *title;      /* one line, at most 60 characters */
	const char *checks;     /* what the test checks, as peil does it */
	const char *why;        /* why it matters */
	const char *fix;        /* how to fix a failure */
};

/* Returns the whole catalogue (static, sorted by id, indexed by enum catalogue_test) and its
 * length (TEST_COUNT) in *n. */
const struct catalogue_entry *catalogue_all(size_t *n);
/* Returns the entry of test t, or NULL when t is not a test. */
const struct catalogue_entry *catalogue_get(enum catalogue_test t);
/* Returns the entry for `id`, or NULL. */
const struct catalogue_entry *catalogue_find(const char *id);
/* Sets *out to the test with id `id` and returns true; false when the catalogue has none. */
bool catalogue_test_find(const char *id, enum catalogue_test *out);

#endif
