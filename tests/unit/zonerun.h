/* zonerun.h: for the DNS modules' tests: runs the tests asked for through probe_run over a
 * canned zone (dnsfake.h) and checks a result's status letter and reason. Include after
 * cmocka.h, catalogue.h, dnswork.h, probe.h and dnsfake.h. */
#ifndef PEIL_TEST_ZONERUN_H
#define PEIL_TEST_ZONERUN_H

/* Runs the tests listed (ids) on domain; statuses as letters: P F W I N E. */
static void __attribute__((unused))
run(struct zonefake *z, bool ipv6, bool tree, const char *domain, const int *ids, size_t nids,
    Peil__Result *res[TEST_COUNT])
{
	struct dnswork_source src = { .lookup = zf_lookup, .now_ms = zf_now, .arg = z,
	    .validating = true, .ipv6 = ipv6, .dmarc_tree_walk = tree, .reach = zf_reach };

	for (int i = 0; i < TEST_COUNT; i++)
		res[i] = NULL;
	for (size_t i = 0; i < nids; i++)
		assert_non_null(res[ids[i]] = result_new(domain, catalogue_get(ids[i])->id,
		    PEIL__STATUS__STATUS_UNSPECIFIED, "test"));
	assert_int_equal(probe_run(&src, domain, UINT64_MAX, res), 0);
	for (int i = 0; i < TEST_COUNT; i++)
		assert_int_equal(result_check(res[i]) == 0 || res[i] == NULL, true);
}

static const char * __attribute__((unused))
ev(const Peil__Result *r, const char *key)
{
	for (size_t i = 0; r != NULL && i < r->n_evidence; i++)
		if (strcmp(r->evidence[i]->key, key) == 0)
			return r->evidence[i]->value;
	return NULL;
}

static void __attribute__((unused))
dump(const Peil__Result *r)
{
	fprintf(stderr, "  %s %s: status %d\n", r->domain, r->test_id, (int)r->status);
	for (size_t i = 0; i < r->n_evidence; i++)
		fprintf(stderr, "    %s = %s\n", r->evidence[i]->key, r->evidence[i]->value);
}

/* Asserts r's status letter and that its reason contains `reason` (NULL: no reason check;
 * "" : no reason at all). */
static bool __attribute__((unused))
expect(const Peil__Result *r, char status, const char *reason)
{
	static const char letters[] = "?PFWINE";
	const char *got = ev(r, "reason");
	bool ok = r != NULL && (int)r->status >= 0 && (int)r->status <= 6 &&
	    letters[r->status] == status;

	if (ok && reason != NULL)
		ok = reason[0] == '\0' ? got == NULL : got != NULL && strstr(got, reason) != NULL;
	if (!ok) {
		fprintf(stderr, "want %c '%s'\n", status, reason ? reason : "(any)");
		if (r != NULL)
			dump(r);
	}
	return ok;
}

static void __attribute__((unused))
free_results(Peil__Result *res[TEST_COUNT])
{
	for (int i = 0; i < TEST_COUNT; i++)
		result_free(res[i]);
}

#endif
