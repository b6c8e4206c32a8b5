/* probe_dnssec.c: DNSSEC: the domain's zone (web_dnssec_*, mail_dnssec_mailto_*) and the MX
 * hosts' zones (mail_dnssec_mx_*), signed and valid by the validating resolver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dnswork.h"
#include "err.h"
#include "probe_dnssec.h"

/* web_dnssec_* and mail_dnssec_mailto_*: the domain's SOA through the validator. */
static int
run_dnssec(struct dnswork *w, Peil__Result *exist[2], Peil__Result *valid[2])
{
	struct dnsev ev = { 0 };
	struct dnsans *b = &w->base;
	char why[DNSANS_REASON_LEN + MAX_WHY_BOGUS_LEN], rbuf[16];
	int st_exist, st_valid, rc = 0;
	const char *r_exist = NULL, *r_valid = NULL;
	char *note = NULL;

	dnsev_add(&ev, "query", "%s SOA", w->domain);
	if (b->err == 0) {
		dnsev_add(&ev, "rcode", "%s", dnsans_rcode_name(b->rcode, rbuf, sizeof(rbuf)));
		/* A SERVFAIL that is not bogus says nothing about DNSSEC. */
		if (b->sec == DNSANS_BOGUS || !dnsans_failed(b, why, sizeof(why)))
			dnsev_add(&ev, "dnssec", "%s", dnsans_sec_name(b->sec));
		if (b->zone[0] != '\0')
			dnsev_add(&ev, "zone", "%s", b->zone);
		if (b->target[0] != '\0')
			dnsev_add(&ev, "cname", "%s", b->target);
	}
	if (b->err == 0 && b->sec == DNSANS_BOGUS) {
		dnsev_add(&ev, "why_bogus", "%s", b->why_bogus);
		st_exist = PEIL__STATUS__PASSED;
		st_valid = PEIL__STATUS__FAILED;
		r_valid = "DNSSEC validation failed (bogus)";
	} else if (dnsans_failed(b, why, sizeof(why))) {
		st_exist = st_valid = PEIL__STATUS__ERROR;
		if (b->err == PEIL_ETIMEDOUT && w->budget_out)
			r_exist = r_valid = MSG_BUDGET;
		else if (asprintf(&note, "SOA lookup failed: %s", why) < 0)
			ev.nomem = true;
		else
			r_exist = r_valid = note;
	} else if (b->rcode == LDNS_RCODE_NXDOMAIN) {
		st_exist = st_valid = PEIL__STATUS__ERROR;
		r_exist = r_valid = MSG_NXDOMAIN;
	} else if (b->sec == DNSANS_SECURE) {
		st_exist = st_valid = PEIL__STATUS__PASSED;
	} else if (!w->src->validating) {
		st_exist = st_valid = PEIL__STATUS__NOT_TESTED;
		r_exist = r_valid = "the resolver has no trust anchor: DNSSEC is not validated";
	} else {
		const char *zone = b->zone[0] != '\0' ? b->zone : w->domain;

		st_exist = PEIL__STATUS__FAILED;
		st_valid = PEIL__STATUS__NOT_TESTED;
		r_exist = "the domain is not DNSSEC-signed (insecure)";
		r_valid = "the domain is not DNSSEC-signed (insecure): nothing to validate";
		/* A signed zone nobody can validate: DNSKEY published but no DS at the parent. */
		if (dnswork_lookup(w, zone, LDNS_RR_TYPE_DNSKEY, 0, &w->aux) == PEIL_ENOMEM)
			ev.nomem = true;
		else if (!dnsans_failed(&w->aux, why, sizeof(why)) && w->aux.total > 0) {
			size_t nkeys = w->aux.total;

			if (dnswork_lookup(w, zone, LDNS_RR_TYPE_DS, 0, &w->aux) == PEIL_ENOMEM)
				ev.nomem = true;
			else if (dnsans_failed(&w->aux, why, sizeof(why)))
				dnsev_add(&ev, "dnskey", "zone %s publishes %zu DNSKEY record(s); "
				    "DS lookup failed: %s", zone, nkeys, why);
			else if (w->aux.total == 0)
				dnsev_add(&ev, "dnskey", "zone %s publishes %zu DNSKEY record(s), but "
				    "its parent has no DS for it", zone, nkeys);
			else
				dnsev_add(&ev, "dnskey", "zone %s publishes %zu DNSKEY record(s) and its "
				    "parent %zu DS record(s), but the chain of trust does not reach it (an "
				    "unsigned zone above, or an algorithm not supported)", zone, nkeys,
				    w->aux.total);
		}
	}
	for (int i = 0; i < 2 && rc == 0; i++) {
		if ((rc = dnsev_apply(&ev, exist[i], st_exist, r_exist)) == 0)
			rc = dnsev_apply(&ev, valid[i], st_valid, r_valid);
	}
	free(note);
	dnsev_clear(&ev);
	return rc;
}

/* mail_dnssec_mx_exist and mail_dnssec_mx_valid: each MX host's zone signed, and valid. */
static int
run_mx_dnssec(struct dnswork *w, Peil__Result *exist, Peil__Result *valid)
{
	struct dnsev ev = { 0 };
	struct textlist *insecure, *bogus;
	size_t hosts[MAX_MX], nins = 0, nbog = 0, nsec = 0, nfail = 0;
	char why[DNSANS_WHY_LEN], *r1 = NULL, *r2 = NULL;
	const char *reason;
	int st, st_exist, st_valid, rc = 0, n;

	insecure = calloc(1, sizeof(*insecure));
	bogus = calloc(1, sizeof(*bogus));
	if (insecure == NULL || bogus == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((n = dnswork_mx_hosts(w, &ev, hosts, &st, &reason)) == PEIL_ENOMEM) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if (n == 0) {
		const char *lead_why = reason;
		int lead = st;

		dnswork_mx_lead(w, &lead, &lead_why);
		if ((rc = dnsev_apply(&ev, exist, lead, lead_why)) == 0)
			rc = dnsev_apply(&ev, valid, st, reason);
		goto out;
	}
	for (int k = 0; k < n; k++) {
		const struct dnsans_rr *mx = &w->mx.rr[hosts[k]];
		struct dnsans *a = &w->aux;
		char key[32];

		snprintf(key, sizeof(key), "mx_%d", k + 1);
		if (!mx->host_ok) {
			dnsev_add(&ev, key, "%s: not a valid host name, not looked up", mx->text);
			nfail++;
			continue;
		}
		if (dnswork_lookup(w, mx->text, LDNS_RR_TYPE_SOA, 0, a) == PEIL_ENOMEM) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		if (a->err == 0 && a->sec == DNSANS_BOGUS) {
			dnsev_add(&ev, key, "%s: bogus (%s)", mx->text, a->why_bogus);
			textlist_add(bogus, mx->text);
			nbog++;
		} else if (dnsans_failed(a, why, sizeof(why))) {
			dnsev_add(&ev, key, "%s: SOA lookup failed: %s", mx->text, why);
			nfail++;
		} else {
			dnsev_add(&ev, key, "%s: zone %s, %s%s", mx->text,
			    a->zone[0] != '\0' ? a->zone : "?", dnsans_sec_name(a->sec),
			    a->rcode == LDNS_RCODE_NXDOMAIN ? " (the name does not exist)" : "");
			if (a->sec == DNSANS_SECURE) {
				nsec++;
			} else {
				textlist_add(insecure, mx->text);
				nins++;
			}
		}
	}
	if (!w->src->validating) {
		st_exist = st_valid = PEIL__STATUS__NOT_TESTED;
		r1 = strdup("the resolver has no trust anchor: DNSSEC is not validated");
		r2 = r1 != NULL ? strdup(r1) : NULL;
	} else if (nins > 0) {
		st_exist = PEIL__STATUS__FAILED;
		if (asprintf(&r1, "%zu of %d MX in unsigned zones: %s", nins, n, insecure->buf) < 0)
			r1 = NULL;
		st_valid = nbog > 0 ? PEIL__STATUS__FAILED : nsec > 0 ? PEIL__STATUS__PASSED :
		    PEIL__STATUS__NOT_TESTED;
	} else if (nfail > 0) {
		st_exist = PEIL__STATUS__ERROR;
		st_valid = nbog > 0 ? PEIL__STATUS__FAILED : PEIL__STATUS__ERROR;
		if (asprintf(&r1, "the DNSSEC state of %zu MX could not be learnt", nfail) < 0)
			r1 = NULL;
	} else {
		st_exist = PEIL__STATUS__PASSED;
		st_valid = nbog > 0 ? PEIL__STATUS__FAILED : PEIL__STATUS__PASSED;
	}
	if (st_valid == PEIL__STATUS__FAILED && r2 == NULL &&
	    asprintf(&r2, "%zu MX in zones that fail validation (bogus): %s", nbog, bogus->buf) < 0)
		r2 = NULL;
	if (st_valid == PEIL__STATUS__NOT_TESTED && r2 == NULL)
		r2 = strdup("no MX is in a signed zone: nothing to validate");
	if (st_valid == PEIL__STATUS__ERROR && r2 == NULL && r1 != NULL)
		r2 = strdup(r1);
	if ((st_exist != PEIL__STATUS__PASSED && r1 == NULL) ||
	    (st_valid != PEIL__STATUS__PASSED && r2 == NULL)) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((rc = dnsev_apply(&ev, exist, st_exist, r1)) == 0)
		rc = dnsev_apply(&ev, valid, st_valid, r2);
out:
	free(r1);
	free(r2);
	free(insecure);
	free(bogus);
	dnsev_clear(&ev);
	return rc;
}

int
probe_dnssec_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	int rc = 0;

	(void)mx;
	(void)web;
	if (res[TEST_WEB_DNSSEC_EXIST] != NULL || res[TEST_WEB_DNSSEC_VALID] != NULL ||
	    res[TEST_MAIL_DNSSEC_MAILTO_EXIST] != NULL || res[TEST_MAIL_DNSSEC_MAILTO_VALID] != NULL) {
		Peil__Result *exist[2] = { res[TEST_WEB_DNSSEC_EXIST],
		    res[TEST_MAIL_DNSSEC_MAILTO_EXIST] };
		Peil__Result *valid[2] = { res[TEST_WEB_DNSSEC_VALID],
		    res[TEST_MAIL_DNSSEC_MAILTO_VALID] };

		if ((rc = run_dnssec(w, exist, valid)) != 0)
			return rc;
		done[TEST_WEB_DNSSEC_EXIST] = done[TEST_WEB_DNSSEC_VALID] = true;
		done[TEST_MAIL_DNSSEC_MAILTO_EXIST] = done[TEST_MAIL_DNSSEC_MAILTO_VALID] = true;
	}
	if ((!done[TEST_MAIL_DNSSEC_MX_EXIST] || !done[TEST_MAIL_DNSSEC_MX_VALID]) &&
	    dnswork_budget_left(w)) {
		if ((rc = run_mx_dnssec(w, res[TEST_MAIL_DNSSEC_MX_EXIST],
		    res[TEST_MAIL_DNSSEC_MX_VALID])) != 0)
			return rc;
		done[TEST_MAIL_DNSSEC_MX_EXIST] = done[TEST_MAIL_DNSSEC_MX_VALID] = true;
	}
	return 0;
}
