/* test_probe_rpki.c: the RPKI verdicts (docs/parity.md, "RPKI") from a canned zone, a VRP file
 * (rpki-client JSON) and a pfx2as route file written here: valid, invalid by AS, invalid by
 * length, not-found, unrouted, multi-origin, the address bound, the MX zones' name servers, a
 * stale table, no table. Expectations from RFC 6811 and internet.nl's rpki.py first. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "err.h"
#include "catalogue.h"
#include "dnswork.h"
#include "probe.h"
#include "probe_rpki.h"
#include "routes.h"
#include "rtr.h"

#include "dnsfake.h"
#include "zonerun.h"

/* The VRPs (RFC 6811 terms: prefix, maxLength, origin AS). */
static const char vrps_json[] =
    "{\"metadata\":{\"buildtime\":\"2026-12-04T00:00:00Z\"},\"roas\":[\n"
    "{\"asn\":64500,\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"ta\":\"lab\"},\n"
    "{\"asn\":64500,\"prefix\":\"198.51.100.0/24\",\"maxLength\":24,\"ta\":\"lab\"},\n"
    "{\"asn\":64500,\"prefix\":\"203.0.113.0/24\",\"maxLength\":24,\"ta\":\"lab\"},\n"
    "{\"asn\":64500,\"prefix\":\"2001:db8:1::/48\",\"maxLength\":48,\"ta\":\"lab\"},\n"
    "{\"asn\":64500,\"prefix\":\"2001:db8:3::/48\",\"maxLength\":48,\"ta\":\"lab\"},\n"
    "{\"asn\":64500,\"prefix\":\"2001:db8:5::/48\",\"maxLength\":48,\"ta\":\"lab\"},\n"
    "{\"asn\":64500,\"prefix\":\"2001:db8:6::/48\",\"maxLength\":48,\"ta\":\"lab\"}\n"
    "]}\n";

/* The routes this vantage sees (CAIDA pfx2as: prefix, length, origins joined by '_'). */
static const char pfx2as[] =
    "192.0.2.0\t24\t64500\n"          /* valid */
    "198.51.100.0\t24\t64501\n"       /* invalid: origin AS */
    "203.0.113.128\t25\t64500\n"      /* invalid: longer than maxLength 24 */
    "2001:db8:1::\t48\t64500\n"       /* valid */
    "2001:db8:2::\t48\t64502\n"       /* not-found: no VRP */
    "2001:db8:5::\t48\t64500_64503\n" /* multi-origin: one valid, one invalid */
    "2001:db8:6::\t48\t64500,64503\n" /* an AS set: origin NONE, invalid (RFC 6811 2.) */
    ;
/* 2001:db8:3::/48 (a ROA) and 2001:db8:4::/48 (none) are not routed. */

static char dir[64];
static char vrp_path[128], routes_path[128];

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, true);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/peil-rpki-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(vrp_path, sizeof(vrp_path), "%s/vrps.json", dir);
	snprintf(routes_path, sizeof(routes_path), "%s/pfx2as.txt", dir);
	write_file(vrp_path, vrps_json);
	write_file(routes_path, pfx2as);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(vrp_path);
	unlink(routes_path);
	rmdir(dir);
	return 0;
}

struct tables {
	struct vrp_table *vrps;
	struct routes *routes;
};

static void
tables_open(struct tables *t, unsigned max_age_s)
{
	struct vrp_conf vc = { .file = vrp_path, .max_age_s = max_age_s };
	struct routes_conf rc = { .file = routes_path, .format = ROUTES_PFX2AS };
	char err[512];

	t->vrps = vrp_open(&vc, err, sizeof(err));
	if (t->vrps == NULL)
		fail_msg("vrp_open: %s", err);
	t->routes = routes_open(&rc, err, sizeof(err));
	if (t->routes == NULL)
		fail_msg("routes_open: %s", err);
}

static void
tables_close(struct tables *t)
{
	routes_close(t->routes);
	vrp_close(t->vrps);
}

static const int all_ids[] = {
	TEST_WEB_RPKI_EXISTS, TEST_WEB_RPKI_VALID, TEST_WEB_NS_RPKI_EXISTS,
	TEST_WEB_NS_RPKI_VALID, TEST_MAIL_RPKI_EXISTS, TEST_MAIL_RPKI_VALID,
	TEST_MAIL_NS_RPKI_EXISTS, TEST_MAIL_NS_RPKI_VALID, TEST_MAIL_MX_NS_RPKI_EXISTS,
	TEST_MAIL_MX_NS_RPKI_VALID,
};
#define NIDS (sizeof(all_ids) / sizeof(all_ids[0]))

/* Runs the ten RPKI tests on domain over zone with the tables t (NULL members: none). */
static void
rpki_run(struct zonefake *z, const struct tables *t, const char *domain,
    Peil__Result *res[TEST_COUNT])
{
	struct dnswork_source src = { .lookup = zf_lookup, .now_ms = zf_now, .arg = z,
	    .validating = true, .ipv6 = true, .ipv4 = true, .vrps = t->vrps,
	    .routes = t->routes };

	for (int i = 0; i < TEST_COUNT; i++)
		res[i] = NULL;
	for (size_t i = 0; i < NIDS; i++)
		assert_non_null(res[all_ids[i]] = result_new(domain, catalogue_get(all_ids[i])->id,
		    PEIL__STATUS__STATUS_UNSPECIFIED, "test"));
	assert_int_equal(probe_run(&src, domain, UINT64_MAX, res), 0);
	for (size_t i = 0; i < NIDS; i++)
		assert_int_equal(result_check(res[all_ids[i]]), 0);
}

/* Everything valid: the web server (the domain; www has no address), the name server, the
 * MX and the MX zone's name server (the same zone). */
static void
test_valid(void **state)
{
	static const char zone[] =
	    "v.test. NS ns1.v.test.\nns1.v.test. A 192.0.2.53\n"
	    "v.test. MX 10 mx.v.test.\nmx.v.test. A 192.0.2.25\nmx.v.test. AAAA 2001:db8:1::25\n"
	    "v.test. A 192.0.2.80\nv.test. AAAA 2001:db8:1::80\n";
	struct zonefake z = { .zone = zone };
	struct tables t;
	Peil__Result *res[TEST_COUNT];

	(void)state;
	tables_open(&t, 0);
	rpki_run(&z, &t, "v.test", res);
	for (size_t i = 0; i < NIDS; i++)
		assert_true(expect(res[all_ids[i]], 'P', ""));
	/* Evidence per address: route, origin, the VRP that decided; the tables. */
	assert_non_null(strstr(ev(res[TEST_WEB_RPKI_VALID], "addr_1"), "v.test "));
	assert_non_null(strstr(ev(res[TEST_WEB_RPKI_VALID], "addr_2"), "route 192.0.2.0/24 "
	    "AS64500; AS64500 valid (192.0.2.0/24-24 AS64500)"));
	assert_non_null(strstr(ev(res[TEST_WEB_RPKI_EXISTS], "addr_1"), "2001:db8:1::80"));
	assert_non_null(strstr(ev(res[TEST_WEB_RPKI_EXISTS], "addr_1"), "ROAs: 2001:db8:1::/48-48 "
	    "AS64500"));
	assert_non_null(strstr(ev(res[TEST_WEB_RPKI_VALID], "vrp_table"), "7 VRPs"));
	assert_non_null(strstr(ev(res[TEST_WEB_RPKI_VALID], "route_table"), "pfx2as"));
	assert_non_null(strstr(ev(res[TEST_MAIL_MX_NS_RPKI_VALID], "mx_zones"), "mx.v.test: zone "
	    "v.test"));
	assert_non_null(strstr(ev(res[TEST_MAIL_NS_RPKI_VALID], "addr_1"), "ns1.v.test "
	    "[192.0.2.53]"));
	free_results(res);
	tables_close(&t);
}

/* One web address per case; name servers and mail valid throughout. */
#define BASE(d) d ". NS ns1." d ".\nns1." d ". A 192.0.2.53\n" d ". MX 10 mx." d ".\n" \
	"mx." d ". A 192.0.2.25\n"

static void
test_invalid_notfound(void **state)
{
	struct tables t;
	Peil__Result *res[TEST_COUNT];

	(void)state;
	tables_open(&t, 0);
	/* Invalid by origin AS: a ROA exists (exists passes), the route is invalid. */
	{
		struct zonefake z = { .zone = BASE("as.test") "as.test. A 198.51.100.80\n" };

		rpki_run(&z, &t, "as.test", res);
		assert_true(expect(res[TEST_WEB_RPKI_EXISTS], 'P', ""));
		assert_true(expect(res[TEST_WEB_RPKI_VALID], 'F', "1 route origin(s) RPKI-invalid: "
		    "as.test [198.51.100.80] 198.51.100.0/24 AS64501"));
		assert_non_null(strstr(ev(res[TEST_WEB_RPKI_VALID], "addr_1"), "AS64501 invalid "
		    "(origin AS) (198.51.100.0/24-24 AS64500)"));
		assert_true(expect(res[TEST_MAIL_RPKI_VALID], 'P', ""));
		free_results(res);
	}
	/* Invalid by length: the /25 announced, the ROA allows /24 only. */
	{
		struct zonefake z = { .zone = BASE("len.test") "len.test. A 203.0.113.200\n" };

		rpki_run(&z, &t, "len.test", res);
		assert_true(expect(res[TEST_WEB_RPKI_EXISTS], 'P', ""));
		assert_true(expect(res[TEST_WEB_RPKI_VALID], 'F', "203.0.113.128/25 AS64500"));
		assert_non_null(strstr(ev(res[TEST_WEB_RPKI_VALID], "addr_1"), "invalid (length"));
		free_results(res);
	}
	/* Not-found: no ROA covers the route: exists fails, and so does valid (internet.nl's
	 * code and the issue: not-found fails). */
	{
		struct zonefake z = { .zone = BASE("nf.test") "nf.test. AAAA 2001:db8:2::80\n" };

		rpki_run(&z, &t, "nf.test", res);
		assert_true(expect(res[TEST_WEB_RPKI_EXISTS], 'F', "1 of 1 address(es) without a ROA: "
		    "nf.test [2001:db8:2::80]"));
		assert_true(expect(res[TEST_WEB_RPKI_VALID], 'F', "not-found"));
		free_results(res);
	}
	/* Multi-origin: each origin validated; the valid one does not save the invalid one. */
	{
		struct zonefake z = { .zone = BASE("mo.test") "mo.test. AAAA 2001:db8:5::80\n" };
		const char *line;

		rpki_run(&z, &t, "mo.test", res);
		assert_true(expect(res[TEST_WEB_RPKI_EXISTS], 'P', ""));
		assert_true(expect(res[TEST_WEB_RPKI_VALID], 'F', "1 route origin(s) RPKI-invalid: "
		    "mo.test [2001:db8:5::80] 2001:db8:5::/48 AS64503"));
		line = ev(res[TEST_WEB_RPKI_VALID], "addr_1");
		assert_non_null(strstr(line, "route 2001:db8:5::/48 AS64500 AS64503"));
		assert_non_null(strstr(line, "AS64500 valid"));
		assert_non_null(strstr(line, "AS64503 invalid (origin AS)"));
		free_results(res);
	}
	tables_close(&t);
}

static void
test_unrouted(void **state)
{
	struct tables t;
	Peil__Result *res[TEST_COUNT];

	(void)state;
	tables_open(&t, 0);
	/* Unrouted with a ROA covering the address: exists passes; nothing to validate. */
	{
		struct zonefake z = { .zone = BASE("ur.test") "ur.test. AAAA 2001:db8:3::80\n" };

		rpki_run(&z, &t, "ur.test", res);
		assert_true(expect(res[TEST_WEB_RPKI_EXISTS], 'P', ""));
		assert_non_null(strstr(ev(res[TEST_WEB_RPKI_EXISTS], "addr_1"), "no route in this "
		    "vantage's table; ROAs covering the address: 2001:db8:3::/48-48 AS64500"));
		assert_true(expect(res[TEST_WEB_RPKI_VALID], 'N', "no address is routed"));
		free_results(res);
	}
	/* An unrouted address without a ROA beside a valid one: exists fails, valid passes with
	 * the unrouted one named. */
	{
		struct zonefake z = { .zone = BASE("mix.test") "mix.test. A 192.0.2.80\n"
		    "mix.test. AAAA 2001:db8:4::80\n" };

		rpki_run(&z, &t, "mix.test", res);
		assert_true(expect(res[TEST_WEB_RPKI_EXISTS], 'F', "mix.test [2001:db8:4::80]"));
		assert_true(expect(res[TEST_WEB_RPKI_VALID], 'P', ""));
		assert_string_equal(ev(res[TEST_WEB_RPKI_VALID], "unrouted"),
		    "mix.test [2001:db8:4::80]");
		free_results(res);
	}
	tables_close(&t);
}

/* The MX's zone has its own name servers, on an invalid route; no MX; no web address. */
static void
test_sets(void **state)
{
	static const char zone[] =
	    "s.test. NS ns1.s.test.\nns1.s.test. A 192.0.2.53\n"
	    "s.test. MX 10 mx.other.test.\nmx.other.test. A 192.0.2.25\n"
	    "other.test. NS ns.other.test.\nns.other.test. A 198.51.100.53\n"
	    "www.s.test. A 192.0.2.80\n";
	struct zonefake z = { .zone = zone };
	struct tables t;
	Peil__Result *res[TEST_COUNT];

	(void)state;
	tables_open(&t, 0);
	rpki_run(&z, &t, "s.test", res);
	/* www counts as the web server: the apex has no address. */
	assert_true(expect(res[TEST_WEB_RPKI_VALID], 'P', ""));
	assert_non_null(strstr(ev(res[TEST_WEB_RPKI_VALID], "addr_1"), "www.s.test "));
	assert_true(expect(res[TEST_WEB_NS_RPKI_VALID], 'P', ""));
	assert_true(expect(res[TEST_MAIL_NS_RPKI_VALID], 'P', ""));
	assert_true(expect(res[TEST_MAIL_RPKI_VALID], 'P', ""));
	assert_true(expect(res[TEST_MAIL_MX_NS_RPKI_EXISTS], 'P', ""));
	assert_true(expect(res[TEST_MAIL_MX_NS_RPKI_VALID], 'F', "ns.other.test "
	    "[198.51.100.53]"));
	assert_non_null(strstr(ev(res[TEST_MAIL_MX_NS_RPKI_VALID], "mx_zones"),
	    "mx.other.test: zone other.test"));
	free_results(res);

	{
		struct zonefake z2 = { .zone = "n.test. NS ns1.n.test.\nns1.n.test. A 192.0.2.53\n" };

		rpki_run(&z2, &t, "n.test", res);
		assert_true(expect(res[TEST_MAIL_RPKI_EXISTS], 'N', "no MX records"));
		assert_true(expect(res[TEST_MAIL_MX_NS_RPKI_VALID], 'N', "no MX records"));
		assert_true(expect(res[TEST_WEB_RPKI_EXISTS], 'N', "no web server has an address"));
		assert_true(expect(res[TEST_WEB_NS_RPKI_EXISTS], 'P', ""));
		free_results(res);
	}
	tables_close(&t);
}

/* A route whose AS path ends in an AS set has origin NONE (RFC 6811 2.): no VRP matches it,
 * so under a ROA of one of the set's members it is invalid, not valid. */
static void
test_as_set(void **state)
{
	static const char zone[] =
	    "a.test. NS ns1.a.test.\nns1.a.test. A 192.0.2.53\n"
	    "a.test. AAAA 2001:db8:6::80\n";
	struct zonefake z = { .zone = zone };
	struct tables t;
	Peil__Result *res[TEST_COUNT];

	(void)state;
	tables_open(&t, 0);
	rpki_run(&z, &t, "a.test", res);
	assert_true(expect(res[TEST_WEB_RPKI_EXISTS], 'P', ""));
	assert_true(expect(res[TEST_WEB_RPKI_VALID], 'F', "a.test [2001:db8:6::80]"));
	assert_non_null(strstr(ev(res[TEST_WEB_RPKI_VALID], "addr_1"), "route 2001:db8:6::/48 "
	    "NONE (AS_SET); NONE (AS_SET) invalid (origin AS)"));
	free_results(res);
	tables_close(&t);
}

/* More addresses than MAX_RPKI_ADDRS: the first ones judged, the cut said. */
static void
test_cut(void **state)
{
	char *zone = calloc(1, 16384);
	struct zonefake z;
	struct tables t;
	Peil__Result *res[TEST_COUNT];

	(void)state;
	assert_non_null(zone);
	strcat(zone, BASE("big.test"));
	for (int i = 1; i <= 32; i++) {
		char line[96];

		snprintf(line, sizeof(line), "big.test. AAAA 2001:db8:1::%x\nbig.test. A 192.0.2.%d\n",
		    i, i);
		strcat(zone, line);
	}
	/* Past the bound: an invalid route that must not be judged. */
	strcat(zone, "www.big.test. A 198.51.100.9\n");
	memset(&z, 0, sizeof(z));
	z.zone = zone;
	tables_open(&t, 0);
	rpki_run(&z, &t, "big.test", res);
	assert_true(expect(res[TEST_WEB_RPKI_VALID], 'P', ""));
	assert_non_null(strstr(ev(res[TEST_WEB_RPKI_VALID], "addr_cut"), "65 addresses; the "
	    "first 64 judged, 1 left out (MAX_RPKI_ADDRS)"));
	assert_non_null(ev(res[TEST_WEB_RPKI_EXISTS], "addr_cut"));
	free_results(res);
	tables_close(&t);
	free(zone);
}

/* No table: not_tested before any lookup; a stale table: error before any lookup. */
static void
test_no_table_stale(void **state)
{
	struct zonefake z = { .zone = BASE("v.test") "v.test. A 192.0.2.80\n" };
	struct tables t = { 0 }, none = { 0 };
	Peil__Result *res[TEST_COUNT];

	(void)state;
	rpki_run(&z, &none, "v.test", res);
	for (size_t i = 0; i < NIDS; i++)
		assert_true(expect(res[all_ids[i]], 'N', MSG_RPKI_NO_VRPS));
	assert_int_equal(z.lookups, 0);
	free_results(res);

	tables_open(&t, 0);
	none.vrps = t.vrps;
	rpki_run(&z, &none, "v.test", res);
	for (size_t i = 0; i < NIDS; i++)
		assert_true(expect(res[all_ids[i]], 'N', MSG_RPKI_NO_ROUTES));
	assert_int_equal(z.lookups, 0);
	free_results(res);
	tables_close(&t);

	/* Older than max_age_s (1 s): every RPKI test an error with the table's age. */
	tables_open(&t, 1);
	sleep(2);
	rpki_run(&z, &t, "v.test", res);
	for (size_t i = 0; i < NIDS; i++)
		assert_true(expect(res[all_ids[i]], 'E', "VRP table"));
	assert_non_null(strstr(ev(res[TEST_WEB_RPKI_VALID], "reason"), "(limit 1 s)"));
	assert_int_equal(z.lookups, 0);
	free_results(res);
	tables_close(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid_notfound),
		cmocka_unit_test(test_unrouted),
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_as_set),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_no_table_stale),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
