/* mxwork.h: the mail servers one run tests, shared by the STARTTLS, DANE and MTA-STS/TLS-RPT
 * modules: the MX hosts, their TLSA sets and one STARTTLS try per address, each found once per
 * run; and the worst-over-every-address judging that STARTTLS and DANE share. */
#ifndef PEIL_MXWORK_H
#define PEIL_MXWORK_H

#include <stdbool.h>
#include <stddef.h>

#include "catalogue.h"
#include "dane.h"
#include "dnswork.h"
#include "ncsc.h"
#include "smtp.h"
#include "tls.h"
#include "tlsaset.h"
#include "tlsjudge.h"

struct mxhost {
	const struct dnsans_rr *rr;     /* in w->mx */
	size_t naddrs;                  /* addresses found (IPv4 and IPv6 the vantage uses) */
	int tlsa;                       /* TLSA_* (tlsaset.h) of _25._tcp.<base> */
	char base[DNSANS_TEXT_LEN];     /* the TLSA base name: the host, or its secure CNAME
	                                 * expansion (RFC 7672 2.2.2) when TLSA is found there */
	char tlsa_why[DNSANS_WHY_LEN];
	size_t ntlsa, tlsa_total;
	struct tlsa_rr *set;            /* ntlsa parsed records (heap) */
	bool dane_ta;                   /* a usable DANE-TA record is published (secure) */
};

struct mxtry {
	size_t host;                    /* index in hosts */
	char addr[DNSANS_TEXT_LEN];
	bool tried;                     /* the engine ran: rep says what it found */
	bool noslot;                    /* not tried: no connection slot in time (rep.why says
	                                 * so); else not tried: the run's time ran out */
	struct tls_report rep;
	struct smtp_session s;
};

/* What mxwork_start found. */
enum mxwork_state {
	MXWORK_NEW,                     /* not started */
	MXWORK_NO_BUDGET,               /* the run's time was out: nothing judged */
	MXWORK_NONE,                    /* no mail server to test: mx_status, mx_reason */
	MXWORK_HOSTS,                   /* nhosts MX hosts to test */
};

/* The mail servers of one run. */
struct mxwork {
	struct dnswork *w;
	enum mxwork_state state;
	const struct ncsc *g;           /* the NCSC guideline TLS is judged by */
	struct dnsev mxev;              /* the MX set's evidence */
	struct dnsev addrev;            /* the address lookups' evidence (mxwork_tries) */
	int mx_status;                  /* when there is nothing to test */
	const char *mx_reason;
	size_t nhosts;
	struct mxhost host[MAX_MX];
	bool tlsa_done, tries_done;
	size_t ntry;
	struct mxtry *tries;            /* MAX_MX * MAX_STARTTLS_ADDRS */
	bool budget_cut;                /* some address not tried: the run's time ran out */
};

/* Judges one address's try on one test (arg: what the caller passed mxwork_judge_addrs). It is
 * called for every address that spoke TLS and for every address not tried (t->tried false):
 * a test that needs that address's TLS judges it with mxwork_untried; one that does not (DANE
 * on a host without DANE) leaves j alone. An address that answered without TLS is
 * mail_starttls_tls_available's alone: never passed to it. */
typedef void (*addr_judge_fn)(const struct mxwork *, const struct mxtry *, const void *arg,
    struct addrjudge *);

/* A run's mail server work, empty (nothing looked up yet), or NULL on out of memory. Freed with
 * mxwork_free (accepts NULL), which frees the TLSA sets and the TLS reports. */
struct mxwork *mxwork_new(struct dnswork *w);
void mxwork_free(struct mxwork *mx);

/* The MX hosts, once per run (later calls do nothing): the state says what was found; the
 * run's time already out leaves MXWORK_NO_BUDGET. Returns 0 or PEIL_ENOMEM. */
int mxwork_start(struct mxwork *mx);
/* The TLSA set of every MX host, once per run. Returns 0 or PEIL_ENOMEM. */
int mxwork_tlsa(struct mxwork *mx);
/* The addresses of every MX host and STARTTLS on each, once per run (mx->ntry tries; their
 * address lookups in addrev). Returns 0 or PEIL_ENOMEM. */
int mxwork_tries(struct mxwork *mx);

/* The evidence every per-address verdict starts from: the MX set's, then the addresses'. */
void mxwork_ev(const struct mxwork *mx, struct dnsev *ev);
/* Gives every test of ids (n of them) whose result is not done status and reason, with the MX
 * set's evidence (and the addresses', with_addrs), and sets it done. Returns 0 or PEIL_ENOMEM. */
int mxwork_apply(struct mxwork *mx, const int *ids, size_t n, Peil__Result *res[TEST_COUNT],
    bool done[TEST_COUNT], int status, const char *reason, bool with_addrs);
/* *acc becomes st when st is worse (failed, error, warning, info, passed, the rest). */
void mxwork_worse(int *acc, int st);
/* Why t (not tried) was not tried: no connection slot in time (the slot's message, worded as
 * the web's), or MSG_BUDGET. Points into t or to static storage. */
const char *mxwork_untried_why(const struct mxtry *t);
/* An address not tried, judged: error, "not tried: <why>" (the line and the bad item). */
void mxwork_untried(const struct mxtry *t, struct addrjudge *j);
/* Judges one test (r; NULL: nothing) over every address that spoke TLS or was not tried with
 * fn (given arg); worst wins (tlsjudge_addrs). tls_guideline: the result names the NCSC
 * guideline. Returns 0 or PEIL_ENOMEM. */
int mxwork_judge_addrs(struct mxwork *mx, Peil__Result *r, addr_judge_fn fn, const void *arg,
    const char *what, bool tls_guideline);

#endif
