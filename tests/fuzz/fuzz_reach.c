/* fuzz_reach.c: libFuzzer target for the reachability probe's DNS answer check. The first
 * two bytes are the query id it expects; the question is good.test SOA, or the input's
 * own question when byte 2 is odd. */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "reach.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint8_t qname[] = "\4good\4test";   /* with its NUL: the root label */
	uint8_t *copy;
	uint16_t id;
	int rcode = 0, rc;
	bool tc = false;

	if (n < 3)
		return 0;
	id = (uint16_t)(d[0] << 8 | d[1]);
	/* An exactly sized copy: the sanitizers see any read past the end. */
	if ((copy = malloc(n - 3)) == NULL && n > 3)
		return 0;
	memcpy(copy, d + 3, n - 3);
	rc = reach_dns_answer(copy, n - 3, id, qname, sizeof(qname), (d[2] & 1) ? 1 : 6, &rcode,
	    &tc);
	if (rc != 0 && rc != PEIL_ENOENT && rc != PEIL_EINVAL)
		__builtin_trap();
	if (rc == 0 && (rcode < 0 || rcode > 4095))
		__builtin_trap();
	free(copy);
	return 0;
}
