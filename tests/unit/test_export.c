/* test_export.c: the internet.nl export (export_inl_write) over a judgement built by hand:
 * the envelope, per domain the tests, categories and score as internet.nl names them, peil's
 * own tests and the disagreements under "peil", a target not measured as "error", hostile
 * vantage names escaped, well-formed JSON; and which tests internet.nl's API 2.4.0 has. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "err.h"
#include "export.h"

#define P PEIL__STATUS__PASSED
#define F PEIL__STATUS__FAILED
#define W PEIL__STATUS__WARNING
#define I PEIL__STATUS__INFO
#define N PEIL__STATUS__NOT_TESTED
#define E PEIL__STATUS__ERROR

/* Three domains: a.example measured by two vantages, b.example by one, c.example a target
 * nobody measured; and a domain "" (the self-tests) that is never a domain of the reply. */
struct fx {
	struct judge j;
	struct judge_round r;
	struct judge_vantage v[2];
	char *domains[4];
	long org[4];
	uint8_t cell[4 * TEST_COUNT];
	uint8_t nv[4];
};

static void
set(struct fx *x, size_t d, enum catalogue_test t, uint8_t c)
{
	x->cell[d * TEST_COUNT + t] = c;
}

static struct fx *
fx_new(void)
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->domains[0] = "";
	x->domains[1] = "a.example";
	x->domains[2] = "b.example";
	x->domains[3] = "c.example";
	x->org[0] = -1;
	x->org[1] = x->org[2] = x->org[3] = 0;
	x->nv[0] = 2;
	x->nv[1] = 2;
	x->nv[2] = 1;
	x->nv[3] = 0;
	x->v[0].name = "a\"<script>\x1b[31m";
	x->v[0].self_ipv6 = P;
	x->v[0].self_rov = -1;
	x->v[0].hello_ipv6 = true;
	x->v[0].lie = "vantage d: \x01 lies";
	x->v[0].results = 9;
	x->v[1].name = "b";
	x->v[1].self_ipv6 = -1;
	x->v[1].self_rov = F;
	x->r.id = 7;
	x->r.started = 1764547200;      /* 2025-12-01T00:00:00Z */
	x->r.ended = 1764550800;
	x->r.cell = x->cell;
	x->r.nvantages = x->nv;
	x->r.measured = 2;
	x->r.vantages = x->v;
	x->r.nvantages_round = 2;
	x->j.domains = x->domains;
	x->j.ndomains = 4;
	x->j.org = x->org;
	x->j.rounds = &x->r;
	x->j.nrounds = 1;
	/* a.example: DNSSEC passed; IPv6 web server reach failed (the vantages disagree);
	 * TLS version warning (half points), ciphers passed; an appsecpriv header warning;
	 * CAA (peil's own) passed; DMARC policy error. */
	set(x, 1, TEST_WEB_DNSSEC_EXIST, P);
	set(x, 1, TEST_WEB_DNSSEC_VALID, P);
	set(x, 1, TEST_WEB_IPV6_WS_REACH, F | JUDGE_DISAGREE);
	set(x, 1, TEST_WEB_IPV6_WS_ADDRESS, P);
	set(x, 1, TEST_WEB_HTTPS_TLS_VERSION, W);
	set(x, 1, TEST_WEB_HTTPS_TLS_CIPHERS, P);
	set(x, 1, TEST_WEB_APPSECPRIV_X_FRAME_OPTIONS, W);
	set(x, 1, TEST_WEB_CAA, P);
	set(x, 1, TEST_MAIL_AUTH_DMARC_POLICY, E);
	set(x, 1, TEST_MAIL_AUTH_SPF_EXIST, P);
	set(x, 1, TEST_MAIL_MTASTS, F);
	/* b.example: one result. */
	set(x, 2, TEST_WEB_RPKI_VALID, I);
	/* The self-tests. */
	set(x, 0, TEST_VANTAGE_IPV6, P);
	return x;
}

static int
who_stub(struct judge *j, size_t r, size_t d, enum catalogue_test t, char **who)
{
	(void)j;
	(void)r;
	(void)d;
	(void)t;
	*who = strdup("a=passed \"b\"=failed");
	return *who != NULL ? 0 : PEIL_ENOMEM;
}

static char *
write_inl(struct fx *x, const char *domain, bool mail, int *rc, size_t *nd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = export_inl_write(&x->j, 0, domain, mail, who_stub, f, nd);
	fclose(f);
	return buf;
}

/* Whether python3's json reads it, and it has no raw control character. */
static void
assert_json(const char *doc)
{
	char path[] = "/tmp/peil-export-XXXXXX";
	char cmd[256];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
	close(fd);
	for (const char *p = doc; *p != '\0'; p++)
		assert_true((unsigned char)*p >= 0x20 || *p == '\n');
	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s",
	    path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

static void
test_web(void **state)
{
	struct fx *x = fx_new();
	size_t nd;
	int rc;
	char *doc = write_inl(x, NULL, false, &rc, &nd);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(nd, 3);
	assert_json(doc);
	assert_non_null(strstr(doc, "{\"api_version\":\"2.4.0\",\"request\":{\"request_id\":"
	    "\"00000000000000000000000000000007\",\"name\":\"peil round 7 web\","
	    "\"request_type\":\"web\",\"status\":\"done\","
	    "\"submit_date\":\"2025-12-01T00:00:00+00:00\","
	    "\"finished_date\":\"2025-12-01T01:00:00+00:00\"}"));
	/* Scores: ipv6 ws_address passed + ws_reach failed = 50; dnssec 100; https: version
	 * warning 5 + ciphers 10 of 20 = 75; rpki, appsecpriv none: (50 + 100 + 75) / 3 = 75. */
	assert_non_null(strstr(doc, "\"a.example\":{\"status\":\"ok\",\"scoring\":"
	    "{\"percentage\":75},"));
	assert_non_null(strstr(doc, "\"web_ipv6\":{\"status\":\"failed\",\"verdict\":\"failed\"}"));
	assert_non_null(strstr(doc, "\"web_dnssec\":{\"status\":\"passed\""));
	/* A warning on a mandatory test leaves its category passed (internet.nl's
	 * Probe._verdict); in a category without one, the category warns. */
	assert_non_null(strstr(doc, "\"web_https\":{\"status\":\"passed\""));
	assert_non_null(strstr(doc, "\"web_appsecpriv\":{\"status\":\"warning\""));
	assert_non_null(strstr(doc, "\"web_rpki\":{\"status\":\"info\""));
	assert_non_null(strstr(doc, "\"web_ipv6_ws_reach\":{\"status\":\"failed\","
	    "\"verdict\":\"bad\"}"));
	assert_non_null(strstr(doc, "\"web_https_tls_0rtt\":{\"status\":\"not_tested\","
	    "\"verdict\":\"detail verdict not-tested\"}"));
	/* peil's own test under "peil", never among internet.nl's; no mail test in a web reply. */
	assert_non_null(strstr(doc, "\"peil\":{\"round\":7,\"vantages\":2,\"score\":75,"
	    "\"tests\":{\"web_caa\":{\"status\":\"passed\",\"verdict\":\"good\"}}"));
	assert_null(strstr(doc, "\"web_caa\":{\"status\":\"passed\",\"verdict\":\"good\"},"));
	assert_null(strstr(doc, "mail_"));
	assert_non_null(strstr(doc, "\"disagree\":{\"web_ipv6_ws_reach\":"
	    "\"a=passed \\\"b\\\"=failed\"}"));
	assert_non_null(strstr(doc, "\"not_in_peil\":[]"));
	/* b.example: one info; c.example: a target nobody measured. */
	assert_non_null(strstr(doc, "\"b.example\":{\"status\":\"ok\",\"scoring\":"
	    "{\"percentage\":0},"));
	assert_non_null(strstr(doc, "\"score\":null"));
	assert_non_null(strstr(doc, "\"c.example\":{\"status\":\"error\",\"peil\":"));
	assert_null(strstr(doc, "\"\":{"));
	/* The vantages, names and flags escaped. */
	assert_non_null(strstr(doc, "\"vantages\":[{\"name\":\"a\\\"<script>\\u001b[31m\","
	    "\"vantage_ipv6\":\"passed\",\"vantage_rov\":null,\"hello_ipv6\":true,"
	    "\"results\":9,\"vantage_flag\":\"vantage d: \\u0001 lies\"},{\"name\":\"b\","
	    "\"vantage_ipv6\":null,\"vantage_rov\":\"failed\""));
	free(doc);
	free(x);
}

static void
test_mail(void **state)
{
	struct fx *x = fx_new();
	size_t nd;
	int rc;
	char *doc = write_inl(x, "a.example", true, &rc, &nd);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(nd, 1);
	assert_json(doc);
	assert_non_null(strstr(doc, "\"request_type\":\"mail\""));
	assert_null(strstr(doc, "b.example"));
	/* An error makes the category error, before a pass. auth: spf_exist 10 of dmarc
	 * error's 0 = 50; the only category scored. */
	assert_non_null(strstr(doc, "\"mail_auth\":{\"status\":\"error\""));
	assert_non_null(strstr(doc, "{\"percentage\":50}"));
	assert_non_null(strstr(doc, "\"mail_auth_dmarc_policy\":{\"status\":\"error\","
	    "\"verdict\":\"detail verdict could-not-test\"}"));
	assert_non_null(strstr(doc, "\"tests\":{\"mail_mtasts\":{\"status\":\"failed\","
	    "\"verdict\":\"bad\"}}"));
	assert_non_null(strstr(doc, "\"not_in_peil\":[\"mail_starttls_tls_0rtt\"]"));
	assert_non_null(strstr(doc, "\"mail_starttls_tls_0rtt\":{\"status\":\"not_tested\""));
	assert_null(strstr(doc, "\"web_"));
	free(doc);
	free(x);
}

static void
test_domain_unknown(void **state)
{
	struct fx *x = fx_new();
	size_t nd;
	int rc;
	char *doc;

	(void)state;
	doc = write_inl(x, "nosuch.example", false, &rc, &nd);
	assert_int_equal(rc, PEIL_ENOENT);
	free(doc);
	/* A target with no result in the round is no result either. */
	doc = write_inl(x, "c.example", false, &rc, &nd);
	assert_int_equal(rc, PEIL_ENOENT);
	free(doc);
	free(x);
}

static void
test_categories(void **state)
{
	size_t n;
	const struct catalogue_entry *c = catalogue_all(&n);
	size_t mine = 0;

	(void)state;
	assert_string_equal(export_inl_category("web_https_tls_0rtt"), "web_https");
	assert_string_equal(export_inl_category("mail_mx_ns_rpki_valid"), "mail_rpki");
	assert_string_equal(export_inl_category("web_ns_rpki_exists"), "web_rpki");
	assert_null(export_inl_category("mail_starttls_nonsense"));
	/* peil's tests without an internet.nl counterpart: exactly these (docs/report.md). */
	for (size_t t = 0; t < n; t++) {
		if (export_inl_category(c[t].id) != NULL)
			continue;
		mine++;
		assert_true(strcmp(c[t].id, "web_caa") == 0 || strcmp(c[t].id, "mail_mtasts") == 0 ||
		    strcmp(c[t].id, "mail_tlsrpt") == 0 ||
		    strcmp(c[t].id, "mail_auth_dmarc_ext_destination") == 0 ||
		    strcmp(c[t].id, "vantage_ipv6") == 0 || strcmp(c[t].id, "vantage_rov") == 0);
	}
	assert_int_equal(mine, 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_web),
		cmocka_unit_test(test_mail),
		cmocka_unit_test(test_domain_unknown),
		cmocka_unit_test(test_categories),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
