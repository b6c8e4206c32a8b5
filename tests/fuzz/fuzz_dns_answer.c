/* fuzz_dns_answer.c: DNS answers (dnsans_parse) and every module judged from them through
 * probe_run, no network.
 *
 * Input: [tests mask][flags][domain length][domain] then one record per lookup, in the order
 * the tests ask: [kind][length, 2 bytes big-endian][answer message]. kind & 3 is the security
 * state (0 insecure, 1 secure, 2 bogus, 3 the lookup fails). A length past the end of the
 * input takes what is left (a truncated message); lookups past the last record time out.
 * tests mask: bit i asks for DNS test i (0: all). flags: bit 0 validating, bit 1 a budget of
 * 24 lookups. seeds/dns_answer/ holds conversations recorded from tests/integration/dns. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "catalogue.h"
#include "dnsans.h"
#include "dnswork.h"
#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct replay {
	const uint8_t *p;
	size_t left;
	uint64_t clock;
};

static int
replay_lookup(void *arg, const char *name, uint16_t type, size_t max, uint64_t deadline_ms,
    struct dnsans *out)
{
	struct replay *r = arg;
	size_t len;
	uint8_t kind;
	int rc;

	r->clock++;
	if (r->clock >= deadline_ms)
		return dnsans_fail(out, PEIL_ETIMEDOUT, "budget");
	if (r->left < 3)
		return dnsans_fail(out, PEIL_ETIMEDOUT, "end of input");
	kind = r->p[0];
	len = (size_t)r->p[1] << 8 | r->p[2];
	r->p += 3;
	r->left -= 3;
	if (len > r->left)
		len = r->left;
	if ((kind & 3) == 3) {
		rc = dnsans_fail(out, PEIL_EDNS, "fuzzed failure");
	} else {
		rc = dnsans_parse(r->p, len, name, type, max, out);
		out->sec = (enum dnsans_sec)(kind & 3);
		if (out->sec == DNSANS_BOGUS)
			snprintf(out->why_bogus, sizeof(out->why_bogus), "fuzzed");
	}
	r->p += len;
	r->left -= len;
	return rc;
}

static uint64_t
replay_now(void *arg)
{
	return ((struct replay *)arg)->clock;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = { 1, 2, 5, 6, 15, 16, 28, 43, 48, 52 };
	struct replay r;
	struct dnswork_source src = { .lookup = replay_lookup, .now_ms = replay_now, .arg = &r };
	Peil__Result *res[TEST_COUNT] = { 0 };
	char domain[MAX_DOMAIN_LEN + 1];
	struct dnsans *a;
	uint8_t mask, flags;
	size_t dlen;

	if (size < 3)
		return 0;
	mask = data[0];
	flags = data[1];
	dlen = data[2];
	if (dlen > size - 3 || dlen > MAX_DOMAIN_LEN)
		return 0;
	memcpy(domain, data + 3, dlen);
	domain[dlen] = '\0';
	/* probe_domain hands the tests a lower-case host name: so does this target. */
	for (size_t i = 0; i < dlen; i++)
		domain[i] = (char)tolower((unsigned char)domain[i]);
	if (!dnsans_hostname_ok(domain))
		snprintf(domain, sizeof(domain), "good.test");

	/* The whole input as one message, asked every type: the parser alone. */
	if ((a = malloc(sizeof(*a))) == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		(void)dnsans_parse(data + 3 + dlen, size - 3 - dlen, domain, types[i], MAX_MX, a);
	free(a);

	r.p = data + 3 + dlen;
	r.left = size - 3 - dlen;
	r.clock = 0;
	src.validating = (flags & 1) != 0;
	for (int i = 0, k = 0; i < TEST_COUNT; i++) {
		if (catalogue_get(i)->module == MODULE_NONE)
			continue;
		/* The mask's bits pick the tests a module runs cyclically: bit k % 8 for the k-th. */
		if (mask != 0 && (mask & (1u << (k++ % 8))) == 0)
			continue;
		if ((res[i] = result_new(domain, catalogue_get(i)->id,
		    PEIL__STATUS__STATUS_UNSPECIFIED, "fuzz")) == NULL)
			goto out;
	}
	(void)probe_run(&src, domain, (flags & 2) ? 24 : UINT64_MAX, res);
	/* Whatever came in, every result asked for is judged and fit to send. */
	for (int i = 0; i < TEST_COUNT; i++)
		if (res[i] != NULL && result_check(res[i]) != 0)
			abort();
out:
	for (int i = 0; i < TEST_COUNT; i++)
		result_free(res[i]);
	return 0;
}
