/* fuzz_spf.c: libFuzzer target feeding raw bytes to the SPF record parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "limits.h"
#include "spf.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct spf_record *r = NULL;
	enum spf_reason reason;
	char why[128], desc[256];
	size_t i, sum = 0;

	if (spf_parse_ex(d, n, &r, &reason, why, sizeof(why)) == 0) {
		/* Touch every string so the sanitizers see any bad pointer or missing NUL. */
		for (i = 0; i < r->nterms; i++) {
			if (r->terms[i].domain != NULL)
				sum += strlen(r->terms[i].domain);
			if (r->terms[i].name != NULL)
				sum += strlen(r->terms[i].name);
			if (r->terms[i].offset >= n)
				__builtin_trap();
		}
		if (sum > n || r->nterms > MAX_SPF_TERMS || r->lookups > r->nterms)
			__builtin_trap();
		(void)spf_record_describe(r, desc, sizeof(desc));
		spf_free(r);
	} else if (r != NULL || reason == SPF_R_OK) {
		__builtin_trap();
	}
	return 0;
}
