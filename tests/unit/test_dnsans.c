/* test_dnsans.c: DNS answers parsed and bounded from canned packets, and host names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include <ldns/ldns.h>

#include "dnsans.h"
#include "err.h"

#include "dnsfake.h"

static void
test_parse_records(void **state)
{
	struct dnsans *a = malloc(sizeof(*a));
	uint8_t *w;
	size_t len;

	(void)state;
	build_packet("Good.Test.", T_NS, 0, "good.test. 300 IN NS NS2.Good.Test.\n"
	    "GOOD.test. 300 IN NS ns1.good.test.\n"
	    "good.test. 300 IN NS ns1.good.test.\n"
	    "good.test. 300 IN A 192.0.2.1\n"
	    "other.test. 300 IN NS ns9.other.test.", SOA("good.test"), &w, &len);
	assert_int_equal(dnsans_parse(w, len, "good.test", T_NS, 10, a), 0);
	assert_int_equal(a->rcode, 0);
	assert_int_equal(a->total, 3);
	assert_int_equal(a->n, 2);
	assert_string_equal(a->rr[0].text, "ns1.good.test");
	assert_string_equal(a->rr[1].text, "ns2.good.test");
	assert_true(a->rr[0].host_ok);
	assert_string_equal(a->zone, "good.test");
	assert_string_equal(a->target, "");

	/* max 0: only counted. */
	assert_int_equal(dnsans_parse(w, len, "good.test.", T_NS, 0, a), 0);
	assert_int_equal(a->total, 3);
	assert_int_equal(a->n, 0);

	/* Another question. */
	assert_int_equal(dnsans_parse(w, len, "good.test", T_MX, 10, a), PEIL_EINVAL);
	assert_int_equal(a->err, PEIL_EINVAL);
	assert_contains(a->reason, "another question");
	assert_int_equal(dnsans_parse(w, len, "bad.test", T_NS, 10, a), PEIL_EINVAL);

	/* Every truncation is caught, and so are trailing bytes. */
	for (size_t cut = 0; cut < len; cut++) {
		assert_int_equal(dnsans_parse(w, cut, "good.test", T_NS, 10, a), PEIL_EINVAL);
		assert_contains(a->reason, "malformed answer");
	}
	{
		uint8_t *longer = malloc(len + 1);

		memcpy(longer, w, len);
		longer[len] = 0;
		assert_int_equal(dnsans_parse(longer, len + 1, "good.test", T_NS, 10, a),
		    PEIL_EINVAL);
		assert_contains(a->reason, "1 trailing bytes");
		free(longer);
	}
	/* Not a response. */
	w[2] &= 0x7f;
	assert_int_equal(dnsans_parse(w, len, "good.test", T_NS, 10, a), PEIL_EINVAL);
	assert_contains(a->reason, "not a response");
	free(w);

	/* A header alone (libunbound's SERVFAIL) is an answer with its rcode. */
	{
		const uint8_t hdr[12] = { 0, 0, 0x81, 0x82, 0, 0, 0, 0, 0, 0, 0, 0 };

		assert_int_equal(dnsans_parse(hdr, sizeof(hdr), "x.test", T_A, 10, a), 0);
		assert_int_equal(a->rcode, LDNS_RCODE_SERVFAIL);
		assert_int_equal(a->total, 0);
		assert_int_equal(dnsans_parse(hdr, 11, "x.test", T_A, 10, a), PEIL_EINVAL);
		assert_contains(a->reason, "truncated header");
	}
	free(a);
}

static void
test_parse_malformed_rdata(void **state)
{
	struct dnsans *a = malloc(sizeof(*a));
	uint8_t *w;
	size_t len;

	(void)state;
	build_packet("x.test.", T_A, 0, "x.test. 300 IN A 192.0.2.1", NULL, &w, &len);
	/* The A record's rdlength (bytes len-6..len-5) says 4; make it 3 and drop a byte. */
	assert_int_equal(w[len - 6], 0);
	assert_int_equal(w[len - 5], 4);
	w[len - 5] = 3;
	assert_int_equal(dnsans_parse(w, len - 1, "x.test", T_A, 10, a), PEIL_EINVAL);
	assert_contains(a->reason, "malformed");
	free(w);

	/* A CNAME loop is cut at MAX_CNAME_CHAIN, without harm. */
	build_packet("a.test.", T_A, 0, "a.test. 300 IN CNAME b.test.\n"
	    "b.test. 300 IN CNAME a.test.", NULL, &w, &len);
	assert_int_equal(dnsans_parse(w, len, "a.test", T_A, 10, a), PEIL_EINVAL);
	assert_contains(a->reason, "CNAME chain");
	free(w);

	/* An address list over the limit is cut. */
	{
		char answer[8192];
		size_t o = 0;

		for (int i = 0; i < DNSANS_MAX_RR + 8; i++)
			o += (size_t)snprintf(answer + o, sizeof(answer) - o,
			    "x.test. 300 IN AAAA 2001:db8::%x\n", i + 1);
		build_packet("x.test.", T_AAAA, 0, answer, NULL, &w, &len);
		assert_int_equal(dnsans_parse(w, len, "x.test", T_AAAA, 1000, a), 0);
		assert_int_equal(a->total, DNSANS_MAX_RR + 8);
		assert_int_equal(a->n, DNSANS_MAX_RR);
		free(w);
	}
	free(a);
}

/* CAA answers keep every record's rdata (wire form) for the CAA parser, as TLSA's. */
static void
test_parse_caa(void **state)
{
	struct dnsans *a = malloc(sizeof(*a));
	static const uint8_t want1[] = { 0, 5, 'i', 's', 's', 'u', 'e', 'c', 'a', '.', 'n', 'e',
	    't', ';', ' ', 'a', '=', 'b' };
	static const uint8_t want2[] = { 128, 3, 't', 'b', 's' };
	uint8_t *w;
	size_t len;

	(void)state;
	build_packet("www.x.test.", LDNS_RR_TYPE_CAA, 0,
	    "www.x.test. 300 IN CNAME x.test.\n"
	    "x.test. 300 IN CAA 0 issue \"ca.net; a=b\"\n"
	    "x.test. 300 IN CAA 128 tbs \"\"\n"
	    "y.test. 300 IN CAA 0 issue \"other.net\"", NULL, &w, &len);
	assert_int_equal(dnsans_parse(w, len, "www.x.test", LDNS_RR_TYPE_CAA, 0, a), 0);
	assert_int_equal(a->total, 2);
	assert_int_equal(a->ntxt, 2);
	assert_int_equal(a->txt_tagged, 2);
	assert_string_equal(a->target, "x.test");
	assert_int_equal(a->txt_len[0], sizeof(want1));
	assert_memory_equal(a->txt + a->txt_off[0], want1, sizeof(want1));
	assert_int_equal(a->txt_len[1], sizeof(want2));
	assert_memory_equal(a->txt + a->txt_off[1], want2, sizeof(want2));
	free(w);

	/* over MAX_TXT_KEEP records: all counted, the first kept */
	{
		char answer[8192];
		size_t o = 0;

		for (int i = 0; i < MAX_TXT_KEEP + 4; i++)
			o += (size_t)snprintf(answer + o, sizeof(answer) - o,
			    "x.test. 300 IN CAA 0 issue \"ca%d.net\"\n", i);
		build_packet("x.test.", LDNS_RR_TYPE_CAA, 0, answer, NULL, &w, &len);
		assert_int_equal(dnsans_parse(w, len, "x.test", LDNS_RR_TYPE_CAA, 0, a), 0);
		assert_int_equal(a->total, MAX_TXT_KEEP + 4);
		assert_int_equal(a->ntxt, MAX_TXT_KEEP);
		free(w);
	}
	free(a);
}

static void
test_hostname(void **state)
{
	static const char *const good[] = { "a", "example.nl", "xn--bcher-kva.example",
	    "a-b.c0.test", "1.2.3.example", NULL };
	static const char *const bad[] = { "", ".", "a..b", ".a", "a.", "-a.test", "a-.test",
	    "a_b.test", "a b.test", "192.0.2.1", "a.123", "ex\xc3\xa4mple.nl", NULL };
	char longlabel[80], longname[300];

	(void)state;
	for (size_t i = 0; good[i] != NULL; i++)
		assert_true(dnsans_hostname_ok(good[i]));
	for (size_t i = 0; bad[i] != NULL; i++)
		if (dnsans_hostname_ok(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
	memset(longlabel, 'a', 64);
	strcpy(longlabel + 64, ".test");
	assert_false(dnsans_hostname_ok(longlabel));
	longlabel[1] = '.';
	assert_true(dnsans_hostname_ok(longlabel));
	memset(longname, 'a', sizeof(longname));
	for (size_t i = 1; i < 254; i += 2)
		longname[i] = '.';
	longname[253] = '\0';
	assert_true(dnsans_hostname_ok(longname));   /* 253 characters */
	longname[253] = 'a';
	longname[254] = '\0';
	assert_false(dnsans_hostname_ok(longname));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_records),
		cmocka_unit_test(test_parse_malformed_rdata),
		cmocka_unit_test(test_parse_caa),
		cmocka_unit_test(test_hostname),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
