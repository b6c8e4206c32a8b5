/* export_inl.c: `export --format internetnl`: a round's judgement as internet.nl's batch API
 * results reply (API 2.4.0: interface/batch/openapi.yaml and util.py gather_batch_results in
 * github.com/internetstandards/Internet.nl; docs/report.md, "Exports"), so that tools that
 * read internet.nl batches read peil's. peil's own tests and its vantages go under "peil"
 * keys, never dropped. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "esc.h"
#include "export.h"
#include "result.h"

#define INL_API_VERSION "2.4.0"

/* internet.nl's batch API 2.4.0 tests per category (REPORT_METADATA_WEB_MAP and
 * REPORT_METADATA_MAIL_MAP in interface/batch/__init__.py), in its order. */
struct inl_cat {
	const char *name;
	bool mail;
	const char *const *tests;
};
static const char *const inl_web_ipv6[] = { "web_ipv6_ns_address", "web_ipv6_ns_reach",
	"web_ipv6_ws_address", "web_ipv6_ws_reach", "web_ipv6_ws_similar", NULL };
static const char *const inl_web_dnssec[] = { "web_dnssec_exist", "web_dnssec_valid", NULL };
static const char *const inl_web_https[] = { "web_https_http_available",
	"web_https_http_redirect", "web_https_http_compress", "web_https_http_hsts",
	"web_https_tls_version", "web_https_tls_ciphers", "web_https_tls_cipherorder",
	"web_https_tls_keyexchange", "web_https_tls_keyexchangehash", "web_https_tls_compress",
	"web_https_tls_secreneg", "web_https_tls_clientreneg", "web_https_tls_0rtt",
	"web_https_tls_ocsp", "web_https_cert_chain", "web_https_cert_pubkey",
	"web_https_cert_sig", "web_https_cert_domain", "web_https_dane_exist",
	"web_https_dane_valid", NULL };
static const char *const inl_web_appsecpriv[] = { "web_appsecpriv_x_frame_options",
	"web_appsecpriv_x_content_type_options", "web_appsecpriv_csp",
	"web_appsecpriv_referrer_policy", "web_appsecpriv_securitytxt", NULL };
static const char *const inl_web_rpki[] = { "web_rpki_exists", "web_rpki_valid",
	"web_ns_rpki_exists", "web_ns_rpki_valid", NULL };
static const char *const inl_mail_ipv6[] = { "mail_ipv6_ns_address", "mail_ipv6_ns_reach",
	"mail_ipv6_mx_address", "mail_ipv6_mx_reach", NULL };
static const char *const inl_mail_dnssec[] = { "mail_dnssec_mailto_exist",
	"mail_dnssec_mailto_valid", "mail_dnssec_mx_exist", "mail_dnssec_mx_valid", NULL };
static const char *const inl_mail_auth[] = { "mail_auth_dmarc_exist", "mail_auth_dmarc_policy",
	"mail_auth_dkim_exist", "mail_auth_spf_exist", "mail_auth_spf_policy", NULL };
static const char *const inl_mail_starttls[] = { "mail_starttls_tls_available",
	"mail_starttls_tls_version", "mail_starttls_tls_ciphers", "mail_starttls_tls_cipherorder",
	"mail_starttls_tls_keyexchange", "mail_starttls_tls_keyexchangehash",
	"mail_starttls_tls_compress", "mail_starttls_tls_secreneg",
	"mail_starttls_tls_clientreneg", "mail_starttls_tls_0rtt", "mail_starttls_cert_chain",
	"mail_starttls_cert_pubkey", "mail_starttls_cert_sig", "mail_starttls_cert_domain",
	"mail_starttls_dane_exist", "mail_starttls_dane_valid", "mail_starttls_dane_rollover",
	NULL };
static const char *const inl_mail_rpki[] = { "mail_rpki_exists", "mail_rpki_valid",
	"mail_ns_rpki_exists", "mail_ns_rpki_valid", "mail_mx_ns_rpki_exists",
	"mail_mx_ns_rpki_valid", NULL };

static const struct inl_cat inl_cats[] = {
	{ "web_ipv6", false, inl_web_ipv6 },
	{ "web_dnssec", false, inl_web_dnssec },
	{ "web_https", false, inl_web_https },
	{ "web_appsecpriv", false, inl_web_appsecpriv },
	{ "web_rpki", false, inl_web_rpki },
	{ "mail_ipv6", true, inl_mail_ipv6 },
	{ "mail_dnssec", true, inl_mail_dnssec },
	{ "mail_auth", true, inl_mail_auth },
	{ "mail_starttls", true, inl_mail_starttls },
	{ "mail_rpki", true, inl_mail_rpki },
};
#define INL_NCATS (sizeof(inl_cats) / sizeof(inl_cats[0]))

const char *
export_inl_category(const char *test_id)
{
	for (size_t c = 0; c < INL_NCATS; c++)
		for (size_t i = 0; inl_cats[c].tests[i] != NULL; i++)
			if (strcmp(inl_cats[c].tests[i], test_id) == 0)
				return inl_cats[c].name;
	return NULL;
}

/* Whether a catalogue test belongs to a request of this type (web_*, mail_*; the vantage
 * self-tests belong to none). */
static bool
inl_of_type(const char *id, bool mail)
{
	return strncmp(id, mail ? "mail_" : "web_", mail ? 5 : 4) == 0;
}

/* The status of a cell as internet.nl names it: peil's statuses are internet.nl's
 * (DESIGN.md §6), and a test no vantage gave a result for is not_tested. */
static int
inl_status(uint8_t cell)
{
	int st = JUDGE_STATUS(cell);

	return st >= PEIL__STATUS__PASSED && st <= PEIL__STATUS__ERROR ? st :
	    PEIL__STATUS__NOT_TESTED;
}

/* A test's "verdict": internet.nl's own verdicts are per test ("good", "bad", "ok", ...);
 * peil gives the generic ones, and internet.nl's exact two for not_tested and error. */
static const char *
inl_verdict(int st)
{
	switch (st) {
	case PEIL__STATUS__PASSED:
		return "good";
	case PEIL__STATUS__NOT_TESTED:
		return "detail verdict not-tested";
	case PEIL__STATUS__ERROR:
		return "detail verdict could-not-test";
	default:
		return "bad";
	}
}

/* The cell of test `id` (JUDGE_NONE when peil has no such test). */
static uint8_t
inl_cell(const struct judge *j, size_t r, size_t d, const char *id, bool *known)
{
	enum catalogue_test t;

	*known = catalogue_test_find(id, &t);
	return *known ? j->rounds[r].cell[d * TEST_COUNT + t] : JUDGE_NONE;
}

/* A category's status, internet.nl's Probe._verdict (checks/probes.py) over the statuses
 * peil gives: error when a test is error; failed when one failed; warning when one warned
 * and the category has no mandatory test; info when one is info and it has none; else
 * passed. A category none of whose tests has a verdict is info, as internet.nl shows a
 * STARTTLS category without mail servers. Unlike internet.nl, a not_tested test does not
 * count at its worst status: peil cannot tell "does not apply" from "not judged". */
static int
inl_category_status(const struct judge *j, size_t r, size_t d, const struct inl_cat *c)
{
	size_t n[7] = { 0 };
	bool mandatory = false, known;

	for (size_t i = 0; c->tests[i] != NULL; i++) {
		const struct catalogue_entry *e = catalogue_find(c->tests[i]);

		n[inl_status(inl_cell(j, r, d, c->tests[i], &known))]++;
		if (e != NULL && e->mandatory)
			mandatory = true;
	}
	if (n[PEIL__STATUS__ERROR] > 0)
		return PEIL__STATUS__ERROR;
	if (n[PEIL__STATUS__FAILED] > 0)
		return PEIL__STATUS__FAILED;
	if (n[PEIL__STATUS__WARNING] > 0 && !mandatory)
		return PEIL__STATUS__WARNING;
	if (n[PEIL__STATUS__INFO] > 0 && !mandatory)
		return PEIL__STATUS__INFO;
	if (n[PEIL__STATUS__PASSED] + n[PEIL__STATUS__WARNING] + n[PEIL__STATUS__INFO] == 0)
		return PEIL__STATUS__INFO;
	return PEIL__STATUS__PASSED;
}

/* A category's score by judge.c's rule (docs/report.md, "Scores"): points of its mandatory
 * tests earned over the points of those judged, int(100.0 / max * earned); -1: none. */
static int
inl_category_score(const struct judge *j, size_t r, size_t d, const struct inl_cat *c)
{
	int earned = 0, max = 0;
	bool known;

	for (size_t i = 0; c->tests[i] != NULL; i++) {
		const struct catalogue_entry *e = catalogue_find(c->tests[i]);
		int st = JUDGE_STATUS(inl_cell(j, r, d, c->tests[i], &known));

		if (e == NULL || !e->mandatory)
			continue;
		if (st == PEIL__STATUS__PASSED) {
			earned += 10;
			max += 10;
		} else if (st == PEIL__STATUS__WARNING) {
			earned += strcmp(e->id, "web_https_tls_version") == 0 ? 5 : 10;
			max += 10;
		} else if (st == PEIL__STATUS__FAILED || st == PEIL__STATUS__ERROR) {
			max += 10;
		}
	}
	return max == 0 ? -1 : (int)(100.0 / max * earned);
}

static void
inl_time(FILE *f, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[40];

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	fprintf(f, "\"%s\"", buf);
}

static void
inl_test(FILE *f, bool *first, const char *id, int st)
{
	fputs(*first ? "" : ",", f);
	*first = false;
	esc_json(f, id);
	fprintf(f, ":{\"status\":\"%s\",\"verdict\":\"%s\"}", status_name(st), inl_verdict(st));
}

/* The "peil" key of a domain: what internet.nl has no place for. */
static int
inl_domain_peil(FILE *f, struct judge *j, size_t r, size_t d, bool mail, int score,
    export_who_fn who)
{
	size_t nt;
	const struct catalogue_entry *c = catalogue_all(&nt);
	bool first = true, known;

	fprintf(f, ",\"peil\":{\"round\":%llu,\"vantages\":%u,\"score\":",
	    (unsigned long long)j->rounds[r].id, (unsigned)j->rounds[r].nvantages[d]);
	if (score < 0)
		fputs("null", f);
	else
		fprintf(f, "%d", score);
	/* peil's own tests of this request type, with their status. */
	fputs(",\"tests\":{", f);
	for (size_t t = 0; t < nt; t++) {
		if (!inl_of_type(c[t].id, mail) || export_inl_category(c[t].id) != NULL ||
		    JUDGE_STATUS(j->rounds[r].cell[d * TEST_COUNT + t]) == JUDGE_NONE)
			continue;
		inl_test(f, &first, c[t].id, inl_status(j->rounds[r].cell[d * TEST_COUNT + t]));
	}
	/* Tests written as not_tested because no vantage gave a result, and internet.nl's
	 * tests that peil does not have. */
	fputs("},\"no_result\":[", f);
	first = true;
	for (size_t t = 0; t < nt; t++) {
		if (!inl_of_type(c[t].id, mail) ||
		    JUDGE_STATUS(j->rounds[r].cell[d * TEST_COUNT + t]) != JUDGE_NONE)
			continue;
		fputs(first ? "" : ",", f);
		first = false;
		esc_json(f, c[t].id);
	}
	fputs("],\"not_in_peil\":[", f);
	first = true;
	for (size_t k = 0; k < INL_NCATS; k++) {
		if (inl_cats[k].mail != mail)
			continue;
		for (size_t i = 0; inl_cats[k].tests[i] != NULL; i++) {
			(void)inl_cell(j, r, d, inl_cats[k].tests[i], &known);
			if (known)
				continue;
			fputs(first ? "" : ",", f);
			first = false;
			esc_json(f, inl_cats[k].tests[i]);
		}
	}
	/* The cells where the vantages disagree, with who saw what. */
	fputs("],\"disagree\":{", f);
	first = true;
	for (size_t t = 0; t < nt; t++) {
		uint8_t cell = j->rounds[r].cell[d * TEST_COUNT + t];
		char *w = NULL;
		int rc;

		if (!inl_of_type(c[t].id, mail) || (cell & JUDGE_DISAGREE) == 0)
			continue;
		if (who != NULL && (rc = who(j, r, d, (enum catalogue_test)t, &w)) != 0)
			return rc;
		fputs(first ? "" : ",", f);
		first = false;
		esc_json(f, c[t].id);
		putc(':', f);
		esc_json(f, w != NULL ? w : "");
		free(w);
	}
	fputs("}}", f);
	return 0;
}

static int
inl_domain(FILE *f, struct judge *j, size_t r, size_t d, bool mail, export_who_fn who)
{
	int sum = 0, k = 0, rc;
	bool first = true, known;

	esc_json(f, j->domains[d]);
	if (j->rounds[r].nvantages[d] == 0) {
		/* A target no vantage measured: internet.nl's "error" (no results), and why. */
		fprintf(f, ":{\"status\":\"error\",\"peil\":{\"round\":%llu,\"vantages\":0,"
		    "\"reason\":\"no vantage gave a result for this domain in the round\"}}",
		    (unsigned long long)j->rounds[r].id);
		return ferror(f) ? PEIL_EIO : 0;
	}
	for (size_t c = 0; c < INL_NCATS; c++) {
		int sc;

		if (inl_cats[c].mail != mail || (sc = inl_category_score(j, r, d, &inl_cats[c])) < 0)
			continue;
		sum += sc;
		k++;
	}
	fprintf(f, ":{\"status\":\"ok\",\"scoring\":{\"percentage\":%d},\"results\":"
	    "{\"categories\":{", k > 0 ? sum / k : 0);
	for (size_t c = 0; c < INL_NCATS; c++) {
		int st;

		if (inl_cats[c].mail != mail)
			continue;
		st = inl_category_status(j, r, d, &inl_cats[c]);
		fprintf(f, "%s\"%s\":{\"status\":\"%s\",\"verdict\":\"%s\"}", first ? "" : ",",
		    inl_cats[c].name, status_name(st), status_name(st));
		first = false;
	}
	fputs("},\"tests\":{", f);
	first = true;
	for (size_t c = 0; c < INL_NCATS; c++) {
		if (inl_cats[c].mail != mail)
			continue;
		for (size_t i = 0; inl_cats[c].tests[i] != NULL; i++)
			inl_test(f, &first, inl_cats[c].tests[i],
			    inl_status(inl_cell(j, r, d, inl_cats[c].tests[i], &known)));
	}
	fputs("},\"custom\":{}}", f);
	if ((rc = inl_domain_peil(f, j, r, d, mail, k > 0 ? sum / k : -1, who)) != 0)
		return rc;
	putc('}', f);
	return ferror(f) ? PEIL_EIO : 0;
}

static const char *
inl_self(int st)
{
	return st < 0 ? NULL : status_name(st);
}

int
export_inl_write(struct judge *j, size_t r, const char *domain, bool mail, export_who_fn who,
    FILE *f, size_t *ndomains)
{
	const struct judge_round *jr;
	bool first = true;
	long only = -1;
	int rc;

	*ndomains = 0;
	if (r >= j->nrounds)
		return PEIL_ENOENT;
	jr = &j->rounds[r];
	if (domain != NULL && ((only = judge_domain(j, domain)) < 0 ||
	    jr->nvantages[only] == 0))
		return PEIL_ENOENT;
	/* The envelope: a request of this round, done. Its id is the round's number in 32 hex
	 * digits (RequestId: ^[a-f0-9]{32}$). */
	fprintf(f, "{\"api_version\":\"%s\",\"request\":{\"request_id\":\"%032llx\","
	    "\"name\":\"peil round %llu %s\",\"request_type\":\"%s\",\"status\":\"done\","
	    "\"submit_date\":", INL_API_VERSION, (unsigned long long)jr->id,
	    (unsigned long long)jr->id, mail ? "mail" : "web", mail ? "mail" : "web");
	inl_time(f, jr->started);
	fputs(",\"finished_date\":", f);
	inl_time(f, jr->ended != 0 ? jr->ended : jr->started);
	fputs("},\n\"domains\":{", f);
	for (size_t d = 0; d < j->ndomains; d++) {
		if (only >= 0 && (size_t)only != d)
			continue;
		/* Every domain measured in the round, and every target (an unmeasured one as
		 * internet.nl's "error": never left out as if it had not been asked). */
		if (jr->nvantages[d] == 0 && (j->org == NULL || j->org[d] < 0))
			continue;
		/* The vantage self-tests (empty domain) are not a domain's: under "peil". */
		if (j->domains[d][0] == '\0')
			continue;
		fputs(first ? "\n" : ",\n", f);
		first = false;
		if ((rc = inl_domain(f, j, r, d, mail, who)) != 0)
			return rc;
		(*ndomains)++;
	}
	fprintf(f, "},\n\"peil\":{\"format\":\"internet.nl batch API %s results\",\"round\":%llu,"
	    "\"round_open\":%s,\"measured\":%zu,\"vantages\":[", INL_API_VERSION,
	    (unsigned long long)jr->id, jr->ended == 0 ? "true" : "false", jr->measured);
	for (size_t v = 0; v < jr->nvantages_round; v++) {
		const struct judge_vantage *jv = &jr->vantages[v];

		fputs(v > 0 ? "," : "", f);
		fputs("{\"name\":", f);
		esc_json(f, jv->name);
		fputs(",\"vantage_ipv6\":", f);
		if (inl_self(jv->self_ipv6) != NULL)
			fprintf(f, "\"%s\"", inl_self(jv->self_ipv6));
		else
			fputs("null", f);
		fputs(",\"vantage_rov\":", f);
		if (inl_self(jv->self_rov) != NULL)
			fprintf(f, "\"%s\"", inl_self(jv->self_rov));
		else
			fputs("null", f);
		fprintf(f, ",\"hello_ipv6\":%s,\"results\":%llu", jv->hello_ipv6 ? "true" : "false",
		    (unsigned long long)jv->results);
		if (jv->lie != NULL) {
			fputs(",\"vantage_flag\":", f);
			esc_json(f, jv->lie);
		}
		putc('}', f);
	}
	fputs("]}}\n", f);
	return ferror(f) ? PEIL_EIO : 0;
}

int
export_inl(struct store *s, const struct query_export_opts *o, FILE *f, char *err,
    size_t errlen)
{
	struct judge_opts jo = { o->round, 1, true };
	struct judge *j = NULL;
	size_t n = 0;
	int rc;

	if ((rc = judge_load(s, &jo, &j, err, errlen)) != 0)
		return rc;
	if (j->nrounds == 0 || j->rounds[j->nrounds - 1].measured == 0) {
		snprintf(err, errlen, "round %llu has no results",
		    j->nrounds ? (unsigned long long)j->rounds[j->nrounds - 1].id : 0ULL);
		rc = PEIL_ENOENT;
		goto out;
	}
	if (o->domain != NULL && (judge_domain(j, o->domain) < 0 ||
	    j->rounds[j->nrounds - 1].nvantages[judge_domain(j, o->domain)] == 0)) {
		snprintf(err, errlen, "no result for %s in round %llu", o->domain,
		    (unsigned long long)j->rounds[j->nrounds - 1].id);
		rc = PEIL_ENOENT;
		goto out;
	}
	rc = export_inl_write(j, j->nrounds - 1, o->domain, o->mail, judge_who, f, &n);
out:
	judge_free(j);
	return rc;
}
