/* fuzz_hsts.c: libFuzzer target for the Strict-Transport-Security parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "hsts.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct hsts h;
	enum hsts_reason reason;
	char why[128];
	int rc = hsts_parse(d, n, &h, &reason, why, sizeof(why));

	(void)hsts_reason_name(reason);
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	if (strnlen(h.max_age_text, sizeof(h.max_age_text)) == sizeof(h.max_age_text))
		__builtin_trap();
	if (rc != 0) {
		/* a refusal: a class, a reason text, one of the two codes, nothing kept */
		if (reason == HSTS_R_OK || why[0] == '\0' ||
		    (rc != PEIL_EINVAL && rc != PEIL_ETOOBIG))
			__builtin_trap();
		if (h.max_age != 0 || h.include_subdomains || h.preload || h.ndirectives != 0)
			__builtin_trap();
		if (reason == HSTS_R_TOO_LONG && n <= MAX_HSTS_HEADER_LEN)
			__builtin_trap();
		return 0;
	}
	/* accepted: within bounds, max-age kept as digits, capped exactly at the limit */
	if (reason != HSTS_R_OK || why[0] != '\0' || n > MAX_HSTS_HEADER_LEN)
		__builtin_trap();
	if (h.max_age > MAX_HSTS_MAX_AGE || (h.max_age_capped && h.max_age != MAX_HSTS_MAX_AGE))
		__builtin_trap();
	if (h.max_age_text[0] == '\0' || h.ndirectives == 0 || h.nunknown >= h.ndirectives ||
	    h.ndirectives > MAX_HSTS_DIRECTIVES)
		__builtin_trap();
	for (size_t i = 0; h.max_age_text[i] != '\0'; i++)
		if (h.max_age_text[i] < '0' || h.max_age_text[i] > '9')
			__builtin_trap();
	return 0;
}
