/* probe_webtls.c: HTTPS on every address of the web servers (the domain and www), its TLS and
 * certificate judged as internet.nl judges web TLS (web_https_tls_*, web_https_cert_*), DANE
 * on port 443 (web_https_dane_*) and CAA (web_caa, RFC 8659: the climb from each web host).
 *
 * The TLS engine runs behind the source's web_tls callback once per run (webwork.c); its
 * reports are judged by the judges the mail probe uses (tlsjudge.c) with the web's rules:
 * certificate trust and name are mandatory. A test's verdict is the worst over every address;
 * an address without TLS is web_https_http_available's to judge and not judged here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "caa.h"
#include "dane.h"
#include "err.h"
#include "probe_webtls.h"
#include "tlsaset.h"
#include "tlsjudge.h"

#define NO_HTTPS_WHY "no web server address offered HTTPS (see web_https_http_available)"

/* One run's state of this module. */
struct webtls {
	struct dnswork *w;
	struct webwork *ww;
	bool host_tls[MAX_WEB_HOSTS];   /* some address of the host completed a handshake */
	struct tlsaset tlsa[MAX_WEB_HOSTS];
	bool tlsa_done;
	bool caa_done;                  /* web_caa judged */
};

/* One test over every address: the judge and what it needs. */
struct wjudge {
	struct webtls *wt;
	tlsjudge_fn fn;                 /* a TLS judge, or NULL: DANE matching */
};

static void
who(void *arg, size_t i, char *buf, size_t len)
{
	const struct wjudge *wj = arg;

	webwork_who(wj->wt->ww, &wj->wt->ww->addr[i], buf, len);
}

/* What became of the PKIX-TA/PKIX-EE records (matched as DANE-TA/DANE-EE in dp, np of them,
 * in the order they appear in ts). */
static void
pkix_text(const struct tlsaset *ts, const struct dane_result *dp, size_t np,
    const struct tls_report *rep, char *buf, size_t len)
{
	char txt[TLSA_TEXT_LEN];
	size_t k = 0;

	buf[0] = '\0';
	if (np == 0)
		return;
	for (size_t i = 0; i < ts->n; i++) {
		if (ts->set[i].usage != TLSA_USAGE_PKIX_TA && ts->set[i].usage != TLSA_USAGE_PKIX_EE)
			continue;
		if (k < dp->nrec && dp->rec[k].outcome == DANE_REC_MATCHED) {
			tlsa_text(&ts->set[i], txt, sizeof(txt));
			snprintf(buf, len, "PKIX-%s record %s matches; the chain is %s",
			    ts->set[i].usage == TLSA_USAGE_PKIX_TA ? "TA" : "EE", txt,
			    rep->trusted && rep->name_ok ? "trusted and names the host" :
			    "not trusted for the host (PKIX usages need it)");
			return;
		}
		k++;
	}
	snprintf(buf, len, "no PKIX-TA or PKIX-EE record matches (%zu)", np);
}

/* RFC 6698 2.1.1 / RFC 7671: DANE-EE and DANE-TA records match as for mail (dane_match); a
 * PKIX-EE or PKIX-TA record must match the same way and the chain must also pass PKIX
 * validation with the name (the engine's trust and name checks). */
static void
dane_web(const struct tlsaset *ts, const struct tls_report *rep, const char *host,
    struct addrjudge *j)
{
	const uint8_t *der[MAX_TLS_CHAIN_CERTS];
	const char *names[1] = { host };
	struct dane_result *dr = NULL, *dp = NULL;
	struct tlsa_rr *pkix = NULL;
	size_t np = 0;
	char buf[MAX_EVIDENCE_VALUE_LEN], ptxt[TLSA_TEXT_LEN + 128];

	if (rep->nchain == 0) {
		j->st = PEIL__STATUS__WARNING;
		textlist_add(&j->line, "no certificate to match");
		textlist_add(&j->bad, "no certificate");
		return;
	}
	dr = calloc(1, sizeof(*dr));
	dp = calloc(1, sizeof(*dp));
	pkix = calloc(ts->n > 0 ? ts->n : 1, sizeof(*pkix));
	if (dr == NULL || dp == NULL || pkix == NULL) {
		j->st = PEIL__STATUS__ERROR;
		textlist_add(&j->line, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < rep->nchain; i++)
		der[i] = rep->der[i];
	for (size_t i = 0; i < ts->n; i++) {
		if (ts->set[i].usage != TLSA_USAGE_PKIX_TA && ts->set[i].usage != TLSA_USAGE_PKIX_EE)
			continue;
		pkix[np] = ts->set[i];
		pkix[np].usage = ts->set[i].usage == TLSA_USAGE_PKIX_TA ? TLSA_USAGE_DANE_TA :
		    TLSA_USAGE_DANE_EE;
		np++;
	}
	if (dane_match(ts->set, ts->n, der, rep->derlen, rep->nchain, names, 1, dr) != 0 ||
	    (np > 0 && dane_match(pkix, np, der, rep->derlen, rep->nchain, names, 1, dp) != 0)) {
		j->st = PEIL__STATUS__ERROR;
		textlist_add(&j->line, "matching failed");
		goto out;
	}
	pkix_text(ts, dp, np, rep, ptxt, sizeof(ptxt));
	if (dr->ok) {
		j->st = PEIL__STATUS__PASSED;
		textlist_add(&j->line, dr->why);
	} else if (np > 0 && dp->ok && rep->trusted && rep->name_ok) {
		j->st = PEIL__STATUS__PASSED;
		textlist_add(&j->line, ptxt);
	} else {
		/* internet.nl: a failed DANE validation is a notice for the web (our warning) */
		j->st = PEIL__STATUS__WARNING;
		snprintf(buf, sizeof(buf), "%s%s%s", ts->n > np ? dr->why : "",
		    ts->n > np && np > 0 ? "; " : "", np > 0 ? ptxt : "");
		textlist_add(&j->line, buf);
		textlist_add(&j->bad, buf);
	}
out:
	free(dr);
	free(dp);
	free(pkix);
}

static bool
judge(void *arg, size_t i, struct addrjudge *j)
{
	const struct wjudge *wj = arg;
	const struct webaddr *a = &wj->wt->ww->addr[i];
	const struct tlsaset *ts = &wj->wt->tlsa[a->host];
	char buf[320];

	if (!a->tls_tried) {
		/* the run's time ran out, or the engine found no connection slot in time */
		snprintf(buf, sizeof(buf), "not tried: %.256s", a->tls.why[0] != '\0' ?
		    a->tls.why : MSG_BUDGET);
		textlist_add(&j->line, buf);
		textlist_add(&j->bad, buf);
		j->st = PEIL__STATUS__ERROR;
		return true;
	}
	if (!a->tls.available) {
		/* web_https_http_available judges it; no second verdict here */
		snprintf(buf, sizeof(buf), "no HTTPS (%.256s): see web_https_http_available",
		    a->tls.why);
		textlist_add(&j->line, buf);
		return true;
	}
	if (wj->fn == NULL) {
		if (ts->state == TLSA_SECURE)
			dane_web(ts, &a->tls, wj->wt->ww->host[a->host].name, j);
		return true;
	}
	{
		/* the web's rules do not use DANE-TA (internet.nl's exception is the mail's) */
		struct tlsjudge_ctx c = { .g = wj->wt->ww->g, .rep = &a->tls,
		    .host = wj->wt->ww->host[a->host].name, .dane_ta = false, .web = true };

		tlsjudge_run(wj->fn, &c, j);
	}
	return true;
}

/* One test over every address (tlsjudge_addrs). */
static int
judge_addrs(struct webtls *wt, Peil__Result *r, tlsjudge_fn fn, const char *what,
    const char *none_why, bool guideline)
{
	struct wjudge wj = { .wt = wt, .fn = fn };
	struct tlsjudge_each e = { .n = wt->ww->naddr, .arg = &wj, .judge = judge, .who = who,
	    .what = what, .none_why = none_why,
	    .guideline = guideline ? ncsc_id(wt->ww->g) : NULL };
	struct dnsev ev = { 0 };
	int rc;

	if (r == NULL)
		return 0;
	webwork_ev(wt->ww, &ev);
	rc = tlsjudge_addrs(&ev, r, &e);
	dnsev_clear(&ev);
	return rc;
}

/* What the TLS engine cost on each address it ran on (the version test's evidence): its
 * connections (handshakes) and time. Returns 0 or PEIL_ENOMEM. */
static int
engine_ev(struct webtls *wt, Peil__Result *r)
{
	char who_[320];

	if (r == NULL)
		return 0;
	for (size_t i = 0; i < wt->ww->naddr; i++) {
		const struct webaddr *a = &wt->ww->addr[i];

		if (!a->tls_tried || a->tls.handshakes == 0)
			continue;
		webwork_who(wt->ww, a, who_, sizeof(who_));
		if (result_add_evidence(r, "tls_engine", "%s: %u handshakes in %u ms", who_,
		    a->tls.handshakes, a->tls.ms) != 0 ||
		    result_add_evidence(r, "tls_engine_tries", "%s: %u of them stopped after the "
		    "server's first flight, %u of those at its ServerHello", who_, a->tls.flights,
		    a->tls.hello_stops) != 0)
			return PEIL_ENOMEM;
	}
	return 0;
}

/* The TLSA set of every web host with an address that spoke TLS, once. */
static int
webtls_tlsa(struct webtls *wt)
{
	int rc;

	if (wt->tlsa_done)
		return 0;
	wt->tlsa_done = true;
	for (size_t i = 0; i < wt->ww->nhosts; i++)
		if (wt->host_tls[i] && (rc = tlsaset_lookup(wt->w, 443, wt->ww->host[i].name,
		    &wt->tlsa[i])) != 0)
			return rc;
	return 0;
}

/* web_https_dane_exist: per web host (RFC 6698: _443._tcp.HOST, no CNAME rule of its own);
 * internet.nl: none, insecure or bogus is info, secure records pass; peil: a lookup that
 * fails is an error. */
static int
judge_dane_exist(struct webtls *wt, Peil__Result *r)
{
	struct dnsev ev = { 0 };
	struct textlist *none, *bogus, *fail;
	int st = PEIL__STATUS__NOT_TESTED, rc;
	char *reason = NULL;

	if (r == NULL)
		return 0;
	none = calloc(1, sizeof(*none));
	bogus = calloc(1, sizeof(*bogus));
	fail = calloc(1, sizeof(*fail));
	if (none == NULL || bogus == NULL || fail == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	webwork_ev(wt->ww, &ev);
	for (size_t i = 0; i < wt->ww->nhosts; i++) {
		const struct tlsaset *ts = &wt->tlsa[i];
		char key[32];

		if (!wt->host_tls[i])
			continue;
		snprintf(key, sizeof(key), "tlsa_%zu", i + 1);
		dnsev_add(&ev, key, "%s", ts->why);
		for (size_t k = 0; k < ts->n && k < 4; k++) {
			char txt[TLSA_TEXT_LEN];

			tlsa_text(&ts->set[k], txt, sizeof(txt));
			dnsev_add(&ev, key, "  %s", txt);
		}
		switch (ts->state) {
		case TLSA_SECURE:
			tlsjudge_worse(&st, PEIL__STATUS__PASSED);
			break;
		case TLSA_FAILED:
			tlsjudge_worse(&st, PEIL__STATUS__ERROR);
			textlist_add(fail, ts->why);
			break;
		case TLSA_BOGUS:
			tlsjudge_worse(&st, PEIL__STATUS__INFO);
			textlist_add(bogus, wt->ww->host[i].name);
			break;
		default:
			tlsjudge_worse(&st, PEIL__STATUS__INFO);
			textlist_add(none, wt->ww->host[i].name);
			break;
		}
	}
	if (st == PEIL__STATUS__NOT_TESTED) {
		reason = strdup(NO_HTTPS_WHY);
	} else if (st == PEIL__STATUS__ERROR) {
		if (asprintf(&reason, "DANE could not be decided for: %.3000s", fail->buf) < 0)
			reason = NULL;
	} else if (st == PEIL__STATUS__INFO) {
		if (asprintf(&reason, "%s%.1500s%s%s%.1500s", none->len > 0 ?
		    "no DNSSEC-secure TLSA record for: " : "", none->buf,
		    none->len > 0 && bogus->len > 0 ? "; " : "", bogus->len > 0 ?
		    "DNSSEC-bogus TLSA answer for: " : "", bogus->buf) < 0)
			reason = NULL;
	}
	rc = dnsev_apply(&ev, r, st, reason);
out:
	free(reason);
	free(none);
	free(bogus);
	free(fail);
	dnsev_clear(&ev);
	return rc;
}

/* What the CAA climb of one host found (RFC 8659 3). */
enum { CAA_FOUND, CAA_NONE, CAA_FAILED, CAA_CUT };

struct caafind {
	int state;
	char name[DNSANS_TEXT_LEN];     /* the name whose RRset is relevant (CAA_FOUND) */
	char why[DNSANS_WHY_LEN + 64];
	size_t asked;                   /* names looked up */
	struct dnsans *a;               /* CAA_FOUND: the answer (heap) */
};

/* RFC 8659 3: the relevant RRset is the first one found climbing from the host to its
 * parents; the root is never asked (the climb ends with the top-level domain), and at most
 * MAX_CAA_CLIMB names are asked (a deeper climb is cut: nothing decided). */
static int
caa_climb(struct dnswork *w, const char *host, struct caafind *f)
{
	const char *cur = host;
	char why[DNSANS_WHY_LEN];

	if ((f->a = calloc(1, sizeof(*f->a))) == NULL)
		return PEIL_ENOMEM;
	for (;;) {
		const char *dot;

		if (f->asked == MAX_CAA_CLIMB) {
			f->state = CAA_CUT;
			snprintf(f->why, sizeof(f->why), "no CAA at the %zu names from %.253s up; the "
			    "climb stops there (MAX_CAA_CLIMB)", f->asked, host);
			return 0;
		}
		if (dnswork_lookup(w, cur, LDNS_RR_TYPE_CAA, 0, f->a) == PEIL_ENOMEM)
			return PEIL_ENOMEM;
		f->asked++;
		if (dnsans_failed(f->a, why, sizeof(why))) {
			f->state = CAA_FAILED;
			snprintf(f->why, sizeof(f->why), "%.253s CAA: %.600s", cur, why);
			return 0;
		}
		if (f->a->rcode == LDNS_RCODE_NOERROR && f->a->total > 0) {
			f->state = CAA_FOUND;
			snprintf(f->name, sizeof(f->name), "%s", cur);
			snprintf(f->why, sizeof(f->why), "CAA at %.253s: %zu record(s)%s", cur,
			    f->a->total, f->a->total > f->a->ntxt ? " (not all kept)" : "");
			return 0;
		}
		if ((dot = strchr(cur, '.')) == NULL || dot[1] == '\0') {
			f->state = CAA_NONE;
			snprintf(f->why, sizeof(f->why), "no CAA record at %.253s nor any parent "
			    "(%zu names asked)", host, f->asked);
			return 0;
		}
		cur = dot + 1;
	}
}

/* The value's bytes as printable ASCII (backslash, quote and bytes outside 0x20..0x7e as
 * \xNN): untrusted, shown never interpreted. */
static void
caa_value_text(const struct caa_rr *rr, char *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < rr->value_kept && o + 5 < len; i++) {
		uint8_t c = rr->value[i];

		if (c < 0x20 || c > 0x7e || c == '\\' || c == '"')
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	if (rr->value_kept < rr->value_len && o + 4 < len)
		snprintf(buf + o, len - o, "...");
}

/* web_caa: per web host with HTTPS (internet.nl judges CAA with the certificate), the worst
 * deciding: internet.nl's CAAEvaluation (CAA_WORST_STATUS notice): none found, a faulty
 * record or no issue record is a warning, a good set passes; peil: a lookup that fails or a
 * climb cut at MAX_CAA_CLIMB decides nothing: error. */
static int
judge_caa(struct webtls *wt, Peil__Result *r)
{
	struct dnsev ev = { 0 };
	struct textlist *bad = NULL;
	struct caa_set *set = NULL;
	struct caa_verdict *v = NULL;
	struct caafind *f = NULL;
	int st = PEIL__STATUS__NOT_TESTED, rc = 0;
	char *reason = NULL;

	if (r == NULL)
		return 0;
	bad = calloc(1, sizeof(*bad));
	set = calloc(1, sizeof(*set));
	v = calloc(1, sizeof(*v));
	f = calloc(1, sizeof(*f));
	if (bad == NULL || set == NULL || v == NULL || f == NULL) {
		rc = PEIL_ENOMEM;
		goto out;
	}
	webwork_ev(wt->ww, &ev);
	for (size_t i = 0; i < wt->ww->nhosts; i++) {
		const char *host = wt->ww->host[i].name;
		char key[32], one[MAX_EVIDENCE_VALUE_LEN];

		if (!wt->host_tls[i])
			continue;
		free(f->a);
		memset(f, 0, sizeof(*f));
		if ((rc = caa_climb(wt->w, host, f)) != 0)
			goto out;
		if (f->state == CAA_FAILED && !dnswork_budget_left(wt->w))
			goto out;       /* left undone: the runner's budget error */
		snprintf(key, sizeof(key), "caa_%zu", i + 1);
		dnsev_add(&ev, key, "%s: %s", host, f->why);
		switch (f->state) {
		case CAA_FAILED:
		case CAA_CUT:
			tlsjudge_worse(&st, PEIL__STATUS__ERROR);
			snprintf(one, sizeof(one), "%.253s: %s", host, f->why);
			textlist_add(bad, one);
			continue;
		case CAA_NONE:
			tlsjudge_worse(&st, PEIL__STATUS__WARNING);
			snprintf(one, sizeof(one), "%.253s: no CAA record", host);
			textlist_add(bad, one);
			continue;
		default:
			break;
		}
		caa_set_init(set);
		for (size_t k = 0; k < f->a->ntxt; k++)
			(void)caa_set_add(set, f->a->txt + f->a->txt_off[k], f->a->txt_len[k]);
		if (set->total < f->a->total)
			set->total = f->a->total;
		for (size_t k = 0; k < set->n && k < 8; k++) {
			char val[MAX_CAA_VALUE_KEEP * 4 + 8];

			caa_value_text(&set->rr[k], val, sizeof(val));
			dnsev_add(&ev, key, "  %u %s \"%s\"%s%s", (unsigned)set->rr[k].flags,
			    set->rr[k].tag_text, val, set->rr[k].problem != CAA_P_NONE ? ": " : "",
			    set->rr[k].problem != CAA_P_NONE ?
			    caa_problem_name(set->rr[k].problem) : "");
		}
		caa_inl_verdict(set, v);
		if (v->inl == CAA_INL_GOOD) {
			tlsjudge_worse(&st, PEIL__STATUS__PASSED);
		} else {
			tlsjudge_worse(&st, PEIL__STATUS__WARNING);
			for (size_t k = 0; k < v->nkept; k++) {
				snprintf(one, sizeof(one), "%.253s: %s", f->name, v->reasons[k]);
				textlist_add(bad, one);
			}
			if (v->nkept == 0) {
				snprintf(one, sizeof(one), "%.253s: %s", f->name,
				    caa_inl_name(v->inl));
				textlist_add(bad, one);
			}
		}
	}
	if (st == PEIL__STATUS__NOT_TESTED)
		reason = strdup(NO_HTTPS_WHY);
	else if (st != PEIL__STATUS__PASSED && asprintf(&reason, "CAA: %.3000s", bad->buf) < 0)
		reason = NULL;
	rc = dnsev_apply(&ev, r, st, reason);
	if (rc == 0)
		wt->caa_done = true;
out:
	if (f != NULL)
		free(f->a);
	free(f);
	free(v);
	free(set);
	free(bad);
	free(reason);
	dnsev_clear(&ev);
	return rc;
}

static const int webtls_ids[] = {
	TEST_WEB_HTTPS_TLS_VERSION, TEST_WEB_HTTPS_TLS_CIPHERS, TEST_WEB_HTTPS_TLS_CIPHERORDER,
	TEST_WEB_HTTPS_TLS_KEYEXCHANGE, TEST_WEB_HTTPS_TLS_KEYEXCHANGEHASH,
	TEST_WEB_HTTPS_TLS_COMPRESS, TEST_WEB_HTTPS_TLS_SECRENEG, TEST_WEB_HTTPS_TLS_CLIENTRENEG,
	TEST_WEB_HTTPS_CERT_CHAIN, TEST_WEB_HTTPS_CERT_PUBKEY, TEST_WEB_HTTPS_CERT_SIG,
	TEST_WEB_HTTPS_CERT_DOMAIN, TEST_WEB_HTTPS_TLS_0RTT, TEST_WEB_HTTPS_TLS_OCSP,
	TEST_WEB_HTTPS_DANE_EXIST, TEST_WEB_HTTPS_DANE_VALID, TEST_WEB_CAA,
};
#define NWEBTLS_IDS (sizeof(webtls_ids) / sizeof(webtls_ids[0]))

int
probe_webtls_run(struct dnswork *w, struct mxwork *mx, struct webwork *web,
    Peil__Result *res[TEST_COUNT], bool done[TEST_COUNT])
{
	static const struct {
		int id;
		tlsjudge_fn fn;
		const char *what;
	} per_addr[] = {
		{ TEST_WEB_HTTPS_TLS_VERSION, tlsjudge_version, "protocol versions" },
		{ TEST_WEB_HTTPS_TLS_CIPHERS, tlsjudge_ciphers, "cipher suites" },
		{ TEST_WEB_HTTPS_TLS_CIPHERORDER, tlsjudge_cipherorder, "cipher order" },
		{ TEST_WEB_HTTPS_TLS_KEYEXCHANGE, tlsjudge_keyexchange, "key exchange" },
		{ TEST_WEB_HTTPS_TLS_KEYEXCHANGEHASH, tlsjudge_kexhash, "key-exchange hash" },
		{ TEST_WEB_HTTPS_TLS_COMPRESS, tlsjudge_compress, "compression" },
		{ TEST_WEB_HTTPS_TLS_SECRENEG, tlsjudge_secreneg, "secure renegotiation" },
		{ TEST_WEB_HTTPS_TLS_CLIENTRENEG, tlsjudge_clientreneg, "client renegotiation" },
		{ TEST_WEB_HTTPS_CERT_CHAIN, tlsjudge_chain, "certificate chain" },
		{ TEST_WEB_HTTPS_CERT_PUBKEY, tlsjudge_pubkey, "certificate key" },
		{ TEST_WEB_HTTPS_CERT_SIG, tlsjudge_sig, "certificate signature" },
		{ TEST_WEB_HTTPS_CERT_DOMAIN, tlsjudge_domain, "certificate name" },
		{ TEST_WEB_HTTPS_TLS_0RTT, tlsjudge_zerortt, "0-RTT" },
		{ TEST_WEB_HTTPS_TLS_OCSP, tlsjudge_ocsp, "OCSP stapling" },
	};
	struct webtls *wt = NULL;
	size_t tried = 0, noslot = 0;
	int rc;

	(void)mx;
	if (w->src->web_tls == NULL)
		return webwork_apply(web, webtls_ids, NWEBTLS_IDS, res, done,
		    PEIL__STATUS__NOT_TESTED, "this agent does not test TLS on web servers");
	if ((rc = webwork_begin(web, webtls_ids, NWEBTLS_IDS, res, done)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = webwork_tls(web)) != 0)
		return rc;
	if ((wt = calloc(1, sizeof(*wt))) == NULL)
		return PEIL_ENOMEM;
	wt->w = w;
	wt->ww = web;
	for (size_t i = 0; i < web->naddr; i++) {
		tried += web->addr[i].tls_tried;
		noslot += !web->addr[i].tls_tried && web->addr[i].tls.why[0] != '\0';
		if (web->addr[i].tls_tried && web->addr[i].tls.available)
			wt->host_tls[web->addr[i].host] = true;
	}
	/* no address tried before the deadline: the runner says the budget ran out (an address
	 * that found no connection slot is judged: error, with why) */
	if (tried == 0 && noslot == 0)
		goto out;
	for (size_t i = 0; i < sizeof(per_addr) / sizeof(per_addr[0]); i++) {
		int id = per_addr[i].id;

		if (done[id])
			continue;
		if ((rc = judge_addrs(wt, res[id], per_addr[i].fn, per_addr[i].what, NO_HTTPS_WHY,
		    true)) != 0)
			goto out;
		if (id == TEST_WEB_HTTPS_TLS_VERSION && (rc = engine_ev(wt, res[id])) != 0)
			goto out;
		done[id] = true;
	}
	/* no engine ran anywhere: whether a host offers HTTPS is unknown; CAA and DANE are the
	 * runner's (time budget) */
	if (tried == 0)
		goto out;
	if (!done[TEST_WEB_CAA]) {
		if ((rc = judge_caa(wt, res[TEST_WEB_CAA])) != 0)
			goto out;
		done[TEST_WEB_CAA] = wt->caa_done || res[TEST_WEB_CAA] == NULL;
	}
	if (done[TEST_WEB_HTTPS_DANE_EXIST] && done[TEST_WEB_HTTPS_DANE_VALID])
		goto out;
	if ((rc = webtls_tlsa(wt)) != 0)
		goto out;
	if (!dnswork_budget_left(w))
		goto out;
	if (!done[TEST_WEB_HTTPS_DANE_EXIST]) {
		if ((rc = judge_dane_exist(wt, res[TEST_WEB_HTTPS_DANE_EXIST])) != 0)
			goto out;
		done[TEST_WEB_HTTPS_DANE_EXIST] = true;
	}
	if (!done[TEST_WEB_HTTPS_DANE_VALID]) {
		bool any = false;

		for (size_t i = 0; i < MAX_WEB_HOSTS; i++)
			any |= wt->host_tls[i];
		if ((rc = judge_addrs(wt, res[TEST_WEB_HTTPS_DANE_VALID], NULL, "DANE", any ?
		    "no DNSSEC-secure TLSA record for a web host that offered HTTPS (see "
		    "web_https_dane_exist)" : NO_HTTPS_WHY, false)) != 0)
			goto out;
		done[TEST_WEB_HTTPS_DANE_VALID] = true;
	}
	rc = 0;
out:
	if (wt != NULL)
		for (size_t i = 0; i < MAX_WEB_HOSTS; i++)
			tlsaset_clear(&wt->tlsa[i]);
	free(wt);
	return rc;
}
