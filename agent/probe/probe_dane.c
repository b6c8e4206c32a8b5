/* probe_dane.c: DANE for mail (RFC 7672): TLSA records for every MX (mail_starttls_dane_exist),
 * usable at the next rollover (_rollover), and matching what every address presents (_valid). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dane.h"
#include "err.h"
#include "mxwork.h"
#include "probe_dane.h"

/* mail_starttls_dane_exist and _dane_rollover: per MX host. */
static int
judge_dane_hosts(struct mxwork *tw, Peil__Result *exist, Peil__Result *roll)
{
	struct dnsev ev = { 0 };
	struct textlist *bad, *badroll, *badfail;
	int st_e = PEIL__STATUS__NOT_TESTED, st_r = PEIL__STATUS__NOT_TESTED, rc;
	char *r_e = NULL, *r_r = NULL;

	bad = calloc(1, sizeof(*bad));
	badroll = calloc(1, sizeof(*badroll));
	badfail = calloc(1, sizeof(*badfail));
	if (bad == NULL || badroll == NULL || badfail == NULL) {
		free(bad);
		free(badroll);
		free(badfail);
		return PEIL_ENOMEM;
	}
	dnsev_copy(&ev, &tw->mxev);
	for (size_t i = 0; i < tw->nhosts; i++) {
		const struct mxhost *h = &tw->host[i];
		char key[32];

		snprintf(key, sizeof(key), "tlsa_%zu", i + 1);
		dnsev_add(&ev, key, "%s", h->tlsa_why);
		for (size_t k = 0; k < h->ntlsa && k < 4; k++) {
			char txt[TLSA_TEXT_LEN];

			tlsa_text(&h->set[k], txt, sizeof(txt));
			dnsev_add(&ev, key, "  %s", txt);
		}
		switch (h->tlsa) {
		case TLSA_SECURE:
			mxwork_worse(&st_e, PEIL__STATUS__PASSED);
			if (dane_rollover_ok(h->set, h->ntlsa)) {
				mxwork_worse(&st_r, PEIL__STATUS__PASSED);
			} else {
				/* internet.nl: rollover is info-level */
				mxwork_worse(&st_r, PEIL__STATUS__INFO);
				textlist_add(badroll, h->rr->text);
			}
			break;
		case TLSA_FAILED:
			mxwork_worse(&st_e, PEIL__STATUS__ERROR);
			textlist_add(badfail, h->tlsa_why);
			break;
		default:
			mxwork_worse(&st_e, PEIL__STATUS__FAILED);
			textlist_add(bad, h->rr->text);
			break;
		}
	}
	if (st_e == PEIL__STATUS__FAILED &&
	    asprintf(&r_e, "no DNSSEC-secure TLSA record for: %.3000s", bad->buf) < 0)
		r_e = NULL;
	if (st_e == PEIL__STATUS__ERROR && asprintf(&r_e, "DANE could not be decided for: "
	    "%.3000s", badfail->buf) < 0)
		r_e = NULL;
	if (st_r == PEIL__STATUS__NOT_TESTED && asprintf(&r_r, "no MX publishes DANE") < 0)
		r_r = NULL;
	if (st_r == PEIL__STATUS__INFO && asprintf(&r_r, "no rollover scheme (two DANE-EE "
	    "records, or DANE-EE and DANE-TA) for: %.3000s", badroll->buf) < 0)
		r_r = NULL;
	if ((rc = dnsev_apply(&ev, exist, st_e, r_e)) == 0)
		rc = dnsev_apply(&ev, roll, st_r, r_r);
	free(r_e);
	free(r_r);
	free(bad);
	free(badroll);
	free(badfail);
	dnsev_clear(&ev);
	return rc;
}

static void
j_dane_valid(const struct mxwork *tw, const struct mxtry *t, const void *arg,
    struct addrjudge *j)
{
	const struct mxhost *h = &tw->host[t->host];
	const uint8_t *der[MAX_TLS_CHAIN_CERTS];
	const char *names[2] = { h->rr->text, h->base };
	struct dane_result *dr;

	(void)arg;
	if (h->tlsa != TLSA_SECURE)
		return;   /* not_tested for this address: no DANE to validate */
	if (!t->tried) {
		/* the engine never ran there: what it presents is unknown */
		mxwork_untried(t, j);
		return;
	}
	if (t->rep.nchain == 0) {
		j->st = PEIL__STATUS__FAILED;
		textlist_add(&j->line, "no certificate to match");
		textlist_add(&j->bad, "no certificate");
		return;
	}
	if ((dr = calloc(1, sizeof(*dr))) == NULL) {
		j->st = PEIL__STATUS__ERROR;
		textlist_add(&j->line, "out of memory");
		return;
	}
	for (size_t i = 0; i < t->rep.nchain; i++)
		der[i] = t->rep.der[i];
	if (dane_match(h->set, h->ntlsa, der, t->rep.derlen, t->rep.nchain, names,
	    strcasecmp(h->base, h->rr->text) != 0 ? 2 : 1, dr) != 0) {
		j->st = PEIL__STATUS__ERROR;
		textlist_add(&j->line, "matching failed");
	} else {
		j->st = dr->ok ? PEIL__STATUS__PASSED : PEIL__STATUS__FAILED;
		textlist_add(&j->line, dr->why);
		if (!dr->ok)
			textlist_add(&j->bad, dr->why);
	}
	free(dr);
}

static const int dane_ids[] = {
	TEST_MAIL_STARTTLS_DANE_EXIST, TEST_MAIL_STARTTLS_DANE_VALID,
	TEST_MAIL_STARTTLS_DANE_ROLLOVER,
};
#define NDANE_IDS (sizeof(dane_ids) / sizeof(dane_ids[0]))

int
probe_dane_run(struct dnswork *w, struct mxwork *tw, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	static const int valid[] = { TEST_MAIL_STARTTLS_DANE_VALID };
	int rc;

	(void)web;
	if ((rc = mxwork_start(tw)) != 0 || tw->state == MXWORK_NO_BUDGET)
		return rc;
	if (tw->state == MXWORK_NONE)
		return mxwork_apply(tw, dane_ids, NDANE_IDS, res, done, tw->mx_status,
		    tw->mx_reason, false);
	if ((rc = mxwork_tlsa(tw)) != 0)
		return rc;
	if (!done[TEST_MAIL_STARTTLS_DANE_EXIST] || !done[TEST_MAIL_STARTTLS_DANE_ROLLOVER]) {
		if ((rc = judge_dane_hosts(tw, res[TEST_MAIL_STARTTLS_DANE_EXIST],
		    res[TEST_MAIL_STARTTLS_DANE_ROLLOVER])) != 0)
			return rc;
		done[TEST_MAIL_STARTTLS_DANE_EXIST] = done[TEST_MAIL_STARTTLS_DANE_ROLLOVER] = true;
	}
	/* Whether the records match needs what each address presents over STARTTLS. */
	if (done[TEST_MAIL_STARTTLS_DANE_VALID])
		return 0;
	if (w->src->starttls == NULL)
		return mxwork_apply(tw, valid, 1, res, done, PEIL__STATUS__NOT_TESTED,
		    "this agent does not test STARTTLS", false);
	if ((rc = mxwork_tries(tw)) != 0)
		return rc;
	if (tw->ntry == 0)
		return mxwork_apply(tw, valid, 1, res, done, PEIL__STATUS__ERROR,
		    "no address found for any MX", true);
	if ((rc = mxwork_judge_addrs(tw, res[TEST_MAIL_STARTTLS_DANE_VALID], j_dane_valid, NULL,
	    "DANE", false)) != 0)
		return rc;
	done[TEST_MAIL_STARTTLS_DANE_VALID] = true;
	return 0;
}
