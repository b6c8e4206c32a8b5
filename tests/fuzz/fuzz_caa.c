/* fuzz_caa.c: libFuzzer target for the CAA RDATA parser and the set verdict. The input is a
 * sequence of records, each a 2-byte big-endian length then that many RDATA bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "caa.h"
#include "err.h"
#include "limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void
fuzz_caa_check(const struct caa_rr *r, int rc, const char *why, size_t whylen, size_t len)
{
	if (strnlen(why, whylen) == whylen)
		__builtin_trap();
	if (strnlen(r->tag_text, sizeof(r->tag_text)) == sizeof(r->tag_text) ||
	    strnlen(r->issuer, sizeof(r->issuer)) == sizeof(r->issuer))
		__builtin_trap();
	for (size_t k = 0; r->tag_text[k] != '\0'; k++)
		if (r->tag_text[k] < 0x21 || r->tag_text[k] > 0x7e)
			__builtin_trap();
	if (r->value_kept > MAX_CAA_VALUE_KEEP || r->value_kept > r->value_len ||
	    r->value_len > len)
		__builtin_trap();
	if (rc == 0) {
		/* correct: nothing said against it, a known tag, flags 0 or 128 */
		if (r->problem != CAA_P_NONE || why[0] != '\0' || r->detail != NULL ||
		    r->tag >= CAA_TAG_RESERVED || (r->flags & 0x7f) != 0 || r->tag_len == 0 ||
		    r->tag_len > MAX_CAA_TAG_LEN || 2 + r->tag_len + r->value_len != len)
			__builtin_trap();
		if (r->issue_none && r->issuer[0] != '\0')
			__builtin_trap();
		return;
	}
	if (rc != PEIL_EINVAL || r->problem == CAA_P_NONE || why[0] == '\0' || r->detail == NULL ||
	    r->issuer[0] != '\0' || r->problem_off > r->value_len)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct caa_set s;
	struct caa_verdict v;
	size_t i = 0;

	caa_set_init(&s);
	while (n - i >= 2) {
		size_t len = (size_t)d[i] << 8 | d[i + 1];
		struct caa_rr r;
		char why[128];
		int rc;

		i += 2;
		if (len > n - i)
			len = n - i;
		rc = caa_parse(d + i, len, &r, why, sizeof(why));
		fuzz_caa_check(&r, rc, why, sizeof(why), len);
		(void)caa_set_add(&s, d + i, len);
		i += len;
	}
	caa_inl_verdict(&s, &v);
	if (v.nkept > MAX_CAA_REASONS || v.nkept > v.nreasons || v.nbad > s.n ||
	    v.nunseen != s.total - s.n)
		__builtin_trap();
	for (size_t k = 0; k < v.nkept; k++)
		if (strnlen(v.reasons[k], MAX_CAA_REASON_LEN) == MAX_CAA_REASON_LEN)
			__builtin_trap();
	if ((v.inl == CAA_INL_GOOD) != (s.total > 0 && v.nbad == 0 && v.has_issue))
		__builtin_trap();
	if ((v.inl == CAA_INL_NONE) != (s.total == 0))
		__builtin_trap();
	return 0;
}
