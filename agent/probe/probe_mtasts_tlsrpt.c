/* probe_mtasts_tlsrpt.c: MTA-STS (RFC 8461: the record, the policy over HTTPS, its mode, its
 * mx patterns covering every MX; mail_mtasts) and TLS-RPT (RFC 8460: one valid record;
 * mail_tlsrpt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "err.h"
#include "mtasts.h"
#include "mxwork.h"
#include "probe_mtasts_tlsrpt.h"

/* What txt_one found: a status of its own, never a PEIL_E* value. */
enum txtone { TXTONE_FAILED, TXTONE_NONE, TXTONE_ONE, TXTONE_SEVERAL };

/* Looks up TXT at name; *found says whether there is none, one (copied to out), several
 * records of the kind, or the lookup failed (why). Returns 0 or PEIL_ENOMEM. */
static int
txt_one(struct dnswork *w, const char *name, bool (*is_kind)(const uint8_t *, size_t),
    uint8_t *out, size_t cap, size_t *len, enum txtone *found, char *why, size_t whylen)
{
	struct dnsans *a = &w->aux;
	size_t count = 0;

	*found = TXTONE_FAILED;
	if (dnswork_lookup(w, name, LDNS_RR_TYPE_TXT, 0, a) == PEIL_ENOMEM)
		return PEIL_ENOMEM;
	if (dnsans_failed(a, why, whylen))
		return 0;
	if (a->txt_tagged > a->ntxt) {
		snprintf(why, whylen, "%s has more version-tagged TXT records than examined", name);
		return 0;
	}
	for (size_t i = 0; i < a->ntxt; i++) {
		const uint8_t *t = a->txt + a->txt_off[i];

		if (!is_kind(t, a->txt_len[i]))
			continue;
		if (count++ == 0) {
			*len = a->txt_len[i] < cap ? a->txt_len[i] : cap;
			memcpy(out, t, *len);
		}
	}
	*found = count == 0 ? TXTONE_NONE : count == 1 ? TXTONE_ONE : TXTONE_SEVERAL;
	return 0;
}

static void
printable(const uint8_t *b, size_t len, char *out, size_t outlen)
{
	size_t n = len < outlen - 1 ? len : outlen - 1;

	for (size_t i = 0; i < n; i++)
		out[i] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : b[i] == '\n' || b[i] == '\r' ?
		    ' ' : '?';
	out[n] = '\0';
}

/* mail_mtasts: the record, the policy over HTTPS, its mode, and its mx patterns. */
static int
judge_mtasts(struct mxwork *tw, Peil__Result *r)
{
	struct dnswork *w = tw->w;
	struct dnsev ev = { 0 };
	struct mtasts_record rec;
	struct mtasts_policy *pol = NULL;
	struct policy_fetch *pf = NULL;
	struct textlist *uncovered = NULL;
	char q[MAX_DOMAIN_LEN + 16], why[DNSANS_WHY_LEN], text[600], addr[DNSANS_TEXT_LEN] = "";
	char *note = NULL;
	const char *reason = NULL;
	uint8_t buf[MAX_MTASTS_RECORD_LEN];
	size_t len = 0;
	enum txtone found;
	int st = PEIL__STATUS__FAILED, rc = 0;

	if (r == NULL)
		return 0;
	if (snprintf(q, sizeof(q), "_mta-sts.%s", w->domain) >= (int)sizeof(q) ||
	    strlen(q) > MAX_DOMAIN_LEN) {
		reason = "_mta-sts.<domain> would be too long a name";
		st = PEIL__STATUS__ERROR;
		goto judge;
	}
	if ((rc = txt_one(w, q, mtasts_is_record, buf, sizeof(buf), &len, &found, why,
	    sizeof(why))) != 0)
		goto out;
	dnsev_add(&ev, "query", "%s TXT", q);
	if (found == TXTONE_FAILED) {
		st = PEIL__STATUS__ERROR;
		reason = w->budget_out ? MSG_BUDGET : why;
		goto judge;
	}
	if (found == TXTONE_NONE) {
		reason = "no MTA-STS record (TXT v=STSv1 at _mta-sts)";
		goto judge;
	}
	if (found == TXTONE_SEVERAL) {
		reason = "several MTA-STS records (RFC 8461 3.1 wants one)";
		goto judge;
	}
	printable(buf, len, text, sizeof(text));
	dnsev_add(&ev, "record", "%s", text);
	if (mtasts_record_parse(buf, len, &rec, NULL, why, sizeof(why)) != 0) {
		if (asprintf(&note, "the MTA-STS record is invalid: %s", why) < 0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	if (w->src->fetch == NULL) {
		st = PEIL__STATUS__NOT_TESTED;
		reason = "this agent does not fetch MTA-STS policies";
		goto judge;
	}
	/* The policy host's address, through our own resolver. */
	snprintf(q, sizeof(q), "mta-sts.%s", w->domain);
	for (int fam = 0; fam < 2 && addr[0] == '\0'; fam++) {
		if ((fam == 0 && !w->src->ipv6) || (fam == 1 && !w->src->ipv4))
			continue;
		if (dnswork_lookup(w, q, fam == 0 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A, 1,
		    &w->a6) == PEIL_ENOMEM) {
			rc = PEIL_ENOMEM;
			goto out;
		}
		if (!dnsans_failed(&w->a6, why, sizeof(why)) && w->a6.n > 0)
			snprintf(addr, sizeof(addr), "%s", w->a6.rr[0].text);
	}
	if (addr[0] == '\0') {
		if (asprintf(&note, "%s has no address: the policy cannot be fetched", q) < 0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	if ((pf = calloc(1, sizeof(*pf))) == NULL || (pol = calloc(1, sizeof(*pol))) == NULL ||
	    (uncovered = calloc(1, sizeof(*uncovered))) == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	if ((rc = w->src->fetch(w->src->arg, w->domain, addr, w->deadline, pf)) != 0)
		goto out;
	dnsev_add(&ev, "policy_url", "https://%s/.well-known/mta-sts.txt [%s]", q, addr);
	if (pf->rc != 0) {
		/* No time left, or no libcurl: the agent's failure, not the domain's. */
		st = pf->rc == PEIL_ETIMEDOUT || pf->rc == PEIL_ENOLIB ? PEIL__STATUS__ERROR :
		    PEIL__STATUS__FAILED;
		if (asprintf(&note, "the policy could not be fetched: %s", pf->why) < 0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	dnsev_add(&ev, "content_type", "%s", pf->content_type);
	if (!mtasts_content_type_ok(pf->content_type)) {
		if (asprintf(&note, "the policy is served as '%s', not text/plain", pf->content_type) <
		    0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	printable(pf->body, pf->len, text, sizeof(text));
	dnsev_add(&ev, "policy", "%s", text);
	if (mtasts_policy_parse(pf->body, pf->len, pol, NULL, why, sizeof(why)) != 0) {
		if (asprintf(&note, "the policy is invalid: %s", why) < 0)
			ev.nomem = true;
		reason = note;
		goto judge;
	}
	dnsev_add(&ev, "mode", "%s", mtasts_mode_name(pol->mode));
	dnsev_add(&ev, "max_age", "%u", (unsigned)pol->max_age);
	for (size_t i = 0; i < tw->nhosts; i++)
		if (!mtasts_mx_match(pol, tw->host[i].rr->text))
			textlist_add(uncovered, tw->host[i].rr->text);
	if (pol->mode == MTASTS_MODE_NONE) {
		reason = "the policy's mode is none: MTA-STS is switched off";
	} else if (uncovered->len > 0) {
		if (asprintf(&note, "the policy's mx patterns do not cover: %s", uncovered->buf) < 0)
			ev.nomem = true;
		reason = note;
	} else if (pol->mode == MTASTS_MODE_TESTING) {
		st = PEIL__STATUS__WARNING;
		reason = "the policy's mode is testing: failures are reported, not enforced";
	} else {
		st = PEIL__STATUS__PASSED;
	}
judge:
	rc = dnsev_apply(&ev, r, st, reason);
out:
	free(note);
	free(pf);
	free(pol);
	free(uncovered);
	dnsev_clear(&ev);
	return rc;
}

/* mail_tlsrpt: one valid v=TLSRPTv1 record at _smtp._tls.<domain>. */
static int
judge_tlsrpt(struct mxwork *tw, Peil__Result *r)
{
	struct dnswork *w = tw->w;
	struct dnsev ev = { 0 };
	struct tlsrpt_record *rec;
	char q[MAX_DOMAIN_LEN + 16], why[DNSANS_WHY_LEN], text[600], *note = NULL;
	const char *reason = NULL;
	uint8_t buf[MAX_TLSRPT_RECORD_LEN];
	size_t len = 0;
	enum txtone found;
	int st = PEIL__STATUS__FAILED, rc;

	if (r == NULL)
		return 0;
	if ((rec = calloc(1, sizeof(*rec))) == NULL)
		return PEIL_ENOMEM;
	if (snprintf(q, sizeof(q), "_smtp._tls.%s", w->domain) >= (int)sizeof(q) ||
	    strlen(q) > MAX_DOMAIN_LEN) {
		st = PEIL__STATUS__ERROR;
		reason = "_smtp._tls.<domain> would be too long a name";
		goto judge;
	}
	if (txt_one(w, q, tlsrpt_is_record, buf, sizeof(buf), &len, &found, why,
	    sizeof(why)) != 0) {
		free(rec);
		dnsev_clear(&ev);
		return PEIL_ENOMEM;
	}
	dnsev_add(&ev, "query", "%s TXT", q);
	if (found == TXTONE_FAILED) {
		st = PEIL__STATUS__ERROR;
		reason = w->budget_out ? MSG_BUDGET : why;
	} else if (found == TXTONE_NONE) {
		reason = "no TLS-RPT record (TXT v=TLSRPTv1 at _smtp._tls)";
	} else if (found == TXTONE_SEVERAL) {
		reason = "several TLS-RPT records (RFC 8460 3 wants one)";
	} else {
		printable(buf, len, text, sizeof(text));
		dnsev_add(&ev, "record", "%s", text);
		if (tlsrpt_record_parse(buf, len, rec, NULL, why, sizeof(why)) != 0) {
			if (asprintf(&note, "the TLS-RPT record is invalid: %s", why) < 0)
				ev.nomem = true;
			reason = note;
		} else {
			st = PEIL__STATUS__PASSED;
			for (size_t i = 0; i < rec->nrua; i++)
				dnsev_add(&ev, "rua", "%s", rec->rua[i].uri);
		}
	}
judge:
	rc = dnsev_apply(&ev, r, st, reason);
	free(note);
	free(rec);
	dnsev_clear(&ev);
	return rc;
}

static const int mtasts_ids[] = { TEST_MAIL_MTASTS, TEST_MAIL_TLSRPT };
#define NMTASTS_IDS (sizeof(mtasts_ids) / sizeof(mtasts_ids[0]))

int
probe_mtasts_tlsrpt_run(struct dnswork *w, struct mxwork *tw, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	int rc;

	(void)w;
	(void)web;
	if ((rc = mxwork_start(tw)) != 0 || tw->state == MXWORK_NO_BUDGET)
		return rc;
	if (tw->state == MXWORK_NONE)
		return mxwork_apply(tw, mtasts_ids, NMTASTS_IDS, res, done, tw->mx_status,
		    tw->mx_reason, false);
	if (!done[TEST_MAIL_TLSRPT]) {
		if ((rc = judge_tlsrpt(tw, res[TEST_MAIL_TLSRPT])) != 0)
			return rc;
		done[TEST_MAIL_TLSRPT] = true;
	}
	if (!done[TEST_MAIL_MTASTS]) {
		if ((rc = judge_mtasts(tw, res[TEST_MAIL_MTASTS])) != 0)
			return rc;
		done[TEST_MAIL_MTASTS] = true;
	}
	return 0;
}
