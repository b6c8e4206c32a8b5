/* test_log.c: the line format (journal priority prefixes, time stamps, one event a line,
 * truncation), when the journal form is chosen, and the rate limiter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "limits.h"
#include "log.h"

static void
test_journal_prefixes(void **state)
{
	char buf[256];
	size_t n;

	(void)state;
	n = log_format(buf, sizeof(buf), LOG_ERR, true, "peil-agent", 0, 0, "spool: full");
	assert_string_equal(buf, "<3>spool: full\n");
	assert_int_equal(n, strlen(buf));
	log_format(buf, sizeof(buf), LOG_WARN, true, "peil-agent", 0, 0, "w");
	assert_string_equal(buf, "<4>w\n");
	log_format(buf, sizeof(buf), LOG_INFO, true, "peil-agent", 0, 0, "i");
	assert_string_equal(buf, "<6>i\n");
	log_format(buf, sizeof(buf), LOG_DEBUG, true, "peil-agent", 0, 0, "d");
	assert_string_equal(buf, "<7>d\n");
}

static void
test_plain_form(void **state)
{
	char buf[256];

	(void)state;
	/* 2026-12-04T22:30:05.042Z: 1796423405 s since the epoch. */
	log_format(buf, sizeof(buf), LOG_WARN, false, "peil-collector", 1796423405, 42,
	    "agent 'a': batch refused");
	assert_string_equal(buf, "2026-12-04T22:30:05.042Z peil-collector[warn]: agent 'a': batch refused\n");
}

static void
test_one_event_one_line(void **state)
{
	char buf[256];

	(void)state;
	/* A newline, a carriage return or an escape from a peer's text cannot start a line of
	 * its own (nor forge a priority prefix) or move the terminal. */
	log_format(buf, sizeof(buf), LOG_INFO, true, "p", 0, 0, "domain a.nl\n<3>forged\r\x1b[2J\x7f");
	assert_string_equal(buf, "<6>domain a.nl\\x0a<3>forged\\x0d\\x1b[2J\\x7f\n");
	assert_ptr_equal(strchr(buf, '\n'), buf + strlen(buf) - 1);
	/* Bytes above 0x7f (UTF-8) pass unchanged. */
	log_format(buf, sizeof(buf), LOG_INFO, true, "p", 0, 0, "bücher.nl");
	assert_string_equal(buf, "<6>bücher.nl\n");
}

static void
test_truncation(void **state)
{
	char msg[300], buf[64];
	size_t n;

	(void)state;
	memset(msg, 'x', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	n = log_format(buf, sizeof(buf), LOG_ERR, true, "p", 0, 0, msg);
	assert_int_equal(n, strlen(buf));
	assert_true(n < sizeof(buf));
	assert_memory_equal(buf + n - 4, "...\n", 4);
	assert_memory_equal(buf, "<3>xxx", 6);
	/* An escape that would not fit whole is not cut in half. */
	memset(msg, '\n', 100);
	msg[100] = '\0';
	n = log_format(buf, sizeof(buf), LOG_ERR, true, "p", 0, 0, msg);
	assert_memory_equal(buf + n - 4, "...\n", 4);
	assert_int_equal((n - 3 - 4) % 4, 0);
	/* A line as long as allowed, exactly: no "...". */
	memset(msg, 'y', 64 - 5 - 3);
	msg[64 - 5 - 3] = '\0';
	n = log_format(buf, sizeof(buf), LOG_ERR, true, "p", 0, 0, msg);
	assert_int_equal(n, 64 - 5 + 1);
	assert_int_equal(buf[n - 2], 'y');
}

static void
test_journal_wanted(void **state)
{
	(void)state;
	/* JOURNAL_STREAM names standard error's device and inode. */
	assert_true(log_journal_wanted("8:12345", NULL, true, 8, 12345));
	/* ... another stream (stderr redirected by a child's caller): plain lines. */
	assert_false(log_journal_wanted("8:12345", NULL, true, 8, 999));
	assert_false(log_journal_wanted("8:12345", NULL, false, 0, 0));
	assert_false(log_journal_wanted("8:12345x", NULL, true, 8, 12345));
	assert_false(log_journal_wanted("garbage", NULL, true, 8, 12345));
	assert_false(log_journal_wanted("", NULL, true, 0, 0));
	/* Run as a unit (INVOCATION_ID): prefixes, whatever standard error is. */
	assert_true(log_journal_wanted(NULL, "0f3c8e1d2b6a4c5e9d7f1a2b3c4d5e6f", false, 0, 0));
	assert_true(log_journal_wanted("8:1", "0f3c", true, 8, 2));
	assert_false(log_journal_wanted(NULL, "", true, 8, 2));
	/* Neither: a terminal or a file, plain lines. */
	assert_false(log_journal_wanted(NULL, NULL, true, 8, 2));
}

static void
test_limit(void **state)
{
	struct log_limit *ll = log_limit_new(8, 10);

	(void)state;
	assert_non_null(ll);
	assert_true(log_limit_ok(ll, "agent a", 100));
	assert_false(log_limit_ok(ll, "agent a", 105));
	assert_true(log_limit_ok(ll, "agent a", 110));
	log_limit_free(ll);
	log_limit_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_prefixes),
		cmocka_unit_test(test_plain_form),
		cmocka_unit_test(test_one_event_one_line),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_journal_wanted),
		cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
