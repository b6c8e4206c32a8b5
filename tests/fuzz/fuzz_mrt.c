/* fuzz_mrt.c: libFuzzer target for the MRT TABLE_DUMP_V2 reader: any bytes are a whole file;
 * every route it gives is a clean prefix with 1..MAX_ROUTE_ORIGINS ascending origins, every
 * refusal names an offset inside the input and a reason. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "mrt.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static size_t fuzz_mrt_routes;

static void
fuzz_mrt_check_route(const struct pfx2as_route *r)
{
	struct ipprefix clean;

	if ((r->prefix.family != 4 && r->prefix.family != 6) ||
	    r->prefix.len > (r->prefix.family == 4 ? 32 : 128))
		__builtin_trap();
	if (ipprefix_make(r->prefix.family, r->prefix.addr, r->prefix.len, &clean) != 0 ||
	    memcmp(&clean, &r->prefix, sizeof(clean)) != 0)
		__builtin_trap();   /* host bits or bytes past the family set */
	if (r->norigins == 0 || r->norigins > MAX_ROUTE_ORIGINS)
		__builtin_trap();
	for (size_t i = 1; i < r->norigins; i++)
		if (r->origins[i - 1] >= r->origins[i])
			__builtin_trap();
}

static int
fuzz_mrt_cb(void *arg, const struct pfx2as_route *r)
{
	(void)arg;
	fuzz_mrt_check_route(r);
	fuzz_mrt_routes++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct mrt_stats st;
	char why[160];
	size_t off = 0;
	int rc;

	fuzz_mrt_routes = 0;
	(void)mrt_sniff(d, n);
	rc = mrt_parse(d, n, fuzz_mrt_cb, NULL, &st, &off, why, sizeof(why));
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	if (rc == 0) {
		if (why[0] != '\0' || fuzz_mrt_routes > st.ribs || st.ribs + st.skipped + 0 >
		    st.records || st.records > n / 12 || st.entries > n / 8)
			__builtin_trap();
		return 0;
	}
	if ((rc != PEIL_EINVAL && rc != PEIL_ENOMEM) || (rc == PEIL_EINVAL && why[0] == '\0') ||
	    off > n)
		__builtin_trap();
	return 0;
}
