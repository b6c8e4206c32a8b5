/* fuzz_web_page.c: libFuzzer target for the IPv4/IPv6 page comparison (probe_web_difference:
 * nonce and __VIEWSTATE stripping, the quick_ratio measure) over two hostile pages. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "probe_web.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	size_t split;
	double ab, ba, aa;

	if (n == 0)
		return 0;
	/* the first byte picks where the first page ends */
	split = n > 1 ? (size_t)d[0] * (n - 1) / 255 : 0;
	d++;
	n--;
	ab = probe_web_difference(d, split, d + split, n - split);
	ba = probe_web_difference(d + split, n - split, d, split);
	aa = probe_web_difference(d, n, d, n);
	if (!(ab >= 0.0 && ab <= 100.0) || ab != ba || aa != 0.0)
		__builtin_trap();
	return 0;
}
