/* test_rtr.c: the VRP table from files: RFC 6811 vectors, the lab's table, the file parser's
 * errors, staleness, and a cache that never answers. The RTR tests with real caches are in
 * tests/integration/rtr_cache.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <signal.h>
#include <unistd.h>

#include "err.h"
#include "ipprefix.h"
#include "limits.h"
#include "rtr.h"

static char tmpdir[64];

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static struct vrp_table *
open_text(const char *name, const char *text, unsigned max_age_s)
{
	char path[128], err[256] = "";
	struct vrp_conf vc = { .max_age_s = max_age_s };
	struct vrp_table *t;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	write_file(path, text);
	vc.file = path;
	t = vrp_open(&vc, err, sizeof(err));
	if (t == NULL)
		fprintf(stderr, "vrp_open: %s\n", err);
	assert_non_null(t);
	return t;
}

static struct ipprefix
pfx(const char *s)
{
	struct ipprefix p;

	assert_int_equal(ipprefix_parse(s, strlen(s), false, &p, NULL, 0), 0);
	return p;
}

static struct rov
check(struct vrp_table *t, const char *route, uint32_t origin, enum rov_state want,
    size_t total)
{
	struct ipprefix p = pfx(route);
	struct rov r;
	char why[160] = "";

	assert_int_equal(vrp_validate(t, &p, origin, &r, why, sizeof(why)), 0);
	if (r.state != want || r.total_vrps != total)
		fprintf(stderr, "%s AS%u: state %d (want %d), %zu VRPs (want %zu)\n", route, origin,
		    r.state, want, r.total_vrps, total);
	assert_int_equal(r.state, want);
	assert_int_equal(r.total_vrps, total);
	assert_int_equal(r.nvrps, total < MAX_VRP_EVIDENCE ? total : MAX_VRP_EVIDENCE);
	if (want != ROV_INVALID)
		assert_false(r.invalid_as || r.invalid_length);
	else
		assert_true(r.invalid_as != r.invalid_length);
	return r;
}

static bool
has_vrp(const struct rov *r, const char *prefix, unsigned max_len, uint32_t asn)
{
	struct ipprefix p = pfx(prefix);

	for (size_t i = 0; i < r->nvrps; i++)
		if (memcmp(&r->vrps[i].prefix, &p, sizeof(p)) == 0 && r->vrps[i].max_len == max_len &&
		    r->vrps[i].asn == asn)
			return true;
	return false;
}

/* RFC 6811 2.: covered or not, matched or not; invalid by origin AS and by length. */
static const char rfc6811_csv[] =
    "ASN,IP Prefix,Max Length,Trust Anchor\r\n"
    "AS64500,198.51.100.0/24,26,test\r\n"
    "64501,198.51.100.0/24,24,test\r\n"
    "AS64503,198.51.100.128/25,25\n"
    "# a comment, and a blank line\n"
    "\n"
    "AS64502, 2001:db8::/32, 48\n"
    "AS0,203.0.113.0/24,24\n"
    "AS64500,198.51.100.0/24,26,test\n";   /* a duplicate: one VRP */

static void
test_rfc6811(void **state)
{
	struct vrp_table *t = open_text("rfc6811.csv", rfc6811_csv, 0);
	struct vrp_status st;
	struct rov r;

	(void)state;
	vrp_status(t, &st);
	assert_true(st.synced);
	assert_int_equal(st.vrps, 5);
	assert_int_equal(st.serial, 0);
	assert_true(strncmp(st.source, "file ", 5) == 0);
	assert_string_equal(st.why, "");
	assert_true(st.age_s <= 1);

	/* valid: the route's AS and a maxLength that allows its length; only matching VRPs */
	r = check(t, "198.51.100.0/24", 64500, ROV_VALID, 1);
	assert_true(has_vrp(&r, "198.51.100.0/24", 26, 64500));
	r = check(t, "198.51.100.64/26", 64500, ROV_VALID, 1);
	assert_true(has_vrp(&r, "198.51.100.0/24", 26, 64500));
	r = check(t, "198.51.100.0/24", 64501, ROV_VALID, 1);
	assert_true(has_vrp(&r, "198.51.100.0/24", 24, 64501));
	/* several VRPs: a less specific one matches (/25 <= 26), or the more specific one */
	check(t, "198.51.100.128/25", 64500, ROV_VALID, 1);
	r = check(t, "198.51.100.128/25", 64503, ROV_VALID, 1);
	assert_true(has_vrp(&r, "198.51.100.128/25", 25, 64503));
	/* invalid by length: a covering VRP has the AS, the route is longer than maxLength */
	r = check(t, "198.51.100.64/27", 64500, ROV_INVALID, 2);
	assert_true(r.invalid_length);
	assert_true(has_vrp(&r, "198.51.100.0/24", 26, 64500));
	assert_true(has_vrp(&r, "198.51.100.0/24", 24, 64501));
	r = check(t, "198.51.100.0/25", 64501, ROV_INVALID, 2);
	assert_true(r.invalid_length);
	r = check(t, "198.51.100.128/26", 64503, ROV_INVALID, 3);
	assert_true(r.invalid_length);
	assert_true(has_vrp(&r, "198.51.100.128/25", 25, 64503));
	/* invalid by origin AS: covered, no covering VRP has the AS */
	r = check(t, "198.51.100.0/24", 64999, ROV_INVALID, 2);
	assert_true(r.invalid_as);
	r = check(t, "198.51.100.128/25", 64999, ROV_INVALID, 3);
	assert_true(r.invalid_as);
	/* not found: nothing covers it (a less specific route is not covered either) */
	check(t, "192.0.2.0/24", 64500, ROV_NOT_FOUND, 0);
	check(t, "198.51.0.0/16", 64500, ROV_NOT_FOUND, 0);
	check(t, "198.51.101.0/24", 64500, ROV_NOT_FOUND, 0);
	/* IPv6 */
	check(t, "2001:db8::/32", 64502, ROV_VALID, 1);
	check(t, "2001:db8:1::/48", 64502, ROV_VALID, 1);
	r = check(t, "2001:db8:1:1::/64", 64502, ROV_INVALID, 1);
	assert_true(r.invalid_length);
	r = check(t, "2001:db8:1::/48", 64500, ROV_INVALID, 1);
	assert_true(r.invalid_as);
	check(t, "2001:db9::/32", 64502, ROV_NOT_FOUND, 0);
	/* an IPv4 VRP does not cover IPv6 space with the same leading bits */
	check(t, "c633:6400::/24", 64500, ROV_NOT_FOUND, 0);
	/* AS 0 (RFC 6483 4.): its VRP matches no route; a route of origin 0 matches none */
	r = check(t, "203.0.113.0/24", 64500, ROV_INVALID, 1);
	assert_true(r.invalid_as);
	assert_true(has_vrp(&r, "203.0.113.0/24", 24, 0));
	r = check(t, "203.0.113.0/24", 0, ROV_INVALID, 1);
	assert_true(r.invalid_as);
	r = check(t, "198.51.100.0/24", 0, ROV_INVALID, 2);
	assert_true(r.invalid_as);
	check(t, "192.0.2.0/24", 0, ROV_NOT_FOUND, 0);
	vrp_close(t);
}

static void
test_covered(void **state)
{
	struct vrp_table *t = open_text("covered.csv", rfc6811_csv, 0);
	struct ipprefix p;
	struct rov r;
	char why[160];

	(void)state;
	p = pfx("198.51.100.128/26");
	assert_int_equal(vrp_covered(t, &p, &r, why, sizeof(why)), 0);
	assert_int_equal(r.total_vrps, 3);
	assert_true(has_vrp(&r, "198.51.100.128/25", 25, 64503));
	p = pfx("198.51.100.7/32");
	assert_int_equal(vrp_covered(t, &p, &r, why, sizeof(why)), 0);
	assert_int_equal(r.total_vrps, 2);
	p = pfx("192.0.2.1/32");
	assert_int_equal(vrp_covered(t, &p, &r, why, sizeof(why)), 0);
	assert_int_equal(r.total_vrps, 0);
	assert_int_equal(r.nvrps, 0);
	p = pfx("2001:db8:ffff::/48");
	assert_int_equal(vrp_covered(t, &p, &r, why, sizeof(why)), 0);
	assert_int_equal(r.total_vrps, 1);
	assert_true(has_vrp(&r, "2001:db8::/32", 48, 64502));
	vrp_close(t);
}

/* More deciding VRPs than MAX_VRP_EVIDENCE: all counted, the first ones kept. */
static void
test_evidence_cap(void **state)
{
	char text[2048] = "";
	struct vrp_table *t;
	struct rov r;

	(void)state;
	for (unsigned i = 0; i < MAX_VRP_EVIDENCE + 4; i++) {
		char line[64];

		snprintf(line, sizeof(line), "AS%u,192.0.2.0/24,24\n", 65001 + i);
		strcat(text, line);
	}
	t = open_text("many.csv", text, 0);
	r = check(t, "192.0.2.0/24", 64999, ROV_INVALID, MAX_VRP_EVIDENCE + 4);
	assert_int_equal(r.nvrps, MAX_VRP_EVIDENCE);
	check(t, "192.0.2.0/24", 65003, ROV_VALID, 1);
	vrp_close(t);
}

/* deploy/lab/lab: VRPS (as write_rpki writes them) and every route of ROUTES in docs/lab.md's
 * "RPKI data" table with its state. */
static const char lab_json[] =
    "{\"metadata\": {\"generated\": 1733350000, \"buildtime\": \"2024-12-04T22:00:00Z\"},\n"
    " \"roas\": [\n"
    "  {\"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, \"asn\": 64500, \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"198.51.100.0/26\", \"maxLength\": 29, \"asn\": 64497, \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"198.51.100.128/25\", \"maxLength\": 25, \"asn\": 64501, \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"203.0.113.0/25\", \"maxLength\": 25, \"asn\": 64496, \"ta\": \"lab\"},\n"
    "  {\"prefix\": \"2001:db8::/33\", \"maxLength\": 48, \"asn\": 64500, \"ta\": \"lab\"}\n"
    " ]\n}\n";

static void
test_lab(void **state)
{
	struct vrp_table *t = open_text("lab.json", lab_json, 0);
	struct vrp_status st;
	struct rov r;

	(void)state;
	vrp_status(t, &st);
	assert_int_equal(st.vrps, 5);
	r = check(t, "192.0.2.0/24", 64500, ROV_VALID, 1);
	assert_true(has_vrp(&r, "192.0.2.0/24", 24, 64500));
	r = check(t, "192.0.2.224/27", 64500, ROV_INVALID, 1);
	assert_true(r.invalid_length);
	check(t, "198.51.100.0/26", 64497, ROV_VALID, 1);
	r = check(t, "198.51.100.128/25", 64666, ROV_INVALID, 1);
	assert_true(r.invalid_as);
	assert_true(has_vrp(&r, "198.51.100.128/25", 25, 64501));
	check(t, "203.0.113.0/25", 64496, ROV_VALID, 1);
	check(t, "203.0.113.128/25", 64510, ROV_NOT_FOUND, 0);
	check(t, "2001:db8::/33", 64500, ROV_VALID, 1);
	r = check(t, "2001:db8:f1::/48", 64666, ROV_INVALID, 1);
	assert_true(r.invalid_as);
	r = check(t, "2001:db8:f2::/56", 64500, ROV_INVALID, 1);
	assert_true(r.invalid_length);
	check(t, "2001:db8:8000::/48", 64510, ROV_NOT_FOUND, 0);
	/* the beacons (docs/lab.md): valid 192.0.2.200 and 2001:db8:be::80 in valid routes */
	check(t, "192.0.2.0/24", 64500, ROV_VALID, 1);
	check(t, "2001:db8::/33", 64500, ROV_VALID, 1);
	vrp_close(t);
}

/* JSON forms: "AS64500" strings, no maxLength (the prefix length), other keys and arrays. */
static void
test_json_forms(void **state)
{
	struct vrp_table *t = open_text("forms.json",
	    "\xef\xbb\xbf{\"aspas\": [{\"customer_asid\": 1, \"providers\": [2, 3]}],"
	    "\"roas\":[{\"asn\":\"AS64500\",\"prefix\":\"192.0.2.0/24\",\"maxLength\":25,"
	    "\"expires\":1.5e9,\"ok\":true,\"x\":null,\"y\":{\"z\":[\"\\\"]\"]}},"
	    "{\"prefix\":\"2001:db8::/32\",\"asn\":64501}],"
	    "\"bgpsec_keys\":[]}", 0);

	(void)state;
	check(t, "192.0.2.0/25", 64500, ROV_VALID, 1);
	check(t, "192.0.2.0/26", 64500, ROV_INVALID, 1);
	check(t, "2001:db8::/32", 64501, ROV_VALID, 1);
	check(t, "2001:db8::/33", 64501, ROV_INVALID, 1);
	vrp_close(t);
}

static int
count_fn(const struct vrp *v, void *arg)
{
	(void)v;
	(*(int *)arg)++;
	return 0;
}

struct bad_case {
	const char *text;
	int rc;
	const char *err;       /* the whole message */
};

/* Each error names the file and the line (CSV) or the byte offset (JSON). */
static void
test_parse_errors(void **state)
{
	static const struct bad_case cases[] = {
		{ "AS64500,192.0.2.0/24,24\nAS64500,192.0.2.1/24,24\n", PEIL_EINVAL,
		  "f:2: prefix \"192.0.2.1/24\": host bits set past /24" },
		{ "ASN,IP Prefix,Max Length\n64500,192.0.2.0/24,23\n", PEIL_EINVAL,
		  "f:2: maxLength 23 outside 24..32" },
		{ "64500,192.0.2.0/24,33\n", PEIL_EINVAL, "f:1: maxLength 33 outside 24..32" },
		{ "64500,2001:db8::/32,129\n", PEIL_EINVAL, "f:1: maxLength 129 outside 32..128" },
		{ "\n\n64500,192.0.2.0/24\n", PEIL_EINVAL,
		  "f:3: 2 fields (ASN,IP Prefix,Max Length[,Trust Anchor])" },
		{ "64500,192.0.2.0/24,24,ta,x\n", PEIL_EINVAL,
		  "f:1: 5 fields (ASN,IP Prefix,Max Length[,Trust Anchor])" },
		{ "64500,192.0.2.0/24,24\nASX,192.0.2.0/24,24\n", PEIL_EINVAL,
		  "f:2: ASN \"ASX\": not an AS number" },
		{ "4294967296,192.0.2.0/24,24\n", PEIL_EINVAL,
		  "f:1: ASN \"4294967296\": not an AS number" },
		{ "64500,192.0.2.0/24,-1\n", PEIL_EINVAL, "f:1: Max Length \"-1\": not a length" },
		{ "{}", PEIL_EINVAL, "f: offset 0: no \"roas\" array" },
		{ "{\"roas\": [", PEIL_EINVAL, "f: offset 10: expected '{'" },
		{ "{\"roas\": [{\"prefix\": \"192.0.2.0/24\", \"asn\": \"ASX\"}]}", PEIL_EINVAL,
		  "f: offset 44: asn: not an AS number" },
		{ "{\"roas\": [{\"asn\": 1}]}", PEIL_EINVAL, "f: offset 10: roa without \"prefix\"" },
		{ "{\"roas\": [{\"prefix\": \"192.0.2.0/24\"}]}", PEIL_EINVAL,
		  "f: offset 10: roa without \"asn\"" },
		{ "{\"roas\": [{\"prefix\": \"192.0.2.0/24\", \"asn\": 1, \"maxLength\": 8}]}",
		  PEIL_EINVAL, "f: offset 10: maxLength 8 outside 24..32" },
		{ "{\"roas\": [{\"prefix\": \"192.0.2.0/24\", \"asn\": 1, \"maxLength\": 24.5}]}",
		  PEIL_EINVAL, "f: offset 60: maxLength: not a small unsigned integer" },
		{ "{\"roas\": []} x", PEIL_EINVAL, "f: offset 13: trailing data after the JSON object" },
		{ "{\"roas\": [], \"roas\": []}", PEIL_EINVAL, "f: offset 13: a second \"roas\"" },
		{ "{\"roas\": [{\"prefix\": \"192.0.2.0/24\", \"asn\": 1,}]}", PEIL_EINVAL,
		  "f: offset 46: expected '\"'" },
		{ "{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]"
		  "]]]]]]]]]]]]]]]]]]]]]]], \"roas\": []}", PEIL_EINVAL,
		  "f: offset 37: nested too deep" },
		{ "{\"roas\": [{\"prefix\": \"192.0.2.0/24\n\"}]}", PEIL_EINVAL,
		  "f: offset 34: control character in string" },
		{ "{\"roas\": [{\"prefix\": \"192.0.2.0/24", PEIL_EINVAL,
		  "f: offset 34: unterminated string" },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = 0, rc;

		err[0] = '\0';
		rc = vrp_file_parse((const uint8_t *)cases[i].text, strlen(cases[i].text), "f",
		    count_fn, &n, err, sizeof(err));
		if (rc != cases[i].rc || strcmp(err, cases[i].err) != 0)
			fprintf(stderr, "case %zu: rc %d, \"%s\"; want \"%s\"\n", i, rc, err,
			    cases[i].err);
		assert_int_equal(rc, cases[i].rc);
		assert_string_equal(err, cases[i].err);
	}
}

static void
test_parse_limits(void **state)
{
	char line[MAX_VRP_CSV_LINE + 40], err[256] = "";
	int n = 0;

	(void)state;
	memset(line, ' ', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	memcpy(line + 10, "64500,192.0.2.0/24,24", 21);
	assert_int_equal(vrp_file_parse((const uint8_t *)line, strlen(line), "f", count_fn, &n,
	    err, sizeof(err)), PEIL_ETOOBIG);
	assert_string_equal(err, "f:1: line longer than 1024 bytes");
	/* a NUL inside a line */
	assert_int_equal(vrp_file_parse((const uint8_t *)"64500,192.0.2.0/24\0,24\n", 23, "f",
	    count_fn, &n, err, sizeof(err)), PEIL_EINVAL);
	assert_string_equal(err, "f:1: NUL byte");
	/* an empty file is an empty table, in either form */
	assert_int_equal(vrp_file_parse((const uint8_t *)"", 0, "f", count_fn, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(vrp_file_parse((const uint8_t *)"{\"roas\":[]}", 11, "f", count_fn, &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, 0);
}

/* vrp_open's errors name the file; a missing file, a bad cache list, nothing configured. */
static void
test_open_errors(void **state)
{
	char path[128], err[256];
	struct vrp_conf vc = { 0 };

	(void)state;
	snprintf(path, sizeof(path), "%s/bad.csv", tmpdir);
	write_file(path, "64500,192.0.2.0/24,24\n64500,192.0.2.0/33,33\n");
	vc.file = path;
	assert_null(vrp_open(&vc, err, sizeof(err)));
	assert_non_null(strstr(err, "bad.csv:2: prefix \"192.0.2.0/33\""));
	snprintf(path, sizeof(path), "%s/missing.json", tmpdir);
	assert_null(vrp_open(&vc, err, sizeof(err)));
	assert_non_null(strstr(err, "missing.json: No such file"));
	vc.file = NULL;
	assert_null(vrp_open(&vc, err, sizeof(err)));
	assert_string_equal(err, "no RTR cache and no VRP file");
	vc.caches = "";
	vc.file = "";
	assert_null(vrp_open(&vc, err, sizeof(err)));
	assert_string_equal(err, "no RTR cache and no VRP file");
	vc.caches = "127.0.0.1";
	assert_null(vrp_open(&vc, err, sizeof(err)));
	assert_string_equal(err, "RTR cache \"127.0.0.1\": not HOST:PORT");
	vc.caches = "127.0.0.1:8282 ::1:8282";
	assert_null(vrp_open(&vc, err, sizeof(err)));
	assert_string_equal(err, "RTR cache \"::1:8282\": not HOST:PORT");
	vc.caches = "[::1]:0";
	assert_null(vrp_open(&vc, err, sizeof(err)));
	assert_string_equal(err, "RTR cache \"[::1]:0\": bad host or port");
	vc.caches = "a:1 b:2 c:3 d:4 e:5 f:6 g:7 h:8 i:9";
	assert_null(vrp_open(&vc, err, sizeof(err)));
	assert_string_equal(err, "more than 8 RTR caches");
}

/* Older than max_age_s since the load: every answer is PEIL_EAGAIN with the age. */
static void
test_stale(void **state)
{
	struct vrp_table *t = open_text("stale.csv", "64500,192.0.2.0/24,24\n", 1);
	struct ipprefix p = pfx("192.0.2.0/24");
	struct vrp_status st;
	struct rov r;
	char why[160] = "";

	(void)state;
	assert_int_equal(vrp_validate(t, &p, 64500, &r, why, sizeof(why)), 0);
	assert_int_equal(r.state, ROV_VALID);
	usleep(2300 * 1000);
	assert_int_equal(vrp_validate(t, &p, 64500, &r, why, sizeof(why)), PEIL_EAGAIN);
	assert_string_equal(why, "VRP table 2 s old (limit 1 s)");
	assert_int_equal(r.state, ROV_NOT_FOUND);
	assert_int_equal(r.nvrps, 0);
	assert_int_equal(vrp_covered(t, &p, &r, why, sizeof(why)), PEIL_EAGAIN);
	assert_string_equal(why, "VRP table 2 s old (limit 1 s)");
	vrp_status(t, &st);
	assert_true(st.synced);
	assert_int_equal(st.age_s, 2);
	assert_int_equal(st.vrps, 1);
	vrp_close(t);
}

/* A cache that refuses connections: vrp_open waits sync_ms, then the table says why. */
static void
test_never_synced(void **state)
{
	struct vrp_conf vc = { .caches = "127.0.0.1:1", .sync_ms = 300 };
	struct ipprefix p = pfx("192.0.2.0/24");
	struct vrp_table *t;
	struct vrp_status st;
	struct rov r;
	char err[256] = "", why[160] = "";

	(void)state;
	t = vrp_open(&vc, err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(vrp_validate(t, &p, 64500, &r, why, sizeof(why)), PEIL_EAGAIN);
	assert_true(strncmp(why, "VRP table not synced: ", 22) == 0);
	assert_non_null(strstr(why, "127.0.0.1:1"));
	assert_int_equal(vrp_covered(t, &p, &r, why, sizeof(why)), PEIL_EAGAIN);
	vrp_status(t, &st);
	assert_false(st.synced);
	assert_string_equal(st.source, "rtr 127.0.0.1:1");
	assert_int_equal(st.vrps, 0);
	assert_int_equal(st.age_s, 0);
	assert_non_null(strstr(st.why, "127.0.0.1:1"));
	vrp_close(t);
}

/* Random nested VRPs and routes, IPv4 (index and trie) and IPv6 (trie), against RFC 6811
 * done by hand over every VRP. */
struct naive_vrp {
	uint32_t addr;
	unsigned len, max_len;
	uint32_t asn;
	int family;
};

static uint64_t rnd_state = 88172645463325252ULL;

static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 16);
}

static void
naive_text(int family, uint32_t addr, unsigned len, char *out, size_t n)
{
	/* IPv6: the 32 bits lead, the rest zero */
	if (family == 4)
		snprintf(out, n, "%u.%u.%u.%u/%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
		    addr & 255, len);
	else
		snprintf(out, n, "%x:%x::/%u", addr >> 16, addr & 0xffff, len);
}

static void
test_random_vs_naive(void **state)
{
	enum { NV = 3000, NR = 30000 };
	static struct naive_vrp v[NV];
	char *text = malloc(NV * 64), path[128], err[256] = "";
	struct vrp_conf vc = { 0 };
	struct vrp_table *t;
	size_t off = 0;

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < NV; i++) {
		char p[64];

		v[i].family = rnd() % 5 == 0 ? 6 : 4;
		v[i].len = 8 + rnd() % 21;                  /* 8..28 */
		v[i].addr = (0xc0000000u | (rnd() & 0x001fffffu) << 8) &
		    (0xffffffffu << (32 - v[i].len));
		v[i].max_len = v[i].len + (rnd() % 3 == 0 ? rnd() % 5 : 0);
		v[i].asn = 64500 + rnd() % 6;
		naive_text(v[i].family, v[i].addr, v[i].len, p, sizeof(p));
		off += (size_t)snprintf(text + off, 64, "AS%u,%s,%u\n", v[i].asn, p, v[i].max_len);
	}
	snprintf(path, sizeof(path), "%s/random.csv", tmpdir);
	write_file(path, text);
	free(text);
	vc.file = path;
	t = vrp_open(&vc, err, sizeof(err));
	assert_non_null(t);
	for (int i = 0; i < NR; i++) {
		int family = rnd() % 5 == 0 ? 6 : 4;
		unsigned len = 8 + rnd() % 23;              /* 8..30 */
		uint32_t addr = (0xc0000000u | (rnd() & 0x001fffffu) << 8 | (rnd() & 255)) &
		    (0xffffffffu << (32 - len));
		uint32_t origin = rnd() % 8 == 0 ? 0 : 64500 + rnd() % 7;
		size_t covering = 0, matching = 0, as_seen = 0;
		enum rov_state want;
		struct ipprefix p;
		struct rov r, c;
		char s[64], why[160];

		for (int k = 0; k < NV; k++) {
			uint32_t mask = v[k].len == 0 ? 0 : 0xffffffffu << (32 - v[k].len);

			if (v[k].family != family || v[k].len > len || (addr & mask) != v[k].addr)
				continue;
			covering++;
			if (origin != 0 && v[k].asn == origin) {
				as_seen++;
				if (len <= v[k].max_len)
					matching++;
			}
		}
		want = covering == 0 ? ROV_NOT_FOUND : matching > 0 ? ROV_VALID : ROV_INVALID;
		naive_text(family, addr, len, s, sizeof(s));
		assert_int_equal(ipprefix_parse(s, strlen(s), false, &p, NULL, 0), 0);
		assert_int_equal(vrp_validate(t, &p, origin, &r, why, sizeof(why)), 0);
		assert_int_equal(vrp_covered(t, &p, &c, why, sizeof(why)), 0);
		if (r.state != want)
			fprintf(stderr, "%s AS%u: state %d, want %d\n", s, origin, r.state, want);
		assert_int_equal(r.state, want);
		/* duplicates in the file are one VRP: compare counts only without them */
		if (want == ROV_INVALID) {
			assert_true(r.total_vrps <= covering);
			assert_int_equal(r.invalid_length, as_seen > 0);
			assert_int_equal(r.invalid_as, as_seen == 0);
		}
		if (want == ROV_VALID)
			assert_true(r.total_vrps >= 1 && r.total_vrps <= matching);
		assert_true(c.total_vrps <= covering);
		assert_int_equal(c.total_vrps > 0, covering > 0);
		for (size_t k = 0; k < r.nvrps; k++)
			assert_true(ipprefix_covers(&r.vrps[k].prefix, &p));
	}
	vrp_close(t);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/peil-test-rtr-XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6811),
		cmocka_unit_test(test_covered),
		cmocka_unit_test(test_evidence_cap),
		cmocka_unit_test(test_random_vs_naive),
		cmocka_unit_test(test_lab),
		cmocka_unit_test(test_json_forms),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_never_synced),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
