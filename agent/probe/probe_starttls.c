/* probe_starttls.c: STARTTLS on every address of every MX, its TLS judged by the NCSC
 * guidelines (mail_starttls_tls_*, mail_starttls_cert_*).
 *
 * The SMTP dialogue and the TLS engine run behind the source's starttls callback (probe.c;
 * canned reports in the tests), once per run for STARTTLS and DANE (mxwork.c); here the reports
 * are judged by the NCSC tables through the judges the web shares (tlsjudge.c), by mail
 * rules. A test's verdict is the worst over every address tried; its evidence lists each. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "mxwork.h"
#include "ncsc.h"
#include "probe_starttls.h"

/* One address's try judged by a shared TLS judge (arg: the tlsjudge_fn), by mail rules. */
struct mail_judge {
	tlsjudge_fn fn;
};

static void
j_tls(const struct mxwork *tw, const struct mxtry *t, const void *arg, struct addrjudge *j)
{
	const struct mail_judge *mj = arg;
	const struct mxhost *h = &tw->host[t->host];
	struct tlsjudge_ctx c = { .g = tw->g, .rep = &t->rep, .host = h->rr->text,
	    .dane_ta = h->dane_ta, .web = false };

	/* the engine never ran there: nothing may pass on the other addresses alone */
	if (!t->tried) {
		mxwork_untried(t, j);
		return;
	}
	tlsjudge_run(mj->fn, &c, j);
}

/* mail_starttls_tls_available: every address offered STARTTLS and completed a handshake. */
static int
judge_available(struct mxwork *tw, Peil__Result *r)
{
	struct dnsev ev = { 0 };
	struct textlist *bad;
	size_t nfail = 0, nerr = 0, nuntried = 0;
	char *reason = NULL;
	int st, rc;

	if (r == NULL)
		return 0;
	if ((bad = calloc(1, sizeof(*bad))) == NULL)
		return PEIL_ENOMEM;
	mxwork_ev(tw, &ev);
	for (size_t i = 0; i < tw->ntry; i++) {
		const struct mxtry *t = &tw->tries[i];
		char key[32], who[DNSANS_TEXT_LEN + 80];
		const char *what;

		snprintf(who, sizeof(who), "%.253s [%.64s]", tw->host[t->host].rr->text, t->addr);
		snprintf(key, sizeof(key), "addr_%zu", i + 1);
		if (!t->tried) {
			/* no connection slot in time, or the run's time ran out: decides nothing */
			dnsev_add(&ev, key, "%s: not tried: %s", who, mxwork_untried_why(t));
			nuntried++;
			continue;
		}
		if (t->rep.available) {
			dnsev_add(&ev, key, "%s: STARTTLS, %s; banner %.120s; %u handshakes in %u ms",
			    who, t->rep.nversions > 0 ? tlsjudge_version_name(t->rep.versions[0]) : "TLS",
			    t->s.banner, t->rep.handshakes, t->rep.ms);
			continue;
		}
		/* No TLS: the server's fault (no STARTTLS, refused, broken handshake) or no
		 * answer at all (unreachable, time-out): the latter decides nothing. */
		what = t->rep.why;
		dnsev_add(&ev, key, "%s: %s", who, what);
		if (t->s.banner_code == 220) {
			textlist_add(bad, who);
			nfail++;
		} else {
			nerr++;
		}
	}
	if (nfail > 0) {
		st = PEIL__STATUS__FAILED;
		if (asprintf(&reason, "no TLS on %zu of %zu mail server address(es): %.3000s", nfail,
		    tw->ntry, bad->buf) < 0)
			reason = NULL;
	} else if (nerr > 0 || nuntried > 0) {
		char how[96];

		st = PEIL__STATUS__ERROR;
		if (nuntried == 0)
			snprintf(how, sizeof(how), "no SMTP answer");
		else if (nerr == 0)
			snprintf(how, sizeof(how), "not tried");
		else
			snprintf(how, sizeof(how), "%zu not tried, %zu no SMTP answer", nuntried, nerr);
		if (asprintf(&reason, "%zu of %zu mail server address(es) could not be tested "
		    "(%s)", nerr + nuntried, tw->ntry, how) < 0)
			reason = NULL;
	} else {
		st = PEIL__STATUS__PASSED;
	}
	rc = dnsev_apply(&ev, r, st, reason);
	if (rc == 0)
		rc = result_set_guideline(r, ncsc_id(tw->g));
	free(reason);
	free(bad);
	dnsev_clear(&ev);
	return rc;
}


static const int starttls_ids[] = {
	TEST_MAIL_STARTTLS_TLS_AVAILABLE, TEST_MAIL_STARTTLS_TLS_VERSION, TEST_MAIL_STARTTLS_TLS_CIPHERS,
	TEST_MAIL_STARTTLS_TLS_CIPHERORDER, TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE,
	TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH, TEST_MAIL_STARTTLS_TLS_COMPRESS,
	TEST_MAIL_STARTTLS_TLS_SECRENEG, TEST_MAIL_STARTTLS_TLS_CLIENTRENEG,
	TEST_MAIL_STARTTLS_CERT_CHAIN, TEST_MAIL_STARTTLS_CERT_PUBKEY,
	TEST_MAIL_STARTTLS_CERT_SIG, TEST_MAIL_STARTTLS_CERT_DOMAIN,
};
#define NSTARTTLS_IDS (sizeof(starttls_ids) / sizeof(starttls_ids[0]))

int
probe_starttls_run(struct dnswork *w, struct mxwork *tw, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	static const struct {
		int id;
		struct mail_judge fn;
		const char *what;
	} per_addr[] = {
		{ TEST_MAIL_STARTTLS_TLS_VERSION, { tlsjudge_version }, "protocol versions" },
		{ TEST_MAIL_STARTTLS_TLS_CIPHERS, { tlsjudge_ciphers }, "cipher suites" },
		{ TEST_MAIL_STARTTLS_TLS_CIPHERORDER, { tlsjudge_cipherorder }, "cipher order" },
		{ TEST_MAIL_STARTTLS_TLS_KEYEXCHANGE, { tlsjudge_keyexchange }, "key exchange" },
		{ TEST_MAIL_STARTTLS_TLS_KEYEXCHANGEHASH, { tlsjudge_kexhash }, "key-exchange hash" },
		{ TEST_MAIL_STARTTLS_TLS_COMPRESS, { tlsjudge_compress }, "compression" },
		{ TEST_MAIL_STARTTLS_TLS_SECRENEG, { tlsjudge_secreneg }, "secure renegotiation" },
		{ TEST_MAIL_STARTTLS_TLS_CLIENTRENEG, { tlsjudge_clientreneg },
		    "client renegotiation" },
		{ TEST_MAIL_STARTTLS_CERT_CHAIN, { tlsjudge_chain }, "certificate chain" },
		{ TEST_MAIL_STARTTLS_CERT_PUBKEY, { tlsjudge_pubkey }, "certificate key" },
		{ TEST_MAIL_STARTTLS_CERT_SIG, { tlsjudge_sig }, "certificate signature" },
		{ TEST_MAIL_STARTTLS_CERT_DOMAIN, { tlsjudge_domain }, "certificate name" },
	};
	int rc;

	(void)web;
	if ((rc = mxwork_start(tw)) != 0 || tw->state == MXWORK_NO_BUDGET)
		return rc;
	if (tw->state == MXWORK_NONE) {
		/* the first test may have a status of its own (internet.nl's null-MX rules) */
		const char *why = tw->mx_reason;
		int st = tw->mx_status;

		dnswork_mx_lead(w, &st, &why);
		if ((rc = mxwork_apply(tw, starttls_ids, 1, res, done, st, why, false)) != 0)
			return rc;
		return mxwork_apply(tw, starttls_ids + 1, NSTARTTLS_IDS - 1, res, done,
		    tw->mx_status, tw->mx_reason, false);
	}
	/* DANE-TA and DANE-EE records decide the certificate chain and name (RFC 7672 3.1). */
	if ((!done[TEST_MAIL_STARTTLS_CERT_CHAIN] || !done[TEST_MAIL_STARTTLS_CERT_DOMAIN]) &&
	    (rc = mxwork_tlsa(tw)) != 0)
		return rc;
	if (w->src->starttls == NULL)
		return mxwork_apply(tw, starttls_ids, NSTARTTLS_IDS, res, done,
		    PEIL__STATUS__NOT_TESTED, "this agent does not test STARTTLS", false);
	if ((rc = mxwork_tries(tw)) != 0)
		return rc;
	if (tw->ntry == 0)
		return mxwork_apply(tw, starttls_ids, NSTARTTLS_IDS, res, done,
		    PEIL__STATUS__ERROR, "no address found for any MX", true);
	if (!done[TEST_MAIL_STARTTLS_TLS_AVAILABLE]) {
		if ((rc = judge_available(tw, res[TEST_MAIL_STARTTLS_TLS_AVAILABLE])) != 0)
			return rc;
		done[TEST_MAIL_STARTTLS_TLS_AVAILABLE] = true;
	}
	for (size_t i = 0; i < sizeof(per_addr) / sizeof(per_addr[0]); i++) {
		int id = per_addr[i].id;

		if (done[id])
			continue;
		if ((rc = mxwork_judge_addrs(tw, res[id], j_tls, &per_addr[i].fn,
		    per_addr[i].what, true)) != 0)
			return rc;
		done[id] = true;
	}
	return 0;
}
