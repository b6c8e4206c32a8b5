/* fuzz_targets_csv.c: the CSV parser of `peil-collector targets import` (organisation,
 * domain[,publish]) and the checks over the whole file. */
#include <stddef.h>
#include <stdint.h>

#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024];
	size_t count;

	(void)store_targets_check(data, size, &count, err, sizeof(err));
	return 0;
}
