/* test_result.c: building and checking results, status names, JSON/CSV/table writers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "limits.h"
#include "esc.h"
#include "result.h"

/* Captures what a writer prints. */
struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static void
cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static const char *
cap_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	return c->buf;
}

static void
test_status_names(void **state)
{
	static const char *const names[] = { "passed", "failed", "warning", "info", "not_tested",
		"error" };
	int s;

	(void)state;
	assert_string_equal(status_name(PEIL__STATUS__PASSED), "passed");
	assert_string_equal(status_name(PEIL__STATUS__NOT_TESTED), "not_tested");
	assert_string_equal(status_name(PEIL__STATUS__ERROR), "error");
	assert_string_equal(status_name(0), "unspecified");
	assert_string_equal(status_name(7), "unspecified");
	assert_string_equal(status_name(-1), "unspecified");
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(status_parse(names[i], &s), 0);
		assert_int_equal(s, (int)i + 1);
		assert_string_equal(status_name(s), names[i]);
	}
	assert_int_equal(status_parse("unspecified", &s), PEIL_EINVAL);
	assert_int_equal(status_parse("PASSED", &s), PEIL_EINVAL);
	assert_int_equal(status_parse("", &s), PEIL_EINVAL);
	assert_int_equal(status_parse(NULL, &s), PEIL_EINVAL);
}

static void
test_result_new(void **state)
{
	Peil__Result *r;

	(void)state;
	r = result_new("example.nl", "mail_auth_spf_exist", PEIL__STATUS__PASSED, NULL);
	assert_non_null(r);
	assert_string_equal(r->domain, "example.nl");
	assert_string_equal(r->test_id, "mail_auth_spf_exist");
	assert_int_equal(r->status, PEIL__STATUS__PASSED);
	assert_string_equal(r->guideline, "rfc7208");
	assert_string_equal(r->vantage, "");
	assert_int_equal(r->n_evidence, 0);
	assert_true(r->measured_at_ms > 0);
	assert_int_equal(result_check(r), 0);
	result_set_status(r, PEIL__STATUS__FAILED);
	assert_int_equal(r->status, PEIL__STATUS__FAILED);
	result_free(r);

	r = result_new("example.nl", "web_dnssec_exist", PEIL__STATUS__INFO, "custom-1");
	assert_string_equal(r->guideline, "custom-1");
	result_free(r);
	r = result_new("example.nl", "peil_future_test", PEIL__STATUS__INFO, NULL);
	assert_string_equal(r->guideline, "");
	assert_int_equal(result_check(r), 0);
	result_free(r);
	result_free(NULL);
}

static void
test_evidence_format_and_sanitize(void **state)
{
	Peil__Result *r = result_new("example.nl", "web_caa", PEIL__STATUS__INFO, NULL);
	char longkey[MAX_EVIDENCE_KEY_LEN + 20];

	(void)state;
	assert_int_equal(result_add_evidence(r, "mx", "%s (%d)", "mx1.example.nl", 10), 0);
	assert_int_equal(result_add_evidence(r, "bad", "a\xff" "b\xc3"), 0);
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	assert_int_equal(result_add_evidence(r, longkey, "x"), 0);
	assert_int_equal(r->n_evidence, 3);
	assert_string_equal(r->evidence[0]->key, "mx");
	assert_string_equal(r->evidence[0]->value, "mx1.example.nl (10)");
	assert_string_equal(r->evidence[1]->value, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	assert_int_equal(strlen(r->evidence[2]->key), MAX_EVIDENCE_KEY_LEN);
	assert_int_equal(result_check(r), 0);
	result_free(r);
}

static void
test_evidence_value_truncated(void **state)
{
	Peil__Result *r = result_new("example.nl", "web_caa", PEIL__STATUS__INFO, NULL);
	size_t big = MAX_EVIDENCE_VALUE_LEN * 2;
	char *v = malloc(big + 1);
	const char *val;
	size_t vl;

	(void)state;
	memset(v, 'a', big);
	v[big] = '\0';
	assert_int_equal(result_add_evidence(r, "v", "%s", v), 0);
	val = r->evidence[0]->value;
	vl = strlen(val);
	assert_true(vl <= MAX_EVIDENCE_VALUE_LEN);
	assert_true(vl > MAX_EVIDENCE_VALUE_LEN - 20);
	assert_string_equal(val + vl - strlen("...[truncated]"), "...[truncated]");

	/* Exactly at the limit: kept whole. */
	v[MAX_EVIDENCE_VALUE_LEN] = '\0';
	assert_int_equal(result_add_evidence(r, "v", "%s", v), 0);
	assert_string_equal(r->evidence[1]->value, v);

	/* Multibyte characters are not cut in half. */
	for (size_t i = 0; i + 2 <= big; i += 2)
		memcpy(v + i, "\xc3\xa9", 2);
	v[big] = '\0';
	assert_int_equal(result_add_evidence(r, "v", "%s", v), 0);
	assert_true(strlen(r->evidence[2]->value) <= MAX_EVIDENCE_VALUE_LEN);
	assert_int_equal(result_check(r), 0);
	free(v);
	result_free(r);
}

static void
test_evidence_pair_limit(void **state)
{
	Peil__Result *r = result_new("example.nl", "web_caa", PEIL__STATUS__INFO, NULL);

	(void)state;
	for (int i = 0; i < MAX_EVIDENCE_PAIRS; i++)
		assert_int_equal(result_add_evidence(r, "k", "%d", i), 0);
	assert_int_equal(r->n_evidence, MAX_EVIDENCE_PAIRS);
	assert_string_equal(r->evidence[MAX_EVIDENCE_PAIRS - 1]->key, "k");
	assert_int_equal(result_check(r), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(result_add_evidence(r, "more", "%d", i), 0);
	assert_int_equal(r->n_evidence, MAX_EVIDENCE_PAIRS);
	assert_string_equal(r->evidence[MAX_EVIDENCE_PAIRS - 1]->key, "truncated");
	assert_string_equal(r->evidence[MAX_EVIDENCE_PAIRS - 1]->value,
	    "evidence pairs over limit");
	assert_string_equal(r->evidence[MAX_EVIDENCE_PAIRS - 2]->value, "254");
	assert_int_equal(result_check(r), 0);
	result_free(r);
}

/* Big values fill MAX_RESULT_BYTES before MAX_EVIDENCE_PAIRS: the result stays acceptable. */
static void
test_evidence_byte_budget(void **state)
{
	Peil__Result *r = result_new("example.nl", "web_caa", PEIL__STATUS__INFO, NULL);
	char *v = malloc(MAX_EVIDENCE_VALUE_LEN + 1);
	size_t n;

	(void)state;
	memset(v, 'b', MAX_EVIDENCE_VALUE_LEN);
	v[MAX_EVIDENCE_VALUE_LEN] = '\0';
	for (int i = 0; i < MAX_EVIDENCE_PAIRS; i++)
		assert_int_equal(result_add_evidence(r, "big", "%s", v), 0);
	n = r->n_evidence;
	assert_true(n > 10);
	assert_true(n < MAX_EVIDENCE_PAIRS);
	assert_string_equal(r->evidence[n - 1]->key, "truncated");
	assert_string_equal(r->evidence[n - 1]->value, "evidence pairs over limit");
	assert_true(peil__result__get_packed_size(r) <= MAX_RESULT_BYTES);
	assert_int_equal(result_check(r), 0);
	/* Small pairs after the marker are dropped too: one marker, at the end. */
	assert_int_equal(result_add_evidence(r, "small", "x"), 0);
	assert_int_equal(r->n_evidence, n);
	free(v);
	result_free(r);
}

static Peil__Result *
sample(void)
{
	Peil__Result *r = result_new("example.nl", "mail_auth_dmarc_policy", PEIL__STATUS__WARNING,
	    NULL);

	assert_non_null(r);
	r->round_id = 7;
	r->result_seq = 42;
	r->measured_at_ms = INT64_C(1746100800123); /* 2025-05-01T12:00:00.123Z */
	assert_int_equal(result_add_evidence(r, "record", "v=DMARC1; p=none"), 0);
	assert_int_equal(result_add_evidence(r, "reason", "p=none"), 0);
	return r;
}

static void
test_dup_and_set(void **state)
{
	struct result_set rs = { 0 };
	Peil__Result *r = sample(), *d, *u;
	uint8_t *a, *b;
	size_t la, lb;

	(void)state;
	d = result_dup(r);
	assert_non_null(d);
	la = peil__result__get_packed_size(r);
	lb = peil__result__get_packed_size(d);
	assert_int_equal(la, lb);
	a = malloc(la);
	b = malloc(lb);
	peil__result__pack(r, a);
	peil__result__pack(d, b);
	assert_memory_equal(a, b, la);
	assert_ptr_not_equal(d->domain, r->domain);
	assert_ptr_not_equal(d->evidence[0]->value, r->evidence[0]->value);

	/* A result unpacked by protobuf-c duplicates into one of ours. */
	u = peil__result__unpack(NULL, la, a);
	assert_non_null(u);
	result_free(d);
	d = result_dup(u);
	peil__result__free_unpacked(u, NULL);
	peil__result__pack(d, b);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);

	assert_int_equal(result_set_add(&rs, r), 0);
	assert_int_equal(result_set_add(&rs, d), 0);
	for (int i = 0; i < 40; i++)
		assert_int_equal(result_set_add(&rs, result_new("example.nl", "web_caa",
		    PEIL__STATUS__NOT_TESTED, NULL)), 0);
	assert_int_equal(rs.n, 42);
	assert_ptr_equal(result_set_find(&rs, "mail_auth_dmarc_policy"), r);
	assert_non_null(result_set_find(&rs, "web_caa"));
	assert_null(result_set_find(&rs, "web_dnssec_exist"));
	result_set_clear(&rs);
	assert_int_equal(rs.n, 0);
	assert_null(rs.items);
	result_set_clear(&rs);
}

static void
test_check_rejects(void **state)
{
	char longname[MAX_DOMAIN_LEN + 2], longid[MAX_TEST_ID_LEN + 2];
	Peil__Result *r;
	char *saved;

	(void)state;
#define EXPECT_BAD(field, val) do { \
		r = sample(); \
		saved = r->field; \
		r->field = (char *)(val); \
		assert_int_equal(result_check(r), PEIL_EINVAL); \
		r->field = saved; \
		result_free(r); \
	} while (0)
#define EXPECT_OK(field, val) do { \
		r = sample(); \
		saved = r->field; \
		r->field = (char *)(val); \
		assert_int_equal(result_check(r), 0); \
		r->field = saved; \
		result_free(r); \
	} while (0)
	EXPECT_OK(domain, "a.b-c.example_1.nl");
	/* Upper case would be stored yet never found by show, which looks names up lower-cased. */
	EXPECT_BAD(domain, "a.b-c.example_1.NL");
	EXPECT_OK(domain, "localhost");
	/* Empty: no target, well formed; the collector stores it only for a vantage self-test
	 * and refuses any other as "not a target" (test_store: test_accept,
	 * test_vantage_results). */
	EXPECT_OK(domain, "");
	EXPECT_BAD(domain, "exa mple.nl");
	EXPECT_BAD(domain, "example.nl.");
	EXPECT_BAD(domain, ".example.nl");
	EXPECT_BAD(domain, "example..nl");
	EXPECT_BAD(domain, "exa\nmple.nl");
	EXPECT_BAD(domain, "ex\xc3\xa9.nl");
	EXPECT_BAD(domain, "a/b.nl");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	for (size_t i = 60; i < sizeof(longname) - 1; i += 60)
		longname[i] = '.';
	EXPECT_BAD(domain, longname);
	longname[MAX_DOMAIN_LEN] = '\0';
	EXPECT_OK(domain, longname);
	memset(longname, 'a', 64);
	longname[64] = '\0';
	EXPECT_BAD(domain, longname);   /* a label over 63 */
	longname[63] = '\0';
	EXPECT_OK(domain, longname);

	EXPECT_OK(test_id, "peil_new_test_2");
	EXPECT_BAD(test_id, "");
	EXPECT_BAD(test_id, "Web_caa");
	EXPECT_BAD(test_id, "web-caa");
	EXPECT_BAD(test_id, "web caa");
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	EXPECT_BAD(test_id, longid);
	longid[MAX_TEST_ID_LEN] = '\0';
	EXPECT_OK(test_id, longid);

	EXPECT_OK(guideline, "");
	EXPECT_BAD(guideline, "bad\xe0\x80\xaf");        /* overlong */
	EXPECT_BAD(guideline, "\xed\xa0\x80");               /* surrogate */
	memset(longid, 'g', sizeof(longid) - 1);
	EXPECT_BAD(guideline, longid);
	EXPECT_BAD(vantage, NULL);
	EXPECT_OK(vantage, "anything \xff goes: it is overwritten");
	EXPECT_BAD(domain, NULL);

	/* A vantage self-test is about the vantage: its domain is empty, and only its. */
	r = sample();
	saved = r->test_id;
	r->test_id = (char *)"vantage_ipv6";
	assert_true(result_about_vantage(r));
	assert_int_equal(result_check(r), 0);         /* with a domain: still well formed */
	free(r->domain);
	r->domain = strdup("");
	assert_int_equal(result_check(r), 0);
	r->test_id = (char *)"vantage_rov";
	assert_int_equal(result_check(r), 0);
	r->test_id = (char *)"web_ipv6_ws_reach";
	assert_false(result_about_vantage(r));
	r->test_id = (char *)"vantage_unknown";
	assert_false(result_about_vantage(r));
	r->test_id = saved;
	result_free(r);

	r = sample();
	r->status = 0;
	assert_int_equal(result_check(r), PEIL_EINVAL);
	r->status = 7;
	assert_int_equal(result_check(r), PEIL_EINVAL);
	r->status = (Peil__Status)-3;
	assert_int_equal(result_check(r), PEIL_EINVAL);
	r->status = PEIL__STATUS__ERROR;
	assert_int_equal(result_check(r), 0);
	r->measured_at_ms = -1;
	assert_int_equal(result_check(r), PEIL_EINVAL);
	r->measured_at_ms = INT64_C(253402300800000);
	assert_int_equal(result_check(r), PEIL_EINVAL);
	r->measured_at_ms = 0;
	assert_int_equal(result_check(r), 0);

	saved = r->evidence[0]->key;
	r->evidence[0]->key = (char *)"";
	assert_int_equal(result_check(r), 0);
	r->evidence[0]->key = longid;
	assert_int_equal(result_check(r), PEIL_EINVAL);
	r->evidence[0]->key = (char *)"k\x80";
	assert_int_equal(result_check(r), PEIL_EINVAL);
	r->evidence[0]->key = saved;
	saved = r->evidence[1]->value;
	r->evidence[1]->value = (char *)"\xf5\x80\x80\x80";   /* past U+10FFFF */
	assert_int_equal(result_check(r), PEIL_EINVAL);
	r->evidence[1]->value = (char *)"";
	assert_int_equal(result_check(r), 0);
	r->evidence[1]->value = saved;
	r->n_evidence = MAX_EVIDENCE_PAIRS + 1;   /* count past the limit, checked first */
	assert_int_equal(result_check(r), PEIL_EINVAL);
	r->n_evidence = 2;
	assert_int_equal(result_check(r), 0);
	assert_int_equal(result_check(NULL), PEIL_EINVAL);
	result_free(r);
#undef EXPECT_BAD
#undef EXPECT_OK
}

static void
test_check_value_too_long(void **state)
{
	Peil__Result *r = sample();
	char *v = malloc(MAX_EVIDENCE_VALUE_LEN + 2);
	char *saved = r->evidence[0]->value;

	(void)state;
	memset(v, 'v', MAX_EVIDENCE_VALUE_LEN + 1);
	v[MAX_EVIDENCE_VALUE_LEN + 1] = '\0';
	r->evidence[0]->value = v;
	assert_int_equal(result_check(r), PEIL_EINVAL);
	v[MAX_EVIDENCE_VALUE_LEN] = '\0';
	assert_int_equal(result_check(r), 0);
	r->evidence[0]->value = saved;
	free(v);
	result_free(r);
}

/* protobuf-c may or may not refuse invalid UTF-8 on unpack; either way nothing invalid passes. */
static void
test_check_after_unpack(void **state)
{
	Peil__Result *r = sample(), *u;
	char *saved = r->evidence[0]->value;
	uint8_t buf[512];
	size_t len;

	(void)state;
	r->evidence[0]->value = (char *)"bad \xc0\xaf utf-8";
	len = peil__result__pack(r, buf);
	u = peil__result__unpack(NULL, len, buf);
	if (u != NULL) {
		assert_int_equal(result_check(u), PEIL_EINVAL);
		peil__result__free_unpacked(u, NULL);
	}
	r->evidence[0]->value = saved;
	len = peil__result__pack(r, buf);
	u = peil__result__unpack(NULL, len, buf);
	assert_non_null(u);
	assert_int_equal(result_check(u), 0);
	peil__result__free_unpacked(u, NULL);
	result_free(r);
}

static void
test_json(void **state)
{
	struct capture c;
	Peil__Result *r = sample();

	(void)state;
	cap_open(&c);
	assert_int_equal(result_write_json(r, c.f), 0);
	assert_string_equal(cap_close(&c),
	    "{\"round\":7,\"domain\":\"example.nl\",\"test\":\"mail_auth_dmarc_policy\","
	    "\"status\":\"warning\",\"vantage\":\"\",\"guideline\":\"rfc7489\","
	    "\"measured_at\":\"2025-05-01T12:00:00.123Z\",\"result_seq\":42,"
	    "\"evidence\":[[\"record\",\"v=DMARC1; p=none\"],[\"reason\",\"p=none\"]]}\n");
	free(c.buf);

	r->measured_at_ms = 0;
	r->status = 99;
	r->n_evidence = 0;
	cap_open(&c);
	assert_int_equal(result_write_json(r, c.f), 0);
	assert_non_null(strstr(cap_close(&c), "\"status\":\"unspecified\""));
	assert_non_null(strstr(c.buf, "\"measured_at\":null,"));
	assert_non_null(strstr(c.buf, "\"evidence\":[]}\n"));
	free(c.buf);
	r->n_evidence = 2;
	result_free(r);
}

static void
test_json_hostile(void **state)
{
	struct capture c;

	(void)state;
	cap_open(&c);
	esc_json(c.f, "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f");
	esc_json(c.f, "ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	esc_json(c.f, "bad \xff \xc3 \xe0\x80\x80 \xed\xa0\x80 \xf4\x90\x80\x80|");
	esc_json(c.f, "ls \xe2\x80\xa8 ps \xe2\x80\xa9");
	esc_json(c.f, NULL);
	esc_json(c.f, "</script>");
	assert_string_equal(cap_close(&c),
	    "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\""
	    "\"ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""
	    "\"bad \\ufffd \\ufffd \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd "
	    "\\ufffd\\ufffd\\ufffd\\ufffd|\""
	    "\"ls \\u2028 ps \\u2029\""
	    "\"\""
	    "\"</script>\"");
	free(c.buf);
}

static void
test_json_hostile_result(void **state)
{
	struct capture c;
	Peil__Result *r = sample();

	(void)state;
	assert_int_equal(result_add_evidence(r, "k\"ey\n", "\"},{\"x\":1 \x1b[31m \xfe"), 0);
	cap_open(&c);
	assert_int_equal(result_write_json(r, c.f), 0);
	cap_close(&c);
	assert_non_null(strstr(c.buf,
	    "[\"k\\\"ey\\n\",\"\\\"},{\\\"x\\\":1 \\u001b[31m \xef\xbf\xbd\"]]}\n"));
	/* One line: the only newline is the last byte. */
	assert_ptr_equal(strchr(c.buf, '\n'), c.buf + strlen(c.buf) - 1);
	free(c.buf);
	result_free(r);
}

static void
test_csv(void **state)
{
	struct capture c;
	Peil__Result *r = sample();
	char *saved;

	(void)state;
	cap_open(&c);
	assert_int_equal(result_write_csv_header(c.f), 0);
	assert_int_equal(result_write_csv(r, c.f), 0);
	assert_string_equal(cap_close(&c),
	    "round,domain,test,status,vantage,guideline,measured_at,result_seq,evidence\n"
	    "7,example.nl,mail_auth_dmarc_policy,warning,,rfc7489,2025-05-01T12:00:00.123Z,42,"
	    "record=v=DMARC1; p=none; reason=p=none\n");
	free(c.buf);

	saved = r->vantage;
	r->vantage = (char *)"a,b";
	assert_int_equal(result_add_evidence(r, "q", "say \"hi\"\nnext\x01\xff"), 0);
	cap_open(&c);
	assert_int_equal(result_write_csv(r, c.f), 0);
	assert_string_equal(cap_close(&c),
	    "7,example.nl,mail_auth_dmarc_policy,warning,\"a,b\",rfc7489,2025-05-01T12:00:00.123Z,"
	    "42,\"record=v=DMARC1; p=none; reason=p=none; q=say \"\"hi\"\"\nnext"
	    "\xef\xbf\xbd\xef\xbf\xbd\"\n");
	free(c.buf);
	r->vantage = saved;

	saved = r->guideline;
	r->guideline = (char *)" padded";
	r->measured_at_ms = 0;
	r->n_evidence = 0;
	cap_open(&c);
	assert_int_equal(result_write_csv(r, c.f), 0);
	assert_string_equal(cap_close(&c),
	    "7,example.nl,mail_auth_dmarc_policy,warning,,\" padded\",,42,\n");
	free(c.buf);
	r->guideline = saved;
	r->n_evidence = 3;
	result_free(r);
}

static void
test_table(void **state)
{
	struct capture c;
	Peil__Result *r = sample();
	char *saved;

	(void)state;
	cap_open(&c);
	assert_int_equal(result_write_table(r, c.f, false), 0);
	assert_string_equal(cap_close(&c),
	    "mail_auth_dmarc_policy                   warning\n"
	    "    record: v=DMARC1; p=none\n"
	    "    reason: p=none\n");
	free(c.buf);

	saved = r->vantage;
	r->vantage = (char *)"ams\x1b]0;x\x07";
	assert_int_equal(result_add_evidence(r, "multi", "a\nb\tc\x1b[2J\xc2\x9b"), 0);
	cap_open(&c);
	assert_int_equal(result_write_table(r, c.f, true), 0);
	assert_string_equal(cap_close(&c),
	    "mail_auth_dmarc_policy                   warning    ams\\x1b]0;x\\x07\n"
	    "    record: v=DMARC1; p=none\n"
	    "    reason: p=none\n"
	    "    multi: a\\nb\\tc\\x1b[2J\\u009b\n");
	free(c.buf);
	r->vantage = saved;
	result_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_result_new),
		cmocka_unit_test(test_evidence_format_and_sanitize),
		cmocka_unit_test(test_evidence_value_truncated),
		cmocka_unit_test(test_evidence_pair_limit),
		cmocka_unit_test(test_evidence_byte_budget),
		cmocka_unit_test(test_dup_and_set),
		cmocka_unit_test(test_check_rejects),
		cmocka_unit_test(test_check_value_too_long),
		cmocka_unit_test(test_check_after_unpack),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_hostile),
		cmocka_unit_test(test_json_hostile_result),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
