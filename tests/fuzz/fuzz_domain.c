/* fuzz_domain.c: libFuzzer target feeding raw bytes to the domain check and IDN conversion. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dnsans.h"
#include "domain.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char out[MAX_DOMAIN_LEN + 1], why[256];

	memset(out, 0x55, sizeof(out));
	if (domain_input((const char *)d, n, out, why, sizeof(why)) == 0) {
		/* What it accepts is a lower-case host name that fits, with a NUL. */
		if (memchr(out, '\0', sizeof(out)) == NULL || !dnsans_hostname_ok(out))
			__builtin_trap();
		for (size_t i = 0; out[i] != '\0'; i++)
			if (out[i] >= 'A' && out[i] <= 'Z')
				__builtin_trap();
	} else if (memchr(why, '\0', sizeof(why)) == NULL || why[0] == '\0') {
		__builtin_trap();
	}
	return 0;
}
