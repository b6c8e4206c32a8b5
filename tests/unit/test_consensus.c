/* test_consensus.c: the vantages' consensus (docs/consensus.md): agreement, disagreement,
 * ties, errors, not_tested, IPv6 eligibility from the self-test or the Hello, the who text,
 * the lying vantage; and every combination of up to four votes against the rule's text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "consensus.h"

#define P PEIL__STATUS__PASSED
#define F PEIL__STATUS__FAILED
#define W PEIL__STATUS__WARNING
#define I PEIL__STATUS__INFO
#define N PEIL__STATUS__NOT_TESTED
#define E PEIL__STATUS__ERROR

static const char *const names[] = { "a", "b", "c", "d", "e" };

/* Votes of vantages a, b, ... with the given statuses, all with IPv6 (Hello and no
 * self-test). */
static size_t
votes(struct consensus_vote *v, size_t n, const int *st)
{
	for (size_t i = 0; i < n; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].vantage = names[i];
		v[i].status = st[i];
		v[i].self_ipv6 = -1;
		v[i].hello_ipv6 = true;
	}
	return n;
}

static void
check(const char *test, const int *st, size_t n, int want, bool disagree, const char *who)
{
	struct consensus_vote v[5];
	struct consensus c;
	char buf[128];

	votes(v, n, st);
	consensus_decide(test, v, n, &c);
	assert_int_equal(c.status, want);
	assert_int_equal(c.disagree, disagree);
	consensus_who(v, n, buf, sizeof(buf));
	assert_string_equal(buf, who);
}

static void
test_agree(void **state)
{
	(void)state;
	check("mail_auth_spf_policy", (int[]){ P, P, P }, 3, P, false, "a=passed b=passed c=passed");
	check("mail_auth_spf_policy", (int[]){ F }, 1, F, false, "a=failed");
	check("web_rpki_valid", (int[]){ N, N }, 2, N, false, "a=not_tested b=not_tested");
}

static void
test_disagree(void **state)
{
	(void)state;
	check("web_rpki_valid", (int[]){ P, F, P }, 3, P, true, "a=passed b=failed c=passed");
	check("web_rpki_valid", (int[]){ F, F, P }, 3, F, true, "a=failed b=failed c=passed");
	check("web_rpki_valid", (int[]){ W, P, W, I }, 4, W, true,
	    "a=warning b=passed c=warning d=info");
}

/* A tie goes to the less favourable: failed, warning, info, passed. */
static void
test_ties(void **state)
{
	(void)state;
	check("web_https_http_hsts", (int[]){ P, F }, 2, F, true, "a=passed b=failed");
	check("web_https_http_hsts", (int[]){ P, W }, 2, W, true, "a=passed b=warning");
	check("web_https_http_hsts", (int[]){ I, P }, 2, I, true, "a=info b=passed");
	check("web_https_http_hsts", (int[]){ I, W }, 2, W, true, "a=info b=warning");
	check("web_https_http_hsts", (int[]){ P, P, F, F }, 4, F, true,
	    "a=passed b=passed c=failed d=failed");
	check("web_https_http_hsts", (int[]){ P, W, I }, 3, W, true, "a=passed b=warning c=info");
	/* A majority is not a tie: two passed beat one failed and one warning. */
	check("web_https_http_hsts", (int[]){ P, F, P, W }, 4, P, true,
	    "a=passed b=failed c=passed d=warning");
}

/* error does not vote unless all are error; not_tested wins only when all the rest are. */
static void
test_error_not_tested(void **state)
{
	(void)state;
	check("mail_starttls_tls_available", (int[]){ E, E, E }, 3, E, false,
	    "a=error b=error c=error");
	check("mail_starttls_tls_available", (int[]){ E, E, P }, 3, P, true,
	    "a=error b=error c=passed");
	check("mail_starttls_tls_available", (int[]){ E, F }, 2, F, true, "a=error b=failed");
	check("mail_starttls_tls_available", (int[]){ N, N, P }, 3, P, true,
	    "a=not_tested b=not_tested c=passed");
	check("mail_starttls_tls_available", (int[]){ E, N }, 2, N, true, "a=error b=not_tested");
	check("mail_starttls_tls_available", (int[]){ N, F, E }, 3, F, true,
	    "a=not_tested b=failed c=error");
}

static void
test_ipv6_tests(void **state)
{
	(void)state;
	assert_true(consensus_ipv6_test("web_ipv6_ws_reach"));
	assert_true(consensus_ipv6_test("web_ipv6_ns_reach"));
	assert_true(consensus_ipv6_test("mail_ipv6_mx_reach"));
	assert_true(consensus_ipv6_test("mail_ipv6_ns_reach"));
	assert_true(consensus_ipv6_test("web_ipv6_ws_similar"));
	assert_false(consensus_ipv6_test("web_ipv6_ws_address"));
	assert_false(consensus_ipv6_test("mail_ipv6_mx_address"));
	assert_false(consensus_ipv6_test("web_rpki_valid"));
	assert_false(consensus_ipv6_test("vantage_ipv6"));
	assert_false(consensus_ipv6_test("_reach"));
	assert_false(consensus_ipv6_test(""));
	assert_false(consensus_ipv6_test(NULL));
	/* The self-test's verdict first; without one (or without a verdict) the Hello's fact. */
	assert_true(consensus_has_ipv6(P, false));
	assert_false(consensus_has_ipv6(F, true));
	for (int st = -1; st <= E; st++) {
		if (st == P || st == F)
			continue;
		assert_true(consensus_has_ipv6(st, true));
		assert_false(consensus_has_ipv6(st, false));
	}
}

/* Vantage c has no IPv6: its not_tested is expected, not a disagreement, and does not vote;
 * its statuses on other tests count as anyone's. */
static void
test_ipv6_ineligible(void **state)
{
	struct consensus_vote v[3];
	struct consensus c;
	char buf[64];

	(void)state;
	votes(v, 3, (int[]){ P, P, N });
	v[2].self_ipv6 = F;
	consensus_decide("web_ipv6_ws_reach", v, 3, &c);
	assert_int_equal(c.status, P);
	assert_false(c.disagree);
	assert_int_equal(c.eligible, 2);
	assert_true(v[0].eligible && v[1].eligible);
	assert_false(v[2].eligible);
	consensus_who(v, 3, buf, sizeof(buf));
	assert_string_equal(buf, "a=passed b=passed");
	/* Even its failed does not count: it cannot judge IPv6 paths. */
	votes(v, 3, (int[]){ P, P, F });
	v[2].self_ipv6 = F;
	consensus_decide("mail_ipv6_mx_reach", v, 3, &c);
	assert_int_equal(c.status, P);
	assert_false(c.disagree);
	/* The same vantage on an IPv4 matter: its failed is a disagreement. */
	consensus_decide("web_rpki_valid", v, 3, &c);
	assert_int_equal(c.status, P);
	assert_true(c.disagree);
	assert_int_equal(c.eligible, 3);
	/* Two eligible vantages see the address differently: a finding. */
	votes(v, 3, (int[]){ P, F, N });
	v[2].self_ipv6 = F;
	consensus_decide("web_ipv6_ws_reach", v, 3, &c);
	assert_int_equal(c.status, F);
	assert_true(c.disagree);
	consensus_who(v, 3, buf, sizeof(buf));
	assert_string_equal(buf, "a=passed b=failed");
	/* No vantage can judge it: not_tested, no disagreement. */
	votes(v, 2, (int[]){ N, F });
	v[0].self_ipv6 = F;
	v[1].self_ipv6 = F;
	consensus_decide("web_ipv6_ws_similar", v, 2, &c);
	assert_int_equal(c.status, N);
	assert_false(c.disagree);
	assert_int_equal(c.eligible, 0);
	assert_int_equal(consensus_who(v, 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* Nothing at all. */
	consensus_decide("web_rpki_valid", v, 0, &c);
	assert_int_equal(c.status, N);
	assert_false(c.disagree);
}

/* A vantage without a self-test result that round: the Hello's ipv6 fact decides. */
static void
test_ipv6_hello_fallback(void **state)
{
	struct consensus_vote v[3];
	struct consensus c;

	(void)state;
	votes(v, 3, (int[]){ P, F, N });
	v[1].hello_ipv6 = true;          /* no self-test, says IPv6 in its Hello: counts */
	v[2].hello_ipv6 = false;         /* no self-test, IPv4 only: does not */
	consensus_decide("web_ipv6_ws_reach", v, 3, &c);
	assert_true(v[0].eligible && v[1].eligible && !v[2].eligible);
	assert_int_equal(c.status, F);
	assert_true(c.disagree);
	/* A self-test that gave no verdict (no beacons: not_tested) falls back the same way. */
	v[1].self_ipv6 = N;
	v[1].hello_ipv6 = false;
	consensus_decide("web_ipv6_ws_reach", v, 3, &c);
	assert_true(v[0].eligible && !v[1].eligible && !v[2].eligible);
	assert_int_equal(c.status, P);
	assert_false(c.disagree);
	/* The self-test's verdict beats the Hello either way. */
	v[2].self_ipv6 = P;
	consensus_decide("web_ipv6_ws_reach", v, 3, &c);
	assert_true(v[2].eligible);
	assert_int_equal(c.status, P);
	assert_true(c.disagree);          /* a=passed c=not_tested */
}

/* The lying vantage: vantage_ipv6 passed, every IPv6 test error. It stays eligible (its
 * errors do not vote while others do) and is flagged, not averaged away. */
static void
test_lying_vantage(void **state)
{
	struct consensus_vote v[3];
	struct consensus c;
	char buf[96];

	(void)state;
	assert_true(consensus_vantage_lies(P, 4, 4));
	assert_true(consensus_vantage_lies(P, 1, 1));
	assert_false(consensus_vantage_lies(P, 4, 3));
	assert_false(consensus_vantage_lies(P, 0, 0));     /* no IPv6 test: nothing to say */
	assert_false(consensus_vantage_lies(F, 4, 4));     /* it said it has no IPv6 */
	assert_false(consensus_vantage_lies(-1, 4, 4));    /* it said nothing */
	assert_false(consensus_vantage_lies(N, 4, 4));
	assert_int_equal(consensus_lie_text("a", 4, buf, sizeof(buf)),
	    strlen("vantage a: vantage_ipv6 passed but all 4 IPv6 tests error"));
	assert_string_equal(buf, "vantage a: vantage_ipv6 passed but all 4 IPv6 tests error");
	votes(v, 3, (int[]){ E, P, N });
	v[0].self_ipv6 = P;
	v[2].self_ipv6 = F;
	consensus_decide("web_ipv6_ws_reach", v, 3, &c);
	assert_true(v[0].eligible);
	assert_int_equal(c.status, P);
	assert_true(c.disagree);
	consensus_who(v, 3, buf, sizeof(buf));
	assert_string_equal(buf, "a=error b=passed");
}

static void
test_who_cut(void **state)
{
	struct consensus_vote v[3];
	struct consensus c;
	char buf[8], big[64];

	(void)state;
	votes(v, 3, (int[]){ P, F, W });
	for (size_t i = 0; i < 3; i++)
		v[i].eligible = true;
	assert_int_equal(consensus_who(v, 3, buf, sizeof(buf)),
	    strlen("a=passed b=failed c=warning"));
	assert_string_equal(buf, "a=passe");
	assert_int_equal(consensus_who(v, 3, NULL, 0), strlen("a=passed b=failed c=warning"));
	v[1].vantage = NULL;
	consensus_who(v, 3, big, sizeof(big));
	assert_string_equal(big, "a=passed =failed c=warning");
	/* A status outside the vocabulary counts as error and is named as result.c names it. */
	votes(v, 2, (int[]){ 0, 99 });
	consensus_decide("web_rpki_valid", v, 2, &c);
	assert_int_equal(c.status, E);
	assert_false(c.disagree);
}

/* The rule's text, as a second implementation: for every combination of up to four
 * statuses, with every IPv6 eligibility pattern on an IPv6 reachability test. */
static int
oracle(const int *st, const bool *el, size_t n, bool *disagree)
{
	static const int fav[] = { F, W, I, P };   /* less favourable first */
	int seen = -1, best = -1;
	size_t cnt, bestcnt = 0, elig = 0, err = 0, nt = 0;

	*disagree = false;
	for (size_t i = 0; i < n; i++) {
		if (!el[i])
			continue;
		elig++;
		err += st[i] == E;
		nt += st[i] == N;
		if (seen >= 0 && seen != st[i])
			*disagree = true;
		seen = st[i];
	}
	if (elig == 0)
		return N;
	if (err == elig)
		return E;
	if (nt == elig - err)
		return N;
	for (size_t k = 0; k < 4; k++) {
		cnt = 0;
		for (size_t i = 0; i < n; i++)
			cnt += el[i] && st[i] == fav[k];
		if (cnt > bestcnt) {
			best = fav[k];
			bestcnt = cnt;
		}
	}
	return best;
}

static void
test_exhaustive(void **state)
{
	static const int all[] = { P, F, W, I, N, E };
	struct consensus_vote v[4];
	struct consensus c;
	int st[4];
	bool el[4], dis;
	size_t cases = 0;

	(void)state;
	for (size_t n = 1; n <= 4; n++) {
		size_t combos = 1;

		for (size_t i = 0; i < n; i++)
			combos *= 6;
		for (size_t k = 0; k < combos; k++) {
			size_t x = k;

			for (size_t i = 0; i < n; i++, x /= 6)
				st[i] = all[x % 6];
			for (unsigned mask = 0; mask < (1u << n); mask++) {
				votes(v, n, st);
				for (size_t i = 0; i < n; i++) {
					el[i] = (mask >> i) & 1;
					v[i].self_ipv6 = el[i] ? P : F;
					v[i].hello_ipv6 = !el[i];   /* the self-test wins */
				}
				consensus_decide("web_ipv6_ws_reach", v, n, &c);
				assert_int_equal(c.status, oracle(st, el, n, &dis));
				assert_int_equal(c.disagree, dis);
				for (size_t i = 0; i < n; i++)
					assert_int_equal(v[i].eligible, el[i]);
				/* Not an IPv6 test: everyone counts. */
				for (size_t i = 0; i < n; i++)
					el[i] = true;
				consensus_decide("mail_auth_dmarc_policy", v, n, &c);
				assert_int_equal(c.status, oracle(st, el, n, &dis));
				assert_int_equal(c.disagree, dis);
				cases += 2;
			}
		}
	}
	assert_true(cases > 10000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agree),
		cmocka_unit_test(test_disagree),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_error_not_tested),
		cmocka_unit_test(test_ipv6_tests),
		cmocka_unit_test(test_ipv6_ineligible),
		cmocka_unit_test(test_ipv6_hello_fallback),
		cmocka_unit_test(test_lying_vantage),
		cmocka_unit_test(test_who_cut),
		cmocka_unit_test(test_exhaustive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
