/* test_judge.c: the judgement of stored rounds (judge.h): a store built with store_ingest from
 * three vantages over three rounds (the last without results); the cells and their
 * disagreements, the IPv6-only eligibility, internet.nl's scores, compliance (complies,
 * fails, undecided; a null-MX domain; a test not judged), organisations and the coalition,
 * tallies, changes, who saw what. Expectations from docs/report.md and docs/consensus.md. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"
#include "err.h"
#include "judge.h"
#include "store.h"

/* The mandatory tests of agreement 1 (HTTPS, DNSSEC, SPF, DKIM, DMARC), from the
 * catalogue: filled by setup. */
static const char *a1[TEST_COUNT];
static size_t NA1;
/* Agreement 5's (RPKI). */
static const char *const a5[] = {
	"mail_mx_ns_rpki_exists", "mail_mx_ns_rpki_valid", "mail_ns_rpki_exists",
	"mail_ns_rpki_valid", "mail_rpki_exists", "mail_rpki_valid", "web_ns_rpki_exists",
	"web_ns_rpki_valid", "web_rpki_exists", "web_rpki_valid",
};
#define NA5 (sizeof(a5) / sizeof(a5[0]))

enum { P = PEIL__STATUS__PASSED, F = PEIL__STATUS__FAILED, W = PEIL__STATUS__WARNING,
	I = PEIL__STATUS__INFO, N = PEIL__STATUS__NOT_TESTED, E = PEIL__STATUS__ERROR };

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	/* results gathered per agent for the round being built */
	Peil__Result *r[3][256];
	size_t n[3];
	uint64_t seq[3];
	int64_t now;
};

static const char *const agent[3] = { "a", "b", "c" };

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Vantage v (0 a, 1 b, 2 c) says `status` on (domain, test) in `round`. */
static void
say(struct fx *fx, int v, const char *domain, const char *test, uint64_t round, int status)
{
	Peil__Result *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	assert_true(fx->n[v] < 256);
	peil__result__init(r);
	r->domain = strdup(domain);
	r->test_id = strdup(test);
	r->vantage = strdup("");
	r->round_id = round;
	r->status = (Peil__Status)status;
	r->result_seq = fx->n[v] + 1;
	r->measured_at_ms = fx->now * 1000;
	fx->r[v][fx->n[v]++] = r;
}

/* Every vantage in `mask` (1 a, 2 b, 4 c) says `status`. */
static void
all_say(struct fx *fx, unsigned mask, const char *domain, const char *test, uint64_t round,
    int status)
{
	for (int v = 0; v < 3; v++)
		if (mask & (1u << v))
			say(fx, v, domain, test, round, status);
}

/* Opens round `round` at fx->now, hands it to every agent, stores what they said. */
static void
round_store(struct fx *fx, uint64_t round)
{
	uint64_t id = 0;

	assert_int_equal(store_round_begin(fx->s, fx->now, 5, 0, &id), 0);
	assert_int_equal(id, round);
	for (int v = 0; v < 3; v++) {
		struct store_batch b = { agent[v], 0, NULL, 0, 0, 0, 0, NULL, { 0 } };

		assert_int_equal(store_agent_round_given(fx->s, agent[v], id, fx->now), 0);
		if (fx->n[v] == 0)
			continue;
		b.batch_seq = ++fx->seq[v];
		b.results = fx->r[v];
		b.n = fx->n[v];
		assert_int_equal(store_ingest(fx->s, &b, 1, fx->now + 10), 0);
		assert_int_equal(b.outcome, STORE_STORED);
		for (int k = 0; k < STORE_REFUSALS; k++)
			assert_int_equal(b.refused[k], 0);
		for (size_t i = 0; i < fx->n[v]; i++)
			peil__result__free_unpacked(fx->r[v][i], NULL);
		fx->n[v] = 0;
	}
	fx->now += 1000;
}

/* The store of every test here:
 *   orgA (publish): a.example, b.example; orgB (no consent): c.example;
 *   orgC (publish): e.example, never measured; orgD (publish): f.example.
 * Vantage c has no IPv6 (its vantage_ipv6 failed); a and b have.
 * Round 1:
 *   a.example  agreement 1 passed by all but web_https_tls_version warning and cert_chain
 *              a=passed b=failed c=failed; web_ipv6_ws_reach a,b passed, c not_tested;
 *              web_ipv6_ns_reach a,b failed, c passed; agreement 5 passed but web_rpki_valid
 *              not_tested (no VRP table) by all
 *   b.example  only vantage a: agreement 1 passed but mail_auth_spf_exist failed
 *   c.example  a null MX: mail_ipv6_mx_address and the STARTTLS tests not_tested;
 *              SPF and DMARC policies passed; agreement 1 passed but web_dnssec_valid error;
 *              agreement 5: the mail server ones not_tested, the rest passed
 *   f.example  agreement 1 passed (a and b)
 * Round 2: a.example cert_chain passed by all, mail_dnssec_mx_valid failed by all, the rest
 *   of agreement 1 passed; b.example (a only) agreement 1 all passed. c, f not measured.
 * Round 3: no results. */
static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct store_opts o = { 8, false, true, 0, 0 };
	char csv[160], err[256];
	size_t count = 0;
	FILE *f;

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/peil-test-judge-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/store", fx->dir);
	assert_int_equal(store_open(fx->path, &o, &fx->s), 0);
	snprintf(csv, sizeof(csv), "%s/targets.csv", fx->dir);
	assert_non_null(f = fopen(csv, "w"));
	fputs("organisation,domain,publish\norgA,a.example,yes\norgA,b.example,yes\n"
	    "orgB,c.example,no\norgC,e.example,yes\norgD,f.example,yes\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(store_targets_import(fx->s, csv, &count, err, sizeof(err)), 0);
	assert_int_equal(count, 5);
	fx->now = 1700000000;
	NA1 = 0;
	{
		size_t nt;
		const struct catalogue_entry *c = catalogue_all(&nt);

		for (size_t t = 0; t < nt; t++)
			if (c[t].mandatory && (c[t].agreements & AGREEMENT(1)) != 0)
				a1[NA1++] = c[t].id;
		assert_int_equal(NA1, 9 + 13);   /* web_https_tls_keyexchangehash is not mandatory */
	}

	/* Round 1. */
	all_say(fx, 7, "", "vantage_ipv6", 1, P);
	fx->r[2][fx->n[2] - 1]->status = PEIL__STATUS__FAILED;
	for (size_t i = 0; i < NA1; i++) {
		if (strcmp(a1[i], "web_https_tls_version") != 0 &&
		    strcmp(a1[i], "web_https_cert_chain") != 0)
			all_say(fx, 7, "a.example", a1[i], 1, P);
		all_say(fx, 1, "b.example", a1[i], 1,
		    strcmp(a1[i], "mail_auth_spf_exist") == 0 ? F : P);
		all_say(fx, 7, "c.example", a1[i], 1,
		    strcmp(a1[i], "web_dnssec_valid") == 0 ? E : P);
		all_say(fx, 3, "f.example", a1[i], 1, P);
	}
	for (size_t i = 0; i < NA5; i++) {
		all_say(fx, 7, "a.example", a5[i], 1, strcmp(a5[i], "web_rpki_valid") == 0 ? N : P);
		all_say(fx, 7, "c.example", a5[i], 1, strncmp(a5[i], "mail_mx_ns_", 11) == 0 ||
		    strncmp(a5[i], "mail_rpki_", 10) == 0 ? N : P);
	}
	all_say(fx, 7, "a.example", "web_https_tls_version", 1, W);
	say(fx, 0, "a.example", "web_https_cert_chain", 1, P);
	all_say(fx, 6, "a.example", "web_https_cert_chain", 1, F);
	all_say(fx, 3, "a.example", "web_ipv6_ws_reach", 1, P);
	say(fx, 2, "a.example", "web_ipv6_ws_reach", 1, N);
	all_say(fx, 3, "a.example", "web_ipv6_ns_reach", 1, F);
	say(fx, 2, "a.example", "web_ipv6_ns_reach", 1, P);
	{
		size_t nt;
		const struct catalogue_entry *c = catalogue_all(&nt);

		for (size_t t = 0; t < nt; t++)
			if ((c[t].agreements & AGREEMENT(3)) != 0 &&
			    strncmp(c[t].id, "mail_starttls_", 14) == 0)
				all_say(fx, 7, "c.example", c[t].id, 1, N);
	}
	all_say(fx, 7, "c.example", "mail_ipv6_mx_address", 1, N);
	all_say(fx, 7, "c.example", "mail_auth_spf_policy", 1, P);
	all_say(fx, 7, "c.example", "mail_auth_dmarc_policy", 1, P);
	round_store(fx, 1);

	/* Round 2. */
	all_say(fx, 7, "", "vantage_ipv6", 2, P);
	fx->r[2][fx->n[2] - 1]->status = PEIL__STATUS__FAILED;
	for (size_t i = 0; i < NA1; i++) {
		all_say(fx, 7, "a.example", a1[i], 2, strcmp(a1[i], "mail_dnssec_mx_valid") == 0 ? F : P);
		all_say(fx, 1, "b.example", a1[i], 2, P);
	}
	all_say(fx, 7, "a.example", "web_https_cert_chain", 2, P);
	round_store(fx, 2);

	/* Round 3: nothing. */
	round_store(fx, 3);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	store_close(fx->s);
	nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static struct judge *
load(struct fx *fx, uint64_t round, size_t history)
{
	struct judge_opts o = { round, history, true };
	struct judge *j = NULL;
	char err[256];

	assert_int_equal(judge_load(fx->s, &o, &j, err, sizeof(err)), 0);
	assert_non_null(j);
	return j;
}

static size_t
dom(const struct judge *j, const char *name)
{
	long d = judge_domain(j, name);

	assert_true(d >= 0);
	return (size_t)d;
}

static uint8_t
cell(const struct judge *j, size_t r, const char *domain, const char *test)
{
	enum catalogue_test t;

	assert_true(catalogue_test_find(test, &t));
	return judge_cell(j, r, dom(j, domain), t);
}

/* The rounds, domains and organisations loaded; cells, disagreements, the IPv6 rule. */
static void
test_cells(void **state)
{
	struct fx *fx = *state;
	struct judge *j = load(fx, 0, 0);
	size_t a = dom(j, "a.example");

	assert_int_equal(j->nrounds, 3);
	assert_int_equal(j->rounds[0].id, 1);
	assert_int_equal(j->rounds[2].id, 3);
	assert_int_equal(j->ndomains, 5);
	assert_string_equal(j->domains[0], "a.example");
	assert_string_equal(j->domains[4], "f.example");
	assert_int_equal(judge_domain(j, "zz.example"), -1);
	/* Every vantage agreed. */
	assert_int_equal(cell(j, 0, "a.example", "mail_auth_dkim_exist"), P);
	assert_int_equal(cell(j, 0, "a.example", "web_https_tls_version"), W);
	/* a=passed b=failed c=failed: failed, disagreeing. */
	assert_int_equal(cell(j, 0, "a.example", "web_https_cert_chain"), F | JUDGE_DISAGREE);
	/* IPv6 reachability: c has no IPv6 (vantage_ipv6 failed) and neither votes nor
	 * disagrees: its not_tested leaves a and b's passed alone, its passed a and b's
	 * failed. */
	assert_int_equal(cell(j, 0, "a.example", "web_ipv6_ws_reach"), P);
	assert_int_equal(cell(j, 0, "a.example", "web_ipv6_ns_reach"), F);
	/* No result: none. */
	assert_int_equal(cell(j, 0, "a.example", "web_caa"), JUDGE_NONE);
	assert_int_equal(cell(j, 0, "e.example", "mail_auth_dkim_exist"), JUDGE_NONE);
	assert_int_equal(cell(j, 0, "c.example", "web_dnssec_valid"), E);
	/* Round 2; round 3 has nothing. */
	assert_int_equal(cell(j, 1, "a.example", "web_https_cert_chain"), P);
	assert_int_equal(cell(j, 1, "c.example", "mail_auth_dkim_exist"), JUDGE_NONE);
	assert_int_equal(cell(j, 2, "a.example", "mail_auth_dkim_exist"), JUDGE_NONE);
	/* Vantages per domain and per round; what was measured. */
	assert_int_equal(j->rounds[0].nvantages[a], 3);
	assert_int_equal(j->rounds[0].nvantages[dom(j, "b.example")], 1);   /* one vantage */
	assert_int_equal(j->rounds[0].nvantages[dom(j, "f.example")], 2);
	assert_int_equal(j->rounds[0].nvantages[dom(j, "e.example")], 0);
	assert_int_equal(j->rounds[0].measured, 4);
	assert_int_equal(j->rounds[0].disagreements, 1);
	assert_int_equal(j->rounds[1].measured, 2);
	assert_int_equal(j->rounds[2].measured, 0);
	assert_int_equal(j->rounds[2].results, 0);
	assert_int_equal(j->rounds[2].nvantages_round, 0);
	/* The vantages of round 1, in name order, with their self-tests. */
	assert_int_equal(j->rounds[0].nvantages_round, 3);
	assert_string_equal(j->rounds[0].vantages[0].name, "a");
	assert_string_equal(j->rounds[0].vantages[2].name, "c");
	assert_int_equal(j->rounds[0].vantages[0].self_ipv6, P);
	assert_int_equal(j->rounds[0].vantages[2].self_ipv6, F);
	assert_int_equal(j->rounds[0].vantages[2].self_rov, -1);
	assert_null(j->rounds[0].vantages[0].lie);
	assert_int_equal(j->rounds[0].vantages[0].domains, 4);
	assert_int_equal(j->rounds[0].vantages[1].domains, 3);
	assert_int_equal(j->rounds[0].targets, 5);
	assert_true(j->rounds[0].ended > 0);
	assert_int_equal(j->rounds[2].ended, 0);
	/* The organisations, in name order, with their domains. */
	assert_int_equal(j->norgs, 4);
	assert_string_equal(j->orgs[0].name, "orgA");
	assert_int_equal(j->orgs[0].ndomains, 2);
	assert_int_equal(j->orgs[0].domains[0], a);
	assert_true(j->orgs[0].publish);
	assert_string_equal(j->orgs[1].name, "orgB");
	assert_false(j->orgs[1].publish);
	assert_int_equal(j->org[a], 0);
	assert_int_equal(j->org[dom(j, "c.example")], 1);
	judge_free(j);
	judge_free(NULL);
}

/* internet.nl's scores: 10 points a mandatory test, a warning on HTTPS's TLS version 5,
 * failed and error 0 of 10, not_tested, info and no result left out; the category
 * int(100 / max * earned), the domain the mean of its categories, rounded down. */
static void
test_scores(void **state)
{
	struct fx *fx = *state;
	struct judge *j = load(fx, 0, 0);
	size_t a = dom(j, "a.example"), c = dom(j, "c.example"), n;
	const char *const *cats = judge_categories(&n);

	/* Categories with a mandatory test, in the catalogue's order; never "vantage". */
	assert_int_equal(n, 6);
	assert_string_equal(cats[0], "mailauth");
	assert_string_equal(cats[1], "dnssec");
	assert_string_equal(cats[2], "ipv6");
	assert_string_equal(cats[3], "rpki");
	assert_string_equal(cats[4], "starttls");
	assert_string_equal(cats[5], "https");
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(cats[i], "vantage");
	assert_int_equal(judge_score_category(j, 0, a, "mailauth"), 100);
	assert_int_equal(judge_score_category(j, 0, a, "dnssec"), 100);
	/* ws_reach passed, ns_reach failed: 10 of 20. */
	assert_int_equal(judge_score_category(j, 0, a, "ipv6"), 50);
	/* 9 passed, web_rpki_valid not_tested left out. */
	assert_int_equal(judge_score_category(j, 0, a, "rpki"), 100);
	assert_int_equal(judge_score_category(j, 0, a, "starttls"), -1);
	/* 13 mandatory tests (web_https_tls_keyexchangehash is not): 11 passed, tls_version
	 * warning 5, cert_chain failed 0: int(100 / 130 * 115) */
	assert_int_equal(judge_score_category(j, 0, a, "https"), 88);
	assert_int_equal(judge_score_category(j, 0, a, "appsecpriv"), -1);
	/* (100 + 100 + 50 + 100 + 88) / 5 = 87.6, rounded down */
	assert_int_equal(judge_score(j, 0, a), 87);
	/* c: dnssec 5 of 6 tests (one error): int(100 / 60 * 50) = 83. */
	assert_int_equal(judge_score_category(j, 0, c, "dnssec"), 83);
	assert_int_equal(judge_score_category(j, 0, c, "starttls"), -1);   /* all not_tested */
	/* mailauth 100, dnssec 83, ipv6 -1 (not_tested), rpki 100, https 100: 383 / 4 = 95 */
	assert_int_equal(judge_score_category(j, 0, c, "ipv6"), -1);
	assert_int_equal(judge_score_category(j, 0, c, "https"), 100);
	assert_int_equal(judge_score(j, 0, c), 95);
	/* Not measured: no score. */
	assert_int_equal(judge_score(j, 0, dom(j, "e.example")), -1);
	assert_int_equal(judge_score(j, 2, a), -1);
	/* Round 2: dnssec 5 of 6 passed: 83; https cert_chain passed 100. */
	assert_int_equal(judge_score_category(j, 1, a, "dnssec"), 83);
	assert_int_equal(judge_score_category(j, 1, a, "https"), 100);
	judge_free(j);
}

/* Compliance per domain and agreement; every enum value; the null MX; organisations. */
static void
test_compliance(void **state)
{
	struct fx *fx = *state;
	struct judge *j = load(fx, 0, 0);
	size_t a = dom(j, "a.example"), b = dom(j, "b.example"), c = dom(j, "c.example");
	size_t e = dom(j, "e.example"), f = dom(j, "f.example");
	struct judge_tally t;

	/* Agreement 1 (its HTTPS tests too: a.example's cert_chain failed). */
	assert_int_equal(judge_domain_agreement(j, 0, a, 1), JUDGE_FAILS);
	assert_int_equal(judge_domain_agreement(j, 0, b, 1), JUDGE_FAILS);      /* one vantage */
	assert_int_equal(judge_domain_agreement(j, 0, c, 1), JUDGE_UNDECIDED);  /* an error */
	assert_int_equal(judge_domain_agreement(j, 0, e, 1), JUDGE_UNDECIDED);  /* not measured */
	assert_int_equal(judge_domain_agreement(j, 0, f, 1), JUDGE_COMPLIES);
	/* Agreement 2: a.example's cert_chain failed; its tls_version warning alone would
	 * not. */
	assert_int_equal(judge_domain_agreement(j, 0, a, 2), JUDGE_FAILS);
	/* Agreement 3: a null MX: the STARTTLS and DANE tests do not apply (RFC 7505), the
	 * policies passed: complies. a.example has no result of them: undecided. */
	assert_int_equal(judge_domain_agreement(j, 0, c, 3), JUDGE_COMPLIES);
	assert_int_equal(judge_domain_agreement(j, 0, a, 3), JUDGE_UNDECIDED);
	/* Agreement 5: web_rpki_valid not judged (no VRP table): undecided; c.example's mail
	 * server tests do not apply: complies. */
	assert_int_equal(judge_domain_agreement(j, 0, a, 5), JUDGE_UNDECIDED);
	assert_int_equal(judge_domain_agreement(j, 0, c, 5), JUDGE_COMPLIES);
	/* Agreement 4: a.example's ns_reach failed. */
	assert_int_equal(judge_domain_agreement(j, 0, a, 4), JUDGE_FAILS);
	assert_int_equal(judge_domain_agreement(j, 0, a, 0), JUDGE_UNDECIDED);
	assert_int_equal(judge_domain_agreement(j, 0, a, 6), JUDGE_UNDECIDED);
	/* Round 2: a fails (mx_valid), b complies; c not measured; round 3: nothing. */
	assert_int_equal(judge_domain_agreement(j, 1, a, 1), JUDGE_FAILS);
	assert_int_equal(judge_domain_agreement(j, 1, b, 1), JUDGE_COMPLIES);
	assert_int_equal(judge_domain_agreement(j, 1, c, 1), JUDGE_UNDECIDED);
	assert_int_equal(judge_domain_agreement(j, 2, a, 1), JUDGE_UNDECIDED);
	/* Organisations: A fails (b), B undecided (c), C (no results) undecided, D complies. */
	assert_int_equal(judge_org_agreement(j, 0, 0, 1), JUDGE_FAILS);
	assert_int_equal(judge_org_agreement(j, 0, 1, 1), JUDGE_UNDECIDED);
	assert_int_equal(judge_org_agreement(j, 0, 2, 1), JUDGE_UNDECIDED);
	assert_int_equal(judge_org_agreement(j, 0, 3, 1), JUDGE_COMPLIES);
	assert_int_equal(judge_org_agreement(j, 0, 4, 1), JUDGE_UNDECIDED);
	assert_int_equal(judge_org_agreement(j, 2, 3, 1), JUDGE_UNDECIDED);
	/* The coalition. */
	judge_tally_agreement(j, 0, 1, true, false, &t);
	assert_int_equal(t.complies, 1);
	assert_int_equal(t.fails, 1);
	assert_int_equal(t.undecided, 2);
	judge_tally_agreement(j, 0, 1, true, true, &t);        /* orgB has no consent */
	assert_int_equal(t.complies, 1);
	assert_int_equal(t.fails, 1);
	assert_int_equal(t.undecided, 1);
	judge_tally_agreement(j, 0, 1, false, false, &t);
	assert_int_equal(t.complies, 1);      /* f */
	assert_int_equal(t.fails, 2);         /* a, b */
	assert_int_equal(t.undecided, 2);     /* c, e */
	judge_tally_agreement(j, 0, 1, false, true, &t);
	assert_int_equal(t.complies, 1);
	assert_int_equal(t.fails, 2);
	assert_int_equal(t.undecided, 1);
	judge_tally_agreement(j, 2, 1, true, false, &t);
	assert_int_equal(t.undecided, 4);
	judge_free(j);
}

/* Adoption per test, changes between rounds, who saw what. */
static void
test_tally_change_who(void **state)
{
	struct fx *fx = *state;
	struct judge *j = load(fx, 0, 0);
	size_t a = dom(j, "a.example"), b = dom(j, "b.example"), c = dom(j, "c.example");
	struct judge_adoption ad;
	char *who = NULL;

	judge_tally_test(j, 0, TEST_WEB_HTTPS_CERT_CHAIN, &ad);
	assert_int_equal(ad.status[F], 1);
	assert_int_equal(ad.status[P], 3);
	assert_int_equal(ad.status[0], 1);
	assert_int_equal(ad.disagree, 1);
	judge_tally_test(j, 0, TEST_MAIL_AUTH_SPF_EXIST, &ad);
	assert_int_equal(ad.status[P], 3);
	assert_int_equal(ad.status[F], 1);
	assert_int_equal(ad.status[0], 1);
	assert_int_equal(ad.disagree, 0);
	judge_tally_test(j, 2, TEST_MAIL_AUTH_SPF_EXIST, &ad);
	assert_int_equal(ad.status[0], 5);
	/* Changes from round 1 to 2. */
	assert_int_equal(judge_change(j, 1, a, TEST_WEB_HTTPS_CERT_CHAIN), 1);
	assert_int_equal(judge_change(j, 1, a, TEST_MAIL_DNSSEC_MX_VALID), -1);
	assert_int_equal(judge_change(j, 1, a, TEST_MAIL_AUTH_DKIM_EXIST), 0);
	assert_int_equal(judge_change(j, 1, b, TEST_MAIL_AUTH_SPF_EXIST), 1);
	assert_int_equal(judge_change(j, 1, c, TEST_MAIL_AUTH_DKIM_EXIST), 0);   /* no result */
	assert_int_equal(judge_change(j, 0, a, TEST_WEB_HTTPS_CERT_CHAIN), 0);   /* the first */
	assert_int_equal(judge_change(j, 2, a, TEST_WEB_HTTPS_CERT_CHAIN), 0);   /* none now */
	/* Who saw what: the eligible votes in vantage order. */
	assert_int_equal(judge_who(j, 0, a, TEST_WEB_HTTPS_CERT_CHAIN, &who), 0);
	assert_string_equal(who, "a=passed b=failed c=failed");
	free(who);
	assert_int_equal(judge_who(j, 0, a, TEST_WEB_IPV6_WS_REACH, &who), 0);
	assert_string_equal(who, "a=passed b=passed");
	free(who);
	assert_int_equal(judge_who(j, 0, b, TEST_MAIL_AUTH_SPF_EXIST, &who), 0);
	assert_string_equal(who, "a=failed");
	free(who);
	assert_int_equal(judge_who(j, 2, a, TEST_WEB_HTTPS_CERT_CHAIN, &who), 0);
	assert_string_equal(who, "");
	free(who);
	judge_free(j);
}

/* The round judged and the history; a round that is not there; an empty store; the judgement
 * equal whether or not the index has caught up. */
static void
test_rounds_history(void **state)
{
	struct fx *fx = *state;
	struct judge_opts o = { 9, 0, true };
	struct judge *j = NULL, *k;
	struct store *empty = NULL;
	struct store_opts so = { 1, false, true, 0, 0 };
	char err[256] = "", path[160];
	size_t done = 0;

	j = load(fx, 2, 1);
	assert_int_equal(j->nrounds, 1);
	assert_int_equal(j->rounds[0].id, 2);
	assert_int_equal(cell(j, 0, "a.example", "web_https_cert_chain"), P);
	assert_int_equal(judge_change(j, 0, dom(j, "a.example"), TEST_WEB_HTTPS_CERT_CHAIN), 0);
	judge_free(j);
	j = load(fx, 2, 0);
	assert_int_equal(j->nrounds, 2);
	judge_free(j);
	j = NULL;
	assert_int_equal(judge_load(fx->s, &o, &j, err, sizeof(err)), PEIL_ENOENT);
	assert_null(j);
	assert_non_null(strstr(err, "no round 9"));
	assert_non_null(strstr(err, "1 to 3"));
	snprintf(path, sizeof(path), "%s/empty", fx->dir);
	assert_int_equal(store_open(path, &so, &empty), 0);
	o.round = 0;
	assert_int_equal(judge_load(empty, &o, &j, err, sizeof(err)), PEIL_ENOENT);
	assert_non_null(strstr(err, "no round"));
	store_close(empty);
	/* Unindexed (all in the view's tail) and indexed: the same cells. */
	j = load(fx, 0, 0);
	assert_int_equal(store_index_step(fx->s, 100000, &done), 0);
	assert_true(done > 0);
	k = load(fx, 0, 0);
	assert_int_equal(j->ndomains, k->ndomains);
	for (size_t r = 0; r < 3; r++) {
		assert_memory_equal(j->rounds[r].cell, k->rounds[r].cell, j->ndomains * TEST_COUNT);
		assert_memory_equal(j->rounds[r].nvantages, k->rounds[r].nvantages, j->ndomains);
	}
	judge_free(j);
	judge_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compliance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tally_change_who, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rounds_history, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
