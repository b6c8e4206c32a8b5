/* fuzz_pfx2as.c: libFuzzer target for the route-origin text parsers: the first byte picks
 * CAIDA pfx2as (even) or `bgpdump -m` lines (odd), the rest is a whole file. Every route is a
 * clean prefix with 1..MAX_ROUTE_ORIGINS ascending origins; a refusal names a line of the
 * input and a reason; a line parsed alone gives what the file parse gave. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "pfx2as.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void
fuzz_pfx2as_check_route(const struct pfx2as_route *r)
{
	struct ipprefix clean;

	if ((r->prefix.family != 4 && r->prefix.family != 6) ||
	    r->prefix.len > (r->prefix.family == 4 ? 32 : 128))
		__builtin_trap();
	if (ipprefix_make(r->prefix.family, r->prefix.addr, r->prefix.len, &clean) != 0 ||
	    memcmp(&clean, &r->prefix, sizeof(clean)) != 0)
		__builtin_trap();
	if (r->norigins == 0 || r->norigins > MAX_ROUTE_ORIGINS)
		__builtin_trap();
	for (size_t i = 1; i < r->norigins; i++)
		if (r->origins[i - 1] >= r->origins[i])
			__builtin_trap();
}

static size_t fuzz_pfx2as_n;

static int
fuzz_pfx2as_cb(void *arg, const struct pfx2as_route *r)
{
	(void)arg;
	fuzz_pfx2as_check_route(r);
	fuzz_pfx2as_n++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	enum pfx2as_kind k;
	char why[160];
	size_t line = 0, lines = 1, routes = 0;
	int rc;

	if (n == 0)
		return 0;
	k = d[0] % 2 ? PFX2AS_BGPDUMP : PFX2AS_CAIDA;
	d++;
	n--;
	for (size_t i = 0; i < n; i++)
		lines += d[i] == '\n';
	fuzz_pfx2as_n = 0;
	rc = pfx2as_parse(k, d, n, fuzz_pfx2as_cb, NULL, &line, why, sizeof(why));
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	if (rc != 0 && (rc != PEIL_EINVAL || why[0] == '\0' || line == 0 || line > lines))
		__builtin_trap();
	/* line by line: the same routes up to the first refusal */
	for (size_t s = 0, no = 1; s < n; no++) {
		const uint8_t *nl = memchr(d + s, '\n', n - s);
		size_t e = nl != NULL ? (size_t)(nl - d) : n;
		struct pfx2as_route r;
		enum pfx2as_line kind;
		int lrc = pfx2as_parse_line(k, d + s, e - s, &kind, &r, why, sizeof(why));

		if (lrc != 0) {
			if (rc == 0 || no != line || kind != PFX2AS_LINE_SKIP || r.norigins != 0)
				__builtin_trap();
			break;
		}
		if (kind == PFX2AS_LINE_ROUTE) {
			fuzz_pfx2as_check_route(&r);
			routes++;
		}
		s = e + 1;
	}
	if (routes != fuzz_pfx2as_n)
		__builtin_trap();
	return 0;
}
