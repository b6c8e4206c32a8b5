/* fuzz_vrp_file.c: libFuzzer target feeding raw bytes to the VRP file parser (rpki-client
 * JSON and CSV), checking every VRP it returns and that an error names the file. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "limits.h"
#include "rtr.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static int
check_vrp(const struct vrp *v, void *arg)
{
	unsigned max = v->prefix.family == 4 ? 32u : 128u;
	size_t *count = arg;

	if ((v->prefix.family != 4 && v->prefix.family != 6) || v->prefix.len > max ||
	    v->max_len < v->prefix.len || v->max_len > max)
		__builtin_trap();
	/* bits past the length are zero */
	for (unsigned i = v->prefix.len; i < 128; i++)
		if (v->prefix.addr[i / 8] & (0x80u >> (i % 8)))
			__builtin_trap();
	(*count)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char err[256] = "";
	size_t count = 0;
	int rc = vrp_file_parse(d, n, "fuzz", check_vrp, &count, err, sizeof(err));

	if (rc != 0 && rc != PEIL_EINVAL && rc != PEIL_ETOOBIG)
		__builtin_trap();
	if (rc != 0 && strncmp(err, "fuzz", 4) != 0)
		__builtin_trap();
	if (count > MAX_VRPS || count > n)
		__builtin_trap();
	return 0;
}
