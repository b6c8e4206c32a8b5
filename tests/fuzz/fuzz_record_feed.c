/* fuzz_record_feed.c: libFuzzer target for tls_record_feed, which cuts a server's untrusted
 * bytes into the records a first-flight try gives OpenSSL one at a time. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	uint8_t *copy;
	size_t max, off = 0, steps = 0;

	/* The first byte picks the buffer size the caller has (as FLIGHT_BUF does). */
	if (n < 1)
		return 0;
	max = 5 + (size_t)d[0] * 64;
	d++;
	n--;
	if ((copy = malloc(n > 0 ? n : 1)) == NULL)   /* exactly sized: reads past n are seen */
		return 0;
	memcpy(copy, d, n);
	/* Walk the input as flight_drive does: whole records while they fit, then the rest. */
	while (off < n && steps++ <= n) {
		size_t k = tls_record_feed(copy + off, n - off, true, max);
		size_t all = tls_record_feed(copy + off, n - off, false, max);

		if (k > n - off || all > n - off)
			__builtin_trap();
		if (n - off >= 5 && all != n - off)
			__builtin_trap();
		if (k != 0 && k != n - off && k != 5 + (size_t)(copy[off + 3] << 8 | copy[off + 4]))
			__builtin_trap();
		if (k == 0)
			break;
		off += k;
	}
	free(copy);
	return 0;
}
