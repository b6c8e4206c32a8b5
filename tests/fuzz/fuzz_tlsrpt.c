/* fuzz_tlsrpt.c: libFuzzer target feeding raw bytes to the TLS-RPT record parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "limits.h"
#include "mtasts.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct tlsrpt_record r;
	enum tlsrpt_reason reason;
	char why[128];
	size_t i, j, ul, hl;
	bool is = tlsrpt_is_record(d, n);
	int rc = tlsrpt_record_parse(d, n, &r, &reason, why, sizeof(why));

	(void)tlsrpt_reason_name(reason);
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	if (rc != 0) {
		/* A refusal has a class, a reason text, and leaves no URIs behind. */
		if (reason == TLSRPT_R_OK || why[0] == '\0' || r.nrua != 0 || r.nmailto != 0)
			__builtin_trap();
		if (rc != PEIL_EINVAL && rc != PEIL_ETOOBIG)
			__builtin_trap();
		if (reason == TLSRPT_R_TOO_LONG && n <= MAX_TLSRPT_RECORD_LEN)
			__builtin_trap();
		return 0;
	}
	/* accepted: a TLS-RPT record with 1..MAX_TLSRPT_RUA URIs, one at least usable */
	if (!is || reason != TLSRPT_R_OK || why[0] != '\0' || n > MAX_TLSRPT_RECORD_LEN)
		__builtin_trap();
	if (r.nrua == 0 || r.nrua > MAX_TLSRPT_RUA || r.nmailto + r.nhttps == 0 ||
	    r.nmailto + r.nhttps + r.nother != r.nrua)
		__builtin_trap();
	for (i = 0; i < r.nrua; i++) {
		const struct tlsrpt_uri *u = &r.rua[i];

		(void)tlsrpt_scheme_name(u->scheme);
		ul = strnlen(u->uri, sizeof(u->uri));
		hl = strnlen(u->host, sizeof(u->host));
		if (ul == 0 || ul == sizeof(u->uri) || ul > n || hl == sizeof(u->host))
			__builtin_trap();
		if ((u->scheme == TLSRPT_URI_OTHER) != (hl == 0))
			__builtin_trap();
		if (hl > 0 && u->host[hl - 1] == '.')
			__builtin_trap();
		for (j = 0; j < hl; j++)
			if (u->host[j] >= 'A' && u->host[j] <= 'Z')
				__builtin_trap();
		if (memchr(u->uri, ',', ul) != NULL || memchr(u->uri, ';', ul) != NULL ||
		    memchr(u->uri, ' ', ul) != NULL)
			__builtin_trap();
	}
	return 0;
}
