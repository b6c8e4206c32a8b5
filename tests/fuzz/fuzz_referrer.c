/* fuzz_referrer.c: libFuzzer target for the Referrer-Policy parser and internet.nl verdict. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"
#include "limits.h"
#include "referrer.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static struct referrer ref;

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	enum referrer_reason reason;
	char why[128];
	size_t i;
	int rc = referrer_parse(d, n, &ref, &reason, why, sizeof(why));
	enum referrer_inl inl = referrer_inl_verdict(&ref);

	(void)referrer_reason_name(reason);
	(void)referrer_inl_name(inl);
	if (strnlen(why, sizeof(why)) == sizeof(why))
		__builtin_trap();
	if (rc != 0) {
		if (reason == REFERRER_R_OK || why[0] == '\0' ||
		    (rc != PEIL_EINVAL && rc != PEIL_ETOOBIG) || ref.ntokens != 0)
			__builtin_trap();
		return 0;
	}
	if (reason != REFERRER_R_OK || n > MAX_REFERRER_HEADER_LEN || ref.ntokens == 0 ||
	    ref.nkept > MAX_REFERRER_TOKENS || ref.nkept > ref.ntokens ||
	    ref.nunknown > ref.ntokens || ref.effective == REFPOL_UNKNOWN)
		__builtin_trap();
	/* the token count is the comma count plus one */
	{
		size_t commas = 0;

		for (i = 0; i < n; i++)
			commas += d[i] == ',';
		if (ref.ntokens != commas + 1)
			__builtin_trap();
	}
	for (i = 0; i < ref.nkept; i++) {
		const struct referrer_token *t = &ref.tokens[i];

		if (strnlen(t->text, sizeof(t->text)) == sizeof(t->text) ||
		    (!t->truncated && strcmp(refpol_name(t->policy), t->text) != 0 &&
		    t->policy != REFPOL_UNKNOWN))
			__builtin_trap();
	}
	/* good only for the two policies internet.nl calls good, written last */
	if (inl == REFERRER_INL_GOOD && ref.last.policy != REFPOL_NO_REFERRER &&
	    ref.last.policy != REFPOL_SAME_ORIGIN)
		__builtin_trap();
	if (inl == REFERRER_INL_GOOD && ref.effective != ref.last.policy)
		__builtin_trap();
	return 0;
}
