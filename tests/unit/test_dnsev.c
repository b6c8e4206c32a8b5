/* test_dnsev.c: evidence gathered once for several results: bounded, the cut said. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dnsev.h"
#include "limits.h"
#include "result.h"

/* Evidence past MAX_TEST_EVIDENCE pairs is counted and said, never dropped silently. */
static void
test_evidence_cut(void **state)
{
	struct dnsev ev = { 0 }, copy = { 0 };
	Peil__Result *r;

	(void)state;
	for (int i = 0; i < MAX_TEST_EVIDENCE + 5; i++)
		dnsev_add(&ev, "k", "%d", i);
	assert_int_equal(ev.n, MAX_TEST_EVIDENCE);
	assert_int_equal(ev.cut, 5);
	dnsev_copy(&copy, &ev);
	assert_int_equal(copy.cut, 5);
	assert_non_null(r = result_new("d.test", "mail_auth_spf_exist", 0, "test"));
	assert_int_equal(dnsev_apply(&copy, r, PEIL__STATUS__PASSED, NULL), 0);
	assert_string_equal(r->evidence[r->n_evidence - 1]->key, "evidence_cut");
	assert_string_equal(r->evidence[r->n_evidence - 1]->value,
	    "5 more pairs left out (MAX_TEST_EVIDENCE)");
	result_free(r);
	dnsev_clear(&ev);
	dnsev_clear(&copy);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evidence_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
